"""CLI conventions: vLLM/kernel output goes to the bundle's engine.log unless --verbose; --quiet
prints only the bundle path; an incomplete or all-failed run exits 1 (documented); help text
states each default once; every command has --json."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from claimbench.cli import build_parser, main
from claimbench.load.bundles import read_bundle
from claimbench.measurement.logcapture import bundle_files, capture_output, terminal_stream
from claimbench.measurement.mockserver import start_mock_server


def _measure(tmp_path, url, *args):
    proc = subprocess.run(
        [sys.executable, "-m", "claimbench", "measure", "--engine", "endpoint", "--base-url", url,
         "--input-len", "8", "--output-len", "8", "--num-prompts", "2", "--calibrate", "never",
         "--out", str(tmp_path / "runs"), *args],
        capture_output=True, text=True, timeout=300, env={**os.environ, "CLAIMBENCH_CACHE": str(tmp_path / "c")},
    )  # fmt: skip
    return proc


def test_capture_sends_kernel_and_python_output_to_the_log_and_restores_the_terminal(capfd):
    with capture_output() as log:
        os.write(1, b"kernel line on fd 1\n")
        os.write(2, b"kernel line on fd 2\n")
        print("INFO vllm engine started")
        subprocess.run(["echo", "from a child process"], check=True)
        print("progress stays on the terminal", file=terminal_stream())
        assert bundle_files() == {"engine.log": log}
    print("after the block")
    out, err = capfd.readouterr()
    text = log.read_text()
    for line in ("kernel line on fd 1", "kernel line on fd 2", "INFO vllm engine started", "from a child process"):
        assert line in text and line not in out + err
    assert "progress stays on the terminal" in err and "after the block" in out
    assert bundle_files() == {}


def test_capture_disabled_leaves_output_alone(capfd):
    with capture_output(enabled=False) as log:
        print("visible")
    assert log is None and "visible" in capfd.readouterr().out


def test_quiet_prints_only_the_bundle_path_and_the_bundle_keeps_the_engine_log(tmp_path):
    with start_mock_server(ttft_ms=1, gap_ms=1) as server:
        proc = _measure(tmp_path, server.base_url, "--concurrency", "1", "--quiet")
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    bundle = read_bundle(line)
    assert bundle.complete and (bundle.path / "engine.log").is_file()
    assert bundle.manifest["environment"]["lock"] == "env/cpu/requirements.lock"


def test_a_run_where_every_request_failed_exits_1_and_says_so(tmp_path):
    with start_mock_server(ttft_ms=1, gap_ms=1, fail_every=1) as server:
        proc = _measure(tmp_path, server.base_url, "--concurrency", "1", "--json")
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["n_ok"] == 0 and out["exit_status"] == 1 and out["status"] == "complete"


def test_an_incomplete_run_exits_1(tmp_path):
    # the server exits when the 3rd request arrives: level 0 (2 requests) completes, level 1 does not
    with start_mock_server(ttft_ms=1, gap_ms=1, die_after_requests=3) as server:
        proc = _measure(tmp_path, server.base_url, "--concurrency", "1,2")
    assert proc.returncode == 1, proc.stderr
    bundle = read_bundle(proc.stdout.splitlines()[-1])
    assert bundle.manifest["status"] == "incomplete"


def test_measure_help_documents_the_exit_statuses_and_states_each_default_once(capsys):
    with pytest.raises(SystemExit):
        main(["measure", "--help"])
    text = capsys.readouterr().out
    assert "exit status:" in text and re.search(r"^\s+1\s+the run ended incomplete", text, re.M)
    assert "(default: None)" not in text
    flat = re.sub(r"\s+", " ", text)
    for option_help in re.split(r" (?=--?[a-z])", flat):
        assert option_help.count("(default") <= 1, option_help


def test_every_command_has_json_output():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = []
    for name, p in sub.choices.items():
        parsers = [p]
        nested = [a for a in p._actions if a.dest in ("hardware_command", "evidence_command")]
        if nested:
            parsers = list(nested[0].choices.values())
        for q in parsers:
            if not any("--json" in a.option_strings for a in q._actions):
                missing.append(q.prog)
    assert missing == []

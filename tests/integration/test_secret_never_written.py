"""A planted API key, echoed back by a careless gateway into its error bodies, appears in no file
that `claimbench measure` and `claimbench report` write (every written file is grepped). The
server is the reference mock server in its hostile ``echo_auth`` mode; the report runs real
notebooks (papermill) on the bundle."""

import os
import subprocess
import sys
from pathlib import Path

from claimbench.load.bundles import read_bundle
from claimbench.measurement.mockserver import start_mock_server

SECRET = "sk-planted-4f1c9e2b7d"


def test_a_planted_key_is_in_no_file_of_the_bundle_or_the_report(tmp_path):
    env = {**os.environ, "CLAIMBENCH_TEST_KEY": SECRET}
    with start_mock_server(ttft_ms=1, gap_ms=1, require_api_key=SECRET, hostile="echo_auth", hostile_every=2) as srv:
        measured = subprocess.run(
            [
                sys.executable, "-m", "claimbench", "measure", "--engine", "endpoint", "--base-url", srv.base_url,
                "--api-key-env", "CLAIMBENCH_TEST_KEY", "--concurrency", "1,2", "--num-prompts", "4",
                "--input-len", "4", "--output-len", "3", "--calibrate", "never", "--hardware", "cpu-host",
                "--out", "runs",
            ],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert measured.returncode == 0, measured.stderr[-2000:]
    bundle = Path(tmp_path, measured.stdout.strip().splitlines()[-1])
    errors = [e for e in read_bundle(bundle).requests["error"].to_list() if e]
    assert errors and all("Authorization: ***" in e for e in errors)  # the echo happened, redacted
    report = subprocess.run(
        [sys.executable, "-m", "claimbench", "report", "--runs", "runs", "--steps", "02_analyze,05_verify",
         "--out", "reports"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert report.returncode in (0, 1), report.stderr[-2000:]  # 1: a step failed; its outputs are grepped too
    written = [f for f in tmp_path.rglob("*") if f.is_file()]
    assert any(f.suffix == ".html" for f in written) and any(f.name == "manifest.json" for f in written)
    leaks = [str(f.relative_to(tmp_path)) for f in written if SECRET.encode() in f.read_bytes()]
    assert leaks == []

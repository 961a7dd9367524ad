"""Importers on real files: a claimbench bundle from the real in-process engine, and a real
``vllm bench serve --save-result`` JSON measured against the session's real ``vllm serve`` of the
tiny model; both judged against the self-test claim by ``claimbench verify``.

The bundle test comes first so the offline engine has finished before the session server starts
(2 CPU cores: one vLLM at a time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli

pytestmark = pytest.mark.integration

SELF_TEST = "tiny-cpu-host-min-throughput-c1"


def _verify_json(*evidence: Path) -> tuple[int, list[dict], str]:
    args = ["verify", "--json", "--claim", SELF_TEST]
    for e in evidence:
        args += ["--evidence", str(e)]
    proc = run_cli(*args, timeout=120)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_a_real_bundle_is_evidence_and_supports_the_self_test_claim(offline_bundle):
    from claimbench.load.evidence import import_evidence

    (ev,), errors = import_evidence([offline_bundle])
    assert errors == []
    assert ev.kind == "run_bundle" and ev.status == "complete"
    assert ev.conditions.hardware == "cpu-host" and ev.conditions.model == "tiny"
    assert (ev.conditions.input_len, ev.conditions.output_len) == (64, 32)
    assert [p.concurrency for p in ev.points] == [1, 4]
    assert all(p.samples is not None for p in ev.points)  # per-request values: an interval

    rc, (item,), err = _verify_json(offline_bundle)
    assert rc == 0, err
    assert item["verdict"] == "SUPPORTED", item
    (used,) = item["evidence_used"]
    assert used["evidence_id"] == ev.id and used["read"].endswith("(0)")
    lo, hi = item["interval"]
    assert lo <= item["observed"] <= hi and lo >= item["claimed"]


@pytest.fixture(scope="module")
def bench_result(vllm_server, tiny_model, tmp_path_factory) -> Path:
    """Two real `vllm bench serve` runs (concurrency 1, then 2 appended) in one result file."""
    out = tmp_path_factory.mktemp("bench")
    for i, conc in enumerate((1, 2)):
        cmd = [
            sys.executable,
            "-m",
            "claimbench.measurement.engines.vllm_cli",
            "bench",
            "serve",
            "--base-url",
            vllm_server.base_url,
            "--model",
            "tiny",
            "--tokenizer",
            str(tiny_model),
            "--dataset-name",
            "random",
            "--random-input-len",
            "32",
            "--random-output-len",
            "16",
            "--num-prompts",
            "8",
            "--max-concurrency",
            str(conc),
            "--ignore-eos",
            "--seed",
            "0",
            "--percentile-metrics",
            "ttft,tpot,itl,e2el",
            "--metric-percentiles",
            "50,90,99",
            "--save-result",
            "--save-detailed",
            "--result-dir",
            str(out),
            "--result-filename",
            "bench.json",
            "--metadata",
            "hardware=cpu-host",
            "--disable-tqdm",
        ]
        if i:
            cmd.append("--append-result")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
    return out / "bench.json"


def test_a_real_vllm_bench_serve_result_imports_with_our_metric_names(bench_result):
    from claimbench.load.evidence import import_evidence

    (ev,), errors = import_evidence([bench_result])
    assert errors == []
    assert ev.kind == "vllm_bench" and ev.conditions.hardware == "cpu-host"
    assert ev.conditions.model == "tiny" and ev.basis == "card" and ev.packages == 1
    assert abs(ev.conditions.input_len - 32) <= 2  # the mean prompt length of the random dataset
    p1, p2 = ev.points
    assert (p1.concurrency, p2.concurrency) == (1, 2)
    for p in (p1, p2):
        assert p.n_ok == 8 and p.n_failed == 0
        assert p.output_tok_per_s > 0 and p.tpot_mean_ms > 0 and p.ttft_p99_ms >= p.ttft_p50_ms
        assert p.e2el_p90_ms is not None  # selected with --percentile-metrics
        assert p.samples is not None and p.samples.output_tokens == [16] * 8  # --ignore-eos


def test_the_self_test_claim_is_judged_on_a_real_vllm_bench_serve_result(bench_result):
    rc, (item,), err = _verify_json(bench_result)
    assert rc == 0, err
    assert item["verdict"] == "SUPPORTED", item
    (used,) = item["evidence_used"]
    assert used["kind"] == "vllm_bench" and used["read"].endswith("(0)")
    assert item["interval"] is not None and item["interval"][0] >= item["claimed"]


def test_a_truncated_real_result_file_is_named_and_skipped(bench_result, tmp_path):
    broken = tmp_path / "truncated.json"
    broken.write_text(bench_result.read_text()[:200])
    proc = run_cli(
        "verify", "--claim", SELF_TEST, "--evidence", str(broken), "--evidence", str(bench_result), timeout=120
    )
    assert proc.returncode == 1  # some inputs skipped, the rest judged (2 only with --strict)
    lines = [l for l in proc.stderr.splitlines() if "error" in l]
    assert len(lines) == 1 and "truncated.json" in lines[0] and "not valid JSON" in lines[0]
    assert "SUPPORTED" in proc.stdout

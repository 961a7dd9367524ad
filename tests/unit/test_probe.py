"""claimbench probe: STREAM and matmul records, the host overlay, and the achievable roof table."""

from __future__ import annotations

import json

import pytest

from claimbench.load.achievable import achievable_for, list_achievable
from claimbench.measurement.probe import STREAM_KERNELS, ProbeOptions, overlay_path, run_probe, write_json
from claimbench.report.roofs import roof_rows


@pytest.fixture(scope="module")
def record():
    return run_probe(ProbeOptions(stream_mib=2, gemm_n=64, repeats=2, dtypes=("float32", "bfloat16")), "cpu-host")


def test_the_probe_reports_every_stream_kernel_with_stream_byte_counts(record):
    kernels = record["stream"]["kernels"]
    assert set(kernels) == set(STREAM_KERNELS)
    n = record["stream"]["array_bytes"] // 8
    assert n == 2 * 2**20 // 8
    assert kernels["copy"]["bytes_per_run"] == 16 * n and kernels["triad"]["bytes_per_run"] == 24 * n
    for k in kernels.values():
        assert k["best_gb_per_s"] >= k["median_gb_per_s"] > 0
    assert record["achievable"]["memory_tb_per_s"] == pytest.approx(kernels["triad"]["best_gb_per_s"] / 1000)


def test_the_probe_reports_matmul_rates_per_precision(record):
    fp32 = record["gemm"]["fp32"]
    assert fp32["supported"] and fp32["n"] == 64 and fp32["best_tflops"] >= fp32["median_tflops"] > 0
    assert "fp32" in record["achievable"]["dense_tflops"]
    assert set(record["gemm"]) == {"fp32", "bf16"}


def test_the_overlay_is_written_per_host_and_read_back(record, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("CLAIMBENCH_DATA", raising=False)
    path = write_json(record, overlay_path(record))
    assert path == tmp_path / "claimbench" / "achievable" / f"cpu-host@{record['host']['key']}.json"
    (path.parent / "junk.json").write_text(json.dumps({"kind": "other"}))
    recs, problems = list_achievable()
    assert [r["hardware_id"] for r in recs] == ["cpu-host"] and len(problems) == 1 and "junk.json" in problems[0]
    assert achievable_for("cpu-host", record["host"]["key"])["created"] == record["created"]
    assert achievable_for("cpu-host", "another-host") is None


def test_roof_rows_put_the_achievable_beside_the_datasheet_figure():
    rec = {
        "hardware_id": "x",
        "created": "2026-12-07T00:00:00Z",
        "host": {"key": "k", "cpu_model": "cpu"},
        "options": {"repeats": 3, "stream_mib": 8},
        "achievable": {"memory_tb_per_s": 2.0},
        "gemm": {
            "bf16": {"supported": True, "n": 8, "best_tflops": 500.0},
            "fp16": {"supported": True, "n": 8, "best_tflops": 1.0, "native": False, "note": "emulated"},
            "int8": {"supported": False, "reason": "no"},
        },
    }
    rows = roof_rows(rec, 4.0, {"bf16": 1000.0, "fp16": None})
    assert [(r["figure"], r["achievable_over_datasheet"]) for r in rows] == [
        ("memory bandwidth", 0.5),
        ("dense bf16", 0.5),
        ("dense fp16", None),
    ]
    assert "emulated" in rows[2]["how"]

"""Importers: bundles, vllm bench serve JSON, GuideLLM reports, reference YAML; bad peers skipped."""

import json
from pathlib import Path

import polars as pl
import pytest

from claimbench.errors import UserError
from claimbench.load.evidence import import_evidence, load_run_bundle, load_vllm_bench

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "verify"
DATA = Path(__file__).resolve().parents[2] / "data"


def make_bundle(root: Path, levels=((8, 100.0, 40.0), (16, 160.0, 60.0)), manifest=None, name="run-1") -> Path:
    d = root / name
    d.mkdir(parents=True)
    (d / "manifest.json").write_text(
        json.dumps(
            manifest
            or {
                "schema_version": 1,
                "run_id": name,
                "status": "complete",
                "backend": "cpu",
                "model": {"name": "/cache/models/tiny-v1", "dtype": "bfloat16"},
                "workload": {"input_len": 128, "output_len": 32},
            }
        )
    )
    rows = []
    for lvl, (c, thr, tpot) in enumerate(levels):
        for i in range(8):
            rows.append(
                {
                    "request_id": f"{lvl}-{i}",
                    "level": lvl,
                    "warmup": False,
                    "sent_s": 0.0,
                    "first_token_s": 0.1,
                    "done_s": 0.1 + tpot * 31 / 1000,
                    "output_tokens": 32,
                    "ok": True,
                }
            )
    pl.DataFrame(rows).write_parquet(d / "requests.parquet")
    summ = [
        {
            "level": i,
            "concurrency": c,
            "request_rate": None,
            "n_ok": 8,
            "n_failed": 0,
            "duration_s": 1.0,
            "output_tok_per_s": thr,
            "tpot_mean_ms": tpot,
            "tpot_p99_ms": tpot * 1.1,
        }
        for i, (c, thr, tpot) in enumerate(levels)
    ]
    pl.DataFrame(summ).write_parquet(d / "summary.parquet")
    return d


def test_a_run_bundle_becomes_one_record_with_a_point_per_level(tmp_path):
    ev = load_run_bundle(make_bundle(tmp_path))
    assert ev.kind == "run_bundle" and ev.conditions.hardware == "cpu-host"
    assert ev.conditions.model == "tiny" and ev.conditions.precision == "bf16"
    assert ev.basis == "card" and ev.packages == 1
    assert [p.concurrency for p in ev.points] == [8, 16]
    assert ev.points[0].samples is not None and len(ev.points[0].samples.output_tokens) == 8


def current_manifest(name="run-2", **kw):
    """The manifest form `claimbench measure` writes now (runner.py + commands/measure.py)."""
    m = {
        "schema_version": 1,
        "run_id": name,
        "status": "complete",
        "status_reason": None,
        "levels_completed": [0, 1],
        "hardware": {"id": "cpu-host", "source": "default for the cpu backend"},
        "model": {"source": "tiny", "path_or_name": "~/.cache/claimbench/models/tiny-v1", "dtype": "auto"},
        "workload": {"input_len": 64, "output_len": 32, "seed": 0, "num_prompts": 12},
        "slos": {"tpot_ms": 1000.0},
        "platform": {"backend": "cpu", "device_count": 1, "device_name": "AMD EPYC", "vendor": "amd"},
    }
    m.update(kw)
    return m


def test_a_current_bundle_reads_hardware_id_and_model_source(tmp_path):
    ev = load_run_bundle(make_bundle(tmp_path, manifest=current_manifest(), name="run-2"))
    assert ev.id == "bundle:run-2" and ev.status == "complete"
    assert ev.conditions.hardware == "cpu-host" and ev.conditions.model == "tiny"
    assert ev.conditions.precision is None  # dtype "auto": unknown, not guessed
    assert (ev.conditions.input_len, ev.conditions.output_len) == (64, 32)
    assert ev.basis == "card" and ev.packages == 1 and ev.notes == []


def test_hardware_id_in_the_manifest_wins_over_the_fingerprint(tmp_path):
    m = current_manifest(
        hardware={"id": "nvidia-h100-sxm", "source": "--hardware"},
        platform={"backend": "cuda", "device_count": 8, "device_name": "NVIDIA H20"},
    )
    ev = load_run_bundle(make_bundle(tmp_path, manifest=m, name="run-3"))
    assert ev.conditions.hardware == "nvidia-h100-sxm" and ev.packages == 8 and ev.basis == "system"


def test_a_null_hardware_id_stays_unknown_with_the_manifest_reason(tmp_path):
    m = current_manifest(hardware={"id": None, "reason": "remote endpoint: pass --hardware"})
    ev = load_run_bundle(make_bundle(tmp_path, manifest=m, name="run-4"))
    assert ev.conditions.hardware is None
    assert any("remote endpoint" in n for n in ev.notes)


def test_an_incomplete_bundle_is_evidence_for_its_completed_levels_and_flagged(tmp_path):
    m = current_manifest(status="incomplete", status_reason="engine died during level 1", levels_completed=[0])
    ev = load_run_bundle(make_bundle(tmp_path, manifest=m, name="run-5"))
    assert ev.status == "incomplete" and [p.level for p in ev.points] == ["0"]
    assert "engine died" in ev.notes[0]


def test_a_bundle_with_a_foreign_schema_version_is_named_and_skipped(tmp_path):
    make_bundle(tmp_path, manifest=current_manifest(schema_version=99), name="run-6")
    ev, errors = import_evidence([tmp_path])
    assert ev == [] and len(errors) == 1 and "run-6" in errors[0].message
    assert "schema_version" in errors[0].message


def test_the_recorded_runs_in_data_runs_import():
    runs = DATA / "runs"
    if not any(runs.glob("*/manifest.json")):
        pytest.skip("no recorded run in data/runs")
    ev, errors = import_evidence([runs])
    assert errors == [] and ev
    assert all(e.conditions.hardware == "cpu-host" and e.conditions.model == "tiny" for e in ev)


def test_vllm_bench_serve_json_with_appended_results_becomes_a_sweep():
    ev = load_vllm_bench(FIX / "vllm_bench_serve.json")
    assert ev.conditions.model == "tiny" and ev.conditions.hardware == "cpu-host"
    p0, p1 = ev.points
    assert (p0.concurrency, p0.output_tok_per_s, p0.tpot_mean_ms, p0.tpot_p50_ms) == (1, 128.0, 4.0, 3.9)
    assert p0.ttft_p99_ms == 180.0 and p0.itl_p99_ms == 7.0 and p0.request_rate == float("inf")
    assert p0.e2el_mean_ms is None  # not selected in vllm's percentile metrics: null, not 0
    assert p1.concurrency == 2


def test_an_all_failed_vllm_result_has_null_latencies_not_zero(tmp_path):
    obj = json.loads((FIX / "vllm_bench_serve.json").read_text().splitlines()[0])
    obj.update(completed=0, failed=16, mean_tpot_ms=0.0, output_throughput=0.0, request_throughput=0.0)
    p = tmp_path / "failed.json"
    p.write_text(json.dumps(obj))
    pt = load_vllm_bench(p).points[0]
    assert pt.tpot_mean_ms is None and pt.output_tok_per_s is None


def test_guidellm_report_maps_its_inter_token_latency_to_our_tpot():
    ev, errors = import_evidence([FIX / "guidellm_report.json"])
    assert errors == []
    p = ev[0].points[0]
    assert p.concurrency == 8 and p.output_tok_per_s == 96.0
    assert p.tpot_mean_ms == 55.0  # inter_token_latency_ms, not time_per_output_token_ms (60)
    assert p.e2el_p50_ms == pytest.approx(2400.0)


def test_every_shipped_reference_file_imports():
    ev, errors = import_evidence([DATA / "reference"])
    assert errors == []
    ids = {e.id for e in ev}
    assert "xdeepserve-2508.02520#run1-colocated-peak-decode" in ids
    assert "lmsys-ant-h20#decode-ep16-tpot-tiers" in ids
    assert all(e.secondary for e in ev if e.id.startswith("cloudmatrix-infer-tables-secondary"))


def test_a_peer_file_that_does_not_parse_is_named_and_skipped(tmp_path):
    ev, errors = import_evidence([FIX / "broken_peer.json", FIX / "vllm_bench_serve.json"])
    assert len(ev) == 1
    assert len(errors) == 1 and "broken_peer.json" in errors[0].message


def test_a_reference_result_that_omits_a_condition_is_rejected(tmp_path):
    p = tmp_path / "ref-x.yaml"
    p.write_text(
        "id: ref-x\ntitle: t\nsource: {url: u, date: '2025', quote: q}\nreported_by: x\n"
        "shared_conditions: {hardware: nvidia-h20, model: m, precision: fp8}\n"
        "results:\n  - id: r\n    label: l\n    conditions: {input_len: 1}\n    basis: card\n"
        "    packages: null\n    derived: false\n    operating_point: max-throughput\n    points: [{output_tok_per_s: 1, throughput_pm: 0.5}]\n"
    )
    ev, errors = import_evidence([p])
    assert ev == [] and "results[0].conditions.output_len" in errors[0].message


def test_a_reference_result_with_a_claim_only_condition_is_one_line_naming_it(tmp_path):
    p = tmp_path / "ref-x.yaml"
    p.write_text(
        "id: ref-x\ntitle: t\nsource: {url: u, date: '2025', quote: q}\nreported_by: x\n"
        "shared_conditions: {hardware: nvidia-h20, model: m, precision: fp8, input_len: 1, output_len: 1,"
        " speculative: none, phase: decode-only, concurrency: 8}\n"
        "results: []\n"
    )
    ev, errors = import_evidence([p])
    assert (
        ev == [] and "field shared_conditions.concurrency: not a condition of a published result" in errors[0].message
    )


def test_a_vllm_file_missing_required_keys_is_not_trusted(tmp_path):
    p = tmp_path / "x.json"
    p.write_text(json.dumps({"completed": 3}))
    with pytest.raises(UserError, match="output_throughput"):
        load_vllm_bench(p)


def test_the_same_run_found_twice_is_one_record_not_an_error(tmp_path):
    make_bundle(tmp_path / "a", manifest=current_manifest("run-7"), name="run-7")
    make_bundle(tmp_path / "b", manifest=current_manifest("run-7"), name="run-7")
    ev, errors = import_evidence([tmp_path / "a", tmp_path / "b"])
    assert errors == [] and [e.id for e in ev] == ["bundle:run-7"]

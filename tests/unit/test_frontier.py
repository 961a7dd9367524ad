"""The compare step's independent frontier: each claim against the library's best figure per round and chip."""

from __future__ import annotations

import pytest

from claimbench.judge.frontier import claim_frontier
from claimbench.load.registry import load_hardware
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint

B200 = load_hardware("nvidia-b200")  # 2 dies, 8 TB/s, 1000 W in the registry


def _ev(rid: str, rnd: str, value: float, packages: int, scenario: str, tpot_limit: float | None) -> Evidence:
    return Evidence.model_validate(
        {
            "id": rid,
            "kind": "mlperf",
            "path": None,
            "source": {"url": "https://example.invalid", "date": rnd, "quote": "x"},
            "secondary": False,
            "reported_by": "Vendor",
            "derived": False,
            "conditions": EvidenceConditions(
                hardware="nvidia-b200",
                model="llama-2-70b",
                precision=None,
                input_len=None,
                output_len=None,
                speculative=None,
                phase="end-to-end",
            ),  # fmt: skip
            "basis": "system",
            "packages": packages,
            "points": [
                LoadPoint(
                    level=scenario,
                    output_tok_per_s=value,
                    tpot_limit_ms=tpot_limit,
                    operating_point="max-throughput" if tpot_limit is None else "latency-limited",
                )
            ],
            "provenance": {"origin": "peer-reviewed-submission", "publisher": "Vendor"},
        }
    )


def _claim(slo_tpot: float | None) -> Claim:
    return Claim.model_validate(
        {
            "id": "c",
            "title": "t",
            "claimant": "someone",
            "source": {"url": "https://example.invalid", "date": "2026", "quote": "q"},
            "unknown": ["precision", "input_len", "output_len", "speculative", "concurrency", "phase", "deployment"]
            + ([] if slo_tpot is not None else ["slo"]),
            "predicate": {
                "metric": "output_tok_per_s",
                "comparator": ">=",
                "value": 9000,
                "unit": "tok/s",
                "basis": "card",
                "tolerance_rel": None,
                "ratio_to": None,
            },  # fmt: skip
            "conditions": {
                "hardware": "amd-mi355x",
                "model": "llama-2-70b",
                "precision": None,
                "input_len": None,
                "output_len": None,
                "speculative": None,
                "concurrency": None,
                "phase": None,
                "deployment": None,
                "slo": None if slo_tpot is None else [{"metric": "tpot", "stat": "p99", "max_ms": slo_tpot}],
            },  # fmt: skip
        }
    )


EVIDENCE = [
    _ev("off-v5", "v5.1", 80_000.0, 8, "Offline", None),
    _ev("off-v6", "v6.0", 104_000.0, 8, "Offline", None),
    _ev("srv-v6", "v6.0", 96_000.0, 8, "Server", 200.0),
    _ev("int-v6", "v6.0", 64_000.0, 8, "Interactive", 40.0),
]


def test_without_a_latency_bound_the_best_of_each_round_is_the_frontier_in_every_form():
    f = claim_frontier([_claim(None)], EVIDENCE, {"nvidia-b200": B200}, {"nvidia-b200": 6.0})
    acc = {r["round"]: (r["value"], r["evidence_id"]) for r in f.filter(f["form"] == "per_accelerator").to_dicts()}
    assert acc == {"v5.1": (10_000.0, "off-v5"), "v6.0": (13_000.0, "off-v6")}
    v6 = {r["form"]: r["value"] for r in f.filter(f["round"] == "v6.0").to_dicts()}
    assert v6["per_die"] == 6_500.0 and v6["per_hbm_tb_per_s"] == 13_000.0 / 8.0
    assert v6["per_watt_tdp"] == 13.0 and v6["per_usd"] == pytest.approx(13_000.0 * 3600 / 6.0)
    assert f.filter(f["form"] == "per_accelerator")["claimed"].to_list() == [9000.0, 9000.0]


def test_a_tpot_bound_admits_only_results_held_to_that_bound_or_tighter():
    f = claim_frontier([_claim(50.0)], EVIDENCE, {"nvidia-b200": B200})
    acc = f.filter(f["form"] == "per_accelerator").to_dicts()
    assert [(r["round"], r["evidence_id"], r["value"]) for r in acc] == [("v6.0", "int-v6", 8_000.0)]
    loose = claim_frontier([_claim(300.0)], EVIDENCE, {"nvidia-b200": B200})
    best = loose.filter(loose["form"] == "per_accelerator")["evidence_id"].to_list()
    assert best == ["srv-v6"]  # Offline has no bound: it says nothing at 300 ms


def test_a_claim_on_another_model_has_no_frontier():
    other = _claim(None).model_copy(update={"conditions": _claim(None).conditions.model_copy(update={"model": "x"})})
    assert claim_frontier([other], EVIDENCE, {"nvidia-b200": B200}).height == 0


def test_the_report_step_places_the_shipped_deepseek_claims_against_the_library():
    from claimbench.report import charts, steps

    f = steps.independent_frontier()
    ids = set(f["claim_id"].to_list())
    assert "deepseek-h800-14800-out-per-node" in ids
    rows = f.filter(f["claim_id"] == "deepseek-h800-14800-out-per-node")
    assert set(rows["round"].to_list()) >= {"v5.1", "v6.0"} and set(rows["origin"].to_list()) <= {
        "peer-reviewed-submission",
        "publication",
    }
    assert charts.independent_frontier_chart(f, "deepseek-h800-14800-out-per-node") is not None


def test_the_comparison_tables_leave_the_library_to_the_frontier():
    from claimbench.report import steps

    cmp = steps.compare()
    assert not any(e.startswith("mlperf:") for e in cmp["evidence_id"].to_list())

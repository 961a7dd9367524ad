"""Per-W readings: a record's measured power per package where it has one, the chip's TDP (a lower
bound of tokens/s/W) only where it has none; hand-computed values and the saved InferenceX response."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from claimbench.judge.verdict import VerdictConfig, judge_claim
from claimbench.load.orgs import load_orgs, org_index
from claimbench.load.peers.inferencex_api import load_inferencex_api
from claimbench.load.registry import list_hardware
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint
from claimbench.schema.provenance import Provenance

REPO = Path(__file__).resolve().parents[2]
ORGS = org_index(load_orgs(REPO / "data"))
CFG = VerdictConfig(n_boot=100)
FIX = REPO / "tests" / "fixtures" / "inferencex_api" / "lookup-fake.json"


@dataclass
class HW:
    tdp_w: float | None = 1000.0
    dies_per_package: int | None = 1
    packages_per_node: int | None = 8


def claim(value: float, hardware: str = "chip-a", model: str = "m") -> Claim:
    return Claim.model_validate(
        {
            "id": "per-w",
            "title": "t",
            "claimant": "acme",
            "source": {"url": "https://example.org/launch", "date": "2026", "quote": "q"},
            "predicate": {
                "metric": "output_tok_per_j",
                "comparator": ">=",
                "value": value,
                "unit": "tok/J",
                "basis": "card",
                "tolerance_rel": None,
                "ratio_to": None,
            },
            "conditions": {
                "hardware": hardware,
                "model": model,
                "precision": "fp8",
                "input_len": 1024,
                "output_len": 1024,
                "slo": None,
                "speculative": "none",
                "concurrency": None,
                "phase": "end-to-end",
                "deployment": None,
            },
            "unknown": ["slo", "concurrency", "deployment"],
        }
    )


def record(thr: float, power: float | None, basis: str = "card", packages: int | None = None) -> Evidence:
    return Evidence(
        id="e",
        kind="reference",
        path=None,
        secondary=False,
        reported_by="third party",
        derived=False,
        basis=basis,
        packages=packages,
        points=[LoadPoint(level="L", output_tok_per_s=thr, tpot_mean_ms=50.0, power_w_per_package=power)],
        conditions=EvidenceConditions(
            hardware="chip-a",
            model="m",
            precision="fp8",
            input_len=1024,
            output_len=1024,
            speculative="none",
            phase="end-to-end",
        ),
        provenance=Provenance(origin="publication", publisher="SemiAnalysis", document="https://example.org/x"),
    )


def judge(c: Claim, evidence: list[Evidence], hardware=None):
    return judge_claim(c, evidence, hardware or {"chip-a": HW()}, None, CFG, orgs=ORGS)[0]


def test_a_record_with_measured_power_is_read_per_measured_watt_not_per_tdp():
    v = judge(claim(2.0), [record(1000.0, 400.0)])
    # 1,000 tok/s per card / 400 W measured = 2.5 tok/J (the TDP, 1,000 W, would give 1.0)
    assert v.verdict == "SUPPORTED" and v.observed == pytest.approx(2.5)
    (use,) = v.evidence_used
    assert "power per package measured at each level" in use.read.method
    assert "upper bound of the power drawn" not in use.read.method


def test_a_system_record_scales_the_tokens_to_one_card_and_divides_by_the_power_per_package():
    v = judge(claim(2.0), [record(8000.0, 400.0, basis="system", packages=8)])
    assert v.observed == pytest.approx(8000.0 / 8 / 400.0)  # 2.5 tok/J per card


def test_without_measured_power_the_tdp_gives_a_lower_bound_and_says_so():
    v = judge(claim(2.0), [record(1000.0, None)])
    (use,) = v.evidence_used
    assert v.observed == pytest.approx(1000.0 / 1000.0)  # tokens/s ÷ 1,000 W TDP
    assert use.read.kind == "lower_bound" and "upper bound of the power drawn" in use.read.method
    # at least 1.0 tok/J does not refute a claim of 2.0: the chip may draw less than its TDP
    assert v.verdict != "REFUTED"


def test_a_lower_bound_from_the_tdp_at_or_above_the_claim_still_supports_it():
    v = judge(claim(0.8), [record(1000.0, None)])
    assert v.verdict == "SUPPORTED" and v.observed == pytest.approx(1.0)


def test_the_saved_inferencex_response_decides_a_per_w_claim_with_its_measured_power_independently():
    hw = {h.id: h for h in list_hardware()}
    agg, _ = load_inferencex_api(FIX, list_hardware())
    assert all(p.power_w_per_package for p in agg.points)  # every row's measured power imported
    v = judge(claim(2.4, hardware="nvidia-b200", model="dsr1"), [agg], hw)
    # best level: 2,000 tok/s per GPU at 800 W measured = 2.5 tok/J (the B200's 1,000 W TDP would give 2.0)
    assert v.verdict == "SUPPORTED" and v.observed == pytest.approx(2.5)
    assert v.corroboration == "independent"  # SemiAnalysis is a third party to the claimant
    assert "measured by SemiAnalysis" in v.evidence_used[0].read.method


def test_a_chip_without_a_tdp_is_read_from_records_with_measured_power_and_the_others_are_set_aside():
    no_tdp = {"chip-a": HW(tdp_w=None)}
    unmeasured = record(900.0, None).model_copy(update={"id": "no-power"})
    v = judge(claim(2.0), [record(1000.0, 400.0), unmeasured], no_tdp)
    # 1,000 tok/s ÷ 400 W measured = 2.5 tok/J; the record without power cannot be read per W
    assert v.verdict == "SUPPORTED" and v.observed == pytest.approx(2.5)
    assert [u.evidence_id for u in v.evidence_used] == ["e"]
    (aside,) = [u for u in v.evidence_set_aside if u.evidence_id == "no-power"]
    assert any("no measured power" in n for n in aside.notes)


def test_a_chip_without_a_tdp_and_no_measured_power_stays_unverifiable_naming_the_tdp():
    v = judge(claim(2.0), [record(1000.0, None)], {"chip-a": HW(tdp_w=None)})
    assert v.verdict == "UNVERIFIABLE" and "tdp_w" in v.why

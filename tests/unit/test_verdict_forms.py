"""Claim forms as data: up_to (best over the frontier), beats_all (a record), several predicates in one file."""

from dataclasses import dataclass

import pytest
from pydantic import ValidationError

from claimbench.judge.verdict import VerdictConfig, judge_claim, judge_claims
from claimbench.schema.claims import Claim, expand_claim
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint


@dataclass
class HW:
    dies_per_package: int | None = 1
    packages_per_node: int | None = 8


HWS = {"chip-a": HW(), "chip-b": HW(), "chip-c": HW()}


def predicate(value=1000.0, form="at"):
    return {
        "metric": "output_tok_per_s",
        "comparator": ">=",
        "value": value,
        "unit": "tok/s",
        "basis": "card",
        "tolerance_rel": None,
        "ratio_to": None,
        "form": form,
    }


def claim(value=1000.0, form="at", predicates=None):
    return Claim.model_validate(
        {
            "id": "c",
            "title": "t",
            "claimant": "acme",
            "source": {"url": "https://example.org/c", "date": "2025", "quote": "q"},
            "predicate": None if predicates else predicate(value, form),
            "predicates": predicates or [],
            "conditions": {
                "hardware": "chip-a",
                "model": "m",
                "precision": "fp8",
                "input_len": 1024,
                "output_len": 1024,
                "slo": [{"metric": "tpot", "stat": "mean", "max_ms": 50}],
                "speculative": "none",
                "concurrency": None,
                "phase": "end-to-end",
                "deployment": None,
            },
            "unknown": ["concurrency", "deployment"],
        }
    )


def ev(eid, thr, hardware="chip-a", secondary=False):
    return Evidence(
        id=eid,
        kind="reference",
        path=None,
        secondary=secondary,
        reported_by="lab",
        derived=False,
        basis="card",
        packages=None,
        points=[LoadPoint(level="L", output_tok_per_s=thr, tpot_mean_ms=50.0)],
        conditions=EvidenceConditions(
            hardware=hardware,
            model="m",
            precision="fp8",
            input_len=1024,
            output_len=1024,
            speculative="none",
            phase="end-to-end",
        ),
    )


def judge(c, evidence):
    return judge_claim(c, evidence, HWS, None, VerdictConfig(n_boot=100))[0]


def test_up_to_is_supported_by_the_best_matching_record_even_when_another_falls_short():
    evidence = [ev("low", 600.0), ev("best", 1100.0, secondary=True)]
    assert judge(claim(form="up_to"), evidence).verdict == "SUPPORTED"
    assert judge(claim(form="at"), evidence).verdict == "REFUTED"  # "X at C": the best-matched record decides


def test_up_to_is_refuted_when_even_the_best_falls_short():
    assert judge(claim(form="up_to"), [ev("a", 600.0), ev("b", 900.0)]).verdict == "REFUTED"


def test_a_record_claim_is_refuted_by_another_chip_at_or_above_it_and_names_it():
    v = judge(claim(form="beats_all"), [ev("b", 800.0, "chip-b"), ev("c", 1200.0, "chip-c"), ev("own", 50.0)])
    assert v.verdict == "REFUTED" and "c (1,200" in v.why
    assert {s.evidence_id for s in v.spread} == {"b", "c"}  # the claim's own chip is no rival


def test_a_record_claim_beating_every_rival_is_supported_and_without_rivals_inconclusive():
    assert judge(claim(form="beats_all"), [ev("b", 800.0, "chip-b")]).verdict == "SUPPORTED"
    assert judge(claim(form="beats_all"), [ev("own", 900.0)]).verdict == "INCONCLUSIVE"


def test_several_predicates_in_one_claim_file_are_judged_as_separate_claims():
    c = claim(
        predicates=[
            {"id": "throughput", "predicate": predicate(1000.0)},
            {"id": "record", "predicate": predicate(1000.0, "beats_all"), "label": "fastest"},
        ]
    )
    parts = expand_claim(c)
    assert [x.id for x in parts] == ["c--throughput", "c--record"]
    verdicts = judge_claims(parts, [ev("own", 1100.0), ev("b", 800.0, "chip-b")], HWS, config=VerdictConfig(n_boot=50))
    assert [v.verdict for v in verdicts] == ["SUPPORTED", "SUPPORTED"]


def test_a_form_on_a_ratio_is_rejected():
    with pytest.raises(ValidationError, match="form"):
        Claim.model_validate(
            {
                **claim().model_dump(by_alias=True),
                "predicate": {**predicate(form="up_to"), "ratio_to": {"hardware": "chip-b"}, "unit": "x"},
            }
        )

"""Verdicts: every class on fixtures; interpolation and the ratio interval pinned by hand."""

from dataclasses import dataclass

import pytest

from claimbench.judge.verdict import (
    PlausibilityBound,
    VerdictConfig,
    bootstrap_ratio_interval,
    decide,
    judge_claim,
    read_at_bound,
    verdict_table,
)
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint, RequestSamples


@dataclass
class HW:
    dies_per_package: int | None
    packages_per_node: int | None
    vendor: str = "v"


HWS = {"chip-a": HW(2, 8), "chip-b": HW(1, 8), "base": HW(1, 8)}


def claim(
    value=2400.0,
    comparator=">=",
    slo=True,
    ratio_to=None,
    predicate=True,
    unit="tok/s",
    hardware="chip-a",
    tol=None,
    readings=(),
):
    # the claim names the decode phase its evidence was taken in (a claim that leaves it unknown is not decided
    # by a one-phase figure: tests/unit/test_verdict_unknowns.py)
    unknown = ["precision", "concurrency", "speculative", "deployment"] + ([] if slo else ["slo"])
    data = {
        "id": "c",
        "title": "t",
        "claimant": "acme",
        "source": {"url": "u", "date": "2025", "quote": "q"},
        "predicate": None
        if not predicate
        else {
            "metric": "output_tok_per_s",
            "comparator": comparator,
            "value": value,
            "unit": unit,
            "basis": "card",
            "tolerance_rel": tol,
            "ratio_to": ratio_to,
        },
        "unverifiable_reason": None if predicate else "not measurable",
        "conditions": {
            "hardware": hardware,
            "model": "m",
            "precision": None,
            "input_len": 2048,
            "output_len": 2048,
            "slo": [{"metric": "tpot", "stat": "mean", "max_ms": 50}] if slo else None,
            "speculative": None,
            "concurrency": None,
            "phase": "decode-only",
            "deployment": None,
        },
        "unknown": unknown,
        "readings": list(readings),
    }
    return Claim.model_validate(data)


def ev(eid="e", hardware="chip-a", points=((50.0, 2400.0),), basis="card", samples=None, secondary=False):
    pts = [
        LoadPoint(level=f"L{i}", tpot_mean_ms=t, output_tok_per_s=v, samples=samples) for i, (t, v) in enumerate(points)
    ]
    return Evidence(
        id=eid,
        kind="reference",
        path=None,
        secondary=secondary,
        reported_by="x",
        derived=False,
        basis=basis,
        packages=None,
        points=pts,
        conditions=EvidenceConditions(
            hardware=hardware,
            model="m",
            precision="int8",
            input_len=2048,
            output_len=2048,
            speculative=None,
            phase="decode-only",
        ),
    )


def one(c, evidence, bounds=None):
    return judge_claim(c, evidence, HWS, bounds, VerdictConfig(n_boot=500))[0]


# --- reading at a latency bound --------------------------------------------------------------
def test_throughput_at_the_bound_is_interpolated_between_the_two_bracketing_levels():
    # sorted by latency: (40 ms, 2000) and (60 ms, 3000) bracket 50 ms -> 2000 + 1000 * 10/20
    value, kind, bracket, _ = read_at_bound([("hi", 60.0, 3000.0), ("x", 20.0, 900.0), ("lo", 40.0, 2000.0)], 50.0)
    assert (value, kind, bracket) == (2500.0, "interpolated", ("lo", "hi"))


def test_a_sweep_entirely_under_the_bound_gives_only_a_lower_bound_never_an_extrapolation():
    value, kind, bracket, _ = read_at_bound([("a", 20.0, 900.0), ("b", 30.0, 1500.0)], 50.0)
    assert (value, kind, bracket) == (1500.0, "lower_bound", None)


def test_a_sweep_entirely_over_the_bound_gives_only_an_upper_bound():
    value, kind, _, _ = read_at_bound([("a", 70.0, 900.0), ("b", 90.0, 1500.0)], 50.0)
    assert (value, kind) == (900.0, "upper_bound")


def test_a_level_within_two_percent_of_the_bound_reads_as_at_the_bound():
    assert read_at_bound([("a", 49.4, 1943.0)], 50.0)[1] == "point"
    assert read_at_bound([("a", 47.0, 1943.0)], 50.0)[1] == "lower_bound"


# --- deciding ----------------------------------------------------------------------------------
def test_decide_uses_the_interval_and_the_tolerance():
    assert decide(">=", 100, None, 105, "point", (101, 109)) == "SUPPORTED"
    assert decide(">=", 100, None, 105, "point", (95, 109)) == "INCONCLUSIVE"
    assert decide(">=", 100, None, 90, "point", None) == "REFUTED"
    assert decide(">=", 100, 0.05, 96, "point", None) == "SUPPORTED"
    assert decide(">=", 100, None, 90, "lower_bound", None) == "INCONCLUSIVE"
    assert decide(">=", 100, None, 90, "upper_bound", None) == "REFUTED"
    assert decide("approx", 100, 0.1, 115, "point", None) == "REFUTED"


# --- every verdict class -----------------------------------------------------------------------
def test_supported_when_matching_evidence_meets_the_claim_at_the_slo():
    # (40 ms, 2500) and (60 ms, 3000) bracket 50 ms -> 2750; the bracket [2500, 3000] is >= 2400
    v = one(claim(), [ev(points=((40.0, 2500.0), (60.0, 3000.0)))])
    assert v.verdict == "SUPPORTED" and v.observed == 2750.0 and v.margin_rel == pytest.approx(2750 / 2400 - 1)
    assert "interpolation" in v.read_method and v.interval == (2500.0, 3000.0)
    # a bracket straddling the claim cannot support it: (40, 2000)-(60, 3000) reads 2500 in [2000, 3000]
    assert one(claim(), [ev(points=((40.0, 2000.0), (60.0, 3000.0)))]).verdict == "INCONCLUSIVE"


def test_refuted_when_matching_evidence_falls_short_at_the_slo():
    v = one(claim(), [ev(points=((50.0, 1943.0),))])
    assert v.verdict == "REFUTED" and v.margin_rel == pytest.approx(1943 / 2400 - 1)


def test_inconclusive_when_there_is_no_evidence():
    assert one(claim(), []).verdict == "INCONCLUSIVE"


def test_inconclusive_when_the_evidence_only_bounds_the_value_from_below():
    assert one(claim(), [ev(points=((20.0, 1000.0),))]).verdict == "INCONCLUSIVE"


def test_not_comparable_when_the_only_evidence_is_on_another_chip_and_the_die_question_is_explicit():
    v = one(claim(hardware="chip-b"), [ev(hardware="chip-a")])
    assert v.verdict == "NOT-COMPARABLE"
    assert any("1200 per die" in n for n in v.notes)


def test_implausible_when_the_claim_exceeds_the_roofline_bound():
    bound = PlausibilityBound(1000.0, "card", "memory", "weights and KV per step")
    v = one(claim(), [ev()], bounds={("c", "as-worded"): bound})
    assert v.verdict == "IMPLAUSIBLE" and v.margin_rel == pytest.approx(1000 / 2400 - 1)


def test_unverifiable_when_there_is_no_measurable_predicate():
    assert one(claim(predicate=False), [ev()]).verdict == "UNVERIFIABLE"


def test_a_per_die_reading_converts_the_evidence_and_can_flip_the_verdict():
    r = {"id": "per-die", "label": "l", "basis": "die", "conditions": {}, "source_note": "n"}
    vs = judge_claim(claim(readings=[r]), [ev()], HWS, None, VerdictConfig(n_boot=100))
    assert [v.verdict for v in vs] == ["SUPPORTED", "REFUTED"]
    assert vs[1].observed == 1200.0


def test_best_matched_evidence_decides_and_secondary_sources_are_context():
    v = one(
        claim(), [ev("primary", points=((50.0, 2400.0),)), ev("secondary", points=((50.0, 1000.0),), secondary=True)]
    )
    assert v.verdict == "SUPPORTED"
    assert {u.evidence_id: u.outcome for u in v.evidence_used}["secondary"] == "context"


# --- intervals ---------------------------------------------------------------------------------
def test_ratio_interval_is_pinned_by_hand():
    # numerator mean is always 10; denominator mean of two draws from {4, 5} is 4 (1/4), 4.5 (1/2)
    # or 5 (1/4): the ratio is 2.5, 2.22 or 2.0, so the 95% percentile interval is [2.0, 2.5].
    lo, hi = bootstrap_ratio_interval([10.0, 10.0], [4.0, 5.0], VerdictConfig(seed=1, n_boot=4000))
    assert (lo, hi) == (2.0, 2.5)


def test_the_ratio_interval_is_reproducible_with_the_same_seed():
    cfg = VerdictConfig(seed=7, n_boot=300)
    assert bootstrap_ratio_interval([1, 2, 3], [1, 2], cfg) == bootstrap_ratio_interval([1, 2, 3], [1, 2], cfg)


def test_a_ratio_claim_on_like_for_like_evidence_is_judged_on_the_ratio():
    # both sides read at the claim's 50 ms bound: two points, so the ratio is a point
    c = claim(value=3.0, unit="x", slo=True, ratio_to={"hardware": "base"})
    v = one(c, [ev("num", points=((50.0, 2400.0),)), ev("den", hardware="base", points=((50.0, 800.0),))])
    assert v.verdict == "SUPPORTED" and v.observed == pytest.approx(3.0)


def test_a_ratio_of_two_lower_bounds_decides_nothing():
    # no latency bound: each fixed-load point is only a lower bound of its chip's maximum, and
    # lower / lower bounds the true ratio in neither direction (was read as an exact 3.0x: the defect)
    c = claim(value=3.0, unit="x", slo=False, ratio_to={"hardware": "base"})
    for den in (800.0, 400.0, 2000.0):
        v = one(c, [ev("num", points=((50.0, 2400.0),)), ev("den", hardware="base", points=((50.0, den),))])
        assert v.verdict == "INCONCLUSIVE"
        assert any("decides nothing" in n for n in v.notes)


def test_a_ratio_with_different_workloads_is_not_comparable_but_shows_the_indicative_ratio():
    c = claim(value=3.0, unit="x", slo=False, ratio_to={"hardware": "base"})
    den = ev("den", hardware="base", points=((50.0, 712.0),))
    den = den.model_copy(update={"conditions": den.conditions.model_copy(update={"input_len": 4096})})
    v = one(c, [ev("num"), den])
    assert v.verdict == "NOT-COMPARABLE" and any("3.37" in n for n in v.notes)


def test_per_request_samples_give_a_bootstrap_interval_on_the_read_value():
    s = RequestSamples(output_tokens=[10, 20, 30, 40], tpot_ms=[50.0] * 4, ttft_ms=[1.0] * 4, wall_s=1.0)
    v = one(claim(value=90.0), [ev(points=((50.0, 100.0),), samples=s)])
    assert v.interval is not None and v.interval[0] < 100.0 < v.interval[1]
    assert "bootstrap" in v.interval_method and v.verdict == "INCONCLUSIVE"


def test_the_verdict_table_has_one_row_per_reading_and_nulls_for_missing_values():
    t = verdict_table([one(claim(predicate=False), [])])
    assert t.height == 1 and t["observed"][0] is None and t["verdict"][0] == "UNVERIFIABLE"


def _samples(e2el):
    from claimbench.schema.evidence import RequestSamples

    n = len(e2el)
    return RequestSamples(output_tokens=[32] * n, tpot_ms=[3.0] * n, ttft_ms=[10.0] * n, wall_s=1.0, e2el_ms=list(e2el))


def test_equal_length_requests_still_get_an_interval_from_their_speeds():
    c = claim(value=100.0, slo=False)
    e = ev(points=((3.0, 256.0),), samples=_samples([100, 110, 120, 130, 140, 150, 160, 170]))
    v = one(c, [e])
    lo, hi = v.interval
    assert lo < 256.0 < hi and hi - lo > 10  # not a zero-width interval
    same = one(c, [ev(points=((3.0, 256.0),), samples=_samples([125] * 8))])
    assert same.interval == (256.0, 256.0)  # identical requests: nothing to vary


def test_a_bundle_that_is_not_complete_is_used_and_flagged():
    c = claim(value=100.0, slo=False)
    e = ev(points=((3.0, 256.0),)).model_copy(update={"kind": "run_bundle", "status": "incomplete"})
    v = one(c, [e])
    assert v.verdict == "SUPPORTED"
    assert any("flagged: run status 'incomplete'" in n for n in v.notes)

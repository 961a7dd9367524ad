"""Latency statistics bind, in order: p50 <= p90 <= p99 <= max; a mean orders with none; a ceiling binds
by its statistic (a p99 ceiling meets p50 / p90 / p99 bounds); a ceiling of unknown statistic meets only a
bound of unstated statistic."""

import pytest
from verdict_builders import evidence, hardware, make_claim

from claimbench.judge.latency import meets, usable_fields
from claimbench.judge.verdict import VerdictConfig, judge_claim
from claimbench.schema.claims import SloBound
from claimbench.schema.evidence import LoadPoint

HWS = hardware("chip-a")


def claim(stat, max_ms=50.0, value=1000.0):
    return make_claim(value, conditions={"slo": [{"metric": "tpot", "stat": stat, "max_ms": max_ms}]})


def ev(**point):
    return evidence("e", [LoadPoint(level="L", **point)], reported_by="thirdparty")


def verdict(c, e):
    return judge_claim(c, [e], HWS, None, VerdictConfig(n_boot=200))[0]


def test_a_p99_claim_is_not_decided_by_a_mean_and_a_ceiling_of_unknown_statistic():
    # the defect: SUPPORTED from a 50 ms mean and a 50 ms SLA ceiling
    v = verdict(claim("p99"), ev(output_tok_per_s=2000.0, tpot_mean_ms=50.0, tpot_limit_ms=50.0))
    assert v.verdict == "NOT-COMPARABLE"
    assert "p99" in " ".join(v.differences + v.notes + tuple(r for u in v.evidence_set_aside for r in u.reasons))


def test_a_mean_claim_is_not_decided_by_a_p99():
    v = verdict(claim("mean"), ev(output_tok_per_s=2000.0, tpot_p99_ms=45.0))
    assert v.verdict == "NOT-COMPARABLE"


def test_a_p99_under_the_bound_meets_a_p50_claim_as_a_lower_bound():
    v = verdict(claim("p50"), ev(output_tok_per_s=2000.0, tpot_p99_ms=50.0))
    assert v.verdict == "SUPPORTED" and v.evidence_used[0].read.kind == "lower_bound"


def test_a_p99_read_for_a_p50_claim_cannot_refute_it():
    # 800 tok/s where p99 = 50 ms: at p50 = 50 ms the throughput is at least 800, maybe more than 1000
    v = verdict(claim("p50"), ev(output_tok_per_s=800.0, tpot_p99_ms=50.0))
    assert v.verdict == "INCONCLUSIVE"


def test_the_claims_own_statistic_decides_both_ways():
    assert verdict(claim("p99"), ev(output_tok_per_s=800.0, tpot_p99_ms=50.0)).verdict == "REFUTED"
    assert verdict(claim("p99"), ev(output_tok_per_s=1200.0, tpot_p99_ms=50.0)).verdict == "SUPPORTED"


def test_a_ceiling_of_unknown_statistic_meets_a_bound_of_unstated_statistic():
    assert verdict(claim(None), ev(output_tok_per_s=1200.0, tpot_limit_ms=50.0)).verdict == "SUPPORTED"


@pytest.mark.parametrize(
    ("stat", "point", "expected"),
    [
        ("p50", {"tpot_p90_ms": 40.0}, True),
        ("p50", {"tpot_p99_ms": 60.0}, None),
        ("p99", {"tpot_p50_ms": 40.0}, None),
        ("p99", {"tpot_mean_ms": 40.0}, None),
        ("mean", {"tpot_mean_ms": 60.0}, False),
        (None, {"tpot_limit_ms": 40.0}, True),
        ("p90", {"tpot_limit_ms": 40.0}, None),
    ],
)
def test_a_point_meets_a_bound_only_through_a_statistic_that_orders_above_the_claims(stat, point, expected):
    slo = SloBound(metric="tpot", stat=stat, max_ms=50.0)
    assert meets(LoadPoint(**point), slo) is expected


def test_the_mean_has_no_ordered_substitute():
    assert [f.field for f in usable_fields(SloBound(metric="ttft", stat="mean", max_ms=1.0))] == ["ttft_mean_ms"]


def test_a_p99_ceiling_under_a_looser_p90_bound_reads_a_lower_bound():
    # an MLPerf Server result: held to p99 TPOT <= 40 ms, no measured TPOT; the claim is p90 <= 50 ms
    v = verdict(claim("p90"), ev(output_tok_per_s=1200.0, tpot_limit_ms=40.0, tpot_limit_stat="p99"))
    assert v.verdict == "SUPPORTED" and v.evidence_used[0].read.kind == "lower_bound"
    low = verdict(claim("p90"), ev(output_tok_per_s=800.0, tpot_limit_ms=40.0, tpot_limit_stat="p99"))
    assert low.verdict == "INCONCLUSIVE"  # a lower bound under the claim cannot refute it


def test_a_p99_ceiling_does_not_bound_a_mean_and_the_why_names_the_ceilings_statistic():
    v = verdict(claim("mean"), ev(output_tok_per_s=1200.0, tpot_limit_ms=40.0, tpot_limit_stat="p99"))
    assert v.verdict == "NOT-COMPARABLE"
    said = " ".join(v.differences + v.notes + tuple(r for u in v.evidence_set_aside for r in u.reasons))
    assert "a ceiling of p99" in said


def test_a_p90_ceiling_does_not_bound_a_p99_claim():
    v = verdict(claim("p99"), ev(output_tok_per_s=1200.0, tpot_limit_ms=40.0, tpot_limit_stat="p90"))
    assert v.verdict == "NOT-COMPARABLE"


def test_a_ttft_ceiling_meets_a_ttft_bound_beside_the_tpot_one():
    both = make_claim(
        1000.0,
        conditions={
            "slo": [
                {"metric": "tpot", "stat": "p99", "max_ms": 50.0},
                {"metric": "ttft", "stat": "p99", "max_ms": 2000.0},
            ]
        },
    )
    held = dict(tpot_limit_ms=50.0, tpot_limit_stat="p99", ttft_limit_ms=2000.0, ttft_limit_stat="p99")
    assert verdict(both, ev(output_tok_per_s=1200.0, **held)).verdict == "SUPPORTED"
    looser_ttft = {**held, "ttft_limit_ms": 6000.0}  # held to a looser TTFT: says nothing of the 2 s bound
    assert verdict(both, ev(output_tok_per_s=1200.0, **looser_ttft)).verdict != "SUPPORTED"


@pytest.mark.parametrize(
    ("limit_stat", "claim_stat", "binds"),
    [
        ("p99", "p99", True),
        ("p99", "p50", True),
        ("p90", "p99", False),
        ("p99", "mean", False),
        ("mean", "mean", True),
        (None, "p99", False),
        (None, None, True),
        ("p99", None, True),
    ],
)
def test_which_ceilings_bound_which_statistics(limit_stat, claim_stat, binds):
    from claimbench.judge.latency import ceiling

    point = LoadPoint(level="L", tpot_limit_ms=40.0, tpot_limit_stat=limit_stat)
    got = ceiling(point, SloBound(metric="tpot", stat=claim_stat, max_ms=50.0))
    assert (got == 40.0) is binds and (got is None) is (not binds)

"""The record an INCONCLUSIVE why quotes is one that bounds the claim, and the advice fits the claim's form."""

from verdict_builders import evidence, judge, make_claim

from claimbench.schema.evidence import LoadPoint

P50_40MS = {"slo": [{"metric": "tpot", "stat": "p50", "max_ms": 40}]}


def mlperf_like(eid, thr, p99, limit):
    """A point held to a p99 TPOT limit (an MLPerf Server or Interactive result)."""
    pt = LoadPoint(
        level=eid,
        output_tok_per_s=thr,
        tpot_p99_ms=p99,
        operating_point="latency-limited",
        tpot_limit_ms=limit,
        tpot_limit_stat="p99",
    )
    return evidence(eid, points=[pt])


def test_an_inconclusive_why_quotes_the_best_lower_bound_not_a_point_at_a_looser_limit_that_bounds_nothing():
    # Server: p99 152 ms under a 200 ms limit says nothing of p50 <= 40 ms; Interactive: p99 33 ms <= 40 ms,
    # so its p50 is under 40 too: 7,856 is a lower bound of the throughput at the claim's bound
    records = [mlperf_like("server", 10756.0, 151.9, 200.0), mlperf_like("interactive", 7856.0, 33.1, 40.0)]
    v = judge(make_claim(9000.0, conditions=P50_40MS), records)
    assert v.verdict == "INCONCLUSIVE"
    assert v.observed == 7856.0 and v.why.startswith("interactive gives at least 7,856")
    assert not any("ratio" in h for h in v.what_would_decide)


def test_a_single_claim_read_only_at_another_statistic_gets_single_claim_advice():
    v = judge(make_claim(9000.0, conditions=P50_40MS), [mlperf_like("server", 10756.0, 151.9, 200.0)])
    assert v.verdict == "INCONCLUSIVE"
    assert v.what_would_decide[0].startswith("A figure that bounds the claim")

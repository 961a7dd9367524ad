"""Ratio pairs: the kind of the ratio in words, MLPerf round and division, unstated conditions, system sizes, and
what would decide a split that is not noise (red-team round 2: F4, F5, F6)."""

from verdict_builders import evidence, hardware, judge, make_claim, predicate

from claimbench.schema.evidence import LoadPoint

HWS = hardware("chip-a", "chip-b")
NO_SLO = {"slo": None}


def ratio_claim(value=3.0, comparator=">=", basis="card", **conditions):
    pred = predicate(value, unit="x", ratio_to={"hardware": "chip-b"}, comparator=comparator, basis=basis)
    return make_claim(pred=pred, conditions=conditions)


def at_max(eid, thr, hw="chip-a", pm=None, precision="fp8", **over):
    """A maximum-throughput figure (a point of the maximum a claim without a latency bound speaks of)."""
    pt = LoadPoint(level="max", output_tok_per_s=thr, operating_point="max-throughput", throughput_pm=pm)
    return evidence(eid, [pt], conditions={"hardware": hw, "precision": precision}, **over)


def latency_limited(eid, thr, hw="chip-b"):
    """A figure held to a 30 ms TPOT ceiling: a lower bound of the chip's maximum."""
    pt = LoadPoint(level="30 ms", output_tok_per_s=thr, operating_point="latency-limited", tpot_limit_ms=30.0)
    return evidence(eid, [pt], conditions={"hardware": hw})


def test_a_ratio_over_a_lower_bound_denominator_is_printed_as_at_most_with_the_bounded_side_named():
    # 9,000 / at least 2,000 = at most 4.5x: neither supports ">= 3x" nor refutes "<= 1.5x"
    for value, comparator in ((3.0, ">="), (1.5, "<=")):
        v = judge(ratio_claim(value, comparator, **NO_SLO), [at_max("a", 9000.0), latency_limited("b", 2000.0)], HWS)
        assert v.verdict == "INCONCLUSIVE"
        assert "= at most 4.50x (the chip-b side is a lower bound) against" in v.why
        assert "= 4.50x" not in v.why
        assert v.spread[0].kind == "upper_bound"
        assert "chip-b's maximum throughput" in v.what_would_decide[0]
        assert not any("repeats" in h for h in v.what_would_decide)


def mlperf(round_, division, hw, thr, system=None):
    """An MLPerf library record (its round and division read from the id), per card, Offline-like (no bound)."""
    eid = f"mlperf:{round_}:{division}:Org:{system or hw}:m:Offline"
    return at_max(eid, thr, hw=hw, kind="mlperf")


def test_a_pair_from_one_mlperf_round_and_division_is_preferred_to_an_open_division_baseline():
    # the open-division chip-b (sparsified: 1,250) would give 2.0x and refute 2.2x; the closed one gives 2.5x
    records = [
        mlperf("v4.1", "closed", "chip-a", 2500.0),
        mlperf("v4.1", "open", "chip-b", 1250.0, "sparse"),
        mlperf("v4.1", "closed", "chip-b", 1000.0),
    ]
    v = judge(ratio_claim(2.2, **NO_SLO), records, HWS)
    assert v.verdict == "SUPPORTED" and v.observed == 2.5
    assert v.evidence_used[1].evidence_id == "mlperf:v4.1:closed:Org:chip-b:m:Offline"
    assert "1 pair(s) across MLPerf rounds or divisions would make it REFUTED (2.00x)" in v.why


def test_the_why_names_a_round_gap_of_the_pair_chosen():
    records = [mlperf("v6.1", "closed", "chip-a", 3000.0), mlperf("v6.0", "closed", "chip-b", 1000.0)]
    v = judge(ratio_claim(2.0, **NO_SLO), records, HWS)
    assert v.verdict == "SUPPORTED"
    assert "The two sides come from different MLPerf rounds (v6.1 / v6.0): software differs." in v.why


def test_a_condition_the_claim_states_and_neither_record_states_is_named():
    a = at_max("a", 3000.0, precision=None)
    b = at_max("b", 1000.0, hw="chip-b", precision=None)
    v = judge(ratio_claim(2.0, **NO_SLO), [a, b], HWS)
    assert v.verdict == "SUPPORTED"
    assert "Precision: the claim says fp8, neither record states one." in v.why


def system(eid, hw, thr, packages):
    return at_max(eid, thr, hw=hw, basis="system", packages=packages)


def test_a_per_system_ratio_with_the_scale_unknown_never_divides_systems_of_different_sizes():
    v = judge(
        ratio_claim(10.0, basis="system", **NO_SLO),
        [system("big", "chip-a", 2_000_000.0, 288), system("small", "chip-b", 58_000.0, 8)],
        HWS,
    )
    assert v.verdict == "NOT-COMPARABLE"
    assert v.why.startswith("No like-for-like pair: the claim does not state its scale")
    assert "(288 packages)" in v.why and "(8 packages)" in v.why
    assert "Systems of one size on both sides" in v.what_would_decide[0]


def test_same_size_pairs_of_different_sizes_are_candidates_per_size_not_a_disagreement():
    # 72 / 72: 720,000 / 60,000 = 12x supports 10x; 8 / 8: 40,000 / 8,000 = 5x refutes it
    records = [
        system("a72", "chip-a", 720_000.0, 72),
        system("b72", "chip-b", 60_000.0, 72),
        system("a8", "chip-a", 40_000.0, 8),
        system("b8", "chip-b", 8_000.0, 8),
    ]
    v = judge(ratio_claim(10.0, basis="system", **NO_SLO), records, HWS)
    assert v.verdict == "INCONCLUSIVE" and v.observed is None
    assert "disagree" not in v.why
    assert "with deployment = 72 packages it would be SUPPORTED (a72 / b72, 12)" in v.why
    assert "with deployment = 8 packages it would be REFUTED (a8 / b8, 5)" in v.why
    assert any("how many packages each system spans" in h for h in v.what_would_decide)


def test_pairs_far_apart_are_not_offered_more_repeats_but_pairs_within_their_precision_are():
    far = [at_max("a1", 3000.0), at_max("a2", 1500.0), at_max("b", 1000.0, hw="chip-b")]
    v = judge(ratio_claim(2.0, **NO_SLO), far, HWS)  # 3.0x and 1.5x: not noise
    assert v.verdict == "INCONCLUSIVE"
    assert not any("repeats" in h for h in v.what_would_decide)
    assert "not noise" in v.what_would_decide[0]
    # 2.08x (2.075-2.085) and 1.99x (1.985-1.995) against 2x: within 5% of each other, could be noise
    near = [at_max("a1", 2080.0, pm=5.0), at_max("a2", 1990.0, pm=5.0), at_max("b", 1000.0, hw="chip-b")]
    v = judge(ratio_claim(2.0, **NO_SLO), near, HWS)
    assert v.verdict == "INCONCLUSIVE"
    assert any("more repeats" in h for h in v.what_would_decide)

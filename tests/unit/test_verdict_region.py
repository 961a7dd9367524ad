"""Per-region readings over the interactivity axis: "across the entire frontier", "across most of it", "below 50".

Frontiers are hand-made so every expectation is hand-computed: interactivity = 1000 / mean TPOT.
"""

import pytest
from pydantic import ValidationError
from verdict_builders import claim_dict, evidence, hardware, judge, make_claim, predicate

from claimbench.schema.claims import Claim
from claimbench.schema.evidence import LoadPoint, RequestSamples

HWS = hardware("chip-a", "chip-b")
NO_SLO = {"slo": None}


def region_claim(value=1.0, form="everywhere", region=None, comparator=">=", tolerance_rel=None):
    pred = predicate(
        value, unit="x", ratio_to={"hardware": "chip-b"}, form=form, comparator=comparator, tolerance_rel=tolerance_rel
    )
    if region is not None:
        pred["region"] = region
    return make_claim(pred=pred, conditions=NO_SLO)


def frontier(eid, pairs, hw="chip-a", pm=None, **over):
    """A record whose levels are (interactivity tok/s/user, throughput tok/s per card), each ± ``pm`` when given."""
    pts = [LoadPoint(level=f"{x:g}", output_tok_per_s=y, tpot_mean_ms=1000.0 / x, throughput_pm=pm) for x, y in pairs]
    return evidence(eid, pts, conditions={"hardware": hw}, **over)


# chip-a: 2000 at 10 tok/s/user falling to 400 at 50; chip-b: 1000 at 10 falling to 600 at 50.
# a - b = 1000 at 10, -200 at 50: linear on [10, 50], the crossover is at 10 + 40 * 1000 / 1200 = 43.33.
A = [(10.0, 2000.0), (50.0, 400.0)]
B = [(10.0, 1000.0), (50.0, 600.0)]


def test_a_frontier_that_wins_at_every_measured_interactivity_is_supported_everywhere():
    v = judge(region_claim(), [frontier("a", [(10, 2000), (50, 900)]), frontier("b", B, "chip-b")], HWS)
    assert v.verdict == "SUPPORTED"
    assert v.regions.supported_share == pytest.approx(1.0)
    assert v.regions.crossovers == ()
    assert [s.verdict for s in v.regions.spans] == ["SUPPORTED"]


def test_the_crossover_is_interpolated_between_points_of_the_same_record_and_refutes_everywhere():
    v = judge(region_claim(), [frontier("a", A), frontier("b", B, "chip-b")], HWS)
    assert v.verdict == "REFUTED"
    assert v.regions.crossovers == pytest.approx((10 + 40 * 1000 / 1200,))
    assert [s.verdict for s in v.regions.spans] == ["SUPPORTED", "REFUTED"]
    assert v.regions.supported_share == pytest.approx((1000 / 1200 * 40) / 40)
    (win, lose) = v.regions.spans  # ratio 2.0 at 10 down to 1.0 at the crossover, then to 400 / 600 at 50
    assert (win.ratio_low, win.ratio_high) == pytest.approx((1.0, 2.0))
    assert (lose.ratio_low, lose.ratio_high) == pytest.approx((400 / 600, 1.0))


def test_across_most_of_the_range_is_supported_when_the_winning_share_is_over_half():
    v = judge(
        region_claim(form="region", region={"min_share": 0.5}), [frontier("a", A), frontier("b", B, "chip-b")], HWS
    )
    assert v.verdict == "SUPPORTED"  # 33.3 of 40 tok/s/user = 83 %
    assert "83% of the overlapping range" in v.why


def test_below_a_stated_interactivity_only_that_part_of_the_axis_counts():
    below = {"interactivity_max_tok_s_user": 40.0}
    v = judge(region_claim(region=below), [frontier("a", A), frontier("b", B, "chip-b")], HWS)
    assert v.verdict == "SUPPORTED"
    assert v.regions.scope == (10.0, 40.0) and v.regions.crossovers == ()


def test_beyond_either_frontiers_measured_range_is_not_measured_and_never_extrapolated():
    a = frontier("a", [(10, 2000), (80, 900)])  # chip-a measured up to 80, chip-b only to 50
    v = judge(region_claim(), [a, frontier("b", B, "chip-b")], HWS)
    assert [(s.low, s.high, s.verdict) for s in v.regions.spans] == [(10, 50, "SUPPORTED"), (50, 80, "NOT-MEASURED")]
    assert v.regions.overlap == (10.0, 50.0)
    assert v.verdict == "INCONCLUSIVE"  # everywhere over 10-80, but 50-80 has no baseline
    assert v.regions.supported_share == pytest.approx(1.0)


def test_an_unmeasured_range_asks_for_points_there_not_for_more_repeats():
    a = frontier("a", [(10, 2000), (80, 900)])
    v = judge(region_claim(), [a, frontier("b", B, "chip-b")], HWS)
    assert "(50–80 tok/s/user not measured on both)" in v.why
    assert v.what_would_decide[0].startswith("Both frontiers measured over 50–80 tok/s/user")
    assert not any("repeats" in h for h in v.what_would_decide)


def test_frontiers_that_do_not_overlap_are_not_comparable():
    v = judge(region_claim(), [frontier("a", [(60, 500), (90, 300)]), frontier("b", B, "chip-b")], HWS)
    assert v.verdict == "NOT-COMPARABLE"
    assert v.regions.overlap is None


def test_lower_bounds_on_both_sides_decide_no_region():
    def ceilings(eid, hw, pairs):
        pts = [LoadPoint(level=f"{x:g}", output_tok_per_s=y, tpot_limit_ms=1000.0 / x) for x, y in pairs]
        return evidence(eid, pts, conditions={"hardware": hw})  # fixed-load points with only a ceiling

    v = judge(region_claim(), [ceilings("a", "chip-a", A), ceilings("b", "chip-b", B)], HWS)
    assert {s.kind for s in v.regions.spans} == {"unknown"}
    assert v.verdict == "INCONCLUSIVE"


def test_a_latency_limited_ceiling_is_the_frontier_at_that_interactivity():
    pts = [
        LoadPoint(level=f"{x:g}", output_tok_per_s=y, tpot_limit_ms=1000.0 / x, operating_point="latency-limited")
        for x, y in A
    ]
    v = judge(region_claim(), [evidence("a", pts), frontier("b", B, "chip-b")], HWS)
    assert v.verdict == "REFUTED" and v.regions.crossovers == pytest.approx((43.333333,))


def test_a_pareto_dominated_level_is_not_part_of_the_frontier():
    a = frontier("a", [(10, 2000), (30, 500), (50, 900)])  # (30, 500) is beaten by (50, 900)
    v = judge(region_claim(), [a, frontier("b", B, "chip-b")], HWS)
    assert [p.level for p in v.regions.frontier if p.side == "claimant"] == ["10", "50"]
    assert v.verdict == "SUPPORTED"


def test_a_region_claim_needs_a_baseline_and_a_share():
    with pytest.raises(ValidationError, match="needs ratio_to"):
        Claim.model_validate(claim_dict(pred=predicate(form="everywhere"), conditions=NO_SLO))
    with pytest.raises(ValidationError, match="min_share: required"):
        region_claim(form="region")
    with pytest.raises(ValidationError, match="only with form"):
        Claim.model_validate(claim_dict(pred=predicate(region={"min_share": 0.5}), conditions=NO_SLO))


def test_the_typed_verdict_record_carries_the_regions_and_the_card_shows_them():
    from claimbench.report.regions import region_chart
    from claimbench.report.scorecard import claim_card_html
    from claimbench.report.verdicts import verdicts_json

    v = judge(region_claim(), [frontier("a", A), frontier("b", B, "chip-b")], HWS)
    (record,) = verdicts_json([v])
    g = record["regions"]
    assert [s["verdict"] for s in g["regions"]] == ["SUPPORTED", "REFUTED"]
    assert g["crossovers_tok_s_user"] == pytest.approx([43.333333])
    html = claim_card_html(record)
    assert "crossover at 43.33 tok/s/user" in html and "83% of the overlapping range" in html
    chart = region_chart(record).to_dict()
    assert "2 regions shaded by class (SUPPORTED, REFUTED)" in chart["description"]


def test_a_card_without_regions_has_no_region_table_or_chart():
    from claimbench.report.regions import region_chart, region_table_html

    assert region_table_html({"regions": None}) == ""
    assert region_chart({"id": "c", "readings": [{"regions": None}]}) is None


def test_a_region_claim_without_a_model_is_not_decided_by_frontiers_of_a_named_model():
    pred = predicate(1.0, unit="x", ratio_to={"hardware": "chip-b"}, form="everywhere")
    c = make_claim(pred=pred, conditions={"slo": None, "model": None})
    v = judge(c, [frontier("a", A), frontier("b", B, "chip-b")], HWS)
    assert v.verdict == "INCONCLUSIVE"
    assert any("with model = m it would be REFUTED" in n for n in v.notes)


# Precision: the ratio on each piece carries the worst-case interval of the points' stated ± and is decided on it.
# chip-b falls from 200 at 10 tok/s/user to 100 at 50; chip-a is 1.02 times that, its ± a fixed share of chip-b's.
FALL_B = [(10.0, 200.0), (50.0, 100.0)]


def scaled(eid, ratio, pm_share, hw="chip-a"):
    """A frontier ``ratio`` × chip-b's, each point ± ``pm_share`` × chip-b's value there (interpolates the same)."""
    pts = [
        LoadPoint(level=f"{x:g}", output_tok_per_s=ratio * y, tpot_mean_ms=1000.0 / x, throughput_pm=pm_share * y)
        for x, y in FALL_B
    ]
    return evidence(eid, pts, conditions={"hardware": hw})


def test_a_ratio_of_1_02_plus_minus_0_03_against_at_least_1_is_inconclusive():
    v = judge(region_claim(), [scaled("a", 1.02, 0.03), frontier("b", FALL_B, "chip-b")], HWS)
    (span,) = v.regions.spans  # (1.02 ± 0.03)·B / B = 0.99–1.05 everywhere: straddles 1
    assert (span.verdict, span.ratio_low, span.ratio_high) == ("INCONCLUSIVE", pytest.approx(1.02), pytest.approx(1.02))
    assert (span.interval_low, span.interval_high) == pytest.approx((0.99, 1.05))
    assert v.verdict == "INCONCLUSIVE"


def test_the_same_ratio_at_plus_minus_0_001_is_supported():
    v = judge(region_claim(), [scaled("a", 1.02, 0.001), frontier("b", FALL_B, "chip-b")], HWS)
    (span,) = v.regions.spans  # 1.019–1.021: clear of 1
    assert span.verdict == "SUPPORTED" and (span.interval_low, span.interval_high) == pytest.approx((1.019, 1.021))
    assert v.verdict == "SUPPORTED"


def test_the_denominators_precision_widens_the_interval_as_the_ratio_forms_extremes_do():
    pts = [
        LoadPoint(level=f"{x:g}", output_tok_per_s=y, tpot_mean_ms=1000.0 / x, throughput_pm=0.02 * y)
        for x, y in FALL_B
    ]
    b = evidence("b", pts, conditions={"hardware": "chip-b"})  # B ± 0.02·B, A = 1.02·B ± 0.01·B
    (span,) = judge(region_claim(), [scaled("a", 1.02, 0.01), b], HWS).regions.spans
    assert (span.interval_low, span.interval_high) == pytest.approx((1.01 / 1.02, 1.03 / 0.98))
    assert span.verdict == "INCONCLUSIVE"


def test_near_a_crossover_the_precision_makes_an_inconclusive_region_and_the_crossover_an_interval():
    # A = 2000 - 40u, B = 1000 - 10u (u = x - 10), each ± 15: A - B = 1000 - 30u, its interval ± 30, so the
    # ratio's interval straddles 1 for u in [(1000 - 30) / 30, (1000 + 30) / 30] = x in [42.33, 44.33].
    v = judge(region_claim(), [frontier("a", A, pm=15.0), frontier("b", B, "chip-b", pm=15.0)], HWS)
    g = v.regions
    assert [(s.low, s.high, s.verdict) for s in g.spans] == [
        (10.0, pytest.approx(10 + 970 / 30), "SUPPORTED"),
        (pytest.approx(10 + 970 / 30), pytest.approx(10 + 1030 / 30), "INCONCLUSIVE"),
        (pytest.approx(10 + 1030 / 30), 50.0, "REFUTED"),
    ]
    assert g.crossovers == pytest.approx((10 + 1000 / 30,))
    ((lo, hi),) = g.crossover_intervals
    assert (lo, hi) == pytest.approx((10 + 970 / 30, 10 + 1030 / 30))
    assert g.supported_share == pytest.approx((970 / 30) / 40)
    assert v.verdict == "REFUTED"  # everywhere: 44.33-50 refutes whatever the precision
    assert any("crossover at 43.33 (somewhere in 42.33–44.33" in n for n in v.notes)


def test_exact_figures_give_a_crossover_interval_of_one_point():
    g = judge(region_claim(), [frontier("a", A), frontier("b", B, "chip-b")], HWS).regions
    assert g.crossover_intervals == (pytest.approx((10 + 1000 / 30, 10 + 1000 / 30)),)


def test_an_approx_claim_is_supported_only_where_the_whole_interval_lies_in_the_band():
    # "matches chip-b": 1.0 ± 5 %, band [0.95, 1.05]. u = x - 10: A = 220 - 4u ± 2, B = 200 - 2.5u (exact).
    # A ± 2 = 1.05·B  <=>  u = (10 ± 2) / 1.375;  A ± 2 = 0.95·B  <=>  u = (30 ± 2) / 1.625.
    c = region_claim(form="region", region={"min_share": 0.25}, comparator="approx", tolerance_rel=0.05)
    v = judge(c, [frontier("a", [(10, 220), (50, 60)], pm=2.0), frontier("b", FALL_B, "chip-b")], HWS)
    g = v.regions
    cut = [10 + 8 / 1.375, 10 + 12 / 1.375, 10 + 28 / 1.625, 10 + 32 / 1.625]
    assert [(s.low, s.high, s.verdict) for s in g.spans] == [
        (10.0, pytest.approx(cut[0]), "REFUTED"),  # above the band
        (pytest.approx(cut[0]), pytest.approx(cut[1]), "INCONCLUSIVE"),
        (pytest.approx(cut[1]), pytest.approx(cut[2]), "SUPPORTED"),
        (pytest.approx(cut[2]), pytest.approx(cut[3]), "INCONCLUSIVE"),
        (pytest.approx(cut[3]), 50.0, "REFUTED"),  # below it
    ]
    assert g.crossovers == pytest.approx((10 + 10 / 1.375, 10 + 30 / 1.625))
    assert [tuple(b) for b in g.crossover_intervals] == [pytest.approx(cut[:2]), pytest.approx(cut[2:])]
    # exact figures would support it over (30 / 1.625 - 10 / 1.375) / 40 = 28 % of the range (>= 25 %): at their
    # precision only (28 / 1.625 - 12 / 1.375) / 40 = 21 %, and 65 % refutes (not over 75 %): INCONCLUSIVE
    assert g.supported_share == pytest.approx((28 / 1.625 - 12 / 1.375) / 40)
    assert v.verdict == "INCONCLUSIVE"
    exact = judge(c, [frontier("a", [(10, 220), (50, 60)]), frontier("b", FALL_B, "chip-b")], HWS)
    assert exact.verdict == "SUPPORTED"


def test_the_record_and_the_card_carry_each_regions_ratio_interval_and_the_crossover_interval():
    from claimbench.report.regions import region_table_html
    from claimbench.report.verdicts import verdicts_json
    from claimbench.schema.verdict import RegionReadingRecord

    v = judge(region_claim(), [frontier("a", A, pm=15.0), frontier("b", B, "chip-b", pm=15.0)], HWS)
    (record,) = verdicts_json([v])
    g = RegionReadingRecord.model_validate(record["regions"])
    # the supported region 10-42.33: its interval's top is at 10 tok/s/user, its bottom meets 1 at 42.33
    assert g.regions[0].ratio_interval == pytest.approx([1.0, 2015 / 985])
    assert g.crossover_intervals_tok_s_user == [pytest.approx([10 + 970 / 30, 10 + 1030 / 30])]
    html = region_table_html(record)
    assert "crossover at 43.33 (somewhere in 42.33–44.33) tok/s/user" in html
    assert "ratio interval (stated precision)" in html and "<td class='cb-num'>1–2.05x</td>" in html


def test_a_record_written_before_ratio_intervals_still_validates():
    from claimbench.schema.verdict import RegionRecord

    old = {"low_tok_s_user": 1.0, "high_tok_s_user": 2.0, "verdict": "SUPPORTED", "ratio_low": 1.1}
    r = RegionRecord.model_validate({**old, "ratio_high": 1.2, "kind": "point"})
    assert r.ratio_interval is None


def measured(eid, tokens_per_level, hw="chip-a"):
    """A measured record: at each of chip-b's interactivities a level of 8 requests over 8 s with these tokens."""
    pts = []
    for (x, _), toks in zip(FALL_B, tokens_per_level):
        s = RequestSamples(output_tokens=toks, tpot_ms=[1000.0 / x] * 8, ttft_ms=[None] * 8, wall_s=8.0)
        pts.append(LoadPoint(level=f"{x:g}", output_tok_per_s=sum(toks) / 8.0, tpot_mean_ms=1000.0 / x, samples=s))
    return evidence(eid, pts, conditions={"hardware": hw})


def test_a_measured_levels_request_bootstrap_is_its_precision_so_a_noisy_2_percent_lead_decides_nothing():
    # 1.02 x chip-b at both levels (204 and 102 tok/s), from requests of very different lengths: the resampled
    # total of 8 requests spread ± 100 (± 50) tokens moves the level by tens of tok/s, far more than 2 %
    noisy = measured("a", [[104, 304] * 4, [52, 152] * 4])
    v = judge(region_claim(), [noisy, frontier("b", FALL_B, "chip-b")], HWS)
    (span,) = v.regions.spans
    assert span.verdict == "INCONCLUSIVE" and span.interval_low < 1.0 < span.interval_high
    a_pm = [p.pm for p in v.regions.frontier if p.side == "claimant"]
    assert all(0 < pm <= 100 for pm in a_pm)  # at most half the resampled range (8·(304 - 104) / 8 / 2 = 100)
    # the same levels from identical requests: no spread, no interval, the 2 % lead supports
    steady = measured("a", [[204] * 8, [102] * 8])
    assert judge(region_claim(), [steady, frontier("b", FALL_B, "chip-b")], HWS).verdict == "SUPPORTED"


def test_a_decreasing_conversion_turns_the_ratio_interval_upside_down():
    from claimbench.judge.verdict.region import region_reading
    from claimbench.judge.verdict.types import FrontierPoint

    # $/Mtok = c / throughput: the claim's ratio is (c_A / c_B) / r, here 1 / r. r = 100 ± 5 over 100: 0.95-1.05,
    # so the cost ratio is 1 / 1.05 to 1 / 0.95; "A costs at most 0.9 x B" is r >= 1 / 0.9 in throughput terms.
    fa = [FrontierPoint("claimant", "a", x, 100.0, "point", None, 5.0) for x in (10.0, 50.0)]
    fb = [FrontierPoint("baseline", "b", x, 100.0 - 1e-9 * x, "point", None, 0.0) for x in (10.0, 50.0)]
    g = region_reading(fa, fb, 1 / 0.9, ">=", (1.0, True))
    (span,) = g.spans
    assert (span.interval_low, span.interval_high) == pytest.approx((1 / 1.05, 1 / 0.95))
    assert span.verdict == "REFUTED"  # the cost ratio is at least 0.952, above 0.9 whatever the precision


def test_a_per_dollar_region_claim_that_flips_with_the_listed_price_is_inconclusive_and_names_it():
    from claimbench.judge.verdict.derived import PriceQuote

    # chip-a 1.5x chip-b's throughput everywhere; chip-a listed at $3/h and $6/h, chip-b at $3/h only:
    # tok/$ ratio 1.5 at chip-a's lowest price, 1.5 x 3 / 6 = 0.75 at its highest
    pred = predicate(1.0, metric="output_tok_per_usd", unit="x", ratio_to={"hardware": "chip-b"}, form="everywhere")
    c = make_claim(pred=pred, conditions=NO_SLO)
    recs = [frontier("a", [(10, 1500), (50, 900)]), frontier("b", [(10, 1000), (50, 600)], "chip-b")]
    one_price = {"chip-a": PriceQuote(3.0, "P"), "chip-b": PriceQuote(3.0, "P")}
    assert judge(c, recs, HWS, prices=one_price).verdict == "SUPPORTED"
    two = {**one_price, "chip-a": PriceQuote(3.0, "P", PriceQuote(6.0, "Q, on-demand"))}
    v = judge(c, recs, HWS, prices=two)
    assert v.verdict == "INCONCLUSIVE"
    assert any("depends on the listed prices" in n and "Q, on-demand" in n for n in v.notes)

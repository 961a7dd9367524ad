"""Evidence values that are ratios ("0.9x of system X at conditions C") or costs ("$0.20 per million output tokens")."""

import pytest
from verdict_builders import evidence, hardware, judge, make_claim, predicate

from claimbench.schema.evidence import EvidenceRatio, LoadPoint

HWS = hardware("chip-a", "chip-b")
SLO = [{"metric": "tpot", "stat": "mean", "max_ms": 50}]


def ratio_claim(value=2.0, comparator=">="):
    return make_claim(pred=predicate(value, unit="x", ratio_to={"hardware": "chip-b"}, comparator=comparator))


def stated(eid, value, kind="point", metric="output_tok_per_s", baseline="chip-b", slo=SLO, **over):
    ratio = EvidenceRatio(baseline_hardware=baseline, metric=metric, value=value, kind=kind, slo=slo)
    return evidence(eid, [], ratio=ratio, **over)


def test_a_stated_ratio_under_the_same_conditions_decides_a_ratio_claim():
    v = judge(ratio_claim(2.0), [stated("r", 2.4)], HWS)
    assert (v.verdict, v.observed) == ("SUPPORTED", 2.4)
    assert [u.evidence_id for u in v.evidence_used] == ["r"]
    assert "states 2.4x over chip-b" in v.why


def test_a_stated_ratio_of_another_metric_or_baseline_or_latency_bound_is_set_aside():
    records = [
        stated("per-j", 2.4, metric="output_tok_per_j"),
        stated("other-base", 2.4, baseline="chip-c"),
        stated("no-bound", 2.4, slo=None),
    ]
    v = judge(ratio_claim(2.0), records, hardware("chip-a", "chip-b", "chip-c"))
    assert v.verdict == "NOT-COMPARABLE"
    reasons = {a.evidence_id: " ".join(a.reasons) for a in v.evidence_set_aside}
    assert "ratio of output_tok_per_j" in reasons["per-j"]
    assert "over chip-c" in reasons["other-base"]
    assert "latency bound" in reasons["no-bound"]


def test_a_stated_lower_bound_ratio_supports_but_never_refutes():
    assert judge(ratio_claim(2.0), [stated("r", 2.1, kind="lower_bound")], HWS).verdict == "SUPPORTED"
    assert judge(ratio_claim(2.0), [stated("r", 1.5, kind="lower_bound")], HWS).verdict == "INCONCLUSIVE"
    assert judge(ratio_claim(2.0), [stated("r", 1.5)], HWS).verdict == "REFUTED"


def test_a_stated_ratio_of_another_chip_over_the_baseline_is_set_aside():
    v = judge(
        ratio_claim(2.0), [stated("r", 2.4, conditions={"hardware": "chip-c"})], hardware("chip-a", "chip-b", "chip-c")
    )
    assert v.verdict == "NOT-COMPARABLE" and v.observed is None


def pair_2x_and_stated(ratio):
    """chip-a at 2,000 and chip-b at 1,000 tok/s (a 2.0x pair), and record r stating ``ratio``."""
    return [evidence("a", thr=2000.0), evidence("b", thr=1000.0, conditions={"hardware": "chip-b"}), stated("r", ratio)]


def test_a_stated_ratio_that_disagrees_with_the_absolute_pair_leaves_it_inconclusive_with_both_named():
    v = judge(ratio_claim(1.8), pair_2x_and_stated(0.9), HWS)
    assert (v.verdict, v.observed) == ("INCONCLUSIVE", pytest.approx(2.0))  # the pair's ratio, not an average
    outcomes = {s.evidence_id: s.outcome for s in v.spread}
    assert outcomes == {"a / b": "SUPPORTED", "r": "REFUTED"}
    assert "SUPPORTED by a / b" in v.why and "REFUTED by r" in v.why


def test_a_stated_ratio_that_agrees_with_the_absolute_pair_joins_the_spread():
    v = judge(ratio_claim(1.8), pair_2x_and_stated(1.9), HWS)
    assert v.verdict == "SUPPORTED" and {s.evidence_id for s in v.spread} == {"a / b", "r"}


def cost_claim(value=0.20, comparator="<="):
    return make_claim(pred=predicate(value, metric="usd_per_mtok", unit="USD/Mtok", comparator=comparator))


def cost_point(usd, tpot=50.0, **over):
    return LoadPoint(level="L", output_tok_per_s=1000.0, tpot_mean_ms=tpot, usd_per_mtok=usd, **over)


def test_a_stated_cost_per_mtok_decides_a_cost_claim_without_any_price():
    v = judge(cost_claim(0.20), [evidence("c", [cost_point(0.18)])], HWS, prices={})
    assert (v.verdict, v.observed) == ("SUPPORTED", 0.18)
    assert judge(cost_claim(0.20), [evidence("c", [cost_point(0.25)])], HWS, prices={}).verdict == "REFUTED"


def test_a_cost_taken_at_a_tighter_latency_is_an_upper_bound_of_the_cost_at_the_claims_bound():
    tighter = [cost_point(0.25, tpot=40.0)]  # cheaper per token is possible at 50 ms: cannot refute
    v = judge(cost_claim(0.20), [evidence("c", tighter)], HWS, prices={})
    assert v.verdict == "INCONCLUSIVE" and "upper bound" in v.read_method
    assert judge(cost_claim(0.20), [evidence("c", [cost_point(0.18, tpot=40.0)])], HWS, prices={}).verdict == (
        "SUPPORTED"
    )


def test_a_cost_claim_without_stated_costs_or_a_price_is_unverifiable():
    assert judge(cost_claim(0.20), [evidence("t", thr=1000.0)], HWS, prices={}).verdict == "UNVERIFIABLE"


def test_a_stated_cost_is_read_at_the_claims_latency_bound_not_at_the_cheapest_level():
    pts = [cost_point(0.10, tpot=80.0), cost_point(0.30, tpot=50.0)]  # cheap only at 80 ms, over the 50 ms bound
    v = judge(cost_claim(0.20), [evidence("c", pts)], HWS, prices={})
    assert (v.verdict, v.observed) == ("REFUTED", pytest.approx(0.30))


def test_a_stated_cost_is_per_token_so_no_basis_conversion_applies():
    v = judge(cost_claim(0.20), [evidence("c", [cost_point(0.18)], basis="node", packages=8)], HWS, prices={})
    assert v.observed == pytest.approx(0.18)


def test_a_latency_limited_cost_is_an_upper_bound_of_the_cheapest_for_a_claim_without_a_bound():
    c = make_claim(
        pred=predicate(0.20, metric="usd_per_mtok", unit="USD/Mtok", comparator="<="), conditions={"slo": None}
    )
    limited = LoadPoint(
        level="L", output_tok_per_s=1000.0, tpot_limit_ms=20.0, usd_per_mtok=0.25, operating_point="latency-limited"
    )
    v = judge(c, [evidence("c", [limited])], HWS, prices={})
    assert v.verdict == "INCONCLUSIVE"  # the cheapest may be below 0.20: an upper bound of 0.25 cannot refute
    assert judge(c, [evidence("c", [limited.model_copy(update={"usd_per_mtok": 0.15})])], HWS, prices={}).verdict == (
        "SUPPORTED"
    )


REF = """
schema: 2
id: r
title: t
source: {url: "https://example.org/r", date: "2026", quote: q}
reported_by: lab
shared_conditions: {hardware: chip-a, model: m, precision: fp8, input_len: 1024, output_len: 1024, speculative: none,
  phase: end-to-end, deployment: null}
results:
  - id: x
    label: l
    conditions: {}
    basis: card
    packages: null
    derived: false
    operating_point: latency-limited
"""


def test_a_reference_result_may_state_a_ratio_instead_of_points_but_not_neither(tmp_path):
    from claimbench.errors import UserError
    from claimbench.load.evidence import load_reference

    ok = tmp_path / "r.yaml"
    ok.write_text(
        REF + "    ratio: {baseline_hardware: chip-b, metric: output_tok_per_s, value: 0.9, kind: lower_bound}\n"
    )
    (ev,) = load_reference(ok, {"chip-a", "chip-b"})
    assert (ev.points, ev.ratio.value, ev.ratio.kind) == ([], 0.9, "lower_bound")
    bad = tmp_path / "sub" / "r.yaml"
    bad.parent.mkdir()
    bad.write_text(REF)
    with pytest.raises(UserError, match="at least one point"):
        load_reference(bad, {"chip-a", "chip-b"})


def test_a_reference_point_may_state_its_cost_per_mtok(tmp_path):
    from claimbench.load.evidence import load_reference

    p = tmp_path / "r.yaml"
    p.write_text(
        REF
        + "    points: [{level: a, output_tok_per_s: 100, tpot_limit_ms: 50, throughput_pm: 0.5, usd_per_mtok: 0.2}]\n"
    )
    (ev,) = load_reference(p, {"chip-a"})
    assert ev.points[0].usd_per_mtok == 0.2


def tco_claim(value=0.20):
    pred = {**predicate(value, metric="usd_per_mtok", unit="USD/Mtok", comparator="<="), "price_basis": "tco"}
    return make_claim(pred=pred)


def test_a_tco_cost_claim_is_decided_by_a_stated_tco_cost_and_not_by_a_rental_price_cost():
    rental = evidence("rent", [cost_point(0.10, price_basis="accelerator-hour")])
    tco = evidence("tco", [cost_point(0.25, price_basis="tco")])
    v = judge(tco_claim(0.20), [rental, tco], HWS, prices={})
    assert (v.verdict, v.observed, [u.evidence_id for u in v.evidence_used]) == ("REFUTED", 0.25, ["tco"])


def test_a_tco_cost_claim_without_a_stated_tco_cost_is_unverifiable_even_with_an_hourly_price():
    v = judge(tco_claim(0.20), [evidence("t", thr=1000.0)], HWS, prices={"chip-a": 2.0})
    assert v.verdict == "UNVERIFIABLE" and "a cost on a tco basis" in v.why


def test_a_price_basis_goes_with_a_cost_metric_only():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="price_basis: only with metric"):
        make_claim(pred={**predicate(1000.0), "price_basis": "tco"})


def priced(low, high=None):
    from claimbench.judge.verdict.derived import PriceQuote

    return {"chip-a": PriceQuote(low, "P, on-demand", PriceQuote(high, "Q, on-demand") if high else None)}


def per_usd_claim(value):
    return make_claim(pred=predicate(value, metric="output_tok_per_usd", unit="tok/USD"))


def test_a_per_dollar_claim_that_holds_at_one_listed_price_and_fails_at_another_is_inconclusive():
    # 1,000 tok/s per card: 3.6e6 tok/h; at $2/h 1.8e6 tok/USD, at $4/h 0.9e6 tok/USD
    ev = [evidence("e", thr=1000.0)]
    assert judge(per_usd_claim(1.5e6), ev, HWS, prices=priced(2.0, 4.0)).verdict == "INCONCLUSIVE"
    assert judge(per_usd_claim(0.8e6), ev, HWS, prices=priced(2.0, 4.0)).verdict == "SUPPORTED"  # holds at both
    assert judge(per_usd_claim(2.0e6), ev, HWS, prices=priced(2.0, 4.0)).verdict == "REFUTED"  # fails at the lowest
    one = judge(per_usd_claim(1.5e6), ev, HWS, prices=priced(2.0))
    assert one.verdict == "SUPPORTED"  # a single listed price decides
    v = judge(per_usd_claim(1.5e6), ev, HWS, prices=priced(2.0, 4.0))
    assert v.interval == pytest.approx((0.9e6, 1.8e6)) and "Q, on-demand" in v.read_method


def test_a_spot_price_stands_for_a_chip_only_when_nothing_else_is_listed():
    from claimbench.judge.verdict.derived import lowest_price_quotes
    from claimbench.schema.hardware import PriceTable

    def table(*rows):
        src = [{"id": "s", "url": "https://example.org/p", "says": "x", "fields": ["usd_per_package_hour"]}]
        prices = [
            {
                "hardware": "h",
                "usd_per_package_hour": usd,
                "provider": "P",
                "offering": off,
                "date": "2026-01",
                "source": "s",
            }
            for usd, off in rows
        ]
        return PriceTable.model_validate({"id": "t", "prices": prices, "sources": src})

    q = lowest_price_quotes([table((5.98, "B200 spot (interruptible)"), (6.03, "on-demand"), (10.57, "on-demand"))])[
        "h"
    ]
    assert (float(q), float(q.highest)) == (6.03, 10.57)
    only_spot = lowest_price_quotes([table((5.98, "B200 spot (interruptible)"))])["h"]
    assert float(only_spot) == 5.98 and only_spot.highest is None


def test_a_cost_claim_that_names_no_price_basis_is_not_decided_by_a_cost_on_a_named_basis():
    tco = evidence("tco", [cost_point(0.18, price_basis="tco")])
    v = judge(cost_claim(0.20), [tco], HWS, prices={})
    assert v.verdict == "INCONCLUSIVE"
    assert any("with price_basis = tco it would be SUPPORTED" in n for n in v.notes)
    assert judge(tco_claim(0.20), [tco], HWS, prices={}).verdict == "SUPPORTED"  # the claim names it: decided

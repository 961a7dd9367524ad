"""Disagreement shown: the spread of matching evidence, both sides named, observed from the deciding record;
a reading on another basis judged against the claimed figure on that basis."""

from verdict_builders import evidence, hardware, make_claim, predicate

from claimbench.judge.verdict import VerdictConfig, judge_claim
from claimbench.schema.provenance import Provenance

HWS = hardware("chip-a")


def claim(value=1000.0, basis="card", readings=()):
    return make_claim(value, pred=predicate(value, basis=basis), readings=list(readings))


def ev(eid, thr, kind="reference", origin="publication", publisher="lab", basis="card", packages=None, secondary=False):
    provenance = Provenance(origin=origin, publisher=publisher)
    return evidence(
        eid,
        thr=thr,
        kind=kind,
        reported_by=publisher,
        basis=basis,
        packages=packages,
        secondary=secondary,
        provenance=provenance,
    )


def judge(c, evidence):
    return judge_claim(c, evidence, HWS, None, VerdictConfig(n_boot=100))


def test_records_3_5x_apart_at_the_same_conditions_are_inconclusive_with_both_sides_named():
    peer = ev("peer", 3500.0, origin="unattributed-file", publisher=None)
    bundle = ev("bundle", 1000.0 / 1.2, kind="run_bundle", origin="measured-here", publisher="claimbench")
    v = judge(claim(), [peer, bundle])[0]
    assert v.verdict == "INCONCLUSIVE"
    assert "SUPPORTED by peer" in v.why and "REFUTED by bundle" in v.why
    assert any("4.2x apart" in n for n in v.notes)
    assert {(s.evidence_id, s.outcome) for s in v.spread} == {("peer", "SUPPORTED"), ("bundle", "REFUTED")}


def test_observed_is_the_deciding_records_value_and_contrary_context_is_named():
    best = ev("best", 1200.0)
    context = ev("context", 700.0, secondary=True)  # ranks after the primary record
    v = judge(claim(), [best, context])[0]
    assert (v.verdict, v.observed) == ("SUPPORTED", 1200.0)
    assert any(n.startswith("less closely matched evidence disagrees: REFUTED by context") for n in v.notes)


def test_a_reading_that_converts_the_figure_shows_the_claimed_value_on_its_basis():
    reading = {
        "id": "per-card",
        "label": "the node figure per card",
        "basis": "card",
        "conditions": {},
        "source_note": "8 cards per node",
        "value": 1000.0,
    }
    node = ev("node", 8000.0, basis="node", packages=8)
    as_worded, per_card = judge(claim(value=8000.0, basis="node", readings=[reading]), [node])
    assert (as_worded.claimed, as_worded.observed) == (8000.0, 8000.0)
    assert (per_card.claimed, per_card.observed, per_card.verdict) == (1000.0, 1000.0, "SUPPORTED")


def test_a_per_dollar_reading_names_the_price_and_where_it_comes_from():
    from claimbench.judge.verdict.derived import PriceQuote, _transform

    tf, _ = _transform(
        "usd_per_mtok", "chip-a", HWS, {"chip-a": PriceQuote(2.0, "Vast.ai, H100 SXM, 2026-04-22, https://x")}
    )
    assert tf is not None and "2 USD/h (Vast.ai, H100 SXM, 2026-04-22, https://x)" in tf.text
    bare, _ = _transform("output_tok_per_usd", "chip-a", HWS, {"chip-a": 2.0})
    assert bare is not None and "source not given" in bare.text


def test_records_of_different_mlperf_rounds_far_apart_name_the_rounds_not_more_repeats():
    # v5.1: 1,900 refutes 3,600; v6.0: 3,700 supports it: not noise, the rounds are named
    old = ev("mlperf:v5.1:closed:Org:a:m:Offline", 1900.0, kind="mlperf")
    new = ev("mlperf:v6.0:closed:Org:a:m:Offline", 3700.0, kind="mlperf")
    v = judge(claim(3600.0), [old, new])[0]
    assert v.verdict == "INCONCLUSIVE"
    assert not any("repeats" in h for h in v.what_would_decide)
    assert "MLPerf round (REFUTED: v5.1; SUPPORTED: v6.0)" in v.what_would_decide[0]


def test_records_within_a_few_percent_of_each_other_may_be_noise_and_are_offered_more_repeats():
    v = judge(claim(1000.0), [ev("a", 1010.0), ev("b", 990.0)])[0]  # 2% apart: within 5%
    assert v.verdict == "INCONCLUSIVE"
    assert any("more repeats" in h for h in v.what_would_decide)

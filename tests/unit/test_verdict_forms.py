"""Claim forms as data: up_to (best over the frontier), beats_all (a record), several predicates in one file."""

import pytest
from pydantic import ValidationError
from verdict_builders import evidence, hardware, make_claim
from verdict_builders import predicate as base_predicate

from claimbench.judge.verdict import VerdictConfig, judge_claim, judge_claims
from claimbench.schema.claims import Claim, expand_claim
from claimbench.schema.evidence import LoadPoint

HWS = hardware("chip-a", "chip-b", "chip-c")


def predicate(value=1000.0, form="at"):
    return base_predicate(value, form=form)


def claim(value=1000.0, form="at", predicates=None):
    if predicates:
        return make_claim(value, predicate=None, predicates=predicates)
    return make_claim(value, pred=predicate(value, form))


def ev(eid, thr, hardware="chip-a", secondary=False, published="2024-06-01"):
    """A record published on ``published`` (before the claims' 2025; None: no date)."""
    src = {"url": f"https://example.org/{eid}", "date": published, "quote": "q"} if published else None
    return evidence(eid, thr=thr, conditions={"hardware": hardware}, secondary=secondary, source=src)


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


def test_a_rival_that_cannot_say_is_not_shown_as_the_observed_figure_and_the_why_says_why():
    # chip-b's 1,200 was read at a looser latency (mean TPOT 60 ms over the claim's 50): at the bound it is
    # at most 1,200, which may or may not beat the claimed 1,000
    looser = evidence(
        "b",
        [LoadPoint(level="L", output_tok_per_s=1200.0, tpot_mean_ms=60.0)],
        conditions={"hardware": "chip-b"},
        source={"url": "https://example.org/b", "date": "2024-06-01", "quote": "q"},
    )
    v = judge(claim(form="beats_all"), [looser])
    assert v.verdict == "INCONCLUSIVE" and v.observed is None and v.margin_rel is None
    assert "b (at most 1,200, an upper bound above the claim" in v.why


def test_a_record_claim_is_not_refuted_by_a_rival_published_after_it_but_names_it_as_overtaking():
    later = ev("c", 1200.0, "chip-c", published="2026-03-01")
    v = judge(claim(form="beats_all"), [ev("b", 800.0, "chip-b"), later])
    assert v.verdict == "SUPPORTED" and v.observed == 800.0
    assert "since overtaken by c (1,200, published 2026-03-01)" in v.why
    assert {s.evidence_id for s in v.spread} == {"b"}


def test_a_rival_published_within_the_claims_own_year_cannot_be_ordered_and_caps_at_inconclusive():
    same_year = ev("c", 1200.0, "chip-c", published="2025-06-01")  # the claim is dated "2025"
    v = judge(claim(form="beats_all"), [ev("b", 800.0, "chip-b"), same_year])
    assert v.verdict == "INCONCLUSIVE" and "c (1,200, published 2025-06-01)" in v.why
    assert "publication date of c" in v.what_would_decide[0]


def test_a_rival_of_unknown_date_does_not_refute_alone_but_a_dated_one_still_does():
    undated = ev("c", 1200.0, "chip-c", published=None)
    assert judge(claim(form="beats_all"), [ev("b", 800.0, "chip-b"), undated]).verdict == "INCONCLUSIVE"
    v = judge(claim(form="beats_all"), [ev("b", 1100.0, "chip-b"), undated])
    assert v.verdict == "REFUTED" and "b (1,100" in v.why and {s.evidence_id for s in v.spread} == {"b"}


def test_a_later_record_still_decides_a_plain_figure_of_the_same_chip():
    # only record claims are dated: a later result of the chip is still evidence about an "X tok/s" claim
    assert judge(claim(form="at"), [ev("a", 1200.0, published="2026-03-01")]).verdict == "SUPPORTED"


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


def _system(eid, packages, thr):
    pts = [LoadPoint(level="Offline", output_tok_per_s=thr, tpot_mean_ms=50.0)]
    return evidence(eid, pts, basis="system", packages=packages, reported_by="thirdparty")


def test_a_system_claim_at_a_stated_scale_is_judged_only_by_systems_of_that_scale():
    dep = {
        "device": "card",
        "devices": 64,
        "batch_per_device": None,
        "context_tokens": None,
        "tp": None,
        "ep": None,
        "kv_precision": None,
    }
    claim = make_claim(
        640_000.0,
        pred={
            "metric": "output_tok_per_s",
            "comparator": ">=",
            "value": 640_000.0,
            "unit": "tok/s",
            "basis": "system",
            "tolerance_rel": None,
            "ratio_to": None,
        },
        conditions={"deployment": dep},
    )
    small, big = _system("eight", 8, 93_046.0), _system("sixty-four", 64, 648_248.0)
    v = judge_claim(claim, [small, big], hardware("chip-a"), None, VerdictConfig(n_boot=50))[0]
    assert v.verdict == "SUPPORTED" and [u.evidence_id for u in v.evidence_used] == ["sixty-four"]
    aside = {u.evidence_id: u.reasons for u in v.evidence_set_aside}
    assert "eight" in aside and any("devices 64 cards" in r and "devices 8 cards" in r for r in aside["eight"])
    only_small = judge_claim(claim, [small], hardware("chip-a"), None, VerdictConfig(n_boot=50))[0]
    assert only_small.verdict == "NOT-COMPARABLE"  # 8 cards' throughput never refutes a 64-card claim


def test_a_per_card_claim_of_unstated_scale_still_reads_any_system_per_package():
    v = judge_claim(
        make_claim(10_000.0), [_system("eight", 8, 93_046.0)], hardware("chip-a"), None, VerdictConfig(n_boot=50)
    )[0]
    assert v.verdict == "SUPPORTED" and v.observed == pytest.approx(93_046.0 / 8)

"""Roofline plausibility bounds of claim readings, pinned against claimbench.judge.roofline directly."""

from pathlib import Path

import pytest

from claimbench.judge.plausibility import claim_bounds, reading_bound
from claimbench.judge.roofline import ParallelLayout, Precision, decode_bound, max_batch_at_tpot, ratio_bound
from claimbench.judge.verdict import judge_claim
from claimbench.load.claims import load_claim, load_claims
from claimbench.load.registry import list_hardware, list_models, load_hardware, load_model
from claimbench.schema.claims import resolved_readings

DATA = Path(__file__).resolve().parents[2] / "data"
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "verify"
HW = {h.id: h for h in list_hardware()}
MODELS = {m.id: m for m in list_models()}


def reading(claim, rid):
    return next(r for r in resolved_readings(claim) if r.reading_id == rid)


def test_the_2400_per_910c_reading_is_bounded_at_its_stated_deployment_and_within_it():
    claim = load_claim(DATA / "claims" / "huawei-2400-tok-s-per-card-at-50ms.yaml")
    chip = reading_bound(claim, reading(claim, "per-910c-chip-huawei-report"), MODELS, HW)
    ref = decode_bound(
        load_model("deepseek-r1"),
        load_hardware("ascend-910c"),
        batch_per_device=60,
        context_tokens=3072,
        precision=Precision("int8", "int8", "int8"),
        deployment=ParallelLayout(tp=1, ep=288),
        spec_tokens=1,
        acceptance=0.9,
        device="die",
    )
    assert chip.basis == "card" and chip.max_value == pytest.approx(ref.output_tok_per_s_per_package)
    assert chip.binding_roof.startswith(ref.binding) and chip.max_value > 2400
    die = reading_bound(claim, reading(claim, "per-910c-die"), MODELS, HW)
    assert die.basis == "die" and die.max_value == pytest.approx(ref.output_tok_per_s_per_die)
    # the as-worded reading names no model: no bound, and it says why
    worded = reading_bound(claim, reading(claim, "as-worded"), MODELS, HW)
    assert worded.max_value is None and "model unknown" in worded.explanation


def test_the_verdict_notes_say_which_roof_binds_and_the_bound_value():
    claim = load_claim(DATA / "claims" / "huawei-2400-tok-s-per-card-at-50ms.yaml")
    bounds = claim_bounds([claim], MODELS, HW)
    v = {x.reading_id: x for x in judge_claim(claim, [], HW, bounds)}
    chip = v["per-910c-chip-huawei-report"]
    assert chip.verdict != "IMPLAUSIBLE" and chip.bound is bounds[(claim.id, chip.reading_id)]
    note = next(n for n in chip.notes if n.startswith("within the roofline bound"))
    assert "compute" in note and f"{chip.bound.max_value:,.0f}" in note and "2,400" in note
    assert any(n.startswith("no roofline bound: model unknown") for n in v["as-worded"].notes)


def test_a_claim_above_the_roof_at_its_tpot_is_implausible():
    claim = load_claim(FIX / "claims" / "implausible-h20-5000-per-card-at-50ms.yaml")
    bounds = claim_bounds([claim], MODELS, HW)
    b = bounds[(claim.id, "as-worded")]
    ref = max_batch_at_tpot(
        load_model("deepseek-r1"),
        load_hardware("nvidia-h20"),
        tpot_ms=50,
        context_tokens=4864,
        precision=Precision("fp8", "fp8", "bf16"),
        deployment=ParallelLayout(tp=1, ep=16),
    )
    assert b.max_value == pytest.approx(ref.bound.output_tok_per_s_per_package)
    assert f"batch {ref.max_batch_per_device} per package" in b.binding_roof
    (v,) = judge_claim(claim, [], HW, bounds)
    assert v.verdict == "IMPLAUSIBLE" and v.observed == b.max_value
    assert v.margin_rel == pytest.approx((b.max_value - 5000) / 5000)
    assert "exceeds the roofline bound" in v.notes[0] and "compute" in v.notes[0]


def test_a_ratio_above_the_ratio_of_roofs_is_implausible():
    claim = load_claim(FIX / "claims" / "implausible-910c-10x-h20.yaml")
    b = claim_bounds([claim], MODELS, HW)[(claim.id, "as-worded")]
    ref = ratio_bound(
        load_model("deepseek-r1"),
        load_hardware("ascend-910c"),
        load_hardware("nvidia-h20"),
        context_tokens=3072,
        precision_a=Precision("int8", "int8", "int8"),
        deployment_a=ParallelLayout(tp=1, ep=144),
        tpot_ms=50,
        spec_tokens=1,
        acceptance=0.9,
    )
    # the bound is A's own roof (per package), divided in the verdict by B's observed throughput
    assert b.kind == "numerator" and b.max_value == pytest.approx(ref.a.bound.output_tok_per_s_per_package)
    # the ratio of roofs (ref.ratio_per_package) is not the ceiling: B's observed is far below B's roof
    assert b.max_value / 675.0 > ref.ratio_per_package


def _variant(claim, **conditions):
    return claim.model_copy(update={"conditions": claim.conditions.model_copy(update=conditions)})


def test_unknowns_either_give_no_bound_with_the_reason_or_the_loosest_stated_value():
    claim = load_claim(FIX / "claims" / "implausible-h20-5000-per-card-at-50ms.yaml")
    worded = lambda c: reading_bound(c, resolved_readings(c)[0], MODELS, HW)
    assert "speculative decoding unknown" in worded(_variant(claim, speculative=None)).explanation
    dep = claim.conditions.deployment
    assert (
        "context_tokens unknown"
        in worded(_variant(claim, deployment=dep.model_copy(update={"context_tokens": None}))).explanation
    )
    assert "deployment unknown" in worded(_variant(claim, deployment=None)).explanation
    loose = worded(_variant(claim, precision=None))
    assert "precision unknown: bounded at fp8" in loose.explanation
    assert loose.max_value >= worded(claim).max_value
    cpu = worded(_variant(claim, hardware="cpu-host"))
    assert cpu.max_value is None and "cpu-host" in cpu.explanation


def test_a_stated_batch_and_a_tpot_bound_give_the_smaller_of_the_two_roofs():
    claim = load_claim(FIX / "claims" / "implausible-h20-5000-per-card-at-50ms.yaml")
    dep = claim.conditions.deployment.model_copy(update={"batch_per_device": 8})
    c8 = _variant(claim, deployment=dep)
    b = reading_bound(c8, resolved_readings(c8)[0], MODELS, HW)
    ref = decode_bound(
        load_model("deepseek-r1"),
        load_hardware("nvidia-h20"),
        batch_per_device=8,
        context_tokens=4864,
        precision=Precision("fp8", "fp8", "bf16"),
        deployment=ParallelLayout(tp=1, ep=16),
    )
    assert b.max_value == pytest.approx(ref.output_tok_per_s_per_package)
    assert "at batch 8" in b.binding_roof and "looser: " in b.explanation


def test_every_shipped_throughput_reading_has_a_bound_record_and_none_is_implausible():
    claims, errors = load_claims(DATA / "claims")
    assert errors == []
    bounds = claim_bounds(claims, MODELS, HW)
    for c in claims:
        for r in resolved_readings(c):
            if c.predicate is not None and r.metric == "output_tok_per_s":
                assert (c.id, r.reading_id) in bounds
    for c in claims:
        for v in judge_claim(c, [], HW, bounds):
            # the only implausible seed reading is the literal "one card alone", which cannot hold the model
            assert v.verdict != "IMPLAUSIBLE" or v.reading_id == "one-910c-card-alone", (c.id, v.reading_id)


def test_a_reading_whose_deployment_cannot_hold_the_model_is_implausible_with_the_memory_arithmetic():
    claim = next(c for c in load_claims(DATA / "claims")[0] if c.id == "huawei-2400-tok-s-per-card-at-50ms")
    r = next(r for r in resolved_readings(claim) if r.reading_id == "one-910c-card-alone")
    b = reading_bound(claim, r, MODELS, HW)
    # DeepSeek-R1 at INT8 (1 byte per weight) is ~625 GiB; a 910C package holds 128 GiB -> ceil(4.9) = 5
    assert b.blocking and "at least 5 packages" in b.blocking and "1 card" in b.blocking
    (v,) = [x for x in judge_claim(claim, [], HW, {(claim.id, r.reading_id): b}) if x.reading_id == r.reading_id]
    assert v.verdict == "IMPLAUSIBLE" and v.observed is None

"""Condition matching: binding differences exclude, declared basis conversions are shown."""

from dataclasses import dataclass

from claimbench.judge.matching import convert, match
from claimbench.schema.claims import ClaimConditions
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint


@dataclass
class HW:
    dies_per_package: int | None
    packages_per_node: int | None


HWS = {"ascend-910c": HW(2, 8), "ascend-910b-376t": HW(1, 8), "nvidia-h20": HW(1, 8)}


def cond(**kw):
    base = dict(
        hardware="ascend-910c",
        model="deepseek-r1",
        precision="int8",
        input_len=2048,
        output_len=2048,
        slo=None,
        speculative=None,
        concurrency=None,
        phase=None,
        deployment=None,
    )
    base.update(kw)
    return ClaimConditions(**base)


def ev(basis="card", packages=None, **kw):
    base = dict(
        hardware="ascend-910c",
        model="deepseek-r1",
        precision="int8",
        input_len=2048,
        output_len=2048,
        speculative=None,
        phase="decode-only",
    )
    base.update(kw)
    return Evidence(
        id="e",
        kind="reference",
        path=None,
        secondary=False,
        reported_by="x",
        derived=False,
        conditions=EvidenceConditions(**base),
        basis=basis,
        packages=packages,
        points=[LoadPoint(output_tok_per_s=2400.0, tpot_mean_ms=50.0)],
    )


def test_same_chip_model_precision_and_basis_is_comparable():
    m = match(cond(), "card", ev(), HWS)
    assert m.comparable and m.conversion.factor == 1.0


def test_a_different_chip_is_binding_and_names_the_dies_per_package():
    m = match(cond(hardware="ascend-910b-376t"), "card", ev(), HWS)
    assert not m.comparable
    hw = next(c for c in m.comparisons if c.name == "hardware")
    assert hw.status == "differs" and "2" in hw.note and "1" in hw.note


def test_precision_is_binding_and_w8a8_equals_int8():
    assert not match(cond(precision="fp8"), "card", ev(), HWS).comparable
    assert match(cond(precision="w8a8"), "card", ev(), HWS).comparable


def test_card_to_die_conversion_divides_by_dies_per_package_and_says_so():
    m = match(cond(), "die", ev(), HWS)
    assert m.comparable and m.conversion.factor == 0.5
    assert "2 dies" in m.conversion.explanation


def test_node_to_card_uses_the_packages_the_figure_spans():
    m = match(cond(hardware="nvidia-h20"), "card", ev(basis="node", packages=8, hardware="nvidia-h20"), HWS)
    assert m.conversion.factor == 1 / 8


def test_card_to_node_uses_packages_per_node_of_the_registry():
    c, why = convert(712.0, "card", "node", "nvidia-h20", HWS, None)
    assert c.factor == 8 and c.value == 5696.0 and "packages per node" in why


def test_a_die_figure_of_a_chip_with_unknown_dies_is_not_convertible():
    c, why = convert(1.0, "die", "card", "cpu", {"cpu": HW(None, 1)}, None)
    assert c is None and "unknown" in why


def test_conversion_is_normalize_convert_basis_with_its_explanation():
    from claimbench.judge.normalize import convert_basis
    from claimbench.load.registry import load_hardware

    c, why = convert(2400.0, "card", "die", "ascend-910c", HWS, None)
    ref = convert_basis(2400.0, "card", "die", load_hardware("ascend-910c"))
    assert (c.factor, c.value) == (ref.factor, ref.value) == (0.5, 1200.0)
    assert why == "2,400 tok/s per card ÷ 2 dies per package = 1,200 tok/s per die"


def test_a_node_figure_is_divided_by_the_packages_the_evidence_states():
    c, why = convert(5700.0, "node", "card", "nvidia-h20", HWS, 8)
    assert c.value == 712.5 and "8 packages per node (given)" in why
    c, why = convert(5700.0, "system", "card", "nvidia-h20", HWS, None)
    assert c is None and "packages_in_system" in why


def test_per_user_and_per_system_targets_do_not_convert():
    assert convert(1.0, "card", "user", "nvidia-h20", HWS, None)[0] is None
    assert convert(1.0, "card", "system", "nvidia-h20", HWS, None)[0] is None
    assert convert(3.0, "user", "user", None, HWS, None)[0].factor == 1.0


def test_lengths_beyond_the_tolerance_set_the_evidence_aside_and_lengths_within_it_match():
    m = match(cond(input_len=4096), "card", ev(), HWS)  # 4096 vs 2048: 50 % apart
    assert not m.comparable and any("input_len" in r for r in m.reasons)
    assert match(cond(input_len=2000), "card", ev(), HWS).comparable  # 2000 vs 2048: 2.3 % < 5 %


def test_unknown_claim_conditions_are_reported_as_unknown_not_as_matches():
    m = match(cond(model=None), "card", ev(), HWS)
    assert m.comparable
    assert next(c for c in m.comparisons if c.name == "model").status == "unknown"


def test_a_claim_at_a_concurrency_the_evidence_lacks_is_not_comparable():
    m = match(cond(concurrency=8), "card", ev(), HWS)
    assert not m.comparable and any("concurrency" in r for r in m.reasons)


# --- issue 11: conditions that change the number bind ---------------------------------------------
def _dep(device="die", devices=288, ep=288, batch=60):
    from claimbench.schema.claims import Deployment

    return Deployment(
        device=device, devices=devices, batch_per_device=batch, context_tokens=3072, tp=1, ep=ep, kv_precision="int8"
    )


def test_a_different_phase_sets_the_evidence_aside_and_an_unstated_one_does_not():
    m = match(cond(phase="end-to-end"), "card", ev(phase="decode-only"), HWS)
    assert not m.comparable and any(r.startswith("phase:") for r in m.reasons)
    assert match(cond(phase=None), "card", ev(phase="decode-only"), HWS).comparable


def test_speculative_none_versus_mtp_binds_and_acceptance_within_005_matches():
    mtp = {"method": "mtp", "tokens": 1, "acceptance": 0.9}
    assert not match(cond(speculative="none"), "card", ev(speculative=mtp), HWS).comparable
    near = {"method": "mtp", "tokens": 1, "acceptance": 0.87}  # |0.90 - 0.87| = 0.03 <= 0.05
    assert match(cond(speculative=mtp), "card", ev(speculative=near), HWS).comparable
    unstated = {"method": "mtp", "tokens": 1, "acceptance": None}
    m = match(cond(speculative=mtp), "card", ev(speculative=unstated), HWS)
    assert m.comparable and next(c for c in m.comparisons if c.name == "speculative").status == "unknown"


def test_deployment_scale_is_compared_in_dies_and_binds():
    # 144 packages of a 2-die chip = 288 dies: the same scale; 160 packages = 320 dies: not
    same = match(cond(deployment=_dep()), "card", ev(deployment=_dep("card", 144, 144, 120)), HWS)
    assert same.comparable
    other = match(cond(deployment=_dep()), "card", ev(deployment=_dep("card", 160, 160, 96)), HWS)
    assert not other.comparable and any("devices 288 vs 320 dies" in r for r in other.reasons)


def test_model_equivalence_comes_from_data_not_code():
    from claimbench.load.claims import load_model_equivalence

    eq = load_model_equivalence()
    assert eq["deepseek-v3"] == "deepseek-r1"
    assert match(cond(), "card", ev(model="deepseek-v3"), HWS, equivalent=eq).comparable
    assert not match(cond(), "card", ev(model="deepseek-v3"), HWS).comparable  # no table, no equivalence

"""Per-W readings on a system or facility power basis: stated tok/J on that basis decides; a chip TDP never does."""

import pytest
from pydantic import ValidationError
from verdict_builders import HW, evidence, hardware, judge, make_claim, predicate

from claimbench.schema.evidence import LoadPoint

HWS = hardware("chip-b", chip_a=HW(tdp_w=1000.0))


def per_j_claim(value, power_basis=None):
    pred = predicate(value, metric="output_tok_per_j", unit="tok/J")
    if power_basis is not None:
        pred["power_basis"] = power_basis
    return make_claim(pred=pred)


def stated_j(eid, tok_per_j, power_basis):
    pt = LoadPoint(
        level="L", output_tok_per_s=3000.0, tpot_mean_ms=50.0, output_tok_per_j=tok_per_j, power_basis=power_basis
    )
    return evidence(eid, [pt])


def test_a_stated_system_tok_per_j_decides_a_system_claim():
    v = judge(per_j_claim(1.5, "system"), [stated_j("s", 1.8, "system")], HWS)
    assert (v.verdict, v.observed) == ("SUPPORTED", 1.8)
    assert judge(per_j_claim(2.0, "system"), [stated_j("s", 1.8, "system")], HWS).verdict == "REFUTED"


def test_a_facility_figure_does_not_decide_a_system_claim_and_the_tdp_reading_decides_nothing():
    # 3000 tok/s / 1000 W TDP = 3.0 tok/J per chip: over the claimed 2.0, yet no system power is known
    v = judge(per_j_claim(2.0, "system"), [stated_j("f", 1.0, "facility")], HWS)
    assert v.verdict == "INCONCLUSIVE"
    assert "upper bound of tok/J on the system basis" in v.why
    assert v.what_would_decide[0].startswith("The system power")


def test_a_chip_tdp_reading_that_would_refute_a_system_claim_says_so_without_refuting():
    v = judge(per_j_claim(4.0, "system"), [evidence("t", thr=3000.0)], HWS)  # 3.0 tok/J at TDP < 4.0
    assert v.verdict == "INCONCLUSIVE" and v.indicative == pytest.approx(3.0)
    assert any("would be REFUTED" in n for n in v.notes)


def test_a_chip_claim_is_still_read_per_tdp():
    assert judge(per_j_claim(2.0), [evidence("t", thr=3000.0)], HWS).verdict == "SUPPORTED"


def test_a_stated_chip_tok_per_j_decides_a_chip_claim_before_the_tdp():
    v = judge(per_j_claim(2.0), [stated_j("c", 1.2, "chip")], HWS)
    assert (v.verdict, v.observed) == ("REFUTED", 1.2)


def test_a_system_claim_without_a_system_figure_or_a_tdp_is_unverifiable_and_names_the_figure():
    pred = {**predicate(2.0, metric="output_tok_per_j", unit="tok/J"), "power_basis": "system"}
    c = make_claim(pred=pred, conditions={"hardware": "chip-b"})  # chip-b has no TDP in the registry
    v = judge(c, [evidence("t", thr=3000.0, conditions={"hardware": "chip-b"})], HWS)
    assert v.verdict == "UNVERIFIABLE" and "the system power" in v.why


def test_a_power_basis_goes_with_a_per_watt_metric_only():
    with pytest.raises(ValidationError, match="power_basis: only with metric"):
        make_claim(pred={**predicate(1000.0), "power_basis": "system"})

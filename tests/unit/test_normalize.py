"""Normalization pinned on published per-node -> per-chip -> per-die conversions."""

from __future__ import annotations

import pytest

from claimbench.errors import UserError
from claimbench.judge.normalize import convert_basis, normalize
from claimbench.load.registry import load_hardware, prices_for


def _row(df, form):
    return df.filter(df["form"] == form).to_dicts()[0]


def test_lmsys_22282_per_node_is_2785_per_h100():
    c = convert_basis(22_282, "node", "card", load_hardware("nvidia-h100-sxm"))
    assert c.value == pytest.approx(2_785.25)
    assert c.factor == pytest.approx(1 / 8)
    assert "22,282 tok/s per node ÷ 8 packages per node" in c.explanation and "2,785.25" in c.explanation


def test_deepseek_14800_per_h800_node_is_1850_per_gpu():
    assert convert_basis(14_800, "node", "card", load_hardware("nvidia-h800-sxm")).value == pytest.approx(1_850)


def test_cloudmatrix_2400_per_910c_is_1200_per_die():
    c = convert_basis(2_400, "card", "die", load_hardware("ascend-910c"))
    assert c.value == 1_200
    assert c.explanation == "2,400 tok/s per card ÷ 2 dies per package = 1,200 tok/s per die"


def test_cloudmatrix_1943_per_npu_is_971_5_per_die():
    c = convert_basis(1_943, "card", "die", load_hardware("ascend-910c"))
    assert c.explanation == "1,943 tok/s per card ÷ 2 dies per package = 971.5 tok/s per die"


def test_per_die_back_to_per_card_multiplies():
    assert convert_basis(1_200, "die", "card", load_hardware("ascend-910c")).value == 2_400


def test_node_to_die_goes_through_the_card_and_says_both_steps():
    c = convert_basis(19_200, "node", "die", load_hardware("ascend-910c"))
    assert c.value == 1_200 and "÷ 8 packages per node" in c.explanation and "÷ 2 dies per package" in c.explanation


def test_an_explicit_packages_per_node_wins_over_the_registry_and_is_marked_given():
    c = convert_basis(16_000, "node", "card", load_hardware("nvidia-h20"), packages_per_node=16)
    assert c.value == 1_000 and "(given)" in c.explanation


def test_system_basis_needs_the_package_count():
    with pytest.raises(UserError, match="packages_in_system"):
        convert_basis(345_000, "system", "card", load_hardware("ascend-910c"))
    c = convert_basis(345_600, "system", "card", load_hardware("ascend-910c"), packages_in_system=144)
    assert c.value == pytest.approx(2_400)


def test_normalize_returns_one_row_per_form_with_explanations():
    df = normalize(2_400, "card", load_hardware("ascend-910c"), "int8", tpot_ms=50)
    assert set(df.columns) >= {"form", "value", "unit", "explanation", "factor", "reason"}
    assert _row(df, "per_die")["value"] == 1_200
    assert _row(df, "per_dense_tflop")["value"] == pytest.approx(2_400 / 1_504)
    assert _row(df, "tok_per_s_per_user")["value"] == 20
    assert _row(df, "implied_concurrency_per_card")["value"] == 120


def test_unknown_figures_are_null_with_a_reason_never_zero():
    df = normalize(2_400, "card", load_hardware("ascend-910c"), "int8")
    tdp = _row(df, "per_watt_tdp")
    assert tdp["value"] is None and "TDP unknown" in tdp["reason"]
    assert _row(df, "per_usd_hour")["value"] is None


def test_cpu_host_still_normalizes_per_card_and_per_node():
    df = normalize(12.5, "card", load_hardware("cpu-host"))
    assert _row(df, "per_card")["value"] == 12.5
    assert _row(df, "per_node")["value"] == 12.5
    assert _row(df, "per_die")["value"] is None
    assert _row(df, "per_dense_tflop")["value"] is None


def test_fp8_on_ascend_is_a_user_error():
    with pytest.raises(UserError, match="no native fp8"):
        normalize(2_400, "card", load_hardware("ascend-910c"), "fp8")


def test_negative_or_non_numeric_values_are_user_errors():
    with pytest.raises(UserError):
        normalize(-5, "card", load_hardware("nvidia-h20"))
    with pytest.raises(UserError):
        convert_basis(float("nan"), "card", "die", load_hardware("nvidia-h20"))
    with pytest.raises(UserError, match="did you mean 'card'"):
        normalize(5, "crad", load_hardware("nvidia-h20"))


def test_a_user_price_wins_over_the_price_table():
    h100 = load_hardware("nvidia-h100-sxm")
    df = normalize(2_785.25, "card", h100, "fp8", usd_per_package_hour=2.0, prices=prices_for(h100.id))
    rows = df.filter(df["form"] == "per_usd_hour").to_dicts()
    assert len(rows) == 1 and "user-given" in rows[0]["explanation"]
    cost = _row(df, "usd_per_million_tokens")["value"]
    assert cost == pytest.approx(2.0 / (2_785.25 * 3600) * 1e6)


def test_sourced_prices_each_give_a_row_with_provider_and_date():
    h100 = load_hardware("nvidia-h100-sxm")
    df = normalize(1_000, "card", h100, "fp8", prices=prices_for(h100.id))
    rows = df.filter(df["form"] == "per_usd_hour").to_dicts()
    assert len(rows) == 2 and all("2026-04-22" in r["explanation"] for r in rows)


def test_measured_power_gives_tokens_per_joule():
    df = normalize(1_000, "card", load_hardware("nvidia-h20"), "fp8", measured_power_w_per_package=250)
    assert _row(df, "per_watt_measured")["value"] == 4
    assert _row(df, "per_watt_tdp")["value"] == 2.5

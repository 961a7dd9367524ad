"""One rule-layer helper for every layered chart (no empty layer, so no Vega warning), and one price
table for the verdicts and the report's independent frontier."""

from __future__ import annotations

import polars as pl
import pytest

from claimbench.judge.verdict.derived import PriceQuote, lowest_price_quotes
from claimbench.load.registry import list_price_tables
from claimbench.report import charts
from claimbench.schema.hardware import PriceTable


def _frontier(claimed_a: float | None, claimed_b: float | None) -> pl.DataFrame:
    rows = []
    for cid, claimed in (("a", claimed_a), ("b", claimed_b)):
        for rnd, value in (("v5.1", 10.0), ("v6.0", 12.0)):
            rows.append(
                {
                    "claim_id": cid,
                    "form": "per_accelerator",
                    "unit": "tok/s per accelerator",
                    "round": rnd,
                    "hardware": "nvidia-b200",
                    "value": value,
                    "scenario": "Offline",
                    "publisher": "x",
                    "evidence_id": f"e-{rnd}",
                    "claimed": claimed,
                }
            )
    return pl.DataFrame(rows)


def _layers(spec: dict) -> list[list[dict]]:
    return [panel["layer"] for panel in spec["vconcat"]]


def test_a_facet_with_no_claimed_value_has_no_rule_layer_and_no_empty_layer():
    spec = charts.independent_frontier_chart(_frontier(11.0, None)).to_dict()
    with_claim, without = _layers(spec)
    assert [lay["mark"]["type"] for lay in with_claim] == ["line", "rule"]
    assert [lay["mark"]["type"] for lay in without] == ["line"]  # the claim stated no per-card value


def test_no_claimed_value_anywhere_gives_no_rule_in_any_panel():
    spec = charts.independent_frontier_chart(_frontier(None, None)).to_dict()
    assert all(lay["mark"]["type"] != "rule" for panel in _layers(spec) for lay in panel)


def test_the_rule_helper_returns_a_layer_only_when_the_field_has_a_value():
    alt = pytest.importorskip("altair")
    frame = pl.DataFrame({"x": [1.0, 2.0], "lo": [None, 0.5]})
    base = alt.Chart(charts._data(frame))
    assert charts.rule_layers(base, frame.with_columns(pl.lit(None).alias("lo")), "lo", x="lo:Q") == []
    assert charts.rule_layers(base, frame, "missing_column", x="lo:Q") == []
    (layer,) = charts.rule_layers(base, frame, "lo", {"color": "red"}, x="lo:Q")
    spec = layer.to_dict()
    assert spec["mark"] == {"type": "rule", "color": "red"}
    assert spec["transform"] == [{"filter": "datum.lo != null"}]


def test_the_lowest_price_per_chip_is_kept_with_where_it_is_listed():
    table = PriceTable.model_validate(
        {
            "id": "t",
            "prices": [
                {
                    "hardware": "h",
                    "usd_per_package_hour": 3.0,
                    "provider": "P",
                    "offering": "o1",
                    "date": "2026-01",
                    "source": "s",
                },
                {
                    "hardware": "h",
                    "usd_per_package_hour": 2.5,
                    "provider": "Q",
                    "offering": "o2",
                    "date": "2026-02",
                    "source": "s",
                },
            ],
            "sources": [{"id": "s", "url": "https://example.org/p", "says": "x", "fields": ["usd_per_package_hour"]}],
        }
    )
    (price,) = lowest_price_quotes([table]).values()
    assert isinstance(price, PriceQuote) and price == 2.5
    assert price.source == "Q, o2, 2026-02, https://example.org/p"


def test_the_report_frontier_prices_each_chip_as_the_verdicts_do():
    from claimbench.report import steps

    prices = lowest_price_quotes(list_price_tables())
    f = steps.independent_frontier()
    wide = f.filter(pl.col("form").is_in(["per_accelerator", "per_usd"])).pivot(
        on="form", index=["claim_id", "round", "hardware"], values="value"
    )
    priced = wide.filter(pl.col("per_usd").is_not_null())
    assert priced.height > 0
    for hw, per_acc, per_usd in priced.select("hardware", "per_accelerator", "per_usd").iter_rows():
        assert per_usd == pytest.approx(per_acc * 3600.0 / prices[hw])  # tok/s per card × 3600 s / USD per hour

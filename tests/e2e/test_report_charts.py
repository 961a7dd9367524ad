"""Charts for people: PNG beside SVG, the spec JupyterLab can draw, alt text, no truncated labels,
like-with-like panels; the report's figure HTML, tables, request timeline and provenance."""

import base64
import json

import polars as pl
import pytest
import vl_convert as vlc

from claimbench.report import charts, nbhelpers
from claimbench.report.pipeline import _prepare_for_html, chart_figure_html


def frontier():
    return pl.DataFrame(
        {
            "level": [0, 1],
            "concurrency": [1, 4],
            "interactivity_p50_tok_per_s_per_user": [50.0, 30.0],
            "output_tok_per_s": [50.0, 120.0],
        }
    )


def cmp_rows():
    return pl.DataFrame(
        {
            "group": ["g1", "g1", "g2"],
            "label": ["a", "b", "c"],
            "hardware": ["nvidia-h20", "ascend-910c", "nvidia-b200"],
            "form": ["per_card"] * 3,
            "value": [1.0, 2.0, 9.0],
            "unit": ["tok/s"] * 3,
        }
    )


def test_a_chart_output_carries_png_svg_the_vega_lite_spec_and_its_description():
    chart = charts.frontier_chart(frontier(), 50)
    data, meta = nbhelpers.chart_bundle(chart, "frontier")
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert data["image/svg+xml"].lstrip().startswith("<svg")
    spec = data[nbhelpers.VEGALITE_MIME]
    assert spec["$schema"].endswith("/v5.json")
    alt = meta[nbhelpers.CHART_METADATA_KEY]["alt"]
    assert alt.startswith("Line chart of output tokens per second") and "2 levels" in alt and "50 ms" in alt
    assert data["text/plain"] == f"Chart: {alt}" and meta["image/png"]["alt"] == alt


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.frontier_chart(frontier(), 50),
        lambda: charts.normalized_chart(cmp_rows(), "per_card"),
        lambda: charts.pareto_chart(
            pl.DataFrame(
                {
                    "evidence_id": ["e"],
                    "label": ["e"],
                    "model": ["m"],
                    "hardware": ["nvidia-h20"],
                    "source": ["published"],
                    "input_len": [1],
                    "output_len": [2],
                    "tok_s_per_user": [20.0],
                    "per_card": [100.0],
                    "per_die": [50.0],
                }
            ),
            pl.DataFrame(
                {
                    "claim_id": ["c"],
                    "model": ["m"],
                    "hardware": ["nvidia-h20"],
                    "tok_s_per_user": [20.0],
                    "per_card": [200.0],
                    "per_die": [100.0],
                }
            ),
        ),
        lambda: charts.latency_cdf_chart(
            pl.DataFrame({"metric": ["ttft_ms"] * 2, "level": [0, 0], "value_ms": [1.0, 2.0], "fraction": [0.5, 1.0]}),
            "ttft_ms",
        ),
        lambda: charts.request_timeline_chart(
            pl.DataFrame(
                {
                    "level": ["level 0"],
                    "order": [0],
                    "sent_s": [0.0],
                    "first_token_s": [0.1],
                    "done_s": [0.5],
                    "ok": [True],
                }
            )
        ),
        lambda: charts.claim_card_chart(
            {
                "id": "c",
                "readings": [
                    {
                        "reading": "r",
                        "basis": "card",
                        "unit": "tok/s",
                        "claimed": 10.0,
                        "verdict": "SUPPORTED",
                        "evidence_used": [
                            {"evidence_id": "e", "observed": 12.0, "outcome": "SUPPORTED", "interval": [11.0, 13.0]}
                        ],
                    }
                ],
            }
        ),
        lambda: charts.claim_evidence_chart(
            pl.DataFrame(
                {
                    "claim_id": ["c"],
                    "reading": ["r"],
                    "verdict": ["REFUTED"],
                    "claimed": [10.0],
                    "observed": [5.0],
                    "ci_low": [4.0],
                    "ci_high": [6.0],
                    "unit": ["tok/s"],
                    "basis": ["card"],
                }
            )
        ),
        lambda: charts.roofline_chart(
            pl.DataFrame(
                {
                    "claim_id": ["c"],
                    "reading": ["r"],
                    "bound_value": [100.0],
                    "claimed": [120.0],
                    "binding_roof": ["memory"],
                }
            )
        ),
    ],
)
def test_the_spec_given_to_jupyterlab_compiles_with_its_vega_lite_5(make):
    data, _ = nbhelpers.chart_bundle(make(), "x")
    svg = vlc.vegalite_to_svg(data[nbhelpers.VEGALITE_MIME], vl_version=nbhelpers.JUPYTERLAB_VL_VERSION)
    assert "<svg" in svg


def test_axis_and_legend_labels_are_never_truncated():
    spec = nbhelpers.chart_spec(charts.frontier_chart(frontier()))
    assert spec["config"]["axis"]["labelLimit"] == 0 and spec["config"]["legend"]["labelLimit"] == 0


def test_bars_are_ranked_only_within_a_group_and_single_member_groups_are_left_to_the_table():
    spec = nbhelpers.chart_spec(charts.normalized_chart(cmp_rows(), "per_card"))
    panels = spec["vconcat"]
    assert len(panels) == 1 and panels[0]["title"] == "g1"
    data = panels[0].get("data") or spec["data"]  # altair hoists a single shared dataset to the top
    assert {r["label"] for r in data["values"]} == {"a", "b"}
    assert "1 more groups hold a single result" in spec["description"]
    assert charts.normalized_chart(cmp_rows().filter(pl.col("group") == "g2"), "per_card") is None


def test_hardware_keeps_its_colour_whatever_the_panel():
    c = charts.hardware_color(["nvidia-h20", "ascend-910c", "nvidia-h20"]).to_dict()
    assert c["scale"]["domain"] == ["ascend-910c", "nvidia-h20"]
    assert c["scale"]["range"] == charts.PALETTE[:2]


def test_tables_align_numbers_right_text_left_and_can_group_rows():
    html = nbhelpers.html_table(
        pl.DataFrame({"g": ["x", "x", "y"], "name": ["a", "b", "c"], "v": [1.0, 2.0, 3.0]}), group_by="g"
    )
    assert '<th>name</th><th class="cb-num">v</th>' in html
    assert '<td>a</td><td class="cb-num">1</td>' in html
    assert html.count('<tr class="cb-group">') == 2 and "<th>g</th>" not in html


def test_the_report_figure_is_the_svg_with_alt_text_and_a_spec_no_string_can_break_out_of():
    chart = charts.frontier_chart(frontier(), title="</script><script>alert(1)</script>")
    data, meta = nbhelpers.chart_bundle(chart, "f")
    fig = chart_figure_html(data, meta)
    assert fig.count("<script") == 1 and "alert(1)</script>" not in fig
    assert (
        'alt="Line chart of output tokens per second' in fig
        and '<img class="cb-static" src="data:image/svg+xml;base64,' in fig
    )
    spec = json.loads(fig.split('class="cb-spec">')[1].split("</script>")[0])
    assert spec["$schema"] == meta[nbhelpers.CHART_METADATA_KEY]["spec_schema"]  # the report draws with Vega-Lite 6
    assert spec["title"] == "</script><script>alert(1)</script>"  # the text survives, escaped


def test_chart_outputs_of_a_notebook_become_figures_and_other_outputs_stay():
    import nbformat

    data, meta = nbhelpers.chart_bundle(charts.frontier_chart(frontier()), "f")
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=data, metadata=meta),
        nbformat.v4.new_output("display_data", data={"text/html": "<p>t</p>"}),
    ]
    book.cells.append(cell)
    assert _prepare_for_html(book) == 1
    assert list(cell.outputs[0]["data"]) == ["text/html"] and "cb-chart" in cell.outputs[0]["data"]["text/html"]
    assert cell.outputs[1]["data"]["text/html"] == "<p>t</p>"


def test_the_request_timeline_puts_each_level_on_its_own_clock_without_warmup():
    from claimbench.report.steps import Runs, request_timeline

    req = pl.DataFrame(
        {
            "request_id": ["w", "a", "b", "c"],
            "level": [0, 0, 0, 1],
            "warmup": [True, False, False, False],
            "sent_s": [0.0, 1.0, 1.5, 10.0],
            "first_token_s": [0.1, 1.2, 1.6, 10.3],
            "done_s": [0.5, 2.0, 2.5, 11.0],
            "ok": [True, True, False, True],
        }
    )
    t = request_timeline(Runs(req, pl.DataFrame(), []))
    assert t["request_id"].to_list() == ["a", "b", "c"]
    assert t["level"].to_list() == ["level 0", "level 0", "level 1"]
    assert t["sent_s"].to_list() == [0.0, 0.5, 0.0]
    assert t["done_s"].to_list() == pytest.approx([1.0, 1.5, 1.0])
    assert t["ttft_ms"].to_list() == pytest.approx([200.0, 100.0, 300.0])
    assert t["order"].to_list() == [0, 1, 0]
    assert (
        charts.request_timeline_chart(t).to_dict()["description"].startswith("Timeline of 3 requests in 2 load levels")
    )


def test_export_only_columns_reach_the_paper_kit_but_not_the_page(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(nbhelpers, "_display", lambda obj: shown.append(obj.data))
    nbhelpers.setup(tmp_path)
    try:
        frame = pl.DataFrame({"group": ["g"], "label": ["a"], "model": ["deepseek-r1"], "value": [1.5]})
        nbhelpers.show_table(frame, "ranked", group_by="group", export_only=("model",))
    finally:
        nbhelpers.setup(None)
    assert "deepseek-r1" not in shown[0] and '<tr class="cb-group"><th colspan="2">g</th></tr>' in shown[0]
    assert (tmp_path / "ranked.csv").read_text() == "group,label,model,value\ng,a,deepseek-r1,1.5\n"
    assert "deepseek-r1" in (tmp_path / "ranked.tex").read_text()

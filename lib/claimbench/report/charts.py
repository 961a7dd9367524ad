"""Altair charts with one theme (frames in, chart specs out; nothing is rendered or saved here).

Rendering for reports is static SVG through vl-convert (see :mod:`claimbench.report.nbhelpers`), so
charts draw with no network.
"""

from __future__ import annotations

import polars as pl

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
PALETTE = ["#1f5fa8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#30638e", "#a44a3f"]
VERDICT_COLORS = {
    "SUPPORTED": "#2e7d32",
    "REFUTED": "#c62828",
    "INCONCLUSIVE": "#f9a825",
    "NOT-COMPARABLE": "#757575",
    "IMPLAUSIBLE": "#6a1b9a",
    "UNVERIFIABLE": "#9e9e9e",
}
WIDTH, HEIGHT = 520, 300


def _alt():
    import altair as alt

    return alt


def themed(chart):
    """Apply the claimbench theme to a chart (fonts, palette, sizes)."""
    return (
        chart.configure(font=FONT, background="white")
        .configure_range(category=PALETTE)
        .configure_axis(labelFontSize=11, titleFontSize=12, gridColor="#e6e6e6")
        .configure_title(fontSize=14, anchor="start")
        .configure_legend(labelFontSize=11, titleFontSize=11)
        .configure_view(stroke=None)
    )


def _data(frame: pl.DataFrame):
    # plain records: altair serializes them inline into the spec (no pandas, no files)
    return _alt().Data(values=frame.to_dicts())


def _tips(frame: pl.DataFrame, cols) -> list:
    """Tooltips with explicit types (data are plain records, so altair cannot infer them)."""
    alt = _alt()
    out = []
    for c in cols:
        if c in frame.columns:
            out.append(alt.Tooltip(f"{c}:{'Q' if frame.schema[c].is_numeric() else 'N'}"))
    return out


def frontier_chart(frontier: pl.DataFrame, slo_tpot_ms: float | None = None, title: str | None = None):
    """Output tok/s vs interactivity (tok/s/user), one point per level; the SLO as a vertical rule."""
    alt = _alt()
    color = (
        alt.Color("run_id:N", title="run")
        if "run_id" in frontier.columns and frontier["run_id"].n_unique() > 1
        else alt.value(PALETTE[0])
    )
    base = alt.Chart(_data(frontier.drop_nulls(["interactivity_tok_per_s_per_user", "output_tok_per_s"])))
    enc = dict(
        x=alt.X("interactivity_tok_per_s_per_user:Q", title="interactivity (output tok/s per user = 1000 / TPOT p50)"),
        y=alt.Y("output_tok_per_s:Q", title="output tok/s (all requests)"),
        color=color,
        tooltip=_tips(frontier, ("level", "concurrency", "request_rate", "output_tok_per_s", "tpot_ms", "ttft_ms")),
    )
    layers = [base.mark_line(point=True).encode(**enc, order="level:Q")]
    if "concurrency" in frontier.columns:
        layers.append(
            base.mark_text(dy=-10, fontSize=10).encode(x=enc["x"], y=enc["y"], text=alt.Text("concurrency:Q"))
        )
    if slo_tpot_ms:
        rule = pl.DataFrame({"x": [1000.0 / slo_tpot_ms], "label": [f"TPOT ≤ {slo_tpot_ms:g} ms"]})
        r = alt.Chart(_data(rule))
        layers += [
            r.mark_rule(color="#c62828", strokeDash=[4, 3]).encode(x="x:Q"),
            r.mark_text(align="left", dx=4, dy=-120, color="#c62828").encode(x="x:Q", text="label:N"),
        ]
    return alt.layer(*layers).properties(
        width=WIDTH, height=HEIGHT, title=title or "Throughput vs interactivity (SLO side: right of the line)"
    )


def latency_cdf_chart(ecdf_frame: pl.DataFrame, metric: str, title: str | None = None):
    """Empirical CDF of one latency metric, one line per level."""
    alt = _alt()
    data = ecdf_frame.filter(pl.col("metric") == metric)
    return (
        alt.Chart(_data(data))
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("value_ms:Q", title=f"{metric.replace('_ms', '').upper()} (ms)", scale=alt.Scale(type="log")),
            y=alt.Y("fraction:Q", title="fraction of requests ≤ x", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("level:N", title="level"),
        )
        .properties(
            width=WIDTH, height=220, title=title or f"{metric.replace('_ms', '').upper()} distribution per load level"
        )
    )


def normalized_chart(frame: pl.DataFrame, form: str, title: str | None = None):
    """Horizontal bars of one normalized form (e.g. 'per die'), labelled with the source's basis."""
    alt = _alt()
    data = frame.filter(pl.col("form") == form).drop_nulls("value")
    return (
        alt.Chart(_data(data))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=f"{form} ({data['unit'][0] if data.height else ''})"),
            color=alt.Color("hardware:N", title="hardware"),
            tooltip=_tips(data, ("label", "value", "unit", "source_basis", "explanation")),
        )
        .properties(
            width=WIDTH,
            height=max(60, 22 * data.height),
            title=title or f"Throughput {form} (source basis in the label)",
        )
    )


def claim_evidence_chart(verdicts: pl.DataFrame, title: str | None = None):
    """Claimed value vs observed value per claim reading (log scale), with CI whiskers."""
    alt = _alt()
    data = verdicts.filter(pl.col("claimed").is_not_null() & pl.col("observed").is_not_null()).with_columns(
        row=pl.col("claim_id") + " / " + pl.col("reading")
    )
    base = alt.Chart(_data(data))
    y = alt.Y("row:N", title=None)
    claimed = base.mark_tick(color="black", thickness=2, size=16).encode(
        x=alt.X("claimed:Q", scale=alt.Scale(type="log"), title="value (claim's unit; log scale)"), y=y
    )
    observed = base.mark_point(filled=True, size=70).encode(
        x="observed:Q",
        y=y,
        color=alt.Color("verdict:N", scale=alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))),
        tooltip=_tips(
            data, ("claim_id", "reading", "verdict", "claimed", "observed", "ci_low", "ci_high", "unit", "basis")
        ),
    )
    whiskers = base.transform_filter("datum.ci_low != null").mark_rule().encode(x="ci_low:Q", x2="ci_high:Q", y=y)
    return alt.layer(claimed, whiskers, observed).properties(
        width=WIDTH, height=max(80, 24 * data.height), title=title or "Claim (tick) vs evidence (dot, CI whisker)"
    )


def roofline_chart(bounds: pl.DataFrame, title: str | None = None):
    """Claimed per-card value against its roofline upper bound, per claim reading."""
    alt = _alt()
    data = bounds.drop_nulls(["bound_value"]).with_columns(row=pl.col("claim_id") + " / " + pl.col("reading"))
    base = alt.Chart(_data(data))
    y = alt.Y("row:N", title=None)
    bars = base.mark_bar(color="#cfd8dc").encode(
        x=alt.X("bound_value:Q", title="output tok/s in the reading's basis (bar: roofline bound)"),
        y=y,
        tooltip=_tips(data, ("claim_id", "reading", "bound_value", "binding_roof", "claimed")),
    )
    ticks = base.mark_tick(color="#c62828", thickness=3, size=18).encode(x="claimed:Q", y=y)
    return alt.layer(bars, ticks).properties(
        width=WIDTH, height=max(80, 26 * data.height), title=title or "Claimed value (red) vs physical bound (bar)"
    )

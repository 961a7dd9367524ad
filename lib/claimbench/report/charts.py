"""Altair charts with one theme (frames in, chart specs out; nothing is rendered or saved here).

Every chart carries a ``description`` (what it shows, in words, with its data's extent): it becomes
the alt text of the static image and the caption for screen readers. Rendering is done by
:mod:`claimbench.report.nbhelpers`: static SVG and PNG through vl-convert, and the spec itself for
interactive views (JupyterLab's built-in Vega renderer, or the Vega bundle a report ships locally).
"""

from __future__ import annotations

import math

import polars as pl

from claimbench.analyze.metrics import interactivity_tok_per_s

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
        .configure_axis(labelFontSize=11, titleFontSize=12, gridColor="#e6e6e6", labelLimit=0, titleLimit=0)
        .configure_title(fontSize=14, anchor="start", limit=0)
        .configure_legend(labelFontSize=11, titleFontSize=11, labelLimit=0, titleLimit=0)
        .configure_header(labelLimit=0, titleLimit=0, labelFontSize=12, labelAnchor="start")
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


def rule_layers(base, frame: pl.DataFrame, field: str, mark: dict | None = None, **encode) -> list:
    """A rule layer drawn only on the rows of ``frame`` where ``field`` is set, as a list: empty when no row
    has it. Every layered or faceted chart adds its rules through this, because a layer with no data
    (a facet or claim with no claimed value, a reading with no interval) makes Vega warn of an infinite
    extent."""
    if frame.height == 0 or field not in frame.columns or frame[field].drop_nulls().len() == 0:
        return []
    return [base.transform_filter(f"datum.{field} != null").mark_rule(**(mark or {})).encode(**encode)]


def hardware_color(ids, title: str = "hardware"):
    """One colour per hardware id, fixed by the sorted ids given (the same across a page's charts
    when they are given the same frame)."""
    alt = _alt()
    domain = sorted({i for i in ids if i})
    rng = [PALETTE[i % len(PALETTE)] for i in range(len(domain))]
    return alt.Color("hardware:N", title=title, scale=alt.Scale(domain=domain, range=rng))


def _n(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _extent(frame: pl.DataFrame, col: str) -> str:
    vals: pl.Series | list[float] = frame[col].drop_nulls() if col in frame.columns else []
    return f"{_n(min(vals))} to {_n(max(vals))}" if len(vals) else "no values"


def frontier_chart(frontier: pl.DataFrame, slo_tpot_ms: float | None = None, title: str | None = None):
    """Output tok/s vs interactivity (tok/s/user), one point per level; the SLO as a vertical rule."""
    alt = _alt()
    color = (
        alt.Color("run_id:N", title="run")
        if "run_id" in frontier.columns and frontier["run_id"].n_unique() > 1
        else alt.value(PALETTE[0])
    )
    x = next(
        (c for c in frontier.columns if c.startswith("interactivity_") and c.endswith("_tok_per_s_per_user")), None
    )
    p = x.split("_")[1] if x else "p50"
    data = frontier.drop_nulls([x, "output_tok_per_s"]) if x else frontier.clear()
    base = alt.Chart(_data(data))
    enc = dict(
        x=alt.X(f"{x}:Q", title=f"interactivity (output tok/s per user = 1000 / TPOT {p})"),
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
        rule = pl.DataFrame({"x": [interactivity_tok_per_s(slo_tpot_ms)], "label": [f"TPOT ≤ {slo_tpot_ms:g} ms"]})
        r = alt.Chart(_data(rule))
        layers += [
            r.mark_rule(color="#c62828", strokeDash=[4, 3]).encode(x="x:Q"),
            r.mark_text(align="left", dx=4, dy=-120, color="#c62828").encode(x="x:Q", text="label:N"),
        ]
    desc = (
        f"Line chart of output tokens per second against tokens per second per user, one point per load level "
        f"({data.height} levels); throughput from {_extent(data, 'output_tok_per_s')} tok/s, interactivity from "
        f"{_extent(data, x) if x else 'no'} tok/s per user"
        + (f"; the TPOT SLO of {slo_tpot_ms:g} ms is a dashed vertical line." if slo_tpot_ms else ".")
    )
    return alt.layer(*layers).properties(
        width=WIDTH,
        height=HEIGHT,
        title=title or "Throughput vs interactivity (SLO side: right of the line)",
        description=desc,
    )


def latency_cdf_chart(ecdf_frame: pl.DataFrame, metric: str, title: str | None = None):
    """Empirical CDF of one latency metric, one line per level."""
    alt = _alt()
    data = ecdf_frame.filter(pl.col("metric") == metric)
    name = metric.replace("_ms", "").upper()
    levels = data["level"].n_unique() if data.height else 0
    return (
        alt.Chart(_data(data))
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("value_ms:Q", title=f"{name} (ms)", scale=alt.Scale(type="log")),
            y=alt.Y("fraction:Q", title="fraction of requests ≤ x", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "level:N",
                title="load",
                sort=data["level"].unique(maintain_order=True).to_list() if data.height else None,
            ),
            tooltip=_tips(data, ("level", "value_ms", "fraction")),
        )
        .properties(
            width=WIDTH,
            height=220,
            title=title or f"{name} distribution per load level",
            description=(
                f"Cumulative distribution of {name} per request, one step line per load level ({levels} levels); "
                f"values from {_extent(data, 'value_ms')} ms on a log axis."
            ),
        )
    )


def request_timeline_chart(timeline: pl.DataFrame, title: str | None = None):
    """Per level, one row per request: waiting for the first token (send → first token) and decoding
    (first → last token), on the level's own clock (seconds from its first send)."""
    alt = _alt()
    data = timeline.drop_nulls(["sent_s", "done_s"])
    base = alt.Chart().encode(
        y=alt.Y("order:O", title="request (in send order)", axis=alt.Axis(labels=False, ticks=False)),
        tooltip=_tips(data, ("level", "request_id", "sent_s", "first_token_s", "done_s", "ttft_ms", "output_tokens")),
    )
    wait = base.mark_bar(height=3, color="#edae49").encode(
        x=alt.X("sent_s:Q", title="seconds since the level's first request was sent"), x2="first_token_s:Q"
    )
    decode = base.mark_bar(height=3).encode(
        x="first_token_s:Q",
        x2="done_s:Q",
        color=alt.condition("datum.ok", alt.value(PALETTE[0]), alt.value("#c62828")),
    )
    levels = data["level"].n_unique() if data.height else 0
    return (
        alt.layer(wait, decode, data=_data(data))
        .properties(width=WIDTH, height=max(60, min(260, 4 * (data.height // max(levels, 1)))))
        .facet(row=alt.Row("level:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")))
        .resolve_scale(y="independent", x="independent")
        .properties(
            title=title or "Request timeline per level (orange: waiting for the first token; blue: decoding)",
            description=(
                f"Timeline of {data.height} requests in {levels} load levels: for each request a bar from its send "
                "time to its first token (orange) and from the first to the last token (blue, red for a failed "
                "request)."
            ),
        )
    )


def normalized_chart(frame: pl.DataFrame, form: str, title: str | None = None):
    """Horizontal bars of one normalized form (e.g. 'per_die'): one panel per like-with-like group
    (model, precision, ISL/OSL, speculative decoding, phase) that holds more than one result, ranked
    only within its panel. A group with a single result has nothing to be ranked against: it is
    left to the table. None when no group has two results."""
    alt = _alt()
    color = hardware_color(frame["hardware"].to_list() if "hardware" in frame.columns else [])
    data = frame.filter(pl.col("form") == form).drop_nulls("value")
    unit = data["unit"][0] if data.height else ""
    if "group" not in data.columns:
        data = data.with_columns(group=pl.lit("all"))
    sizes = data.group_by("group").len()
    multi = sorted(sizes.filter(pl.col("len") > 1)["group"].to_list())
    single = sizes.height - len(multi)
    if not multi:
        return None
    panels = []
    for g in multi:
        d = data.filter(pl.col("group") == g)
        panel_unit = d["unit"][0]  # the panel's own (e.g. per dense fp8 TFLOPS on an fp8 panel)
        panels.append(
            alt.Chart(_data(d))
            .mark_bar()
            .encode(
                y=alt.Y("label:N", title=None, sort="-x"),
                x=alt.X("value:Q", title=f"{form.replace('_', ' ')} ({panel_unit})"),
                color=color,
                tooltip=_tips(
                    d, ("label", "hardware", "value", "unit", "source_basis", "operating_point", "explanation")
                ),
            )
            .properties(width=WIDTH - 120, height=max(24, 22 * d.height), title=g)
        )
    desc = (
        f"Bar charts of output throughput {form.replace('_', ' ')} ({unit}), one panel per group of equal model, "
        f"precision, input/output lengths, speculative decoding and phase that holds more than one result "
        f"({len(multi)} groups; {single} more groups hold a single result and are only in the table); bars are "
        f"ranked only within their panel."
    )
    return (
        alt.vconcat(*panels, spacing=18)
        .resolve_scale(x="independent", y="independent", color="shared")
        .properties(
            title=title or f"Throughput {form.replace('_', ' ')}, compared only like with like",
            description=desc,
        )
    )


def _basis_title(col: str) -> str:
    return {"per_card": "output tok/s per card (accelerator package)", "per_die": "output tok/s per die"}[col]


def _log_span(values: list[float]) -> tuple[float, float]:
    """(lowest decade, decades spanned) of a log axis Vega draws for ``values`` (its domain is made
    nice: whole powers of ten)."""
    vals = [math.log10(v) for v in values if v is not None and v > 0]
    if not vals:
        return 0.0, 1.0
    lo, hi = math.floor(min(vals)), math.ceil(max(vals))
    return float(lo), float(max(hi - lo, 1))


def stagger_labels(claims: pl.DataFrame, col: str, points: pl.DataFrame, height: int = 240, width: int = 330):
    """``claims`` with ``label_y``: where each claim's label goes on a log ``col`` axis so that no two
    labels overlap (13 px apart when their x positions are within 160 px), nudged upward in y order."""
    if claims.height == 0:
        return claims.with_columns(label_y=pl.lit(None, dtype=pl.Float64))
    ys = claims[col].to_list() + (points[col].to_list() if points.height else [])
    xs = claims["tok_s_per_user"].to_list() + (points["tok_s_per_user"].to_list() if points.height else [])
    y0, y_span = _log_span(ys)
    x0, x_span = _log_span(xs)
    px_y, px_x = height / y_span, width / x_span
    order = sorted(range(claims.height), key=lambda i: (claims[col][i] or 0, claims["tok_s_per_user"][i] or 0))
    placed: list[tuple[float, float]] = []  # (x px, y px) of labels already placed
    label_y: list[float | None] = [None] * claims.height
    seen: set[tuple] = set()
    for i in order:
        y, x = claims[col][i], claims["tok_s_per_user"][i]
        key = (claims["claim_id"][i], x, y)
        if not y or not x or y <= 0 or x <= 0 or key in seen:
            continue  # one label per claim and position (two readings at one point share it)
        seen.add(key)
        xp, yp = (math.log10(x) - x0) * px_x, (math.log10(y) - y0) * px_y
        while any(abs(xp - a) < 160 and abs(yp - b) < 14 for a, b in placed):
            yp += 14
        placed.append((xp, yp))
        label_y[i] = 10 ** (yp / px_y + y0)
    return claims.with_columns(label_y=pl.Series(label_y, dtype=pl.Float64))


def pareto_chart(points: pl.DataFrame, claims: pl.DataFrame | None = None, title: str | None = None):
    """Throughput per accelerator (card, die) vs tok/s per user, one row of panels per model.

    Own runs and published points together (shape: measured here / published), one line per
    evidence record across its load points, claims as red stars at the slowest per-user speed they
    allow (1000 / the TPOT bound). Hover shows every condition; drag/zoom in a browser."""
    alt = _alt()
    claims = claims if claims is not None else pl.DataFrame()
    models = sorted(
        {m or "?" for m in points["model"].to_list()} | {m or "?" for m in claims["model"].to_list()}
        if claims.height
        else {m or "?" for m in points["model"].to_list()}
    )
    pts = points.with_columns(
        model=pl.col("model").fill_null("?"),
        isl_osl=pl.format(
            "{}/{}",
            pl.col("input_len").cast(pl.String).fill_null("?"),
            pl.col("output_len").cast(pl.String).fill_null("?"),
        ),
    )
    cls = claims.with_columns(model=pl.col("model").fill_null("?")) if claims.height else claims
    tips = (
        "label",
        "source",
        "publisher",
        "hardware",
        "model",
        "precision",
        "isl_osl",
        "speculative",
        "phase",
        "level",
        "concurrency",
        "tpot_ms",
        "tpot_stat",
        "tok_s_per_user",
        "per_card",
        "per_die",
        "source_basis",
    )
    ctips = (
        "label",
        "hardware",
        "model",
        "precision",
        "comparator",
        "claimed",
        "basis",
        "tpot_ms",
        "per_card",
        "per_die",
    )
    color = hardware_color(pts["hardware"].to_list() + (cls["hardware"].to_list() if cls.height else []))
    rows = []
    n_panel = 0
    for m in models:
        d = pts.filter(pl.col("model") == m)
        c = cls.filter(pl.col("model") == m) if cls.height else cls
        panels = []
        for col in ("per_card", "per_die"):
            dd = d.drop_nulls(col)
            cc = c.drop_nulls(col) if c.height else c
            if dd.height == 0 and cc.height == 0:
                continue
            x = alt.X(
                "tok_s_per_user:Q",
                title="output tok/s per user (1000 / TPOT)",
                scale=alt.Scale(type="log", padding=18),
                axis=alt.Axis(format="~g", tickCount=6),
            )
            yscale = alt.Scale(type="log", padding=18)
            yaxis = alt.Axis(format="~g", tickCount=6, title=_basis_title(col))
            y = alt.Y(f"{col}:Q", scale=yscale, axis=yaxis)
            layers = []
            if dd.height:
                b = alt.Chart(_data(dd))
                layers.append(
                    b.mark_line(opacity=0.5).encode(
                        x=x,
                        y=y,
                        color=color,
                        detail="evidence_id:N",
                        order="tok_s_per_user:Q",
                    )
                )
                layers.append(
                    b.mark_point(filled=True, size=60).encode(
                        x=x,
                        y=y,
                        color=color,
                        shape=alt.Shape(
                            "source:N",
                            title="source",
                            scale=alt.Scale(
                                domain=["measured here", "measured (peer tool)", "published"],
                                range=["circle", "diamond", "square"],
                            ),
                        ),
                        tooltip=_tips(dd, tips),
                    )
                )
            if cc.height:
                cc = stagger_labels(cc, col, dd)
                b = alt.Chart(_data(cc))
                layers.append(
                    b.mark_point(shape="cross", size=160, color="#c62828", strokeWidth=2.5).encode(
                        x=x, y=y, tooltip=_tips(cc, ctips)
                    )
                )
                layers.append(
                    b.mark_text(align="left", dx=8, dy=-6, fontSize=10, color="#c62828").encode(
                        x=x, y=alt.Y("label_y:Q", scale=yscale, axis=yaxis), text="claim_id:N"
                    )
                )
            n_panel += 1
            zoom = alt.selection_interval(bind="scales", name=f"zoom{n_panel}")
            layers[0] = layers[0].add_params(zoom)  # drag to pan, wheel to zoom (one selection per panel)
            panels.append(alt.layer(*layers).properties(width=330, height=240, title=f"{m}: {col.replace('_', ' ')}"))
        if panels:
            rows.append(alt.hconcat(*panels, spacing=24))
    n_claims = claims.height if claims is not None else 0
    desc = (
        f"Scatter plots, one row per model ({len(models)} models: {', '.join(models)}), of output throughput per card "
        f"and per die (log scale) against output tokens per second per user (log scale): {points.height} load points "
        f"from {points['evidence_id'].n_unique() if points.height else 0} results (measured here and published), coloured "
        f"by hardware, lines joining the points of one result, and {n_claims} claim readings as red crosses at the "
        "slowest per-user speed their TPOT bound allows."
    )
    return (
        alt.vconcat(*rows, spacing=20)
        .resolve_scale(color="shared", shape="shared")
        .properties(
            title=title or "Throughput per accelerator vs tok/s per user (up and right is better)", description=desc
        )
    )


def claim_card_chart(claim: dict, title: str | None = None):
    """One claim against its evidence on the claim's basis: per reading, the claimed value (black
    tick), each piece of evidence used (dot, coloured by its outcome, interval whisker)."""
    alt = _alt()
    claimed, evid = [], []
    for r in claim.get("readings", []):
        row = f"{r.get('reading')} (per {r.get('basis') or '?'}, {r.get('unit') or '?'})"
        if isinstance(r.get("claimed"), (int, float)):
            claimed.append({"row": row, "claimed": float(r["claimed"]), "verdict": r.get("verdict")})
        for u in r.get("evidence_used", []):
            if isinstance(u.get("observed"), (int, float)) and u["observed"] > 0:
                iv = u.get("interval") or [None, None]
                evid.append(
                    {
                        "row": row,
                        "evidence": u.get("evidence_id"),
                        "observed": float(u["observed"]),
                        "outcome": u.get("outcome") or "?",
                        "ci_low": iv[0],
                        "ci_high": iv[1],
                        "read": u.get("read"),
                    }
                )
    cf = pl.DataFrame(claimed, schema={"row": pl.String, "claimed": pl.Float64, "verdict": pl.String})
    ef = pl.DataFrame(
        evid,
        schema={
            "row": pl.String,
            "evidence": pl.String,
            "observed": pl.Float64,
            "outcome": pl.String,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "read": pl.String,
        },
    )
    values = [v for v in cf["claimed"].to_list() + ef["observed"].to_list() if v and v > 0]
    if not values:
        return None
    log = max(values) / min(values) > 20
    scale = alt.Scale(type="log") if log else alt.Scale(zero=True)
    rows = sorted(set(cf["row"].to_list() + ef["row"].to_list()))
    y = alt.Y("row:N", title=None, sort=rows)
    x = alt.X("observed:Q", title=f"value in the reading's basis{' (log scale)' if log else ''}", scale=scale)
    layers = []
    if ef.height:
        eb = alt.Chart(_data(ef))
        outcomes = ["SUPPORTED", "REFUTED", "INCONCLUSIVE", "context"]
        layers += rule_layers(eb, ef, "ci_low", x=x, x2="ci_high:Q", y=y)
        layers.append(
            eb.mark_point(filled=True, size=70, opacity=0.8).encode(
                x=x,
                y=y,
                color=alt.Color(
                    "outcome:N",
                    title="evidence outcome",
                    scale=alt.Scale(domain=outcomes, range=["#2e7d32", "#c62828", "#f9a825", "#90a4ae"]),
                ),
                tooltip=_tips(ef, ("evidence", "observed", "outcome", "ci_low", "ci_high", "read")),
            )
        )
    if cf.height:
        layers.append(
            alt.Chart(_data(cf))
            .mark_tick(color="black", thickness=3, size=22)
            .encode(x=alt.X("claimed:Q", scale=scale), y=y, tooltip=_tips(cf, ("row", "claimed", "verdict")))
        )
    desc = (
        f"Claim {claim.get('id')}: for each of its {len(rows)} readings, the claimed value as a black tick and "
        f"{ef.height} pieces of evidence as dots coloured by their outcome, on the reading's own basis"
        f"{' (log scale)' if log else ''}; values from {_n(min(values))} to {_n(max(values))}."
    )
    return alt.layer(*layers).properties(
        width=WIDTH - 80,
        height=max(50, 34 * len(rows)),
        title=title or "Claim (black tick) vs evidence (dots)",
        description=desc,
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
    layers = [claimed]
    layers += rule_layers(base, data, "ci_low", x="ci_low:Q", x2="ci_high:Q", y=y)
    layers.append(observed)
    counts = data["verdict"].value_counts().sort("verdict").iter_rows() if data.height else []
    desc = (
        f"Dot plot of {data.height} claim readings with both a claimed and an observed value: the claimed value as a "
        "black tick, the observed value as a dot coloured by verdict ("
        + ", ".join(f"{n} {v}" for v, n in counts)
        + "), interval whiskers where computed, log scale."
    )
    return alt.layer(*layers).properties(
        width=WIDTH,
        height=max(80, 24 * data.height),
        title=title or "Claim (tick) vs evidence (dot, CI whisker)",
        description=desc,
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
    above = data.filter(pl.col("claimed") > pl.col("bound_value")).height if data.height else 0
    desc = (
        f"Bar chart of the roofline upper bound for {data.height} claim readings (grey bars) with the claimed value "
        f"as a red tick; {above} claimed values lie above their bound."
    )
    return alt.layer(bars, ticks).properties(
        width=WIDTH,
        height=max(80, 26 * data.height),
        title=title or "Claimed value (red) vs physical bound (bar)",
        description=desc,
    )


def independent_frontier_chart(
    frontier: pl.DataFrame, claim_id: str | None = None, form: str = "per_accelerator", title: str | None = None
):
    """Claims against the library's best figure per chip and MLPerf round (one panel per claim; the
    claim, when stated per card, as a dashed rule). None when there is nothing to draw."""
    alt = _alt()
    data = frontier.filter(pl.col("form") == form)
    if claim_id is not None:
        data = data.filter(pl.col("claim_id") == claim_id)
    if data.height == 0:
        return None
    unit = data["unit"][0]
    colors = hardware_color(data["hardware"].unique().to_list())
    panels = []
    for cid in data["claim_id"].unique(maintain_order=True).to_list():
        part = data.filter(pl.col("claim_id") == cid)
        base = alt.Chart(_data(part))
        layers = [
            base.mark_line(point=True).encode(
                x=alt.X("round:N", title="MLPerf round"),
                y=alt.Y("value:Q", title=unit),
                color=colors,
                tooltip=_tips(part, ["hardware", "round", "value", "scenario", "publisher", "evidence_id"]),
            )
        ]
        # the claim as a rule only where it is stated per card
        mark = {"strokeDash": [4, 3], "color": "#c0392b"}
        layers += rule_layers(base, part, "claimed", mark, y="claimed:Q", tooltip=[alt.Tooltip("claimed:Q")])
        panels.append(alt.layer(*layers).properties(width=420, height=200, title=str(cid)))
    chart = alt.vconcat(*panels).properties(
        title=title or f"Claims against the MLPerf library frontier, {unit}",
        description=(
            f"For each of {data['claim_id'].n_unique()} claim(s), the best MLPerf Inference result of its model "
            f"({unit}) per chip and round, {data.height} points over {data['hardware'].n_unique()} chips; "
            "a dashed rule marks the claimed value when it is stated per card."
        ),
    )
    return themed(chart)

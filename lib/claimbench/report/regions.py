"""Region readings on a claim card: a small table of the regions and a chart of the two frontiers (offline altair).

Input is a reading of the typed verdict record as JSON (``regions``: :class:`claimbench.schema.verdict.RegionReadingRecord`).
"""

from __future__ import annotations

from html import escape as _e

import polars as pl

from claimbench.report.charts import HEIGHT, VERDICT_COLORS, WIDTH, _alt, _data, _n, _tips

__all__ = ["region_chart", "region_table_html"]

_NOT_MEASURED_COLOR = "#e0e0e0"


def _ratio(lo, hi) -> str:
    if lo is None or hi is None:
        return "–"
    return f"{lo:.3g}x" if abs(lo - hi) < 1e-9 else f"{lo:.3g}–{hi:.3g}x"


def _interval(s: dict) -> str:
    """A region's ratio interval at the figures' stated precision (``–`` when there is none)."""
    iv = s.get("ratio_interval")
    if not iv:
        return "–"
    lo, hi = iv
    return f"{lo:.3g}–{'∞' if hi is None else f'{hi:.3g}'}x"


def _crossovers(g: dict) -> str:
    """The crossovers, each with its interval of interactivity when the precision blurs it."""
    between = g.get("crossover_intervals_tok_s_user") or []
    out = []
    for i, x in enumerate(g.get("crossovers_tok_s_user") or []):
        b = between[i] if i < len(between) else None
        if b is not None and b[1] - b[0] > 1e-9:
            out.append(f"{x:.4g} (somewhere in {b[0]:.4g}–{b[1]:.4g})")
        else:
            out.append(f"{x:.4g}")
    return ", ".join(out) or "none"


def region_table_html(r: dict) -> str:
    """The regions of one reading as a small HTML table (empty string when the reading has none)."""
    g = r.get("regions")
    if not g:
        return ""
    rows = "".join(
        f"<tr><td class='cb-num'>{s['low_tok_s_user']:.4g}–{s['high_tok_s_user']:.4g}</td>"
        f"<td>{_e(str(s['verdict']))}</td><td class='cb-num'>{_e(_ratio(s['ratio_low'], s['ratio_high']))}</td>"
        f"<td class='cb-num'>{_e(_interval(s))}</td>"
        f"<td>{_e(str(s['kind']).replace('_', ' '))}</td></tr>"
        for s in g.get("regions") or []
    )
    share = g.get("supported_share")
    cross = _crossovers(g)
    summary = (
        f"<p><b>Regions</b> ({_e(str(g['numerator']))} vs {_e(str(g['denominator']))}): "
        f"{'no overlap' if share is None else f'{share:.0%} of the overlapping range supports the claim'}; "
        f"crossover at {_e(cross)} tok/s/user.</p>"
    )
    return (
        summary + '<table class="cb-table"><thead><tr><th class="cb-num">interactivity (tok/s/user)</th>'
        '<th>class</th><th class="cb-num">ratio</th><th class="cb-num">ratio interval (stated precision)</th>'
        "<th>value kind</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _frames(claim: dict) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """(frontier points, regions) of the first reading with regions, and that reading."""
    r = next((x for x in claim.get("readings") or [claim] if x.get("regions")), None)
    if r is None:
        return pl.DataFrame(), pl.DataFrame(), {}
    g = r["regions"]
    pts = pl.DataFrame(
        [
            {
                "side": f"{p['side']}: {p['evidence_id']}",
                "interactivity": p["interactivity_tok_s_user"],
                "throughput": p["value"],
                "kind": p["kind"],
            }
            for p in g["frontier"]
        ],
        schema={"side": pl.String, "interactivity": pl.Float64, "throughput": pl.Float64, "kind": pl.String},
    )
    spans = pl.DataFrame(
        [{"low": s["low_tok_s_user"], "high": s["high_tok_s_user"], "class": s["verdict"]} for s in g["regions"]],
        schema={"low": pl.Float64, "high": pl.Float64, "class": pl.String},
    )
    return pts, spans, r


def region_chart(claim: dict, title: str | None = None):
    """The claimant's and the baseline's frontiers (throughput vs interactivity) over the regions, shaded by
    class; None when no reading of the claim has regions."""
    pts, spans, r = _frames(claim)
    if pts.is_empty():
        return None
    alt = _alt()
    domain = [*VERDICT_COLORS, "NOT-MEASURED"]
    colors = [*VERDICT_COLORS.values(), _NOT_MEASURED_COLOR]
    x = alt.X("interactivity:Q", title="interactivity (tok/s/user = 1000 / mean TPOT)", scale=alt.Scale(zero=False))
    bands = (
        alt.Chart(_data(spans))
        .mark_rect(opacity=0.18)
        .encode(
            x=alt.X("low:Q", scale=alt.Scale(zero=False)),
            x2="high:Q",
            color=alt.Color("class:N", title="region", scale=alt.Scale(domain=domain, range=colors)),
            tooltip=_tips(spans, ("low", "high", "class")),
        )
    )
    lines = (
        alt.Chart(_data(pts))
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("throughput:Q", title=f"throughput per {r.get('basis') or 'unit'} (tok/s)"),
            strokeDash=alt.StrokeDash("side:N", title="frontier"),
            detail="side:N",
            tooltip=_tips(pts, ("side", "interactivity", "throughput", "kind")),
        )
    )
    xs, ys = pts["interactivity"].to_list(), pts["throughput"].to_list()
    desc = (
        f"Claim {claim.get('id')}: the claimant's and the baseline's frontiers, throughput against interactivity "
        f"from {_n(min(xs))} to {_n(max(xs))} tok/s/user (throughput {_n(min(ys))} to {_n(max(ys))}), over "
        f"{spans.height} regions shaded by class ({', '.join(spans['class'].to_list())})."
    )
    return alt.layer(bands, lines).properties(
        width=WIDTH - 80, height=HEIGHT - 80, title=title or "Frontiers and regions", description=desc
    )

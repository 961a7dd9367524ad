"""Notebook helpers: show tables and charts in a notebook and export them for papers.

Everything shown is escaped: strings from data/, bundles or endpoints are HTML-escaped before
they reach a notebook's HTML output, so a claim quote containing ``<script>`` renders as text.
Charts are rendered to static SVG with vl-convert (no JavaScript, no network). When an export
folder is set (:func:`setup`), each table is also written as CSV and LaTeX and each chart as SVG
and PNG, for papers.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

_state: dict[str, Any] = {"export_dir": None}


def setup(export_dir: str | os.PathLike | None = None) -> None:
    """Set the export folder ('' or None: no exports)."""
    path = Path(export_dir) if export_dir else None
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
    _state["export_dir"] = path


def _display(obj) -> None:
    from IPython.display import display

    display(obj)


def fmt_cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        if value == 0:
            return "0"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt_cell(v) for v in value)
    return str(value)


def html_table(frame: pl.DataFrame, caption: str | None = None) -> str:
    """An escaped HTML table (every header and cell passes through html.escape)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt_cell(v))}</td>" for v in row) + "</tr>" for row in frame.iter_rows()
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="cb-table">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_LATEX_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def latex_table(frame: pl.DataFrame, caption: str | None = None) -> str:
    cols = "l" * len(frame.columns)
    lines = [
        r"\begin{table}[ht]",
        r"\centering",
        rf"\begin{{tabular}}{{{cols}}}",
        r"\hline",
        " & ".join(latex_escape(str(c)) for c in frame.columns) + r" \\",
        r"\hline",
    ]
    lines += [" & ".join(latex_escape(fmt_cell(v)) for v in row) + r" \\" for row in frame.iter_rows()]
    lines += [r"\hline", r"\end{tabular}"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def _export_frame(frame: pl.DataFrame, name: str, caption: str | None) -> None:
    out = _state["export_dir"]
    if out is None:
        return
    flat = frame.with_columns(
        [pl.col(c).cast(pl.List(pl.String)).list.join(", ") for c, t in frame.schema.items() if isinstance(t, pl.List)]
    )
    flat.write_csv(out / f"{name}.csv")
    (out / f"{name}.tex").write_text(latex_table(flat, caption))


def show_table(
    frame: pl.DataFrame,
    name: str,
    caption: str | None = None,
    columns: Iterable[str] | None = None,
    empty: str = "no rows",
) -> None:
    """Display ``frame`` as an escaped HTML table; export CSV + LaTeX when exporting.

    Returns nothing, so a notebook cell ending with it shows the table once."""
    from IPython.display import HTML

    if columns is not None:
        frame = frame.select([c for c in columns if c in frame.columns])
    if frame.height == 0:
        show_note(empty)
        return
    _display(HTML(html_table(frame, caption)))
    _export_frame(frame, name, caption)


def chart_svg(chart) -> str:
    """Static SVG of an altair chart (themed), rendered by vl-convert with no network."""
    import vl_convert as vlc

    from claimbench.report.charts import themed

    return vlc.vegalite_to_svg(themed(chart).to_dict())


def show_chart(chart, name: str) -> None:
    """Display a chart as static SVG; export SVG + PNG when exporting.

    Returns nothing: a returned chart would be displayed again by altair's default renderer,
    which loads its JavaScript from a CDN (blank offline)."""
    from IPython.display import SVG

    svg = chart_svg(chart)
    _display(SVG(svg))
    out = _state["export_dir"]
    if out is not None:
        import vl_convert as vlc

        from claimbench.report.charts import themed

        (out / f"{name}.svg").write_text(svg)
        (out / f"{name}.png").write_bytes(vlc.vegalite_to_png(themed(chart).to_dict(), scale=2))


def show_note(text: str, kind: str = "note") -> None:
    """A short escaped paragraph (e.g. 'no calibration recorded')."""
    from IPython.display import HTML

    _display(HTML(f'<p class="cb-{html.escape(kind)}"><b>{html.escape(kind)}:</b> {html.escape(text)}</p>'))


def claim_cards_html(verdicts_json: list[dict]) -> str:
    """One card per claim: quote, source, predicate, verdict per reading, margin, CI, evidence, conditions."""
    e = html.escape
    cards = []
    for c in verdicts_json:
        rows = []
        for r in c.get("readings", []):
            ci = r.get("interval")
            ci_txt = f"[{fmt_cell(ci[0])}, {fmt_cell(ci[1])}]" if ci else "–"
            evid = "; ".join(u["evidence_id"] for u in r.get("evidence_used", [])) or "–"
            conds = "; ".join(f"{k['condition']}: {k['status']}" for k in r.get("conditions_compared", [])) or "–"
            margin = r.get("margin_rel")
            rows.append(
                "<tr>"
                + "".join(
                    f"<td>{e(str(x))}</td>"
                    for x in (
                        r.get("reading_label") or r.get("reading"),
                        r.get("predicate") or "–",
                        r.get("verdict"),
                        fmt_cell(r.get("observed")),
                        "–" if margin is None else f"{margin:+.1%}",
                        ci_txt,
                        evid,
                        conds,
                    )
                )
                + "</tr>"
            )
            notes = [n for n in r.get("notes", []) if n]
            if notes:
                rows.append(f'<tr><td colspan="8" class="cb-notes">{e(" | ".join(notes))}</td></tr>')
        src = c.get("source") or ""
        cards.append(
            f'<div class="cb-card"><h3>{e(str(c.get("id")))} — {e(str(c.get("verdict")))}</h3>'
            f"<blockquote>{e(str(c.get('quote') or ''))}</blockquote>"
            f"<p>source: {e(str(src))}</p>"
            '<table class="cb-table"><thead><tr><th>reading</th><th>predicate</th><th>verdict</th><th>observed</th>'
            "<th>margin</th><th>95% CI</th><th>evidence used</th><th>conditions compared</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
    return "\n".join(cards)


def show_claim_cards(verdicts_json: list[dict]) -> None:
    from IPython.display import HTML

    _display(HTML(claim_cards_html(verdicts_json)))

"""Notebook helpers: show tables and charts in a notebook and export them for papers.

Everything shown is escaped: strings from data/, bundles or endpoints are HTML-escaped before
they reach a notebook's HTML output, so a claim quote containing ``<script>`` renders as text.

A chart is displayed as one output holding four representations: the Vega-Lite spec (JupyterLab
draws it interactively with its built-in renderer, hover details included, no network), a PNG
(what an untrusted notebook shows: JupyterLab does not render SVG there), the static SVG, and the
chart's description as text (alt text). The HTML report turns that output into the SVG with its
alt text plus an interactive view (:mod:`claimbench.report.pipeline`). When an export folder is set
(:func:`setup`), each table is also written as CSV and LaTeX and each chart as SVG, PDF and PNG,
for papers.
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
    """A cell value as shown in a table (numbers rounded, missing as a dash)."""
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


def html_table(frame: pl.DataFrame, caption: str | None = None, group_by: str | None = None) -> str:
    """An escaped HTML table (every header and cell passes through html.escape); numeric columns are
    right-aligned (class ``cb-num``), text columns left-aligned. With ``group_by``, that column becomes
    a header row above each run of equal values instead of a column."""
    shown = [c for c in frame.columns if c != group_by]
    numeric = [frame.schema[c].is_numeric() for c in shown]
    cls = [' class="cb-num"' if n else "" for n in numeric]
    head = "".join(f"<th{k}>{html.escape(str(c))}</th>" for c, k in zip(shown, cls))
    rows, last = [], object()
    for row in frame.iter_rows(named=True):
        if group_by is not None and row[group_by] != last:
            last = row[group_by]
            rows.append(f'<tr class="cb-group"><th colspan="{len(shown)}">{html.escape(fmt_cell(last))}</th></tr>')
        rows.append(
            "<tr>" + "".join(f"<td{k}>{html.escape(fmt_cell(row[c]))}</td>" for c, k in zip(shown, cls)) + "</tr>"
        )
    body = "".join(rows)
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
    """``text`` with LaTeX's special characters escaped."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def latex_table(frame: pl.DataFrame, caption: str | None = None) -> str:
    """A frame as a LaTeX tabular (with its caption)."""
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
    from claimbench.outfiles import write_atomic, write_text_atomic

    write_atomic(out / f"{name}.csv", flat.write_csv)
    write_text_atomic(out / f"{name}.tex", latex_table(flat, caption))


def show_table(
    frame: pl.DataFrame,
    name: str,
    caption: str | None = None,
    columns: Iterable[str] | None = None,
    empty: str = "no rows",
    group_by: str | None = None,
    export_only: Iterable[str] = (),
) -> None:
    """Display ``frame`` as an escaped HTML table; export CSV + LaTeX when exporting.

    ``group_by``: a column shown as a header row above each run of equal values; ``export_only``:
    columns written to the CSV/LaTeX export but not shown (e.g. what the group header already says).

    Returns nothing, so a notebook cell ending with it shows the table once."""
    from IPython.display import HTML

    if columns is not None:
        frame = frame.select([c for c in columns if c in frame.columns])
    if frame.height == 0:
        show_note(empty)
        return
    shown = frame.drop([c for c in export_only if c in frame.columns])
    _display(HTML(html_table(shown, caption, group_by if group_by in shown.columns else None)))
    _export_frame(frame, name, caption)


VEGALITE_MIME = "application/vnd.vegalite.v5+json"
"""The Vega-Lite MIME type JupyterLab 4 renders (its bundled Vega-Lite is v5)."""
JUPYTERLAB_VL_VERSION = "5.20"
CHART_METADATA_KEY = "claimbench_chart"


def chart_spec(chart) -> dict:
    """The themed Vega-Lite spec of an altair chart, data inlined."""
    from claimbench.report.charts import themed

    return themed(chart).to_dict()


def chart_bundle(chart, name: str, description: str | None = None) -> tuple[dict, dict]:
    """(data, metadata) of one chart output: Vega-Lite v5 spec, PNG, SVG and the description as text."""
    import base64

    import vl_convert as vlc

    spec = chart_spec(chart)
    desc = description or spec.get("description") or f"chart {name}"
    svg = vlc.vegalite_to_svg(spec)
    png = vlc.vegalite_to_png(spec, scale=1)  # the notebook's view; exports are at scale 2
    lab_spec = {
        **spec,
        "$schema": f"https://vega.github.io/schema/vega-lite/v{JUPYTERLAB_VL_VERSION.split('.')[0]}.json",
    }
    data = {
        VEGALITE_MIME: lab_spec,
        "image/png": base64.b64encode(png).decode("ascii"),
        "image/svg+xml": svg,
        "text/plain": f"Chart: {desc}",
    }
    width = _png_width(png)
    metadata = {
        "image/png": {"width": width, "alt": desc},
        "image/svg+xml": {"alt": desc},
        CHART_METADATA_KEY: {"name": name, "alt": desc, "spec_schema": spec.get("$schema")},
    }
    return data, metadata


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")  # IHDR width


def show_chart(chart, name: str, description: str | None = None, empty: str | None = None) -> None:
    """Display a chart (Vega-Lite spec + PNG + SVG + alt text); export SVG, PDF and PNG when exporting.
    A chart function that had nothing to draw returns None: ``empty`` is then shown as a note.

    Returns nothing: a returned chart would be displayed again by altair's default renderer,
    which loads its JavaScript from a CDN (blank offline)."""
    from IPython.display import display

    if chart is None:
        if empty:
            show_note(empty)
        return
    data, metadata = chart_bundle(chart, name, description)
    display(data, raw=True, metadata=metadata)
    out = _state["export_dir"]
    if out is not None:
        import vl_convert as vlc

        from claimbench.outfiles import write_bytes_atomic, write_text_atomic

        write_text_atomic(out / f"{name}.svg", data["image/svg+xml"])
        spec = chart_spec(chart)
        write_bytes_atomic(out / f"{name}.png", vlc.vegalite_to_png(spec, scale=2))
        write_bytes_atomic(out / f"{name}.pdf", vlc.vegalite_to_pdf(spec))


def show_note(text: str, kind: str = "note") -> None:
    """A short escaped paragraph (e.g. 'no calibration recorded')."""
    from IPython.display import HTML

    _display(HTML(f'<p class="cb-{html.escape(kind)}"><b>{html.escape(kind)}:</b> {html.escape(text)}</p>'))


def show_scorecard(verdicts_json: list[dict]) -> None:
    """The scorecard table (every claim, a verdict badge per reading), cards linked in this page."""
    from IPython.display import HTML

    from claimbench.report.scorecard import NOTEBOOK_CSS, scorecard_html

    _display(HTML(NOTEBOOK_CSS + scorecard_html(verdicts_json, card_href="#{anchor}")))


def export_table(frame: pl.DataFrame, name: str, columns: Iterable[str] | None = None) -> None:
    """Write ``frame`` to the exports (CSV + LaTeX) without showing it (the page shows the cards)."""
    if columns is not None:
        frame = frame.select([c for c in columns if c in frame.columns])
    _export_frame(frame, name, None)


def show_claim_cards(verdicts_json: list[dict]) -> None:
    """One card per claim, each followed by its chart (the claim against its evidence, on its basis)."""
    from IPython.display import HTML

    from claimbench.report.charts import claim_card_chart
    from claimbench.report.regions import region_chart
    from claimbench.report.scorecard import anchor, claim_card_html

    for c in verdicts_json:
        _display(HTML(claim_card_html(c)))
        show_chart(claim_card_chart(c), f"card_{anchor(c.get('id'))}")
        regions = region_chart(c)
        if regions is not None:
            show_chart(regions, f"regions_{anchor(c.get('id'))}")

"""The verify page shows the scorecard once and the claim cards, not the verdict table a second
time (it goes to the exports); the notebook's scorecard carries the rules JupyterLab needs to show
it as the HTML page does (left-aligned, wrapped, not centred and clipped)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from claimbench.report import nbhelpers

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "05_verify.ipynb"


def _code() -> str:
    book = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code")


def test_the_verify_notebook_exports_the_verdict_table_without_showing_it():
    code = _code()
    assert "nb.show_scorecard(" in code and "nb.show_claim_cards(" in code
    assert "nb.show_table(result.table" not in code and "nb.export_table(result.table" in code


def test_export_table_writes_the_csv_and_shows_nothing(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(nbhelpers, "_display", shown.append)
    nbhelpers.setup(tmp_path)
    try:
        nbhelpers.export_table(
            pl.DataFrame({"claim_id": ["a"], "verdict": ["SUPPORTED"], "x": [1]}), "verdicts", ["claim_id", "verdict"]
        )
    finally:
        nbhelpers.setup(None)
    assert shown == []
    assert (tmp_path / "verdicts.csv").read_text().splitlines() == ["claim_id,verdict", "a,SUPPORTED"]


def test_the_notebook_scorecard_overrides_jupyterlab_table_alignment(monkeypatch):
    shown = []
    monkeypatch.setattr(nbhelpers, "_display", shown.append)
    nbhelpers.show_scorecard(
        [{"id": "a", "verdict": "SUPPORTED", "readings": [{"reading": "as-worded", "verdict": "SUPPORTED"}]}]
    )
    (html,) = [s.data for s in shown]
    assert html.startswith("<style>") and ".jp-RenderedHTMLCommon table.cb-scorecard" in html
    assert "margin-left:0" in html and "text-align:left" in html and 'class="cb-badge cb-headline' in html

"""Snapshots for pinned inputs (a frozen copy of the data in tests/fixtures/pinned_data: claims,
reference, hardware, models, prices, the recorded run; seed 0): the verdict table and the
scorecard (the HTML table index.html opens with).

A change in a verdict, a margin, an interval or the scorecard's wording shows up as a diff here;
an edit of data/ does not (copy the data into the fixture on purpose when the snapshot should
follow it). After an intended change, regenerate with:
CLAIMBENCH_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/e2e/notebooks/test_snapshot.py
"""

import os
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from claimbench.report import steps

REPO = Path(__file__).resolve().parents[3]
PINNED = REPO / "tests" / "fixtures" / "pinned_data"
SNAPSHOT = Path(__file__).parent / "snapshots" / "verdicts.csv"
SCORECARD = Path(__file__).parent / "snapshots" / "scorecard.html"
COLUMNS = ["claim_id", "reading", "verdict", "claimed", "observed", "margin_rel", "ci_low", "ci_high", "unit", "basis", "evidence_used"]


def test_the_verdict_table_for_pinned_inputs_matches_its_snapshot():
    table = _pinned_verify().table.select(COLUMNS).sort("claim_id", "reading")
    if os.environ.get("CLAIMBENCH_UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        table.write_csv(SNAPSHOT)
    expected = pl.read_csv(SNAPSHOT, schema=table.schema)
    assert_frame_equal(table, expected, check_exact=False, rel_tol=1e-9)


def test_the_scorecard_for_pinned_inputs_matches_its_snapshot():
    from claimbench.report.scorecard import scorecard_html

    html = scorecard_html(_pinned_verify().verdicts_json)
    pretty = html.replace("<tr", "\n<tr").replace("</tbody>", "\n</tbody>") + "\n"  # one row per line: readable diffs
    if os.environ.get("CLAIMBENCH_UPDATE_SNAPSHOTS"):
        SCORECARD.write_text(pretty, encoding="utf-8")
    assert pretty == SCORECARD.read_text(encoding="utf-8")


def _pinned_verify():
    return steps.verify(PINNED / "runs", seed=0, data_dir=PINNED)

"""Charts name their lines by the load (concurrency or rate), not 'level 0', and claim labels on the
Pareto panels are placed so that no two overlap."""

from __future__ import annotations

import math

import polars as pl
import pytest

from claimbench.report.charts import stagger_labels
from claimbench.report.steps import name_levels


def test_levels_are_named_by_their_concurrency_or_rate():
    cdf = pl.DataFrame({"level": [0, 0, 1, 2], "value_ms": [1.0, 2.0, 3.0, 4.0]})
    summary = pl.DataFrame({"level": [0, 1, 2], "concurrency": [1, 8, None], "request_rate": [None, None, 2.5]})
    named = name_levels(cdf, summary)
    assert named["level"].to_list() == ["concurrency 1", "concurrency 1", "concurrency 8", "rate 2.5/s"]
    assert named.columns == ["level", "value_ms"]


def test_with_several_runs_the_run_id_prefixes_the_load():
    cdf = pl.DataFrame({"run_id": ["a", "b"], "level": [0, 0]})
    summary = pl.DataFrame({"run_id": ["a", "b"], "level": [0, 0], "concurrency": [1, 4]})
    assert name_levels(cdf, summary)["level"].to_list() == ["a concurrency 1", "b concurrency 4"]


def test_claim_labels_at_one_point_are_stacked_apart_and_one_claim_is_labelled_once():
    claims = pl.DataFrame(
        {
            "claim_id": ["a", "b", "c", "c"],
            "per_card": [2400.0, 2400.0, 2000.0, 2000.0],
            "tok_s_per_user": [20.0, 20.0, 20.0, 20.0],
        }
    )
    placed = stagger_labels(claims, "per_card", pl.DataFrame(), height=240, width=330)["label_y"].to_list()
    assert placed[3] is None  # the same claim at the same point: one label
    # the y axis spans the decades 10^3..10^4 over 240 px: labels at least 14 px apart
    px = [math.log10(y) * 240 for y in placed[:3]]
    assert min(abs(p - q) for i, p in enumerate(px) for q in px[i + 1 :]) >= 14 - 1e-6
    assert placed[2] == pytest.approx(2000.0)  # the lowest label stays at its point

"""A journal killed mid-level: the completed levels are read from their whole-level parts and the
level in flight from its spooled parts, as a partial level that ``summarize`` marks."""

import json

import polars as pl

from claimbench.load.bundles import read_bundle
from claimbench.measurement.store import requests_frame
from claimbench.report.steps import bundle_statuses, summarize_bundles
from claimbench.schema.records import RequestRecord


def row(level: int, i: int) -> RequestRecord:
    """A finished request of 3 chunks, 100 ms TTFT, 10 ms gaps."""
    sent = 10.0 * level + 0.5 * i
    chunks = [sent + 0.1, sent + 0.11, sent + 0.12]
    return RequestRecord(
        request_id=f"L{level}-m{i}",
        level=level,
        scheduled_s=sent,
        sent_s=sent,
        first_token_s=chunks[0],
        done_s=chunks[-1],
        chunk_times_s=chunks,
        chunk_tokens=[1, 1, 1],
        prompt_tokens=8,
        output_tokens=3,
        requested_output_tokens=3,
        token_count_source="usage",
        ok=True,
    )


def journal(tmp_path, completed, in_flight, files):
    """A journal folder: a manifest and request parts ``{file name: rows}``."""
    j = tmp_path / "r1.partial"
    j.mkdir()
    plan = [{"level": 0, "concurrency": 4}, {"level": 1, "concurrency": 2}]
    manifest = {
        "schema_version": 1,
        "run_id": "r1",
        "status": "partial",
        "status_reason": "measuring (or killed) during level 1",
        "levels_completed": completed,
        "level_in_flight": in_flight,
        "load_plan": plan,
    }
    (j / "manifest.json").write_text(json.dumps(manifest))
    for name, rows in files.items():
        requests_frame(rows).write_parquet(j / name)
    if completed:
        pl.DataFrame({"level": completed, "concurrency": [4] * len(completed), "n_ok": [4] * len(completed)}).cast(
            {"level": pl.Int64}
        ).write_parquet(j / "summary.parquet")
    return j


def test_the_level_in_flight_is_read_from_its_spooled_parts_and_stale_parts_are_not(tmp_path):
    j = journal(
        tmp_path,
        completed=[0],
        in_flight=1,
        files={
            "requests-L0000.parquet": [row(0, i) for i in range(4)],
            "requests-L0000-p00000.parquet": [row(0, 0)],  # level 0's spool, superseded by its whole part
            "requests-L0001-p00000.parquet": [row(1, 0), row(1, 1)],
            "requests-L0001-p00001.parquet": [row(1, 2)],
        },
    )
    b = read_bundle(j)
    assert b.partial_levels == [1]
    assert sorted(b.requests["request_id"].to_list()) == [f"L0-m{i}" for i in range(4)] + ["L1-m0", "L1-m1", "L1-m2"]


def test_a_whole_part_written_just_before_the_kill_is_ignored_until_the_manifest_lists_its_level(tmp_path):
    j = journal(
        tmp_path,
        completed=[0],
        in_flight=1,
        files={
            "requests-L0000.parquet": [row(0, i) for i in range(4)],
            "requests-L0001.parquet": [row(1, i) for i in range(3)],  # written, manifest not yet rewritten
            "requests-L0001-p00000.parquet": [row(1, 0)],
        },
    )
    b = read_bundle(j)
    assert b.requests.filter(pl.col("level") == 1)["request_id"].to_list() == ["L1-m0"]


def test_summarize_adds_the_partial_level_row_from_its_finished_requests_and_marks_it(tmp_path):
    j = journal(
        tmp_path,
        completed=[0],
        in_flight=1,
        files={
            "requests-L0000.parquet": [row(0, i) for i in range(4)],
            "requests-L0001-p00000.parquet": [row(1, 0), row(1, 1)],
        },
    )
    table = summarize_bundles(j)
    assert table["level"].to_list() == [0, 1]
    assert table["level_partial"].to_list() == [False, True]
    partial = table.row(1, named=True)
    assert partial["n_ok"] == 2 and partial["concurrency"] == 2 and abs(partial["ttft_p50_ms"] - 100.0) < 1e-6
    [status] = bundle_statuses(j)
    assert "level 1 is partial" in status["status_reason"]


def test_a_journal_killed_before_any_request_of_the_level_finished_has_no_partial_level(tmp_path):
    j = journal(tmp_path, completed=[0], in_flight=1, files={"requests-L0000.parquet": [row(0, i) for i in range(4)]})
    b = read_bundle(j)
    assert b.partial_levels == [] and "level_partial" not in summarize_bundles(j).columns

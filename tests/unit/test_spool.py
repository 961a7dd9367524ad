"""The coordinator's record sink: rows go to per-level parquet parts as they arrive, memory stays
bounded by one batch, and the summary over the parts equals the in-memory one exactly."""

import polars as pl
import pytest

from claimbench.analyze import metrics
from claimbench.analyze.streaming import summarize_batches
from claimbench.load.parts import request_part_paths
from claimbench.measurement.runner import levels_frame
from claimbench.measurement.spool import RecordSpool
from claimbench.measurement.store import requests_frame
from claimbench.schema.records import LoadLevel, RequestRecord


def synthetic(level: int, i: int) -> RequestRecord:
    """A finished request with uneven chunk gaps (so ITL percentiles interpolate)."""
    sent = 0.05 * i
    first = sent + 0.1 + 0.001 * (i % 7)
    chunks = [first + 0.02 * k + 0.0003 * ((i * k) % 11) for k in range(5 + i % 4)]
    return RequestRecord(
        request_id=f"L{level}-m{i}",
        level=level,
        scheduled_s=sent,
        sent_s=sent,
        first_token_s=first,
        done_s=chunks[-1] + 0.001,
        chunk_times_s=chunks,
        chunk_tokens=[1] * len(chunks),
        prompt_tokens=8,
        output_tokens=len(chunks),
        requested_output_tokens=len(chunks),
        token_count_source="usage",
        ok=i % 13 != 0,
        error=None if i % 13 else "HTTP 500: boom",
        warmup=i % 17 == 0,
    )


def test_rows_become_parts_of_their_level_and_at_most_one_batch_is_ever_held(tmp_path):
    spool = RecordSpool(tmp_path, batch_rows=10)
    for i in range(35):
        spool.append(synthetic(0, i))
    spool.extend(synthetic(1, i) for i in range(4))
    assert spool.max_buffered <= 10 + 4 and len(spool.parts(0)) == 3  # 30 written, 5 buffered
    spool.close()
    assert [p.name for p in spool.parts(0)] == [f"requests-L0000-p0000{k}.parquet" for k in range(4)]
    assert len(spool) == 39 and spool.rows == {0: 35, 1: 4}
    back = pl.concat([pl.read_parquet(p) for p in spool.parts()])
    assert back.height == 39 and back["request_id"].to_list()[:2] == ["L0-m0", "L0-m1"]
    assert set(request_part_paths(tmp_path)) == set(spool.parts())  # a bundle loader finds them


def test_the_summary_over_the_parts_equals_the_in_memory_summary(tmp_path):
    records = [synthetic(lv, i) for lv in (0, 1) for i in range(120)]
    spool = RecordSpool(tmp_path, batch_rows=17)
    for r in records:
        spool.append(r)
    levels = levels_frame([LoadLevel(0, concurrency=4), LoadLevel(1, concurrency=8)])
    slos = {"ttft_ms": 105.0, "tpot_ms": 21.0}
    streamed = summarize_batches(spool.batches(), levels, slos)
    in_memory = metrics.summarize(requests_frame(records), levels, slos)
    assert streamed.columns == in_memory.columns
    for col in in_memory.columns:
        a, b = streamed[col].to_list(), in_memory[col].to_list()
        if "_p" in col or not all(isinstance(x, float) for x in b):  # percentiles, counts, nulls: identical
            assert a == b, col
        else:  # means: equal to summation order
            assert a == pytest.approx(b, rel=1e-12), col


def test_secrets_in_error_rows_are_redacted_in_the_parts(tmp_path):
    spool = RecordSpool(tmp_path, batch_rows=1, redact=["sk-zz9"])
    r = synthetic(0, 13)
    r.error = "HTTP 401: key sk-zz9 refused"
    spool.append(r)
    assert "sk-zz9" not in pl.read_parquet(spool.parts(0)[0])["error"][0]


def test_a_part_is_also_cut_by_its_chunk_count_so_long_requests_cannot_fill_memory(tmp_path):
    spool = RecordSpool(tmp_path, batch_rows=1000, batch_chunks=20)  # each synthetic row has 5-8 chunks
    for i in range(12):
        spool.append(synthetic(0, i))
    assert len(spool.parts(0)) >= 3 and spool.max_buffered <= 4


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_with_flush_every_s_a_quiet_level_still_reaches_disk_once_that_long_has_passed(tmp_path):
    clock = FakeClock()
    spool = RecordSpool(tmp_path, batch_rows=1000, flush_every_s=2.0, clock=clock)
    spool.append(synthetic(0, 1))
    clock.now = 1.9
    spool.append(synthetic(0, 2))
    assert spool.parts(0) == []  # under the batch size and the interval: still buffered
    clock.now = 2.0
    spool.append(synthetic(0, 3))
    [part] = spool.parts(0)
    assert pl.read_parquet(part)["request_id"].to_list() == ["L0-m1", "L0-m2", "L0-m3"]
    clock.now = 3.0
    spool.append(synthetic(0, 4))  # 1 s after that part: buffered again
    assert len(spool.parts(0)) == 1


def test_discard_removes_a_levels_parts_and_buffer_and_keeps_the_other_levels(tmp_path):
    spool = RecordSpool(tmp_path, batch_rows=2)
    for i in range(5):
        spool.append(synthetic(0, i))
    spool.append(synthetic(1, 1))
    written = spool.parts(0)
    assert len(written) == 2 and all(p.exists() for p in written)
    spool.discard(0)
    assert spool.parts(0) == [] and not any(p.exists() for p in written)
    spool.close()
    assert [p.name for p in spool.parts()] == ["requests-L0001-p00000.parquet"]


def test_a_background_spool_writes_the_same_parts_as_a_foreground_one(tmp_path):
    fg, bg = RecordSpool(tmp_path / "fg", batch_rows=7), RecordSpool(tmp_path / "bg", batch_rows=7, background=True)
    for i in range(40):
        fg.append(synthetic(0, i))
        bg.append(synthetic(0, i))
    fg.close()
    bg.close()
    assert [p.name for p in bg.parts()] == [p.name for p in fg.parts()]
    for a, b in zip(fg.parts(), bg.parts()):
        assert pl.read_parquet(a).equals(pl.read_parquet(b))


def test_a_failed_background_write_is_raised_by_the_spool_not_lost(tmp_path):
    spool = RecordSpool(tmp_path / "gone", batch_rows=1, background=True)
    (tmp_path / "gone").rmdir()  # the journal folder disappeared under the run
    spool.append(synthetic(0, 1))
    with pytest.raises(OSError):
        spool.wait()


def test_a_background_spool_shortens_the_gil_switch_interval_while_open_and_restores_it(tmp_path):
    import sys

    before = sys.getswitchinterval()
    spool = RecordSpool(tmp_path, background=True)
    assert sys.getswitchinterval() <= 0.0005
    spool.close()
    assert sys.getswitchinterval() == before

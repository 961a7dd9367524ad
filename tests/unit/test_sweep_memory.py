"""The runner holds a request's record only while it is in flight: a long level's records pass
through to the journal's parts, and the summary, audits and requests read back from the parts
equal what the records in memory give."""

import weakref

import polars as pl
import pytest
from fake_engine import EnginePlumbing

from claimbench.analyze import metrics
from claimbench.load.bundles import read_bundle
from claimbench.measurement import runner, spool
from claimbench.measurement.runner import MeasureConfig, levels_frame, run_measurement
from claimbench.measurement.store import requests_frame
from claimbench.measurement.workload import WorkloadSpec
from claimbench.schema.records import LoadLevel, RequestRecord

IN_FLIGHT = 64
BATCH_ROWS = 500


def synthetic(level: int, i: int) -> RequestRecord:
    """A request of level ``level``, sent in order ``i``, with uneven chunk gaps; some fail, some are
    warmup, some carry a token-count note."""
    sent = 0.01 * i
    first = sent + 0.1 + 0.001 * (i % 7)
    chunks = [first + 0.02 * k + 0.0003 * ((i * k) % 11) for k in range(3 + i % 5)]
    ok = i % 13 != 0
    return RequestRecord(
        request_id=f"L{level}-m{i}",
        level=level,
        scheduled_s=sent,
        sent_s=sent,
        first_token_s=first if ok else None,
        done_s=chunks[-1] + 0.001,
        chunk_times_s=chunks if ok else [],
        chunk_tokens=[1] * len(chunks) if ok else [],
        prompt_tokens=8 + i % 3,
        output_tokens=len(chunks) if ok else 0,
        requested_output_tokens=len(chunks) + (i % 29 == 0),
        token_count_source="usage",
        token_count_note=f"usage {i} below the chunk count" if i % 31 == 5 else None,
        ok=ok,
        error=None if ok else "HTTP 500: Bearer sk-never-written-123 refused",
        warmup=i % 97 == 0,
    )


class StreamingEngine(EnginePlumbing):
    """Sends a level's requests with at most IN_FLIGHT in flight; each ends (out of send order) and
    is reported done, after which the engine keeps no reference to it. ``alive`` counts the records
    still in memory, sampled as the level goes."""

    description = "streaming-fake"

    def __init__(self, n: int):
        self.n, self.refs, self.alive = n, [], []

    def run_level(self, level, prompts, run_t0, records, warmup=False, seed=0, request_timeout_s=None, **kw):
        done = kw["on_request_done"]
        flight: list[RequestRecord] = []
        for i in range(self.n):
            rec = synthetic(level.level, i)
            records.append(rec)
            self.refs.append(weakref.ref(rec))
            flight.append(rec)
            if len(flight) == IN_FLIGHT:
                for r in flight[::2] + flight[1::2]:  # they end out of send order
                    done(r)
                flight = []
            if i % 1000 == 999:
                self.alive.append(sum(ref() is not None for ref in self.refs))
        for r in flight:
            done(r)


def config(out, n_levels=1, **kw):
    spec = WorkloadSpec(input_len=8, output_len=8, num_prompts=4, seed=0, vocab_size=100)
    levels = [LoadLevel(i, concurrency=IN_FLIGHT, num_prompts=4) for i in range(n_levels)]
    return MeasureConfig(model="m", model_source="m", workload=spec, levels=levels, out_dir=out, energy=False,
                         redact=["sk-never-written-123"], **kw)  # fmt: skip


def test_the_records_held_do_not_grow_with_the_finished_requests_of_a_level(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "SPOOL_BATCH_ROWS", BATCH_ROWS)
    engine = StreamingEngine(10_000)
    bundle = read_bundle(run_measurement(config(tmp_path), engine, {}))
    assert bundle.requests.height == 10_000 and len(engine.alive) == 10
    # in flight, the spool's buffer and at most two parts being written by its background thread
    bound = IN_FLIGHT + 3 * BATCH_ROWS
    assert max(engine.alive) <= bound, engine.alive  # a records list would hold 1,000 … 10,000
    assert sum(ref() is not None for ref in engine.refs) == 0  # none kept once the run is written


def test_the_bundle_read_back_from_the_parts_equals_the_records_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "SPOOL_BATCH_ROWS", 300)
    slos = {"ttft_ms": 104.0, "tpot_ms": 21.0}
    bundle = read_bundle(run_measurement(config(tmp_path, n_levels=2, slos=slos), StreamingEngine(2_000), {}))
    records = [synthetic(lv, i) for lv in (0, 1) for i in range(2_000)]
    expected = requests_frame(records).with_columns(
        pl.col("error").str.replace("sk-never-written-123", "***", literal=True)
    )
    # rows arrive in the order requests ended: the same rows, not the same order
    assert bundle.requests.sort("request_id").equals(expected.sort("request_id"))
    for f in tmp_path.rglob("*"):
        assert not f.is_file() or b"sk-never-written-123" not in f.read_bytes()

    levels = levels_frame([LoadLevel(0, concurrency=IN_FLIGHT), LoadLevel(1, concurrency=IN_FLIGHT)])
    in_memory = metrics.summarize(requests_frame(records), levels, slos)
    got = bundle.summary.select(in_memory.columns)
    for col in in_memory.columns:
        a, b = got[col].to_list(), in_memory[col].to_list()
        if "_p" in col or not all(isinstance(x, float) for x in b):  # percentiles, counts, nulls: identical
            assert a == b, col
        else:  # means: equal to summation order
            assert a == pytest.approx(b, rel=1e-12), col
    measured = [r for r in records if r.ok and not r.warmup]
    for lv in (0, 1):
        row = bundle.summary.filter(pl.col("level") == lv).row(0, named=True)
        mine = [r for r in measured if r.level == lv]
        assert row["isl_mean_tokens"] == sum(r.prompt_tokens for r in mine) / len(mine)  # exact: integer sums
        assert row["osl_mean_tokens"] == sum(r.output_tokens for r in mine) / len(mine)

    audit = bundle.manifest["output_length_audit"]
    assert audit["requests_ok"] == len(measured)
    assert audit["requests_short"] == sum(r.output_tokens < r.requested_output_tokens for r in measured)
    flagged = [r for r in measured if r.token_count_note]
    assert bundle.manifest["token_count_audit"]["requests_usage_flagged"] == len(flagged)
    # the example quoted is the first flagged request sent, as a records list in send order gave it
    [warning] = [w for w in bundle.manifest["warnings"] if "usage disagreed" in w]
    assert warning.endswith(f"e.g. {flagged[0].token_count_note}")


def test_a_failed_spool_write_keeps_its_rows_and_every_later_one_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "SPOOL_BATCH_ROWS", 200)
    real = spool._write_durable
    calls = []

    def second_part_fails(path, write):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, write)

    monkeypatch.setattr(spool, "_write_durable", second_part_fails)
    bundle = read_bundle(run_measurement(config(tmp_path, n_levels=2), StreamingEngine(1_000), {}))
    assert bundle.complete and bundle.requests.height == 2_000 and bundle.requests["request_id"].n_unique() == 2_000
    assert bundle.summary["n_ok"].to_list() == [sum(synthetic(0, i).ok and i % 97 != 0 for i in range(1_000))] * 2
    assert any("spooling level 0 failed: OSError" in w for w in bundle.manifest["warnings"])


class InterruptedEngine(StreamingEngine):
    """Level 1 is cut by Ctrl-C with requests in flight (appended, never done)."""

    def run_level(self, level, prompts, run_t0, records, warmup=False, seed=0, request_timeout_s=None, **kw):
        if level.level == 0:
            return super().run_level(level, prompts, run_t0, records, warmup, seed, request_timeout_s, **kw)
        for i in range(100):
            rec = synthetic(level.level, i)
            # times well before the run's end (which is real time: milliseconds after its start)
            rec.scheduled_s, rec.sent_s, rec.done_s = rec.scheduled_s * 1e-4, rec.sent_s * 1e-4, rec.done_s * 1e-4
            rec.first_token_s = rec.first_token_s * 1e-4 if rec.first_token_s is not None else None
            rec.chunk_times_s = [t * 1e-4 for t in rec.chunk_times_s]
            records.append(rec)
            if i < 90:
                kw["on_request_done"](rec)
            else:  # in flight when the user pressed Ctrl-C: not ok, no error, no end yet
                rec.ok, rec.error, rec.done_s, rec.first_token_s, rec.chunk_times_s = False, None, None, None, []
        raise KeyboardInterrupt


def test_requests_cut_by_an_interrupt_are_marked_when_read_back_and_count_in_the_partial_level(tmp_path):
    bundle = read_bundle(run_measurement(config(tmp_path, n_levels=2), InterruptedEngine(500), {}))
    assert bundle.manifest["status"] == "interrupted" and bundle.manifest["levels_completed"] == [0]
    level1 = bundle.requests.filter(pl.col("level") == 1)
    cut = level1.filter(pl.col("error") == "not completed: run interrupted")
    assert level1.height == 100 and sorted(cut["request_id"].to_list()) == sorted(f"L1-m{i}" for i in range(90, 100))
    assert (
        cut["done_s"].n_unique() == 1
        and cut["done_s"][0]
        > level1["done_s"].drop_nulls().filter(level1["error"] != "not completed: run interrupted").max()
    )  # the run's end, after every request that ended
    row = bundle.summary.filter(pl.col("level") == 1).row(0, named=True)
    failed_before = sum(not synthetic(1, i).ok and i % 97 != 0 for i in range(90))
    assert row["n_failed"] == failed_before + 9  # of the 10 cut, L1-m97 is a warmup request
    assert row["duration_s"] == pytest.approx(cut["done_s"][0] - level1.filter(~pl.col("warmup"))["sent_s"].min())

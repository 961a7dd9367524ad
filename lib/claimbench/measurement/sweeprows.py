"""A measured run's request rows, held in memory only while their request is in flight.

:class:`SweepRows` is the ``records`` sink the runner (:mod:`claimbench.measurement.runner`) hands
to an engine's ``run_level`` (engines only ``append`` to it). A record appended when its request is
sent is *held* until the engine reports it done (``on_request_done``, :meth:`SweepRows.done`); it
then goes to the run's :class:`~claimbench.measurement.spool.RecordSpool` (a parquet part in the
journal folder at least every ``flush_every_s``) and is dropped. What an engine appended and never
reported done is taken when its ``run_level`` returns or raises (:meth:`SweepRows.settle`).

So the rows held are the requests in flight, the spool's one batch (plus at most two parts being
written by its background thread), and the rows that never finished (``ok`` false without an
error: in flight when the level was cut, O(in-flight)); they are kept in memory until the run's
end marks them ``not completed``. Everything else the runner needs comes from

- small running tallies kept as rows arrive (:class:`LevelTally`, the run-wide output-length and
  token-count audits, the first flagged note in send order), and
- the level's parts read back: streamed in batches (:meth:`SweepRows.batches`, for
  :func:`claimbench.analyze.streaming.summarize_batches`), scanned lazily and streamed into the
  journal's whole-level part and the bundle's ``requests.parquet`` (:meth:`SweepRows.lazy`).

Rows reach the parts in the order their requests ended (the order a Ray coordinator drains them),
not the order they were sent. If the spool fails (disk full), the rows it had not written and every
later row are kept in memory (the run goes on, as before) and the failure is noted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import polars as pl

from claimbench.measurement.spool import DEFAULT_BATCH_ROWS, RecordSpool
from claimbench.measurement.store import redact_requests, requests_frame
from claimbench.redact import Redactor
from claimbench.schema.records import REQUESTS_POLARS_SCHEMA, RequestRecord

__all__ = ["LevelTally", "SlimRow", "SweepRows", "marked"]


@dataclass
class LevelTally:
    """Running sums of one level: token counts of its ok, measured rows (the achieved lengths,
    integer sums so their means equal a column mean exactly) and its unfinished rows."""

    isl_sum: int = 0
    isl_n: int = 0
    osl_requested_sum: int = 0
    osl_requested_n: int = 0
    osl_sum: int = 0
    osl_n: int = 0
    unfinished: int = 0  # neither ok nor failed with an error: the run's end marks them

    def means(self) -> dict[str, float | None]:
        """``isl_mean_tokens``, ``osl_requested_mean_tokens``, ``osl_mean_tokens`` (null without rows)."""
        return {
            "isl_mean_tokens": self.isl_sum / self.isl_n if self.isl_n else None,
            "osl_requested_mean_tokens": self.osl_requested_sum / self.osl_requested_n
            if self.osl_requested_n
            else None,
            "osl_mean_tokens": self.osl_sum / self.osl_n if self.osl_n else None,
        }


class SlimRow(NamedTuple):
    """The columns of a row a prompt source's ``manifest(records)`` reads (multi-turn ordering)."""

    request_id: str
    level: int
    warmup: bool
    sent_s: float | None
    done_s: float | None


SLIM_COLUMNS = list(SlimRow._fields)


def marked(lf: pl.LazyFrame, mark: tuple[str, float] | None) -> pl.LazyFrame:
    """Rows as the run's end leaves them: a row neither ok nor failed gets ``mark``'s error and,
    without a ``done_s``, its end time (``mark = (error, end_s)``; None: unchanged)."""
    if mark is None:
        return lf
    error, end_s = mark
    unfinished = ~pl.col("ok") & pl.col("error").is_null()
    return lf.with_columns(
        pl.when(unfinished).then(pl.col("done_s").fill_null(end_s)).otherwise(pl.col("done_s")).alias("done_s"),
        pl.when(unfinished).then(pl.lit(error, pl.String)).otherwise(pl.col("error")).alias("error"),
    )


class SweepRows:
    """The run's rows: held while in flight, then in the journal's parts (see the module docstring)."""

    def __init__(
        self,
        folder: str | Path,
        redact: Sequence[str] = (),
        flush_every_s: float | None = None,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        background: bool = True,
    ):
        self.batch_rows = batch_rows
        self.redactor = Redactor(list(redact))
        self.spool: RecordSpool | None = RecordSpool(
            folder, batch_rows=batch_rows, redact=redact, flush_every_s=flush_every_s, background=background
        )
        self._held: dict[int, tuple[int, RequestRecord]] = {}  # id(record) -> (send order, record)
        self._seq = 0
        self._memory: dict[int, list[RequestRecord]] = {}  # unfinished rows, and all rows once the spool failed
        self._in_memory = 0
        self._salvaged: dict[int, list[Path]] = {}  # the parts on disk when the spool failed
        self._durable: dict[int, Path] = {}  # level -> its whole-level part in the journal
        self.notes: list[str] = []  # spool failures, for the manifest's warnings
        self.tally: dict[int, LevelTally] = {}
        self.taken = 0  # rows taken (done or settled)
        self.requests_ok = 0  # ok, measured rows of the run (the output-length audit)
        self.requests_short = 0
        self.requests_long = 0
        self.flagged = 0  # of which the token counts were not trusted (token_count_note)
        self._first_flagged: tuple[int, str] | None = None  # (send order, note) of the first flagged row sent
        self.max_in_memory = 0  # the most rows ever held at once (the memory bound, checked by tests)

    # -- the list protocol the engines use -----------------------------------------------------
    def append(self, rec: RequestRecord) -> None:
        """A request was sent (or rejected): held until it is done."""
        self._seq += 1
        self._held[id(rec)] = (self._seq, rec)
        self._note_memory()

    def __len__(self) -> int:
        return self.taken + len(self._held)

    def done(self, rec: RequestRecord) -> None:
        """A request ended: its row leaves memory for the spool (a record never appended is not a row)."""
        entry = self._held.pop(id(rec), None)
        if entry is not None:
            self._take(*entry)

    def settle(self) -> None:
        """The engine's ``run_level`` ended: every row it appended and did not report done is taken
        (finished rows of engines that report nothing, or unfinished rows of a level cut short)."""
        held, self._held = self._held, {}
        for seq, rec in held.values():
            self._take(seq, rec)

    @property
    def first_flagged_note(self) -> str | None:
        """The note of the first flagged row in the order requests were sent (as a records list gave it)."""
        return self._first_flagged[1] if self._first_flagged else None

    def in_memory(self) -> int:
        """Rows held now: in flight, unfinished or kept after a spool failure, and the spool's buffer."""
        return len(self._held) + self._in_memory + (self.spool.buffered if self.spool is not None else 0)

    def _note_memory(self) -> None:
        held = self.in_memory()
        if held > self.max_in_memory:
            self.max_in_memory = held

    def _take(self, seq: int, rec: RequestRecord) -> None:
        self.taken += 1
        tally = self.tally.get(rec.level)
        if tally is None:
            tally = self.tally[rec.level] = LevelTally()
        unfinished = not rec.ok and rec.error is None
        if unfinished:
            tally.unfinished += 1
        elif rec.ok and not rec.warmup:
            self._audit(seq, rec, tally)
        if self.spool is not None and not unfinished:
            try:
                self.spool.append(rec)
                self._note_memory()
                return
            except Exception as exc:  # disk full mid-level: measuring goes on, the rows stay in memory
                self._salvage(f"spooling level {rec.level} failed", exc)
                if any(r is rec for r in self._memory.get(rec.level, ())):
                    return  # the spool had buffered it before the failure surfaced: salvaged already
        self._memory.setdefault(rec.level, []).append(rec)
        self._in_memory += 1
        self._note_memory()

    def _audit(self, seq: int, rec: RequestRecord, tally: LevelTally) -> None:
        self.requests_ok += 1
        out, asked = rec.output_tokens or 0, rec.requested_output_tokens or 0
        self.requests_short += out < asked
        self.requests_long += out > asked
        if rec.token_count_note:
            self.flagged += 1
            if self._first_flagged is None or seq < self._first_flagged[0]:
                self._first_flagged = (seq, rec.token_count_note)
        if rec.prompt_tokens is not None:
            tally.isl_sum += rec.prompt_tokens
            tally.isl_n += 1
        if rec.requested_output_tokens is not None:
            tally.osl_requested_sum += rec.requested_output_tokens
            tally.osl_requested_n += 1
        if rec.output_tokens is not None:
            tally.osl_sum += rec.output_tokens
            tally.osl_n += 1

    def _salvage(self, what: str, exc: BaseException) -> None:
        """The spool failed: keep the parts it wrote, take back every row it had not, go on in memory."""
        spool, self.spool = self.spool, None
        self.notes.append(f"{what}: {type(exc).__name__}: {exc}")
        if spool is None:
            return
        written, rows = spool.salvage()
        for level, paths in written.items():
            if level not in self._durable:
                self._salvaged[level] = paths
        for rec in rows:
            self._memory.setdefault(rec.level, []).append(rec)
            self._in_memory += 1

    # -- a level's rows back from the parts --------------------------------------------------
    def paths(self, level: int) -> list[Path]:
        """The parquet files holding ``level``'s rows now (the whole-level part once it is durable)."""
        if level in self._durable:
            return [self._durable[level]]
        if self.spool is not None:
            try:
                self.spool.flush(level)
                return self.spool.parts(level)
            except Exception as exc:  # a background write failed
                self._salvage(f"spooling level {level} failed", exc)
        return list(self._salvaged.get(level, []))

    def _memory_frame(self, level: int) -> pl.DataFrame | None:
        rows = self._memory.get(level)
        return redact_requests(requests_frame(rows), self.redactor) if rows else None

    def lazy(self, level: int, mark: tuple[str, float] | None = None) -> pl.LazyFrame:
        """``level``'s rows as a lazy scan of its parts (and the rows in memory), redacted, in the
        requests.parquet schema; ``mark`` as :func:`marked`."""
        frames = []
        paths = self.paths(level)
        if paths:
            frames.append(pl.scan_parquet(paths))
        mem = self._memory_frame(level)
        if mem is not None:
            frames.append(mem.lazy())
        if not frames:
            frames.append(requests_frame([]).lazy())
        lf = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
        return marked(lf, mark)

    def lazy_all(self, levels: Sequence[int], mark: tuple[str, float] | None = None) -> pl.LazyFrame:
        """The rows of ``levels`` in that order (:meth:`lazy` of each)."""
        frames = [self.lazy(lv, mark) for lv in levels]
        if not frames:
            return requests_frame([]).lazy()
        return pl.concat(frames, how="vertical").select([pl.col(c).cast(t) for c, t in REQUESTS_POLARS_SCHEMA.items()])

    def batches(self, level: int, mark: tuple[str, float] | None = None) -> Callable[..., Iterator[pl.DataFrame]]:
        """``level``'s rows in batches of at most ``batch_rows`` (the callable
        :func:`~claimbench.analyze.streaming.summarize_batches` takes; ``columns=[...]`` reads only those)."""
        from claimbench.load.parts import request_batches

        files: Callable[..., Iterator[pl.DataFrame]] = request_batches(self.paths(level), batch_rows=self.batch_rows)
        mem = self._memory_frame(level)

        def gen(columns: Sequence[str] | None = None) -> Iterator[pl.DataFrame]:
            frames = files(columns=columns) if columns is not None else files()
            tail = [] if mem is None else [mem.select(list(columns)) if columns is not None else mem]
            for frame in [*frames, *tail]:
                if mark is not None and columns is None:
                    frame = marked(frame.lazy(), mark).collect()
                yield frame

        return gen

    def slim(self, level: int, mark: tuple[str, float] | None = None) -> list[SlimRow]:
        """``level``'s rows with the columns of :class:`SlimRow` only. Reads the whole level (five
        small columns, ~40 B a row): a prompt source's manifest needs every turn's row at once."""
        frame = self.lazy(level, mark).select(SLIM_COLUMNS).collect()
        return [SlimRow(*row) for row in frame.iter_rows()]

    def request_ids(self, level: int) -> Iterator[str]:
        """The ids of ``level``'s ok, measured rows, streamed from its parts."""
        for batch in self.batches(level)(columns=["request_id", "ok", "warmup"]):
            yield from batch.filter(pl.col("ok") & ~pl.col("warmup"))["request_id"].to_list()

    def made_durable(self, level: int, part: Path) -> None:
        """``level``'s rows are now in the journal's whole-level ``part``: its spooled parts and rows in
        memory are dropped."""
        self._durable[level] = part
        if self._memory.pop(level, None) is not None:
            self._in_memory = sum(len(v) for v in self._memory.values())
        if self.spool is not None:
            try:
                self.spool.discard(level)
            except Exception as exc:  # a background write failed: the reader ignores a completed level's parts
                self._salvage(f"spooling level {level} failed", exc)
        for path in self._salvaged.pop(level, []):
            path.unlink(missing_ok=True)

    def close(self) -> None:
        """Write the spool's last rows and end its writer (a failure keeps the rows in memory)."""
        if self.spool is None:
            return
        try:
            self.spool.close()
        except Exception as exc:
            self._salvage("spooling failed", exc)

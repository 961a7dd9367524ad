"""The coordinator's record sink: request rows appended to a level's parquet parts as they arrive.

A Ray run's coordinator (:class:`claimbench.measurement.workers.WorkerPool`) drains finished rows
from its workers a few times a second. Held as Python objects, a 10-minute level of 46,000 streams
is ~18 GB (~32 B per chunk time). :class:`RecordSpool` takes the place of the records list
(``append`` / ``extend``, as ``WorkerPool.run_level`` and the one-process client use it): rows are
buffered per level and, every ``batch_rows`` rows or ``batch_chunks`` chunk times, written as one durable parquet part
``requests-L<level>-p<part>.parquet`` in ``folder`` (a run journal's folder), then dropped from
memory. What stays in memory is the buffer and a few counters per level, whatever the level's
length.

**Durability of the level in flight.** :class:`claimbench.measurement.runner` hands every finished
row of the level being measured to a spool in the run's journal folder, with ``flush_every_s``:
buffered rows are also written once that long has passed since the last part, so a SIGKILL or an
OOM kill mid-level loses at most the last ``flush_every_s`` of finished rows (and the requests in
flight), not the level. The journal's manifest names that level (``level_in_flight``); once the
level completes, the journal's whole-level part ``requests-L<level>.parquet`` supersedes the
spool's parts, which are then removed (:meth:`RecordSpool.discard`). With ``background=True`` the
parts are built and fsynced by one writer thread, so the event loop that timestamps chunks never
waits on a disk (at most two parts are queued; a third waits for the oldest). Turning rows into a
frame holds the GIL, and a thread holding it keeps it up to the interpreter's switch interval
(5 ms by default) before the event loop gets it back: while a background spool is open the
process's switch interval is at most :data:`SWITCH_INTERVAL_S` (restored by :meth:`RecordSpool.close`).
Measured with a 1 ms event-loop tick while parts of 10,000 rows were written every 2 s: tick
lateness p99 5.2 ms at the default interval, 0.7 ms at 0.5 ms (1,000 rows: 0.2-0.4 ms either way).

Nothing is lost for the analysis: the parts are the raw rows (every chunk time), and
:func:`claimbench.analyze.streaming.summarize_batches` over them (:meth:`RecordSpool.batches`)
gives the same summary as the in-memory path, percentiles exactly.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from claimbench.measurement.store import _write_durable, redact_requests, requests_frame
from claimbench.redact import Redactor
from claimbench.schema.records import RequestRecord

__all__ = ["RecordSpool", "DEFAULT_BATCH_ROWS"]

DEFAULT_BATCH_ROWS = 20_000  # a part holds at most this many rows…
DEFAULT_BATCH_CHUNKS = 500_000  # …or this many chunk times (~16 MB as Python floats in lists)
SWITCH_INTERVAL_S = 0.0005  # the GIL switch interval while a background spool is open


class RecordSpool:
    """Request records appended to per-level parquet parts in ``folder`` (see the module docstring).

    Use it where a ``list[RequestRecord]`` of records is expected by a level runner; call
    :meth:`close` (or :meth:`flush`) when the level ends so its last rows are written too."""

    def __init__(
        self,
        folder: str | Path,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        redact: Iterable[str] = (),
        batch_chunks: int = DEFAULT_BATCH_CHUNKS,
        flush_every_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        background: bool = False,
    ):
        if batch_rows < 1 or batch_chunks < 1:
            raise ValueError("batch_rows and batch_chunks must be positive")
        if flush_every_s is not None and not flush_every_s > 0:
            raise ValueError("flush_every_s must be positive (or None: parts by size only)")
        self.flush_every_s, self._clock = flush_every_s, clock
        self._last_write = clock()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.batch_rows, self.batch_chunks = batch_rows, batch_chunks
        self._chunks: dict[int, int] = {}  # chunk times buffered per level
        self.redactor = Redactor(list(redact))
        self._buffer: dict[int, list[RequestRecord]] = {}
        self._parts: dict[int, list[Path]] = {}
        self.rows: dict[int, int] = {}  # rows received per level
        self.ok: dict[int, int] = {}  # of which ok (measured, not warmup)
        self.max_buffered = 0  # the most rows ever held at once (the memory bound, checked by tests)
        self.buffered = 0  # rows held now, waiting for their part
        self._failed: list[RequestRecord] = []  # rows of parts whose write failed (see salvage)
        self._failed_paths: set[Path] = set()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="claimbench-spool") if background else None
        self._switch_interval = sys.getswitchinterval() if background else None
        if self._switch_interval is not None:
            sys.setswitchinterval(min(self._switch_interval, SWITCH_INTERVAL_S))
        self._pending: list[Future[None]] = []

    # -- the list protocol a level runner uses --------------------------------------------
    def append(self, rec: RequestRecord) -> None:
        """Take one finished (or failed) request row; a full buffer becomes a part."""
        buf = self._buffer.setdefault(rec.level, [])
        buf.append(rec)
        chunks = self._chunks[rec.level] = self._chunks.get(rec.level, 0) + len(rec.chunk_times_s)
        self.rows[rec.level] = self.rows.get(rec.level, 0) + 1
        if rec.ok and not rec.warmup:
            self.ok[rec.level] = self.ok.get(rec.level, 0) + 1
        held = self.buffered = self.buffered + 1
        self.max_buffered = max(self.max_buffered, held)
        if len(buf) >= self.batch_rows or chunks >= self.batch_chunks:
            self._write(rec.level)
        elif self.flush_every_s is not None and self._clock() - self._last_write >= self.flush_every_s:
            self.flush()

    def extend(self, recs: Iterable[RequestRecord]) -> None:
        """Take a batch of rows (a drain of one worker)."""
        for rec in recs:
            self.append(rec)

    def __len__(self) -> int:
        return sum(self.rows.values())

    # -- parts -----------------------------------------------------------------------------
    def _write(self, level: int) -> None:
        buf = self._buffer.get(level)
        if not buf:
            return
        if self._writer is not None:  # a failed write raises here, while these rows are still buffered
            self._pending = [f for f in self._pending if not f.done() or f.result()]
            if len(self._pending) >= 2:
                self._pending.pop(0).result()
        parts = self._parts.setdefault(level, [])
        path = self.folder / f"requests-L{level:04d}-p{len(parts):05d}.parquet"
        parts.append(path)  # named now, on disk once written (parts() and batches() wait for it)
        self._buffer[level] = []
        self._chunks[level] = 0
        self.buffered -= len(buf)
        self._last_write = self._clock()
        if self._writer is None:
            self._write_part(path, buf)
            return
        self._pending.append(self._writer.submit(self._write_part, path, buf))

    def _write_part(self, path: Path, rows: list[RequestRecord]) -> None:
        try:
            frame = redact_requests(requests_frame(rows), self.redactor)
            _write_durable(path, frame.write_parquet)
        except BaseException:  # the rows stay reachable (salvage) rather than lost with the part
            self._failed.extend(rows)
            self._failed_paths.add(path)
            raise

    def wait(self) -> None:
        """Wait for the parts being written in the background (the first failure is raised)."""
        pending, self._pending = self._pending, []
        for f in pending:
            f.result()

    def discard(self, level: int) -> None:
        """Forget a level: its buffered rows are dropped and its parts removed (the journal now holds
        the whole level in one part)."""
        self.wait()
        self.buffered -= len(self._buffer.pop(level, []))
        self._chunks.pop(level, None)
        for path in self._parts.pop(level, []):
            path.unlink(missing_ok=True)

    def flush(self, level: int | None = None) -> None:
        """Write what is buffered (of one level, or of all) as parts."""
        for lv in [level] if level is not None else list(self._buffer):
            self._write(lv)

    def close(self) -> None:
        """Write every buffered row; the spool holds nothing afterwards (its writer thread ends)."""
        try:
            self.flush()
            self.wait()
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                self._writer = None
            if self._switch_interval is not None:
                sys.setswitchinterval(self._switch_interval)
                self._switch_interval = None

    def salvage(self) -> tuple[dict[int, list[Path]], list[RequestRecord]]:
        """After a failed write: the parts that are on disk (per level) and every row that is not in
        them (rows of failed parts, buffered rows). The spool takes nothing more afterwards."""
        for f in self._pending:
            try:
                f.result()
            except Exception:  # noted by whoever saw the first failure; its rows are in self._failed
                pass
        self._pending = []
        rows = self._failed + [r for b in self._buffer.values() for r in b]
        self._failed, self._buffer, self.buffered = [], {}, 0
        written = {lv: [p for p in ps if p not in self._failed_paths] for lv, ps in self._parts.items()}
        try:
            self.close()
        except Exception:  # nothing is buffered any more: only the writer's shutdown is left
            pass
        return written, rows

    def parts(self, level: int | None = None) -> list[Path]:
        """The parts written so far (of one level, or of all levels in level order)."""
        self.wait()
        if level is not None:
            return list(self._parts.get(level, []))
        return [p for lv in sorted(self._parts) for p in self._parts[lv]]

    def batches(self, levels: Sequence[int] | None = None) -> Callable[..., Iterator[pl.DataFrame]]:
        """The rows written, as the batches callable :func:`claimbench.analyze.streaming.summarize_batches`
        takes (buffered rows are written first, so nothing is missed)."""
        from claimbench.load.parts import request_batches

        self.flush()
        self.wait()
        paths = [p for lv in (levels if levels is not None else sorted(self._parts)) for p in self._parts.get(lv, [])]
        return request_batches(paths, batch_rows=self.batch_rows)

"""Run one load level from several client processes on the same monotonic clock.

One Python process parses every streamed chunk of every request on one core; at a few thousand
chunks per second it falls behind and its timestamps grow late (see ``benchmarks/README.md``).
:class:`ClientPool` splits a level over ``processes`` worker processes, each running the same
recording client (:func:`claimbench.measurement.client.run_level_async`) on its own event loop, and merges
their records. ``time.monotonic()`` is CLOCK_MONOTONIC on Linux, shared by every process on the
host, so the workers' timestamps (relative to the caller's ``run_t0``) are directly comparable.

Splitting:
- closed loop (``concurrency``): worker *i* gets ``concurrency // p`` streams (+1 for the first
  ``concurrency % p``) and a contiguous share of the prompts proportional to its streams; no
  worker gets zero streams (``p`` is capped at the concurrency).
- open loop (``request_rate``): the arrival times are drawn once, exactly as the one-process client
  does (:func:`claimbench.measurement.loadgen.arrival_offsets_s` with ``seed + level``), and dealt round-robin;
  every worker sends its requests at their scheduled offsets from one common start.
All workers start at the same monotonic instant (a start time sent with the command, after every
worker reported ready). ``duration_s`` deadlines apply per worker from that common start.

Callbacks (``on_request_done``) run in the parent after the level, in ``done_s`` order: progress
bars update per level, not per request. ``should_stop`` is polled by the parent while the level
runs; when it turns true the workers are told to send nothing new.

Workers are started with the ``spawn`` method (no inherited event loops or threads), use uvloop
when it is installed (``loop="auto"``) and exit when the pool is closed or the parent dies.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from claimbench.measurement.client import ClientConfig, dispatch_open_loop, make_session, run_level_async, send_one
from claimbench.measurement.loadgen import arrival_offsets_s
from claimbench.measurement.workload import Prompt
from claimbench.schema.records import LoadLevel, RequestRecord

__all__ = ["ClientPool", "split_streams", "run_level_pool", "new_event_loop"]

_START_MARGIN_S = 0.05


def new_event_loop(kind: str = "auto") -> tuple[asyncio.AbstractEventLoop, str]:
    """A fresh event loop: ``uvloop`` when ``kind`` is auto/uvloop and it is installed, else asyncio.
    Returns the loop and its name."""
    if kind not in ("auto", "asyncio", "uvloop"):
        raise ValueError(f"loop must be auto, asyncio or uvloop, got {kind!r}")
    if kind in ("auto", "uvloop"):
        try:
            import uvloop

            return uvloop.new_event_loop(), "uvloop"
        except ImportError:
            if kind == "uvloop":
                raise
    return asyncio.new_event_loop(), "asyncio"


def split_streams(concurrency: int, processes: int) -> list[int]:
    """Streams per worker: as even as possible, none empty (``[3, 3, 2]`` for 8 over 3)."""
    p = max(1, min(processes, concurrency))
    base, extra = divmod(concurrency, p)
    return [base + (1 if i < extra else 0) for i in range(p)]


def _split_prompts(prompts: Sequence[Prompt], shares: list[int]) -> list[list[Prompt]]:
    total = sum(shares)
    out, start, acc = [], 0, 0
    for s in shares:
        acc += s
        end = round(len(prompts) * acc / total)
        out.append(list(prompts[start:end]))
        start = end
    return out


def _record_from_row(row: dict[str, Any]) -> RequestRecord:
    names = {f.name for f in fields(RequestRecord)}
    return RequestRecord(**{k: v for k, v in row.items() if k in names})


async def _open_loop_share(
    cfg: ClientConfig,
    level: LoadLevel,
    items: list[tuple[float, Prompt]],
    run_t0: float,
    start: float,
    records: list[RequestRecord],
    warmup: bool,
    should_stop,
) -> None:
    """Send ``items`` (offset from ``start``, prompt) at their scheduled times (open loop)."""
    deadline = None if level.duration_s is None or warmup else start + level.duration_s

    async def fire(session, prompt: Prompt, scheduled: float) -> None:
        rec = RequestRecord.for_prompt(level.level, prompt, scheduled, warmup)
        records.append(rec)
        await send_one(session, cfg, prompt, rec, run_t0)

    async with make_session(len(items) or 1) as session:
        await dispatch_open_loop(
            items, start, run_t0, deadline, should_stop, lambda prompt, due: fire(session, prompt, due)
        )


async def closed_loop_ramped(
    cfg: ClientConfig,
    level: LoadLevel,
    prompts: Sequence[Prompt],
    run_t0: float,
    records: list[RequestRecord],
    ramp_s: float,
    warmup: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    loop: str = "auto",
) -> None:
    """Closed loop like :func:`claimbench.measurement.client.run_level_async`, but stream ``j`` of ``n`` starts
    ``j · ramp_s / n`` after the level's start (a linear ramp-up). With equal requests the streams
    stay spread out, so the server sees a steady arrival rate instead of synchronized bursts."""
    clock = time.monotonic
    start = clock() - run_t0
    deadline = None if level.duration_s is None or warmup else start + level.duration_s
    queue = list(reversed(prompts))
    n = max(1, min(level.concurrency or 1, len(prompts)))

    async def worker(session, j: int) -> None:
        due = start + j * ramp_s / n
        delay = due - (clock() - run_t0)
        if delay > 0:
            await asyncio.sleep(delay)
        while queue and not should_stop():
            now = clock() - run_t0
            if deadline is not None and now >= deadline:
                return
            prompt = queue.pop()
            rec = RequestRecord.for_prompt(level.level, prompt, now, warmup)
            records.append(rec)
            await send_one(session, cfg, prompt, rec, run_t0)

    async with make_session(n) as session:
        await asyncio.gather(*(worker(session, j) for j in range(n)))


def _worker_main(conn, stop_event, loop_kind: str, parent_pid: int) -> None:  # pragma: no cover - child process
    loop, loop_name = new_event_loop(loop_kind)
    asyncio.set_event_loop(loop)
    conn.send(("ready", os.getpid(), loop_name))
    while True:
        if not conn.poll(1.0):
            if os.getppid() != parent_pid:
                return
            continue
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg[0] == "close":
            return
        _, cfg, level, share, run_t0, warmup, seed, start_at, mode, ramp = msg
        records: list[RequestRecord] = []
        err = None
        try:
            wait = start_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            should_stop = stop_event.is_set
            if mode == "closed" and ramp:
                coro = closed_loop_ramped(cfg, level, share, run_t0, records, ramp, warmup, should_stop)
            elif mode == "closed":
                coro = run_level_async(
                    cfg, level, share, run_t0, records, warmup=warmup, seed=seed, should_stop=should_stop
                )
            else:
                coro = _open_loop_share(cfg, level, share, run_t0, start_at - run_t0, records, warmup, should_stop)
            loop.run_until_complete(coro)
        except BaseException as exc:  # report, keep what was recorded
            err = f"{type(exc).__name__}: {str(exc)[:300]}"
        conn.send(("done", [r.as_row() for r in records], err))


class ClientPool:
    """``processes`` client worker processes; use as a context manager.

    ``run_level`` has the signature of :meth:`claimbench.measurement.engines.http.HttpEngine.run_level`'s
    client part and appends the merged records to ``records``.
    """

    def __init__(self, processes: int = 2, loop: str = "auto", start_timeout_s: float = 60.0):
        import multiprocessing as mp

        if processes < 1:
            raise ValueError("processes must be >= 1")
        self.processes = processes
        ctx = mp.get_context("spawn")
        self._stop = ctx.Event()
        self._conns = []
        self._procs = []
        self.loop_names: list[str] = []
        self.pids: list[int] = []
        try:
            for _ in range(processes):
                parent, child = ctx.Pipe()
                p = ctx.Process(target=_worker_main, args=(child, self._stop, loop, os.getpid()), daemon=True)
                p.start()
                child.close()
                self._conns.append(parent)
                self._procs.append(p)
            for c in self._conns:
                if not c.poll(start_timeout_s):
                    raise RuntimeError(f"client worker did not start within {start_timeout_s:g} s")
                _, pid, name = c.recv()
                self.pids.append(pid)
                self.loop_names.append(name)
        except BaseException:
            self.close()
            raise

    def describe(self) -> dict[str, Any]:
        return {
            "processes": self.processes,
            "loop": sorted(set(self.loop_names)),
            "pids": list(self.pids),
            "clock": "time.monotonic (CLOCK_MONOTONIC, shared by all processes)",
        }

    def run_level(
        self,
        cfg: ClientConfig,
        level: LoadLevel,
        prompts: Sequence[Prompt],
        run_t0: float,
        records: list[RequestRecord],
        warmup: bool = False,
        seed: int = 0,
        on_request_done: Callable[[RequestRecord], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        timeout_s: float | None = None,
        ramp_s: float = 0.0,
    ) -> None:
        """Run one level over the workers (see the module docstring); records are appended when
        every worker is done. ``timeout_s`` bounds the wait (default: generous, from the request
        timeout and the prompt count). ``ramp_s`` > 0 (closed loop): streams start spread evenly
        over that many seconds, interleaved across workers (:func:`closed_loop_ramped`)."""
        if not self._conns:
            raise RuntimeError("client pool is closed")
        self._stop.clear()
        if level.concurrency is not None:
            shares_n = split_streams(min(level.concurrency, max(1, len(prompts))), self.processes)
            prompt_shares = _split_prompts(prompts, shares_n)
            jobs = [
                (LoadLevel(level.level, concurrency=n, num_prompts=len(ps), duration_s=level.duration_s), ps, "closed")
                for n, ps in zip(shares_n, prompt_shares)
            ]
        else:
            offsets = arrival_offsets_s(len(prompts), level.request_rate, level.burstiness, seed + level.level)
            items = list(zip(offsets, prompts))
            p = max(1, min(self.processes, len(items)))
            jobs = [(level, items[i::p], "open") for i in range(p)]
        start_at = time.monotonic() + _START_MARGIN_S
        used = self._conns[: len(jobs)]
        for i, (conn, (lv, share, mode)) in enumerate(zip(used, jobs)):
            # interleave the ramp across workers: worker i's streams start i/p of a step later
            ramp = ramp_s
            w_start = start_at
            if ramp_s and mode == "closed":
                step = ramp_s / max(1, level.concurrency or 1)
                w_start = start_at + i * step
                ramp = step * lv.concurrency * len(jobs) if lv.concurrency else ramp_s
            conn.send(("run", cfg, lv, share, run_t0, warmup, seed, w_start, mode, ramp))
        if timeout_s is None:
            per_req = cfg.request_timeout_s or 600.0
            timeout_s = 120.0 + per_req * max(1, math.ceil(len(prompts) / max(1, level.concurrency or len(prompts))))
        deadline = time.monotonic() + timeout_s
        pending = list(used)
        rows: list[dict[str, Any]] = []
        errors: list[str] = []
        while pending:
            if time.monotonic() > deadline:
                self._stop.set()
                raise RuntimeError(f"client workers did not finish level {level.level} within {timeout_s:g} s")
            if should_stop():
                self._stop.set()
            for conn in list(pending):
                if conn.poll(0.05):
                    _, part, err = conn.recv()
                    rows.extend(part)
                    if err:
                        errors.append(err)
                    pending.remove(conn)
            for p in self._procs:
                if not p.is_alive() and pending:
                    raise RuntimeError(f"client worker {p.pid} exited with {p.exitcode}")
        recs = [_record_from_row(r) for r in rows]
        recs.sort(key=lambda r: r.sent_s if r.sent_s is not None else math.inf)
        records.extend(recs)
        if on_request_done:
            for r in sorted(recs, key=lambda r: r.done_s if r.done_s is not None else math.inf):
                on_request_done(r)
        if errors:
            raise RuntimeError("client worker failed: " + "; ".join(errors))

    def close(self) -> None:
        for c in self._conns:
            try:
                c.send(("close",))
            except (OSError, BrokenPipeError):
                pass
        for p in self._procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
        for c in self._conns:
            c.close()
        self._conns, self._procs = [], []

    def __enter__(self) -> ClientPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def run_level_pool(
    cfg: ClientConfig,
    level: LoadLevel,
    prompts: Sequence[Prompt],
    run_t0: float,
    records: list[RequestRecord],
    processes: int = 2,
    loop: str = "auto",
    **kw: Any,
) -> None:
    """One level on a throwaway :class:`ClientPool` (start cost ~0.5–1 s per worker; keep a pool
    open across levels when that matters)."""
    with ClientPool(processes, loop=loop) as pool:
        pool.run_level(cfg, level, prompts, run_t0, records, **kw)

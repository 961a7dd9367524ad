"""Multi-turn sessions over HTTP, each pacing itself: a turn is sent no sooner than the think time after
its own session's previous turn ended (:class:`claimbench.measurement.multiturn.SessionSchedule`).

The served counterpart of the offline engine's session queue: the same request path as every other
level (:func:`claimbench.measurement.client.send_one`), with the order of sends decided by the schedule
instead of a plain queue. A closed-loop level's concurrency caps the requests in flight.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import cast

from claimbench.measurement.client import ClientConfig, make_session, send_one
from claimbench.measurement.multiturn import ScheduledPrompts
from claimbench.measurement.workload import Prompt
from claimbench.schema.records import LoadLevel, RequestRecord

__all__ = ["run_sessions_async"]


async def run_sessions_async(
    cfg: ClientConfig,
    level: LoadLevel,
    prompts: Sequence[Prompt],
    run_t0: float,
    records: list[RequestRecord],
    warmup: bool = False,
    seed: int = 0,
    on_request_done: Callable[[RequestRecord], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Run one level's multi-turn prompts by their session schedule (same arguments as ``run_level_async``)."""
    schedule = cast(ScheduledPrompts, prompts).session_schedule  # the runner passes the multi-turn source's batch
    clock = time.monotonic
    limit = level.concurrency or max(len(prompts), 1)
    wake = asyncio.Event()
    tasks: list[asyncio.Future] = []
    in_flight = 0  # counted here, not by the tasks' done callbacks (they run after this loop resumes)

    async def fire(session, prompt: Prompt, scheduled: float) -> None:
        nonlocal in_flight
        rec = RequestRecord.for_prompt(level.level, prompt, scheduled, warmup)
        records.append(rec)
        try:
            await send_one(session, cfg, prompt, rec, run_t0)
        finally:
            in_flight -= 1
            schedule.done(prompt.index, rec.done_s if rec.done_s is not None else clock() - run_t0)
            wake.set()
        if on_request_done:
            on_request_done(rec)

    async with make_session(limit) as session:
        start = clock() - run_t0
        deadline = None if level.duration_s is None or warmup else start + level.duration_s
        while schedule and not should_stop():
            now = clock() - run_t0
            if deadline is not None and now >= deadline:
                break
            while in_flight < limit and (prompt := schedule.pop_ready(now)) is not None:
                in_flight += 1
                tasks.append(asyncio.ensure_future(fire(session, prompt, now)))
            at = schedule.next_ready_at()
            timeout = None if at is None or in_flight >= limit else max(0.0, at - now)
            wake.clear()  # no await since the last completion was counted: none is lost
            try:
                await asyncio.wait_for(wake.wait(), timeout)
            except asyncio.TimeoutError:
                pass
        await asyncio.gather(*tasks)

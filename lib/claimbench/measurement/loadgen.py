"""Load plans: parse levels, and the arrival schedule of open-loop levels (pure)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from claimbench.errors import UserError
from claimbench.measurement.options import parse_numbers
from claimbench.schema.records import LoadLevel


def arrival_offsets_s(n: int, request_rate: float, burstiness: float, seed: int) -> list[float]:
    """Send offsets (s from level start) for ``n`` requests at ``request_rate`` per second.

    Inter-arrival gaps are gamma distributed with shape ``burstiness`` and mean ``1/request_rate``
    (burstiness 1 = Poisson; < 1 burstier; > 1 more regular), as in ``vllm bench serve``. The
    first request is sent at 0. ``inf`` sends everything at once.
    """
    import numpy as np

    if n <= 0:
        return []
    if math.isinf(request_rate):
        return [0.0] * n
    rng = np.random.default_rng([seed, 7919])
    gaps = rng.gamma(shape=burstiness, scale=1.0 / (request_rate * burstiness), size=n - 1)
    return [0.0] + [float(x) for x in np.cumsum(gaps)]


def iter_arrival_offsets_s(
    n: int, request_rate: float, burstiness: float, seed: int, block: int = 4096
) -> Iterator[float]:
    """The offsets of :func:`arrival_offsets_s`, identical values, drawn lazily in blocks (a plan of
    millions of requests costs nothing up front)."""
    import numpy as np

    if n <= 0:
        return
    if math.isinf(request_rate):
        for _ in range(n):
            yield 0.0
        return
    rng = np.random.default_rng([seed, 7919])
    yield 0.0
    t, left = 0.0, n - 1
    while left > 0:
        size = min(block, left)
        gaps = rng.gamma(shape=burstiness, scale=1.0 / (request_rate * burstiness), size=size)
        for x in np.cumsum(gaps) + t:
            yield float(x)
        t = float(x)
        left -= size


def build_levels(
    concurrency: str | Sequence[int] | None,
    request_rate: str | Sequence[float] | None,
    num_prompts: int,
    burstiness: float = 1.0,
    duration_s: float | None = None,
    warmup_prompts: int = 0,
    ramp_s: float = 0.0,
) -> list[LoadLevel]:
    """Levels from ``--concurrency 1,8,32`` or ``--request-rate 2,8,inf`` (one of them)."""
    if concurrency and request_rate:
        raise UserError("give either --concurrency or --request-rate, not both")
    if not burstiness > 0:
        raise UserError(f"--burstiness must be positive, got {burstiness}")
    if duration_s is not None and not duration_s > 0:
        raise UserError(f"--duration must be positive, got {duration_s}")
    if not ramp_s >= 0:
        raise UserError(f"--ramp-up must be 0 or more seconds, got {ramp_s}")
    if ramp_s and request_rate:
        raise UserError("--ramp-up spreads closed-loop streams; it does not apply to --request-rate")
    if warmup_prompts < 0:
        raise UserError(f"--warmup-prompts must be 0 or more, got {warmup_prompts}")
    if request_rate:
        return [
            LoadLevel(
                level=i,
                request_rate=r,
                burstiness=burstiness,
                num_prompts=num_prompts,
                duration_s=duration_s,
                warmup_prompts=warmup_prompts,
            )
            for i, r in enumerate(parse_numbers(request_rate, "--request-rate", float))
        ]
    values = parse_numbers(concurrency or [1], "--concurrency", int)
    return [
        LoadLevel(
            level=i,
            concurrency=c,
            num_prompts=num_prompts,
            duration_s=duration_s,
            warmup_prompts=warmup_prompts,
            ramp_s=ramp_s,
        )
        for i, c in enumerate(values)
    ]


@dataclass(frozen=True)
class WorkerShare:
    """One worker's part of one level's global plan (pure data; built by :func:`split_level`).

    Closed loop: ``streams`` are the global stream indices this worker runs, ``stream_starts_s``
    their start offsets from the level start (the global ramp-up), and ``prompt_positions`` the
    positions (in the level's prompt list) of the prompts it sends, in order. Open loop:
    ``arrivals`` are (offset from the level start, prompt position) pairs.
    """

    worker: int
    kind: str  # closed | open
    streams: tuple[int, ...] = ()
    stream_starts_s: tuple[float, ...] = ()
    prompt_positions: tuple[int, ...] = ()
    arrivals: tuple[tuple[float, int], ...] = ()

    @property
    def n_requests(self) -> int:
        """Requests across every share."""
        return len(self.prompt_positions) if self.kind == "closed" else len(self.arrivals)


def split_level(level: LoadLevel, n_prompts: int, workers: int, seed: int) -> list[WorkerShare]:
    """Split one level's global plan over ``workers`` so that the aggregate is the plan (pure).

    The global plan depends on the level and the seed only, never on ``workers``:

    - closed loop: ``min(concurrency, n_prompts)`` streams; stream ``j`` starts at
      ``j · ramp_s / streams`` (global ramp-up); streams are dealt round-robin (worker ``w`` runs
      streams ``w, w + W, …``), so every worker's ramp interleaves with the others'. Prompt ``k`` is
      sent by the worker that owns stream ``k mod streams`` (each worker's share of the prompts is
      proportional to its streams, ±1). Within a worker, its streams take its prompts in order as
      they free up (the one-process client's behaviour).
    - open loop: the arrival offsets are drawn once for the level
      (:func:`arrival_offsets_s` with ``seed + level``), exactly as the one-process client draws
      them, and dealt round-robin in time order; each worker sends its arrivals at their global
      offsets from one common start.

    No worker gets an empty share: fewer shares than ``workers`` are returned when the level has
    fewer streams (closed) or requests (open) than workers.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if level.concurrency is not None:
        n_streams = max(1, min(level.concurrency, n_prompts))
        w_used = min(workers, n_streams)
        starts = [j * level.ramp_s / n_streams if level.ramp_s > 0 else 0.0 for j in range(n_streams)]
        shares = []
        for w in range(w_used):
            streams = tuple(range(w, n_streams, w_used))
            owned = set(streams)
            shares.append(
                WorkerShare(
                    worker=w,
                    kind="closed",
                    streams=streams,
                    stream_starts_s=tuple(starts[j] for j in streams),
                    prompt_positions=tuple(k for k in range(n_prompts) if k % n_streams in owned),
                )
            )
        return shares
    rate = level.request_rate if level.request_rate is not None else math.inf
    offsets = arrival_offsets_s(n_prompts, rate, level.burstiness, seed + level.level)
    w_used = max(1, min(workers, n_prompts))
    return [
        WorkerShare(worker=w, kind="open", arrivals=tuple((offsets[k], k) for k in range(w, n_prompts, w_used)))
        for w in range(w_used)
    ]


def global_schedule(shares: Sequence[WorkerShare]) -> list[tuple[float, int, int]]:
    """The global plan the shares add up to, independent of how it was split (pure):
    closed loop, one ``(start_s, stream, 0)`` per stream then ``(-1, prompt position, stream mod)``
    per prompt; open loop, ``(offset_s, prompt position, 0)`` per arrival; sorted."""
    out: list[tuple[float, int, int]] = []
    for s in shares:
        if s.kind == "closed":
            n = sum(len(x.streams) for x in shares)
            out += [(t, j, 0) for t, j in zip(s.stream_starts_s, s.streams)]
            out += [(-1.0, k, k % n) for k in s.prompt_positions]
        else:
            out += [(t, k, 0) for t, k in s.arrivals]
    return sorted(out)

"""Load plans: parse levels, and the arrival schedule of open-loop levels (pure)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

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

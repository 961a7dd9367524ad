"""Read a throughput at a latency bound from measured or published levels (pure).

The one reading used by the analysis notebook (maximum throughput at an SLO) and by verdicts:
linear interpolation between the two levels that bracket the bound, never extrapolation. A level
within ``LATENCY_AT_BOUND_REL`` (2 %) of the bound is read as *at* the bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

LATENCY_AT_BOUND_REL = 0.02
ReadKind = Literal["point", "interpolated", "lower_bound", "upper_bound"]


def _interp(x0: float, y0: float, x1: float, y1: float, x: float) -> float:
    if x1 == x0:
        return y0
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def read_at_bound(
    points: Sequence[tuple[str, float, float]], bound: float
) -> tuple[float, ReadKind, tuple[str, str] | None, str]:
    """Throughput at ``latency = bound`` from (label, latency, throughput) levels.

    Returns (value, kind, bracket, explanation). Never extrapolates: outside the measured range
    the result is a lower or upper bound.
    """
    if not points:
        raise ValueError("no levels to read from")
    pts = sorted(points, key=lambda p: (p[1], p[2]))
    under = [p for p in pts if p[1] <= bound]
    over = [p for p in pts if p[1] > bound]
    near = [p for p in pts if abs(p[1] - bound) <= LATENCY_AT_BOUND_REL * bound]
    if under and over:
        lo, hi = under[-1], over[0]
        if lo[1] == bound:
            return lo[2], "point", None, f"level {lo[0]} is at the bound ({lo[1]:g} ms)"
        v = _interp(lo[1], lo[2], hi[1], hi[2], bound)
        return (
            v,
            "interpolated",
            (lo[0], hi[0]),
            f"linear interpolation between levels {lo[0]} ({lo[1]:g} ms, {lo[2]:g}) and "
            f"{hi[0]} ({hi[1]:g} ms, {hi[2]:g}) at {bound:g} ms",
        )
    if under:
        best = max(under, key=lambda p: p[2])
        if near and best in near:
            return (
                best[2],
                "point",
                None,
                f"level {best[0]} at {best[1]:g} ms reads as at the {bound:g} ms bound (within 2 %)",
            )
        return (
            best[2],
            "lower_bound",
            None,
            (f"every level is under {bound:g} ms; best level {best[0]} ({best[1]:g} ms) is a lower bound"),
        )
    first = over[0]
    if near and first in near:
        return (
            first[2],
            "point",
            None,
            f"level {first[0]} at {first[1]:g} ms reads as at the {bound:g} ms bound (within 2 %)",
        )
    return (
        first[2],
        "upper_bound",
        None,
        (f"every level is over {bound:g} ms; lowest-latency level {first[0]} ({first[1]:g} ms) is an upper bound"),
    )

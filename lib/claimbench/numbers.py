"""The one validation path for numbers that come from outside: measure options, peer result
files (and, through the same function, claims and references). A number is of the right type
(not a bool, not text), finite, and in its range; otherwise :class:`BadNumber` says which and
the caller prefixes where it came from (``--duration``, ``bench.json: field output_throughput``)
to make the one-line :class:`~claimbench.errors.UserError`.
"""

from __future__ import annotations

import math
from typing import Any


class BadNumber(ValueError):
    """A number of the wrong type, not finite, or out of range (message names it)."""


def _fmt(x: float) -> str:
    if isinstance(x, int):
        return f"{x:,}"
    return f"{int(x):,}" if x.is_integer() and abs(x) < 1e15 else f"{x:g}"


def checked_number(
    value: Any,
    name: str,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    integer: bool = False,
) -> Any:
    """``value`` unchanged when it is a finite number (an integer if ``integer``) in
    ``[lo, hi]`` (``(lo, hi]`` with ``lo_open``); None stays None. Else :class:`BadNumber`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadNumber(f"{name} must be a number, got {str(value)[:40]!r}")
    if not math.isfinite(value):
        raise BadNumber(f"{name} must be a finite number, got {value!r}")
    if integer and not isinstance(value, int):
        raise BadNumber(f"{name} must be an integer, got {value!r}")
    below = lo is not None and (value < lo or (lo_open and value == lo))
    above = hi is not None and value > hi
    if below or above:
        parts = []
        if lo is not None:
            parts.append(f"greater than {_fmt(lo)}" if lo_open else f"at least {_fmt(lo)}")
        if hi is not None:
            parts.append(f"at most {_fmt(hi)}")
        raise BadNumber(f"{name} must be {' and '.join(parts)}, got {value!r}")
    return value

"""The value algebra (pure): what an observed quantity is, how arithmetic carries it, and what it can decide.

Every observed quantity is one of four kinds:

* ``point`` (``interpolated`` is a point read between two measured levels) — the value itself, with
  an interval when one is known;
* ``lower_bound`` — the true value is at least this (a latency-limited point read for a claim on
  the maximum; a figure taken at a tighter latency bound than the claim's);
* ``upper_bound`` — the true value is at most this;
* ``unknown`` — nothing can be said about the direction (a ratio of two lower bounds).

Arithmetic on positive quantities propagates the kind (:func:`divide`, :func:`multiply`,
:func:`reciprocal`): ``lower ÷ upper = lower``, ``lower ÷ point = lower``, ``point ÷ lower = upper``,
``lower ÷ lower = unknown``; ``lower × lower = lower``, ``lower × upper = unknown``. A per-W or
per-$ conversion multiplies by a positive constant (kind kept); USD per token and 1000 / TPOT are
reciprocals (kind flipped).

The class follows from the kind and the comparator (:func:`decide`): a lower bound can support a
``>=`` claim (the value is at least the bound, which already meets it) and refute a ``<=`` claim,
never the reverse; an upper bound the mirror image; ``unknown`` decides nothing (INCONCLUSIVE).
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Kind", "bound_word", "decide", "divide", "multiply", "normal_kind", "reciprocal"]

Kind = Literal["point", "lower_bound", "upper_bound", "unknown"]
"""What an observed value says about the true one (``interpolated`` reads are points)."""

_FLIP: dict[str, Kind] = {
    "point": "point",
    "lower_bound": "upper_bound",
    "upper_bound": "lower_bound",
    "unknown": "unknown",
}


def normal_kind(kind: str) -> Kind:
    """A read kind as a value kind: ``interpolated`` is a point; anything unrecognised is unknown."""
    if kind == "interpolated":
        return "point"
    if kind in _FLIP:
        return kind  # type: ignore[return-value]  # checked against the four kinds just above
    return "unknown"


def bound_word(kind: str) -> str:
    """What a value of this kind is, as the words before it: ``at least `` (a lower bound), ``at most `` (an upper
    bound), nothing for a point or an unknown kind (the caller says that it bounds nothing)."""
    return {"lower_bound": "at least ", "upper_bound": "at most "}.get(normal_kind(kind), "")


def reciprocal(kind: str) -> Kind:
    """The kind of 1 / x (x > 0): a lower bound of x is an upper bound of 1 / x."""
    return _FLIP[normal_kind(kind)]


def multiply(a: str, b: str) -> Kind:
    """The kind of x × y (x, y > 0): bounds in the same direction keep it; opposite ones lose it."""
    ka, kb = normal_kind(a), normal_kind(b)
    if "unknown" in (ka, kb):
        return "unknown"
    if ka == "point":
        return kb
    if kb == "point" or ka == kb:
        return ka
    return "unknown"


def divide(a: str, b: str) -> Kind:
    """The kind of x ÷ y (x, y > 0) = x × (1 / y): ``lower ÷ upper = lower``, ``lower ÷ lower = unknown``."""
    return multiply(a, reciprocal(b))


def _decide_ge(kind: Kind, lo: float, hi: float, t: float) -> str:
    """``observed >= t``."""
    can_support = kind in ("point", "lower_bound")
    can_refute = kind in ("point", "upper_bound")
    if can_support and lo >= t:
        return "SUPPORTED"
    if can_refute and hi < t:
        return "REFUTED"
    return "INCONCLUSIVE"


def _decide_le(kind: Kind, lo: float, hi: float, t: float) -> str:
    """``observed <= t``."""
    can_support = kind in ("point", "upper_bound")
    can_refute = kind in ("point", "lower_bound")
    if can_support and hi <= t:
        return "SUPPORTED"
    if can_refute and lo > t:
        return "REFUTED"
    return "INCONCLUSIVE"


def _decide_approx(kind: Kind, lo: float, hi: float, a: float, b: float) -> str:
    """``a <= observed <= b``: only a point can support; a bound refutes from its own side."""
    if kind == "point" and a <= lo and hi <= b:
        return "SUPPORTED"
    if kind in ("point", "upper_bound") and hi < a:
        return "REFUTED"
    if kind in ("point", "lower_bound") and lo > b:
        return "REFUTED"
    return "INCONCLUSIVE"


def decide(
    comparator: str,
    claimed: float,
    tolerance_rel: float | None,
    observed: float,
    kind: str,
    interval: tuple[float, float] | None,
    value_pm: float | None = None,
) -> str:
    """SUPPORTED / REFUTED / INCONCLUSIVE for one observation of the claim's metric.

    ``kind`` is the observation's value kind (``interpolated`` counts as a point). ``value_pm``: the
    claimed figure's own stated precision (a claim of "1,943" is 1,942.5–1,943.5), which widens the
    threshold by that much."""
    tol = tolerance_rel or 0.0
    lo, hi = interval if interval is not None else (observed, observed)
    pm = value_pm or 0.0
    k = normal_kind(kind)
    if comparator == ">=":
        return _decide_ge(k, lo, hi, claimed * (1.0 - tol) - pm)
    if comparator == "<=":
        return _decide_le(k, lo, hi, claimed * (1.0 + tol) + pm)
    if comparator == "approx":
        return _decide_approx(k, lo, hi, claimed * (1.0 - tol) - pm, claimed * (1.0 + tol) + pm)
    raise ValueError(f"comparator {comparator!r} is not numeric")

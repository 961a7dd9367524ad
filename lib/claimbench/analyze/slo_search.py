"""Maximum throughput under a latency SLO with few load levels (pure algorithm, no I/O).

A load level is expensive (seconds to minutes of real serving), so the search spends as few as it
can. The caller passes ``run_level(concurrency) -> summary row`` (a mapping with at least the
throughput column, ``output_tok_per_s`` by default, and the SLO column, e.g. ``tpot_p50_ms``) and
an :class:`SLO`. The search:

1. **Brackets** the frontier: it starts at ``start`` concurrency, grows geometrically (``growth``×)
   until it has two points, then extrapolates the SLO metric linearly in concurrency (through the
   lowest and the highest passing level, the widest baseline) to jump close to where it crosses the bound (the jump is capped at ``max_jump``× and at ``max_concurrency``),
   until one level passes the SLO and a higher one violates it.
2. **Narrows** the bracket ``[lo, hi]`` (``lo`` = highest passing concurrency below ``hi``, the
   lowest violating one) by safeguarded false position: the next concurrency is where the straight
   line between the two bracket points crosses the bound, aimed ``aim_below`` under it (so it
   tends to land on a passing level), kept at least 10 % of the bracket away from either end, and
   replaced by the geometric midpoint when the same end moved twice in a row (Illinois-style
   safeguard against a curved or noisy frontier).
3. Stops when the bracket is tight, i.e. ``throughput(hi) / throughput(lo) − 1 ≤ tolerance``
   (throughput grows with concurrency, so the best throughput that meets the SLO lies in
   ``[throughput(lo), throughput(hi)]`` and the reported ``throughput(lo)`` is within
   ``tolerance`` of it), when ``hi − lo ≤ 1`` (integer concurrency cannot be refined), or when
   ``max_levels`` levels were run.

The result (:class:`SearchResult`) names every level tried, the bracket, the chosen level (the
highest-throughput passing level measured), the achieved precision and whether it converged.
Outcomes: ``converged``, ``max_levels`` (ran out of levels; the precision says how close it got),
``slo_unmet`` (violated even at the lowest concurrency), ``never_violated`` (met up to
``max_concurrency``: the throughput is a lower bound), ``failed`` (a level produced no value).

:func:`doubling_grid` runs the usual baseline (1, 2, 4, … until the SLO breaks) and returns the
same result type; :func:`compare` puts the two side by side.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["SLO", "LevelPoint", "SearchResult", "find_max_under_slo", "doubling_grid", "compare"]

RunLevel = Callable[[int], Mapping[str, Any]]


@dataclass(frozen=True)
class SLO:
    """``metric`` (``tpot_ms``, ``ttft_ms``, ``itl_ms``, ``e2el_ms``) at ``percentile`` must stay
    ≤ ``bound``. The summary column read is ``{metric minus _ms}_p{percentile}_ms``."""

    metric: str
    bound: float
    percentile: float = 50

    def __post_init__(self) -> None:
        if not self.metric.endswith("_ms"):
            raise ValueError(f"SLO metric must be a *_ms latency, got {self.metric!r}")
        if not (self.bound > 0 and math.isfinite(self.bound)):
            raise ValueError(f"SLO bound must be a positive finite number, got {self.bound!r}")
        if not 0 < self.percentile <= 100:
            raise ValueError(f"SLO percentile must be in (0, 100], got {self.percentile!r}")

    @classmethod
    def parse(cls, text: str, percentile: float = 50) -> SLO:
        """``"tpot_ms=50"`` → ``SLO("tpot_ms", 50.0, percentile)``."""
        name, sep, value = text.partition("=")
        if not sep:
            raise ValueError(f"SLO must be METRIC=VALUE (e.g. tpot_ms=50), got {text!r}")
        try:
            bound = float(value)
        except ValueError:
            raise ValueError(f"SLO {name.strip()}: {value!r} is not a number") from None
        return cls(name.strip(), bound, percentile)

    @property
    def column(self) -> str:
        """The summary column the bound applies to (e.g. ``tpot_p99_ms``)."""
        p = int(self.percentile) if float(self.percentile).is_integer() else self.percentile
        return f"{self.metric[:-3]}_p{p}_ms"

    def describe(self) -> str:
        """The SLO as text, e.g. ``p99 tpot_ms <= 50``."""
        p = int(self.percentile) if float(self.percentile).is_integer() else self.percentile
        return f"p{p} {self.metric} <= {self.bound:g}"


@dataclass
class LevelPoint:
    """One level run: its concurrency, SLO metric value, throughput and whether it met the SLO."""

    concurrency: int
    metric: float | None
    throughput: float | None
    meets: bool
    phase: str  # start | bracket | narrow | grid
    row: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class SearchResult:
    """How an SLO search ended: the levels run, the best level within the bound and warnings."""

    slo: SLO
    throughput_column: str
    outcome: str  # converged | max_levels | slo_unmet | never_violated | failed
    levels: list[LevelPoint]  # in the order they were run
    bracket: tuple[int | None, int | None]  # (highest passing below hi, lowest violating)
    chosen: LevelPoint | None  # the passing level with the highest throughput
    precision: float | None  # throughput(hi) / throughput(chosen) - 1 (None without a bracket)
    tolerance: float
    max_levels: int

    @property
    def converged(self) -> bool:
        """Whether the search narrowed the crossing down to its tolerance."""
        return self.outcome == "converged"

    @property
    def warnings(self) -> list[str]:
        """Signs that the frontier measured is not monotone (noise), which the bracket assumes."""
        out = []
        passing = [(p.concurrency, p.throughput) for p in self.levels if p.meets and p.throughput is not None]
        for v in self.levels:
            if v.meets or v.throughput is None:
                continue
            lower_passing = [tp for c, tp in passing if c < v.concurrency and tp > v.throughput]
            if lower_passing:
                out.append(
                    f"non-monotone frontier: concurrency {v.concurrency} broke the SLO at {v.throughput:,.0f} tok/s, "
                    f"below {max(lower_passing):,.0f} tok/s that passed at a lower concurrency; "
                    "the levels are noisy (use warmup, longer levels or repeats)"
                )
        for c, _tp in passing:
            higher_failing = [v for v in self.levels if not v.meets and v.concurrency < c]
            if higher_failing:
                out.append(
                    f"non-monotone frontier: concurrency {c} met the SLO although "
                    f"{min(v.concurrency for v in higher_failing)} broke it"
                )
                break
        return out

    @property
    def n_levels(self) -> int:
        """How many levels the search ran."""
        return len(self.levels)

    @property
    def max_throughput(self) -> float | None:
        """Highest measured throughput that met the SLO (a lower bound of the true maximum)."""
        return self.chosen.throughput if self.chosen else None

    @property
    def upper_bound(self) -> float | None:
        """Throughput at the lowest violating level: the true maximum under the SLO is below it
        when throughput grows with concurrency."""
        hi = self._point(self.bracket[1])
        return hi.throughput if hi else None

    def _point(self, c: int | None) -> LevelPoint | None:
        if c is None:
            return None
        for p in self.levels:
            if p.concurrency == c:
                return p
        return None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (summary rows left out)."""
        return {
            "slo": {**asdict(self.slo), "column": self.slo.column},
            "throughput_column": self.throughput_column,
            "outcome": self.outcome,
            "converged": self.converged,
            "n_levels": self.n_levels,
            "levels": [{k: v for k, v in asdict(p).items() if k != "row"} for p in self.levels],
            "bracket": list(self.bracket),
            "chosen_concurrency": self.chosen.concurrency if self.chosen else None,
            "max_throughput": self.max_throughput,
            "upper_bound": self.upper_bound,
            "precision": self.precision,
            "tolerance": self.tolerance,
            "max_levels": self.max_levels,
            "warnings": self.warnings,
        }


def _num(row: Mapping[str, Any], key: str) -> float | None:
    v = row.get(key)
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


class _Book:
    """Levels run so far, keyed by concurrency (a concurrency is never run twice)."""

    def __init__(self, run_level: RunLevel, slo: SLO, throughput_column: str, max_levels: int):
        self.run_level, self.slo, self.col, self.max_levels = run_level, slo, throughput_column, max_levels
        self.points: list[LevelPoint] = []

    def run(self, c: int, phase: str) -> LevelPoint:
        for p in self.points:
            if p.concurrency == c:
                return p
        row = dict(self.run_level(int(c)) or {})
        m = _num(row, self.slo.column)
        thr = _num(row, self.col)
        p = LevelPoint(int(c), m, thr, m is not None and m <= self.slo.bound, phase, row)
        self.points.append(p)
        return p

    @property
    def left(self) -> int:
        return self.max_levels - len(self.points)

    def bracket(self) -> tuple[LevelPoint | None, LevelPoint | None]:
        fails = [p for p in self.points if not p.meets]
        hi = min(fails, key=lambda p: p.concurrency) if fails else None
        passes = [p for p in self.points if p.meets and (hi is None or p.concurrency < hi.concurrency)]
        lo = max(passes, key=lambda p: p.concurrency) if passes else None
        return lo, hi

    def chosen(self) -> LevelPoint | None:
        passes = [p for p in self.points if p.meets and p.throughput is not None]
        return max(passes, key=lambda p: (p.throughput, -p.concurrency)) if passes else None


def _precision(lo: LevelPoint | None, hi: LevelPoint | None, chosen: LevelPoint | None) -> float | None:
    if hi is None or chosen is None or hi.throughput is None or not chosen.throughput:
        return None
    return max(0.0, hi.throughput / chosen.throughput - 1.0)


def _tight(lo: LevelPoint | None, hi: LevelPoint | None, chosen: LevelPoint | None, tol: float) -> bool:
    if lo is None or hi is None:
        return False
    if hi.concurrency - lo.concurrency <= 1:
        return True
    prec = _precision(lo, hi, chosen)
    return prec is not None and prec <= tol


def _crossing(a: LevelPoint, b: LevelPoint, bound: float) -> float | None:
    """Concurrency where the straight line through a and b reaches ``bound`` (None if flat)."""
    if a.metric is None or b.metric is None or a.concurrency == b.concurrency:
        return None
    slope = (b.metric - a.metric) / (b.concurrency - a.concurrency)
    if slope <= 0:
        return None
    return a.concurrency + (bound - a.metric) / slope


def _result(book: _Book, outcome: str, tol: float) -> SearchResult:
    lo, hi = book.bracket()
    chosen = book.chosen()
    return SearchResult(
        slo=book.slo,
        throughput_column=book.col,
        outcome=outcome,
        levels=list(book.points),
        bracket=(lo.concurrency if lo else None, hi.concurrency if hi else None),
        chosen=chosen,
        precision=_precision(lo, hi, chosen),
        tolerance=tol,
        max_levels=book.max_levels,
    )


def find_max_under_slo(
    run_level: RunLevel,
    slo: SLO,
    *,
    start: int = 1,
    max_concurrency: int = 4096,
    max_levels: int = 6,
    tolerance: float = 0.05,
    growth: float = 8.0,
    max_jump: float = 16.0,
    aim_below: float = 0.03,
    throughput_column: str = "output_tok_per_s",
) -> SearchResult:
    """Search the highest throughput whose ``slo`` holds, running at most ``max_levels`` levels.

    See the module docstring for the strategy. ``run_level`` is called with distinct integer
    concurrencies in ``[1, max_concurrency]``; a row lacking the SLO column counts as a violation
    (the level produced nothing usable), except at the very first level, which ends the search
    with outcome ``failed``.
    """
    if max_levels < 2:
        raise ValueError("max_levels must be at least 2")
    if not 1 <= start <= max_concurrency:
        raise ValueError(f"start must be in [1, max_concurrency], got {start}")
    if not 0 < tolerance < 1:
        raise ValueError(f"tolerance must be in (0, 1), got {tolerance}")
    if growth <= 1 or max_jump <= 1:
        raise ValueError("growth and max_jump must be > 1")
    book = _Book(run_level, slo, throughput_column, max_levels)
    first = book.run(start, "start")
    if first.metric is None:
        return _result(book, "failed", tolerance)

    # 1. bracket: find a violating level above a passing one
    if not first.meets:
        # violated at the start: walk down geometrically (down to concurrency 1)
        c = start
        while book.left > 0 and c > 1:
            c = max(1, int(c // growth))
            if book.run(c, "bracket").meets:
                break
        lo, hi = book.bracket()
        if lo is None:
            return _result(book, "slo_unmet" if hi is not None and hi.concurrency == 1 else "max_levels", tolerance)
    lo, hi = book.bracket()
    while hi is None:
        assert lo is not None  # the start passed, or walking down found a pass
        if book.left <= 0:
            return _result(book, "max_levels", tolerance)
        if lo.concurrency >= max_concurrency:
            return _result(book, "never_violated", tolerance)
        passes = sorted((p for p in book.points if p.meets and p.metric is not None), key=lambda p: p.concurrency)
        nxt = lo.concurrency * growth
        if len(passes) >= 2:
            # the widest baseline (lowest and highest passing level) is the least sensitive to noise
            x = _crossing(passes[0], passes[-1], slo.bound)
            if x is not None:
                nxt = x * (1 + aim_below)  # land just past the predicted crossing to close the bracket
        nxt = min(max(nxt, lo.concurrency * 1.5, lo.concurrency + 1), lo.concurrency * max_jump, max_concurrency)
        book.run(int(math.ceil(nxt)), "bracket")
        lo, hi = book.bracket()

    # 2. narrow the bracket
    last_moved: list[str] = []
    while True:
        lo, hi = book.bracket()
        chosen = book.chosen()
        if lo is None:
            # the start failed and walking down found no pass within the level budget
            return _result(book, "max_levels", tolerance)
        if _tight(lo, hi, chosen, tolerance):
            return _result(book, "converged", tolerance)
        if book.left <= 0:
            return _result(book, "max_levels", tolerance)
        assert hi is not None  # the bracket loop above ends only with a violating level
        span = hi.concurrency - lo.concurrency
        x = _crossing(lo, hi, slo.bound)
        if x is None or (len(last_moved) >= 2 and last_moved[-1] == last_moved[-2]):
            x = math.sqrt(lo.concurrency * hi.concurrency)  # geometric bisection
        else:
            x = x * (1 - aim_below)
        x = min(max(x, lo.concurrency + 0.1 * span), hi.concurrency - 0.1 * span)
        c = int(round(x))
        c = min(max(c, lo.concurrency + 1), hi.concurrency - 1)
        p = book.run(c, "narrow")
        last_moved.append("lo" if p.meets else "hi")


def doubling_grid(
    run_level: RunLevel,
    slo: SLO,
    *,
    start: int = 1,
    max_concurrency: int = 4096,
    max_levels: int = 64,
    tolerance: float = 0.05,
    throughput_column: str = "output_tok_per_s",
) -> SearchResult:
    """Baseline: run ``start, 2·start, 4·start …`` until the SLO is violated (or the cap)."""
    book = _Book(run_level, slo, throughput_column, max_levels)
    c = start
    outcome = "max_levels"
    while book.left > 0:
        p = book.run(c, "grid")
        if p.metric is None and len(book.points) == 1:
            outcome = "failed"
            break
        if not p.meets:
            lo, hi = book.bracket()
            chosen = book.chosen()
            outcome = "slo_unmet" if lo is None else ("converged" if _tight(lo, hi, chosen, tolerance) else "bracketed")
            break
        if c >= max_concurrency:
            outcome = "never_violated"
            break
        c = min(c * 2, max_concurrency)
    return _result(book, outcome, tolerance)


def compare(search: SearchResult, grid: SearchResult, true_max: float | None = None) -> dict[str, Any]:
    """The search and the doubling grid side by side (levels run, answer, precision, and the error
    against ``true_max`` when it is known, as for a synthetic frontier)."""

    def one(r: SearchResult) -> dict[str, Any]:
        d = {
            "outcome": r.outcome,
            "n_levels": r.n_levels,
            "concurrencies": [p.concurrency for p in r.levels],
            "chosen_concurrency": r.chosen.concurrency if r.chosen else None,
            "max_throughput": r.max_throughput,
            "upper_bound": r.upper_bound,
            "precision": r.precision,
        }
        if true_max:
            d["error_vs_true"] = None if r.max_throughput is None else r.max_throughput / true_max - 1.0
        return d

    return {"slo": search.slo.describe(), "true_max": true_max, "search": one(search), "doubling_grid": one(grid)}

"""The region form (pure): "cheaper across most of the frontier", "faster below 50 tok/s/user", "gains across
the entire Pareto frontier" (``predicate.form: region`` / ``everywhere``, a ratio claim).

Each side's **frontier** is one evidence record's load points, throughput (on the reading's basis) against
interactivity = 1000 / mean TPOT (tok/s/user), keeping the Pareto-optimal points. A point with a measured mean
TPOT is placed at 1000 / TPOT; a ``latency-limited`` point that gives only its TPOT ceiling is the best
throughput under that ceiling, i.e. the frontier at 1000 / ceiling (statistic not stated: read as the engine
reads a ceiling for a bound of unstated statistic); any other point with only a ceiling is a *lower bound*
there. Between two points of the same record the frontier is linear; it is never extended beyond a record's
measured range: outside the range both frontiers cover ("overlap") is ``NOT-MEASURED``, a region of its own.

The claim ``A's metric / B's metric <comparator> v`` becomes, in throughput space, ``y_A(x) - k·y_B(x) ≥ 0`` (or
≤ 0) with ``k`` from the claimed factor, its tolerance and the two per-card conversions (per W, per $, $ per
Mtok: a decreasing conversion flips the comparator). On each interval between breakpoints (the points of both
frontiers) that difference is linear, so it changes sign at most once: the root is the **crossover**. Every
piece is decided with the value algebra (:func:`claimbench.judge.verdict.algebra.decide`) on the ratio at its
midpoint with the kind of ``divide(kind_A, kind_B)`` — bounds stay bounds (a ratio of two lower bounds decides
nothing). Adjacent pieces of one class are merged.

**Precision.** Each frontier point carries its stated precision ``± e`` (``LoadPoint.throughput_pm`` through the
same basis conversion as its value); a measured level without one takes the larger side of its per-request
percentile bootstrap (:func:`~claimbench.judge.verdict.intervals.sampled_pm`); neither: exact. Worst case,
hand-checkable: between two points the frontier is ``y ± e`` with both interpolated linearly
(``(1-t)·(y0 ± e0) + t·(y1 ± e1)``), and the ratio's interval is ``[(y_A - e_A) / (y_B + e_B), (y_A + e_A) /
(y_B - e_B)]`` (:func:`~claimbench.judge.verdict.intervals.stated_ratio_interval`). Both ends are
linear-fractional in the interactivity, so the axis is also cut where an end meets a threshold: on every piece
the ratio, its interval and their class are then of one sign, and the piece is decided with
``decide(..., interval=...)`` — an interval that straddles the threshold is INCONCLUSIVE. Each **crossover**
(where the ratio itself crosses the threshold) comes with the interval of interactivity around it where the
ratio's interval straddles it (a single point when the figures are exact). An ``approx`` claim ("matches B200")
is a band ``[v·(1 - tol), v·(1 + tol)]``: SUPPORTED only where the whole interval lies in it.

The **scope** is the claim's range (``region.interactivity_min/max_tok_s_user``; a missing end is the end of
what either frontier measured). Shares are lengths on the interactivity axis: ``supported_share`` is the
supported length over the overlap within the scope. The verdict: SUPPORTED when the supported length is at
least ``min_share`` (``everywhere``: 1) of the whole scope (a not-measured or inconclusive part counts
against it); REFUTED when the refuted length already exceeds ``1 - min_share`` of the scope (the claim
cannot reach its share even if every undecided part supported it); INCONCLUSIVE otherwise;
NOT-COMPARABLE when the two frontiers do not overlap inside the scope.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from claimbench.judge.verdict.algebra import _decide_approx, decide, divide, multiply, normal_kind
from claimbench.judge.verdict.corroboration import _LABEL, _weakest
from claimbench.judge.verdict.derived import _transform
from claimbench.judge.verdict.explain import _base, _caveats, _differences, _empty, _hints, _unverifiable
from claimbench.judge.verdict.index import by_id as evidence_by_id
from claimbench.judge.verdict.intervals import sampled_pm, stated_ratio_interval
from claimbench.judge.verdict.ratio import _best_ratio_pair, _pair_comps, _ratio_side_missing, _ratio_sides
from claimbench.judge.verdict.types import (
    EvidenceUse,
    FrontierPoint,
    RegionReading,
    RegionSpan,
    Verdict,
    VerdictConfig,
)
from claimbench.judge.verdict.unknowns import unknown_cap
from claimbench.schema.claims import Claim, ResolvedReading
from claimbench.schema.evidence import Evidence, LoadPoint

__all__ = ["frontier_of", "judge_region", "region_reading"]

NOT_MEASURED = "NOT-MEASURED"
_EPS = 1e-9


def _x_of(p: LoadPoint) -> tuple[float, str] | None:
    """(interactivity, kind of the throughput read there) of a load point, or None when it has no TPOT."""
    if p.tpot_mean_ms is not None and p.tpot_mean_ms > 0:
        return 1000.0 / p.tpot_mean_ms, "point"
    if p.tpot_limit_ms is not None:
        return 1000.0 / p.tpot_limit_ms, "point" if p.operating_point == "latency-limited" else "lower_bound"
    return None


def _pm_of(ev: Evidence, p: LoadPoint, metric: str, cfg: VerdictConfig | None) -> float:
    """A point's ± on its own basis: the stated precision, else (with ``cfg``) its per-request bootstrap, else 0."""
    if metric != "output_tok_per_s":
        return 0.0
    if p.throughput_pm is not None:
        return p.throughput_pm
    if cfg is None:
        return 0.0
    return sampled_pm(p, cfg, f"{ev.id}#{p.level}") or 0.0


def frontier_of(
    ev: Evidence, metric: str, factor: float, side: str, cfg: VerdictConfig | None = None
) -> list[FrontierPoint]:
    """The record's Pareto frontier (throughput × ``factor`` against interactivity), by interactivity.

    A point is dropped when another reaches at least its interactivity and its throughput, one of them higher.
    Each point's ± is :func:`_pm_of` × ``factor`` (per-request bootstraps only with ``cfg``)."""
    pts: list[tuple[FrontierPoint, LoadPoint]] = []
    for p in ev.points:
        y, xk = getattr(p, metric), _x_of(p)
        if y is None or xk is None:
            continue
        pts.append((FrontierPoint(side, ev.id, xk[0], y * factor, xk[1], p.level), p))
    keep = [
        (a, p)
        for a, p in pts
        if not any(
            b is not a
            and b.interactivity >= a.interactivity
            and b.value >= a.value
            and (b.interactivity, b.value) != (a.interactivity, a.value)
            for b, _ in pts
        )
    ]
    out = [replace(a, pm=_pm_of(ev, p, metric, cfg) * factor) for a, p in keep]
    return sorted(out, key=lambda q: q.interactivity)


def _at(front: Sequence[FrontierPoint], x: float) -> tuple[float, str, float]:
    """The frontier at ``x`` (inside its measured range): linear between the two bracketing points of the
    record; the kind is what both ends allow together (a point and a lower bound give a lower bound); the
    stated precision is interpolated the same way (worst case of ``(1-t)·(y0 ± e0) + t·(y1 ± e1)``)."""
    for a, b in zip(front, front[1:]):
        if a.interactivity - _EPS <= x <= b.interactivity + _EPS:
            span = b.interactivity - a.interactivity
            t = 0.0 if span <= 0 else (x - a.interactivity) / span
            return a.value + t * (b.value - a.value), multiply(a.kind, b.kind), a.pm + t * (b.pm - a.pm)
    only = min(front, key=lambda q: abs(q.interactivity - x))
    return only.value, only.kind, only.pm


def _ratio_at(fa, fb, x: float) -> tuple[float, tuple[float, float], str]:
    """(y_A / y_B, its worst-case interval at the points' stated precision, its kind) at ``x``."""
    ya, ka, ea = _at(fa, x)
    yb, kb, eb = _at(fb, x)
    return ya / yb, stated_ratio_interval(ya, ea, yb, eb), divide(ka, kb)


def _position(r: float, ks: Sequence[float]) -> int:
    """Which side of the thresholds ``r`` is on: how many of them it reaches."""
    return sum(1 for k in ks if r >= k)


def _scope(
    fa: Sequence[FrontierPoint], fb: Sequence[FrontierPoint], lo: float | None, hi: float | None
) -> tuple[float, float]:
    """The claim's range; a missing end is the end of what either frontier measured."""
    xs = [q.interactivity for q in (*fa, *fb)]
    return (lo if lo is not None else min(xs), hi if hi is not None else max(xs))


def _gaps(fa, fb, ks: Sequence[float]):
    """The functions whose sign decides a piece: ``y_A - k·y_B`` and the two interval ends against each ``k``."""
    out = []
    for k in ks:
        out.append(lambda x, k=k: _at(fa, x)[0] - k * _at(fb, x)[0])
        out.append(lambda x, k=k: (_at(fa, x)[0] - _at(fa, x)[2]) - k * (_at(fb, x)[0] + _at(fb, x)[2]))
        out.append(lambda x, k=k: (_at(fa, x)[0] + _at(fa, x)[2]) - k * (_at(fb, x)[0] - _at(fb, x)[2]))
    return out


def _pieces(fa, fb, ks: Sequence[float], a: float, b: float) -> list[tuple[float, float]]:
    """The pieces of [a, b] on each of which the ratio and both ends of its interval keep their side of every
    threshold (all linear between breakpoints: cut at each root)."""
    xs = sorted({a, b} | {q.interactivity for q in (*fa, *fb) if a < q.interactivity < b})
    gaps = _gaps(fa, fb, ks)
    out: list[tuple[float, float]] = []
    for lo, hi in zip(xs, xs[1:]):
        cuts = {lo, hi}
        for g in gaps:
            g_lo, g_hi = g(lo), g(hi)
            if g_lo * g_hi < 0:
                cuts.add(lo + (hi - lo) * g_lo / (g_lo - g_hi))
        c = sorted(cuts)
        out += list(zip(c, c[1:]))
    return out or [(a, b)]  # a single shared interactivity: a range of zero length


def _decide_piece(cmp: str, ks: Sequence[float], r: float, iv: tuple[float, float], kind: str) -> str:
    """One piece's class from its midpoint ratio and interval (``approx``: the band ``ks``)."""
    if cmp == "approx":
        return _decide_approx(normal_kind(kind), iv[0], iv[1], ks[0], ks[1])
    return decide(cmp, ks[0], None, r, kind, iv)


def _crossover_intervals(marks: Sequence[tuple[float, float, int, bool]]) -> tuple[tuple[float, float], ...]:
    """Around each change of side of the ratio: the run of pieces whose interval straddles a threshold."""
    out = []
    for i in range(len(marks) - 1):
        if marks[i][2] == marks[i + 1][2]:
            continue
        lo = hi = marks[i][1]
        j = i
        while j >= 0 and marks[j][3]:
            lo, j = marks[j][0], j - 1
        j = i + 1
        while j < len(marks) and marks[j][3]:
            hi, j = marks[j][1], j + 1
        out.append((lo, hi))
    return tuple(out)


def _claim_interval(iv: tuple[float, float], to_claim: tuple[float, bool]) -> tuple[float, float]:
    """A throughput-ratio interval as the claim's metric ratio (c·r, or c / r with its ends swapped)."""
    c, decreasing = to_claim
    if decreasing:
        return (c / iv[1] if iv[1] > 0 else 0.0, c / iv[0] if iv[0] > 0 else math.inf)
    return c * iv[0], c * iv[1]


def region_reading(
    fa: Sequence[FrontierPoint],
    fb: Sequence[FrontierPoint],
    k: float | tuple[float, float],
    cmp: str,
    to_claim: tuple[float, bool],
    scope_lo: float | None = None,
    scope_hi: float | None = None,
) -> RegionReading:
    """Regions of the interactivity axis where ``y_A / y_B`` ``cmp`` ``k`` (``>=``, ``<=``, or ``approx``: inside the
    band ``k = (low, high)``) holds, fails or cannot say, each at the frontier points' stated precision.

    ``to_claim`` = (c, decreasing) turns a throughput ratio r into the claim's metric ratio (c·r, or c / r)."""
    ks = tuple(sorted(k)) if isinstance(k, tuple) else (k,)
    scope = _scope(fa, fb, scope_lo, scope_hi)
    lo = max(fa[0].interactivity, fb[0].interactivity, scope[0])
    hi = min(fa[-1].interactivity, fb[-1].interactivity, scope[1])
    spans: list[RegionSpan] = []
    marks: list[tuple[float, float, int, bool]] = []  # (low, high, side of the ratio, interval straddles)
    if lo <= hi:
        for x0, x1 in _pieces(fa, fb, ks, lo, hi):
            r, iv, kind = _ratio_at(fa, fb, (x0 + x1) / 2)
            cls = _decide_piece(cmp, ks, r, iv, kind)
            marks.append((x0, x1, _position(r, ks), _position(iv[0], ks) != _position(iv[1], ks)))
            ends = [_ratio_at(fa, fb, x) for x in (x0, x1)]  # each end monotone on a piece
            rs = [_claim_interval((e[0], e[0]), to_claim)[0] for e in ends]
            ivs = [_claim_interval(e[1], to_claim) for e in ends]
            if spans and spans[-1].verdict == cls and spans[-1].kind == kind:  # crossovers come from ``marks``
                prev = spans.pop()
                rs += [x for x in (prev.ratio_low, prev.ratio_high) if x is not None]
                if prev.interval_low is not None and prev.interval_high is not None:
                    ivs.append((prev.interval_low, prev.interval_high))
                x0 = prev.low
            iv_lo, iv_hi = min(i[0] for i in ivs), max(i[1] for i in ivs)
            spans.append(RegionSpan(x0, x1, cls, min(rs), max(rs), kind, iv_lo, iv_hi))
    crossovers = tuple(marks[i][1] for i in range(len(marks) - 1) if marks[i][2] != marks[i + 1][2])
    overlap = (lo, hi) if lo <= hi else None
    spans = _with_unmeasured(spans, scope, overlap)
    length = (hi - lo) if overlap else 0.0
    supported = sum(s.high - s.low for s in spans if s.verdict == "SUPPORTED")
    refuted = sum(s.high - s.low for s in spans if s.verdict == "REFUTED")
    return RegionReading(
        numerator=fa[0].evidence_id,
        denominator=fb[0].evidence_id,
        threshold=ks[0],
        comparator=cmp,
        scope=scope,
        overlap=overlap,
        spans=tuple(spans),
        crossovers=crossovers,
        supported_share=supported / length if length > 0 else None,
        refuted_share=refuted / length if length > 0 else None,
        frontier=tuple(fa) + tuple(fb),
        crossover_intervals=_crossover_intervals(marks),
    )


def _with_unmeasured(
    spans: list[RegionSpan], scope: tuple[float, float], overlap: tuple[float, float] | None
) -> list[RegionSpan]:
    """The scope outside the overlap as NOT-MEASURED spans around the measured ones."""
    if overlap is None:
        return [RegionSpan(scope[0], scope[1], NOT_MEASURED, None, None, "unknown")] if scope[1] > scope[0] else []
    before = [RegionSpan(scope[0], overlap[0], NOT_MEASURED, None, None, "unknown")] if overlap[0] > scope[0] else []
    after = [RegionSpan(overlap[1], scope[1], NOT_MEASURED, None, None, "unknown")] if scope[1] > overlap[1] else []
    return before + spans + after


def overall_class(reading: RegionReading, min_share: float) -> str:
    """SUPPORTED / REFUTED / INCONCLUSIVE / NOT-COMPARABLE of the whole reading (see the module docstring)."""
    if reading.overlap is None:
        return "NOT-COMPARABLE"
    total = reading.scope[1] - reading.scope[0]
    if total <= 0:  # a single interactivity: the one piece decides
        return reading.spans[0].verdict if reading.spans else "INCONCLUSIVE"
    supported = sum(s.high - s.low for s in reading.spans if s.verdict == "SUPPORTED")
    refuted = sum(s.high - s.low for s in reading.spans if s.verdict == "REFUTED")
    if min_share >= 1.0:
        if refuted > _EPS * total:
            return "REFUTED"
        return "SUPPORTED" if supported >= total * (1 - 1e-12) else "INCONCLUSIVE"
    if supported / total >= min_share:
        return "SUPPORTED"
    if refuted / total > 1.0 - min_share:
        return "REFUTED"
    return "INCONCLUSIVE"


def _threshold(claim: Claim, tf_a, tf_b) -> tuple[float | tuple[float, float], str, tuple[float, bool]]:
    """(k, the comparison ``y_A / y_B`` must pass against it, (c, decreasing) to turn a throughput ratio into the
    claim's). ``approx``: k is the band (low, high) of throughput ratios; a decreasing conversion flips it."""
    p = claim.predicate
    assert p is not None and not isinstance(p.value, list)
    tol, pm = p.tolerance_rel or 0.0, p.value_pm or 0.0
    ca, cb = tf_a.fn(1.0), tf_b.fn(1.0)
    if p.comparator == "approx":
        band = (p.value * (1 - tol) - pm, p.value * (1 + tol) + pm)
        if tf_a.decreasing:  # (ca / y_A) / (cb / y_B) = (ca / cb) / r in [a, b] <=> r in [ca / (b·cb), ca / (a·cb)]
            return (ca / (band[1] * cb), ca / (band[0] * cb) if band[0] > 0 else math.inf), "approx", (ca / cb, True)
        return (band[0] * cb / ca, band[1] * cb / ca), "approx", (ca / cb, False)
    v = p.value * (1 - tol) - pm if p.comparator == ">=" else p.value * (1 + tol) + pm
    if tf_a.decreasing:  # (ca / y_A) / (cb / y_B) = (ca / cb) / r
        return ca / (v * cb), "<=" if p.comparator == ">=" else ">=", (ca / cb, True)
    return v * cb / ca, p.comparator, (ca / cb, False)


def _factor(u: EvidenceUse) -> float:
    """The basis conversion :func:`~claimbench.judge.verdict.conditions._gather` applied to the record's read."""
    if u.read is None or u.observed is None or u.read.value == 0:
        return 1.0
    return u.observed / u.read.value


def _spans_text(reading: RegionReading) -> str:
    """The regions in words: ``23–30 tok/s/user SUPPORTED (8.1–9.2x; interval 7.9–9.4x)``."""
    parts = []
    for s in reading.spans:
        ratio = ""
        if s.ratio_low is not None and s.ratio_high is not None:
            ratio = f" ({s.ratio_low:.3g}–{s.ratio_high:.3g}x"
            if (
                s.interval_low is not None
                and s.interval_high is not None
                and (s.interval_low < s.ratio_low or s.interval_high > s.ratio_high)
            ):
                ratio += f"; interval {s.interval_low:.3g}–{s.interval_high:.3g}x"
            ratio += ")"
        parts.append(f"{s.low:.4g}–{s.high:.4g} tok/s/user {s.verdict}{ratio}")
    return "; ".join(parts)


def crossover_text(x: float, between: tuple[float, float] | None) -> str:
    """A crossover in words: ``43.33`` or, when the precision blurs it, ``43.33 (somewhere in 40.1–46.2)``."""
    if between is None or between[1] - between[0] <= _EPS:
        return f"{x:.4g}"
    return f"{x:.4g} (somewhere in {between[0]:.4g}–{between[1]:.4g} at the figures' precision)"


def _region_hints(unmeasured, undecided, hw, base_hw) -> list[str]:
    """What would decide an INCONCLUSIVE region reading: the interactivities never measured (named), and regions
    whose ratio is only a bound or of unknown kind (points there)."""
    out = []
    if unmeasured:
        ranges = ", ".join(f"{x.low:.4g}–{x.high:.4g}" for x in unmeasured)
        out.append(
            f"Both frontiers measured over {ranges} tok/s/user, which the records do not both cover (a frontier is "
            f"never extrapolated): {hw} and {base_hw} load points at those interactivities."
        )
    bounded = [x for x in undecided if normal_kind(x.kind) != "point"]
    if bounded:
        ranges = ", ".join(f"{x.low:.4g}–{x.high:.4g}" for x in bounded)
        out.append(
            f"Measured points (not ceilings) over {ranges} tok/s/user, where the ratio is only a bound or of unknown "
            "kind."
        )
    return out


def _choose_pair(num, den, evidence, equivalent, metric):
    """The best-matched pair of records that both have a frontier (two sides, one source each)."""
    ev = evidence_by_id(evidence)
    num = [u for u in num if frontier_of(ev[u.evidence_id], metric, 1.0, "claimant")]
    den = [u for u in den if frontier_of(ev[u.evidence_id], metric, 1.0, "baseline")]
    if not num or not den:
        return None
    comps = _pair_comps(num, den, evidence, equivalent)
    return _best_ratio_pair(num, den, evidence, equivalent, comps)


def _across_prices(claim: Claim, frame, tf_a, tf_b, verdict: str, notes: list[str]) -> str:
    """The class under the other listed prices of the two chips (each side's highest against the other's lowest):
    a per-$ comparison that flips with the price chosen is INCONCLUSIVE, the prices named."""
    fa, fb, cmp, rng, min_share = frame
    combos = []
    if tf_a.alt_fn is not None:
        combos.append((replace(tf_a, fn=tf_a.alt_fn), tf_b, f"{claim.conditions.hardware} at its highest listed price"))
    if tf_b.alt_fn is not None:
        combos.append((tf_a, replace(tf_b, fn=tf_b.alt_fn), "the baseline at its highest listed price"))
    lo, hi = (rng.interactivity_min_tok_s_user, rng.interactivity_max_tok_s_user) if rng else (None, None)
    for a, b, what in combos:
        k, c, to_claim = _threshold(claim, a, b)
        other = overall_class(region_reading(fa, fb, k, c, to_claim, lo, hi), min_share)
        if other != verdict:
            notes.append(
                f"the class depends on the listed prices: {verdict} at each chip's lowest listed price, {other} with "
                f"{what} ({tf_a.alt_text.lstrip('; ') or tf_b.alt_text.lstrip('; ')})"
            )
            return "INCONCLUSIVE"
    return verdict


def judge_region(
    claim: Claim,
    r: ResolvedReading,
    evidence: Sequence[Evidence],
    hardware: Mapping,
    cfg,
    prices: Mapping[str, float],
    equivalent=None,
    orgs=None,
) -> Verdict:
    """The region form: the claimant's frontier against the baseline's, region by region."""
    p = claim.predicate
    assert p is not None and p.ratio_to is not None and not isinstance(p.value, list)
    metric = r.metric or p.metric
    base_hw = p.ratio_to.hardware
    tf_a, miss_a = _transform(metric, r.conditions.hardware, hardware, prices)
    tf_b, miss_b = _transform(metric, base_hw, hardware, prices)
    if tf_a is None or tf_b is None:
        return _unverifiable(claim, r, "; ".join(x for x in (miss_a, miss_b) if x))
    base_metric = tf_a.base_metric
    no_slo = r.conditions.model_copy(update={"slo": None, "concurrency": None})
    r_open = r.__class__(r.reading_id, r.label, no_slo, r.basis, r.note, base_metric)
    num, den, aside = _ratio_sides(
        claim, r_open, base_metric, base_hw, evidence, hardware, cfg, equivalent, None, None, None, orgs
    )
    notes: list[str] = []
    chosen = _choose_pair(num, den, evidence, equivalent, base_metric)
    if chosen is None:
        return _ratio_side_missing(claim, r, _base(claim, r), base_hw, evidence, None, num, den, aside, notes)
    ok, n, d, comps = chosen
    ev = evidence_by_id(evidence)
    vcfg = cfg if isinstance(cfg, VerdictConfig) else None
    fa = frontier_of(ev[n.evidence_id], base_metric, _factor(n), "claimant", vcfg)
    fb = frontier_of(ev[d.evidence_id], base_metric, _factor(d), "baseline", vcfg)
    k, cmp, to_claim = _threshold(claim, tf_a, tf_b)
    rng = p.region
    reading = region_reading(
        fa,
        fb,
        k,
        cmp,
        to_claim,
        rng.interactivity_min_tok_s_user if rng else None,
        rng.interactivity_max_tok_s_user if rng else None,
    )
    min_share = 1.0 if p.form == "everywhere" else float(rng.min_share if rng and rng.min_share else 1.0)
    verdict = overall_class(reading, min_share) if ok else "NOT-COMPARABLE"
    if ok and verdict in ("SUPPORTED", "REFUTED"):
        verdict = _across_prices(claim, (fa, fb, cmp, rng, min_share), tf_a, tf_b, verdict, notes)
    verdict = unknown_cap(r.conditions, [(n.evidence_id, verdict), (d.evidence_id, verdict)], ev, verdict, notes)
    corr = _weakest([n.corroboration, d.corroboration])
    notes.append(f"regions: {_spans_text(reading)}")
    if reading.crossovers:
        cross = zip(reading.crossovers, reading.crossover_intervals or [None] * len(reading.crossovers))
        notes.append("crossover at " + ", ".join(crossover_text(x, b) for x, b in cross) + " tok/s/user")
    if not ok:
        notes.append("the two frontiers differ in binding workload conditions: indicative only")
    share = reading.supported_share
    share_text = "no overlap" if share is None else f"{share:.0%} of the overlapping range supports it"
    gaps = [x for x in reading.spans if x.verdict == NOT_MEASURED]
    if gaps and share is not None:
        share_text += " (" + ", ".join(f"{x.low:.4g}–{x.high:.4g}" for x in gaps) + " tok/s/user not measured on both)"
    need = "everywhere" if min_share >= 1.0 else f"over at least {min_share:.0%} of the range"
    unmeasured = [x for x in reading.spans if x.verdict == NOT_MEASURED]
    undecided = [x for x in reading.spans if x.verdict == "INCONCLUSIVE"]
    # only a region whose ratio interval straddles the threshold could be settled by more repeats
    noise = not unmeasured and any(normal_kind(x.kind) == "point" for x in undecided)
    decide_l, cmd = _hints(claim, r, verdict, corr, None, None, aside=aside, noise=noise)
    if verdict == "INCONCLUSIVE":
        decide_l = _region_hints(unmeasured, undecided, r.conditions.hardware, base_hw) + decide_l
    return Verdict(
        **_base(claim, r),
        **_empty(
            verdict=verdict,
            read_method=f"frontiers of {n.evidence_id} and {d.evidence_id} compared region by region "
            "(interactivity = 1000 / mean TPOT; linear between points of one record, never extrapolated)",
            evidence_used=(n, d),
            evidence_set_aside=aside,
            conditions=comps,
            notes=tuple(notes),
        ),
        corroboration=corr,
        why=f"{n.evidence_id} against {d.evidence_id} over {reading.scope[0]:.4g}–{reading.scope[1]:.4g} tok/s/user: "
        f"{share_text}; the claim needs it {need}: {verdict}; {_LABEL.get(corr, 'no corroboration')}.",
        what_would_decide=tuple(decide_l),
        decide_command=cmd,
        differences=tuple(_differences(comps)),
        caveats=_caveats([n, d]),
        indicative=None,
        regions=reading,
    )

"""Reading the claim's metric from one evidence record under the reading's load level and SLOs (pure)."""

from __future__ import annotations

from typing import Any

from claimbench.analyze.reading import LATENCY_AT_BOUND_REL, read_at_bound
from claimbench.judge.latency import LatencyField, ceiling, meets, missing_statistic, usable_fields
from claimbench.judge.matching import (
    latency_field,
)
from claimbench.judge.verdict.algebra import multiply, reciprocal
from claimbench.judge.verdict.intervals import (
    _boot_method,
    _percentile_interval,
    _replicates,
    _stated,
    _stream,
)
from claimbench.judge.verdict.types import (
    _THROUGHPUT,
    ReadOut,
    VerdictConfig,
)
from claimbench.schema.claims import ClaimConditions, SloBound
from claimbench.schema.evidence import Evidence, LoadPoint

# ----------------------------------------------------------------------------------------------
# reading one evidence record
# ----------------------------------------------------------------------------------------------
_EFFICIENCY = "output_tok_per_j"
"""A stated tok/J (:mod:`claimbench.judge.verdict.stated`): read at a latency bound like a throughput."""
_COST = "usd_per_mtok"
"""A stated cost per million output tokens (:mod:`claimbench.judge.verdict.stated`): read at a latency bound
like a throughput, with its bounds mirrored (lower is better)."""


def _op_text(p: LoadPoint) -> str:
    op = p.operating_point or "fixed-load"
    lim = f" (TPOT < {p.tpot_limit_ms:g} ms)" if p.tpot_limit_ms is not None else ""
    return f"{op}{lim}"


def _levels(evidence: Evidence, metric: str, conditions: ClaimConditions) -> tuple[list[LoadPoint], str | None]:
    """The levels reporting ``metric`` (at the claim's concurrency when it names one), or why there are none."""
    pts = [p for p in evidence.points if getattr(p, metric) is not None]
    if conditions.concurrency is not None:
        pts = [p for p in pts if p.concurrency is not None and abs(p.concurrency - conditions.concurrency) < 1e-9]
    if pts:
        return pts, None
    return [], f"no level reports {metric}" + (
        f" at concurrency {conditions.concurrency}" if conditions.concurrency else ""
    )


_REPLICATES: dict[tuple, tuple[Evidence, tuple[LoadPoint, ...], tuple[float, ...] | None]] = {}
"""Bootstrap replicates already drawn, by (record, levels, what is read): many claims read the same
record the same way, and each draw is deterministic (a fresh stream from the seed and the record id).
An entry holds its record and levels, so a hit is the very same objects (identity), never a look-alike."""
_REPLICATES_MAX = 4096


def _replicates_once(
    evidence: Evidence,
    used: list[LoadPoint],
    metric: str,
    lat_field: str | None,
    bound: float | None,
    bracket: Any,
    cfg: VerdictConfig,
) -> tuple[float, ...] | None:
    """:func:`_replicates` of ``used`` (levels of ``evidence``), drawn once per identical question."""
    labels = tuple(sorted(bracket)) if bracket else None
    key = (id(evidence), tuple(id(p) for p in used), metric, lat_field, bound, labels, cfg)
    hit = _REPLICATES.get(key)
    if hit is not None and hit[0] is evidence and all(a is b for a, b in zip(hit[1], used)):
        return hit[2]
    reps = _replicates(used, metric, lat_field, bound, set(labels) if labels else None, cfg, _stream(cfg, evidence.id))
    if len(_REPLICATES) >= _REPLICATES_MAX:
        _REPLICATES.clear()
    _REPLICATES[key] = (evidence, tuple(used), reps)
    return reps


def _read_best(
    evidence: Evidence, pts: list[LoadPoint], metric: str, conditions: ClaimConditions, cfg: VerdictConfig
) -> ReadOut:
    """The best level (highest throughput, lowest latency) when no latency bound applies.

    A throughput claim without a latency bound speaks of the system's maximum: only a point taken
    at maximum throughput reads as that maximum; any other point is a lower bound of it."""
    thr_metric = metric in _THROUGHPUT
    higher_better = metric.endswith("_per_s") or metric == _EFFICIENCY
    pick = max if higher_better else min
    best = pick(pts, key=lambda p: getattr(p, metric))
    how = "the single level" if len(pts) == 1 else f"the {'best' if higher_better else 'lowest'} of {len(pts)} levels"
    how = f"{how} ({best.level})"
    reps = _replicates_once(evidence, [best], metric, None, None, None, cfg) if len(pts) == 1 else None
    kind = "point"
    if thr_metric and conditions.concurrency is None and (best.operating_point or "fixed-load") != "max-throughput":
        kind = "lower_bound"
        how += f"; a {_op_text(best)} point is a lower bound of the maximum a claim without a latency bound speaks of"
    elif metric == _COST and conditions.concurrency is None and best.operating_point != "max-throughput":
        kind = "upper_bound"
        how += f"; a {_op_text(best)} cost is an upper bound of the cheapest a claim without a latency bound speaks of"
    value = getattr(best, metric)
    interval, imethod = (None, None)
    if reps:
        interval, imethod = _percentile_interval(reps, cfg), _boot_method(cfg)
    elif thr_metric:
        interval, imethod = _stated(best, value)
    return ReadOut(value, kind, None, None, how, reps, interval, imethod)


def _chosen_field(primary: SloBound, pts: list[LoadPoint]) -> LatencyField | None:
    """The first field that can show the claim's bound (:func:`usable_fields`) some level reports."""
    for f in usable_fields(primary):
        if f.relation != "ceiling" and any(getattr(p, f.field) is not None for p in pts):
            return f
    return None


def _latencies(primary: SloBound, pts: list[LoadPoint], chosen: LatencyField | None) -> dict[int, tuple[float, bool]]:
    """Per level index: (latency read, whether it is a ceiling rather than a measured figure).

    A ceiling (``tpot_limit_ms`` / ``ttft_limit_ms``) is read when its statistic bounds the claim's
    (:func:`claimbench.judge.latency.ceiling`: a p99 ceiling for a p50, p90 or p99 bound; one of unknown
    statistic only for a bound of unstated statistic), and only when it is at or under that bound (the
    figure is at most the ceiling)."""
    near = primary.max_ms * (1 + LATENCY_AT_BOUND_REL)
    out: dict[int, tuple[float, bool]] = {}
    for i, p in enumerate(pts):
        v = getattr(p, chosen.field) if chosen is not None else None
        cap = ceiling(p, primary) if v is None else None
        if v is not None:
            out[i] = (v, False)
        elif cap is not None and cap <= near:
            out[i] = (cap, True)
    return out


def _why_unread(primary: SloBound, pts: list[LoadPoint]) -> str:
    """Why no level can be read at the claim's latency bound."""
    limits = [c for c in (ceiling(p, primary) for p in pts) if c is not None]
    if primary.stat is not None and not limits:
        return missing_statistic(primary, pts)
    field, _ = latency_field(primary)
    why = f"no level reports {field} (with every other SLO met)"
    if limits:
        name = primary.metric.upper()
        why += (
            f"; its {name} ceilings ({', '.join(f'{x:g}' for x in limits)} ms) are over the {primary.max_ms:g} ms bound"
        )
    return why


_STAT_NOTE = {
    "mean": "the source does not say which statistic: the mean is read",
    "p50": "the source does not say which statistic and the evidence has no mean: the median is read",
}


def _bracket_interval(
    triples, bracket, used: list[LoadPoint], interval: tuple[float, float] | None, imethod: str | None
) -> tuple[tuple[float, float], str]:
    """Carry an interpolation bracket's two values (and their stated precision) into the interval."""
    ys = [t[2] for t in triples if t[0] in bracket]
    pms = [p.throughput_pm or 0.0 for p in used] or [0.0]
    lo, hi = min(ys) - max(pms), max(ys) + max(pms)
    if interval is not None:
        lo, hi = min(lo, interval[0]), max(hi, interval[1])
    method = (imethod + "; " if imethod else "") + (
        f"the interpolation bracket [{min(ys):g}, {max(ys):g}] is carried into the interval "
        "(throughput at the bound lies between its two levels)"
    )
    return (lo, hi), method


def _at_bound(triples, bound: float, metric: str) -> tuple[float, str, tuple[str, str] | None, str]:
    """:func:`read_at_bound`; a cost (lower is better) is read as its negative, so its bounds come out mirrored
    (the cheapest level under the bound is an *upper* bound of the cost at the bound)."""
    if metric != _COST:
        return read_at_bound(triples, bound)
    value, read_kind, bracket, how = read_at_bound([(a, b, -c) for a, b, c in triples], bound)
    kind: str = read_kind
    if kind in ("lower_bound", "upper_bound"):
        kind = reciprocal(kind)
        how += f" (for a cost per token: an {kind.replace('_', ' ')})"
    return -value, kind, bracket, how


def _read_at_slo(
    evidence: Evidence, pts: list[LoadPoint], metric: str, slos: list[SloBound], cfg: VerdictConfig
) -> tuple[ReadOut | None, str | None]:
    """Throughput at the claim's first latency bound, at levels meeting every further bound.

    The bound binds its statistic (:mod:`claimbench.judge.latency`): a level is read on the claim's
    own statistic, else on a higher order statistic (then the value is a lower bound), else not at all."""
    primary, extra = slos[0], slos[1:]
    pts = [p for p in pts if all(meets(p, s) is True for s in extra)]
    chosen = _chosen_field(primary, pts)
    lat_of = _latencies(primary, pts, chosen)
    if not lat_of:
        return None, _why_unread(primary, pts)
    lat_field = chosen.field if chosen is not None else latency_field(primary)[0]
    idx = sorted(lat_of)
    pts = [pts[i] for i in idx]
    triples = [(p.level or str(i), lat_of[i][0], getattr(p, metric)) for i, p in zip(idx, pts)]
    value, kind, bracket, how = _at_bound(triples, primary.max_ms, metric)
    if any(lat_of[i][1] for i in idx):
        how += (
            f"; {primary.metric.upper()} ceilings (limits the point was held to, not measured figures) are read at "
            f"the ceiling: the {primary.stat or 'figure'} is at most that"
        )
    if chosen is not None and chosen.relation == "assumed":
        how += f"; {_STAT_NOTE[chosen.stat]}"
    if chosen is not None and chosen.relation == "tighter":
        side = "upper" if metric == _COST else "lower"  # a tighter bound costs more per token
        kind = multiply(kind, f"{side}_bound")
        how += (
            f"; read on {chosen.stat} {primary.metric.upper()} (the evidence has no {primary.stat}): a {chosen.stat} "
            f"at the bound puts the {primary.stat} under it, so the value is a {side} bound"
        )
    used = (
        [p for p, t in zip(pts, triples) if t[2] == value][:1]
        if bracket is None
        else [p for p in pts if (p.level or "") in bracket]
    )
    reps = _replicates_once(evidence, used, metric, lat_field, primary.max_ms, bracket, cfg)
    interval, imethod = None, None
    if reps:
        interval, imethod = _percentile_interval(reps, cfg), _boot_method(cfg)
    elif len(used) == 1 and metric in _THROUGHPUT:  # throughput_pm is a throughput's precision, not a cost's
        interval, imethod = _stated(used[0], value)
    if kind == "interpolated" and bracket:
        stated_pm = used if metric in _THROUGHPUT else []
        interval, imethod = _bracket_interval(triples, bracket, stated_pm, interval, imethod)
    return ReadOut(value, kind, bracket, lat_field, how, reps, interval, imethod), None


def _read(
    evidence: Evidence, metric: str, conditions: ClaimConditions, cfg: VerdictConfig
) -> tuple[ReadOut | None, str | None]:
    """Read ``metric`` from evidence under the claim's load level and SLOs (on the evidence's basis).

    Without a latency bound (or for a latency metric): the best level (:func:`_read_best`). At a bound:
    :func:`_read_at_slo` — a point published with a TPOT ceiling of unknown statistic (``tpot_limit_ms``)
    and no measured TPOT is read at that ceiling for a bound of unstated statistic only."""
    pts, why = _levels(evidence, metric, conditions)
    if not pts:
        return None, why
    slos: list[SloBound] = list(conditions.slo or [])
    if not slos or metric not in (*_THROUGHPUT, _COST, _EFFICIENCY):
        return _read_best(evidence, pts, metric, conditions, cfg), None
    return _read_at_slo(evidence, pts, metric, slos, cfg)

"""Latency statistics as a binding, ordered condition (pure).

Within one latency distribution the order statistics are ordered: ``p50 <= p90 <= p99 <= max``.
A bound on a *higher* statistic implies the same bound on every lower one (p99 TPOT <= 50 ms
means p50 TPOT <= 50 ms), never the reverse. The mean orders with none of them (a heavy tail can
put it above the p90). A published *ceiling* (``tpot_limit_ms`` / ``ttft_limit_ms``: an SLA tier,
1000 / an interactivity target, an MLPerf scenario's limit) binds by its statistic (``*_limit_stat``):
a p99 ceiling bounds the p99 and every lower order statistic (and a claim of unstated statistic, read
on the median), never the mean or the max; a ceiling of *unknown* statistic satisfies only a claim whose
bound is also of unstated statistic. A claim the ceilings cannot bound is NOT-COMPARABLE to them, with
the statistic named.

:func:`usable_fields` says which fields of a load point can show that a point meets a claim's bound,
and how: ``exact`` (the claim's own statistic), ``tighter`` (a higher order statistic: the point
meets the claim's bound with room to spare, so a throughput read there is a lower bound of the
throughput at the bound), ``assumed`` (the claim does not name its statistic: the mean, else the
median, is read and said so) or ``ceiling``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from claimbench.schema.claims import SloBound
from claimbench.schema.evidence import LoadPoint

__all__ = ["ORDER", "LatencyField", "ceiling", "meets", "missing_statistic", "usable_fields"]

ORDER: tuple[str, ...] = ("p50", "p90", "p99", "max")
"""Order statistics of one distribution, lowest first (``max`` has no LoadPoint field today)."""

Relation = Literal["exact", "tighter", "assumed", "ceiling"]


@dataclass(frozen=True)
class LatencyField:
    """One LoadPoint field a latency bound can be read from, and how it relates to the claim's statistic."""

    field: str
    relation: Relation
    stat: str


def _higher(stat: str) -> list[str]:
    """Order statistics above ``stat`` that have a LoadPoint field."""
    i = ORDER.index(stat)
    return [s for s in ORDER[i + 1 :] if s != "max"]


def usable_fields(slo: SloBound) -> list[LatencyField]:
    """The measured fields of a load point that can show it meets ``slo``, best first (ceilings:
    :func:`ceiling`, which depends on the point's own ``*_limit_stat``)."""
    m = slo.metric
    if slo.stat is None:
        return [LatencyField(f"{m}_mean_ms", "assumed", "mean"), LatencyField(f"{m}_p50_ms", "assumed", "p50")]
    out = [LatencyField(f"{m}_{slo.stat}_ms", "exact", slo.stat)]
    if slo.stat != "mean":
        out += [LatencyField(f"{m}_{s}_ms", "tighter", s) for s in _higher(slo.stat)]
    return out


def _binds(limit_stat: str | None, claim_stat: str | None) -> bool:
    """Whether a ceiling on ``limit_stat`` (None: unknown) bounds the claim's statistic (None: unstated)."""
    if claim_stat is None:
        return True  # a claim of unstated statistic is read on the mean, else the median: any ceiling is read
    if limit_stat is None:
        return False  # a ceiling of unknown statistic bounds no named statistic
    if limit_stat == claim_stat:
        return True
    return claim_stat in ORDER and limit_stat in ORDER and ORDER.index(limit_stat) > ORDER.index(claim_stat)


def ceiling(point: LoadPoint, slo: SloBound) -> float | None:
    """The point's ceiling on ``slo``'s metric when its statistic bounds the claim's (see the module doc)."""
    limit = getattr(point, f"{slo.metric}_limit_ms", None)
    if limit is None or not _binds(getattr(point, f"{slo.metric}_limit_stat", None), slo.stat):
        return None
    return float(limit)


def meets(point: LoadPoint, slo: SloBound) -> bool | None:
    """Whether the point meets ``slo`` (True/False), or None when none of its figures can say."""
    for f in usable_fields(slo):
        v = getattr(point, f.field)
        if v is None:
            continue
        if f.relation == "tighter" and v > slo.max_ms:
            continue  # a higher statistic over the bound says nothing about the claim's own
        return v <= slo.max_ms
    cap = ceiling(point, slo)
    if cap is not None and cap <= slo.max_ms:
        return True  # the figure is at most its ceiling; a ceiling over the bound says nothing
    return None


def missing_statistic(slo: SloBound, points: list[LoadPoint]) -> str:
    """Why no figure of ``points`` bounds the claim's statistic: the statistic named, and what there is."""
    stats = ("mean", "p50", "p90", "p99")
    have = [s for s in stats if any(getattr(p, f"{slo.metric}_{s}_ms") is not None for p in points)]
    ceilings = sorted(
        {
            getattr(p, f"{slo.metric}_limit_stat") or "unknown statistic"
            for p in points
            if getattr(p, f"{slo.metric}_limit_ms") is not None
        }
    )
    there = ", ".join(f"{s} {slo.metric.upper()}" for s in have)
    if ceilings:
        there = (there + " and " if there else "") + f"a ceiling of {' / '.join(ceilings)}"
    claim = f"{slo.stat or 'unstated-statistic'} {slo.metric.upper()} <= {slo.max_ms:g} ms"
    if not there:
        return f"the claim bounds {claim}; the evidence reports no {slo.metric.upper()} at all"
    return (
        f"the claim bounds {claim}; the evidence gives only {there}, which do not bound the "
        f"{slo.stat or 'statistic'} (p50 <= p90 <= p99 <= max; a mean orders with none; a ceiling of unknown "
        "statistic only meets a bound of unstated statistic)"
    )

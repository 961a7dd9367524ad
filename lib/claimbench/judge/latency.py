"""Latency statistics as a binding, ordered condition (pure).

Within one latency distribution the order statistics are ordered: ``p50 <= p90 <= p99 <= max``.
A bound on a *higher* statistic implies the same bound on every lower one (p99 TPOT <= 50 ms
means p50 TPOT <= 50 ms), never the reverse. The mean orders with none of them (a heavy tail can
put it above the p90). A published *ceiling of unknown statistic* (``tpot_limit_ms``: an SLA tier,
1000 / an interactivity target) satisfies only a claim whose bound is also of unstated statistic;
a claim on a named statistic (mean, p50, p90, p99) is NOT-COMPARABLE to it, with the statistic named.

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

__all__ = ["ORDER", "LatencyField", "meets", "missing_statistic", "usable_fields"]

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
    """The fields of a load point that can show it meets ``slo``, best first."""
    m = slo.metric
    if slo.stat is None:
        out = [LatencyField(f"{m}_mean_ms", "assumed", "mean"), LatencyField(f"{m}_p50_ms", "assumed", "p50")]
        if m == "tpot":
            out.append(LatencyField("tpot_limit_ms", "ceiling", "ceiling of unknown statistic"))
        return out
    out = [LatencyField(f"{m}_{slo.stat}_ms", "exact", slo.stat)]
    if slo.stat != "mean":
        out += [LatencyField(f"{m}_{s}_ms", "tighter", s) for s in _higher(slo.stat)]
    return out


def meets(point: LoadPoint, slo: SloBound) -> bool | None:
    """Whether the point meets ``slo`` (True/False), or None when none of its figures can say."""
    for f in usable_fields(slo):
        v = getattr(point, f.field)
        if v is None:
            continue
        if f.relation == "tighter" and v > slo.max_ms:
            continue  # a higher statistic over the bound says nothing about the claim's own
        return v <= slo.max_ms
    return None


def missing_statistic(slo: SloBound, points: list[LoadPoint]) -> str:
    """Why no figure of ``points`` bounds the claim's statistic: the statistic named, and what there is."""
    stats = ("mean", "p50", "p90", "p99")
    have = [s for s in stats if any(getattr(p, f"{slo.metric}_{s}_ms") is not None for p in points)]
    ceilings = slo.metric == "tpot" and any(p.tpot_limit_ms is not None for p in points)
    there = ", ".join(f"{s} {slo.metric.upper()}" for s in have)
    if ceilings:
        there = (there + " and " if there else "") + "a ceiling of unknown statistic"
    claim = f"{slo.stat or 'unstated-statistic'} {slo.metric.upper()} <= {slo.max_ms:g} ms"
    if not there:
        return f"the claim bounds {claim}; the evidence reports no {slo.metric.upper()} at all"
    return (
        f"the claim bounds {claim}; the evidence gives only {there}, which do not bound the "
        f"{slo.stat or 'statistic'} (p50 <= p90 <= p99 <= max; a mean orders with none; a ceiling of unknown "
        "statistic only meets a bound of unstated statistic)"
    )

"""Where a ratio's two sides come from: MLPerf round and division (pure).

Two MLPerf results of different rounds ran different software stacks (a later round's B200 is faster than an
earlier round's on the same chip); an open-division result may change the model (sparsity, another
quantisation or accuracy target), which the closed division forbids. A ratio pair is therefore preferred from
the same division and round (after binding like-for-like), and the *why* names any gap of the pair chosen.

The round and division are read from the MLPerf library's record id
(:func:`claimbench.schema.mlperf.record_id`, which the library builds its ids with);
a record of another kind has neither, and a pair with such a side is not penalised.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimbench.schema.evidence import Evidence
from claimbench.schema.mlperf import round_and_division

__all__ = ["MlperfOrigin", "describe", "mlperf_origin", "origin_gap", "origin_key"]


@dataclass(frozen=True)
class MlperfOrigin:
    """An MLPerf result's round (``v6.0``) and division (``closed`` / ``open``)."""

    round: str
    division: str


def mlperf_origin(ev: Evidence) -> MlperfOrigin | None:
    """The round and division of an MLPerf library record, read from its id; None for any other record."""
    found = round_and_division(ev.id) if ev.kind == "mlperf" else None
    return MlperfOrigin(*found) if found is not None else None


def origin_key(num: Evidence, den: Evidence) -> tuple[int, int, int]:
    """(divisions differ, rounds differ, open-division sides): smaller is a closer pair."""
    a, b = mlperf_origin(num), mlperf_origin(den)
    if a is None or b is None:
        return (0, 0, 0)
    opened = sum(1 for o in (a, b) if o.division != "closed")
    return (int(a.division != b.division), int(a.round != b.round), opened)


def origin_gap(num: Evidence, den: Evidence) -> list[str]:
    """Phrases naming what the two sides' MLPerf origins differ in (empty when nothing does)."""
    a, b = mlperf_origin(num), mlperf_origin(den)
    if a is None or b is None:
        return []
    out = []
    if a.round != b.round:
        out.append(f"the two sides come from different MLPerf rounds ({a.round} / {b.round}): software differs")
    if a.division != b.division:
        out.append(
            f"the two sides come from different MLPerf divisions ({a.division} / {b.division}): the open division "
            "may change the model (sparsity, quantisation, accuracy target), the closed one does not"
        )
    elif a.division == "open":
        out.append("both sides are MLPerf open-division results: each may have changed the model in its own way")
    return out


def describe(ev: Evidence) -> dict[str, str]:
    """What one record was run under, for naming what differs between records that disagree."""
    o = mlperf_origin(ev)
    out = {"precision": ev.conditions.precision or "?", "system size": f"{ev.packages or '?'} packages"}
    if o is not None:
        out["MLPerf round"] = o.round
        out["MLPerf division"] = o.division
    return out

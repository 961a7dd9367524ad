"""Disagreement shown (pure): the spread of matching evidence, and the records on each side.

Every comparable record is decided on its own (:func:`spread_of`); the verdict lists each record's
value, kind, outcome and corroboration. When the best-matched records split (one supports, another
refutes) the reading is INCONCLUSIVE and the *why* names both sides; when only less closely matched
records disagree with the verdict, a note names them; the spread of values (min–max and their
ratio) is always stated when there is more than one record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from claimbench.judge.verdict.algebra import bound_word, decide
from claimbench.judge.verdict.types import EvidenceUse, SpreadEntry

__all__ = [
    "could_be_noise",
    "disagreement_notes",
    "not_noise_hint",
    "sides_text",
    "spread_of",
    "split_sides",
    "what_differs",
]

_CONCLUSIVE = ("SUPPORTED", "REFUTED")


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def spread_of(used: Sequence[EvidenceUse], best_ids: set[str], predicate) -> tuple[SpreadEntry, ...]:
    """Each comparable record decided on its own against the predicate, best-matched ones first."""
    out = []
    for u in used:
        if u.observed is None or u.read is None:
            continue
        outcome = decide(
            predicate.comparator,
            float(predicate.value),
            predicate.tolerance_rel,
            u.observed,
            u.read.kind,
            u.interval,
            predicate.value_pm,
        )
        out.append(
            SpreadEntry(
                u.evidence_id,
                u.observed,
                u.read.kind,
                outcome,
                u.corroboration,
                u.evidence_id in best_ids,
                u.interval,
            )
        )
    out.sort(key=lambda s: not s.best_matched)
    return tuple(out)


def split_sides(entries: Sequence[SpreadEntry]) -> dict[str, list[SpreadEntry]]:
    """Conclusive outcome -> the records on that side."""
    sides: dict[str, list[SpreadEntry]] = {}
    for s in entries:
        if s.outcome in _CONCLUSIVE:
            sides.setdefault(s.outcome, []).append(s)
    return sides


def sides_text(sides: dict[str, list[SpreadEntry]]) -> str:
    """``SUPPORTED by a (2,500, independent); REFUTED by b (700, measured-here)``."""
    parts = []
    for outcome in _CONCLUSIVE:
        recs = sides.get(outcome, [])
        if recs:
            items = ", ".join(
                f"{s.evidence_id} ({bound_word(s.kind)}{_fmt(s.observed)}, {s.corroboration or 'unlabelled'})"
                for s in recs
            )
            parts.append(f"{outcome} by {items}")
    return "; ".join(parts)


NEAR = 0.05
"""Intervals whose ends are within this share of each other "nearly overlap": a split among them could be noise."""


def could_be_noise(entries: Sequence[SpreadEntry]) -> bool:
    """Whether the records' own intervals (a figure without one: the figure itself) nearly share a value, so that
    more repeats or per-request samples could settle their disagreement; otherwise what differs between them
    (round, precision, scale, the range measured) does, and repeats would not."""
    if not entries:
        return True
    lows = [s.interval[0] if s.interval else s.observed for s in entries]
    highs = [s.interval[1] if s.interval else s.observed for s in entries]
    return max(lows) <= min(highs) * (1.0 + NEAR)


def what_differs(described: Mapping[str, Iterable[Mapping[str, str]]]) -> list[str]:
    """The conditions that tell the supporting records from the refuting ones (no value on both sides):
    ``MLPerf round (REFUTED: v5.1; SUPPORTED: v6.0, v6.1)``. ``described``: outcome -> each record's conditions."""
    values: dict[str, dict[str, set[str]]] = {}
    for outcome, records in described.items():
        for rec in records:
            for name, v in rec.items():
                values.setdefault(name, {}).setdefault(outcome, set()).add(v)
    out = []
    for name, by in values.items():
        if len(by) > 1 and not (by.get("SUPPORTED", set()) & by.get("REFUTED", set())):
            shown = "; ".join(
                f"{o}: {', '.join(sorted(vs)[:3])}{' ...' if len(vs) > 3 else ''}" for o, vs in sorted(by.items())
            )
            out.append(f"{name} ({shown})")
    return out


def ranges_by(entries: Sequence[SpreadEntry], value_of: Mapping[str, str], name: str) -> str | None:
    """``MLPerf round: v5.1 1,906–2,086; v6.0 3,570–3,661`` — the records' values per value of one condition, when
    they come from more than one (None otherwise)."""
    groups: dict[str, list[float]] = {}
    for s in entries:
        if s.evidence_id in value_of:
            groups.setdefault(value_of[s.evidence_id], []).append(s.observed)
    if len(groups) < 2:
        return None
    parts = [f"{k} {_fmt(min(v))}" + (f"–{_fmt(max(v))}" if max(v) > min(v) else "") for k, v in sorted(groups.items())]
    return f"{name}: " + "; ".join(parts)


def not_noise_hint(differs: Sequence[str], what: str = "records", ranges: str | None = None) -> str:
    """What would decide records that disagree by more than their own precision: figures under one condition
    (``ranges``: the values per value of a condition that does not split them cleanly, e.g. per MLPerf round)."""
    if not differs and ranges:
        return (
            f"The {what} disagree by more than their own precision (not noise), and come from different settings "
            f"({ranges}): figures under the claim's own conditions (one round, software and scale) would decide it."
        )
    if not differs:
        return (
            f"The {what} disagree by more than their own precision (not noise), in something they do not state "
            "(system, software, power limits): figures from one source, run the same way, would decide it."
        )
    return (
        f"The {what} disagree in what they were run under, not by noise: "
        + "; ".join(differs)
        + ". Figures under the claim's own conditions (one round, division, precision and scale) would decide it."
    )


def disagreement_notes(spread: Sequence[SpreadEntry], verdict: str, unit: str | None) -> list[str]:
    """Notes naming a split among the best-matched records, contrary context records, and the spread."""
    notes: list[str] = []
    best = split_sides([s for s in spread if s.best_matched])
    if len(best) > 1:
        notes.append("the best-matched evidence disagrees: " + sides_text(best))
    if verdict in _CONCLUSIVE:
        contrary = [s for s in spread if not s.best_matched and s.outcome in _CONCLUSIVE and s.outcome != verdict]
        if contrary:
            notes.append("less closely matched evidence disagrees: " + sides_text(split_sides(contrary)))
    values = [s.observed for s in spread]
    if len(values) > 1:
        lo, hi = min(values), max(values)
        ratio = f" ({hi / lo:.2g}x apart)" if lo > 0 else ""
        bounds = sum(1 for s in spread if bound_word(s.kind) or s.kind == "unknown")
        of_which = f"; {bounds} of them only a bound or of unknown kind" if bounds else ""
        notes.append(
            f"spread of matching evidence: {_fmt(lo)}–{_fmt(hi)} {unit or ''}{ratio} over {len(values)} records"
            + of_which
        )
    return notes

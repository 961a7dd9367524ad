"""Disagreement shown (pure): the spread of matching evidence, and the records on each side.

Every comparable record is decided on its own (:func:`spread_of`); the verdict lists each record's
value, kind, outcome and corroboration. When the best-matched records split (one supports, another
refutes) the reading is INCONCLUSIVE and the *why* names both sides; when only less closely matched
records disagree with the verdict, a note names them; the spread of values (min–max and their
ratio) is always stated when there is more than one record.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimbench.judge.verdict.algebra import bound_word, decide
from claimbench.judge.verdict.types import EvidenceUse, SpreadEntry

__all__ = ["could_be_noise", "disagreement_notes", "sides_text", "spread_of", "split_sides"]

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

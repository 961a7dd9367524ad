"""Evidence indexed by chip and model (pure), so that verify over many claims and records stays fast.

Below :data:`COMPARE_ALL` records every record is compared with every reading and every one set aside is
listed (the nearest misses, the card-vs-die notes). Above it, a reading compares only the records that
could match it or explain a near miss — the same, an unstated or another chip of the same vendor (a
910C record beside a 910B claim shows the card-versus-die difference; a chip whose vendor is not known
has no siblings), and the same (or equivalent) or
an unstated model — and the others are counted (``n_far``), not listed: a record of another vendor's
chip or of another model is never comparable, and listing ten thousand of them helps no one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from claimbench.schema.evidence import Evidence

__all__ = ["COMPARE_ALL", "EvidenceSet", "by_id", "near"]

COMPARE_ALL = 500
"""Up to this many records, every record is compared with every reading."""


class EvidenceSet(list):
    """A list of evidence records with an index by (chip, canonical model)."""

    def __init__(
        self,
        items: Iterable[Evidence],
        equivalent: Mapping[str, str] | None = None,
        vendor_of: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(items)
        self._equivalent = dict(equivalent or {})
        self._vendor_of = dict(vendor_of or {})
        self.by_id: dict[str, Evidence] = {ev.id: ev for ev in self}
        self._by: dict[tuple[str | None, str | None], list[tuple[int, Evidence]]] = {}
        for i, ev in enumerate(self):
            key = (ev.conditions.hardware, self._canon(ev.conditions.model))
            self._by.setdefault(key, []).append((i, ev))

    def _canon(self, model: str | None) -> str | None:
        return None if model is None else self._equivalent.get(model, model)

    def near(self, hardware: str | None, model: str | None) -> tuple[list[Evidence], int]:
        """(records that could match a reading on ``hardware`` and ``model``, how many others were skipped)."""
        if len(self) <= COMPARE_ALL or (hardware is None and model is None):
            return list(self), 0
        m = self._canon(model)
        found: list[tuple[int, Evidence]] = []
        vendor = (self._vendor_of.get(hardware) or None) if hardware is not None else None  # "" is no vendor
        for (hw, mod), evs in self._by.items():
            same_vendor = vendor is not None and hw is not None and self._vendor_of.get(hw) == vendor
            if hardware is not None and hw is not None and hw != hardware and not same_vendor:
                continue
            if m is not None and mod is not None and mod != m:
                continue
            found.extend(evs)
        found.sort(key=lambda t: t[0])  # the records' own order, as without the index
        return [ev for _, ev in found], len(self) - len(found)


def near(evidence, hardware: str | None, model: str | None) -> tuple[list[Evidence], int]:
    """The records a reading compares and the number skipped (all of them, none skipped, for a plain list)."""
    if isinstance(evidence, EvidenceSet):
        return evidence.near(hardware, model)
    return list(evidence), 0


def by_id(evidence) -> Mapping[str, Evidence]:
    """Evidence id -> record (built once per :class:`EvidenceSet`)."""
    if isinstance(evidence, EvidenceSet):
        return evidence.by_id
    return {ev.id: ev for ev in evidence}

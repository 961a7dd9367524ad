"""Unknowns decide nothing silently (pure).

A claim that leaves its chip or model unknown is not decided by records that name one: each such
record could only decide a reading that *assumes* that chip or model. The verdict is capped at
INCONCLUSIVE and the candidates are shown ("with model = deepseek-r1 it would be SUPPORTED (e1)");
a reading that names the model (``readings:`` in the claim file) is judged on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from claimbench.schema.claims import ClaimConditions
from claimbench.schema.evidence import Evidence

__all__ = ["DECIDING_UNKNOWNS", "unknown_cap"]

DECIDING_UNKNOWNS: tuple[str, ...] = ("hardware", "model", "deployment")
"""Conditions a claim must state for a record naming them to decide it (the deployment: its scale changes a
per-GPU figure several-fold)."""


def unknown_cap(
    conditions: ClaimConditions,
    decided: Sequence[tuple[str, str]],
    evidence_by_id: Mapping[str, Evidence],
    verdict: str,
    notes: list[str],
) -> str:
    """``verdict``, or INCONCLUSIVE when it rests on records naming a chip or model the claim leaves unknown.

    ``decided`` is (evidence id, outcome) per deciding record; the candidates are appended to ``notes``."""
    if verdict not in ("SUPPORTED", "REFUTED"):
        return verdict
    missing = [n for n in DECIDING_UNKNOWNS if getattr(conditions, n) is None]
    candidates: dict[tuple[str, str], list[str]] = {}
    for eid, outcome in decided:
        ev = evidence_by_id[eid]
        for name in missing:
            value = getattr(ev.conditions, name)
            if value is not None:
                candidates.setdefault((name, str(value)), []).append(f"{outcome} ({eid})")
    if not candidates:
        return verdict
    for (name, value), outs in sorted(candidates.items()):
        notes.append(
            f"the claim does not name its {name}: with {name} = {value} it would be " + ", ".join(outs) + " "
            "(a reading that assumes it would be judged on its own)"
        )
    return "INCONCLUSIVE"

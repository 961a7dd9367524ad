"""Corroboration of evidence records against a claim (pure)."""

from __future__ import annotations

from claimbench.judge.verdict.types import (
    CORROBORATION,
)
from claimbench.schema.evidence import Evidence


def corroboration_of(ev: Evidence, claimant: str | None) -> str:
    """measured-here (our run bundles), self-reported (published by the claimant) or independent."""
    if ev.kind == "run_bundle":
        return "measured-here"
    if claimant is not None and (ev.reported_by or "").lower() == claimant.lower():
        return "self-reported"
    return "independent"


def _strongest(labels) -> str | None:
    labels = [x for x in labels if x]
    return max(labels, key=CORROBORATION.index) if labels else None


def _weakest(labels) -> str | None:
    labels = [x for x in labels if x]
    return min(labels, key=CORROBORATION.index) if labels else None


_LABEL: dict[str | None, str] = {
    "self-reported": "self-reported only (the claimant's own publications)",
    "independent": "independent (a third party's figures)",
    "measured-here": "measured here (claimbench run bundles)",
}

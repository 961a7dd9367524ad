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

DECIDING_UNKNOWNS: tuple[str, ...] = ("hardware", "model", "deployment", "phase")
"""Conditions a claim must state for a record naming them to decide it (the deployment: its scale changes a
per-GPU figure several-fold)."""


def unknown_cap(
    conditions: ClaimConditions,
    decided: Sequence[tuple[str, str]],
    evidence_by_id: Mapping[str, Evidence],
    verdict: str,
    notes: list[str],
    ignore: tuple[str, ...] = (),
) -> str:
    """``verdict``, or INCONCLUSIVE when it rests on records naming a chip or model the claim leaves unknown
    (``ignore``: conditions not to cap on).

    ``decided`` is (evidence id, outcome) per deciding record; the candidates are appended to ``notes``."""
    if verdict not in ("SUPPORTED", "REFUTED"):
        return verdict
    missing = [n for n in DECIDING_UNKNOWNS if getattr(conditions, n) is None and n not in ignore]
    candidates: dict[tuple[str, str], list[str]] = {}
    for eid, outcome in decided:
        ev = evidence_by_id[eid]
        for name in missing:
            value = _value_of(ev, name, None)
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


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _value_of(ev: Evidence, name: str, basis: str | None) -> str | None:
    """The value a record states for a condition the claim leaves unknown (for a per-system or per-node reading
    with the deployment unknown, the record's system size stands for it: the figure scales with it)."""
    value = getattr(ev.conditions, name)
    if value is None and name == "deployment" and basis == "system" and ev.packages:
        return f"{ev.packages} packages"  # (a per-node figure's scale is the node itself)
    if value is not None and name == "deployment":
        return deployment_text(value)
    if name == "phase":  # one phase of disaggregated serving is not the whole; an end-to-end figure is
        return value if value in ("decode-only", "prefill-only") else None
    return None if value is None else str(value)


def deployment_text(d) -> str:
    """A deployment in a few words, for a why: ``160 cards EP 160 TP 1 (decode instance of 160 NPUs)``
    (no commas: candidate keys are joined with them)."""
    parts = [f"{d.devices} {d.device}s" if d.devices is not None else f"{d.device}s of unstated number"]
    parts += [f"{k} {v:g}" for k, v in (("EP", d.ep), ("TP", d.tp), ("batch", d.batch_per_device)) if v is not None]
    note = f" ({d.note.replace(',', ';')})" if d.note else ""
    return " ".join(parts) + note


CandidateKey = tuple[tuple[str, str], ...]
"""The values a record states for the conditions a claim leaves unknown: ``(("model", "llama-2-70b"),)``."""


def candidate_key(ev: Evidence, missing: Sequence[str], basis: str | None) -> CandidateKey:
    """What ``ev`` states for each of the ``missing`` conditions (those it states), as a candidate key."""
    return tuple((n, v) for n in missing if (v := _value_of(ev, n, basis)) is not None)


def key_text(key: CandidateKey) -> str:
    """A candidate key in words: ``model = llama-2-70b, deployment = 8 cards``."""
    return ", ".join(f"{n} = {v}" for n, v in key)


def candidate_names(groups: Mapping[CandidateKey, object]) -> list[str]:
    """The conditions the candidates differ in, sorted."""
    return sorted({n for key in groups for n, _ in key})


def unknown_split(
    conditions: ClaimConditions,
    basis: str | None,
    decided: Sequence[tuple[str, str, float]],
    evidence_by_id: Mapping[str, Evidence],
) -> dict[CandidateKey, list[tuple[str, str, float]]]:
    """The deciding records grouped by the values they state for the chip, model or deployment the claim leaves
    unknown: ``(("model", "llama-2-70b"),)`` -> [(evidence id, outcome, observed), ...]; empty when no record
    names one.

    ``decided`` is (evidence id, outcome, observed) per deciding record. These are the candidates a reading that
    assumed each value would be judged on; a split among them is explained by the unknown, not a disagreement."""
    missing = [n for n in DECIDING_UNKNOWNS if getattr(conditions, n) is None]
    groups: dict[CandidateKey, list[tuple[str, str, float]]] = {}
    for eid, outcome, observed in decided:
        key = candidate_key(evidence_by_id[eid], missing, basis)
        if key:
            groups.setdefault(key, []).append((eid, outcome, observed))
    return groups


def split_text(groups: Mapping[CandidateKey, Sequence[tuple[str, str, float]]], limit: int = 4) -> list[str]:
    """One phrase per candidate value: ``with model = m it would be SUPPORTED (e1, 1,500)``, the best-valued record
    of each outcome named (``and N more``), candidates with the most records first."""
    out = []
    for key, recs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), key_text(kv[0])))[:limit]:
        parts = []
        for outcome in ("SUPPORTED", "REFUTED", "INCONCLUSIVE"):
            these = sorted((x for x in recs if x[1] == outcome), key=lambda x: -x[2])
            if these:
                more = f" and {len(these) - 1} more" if len(these) > 1 else ""
                parts.append(f"{outcome} ({these[0][0]}, {_fmt(these[0][2])}{more})")
        out.append(f"with {key_text(key)} it would be " + ", ".join(parts))
    if len(groups) > limit:
        out.append(f"{len(groups) - limit} more value(s)")
    return out

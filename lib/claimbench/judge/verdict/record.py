"""The record form (pure): "fastest", "a record", "beats every other chip" (``predicate.form: beats_all``).

The claimed figure beats every matching record of *other* chips (same model, precision, lengths,
phase, speculative decoding and latency bound; any chip but the claim's). Each rival is decided with
the value algebra: a rival at or above the claimed figure (a point, or a lower bound already there)
refutes it; a rival point (or upper bound) below it is beaten; a rival lower bound below it cannot
say. SUPPORTED needs at least one rival and every rival beaten: absence of rivals proves no record.
Whether the claimed figure itself holds is a separate ``at`` predicate (``predicates:`` in the claim file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from claimbench.judge.verdict.algebra import decide
from claimbench.judge.verdict.conditions import _gather
from claimbench.judge.verdict.corroboration import _LABEL, Claimant, _weakest
from claimbench.judge.verdict.derived import _transform
from claimbench.judge.verdict.disagreement import sides_text, split_sides
from claimbench.judge.verdict.explain import _base, _caveats, _empty, _fmtn, _hints, _unverifiable
from claimbench.judge.verdict.types import EvidenceUse, SpreadEntry, Verdict, VerdictConfig
from claimbench.schema.claims import Claim, ResolvedReading
from claimbench.schema.evidence import Evidence

__all__ = ["judge_record"]

_BEATEN = {"SUPPORTED": "beaten", "REFUTED": "at or above the claim", "INCONCLUSIVE": "cannot say"}


def _rivals(claim: Claim, r: ResolvedReading, evidence, hardware, cfg, equivalent, who, tf):
    """Comparable records of other chips (the reading's conditions with the chip left open), and those set aside."""
    open_chip = r.conditions.model_copy(update={"hardware": None})
    used, aside = _gather(open_chip, r.basis, tf.base_metric, evidence, hardware, cfg, who, equivalent, tf)
    mine = r.conditions.hardware
    rivals = [u for u in used if _chip(u) not in (None, mine)]
    return rivals, aside


def _chip(u: EvidenceUse) -> str | None:
    """The chip a use's record names (from its comparisons)."""
    for c in u.comparisons:
        if c.name == "hardware":
            return c.evidence
    return None


def _rival_outcome(claim: Claim, u: EvidenceUse) -> str:
    """SUPPORTED when the rival is beaten, REFUTED when it is at or above the claimed figure."""
    p = claim.predicate
    assert p is not None and not isinstance(p.value, list) and u.observed is not None and u.read is not None
    beaten_if = "<=" if p.comparator == ">=" else ">="
    return decide(beaten_if, float(p.value), p.tolerance_rel, u.observed, u.read.kind, u.interval, p.value_pm)


def _outcome(outcomes: Sequence[str]) -> str:
    """REFUTED if any rival is at or above; SUPPORTED if every rival is beaten; else INCONCLUSIVE."""
    if "REFUTED" in outcomes:
        return "REFUTED"
    if outcomes and all(o == "SUPPORTED" for o in outcomes):
        return "SUPPORTED"
    return "INCONCLUSIVE"


def judge_record(
    claim: Claim,
    r: ResolvedReading,
    evidence: Sequence[Evidence],
    hardware: Mapping,
    cfg: VerdictConfig,
    prices: Mapping[str, float],
    equivalent=None,
    orgs=None,
) -> Verdict:
    """The record form: the claimed figure against every matching record of other chips."""
    p = claim.predicate
    assert p is not None and not isinstance(p.value, list)
    metric = r.metric or p.metric
    tf, missing = _transform(metric, r.conditions.hardware, hardware, prices)
    if tf is None:
        return _unverifiable(claim, r, missing)
    rivals, aside = _rivals(claim, r, evidence, hardware, cfg, equivalent, Claimant(claim, orgs), tf)
    outcomes = [_rival_outcome(claim, u) for u in rivals]
    verdict = _outcome(outcomes)
    used = tuple(replace(u, outcome=f"{o} ({_BEATEN[o]})") for u, o in zip(rivals, outcomes))
    spread = tuple(
        SpreadEntry(u.evidence_id, u.observed or 0.0, u.read.kind if u.read else "unknown", o, u.corroboration, True)
        for u, o in zip(rivals, outcomes)
    )
    deciding = [u for u, o in zip(rivals, outcomes) if o == verdict] or list(rivals)
    corr = _weakest(u.corroboration for u in deciding) if rivals else None
    top = max(rivals, key=lambda u: u.observed or 0.0) if rivals else None
    if top is None:
        why = f"No record of another chip under the same conditions: a claimed record of {p.value:g} cannot be judged."
    else:
        why = (
            f"{len(rivals)} record(s) of other chips; the highest, {top.evidence_id}, gives {_fmtn(top.observed)} "
            f"against the claimed {p.value:g}: {verdict}"
            + (f" ({sides_text(split_sides(spread))})" if verdict == "REFUTED" else "")
            + f"; {_LABEL.get(corr, 'no corroboration')}."
        )
    hints, cmd = _hints(claim, r, verdict, corr, None, None, aside=aside)
    if verdict != "REFUTED":
        hints.insert(0, "Records of the other chips at the claim's own conditions (points, not lower bounds).")
    return Verdict(
        **_base(claim, r),
        **_empty(
            verdict=verdict,
            observed=top.observed if top else None,
            margin_rel=((top.observed or 0.0) - float(p.value)) / float(p.value) if top else None,
            read_method="the claimed figure against every matching record of other chips (form beats_all)",
            evidence_used=used,
            evidence_set_aside=tuple(aside),
            notes=(f"rivals: {', '.join(f'{u.evidence_id} ({_chip(u)})' for u in rivals)}",) if rivals else (),
        ),
        corroboration=corr,
        why=why,
        what_would_decide=tuple(hints),
        decide_command=cmd,
        caveats=_caveats(list(rivals)),
        spread=spread,
    )

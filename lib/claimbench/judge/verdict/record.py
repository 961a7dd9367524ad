"""The record form (pure): "fastest", "a record", "beats every other chip" (``predicate.form: beats_all``).

The claimed figure beats every matching record of *other* chips (same model, precision, lengths,
phase, speculative decoding and latency bound; any chip but the claim's). Each rival is decided with
the value algebra: a rival at or above the claimed figure (a point, or a lower bound already there)
refutes it; a rival point (or upper bound) below it is beaten; a rival lower bound below it cannot
say. SUPPORTED needs at least one rival and every rival beaten: absence of rivals proves no record.
Whether the claimed figure itself holds is a separate ``at`` predicate (``predicates:`` in the claim file).

A record claim is dated: it speaks of the records that existed at its source's date (:mod:`.dates`). A rival
published after that date decides nothing; it is shown ("since overtaken by X, published <date>"). A rival
whose date cannot be ordered against the claim's (either date unknown, or a partial date overlapping it)
cannot refute on its own: when it alone would, the verdict is INCONCLUSIVE with the record named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from claimbench.judge.verdict.algebra import decide
from claimbench.judge.verdict.conditions import _gather
from claimbench.judge.verdict.corroboration import _LABEL, Claimant, _weakest
from claimbench.judge.verdict.dates import describe, evidence_date, order
from claimbench.judge.verdict.derived import _transform
from claimbench.judge.verdict.disagreement import sides_text, split_sides
from claimbench.judge.verdict.explain import _base, _caveats, _empty, _fmtn, _hints, _unverifiable
from claimbench.judge.verdict.index import by_id as evidence_by_id
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


def _cannot_say(cannot: Sequence[EvidenceUse]) -> str:
    """The rivals that cannot say, and why (a lower bound below the claimed figure bounds nothing above it)."""
    word = {"lower_bound": "at least ", "upper_bound": "at most "}
    why = {
        "lower_bound": "a lower bound below the claim",
        "upper_bound": "an upper bound above the claim: read at another latency point",
        "unknown": "of unknown kind",
    }
    items = ", ".join(
        f"{u.evidence_id} ({word.get(u.read.kind if u.read else '', '')}{_fmtn(u.observed)}, "
        f"{why.get(u.read.kind if u.read else 'unknown', 'a point within its precision of the claim')})"
        for u in cannot[:3]
    )
    more = f" and {len(cannot) - 3} more" if len(cannot) > 3 else ""
    return f"{len(cannot)} rival(s) cannot say: {items}{more}"


def _use_outcome(o: str, undated: bool, claim_date: str) -> str:
    """A rival's outcome as listed: a refuting rival of unknown date says it does not decide."""
    if undated:
        return f"INCONCLUSIVE (at or above the claim, but not known to be published by {claim_date})"
    return f"{o} ({_BEATEN[o]})"


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
    found, aside = _rivals(claim, r, evidence, hardware, cfg, equivalent, Claimant(claim, orgs), tf)
    by_id = evidence_by_id(evidence)
    when = {u.evidence_id: evidence_date(by_id[u.evidence_id]) for u in found}
    timing = {eid: order(d, claim.source.date) for eid, d in when.items()}
    rivals = [u for u in found if timing[u.evidence_id] != "after"]
    later = [u for u in found if timing[u.evidence_id] == "after"]
    outcomes = [_rival_outcome(claim, u) for u in rivals]
    undated_refuting = [u for u, o in zip(rivals, outcomes) if o == "REFUTED" and timing[u.evidence_id] == "unknown"]
    dated_outcomes = [o for u, o in zip(rivals, outcomes) if timing[u.evidence_id] == "not-after"]
    verdict = _outcome(outcomes)
    if verdict == "REFUTED" and "REFUTED" not in dated_outcomes:
        verdict = "INCONCLUSIVE"  # only rivals of unknown date reach the claim: they cannot decide it alone
    undated = {u.evidence_id for u in undated_refuting}
    used = tuple(
        replace(u, outcome=_use_outcome(o, u.evidence_id in undated, claim.source.date))
        for u, o in zip(rivals, outcomes)
    ) + tuple(
        replace(u, outcome=f"context (published {describe(when[u.evidence_id])}, after the claim)") for u in later
    )
    deciding_pairs = [
        (u, o) for u, o in zip(rivals, outcomes) if not (verdict == "REFUTED" and u.evidence_id in undated)
    ]
    spread = tuple(
        SpreadEntry(u.evidence_id, u.observed or 0.0, u.read.kind if u.read else "unknown", o, u.corroboration, True)
        for u, o in deciding_pairs
    )
    deciding = [u for u, o in deciding_pairs if o == verdict] or list(rivals)
    corr = _weakest(u.corroboration for u in deciding) if rivals else None
    cannot = [u for u, o in deciding_pairs if o == "INCONCLUSIVE"]
    notes: list[str] = []
    if rivals:
        notes.append(f"rivals: {', '.join(f'{u.evidence_id} ({_chip(u)})' for u in rivals)}")
    overtaken = [u for u in later if _rival_outcome(claim, u) == "REFUTED"]
    if later:
        notes.append(
            f"published after the claim ({claim.source.date}), not deciding: "
            + ", ".join(
                f"{u.evidence_id} ({_chip(u)}, {_fmtn(u.observed)}, published {describe(when[u.evidence_id])})"
                for u in later
            )
        )
    top = max(rivals, key=lambda u: u.observed or 0.0) if rivals else None
    if top is None:
        why = (
            f"No record of another chip under the same conditions published by the claim's date ({claim.source.date}): "
            f"a claimed record of {p.value:g} cannot be judged."
            if later
            else f"No record of another chip under the same conditions: a claimed record of {p.value:g} cannot be judged."
        )
    elif undated_refuting and verdict == "INCONCLUSIVE":
        names = ", ".join(
            f"{u.evidence_id} ({_fmtn(u.observed)}, published {describe(when[u.evidence_id])})"
            for u in undated_refuting
        )
        why = (
            f"{len(rivals)} record(s) of other chips; {names} would be at or above the claimed {p.value:g}, but "
            f"whether it was published before the claim ({claim.source.date}) cannot be told: INCONCLUSIVE."
        )
    else:
        dec_top = max((u for u, _ in deciding_pairs), key=lambda u: u.observed or 0.0)
        top = dec_top
        why = (
            f"{len(rivals)} record(s) of other chips; the highest, {top.evidence_id}, gives {_fmtn(top.observed)} "
            f"against the claimed {p.value:g}: {verdict}"
            + (f" ({sides_text(split_sides(spread))})" if verdict == "REFUTED" else "")
            + (f" ({_cannot_say(cannot)})" if verdict == "INCONCLUSIVE" and cannot else "")
            + f"; {_LABEL.get(corr, 'no corroboration')}."
        )
    if overtaken:
        why = (
            why[:-1]
            + "; since overtaken by "
            + ", ".join(
                f"{u.evidence_id} ({_fmtn(u.observed)}, published {describe(when[u.evidence_id])})"
                for u in overtaken[:2]
            )
            + (f" and {len(overtaken) - 2} more" if len(overtaken) > 2 else "")
            + ", after the claim (not deciding)."
        )
    kinds = {u.read.kind for u in cannot if u.read is not None}
    hints, cmd = _hints(claim, r, verdict, corr, None, kinds.pop() if len(kinds) == 1 else None, aside=aside)
    if undated_refuting and verdict == "INCONCLUSIVE":
        hints.insert(0, "The publication date of " + ", ".join(u.evidence_id for u in undated_refuting) + ".")
    elif verdict != "REFUTED":
        hints.insert(0, "Records of the other chips at the claim's own conditions (points, not lower bounds).")
    return Verdict(
        **_base(claim, r),
        **_empty(
            verdict=verdict,
            # the rival to beat, when one decides; a rival that cannot say is no observed figure of the claim
            observed=top.observed if top and verdict != "INCONCLUSIVE" else None,
            margin_rel=((top.observed or 0.0) - float(p.value)) / float(p.value)
            if top and verdict != "INCONCLUSIVE"
            else None,
            read_method="the claimed figure against every matching record of other chips (form beats_all)",
            evidence_used=used,
            evidence_set_aside=tuple(aside),
            notes=tuple(notes),
        ),
        corroboration=corr,
        why=why,
        what_would_decide=tuple(hints),
        decide_command=cmd,
        caveats=_caveats(list(rivals)),
        spread=spread,
    )

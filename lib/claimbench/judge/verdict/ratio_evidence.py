"""Evidence that is itself a ratio (pure): "0.9x of system X at conditions C" deciding a ratio claim.

A record with ``ratio`` (:class:`claimbench.schema.evidence.EvidenceRatio`) is used for a ratio claim only like
with like: the same metric, the record's chip is the claim's and its baseline the claim's baseline, every
binding condition matched as for any record (:func:`claimbench.judge.matching.match`, latency bound aside),
and the same latency bound on both (or the same benchmark scenario; a ratio at one operating point says nothing of the ratio at another:
ratios are not monotone along a frontier). The stated kind propagates ("at least 2x" is a lower bound and
can support a ``>=`` claim, never refute it); the stated precision is its interval.

A ratio record decides when no like-for-like pair of absolute records does (one side missing, or the only
pair compares different workloads); when a pair decides, matching ratio records join the spread, so a
disagreement between them is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimbench.judge.matching import match
from claimbench.judge.verdict.algebra import bound_word, decide
from claimbench.judge.verdict.conditions import _use
from claimbench.judge.verdict.corroboration import _LABEL, Claimant
from claimbench.judge.verdict.disagreement import disagreement_notes, sides_text, split_sides
from claimbench.judge.verdict.explain import _base, _caveats, _differences, _empty, _hints
from claimbench.judge.verdict.index import by_id as evidence_by_id
from claimbench.judge.verdict.index import near
from claimbench.judge.verdict.types import EvidenceUse, ReadOut, SpreadEntry, Verdict
from claimbench.judge.verdict.unknowns import unknown_cap
from claimbench.schema.claims import SloBound
from claimbench.schema.evidence import Evidence

__all__ = ["ratio_records", "ratio_spread", "judge_by_ratio_records"]

_SLO_REL = 0.05


def _same_slo(a: Sequence[SloBound] | None, b: Sequence[SloBound] | None) -> bool:
    """The same latency bounds (metric, statistic, and limit within 5 %), or none on both."""
    if not a or not b:
        return not a and not b
    key = sorted((s.metric, s.stat or "") for s in a) == sorted((s.metric, s.stat or "") for s in b)
    limits = {(s.metric, s.stat): s.max_ms for s in b}
    return key and all(abs(limits.get((s.metric, s.stat), float("inf")) - s.max_ms) <= _SLO_REL * s.max_ms for s in a)


def _unlike(ev: Evidence, metric: str, base_hw: str, slo, scenario=None) -> list[str]:
    """Why a ratio record is not like with like for the claim (empty when it is). Records and claims in the same
    benchmark scenario share its latency constraints (the MLPerf rules file, data/scenarios), whatever either states."""
    ratio = ev.ratio
    assert ratio is not None
    out = []
    if ratio.metric != metric:
        out.append(f"metric: the record states a ratio of {ratio.metric}, the claim one of {metric}")
    if ratio.baseline_hardware != base_hw:
        out.append(f"baseline: the record's ratio is over {ratio.baseline_hardware}, the claim's over {base_hw}")
    same_scenario = scenario is not None and ev.conditions.scenario == scenario
    if not same_scenario and not _same_slo(slo, ratio.slo):
        out.append("latency bound: the ratio was stated at another latency bound than the claim's (or one has none)")
    return out


def _ratio_use(ev: Evidence, m, who) -> EvidenceUse:
    """The record as used: observed = the stated ratio, its kind and stated precision."""
    ratio = ev.ratio
    assert ratio is not None
    pm = ratio.value_pm or 0.0
    interval = (ratio.value - pm, ratio.value + pm) if pm else None
    how = f"a stated ratio over {ratio.baseline_hardware} ({ratio.kind.replace('_', ' ')})"
    if ratio.note:
        how += f": {ratio.note}"
    read = ReadOut(ratio.value, ratio.kind, None, None, how, None, interval, "its stated precision" if pm else None)
    return _use(ev, m, who, observed=ratio.value, read=read, interval=interval)


def ratio_records(claim, r, metric: str, base_hw: str, evidence, hardware, equivalent, orgs):
    """(used, set aside): records stating a ratio that match the reading like with like, best-matched first."""
    who = Claimant(claim, orgs)
    cond = r.conditions.model_copy(update={"slo": None, "concurrency": None})
    used, aside = [], []
    pool, _ = near(evidence, r.conditions.hardware, r.conditions.model)
    for ev in pool:
        if ev.ratio is None:
            continue
        m = match(cond, ev.basis, ev, hardware, equivalent=equivalent)
        unlike = _unlike(ev, metric, base_hw, r.conditions.slo, r.conditions.scenario)
        if not m.comparable or unlike:
            aside.append(replace(_use(ev, m, who), reasons=tuple(m.reasons) + tuple(unlike), comparable=False))
            continue
        used.append(_ratio_use(ev, m, who))
    used.sort(key=lambda u: u.rank)
    return used, aside


def _outcome(p, u: EvidenceUse) -> str:
    assert u.read is not None and u.observed is not None
    return decide(p.comparator, float(p.value), p.tolerance_rel, u.observed, u.read.kind, u.interval, p.value_pm)


def ratio_spread(p, used: Sequence[EvidenceUse], best_matched: bool) -> tuple[SpreadEntry, ...]:
    """Each ratio record decided on its own (for the spread of a ratio verdict)."""
    return tuple(
        SpreadEntry(
            u.evidence_id,
            u.observed or 0.0,
            u.read.kind if u.read else "unknown",
            _outcome(p, u),
            u.corroboration,
            best_matched,
            u.interval,
        )
        for u in used
    )


def judge_by_ratio_records(claim, r, used: list[EvidenceUse], aside, evidence, notes: list[str]) -> Verdict:
    """The ratio claim decided by the best-matched stated ratio; records that split make it INCONCLUSIVE."""
    p = claim.predicate
    top = used[0]
    best = [u for u in used if u.rank == top.rank]
    spread = ratio_spread(p, used, True)
    verdict = _outcome(p, top)
    verdict = unknown_cap(r.conditions, [(top.evidence_id, verdict)], evidence_by_id(evidence), verdict, notes)
    sides = split_sides([s for s in spread if s.evidence_id in {u.evidence_id for u in best}])
    why_sides = ""
    if len(sides) > 1:
        verdict = "INCONCLUSIVE"
        why_sides = f" Equally matched ratio records disagree ({sides_text(sides)})."
    notes.extend(disagreement_notes(spread, verdict, "x"))
    corr = top.corroboration
    decide_l, cmd = _hints(claim, r, verdict, corr, None, top.read.kind if top.read else None, aside=aside)
    return Verdict(
        **_base(claim, r),
        **_empty(
            verdict=verdict,
            observed=top.observed,
            margin_rel=((top.observed or 0.0) - float(p.value)) / float(p.value),
            interval=top.interval,
            interval_method=top.read.interval_method if top.read else None,
            read_method=f"{top.evidence_id}: {top.read.method if top.read else 'a stated ratio'}",
            evidence_used=tuple(best),
            evidence_set_aside=tuple(aside),
            conditions=top.comparisons,
            notes=tuple(notes),
        ),
        corroboration=corr,
        why=f"{top.evidence_id} states {bound_word(top.read.kind if top.read else 'point')}{top.observed:g}x over {p.ratio_to.hardware} under the same conditions, "
        f"against the claimed {p.value:g}x: {verdict}; {_LABEL.get(corr, 'no corroboration')}.{why_sides}",
        what_would_decide=tuple(decide_l),
        decide_command=cmd,
        differences=tuple(_differences(top.comparisons)),
        caveats=_caveats(best),
        spread=spread,
    )

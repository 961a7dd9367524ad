"""The ratio form: A's metric over B's against a claimed factor (pure)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from claimbench.judge.matching import (
    compare_pair,
)
from claimbench.judge.verdict.algebra import decide, divide
from claimbench.judge.verdict.conditions import _gather, _observed_of, _read_of
from claimbench.judge.verdict.corroboration import _LABEL, Claimant, _weakest
from claimbench.judge.verdict.derived import transform_for
from claimbench.judge.verdict.disagreement import disagreement_notes, sides_text, split_sides
from claimbench.judge.verdict.explain import (
    _base,
    _caveats,
    _differences,
    _empty,
    _fmtn,
    _hints,
    _unverifiable,
)
from claimbench.judge.verdict.index import by_id as evidence_by_id
from claimbench.judge.verdict.intervals import (
    _percentile_interval,
)
from claimbench.judge.verdict.ratio_evidence import judge_by_ratio_records, ratio_records, ratio_spread
from claimbench.judge.verdict.stated import STATED_COST, on_price_basis, price_basis_missing, states_cost
from claimbench.judge.verdict.types import (
    EvidenceUse,
    PlausibilityBound,
    ReadOut,
    SpreadEntry,
    Verdict,
    VerdictConfig,
)
from claimbench.judge.verdict.unknowns import unknown_cap


def _ratio_sides(
    claim, r, metric, base_hw, evidence, hardware, cfg, equivalent, tf_a, tf_b, bridge, orgs=None
) -> tuple[list[EvidenceUse], list[EvidenceUse], tuple[EvidenceUse, ...]]:
    """Numerator and denominator evidence (a record used by the numerator is not reused below it) and
    the records set aside on either side, each listed once."""
    # the baseline is read under the reading's model, phase, SLO and basis; its workload
    # (precision, lengths, speculative decoding, deployment) is compared with the numerator's
    base_cond = r.conditions.model_copy(
        update={
            "hardware": base_hw,
            "precision": None,
            "speculative": None,
            "input_len": None,
            "output_len": None,
            "deployment": None,
        }
    )
    num, aside_n = _gather(
        r.conditions, r.basis, metric, evidence, hardware, cfg, Claimant(claim, orgs), equivalent, tf_a, bridge
    )
    den, aside_d = _gather(base_cond, r.basis, metric, evidence, hardware, cfg, Claimant(claim, orgs), equivalent, tf_b)
    den = [d for d in den if d.evidence_id not in {n.evidence_id for n in num}]
    used_ids = {x.evidence_id for x in num} | {x.evidence_id for x in den}
    aside_n = [a for a in aside_n if a.evidence_id not in used_ids]
    aside_d = [a for a in aside_d if a.evidence_id not in used_ids]
    aside = tuple(aside_n) + tuple(a for a in aside_d if a.evidence_id not in {x.evidence_id for x in aside_n})
    return num, den, aside


def _ratio_ceiling(
    claim, r, base, base_hw, bound, tf_a, num, den, aside, notes: list[str]
) -> tuple[Verdict | None, PlausibilityBound | None]:
    """Plausibility of the ratio: A's roofline bound over B's observed (the best-matched baseline record).

    Returns an IMPLAUSIBLE verdict when the claimed ratio exceeds that ceiling; otherwise (None, the bound
    to report), appending the ceiling to ``notes`` when one was computed."""
    if not (den and bound is not None and bound.max_value is not None and bound.kind == "numerator"):
        return None, bound
    if tf_a.base_metric == "usd_per_mtok":  # a stated cost: a throughput roof does not bound it
        return None, bound
    p = claim.predicate
    d = den[0]
    ceiling = tf_a.fn(bound.max_value) / _observed_of(d) if not tf_a.decreasing else None
    if ceiling is None:
        return None, bound
    floor = float(p.value) * (1.0 - (p.tolerance_rel or 0.0))
    text = (
        f"ratio ceiling: {r.conditions.hardware}'s bound {_fmtn(bound.max_value)} per {bound.basis} / "
        f"{d.evidence_id}'s observed {_fmtn(d.observed)} = {ceiling:.3g}x; {bound.explanation}"
    )
    if p.comparator in (">=", "approx") and floor > ceiling:
        decide_l, _ = _hints(claim, r, "IMPLAUSIBLE", None, bound, None)
        implausible = Verdict(
            **base,
            **_empty(
                verdict="IMPLAUSIBLE",
                observed=ceiling,
                margin_rel=(ceiling - float(p.value)) / float(p.value),
                evidence_used=tuple(num[:1]) + (d,),
                evidence_set_aside=aside,
                bound=replace(bound, max_value=ceiling, basis=bound.basis),
                notes=tuple(notes + [text]),
                read_method="A's roofline bound / B's observed",
            ),
            corroboration=None,
            why=f"The claimed {p.value:g}x exceeds the ceiling {ceiling:.3g}x = {r.conditions.hardware}'s "
            f"roofline bound over {base_hw}'s observed throughput.",
            what_would_decide=tuple(decide_l),
            caveats=_caveats([d]),
        )
        return implausible, bound
    notes.append(f"within the {text}")
    return None, replace(bound, max_value=ceiling, binding_roof=bound.binding_roof)


def _ratio_side_missing(claim, r, base, base_hw, evidence, bound, num, den, aside, notes: list[str]) -> Verdict:
    """NOT-COMPARABLE (or INCONCLUSIVE without any evidence) when one side has no comparable record."""
    side = "numerator" if not num else "denominator"
    notes.append(f"no comparable evidence for the {side} ({r.conditions.hardware if not num else base_hw})")
    verdict = "NOT-COMPARABLE" if evidence else "INCONCLUSIVE"
    decide_l, cmd = _hints(claim, r, verdict, None, bound, None, aside=aside)
    return Verdict(
        **base,
        **_empty(
            verdict=verdict,
            evidence_used=tuple(num + den),
            evidence_set_aside=aside,
            bound=bound,
            notes=tuple(notes),
        ),
        corroboration=None,
        why=f"No evidence for the {side} matches the reading's binding conditions.",
        what_would_decide=tuple(decide_l),
        decide_command=cmd,
    )


def _pair_comps(num, den, evidence, equivalent) -> dict[tuple[str, str], Any]:
    """The workload comparison of every numerator/denominator pair, computed once per reading."""
    ev_by_id = evidence_by_id(evidence)
    return {
        (n.evidence_id, d.evidence_id): compare_pair(ev_by_id[n.evidence_id], ev_by_id[d.evidence_id], equivalent)
        for n in num
        for d in den
    }


def _best_ratio_pair(num, den, evidence, equivalent, pair_comps=None) -> tuple[bool, EvidenceUse, EvidenceUse, Any]:
    """The numerator/denominator pair to divide: comparable workloads first (else the fewest binding
    differences), then the pair with the fewest conditions unknown on either side (both sides matched on the same conditions, unknowns included), then
    best ranks, then the largest observed values. Returns (comparable, numerator, denominator, their condition comparisons)."""
    ev_by_id = evidence_by_id(evidence)
    pairs = []
    for n in num:
        for d in den:
            comps = (pair_comps or {}).get((n.evidence_id, d.evidence_id)) or compare_pair(
                ev_by_id[n.evidence_id], ev_by_id[d.evidence_id], equivalent
            )
            ok = not any(c.binding and c.status == "differs" for c in comps)
            differs = sum(1 for c in comps if c.binding and c.status == "differs")
            unknown = sum(1 for c in comps if c.status == "unknown")  # a pair matched on more conditions first
            pairs.append((ok, differs, unknown, n.rank, d.rank, -(n.observed or 0), -(d.observed or 0), n, d, comps))
    pairs.sort(key=lambda t: (not t[0], t[1], t[2], t[3], t[4], t[5], t[6]))
    ok, _, _, _, _, _, _, n, d, comps = pairs[0]
    return ok, n, d, comps


def _ratio_of_different_workloads(
    claim, r, base, base_hw, bound, n, d, comps, ratio, corr, aside, notes: list[str]
) -> Verdict:
    """NOT-COMPARABLE with the ratio as indicative: the only pair differs in binding workload conditions."""
    p = claim.predicate
    diffs = [c for c in comps if c.binding and c.status == "differs"]
    dtext = "; ".join(f"{c.name} {c.claim} vs {c.evidence}" for c in diffs)
    unk = [c for c in comps if c.status == "unknown" and c.claim and c.evidence]
    utext = ("; unknown: " + "; ".join(f"{c.name} {c.claim} vs {c.evidence}" for c in unk)) if unk else ""
    notes.append(
        f"indicative only: {n.evidence_id} / {d.evidence_id} = {_fmtn(n.observed)} / {_fmtn(d.observed)} = "
        f"{ratio:.2f}{p.unit}; numerator and denominator differ in {dtext}"
    )
    decide_l, cmd = _hints(claim, r, "NOT-COMPARABLE", corr, bound, None, aside=aside)
    decide_l.insert(
        0,
        f"A {base_hw} figure under the numerator's workload ({dtext.replace(' vs ', ' instead of ')}), "
        f"or a {r.conditions.hardware} figure under the baseline's.",
    )
    return Verdict(
        **base,
        **_empty(
            verdict="NOT-COMPARABLE",
            evidence_used=(n, d),
            evidence_set_aside=aside,
            conditions=comps,
            bound=bound,
            notes=tuple(notes),
            read_method="ratio of the best-matched numerator and denominator records",
        ),
        corroboration=corr,
        why=f"The only ratio the evidence allows, {n.evidence_id} / {d.evidence_id} = {ratio:.2f}x, compares "
        f"different workloads ({dtext}{utext}).",
        what_would_decide=tuple(decide_l),
        decide_command=cmd,
        differences=tuple(_differences(comps)),
        caveats=_caveats([n, d]),
        indicative=ratio,
    )


def _ratio_interval(
    n: EvidenceUse, d: EvidenceUse, cfg: VerdictConfig
) -> tuple[tuple[float, float] | None, str | None]:
    """Interval of numerator / denominator: from paired bootstrap replicates when both sides have them,
    else from the two sides' interval extremes, else none."""
    interval, method = None, None
    n_reps = n.read.replicates if n.read else None
    d_reps = d.read.replicates if d.read else None
    if n_reps and d_reps:
        k = min(len(n_reps), len(d_reps))
        rr = np.asarray(n_reps[:k]) / np.asarray(d_reps[:k])
        interval = _percentile_interval(rr, cfg)
        method = (
            f"ratio of independent percentile-bootstrap replicates (requests within levels; one random stream "
            f"per record), B={k}, seed={cfg.seed}, {cfg.confidence:.0%}"
        )
    elif n.interval is not None or d.interval is not None:
        nlo, nhi = n.interval or (_observed_of(n), _observed_of(n))
        dlo, dhi = d.interval or (_observed_of(d), _observed_of(d))
        interval = (nlo / dhi, nhi / dlo)
        method = "ratio of the two sides' interval extremes (independent figures, each at its stated precision)"
    return interval, method


def _ratio_read_kind(n_read: ReadOut, d_read: ReadOut, notes: list[str]) -> str:
    """What the ratio is given what each side is (:func:`claimbench.judge.verdict.algebra.divide`):
    ``lower ÷ upper = lower``, ``point ÷ lower = upper``, ``lower ÷ lower = unknown`` (noted)."""
    kind = divide(n_read.kind, d_read.kind)
    if kind == "unknown":
        notes.append(
            f"numerator is a {n_read.kind.replace('_', ' ')} and denominator a {d_read.kind.replace('_', ' ')}: "
            "their ratio bounds the true ratio in neither direction, so it decides nothing"
        )
    return kind


def _pair_key(comps) -> tuple[int, int]:
    """(binding differences, unknown conditions) of a numerator/denominator pair."""
    differs = sum(1 for c in comps if c.binding and c.status == "differs")
    return differs, sum(1 for c in comps if c.status == "unknown")


def _ratio_spread(num, den, pair_comps, p, chosen) -> tuple[SpreadEntry, ...]:
    """Every like-for-like pair as well matched as the chosen one, decided on its own (the spread of ratios)."""
    best = _pair_key(pair_comps[chosen])
    out = []
    for n in num:
        for d in den:
            if _pair_key(pair_comps[(n.evidence_id, d.evidence_id)]) != best:
                continue
            value = _observed_of(n) / _observed_of(d)
            kind = divide(_read_of(n).kind, _read_of(d).kind)
            outcome = decide(p.comparator, float(p.value), p.tolerance_rel, value, kind, None, p.value_pm)
            pair = (n.evidence_id, d.evidence_id)
            out.append(
                SpreadEntry(
                    f"{pair[0]} / {pair[1]}",
                    value,
                    kind,
                    outcome,
                    _weakest([n.corroboration, d.corroboration]),
                    pair == chosen,
                )
            )
    return tuple(out)


def _judge_ratio(claim, r, evidence, hardware, cfg, bound, prices, equivalent, bridge=None, orgs=None) -> Verdict:
    """The ratio form: A's metric over B's (matched on the same workload) against the claimed factor."""
    p = claim.predicate
    metric = r.metric or p.metric
    base_hw = p.ratio_to.hardware
    tf_a, miss_a = transform_for(metric, r.conditions.hardware, hardware, prices, evidence)
    tf_b, miss_b = transform_for(metric, base_hw, hardware, prices, evidence)
    if metric == "usd_per_mtok" and states_cost(r.conditions, evidence, p.price_basis):
        tf_a = tf_b = STATED_COST  # stated costs on both sides, like with like (:mod:`.stated`)
        evidence = on_price_basis(evidence, p.price_basis)
    elif price_basis_missing(metric, p.price_basis):
        return _unverifiable(claim, r, price_basis_missing(metric, p.price_basis) or "", bound)
    if tf_a is None or tf_b is None:
        return _unverifiable(claim, r, "; ".join(x for x in (miss_a, miss_b) if x), bound)
    num, den, aside = _ratio_sides(
        claim, r, metric, base_hw, evidence, hardware, cfg, equivalent, tf_a, tf_b, bridge, orgs
    )
    notes: list[str] = []
    if r.basis is None:
        notes.append("the claim does not state the unit basis: both sides read per card")
    base = _base(claim, r)
    if bound is not None and bound.blocking:
        decide_l, _ = _hints(claim, r, "IMPLAUSIBLE", None, bound, None)
        return Verdict(
            **base,
            **_empty(verdict="IMPLAUSIBLE", bound=bound, notes=(bound.blocking,)),
            why=f"As stated the reading cannot hold: {bound.blocking}.",
            what_would_decide=tuple(decide_l),
        )
    if bound is not None and bound.max_value is None:
        notes.append(bound.explanation)
    implausible, bound = _ratio_ceiling(claim, r, base, base_hw, bound, tf_a, num, den, aside, notes)
    if implausible is not None:
        return implausible
    stated, stated_aside = ratio_records(claim, r, metric, base_hw, evidence, hardware, equivalent, orgs)
    ratio_ids = {u.evidence_id for u in (*stated, *stated_aside)}  # set aside for their ratio's reasons only
    aside = tuple(a for a in aside if a.evidence_id not in ratio_ids) + tuple(stated_aside)
    if not num or not den:
        if stated:  # no pair of absolute records: a stated ratio, like with like, decides (:mod:`.ratio_evidence`)
            return judge_by_ratio_records(claim, r, stated, aside, evidence, notes)
        return _ratio_side_missing(claim, r, base, base_hw, evidence, bound, num, den, aside, notes)
    pair_comps = _pair_comps(num, den, evidence, equivalent)
    ok, n, d, comps = _best_ratio_pair(num, den, evidence, equivalent, pair_comps)
    ratio = _observed_of(n) / _observed_of(d)
    corr = _weakest([n.corroboration, d.corroboration])
    if not ok:
        if stated:
            return judge_by_ratio_records(claim, r, stated, aside, evidence, notes)
        return _ratio_of_different_workloads(claim, r, base, base_hw, bound, n, d, comps, ratio, corr, aside, notes)
    interval, method = _ratio_interval(n, d, cfg)
    n_read, d_read = _read_of(n), _read_of(d)
    kind = _ratio_read_kind(n_read, d_read, notes)
    verdict = decide(p.comparator, float(p.value), p.tolerance_rel, ratio, kind, interval, p.value_pm)
    ev_by_id = evidence_by_id(evidence)
    verdict = unknown_cap(r.conditions, [(n.evidence_id, verdict)], ev_by_id, verdict, notes)
    spread = _ratio_spread(num, den, pair_comps, p, (n.evidence_id, d.evidence_id)) + ratio_spread(p, stated, False)
    sides = split_sides(spread)
    why_sides = ""
    if len(sides) > 1:  # equally well-matched pairs disagree: both sides named, nothing decided
        verdict = "INCONCLUSIVE"
        why_sides = f" Equally matched pairs disagree ({sides_text(sides)})."
    notes.extend(disagreement_notes([replace(x, best_matched=True) for x in spread], verdict, "x"))
    if corr == "self-reported":
        notes.append("self-reported: the numerator rests only on the claimant's own figures")
    decide_l, cmd = _hints(claim, r, verdict, corr, bound, kind, aside=aside)
    return Verdict(
        **base,
        **_empty(
            verdict=verdict,
            observed=ratio,
            margin_rel=(ratio - float(p.value)) / float(p.value),
            interval=interval,
            interval_method=method,
            read_method=f"{n.evidence_id} ({n_read.method}) / {d.evidence_id} ({d_read.method})",
            evidence_used=(n, d),
            evidence_set_aside=aside,
            conditions=comps,
            bound=bound,
            notes=tuple(notes),
        ),
        corroboration=corr,
        why=f"{n.evidence_id} / {d.evidence_id} = {ratio:.2f}x against the claimed {p.value:g}x: {verdict}; "
        f"{_LABEL.get(corr, 'no corroboration')}.{why_sides}",
        what_would_decide=tuple(decide_l),
        decide_command=cmd,
        differences=tuple(_differences(comps)),
        caveats=_caveats([n, d]),
        spread=spread,
    )

"""The ratio form: A's metric over B's against a claimed factor (pure)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from claimbench.judge.matching import (
    ConditionComparison,
    Status,
    compare_pair,
)
from claimbench.judge.verdict.algebra import bound_word, decide, divide, normal_kind
from claimbench.judge.verdict.conditions import _gather, _observed_of, _read_of
from claimbench.judge.verdict.corroboration import _LABEL, Claimant, _weakest
from claimbench.judge.verdict.derived import transform_for
from claimbench.judge.verdict.disagreement import (
    could_be_noise,
    disagreement_notes,
    not_noise_hint,
    sides_text,
    split_sides,
    what_differs,
)
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
from claimbench.judge.verdict.origin import describe, origin_gap, origin_key
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
from claimbench.judge.verdict.unknowns import (
    DECIDING_UNKNOWNS,
    CandidateKey,
    candidate_key,
    candidate_names,
    split_text,
    unknown_cap,
)


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


def _scale_unknown(r) -> bool:
    """A per-system or per-node ratio whose claim does not state its scale: a system's size is its deployment."""
    return r.basis in ("system", "node") and r.conditions.deployment is None


def _size_comparison(n_ev, d_ev) -> ConditionComparison:
    """The two systems' sizes, binding for a per-system ratio with the scale unknown: a 288-package system over an
    8-package one is no like-for-like pair (its ratio is mostly the sizes')."""
    a, b = n_ev.packages, d_ev.packages
    status: Status = "unknown" if a is None or b is None else ("match" if a == b else "differs")
    return ConditionComparison(
        "deployment",
        f"{a} packages" if a is not None else None,
        f"{b} packages" if b is not None else None,
        status,
        True,
        None
        if status == "match"
        else "numerator vs denominator: systems of different sizes (the claim does not state its scale)",
    )


def _size_gap(a, b) -> float:
    """How far apart two systems' sizes are (the larger over the smaller; 0 when either is unknown)."""
    if not a.packages or not b.packages:
        return 0.0
    return max(a.packages, b.packages) / min(a.packages, b.packages)


def _pair_comps(num, den, evidence, equivalent, r=None) -> dict[tuple[str, str], Any]:
    """The workload comparison of every numerator/denominator pair, computed once per reading (with the systems'
    sizes for a per-system reading whose scale the claim leaves unknown)."""
    ev_by_id = evidence_by_id(evidence)
    sized = r is not None and _scale_unknown(r)
    out = {}
    for n in num:
        for d in den:
            a, b = ev_by_id[n.evidence_id], ev_by_id[d.evidence_id]
            comps = compare_pair(a, b, equivalent)
            out[(n.evidence_id, d.evidence_id)] = comps + ((_size_comparison(a, b),) if sized else ())
    return out


def _best_ratio_pair(num, den, evidence, equivalent, pair_comps=None) -> tuple[bool, EvidenceUse, EvidenceUse, Any]:
    """The numerator/denominator pair to divide: comparable workloads first (else the fewest binding
    differences), then the same MLPerf division and round on both sides (closed before open), then the pair with
    the fewest conditions unknown on either side (both sides matched on the same conditions, unknowns included),
    then best ranks, then the largest observed values. Returns (comparable, numerator, denominator, their condition
    comparisons)."""
    ev_by_id = evidence_by_id(evidence)
    pairs = []
    for n in num:
        for d in den:
            comps = (pair_comps or {}).get((n.evidence_id, d.evidence_id)) or compare_pair(
                ev_by_id[n.evidence_id], ev_by_id[d.evidence_id], equivalent
            )
            ok = not any(c.binding and c.status == "differs" for c in comps)
            differs, unknown = _pair_key(comps)
            a, b = ev_by_id[n.evidence_id], ev_by_id[d.evidence_id]
            origin = origin_key(a, b)
            size_gap = _size_gap(a, b) if any(c.name == "deployment" and c.status == "differs" for c in comps) else 0.0
            key = (not ok, differs, size_gap, origin, unknown, n.rank, d.rank, -(n.observed or 0), -(d.observed or 0))
            pairs.append((key, ok, n, d, comps))
    pairs.sort(key=lambda t: t[0])
    _, ok, n, d, comps = pairs[0]
    return ok, n, d, comps


def _sizes(num, den, evidence) -> tuple[str, str, str]:
    """The numerator's and the denominator's system sizes, and the range of their ratios (for the *why*)."""
    ev_by_id = evidence_by_id(evidence)

    def listed(uses) -> str:
        return ", ".join(str(x) for x in sorted({ev_by_id[u.evidence_id].packages or 0 for u in uses}))

    values = [_observed_of(a) / _observed_of(b) for a in num for b in den]
    return listed(num), listed(den), f"{min(values):.3g}–{max(values):.3g}x"


def _ratio_of_different_workloads(
    claim, r, base, base_hw, bound, n, d, comps, ratio, corr, aside, notes: list[str], sizes=None
) -> Verdict:
    """NOT-COMPARABLE with the ratio as indicative: the only pair differs in binding workload conditions
    (``sizes``: the two sides' system sizes and ratio range, when the claim leaves its scale unknown)."""
    p = claim.predicate
    diffs = [c for c in comps if c.binding and c.status == "differs"]
    dtext = "; ".join(f"{c.name} {c.claim} vs {c.evidence}" for c in diffs)
    unk = [c for c in comps if c.status == "unknown" and c.claim and c.evidence]
    utext = ("; unknown: " + "; ".join(f"{c.name} {c.claim} vs {c.evidence}" for c in unk)) if unk else ""
    value_text = ratio_text(ratio, _read_of(n).kind, _read_of(d).kind, r.conditions.hardware, base_hw, p.unit)
    notes.append(
        f"indicative only: {n.evidence_id} / {d.evidence_id} = {_fmtn(n.observed)} / {_fmtn(d.observed)} = "
        f"{value_text}; numerator and denominator differ in {dtext}"
    )
    decide_l, cmd = _hints(claim, r, "NOT-COMPARABLE", corr, bound, None, aside=aside)
    decide_l.insert(
        0,
        f"A {base_hw} figure under the numerator's workload ({dtext.replace(' vs ', ' instead of ')}), "
        f"or a {r.conditions.hardware} figure under the baseline's.",
    )
    why = (
        f"The only ratio the evidence allows, {n.evidence_id} / {d.evidence_id} = {value_text}, compares "
        f"different workloads ({dtext}{utext})."
    )
    if sizes is not None and [c.name for c in diffs] == ["deployment"]:  # only the systems' sizes differ
        why = (
            f"No like-for-like pair: the claim does not state its scale, and every {r.conditions.hardware} system "
            f"({sizes[0]} packages) differs in size from every {base_hw} system ({sizes[1]} packages), so each ratio "
            f"({sizes[2]}) is largely the systems' sizes; the closest in size, {n.evidence_id} / {d.evidence_id} = "
            f"{value_text}, is indicative only."
        )
        decide_l[0] = (
            f"Systems of one size on both sides (a {base_hw} system as large as a {r.conditions.hardware} one, or "
            "the reverse), or the scale the claim speaks of (`deployment.devices` in the claim file)."
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
        why=why,
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


def _bounded_sides(n_kind: str, d_kind: str, num_hw: str | None, den_hw: str | None) -> str:
    """Which side of a ratio is only a bound: ``the nvidia-h100-sxm side is a lower bound`` (empty for two points)."""
    words = {"lower_bound": "a lower bound", "upper_bound": "an upper bound", "unknown": "of unknown kind"}
    parts = [
        f"the {hw} side is {words[normal_kind(k)]}"
        for hw, k in ((num_hw, n_kind), (den_hw, d_kind))
        if normal_kind(k) != "point"
    ]
    return ", ".join(parts)


def ratio_text(value: float, n_kind: str, d_kind: str, num_hw: str | None, den_hw: str | None, unit: str = "x") -> str:
    """A ratio's value with its kind in words (:func:`claimbench.judge.verdict.algebra.divide`): ``4.50x``, or
    ``at most 4.50x (the nvidia-h100-sxm side is a lower bound)`` (point ÷ lower = upper bound), or
    ``4.50x, which bounds nothing (...)`` (lower ÷ lower)."""
    kind = divide(n_kind, d_kind)
    sides = _bounded_sides(n_kind, d_kind, num_hw, den_hw)
    if kind == "unknown":
        return f"{value:.2f}{unit}, which bounds the true ratio in neither direction ({sides})"
    return f"{bound_word(kind)}{value:.2f}{unit}" + (f" ({sides})" if sides else "")


def _bounded_side_hints(r, pairs) -> list[str]:
    """What would decide a ratio one of whose sides is only a bound: that side's figure at the claim's conditions.

    ``pairs`` is ((hardware, evidence use, read), ...) for the numerator and the denominator."""
    out = []
    no_bound = not r.conditions.slo and not r.conditions.concurrency
    for hw, use, rd in pairs:
        k = normal_kind(rd.kind)
        if k == "point":
            continue
        want = (
            f"{hw}'s maximum throughput (not a latency-limited, fixed-load or production point)"
            if k == "lower_bound" and no_bound
            else f"a point of {hw} at the claim's own latency bound and statistic"
        )
        what = {"lower_bound": "a lower bound", "upper_bound": "an upper bound"}.get(k, "a figure of unknown kind")
        out.append(
            f"The {hw} side's figure at the claim's conditions: {use.evidence_id} gives {what} only ({rd.method}); "
            f"{want} would make the ratio a point."
        )
    return out


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


def _extremes(n: EvidenceUse, d: EvidenceUse) -> tuple[float, float] | None:
    """The ratio's interval from its two sides' interval extremes (None when neither side has one)."""
    if n.interval is None and d.interval is None:
        return None
    nlo, nhi = n.interval or (_observed_of(n), _observed_of(n))
    dlo, dhi = d.interval or (_observed_of(d), _observed_of(d))
    return (nlo / dhi, nhi / dlo) if dlo > 0 and dhi > 0 else None


def _ratio_spread(
    num, den, pair_comps, p, chosen, ev_by_id
) -> tuple[tuple[SpreadEntry, ...], dict[str, tuple[EvidenceUse, EvidenceUse]]]:
    """Every like-for-like pair as well matched as the chosen one, decided on its own (the spread of ratios);
    ``best_matched`` marks those also of the chosen pair's MLPerf division and round. Returns the entries and, by
    entry id, the pair."""
    best = _pair_key(pair_comps[chosen])
    best_origin = origin_key(ev_by_id[chosen[0]], ev_by_id[chosen[1]])
    out, pairs = [], {}
    for n in num:
        for d in den:
            pair = (n.evidence_id, d.evidence_id)
            if _pair_key(pair_comps[pair]) != best:
                continue
            value = _observed_of(n) / _observed_of(d)
            kind = divide(_read_of(n).kind, _read_of(d).kind)
            interval = _extremes(n, d)
            outcome = decide(p.comparator, float(p.value), p.tolerance_rel, value, kind, interval, p.value_pm)
            same_origin = origin_key(ev_by_id[pair[0]], ev_by_id[pair[1]]) == best_origin
            eid = f"{pair[0]} / {pair[1]}"
            out.append(
                SpreadEntry(
                    eid, value, kind, outcome, _weakest([n.corroboration, d.corroboration]), same_origin, interval
                )
            )
            pairs[eid] = (n, d)
    return tuple(out), pairs


_STATED = ("precision", "input_len", "output_len", "speculative")
"""Workload conditions a claim may state that a record can leave unknown (they then count as neither met nor
missed: the *why* says so)."""


def _unstated(r, n_ev, d_ev, num_hw, den_hw) -> list[str]:
    """Conditions the claim states that either record of the pair leaves unknown: ``precision: the claim says fp8,
    neither record states one``."""
    out = []
    for name in _STATED:
        cv = getattr(r.conditions, name)
        if cv is None:
            continue
        nv, dv = getattr(n_ev.conditions, name), getattr(d_ev.conditions, name)
        if nv is None and dv is None:
            out.append(f"{name}: the claim says {_s(cv)}, neither record states one")
        elif nv is None:
            out.append(f"{name}: the claim says {_s(cv)}, the {num_hw} record states none (the {den_hw}'s: {_s(dv)})")
        elif dv is None:
            out.append(f"{name}: the claim says {_s(cv)}, the {den_hw} record states none (the {num_hw}'s: {_s(nv)})")
    return out


def _s(v) -> str:
    return v if isinstance(v, str) else str(getattr(v, "method", v))


def _what_differs(sides, pairs, ev_by_id) -> list[str]:
    """The conditions whose values tell the supporting pairs from the refuting ones: ``MLPerf round (REFUTED: v5.1 /
    v5.1; SUPPORTED: v6.0 / v5.1)``, each pair's values as numerator / denominator."""
    described: dict[str, list[dict[str, str]]] = {}
    for outcome, entries in sides.items():
        for e in entries:
            if e.evidence_id not in pairs:
                continue
            n, d = pairs[e.evidence_id]
            a, b = describe(ev_by_id[n.evidence_id]), describe(ev_by_id[d.evidence_id])
            described.setdefault(outcome, []).append({k: f"{a[k]} / {b.get(k, '?')}" for k in a})
    return what_differs(described)


def _candidates(r, spread, pairs, ev_by_id) -> dict[CandidateKey, list[tuple[str, str, float]]]:
    """The best-matched pairs grouped by the chip, model or deployment the claim leaves unknown (the numerator's;
    a like-for-like pair states the same on both sides): ``(("deployment", "72 packages"),)`` -> [(pair, outcome,
    ratio)]."""
    missing = [n for n in DECIDING_UNKNOWNS if getattr(r.conditions, n) is None]
    groups: dict[CandidateKey, list[tuple[str, str, float]]] = {}
    for e in spread:
        if not e.best_matched or e.evidence_id not in pairs:
            continue
        key = candidate_key(ev_by_id[pairs[e.evidence_id][0].evidence_id], missing, r.basis)
        if key:
            groups.setdefault(key, []).append((e.evidence_id, e.outcome, e.observed))
    return groups


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
    pair_comps = _pair_comps(num, den, evidence, equivalent, r)
    ok, n, d, comps = _best_ratio_pair(num, den, evidence, equivalent, pair_comps)
    ratio = _observed_of(n) / _observed_of(d)
    corr = _weakest([n.corroboration, d.corroboration])
    if not ok:
        if stated:
            return judge_by_ratio_records(claim, r, stated, aside, evidence, notes)
        sizes = _sizes(num, den, evidence) if _scale_unknown(r) else None
        return _ratio_of_different_workloads(
            claim, r, base, base_hw, bound, n, d, comps, ratio, corr, aside, notes, sizes
        )
    return _judge_pair(claim, r, base, bound, cfg, (n, d, comps, num, den, pair_comps), stated, aside, evidence, notes)


def _judge_pair(claim, r, base, bound, cfg, chosen, stated, aside, evidence, notes: list[str]) -> Verdict:
    """The ratio of the like-for-like pair chosen, with the spread of pairs as well matched and what decides it.

    ``chosen`` is (numerator, denominator, their comparisons, all numerators, all denominators, every pair's
    comparisons)."""
    p = claim.predicate
    n, d, comps, num, den, pair_comps = chosen
    base_hw, num_hw = p.ratio_to.hardware, r.conditions.hardware
    ratio = _observed_of(n) / _observed_of(d)
    corr = _weakest([n.corroboration, d.corroboration])
    interval, method = _ratio_interval(n, d, cfg)
    n_read, d_read = _read_of(n), _read_of(d)
    kind = _ratio_read_kind(n_read, d_read, notes)
    value_text = ratio_text(ratio, n_read.kind, d_read.kind, num_hw, base_hw)
    verdict = decide(p.comparator, float(p.value), p.tolerance_rel, ratio, kind, interval, p.value_pm)
    ev_by_id = evidence_by_id(evidence)
    n_ev, d_ev = ev_by_id[n.evidence_id], ev_by_id[d.evidence_id]
    uncapped = verdict
    verdict = unknown_cap(r.conditions, [(n.evidence_id, verdict)], ev_by_id, verdict, notes)
    pair_spread, pairs = _ratio_spread(num, den, pair_comps, p, (n.evidence_id, d.evidence_id), ev_by_id)
    spread = pair_spread + ratio_spread(p, stated, True)
    best = [x for x in spread if x.best_matched]
    sides = split_sides(best)
    groups = _candidates(r, spread, pairs, ev_by_id)
    cand_outcomes = {o for recs in groups.values() for _, o, _ in recs if o != "INCONCLUSIVE"}
    by_unknown = len(groups) > 1 and (len(sides) > 1 or len(cand_outcomes) > 1)
    why_sides = ""
    observed: float | None = ratio
    if by_unknown or len(sides) > 1:
        verdict = "INCONCLUSIVE"
        why_sides = _split_why(groups, sides, by_unknown)
    if by_unknown and len(cand_outcomes) > 1:
        observed, interval, method = None, None, None  # no one candidate's ratio stands for the claim
    notes.extend(x for x in disagreement_notes(spread, uncapped, "x") if not (by_unknown and "best-matched" in x))
    gap = origin_gap(n_ev, d_ev)
    unstated = _unstated(r, n_ev, d_ev, num_hw, base_hw)
    notes.extend(f"the pair quoted: {g}" for g in gap)
    notes.extend(f"unknown in the evidence: {u}" for u in unstated)
    if corr == "self-reported":
        notes.append("self-reported: the numerator rests only on the claimant's own figures")
    noise = could_be_noise(best) if len(sides) > 1 and not by_unknown else not by_unknown
    decide_l, cmd = _hints(claim, r, verdict, corr, bound, kind, aside=aside, noise=noise)
    if verdict == "INCONCLUSIVE":
        extra = _bounded_side_hints(r, ((num_hw, n, n_read), (base_hw, d, d_read)))
        extra += _differs_hint(sides, pairs, ev_by_id) if len(sides) > 1 and not noise else []
        extra += [_unknown_hint(r, groups)] if by_unknown else []
        decide_l = extra + [h for h in decide_l if not h.startswith("Figures whose kind bounds the ratio")]
    details = " ".join(x[0].upper() + x[1:] + "." for x in [*gap, *unstated])
    details = (" " + details if details else "") + _less_matched_why(spread, verdict)
    return Verdict(
        **base,
        **_empty(
            verdict=verdict,
            observed=observed,
            margin_rel=(observed - float(p.value)) / float(p.value) if observed is not None else None,
            interval=interval,
            interval_method=method,
            read_method=f"{n.evidence_id} ({n_read.method}) / {d.evidence_id} ({d_read.method})"
            if observed is not None
            else "none: the candidates differ in an unknown condition",
            evidence_used=(n, d),
            evidence_set_aside=aside,
            conditions=comps,
            bound=bound,
            notes=tuple(notes),
        ),
        corroboration=corr,
        why=f"{n.evidence_id} / {d.evidence_id} = {value_text} against the claimed {p.value:g}x: {verdict}; "
        f"{_LABEL.get(corr, 'no corroboration')}.{details}{why_sides}",
        what_would_decide=tuple(decide_l),
        decide_command=cmd,
        differences=tuple(_differences(comps)),
        caveats=_caveats([n, d]),
        spread=spread,
    )


def _less_matched_why(spread, verdict: str) -> str:
    """For a decided ratio: pairs of other MLPerf rounds or divisions that would decide it the other way, named
    (they are set aside as less like-for-like, not hidden)."""
    if verdict not in ("SUPPORTED", "REFUTED"):
        return ""
    contrary = [
        x for x in spread if not x.best_matched and x.outcome in ("SUPPORTED", "REFUTED") and x.outcome != verdict
    ]
    if not contrary:
        return ""
    lo, hi = min(x.observed for x in contrary), max(x.observed for x in contrary)
    span = f"{lo:.2f}x" if lo == hi else f"{lo:.2f}–{hi:.2f}x"
    return (
        f" {len(contrary)} pair(s) across MLPerf rounds or divisions would make it {contrary[0].outcome} ({span}): "
        "less like-for-like (software or the model's rules differ), so they do not decide it."
    )


def _split_why(groups, sides, by_unknown: bool) -> str:
    """The sentence naming why equally matched pairs do not decide: the candidates per unknown value, or both sides."""
    if by_unknown:  # the pairs differ in what the claim leaves unknown: candidates, not a disagreement
        names = candidate_names(groups)
        return (
            f" The claim does not name its {' or '.join(names)}, and the pairs that would decide it state one: "
            + "; ".join(split_text(groups, limit=3))
            + "."
        )
    return f" Equally matched pairs disagree ({sides_text(sides)})."


def _differs_hint(sides, pairs, ev_by_id) -> list[str]:
    """What would decide pairs that disagree by what they were run under (not noise): pairs under one condition."""
    return [not_noise_hint(_what_differs(sides, pairs, ev_by_id), "pairs")]


def _unknown_hint(r, groups) -> str:
    """What would decide a ratio whose pairs differ in a condition the claim leaves unknown."""
    names = candidate_names(groups)
    if "deployment" in names:
        return (
            "The deployment of each side (how many packages each system spans; the claim does not say): a pair of "
            "systems of that size decides it, or a reading that assumes one (`readings:` in the claim file)."
        )
    return (
        f"The {' and '.join(names)} the claim speaks of (it does not name it), or a reading that assumes one "
        "(`readings:` in the claim file): it is judged on its own."
    )

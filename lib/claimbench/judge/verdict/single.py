"""The single-value form: one metric of one system against a claimed figure (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from claimbench.judge.matching import (
    convert,
)
from claimbench.judge.verdict.algebra import decide
from claimbench.judge.verdict.conditions import _gather, _observed_of, _read_of, _repeat_groups
from claimbench.judge.verdict.corroboration import _LABEL, Claimant, _strongest, provenance_of
from claimbench.judge.verdict.derived import transform_for
from claimbench.judge.verdict.disagreement import (
    could_be_noise,
    disagreement_notes,
    not_noise_hint,
    ranges_by,
    sides_text,
    split_sides,
    spread_of,
    what_differs,
)
from claimbench.judge.verdict.explain import (
    _base,
    _caveats,
    _closeness,
    _differences,
    _empty,
    _fmtn,
    _hints,
    _metric_unit,
    _unverifiable,
)
from claimbench.judge.verdict.index import by_id as evidence_by_id
from claimbench.judge.verdict.index import near as near_records
from claimbench.judge.verdict.intervals import (
    _repeats_interval,
)
from claimbench.judge.verdict.origin import describe
from claimbench.judge.verdict.reading import _read
from claimbench.judge.verdict.stated import (
    STATED_COST,
    STATED_EFFICIENCY,
    on_power_basis,
    on_price_basis,
    price_basis_missing,
    states_cost,
    tdp_never_decides,
)
from claimbench.judge.verdict.types import (
    _BASIS_FREE,
    FEW_REPEATS,
    EvidenceUse,
    PlausibilityBound,
    Verdict,
    VerdictConfig,
)
from claimbench.judge.verdict.unknowns import candidate_names, split_text, unknown_cap, unknown_split
from claimbench.schema.claims import Claim, ResolvedReading
from claimbench.schema.evidence import Evidence


def _bound_check(
    claim: Claim, r: ResolvedReading, bound: PlausibilityBound | None, hardware
) -> tuple[float, float] | None:
    """(claimed on the bound's basis, margin) when the claim exceeds an absolute bound, else None."""
    p = claim.predicate
    # called from _judge_single: a predicate whose value the schema makes a number
    assert p is not None and not isinstance(p.value, list)
    if bound is None or bound.max_value is None or bound.kind != "absolute" or p.comparator not in (">=", "approx"):
        return None
    if not (r.metric or p.metric).endswith("_per_s"):
        return None
    conv, _ = convert(float(p.value), r.basis or "card", bound.basis, r.conditions.hardware, hardware, None)
    if conv is None:
        return None
    claimed = conv.value
    floor = claimed * (1.0 - (p.tolerance_rel or 0.0))
    if floor > bound.max_value:
        return claimed, (bound.max_value - claimed) / claimed if claimed else 0.0
    return None


def _bound_note(claim: Claim, r: ResolvedReading, bound: PlausibilityBound | None, hardware) -> str | None:
    if bound is None:
        return None
    if bound.max_value is None or bound.kind != "absolute":
        return bound.explanation if bound.max_value is None else None
    p = claim.predicate
    # called from _judge_single: a predicate whose value the schema makes a number
    assert p is not None and not isinstance(p.value, list)
    conv, _ = convert(float(p.value), r.basis or "card", bound.basis, r.conditions.hardware, hardware, None)
    if conv is None:
        return f"roofline bound {bound.max_value:,.0f} {p.unit} per {bound.basis} not compared: {bound.explanation}"
    return (
        f"within the roofline bound: claimed {conv.value:,.0f} {p.unit} per {bound.basis} <= "
        f"{bound.max_value:,.0f} ({bound.binding_roof}); {bound.explanation}"
    )


def _indicative_single(r, aside, evidence, tf, hardware, cfg, basis) -> tuple[float | None, str | None]:
    """The closest set-aside record's value on the reading's basis, shown as indicative only."""
    by_id = evidence_by_id(evidence)
    cands = sorted(aside, key=lambda u: (len(u.reasons), u.rank))
    for u in cands:
        if any(c.name == "hardware" and c.status == "differs" for c in u.comparisons):
            continue  # another chip's figure is not indicative of this one (the card/die notes say more)
        ev = by_id[u.evidence_id]
        ro, _ = _read(ev, tf.base_metric, r.conditions, cfg)
        if ro is None:
            continue
        target = "card" if tf.per_card else (basis or "card")
        conv, _ = convert(
            ro.value, ev.basis, target, ev.conditions.hardware, hardware, ev.packages, _metric_unit(tf.base_metric)
        )
        if conv is None:
            continue
        v = tf.fn(conv.value)
        return v, f"indicative only: {ev.id} reads {_fmtn(v)} ({ro.method}); set aside because " + "; ".join(u.reasons)
    return None, None


def _chip_notes(r: ResolvedReading, aside, evidence, metric, hardware, cfg, limit: int = 3) -> list[str]:
    """For records set aside only because the chip differs: their value per die next to the
    claimed chip's dies per package — the card-vs-die question made explicit."""
    by_id = evidence_by_id(evidence)
    out: list[tuple[tuple[bool, float], str]] = []
    claim_hw = r.conditions.hardware
    claim_spec = hardware.get(claim_hw) if claim_hw else None
    for u in aside:
        binding = [c for c in u.comparisons if c.binding and c.status == "differs"]
        if len(binding) != 1 or binding[0].name != "hardware":
            continue
        ev = by_id[u.evidence_id]
        ro, _ = _read(ev, metric, r.conditions.model_copy(update={"hardware": ev.conditions.hardware}), cfg)
        spec = hardware.get(ev.conditions.hardware or "")
        if ro is None or spec is None or not spec.dies_per_package:
            continue
        conv, _ = convert(ro.value, ev.basis, "card", ev.conditions.hardware, hardware, ev.packages)
        if conv is None:
            continue
        card = conv.value
        dies = spec.dies_per_package
        mine = getattr(claim_spec, "dies_per_package", None)
        same_vendor = getattr(spec, "vendor", None) == getattr(claim_spec, "vendor", None)
        out.append(
            (
                (not same_vendor, -card),
                f"{ev.id} is on {ev.conditions.hardware}, not {claim_hw}: {card:g} per "
                f"{ev.conditions.hardware} card = {card / dies:g} per die ({dies} dies per package); "
                f"{claim_hw} has {mine if mine else 'an unknown number of'} die(s) per card",
            )
        )
    out.sort(key=lambda t: t[0])
    return [text for _, text in out[:limit]]


def _single_over_bound(claim, r, base, bound, over, used, aside, notes: list[str]) -> Verdict:
    """IMPLAUSIBLE: the claimed figure exceeds the roofline bound (comparable evidence is listed beside it)."""
    p = claim.predicate
    claimed_b, margin = over
    text = (
        f"claimed {claimed_b:,.0f} {p.unit} per {bound.basis} exceeds the roofline bound "
        f"{bound.max_value:,.0f} ({bound.binding_roof}); {bound.explanation}"
    )
    notes.append(text)
    if used:
        notes.append("comparable evidence exists beside the bound: " + ", ".join(u.evidence_id for u in used))
    hints, _ = _hints(claim, r, "IMPLAUSIBLE", None, bound, None)
    return Verdict(
        **base,
        **_empty(
            verdict="IMPLAUSIBLE",
            observed=bound.max_value,
            margin_rel=margin,
            evidence_used=tuple(used),
            evidence_set_aside=tuple(aside),
            bound=bound,
            notes=tuple(notes),
            read_method="roofline bound",
        ),
        corroboration=_strongest(u.corroboration for u in used),
        why=f"The claimed {claimed_b:,.0f} per {bound.basis} exceeds the physical bound {bound.max_value:,.0f} "
        f"({bound.binding_roof}).",
        what_would_decide=tuple(hints),
        caveats=_caveats(used),
    )


def _single_without_match(
    claim, r, base, evidence, aside, tf, hardware, cfg, basis, bound, notes: list[str]
) -> Verdict:
    """NOT-COMPARABLE (records exist but none matches) or INCONCLUSIVE (no evidence), with the nearest
    record's differences and an indicative figure when one can be read."""
    notes.extend(_chip_notes(r, aside, evidence, tf.base_metric, hardware, cfg))
    _, n_far = near_records(evidence, r.conditions.hardware, r.conditions.model)
    if n_far:
        notes.append(f"{n_far} record(s) of other chips and models were not compared (not listed)")
    verdict = "NOT-COMPARABLE" if aside or n_far else "INCONCLUSIVE"
    if not evidence:
        notes.append("no evidence given")
    indicative, ind_note = _indicative_single(r, aside, evidence, tf, hardware, cfg, basis)
    if ind_note:
        notes.append(ind_note)
    hints, cmd = _hints(claim, r, verdict, None, bound, None, aside=aside)
    near = sorted((u for u in aside if u.reasons), key=_closeness)
    why = (
        f"None of {len(aside)} evidence record(s) matches the reading's binding conditions"
        + (f"; the nearest, {near[0].evidence_id}, differs in {'; '.join(near[0].reasons)}" if near else "")
        + "."
        if aside
        else "There is no evidence for this reading."
    )
    return Verdict(
        **base,
        **_empty(verdict=verdict, evidence_set_aside=tuple(aside), bound=bound, notes=tuple(notes)),
        why=why,
        what_would_decide=tuple(hints),
        decide_command=cmd,
        indicative=indicative,
        differences=tuple(_differences(min(aside, key=_closeness).comparisons)) if aside else (),
    )


def _decide_records(
    top: list[EvidenceUse], ev_by_id: Mapping[str, Evidence], p, cfg: VerdictConfig, notes: list[str]
) -> list[tuple[EvidenceUse, str, float, tuple[float, float] | None, str | None]]:
    """Decide the predicate on each best-matched record: repeats of the same conditions pooled (mean,
    interval across runs), every other record on its own. Returns (record, outcome, observed, interval,
    interval method) per decision."""
    decided: list[tuple[EvidenceUse, str, float, tuple[float, float] | None, str | None]] = []
    ci: tuple[float, float] | None
    method: str | None
    for group in _repeat_groups(top, ev_by_id):
        if len(group) > 1 and all(_read_of(u).kind in ("point", "interpolated") for u in group):
            vals = [_observed_of(u) for u in group]
            mean = float(np.mean(vals))
            ci, method = _repeats_interval(vals, cfg)
            if len(vals) < FEW_REPEATS:
                notes.append(
                    f"only {len(vals)} repeats of {group[0].evidence_id}'s conditions (< {FEW_REPEATS}): the "
                    "interval across runs is a Student-t interval resting on normality, and wide"
                )
            out = decide(p.comparator, float(p.value), p.tolerance_rel, mean, "point", ci, p.value_pm)
            decided.append((group[0], out, mean, ci, method))
        else:
            for u in group:
                ro, obs = _read_of(u), _observed_of(u)
                method = ro.interval_method if u.interval is not None else None
                out = decide(p.comparator, float(p.value), p.tolerance_rel, obs, ro.kind, u.interval, p.value_pm)
                decided.append((u, out, obs, u.interval, method))
    return decided


def _pick(decided, verdict: str, comparator: str):
    """The decision the why quotes: the first whose outcome is the verdict; for INCONCLUSIVE the record that
    bounds the claim best (the highest lower bound under an at-least claim), never one whose reading kind is
    unknown (a figure at another latency statistic bounds nothing) while one that bounds exists."""
    same = [d for d in decided if d[1] == verdict] or list(decided)
    if verdict != "INCONCLUSIVE":
        return same[0]
    bounding = [d for d in same if _read_of(d[0]).kind != "unknown"]
    if not bounding:
        return same[0]
    best = max if comparator in (">=", "approx") else min
    return best(bounding, key=lambda d: d[2])


def _agreed_outcome(decided, notes: list[str]) -> str:
    """The one conclusive outcome the decisions agree on, else INCONCLUSIVE (noting a disagreement)."""
    outcomes = {o for _, o, *_ in decided if o != "INCONCLUSIVE"}
    if len(outcomes) == 1:
        return outcomes.pop()
    return "INCONCLUSIVE"  # a split is named by disagreement_notes


def _top(used: list[EvidenceUse], p, notes: list[str]) -> list[EvidenceUse]:
    """The records that decide: the best-matched ones (form ``at``), or for ``up_to`` ("up to X") the one
    record with the best value over every matching record and level (any that reaches X supports it)."""
    if p.form != "up_to":
        return [u for u in used if u.rank == used[0].rank]
    pick = max if p.comparator == ">=" else min
    best = pick(used, key=lambda u: _observed_of(u))
    notes.append(f"up to: the best of {len(used)} matching record(s) decides ({best.evidence_id})")
    return [best]


def _judge_single(claim, r, evidence, hardware, bound, cfg, prices, equivalent, bridge=None, orgs=None) -> Verdict:
    """The single-value form: the claim's metric read from the best-matched records against the claimed figure."""
    p = claim.predicate
    metric = r.metric or p.metric
    tf, missing = transform_for(metric, r.conditions.hardware, hardware, prices, evidence)
    if metric == "usd_per_mtok" and states_cost(r.conditions, evidence, p.price_basis):
        tf = STATED_COST  # a stated $/Mtok decides a cost claim directly (:mod:`.stated`)
        evidence = on_price_basis(evidence, p.price_basis)
    elif price_basis_missing(metric, p.price_basis):
        return _unverifiable(claim, r, price_basis_missing(metric, p.price_basis) or "", bound)
    power_basis = p.power_basis or "chip"
    if metric == "output_tok_per_j":
        on_basis, basis_notes = on_power_basis(r.conditions, evidence, power_basis)
        if on_basis is not None:  # a stated tok/J on the claim's power basis decides it (:mod:`.stated`)
            v = _judge_single_read(claim, r, on_basis, hardware, bound, cfg, STATED_EFFICIENCY, equivalent, None, orgs)
            return replace(v, notes=(*v.notes, *basis_notes))
        if power_basis != "chip" and tf is None:
            missing = f"the {power_basis} power (tok/J or tok/s per MW on a {power_basis} basis): no source states it"
    if tf is None:
        return _unverifiable(claim, r, missing, bound)
    v = _judge_single_read(claim, r, evidence, hardware, bound, cfg, tf, equivalent, bridge, orgs)
    return (
        tdp_never_decides(v, power_basis, p.comparator, p.tolerance_rel)
        if metric == "output_tok_per_j" and power_basis != "chip"
        else v
    )


def _backers(named: EvidenceUse, decisive: list[EvidenceUse], corr: str | None) -> str:
    """The records that give the reading its corroboration label, when the record the why names is not one of
    them (e.g. the claimant's own MLPerf result decides, another submitter's result on the same chip agrees)."""
    ids = [x.evidence_id for x in decisive if x.corroboration == corr]
    if not ids or named.evidence_id in ids:
        return ""
    more = f" and {len(ids) - 2} more" if len(ids) > 2 else ""
    return f"{', '.join(ids[:2])}{more}"


def _per(metric: str, p, basis) -> str:
    """What a figure is per: the card (or node, system), or for tokens per joule the power it divides by."""
    if metric == "output_tok_per_j":
        return f"on {getattr(p, 'power_basis', None) or 'chip'} power"
    return f"per {basis or 'card'}"


def _achieved_where_stated(groups, basis, decided, uncapped: str) -> bool:
    """The deciding records support the claim (none refutes it) and differ from it only in the deployment it
    leaves unknown, on a per-unit basis (card, die, node): the figure is achieved there, so it supports
    the claim as stated (a record below it would not refute: another deployment could do better)."""
    return (
        candidate_names(groups) == ["deployment"]
        and basis in (None, "card", "die", "node")
        and uncapped == "SUPPORTED"
        and not any(d[1] == "REFUTED" for d in decided)
    )


def _price_basis_cap(metric: str, basis, decided, by_id, verdict: str, notes: list[str]) -> str:
    """A cost claim that does not say what its cost rests on is not decided by a stated cost on a named basis
    (a TCO model's $/Mtok is no rental cost, and the reverse): INCONCLUSIVE with the basis named."""
    if metric != "usd_per_mtok" or basis is not None or verdict not in ("SUPPORTED", "REFUTED"):
        return verdict
    bases = sorted(
        {
            pt.price_basis
            for d in decided
            for pt in by_id[d[0].evidence_id].points
            if pt.usd_per_mtok is not None and pt.price_basis is not None
        }
    )
    if not bases:
        return verdict
    notes.append(
        f"the claim does not state its price basis: with price_basis = {' / '.join(bases)} it would be {verdict} "
        "(a cost on one basis is no cost on another; `predicate.price_basis` in the claim file decides it)"
    )
    return "INCONCLUSIVE"


def _own_review(decisive: list[EvidenceUse], by_id) -> str:
    """When every record behind a self-reported reading is the claimant's own MLPerf closed-division
    submission: audited, though not independent (the label stays self-reported)."""
    recs = [by_id.get(x.evidence_id) for x in decisive if x.corroboration == "self-reported"]
    if recs and all(e is not None and provenance_of(e).origin == "peer-reviewed-submission" for e in recs):
        return (
            " (its own MLPerf closed-division submission: checked by MLPerf's submission checker and peer review, "
            "but published by the claimant)"
        )
    return ""


def _split_hints(noise: bool, best_sides, ev_by_id) -> list[str]:
    """When the best-matched records disagree by more than their own precision (not noise): what differs."""
    if noise:
        return []
    described = {o: [describe(ev_by_id[x.evidence_id]) for x in xs] for o, xs in best_sides.items()}
    entries = [x for xs in best_sides.values() for x in xs]
    rounds = {x.evidence_id: r for x in entries if (r := describe(ev_by_id[x.evidence_id]).get("MLPerf round"))}
    return [not_noise_hint(what_differs(described), ranges=ranges_by(entries, rounds, "MLPerf round"))]


def _unknown_hints(r: ResolvedReading, groups, hints: list[str]) -> list[str]:
    """What would decide a reading whose records differ in a condition the claim leaves unknown: that condition
    (not more repeats or another kind of figure)."""
    from claimbench.judge.verdict.explain import _inconclusive_hints

    generic = set(_inconclusive_hints("INCONCLUSIVE", None) + _inconclusive_hints("INCONCLUSIVE", "lower_bound"))
    out = [h for h in hints if h not in generic]
    if r.conditions.deployment is None and "deployment" in candidate_names(groups):
        out.insert(
            0,
            "The deployment the figure was obtained on (how many packages it spans; the source does not name it).",
        )
    out.append(
        "Or a reading that assumes one candidate value (`readings:` in the claim file): it is judged on its own."
    )
    return out


def _judge_single_read(claim, r, evidence, hardware, bound, cfg, tf, equivalent, bridge, orgs) -> Verdict:
    """:func:`_judge_single` once the way the metric is read (``tf``) is chosen."""
    p = claim.predicate
    metric = r.metric or p.metric
    base = _base(claim, r)
    if bound is not None and bound.blocking:
        hints, _ = _hints(claim, r, "IMPLAUSIBLE", None, bound, None)
        return Verdict(
            **base,
            **_empty(verdict="IMPLAUSIBLE", bound=bound, notes=(bound.blocking,), read_method="hardware registry"),
            why=f"As stated the reading cannot hold: {bound.blocking}.",
            what_would_decide=tuple(hints),
        )
    basis = r.basis
    who = Claimant(claim, orgs)
    used, aside = _gather(r.conditions, basis, metric, evidence, hardware, cfg, who, equivalent, tf, bridge)
    over = _bound_check(claim, r, bound, hardware)
    notes: list[str] = []
    if over is not None:
        return _single_over_bound(claim, r, base, bound, over, used, aside, notes)
    bnote = _bound_note(claim, r, bound, hardware)
    if bnote:
        notes.append(bnote)
    if not used:
        return _single_without_match(claim, r, base, evidence, aside, tf, hardware, cfg, basis, bound, notes)
    ev_by_id = evidence_by_id(evidence)
    top = _top(used, p, notes)
    decided = _decide_records(top, ev_by_id, p, cfg, notes)
    verdict = _agreed_outcome(decided, notes)
    pick = _pick(decided, verdict, p.comparator)
    uncapped = verdict
    # a system's size is a candidate only for a figure that scales with it (throughput, not a TPOT or a $/Mtok)
    scales = metric not in _BASIS_FREE and metric != "output_tok_per_s_per_user"
    groups = unknown_split(
        r.conditions, basis if scales else None, [(d[0].evidence_id, d[1], d[2]) for d in decided], ev_by_id
    )
    ignore: tuple[str, ...] = ()
    if _achieved_where_stated(groups, basis, decided, uncapped):
        ignore = ("deployment",)
        notes.append(
            "obtained on " + "; ".join(v for key in groups for _, v in key) + " (the claim does not state its "
            "deployment: a figure per unit at a stated deployment shows it is achievable there, not everywhere)"
        )
        groups = {}
    verdict = unknown_cap(
        r.conditions, [(d[0].evidence_id, d[1]) for d in decided], ev_by_id, verdict, notes, ignore=ignore
    )
    verdict = _price_basis_cap(metric, p.price_basis, decided, ev_by_id, verdict, notes)
    u, _, picked, ci, method = pick
    observed: float | None = picked
    u_read = _read_of(u)
    outcome_by_id = {d[0].evidence_id: d[1] for d in decided}
    used_final = [replace(x, outcome=outcome_by_id.get(x.evidence_id, "context")) for x in used]
    deciding = [x for x in used_final if x.outcome != "context"]
    decisive = [x for x in deciding if x.outcome == verdict] or deciding  # the records that decided it
    corr = _strongest(x.corroboration for x in decisive)
    if len(used) > len(top):
        notes.append(f"{len(used) - len(top)} less closely matched record(s) listed as context")
    spread = spread_of(used, {x.evidence_id for x in top}, p)
    best_sides = split_sides([s for s in spread if s.best_matched])
    by_unknown = bool(groups) and (uncapped in ("SUPPORTED", "REFUTED") or len(best_sides) > 1)
    if by_unknown:  # the records differ in what the claim leaves unknown: candidates, not a disagreement
        verdict = "INCONCLUSIVE"
        if uncapped not in ("SUPPORTED", "REFUTED"):
            notes.extend(f"the claim does not name it: {t}" for t in split_text(groups, limit=8))
        notes.extend(n for n in disagreement_notes(spread, uncapped, base["unit"]) if "best-matched" not in n)
    else:
        notes.extend(disagreement_notes(spread, uncapped, base["unit"]))
    notes.extend(u.notes)
    if u_read.kind in ("lower_bound", "upper_bound"):
        notes.append(f"the evidence gives a {u_read.kind.replace('_', ' ')} only: {u_read.method}")
    if corr == "self-reported":
        notes.append(
            "self-reported: this reading rests only on the claimant's own figures" + _own_review(decisive, ev_by_id)
        )
    noise = by_unknown or len(best_sides) < 2 or could_be_noise([s for s in spread if s.best_matched])
    kind = None if by_unknown else u_read.kind
    decide_list, cmd = _hints(claim, r, verdict, corr, bound, kind, aside=aside, noise=noise)
    decide_list = (
        _unknown_hints(r, groups, decide_list)
        if by_unknown
        else _split_hints(noise, best_sides, ev_by_id) + decide_list
    )
    iv = f" (interval {_fmtn(ci[0])}–{_fmtn(ci[1])})" if ci else ""
    bound_word = {"lower_bound": "at least ", "upper_bound": "at most "}.get(u_read.kind, "")
    backers = _backers(u, decisive, corr)
    label = _LABEL.get(corr, "no corroboration")
    why = (
        f"{u.evidence_id} gives {bound_word}{_fmtn(observed)} {base['unit']} {_per(metric, p, basis)}{iv} against the "
        f"claimed {p.value:g}: {verdict}; {label}."
        if not backers  # the record quoted gives the label; else two statements: the record, the label's records
        else f"{u.evidence_id} gives {bound_word}{_fmtn(observed)} {base['unit']} {_per(metric, p, basis)}{iv} against "
        f"the claimed {p.value:g}: {verdict}. Corroboration: {label}, from the records that agree with it: {backers}."
    )
    if verdict != uncapped:
        why = (
            why[:-1]
            + f" (it would be {uncapped} under what the evidence states and the claim leaves unknown: see the notes)."
        )
    if by_unknown:
        names = candidate_names(groups)
        why = (
            f"The claim does not name its {' or '.join(names)}, and the records that would decide it state one: "
            + "; ".join(split_text(groups, limit=3))
            + f" (against the claimed {_fmtn(float(p.value))}): {verdict}."
        )
        if len({o for recs in groups.values() for _, o, _ in recs if o != "INCONCLUSIVE"}) > 1:
            observed, ci, method = None, None, None  # no one candidate's figure stands for the claim
    elif len(best_sides) > 1:
        why = f"The best-matched evidence disagrees ({sides_text(best_sides)}) against the claimed {p.value:g}: {verdict}."
    return Verdict(
        **base,
        **_empty(
            verdict=verdict,
            observed=observed,
            margin_rel=(observed - float(p.value)) / float(p.value) if observed is not None else None,
            interval=ci,
            interval_method=method,
            read_method=u_read.method
            if observed is not None
            else "none: the candidates differ in an unknown condition",
            evidence_used=tuple(used_final),
            evidence_set_aside=tuple(aside),
            conditions=u.comparisons,
            bound=bound,
            notes=tuple(notes),
        ),
        corroboration=corr,
        why=why,
        what_would_decide=tuple(decide_list),
        decide_command=cmd,
        differences=tuple(_differences(u.comparisons)) + ((u.conversion,) if u.conversion else ()),
        caveats=_caveats(deciding),
        spread=spread,
    )

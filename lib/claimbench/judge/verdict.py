"""Verdicts on claims (pure): claims + evidence + hardware specs + precomputed bounds in, typed
records and a polars table out.

Classes
-------
* ``UNVERIFIABLE`` — the claim has no measurable predicate.
* ``IMPLAUSIBLE`` — the claimed figure (per card) exceeds the precomputed roofline bound.
* ``NOT-COMPARABLE`` — there is evidence, but none matches the claim's binding conditions (chip,
  model, precision, basis without a declared conversion, load level, latency data).
* ``SUPPORTED`` / ``REFUTED`` — the best-matched comparable evidence decides it (ranked by fewest
  non-binding differences, then primary before secondary, published before derived); when those
  disagree, or an observation only bounds the value on the wrong side, ``INCONCLUSIVE``.
* ``INCONCLUSIVE`` — also when there is no evidence at all.

Reading throughput at a latency bound
-------------------------------------
Levels are sorted by the latency metric. The value at the bound is interpolated linearly between
the two bracketing levels (the highest-latency level at or under the bound and the lowest-latency
level over it); it is never extrapolated. When every level is under the bound the best of them is a
*lower bound* of the throughput at the bound; when every level is over it, the lowest-latency level
is an *upper bound* (assuming throughput does not fall as the allowed latency rises). A level within
``LATENCY_AT_BOUND_REL`` (2 %) of the bound is read as *at* the bound.

Intervals
---------
Percentile bootstrap, seeded ``numpy.random.default_rng(seed)``, ``n_boot`` resamples, 95 %:
over requests within each level when per-request samples exist (the level's wall time and the
bracket are held fixed), or over repeats (several measured records with the same conditions).
A throughput replicate is the level's throughput × (Σ output tokens / Σ E2EL of the resampled
requests) / (the same over all requests): request-to-request variation in speed, not only in
length, widens it (with ``--ignore-eos`` every request has the same length, and resampling token
counts over a fixed wall time alone would give a zero-width interval). Without per-request E2EL,
the replicate is the resampled output tokens over the fixed wall time. A
ratio's interval comes from the ratio of independent replicates of numerator and denominator.
Single published figures get no interval (null), never a made-up one.

Plausibility
------------
``bounds`` (from :mod:`claimbench.judge.plausibility`, roofline) maps (claim id, reading id) to a
:class:`PlausibilityBound`. A claim whose floor (value × (1 − tolerance)) exceeds the bound, on the
bound's basis, is ``IMPLAUSIBLE``; otherwise the verdict's notes say it is within the bound, which
roof binds and the bound's value — or why no bound could be computed.

Verdict table (:func:`verdict_table`; ``claimbench verify --out`` writes it as verdicts.parquet)
-----------------------------------------------------------------------------------------------
One row per (claim, reading), the reading as worded first. Columns, in order (stable: notebooks
and a snapshot test read them; new columns are only ever appended before ``notes``):

=============  ========  ==============================================================================
column         type      meaning
=============  ========  ==============================================================================
claim_id       str       claim id (= file name in data/claims)
reading        str       ``as-worded`` or the id of an alternative reading
verdict        str       one of :data:`CLASSES`
predicate      str       the predicate in words, e.g. ``output_tok_per_s >= 2400 tok/s per card``
claimed        f64       the claimed value (null for coverage/unverifiable claims)
observed       f64       value read from the deciding evidence on the claim's basis; for IMPLAUSIBLE
                         the bound; for a ratio the ratio; for coverage the families found
margin_rel     f64       (observed − claimed) / claimed
ci_low/ci_high f64       interval of ``observed`` (null when there is none: single published figures)
ci_method      str       how the interval was made (bootstrap, B, seed, confidence)
unit           str       unit of claimed/observed (``tok/s``, ``x``, ``models``)
basis          str       unit basis of the reading (card, die, node, system; null = unknown)
read_method    str       how ``observed`` was read (level, interpolation bracket, bound kind)
evidence_used  str       comma-separated evidence ids used (deciding and context)
n_set_aside    i64       number of evidence records set aside as not comparable
bound_max      f64       roofline bound on the claim's metric (null: none computed or not a throughput)
bound_basis    str       basis of ``bound_max`` (card, die; ratios: per package or per die)
bound_roof     str       which roof binds (compute, memory, interconnect) and at which batch/TPOT
notes          str       notes joined by `` | ``: conversions, card-vs-die, bound, flags
=============  ========  ==============================================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from claimbench.analyze.reading import ReadKind, _interp, read_at_bound
from claimbench.judge.matching import (
    ConditionComparison,
    HardwareLike,
    MatchResult,
    compare_pair,
    convert,
    latency_field,
    match,
)
from claimbench.schema.claims import Claim, ClaimConditions, ResolvedReading, SloBound, resolved_readings
from claimbench.schema.evidence import Evidence, LoadPoint

__all__ = [
    "CLASSES",
    "EvidenceUse",
    "PlausibilityBound",
    "ReadOut",
    "Verdict",
    "VerdictConfig",
    "bootstrap_ratio_interval",
    "decide",
    "judge_claim",
    "judge_claims",
    "read_at_bound",
    "verdict_table",
]

VerdictClass = Literal["SUPPORTED", "REFUTED", "INCONCLUSIVE", "NOT-COMPARABLE", "IMPLAUSIBLE", "UNVERIFIABLE"]
CLASSES: tuple[str, ...] = (
    "SUPPORTED",
    "REFUTED",
    "INCONCLUSIVE",
    "NOT-COMPARABLE",
    "IMPLAUSIBLE",
    "UNVERIFIABLE",
)


@dataclass(frozen=True)
class VerdictConfig:
    seed: int = 0
    n_boot: int = 2000
    confidence: float = 0.95


@dataclass(frozen=True)
class PlausibilityBound:
    """A precomputed physical bound on the claim's metric (e.g. roofline max output tok/s per
    ``basis``, or the largest ratio for a ratio claim), made by :mod:`claimbench.judge.plausibility`.

    ``max_value`` None: no bound could be computed; ``explanation`` says which input is unknown.
    """

    max_value: float | None
    basis: str
    binding_roof: str
    explanation: str


@dataclass(frozen=True)
class ReadOut:
    """The claim's metric read from one evidence record, on the evidence's own basis."""

    value: float
    kind: ReadKind
    bracket: tuple[str, str] | None
    latency_field: str | None
    method: str
    replicates: tuple[float, ...] | None = None


@dataclass(frozen=True)
class EvidenceUse:
    """One evidence record as used (or set aside) for a verdict."""

    evidence_id: str
    kind: str
    title: str | None
    source_url: str | None
    secondary: bool
    derived: bool
    reported_by: str | None
    comparable: bool
    reasons: tuple[str, ...]
    comparisons: tuple[ConditionComparison, ...]
    conversion: str | None
    observed: float | None = None
    read: ReadOut | None = None
    outcome: str | None = None
    interval: tuple[float, float] | None = None
    rank: tuple[int, int, int] = (0, 0, 0)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    claim_id: str
    reading_id: str
    reading_label: str
    title: str
    quote: str
    source_url: str
    predicate: str
    verdict: VerdictClass
    claimed: float | None
    observed: float | None
    margin_rel: float | None
    unit: str | None
    basis: str | None
    interval: tuple[float, float] | None
    interval_method: str | None
    read_method: str | None
    evidence_used: tuple[EvidenceUse, ...]
    evidence_set_aside: tuple[EvidenceUse, ...]
    conditions: tuple[ConditionComparison, ...]
    bound: PlausibilityBound | None
    notes: tuple[str, ...] = field(default=())


def _sample_stat(values: np.ndarray, field_name: str) -> float | None:
    vals = values[~np.isnan(values)]
    if vals.size == 0:
        return None
    stat = field_name.split("_")[1]
    if stat == "mean":
        return float(vals.mean())
    q = {"p50": 50, "p90": 90, "p99": 99}[stat]
    return float(np.percentile(vals, q))


def _replicates(
    used: Sequence[LoadPoint],
    metric: str,
    lat_field: str | None,
    bound: float | None,
    bracket_labels: set[str] | None,
    cfg: VerdictConfig,
) -> tuple[float, ...] | None:
    """Bootstrap replicates of the read value, resampling requests within each level."""
    if metric not in ("output_tok_per_s",):
        return None
    if any(p.samples is None for p in used):
        return None
    if lat_field is not None and lat_field.split("_")[0] not in ("tpot", "ttft"):
        return None
    rng = np.random.default_rng(cfg.seed)
    arrays = []
    for p in used:
        s = p.samples
        out = np.asarray(s.output_tokens, dtype=float)
        lat_src = s.tpot_ms if (lat_field or "").startswith("tpot") else s.ttft_ms
        lat = np.asarray([np.nan if v is None else v for v in lat_src], dtype=float)
        e2el = None
        if s.e2el_ms is not None and len(s.e2el_ms) == out.size and all(v is not None and v > 0 for v in s.e2el_ms):
            e2el = np.asarray(s.e2el_ms, dtype=float)
        arrays.append((p.level or "?", out, lat, s.wall_s, e2el))
    reps = []
    for _ in range(cfg.n_boot):
        levels = []
        for label, out, lat, wall, e2el in arrays:
            idx = rng.integers(0, out.size, out.size)
            if e2el is None:
                thr = float(out[idx].sum() / wall)
            else:  # level throughput x resampled (tokens per request-second) / observed
                thr = float(out.sum() / wall * (out[idx].sum() / e2el[idx].sum()) / (out.sum() / e2el.sum()))
            lv = _sample_stat(lat[idx], lat_field) if lat_field else None
            levels.append((label, lv, thr))
        if lat_field is None or bound is None:
            reps.append(max(t for _, _, t in levels))
            continue
        levels = [lv for lv in levels if lv[1] is not None]
        if not levels:
            continue
        if bracket_labels:  # hold the bracket fixed
            pair = sorted((lv for lv in levels if lv[0] in bracket_labels), key=lambda x: x[1])
            if len(pair) == 2:
                reps.append(_interp(pair[0][1], pair[0][2], pair[1][1], pair[1][2], bound))
                continue
        reps.append(read_at_bound(levels, bound)[0])
    return tuple(reps) if reps else None


def _percentile_interval(reps: Sequence[float], cfg: VerdictConfig) -> tuple[float, float]:
    a = (1.0 - cfg.confidence) / 2.0
    arr = np.asarray(reps, dtype=float)
    return float(np.quantile(arr, a)), float(np.quantile(arr, 1.0 - a))


def _read(
    evidence: Evidence, metric: str, conditions: ClaimConditions, cfg: VerdictConfig
) -> tuple[ReadOut | None, str | None]:
    """Read ``metric`` from evidence under the claim's load level and SLOs."""
    pts = [p for p in evidence.points if getattr(p, metric) is not None]
    if conditions.concurrency is not None:
        pts = [p for p in pts if p.concurrency is not None and abs(p.concurrency - conditions.concurrency) < 1e-9]
    if not pts:
        return None, f"no level reports {metric}" + (
            f" at concurrency {conditions.concurrency}" if conditions.concurrency else ""
        )
    slos: list[SloBound] = list(conditions.slo or [])
    if not slos or metric not in (
        "output_tok_per_s",
        "total_tok_per_s",
        "input_tok_per_s",
        "request_per_s",
        "goodput_req_per_s",
    ):
        higher_better = metric.endswith("_per_s")
        best = (
            max(pts, key=lambda p: getattr(p, metric)) if higher_better else min(pts, key=lambda p: getattr(p, metric))
        )
        how = (
            "the single level" if len(pts) == 1 else f"the {'best' if higher_better else 'lowest'} of {len(pts)} levels"
        )
        reps = _replicates([best], metric, None, None, None, cfg) if len(pts) == 1 else None
        return ReadOut(getattr(best, metric), "point", None, None, f"{how} ({best.level})", reps), None
    primary, extra = slos[0], slos[1:]
    lat_field, stat_note = latency_field(primary)
    if primary.stat is None and not any(getattr(p, lat_field) is not None for p in pts):
        lat_field = f"{primary.metric}_p50_ms"
        stat_note = "the source does not say which statistic and the evidence has no mean: the median is read"
    for slo in extra:  # further bounds must hold at the levels used
        f, _ = latency_field(slo)
        pts = [p for p in pts if getattr(p, f) is not None and getattr(p, f) <= slo.max_ms]
    pts = [p for p in pts if getattr(p, lat_field) is not None]
    if not pts:
        return None, f"no level reports {lat_field} (with every other SLO met)"
    triples = [(p.level or str(i), getattr(p, lat_field), getattr(p, metric)) for i, p in enumerate(pts)]
    value, kind, bracket, how = read_at_bound(triples, primary.max_ms)
    if stat_note:
        how += f"; {stat_note}"
    used = pts if bracket is None else [p for p in pts if (p.level or "") in bracket]
    if bracket is None:
        used = [p for p, t in zip(pts, triples) if t[2] == value][:1]
    reps = _replicates(used, metric, lat_field, primary.max_ms, set(bracket) if bracket else None, cfg)
    return ReadOut(value, kind, bracket, lat_field, how, reps), None


# ----------------------------------------------------------------------------------------------
# deciding
# ----------------------------------------------------------------------------------------------
def decide(
    comparator: str,
    claimed: float,
    tolerance_rel: float | None,
    observed: float,
    kind: ReadKind,
    interval: tuple[float, float] | None,
) -> str:
    """SUPPORTED / REFUTED / INCONCLUSIVE for one observation of the claim's metric."""
    tol = tolerance_rel or 0.0
    lo, hi = interval if interval is not None else (observed, observed)
    if comparator == ">=":
        t = claimed * (1.0 - tol)
        if kind == "lower_bound":
            return "SUPPORTED" if observed >= t else "INCONCLUSIVE"
        if kind == "upper_bound":
            return "REFUTED" if observed < t else "INCONCLUSIVE"
        if lo >= t:
            return "SUPPORTED"
        if hi < t:
            return "REFUTED"
        return "INCONCLUSIVE"
    if comparator == "<=":
        t = claimed * (1.0 + tol)
        if kind == "upper_bound":
            return "SUPPORTED" if observed <= t else "INCONCLUSIVE"
        if kind == "lower_bound":
            return "REFUTED" if observed > t else "INCONCLUSIVE"
        if hi <= t:
            return "SUPPORTED"
        if lo > t:
            return "REFUTED"
        return "INCONCLUSIVE"
    if comparator == "approx":
        a, b = claimed * (1.0 - tol), claimed * (1.0 + tol)
        if kind == "lower_bound":
            return "REFUTED" if observed > b else "INCONCLUSIVE"
        if kind == "upper_bound":
            return "REFUTED" if observed < a else "INCONCLUSIVE"
        if a <= lo and hi <= b:
            return "SUPPORTED"
        if hi < a or lo > b:
            return "REFUTED"
        return "INCONCLUSIVE"
    raise ValueError(f"comparator {comparator!r} is not numeric")


def _predicate_text(claim: Claim, basis: str | None) -> str:
    p = claim.predicate
    if p is None:
        return "(none: not measurable)"
    tol = f" (tolerance {p.tolerance_rel:.0%})" if p.tolerance_rel else ""
    per = f" per {basis}" if basis else " (basis unknown)"
    if p.ratio_to is not None:
        return f"{p.metric} ratio vs {p.ratio_to.hardware} {p.comparator} {p.value:g}{p.unit}{per}{tol}"
    if isinstance(p.value, list):
        return f"{p.metric} includes {', '.join(p.value)}"
    slo = ""
    return f"{p.metric} {p.comparator} {p.value:g} {p.unit}{per}{tol}{slo}"


def _rank(ev: Evidence, m: MatchResult) -> tuple[int, int, int]:
    return (m.n_differs, int(ev.secondary), int(ev.derived))


def _use(ev: Evidence, m: MatchResult, **kw) -> EvidenceUse:
    if ev.status is not None and ev.status != "complete":
        flag = f"flagged: run status {ev.status!r}, not 'complete' (its completed levels are used)"
        kw["notes"] = (flag,) + tuple(kw.get("notes") or ())
    return EvidenceUse(
        evidence_id=ev.id,
        kind=ev.kind,
        title=ev.title,
        source_url=ev.source.url if ev.source else ev.path,
        secondary=ev.secondary,
        derived=ev.derived,
        reported_by=ev.reported_by,
        comparable=m.comparable,
        reasons=m.reasons,
        comparisons=m.comparisons,
        conversion=m.conversion.explanation if m.conversion and m.conversion.factor != 1.0 else None,
        rank=_rank(ev, m),
        **kw,
    )


def _metric_unit(metric: str) -> str:
    return {"request_per_s": "req/s", "goodput_req_per_s": "req/s"}.get(metric, "tok/s")


def _gather(
    conditions: ClaimConditions,
    basis: str | None,
    metric: str,
    evidence: Sequence[Evidence],
    hardware: Mapping[str, HardwareLike],
    cfg: VerdictConfig,
) -> tuple[list[EvidenceUse], list[EvidenceUse]]:
    """Comparable uses (with values on the claim's basis) and set-aside ones."""
    used, aside = [], []
    for ev in evidence:
        if ev.kind == "coverage":
            continue
        m = match(conditions, basis, ev, hardware, metric=metric)
        if not m.comparable:
            aside.append(_use(ev, m))
            continue
        ro, why = _read(ev, metric, conditions, cfg)
        if ro is None:
            aside.append(_use(ev, m, notes=(why or "",)))
            continue
        f = m.conversion.factor if m.conversion else 1.0
        conv_text = None
        if f != 1.0:
            conv, _ = convert(
                ro.value,
                ev.basis,
                basis or "card",
                ev.conditions.hardware or conditions.hardware,
                hardware,
                ev.packages,
                _metric_unit(metric),
            )
            conv_text = conv.explanation if conv is not None else m.conversion.explanation
        reps = tuple(r * f for r in ro.replicates) if ro.replicates else None
        ro2 = ReadOut(ro.value * f, ro.kind, ro.bracket, ro.latency_field, ro.method, reps)
        interval = _percentile_interval(reps, cfg) if reps else None
        use = _use(ev, m, observed=ro.value * f, read=ro2, interval=interval, notes=m.notes)
        if conv_text is not None:
            use = EvidenceUse(**{**use.__dict__, "conversion": conv_text})
        used.append(use)
    used.sort(key=lambda u: u.rank)
    return used, aside


def _repeat_groups(uses: list[EvidenceUse], evidence_by_id: Mapping[str, Evidence]) -> list[list[EvidenceUse]]:
    groups: dict[tuple, list[EvidenceUse]] = {}
    for u in uses:
        ev = evidence_by_id[u.evidence_id]
        key = (
            ev.kind in ("run_bundle", "vllm_bench", "guidellm"),
            ev.conditions.model_dump_json(),
            u.read.kind if u.read else None,
        )
        if not key[0]:
            key = (False, u.evidence_id, None)
        groups.setdefault(key, []).append(u)
    return list(groups.values())


def _bootstrap_mean(values: Sequence[float], cfg: VerdictConfig) -> tuple[float, float]:
    rng = np.random.default_rng(cfg.seed)
    arr = np.asarray(values, dtype=float)
    idx = rng.integers(0, arr.size, size=(cfg.n_boot, arr.size))
    return _percentile_interval(arr[idx].mean(axis=1), cfg)


def bootstrap_ratio_interval(
    numerator: Sequence[float], denominator: Sequence[float], cfg: VerdictConfig
) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(numerator)/mean(denominator), resampling each side
    independently with replacement (one seeded generator, numerator first)."""
    rng = np.random.default_rng(cfg.seed)
    n = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    ni = rng.integers(0, n.size, size=(cfg.n_boot, n.size))
    di = rng.integers(0, d.size, size=(cfg.n_boot, d.size))
    return _percentile_interval(n[ni].mean(axis=1) / d[di].mean(axis=1), cfg)


def _base(claim: Claim, r: ResolvedReading) -> dict:
    p = claim.predicate
    return dict(
        claim_id=claim.id,
        reading_id=r.reading_id,
        reading_label=r.label,
        title=claim.title,
        quote=claim.source.quote,
        source_url=claim.source.url,
        predicate=_predicate_text(claim, r.basis),
        claimed=float(p.value) if p is not None and not isinstance(p.value, list) else None,
        unit=p.unit if p is not None else None,
        basis=r.basis,
    )


def _empty(**kw) -> dict:
    base = dict(
        observed=None,
        margin_rel=None,
        interval=None,
        interval_method=None,
        read_method=None,
        evidence_used=(),
        evidence_set_aside=(),
        conditions=(),
        bound=None,
        notes=(),
    )
    base.update(kw)
    return base


def _judge_coverage(claim: Claim, r: ResolvedReading, evidence: Sequence[Evidence], hardware) -> Verdict:
    fams = [str(f).lower() for f in claim.predicate.value]
    covered: dict[str, list[str]] = {f: [] for f in fams}
    used, aside = [], []
    for ev in evidence:
        if ev.kind != "coverage":
            continue
        m = match(r.conditions, r.basis, ev, hardware)
        if not m.comparable:
            aside.append(_use(ev, m))
            continue
        hits = []
        for f in fams:
            for model in ev.models_supported or []:
                if model.lower().startswith(f):
                    covered[f].append(f"{model} ({ev.id})")
                    hits.append(model)
        used.append(_use(ev, m, notes=(f"lists: {', '.join(ev.models_supported or [])}",)))
    missing = [f for f, v in covered.items() if not v]
    notes = tuple(f"{f}: " + ("; ".join(v) if v else "no evidence found") for f, v in covered.items())
    if not used:
        verdict = "NOT-COMPARABLE" if aside else "INCONCLUSIVE"
    else:
        verdict = "SUPPORTED" if not missing else "INCONCLUSIVE"
    extra = () if not missing else ("absence from a published list is not a refutation",)
    n_cov = len(fams) - len(missing)
    return Verdict(
        **_base(claim, r),
        **_empty(
            verdict=verdict,
            observed=float(n_cov),
            margin_rel=n_cov / len(fams) - 1.0,
            evidence_used=tuple(used),
            evidence_set_aside=tuple(aside),
            conditions=used[0].comparisons if used else (),
            notes=notes + extra,
            read_method="model families matched by id prefix in each record's list",
        ),
    )


def _bound_check(
    claim: Claim, r: ResolvedReading, bound: PlausibilityBound | None, hardware
) -> tuple[float, float] | None:
    """(claimed on the bound's basis, margin) when the claim exceeds the bound, else None."""
    p = claim.predicate
    if bound is None or bound.max_value is None or p.comparator not in (">=", "approx"):
        return None
    if p.ratio_to is not None:
        claimed = float(p.value)
    else:
        if not p.metric.endswith("_per_s"):
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
    """The verdict note for a bound that the claim does not exceed: which roof binds, the value."""
    if bound is None:
        return None
    if bound.max_value is None:
        return bound.explanation
    p = claim.predicate
    if p.ratio_to is not None:
        return (
            f"within the roofline bound: claimed {float(p.value):g}{p.unit} <= {bound.max_value:.3g}x "
            f"per {bound.basis} ({bound.binding_roof}); {bound.explanation}"
        )
    conv, _ = convert(float(p.value), r.basis or "card", bound.basis, r.conditions.hardware, hardware, None)
    if conv is None:
        return f"roofline bound {bound.max_value:,.0f} {p.unit} per {bound.basis} not compared: {bound.explanation}"
    return (
        f"within the roofline bound: claimed {conv.value:,.0f} {p.unit} per {bound.basis} <= "
        f"{bound.max_value:,.0f} ({bound.binding_roof}); {bound.explanation}"
    )


def _chip_notes(r: ResolvedReading, aside, evidence, metric, hardware, cfg, limit: int = 3) -> list[str]:
    """For records set aside only because the chip differs: their value per die next to the
    claimed chip's dies per package — the card-vs-die question made explicit."""
    by_id = {e.id: e for e in evidence}
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


def _judge_single(
    claim: Claim,
    r: ResolvedReading,
    evidence: Sequence[Evidence],
    hardware,
    bound: PlausibilityBound | None,
    cfg: VerdictConfig,
) -> Verdict:
    p = claim.predicate
    base = _base(claim, r)
    over = _bound_check(claim, r, bound, hardware)
    used, aside = _gather(r.conditions, r.basis, p.metric, evidence, hardware, cfg)
    notes: list[str] = []
    if over is not None:
        claimed_b, margin = over
        notes.append(
            f"claimed {claimed_b:,.0f} {p.unit} per {bound.basis} exceeds the roofline bound "
            f"{bound.max_value:,.0f} ({bound.binding_roof}); {bound.explanation}"
        )
        if used:
            notes.append("comparable evidence exists beside the bound: " + ", ".join(u.evidence_id for u in used))
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
        )
    bnote = _bound_note(claim, r, bound, hardware)
    if bnote:
        notes.append(bnote)
    if not used:
        notes.extend(_chip_notes(r, aside, evidence, p.metric, hardware, cfg))
        verdict = "NOT-COMPARABLE" if aside else "INCONCLUSIVE"
        if not evidence:
            notes.append("no evidence given")
        return Verdict(
            **base, **_empty(verdict=verdict, evidence_set_aside=tuple(aside), bound=bound, notes=tuple(notes))
        )
    ev_by_id = {e.id: e for e in evidence}
    best_rank = used[0].rank
    top = [u for u in used if u.rank == best_rank]
    # repeats of measured evidence with identical conditions: mean and bootstrap over repeats
    decided: list[tuple[EvidenceUse, str, float, tuple[float, float] | None, str | None]] = []
    for group in _repeat_groups(top, ev_by_id):
        if len(group) > 1 and all(u.read.kind in ("point", "interpolated") for u in group):
            vals = [u.observed for u in group]
            mean = float(np.mean(vals))
            ci = _bootstrap_mean(vals, cfg)
            method = (
                f"percentile bootstrap over {len(vals)} repeats (mean), B={cfg.n_boot}, "
                f"seed={cfg.seed}, {cfg.confidence:.0%}"
            )
            out = decide(p.comparator, float(p.value), p.tolerance_rel, mean, "point", ci)
            decided.append((group[0], out, mean, ci, method))
        else:
            for u in group:
                method = None
                if u.interval is not None:
                    method = (
                        f"percentile bootstrap over requests within each level, B={cfg.n_boot}, "
                        f"seed={cfg.seed}, {cfg.confidence:.0%}; level wall time and bracket held fixed"
                    )
                out = decide(p.comparator, float(p.value), p.tolerance_rel, u.observed, u.read.kind, u.interval)
                decided.append((u, out, u.observed, u.interval, method))
    outcomes = {o for _, o, *_ in decided if o != "INCONCLUSIVE"}
    if len(outcomes) == 1:
        verdict = outcomes.pop()
    else:
        verdict = "INCONCLUSIVE"
        if len(outcomes) > 1:
            notes.append("the best-matched evidence disagrees")
    pick = next((d for d in decided if d[1] == verdict), decided[0])
    u, _, observed, ci, method = pick
    used_final = []
    outcome_by_id = {d[0].evidence_id: d[1] for d in decided}
    for x in used:
        used_final.append(EvidenceUse(**{**x.__dict__, "outcome": outcome_by_id.get(x.evidence_id, "context")}))
    if len(used) > len(top):
        notes.append(f"{len(used) - len(top)} less closely matched record(s) listed as context")
    notes.extend(u.notes)
    if u.read.kind in ("lower_bound", "upper_bound"):
        notes.append(f"the evidence gives a {u.read.kind.replace('_', ' ')} only: {u.read.method}")
    return Verdict(
        **base,
        **_empty(
            verdict=verdict,
            observed=observed,
            margin_rel=(observed - float(p.value)) / float(p.value),
            interval=ci,
            interval_method=method,
            read_method=u.read.method,
            evidence_used=tuple(used_final),
            evidence_set_aside=tuple(aside),
            conditions=u.comparisons,
            bound=bound,
            notes=tuple(notes),
        ),
    )


def _judge_ratio(
    claim: Claim,
    r: ResolvedReading,
    evidence: Sequence[Evidence],
    hardware,
    cfg: VerdictConfig,
    bound: PlausibilityBound | None = None,
) -> Verdict:
    p = claim.predicate
    base_cond = r.conditions.model_copy(update={"hardware": p.ratio_to.hardware})
    num, aside_n = _gather(r.conditions, r.basis, p.metric, evidence, hardware, cfg)
    den, aside_d = _gather(base_cond, r.basis, p.metric, evidence, hardware, cfg)
    den = [d for d in den if d.evidence_id not in {n.evidence_id for n in num}]
    notes: list[str] = []
    if r.basis is None:
        notes.append("the claim does not state the unit basis: both sides read per card")
    aside = tuple(aside_n) + tuple(a for a in aside_d if a.evidence_id not in {x.evidence_id for x in aside_n})
    base = _base(claim, r)
    over = _bound_check(claim, r, bound, hardware)
    if over is not None:
        notes.append(
            f"claimed {float(p.value):g}{p.unit} exceeds the roofline ratio bound {bound.max_value:.3g}x "
            f"({bound.binding_roof}); {bound.explanation}"
        )
        return Verdict(
            **base,
            **_empty(
                verdict="IMPLAUSIBLE",
                observed=bound.max_value,
                margin_rel=over[1],
                evidence_used=tuple(num + den),
                evidence_set_aside=aside,
                bound=bound,
                notes=tuple(notes),
                read_method="roofline bound",
            ),
        )
    bnote = _bound_note(claim, r, bound, hardware)
    if bnote:
        notes.append(bnote)
    if not num or not den:
        side = "numerator" if not num else "denominator"
        notes.append(f"no comparable evidence for the {side}")
        verdict = "NOT-COMPARABLE" if evidence else "INCONCLUSIVE"
        return Verdict(
            **base,
            **_empty(
                verdict=verdict,
                evidence_used=tuple(num + den),
                evidence_set_aside=aside,
                bound=bound,
                notes=tuple(notes),
            ),
        )
    ev_by_id = {e.id: e for e in evidence}
    pairs = []
    for n in num:
        for d in den:
            comps = compare_pair(ev_by_id[n.evidence_id], ev_by_id[d.evidence_id])
            ok = not any(c.binding and c.status == "differs" for c in comps)
            pairs.append((ok, n.rank, d.rank, -(n.observed or 0), -(d.observed or 0), n, d, comps))
    pairs.sort(key=lambda t: (not t[0], t[1], t[2], t[3], t[4]))
    ok, _, _, _, _, n, d, comps = pairs[0]
    ratio = n.observed / d.observed
    if not ok:
        diffs = "; ".join(f"{c.name} {c.claim} vs {c.evidence}" for c in comps if c.binding and c.status == "differs")
        notes.append(
            f"indicative only: {n.evidence_id} / {d.evidence_id} = {n.observed:g} / {d.observed:g} = "
            f"{ratio:.2f}{p.unit}; numerator and denominator differ in {diffs}"
        )
        return Verdict(
            **base,
            **_empty(
                verdict="NOT-COMPARABLE",
                observed=ratio,
                margin_rel=(ratio - float(p.value)) / float(p.value),
                evidence_used=(n, d),
                evidence_set_aside=aside,
                conditions=comps,
                bound=bound,
                notes=tuple(notes),
                read_method="ratio of the best-matched numerator and denominator records",
            ),
        )
    interval, method = None, None
    n_reps = n.read.replicates if n.read else None
    d_reps = d.read.replicates if d.read else None
    if n_reps and d_reps:
        k = min(len(n_reps), len(d_reps))
        rr = np.asarray(n_reps[:k]) / np.asarray(d_reps[:k])
        interval = _percentile_interval(rr, cfg)
        method = (
            f"ratio of independent percentile-bootstrap replicates (requests within levels), "
            f"B={k}, seed={cfg.seed}, {cfg.confidence:.0%}"
        )
    kinds = {n.read.kind, d.read.kind}
    kind: ReadKind = "point"
    if n.read.kind == "lower_bound" or d.read.kind == "upper_bound":
        kind = "lower_bound"
    if n.read.kind == "upper_bound" or d.read.kind == "lower_bound":
        kind = "upper_bound" if kind == "point" else "point"
        if len(kinds) > 1 and "point" not in kinds:
            notes.append("numerator and denominator bounds point in opposite directions")
    verdict = decide(p.comparator, float(p.value), p.tolerance_rel, ratio, kind, interval)
    if kind == "point" and len(kinds) > 1 and "point" not in kinds:
        verdict = "INCONCLUSIVE"
    return Verdict(
        **base,
        **_empty(
            verdict=verdict,
            observed=ratio,
            margin_rel=(ratio - float(p.value)) / float(p.value),
            interval=interval,
            interval_method=method,
            read_method=f"{n.evidence_id} ({n.read.method}) / {d.evidence_id} ({d.read.method})",
            evidence_used=(n, d),
            evidence_set_aside=aside,
            conditions=comps,
            bound=bound,
            notes=tuple(notes),
        ),
    )


def judge_claim(
    claim: Claim,
    evidence: Sequence[Evidence],
    hardware: Mapping[str, HardwareLike],
    bounds: Mapping[tuple[str, str], PlausibilityBound] | None = None,
    config: VerdictConfig | None = None,
) -> list[Verdict]:
    """One verdict per reading of the claim (the reading as worded first).

    ``bounds`` maps (claim id, reading id) to a precomputed plausibility bound.
    """
    cfg = config or VerdictConfig()
    out = []
    for r in resolved_readings(claim):
        if claim.predicate is None:
            out.append(
                Verdict(**_base(claim, r), **_empty(verdict="UNVERIFIABLE", notes=(claim.unverifiable_reason or "",)))
            )
        elif claim.predicate.metric == "models_supported":
            out.append(_judge_coverage(claim, r, evidence, hardware))
        elif claim.predicate.ratio_to is not None:
            bound = (bounds or {}).get((claim.id, r.reading_id))
            out.append(_judge_ratio(claim, r, evidence, hardware, cfg, bound))
        else:
            bound = (bounds or {}).get((claim.id, r.reading_id))
            out.append(_judge_single(claim, r, evidence, hardware, bound, cfg))
    return out


def judge_claims(claims, evidence, hardware, bounds=None, config=None) -> list[Verdict]:
    return [v for c in claims for v in judge_claim(c, evidence, hardware, bounds, config)]


def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.4g}"


def verdict_table(verdicts: Sequence[Verdict]):
    """A polars frame, one row per (claim, reading)."""
    import polars as pl

    rows = []
    for v in verdicts:
        rows.append(
            {
                "claim_id": v.claim_id,
                "reading": v.reading_id,
                "verdict": v.verdict,
                "predicate": v.predicate,
                "claimed": v.claimed,
                "observed": v.observed,
                "margin_rel": v.margin_rel,
                "ci_low": v.interval[0] if v.interval else None,
                "ci_high": v.interval[1] if v.interval else None,
                "ci_method": v.interval_method,
                "unit": v.unit,
                "basis": v.basis,
                "read_method": v.read_method,
                "evidence_used": ", ".join(u.evidence_id for u in v.evidence_used),
                "n_set_aside": len(v.evidence_set_aside),
                "bound_max": v.bound.max_value if v.bound else None,
                "bound_basis": v.bound.basis if v.bound and v.bound.max_value is not None else None,
                "bound_roof": v.bound.binding_roof if v.bound and v.bound.max_value is not None else None,
                "notes": " | ".join(n for n in v.notes if n),
            }
        )
    schema = {
        "claim_id": pl.String,
        "reading": pl.String,
        "verdict": pl.String,
        "predicate": pl.String,
        "claimed": pl.Float64,
        "observed": pl.Float64,
        "margin_rel": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "ci_method": pl.String,
        "unit": pl.String,
        "basis": pl.String,
        "read_method": pl.String,
        "evidence_used": pl.String,
        "n_set_aside": pl.Int64,
        "bound_max": pl.Float64,
        "bound_basis": pl.String,
        "bound_roof": pl.String,
        "notes": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)

"""Verdicts on claims (pure): claims + evidence + hardware specs + precomputed bounds in, typed
records and a polars table out.

Classes
-------
* ``UNVERIFIABLE`` — the claim has no measurable predicate, or the reading needs a figure no
  registry holds (a chip's board power for a per-watt reading, an hourly price for a per-dollar
  one); the figure is named.
* ``IMPLAUSIBLE`` — the claimed figure exceeds a physical bound: the roofline bound per card, or
  for a ratio claim A's roofline bound over B's *observed* throughput; or the reading asks for a
  precision the chip cannot execute natively (``unsupported_dtypes``).
* ``NOT-COMPARABLE`` — there is evidence, but none matches the reading's binding conditions
  (:mod:`claimbench.judge.matching`: chip, model, precision, basis, speculative decoding, phase,
  deployment scale, lengths within 5 %, load level, latency data), or a ratio's two sides compare
  different workloads. No ``observed`` value or margin; an ``indicative`` value may be shown.
  A record whose only binding differences are its input/output lengths may instead be *bridged*
  (``bridge``: :func:`claimbench.judge.plausibility.length_bridge`, a roofline-scaled conversion
  between the two mean contexts, at most 2x apart): the adjustment is shown, the record ranks after
  every matched one, and its interval covers both the unbridged and the bridged value.
* ``SUPPORTED`` / ``REFUTED`` — the best-matched comparable evidence decides it (ranked by fewest
  non-binding differences, then primary before secondary, published before derived); when those
  disagree, or an observation only bounds the value on the wrong side, ``INCONCLUSIVE``.
* ``INCONCLUSIVE`` — also when there is no evidence at all.

Corroboration (beside the class)
--------------------------------
Each evidence record is ``measured-here`` (a claimbench run bundle), ``self-reported`` (its
``reported_by`` is the claim's ``claimant``) or ``independent``. A verdict's corroboration is the
strongest among the records that decided it; a ratio's is the weaker of its two sides (the
claimant's own numerator makes "3x H20" self-reported whatever the denominator). A reading resting
only on the claimant's figures says so in its notes and in what would decide it.

Reading the claim's metric
--------------------------
At a latency bound: levels sorted by the latency metric, interpolated linearly between the two
bracketing levels, never extrapolated (:func:`claimbench.analyze.reading.read_at_bound`). A point
published with a TPOT *ceiling* (an SLA tier, ``tpot_limit_ms``) and no measured TPOT is read at
its ceiling (the mean is at most that); a ceiling over the claim's bound tells nothing. Without a
latency bound a throughput claim speaks of a maximum: only a ``max-throughput`` point reads as that
maximum; latency-limited, fixed-load and production points are *lower bounds* (they cannot refute
it). Derived metrics: per user = 1000 / TPOT (:func:`claimbench.analyze.metrics.interactivity_tok_per_s`);
per W = tok/s per card ÷ TDP; per $ = tok/s per card × 3600 ÷ USD per package-hour.

Intervals
---------
* Requests within a level: percentile bootstrap (``n_boot``, ``confidence``), one independent random
  stream per evidence record (seeded by ``seed`` and the record id), so a ratio's numerator and
  denominator never share resampling indices. A throughput replicate is the level's throughput ×
  (Σ output tokens / Σ E2EL of the resampled requests) / (the same over all requests).
* Repeats (several measured records with the same conditions): a Student-t interval of the mean
  (valid for few repeats; a percentile bootstrap over 2–4 repeats is about [min, max]); under 5
  repeats the method says so.
* Published figures: their stated precision (``throughput_pm``, half the last stated digit); the
  claimed figure's own (``predicate.value_pm``) widens the threshold.
* Interpolation: the bracket's two values are carried into the interval.
* Ratios: independent replicates divided, or the two intervals' extremes.

Explanations
------------
Every verdict carries ``why`` (one sentence), ``differences`` (claim vs evidence, conversions),
``assumed`` and ``unknown`` (from the claim file), ``caveats`` (notes of the evidence files used),
``what_would_decide`` (the missing figure; an independent figure for a self-reported reading; the
measurement) and ``decide_command`` (the exact ``claimbench measure …`` command with the claim's
model, hardware, precision, speculative decoding, lengths, SLO search and the tensor-parallel size
the model's weights need).

Verdict table (:func:`verdict_table`; ``claimbench verify --out`` writes it as verdicts.parquet)
-----------------------------------------------------------------------------------------------
One row per (claim, reading), the reading as worded first. Columns, in order (stable: notebooks
and a snapshot test read them; new columns are only ever appended before ``notes``):

=================  ========  ==========================================================================
column             type      meaning
=================  ========  ==========================================================================
claim_id           str       claim id (= file name in data/claims)
reading            str       ``as-worded`` or the id of an alternative reading
verdict            str       one of :data:`CLASSES`
predicate          str       the predicate in words, e.g. ``output_tok_per_s >= 2400 tok/s per card``
claimed            f64       the claimed value (null for coverage/unverifiable claims)
observed           f64       value read from the deciding evidence on the claim's basis; for IMPLAUSIBLE
                             the bound; for a ratio the ratio; null for NOT-COMPARABLE/UNVERIFIABLE
margin_rel         f64       (observed − claimed) / claimed
ci_low/ci_high     f64       interval of ``observed`` (see Intervals)
ci_method          str       how the interval was made, and why that method
unit               str       unit of claimed/observed (``tok/s``, ``x``, ``tok/J``, ``models``)
basis              str       unit basis of the reading (card, die, node, system; null = unknown)
read_method        str       how ``observed`` was read (level, interpolation bracket, bound kind)
evidence_used      str       comma-separated evidence ids used (deciding and context)
n_set_aside        i64       number of evidence records set aside as not comparable
bound_max          f64       roofline bound (ratios: A's bound / B's observed); null: none computed
bound_basis        str       basis of ``bound_max`` (card, die)
bound_roof         str       which roof binds (compute, memory, interconnect) and at which batch/TPOT
corroboration      str       self-reported, independent, measured-here; null when no evidence was used
why                str       one sentence
what_would_decide  str       what would decide the reading, joined by `` | ``
decide_command     str       the ``claimbench measure …`` command that would settle it (or null)
indicative         f64       an indicative value for NOT-COMPARABLE (never a verdict value)
notes              str       notes joined by `` | ``: conversions, card-vs-die, bound, flags
=================  ========  ==========================================================================
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from claimbench.analyze.metrics import interactivity_tok_per_s, percentile
from claimbench.analyze.reading import LATENCY_AT_BOUND_REL, ReadKind, _interp, read_at_bound
from claimbench.judge.matching import (
    ConditionComparison,
    HardwareLike,
    MatchResult,
    compare_pair,
    convert,
    latency_field,
    match,
)
from claimbench.schema.claims import Basis, Claim, ClaimConditions, ResolvedReading, SloBound, resolved_readings
from claimbench.schema.evidence import MEASURED_KINDS, Evidence, LoadPoint

__all__ = [
    "CLASSES",
    "CORROBORATION",
    "EvidenceUse",
    "PlausibilityBound",
    "ReadOut",
    "Verdict",
    "VerdictConfig",
    "bootstrap_ratio_interval",
    "corroboration_of",
    "decide",
    "judge_claim",
    "judge_claims",
    "read_at_bound",
    "t_interval",
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
CORROBORATION: tuple[str, ...] = ("self-reported", "independent", "measured-here")
"""Weakest first: the claimant's own publications only; a third party; our own run bundles."""

Bridge = Callable[[ClaimConditions, Evidence], "tuple[float, str] | None"]
"""A length bridge: (factor, sentence) that carries an evidence value to the reading's lengths, or
None when it cannot (see :func:`claimbench.judge.plausibility.length_bridge`)."""
BRIDGEABLE = ("input_len", "output_len")

_THROUGHPUT = ("output_tok_per_s", "total_tok_per_s", "input_tok_per_s", "request_per_s", "goodput_req_per_s")
_PER_CARD_DERIVED = ("output_tok_per_j", "output_tok_per_usd", "usd_per_mtok")
FEW_REPEATS = 5


@dataclass(frozen=True)
class VerdictConfig:
    seed: int = 0
    n_boot: int = 2000
    confidence: float = 0.95
    percentile_method: str = "linear"


@dataclass(frozen=True)
class PlausibilityBound:
    """A precomputed physical bound on the claim's metric (e.g. roofline max output tok/s per
    ``basis``), made by :mod:`claimbench.judge.plausibility`.

    ``max_value`` None: no bound could be computed; ``explanation`` says which input is unknown.
    ``kind="numerator"``: for a ratio claim, A's own bound, divided by B's observed throughput in
    the verdict. ``blocking``: the reading cannot hold as stated (a precision the chip cannot
    execute natively). ``min_devices``: fewest devices (``device``: package or die) whose HBM
    holds the model's weights.
    """

    max_value: float | None
    basis: str
    binding_roof: str
    explanation: str
    kind: str = "absolute"
    blocking: str | None = None
    min_devices: int | None = None
    memory_note: str | None = None
    device: str | None = None


@dataclass(frozen=True)
class ReadOut:
    """The claim's metric read from one evidence record, on the evidence's own basis."""

    value: float
    kind: ReadKind
    bracket: tuple[str, str] | None
    latency_field: str | None
    method: str
    replicates: tuple[float, ...] | None = None
    interval: tuple[float, float] | None = None
    interval_method: str | None = None


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
    corroboration: str | None = None
    caveats: tuple[str, ...] = ()


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
    claimant: str | None = None
    corroboration: str | None = None
    why: str = ""
    what_would_decide: tuple[str, ...] = ()
    decide_command: str | None = None
    differences: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    indicative: float | None = None


# ----------------------------------------------------------------------------------------------
# intervals
# ----------------------------------------------------------------------------------------------
def _stream(cfg: VerdictConfig, key: str) -> np.random.Generator:
    """An independent random stream per evidence record: (seed, stable hash of the record id)."""
    h = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng([cfg.seed, h])


def _t_cdf(t: float, df: int) -> float:
    """Student-t CDF by numerical integration of the density (no SciPy dependency)."""
    if t == 0:
        return 0.5
    x = np.linspace(0.0, abs(t), 4001)
    c = math.gamma((df + 1) / 2) / (math.sqrt(df * math.pi) * math.gamma(df / 2))
    y = c * (1 + x * x / df) ** (-(df + 1) / 2)
    area = float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)
    return 0.5 + area if t > 0 else 0.5 - area


def _t_quantile(p: float, df: int) -> float:
    lo, hi = 0.0, 1000.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def t_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of ``values`` (n ≥ 2): mean ± t(n−1) · s / √n."""
    arr = np.asarray(values, dtype=float)
    n = arr.size
    if n < 2:
        raise ValueError("a t interval needs at least 2 repeats")
    m = float(arr.mean())
    se = float(arr.std(ddof=1)) / math.sqrt(n)
    q = _t_quantile(1 - (1 - confidence) / 2, n - 1)
    return m - q * se, m + q * se


def _sample_stat(values: np.ndarray, field_name: str, method: str) -> float | None:
    vals = values[~np.isnan(values)]
    if vals.size == 0:
        return None
    stat = field_name.split("_")[1]
    if stat == "mean":
        return float(vals.mean())
    q = {"p50": 50, "p90": 90, "p99": 99}[stat]
    return percentile(vals.tolist(), q, method)


def _replicates(
    used: Sequence[LoadPoint],
    metric: str,
    lat_field: str | None,
    bound: float | None,
    bracket_labels: set[str] | None,
    cfg: VerdictConfig,
    rng: np.random.Generator,
) -> tuple[float, ...] | None:
    """Bootstrap replicates of the read value, resampling requests within each level."""
    if metric not in ("output_tok_per_s",):
        return None
    if any(p.samples is None for p in used):
        return None
    if lat_field is not None and lat_field.split("_")[0] not in ("tpot", "ttft"):
        return None
    arrays = []
    for p in used:
        s = p.samples
        assert s is not None  # returned above when any level has no samples
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
            lv = _sample_stat(lat[idx], lat_field, cfg.percentile_method) if lat_field else None
            levels.append((label, lv, thr))
        if lat_field is None or bound is None:
            reps.append(max(t for _, _, t in levels))
            continue
        known = [(label, lv, thr) for label, lv, thr in levels if lv is not None]
        if not known:
            continue
        if bracket_labels:  # hold the bracket fixed
            pair = sorted((k for k in known if k[0] in bracket_labels), key=lambda x: x[1])
            if len(pair) == 2:
                reps.append(_interp(pair[0][1], pair[0][2], pair[1][1], pair[1][2], bound))
                continue
        reps.append(read_at_bound(known, bound)[0])
    return tuple(reps) if reps else None


def _percentile_interval(reps: Sequence[float], cfg: VerdictConfig) -> tuple[float, float]:
    """The (1 − confidence)/2 and (1 + confidence)/2 percentiles of the replicates, through the one
    percentile definition (:func:`claimbench.analyze.metrics.percentile`, ``cfg.percentile_method``)."""
    a = (1.0 - cfg.confidence) / 2.0
    vals = [float(x) for x in reps]
    return (  # type: ignore[return-value]  # (None, None) when every replicate is NaN; kept as it was
        percentile(vals, 100 * a, cfg.percentile_method),
        percentile(vals, 100 * (1.0 - a), cfg.percentile_method),
    )


def _boot_method(cfg: VerdictConfig, what: str = "requests within each level") -> str:
    return (
        f"percentile bootstrap over {what}, B={cfg.n_boot}, seed={cfg.seed} with an independent stream "
        f"per evidence record, {cfg.confidence:.0%}; level wall time and bracket held fixed"
    )


def _stated(point: LoadPoint, value: float) -> tuple[tuple[float, float] | None, str | None]:
    if point.throughput_pm is None:
        return None, None
    pm = point.throughput_pm
    return (value - pm, value + pm), f"stated precision of the published figure (± {pm:g}, half its last digit)"


# ----------------------------------------------------------------------------------------------
# reading one evidence record
# ----------------------------------------------------------------------------------------------
def _op_text(p: LoadPoint) -> str:
    op = p.operating_point or "fixed-load"
    lim = f" (TPOT < {p.tpot_limit_ms:g} ms)" if p.tpot_limit_ms is not None else ""
    return f"{op}{lim}"


def _read(
    evidence: Evidence, metric: str, conditions: ClaimConditions, cfg: VerdictConfig
) -> tuple[ReadOut | None, str | None]:
    """Read ``metric`` from evidence under the claim's load level and SLOs (on the evidence's basis).

    A throughput claim without a latency bound speaks of the system's maximum: only a point taken
    at maximum throughput reads as that maximum; a latency-limited, fixed-load or production point
    is a *lower bound* of it (it cannot refute such a claim). A point published with a TPOT ceiling
    (``tpot_limit_ms``) and no measured TPOT is read at that ceiling: the mean is at most the
    ceiling, so a ceiling at or under the claim's bound meets it; a ceiling over it tells nothing.
    """
    rng = _stream(cfg, evidence.id)
    pts = [p for p in evidence.points if getattr(p, metric) is not None]
    if conditions.concurrency is not None:
        pts = [p for p in pts if p.concurrency is not None and abs(p.concurrency - conditions.concurrency) < 1e-9]
    if not pts:
        return None, f"no level reports {metric}" + (
            f" at concurrency {conditions.concurrency}" if conditions.concurrency else ""
        )
    slos: list[SloBound] = list(conditions.slo or [])
    thr_metric = metric in _THROUGHPUT
    if not slos or not thr_metric:
        higher_better = metric.endswith("_per_s")
        best = (
            max(pts, key=lambda p: getattr(p, metric)) if higher_better else min(pts, key=lambda p: getattr(p, metric))
        )
        how = (
            "the single level" if len(pts) == 1 else f"the {'best' if higher_better else 'lowest'} of {len(pts)} levels"
        )
        how = f"{how} ({best.level})"
        reps = _replicates([best], metric, None, None, None, cfg, rng) if len(pts) == 1 else None
        kind: ReadKind = "point"
        if thr_metric and conditions.concurrency is None and (best.operating_point or "fixed-load") != "max-throughput":
            kind = "lower_bound"
            how += (
                f"; a {_op_text(best)} point is a lower bound of the maximum a claim without a latency bound speaks of"
            )
        value = getattr(best, metric)
        interval, imethod = (None, None)
        if reps:
            interval, imethod = _percentile_interval(reps, cfg), _boot_method(cfg)
        elif thr_metric:
            interval, imethod = _stated(best, value)
        return ReadOut(value, kind, None, None, how, reps, interval, imethod), None
    primary, extra = slos[0], slos[1:]
    lat_field, stat_note = latency_field(primary)
    no_mean = not any(getattr(p, lat_field) is not None for p in pts)
    if primary.stat is None and no_mean and any(getattr(p, f"{primary.metric}_p50_ms") is not None for p in pts):
        lat_field = f"{primary.metric}_p50_ms"
        stat_note = "the source does not say which statistic and the evidence has no mean: the median is read"
    for slo in extra:  # further bounds must hold at the levels used
        f, _ = latency_field(slo)
        pts = [p for p in pts if getattr(p, f) is not None and getattr(p, f) <= slo.max_ms]
    bound = primary.max_ms
    near = bound * (1 + LATENCY_AT_BOUND_REL)
    lat_of: dict[int, tuple[float, bool]] = {}
    for i, p in enumerate(pts):
        v = getattr(p, lat_field)
        if v is not None:
            lat_of[i] = (v, False)
        elif primary.metric == "tpot" and p.tpot_limit_ms is not None and p.tpot_limit_ms <= near:
            lat_of[i] = (p.tpot_limit_ms, True)
    if not lat_of:
        limits = [p.tpot_limit_ms for p in pts if p.tpot_limit_ms is not None]
        why = f"no level reports {lat_field} (with every other SLO met)"
        if limits:
            why += f"; its TPOT ceilings ({', '.join(f'{x:g}' for x in limits)} ms) are over the {bound:g} ms bound"
        return None, why
    idx = sorted(lat_of)
    pts = [pts[i] for i in idx]
    triples = [(p.level or str(i), lat_of[i][0], getattr(p, metric)) for i, p in zip(idx, pts)]
    value, kind, bracket, how = read_at_bound(triples, bound)
    if any(lat_of[i][1] for i in idx):
        how += "; TPOT ceilings (SLA limits, not measured means) are read at the ceiling: the mean is at most that"
    if stat_note:
        how += f"; {stat_note}"
    used = pts if bracket is None else [p for p in pts if (p.level or "") in bracket]
    if bracket is None:
        used = [p for p, t in zip(pts, triples) if t[2] == value][:1]
    reps = _replicates(used, metric, lat_field, bound, set(bracket) if bracket else None, cfg, rng)
    interval, imethod = None, None
    if reps:
        interval, imethod = _percentile_interval(reps, cfg), _boot_method(cfg)
    elif len(used) == 1:
        interval, imethod = _stated(used[0], value)
    if kind == "interpolated" and bracket:
        ys = [t[2] for t in triples if t[0] in bracket]
        pms = [p.throughput_pm or 0.0 for p in used]
        lo, hi = min(ys) - max(pms), max(ys) + max(pms)
        if interval is not None:
            lo, hi = min(lo, interval[0]), max(hi, interval[1])
        interval = (lo, hi)
        imethod = (imethod + "; " if imethod else "") + (
            f"the interpolation bracket [{min(ys):g}, {max(ys):g}] is carried into the interval "
            "(throughput at the bound lies between its two levels)"
        )
    return ReadOut(value, kind, bracket, lat_field, how, reps, interval, imethod), None


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
    value_pm: float | None = None,
) -> str:
    """SUPPORTED / REFUTED / INCONCLUSIVE for one observation of the claim's metric.

    ``value_pm``: the claimed figure's own stated precision (a claim of "1,943" is 1,942.5–1,943.5),
    which widens the threshold by that much."""
    tol = tolerance_rel or 0.0
    lo, hi = interval if interval is not None else (observed, observed)
    pm = value_pm or 0.0
    if comparator == ">=":
        t = claimed * (1.0 - tol) - pm
        if kind == "lower_bound":
            return "SUPPORTED" if lo >= t else "INCONCLUSIVE"
        if kind == "upper_bound":
            return "REFUTED" if hi < t else "INCONCLUSIVE"
        if lo >= t:
            return "SUPPORTED"
        if hi < t:
            return "REFUTED"
        return "INCONCLUSIVE"
    if comparator == "<=":
        t = claimed * (1.0 + tol) + pm
        if kind == "upper_bound":
            return "SUPPORTED" if hi <= t else "INCONCLUSIVE"
        if kind == "lower_bound":
            return "REFUTED" if lo > t else "INCONCLUSIVE"
        if hi <= t:
            return "SUPPORTED"
        if lo > t:
            return "REFUTED"
        return "INCONCLUSIVE"
    if comparator == "approx":
        a, b = claimed * (1.0 - tol) - pm, claimed * (1.0 + tol) + pm
        if kind == "lower_bound":
            return "REFUTED" if lo > b else "INCONCLUSIVE"
        if kind == "upper_bound":
            return "REFUTED" if hi < a else "INCONCLUSIVE"
        if a <= lo and hi <= b:
            return "SUPPORTED"
        if hi < a or lo > b:
            return "REFUTED"
        return "INCONCLUSIVE"
    raise ValueError(f"comparator {comparator!r} is not numeric")


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


def _metric_text(metric: str) -> str:
    return {
        "output_tok_per_s_per_user": "output tok/s per user (1000 / TPOT)",
        "output_tok_per_j": "output tok/J at TDP",
        "output_tok_per_usd": "output tokens per USD",
        "usd_per_mtok": "USD per million output tokens",
    }.get(metric, metric)


def _predicate_text(claim: Claim, basis: str | None, metric: str | None = None) -> str:
    p = claim.predicate
    if p is None:
        return "(none: not measurable)"
    metric = metric or p.metric
    tol = f" (tolerance {p.tolerance_rel:.0%})" if p.tolerance_rel else ""
    per = f" per {basis}" if basis else " (basis unknown)"
    if p.ratio_to is not None:
        return f"{_metric_text(metric)} ratio vs {p.ratio_to.hardware} {p.comparator} {p.value:g}{p.unit}{per}{tol}"
    if isinstance(p.value, list):
        return f"{p.metric} includes {', '.join(p.value)}"
    return f"{_metric_text(metric)} {p.comparator} {p.value:g} {p.unit}{per}{tol}"


def _rank(ev: Evidence, m: MatchResult) -> tuple[int, int, int]:
    return (m.n_differs, int(ev.secondary), int(ev.derived))


def _use(ev: Evidence, m: MatchResult, claimant: str | None = None, **kw) -> EvidenceUse:
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
        corroboration=corroboration_of(ev, claimant),
        caveats=tuple(n for n in ev.notes if n),
        **kw,
    )


def _metric_unit(metric: str) -> str:
    return {"request_per_s": "req/s", "goodput_req_per_s": "req/s"}.get(metric, "tok/s")


# ----------------------------------------------------------------------------------------------
# derived metrics: per user, per W, per $
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Transform:
    base_metric: str
    fn: Callable[[float], float]
    decreasing: bool
    text: str
    per_card: bool


def _transform(metric: str, hw_id: str | None, hardware, prices: Mapping[str, float]) -> tuple[_Transform | None, str]:
    """How a derived metric comes from what evidence reports, or (None, the missing figure)."""
    if metric == "output_tok_per_s_per_user":
        tf = _Transform(
            "tpot_mean_ms",
            interactivity_tok_per_s,  # type: ignore[arg-type]  # None for a TPOT <= 0 (evidence allows it), as before
            True,
            "1000 / mean TPOT",
            False,
        )
        return tf, ""
    if metric not in _PER_CARD_DERIVED:
        return _Transform(metric, lambda v: v, False, "", False), ""
    if hw_id is None:
        return None, "the chip (hardware), needed for its power or price"
    if metric == "output_tok_per_j":
        tdp = getattr(hardware.get(hw_id), "tdp_w", None)
        if tdp is None:
            return None, f"the board power (tdp_w) of {hw_id}: no source gives it (data/hardware/{hw_id}.yaml)"
        return _Transform("output_tok_per_s", lambda v: v / tdp, False, f"÷ {tdp:g} W TDP of {hw_id}", True), ""
    price = prices.get(hw_id)
    if price is None:
        return None, f"an hourly price of one {hw_id} package (usd_per_package_hour): data/prices has none"
    if metric == "output_tok_per_usd":
        return (
            _Transform("output_tok_per_s", lambda v: v * 3600 / price, False, f"× 3600 / {price:g} USD/h", True),
            "",
        )
    return (
        _Transform("output_tok_per_s", lambda v: price / (3600 * v) * 1e6, True, f"{price:g} USD/h ÷ tokens", True),
        "",
    )


def _apply(tf: _Transform, ro: ReadOut, factor: float) -> tuple[float, ReadOut]:
    """Scale a read by a basis factor, then apply a derived-metric transform (flipping bounds when
    the transform decreases)."""

    def f(v: float) -> float:
        return tf.fn(v * factor)

    value = f(ro.value)
    reps = tuple(f(r) for r in ro.replicates) if ro.replicates else None
    interval = None
    if ro.interval is not None:
        a, b = f(ro.interval[0]), f(ro.interval[1])
        interval = (min(a, b), max(a, b))
    kind = ro.kind
    if tf.decreasing and kind in ("lower_bound", "upper_bound"):
        kind = "upper_bound" if kind == "lower_bound" else "lower_bound"
    method = ro.method + (f"; then {tf.text}" if tf.text else "")
    return value, ReadOut(value, kind, ro.bracket, ro.latency_field, method, reps, interval, ro.interval_method)


def _gather(
    conditions: ClaimConditions,
    basis: Basis | None,
    metric: str,
    evidence: Sequence[Evidence],
    hardware: Mapping[str, HardwareLike],
    cfg: VerdictConfig,
    claimant: str | None = None,
    equivalent: Mapping[str, str] | None = None,
    tf: _Transform | None = None,
    bridge: Bridge | None = None,
) -> tuple[list[EvidenceUse], list[EvidenceUse]]:
    """Comparable uses (with values on the claim's basis) and set-aside ones.

    A record whose only binding differences are its lengths is *bridged* when ``bridge`` can carry
    it to the reading's lengths: its value is scaled by the roofline factor, its interval widened to
    cover both the unbridged and the bridged value, and it ranks after every unbridged record."""
    tf = tf or _Transform(metric, lambda v: v, False, "", False)
    base = tf.base_metric
    used, aside = [], []
    for ev in evidence:
        if ev.kind == "coverage":
            continue
        target: Basis | None = "card" if tf.per_card else (ev.basis if base == "tpot_mean_ms" else basis)
        m = match(conditions, target, ev, hardware, metric=base, equivalent=equivalent)
        bridged: tuple[float, str] | None = None
        if not m.comparable and bridge is not None and base == "output_tok_per_s" and tf.text == "":
            diffs = [c for c in m.comparisons if c.binding and c.status == "differs"]
            if diffs and all(c.name in BRIDGEABLE for c in diffs):
                bridged = bridge(conditions, ev)
                if bridged is not None:
                    m = replace(m, comparable=True, reasons=())
        if not m.comparable:
            aside.append(_use(ev, m, claimant))
            continue
        ro, why = _read(ev, base, conditions, cfg)
        if ro is None:
            aside.append(_use(ev, m, claimant, notes=(why or "",)))
            continue
        f = m.conversion.factor if (m.conversion and base != "tpot_mean_ms") else 1.0
        conv_text = None
        if f != 1.0:
            conv, _ = convert(
                ro.value,
                ev.basis,
                target or "card",
                ev.conditions.hardware or conditions.hardware,
                hardware,
                ev.packages,
                _metric_unit(base),
            )
            assert m.conversion is not None  # f != 1.0 comes only from m.conversion
            conv_text = conv.explanation if conv is not None else m.conversion.explanation
        value, ro2 = _apply(tf, ro, f)
        interval = ro2.interval
        if ro2.replicates:
            interval = _percentile_interval(ro2.replicates, cfg)
        notes = m.notes
        if bridged is not None:
            factor, text = bridged
            lo, hi = interval if interval is not None else (value, value)
            interval = (min(lo, lo * factor), max(hi, hi * factor))
            imethod = (ro2.interval_method + "; " if ro2.interval_method else "") + (
                f"widened to cover the unbridged and the bridged value (x {factor:.3g})"
            )
            value = value * factor
            ro2 = replace(ro2, value=value, replicates=None, interval=interval, interval_method=imethod)
            ro2 = replace(ro2, method=f"{ro2.method}; bridged: {text}")
            notes = tuple(notes) + (f"bridged, not matched: {text}",)
            conv_text = "; ".join(x for x in (conv_text, f"bridged: {text}") if x)
        use = _use(ev, m, claimant, observed=value, read=ro2, interval=interval, notes=notes)
        if bridged is not None:
            n_bridged = sum(1 for c in m.comparisons if c.binding and c.status == "differs")
            use = replace(use, rank=(use.rank[0] + 10 * n_bridged, use.rank[1], use.rank[2]))
        if conv_text is not None:
            use = replace(use, conversion=conv_text)
        used.append(use)
    used.sort(key=lambda u: u.rank)
    return used, aside


def _read_of(u: EvidenceUse) -> ReadOut:
    """The read of a use :func:`_gather` returned as comparable (it sets ``read`` on every one)."""
    assert u.read is not None
    return u.read


def _observed_of(u: EvidenceUse) -> float:
    """The observed value of a use :func:`_gather` returned as comparable (it sets ``observed`` on every one)."""
    assert u.observed is not None
    return u.observed


def _repeat_groups(uses: list[EvidenceUse], evidence_by_id: Mapping[str, Evidence]) -> list[list[EvidenceUse]]:
    groups: dict[tuple, list[EvidenceUse]] = {}
    for u in uses:
        ev = evidence_by_id[u.evidence_id]
        key = (ev.kind in MEASURED_KINDS, ev.conditions.model_dump_json(), u.read.kind if u.read else None)
        if not key[0]:
            key = (False, u.evidence_id, None)
        groups.setdefault(key, []).append(u)
    return list(groups.values())


def _repeats_interval(values: Sequence[float], cfg: VerdictConfig) -> tuple[tuple[float, float], str]:
    """Interval of the mean over repeats, valid for their number: a Student-t interval (a
    percentile bootstrap over a handful of repeats is just about [min, max] and far too narrow)."""
    n = len(values)
    ci = t_interval(values, cfg.confidence)
    method = (
        f"Student-t interval of the mean over {n} repeats (df {n - 1}), {cfg.confidence:.0%}: valid for few "
        "repeats under approximate normality, where a percentile bootstrap collapses to about [min, max]"
    )
    if n < FEW_REPEATS:
        method += f"; WARNING: only {n} repeats (< {FEW_REPEATS}): the interval is wide and rests on normality"
    return ci, method


def bootstrap_ratio_interval(
    numerator: Sequence[float], denominator: Sequence[float], cfg: VerdictConfig
) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(numerator)/mean(denominator), resampling each side
    with its own independent stream."""
    n = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    ni = _stream(cfg, "numerator").integers(0, n.size, size=(cfg.n_boot, n.size))
    di = _stream(cfg, "denominator").integers(0, d.size, size=(cfg.n_boot, d.size))
    return _percentile_interval(n[ni].mean(axis=1) / d[di].mean(axis=1), cfg)


# ----------------------------------------------------------------------------------------------
# explanation
# ----------------------------------------------------------------------------------------------
_LABEL: dict[str | None, str] = {
    "self-reported": "self-reported only (the claimant's own publications)",
    "independent": "independent (a third party's figures)",
    "measured-here": "measured here (claimbench run bundles)",
}


def _unknown_list(claim: Claim, r: ResolvedReading) -> tuple[str, ...]:
    out = []
    for name in claim.unknown:
        if name == "basis":
            if r.basis is None:
                out.append("basis: the source does not say per what unit (card, die, node)")
            continue
        if getattr(r.conditions, name, None) is None:
            out.append(f"{name}: not stated by the source")
    return tuple(out)


def _assumed_list(claim: Claim) -> tuple[str, ...]:
    return tuple(f"{k}: {v}" for k, v in claim.assumed.items())


def _differences(comps: Sequence[ConditionComparison]) -> list[str]:
    out = []
    for c in comps:
        if c.status == "unknown" and c.claim is not None and c.evidence is not None:
            out.append(
                f"{c.name}: claim {c.claim}, evidence {c.evidence} ({c.note or 'not comparable as stated'}) [unknown]"
            )
        if c.status in ("differs", "converted"):
            out.append(
                f"{c.name}: claim {c.claim}, evidence {c.evidence}"
                + (f" ({c.note})" if c.note else "")
                + ("" if c.binding else " [not binding]")
            )
    return out


def _dtype_flag(precision: str | None) -> str | None:
    if precision is None:
        return None
    p = precision.lower()
    if p in ("bf16", "bfloat16"):
        return "--dtype bfloat16"
    if p in ("fp16", "float16"):
        return "--dtype float16"
    return f"--engine-arg quantization={p}"


def decide_command(claim: Claim, r: ResolvedReading, hw_id: str | None, bound: PlausibilityBound | None) -> str | None:
    """The exact ``claimbench measure`` command that would settle the reading on ``hw_id``, or None
    when the model or the chip is unknown (then the missing figure is what would decide)."""
    c = r.conditions
    if c.model is None or hw_id is None:
        return None
    parts = ["claimbench measure --engine serve", f"--model {c.model}", f"--hardware {hw_id}"]
    flag = _dtype_flag(c.precision)
    if flag:
        parts.append(flag)
    if bound is not None and bound.min_devices:
        n = bound.min_devices
        tp = 1 << (n - 1).bit_length()
        parts.append(f"--tensor-parallel-size {tp}")
    if isinstance(c.speculative, type(None)) or c.speculative == "none":
        pass
    else:
        n = c.speculative.tokens or 1
        parts.append(
            f'--engine-arg \'speculative_config={{"method": "{c.speculative.method}", "num_speculative_tokens": {n}}}\''
        )
    if c.input_len:
        parts.append(f"--input-len {c.input_len}")
    if c.output_len:
        parts.append(f"--output-len {c.output_len}")
    tpot = [s for s in (c.slo or []) if s.metric == "tpot"]
    if c.concurrency is not None:
        parts.append(f"--concurrency {c.concurrency}")
    elif tpot:
        s = tpot[0]
        pct = {"p90": 90, "p99": 99}.get(s.stat or "", 50)
        parts.append(f"--find-max-under tpot_ms={s.max_ms:g} --search-percentile {pct}")
    else:
        parts.append("--concurrency 1,8,32,128,512")
    parts.append("--out runs")
    return " ".join(parts)


def _hints(
    claim: Claim,
    r: ResolvedReading,
    verdict: str,
    corroboration: str | None,
    bound: PlausibilityBound | None,
    kind: str | None,
    missing: str | None = None,
    aside: Sequence[EvidenceUse] = (),
) -> tuple[list[str], str | None]:
    """What would decide the reading: the missing figure, and the measurement that settles it."""
    out: list[str] = []
    c = r.conditions
    hw = c.hardware
    cmd = decide_command(claim, r, hw, bound)
    if claim.predicate is None:
        return [claim.unverifiable_reason or "A measurable predicate."], None
    if missing:
        out.append(f"The missing figure: {missing}.")
    if c.model is None:
        out.append("The model the figure was obtained on (the source does not name it).")
    if hw is None:
        out.append("The chip the figure was obtained on (the source does not name it).")
    if verdict == "UNVERIFIABLE":
        return out, None
    if verdict == "SUPPORTED" and corroboration == "self-reported":
        out.append(
            "An independent figure (a third party's, or a claimbench measurement) under the same conditions: "
            "today only the claimant's own publication supports it."
        )
    if verdict in ("SUPPORTED", "REFUTED") and corroboration == "measured-here":
        out.append(
            f"Decided by a claimbench measurement here; {FEW_REPEATS} or more repeats of the same run would give an "
            "interval across runs as well as within one."
        )
    if verdict in ("SUPPORTED", "REFUTED") and corroboration == "independent":
        out.append(
            "Decided on a third party's figures; a claimbench measurement under the same conditions would "
            "make it measured here (and narrow the interval to what this run shows)."
        )
    if verdict in ("INCONCLUSIVE",) and kind == "lower_bound":
        out.append(
            "A maximum-throughput figure (not a latency-limited, fixed-load or production point), or a point at "
            "the claim's own latency bound."
        )
    if verdict == "INCONCLUSIVE" and kind not in ("lower_bound", "upper_bound"):
        out.append("A narrower interval: more repeats, or per-request samples, under the same conditions.")
    if verdict == "NOT-COMPARABLE" and aside and not (claim.predicate and claim.predicate.ratio_to):
        ranked = sorted((u for u in aside if u.reasons), key=_closeness)
        closest = [u for u in ranked if _closeness(u)[:2] == _closeness(ranked[0])[:2]] if ranked else []
        reasons = sorted({x for u in closest for x in u.reasons})[:3]
        if reasons:
            ids = ", ".join(u.evidence_id for u in closest[:3])
            out.append(
                f"Evidence under the reading's own conditions: the closest records ({ids}) differ in "
                + "; ".join(reasons)
                + "."
            )
    if verdict == "IMPLAUSIBLE" and bound is not None and bound.blocking:
        out.append(
            "Nothing measured can rescue this reading as stated; another reading of the same words (a precision "
            "the chip runs natively, or enough devices to hold the model) is what a measurement can judge."
        )
    elif verdict == "IMPLAUSIBLE":
        out.append(
            "Nothing short of new hardware figures: the claim exceeds the physical bound; a measurement above it "
            "would mean a registry figure (peak FLOPS, HBM bandwidth, link speed) is wrong."
        )
    if claim.predicate is not None and claim.predicate.ratio_to is not None and verdict != "IMPLAUSIBLE":
        base = claim.predicate.ratio_to.hardware
        if c.model is not None:
            out.append(
                f"Both chips measured with one workload (same model, precision, lengths, speculative decoding, "
                f"phase and latency bound): run the command below on {hw} and again with --hardware {base}."
            )
    if (
        cmd
        and verdict != "IMPLAUSIBLE"
        and not (verdict in ("SUPPORTED", "REFUTED") and corroboration == "measured-here")
    ):
        if bound is not None and bound.min_devices:
            out.append(
                f"A measurement: `{cmd}` (the weights alone need at least {bound.min_devices} "
                f"{bound.device or 'package'}{'s' if bound.min_devices > 1 else ''}; then `claimbench verify --runs runs "
                f"--claim {claim.id}`)."
            )
        else:
            out.append(f"A measurement: `{cmd}` (then `claimbench verify --runs runs --claim {claim.id}`).")
    return out, (cmd if verdict != "IMPLAUSIBLE" else None)


def _closeness(u: EvidenceUse) -> tuple[int, bool, tuple[int, int, int]]:
    """Sort key of set-aside records, nearest miss first: fewest binding differences, a named chip
    before an unnamed one, then the usual rank."""
    unnamed = any(c.name == "hardware" and c.evidence is None for c in u.comparisons)
    return (len(u.reasons), unnamed, u.rank)


def _fmtn(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _base(claim: Claim, r: ResolvedReading) -> dict:
    p = claim.predicate
    return dict(
        claim_id=claim.id,
        reading_id=r.reading_id,
        reading_label=r.label,
        title=claim.title,
        quote=claim.source.quote,
        source_url=claim.source.url,
        predicate=_predicate_text(claim, r.basis, r.metric),
        claimed=float(p.value) if p is not None and not isinstance(p.value, list) else None,
        unit=_unit(claim, r),
        basis=r.basis,
        claimant=claim.claimant,
        assumed=_assumed_list(claim),
        unknown=_unknown_list(claim, r),
    )


def _unit(claim: Claim, r: ResolvedReading) -> str | None:
    p = claim.predicate
    if p is None:
        return None
    if p.ratio_to is not None or isinstance(p.value, list):
        return p.unit
    return {
        "output_tok_per_s_per_user": "tok/s/user",
        "output_tok_per_j": "tok/J",
        "output_tok_per_usd": "tok/USD",
        "usd_per_mtok": "USD/Mtok",
    }.get(r.metric or p.metric, p.unit)


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


def _caveats(uses: Sequence[EvidenceUse]) -> tuple[str, ...]:
    out: list[str] = []
    for u in uses:
        for c in u.caveats:
            t = f"{u.evidence_id}: {c}"
            if t not in out:
                out.append(t)
    return tuple(out)


def _judge_coverage(claim: Claim, r: ResolvedReading, evidence: Sequence[Evidence], hardware, equivalent) -> Verdict:
    # judge_claim sends only models_supported predicates here, whose value the schema makes a list
    assert claim.predicate is not None and isinstance(claim.predicate.value, list)
    fams = [str(f).lower() for f in claim.predicate.value]
    covered: dict[str, list[str]] = {f: [] for f in fams}
    used, aside = [], []
    for ev in evidence:
        if ev.kind != "coverage":
            continue
        m = match(r.conditions, r.basis, ev, hardware, equivalent=equivalent)
        if not m.comparable:
            aside.append(_use(ev, m, claim.claimant))
            continue
        for f in fams:
            for model in ev.models_supported or []:
                if model.lower().startswith(f):
                    covered[f].append(f"{model} ({ev.id})")
        used.append(_use(ev, m, claim.claimant, notes=(f"lists: {', '.join(ev.models_supported or [])}",)))
    missing = [f for f, v in covered.items() if not v]
    notes = tuple(f"{f}: " + ("; ".join(v) if v else "no evidence found") for f, v in covered.items())
    if not used:
        verdict = "NOT-COMPARABLE" if aside else "INCONCLUSIVE"
    else:
        verdict = "SUPPORTED" if not missing else "INCONCLUSIVE"
    extra = () if not missing else ("absence from a published list is not a refutation",)
    n_cov = len(fams) - len(missing)
    # corroboration per family: the strongest source listing it; the claim's: the weakest family
    by_id = {u.evidence_id: u.corroboration for u in used}
    fam_corr = [_strongest(by_id.get(x.rsplit("(", 1)[1].rstrip(")")) for x in v) for v in covered.values() if v]
    corr = _weakest(fam_corr) if used else None
    self_only = [
        f
        for f, v in covered.items()
        if v and _strongest(by_id.get(x.rsplit("(", 1)[1].rstrip(")")) for x in v) == "self-reported"
    ]
    hints: list[str] = []
    if self_only:
        hints.append(
            "An independent listing or a run of " + ", ".join(self_only) + " on the claimed hardware: today only the "
            "claimant's own publication lists it."
        )
    for f in missing:
        hints.append(
            f"A published list or a run showing a {f} model served on {r.conditions.hardware or 'the platform'}."
        )
    if used and not self_only and not missing:
        hw = r.conditions.hardware or "<id>"
        hints.append(
            "Decided on listings (what a platform documents as supported), not on a served model: a claimbench "
            f"run of each family on {hw} (`claimbench measure --engine serve --model <id> --hardware {hw}`) "
            "would make it measured here."
        )
    why = (
        f"{n_cov} of {len(fams)} model families are listed as served on {r.conditions.hardware}"
        + (f"; {', '.join(self_only)} only by the claimant itself" if self_only else "")
        + (f"; not found: {', '.join(missing)}" if missing else "")
        + "."
    )
    return Verdict(
        **_base(claim, r),
        **_empty(
            verdict=verdict,
            observed=float(n_cov) if verdict in ("SUPPORTED", "INCONCLUSIVE") and used else None,
            margin_rel=(n_cov / len(fams) - 1.0) if used else None,
            evidence_used=tuple(used),
            evidence_set_aside=tuple(aside),
            conditions=used[0].comparisons if used else (),
            notes=notes + extra,
            read_method="model families matched by id prefix in each record's list",
        ),
        corroboration=corr,
        why=why,
        what_would_decide=tuple(hints),
        caveats=_caveats(used),
    )


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
    by_id = {e.id: e for e in evidence}
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


def _unverifiable(claim: Claim, r: ResolvedReading, missing: str, bound=None) -> Verdict:
    hints, cmd = _hints(claim, r, "UNVERIFIABLE", None, bound, None, missing=missing)
    return Verdict(
        **_base(claim, r),
        **_empty(verdict="UNVERIFIABLE", bound=bound, notes=(f"needs {missing}",)),
        why=f"This reading needs a figure no source gives: {missing}.",
        what_would_decide=tuple(hints),
        decide_command=None,
    )


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
    verdict = "NOT-COMPARABLE" if aside else "INCONCLUSIVE"
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


def _agreed_outcome(decided, notes: list[str]) -> str:
    """The one conclusive outcome the decisions agree on, else INCONCLUSIVE (noting a disagreement)."""
    outcomes = {o for _, o, *_ in decided if o != "INCONCLUSIVE"}
    if len(outcomes) == 1:
        return outcomes.pop()
    if len(outcomes) > 1:
        notes.append("the best-matched evidence disagrees")
    return "INCONCLUSIVE"


def _judge_single(claim, r, evidence, hardware, bound, cfg, prices, equivalent, bridge=None) -> Verdict:
    p = claim.predicate
    metric = r.metric or p.metric
    tf, missing = _transform(metric, r.conditions.hardware, hardware, prices)
    if tf is None:
        return _unverifiable(claim, r, missing, bound)
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
    used, aside = _gather(r.conditions, basis, metric, evidence, hardware, cfg, claim.claimant, equivalent, tf, bridge)
    over = _bound_check(claim, r, bound, hardware)
    notes: list[str] = []
    if over is not None:
        return _single_over_bound(claim, r, base, bound, over, used, aside, notes)
    bnote = _bound_note(claim, r, bound, hardware)
    if bnote:
        notes.append(bnote)
    if not used:
        return _single_without_match(claim, r, base, evidence, aside, tf, hardware, cfg, basis, bound, notes)
    ev_by_id = {e.id: e for e in evidence}
    best_rank = used[0].rank
    top = [u for u in used if u.rank == best_rank]
    decided = _decide_records(top, ev_by_id, p, cfg, notes)
    verdict = _agreed_outcome(decided, notes)
    pick = next((d for d in decided if d[1] == verdict), decided[0])
    u, _, observed, ci, method = pick
    u_read = _read_of(u)
    outcome_by_id = {d[0].evidence_id: d[1] for d in decided}
    used_final = [replace(x, outcome=outcome_by_id.get(x.evidence_id, "context")) for x in used]
    deciding = [x for x in used_final if x.outcome != "context"]
    corr = _strongest(x.corroboration for x in deciding)
    if len(used) > len(top):
        notes.append(f"{len(used) - len(top)} less closely matched record(s) listed as context")
    notes.extend(u.notes)
    if u_read.kind in ("lower_bound", "upper_bound"):
        notes.append(f"the evidence gives a {u_read.kind.replace('_', ' ')} only: {u_read.method}")
    if corr == "self-reported":
        notes.append("self-reported: this reading rests only on the claimant's own figures")
    decide_list, cmd = _hints(claim, r, verdict, corr, bound, u_read.kind, aside=aside)
    iv = f" (interval {_fmtn(ci[0])}–{_fmtn(ci[1])})" if ci else ""
    bound_word = {"lower_bound": "at least ", "upper_bound": "at most "}.get(u_read.kind, "")
    why = (
        f"{u.evidence_id} gives {bound_word}{_fmtn(observed)} {base['unit']} per {basis or 'card'}{iv} against the "
        f"claimed {p.value:g}: {verdict}; {_LABEL.get(corr, 'no corroboration')}."
    )
    return Verdict(
        **base,
        **_empty(
            verdict=verdict,
            observed=observed,
            margin_rel=(observed - float(p.value)) / float(p.value),
            interval=ci,
            interval_method=method,
            read_method=u_read.method,
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
    )


def _ratio_sides(
    claim, r, metric, base_hw, evidence, hardware, cfg, equivalent, tf_a, tf_b, bridge
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
        r.conditions, r.basis, metric, evidence, hardware, cfg, claim.claimant, equivalent, tf_a, bridge
    )
    den, aside_d = _gather(base_cond, r.basis, metric, evidence, hardware, cfg, claim.claimant, equivalent, tf_b)
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


def _best_ratio_pair(num, den, evidence, equivalent) -> tuple[bool, EvidenceUse, EvidenceUse, Any]:
    """The numerator/denominator pair to divide: comparable workloads first, then best ranks, then the
    largest observed values. Returns (comparable, numerator, denominator, their condition comparisons)."""
    ev_by_id = {e.id: e for e in evidence}
    pairs = []
    for n in num:
        for d in den:
            comps = compare_pair(ev_by_id[n.evidence_id], ev_by_id[d.evidence_id], equivalent)
            ok = not any(c.binding and c.status == "differs" for c in comps)
            pairs.append((ok, n.rank, d.rank, -(n.observed or 0), -(d.observed or 0), n, d, comps))
    pairs.sort(key=lambda t: (not t[0], t[1], t[2], t[3], t[4]))
    ok, _, _, _, _, n, d, comps = pairs[0]
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


def _ratio_read_kind(n_read: ReadOut, d_read: ReadOut, notes: list[str]) -> tuple[ReadKind, bool]:
    """What the ratio is (point, lower or upper bound) given what each side is; and whether the two sides
    are bounds pointing in opposite directions (then nothing can be decided)."""
    kinds = {n_read.kind, d_read.kind}
    kind: ReadKind = "point"
    if n_read.kind == "lower_bound" or d_read.kind == "upper_bound":
        kind = "lower_bound"
    if n_read.kind == "upper_bound" or d_read.kind == "lower_bound":
        kind = "upper_bound" if kind == "point" else "point"
        if len(kinds) > 1 and "point" not in kinds:
            notes.append("numerator and denominator bounds point in opposite directions")
    return kind, len(kinds) > 1 and "point" not in kinds


def _judge_ratio(claim, r, evidence, hardware, cfg, bound, prices, equivalent, bridge=None) -> Verdict:
    p = claim.predicate
    metric = r.metric or p.metric
    base_hw = p.ratio_to.hardware
    tf_a, miss_a = _transform(metric, r.conditions.hardware, hardware, prices)
    tf_b, miss_b = _transform(metric, base_hw, hardware, prices)
    if tf_a is None or tf_b is None:
        return _unverifiable(claim, r, "; ".join(x for x in (miss_a, miss_b) if x), bound)
    num, den, aside = _ratio_sides(claim, r, metric, base_hw, evidence, hardware, cfg, equivalent, tf_a, tf_b, bridge)
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
    if not num or not den:
        return _ratio_side_missing(claim, r, base, base_hw, evidence, bound, num, den, aside, notes)
    ok, n, d, comps = _best_ratio_pair(num, den, evidence, equivalent)
    ratio = _observed_of(n) / _observed_of(d)
    corr = _weakest([n.corroboration, d.corroboration])
    if not ok:
        return _ratio_of_different_workloads(claim, r, base, base_hw, bound, n, d, comps, ratio, corr, aside, notes)
    interval, method = _ratio_interval(n, d, cfg)
    n_read, d_read = _read_of(n), _read_of(d)
    kind, opposite_bounds = _ratio_read_kind(n_read, d_read, notes)
    verdict = decide(p.comparator, float(p.value), p.tolerance_rel, ratio, kind, interval, p.value_pm)
    if kind == "point" and opposite_bounds:
        verdict = "INCONCLUSIVE"
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
        f"{_LABEL.get(corr, 'no corroboration')}.",
        what_would_decide=tuple(decide_l),
        decide_command=cmd,
        differences=tuple(_differences(comps)),
        caveats=_caveats([n, d]),
    )


def judge_claim(
    claim: Claim,
    evidence: Sequence[Evidence],
    hardware: Mapping[str, HardwareLike],
    bounds: Mapping[tuple[str, str], PlausibilityBound] | None = None,
    config: VerdictConfig | None = None,
    prices: Mapping[str, float] | None = None,
    equivalent: Mapping[str, str] | None = None,
    bridge: Bridge | None = None,
) -> list[Verdict]:
    """One verdict per reading of the claim (the reading as worded first).

    ``bounds`` maps (claim id, reading id) to a precomputed plausibility bound; ``prices`` maps a
    hardware id to USD per package-hour (per-dollar readings); ``equivalent`` maps model ids to the
    id they share an architecture with (data/aliases/models.yaml); ``bridge`` carries evidence
    taken at other lengths to the reading's (:func:`claimbench.judge.plausibility.length_bridge`).
    """
    cfg = config or VerdictConfig()
    prices = prices or {}
    out = []
    for r in resolved_readings(claim):
        bound = (bounds or {}).get((claim.id, r.reading_id))
        if claim.predicate is None:
            decide_l, _ = _hints(claim, r, "UNVERIFIABLE", None, None, None)
            out.append(
                Verdict(
                    **_base(claim, r),
                    **_empty(verdict="UNVERIFIABLE", notes=(claim.unverifiable_reason or "",)),
                    why=claim.unverifiable_reason or "The claim has no measurable predicate.",
                    what_would_decide=tuple(decide_l),
                )
            )
        elif claim.predicate.metric == "models_supported":
            out.append(_judge_coverage(claim, r, evidence, hardware, equivalent))
        elif claim.predicate.ratio_to is not None:
            out.append(_judge_ratio(claim, r, evidence, hardware, cfg, bound, prices, equivalent, bridge))
        else:
            out.append(_judge_single(claim, r, evidence, hardware, bound, cfg, prices, equivalent, bridge))
    return [_finish(v) for v in out]


def _finish(v: Verdict) -> Verdict:
    """NOT-COMPARABLE and UNVERIFIABLE carry no observed value or margin (``indicative`` may)."""
    if v.verdict in ("NOT-COMPARABLE", "UNVERIFIABLE"):
        return replace(v, observed=None, margin_rel=None, interval=None, interval_method=None)
    return v


def judge_claims(
    claims, evidence, hardware, bounds=None, config=None, prices=None, equivalent=None, bridge=None
) -> list[Verdict]:
    return [v for c in claims for v in judge_claim(c, evidence, hardware, bounds, config, prices, equivalent, bridge)]


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
                "corroboration": v.corroboration,
                "why": v.why,
                "what_would_decide": " | ".join(v.what_would_decide),
                "decide_command": v.decide_command,
                "indicative": v.indicative,
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
        "corroboration": pl.String,
        "why": pl.String,
        "what_would_decide": pl.String,
        "decide_command": pl.String,
        "indicative": pl.Float64,
        "notes": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)

"""Verdicts on claims (pure): claims + evidence + hardware specs + precomputed bounds in, typed
records and a polars table out.

Modules: :mod:`~claimbench.judge.verdict.types` (records), :mod:`~claimbench.judge.verdict.algebra`
(value kinds and deciding), :mod:`~claimbench.judge.latency` (latency statistics as an ordered
condition), :mod:`~claimbench.judge.verdict.reading` (reading one record), :mod:`~claimbench.judge.verdict.conditions`
(condition matching), :mod:`~claimbench.judge.verdict.derived` (per user / W / $),
:mod:`~claimbench.judge.verdict.intervals`, :mod:`~claimbench.judge.verdict.corroboration`,
:mod:`~claimbench.judge.verdict.explain`, one module per claim form (:mod:`~claimbench.judge.verdict.single`,
:mod:`~claimbench.judge.verdict.ratio`, :mod:`~claimbench.judge.verdict.region`,
:mod:`~claimbench.judge.verdict.coverage`) and
:mod:`~claimbench.judge.verdict.table`.

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
From each record's provenance (:mod:`claimbench.judge.verdict.corroboration`): ``unattributed``,
``self-reported`` (the claimant's organisation, aliases and subsidiaries resolved through data/orgs, or
the claim's own source document), ``independent``, ``peer-reviewed`` (MLPerf closed) or
``measured-here``. A verdict's corroboration is the strongest among the records whose outcome *is*
the verdict (not merely in the deciding set); a ratio's is the weaker of its two sides.

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

from collections.abc import Mapping, Sequence
from dataclasses import replace

from claimbench.analyze.reading import read_at_bound
from claimbench.judge.matching import HardwareLike
from claimbench.judge.verdict.algebra import decide
from claimbench.judge.verdict.corroboration import corroboration_of
from claimbench.judge.verdict.coverage import _judge_coverage
from claimbench.judge.verdict.explain import _base, _empty, _hints, decide_command
from claimbench.judge.verdict.index import EvidenceSet
from claimbench.judge.verdict.intervals import bootstrap_ratio_interval, t_interval
from claimbench.judge.verdict.ratio import _judge_ratio
from claimbench.judge.verdict.record import judge_record
from claimbench.judge.verdict.region import judge_region
from claimbench.judge.verdict.single import _judge_single
from claimbench.judge.verdict.table import verdict_table
from claimbench.judge.verdict.types import (
    CLASSES,
    CORROBORATION,
    Bridge,
    EvidenceUse,
    PlausibilityBound,
    ReadOut,
    Verdict,
    VerdictConfig,
)
from claimbench.schema.claims import LOADER_NOTE_PREFIXES, Claim, resolved_readings
from claimbench.schema.evidence import Evidence

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
    "decide_command",
    "judge_claim",
    "judge_claims",
    "read_at_bound",
    "t_interval",
    "verdict_table",
]


def judge_claim(
    claim: Claim,
    evidence: Sequence[Evidence],
    hardware: Mapping[str, HardwareLike],
    bounds: Mapping[tuple[str, str], PlausibilityBound] | None = None,
    config: VerdictConfig | None = None,
    prices: Mapping[str, float] | None = None,
    equivalent: Mapping[str, str] | None = None,
    bridge: Bridge | None = None,
    orgs: Mapping[str, str] | None = None,
) -> list[Verdict]:
    """One verdict per reading of the claim (the reading as worded first).

    ``bounds`` maps (claim id, reading id) to a precomputed plausibility bound; ``prices`` maps a
    hardware id to USD per package-hour (per-dollar readings); ``equivalent`` maps model ids to the
    id they share an architecture with (data/aliases/models.yaml); ``bridge`` carries evidence
    taken at other lengths to the reading's (:func:`claimbench.judge.plausibility.length_bridge`); ``orgs``
    maps normalised organisation names to ids (:func:`claimbench.load.orgs.org_index`) for corroboration.
    """
    cfg = config or VerdictConfig()
    prices = prices or {}
    if not isinstance(evidence, EvidenceSet):
        evidence = EvidenceSet(evidence, equivalent, _vendors(hardware))
    out = []
    for r in resolved_readings(claim):
        bound = (bounds or {}).get((claim.id, r.reading_id))
        claim_r = _on_reading_basis(claim, r.value, r.value_pm)
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
            out.append(_judge_coverage(claim_r, r, evidence, hardware, equivalent, orgs))
        elif claim.predicate.form in ("everywhere", "region"):
            out.append(judge_region(claim_r, r, evidence, hardware, cfg, prices, equivalent, orgs))
        elif claim.predicate.form == "beats_all":
            out.append(judge_record(claim_r, r, evidence, hardware, cfg, prices, equivalent, orgs))
        elif claim.predicate.ratio_to is not None:
            out.append(_judge_ratio(claim_r, r, evidence, hardware, cfg, bound, prices, equivalent, bridge, orgs))
        else:
            out.append(_judge_single(claim_r, r, evidence, hardware, bound, cfg, prices, equivalent, bridge, orgs))
    carried = tuple(n for n in claim.notes if n.startswith(LOADER_NOTE_PREFIXES))
    return [_finish(replace(v, notes=tuple(v.notes) + carried) if carried else v) for v in out]


def _vendors(hardware) -> dict[str, str]:
    """Hardware id -> vendor, for listing near misses on a sibling chip (:mod:`.index`)."""
    return {hw_id: str(getattr(spec, "vendor", "")).lower() for hw_id, spec in (hardware or {}).items()}


def _on_reading_basis(claim: Claim, value: float | None, value_pm: float | None) -> Claim:
    """The claim with its figure on the reading's basis when the reading converts it (14.8k per node read
    per card is 1,850 per card, not 14,800)."""
    if value is None or claim.predicate is None:
        return claim
    predicate = claim.predicate.model_copy(update={"value": value, "value_pm": value_pm})
    return claim.model_copy(update={"predicate": predicate})


def _finish(v: Verdict) -> Verdict:
    """NOT-COMPARABLE and UNVERIFIABLE carry no observed value or margin (``indicative`` may), and no
    corroboration: no record decided them, so nobody's figures stand behind the class."""
    if v.verdict in ("NOT-COMPARABLE", "UNVERIFIABLE"):
        return replace(v, observed=None, margin_rel=None, interval=None, interval_method=None, corroboration=None)
    return v


def judge_claims(
    claims, evidence, hardware, bounds=None, config=None, prices=None, equivalent=None, bridge=None, orgs=None
) -> list[Verdict]:
    """Every reading of every claim (:func:`judge_claim` on each)."""
    evidence = evidence if isinstance(evidence, EvidenceSet) else EvidenceSet(evidence, equivalent, _vendors(hardware))
    return [
        v for c in claims for v in judge_claim(c, evidence, hardware, bounds, config, prices, equivalent, bridge, orgs)
    ]

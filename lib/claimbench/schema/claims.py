"""Claim records: a vendor's sentence turned into a testable predicate.

One YAML file per claim under ``data/claims/``. The schema rejects unknown keys, and the fields
that change what is measured (hardware, model, precision, lengths, SLOs, speculative decoding,
concurrency, phase, deployment, unit basis) have no defaults: a claim file states each one, either as a value
or as ``null`` — and a ``null`` must be listed under ``unknown`` (what the source leaves open),
so a missing condition is always a visible decision, never an accident.

A claim names its ``claimant`` (an organisation id): evidence whose ``reported_by`` is the claimant
is *self-reported*, and the verdict says so. A claimed number must be finite and positive; its own
stated precision (``predicate.value_pm``: 1,943 -> 0.5) widens the threshold it is judged against.
A reading may change the chip, the basis, any condition, or the metric (``three times more
efficient`` read per watt: ``metric: output_tok_per_j``).

YAML is read with :func:`yaml.safe_load` only; a python object tag is refused. Every problem is a
:class:`claimbench.errors.UserError` of one line naming the file and the field. When a whole
directory is loaded, bad files are returned as errors alongside the good claims, so one broken
file does not stop the others from being judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from claimbench.errors import did_you_mean
from claimbench.schema.accuracy import AccuracyParity
from claimbench.schema.base import Strict

__all__ = [
    "LOADER_NOTE_PREFIXES",
    "MIGRATED_NOTE",
    "SCENARIO_NOTE",
    "Basis",
    "Claim",
    "ClaimConditions",
    "ConditionsOverride",
    "Deployment",
    "Predicate",
    "RatioBaseline",
    "Reading",
    "SloBound",
    "Publication",
    "PowerBasis",
    "PriceBasis",
    "REGION_METRICS",
    "RegionRange",
    "Speculative",
    "CONDITION_NAMES",
    "OPTIONAL_CONDITIONS",
    "Scenario",
    "resolved_readings",
    "DERIVED_METRICS",
    "CLAIM_SCHEMA_VERSION",
    "SubClaim",
    "expand_claim",
]

PowerBasis = Literal["chip", "system", "facility"]
"""Whose power a per-W figure divides by: the accelerator package's (``chip``: its board power), the whole
system's (``system``: node or rack with CPUs, network and cooling), or the facility's (``facility``: the
provisioned utility power, overhead included)."""

PriceBasis = Literal["accelerator-hour", "system-hour", "tco"]
"""What a cost figure rests on: an hourly price of one accelerator package (``accelerator-hour``: what
data/prices holds), an hourly price of a whole system or rack (``system-hour``), or a total cost of
ownership model (``tco``: hardware, power, facility over a lifetime)."""

Basis = Literal["card", "die", "node", "system", "user"]
"""What one unit of a per-unit figure counts: an accelerator package (card), one die of a
multi-die package, a server node, a whole system, or one user's stream (interactivity)."""

Comparator = Literal[">=", "<=", "approx", "includes"]

PredicateForm = Literal["at", "up_to", "beats_all", "everywhere", "region"]
"""The shape of a statement: ``at`` — "X at condition C" (the figure read at the claim's conditions);
``up_to`` — "up to X" (the best over every matching record and level reaches X: any one that does
supports it, only a maximum that falls short refutes it); ``beats_all`` — "fastest", "a record" (the
claimed figure beats every matching record of *other* chips: one at or above it refutes); ``everywhere``
— "across the entire frontier" (a ratio claim that holds at every interactivity both frontiers were
measured at, within ``region``'s range when given); ``region`` — "across most of the frontier", "below
50 tok/s/user" (it holds over at least ``region.min_share`` of the range): :mod:`claimbench.judge.verdict.region`."""

REGION_METRICS: tuple[str, ...] = (
    "output_tok_per_s",
    "total_tok_per_s",
    "input_tok_per_s",
    "output_tok_per_j",
    "output_tok_per_usd",
    "usd_per_mtok",
)
"""Metrics a ``region`` / ``everywhere`` claim may compare along the interactivity axis (a throughput, or one
derived from it per card)."""


class RegionRange(Strict):
    """Where on the interactivity axis (tok/s/user = 1000 / mean TPOT) a region claim speaks, and how much of it.

    A missing end is the end of what either frontier measured. ``min_share``: the share of the range the
    claim must hold over ("most" = 0.5, which the claim then has to exceed); ``everywhere`` is 1."""

    interactivity_min_tok_s_user: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    interactivity_max_tok_s_user: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    min_share: float | None = Field(default=None, gt=0, le=1)
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RegionRange:
        lo, hi = self.interactivity_min_tok_s_user, self.interactivity_max_tok_s_user
        if lo is not None and hi is not None and lo >= hi:
            raise ValueError(f"region: interactivity_min_tok_s_user {lo:g} must be below interactivity_max {hi:g}")
        return self


CLAIM_SCHEMA_VERSION = 2
"""Version of the claim file shape. 1: files without ``schema:`` (read and migrated in memory)."""

PredicateMetric = Literal[
    "output_tok_per_s",
    "total_tok_per_s",
    "input_tok_per_s",
    "request_per_s",
    "goodput_req_per_s",
    "tpot_mean_ms",
    "ttft_mean_ms",
    "output_tok_per_s_per_user",
    "output_tok_per_j",
    "output_tok_per_usd",
    "usd_per_mtok",
    "models_supported",
]
"""Metric a predicate is about. Throughputs are per the predicate's basis. ``models_supported``
is a coverage predicate: its value is a list of model families.

Derived metrics (read from the evidence's output tok/s per card and the registries):

* ``output_tok_per_s_per_user`` — interactivity, 1000 / TPOT_ms (:func:`claimbench.analyze.metrics.interactivity_tok_per_s`);
* ``output_tok_per_j`` — output tok/s per card ÷ the power one package drew, measured, where the record
  states it (``power_w_per_package``, e.g. InferenceX); else ÷ the card's TDP in W (``tdp_w`` of
  data/hardware), a *lower* bound of tokens per joule (a TDP bounds the power drawn from above);
* ``output_tok_per_usd`` — output tok/s per card × 3600 ÷ the hourly price of one package (data/prices);
* ``usd_per_mtok`` — that price ÷ (3600 × tok/s per card) × 1e6.

A reading that needs a figure the registries do not hold (a TDP, a price) is UNVERIFIABLE and
names the figure."""

DERIVED_METRICS: tuple[str, ...] = (
    "output_tok_per_s_per_user",
    "output_tok_per_j",
    "output_tok_per_usd",
    "usd_per_mtok",
)

LatencyMetric = Literal["tpot", "ttft", "itl", "e2el"]
LatencyStat = Literal["mean", "p50", "p90", "p99"]
Phase = Literal["decode-only", "end-to-end", "prefill-only"]
Scenario = Literal["offline", "server", "interactive"]

MIGRATED_NOTE = "migrated in memory from claim schema"
SCENARIO_NOTE = "slo from the MLPerf"
LOADER_NOTE_PREFIXES: tuple[str, ...] = (MIGRATED_NOTE, SCENARIO_NOTE)
"""How the notes the loader adds to ``Claim.notes`` begin (a file of an earlier schema migrated; a scenario's
latency bounds applied): the verdict carries them on every reading, beside the engine's own notes."""
"""An MLPerf Inference scenario a figure was obtained in (its latency constraints: data/scenarios)."""


class Publication(Strict):
    """Where a claim (or a published result) comes from. ``quote`` is verbatim."""

    url: str
    date: str = Field(description="Publication date as given, ISO-like: 2025-11, 2025-10-04")
    quote: str
    publisher: str | None = None
    secondary: bool = Field(default=False, description="True for a blog, news item or AI-written note")
    note: str | None = None


class SloBound(Strict):
    """A latency bound the throughput is claimed at: ``metric`` ``stat`` ≤ ``max_ms``.

    ``stat`` null means the source does not say which statistic (mean, median, p99); the verdict
    then reads the mean and says so.
    """

    metric: LatencyMetric
    stat: LatencyStat | None
    max_ms: float = Field(gt=0, allow_inf_nan=False)


class Speculative(Strict):
    """Speculative decoding used: method (e.g. MTP), draft tokens, acceptance rate (0–1)."""

    method: str
    tokens: int | None = Field(default=None, ge=1)
    acceptance: float | None = Field(default=None, ge=0, le=1)


class Deployment(Strict):
    """How the serving behind a figure was deployed: what the roofline bound needs beyond chip,
    model, precision, speculative decoding and the TPOT bound (:mod:`claimbench.judge.roofline`).

    Every field is required; null means the source does not say, and the bound is then not
    computed (``kv_precision`` null is bounded at 1 byte per KV element, the loosest in use, and
    said so). ``device`` is the unit ``batch_per_device``, ``tp`` and ``ep`` count: a package
    (``card``) or one die of it (``die``).
    """

    device: Literal["card", "die"]
    devices: int | None = Field(
        ge=1, description="deployment scale: how many devices (of ``device``) the serving behind the figure spans"
    )
    batch_per_device: float | None = Field(gt=0, description="sequences resident per device")
    context_tokens: float | None = Field(
        ge=0, description="KV length each sequence attends over during decode (average)"
    )
    tp: int | None = Field(ge=1, description="tensor-parallel degree of attention (1 = DP attention)")
    ep: int | None = Field(ge=1, description="expert-parallel degree, in devices")
    kv_precision: str | None = Field(description="KV-cache dtype, e.g. int8, fp8, bf16")
    note: str | None = None


class ClaimConditions(Strict):
    """Conditions a figure holds under. Every field is required; null means unknown."""

    hardware: str | None = Field(description="Hardware registry id of the package")
    model: str | None = Field(description="Model id, e.g. deepseek-r1")
    precision: str | None = Field(description="Weight/activation precision, e.g. int8, fp8, bf16")
    input_len: int | None = Field(ge=1)
    output_len: int | None = Field(ge=1)
    slo: list[SloBound] | None
    speculative: Speculative | Literal["none"] | None
    concurrency: int | None = Field(ge=1, description="Closed-loop concurrency of the load level")
    phase: Phase | None
    deployment: Deployment | None = Field(
        description="Serving deployment for the roofline bound (batch, context, TP/EP)"
    )
    scenario: Scenario | None = Field(
        default=None,
        description="the MLPerf Inference scenario the claim is about (optional: null = not a benchmark-scenario "
        "claim); binding, and its latency constraints fill an unstated slo (data/scenarios)",
    )
    accuracy_parity: AccuracyParity | None = Field(
        default=None,
        description="the figure holds only at accuracy parity with a baseline (optional; "
        "claimbench.judge.verdict.accuracy)",
    )


OPTIONAL_CONDITIONS: tuple[str, ...] = ("scenario", "accuracy_parity")
"""Conditions a claim may leave out (added after schema 1; null is not listed under ``unknown``)."""
CONDITION_NAMES: tuple[str, ...] = tuple(k for k in ClaimConditions.model_fields if k not in OPTIONAL_CONDITIONS)


class RatioBaseline(Strict):
    """For a ratio claim (``3× the throughput of H20``): the baseline's conditions that differ
    from the claim's own (at least the hardware)."""

    hardware: str
    note: str | None = None


class Predicate(Strict):
    """What must hold: ``metric comparator value`` (per ``basis``).

    ``approx`` needs ``tolerance_rel`` (|observed − value| ≤ tolerance_rel · value). ``>=`` and
    ``<=`` may have one for figures stated as "around N" (observed ≥ (1 − tolerance_rel) · value);
    ``includes`` may not. A ratio claim sets ``ratio_to`` and its value is the factor. ``value``
    must be finite and > 0; ``value_pm`` is its stated precision (half its last digit).
    """

    metric: PredicateMetric
    comparator: Comparator
    value: float | list[str]
    unit: str
    basis: Basis | None
    tolerance_rel: float | None = Field(ge=0)
    ratio_to: RatioBaseline | None
    value_pm: float | None = Field(
        default=None,
        ge=0,
        description="the claimed figure's own stated precision, ± absolute (half its last digit: 1,943 -> 0.5)",
    )
    form: PredicateForm = Field(
        default="at",
        description="at: the figure at the claim's conditions; up_to: the best over the frontier reaches it; "
        "beats_all: it beats every matching record of other systems; everywhere / region: per region of the "
        "interactivity axis (a ratio claim)",
    )
    region: RegionRange | None = Field(
        default=None, description="the interactivity range and share a region / everywhere claim speaks of"
    )
    price_basis: PriceBasis | None = Field(
        default=None,
        description="for a cost metric, what the cost rests on: accelerator-hour (default: data/prices), "
        "system-hour or tco; only a stated cost on the same basis decides a system-hour or tco claim",
    )
    power_basis: PowerBasis | None = Field(
        default=None,
        description="for a per-W metric, whose power: chip (default), system or facility; a system or facility "
        "claim is never decided by a chip's TDP (:mod:`claimbench.judge.verdict.stated`)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Predicate:
        if self.comparator == "approx" and self.tolerance_rel is None:
            raise ValueError("tolerance_rel: required when comparator is 'approx'")
        if self.comparator == "includes" and self.tolerance_rel is not None:
            raise ValueError("tolerance_rel: not allowed with comparator 'includes'")
        coverage = self.metric == "models_supported"
        if coverage != (self.comparator == "includes"):
            raise ValueError("comparator: 'includes' goes with metric 'models_supported' only")
        if coverage and not isinstance(self.value, list):
            raise ValueError("value: a coverage predicate needs a list of model families")
        if not coverage and isinstance(self.value, list):
            raise ValueError("value: must be a number for this metric")
        if self.ratio_to is not None and self.unit != "x":
            raise ValueError("unit: a ratio claim's unit is 'x'")
        if not isinstance(self.value, list):
            if not math.isfinite(self.value):
                raise ValueError(f"value: {self.value} is not a finite number")
            if self.value <= 0:
                raise ValueError(f"value: {self.value:g} must be positive (a throughput, latency or ratio is > 0)")
        self._check_region_form(coverage)
        if self.power_basis is not None and self.metric != "output_tok_per_j":
            raise ValueError("power_basis: only with metric 'output_tok_per_j' (a per-W figure)")
        if self.price_basis is not None and self.metric not in ("usd_per_mtok", "output_tok_per_usd"):
            raise ValueError("price_basis: only with metric 'usd_per_mtok' or 'output_tok_per_usd'")
        regional_ok = self.form in ("everywhere", "region") and self.comparator == "approx"  # "matches B200 across …"
        if self.form != "at" and self.comparator not in (">=", "<=") and not regional_ok:
            raise ValueError(
                f"form: {self.form!r} needs comparator '>=' or '<='"
                + (" (or 'approx' for everywhere / region)" if self.form in ("everywhere", "region") else "")
            )
        if self.tolerance_rel is not None and not (0 <= self.tolerance_rel < 1):
            raise ValueError(f"tolerance_rel: {self.tolerance_rel} must be in [0, 1)")
        return self

    def _check_region_form(self, coverage: bool) -> None:
        """``up_to`` / ``beats_all`` take a single figure; ``everywhere`` / ``region`` a ratio of throughputs."""
        regional = self.form in ("everywhere", "region")
        if self.form in ("up_to", "beats_all") and (self.ratio_to is not None or coverage):
            raise ValueError(f"form: {self.form!r} applies to a single figure, not a ratio or coverage predicate")
        if regional and self.ratio_to is None:
            raise ValueError(f"form: {self.form!r} compares two frontiers: it needs ratio_to (the baseline)")
        if regional and self.metric not in REGION_METRICS:
            raise ValueError(f"form: {self.form!r} needs a throughput metric ({', '.join(REGION_METRICS)})")
        if self.region is not None and not regional:
            raise ValueError("region: only with form 'everywhere' or 'region'")
        if self.form == "region" and (self.region is None or self.region.min_share is None):
            raise ValueError("region.min_share: required with form 'region' (the share of the range it holds over)")
        if self.form == "everywhere" and self.region is not None and self.region.min_share not in (None, 1.0):
            raise ValueError("region.min_share: form 'everywhere' holds over the whole range (leave it out)")


class ConditionsOverride(Strict):
    """A partial set of conditions; only the keys written in the YAML are applied."""

    hardware: str | None = None
    model: str | None = None
    precision: str | None = None
    input_len: int | None = Field(default=None, ge=1)
    output_len: int | None = Field(default=None, ge=1)
    slo: list[SloBound] | None = None
    speculative: Speculative | Literal["none"] | None = None
    concurrency: int | None = Field(default=None, ge=1)
    phase: Phase | None = None
    deployment: Deployment | None = None
    scenario: Scenario | None = None
    accuracy_parity: AccuracyParity | None = None


class Reading(Strict):
    """An alternative reading of an ambiguous claim (e.g. "per 910C chip" vs "per 910C die"),
    judged beside the reading as worded."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: str
    conditions: ConditionsOverride
    basis: Basis | None
    metric: PredicateMetric | None = Field(
        default=None,
        description="another metric for this reading (e.g. output_tok_per_j for 'three times more efficient'); "
        "null = the predicate's",
    )
    source_note: str = Field(description="Why this reading exists, with its source")
    value: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="the claimed figure on this reading's basis when the reading converts it (14.8k per node "
        "= 1,850 per card); null = the predicate's figure read on this basis as stated",
    )
    value_pm: float | None = Field(default=None, ge=0, description="the stated precision of ``value``")


class SubClaim(Strict):
    """One of several comparisons in one statement ("2x the throughput and 40 % lower cost"): its own
    predicate, conditions patched over the claim's, and readings."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: str | None = None
    predicate: Predicate
    conditions: ConditionsOverride = Field(default_factory=lambda: ConditionsOverride())
    readings: list[Reading] = Field(default_factory=list)


class Claim(Strict):
    """A vendor's statement as a testable predicate (or several), with the conditions it holds under."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: int = Field(default=CLAIM_SCHEMA_VERSION, alias="schema", ge=1, le=CLAIM_SCHEMA_VERSION)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    claimant: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="Who makes the claim (an organisation id, e.g. huawei); evidence whose "
        "``reported_by`` is the claimant is self-reported",
    )
    source: Publication
    also_reported: list[Publication] = Field(default_factory=list)
    predicate: Predicate | None
    unverifiable_reason: str | None = None
    conditions: ClaimConditions
    unknown: list[str]
    assumed: dict[str, str] = Field(
        default_factory=dict,
        description="Conditions filled in by us, not stated by the source, with the reason",
    )
    readings: list[Reading] = Field(default_factory=list)
    self_test: bool = Field(default=False, description="A claim claimbench checks against its own CPU measurement")
    notes: list[str] = Field(default_factory=list)
    predicates: list[SubClaim] = Field(
        default_factory=list,
        description="several comparisons of one statement, each judged as its own claim <id>--<sub id>",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        self._check_predicates()
        allowed = set(CONDITION_NAMES) | set(OPTIONAL_CONDITIONS) | {"basis"}
        self._check_unknowns(allowed)
        for name in self.assumed:
            if name not in allowed:
                raise ValueError(f"assumed: {name!r} is not a condition{did_you_mean(name, allowed)}")
        ids = [r.id for r in self.readings]
        if len(set(ids)) != len(ids) or "as-worded" in ids:
            raise ValueError("readings: ids must be unique and not 'as-worded'")
        return self

    def _check_predicates(self) -> None:
        """One predicate or several (unique ids), or none with the reason it cannot be tested."""
        if self.predicates:
            if self.predicate is not None:
                raise ValueError("predicates: give either predicate or predicates, not both")
            subs = [x.id for x in self.predicates]
            if len(set(subs)) != len(subs):
                raise ValueError("predicates: ids must be unique")
        elif self.predicate is None and not self.unverifiable_reason:
            raise ValueError("unverifiable_reason: required when predicate is null")
        if self.predicate is not None and self.unverifiable_reason:
            raise ValueError("unverifiable_reason: only allowed when predicate is null")

    def _check_unknowns(self, allowed: set[str]) -> None:
        """Every null condition (and a null basis) is listed under ``unknown``, and nothing else is."""
        for name in self.unknown:
            if name not in allowed:
                raise ValueError(f"unknown: {name!r} is not a condition{did_you_mean(name, allowed)}")
        for name in CONDITION_NAMES:
            value = getattr(self.conditions, name)
            if value is None and name not in self.unknown:
                raise ValueError(
                    f"conditions.{name}: null but not listed under 'unknown' (give a value, or list it as unknown)"
                )
            if value is not None and name in self.unknown:
                raise ValueError(f"unknown: {name!r} has a value in conditions")
        basis_unknown = "basis" in self.unknown
        if self.predicate is not None:
            if self.predicate.basis is None and not basis_unknown:
                raise ValueError("predicate.basis: null but 'basis' is not listed under 'unknown'")
            if self.predicate.basis is not None and basis_unknown:
                raise ValueError("unknown: 'basis' has a value in predicate.basis")
        for sub in self.predicates:
            if sub.predicate.basis is None and not basis_unknown:
                raise ValueError(
                    f"predicates[{sub.id}].predicate.basis: null but 'basis' is not listed under 'unknown'"
                )

    def hardware_ids(self) -> list[tuple[str, str]]:
        """(field path, hardware id) for every hardware the claim names."""
        out: list[tuple[str, str]] = []
        if self.conditions.hardware:
            out.append(("conditions.hardware", self.conditions.hardware))
        if self.predicate is not None and self.predicate.ratio_to is not None:
            out.append(("predicate.ratio_to.hardware", self.predicate.ratio_to.hardware))
        for i, reading in enumerate(self.readings):
            if reading.conditions.hardware:
                out.append((f"readings[{i}].conditions.hardware", reading.conditions.hardware))
        return out


@dataclass(frozen=True)
class ResolvedReading:
    """One reading of a claim with its full conditions and basis."""

    reading_id: str
    label: str
    conditions: ClaimConditions
    basis: Basis | None
    note: str | None
    metric: str | None = None
    """The metric this reading is about (the predicate's unless the reading names another)."""
    value: float | None = None
    """The claimed figure on this reading's basis, when the reading converts it (else the predicate's)."""
    value_pm: float | None = None


def expand_claim(claim: Claim) -> list[Claim]:
    """The claim itself, or one claim per entry of ``predicates`` (id ``<claim id>--<sub id>``, the
    entry's conditions patched over the claim's, its readings or else the claim's)."""
    if not claim.predicates:
        return [claim]
    out = []
    for sub in claim.predicates:
        patch = {k: getattr(sub.conditions, k) for k in sub.conditions.model_fields_set}
        conditions = claim.conditions.model_copy(update=patch)
        title = f"{claim.title}: {sub.label}" if sub.label else f"{claim.title} ({sub.id})"
        out.append(
            claim.model_copy(
                update={
                    "id": f"{claim.id}--{sub.id}",
                    "title": title,
                    "predicate": sub.predicate,
                    "conditions": conditions,
                    "readings": list(sub.readings) or list(claim.readings),
                    "predicates": [],
                }
            )
        )
    return out


def resolved_readings(claim: Claim) -> list[ResolvedReading]:
    """The reading as worded first, then each alternative with its overrides applied."""
    basis = claim.predicate.basis if claim.predicate is not None else None
    metric = claim.predicate.metric if claim.predicate is not None else None
    out = [ResolvedReading("as-worded", "as worded by the source", claim.conditions, basis, None, metric)]
    for reading in claim.readings:
        patch = {k: getattr(reading.conditions, k) for k in reading.conditions.model_fields_set}
        conditions = claim.conditions.model_copy(update=patch)
        out.append(
            ResolvedReading(
                reading.id,
                reading.label,
                conditions,
                reading.basis,
                reading.source_note,
                reading.metric or metric,
                reading.value,
                reading.value_pm if reading.value_pm is not None else _restated_pm(claim, reading.value),
            )
        )
    return out


def _restated_pm(claim: Claim, value: float | None) -> float | None:
    """A reading's figure without its own precision restates the claim's on another basis (6,688 ± 0.5 per card
    is 3,344 ± 0.25 per die): the claim's stated precision, scaled with the figure."""
    p = claim.predicate
    if value is None or p is None or p.value_pm is None or isinstance(p.value, list) or not p.value:
        return None
    return p.value_pm * abs(value / float(p.value))

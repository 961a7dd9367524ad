"""Evidence: every source of numbers turned into one typed :class:`Evidence` record.

Importers (the only part of the verify path that reads files):

* claimbench run bundles — a directory with ``manifest.json``, ``requests.parquet`` and
  ``summary.parquet`` (DESIGN.md), read with :func:`claimbench.measurement.store.read_bundle`; hardware from
  ``manifest["hardware"]["id"]`` (older manifests: the device fingerprint), model from
  ``manifest["model"]["source"]``; a bundle that is not ``complete`` is used and flagged;
* ``vllm bench serve`` result JSON (``--save-result``; several objects appended one per line
  with ``--append-result`` become the load levels of one record);
* GuideLLM JSON reports (``benchmarks.json``: ``{"config": …, "benchmarks": [...]}``);
* AIPerf profile exports, SemiAnalysis InferenceX per-point JSON and MLPerf Inference result
  tables (:mod:`claimbench.load.peers`);
* published results in ``data/reference/*.yaml``.

A file that does not parse is named and skipped (an :class:`EvidenceImportError`), never trusted.

Metric names follow DESIGN.md. Peers' definitions are mapped to ours where they coincide and kept
apart where they do not: GuideLLM's ``inter_token_latency_ms`` is (last − first token)/(n − 1) per
request, i.e. our TPOT; GuideLLM's own ``time_per_output_token_ms`` includes the first token and
is not used as TPOT. vLLM's ``mean_tpot_ms`` is our TPOT (first token excluded); vLLM reports 0,
not null, when nothing was measured, so an all-failed vLLM result has its latencies set to null.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from claimbench.schema.base import Strict
from claimbench.schema.claims import (
    Basis,
    Deployment,
    LatencyStat,
    Phase,
    PowerBasis,
    PriceBasis,
    Publication,
    Scenario,
    SloBound,
    Speculative,
)
from claimbench.schema.provenance import Provenance

__all__ = [
    "Evidence",
    "EvidenceConditions",
    "EvidenceRatio",
    "EvidenceImportError",
    "LoadPoint",
    "OperatingPoint",
    "RequestSamples",
    "check_point_physics",
]

OperatingPoint = Literal["max-throughput", "latency-limited", "fixed-load", "production"]
"""How a load point was taken: the system's maximum throughput (``max-throughput``), the best
throughput under a latency limit (``latency-limited``: an SLA tier or interactivity target, see
``tpot_limit_ms``), one fixed load level (``fixed-load``: a concurrency or request rate), or a
production average (``production``). Only a ``max-throughput`` point is the maximum a no-SLO claim
speaks of; every other point is a lower bound of it."""

EvidenceKind = Literal[
    "run_bundle", "vllm_bench", "guidellm", "aiperf", "inferencex", "mlperf", "reference", "coverage"
]
MEASURED_KINDS = ("run_bundle", "vllm_bench", "guidellm", "aiperf")

_LAT = ("ttft", "tpot", "itl", "e2el")
_STATS = ("mean", "p50", "p90", "p99")


class RequestSamples(Strict):
    """Per-request values of one load level, for bootstrap intervals.

    Throughput replicates resample requests with replacement; see :mod:`claimbench.judge.verdict`
    (with ``e2el_ms`` the replicate is the level's throughput scaled by the resampled tokens per
    second of request time; without it, resampled output tokens over the fixed ``wall_s``).
    """

    output_tokens: list[int]
    tpot_ms: list[float | None]
    ttft_ms: list[float | None]
    wall_s: float = Field(gt=0)
    e2el_ms: list[float | None] | None = None


class LoadPoint(Strict):
    """One load level (or one published operating point). Missing measurements are null."""

    level: str | None = None
    concurrency: float | None = None
    request_rate: float | None = None
    batch_per_unit: float | None = Field(default=None, description="batch per basis unit")
    n_ok: int | None = None
    n_failed: int | None = None
    duration_s: float | None = None
    request_per_s: float | None = None
    output_tok_per_s: float | None = None
    input_tok_per_s: float | None = None
    total_tok_per_s: float | None = None
    goodput_req_per_s: float | None = None
    ttft_mean_ms: float | None = None
    ttft_p50_ms: float | None = None
    ttft_p90_ms: float | None = None
    ttft_p99_ms: float | None = None
    tpot_mean_ms: float | None = None
    tpot_p50_ms: float | None = None
    tpot_p90_ms: float | None = None
    tpot_p99_ms: float | None = None
    itl_mean_ms: float | None = None
    itl_p50_ms: float | None = None
    itl_p90_ms: float | None = None
    itl_p99_ms: float | None = None
    e2el_mean_ms: float | None = None
    e2el_p50_ms: float | None = None
    e2el_p90_ms: float | None = None
    e2el_p99_ms: float | None = None
    samples: RequestSamples | None = None
    fidelity_identical_token_rate: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="share of output tokens identical to a greedy reference run of the same weights (measure --fidelity)",
    )
    fidelity_below_threshold: bool | None = Field(
        default=None,
        description="the run's fidelity fell below its stated threshold: a speed bought with changed outputs",
    )
    tpot_limit_ms: float | None = Field(
        default=None,
        gt=0,
        description="the TPOT ceiling the point was taken under (an SLA tier, or 1000 / an interactivity "
        "target), when that is what the source gives instead of a measured TPOT",
    )
    tpot_limit_stat: LatencyStat | None = Field(
        default=None,
        description="the statistic the TPOT ceiling bounds (MLPerf: p99); null = the source does not say",
    )
    ttft_limit_ms: float | None = Field(
        default=None, gt=0, description="the TTFT ceiling the point was taken under (e.g. an MLPerf scenario's limit)"
    )
    ttft_limit_stat: LatencyStat | None = Field(
        default=None, description="the statistic the TTFT ceiling bounds; null = the source does not say"
    )
    operating_point: OperatingPoint | None = Field(
        default=None, description="how the point was taken (null for measured levels: a fixed load)"
    )
    throughput_pm: float | None = Field(
        default=None,
        ge=0,
        description="stated precision of the published throughput figures on this point, as ± absolute "
        "on the record's basis (half the last stated digit: 14.8k -> 50)",
    )
    power_w_per_package: float | None = Field(
        default=None,
        ge=0,
        description="measured mean power of one accelerator package over the level (W), when the source measured it",
    )
    output_tok_per_j: float | None = Field(
        default=None,
        gt=0,
        description="output tokens per joule the source states for this point (tok/s per MW / 1e6), on ``power_basis``",
    )
    power_basis: PowerBasis | None = Field(
        default=None, description="whose power ``output_tok_per_j`` divides by: chip, system or facility"
    )
    usd_per_mtok: float | None = Field(
        default=None,
        gt=0,
        description="cost per million output tokens the source states for this point (a price or a cost model: "
        "the record's provenance says whose); decides a usd_per_mtok claim without a price registry",
    )
    price_basis: PriceBasis | None = Field(
        default=None, description="what ``usd_per_mtok`` rests on: accelerator-hour, system-hour or tco"
    )
    note: str | None = None

    @model_validator(mode="after")
    def _finite_non_negative(self) -> LoadPoint:
        for name, v in self.__dict__.items():  # the fields' values (model_fields via the class is slow)
            if isinstance(v, float | int) and not isinstance(v, bool):
                if math.isnan(v) or (math.isinf(v) and name != "request_rate"):  # rate inf = all at once
                    raise ValueError(f"{name}: {v} is not a finite number")
                if v < 0:
                    raise ValueError(f"{name}: {v:g} is negative")
        return self


def check_point_physics(point: LoadPoint, slack_rel: float = 0.02) -> str | None:
    """Why a point's output throughput is above its own physical bound, or None.

    A point that states its batch per unit and its mean TPOT cannot produce more than
    batch × 1000 / TPOT output tok/s per unit (every sequence emits one token per TPOT on
    average, speculative decoding included, since TPOT is per output token). ``slack_rel`` (2 %)
    absorbs the rounding of published figures.
    """
    b, t, thr = point.batch_per_unit, point.tpot_mean_ms, point.output_tok_per_s
    if b is None or t is None or thr is None or t <= 0:
        return None
    cap = b * 1000.0 / t
    if thr > cap * (1.0 + slack_rel):
        return (
            f"output_tok_per_s {thr:g} exceeds its own bound batch_per_unit x 1000 / tpot_mean_ms = "
            f"{b:g} x 1000 / {t:g} = {cap:.1f} (a TPOT ceiling recorded as a mean? use tpot_limit_ms)"
        )
    return None


class EvidenceConditions(Strict):
    """Conditions a result was obtained under; every field is required, null = not stated."""

    hardware: str | None
    model: str | None
    precision: str | None
    input_len: int | None
    output_len: int | None
    speculative: Speculative | Literal["none"] | None
    phase: Phase | None
    deployment: Deployment | None = Field(
        default=None, description="scale and shape of the serving (devices, batch, EP); null = not stated"
    )
    scenario: Scenario | None = Field(default=None, description="the MLPerf Inference scenario; null = not one")


RatioMetric = Literal[
    "output_tok_per_s", "total_tok_per_s", "input_tok_per_s", "output_tok_per_j", "output_tok_per_usd", "usd_per_mtok"
]


class EvidenceRatio(Strict):
    """A figure stated as a ratio: "0.9x of system X at conditions C" — the record's system (its
    ``conditions.hardware``) over ``baseline_hardware``, both under the record's conditions and ``slo``.

    ``kind`` says what the stated ratio is (a point, or a bound: "at least 2x" is a lower bound);
    ``value_pm`` its stated precision. A ratio record decides a ratio claim only like with like: the same
    metric, the same two chips, the same conditions and latency bound (:mod:`claimbench.judge.verdict.ratio_evidence`)."""

    baseline_hardware: str
    metric: RatioMetric
    value: float = Field(gt=0, allow_inf_nan=False)
    kind: Literal["point", "lower_bound", "upper_bound"] = "point"
    value_pm: float | None = Field(default=None, ge=0)
    slo: list[SloBound] | None = Field(default=None, description="the latency bound both sides were taken at")
    note: str | None = None


class Evidence(Strict):
    """One body of evidence: conditions, per-unit basis and one or more load points.

    Throughput values are per ``basis``; for ``node``/``system`` basis ``packages`` says how many
    accelerator packages the value spans (needed to convert to per card).
    """

    id: str
    kind: EvidenceKind
    path: str | None
    title: str | None = None
    source: Publication | None = None
    secondary: bool
    reported_by: str | None
    derived: bool = Field(description="numbers are our arithmetic on published figures")
    status: str | None = Field(
        default=None,
        description="run status of a measured record ('complete', 'incomplete', 'interrupted'); "
        "anything but 'complete' is still used, and flagged in the verdict",
    )
    conditions: EvidenceConditions
    basis: Basis
    packages: int | None = Field(ge=1)
    points: list[LoadPoint] = Field(default_factory=list)
    models_supported: list[str] | None = None
    platform_hardware: list[str] | None = None
    notes: list[str] = Field(default_factory=list)
    provenance: Provenance | None = Field(
        default=None, description="who published the figures, in which document, and how they came to be"
    )
    ratio: EvidenceRatio | None = Field(
        default=None, description="the record states a ratio to another system rather than absolute figures"
    )

    @property
    def measured(self) -> bool:
        """Whether this evidence was measured (a bundle or a peer tool's run), not published."""
        return self.kind in MEASURED_KINDS


@dataclass(frozen=True)
class EvidenceImportError:
    """A peer file or bundle that could not be imported: skipped, never trusted."""

    path: Path
    message: str

"""Evidence: every source of numbers turned into one typed :class:`Evidence` record.

Importers (the only part of the verify path that reads files):

* claimbench run bundles — a directory with ``manifest.json``, ``requests.parquet`` and
  ``summary.parquet`` (DESIGN.md), read with :func:`claimbench.store.read_bundle`; hardware from
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

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from claimbench.schema.base import Strict
from claimbench.schema.claims import Basis, Phase, Source, Speculative

__all__ = ["Evidence", "EvidenceConditions", "EvidenceImportError", "LoadPoint", "RequestSamples"]

EvidenceKind = Literal[
    "run_bundle", "vllm_bench", "guidellm", "aiperf", "inferencex", "mlperf", "reference", "coverage"
]
MEASURED_KINDS = ("run_bundle", "vllm_bench", "guidellm", "aiperf")

_LAT = ("ttft", "tpot", "itl", "e2el")
_STATS = ("mean", "p50", "p90", "p99")


class RequestSamples(Strict):
    """Per-request values of one load level, for bootstrap intervals.

    Throughput replicates resample requests with replacement; see :mod:`claimbench.verdict`
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
    note: str | None = None


class EvidenceConditions(Strict):
    """Conditions a result was obtained under; every field is required, null = not stated."""

    hardware: str | None
    model: str | None
    precision: str | None
    input_len: int | None
    output_len: int | None
    speculative: Speculative | Literal["none"] | None
    phase: Phase | None


class Evidence(Strict):
    """One body of evidence: conditions, per-unit basis and one or more load points.

    Throughput values are per ``basis``; for ``node``/``system`` basis ``packages`` says how many
    accelerator packages the value spans (needed to convert to per card).
    """

    id: str
    kind: EvidenceKind
    path: str | None
    title: str | None = None
    source: Source | None = None
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

    @property
    def measured(self) -> bool:
        return self.kind in MEASURED_KINDS


@dataclass(frozen=True)
class EvidenceImportError:
    """A peer file or bundle that could not be imported: skipped, never trusted."""

    path: Path
    message: str

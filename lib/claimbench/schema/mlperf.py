"""MLPerf Inference rules as data (``data/mlperf/rules.yaml``): latency limits, data sets, accuracy targets."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from claimbench.schema.base import Strict

__all__ = ["BenchmarkRules", "LatencyLimits", "MlperfRules", "RulesSource"]


class LatencyLimits(Strict):
    """The p99 TTFT and TPOT a Server or Interactive run must meet, and where that is written."""

    ttft_p99_ms: float = Field(gt=0)
    tpot_p99_ms: float = Field(gt=0)
    source: str


class BenchmarkRules(Strict):
    """One LLM benchmark: its model, data set, accuracy targets and scenario limits."""

    model: str
    accuracy_targets: list[float]
    dataset: str
    dataset_source: str
    samples: int = Field(ge=1)
    samples_source: str
    reference_output_tokens_per_sample: Optional[float] = Field(default=None, gt=0)
    input_tokens_mean: Optional[float] = Field(default=None, gt=0)
    accuracy: dict[str, float]
    accuracy_source: str
    notes: list[str] = Field(default_factory=list)
    scenarios: dict[Literal["Server", "Interactive"], LatencyLimits]


class RulesSource(Strict):
    """The repository and commit every figure of the rules file was read from."""

    repo: str
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    retrieved: str


class MlperfRules(Strict):
    """The whole rules file."""

    schema_: int = Field(alias="schema")
    source: RulesSource
    latency_percentile: float
    latency_percentile_source: str
    benchmarks: dict[str, BenchmarkRules]

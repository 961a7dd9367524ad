"""MLPerf Inference rules as data (``data/mlperf/rules.yaml``): latency limits, data sets, accuracy targets."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from claimbench.schema.base import Strict

__all__ = ["BenchmarkRules", "LatencyLimits", "MlperfRounds", "MlperfRules", "RoundDate", "RulesSource"]


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


class RoundDate(Strict):
    """When one round's results were published: a sourced date, or null with what bounds it."""

    published: Optional[str] = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    source: Optional[str] = None
    retrieved: Optional[str] = None
    note: Optional[str] = None
    published_after: Optional[str] = Field(default=None, description="the round this one follows (published later)")
    published_by: Optional[str] = Field(
        default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="a date its results are known to have existed by"
    )


class MlperfRounds(Strict):
    """``data/mlperf/rounds.yaml``: each round's publication date, with its source."""

    schema_: int = Field(alias="schema")
    rounds: dict[str, RoundDate]

    def published(self, rnd: str) -> str | None:
        """The round's publication date as a date or a range ``A..B`` (ISO-like), or None when nothing bounds it.

        A round without a sourced date is bounded by the round it follows (the day after that one's date) and
        ``published_by``; one bound missing leaves it unbounded (None)."""
        r = self.rounds.get(rnd)
        if r is None:
            return None
        if r.published is not None:
            return r.published
        prev = self.rounds.get(r.published_after or "")
        if prev is None or prev.published is None or r.published_by is None:
            return None
        return f"{prev.published}<..{r.published_by}"


DIVISIONS = ("closed", "open", "network")


def record_id(rnd: str, division: str, submitter: str, platform: str, benchmark: str, used: str, scenario: str) -> str:
    """The MLPerf library's record id, ``mlperf:<round>:<division>:<submitter>:<system>:<benchmark>[:<model
    run>]:<scenario>`` (spaces as ``_``); ``used`` is the model run when it is not the benchmark's, else empty."""
    used_part = f":{used}" if used else ""
    return f"mlperf:{rnd}:{division}:{submitter}:{platform}:{benchmark}{used_part}:{scenario}".replace(" ", "_")


def round_and_division(rid: str) -> tuple[str, str] | None:
    """The round and division a library record id (:func:`record_id`) names, or None for any other id."""
    parts = rid.split(":")
    if len(parts) < 3 or parts[0] != "mlperf" or parts[2] not in DIVISIONS:
        return None
    return parts[1], parts[2]

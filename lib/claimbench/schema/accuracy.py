"""Accuracy parity as a claim condition: "3x the throughput of H100 at equal accuracy", "within 1 %
of the FP16 baseline's accuracy" (typed record, no I/O).

The condition is optional (``conditions.accuracy_parity``; claim files written before it still load).
How evidence is matched against it is :mod:`claimbench.judge.verdict.accuracy`.
"""

from __future__ import annotations

from pydantic import Field

from claimbench.schema.base import Strict

__all__ = ["AccuracyParity", "IDENTICAL_TOKEN_RATE"]

IDENTICAL_TOKEN_RATE = "identical_token_rate"
"""The parity metric that accepts a measured run's fidelity (share of output tokens identical to a
greedy reference of the same weights, ``measure --fidelity``) as the accuracy figure itself."""


class AccuracyParity(Strict):
    """The figure holds only at an accuracy within ``max_drop_rel`` of a baseline's.

    ``max_drop_rel`` is the relative shortfall allowed: 0.01 for "within 1 % of the FP16 baseline",
    0 for "at equal accuracy" taken literally (a claim file that reads "equal" as MLPerf's 99 % target
    says so under ``assumed``). ``metric`` null: the accuracy the evidence states against its own
    reference (MLPerf: every metric of the benchmark); ``identical_token_rate``: a measured run's fidelity."""

    baseline: str = Field(min_length=1, description="what the accuracy is compared with, as the source says")
    max_drop_rel: float = Field(ge=0, lt=1, allow_inf_nan=False, description="allowed relative shortfall")
    metric: str | None = Field(default=None, description="the accuracy metric the source names; null = any stated")
    note: str | None = None

    @property
    def required_ratio(self) -> float:
        """The least accuracy / baseline accuracy that meets the condition (1 − ``max_drop_rel``)."""
        return 1.0 - self.max_drop_rel

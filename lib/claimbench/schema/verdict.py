"""The typed verdict record: what ``claimbench verify`` writes to ``verdicts.json`` and what reports read.

One :class:`ClaimVerdicts` per claim: the claim's id, title, quote and source, the reading as worded at
top level, and every reading (as worded first) under ``readings``. Field names are the JSON keys
(:func:`claimbench.report.verdicts.verdicts_json` builds them; :func:`claimbench.load.verdicts.read_verdicts`
reads them back: a file that does not validate is an error, never "no verdicts").
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from claimbench.schema.base import Strict

__all__ = [
    "VERDICT_SCHEMA_VERSION",
    "BoundRecord",
    "ClaimVerdicts",
    "ConditionRecord",
    "EvidenceUseRecord",
    "ReadingVerdict",
    "SetAsideRecord",
    "SpreadRecord",
    "FrontierPointRecord",
    "RegionRecord",
    "RegionReadingRecord",
]

VERDICT_SCHEMA_VERSION = 1

VerdictClassName = Literal["SUPPORTED", "REFUTED", "INCONCLUSIVE", "NOT-COMPARABLE", "IMPLAUSIBLE", "UNVERIFIABLE"]
CorroborationName = Literal["unattributed", "self-reported", "independent", "peer-reviewed", "measured-here"]


class EvidenceUseRecord(Strict):
    """One evidence record as used by a reading."""

    evidence_id: str
    kind: str
    source: str | None
    secondary: bool
    derived: bool
    reported_by: str | None
    observed: float | None
    outcome: str | None
    interval: list[float] | None
    read: str | None
    read_kind: str | None
    bracket: list[str] | None
    conversion: str | None
    reasons_not_comparable: list[str]
    notes: list[str]
    corroboration: CorroborationName | None
    caveats: list[str]


class SetAsideRecord(Strict):
    """A record set aside, with why."""

    evidence_id: str
    reasons: list[str]


class ConditionRecord(Strict):
    """One condition compared between the claim and the deciding evidence."""

    condition: str
    claim: str | None
    evidence: str | None
    status: str
    binding: bool
    note: str | None


class BoundRecord(Strict):
    """The physical bound the reading was checked against."""

    max_value: float | None
    basis: str
    binding_roof: str
    explanation: str


class SpreadRecord(Strict):
    """One comparable record decided on its own."""

    evidence_id: str
    observed: float
    kind: str
    outcome: str
    corroboration: CorroborationName | None
    best_matched: bool


class FrontierPointRecord(Strict):
    """One frontier point of a region reading: interactivity (tok/s/user) and throughput on the reading's basis."""

    side: Literal["claimant", "baseline"]
    evidence_id: str
    interactivity_tok_s_user: float
    value: float
    kind: str
    level: str | None


class RegionRecord(Strict):
    """One region of the interactivity axis with its class (or NOT-MEASURED), the claim ratio at its ends and
    that ratio's worst-case interval at the points' stated precision (an unbounded end is null)."""

    low_tok_s_user: float
    high_tok_s_user: float
    verdict: str
    ratio_low: float | None
    ratio_high: float | None
    ratio_interval: list[float | None] | None = None
    kind: str


class RegionReadingRecord(Strict):
    """A per-region reading (:mod:`claimbench.judge.verdict.region`): regions, crossovers, share supporting."""

    numerator: str
    denominator: str
    scope_tok_s_user: list[float]
    overlap_tok_s_user: list[float] | None
    regions: list[RegionRecord]
    crossovers_tok_s_user: list[float]
    crossover_intervals_tok_s_user: list[list[float]] = Field(default_factory=list)
    """Per crossover, [low, high] of interactivity where the ratio's interval straddles the threshold."""
    supported_share: float | None
    refuted_share: float | None
    frontier: list[FrontierPointRecord]


class ReadingVerdict(Strict):
    """The verdict on one reading of a claim."""

    reading: str
    reading_label: str
    predicate: str
    verdict: VerdictClassName
    claimed: float | None
    observed: float | None
    unit: str | None
    basis: str | None
    margin_rel: float | None
    interval: list[float] | None
    interval_method: str | None
    read_method: str | None
    evidence_used: list[EvidenceUseRecord]
    evidence_set_aside: list[SetAsideRecord]
    conditions_compared: list[ConditionRecord]
    bound: BoundRecord | None
    notes: list[str]
    corroboration: CorroborationName | None
    claimant: str | None
    what_would_decide: list[str]
    decide_command: str | None
    differences: list[str]
    assumed: list[str]
    unknown: list[str]
    caveats: list[str]
    indicative: float | None
    spread: list[SpreadRecord] = Field(default_factory=list)
    regions: RegionReadingRecord | None = None
    why: str


class ClaimVerdicts(ReadingVerdict):
    """Per claim: its identity and source, the reading as worded (top level) and every reading."""

    id: str
    title: str
    quote: str
    source: str
    readings: list[ReadingVerdict] = Field(min_length=1)

"""Verdict records and configuration: classes, the records a verdict is made of (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from claimbench.judge.matching import (
    ConditionComparison,
)
from claimbench.schema.claims import ClaimConditions
from claimbench.schema.evidence import Evidence

VerdictClass = Literal["SUPPORTED", "REFUTED", "INCONCLUSIVE", "NOT-COMPARABLE", "IMPLAUSIBLE", "UNVERIFIABLE"]
CLASSES: tuple[str, ...] = (
    "SUPPORTED",
    "REFUTED",
    "INCONCLUSIVE",
    "NOT-COMPARABLE",
    "IMPLAUSIBLE",
    "UNVERIFIABLE",
)
CORROBORATION: tuple[str, ...] = ("unattributed", "self-reported", "independent", "peer-reviewed", "measured-here")
"""Weakest first: a file of unknown producer; the claimant's own publications; another organisation's;
another organisation's peer-reviewed submission; our own run bundles (:mod:`claimbench.judge.verdict.corroboration`)."""

Bridge = Callable[[ClaimConditions, Evidence], "tuple[float, str] | None"]
"""A length bridge: (factor, sentence) that carries an evidence value to the reading's lengths, or
None when it cannot (see :func:`claimbench.judge.plausibility.length_bridge`)."""
BRIDGEABLE = ("input_len", "output_len")

_THROUGHPUT = ("output_tok_per_s", "total_tok_per_s", "input_tok_per_s", "request_per_s", "goodput_req_per_s")
_PER_CARD_DERIVED = ("output_tok_per_j", "output_tok_per_usd", "usd_per_mtok")
_BASIS_FREE = ("tpot_mean_ms", "usd_per_mtok", "output_tok_per_j")
"""Metrics read as stated whatever the record's basis (per token, per joule or per stream: no per-card conversion;
a derived tok/J is read from output_tok_per_s, which converts)."""
FEW_REPEATS = 5


@dataclass(frozen=True)
class VerdictConfig:
    """Interval settings: random seed, bootstrap replicates, confidence, percentile definition."""

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
    kind: str
    """A value kind (:mod:`claimbench.judge.verdict.algebra`): point, interpolated, lower_bound, upper_bound, unknown."""
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
class SpreadEntry:
    """One comparable record decided on its own: its value, kind, outcome and corroboration."""

    evidence_id: str
    observed: float
    kind: str
    outcome: str
    corroboration: str | None
    best_matched: bool
    interval: tuple[float, float] | None = None
    """The value's own interval (its stated precision or bootstrap; a ratio's from its two sides' extremes)."""


@dataclass(frozen=True)
class FrontierPoint:
    """One point of a frontier: interactivity (tok/s/user) and the throughput there, on the reading's basis."""

    side: str
    """``claimant`` or ``baseline``."""
    evidence_id: str
    interactivity: float
    value: float
    kind: str
    level: str | None
    pm: float = 0.0
    """The value's stated precision (± on the reading's basis; 0 when none is stated)."""


@dataclass(frozen=True)
class RegionSpan:
    """One region of the interactivity axis with a single class (:mod:`claimbench.judge.verdict.region`).

    ``verdict`` is a class, or ``NOT-MEASURED`` where only one frontier (or neither) was measured; the
    ratio (the claimant's metric over the baseline's) runs from ``ratio_low`` to ``ratio_high`` over the span
    (null where not measured), and its worst-case interval at the points' stated precision from
    ``interval_low`` to ``interval_high`` (the same as the ratio where the figures are exact)."""

    low: float
    high: float
    verdict: str
    ratio_low: float | None
    ratio_high: float | None
    kind: str
    interval_low: float | None = None
    interval_high: float | None = None


@dataclass(frozen=True)
class RegionReading:
    """A per-region reading: the two frontiers, the regions, the crossovers and the share supporting."""

    numerator: str
    denominator: str
    threshold: float
    comparator: str
    scope: tuple[float, float]
    overlap: tuple[float, float] | None
    spans: tuple[RegionSpan, ...]
    crossovers: tuple[float, ...]
    supported_share: float | None
    refuted_share: float | None
    frontier: tuple[FrontierPoint, ...]
    crossover_intervals: tuple[tuple[float, float], ...] = ()
    """Per crossover, the interactivity range where the ratio's interval straddles the threshold (low == high:
    the figures' precision does not blur it)."""


@dataclass(frozen=True)
class Verdict:
    """The verdict on one reading of one claim, with everything that explains it."""

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
    spread: tuple[SpreadEntry, ...] = ()
    """Every comparable record decided on its own (:mod:`claimbench.judge.verdict.disagreement`)."""
    regions: RegionReading | None = None
    """The per-region reading of a ``region`` / ``everywhere`` claim (:mod:`claimbench.judge.verdict.region`)."""

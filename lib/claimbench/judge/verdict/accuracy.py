"""Accuracy parity as a condition (pure): is a record's figure one obtained at the accuracy the claim requires?

A claim may hold only "at equal accuracy" or "within 1 % of the FP16 baseline's accuracy"
(``conditions.accuracy_parity``, :class:`claimbench.schema.accuracy.AccuracyParity`). Each comparable
record is then given an *accuracy figure* — the least ratio of its accuracy to the baseline's that the
record establishes — from what it carries:

* an MLPerf Inference **closed-division** result: the benchmark's accuracy target is stated parity.
  Every accuracy metric must reach 99 % (``-99``) or 99.9 % (``-99.9``) of the reference
  implementation's (data/mlperf/rules.yaml, from the submission checker), so the ratio is at least
  0.99 or 0.999; a benchmark named without a suffix has the single target 99 %. The baseline is
  MLPerf's reference model, which is the "FP16 baseline" vendors compare with. An **open-division**
  result states no parity (the division allows another model, data set or accuracy);
* a measured run with fidelity (``measure --fidelity``, per level ``fidelity_identical_token_rate``):
  the lowest rate over its levels. When the claim's parity metric is ``identical_token_rate`` that rate
  is the ratio itself; for any other metric only a rate of 1.0 (every greedy token identical to the
  reference of the same weights, so the same outputs and the same accuracy on those prompts) counts as
  parity — a divergence says the outputs changed, not by how much a task score did;
* anything else carries no accuracy figure.

The record is then **at parity** (figure ≥ 1 − ``max_drop_rel``: read as usual), **below parity**, or of
**unknown** accuracy. What a skeptic signs for the last two — decided here and documented in
docs/workloads.md — rests on one stated assumption: *giving up accuracy (a lower precision, lossy
speculative decoding, changed sampling) does not make a system slower*. Under it, a figure obtained
at or below parity is a one-sided bound of the figure at parity: an **upper** bound of a
higher-is-better metric (throughput, tok/J, tok/$) and a **lower** bound of a latency. The value
algebra (:mod:`claimbench.judge.verdict.algebra`) then does the rest:

* below parity, it **never supports** the claim; if it falls short of the claimed figure even so,
  it **refutes** it (a system that traded accuracy away and still did not reach the figure will not
  reach it at parity); otherwise it decides nothing (INCONCLUSIVE), and the note says why;
* unknown accuracy is the same bound (the record is at parity or below it): it caps the reading at
  INCONCLUSIVE on the supporting side, and the note says what is unknown and what would decide it;
* both rank after every record known to be at parity, so a record at parity decides when one exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from claimbench.judge.verdict.algebra import multiply
from claimbench.judge.verdict.types import ReadOut
from claimbench.schema.accuracy import IDENTICAL_TOKEN_RATE, AccuracyParity
from claimbench.schema.evidence import Evidence

__all__ = [
    "MLPERF_DEFAULT_TARGET_PCT",
    "AccuracyFigure",
    "ParityCheck",
    "accuracy_figure",
    "check_parity",
    "parity_read",
]

MLPERF_DEFAULT_TARGET_PCT = 99.0
"""The accuracy target of an MLPerf LLM benchmark named without a ``-99``/``-99.9`` suffix: every such
benchmark in data/mlperf/rules.yaml has the single target 99 (a unit test keeps the two in step)."""

PARITY_RANK_PENALTY = 10
"""Added to the rank of a record below parity or of unknown accuracy: it ranks after every record at parity."""

_TARGET = re.compile(r"-(99\.9|99)(?=[\s:_]|$)")

Status = Literal["met", "below", "unknown"]


@dataclass(frozen=True)
class AccuracyFigure:
    """The least accuracy / baseline accuracy a record establishes, and how it is known."""

    ratio_min: float
    metric: str
    how: str


@dataclass(frozen=True)
class ParityCheck:
    """A record against the claim's parity condition: met, below or unknown, in one sentence."""

    status: Status
    note: str


def _mlperf_figure(ev: Evidence) -> AccuracyFigure | None:
    """The stated parity of an MLPerf closed-division result (its benchmark's accuracy target), or None."""
    if ev.provenance is None or ev.provenance.origin != "peer-reviewed-submission":
        return None  # the closed division is known from provenance (every MLPerf importer sets it), not from text
    t = _TARGET.search(" ".join([ev.id, ev.title or "", ev.notes[0] if ev.notes else ""]))
    pct = float(t.group(1)) if t else MLPERF_DEFAULT_TARGET_PCT
    return AccuracyFigure(
        pct / 100.0,
        "every MLPerf accuracy metric of the benchmark",
        f"MLPerf closed division: every accuracy metric reaches {pct:g} % of the reference implementation's "
        "(the benchmark's accuracy target, data/mlperf/rules.yaml)",
    )


def _fidelity_figure(ev: Evidence, parity: AccuracyParity) -> AccuracyFigure | None:
    """A measured run's lowest fidelity over its levels, as the parity metric allows it, or None."""
    rates = [p.fidelity_identical_token_rate for p in ev.points if p.fidelity_identical_token_rate is not None]
    if not rates:
        return None
    rate = min(rates)
    how = f"measured fidelity: {rate:.4g} of output tokens identical to the greedy reference (lowest level)"
    if parity.metric == IDENTICAL_TOKEN_RATE:
        return AccuracyFigure(rate, IDENTICAL_TOKEN_RATE, how)
    if rate >= 1.0:
        return AccuracyFigure(1.0, "identical outputs", how + ": the same outputs, so the same accuracy")
    return None


def accuracy_figure(ev: Evidence, parity: AccuracyParity) -> AccuracyFigure | None:
    """The accuracy figure a record carries for the claim's parity condition, or None (see the module)."""
    if ev.kind == "mlperf":
        return _mlperf_figure(ev)
    return _fidelity_figure(ev, parity)


def _what_would_decide(ev: Evidence) -> str:
    if ev.measured:
        return "a fidelity reference run (claimbench measure --fidelity) or a task-accuracy figure of the same run"
    if ev.kind == "mlperf":
        return "a closed-division result (its accuracy target is stated parity)"
    return "the accuracy of the same configuration against the baseline, published with the figure"


def check_parity(parity: AccuracyParity, ev: Evidence) -> ParityCheck:
    """Whether a record's figure was obtained at the accuracy the claim requires (met / below / unknown)."""
    need = parity.required_ratio
    want = f"accuracy within {parity.max_drop_rel:.3g} of {parity.baseline} (ratio >= {need:.4g})"
    fig = accuracy_figure(ev, parity)
    if fig is None:
        rates = [p.fidelity_identical_token_rate for p in ev.points if p.fidelity_identical_token_rate is not None]
        diverged = f" (its outputs diverge from the reference: identical-token rate {min(rates):.4g})" if rates else ""
        return ParityCheck(
            "unknown",
            f"accuracy unknown: {ev.id} states no accuracy figure for the claim's {want}{diverged}; it can only "
            f"bound the figure at parity (it is at parity or below it); would decide: {_what_would_decide(ev)}",
        )
    if fig.ratio_min >= need:
        return ParityCheck("met", f"accuracy parity met: {fig.how} (ratio >= {fig.ratio_min:.4g}; {want})")
    return ParityCheck(
        "below",
        f"accuracy not shown at parity: {fig.how} (ratio >= {fig.ratio_min:.4g} only; {want}); read as a bound "
        "of the figure at parity: it refutes when it falls short even so, and never supports",
    )


def parity_read(
    parity: AccuracyParity | None, ev: Evidence, metric: str, ro: ReadOut
) -> tuple[ReadOut, int, tuple[str, ...]]:
    """(the read as the parity condition leaves it, rank penalty, notes) for one comparable record.

    At parity (or without a parity condition) the read is unchanged. Otherwise it becomes a one-sided
    bound — an upper bound of a higher-is-better ``metric``, a lower bound of a latency (``*_ms``) —
    combined with the read's own kind (:func:`claimbench.judge.verdict.algebra.multiply`), and the
    record ranks after every record at parity."""
    if parity is None:
        return ro, 0, ()
    check = check_parity(parity, ev)
    if check.status == "met":
        return ro, 0, (check.note,)
    bound = "lower_bound" if metric.endswith("_ms") else "upper_bound"
    kind = multiply(ro.kind, bound)
    word = bound.replace("_", " ")
    return (
        replace(ro, kind=kind, method=f"{ro.method}; accuracy {check.status}: an {word} of the figure at parity"),
        PARITY_RANK_PENALTY,
        (check.note,),
    )

"""Evidence that states the claim's figure itself rather than throughput (pure): a $/Mtok record, a tok/J record
on a stated power basis.

A cost claim (``usd_per_mtok``) is normally derived: an hourly price (data/prices) over the record's
throughput. A record whose points state ``usd_per_mtok`` (a price list, a cost model, with its own
provenance) decides it directly, like with like: when any record the reading could use states the cost, the
reading uses stated costs only (records that state none are set aside: "the evidence reports no
usd_per_mtok"), and no price is needed. $/Mtok is per token, so no basis conversion applies.
Reading it (:mod:`claimbench.judge.verdict.reading`): at the claim's latency bound like a throughput (a
cost read on a tighter statistic is an *upper* bound of the cost at the bound); without a bound the claim
speaks of the cheapest point, and a point not taken at maximum throughput is an upper bound of that.

A cost claim may name its **price basis** (``predicate.price_basis``: accelerator-hour, system-hour, tco): a
stated cost of another basis is not used for it, and a system-hour or TCO claim without a stated cost on
its basis is UNVERIFIABLE, naming that figure — an accelerator-hour list price is not a TCO.

Per-W figures have a **power basis** (``predicate.power_basis``; a point's ``power_basis``): the chip's board
power, the whole system's (node or rack: CPUs, network, cooling) or the facility's (provisioned MW). A point
stating ``output_tok_per_j`` on the claim's power basis decides it directly; one on another basis is set
aside. Without such a point, a chip claim is read per TDP as before; a **system or facility claim is never
decided by a chip's TDP**: tok/s ÷ TDP is an *upper* bound of the system's tok/J only if the system draws at
least the TDP per chip (nothing here states it does), so the reading stays INCONCLUSIVE with that bound shown
(:func:`tdp_never_decides`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimbench.judge.verdict.algebra import decide
from claimbench.judge.verdict.derived import _Transform
from claimbench.judge.verdict.index import near
from claimbench.judge.verdict.types import Verdict
from claimbench.schema.claims import ClaimConditions
from claimbench.schema.evidence import Evidence

__all__ = [
    "STATED_COST",
    "STATED_EFFICIENCY",
    "on_power_basis",
    "on_price_basis",
    "price_basis_missing",
    "states_cost",
    "tdp_never_decides",
]

STATED_COST = _Transform("usd_per_mtok", lambda v: v, False, "", False)
"""Read ``usd_per_mtok`` as the record states it (no price, no basis conversion)."""


def _own(conditions: ClaimConditions, evidence: Sequence[Evidence]) -> list[Evidence]:
    """The records of the reading's chip (all near ones when the reading leaves the chip open)."""
    pool, _ = near(evidence, conditions.hardware, conditions.model)
    hw = conditions.hardware
    return [ev for ev in pool if hw is None or ev.conditions.hardware in (hw, None)]


def states_cost(conditions: ClaimConditions, evidence: Sequence[Evidence], price_basis: str | None = None) -> bool:
    """Whether any record of the reading's chip and model (:func:`near`) states a cost per Mtok (on
    ``price_basis`` when the claim names one; a point of unstated basis counts for any)."""
    return any(
        p.usd_per_mtok is not None and (price_basis is None or p.price_basis in (None, price_basis))
        for ev in _own(conditions, evidence)
        for p in ev.points
    )


def on_price_basis(evidence: Sequence[Evidence], price_basis: str | None) -> Sequence[Evidence]:
    """The records a stated-cost reading may use: all of them, or without those stating a cost on another basis."""
    if price_basis is None:
        return evidence
    return [
        ev for ev in evidence if not any(p.usd_per_mtok and p.price_basis not in (None, price_basis) for p in ev.points)
    ]


def price_basis_missing(metric: str, price_basis: str | None) -> str | None:
    """The missing figure when a cost claim on a system-hour or TCO basis has no stated cost on that basis:
    data/prices holds accelerator-hour list prices, which neither bound nor stand in for it."""
    if metric in ("usd_per_mtok", "output_tok_per_usd") and price_basis in ("system-hour", "tco"):
        return (
            f"a cost on a {price_basis} basis (a stated usd_per_mtok with price_basis {price_basis}); "
            "data/prices holds accelerator-hour list prices only"
        )
    return None


STATED_EFFICIENCY = _Transform("output_tok_per_j", lambda v: v, False, "", False)
"""Read ``output_tok_per_j`` as the record states it on its power basis (no TDP, no basis conversion)."""


def on_power_basis(
    conditions: ClaimConditions, evidence: Sequence[Evidence], power_basis: str
) -> tuple[list[Evidence] | None, list[str]]:
    """(the records a per-W reading on ``power_basis`` may use, notes) when some record states tok/J on that
    basis; (None, notes) when none does. Records stating tok/J on another power basis are left out, and said so."""
    stated = [ev for ev in _own(conditions, evidence) if any(p.output_tok_per_j is not None for p in ev.points)]
    other = [ev.id for ev in stated if any(p.power_basis != power_basis for p in ev.points if p.output_tok_per_j)]
    notes = [f"set aside: tok/J stated on another power basis than {power_basis}: {', '.join(other)}"] if other else []
    keep = [ev for ev in stated if ev.id not in other]
    return (keep or None), notes


def tdp_never_decides(
    v: Verdict, power_basis: str, comparator: str | None = None, tolerance_rel: float | None = None
) -> Verdict:
    """A system or facility per-W reading made from a chip's power: INCONCLUSIVE, with the bound it would be.

    Were the system to draw at least that power per chip, tok/s ÷ chip power would be an *upper* bound of tok/J
    on the system basis whatever kind the chip reading has (a TDP read is a lower bound of the chip's own
    tok/J); the note says what that upper bound would decide."""
    bound = (
        f"a chip's TDP is not {power_basis} power: tok/s ÷ TDP is an upper bound of tok/J on the {power_basis} basis "
        f"only if the {power_basis} draws at least the TDP per chip, which no source here states"
    )
    would = None
    if comparator in (">=", "<=", "approx") and v.claimed is not None and v.observed is not None:
        would = decide(comparator, v.claimed, tolerance_rel, v.observed, "upper_bound", None)
    if would == "REFUTED":
        bound += " (were it so, this reading would be REFUTED)"
    decide_text = (
        f"The {power_basis} power behind the throughput (tok/s per MW of {power_basis} power), with its source."
    )
    verdict = "INCONCLUSIVE" if v.verdict in ("SUPPORTED", "REFUTED", "INCONCLUSIVE") else v.verdict
    return replace(
        v,
        verdict=verdict,  # type: ignore[arg-type]  # one of the classes
        notes=(*v.notes, bound),
        what_would_decide=(decide_text, *v.what_would_decide),
        indicative=v.observed if verdict == "INCONCLUSIVE" and v.observed is not None else v.indicative,
        why=f"Read per chip TDP only: {bound}; {v.why}",
    )

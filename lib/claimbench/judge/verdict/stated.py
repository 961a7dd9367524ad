"""Evidence that states the claim's figure itself rather than throughput (pure): a $/Mtok record.

A cost claim (``usd_per_mtok``) is normally derived: an hourly price (data/prices) over the record's
throughput. A record whose points state ``usd_per_mtok`` (a price list, a cost model, with its own
provenance) decides it directly, like with like: when any record the reading could use states the cost, the
reading uses stated costs only (records that state none are set aside: "the evidence reports no
usd_per_mtok"), and no price is needed. $/Mtok is per token, so no basis conversion applies.
Reading it (:mod:`claimbench.judge.verdict.reading`): at the claim's latency bound like a throughput (a
cost read on a tighter statistic is an *upper* bound of the cost at the bound); without a bound the claim
speaks of the cheapest point, and a point not taken at maximum throughput is an upper bound of that.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimbench.judge.verdict.derived import _Transform
from claimbench.judge.verdict.index import near
from claimbench.schema.claims import ClaimConditions
from claimbench.schema.evidence import Evidence

__all__ = ["STATED_COST", "states_cost"]

STATED_COST = _Transform("usd_per_mtok", lambda v: v, False, "", False)
"""Read ``usd_per_mtok`` as the record states it (no price, no basis conversion)."""


def states_cost(conditions: ClaimConditions, evidence: Sequence[Evidence]) -> bool:
    """Whether any record the reading could use (its chip and model, :func:`near`) states a cost per Mtok."""
    pool, _ = near(evidence, conditions.hardware, conditions.model)
    return any(p.usd_per_mtok is not None for ev in pool for p in ev.points)

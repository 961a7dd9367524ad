"""Each claim against the independent frontier of its model and scenario, by round.

The frontier of a claim is the best figure the evidence library holds for the claim's model at a
latency point the claim's own bound admits, per chip and per round (so a chip's progress across
software releases shows), in every normalized form: per accelerator package, per die, per TB/s
of HBM, per W of TDP and per USD (lowest listed hourly price). A Server or Interactive result
counts for a claim whose TPOT bound is at least the result's own limit (it is a lower bound of
what the chip does there); a claim with no latency bound admits every scenario.

Pure: takes typed records, returns a polars frame; no files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence
from claimbench.schema.hardware import HardwareSpec

__all__ = ["FORMS", "FRONTIER_COLUMNS", "claim_frontier"]

FORMS = ("per_accelerator", "per_die", "per_hbm_tb_per_s", "per_watt_tdp", "per_usd")
FRONTIER_COLUMNS = {
    "claim_id": pl.String,
    "model": pl.String,
    "claim_tpot_ms": pl.Float64,
    "round": pl.String,
    "hardware": pl.String,
    "form": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "evidence_id": pl.String,
    "scenario": pl.String,
    "publisher": pl.String,
    "origin": pl.String,
    "claimed": pl.Float64,
    "claim_hardware": pl.String,
}
_UNITS = {
    "per_accelerator": "tok/s per accelerator",
    "per_die": "tok/s per die",
    "per_hbm_tb_per_s": "tok/s per HBM TB/s",
    "per_watt_tdp": "tok/J at TDP",
    "per_usd": "tokens per USD",
}


def _claim_tpot(claim: Claim) -> float | None:
    """The claim's TPOT bound in ms (the tightest one it states), None without one."""
    bounds = [b.max_ms for b in (claim.conditions.slo or []) if b.metric == "tpot"]
    return min(bounds) if bounds else None


def _admits(point_tpot_limit: float | None, operating_point: str | None, claim_tpot: float | None) -> bool:
    if claim_tpot is None:
        return True
    if operating_point == "max-throughput" or point_tpot_limit is None:
        return False  # no latency bound: says nothing at the claim's bound
    return point_tpot_limit <= claim_tpot


def _per_accelerator(ev: Evidence, value: float) -> float | None:
    if ev.basis == "card":
        return value
    if ev.basis == "system" and ev.packages:
        return value / ev.packages
    return None


def _forms(per_acc: float, hw: HardwareSpec | None, price: float | None) -> dict[str, float | None]:
    def div(x: float | None) -> float | None:
        return per_acc / x if x else None

    return {
        "per_accelerator": per_acc,
        "per_die": div(hw.dies_per_package) if hw else None,
        "per_hbm_tb_per_s": div(hw.hbm_tb_per_s) if hw else None,
        "per_watt_tdp": div(hw.tdp_w) if hw else None,
        "per_usd": per_acc * 3600.0 / price if price else None,
    }


def _claimed_per_card(claim: Claim) -> float | None:
    p = claim.predicate
    if p is None or p.metric != "output_tok_per_s" or p.ratio_to is not None or p.basis != "card":
        return None
    return float(p.value) if isinstance(p.value, int | float) else None


def _candidates(claim: Claim, evidence: Sequence[Evidence]) -> list[tuple[Evidence, Any]]:
    tpot = _claim_tpot(claim)
    out = []
    for ev in evidence:
        if ev.kind != "mlperf" or ev.conditions.model != claim.conditions.model or ev.conditions.hardware is None:
            continue
        for pt in ev.points:
            if pt.output_tok_per_s is not None and _admits(pt.tpot_limit_ms, pt.operating_point, tpot):
                out.append((ev, pt))
    return out


def claim_frontier(
    claims: Sequence[Claim],
    evidence: Sequence[Evidence],
    hardware: Mapping[str, HardwareSpec],
    prices: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """Per claim, round, chip and form: the best library figure at a latency point the claim admits."""
    prices = prices or {}
    best: dict[tuple, dict[str, Any]] = {}
    for claim in claims:
        if claim.conditions.model is None:
            continue
        claimed = _claimed_per_card(claim)
        for ev, pt in _candidates(claim, evidence):
            per_acc = _per_accelerator(ev, pt.output_tok_per_s)
            if per_acc is None:
                continue
            hw_id = ev.conditions.hardware
            if hw_id is None:
                continue
            rnd = str(ev.source.date) if ev.source else None
            for form, value in _forms(per_acc, hardware.get(hw_id), prices.get(hw_id)).items():
                key = (claim.id, rnd, hw_id, form)
                if value is None or (key in best and best[key]["value"] >= value):
                    continue
                best[key] = {
                    "claim_id": claim.id,
                    "model": claim.conditions.model,
                    "claim_tpot_ms": _claim_tpot(claim),
                    "round": rnd,
                    "hardware": hw_id,
                    "form": form,
                    "value": value,
                    "unit": _UNITS[form],
                    "evidence_id": ev.id,
                    "scenario": pt.level,
                    "publisher": ev.provenance.publisher if ev.provenance else ev.reported_by,
                    "origin": ev.provenance.origin if ev.provenance else None,
                    "claimed": claimed if form == "per_accelerator" else None,
                    "claim_hardware": claim.conditions.hardware,
                }
    if not best:
        return pl.DataFrame(schema=FRONTIER_COLUMNS)
    frame = pl.DataFrame(list(best.values()), schema=FRONTIER_COLUMNS, orient="row")
    return frame.sort("claim_id", "form", "round", "value", descending=[False, False, False, True])

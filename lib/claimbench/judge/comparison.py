"""Put measured runs and published results on a common footing (pure).

For each piece of evidence with a throughput, take its best output tok/s (optionally only levels
meeting a TPOT bound), then every normalized form of it (:func:`claimbench.judge.normalize.normalize`):
per card, die, node, dense TFLOP, HBM TB/s, W, $/h. Each row keeps the evidence's own basis and
the arithmetic that converted it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from claimbench.errors import UserError

COLUMNS = {
    "evidence_id": pl.String,
    "label": pl.String,
    "hardware": pl.String,
    "precision": pl.String,
    "source_basis": pl.String,
    "operating_point": pl.String,
    "form": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "explanation": pl.String,
    "reason": pl.String,
}


def point_tpot_ms(point) -> float | None:
    """The TPOT a point states: its median, else its mean (published results often give only one)."""
    return point.tpot_p50_ms if point.tpot_p50_ms is not None else point.tpot_mean_ms


def best_point(evidence, max_tpot_ms: float | None = None):
    """The load point with the highest output tok/s; with ``max_tpot_ms``, among points whose stated
    TPOT is within it (2 % tolerance) or that state none (their label says 'TPOT not stated')."""
    pts = [p for p in evidence.points if p.output_tok_per_s is not None]
    if max_tpot_ms is not None:
        pts = [p for p in pts if point_tpot_ms(p) is None or point_tpot_ms(p) <= max_tpot_ms * 1.02]
    return max(pts, key=lambda p: p.output_tok_per_s, default=None)


def comparison_frame(
    evidence: Sequence,
    hardware: Mapping,
    max_tpot_ms: float | None = None,
    forms: Sequence[str] = (
        "per_card",
        "per_die",
        "per_dense_tflop",
        "per_hbm_tb_per_s",
        "per_watt_tdp",
        "per_usd_hour",
    ),
    prices=None,
) -> pl.DataFrame:
    """One row per (evidence, normalized form); evidence without hardware or throughput is skipped."""
    from claimbench.judge.normalize import normalize

    rows = []
    for ev in evidence:
        hw = hardware.get(ev.conditions.hardware) if ev.conditions.hardware else None
        point = best_point(ev, max_tpot_ms)
        if hw is None or point is None or ev.basis not in ("card", "die", "node", "system"):
            continue
        dtype = ev.conditions.precision
        try:
            frame = normalize(
                point.output_tok_per_s,
                ev.basis,
                hw,
                dtype,
                packages_per_node=ev.packages if ev.basis == "node" else None,
                packages_in_system=ev.packages if ev.basis == "system" else None,
                prices=prices,
            )
        except UserError:
            frame = normalize(
                point.output_tok_per_s,
                ev.basis,
                hw,
                None,
                packages_per_node=ev.packages if ev.basis == "node" else None,
                packages_in_system=ev.packages if ev.basis == "system" else None,
                prices=prices,
            )
        op = ", ".join(
            x
            for x in (
                f"level {point.level}" if point.level else None,
                f"TPOT {point_tpot_ms(point):.1f} ms" if point_tpot_ms(point) is not None else "TPOT not stated",
                f"conc {point.concurrency:g}" if point.concurrency is not None else None,
            )
            if x
        )
        label = f"{ev.id} [{dtype or 'dtype ?'}, per {ev.basis}]"
        for r in frame.filter(pl.col("form").is_in(list(forms))).iter_rows(named=True):
            rows.append(
                {
                    "evidence_id": ev.id,
                    "label": label,
                    "hardware": hw.id,
                    "precision": dtype,
                    "source_basis": ev.basis,
                    "operating_point": op or None,
                    "form": r["form"],
                    "value": r["value"],
                    "unit": r["unit"],
                    "explanation": r["explanation"] or None,
                    "reason": r["reason"],
                }
            )
    return pl.DataFrame(rows, schema=COLUMNS, orient="row") if rows else pl.DataFrame(schema=COLUMNS)

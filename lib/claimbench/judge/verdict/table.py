"""The verdict table (polars), one row per (claim, reading)."""

from __future__ import annotations

from collections.abc import Sequence

from claimbench.judge.verdict.types import (
    Verdict,
)


def verdict_table(verdicts: Sequence[Verdict]):
    """A polars frame, one row per (claim, reading)."""
    import polars as pl

    rows = []
    for v in verdicts:
        rows.append(
            {
                "claim_id": v.claim_id,
                "reading": v.reading_id,
                "verdict": v.verdict,
                "predicate": v.predicate,
                "claimed": v.claimed,
                "observed": v.observed,
                "margin_rel": v.margin_rel,
                "ci_low": v.interval[0] if v.interval else None,
                "ci_high": v.interval[1] if v.interval else None,
                "ci_method": v.interval_method,
                "unit": v.unit,
                "basis": v.basis,
                "read_method": v.read_method,
                "evidence_used": ", ".join(u.evidence_id for u in v.evidence_used),
                "n_set_aside": len(v.evidence_set_aside),
                "bound_max": v.bound.max_value if v.bound else None,
                "bound_basis": v.bound.basis if v.bound and v.bound.max_value is not None else None,
                "bound_roof": v.bound.binding_roof if v.bound and v.bound.max_value is not None else None,
                "corroboration": v.corroboration,
                "why": v.why,
                "what_would_decide": " | ".join(v.what_would_decide),
                "decide_command": v.decide_command,
                "indicative": v.indicative,
                "notes": " | ".join(n for n in v.notes if n),
            }
        )
    schema = {
        "claim_id": pl.String,
        "reading": pl.String,
        "verdict": pl.String,
        "predicate": pl.String,
        "claimed": pl.Float64,
        "observed": pl.Float64,
        "margin_rel": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "ci_method": pl.String,
        "unit": pl.String,
        "basis": pl.String,
        "read_method": pl.String,
        "evidence_used": pl.String,
        "n_set_aside": pl.Int64,
        "bound_max": pl.Float64,
        "bound_basis": pl.String,
        "bound_roof": pl.String,
        "corroboration": pl.String,
        "why": pl.String,
        "what_would_decide": pl.String,
        "decide_command": pl.String,
        "indicative": pl.Float64,
        "notes": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)

"""Analysis of measured sweeps (pure: polars frames in, frames and typed records out).

- :func:`frontier`: throughput vs interactivity per level, the curve a latency-bounded claim is
  read from.
- :func:`max_throughput_at_slo`: output tok/s at a latency bound, interpolated between the two
  bracketing levels (never extrapolated), with the bracket — the same reading the verdicts use
  (:func:`claimbench.analyze.reading.read_at_bound`).
- :func:`latency_distribution`: per-request latency values per level, for CDFs.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from claimbench.analyze.metrics import interactivity_expr, request_metrics
from claimbench.analyze.reading import read_at_bound


def frontier(summary: pl.DataFrame, percentile: str = "p50") -> pl.DataFrame:
    """Per level: output tok/s, TTFT and TPOT at ``percentile`` (``ttft_ms``, ``tpot_ms``) and the
    interactivity of that TPOT, ``interactivity_<percentile>_tok_per_s_per_user`` (1000 / TPOT: not the
    mean of the per-request interactivity)."""
    tpot = f"tpot_{percentile}_ms"
    cols = [c for c in ("run_id", "level", "concurrency", "request_rate") if c in summary.columns]
    return (
        summary.select(
            *cols,
            pl.col("output_tok_per_s"),
            pl.col(tpot).alias("tpot_ms"),
            pl.col(f"ttft_{percentile}_ms").alias("ttft_ms"),
        )
        .with_columns(interactivity_expr(pl.col("tpot_ms")).alias(f"interactivity_{percentile}_tok_per_s_per_user"))
        .sort([c for c in ("run_id", "level") if c in cols])
    )


@dataclass(frozen=True)
class SloReading:
    """The maximum throughput read at a latency bound (interpolated between bracketing levels)."""

    metric: str
    bound_ms: float
    output_tok_per_s: float | None
    kind: str | None  # point | interpolated | lower_bound | upper_bound
    bracket: tuple[str, str] | None
    explanation: str


def max_throughput_at_slo(summary: pl.DataFrame, metric: str = "tpot_p50_ms", bound_ms: float = 50.0) -> SloReading:
    """Output tok/s at ``metric = bound_ms`` read from the levels of one sweep."""
    pts = [
        (_label(r), r[metric], r["output_tok_per_s"])
        for r in summary.iter_rows(named=True)
        if r.get(metric) is not None and r.get("output_tok_per_s") is not None
    ]
    if not pts:
        return SloReading(metric, bound_ms, None, None, None, "no level has both the latency metric and a throughput")
    value, kind, bracket, text = read_at_bound(pts, bound_ms)
    return SloReading(metric, bound_ms, value, kind, bracket, text)


def _label(row: dict) -> str:
    if row.get("concurrency") is not None:
        return f"c={row['concurrency']}"
    rate = row.get("request_rate")
    return f"rate={'inf' if rate == float('inf') else f'{rate:g}'}"


def latency_distribution(
    requests: pl.DataFrame, metrics: tuple[str, ...] = ("ttft_ms", "tpot_ms", "e2el_ms")
) -> pl.DataFrame:
    """Long frame (level, metric, value_ms) of ok, measured requests; ITL pooled per level."""
    per = request_metrics(requests).filter(~pl.col("warmup") & pl.col("ok"))
    keys = [c for c in ("run_id", "level") if c in per.columns]
    frames = [
        per.select(*keys, pl.lit(m).alias("metric"), pl.col(m).cast(pl.Float64).alias("value_ms")) for m in metrics
    ]
    frames.append(
        per.select(*keys, pl.col("itl_ms"))
        .explode("itl_ms")
        .select(*keys, pl.lit("itl_ms").alias("metric"), pl.col("itl_ms").cast(pl.Float64).alias("value_ms"))
    )
    return pl.concat(frames).drop_nulls("value_ms")


def ecdf(distribution: pl.DataFrame) -> pl.DataFrame:
    """Empirical CDF per (run, level, metric): value_ms with the fraction of samples ≤ it."""
    keys = [c for c in ("run_id", "level", "metric") if c in distribution.columns]
    return distribution.sort([*keys, "value_ms"]).with_columns(
        fraction=(pl.int_range(1, pl.len() + 1).over(keys) / pl.len().over(keys)).cast(pl.Float64)
    )


def slo_readings(summary: pl.DataFrame, bound_ms: float, metric: str = "tpot_p50_ms") -> pl.DataFrame:
    """Max output tok/s at the latency bound for each run in ``summary`` (with its bracket)."""
    groups = summary.partition_by("run_id", as_dict=True) if "run_id" in summary.columns else {("",): summary}
    rows = []
    for key, part in groups.items():
        r = max_throughput_at_slo(part.sort("level"), metric, bound_ms)
        rows.append(
            {
                "run_id": key[0] if isinstance(key, tuple) else key,
                "metric": metric,
                "bound_ms": bound_ms,
                "output_tok_per_s": r.output_tok_per_s,
                "reading": r.kind,
                "bracket": " – ".join(r.bracket) if r.bracket else None,
                "explanation": r.explanation,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "run_id": pl.String,
            "metric": pl.String,
            "bound_ms": pl.Float64,
            "output_tok_per_s": pl.Float64,
            "reading": pl.String,
            "bracket": pl.String,
            "explanation": pl.String,
        },
    )

"""Metrics from raw per-request timings (pure polars: frames in, frames out).

One definition per metric; times in the input are seconds on one monotonic clock, outputs are in
the unit their name says. Warmup rows are excluded from every metric. Empty input gives null,
never 0.

Per request (:func:`request_metrics`):
- ``ttft_ms``  = (first_token_s − sent_s) · 1000, ok requests only.
- ``tpot_ms``  = (done_s − first_token_s) / (output_tokens − 1) · 1000; null for 1-token outputs.
- ``e2el_ms``  = (done_s − sent_s) · 1000.
- ``itl_ms``   = list of gaps between consecutive streamed chunks of the request (ms).
- ``client_wait_ms`` = (sent_s − scheduled_s) · 1000: time the request waited in the client.
- ``interactivity_tok_per_s_per_user`` = 1000 / tpot_ms.
- Peers' variants, computed from the same log under their own names:
  ``guidellm_tpot_ms`` = (done_s − sent_s) / output_tokens · 1000 (GuideLLM's time per output
  token, which includes the time to the first token); ``aiperf_itl_ms`` = our ``tpot_ms`` (AIPerf
  calls (last − first token) / (tokens − 1) "inter-token latency").

Per level (:func:`summarize`):
- ``duration_s`` = level wall time = last ``done_s`` − first ``sent_s`` over the level's measured
  requests (failed ones included: they occupied the level).
- ``request_per_s`` = ok requests / duration_s; ``output_tok_per_s`` = Σ output_tokens of ok
  requests / duration_s; ``total_tok_per_s`` adds their prompt tokens.
- ``goodput_req_per_s`` = ok requests meeting every SLO / duration_s (only when SLOs are given).
  A request with a null value for an SLO's metric (TPOT of a 1-token output) does not violate it.
- ``{ttft,tpot,itl,e2el}_{mean,p50,p90,p99}_ms``: over ok requests (ITL pooled over all their gaps).
- Percentiles: ``linear`` (default) interpolates between closest ranks, h = (n − 1)·q, as NumPy's
  default; ``nearest_rank`` takes the ⌈q·n⌉-th smallest value, as MLPerf LoadGen does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import polars as pl

PERCENTILE_METHODS = ("linear", "nearest_rank")
SUMMARY_PERCENTILES = (50, 90, 99)
LATENCY_METRICS = ("ttft", "tpot", "itl", "e2el")
SLO_METRICS = ("ttft_ms", "tpot_ms", "e2el_ms", "itl_max_ms")


def percentile(values: Iterable[float | None], q: float, method: str = "linear") -> float | None:
    """The q-th percentile (0–100) of the non-null values, or None when there are none."""
    xs = sorted([v for v in values if v is not None and v == v])  # v == v is False for NaN only (2.6x faster)
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {q}")
    if not xs:
        return None
    if method == "nearest_rank":
        rank = max(1, math.ceil(q / 100 * len(xs)))
        return float(xs[rank - 1])
    if method != "linear":
        raise ValueError(f"unknown percentile method {method!r}; use one of {PERCENTILE_METHODS}")
    h = (len(xs) - 1) * q / 100
    lo = math.floor(h)
    hi = min(lo + 1, len(xs) - 1)
    return float(xs[lo] + (h - lo) * (xs[hi] - xs[lo]))


def interactivity_tok_per_s(tpot_ms: float | None) -> float | None:
    """Interactivity (output tok/s per user) = 1000 / TPOT_ms: the one definition; None for a
    missing or non-positive TPOT."""
    if tpot_ms is None or not tpot_ms > 0 or not math.isfinite(tpot_ms):
        return None
    return 1000.0 / tpot_ms


def interactivity_expr(tpot_ms: pl.Expr) -> pl.Expr:
    """:func:`interactivity_tok_per_s` of a TPOT column (ms): 1000 / TPOT, null where TPOT is not positive."""
    return pl.when(tpot_ms > 0).then(1000.0 / tpot_ms)


def _pct_expr(col: str, q: float, method: str) -> pl.Expr:
    """Aggregation expression for the q-th percentile of ``col`` (nulls and NaNs ignored)."""
    return _pct_expr_of(pl.col(col), q, method)


def _pct_expr_of(expr: pl.Expr, q: float, method: str) -> pl.Expr:
    """:func:`_pct_expr` of any float expression."""
    c = expr.drop_nulls().drop_nans()
    if method == "linear":
        return c.quantile(q / 100, interpolation="linear")
    if method == "nearest_rank":
        n = c.len()
        rank = pl.max_horizontal(pl.lit(1, pl.Int64), (n.cast(pl.Float64) * (q / 100)).ceil().cast(pl.Int64))
        return pl.when(n > 0).then(c.sort().get(rank - 1, null_on_oob=True))
    raise ValueError(f"unknown percentile method {method!r}; use one of {PERCENTILE_METHODS}")


_OPTIONAL_COLUMNS = {
    "scheduled_s": pl.Float64,
    "chunk_times_s": pl.List(pl.Float64),
    "prompt_tokens": pl.Int64,
    "requested_output_tokens": pl.Int64,
    "warmup": pl.Boolean,
}


def _complete(requests: pl.DataFrame) -> pl.DataFrame:
    """Add the optional raw columns a log may lack (older or peer-made logs) as nulls."""
    missing = {k: t for k, t in _OPTIONAL_COLUMNS.items() if k not in requests.columns}
    if not missing:
        return requests
    return requests.with_columns(
        [pl.lit(False if k == "warmup" else None, dtype=t).alias(k) for k, t in missing.items()]  # type: ignore[arg-type]
    )


def request_metrics(requests: pl.DataFrame) -> pl.DataFrame:
    """Per-request metrics (columns added to the raw log; warmup rows kept, flagged).

    Needs ``ok``, ``sent_s``, ``first_token_s``, ``done_s``, ``output_tokens``; the other raw
    columns are optional (their metrics are then null)."""
    requests = _complete(requests)
    ok = pl.col("ok")
    out_tok = pl.col("output_tokens")
    tpot = pl.when(ok & (out_tok > 1)).then((pl.col("done_s") - pl.col("first_token_s")) * 1000 / (out_tok - 1))
    chunks = pl.col("chunk_times_s")
    return requests.with_columns(
        ttft_ms=pl.when(ok).then((pl.col("first_token_s") - pl.col("sent_s")) * 1000),
        tpot_ms=tpot,
        e2el_ms=pl.when(ok).then((pl.col("done_s") - pl.col("sent_s")) * 1000),
        itl_ms=pl.when(ok).then(chunks.list.eval(pl.element().diff().slice(1) * 1000)),
        client_wait_ms=(pl.col("sent_s") - pl.col("scheduled_s")) * 1000,
        guidellm_tpot_ms=pl.when(ok & (out_tok > 0)).then((pl.col("done_s") - pl.col("sent_s")) * 1000 / out_tok),
        aiperf_itl_ms=tpot,
    ).with_columns(
        itl_max_ms=pl.col("itl_ms").list.max(),
        interactivity_tok_per_s_per_user=interactivity_expr(pl.col("tpot_ms")),
    )


def _slo_mask(slos: Mapping[str, float]) -> pl.Expr:
    expr = pl.col("ok")
    for name, bound in slos.items():
        if name not in SLO_METRICS:
            raise ValueError(f"unknown SLO metric {name!r}; use one of {SLO_METRICS}")
        expr = expr & (pl.col(name).is_null() | (pl.col(name) <= bound))
    return expr


def _scalar_metrics(requests: pl.DataFrame | pl.LazyFrame, need_itl_max: bool) -> pl.LazyFrame:
    """The per-request scalars :func:`summarize` needs (same definitions as :func:`request_metrics`),
    without building the per-request ITL lists unless an ``itl_max_ms`` SLO needs them."""
    ok = pl.col("ok")
    out_tok = pl.col("output_tokens")
    lf = requests.lazy()
    cols = [
        pl.col("level").cast(pl.Int64),
        ok,
        pl.col("warmup"),
        pl.col("sent_s"),
        pl.col("done_s"),
        pl.col("output_tokens"),
        pl.col("prompt_tokens"),
        pl.col("requested_output_tokens"),
        pl.when(ok).then((pl.col("first_token_s") - pl.col("sent_s")) * 1000).alias("ttft_ms"),
        pl.when(ok & (out_tok > 1))
        .then((pl.col("done_s") - pl.col("first_token_s")) * 1000 / (out_tok - 1))
        .alias("tpot_ms"),
        pl.when(ok).then((pl.col("done_s") - pl.col("sent_s")) * 1000).alias("e2el_ms"),
        ((pl.col("sent_s") - pl.col("scheduled_s")) * 1000).alias("client_wait_ms"),
    ]
    if need_itl_max:
        cols.append(
            pl.when(ok).then(pl.col("chunk_times_s").list.diff().list.slice(1).list.max() * 1000).alias("itl_max_ms")
        )
    return lf.filter(~pl.col("warmup")).select(cols)


def _itl_frame(requests: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Pooled ITL (ms) of ok, measured requests with their level: the chunk lists are exploded once
    and differenced flat (much faster than a per-list expression); a gap is kept only between two
    chunks of the same request."""
    ct = pl.col("chunk_times_s")
    flat = (
        requests.lazy()
        .filter(pl.col("ok") & ~pl.col("warmup"))
        .select(pl.col("level").cast(pl.Int64), ct)
        .with_row_index("_r")
        .explode("chunk_times_s")
    )
    same = pl.col("_r") == pl.col("_r").shift(1)
    return flat.select("level", pl.when(same).then((ct - ct.shift(1)) * 1000).cast(pl.Float64).alias("itl_ms"))


def summarize(
    requests: pl.DataFrame,
    levels: pl.DataFrame,
    slos: Mapping[str, float] | None = None,
    method: str = "linear",
) -> pl.DataFrame:
    """One row per load level (every level in ``levels``; a level with no requests has nulls).

    ``levels`` has columns ``level``, ``concurrency``, ``request_rate``. Columns are listed in
    :data:`SUMMARY_COLUMNS` (``goodput_req_per_s`` only when ``slos`` is given). Lazy: the
    per-level aggregates and the pooled ITL are two queries collected together.
    """
    if method not in PERCENTILE_METHODS:
        raise ValueError(f"unknown percentile method {method!r}; use one of {PERCENTILE_METHODS}")
    slos = dict(slos or {})
    for name in slos:
        if name not in SLO_METRICS:
            raise ValueError(f"unknown SLO metric {name!r}; use one of {SLO_METRICS}")
    per = _scalar_metrics(requests, need_itl_max="itl_max_ms" in slos)
    ok = pl.col("ok")
    aggs: list[pl.Expr] = [
        ok.sum().cast(pl.Int64).alias("n_ok"),
        (~ok).sum().cast(pl.Int64).alias("n_failed"),
        (ok & (pl.col("output_tokens") < pl.col("requested_output_tokens")))
        .sum()
        .cast(pl.Int64)
        .alias("n_short_outputs"),
        (pl.col("done_s").max() - pl.col("sent_s").min()).alias("duration_s"),
        pl.col("output_tokens").filter(ok).sum().alias("_out"),
        pl.col("prompt_tokens").filter(ok).sum().alias("_in"),
        pl.col("client_wait_ms").max().alias("client_wait_max_ms"),
        _slo_mask(slos).sum().cast(pl.Int64).alias("_good"),
    ]
    for metric in ("ttft", "tpot", "e2el"):
        # null unless ok (see _scalar_metrics), so no filter is needed: mean and percentiles skip nulls
        col = pl.col(f"{metric}_ms").cast(pl.Float64)
        aggs.append(col.mean().alias(f"{metric}_mean_ms"))
        aggs += [_pct_expr_of(col, q, method).alias(f"{metric}_p{q}_ms") for q in SUMMARY_PERCENTILES]
    itl = pl.col("itl_ms")
    itl_aggs = [itl.mean().alias("itl_mean_ms")] + [
        _pct_expr("itl_ms", q, method).alias(f"itl_p{q}_ms") for q in SUMMARY_PERCENTILES
    ]
    stats_lf = per.group_by("level").agg(aggs)
    itl_lf = _itl_frame(requests).group_by("level").agg(itl_aggs)
    stats, itl_stats = pl.collect_all([stats_lf, itl_lf])
    stats = stats.join(itl_stats, on="level", how="left")
    out = levels.select(
        pl.col("level").cast(pl.Int64), pl.col("concurrency").cast(pl.Int64), pl.col("request_rate").cast(pl.Float64)
    ).join(stats, on="level", how="left")
    dur = pl.col("duration_s")
    valid = dur.is_not_null() & (dur > 0)
    out = out.with_columns(
        pl.col("n_ok").fill_null(0),
        pl.col("n_failed").fill_null(0),
    ).with_columns(
        request_per_s=pl.when(valid).then(pl.col("n_ok") / dur),
        output_tok_per_s=pl.when(valid & (pl.col("n_ok") > 0)).then(pl.col("_out") / dur),
        total_tok_per_s=pl.when(valid & (pl.col("n_ok") > 0)).then((pl.col("_out") + pl.col("_in")) / dur),
        goodput_req_per_s=pl.when(valid).then(pl.col("_good") / dur),
        interactivity_p50_tok_per_s_per_user=interactivity_expr(pl.col("tpot_p50_ms")),
    )
    cols = [c for c in SUMMARY_COLUMNS if slos or c != "goodput_req_per_s"]
    return out.select(cols).sort("level")


SUMMARY_COLUMNS = (
    [
        "level",
        "concurrency",
        "request_rate",
        "n_ok",
        "n_failed",
        "n_short_outputs",
        "duration_s",
        "request_per_s",
        "output_tok_per_s",
        "total_tok_per_s",
        "goodput_req_per_s",
    ]
    + [f"{m}_{s}_ms" for m in LATENCY_METRICS for s in ("mean", *(f"p{q}" for q in SUMMARY_PERCENTILES))]
    + ["interactivity_p50_tok_per_s_per_user", "client_wait_max_ms"]
)

"""Exact per-level summaries of runs too large for memory, streamed from request batches (pure).

A system-scale run (46,000 streams × 10 minutes: ~3 M requests, ~500 M chunk timestamps) does not
fit the in-memory :func:`claimbench.analyze.metrics.summarize`: its pooled ITL alone is ~4 GB of
float64 before sorting. Everything but the pooled ITL needs one row per *request*; only ITL needs
every *chunk*. :func:`summarize_batches` therefore

1. reduces each batch of request rows to the per-request columns :func:`~claimbench.analyze.metrics.summarize`
   reads (the chunk list replaced by ``[0, max gap]``, which keeps ``itl_max_ms`` exact, or by null),
   and pools the batch's ITL gaps into a per-level histogram keyed on the order-preserving bits of
   each float64 gap (2^20 buckets per level, count and sum);
2. summarizes the reduced rows with :func:`~claimbench.analyze.metrics.summarize` itself (one
   definition of every metric and percentile), and
3. replaces the ITL columns by exact ones: from the histogram, the bucket holding each order
   statistic a percentile needs (two for linear interpolation, one for nearest rank) is known; a
   second pass over the batches keeps only the gaps in those buckets, and sorting them gives the
   exact order statistics. ITL mean = pooled sum / count.

Memory is bounded by one batch, the reduced per-request rows (O(requests)) and the gaps of the
selected buckets, never by the chunk count. Results equal the in-memory path: percentiles
exactly, means to float rounding (summation order). The batches come from a callable (called
twice), so reading files stays in ``load/`` (:func:`claimbench.load.parts.request_batches`).
Gaps are taken between consecutive chunk times of ok, non-warmup requests, as
:func:`~claimbench.analyze.metrics.summarize` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from claimbench.analyze import metrics
from claimbench.schema.records import REQUESTS_POLARS_SCHEMA

BUCKET_BITS = 20  # buckets per level: sign + exponent + 8 mantissa bits of the gap (~0.4 % wide)
_SHIFT = np.uint64(64 - BUCKET_BITS)
_REDUCED_COLUMNS = (
    "level",
    "ok",
    "warmup",
    "scheduled_s",
    "sent_s",
    "first_token_s",
    "done_s",
    "prompt_tokens",
    "output_tokens",
    "requested_output_tokens",
)


def order_key(x: np.ndarray) -> np.ndarray:
    """Map float64 values to uint64 keys with the same order (IEEE total order; pure)."""
    bits = np.ascontiguousarray(x, dtype=np.float64).view(np.uint64)
    neg = (bits >> np.uint64(63)).astype(bool)
    return np.where(neg, ~bits, bits | np.uint64(1 << 63))


def batch_gaps(batch: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ITL gaps (ms) of a batch's ok, non-warmup requests: ``(level per gap, gap_ms, max gap per
    row in seconds or NaN)``; the last is aligned with ``batch``'s rows (for ``itl_max_ms``)."""
    n = batch.height
    ct = batch["chunk_times_s"]
    lens = ct.list.len().fill_null(0).to_numpy().astype(np.int64)
    keep = (batch["ok"].fill_null(False) & ~batch["warmup"].fill_null(False)).to_numpy() & (lens > 0)
    max_gap = np.full(n, np.nan)
    if not keep.any():
        return np.empty(0, np.int64), np.empty(0), max_gap
    kept = ct.filter(pl.Series(keep))
    k_lens = lens[keep]
    values = kept.explode().to_numpy().astype(np.float64, copy=False)
    diffs = values[1:] - values[:-1]
    starts = np.cumsum(k_lens) - k_lens  # index of each kept row's first chunk
    valid = np.ones(diffs.size, bool)
    valid[starts[1:] - 1] = False  # the step from one request's last chunk to the next one's first
    gaps_s = diffs[valid]
    n_gaps = np.maximum(k_lens - 1, 0)
    levels = np.repeat(batch["level"].to_numpy()[keep].astype(np.int64), n_gaps)
    # per-row max gap (s): reduceat over each row's gap span
    has = n_gaps > 0
    if has.any():
        gstarts = (np.cumsum(n_gaps) - n_gaps)[has]
        row_max = np.maximum.reduceat(gaps_s, gstarts) if gaps_s.size else np.empty(0)
        idx = np.flatnonzero(keep)[has]
        max_gap[idx] = row_max
    return levels, gaps_s * 1000, max_gap


def reduce_batch(batch: pl.DataFrame, keep_itl_max: bool, max_gap_s: np.ndarray | None = None) -> pl.DataFrame:
    """The per-request columns :func:`metrics.summarize` reads, the chunk list replaced by
    ``[0, max gap]`` (``keep_itl_max``; its ``itl_max_ms`` is then exact) or by null."""
    cols = [c for c in _REDUCED_COLUMNS if c in batch.columns]
    out = batch.select(cols)
    if keep_itl_max:
        if max_gap_s is None:
            max_gap_s = batch_gaps(batch)[2]
        g = pl.Series("_g", max_gap_s, dtype=pl.Float64)
        return out.with_columns(g).select(
            *cols,
            pl.when(pl.col("_g").is_not_nan())
            .then(pl.concat_list([pl.lit(0.0, pl.Float64), pl.col("_g")]))
            .alias("chunk_times_s"),
        )
    return out.with_columns(pl.lit(None, dtype=pl.List(pl.Float64)).alias("chunk_times_s"))


@dataclass
class _LevelItl:
    n: int = 0
    total: float = 0.0
    counts: np.ndarray = field(default_factory=lambda: np.zeros(1 << BUCKET_BITS, np.int64))
    # filled after pass 1: rank -> bucket, and per bucket the number of gaps in lower buckets
    wanted: dict[int, int] = field(default_factory=dict)
    below: dict[int, int] = field(default_factory=dict)
    picked: dict[int, list[np.ndarray]] = field(default_factory=dict)


def _ranks(n: int, q: float, method: str) -> list[int]:
    """0-based order statistics a percentile needs (as :func:`metrics.percentile` defines it)."""
    if method == "nearest_rank":
        return [max(1, math.ceil(q / 100 * n)) - 1]
    h = (n - 1) * q / 100
    lo = math.floor(h)
    return [lo, min(lo + 1, n - 1)]


def _value(sorted_vals: dict[int, np.ndarray], lv: _LevelItl, rank: int) -> float:
    b = lv.wanted[rank]
    return float(sorted_vals[b][rank - lv.below[b]])


def summarize_batches(
    batches: Callable[[], Iterable[pl.DataFrame]],
    levels: pl.DataFrame,
    slos: Mapping[str, float] | None = None,
    method: str = "linear",
) -> pl.DataFrame:
    """:func:`metrics.summarize` of the concatenation of ``batches()`` without holding its chunks
    (see the module docstring). ``batches`` is called twice and must yield the same frames."""
    if method not in metrics.PERCENTILE_METHODS:
        raise ValueError(f"unknown percentile method {method!r}; use one of {metrics.PERCENTILE_METHODS}")
    slos = dict(slos or {})
    keep_max = "itl_max_ms" in slos
    itl: dict[int, _LevelItl] = {}
    reduced: list[pl.DataFrame] = []
    for batch in batches():  # pass 1
        lv_arr, gaps, max_gap = batch_gaps(batch)
        reduced.append(reduce_batch(batch, keep_max, max_gap))
        if gaps.size == 0:
            continue
        ok = ~np.isnan(gaps)
        lv_arr, gaps = lv_arr[ok], gaps[ok]
        buckets = (order_key(gaps) >> _SHIFT).astype(np.int64)
        for level in np.unique(lv_arr):
            m = lv_arr == level
            acc = itl.setdefault(int(level), _LevelItl())
            acc.n += int(m.sum())
            acc.total += float(gaps[m].sum())
            acc.counts += np.bincount(buckets[m], minlength=1 << BUCKET_BITS)
    for acc in itl.values():
        cum = np.cumsum(acc.counts)
        for q in metrics.SUMMARY_PERCENTILES:
            for r in _ranks(acc.n, q, method):
                b = int(np.searchsorted(cum, r, side="right"))
                acc.wanted[r] = b
                acc.below[b] = int(cum[b - 1]) if b > 0 else 0
        acc.picked = {b: [] for b in acc.below}
    if itl:
        for batch in batches():  # pass 2: keep only the gaps in the buckets holding wanted ranks
            lv_arr, gaps, _ = batch_gaps(batch)
            if gaps.size == 0:
                continue
            buckets = (order_key(gaps) >> _SHIFT).astype(np.int64)
            for level in np.unique(lv_arr):
                acc = itl.get(int(level))
                if acc is None:
                    continue
                m = lv_arr == level
                gb, gv = buckets[m], gaps[m]
                for b, store in acc.picked.items():
                    sel = gv[gb == b]
                    if sel.size:
                        store.append(sel)
    frame = pl.concat(reduced, how="vertical_relaxed") if reduced else None
    if frame is None:
        frame = pl.DataFrame(schema={c: REQUESTS_POLARS_SCHEMA[c] for c in (*_REDUCED_COLUMNS, "chunk_times_s")})
    summary = metrics.summarize(frame, levels, slos or None, method)
    rows = []
    for level, acc in itl.items():
        sorted_vals = {b: np.sort(np.concatenate(v)) if v else np.empty(0) for b, v in acc.picked.items()}
        row = {"level": level, "itl_mean_ms": acc.total / acc.n if acc.n else None}
        for q in metrics.SUMMARY_PERCENTILES:
            rk = _ranks(acc.n, q, method)
            if method == "nearest_rank":
                row[f"itl_p{q}_ms"] = _value(sorted_vals, acc, rk[0])
            else:
                h = (acc.n - 1) * q / 100
                lo_v, hi_v = _value(sorted_vals, acc, rk[0]), _value(sorted_vals, acc, rk[1])
                row[f"itl_p{q}_ms"] = lo_v + (h - rk[0]) * (hi_v - lo_v)
        rows.append(row)
    itl_cols = ["itl_mean_ms"] + [f"itl_p{q}_ms" for q in metrics.SUMMARY_PERCENTILES]
    exact = pl.DataFrame(rows, schema={"level": pl.Int64, **{c: pl.Float64 for c in itl_cols}})
    order = summary.columns
    return summary.drop(itl_cols).join(exact, on="level", how="left").select(order).sort("level")

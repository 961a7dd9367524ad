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
from typing import Any

import numpy as np
import polars as pl

from claimbench.analyze import metrics
from claimbench.schema.records import REQUESTS_POLARS_SCHEMA

_NO_LEVEL = np.iinfo(np.int64).min  # rows whose gaps are not pooled (failed, warmup)
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
    sign = np.uint64(1 << 63)
    if x.size and not (bits & sign).any():  # gaps are almost always all non-negative
        return bits | sign
    return np.where((bits & sign).astype(bool), ~bits, bits | sign)


@dataclass
class _RowLevels:
    """The level of each kept request and its number of gaps (the level of every gap, compactly)."""

    levels: np.ndarray
    n_gaps: np.ndarray


def batch_gaps(batch: pl.DataFrame, with_max: bool = False) -> tuple[_RowLevels, np.ndarray, np.ndarray | None]:
    """ITL gaps (ms) of a batch's ok, non-warmup requests: ``(levels, gap_ms, max gap per row in
    seconds or NaN)``; the last (only ``with_max``) is aligned with ``batch``'s rows."""
    n = batch.height
    ct = batch["chunk_times_s"]
    lens = ct.list.len().fill_null(0).to_numpy().astype(np.int64)
    measured = (batch["ok"].fill_null(False) & ~batch["warmup"].fill_null(False)).to_numpy()
    max_gap = np.full(n, np.nan) if with_max else None
    has = lens > 0
    if not (has & measured).any():
        return _RowLevels(np.empty(0, np.int64), np.empty(0, np.int64)), np.empty(0), max_gap
    # failed and warmup rows keep their chunks here (no copy of the list column) but get no level
    row_level = np.where(measured, batch["level"].to_numpy().astype(np.int64), _NO_LEVEL)
    if not has.all():
        ct, lens, row_level = ct.filter(pl.Series(has)), lens[has], row_level[has]
    values = ct.explode().to_numpy().astype(np.float64, copy=False)
    gaps_s = values[1:] - values[:-1]
    if lens.size > 1:
        # drop the step from one request's last chunk to the next one's first
        gaps_s = np.delete(gaps_s, np.cumsum(lens)[:-1] - 1)
    n_gaps = lens - 1
    levels = _RowLevels(row_level, n_gaps)
    if with_max and max_gap is not None:
        rows = np.flatnonzero(has)
        sel = (n_gaps > 0) & (row_level != _NO_LEVEL)
        if sel.any():
            gstarts = (np.cumsum(n_gaps) - n_gaps)[n_gaps > 0]
            row_max = np.maximum.reduceat(gaps_s, gstarts)  # per row with gaps, in row order
            max_gap[rows[n_gaps > 0]] = row_max
            max_gap[rows[(n_gaps > 0) & (row_level == _NO_LEVEL)]] = np.nan
    gaps_s *= 1000
    return levels, gaps_s, max_gap


def reduce_batch(batch: pl.DataFrame, keep_itl_max: bool, max_gap_s: np.ndarray | None = None) -> pl.DataFrame:
    """The per-request columns :func:`metrics.summarize` reads, the chunk list replaced by
    ``[0, max gap]`` (``keep_itl_max``; its ``itl_max_ms`` is then exact) or by null."""
    cols = [c for c in _REDUCED_COLUMNS if c in batch.columns]
    out = batch.select(cols)
    if keep_itl_max:
        if max_gap_s is None:
            max_gap_s = batch_gaps(batch, with_max=True)[2]
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
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    wanted: dict[int, int] = field(default_factory=dict)  # rank -> bucket
    below: dict[int, int] = field(default_factory=dict)  # bucket -> gaps in lower buckets
    picked: dict[int, list[np.ndarray]] = field(default_factory=dict)  # bucket -> gaps in it


def _ranks(n: int, q: float, method: str) -> list[int]:
    """0-based order statistics a percentile needs (as :func:`metrics.percentile` defines it)."""
    if method == "nearest_rank":
        return [max(1, math.ceil(q / 100 * n)) - 1]
    lo = math.floor(_position(n, q))
    return [lo, min(lo + 1, n - 1)]


def _position(n: int, q: float) -> float:
    """Fractional rank of the linear q-th percentile, computed as polars computes it (``q/100 ·
    (n − 1)``), so the interpolated value is bit-identical to :func:`metrics.summarize`'s."""
    return (q / 100) * (n - 1)


def _value(sorted_vals: dict[int, np.ndarray], lv: _LevelItl, rank: int) -> float:
    b = lv.wanted[rank]
    return float(sorted_vals[b][rank - lv.below[b]])


_GAP_COLUMNS = ("level", "ok", "warmup", "chunk_times_s")


def _columns(batches: Callable[..., Iterable[pl.DataFrame]], columns: tuple[str, ...]) -> Iterable[pl.DataFrame]:
    """``batches(columns=...)`` when the source can skip the other columns, else ``batches()``."""
    import inspect

    try:
        takes = "columns" in inspect.signature(batches).parameters
    except (TypeError, ValueError):
        takes = False
    return batches(columns=list(columns)) if takes else batches()


def _keys(rows: _RowLevels, gaps: np.ndarray, index: dict[int, int], add: bool) -> tuple[np.ndarray, np.ndarray]:
    """Level slot and bucket of every gap. Slot 0 collects what is not pooled (failed or warmup
    rows, NaN gaps, levels unknown when ``add`` is false); with ``add``, new levels get a slot."""
    uniq = np.unique(rows.levels)  # per request, not per gap: cheap
    if add:
        for u in uniq:
            if u != _NO_LEVEL:
                index.setdefault(int(u), len(index) + 1)
    slots = np.array([index.get(int(u), 0) if u != _NO_LEVEL else 0 for u in uniq], np.int64)
    slot = np.repeat(slots[np.searchsorted(uniq, rows.levels)], rows.n_gaps)
    nan = np.isnan(gaps)
    if nan.any():
        slot[nan] = 0
    bucket = order_key(gaps)
    bucket >>= _SHIFT
    return slot, bucket.view(np.int64)


def summarize_batches(
    batches: Callable[..., Iterable[pl.DataFrame]],
    levels: pl.DataFrame,
    slos: Mapping[str, float] | None = None,
    method: str = "linear",
) -> pl.DataFrame:
    """:func:`metrics.summarize` of the concatenation of ``batches()`` without holding its chunks
    (see the module docstring). ``batches`` is called twice and must yield the same rows; the
    second time with ``columns=[...]`` when it takes that keyword (only the chunk lists are read)."""
    if method not in metrics.PERCENTILE_METHODS:
        raise ValueError(f"unknown percentile method {method!r}; use one of {metrics.PERCENTILE_METHODS}")
    slos = dict(slos or {})
    keep_max = "itl_max_ms" in slos
    nb = 1 << BUCKET_BITS
    index: dict[int, int] = {}  # level -> slot (slot 0: not pooled)
    counts = np.zeros(nb, np.int64)  # slot * nb + bucket
    n_per = np.zeros(1, np.int64)
    sum_per = np.zeros(1, np.float64)
    reduced: list[pl.DataFrame] = []
    for batch in batches():  # pass 1: per-request rows, and counts of gaps per (level, bucket)
        rows, gaps, max_gap = batch_gaps(batch, with_max=keep_max)
        reduced.append(reduce_batch(batch, keep_max, max_gap))
        if gaps.size == 0:
            continue
        slot, bucket = _keys(rows, gaps, index, add=True)
        size = len(index) + 1
        if counts.size < size * nb:
            counts = np.concatenate([counts, np.zeros(size * nb - counts.size, np.int64)])
            n_per = np.concatenate([n_per, np.zeros(size - n_per.size, np.int64)])
            sum_per = np.concatenate([sum_per, np.zeros(size - sum_per.size)])
        bucket += slot * nb
        counts += np.bincount(bucket, minlength=size * nb)
        n_per += np.bincount(slot, minlength=size)
        sum_per += np.bincount(slot, weights=gaps, minlength=size)
    itl: dict[int, _LevelItl] = {}
    table = np.zeros(counts.size, bool)  # (slot, bucket) holding a wanted order statistic
    for level, sl in index.items():
        acc = itl[level] = _LevelItl(n=int(n_per[sl]), total=float(sum_per[sl]))
        cum = np.cumsum(counts[sl * nb : (sl + 1) * nb])
        for q in metrics.SUMMARY_PERCENTILES:
            for r in _ranks(acc.n, q, method):
                b = int(np.searchsorted(cum, r, side="right"))
                acc.wanted[r] = b
                acc.below[b] = int(cum[b - 1]) if b > 0 else 0
                table[sl * nb + b] = True
        acc.picked = {b: [] for b in acc.below}
    del counts
    if itl:
        slot_level = {sl: level for level, sl in index.items()}
        for batch in _columns(batches, _GAP_COLUMNS):  # pass 2: keep the gaps in the wanted buckets
            rows, gaps, _ = batch_gaps(batch)
            if gaps.size == 0:
                continue
            slot, bucket = _keys(rows, gaps, index, add=False)
            bucket += slot * nb
            hit = table[bucket]
            hc, hg = bucket[hit], gaps[hit]
            for c in np.unique(hc):
                sl, b = divmod(int(c), nb)
                itl[slot_level[sl]].picked[b].append(hg[hc == c])
    frame = pl.concat(reduced, how="vertical_relaxed") if reduced else None
    if frame is None:
        empty: dict[str, Any] = {c: REQUESTS_POLARS_SCHEMA[c] for c in (*_REDUCED_COLUMNS, "chunk_times_s")}
        frame = pl.DataFrame(schema=empty)
    summary = metrics.summarize(frame, levels, slos or None, method)
    out_rows: list[dict[str, Any]] = []
    for level, acc in itl.items():
        sorted_vals = {b: np.sort(np.concatenate(v)) if v else np.empty(0) for b, v in acc.picked.items()}
        row: dict[str, Any] = {"level": level, "itl_mean_ms": acc.total / acc.n if acc.n else None}
        for q in metrics.SUMMARY_PERCENTILES:
            rk = _ranks(acc.n, q, method)
            if method == "nearest_rank":
                row[f"itl_p{q}_ms"] = _value(sorted_vals, acc, rk[0])
            else:
                h = _position(acc.n, q)
                lo_v, hi_v = _value(sorted_vals, acc, rk[0]), _value(sorted_vals, acc, rk[1])
                row[f"itl_p{q}_ms"] = lo_v + (h - rk[0]) * (hi_v - lo_v)
        out_rows.append(row)
    itl_cols = ["itl_mean_ms"] + [f"itl_p{q}_ms" for q in metrics.SUMMARY_PERCENTILES]
    exact = pl.DataFrame(out_rows, schema={"level": pl.Int64, **{c: pl.Float64 for c in itl_cols}})
    order = summary.columns
    return summary.drop(itl_cols).join(exact, on="level", how="left").select(order).sort("level")

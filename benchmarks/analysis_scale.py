"""Metrics and bootstrap intervals over millions of request rows: polars vs a pandas baseline.

    .venv/bin/python -m benchmarks.analysis_scale [--quick] [--rows N] [--repeats R]

Synthesizes a requests.parquet-shaped frame (``claimbench.schema.records.REQUEST_SCHEMA``, 10 load
levels, lognormal TTFT/TPOT, 16–256 output tokens) and times, each ``--repeats`` times (median,
min, max recorded):

- ``summarize``: :func:`claimbench.analyze.metrics.summarize` (every summary column, TPOT SLO goodput);
- ``bootstrap``: 95 % percentile-bootstrap intervals per level of output tok/s (requests resampled
  within the level, level wall time held fixed, as :mod:`claimbench.judge.verdict` does) and of p50 TPOT,
  B = 1000, computed *exactly* without materializing resamples: a resample's token sum depends only
  on how many times each distinct token count is drawn (multinomial over the distinct values), and
  a resample's nearest-rank p50 is ≤ the j-th order statistic iff Binomial(n, j/n) ≥ ⌈n/2⌉ (normal
  approximation of that binomial, exact to well under one rank at these n). A naive resampling
  bootstrap on a 20,000-row subsample checks both against ground truth (``check``);
- the same summary in pandas, and a naive numpy resampling bootstrap (B resamples of n indices),
  timed at a small B and extrapolated to B = 1000 (marked as such).

Chunk lists (``chunk_times_s``, needed for ITL) are the heavy part: 10 M rows × 128 chunks is
~10 GB of floats. The default run times 10 M rows *without* chunk lists (ITL columns null) and
1 M rows *with* 16 chunks each (16 M ITL gaps), and says so in every row.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from benchmarks.common import finish, log, machine

N_LEVELS = 10
Z975 = 1.959963984540054


def synth(n: int, chunks: int = 0, seed: int = 0) -> pl.DataFrame:
    """``n`` synthetic request rows; ``chunks`` > 0 adds evenly spaced chunk lists of that length."""
    rng = np.random.default_rng(seed)
    level = rng.integers(0, N_LEVELS, n)
    sched = rng.uniform(0, 600, n)
    sent = sched + rng.exponential(0.0005, n)
    ttft = rng.lognormal(math.log(0.1), 0.3, n)
    out = rng.integers(16, 257, n)
    tpot = rng.lognormal(math.log(0.03), 0.2, n)
    first = sent + ttft
    done = first + tpot * (out - 1)
    ok = rng.random(n) > 0.001
    df = pl.DataFrame(
        {
            "request_id": pl.int_range(0, n, eager=True).cast(pl.String),
            "level": level,
            "warmup": np.zeros(n, bool),
            "scheduled_s": sched,
            "sent_s": sent,
            "first_token_s": first,
            "done_s": done,
            "prompt_tokens": np.full(n, 128),
            "output_tokens": out,
            "requested_output_tokens": out,
            "ok": ok,
        }
    ).with_columns(token_count_source=pl.lit("usage"), error=pl.lit(None, dtype=pl.String))
    if chunks:
        k = np.arange(chunks) / (chunks - 1)
        ct = first[:, None] + (done - first)[:, None] * k[None, :]
        df = df.with_columns(
            chunk_times_s=pl.Series(ct).cast(pl.List(pl.Float64)),
            chunk_tokens=pl.lit([1] * chunks, dtype=pl.List(pl.Int64)),
        )
    else:
        df = df.with_columns(
            chunk_times_s=pl.lit(None, dtype=pl.List(pl.Float64)), chunk_tokens=pl.lit(None, dtype=pl.List(pl.Int64))
        )
    return df


def levels_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "level": list(range(N_LEVELS)),
            "concurrency": [2**i for i in range(N_LEVELS)],
            "request_rate": [None] * N_LEVELS,
        },
        schema={"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64},
    )


def _order_stat_ranks(n: int, q: float, n_boot_conf: float = 0.95) -> tuple[int, int]:
    """1-based ranks (j_lo, j_hi) of the order statistics bounding the exact percentile-bootstrap
    interval of the nearest-rank q-quantile: P(Q* <= x_(j)) = P(Bin(n, j/n) >= r), r = ceil(q n)."""
    r = max(1, math.ceil(q * n))
    a = (1 - n_boot_conf) / 2

    def prob_le(j: int) -> float:  # P(Bin(n, j/n) >= r), normal approximation with continuity correction
        p = j / n
        sd = math.sqrt(max(n * p * (1 - p), 1e-12))
        return 0.5 * math.erfc(((r - 0.5) - n * p) / sd / math.sqrt(2))

    def first_at_least(target: float) -> int:
        lo, hi = 1, n
        while lo < hi:
            mid = (lo + hi) // 2
            if prob_le(mid) >= target:
                hi = mid
            else:
                lo = mid + 1
        return lo

    return first_at_least(a), first_at_least(1 - a)


def bootstrap_level_ci(requests: pl.DataFrame, n_boot: int = 1000, seed: int = 0, conf: float = 0.95) -> pl.DataFrame:
    """Per level: output tok/s and p50 TPOT with exact percentile-bootstrap intervals (see the module
    docstring). Warmup rows excluded; level wall time (first send → last done) held fixed."""
    lf = requests.lazy().filter(~pl.col("warmup")).with_columns(pl.col("level").cast(pl.Int64))
    ok = pl.col("ok")
    tok = pl.when(ok).then(pl.col("output_tokens")).otherwise(0).cast(pl.Int64).alias("tok")
    tpot = (
        pl.when(ok & (pl.col("output_tokens") > 1))
        .then((pl.col("done_s") - pl.col("first_token_s")) * 1000 / (pl.col("output_tokens") - 1))
        .alias("tpot_ms")
    )
    base = lf.select("level", tok, tpot, "sent_s", "done_s")
    lv_lf = base.group_by("level").agg(
        pl.len().alias("n"),
        (pl.col("done_s").max() - pl.col("sent_s").min()).alias("dur"),
        pl.col("tok").sum().alias("tok_sum"),
        pl.col("tpot_ms").drop_nulls().alias("_t"),
    )
    counts_lf = base.group_by("level", "tok").agg(pl.len().alias("c"))
    lv, counts = pl.collect_all(
        [lv_lf.select("level", "n", "dur", "tok_sum", pl.col("_t").list.len().alias("n_tpot")), counts_lf]
    )
    rng = np.random.default_rng(seed)
    a = (1 - conf) / 2
    rows = []
    by_level = counts.partition_by("level", as_dict=True)
    ranks = {}
    for r in lv.iter_rows(named=True):
        c = by_level[(r["level"],)]
        vals = c["tok"].to_numpy().astype(np.float64)
        cnt = c["c"].to_numpy()
        draws = rng.multinomial(r["n"], cnt / cnt.sum(), size=n_boot)  # (B, K)
        thr = draws @ vals / r["dur"]
        lo, hi = np.quantile(thr, [a, 1 - a])
        ranks[r["level"]] = _order_stat_ranks(r["n_tpot"], 0.5, conf) if r["n_tpot"] else None
        rows.append(
            {
                "level": r["level"],
                "n": r["n"],
                "output_tok_per_s": r["tok_sum"] / r["dur"],
                "output_tok_per_s_lo": float(lo),
                "output_tok_per_s_hi": float(hi),
            }
        )
    # p50 TPOT and its interval bounds: order statistics gathered from one sort per level
    gathers = []
    for level, rk in ranks.items():
        if rk is None:
            continue
        n_t = int(lv.filter(pl.col("level") == level)["n_tpot"][0])
        r50 = max(1, math.ceil(0.5 * n_t))
        gathers.append(
            base.filter(pl.col("level") == level).select(
                pl.lit(level, pl.Int64).alias("level"),
                pl.col("tpot_ms").drop_nulls().sort().gather([r50 - 1, rk[0] - 1, rk[1] - 1]).implode().alias("g"),
            )
        )
    got = {d["level"]: d["g"] for d in pl.concat(pl.collect_all(gathers)).to_dicts()} if gathers else {}
    for row in rows:
        g = got.get(row["level"])
        row.update(
            {
                "tpot_p50_ms": g[0] if g else None,
                "tpot_p50_ms_lo": g[1] if g else None,
                "tpot_p50_ms_hi": g[2] if g else None,
            }
        )
    return pl.DataFrame(rows).sort("level")


def naive_bootstrap(requests: pl.DataFrame, n_boot: int, seed: int = 0) -> pl.DataFrame:
    """Reference: resample row indices within each level n_boot times (numpy), same statistics."""
    rng = np.random.default_rng(seed)
    d = requests.filter(~pl.col("warmup"))
    rows = []
    for (level,), g in d.partition_by("level", as_dict=True).items():
        ok = g["ok"].to_numpy()
        tok = np.where(ok, g["output_tokens"].to_numpy(), 0).astype(np.float64)
        out = g["output_tokens"].to_numpy()
        tp = np.where(
            ok & (out > 1),
            (g["done_s"].to_numpy() - g["first_token_s"].to_numpy()) * 1000 / np.maximum(out - 1, 1),
            np.nan,
        )
        dur = g["done_s"].max() - g["sent_s"].min()
        n = len(tok)
        thr, med = np.empty(n_boot), np.empty(n_boot)
        for b in range(n_boot):
            idx = rng.integers(0, n, n)
            thr[b] = tok[idx].sum() / dur
            x = tp[idx]
            x = np.sort(x[~np.isnan(x)])
            med[b] = x[max(1, math.ceil(0.5 * len(x))) - 1]
        rows.append(
            {
                "level": level,
                "output_tok_per_s_lo": float(np.quantile(thr, 0.025)),
                "output_tok_per_s_hi": float(np.quantile(thr, 0.975)),
                "tpot_p50_ms_lo": float(np.quantile(med, 0.025)),
                "tpot_p50_ms_hi": float(np.quantile(med, 0.975)),
            }
        )
    return pl.DataFrame(rows).sort("level")


def to_pandas(df: pl.DataFrame):
    """pandas frame of the columns the baseline uses (no pyarrow here: numpy arrays, lists as objects)."""
    import pandas as pd

    cols = ["level", "warmup", "ok", "sent_s", "first_token_s", "done_s", "output_tokens", "prompt_tokens"]
    data = {c: df[c].to_numpy() for c in cols}
    if df["chunk_times_s"].null_count() < df.height:
        data["chunk_times_s"] = df["chunk_times_s"].to_list()
    return pd.DataFrame(data)


def pandas_summary(pdf) -> Any:
    """The core of ``summarize`` in pandas (counts, throughput, latency mean/p50/p90/p99, ITL)."""
    import pandas as pd

    d = pdf[~pdf["warmup"]]
    ok = d["ok"]
    d = d.assign(
        ttft_ms=(d["first_token_s"] - d["sent_s"]).where(ok) * 1000,
        tpot_ms=((d["done_s"] - d["first_token_s"]) * 1000 / (d["output_tokens"] - 1)).where(
            ok & (d["output_tokens"] > 1)
        ),
        e2el_ms=(d["done_s"] - d["sent_s"]).where(ok) * 1000,
        out_ok=d["output_tokens"].where(ok, 0),
    )
    g = d.groupby("level")
    s = pd.DataFrame(
        {"n_ok": g["ok"].sum(), "duration_s": g["done_s"].max() - g["sent_s"].min(), "out": g["out_ok"].sum()}
    )
    s["output_tok_per_s"] = s["out"] / s["duration_s"]
    for m in ("ttft_ms", "tpot_ms", "e2el_ms"):
        s[m + "_mean"] = g[m].mean()
        q = g[m].quantile([0.5, 0.9, 0.99]).unstack()
        for col in q.columns:
            s[f"{m}_p{int(round(col * 100))}"] = q[col]
    has_chunks = d["chunk_times_s"].notna().any() if "chunk_times_s" in d else False
    if has_chunks:
        e = d.loc[ok, ["level", "chunk_times_s"]].explode("chunk_times_s")
        e["chunk_times_s"] = e["chunk_times_s"].astype(float)
        itl = e.groupby(level=0)["chunk_times_s"].diff() * 1000
        e = e.assign(itl=itl).dropna(subset=["itl"])
        gi = e.groupby("level")["itl"]
        s["itl_mean"] = gi.mean()
        q = gi.quantile([0.5, 0.9, 0.99]).unstack()
        for col in q.columns:
            s[f"itl_p{int(round(col * 100))}"] = q[col]
    return s


def timed(fn: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    ts, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return ts, out


def _row(rows: int, chunks: int, step: str, tool: str, ts: list[float], **extra: Any) -> dict[str, Any]:
    return {
        "rows": rows,
        "chunks": f"{chunks} per row" if chunks else "none",
        "step": step,
        "tool": tool,
        "median_s": statistics.median(ts),
        "min_s": min(ts),
        "max_s": max(ts),
        "repeats": len(ts),
        "all_s": [round(t, 3) for t in ts],
        **extra,
    }


def check_bootstrap(n: int = 20_000, n_boot: int = 1000) -> dict[str, Any]:
    """Exact-method intervals vs a naive resampling bootstrap on the same small frame."""
    df = synth(n, seed=1)
    fast = bootstrap_level_ci(df, n_boot=n_boot)
    naive = naive_bootstrap(df, n_boot=n_boot)
    j = fast.join(naive, on="level", suffix="_naive")
    worst = {}
    for c in ("output_tok_per_s_lo", "output_tok_per_s_hi", "tpot_p50_ms_lo", "tpot_p50_ms_hi"):
        worst[c] = float(((j[c] - j[c + "_naive"]).abs() / j[c + "_naive"].abs()).max())
    return {"rows": n, "n_boot": n_boot, "max_rel_diff_vs_naive": worst}


def run_size(n: int, chunks: int, repeats: int, pandas: bool, naive_b: int) -> list[dict[str, Any]]:
    from claimbench.analyze.metrics import summarize

    out = []
    t = time.perf_counter()
    df = synth(n, chunks=chunks)
    gen = time.perf_counter() - t
    size_gb = df.estimated_size() / 1e9
    log(f"rows {n:,} chunks {chunks}: synthesized in {gen:.1f} s, {size_gb:.2f} GB")
    lv = levels_frame()
    ts, s = timed(lambda: summarize(df, lv, {"tpot_ms": 50}), repeats)
    out.append(_row(n, chunks, "summarize", "polars (claimbench.analyze.metrics)", ts, frame_gb=round(size_gb, 2)))
    log(out[-1]["step"], out[-1]["tool"], f"{out[-1]['median_s']:.2f} s")
    ts, b = timed(lambda: bootstrap_level_ci(df, n_boot=1000), repeats)
    out.append(_row(n, chunks, "bootstrap CI (tok/s, p50 TPOT), B=1000", "polars+numpy, exact", ts))
    log(out[-1]["step"], out[-1]["tool"], f"{out[-1]['median_s']:.2f} s")
    tot = [a + c for a, c in zip(out[-2]["all_s"], out[-1]["all_s"])]
    out.append(_row(n, chunks, "summarize + bootstrap", "polars", tot))
    if pandas:
        t = time.perf_counter()
        pdf = to_pandas(df)
        conv = time.perf_counter() - t
        ts, _ = timed(lambda: pandas_summary(pdf), max(1, repeats - 1))
        out.append(_row(n, chunks, "summarize", "pandas", ts, to_pandas_s=round(conv, 2)))
        log(out[-1]["step"], out[-1]["tool"], f"{out[-1]['median_s']:.2f} s")
        del pdf
    if naive_b:
        ts, _ = timed(lambda: naive_bootstrap(df, n_boot=naive_b), 1)
        per = ts[0] / naive_b
        out.append(
            _row(
                n,
                chunks,
                f"bootstrap CI, B=1000 (naive resampling, extrapolated from B={naive_b})",
                "numpy",
                [per * 1000],
                measured_s=round(ts[0], 2),
                measured_b=naive_b,
            )
        )
        log(out[-1]["step"], f"{out[-1]['median_s']:.1f} s (extrapolated)")
    del df
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.analysis_scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 M rows without chunks, 200 k with; 2 repeats")
    ap.add_argument("--rows", type=int, default=None, help="rows of the chunk-less frame (default 10,000,000)")
    ap.add_argument(
        "--chunk-rows", type=int, default=None, help="rows of the frame with chunk lists (default 1,000,000)"
    )
    ap.add_argument("--chunks", type=int, default=16, help="chunks per row in the frame with chunk lists")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--out", default="analysis_scale")
    args = ap.parse_args(argv)
    quick = args.quick
    rows = args.rows or (1_000_000 if quick else 10_000_000)
    chunk_rows = args.chunk_rows or (200_000 if quick else 1_000_000)
    repeats = args.repeats or (2 if quick else 3)
    t0 = time.monotonic()
    mach = machine()
    timings = run_size(rows, 0, repeats, not args.no_pandas, naive_b=2 if quick else 3)
    timings += run_size(chunk_rows, args.chunks, repeats, not args.no_pandas, naive_b=0)
    check = check_bootstrap(n_boot=300 if quick else 1000)
    log("bootstrap check", check)
    target = next(t for t in timings if t["step"] == "summarize + bootstrap" and t["chunks"] == "none")
    result = {
        "benchmark": "analysis_scale",
        "machine": mach,
        "note": (
            f"Synthetic requests.parquet-shaped frames ({N_LEVELS} levels). Target: summarize + bootstrap CIs over "
            f"10 M rows in under 10 s. {rows:,} rows without chunk lists: {target['median_s']:.2f} s (median of "
            f"{target['repeats']}). Rows with chunk lists carry {args.chunks} chunks each (pooled ITL computed). "
            f"Exact bootstrap intervals agree with a naive resampling bootstrap ({check['n_boot']} resamples, "
            f"{check['rows']:,} rows) to within {100 * max(check['max_rel_diff_vs_naive'].values()):.2f} % "
            "(Monte Carlo noise of the naive one)."
        ),
        "settings": {"rows": rows, "chunk_rows": chunk_rows, "chunks": args.chunks, "repeats": repeats, "quick": quick},
        "timings": timings,
        "bootstrap_check": check,
        "target_met": target["median_s"] < 10.0 if rows >= 10_000_000 else None,
        "duration_s": round(time.monotonic() - t0, 1),
    }
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

"""Summaries and bootstrap intervals of a system-scale run streamed from parquet parts.

    .venv/bin/python -m benchmarks.analysis_system_scale [--chunks 500e6] [--baseline-chunks 50e6] [--dir D]

A run of 46,000 streams × 10 minutes is ~3 M requests and ~500 M chunk timestamps. This writes a
synthetic run of that shape (``requests.parquet`` rows in parts of 100,000 requests, 167 chunks
each, jittered gaps, 10 load levels; ~4 GB of float64 chunk times) once, then times, each in a
fresh process with its peak RSS read by the parent (which kills a child above ``--rss-limit-gib``):

- ``streaming``: :func:`claimbench.analyze.streaming.summarize_batches` over
  :func:`claimbench.load.parts.request_batches` (one part per batch), then 95 % bootstrap
  intervals per level of output tok/s and p50 TPOT (B = 1000; ``benchmarks.analysis_scale``'s
  exact method) over the per-request columns only (read without the chunk lists);
- ``in-memory`` (baseline): read every part into one frame and
  :func:`claimbench.analyze.metrics.summarize` — at ``--baseline-chunks`` only (the full run does
  not fit this machine's memory that way), with the streaming path on the same subset to compare
  time, memory and the results (percentiles must be equal).

Target (issue #14): the full run under 2 minutes and 12 GiB on this machine.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import finish, log, machine

ROWS_PER_PART = 100_000
CHUNKS = 167
N_LEVELS = 10


def write_part(path: Path, part: int, rows: int, chunks: int) -> None:
    import polars as pl

    rng = np.random.default_rng([part, 14])
    level = rng.integers(0, N_LEVELS, rows)
    sent = rng.uniform(0, 600, rows)
    first = sent + rng.lognormal(math.log(0.2), 0.3, rows)
    gaps = rng.lognormal(math.log(0.05), 0.25, (rows, chunks - 1))
    ct = np.concatenate([first[:, None], first[:, None] + np.cumsum(gaps, axis=1)], axis=1)
    del gaps
    ok = rng.random(rows) > 0.001
    df = pl.DataFrame(
        {
            "request_id": pl.int_range(part * rows, (part + 1) * rows, eager=True).cast(pl.String),
            "level": level,
            "warmup": np.zeros(rows, bool),
            "scheduled_s": sent,
            "sent_s": sent,
            "first_token_s": first,
            "done_s": ct[:, -1],
            "chunk_times_s": pl.Series(ct).cast(pl.List(pl.Float64)),
            "prompt_tokens": np.full(rows, 128),
            "output_tokens": np.full(rows, chunks),
            "requested_output_tokens": np.full(rows, chunks),
            "ok": ok,
        }
    )
    tmp = path.with_suffix(".tmp")
    df.write_parquet(tmp, row_group_size=20_000, statistics=False)
    tmp.replace(path)


def ensure_dataset(root: Path, n_parts: int, chunks: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for p in range(n_parts):
        f = root / f"requests-{p:04d}.parquet"
        if not f.exists():
            write_part(f, p, ROWS_PER_PART, chunks)
        paths.append(f)
    return paths


def levels_frame():
    import polars as pl

    return pl.DataFrame(
        {"level": list(range(N_LEVELS)), "concurrency": [4600] * N_LEVELS, "request_rate": [None] * N_LEVELS},
        schema={"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64},
    )


def child(mode: str, paths: list[str], out: str) -> None:
    """Run one analysis path and write its summary (parquet) and timings (JSON)."""
    import polars as pl

    from claimbench.analyze import metrics
    from claimbench.analyze.streaming import summarize_batches
    from claimbench.load.parts import request_batches

    slos = {"tpot_ms": 60.0, "ttft_ms": 300.0}
    t0 = time.perf_counter()
    extra: dict[str, Any] = {}
    if mode == "in-memory":
        df = pl.concat([pl.read_parquet(p) for p in paths])
        t_read = time.perf_counter() - t0
        summary = metrics.summarize(df, levels_frame(), slos)
        extra["read_s"] = round(t_read, 2)
    else:
        summary = summarize_batches(request_batches(paths, batch_rows=ROWS_PER_PART), levels_frame(), slos)
        t_sum = time.perf_counter() - t0
        from benchmarks.analysis_scale import bootstrap_level_ci

        cols = ["level", "warmup", "ok", "sent_s", "first_token_s", "done_s", "output_tokens"]
        per_req = pl.concat(list(request_batches(paths, batch_rows=1_000_000, columns=cols)()))
        t1 = time.perf_counter()
        ci = bootstrap_level_ci(per_req, n_boot=1000, seed=0)
        extra.update(
            {
                "summarize_s": round(t_sum, 2),
                "bootstrap_s": round(time.perf_counter() - t1, 2),
                "bootstrap_example": ci.head(2).to_dicts(),
            }
        )
    wall = time.perf_counter() - t0
    summary.write_parquet(out + ".summary.parquet")
    Path(out + ".json").write_text(json.dumps({"wall_s": round(wall, 2), **extra}, default=str))


def run_child(mode: str, paths: list[Path], out: Path, rss_limit_gib: float) -> dict[str, Any]:
    """A fresh process for one path; its peak RSS sampled every 0.2 s (killed above the limit)."""
    argv = [sys.executable, "-m", "benchmarks.analysis_system_scale", "--child", mode, "--out", str(out)]
    argv += ["--paths", *map(str, paths)]
    proc = subprocess.Popen(argv, cwd=Path(__file__).resolve().parent.parent)
    peak = 0
    killed = False
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        peak = max(peak, int(line.split()[1]) * 1024)
        except OSError:
            pass
        if peak > rss_limit_gib * 2**30:
            proc.kill()
            killed = True
        time.sleep(0.2)
    res: dict[str, Any] = {"mode": mode, "peak_rss_gib": round(peak / 2**30, 2), "returncode": proc.returncode}
    if killed:
        res["killed"] = f"peak RSS above {rss_limit_gib} GiB"
    if proc.returncode == 0:
        res.update(json.loads(Path(str(out) + ".json").read_text()))
    return res


def compare(a: Path, b: Path) -> dict[str, Any]:
    import polars as pl

    x, y = pl.read_parquet(str(a) + ".summary.parquet"), pl.read_parquet(str(b) + ".summary.parquet")
    worst: dict[str, float] = {}
    exact_pct = True
    for col in x.columns:
        if x[col].dtype.is_float():
            xv, yv = x[col].to_numpy(), y[col].to_numpy()
            both = ~(np.isnan(xv) | np.isnan(yv))
            rel = (
                float(np.max(np.abs(xv[both] - yv[both]) / np.maximum(np.abs(xv[both]), 1e-300))) if both.any() else 0.0
            )
            worst[col] = rel
            if re.search(r"_p\d+_", col) and rel != 0.0:
                exact_pct = False
    return {"percentiles_equal": exact_pct, "max_rel_diff_any_column": max(worst.values()) if worst else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.analysis_system_scale", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--quick", action="store_true", help="50 M chunks (baseline 16.7 M)")
    ap.add_argument("--chunks", type=float, default=500e6, help="chunk timestamps in the full run")
    ap.add_argument("--baseline-chunks", type=float, default=50e6, help="size of the in-memory comparison")
    ap.add_argument("--dir", default="/tmp/claimbench-analysis-system-scale", help="where the synthetic parts go")
    ap.add_argument("--rss-limit-gib", type=float, default=14.0, help="kill a child process above this RSS")
    ap.add_argument("--keep", action="store_true", help="keep the synthetic parts")
    ap.add_argument("--out", default="analysis_system_scale")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--paths", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.paths, args.out)
        return 0
    if args.quick:
        args.chunks, args.baseline_chunks = 50e6, 16.7e6
    mach = machine()
    root = Path(args.dir)
    n_parts = max(1, round(args.chunks / (ROWS_PER_PART * CHUNKS)))
    n_base = max(1, min(n_parts, round(args.baseline_chunks / (ROWS_PER_PART * CHUNKS))))
    t = time.monotonic()
    paths = ensure_dataset(root, n_parts, CHUNKS)
    gen_s = time.monotonic() - t
    disk = sum(p.stat().st_size for p in paths)
    log(
        f"dataset: {n_parts} parts, {n_parts * ROWS_PER_PART:,} requests, {n_parts * ROWS_PER_PART * CHUNKS:,} chunks, "
        f"{disk / 2**30:.2f} GiB on disk ({gen_s:.0f} s)"
    )
    runs = []
    tmp = root / "out"
    tmp.mkdir(exist_ok=True)
    base = paths[:n_base]
    for mode, ps, name in (
        ("in-memory", base, "base-mem"),
        ("streaming", base, "base-stream"),
        ("streaming", paths, "full-stream"),
    ):
        r = run_child(mode, ps, tmp / name, args.rss_limit_gib)
        r.update({"name": name, "requests": len(ps) * ROWS_PER_PART, "chunks": len(ps) * ROWS_PER_PART * CHUNKS})
        log(name, r)
        runs.append(r)
    check = compare(tmp / "base-mem", tmp / "base-stream") if all(r["returncode"] == 0 for r in runs[:2]) else None
    full = runs[-1]
    result = {
        "benchmark": "analysis_system_scale",
        "machine": mach,
        "settings": {
            "chunks_full": n_parts * ROWS_PER_PART * CHUNKS,
            "requests_full": n_parts * ROWS_PER_PART,
            "chunks_baseline": n_base * ROWS_PER_PART * CHUNKS,
            "rows_per_part": ROWS_PER_PART,
            "chunks_per_request": CHUNKS,
            "levels": N_LEVELS,
            "disk_gib": round(disk / 2**30, 2),
            "generate_s": round(gen_s, 1),
            "rss_limit_gib": args.rss_limit_gib,
            "slos": {"tpot_ms": 60.0, "ttft_ms": 300.0},
        },
        "runs": runs,
        "baseline_check": check,
        "target": {"wall_s": 120, "peak_rss_gib": 12},
        "target_met": full.get("returncode") == 0 and full.get("wall_s", 1e9) < 120 and full["peak_rss_gib"] < 12,
    }
    if not args.keep:
        for p in paths:
            p.unlink()
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

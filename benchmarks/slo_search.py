"""Levels needed to find the max throughput under a TPOT SLO: claimbench's search vs a doubling grid.

    .venv/bin/python -m benchmarks.slo_search [--quick] [--vllm]

Synthetic frontiers: TPOT(c) = a + b·c ms (optionally ×(1 ± noise), uniform, seeded), throughput =
c·1000/TPOT tok/s; the true maximum under ``TPOT ≤ 50 ms`` is at c* = ⌊(50 − a)/b⌋. Each frontier is
searched by :func:`claimbench.analyze.slo_search.find_max_under_slo` (≤ 6 levels, ±5 %) and by the
doubling grid 1, 2, 4 … until the SLO breaks; the table gives levels run and the error of the
answer against the true maximum.

``--vllm`` also runs both on the real tiny model with the in-process vLLM engine
(``claimbench.measure(engine="offline", …)`` per level: engine start is part of each level's wall
time). Run it only when no other vLLM is running on the machine.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from typing import Any

from benchmarks.common import finish, log, machine

BOUND = 50.0


def frontier(a: float, b: float, noise: float = 0.0, seed: int = 0):
    rng = random.Random(seed)

    def run_level(c: int) -> dict[str, Any]:
        tpot = (a + b * c) * (1 + rng.uniform(-noise, noise))
        return {"concurrency": c, "tpot_p50_ms": tpot, "output_tok_per_s": c * 1000 / tpot}

    return run_level


def true_max(a: float, b: float) -> float:
    c = math.floor((BOUND - a) / b)
    return c * 1000 / (a + b * c)


def synthetic(quick: bool) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from claimbench.analyze.slo_search import SLO, compare, doubling_grid, find_max_under_slo

    slo = SLO("tpot_ms", BOUND)
    cases = [
        (a, b)
        for a in (5, 10, 20, 30, 40, 45)
        for b in (0.002, 0.01, 0.05, 0.2, 1.0, 3.0)
        if 2 <= (BOUND - a) / b <= 4000
    ]
    noises = [0.0, 0.03] if not quick else [0.0]
    seeds = range(3 if not quick else 1)
    rows = []
    for a, b in cases:
        for noise in noises:
            for seed in seeds if noise else [0]:
                s = find_max_under_slo(frontier(a, b, noise, seed), slo, max_concurrency=4096)
                g = doubling_grid(frontier(a, b, noise, seed), slo, max_concurrency=4096)
                c = compare(s, g, true_max=true_max(a, b))
                c["frontier"] = f"TPOT = {a:g} + {b:g}·c" + (
                    f", ±{100 * noise:g} % noise (seed {seed})" if noise else ""
                )
                c["c_star"] = math.floor((BOUND - a) / b)
                rows.append(c)
    for r in rows:
        r["noisy"] = "noise" in r["frontier"]
    groups = {
        "all": rows,
        "noiseless": [r for r in rows if not r["noisy"]],
        "±3 % noise": [r for r in rows if r["noisy"]],
    }
    return rows, {k: _agg(v) for k, v in groups.items() if v}


def _agg(rows: list[dict[str, Any]]) -> dict[str, Any]:
    se = [abs(r["search"]["error_vs_true"]) for r in rows]
    ge = [abs(r["doubling_grid"]["error_vs_true"]) for r in rows]
    agg = {
        "n": len(rows),
        "search_levels_mean": statistics.mean(r["search"]["n_levels"] for r in rows),
        "search_levels_max": max(r["search"]["n_levels"] for r in rows),
        "search_abs_err_mean": statistics.mean(se),
        "search_abs_err_max": max(se),
        "search_within_5pct": sum(e <= 0.05 for e in se),
        "search_converged": sum(r["search"]["outcome"] == "converged" for r in rows),
        "grid_levels_mean": statistics.mean(r["doubling_grid"]["n_levels"] for r in rows),
        "grid_abs_err_mean": statistics.mean(ge),
        "grid_abs_err_max": max(ge),
        "grid_within_5pct": sum(e <= 0.05 for e in ge),
    }
    return agg


def real_vllm(quick: bool) -> dict[str, Any]:
    """Both methods on the tiny model, in-process vLLM, one level per claimbench.measure call."""
    import claimbench
    from claimbench.analyze.slo_search import SLO, compare, doubling_grid, find_max_under_slo
    from claimbench.load.bundles import read_bundle

    out_root = tempfile.mkdtemp(prefix="cb-slo-")
    cache: dict[int, dict[str, Any]] = {}
    bound = 20.0 if quick else 20.0

    def run_level(c: int) -> dict[str, Any]:
        if c not in cache:
            t = time.monotonic()
            path = claimbench.measure(
                engine="offline",
                concurrency=[c],
                num_prompts=max(8, 2 * c),
                input_len=64,
                output_len=32,
                out=out_root,
                slo={"tpot_ms": bound},
                warmup_prompts=8,
            )
            row = read_bundle(path).summary.to_dicts()[0]
            row["wall_s"] = time.monotonic() - t
            cache[c] = row
            log(
                f"vllm level c={c}: tpot p50 {row.get('tpot_p50_ms')} tok/s {row.get('output_tok_per_s')} ({row['wall_s']:.0f} s)"
            )
        return cache[c]

    slo = SLO("tpot_ms", bound)
    res: dict[str, Any] = {"slo": slo.describe()}
    t = time.monotonic()
    s = find_max_under_slo(run_level, slo, max_concurrency=512)
    s_wall = sum(cache[p.concurrency]["wall_s"] for p in s.levels)
    g = doubling_grid(run_level, slo, max_concurrency=512)
    g_wall = sum(cache[p.concurrency]["wall_s"] for p in g.levels)
    c = compare(s, g)
    c["search"]["wall_s"], c["doubling_grid"]["wall_s"] = s_wall, g_wall
    res.update(c)
    res["total_wall_s"] = time.monotonic() - t
    res["note"] = "levels shared between the two methods are run once (cached); wall_s sums each method's own levels"
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.slo_search", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--vllm", action="store_true", help="also search on the real tiny model (in-process vLLM)")
    ap.add_argument("--out", default="slo_search")
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    rows, agg = synthetic(args.quick)
    log(f"synthetic: {agg}")
    result: dict[str, Any] = {
        "benchmark": "slo_search",
        "machine": machine(),
        "note": (
            "Synthetic frontiers TPOT = a + b·c, throughput = c·1000/TPOT, SLO p50 TPOT ≤ 50 ms; error = answer / "
            "true maximum − 1. Search: ≤ 6 levels, ±5 %; doubling grid: 1, 2, 4 … until the SLO breaks."
        ),
        "synthetic": rows,
        "synthetic_aggregate": agg,
    }
    if args.vllm:
        result["vllm"] = real_vllm(args.quick)
    result["duration_s"] = round(time.monotonic() - t0, 1)
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

"""Aggregate chunk rate and timing error of the client on N = 1, 2, 4 Ray workers vs one process.

    .venv/bin/python -m benchmarks.workers_scaling [--quick] [--streams 64,256,512,1024]

Against the reference server (:mod:`claimbench.measurement.mockserver`, TTFT 100 ms, a token every
50 ms, 32 tokens), closed loop with the streams' starts spread over one request (steady state),
each stream count is measured by: the one-process client (asyncio, as ``HttpEngine`` runs it
without ``--workers``) and :class:`claimbench.measurement.workers.WorkerPool` with 1, 2 and 4
workers (one local Ray instance for the whole benchmark). Errors are client − ground truth
(:func:`claimbench.measurement.calibration.measure_client_error`): median TTFT and TPOT error,
aggregate chunk rate, whether the level is within accuracy (median TTFT error ≤ 1 ms, TPOT ≤ 0.5 ms,
throughput within 1 %) and whether the server held its own schedule (if not, the level says
nothing about the client). The per-worker ceiling is the highest stream count one Ray worker
measures within accuracy while the server held.

On this host the server and every worker share 2 cores: past the point where server + workers
need more than 2 cores, added workers cannot help (they compete with the server and each other);
the JSON records the load average and competing processes.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from benchmarks.common import finish, log, machine

TTFT_MS, GAP_MS, OUTPUT_LEN = 100.0, 50.0, 32


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.workers_scaling", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="64 and 256 streams, 1 round")
    ap.add_argument("--streams", help="comma-separated stream counts (default 64,256,512,1024)")
    ap.add_argument("--workers", default="1,2,4", help="worker counts (default 1,2,4)")
    ap.add_argument("--out", default="workers_scaling", help="result name under benchmarks/results/")
    args = ap.parse_args(argv)

    from claimbench.measurement.calibration import ceiling_of, level_within, measure_client_error
    from claimbench.measurement.mockserver import start_mock_server
    from claimbench.measurement.workers import WorkerPool, ray_session

    streams = (
        [int(s) for s in args.streams.split(",")]
        if args.streams
        else ([64, 256] if args.quick else [64, 256, 512, 1024])
    )
    worker_counts = [int(w) for w in args.workers.split(",")]
    rounds = 1 if args.quick else 2
    mach = machine()
    t_start = time.monotonic()
    t_ray = time.monotonic()
    ray, started = ray_session(None, num_cpus=max(worker_counts))
    ray_start_s = time.monotonic() - t_ray
    levels: list[dict[str, Any]] = []
    try:
        with start_mock_server(ttft_ms=TTFT_MS, gap_ms=GAP_MS) as server:
            variants: list[tuple[str, int]] = [("one process (asyncio)", 0)] + [(f"ray x{n}", n) for n in worker_counts]
            for name, n in variants:
                pool = WorkerPool(n) if n else None
                try:
                    for s in streams:
                        if n and s < n:
                            continue
                        d = measure_client_error(
                            server,
                            s,
                            output_len=OUTPUT_LEN,
                            rounds=rounds,
                            processes=max(1, n),
                            pool=pool,
                            loop="asyncio",
                            arrivals="ramp",
                        )
                        d["within"] = level_within(d)
                        d["client"] = name
                        d["workers"] = n
                        if pool is not None:
                            d["clock"] = [w["clock"] for w in pool.describe()["per_worker"]]
                        held = d.get("server_held")
                        log(
                            f"{name:22s} S={s:5d} chunks/s {d['chunks_per_s']} ttft_err p50 {d['ttft_err_ms']['p50']} "
                            f"tpot_err p50 {d['tpot_err_ms']['p50']} thr {d['throughput']['rel_err']} held {held} "
                            f"within {d['within']}"
                        )
                        levels.append(d)
                finally:
                    if pool is not None:
                        pool.close()
    finally:
        if started:
            ray.shutdown()
    ceilings = {
        name: ceiling_of([lv for lv in levels if lv["client"] == name])
        for name in dict.fromkeys(lv["client"] for lv in levels)
    }
    result = {
        "benchmark": "workers_scaling",
        "machine": mach,
        "settings": {
            "server": {"ttft_ms": TTFT_MS, "gap_ms": GAP_MS, "instrument": "claimbench.measurement.mockserver"},
            "output_len": OUTPUT_LEN,
            "rounds": rounds,
            "arrivals": "ramp (stream starts spread over one request)",
            "streams": streams,
            "workers": worker_counts,
            "criteria": {"ttft_err_p50_ms": 1.0, "tpot_err_p50_ms": 0.5, "throughput_rel_err": 0.01},
        },
        "ray_start_s": round(ray_start_s, 1),
        "levels": levels,
        "ceilings": ceilings,
        "duration_s": round(time.monotonic() - t_start, 1),
    }
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

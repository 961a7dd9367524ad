"""Client timing accuracy against ground truth: claimbench's client vs ``vllm bench serve``.

    .venv/bin/python -m benchmarks.client_accuracy [--quick] [--streams 1,8,32] [--no-vllm]

One mock server (:mod:`claimbench.measurement.mockserver`: TTFT 100 ms, one token every 50 ms, exact schedule,
records when it received each request and wrote each chunk on CLOCK_MONOTONIC) serves every
client in turn, at each stream count. Clients:

- ``claimbench asyncio`` — the streaming client as ``HttpEngine`` runs it today (asyncio loop);
- ``claimbench uvloop``  — the same client on uvloop;
- ``claimbench pool×2``  — :class:`claimbench.measurement.workers.WorkerPool`, 2 Ray workers (was: 2 spawned processes, uvloop, in the recorded results);
- ``vllm bench serve``   — vLLM's own benchmark client, as a subprocess, on the same server;
  it reports aggregates only, so its error is its reported median minus the server's median.

Arrivals: ``ramp`` (default) spreads the streams' starts over one request's duration so the server
sees a steady arrival rate (vllm bench: ``--request-rate S/duration --burstiness 1000
--max-concurrency S``); ``--burst`` also runs all-at-once starts (vllm bench ``--request-rate
inf``), which additionally loads the server's intake.

Errors are client minus truth, in ms; see :mod:`claimbench.measurement.calibration` for the decomposition
(send side = server received − client sent, i.e. loopback + server intake; receive side = client
chunk time − server write). The server is run with ``precise=False`` (asyncio timers only): its
default precise wait blocks its event loop before each deadline, which delays reading new requests
at ≥32 streams and shows up as send-side "error" that is the server's, not the client's; its
writes stay exactly recorded either way, only their lateness vs the schedule grows (~0.2–0.4 ms).
Results: ``benchmarks/results/client_accuracy.json`` and the table in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchmarks.common import competing_processes, finish, log, machine

TTFT_MS = 100.0
GAP_MS = 50.0
OUTPUT_LEN = 32
INPUT_LEN = 32
MAX_STREAMS = 1024


def _rounds(streams: int, min_requests: int, rounds: int) -> int:
    return max(rounds, -(-min_requests // streams))


def run_claimbench(
    server, streams: int, *, loop: str, processes: int, arrivals: str, rounds: int, pool=None
) -> dict[str, Any]:
    from claimbench.measurement.calibration import measure_client_error

    d = measure_client_error(
        server,
        streams,
        output_len=OUTPUT_LEN,
        input_len=INPUT_LEN,
        rounds=rounds,
        processes=processes,
        loop=loop,
        pool=pool,
        arrivals=arrivals,
    )
    d["client"] = f"claimbench {loop}" if processes == 1 else f"claimbench pool×{processes}"
    return d


def run_vllm_bench(
    server, streams: int, *, arrivals: str, rounds: int, tokenizer: str, timeout_s: float = 600
) -> dict[str, Any]:
    from claimbench.measurement.calibration import server_held, truth_summary

    num = streams * rounds
    req_s = (TTFT_MS + OUTPUT_LEN * GAP_MS) / 1e3
    outdir = tempfile.mkdtemp(prefix="cb-vbench-")
    argv = [
        sys.executable,
        "-m",
        "claimbench.measurement.engines.vllm_cli",
        "bench",
        "serve",
        "--base-url",
        server.base_url,
        "--model",
        server.options.model,
        "--tokenizer",
        tokenizer,
        "--dataset-name",
        "random",
        "--random-input-len",
        str(INPUT_LEN),
        "--random-output-len",
        str(OUTPUT_LEN),
        "--num-prompts",
        str(num),
        "--max-concurrency",
        str(streams),
        "--ignore-eos",
        "--disable-tqdm",
        "--save-result",
        "--result-dir",
        outdir,
        "--result-filename",
        "result.json",
        "--percentile-metrics",
        "ttft,tpot,itl,e2el",
        "--seed",
        "0",
    ]
    if arrivals == "ramp":
        argv += ["--request-rate", f"{streams / req_s:.6f}", "--burstiness", "1000"]
    else:
        argv += ["--request-rate", "inf"]
    server.reset()
    t0 = time.monotonic()
    env = dict(os.environ, VLLM_LOGGING_LEVEL="WARNING", TOKENIZERS_PARALLELISM="false")
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout_s, env=env, stdin=subprocess.DEVNULL
        )
        wall = time.monotonic() - t0
        path = os.path.join(outdir, "result.json")
        if proc.returncode != 0 or not os.path.exists(path):
            return {
                "client": "vllm bench serve",
                "streams": streams,
                "error": (proc.stderr or proc.stdout)[-1500:],
                "returncode": proc.returncode,
            }
        with open(path) as fh:
            res = json.load(fh)
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    stats = server.stats()
    recs = sorted(stats["records"], key=lambda r: r["n"])
    if len(recs) > num:  # vllm bench's initial single-prompt test request
        recs = recs[len(recs) - num :]
    truth = truth_summary(recs)
    summ = stats["summary"]
    d: dict[str, Any] = {
        "client": "vllm bench serve",
        "streams": streams,
        "processes": 1,
        "arrivals": arrivals,
        "n_requests": num,
        "n_ok": res.get("completed"),
        "wall_s": round(wall, 1),
        "truth": truth,
        "reported": {
            k: res.get(k)
            for k in (
                "median_ttft_ms",
                "p99_ttft_ms",
                "median_tpot_ms",
                "p99_tpot_ms",
                "median_itl_ms",
                "output_throughput",
                "duration",
                "completed",
            )
        },
        "ttft_median_diff_ms": _diff(res.get("median_ttft_ms"), truth["ttft_p50_ms"]),
        "tpot_median_diff_ms": _diff(res.get("median_tpot_ms"), truth["tpot_p50_ms"]),
        "ttft_p99_diff_ms": _diff(res.get("p99_ttft_ms"), truth["ttft_p99_ms"]),
        "throughput": {
            "client_tok_per_s": res.get("output_throughput"),
            "server_tok_per_s": truth["output_tok_per_s"],
            "rel_err": (res["output_throughput"] / truth["output_tok_per_s"] - 1)
            if res.get("output_throughput") and truth["output_tok_per_s"]
            else None,
        },
        "chunks_per_s": round(truth["output_tok_per_s"], 1) if truth["output_tok_per_s"] else None,
        "server": {
            "lateness_ms": summ.get("lateness_ms"),
            "first_chunk_lateness_ms": summ.get("first_chunk_lateness_ms"),
        },
    }
    d["server_held"] = server_held(d)
    d["within"] = (
        d["ttft_median_diff_ms"] is not None
        and abs(d["ttft_median_diff_ms"]) <= 1.0
        and d["tpot_median_diff_ms"] is not None
        and abs(d["tpot_median_diff_ms"]) <= 0.5
        and d["throughput"]["rel_err"] is not None
        and abs(d["throughput"]["rel_err"]) <= 0.01
        and d["n_ok"] == num
    )
    return d


def _diff(a, b):
    return None if a is None or b is None else round(float(a) - float(b), 4)


def ceilings(levels: list[dict[str, Any]]) -> dict[str, Any]:
    """Per client and arrivals: :func:`claimbench.measurement.calibration.ceiling_of` (levels where the server
    did not hold its schedule are skipped as not checkable)."""
    from claimbench.measurement.calibration import ceiling_of

    out: dict[str, Any] = {}
    keys = sorted({(lv["client"], lv.get("arrivals", "ramp")) for lv in levels})
    for client, arr in keys:
        rows = [
            lv for lv in levels if lv["client"] == client and lv.get("arrivals", "ramp") == arr and "error" not in lv
        ]
        out[f"{client} | {arr}"] = {"client": client, "arrivals": arr, **ceiling_of(rows)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.client_accuracy", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="1, 32, 128 streams; fewer client variants")
    ap.add_argument(
        "--streams", help="comma-separated stream counts (default 1,8,32,64,128,256 and more while the server holds)"
    )
    ap.add_argument("--no-vllm", action="store_true", help="skip vllm bench serve")
    ap.add_argument("--burst", action="store_true", help="also run all-at-once arrivals")
    ap.add_argument("--precise-server", action="store_true", help="run the mock server in its default precise mode")
    ap.add_argument("--out", default="client_accuracy", help="result name under benchmarks/results/")
    args = ap.parse_args(argv)

    from claimbench.measurement.mockserver import start_mock_server
    from claimbench.measurement.tinymodel import build_tiny_model
    from claimbench.measurement.workers import WorkerPool

    quick = args.quick
    streams = (
        [int(s) for s in args.streams.split(",")]
        if args.streams
        else ([1, 32, 128] if quick else [1, 8, 32, 64, 128, 256])
    )
    extend = args.streams is None and not quick
    rounds, min_requests = (1, 4) if quick else (2, 8)
    arrivals_list = ["ramp"] + (["burst"] if args.burst else [])
    variants = [("asyncio", 1), ("uvloop", 1)] + ([] if quick else [("uvloop", 2)])
    tokenizer = str(build_tiny_model()) if not args.no_vllm else None
    t_start = time.monotonic()
    mach = machine()
    server_opts = {"ttft_ms": TTFT_MS, "gap_ms": GAP_MS, "precise": bool(args.precise_server)}
    levels: list[dict[str, Any]] = []
    log("client_accuracy:", "streams", streams, "variants", variants, "arrivals", arrivals_list)
    with start_mock_server(**server_opts) as server:
        pool = WorkerPool(2) if any(p > 1 for _, p in variants) else None
        try:
            for arrivals in arrivals_list:
                todo = list(streams)
                i = 0
                while i < len(todo):
                    s = todo[i]
                    i += 1
                    r = _rounds(s, min_requests, rounds)
                    for loop, procs in variants:
                        if procs > 1 and s < 2 * procs:
                            continue
                        d = run_claimbench(
                            server,
                            s,
                            loop=loop,
                            processes=procs,
                            arrivals=arrivals,
                            rounds=r,
                            pool=pool if procs > 1 else None,
                        )
                        levels.append(d)
                        log(
                            f"{d['client']:22s} {arrivals} S={s:4d} ttft_err p50 {d['ttft_err_ms']['p50']} "
                            f"p99 {d['ttft_err_ms']['p99']} tpot {d['tpot_err_ms']['p50']} send {d['send_ms']['p50']} "
                            f"recv {d['recv_ms']['p50']}/{d['recv_ms']['p99']} thr {d['throughput']['rel_err']} "
                            f"late {d['server']['lateness_ms']['p50']:.3f}/{d['server']['lateness_ms']['p99']:.3f} "
                            f"held {d['server_held']} within {d['within']}"
                        )
                    if tokenizer:
                        d = run_vllm_bench(server, s, arrivals=arrivals, rounds=r, tokenizer=tokenizer)
                        levels.append(d)
                        log(
                            f"{'vllm bench serve':22s} {arrivals} S={s:4d} ttft_med_diff {d.get('ttft_median_diff_ms')} "
                            f"tpot {d.get('tpot_median_diff_ms')} thr {(d.get('throughput') or {}).get('rel_err')} "
                            f"held {d.get('server_held')} within {d.get('within')} {d.get('error', '')[-300:]}"
                        )
                    # more streams while the server still holds its schedule for the claimbench clients
                    if extend and s == todo[-1] and s * 2 <= MAX_STREAMS:
                        ours = [
                            lv
                            for lv in levels
                            if lv["streams"] == s
                            and lv.get("arrivals") == arrivals
                            and lv["client"].startswith("claimbench")
                        ]
                        if ours and any(lv["server_held"] for lv in ours):
                            todo.append(s * 2)
        finally:
            if pool is not None:
                pool.close()
    result = {
        "benchmark": "client_accuracy",
        "machine": mach,
        "competing_processes_at_end": competing_processes(),
        "settings": {
            "server": {**server_opts, "instrument": "claimbench.measurement.mockserver"},
            "output_len": OUTPUT_LEN,
            "input_len": INPUT_LEN,
            "rounds_min": rounds,
            "min_requests": min_requests,
            "arrivals": arrivals_list,
            "quick": quick,
            "criteria": {
                "ttft_err_p50_ms": 1.0,
                "tpot_err_p50_ms": 0.5,
                "throughput_rel_err": 0.01,
                "server_held": "chunk-write lateness vs schedule p50 <= 1 ms and p99 <= 5 ms",
            },
            "client_processes": {
                "claimbench pool×2": "2 Ray client workers (measurement.workers.WorkerPool), same CLOCK_MONOTONIC"
            },
        },
        "levels": levels,
        "ceilings": ceilings(levels),
        "duration_s": round(time.monotonic() - t_start, 1),
    }
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

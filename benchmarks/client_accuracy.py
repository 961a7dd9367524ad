"""Client timing accuracy, side by side: the working tree's streaming client against a pinned commit's.

    .venv/bin/python -m benchmarks.client_accuracy [--quick] [--streams 1,128,512] [--repeats 2]
        [--base 00ff217] [--arrivals ramp,burst]

One reference server (:mod:`claimbench.measurement.mockserver`: TTFT 100 ms, one token every 50 ms,
20 output tokens, asyncio timers; it records when it received each request and wrote each chunk
on CLOCK_MONOTONIC) serves every client in turn. Each client runs in its own subprocess, so the
two versions never share an interpreter:

- ``base asyncio`` — the pinned commit's client (``git archive <base> lib`` into a temporary
  folder, first on that subprocess's ``PYTHONPATH``) on the asyncio loop, as its ``HttpEngine`` ran it;
- ``base uvloop``  — the same on uvloop (separates the loop's share of the change from the code's);
- ``tree-aiohttp uvloop`` — the working tree's client forced through aiohttp (``transport="aiohttp"``,
  what ``https://`` servers get), which separates the raw transport's share from the rest;
- ``tree uvloop``  — the working tree's client on uvloop, as its ``HttpEngine`` runs it now
  (``http://``: :mod:`claimbench.measurement.rawhttp`).

Clients alternate within each (arrivals, streams) cell and the order rotates between repeats, so
a change of machine load hits all of them alike; the load average is recorded before every run.
Arrivals: ``ramp`` starts the streams evenly over 1 s (steady state), ``burst`` all at once.

Per run, against the server's own log (:func:`claimbench.measurement.calibration.compare_to_truth`):
median and p99 TTFT error, median TPOT error, send / receive lag, output throughput vs the server's,
and the client process's CPU seconds during the level (``getrusage``) → CPU µs per chunk and the
chunk rate one core would hold at that cost (``chunks_per_cpu_s``; the capacity of one client
process, independent of what the other engineers' processes take from the machine). Results:
``benchmarks/results/client_accuracy.json`` and the table in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import competing_processes, finish, log, machine

TTFT_MS = 100.0
GAP_MS = 50.0
OUTPUT_LEN = 20
INPUT_LEN = 32
RAMP_S = 1.0
BASE = "00ff217"
CLIENTS = (("base", "asyncio"), ("base", "uvloop"), ("tree-aiohttp", "uvloop"), ("tree", "uvloop"))
REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ the subprocess (either version)
def child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one level with whichever claimbench this interpreter imports; return its raw rows.

    Uses only names both versions have (ClientConfig, run_level_async, closed_loop_ramped,
    new_event_loop, make_prompts, LoadLevel)."""
    import resource
    import urllib.request

    import claimbench
    from claimbench.measurement.client import ClientConfig, run_level_async
    from claimbench.measurement.workers import closed_loop_ramped, new_event_loop
    from claimbench.measurement.workload import WorkloadSpec, make_prompts
    from claimbench.schema.records import LoadLevel

    cfg = ClientConfig(base_url=spec["url"], model=spec["model"], request_timeout_s=120.0)
    if spec.get("transport"):
        cfg.transport = spec["transport"]  # only the working tree's client has it
    n = spec["streams"] * spec["rounds"]
    prompts = make_prompts(
        WorkloadSpec(input_len=INPUT_LEN, output_len=OUTPUT_LEN, num_prompts=n, seed=0, vocab_size=1000)
    )
    warm = make_prompts(
        WorkloadSpec(input_len=INPUT_LEN, output_len=2, num_prompts=min(spec["streams"], 8), seed=0, vocab_size=1000),
        stream=1,
    )
    level = LoadLevel(0, concurrency=spec["streams"], num_prompts=n)
    loop, loop_name = new_event_loop(spec["loop"])
    records: list[Any] = []
    try:
        wl = LoadLevel(0, concurrency=len(warm), num_prompts=len(warm))
        loop.run_until_complete(run_level_async(cfg, wl, warm, time.monotonic(), [], warmup=True))
        req = urllib.request.Request(spec["url"] + "/stats/reset", method="POST")
        urllib.request.urlopen(req, timeout=30).read()
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        run_t0 = time.monotonic()
        if spec["arrivals"] == "ramp":
            loop.run_until_complete(closed_loop_ramped(cfg, level, prompts, run_t0, records, RAMP_S))
        else:
            loop.run_until_complete(run_level_async(cfg, level, prompts, run_t0, records))
        wall = time.monotonic() - run_t0
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        loop.close()
    return {
        "run_t0": run_t0,
        "wall_s": wall,
        "cpu_s": (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime),
        "loop": loop_name,
        "claimbench_file": claimbench.__file__,
        "rows": [r.as_row() for r in records],
    }


def child_floor(spec: dict[str, Any]) -> dict[str, Any]:
    """The transport's floor: the same requests, arrivals and loop through :func:`rawhttp.exchange` alone
    (a body callback that only counts reads: no SSE splitting, decoding, records, timeouts or workers).

    Its CPU per read is what one process spends per chunk before the client does any work of its own."""
    import asyncio
    import resource
    import urllib.request

    from claimbench.measurement import rawhttp
    from claimbench.measurement.client import ClientConfig, _prepare, encode_body
    from claimbench.measurement.workers import new_event_loop
    from claimbench.measurement.workload import WorkloadSpec, make_prompts

    cfg = ClientConfig(base_url=spec["url"], model=spec["model"], request_timeout_s=120.0)
    s, rounds = spec["streams"], spec["rounds"]
    spec_w = WorkloadSpec(input_len=INPUT_LEN, output_len=OUTPUT_LEN, num_prompts=s * rounds, seed=0, vocab_size=1000)
    prep = _prepare(cfg)
    bodies = [encode_body(cfg, p) for p in make_prompts(spec_w)]
    counts = {"reads": 0, "done": 0}

    def on_body(data: bytes, t: float, final: bool) -> bool:
        counts["reads"] += 1
        over = b"[DONE]" in data
        counts["done"] += over
        return over

    async def level(t0: float) -> None:
        async with rawhttp.RawSession() as session:

            async def stream(i: int) -> None:
                if spec["arrivals"] == "ramp" and i:
                    await asyncio.sleep(RAMP_S * i / s)
                for r in range(rounds):
                    head = prep.raw_headers + b"X-Request-Id: f%d-%d\r\n" % (i, r)
                    await rawhttp.exchange(session, prep.url, head, bodies[i * rounds + r], t0, on_body)

            await asyncio.gather(*(stream(i) for i in range(s)))

    async def warmup(t0: float) -> None:  # as the client's warm-up: first connection, imports, loop start-up
        async with rawhttp.RawSession() as session:
            for i in range(min(s, 8)):
                head = prep.raw_headers + b"X-Request-Id: w%d\r\n" % i
                await rawhttp.exchange(session, prep.url, head, bodies[i], t0, lambda d, t, f: b"[DONE]" in d)

    loop, loop_name = new_event_loop(spec["loop"])
    try:
        loop.run_until_complete(warmup(time.monotonic()))
        urllib.request.urlopen(urllib.request.Request(spec["url"] + "/stats/reset", method="POST"), timeout=30).read()
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        loop.run_until_complete(level(time.monotonic()))
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        loop.close()
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return {"cpu_s": cpu, "loop": loop_name, **counts}


def measure_floor(server, streams: int, arrivals: str, rounds: int) -> dict[str, Any]:
    """One floor run (see :func:`child_floor`), per read and per token chunk (all requests must end)."""
    load = [round(x, 2) for x in os.getloadavg()]
    spec = {"url": server.base_url, "model": server.options.model, "streams": streams, "rounds": rounds}
    out = run_child({**spec, "arrivals": arrivals, "loop": "uvloop", "floor": True}, None)
    n_chunks = streams * rounds * OUTPUT_LEN if out["done"] == streams * rounds else None
    return {
        "client": "floor uvloop",
        "streams": streams,
        "arrivals": arrivals,
        "loop": out["loop"],
        "loadavg_before": load,
        "client_cpu_s": round(out["cpu_s"], 3),
        "n_reads": out["reads"],
        "n_requests_done": out["done"],
        "cpu_us_per_read": round(1e6 * out["cpu_s"] / out["reads"], 2) if out["reads"] else None,
        "cpu_us_per_chunk": round(1e6 * out["cpu_s"] / n_chunks, 2) if n_chunks else None,
        "chunks_per_cpu_s": round(n_chunks / out["cpu_s"], 0) if n_chunks and out["cpu_s"] > 0 else None,
    }


# ------------------------------------------------------------------ the parent
def base_tree(commit: str, into: Path) -> Path:
    """``lib/`` of ``commit`` extracted into ``into`` (git archive; no worktree)."""
    tar = into / "lib.tar"
    with open(tar, "wb") as fh:
        subprocess.run(["git", "-C", str(REPO), "archive", commit, "lib"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(into, filter="data")
    return into / "lib"


def run_child(spec: dict[str, Any], lib: Path | None, timeout_s: float = 900) -> dict[str, Any]:
    env = dict(os.environ)
    if lib is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(lib), str(REPO)])
    else:
        env["PYTHONPATH"] = str(REPO)
    with tempfile.TemporaryDirectory(prefix="cb-child-") as tmp:
        out = Path(tmp) / "rows.json"  # a file, not stdout: the rows of 1,024 requests are megabytes
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.client_accuracy", "--child", json.dumps(spec), "--child-out", str(out)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=env,
            cwd=str(REPO),
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0 or not out.is_file():
            raise RuntimeError(f"client subprocess failed ({proc.returncode}): {proc.stderr[-1500:]}")
        return json.loads(out.read_text())


def measure(server, which: str, loop: str, streams: int, arrivals: str, rounds: int, lib: Path) -> dict[str, Any]:
    """One run of one client version against the server, compared to the server's log."""
    from claimbench.measurement.calibration import compare_to_truth, level_within, server_held
    from claimbench.schema.records import RequestRecord

    load = [round(x, 2) for x in os.getloadavg()]
    spec = {
        "url": server.base_url,
        "model": server.options.model,
        "streams": streams,
        "rounds": rounds,
        "arrivals": arrivals,
        "loop": loop,
        "transport": "aiohttp" if which == "tree-aiohttp" else None,
    }
    out = run_child(spec, lib if which == "base" else None)
    stats = server.stats()
    records = [RequestRecord(**row) for row in out["rows"]]
    d = compare_to_truth(records, stats["records"], out["run_t0"])
    summ = stats["summary"]
    n_chunks = sum(len(r.chunk_times_s) for r in records if r.ok)
    thr = d["throughput"]["server_tok_per_s"]
    d.update(
        {
            "client": f"{which} {out['loop']}",
            "version": which,
            "loop": out["loop"],
            "claimbench_file": out["claimbench_file"],
            "streams": streams,
            "arrivals": arrivals,
            "ramp_s": RAMP_S if arrivals == "ramp" else 0.0,
            "n_requests": streams * rounds,
            "loadavg_before": load,
            "wall_s": round(out["wall_s"], 3),
            "client_cpu_s": round(out["cpu_s"], 3),
            "n_chunks_client": n_chunks,
            "cpu_us_per_chunk": round(1e6 * out["cpu_s"] / n_chunks, 2) if n_chunks else None,
            "chunks_per_cpu_s": round(n_chunks / out["cpu_s"], 0) if out["cpu_s"] > 0 else None,
            "chunks_per_s": round(thr, 1) if thr else None,
            "server": {
                "lateness_ms": summ.get("lateness_ms"),
                "first_chunk_lateness_ms": summ.get("first_chunk_lateness_ms"),
            },
        }
    )
    d["server_held"] = server_held(d)
    d["within"] = level_within(d)
    return d


def _median(values: list[float]) -> float | None:
    from statistics import median

    v = [x for x in values if x is not None]
    return round(median(v), 4) if v else None


def side_by_side(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (arrivals, streams): each client's median over repeats, and the tree / base ratios."""
    cells = sorted({(r["arrivals"], r["streams"]) for r in runs})
    out = []
    for arr, s in cells:
        row: dict[str, Any] = {"arrivals": arr, "streams": s, "clients": {}}
        for which, loop in CLIENTS:
            mine = [r for r in runs if (r["arrivals"], r["streams"], r["version"], r["loop"]) == (arr, s, which, loop)]
            if not mine:
                continue
            row["clients"][f"{which} {loop}"] = {
                "ttft_err_p50_ms": [r["ttft_err_ms"]["p50"] for r in mine],
                "ttft_err_p50_ms_median": _median([r["ttft_err_ms"]["p50"] for r in mine]),
                "recv_p50_ms_median": _median([r["recv_ms"]["p50"] for r in mine]),
                "send_p50_ms_median": _median([r["send_ms"]["p50"] for r in mine]),
                "throughput_rel_err_median": _median([r["throughput"]["rel_err"] for r in mine]),
                "cpu_us_per_chunk_median": _median([r["cpu_us_per_chunk"] for r in mine]),
                "chunks_per_cpu_s_median": _median([r["chunks_per_cpu_s"] for r in mine]),
                "server_held": [r["server_held"] for r in mine],
            }
        c = row["clients"]
        base, tree = c.get("base asyncio"), c.get("tree uvloop")
        if base and tree:
            row["ratio_ttft_err_base_over_tree"] = _ratio(
                base["ttft_err_p50_ms_median"], tree["ttft_err_p50_ms_median"]
            )
            row["ratio_chunks_per_cpu_s_tree_over_base"] = _ratio(
                tree["chunks_per_cpu_s_median"], base["chunks_per_cpu_s_median"]
            )
        aio = c.get("tree-aiohttp uvloop")
        if aio and tree:
            row["ratio_chunks_per_cpu_s_tree_over_tree_aiohttp"] = _ratio(
                tree["chunks_per_cpu_s_median"], aio["chunks_per_cpu_s_median"]
            )
        out.append(row)
    return out


def floor_side_by_side(runs: list[dict[str, Any]], floor_runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (arrivals, streams): the transport floor's CPU per chunk (median over repeats), the tree's and
    the base's, and the ratio base / floor (the most any client on this transport and loop could reach)."""
    out = []
    for arr, s in sorted({(f["arrivals"], f["streams"]) for f in floor_runs}):
        floor = _median([f["cpu_us_per_chunk"] for f in floor_runs if (f["arrivals"], f["streams"]) == (arr, s)])
        cell = [r for r in runs if (r["arrivals"], r["streams"]) == (arr, s)]
        tree = _median([r["cpu_us_per_chunk"] for r in cell if r["client"] == "tree uvloop"])
        base = _median([r["cpu_us_per_chunk"] for r in cell if r["client"] == "base asyncio"])
        out.append(
            {
                "arrivals": arr,
                "streams": s,
                "floor_cpu_us_per_chunk_median": floor,
                "tree_cpu_us_per_chunk_median": tree,
                "base_asyncio_cpu_us_per_chunk_median": base,
                "tree_own_cpu_us_per_chunk": None if tree is None or floor is None else round(tree - floor, 2),
                "ratio_base_over_floor": _ratio(base, floor),
            }
        )
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else round(a / b, 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.client_accuracy", description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--child-out", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="1 and 128 streams, ramp only, one repeat")
    ap.add_argument("--streams", default="1,128,512", help="comma-separated stream counts (default 1,128,512)")
    ap.add_argument("--arrivals", default="ramp,burst", help="ramp, burst or both (default both)")
    ap.add_argument("--repeats", type=int, default=2, help="runs of every client in every cell (default 2)")
    ap.add_argument("--base", default=BASE, help=f"the commit whose client is compared (default {BASE})")
    ap.add_argument("--burst", action="store_true", help=argparse.SUPPRESS)  # former flag: burst is the default
    ap.add_argument("--out", default="client_accuracy", help="result name under benchmarks/results/")
    ap.add_argument("--no-floor", action="store_true", help="skip the transport-floor run in every cell")
    args = ap.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        text = json.dumps(child_floor(spec) if spec.get("floor") else child(spec), default=str)
        if args.child_out:
            Path(args.child_out).write_text(text)
        else:
            print(text)
        return 0

    from claimbench.measurement.mockserver import start_mock_server

    streams = [1, 128] if args.quick else [int(s) for s in args.streams.split(",")]
    arrivals_list = ["ramp"] if args.quick else [a.strip() for a in args.arrivals.split(",") if a.strip()]
    repeats = 1 if args.quick else args.repeats
    base_sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", args.base], capture_output=True, text=True, check=True
    ).stdout.strip()
    tree_sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "lib"], capture_output=True, text=True
        ).stdout.strip()
    )
    t_start = time.monotonic()
    mach = machine()
    server_opts = {"ttft_ms": TTFT_MS, "gap_ms": GAP_MS, "precise": False}
    runs: list[dict[str, Any]] = []
    floor_runs: list[dict[str, Any]] = []
    log("client_accuracy: streams", streams, "arrivals", arrivals_list, "repeats", repeats, "base", base_sha[:12])
    with tempfile.TemporaryDirectory(prefix="cb-base-") as tmp, start_mock_server(**server_opts) as server:
        lib = base_tree(base_sha, Path(tmp))
        for rep in range(repeats):
            for arrivals in arrivals_list:
                for s in streams:
                    rounds = max(2, -(-16 // s))
                    order = CLIENTS[rep % len(CLIENTS) :] + CLIENTS[: rep % len(CLIENTS)]
                    for which, loop in order:
                        d = measure(server, which, loop, s, arrivals, rounds, lib)
                        d["repeat"] = rep
                        runs.append(d)
                        log(
                            f"{d['client']:14s} {arrivals:5s} S={s:4d} ttft_err p50 {d['ttft_err_ms']['p50']} "
                            f"p99 {d['ttft_err_ms']['p99']} send {d['send_ms']['p50']} recv {d['recv_ms']['p50']} "
                            f"thr {d['throughput']['rel_err']} cpu/chunk {d['cpu_us_per_chunk']} us "
                            f"held {d['server_held']} load {d['loadavg_before'][0]}"
                        )
                    if not args.no_floor:
                        f = measure_floor(server, s, arrivals, rounds)
                        f["repeat"] = rep
                        floor_runs.append(f)
                        log(f"{f['client']:14s} {arrivals:5s} S={s:4d} cpu/chunk {f['cpu_us_per_chunk']} us")
    result = {
        "benchmark": "client_accuracy",
        "machine": mach,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        "competing_processes_at_end": competing_processes(),
        "settings": {
            "server": {**server_opts, "instrument": "claimbench.measurement.mockserver"},
            "output_len": OUTPUT_LEN,
            "input_len": INPUT_LEN,
            "ramp_s": RAMP_S,
            "min_requests": 16,
            "repeats": repeats,
            "arrivals": arrivals_list,
            "streams": streams,
            "base_commit": base_sha,
            "tree_commit": tree_sha,
            "tree_lib_dirty": dirty,
            "clients": {
                "base asyncio": f"lib/ of {base_sha[:12]} (git archive), asyncio loop, as its HttpEngine ran it",
                "base uvloop": f"lib/ of {base_sha[:12]}, uvloop",
                "tree-aiohttp uvloop": "the working tree's lib/, uvloop, transport forced to aiohttp",
                "tree uvloop": "the working tree's lib/, uvloop, as its HttpEngine runs it (rawhttp for http://)",
            },
            "criteria": {
                "ttft_err_p50_ms": 1.0,
                "tpot_err_p50_ms": 0.5,
                "throughput_rel_err": 0.01,
                "server_held": "chunk-write lateness vs schedule p50 <= 1 ms and p99 <= 5 ms",
            },
            "peers": "in their own run: benchmarks/client_peers.py (results/client_peers.json); vllm bench serve "
            "dies with SIGILL on this host's CPU (ENV_NOTES 2026-12-07)",
        },
        "runs": runs,
        "side_by_side": side_by_side(runs),
        "floor_runs": floor_runs,
        "floor_side_by_side": floor_side_by_side(runs, floor_runs),
        "duration_s": round(time.monotonic() - t_start, 1),
    }
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

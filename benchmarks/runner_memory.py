"""The measuring process's memory over a long level through the runner (``claimbench measure``'s path):
before (a pinned ref's runner, every record kept for the run) vs the working tree's.

    .venv/bin/python -m benchmarks.runner_memory [--quick] [--streams 1024] [--minutes 10] [--before main]

A simulated level — no server, no sockets, no vLLM: :func:`claimbench.measurement.runner.run_measurement`
(the runner's ``_Sweep``: its records sink, spool, journal, summary, audits and final bundle, unchanged)
drives a stand-in engine whose ``run_level`` produces synthetic request records as fast as it can,
in simulated time: ``--streams`` closed-loop streams back to back, TTFT 100 ms, one chunk every 50 ms,
``--chunks`` chunks per request (default 167: the ~8.4 s requests of a 50 ms-TPOT system-scale run),
stream starts ramped over one request. Each record is appended when its request is "sent" and
reported done (``on_request_done``) when it ends, as the real engines do, so the requests in flight
are held by the engine. 1,024 streams × 10 minutes ≈ 73,000 requests and 12 M chunk times.

Two runs, each in a fresh process: ``before`` imports claimbench from ``git archive <--before> lib``
(main's runner: every record kept in ``_Sweep.records``), ``after`` from the working tree. The
process's resident memory is sampled every simulated minute (after a garbage collection), and the
peak (``ru_maxrss``) is read once the bundle is written, so the end of the level (summary, audits,
bundle write) is included. Results: ``benchmarks/results/runner_memory.json`` and the table in
``benchmarks/README.md``.
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

from benchmarks.common import competing_processes, finish, log, machine, run_child

TTFT_S = 0.1
GAP_S = 0.05


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class SimEngine:
    """A stand-in engine: a closed-loop level of synthetic requests in simulated time (no I/O)."""

    name = "offline"
    max_model_len = None

    def __init__(self, sim: dict[str, Any], on_minute):
        self.sim, self.on_minute = sim, on_minute
        self.rows = 0

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def vocab_size(self) -> int | None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"name": "simulated"}

    def run_level(self, level, prompts, run_t0, records, warmup=False, seed=0, request_timeout_s=None, **kw) -> None:
        import heapq

        import numpy as np

        from claimbench.schema.records import RequestRecord

        done_cb = kw.get("on_request_done")
        chunks_n, dur = self.sim["chunks"], TTFT_S + (self.sim["chunks"] - 1) * GAP_S
        end_s, streams = self.sim["duration_s"], level.concurrency
        rng = np.random.default_rng(seed)
        k = np.arange(chunks_n)
        heap: list[tuple[float, int, Any]] = []
        n = 0

        def send(t: float) -> None:
            nonlocal n
            rec = RequestRecord(f"L{level.level}-m{n}", level.level, t, sent_s=t, prompt_tokens=32)
            rec.requested_output_tokens = chunks_n
            records.append(rec)  # held by the engine (and the runner) while in flight
            heapq.heappush(heap, (t + dur, n, rec))
            n += 1

        for s in range(streams):
            send(dur * s / streams)
        next_minute = 0.0
        while heap:
            t, _, rec = heapq.heappop(heap)
            while t >= next_minute and next_minute <= end_s:
                self.on_minute(next_minute)
                next_minute += 60.0
            first = rec.sent_s + TTFT_S
            rec.chunk_times_s = (first + GAP_S * k + rng.uniform(0, 0.002, k.size)).tolist()
            rec.chunk_tokens = [1] * chunks_n
            rec.first_token_s, rec.done_s = rec.chunk_times_s[0], rec.chunk_times_s[-1] + 0.0005
            rec.output_tokens, rec.ok, rec.token_count_source = chunks_n, True, "usage"
            self.rows += 1
            if done_cb:
                done_cb(rec)
            if t < end_s:
                send(t)
        self.on_minute(end_s)  # the level's last request is done


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """One simulated run through run_measurement; RSS per simulated minute and the peak."""
    import gc

    import claimbench
    from claimbench.measurement.runner import MeasureConfig, run_measurement
    from claimbench.measurement.workload import WorkloadSpec
    from claimbench.schema.records import LoadLevel

    sim = {"duration_s": spec["minutes"] * 60.0, "chunks": spec["chunks"]}
    samples: list[tuple[float, float]] = []

    def on_minute(t: float) -> None:
        gc.collect()
        samples.append((round(min(t, sim["duration_s"]) / 60, 2), round(rss_mib(), 1)))

    dur = TTFT_S + (spec["chunks"] - 1) * GAP_S
    n_prompts = int(spec["streams"] * (sim["duration_s"] / dur + 2))
    level = LoadLevel(0, concurrency=spec["streams"], num_prompts=n_prompts, duration_s=sim["duration_s"], ramp_s=dur)
    engine = SimEngine(sim, on_minute)
    rss0 = rss_mib()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cb-runner-mem-") as tmp:
        spec_w = WorkloadSpec(input_len=32, output_len=spec["chunks"], num_prompts=64, seed=0, vocab_size=1000)
        cfg = MeasureConfig(
            model="sim", model_source="sim", workload=spec_w, levels=[level], out_dir=Path(tmp), energy=False
        )
        bundle = run_measurement(cfg, engine, {"backend": "simulated"})
        wall = time.monotonic() - t0
        disk = (bundle / "requests.parquet").stat().st_size
        manifest = json.loads((bundle / "manifest.json").read_text())
        gc.collect()
        rss_end = rss_mib()
    return {
        "side": spec["side"],
        "claimbench_from": str(Path(claimbench.__file__).parent),
        "rss_before_mib": round(rss0, 1),
        "rss_by_simulated_minute": samples,
        "rss_after_bundle_mib": round(rss_end, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "rows": engine.rows,
        "chunk_times": engine.rows * spec["chunks"],
        "requests_parquet_bytes": disk,
        "status": manifest["status"],
        "requests_ok": manifest["output_length_audit"]["requests_ok"],
        "wall_s": round(wall, 1),
    }


def _archive_lib(repo: Path, ref: str, into: Path) -> tuple[Path, str]:
    """``ref``'s lib/ extracted into ``into`` (its runner, as it ran); returns (lib path, commit)."""
    sha = subprocess.run(["git", "-C", str(repo), "rev-parse", ref], capture_output=True, text=True, check=True)
    tar = into / "lib.tar"
    with tar.open("wb") as fh:
        subprocess.run(["git", "-C", str(repo), "archive", ref, "lib"], stdout=fh, check=True)
    with tarfile.open(tar) as tf:
        tf.extractall(into, filter="data")
    return into / "lib", sha.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.runner_memory", description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="256 streams × 2 minutes")
    ap.add_argument("--streams", type=int, default=1024)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--chunks", type=int, default=167)
    ap.add_argument("--before", default="main", help="git ref whose runner is 'before' (default main)")
    ap.add_argument("--out", default="runner_memory")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    streams, minutes = (256, 2.0) if args.quick else (args.streams, args.minutes)
    mach = machine()
    repo = Path(__file__).resolve().parent.parent
    runs = []
    with tempfile.TemporaryDirectory(prefix="cb-before-") as tmp:
        before_lib, before_sha = _archive_lib(repo, args.before, Path(tmp))
        after_sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True)
        for side, lib in (("after", repo / "lib"), ("before", before_lib)):
            spec = {"side": side, "streams": streams, "minutes": minutes, "chunks": args.chunks}
            r = run_child("benchmarks.runner_memory", spec, f"{lib}{os.pathsep}{repo}")
            log(
                f"{side:6s} rows {r['rows']:,} chunks {r['chunk_times']:,} RSS by minute {r['rss_by_simulated_minute']} "
                f"peak {r['peak_rss_mib']} MiB wall {r['wall_s']} s"
            )
            runs.append(r)
    with open("/proc/loadavg") as fh:
        load_end = [float(x) for x in fh.read().split()[:3]]
    growth = {  # from minute 2: by then every stream runs and the spool has written its first parts
        r["side"]: round(r["rss_by_simulated_minute"][-1][1] - r["rss_by_simulated_minute"][2][1], 1)
        if len(r["rss_by_simulated_minute"]) > 3
        else None
        for r in runs
    }
    result = {
        "benchmark": "runner_memory",
        "machine": mach,
        "loadavg_at_end": load_end,
        "competing_processes_at_end": competing_processes(),
        "settings": {
            "streams": streams,
            "simulated_minutes": minutes,
            "chunks_per_request": args.chunks,
            "ttft_s": TTFT_S,
            "gap_s": GAP_S,
            "before": f"{args.before} ({before_sha[:10]})",
            "after": f"working tree (HEAD {after_sha.stdout.strip()[:10]})",
            "path": "run_measurement (the runner's _Sweep, real) with a stand-in engine producing synthetic records; "
            "no server, no processes",
        },
        "runs": runs,
        "rss_growth_mib_from_minute_2_to_end": growth,
    }
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

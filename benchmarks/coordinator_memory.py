"""Coordinator memory over a long level: records held in a list (before) vs spooled to parquet parts.

    .venv/bin/python -m benchmarks.coordinator_memory [--quick] [--streams 1024] [--minutes 10]

A simulated level — no server, no sockets, no Ray processes: synthetic finished request rows are
pushed through the coordinator's own code path, :meth:`claimbench.measurement.workers.WorkerPool.run_level`
(its drain loop, row → record conversion and record sink), with a stand-in for the ``ray`` module
whose actors emit, on every poll, the rows their streams would have finished in the next 0.25 s
of the level. Streams run back to back: TTFT 100 ms, one chunk every 50 ms, ``--chunks`` chunks
per request (default 167, the ~8.4 s requests of a 50 ms-TPOT system-scale run), stream starts
ramped over one request. So 1,024 streams × 10 minutes ≈ 73,000 requests and 12 M chunk times.

Two sinks, each in a fresh subprocess: ``list`` (what the coordinator did before: every record
kept until the level ends) and ``spool`` (:class:`claimbench.measurement.spool.RecordSpool`:
rows appended to the level's parquet parts as they arrive). The process's resident memory is
sampled every simulated minute. Results: ``benchmarks/results/coordinator_memory.json`` and the
table in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import competing_processes, finish, log, machine, run_child

TICK_S = 0.25  # the coordinator's poll interval (workers._POLL_S)
TTFT_S = 0.1
GAP_S = 0.05


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class _Ref:
    def __init__(self, value: Any = None, ready=lambda: True):
        self.value, self.ready = value, ready


class _Method:
    def __init__(self, fn):
        self.fn = fn

    def remote(self, *a: Any, **kw: Any) -> _Ref:
        return self.fn(*a, **kw)


class SyntheticWorker:
    """Stands in for one Ray client actor: each tick, the rows its streams finish in that 0.25 s."""

    def __init__(self, index: int, sim: dict[str, Any]):
        import numpy as np

        self.index, self.sim, self.np = index, sim, np
        self.rng = np.random.default_rng(index)
        self.t = 0.0
        self.share: Any = None
        self.next_done: Any = None
        self.start: Any = None
        self.n = 0
        for name in ("info", "clock", "stop", "drain", "run_share"):
            setattr(self, name, _Method(getattr(self, "_" + name)))

    def _info(self) -> _Ref:
        return _Ref({"index": self.index, "host": "sim", "pid": os.getpid(), "boot_id": "sim", "loop": "sim"})

    def _clock(self) -> _Ref:
        return _Ref(time.monotonic())

    def _stop(self) -> _Ref:
        return _Ref(None)

    def _run_share(self, cfg, level, share, prompts, run_t0, start_at, warmup, offset_s) -> _Ref:
        np = self.np
        dur = TTFT_S + (self.sim["chunks"] - 1) * GAP_S
        self.dur = dur
        self.share = share
        offsets = np.array(share.stream_starts_s, float)
        self.start = offsets.copy()
        self.next_done = offsets + dur
        return _Ref(None, ready=lambda: self.t >= self.sim["duration_s"])

    def tick(self) -> None:
        self.t += TICK_S

    def _drain(self) -> _Ref:
        np = self.np
        if self.next_done is None:
            return _Ref(([], []))
        t_end = min(self.t, self.sim["duration_s"])
        rows = []
        due = np.nonzero(self.next_done <= t_end)[0]
        k = np.arange(self.sim["chunks"])
        for j in due:
            sent = float(self.start[j])
            first = sent + TTFT_S
            chunks = (first + GAP_S * k + self.rng.uniform(0, 0.002, k.size)).tolist()
            self.n += 1
            rows.append(
                {
                    "request_id": f"L0-m{self.index}-{self.n}",
                    "level": 0,
                    "scheduled_s": sent,
                    "sent_s": sent,
                    "first_token_s": chunks[0],
                    "done_s": chunks[-1] + 0.0005,
                    "chunk_times_s": chunks,
                    "chunk_tokens": [1] * len(chunks),
                    "prompt_tokens": 32,
                    "output_tokens": len(chunks),
                    "requested_output_tokens": len(chunks),
                    "token_count_source": "usage",
                    "token_count_note": None,
                    "ok": True,
                    "error": None,
                    "warmup": False,
                }
            )
            self.start[j] = self.next_done[j]
            self.next_done[j] += self.dur
        return _Ref((rows, []))


class FakeRay:
    """The part of the ``ray`` API the coordinator uses, over in-process synthetic workers."""

    def __init__(self, sim: dict[str, Any], on_tick):
        self.sim, self.on_tick = sim, on_tick
        self.actors: list[SyntheticWorker] = []

    def remote(self, **_: Any):
        ray = self

        class _Cls:
            def __init__(self, _body: Any):
                pass

            def options(self, **_: Any) -> _Cls:
                return self

            def remote(self, i: int) -> SyntheticWorker:
                w = SyntheticWorker(i, ray.sim)
                ray.actors.append(w)
                return w

        return _Cls

    def nodes(self) -> list[Any]:
        return []

    def get(self, ref: Any, timeout: float | None = None) -> Any:
        return [r.value for r in ref] if isinstance(ref, list) else ref.value

    def wait(self, refs: Sequence[_Ref], num_returns: int = 1, timeout: float | None = None):
        for w in self.actors:
            w.tick()
        self.on_tick(self.actors[0].t if self.actors else 0.0)
        ready = [r for r in refs if r.ready()]
        return ready, [r for r in refs if not r.ready()]

    def kill(self, actor: Any, no_restart: bool = True) -> None:
        pass

    def shutdown(self) -> None:
        pass


class _SamePrompt(Sequence):
    """``n`` prompts that are one object (the benchmark measures records, not prompts)."""

    def __init__(self, n: int):
        from claimbench.measurement.workload import Prompt

        self.n, self.p = n, Prompt(0, (5,), 1)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):  # type: ignore[override]
        return self.p


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one simulated level through WorkerPool.run_level with the given sink; RSS per minute."""
    import gc

    from claimbench.measurement import workers
    from claimbench.measurement.client import ClientConfig
    from claimbench.schema.records import LoadLevel

    sim = {"duration_s": spec["minutes"] * 60.0, "chunks": spec["chunks"]}
    samples: list[tuple[float, float]] = []
    next_minute = [0.0]

    def on_tick(t: float) -> None:
        if t >= next_minute[0]:
            gc.collect()
            samples.append((round(t / 60, 2), round(rss_mib(), 1)))
            next_minute[0] += 60.0

    fake = FakeRay(sim, on_tick)
    workers.ray_session = lambda *a, **kw: (fake, False)  # the stand-in ray; WorkerPool itself is unchanged
    dur = TTFT_S + (spec["chunks"] - 1) * GAP_S
    n_prompts = int(spec["streams"] * (sim["duration_s"] / dur + 2))
    level = LoadLevel(0, concurrency=spec["streams"], num_prompts=n_prompts, duration_s=sim["duration_s"], ramp_s=dur)
    cfg = ClientConfig(base_url="http://127.0.0.1:9", model="sim")
    rss0 = rss_mib()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cb-spool-") as tmp:
        if spec["sink"] == "spool":
            from claimbench.measurement.spool import RecordSpool

            sink: Any = RecordSpool(tmp)
        else:
            sink = []
        with workers.WorkerPool(spec["workers"]) as pool:
            pool.run_level(cfg, level, _SamePrompt(n_prompts), time.monotonic(), sink, timeout_s=3600)
        if spec["sink"] == "spool":
            sink.close()
            n_rows, parts = len(sink), len(sink.parts())
            disk = sum(p.stat().st_size for p in sink.parts())
            max_buffered = sink.max_buffered
        else:
            n_rows, parts, disk, max_buffered = len(sink), 0, 0, len(sink)
        n_chunks = spec["chunks"] * n_rows
        gc.collect()
        rss_end = rss_mib()
    return {
        "sink": spec["sink"],
        "rss_before_mib": round(rss0, 1),
        "rss_by_simulated_minute": samples,
        "rss_end_mib": round(rss_end, 1),
        "peak_rss_mib": round(max([s[1] for s in samples] + [rss_end]), 1),
        "rows": n_rows,
        "chunk_times": n_chunks,
        "parts": parts,
        "parquet_bytes": disk,
        "max_rows_held": max_buffered,
        "wall_s": round(time.monotonic() - t0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.coordinator_memory", description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="256 streams × 2 minutes")
    ap.add_argument("--streams", type=int, default=1024)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--chunks", type=int, default=167)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--out", default="coordinator_memory")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    streams, minutes = (256, 2.0) if args.quick else (args.streams, args.minutes)
    mach = machine()
    runs = []
    repo = Path(__file__).resolve().parent.parent
    for sink in ("spool", "list"):
        spec = {"sink": sink, "streams": streams, "minutes": minutes, "chunks": args.chunks, "workers": args.workers}
        r = run_child("benchmarks.coordinator_memory", spec, str(repo))
        log(
            f"{sink:6s} rows {r['rows']:,} chunks {r['chunk_times']:,} RSS by minute {r['rss_by_simulated_minute']} "
            f"end {r['rss_end_mib']} MiB wall {r['wall_s']} s"
        )
        runs.append(r)
    spool = next(r for r in runs if r["sink"] == "spool")
    growth = {
        r["sink"]: round(r["rss_by_simulated_minute"][-1][1] - r["rss_by_simulated_minute"][1][1], 1)
        if len(r["rss_by_simulated_minute"]) > 2
        else None
        for r in runs
    }
    result = {
        "benchmark": "coordinator_memory",
        "machine": mach,
        "competing_processes_at_end": competing_processes(),
        "settings": {
            "streams": streams,
            "simulated_minutes": minutes,
            "chunks_per_request": args.chunks,
            "ttft_s": TTFT_S,
            "gap_s": GAP_S,
            "workers": args.workers,
            "poll_s": TICK_S,
            "path": "WorkerPool.run_level (real) with a stand-in ray module and synthetic actors; no processes",
        },
        "runs": runs,
        "rss_growth_mib_from_minute_1_to_end": growth,
        "spool_max_rows_held": spool["max_rows_held"],
    }
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

"""Client calibration: how accurate is the streaming client here, and up to what load.

The client's timestamps are checked against the reference mock server
(:mod:`claimbench.measurement.mockserver`), which emits every chunk on an exact schedule and records, on the
same CLOCK_MONOTONIC, when it received each request and wrote each chunk. For each stream count the
client runs a closed-loop level against it and every request is matched to its ground truth by
request id. Errors (ms, client minus truth):

- ``send_ms``  = server ``received_s`` − client ``sent_s``: network, kernel and server intake;
- ``recv_ms``  = client chunk arrival − server chunk write, pooled over every chunk: how late the
  client reads what was already written (its event loop's backlog);
- ``ttft_err_ms`` = client TTFT − true TTFT (first write − received) = send + first-chunk recv;
- ``tpot_err_ms`` = client TPOT (metrics definition, up to ``[DONE]``) − true TPOT (last − first
  write over tokens − 1);
- ``throughput_rel_err`` = client ``output_tok_per_s`` (metrics definition) / server-observed
  throughput (tokens written / first received → last done) − 1.

The server's own schedule lateness (write − scheduled, from its ``/stats`` summary) says whether
the *server* still held its schedule: past that point the load is no longer checkable here, and
the table says the server, not the client, gave out.

A level is **within** the calibrated accuracy when the median TTFT error ≤ ``max_error_ms`` (1 ms),
the median |TPOT error| ≤ ``max_tpot_error_ms`` (0.5 ms), the median receive lag ≤ ``max_error_ms``
and |throughput error| ≤ 1 %. The **ceiling** is the highest stream count (and its chunk rate) such
that it and every lower level tried are within, while the server held its schedule.

:func:`calibrate_client` returns a JSON-able dict (shape in its docstring) that a run manifest
carries; :func:`ceiling_warning` is pure and tells whether a run's summary row approaches it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from claimbench.analyze.metrics import percentile, request_metrics
from claimbench.measurement.store import requests_frame

__all__ = [
    "measure_client_error",
    "calibrate_client",
    "ceiling_warning",
    "level_within",
    "host_description",
    "client_capacity",
]

CALIBRATION_SCHEMA = 2  # 2: per_worker (one client process's ceiling), the client on uvloop
# Stream counts tried by ``claimbench measure`` (a worker's ceiling: one client process; ~15 s on a
# quiet host); the calibration stops at the first level out of accuracy (see :func:`calibrate_client`).
DEFAULT_STREAMS = (1, 32, 128, 512)


def _q(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile: the one definition in :mod:`claimbench.analyze.metrics`."""
    return percentile(values, q, "linear")


def _stats(values: Sequence[float]) -> dict[str, float | None]:
    r = lambda v: None if v is None else round(v, 4)
    return {
        "p50": r(_q(values, 50)),
        "p99": r(_q(values, 99)),
        "max": r(max(values) if values else None),
        "min": r(min(values) if values else None),
        "n": len(values),
    }


def _round(v: float | None, nd: int = 4) -> float | None:
    return None if v is None else round(v, nd)


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 4)


def truth_summary(truth: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Medians of the server's ground truth (for clients that only report aggregates)."""
    ttft, tpot, tokens = [], [], 0
    ok = [t for t in truth if t.get("chunk_write_s")]
    for t in ok:
        w = t["chunk_write_s"]
        ttft.append((w[0] - t["received_s"]) * 1e3)
        tokens += len(w)
        if len(w) > 1:
            tpot.append((w[-1] - w[0]) / (len(w) - 1) * 1e3)
    thr = None
    if ok:
        start = min(t["received_s"] for t in ok)
        end = max((t.get("done_s") or t["chunk_write_s"][-1]) for t in ok)
        thr = tokens / (end - start) if end > start else None
    return {
        "n": len(ok),
        "ttft_p50_ms": _round(_q(ttft, 50)),
        "ttft_p99_ms": _round(_q(ttft, 99)),
        "tpot_p50_ms": _round(_q(tpot, 50)),
        "tpot_p99_ms": _round(_q(tpot, 99)),
        "output_tok_per_s": thr,
    }


def host_description() -> dict[str, Any]:
    """CPU model, logical cores, memory and versions of what shapes client timing."""
    import os
    import platform as _pf
    import sys

    from claimbench.measurement.platform import cpu_model, memory_gib

    def ver(dist: str) -> str | None:
        import importlib.metadata as md

        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return None

    return {
        "cpu_model": cpu_model(),
        "logical_cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "os": f"{_pf.system()} {_pf.release()}",
        "python": sys.version.split()[0],
        "aiohttp": ver("aiohttp"),
        "uvloop": ver("uvloop"),
        "claimbench": ver("claimbench"),
    }


def compare_to_truth(records: Iterable[Any], truth: Sequence[Mapping[str, Any]], run_t0: float) -> dict[str, Any]:
    """Error statistics of client ``records`` against the mock server's ground-truth records."""
    by_id = {t["request_id"]: t for t in truth}
    send, recv, recv_first, ttft_err, tpot_err = [], [], [], [], []
    c_ttft, t_ttft, c_tpot, t_tpot = [], [], [], []
    n_ok = n_matched = 0
    client_tokens = 0
    first_sent, last_done = math.inf, -math.inf
    matched = []
    records = list(records)
    # the client's TTFT and TPOT by the one definition of each (analyze.metrics.request_metrics)
    client = {
        row["request_id"]: row
        for row in request_metrics(requests_frame(records))
        .select("request_id", "ttft_ms", "tpot_ms")
        .iter_rows(named=True)
    }
    for r in records:
        if getattr(r, "warmup", False):
            continue
        first_sent = min(first_sent, r.sent_s if r.sent_s is not None else math.inf)
        last_done = max(last_done, r.done_s if r.done_s is not None else -math.inf)
        if not r.ok:
            continue
        n_ok += 1
        client_tokens += r.output_tokens or 0
        t = by_id.get(r.request_id)
        if t is None or not t.get("chunk_write_s"):
            continue
        n_matched += 1
        matched.append(t)
        writes = [w - run_t0 for w in t["chunk_write_s"]]
        received = t["received_s"] - run_t0
        send.append((received - r.sent_s) * 1e3)
        k = min(len(writes), len(r.chunk_times_s))
        lags = [(r.chunk_times_s[i] - writes[i]) * 1e3 for i in range(k)]
        recv.extend(lags)
        if lags:
            recv_first.append(lags[0])
        client_ttft_ms = client[r.request_id]["ttft_ms"]
        true_ttft_ms = (writes[0] - received) * 1e3
        ttft_err.append(client_ttft_ms - true_ttft_ms)
        c_ttft.append(client_ttft_ms)
        t_ttft.append(true_ttft_ms)
        client_tpot_ms = client[r.request_id]["tpot_ms"]
        if client_tpot_ms is not None and len(writes) > 1:
            true_tpot_ms = (writes[-1] - writes[0]) / (len(writes) - 1) * 1e3  # ground truth: the server's writes
            tpot_err.append(client_tpot_ms - true_tpot_ms)
            c_tpot.append(client_tpot_ms)
            t_tpot.append(true_tpot_ms)
    client_dur = last_done - first_sent
    client_thr = client_tokens / client_dur if n_ok and client_dur > 0 else None
    server_thr = None
    if matched:
        s_tokens = sum(len(t["chunk_write_s"]) for t in matched)
        s_start = min(t["received_s"] for t in matched)
        s_end = max((t.get("done_s") or t["chunk_write_s"][-1]) for t in matched)
        server_thr = s_tokens / (s_end - s_start) if s_end > s_start else None
    rel = (client_thr / server_thr - 1.0) if client_thr and server_thr else None
    return {
        "n_ok": n_ok,
        "n_matched": n_matched,
        "send_ms": _stats(send),
        "recv_ms": _stats(recv),
        "recv_first_ms": _stats(recv_first),
        "ttft_err_ms": _stats(ttft_err),
        "tpot_err_ms": _stats(tpot_err),
        # difference of medians (what a client that only reports medians, like vllm bench serve, allows)
        "ttft_median_diff_ms": _diff(_q(c_ttft, 50), _q(t_ttft, 50)),
        "tpot_median_diff_ms": _diff(_q(c_tpot, 50), _q(t_tpot, 50)),
        "true_ttft_p50_ms": _round(_q(t_ttft, 50)),
        "true_tpot_p50_ms": _round(_q(t_tpot, 50)),
        "throughput": {
            "client_tok_per_s": client_thr,
            "server_tok_per_s": server_thr,
            "rel_err": None if rel is None else round(rel, 6),
        },
    }


def level_within(
    level: Mapping[str, Any],
    max_error_ms: float = 1.0,
    max_tpot_error_ms: float = 0.5,
    max_throughput_rel_err: float = 0.01,
) -> bool:
    """Whether one measured level (a :func:`measure_client_error` dict) is within accuracy."""
    try:
        ttft = level["ttft_err_ms"]["p50"]
        tpot = level["tpot_err_ms"]["p50"]
        recv = level["recv_ms"]["p50"]
        rel = level["throughput"]["rel_err"]
    except (KeyError, TypeError):
        return False
    if None in (ttft, recv, rel) or level.get("n_ok", 0) < level.get("n_requests", 0):
        return False
    if tpot is not None and abs(tpot) > max_tpot_error_ms:
        return False
    return abs(ttft) <= max_error_ms and recv <= max_error_ms and abs(rel) <= max_throughput_rel_err


def server_held(level: Mapping[str, Any], max_lateness_p50_ms: float = 1.0, max_lateness_p99_ms: float = 5.0) -> bool:
    """Whether the mock server held its emission schedule during the level: chunk-write lateness
    (write − scheduled, all chunks) p50 ≤ 1 ms and p99 ≤ 5 ms. Its asyncio timers alone wake
    ~0.2–1 ms late, so tighter bounds would flag a healthy server; past these it is saturated and
    its own timestamps may trail the bytes."""
    late = (level.get("server") or {}).get("lateness_ms") or {}
    p50, p99 = late.get("p50"), late.get("p99")
    return p50 is not None and p99 is not None and p50 <= max_lateness_p50_ms and p99 <= max_lateness_p99_ms


def measure_client_error(
    server: Any,
    streams: int,
    *,
    output_len: int = 32,
    input_len: int = 32,
    rounds: int = 2,
    processes: int = 1,
    loop: str = "asyncio",
    pool: Any = None,
    request_timeout_s: float = 120.0,
    arrivals: str = "ramp",
) -> dict[str, Any]:
    """One closed-loop level of ``streams`` streams × ``rounds`` requests each against a running
    mock server (a :class:`claimbench.measurement.mockserver.MockServerHandle`), compared to its ground truth.

    ``processes`` > 1 runs the client as a :class:`claimbench.measurement.workers.WorkerPool` (``pool`` may
    pass an open one); ``loop`` is the event loop of a one-process client (``asyncio``, as
    ``HttpEngine`` uses, or ``uvloop``/``auto``). ``arrivals``: ``ramp`` spreads the streams'
    starts evenly over one request's duration (steady state: the server sees a constant arrival
    rate, and the level tests the client at ``streams`` concurrent streams); ``burst`` starts them
    all at once, as ``claimbench measure --concurrency`` does, which also tests the server's
    intake of a burst of simultaneous requests (it shows up in ``send_ms``).
    """
    if arrivals not in ("ramp", "burst"):
        raise ValueError(f"arrivals must be ramp or burst, got {arrivals!r}")
    from claimbench.measurement.client import ClientConfig, run_interruptibly, run_level_async
    from claimbench.measurement.workers import WorkerPool, closed_loop_ramped, new_event_loop
    from claimbench.measurement.workload import WorkloadSpec, make_prompts
    from claimbench.schema.records import LoadLevel

    cfg = ClientConfig(base_url=server.base_url, model=server.options.model, request_timeout_s=request_timeout_s)
    spec = WorkloadSpec(
        input_len=input_len, output_len=output_len, num_prompts=streams * rounds, seed=0, vocab_size=1000
    )
    prompts = make_prompts(spec)
    level = LoadLevel(0, concurrency=streams, num_prompts=len(prompts))
    records: list[Any] = []
    ramp_s = (server.options.ttft_ms + output_len * server.options.gap_ms) / 1e3 if arrivals == "ramp" else 0.0
    own_pool = None
    if processes > 1 and pool is None:
        own_pool = pool = WorkerPool(processes)
    try:
        # warm-up: imports, first connections (not compared)
        warm = make_prompts(
            WorkloadSpec(input_len=input_len, output_len=2, num_prompts=min(streams, 8), seed=0, vocab_size=1000),
            stream=1,
        )
        wl = LoadLevel(0, concurrency=len(warm), num_prompts=len(warm))
        if pool is not None:
            pool.run_level(cfg, wl, warm, time.monotonic(), [], warmup=True)
            server.reset()
            run_t0 = time.monotonic()
            pool.run_level(cfg, level, prompts, run_t0, records, ramp_s=ramp_s)
        else:
            ev, _ = new_event_loop(loop)
            try:
                run_interruptibly(ev, run_level_async(cfg, wl, warm, time.monotonic(), [], warmup=True))
                server.reset()
                run_t0 = time.monotonic()
                if ramp_s:
                    run_interruptibly(ev, closed_loop_ramped(cfg, level, prompts, run_t0, records, ramp_s))
                else:
                    run_interruptibly(ev, run_level_async(cfg, level, prompts, run_t0, records))
            finally:
                ev.close()
    finally:
        if own_pool is not None:
            own_pool.close()
    stats = server.stats()
    out = compare_to_truth(records, stats["records"], run_t0)
    summ = stats["summary"]
    n_chunks = summ.get("n_chunks") or 0
    thr = out["throughput"]["server_tok_per_s"]
    out.update(
        {
            "streams": streams,
            "processes": processes,
            "arrivals": arrivals,
            "ramp_s": ramp_s,
            "loop": (
                sorted(set(pool.loop_names))[0] if pool is not None else loop if loop != "auto" else new_loop_name()
            ),
            "n_requests": len(prompts),
            "output_len": output_len,
            "input_len": input_len,
            "ttft_ms": server.options.ttft_ms,
            "gap_ms": server.options.gap_ms,
            "chunks_per_s": round(thr, 1) if thr else None,
            "n_chunks": n_chunks,
            "server": {
                "lateness_ms": summ.get("lateness_ms"),
                "first_chunk_lateness_ms": summ.get("first_chunk_lateness_ms"),
                "loop": stats.get("loop"),
            },
        }
    )
    out["server_held"] = server_held(out)
    out["within"] = level_within(out)
    return out


def new_loop_name() -> str:
    try:
        import uvloop  # noqa: F401

        return "uvloop"
    except ImportError:
        return "asyncio"


def failure_reason(level: Mapping[str, Any], max_error_ms: float = 1.0) -> str | None:
    """Why a level is not a valid accurate level: ``server`` (the server did not hold its schedule:
    not checkable), ``send_side`` (only the send side, server received − client sent, which is
    loopback plus the server's intake, is over the bound; the client's receive side is fine),
    ``client`` (the client's receive lag, TPOT or throughput is off), or None when within."""
    if not level.get("server_held"):
        return "server"
    if level.get("within"):
        return None
    recv = (level.get("recv_ms") or {}).get("p50")
    send = (level.get("send_ms") or {}).get("p50")
    ttft = (level.get("ttft_err_ms") or {}).get("p50")
    tpot = (level.get("tpot_err_ms") or {}).get("p50")
    rel = (level.get("throughput") or {}).get("rel_err")
    client_ok = (
        recv is not None
        and recv <= max_error_ms
        and (tpot is None or abs(tpot) <= 0.5)
        and rel is not None
        and abs(rel) <= 0.01
    )
    if client_ok and send is not None and ttft is not None and ttft - send <= max_error_ms:
        return "send_side"
    return "client"


def ceiling_of(levels: Sequence[Mapping[str, Any]], max_error_ms: float = 1.0) -> dict[str, Any]:
    """Highest stream count within accuracy while the server held its schedule, with no checkable
    level below it out of accuracy. Levels where the server gave out are skipped (not checkable);
    ``limited_by`` is the reason (:func:`failure_reason`) of the first level above the ceiling, or
    ``untested_beyond``."""
    best = None
    limited_by = None
    for lv in sorted(levels, key=lambda d: d["streams"]):
        why = failure_reason(lv, max_error_ms)
        if why is None:
            if limited_by in (None, "server"):
                best, limited_by = lv, None
            continue
        if why == "server":
            limited_by = limited_by or "server"
            continue
        limited_by = why
        break
    tested_max = max((lv["streams"] for lv in levels), default=None)
    return {
        "streams": best["streams"] if best else None,
        "chunks_per_s": best.get("chunks_per_s") if best else None,
        "limited_by": limited_by or "untested_beyond",
        "tested_max_streams": tested_max,
    }


def calibrate_client(
    streams: Sequence[int] = DEFAULT_STREAMS,
    *,
    gap_ms: float = 50.0,
    ttft_ms: float = 100.0,
    output_len: int = 32,
    input_len: int = 32,
    rounds: int = 2,
    processes: int = 1,
    loop: str = "auto",
    max_error_ms: float = 1.0,
    server: Any = None,
    arrivals: str = "ramp",
    stop_when_client_fails: bool = True,
) -> dict[str, Any]:
    """Measure the client's timing error against a fresh mock server at each stream count.

    With ``processes=1`` (the default) this is the ceiling of **one client process**: what one
    Ray worker (or the one-process client) holds, on the event loop it runs (``loop="auto"``:
    uvloop where installed, as both do). ``per_worker`` repeats that ceiling; a run with
    ``--workers N`` compares each worker's share of its load with it (:func:`ceiling_warning`).
    With ``stop_when_client_fails`` the levels above the first one out of accuracy are skipped:
    past a client or send-side failure they cannot raise the ceiling, and a reference server that
    gave out at S streams on this host will not hold 4·S (the calibration stays short on a busy host).

    Returns (JSON-able)::

        {"schema": 2, "instrument": "claimbench.measurement.mockserver", "created": ISO time,
         "client": {"kind": "claimbench", "processes": int, "loop": str},
         "settings": {"gap_ms", "ttft_ms", "output_len", "input_len", "rounds", "max_error_ms"},
         "host": {"cpu_model", "logical_cores", "memory_gib", "os", "python", "aiohttp", "uvloop", ...},
         "levels": [ {"streams", "chunks_per_s", "n_requests", "n_ok",
                      "ttft_err_ms": {"p50","p99","max","min","n"}, "tpot_err_ms": {...},
                      "send_ms": {...}, "recv_ms": {...}, "recv_first_ms": {...},
                      "throughput": {"client_tok_per_s","server_tok_per_s","rel_err"},
                      "server": {"lateness_ms": {...}, "first_chunk_lateness_ms": {...}, "loop"},
                      "server_held": bool, "within": bool, ...}, ...],
         "ceiling": {"streams": int|None, "chunks_per_s": float|None,
                     "limited_by": "client"|"server"|"untested_beyond", "tested_max_streams": int},
         "per_worker": {"streams", "chunks_per_s", "limited_by", "processes", "loop", "meaning"},
         "duration_s": float}

    ``ceiling.streams`` is None when even the lowest level was not within accuracy.
    Takes about ``rounds · (ttft + output_len · gap)`` per level plus ~1 s to start the server.
    """
    from claimbench.measurement.mockserver import start_mock_server
    from claimbench.measurement.store import utc_now_iso
    from claimbench.measurement.workers import WorkerPool

    t_start = time.monotonic()
    own = server is None
    if own:
        server = start_mock_server(ttft_ms=ttft_ms, gap_ms=gap_ms)
    pool = WorkerPool(processes) if processes > 1 else None
    levels = []
    try:
        for s in sorted(set(int(x) for x in streams)):
            lv = measure_client_error(
                server,
                s,
                output_len=output_len,
                input_len=input_len,
                rounds=rounds,
                processes=processes,
                loop=loop,
                pool=pool,
                arrivals=arrivals,
            )
            levels.append(lv)
            if stop_when_client_fails and failure_reason(lv, max_error_ms) is not None:
                break  # a higher level cannot raise the ceiling (client, send side), or the server gave out
    finally:
        if pool is not None:
            pool.close()
        if own:
            server.stop()
    for lv in levels:
        lv["within"] = level_within(lv, max_error_ms=max_error_ms)
    loop_name = levels[0]["loop"] if levels else loop
    ceiling = ceiling_of(levels)
    return {
        "schema": CALIBRATION_SCHEMA,
        "instrument": "claimbench.measurement.mockserver",
        "created": utc_now_iso(),
        "client": {"kind": "claimbench", "processes": processes, "loop": loop_name},
        "settings": {
            "gap_ms": gap_ms,
            "ttft_ms": ttft_ms,
            "output_len": output_len,
            "input_len": input_len,
            "rounds": rounds,
            "max_error_ms": max_error_ms,
            "arrivals": arrivals,
        },
        "host": host_description(),
        "levels": levels,
        "ceiling": ceiling,
        "per_worker": {
            "streams": ceiling["streams"] if processes == 1 else None,
            "chunks_per_s": ceiling["chunks_per_s"] if processes == 1 else None,
            "limited_by": ceiling["limited_by"],
            "processes": processes,
            "loop": loop_name,
            "meaning": "streams and chunks/s one client process (one Ray worker) holds at <= "
            f"{max_error_ms:g} ms median TTFT error on this host, the reference server on the same host",
        },
        "duration_s": round(time.monotonic() - t_start, 2),
    }


def ceiling_line(calibration: Mapping[str, Any], workers: int = 1) -> str:
    """One line for the terminal: the per-worker ceiling and what ``workers`` hold together (pure)."""
    pw = per_worker_ceiling(calibration)
    streams, rate = pw.get("streams"), pw.get("chunks_per_s")
    bound = (calibration.get("settings") or {}).get("max_error_ms", 1.0)
    if streams is None:
        return f"client calibration: no stream count within {bound:g} ms median TTFT error here (limited by {pw.get('limited_by')})"
    line = (
        f"client ceiling here: {streams:,} streams, {rate or 0:,.0f} chunks/s per worker (one process) at <= {bound:g} ms "
        f"median TTFT error (limited by {pw.get('limited_by')}"
        f"{'' if pw.get('limited_by') != 'untested_beyond' else ': not tried higher'})"
    )
    if workers > 1:
        line += f"; {workers} workers: {streams * workers:,} streams, {(rate or 0) * workers:,.0f} chunks/s"
    return line


def per_worker_ceiling(calibration: Mapping[str, Any]) -> dict[str, Any]:
    """The one-process ceiling of a calibration: its ``per_worker`` entry, or (a calibration of one
    process recorded before it existed) its ``ceiling``; empty when it measured a pool."""
    pw = calibration.get("per_worker")
    if isinstance(pw, Mapping):
        return dict(pw)
    if ((calibration.get("client") or {}).get("processes") or 1) == 1:
        return dict(calibration.get("ceiling") or {})
    return {}


def client_capacity(calibration: Mapping[str, Any] | None, workers: int, loop: str | None) -> dict[str, Any]:
    """The manifest's ``client_capacity`` entry: the client's event loop and JSON decoder, its
    measured per-worker ceiling and what ``workers`` of them hold together (pure)."""
    import importlib.metadata as md

    def ver(dist: str) -> str | None:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return None

    w = max(1, int(workers or 1))
    pw = per_worker_ceiling(calibration) if calibration else {}
    streams, rate = pw.get("streams"), pw.get("chunks_per_s")
    return {
        "event_loop": loop,
        "uvloop": ver("uvloop") if loop == "uvloop" else None,
        "json_decoder": f"msgspec {ver('msgspec')} (typed chunk); stdlib json only to name a refused event",
        "http_transport": "claimbench.measurement.rawhttp (asyncio.Protocol) for http://; aiohttp for https://",
        "workers": w,
        "ceiling_per_worker": None
        if not calibration
        else {"streams": streams, "chunks_per_s": rate, "limited_by": pw.get("limited_by")},
        "ceiling_all_workers": None
        if not calibration or streams is None
        else {
            "streams": streams * w,
            "chunks_per_s": None if rate is None else round(rate * w, 1),
            "assumes": "each worker on a core of its own, as measured for one (Ray reserves one CPU per worker)",
        },
        "calibration_per_worker": None
        if not calibration
        else "one client process measured on the coordinator's host against the reference server there; "
        "remote worker hosts are not calibrated one by one",
    }


def ceiling_warning(
    summary_row: Mapping[str, Any], calibration: Mapping[str, Any] | None, margin: float = 0.8, workers: int = 1
) -> str | None:
    """A one-line warning when a run's load approaches or passes the client's calibrated ceiling.

    ``summary_row`` is a summary.parquet row (``concurrency``, ``output_tok_per_s``; with one token
    per chunk, output tok/s is the chunk rate, otherwise an upper bound of it). The ceiling is one
    client process's (:func:`per_worker_ceiling`); with ``workers`` client workers each carries
    ``1/workers`` of the level (the plan is dealt round-robin), so that share is compared. Warns
    when the share's concurrency or rate is at least ``margin`` × the ceiling, when it is beyond
    the highest level calibrated, or when the calibration found no accurate level. Pure; None
    means no concern.
    """
    if not calibration:
        return None
    ceiling = {**(calibration.get("ceiling") or {}), **per_worker_ceiling(calibration)}
    c_streams, c_rate = ceiling.get("streams"), ceiling.get("chunks_per_s")
    w = max(1, int(workers or 1))
    conc = summary_row.get("concurrency")
    rate = summary_row.get("output_tok_per_s")
    if w > 1:
        conc = None if conc is None else math.ceil(conc / w)
        rate = None if rate is None else rate / w
    each = " per worker" if w > 1 else ""
    label = f"level {summary_row.get('level')}" if summary_row.get("level") is not None else "this level"
    if c_streams is None:
        return (
            f"{label}: the client calibration found no stream count with timing error within "
            f"{(calibration.get('settings') or {}).get('max_error_ms', 1.0):g} ms; timings are unverified"
        )
    problems = []
    limited = str(ceiling.get("limited_by") or "")
    if conc is not None and conc >= margin * c_streams:
        if conc > c_streams:
            beyond = (
                "past the highest level calibrated"
                if limited == "untested_beyond"
                else "past the client's calibrated ceiling"
            )
            problems.append(f"concurrency {conc}{each} is {beyond} ({c_streams} streams)")
        else:
            problems.append(f"concurrency {conc}{each} is near the client's calibrated ceiling ({c_streams} streams)")
    if rate is not None and c_rate and rate >= margin * c_rate:
        word = "above" if rate > c_rate else "near"
        problems.append(f"{rate:,.0f} tok/s{each} is {word} the calibrated chunk rate ({c_rate:,.0f} chunks/s)")
    if not problems:
        return None
    why = {
        "client": "the client's error grows beyond it",
        "server": "the reference server gave out first",
        "send_side": "beyond it the send side (server intake) grows",
        "untested_beyond": "not calibrated beyond it",
    }.get(limited, "")
    return (
        f"{label}: "
        + "; ".join(problems)
        + (f" ({why})" if why else "")
        + "; client timing error may exceed 1 ms: consider more client workers (--workers N)"
        + (f" (the level is shared by {w} workers)" if w > 1 else "")
    )

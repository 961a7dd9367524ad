"""The streaming client as N Ray actors: one mechanism for one host and for a cluster.

One Python process parses every streamed chunk on one core; past a few thousand chunks per second
its timestamps grow late (``benchmarks/README.md``). :class:`WorkerPool` runs the recording client
(:func:`claimbench.measurement.client.send_one`) in ``workers`` Ray actors — on a Ray instance
started for the run on 127.0.0.1 (default), or on an existing cluster (``ray_address``) — and
merges their raw records. It replaces the former home-made process pool (``--client-processes``).

**One global plan.** :func:`claimbench.measurement.loadgen.split_level` splits each level so that
the aggregate is the plan whatever the number of workers: closed-loop streams (and their global
ramp-up offsets) are dealt round-robin; open-loop arrival offsets are drawn once from the seed and
dealt round-robin. Warmup prompts go through the same split. All workers start at one instant.

**Exact merging.** Workers keep raw :class:`~claimbench.schema.records.RequestRecord` rows (every
chunk time); the coordinator drains them while the level runs (a few times a second: worker
memory stays bounded and progress is live) and appends them to the run's records. No metric is
computed on a worker.

**Clocks.** Each worker's ``time.monotonic()`` is compared to the coordinator's by round-trip
probes (``offset = t_worker − (t_send + t_recv)/2``, uncertainty ± RTT/2 of the fastest probe).
A worker on the coordinator's kernel (same ``boot_id``) shares CLOCK_MONOTONIC: its applied offset
is exactly 0 and the probe is kept as a check. Otherwise the measured offset is applied: the worker
runs on ``run_t0 + offset`` so its timestamps are on the coordinator's clock. Probes are repeated
after every level (drift is recorded). :meth:`WorkerPool.describe` gives workers, hosts, offsets
and their uncertainty for the manifest.

**Faults.** A worker that dies (or stops answering for 30 s) mid-level: its in-flight requests (as
last drained; their chunks are not kept) are recorded as failed with the reason; the failure is listed (level, worker,
host, reason, requests lost and not sent) and the level marked in :meth:`describe`. With
``on_failure="continue"`` the other workers finish the level and a new actor replaces the dead one
for the next level; with ``"stop"`` :class:`WorkerFailed` is raised when the level ends (the
runner keeps the completed levels). When every worker of a level died (a dead Ray node, raylet or
runtime agent) :class:`WorkerFailed` is raised whatever ``on_failure`` says: the level is lost,
never completed. Ctrl-C stops every worker; rows in flight are kept, not
completed.
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import time
import urllib.parse
import weakref
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from typing import Any

from claimbench.measurement.client import ClientConfig, dispatch_open_loop, make_session, send_one
from claimbench.measurement.loadgen import WorkerShare, split_level
from claimbench.measurement.workload import Prompt
from claimbench.schema.records import LoadLevel, RequestRecord

__all__ = [
    "WorkerPool",
    "WorkerFailed",
    "ClientWorker",
    "clock_offset",
    "closed_loop_ramped",
    "new_event_loop",
    "ray_session",
]

_START_MARGIN_S = 0.3  # time for the run_share calls to reach every worker before the common start
_POLL_S = 0.25
_PROBES = 16
LOCAL_OBJECT_STORE_BYTES = 100 * 2**20  # the raw rows travel as task results; a small store suffices
_live_pools: weakref.WeakSet = weakref.WeakSet()  # open pools (fault-injection drills reach them here)


class WorkerFailed(RuntimeError):
    """A client worker died during a level and the pool was told to stop (``on_failure="stop"``)."""


def new_event_loop(kind: str = "auto") -> tuple[asyncio.AbstractEventLoop, str]:
    """A fresh event loop: ``uvloop`` when ``kind`` is auto/uvloop and it is installed, else asyncio.
    Returns the loop and its name."""
    if kind not in ("auto", "asyncio", "uvloop"):
        raise ValueError(f"loop must be auto, asyncio or uvloop, got {kind!r}")
    if kind in ("auto", "uvloop"):
        try:
            import uvloop

            return uvloop.new_event_loop(), "uvloop"
        except ImportError:
            if kind == "uvloop":
                raise
    return asyncio.new_event_loop(), "asyncio"


def boot_id() -> str | None:
    """This kernel's boot id: two processes with the same one share CLOCK_MONOTONIC."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as fh:
            return fh.read().strip() or None
    except OSError:
        return None


def clock_offset(probes: Sequence[tuple[float, float, float]]) -> dict[str, float | int]:
    """Offset of a worker's clock to the coordinator's from round-trip probes (pure).

    Each probe is ``(t_send, t_worker, t_recv)``: coordinator clock before the call, worker clock
    inside it, coordinator clock after. The fastest probe bounds the offset best: ``offset =
    t_worker − (t_send + t_recv)/2``, exact to ± RTT/2 whatever the asymmetry of the two legs."""
    if not probes:
        raise ValueError("no clock probes")
    t0, tw, t1 = min(probes, key=lambda p: p[2] - p[0])
    rtt = t1 - t0
    return {"offset_s": tw - (t0 + t1) / 2, "uncertainty_s": rtt / 2, "rtt_min_s": rtt, "n_probes": len(probes)}


async def closed_loop_ramped(
    cfg: ClientConfig,
    level: LoadLevel,
    prompts: Sequence[Prompt],
    run_t0: float,
    records: list[RequestRecord],
    ramp_s: float,
    warmup: bool = False,
    should_stop: Callable[[], bool] = lambda: False,
    loop: str = "auto",
) -> None:
    """One-process closed loop whose stream ``j`` of ``n`` starts ``j · ramp_s / n`` after the
    level's start (the global plan of :func:`split_level` run by one client)."""
    lv = replace(level, ramp_s=ramp_s)
    built = list(prompts)  # before the level starts, not in its first ramp slots
    (share,) = split_level(lv, len(built), 1, 0)
    start = time.monotonic() - run_t0
    await _closed_share(cfg, lv, share, built, run_t0, start, warmup, should_stop, records.append, None)


async def _closed_share(
    cfg: ClientConfig,
    level: LoadLevel,
    share: WorkerShare,
    prompts: list[Prompt],
    run_t0: float,
    start: float,
    warmup: bool,
    should_stop: Callable[[], bool],
    on_new: Callable[[RequestRecord], None],
    on_done: Callable[[RequestRecord], None] | None,
) -> None:
    """Closed loop over this worker's streams: stream ``j`` starts at ``start + stream_starts_s[j]``
    and sends the worker's next prompt each time its previous request ends."""
    clock = time.monotonic
    deadline = None if level.duration_s is None or warmup else start + level.duration_s
    queue = list(reversed(prompts))

    async def stream(session, offset: float) -> None:
        delay = start + offset - (clock() - run_t0)
        if delay > 0:
            await asyncio.sleep(delay)
        while queue and not should_stop():
            now = clock() - run_t0
            if deadline is not None and now >= deadline:
                return
            prompt = queue.pop()
            rec = RequestRecord.for_prompt(level.level, prompt, now, warmup)
            on_new(rec)
            await send_one(session, cfg, prompt, rec, run_t0)
            if on_done is not None:
                on_done(rec)

    async with make_session(max(1, len(share.streams))) as session:
        await asyncio.gather(*(stream(session, off) for off in share.stream_starts_s))


def _record_from_row(row: dict[str, Any]) -> RequestRecord:
    names = {f.name for f in fields(RequestRecord)}
    return RequestRecord(**{k: v for k, v in row.items() if k in names})


class ClientWorker:
    """The client worker (the body of a Ray actor; plain class so it can also run in-process).

    Every method is a coroutine: in a Ray async actor they share the actor's event loop, so
    :meth:`drain` and :meth:`stop` run while :meth:`run_share` sends and records."""

    def __init__(self, index: int):
        self.index = index
        self._stop = False
        self._inflight: dict[str, RequestRecord] = {}
        self._done: list[RequestRecord] = []

    async def info(self) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        return {
            "index": self.index,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "boot_id": boot_id(),
            "loop": type(loop).__module__.split(".")[0],
        }

    async def clock(self) -> float:
        return time.monotonic()

    async def stop(self) -> None:
        self._stop = True

    async def drain(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Rows finished since the last drain, and light snapshots of the rows still in flight
        (their chunk lists left out: they are only used if this worker dies, as failed rows)."""
        done, self._done = self._done, []
        live = [{**r.as_row(), "chunk_times_s": [], "chunk_tokens": []} for r in self._inflight.values()]
        return [r.as_row() for r in done], live

    async def run_share(
        self,
        cfg: ClientConfig,
        level: LoadLevel,
        share: WorkerShare,
        prompts: list[Prompt],
        run_t0: float,
        start_at: float,
        warmup: bool,
        offset_s: float,
    ) -> dict[str, Any]:
        """Run this worker's share. ``run_t0`` and ``start_at`` are on the coordinator's clock;
        ``offset_s`` (worker clock − coordinator clock) puts this worker's timestamps on it."""
        self._stop = False
        t0 = run_t0 + offset_s
        start = start_at - run_t0  # level start, seconds from run start (same on both clocks)
        delay = start_at + offset_s - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        late_ms = (time.monotonic() - (start_at + offset_s)) * 1000

        def on_new(rec: RequestRecord) -> None:
            self._inflight[rec.request_id] = rec

        def on_done(rec: RequestRecord) -> None:
            self._inflight.pop(rec.request_id, None)
            self._done.append(rec)

        def should_stop() -> bool:
            return self._stop

        if share.kind == "closed":
            await _closed_share(cfg, level, share, prompts, t0, start, warmup, should_stop, on_new, on_done)
        else:
            deadline = None if level.duration_s is None or warmup else start + level.duration_s

            async def fire(session, prompt: Prompt, due: float) -> None:
                rec = RequestRecord.for_prompt(level.level, prompt, due, warmup)
                on_new(rec)
                await send_one(session, cfg, prompt, rec, t0)
                on_done(rec)

            items = [(off, p) for (off, _), p in zip(share.arrivals, prompts)]
            async with make_session(len(items) or 1) as session:
                await dispatch_open_loop(items, start, t0, deadline, should_stop, lambda p, due: fire(session, p, due))
        return {"start_late_ms": late_ms}


def _sanitize_address(address: str) -> str:
    """A Ray address without credentials (``ray://user:pw@host:10001`` → ``ray://host:10001``)."""
    p = urllib.parse.urlparse(address)
    if p.scheme and p.hostname:
        return urllib.parse.urlunparse((p.scheme, p.hostname + (f":{p.port}" if p.port else ""), "", "", "", ""))
    return address


def ray_session(address: str | None = None, num_cpus: int | None = None) -> tuple[Any, bool]:
    """Connect to Ray: ``address`` (an existing cluster: ``auto``, ``host:6379``, ``ray://…``) or,
    when None, a local instance started for the caller on 127.0.0.1 with a small object store and
    no dashboard. Returns ``(ray, started)``; ``started`` is True when the caller owns the instance
    (it must ``ray.shutdown()`` it). An instance already initialized in this process is reused."""
    if address is None or address.split("://")[-1].startswith(("127.", "localhost", "[::1]")):
        # Before ray is imported: on Linux Ray would otherwise advertise the host's outbound address;
        # this keeps a local instance's node address (and so its listeners) on 127.0.0.1.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        # On a busy host the raylet's agents start slowly; Ray's 30 s default then aborts the raylet.
        os.environ.setdefault("RAY_agent_register_timeout_ms", "180000")
        os.environ.setdefault("RAY_raylet_start_wait_time_s", "180")
    import ray

    if ray.is_initialized():
        return ray, False
    import signal
    import threading

    main = threading.current_thread() is threading.main_thread()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)} if main else {}
    try:
        _init(ray, address, num_cpus)
    finally:
        # ray.init installs its own SIGTERM handler (it exits the process): keep the caller's, so a
        # SIGTERM or Ctrl-C ends the sweep with a written, interrupted bundle
        for sig, h in handlers.items():
            if h is not None:
                signal.signal(sig, h)
    return ray, True


def _init(ray: Any, address: str | None, num_cpus: int | None) -> None:
    kw: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "configure_logging": False,
        "namespace": "claimbench",
    }
    if address is None:
        for attempt in (1, 2):  # one retry: a loaded host can miss Ray's fixed 30 s node start wait
            try:
                ray.init(
                    address="local",
                    num_cpus=max(num_cpus or 1, os.cpu_count() or 1),
                    object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                    **kw,
                )
                break
            except Exception:
                ray.shutdown()
                if attempt == 2:
                    raise
    else:
        try:
            ray.init(address=address, **kw)
        except (ConnectionError, RuntimeError) as exc:
            raise _join_error(address, exc) from None


def _join_error(address: str, exc: BaseException) -> Exception:
    """The one-line error for a Ray cluster that cannot be joined (named by ``--ray-address``)."""
    from claimbench.errors import UserError

    chain: list[str] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 5:
        chain.append(" ".join(str(e).split()))
        e = e.__cause__ or e.__context__
    hint = (
        " (the cluster uses token authentication: set RAY_AUTH_MODE=token, with its token in ~/.ray/auth_token"
        " or RAY_AUTH_TOKEN)"
        if any("InvalidAuthToken" in c for c in chain)
        else ""
    )
    return UserError(f"--ray-address {_sanitize_address(address)}: cannot join the Ray cluster: {chain[0][:200]}{hint}")


def cluster_description(ray: Any) -> dict[str, Any]:
    """Nodes of the connected Ray cluster and what each offers (CPUs, GPUs, other accelerators)."""
    nodes = []
    for n in ray.nodes():
        if not n.get("Alive", True):
            continue
        res = n.get("Resources") or {}
        devices = {
            k: v
            for k, v in sorted(res.items())
            if k not in ("CPU", "memory", "object_store_memory") and not k.startswith(("node:", "accelerator_type:"))
        }
        nodes.append(
            {
                "node_ip": n.get("NodeManagerAddress"),
                "hostname": n.get("NodeManagerHostname"),
                "cpus": res.get("CPU"),
                "devices": devices,
                "accelerator_types": sorted(k.split(":", 1)[1] for k in res if k.startswith("accelerator_type:")),
            }
        )
    return {"nodes": len(nodes), "per_node": sorted(nodes, key=lambda d: str(d["node_ip"]))}


class WorkerPool:
    """``workers`` client workers as Ray actors; use as a context manager (see the module docstring).

    :meth:`run_level` has the client part of :meth:`claimbench.measurement.engines.http.HttpEngine.run_level`'s
    signature and appends the merged records to ``records`` as they arrive."""

    def __init__(
        self,
        workers: int = 2,
        ray_address: str | None = None,
        on_failure: str = "continue",
        start_timeout_s: float = 120.0,
    ):
        if workers < 1:
            raise ValueError("workers must be >= 1")
        if on_failure not in ("continue", "stop"):
            raise ValueError(f"on_failure must be continue or stop, got {on_failure!r}")
        self.workers = workers
        self.on_failure = on_failure
        self.ray_address = ray_address
        self.start_timeout_s = start_timeout_s
        self._ray, self._owns_ray = ray_session(ray_address, num_cpus=workers)
        self._actor_cls = self._ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(ClientWorker)
        self._actors: list[Any] = [None] * workers
        self.infos: list[dict[str, Any]] = [{} for _ in range(workers)]
        self.clocks: list[dict[str, Any]] = [{} for _ in range(workers)]
        self.clock_history: list[dict[str, Any]] = []
        self.failures: list[dict[str, Any]] = []
        self.restarts = 0
        self.coordinator = {"host": socket.gethostname(), "pid": os.getpid(), "boot_id": boot_id()}
        self.cluster: dict[str, Any] = {}
        try:
            self.cluster = cluster_description(self._ray)
            for i in range(workers):
                self._spawn(i)
            self._start_all()
            _live_pools.add(self)
        except BaseException:
            self.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------
    def _spawn(self, i: int) -> None:
        opts: dict[str, Any] = {}
        if self.ray_address is not None:
            opts["scheduling_strategy"] = "SPREAD"  # one worker per node first
        self._actors[i] = self._actor_cls.options(**opts).remote(i)

    def _start_all(self, which: Sequence[int] | None = None) -> None:
        idx = list(range(self.workers)) if which is None else list(which)
        infos = self._ray.get([self._actors[i].info.remote() for i in idx], timeout=self.start_timeout_s)
        for i, info in zip(idx, infos):
            self.infos[i] = info
        for i in idx:
            self.clocks[i] = self._probe(i)

    def _probe(self, i: int, n: int = _PROBES) -> dict[str, Any]:
        probes = []
        actor = self._actors[i]
        for _ in range(n):
            t0 = time.monotonic()
            tw = self._ray.get(actor.clock.remote(), timeout=30)
            probes.append((t0, tw, time.monotonic()))
        est = clock_offset(probes)
        shared = self.coordinator["boot_id"] is not None and self.infos[i].get("boot_id") == self.coordinator["boot_id"]
        return {
            **est,
            "applied_offset_s": 0.0 if shared else est["offset_s"],
            "method": "shared CLOCK_MONOTONIC (same kernel boot_id); probe kept as a check"
            if shared
            else "round-trip probes: offset = t_worker - (t_send + t_recv)/2 of the fastest probe, ± RTT/2",
        }

    def _alive(self) -> list[int]:
        return [i for i, a in enumerate(self._actors) if a is not None]

    @property
    def loop_names(self) -> list[str]:
        return [info.get("loop", "?") for info in self.infos if info]

    # -- one level -------------------------------------------------------------------------
    def run_level(
        self,
        cfg: ClientConfig,
        level: LoadLevel,
        prompts: Sequence[Prompt],
        run_t0: float,
        records: list[RequestRecord],
        warmup: bool = False,
        seed: int = 0,
        on_request_done: Callable[[RequestRecord], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        timeout_s: float | None = None,
        ramp_s: float = 0.0,
    ) -> None:
        """Run one level over the workers; records are appended as they are drained."""
        if not self._actors:
            raise RuntimeError("worker pool is closed")
        dead = [i for i, a in enumerate(self._actors) if a is None]
        if dead:  # replace workers lost in an earlier level
            for i in dead:
                self._spawn(i)
                self.restarts += 1
            self._start_all(dead)
        if ramp_s and not level.ramp_s and level.concurrency is not None:
            level = replace(level, ramp_s=ramp_s)
        shares = split_level(level, len(prompts), self.workers, seed)
        if timeout_s is None:
            per_req = cfg.request_timeout_s or 600.0
            rounds = math.ceil(len(prompts) / max(1, level.concurrency or len(prompts)))
            timeout_s = 120.0 + (level.duration_s or 0.0) + per_req * max(1, rounds)
        start_at = time.monotonic() + _START_MARGIN_S + 0.01 * len(shares)
        refs: dict[int, Any] = {}
        planned: dict[int, int] = {}
        seen: dict[int, set[str]] = {}
        inflight: dict[int, dict[str, dict[str, Any]]] = {}
        for share in shares:
            i = share.worker
            mine = [prompts[k] for k in share.prompt_positions] if share.kind == "closed" else None
            if mine is None:
                mine = [prompts[k] for _, k in share.arrivals]
            planned[i], seen[i], inflight[i] = len(mine), set(), {}
            refs[i] = self._actors[i].run_share.remote(
                cfg, level, share, mine, run_t0, start_at, warmup, self.clocks[i]["applied_offset_s"]
            )
        failed_now: list[dict[str, Any]] = []

        def take(i: int, rows: list[dict[str, Any]]) -> None:
            for row in rows:
                rec = _record_from_row(row)
                seen[i].add(rec.request_id)
                inflight[i].pop(rec.request_id, None)
                records.append(rec)
                if on_request_done:
                    on_request_done(rec)

        def died(i: int, exc: BaseException) -> None:
            if self._actors[i] is None:
                return
            reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:240]}"
            host = self.infos[i].get("host")
            lost = list(inflight[i].values())
            for row in lost:
                rec = _record_from_row(row)
                rec.ok = False
                rec.error = f"client worker {i} on {host} died mid-level: {reason}"[:400]
                rec.done_s = rec.done_s if rec.done_s is not None else time.monotonic() - run_t0
                seen[i].add(rec.request_id)
                records.append(rec)
                if on_request_done:
                    on_request_done(rec)
            entry = {
                "level": level.level,
                "warmup": warmup,
                "worker": i,
                "host": host,
                "reason": reason,
                "in_flight_failed": len(lost),
                "not_sent": max(0, planned[i] - len(seen[i])),
            }
            self.failures.append(entry)
            failed_now.append(entry)
            try:  # a worker that stopped answering may still be running: end it
                self._ray.kill(self._actors[i], no_restart=True)
            except Exception:
                pass
            self._actors[i] = None
            refs.pop(i, None)

        def drain(i: int) -> None:
            if self._actors[i] is None:
                return
            try:
                done_rows, live = self._ray.get(self._actors[i].drain.remote(), timeout=30)
            except Exception as exc:  # the actor died (RayActorError) or hangs
                died(i, exc)
                return
            take(i, done_rows)
            inflight[i] = {r["request_id"]: r for r in live}

        deadline = time.monotonic() + timeout_s
        stopped = False
        try:
            while refs:
                ready, _ = self._ray.wait(list(refs.values()), num_returns=len(refs), timeout=_POLL_S)
                for i in list(refs):
                    drain(i)
                for i, ref in list(refs.items()):
                    if ref in ready:
                        try:
                            self._ray.get(ref)
                        except Exception as exc:
                            died(i, exc)
                            continue
                        drain(i)  # whatever finished after the last drain
                        refs.pop(i, None)
                if not stopped and should_stop():
                    stopped = True
                    self._tell_stop()
                if time.monotonic() > deadline:
                    self._tell_stop()
                    raise RuntimeError(f"client workers did not finish level {level.level} within {timeout_s:g} s")
        except KeyboardInterrupt:
            # Ctrl-C: every worker stops sending; what was drained is kept, rows in flight are kept
            # not completed (the runner marks them), and the workers are ended.
            self._tell_stop()
            for i in list(refs):
                drain(i)  # what finished since the last drain, and what is in flight now
            for i in list(refs):
                for row in inflight[i].values():
                    rec = _record_from_row(row)
                    rec.ok = False
                    records.append(rec)
            self._kill_all()
            raise
        for i in self._alive():
            try:
                self.clocks[i] = self._probe(i, 8)
            except Exception as exc:  # died after its share (RayActorError, GetTimeoutError): a worker failure
                planned.setdefault(i, 0)
                seen.setdefault(i, set())
                inflight.setdefault(i, {})
                died(i, exc)
                continue
            self.clock_history.append({"after_level": level.level, "worker": i, **self.clocks[i]})
        self._raise_if_level_lost(level, failed_now, sorted(planned))

    def _raise_if_level_lost(self, level: LoadLevel, failed_now: list[dict[str, Any]], sharers: list[int]) -> None:
        """Raise :class:`WorkerFailed` when a worker died in this level and the pool stops, or when
        every worker that had a share died (a dead Ray node: the level has nothing to stand on)."""
        if not failed_now:
            return
        f = failed_now[0]
        first = f"client worker {f['worker']} on {f['host']} died during level {level.level}: {f['reason']}"
        if all(self._actors[i] is None for i in sharers):
            raise WorkerFailed(
                f"every client worker died during level {level.level} (the Ray node or its agent may have "
                f"died), the level is lost; first: {first}"
            )
        if self.on_failure == "stop":
            raise WorkerFailed(first)

    def _tell_stop(self) -> None:
        for a in self._actors:
            if a is not None:
                try:
                    a.stop.remote()
                except Exception:
                    pass

    def _kill_all(self) -> None:
        for i, a in enumerate(self._actors):
            if a is not None:
                try:
                    self._ray.kill(a, no_restart=True)
                except Exception:
                    pass
                self._actors[i] = None

    def kill_worker(self, i: int) -> None:
        """End worker ``i`` abruptly (fault injection for tests and drills)."""
        self._ray.kill(self._actors[i], no_restart=True)

    def describe(self) -> dict[str, Any]:
        """Workers, hosts, clock offsets with their uncertainty, failures: for the manifest."""
        import ray

        workers = []
        for i, info in enumerate(self.infos):
            c = self.clocks[i]
            workers.append(
                {
                    "index": i,
                    "host": info.get("host"),
                    "pid": info.get("pid"),
                    "loop": info.get("loop"),
                    "same_kernel_as_coordinator": info.get("boot_id") is not None
                    and info.get("boot_id") == self.coordinator["boot_id"],
                    "clock": {
                        k: c.get(k)
                        for k in ("offset_s", "uncertainty_s", "rtt_min_s", "n_probes", "applied_offset_s", "method")
                    },
                }
            )
        return {
            "backend": "ray",
            "ray_version": ray.__version__,
            "ray_address": "local instance started for the run (127.0.0.1)"
            if self.ray_address is None
            else _sanitize_address(self.ray_address),
            "workers": self.workers,
            "per_worker": workers,
            "hosts": sorted({str(w["host"]) for w in workers}),
            "coordinator": {"host": self.coordinator["host"], "pid": self.coordinator["pid"]},
            "cluster": self.cluster,
            "clock_probes_after_levels": self.clock_history,
            "on_worker_failure": self.on_failure,
            "failures": list(self.failures),
            "levels_with_worker_failures": sorted({f["level"] for f in self.failures if not f["warmup"]}),
            "workers_restarted": self.restarts,
        }

    def close(self) -> None:
        _live_pools.discard(self)
        if getattr(self, "_actors", None):
            self._kill_all()
        self._actors = []
        if getattr(self, "_owns_ray", False):
            self._ray.shutdown()
            self._owns_ray = False

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

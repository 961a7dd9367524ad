"""Client workers on Ray: one global plan whatever the number of workers, exact merging of raw
records on one clock, clock offsets recorded, and a worker killed mid-level."""

from __future__ import annotations

import json
import threading
import time

import pytest

from claimbench.measurement.client import ClientConfig
from claimbench.measurement.loadgen import arrival_offsets_s, global_schedule, split_level
from claimbench.measurement.mockserver import start_mock_server
from claimbench.measurement.workers import WorkerPool, clock_offset
from claimbench.measurement.workload import WorkloadSpec, make_prompts
from claimbench.schema.records import LoadLevel

SPEC = WorkloadSpec(input_len=8, output_len=8, num_prompts=12, seed=0, vocab_size=1000)


# -- the global plan (pure) ---------------------------------------------------------------------
def test_closed_loop_streams_and_prompts_are_dealt_round_robin_with_a_global_ramp():
    a, b = split_level(LoadLevel(0, concurrency=4, ramp_s=1.0), 10, 2, seed=0)
    assert a.streams == (0, 2) and a.stream_starts_s == (0.0, 0.5)
    assert b.streams == (1, 3) and b.stream_starts_s == (0.25, 0.75)
    assert a.prompt_positions == (0, 2, 4, 6, 8) and b.prompt_positions == (1, 3, 5, 7, 9)


def test_no_worker_gets_an_empty_share():
    assert len(split_level(LoadLevel(0, concurrency=2), 10, 4, seed=0)) == 2
    assert len(split_level(LoadLevel(0, concurrency=8), 3, 4, seed=0)) == 3  # 3 prompts → 3 streams
    assert len(split_level(LoadLevel(0, request_rate=5.0), 2, 4, seed=0)) == 2


@pytest.mark.parametrize(
    "level",
    [
        LoadLevel(3, concurrency=5, ramp_s=2.0),
        LoadLevel(3, request_rate=7.5, burstiness=0.5),
        LoadLevel(3, request_rate=float("inf")),
    ],
    ids=["closed-ramp", "open-gamma", "open-inf"],
)
def test_the_same_seed_gives_the_same_global_schedule_with_1_2_and_3_workers(level):
    one = global_schedule(split_level(level, 23, 1, seed=11))
    assert global_schedule(split_level(level, 23, 2, seed=11)) == one
    assert global_schedule(split_level(level, 23, 3, seed=11)) == one
    assert len(one) == (23 + 5 if level.concurrency else 23)


def test_open_loop_shares_carry_the_one_process_clients_arrival_offsets():
    level = LoadLevel(2, request_rate=4.0)
    shares = split_level(level, 9, 2, seed=5)
    expected = arrival_offsets_s(9, 4.0, 1.0, 5 + 2)  # what run_level_async draws
    assert sorted(x for s in shares for x in s.arrivals) == [(expected[k], k) for k in range(9)]
    assert [k for _, k in shares[0].arrivals] == [0, 2, 4, 6, 8]


def test_a_different_seed_gives_a_different_open_loop_schedule():
    lv = LoadLevel(0, request_rate=4.0)
    assert global_schedule(split_level(lv, 9, 2, seed=1)) != global_schedule(split_level(lv, 9, 2, seed=2))


def test_the_clock_offset_comes_from_the_fastest_probe_within_half_its_round_trip():
    # probe 1: rtt 10 ms; probe 2: rtt 2 ms, worker read 16.0015 at coordinator midpoint 11.001
    est = clock_offset([(10.0, 15.004, 10.010), (11.0, 16.0015, 11.002)])
    assert est["offset_s"] == pytest.approx(5.0005, abs=1e-9)
    assert est["uncertainty_s"] == pytest.approx(0.001, abs=1e-9)
    assert est["n_probes"] == 2


# -- workers against the reference server (one Ray instance per session) -----------------------
def test_two_workers_run_closed_open_and_ramped_levels_on_the_servers_clock(ray_local):
    with start_mock_server(ttft_ms=5, gap_ms=2) as server, WorkerPool(2) as pool:
        cfg = ClientConfig(base_url=server.base_url, model="mock-model", request_timeout_s=30)
        prompts = make_prompts(SPEC)
        t0 = time.monotonic()
        recs, done = [], []
        pool.run_level(cfg, LoadLevel(0, concurrency=4), prompts, t0, recs, on_request_done=done.append, timeout_s=60)
        assert len(recs) == 12 and len(done) == 12 and len({r.request_id for r in recs}) == 12
        assert all(r.ok and r.output_tokens == 8 and len(r.chunk_times_s) == 8 for r in recs)
        truth = {t["request_id"]: t for t in server.stats()["records"]}
        for r in recs:  # one clock: the server received it after the client sent it, chunks after writes
            assert truth[r.request_id]["received_s"] - t0 >= r.sent_s - 0.005
            assert r.first_token_s >= truth[r.request_id]["chunk_write_s"][0] - t0 - 0.005
        t1 = time.monotonic()
        open_recs = []
        pool.run_level(cfg, LoadLevel(1, request_rate=100.0), prompts, t1, open_recs, seed=3, timeout_s=60)
        assert len(open_recs) == 12 and all(r.ok for r in open_recs)
        start = min(r.scheduled_s for r in open_recs)
        got = sorted(round(r.scheduled_s - start, 9) for r in open_recs)
        assert got == [round(x, 9) for x in arrival_offsets_s(12, 100.0, 1.0, 3 + 1)]  # the global schedule
        assert all(r.sent_s - r.scheduled_s < 0.5 for r in open_recs)
        ramp = []
        long = make_prompts(WorkloadSpec(input_len=8, output_len=120, num_prompts=4, seed=0, vocab_size=1000))
        pool.run_level(cfg, LoadLevel(2, concurrency=4, ramp_s=0.2), long, time.monotonic(), ramp, timeout_s=60)
        assert len(ramp) == 4 and all(r.ok for r in ramp)
        # one request per stream (each lasts ~0.25 s, longer than the ramp); streams on alternate workers
        # global ramp: stream k (of 4, over 0.2 s) starts no earlier than 0.05·k after the level began,
        # whichever worker runs it (a sleep never ends early; how late it is depends on the machine's load)
        sends = sorted(r.sent_s for r in ramp)
        assert all(s >= 0.05 * k - 0.002 for k, s in enumerate(sends)), sends
        assert sends[-1] < 5.0, sends
        d = pool.describe()
    assert d["workers"] == 2 and len(d["per_worker"]) == 2 and d["failures"] == []
    for w in d["per_worker"]:  # same kernel: shared clock, offset applied 0, probe within its uncertainty
        assert w["same_kernel_as_coordinator"] and w["clock"]["applied_offset_s"] == 0.0
        assert abs(w["clock"]["offset_s"]) <= w["clock"]["uncertainty_s"] + 0.002
    assert len(d["clock_probes_after_levels"]) == 6  # 3 levels x 2 workers


def test_a_worker_killed_mid_level_fails_its_in_flight_requests_and_the_next_level_gets_a_new_worker(ray_local):
    # each request streams for ~3 s: the kill lands while the first four are in flight, however loaded the host
    with start_mock_server(ttft_ms=20, gap_ms=100) as server, WorkerPool(2) as pool:
        cfg = ClientConfig(base_url=server.base_url, model="mock-model", request_timeout_s=60)
        prompts = make_prompts(WorkloadSpec(input_len=8, output_len=30, num_prompts=8, seed=0, vocab_size=1000))
        recs: list = []
        killer = threading.Thread(target=_kill_worker_once_requests_are_in_flight, args=(server, [pool]))
        killer.start()
        pool.run_level(cfg, LoadLevel(0, concurrency=4), prompts, time.monotonic(), recs, timeout_s=120)
        killer.join()
        dead = [r for r in recs if not r.ok]
        (f,) = pool.describe()["failures"]
        # in flight as last drained (every 0.25 s): a kill before the first drain counts them as not sent
        assert f["level"] == 0 and f["worker"] == 1 and f["in_flight_failed"] == len(dead)
        assert all("client worker 1" in r.error and "died mid-level" in r.error for r in dead)
        assert all(r.sent_s is not None for r in dead)  # as last drained (every 0.25 s): they were sent
        assert len([r for r in recs if r.ok]) >= 4  # worker 0 finished its 4 prompts
        assert len(recs) + f["not_sent"] == 8  # every prompt is a row or counted as never sent
        more: list = []
        pool.run_level(cfg, LoadLevel(1, concurrency=4), prompts[:4], time.monotonic(), more, timeout_s=120)
        assert len(more) == 4 and all(r.ok for r in more)
        d = pool.describe()
    assert d["workers_restarted"] == 1 and d["levels_with_worker_failures"] == [0]


def _pools_created(monkeypatch) -> list[WorkerPool]:
    """The worker pools ``measure`` creates from now on (its public class, observed, not its module state)."""
    created: list[WorkerPool] = []
    init = WorkerPool.__init__

    def observed(self, *args, **kwargs):
        init(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(WorkerPool, "__init__", observed)
    return created


def _kill_worker_once_requests_are_in_flight(server, pools: list, worker: int = 1, in_flight: int = 4) -> None:
    """A fault injected from outside, on the event: once the server holds ``in_flight`` requests
    open (both workers' first streams), kill worker ``worker`` of the first pool."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        records = server.stats(records=True)["records"]
        if pools and sum(r["status"] == "in_progress" for r in records) >= in_flight:
            pools[0].kill_worker(worker)
            return
        time.sleep(0.02)  # polling the server's state, not a guess at how long anything takes
    raise AssertionError("the first level never had its requests in flight")


def _measure_with_a_worker_killed(monkeypatch, tmp_path, **options):
    from claimbench import measure

    pools = _pools_created(monkeypatch)
    with start_mock_server(ttft_ms=20, gap_ms=100) as server:  # ~3 s per request
        killer = threading.Thread(target=_kill_worker_once_requests_are_in_flight, args=(server, pools))
        killer.start()
        bundle = measure(
            engine="endpoint",
            base_url=server.base_url,
            model="mock-model",
            concurrency=[4, 4],
            num_prompts=8,
            input_len=8,
            output_len=30,
            workers=2,
            calibrate="never",
            out=str(tmp_path),
            progress=False,
            **options,
        )
        killer.join()
    return bundle


def test_a_bundle_keeps_every_level_and_marks_the_one_where_a_worker_died(ray_local, tmp_path, monkeypatch):
    from claimbench.load.bundles import read_bundle

    bundle = _measure_with_a_worker_killed(monkeypatch, tmp_path)
    b = read_bundle(bundle)
    ray = b.manifest["engine"]["client"]["ray"]
    # the sweep went on (continue) but the run is not "complete": a worker's requests were lost
    assert b.manifest.status == "incomplete" and b.manifest.levels_completed == [0, 1]
    assert "client worker 1" in b.manifest.status_reason and "went on without it" in b.manifest.status_reason
    (f,) = ray["failures"]
    assert ray["levels_with_worker_failures"] == [0] and f["worker"] == 1
    assert b.manifest["options"]["workers"] == 2
    req = b.requests
    failed = req.filter(~req["ok"])
    assert failed.height == f["in_flight_failed"] and set(failed["level"]) <= {0}
    assert all("died mid-level" in e for e in failed["error"])
    assert req.filter(req["level"] == 0).height + f["not_sent"] == 8
    assert req.filter(req["level"] == 1)["ok"].all() and req.filter(req["level"] == 1).height == 8
    assert json.loads((bundle / "manifest.json").read_text())["engine"]["client"]["workers"] == 2


def test_with_on_worker_failure_stop_the_sweep_ends_after_the_level_and_keeps_it(ray_local, tmp_path, monkeypatch):
    from claimbench.load.bundles import read_bundle

    bundle = _measure_with_a_worker_killed(monkeypatch, tmp_path, on_worker_failure="stop")
    b = read_bundle(bundle)
    assert b.manifest.status == "incomplete" and "client worker 1" in (b.manifest.status_reason or "")
    (f,) = b.manifest["engine"]["client"]["ray"]["failures"]
    assert set(b.requests["level"]) == {0} and b.requests.height + f["not_sent"] == 8
    assert b.requests.filter(~b.requests["ok"]).height == f["in_flight_failed"]


def test_a_signal_mid_level_stops_every_worker_and_keeps_a_row_for_every_request_sent(ray_local, tmp_path):
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from claimbench.load.bundles import read_bundle

    with start_mock_server(ttft_ms=20, gap_ms=20) as server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "claimbench", "measure", "--engine", "endpoint", "--base-url", server.base_url]
            + ["--concurrency", "4,8", "--num-prompts", "60", "--input-len", "8", "--output-len", "10"]
            + ["--workers", "2", "--ray-address", ray_local, "--calibrate", "never", "--out", str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(server.stats(records=True)["records"]) < 8:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        served = len(server.stats(records=True)["records"])
    assert proc.returncode == 130, err[-2000:]
    b = read_bundle(Path(out.strip().splitlines()[-1]))
    assert b.manifest["status"] == "interrupted"
    assert b.requests.height == served  # every request a worker sent has a row
    assert b.requests.filter(b.requests["ok"]).height >= 4
    for w in b.manifest["engine"]["client"]["ray"]["per_worker"]:  # the workers were ended (by PID)
        assert _process_ends(w["pid"]), f"client worker pid {w['pid']} still alive"


def test_the_cluster_description_counts_live_nodes_and_their_devices():
    from claimbench.measurement.workers import cluster_description

    class FakeRay:
        @staticmethod
        def nodes():
            gpu = {"CPU": 64.0, "GPU": 8.0, "memory": 1e12, "node:10.0.0.2": 1.0, "accelerator_type:H100": 1.0}
            return [
                {"Alive": True, "NodeManagerAddress": "10.0.0.2", "NodeManagerHostname": "b", "Resources": gpu},
                {
                    "Alive": True,
                    "NodeManagerAddress": "10.0.0.1",
                    "NodeManagerHostname": "a",
                    "Resources": {"CPU": 8.0},
                },
                {"Alive": False, "NodeManagerAddress": "10.0.0.3", "Resources": {"CPU": 8.0, "GPU": 8.0}},
            ]

    d = cluster_description(FakeRay)
    assert d["nodes"] == 2
    a, b = d["per_node"]
    assert a == {"node_ip": "10.0.0.1", "hostname": "a", "cpus": 8.0, "devices": {}, "accelerator_types": []}
    assert b["devices"] == {"GPU": 8.0} and b["accelerator_types"] == ["H100"]


def test_options_reject_workers_for_the_offline_engine_and_a_zero_count():
    from claimbench.errors import UserError
    from claimbench.measurement.options import MeasureOptions

    with pytest.raises(UserError, match="--workers must be at least 1"):
        MeasureOptions.build(engine="endpoint", base_url="http://127.0.0.1:1", workers=0)
    with pytest.raises(UserError, match="--workers/--ray-address run the streaming client"):
        MeasureOptions.build(engine="offline", workers=2)
    assert MeasureOptions.build(engine="serve", workers=4, ray_address="auto").workers == 4


def test_a_ray_address_is_recorded_without_credentials():
    from claimbench.measurement.workers import _sanitize_address

    assert _sanitize_address("ray://alice:s3cret@head.example:10001") == "ray://head.example:10001"
    assert _sanitize_address("10.0.0.1:6379") == "10.0.0.1:6379"
    assert _sanitize_address("auto") == "auto"


def test_a_worker_on_another_kernel_runs_on_its_measured_offset_and_stays_on_the_servers_clock(ray_local):
    # Pretend the coordinator runs on another kernel: the probed offset (truly 0 ± RTT/2 here) is
    # then applied, as it would be across hosts; timestamps must stay within that uncertainty.
    with start_mock_server(ttft_ms=5, gap_ms=2) as server, WorkerPool(2) as pool:
        pool.coordinator["boot_id"] = "another-kernel"
        pool.clocks = [pool._probe(i) for i in range(2)]
        for c in pool.clocks:
            assert c["applied_offset_s"] == c["offset_s"] and "round-trip" in c["method"]
        cfg = ClientConfig(base_url=server.base_url, model="mock-model", request_timeout_s=30)
        t0 = time.monotonic()
        recs: list = []
        pool.run_level(cfg, LoadLevel(0, concurrency=4), make_prompts(SPEC), t0, recs, timeout_s=60)
        truth = {t["request_id"]: t for t in server.stats()["records"]}
        slack = max(c["uncertainty_s"] for c in pool.clocks) + 0.005
        assert len(recs) == 12 and all(r.ok for r in recs)
        for r in recs:
            assert truth[r.request_id]["received_s"] - t0 >= r.sent_s - slack
            assert r.first_token_s >= truth[r.request_id]["chunk_write_s"][0] - t0 - slack
        assert not pool.describe()["per_worker"][0]["same_kernel_as_coordinator"]


def _process_ends(pid: int, within_s: float = 120) -> bool:
    """Whether process ``pid`` is gone (waiting on that event, polled; never a fixed sleep)."""
    import os

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False

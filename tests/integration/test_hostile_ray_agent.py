"""Hostile world, Ray: the runtime agent or the raylet of a live Ray node killed mid-sweep (a raylet
follows its agent; the client workers follow their raylet). The level under way is lost, never "completed"; the run ends
incomplete with exit 1, the worker failure printed and recorded in the manifest, no traceback, and
the level completed before the kill readable with ``claimbench summarize``.

A real Ray node is started by the test (a driver process of its own, on 127.0.0.1, so the session's
shared instance is untouched); the agent's PID comes from that node's own process table (the raylet
Ray started, and the raylet's children), never from matching names across the machine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from claimbench.load.bundles import read_bundle
from claimbench.measurement.mockserver import start_mock_server

pytestmark = pytest.mark.timeout(600)  # bounded: a hang fails the test, not the CI run

# A driver that starts a local Ray node (claimbench's own settings: 127.0.0.1, small store), prints
# its GCS address and the PIDs of the processes Ray started for it, then waits for stdin to close.
_HEAD = """
import json, sys
from claimbench.measurement.workers import ray_session
ray, _ = ray_session(None, num_cpus=4)
node = ray._private.worker._global_node
pids = {kind: [p.process.pid for p in procs] for kind, procs in node.all_processes.items()}
print(json.dumps({"gcs": ray.get_runtime_context().gcs_address, "pids": pids}), flush=True)
sys.stdin.read()
"""
# Ray 2.5x+ turns token authentication on for a new local node; a process joining it by address
# must say so (the token is in the user's ~/.ray/auth_token, written by the head).
_RAY_ENV = {**os.environ, "RAY_AUTH_MODE": "token"}


def _level0_durable(out: Path) -> bool:
    for manifest in out.glob("*.partial/manifest.json"):
        try:
            if 0 in (json.loads(manifest.read_text()).get("levels_completed") or []):
                return True
        except (OSError, ValueError):  # being replaced
            pass
    return False


def _runtime_agent_pid(raylet_pid: int) -> int:
    """The runtime env agent the raylet started (a child of that raylet, by its process title)."""
    import psutil

    for child in psutil.Process(raylet_pid).children():
        if "RuntimeEnvAgent" in " ".join(child.cmdline()):
            return child.pid
    raise AssertionError(f"raylet {raylet_pid} has no runtime env agent child")


def _end(pids: list[int]) -> None:
    for pid in pids:  # only the processes this test's Ray node started
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def ray_node():
    head = subprocess.Popen(
        [sys.executable, "-c", _HEAD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_RAY_ENV,
    )
    line = head.stdout.readline() if head.stdout else ""
    if not line:
        head.kill()
        pytest.fail(f"the Ray node did not start: {head.communicate(timeout=60)[1][-2000:]}")
    info = json.loads(line)
    yield info
    try:
        head.communicate(input="", timeout=120)  # its driver shuts the node down
    except subprocess.TimeoutExpired:
        head.kill()
        head.communicate()
    _end([pid for pids in info["pids"].values() for pid in pids])


@pytest.mark.parametrize("target", ["runtime-agent", "raylet"])
def test_a_killed_ray_agent_or_raylet_ends_the_run_incomplete_with_the_failure_printed_and_level_0_kept(
    ray_node, tmp_path, target
):
    # ~2 s per request: level 0 (8 streams) takes ~10 s, levels 1 and 2 (2 streams) ~40 s each,
    # longer than Ray takes to end the workers of a dead raylet (its health checks, ~15 s)
    out = tmp_path / "runs"
    with start_mock_server(ttft_ms=10, gap_ms=200) as server:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "claimbench", "measure", "--engine", "endpoint", "--base-url", server.base_url,
                "--concurrency", "8,2,2", "--num-prompts", "40", "--input-len", "8", "--output-len", "10",
                "--workers", "2", "--ray-address", ray_node["gcs"], "--calibrate", "never", "--out", str(out),
            ],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_RAY_ENV,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and not _level0_durable(out):
            time.sleep(0.02)  # polling the journal for the event, not a guess at how long anything takes
        assert proc.poll() is None, proc.communicate(timeout=5)
        (raylet,) = ray_node["pids"]["raylet"]
        os.kill(_runtime_agent_pid(raylet) if target == "runtime-agent" else raylet, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=400)
    assert proc.returncode == 1, stderr[-3000:]  # measure --help: 1 = the run ended incomplete
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "claimbench: warning: client worker" in stderr and "died during level" in stderr, stderr[-3000:]
    assert "the level goes on without it" not in stderr and "the level is lost" in stderr, stderr[-3000:]
    assert "note: run incomplete" in stderr and "every client worker died during level" in stderr, stderr[-3000:]
    bundle = Path(stdout.strip().splitlines()[-1])
    b = read_bundle(bundle)
    assert b.manifest.status == "incomplete"
    assert 0 in b.manifest.levels_completed and 2 not in b.manifest.levels_completed
    lost_level = max(b.manifest.levels_completed) + 1
    failures = b.manifest["engine"]["client"]["ray"]["failures"]
    assert {f["level"] for f in failures} == {lost_level} and len(failures) == 2  # both workers, recorded
    level0 = b.requests.filter(pl.col("level") == 0)
    assert level0.height == 40 and level0["ok"].all()
    summary = subprocess.run(
        [sys.executable, "-m", "claimbench", "summarize", str(bundle), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert summary.returncode == 0, summary.stderr[-2000:]
    rows = json.loads(summary.stdout)
    assert [r["level"] for r in rows if r["level"] == 0] == [0] and rows[0]["n_ok"] == 40

"""`measure --find-max-under` and `--calibrate` end to end against the reference mock server."""

import json
import subprocess
import sys
from pathlib import Path

from claimbench.load.bundles import read_bundle
from claimbench.measurement.mockserver import start_mock_server


def measure(tmp_path, url, *args, env=None):
    import os

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimbench",
            "measure",
            "--engine",
            "endpoint",
            "--base-url",
            url,
            "--input-len",
            "8",
            "--output-len",
            "8",
            "--out",
            str(tmp_path / "runs"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return read_bundle(Path(proc.stdout.strip().splitlines()[-1])), proc.stderr


def test_an_slo_met_at_every_level_ends_as_never_violated_with_the_levels_run(tmp_path):
    with start_mock_server(ttft_ms=2, gap_ms=2) as server:
        b, err = measure(
            tmp_path,
            server.base_url,
            "--find-max-under",
            "tpot_ms=100",
            "--search-max-concurrency",
            "8",
            "--search-max-levels",
            "3",
            "--num-prompts",
            "4",
            "--calibrate",
            "never",
        )
    result = b.manifest["slo_search"]["result"]
    assert result["outcome"] == "never_violated" and result["n_levels"] == b.summary.height >= 2
    assert max(b.summary["concurrency"].to_list()) == 8
    assert "SLO search (never_violated)" in err


def test_an_slo_broken_at_concurrency_one_ends_as_unmet(tmp_path):
    with start_mock_server(ttft_ms=2, gap_ms=10) as server:
        b, _ = measure(
            tmp_path, server.base_url, "--find-max-under", "tpot_ms=5", "--num-prompts", "2", "--calibrate", "never"
        )
    assert b.manifest["slo_search"]["result"]["outcome"] == "slo_unmet" and b.summary.height == 1


def test_the_client_calibration_is_recorded_and_reused_from_the_host_cache(tmp_path):
    env = {"CLAIMBENCH_CACHE": str(tmp_path / "cache")}
    with start_mock_server(ttft_ms=2, gap_ms=2) as server:
        first, err = measure(
            tmp_path, server.base_url, "--concurrency", "2", "--num-prompts", "2", "--calibrate", "always", env=env
        )
        second, _ = measure(tmp_path, server.base_url, "--concurrency", "2", "--num-prompts", "2", env=env)
    cal = first.manifest["client_calibration"]
    assert cal["reused_from_cache"] is False and "calibrating the streaming client" in err
    assert cal["ceiling"]["tested_max_streams"] >= 1 and cal["levels"]
    assert "per worker (one process)" in err or "no stream count within" in err  # the ceiling is reported
    cap = first.manifest["client_capacity"]
    assert cap["workers"] == 1 and cap["event_loop"] in ("uvloop", "asyncio")
    assert cap["ceiling_per_worker"]["streams"] == cal["per_worker"]["streams"]
    assert second.manifest["client_calibration"]["reused_from_cache"] is True
    assert second.manifest["client_calibration"]["created"] == cal["created"]
    json.dumps(second.manifest.to_json())  # serializable as recorded

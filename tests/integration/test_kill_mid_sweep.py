"""SIGKILL mid-sweep (as an OOM kill would): the bundle folder left behind is readable and holds
every level that completed before the kill. Measured against the reference mock server (known
timings, seconds instead of a vLLM start), through the real CLI in a subprocess."""

import json
import os
import signal
import subprocess
import sys
import time

import polars as pl

from claimbench.analyze.metrics import summarize
from claimbench.load.bundles import find_bundles, read_bundle
from claimbench.measurement.mockserver import start_mock_server


def _levels_completed(manifest) -> list[int]:
    try:
        return json.loads(manifest.read_text()).get("levels_completed") or []
    except (OSError, ValueError):  # not written yet, or being replaced
        return []


def test_sigkill_after_the_first_level_leaves_a_readable_bundle_with_that_level(tmp_path):
    out = tmp_path / "runs"
    with start_mock_server(ttft_ms=10, gap_ms=20) as server:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "claimbench", "measure", "--engine", "endpoint", "--base-url", server.base_url,
                "--concurrency", "1,2,4", "--num-prompts", "6", "--input-len", "8", "--output-len", "10",
                "--calibrate", "never", "--out", str(out),
            ],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        first_level = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            # level 0 is durable once the journal's manifest lists it (its rows part is written first)
            found = list(out.glob("*.partial/requests-L0000.parquet"))
            if found and 0 in _levels_completed(found[0].parent / "manifest.json"):
                first_level = found[0]
                break
            time.sleep(0.02)
        assert first_level is not None, proc.communicate(timeout=5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    [bundle] = find_bundles([out])
    assert bundle == first_level.parent
    b = read_bundle(bundle)
    assert b.partial and 0 in b.manifest["levels_completed"]
    level0 = b.requests.filter(pl.col("level") == 0)
    assert level0.height == 6 and level0["ok"].all() and (level0["output_tokens"] == 10).all()
    # every durable level is whole and its summary is what the rows give
    assert set(b.requests["level"].unique().to_list()) == set(b.manifest["levels_completed"])
    again = summarize(b.requests, b.summary.select("level", "concurrency", "request_rate"))
    assert again["n_ok"].to_list() == b.summary["n_ok"].to_list()
    assert b.summary.filter(pl.col("level") == 0)["output_tok_per_s"].item() > 0

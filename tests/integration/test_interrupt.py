"""Ctrl-C / SIGTERM mid-sweep: the bundle is still written, marked interrupted, with every request sent."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from claimbench.load.bundles import read_bundle
from claimbench.measurement.mockserver import start_mock_server


def test_sigterm_mid_sweep_writes_an_interrupted_bundle_and_loses_nothing(tmp_path):
    with start_mock_server(ttft_ms=20, gap_ms=20) as server:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "claimbench",
                "measure",
                "--engine",
                "endpoint",
                "--base-url",
                server.base_url,
                "--concurrency",
                "2,4",
                "--num-prompts",
                "40",
                "--input-len",
                "8",
                "--output-len",
                "10",
                "--out",
                str(tmp_path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 600  # the event, however long a loaded host takes to reach it
        while time.monotonic() < deadline and len(server.stats(records=True)["records"]) < 6:
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            time.sleep(0.1)
        assert len(server.stats(records=True)["records"]) >= 6, "the run never had 6 requests at the server"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        served = len(server.stats(records=True)["records"])
    assert proc.returncode == 130, err[-2000:]
    bundle = Path(out.strip().splitlines()[-1])
    b = read_bundle(bundle)
    assert b.manifest["status"] == "interrupted"
    assert b.requests.height == served  # every request the server saw has a row
    unfinished = b.requests.filter(~pl.col("ok"))
    assert unfinished.height >= 1 and all(e.startswith("not completed: run interrupted") for e in unfinished["error"])
    assert b.requests.filter(pl.col("ok")).height >= 4

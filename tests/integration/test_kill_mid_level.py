"""SIGKILL in the middle of a level: the requests of that level that had finished are on disk (the
runner spools them into the journal as they end) and are read back as a partial level, beside the
completed levels. Against the reference mock server, through the real CLI in a subprocess; the test
waits for the spool files themselves, never for a fixed time."""

import json
import os
import signal
import subprocess
import sys
import time

import polars as pl

from claimbench.load.bundles import find_bundles, read_bundle
from claimbench.measurement.mockserver import start_mock_server


def _manifest(folder) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):  # not written yet, or being replaced
        return {}


def _wait_for_two_spooled_parts_of_level_1(out, proc) -> list:
    """The journal once level 0 is durable and level 1's spool has grown to two parts (or the run ended)."""
    deadline = time.monotonic() + 120  # a bound for a broken run only: the loop ends on the event
    while time.monotonic() < deadline and proc.poll() is None:
        for journal in out.glob("*.partial"):
            parts = sorted(journal.glob("requests-L0001-p*.parquet"))
            if len(parts) >= 2 and 0 in (_manifest(journal).get("levels_completed") or []):
                return parts
        time.sleep(0.02)
    return []


def test_sigkill_mid_level_keeps_the_finished_requests_of_that_level_and_summarize_reports_it_partial(tmp_path):
    out = tmp_path / "runs"
    with start_mock_server(ttft_ms=10, gap_ms=20) as server:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "claimbench", "measure", "--engine", "endpoint", "--base-url", server.base_url,
                "--concurrency", "16,2", "--num-prompts", "64", "--input-len", "8", "--output-len", "20",
                "--calibrate", "never", "--out", str(out),
            ],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        parts = _wait_for_two_spooled_parts_of_level_1(out, proc)
        assert parts, proc.communicate(timeout=5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    [bundle] = find_bundles([out])
    assert not list(bundle.glob("requests-L0000-p*.parquet"))  # level 0's spool gave way to its whole part
    spooled = pl.concat([pl.read_parquet(p) for p in sorted(bundle.glob("requests-L0001-p*.parquet"))])
    b = read_bundle(bundle)
    assert b.partial and b.manifest.levels_completed == [0] and b.manifest.level_in_flight == 1
    assert b.partial_levels == [1]
    level0, level1 = (b.requests.filter(pl.col("level") == lv) for lv in (0, 1))
    assert level0.height == 64 and level0["ok"].all()
    # every finished row that reached the spool is read (at least the two parts waited for), none twice
    assert 0 < level1.height == spooled.height < 64 and level1["request_id"].n_unique() == level1.height
    assert level1["ok"].all() and (level1["output_tokens"] == 20).all()
    assert level1["done_s"].min() > level0["done_s"].max()

    text = subprocess.run(
        [sys.executable, "-m", "claimbench", "summarize", str(bundle)], capture_output=True, text=True, timeout=120
    )
    assert text.returncode == 0, text.stderr
    assert "level 1 is partial" in text.stdout
    js = subprocess.run(
        [sys.executable, "-m", "claimbench", "summarize", "--json", str(bundle)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = {r["level"]: r for r in json.loads(js.stdout)}
    assert rows[0]["level_partial"] is False and rows[0]["n_ok"] == 64
    assert rows[1]["level_partial"] is True and rows[1]["n_ok"] == level1.height and rows[1]["concurrency"] == 2

"""``claimbench summarize`` on peer result files, run as a process from an unrelated folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PEERS = Path(__file__).resolve().parents[1] / "data" / "peers"
AIPERF_CSV = PEERS / "aiperf-0.13.0" / "profile_export_aiperf.csv"
GUIDELLM = PEERS / "guidellm-0.8.1" / "benchmarks.json"


def test_summarize_runs_from_an_unrelated_folder(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "claimbench", "summarize", str(GUIDELLM), str(AIPERF_CSV)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "guidellm:benchmarks.json" in proc.stdout and "aiperf:profile_export_aiperf.csv" in proc.stdout

"""``claimbench verify`` on 10,000 claim files against the shipped evidence: wall time and progress.

    .venv/bin/python -m benchmarks.verify_many_claims [--claims 10000] [--repeats 1]

Writes ``--claims`` valid claim files (copies of the shipped self-test claim
``tiny-cpu-host-min-throughput-c1`` under new ids) into a temporary folder, runs the real CLI in a
subprocess (``claimbench verify --claims-dir DIR``, default evidence: data/reference and
data/runs), and records the wall time, the exit status, when the first progress line reached
stderr and how many there were, with the machine and its load (``benchmarks/results/verify_many_claims.json``).
The target (issue 20) is under 60 s on the 2-core development machine, with progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import log, machine, write_result

ROOT = Path(__file__).resolve().parents[1]
CLAIM = ROOT / "data" / "claims" / "tiny-cpu-host-min-throughput-c1.yaml"


def write_claims(folder: Path, n: int) -> None:
    """``n`` claim files, each the shipped self-test claim under its own id."""
    text = CLAIM.read_text(encoding="utf-8")
    old = "id: tiny-cpu-host-min-throughput-c1\n"
    assert old in text
    for i in range(n):
        cid = f"tiny-claim-{i:05d}"
        (folder / f"{cid}.yaml").write_text(text.replace(old, f"id: {cid}\n"), encoding="utf-8")


def run_once(folder: Path, timeout_s: float) -> dict:
    """One ``verify`` run: wall time, exit status, each progress line with its time; ended at ``timeout_s``."""
    import threading

    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimbench", "verify", "--claims-dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stderr is not None
    killer = threading.Timer(timeout_s, proc.kill)
    killer.start()
    progress: list[tuple[float, str]] = []
    tail: list[str] = []
    for line in proc.stderr:
        if "/" in line and ("claim files read" in line or "claims judged" in line):
            progress.append((round(time.monotonic() - t0, 2), line.strip().removeprefix("claimbench: ")))
        tail = (tail + [line.rstrip()])[-3:]
    rc = proc.wait()
    killer.cancel()
    wall = round(time.monotonic() - t0, 2)
    return {
        "wall_s": wall,
        "finished": rc >= 0,
        "exit_status": rc,
        "ended_by_timeout_after_s": None if rc >= 0 else timeout_s,
        "first_progress_s": progress[0][0] if progress else None,
        "progress": progress,
        "stderr_tail": tail,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and record it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=600.0, help="end a run that takes longer (recorded as such)")
    args = ap.parse_args(argv)
    info = machine()
    with tempfile.TemporaryDirectory(prefix="claimbench-many-claims-") as tmp:
        folder = Path(tmp)
        t0 = time.monotonic()
        write_claims(folder, args.claims)
        log(f"wrote {args.claims:,} claim files in {time.monotonic() - t0:.1f} s")
        runs = []
        for k in range(args.repeats):
            runs.append(run_once(folder, args.timeout))
            log(f"run {k + 1}: {runs[-1]}")
    walls = [r["wall_s"] for r in runs]
    data = {
        "benchmark": "verify_many_claims",
        "what": f"claimbench verify --claims-dir <{args.claims:,} claim files> against the shipped evidence",
        "claims": args.claims,
        "target_s": 60,
        "median_wall_s": statistics.median(walls),
        "all_finished": all(r["finished"] for r in runs),
        "runs": runs,
        "machine": info,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    path = write_result("verify_many_claims", data)
    log("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

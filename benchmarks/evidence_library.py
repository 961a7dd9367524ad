"""Loading the MLPerf evidence library and judging the seed claims with it.

    .venv/bin/python -m benchmarks.evidence_library [--repeats N]

Each measurement runs in a fresh interpreter (cold caches of this process; the OS file cache is
warm after the first repeat): the library's parquet read alone (polars already imported), the
library turned into evidence records (hardware registry read, device-name lookup, pydantic
records), and ``claimbench verify`` on the shipped claims end to end (wall time of the command).
Targets: read < 1 s, verify < 10 s on this machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import finish, log, machine

_READ = """
import json, time
import polars as pl
from claimbench.load.mlperf_library import library_path, read_library
p = library_path()
t = time.perf_counter(); f = read_library(p); read_s = time.perf_counter() - t
from claimbench.load.mlperf_library import library_evidence
t = time.perf_counter(); ev = library_evidence(p); ev_s = time.perf_counter() - t
print(json.dumps({"rows": f.height, "records": len(ev), "read_s": read_s, "evidence_s": ev_s, "bytes": p.stat().st_size}))
"""


def _once_library() -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", _READ], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _once_verify(*extra: str) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one ``claimbench verify``: CPU time does not grow with the
    machine's load the way wall time does."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "claimbench", "verify", *extra], capture_output=True, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


_NO_LIBRARY = ("--evidence", "data/reference", "--evidence", "data/runs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    m = machine()
    lib = [_once_library() for _ in range(args.repeats)]
    log("library", lib)
    runs = [_once_verify() for _ in range(args.repeats)]
    base = [_once_verify(*_NO_LIBRARY) for _ in range(args.repeats)]
    verify = [w for w, _ in runs]
    log("verify wall/cpu s", runs, "without the library", base)
    data = {
        "machine": m,
        "repeats": args.repeats,
        "rows": lib[0]["rows"],
        "records": lib[0]["records"],
        "parquet_bytes": lib[0]["bytes"],
        "read_s": [x["read_s"] for x in lib],
        "evidence_s": [x["evidence_s"] for x in lib],
        "verify_wall_s": verify,
        "read_s_median": statistics.median(x["read_s"] for x in lib),
        "evidence_s_median": statistics.median(x["evidence_s"] for x in lib),
        "verify_wall_s_median": statistics.median(verify),
        "verify_cpu_s": [c for _, c in runs],
        "verify_cpu_s_median": statistics.median(c for _, c in runs),
        "verify_without_library_wall_s": [w for w, _ in base],
        "verify_without_library_cpu_s": [c for _, c in base],
        "verify_without_library_cpu_s_median": statistics.median(c for _, c in base),
        "loadavg_at_end": [round(x, 2) for x in __import__("os").getloadavg()],
    }
    return finish("evidence_library", data)


if __name__ == "__main__":
    sys.exit(main())

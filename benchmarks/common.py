"""Shared helpers of the benchmarks: machine description, result files, quiet-machine check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"


def competing_processes() -> list[str]:
    """Other heavy processes that distort timing (vLLM engines, pytest, notebooks), by command line."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pid,pcpu,args", "--sort=-pcpu"], capture_output=True, text=True, timeout=5
        ).stdout.splitlines()[1:]
    except (OSError, subprocess.TimeoutExpired):
        return []
    me = os.getpid()
    busy = []
    for line in out[:15]:
        parts = line.split(None, 2)
        if len(parts) < 3 or int(parts[0]) == me:
            continue
        if float(parts[1]) >= 5.0 or any(k in parts[2] for k in ("vllm", "pytest", "papermill")):
            busy.append(f"{parts[0]} {parts[1]}% {parts[2][:120]}")
    return busy


def machine() -> dict[str, Any]:
    from claimbench.measurement.calibration import host_description
    from claimbench.measurement.engines.vllm_cli import vllm_version

    d = host_description()
    d.update(
        {
            "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "vllm": vllm_version(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
            "competing_processes_at_start": competing_processes(),
        }
    )
    for dist in ("polars", "pandas", "numpy"):
        try:
            import importlib.metadata as md

            d[dist] = md.version(dist)
        except Exception:
            d[dist] = None
    return d


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    tmp.replace(path)
    return path


def finish(name: str, data: dict[str, Any]) -> int:
    """Record a benchmark's result, rebuild benchmarks/README.md from all results, return exit 0."""
    path = write_result(name, data)
    log("wrote", path)
    from benchmarks.report import write_readme

    write_readme()
    return 0


def read_result(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())


def log(*args: Any) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]", *args, file=sys.stderr, flush=True)


def run_child(module: str, spec: dict[str, Any], pythonpath: str) -> dict[str, Any]:
    """Run ``python -m module --child <spec JSON>`` in a fresh interpreter (so its memory is its own) from the
    repository root with ``PYTHONPATH`` set, and return the JSON object its last stdout line holds."""
    proc = subprocess.run(
        [sys.executable, "-m", module, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=str(Path(__file__).resolve().parent.parent),
        env={**os.environ, "PYTHONPATH": pythonpath},
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])

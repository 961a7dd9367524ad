"""Run the real CLI in a subprocess and pick the bundle path it prints last."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, timeout: float = 900, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimbench", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def bundle_from(proc: subprocess.CompletedProcess) -> Path:
    assert proc.returncode == 0, proc.stderr[-3000:]
    return Path(proc.stdout.strip().splitlines()[-1])


MARK = "CLAIMBENCH_TEST_PROCESS_MARK"
"""Environment variable every process a test starts inherits (the CLI, vLLM, its workers)."""


def new_mark() -> dict[str, str]:
    """An environment with a fresh mark: :func:`marked_pids` finds every process started with it."""
    import uuid

    return {MARK: uuid.uuid4().hex}


def marked_pids(env: dict[str, str]) -> set[int]:
    """PIDs of the live processes started with ``env``'s mark (read from /proc/<pid>/environ; a
    process started by a test is tracked by its PID, never by a command-line pattern)."""
    needle = f"{MARK}={env[MARK]}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # ended meanwhile, or not ours to read
        if state != "Z" and needle in environ.split(b"\0"):
            found.add(int(entry.name))
    return found


def all_marked_processes_end(env: dict[str, str], within_s: float = 120) -> set[int]:
    """Wait for every process started with ``env``'s mark to end; the PIDs still alive after ``within_s``."""
    import time

    deadline = time.monotonic() + within_s
    while (alive := marked_pids(env)) and time.monotonic() < deadline:
        time.sleep(0.1)  # polling the process table for the event, not a guess at how long it takes
    return alive


SERVE_RUN_ENV = new_mark()
"""The mark of the session's ``serve_bundle`` run (conftest), to check that none of its processes lives on."""

"""The wheel as a new user installs it (tests/e2e/install/run.sh): built, installed into a fresh
virtual environment without the repository, and run from an unrelated folder — hardware list,
verify, init, report --runs on the shipped recorded run, a notebook through papermill.

About 2.5 minutes (1 with a warm uv cache for the install), so it runs when CI asks for it:
``CLAIMBENCH_WHEEL_TEST=1 pytest tests/e2e/install`` (.ci/run does).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("run.sh")

pytestmark = pytest.mark.skipif(
    os.environ.get("CLAIMBENCH_WHEEL_TEST") != "1", reason="set CLAIMBENCH_WHEEL_TEST=1 (about 2.5 min)"
)


def test_the_installed_wheel_works_from_an_unrelated_folder(tmp_path):
    proc = subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path / "work")], capture_output=True, text=True, timeout=1200, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    n_checks = sum(1 for line in SCRIPT.read_text().splitlines() if line.startswith("check "))
    assert n_checks >= 10 and f"wheel: {n_checks} passed, 0 failed" in proc.stdout

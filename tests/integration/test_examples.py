"""The three workflows in examples/ run end to end, as a user copies them (each run.sh, from an
unrelated folder): judge a vendor claim against imported GuideLLM results; measure an
OpenAI-compatible endpoint (claimbench's reference server on 127.0.0.1) and judge a claim on it;
add a chip and a claim as data and render the report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(example: str, out: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CLAIMBENCH": f"{sys.executable} -m claimbench", "PYTHON": sys.executable}
    return subprocess.run(
        ["bash", str(EXAMPLES / example / "run.sh"), str(out)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def test_a_vendor_claim_is_supported_by_the_imported_guidellm_results(tmp_path):
    proc = _run("judge_vendor_claim_with_guidellm", tmp_path / "out", tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "example-vendor-tiny-250-tok-s-at-c2 SUPPORTED independent" in proc.stdout
    assert "298.8" in proc.stdout  # GuideLLM's own output tok/s mean at concurrency 2, as imported
    assert (tmp_path / "out" / "verdicts.md").is_file()


def test_a_measured_endpoint_supports_the_tpot_claim_measured_here(tmp_path):
    proc = _run("measure_endpoint_and_judge", tmp_path / "out", tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "example-endpoint-tpot-under-20ms-at-c2 SUPPORTED measured-here" in proc.stdout
    bundle = Path((tmp_path / "out" / "bundle.txt").read_text().strip())
    assert json.loads((bundle / "manifest.json").read_text())["status"] == "complete"


def test_a_chip_and_a_claim_added_as_data_reach_the_report(tmp_path):
    proc = _run("add_chip_and_claim", tmp_path / "out", tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "example-chip-llama8b-20000-tok-s IMPLAUSIBLE" in proc.stdout
    (index,) = (tmp_path / "out" / "reports").glob("*/index.html")
    assert Path(proc.stdout.strip().splitlines()[-1]) == index
    page = index.read_text(encoding="utf-8")
    assert 'data-claim="example-chip-llama8b-20000-tok-s"' in page and "cb-headline cb-v-implausible" in page
    assert "without encryption" not in proc.stderr  # the kernels' TCP warning is not shown

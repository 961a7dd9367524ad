"""Fresh files the peer tools write now (AIPerf's CSV and JSON exports, GuideLLM's JSON) against
the reference server: `claimbench summarize` reads each, and the AIPerf CSV gives the same numbers
as the JSON export of the same run (the tools need their venvs: ``bash env/peers/setup.sh``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from peer_tools import MOCK, run_aiperf, run_guidellm, tool

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server():
    from claimbench.measurement.mockserver import start_mock_server

    with start_mock_server(**MOCK) as s:
        yield s


@pytest.fixture(scope="module")
def tokenizer() -> Path:
    from claimbench.measurement.tinymodel import resolve_model

    return Path(resolve_model("tiny"))


def _summarize(*paths: Path) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "claimbench", "summarize", "--json", *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.skipif(tool("aiperf") is None, reason="aiperf venv missing: bash env/peers/setup.sh aiperf")
def test_a_fresh_aiperf_csv_summarizes_to_the_numbers_of_its_json_export(server, tokenizer, tmp_path):
    out = run_aiperf(tool("aiperf"), server.base_url, tokenizer, tmp_path / "ap")
    (from_csv,) = _summarize(out.with_suffix(".csv"))
    (from_json,) = _summarize(out)
    for key in ("output_tok_per_s", "request_per_s", "ttft_p50_ms", "tpot_p50_ms", "e2el_mean_ms"):
        assert from_csv[key] == pytest.approx(from_json[key], abs=0.006), key  # the CSV rounds to 0.01
    assert from_csv["n_ok"] == from_json["n_ok"] == 8


@pytest.mark.skipif(tool("guidellm") is None, reason="guidellm venv missing: bash env/peers/setup.sh guidellm")
def test_a_fresh_guidellm_file_summarizes_one_row_per_strategy(server, tokenizer, tmp_path):
    out = run_guidellm(tool("guidellm"), server.base_url, tokenizer, tmp_path / "gl")
    rows = _summarize(out)
    assert [r["concurrency"] for r in rows] == [1.0, 2.0] and all(r["n_ok"] == 8 for r in rows)

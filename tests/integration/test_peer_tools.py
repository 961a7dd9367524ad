"""GuideLLM 0.8.1 and AIPerf 0.13.0 run now against the reference server, and their files
imported: the recorded files in tests/data/peers stay reproducible. Each tool needs its own venv
(``bash env/peers/setup.sh``, ~1 min per tool run); without it the test is skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from peer_tools import MOCK, run_aiperf, run_guidellm, tool

from claimbench.load.evidence import import_evidence

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


@pytest.mark.skipif(tool("guidellm") is None, reason="guidellm venv missing: bash env/peers/setup.sh guidellm")
def test_a_fresh_guidellm_run_imports_with_its_labels_lengths_and_both_levels(server, tokenizer, tmp_path):
    out = run_guidellm(tool("guidellm"), server.base_url, tokenizer, tmp_path / "gl")
    (ev,), errors = import_evidence([out])
    assert errors == []
    assert (ev.conditions.hardware, ev.packages, ev.conditions.input_len, ev.conditions.output_len) == (
        "cpu-host", 1, 64, 16,
    )  # fmt: skip
    assert [p.concurrency for p in ev.points] == [1.0, 2.0] and all(p.n_ok == 8 for p in ev.points)
    # the reference server emits a token every 5 ms: GuideLLM's inter-token latency (our TPOT) says so
    assert all(4.5 < p.tpot_p50_ms < 8 for p in ev.points)


@pytest.mark.skipif(tool("aiperf") is None, reason="aiperf venv missing: bash env/peers/setup.sh aiperf")
def test_a_fresh_aiperf_run_imports_at_its_concurrency_with_its_lengths(server, tokenizer, tmp_path):
    out = run_aiperf(tool("aiperf"), server.base_url, tokenizer, tmp_path / "ap")
    # the artifact folder as AIPerf wrote it: its inputs.json and logs/ are not evidence
    (ev,), errors = import_evidence([out.parent / "artifacts"])
    assert errors == [] and ev.kind == "aiperf"
    (pt,) = ev.points
    assert pt.concurrency == 1 and pt.n_ok == 8 and (ev.conditions.input_len, ev.conditions.output_len) == (64, 16)
    assert 3 < pt.tpot_p50_ms < 8

"""A saved InferenceX API response (hand-written fixture, fake numbers) as third-party evidence."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.errors import UserError
from claimbench.load.evidence import import_evidence
from claimbench.load.peers.inferencex_api import is_inferencex_api, load_inferencex_api
from claimbench.load.registry import list_hardware

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "inferencex_api" / "lookup-fake.json"
HW = list_hardware()


def test_rows_sharing_a_configuration_become_levels_with_their_measured_power():
    agg, disagg = load_inferencex_api(FIX, HW)
    assert agg.conditions.hardware == "nvidia-b200" and agg.basis == "card" and agg.packages == 1
    assert [(p.concurrency, p.output_tok_per_s, p.power_w_per_package) for p in agg.points] == [
        (512, 1000.0, 500.0),
        (1024, 2000.0, 800.0),
    ]
    assert agg.points[0].tpot_p99_ms == pytest.approx(30.0) and agg.points[0].ttft_mean_ms == pytest.approx(500.0)
    assert agg.conditions.input_len == 1024 and agg.conditions.speculative == "none"


def test_a_disaggregated_row_is_the_whole_system_with_output_over_decode_gpus():
    _, disagg = load_inferencex_api(FIX, HW)
    assert disagg.conditions.hardware == "amd-mi355x" and disagg.basis == "system" and disagg.packages == 8
    assert disagg.points[0].output_tok_per_s == 400.0 * 4  # output per GPU counts the 4 decode GPUs
    assert disagg.points[0].power_w_per_package == 1000.0


def test_provenance_is_a_third_party_publication_with_the_files_hash_and_run_url():
    ev = load_inferencex_api(FIX, HW)[0]
    pv = ev.provenance
    assert pv.origin == "publication" and pv.publisher == "SemiAnalysis"
    assert pv.document.startswith("https://inferencex.semianalysis.com/api/v1/benchmarks")
    assert pv.document_sha256 == hashlib.sha256(FIX.read_bytes()).hexdigest()
    assert "actions/runs/1" in pv.locator and pv.retrieved == "2026-01-02"
    assert ev.source.url.startswith("https://github.com/SemiAnalysisAI/InferenceX/actions/runs/")


def test_import_evidence_recognises_a_saved_response():
    evidence, errors = import_evidence([FIX], {h.id for h in HW})
    assert not errors and [e.id for e in evidence] == ["inferencex-api:lookup-fake:0", "inferencex-api:lookup-fake:1"]


def test_per_watt_in_the_comparison_uses_the_measured_power():
    from claimbench.judge.comparison import comparison_frame

    frame = comparison_frame(load_inferencex_api(FIX, HW), {h.id: h for h in HW})
    row = frame.filter((frame["form"] == "per_watt_measured") & (frame["hardware"] == "nvidia-b200")).row(0, named=True)
    assert row["value"] == pytest.approx(2000.0 / 800.0)  # the best level: 2,000 tok/s per GPU at 800 W measured


def test_a_row_without_metrics_is_one_line_naming_the_field(tmp_path):
    doc = json.loads(FIX.read_text())
    doc["sample_rows"][1]["metrics"] = {"avg_power_w": 1.0}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(UserError, match=r"rows\[1\]\.metrics\.output_tput_per_gpu"):
        load_inferencex_api(bad, HW)


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers() | st.text(max_size=8),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=6),
        max_leaves=20,
    )
)
def test_any_json_is_either_recognised_and_read_or_refused_with_a_user_error(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("x") / "r.json"
    path.write_text(json.dumps(doc))
    if not is_inferencex_api(doc):
        with pytest.raises(UserError):
            load_inferencex_api(path, HW)

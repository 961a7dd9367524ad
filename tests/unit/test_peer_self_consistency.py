"""A peer file that contradicts itself decides nothing: its output rate above what its own
concurrency and mean TPOT allow, or its rates not its own totals over its duration, set the record
(or, in a saved InferenceX API response, the row) aside with one line naming the file and both
figures. Real files of every tool stay accepted."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.cli import main
from claimbench.load.evidence import import_evidence

TESTS = Path(__file__).resolve().parents[1]
FIX = TESTS / "fixtures" / "verify"
PEERS = TESTS / "data" / "peers"
CLAIM = "tiny-cpu-host-min-throughput-c1"

REAL_FILES = [
    FIX / "vllm_bench_serve.json",
    FIX / "guidellm_report.json",
    PEERS / "guidellm-0.8.1" / "benchmarks.json",
    PEERS / "aiperf-0.13.0" / "profile_export_aiperf.json",
    PEERS / "aiperf-0.13.0" / "profile_export_aiperf.csv",
    next((PEERS / "inferencex").glob("agg_*.json")),
    TESTS / "fixtures" / "inferencex_api" / "lookup-fake.json",
    TESTS.parent / "examples" / "judge_vendor_claim_with_guidellm" / "guidellm-benchmarks.json",
]


def _vllm(**update) -> dict:
    obj = json.loads((FIX / "vllm_bench_serve.json").read_text().splitlines()[0])
    obj.update(update)
    return obj


def _write(tmp_path: Path, name: str, obj) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(obj))
    return p


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_and_fixture_peer_file_still_imports_with_its_concurrency_bound_filled(path):
    evidence, errors = import_evidence([path])
    assert errors == [] and evidence
    assert all(pt.batch_per_unit for ev in evidence for pt in ev.points)


def test_a_vllm_result_above_its_own_concurrency_bound_is_set_aside_naming_both_figures(tmp_path, capsys):
    # 1 request in flight at 4 ms per token makes at most 250 tok/s; the totals agree with the 350,000
    bad = _write(
        tmp_path,
        "batchbound.json",
        _vllm(output_throughput=350000.0, total_output_tokens=1400000, total_token_throughput=350512.0),
    )
    rc = main(
        ["verify", "--json", "--claim", CLAIM, "--evidence", str(bad), "--evidence", str(FIX / "vllm_bench_serve.json")]
    )
    out, err = capsys.readouterr()
    (item,) = json.loads(out)
    assert rc == 1 and item["observed"] == 128.0  # judged on the sane file alone
    (line,) = [x for x in err.splitlines() if "batchbound.json" in x and "set aside" in x]
    assert "self-inconsistent evidence set aside" in line
    assert "output_throughput 350,000" in line and "max_concurrency 1" in line and "mean_tpot_ms 4" in line


def test_a_vllm_result_whose_throughput_is_not_its_totals_over_its_duration_is_set_aside(tmp_path):
    bad = _write(tmp_path, "totals.json", _vllm(output_throughput=200.0))  # 512 tokens / 4 s = 128
    evidence, errors = import_evidence([bad])
    assert evidence == [] and len(errors) == 1
    msg = errors[0].message
    assert "totals.json" in msg and "output_throughput 200" in msg and "512 / 4 s = 128" in msg


def test_a_vllm_result_completing_more_requests_than_it_sent_is_set_aside(tmp_path):
    bad = _write(tmp_path, "count.json", _vllm(completed=20, request_throughput=5.0))
    (err,) = import_evidence([bad])[1]
    assert "completed 20 + failed 0 requests is more than num_prompts 16" in err.message


def test_a_guidellm_benchmark_above_its_streams_bound_is_set_aside(tmp_path):
    doc = json.loads((FIX / "guidellm_report.json").read_text())
    doc["benchmarks"][0]["metrics"]["output_tokens_per_second"]["successful"]["mean"] = 5000.0  # 8 x 1000 / 55 = 145
    (err,) = import_evidence([_write(tmp_path, "g.json", doc)])[1]
    assert "self-inconsistent" in err.message and "streams 8" in err.message and "5,000" in err.message


def test_an_aiperf_export_whose_throughput_is_not_its_totals_is_set_aside(tmp_path):
    doc = json.loads((PEERS / "aiperf-0.13.0" / "profile_export_aiperf.json").read_text())
    doc["output_token_throughput"]["avg"] = 180.0  # 128 tokens / 0.806 s = 158.8
    (err,) = import_evidence([_write(tmp_path, "profile_export_aiperf.json", doc)])[1]
    assert "output_token_throughput.avg 180" in err.message and "total_output_tokens.avg" in err.message


def test_an_inferencex_api_row_above_its_bound_is_set_aside_alone_and_the_other_rows_are_imported(tmp_path):
    doc = json.loads((TESTS / "fixtures" / "inferencex_api" / "lookup-fake.json").read_text())
    doc["sample_rows"][1]["metrics"]["output_tput_per_gpu"] = 1e308
    doc["sample_rows"][0]["metrics"]["avg_power_w"] = -50
    evidence, errors = import_evidence([_write(tmp_path, "api.json", doc)])
    assert [len(e.points) for e in evidence] == [1]  # the disaggregated row; both aggregated rows set aside
    lines = sorted(e.message for e in errors)
    assert "row 0 (id 1, b200, conc 512): field metrics.avg_power_w must be at least 0, got -50" in lines[0]
    assert "row 1 (id 2, b200, conc 1024): self-inconsistent: metrics.output_tput_per_gpu 1e+308" in lines[1]


@settings(max_examples=60, deadline=None)
@given(
    conc=st.integers(1, 512),
    tpot=st.floats(1.0, 200.0),
    busy=st.floats(0.05, 1.0),
    dur=st.floats(1.0, 3600.0),
    inflate=st.floats(1.2, 1e6),
)
def test_a_consistent_vllm_result_imports_and_the_same_result_with_an_inflated_rate_does_not(
    tmp_path_factory, conc, tpot, busy, dur, inflate
):
    rate = conc * 1000.0 / tpot * busy  # at most the bound
    out = math.floor(rate * dur)  # whole tokens, never more than the bound allows (rounding up broke it)
    n = max(conc, 1)
    good = _vllm(
        max_concurrency=conc, num_prompts=n, completed=n, duration=dur, total_output_tokens=out,
        output_throughput=out / dur, request_throughput=n / dur, mean_tpot_ms=tpot,
        total_input_tokens=0, total_token_throughput=out / dur,
    )  # fmt: skip
    d = tmp_path_factory.mktemp("v")
    assert import_evidence([_write(d, "good.json", good)])[1] == []
    bad = dict(good, output_throughput=good["output_throughput"] * inflate + 1.0)
    (err,) = import_evidence([_write(d, "bad.json", bad)])[1]
    assert "bad.json: self-inconsistent evidence set aside: output_throughput" in err.message


def test_with_every_row_of_the_only_file_set_aside_each_row_is_named_then_exit_2(tmp_path, capsys):
    doc = json.loads((TESTS / "fixtures" / "inferencex_api" / "lookup-fake.json").read_text())
    for row in doc["sample_rows"]:
        row["metrics"]["output_tput_per_gpu"] = 1e308
    path = _write(tmp_path, "api.json", doc)
    rc = main(["verify", "--claim", CLAIM, "--evidence", str(path)])
    err = capsys.readouterr().err
    assert rc == 2
    assert all(f"api.json: row {i} (id {i + 1}" in err for i in range(3))
    assert "all 3 inputs skipped or set aside (above)" in err.splitlines()[-1]

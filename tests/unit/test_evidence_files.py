"""The analyst's own evidence files in every command: AIPerf CSV summaries import, ``summarize``
reads any importable file (real files the tools wrote, tests/data/peers), ``report --evidence``
reaches the notebooks, and a file no importer reads is one error naming the accepted formats."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.cli import main
from claimbench.errors import UserError
from claimbench.load.evidence import import_evidence
from claimbench.load.peers import aiperf_csv
from claimbench.report.pipeline import plan_parameters

PEERS = Path(__file__).resolve().parents[1] / "data" / "peers"
AIPERF_CSV = PEERS / "aiperf-0.13.0" / "profile_export_aiperf.csv"
AIPERF_JSON = PEERS / "aiperf-0.13.0" / "profile_export_aiperf.json"
GUIDELLM = PEERS / "guidellm-0.8.1" / "benchmarks.json"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _run(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_an_aiperf_csv_imports_with_the_numbers_of_its_own_summary_table():
    (ev,), errors = import_evidence([AIPERF_CSV])
    assert errors == [] and ev.kind == "aiperf" and ev.provenance.origin == "unattributed-file"
    (point,) = ev.points
    # the CSV's own rows: Output Token Throughput 157.85, Inter Token Latency avg 4.56 / p99 4.97,
    # Time to First Token p50 27.68, Request Latency avg 97.14, Request Count 8, error rate 0 %
    assert (point.output_tok_per_s, point.tpot_mean_ms, point.tpot_p99_ms) == (157.85, 4.56, 4.97)
    assert (point.ttft_p50_ms, point.e2el_mean_ms, point.n_ok, point.n_failed) == (27.68, 97.14, 8, 0)
    assert (ev.conditions.input_len, ev.conditions.output_len) == (16, 16)


def test_the_aiperf_csv_and_json_exports_of_one_run_agree_to_the_csv_precision():
    (from_csv,), _ = import_evidence([AIPERF_CSV])
    (from_json,), _ = import_evidence([AIPERF_JSON])
    a, b = from_csv.points[0].model_dump(), from_json.points[0].model_dump()
    for key in ("output_tok_per_s", "request_per_s", "ttft_p90_ms", "tpot_p50_ms", "itl_p99_ms", "e2el_p50_ms"):
        assert a[key] == pytest.approx(b[key], abs=0.006), key


def test_a_folder_with_both_aiperf_exports_imports_the_run_once_from_its_json():
    evidence, errors = import_evidence([AIPERF_CSV.parent])
    assert errors == [] and [Path(e.path).name for e in evidence] == ["profile_export_aiperf.json"]


def test_a_csv_that_is_neither_aiperf_nor_mlperf_names_the_accepted_formats(tmp_path):
    bad = tmp_path / "results.csv"
    bad.write_text("name,value\nthroughput,12\n")
    _, (err,) = import_evidence([bad])
    assert "AIPerf" in err.message and "MLPerf" in err.message and "GuideLLM" in err.message


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_the_aiperf_csv_parser_never_raises_anything_but_a_user_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    path.write_text("Metric,avg,min\n" + text, encoding="utf-8")
    try:
        aiperf_csv.load(path)
    except UserError:
        pass


def test_summarize_a_guidellm_file_prints_its_own_per_strategy_figures(capsys):
    status, out, err = _run(["summarize", str(GUIDELLM)], capsys)
    assert status == 0
    report = json.loads(GUIDELLM.read_text())
    for bench in report["benchmarks"]:
        mean = bench["metrics"]["output_tokens_per_second"]["successful"]["mean"]
        assert f"{mean:,.1f}" in out
    assert "inter_token_latency_ms" in err  # the mapping note


def test_summarize_json_of_an_aiperf_csv_gives_one_object_per_load_point(capsys):
    status, out, _ = _run(["summarize", "--json", str(AIPERF_CSV)], capsys)
    (row,) = json.loads(out)
    with AIPERF_CSV.open() as fh:
        values = {r[0]: r[1] for r in csv.reader(fh) if len(r) >= 2}
    assert status == 0 and row["output_tok_per_s"] == float(values["Output Token Throughput (tokens/sec)"])


def test_summarize_on_a_file_no_importer_reads_exits_2_naming_the_formats(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    status, out, err = _run(["summarize", str(bad)], capsys)
    assert status == 2 and out == "" and "notes.txt" in err and "AIPerf" in err and "vllm bench serve" in err


def test_summarize_slo_on_a_result_file_names_the_option(capsys):
    status, out, err = _run(["summarize", "--slo", "tpot_ms=50", str(GUIDELLM)], capsys)
    assert status == 2 and out == "" and "--slo:" in err


def test_report_evidence_reaches_the_compare_and_verify_notebooks_relative_to_the_report(tmp_path):
    folder = tmp_path / "reports" / "r1"
    overrides = {"evidence": [str(GUIDELLM), str(AIPERF_CSV)]}
    plans = plan_parameters(["02_analyze", "03_compare", "05_verify"], overrides, folder, NOTEBOOKS)
    assert "evidence" not in plans["02_analyze"]
    for step in ("03_compare", "05_verify"):
        lines = plans[step]["evidence"].splitlines()
        assert [os.path.normpath(folder / p) for p in lines] == [str(GUIDELLM), str(AIPERF_CSV)]


def test_verify_step_judges_with_the_evidence_files_given(tmp_path):
    from claimbench.report.steps import verify

    result = verify(None, evidence=f"{GUIDELLM}\n{AIPERF_CSV}")
    kinds = {e.kind for e in result.evidence}
    assert {"guidellm", "aiperf"} <= kinds

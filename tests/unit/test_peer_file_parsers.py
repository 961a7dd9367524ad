"""Peer result files: GuideLLM 0.8.1 and AIPerf 0.13.0 files recorded here against the reference
server (tests/data/peers/README.md says how), a published InferenceX point and the first rows of
the published MLPerf Inference v4.1 results table. Imported numbers equal the file's own summary
(the tool's console / CSV, or the published figure); what a format cannot state is unknown until
--evidence-meta gives it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from claimbench.cli import main
from claimbench.errors import UserError
from claimbench.load.evidence import import_evidence
from claimbench.load.peers.inferencex import load_inferencex
from claimbench.load.peers.meta import apply_evidence_meta, parse_evidence_meta
from claimbench.load.peers.mlperf import hardware_id as mlperf_hw
from claimbench.load.peers.mlperf import load_mlperf, model_id

PEERS = Path(__file__).resolve().parents[1] / "data" / "peers"
GUIDELLM = PEERS / "guidellm-0.8.1" / "benchmarks.json"
AIPERF = PEERS / "aiperf-0.13.0" / "profile_export_aiperf.json"
INFX = next((PEERS / "inferencex").glob("agg_*.json"))
MLPERF = PEERS / "mlperf" / "summary_results_v4.1_first11.json"
MLPERF_CSV = PEERS / "mlperf-csv" / "summary_results_v4.1_first11.csv"
SELF_TEST = "tiny-cpu-host-min-throughput-c1"


def _one(path, meta=None):
    evidence, errors = import_evidence([path], meta=meta)
    assert errors == []
    return evidence


# ---------------------------------------------------------------- GuideLLM
def _guidellm_console_rows() -> dict[str, list[str]]:
    """The 'Server Throughput Statistics' rows GuideLLM printed for this run."""
    text = (PEERS / "guidellm-0.8.1" / "console.txt").read_text()
    block = text.split("Server Throughput Statistics")[1]
    rows = {}
    for line in block.splitlines():
        m = re.match(r"\|\s*(concurrent@\d)\s*\|(.*)\|\s*$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def test_guidellm_labels_and_requested_lengths_become_the_conditions():
    (ev,) = _one(GUIDELLM)
    assert ev.kind == "guidellm"
    c = ev.conditions
    assert (c.hardware, c.model, c.input_len, c.output_len, c.phase) == ("cpu-host", "tiny", 64, 16, "end-to-end")
    assert ev.basis == "card" and ev.packages == 1
    assert [p.concurrency for p in ev.points] == [1.0, 2.0]
    assert any("the server counted" in n for n in ev.notes)  # the reference server counts words


def test_guidellm_numbers_equal_its_own_console_summary():
    (ev,) = _one(GUIDELLM)
    rows = _guidellm_console_rows()
    # columns: concurrency median, mean, requests/s, input tok/s, output tok/s, total tok/s
    for point, key in zip(ev.points, ("concurrent@1", "concurrent@2")):
        req_s, in_s, out_s, tot_s = (float(x) for x in rows[key][2:6])
        assert round(point.output_tok_per_s, 1) == out_s
        assert round(point.total_tok_per_s, 1) == tot_s
        assert round(point.input_tok_per_s, 1) == in_s
        assert round(point.request_per_s, 1) == req_s
        assert point.n_ok == 8 and point.n_failed == 0
    raw = json.loads(GUIDELLM.read_text())
    itl = raw["benchmarks"][0]["metrics"]["inter_token_latency_ms"]["successful"]
    assert ev.points[0].tpot_mean_ms == itl["mean"] and ev.points[0].tpot_p99_ms == itl["percentiles"]["p99"]


def test_a_labelled_guidellm_file_is_comparable_and_judges_the_self_test_claim(capsys):
    rc = main(["verify", "--json", "--claim", SELF_TEST, "--evidence", str(GUIDELLM)])
    (item,) = json.loads(capsys.readouterr().out)
    assert rc == 0 and item["verdict"] == "SUPPORTED", item
    (used,) = item["evidence_used"]
    assert used["evidence_id"] == "guidellm:benchmarks.json"
    assert item["observed"] == pytest.approx(157.2, abs=0.05)  # concurrency 1, as GuideLLM printed it


# ---------------------------------------------------------------- AIPerf
def _aiperf_csv() -> dict[str, dict[str, str]]:
    with (PEERS / "aiperf-0.13.0" / "profile_export_aiperf.csv").open() as fh:
        return {row["Metric"]: row for row in csv.DictReader(fh) if row.get("Metric")}


def test_aiperf_numbers_equal_its_own_csv_summary():
    (ev,) = _one(AIPERF)
    (pt,) = ev.points
    rows = _aiperf_csv()
    assert round(pt.output_tok_per_s, 2) == float(rows["Output Token Throughput (tokens/sec)"]["avg"])
    assert round(pt.tpot_mean_ms, 2) == float(rows["Inter Token Latency (ms)"]["avg"])
    assert round(pt.tpot_p99_ms, 2) == float(rows["Inter Token Latency (ms)"]["p99"])
    assert round(pt.ttft_p50_ms, 2) == float(rows["Time to First Token (ms)"]["p50"])
    assert round(pt.e2el_p90_ms, 2) == float(rows["Request Latency (ms)"]["p90"])
    assert pt.concurrency == 1 and pt.n_ok == 8 and pt.n_failed == 0


def test_aiperf_states_model_and_lengths_but_not_hardware():
    (ev,) = _one(AIPERF)
    c = ev.conditions
    assert (c.model, c.input_len, c.output_len, c.hardware, c.precision) == ("tiny", 64, 16, None, None)
    assert ev.basis == "system" and ev.packages is None


def test_evidence_meta_makes_an_aiperf_file_comparable(capsys):
    rc = main(["verify", "--json", "--claim", SELF_TEST, "--evidence", str(AIPERF)])
    (item,) = json.loads(capsys.readouterr().out)
    assert item["verdict"] == "NOT-COMPARABLE"
    rc = main(
        [
            "verify", "--json", "--claim", SELF_TEST, "--evidence", str(AIPERF),
            "--evidence-meta", "hardware=cpu-host", "--evidence-meta", "packages=1",
        ]
    )  # fmt: skip
    (item,) = json.loads(capsys.readouterr().out)
    assert rc == 0 and item["verdict"] == "SUPPORTED", item
    assert item["observed"] == pytest.approx(157.85, abs=0.005)


# ---------------------------------------------------------------- InferenceX
def test_inferencex_point_is_per_gpu_with_its_conditions_and_latencies_in_ms():
    (ev,) = load_inferencex(INFX)
    raw = json.loads(INFX.read_text())
    (pt,) = ev.points
    assert ev.basis == "card" and ev.packages is None
    assert pt.output_tok_per_s == raw["output_tput_per_gpu"] and pt.total_tok_per_s == raw["tput_per_gpu"]
    assert pt.concurrency == 4
    assert pt.tpot_p50_ms == pytest.approx(raw["median_tpot"] * 1000)
    assert pt.ttft_p99_ms == pytest.approx(raw["p99_ttft"] * 1000)
    c = ev.conditions
    assert (c.model, c.precision, c.input_len, c.output_len) == ("kimi-k2.5", "int4", 1024, 1024)
    assert c.speculative.method == "mtp"
    assert c.hardware == "amd-mi355x"  # the runner's "mi355x" through the registry's device_names


def test_inferencex_multinode_points_are_converted_to_the_whole_system(tmp_path):
    # Keys as utils/process_result.py writes them for a multinode run (hand-made numbers):
    # output_tput_per_gpu = output / decode GPUs, tput_per_gpu = total / all GPUs.
    base = {"hw": "b200", "model": "deepseek-ai/DeepSeek-R1", "framework": "dynamo-sglang", "precision": "fp8",
            "spec_decoding": "none", "disagg": True, "isl": 1024, "osl": 1024, "is_multinode": True,
            "num_prefill_gpu": 8, "num_decode_gpu": 24}  # fmt: skip
    pts = [
        {**base, "conc": 64, "output_tput_per_gpu": 100.0, "tput_per_gpu": 150.0, "input_tput_per_gpu": 300.0},
        {**base, "conc": 8, "output_tput_per_gpu": 40.0, "tput_per_gpu": 60.0, "input_tput_per_gpu": 120.0},
    ]
    f = tmp_path / "points.json"
    f.write_text(json.dumps(pts))
    (ev,) = load_inferencex(f)
    assert ev.basis == "system" and ev.packages == 32 and ev.conditions.hardware == "nvidia-b200"
    assert [p.concurrency for p in ev.points] == [8, 64]
    assert ev.points[1].output_tok_per_s == 2400.0  # 100 x 24 decode GPUs = 75 per GPU of 32
    assert ev.points[1].total_tok_per_s == 4800.0 and ev.points[1].input_tok_per_s == 2400.0
    assert ev.conditions.speculative == "none"


def test_evidence_meta_names_the_hardware_an_inferencex_runner_type_does_not(tmp_path):
    raw = json.loads(INFX.read_text())
    f = tmp_path / "point.json"
    f.write_text(json.dumps({**raw, "hw": "xpu9000"}))  # a runner no registry chip names
    (ev,) = load_inferencex(f)
    assert ev.conditions.hardware is None and any("xpu9000" in n for n in ev.notes)
    with pytest.raises(UserError, match="unknown hardware 'amd-mi355x'"):
        apply_evidence_meta(ev, parse_evidence_meta(["hardware=amd-mi355x"]), {"amd-mi300x"})
    fixed = apply_evidence_meta(ev, parse_evidence_meta(["hardware=amd-mi300x"]), {"amd-mi300x"})
    assert fixed.conditions.hardware == "amd-mi300x" and "--evidence-meta" in fixed.notes[-1]


def test_evidence_meta_cannot_contradict_the_chip_a_file_names():
    (ev,) = load_inferencex(INFX)
    with pytest.raises(UserError, match="the file says amd-mi355x"):
        apply_evidence_meta(ev, parse_evidence_meta(["hardware=amd-mi300x"]), {"amd-mi300x", "amd-mi355x"})


# ---------------------------------------------------------------- MLPerf
def test_mlperf_llm_rows_become_records_and_other_rows_are_skipped():
    records = load_mlperf(MLPERF)
    # 8 llama2-70b rows = 4 results each entered under two accuracy targets; 3 non-LLM rows skipped
    assert [(r.packages, r.points[0].level, r.points[0].output_tok_per_s) for r in records] == [
        (1, "Offline", 3062.72),
        (1, "Server", 2520.27),
        (8, "Offline", 23514.8),
        (8, "Server", 21028.2),
    ]
    first = records[0]
    assert first.conditions.hardware == "amd-mi300x" and first.conditions.model == "llama-2-70b"
    assert first.conditions.precision == "fp8" and first.basis == "card" and records[2].basis == "system"
    assert first.reported_by == "AMD" and "llama2-70b-99.9" in first.notes[-1]


def test_the_mlperf_table_as_csv_imports_the_same_records():
    as_json = [r.model_dump(exclude={"path"}) for r in load_mlperf(MLPERF)]
    as_csv = [r.model_dump(exclude={"path"}) for r in load_mlperf(MLPERF_CSV)]
    assert as_csv == as_json


def test_mlperf_accelerator_and_model_names_map_only_to_exact_parts():
    assert mlperf_hw("AMD Instinct MI300X-NPS1-SPX-192GB-750W") == "amd-mi300x"
    assert mlperf_hw("NVIDIA H100-SXM-80GB") == "nvidia-h100-sxm"
    assert mlperf_hw("NVIDIA H100-NVL-94GB") is None  # the PCIe NVL card is another part
    assert mlperf_hw("NVIDIA GH200 Grace Hopper Superchip") is None
    assert model_id("llama2-70b-99.9") == "llama-2-70b" and model_id("llama3.1-405b") == "llama-3.1-405b"
    assert model_id("llama2-70b-interactive-99") == "llama-2-70b"


# ---------------------------------------------------------------- dispatch and --evidence-meta
def test_a_folder_of_peer_files_imports_each_by_its_content():
    evidence, errors = import_evidence([PEERS / "guidellm-0.8.1", PEERS / "aiperf-0.13.0", PEERS / "inferencex"])
    assert errors == [] and sorted(e.kind for e in evidence) == ["aiperf", "guidellm", "inferencex"]


def test_evidence_meta_fills_unknowns_and_refuses_to_contradict_the_file():
    (ev,) = _one(GUIDELLM)
    with pytest.raises(UserError, match=r"--evidence-meta hardware=nvidia-h20: the file says cpu-host"):
        apply_evidence_meta(ev, parse_evidence_meta(["hardware=nvidia-h20"]))
    out = apply_evidence_meta(ev, parse_evidence_meta(["precision=BF16", "publisher=acme"]))
    assert out.conditions.precision == "bf16" and out.reported_by == "acme"


@pytest.mark.parametrize(
    "items, message",
    [
        (["hardware"], "must be KEY=VALUE"),
        (["gpu=h20"], "unknown key 'gpu'"),
        (["packages=two"], "packages: 'two' is not an integer"),
        (["packages=0"], "must be >= 1"),
        (["phase=decode"], "phase: 'decode' is not one of"),
        (["model=a", "model=b"], "model given twice"),
    ],
)
def test_bad_evidence_meta_is_a_one_line_error(items, message):
    with pytest.raises(UserError, match=re.escape(message)):
        parse_evidence_meta(items)


def test_evidence_meta_on_the_cli_is_exit_2_with_one_line(capsys):
    assert main(["verify", "--evidence", str(AIPERF), "--evidence-meta", "gpu=h20"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown key 'gpu'" in err


def test_packages_on_per_gpu_numbers_is_refused():
    (ev,) = load_inferencex(INFX)
    with pytest.raises(UserError, match="already per card"):
        apply_evidence_meta(ev, parse_evidence_meta(["packages=8"]))

"""The shipped MLPerf evidence library: rows, provenance, registry mapping, CLI and re-import."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.cli import main
from claimbench.load.mlperf_library import (
    hardware_for,
    library_evidence,
    library_frame,
    model_for,
    read_library,
    show_record,
    stated_pm,
    update_round,
)
from claimbench.load.mlperf_results import parse_log
from claimbench.load.registry import list_hardware

HW = list_hardware()


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return library_frame(HW)


def test_the_library_holds_llm_rows_of_four_rounds_or_more(frame):
    per_round = dict(frame.group_by("round").len().iter_rows())
    assert {"v4.1", "v5.1", "v6.0", "v6.1"} <= set(per_round)
    assert all(n > 100 for n in per_round.values())
    assert set(frame["units"].unique()) == {"Tokens/s"}


def test_the_per_accelerator_figure_is_the_result_over_total_accelerators(frame):
    none = frame.filter(pl.col("total_accelerators").is_null() | (pl.col("total_accelerators") == 0))
    assert none["result_per_accelerator"].null_count() == none.height  # a CPU-only system has no per-accelerator figure
    rows = frame.filter(pl.col("total_accelerators") > 0)
    for r in rows.select("result", "total_accelerators", "result_per_accelerator").iter_rows():
        assert r[2] == pytest.approx(r[0] / r[1], rel=1e-12)


def test_every_row_names_repository_commit_path_and_file_hash(frame):
    for repo, commit, path, digest, locator in frame.select(
        "repository", "commit", "path", "sha256", "locator"
    ).iter_rows():
        assert re.fullmatch(r"[\w.-]+/inference_results_v\d\.\d", repo)
        assert re.fullmatch(r"[0-9a-f]{40}", commit)
        assert path and locator
        assert re.fullmatch(r"[0-9a-f]{64}", digest)


def test_the_summary_table_and_the_run_log_agree_on_every_result(frame):
    both = frame.filter(pl.col("log_tokens_per_s").is_not_null())
    # v6.1's summary.csv was read on its own (the repository could not be snapshotted): no run logs
    assert set(frame.filter(pl.col("log_tokens_per_s").is_null())["round"].unique()) == {"v6.1"}
    assert both.height == frame.filter(pl.col("round") != "v6.1").height
    off = both.filter(((pl.col("log_tokens_per_s") - pl.col("result")).abs() / pl.col("result")) > 1e-3)
    assert off.height == 0


def test_at_least_95_percent_of_rows_map_to_a_registry_chip_and_the_rest_say_why(frame):
    unmapped = frame.filter(pl.col("hardware").is_null())
    assert unmapped.height / frame.height <= 0.05
    assert unmapped["unmapped_reason"].null_count() == 0


V61_COMMIT = "e777c7be4514bc1e28f657ad7c30167167fb7c41"
V61_SHA256 = "54555b359e1bdd4812a7948e9f3c246a56609cd4d080bbdae86f49bf76172e8f"


def test_v61_rows_come_from_the_official_summary_csv_at_its_commit_with_its_hash(frame):
    v61 = frame.filter(pl.col("round") == "v6.1")
    assert v61.height == 353  # the datacenter tokens/s rows of the 492-row table
    assert set(v61["repository"].unique()) == {"mlcommons/inference_results_v6.1"}
    assert set(v61["commit"].unique()) == {V61_COMMIT}
    assert set(v61["path"].unique()) == {"summary.csv"}
    assert set(v61["sha256"].unique()) == {V61_SHA256}


def test_a_v61_row_carries_the_tables_figures_and_the_per_accelerator_quotient(frame):
    row = frame.filter(
        (pl.col("round") == "v6.1")
        & (pl.col("submitter") == "AMD")
        & (pl.col("platform") == "8xMI355X_2xEPYC_9575F")
        & (pl.col("benchmark") == "gpt-oss-120b")
        & (pl.col("scenario") == "Offline")
    ).row(0, named=True)
    assert row["result"] == 121818.0 and row["total_accelerators"] == 8
    assert row["result_per_accelerator"] == pytest.approx(15227.25)  # 121818 / 8
    assert row["hardware"] == "amd-mi355x" and row["precision"] == "fp4" and row["exact_match"] == 83.706
    assert row["locator"].startswith("summary.csv row ")


def test_a_cpu_only_row_whose_accelerator_is_na_says_so():
    assert hardware_for("N/A", HW) == (None, "no accelerator named (a CPU-only system)")


def test_v61_accelerators_map_to_their_registry_parts():
    assert hardware_for("Intel(R) Arc(TM) Pro B70", HW)[0] == "intel-arc-pro-b70"
    assert hardware_for("AMD Instinct MI350P", HW)[0] == "amd-mi350p"
    assert hardware_for("AMD Instinct MI350X 288GB HBM3e", HW)[0] == "amd-mi350x"
    assert hardware_for("NVIDIA VeraRubin", HW)[0] == "nvidia-rubin"
    assert hardware_for("NVIDIA VR200", HW)[0] == "nvidia-rubin"
    assert hardware_for("NVIDIA RTX PRO 4500 Blackwell", HW)[0] == "nvidia-rtx-pro-4500-blackwell"


def test_a_superchip_name_is_not_read_as_the_part_it_contains():
    assert hardware_for("NVIDIA GB200", HW) == ("nvidia-gb200", None)
    assert hardware_for("NVIDIA GB300", HW)[0] == "nvidia-gb300"
    assert hardware_for("NVIDIA GH200 Grace Hopper Superchip 144GB", HW)[0] == "nvidia-gh200"
    assert hardware_for("NVIDIA H200-NVL-141GB", HW)[0] == "nvidia-h200-nvl"
    assert hardware_for("NVIDIA H200-SXM-141GB", HW)[0] == "nvidia-h200-sxm"


def test_a_mixed_system_maps_to_no_chip_and_says_so():
    hw, why = hardware_for("AMD Instinct MI300X 192GB HBM3 (x32), AMD Instinct MI325X 256GB HBM3e (x16)", HW)
    assert hw is None and "mixed" in why
    assert hardware_for(None, HW) == (None, "no accelerator named (a CPU-only system)")


def test_an_open_division_row_that_ran_another_model_has_no_model_id():
    assert model_for("llama2-70b-99.9", "llama3_1-70b-fp8_dyn")[0] is None
    assert model_for("llama3.1-8b", "llama3_1-8b") == ("llama-3.1-8b", None)
    assert model_for("llama2-70b-99.9", "llama2-70b-99.9") == ("llama-2-70b", None)


def test_stated_precision_is_half_the_last_digit():
    assert stated_pm(27803.9) == pytest.approx(0.05)
    assert stated_pm(102909.0) == 0.5
    assert stated_pm(3062.72) == pytest.approx(0.005)


@pytest.fixture(scope="module")
def evidence():
    return {e.id: e for e in library_evidence(hardware=HW)}


def test_closed_rows_are_peer_reviewed_submissions_published_by_the_submitter(evidence, frame):
    row = frame.filter((pl.col("division") == "closed") & (pl.col("round") == "v5.1")).row(0, named=True)
    ev = evidence[row["id"]]
    assert ev.provenance.origin == "peer-reviewed-submission"
    assert ev.provenance.publisher == row["submitter"]
    assert ev.provenance.document_sha256 == row["sha256"]
    assert ev.packages == row["total_accelerators"]


def test_a_row_that_ran_another_model_names_that_model_so_it_never_matches_the_benchmarks(evidence, frame):
    row = frame.filter(pl.col("used_model") == "llama3_1-70b-fp8_dyn").row(0, named=True)
    assert row["model"] == "llama3.1-70b-fp8-dyn"
    assert evidence[row["id"]].conditions.model == "llama3.1-70b-fp8-dyn"


def test_open_rows_are_the_submitters_publication(evidence, frame):
    row = frame.filter(pl.col("division") == "open").row(0, named=True)
    assert evidence[row["id"]].provenance.origin == "publication"


def test_a_server_result_is_a_latency_limited_lower_bound_with_its_tpot_limit(evidence, frame):
    row = frame.filter((pl.col("scenario") == "Server") & pl.col("tpot_limit_ms").is_not_null()).row(0, named=True)
    pt = evidence[row["id"]].points[0]
    assert pt.operating_point == "latency-limited"
    assert pt.tpot_limit_ms == row["tpot_limit_ms"]
    assert "lower bound" in pt.note
    off = frame.filter(pl.col("scenario") == "Offline").row(0, named=True)
    assert evidence[off["id"]].points[0].operating_point == "max-throughput"


def test_evidence_list_json_gives_each_rounds_rows_with_per_accelerator_figures(capsys):
    assert main(["evidence", "list", "--source", "mlperf", "--round", "v5.1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    lib = read_library().filter(pl.col("round") == "v5.1")
    assert len(rows) == lib.height
    for r in rows:
        if r["total_accelerators"]:  # 0 or null: a CPU-only system
            assert r["result_per_accelerator"] == pytest.approx(r["result"] / r["total_accelerators"])


def test_evidence_list_filters_by_hardware_and_scenario(capsys):
    assert main(["evidence", "list", "--hardware", "nvidia-gb200", "--scenario", "server", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["hardware"] for r in rows} == {"nvidia-gb200"} and {r["scenario"] for r in rows} == {"Server"}


def test_an_unknown_round_is_one_line_and_exit_2(capsys):
    assert main(["evidence", "list", "--round", "9.9"]) == 2
    assert "--round" in capsys.readouterr().err


def test_evidence_show_prints_one_record_with_its_provenance(capsys, frame):
    rid = frame["id"][0]
    assert main(["evidence", "show", rid, "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["id"] == rid and row["sha256"]


def _checkout(tmp_path, rows):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "summary_results.json").write_text(json.dumps(rows), encoding="utf-8")
    return tmp_path


def _row(rid, platform, result, scenario="Offline"):
    # hand-made test rows: fake numbers, in the layout of summary_results.json
    return {
        "ID": rid, "Submitter": "TestCo", "Availability": "available", "Category": "closed",
        "Suite": "datacenter", "System": "test system", "Platform": platform, "UsedModel": "llama2-70b-99",
        "Model": "llama2-70b-99", "Scenario": scenario, "Accuracy": "ROUGE1: 44.0", "Nodes": 1,
        "Accelerator": "NVIDIA H200-SXM-141GB", "a#": 8, "Location": f"closed/TestCo/results/{platform}/x/{scenario}",
        "Software": "test", "version": "v9.9", "inferred": 0, "has_power": False, "weight_data_types": "fp8",
        "Performance_Result": result, "Performance_Units": "Tokens/s",
    }  # fmt: skip


def test_update_reports_rows_added_and_writes_the_library(tmp_path):
    src = _checkout(tmp_path / "co", [_row("9.9-1", "P1", 1000.0), _row("9.9-2", "P2", 2000.0, "Server")])
    out = tmp_path / "lib.parquet"
    rep = update_round("9.9", src, retrieved="2026-01-01", out=out)
    assert rep.rows == 2 and len(rep.added) == 2 and not rep.removed and not rep.changed
    new = pl.read_parquet(out)
    assert new.filter(pl.col("round") == "v9.9").height == 2
    assert new.height == read_library().height + 2
    got = new.filter(pl.col("platform") == "P1").row(0, named=True)
    assert got["result_per_accelerator"] == 125.0 and got["repository"] == "mlcommons/inference_results_v9.9"


def test_update_reports_a_changed_figure(tmp_path):
    first = update_round("9.9", _checkout(tmp_path / "a", [_row("9.9-1", "P1", 1000.0)]), retrieved="x",
                         out=tmp_path / "lib.parquet")  # fmt: skip
    assert len(first.added) == 1
    second = update_round(
        "9.9", _checkout(tmp_path / "b", [_row("9.9-1", "P1", 1100.0)]), retrieved="x", library=tmp_path / "lib.parquet"
    )
    assert second.changed == [(first.added[0], "result", 1000.0, 1100.0)]


def test_update_from_a_folder_without_results_is_one_line(tmp_path, capsys):
    assert main(["evidence", "update", "--mlperf", "v9.9", "--from", str(tmp_path)]) == 2
    assert "--from" in capsys.readouterr().err


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_log_never_raises_on_any_text(text):
    got = parse_log(text)
    assert set(got) >= {"log_valid", "log_tokens_per_s", "ttft_limit_ms", "tpot_limit_ms"}


def test_parse_log_reads_a_server_summary():
    text = (
        "Completed tokens per second: 10755.59\nResult is : VALID\n"
        "99.00 percentile first token latency (ns)   : 357223316\n"
        "99.00 percentile time to output token (ns)   : 151920554\n"
        "ttft_latency (ns): 2000000000\ntpot_latency (ns): 200000000\n"
    )
    got = parse_log(text)
    assert got["log_tokens_per_s"] == 10755.59 and got["log_valid"] is True
    assert got["ttft_limit_ms"] == 2000.0 and got["tpot_limit_ms"] == 200.0
    assert got["ttft_p99_ms"] == pytest.approx(357.223316)


def test_the_rules_file_names_its_commit_and_every_llm_benchmark_of_the_library(frame):
    from claimbench.load.mlperf_library import benchmark_rules, load_rules

    rules = load_rules()
    assert re.fullmatch(r"[0-9a-f]{40}", rules.source.commit)
    for benchmark in frame["benchmark"].unique():
        assert benchmark_rules(benchmark, rules) is not None, benchmark


def test_every_server_and_interactive_run_log_holds_the_limits_the_rules_file_states(frame):
    from claimbench.load.mlperf_library import benchmark_rules, load_rules

    rules = load_rules()
    latency = frame.filter((pl.col("scenario") != "Offline") & pl.col("log_path").is_not_null())
    assert latency.height > 300
    for row in latency.iter_rows(named=True):
        lim = benchmark_rules(row["benchmark"], rules).scenarios[row["scenario"]]
        assert (row["ttft_limit_ms"], row["tpot_limit_ms"]) == (lim.ttft_p99_ms, lim.tpot_p99_ms), row["id"]


def test_a_row_without_log_limits_takes_them_from_the_rules():
    from claimbench.load.mlperf_library import _limits, load_rules

    row = {"scenario": "Interactive", "benchmark": "llama2-70b-99.9", "ttft_limit_ms": None, "tpot_limit_ms": None}
    got = _limits(row, load_rules())
    assert (got["ttft_limit_ms"], got["tpot_limit_ms"]) == (450, 40)


LIB_CLAIMS = Path(__file__).resolve().parents[1] / "fixtures" / "library_claims"


def test_a_claim_on_a_chip_no_analyst_wrote_evidence_for_is_judged_from_the_library(capsys):
    assert main(["verify", "--claims-dir", str(LIB_CLAIMS), "--claim", "mi355x-llama2-offline", "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert item["verdict"] == "SUPPORTED"
    assert item["evidence_used"] and all(u["evidence_id"].startswith("mlperf:") for u in item["evidence_used"])


def test_a_ratio_of_two_submissions_has_an_interval_from_their_stated_precision(capsys):
    assert main(["verify", "--claims-dir", str(LIB_CLAIMS), "--claim", "mi355x-vs-b200-ratio", "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    num, den = (show_record(u["evidence_id"]) for u in item["evidence_used"])
    assert num["scenario"] == den["scenario"]  # the best of each chip; rounds may differ (next test: one round)
    assert (num["hardware"], den["hardware"]) == ("amd-mi355x", "nvidia-b200")
    # each figure is +- half its last stated digit (whole tokens/s here), per card: the interval is that
    # arithmetic on the two table figures, not zero width
    n, k, d, j = num["result"], num["total_accelerators"], den["result"], den["total_accelerators"]
    lo, hi = item["interval"]
    assert lo == pytest.approx(((n - 0.5) / k) / ((d + 0.5) / j), rel=1e-9)
    assert hi == pytest.approx(((n + 0.5) / k) / ((d - 0.5) / j), rel=1e-9)
    assert lo < hi


def test_a_round_without_a_summary_table_is_read_from_systems_and_run_logs(tmp_path):
    from claimbench.load.mlperf_results import DirSource, round_rows

    # hand-made checkout, fake numbers, in the layout of inference_results_v4.1
    (tmp_path / ".git" / "refs" / "heads").mkdir(parents=True)
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".git" / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    systems = tmp_path / "closed" / "TestCo" / "systems"
    systems.mkdir(parents=True)
    (systems / "P8.json").write_text(
        json.dumps(
            {
                "submitter": "TestCo",
                "system_type": "datacenter",
                "system_name": "test",
                "accelerator_model_name": "NVIDIA H200-SXM-141GB",
                "accelerators_per_node": 4,
                "number_of_nodes": 2,
                "framework": "test",
                "status": "available",
            }
        )
    )
    run = tmp_path / "closed/TestCo/results/P8/llama2-70b-99/Server/performance/run_1"
    run.mkdir(parents=True)
    (run / "mlperf_log_summary.txt").write_text(
        "Completed tokens per second: 800.0\nResult is : VALID\nttft_latency (ns): 2000000000\n"
        "tpot_latency (ns): 200000000\n"
    )
    src = DirSource(tmp_path)
    assert src.commit == "a" * 40
    (row,) = round_rows(src, "v9.9", "mlcommons/inference_results_v9.9", "mlcommons/inference_results_v9.9", "x")
    assert row["result"] == 800.0 and row["total_accelerators"] == 8 and row["result_per_accelerator"] == 100.0
    assert row["tpot_limit_ms"] == 200.0 and row["commit"] == "a" * 40
    assert row["path"] == "closed/TestCo/results/P8/llama2-70b-99/Server/performance/run_1/mlperf_log_summary.txt"


def test_a_v61_style_summary_csv_is_read_with_the_benchmark_from_mlperfmodel(tmp_path):
    from claimbench.load.mlperf_results import DirSource, round_rows

    # hand-made table, fake numbers, with the columns of inference_results_v6.1/summary.csv
    head = "Organization,Availability,Division,SystemType,SystemName,Platform,Model,MlperfModel,Scenario,Result,"
    head += "Accuracy,number_of_nodes,accelerator_model_name,accelerators_per_node,total_accelerators,Location,"
    head += "framework,inferred,has_power,Units,weight_data_types\n"
    loc = "./closed/TestCo/results/P/llama3_1-8b/Server/performance/run_1"
    rows = [
        f'TestCo,available,closed,datacenter,S,P,llama3_1-8b,llama3.1-8b,Server,1000.5,"ROUGE1: 38.1",2,X 9,4,8,{loc},f,1,False,Tokens/s,fp8',
        "TestCo,available,closed,datacenter,S,P,whisper,whisper,Offline,5.0,a,1,X 9,4,4,./w,f,0,False,Samples/s,fp16",
        "TestCo,available,closed,edge,S,P,llama3.1-8b-edge,llama3.1-8b-edge,Offline,9.0,a,1,X 9,4,4,./e,f,0,False,Tokens/s,fp4",
    ]
    (tmp_path / "summary.csv").write_text(head + "\n".join(rows) + "\n")
    (got,) = round_rows(DirSource(tmp_path), "v6.1", "mlcommons/inference_results_v6.1", "x/y", "2026-12-07")
    assert (got["benchmark"], got["used_model"], got["scenario"]) == ("llama3.1-8b", "llama3_1-8b", "Server")
    assert (got["result"], got["total_accelerators"], got["nodes"], got["accelerators_per_node"]) == (1000.5, 8, 2, 4)
    assert got["result_per_accelerator"] == pytest.approx(1000.5 / 8)
    assert got["inferred"] is True and got["has_power"] is False and got["power_w"] is None
    assert got["rouge1"] == 38.1 and got["precision"] == "fp8" and got["log_path"] is None
    assert got["locator"] == "summary.csv row 0 (row, llama3.1-8b, Server)"


def test_a_v61_server_row_says_its_limits_come_from_the_rules_file_not_a_log(evidence):
    (pt,) = evidence["mlperf:v6.1:closed:AMD:8xMI355X_2xEPYC_9575F:llama2-70b-99.9:Server"].points
    assert pt.tpot_limit_ms == 200 and pt.operating_point == "latency-limited"  # llama2-70b Server: TPOT p99 200 ms
    assert "rules.yaml" in (pt.note or "") and "the run's log was not read" in (pt.note or "")
    assert (pt.tpot_limit_stat, pt.ttft_limit_ms, pt.ttft_limit_stat) == ("p99", 2000, "p99")


def test_a_server_row_without_a_run_log_decides_a_p99_claim_at_a_looser_bound_as_a_lower_bound(evidence):
    from verdict_builders import make_claim

    from claimbench.judge.verdict import VerdictConfig, judge_claim

    e = evidence["mlperf:v6.1:closed:AMD:8xMI355X_2xEPYC_9575F:llama2-70b-99.9:Server"]
    (pt,) = e.points
    assert pt.tpot_p99_ms is None and pt.ttft_p99_ms is None  # only the limits the run was held to
    assert e.basis == "system" and e.packages == 8
    loose = {"metric": "tpot", "stat": "p99", "max_ms": 250.0}  # the run was held to p99 TPOT <= 200 ms
    cond = {"hardware": e.conditions.hardware, "model": "llama-2-70b", "precision": None, "speculative": None}
    claim = make_claim(round(pt.output_tok_per_s / 8 * 0.9), conditions={**cond, "phase": None, "slo": [loose]})
    v = judge_claim(claim, [e], {h.id: h for h in HW}, None, VerdictConfig(n_boot=50))[0]
    assert v.verdict == "SUPPORTED" and v.evidence_used[0].read.kind == "lower_bound", v.why
    mean = make_claim(1.0, conditions={**cond, "phase": None, "slo": [{**loose, "stat": "mean"}]})
    assert judge_claim(mean, [e], {h.id: h for h in HW}, None, VerdictConfig(n_boot=50))[0].verdict == "NOT-COMPARABLE"


def test_an_open_row_below_the_closed_accuracy_target_never_matches_the_benchmarks_model(frame):
    row = frame.filter(pl.col("id") == "mlperf:v6.1:open:Orrick_Industries_LLC:b200_l2_6x:llama2-70b-99.9:Offline")
    (r,) = row.iter_rows(named=True)
    # ROUGE1 41.797 < 0.999 x 44.4312 (llama2-70b-99.9's target): a lower-accuracy run, not the benchmark's task
    assert (
        r["model"] == "llama-2-70b@below-accuracy-target"
        and "ROUGE1 41.797 < 0.999 x 44.4312" in r["accuracy_shortfall"]
    )
    at_target = frame.filter((pl.col("division") == "open") & pl.col("accuracy_shortfall").is_null())
    assert at_target.height > 0 and not any(m and m.endswith("@below-accuracy-target") for m in at_target["model"])
    assert (
        frame.filter(pl.col("division") == "closed")["accuracy_shortfall"].null_count()
        == frame.filter(pl.col("division") == "closed").height
    )  # the closed division passed the submission checker


def test_a_ratio_of_two_submissions_of_one_round_has_the_interval_of_their_stated_precision(evidence):
    from claimbench.judge.verdict import VerdictConfig, judge_claim
    from claimbench.load.claims import load_claims

    (claim,) = [c for c in load_claims(LIB_CLAIMS, {h.id for h in HW})[0] if c.id == "mi355x-vs-b200-ratio"]
    v61 = [e for i, e in evidence.items() if i.startswith("mlperf:v6.1:closed:")]
    v = judge_claim(claim, v61, {h.id: h for h in HW}, None, VerdictConfig(n_boot=100))[0]
    num, den = (show_record(u.evidence_id) for u in v.evidence_used)
    assert (num["round"], den["round"]) == ("v6.1", "v6.1") and num["scenario"] == den["scenario"]
    n, k, d, j = num["result"], num["total_accelerators"], den["result"], den["total_accelerators"]
    lo, hi = v.interval
    assert lo == pytest.approx(((n - 0.5) / k) / ((d + 0.5) / j), rel=1e-9)
    assert hi == pytest.approx(((n + 0.5) / k) / ((d - 0.5) / j), rel=1e-9)


def test_every_library_record_states_its_scenario_as_a_condition_claims_bind_on():
    from claimbench.load.mlperf_library import library_evidence

    recs = library_evidence()
    assert recs and all(r.conditions.scenario in ("offline", "server", "interactive") for r in recs)
    assert {r.conditions.scenario for r in recs} == {"offline", "server", "interactive"}


def test_an_mlperf_power_result_gives_tokens_per_joule_on_system_power_and_decides_a_system_claim(evidence, frame):
    from verdict_builders import make_claim
    from verdict_builders import predicate as base_predicate

    from claimbench.judge.verdict import VerdictConfig, judge_claim

    row = frame.filter(pl.col("power_w").is_not_null() & (pl.col("scenario") == "Offline")).row(0, named=True)
    e = evidence[row["id"]]
    (pt,) = e.points
    assert pt.output_tok_per_j == pytest.approx(row["result"] / row["power_w"]) and pt.power_basis == "system"
    assert pt.power_w_per_package is None  # wall power of the whole system is no chip's power
    cond = {
        "hardware": e.conditions.hardware,
        "model": e.conditions.model,
        "precision": None,
        "speculative": None,
        "phase": None,
        "slo": None,
        "input_len": None,
        "output_len": None,
    }
    hw = {h.id: h for h in HW}
    for basis, want in (("system", "REFUTED"), ("chip", None)):
        pred = base_predicate(pt.output_tok_per_j * 1.05, metric="output_tok_per_j", unit="tok/J", power_basis=basis)
        v = judge_claim(make_claim(pred=pred, conditions=cond), [e], hw, None, VerdictConfig(n_boot=50))[0]
        if want:
            assert v.verdict == want and v.corroboration == "peer-reviewed", v.why
            assert "on system power" in v.why
        else:  # a chip claim is read per package from the chip's TDP (a lower bound), never from system power
            assert "on system power" not in v.why and v.verdict != "REFUTED", v.why

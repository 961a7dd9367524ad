"""``claimbench verify`` end to end on the shipped data and on fixtures (no engine)."""

import json
from pathlib import Path

import polars as pl
import pytest
import yaml

from claimbench.cli import main

DATA = Path(__file__).resolve().parents[2] / "data"
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "verify"


def test_verify_prints_a_verdict_for_every_shipped_claim(capsys):
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "huawei-2400-tok-s-per-card-at-50ms" in out and "UNVERIFIABLE" in out


def test_json_gives_quote_predicate_verdict_margin_interval_evidence_and_conditions(capsys):
    assert main(["verify", "--json", "--claim", "huawei-2400-tok-s-per-card-at-50ms"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    for key in (
        "id",
        "quote",
        "predicate",
        "verdict",
        "margin_rel",
        "interval",
        "evidence_used",
        "conditions_compared",
        "readings",
    ):
        assert key in item
    readings = {r["reading"]: r["verdict"] for r in item["readings"]}
    assert readings == {
        "as-worded": "NOT-COMPARABLE",
        "per-910c-chip-huawei-report": "SUPPORTED",
        "per-910c-die": "REFUTED",
        "one-910c-card-alone": "IMPLAUSIBLE",  # the weights need >= 5 packages
    }


def test_a_bad_claim_file_is_one_stderr_line_and_exit_1_while_the_others_are_judged(tmp_path, capsys):
    src = yaml.safe_load((DATA / "claims" / "tiny-cpu-host-min-throughput-c1.yaml").read_text())
    (tmp_path / "tiny-cpu-host-min-throughput-c1.yaml").write_text(yaml.safe_dump(src))
    bad = dict(src, id="bad-one", colour="red")
    (tmp_path / "bad-one.yaml").write_text(yaml.safe_dump(bad))
    rc = main(["verify", "--claims-dir", str(tmp_path), "--evidence", str(FIX / "vllm_bench_serve.json")])
    out, err = capsys.readouterr()
    assert rc == 1  # an input skipped, the rest judged
    lines = [l for l in err.splitlines() if "error" in l]
    assert len(lines) == 1 and "bad-one.yaml" in lines[0] and "colour" in lines[0]
    assert "tiny-cpu-host-min-throughput-c1" in out and "SUPPORTED" in out


def test_the_self_test_claim_is_judged_from_a_vllm_bench_result_of_the_tiny_model(capsys):
    rc = main(
        [
            "verify",
            "--json",
            "--claim",
            "tiny-cpu-host-min-throughput-c1",
            "--evidence",
            str(FIX / "vllm_bench_serve.json"),
        ]
    )
    (item,) = json.loads(capsys.readouterr().out)
    assert rc == 0 and item["verdict"] == "SUPPORTED" and item["observed"] == 128.0


def test_out_writes_parquet_markdown_and_the_json_records(tmp_path, capsys):
    assert main(["verify", "--out", str(tmp_path)]) == 0
    t = pl.read_parquet(tmp_path / "verdicts.parquet")
    assert {"claim_id", "reading", "verdict", "margin_rel", "ci_low", "ci_high"} <= set(t.columns)
    assert "| claim_id |" in (tmp_path / "verdicts.md").read_text()
    records = json.loads((tmp_path / "verdicts.json").read_text())
    assert sorted(r["id"] for r in records) == sorted(set(t["claim_id"].to_list()))


def test_a_broken_peer_file_is_skipped_and_named(capsys):
    rc = main(["verify", "--claim", "tiny-cpu-host-min-throughput-c1", "--evidence", str(FIX / "broken_peer.json")])
    err = capsys.readouterr().err
    assert rc == 2 and "broken_peer.json" in err


def test_implausible_fixture_claims_are_judged_implausible_with_the_roof_named(capsys):
    rc = main(["verify", "--json", "--claims-dir", str(FIX / "claims")])
    items = {i["id"]: i for i in json.loads(capsys.readouterr().out)}
    assert rc == 0
    h20 = items["implausible-h20-5000-per-card-at-50ms"]
    assert h20["verdict"] == "IMPLAUSIBLE" and h20["bound"]["max_value"] < 5000
    assert "compute" in h20["bound"]["binding_roof"] and "exceeds the roofline bound" in h20["notes"][0]
    assert items["implausible-910c-10x-h20"]["verdict"] == "IMPLAUSIBLE"


def test_the_2400_claim_shows_card_versus_die_and_the_bound_in_the_table(capsys):
    assert main(["verify", "--claim", "huawei-2400-tok-s-per-card-at-50ms"]) == 0
    out = capsys.readouterr().out
    assert "bound_max" in out and "per-910c-die" in out
    assert "2 dies per package" in out and "ascend-910b-376t has 1 die(s) per card" in out
    assert "within the roofline bound: claimed 2,400 tok/s per die <= 5,515" in out


def test_out_table_columns_are_stable(tmp_path, capsys):
    assert main(["verify", "--out", str(tmp_path)]) == 0
    t = pl.read_parquet(tmp_path / "verdicts.parquet")
    assert t.columns == [
        "claim_id",
        "reading",
        "verdict",
        "predicate",
        "claimed",
        "observed",
        "margin_rel",
        "ci_low",
        "ci_high",
        "ci_method",
        "unit",
        "basis",
        "read_method",
        "evidence_used",
        "n_set_aside",
        "bound_max",
        "bound_basis",
        "bound_roof",
        "corroboration",
        "why",
        "what_would_decide",
        "decide_command",
        "indicative",
        "notes",
    ]
    assert t.height == 16 and set(t["verdict"]) <= {
        "SUPPORTED",
        "REFUTED",
        "INCONCLUSIVE",
        "NOT-COMPARABLE",
        "IMPLAUSIBLE",
        "UNVERIFIABLE",
    }


def _copy_bundle(dst: Path) -> Path:
    """A fresh bundle in the current manifest form (a run id of its own)."""
    from test_evidence import current_manifest, make_bundle

    dst.mkdir(parents=True, exist_ok=True)
    return make_bundle(
        dst, levels=((1, 300.0, 3.0),), manifest=current_manifest("run-x", levels_completed=[0]), name="run-x"
    )


def test_default_evidence_adds_bundles_under_runs_and_says_what_it_used(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "--claim", "tiny-cpu-host-min-throughput-c1"]) == 0
    err = capsys.readouterr().err
    assert "data/reference (default" in err and "; runs (default" not in err  # no ./runs yet
    _copy_bundle(tmp_path / "runs")
    (tmp_path / "runs" / "notes.json").write_text("{not a result}")  # not a bundle: not read
    assert main(["verify", "--claim", "tiny-cpu-host-min-throughput-c1"]) == 0
    err = capsys.readouterr().err
    assert "; runs (" not in err  # bundles under ./runs are used only when asked (--runs)
    assert main(["verify", "--claim", "tiny-cpu-host-min-throughput-c1", "--runs", "runs"]) == 0
    err = capsys.readouterr().err
    assert "; runs (--runs, 1 record)" in err and "error" not in err


def test_runs_option_points_elsewhere_and_a_missing_folder_is_exit_2(tmp_path, capsys):
    _copy_bundle(tmp_path / "elsewhere")
    rc = main(
        [
            "verify",
            "--json",
            "--claim",
            "tiny-cpu-host-min-throughput-c1",
            "--evidence",
            str(DATA / "reference"),
            "--runs",
            str(tmp_path / "elsewhere"),
        ]
    )
    captured = capsys.readouterr()
    (item,) = json.loads(captured.out)
    assert rc == 0 and "(--runs, 1 record)" in captured.err
    assert item["verdict"] == "SUPPORTED" and item["evidence_used"][0]["kind"] == "run_bundle"
    assert main(["verify", "--runs", str(tmp_path / "nope")]) == 2
    assert "--runs" in capsys.readouterr().err


# --- issue 11: corroboration, what would decide, --fail-on, analyst-written data ------------------
CONTRACT_KEYS = {
    "corroboration",
    "claimant",
    "what_would_decide",
    "decide_command",
    "differences",
    "assumed",
    "unknown",
    "caveats",
    "indicative",
    "why",
}


def test_every_reading_in_the_json_has_the_explanation_keys_and_not_comparable_has_no_observed(capsys):
    assert main(["verify", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    for item in items:
        assert set(item) >= CONTRACT_KEYS
        for r in item["readings"]:
            assert set(r) >= CONTRACT_KEYS
            if r["verdict"] in ("NOT-COMPARABLE", "UNVERIFIABLE"):
                assert r["observed"] is None and r["margin_rel"] is None and r["interval"] is None


def test_each_seed_claim_shows_its_corroboration_and_what_would_decide_it(capsys):
    assert main(["verify", "--json"]) == 0
    items = {i["id"]: i for i in json.loads(capsys.readouterr().out)}
    r2400 = {r["reading"]: r for r in items["huawei-2400-tok-s-per-card-at-50ms"]["readings"]}
    chip = r2400["per-910c-chip-huawei-report"]
    assert (chip["verdict"], chip["corroboration"], chip["claimant"]) == ("SUPPORTED", "self-reported", "huawei")
    # a decode-only reading: an end-to-end `claimbench measure` cannot settle it (was offered as if it could,
    # with `--engine-arg quantization=int8`, which is not a vLLM quantization method)
    assert chip["decide_command"] is None
    decode = next(d for d in chip["what_would_decide"] if d.startswith("A decode-only measurement"))
    assert "--hardware ascend-910c --engine-arg quantization=ascend" in decode and "msModelSlim" in decode
    assert "--find-max-under tpot_ms=50" in decode and "quantization=int8" not in decode
    r3x = {r["reading"]: r for r in items["huawei-3x-h20-throughput"]["readings"]}
    # the 50 ms decode tier (675), not the per-node end-to-end 712.5: 2400 / 675 = 3.56
    assert r3x["per-chip-50ms-decode"]["verdict"] == "NOT-COMPARABLE"
    assert r3x["per-chip-50ms-decode"]["indicative"] == pytest.approx(2400 / 675)
    assert r3x["per-watt"]["verdict"] == "UNVERIFIABLE" and "tdp_w" in r3x["per-watt"]["why"]
    assert r3x["per-dollar"]["verdict"] == "UNVERIFIABLE"
    for cid in (
        "huawei-2400-tok-s-per-card-at-50ms",
        "huawei-3x-h20-throughput",
        "huawei-runs-pangu-deepseek-kimi",
        "huawei-cloud-756-days-no-major-incident",
    ):
        for r in items[cid]["readings"]:
            assert r["what_would_decide"], (cid, r["reading"])
            assert "corroboration" in r and r["why"]


def test_fail_on_exits_1_when_a_listed_class_occurs_and_2_for_an_unknown_class(capsys):
    assert main(["verify", "--claim", "huawei-2400-tok-s-per-card-at-50ms", "--fail-on", "refuted"]) == 1
    assert "--fail-on: REFUTED found" in capsys.readouterr().err
    assert main(["verify", "--claim", "huawei-3x-h20-throughput", "--fail-on", "IMPLAUSIBLE,REFUTED"]) == 0
    capsys.readouterr()
    assert main(["verify", "--fail-on", "WRONG"]) == 2
    err = capsys.readouterr().err
    assert "--fail-on" in err and "'WRONG'" in err and len(err.strip().splitlines()) == 1


def test_the_text_view_shows_corroboration_set_aside_reasons_and_what_would_decide(capsys):
    assert main(["verify", "--claim", "huawei-3x-h20-throughput"]) == 0
    out = capsys.readouterr().out
    # nothing decided a NOT-COMPARABLE reading: it carries no corroboration label
    assert (
        "NOT-COMPARABLE [no corroboration: nothing decided it]" in out
        and "set aside (" in out
        and "would decide:" in out
    )
    assert "evidence used: xdeepserve-2508.02520#run1-colocated-peak-decode" in out


ANALYST_CLAIM = """
id: acme-h20-500
claimant: acme
title: "Acme: 500 output tok/s per nvidia-h20 at TPOT under 50 ms"
source: {url: "https://example.org/acme", date: "2026-01", quote: "500 tokens per second per card"}
predicate: {metric: output_tok_per_s, comparator: ">=", value: 500, unit: tok/s, basis: card, tolerance_rel: null,
            ratio_to: null}
conditions:
  hardware: nvidia-h20
  model: deepseek-r1
  precision: fp8
  input_len: 4096
  output_len: 1536
  slo: [{metric: tpot, stat: null, max_ms: 50}]
  speculative: null
  concurrency: null
  phase: decode-only
  deployment: null
unknown: [speculative, concurrency, deployment]
"""

ANALYST_REF = """
id: lab-h20
title: "A lab's H20 run"
source: {url: "https://example.org/lab", date: "2026-02", quote: "600 tok/s per GPU at TPOT < 50 ms"}
reported_by: lab
shared_conditions: {hardware: nvidia-h20, model: deepseek-v3, precision: fp8, input_len: 4096, output_len: 1536,
                    speculative: none, phase: decode-only, deployment: null}
results:
  - id: tier-50
    label: "TPOT < 50 ms tier"
    conditions: {}
    basis: card
    packages: null
    derived: false
    operating_point: latency-limited
    points: [{level: "tier 50", output_tok_per_s: 600, tpot_limit_ms: 50, throughput_pm: 0.5}]
"""


def test_an_analyst_adds_a_claim_and_its_evidence_as_yaml_with_no_code(tmp_path, capsys):
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "acme-h20-500.yaml").write_text(ANALYST_CLAIM)
    (tmp_path / "lab-h20.yaml").write_text(ANALYST_REF)
    args = ["verify", "--json", "--claims-dir", str(tmp_path / "claims"), "--evidence", str(tmp_path / "lab-h20.yaml")]
    assert main(args) == 0
    (item,) = json.loads(capsys.readouterr().out)
    # 600 read at the 50 ms ceiling >= 500; deepseek-v3 counts as deepseek-r1 (data/aliases/models.yaml)
    assert (item["verdict"], item["observed"], item["corroboration"]) == ("SUPPORTED", 600.0, "independent")
    assert item["interval"] == [599.5, 600.5]


def test_with_every_claim_file_bad_each_is_named_then_exit_2(tmp_path, capsys):
    src = yaml.safe_load((DATA / "claims" / "tiny-cpu-host-min-throughput-c1.yaml").read_text())
    (tmp_path / "bad-one.yaml").write_text(yaml.safe_dump(dict(src, id="bad-one", colour="red")))
    (tmp_path / "bad-two.yaml").write_text(yaml.safe_dump(dict(src, id="bad-two", schema="two")))
    rc = main(["verify", "--claims-dir", str(tmp_path), "--evidence", str(FIX / "vllm_bench_serve.json")])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    lines = [line for line in err.splitlines() if "error" in line]
    assert "bad-one.yaml" in lines[0] and "colour" in lines[0]
    assert "bad-two.yaml" in lines[1] and "schema" in lines[1]
    assert "no claim judged: all 2 claim files are bad" in lines[2]

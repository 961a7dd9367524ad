"""``claimbench verify`` end to end on the shipped data and on fixtures (no engine)."""

import json
from pathlib import Path

import polars as pl
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
    }


def test_a_bad_claim_file_is_one_stderr_line_and_exit_2_while_the_others_are_judged(tmp_path, capsys):
    src = yaml.safe_load((DATA / "claims" / "tiny-cpu-host-min-throughput-c1.yaml").read_text())
    (tmp_path / "tiny-cpu-host-min-throughput-c1.yaml").write_text(yaml.safe_dump(src))
    bad = dict(src, id="bad-one", colour="red")
    (tmp_path / "bad-one.yaml").write_text(yaml.safe_dump(bad))
    rc = main(["verify", "--claims-dir", str(tmp_path), "--evidence", str(FIX / "vllm_bench_serve.json")])
    out, err = capsys.readouterr()
    assert rc == 2
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


def test_out_writes_parquet_and_markdown(tmp_path, capsys):
    assert main(["verify", "--out", str(tmp_path)]) == 0
    t = pl.read_parquet(tmp_path / "verdicts.parquet")
    assert {"claim_id", "reading", "verdict", "margin_rel", "ci_low", "ci_high"} <= set(t.columns)
    assert "| claim_id |" in (tmp_path / "verdicts.md").read_text()


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
    assert t.height == 15 and set(t["verdict"]) <= {
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
    return make_bundle(dst, levels=((1, 300.0, 3.0),), manifest=current_manifest("run-x"), name="run-x")


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

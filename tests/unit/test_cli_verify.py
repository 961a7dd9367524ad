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
    for key in ("id", "quote", "predicate", "verdict", "margin_rel", "interval", "evidence_used",
                "conditions_compared", "readings"):
        assert key in item
    readings = {r["reading"]: r["verdict"] for r in item["readings"]}
    assert readings == {"as-worded": "NOT-COMPARABLE", "per-910c-chip-huawei-report": "SUPPORTED",
                        "per-910c-die": "REFUTED"}


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
    rc = main(["verify", "--json", "--claim", "tiny-cpu-host-min-throughput-c1",
               "--evidence", str(FIX / "vllm_bench_serve.json")])
    (item,) = json.loads(capsys.readouterr().out)
    assert rc == 0 and item["verdict"] == "SUPPORTED" and item["observed"] == 128.0


def test_out_writes_parquet_and_markdown(tmp_path, capsys):
    assert main(["verify", "--out", str(tmp_path)]) == 0
    t = pl.read_parquet(tmp_path / "verdicts.parquet")
    assert {"claim_id", "reading", "verdict", "margin_rel", "ci_low", "ci_high"} <= set(t.columns)
    assert "| claim_id |" in (tmp_path / "verdicts.md").read_text()


def test_a_broken_peer_file_is_skipped_and_named(capsys):
    rc = main(["verify", "--claim", "tiny-cpu-host-min-throughput-c1",
               "--evidence", str(FIX / "broken_peer.json")])
    err = capsys.readouterr().err
    assert rc == 2 and "broken_peer.json" in err

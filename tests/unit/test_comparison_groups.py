"""Like with like: comparison groups, ranks within a group only, the Pareto plane, claims on it."""

import polars as pl
import pytest

from claimbench.judge.comparison import (
    claim_points,
    comparison_frame,
    group_key,
    pareto_frame,
    rank_within_groups,
)
from claimbench.load.registry import list_hardware
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint

HW = {h.id: h for h in list_hardware()}


def ev(
    id,
    points,
    hardware="ascend-910c",
    basis="card",
    packages=None,
    model="deepseek-r1",
    precision="int8",
    isl=2048,
    osl=2048,
    spec="none",
    phase="decode-only",
    kind="reference",
):
    return Evidence(
        id=id,
        kind=kind,
        path=None,
        secondary=False,
        reported_by="someone",
        derived=False,
        conditions=EvidenceConditions(
            hardware=hardware,
            model=model,
            precision=precision,
            input_len=isl,
            output_len=osl,
            speculative=spec,
            phase=phase,
        ),
        basis=basis,
        packages=packages,
        points=points,
    )


def test_every_row_names_its_group_of_model_precision_lengths_speculation_and_phase():
    f = comparison_frame([ev("a", [LoadPoint(output_tok_per_s=1000)], isl=None)], HW, forms=("per_card",))
    row = f.to_dicts()[0]
    assert (row["model"], row["precision"], row["input_len"], row["output_len"]) == ("deepseek-r1", "int8", None, 2048)
    assert row["speculative"] == "none" and row["phase"] == "decode-only"
    assert (
        row["group"] == "deepseek-r1 · int8 · ISL/OSL ?/2048 · no spec. decoding · phase decode-only · no bound stated"
    )


def test_an_unstated_speculative_decoding_is_a_question_mark_not_none():
    assert "spec. decoding ?" in group_key("m", "fp8", 1, 2, None, None)
    assert "no spec. decoding" in group_key("m", "fp8", 1, 2, "none", None)


def test_ranks_are_computed_only_within_a_group():
    evidence = [
        ev("fast-other-model", [LoadPoint(output_tok_per_s=9000)], model="kimi-k2"),
        ev("a", [LoadPoint(output_tok_per_s=1000)]),
        ev("b", [LoadPoint(output_tok_per_s=3000)]),
        ev("c", [LoadPoint(output_tok_per_s=2000)]),
    ]
    ranked = rank_within_groups(comparison_frame(evidence, HW, forms=("per_card",)), "per_card")
    ranks = {r["evidence_id"]: (r["rank_in_group"], r["n_in_group"]) for r in ranked.iter_rows(named=True)}
    # 9000 tok/s of another model does not push the deepseek results down
    assert ranks == {"fast-other-model": (1, 1), "b": (1, 3), "c": (2, 3), "a": (3, 3)}


def test_the_pareto_plane_takes_every_point_with_a_tpot_per_card_and_per_die():
    e = ev(
        "sweep",
        [
            LoadPoint(level="b8", output_tok_per_s=800, tpot_p50_ms=10),
            LoadPoint(level="b64", output_tok_per_s=2400, tpot_mean_ms=50),
            LoadPoint(level="no-tpot", output_tok_per_s=3000),
        ],
    )
    p = pareto_frame([e], HW)
    assert p["level"].to_list() == ["b64", "b8"]  # sorted by tok/s per user; the point without TPOT is left out
    b64, b8 = p.to_dicts()
    assert b8["tok_s_per_user"] == pytest.approx(100.0) and b8["tpot_stat"] == "p50"
    assert b64["tok_s_per_user"] == pytest.approx(20.0) and b64["tpot_stat"] == "mean"
    assert (b64["per_card"], b64["per_die"]) == (2400, 1200)  # Ascend 910C: 2 dies per package
    assert b64["source"] == "published" and b64["vendor"] == HW["ascend-910c"].vendor


def test_a_node_figure_is_divided_by_its_packages_and_own_runs_are_marked_measured_here():
    node = ev(
        "node",
        [LoadPoint(output_tok_per_s=14800, tpot_mean_ms=40)],
        hardware="nvidia-h800-sxm",
        basis="node",
        packages=8,
    )
    own = ev("bundle:x", [LoadPoint(output_tok_per_s=500, tpot_p50_ms=2)], hardware="cpu-host", kind="run_bundle")
    p = {r["evidence_id"]: r for r in pareto_frame([node, own], HW).iter_rows(named=True)}
    assert p["node"]["per_card"] == 1850 and p["node"]["tok_s_per_user"] == 25
    assert p["bundle:x"]["source"] == "measured here"


def claim(basis="card", value=2400, slo=50.0, hardware="ascend-910c"):
    return Claim.model_validate(
        {
            "id": "c1",
            "title": "t",
            "claimant": "example-vendor",
            "source": {"url": "https://example.org", "date": "2025", "quote": "q"},
            "predicate": {
                "metric": "output_tok_per_s",
                "comparator": ">=",
                "value": value,
                "unit": "tok/s",
                "basis": basis,
                "tolerance_rel": None,
                "ratio_to": None,
            },
            "conditions": {
                "hardware": hardware,
                "model": "deepseek-r1",
                "precision": "int8",
                "input_len": None,
                "output_len": None,
                "slo": [{"metric": "tpot", "stat": None, "max_ms": slo}] if slo else None,
                "speculative": None,
                "concurrency": None,
                "phase": None,
                "deployment": None,
            },
            "unknown": ["input_len", "output_len", "speculative", "concurrency", "phase", "deployment"]
            + ([] if slo else ["slo"]),
        }
    )


def test_a_claim_sits_on_the_plane_at_the_slowest_per_user_speed_its_tpot_bound_allows():
    row = claim_points([claim(basis="die", value=1200)], HW).to_dicts()[0]
    assert row["tok_s_per_user"] == 20.0  # 1000 / 50 ms
    assert (row["per_card"], row["per_die"]) == (2400, 1200)
    assert row["group"].startswith("deepseek-r1 · int8")


def test_a_claim_without_a_tpot_bound_is_not_placed():
    assert claim_points([claim(slo=None)], HW).height == 0


def test_empty_inputs_give_empty_frames_with_the_columns():
    assert pareto_frame([], HW).columns[0] == "group" and claim_points([], HW).height == 0
    assert isinstance(rank_within_groups(comparison_frame([], HW), "per_card"), pl.DataFrame)


def test_points_at_different_tpot_are_not_ranked_together():
    # the case: 974 tok/s at TPOT 24.6 ms ranked above 538 tok/s at 14.9 ms
    fast = ev("fast", [LoadPoint(output_tok_per_s=538, tpot_p50_ms=14.9)])
    slow = ev("slow", [LoadPoint(output_tok_per_s=974, tpot_p50_ms=24.6)])
    none = ev("none", [LoadPoint(output_tok_per_s=700)])
    f = comparison_frame([fast, slow, none], HW, forms=("per_card",))
    points = dict(zip(f["evidence_id"], f["latency_point"]))
    assert points == {"fast": "TPOT 10–20 ms", "slow": "TPOT 20–35 ms", "none": "no bound stated"}
    assert f["group"].n_unique() == 3
    assert rank_within_groups(f, "per_card")["n_in_group"].to_list() == [1, 1, 1]


def test_a_stated_tpot_bound_decides_the_bucket_over_the_measured_tpot():
    f = comparison_frame([ev("a", [LoadPoint(output_tok_per_s=900, tpot_p50_ms=41, tpot_limit_ms=50)])], HW)
    assert set(f["latency_point"]) == {"TPOT 35–50 ms"}


def test_a_figure_two_sources_report_appears_once_citing_both():
    paper = ev("paper#t1", [LoadPoint(output_tok_per_s=1943, tpot_p50_ms=48)])
    note = ev("note#t1", [LoadPoint(output_tok_per_s=1943.0, tpot_p50_ms=48)])
    other = ev("other#t2", [LoadPoint(output_tok_per_s=1500, tpot_p50_ms=48)])
    f = comparison_frame([paper, note, other], HW, forms=("per_card",))
    assert f.height == 2
    row = f.filter(pl.col("value") == 1943).to_dicts()[0]
    assert row["evidence_id"] == "paper#t1, note#t1" and "the same figure: paper#t1, note#t1" in row["label"]

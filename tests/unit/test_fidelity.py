"""Fidelity comparison (pure): identical-token rate, first divergence, mean |logprob difference|, the flag."""

from __future__ import annotations

import polars as pl
import pytest

from claimbench.analyze.fidelity import compare_one, fidelity_summary
from claimbench.measurement.runner import with_fidelity


def test_identical_outputs_have_fidelity_one_and_no_divergence():
    one = compare_one([5, 6, 7], [5, 6, 7], [-0.1, -0.2, -0.3], [-0.1, -0.2, -0.3])
    s = fidelity_summary([one, one])
    assert s["identical_token_rate"] == 1.0 and s["first_divergence_min"] is None and s["prompts_identical"] == 2
    assert s["mean_abs_logprob_diff"] == 0.0 and s["below_threshold"] is False


def test_a_divergence_counts_position_wise_and_logprobs_only_before_it():
    # positions 0,1 agree; 2 differs; 3 agrees again by chance (counted as identical: same token, same place)
    one = compare_one([5, 6, 9, 8], [5, 6, 7, 8], [-1.0, -2.0, -3.0, -4.0], [-1.5, -2.5, -0.1, -0.1])
    assert one["identical_tokens"] == 3 and one["first_divergence"] == 2
    assert one["abs_logprob_diffs"] == [0.5, 0.5]
    s = fidelity_summary([one, compare_one([1, 2], [1, 2])], threshold=0.9)
    assert s["identical_token_rate"] == pytest.approx(5 / 6) and s["below_threshold"] is True
    assert s["first_divergence_per_prompt"] == [2, None] and s["mean_abs_logprob_diff"] == 0.5


def test_a_shorter_served_output_diverges_where_it_ends():
    one = compare_one([5, 6], [5, 6, 7])
    assert one["first_divergence"] == 2 and one["identical_tokens"] == 2 and one["reference_tokens"] == 3


def test_no_reference_tokens_gives_null_not_zero():
    s = fidelity_summary([])
    assert s["identical_token_rate"] is None and s["below_threshold"] is None


def test_the_summary_gets_the_fidelity_on_every_level_only_when_asked():
    summary = pl.DataFrame({"level": [0, 1]})
    assert with_fidelity(summary, None).columns == ["level"]
    out = with_fidelity(summary, {"identical_token_rate": 0.5, "below_threshold": True})
    assert out["fidelity_identical_token_rate"].to_list() == [0.5, 0.5]
    assert out["fidelity_below_threshold"].to_list() == [True, True]


def test_a_bundle_below_its_fidelity_threshold_carries_the_flag_and_a_note_into_evidence(tmp_path):
    from test_evidence import current_manifest, make_bundle

    from claimbench.load.evidence import load_run_bundle

    fid = {"identical_token_rate": 0.4, "below_threshold": True, "threshold": 0.9, "reference": {"dtype": "float32"}}
    d = make_bundle(tmp_path, manifest=current_manifest(fidelity=fid), name="run-f")
    summ = pl.read_parquet(d / "summary.parquet")
    with_fidelity(summ, fid).write_parquet(d / "summary.parquet")
    ev = load_run_bundle(d)
    assert [p.fidelity_below_threshold for p in ev.points] == [True, True]
    assert [p.fidelity_identical_token_rate for p in ev.points] == [0.4, 0.4]
    assert any("fidelity below threshold" in n for n in ev.notes)


def test_a_fidelity_sample_that_cannot_be_taken_is_recorded_and_the_bundle_still_completes(tmp_path):
    from test_multiturn import WaveEngine

    from claimbench.load.bundles import read_bundle
    from claimbench.measurement.fidelity import FidelityOptions
    from claimbench.measurement.runner import MeasureConfig, run_measurement
    from claimbench.measurement.workload import WorkloadSpec
    from claimbench.schema.records import LoadLevel

    cfg = MeasureConfig(
        model="m",
        model_source="m",
        workload=WorkloadSpec(input_len=4, output_len=2, num_prompts=2, seed=0, vocab_size=100),
        levels=[LoadLevel(0, concurrency=1, num_prompts=2)],
        out_dir=tmp_path,
        energy=False,
        fidelity=FidelityOptions(),
    )
    b = read_bundle(run_measurement(cfg, WaveEngine(), {}))
    assert b.complete and "needs --engine offline or serve" in b.manifest["fidelity"]["error"]
    assert b.summary["fidelity_identical_token_rate"].to_list() == [None]

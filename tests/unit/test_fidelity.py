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


class _NextTokenModel:
    """A fake causal LM over a vocabulary of 4: logit 2.0 on (last token + 1) mod 4, 0.0 elsewhere."""

    def __init__(self):
        self.calls: list[list[int]] = []

    def __call__(self, input_ids, past_key_values=None, use_cache=True):
        import torch

        ids = input_ids[0].tolist()
        self.calls.append(ids)
        logits = torch.zeros(1, len(ids), 4)
        logits[0, -1, (ids[-1] + 1) % 4] = 2.0

        class Out:
            pass

        out = Out()
        out.logits, out.past_key_values = logits, ("cache", len(self.calls))
        return out


def test_the_transformers_reference_is_greedy_with_raw_log_softmax_logprobs():
    import math

    from claimbench.measurement.fidelity import greedy_with_logprobs

    model = _NextTokenModel()
    tokens, logprobs = greedy_with_logprobs(model, [0, 1], 3)
    assert tokens == [2, 3, 0]  # never stops at an end-of-sequence token
    lp = 2.0 - math.log(math.exp(2.0) + 3)  # = -0.3408: log-softmax of (2, 0, 0, 0) at the 2
    assert logprobs == pytest.approx([lp, lp, lp])
    assert model.calls == [[0, 1], [2], [3]]  # the prompt once, then one token per step over the cache


def test_fidelity_transformers_selects_the_transformers_reference_in_float32():
    from claimbench.errors import UserError
    from claimbench.measurement.fidelity import FidelityOptions

    hf = FidelityOptions.from_ref("transformers", prompts=4)
    assert (hf.reference_engine, hf.reference_dtype, hf.prompts) == ("transformers", "float32", 4)
    assert FidelityOptions.from_ref("bfloat16").reference_engine == "vllm"
    with pytest.raises(UserError, match="--fidelity"):
        FidelityOptions.from_ref("int4")


def test_the_fidelity_record_names_the_reference_engine():
    from claimbench.measurement.fidelity import FidelityOptions, Sample, fidelity_record

    s = Sample(tokens=[[1, 2]], logprobs=[[-0.5, -0.5]])
    rec = fidelity_record(s, s, FidelityOptions.from_ref("transformers"), "tiny", "float32")
    assert rec["reference"]["engine"] == "transformers" and rec["identical_token_rate"] == 1.0
    assert fidelity_record(s, s, FidelityOptions(), "tiny", None)["reference"]["engine"] == "vllm offline"

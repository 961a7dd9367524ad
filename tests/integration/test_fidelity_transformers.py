"""``measure --fidelity transformers``: Hugging Face Transformers (CPU, float32) as the greedy reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import bundle_from, run_cli

from claimbench.load.bundles import read_bundle


def _measure(runs_dir: Path, name: str, *extra: str) -> Path:
    return bundle_from(
        run_cli(
            "measure",
            "--engine",
            "offline",
            "--dtype",
            "float32",
            "--fidelity",
            "transformers",
            "--fidelity-prompts",
            "4",
            *extra,
            "--input-len",
            "32",
            "--output-len",
            "16",
            "--num-prompts",
            "4",
            "--out",
            str(runs_dir / name),
            "-q",
        )
    )


@pytest.fixture(scope="module")
def greedy_bundle(tiny_model, runs_dir) -> Path:
    """vLLM float32 greedy against Transformers float32 greedy: two implementations of the same weights."""
    return _measure(runs_dir, "fid-hf")


@pytest.fixture(scope="module")
def sampled_bundle(tiny_model, runs_dir) -> Path:
    """A deliberately changed setting: the engine's sample is drawn at temperature 1 instead of greedy."""
    return _measure(runs_dir, "fid-hf-sampled", "--fidelity-temperature", "1.0")


def test_vllm_greedy_matches_transformers_greedy_on_the_tiny_model(greedy_bundle):
    b = read_bundle(greedy_bundle)
    fid = b.manifest["fidelity"]
    assert fid["reference"]["engine"] == "transformers" and fid["reference"]["dtype"] == "float32"
    assert fid["identical_token_rate"] == 1.0 and fid["prompts_identical"] == 4 and fid["reference_tokens"] == 64
    assert fid["first_divergence_min"] is None
    assert fid["mean_abs_logprob_diff"] == pytest.approx(0.0, abs=1e-3)
    assert b.summary["fidelity_identical_token_rate"].to_list() == [1.0]


def test_a_sampled_engine_scores_lower_against_transformers(sampled_bundle):
    fid = read_bundle(sampled_bundle).manifest["fidelity"]
    assert fid["reference"]["engine"] == "transformers"
    assert fid["identical_token_rate"] < 0.9 and fid["below_threshold"] is True
    assert fid["first_divergence_min"] is not None

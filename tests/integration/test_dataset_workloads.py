"""`measure --dataset` on the tiny model through in-process vLLM (a JSONL prompt file) and through
`vllm serve` (a ShareGPT file): the bundle records the data set's hash and lengths, and every
request's prompt has the token count the model's tokenizer gives its text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest
from cli_helpers import bundle_from, run_cli

from claimbench.load.bundles import read_bundle

pytestmark = pytest.mark.integration

WORDS = ["kalo", "mine", "rusa", "tovi", "bedo", "fuga", "hije", "puqo", "zewa", "xiyo", "anel", "ison", "utch", "thst"]


def _texts(n: int) -> list[str]:
    return [" ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(4 + 3 * i)) for i in range(n)]


@pytest.fixture(scope="module")
def tokenizer(tiny_model):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tiny_model), local_files_only=True)


@pytest.fixture(scope="module")
def jsonl_file(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("ds") / "prompts.jsonl"
    f.write_text("".join(json.dumps({"prompt": t, "output_len": 3 + i}) + "\n" for i, t in enumerate(_texts(6))))
    return f


@pytest.fixture(scope="module")
def sharegpt_file(tmp_path_factory) -> Path:
    texts = _texts(7)
    entries = [
        {"id": str(i), "conversations": [{"from": "human", "value": texts[i]}, {"from": "gpt", "value": texts[i + 1]}]}
        for i in range(6)
    ]
    entries.append({"id": "short", "conversations": [{"from": "human", "value": "one turn only"}]})
    f = tmp_path_factory.mktemp("ds") / "sharegpt.json"
    f.write_text(json.dumps(entries))
    return f


@pytest.fixture(scope="module")
def offline_dataset_bundle(tiny_model, jsonl_file, runs_dir) -> Path:
    return bundle_from(
        run_cli(
            "measure",
            "--engine",
            "offline",
            "--dataset",
            str(jsonl_file),
            "--concurrency",
            "1,3",
            "--num-prompts",
            "6",
            "--warmup-prompts",
            "1",
            "--out",
            str(runs_dir / "ds-offline"),
            "--quiet",
        )
    )


@pytest.fixture(scope="module")
def serve_sharegpt_bundle(tiny_model, sharegpt_file, runs_dir) -> Path:
    return bundle_from(
        run_cli(
            "measure",
            "--engine",
            "serve",
            "--dataset",
            str(sharegpt_file),
            "--concurrency",
            "2",
            "--num-prompts",
            "8",
            "--calibrate",
            "never",
            "--out",
            str(runs_dir / "ds-serve"),
            "--quiet",
        )
    )


def _check_lengths(bundle: Path, texts: list[str], tokenizer) -> None:
    b = read_bundle(bundle)
    measured = b.requests.filter(~pl.col("warmup"))
    want = [len(tokenizer(t).input_ids) for t in texts]
    for row in measured.iter_rows(named=True):
        index = int(row["request_id"].rsplit("-", 1)[1][1:])
        assert row["ok"], row["error"]
        assert row["prompt_tokens"] == want[index % len(want)]
        assert row["output_tokens"] == row["requested_output_tokens"]
    for row in b.summary.to_dicts():
        assert row["isl_mean_tokens"] == pytest.approx(row["isl_requested_mean_tokens"])
        assert row["osl_mean_tokens"] == pytest.approx(row["osl_requested_mean_tokens"])


def test_offline_jsonl_run_records_the_data_set_and_token_counts(offline_dataset_bundle, jsonl_file, tokenizer):
    b = read_bundle(offline_dataset_bundle)
    ds = b.manifest["dataset"]
    assert ds["format"] == "jsonl" and ds["sha256"] == hashlib.sha256(jsonl_file.read_bytes()).hexdigest()
    lens = [len(tokenizer(t).input_ids) for t in _texts(6)]
    assert ds["isl_tokens"]["min"] == min(lens) and ds["isl_tokens"]["max"] == max(lens)
    assert ds["osl_tokens"]["mean"] == pytest.approx(sum(3 + i for i in range(6)) / 6)
    _check_lengths(offline_dataset_bundle, _texts(6), tokenizer)
    # level 0 sent every row once: the requested mean is the file's mean
    assert b.summary["isl_requested_mean_tokens"][0] == pytest.approx(sum(lens) / 6)


def test_served_sharegpt_run_uses_the_first_turn_and_the_answer_length(serve_sharegpt_bundle, sharegpt_file, tokenizer):
    b = read_bundle(serve_sharegpt_bundle)
    ds = b.manifest["dataset"]
    assert ds["format"] == "sharegpt" and ds["rows_skipped"] == {"fewer than two turns": 1}
    assert ds["rows_used"] == 6 and ds["repeated"] is True
    assert ds["sha256"] == hashlib.sha256(sharegpt_file.read_bytes()).hexdigest()
    texts = _texts(7)
    answers = [len(tokenizer(texts[i + 1]).input_ids) for i in range(6)]
    measured = b.requests.filter(~pl.col("warmup"))
    for row in measured.iter_rows(named=True):
        index = int(row["request_id"].rsplit("-", 1)[1][1:])
        assert row["requested_output_tokens"] == answers[index % 6]
    _check_lengths(serve_sharegpt_bundle, texts[:6], tokenizer)


MT_ARGS = ["--multi-turn", "3", "--prefix-len", "256", "--input-len", "32", "--output-len", "8", "--num-prompts", "12"]


@pytest.fixture(scope="module")
def offline_multiturn_bundle(tiny_model, runs_dir) -> Path:
    return bundle_from(
        run_cli(
            "measure", "--engine", "offline", *MT_ARGS, "--concurrency", "2", "--out", str(runs_dir / "mt-off"), "-q"
        )
    )


@pytest.fixture(scope="module")
def serve_multiturn_bundle(tiny_model, runs_dir) -> Path:
    return bundle_from(
        run_cli(
            "measure",
            "--engine",
            "serve",
            *MT_ARGS,
            "--concurrency",
            "2",
            "--calibrate",
            "never",
            "--out",
            str(runs_dir / "mt-serve"),
            "-q",
        )
    )


def _check_multiturn(bundle: Path) -> None:
    b = read_bundle(bundle)
    mt = b.manifest["multi_turn"]
    assert mt["sessions"] == 4 and mt["input_len_per_turn"] == [288, 328, 368]
    measured = b.requests.filter(~pl.col("warmup"))
    assert measured["ok"].all()
    assert sorted(measured["prompt_tokens"].to_list()) == sorted([288, 328, 368] * 4)
    pc = b.manifest["prefix_cache"]["0"]
    # vLLM caches full blocks (128 tokens on the CPU backend): every request after the first finds the
    # 256-token shared prefix (2 blocks); no third block is full in any earlier prompt of its session
    assert pc["queried_tokens"] == 4 * (288 + 328 + 368)
    assert pc["hit_tokens"] == 11 * 256
    assert b.summary["prefix_cache_hit_rate"][0] == pytest.approx(11 * 256 / (4 * (288 + 328 + 368)))
    assert mt["ordering"]["0"]["later_turns"] == 8


def test_offline_multi_turn_sessions_hit_the_prefix_cache(offline_multiturn_bundle):
    _check_multiturn(offline_multiturn_bundle)


def test_served_multi_turn_sessions_hit_the_prefix_cache_read_from_metrics(serve_multiturn_bundle):
    _check_multiturn(serve_multiturn_bundle)


@pytest.fixture(scope="module")
def offline_fidelity_bundle(tiny_model, runs_dir) -> Path:
    """float32 engine against a float32 reference: the same weights, the same kernels."""
    args = ["--dtype", "float32", "--fidelity", "float32", "--fidelity-prompts", "4"]
    return bundle_from(
        run_cli(
            "measure",
            "--engine",
            "offline",
            *args,
            "--input-len",
            "32",
            "--output-len",
            "16",
            "--num-prompts",
            "4",
            "--out",
            str(runs_dir / "fid-off"),
            "-q",
        )
    )


@pytest.fixture(scope="module")
def serve_sampled_fidelity_bundle(tiny_model, runs_dir) -> Path:
    """A deliberately changed setting: the served sample is drawn at temperature 1 instead of greedy."""
    args = ["--fidelity", "float32", "--fidelity-prompts", "4", "--fidelity-temperature", "1.0"]
    return bundle_from(
        run_cli(
            "measure",
            "--engine",
            "serve",
            *args,
            "--input-len",
            "32",
            "--output-len",
            "16",
            "--num-prompts",
            "4",
            "--calibrate",
            "never",
            "--out",
            str(runs_dir / "fid-serve"),
            "-q",
        )
    )


def test_the_tiny_model_against_itself_has_fidelity_one(offline_fidelity_bundle):
    b = read_bundle(offline_fidelity_bundle)
    fid = b.manifest["fidelity"]
    assert fid["identical_token_rate"] == 1.0 and fid["prompts_identical"] == 4 and fid["reference_tokens"] == 64
    assert fid["mean_abs_logprob_diff"] == pytest.approx(0.0, abs=1e-4)
    assert b.summary["fidelity_identical_token_rate"].to_list() == [1.0]
    assert b.summary["fidelity_below_threshold"].to_list() == [False]


def test_a_sampled_served_run_scores_lower_and_is_flagged_in_the_evidence(serve_sampled_fidelity_bundle):
    from claimbench.load.evidence import load_run_bundle

    b = read_bundle(serve_sampled_fidelity_bundle)
    fid = b.manifest["fidelity"]
    assert fid["served"]["temperature"] == 1.0 and fid["reference_tokens"] == 64
    assert fid["identical_token_rate"] < 0.9 and fid["below_threshold"] is True
    assert fid["first_divergence_min"] is not None
    ev = load_run_bundle(serve_sampled_fidelity_bundle)
    assert all(p.fidelity_below_threshold for p in ev.points)
    assert any("fidelity below threshold" in n for n in ev.notes)

"""Data set sources: prompt files, ShareGPT, local Hugging Face folders, length distributions."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.errors import UserError
from claimbench.measurement.datasets import (
    DatasetOptions,
    DatasetRow,
    LengthStats,
    detect_format,
    length_stats,
    load_dataset,
    parse_csv,
    parse_jsonl,
    parse_lengths,
    parse_sharegpt,
)

ids_st = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=40)
text_st = st.text(min_size=1, max_size=80).filter(lambda t: t.strip() != "")
out_st = st.one_of(st.none(), st.integers(min_value=1, max_value=10**6))
row_st = st.one_of(
    st.builds(lambda t, o: DatasetRow(text=t, output_len=o), text_st, out_st),
    st.builds(lambda i, o: DatasetRow(token_ids=tuple(i), output_len=o), ids_st, out_st),
)


def _jsonl(rows: list[DatasetRow]) -> str:
    lines = []
    for r in rows:
        obj: dict = {"prompt": r.text} if r.text is not None else {"prompt_token_ids": list(r.token_ids or ())}
        if r.output_len is not None:
            obj["output_len"] = r.output_len
        lines.append(json.dumps(obj))
    return "\n".join(lines) + "\n"


@given(st.lists(row_st, min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_a_jsonl_file_round_trips_every_row(rows):
    assert parse_jsonl(_jsonl(rows), "p.jsonl") == rows


@given(st.lists(row_st, min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_a_csv_file_round_trips_every_row(rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["prompt", "prompt_token_ids", "output_len"])
    for r in rows:
        ids = " ".join(map(str, r.token_ids)) if r.token_ids is not None else ""
        w.writerow([r.text or "", ids, "" if r.output_len is None else r.output_len])
    assert parse_csv(buf.getvalue(), "p.csv") == rows


@given(st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_text_as_jsonl_is_rows_or_one_user_error(text):
    try:
        rows = parse_jsonl(text, "x.jsonl")
    except UserError as exc:
        assert "x.jsonl" in str(exc) and "\n" not in str(exc)
    else:
        assert rows and all(isinstance(r, DatasetRow) for r in rows)


@given(st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_any_text_as_csv_is_rows_or_one_user_error(text):
    try:
        rows = parse_csv(text, "x.csv")
    except UserError as exc:
        assert "x.csv" in str(exc)
    else:
        assert rows


json_st = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda c: (
        st.lists(c, max_size=4)
        | st.dictionaries(st.sampled_from(["conversations", "from", "value", "x"]), c, max_size=3)
    ),
    max_leaves=12,
)


@given(json_st)
@settings(max_examples=200, deadline=None)
def test_any_json_as_sharegpt_is_rows_or_one_user_error(obj):
    try:
        rows, skipped = parse_sharegpt(obj, "s.json")
    except UserError as exc:
        assert "s.json" in str(exc)
    else:
        assert rows and skipped >= 0 and all(r.text is not None and r.completion is not None for r in rows)


def test_sharegpt_skips_entries_with_fewer_than_two_turns_like_vllm():
    data = [
        {"conversations": [{"from": "human", "value": "hi"}]},
        {"conversations": [{"from": "human", "value": "a b"}, {"from": "gpt", "value": "c d e"}]},
        {"id": "no conversations"},
    ]
    rows, skipped = parse_sharegpt(data, "s.json")
    assert rows == [DatasetRow(text="a b", completion="c d e")] and skipped == 2


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ('{"prompt": "a", "prompt_token_ids": [1]}', "not both"),
        ('{"output_len": 3}', "no prompt"),
        ('{"prompt_token_ids": [1, -2]}', "non-negative"),
        ('{"prompt": "a", "output_len": 0}', "positive integer"),
        ('{"prompt": "a", "output_len": 2.5}', "positive integer"),
        ("[1, 2]", "expected an object"),
        ("{nope", "not JSON"),
    ],
)
def test_a_bad_jsonl_line_is_one_error_naming_the_line(line, needle):
    with pytest.raises(UserError, match=needle) as exc:
        parse_jsonl('{"prompt": "ok"}\n' + line + "\n", "p.jsonl")
    assert "p.jsonl line 2" in str(exc.value)


def test_length_stats_are_hand_computed():
    s = length_stats([1, 2, 3, 4])
    assert s["mean"] == 2.5 and s["min"] == 1 and s["max"] == 4 and s["p50"] == 2.5 and s["n"] == 4
    assert s["std"] == pytest.approx(1.118, abs=1e-3)
    assert length_stats([])["mean"] is None


def test_percentile_lengths_reproduce_the_stated_median_and_stay_in_bounds():
    stats = LengthStats(min=10, max=1000, percentiles={50.0: 100.0, 90.0: 400.0})
    xs = stats.sample(np.random.default_rng(0), 20000)
    assert min(xs) >= 10 and max(xs) <= 1000
    assert np.percentile(xs, 50) == pytest.approx(100, rel=0.05)
    assert np.percentile(xs, 90) == pytest.approx(400, rel=0.05)


def test_mean_and_spread_lengths_reproduce_the_stated_mean():
    xs = LengthStats(mean=200, std=50, min=1, max=10_000).sample(np.random.default_rng(1), 20000)
    assert np.mean(xs) == pytest.approx(200, rel=0.03) and np.std(xs) == pytest.approx(50, rel=0.1)


@given(
    st.dictionaries(
        st.sampled_from(["mean", "std", "min", "max", "percentiles", "bogus"]),
        st.one_of(
            st.integers(-5, 2000),
            st.floats(allow_nan=True),
            st.dictionaries(st.text(max_size=4), st.integers(-1, 99), max_size=3),
        ),
        max_size=5,
    )
)
@settings(max_examples=150, deadline=None)
def test_any_length_document_is_parsed_or_one_user_error(stats):
    try:
        doc = parse_lengths({"input": stats, "output": {"mean": 10}}, "l.yaml")
    except UserError as exc:
        assert "l.yaml" in str(exc)
    else:
        xs = doc["input"].sample(np.random.default_rng(0), 50)
        assert all(x >= 1 for x in xs)


def test_a_spread_too_wide_for_floating_point_still_samples_lengths_within_the_bounds():
    # hypothesis found it: std / mean squared overflowed (OverflowError), and an infinite draw could not be rounded
    doc = parse_lengths({"input": {"mean": 1, "std": 1.3407807929942597e154}, "output": {"mean": 10}}, "l.yaml")
    xs = doc["input"].sample(np.random.default_rng(0), 50)
    assert all(1 <= x <= 10**9 for x in xs)


def test_format_follows_the_extension_and_a_folder_is_a_hugging_face_data_set(tmp_path: Path):
    (tmp_path / "a.json").write_text("[]")
    (tmp_path / "b.json").write_text('{"input": {}}')
    assert detect_format(tmp_path / "a.json") == "sharegpt"
    assert detect_format(tmp_path / "b.json") == "lengths"
    assert detect_format(tmp_path) == "hf"
    assert detect_format(Path("x.jsonl")) == "jsonl" and detect_format(Path("x.yaml")) == "lengths"
    with pytest.raises(UserError, match="--dataset-format"):
        detect_format(Path("x.txt"))


# ------------------------------------------------------------ end to end with the tiny model's tokenizer
@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    from claimbench.measurement.tinymodel import build_tiny_model

    return str(build_tiny_model())


@pytest.fixture(scope="module")
def tok(tiny):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny, local_files_only=True)


def test_text_prompts_are_counted_with_the_model_tokenizer(tmp_path, tiny, tok):
    texts = ["kalo mine rusa.", "tovi bedo fuga hije pu qoze wa xiyo!"]
    f = tmp_path / "p.jsonl"
    f.write_text("".join(json.dumps({"prompt": t, "output_len": 5 + i}) + "\n" for i, t in enumerate(texts)))
    src = load_dataset(DatasetOptions(path=str(f)), num_prompts=3, tokenizer_path=tiny)
    assert [list(p.token_ids) for p in src.rows] == [tok(t).input_ids for t in texts]
    assert [p.output_len for p in src.rows] == [5, 6]
    rec = src.record
    assert rec["isl_tokens"]["max"] == max(len(tok(t).input_ids) for t in texts)
    assert rec["repeated"] is True and rec["rows_used"] == 2 and len(rec["sha256"]) == 64
    prompts = src.make(3)
    assert [p.index for p in prompts] == [0, 1, 2] and prompts[2].token_ids == src.rows[0].token_ids
    assert prompts[0].text == texts[0]


def test_sharegpt_output_length_is_the_completion_token_count(tmp_path, tiny, tok):
    f = tmp_path / "sg.json"
    f.write_text(
        json.dumps(
            [{"conversations": [{"from": "human", "value": "kalo mi"}, {"from": "gpt", "value": "ru sa to vi"}]}]
        )
    )
    src = load_dataset(DatasetOptions(path=str(f)), 1, tiny)
    assert src.rows[0].output_len == len(tok("ru sa to vi").input_ids)
    fixed = load_dataset(DatasetOptions(path=str(f), output="fixed", default_output_len=9), 1, tiny)
    assert fixed.rows[0].output_len == 9


def test_text_without_a_tokenizer_is_one_error_naming_the_option(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text('{"prompt": "hello"}\n')
    with pytest.raises(UserError, match="--tokenizer"):
        load_dataset(DatasetOptions(path=str(f)), 1, None)


def test_token_id_prompts_need_no_tokenizer_and_keep_their_ids(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text('prompt_token_ids,output_len\n5 6 7,3\n"[8, 9]",\n')
    src = load_dataset(DatasetOptions(path=str(f), default_output_len=4), 2, None)
    assert [(p.token_ids, p.output_len) for p in src.rows] == [((5, 6, 7), 3), ((8, 9), 4)]
    assert src.record["has_text"] is False


def test_a_hugging_face_folder_reads_the_named_column(tmp_path, tiny, tok):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "ds" / "data").mkdir(parents=True)
    pq.write_table(
        pa.table({"question": ["kalo mi", "ne ru sa"], "n": [3, 4]}), tmp_path / "ds" / "data" / "train.parquet"
    )
    src = load_dataset(DatasetOptions(path=str(tmp_path / "ds"), column="question", output_column="n"), 2, tiny)
    assert [list(p.token_ids) for p in src.rows] == [tok("kalo mi").input_ids, tok("ne ru sa").input_ids]
    assert [p.output_len for p in src.rows] == [3, 4] and src.record["format"] == "hf"
    with pytest.raises(UserError, match="--dataset-column"):
        load_dataset(DatasetOptions(path=str(tmp_path / "ds"), column="nope"), 2, tiny)


def test_a_length_distribution_synthesizes_prompts_matching_it(tmp_path):
    f = tmp_path / "l.yaml"
    f.write_text(
        "name: demo\nsource: stated by hand\ninput: {mean: 50, std: 10, min: 5, max: 200}\noutput: {mean: 20}\n"
    )
    src = load_dataset(DatasetOptions(path=str(f), vocab_size=500), 400, None)
    assert len(src.rows) == 400 and {p.output_len for p in src.rows} == {20}
    assert src.record["isl_tokens"]["mean"] == pytest.approx(50, rel=0.08)
    assert all(4 <= t < 500 for p in src.rows for t in p.token_ids)
    assert src.record["target"]["input"]["mean"] == 50
    again = load_dataset(DatasetOptions(path=str(f), vocab_size=500), 400, None)
    assert [p.token_ids for p in again.rows] == [p.token_ids for p in src.rows]


def test_warmup_streams_draw_other_rows_in_a_seeded_order(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text("".join(json.dumps({"prompt_token_ids": [i + 5]}) + "\n" for i in range(20)))
    src = load_dataset(DatasetOptions(path=str(f)), 20, None)
    measured = [p.token_ids for p in src.make(20)]
    warm = [p.token_ids for p in src.make(20, stream=1)]
    assert sorted(warm) == sorted(measured) and warm != measured
    assert warm == [p.token_ids for p in src.make(20, stream=1)]


def test_a_save_to_disk_arrow_folder_reads_token_id_columns(tmp_path):
    import pyarrow as pa

    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "dataset_info.json").write_text("{}")
    (folder / "state.json").write_text("{}")
    table = pa.table({"ids": [[5, 6, 7], [8, 9]], "n": [2, 3]})
    with pa.OSFile(str(folder / "data-00000-of-00001.arrow"), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)  # the Arrow stream format `datasets.save_to_disk` writes
    src = load_dataset(DatasetOptions(path=str(folder), column="ids", output_column="n"), 2, None)
    assert [(p.token_ids, p.output_len) for p in src.rows] == [((5, 6, 7), 2), ((8, 9), 3)]
    assert src.record["format"] == "hf" and src.record["column"] == "ids"


def test_a_maximum_length_below_one_token_is_a_user_error_naming_the_field():
    with pytest.raises(UserError, match=r"l\.yaml.*input\.max"):
        parse_lengths({"input": {"mean": 1, "max": 0}, "output": {"mean": 10}}, "l.yaml")

import json

import polars as pl
import pytest
from timelines import req

from claimbench.errors import UserError
from claimbench.load.bundles import find_bundles, read_bundle, read_bundles
from claimbench.measurement.store import dump_json, requests_frame, write_bundle


def manifest(run_id="r1", **kw):
    return {"schema_version": 1, "run_id": run_id, "status": "complete", "slos": {}, **kw}


def write(tmp_path, run_id="r1", **kw):
    reqs = requests_frame([req("a", first=0.1, done=0.2, chunks=[0.1, 0.2], out=2)])
    summary = pl.DataFrame({"level": [0], "output_tok_per_s": [10.0]})
    return write_bundle(
        tmp_path, manifest(run_id, **kw), reqs, summary, **{k: v for k, v in kw.items() if k == "redact"}
    )


def test_a_bundle_round_trips_with_nulls_and_lists_intact(tmp_path):
    reqs = requests_frame(
        [req("a", first=0.1, done=0.2, chunks=[0.1, 0.2], out=2), req("b", done=0.3, ok=False, error="boom", out=None)]
    )
    path = write_bundle(tmp_path, manifest(), reqs, pl.DataFrame({"level": [0]}))
    b = read_bundle(path)
    assert b.requests.to_dicts() == reqs.to_dicts()
    assert b.requests["output_tokens"].to_list() == [2, None]  # missing stays null, never 0
    assert b.requests["chunk_times_s"].to_list()[0] == [0.1, 0.2]


def test_manifest_json_is_sorted_indented_with_trailing_newline(tmp_path):
    text = (write(tmp_path) / "manifest.json").read_text()
    assert text == dump_json(json.loads(text)) and text.endswith("}\n") and '\n  "run_id"' in text


def test_bundles_are_never_overwritten(tmp_path):
    write(tmp_path)
    with pytest.raises(FileExistsError):
        write(tmp_path)


def test_no_temporary_folder_is_left_behind(tmp_path):
    write(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["r1"]


def test_secrets_are_redacted_from_the_manifest_and_extra_files(tmp_path):
    log = tmp_path / "server.log"
    log.write_text("started with key sk-verysecret\n")
    reqs = requests_frame([])
    path = write_bundle(
        tmp_path / "out",
        manifest(command=["--x", "sk-verysecret"]),
        reqs,
        pl.DataFrame({"level": [0]}),
        extra_files={"server.log": log},
        redact=["sk-verysecret"],
    )
    assert "sk-verysecret" not in (path / "manifest.json").read_text()
    assert "sk-verysecret" not in (path / "server.log").read_text()


def test_reading_many_bundles_adds_a_run_id_column(tmp_path):
    write(tmp_path, "r1")
    write(tmp_path, "r2")
    reqs, summary, manifests = read_bundles([tmp_path])
    assert sorted(summary["run_id"].to_list()) == ["r1", "r2"] and reqs.height == 2 and len(manifests) == 2


def test_a_folder_without_bundles_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no run bundles found"):
        find_bundles([tmp_path])
    with pytest.raises(UserError, match="no such bundle"):
        find_bundles([tmp_path / "missing"])


def test_a_corrupt_manifest_is_a_user_error_naming_the_file(tmp_path):
    p = write(tmp_path)
    (p / "manifest.json").write_text("{not json")
    with pytest.raises(UserError, match="manifest.json: not valid JSON"):
        read_bundle(p)

"""Fault suite: bundles that lie. Empty, negative, column-less, NaN or inconsistent bundles are
rejected with one line naming the file and field; summarize exits non-zero; verify never uses them."""

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from claimbench.cli import main
from claimbench.errors import UserError
from claimbench.load.bundles import read_bundle

RUN = next((Path(__file__).resolve().parents[2] / "data" / "runs").glob("2*"))


def _copy(tmp_path: Path, name: str = "b") -> Path:
    dst = tmp_path / name
    shutil.copytree(RUN, dst)
    return dst


def _edit_requests(bundle: Path, fn) -> None:
    f = bundle / "requests.parquet"
    fn(pl.read_parquet(f)).write_parquet(f)


def _edit_summary(bundle: Path, fn) -> None:
    f = bundle / "summary.parquet"
    fn(pl.read_parquet(f)).write_parquet(f)


def _edit_manifest(bundle: Path, fn) -> None:
    f = bundle / "manifest.json"
    m = json.loads(f.read_text())
    fn(m)
    f.write_text(json.dumps(m))  # allow_nan: Python writes NaN / Infinity tokens


def _rejected(bundle: Path) -> str:
    with pytest.raises(UserError) as err:
        read_bundle(bundle)
    return str(err.value)


def test_the_shipped_bundle_passes_every_check():
    assert read_bundle(RUN).requests.height > 0


def test_a_bundle_with_zero_request_rows_is_rejected(tmp_path):
    b = _copy(tmp_path)
    _edit_requests(b, lambda r: r.head(0))
    msg = _rejected(b)
    assert "requests.parquet: no request rows (0 rows)" in msg


def test_a_negative_timestamp_is_rejected_naming_the_field(tmp_path):
    b = _copy(tmp_path)
    _edit_requests(
        b, lambda r: r.with_columns(sent_s=pl.when(pl.int_range(pl.len()) == 3).then(-5.0).otherwise("sent_s"))
    )
    assert "requests.parquet: field sent_s: 1 negative timestamp(s)" in _rejected(b)


def test_a_request_done_before_it_was_sent_is_rejected(tmp_path):
    b = _copy(tmp_path)
    _edit_requests(b, lambda r: r.with_columns(done_s=pl.col("sent_s") + 1e-2, first_token_s=pl.col("sent_s") + 1.0))
    msg = _rejected(b)
    assert "field done_s" in msg and "earlier than" in msg


@pytest.mark.parametrize("column", ["done_s", "ok", "level"])
def test_a_missing_required_column_is_rejected_naming_it(tmp_path, column):
    b = _copy(tmp_path)
    _edit_requests(b, lambda r: r.drop(column))
    assert f"requests.parquet: field {column}: column missing" in _rejected(b)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_nan_or_infinite_request_times_are_rejected_naming_file_and_field(tmp_path, value):
    b = _copy(tmp_path)
    _edit_requests(b, lambda r: r.with_columns(first_token_s=pl.lit(value)))
    msg = _rejected(b)
    assert "requests.parquet: field first_token_s:" in msg and "NaN or infinite" in msg


def test_a_nan_summary_is_rejected_but_an_infinite_request_rate_is_allowed(tmp_path):
    b = _copy(tmp_path)
    _edit_summary(b, lambda s: s.with_columns(request_rate=pl.lit(float("inf"))))
    read_bundle(b)  # request_rate inf: all requests at once
    _edit_summary(b, lambda s: s.with_columns(output_tok_per_s=pl.lit(float("nan"))))
    assert "summary.parquet: field output_tok_per_s:" in _rejected(b)


def test_summarize_on_a_bundle_of_nan_rows_exits_2_with_the_reason_and_prints_no_nan(tmp_path, capsys):
    b = _copy(tmp_path)
    _edit_requests(b, lambda r: r.with_columns(sent_s=pl.lit(float("nan")), done_s=pl.lit(float("nan"))))
    _edit_summary(b, lambda s: s.with_columns(output_tok_per_s=pl.lit(float("nan"))))
    rc = main(["summarize", str(b)])
    out, err = capsys.readouterr()
    assert rc == 2 and "nan" not in out.lower()
    assert "requests.parquet: field sent_s:" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "edit,field",
    [
        (lambda m: m.update(request_timeout_s=float("nan")), "field request_timeout_s"),
        (lambda m: m.update(slos={"tpot_ms": float("inf")}), "field slos.tpot_ms"),
        (lambda m: m.update(site_notes={"readings": [1.0, float("nan")]}), "field site_notes.readings.1"),
    ],
    ids=["nan-timeout", "infinite-slo", "nan-in-an-extra-key"],
)
def test_a_nan_timeout_or_infinite_slo_in_the_manifest_is_rejected(tmp_path, edit, field):
    b = _copy(tmp_path)
    _edit_manifest(b, edit)
    msg = _rejected(b)
    assert "manifest.json" in msg and field in msg and "not a finite number" in msg


def test_a_manifest_listing_levels_that_do_not_exist_is_rejected(tmp_path):
    b = _copy(tmp_path)
    _edit_manifest(b, lambda m: m.update(levels_completed=[0, 1, 2, 7]))
    assert "field levels_completed: lists level(s) [7] with no request rows" in _rejected(b)


def test_rows_of_a_level_outside_the_load_plan_are_rejected(tmp_path):
    b = _copy(tmp_path)
    _edit_requests(b, lambda r: r.with_columns(level=pl.when(pl.col("level") == 2).then(9).otherwise("level")))
    _edit_manifest(b, lambda m: m.update(levels_completed=[0, 1]))
    assert "are not in the manifest's load_plan" in _rejected(b)


def test_verify_sets_a_lying_bundle_aside_with_its_name_and_judges_nothing_on_it(tmp_path, capsys):
    b = _copy(tmp_path, "negative-bundle")
    _edit_requests(b, lambda r: r.with_columns(sent_s=pl.lit(-1.0)))
    rc = main(["verify", "--claim", "tiny-cpu-host-min-throughput-c1", "--evidence", str(b)])
    err = capsys.readouterr().err
    assert rc == 2 and "negative-bundle" in err and "negative timestamp" in err

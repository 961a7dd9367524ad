"""Fault suite: a measurement is never thrown away. ``--out`` and every numeric option are checked
before any engine starts; each completed level is durable as it ends; a failed final write keeps
the journal and says where it is."""

import errno
import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from fake_engine import EnginePlumbing

from claimbench.cli import main
from claimbench.errors import IncompleteError, UserError
from claimbench.load.bundles import find_bundles, read_bundle
from claimbench.measurement import store
from claimbench.measurement.runner import MeasureConfig, run_measurement
from claimbench.measurement.store import BundleJournal, check_out_dir, dump_json
from claimbench.measurement.workload import WorkloadSpec
from claimbench.schema.records import LoadLevel, RequestRecord


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ------------------------------------------------------------------ options, before anything starts
@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--duration", "inf"], "--duration must be a finite number, got inf"),
        (["--request-rate", "2", "--burstiness", "inf"], "--burstiness must be a finite number, got inf"),
        (["--request-timeout", "inf"], "--request-timeout must be a finite number, got inf"),
        (["--request-timeout", "nan"], "--request-timeout must be a finite number, got nan"),
        (["--seed", "-1"], "--seed must be at least 0"),
        (["--concurrency", "1,,2"], "--concurrency has an empty item in '1,,2'"),
        (["--num-prompts", "1000000000"], "--num-prompts must be at least 1 and at most 1,000,000"),
        (["--ramp-up", "-1"], "--ramp-up must be at least 0"),
        (["--search-percentile", "101"], "--search-percentile must be greater than 0 and at most 100"),
        (["--engine", "endpoint", "--base-url", "http://[::1"], "--base-url is not a valid URL"),
        (["--engine", "endpoint", "--base-url", "http://127.0.0.1:99999"], "--base-url is not a valid URL"),
        (["--request-rate", "nan"], "--request-rate values must be positive"),
        (
            ["--engine-arg", "gpu_memory_utilization=NaN"],
            "--engine-arg gpu_memory_utilization: must be a finite number",
        ),
    ],
)
def test_non_finite_or_out_of_range_options_are_one_line_before_anything_starts(capsys, tmp_path, argv, needle):
    code, out, err = run(capsys, "measure", "--out", str(tmp_path), *argv)
    assert code == 2 and needle in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_empty_out_is_refused_rather_than_writing_into_the_current_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "measure", "--out", "")
    assert code == 2 and "--out must name a folder, got an empty string" in err
    assert list(tmp_path.iterdir()) == []


def unreachable_endpoint(out):
    # a closed loopback port (discard); never contacted: --out is checked before any engine starts
    return ["measure", "--engine", "endpoint", "--base-url", "http://127.0.0.1:9", "--out", str(out)]


def test_an_out_that_is_a_file_fails_before_the_engine_is_contacted(capsys, tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    code, out, err = run(capsys, *unreachable_endpoint(f))
    assert code == 2 and f"--out: {f} exists and is not a folder" in err  # not "cannot reach endpoint"
    code, out, err = run(capsys, *unreachable_endpoint(f / "sub"))
    assert code == 2 and f"--out: {f / 'sub'} cannot be created: {f} is not a folder" in err


def test_an_out_that_cannot_be_created_fails_before_the_engine_is_contacted(capsys):
    code, out, err = run(capsys, *unreachable_endpoint("/proc/claimbench-cannot-exist/runs"))
    assert code == 2 and "--out: cannot create /proc/claimbench-cannot-exist/runs" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; /proc covers root above")
def test_a_read_only_out_fails_before_the_engine_is_contacted(capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        code, out, err = run(capsys, *unreachable_endpoint(ro))
    finally:
        ro.chmod(0o755)
    assert code == 2 and f"--out: {ro} is not writable: Permission denied" in err


def test_a_full_out_fails_before_the_engine_is_contacted(capsys, tmp_path, monkeypatch):
    class Usage:
        free = 3 * 2**20  # 3 MiB left; the default plan needs more than the 8 MiB margin

    monkeypatch.setattr(store.shutil, "disk_usage", lambda p: Usage)
    code, out, err = run(capsys, *unreachable_endpoint(tmp_path))
    assert code == 2 and f"--out: {tmp_path} has 3 MiB free; the plan needs about" in err
    assert list(tmp_path.iterdir()) == []  # the write probe is removed


def test_the_plan_estimate_grows_with_requests_and_output_length():
    # 2 x requests x (512 + 16 x output_len) + 8 MiB margin, hand-computed
    assert store.estimate_bundle_bytes(100, 128) == 2 * 100 * (512 + 2048) + 8 * 2**20
    assert check_out_dir  # imported for the checks above


def test_a_non_finite_value_reaching_a_manifest_is_written_as_text_not_a_crash():
    text = dump_json({"rate": float("inf"), "x": float("nan"), "ok": [1.5, float("-inf")]})
    assert json.loads(text) == {"ok": [1.5, "-inf"], "rate": "inf", "x": None}


# ------------------------------------------------------------------ journal and partial bundles
def rec(level, i, ok=True):
    r = RequestRecord(f"L{level}-m{i}", level, 0.0, sent_s=0.1 * i, first_token_s=0.1 * i + 0.05)
    r.done_s, r.output_tokens, r.requested_output_tokens, r.ok = 0.1 * i + 0.2, 4, 4, ok
    r.chunk_times_s = [r.first_token_s + 0.05 * k for k in range(4)]
    r.chunk_tokens = [1] * 4
    return r


class FakeEngine(EnginePlumbing):
    """An engine whose levels complete instantly; level ``fail_at`` raises like an unexpected crash."""

    def __init__(self, fail_at=None, error="Bearer sk-leaky-123456 rejected"):
        self.fail_at, self.error = fail_at, error

    def run_level(self, level, prompts, run_t0, records, warmup=False, seed=0, request_timeout_s=None, **kw):
        if level.level == self.fail_at:
            raise RuntimeError("simulated crash mid-sweep")
        for i, _ in enumerate(prompts):
            r = rec(level.level, i, ok=i != 0)
            if i == 0:
                r.error = self.error
            records.append(r)


def config(out, n_levels=3, redact=()):
    spec = WorkloadSpec(input_len=4, output_len=4, num_prompts=3, seed=0, vocab_size=100)
    levels = [LoadLevel(i, concurrency=i + 1, num_prompts=3) for i in range(n_levels)]
    return MeasureConfig(model="m", model_source="m", workload=spec, levels=levels, out_dir=out, energy=False,
                         redact=list(redact))  # fmt: skip


def test_a_crash_mid_sweep_leaves_a_readable_partial_bundle_with_every_completed_level(tmp_path):
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_measurement(config(tmp_path), FakeEngine(fail_at=2), {"backend": "cpu"})
    [journal] = find_bundles([tmp_path])
    assert journal.name.endswith(".partial")
    b = read_bundle(journal)
    assert b.partial and b.manifest["levels_completed"] == [0, 1]
    assert sorted(b.requests["level"].unique().to_list()) == [0, 1] and b.requests.height == 6
    assert b.summary["level"].to_list() == [0, 1]
    assert b.summary["n_ok"].to_list() == [2, 2] and b.summary["n_failed"].to_list() == [1, 1]


def test_the_journal_redacts_request_errors_like_the_final_bundle(tmp_path):
    with pytest.raises(RuntimeError):
        run_measurement(config(tmp_path, redact=["sk-leaky-123456"]), FakeEngine(fail_at=1), {})
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert b"sk-leaky-123456" not in f.read_bytes()
    [journal] = find_bundles([tmp_path])
    assert read_bundle(journal).requests["error"].drop_nulls().to_list() == ["Bearer *** rejected"]


def test_a_finished_run_is_one_complete_bundle_and_no_journal_remains(tmp_path):
    final = run_measurement(config(tmp_path), FakeEngine(), {})
    assert [p.name for p in tmp_path.iterdir()] == [final.name]
    b = read_bundle(final)
    assert b.complete and b.manifest["levels_completed"] == [0, 1, 2] and b.requests.height == 9


def test_a_failed_final_write_keeps_the_journal_and_names_it_in_one_line(tmp_path, monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "write_bundle", full)
    with pytest.raises(IncompleteError) as exc:  # exit status 1: the measured levels are kept
        run_measurement(config(tmp_path), FakeEngine(), {})
    [journal] = list(tmp_path.iterdir())
    msg = str(exc.value)
    assert "No space left on device" in msg and f"the 3 completed level(s) are kept in {journal}" in msg
    assert "\n" not in msg
    b = read_bundle(journal)
    assert b.manifest["levels_completed"] == [0, 1, 2] and b.requests.height == 9
    assert "final bundle could not be written" in b.manifest["status_reason"]


def test_a_journal_killed_before_its_first_level_reads_as_an_empty_partial_bundle(tmp_path):
    j = BundleJournal(tmp_path, "20260101T000000Z-abcdef")
    j.open({"schema_version": 1, "run_id": "20260101T000000Z-abcdef", "status": "partial", "levels_completed": []})
    b = read_bundle(j.path)
    assert b.partial and b.requests.height == 0 and b.summary.height == 0


def test_summarize_reads_a_journal_killed_before_its_first_level(tmp_path, capsys):
    j = BundleJournal(tmp_path, "20260101T000000Z-abcdef")
    j.open({"schema_version": 1, "run_id": j.run_id, "status": "partial", "status_reason": "killed"})
    code, out, err = run(capsys, "summarize", "--slo", "tpot_ms=50", str(tmp_path))
    assert code == 0 and "note: 20260101T000000Z-abcdef is partial: killed" in out


def test_a_journal_beside_its_finalized_bundle_is_not_read_twice(tmp_path):
    final = run_measurement(config(tmp_path, n_levels=1), FakeEngine(), {})
    shutil.copytree(final, tmp_path / (final.name + ".partial"))
    assert find_bundles([tmp_path]) == [final]


# ------------------------------------------------------------------ malformed bundles
def write_bundle_files(root: Path, manifest, requests=None):
    root.mkdir()
    mf = root / "manifest.json"
    if isinstance(manifest, bytes):
        mf.write_bytes(manifest)
    else:
        mf.write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    (requests if requests is not None else pl.DataFrame({"level": [0]})).write_parquet(root / "requests.parquet")
    pl.DataFrame({"level": [0]}).write_parquet(root / "summary.parquet")


@pytest.mark.parametrize(
    "manifest,needle",
    [
        ([1, 2], "expected a JSON object, got a list"),
        ({"schema_version": 1, "run_id": 5, "status": "complete"}, "field run_id: Input should be a valid string"),
        ({"schema_version": 1, "run_id": "r", "status": "complete", "levels_completed": "all"}, "levels_completed"),
        ("[" * 200_000, "nested too deeply"),
        (b'{"run_id": "\xff"}', "not UTF-8 text"),
    ],
)
def test_a_malformed_manifest_is_one_line_naming_the_file(tmp_path, manifest, needle):
    write_bundle_files(tmp_path / "b", manifest)
    with pytest.raises(UserError, match=needle) as exc:
        read_bundle(tmp_path / "b")
    assert "manifest.json" in str(exc.value)


def test_a_requests_file_missing_columns_is_one_line_naming_the_column(tmp_path):
    write_bundle_files(tmp_path / "b", {"schema_version": 1, "run_id": "r", "status": "complete"})
    with pytest.raises(UserError, match=r"requests.parquet: field request_id: column missing \(and 5 more\)"):
        read_bundle(tmp_path / "b")


def test_summarize_of_a_malformed_bundle_is_exit_2(tmp_path, capsys):
    write_bundle_files(tmp_path / "b", [1])
    code, out, err = run(capsys, "summarize", str(tmp_path / "b"))
    assert code == 2 and "expected a JSON object" in err and len(err.strip().splitlines()) == 1


def test_a_kill_between_a_levels_rows_and_its_manifest_reads_only_the_listed_levels(tmp_path):
    j = BundleJournal(tmp_path, "20260101T000000Z-abcdef")
    j.open({"schema_version": 1, "run_id": j.run_id, "status": "partial", "levels_completed": []})
    from claimbench.measurement.store import requests_frame

    requests_frame([rec(0, i) for i in range(3)]).write_parquet(j.path / "requests-L0000.parquet")
    b = read_bundle(j.path)  # the part is there, the manifest does not list level 0 yet
    assert b.requests.height == 0 and b.summary.height == 0

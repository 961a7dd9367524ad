"""Fault suite: outputs on a hostile disk and inputs that start nothing. A full disk is one line with
what was kept (exit 1), never a traceback, a 0-byte file or a stray .tmp; an unwritable --out, a
negative seed or an empty runs folder is bad input (exit 2) before anything starts."""

import errno
from pathlib import Path

import polars as pl
import pytest

from claimbench.cli import main
from claimbench.errors import IncompleteError
from claimbench.outfiles import OutputWriteError, write_atomic, write_text_atomic

CLAIM = "tiny-cpu-host-min-throughput-c1"


def _enospc_after_some_bytes(path: Path, *args, **kwargs) -> None:
    """A write that fills the disk half-way (as polars does on ENOSPC: bytes written, then an error)."""
    Path(path).write_bytes(b"PAR1" * 16)
    raise OSError(errno.ENOSPC, "No space left on device")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_atomic_write_that_fails_leaves_neither_the_target_nor_a_tmp_file(tmp_path):
    with pytest.raises(OutputWriteError) as err:
        write_atomic(tmp_path / "x.parquet", _enospc_after_some_bytes)
    assert err.value.strerror == f"cannot write {tmp_path / 'x.parquet'}: No space left on device"
    assert _leftovers(tmp_path) == []


def test_an_atomic_write_never_replaces_a_good_file_with_a_broken_one(tmp_path):
    target = tmp_path / "verdicts.md"
    write_text_atomic(target, "old, whole\n")

    def broken(p: Path) -> None:
        p.write_text("half")
        raise RuntimeError("polars: writer failed")

    with pytest.raises(OutputWriteError, match="RuntimeError: polars: writer failed"):
        write_atomic(target, broken)
    assert target.read_text() == "old, whole\n" and _leftovers(tmp_path) == ["verdicts.md"]


def test_verify_out_on_a_full_disk_is_one_line_exit_1_with_no_0_byte_or_tmp_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    monkeypatch.setattr(pl.DataFrame, "write_parquet", lambda self, path, **kw: _enospc_after_some_bytes(path))
    rc = main(["verify", "--claim", CLAIM, "--out", str(out)])
    stdout, err = capsys.readouterr()
    assert rc == 1, err
    assert CLAIM in stdout  # the verdicts were judged and printed
    errors = [line for line in err.splitlines() if "error" in line]
    assert errors == [
        f"claimbench: error: cannot write {out / 'verdicts.parquet'}: No space left on device; no file written"
    ]
    assert "Traceback" not in err and _leftovers(out) == []


def test_verify_out_full_after_the_first_file_names_what_was_written(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    import claimbench.report.verdicts as verdicts

    monkeypatch.setattr(
        verdicts,
        "verdicts_markdown",
        lambda table: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")),
    )
    rc = main(["verify", "--claim", CLAIM, "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 1 and "Traceback" not in err
    assert f"cannot write {out / 'verdicts.md'}" in err and "; written: verdicts.parquet" in err
    assert _leftovers(out) == ["verdicts.parquet"] and (out / "verdicts.parquet").stat().st_size > 0


def test_verify_out_that_cannot_be_created_is_exit_2_before_judging(capsys):
    rc = main(["verify", "--claim", CLAIM, "--out", "/proc/claimbench-cannot-exist/out"])
    out, err = capsys.readouterr()
    assert rc == 2 and out == "" and "--out: cannot create /proc/claimbench-cannot-exist/out" in err


@pytest.mark.parametrize("seed", ["-1", str(2**32)])
def test_verify_with_a_seed_out_of_range_is_exit_2_in_one_line(seed, capsys):
    rc = main(["verify", "--claim", CLAIM, "--seed", seed])
    out, err = capsys.readouterr()
    assert rc == 2 and out == ""
    assert err.strip() == f"claimbench: error: --seed must be between 0 and 2**32 - 1, got {seed}"


def test_report_with_an_empty_runs_folder_is_exit_2_like_a_missing_one(tmp_path, capsys):
    pytest.importorskip("papermill")
    rc = main(["report", "--runs", str(tmp_path), "--out", str(tmp_path / "report")])
    err = capsys.readouterr().err
    assert rc == 2 and f"--runs: {tmp_path}: no run bundles found" in err
    rc = main(["report", "--runs", str(tmp_path / "missing"), "--out", str(tmp_path / "report")])
    assert rc == 2 and "--runs:" in capsys.readouterr().err
    assert not (tmp_path / "report").exists()  # nothing started


def test_an_incomplete_error_exits_1_and_a_user_error_2(monkeypatch, capsys):
    import claimbench.cli.verify as verify_cli

    def boom(args):
        raise IncompleteError("cannot write x: No space left on device; kept in y")

    monkeypatch.setattr(verify_cli, "run", boom)
    assert main(["verify"]) == 1
    assert capsys.readouterr().err == "claimbench: error: cannot write x: No space left on device; kept in y\n"


def test_a_disk_that_fills_after_level_0_keeps_that_level_and_leaves_no_tmp_or_empty_file(tmp_path, monkeypatch):
    from test_faults_durable import FakeEngine, config

    from claimbench.load.bundles import find_bundles, read_bundle
    from claimbench.measurement.runner import run_measurement

    real = pl.DataFrame.write_parquet
    calls = {"n": 0}

    def fills_up(self, path, **kw):
        calls["n"] += 1
        if calls["n"] > 2:  # level 0's rows part and summary are written, then the disk is full
            _enospc_after_some_bytes(path)
        return real(self, path, **kw)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", fills_up)
    with pytest.raises(IncompleteError) as err:  # exit status 1, one line
        run_measurement(config(tmp_path), FakeEngine(), {})
    monkeypatch.setattr(pl.DataFrame, "write_parquet", real)
    assert "No space left on device" in str(err.value) and "the 1 completed level(s) are kept in" in str(err.value)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not [p for p in files if p.name.endswith(".tmp")], files
    assert not [p for p in files if p.stat().st_size == 0], files
    [journal] = find_bundles([tmp_path])
    b = read_bundle(journal)
    assert b.manifest["levels_completed"] == [0] and b.requests.height == 3


def test_the_library_judge_refuses_a_negative_seed_with_a_user_error_not_a_value_error():
    from claimbench.errors import UserError
    from claimbench.report.steps import judge

    with pytest.raises(UserError, match="seed must be an integer between 0 and 2\\*\\*32 - 1, got -1"):
        judge(None, [], seed=-1)

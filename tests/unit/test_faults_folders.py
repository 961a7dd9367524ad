"""Fault suite: folders of evidence degrade gracefully. A corrupt bundle among good ones is skipped
with a warning naming it and the rest are summarized or judged (exit 1; 2 with --strict); bundles in
sub-folders are found; a bundle nested inside another is named and not read."""

import json
import shutil
from pathlib import Path

from claimbench.cli import main
from claimbench.load.bundle_folders import scan_bundles

RUN = next((Path(__file__).resolve().parents[2] / "data" / "runs").glob("2*"))
CLAIM = "tiny-cpu-host-min-throughput-c1"


def _runs(tmp_path: Path) -> Path:
    runs = tmp_path / "runs"
    shutil.copytree(RUN, runs / "good-a")
    shutil.copytree(RUN, runs / "good-b")
    shutil.copytree(RUN, runs / "corrupt")
    (runs / "corrupt" / "requests.parquet").write_bytes(b"not parquet at all")
    for name in ("good-a", "good-b"):  # distinct run ids
        mf = runs / name / "manifest.json"
        m = json.loads(mf.read_text())
        m["run_id"] = name
        mf.write_text(json.dumps(m))
    return runs


def test_summarize_skips_a_corrupt_bundle_naming_it_and_summarizes_the_rest_with_exit_1(tmp_path, capsys):
    runs = _runs(tmp_path)
    rc = main(["summarize", "--json", str(runs)])
    out, err = capsys.readouterr()
    assert rc == 1
    assert {row["run_id"] for row in json.loads(out)} == {"good-a", "good-b"}
    [warning] = [line for line in err.splitlines() if "skipped bundle" in line]
    assert str(runs / "corrupt") in warning and "cannot be read as parquet" in warning


def test_summarize_strict_refuses_the_folder_with_exit_2_and_prints_no_table(tmp_path, capsys):
    rc = main(["summarize", "--strict", str(_runs(tmp_path))])
    out, err = capsys.readouterr()
    assert rc == 2 and out == "" and "--strict: 1 bundle(s) skipped" in err


def test_verify_runs_judges_the_good_bundles_and_names_the_corrupt_one(tmp_path, capsys):
    runs = _runs(tmp_path)
    rc = main(["verify", "--json", "--claim", CLAIM, "--evidence", str(runs / "good-a"), "--runs", str(runs)])
    out, err = capsys.readouterr()
    (item,) = json.loads(out)
    assert rc == 1 and item["verdict"] == "SUPPORTED"
    assert any("corrupt" in line and "skipped evidence" in line for line in err.splitlines())
    assert main(["verify", "--strict", "--claim", CLAIM, "--runs", str(runs)]) == 2


def test_bundles_in_sub_folders_are_found_and_one_nested_in_a_bundle_is_named_not_read(tmp_path):
    root = tmp_path / "runs"
    shutil.copytree(RUN, root / "2026-12" / "week-1" / "a")
    shutil.copytree(RUN, root / "b")
    shutil.copytree(RUN, root / "b" / "old" / "c")  # a bundle copied into another
    scan = scan_bundles([root])
    assert scan.bundles == [root / "2026-12" / "week-1" / "a", root / "b"]
    [(path, reason)] = scan.skipped
    assert path == root / "b" / "old" / "c" and f"nested inside the bundle {root / 'b'}" in reason


def test_summarize_names_a_nested_bundle_and_exits_1(tmp_path, capsys):
    root = tmp_path / "runs"
    shutil.copytree(RUN, root / "b")
    shutil.copytree(RUN, root / "b" / "inner")
    rc = main(["summarize", str(root)])
    err = capsys.readouterr().err
    assert rc == 1 and f"skipped bundle {root / 'b' / 'inner'}: a bundle nested inside" in err


def test_an_empty_folder_or_a_missing_one_is_exit_2(tmp_path, capsys):
    assert main(["summarize", str(tmp_path)]) == 2
    assert "no run bundles found" in capsys.readouterr().err
    assert main(["summarize", str(tmp_path / "nope")]) == 2


def test_verify_runs_names_a_nested_bundle_and_judges_the_outer_one(tmp_path, capsys):
    root = tmp_path / "runs"
    shutil.copytree(RUN, root / "b")
    shutil.copytree(RUN, root / "b" / "inner")
    rc = main(["verify", "--json", "--claim", CLAIM, "--evidence", str(root / "b"), "--runs", str(root)])
    out, err = capsys.readouterr()
    assert rc == 1 and json.loads(out)[0]["verdict"] == "SUPPORTED"
    assert f"skipped evidence: {root / 'b' / 'inner'}: a bundle nested inside" in err


def test_one_walk_splits_the_paths_into_bundles_and_result_files(tmp_path):
    import pytest

    from claimbench.errors import UserError
    from claimbench.load.bundle_folders import scan_paths

    shutil.copytree(RUN, tmp_path / "runs" / "2026-12" / "a")
    peer = tmp_path / "peer"
    peer.mkdir()
    (peer / "benchmarks.json").write_text("{}")
    single = tmp_path / "result.json"
    single.write_text("{}")
    scan, files = scan_paths([tmp_path / "runs", peer, single])
    assert scan.bundles == [tmp_path / "runs" / "2026-12" / "a"] and scan.skipped == []
    assert files == [peer, single]
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="empty: no run bundles found"):
        scan_paths([tmp_path / "empty"])
    with pytest.raises(UserError, match="nope: no such bundle or folder"):
        scan_paths([tmp_path / "nope"])


def test_summarize_lists_each_folder_of_a_runs_tree_once(tmp_path, capsys, monkeypatch):
    import os

    root = tmp_path / "runs"
    shutil.copytree(RUN, root / "2026-12" / "a")
    listed: list[Path] = []
    scandir, listdir = os.scandir, os.listdir

    def counted(real):
        def call(path="."):
            listed.append(Path(path))
            return real(path)

        return call

    monkeypatch.setattr(os, "scandir", counted(scandir))  # Path.glob lists folders with it
    monkeypatch.setattr(os, "listdir", counted(listdir))  # Path.iterdir
    assert main(["summarize", "--json", str(root)]) == 0
    capsys.readouterr()
    assert listed.count(root) == 1 and listed.count(root / "2026-12") == 1, listed

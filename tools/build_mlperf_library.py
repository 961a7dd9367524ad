"""Build the MLPerf Inference evidence library (data/library/mlperf-inference.parquet).

Reads local git snapshots of ``mlcommons/inference_results_vX.Y`` with ``git ls-tree`` /
``git show`` (no checkout needed) and writes the rows :mod:`claimbench.load.mlperf_results`
extracts: one per (round, division, submitter, system, benchmark, model used, scenario) for
every datacenter LLM benchmark, with the provenance of each figure (repository, commit, path,
SHA-256, locator).

Usage::

    python tools/build_mlperf_library.py \\
        --round v4.1=/work/.mirror/mlcommons+inference_results_v4.1/repo \\
        --round v5.1=/work/.mirror/mlcommons+inference_results_v5.1/repo \\
        --round v6.0=/work/.mirror/gbeezybez+inference_results_v6.0/repo@gbeezybez/inference_results_v6.0 \\
        --out data/library/mlperf-inference.parquet

``ROUND=GITDIR[@OWNER/NAME]``: the repository defaults to ``mlcommons/inference_results_<ROUND>``;
a fork is named with ``@`` and recorded as such (``upstream_repository`` keeps the MLCommons
name; the summary table's commit is the commit that last changed it, an upstream commit when
the fork left it untouched).

A round whose repository cannot be snapshotted but whose summary table could be read on its
own (v6.1: ``summary.csv`` read file by file at one commit) is given as
``--table ROUND=FILE@OWNER/NAME@COMMIT[:PATH]`` (PATH defaults to ``summary.csv``): the rows are
read by the same code as a snapshot's table, with that repository, commit and path as their
provenance and the SHA-256 of the saved file; such a round has no run logs, so its latency
limits come from data/mlperf/rules.yaml at load time. ``--keep PARQUET`` keeps the rows of every
round not given on the command line from an existing library (so one round can be added without
re-reading the others' snapshots)::

    python tools/build_mlperf_library.py --keep data/library/mlperf-inference.parquet \
        --table v6.1=/tmp/summary_v6.1.csv@mlcommons/inference_results_v6.1@e777c7be4514bc1e28f657ad7c30167167fb7c41 \
        --out data/library/mlperf-inference.parquet
"""

from __future__ import annotations

import argparse
import datetime as _dt
import subprocess
import sys
from pathlib import Path

import polars as pl

from claimbench.load.mlperf_results import round_rows, rows_to_frame


class GitSnapshot:
    """Read-only access to one git directory at one commit (a ``Source``)."""

    def __init__(self, git_dir: Path, commit: str = "HEAD"):
        self.git_dir = git_dir
        self.commit: str | None = self._git("rev-parse", commit).decode().strip()
        self._files: list[str] | None = None

    def _git(self, *args: str) -> bytes:
        return subprocess.run(["git", "--git-dir", str(self.git_dir), *args], check=True, capture_output=True).stdout

    def files(self) -> list[str]:
        if self._files is None:
            out = self._git("ls-tree", "-r", "--name-only", str(self.commit))
            self._files = out.decode("utf-8", "replace").splitlines()
        return self._files

    def read(self, path: str) -> bytes:
        try:
            return self._git("show", f"{self.commit}:{path}")
        except subprocess.CalledProcessError as exc:
            raise OSError(f"{path}: not in {self.git_dir}@{self.commit}") from exc

    def last_change(self, path: str) -> str | None:
        out = self._git("log", "-1", "--format=%H", str(self.commit), "--", path).decode().strip()
        return out or self.commit


class TableFile:
    """One saved summary table of a results repository at a known commit (a ``Source``)."""

    def __init__(self, file: Path, commit: str, path: str = "summary.csv"):
        self.file, self.commit, self.path = file, commit, path

    def files(self) -> list[str]:
        return [self.path]

    def read(self, path: str) -> bytes:
        if path != self.path:
            raise OSError(f"{path}: only {self.path} was saved")
        return self.file.read_bytes()

    def last_change(self, path: str) -> str | None:
        return self.commit


def _table_rows(spec: str, retrieved: str) -> tuple[str, list]:
    rnd, _, rest = spec.partition("=")
    file, _, where = rest.partition("@")
    repo, _, commit_path = where.rpartition("@")
    commit, _, path = commit_path.partition(":")
    upstream = f"mlcommons/inference_results_{rnd}"
    got = round_rows(TableFile(Path(file), commit, path or "summary.csv"), rnd, repo or upstream, upstream, retrieved)
    print(f"{rnd}: {len(got)} LLM rows from {repo or upstream}@{commit[:12]}:{path or 'summary.csv'}", file=sys.stderr)
    return rnd, got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the MLPerf Inference evidence library.")
    ap.add_argument("--round", action="append", default=[], metavar="ROUND=GITDIR[@OWNER/NAME]")
    ap.add_argument("--table", action="append", default=[], metavar="ROUND=FILE@OWNER/NAME@COMMIT[:PATH]")
    ap.add_argument("--keep", type=Path, help="keep the other rounds' rows of this library file")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--retrieved", default=_dt.date.today().isoformat(), help="date the snapshots were read")
    args = ap.parse_args(argv)
    rows = []
    rounds: set[str] = set()
    for spec in args.table:
        rnd, got = _table_rows(spec, args.retrieved)
        rounds.add(rnd)
        rows.extend(got)
    for spec in args.round:
        rnd, _, rest = spec.partition("=")
        git_dir, _, repo = rest.partition("@")
        upstream = f"mlcommons/inference_results_{rnd}"
        snap = GitSnapshot(Path(git_dir))
        got = round_rows(snap, rnd, repo or upstream, upstream, args.retrieved)
        print(f"{rnd}: {len(got)} LLM rows from {repo or upstream}@{str(snap.commit)[:12]}", file=sys.stderr)
        rounds.add(rnd)
        rows.extend(got)
    frame = rows_to_frame(rows)
    if args.keep is not None:
        kept = pl.read_parquet(args.keep).filter(~pl.col("round").is_in(sorted(rounds)))
        frame = pl.concat([kept, frame], how="vertical_relaxed").sort(
            "round", "division", "submitter", "platform", "benchmark", "used_model", "scenario", nulls_last=True
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(args.out, compression="zstd", statistics=False)
    print(f"{args.out}: {frame.height} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

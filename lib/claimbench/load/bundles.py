"""Read run bundles (``manifest.json``, ``requests.parquet``, ``summary.parquet``) as polars frames."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from claimbench.errors import UserError
from claimbench.schema.records import SCHEMA_VERSION


@dataclass
class Bundle:
    path: Path
    manifest: dict[str, Any]
    requests: pl.DataFrame
    summary: pl.DataFrame

    @property
    def run_id(self) -> str:
        return self.manifest["run_id"]

    @property
    def complete(self) -> bool:
        return self.manifest.get("status") == "complete"

    def to_pandas(self, which: str = "summary"):
        """The ``summary`` (or ``requests``) frame as pandas (through Arrow)."""
        from claimbench.load.frames import to_pandas

        return to_pandas(self, which)


def read_bundle(path: str | Path) -> Bundle:
    """Load one bundle; a missing or malformed one is a :class:`UserError` naming the file."""
    p = Path(path)
    mf = p / "manifest.json"
    if not mf.is_file():
        raise UserError(f"{p}: not a run bundle (no manifest.json)")
    try:
        manifest = json.loads(mf.read_text())
    except json.JSONDecodeError as exc:
        raise UserError(f"{mf}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise UserError(f"{mf}: schema_version {manifest.get('schema_version')!r} is not {SCHEMA_VERSION}")
    frames = {}
    for name in ("requests", "summary"):
        f = p / f"{name}.parquet"
        try:
            frames[name] = pl.read_parquet(f)
        except Exception as exc:
            raise UserError(f"{f}: cannot be read as parquet ({type(exc).__name__})") from None
    return Bundle(p, manifest, frames["requests"], frames["summary"])


def find_bundles(paths: Iterable[str | Path]) -> list[Path]:
    """Expand paths: a bundle folder, or a folder holding bundles (hidden temp folders skipped)."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if (p / "manifest.json").is_file():
            found.append(p)
        elif p.is_dir():
            kids = sorted(
                c for c in p.iterdir() if c.is_dir() and not c.name.startswith(".") and (c / "manifest.json").is_file()
            )
            if not kids:
                raise UserError(f"{p}: no run bundles found")
            found.extend(kids)
        else:
            raise UserError(f"{p}: no such bundle or folder")
    return found


def read_bundles(paths: Iterable[str | Path]) -> tuple[pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    """Many bundles as two frames (requests, summary) with a ``run_id`` column, and the manifests."""
    bundles = [read_bundle(p) for p in find_bundles(paths)]
    reqs = [b.requests.with_columns(run_id=pl.lit(b.run_id)) for b in bundles]
    sums = [b.summary.with_columns(run_id=pl.lit(b.run_id)) for b in bundles]
    return (
        pl.concat(reqs, how="diagonal_relaxed") if reqs else pl.DataFrame(),
        pl.concat(sums, how="diagonal_relaxed") if sums else pl.DataFrame(),
        [b.manifest for b in bundles],
    )

"""Read run bundles (``manifest.json``, ``requests.parquet``, ``summary.parquet``) as polars frames.

A partial bundle (the journal ``<run_id>.partial/`` of a run that was killed, or whose final write
failed) is read the same way: its requests are the per-level parts ``requests-L*.parquet``, its
manifest says ``status: "partial"`` and lists the durable levels in ``levels_completed``. The level
that was being measured (``level_in_flight``) is read too, from its spooled parts
``requests-L*-p*.parquet``: the requests that had finished, a partial level (:attr:`Bundle.partial_levels`).
Everything read is checked: a manifest that is not a JSON object, a missing column or a file that
is not a regular file is one :class:`UserError` naming the file and field.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import ValidationError

from claimbench.errors import UserError
from claimbench.load.yamlio import validation_message
from claimbench.schema.manifest import (
    MANIFEST_FILE,
    MANIFEST_SCHEMA_VERSION,
    REQUEST_PART_GLOB,
    REQUESTS_FILE,
    REQUIRED_REQUEST_COLUMNS,
    REQUIRED_SUMMARY_COLUMNS,
    SUMMARY_FILE,
    RunManifest,
)
from claimbench.schema.records import REQUESTS_POLARS_SCHEMA


@dataclass
class Bundle:
    """One run bundle read from disk: its typed manifest and its two frames."""

    path: Path
    manifest: RunManifest
    requests: pl.DataFrame
    summary: pl.DataFrame

    @property
    def run_id(self) -> str:
        """The run's id (the bundle folder's name as written)."""
        return self.manifest.run_id

    @property
    def complete(self) -> bool:
        """Every level of the plan ran."""
        return self.manifest.complete

    @property
    def partial(self) -> bool:
        """A journal of a run in progress or killed."""
        return self.manifest.partial

    @property
    def partial_levels(self) -> list[int]:
        """Levels whose rows are only the requests that had finished (the level in flight of a journal)."""
        lv = self.manifest.level_in_flight
        if not self.partial or lv is None or lv in self.manifest.levels_completed:
            return []
        return [lv] if self.requests.height and (self.requests["level"] == lv).any() else []

    def to_pandas(self, which: str = "summary"):
        """The ``summary`` (or ``requests``) frame as pandas (through Arrow)."""
        from claimbench.load.frames import to_pandas

        return to_pandas(self, which)


MAX_MANIFEST_BYTES = 64 * 2**20


def _regular(f: Path, limit: int | None = None) -> None:
    try:
        st = f.stat()
    except OSError as exc:
        raise UserError(f"{f}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise UserError(f"{f}: not a regular file")
    if limit is not None and st.st_size > limit:
        raise UserError(f"{f}: larger than {limit // 2**20} MiB; not a claimbench file")


def _read_manifest(mf: Path) -> RunManifest:
    _regular(mf, MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(mf.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{mf}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{mf}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise UserError(f"{mf}: JSON nested too deeply") from None
    except OSError as exc:
        raise UserError(f"{mf}: cannot be read ({exc.strerror or exc})") from None
    if not isinstance(manifest, dict):
        raise UserError(f"{mf}: expected a JSON object, got a {type(manifest).__name__}")
    version = manifest.get("schema_version")
    if version != MANIFEST_SCHEMA_VERSION:
        raise UserError(
            f"{mf}: field schema_version: {version!r} is not {MANIFEST_SCHEMA_VERSION}"[:300]
            + " (written by another claimbench version)"
        )
    return parse_manifest(manifest, mf)


def parse_manifest(data: Any, where: str | Path = "manifest.json") -> RunManifest:
    """A manifest object as a :class:`RunManifest`; invalid is one UserError naming ``where`` and the field."""
    try:
        return RunManifest.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{where}: {validation_message(exc)}"[:400]) from None


def _read_parquet(f: Path) -> pl.DataFrame:
    _regular(f)
    try:
        return pl.read_parquet(f)
    except Exception as exc:
        raise UserError(f"{f}: cannot be read as parquet ({type(exc).__name__})") from None


def _check_columns(f: Path, frame: pl.DataFrame, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise UserError(
            f"{f}: field {missing[0]}: column missing" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
        )


def read_manifest(path: str | Path) -> RunManifest:
    """The validated ``manifest.json`` of a bundle (complete or partial), without its parquet files."""
    p = Path(path)
    mf = p / MANIFEST_FILE
    if not mf.exists():
        raise UserError(f"{p}: not a run bundle (no manifest.json)")
    return _read_manifest(mf)


def read_bundle(path: str | Path) -> Bundle:
    """Load one bundle, complete or partial; a missing or malformed one is a :class:`UserError`
    naming the file."""
    p = Path(path)
    mf = p / MANIFEST_FILE
    if not mf.exists():
        raise UserError(f"{p}: not a run bundle (no manifest.json)")
    manifest = _read_manifest(mf)
    req_file = p / REQUESTS_FILE
    parts = sorted(p.glob(REQUEST_PART_GLOB))
    partial = manifest.partial
    empty_summary = pl.DataFrame(schema={"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64})
    if partial and not req_file.exists() and not parts:  # killed before any level ended
        return Bundle(p, manifest, pl.DataFrame(schema=REQUESTS_POLARS_SCHEMA), empty_summary)
    if req_file.exists() or not parts:
        requests = _read_parquet(req_file)
    else:  # a partial bundle: one part per durable level, and the spooled parts of the level in flight
        requests, req_file = _journal_requests(parts, manifest)
    _check_columns(req_file, requests, REQUIRED_REQUEST_COLUMNS)
    sum_file = p / SUMMARY_FILE
    if partial and not sum_file.exists():
        return _checked(Bundle(p, manifest, requests, empty_summary), req_file)
    summary = _read_parquet(sum_file)
    _check_columns(sum_file, summary, REQUIRED_SUMMARY_COLUMNS)
    return _checked(Bundle(p, manifest, requests, summary), req_file)


_PART_NAME = re.compile(r"requests-L(\d+)(-p\d+)?\.parquet")


def _journal_requests(parts: list[Path], manifest: RunManifest) -> tuple[pl.DataFrame, Path]:
    """The rows of a journal: the whole-level parts of ``levels_completed`` and the spooled parts of
    ``level_in_flight``. A part of any other level (killed between writing a level's part and its
    manifest, or a completed level's spool parts not yet removed) is not durable and is not read."""
    done = set(manifest.levels_completed)
    keep = []
    for f in parts:
        m = _PART_NAME.fullmatch(f.name)
        if m is None:
            continue
        level, spooled = int(m.group(1)), m.group(2) is not None
        if (level in done and not spooled) or (spooled and level == manifest.level_in_flight and level not in done):
            keep.append(f)
    if not keep:
        return pl.DataFrame(schema=REQUESTS_POLARS_SCHEMA), parts[0]
    frames = [_read_parquet(f) for f in keep]
    requests = pl.concat(frames, how="diagonal_relaxed")
    allowed = done | ({manifest.level_in_flight} if manifest.level_in_flight is not None else set())
    return requests.filter(pl.col("level").is_in(sorted(allowed))), keep[0]


def _checked(bundle: Bundle, req_file: Path) -> Bundle:
    """``bundle`` once its tables pass :mod:`claimbench.load.bundle_checks` (rows, finite, ordered, levels)."""
    from claimbench.load.bundle_checks import check_bundle_tables

    check_bundle_tables(bundle.path, req_file, bundle.manifest, bundle.requests, bundle.summary)
    return bundle


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
            names = {c.name for c in kids}
            # a journal whose final bundle exists (finalized, removal cut short) is the same run twice
            kids = [c for c in kids if not (c.name.endswith(".partial") and c.name[: -len(".partial")] in names)]
            if not kids:
                raise UserError(f"{p}: no run bundles found")
            found.extend(kids)
        else:
            raise UserError(f"{p}: no such bundle or folder")
    return found


def read_bundles(paths: Iterable[str | Path]) -> tuple[pl.DataFrame, pl.DataFrame, list[RunManifest]]:
    """Many bundles as two frames (requests, summary) with a ``run_id`` column, and the manifests."""
    bundles = [read_bundle(p) for p in find_bundles(paths)]
    reqs = [b.requests.with_columns(run_id=pl.lit(b.run_id)) for b in bundles]
    sums = [b.summary.with_columns(run_id=pl.lit(b.run_id)) for b in bundles]
    return (
        pl.concat(reqs, how="diagonal_relaxed") if reqs else pl.DataFrame(),
        pl.concat(sums, how="diagonal_relaxed") if sums else pl.DataFrame(),
        [b.manifest for b in bundles],
    )

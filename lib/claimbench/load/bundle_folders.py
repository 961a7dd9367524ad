"""Folders of run bundles that degrade gracefully: find every bundle, say what was skipped and why.

:func:`scan_bundles` expands bundle folders and folders of bundles like
:func:`claimbench.load.bundles.find_bundles`, and further:

* bundles nested in plain sub-folders (``runs/2026-12/<run_id>/``) are found, down to
  :data:`MAX_DEPTH` levels;
* a bundle inside another bundle (``<run_id>/old/<run_id2>/``) is not read and is reported as
  skipped with the reason (a bundle is never modified after it is complete: something copied it
  there);
* a bundle whose manifest does not load is reported as skipped with the error, and the others are
  still returned.

The caller (``summarize``, ``verify --runs``) prints each skipped one and exits 1 (2 with ``--strict``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from claimbench.errors import UserError

MAX_DEPTH = 3
_MANIFEST = "manifest.json"


@dataclass
class BundleScan:
    """Bundles found, and (path, reason) of each one skipped."""

    bundles: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def _is_bundle(p: Path) -> bool:
    return (p / _MANIFEST).is_file()


def _subdirs(p: Path) -> list[Path]:
    try:
        return sorted(c for c in p.iterdir() if c.is_dir() and not c.name.startswith(".") and not c.is_symlink())
    except OSError:
        return []


def _nested_inside(bundle: Path, scan: BundleScan, depth: int) -> None:
    """Report bundles found anywhere inside ``bundle`` as skipped."""
    if depth > MAX_DEPTH:
        return
    for c in _subdirs(bundle):
        if _is_bundle(c):
            scan.skipped.append((c, f"a bundle nested inside the bundle {bundle} is not read; move it beside it"))
        _nested_inside(c, scan, depth + 1)


def _walk(p: Path, scan: BundleScan, depth: int) -> None:
    if _is_bundle(p):
        scan.bundles.append(p)
        _nested_inside(p, scan, 1)
        return
    if depth > MAX_DEPTH:
        return
    kids = _subdirs(p)
    names = {c.name for c in kids}
    for c in kids:
        # a journal whose final bundle exists (finalized, removal cut short) is the same run twice
        if c.name.endswith(".partial") and c.name[: -len(".partial")] in names and _is_bundle(c):
            continue
        _walk(c, scan, depth + 1)


def _check_manifests(scan: BundleScan) -> None:
    from claimbench.load.bundles import read_manifest

    good = []
    for b in scan.bundles:
        try:
            read_manifest(b)
        except UserError as exc:
            scan.skipped.append((b, str(exc)))
            continue
        good.append(b)
    scan.bundles = good


def scan_bundles(paths: Iterable[str | Path]) -> BundleScan:
    """Every bundle under ``paths`` with a loadable manifest, and what was skipped; a path that does
    not exist, or holds no bundle at all, is a :class:`UserError` (bad input, nothing started)."""
    scan, _ = _scan(paths, files=None)
    return scan


def scan_paths(paths: Iterable[str | Path]) -> tuple[BundleScan, list[Path]]:
    """One walk of each path: the bundles found (as :func:`scan_bundles`) and the paths to read as
    result files instead (a file, or a folder holding no bundle but result files directly)."""
    return _scan(paths, files=[])


RESULT_SUFFIXES = frozenset({".json", ".csv", ".yaml", ".yml", ".parquet"})
"""Suffixes of peer result files: a folder holding such files (and no bundle) is read as result files."""


def _has_result_files(p: Path) -> bool:
    try:
        return any(c.is_file() and c.suffix.lower() in RESULT_SUFFIXES for c in p.iterdir())
    except OSError:
        return False


def _scan(paths: Iterable[str | Path], files: list[Path] | None) -> tuple[BundleScan, list[Path]]:
    """Walk each path once; with ``files`` (a list), paths that are result files go there."""
    scan = BundleScan()
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise UserError(f"{p}: no such bundle or folder")
        if files is not None and not p.is_dir():
            files.append(p)
            continue
        before = len(scan.bundles) + len(scan.skipped)
        _walk(p, scan, 0)
        if len(scan.bundles) + len(scan.skipped) == before:
            if files is not None and _has_result_files(p):
                files.append(p)
                continue
            raise UserError(f"{p}: no run bundles found")
    _check_manifests(scan)
    return scan, files if files is not None else []

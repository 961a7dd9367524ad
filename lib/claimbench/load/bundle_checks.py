"""Validation of a run bundle's tables against the request schema (files in, one clear error out).

Called by :func:`claimbench.load.bundles.read_bundle` once the manifest and the frames are read.
Each failure is a :class:`~claimbench.errors.UserError` naming the file and the field:

* the requests table has rows (a bundle with levels and no request is not evidence);
* no NaN or infinite value in any numeric column of the requests or the summary (the summary's
  ``request_rate`` may be ``inf``: all requests at once), nor anywhere in the manifest (claimbench
  writes it with ``allow_nan=False``, so a non-finite number there was put by someone else);
* timestamps are non-negative and in order within each request: ``sent_s <= first_token_s <= done_s``
  (:data:`ORDER_TOLERANCE_S` absorbs clock rounding);
* the levels the manifest lists as completed have request rows (and, for a complete bundle, summary
  rows), and every level present is one of the load plan's.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel

from claimbench.errors import UserError
from claimbench.schema.manifest import RunManifest

ORDER_TOLERANCE_S = 1e-3
_TIMESTAMPS = ("sent_s", "first_token_s", "done_s")
_MAX_MANIFEST_DEPTH = 64


def _nonfinite_in_manifest(obj: Any, where: str = "", depth: int = 0) -> str | None:
    """The dotted path of the first NaN or infinite number in a manifest (its typed fields, their
    records and any extra keys), or None."""
    if depth > _MAX_MANIFEST_DEPTH:
        return None
    if isinstance(obj, float) and not math.isfinite(obj):
        return where or "(top level)"
    if isinstance(obj, BaseModel):
        items: list[tuple[Any, Any]] = [(k, getattr(obj, k)) for k in type(obj).model_fields]
        items += list((obj.model_extra or {}).items())
    elif isinstance(obj, dict):
        items = list(obj.items())
    elif isinstance(obj, (list, tuple)):
        items = [(str(i), v) for i, v in enumerate(obj)]
    else:
        return None
    for key, value in items:
        found = _nonfinite_in_manifest(value, f"{where}.{key}" if where else str(key), depth + 1)
        if found is not None:
            return found
    return None


def check_manifest_numbers(mf: Path, manifest: RunManifest | dict[str, Any]) -> None:
    """A NaN or infinite number anywhere in the manifest is an error naming its field."""
    bad = _nonfinite_in_manifest(manifest)
    if bad is not None:
        raise UserError(f"{mf}: field {bad}: not a finite number (NaN or infinite)")


def _float_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c, t in frame.schema.items() if t in (pl.Float32, pl.Float64)]


def _list_float_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c, t in frame.schema.items() if isinstance(t, pl.List) and t.inner in (pl.Float32, pl.Float64)]


def check_finite(f: Path, frame: pl.DataFrame, allow_inf: tuple[str, ...] = ()) -> None:
    """NaN or infinite values in a float (or list of float) column: an error naming the file, field and row count."""
    exprs = []
    for c in _float_columns(frame):
        bad = pl.col(c).is_nan() if c in allow_inf else ~pl.col(c).is_finite()
        exprs.append(bad.fill_null(False).sum().alias(c))
    for c in _list_float_columns(frame):
        exprs.append((~pl.col(c).list.eval(pl.element().is_finite()).list.all()).fill_null(False).sum().alias(c))
    if not exprs:
        return
    counts = frame.select(exprs).row(0, named=True)
    for c, n in counts.items():
        if n:
            what = "NaN" if c in allow_inf else "NaN or infinite"
            raise UserError(f"{f}: field {c}: {n} {what} value(s); a measurement is a finite number or null")


def check_timestamps(f: Path, requests: pl.DataFrame) -> None:
    """Timestamps non-negative and ordered within each request (sent, first token, done)."""
    for c in _TIMESTAMPS:
        if c in requests.columns:
            n = requests.select((pl.col(c) < 0).fill_null(False).sum()).item()
            if n:
                raise UserError(f"{f}: field {c}: {n} negative timestamp(s); times are seconds from the run start")
    pairs = [("sent_s", "first_token_s"), ("first_token_s", "done_s"), ("sent_s", "done_s")]
    for a, b in pairs:
        if a in requests.columns and b in requests.columns:
            n = requests.select((pl.col(b) < pl.col(a) - ORDER_TOLERANCE_S).fill_null(False).sum()).item()
            if n:
                raise UserError(f"{f}: field {b}: {n} row(s) earlier than {a}; timestamps must not go backwards")


def _planned_levels(manifest: RunManifest) -> set[int] | None:
    levels = {p.get("level") for p in manifest.load_plan if isinstance(p, dict)}
    return {x for x in levels if isinstance(x, int)} or None


def check_levels(mf: Path, f: Path, manifest: RunManifest, requests: pl.DataFrame, summary: pl.DataFrame) -> None:
    """Levels listed as completed are present; levels present were planned."""
    present = {x for x in requests["level"].unique().to_list() if x is not None}
    listed = set(manifest.levels_completed)
    missing = sorted(listed - present)
    if missing:
        raise UserError(f"{mf}: field levels_completed: lists level(s) {missing} with no request rows in {f.name}")
    if manifest.status == "complete" and "level" in summary.columns:
        in_summary = {x for x in summary["level"].to_list() if x is not None}
        gone = sorted(listed - in_summary)
        if gone:
            raise UserError(f"{mf}: field levels_completed: level(s) {gone} have no row in summary.parquet")
    planned = _planned_levels(manifest)
    if planned is not None:
        extra = sorted(present - planned)
        if extra:
            raise UserError(f"{f}: field level: level(s) {extra} are not in the manifest's load_plan")


def check_bundle_tables(
    root: Path, req_file: Path, manifest: RunManifest, requests: pl.DataFrame, summary: pl.DataFrame
) -> None:
    """Every check above, in order; the first failure is the error."""
    mf = root / "manifest.json"
    check_manifest_numbers(mf, manifest)
    if requests.height == 0 and (manifest.levels_completed or manifest.status == "complete"):
        raise UserError(f"{req_file}: no request rows (0 rows) although the manifest says levels were completed")
    check_finite(req_file, requests)
    check_finite(root / "summary.parquet", summary, allow_inf=("request_rate",))
    check_timestamps(req_file, requests)
    check_levels(mf, req_file, manifest, requests, summary)

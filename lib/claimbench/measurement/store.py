"""Run bundles on disk: ``DIR/<run_id>/{manifest.json, requests.parquet, summary.parquet}``.

A bundle is written into a temporary sibling folder and renamed into place, so a reader never sees
a half-written bundle, and it is never modified afterwards. A sweep that ended early (server died,
interrupted) is still written, with ``manifest["status"]`` saying so and the levels it completed.

While a run is measuring, a :class:`BundleJournal` keeps what is done durable: the folder
``DIR/<run_id>.partial/`` receives each completed level as it ends (``requests-L0000.parquet``,
…, fsynced) with a ``summary.parquet`` and a ``manifest.json`` (``status: "partial"``) rewritten
atomically. A killed run (SIGKILL, OOM) therefore leaves a readable partial bundle with every
completed level (:func:`claimbench.load.bundles.read_bundle` reads the parts); a run that ends
normally is finalized as a bundle and the journal is removed. If that final write fails, the
journal is kept and its path is in the error.

Every string written passes through the one redactor (:mod:`claimbench.redact`): request errors,
manifests, copied logs.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl

from claimbench.errors import IncompleteError, UserError
from claimbench.redact import Redactor
from claimbench.schema.manifest import MANIFEST_FILE, RunManifest
from claimbench.schema.records import REQUESTS_POLARS_SCHEMA, RequestRecord

JOURNAL_SUFFIX = ".partial"


def new_run_id(now: datetime | None = None) -> str:
    """A new run id: UTC time and 6 random hex digits (``20261122T141455Z-30a590``)."""
    now = now or datetime.now(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def requests_frame(records: Iterable[RequestRecord]) -> pl.DataFrame:
    """Request records as a frame with the requests.parquet schema."""
    return pl.DataFrame([r.as_row() for r in records], schema=REQUESTS_POLARS_SCHEMA)


def manifest_json(manifest: RunManifest | dict[str, Any]) -> dict[str, Any]:
    """The JSON object of a manifest: a :class:`RunManifest` is validated when built; a dict (a
    journal's manifest read back to add a note) is checked against it here, so every manifest
    claimbench writes is one a reader accepts."""
    typed = manifest if isinstance(manifest, RunManifest) else RunManifest.model_validate(manifest)
    return typed.to_json()


def json_safe(obj: Any) -> Any:
    """``obj`` with every non-finite float made JSON-safe: ``inf`` → ``"inf"`` (``"-inf"``), NaN → null.

    A manifest must always be writable: a value that slipped past validation is recorded as text
    rather than losing the run."""
    if isinstance(obj, float):
        if obj != obj:
            return None
        if obj in (float("inf"), float("-inf")):
            return "inf" if obj > 0 else "-inf"
        return obj
    if isinstance(obj, dict):
        return {str(k) if not isinstance(k, str) else k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj


def dump_json(obj: Any) -> str:
    """Canonical JSON of a manifest: sorted keys, indent 2, trailing newline (non-finite floats
    written as text, never a crash)."""
    return json.dumps(json_safe(obj), indent=2, sort_keys=True, allow_nan=False, default=str) + "\n"


def redact_requests(frame: pl.DataFrame, redactor: Redactor) -> pl.DataFrame:
    """The ``error`` column (and every other string column) of a requests frame, redacted."""
    cols = [c for c, t in frame.schema.items() if t == pl.String]
    if not cols or frame.height == 0:
        return frame
    return frame.with_columns(
        [pl.col(c).map_elements(redactor.text, return_dtype=pl.String, skip_nulls=True) for c in cols]
    )


def _write_requests(path: Path, requests: pl.DataFrame | pl.LazyFrame, redactor: Redactor) -> None:
    """Write a requests frame to ``path``. A lazy frame is streamed (its rows never all in memory);
    it must be made of rows already redacted with the same secrets (a run's spooled and journal
    parts are), so it is written as it is."""
    if isinstance(requests, pl.LazyFrame):
        requests.sink_parquet(path)
    else:
        redact_requests(requests, redactor).write_parquet(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durable(path: Path, write) -> None:
    """Write a file through ``write(tmp_path)`` then fsync and rename it into place (atomic)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:  # disk full, read-only, interrupted: no 0-byte or stray .tmp file is left
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def write_bundle(
    out_dir: str | Path,
    manifest: RunManifest | dict[str, Any],
    requests: pl.DataFrame | pl.LazyFrame,
    summary: pl.DataFrame,
    extra_files: dict[str, Path] | None = None,
    redact: Iterable[str] = (),
) -> Path:
    """Write a bundle atomically and return its folder ``out_dir/<run_id>``.

    ``extra_files`` (e.g. the server log) are copied in; every string in ``redact`` (API keys) is
    replaced by ``***`` in the manifest and in those files, so a secret never reaches a bundle;
    the user's home folder is written as ``~``.
    """
    redactor = Redactor(redact)
    out_dir = Path(out_dir)
    data = manifest_json(manifest)
    run_id = data["run_id"]
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / run_id
    if final.exists():
        raise FileExistsError(f"bundle {final} exists; bundles are never overwritten")
    tmp = Path(tempfile.mkdtemp(prefix=f".{run_id}.", dir=out_dir))
    try:
        _write_requests(tmp / "requests.parquet", requests, redactor)
        summary.write_parquet(tmp / "summary.parquet")
        for name, src in (extra_files or {}).items():
            if Path(src).is_file():
                text = Path(src).read_bytes().decode("utf-8", "replace")
                (tmp / name).write_text(redactor.text(text))
        (tmp / MANIFEST_FILE).write_text(dump_json(redactor.data(json_safe(data))))
        for f in tmp.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        tmp.chmod(0o755)
        tmp.rename(final)
        _fsync_dir(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def utc_now_iso() -> str:
    """Now, in UTC, ISO 8601 to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def monotonic() -> float:
    """The monotonic clock every request time is measured on."""
    return time.monotonic()


class BundleJournal:
    """The durable record of a run in progress, ``out_dir/<run_id>.partial/`` (see the module doc).

    ``add_level`` appends one completed level (its request rows) and rewrites the summary and the
    manifest atomically; ``finalize`` writes the bundle (:func:`write_bundle`) and removes the
    journal; ``keep`` marks the journal with why it was left (the final write failed)."""

    def __init__(self, out_dir: str | Path, run_id: str, redact: Iterable[str] = ()):
        self.out_dir = Path(out_dir)
        self.run_id = run_id
        self.path = self.out_dir / f"{run_id}{JOURNAL_SUFFIX}"
        self.redactor = Redactor(redact)
        self._secrets = [r for r in redact if r]
        self.levels: list[int] = []

    def open(self, manifest: RunManifest | dict[str, Any]) -> None:
        """Create the journal folder and write its first manifest."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.path.mkdir()
        self.write_manifest(manifest)
        _fsync_dir(self.out_dir)

    def write_manifest(self, manifest: RunManifest | dict[str, Any]) -> None:
        """Rewrite the journal's manifest atomically (redacted)."""
        text = dump_json(self.redactor.data(json_safe(manifest_json(manifest))))
        _write_durable(self.path / MANIFEST_FILE, lambda p: p.write_text(text))

    def add_level(
        self,
        level: int,
        requests: pl.DataFrame | pl.LazyFrame,
        summary: pl.DataFrame,
        manifest: RunManifest | dict[str, Any],
    ) -> None:
        """Make one completed level durable: its rows as a part (a lazy frame of redacted parts is
        streamed, see :func:`_write_requests`), then summary and manifest."""
        part = self.path / f"requests-L{level:04d}.parquet"
        _write_durable(part, lambda p: _write_requests(p, requests, self.redactor))
        _write_durable(self.path / "summary.parquet", summary.write_parquet)
        self.write_manifest(manifest)
        _fsync_dir(self.path)
        self.levels.append(level)

    def finalize(
        self,
        manifest: RunManifest | dict[str, Any],
        requests: pl.DataFrame | pl.LazyFrame,
        summary: pl.DataFrame,
        extra_files: dict[str, Path] | None = None,
    ) -> Path:
        """Write the complete bundle and remove the journal; if writing fails, keep the journal
        and raise one line saying where the measured levels are."""
        try:
            final = write_bundle(self.out_dir, manifest, requests, summary, extra_files, redact=self._secrets)
        except Exception as exc:  # disk full, permissions changed, folder removed…
            self.keep(f"the final bundle could not be written: {type(exc).__name__}: {exc}")
            raise IncompleteError(
                f"--out: could not write the bundle into {self.out_dir} ({type(exc).__name__}: "
                f"{str(exc)[:200]}); the {len(self.levels)} completed level(s) are kept in {self.path}"
            ) from None
        shutil.rmtree(self.path, ignore_errors=True)
        return final

    def keep(self, reason: str) -> None:
        """Best effort: record in the journal's manifest why it was left behind."""
        try:
            mf = json.loads((self.path / MANIFEST_FILE).read_text())
            mf["status_reason"] = reason
            self.write_manifest(mf)
        except Exception:
            pass


def estimate_bundle_bytes(n_requests: int, max_output_len: int) -> int:
    """A generous estimate of the bytes a plan writes (journal parts and final bundle): one row
    per request with a time and a token count per output chunk, uncompressed, twice over."""
    per_row = 512 + 16 * max(1, max_output_len)
    return 2 * n_requests * per_row + 8 * 2**20


def check_out_dir(out_dir: str | Path, need_bytes: int = 0) -> Path:
    """``--out`` can receive a bundle: a folder that exists or can be created, writable, with at
    least ``need_bytes`` free. One UserError otherwise, before anything is measured."""
    out = Path(out_dir)
    if not str(out_dir).strip():
        raise UserError("--out must name a folder, got an empty string")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out: {out} exists and is not a folder")
    existing = out
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UserError(f"--out: {out} cannot be created: {existing} is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--out: cannot create {out}: {exc.strerror or exc}") from None
    probe = out / f".claimbench-write-test-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        with probe.open("wb") as fh:
            fh.write(b"0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise UserError(f"--out: {out} is not writable: {exc.strerror or exc}") from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
    free = shutil.disk_usage(out).free
    if need_bytes and free < need_bytes:
        raise UserError(
            f"--out: {out} has {free / 2**20:,.0f} MiB free; the plan needs about {need_bytes / 2**20:,.0f} MiB "
            "(fewer --num-prompts or another --out)"
        )
    return out

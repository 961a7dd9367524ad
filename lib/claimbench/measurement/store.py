"""Run bundles on disk: ``DIR/<run_id>/{manifest.json, requests.parquet, summary.parquet}``.

A bundle is written into a temporary sibling folder and renamed into place, so a reader never sees
a half-written bundle, and it is never modified afterwards. A sweep that ended early (server died,
interrupted) is still written, with ``manifest["status"]`` saying so and the levels it completed.
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

from claimbench.schema.records import REQUESTS_POLARS_SCHEMA, RequestRecord


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def requests_frame(records: Iterable[RequestRecord]) -> pl.DataFrame:
    return pl.DataFrame([r.as_row() for r in records], schema=REQUESTS_POLARS_SCHEMA)


def _redact(text: str, secrets_: Iterable[str]) -> str:
    """Replace secrets by ``***`` and the user's home folder by ``~`` (no home paths in bundles)."""
    for secret in secrets_:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    home = os.path.expanduser("~").rstrip("/")
    if len(home) > 1:
        text = text.replace(home + "/", "~/")
    return text


def dump_json(obj: Any) -> str:
    """Canonical JSON of a manifest: sorted keys, indent 2, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, allow_nan=False, default=str) + "\n"


def write_bundle(
    out_dir: str | Path,
    manifest: dict[str, Any],
    requests: pl.DataFrame,
    summary: pl.DataFrame,
    extra_files: dict[str, Path] | None = None,
    redact: Iterable[str] = (),
) -> Path:
    """Write a bundle atomically and return its folder ``out_dir/<run_id>``.

    ``extra_files`` (e.g. the server log) are copied in; every string in ``redact`` (API keys) is
    replaced by ``***`` in the manifest and in those files, so a secret never reaches a bundle;
    the user's home folder is written as ``~``.
    """
    redact = [r for r in redact if r]
    out_dir = Path(out_dir)
    run_id = manifest["run_id"]
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / run_id
    if final.exists():
        raise FileExistsError(f"bundle {final} exists; bundles are never overwritten")
    tmp = Path(tempfile.mkdtemp(prefix=f".{run_id}.", dir=out_dir))
    try:
        requests.write_parquet(tmp / "requests.parquet")
        summary.write_parquet(tmp / "summary.parquet")
        for name, src in (extra_files or {}).items():
            if Path(src).exists():
                data = Path(src).read_bytes().decode("utf-8", "replace")
                (tmp / name).write_text(_redact(data, redact))
        (tmp / "manifest.json").write_text(_redact(dump_json(manifest), redact))
        for f in tmp.iterdir():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        tmp.chmod(0o755)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def monotonic() -> float:
    return time.monotonic()

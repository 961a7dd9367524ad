"""Achievable roofs measured on a host by ``claimbench probe``: the registry overlay per host.

``claimbench probe`` writes one JSON record per (hardware id, host) into
``$XDG_DATA_HOME/claimbench/achievable/`` (default ``~/.local/share/claimbench/achievable``); a
data layer's ``achievable/`` folder (``--data-dir DIR`` / ``$CLAIMBENCH_DATA``) is read too, so a
probe of another machine can be shipped with a study. Records are read as written; a file that is
not a probe record is reported, never silently used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from claimbench.load.paths import layer_dirs


def default_overlay_dir() -> Path:
    """``$XDG_DATA_HOME/claimbench/achievable`` (default ``~/.local/share/claimbench/achievable``)."""
    xdg = os.environ.get("XDG_DATA_HOME")
    root = Path(xdg) if xdg else Path("~").expanduser() / ".local" / "share"
    return root / "claimbench" / "achievable"


def overlay_dirs(data_dir: str | Path | None = None) -> list[Path]:
    """The folders holding probe records: the data layers' ``achievable/`` and the user's overlay folder."""
    dirs = layer_dirs("achievable", data_dir)
    default = default_overlay_dir()
    if data_dir is None and default.is_dir() and default not in dirs:
        dirs.append(default)
    return dirs


def list_achievable(data_dir: str | Path | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every probe record found (newest first per file name) and one line per file that could not be read."""
    records: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for folder in overlay_dirs(data_dir):
        for f in sorted(folder.glob("*.json")):
            if f.name in records:
                continue  # a higher layer's file of the same name wins
            try:
                rec = json.loads(f.read_text())
            except (OSError, ValueError) as exc:
                problems.append(f"{f}: not readable JSON ({exc})")
                continue
            if not isinstance(rec, dict) or rec.get("kind") != "claimbench-probe" or rec.get("schema") != 1:
                problems.append(f"{f}: not a claimbench probe record (kind/schema)")
                continue
            records[f.name] = {**rec, "path": str(f)}
    out = sorted(records.values(), key=lambda r: str(r.get("created")), reverse=True)
    return out, problems


def achievable_for(hardware_id: str | None, host_key: str | None = None) -> dict[str, Any] | None:
    """The newest probe record of ``hardware_id`` (on ``host_key`` when given), or None."""
    if hardware_id is None:
        return None
    recs, _ = list_achievable()
    for rec in recs:
        if rec.get("hardware_id") == hardware_id and (host_key is None or rec.get("host", {}).get("key") == host_key):
            return rec
    return None

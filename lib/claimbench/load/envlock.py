"""Which locked environment a run used: the backend's lock file, its SHA-256, and how the
installed packages differ from it (recorded in every run manifest as ``environment``).

Locks live in ``env/<backend>/requirements.lock`` (made by ``env/lock.sh``) and ship inside the
package (``claimbench/env``). A rerun next year installs the lock whose hash the manifest names.
"""

from __future__ import annotations

import hashlib
import re
from importlib import metadata, resources
from pathlib import Path
from typing import Any

LOCK_DIRS = {"cpu": "cpu", "cuda": "cuda", "rocm": "rocm", "npu": "ascend"}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


def lock_path(backend: str | None) -> Path | None:
    """The lock file of a backend (``env/<backend>/requirements.lock``), None when it has none."""
    sub = LOCK_DIRS.get(backend or "")
    if sub is None:
        return None
    path = Path(str(resources.files("claimbench") / "env" / sub / "requirements.lock"))
    return path if path.is_file() else None


def read_pins(path: Path) -> dict[str, str]:
    """``name -> version`` of every ``name==version`` line (names normalized)."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line.strip())
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions() -> dict[str, str]:
    """Installed distributions by normalized name, with their versions."""
    out: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.name
        if name:
            out.setdefault(_norm(name), dist.version)
    return out


def lock_record(backend: str | None, limit: int = 30) -> dict[str, Any]:
    """``{"backend", "lock", "lock_sha256", "matches_lock", "differences"}`` for the manifest.

    ``differences`` lists up to ``limit`` packages whose installed version is not the locked one
    (``"name: locked X, installed Y"``, ``installed none`` when missing)."""
    path = lock_path(backend)
    if path is None:
        return {"backend": backend, "lock": None, "lock_sha256": None, "matches_lock": None, "differences": []}
    pins = read_pins(path)
    have = installed_versions()
    diffs = [
        f"{name}: locked {want}, installed {have.get(name, 'none')}"
        for name, want in sorted(pins.items())
        if have.get(name) != want
    ]
    return {
        "backend": backend,
        "lock": f"env/{path.parent.name}/requirements.lock",
        "lock_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "matches_lock": not diffs,
        "differences": diffs[:limit] + ([f"... and {len(diffs) - limit} more"] if len(diffs) > limit else []),
    }

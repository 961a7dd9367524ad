"""``claimbench init DIR``: copy the shipped notebooks and data out of the package for editing.

The copy is a starting point: point claimbench at it with ``--data-dir DIR/data`` (or
``$CLAIMBENCH_DATA``), whose files then replace the shipped ones of the same name, and run the
edited notebooks with ``claimbench report --notebooks DIR/notebooks``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from claimbench.errors import UserError
from claimbench.load.paths import packaged_data_dir, packaged_notebooks_dir


@dataclass(frozen=True)
class InitResult:
    """What ``claimbench init`` created: the workspace root, its data folder and the files copied."""

    root: Path
    data_dir: Path
    notebooks_dir: Path
    files: list[Path]


def _ignore(_dir: str, names: list[str]) -> list[str]:
    return [n for n in names if n in ("__pycache__", ".ipynb_checkpoints") or n.endswith(".pyc")]


def init_workspace(target: str | Path, force: bool = False) -> InitResult:
    """Copy ``data/`` and ``notebooks/`` into ``target`` (created if needed).

    Existing ``target/data`` or ``target/notebooks`` is a UserError unless ``force`` (then files
    of the same name are overwritten; other files there are kept)."""
    root = Path(target)
    if root.exists() and not root.is_dir():
        raise UserError(f"init: {root} exists and is not a directory")
    pairs = [(packaged_data_dir(), root / "data"), (packaged_notebooks_dir(), root / "notebooks")]
    if not force:
        for _, dst in pairs:
            if dst.exists():
                raise UserError(f"init: {dst} already exists (use --force to overwrite files of the same name)")
    files: list[Path] = []
    try:
        for src, dst in pairs:
            shutil.copytree(src, dst, ignore=_ignore, dirs_exist_ok=True)
            files.extend(sorted(p for p in dst.rglob("*") if p.is_file()))
    except OSError as exc:
        raise UserError(f"init: cannot copy into {root}: {exc.strerror or exc}") from None
    return InitResult(root=root, data_dir=root / "data", notebooks_dir=root / "notebooks", files=files)

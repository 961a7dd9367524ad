"""Where claimbench's data and notebooks are: the one resolver every layer uses.

The shipped data (``claims/``, ``hardware/``, ``models/``, ``prices/``, ``reference/``, ``runs/``)
and notebooks are package resources (``claimbench/data``, ``claimbench/notebooks``), found with
:mod:`importlib.resources` — the same in a checkout, an editable install and a wheel.

A user's own data **layers over** the shipped data without copying it: every folder named by
``$CLAIMBENCH_DATA`` (several separated by ``os.pathsep``; ``claimbench --data-dir DIR`` prepends
to it) is searched first, then the shipped data. A file in a user layer replaces the shipped file
with the same name (e.g. ``hardware/nvidia-h20.yaml``); other files are added. A loader given an
explicit ``data_dir`` reads that folder alone.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from claimbench.errors import UserError

ENV_VAR = "CLAIMBENCH_DATA"
SUBDIRS = ("claims", "hardware", "models", "prices", "reference", "runs")


def _resource_dir(name: str) -> Path:
    root = resources.files("claimbench") / name
    if not isinstance(root, Path):  # a zip import: claimbench needs its files on disk
        raise UserError(f"claimbench's packaged {name}/ is not on the file system ({root}); install it unzipped")
    return root


def packaged_data_dir() -> Path:
    """The data shipped inside the package (``claimbench/data``)."""
    return _resource_dir("data")


def default_data_dir() -> Path:
    """The shipped data folder (kept for callers that want the packaged files themselves)."""
    return packaged_data_dir()


def user_data_dirs() -> list[Path]:
    """The user's data layers from ``$CLAIMBENCH_DATA``, first (highest priority) first.

    A named folder that does not exist is an error: a typo must not silently fall back to the
    shipped data.
    """
    raw = os.environ.get(ENV_VAR, "")
    dirs: list[Path] = []
    for part in raw.split(os.pathsep):
        if not part.strip():
            continue
        path = Path(part).expanduser()
        if not path.is_dir():
            raise UserError(f"{ENV_VAR} (or --data-dir): {path} is not a directory")
        if path not in dirs:
            dirs.append(path)
    return dirs


def data_dirs(data_dir: str | Path | None = None) -> list[Path]:
    """The data layers to search, highest priority first: ``[data_dir]`` when given, else the
    user's layers then the shipped data."""
    if data_dir is not None:
        return [Path(data_dir)]
    packaged = packaged_data_dir()
    return [d for d in user_data_dirs() if d.resolve() != packaged.resolve()] + [packaged]


def layer_dirs(sub: str, data_dir: str | Path | None = None) -> list[Path]:
    """``<layer>/<sub>`` for every data layer that has it, highest priority first."""
    return [d / sub for d in data_dirs(data_dir) if (d / sub).is_dir()]


def layered_files(
    sub: str, data_dir: str | Path | None = None, suffixes: tuple[str, ...] = (".yaml", ".yml")
) -> dict[str, Path]:
    """Files of ``<layer>/<sub>`` by stem, sorted by stem; a higher layer's file replaces a lower
    layer's file with the same stem."""
    found: dict[str, Path] = {}
    for directory in layer_dirs(sub, data_dir):
        for path in sorted(directory.iterdir()):
            if path.is_file() and path.suffix.lower() in suffixes and not path.name.startswith("."):
                found.setdefault(path.stem, path)
    return dict(sorted(found.items()))


def describe_layers(sub: str, data_dir: str | Path | None = None) -> str:
    """The folders searched for ``sub``, for one-line error messages."""
    return ", ".join(str(d / sub) for d in data_dirs(data_dir))


NOTEBOOKS_ENV_VAR = "CLAIMBENCH_NOTEBOOKS"


def packaged_notebooks_dir() -> Path:
    """The shipped parameterized notebooks (``claimbench/notebooks``)."""
    return _resource_dir("notebooks")


def notebooks_dir() -> Path:
    """``$CLAIMBENCH_NOTEBOOKS`` (e.g. a copy made by ``claimbench init``, set by ``report
    --notebooks``) if set, else the shipped notebooks. A folder without ``NN_*.ipynb`` notebooks
    is a UserError: a report with no steps is never an empty success."""
    env = os.environ.get(NOTEBOOKS_ENV_VAR)
    root = Path(env).expanduser() if env else packaged_notebooks_dir()
    if not root.is_dir() or not any(root.glob("[0-9][0-9]_*.ipynb")):
        origin = f"{NOTEBOOKS_ENV_VAR} (or --notebooks)" if env else "claimbench's packaged notebooks"
        raise UserError(f"{origin}: no notebooks (NN_name.ipynb) in {root}")
    return root

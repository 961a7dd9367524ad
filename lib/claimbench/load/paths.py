"""Where claimbench's data and notebooks are: the one resolver every layer uses.

``$CLAIMBENCH_DATA`` (a folder with ``claims/``, ``hardware/``, ``models/``, ``reference/``,
``prices/``) overrides the shipped ``data/``; the notebooks are the shipped ``notebooks/``.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[3]


def default_data_dir() -> Path:
    """``$CLAIMBENCH_DATA`` if set, else the shipped ``data/``."""
    env = os.environ.get("CLAIMBENCH_DATA")
    if env:
        return Path(env)
    return _REPO / "data"


def notebooks_dir() -> Path:
    """The shipped parameterized notebooks."""
    return _REPO / "notebooks"

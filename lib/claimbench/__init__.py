"""claimbench: verify LLM inference performance claims with measured vLLM runs.

The public API (documented with examples in ``docs/api.md``)::

    import claimbench
    bundle = claimbench.measure(concurrency=[1, 8], slo={"tpot_ms": 50})   # -> bundle folder
    runs = claimbench.load_bundle(bundle)                                  # manifest + polars frames
    evidence, errors = claimbench.import_evidence(["data/reference", bundle])
    result = claimbench.verify(evidence_paths=[bundle])                    # verdicts, table
    df = claimbench.to_pandas(result)                                      # pandas (also bundles, evidence)

Nothing heavy is imported here: each name is imported on first use (vLLM, torch and transformers
only where an engine starts).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from claimbench.version import __version__

_API = {
    "measure": ("claimbench.measurement.api", "measure"),
    "MeasureOptions": ("claimbench.measurement.options", "MeasureOptions"),
    "load_bundle": ("claimbench.load.bundles", "read_bundle"),
    "find_bundles": ("claimbench.load.bundles", "find_bundles"),
    "import_evidence": ("claimbench.load.evidence", "import_evidence"),
    "load_claims": ("claimbench.load.claims", "load_claims"),
    "load_hardware": ("claimbench.load.registry", "load_hardware"),
    "load_model": ("claimbench.load.registry", "load_model"),
    "verify": ("claimbench.report.steps", "judge"),
    "summarize": ("claimbench.analyze.metrics", "summarize"),
    "UserError": ("claimbench.errors", "UserError"),
    "to_pandas": ("claimbench.load.frames", "to_pandas"),
    "list_evidence": ("claimbench.load.mlperf_library", "list_records"),
    "show_evidence": ("claimbench.load.mlperf_library", "show_record"),
    "update_evidence": ("claimbench.load.mlperf_library", "update_round"),
}

__all__ = [
    "MeasureOptions",
    "UserError",
    "__version__",
    "find_bundles",
    "import_evidence",
    "list_evidence",
    "load_bundle",
    "load_claims",
    "load_hardware",
    "load_model",
    "measure",
    "show_evidence",
    "summarize",
    "to_pandas",
    "update_evidence",
    "verify",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from claimbench.analyze.metrics import summarize
    from claimbench.errors import UserError
    from claimbench.load.bundles import find_bundles
    from claimbench.load.bundles import read_bundle as load_bundle
    from claimbench.load.claims import load_claims
    from claimbench.load.evidence import import_evidence
    from claimbench.load.frames import to_pandas
    from claimbench.load.mlperf_library import list_records as list_evidence
    from claimbench.load.mlperf_library import show_record as show_evidence
    from claimbench.load.mlperf_library import update_round as update_evidence
    from claimbench.load.registry import load_hardware, load_model
    from claimbench.measurement.api import measure
    from claimbench.measurement.options import MeasureOptions
    from claimbench.report.steps import judge as verify


def __getattr__(name: str) -> Any:
    try:
        module, attr = _API[name]
    except KeyError:
        raise AttributeError(f"module 'claimbench' has no attribute {name!r}") from None
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

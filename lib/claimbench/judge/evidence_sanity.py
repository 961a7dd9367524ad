"""Evidence sanity before judgement (pure): a figure no machine could produce never becomes evidence.

Every record entering ``verify`` (an imported peer file, a run bundle, a reference) is checked
against two physical ceilings of its hardware and model, both deliberately loose so that only the
impossible is caught:

* **compute roof**: every output token costs at least one forward pass, i.e. 2 FLOPs per active
  non-embedding parameter (speculative decoding included: an accepted token was computed). The
  package's fastest dense peak in the registry is multiplied by :data:`PEAK_ALLOWANCE` (FP4 and 2:4
  sparsity are not in the registry's dense figures) and the figure may exceed the roof by
  :data:`SLACK_REL` (rounding). Hardware with no known peak (e.g. ``cpu-host``) or not in the
  registry is bounded by the fastest package of the registry times :data:`UNKNOWN_HARDWARE_FACTOR`,
  and the reason says so. A model not in the registry gives no compute roof.
* **memory**: the model's weights at the stated precision (or 0.5 byte per weight when not stated,
  the smallest in use) must fit in the HBM of the packages the record spans, when both are known.

A record failing either is set aside — removed from the evidence, with one line saying which
figure, which roof and by how much — never used. Input-token throughput is not bounded (prefix
caching makes prefill tokens free).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from claimbench.schema.evidence import Evidence
from claimbench.schema.hardware import DTYPE_BYTES, DTYPES, HardwareSpec, ModelArch, canonical_dtype

PEAK_ALLOWANCE = 4.0
"""Multiplier on the registry's fastest dense peak: FP4 (2x FP8) and 2:4 structured sparsity (2x)."""
SLACK_REL = 0.10
"""How far above the roof a published figure may sit before it is implausible (rounding, clocks)."""
UNKNOWN_HARDWARE_FACTOR = 10.0
"""A package whose peak is unknown is bounded by the registry's fastest package times this."""
UNKNOWN_PACKAGES = 100_000
"""Packages assumed for a node/system/user figure that does not say how many it spans."""
_SMALLEST_WEIGHT_BYTES = 0.5


@dataclass(frozen=True)
class SetAside:
    """A record set aside as implausible evidence, with the reason (one line)."""

    evidence: Evidence
    reason: str


def _fastest_peak_tflops(hw: HardwareSpec) -> float | None:
    values = [getattr(hw.peak_dense_tflops, d, None) for d in DTYPES]
    known = [float(v) for v in values if v is not None]
    return max(known) if known else None


def _package_peak(hw: HardwareSpec | None, hardware: Mapping[str, HardwareSpec]) -> tuple[float | None, str]:
    """(FLOP/s ceiling of one package, how it was chosen)."""
    own = _fastest_peak_tflops(hw) if hw is not None else None
    if own is not None and hw is not None:
        return own * 1e12 * PEAK_ALLOWANCE, f"{hw.id} peak {own:g} TFLOPS x {PEAK_ALLOWANCE:g}"
    peaks = [(p, h.id) for h in hardware.values() if (p := _fastest_peak_tflops(h)) is not None]
    if not peaks:
        return None, "no hardware in the registry has a peak"
    best, best_id = max(peaks)
    name = hw.id if hw is not None else "hardware not in the registry"
    return (
        best * 1e12 * PEAK_ALLOWANCE * UNKNOWN_HARDWARE_FACTOR,
        f"{name} peak unknown: bounded by the fastest package {best_id} ({best:g} TFLOPS) x "
        f"{PEAK_ALLOWANCE:g} x {UNKNOWN_HARDWARE_FACTOR:g}",
    )


def _flops_per_token(model: ModelArch) -> float:
    from claimbench.judge.roofline import param_breakdown

    pb = param_breakdown(model)
    return 2.0 * max(1, pb.active - pb.embedding)


def _packages_per_unit(ev: Evidence, hw: HardwareSpec | None) -> tuple[float, str]:
    """How many packages one unit of the record's basis spans (loosest when unknown)."""
    if ev.basis == "card":
        return 1.0, "per card"
    if ev.basis == "die":
        return 1.0, "per die (bounded as a whole package)"
    if ev.packages is not None:
        return float(ev.packages), f"per {ev.basis} of {ev.packages} packages"
    if ev.basis == "node" and hw is not None and hw.packages_per_node:
        return float(hw.packages_per_node), f"per node of {hw.packages_per_node} packages (typical)"
    return float(UNKNOWN_PACKAGES), f"per {ev.basis}, packages unknown (bounded at {UNKNOWN_PACKAGES:,})"


def compute_roof_reason(
    ev: Evidence, models: Mapping[str, ModelArch], hardware: Mapping[str, HardwareSpec]
) -> str | None:
    """Why a record's output throughput is above every compute roof of its hardware and model, or None."""
    model = models.get(ev.conditions.model or "")
    if model is None:
        return None
    hw = hardware.get(ev.conditions.hardware or "")
    peak, how = _package_peak(hw, hardware)
    if peak is None:
        return None
    units, basis = _packages_per_unit(ev, hw)
    roof = peak / _flops_per_token(model) * units
    for i, point in enumerate(ev.points):
        value = point.output_tok_per_s
        if value is not None and value > roof * (1.0 + SLACK_REL):
            where = f"level {point.level}" if point.level is not None else f"point {i}"
            return (
                f"output_tok_per_s {value:.4g} at {where} is above the compute roof {roof:.4g} tok/s {basis} "
                f"for {model.id} ({_flops_per_token(model):.3g} FLOP per token; {how})"
            )
    return None


def memory_reason(ev: Evidence, models: Mapping[str, ModelArch], hardware: Mapping[str, HardwareSpec]) -> str | None:
    """Why the record's packages cannot hold its model's weights, or None (also when unknown)."""
    from claimbench.judge.roofline import param_breakdown

    model = models.get(ev.conditions.model or "")
    hw = hardware.get(ev.conditions.hardware or "")
    if model is None or hw is None or hw.hbm_gib is None:
        return None
    devices = ev.packages
    dep = ev.conditions.deployment
    if dep is not None and dep.devices is not None:
        per = (hw.dies_per_package or 1) if dep.device == "die" else 1
        devices = math.ceil(dep.devices / per)
    if devices is None:
        return None
    precision = canonical_dtype(ev.conditions.precision) if ev.conditions.precision else None
    nbytes = DTYPE_BYTES.get(precision or "", _SMALLEST_WEIGHT_BYTES)
    weights = param_breakdown(model).total * nbytes
    capacity = devices * hw.hbm_gib * 2**30
    if weights > capacity:
        return (
            f"{model.id} weights ({weights / 2**30:,.0f} GiB at {precision or 'an unknown precision, 0.5 byte'}"
            f"{' per weight' if precision is None else ''}) do not fit in {devices} {hw.id} package(s) "
            f"({capacity / 2**30:,.0f} GiB)"
        )
    return None


def implausible_reason(
    ev: Evidence, models: Mapping[str, ModelArch], hardware: Mapping[str, HardwareSpec]
) -> str | None:
    """The reason a record is implausible evidence, or None when it passes both ceilings."""
    return compute_roof_reason(ev, models, hardware) or memory_reason(ev, models, hardware)


def screen_evidence(
    evidence: Iterable[Evidence], models: Mapping[str, ModelArch], hardware: Mapping[str, HardwareSpec]
) -> tuple[list[Evidence], list[SetAside]]:
    """(records kept, records set aside as implausible with the reason)."""
    kept: list[Evidence] = []
    aside: list[SetAside] = []
    for ev in evidence:
        reason = implausible_reason(ev, models, hardware)
        if reason is None:
            kept.append(ev)
        else:
            aside.append(SetAside(ev, f"{ev.path or ev.id}: implausible evidence set aside: {reason}"))
    return kept, aside

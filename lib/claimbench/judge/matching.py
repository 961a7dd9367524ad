"""Which conditions of a claim an evidence record matches, differs on, or leaves unknown (pure).

A difference in a *binding* condition — chip, model, precision, unit basis, and the load level
(concurrency) or latency data a predicate needs — makes the pair not comparable, unless a declared
conversion applies. The only conversions are between unit bases of the same chip:

* die ↔ card: × or ÷ ``dies_per_package`` of the evidence's hardware (hardware registry);
* node/system → card: ÷ the packages the figure spans (the evidence's ``packages``, else the
  hardware's ``packages_per_node`` for a node); card → node: × ``packages_per_node``.

Conversions go through :func:`claimbench.judge.normalize.convert_basis` (the one code path for basis
arithmetic); each is returned with its factor and the sentence saying how it was made. Differences in
input/output length, speculative decoding and phase are reported but not binding: they rank the
evidence (fewer differences first) instead of excluding it.

No I/O, printing or environment reads: inputs are claim conditions, an evidence record and a
mapping of hardware id → spec (anything with ``dies_per_package`` and ``packages_per_node``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from claimbench.errors import UserError
from claimbench.judge.normalize import BasisConversion, convert_basis
from claimbench.schema.claims import Basis, ClaimConditions, SloBound
from claimbench.schema.evidence import Evidence, EvidenceConditions

__all__ = [
    "BasisConversion",
    "ConditionComparison",
    "HardwareLike",
    "MatchResult",
    "compare_pair",
    "convert",
    "latency_field",
    "match",
]

Status = Literal["match", "differs", "unknown", "converted"]

BINDING = ("hardware", "model", "precision", "basis", "concurrency", "slo")
PAIR_BINDING = ("model", "precision", "input_len", "output_len")
"""For a ratio, numerator and denominator must share model, precision and workload lengths."""

MODEL_EQUIVALENT: dict[str, str] = {"deepseek-v3": "deepseek-r1"}
"""Model ids with one architecture (DeepSeek-V3 and R1): a match, noted as such."""


class HardwareLike(Protocol):
    dies_per_package: int | None
    packages_per_node: int | None


@dataclass(frozen=True)
class ConditionComparison:
    """One condition compared: the claim's value, the evidence's, and the status."""

    name: str
    claim: str | None
    evidence: str | None
    status: Status
    binding: bool
    note: str | None = None


@dataclass(frozen=True)
class MatchResult:
    evidence_id: str
    comparable: bool
    comparisons: tuple[ConditionComparison, ...]
    conversion: BasisConversion | None
    """The basis conversion of one unit (``factor``; the verdict redoes it on the value read)."""
    reasons: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def n_differs(self) -> int:
        return sum(1 for c in self.comparisons if c.status == "differs" and not c.binding)

    @property
    def n_unknown(self) -> int:
        return sum(1 for c in self.comparisons if c.status == "unknown")


def _s(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        d = value.model_dump(exclude_none=True)
        return ", ".join(f"{k}={v}" for k, v in d.items())
    if isinstance(value, list):
        return "; ".join(_s(v) or "" for v in value)
    return str(value)


def _canon_precision(p: str | None) -> str | None:
    if p is None:
        return None
    try:
        from claimbench.schema.hardware import canonical_dtype

        return canonical_dtype(p)
    except ImportError:  # pragma: no cover
        return p.lower()


def latency_field(slo: SloBound) -> tuple[str, str | None]:
    """The LoadPoint field a latency bound is read from, and a note when the stat is assumed."""
    if slo.stat is None:
        return f"{slo.metric}_mean_ms", "the source does not say which statistic: the mean is read"
    return f"{slo.metric}_{slo.stat}_ms", None


def _hw(hardware: Mapping[str, HardwareLike], hw_id: str | None) -> HardwareLike | None:
    return hardware.get(hw_id) if hw_id else None


@dataclass(frozen=True)
class _SpecView:
    """The figures :func:`claimbench.judge.normalize.convert_basis` reads, from any HardwareLike."""

    id: str
    dies_per_package: int | None
    packages_per_node: int | None


def convert(
    value: float,
    from_basis: str,
    to_basis: str,
    hw_id: str | None,
    hardware: Mapping[str, HardwareLike],
    packages: int | None,
    unit: str = "tok/s",
) -> tuple[BasisConversion | None, str]:
    """``value`` per ``from_basis`` as per ``to_basis``, through :func:`normalize.convert_basis`.

    ``packages`` is the number of packages a per-node/per-system figure spans (the evidence's own
    count; for a node without one, the hardware's ``packages_per_node``). Returns the conversion
    (factor, converted value and the sentence saying how) or ``(None, why)`` when no declared
    conversion applies: per-user figures, a per-system target, or an unknown figure.
    """
    if from_basis == to_basis:
        return BasisConversion(
            value, from_basis, to_basis, 1.0, value, f"{unit} per {to_basis}", f"same basis ({to_basis})"
        ), f"same basis ({to_basis})"
    if "user" in (from_basis, to_basis):
        return None, "per-user figures do not convert to per-unit throughput"
    if to_basis == "system":
        return None, "per-system figures cannot be derived from per-unit ones"
    spec = _hw(hardware, hw_id)
    view = _SpecView(
        hw_id or "unknown hardware",
        getattr(spec, "dies_per_package", None),
        getattr(spec, "packages_per_node", None),
    )
    try:
        conv = convert_basis(
            value,
            from_basis,
            to_basis,
            view,  # type: ignore[arg-type]
            packages_per_node=packages if from_basis == "node" else None,
            packages_in_system=packages if from_basis == "system" else None,
            unit=unit,
        )
    except UserError as exc:
        return None, str(exc)
    return conv, conv.explanation


def match(
    conditions: ClaimConditions,
    basis: Basis | None,
    evidence: Evidence,
    hardware: Mapping[str, HardwareLike],
    metric: str | None = None,
) -> MatchResult:
    """Compare a claim reading (conditions, basis) with one evidence record."""
    ev: EvidenceConditions = evidence.conditions
    comps: list[ConditionComparison] = []
    notes: list[str] = []

    def add(name, cv, evv, status, note=None):
        comps.append(ConditionComparison(name, _s(cv), _s(evv), status, name in BINDING, note))

    # hardware
    if evidence.kind == "coverage":
        plat = evidence.platform_hardware or []
        if conditions.hardware is None:
            add("hardware", None, plat, "unknown")
        elif conditions.hardware in plat:
            add("hardware", conditions.hardware, plat, "match")
        else:
            add("hardware", conditions.hardware, plat, "differs")
        reasons = tuple(
            f"{c.name}: claim {c.claim}, evidence {c.evidence}" for c in comps if c.binding and c.status == "differs"
        )
        return MatchResult(evidence.id, not reasons, tuple(comps), None, reasons, ())
    if conditions.hardware is None:
        add("hardware", None, ev.hardware, "unknown", "the claim does not name the chip")
    elif ev.hardware is None:
        add("hardware", conditions.hardware, None, "differs", "the evidence does not name its chip")
    elif ev.hardware == conditions.hardware:
        add("hardware", conditions.hardware, ev.hardware, "match")
    else:
        a, b = _hw(hardware, conditions.hardware), _hw(hardware, ev.hardware)
        note = None
        if a is not None and b is not None:
            note = (
                f"{conditions.hardware} has {a.dies_per_package or '?'} die(s) per package, "
                f"{ev.hardware} has {b.dies_per_package or '?'}"
            )
        add("hardware", conditions.hardware, ev.hardware, "differs", note)

    # model
    cm, em = conditions.model, ev.model
    if cm is None or em is None:
        add("model", cm, em, "unknown")
    elif cm == em:
        add("model", cm, em, "match")
    elif MODEL_EQUIVALENT.get(cm, cm) == MODEL_EQUIVALENT.get(em, em):
        add("model", cm, em, "match", "same architecture")
    else:
        add("model", cm, em, "differs")

    # precision
    cp, ep = _canon_precision(conditions.precision), _canon_precision(ev.precision)
    if cp is None or ep is None:
        add("precision", conditions.precision, ev.precision, "unknown")
    else:
        add("precision", conditions.precision, ev.precision, "match" if cp == ep else "differs")

    # non-binding workload conditions
    for name in ("input_len", "output_len", "phase"):
        cv, evv = getattr(conditions, name), getattr(ev, name)
        if cv is None or evv is None:
            add(name, cv, evv, "unknown")
        else:
            add(name, cv, evv, "match" if cv == evv else "differs")
    cs, es = conditions.speculative, ev.speculative
    if cs is None or es is None:
        add("speculative", cs, es, "unknown")
    elif cs == "none" or es == "none":
        add("speculative", cs, es, "match" if cs == es else "differs")
    else:
        same = cs.method.lower() == es.method.lower()
        acc_note = None
        if same and cs.acceptance is not None and es.acceptance is not None and cs.acceptance != es.acceptance:
            same = False
            acc_note = f"acceptance {cs.acceptance} vs {es.acceptance}"
        add("speculative", cs, es, "match" if same else "differs", acc_note)

    # load level (binding: the predicate is defined at it)
    if conditions.concurrency is not None:
        levels = [p.concurrency for p in evidence.points if p.concurrency is not None]
        if not levels:
            add("concurrency", conditions.concurrency, None, "differs", "the evidence has no concurrency")
        elif any(abs(c - conditions.concurrency) < 1e-9 for c in levels):
            add("concurrency", conditions.concurrency, conditions.concurrency, "match")
        else:
            add("concurrency", conditions.concurrency, sorted(set(levels)), "differs", "no level at that concurrency")

    # SLO: the evidence must report the latency the bound is on
    if conditions.slo:
        for slo in conditions.slo:
            field, stat_note = latency_field(slo)
            fields = [field] if slo.stat is not None else [field, f"{slo.metric}_p50_ms"]
            have = [f for f in fields if any(getattr(p, f) is not None for p in evidence.points)]
            label = f"{slo.metric} {slo.stat or '(stat unknown)'} ≤ {slo.max_ms:g} ms"
            if have:
                add("slo", label, have[0], "match", stat_note)
            else:
                add("slo", label, None, "differs", f"the evidence reports no {field}")

    # basis
    target = basis or "card"
    if basis is None:
        notes.append("the claim does not state the unit basis: read per card")
    hw_for_conv = ev.hardware or conditions.hardware
    conversion, why = convert(1.0, evidence.basis, target, hw_for_conv, hardware, evidence.packages)
    if conversion is None:
        add("basis", target, evidence.basis, "differs", f"no declared conversion: {why}")
    elif evidence.basis == target:
        add("basis", target, evidence.basis, "match")
    else:
        add("basis", target, evidence.basis, "converted", f"× {conversion.factor:g}: {why}")

    if metric is not None and not any(getattr(p, metric, None) is not None for p in evidence.points):
        comps.append(ConditionComparison("metric", metric, None, "differs", True, f"the evidence reports no {metric}"))

    reasons = tuple(
        f"{c.name}: claim {c.claim}, evidence {c.evidence}" + (f" ({c.note})" if c.note else "")
        for c in comps
        if c.binding and c.status == "differs"
    )
    return MatchResult(evidence.id, not reasons, tuple(comps), conversion, reasons, tuple(notes))


def compare_pair(numerator: Evidence, denominator: Evidence) -> tuple[ConditionComparison, ...]:
    """Workload conditions of the two sides of a ratio; model, precision and lengths bind."""
    out = []
    a, b = numerator.conditions, denominator.conditions
    for name in ("model", "precision", "input_len", "output_len", "phase", "speculative"):
        av, bv = getattr(a, name), getattr(b, name)
        if name == "model" and av and bv:
            av_, bv_ = MODEL_EQUIVALENT.get(av, av), MODEL_EQUIVALENT.get(bv, bv)
        elif name == "precision":
            av_, bv_ = _canon_precision(av), _canon_precision(bv)
        else:
            av_, bv_ = av, bv
        if av is None or bv is None:
            status: Status = "unknown"
        else:
            status = "match" if av_ == bv_ else "differs"
        binding = name in PAIR_BINDING
        out.append(
            ConditionComparison(
                name, _s(av), _s(bv), status, binding, "numerator vs denominator" if status != "match" else None
            )
        )
    return tuple(out)

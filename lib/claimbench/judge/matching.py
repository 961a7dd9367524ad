"""Which conditions of a claim an evidence record matches, differs on, or leaves unknown (pure).

A difference in a *binding* condition makes the pair not comparable, unless a declared conversion
applies. Binding: chip, model, precision, unit basis, speculative decoding (method, draft tokens,
acceptance within ``ACCEPTANCE_TOLERANCE`` = 0.05), phase (decode-only / prefill-only /
end-to-end), deployment scale and shape (devices and EP size, counted in dies), input/output
lengths within ``LENGTH_TOLERANCE_REL`` (5 %: 2,000 vs 2,048 match, 2,048 vs 4,096 do not), and the
load level (concurrency) or latency data a predicate needs. A condition that either side leaves
unstated is ``unknown``: it does not set the evidence aside, and the verdict lists it. (A length
difference may be bridged by the verdict with an explicit roofline-scaled adjustment; matching only
reports it.) The only conversions are between unit bases of the same chip:

* die ↔ card: × or ÷ ``dies_per_package`` of the evidence's hardware (hardware registry);
* node/system → card: ÷ the packages the figure spans (the evidence's ``packages``, else the
  hardware's ``packages_per_node`` for a node); card → node: × ``packages_per_node``.

Conversions go through :func:`claimbench.judge.normalize.convert_basis` (the one code path for basis
arithmetic); each is returned with its factor and the sentence saying how it was made. The batch per
device is reported but not binding (at a latency bound the batch is an outcome, not a condition).

Model equivalence (DeepSeek-V3 and R1 share one architecture) is data: ``data/aliases/models.yaml``,
read by :func:`claimbench.load.claims.load_model_equivalence` and passed in as ``equivalent``.

No I/O, printing or environment reads: inputs are claim conditions, an evidence record and a
mapping of hardware id → spec (anything with ``dies_per_package`` and ``packages_per_node``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from claimbench.errors import UserError
from claimbench.judge.latency import ceiling, missing_statistic, usable_fields
from claimbench.judge.normalize import BasisConversion, convert_basis
from claimbench.schema.claims import Basis, ClaimConditions, Deployment, SloBound
from claimbench.schema.evidence import Evidence, EvidenceConditions

__all__ = [
    "BasisConversion",
    "ConditionComparison",
    "HardwareLike",
    "MatchResult",
    "compare_pair",
    "convert",
    "compare_deployment",
    "compare_speculative",
    "latency_field",
    "lengths_match",
    "match",
]

Status = Literal["match", "differs", "unknown", "converted"]

BINDING = (
    "hardware",
    "model",
    "precision",
    "basis",
    "concurrency",
    "slo",
    "speculative",
    "phase",
    "input_len",
    "output_len",
    "deployment",
    "scenario",
)
PAIR_BINDING = ("model", "precision", "input_len", "output_len", "phase", "speculative", "scenario")
"""For a ratio, numerator and denominator must share model, precision, workload lengths, phase
and speculative decoding."""

LENGTH_TOLERANCE_REL = 0.05
"""Input/output lengths within 5 % of each other match (2,000 vs 2,048; 4,000 vs 4,096)."""
ACCEPTANCE_TOLERANCE = 0.05
"""Speculative acceptance rates within 0.05 of each other match."""


class HardwareLike(Protocol):
    """What basis conversion reads from a hardware record (read-only: records are frozen)."""

    @property
    def dies_per_package(self) -> int | None: ...

    @property
    def packages_per_node(self) -> int | None: ...


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


def _canon_model(m: str, equivalent: Mapping[str, str] | None) -> str:
    return (equivalent or {}).get(m, m)


def lengths_match(a: int, b: int, tol: float = LENGTH_TOLERANCE_REL) -> bool:
    """Two token lengths within ``tol`` of the larger."""
    return abs(a - b) <= tol * max(a, b)


def compare_speculative(cs, es) -> tuple[Status, str | None]:
    """Speculative decoding of two sides: none vs a method differs; a method differs in name,
    draft tokens or acceptance (beyond ``ACCEPTANCE_TOLERANCE``); an unstated figure is unknown."""
    if cs is None or es is None:
        return "unknown", None
    if cs == "none" or es == "none":
        return ("match" if cs == es else "differs"), None
    if cs.method.lower() != es.method.lower():
        return "differs", f"method {cs.method} vs {es.method}"
    if cs.tokens is not None and es.tokens is not None and cs.tokens != es.tokens:
        return "differs", f"draft tokens {cs.tokens} vs {es.tokens}"
    if cs.acceptance is not None and es.acceptance is not None:
        if abs(cs.acceptance - es.acceptance) > ACCEPTANCE_TOLERANCE:
            return "differs", f"acceptance {cs.acceptance:g} vs {es.acceptance:g} (changes tokens per step)"
        return "match", None
    if cs.acceptance is None and es.acceptance is None:
        return "match", "acceptance not stated on either side"
    return "unknown", "acceptance stated on one side only"


def _in_dies(n: float | None, device: str, hw: HardwareLike | None) -> float | None:
    if n is None:
        return None
    if device == "die":
        return float(n)
    dies = getattr(hw, "dies_per_package", None)
    return float(n) * dies if dies else None


def compare_deployment(cd, ed, hw: HardwareLike | None) -> list[tuple[str, Status, str | None, str | None, str | None]]:
    """Scale (devices) and shape (EP size, batch) of two deployments, each counted in dies.

    Returns (name, status, claim text, evidence text, note); ``deployment`` binds, ``batch`` does not."""
    if cd is None or ed is None:
        return [("deployment", "unknown", None if cd is None else "stated", None if ed is None else "stated", None)]
    out: list[tuple[str, Status, str | None, str | None, str | None]] = []
    for field, label in (("devices", "devices"), ("ep", "EP size")):
        a = _in_dies(getattr(cd, field), cd.device, hw)
        b = _in_dies(getattr(ed, field), ed.device, hw)
        ta = None if getattr(cd, field) is None else f"{getattr(cd, field)} {cd.device}s"
        tb = None if getattr(ed, field) is None else f"{getattr(ed, field)} {ed.device}s"
        if a is None or b is None:
            out.append(("deployment", "unknown", f"{label} {ta}", f"{label} {tb}", None))
        elif abs(a - b) > 1e-9:
            out.append(("deployment", "differs", f"{label} {ta}", f"{label} {tb}", f"{label} {a:g} vs {b:g} dies"))
        else:
            out.append(("deployment", "match", f"{label} {ta}", f"{label} {tb}", None))
    a, b = cd.batch_per_device, ed.batch_per_device
    if a is not None and b is not None:
        a_d = a if cd.device == "die" else a / max(1, getattr(hw, "dies_per_package", None) or 1)
        b_d = b if ed.device == "die" else b / max(1, getattr(hw, "dies_per_package", None) or 1)
        out.append(
            (
                "batch",
                "match" if abs(a_d - b_d) < 1e-9 else "differs",
                f"{a:g} per {cd.device}",
                f"{b:g} per {ed.device}",
                None,
            )
        )
    return out


def _implied_scale(conditions: ClaimConditions, evidence: Evidence) -> Deployment | None:
    """The scale a node or system figure states through its ``packages`` (an MLPerf system of 8 accelerators),
    when the claim states its own scale: 8 cards' throughput is no figure for 64 cards'. Not implied when
    the claim leaves its scale unknown (a per-card claim is read from any system, per package)."""
    dep = conditions.deployment
    if dep is None or dep.devices is None or evidence.packages is None or evidence.basis not in ("node", "system"):
        return None
    return Deployment(
        device="card",
        devices=evidence.packages,
        batch_per_device=None,
        context_tokens=None,
        tp=None,
        ep=None,
        kv_precision=None,
        note="the packages the figure spans",
    )


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


_COMPARISONS: dict[tuple, ConditionComparison] = {}
"""The same comparison made again is the same (frozen) record: matching many claims against many records
repeats a few thousand distinct comparisons hundreds of thousands of times."""


def _comparison(name: str, cv: Any, evv: Any, status: Status, note: str | None = None) -> ConditionComparison:
    """One condition compared: claim value and evidence value as text, binding when ``name`` is in BINDING."""
    key = (name, type(cv), cv, type(evv), evv, status, note)
    try:
        hit = _COMPARISONS.get(key)
    except TypeError:  # a value that cannot be a key (a list, a mutable model): made afresh
        return ConditionComparison(name, _s(cv), _s(evv), status, name in BINDING, note)
    if hit is None:
        if len(_COMPARISONS) >= 65536:
            _COMPARISONS.clear()
        hit = _COMPARISONS[key] = ConditionComparison(name, _s(cv), _s(evv), status, name in BINDING, note)
    return hit


def _compare_scenario(cv: str | None, evv: str | None) -> list[ConditionComparison]:
    """The MLPerf scenario binds when both sides name one (Offline is not Server); none when neither does."""
    if cv is None and evv is None:
        return []
    status: Status = "unknown" if cv is None or evv is None else ("match" if cv == evv else "differs")
    return [_comparison("scenario", cv, evv, status)]


def _match_coverage(conditions: ClaimConditions, evidence: Evidence) -> MatchResult:
    """A coverage record matches when the claim's chip is among the platform's hardware."""
    plat = evidence.platform_hardware or []
    if conditions.hardware is None:
        comps = [_comparison("hardware", None, plat, "unknown")]
    elif conditions.hardware in plat:
        comps = [_comparison("hardware", conditions.hardware, plat, "match")]
    else:
        comps = [_comparison("hardware", conditions.hardware, plat, "differs")]
    reasons = tuple(
        f"{c.name}: claim {c.claim}, evidence {c.evidence}" for c in comps if c.binding and c.status == "differs"
    )
    return MatchResult(evidence.id, not reasons, tuple(comps), None, reasons, ())


def _compare_hardware(
    conditions: ClaimConditions, ev: EvidenceConditions, hardware: Mapping[str, HardwareLike]
) -> ConditionComparison:
    """The chip: the same id matches; different chips differ (noting their dies per package)."""
    if conditions.hardware is None:
        return _comparison("hardware", None, ev.hardware, "unknown", "the claim does not name the chip")
    if ev.hardware is None:
        return _comparison("hardware", conditions.hardware, None, "differs", "the evidence does not name its chip")
    if ev.hardware == conditions.hardware:
        return _comparison("hardware", conditions.hardware, ev.hardware, "match")
    a, b = _hw(hardware, conditions.hardware), _hw(hardware, ev.hardware)
    note = None
    if a is not None and b is not None:
        note = (
            f"{conditions.hardware} has {a.dies_per_package or '?'} die(s) per package, "
            f"{ev.hardware} has {b.dies_per_package or '?'}"
        )
    return _comparison("hardware", conditions.hardware, ev.hardware, "differs", note)


def _compare_model(cm: str | None, em: str | None, equivalent: Mapping[str, str] | None) -> ConditionComparison:
    """The model: the same id, or ids sharing an architecture (data/aliases), match."""
    if cm is None or em is None:
        return _comparison("model", cm, em, "unknown")
    if cm == em:
        return _comparison("model", cm, em, "match")
    if _canon_model(cm, equivalent) == _canon_model(em, equivalent):
        return _comparison("model", cm, em, "match", "same architecture (data/aliases/models.yaml)")
    return _comparison("model", cm, em, "differs")


def _compare_precision(cp_given: str | None, ep_given: str | None) -> ConditionComparison:
    """The precision, compared in canonical spelling."""
    cp, ep = _canon_precision(cp_given), _canon_precision(ep_given)
    if cp is None or ep is None:
        return _comparison("precision", cp_given, ep_given, "unknown")
    return _comparison("precision", cp_given, ep_given, "match" if cp == ep else "differs")


def _compare_lengths(conditions: ClaimConditions, ev: EvidenceConditions) -> list[ConditionComparison]:
    """Input and output lengths: equal, or within the length tolerance, match."""
    out: list[ConditionComparison] = []
    for name in ("input_len", "output_len"):
        cv, evv = getattr(conditions, name), getattr(ev, name)
        if cv is None or evv is None:
            out.append(_comparison(name, cv, evv, "unknown"))
        elif cv == evv:
            out.append(_comparison(name, cv, evv, "match"))
        elif lengths_match(cv, evv):
            out.append(_comparison(name, cv, evv, "match", f"within {LENGTH_TOLERANCE_REL:.0%}"))
        else:
            out.append(_comparison(name, cv, evv, "differs", f"beyond the {LENGTH_TOLERANCE_REL:.0%} length tolerance"))
    return out


def _compare_concurrency(conditions: ClaimConditions, evidence: Evidence) -> list[ConditionComparison]:
    """The load level the predicate is defined at must be one the evidence measured (none if unstated)."""
    if conditions.concurrency is None:
        return []
    levels = [p.concurrency for p in evidence.points if p.concurrency is not None]
    if not levels:
        return [_comparison("concurrency", conditions.concurrency, None, "differs", "the evidence has no concurrency")]
    if any(abs(c - conditions.concurrency) < 1e-9 for c in levels):
        return [_comparison("concurrency", conditions.concurrency, conditions.concurrency, "match")]
    return [
        _comparison(
            "concurrency", conditions.concurrency, sorted(set(levels)), "differs", "no level at that concurrency"
        )
    ]


_SLO_COMPARED: dict[tuple, tuple[Evidence, tuple[ConditionComparison, ...]]] = {}
"""_compare_slos answers by (record identity, the bounds); many readings share their bounds, and the answer
depends on nothing else. An entry holds its record, so a hit is that very record."""


def _compare_slos(conditions: ClaimConditions, evidence: Evidence) -> list[ConditionComparison]:
    """Each SLO bound binds its statistic (:mod:`claimbench.judge.latency`): the evidence must report the
    claim's statistic or a higher order statistic of the same latency (a ceiling of unknown statistic only
    for a bound of unstated statistic); otherwise the pair differs, with the statistic named."""
    if not conditions.slo:
        return []
    key = (id(evidence), tuple((s.metric, s.stat, s.max_ms) for s in conditions.slo))
    hit = _SLO_COMPARED.get(key)
    if hit is not None and hit[0] is evidence:
        return list(hit[1])
    if len(_SLO_COMPARED) >= 65536:
        _SLO_COMPARED.clear()
    out = _slo_comparisons(conditions, evidence)
    _SLO_COMPARED[key] = (evidence, tuple(out))
    return out


def _slo_comparisons(conditions: ClaimConditions, evidence: Evidence) -> list[ConditionComparison]:
    """:func:`_compare_slos` computed."""
    out: list[ConditionComparison] = []
    for slo in conditions.slo or ():
        _, stat_note = latency_field(slo)
        have = [f for f in usable_fields(slo) if any(getattr(p, f.field) is not None for p in evidence.points)]
        label = f"{slo.metric} {slo.stat or '(stat unknown)'} ≤ {slo.max_ms:g} ms"
        caps = sorted(
            {getattr(p, f"{slo.metric}_limit_stat") or "unknown statistic" for p in evidence.points if ceiling(p, slo)}
        )
        if have:
            note = stat_note if have[0].relation == "assumed" else None
            if have[0].relation == "tighter":
                note = f"read on {have[0].stat}: a higher order statistic, so a throughput read there is a lower bound"
            out.append(_comparison("slo", label, have[0].field, "match", note))
        elif caps:
            note = f"read at the point's {slo.metric.upper()} ceiling ({' / '.join(caps)}): the figure is at most that"
            out.append(_comparison("slo", label, f"{slo.metric}_limit_ms", "match", note))
        else:
            out.append(_comparison("slo", label, None, "differs", missing_statistic(slo, list(evidence.points))))
    return out


def _compare_basis(
    conditions: ClaimConditions,
    basis: Basis | None,
    evidence: Evidence,
    hardware: Mapping[str, HardwareLike],
) -> tuple[ConditionComparison, BasisConversion | None]:
    """The unit basis (card when unstated): the same, converted by a declared factor, or not convertible.
    Returns the comparison and the conversion (None when there is none)."""
    target = basis or "card"
    hw_for_conv = evidence.conditions.hardware or conditions.hardware
    conversion, why = convert(1.0, evidence.basis, target, hw_for_conv, hardware, evidence.packages)
    if conversion is None:
        return _comparison("basis", target, evidence.basis, "differs", f"no declared conversion: {why}"), conversion
    if evidence.basis == target:
        return _comparison("basis", target, evidence.basis, "match"), conversion
    return _comparison("basis", target, evidence.basis, "converted", f"× {conversion.factor:g}: {why}"), conversion


def match(
    conditions: ClaimConditions,
    basis: Basis | None,
    evidence: Evidence,
    hardware: Mapping[str, HardwareLike],
    metric: str | None = None,
    equivalent: Mapping[str, str] | None = None,
) -> MatchResult:
    """Compare a claim reading (conditions, basis) with one evidence record.

    ``equivalent`` maps model ids to the id they share an architecture with (data/aliases)."""
    if evidence.kind == "coverage":
        return _match_coverage(conditions, evidence)
    ev: EvidenceConditions = evidence.conditions
    notes: list[str] = []
    comps: list[ConditionComparison] = [
        _compare_hardware(conditions, ev, hardware),
        _compare_model(conditions.model, ev.model, equivalent),
        _compare_precision(conditions.precision, ev.precision),
    ]
    # workload conditions that change the number (binding when both sides state them)
    comps += _compare_lengths(conditions, ev)
    cv, evv = conditions.phase, ev.phase
    comps.append(
        _comparison("phase", cv, evv, "unknown" if cv is None or evv is None else ("match" if cv == evv else "differs"))
    )
    comps += _compare_scenario(conditions.scenario, ev.scenario)
    status, spec_note = compare_speculative(conditions.speculative, ev.speculative)
    comps.append(_comparison("speculative", conditions.speculative, ev.speculative, status, spec_note))
    hw_dep = _hw(hardware, ev.hardware or conditions.hardware)
    ev_dep = getattr(ev, "deployment", None) or _implied_scale(conditions, evidence)
    for name, st, ct, et, note in compare_deployment(conditions.deployment, ev_dep, hw_dep):
        comps.append(ConditionComparison(name, ct, et, st, name in BINDING, note))
    # load level (binding: the predicate is defined at it) and the latencies its SLO bounds
    comps += _compare_concurrency(conditions, evidence)
    comps += _compare_slos(conditions, evidence)
    if basis is None:
        notes.append("the claim does not state the unit basis: read per card")
    basis_comp, conversion = _compare_basis(conditions, basis, evidence, hardware)
    comps.append(basis_comp)
    if metric is not None and not any(getattr(p, metric, None) is not None for p in evidence.points):
        comps.append(ConditionComparison("metric", metric, None, "differs", True, f"the evidence reports no {metric}"))

    reasons = tuple(
        f"{c.name}: claim {c.claim}, evidence {c.evidence}" + (f" ({c.note})" if c.note else "")
        for c in comps
        if c.binding and c.status == "differs"
    )
    return MatchResult(evidence.id, not reasons, tuple(comps), conversion, reasons, tuple(notes))


def compare_pair(
    numerator: Evidence, denominator: Evidence, equivalent: Mapping[str, str] | None = None
) -> tuple[ConditionComparison, ...]:
    """Workload conditions of the two sides of a ratio: model, precision, lengths (within
    tolerance), phase and speculative decoding bind."""
    out = []
    a, b = numerator.conditions, denominator.conditions
    for name in ("model", "precision", "input_len", "output_len", "phase", "speculative", "scenario"):
        av, bv = getattr(a, name), getattr(b, name)
        note = None
        if name == "model" and (av is None) != (bv is None):
            status: Status = "differs"  # a model-unknown figure over a named model's is no like-for-like ratio
            note = "model stated on one side only"
        elif av is None or bv is None:
            status = "unknown"
        elif name == "model":
            status = "match" if _canon_model(av, equivalent) == _canon_model(bv, equivalent) else "differs"
        elif name == "precision":
            status = "match" if _canon_precision(av) == _canon_precision(bv) else "differs"
        elif name in ("input_len", "output_len"):
            status = "match" if lengths_match(av, bv) else "differs"
        elif name == "speculative":
            status, note = compare_speculative(av, bv)
        else:
            status = "match" if av == bv else "differs"
        binding = name in PAIR_BINDING
        text = "numerator vs denominator" + (f": {note}" if note else "")
        av = av if av is not None or status != "differs" else "(not stated)"
        bv = bv if bv is not None or status != "differs" else "(not stated)"
        out.append(ConditionComparison(name, _s(av), _s(bv), status, binding, text if status != "match" else None))
    return tuple(out)

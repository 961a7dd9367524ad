"""Roofline plausibility bounds for claims (pure): claim readings + registry records in,
:class:`~claimbench.judge.verdict.PlausibilityBound` records out.

For each reading of an output-throughput claim whose deployment is known, the physical upper
bound on output tok/s per package comes from :mod:`claimbench.judge.roofline`:

* at the stated batch (``deployment.batch_per_device``): :func:`~claimbench.judge.roofline.decode_bound`;
* at the claim's TPOT bound (an SLO on ``tpot``, any statistic: every step obeys the roof):
  :func:`~claimbench.judge.roofline.max_batch_at_tpot`, the largest batch whose bounded TPOT meets it;
* both given: the smaller of the two (each alone is a valid ceiling);
* neither: the batch HBM can hold at that context (``capacity``).

A ratio claim ("3x chip B") is bounded by A's roof over **B's observed** throughput: this module
returns A's bound (``kind="numerator"``, per package or per die following the reading's basis) and
:mod:`claimbench.judge.verdict` divides it by the denominator evidence it reads for B. Dividing by
B's *roof* instead (the old ratio of roofs) is not a ceiling on a claim against B's measured
figure: a B running far below its roof allows a far larger ratio (``roofline.ratio_bound`` says so).

A precision the chip cannot execute natively (``unsupported_dtypes`` in data/hardware, e.g. FP8
on the 910C) is reported as such (``blocking``), never as "no bound". Every bound also says whether
the model's weights fit on the claimed unit (``min_devices``: the fewest devices whose HBM holds the
weights at the reading's precision).

Unknowns stay explicit: a reading whose model, hardware figures, speculative decoding, context,
TP or EP is unknown gets a bound with ``max_value`` None and the reason. Two unknowns are bounded
at their loosest value instead, and the explanation says so: precision (the chip's fastest
supported dtype) and KV precision (1 byte per element). MTP acceptance unknown is bounded at 1.
Loosening never makes a plausible claim look implausible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict

from claimbench.errors import UserError
from claimbench.judge.verdict import PlausibilityBound
from claimbench.schema.claims import Claim, ClaimConditions, ResolvedReading, resolved_readings
from claimbench.schema.hardware import DTYPE_BYTES, DTYPES, HardwareSpec, ModelArch, canonical_dtype

if TYPE_CHECKING:  # roofline is imported where it is used, as before
    from claimbench.judge.roofline import Device, ParallelLayout, Precision

__all__ = ["claim_bounds", "reading_bound"]

_THROUGHPUT = ("output_tok_per_s",)


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


class _NoBound(Exception):
    pass


class _Blocked(Exception):
    pass


class _DecodeArgs(TypedDict):
    """Keyword arguments of roofline.decode_bound / max_batch_at_tpot besides batch or TPOT and context."""

    precision: Precision
    deployment: ParallelLayout
    spec_tokens: int
    acceptance: float
    device: Device


class _RooflineArgs(_DecodeArgs):
    """:class:`_DecodeArgs` with the reading's mean KV context."""

    context_tokens: float


def _precision(c: ClaimConditions, hw: HardwareSpec, notes: list[str]):
    from claimbench.judge.roofline import Precision

    if c.precision is not None:
        compute = canonical_dtype(c.precision)
        if compute in (hw.unsupported_dtypes or []):
            raise _Blocked(
                f"{hw.id} cannot execute {compute} natively (data/hardware/{hw.id}.yaml unsupported_dtypes); "
                f"a {compute} figure on it would need emulation or another precision"
            )
    else:
        best = None
        for d in DTYPES:
            try:
                peak = hw.peak_tflops(d)
            except UserError:
                continue
            key = (peak, -DTYPE_BYTES.get(d, 2))
            if best is None or key > best[0]:
                best = (key, d)
        if best is None:
            raise _NoBound(f"{hw.id}: no peak dense TFLOPS in the registry")
        compute = best[1]
        notes.append(f"precision unknown: bounded at {compute}, the fastest dtype {hw.id} supports")
    dep = c.deployment
    # callers reach here only with a deployment: _inputs checks it first, and the unsupported-precision
    # calls raise _Blocked above
    assert dep is not None
    if dep.kv_precision is not None:
        kv = canonical_dtype(dep.kv_precision)
    else:
        kv = next((d for d, b in DTYPE_BYTES.items() if b == 1), "int8")
        notes.append("KV precision unknown: bounded at 1 byte per element")
    return Precision(compute=compute, weights=compute, kv=kv)


def _spec(c: ClaimConditions, notes: list[str]) -> tuple[int, float]:
    s = c.speculative
    if s is None:
        raise _NoBound("speculative decoding unknown (draft tokens per step bound the tokens per step)")
    if s == "none":
        return 0, 0.0
    if s.tokens is None:
        raise _NoBound(f"speculative {s.method}: draft tokens per step unknown")
    if s.acceptance is None:
        notes.append(f"{s.method} acceptance unknown: bounded at 1 (every draft accepted)")
        return s.tokens, 1.0
    return s.tokens, s.acceptance


def _tpot_limit(c: ClaimConditions) -> float | None:
    limits = [s.max_ms for s in (c.slo or []) if s.metric == "tpot"]
    return min(limits) if limits else None


def _inputs(
    c: ClaimConditions, models: Mapping[str, ModelArch], hardware: Mapping[str, HardwareSpec]
) -> tuple[ModelArch, HardwareSpec, _RooflineArgs, list[str]]:
    """Model, hardware, roofline keyword arguments and notes, or _NoBound naming what is unknown."""
    from claimbench.judge.roofline import ParallelLayout

    if c.model is None:
        raise _NoBound("model unknown")
    if c.hardware is None:
        raise _NoBound("hardware unknown")
    model = models.get(c.model)
    if model is None:
        raise _NoBound(f"model {c.model!r} is not in the model registry (data/models)")
    hw = hardware.get(c.hardware)
    if hw is None:
        raise _NoBound(f"hardware {c.hardware!r} is not in the registry")
    if c.precision is not None and canonical_dtype(c.precision) in (hw.unsupported_dtypes or []):
        _precision(c, hw, [])  # raises _Blocked with the reason
    dep = c.deployment
    if dep is None:
        raise _NoBound("deployment unknown (batch, context, TP/EP)")
    missing = [n for n in ("context_tokens", "tp", "ep") if getattr(dep, n) is None]
    if missing:
        raise _NoBound("deployment " + ", ".join(missing) + " unknown")
    assert dep.context_tokens is not None and dep.tp is not None and dep.ep is not None  # `missing` says so
    if c.phase == "prefill-only":
        raise _NoBound("a prefill-only figure has no decode bound")
    notes: list[str] = []
    precision = _precision(c, hw, notes)
    spec, acc = _spec(c, notes)
    kw = _RooflineArgs(
        context_tokens=dep.context_tokens,
        precision=precision,
        deployment=ParallelLayout(tp=dep.tp, ep=dep.ep),
        spec_tokens=spec,
        acceptance=acc,
        device="die" if dep.device == "die" else "package",
    )
    return model, hw, kw, notes


def memory_fit(model: ModelArch, hw: HardwareSpec, precision: str | None, device: str = "package"):
    """(min devices, sentence): the fewest devices (packages or dies) whose HBM holds the weights at
    ``precision`` (weights only; KV cache and activations need more). (None, why) when unknown."""
    import math as _m

    from claimbench.judge.roofline import param_breakdown

    if hw.hbm_bytes is None:
        return None, f"{hw.id} HBM capacity unknown: whether {model.id} fits is not known"
    dtype = canonical_dtype(precision) if precision else None
    nbytes = DTYPE_BYTES.get(dtype, None) if dtype else None
    if nbytes is None:
        dtype = "int8"
        nbytes = 1
        loose = " (precision unknown: 1 byte per weight, the loosest in use)"
    else:
        loose = ""
    total = param_breakdown(model).total * nbytes
    dies = hw.dies_per_package or 1
    per_dev = hw.hbm_bytes / (dies if device == "die" else 1)
    n = max(1, _m.ceil(total / per_dev))
    text = (
        f"memory: {model.id} weights at {dtype} are {total / 2**30:,.0f} GiB{loose}; one {hw.id} "
        f"{'die' if device == 'die' else 'package'} holds {per_dev / 2**30:,.0f} GiB, so at least {n} "
        f"{'dies' if device == 'die' else 'packages'} are needed for the weights alone"
        + ("" if n > 1 else " (fits on one)")
    )
    return n, text


def _setup(model: ModelArch, hw: HardwareSpec, kw: _RooflineArgs) -> str:
    d = kw["deployment"]
    spec = f", MTP {kw['spec_tokens']} @ {kw['acceptance']:g}" if kw["spec_tokens"] else ""
    return (
        f"{model.id} on {hw.id} ({kw['precision'].compute}, KV {kw['precision'].kv}), TP{d.tp}/EP{d.ep} "
        f"in {kw['device']}s, context {kw['context_tokens']:g}{spec}"
    )


def _roofs(b) -> str:
    comm = f", interconnect {b.t_comm_s * 1e3:.3g}" if b.t_comm_s is not None else ""
    return (
        f"step >= {b.step_time_s * 1e3:.3g} ms ({b.binding}-bound: memory {b.t_memory_s * 1e3:.3g}, "
        f"compute {b.t_compute_s * 1e3:.3g}{comm} ms)"
    )


def _single(c: ClaimConditions, models, hardware) -> PlausibilityBound:
    from claimbench.judge import roofline as rl

    model, hw, kw, notes = _inputs(c, models, hardware)
    dev = kw["device"]
    tpot = _tpot_limit(c)
    assert c.deployment is not None  # _inputs raised _NoBound otherwise
    batch = c.deployment.batch_per_device
    options: list[tuple[float, str, str]] = []  # (tok/s per package, binding roof, explanation)
    if batch is not None:
        b = rl.decode_bound(model, hw, batch_per_device=batch, **kw)
        text = (
            f"at batch {batch:g} per {dev}: {_roofs(b)}, TPOT >= {b.tpot_ms:.3g} ms, "
            f"<= {_n(b.output_tok_per_s_per_device)} tok/s per {dev} = "
            f"{_n(b.output_tok_per_s_per_package)} per package"
        )
        if b.fits_in_memory is False:
            text += f" (HBM holds only {b.capacity_batch_per_device} sequences per {dev} at this context)"
        if tpot is not None and b.tpot_ms > tpot:
            text += f"; its bounded TPOT exceeds the {tpot:g} ms bound"
        options.append((b.output_tok_per_s_per_package, f"{b.binding} at batch {batch:g}", text))
    if tpot is not None:
        t = rl.max_batch_at_tpot(model, hw, tpot_ms=tpot, **kw)
        if t.bound is None or t.max_batch_per_device is None:
            options.append((0.0, "infeasible at the TPOT bound", f"at TPOT <= {tpot:g} ms: {t.reason}"))
        else:
            b = t.bound
            options.append(
                (
                    b.output_tok_per_s_per_package,
                    f"{b.binding} at TPOT <= {tpot:g} ms (batch {t.max_batch_per_device} per {dev}, {t.limited_by})",
                    f"at TPOT <= {tpot:g} ms the largest batch is {t.max_batch_per_device} per {dev} "
                    f"({t.limited_by}): {_roofs(b)}, <= {_n(b.output_tok_per_s_per_device)} tok/s per {dev} = "
                    f"{_n(b.output_tok_per_s_per_package)} per package",
                )
            )
    if not options:
        first = rl.decode_bound(model, hw, batch_per_device=1, **kw)
        cap = first.capacity_batch_per_device
        if not cap:
            raise _NoBound("neither batch nor TPOT bound stated, and HBM capacity gives no batch limit")
        b = rl.decode_bound(model, hw, batch_per_device=cap, **kw)
        options.append(
            (
                b.output_tok_per_s_per_package,
                f"{b.binding} at the HBM capacity batch {cap}",
                f"no batch or TPOT stated: at the largest batch HBM holds ({cap} per {dev}): {_roofs(b)}, "
                f"<= {_n(b.output_tok_per_s_per_package)} tok/s per package",
            )
        )
    pick = min(range(len(options)), key=lambda i: options[i][0])
    value, roof, text = options[pick]
    for i, (v, r, other) in enumerate(options):
        if i == pick:
            continue
        if v <= value * 1.005:
            text += f"; the same bound {other}"
        else:
            text += f"; looser: {r} allows {_n(v)} per package"
    expl = f"roofline {_setup(model, hw, kw)}: {text}"
    if notes:
        expl += "; " + "; ".join(notes)
    n_dev, mem = memory_fit(model, hw, kw["precision"].compute, kw["device"])
    return PlausibilityBound(
        max_value=value,
        basis="card",
        binding_roof=roof,
        explanation=f"{expl}; {mem}",
        min_devices=n_dev,
        memory_note=mem,
        device=kw["device"],
    )


def _ratio(claim: Claim, r: ResolvedReading, models, hardware) -> PlausibilityBound:
    """A's own bound (per package, or per die for a per-die reading), to be divided by B's observed
    throughput in the verdict (``kind="numerator"``)."""
    c = r.conditions
    p = claim.predicate
    assert p is not None and p.ratio_to is not None  # reading_bound calls this for a ratio predicate only
    base = p.ratio_to.hardware
    if hardware.get(base) is None:
        raise _NoBound(f"baseline hardware {base!r} is not in the registry")
    if _tpot_limit(c) is None and (c.deployment is None or c.deployment.batch_per_device is None):
        raise _NoBound("neither batch nor TPOT bound stated for the ratio")
    a = _single(c, models, hardware)
    assert a.max_value is not None  # _single always bounds (it raises _NoBound instead)
    value, basis = a.max_value, "card"
    if r.basis == "die":
        dies = hardware[c.hardware].dies_per_package or 1
        value, basis = value / dies, "die"
    return PlausibilityBound(
        max_value=value,
        basis=basis,
        binding_roof=f"{c.hardware} roof ({a.binding_roof}) over {base}'s observed",
        explanation=f"ratio ceiling = {c.hardware}'s roofline bound / {base}'s observed throughput; "
        f"the bound: {a.explanation}",
        kind="numerator",
        min_devices=a.min_devices,
        memory_note=a.memory_note,
        device=a.device,
    )


def _check_fit(c: ClaimConditions, models: Mapping[str, ModelArch], hw: HardwareSpec | None) -> None:
    """Raise _Blocked when the deployment's stated scale cannot even hold the model's weights."""
    dep = c.deployment
    model = models.get(c.model) if c.model else None
    if dep is None or dep.devices is None or model is None or hw is None:
        return
    device = "die" if dep.device == "die" else "package"
    try:
        n, mem = memory_fit(model, hw, c.precision, device)
    except UserError:
        return
    if n is not None and n > dep.devices:
        raise _Blocked(
            f"the model does not fit on the claimed unit: {mem}, but the reading deploys it on "
            f"{dep.devices} {dep.device}{'s' if dep.devices > 1 else ''}"
        )


def reading_bound(
    claim: Claim,
    reading: ResolvedReading,
    models: Mapping[str, ModelArch],
    hardware: Mapping[str, HardwareSpec],
) -> PlausibilityBound | None:
    """The bound for one reading; None when the predicate is not a throughput (nothing to bound);
    a bound with ``max_value`` None and the reason when an input is unknown."""
    p = claim.predicate
    if p is None or (reading.metric or p.metric) not in _THROUGHPUT:
        return None
    c = reading.conditions
    hw = hardware.get(c.hardware) if c.hardware else None
    try:
        if hw is not None and c.precision is not None and canonical_dtype(c.precision) in (hw.unsupported_dtypes or []):
            _precision(c, hw, [])  # raises _Blocked with the reason
        _check_fit(c, models, hw)
        if p.ratio_to is not None:
            return _ratio(claim, reading, models, hardware)
        bound = _single(reading.conditions, models, hardware)
    except _Blocked as exc:
        return PlausibilityBound(
            max_value=None,
            basis=reading.basis or "card",
            binding_roof="none",
            explanation=str(exc),
            blocking=str(exc),
        )
    except (_NoBound, UserError) as exc:
        n_dev, mem, device = None, None, None
        model = models.get(c.model) if c.model else None
        if model is not None and hw is not None:  # the memory fit needs no deployment
            device = "die" if (c.deployment is not None and c.deployment.device == "die") else "package"
            try:
                n_dev, mem = memory_fit(model, hw, c.precision, device)
            except UserError:
                n_dev, mem = None, None
        expl = f"no roofline bound: {exc}" + (f"; {mem}" if mem else "")
        return PlausibilityBound(
            max_value=None,
            basis=reading.basis or "card",
            binding_roof="none",
            explanation=expl,
            min_devices=n_dev,
            memory_note=mem,
            device=device,
        )
    target = reading.basis or "card"
    if target != "card":  # the bound on the reading's own basis, when a declared conversion applies
        from claimbench.judge.matching import convert

        assert bound.max_value is not None  # from _single, which always bounds (it raises _NoBound instead)
        conv, _ = convert(bound.max_value, "card", target, reading.conditions.hardware, hardware, None)
        if conv is not None:
            bound = PlausibilityBound(
                max_value=conv.value,
                basis=target,
                binding_roof=bound.binding_roof,
                explanation=f"{bound.explanation}; {conv.explanation}",
                min_devices=bound.min_devices,
                memory_note=bound.memory_note,
                device=bound.device,
            )
    return bound


def claim_bounds(
    claims: Sequence[Claim],
    models: Mapping[str, ModelArch],
    hardware: Mapping[str, HardwareSpec],
) -> dict[tuple[str, str], PlausibilityBound]:
    """(claim id, reading id) -> bound, for every throughput reading (see :func:`reading_bound`)."""
    out: dict[tuple[str, str], PlausibilityBound] = {}
    for claim in claims:
        for r in resolved_readings(claim):
            b = reading_bound(claim, r, models, hardware)
            if b is not None:
                out[(claim.id, r.reading_id)] = b
    return out


BRIDGE_MAX_CONTEXT_RATIO = 2.0
"""A length bridge spans at most a factor 2 in context: further apart, the workloads differ in more
than the KV length the roofline scales (prefill share, cache behaviour), and the record is set aside."""


def _context(input_len: int | None, output_len: int | None) -> float | None:
    """Mean KV length during decode: the prompt plus half the output (the prompt alone when the
    output length is not stated)."""
    if input_len is None:
        return None
    return input_len + (output_len / 2 if output_len else 0)


def length_bridge(models: Mapping[str, ModelArch], hardware: Mapping[str, HardwareSpec]):
    """A bridge for :func:`claimbench.judge.verdict.judge_claims`: carries a decode throughput
    measured at other input/output lengths to the reading's, by the ratio of the chip's roofline
    bounds at the two mean contexts (same model, precision, deployment, speculative decoding, and
    the reading's TPOT bound or batch). None when any of those is unknown, the phase is not
    decode-only, or the contexts are more than ``BRIDGE_MAX_CONTEXT_RATIO`` apart."""
    from claimbench.judge import roofline as rl

    def bridge(c: ClaimConditions, ev) -> tuple[float, str] | None:
        e = ev.conditions
        if e.phase != "decode-only" or c.phase not in ("decode-only", None):
            return None
        model = models.get(e.model or "") or models.get(c.model or "")
        hw = hardware.get(e.hardware or "")
        dep = c.deployment or e.deployment
        if model is None or hw is None or dep is None or dep.tp is None or dep.ep is None:
            return None
        spec = e.speculative
        if spec is None:
            return None
        tokens, acc = (0, 0.0) if spec == "none" else (spec.tokens, spec.acceptance)
        if tokens is None or acc is None:
            return None
        precision = e.precision or c.precision
        if precision is None:
            return None
        ctx_c, ctx_e = _context(c.input_len, c.output_len), _context(e.input_len, e.output_len)
        if not ctx_c or not ctx_e or max(ctx_c, ctx_e) / min(ctx_c, ctx_e) > BRIDGE_MAX_CONTEXT_RATIO:
            return None
        kv = canonical_dtype(dep.kv_precision) if dep.kv_precision else "int8"
        try:
            compute = canonical_dtype(precision)
            kw = _DecodeArgs(
                precision=rl.Precision(compute=compute, weights=compute, kv=kv),
                deployment=rl.ParallelLayout(tp=dep.tp, ep=dep.ep),
                spec_tokens=tokens,
                acceptance=acc,
                device="die" if dep.device == "die" else "package",
            )
            tpot = _tpot_limit(c)
            if tpot is not None:
                a = rl.max_batch_at_tpot(model, hw, tpot_ms=tpot, context_tokens=ctx_c, **kw).bound
                b = rl.max_batch_at_tpot(model, hw, tpot_ms=tpot, context_tokens=ctx_e, **kw).bound
                at = f"TPOT <= {tpot:g} ms"
            elif dep.batch_per_device is not None:
                a = rl.decode_bound(model, hw, batch_per_device=dep.batch_per_device, context_tokens=ctx_c, **kw)
                b = rl.decode_bound(model, hw, batch_per_device=dep.batch_per_device, context_tokens=ctx_e, **kw)
                at = f"batch {dep.batch_per_device:g}"
            else:
                return None
        except UserError:
            return None
        if a is None or b is None or not b.output_tok_per_s_per_package:
            return None
        factor = a.output_tok_per_s_per_package / b.output_tok_per_s_per_package
        text = (
            f"roofline-scaled length bridge {e.input_len}/{e.output_len} -> {c.input_len}/{c.output_len} "
            f"(mean context {ctx_e:g} -> {ctx_c:g}): x {factor:.3g}, the ratio of {hw.id}'s roofline bounds at "
            f"the two contexts ({model.id}, {compute}, TP{dep.tp}/EP{dep.ep}, {at})"
        )
        return factor, text

    return bridge

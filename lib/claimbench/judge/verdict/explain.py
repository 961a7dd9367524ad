"""Explanations: predicate text, what would decide, the measure command, differences, caveats (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from claimbench.judge.matching import (
    ConditionComparison,
)
from claimbench.judge.verdict.types import (
    FEW_REPEATS,
    EvidenceUse,
    PlausibilityBound,
    Verdict,
)
from claimbench.schema.claims import Claim, ResolvedReading


def _metric_text(metric: str) -> str:
    return {
        "output_tok_per_s_per_user": "output tok/s per user (1000 / TPOT)",
        "output_tok_per_j": "output tok/J (measured power, else TDP)",
        "output_tok_per_usd": "output tokens per USD",
        "usd_per_mtok": "USD per million output tokens",
    }.get(metric, metric)


def _predicate_text(claim: Claim, basis: str | None, metric: str | None = None) -> str:
    p = claim.predicate
    if p is None:
        return "(none: not measurable)"
    metric = metric or p.metric
    tol = f" (tolerance {p.tolerance_rel:.0%})" if p.tolerance_rel else ""
    per = f" per {basis}" if basis else " (basis unknown)"
    if p.ratio_to is not None:
        return f"{_metric_text(metric)} ratio vs {p.ratio_to.hardware} {p.comparator} {p.value:g}{p.unit}{per}{tol}"
    if isinstance(p.value, list):
        return f"{p.metric} includes {', '.join(p.value)}"
    return f"{_metric_text(metric)} {p.comparator} {p.value:g} {p.unit}{per}{tol}"


def _metric_unit(metric: str) -> str:
    return {"request_per_s": "req/s", "goodput_req_per_s": "req/s"}.get(metric, "tok/s")


def _unknown_list(claim: Claim, r: ResolvedReading) -> tuple[str, ...]:
    out = []
    for name in claim.unknown:
        if name == "basis":
            if r.basis is None:
                out.append("basis: the source does not say per what unit (card, die, node)")
            continue
        if getattr(r.conditions, name, None) is None:
            out.append(f"{name}: not stated by the source")
    return tuple(out)


def _assumed_list(claim: Claim) -> tuple[str, ...]:
    return tuple(f"{k}: {v}" for k, v in claim.assumed.items())


def _differences(comps: Sequence[ConditionComparison]) -> list[str]:
    out = []
    for c in comps:
        if c.status == "unknown" and c.claim is not None and c.evidence is not None:
            out.append(
                f"{c.name}: claim {c.claim}, evidence {c.evidence} ({c.note or 'not comparable as stated'}) [unknown]"
            )
        if c.status in ("differs", "converted"):
            out.append(
                f"{c.name}: claim {c.claim}, evidence {c.evidence}"
                + (f" ({c.note})" if c.note else "")
                + ("" if c.binding else " [not binding]")
            )
    return out


def _dtype_flag(precision: str | None, hw_id: str | None = None) -> str | None:
    """The vLLM flag for a precision, as the engine that runs on ``hw_id`` accepts it (or None).

    bf16/fp16 are a ``--dtype``; fp8 is vLLM's ``quantization=fp8``; int8 (W8A8) on an Ascend NPU is
    vllm-ascend's ``quantization=ascend`` (a checkpoint made with msModelSlim, vllm-ascend quantization
    guide); elsewhere an int8 or int4 checkpoint carries its own quantization config (e.g.
    compressed-tensors), which vLLM reads from the checkpoint: no flag (``quantization=int8`` is not a
    vLLM quantization method)."""
    if precision is None:
        return None
    p = precision.lower()
    if p in ("bf16", "bfloat16"):
        return "--dtype bfloat16"
    if p in ("fp16", "float16"):
        return "--dtype float16"
    if p == "fp8":
        return "--engine-arg quantization=fp8"
    if p in ("int8", "w8a8") and (hw_id or "").startswith("ascend"):
        return "--engine-arg quantization=ascend"
    return None


def _checkpoint_note(precision: str | None, hw_id: str | None) -> str | None:
    """What the model checkpoint must be for a precision the flag alone cannot select."""
    if precision is None or _dtype_flag(precision, hw_id) not in (None, "--engine-arg quantization=ascend"):
        return None
    p = precision.lower()
    if p in ("bf16", "bfloat16", "fp16", "float16", "fp8"):
        return None
    if (hw_id or "").startswith("ascend"):
        return f"--model must be a {precision} (W8A8) checkpoint made with msModelSlim (vllm-ascend quantization guide)"
    return f"--model must be a {precision} checkpoint (e.g. compressed-tensors): vLLM reads its quantization from it"


def decide_command(claim: Claim, r: ResolvedReading, hw_id: str | None, bound: PlausibilityBound | None) -> str | None:
    """The exact ``claimbench measure`` command that would settle the reading on ``hw_id``, or None
    when the model or the chip is unknown (then the missing figure is what would decide), or when the
    reading is about one phase (decode-only, prefill-only): ``claimbench measure`` measures end-to-end
    serving, whose throughput includes both phases, so it cannot settle such a reading."""
    c = r.conditions
    if c.model is None or hw_id is None or c.phase in ("decode-only", "prefill-only"):
        return None
    return _serve_command(r, hw_id, bound)


def _serve_command(r: ResolvedReading, hw_id: str, bound: PlausibilityBound | None) -> str:
    """The end-to-end ``claimbench measure --engine serve`` command under the reading's workload."""
    c = r.conditions
    assert c.model is not None
    parts = ["claimbench measure --engine serve", f"--model {c.model}", f"--hardware {hw_id}"]
    flag = _dtype_flag(c.precision, hw_id)
    if flag:
        parts.append(flag)
    if bound is not None and bound.min_devices:
        n = bound.min_devices
        tp = 1 << (n - 1).bit_length()
        parts.append(f"--tensor-parallel-size {tp}")
    if isinstance(c.speculative, type(None)) or c.speculative == "none":
        pass
    else:
        n = c.speculative.tokens or 1
        parts.append(
            f'--engine-arg \'speculative_config={{"method": "{c.speculative.method}", "num_speculative_tokens": {n}}}\''
        )
    if c.input_len:
        parts.append(f"--input-len {c.input_len}")
    if c.output_len:
        parts.append(f"--output-len {c.output_len}")
    tpot = [s for s in (c.slo or []) if s.metric == "tpot"]
    if c.concurrency is not None:
        parts.append(f"--concurrency {c.concurrency}")
    elif tpot:
        s = tpot[0]
        pct = {"p90": 90, "p99": 99}.get(s.stat or "", 50)
        parts.append(f"--find-max-under tpot_ms={s.max_ms:g} --search-percentile {pct}")
    else:
        parts.append("--concurrency 1,8,32,128,512")
    parts.append("--out runs")
    return " ".join(parts)


def _corroboration_hints(verdict: str, corroboration: str | None) -> list[str]:
    """What would strengthen a decided reading, given what decided it."""
    if verdict == "SUPPORTED" and corroboration == "self-reported":
        return [
            "An independent figure (a third party's, or a claimbench measurement) under the same conditions: "
            "today only the claimant's own publication supports it."
        ]
    if verdict not in ("SUPPORTED", "REFUTED"):
        return []
    if corroboration == "measured-here":
        return [
            f"Decided by a claimbench measurement here; {FEW_REPEATS} or more repeats of the same run would give an "
            "interval across runs as well as within one."
        ]
    if corroboration in ("independent", "peer-reviewed", "unattributed"):
        return [
            "Decided on figures not measured here; a claimbench measurement under the same conditions would "
            "make it measured here (and narrow the interval to what this run shows)."
        ]
    return []


def _inconclusive_hints(verdict: str, kind: str | None, ratio: bool = True, noise: bool = True) -> list[str]:
    """What would turn an INCONCLUSIVE reading into a decided one (``ratio``: the reading is a ratio's; ``noise``:
    what leaves it undecided could be noise, so more repeats could settle it — not when the records differ in
    round, precision, scale or the range measured, which the caller names instead)."""
    if verdict != "INCONCLUSIVE":
        return []
    if kind == "lower_bound":
        return [
            "A maximum-throughput figure (not a latency-limited, fixed-load or production point), or a point at "
            "the claim's own latency bound."
        ]
    if kind == "unknown" and ratio:
        return ["Figures whose kind bounds the ratio: a point (at the claim's own conditions) on both sides."]
    if kind == "unknown":
        return [
            "A figure that bounds the claim: a point at the claim's own latency statistic and bound, or one held "
            "to a bound at least as tight (a figure at a looser or other statistic bounds nothing)."
        ]
    if kind != "upper_bound" and noise:
        return ["A narrower interval: more repeats, or per-request samples, under the same conditions."]
    return []


def _nearest_miss_hint(aside: Sequence[EvidenceUse]) -> list[str]:
    """The closest set-aside records and what they differ in."""
    ranked = sorted((u for u in aside if u.reasons), key=_closeness)
    closest = [u for u in ranked if _closeness(u)[:2] == _closeness(ranked[0])[:2]] if ranked else []
    reasons = sorted({x for u in closest for x in u.reasons})[:3]
    if not reasons:
        return []
    ids = ", ".join(u.evidence_id for u in closest[:3])
    return [
        f"Evidence under the reading's own conditions: the closest records ({ids}) differ in "
        + "; ".join(reasons)
        + "."
    ]


def _implausible_hint(verdict: str, bound: PlausibilityBound | None) -> list[str]:
    """Why no measurement rescues an IMPLAUSIBLE reading."""
    if verdict != "IMPLAUSIBLE":
        return []
    if bound is not None and bound.blocking:
        return [
            "Nothing measured can rescue this reading as stated; another reading of the same words (a precision "
            "the chip runs natively, or enough devices to hold the model) is what a measurement can judge."
        ]
    return [
        "Nothing short of new hardware figures: the claim exceeds the physical bound; a measurement above it "
        "would mean a registry figure (peak FLOPS, HBM bandwidth, link speed) is wrong."
    ]


def _measure_hint(claim: Claim, cmd: str, bound: PlausibilityBound | None) -> str:
    """The measurement that settles the reading, with the devices the weights need."""
    if bound is not None and bound.min_devices:
        return (
            f"A measurement: `{cmd}` (the weights alone need at least {bound.min_devices} "
            f"{bound.device or 'package'}{'s' if bound.min_devices > 1 else ''}; then `claimbench verify --runs runs "
            f"--claim {claim.id}`)."
        )
    return f"A measurement: `{cmd}` (then `claimbench verify --runs runs --claim {claim.id}`)."


def _phase_hint(r: ResolvedReading, hw: str | None, bound: PlausibilityBound | None, verdict: str) -> list[str]:
    """For a one-phase reading: the measurement that would decide it, which ``claimbench measure`` cannot make."""
    c = r.conditions
    if c.phase not in ("decode-only", "prefill-only") or c.model is None or hw is None or verdict == "IMPLAUSIBLE":
        return []
    e2e = _serve_command(r, hw, bound)
    which = "decode" if c.phase == "decode-only" else "prefill"
    note = _checkpoint_note(c.precision, hw)
    return [
        f"A {c.phase} measurement: the {which} instance of a disaggregated prefill/decode deployment at the "
        f"reading's conditions. `claimbench measure` measures end-to-end serving (both phases), so it cannot "
        f"settle this reading; the end-to-end run under the same workload would be `{e2e}`"
        + (f" ({note})" if note else "")
        + "."
    ]


def _hints(
    claim: Claim,
    r: ResolvedReading,
    verdict: str,
    corroboration: str | None,
    bound: PlausibilityBound | None,
    kind: str | None,
    missing: str | None = None,
    aside: Sequence[EvidenceUse] = (),
    noise: bool = True,
) -> tuple[list[str], str | None]:
    """What would decide the reading: the missing figure, and the measurement that settles it (``noise``: see
    :func:`_inconclusive_hints`)."""
    c = r.conditions
    hw = c.hardware
    if claim.predicate is None:
        return [claim.unverifiable_reason or "A measurable predicate."], None
    cmd = decide_command(claim, r, hw, bound)
    out: list[str] = [f"The missing figure: {missing}."] if missing else []
    if c.model is None:
        out.append("The model the figure was obtained on (the source does not name it).")
    if hw is None:
        out.append("The chip the figure was obtained on (the source does not name it).")
    if verdict == "UNVERIFIABLE":
        return out, None
    out += _corroboration_hints(verdict, corroboration)
    is_ratio = claim.predicate.ratio_to is not None
    out += _inconclusive_hints(verdict, kind, is_ratio, noise)
    if verdict == "NOT-COMPARABLE" and aside and not is_ratio:
        out += _nearest_miss_hint(aside)
    out += _implausible_hint(verdict, bound)
    if is_ratio and verdict != "IMPLAUSIBLE" and c.model is not None:
        assert claim.predicate.ratio_to is not None
        out.append(
            f"Both chips measured with one workload (same model, precision, lengths, speculative decoding, "
            f"phase and latency bound): run the command below on {hw} and again with --hardware "
            f"{claim.predicate.ratio_to.hardware}."
        )
    settled_here = verdict in ("SUPPORTED", "REFUTED") and corroboration == "measured-here"
    out += _phase_hint(r, hw, bound, verdict)
    note = _checkpoint_note(c.precision, hw)
    if cmd and note and verdict != "IMPLAUSIBLE":
        out.append(f"For the command below: {note}.")
    if cmd and verdict != "IMPLAUSIBLE" and not settled_here:
        out.append(_measure_hint(claim, cmd, bound))
    return out, (cmd if verdict != "IMPLAUSIBLE" else None)


def _closeness(u: EvidenceUse) -> tuple[int, bool, tuple[int, int, int]]:
    """Sort key of set-aside records, nearest miss first: fewest binding differences, a named chip
    before an unnamed one, then the usual rank."""
    unnamed = any(c.name == "hardware" and c.evidence is None for c in u.comparisons)
    return (len(u.reasons), unnamed, u.rank)


def _fmtn(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _base(claim: Claim, r: ResolvedReading) -> dict:
    p = claim.predicate
    return dict(
        claim_id=claim.id,
        reading_id=r.reading_id,
        reading_label=r.label,
        title=claim.title,
        quote=claim.source.quote,
        source_url=claim.source.url,
        predicate=_predicate_text(claim, r.basis, r.metric),
        claimed=float(p.value) if p is not None and not isinstance(p.value, list) else None,
        unit=_unit(claim, r),
        basis=r.basis,
        claimant=claim.claimant,
        assumed=_assumed_list(claim),
        unknown=_unknown_list(claim, r),
    )


def _unit(claim: Claim, r: ResolvedReading) -> str | None:
    p = claim.predicate
    if p is None:
        return None
    if p.ratio_to is not None or isinstance(p.value, list):
        return p.unit
    return {
        "output_tok_per_s_per_user": "tok/s/user",
        "output_tok_per_j": "tok/J",
        "output_tok_per_usd": "tok/USD",
        "usd_per_mtok": "USD/Mtok",
    }.get(r.metric or p.metric, p.unit)


def _empty(**kw) -> dict:
    base = dict(
        observed=None,
        margin_rel=None,
        interval=None,
        interval_method=None,
        read_method=None,
        evidence_used=(),
        evidence_set_aside=(),
        conditions=(),
        bound=None,
        notes=(),
    )
    base.update(kw)
    return base


def _caveats(uses: Sequence[EvidenceUse]) -> tuple[str, ...]:
    out: list[str] = []
    for u in uses:
        for c in u.caveats:
            t = f"{u.evidence_id}: {c}"
            if t not in out:
                out.append(t)
    return tuple(out)


def _unverifiable(claim: Claim, r: ResolvedReading, missing: str, bound=None) -> Verdict:
    hints, cmd = _hints(claim, r, "UNVERIFIABLE", None, bound, None, missing=missing)
    return Verdict(
        **_base(claim, r),
        **_empty(verdict="UNVERIFIABLE", bound=bound, notes=(f"needs {missing}",)),
        why=f"This reading needs a figure no source gives: {missing}.",
        what_would_decide=tuple(hints),
        decide_command=None,
    )

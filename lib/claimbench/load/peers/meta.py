"""``--evidence-meta key=value``: conditions a peer file's format cannot carry.

Keys: ``hardware`` (registry id), ``packages`` (accelerator packages the numbers span),
``precision``, ``model``, ``input_len``, ``output_len``, ``phase``, ``speculative`` (``none`` or a
method such as ``mtp``), ``publisher`` (who ran it). A value fills a condition the file leaves
unknown; a file that states a different value is an error (the file is skipped), never silently
overridden. Applies to peer result files (vllm bench, GuideLLM, AIPerf, InferenceX, MLPerf), not
to claimbench bundles or reference YAML, which state their own conditions.
"""

from __future__ import annotations

from typing import Any

from claimbench.errors import UserError, did_you_mean
from claimbench.schema.claims import Speculative
from claimbench.schema.evidence import Evidence

META_KEYS = (
    "hardware",
    "packages",
    "precision",
    "model",
    "input_len",
    "output_len",
    "phase",
    "speculative",
    "publisher",
)
PEER_KINDS = ("vllm_bench", "guidellm", "aiperf", "inferencex", "mlperf")
_INTS = ("packages", "input_len", "output_len")
_PHASES = ("decode-only", "end-to-end", "prefill-only")


def parse_evidence_meta(items: list[str] | None) -> dict[str, Any]:
    """``["hardware=nvidia-h20", "packages=8"]`` → typed values; bad input → one-line UserError."""
    meta: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise UserError(f"--evidence-meta must be KEY=VALUE, got {item!r}")
        if key not in META_KEYS:
            raise UserError(
                f"--evidence-meta: unknown key {key!r}{did_you_mean(key, META_KEYS)}; keys: {', '.join(META_KEYS)}"
            )
        if key in meta:
            raise UserError(f"--evidence-meta: {key} given twice")
        if key in _INTS:
            try:
                number = int(value)
            except ValueError:
                raise UserError(f"--evidence-meta {key}: {value!r} is not an integer") from None
            if number < 1:
                raise UserError(f"--evidence-meta {key}: must be >= 1, got {number}")
            meta[key] = number
        elif key == "phase":
            if value not in _PHASES:
                raise UserError(f"--evidence-meta phase: {value!r} is not one of {', '.join(_PHASES)}")
            meta[key] = value
        elif key == "speculative":
            meta[key] = "none" if value.lower() == "none" else Speculative(method=value.lower())
        elif key in ("precision", "model"):
            meta[key] = value.lower()
        else:
            meta[key] = value
    return meta


def apply_evidence_meta(ev: Evidence, meta: dict[str, Any], hardware_ids: set[str] | None = None) -> Evidence:
    """``ev`` with the unknown conditions filled from ``meta``; a conflict is a UserError."""
    if not meta or ev.kind not in PEER_KINDS:
        return ev
    where = ev.path or ev.id
    cond = ev.conditions.model_dump()
    for key in ("hardware", "precision", "model", "input_len", "output_len", "phase", "speculative"):
        if key not in meta:
            continue
        new = meta[key]
        current = getattr(ev.conditions, key)
        if current is None:
            cond[key] = new
        elif current != new:
            raise UserError(f"{where}: --evidence-meta {key}={_show(new)}: the file says {_show(current)}")
    hw = cond.get("hardware")
    if "hardware" in meta and hardware_ids is not None and hw not in hardware_ids:
        raise UserError(f"--evidence-meta hardware: unknown hardware {hw!r}{did_you_mean(str(hw), hardware_ids)}")
    update: dict[str, Any] = {"conditions": type(ev.conditions)(**cond)}
    if "packages" in meta:
        n = meta["packages"]
        if ev.packages is not None and ev.packages != n:
            raise UserError(f"{where}: --evidence-meta packages={n}: the file says {ev.packages}")
        if ev.packages is None and ev.basis == "card" and n != 1:
            raise UserError(f"{where}: --evidence-meta packages={n}: the file's numbers are already per card")
        update["packages"] = n
        update["basis"] = "card" if n == 1 else "system"
    if "publisher" in meta and ev.reported_by in (None, "peer file"):
        update["reported_by"] = meta["publisher"]
    given = ", ".join(f"{k}={_show(v)}" for k, v in meta.items())
    update["notes"] = [*ev.notes, f"conditions given with --evidence-meta: {given}"]
    return ev.model_copy(update=update)


def _show(value: Any) -> str:
    if isinstance(value, Speculative):
        return value.method
    return str(value)

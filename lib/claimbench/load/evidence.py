"""Import evidence: run bundles, peer result files and published references, as typed records.

Types are in :mod:`claimbench.schema.evidence`. A file that does not parse is named and skipped
(an :class:`~claimbench.schema.evidence.EvidenceImportError`), never trusted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from claimbench.errors import UserError, did_you_mean
from claimbench.load.yamlio import read_yaml, validation_message
from claimbench.numbers import BadNumber, checked_number
from claimbench.schema.base import Strict
from claimbench.schema.claims import Basis, Deployment, Phase, Publication, Speculative
from claimbench.schema.evidence import (
    _LAT,
    _STATS,
    Evidence,
    EvidenceConditions,
    EvidenceImportError,
    LoadPoint,
    OperatingPoint,
    RequestSamples,
    check_point_physics,
)
from claimbench.schema.hardware import HardwareSpec


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------
def _num(x: Any) -> float | None:
    """A finite float, else None (NaN and non-numbers are missing, never 0)."""
    if isinstance(x, bool) or x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


BadField = BadNumber  # a peer-file field with the wrong type or an impossible value


def _strict(x: Any, field: str) -> float | None:
    """A peer file's measured number: missing stays None; a non-number, NaN, inf or a negative
    value is a :class:`BadNumber` naming the field (never judged, never silently dropped). The one
    number check of :mod:`claimbench.numbers`."""
    v = checked_number(x, f"field {field}", lo=0)
    return None if v is None else float(v)


def _rate(x: Any) -> float | None:
    """Request rate: a number, or ``inf``/``"inf"`` (all at once) kept as math.inf."""
    if isinstance(x, str) and x.strip().lower() in ("inf", "infinity"):
        return math.inf
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    return None


def _model_id(name: Any) -> str | None:
    """Normalize a model name or path to a registry-style id (``…/tiny-v1`` → ``tiny``)."""
    if not isinstance(name, str) or not name.strip():
        return None
    base = name.rstrip("/").split("/")[-1].lower()
    if base == "tiny" or (base.startswith("tiny-v") and base[6:].isdigit()):
        return "tiny"
    return base


def hardware_from_device_name(
    name: str | None, vendor: str | None = None, hardware: Sequence[HardwareSpec] | None = None
) -> str | None:
    """Best-effort registry id from a device name; None (unknown) when not sure.

    The fragments are data: each hardware file's ``device_names`` (the longest match wins, so
    "h200" is not read as "h20"). A 910B name is not mapped: its TFLOPS bin cannot be told from
    the name alone.
    """
    if vendor and str(vendor).lower() == "cpu":
        return "cpu-host"
    if not name:
        return None
    if hardware is None:
        from claimbench.load.registry import list_hardware

        hardware = list_hardware()
    low = str(name).lower().replace(" ", "")
    frags = [(frag.lower().replace(" ", ""), h.id) for h in hardware for frag in h.device_names]
    hits = [(len(frag), hw_id) for frag, hw_id in frags if frag and frag in low]
    return max(hits)[1] if hits else None


# ----------------------------------------------------------------------------------------------
# claimbench run bundles
# ----------------------------------------------------------------------------------------------
def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _bundle_hardware(manifest: dict, device: Any) -> tuple[str | None, list[str]]:
    """Registry id of a bundle's hardware: ``manifest["hardware"]["id"]`` (written by
    ``claimbench measure``), else older forms and the device fingerprint, else unknown."""
    hw = manifest.get("hardware")
    if isinstance(hw, dict):
        if hw.get("id"):
            return str(hw["id"]), []
        reason = hw.get("reason") or "no reason given"
        return None, [f"hardware unknown: the manifest says {reason}"]
    if isinstance(hw, str) and hw:
        return hw, []
    if manifest.get("hardware_id"):
        return str(manifest["hardware_id"]), []
    found = None
    if isinstance(device, dict):
        found = device.get("hardware_id") or hardware_from_device_name(
            device.get("name") or device.get("device_name"),
            device.get("vendor") if device.get("backend") is None else device.get("backend"),
        )
    if found is None and str(manifest.get("backend", "")).lower() == "cpu":
        found = "cpu-host"
    if found is None:
        return None, ["hardware not recognised from the manifest's device fingerprint: unknown"]
    return found, [f"hardware {found!r} inferred from the device fingerprint (no manifest hardware.id)"]


def _bundle_conditions(manifest: dict) -> tuple[EvidenceConditions, int | None, list[str]]:
    model = manifest.get("model")
    if isinstance(model, dict):
        model_name = model.get("source") or model.get("name") or model.get("path_or_name") or model.get("path")
    else:
        model_name = model
    dtype = _dig(model, "dtype") if isinstance(model, dict) else manifest.get("dtype")
    if dtype in (None, "auto"):
        dtype = (
            _dig(manifest, "engine", "args", "dtype")
            or _dig(manifest, "engine", "engine_args", "dtype")
            or _dig(manifest, "engine", "dtype")
            or dtype
        )
    workload = manifest.get("workload") or {}
    device = manifest.get("platform") or manifest.get("device") or manifest.get("fingerprint") or {}
    if isinstance(device, dict) and "device" in device and isinstance(device["device"], dict):
        device = device["device"]
    hardware, notes = _bundle_hardware(manifest, device)
    count = None
    if isinstance(device, dict):
        count = device.get("count") or device.get("device_count")
    if hardware == "cpu-host":
        count = 1  # a CPU host is one package (data/hardware/cpu-host.yaml)
    precision = None
    if isinstance(dtype, str) and dtype not in ("auto", ""):
        try:
            from claimbench.schema.hardware import canonical_dtype

            precision = canonical_dtype(dtype)
        except ImportError:  # pragma: no cover - registry is part of the package
            precision = dtype.lower()
    input_len = workload.get("input_len") if isinstance(workload, dict) else None
    output_len = workload.get("output_len") if isinstance(workload, dict) else None
    conditions = EvidenceConditions(
        hardware=hardware,
        model=_model_id(model_name),
        precision=precision,
        input_len=int(input_len) if isinstance(input_len, int) else None,
        output_len=int(output_len) if isinstance(output_len, int) else None,
        speculative="none" if not manifest.get("speculative") else None,
        phase="end-to-end",
    )
    return conditions, int(count) if isinstance(count, int) and count > 0 else None, notes


def _bundle_samples(requests, level: int) -> RequestSamples | None:
    import polars as pl

    rows = requests.filter(pl.col("level") == level)
    if "warmup" in rows.columns:
        rows = rows.filter(~pl.col("warmup").fill_null(False))
    if rows.height == 0:
        return None
    first = rows["sent_s"].min()
    last = rows["done_s"].max()
    if first is None or last is None or last <= first:
        return None
    from claimbench.analyze.metrics import request_metrics

    ok = request_metrics(rows).filter(pl.col("ok").fill_null(False))  # the one definition of each metric
    if ok.height == 0:
        return None
    return RequestSamples(
        output_tokens=[int(x) for x in ok["output_tokens"].fill_null(0).to_list()],
        tpot_ms=ok["tpot_ms"].to_list(),
        ttft_ms=ok["ttft_ms"].to_list(),
        wall_s=float(last - first),
        e2el_ms=ok["e2el_ms"].to_list(),
    )


def load_run_bundle(path: Path | str) -> Evidence:
    """A claimbench run bundle directory as evidence (one point per summary row), read with
    :func:`claimbench.measurement.store.read_bundle`. A bundle whose status is not ``complete`` is still
    evidence (its completed levels), flagged in ``status`` and in the notes."""
    from claimbench.load.bundles import read_bundle

    root = Path(path)
    bundle = read_bundle(root)
    manifest, summary, requests = bundle.manifest, bundle.summary, bundle.requests
    if not isinstance(manifest, dict):
        raise UserError(f"{root / 'manifest.json'}: expected a JSON object")
    status = manifest.get("status")
    notes: list[str] = []
    if status != "complete":
        why = manifest.get("status_reason")
        notes.append(
            (f"bundle status {status!r}" if status is not None else "bundle status not recorded")
            + (f" ({why})" if why else "")
            + ": only the levels it completed are used"
        )
    for col in ("level", "output_tok_per_s"):
        if col not in summary.columns:
            raise UserError(f"{root / 'summary.parquet'}: field {col}: column missing")
    conditions, count, cond_notes = _bundle_conditions(manifest)
    notes += cond_notes
    fields = set(LoadPoint.model_fields) - {"level", "samples", "note", "batch_per_unit"}
    completed = manifest.get("levels_completed")
    points = []
    for row in summary.iter_rows(named=True):
        if status != "complete" and isinstance(completed, list) and row.get("level") not in completed:
            continue
        values = {k: _num(row.get(k)) for k in fields if k in row}
        values["request_rate"] = _rate(row.get("request_rate"))
        for k in ("n_ok", "n_failed"):
            if row.get(k) is not None:
                values[k] = int(row[k])
        samples = None
        if requests is not None and "level" in requests.columns and row.get("level") is not None:
            samples = _bundle_samples(requests, row["level"])
        points.append(LoadPoint(level=str(row.get("level")), samples=samples, **values))
    run_id = manifest.get("run_id") or root.name
    return Evidence(
        id=f"bundle:{run_id}",
        kind="run_bundle",
        path=str(root),
        title=f"claimbench run {run_id}",
        secondary=False,
        reported_by="claimbench",
        derived=False,
        status=str(status) if status is not None else "unknown",
        conditions=conditions,
        basis="system" if count != 1 else "card",
        packages=count,
        points=points,
        notes=notes,
    )


# ----------------------------------------------------------------------------------------------
# vllm bench serve JSON
# ----------------------------------------------------------------------------------------------
_VLLM_REQUIRED = ("completed", "output_throughput")


def _json_objects(text: str) -> list[Any]:
    """One JSON document, or several concatenated/line-separated ones (``--append-result``)."""
    decoder = json.JSONDecoder()
    out: list[Any] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return out
        obj, i = decoder.raw_decode(text, i)
        out.append(obj)


def _vllm_point(obj: dict, idx: int) -> LoadPoint:
    completed = int(obj["completed"])
    failed = obj.get("failed")
    values: dict[str, Any] = {
        "level": str(idx),
        "concurrency": _strict(obj.get("max_concurrency"), "max_concurrency"),
        "request_rate": _rate(obj.get("request_rate")),
        "n_ok": completed,
        "n_failed": int(failed) if isinstance(failed, int) else None,
        "duration_s": _strict(obj.get("duration"), "duration"),
        "request_per_s": _strict(obj.get("request_throughput"), "request_throughput"),
        "output_tok_per_s": _strict(obj.get("output_throughput"), "output_throughput"),
        "total_tok_per_s": _strict(obj.get("total_token_throughput"), "total_token_throughput"),
        "goodput_req_per_s": _strict(obj.get("request_goodput"), "request_goodput"),
    }
    rate = values["request_rate"]
    if rate is not None and (rate != rate or rate < 0):
        raise BadField(f"field request_rate: {rate} is not a positive rate")
    dur = values["duration_s"]
    total_in = _strict(obj.get("total_input_tokens"), "total_input_tokens")
    if dur and total_in is not None:
        values["input_tok_per_s"] = total_in / dur
    for metric in _LAT:
        values[f"{metric}_mean_ms"] = _strict(obj.get(f"mean_{metric}_ms"), f"mean_{metric}_ms")
        values[f"{metric}_p50_ms"] = _strict(obj.get(f"median_{metric}_ms"), f"median_{metric}_ms")
        for q in ("90", "99"):
            values[f"{metric}_p{q}_ms"] = _strict(obj.get(f"p{q}_{metric}_ms"), f"p{q}_{metric}_ms")
    if completed == 0:  # vLLM writes 0 for empty statistics; missing is null here
        for metric in _LAT:
            for stat in _STATS:
                values[f"{metric}_{stat}_ms"] = None
        values["output_tok_per_s"] = None
        values["total_tok_per_s"] = None
    samples = None
    lens, ttfts, itls = obj.get("output_lens"), obj.get("ttfts"), obj.get("itls")
    errors = obj.get("errors")
    if isinstance(lens, list) and isinstance(ttfts, list) and isinstance(itls, list) and dur:
        okmask = [not e for e in errors] if isinstance(errors, list) else [True] * len(lens)
        out_tok, tpot, ttft, e2el = [], [], [], []
        for n_out, t0, gaps, ok in zip(lens, ttfts, itls, okmask):
            if not ok:
                continue
            out_tok.append(int(n_out or 0))
            ttft.append(1000.0 * t0 if _num(t0) is not None else None)
            tpot.append(1000.0 * sum(gaps) / (n_out - 1) if isinstance(gaps, list) and n_out and n_out > 1 else None)
            e2el.append(1000.0 * (t0 + sum(gaps)) if _num(t0) is not None and isinstance(gaps, list) else None)
        if out_tok:
            samples = RequestSamples(output_tokens=out_tok, tpot_ms=tpot, ttft_ms=ttft, wall_s=dur, e2el_ms=e2el)
    return LoadPoint(samples=samples, **values)


def load_vllm_bench(path: Path | str) -> Evidence:
    """A ``vllm bench serve --save-result`` JSON file (one object, or several appended)."""
    p = Path(path)
    objs = read_json_documents(p)
    if not objs:
        raise UserError(f"{p}: empty file")
    points = []
    for i, obj in enumerate(objs):
        if not isinstance(obj, dict):
            raise UserError(f"{p}: field [{i}]: expected a JSON object")
        for key in _VLLM_REQUIRED:
            if key not in obj:
                raise UserError(f"{p}: field {key}: missing (not a vllm bench serve result)")
        if not isinstance(obj["completed"], int) or isinstance(obj["completed"], bool) or obj["completed"] < 0:
            raise UserError(f"{p}: field completed: expected a non-negative integer")
        try:
            points.append(_vllm_point(obj, i))
        except BadField as exc:
            raise UserError(f"{p}: {exc}" + (f" (result {i})" if len(objs) > 1 else "")) from None
    first = objs[0]
    models = {_model_id(o.get("model_id")) for o in objs}
    notes = [
        "vllm bench serve: TPOT excludes the first token (same as ours); percentiles by numpy "
        "linear interpolation; throughput = tokens / benchmark duration."
    ]
    if len(models) > 1:
        raise UserError(
            f"{p}: field model_id: the appended results name different models {sorted(str(m) for m in models)}"
        )
    hardware = first.get("hardware")  # --metadata hardware=<registry id>
    precision = first.get("precision") or first.get("dtype")
    packages = first.get("packages")
    try:
        packages = int(packages) if packages is not None else None
    except (TypeError, ValueError):
        raise UserError(f"{p}: field packages: not an integer") from None
    if hardware is None:
        notes.append("no 'hardware' metadata (vllm bench serve --metadata hardware=<id>): unknown")
    if hardware == "cpu-host":
        packages = 1
    mean_in = None
    if first.get("completed") and isinstance(first.get("total_input_tokens"), (int, float)):
        mean_in = round(first["total_input_tokens"] / first["completed"])
    in_len = first.get("input_len") or first.get("random_input_len")
    out_len = first.get("output_len") or first.get("random_output_len")
    if in_len is None and mean_in is not None:
        in_len = mean_in
        notes.append(f"input_len read as the mean prompt length {mean_in}")
    return Evidence(
        id=f"vllm-bench:{p.name}",
        kind="vllm_bench",
        path=str(p),
        title=f"vllm bench serve {first.get('date', '')}".strip(),
        secondary=False,
        reported_by=str(first.get("reported_by") or "peer file"),
        derived=False,
        conditions=EvidenceConditions(
            hardware=hardware,
            model=_model_id(first.get("model_id")),
            precision=str(precision).lower() if precision else None,
            input_len=int(in_len) if in_len is not None else None,
            output_len=int(out_len) if out_len is not None else None,
            speculative=None,
            phase="end-to-end",
        ),
        basis="card" if packages == 1 else "system",
        packages=packages,
        points=points,
        notes=notes,
    )


# ----------------------------------------------------------------------------------------------
# GuideLLM reports (the importer lives in claimbench.load.peers.guidellm)
# ----------------------------------------------------------------------------------------------
def load_guidellm(path: Path | str) -> Evidence:
    """A GuideLLM ``benchmarks.json`` report: see :mod:`claimbench.load.peers.guidellm`."""
    from claimbench.load.peers.guidellm import load_guidellm as _load

    return _load(path)


# ----------------------------------------------------------------------------------------------
# Reference YAML
# ----------------------------------------------------------------------------------------------
class _ConditionsPatch(Strict):
    hardware: str | None = None
    model: str | None = None
    precision: str | None = None
    input_len: int | None = Field(default=None, ge=1)
    output_len: int | None = Field(default=None, ge=1)
    speculative: Speculative | Literal["none"] | None = None
    phase: Phase | None = None
    deployment: Deployment | None = None


class _RefPoint(Strict):
    level: str | None = None
    concurrency: float | None = None
    batch_per_unit: float | None = None
    output_tok_per_s: float | None = None
    input_tok_per_s: float | None = None
    total_tok_per_s: float | None = None
    tpot_mean_ms: float | None = None
    tpot_p50_ms: float | None = None
    tpot_p99_ms: float | None = None
    ttft_mean_ms: float | None = None
    ttft_p99_ms: float | None = None
    tpot_limit_ms: float | None = None
    throughput_pm: float | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _finite_positive(self) -> _RefPoint:
        for name in type(self).model_fields:
            v = getattr(self, name)
            if isinstance(v, float | int) and not isinstance(v, bool):
                if not math.isfinite(v):
                    raise ValueError(f"{name}: {v} is not a finite number")
                if v < 0 or (v == 0 and name != "throughput_pm"):
                    raise ValueError(f"{name}: {v:g} must be positive")
        return self


class _RefResult(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    label: str
    conditions: _ConditionsPatch
    basis: Basis
    packages: int | None = Field(ge=1)
    derived: bool
    operating_point: OperatingPoint = Field(
        description="how the points were taken: max-throughput, latency-limited, fixed-load or production"
    )
    points: list[_RefPoint] = Field(min_length=1)
    note: str | None = None


class _RefCoverage(Strict):
    platform_hardware: list[str] = Field(min_length=1)
    models_supported: list[str] = Field(min_length=1)
    note: str | None = None


class ReferenceFile(Strict):
    """Schema of ``data/reference/*.yaml``: shared conditions, then results that patch them.

    After patching, every condition must be stated (a value or null): a reference that leaves a
    condition out is rejected, because a silent default would change what it is evidence for.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: str
    source: Publication
    reported_by: str
    shared_conditions: _ConditionsPatch
    results: list[_RefResult] = Field(default_factory=list)
    coverage: _RefCoverage | None = None
    notes: list[str] = Field(default_factory=list)


def load_reference(path: Path | str, hardware_ids: set[str] | None = None) -> list[Evidence]:
    """A reference YAML file as evidence records (one per result, plus one for coverage)."""
    p = Path(path)
    data = read_yaml(p)
    if not isinstance(data, dict):
        raise UserError(f"{p}: field (top level): expected a mapping")
    try:
        ref = ReferenceFile.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{p}: {validation_message(exc)}") from None
    if ref.id != p.stem:
        raise UserError(f"{p}: field id: {ref.id!r} must equal the file name {p.stem!r}")
    out: list[Evidence] = []
    shared = {k: getattr(ref.shared_conditions, k) for k in ref.shared_conditions.model_fields_set}
    ids = [r.id for r in ref.results]
    if len(set(ids)) != len(ids):
        raise UserError(f"{p}: field results: duplicate result ids")
    for i, res in enumerate(ref.results):
        merged = dict(shared)
        merged.update({k: getattr(res.conditions, k) for k in res.conditions.model_fields_set})
        missing = [k for k in EvidenceConditions.model_fields if k not in merged]
        if missing:
            raise UserError(
                f"{p}: field results[{i}].conditions.{missing[0]}: not stated "
                "(write a value, or null when the source does not say)"
            )
        if res.basis in ("node", "system") and res.packages is None:
            raise UserError(f"{p}: field results[{i}].packages: required for basis {res.basis!r}")
        conditions = EvidenceConditions(**merged)
        if hardware_ids is not None and conditions.hardware and conditions.hardware not in hardware_ids:
            raise UserError(
                f"{p}: field results[{i}].conditions.hardware: unknown hardware "
                f"{conditions.hardware!r}{did_you_mean(conditions.hardware, hardware_ids)}"
            )
        for j, pt in enumerate(res.points):
            if pt.throughput_pm is None and any(
                v is not None for v in (pt.output_tok_per_s, pt.input_tok_per_s, pt.total_tok_per_s)
            ):
                raise UserError(
                    f"{p}: field results[{i}].points[{j}].throughput_pm: required with a published throughput "
                    "(its stated precision, half the last digit given: 14.8k -> 50, 1,943 -> 0.5)"
                )
            bad = check_point_physics(LoadPoint(**pt.model_dump()))
            if bad:
                raise UserError(f"{p}: field results[{i}].points[{j}].output_tok_per_s: {bad}")
            if res.operating_point == "latency-limited" and pt.tpot_limit_ms is None and pt.tpot_mean_ms is None:
                raise UserError(
                    f"{p}: field results[{i}].points[{j}].tpot_limit_ms: a latency-limited point needs "
                    "its TPOT limit (or a measured tpot_mean_ms)"
                )
        points = [LoadPoint(**pt.model_dump(), operating_point=res.operating_point) for pt in res.points]
        notes = list(ref.notes)
        if res.note:
            notes.insert(0, res.note)
        out.append(
            Evidence(
                id=f"{ref.id}#{res.id}",
                kind="reference",
                path=str(p),
                title=f"{ref.title}: {res.label}",
                source=ref.source,
                secondary=ref.source.secondary,
                reported_by=ref.reported_by,
                derived=res.derived,
                conditions=conditions,
                basis=res.basis,
                packages=res.packages,
                points=points,
                notes=notes,
            )
        )
    if ref.coverage is not None:
        if hardware_ids is not None:
            for hw in ref.coverage.platform_hardware:
                if hw not in hardware_ids:
                    raise UserError(
                        f"{p}: field coverage.platform_hardware: unknown hardware {hw!r}"
                        f"{did_you_mean(hw, hardware_ids)}"
                    )
        out.append(
            Evidence(
                id=f"{ref.id}#coverage",
                kind="coverage",
                path=str(p),
                title=f"{ref.title}: models supported",
                source=ref.source,
                secondary=ref.source.secondary,
                reported_by=ref.reported_by,
                derived=False,
                conditions=EvidenceConditions(
                    hardware=None,
                    model=None,
                    precision=None,
                    input_len=None,
                    output_len=None,
                    speculative=None,
                    phase=None,
                ),
                basis="system",
                packages=None,
                models_supported=list(ref.coverage.models_supported),
                platform_hardware=list(ref.coverage.platform_hardware),
                notes=[ref.coverage.note] if ref.coverage.note else [],
            )
        )
    return out


# ----------------------------------------------------------------------------------------------
# dispatch
# ----------------------------------------------------------------------------------------------
MAX_EVIDENCE_BYTES = 64 * 2**20
"""Largest peer/reference file read (a result file is kilobytes to a few megabytes)."""


def check_regular_file(path: Path, limit: int = MAX_EVIDENCE_BYTES) -> None:
    """``path`` is a regular file of at most ``limit`` bytes, else one UserError: a FIFO, a device
    (``/dev/zero``), a socket or a symlink loop is never opened, so reading cannot block or run away."""
    import stat as _stat

    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise UserError(f"{path}: symlink loop") from None
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not _stat.S_ISREG(st.st_mode):
        kind = (
            "a named pipe"
            if _stat.S_ISFIFO(st.st_mode)
            else "a device"
            if _stat.S_ISCHR(st.st_mode) or _stat.S_ISBLK(st.st_mode)
            else "a socket"
            if _stat.S_ISSOCK(st.st_mode)
            else "not a regular file"
        )
        raise UserError(f"{path}: {kind}; evidence must be a regular file")
    if st.st_size > limit:
        raise UserError(
            f"{path}: {st.st_size / 2**20:,.0f} MiB, larger than the {limit // 2**20} MiB limit for evidence"
        )


def read_text_file(path: Path, limit: int = MAX_EVIDENCE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes (one UserError otherwise)."""
    check_regular_file(path, limit)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise UserError(f"{path}: larger than the {limit // 2**20} MiB limit for evidence")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_json_documents(path: Path) -> list[Any]:
    """Every JSON document in ``path`` (one, or several appended); one UserError on any problem."""
    text = read_text_file(path)
    try:
        return _json_objects(text)
    except RecursionError:
        raise UserError(f"{path}: not valid JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise UserError(f"{path}: not valid JSON: {str(exc).splitlines()[0] if str(exc) else 'empty'}") from None


def _sniff_json(path: Path) -> str:
    """Which importer reads this JSON file, by its content."""
    from claimbench.load.peers.aiperf import is_aiperf
    from claimbench.load.peers.inferencex import is_inferencex
    from claimbench.load.peers.mlperf import is_mlperf_rows

    objs = read_json_documents(path)
    first = objs[0] if objs else None
    if isinstance(first, dict) and "benchmarks" in first:
        return "guidellm"
    if is_aiperf(first):
        return "aiperf"
    if is_inferencex(first):
        return "inferencex"
    if is_mlperf_rows(first):
        return "mlperf"
    if isinstance(first, dict) and ("output_throughput" in first or "completed" in first):
        return "vllm_bench"
    raise UserError(f"{path}: not a recognised result file; {ACCEPTED_FORMATS}")


ACCEPTED_FORMATS = (
    "accepted: a claimbench run bundle folder, vllm bench serve JSON, GuideLLM benchmarks.json, AIPerf "
    "profile_export_aiperf.json or .csv, InferenceX result JSON, MLPerf Inference results (JSON or CSV), "
    "reference YAML"
)
UNRECOGNISED_CSV = (
    "not a recognised CSV (neither an AIPerf summary with a 'Metric,avg,...' header nor an MLPerf Inference "
    f"table with a Performance_Result column); {ACCEPTED_FORMATS}"
)


def _is_aiperf_csv(path: Path) -> bool:
    """An AIPerf CSV summary (:mod:`claimbench.load.peers.aiperf_csv`), by its first line."""
    from claimbench.load.peers.aiperf_csv import sniff

    try:
        check_regular_file(path)
        with path.open(encoding="utf-8-sig") as fh:
            return sniff(fh.read(8192))
    except (OSError, UnicodeDecodeError, UserError):
        return False


def _is_mlperf_csv(path: Path) -> bool:
    try:
        check_regular_file(path)
        with path.open(encoding="utf-8-sig") as fh:
            return "Performance_Result" in fh.readline(4096)
    except (OSError, UnicodeDecodeError, UserError):
        return False


def default_evidence_paths(data_dir: Path | None = None) -> list[Path]:
    """``reference/`` then ``runs/`` of every data layer that has them (the user's layers first,
    then the shipped data; with ``data_dir``, that folder alone). A reference file in a user
    layer replaces the shipped file of the same name (see :func:`import_evidence`)."""
    from claimbench.load.paths import layer_dirs

    return layer_dirs("reference", data_dir) + layer_dirs("runs", data_dir)


def _import_one(path: Path, hardware_ids: set[str] | None) -> list[Evidence]:
    if path.is_dir():
        return [load_run_bundle(path)]
    check_regular_file(path)  # never open a FIFO, a device or a giant file
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return load_reference(path, hardware_ids)
    if suffix == ".csv":
        if _is_aiperf_csv(path):
            from claimbench.load.peers import aiperf_csv

            return [aiperf_csv.load(path)]
        if not _is_mlperf_csv(path):
            raise UserError(f"{path}: {UNRECOGNISED_CSV}")
        from claimbench.load.peers.mlperf import load_mlperf

        return load_mlperf(path)
    if suffix == ".json":
        kind = _sniff_json(path)
        if kind == "guidellm":
            return [load_guidellm(path)]
        if kind == "aiperf":
            from claimbench.load.peers.aiperf import load_aiperf

            return [load_aiperf(path)]
        if kind == "inferencex":
            from claimbench.load.peers.inferencex import load_inferencex

            return load_inferencex(path)
        if kind == "mlperf":
            from claimbench.load.peers.mlperf import load_mlperf

            return load_mlperf(path)
        return [load_vllm_bench(path)]
    raise UserError(f"{path}: unsupported evidence file; {ACCEPTED_FORMATS}")


def _expand(path: Path, errors: list[EvidenceImportError] | None = None, _seen: set[str] | None = None) -> list[Path]:
    """Evidence files and bundles under ``path``. Each folder is visited once by its real path, so
    a symlink loop ends (noted in ``errors``); hidden and ``_`` entries are skipped."""
    import os

    errors = errors if errors is not None else []
    seen = _seen if _seen is not None else set()
    try:
        is_dir = path.is_dir()
    except OSError as exc:
        errors.append(EvidenceImportError(path, f"{path}: cannot be read ({exc.strerror or exc})"))
        return []
    if not is_dir or (path / "manifest.json").is_file():
        return [path]
    real = os.path.realpath(path)
    if real in seen:
        errors.append(EvidenceImportError(path, f"{path}: symlink loop (folder already visited as {real})"))
        return []
    seen.add(real)
    found: list[Path] = []
    try:
        children = sorted(path.iterdir())
    except OSError as exc:
        errors.append(EvidenceImportError(path, f"{path}: cannot list folder ({exc.strerror or exc})"))
        return []
    for child in children:
        if child.name.startswith(".") or child.name.startswith("_"):
            continue
        try:
            child_is_dir = child.is_dir()
        except OSError as exc:  # e.g. ELOOP
            errors.append(EvidenceImportError(child, f"{child}: cannot be read ({exc.strerror or exc})"))
            continue
        if child_is_dir:
            if child.name == "logs" and (child / "aiperf.log").is_file():
                continue  # an AIPerf artifact folder's logs
            found.extend(_expand(child, errors, seen))
        elif child.name == "inputs.json" and (path / "logs" / "aiperf.log").is_file():
            continue  # the requests AIPerf sent, not results
        elif child.suffix.lower() == ".csv" and _is_aiperf_csv(child):
            if not (path / "profile_export_aiperf.json").is_file():  # the JSON of the same run says more
                found.append(child)
        elif child.suffix.lower() in (".yaml", ".yml", ".json") or (
            child.suffix.lower() == ".csv" and _is_mlperf_csv(child)
        ):
            found.append(child)
    return found


def import_evidence(
    paths: Sequence[Path | str], hardware_ids: set[str] | None = None, meta: dict[str, Any] | None = None
) -> tuple[list[Evidence], list[EvidenceImportError]]:
    """Import every bundle/file under ``paths``; files that fail are returned as errors.

    ``meta`` (from :func:`claimbench.load.peers.meta.parse_evidence_meta`) fills the conditions
    a peer result file cannot state; a conflict with the file skips it as an error."""
    from claimbench.load.peers.meta import apply_evidence_meta

    evidence: list[Evidence] = []
    errors: list[EvidenceImportError] = []
    seen: set[str] = set()
    ref_files: dict[str, Path] = {}  # reference file id -> the folder it was first read from
    for raw in paths:
        root = Path(raw)
        try:
            exists = root.exists()
        except OSError as exc:
            errors.append(EvidenceImportError(root, f"--evidence: {root}: {exc.strerror or exc}"))
            continue
        if not exists:
            errors.append(EvidenceImportError(root, f"--evidence: {root} does not exist"))
            continue
        found = _expand(root, errors)
        if not found and root.is_dir():
            errors.append(
                EvidenceImportError(root, f"--evidence: {root} holds no evidence (bundles, .json, .csv, .yaml)")
            )
        for path in found:
            if path.suffix.lower() in (".yaml", ".yml") and path.parent.name == "reference":
                first = ref_files.setdefault(path.stem, path.parent)
                if first != path.parent:
                    continue  # shadowed: a higher data layer has a reference file of the same id
            try:
                records = [apply_evidence_meta(r, meta or {}, hardware_ids) for r in _import_one(path, hardware_ids)]
            except UserError as exc:
                errors.append(EvidenceImportError(path, str(exc)))
                continue
            except RecursionError:
                errors.append(EvidenceImportError(path, f"{path}: cannot import: nested too deeply"))
                continue
            except (ValidationError, ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
                errors.append(EvidenceImportError(path, f"{path}: cannot import: {exc}".splitlines()[0][:400]))
                continue
            except Exception as exc:  # a hostile file is set aside, never a traceback
                errors.append(
                    EvidenceImportError(
                        path, f"{path}: cannot import ({type(exc).__name__}): {exc}".splitlines()[0][:400]
                    )
                )
                continue
            for rec in records:
                if rec.id in seen:
                    if rec.kind == "run_bundle":
                        continue  # the same run found twice (e.g. runs/ and its copy in data/runs)
                    errors.append(EvidenceImportError(path, f"{path}: duplicate evidence id {rec.id!r}"))
                    continue
                seen.add(rec.id)
                evidence.append(rec)
    return evidence, errors


def require_evidence(evidence: list[Evidence], errors: list[EvidenceImportError], paths: Sequence[Path | str]) -> None:
    """An empty evidence set is a UserError (one line), never an empty success."""
    if evidence:
        return
    where = ", ".join(str(p) for p in paths) or "(no evidence paths)"
    why = f"; first error: {errors[0].message}" if errors else ""
    raise UserError(f"--evidence: no evidence could be imported from {where}{why}")

"""Import evidence: run bundles, peer result files and published references, as typed records.

Types are in :mod:`claimbench.schema.evidence`. A file that does not parse is named and skipped
(an :class:`~claimbench.schema.evidence.EvidenceImportError`), never trusted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationError, model_validator

from claimbench.errors import UserError, did_you_mean
from claimbench.load.importers import DIR, FunctionImporter, ImportMeta
from claimbench.load.peers.common import (
    MAX_EVIDENCE_BYTES,
    check_regular_file,
    hardware_from_device_name,
    model_id,
    num,
    rate,
    read_json_documents,
    read_text_file,
)
from claimbench.load.peers.vllm_bench import load_vllm_bench
from claimbench.load.yamlio import read_yaml, validation_message
from claimbench.schema.base import Strict
from claimbench.schema.claims import Basis, ConditionsOverride, LatencyStat, PowerBasis, PriceBasis, Publication
from claimbench.schema.evidence import (
    Evidence,
    EvidenceConditions,
    EvidenceImportError,
    EvidenceRatio,
    LoadPoint,
    OperatingPoint,
    RequestSamples,
    check_point_physics,
)
from claimbench.schema.manifest import RunManifest
from claimbench.schema.provenance import Provenance

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "check_regular_file",
    "default_evidence",
    "default_evidence_paths",
    "hardware_from_device_name",
    "import_evidence",
    "load_reference",
    "load_run_bundle",
    "load_vllm_bench",
    "read_json_documents",
    "read_text_file",
    "require_evidence",
]


# ----------------------------------------------------------------------------------------------
# claimbench run bundles
# ----------------------------------------------------------------------------------------------
def _bundle_hardware(manifest: RunManifest) -> tuple[str | None, list[str]]:
    """Registry id of a bundle's hardware: ``hardware.id`` (written by ``claimbench measure``),
    else the device fingerprint of an older manifest, else unknown (with a note saying why)."""
    hw = manifest.hardware
    if hw is not None:
        if hw.id:
            return hw.id, []
        return None, [f"hardware unknown: the manifest says {hw.reason or 'no reason given'}"]
    device = manifest.platform
    found = None
    if device is not None:
        found = device.hardware_id or hardware_from_device_name(
            device.device_name, device.vendor if device.backend is None else device.backend
        )
    if found is None:
        return None, ["hardware not recognised from the manifest's device fingerprint: unknown"]
    return found, [f"hardware {found!r} inferred from the device fingerprint (no manifest hardware.id)"]


def _bundle_conditions(manifest: RunManifest) -> tuple[EvidenceConditions, int | None, list[str]]:
    """The conditions a bundle is evidence for, its device count, and notes on what was inferred."""
    model = manifest.model
    model_name = (model.source or model.path_or_name) if model is not None else None
    dtype = manifest.dtype()
    workload = manifest.workload
    hardware, notes = _bundle_hardware(manifest)
    count = manifest.platform.device_count if manifest.platform is not None else None
    if hardware == "cpu-host":
        count = 1  # a CPU host is one package (data/hardware/cpu-host.yaml)
    precision = None
    if dtype not in (None, "auto", ""):
        from claimbench.schema.hardware import canonical_dtype

        precision = canonical_dtype(dtype)
    conditions = EvidenceConditions(
        hardware=hardware,
        model=model_id(model_name),
        precision=precision,
        input_len=workload.input_len if workload is not None else None,
        output_len=workload.output_len if workload is not None else None,
        speculative="none" if not manifest.speculative else None,
        phase="end-to-end",
    )
    return conditions, count if count is not None and count > 0 else None, notes


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
    from claimbench.load.provenance import bundle_sha256

    root = Path(path)
    bundle = read_bundle(root)
    manifest, summary, requests = bundle.manifest, bundle.summary, bundle.requests
    status = manifest.status
    notes: list[str] = []
    if status != "complete":
        why = manifest.status_reason
        notes.append(
            f"bundle status {status!r}" + (f" ({why})" if why else "") + ": only the levels it completed are used"
        )
    for col in ("level", "output_tok_per_s"):
        if col not in summary.columns:
            raise UserError(f"{root / 'summary.parquet'}: field {col}: column missing")
    conditions, count, cond_notes = _bundle_conditions(manifest)
    notes += cond_notes
    fields = set(LoadPoint.model_fields) - {"level", "samples", "note", "batch_per_unit", "fidelity_below_threshold"}
    notes += _fidelity_notes(manifest)
    completed = manifest.levels_completed
    points = []
    for row in summary.iter_rows(named=True):
        if status != "complete" and row.get("level") not in completed:
            continue
        values = {k: num(row.get(k)) for k in fields if k in row}
        values["request_rate"] = rate(row.get("request_rate"))
        for k in ("n_ok", "n_failed"):
            if row.get(k) is not None:
                values[k] = int(row[k])
        samples = None
        if requests is not None and "level" in requests.columns and row.get("level") is not None:
            samples = _bundle_samples(requests, row["level"])
        if row.get("fidelity_below_threshold") is not None:
            values["fidelity_below_threshold"] = bool(row["fidelity_below_threshold"])
        points.append(LoadPoint(level=str(row.get("level")), samples=samples, **values))
    run_id = manifest.run_id
    return Evidence(
        id=f"bundle:{run_id}",
        kind="run_bundle",
        path=str(root),
        title=f"claimbench run {run_id}",
        secondary=False,
        reported_by="claimbench",
        provenance=Provenance(
            origin="measured-here", publisher="claimbench", document=str(root), document_sha256=bundle_sha256(root)
        ),
        derived=False,
        status=status,
        conditions=conditions,
        basis="system" if count != 1 else "card",
        packages=count,
        points=points,
        notes=notes,
    )


# ----------------------------------------------------------------------------------------------
# Reference YAML
# ----------------------------------------------------------------------------------------------
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
    tpot_limit_stat: LatencyStat | None = None
    ttft_limit_ms: float | None = None
    ttft_limit_stat: LatencyStat | None = None
    throughput_pm: float | None = None
    usd_per_mtok: float | None = None
    output_tok_per_j: float | None = None
    power_basis: PowerBasis | None = None
    price_basis: PriceBasis | None = None
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
    conditions: ConditionsOverride
    basis: Basis
    packages: int | None = Field(ge=1)
    derived: bool
    operating_point: OperatingPoint = Field(
        description="how the points were taken: max-throughput, latency-limited, fixed-load or production"
    )
    points: list[_RefPoint] = Field(default_factory=list)
    ratio: EvidenceRatio | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _points_or_ratio(self) -> _RefResult:
        if not self.points and self.ratio is None:
            raise ValueError("points: at least one point (or a ratio) is required")
        return self


class _RefCoverage(Strict):
    platform_hardware: list[str] = Field(min_length=1)
    models_supported: list[str] = Field(min_length=1)
    note: str | None = None


class ReferenceFile(Strict):
    """Schema of ``data/reference/*.yaml``: shared conditions, then results that patch them.

    After patching, every condition must be stated (a value or null): a reference that leaves a
    condition out is rejected, because a silent default would change what it is evidence for.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: int = Field(default=2, alias="schema", ge=1, le=2)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    title: str
    source: Publication
    reported_by: str
    shared_conditions: ConditionsOverride
    results: list[_RefResult] = Field(default_factory=list)
    coverage: _RefCoverage | None = None
    notes: list[str] = Field(default_factory=list)


def _only_evidence_conditions(p: Path, where: str, patch: ConditionsOverride) -> None:
    """A published result states the conditions of evidence: a claim-only key (slo, concurrency) is refused."""
    extra = sorted(patch.model_fields_set - set(EvidenceConditions.model_fields))
    if extra:
        raise UserError(
            f"{p}: field {where}.{extra[0]}: not a condition of a published result "
            f"(allowed: {', '.join(EvidenceConditions.model_fields)})"
        )


def _check_ref_point(where: str, pt: _RefPoint, operating_point: str) -> None:
    """A published point states its precision, obeys physics and, latency-limited, its TPOT limit."""
    if pt.throughput_pm is None and any(
        v is not None for v in (pt.output_tok_per_s, pt.input_tok_per_s, pt.total_tok_per_s)
    ):
        raise UserError(
            f"{where}.throughput_pm: required with a published throughput "
            "(its stated precision, half the last digit given: 14.8k -> 50, 1,943 -> 0.5)"
        )
    bad = check_point_physics(LoadPoint(**pt.model_dump()))
    if bad:
        raise UserError(f"{where}.output_tok_per_s: {bad}")
    tpots = [
        getattr(pt, f, None) for f in ("tpot_limit_ms", "tpot_mean_ms", "tpot_p50_ms", "tpot_p90_ms", "tpot_p99_ms")
    ]
    if operating_point == "latency-limited" and all(t is None for t in tpots):
        raise UserError(
            f"{where}.tpot_limit_ms: a latency-limited point needs its TPOT limit "
            "(or a TPOT statistic: tpot_mean_ms, tpot_p50_ms, tpot_p90_ms, tpot_p99_ms)"
        )


def _read_reference_file(p: Path) -> ReferenceFile:
    """The validated reference file: its schema, its id (the file name) and evidence-only conditions."""
    data = read_yaml(p)
    if not isinstance(data, dict):
        raise UserError(f"{p}: field (top level): expected a mapping")
    from claimbench.load.migrate import migrate_reference

    data, migrated = migrate_reference(data)
    if migrated:
        data["notes"] = [*(data.get("notes") or []), migrated]
    try:
        ref = ReferenceFile.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{p}: {validation_message(exc)}") from None
    if ref.id != p.stem:
        raise UserError(f"{p}: field id: {ref.id!r} must equal the file name {p.stem!r}")
    _only_evidence_conditions(p, "shared_conditions", ref.shared_conditions)
    for i, res in enumerate(ref.results):
        _only_evidence_conditions(p, f"results[{i}].conditions", res.conditions)
    return ref


def load_reference(path: Path | str, hardware_ids: set[str] | None = None) -> list[Evidence]:
    """A reference YAML file as evidence records (one per result, plus one for coverage)."""
    p = Path(path)
    ref = _read_reference_file(p)
    out: list[Evidence] = []
    from claimbench.load.provenance import file_sha256

    digest = file_sha256(p)
    shared = {k: getattr(ref.shared_conditions, k) for k in ref.shared_conditions.model_fields_set}
    ids = [r.id for r in ref.results]
    if len(set(ids)) != len(ids):
        raise UserError(f"{p}: field results: duplicate result ids")
    for i, res in enumerate(ref.results):
        merged = dict(shared)
        merged.update({k: getattr(res.conditions, k) for k in res.conditions.model_fields_set})
        missing = [k for k in EvidenceConditions.model_fields if k not in merged and k != "scenario"]
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
            _check_ref_point(f"{p}: field results[{i}].points[{j}]", pt, res.operating_point)
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
                provenance=Provenance(
                    origin="publication",
                    publisher=ref.reported_by,
                    document=ref.source.url,
                    document_sha256=digest,
                    locator=f"{ref.id}#{res.id} ({p.name})",
                ),
                derived=res.derived,
                conditions=conditions,
                basis=res.basis,
                packages=res.packages,
                points=points,
                notes=notes,
                ratio=res.ratio,
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
                provenance=Provenance(
                    origin="publication",
                    publisher=ref.reported_by,
                    document=ref.source.url,
                    document_sha256=digest,
                    locator=f"{ref.id}#coverage ({p.name})",
                ),
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
# the importers defined here (registered in claimbench.load.importers.BUILTIN)
# ----------------------------------------------------------------------------------------------
BUNDLE_IMPORTER = FunctionImporter(
    name="run_bundle",
    title="claimbench run bundle",
    formats=(DIR,),
    sniff_fn=lambda p: 1.0 if (p / "manifest.json").is_file() else 0.0,
    load_fn=lambda p, meta: [load_run_bundle(p)],
)
REFERENCE_IMPORTER = FunctionImporter(
    name="reference",
    title="claimbench reference YAML",
    formats=(".yaml", ".yml"),
    sniff_fn=lambda p: 1.0,
    load_fn=lambda p, meta: load_reference(p, meta.hardware_ids),
)


# ----------------------------------------------------------------------------------------------
# dispatch
# ----------------------------------------------------------------------------------------------
def default_evidence_paths(data_dir: Path | None = None) -> list[Path]:
    """``reference/``, the MLPerf library (``library/mlperf-inference.parquet`` of the highest layer)
    and ``runs/`` of every data layer that has them (the user's layers first,
    then the shipped data; with ``data_dir``, that folder alone). A reference file in a user
    layer replaces the shipped file of the same name (see :func:`import_evidence`)."""
    from claimbench.load.mlperf_library import LIBRARY_FILE
    from claimbench.load.paths import layer_dirs

    library = [d / LIBRARY_FILE for d in layer_dirs("library", data_dir) if (d / LIBRARY_FILE).is_file()][:1]
    return layer_dirs("reference", data_dir) + library + layer_dirs("runs", data_dir)


def default_evidence(
    runs_dir: str | Path | None = None, reference: bool = True, data_dir: str | Path | None = None
) -> list[Path]:
    """The one rule for the default evidence: every layer's ``reference/`` (when ``reference``),
    then the bundles of ``runs_dir`` when given, else every layer's ``runs/``."""
    layers = default_evidence_paths(Path(data_dir) if data_dir is not None else None)
    paths = [p for p in layers if p.name != "runs" and (reference or p.name != "reference")]
    if runs_dir is not None:
        return [*paths, Path(runs_dir)]
    return paths + [p for p in layers if p.name == "runs"]


AIPERF_CSV = "aiperf-csv"
"""The importer name of AIPerf's CSV summary (:mod:`claimbench.load.peers.aiperf_csv`): a folder walk
skips it beside the same run's JSON export."""


def _import_one(path: Path, hardware_ids: set[str] | None) -> list[Evidence | EvidenceImportError]:
    """The evidence of one bundle or file, read by the importer that recognises it (:mod:`claimbench.load.importers`)."""
    from claimbench.load.importers import importer_for

    if not path.is_dir():
        check_regular_file(path)  # never open a FIFO, a device or a giant file
    return importer_for(path).load(path, ImportMeta(hardware_ids=hardware_ids))


def _expand(path: Path, errors: list[EvidenceImportError] | None = None, _seen: set[str] | None = None) -> list[Path]:
    """Evidence files and bundles under ``path``. Each folder is visited once by its real path, so
    a symlink loop ends (noted in ``errors``); hidden and ``_`` entries are skipped."""
    import os

    from claimbench.load.importers import is_candidate, recognised_as

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
        elif (
            child.suffix.lower() == ".csv"
            and (path / "profile_export_aiperf.json").is_file()
            and recognised_as(child) == AIPERF_CSV
        ):
            continue  # the same AIPerf run's JSON export sits beside it and says more
        elif is_candidate(child):
            found.append(child)
    return found


def import_evidence(
    paths: Sequence[Path | str], hardware_ids: set[str] | None = None, meta: dict[str, Any] | None = None
) -> tuple[list[Evidence], list[EvidenceImportError]]:
    """Import every bundle/file under ``paths``; files that fail are returned as errors.

    ``meta`` (from :func:`claimbench.load.peers.meta.parse_evidence_meta`) fills the conditions
    a peer result file cannot state; a conflict with the file skips it as an error."""
    from claimbench.load.peers.meta import apply_evidence_meta
    from claimbench.load.provenance import with_provenance

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
                loaded = _import_one(path, hardware_ids)
                errors.extend(r for r in loaded if isinstance(r, EvidenceImportError))  # rows set aside
                records = [
                    with_provenance(apply_evidence_meta(r, meta or {}, hardware_ids), path)
                    for r in loaded
                    if isinstance(r, Evidence)
                ]
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


def _fidelity_notes(manifest: RunManifest) -> list[str]:
    """A note when the bundle's fidelity (measure --fidelity) fell below its threshold or failed."""
    fid = manifest.fidelity
    if not isinstance(fid, dict):
        return []
    if fid.get("error"):
        return [f"fidelity not measured: {fid['error']}"]
    if fid.get("below_threshold"):
        return [
            f"fidelity below threshold: {fid.get('identical_token_rate'):.3f} of output tokens identical to a "
            f"{(fid.get('reference') or {}).get('dtype')} reference (threshold {fid.get('threshold')}); "
            "a verdict resting on this run rests on changed outputs"
        ]
    return []

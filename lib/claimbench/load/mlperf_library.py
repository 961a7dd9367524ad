"""The MLPerf Inference evidence library: every datacenter LLM result as shipped evidence.

``data/library/mlperf-inference.parquet`` (built by ``tools/build_mlperf_library.py`` from the
``mlcommons/inference_results_vX.Y`` repositories) holds one row per (round, division,
submitter, system, benchmark, model used, scenario) with the result in tokens/s, the
accelerators, precision, framework, accuracy, power where reported, the latency limits and
TTFT/TPOT p99 of the run's log, and the provenance of the figure (repository, commit, path,
SHA-256 of the file, locator).

Read lazily (once per process, on first use). The accelerator of a row is a registry id found
through the hardware files' ``device_names`` (:func:`hardware_for`), never a table in code; a
row whose accelerator names no registry part, or names several (a mixed system), keeps
``hardware`` null and says why (:func:`unmapped_rows`).

Corroboration: a closed-division row is ``peer-reviewed-submission`` (vendor-submitted, reviewed
by the other submitters under the published rules). An open-division row is a ``publication``
by its submitter: the open division allows a different model, data or accuracy, so the figure
is not a result of the benchmark's reference task (docs/evidence-library.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.schema.claims import Publication
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint
from claimbench.schema.hardware import HardwareSpec
from claimbench.schema.mlperf import BenchmarkRules, MlperfRounds, MlperfRules
from claimbench.schema.mlperf import record_id as mlperf_record_id
from claimbench.schema.provenance import Provenance

__all__ = [
    "LIBRARY_FILE",
    "SCENARIOS",
    "benchmark_rules",
    "hardware_for",
    "load_rounds",
    "load_rules",
    "library_evidence",
    "library_frame",
    "library_path",
    "list_records",
    "model_for",
    "read_library",
    "show_record",
    "unmapped_rows",
    "update_round",
]

LIBRARY_FILE = "mlperf-inference.parquet"
SCENARIOS = ("Offline", "Server", "Interactive")
CLOSED_NOTE = "vendor-submitted, peer-reviewed (MLPerf Inference closed division)"
OPEN_NOTE = (
    "MLPerf Inference open division: published by the submitter through MLCommons; the open division "
    "allows another model, data set or accuracy, so it is not a result of the benchmark's reference task"
)

_MODEL_IDS = {
    "llama2-70b": "llama-2-70b",
    "llama3.1-405b": "llama-3.1-405b",
    "llama3.1-8b": "llama-3.1-8b",
    "mixtral-8x7b": "mixtral-8x7b",
    "deepseek-r1": "deepseek-r1",
    "gpt-oss-120b": "gpt-oss-120b",
}
"""Benchmark family -> data/models id (the model the closed division must run)."""


def library_path(data_dir: str | Path | None = None) -> Path:
    """The library file of the highest data layer that has one (the shipped file otherwise)."""
    from claimbench.load.paths import layer_dirs

    for d in layer_dirs("library", data_dir):
        if (d / LIBRARY_FILE).is_file():
            return d / LIBRARY_FILE
    raise UserError(f"no MLPerf library: no library/{LIBRARY_FILE} in the data folders")


@functools.lru_cache(maxsize=4)
def _read(path: str, mtime_ns: int) -> pl.DataFrame:
    try:
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.ComputeError) as exc:
        raise UserError(f"{path}: cannot read the MLPerf library: {exc}") from None


def read_library(path: str | Path | None = None) -> pl.DataFrame:
    """The library's rows as stored (read once per process and file version)."""
    p = Path(path) if path is not None else library_path()
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise UserError(f"{p}: cannot read the MLPerf library: {exc.strerror or exc}") from None
    return _read(str(p), mtime)


@functools.lru_cache(maxsize=2)
def _rules(path: str) -> MlperfRules:
    from claimbench.load.yamlio import load_yaml_model

    return load_yaml_model(Path(path), MlperfRules)


def load_rules(data_dir: str | Path | None = None) -> MlperfRules:
    """``data/mlperf/rules.yaml`` (the highest data layer that has one): MLPerf's LLM rules as data."""
    from claimbench.load.paths import layer_dirs

    for d in layer_dirs("mlperf", data_dir):
        if (d / "rules.yaml").is_file():
            return _rules(str(d / "rules.yaml"))
    raise UserError("no MLPerf rules: no mlperf/rules.yaml in the data folders")


@functools.lru_cache(maxsize=2)
def _rounds(path: str) -> MlperfRounds:
    from claimbench.load.yamlio import load_yaml_model

    return load_yaml_model(Path(path), MlperfRounds)


def load_rounds(data_dir: str | Path | None = None) -> MlperfRounds:
    """``data/mlperf/rounds.yaml`` (the highest data layer that has one): each round's publication date."""
    from claimbench.load.paths import layer_dirs

    for d in layer_dirs("mlperf", data_dir):
        if (d / "rounds.yaml").is_file():
            return _rounds(str(d / "rounds.yaml"))
    raise UserError("no MLPerf round dates: no mlperf/rounds.yaml in the data folders")


def benchmark_rules(benchmark: str, rules: MlperfRules | None = None) -> BenchmarkRules | None:
    """The rules of a benchmark as MLPerf names it (``llama2-70b-99.9`` -> ``llama2-70b``), or None."""
    r = rules if rules is not None else load_rules()
    return r.benchmarks.get(_norm_model(benchmark))


# ----------------------------------------------------------------------------------------------
# accelerator and model ids
# ----------------------------------------------------------------------------------------------
def _fragments(hardware: Sequence[HardwareSpec]) -> list[tuple[str, str]]:
    return [(f.lower().replace(" ", ""), h.id) for h in hardware for f in h.device_names if f.strip()]


def hardware_for(name: Any, hardware: Sequence[HardwareSpec]) -> tuple[str | None, str | None]:
    """(registry id, None) for an MLPerf accelerator name, or (None, why not).

    The registry's ``device_names`` fragments are matched on the name lower-cased without
    spaces; a fragment inside a longer matching one is not a second part ("b200" in "gb200"),
    and two distinct parts in one name (a mixed system) map to none.
    """
    if not isinstance(name, str) or name.strip().lower() in ("", "n/a", "none"):
        return None, "no accelerator named (a CPU-only system)"
    low = name.lower().replace(" ", "")
    spans: list[tuple[int, int, str]] = []
    for frag, hw_id in _fragments(hardware):
        for m in re.finditer(re.escape(frag), low):
            spans.append((m.start(), m.end(), hw_id))
    kept = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    ids = sorted({s[2] for s in kept})
    if not ids:
        return None, f"accelerator {name!r} names no registry part (no device_names fragment matches)"
    if len(ids) > 1:
        return None, f"accelerator {name!r} names several parts ({', '.join(ids)}): a mixed system"
    return ids[0], None


def _norm_model(name: str) -> str:
    b = name.strip().lower().replace("llama3_1", "llama3.1").replace("_", "-")
    for suffix in ("-99.9", "-99"):
        if b.endswith(suffix):
            b = b[: -len(suffix)]
    return b


def model_for(benchmark: Any, used_model: Any = None) -> tuple[str | None, str | None]:
    """(data/models id, None) of a benchmark, or (None, why not) when the row ran another model."""
    if not isinstance(benchmark, str):
        return None, "no benchmark named"
    fam = _norm_model(benchmark)
    if isinstance(used_model, str) and used_model.strip() and _norm_model(used_model) != fam:
        return None, f"the submitter ran {used_model!r} on the {benchmark} benchmark (open division)"
    model = _MODEL_IDS.get(fam)
    return (model, None) if model else (None, f"benchmark {benchmark!r} has no model id")


def _model_or_ran(model: str | None, used: Any) -> str | None:
    """The model id; for a row that ran another model, that model's name (known to differ, never
    'unknown': a null model would match any claim)."""
    if model is not None or not isinstance(used, str) or not used.strip():
        return model
    return _norm_model(used)


def _registry(hardware: Sequence[HardwareSpec] | None) -> Sequence[HardwareSpec]:
    """The given records, else the hardware registry (read once per set of file versions)."""
    if hardware is not None:
        return hardware
    return _hardware_at(_registry_key())


def _registry_key() -> tuple:
    """The hardware files in use and their versions (paths and modification times)."""
    from claimbench.load.paths import layered_files

    files = layered_files("hardware", None, suffixes=(".yaml",))
    return tuple((str(p), p.stat().st_mtime_ns) for p in files.values())


@functools.lru_cache(maxsize=4)
def _hardware_at(key: tuple) -> tuple[HardwareSpec, ...]:
    from claimbench.load.registry import list_hardware

    return tuple(list_hardware())


def library_frame(hardware: Sequence[HardwareSpec] | None = None, path: str | Path | None = None) -> pl.DataFrame:
    """The library with ``id``, ``hardware``, ``model`` and ``unmapped_reason`` columns added."""
    frame = read_library(path)
    reg = _registry(hardware)
    names = frame["accelerator_name"].unique().to_list()
    hw = {n: hardware_for(n, reg) for n in names}
    models = {(b, u): model_for(b, u) for b, u in frame.select("benchmark", "used_model").unique().iter_rows()}
    ids = [
        _record_id(r)
        for r in frame.select(
            "round", "division", "submitter", "platform", "benchmark", "used_model", "scenario"
        ).iter_rows()
    ]
    short = _shortfalls(frame)
    model = [_model_or_ran(models[(b, u)][0], u) for b, u in zip(frame["benchmark"], frame["used_model"], strict=True)]
    return frame.with_columns(
        pl.Series("id", ids, dtype=pl.Utf8),
        pl.Series("hardware", [hw[n][0] for n in frame["accelerator_name"]], dtype=pl.Utf8),
        pl.Series("unmapped_reason", [hw[n][1] for n in frame["accelerator_name"]], dtype=pl.Utf8),
        pl.Series("model", [f"{m}{BELOW_TARGET}" if m and w else m for m, w in zip(model, short)], dtype=pl.Utf8),
        pl.Series("accuracy_shortfall", short, dtype=pl.Utf8),
    )


BELOW_TARGET = "@below-accuracy-target"
"""Suffix of the model id of an open-division row below the closed division's accuracy target: the row
ran the benchmark's model to a lower accuracy, so it never matches a claim about that model as such."""

_ACCURACY_KEYS = {"rouge1": "ROUGE1", "rouge2": "ROUGE2", "rougel": "ROUGEL", "exact_match": "exact_match"}


def accuracy_shortfall(row: dict[str, Any], rules: MlperfRules | None) -> str | None:
    """Why an open-division row is below the closed division's accuracy target (a metric under
    reference × 0.99 or × 0.999, the rules file's figures), or None (closed rows passed the checker)."""
    if row.get("division") != "open" or rules is None or not isinstance(row.get("benchmark"), str):
        return None
    b = benchmark_rules(row["benchmark"], rules)
    if b is None or not b.accuracy_targets:
        return None
    bench = row["benchmark"].lower()
    factor = 0.999 if bench.endswith("-99.9") else 0.99 if bench.endswith("-99") else min(b.accuracy_targets) / 100
    for col, key in _ACCURACY_KEYS.items():
        ref, got = b.accuracy.get(key), row.get(col)
        if ref is not None and got is not None and got < ref * factor:
            return (
                f"below the closed division's accuracy target: {key} {got:g} < {factor:g} x {ref:g} "
                f"= {ref * factor:.4g} (data/mlperf/rules.yaml)"
            )
    return None


def _shortfalls(frame: pl.DataFrame) -> list[str | None]:
    """The accuracy shortfall of every row (None for closed rows and open rows at the target)."""
    try:
        rules: MlperfRules | None = load_rules()
    except UserError:
        rules = None
    cols = ["division", "benchmark", *_ACCURACY_KEYS]
    return [accuracy_shortfall(r, rules) for r in frame.select(cols).iter_rows(named=True)]


def _record_id(key: tuple) -> str:
    rnd, division, submitter, platform, benchmark, used, scenario = key
    other_model = used if used and _norm_model(used) != _norm_model(benchmark) else ""
    return mlperf_record_id(rnd, division, submitter, platform, benchmark, other_model, scenario)


def unmapped_rows(hardware: Sequence[HardwareSpec] | None = None) -> pl.DataFrame:
    """Rows whose accelerator maps to no registry part, with the reason."""
    frame = library_frame(hardware)
    return frame.filter(pl.col("hardware").is_null()).select("id", "accelerator_name", "unmapped_reason")


# ----------------------------------------------------------------------------------------------
# browsing
# ----------------------------------------------------------------------------------------------
LIST_COLUMNS = (
    "id",
    "round",
    "division",
    "submitter",
    "system_name",
    "model",
    "benchmark",
    "scenario",
    "result",
    "units",
    "hardware",
    "accelerator_name",
    "total_accelerators",
    "result_per_accelerator",
    "precision",
    "framework",
    "power_w",
    "tpot_limit_ms",
    "ttft_limit_ms",
)


def list_records(
    *,
    source: str = "mlperf",
    hardware: str | None = None,
    model: str | None = None,
    scenario: str | None = None,
    round: str | None = None,
    division: str | None = None,
    registry: Sequence[HardwareSpec] | None = None,
    path: str | Path | None = None,
) -> pl.DataFrame:
    """Library records matching every filter given (``round`` as ``v5.1`` or ``5.1``)."""
    if source != "mlperf":
        raise UserError(f"--source: {source!r} is not a library source; known: mlperf")
    frame = library_frame(registry, path)
    if scenario is not None:
        want = {s.lower(): s for s in SCENARIOS}.get(scenario.strip().lower())
        if want is None:
            raise UserError(f"--scenario: {scenario!r} is not one of {', '.join(SCENARIOS)}")
        frame = frame.filter(pl.col("scenario") == want)
    if round is not None:
        r = round.strip().lower()
        r = r if r.startswith("v") else f"v{r}"
        known = sorted(frame["round"].unique().to_list())
        if r not in known:
            raise UserError(f"--round: {round!r} is not in the library; rounds: {', '.join(known)}")
        frame = frame.filter(pl.col("round") == r)
    for col, value in (("hardware", hardware), ("model", model), ("division", division)):
        if value is not None:
            frame = frame.filter(pl.col(col) == value.strip().lower())
    return frame.select([*LIST_COLUMNS, *[c for c in frame.columns if c not in LIST_COLUMNS]])


def show_record(record_id: str, registry: Sequence[HardwareSpec] | None = None) -> dict[str, Any]:
    """One record's every column, by id (a unique id prefix is enough)."""
    frame = library_frame(registry)
    hit = frame.filter(pl.col("id") == record_id)
    if hit.height == 0:
        hit = frame.filter(pl.col("id").str.starts_with(record_id))
    if hit.height != 1:
        what = "no record" if hit.height == 0 else f"{hit.height} records"
        raise UserError(f"evidence id {record_id!r}: {what} in the MLPerf library (see `claimbench evidence list`)")
    return hit.row(0, named=True)


# ----------------------------------------------------------------------------------------------
# evidence records
# ----------------------------------------------------------------------------------------------
def stated_pm(value: float) -> float:
    """± half the last stated digit of a figure as the table gives it (27803.9 -> 0.05)."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0.5
    decimals = text.split(".")[1]
    return 0.5 if decimals == "0" else 0.5 * 10.0 ** (-len(decimals))


def _provenance(row: dict[str, Any], rounds: MlperfRounds | None = None) -> Provenance:
    closed = row["division"] == "closed"
    return Provenance(
        origin="peer-reviewed-submission" if closed else "publication",
        publisher=row["submitter"],
        document=f"https://github.com/{row['repository']}/blob/{row['commit']}/{row['path']}",
        document_sha256=row["sha256"],
        locator=f"{row['repository']}@{row['commit']}:{row['path']} — {row['locator']}",
        retrieved=row["retrieved"],
        published=rounds.published(str(row["round"])) if rounds is not None else None,
    )


def _limits(row: dict[str, Any], rules: MlperfRules | None) -> dict[str, Any]:
    """The row with its latency limits: the run log's, else the rules file's for its scenario."""
    if row["scenario"] == "Offline" or (row["tpot_limit_ms"] is not None and row["ttft_limit_ms"] is not None):
        return row
    b = benchmark_rules(row["benchmark"], rules) if rules is not None else None
    lim = b.scenarios.get(row["scenario"]) if b is not None else None
    if lim is None:
        return row
    return {**row, "ttft_limit_ms": lim.ttft_p99_ms, "tpot_limit_ms": lim.tpot_p99_ms, "limits_from": "rules"}


def _limits_source(row: dict[str, Any]) -> str:
    """Where a row's latency limits come from: its run log, or (no log read) the rules file."""
    if row.get("limits_from") == "rules":
        return "data/mlperf/rules.yaml: the run's log was not read"
    return "the run's log"


def _point(row: dict[str, Any]) -> LoadPoint:
    scenario = row["scenario"]
    offline = scenario == "Offline"
    bound = (
        ""
        if offline
        else (
            f"; held to TTFT p99 <= {row['ttft_limit_ms']:g} ms and TPOT p99 <= {row['tpot_limit_ms']:g} ms "
            f"({_limits_source(row)}): a lower bound of the throughput at any looser limit"
            if row["tpot_limit_ms"] is not None and row["ttft_limit_ms"] is not None
            else ""
        )
    )
    return LoadPoint(
        level=scenario,
        output_tok_per_s=row["result"],
        ttft_p99_ms=row["ttft_p99_ms"],
        tpot_p99_ms=row["tpot_p99_ms"],
        tpot_limit_ms=None if offline else row["tpot_limit_ms"],
        tpot_limit_stat=None if offline or row["tpot_limit_ms"] is None else "p99",  # mlperf.conf:83, rules.yaml
        ttft_limit_ms=None if offline else row["ttft_limit_ms"],
        ttft_limit_stat=None if offline or row["ttft_limit_ms"] is None else "p99",
        operating_point="max-throughput" if offline else "latency-limited",
        throughput_pm=stated_pm(row["result"]),
        # a power result: the system's wall power measured under MLPerf's power rules during the run, so
        # tokens per joule on the system basis (never a chip's: the host, fans and NICs are in it)
        output_tok_per_j=row["result"] / row["power_w"] if row.get("power_w") else None,
        power_basis="system" if row.get("power_w") else None,
        note=f"MLPerf {scenario} scenario{bound}",
    )


def _scenario(name: Any) -> Any:
    """The row's MLPerf scenario as the claims' condition value (``offline`` / ``server`` / ``interactive``)."""
    low = str(name or "").strip().lower()
    return low if low in ("offline", "server", "interactive") else None


def _notes(row: dict[str, Any]) -> list[str]:
    notes = [
        f"MLPerf Inference {row['round']} {row['division']} division, {row['benchmark']} {row['scenario']}: "
        f"{row['result']:g} {row['units']} generated by the whole system ({row['total_accelerators']} x "
        f"{row['accelerator_name']}, {row['nodes']} node(s)); {row['framework']}",
        CLOSED_NOTE if row["division"] == "closed" else OPEN_NOTE,
    ]
    if row["unmapped_reason"]:
        notes.append(row["unmapped_reason"])
    if row.get("accuracy_shortfall"):
        notes.append(f"{row['accuracy_shortfall']}: not matched to claims about {row['benchmark']}'s model")
    why_model = model_for(row["benchmark"], row["used_model"])[1]
    if why_model:
        notes.append(why_model)
    if row["inferred"]:
        notes.append("MLPerf marks this result as inferred")
    if row["power_w"] is not None:
        notes.append(f"system power {row['power_w']:g} W measured under MLPerf power rules")
    if row["accuracy"]:
        notes.append(f"accuracy: {row['accuracy']}")
    return notes


def _source_url(row: dict[str, Any]) -> str:
    """The run's log folder when the row was read with its log, else the table it was read from."""
    if row["log_path"]:
        return f"https://github.com/{row['repository']}/tree/{row['commit']}/{row['log_path']}"
    return f"https://github.com/{row['repository']}/blob/{row['commit']}/{row['path']}"


def _evidence(row: dict[str, Any], path: str, rounds: MlperfRounds | None = None) -> Evidence:
    total = row["total_accelerators"]
    return Evidence(
        id=row["id"],
        kind="mlperf",
        path=path,
        title=f"MLPerf Inference {row['round']}: {row['submitter']} {row['platform']} {row['benchmark']} "
        f"{row['scenario']}",
        source=Publication(
            url=row["details_url"] or _source_url(row),
            date=str(row["round"]),
            quote=f"{row['result']:g} {row['units']}",
            publisher=row["submitter"],
        ),
        secondary=False,
        reported_by=row["submitter"],
        derived=False,
        conditions=EvidenceConditions(
            hardware=row["hardware"],
            model=row["model"],
            precision=(row["precision"] or "").strip().lower() or None,
            input_len=None,
            output_len=None,
            speculative=None,
            phase="end-to-end",
            scenario=_scenario(row["scenario"]),
        ),
        basis="card" if total == 1 else "system",
        packages=total if total else None,
        points=[_point(row)],
        notes=_notes(row),
        provenance=_provenance(row, rounds),
    )


def library_evidence(path: str | Path | None = None, hardware: Sequence[HardwareSpec] | None = None) -> list[Evidence]:
    """Every library row with a result and an accelerator count, as an evidence record."""
    p = Path(path) if path is not None else library_path()
    if hardware is not None:
        return list(_build_evidence(p, tuple(hardware)))
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise UserError(f"{p}: cannot read the MLPerf library: {exc.strerror or exc}") from None
    return list(_cached_evidence(str(p), mtime, _registry_key()))


@functools.lru_cache(maxsize=2)
def _cached_evidence(path: str, mtime_ns: int, registry_key: tuple) -> tuple[Evidence, ...]:
    """The records of one library file version against one registry version (records are immutable)."""
    return _build_evidence(Path(path), _hardware_at(registry_key))


def _build_evidence(p: Path, hardware: tuple[HardwareSpec, ...]) -> tuple[Evidence, ...]:
    # a row whose chip is not one registry part (a CPU-only, mixed or unregistered system; listed
    # with its unmapped_reason) names its hardware, so it is left out rather than read as "chip unknown"
    frame = library_frame(hardware, p).filter(
        pl.col("result").is_not_null() & pl.col("total_accelerators").is_not_null() & pl.col("hardware").is_not_null()
    )
    try:
        rules: MlperfRules | None = load_rules()
    except UserError:
        rules = None
    try:
        rounds: MlperfRounds | None = load_rounds()
    except UserError:
        rounds = None
    return tuple(_evidence(_limits(row, rules), str(p), rounds) for row in frame.iter_rows(named=True))


# ----------------------------------------------------------------------------------------------
# re-importing a round
# ----------------------------------------------------------------------------------------------
_COMPARED = ("result", "total_accelerators", "power_w", "precision", "accelerator_name", "tpot_limit_ms")


@dataclass
class UpdateReport:
    """What re-importing one round changed: record keys added, removed and changed figures."""

    round: str
    rows: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    out: Path | None = None


def _keyed(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    cols = ("round", "division", "submitter", "platform", "benchmark", "used_model", "scenario")
    return {_record_id(tuple(r[c] for c in cols)): r for r in frame.iter_rows(named=True)}


def update_round(
    rnd: str,
    checkout: str | Path,
    *,
    retrieved: str,
    out: str | Path | None = None,
    repository: str | None = None,
    library: str | Path | None = None,
) -> UpdateReport:
    """Re-import round ``rnd`` from a results-repository checkout; write the library to ``out``
    (when given) with that round's rows replaced, and report what changed."""
    from claimbench.load.mlperf_results import DirSource, round_rows, rows_to_frame

    r = rnd.strip().lower()
    r = r if r.startswith("v") else f"v{r}"
    upstream = f"mlcommons/inference_results_{r}"
    rows = round_rows(DirSource(checkout), r, repository or upstream, upstream, retrieved)
    if not rows:
        raise UserError(f"--from: {checkout}: no datacenter LLM result (no summary table, no LLM performance logs)")
    new = rows_to_frame(rows)
    old_all = read_library(library)
    old = old_all.filter(pl.col("round") == r)
    before, after = _keyed(old), _keyed(new)
    report = UpdateReport(round=r, rows=new.height)
    report.added = sorted(set(after) - set(before))
    report.removed = sorted(set(before) - set(after))
    for key in sorted(set(after) & set(before)):
        for col in _COMPARED:
            if before[key][col] != after[key][col]:
                report.changed.append((key, col, before[key][col], after[key][col]))
    if out is not None:
        merged = pl.concat([old_all.filter(pl.col("round") != r), new], how="vertical_relaxed")
        target = Path(out)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            merged.sort(
                "round", "division", "submitter", "platform", "benchmark", "used_model", "scenario", nulls_last=True
            ).write_parquet(tmp, compression="zstd", statistics=False)
            tmp.replace(target)
        except OSError as exc:
            raise UserError(f"--out: cannot write {target}: {exc.strerror or exc}") from None
        report.out = target
    return report


def _sniff_library(path: Path) -> float:
    """A parquet file with the library's columns is the library (or a user's copy of a round)."""
    import pyarrow.parquet as pq

    names = set(pq.read_schema(path).names)
    return 1.0 if {"round", "division", "benchmark", "scenario"} <= names else 0.0


IMPORTER = FunctionImporter(
    name="mlperf-library",
    title="claimbench MLPerf Inference library (parquet)",
    formats=(".parquet",),
    sniff_fn=_sniff_library,
    load_fn=lambda p, meta: library_evidence(p),
)

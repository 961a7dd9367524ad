"""MLPerf Inference results repositories read into evidence-library rows.

One row per (round, division, submitter, system, benchmark, model used, scenario) for every
datacenter LLM benchmark whose result is in tokens/s:

* a round with a summary table (``summary_results.json`` from v5.0 on, ``summary.csv`` in
  v6.1) is read from it; each row's ``mlperf_log_summary.txt`` is read too, where the source
  has it, for the latency limits the run was held to and its measured TTFT/TPOT percentiles;
* a round without one (v4.1 and earlier) is built from ``systems/*.json`` and
  ``results/<system>/<benchmark>/<scenario>/performance/run_1/mlperf_log_summary.txt``.

Every row carries its provenance: repository, commit, path and SHA-256 of the file the figure
was read from, and a locator (the row index / ID in the table). Nothing is computed beyond
unit conversions (ns -> ms) and ``result_per_accelerator = result / total_accelerators``.

A source is anything with ``files()``, ``read(path)``, ``commit`` and ``last_change(path)``:
:class:`DirSource` reads a checkout on disk (``claimbench evidence update``);
``tools/build_mlperf_library.py`` reads git snapshots the same way.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from claimbench.errors import UserError

__all__ = ["COLUMNS", "KEY", "DirSource", "Source", "rows_to_frame", "round_rows"]


class Source(Protocol):
    """Read-only file access to one results repository at one commit."""

    commit: str | None

    def files(self) -> list[str]:
        """Every file path of the repository, relative to its root."""
        ...

    def read(self, path: str) -> bytes:
        """The bytes of one file."""
        ...

    def last_change(self, path: str) -> str | None:
        """The commit that last changed ``path`` (or the checkout's commit)."""
        ...


class DirSource:
    """A results repository checked out on disk (its commit read from ``.git`` when present)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise UserError(f"--from: {self.root} is not a directory")
        self.commit = _git_head(self.root)
        self._files: list[str] | None = None

    def files(self) -> list[str]:
        """Every file under the checkout except ``.git``, sorted."""
        if self._files is None:
            out: list[str] = []
            for p in sorted(self.root.rglob("*")):
                rel = p.relative_to(self.root).as_posix()
                if rel.startswith(".git/") or not p.is_file():
                    continue
                out.append(rel)
            self._files = out
        return self._files

    def read(self, path: str) -> bytes:
        """The bytes of one file of the checkout."""
        return (self.root / path).read_bytes()

    def last_change(self, path: str) -> str | None:
        """The checkout's commit (a plain folder has no history per file)."""
        return self.commit


def _git_head(root: Path) -> str | None:
    """The commit a checkout's ``.git/HEAD`` points at (plain file reads), None without one."""
    head = root / ".git" / "HEAD"
    try:
        text = head.read_text(encoding="utf-8").strip()
        if text.startswith("ref: "):
            ref = text[5:]
            loose = root / ".git" / ref
            if loose.is_file():
                return loose.read_text(encoding="utf-8").strip()
            packed = (root / ".git" / "packed-refs").read_text(encoding="utf-8")
            for line in packed.splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0]
            return None
        return text or None
    except OSError:
        return None


LLM_BENCHMARKS = (
    "llama2-70b",
    "llama2-70b-interactive",
    "llama3.1-405b",
    "llama3.1-8b",
    "mixtral-8x7b",
    "deepseek-r1",
    "gpt-oss-120b",
    "llama3.1-405b-interactive",
)
"""Benchmark families whose result is generated tokens per second (GPT-J reports samples/s)."""

COLUMNS: dict[str, Any] = {
    "round": pl.Utf8,
    "division": pl.Utf8,
    "suite": pl.Utf8,
    "result_id": pl.Utf8,
    "submitter": pl.Utf8,
    "availability": pl.Utf8,
    "system_name": pl.Utf8,
    "platform": pl.Utf8,
    "benchmark": pl.Utf8,
    "used_model": pl.Utf8,
    "scenario": pl.Utf8,
    "result": pl.Float64,
    "units": pl.Utf8,
    "total_accelerators": pl.Int64,
    "result_per_accelerator": pl.Float64,
    "accelerator_name": pl.Utf8,
    "accelerators_per_node": pl.Int64,
    "nodes": pl.Int64,
    "host_processor": pl.Utf8,
    "precision": pl.Utf8,
    "framework": pl.Utf8,
    "operating_system": pl.Utf8,
    "accuracy": pl.Utf8,
    "rouge1": pl.Float64,
    "rouge2": pl.Float64,
    "rougel": pl.Float64,
    "exact_match": pl.Float64,
    "tokens_per_sample": pl.Float64,
    "has_power": pl.Boolean,
    "power_w": pl.Float64,
    "inferred": pl.Boolean,
    "notes": pl.Utf8,
    "log_valid": pl.Boolean,
    "log_tokens_per_s": pl.Float64,
    "ttft_p99_ms": pl.Float64,
    "tpot_p99_ms": pl.Float64,
    "ttft_limit_ms": pl.Float64,
    "tpot_limit_ms": pl.Float64,
    "repository": pl.Utf8,
    "upstream_repository": pl.Utf8,
    "commit": pl.Utf8,
    "path": pl.Utf8,
    "sha256": pl.Utf8,
    "locator": pl.Utf8,
    "log_path": pl.Utf8,
    "log_sha256": pl.Utf8,
    "details_url": pl.Utf8,
    "retrieved": pl.Utf8,
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------------------------
# parsing helpers
# ----------------------------------------------------------------------------------------------
def num(x: Any) -> float | None:
    """A finite number from a table cell, None for blanks and 'None'."""
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(str(x).replace(",", "").strip())
    except ValueError:
        return None
    return v if v == v and v not in (float("inf"), float("-inf")) else None


def integer(x: Any) -> int | None:
    v = num(x)
    return int(round(v)) if v is not None else None


def flag(x: Any) -> bool | None:
    if isinstance(x, bool):
        return x
    if x is None or str(x).strip() == "":
        return None
    return str(x).strip().lower() in ("true", "1", "yes")


def family(benchmark: str) -> str:
    """``llama2-70b-99.9`` -> ``llama2-70b``; ``llama3.1-8b-edge`` stays itself."""
    b = benchmark.strip().lower()
    for suffix in ("-99.9", "-99"):
        if b.endswith(suffix):
            return b[: -len(suffix)]
    return b


def is_llm(benchmark: str) -> bool:
    return family(benchmark) in LLM_BENCHMARKS


_ACC = {
    "rouge1": r"ROUGE1:\s*([0-9.]+)|'rouge1':\s*([0-9.]+)",
    "rouge2": r"ROUGE2:\s*([0-9.]+)|'rouge2':\s*([0-9.]+)",
    "rougel": r"ROUGEL:\s*([0-9.]+)|'rougeL':\s*([0-9.]+)",
    "exact_match": r"exact_match:\s*([0-9.]+)|'exact_match':\s*([0-9.]+)",
    "tokens_per_sample": r"TOKENS_PER_SAMPLE:\s*([0-9.]+)|'tokens_per_sample':\s*([0-9.]+)",
}


def accuracy_fields(text: str | None) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, pattern in _ACC.items():
        m = re.search(pattern, text or "")
        out[key] = num(next(g for g in m.groups() if g is not None)) if m else None
    return out


_LOG = {
    "offline_tokens": r"^Tokens per second\s*:\s*([0-9.eE+]+)",
    "server_tokens": r"^Completed tokens per second\s*:\s*([0-9.eE+]+)",
    "valid": r"^Result is\s*:\s*(\w+)",
    "ttft_p99_ns": r"^99\.00 percentile first token latency \(ns\)\s*:\s*([0-9]+)",
    "tpot_p99_ns": r"^99\.00 percentile time to output token \(ns\)\s*:\s*([0-9]+)",
    "ttft_limit_ns": r"^ttft_latency \(ns\)\s*:\s*([0-9]+)",
    "tpot_limit_ns": r"^tpot_latency \(ns\)\s*:\s*([0-9]+)",
}


def parse_log(text: str) -> dict[str, Any]:
    """The figures of an ``mlperf_log_summary.txt`` the library keeps (ns converted to ms)."""
    found: dict[str, str] = {}
    for key, pattern in _LOG.items():
        m = re.search(pattern, text, flags=re.MULTILINE)
        if m:
            found[key] = m.group(1)
    tokens = num(found.get("offline_tokens")) or num(found.get("server_tokens"))

    def ms(key: str) -> float | None:
        v = num(found.get(key))
        return v / 1e6 if v is not None else None

    return {
        "log_valid": (found["valid"].upper() == "VALID") if "valid" in found else None,
        "log_tokens_per_s": tokens,
        "ttft_p99_ms": ms("ttft_p99_ns"),
        "tpot_p99_ms": ms("tpot_p99_ns"),
        "ttft_limit_ms": ms("ttft_limit_ns"),
        "tpot_limit_ms": ms("tpot_limit_ns"),
    }


def empty_row() -> dict[str, Any]:
    return dict.fromkeys(COLUMNS)


# ----------------------------------------------------------------------------------------------
# rounds with a summary table
# ----------------------------------------------------------------------------------------------
_SUMMARY_FILES = ("summary.csv", "summary_results.json")


def _table_rows(name: str, data: bytes) -> list[dict[str, Any]]:
    text = data.decode("utf-8-sig")
    if name.endswith(".csv"):
        return list(csv.DictReader(io.StringIO(text)))
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise UserError(f"{name}: not a list of rows")
    return rows


def _pick(row: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if k in row and row[k] not in (None, ""):
            return row[k]
    return None


def _summary_row(row: dict[str, Any], rnd: str) -> dict[str, Any] | None:
    """One summary-table row in library columns; None when it is not a datacenter LLM row."""
    units = str(_pick(row, "Performance_Units", "Units") or "")
    suite = str(_pick(row, "Suite", "SystemType") or "")
    if "MlperfModel" in row:  # summary.csv: Model is what ran, MlperfModel the benchmark
        benchmark, used = str(row.get("MlperfModel") or ""), row.get("Model")
    else:  # summary_results.json: Model is the benchmark, UsedModel what ran
        benchmark, used = str(_pick(row, "Model") or ""), _pick(row, "UsedModel", "Model")
    if units.lower() != "tokens/s" or "datacenter" not in suite.lower() or not is_llm(benchmark):
        return None
    out = empty_row()
    nodes = integer(_pick(row, "Nodes", "number_of_nodes"))
    per_node = integer(_pick(row, "a#", "accelerators_per_node"))
    total = integer(_pick(row, "Total Accelerators", "total_accelerators"))
    if total is None and per_node is not None:
        total = per_node * (nodes or 1)
    result = num(_pick(row, "Performance_Result", "Result"))
    location = str(_pick(row, "Location") or "").removeprefix("./")
    out.update(
        round=rnd,
        division=str(_pick(row, "Category", "Division") or "").lower() or None,
        suite="datacenter",
        result_id=_pick(row, "ID"),
        submitter=_pick(row, "Submitter", "Organization"),
        availability=_pick(row, "Availability"),
        system_name=_pick(row, "System", "SystemName"),
        platform=_pick(row, "Platform"),
        benchmark=benchmark,
        used_model=used,
        scenario=_pick(row, "Scenario"),
        result=result,
        units=units,
        total_accelerators=total,
        result_per_accelerator=(result / total) if (result is not None and total) else None,
        accelerator_name=_pick(row, "Accelerator", "accelerator_model_name"),
        accelerators_per_node=per_node,
        nodes=nodes,
        host_processor=_pick(row, "Processor", "host_processor_model_name"),
        precision=_pick(row, "weight_data_types"),
        framework=_pick(row, "Software", "framework"),
        operating_system=_pick(row, "operating_system"),
        accuracy=_pick(row, "Accuracy"),
        has_power=flag(row.get("has_power")),
        power_w=num(row.get("Power_Result")) if str(row.get("Power_Units") or "").lower() == "watts" else None,
        inferred=flag(row.get("inferred")),
        notes=_pick(row, "Notes", "notes"),
        details_url=_pick(row, "Details"),
    )
    out.update(accuracy_fields(out["accuracy"]))
    out["_location"] = location
    return out


def _log_path(location: str) -> str:
    loc = location.rstrip("/")
    if loc.endswith("performance/run_1"):
        return f"{loc}/mlperf_log_summary.txt"
    return f"{loc}/performance/run_1/mlperf_log_summary.txt"


def from_summary(snap: Source, rnd: str, repo: str, upstream: str, retrieved: str) -> list[dict[str, Any]]:
    files = set(snap.files())
    name = next((f for f in _SUMMARY_FILES if f in files), None)
    if name is None:
        return []
    data = snap.read(name)
    digest, commit = sha256(data), snap.last_change(name)
    rows: list[dict[str, Any]] = []
    for i, raw in enumerate(_table_rows(name, data)):
        row = _summary_row(raw, rnd)
        if row is None:
            continue
        key = f"ID {row['result_id']}" if row["result_id"] else "row"
        row.update(
            repository=repo,
            upstream_repository=upstream,
            commit=commit,
            path=name,
            sha256=digest,
            locator=f"{name} row {i} ({key}, {row['benchmark']}, {row['scenario']})",
            retrieved=retrieved,
        )
        log = _log_path(row.pop("_location"))
        if log in files:
            text = snap.read(log)
            row.update(parse_log(text.decode("utf-8", "replace")), log_path=log, log_sha256=sha256(text))
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------------
# rounds without one: systems/*.json + performance logs
# ----------------------------------------------------------------------------------------------
_RESULT = re.compile(
    r"^(closed|open)/([^/]+)/results/([^/]+)/([^/]+)/([^/]+)/performance/run_1/mlperf_log_summary\.txt$"
)


def _system(snap: Source, division: str, submitter: str, platform: str, cache: dict) -> dict[str, Any]:
    path = f"{division}/{submitter}/systems/{platform}.json"
    if path not in cache:
        try:
            cache[path] = json.loads(snap.read(path).decode("utf-8-sig"))
        except (OSError, KeyError, ValueError, LookupError, RuntimeError):
            cache[path] = {}
    return cache[path]


def _accuracy_text(snap: Source, files: set[str], perf_log: str) -> str | None:
    acc = perf_log.replace("performance/run_1/mlperf_log_summary.txt", "accuracy/accuracy.txt")
    if acc not in files:
        return None
    text = snap.read(acc).decode("utf-8", "replace")
    m = re.search(r"\{[^{}]*\}", text)
    return m.group(0) if m else None


def from_logs(snap: Source, rnd: str, repo: str, upstream: str, retrieved: str) -> list[dict[str, Any]]:
    files = set(snap.files())
    cache: dict[str, dict] = {}
    rows: list[dict[str, Any]] = []
    for path in sorted(files):
        m = _RESULT.match(path)
        if not m or not is_llm(m.group(4)):
            continue
        division, submitter, platform, benchmark, scenario = m.groups()
        system = _system(snap, division, submitter, platform, cache)
        if "datacenter" not in str(system.get("system_type", "")).lower():
            continue
        data = snap.read(path)
        log = parse_log(data.decode("utf-8", "replace"))
        nodes = integer(system.get("number_of_nodes")) or 1
        per_node = integer(system.get("accelerators_per_node"))
        total = per_node * nodes if per_node else None
        result = log["log_tokens_per_s"]
        row = empty_row()
        row.update(log)
        row.update(
            round=rnd,
            division=division,
            suite="datacenter",
            submitter=system.get("submitter") or submitter,
            availability=system.get("status"),
            system_name=system.get("system_name"),
            platform=platform,
            benchmark=benchmark,
            used_model=benchmark,
            scenario=scenario[:1].upper() + scenario[1:],
            result=result,
            units="Tokens/s",
            total_accelerators=total,
            result_per_accelerator=(result / total) if (result is not None and total) else None,
            accelerator_name=system.get("accelerator_model_name"),
            accelerators_per_node=per_node,
            nodes=nodes,
            host_processor=system.get("host_processor_model_name"),
            framework=system.get("framework"),
            operating_system=system.get("operating_system"),
            notes=system.get("hw_notes") or None,
            has_power=False,
            repository=repo,
            upstream_repository=upstream,
            commit=snap.commit,
            path=path,
            sha256=sha256(data),
            locator=f"{path} (Tokens per second)",
            log_path=path,
            log_sha256=sha256(data),
            retrieved=retrieved,
        )
        row["accuracy"] = _accuracy_text(snap, files, path)
        row.update(accuracy_fields(row["accuracy"]))
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------------
# the table
# ----------------------------------------------------------------------------------------------
KEY = ("round", "division", "submitter", "platform", "benchmark", "used_model", "scenario")


def merge_power(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per key: a table that lists a power result as a second row of the same
    performance run gives its watts to the first row (the results must agree)."""
    out: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in KEY)
        first = out.get(key)
        if first is None:
            out[key] = row
            continue
        if first["result"] != row["result"]:
            raise UserError(f"two different results for {key}: {first['result']} and {row['result']}")
        if row.get("power_w") is not None:
            first["power_w"], first["has_power"] = row["power_w"], True
            first["locator"] += f"; power: {row['locator']}"
    return list(out.values())


def round_rows(source: Source, rnd: str, repo: str, upstream: str, retrieved: str) -> list[dict[str, Any]]:
    """Every datacenter LLM row of one round: from its summary table when it has one, else its logs."""
    rows = from_summary(source, rnd, repo, upstream, retrieved)
    return rows if rows else from_logs(source, rnd, repo, upstream, retrieved)


def rows_to_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Library rows (power rows merged) as a frame in library column order, sorted by key."""
    rows = merge_power(rows)
    frame = pl.DataFrame([{k: r.get(k) for k in COLUMNS} for r in rows], schema=COLUMNS, orient="row")
    return frame.sort(list(KEY), nulls_last=True)

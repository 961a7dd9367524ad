"""AIPerf CSV summaries (``aiperf profile``; ``profile_export_aiperf.csv``, AIPerf 0.13).

The CSV is AIPerf's console summary as a table, in sections separated by blank lines:

* ``Metric,avg,min,max,sum,p1,…,p50,…,p90,p95,p99,std`` — one row per distribution, the metric
  name with its unit in parentheses (``Time to First Token (ms)``);
* ``Metric,Value`` — one row per scalar (``Output Token Throughput (tokens/sec)``,
  ``Benchmark Duration (sec)``, ``Request Count``, …);
* GPU telemetry (``Endpoint,GPU_Index,…``) — not read.

Mapping (the same as the JSON export, :mod:`claimbench.load.peers.aiperf`): TPOT is AIPerf's
``Inter Token Latency`` (first token excluded), ITL its ``Inter Chunk Latency``, TTFT ``Time to
First Token``, E2EL ``Request Latency``; throughputs are the scalars of the ``Metric,Value`` section.
The CSV holds no configuration: the model, concurrency or request rate and the requested lengths
are not in it (input/output lengths are read as the mean counted lengths, said so in the notes);
the hardware and precision come from ``--evidence-meta``. When the JSON export of the same run sits
beside the CSV, the folder import reads the JSON (it states the configuration) and skips the CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.load.peers.common import (
    SelfInconsistent,
    check_regular_file,
    concurrency_bound,
    num,
    rate_vs_totals,
    read_text_file,
)
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint
from claimbench.schema.provenance import Provenance

KIND = "aiperf"
JSON_SIBLING = "profile_export_aiperf.json"

_LATENCIES = {
    "ttft": "Time to First Token (ms)",
    "tpot": "Inter Token Latency (ms)",
    "itl": "Inter Chunk Latency (ms)",
    "e2el": "Request Latency (ms)",
}
_STATS = {"mean": "avg", "p50": "p50", "p90": "p90", "p99": "p99"}
_SCALARS = {
    "duration_s": "Benchmark Duration (sec)",
    "request_per_s": "Request Throughput (requests/sec)",
    "output_tok_per_s": "Output Token Throughput (tokens/sec)",
    "total_tok_per_s": "Total Token Throughput (tokens/sec)",
    "input_tok_per_s": "Input Token Throughput (tokens/sec)",
}


def sniff(head: str) -> bool:
    """True when ``head`` (the first kilobytes of a file) is an AIPerf CSV summary."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].strip()
    return first.startswith("Metric,avg,") and ("(ms)" in head or "(tokens/sec)" in head)


def parse_sections(text: str, where: str = "AIPerf CSV") -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(distributions by metric name: {stat: text}, scalars by metric name: text) of an AIPerf CSV."""
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    except csv.Error as exc:
        raise UserError(f"{where}: not valid CSV: {exc}") from None
    dists: dict[str, dict[str, str]] = {}
    scalars: dict[str, str] = {}
    header: list[str] | None = None
    for row in rows:
        if not row or not any(c.strip() for c in row):
            header = None
            continue
        if header is None:
            header = [c.strip() for c in row]
            continue
        name = row[0].strip()
        if header[:2] == ["Metric", "Value"] and len(row) >= 2:
            scalars[name] = row[1].strip()
        elif header[:2] == ["Metric", "avg"]:
            dists[name] = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
    return dists, scalars


def _value(text: str | None, where: str) -> float | None:
    if text is None or text == "" or text.upper() == "N/A":
        return None
    value = num(text)
    if value is None or value < 0:
        raise UserError(f"{where}: {text!r} is not a non-negative number")
    return value


def _counts(p: Path, scalars: dict[str, str]) -> tuple[int | None, int | None]:
    total = _value(scalars.get("Request Count"), f"{p}: field Request Count")
    errors = _value(scalars.get("Error Request Count"), f"{p}: field Error Request Count")
    rate = _value(scalars.get("Request Error Rate (%)"), f"{p}: field Request Error Rate (%)")
    if errors is None and rate == 0:
        errors = 0.0
    if total is None:
        return None, int(errors) if errors is not None else None
    n_ok = total - errors if errors is not None and errors <= total else total
    return int(n_ok), int(errors) if errors is not None else None


def _check_totals(p: Path, scalars: dict[str, str], values: dict[str, Any]) -> None:
    """The summary's own figures agree (:class:`SelfInconsistent` otherwise): its throughputs are its
    totals over its duration (written to 2 decimals: within the slack), and its output rate is within
    what its request count (the CSV states no concurrency: every request at once, the loosest) and mean
    Inter Token Latency allow. Fills ``batch_per_unit`` with that request count."""
    dur = values["duration_s"]
    out_name, req_name = "Total Output Tokens (tokens)", "Request Count"
    total_out = _value(scalars.get(out_name), f"{p}: field {out_name}")
    n_req = _value(scalars.get(req_name), f"{p}: field {req_name}")
    reasons = [
        rate_vs_totals(values["output_tok_per_s"], _SCALARS["output_tok_per_s"], total_out, out_name, dur, "tok/s"),
        rate_vs_totals(values["request_per_s"], _SCALARS["request_per_s"], n_req, req_name, dur, "req/s"),
    ]
    if n_req:
        values["batch_per_unit"] = n_req
        reasons.append(
            concurrency_bound(
                values["output_tok_per_s"],
                _SCALARS["output_tok_per_s"],
                n_req,
                req_name,
                values["tpot_mean_ms"],
                _LATENCIES["tpot"] + " avg",
            )
        )
    for reason in reasons:
        if reason:
            raise SelfInconsistent(reason)


def load(path: Path | str) -> Evidence:
    """One load point from an AIPerf CSV summary (see the module docstring for the mapping)."""
    p = Path(path)
    text = read_text_file(p)
    dists, scalars = parse_sections(text, str(p))
    if "Output Token Throughput (tokens/sec)" not in scalars:
        raise UserError(f"{p}: field Output Token Throughput (tokens/sec): missing (not an AIPerf CSV summary)")
    n_ok, n_failed = _counts(p, scalars)
    values: dict[str, Any] = {"level": "0", "concurrency": None, "request_rate": None, "n_ok": n_ok}
    values["n_failed"] = n_failed
    for ours, theirs in _SCALARS.items():
        values[ours] = _value(scalars.get(theirs), f"{p}: field {theirs}")
    for ours, theirs in _LATENCIES.items():
        row = dists.get(theirs, {})
        for stat, col in _STATS.items():
            values[f"{ours}_{stat}_ms"] = _value(row.get(col), f"{p}: field {theirs} {col}")
    try:
        _check_totals(p, scalars, values)
    except SelfInconsistent as exc:
        raise UserError(f"{p}: self-inconsistent evidence set aside: {exc}") from None
    notes = [
        "AIPerf CSV: TPOT here is its Inter Token Latency (first token excluded); ITL is its Inter Chunk "
        "Latency; throughput is its Output Token Throughput.",
        "the CSV states no model, concurrency, request rate or requested lengths (the JSON export does)",
        "AIPerf records no hardware or precision: unknown unless given with --evidence-meta",
    ]
    lengths = []
    for name in ("Input Sequence Length (tokens)", "Output Sequence Length (tokens)"):
        mean = _value(dists.get(name, {}).get("avg"), f"{p}: field {name} avg")
        lengths.append(round(mean) if mean is not None else None)
        if mean is not None:
            notes.append(f"{name.split(' (')[0].lower()} read as the mean counted length {round(mean)}")
    return Evidence(
        id=f"aiperf-csv:{p.parent.name}/{p.name}",
        kind=KIND,
        path=str(p),
        title="AIPerf profile (CSV summary)",
        secondary=False,
        reported_by="peer file",
        derived=False,
        status="complete",
        conditions=EvidenceConditions(
            hardware=None,
            model=None,
            precision=None,
            input_len=lengths[0],
            output_len=lengths[1],
            speculative=None,
            phase="end-to-end",
        ),
        basis="system",
        packages=None,
        points=[LoadPoint(**values)],
        notes=notes,
        provenance=Provenance(
            origin="unattributed-file", document_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest()
        ),
    )


def sniff_file(path: Path) -> float:
    """Confidence that ``path`` is an AIPerf CSV summary (its first kilobytes)."""
    try:
        check_regular_file(path)
        with path.open(encoding="utf-8-sig") as fh:
            return 1.0 if sniff(fh.read(8192)) else 0.0
    except (OSError, UnicodeDecodeError, UserError):
        return 0.0


IMPORTER = FunctionImporter(
    name="aiperf-csv",
    title="AIPerf CSV export (profile_export_aiperf.csv)",
    formats=(".csv",),
    sniff_fn=sniff_file,
    load_fn=lambda p, meta: [load(p)],
)

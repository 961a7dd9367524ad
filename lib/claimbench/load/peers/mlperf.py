"""MLPerf Inference published result tables (``summary_results.json`` of an
``mlcommons/inference_results_vX.Y`` release, or the same table saved as CSV).

One row per (system, benchmark model, scenario) with ``Performance_Result`` and
``Performance_Units``; only LLM rows (units ``Tokens/s``: generated tokens per second of the whole
system) are evidence, other rows are skipped. A row becomes one record:

* hardware from ``Accelerator`` when it names one registry part exactly (an H100 NVL or PCIe
  card is not the SXM part, so it stays unknown), ``a#`` accelerators per node × ``Nodes``
  packages, precision from ``weight_data_types``, the benchmark model (``llama2-70b-99``) as
  its architecture id (``llama-2-70b``), publisher the ``Submitter``;
* the scenario (Offline, Server, Interactive) is the load point: Offline has no latency bound;
  Server and Interactive results are the highest load meeting MLPerf's TTFT/TPOT limits for the
  benchmark, which the table does not repeat (the notes say so);
* input/output lengths are the benchmark data set's, variable per request: null here.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.load.peers.common import (
    check_regular_file,
    first_json_document,
    hardware_from_device_name,
    num,
    read_text_file,
)
from claimbench.schema.claims import Publication
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint
from claimbench.schema.hardware import HardwareSpec
from claimbench.schema.provenance import Provenance

# Form factors and superchips the registry's parts are not (an H100 NVL or PCIe card, a GH200
# superchip): a name carrying one of these is not mapped, although it contains a part's name.
_OTHER_PART = ("nvl", "pcie", "gh200", "gb200", "gb300")


def hardware_id(accelerator: Any, hardware: Sequence[HardwareSpec] | None = None) -> str | None:
    """Registry id of an MLPerf ``Accelerator`` string, None when it is not one exact part."""
    if not isinstance(accelerator, str):
        return None
    low = accelerator.lower().replace(" ", "")
    if any(x in low for x in _OTHER_PART):
        return None
    return hardware_from_device_name(low, hardware=hardware)  # the hardware registry's device_names


def model_id(name: Any) -> str | None:
    """``llama2-70b-99.9`` → ``llama-2-70b``, ``llama3.1-405b`` → ``llama-3.1-405b``; the
    accuracy target and ``-interactive`` suffix are dropped."""
    if not isinstance(name, str) or not name.strip():
        return None
    base = name.strip().lower()
    for suffix in ("-99.9", "-99"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    base = base.removesuffix("-interactive")
    if base.startswith("llama") and len(base) > 5 and base[5].isdigit():
        base = "llama-" + base[5:]
    return base


def is_mlperf_rows(rows: Any) -> bool:
    """Whether JSON rows are an MLPerf Inference results table."""
    return isinstance(rows, list) and bool(rows) and isinstance(rows[0], dict) and "Performance_Result" in rows[0]


def _csv_rows(p: Path, text: str) -> list[dict]:
    """Rows of an MLPerf CSV; a table cut short (a row with a missing or extra field, or no line
    break after the last row) is an error naming the line, never a silently shorter table."""
    if text.strip() and not text.endswith(("\n", "\r")):
        raise UserError(f"{p}: truncated: the last row has no line break (the file was cut mid-row)")
    reader = csv.DictReader(text.splitlines())
    rows: list[dict] = []
    for row in reader:
        if None in row or any(v is None for v in row.values()):
            n = len(reader.fieldnames or [])
            raise UserError(f"{p}: line {reader.line_num}: truncated or malformed row (not {n} fields)")
        rows.append(row)
    return rows


def read_rows(p: Path) -> list[dict]:
    """The rows of an MLPerf Inference results table (CSV or JSON); a bad file is one UserError."""
    try:
        text = read_text_file(p).lstrip("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{p}: cannot read: {exc}") from None
    if p.suffix.lower() == ".csv":
        rows: list[dict] = _csv_rows(p, text)
    else:
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"{p}: not valid JSON: {exc}") from None
    if not is_mlperf_rows(rows):
        raise UserError(f"{p}: field Performance_Result: missing (not an MLPerf Inference results table)")
    return rows


def load_mlperf(path: Path | str) -> list[Evidence]:
    """An MLPerf Inference results table (CSV, or JSON rows): one record per Tokens/s result."""
    from claimbench.load.registry import list_hardware

    p = Path(path)
    rows = read_rows(p)
    registry = list_hardware()  # device names -> registry ids, read once per file
    out: list[Evidence] = []
    seen: set[str] = set()
    same: dict[tuple, Evidence] = {}  # one submission entered under two accuracy targets (-99, -99.9)
    for i, row in enumerate(rows):
        units = str(row.get("Performance_Units") or "").strip().lower()
        if units != "tokens/s":
            continue
        value = num(row.get("Performance_Result"))
        if value is None:
            raise UserError(f"{p}: field [{i}].Performance_Result: not a number")
        per_node = num(row.get("a#"))
        nodes = num(row.get("Nodes")) or 1.0
        packages = int(round(per_node * nodes)) if per_node else None
        scenario = str(row.get("Scenario") or "").strip()
        model = row.get("Model") or row.get("UsedModel")
        version = row.get("version") or ""
        rid = f"mlperf:{version}:{row.get('ID')}:{model}:{scenario}".replace(" ", "_")
        if rid in seen:
            raise UserError(f"{p}: field [{i}]: duplicate row {rid}")
        seen.add(rid)
        twin = (row.get("ID"), row.get("Platform"), model_id(model), scenario, value)
        if twin in same:
            same[twin].notes.append(f"the same result is also entered as {model}")
            continue
        hw = hardware_id(row.get("Accelerator"), registry)
        notes = [
            f"MLPerf Inference {version} {row.get('Category', '')} {row.get('Suite', '')}, scenario {scenario}: "
            "Tokens/s are generated tokens per second of the whole system.",
            f"system {row.get('System')!r} ({row.get('Platform')}), {row.get('Software')}",
        ]
        if scenario.lower() != "offline":
            notes.append(
                f"{scenario}: the highest load meeting MLPerf's latency limits for {model}; the limits are "
                "in the MLPerf rules, not in this table"
            )
        if hw is None:
            notes.append(
                f"accelerator {row.get('Accelerator')!r} is not one registry part: unknown "
                "(give --evidence-meta hardware=<id>)"
            )
        if row.get("inferred") not in (0, "0", None, ""):
            notes.append("MLPerf marks this result as inferred")
        url = row.get("Details") or row.get("Location") or str(p)
        out.append(
            Evidence(
                id=rid,
                kind="mlperf",
                path=str(p),
                title=f"MLPerf Inference {version}: {row.get('Submitter')} {row.get('Platform')} {model} {scenario}",
                source=Publication(
                    url=str(url),
                    date=str(version or "unknown"),
                    quote=f"{row.get('Performance_Result')} {row.get('Performance_Units')}",
                    publisher=str(row.get("Submitter") or "") or None,
                ),
                secondary=False,
                reported_by=str(row.get("Submitter") or "mlcommons"),
                provenance=Provenance(
                    origin="peer-reviewed-submission"
                    if str(row.get("Division") or "").strip().lower() == "closed"
                    else "publication",
                    publisher=str(row.get("Submitter") or "") or None,
                    document=str(url),
                    locator=f"result {row.get('ID')} ({row.get('Division') or 'division not given'})",
                ),
                derived=False,
                conditions=EvidenceConditions(
                    hardware=hw,
                    model=model_id(model),
                    precision=str(row["weight_data_types"]).lower() if row.get("weight_data_types") else None,
                    input_len=None,
                    output_len=None,
                    speculative=None,
                    phase="end-to-end",
                    scenario=scenario.lower() if scenario.lower() in ("offline", "server", "interactive") else None,
                ),
                basis="card" if packages == 1 else "system",
                packages=packages,
                points=[
                    LoadPoint(
                        level=scenario or str(i),
                        output_tok_per_s=value,
                        note=f"MLPerf {scenario} scenario",
                    )
                ],
                notes=notes,
            )
        )
        same[twin] = out[-1]
    if not out:
        raise UserError(f"{p}: field Performance_Units: no LLM row (Tokens/s) in this MLPerf table")
    return out


def sniff(path: Path) -> float:
    """1.0 for a CSV whose header has ``Performance_Result``; 0.9 for JSON rows that have it."""
    if path.suffix.lower() == ".csv":
        check_regular_file(path)
        with path.open(encoding="utf-8-sig") as fh:
            return 1.0 if "Performance_Result" in fh.readline(4096) else 0.0
    return 0.9 if is_mlperf_rows(first_json_document(path)) else 0.0


IMPORTER = FunctionImporter(
    name="mlperf",
    title="MLPerf Inference",
    formats=(".csv", ".json"),
    sniff_fn=sniff,
    load_fn=lambda p, meta: load_mlperf(p),
)

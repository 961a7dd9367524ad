"""SemiAnalysis InferenceX API responses (``/api/v1/benchmarks?model=…&date=…``), saved by the user.

A file is either the API's list of rows (bare, or under ``rows`` / ``data``) or the documented
lookup layout (``query_url``, ``retrieved_at``, ``sample_rows``: SemiAnalysisAI/InferenceX-app
``docs/examples/inferencex-api/0.1.0/lookup.json``). One row is one load point:

* conditions: ``hardware`` (runner type: ``b200``, ``mi355x``, ``gb200`` …, looked up in the
  hardware registry's ``device_names``), ``model`` (InferenceX's key, e.g. ``dsv4``),
  ``precision``, ``framework``, ``spec_method``, ``disagg``, ``is_multinode``, prefill/decode
  TP/EP and GPU counts, ``isl``/``osl``, ``conc``, ``image``, ``recipe_fingerprint``, ``run_url``;
* ``metrics``: latencies in **seconds** (``mean_ttft``, ``median_tpot``, ``p99_e2el`` …),
  per-GPU throughput (``output_tput_per_gpu``, ``input_tput_per_gpu``, ``tput_per_gpu``) and
  measured power: ``avg_power_w`` (mean per GPU), ``avg_total_gpu_power_w``,
  ``joules_per_output_token``, valid when ``power_valid`` is 1.

Rows sharing their conditions (and run) become the load levels of one record, per GPU (basis
card) for aggregated serving; a disaggregated row is converted to the whole system as the
per-point importer does (output per GPU counts decode GPUs only). Measured power becomes
``power_w_per_package`` of each level: per-W readings use it instead of the TDP.

Provenance: a ``publication`` by SemiAnalysis (a third party to every chip vendor), document the
query URL (else the run URL), the saved file's SHA-256, the row id and run URL as locator.
Nothing is fetched: the user downloads the response.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.load.peers.common import (
    BadField,
    check_regular_file,
    concurrency_bound,
    first_json_document,
    model_id,
    num,
    strict,
)
from claimbench.load.yamlio import validation_message
from claimbench.schema.claims import Publication, Speculative
from claimbench.schema.evidence import Evidence, EvidenceConditions, EvidenceImportError, LoadPoint
from claimbench.schema.hardware import HardwareSpec
from claimbench.schema.provenance import Provenance

__all__ = ["PUBLISHER", "is_inferencex_api", "load_inferencex_api"]

PUBLISHER = "SemiAnalysis"
_STATS = {"mean": "mean", "p50": "median", "p90": "p90", "p99": "p99"}
_LAT = ("ttft", "tpot", "itl", "e2el")
_COND = (
    "hardware",
    "framework",
    "model",
    "precision",
    "spec_method",
    "disagg",
    "is_multinode",
    "prefill_tp",
    "prefill_ep",
    "decode_tp",
    "decode_ep",
    "num_prefill_gpu",
    "num_decode_gpu",
    "isl",
    "osl",
    "image",
    "recipe_fingerprint",
    "run_url",
)


def _rows_of(doc: Any) -> tuple[list[Any], dict[str, Any]]:
    """(rows, wrapper) of a saved response; ([], {}) when it is not one."""
    if isinstance(doc, list):
        return doc, {}
    if isinstance(doc, dict):
        for key in ("rows", "data", "sample_rows"):
            if isinstance(doc.get(key), list):
                return doc[key], doc
    return [], {}


def is_inferencex_api(doc: Any) -> bool:
    """A saved InferenceX API response: rows with ``metrics``, ``hardware`` and ``run_url``."""
    rows, _ = _rows_of(doc)
    first = rows[0] if rows else None
    return (
        isinstance(first, dict)
        and isinstance(first.get("metrics"), dict)
        and "hardware" in first
        and "run_url" in first
    )


def _seconds_ms(metrics: dict, key: str) -> float | None:
    v = strict(metrics.get(key), f"metrics.{key}")
    return v * 1000.0 if v is not None else None


def _gpus(row: dict) -> tuple[int | None, int | None]:
    """(all GPUs, decode GPUs) of a disaggregated row."""
    pre, dec = row.get("num_prefill_gpu"), row.get("num_decode_gpu")
    if isinstance(pre, int) and isinstance(dec, int) and pre >= 0 and dec > 0:
        return pre + dec, dec
    return None, None


def _per_gpu_divisor(row: dict) -> int:
    """The fewest GPUs an aggregated row's per-GPU figures can be divided by (its decode TP or GPU
    count; 1 when neither is stated): the loosest concurrency-per-GPU bound."""
    known = [n for n in (row.get("decode_tp"), row.get("num_decode_gpu")) if isinstance(n, int) and n > 0]
    return min(known) if known else 1


def _point(p: Path, i: int, row: dict) -> LoadPoint:
    m = row["metrics"]
    for key in ("output_tput_per_gpu",):
        if num(m.get(key)) is None:
            raise UserError(f"{p}: field rows[{i}].metrics.{key}: missing or not a number")
    conc = strict(row.get("conc"), "conc")
    values: dict[str, Any] = {"level": f"conc{row.get('conc')}", "concurrency": conc}
    out = strict(m.get("output_tput_per_gpu"), "metrics.output_tput_per_gpu")
    tot = strict(m.get("tput_per_gpu"), "metrics.tput_per_gpu")
    inp = strict(m.get("input_tput_per_gpu"), "metrics.input_tput_per_gpu")
    if row.get("disagg"):
        total_gpus, dec = _gpus(row)
        if total_gpus is None or dec is None or out is None:
            raise UserError(f"{p}: field rows[{i}].num_prefill_gpu/num_decode_gpu: missing for a disaggregated row")
        values["output_tok_per_s"] = out * dec
        values["total_tok_per_s"] = tot * total_gpus if tot is not None else None
        units, per = 1, ""  # converted to the whole system: the whole concurrency
    else:
        values.update(output_tok_per_s=out, total_tok_per_s=tot, input_tok_per_s=inp)
        units, per = _per_gpu_divisor(row), " per GPU"
    for metric in _LAT:
        for ours, theirs in _STATS.items():
            values[f"{metric}_{ours}_ms"] = _seconds_ms(m, f"{theirs}_{metric}")
    power = strict(m.get("avg_power_w"), "metrics.avg_power_w")
    if power is not None and m.get("power_valid") in (1, True, "1"):
        values["power_w_per_package"] = power
    note = f"InferenceX row {row.get('id')} of {row.get('date')}"
    jpt = strict(m.get("joules_per_output_token"), "metrics.joules_per_output_token")
    if jpt is not None:
        note += f"; {jpt:g} J per output token measured"
    values["note"] = note
    values["operating_point"] = "fixed-load"
    if conc:
        values["batch_per_unit"] = conc / units
        bad = concurrency_bound(
            values["output_tok_per_s"],
            "metrics.output_tput_per_gpu" + (f" x {_gpus(row)[1]} decode GPUs" if not per else ""),
            conc,
            "conc",
            values["tpot_mean_ms"],
            "metrics.mean_tpot",
            units=units,
            per=per,
        )
        if bad:
            raise UserError(f"self-inconsistent: {bad}")
    return LoadPoint(**values)


def _row_label(i: int, row: dict) -> str:
    return f"row {i} (id {row.get('id')}, {row.get('hardware')}, conc {row.get('conc')})"


def _hardware(name: Any, hardware: Sequence[HardwareSpec] | None) -> tuple[str | None, str | None]:
    from claimbench.load.mlperf_library import _registry, hardware_for

    return hardware_for(name, _registry(hardware))


def _speculative(value: Any) -> Speculative | str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    return "none" if text in ("none", "false", "", "no") else Speculative(method=text)


def _record(
    p: Path, n: int, members: list[tuple[int, dict, LoadPoint]], wrapper: dict, digest: str, hardware
) -> Evidence:
    i0, first, _ = members[0]
    hw, why = _hardware(first.get("hardware"), hardware)
    disagg = bool(first.get("disagg"))
    total_gpus = _gpus(first)[0] if disagg else None
    points = sorted((pt for _, _, pt in members), key=lambda x: x.concurrency or 0.0)
    doc_url = wrapper.get("query_url") or first.get("run_url")
    retrieved = str(wrapper.get("retrieved_at") or "")[:10] or None
    ids = ", ".join(str(row.get("id")) for _, row, _ in members)
    notes = [
        f"InferenceX (SemiAnalysis) {first.get('framework')} {first.get('precision')} on {first.get('hardware')}: "
        f"ISL {first.get('isl')} / OSL {first.get('osl')}, image {first.get('image')}, recipe {first.get('recipe_fingerprint')}",
        "throughput per GPU as InferenceX reports it; power measured on the GPUs (avg_power_w per GPU)",
    ]
    if disagg:
        notes.append(
            f"disaggregated: {first.get('num_prefill_gpu')} prefill + {first.get('num_decode_gpu')} decode GPUs; "
            "output converted to the whole system (output per GPU x decode GPUs)"
        )
    if why:
        notes.append(why)
    return Evidence(
        id=f"inferencex-api:{p.stem}:{n}",
        kind="inferencex",
        path=str(p),
        title=f"InferenceX {first.get('model')} on {first.get('hardware')} ({first.get('framework')}, "
        f"{first.get('precision')}, {first.get('isl')}/{first.get('osl')})",
        source=Publication(
            url=str(first.get("run_url")),
            date=str(first.get("date") or "unknown"),
            quote=f"output_tput_per_gpu at conc {first.get('conc')}: {first['metrics'].get('output_tput_per_gpu')}",
            publisher=PUBLISHER,
        ),
        secondary=False,
        reported_by=PUBLISHER,
        derived=disagg,
        conditions=EvidenceConditions(
            hardware=hw,
            model=model_id(first.get("model")),
            precision=str(first["precision"]).lower() if first.get("precision") else None,
            input_len=first.get("isl") if isinstance(first.get("isl"), int) else None,
            output_len=first.get("osl") if isinstance(first.get("osl"), int) else None,
            speculative=_speculative(first.get("spec_method")),
            phase="end-to-end",
        ),
        basis="system" if disagg else "card",
        packages=total_gpus if disagg else 1,
        points=points,
        notes=notes,
        provenance=Provenance(
            origin="publication",
            publisher=PUBLISHER,
            document=str(doc_url) if doc_url else None,
            document_sha256=digest,
            locator=f"rows {ids}; run {first.get('run_url')}",
            retrieved=retrieved,
        ),
    )


def load_inferencex_api(
    path: Path | str, hardware: Sequence[HardwareSpec] | None = None, set_aside: list[str] | None = None
) -> list[Evidence]:
    """A saved InferenceX API response as evidence records (one per configuration, levels by conc).

    A row with a bad figure (negative, not finite, not a number) or figures that contradict each
    other (an output rate above its concurrency x 1000 / mean TPOT) is set aside alone: its line
    ("<file>: row N (id, hardware, conc): field …") is appended to ``set_aside`` and the other rows
    are imported. Without ``set_aside`` the first bad row is a UserError; with every row bad, too."""
    p = Path(path)
    check_regular_file(p)
    try:
        data = p.read_bytes()
        doc = json.loads(data.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{p}: not valid JSON: {exc}") from None
    rows, wrapper = _rows_of(doc)
    if not rows or not is_inferencex_api(doc):
        raise UserError(f"{p}: field rows: no InferenceX API rows (each needs metrics, hardware and run_url)")
    groups: dict[tuple, list[tuple[int, dict, LoadPoint]]] = {}
    aside: list[str] = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("metrics"), dict):
            raise UserError(f"{p}: field rows[{i}].metrics: missing or not an object")
        try:
            point = _point(p, i, row)
        except (BadField, UserError, ValidationError) as exc:
            why = validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
            why = why.removeprefix(f"{p}: ")
            if set_aside is None:
                raise UserError(f"{p}: {_row_label(i, row)}: {why}") from None
            aside.append(f"{p}: {_row_label(i, row)}: {why}; row set aside")
            continue
        key = tuple(json.dumps(row.get(k), sort_keys=True) for k in _COND)
        groups.setdefault(key, []).append((i, row, point))
    if set_aside is not None:
        set_aside.extend(aside)  # every row bad: no record, each row's line
    digest = hashlib.sha256(data).hexdigest()
    return [_record(p, n, members, wrapper, digest, hardware) for n, members in enumerate(groups.values())]


def _load_with_rows_set_aside(p: Path) -> list[Evidence | EvidenceImportError]:
    aside: list[str] = []
    records: list[Evidence | EvidenceImportError] = list(load_inferencex_api(p, set_aside=aside))
    return [*records, *(EvidenceImportError(p, line) for line in aside)]


IMPORTER = FunctionImporter(
    name="inferencex-api",
    title="InferenceX API response",
    formats=(".json",),
    sniff_fn=lambda p: 0.95 if is_inferencex_api(first_json_document(p)) else 0.0,
    load_fn=lambda p, meta: _load_with_rows_set_aside(p),
)

"""SemiAnalysis InferenceX (formerly InferenceMAX) per-point result JSON (``agg_*.json``).

Format (SemiAnalysisAI/InferenceX ``utils/process_result.py``): one object per load point,
written from a ``vllm bench serve``-style result plus the run's environment —

* conditions: ``hw`` (runner type, e.g. ``h100``, ``b200``, ``mi355x``), ``model``, ``precision``,
  ``framework``, ``spec_decoding`` (``mtp`` / ``none``), ``isl``/``osl``, ``disagg``,
  ``is_multinode``, ``tp``/``ep``/``dp_attention`` (single node) or ``num_prefill_gpu`` /
  ``num_decode_gpu`` (multinode), ``conc`` (max concurrency);
* throughput per GPU: ``tput_per_gpu`` (total tokens), ``output_tput_per_gpu``,
  ``input_tput_per_gpu`` — single node: divided by ``tp``; multinode: total by all GPUs,
  output by the decode GPUs, input by the prefill GPUs;
* latencies in **seconds** (``mean_ttft``, ``median_tpot``, ``p99_e2el``…) and interactivity
  ``*_intvty`` = 1000 / TPOT ms (tok/s/user).

A file holds one point or a list of them; points that share their conditions become the load
levels of one record. Single-node points are per GPU (basis card) and equal the file's values.
Multinode points are converted back to the whole system (output = ``output_tput_per_gpu`` × decode
GPUs, over prefill + decode GPUs), because InferenceX's per-GPU output figure counts decode GPUs
only. The runner type is mapped to a registry id only when it names that exact part.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.load.peers.common import (
    concurrency_bound,
    first_json_document,
    hardware_from_device_name,
    json_objects,
    model_id,
    num,
    read_text_file,
)
from claimbench.schema.claims import Speculative
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint

_STATS = {"mean": "mean", "p50": "median", "p90": "p90", "p99": "p99"}
_LAT = ("ttft", "tpot", "itl", "e2el")
_COND_KEYS = ("hw", "model", "precision", "framework", "spec_decoding", "isl", "osl", "disagg", "is_multinode")


def is_inferencex(obj: Any) -> bool:
    """Whether a JSON document is InferenceX result rows."""
    first = obj[0] if isinstance(obj, list) and obj else obj
    return isinstance(first, dict) and "tput_per_gpu" in first and "hw" in first


def hardware_id(hw: Any) -> str | None:
    """Registry id of an InferenceX runner type (its hardware part, e.g. ``h200`` of ``h200-trt``):
    a part whose ``device_names`` has exactly that name, else None (``gb200`` is not a ``b200``)."""
    if not isinstance(hw, str) or not hw.strip():
        return None
    key = hw.strip().lower().split("-")[0].split("_")[0]
    return hardware_from_device_name(key, exact=True)


def _gpus(pt: dict) -> tuple[int | None, int | None]:
    """(all GPUs, GPUs the output figure is divided by)."""
    if pt.get("is_multinode"):
        pre, dec = pt.get("num_prefill_gpu"), pt.get("num_decode_gpu")
        if isinstance(pre, int) and isinstance(dec, int):
            return pre + dec, dec
        return None, None
    tp = pt.get("tp")
    return (tp, tp) if isinstance(tp, int) else (None, None)


def _point(p: Path, i: int, pt: dict) -> LoadPoint:
    for key in ("conc", "output_tput_per_gpu", "tput_per_gpu"):
        if num(pt.get(key)) is None:
            raise UserError(f"{p}: field [{i}].{key}: missing or not a number")
    values: dict[str, Any] = {"level": f"conc{pt['conc']}", "concurrency": float(pt["conc"])}
    if pt.get("is_multinode"):
        total_gpus, out_gpus = _gpus(pt)
        if total_gpus is None:
            raise UserError(f"{p}: field [{i}].num_prefill_gpu/num_decode_gpu: missing for a multinode point")
        values["output_tok_per_s"] = pt["output_tput_per_gpu"] * out_gpus
        values["total_tok_per_s"] = pt["tput_per_gpu"] * total_gpus
        if num(pt.get("input_tput_per_gpu")) is not None and isinstance(pt.get("num_prefill_gpu"), int):
            values["input_tok_per_s"] = pt["input_tput_per_gpu"] * pt["num_prefill_gpu"]
    else:
        values["output_tok_per_s"] = num(pt["output_tput_per_gpu"])
        values["total_tok_per_s"] = num(pt["tput_per_gpu"])
        values["input_tok_per_s"] = num(pt.get("input_tput_per_gpu"))
    for metric in _LAT:
        for ours, theirs in _STATS.items():
            v = num(pt.get(f"{theirs}_{metric}"))
            values[f"{metric}_{ours}_ms"] = v * 1000.0 if v is not None else None
    # per GPU (single node: the system over tp) the batch is conc / tp; multinode: the whole system's
    tp = pt.get("tp")
    units = tp if not pt.get("is_multinode") and isinstance(tp, int) and tp > 0 else 1
    values["batch_per_unit"] = values["concurrency"] / units
    bad = concurrency_bound(
        values["output_tok_per_s"],
        "output_tput_per_gpu" if units != 1 or not pt.get("is_multinode") else "output_tput_per_gpu x decode GPUs",
        values["concurrency"],
        "conc",
        values["tpot_mean_ms"],
        "mean_tpot",
        units=units,
        per=" per GPU" if not pt.get("is_multinode") else "",
    )
    if bad:
        raise UserError(f"{p}: self-inconsistent evidence set aside: point [{i}] (conc {pt['conc']}): {bad}")
    return LoadPoint(**values)


def _speculative(value: Any) -> Speculative | str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("none", "false", "", "no"):
        return "none"
    return Speculative(method=text)


def load_inferencex(path: Path | str) -> list[Evidence]:
    """An InferenceX results file as evidence (one record per configuration)."""
    p = Path(path)
    try:
        docs = json_objects(read_text_file(p))
    except (OSError, json.JSONDecodeError, ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{p}: not valid JSON: {exc}") from None
    pts: list[dict] = []
    for doc in docs:
        pts.extend(doc if isinstance(doc, list) else [doc])
    if not pts or not all(isinstance(x, dict) for x in pts) or not is_inferencex(pts):
        raise UserError(f"{p}: field tput_per_gpu: missing (not an InferenceX result)")
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    for i, pt in enumerate(pts):
        key = tuple(json.dumps(pt.get(k), sort_keys=True) for k in _COND_KEYS) + (_gpus(pt),)
        groups.setdefault(key, []).append((i, pt))
    out: list[Evidence] = []
    for n, members in enumerate(groups.values()):
        first = members[0][1]
        points = sorted((_point(p, i, pt) for i, pt in members), key=lambda x: x.concurrency or 0)
        total_gpus, _ = _gpus(first)
        multinode = bool(first.get("is_multinode"))
        hw = hardware_id(first.get("hw"))
        notes = [
            "InferenceX: latencies converted from seconds; TPOT as vllm bench serve computes it "
            "(first token excluded); interactivity = 1000 / TPOT ms.",
            f"framework {first.get('framework')!r}"
            + (f", image {first.get('image')}" if first.get("image") else "")
            + (
                f", tp {first.get('tp')} ep {first.get('ep')} dp_attention {first.get('dp_attention')}"
                if not multinode
                else f", {first.get('num_prefill_gpu')} prefill + {first.get('num_decode_gpu')} decode GPUs"
                + (" (disaggregated)" if first.get("disagg") else "")
            ),
        ]
        if hw is None:
            notes.append(
                f"runner type {first.get('hw')!r} is not a registry hardware id: unknown "
                "(give --evidence-meta hardware=<id>)"
            )
        if multinode:
            notes.append(
                "multinode: InferenceX's output_tput_per_gpu counts decode GPUs only; converted to the "
                f"whole system of {total_gpus} GPUs"
            )
        suffix = f"#{n}" if len(groups) > 1 else ""
        out.append(
            Evidence(
                id=f"inferencex:{p.stem}{suffix}",
                kind="inferencex",
                path=str(p),
                title=f"InferenceX {first.get('model')} {first.get('precision')} on {first.get('hw')}",
                secondary=False,
                reported_by="semianalysis",
                derived=False,
                conditions=EvidenceConditions(
                    hardware=hw,
                    model=model_id(first.get("model")),
                    precision=str(first["precision"]).lower() if first.get("precision") else None,
                    input_len=first.get("isl") if isinstance(first.get("isl"), int) else None,
                    output_len=first.get("osl") if isinstance(first.get("osl"), int) else None,
                    speculative=_speculative(first.get("spec_decoding", first.get("mtp"))),
                    phase="end-to-end",
                ),
                basis="system" if multinode else "card",
                packages=total_gpus if multinode else None,
                points=points,
                notes=notes,
            )
        )
    return out


IMPORTER = FunctionImporter(
    name="inferencex",
    title="InferenceX",
    formats=(".json",),
    sniff_fn=lambda p: 0.9 if is_inferencex(first_json_document(p)) else 0.0,
    load_fn=lambda p, meta: load_inferencex(p),
)

"""AIPerf profile exports (``aiperf profile``; ``profile_export_aiperf.json``, schema 1.x).

One file is one load point (AIPerf writes one artifact folder per run). Numbers are AIPerf's own
summary, as its console table prints them:

* ``output_token_throughput.avg`` (and ``total_token_throughput``, ``input_token_throughput``,
  ``request_throughput``), ``benchmark_duration``;
* TPOT: AIPerf's ``inter_token_latency`` = (request latency − TTFT) / (output tokens − 1) per
  request, i.e. our TPOT (DESIGN.md); ITL: its ``inter_chunk_latency`` (gaps between streamed
  chunks, pooled); TTFT: ``time_to_first_token``; E2EL: ``request_latency`` (all ms).

AIPerf counts tokens with its client tokenizer unless ``--use-server-token-count`` was given
(``input_config.endpoint.use_server_token_count``): without it the token counts (and so the
throughputs) depend on the tokenizer it was given, which the notes say. Conditions: model from
``input_config.models``, requested lengths from ``input_config.datasets[].prompts.{isl,osl}.mean``
(synthetic data with no stddev), concurrency / request rate from the profiling phase. AIPerf has
no field for the hardware or precision: give them with ``--evidence-meta``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.load.peers.common import (
    bound_by_fewest_in_flight,
    dig,
    first_json_document,
    model_id,
    num,
    rate,
    rate_vs_totals,
    read_text_file,
)
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint

_STAT_KEYS = {"mean": "avg", "p50": "p50", "p90": "p90", "p99": "p99"}
_LATENCIES = {
    "ttft": "time_to_first_token",
    "tpot": "inter_token_latency",
    "itl": "inter_chunk_latency",
    "e2el": "request_latency",
}


def is_aiperf(obj: Any) -> bool:
    """Whether a JSON object is an AIPerf profile export."""
    return isinstance(obj, dict) and (
        "aiperf_version" in obj or ("input_config" in obj and "output_token_throughput" in obj)
    )


def _avg(obj: dict, key: str) -> float | None:
    return num(dig(obj, key, "avg"))


def _profiling_phase(cfg: dict) -> dict:
    phases = cfg.get("phases")
    if isinstance(phases, list):
        for ph in phases:
            if isinstance(ph, dict) and (ph.get("kind") == "profiling" or ph.get("name") == "profiling"):
                return ph
    return {}


def _requested_length(cfg: dict, key: str) -> int | None:
    datasets = cfg.get("datasets")
    if not isinstance(datasets, list) or len(datasets) != 1:
        return None
    dist = dig(datasets[0], "prompts", key)
    if not isinstance(dist, dict) or dist.get("stddev"):
        return None
    mean = num(dist.get("mean"))
    return round(mean) if mean is not None else None


def _request_counts(obj: dict) -> tuple[float | None, float | None]:
    """(completed, failed) requests; an empty error summary means none failed."""
    n_ok = _avg(obj, "completed_request_count")
    if n_ok is None:
        n_ok = _avg(obj, "request_count")
    n_failed = _avg(obj, "error_request_count")
    if n_failed is None and obj.get("error_summary") == []:
        n_failed = 0
    return n_ok, n_failed


def check_totals(p: Path, obj: dict, values: dict[str, Any]) -> None:
    """The export's own figures agree (a UserError naming ``p`` and both figures otherwise): its throughputs are its
    totals over ``benchmark_duration``, and its output rate is within what its concurrency (or, for a
    request-rate phase, its request count) and mean inter-token latency allow. Fills ``batch_per_unit``."""
    dur = values["duration_s"]
    reasons = [
        rate_vs_totals(
            values["output_tok_per_s"],
            "output_token_throughput.avg",
            _avg(obj, "total_output_tokens"),
            "total_output_tokens.avg",
            dur,
            "tok/s",
        ),
        rate_vs_totals(
            values["request_per_s"],
            "request_throughput.avg",
            _avg(obj, "request_count"),
            "request_count.avg",
            dur,
            "req/s",
        ),
    ]
    n_req = (values["n_ok"] or 0) + (values["n_failed"] or 0)
    named = [(values["concurrency"], "input_config.phases[profiling].concurrency"), (float(n_req), "request count")]
    reasons.append(bound_by_fewest_in_flight(values, named, "output_token_throughput.avg", "inter_token_latency.avg"))
    for reason in reasons:
        if reason:
            raise UserError(f"{p}: self-inconsistent evidence set aside: {reason}")


def load_aiperf(path: Path | str) -> Evidence:
    """An AIPerf ``profile_export_aiperf.json`` as evidence (one load point)."""
    p = Path(path)
    try:
        obj = json.loads(read_text_file(p))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{p}: not valid JSON: {exc}") from None
    if not is_aiperf(obj):
        raise UserError(f"{p}: field aiperf_version: missing (not an AIPerf profile export)")
    for key in ("output_token_throughput", "request_count"):
        if _avg(obj, key) is None:
            raise UserError(f"{p}: field {key}.avg: missing")
    cfg = obj.get("input_config") or {}
    phase = _profiling_phase(cfg)
    n_ok, n_failed = _request_counts(obj)
    values: dict[str, Any] = {
        "level": "0",
        "concurrency": num(phase.get("concurrency")),
        "request_rate": rate(phase.get("request_rate")),
        "n_ok": int(n_ok) if n_ok is not None else None,
        "n_failed": int(n_failed) if n_failed is not None else None,
        "duration_s": _avg(obj, "benchmark_duration"),
        "request_per_s": _avg(obj, "request_throughput"),
        "output_tok_per_s": _avg(obj, "output_token_throughput"),
        "total_tok_per_s": _avg(obj, "total_token_throughput"),
        "input_tok_per_s": _avg(obj, "input_token_throughput"),
    }
    for ours, theirs in _LATENCIES.items():
        for stat, key in _STAT_KEYS.items():
            values[f"{ours}_{stat}_ms"] = num(dig(obj, theirs, key))
    if values["n_ok"] == 0:
        for k in list(values):
            if k.endswith("_ms") or k.endswith("_tok_per_s"):
                values[k] = None
    check_totals(p, obj, values)
    notes = [
        "AIPerf: TPOT here is its inter_token_latency ((latency - TTFT)/(output tokens - 1), first token "
        "excluded); ITL is its inter_chunk_latency; throughput is its output_token_throughput."
    ]
    if not dig(cfg, "endpoint", "use_server_token_count"):
        notes.append(
            "tokens were counted with AIPerf's client tokenizer (no --use-server-token-count): throughput "
            "depends on that tokenizer"
        )
    if obj.get("is_complete") is False or obj.get("was_cancelled"):
        notes.append("AIPerf marks this run incomplete or cancelled")
    models = dig(cfg, "models", "items")
    model = models[0].get("name") if isinstance(models, list) and models and isinstance(models[0], dict) else None
    in_len = _requested_length(cfg, "isl")
    out_len = _requested_length(cfg, "osl")
    mean_in = _avg(obj, "input_sequence_length")
    if in_len is None and mean_in is not None:
        in_len = round(mean_in)
        notes.append(f"input_len read as the mean input sequence length {in_len}")
    elif in_len is not None and mean_in is not None and abs(mean_in - in_len) > 0.05 * in_len:
        notes.append(f"requested prompts of {in_len} tokens; {mean_in:g} counted on average")
    mean_out = _avg(obj, "output_sequence_length")
    if out_len is None and mean_out is not None:
        out_len = round(mean_out)
        notes.append(f"output_len read as the mean output sequence length {out_len}")
    notes.append("AIPerf records no hardware or precision: unknown unless given with --evidence-meta")
    return Evidence(
        id=f"aiperf:{obj.get('benchmark_id') or p.name}",
        kind="aiperf",
        path=str(p),
        title=f"AIPerf {obj.get('aiperf_version', '')} profile".replace("  ", " "),
        secondary=False,
        reported_by="peer file",
        derived=False,
        status="complete" if obj.get("is_complete", True) and not obj.get("was_cancelled") else "incomplete",
        conditions=EvidenceConditions(
            hardware=None,
            model=model_id(model),
            precision=None,
            input_len=in_len,
            output_len=out_len,
            speculative=None,
            phase="end-to-end",
        ),
        basis="system",
        packages=None,
        points=[LoadPoint(**values)],
        notes=notes,
    )


IMPORTER = FunctionImporter(
    name="aiperf",
    title="AIPerf",
    formats=(".json",),
    sniff_fn=lambda p: 0.9 if is_aiperf(first_json_document(p)) else 0.0,
    load_fn=lambda p, meta: [load_aiperf(p)],
)

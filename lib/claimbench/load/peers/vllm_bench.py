"""``vllm bench serve --save-result`` JSON files (one object, or several appended with ``--append-result``).

One load point per result object: vLLM's own summary figures (TPOT excludes the first token, as
ours; percentiles by numpy linear interpolation; throughput = tokens / benchmark duration), and the
per-request lists (``output_lens``, ``ttfts``, ``itls``) as samples when the file has them.
Conditions the file cannot state come from ``--metadata hardware=<id> ...`` or ``--evidence-meta``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.load.peers.common import (
    BadField,
    SelfInconsistent,
    bound_by_fewest_in_flight,
    first_json_document,
    model_id,
    num,
    rate,
    rate_vs_totals,
    read_json_documents,
    strict,
)
from claimbench.schema.evidence import _LAT, _STATS, Evidence, EvidenceConditions, LoadPoint, RequestSamples

_VLLM_REQUIRED = ("completed", "output_throughput")


def _vllm_point(obj: dict, idx: int) -> LoadPoint:
    completed = int(obj["completed"])
    failed = obj.get("failed")
    values: dict[str, Any] = {
        "level": str(idx),
        "concurrency": strict(obj.get("max_concurrency"), "max_concurrency"),
        "request_rate": rate(obj.get("request_rate")),
        "n_ok": completed,
        "n_failed": int(failed) if isinstance(failed, int) else None,
        "duration_s": strict(obj.get("duration"), "duration"),
        "request_per_s": strict(obj.get("request_throughput"), "request_throughput"),
        "output_tok_per_s": strict(obj.get("output_throughput"), "output_throughput"),
        "total_tok_per_s": strict(obj.get("total_token_throughput"), "total_token_throughput"),
        "goodput_req_per_s": strict(obj.get("request_goodput"), "request_goodput"),
    }
    req_rate = values["request_rate"]
    if req_rate is not None and (req_rate != req_rate or req_rate < 0):
        raise BadField(f"field request_rate: {req_rate} is not a positive rate")
    dur = values["duration_s"]
    total_in = strict(obj.get("total_input_tokens"), "total_input_tokens")
    if dur and total_in is not None:
        values["input_tok_per_s"] = total_in / dur
    for metric in _LAT:
        values[f"{metric}_mean_ms"] = strict(obj.get(f"mean_{metric}_ms"), f"mean_{metric}_ms")
        values[f"{metric}_p50_ms"] = strict(obj.get(f"median_{metric}_ms"), f"median_{metric}_ms")
        for q in ("90", "99"):
            values[f"{metric}_p{q}_ms"] = strict(obj.get(f"p{q}_{metric}_ms"), f"p{q}_{metric}_ms")
    if completed == 0:  # vLLM writes 0 for empty statistics; missing is null here
        for metric in _LAT:
            for stat in _STATS:
                values[f"{metric}_{stat}_ms"] = None
        values["output_tok_per_s"] = None
        values["total_tok_per_s"] = None
    _check_totals(obj, values, completed)
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
            ttft.append(1000.0 * t0 if num(t0) is not None else None)
            tpot.append(1000.0 * sum(gaps) / (n_out - 1) if isinstance(gaps, list) and n_out and n_out > 1 else None)
            e2el.append(1000.0 * (t0 + sum(gaps)) if num(t0) is not None and isinstance(gaps, list) else None)
        if out_tok:
            samples = RequestSamples(output_tokens=out_tok, tpot_ms=tpot, ttft_ms=ttft, wall_s=dur, e2el_ms=e2el)
    return LoadPoint(samples=samples, **values)


def _check_totals(obj: dict, values: dict[str, Any], completed: int) -> None:
    """The result's own figures agree (:class:`SelfInconsistent` otherwise): its rates are its totals over
    its duration, it completed no more requests than it sent, and its output rate is within what its
    concurrency and mean TPOT allow. Fills ``batch_per_unit``: the requests in flight are at most
    ``max_concurrency`` and at most the requests sent; the rates are the whole run's, as the batch."""
    dur = values["duration_s"]
    failed = values["n_failed"] or 0
    sent = obj.get("num_prompts")
    if isinstance(sent, int) and not isinstance(sent, bool) and completed + failed > sent:
        raise SelfInconsistent(f"completed {completed} + failed {failed} requests is more than num_prompts {sent}")
    total_out = strict(obj.get("total_output_tokens"), "total_output_tokens")
    total_in = strict(obj.get("total_input_tokens"), "total_input_tokens")
    reasons = [
        rate_vs_totals(values["output_tok_per_s"], "output_throughput", total_out, "total_output_tokens", dur, "tok/s"),
        rate_vs_totals(values["request_per_s"], "request_throughput", float(completed), "completed", dur, "req/s"),
        rate_vs_totals(
            values["total_tok_per_s"],
            "total_token_throughput",
            total_in + total_out if total_in is not None and total_out is not None else None,
            "(total_input_tokens + total_output_tokens)",
            dur,
            "tok/s",
        ),
    ]
    named = [(values["concurrency"], "max_concurrency"), (float(completed + failed), "(completed + failed)")]
    reasons.append(bound_by_fewest_in_flight(values, named, "output_throughput", "mean_tpot_ms"))
    for reason in reasons:
        if reason:
            raise SelfInconsistent(reason)


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
        except SelfInconsistent as exc:
            where = f" (result {i})" if len(objs) > 1 else ""
            raise UserError(f"{p}: self-inconsistent evidence set aside{where}: {exc}") from None
        except BadField as exc:
            raise UserError(f"{p}: {exc}" + (f" (result {i})" if len(objs) > 1 else "")) from None
    first = objs[0]
    models = {model_id(o.get("model_id")) for o in objs}
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
            model=model_id(first.get("model_id")),
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


def sniff(path: Path) -> float:
    """0.5 for a JSON object with vLLM's summary keys: generic names, so the specific formats win."""
    first = first_json_document(path)
    return 0.5 if isinstance(first, dict) and ("output_throughput" in first or "completed" in first) else 0.0


IMPORTER = FunctionImporter(
    name="vllm_bench",
    title="vllm bench serve",
    formats=(".json",),
    sniff_fn=sniff,
    load_fn=lambda p, meta: [load_vllm_bench(p)],
)

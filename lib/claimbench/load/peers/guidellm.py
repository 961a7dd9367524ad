"""GuideLLM ``benchmarks.json`` reports (``guidellm run --output kind=json,...``; 0.8.x layout).

One load point per benchmark (strategy). Numbers are GuideLLM's own summary statistics of the
successful requests, as its console prints them:

* throughput: the mean of ``metrics.output_tokens_per_second`` (and ``tokens_per_second``,
  ``prompt_tokens_per_second``, ``requests_per_second``);
* TPOT: ``inter_token_latency_ms`` = (last − first token) / (n − 1) per request, i.e. our TPOT;
  GuideLLM's own ``time_per_output_token_ms`` includes the first token and is not used;
* TTFT: ``time_to_first_token_ms``; E2EL: ``request_latency`` (seconds, converted to ms).

Conditions: the hardware, package count, precision and publisher come from the run's labels
(``guidellm run --label hardware=<registry id> --label packages=1 --label precision=bf16``, stored
at ``config.metadata.labels``; older reports: ``output_extras``). Input and output lengths are the
synthetic data's requested ``prompt_tokens`` / ``output_tokens`` (``config.spec.data``); without
them, the mean token counts the server reported (rounded) are used and said so in the notes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.load.importers import FunctionImporter
from claimbench.load.peers.common import (
    BadField,
    SelfInconsistent,
    bound_by_fewest_in_flight,
    dig,
    first_json_document,
    model_id,
    num,
    rate_vs_totals,
    read_json_documents,
    strict,
)
from claimbench.schema.evidence import _LAT, _STATS, Evidence, EvidenceConditions, LoadPoint


def _stat(metrics: dict, name: str, stat: str) -> float | None:
    """``metrics[name].successful.{mean|median|percentiles.pNN}``; a non-number, NaN, inf or a
    negative value is a BadField naming the field (the one number check, :mod:`claimbench.numbers`)."""
    dist = dig(metrics, name, "successful")
    if not isinstance(dist, dict):
        return None
    where = f"metrics.{name}.successful"
    if stat == "mean":
        return strict(dist.get("mean"), f"{where}.mean")
    if stat == "p50":
        if dist.get("median") is not None:
            return strict(dist.get("median"), f"{where}.median")
        return strict(dig(dist, "percentiles", "p50"), f"{where}.percentiles.p50")
    return strict(dig(dist, "percentiles", stat), f"{where}.percentiles.{stat}")


def labels(report: dict) -> dict[str, str]:
    """The run's ``--label`` pairs (0.8: ``config.metadata.labels``; older: ``output_extras``)."""
    found: dict[str, str] = {}
    for source in (
        report.get("output_extras"),
        dig(report, "args", "output_extras"),
        dig(report, "config", "metadata", "labels"),
    ):
        if isinstance(source, dict):
            found.update({str(k): v for k, v in source.items() if v is not None})
    return found


def _int_label(p: Path, lab: dict, key: str) -> int | None:
    value = lab.get(key)
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise UserError(f"{p}: field config.metadata.labels.{key}: {value!r} is not an integer") from None


def _requested_lengths(report: dict) -> tuple[int | None, int | None]:
    data = dig(report, "config", "spec", "data")
    if not isinstance(data, list) or len(data) != 1 or not isinstance(data[0], dict):
        return None, None
    spec = data[0]
    vary = any(spec.get(f"{k}_stdev") for k in ("prompt_tokens", "output_tokens"))
    if vary:
        return None, None
    pin, pout = spec.get("prompt_tokens"), spec.get("output_tokens")
    return (pin if isinstance(pin, int) else None), (pout if isinstance(pout, int) else None)


def _measured_length(benches: list, name: str) -> float | None:
    for bench in benches:
        if isinstance(bench, dict):
            v = _stat(bench.get("metrics") or {}, name, "mean")
            if v is not None:
                return v
    return None


def _point(p: Path, i: int, bench: Any) -> LoadPoint:
    metrics = bench.get("metrics") if isinstance(bench, dict) else None
    if not isinstance(metrics, dict):
        raise UserError(f"{p}: field benchmarks[{i}].metrics: missing")
    strategy = dig(bench, "config", "strategy") or dig(bench, "args", "strategy") or {}
    stype = strategy.get("type_") if isinstance(strategy, dict) else None
    conc = None
    rate = None
    if stype == "synchronous":
        conc = 1.0
    elif stype == "concurrent":
        conc = num(strategy.get("streams"))
    elif stype in ("constant", "poisson"):
        rate = num(strategy.get("rate"))
    elif stype == "throughput":
        rate = math.inf
    totals = metrics.get("request_totals") or {}
    values: dict[str, Any] = {
        "level": f"{i}:{stype}" if stype else str(i),
        "concurrency": conc,
        "request_rate": rate,
        "n_ok": totals.get("successful") if isinstance(totals.get("successful"), int) else None,
        "n_failed": totals.get("errored") if isinstance(totals.get("errored"), int) else None,
        "duration_s": num(bench.get("duration")),
        "request_per_s": _stat(metrics, "requests_per_second", "mean"),
        "output_tok_per_s": _stat(metrics, "output_tokens_per_second", "mean"),
        "total_tok_per_s": _stat(metrics, "tokens_per_second", "mean"),
        "input_tok_per_s": _stat(metrics, "prompt_tokens_per_second", "mean"),
    }
    for stat in _STATS:
        values[f"ttft_{stat}_ms"] = _stat(metrics, "time_to_first_token_ms", stat)
        values[f"tpot_{stat}_ms"] = _stat(metrics, "inter_token_latency_ms", stat)
        lat = _stat(metrics, "request_latency", stat)
        values[f"e2el_{stat}_ms"] = lat * 1000.0 if lat is not None else None
    if values["n_ok"] == 0:
        for metric in _LAT:
            for stat in _STATS:
                values[f"{metric}_{stat}_ms"] = None
    _check_totals(i, bench, metrics, totals, strategy if isinstance(strategy, dict) else {}, values)
    return LoadPoint(**values)


def _check_totals(i: int, bench: dict, metrics: dict, totals: dict, strategy: dict, values: dict[str, Any]) -> None:
    """The benchmark's own figures agree (:class:`SelfInconsistent` otherwise): its mean rates are its
    totals over its duration (GuideLLM computes them so), its request counts add up, and its output
    rate is within what its concurrency (streams; or every request at once) and mean inter-token
    latency allow. Fills ``batch_per_unit`` with that concurrency cap (the rates are the whole run's)."""
    where = f"benchmarks[{i}].metrics"
    dur = values["duration_s"]
    ok, total = totals.get("successful"), totals.get("total")
    if isinstance(ok, int) and isinstance(total, int) and ok > total:
        raise SelfInconsistent(f"{where}.request_totals: successful {ok} is more than total {total}")
    out_sum = strict(
        dig(metrics, "output_token_count", "successful", "total_sum"),
        f"{where}.output_token_count.successful.total_sum",
    )
    reasons = [
        rate_vs_totals(
            values["output_tok_per_s"],
            f"{where}.output_tokens_per_second.successful.mean",
            out_sum,
            "output_token_count.successful.total_sum",
            dur,
            "tok/s",
        ),
        rate_vs_totals(
            values["request_per_s"],
            f"{where}.requests_per_second.successful.mean",
            float(ok) if isinstance(ok, int) else None,
            "request_totals.successful",
            dur,
            "req/s",
        ),
    ]
    named = [
        (
            values["concurrency"],
            f"benchmarks[{i}].config.strategy."
            + ("type_ synchronous (one request at a time)" if strategy.get("type_") == "synchronous" else "streams"),
        ),
        (num(strategy.get("max_concurrency")), f"benchmarks[{i}].config.strategy.max_concurrency"),
        (float(total) if isinstance(total, int) else None, f"{where}.request_totals.total"),
    ]
    out_field = f"{where}.output_tokens_per_second.successful.mean"
    reasons.append(bound_by_fewest_in_flight(values, named, out_field, "inter_token_latency_ms.successful.mean"))
    for reason in reasons:
        if reason:
            raise SelfInconsistent(reason)


def load_guidellm(path: Path | str) -> Evidence:
    """A GuideLLM ``benchmarks.json`` report: one point per benchmark (strategy)."""
    p = Path(path)
    try:
        return _load(p)
    except SelfInconsistent as exc:
        raise UserError(f"{p}: self-inconsistent evidence set aside: {exc}") from None
    except BadField as exc:
        raise UserError(f"{p}: {exc}") from None


def _load(p: Path) -> Evidence:
    docs = read_json_documents(p)  # a regular file of bounded size, UTF-8, valid JSON
    if len(docs) != 1:
        raise UserError(f"{p}: expected one JSON document, found {len(docs)}")
    report = docs[0]
    if not isinstance(report, dict) or not isinstance(report.get("benchmarks"), list):
        raise UserError(f"{p}: field benchmarks: missing (not a GuideLLM report)")
    benches = report["benchmarks"]
    points = [_point(p, i, bench) for i, bench in enumerate(benches)]
    model = None
    for candidate in (
        dig(report, "args", "model"),
        dig(report, "args", "processor"),
        dig(report, "config", "spec", "backend", "model"),
        dig(benches[0], "config", "backend", "model") if benches else None,
    ):
        if isinstance(candidate, str) and candidate:
            model = candidate
            break
    lab = labels(report)
    hardware = lab.get("hardware")
    packages = _int_label(p, lab, "packages")
    if hardware == "cpu-host" and packages is None:
        packages = 1
    notes = [
        "GuideLLM: TPOT here is its inter_token_latency_ms (first token excluded); its own "
        "time_per_output_token_ms includes the first token and is not used. Throughput is the "
        "mean of its output_tokens_per_second distribution, as its console prints it."
    ]
    if hardware is None:
        notes.append(
            "no hardware label (guidellm run --label hardware=<id>, or --evidence-meta hardware=<id>): unknown"
        )
    in_len, out_len = _requested_lengths(report)
    mean_in = _measured_length(benches, "prompt_token_count")
    mean_out = _measured_length(benches, "output_token_count")
    if in_len is None and mean_in is not None:
        in_len = round(mean_in)
        notes.append(f"input_len read as the mean prompt length the server reported ({mean_in:g})")
    elif in_len is not None and mean_in is not None and abs(mean_in - in_len) > 0.05 * in_len:
        notes.append(f"requested prompts of {in_len} tokens; the server counted {mean_in:g} on average")
    if out_len is None and mean_out is not None:
        out_len = round(mean_out)
        notes.append(f"output_len read as the mean output length the server reported ({mean_out:g})")
    precision = lab.get("precision")
    return Evidence(
        id=f"guidellm:{p.name}",
        kind="guidellm",
        path=str(p),
        title="GuideLLM report",
        secondary=False,
        reported_by=str(lab.get("publisher") or "peer file"),
        derived=False,
        conditions=EvidenceConditions(
            hardware=hardware,
            model=model_id(lab.get("model") or model),
            precision=str(precision).lower() if precision else None,
            input_len=in_len,
            output_len=out_len,
            speculative=None,
            phase="end-to-end",
        ),
        basis="card" if packages == 1 else "system",
        packages=packages,
        points=points,
        notes=notes,
    )


def sniff(path: Path) -> float:
    """0.9 for a JSON object with a ``benchmarks`` list (GuideLLM's report)."""
    first = first_json_document(path)
    return 0.9 if isinstance(first, dict) and "benchmarks" in first else 0.0


IMPORTER = FunctionImporter(
    name="guidellm",
    title="GuideLLM",
    formats=(".json",),
    sniff_fn=sniff,
    load_fn=lambda p, meta: [load_guidellm(p)],
)

"""Render ``benchmarks/README.md`` from ``benchmarks/results/*.json`` (``python -m benchmarks.report``)."""

from __future__ import annotations

from typing import Any

from benchmarks.common import ROOT, read_result

HEADER = """# claimbench benchmarks

Runnable benchmarks and their latest recorded results. Everything here is regenerated from
`results/*.json` by `python -m benchmarks.report`; `make bench` (`python -m benchmarks.run`) runs
all benchmarks and rewrites both. `--quick` gives a fast, rougher pass. Timings on a shared
2-core machine are noisy: each JSON records the load average and the competing processes seen at
the start, and the tables below are single runs unless a spread is shown.

| benchmark | what it answers | run alone |
|---|---|---|
| `client_accuracy` | timing error of claimbench's streaming client vs ground truth, and of `vllm bench serve`, up to where the reference server gives out | `python -m benchmarks.client_accuracy [--quick] [--burst]` |
| `slo_search` | levels needed to find max throughput under a TPOT SLO to ±5 %: search vs doubling grid | `python -m benchmarks.slo_search [--quick] [--vllm]` |
| `analysis_scale` | metrics and bootstrap CIs over 10 M request rows: polars vs pandas | `python -m benchmarks.analysis_scale [--quick] [--rows N]` |
| `workers_scaling` | aggregate chunk rate and TTFT/TPOT error of 1, 2, 4 Ray client workers vs one process, against the reference server | `python -m benchmarks.workers_scaling [--quick] [--streams …] [--workers …]` |
| `analysis_system_scale` | exact summary + bootstrap CIs of a 500 M-chunk run streamed from parquet parts: time and peak memory vs the in-memory path | `python -m benchmarks.analysis_system_scale [--quick] [--chunks N]` |
"""


def _f(v: Any, nd: int = 2, pct: bool = False) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "**no**"
    if pct:
        return f"{100 * v:+.2f} %"
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return f"{v:,}"
    return f"{v:,.{nd}f}"


def _machine(m: dict[str, Any] | None) -> str:
    if not m:
        return ""
    bits = [
        f"{m.get('cpu_model')}",
        f"{m.get('logical_cores')} logical cores",
        f"{m.get('memory_gib')} GiB",
        f"{m.get('os')}",
        f"Python {m.get('python')}",
    ]
    for k in ("aiohttp", "uvloop", "vllm", "polars", "pandas"):
        if m.get(k):
            bits.append(f"{k} {m[k]}")
    s = f"Machine: {', '.join(bits)}; run {m.get('date_utc')}, load average at start {m.get('loadavg_at_start')}."
    comp = m.get("competing_processes_at_start") or []
    if comp:
        s += f" Other busy processes at start: {len(comp)} (listed in the JSON)."
    return s


def client_accuracy_section(r: dict[str, Any]) -> str:
    st = r["settings"]
    srv = st["server"]
    out = [
        "## Client timing accuracy (`client_accuracy`)",
        "",
        _machine(r.get("machine")),
        "",
        f"Reference server: `claimbench.measurement.mockserver`, TTFT {srv['ttft_ms']:g} ms, one token every {srv['gap_ms']:g} ms, "
        f"precise wait {'on' if srv.get('precise') else 'off'}; {st['output_len']} output tokens per request, "
        f"≥{st['min_requests']} requests per level, arrivals: {', '.join(st['arrivals'])} "
        "(ramp = streams' starts spread over one request's duration, steady state). Client and server share the "
        "machine's cores. Errors are client − ground truth, ms. *send* = server received − client sent (loopback + "
        "server intake), *recv* = client chunk time − server write (pooled over every chunk). `vllm bench serve` "
        "reports aggregates only: its errors are its median minus the server's median. *late* = the server's "
        "chunk-write lateness vs its schedule, p50/p99 ms (it holds its schedule while p50 ≤ 1 and p99 ≤ 5). "
        "*within* = median TTFT error ≤ 1 ms, median TPOT error ≤ 0.5 ms, throughput within 1 %.",
        "",
        "| client | arrivals | streams | chunks/s | TTFT err p50 | TTFT err p99 | TPOT err p50 | throughput err | send p50 | recv p50 / p99 | server late p50 / p99 | server held | within |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|",
    ]
    order = {"claimbench asyncio": 0, "claimbench uvloop": 1, "claimbench pool×2": 2, "vllm bench serve": 3}
    rows = sorted(r["levels"], key=lambda lv: (lv.get("arrivals", "ramp"), lv["streams"], order.get(lv["client"], 9)))
    for lv in rows:
        if "error" in lv:
            out.append(
                f"| {lv['client']} | {lv.get('arrivals', '')} | {lv['streams']} | failed: {lv['error'][-80:]!r} |||||||||||"
            )
            continue
        late = (lv.get("server") or {}).get("lateness_ms") or {}
        if lv["client"] == "vllm bench serve":
            ttft50, ttft99, tpot = (
                lv.get("ttft_median_diff_ms"),
                lv.get("ttft_p99_diff_ms"),
                lv.get("tpot_median_diff_ms"),
            )
            send = recv = "–"
        else:
            ttft50, ttft99, tpot = lv["ttft_err_ms"]["p50"], lv["ttft_err_ms"]["p99"], lv["tpot_err_ms"]["p50"]
            send = _f(lv["send_ms"]["p50"])
            recv = f"{_f(lv['recv_ms']['p50'])} / {_f(lv['recv_ms']['p99'])}"
        out.append(
            f"| {lv['client']} | {lv.get('arrivals', 'ramp')} | {lv['streams']} | {_f(lv.get('chunks_per_s'), 0)} | "
            f"{_f(ttft50)} | {_f(ttft99)} | {_f(tpot)} | {_f((lv.get('throughput') or {}).get('rel_err'), pct=True)} | "
            f"{send} | {recv} | {_f(late.get('p50'))} / {_f(late.get('p99'))} | {_f(lv.get('server_held'))} | "
            f"{_f(lv.get('within'))} |"
        )
    out += [
        "",
        "**Ceilings** (highest stream count within accuracy, every lower level within too, while the server "
        "held its schedule; *limited by* says what failed at the next level):",
        "",
        "| client | arrivals | ceiling streams | chunks/s there | limited by | highest tested |",
        "|---|---|---:|---:|---|---:|",
    ]
    for c in r["ceilings"].values():
        out.append(
            f"| {c['client']} | {c['arrivals']} | {_f(c['streams'])} | {_f(c['chunks_per_s'], 0)} | {c['limited_by']} | {_f(c['tested_max_streams'])} |"
        )
    return "\n".join(out) + "\n"


def slo_search_section(r: dict[str, Any]) -> str:
    out = [
        "## SLO search (`slo_search`)",
        "",
        _machine(r.get("machine")),
        "",
        r.get("note", ""),
        "",
        "| frontiers | n | search: levels mean / max | search: within ±5 % of the true max | search: mean / max abs error | "
        "grid: levels mean | grid: within ±5 % | grid: mean / max abs error |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, a in (r.get("synthetic_aggregate") or {}).items():
        out.append(
            f"| {name} | {a['n']} | {a['search_levels_mean']:.2f} / {a['search_levels_max']} | {a['search_within_5pct']}/{a['n']} | "
            f"{100 * a['search_abs_err_mean']:.1f} % / {100 * a['search_abs_err_max']:.1f} % | {a['grid_levels_mean']:.2f} | "
            f"{a['grid_within_5pct']}/{a['n']} | {100 * a['grid_abs_err_mean']:.1f} % / {100 * a['grid_abs_err_max']:.1f} % |"
        )
    out += [
        "",
        "With noise the SLO decision itself is noisy near the bound (±3 % of a 45 ms TPOT is a quarter of the "
        "5 ms margin), so a level just under the true crossing can fail; every case is listed in the JSON.",
    ]
    real = r.get("vllm")
    if real:
        out += [
            "",
            "Real tiny vLLM engine (in-process, CPU):",
            "",
            "| method | levels | concurrencies | chosen | max tok/s under SLO | precision | outcome | wall s |",
            "|---|---:|---|---:|---:|---:|---|---:|",
        ]
        for name in ("search", "doubling_grid"):
            d = real.get(name)
            if d:
                out.append(
                    f"| {name} | {d['n_levels']} | {d['concurrencies']} | {_f(d['chosen_concurrency'])} | "
                    f"{_f(d['max_throughput'], 0)} | {_f(d.get('precision'), pct=True)} | {d['outcome']} | {_f(d.get('wall_s'), 0)} |"
                )
    return "\n".join(out) + "\n"


def analysis_scale_section(r: dict[str, Any]) -> str:
    out = [
        "## Analysis at scale (`analysis_scale`)",
        "",
        _machine(r.get("machine")),
        "",
        r.get("note", ""),
        "",
        "| rows | chunk lists | step | tool | median s | min s | max s | repeats |",
        "|---:|---|---|---|---:|---:|---:|---:|",
    ]
    for t in r.get("timings", []):
        out.append(
            f"| {t['rows']:,} | {t['chunks']} | {t['step']} | {t['tool']} | {t['median_s']:.2f} | {t['min_s']:.2f} | "
            f"{t['max_s']:.2f} | {t['repeats']} |"
        )
    return "\n".join(out) + "\n"


def workers_scaling_section(r: dict[str, Any]) -> str:
    st = r["settings"]
    srv = st["server"]
    out = [
        "## Client workers on Ray (`workers_scaling`)",
        "",
        _machine(r.get("machine")),
        "",
        f"Reference server TTFT {srv['ttft_ms']:g} ms, a token every {srv['gap_ms']:g} ms, {st['output_len']} tokens, "
        f"{st['arrivals']}, {st['rounds']} rounds per stream. One local Ray instance (started in {r.get('ray_start_s')} s); "
        "server, coordinator and workers share the machine's 2 cores. Errors are client − ground truth, ms. *held* = the "
        "server kept its own schedule (else the level says nothing about the client); *within* = median TTFT error ≤ 1 ms, "
        "median TPOT error ≤ 0.5 ms, throughput within 1 %.",
        "",
        "| client | streams | chunks/s | TTFT err p50 | TTFT err p99 | TPOT err p50 | throughput err | server held | within |",
        "|---|---:|---:|---:|---:|---:|---:|:-:|:-:|",
    ]
    for lv in r.get("levels", []):
        out.append(
            f"| {lv['client']} | {lv['streams']:,} | {_f(lv.get('chunks_per_s'), 0)} | {_f(lv['ttft_err_ms'].get('p50'))} | "
            f"{_f(lv['ttft_err_ms'].get('p99'))} | {_f(lv['tpot_err_ms'].get('p50'))} | "
            f"{_f(lv['throughput'].get('rel_err'), pct=True)} | {_f(lv.get('server_held'))} | {_f(lv.get('within'))} |"
        )
    out += ["", "Ceilings (highest stream count within accuracy while the server held):", ""]
    for name, c in (r.get("ceilings") or {}).items():
        out.append(
            f"- {name}: {c.get('streams')} streams, {_f(c.get('chunks_per_s'), 0)} chunks/s (limited by {c.get('limited_by')})"
        )
    if r.get("note"):
        out += ["", r["note"]]
    return "\n".join(out) + "\n"


def analysis_system_scale_section(r: dict[str, Any]) -> str:
    st = r["settings"]
    out = [
        "## Analysis of a system-scale run (`analysis_system_scale`)",
        "",
        _machine(r.get("machine")),
        "",
        f"Synthetic run: {st['requests_full']:,} requests × {st['chunks_per_request']} chunks = "
        f"{st['chunks_full']:,} chunk timestamps in parts of {st['rows_per_part']:,} requests "
        f"({st['disk_gib']} GiB parquet), {st['levels']} levels, SLOs {st['slos']}. Each path runs in a fresh process; "
        f"peak RSS sampled every 0.2 s. Target: under {r['target']['wall_s']} s and {r['target']['peak_rss_gib']} GiB "
        f"for the full run — **{'met' if r.get('target_met') else 'not met'}**.",
        "",
        "| run | path | requests | chunks | wall s | peak RSS GiB | of which summary s | bootstrap s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for x in r.get("runs", []):
        out.append(
            f"| {x['name']} | {x['mode']} | {x['requests']:,} | {x['chunks']:,} | {_f(x.get('wall_s'))} | "
            f"{_f(x.get('peak_rss_gib'))} | {_f(x.get('summarize_s'))} | {_f(x.get('bootstrap_s'))} |"
        )
    chk = r.get("baseline_check")
    if chk:
        out += [
            "",
            f"Streaming vs in-memory on the baseline subset: percentiles equal: {_f(chk['percentiles_equal'])}; largest "
            f"relative difference of any column {chk['max_rel_diff_any_column']:.1e} (means: summation order).",
        ]
    if r.get("note"):
        out += ["", r["note"]]
    return "\n".join(out) + "\n"


def verify_many_claims_section(r: dict) -> str:
    """``verify`` on 10,000 claim files: wall time, progress, and where the time goes."""
    m = r["machine"]
    out = [
        "## verify on 10,000 claim files (`verify_many_claims`)",
        "",
        f"{r['what']}; target under {r['target_s']} s. Machine: {m.get('cpu_model')}, "
        f"{m.get('logical_cores')} cores, load average at start {m.get('loadavg_at_start')}, "
        f"at end {r.get('loadavg_at_end')}.",
        "",
        "| run | wall s | finished | first progress line s | claim files read at s | last progress |",
        "|---|---|---|---|---|---|",
    ]
    for i, run in enumerate(r["runs"], 1):
        prog = run.get("progress") or []
        read = next((t for t, text in prog if text.startswith("10,000/10,000 claim files read")), None)
        last = prog[-1][1] if prog else "none"
        out.append(
            f"| {i} | {run['wall_s']} | {run['finished']} | {run['first_progress_s']} | {read} | {last} at {prog[-1][0] if prog else '-'} s |"
        )
    if r.get("note"):
        out += ["", r["note"]]
    return "\n".join(out) + "\n"


def render() -> str:
    parts = [HEADER]
    for name, fn in (
        ("client_accuracy", client_accuracy_section),
        ("slo_search", slo_search_section),
        ("analysis_scale", analysis_scale_section),
        ("workers_scaling", workers_scaling_section),
        ("analysis_system_scale", analysis_system_scale_section),
        ("verify_many_claims", verify_many_claims_section),
    ):
        r = read_result(name)
        if r is not None:
            parts.append(fn(r))
        else:
            parts.append(f"## `{name}`\n\nNo recorded result yet: run `python -m benchmarks.{name}`.\n")
    return "\n".join(parts)


def write_readme() -> None:
    (ROOT / "README.md").write_text(render())


if __name__ == "__main__":
    write_readme()

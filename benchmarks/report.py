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
| `client_accuracy` | timing error (vs the reference server's log) and CPU per chunk of the working tree's streaming client against a pinned commit's, side by side in one run | `python -m benchmarks.client_accuracy [--quick] [--streams 1,128,512] [--base SHA]` |
| `client_peers` | median TTFT error and throughput error vs the server's log of claimbench's client, GuideLLM and AIPerf against one reference server | `python -m benchmarks.client_peers [--streams 1,128,512] [--tools guidellm,aiperf]` |
| `slo_search` | levels needed to find max throughput under a TPOT SLO to ±5 %: search vs doubling grid | `python -m benchmarks.slo_search [--quick] [--vllm]` |
| `analysis_scale` | metrics and bootstrap CIs over 10 M request rows: polars vs pandas | `python -m benchmarks.analysis_scale [--quick] [--rows N]` |
| `workers_scaling` | aggregate chunk rate and TTFT/TPOT error of 1, 2, 4 Ray client workers vs one process, against the reference server | `python -m benchmarks.workers_scaling [--quick] [--streams …] [--workers …]` |
| `evidence_library` | reading the MLPerf library (< 1 s) and `claimbench verify` with it (< 10 s) | `python -m benchmarks.evidence_library [--repeats N]` |
| `analysis_system_scale` | exact summary + bootstrap CIs of a 500 M-chunk run streamed from parquet parts: time and peak memory vs the in-memory path | `python -m benchmarks.analysis_system_scale [--quick] [--chunks N]` |
| `coordinator_memory` | coordinator memory over a simulated 10-minute level of 1,024 streams: records kept in a list vs spooled to parquet parts as they arrive | `python -m benchmarks.coordinator_memory [--quick] [--streams N] [--minutes M]` |
| `runner_memory` | the measuring process's memory over the same simulated level through the runner (`claimbench measure`'s `_Sweep`): a pinned ref's runner vs the working tree's | `python -m benchmarks.runner_memory [--quick] [--streams N] [--minutes M] [--before REF]` |
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
    if "side_by_side" not in r:
        return "## Client timing accuracy (`client_accuracy`)\n\nOld-format result: rerun `python -m benchmarks.client_accuracy`.\n"
    st = r["settings"]
    srv = st["server"]
    out = [
        "## Client timing accuracy, side by side (`client_accuracy`)",
        "",
        _machine(r.get("machine")) + f" Load average at the end {r.get('loadavg_at_end')}.",
        "",
        f"Reference server: `claimbench.measurement.mockserver`, TTFT {srv['ttft_ms']:g} ms, one token every "
        f"{srv['gap_ms']:g} ms, {st['output_len']} output tokens, precise wait {'on' if srv.get('precise') else 'off'}. "
        f"Clients, each in its own subprocess, alternating in every cell (order rotated between the "
        f"{st['repeats']} repeats): the working tree's client (`tree`, commit {st['tree_commit'][:10]}"
        f"{' + uncommitted lib/ changes' if st.get('tree_lib_dirty') else ''}) and commit "
        f"{st['base_commit'][:10]}'s (`base`, its lib/ from `git archive`), on the loop named. Arrivals: ramp = streams "
        f"started evenly over {st['ramp_s']:g} s, burst = all at once. TTFT error = client TTFT − the server's "
        "(median over requests; one figure per repeat). *CPU/chunk* = the client process's CPU time during the level "
        "(getrusage) per chunk received; *chunks per CPU-s* = the chunk rate one core holds at that cost. "
        "*held* = the server kept its own schedule (write lateness p50 ≤ 1 ms, p99 ≤ 5 ms); when it did not, the "
        "machine (shared with other engineers' jobs) was too busy for the level to say much about any client.",
        "",
        "| arrivals | streams | client | TTFT err p50 per repeat (ms) | recv p50 | send p50 | throughput err | CPU/chunk µs | chunks per CPU-s | held |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in r["side_by_side"]:
        for name, c in row["clients"].items():
            per = " / ".join(_f(v) for v in c["ttft_err_p50_ms"])
            held = " / ".join("yes" if h else "no" for h in c["server_held"])
            out.append(
                f"| {row['arrivals']} | {row['streams']} | {name} | {per} | {_f(c['recv_p50_ms_median'])} | "
                f"{_f(c['send_p50_ms_median'])} | {_f(c['throughput_rel_err_median'], pct=True)} | "
                f"{_f(c['cpu_us_per_chunk_median'], 1)} | {_f(c['chunks_per_cpu_s_median'], 0)} | {held} |"
            )
    out += [
        "",
        "Ratios (medians over repeats): *error ratio* = base asyncio's median TTFT error / tree uvloop's (> 1: the "
        "tree is more accurate); *capacity ratio* = tree's chunks per CPU-s / base's (> 1: the tree does less work "
        "per chunk); *transport ratio* = tree's chunks per CPU-s / tree-aiohttp's (the raw transport's share).",
        "",
        "| arrivals | streams | error ratio | capacity ratio | transport ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in r["side_by_side"]:
        out.append(
            f"| {row['arrivals']} | {row['streams']} | {_f(row.get('ratio_ttft_err_base_over_tree'))} | "
            f"{_f(row.get('ratio_chunks_per_cpu_s_tree_over_base'))} | "
            f"{_f(row.get('ratio_chunks_per_cpu_s_tree_over_tree_aiohttp'))} |"
        )
    out += _floor_table(r.get("floor_side_by_side") or [])
    if r.get("note"):
        out += ["", r["note"]]
    return "\n".join(out) + "\n"


def _floor_table(rows: list[dict[str, Any]]) -> list[str]:
    """The transport floor of ``client_accuracy`` (absent in results recorded before it existed)."""
    if not rows:
        return []
    out = [
        "",
        "Transport floor (`floor uvloop`, in every cell of the same run): the same requests, arrivals and loop "
        "through `rawhttp.exchange` alone, with a body callback that only counts reads (no SSE, decoding, records, "
        "timeouts). *Tree's own* = tree − floor CPU per chunk; *base / floor* = the most any client on this transport "
        "and loop could be ahead of base asyncio in chunks per CPU-s.",
        "",
        "| arrivals | streams | floor CPU/chunk µs | tree CPU/chunk µs | tree's own µs | base asyncio CPU/chunk µs | base / floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        out.append(
            f"| {row['arrivals']} | {row['streams']} | {_f(row['floor_cpu_us_per_chunk_median'], 1)} | "
            f"{_f(row['tree_cpu_us_per_chunk_median'], 1)} | {_f(row['tree_own_cpu_us_per_chunk'], 1)} | "
            f"{_f(row['base_asyncio_cpu_us_per_chunk_median'], 1)} | {_f(row['ratio_base_over_floor'])} |"
        )
    return out


def client_peers_section(r: dict[str, Any]) -> str:
    st = r["settings"]
    out = [
        "## Peer clients against one server (`client_peers`)",
        "",
        _machine(r.get("machine")) + f" Load average at the end {r.get('loadavg_at_end')}.",
        "",
        f"claimbench's client, {', '.join(st['peers'])} in turn against one reference server (TTFT "
        f"{st['server']['ttft_ms']:g} ms, a token every {st['server']['gap_ms']:g} ms, {st['output_len']} output "
        f"tokens), {st['arrivals']}, {st['requests']} requests. *TTFT err* = the client's median TTFT − the server's "
        "median TTFT from its own log of that run; *thr err* = the client's output tok/s ÷ the server's − 1. "
        "Peer figures are read by claimbench's importers. Not run: "
        + "; ".join(f"{k}: {v}" for k, v in st.get("not_run", {}).items())
        + ".",
        "",
        "| streams | client | TTFT err p50 ms | thr err | load (1 min) | note |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for run in r["runs"]:
        out.append(
            f"| {run['streams']} | {run['client']} | {_f(run.get('ttft_err_p50_ms'))} | "
            f"{_f(run.get('throughput_rel_err'), pct=True)} | {run['loadavg_before'][0]} | "
            f"{(run.get('error') or '')[:80]} |"
        )
    if r.get("note"):
        out += ["", r["note"]]
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


def evidence_library_section(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            "## Evidence library (`evidence_library`)",
            "",
            _machine(r.get("machine")),
            "",
            f"{r['rows']} library rows ({r['parquet_bytes']:,} bytes of parquet), {r['records']} evidence records; "
            f"median of {r['repeats']} fresh interpreters.",
            "",
            "| step | median s | all runs s | target |",
            "|---|---:|---|---|",
            f"| read the parquet | {_f(r['read_s_median'], 3)} | {', '.join(_f(x, 3) for x in r['read_s'])} | < 1 s |",
            f"| rows -> evidence records | {_f(r['evidence_s_median'], 2)} | "
            f"{', '.join(_f(x, 2) for x in r['evidence_s'])} | |",
            f"| `claimbench verify` (shipped claims, library included), wall | {_f(r['verify_wall_s_median'], 2)} | "
            f"{', '.join(_f(x, 2) for x in r['verify_wall_s'])} | < 10 s |",
            f"| the same, CPU time of the process | {_f(r.get('verify_cpu_s_median'), 2)} | "
            f"{', '.join(_f(x, 2) for x in r.get('verify_cpu_s', []))} | |",
            f"| `verify` without the library (reference + runs only), CPU | "
            f"{_f(r.get('verify_without_library_cpu_s_median'), 2)} | "
            f"{', '.join(_f(x, 2) for x in r.get('verify_without_library_cpu_s', []))} | |",
            "",
            f"Load average at start {r['machine'].get('loadavg_at_start')}, at end {r.get('loadavg_at_end')} on "
            f"{r['machine'].get('logical_cores')} logical cores: wall time is CPU time stretched by the other "
            "processes sharing the cores.",
            "",
        ]
    )


def coordinator_memory_section(r: dict[str, Any]) -> str:
    st = r["settings"]
    out = [
        "## Coordinator memory over a long level (`coordinator_memory`)",
        "",
        _machine(r.get("machine")),
        "",
        f"Simulated level: {st['streams']:,} streams × {st['simulated_minutes']:g} minutes, {st['chunks_per_request']} chunks "
        f"per request (TTFT {1000 * st['ttft_s']:g} ms, a chunk every {1000 * st['gap_s']:g} ms), {st['workers']} workers "
        f"polled every {st['poll_s']:g} s. Path: {st['path']}. Resident memory of the coordinator process, sampled every "
        "simulated minute (after a garbage collection); *list* = every record kept until the level ends (before), "
        "*spool* = rows appended to the level's parquet parts as they arrive (`measurement.spool.RecordSpool`).",
        "",
        "| sink | requests | chunk times | RSS at minute 1 MiB | RSS at the end MiB | growth MiB | most rows held | parts | wall s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in r["runs"]:
        series = run["rss_by_simulated_minute"]
        m1 = series[1][1] if len(series) > 1 else None
        out.append(
            f"| {run['sink']} | {run['rows']:,} | {run['chunk_times']:,} | {_f(m1, 1)} | {_f(series[-1][1], 1)} | "
            f"{_f(r['rss_growth_mib_from_minute_1_to_end'].get(run['sink']), 1)} | {run['max_rows_held']:,} | "
            f"{run['parts']} | {_f(run['wall_s'], 1)} |"
        )
    out += ["", "RSS by simulated minute (MiB):", ""]
    for run in r["runs"]:
        out.append(f"- {run['sink']}: " + ", ".join(f"{m:g}: {v:,.0f}" for m, v in run["rss_by_simulated_minute"]))
    if r.get("note"):
        out += ["", r["note"]]
    return "\n".join(out) + "\n"


def runner_memory_section(r: dict[str, Any]) -> str:
    st = r["settings"]
    growth = r.get("rss_growth_mib_from_minute_2_to_end") or {}
    out = [
        "### The runner's path (`runner_memory`)",
        "",
        _machine(r.get("machine")) + f" Load average at the end {r.get('loadavg_at_end')}.",
        "",
        f"Simulated level: {st['streams']:,} streams × {st['simulated_minutes']:g} minutes, {st['chunks_per_request']} chunks "
        f"per request (TTFT {1000 * st['ttft_s']:g} ms, a chunk every {1000 * st['gap_s']:g} ms). Path: {st['path']}. "
        f"*before* = {st['before']}'s runner (every record kept for the run), *after* = {st['after']}. Resident memory "
        "sampled every simulated minute (after a garbage collection; the last sample is at the level's end); *peak* = "
        "`ru_maxrss` once the bundle is written (the end of the level: summary, audits, bundle write included).",
        "",
        "| runner | requests | chunk times | RSS at minute 1 MiB | RSS at minute 2 MiB | RSS at the end MiB | growth from minute 2 MiB | peak MiB | wall s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in r["runs"]:
        series = run["rss_by_simulated_minute"]
        m1 = series[1][1] if len(series) > 1 else None
        m2 = series[2][1] if len(series) > 2 else None
        out.append(
            f"| {run['side']} | {run['rows']:,} | {run['chunk_times']:,} | {_f(m1, 1)} | {_f(m2, 1)} | "
            f"{_f(series[-1][1], 1)} | {_f(growth.get(run['side']), 1)} | {_f(run['peak_rss_mib'], 1)} | "
            f"{_f(run['wall_s'], 1)} |"
        )
    out += ["", "RSS by simulated minute (MiB):", ""]
    for run in r["runs"]:
        out.append(f"- {run['side']}: " + ", ".join(f"{m:g}: {v:,.0f}" for m, v in run["rss_by_simulated_minute"]))
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
        ("client_peers", client_peers_section),
        ("slo_search", slo_search_section),
        ("evidence_library", evidence_library_section),
        ("analysis_scale", analysis_scale_section),
        ("workers_scaling", workers_scaling_section),
        ("analysis_system_scale", analysis_system_scale_section),
        ("coordinator_memory", coordinator_memory_section),
        ("runner_memory", runner_memory_section),
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

"""Peer clients in one run: claimbench's client, GuideLLM and AIPerf against the same reference server.

    .venv/bin/python -m benchmarks.client_peers [--streams 1,128,512] [--repeats 1] [--tools guidellm,aiperf]

One reference server (:mod:`claimbench.measurement.mockserver`, TTFT 100 ms, one token every 50 ms,
20 output tokens; it logs when it received each request and wrote each chunk) serves every client
in turn, interleaved per stream count; the server's log is reset before each client. All clients
start their streams at once (no peer offers claimbench's ramp) and send ``max(16, 2·streams)``
requests of 32 prompt tokens.

Every client is judged by the same two numbers, computed from what it reports and from the server's
log of that run (the peers do not send claimbench's request ids, so requests are not paired):

- **TTFT error** = the client's median TTFT − the server's median TTFT (first chunk written −
  request received). What happens before the server reads a request (connection set-up, the
  server's intake backlog in a burst) counts against every client alike;
- **throughput error** = the client's output tok/s ÷ the server's (tokens written ÷ first received →
  last chunk written) − 1.

The peers' figures are read from their result files by claimbench's own importers (the numbers
``claimbench summarize`` prints for them). The peers run from ``.venv-guidellm`` / ``.venv-aiperf``
(``bash env/peers/setup.sh``; ``CLAIMBENCH_GUIDELLM`` / ``CLAIMBENCH_AIPERF`` override); a peer that
is not installed, fails or exceeds its time limit is recorded as such. ``vllm bench serve`` dies
with SIGILL on the AVX2-only hosts of this machine kind (ENV_NOTES 2026-12-07) and is not run.
Results: ``benchmarks/results/client_peers.json``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import competing_processes, finish, log, machine

TTFT_MS, GAP_MS, OUTPUT_LEN, INPUT_LEN = 100.0, 50.0, 20, 32
REPO = Path(__file__).resolve().parent.parent
PEER_TIMEOUT_S = 600.0


def tool(name: str) -> Path | None:
    """The executable of a peer tool, or None when it is not installed."""
    env = os.environ.get(f"CLAIMBENCH_{name.upper()}")
    path = Path(env) if env else REPO / f".venv-{name}" / "bin" / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def server_truth(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Median TTFT and output throughput from the server's own log of one run."""
    done = [r for r in records if r.get("status") == "ok" and r["chunk_write_s"]]
    if not done:
        return {"n": 0, "ttft_p50_ms": None, "output_tok_per_s": None}
    ttft = [1e3 * (r["chunk_write_s"][0] - r["received_s"]) for r in done]
    tokens = sum(int(r.get("completion_tokens") or len(r["chunk_write_s"])) for r in done)
    span = max(r["chunk_write_s"][-1] for r in done) - min(r["received_s"] for r in done)
    return {
        "n": len(done),
        "ttft_p50_ms": statistics.median(ttft),
        "output_tok_per_s": tokens / span if span > 0 else None,
    }


def run_claimbench(url: str, model: str, streams: int, n: int) -> dict[str, Any]:
    """The working tree's client (its own subprocess, uvloop, as ``HttpEngine`` runs it)."""
    from benchmarks.client_accuracy import run_child
    from claimbench.analyze import metrics
    from claimbench.measurement.runner import levels_frame
    from claimbench.measurement.store import requests_frame
    from claimbench.schema.records import LoadLevel, RequestRecord

    spec = {"url": url, "model": model, "streams": streams, "rounds": n // streams, "arrivals": "burst"}
    out = run_child({**spec, "loop": "uvloop", "transport": None}, None)
    records = [RequestRecord(**row) for row in out["rows"]]
    row = metrics.summarize(requests_frame(records), levels_frame([LoadLevel(0, concurrency=streams)])).row(
        0, named=True
    )
    return {"ttft_p50_ms": row["ttft_p50_ms"], "output_tok_per_s": row["output_tok_per_s"], "n_ok": row["n_ok"]}


def _guidellm_cmd(exe: Path, url: str, model: str, tok: Path, streams: int, n: int, out: Path) -> list[str]:
    return [
        str(exe), "run",
        "--backend", f"kind=openai_http,target={url},model={model},request_format=/v1/completions",
        "--profile", "kind=concurrent", "--override", "profile.streams", str(streams),
        "--data", f"kind=synthetic_text,prompt_tokens={INPUT_LEN},output_tokens={OUTPUT_LEN}",
        "--tokenizer", f"kind=huggingface_auto,model={tok}",
        "--constraint", f"kind=max_requests,count={n}",
        "--output", f"kind=json,path={out}", "--disable-progress",
    ]  # fmt: skip


def _aiperf_cmd(exe: Path, url: str, model: str, tok: Path, streams: int, n: int, out: Path) -> list[str]:
    return [
        str(exe), "profile", "--model", model, "--url", url, "--endpoint-type", "completions", "--streaming",
        "--tokenizer", str(tok), "--use-server-token-count", "--isl", str(INPUT_LEN), "--osl", str(OUTPUT_LEN),
        "--concurrency", str(streams), "--request-count", str(n), "--random-seed", "0",
        "--artifact-dir", str(out.parent), "--export-level", "summary", "--no-server-metrics", "--ui", "none",
    ]  # fmt: skip


def run_peer(name: str, url: str, model: str, tok: Path, streams: int, n: int, work: Path) -> dict[str, Any]:
    """One peer at one stream count; its figures as claimbench's importer reads them, or why there are none."""
    from claimbench.report.evidence_summary import evidence_summary

    exe = tool(name)
    if exe is None:
        return {"error": "not installed (bash env/peers/setup.sh)"}
    folder = work / f"{name}-{streams}"
    folder.mkdir(parents=True, exist_ok=True)
    if name == "guidellm":
        out = folder / "benchmarks.json"
        cmd = _guidellm_cmd(exe, url, model, tok, streams, n, out)
    else:
        out = folder / "artifacts" / "profile_export_aiperf.json"
        cmd = _aiperf_cmd(exe, url, model, tok, streams, n, out)
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PEER_TIMEOUT_S, cwd=folder)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {PEER_TIMEOUT_S:g} s"}
    wall = round(time.monotonic() - t0, 1)
    if proc.returncode != 0 or not out.is_file():
        return {"error": f"exit {proc.returncode}: {(proc.stdout + proc.stderr)[-600:]}", "wall_s": wall}
    table, _ = evidence_summary([out])
    row = table.row(0, named=True)
    return {
        "ttft_p50_ms": row.get("ttft_p50_ms"),
        "output_tok_per_s": row.get("output_tok_per_s"),
        "n_ok": row.get("n_ok"),
        "wall_s": wall,
    }


def judged(client: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """A client's figures beside the server's: TTFT error (ms) and throughput error (relative)."""
    out = dict(client)
    c_ttft, s_ttft = client.get("ttft_p50_ms"), truth.get("ttft_p50_ms")
    c_thr, s_thr = client.get("output_tok_per_s"), truth.get("output_tok_per_s")
    out["server"] = truth
    out["ttft_err_p50_ms"] = None if c_ttft is None or s_ttft is None else round(c_ttft - s_ttft, 3)
    out["throughput_rel_err"] = None if not c_thr or not s_thr else round(c_thr / s_thr - 1, 4)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.client_peers", description=__doc__.split("\n\n")[0])
    ap.add_argument("--streams", default="1,128,512", help="comma-separated stream counts (default 1,128,512)")
    ap.add_argument("--repeats", type=int, default=1, help="runs of every client at every stream count")
    ap.add_argument("--tools", default="guidellm,aiperf", help="peers to run (default guidellm,aiperf)")
    ap.add_argument("--out", default="client_peers", help="result name under benchmarks/results/")
    args = ap.parse_args(argv)

    import urllib.request

    from claimbench.measurement.mockserver import start_mock_server
    from claimbench.measurement.tinymodel import resolve_model

    streams = [int(s) for s in args.streams.split(",")]
    peers = [t.strip() for t in args.tools.split(",") if t.strip()]
    tok = Path(resolve_model("tiny"))
    mach = machine()
    t_start = time.monotonic()
    runs: list[dict[str, Any]] = []
    with (
        tempfile.TemporaryDirectory(prefix="cb-peers-") as tmp,
        start_mock_server(ttft_ms=TTFT_MS, gap_ms=GAP_MS, precise=False) as server,
    ):
        model = server.options.model
        for rep in range(args.repeats):
            for s in streams:
                n = max(16, 2 * s)
                clients = ["claimbench", *peers]
                for name in clients[rep % len(clients) :] + clients[: rep % len(clients)]:
                    urllib.request.urlopen(
                        urllib.request.Request(server.base_url + "/stats/reset", method="POST"), timeout=30
                    ).read()
                    load = [round(x, 2) for x in os.getloadavg()]
                    try:
                        got = (
                            run_claimbench(server.base_url, model, s, n)
                            if name == "claimbench"
                            else run_peer(name, server.base_url, model, tok, s, n, Path(tmp) / f"r{rep}")
                        )
                    except Exception as exc:  # a client that fails is a result too
                        got = {"error": f"{type(exc).__name__}: {str(exc)[:400]}"}
                    d = judged(got, server_truth(server.stats()["records"]))
                    d.update({"client": name, "streams": s, "n_requests": n, "repeat": rep, "loadavg_before": load})
                    runs.append(d)
                    log(
                        f"{name:10s} S={s:4d} ttft_err {d.get('ttft_err_p50_ms')} ms thr_err "
                        f"{d.get('throughput_rel_err')} load {load[0]} {d.get('error', '')[:120]}"
                    )
    result = {
        "benchmark": "client_peers",
        "machine": mach,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        "competing_processes_at_end": competing_processes(),
        "settings": {
            "server": {"ttft_ms": TTFT_MS, "gap_ms": GAP_MS, "instrument": "claimbench.measurement.mockserver"},
            "input_len": INPUT_LEN,
            "output_len": OUTPUT_LEN,
            "arrivals": "burst (all streams at once; no peer offers a ramp)",
            "requests": "max(16, 2 x streams)",
            "streams": streams,
            "repeats": args.repeats,
            "peers": {p: str(tool(p)) if tool(p) else None for p in peers},
            "not_run": {"vllm bench serve": "SIGILL on this host's CPU (AVX2, no AVX-512; ENV_NOTES 2026-12-07)"},
            "criteria": {"ttft_err_p50_ms": "<= 0.5 at 1 stream, <= 1 at 128 and 512", "throughput_rel_err": 0.01},
        },
        "runs": runs,
        "duration_s": round(time.monotonic() - t_start, 1),
    }
    return finish(args.out, result)


if __name__ == "__main__":
    sys.exit(main())

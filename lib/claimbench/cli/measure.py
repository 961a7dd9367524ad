"""``claimbench measure``: run a load plan through vLLM (or any OpenAI endpoint) and write a bundle."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from claimbench.measurement.engines.registry import engine_names

EXIT_STATUS = """exit status:
  0    the run is complete and at least one request succeeded
  1    the run ended incomplete (a level failed, timed out or was cut short) or every request failed
  2    bad options (one line naming the option); nothing was started
  130  interrupted (Ctrl-C, SIGTERM or SIGHUP): the levels measured so far, and the rows of the level
       in progress, are in the bundle, marked interrupted
  A Ray client worker that dies is printed on stderr and handled as --on-worker-failure says: the
  level goes on without it (continue: the run is incomplete, exit 1) or the sweep ends (stop, exit 1).
  When every worker dies (a dead Ray node, raylet or runtime agent) the level is lost and the sweep
  ends (exit 1); the levels completed before it are kept.
  An output folder that cannot be written (full, read-only) after a level is one line; the levels
  already completed stay readable in the journal folder it names (exit 1)."""


def register(sub) -> None:
    """Add ``claimbench measure`` to the command parsers."""
    from claimbench.cli import DefaultsHelpFormatter

    p = sub.add_parser(
        "measure",
        help="run a measured load sweep and write a run bundle",
        description=(
            "Run a load sweep and write a run bundle (manifest.json, requests.parquet, summary.parquet). "
            "Engines: 'offline' steps an in-process vllm engine; 'serve' starts `vllm serve` on 127.0.0.1 "
            "and measures it with the streaming client; 'endpoint' measures an existing OpenAI-compatible "
            "server at --base-url. The bundle path is printed last. vLLM's and the kernels' output goes to "
            "engine.log in the bundle (--verbose: to the terminal)."
        ),
        epilog=EXIT_STATUS,
        formatter_class=DefaultsHelpFormatter,
    )
    g = p.add_argument_group("engine and model")
    g.add_argument("--engine", choices=engine_names(), default="offline", help="how requests reach the model")
    g.add_argument(
        "--model",
        default="tiny",
        help="model name or path; 'tiny' builds the built-in random-weight model (no hub needed)",
    )
    g.add_argument("--dtype", default="auto", help="vLLM dtype (auto, bfloat16, float16, float32)")
    g.add_argument("--max-model-len", type=int, default=None, help="vLLM max_model_len (default: the model's)")
    g.add_argument(
        "--enforce-eager",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="disable CUDA graphs / torch.compile (default: on for CPU, vLLM's default elsewhere)",
    )
    g.add_argument(
        "--kv-cache-gib",
        type=float,
        default=None,
        help="KV cache size in GiB (CPU default 1; VLLM_CPU_KVCACHE_SPACE wins if set)",
    )
    g.add_argument("--tensor-parallel-size", type=int, default=1, help="vLLM tensor parallel size")
    g.add_argument(
        "--hardware",
        metavar="ID",
        help="hardware registry id of the device measured (data/hardware; default: cpu-host on the CPU backend, "
        "otherwise none: pass it so normalization and verdicts can use the run)",
    )
    g.add_argument(
        "--engine-arg",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra vLLM engine argument (offline: LLM kwarg; serve: --KEY VALUE), repeatable; VALUE parsed as JSON if it can be",
    )
    g = p.add_argument_group("workload")
    g.add_argument("--input-len", type=int, default=128, help="prompt length in tokens (exact: token-id prompts)")
    g.add_argument("--output-len", type=int, default=128, help="output tokens per request (ignore_eos + max_tokens)")
    g.add_argument("--input-len-range", metavar="LO:HI", help="draw each prompt length uniformly from LO..HI instead")
    g.add_argument("--output-len-range", metavar="LO:HI", help="draw each output length uniformly from LO..HI instead")
    g.add_argument("--num-prompts", type=int, default=64, help="requests per load level")
    g.add_argument("--seed", type=int, default=0, help="seed of prompts and arrival times")
    g.add_argument(
        "--vocab-size",
        type=int,
        default=None,
        help="token ids are drawn below this (default: the model's vocabulary; endpoint without config: 32000)",
    )
    g = p.add_argument_group("workload from a data set (instead of synthetic prompts)")
    g.add_argument(
        "--dataset",
        metavar="PATH",
        help="prompts from a file or folder: .jsonl/.csv prompt file (text or token ids, optional output_len per "
        "row), ShareGPT .json, a local Hugging Face data set folder, or a length distribution .yaml/.json "
        "(docs/workloads.md); its hash and length statistics go into the manifest",
    )
    g.add_argument(
        "--dataset-format",
        choices=("auto", "jsonl", "csv", "sharegpt", "hf", "lengths"),
        default=None,
        help="format of --dataset (default: from the extension; a folder is a Hugging Face data set)",
    )
    g.add_argument(
        "--dataset-column", default=None, help="Hugging Face data set: the column of prompts (default prompt)"
    )
    g.add_argument("--dataset-output-column", default=None, help="Hugging Face data set: a column of output lengths")
    g.add_argument(
        "--dataset-output",
        choices=("data", "fixed"),
        default=None,
        help="output lengths: each row's own (data; --output-len where a row has none) or --output-len for all (fixed)",
    )
    g.add_argument(
        "--tokenizer",
        metavar="PATH",
        help="local tokenizer folder for text prompts (default: the model folder); lengths are counted with it",
    )
    g = p.add_argument_group("multi-turn sessions with a shared prefix (docs/workloads.md)")
    g.add_argument(
        "--multi-turn",
        type=int,
        metavar="N",
        help="sessions of N turns: turn k resends the shared prefix and turns 1..k-1 (user --input-len tokens, "
        "answers --output-len tokens), sent turn-major; the prefix-cache hit rate per level is recorded",
    )
    g.add_argument("--prefix-len", type=int, default=None, help="tokens of the prefix every session shares (default 0)")
    g.add_argument(
        "--sessions", type=int, default=None, help="number of sessions (default: --num-prompts / --multi-turn)"
    )
    g.add_argument(
        "--think-time",
        type=float,
        default=None,
        metavar="S",
        help="each session waits S seconds after its own previous answer before its next turn, independently "
        "of the others (closed-loop levels); default: turns flow turn-major without pauses",
    )
    g = p.add_argument_group("fidelity: speed at equal quality (docs/workloads.md)")
    g.add_argument(
        "--fidelity",
        choices=("float32", "bfloat16", "float16", "transformers"),
        default=None,
        metavar="REF",
        help="after the sweep, compare the engine's outputs on the first prompts with a greedy reference run of "
        "the same weights in vLLM's offline engine at precision REF (float32, bfloat16, float16), or in Hugging "
        "Face Transformers on the CPU in float32 (transformers): identical-token rate, first divergence, "
        "mean |logprob difference|",
    )
    g.add_argument("--fidelity-prompts", type=int, default=None, help="prompts compared (default 8)")
    g.add_argument(
        "--fidelity-threshold",
        type=float,
        default=None,
        help="identical-token rate below which the run's levels are flagged (default 0.9)",
    )
    g.add_argument(
        "--fidelity-temperature",
        type=float,
        default=None,
        help="sampling temperature of the engine's fidelity sample (default 0: greedy, as measured)",
    )
    g = p.add_argument_group("load")
    g.add_argument("--concurrency", metavar="N[,N...]", help="closed-loop levels: requests in flight (default 1)")
    g.add_argument(
        "--request-rate", metavar="R[,R...]", help="open-loop levels: arrivals per second ('inf' = all at once)"
    )
    g.add_argument("--burstiness", type=float, default=1.0, help="gamma shape of open-loop gaps (1 = Poisson)")
    g.add_argument(
        "--duration", type=float, default=None, metavar="S", help="stop sending new requests at a level after S seconds"
    )
    g.add_argument(
        "--ramp-up",
        type=float,
        default=0.0,
        metavar="S",
        help="closed loop: start the streams evenly over S seconds instead of all at once",
    )
    g.add_argument(
        "--warmup-prompts", type=int, default=0, help="requests sent before each level and excluded from metrics"
    )
    g.add_argument(
        "--request-timeout", type=float, default=600.0, metavar="S", help="a request taking longer is failed"
    )
    g.add_argument(
        "--slo",
        action="append",
        metavar="METRIC=VALUE",
        help="SLO for goodput, repeatable: ttft_ms, tpot_ms, e2el_ms, itl_max_ms (e.g. --slo tpot_ms=50)",
    )
    g.add_argument(
        "--find-max-under",
        metavar="METRIC=VALUE",
        help="instead of fixed levels, search the highest throughput whose latency percentile stays under the "
        "bound (e.g. tpot_ms=50): bracket then bisect on concurrency, at most --search-max-levels levels; "
        "each level sends max(--num-prompts, 2 x concurrency) requests",
    )
    g.add_argument(
        "--search-percentile", type=float, default=50, help="percentile of the --find-max-under metric (50 = median)"
    )
    g.add_argument("--search-max-levels", type=int, default=6, help="most load levels the search may run")
    g.add_argument("--search-max-concurrency", type=int, default=1024, help="highest concurrency the search may try")
    g.add_argument(
        "--percentile-method",
        choices=["linear", "nearest_rank"],
        default="linear",
        help="percentiles: linear interpolation (NumPy) or nearest rank (MLPerf)",
    )
    g = p.add_argument_group("serve and endpoint")
    g.add_argument("--base-url", help="endpoint: server root, e.g. http://127.0.0.1:8000 (with or without /v1)")
    g.add_argument("--api", choices=["completions", "chat"], default="completions", help="OpenAI API to call")
    g.add_argument(
        "--served-model-name", help="model name sent in requests (default: --model, or the server's only model)"
    )
    g.add_argument(
        "--api-key-env", metavar="VAR", help="read the API key from this environment variable (never written anywhere)"
    )
    g.add_argument(
        "--server-timeout", type=float, default=600.0, metavar="S", help="serve: how long to wait for readiness"
    )
    g.add_argument("--port", type=int, default=0, help="serve: port on 127.0.0.1 (0 = a free one)")
    g.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="serve/endpoint: run the streaming client as N Ray workers (one global load plan, raw records "
        "merged, clock offsets recorded) when one core cannot keep up with the chunk rate; a local Ray "
        "instance on 127.0.0.1 is started for the run unless --ray-address is given",
    )
    g.add_argument("--client-processes", type=int, dest="workers", help=argparse.SUPPRESS)  # former name
    g.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="run the client workers on an existing Ray cluster (e.g. auto, HEAD:6379, ray://HEAD:10001)",
    )
    g.add_argument(
        "--on-worker-failure",
        choices=["continue", "stop"],
        default="continue",
        help="a client worker that dies mid-level: its in-flight requests are recorded failed and the level "
        "marked; then continue the sweep (with a new worker) or stop it",
    )
    g.add_argument(
        "--calibrate",
        choices=["auto", "always", "never"],
        default="auto",
        help="serve/endpoint: measure the streaming client's own timing error and ceiling against a local "
        "reference server (~15 s) and record it; auto reuses this host's calibration for 7 days",
    )
    g.add_argument(
        "--token-counts",
        choices=["usage", "chunks"],
        default="usage",
        help="where output token counts come from: the server's usage report, or one token per streamed chunk "
        "(for servers without usage); each request row records which was used",
    )
    g = p.add_argument_group("output")
    g.add_argument("--out", default="runs", help="folder that receives the bundle")
    g.add_argument(
        "--json", action="store_true", help="print the summary as JSON, with the bundle path, instead of a table"
    )
    g.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    talk = g.add_mutually_exclusive_group()
    talk.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the bundle path (or the JSON): no table, notes or progress",
    )
    talk.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="let vLLM's and the kernels' output reach the terminal instead of the bundle's engine.log",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """``claimbench measure``: run the load plan and print the summary and the bundle path."""
    import signal

    from claimbench.measurement.api import measure
    from claimbench.measurement.logcapture import capture_output

    if args.quiet:
        args.progress = False
    options = options_from_args(args)
    # SIGTERM and SIGHUP (terminal closed) end a sweep like Ctrl-C: what was measured is written,
    # marked interrupted.
    previous = {sig: signal.signal(sig, _raise_interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    log = None
    try:
        with capture_output(enabled=not args.verbose) as log:
            bundle = measure(options)
    except BaseException:
        if log is not None and log.exists() and log.stat().st_size:
            print(f"claimbench: vLLM and kernel output of this run: {log}", file=sys.stderr)
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    status, n_ok = _print_result(bundle, args.json, quiet=args.quiet)
    return exit_status(status, n_ok)


def exit_status(status: str, n_ok: int) -> int:
    """130 interrupted; 1 incomplete or no successful request; else 0 (see ``measure --help``)."""
    if status == "interrupted":
        return 130
    if status != "complete" or n_ok == 0:
        return 1
    return 0


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def options_from_args(args: argparse.Namespace):
    """The typed :class:`~claimbench.measurement.options.MeasureOptions` from parsed arguments
    (argparse leaves unset options at None: the record's defaults apply)."""
    from claimbench.measurement.options import MeasureOptions

    values = {
        k: v
        for k, v in vars(args).items()
        if k not in ("func", "command", "json", "quiet", "verbose", "data_dir") and v is not None
    }
    return MeasureOptions.build(**values)


def _print_search(slo_search: dict[str, Any] | None) -> None:
    """One line about the SLO search's outcome, when the run was one."""
    search = slo_search.get("result") if slo_search else None
    if not search or not slo_search:
        return
    slo = slo_search["slo"]
    best = search.get("max_throughput")
    print(
        f"SLO search ({search.get('outcome')}): max {best if best is None else f'{best:,.1f}'} output tok/s "
        f"under {slo['metric']} p{slo['percentile']:g} <= {slo['bound']:g} in {search.get('n_levels')} levels",
        file=sys.stderr,
    )


def _print_result(bundle: Path, as_json: bool, quiet: bool = False) -> tuple[str, int]:
    """Print the result; return the run status and the number of successful requests."""
    from claimbench.load.bundles import read_bundle
    from claimbench.report.tables import format_summary

    b = read_bundle(bundle)
    n_ok = int(b.summary["n_ok"].sum()) if "n_ok" in b.summary.columns and b.summary.height else 0
    m = b.manifest
    result = (m.status, n_ok)
    if as_json:
        print(
            json.dumps(
                {
                    "bundle": str(bundle),
                    "status": m.status,
                    "n_ok": n_ok,
                    "exit_status": exit_status(*result),
                    "summary": b.summary.to_dicts(),
                },
                indent=2,
                default=str,
            )
        )
        return result
    if quiet:
        print(bundle)
        return result
    print(format_summary(b.summary))
    if m.status != "complete":
        print(f"note: run {m.status}: {m.status_reason}", file=sys.stderr)
    for warning in m.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _print_search(m.slo_search)
    if m.output_length_audit is not None and m.output_length_audit.requests_short:
        print(
            f"note: {m.output_length_audit.requests_short} requests returned fewer tokens than asked", file=sys.stderr
        )
    if n_ok == 0:
        print("error: every request failed (exit status 1); see the bundle's requests and engine.log", file=sys.stderr)
    print(bundle)
    return result

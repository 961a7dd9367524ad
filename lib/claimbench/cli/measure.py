"""``claimbench measure``: run a load plan through vLLM (or any OpenAI endpoint) and write a bundle."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from claimbench.errors import UserError

ENGINES = ("offline", "serve", "endpoint")


def register(sub) -> None:
    p = sub.add_parser(
        "measure",
        help="run a measured load sweep and write a run bundle",
        description=(
            "Run a load sweep and write a run bundle (manifest.json, requests.parquet, summary.parquet). "
            "Engines: 'offline' steps an in-process vllm engine; 'serve' starts `vllm serve` on 127.0.0.1 "
            "and measures it with the streaming client; 'endpoint' measures an existing OpenAI-compatible "
            "server at --base-url. The bundle path is printed last."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    g = p.add_argument_group("engine and model")
    g.add_argument("--engine", choices=ENGINES, default="offline", help="how requests reach the model")
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
        "--client-processes",
        type=int,
        default=1,
        metavar="N",
        help="serve/endpoint: split each level over N client processes (same clock) when one core cannot keep "
        "up with the chunk rate; recorded in the manifest. A Ctrl-C then loses the level in progress",
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
    p.set_defaults(func=run)


def parse_engine_args(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--engine-arg must be KEY=VALUE, got {item!r}")
        try:
            out[key.strip().replace("-", "_")] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip().replace("-", "_")] = value
    return out


def _check_positive(args) -> None:
    for opt in ("input_len", "output_len", "num_prompts"):
        v = getattr(args, opt)
        if v < 1:
            raise UserError(f"--{opt.replace('_', '-')} must be a positive integer, got {v}")
    if args.max_model_len is not None and args.max_model_len < 2:
        raise UserError(f"--max-model-len must be at least 2, got {args.max_model_len}")
    if args.kv_cache_gib is not None and not args.kv_cache_gib > 0:
        raise UserError(f"--kv-cache-gib must be positive, got {args.kv_cache_gib}")
    if args.client_processes < 1:
        raise UserError(f"--client-processes must be at least 1, got {args.client_processes}")
    if args.request_timeout is not None and not args.request_timeout > 0:
        raise UserError(f"--request-timeout must be positive, got {args.request_timeout}")
    if args.vocab_size is not None and args.vocab_size < 16:
        raise UserError(f"--vocab-size must be at least 16, got {args.vocab_size}")


def _resolve_model(args) -> tuple[str, int | None, int | None]:
    """(model path or name, vocab size, max positions) — local config read where there is one."""
    from claimbench.measurement.tinymodel import resolve_model

    model = args.model
    if args.engine != "endpoint":
        looks_like_path = model.startswith((".", "/", "~")) or os.sep in model and Path(model).expanduser().exists()
        if model.startswith((".", "/", "~")) and not Path(model).expanduser().exists():
            raise UserError(f"--model: no such model folder {model!r}")
        model = resolve_model(model)
        cfg = Path(model).expanduser() / "config.json"
        if (looks_like_path or model != args.model) and not cfg.is_file():
            raise UserError(f"--model: {model!r} has no config.json; not a Hugging Face model folder")
    else:
        cfg = Path(model).expanduser() / "config.json"
    if cfg.is_file():
        try:
            conf = json.loads(cfg.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"--model: cannot read {cfg}: {exc}") from None
        return model, conf.get("vocab_size"), conf.get("max_position_embeddings")
    return model, None, None


def run(args: argparse.Namespace) -> int:
    import signal

    # SIGTERM ends a sweep like Ctrl-C: what was measured is written, marked interrupted.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        bundle = measure_bundle(args)
    finally:
        signal.signal(signal.SIGTERM, previous)
    status = _print_result(bundle, args.json)
    return 130 if status == "interrupted" else 0


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def options(**overrides) -> argparse.Namespace:
    """The measure options as the CLI would parse them: defaults plus ``overrides`` (Python names).

    Lets notebooks and scripts call :func:`claimbench.measure` with the CLI's exact defaults and
    checks; an unknown name is a :class:`UserError`.
    """
    import argparse as _ap

    parser = _ap.ArgumentParser(add_help=False)
    sub = parser.add_subparsers()
    register(sub)
    ns = parser.parse_args(["measure"])
    known = set(vars(ns)) - {"func"}
    for key, value in overrides.items():
        if key not in known:
            from claimbench.errors import did_you_mean

            raise UserError(f"measure: unknown option {key!r}{did_you_mean(key, known)}")
        if key in ("concurrency", "request_rate") and isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        if key == "slo" and isinstance(value, dict):
            value = [f"{k}={v}" for k, v in value.items()]
        setattr(ns, key, value)
    return ns


def measure_bundle(args: argparse.Namespace) -> Path:
    """Run a measurement from parsed options and return the bundle folder."""
    from claimbench.measurement.loadgen import build_levels
    from claimbench.measurement.progress import Progress
    from claimbench.measurement.runner import MeasureConfig, parse_slos, run_measurement
    from claimbench.measurement.workload import SAFE_VOCAB_SIZE, WorkloadSpec, parse_range

    _check_positive(args)
    slos = parse_slos(args.slo)
    search = _search_slo(args)
    levels = build_levels(
        args.concurrency,
        args.request_rate,
        args.num_prompts,
        args.burstiness,
        args.duration,
        args.warmup_prompts,
        args.ramp_up,
    )
    engine_extra = parse_engine_args(args.engine_arg)
    if args.engine == "endpoint" and not args.base_url:
        raise UserError("--engine endpoint needs --base-url")
    if args.engine != "endpoint" and args.base_url:
        raise UserError("--base-url is only for --engine endpoint")
    api_key = None
    if args.api_key_env:
        api_key = os.environ.get(args.api_key_env)
        if not api_key:
            raise UserError(f"--api-key-env: environment variable {args.api_key_env} is not set or empty")
    model, vocab, max_pos = _resolve_model(args)
    max_len = args.max_model_len or max_pos
    spec = WorkloadSpec(
        input_len=args.input_len,
        output_len=args.output_len,
        num_prompts=args.num_prompts,
        seed=args.seed,
        vocab_size=args.vocab_size or vocab or SAFE_VOCAB_SIZE,
        input_len_range=parse_range(args.input_len_range, "--input-len-range"),
        output_len_range=parse_range(args.output_len_range, "--output-len-range"),
    )
    spec.validate(max_len)  # fail before an engine starts when the config already tells
    out_dir = Path(args.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out: {out_dir} exists and is not a folder")

    from claimbench.measurement.platform import fingerprint

    fp = fingerprint()
    hardware = _hardware_id(args, fp)
    engine = _make_engine(args, model, fp, engine_extra, api_key)
    cfg = MeasureConfig(
        model=model,
        model_source=args.model,
        workload=spec,
        levels=levels,
        out_dir=out_dir,
        slos=slos,
        percentile_method=args.percentile_method,
        request_timeout_s=args.request_timeout,
        dtype=args.dtype,
        redact=[api_key] if api_key else [],
        vocab_size_given=args.vocab_size is not None,
        extra_manifest={"options": _options_record(args), "hardware": hardware},
        search=search,
        search_max_levels=args.search_max_levels,
        search_max_concurrency=args.search_max_concurrency,
        calibrate=(lambda: _calibration(args)) if args.engine != "offline" and args.calibrate != "never" else None,
    )
    progress = Progress(enabled=args.progress)
    return run_measurement(cfg, engine, fp, progress)


def _search_slo(args):
    if not args.find_max_under:
        return None
    if args.request_rate:
        raise UserError("--find-max-under searches closed-loop concurrency; drop --request-rate")
    if args.search_max_levels < 2:
        raise UserError(f"--search-max-levels must be at least 2, got {args.search_max_levels}")
    if args.search_max_concurrency < 2:
        raise UserError(f"--search-max-concurrency must be at least 2, got {args.search_max_concurrency}")
    from claimbench.analyze.slo_search import SLO

    metric, sep, value = args.find_max_under.partition("=")
    if not sep or metric.strip() not in ("tpot_ms", "ttft_ms", "itl_ms", "e2el_ms"):
        raise UserError(
            f"--find-max-under must be METRIC=VALUE with METRIC one of tpot_ms, ttft_ms, itl_ms, e2el_ms; got {args.find_max_under!r}"
        )
    try:
        return SLO(metric.strip(), float(value), args.search_percentile)
    except ValueError as exc:
        raise UserError(f"--find-max-under: {exc}") from None


def _calibration(args) -> dict | None:
    """The client's calibration for serve/endpoint runs: cached per host for 7 days unless 'always'."""
    if args.engine == "offline" or args.calibrate == "never":
        return None
    import hashlib
    import time as _time

    from claimbench.measurement.calibration import calibrate_client, host_description
    from claimbench.measurement.tinymodel import cache_dir

    host = host_description()
    key = hashlib.sha256(json.dumps(host, sort_keys=True, default=str).encode()).hexdigest()[:16]
    path = cache_dir() / "calibration" / f"client-{key}.json"
    if args.calibrate == "auto" and path.is_file() and _time.time() - path.stat().st_mtime < 7 * 86400:
        try:
            return {**json.loads(path.read_text()), "reused_from_cache": True}
        except (OSError, ValueError):
            pass
    print("claimbench: calibrating the streaming client (~15 s; --calibrate never skips)", file=sys.stderr)
    cal = calibrate_client()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(cal, indent=2, sort_keys=True, default=str) + "\n")
    return {**cal, "reused_from_cache": False}


def _hardware_id(args, fp) -> dict:
    """The registry id of the measured device: given, or cpu-host for a local CPU run; else null with a reason."""
    if args.hardware:
        from claimbench.load.registry import load_hardware

        load_hardware(args.hardware)  # unknown id: UserError with did-you-mean
        return {"id": args.hardware, "source": "--hardware"}
    if args.engine == "endpoint":
        return {"id": None, "reason": "remote endpoint: its hardware is not observable; pass --hardware"}
    if fp.get("backend") == "cpu":
        return {"id": "cpu-host", "source": "default for the cpu backend"}
    return {
        "id": None,
        "reason": f"no registry id is inferred for backend {fp.get('backend')!r} device {fp.get('device_name')!r}; pass --hardware",
    }


def _make_engine(args, model, fp, engine_extra, api_key):
    backend = fp.get("backend") or "unknown"
    common = dict(
        model=model,
        dtype=args.dtype,
        max_model_len=args.max_model_len,
        enforce_eager=args.enforce_eager,
        kv_cache_gib=args.kv_cache_gib,
        seed=args.seed,
        tensor_parallel_size=args.tensor_parallel_size,
        extra=engine_extra,
    )
    if args.engine == "offline":
        from claimbench.measurement.engines.offline import OfflineEngine, OfflineEngineConfig

        return OfflineEngine(OfflineEngineConfig(**common), backend)
    from claimbench.measurement.engines.http import HttpEngine, HttpEngineConfig

    conf = HttpEngineConfig(
        api=args.api,
        served_model_name=args.served_model_name,
        api_key=api_key,
        api_key_env=args.api_key_env,
        token_counts=args.token_counts,
        client_processes=args.client_processes,
    )
    if args.engine == "endpoint":
        return HttpEngine(conf, base_url=args.base_url, model=model)
    from claimbench.measurement.engines.serve import ServeConfig, ServeProcess

    server = ServeProcess(ServeConfig(**common, port=args.port, ready_timeout_s=args.server_timeout, backend=backend))
    return HttpEngine(conf, server=server, model=model)


def _options_record(args: argparse.Namespace) -> dict:
    """Every measure option as resolved (CLI or Python call alike), for the manifest. API keys are
    only ever passed by the name of their environment variable, so none can appear here."""
    out = {k: v for k, v in sorted(vars(args).items()) if k not in ("func", "command") and not callable(v)}
    if out.get("base_url"):
        from claimbench.measurement.engines.http import _public_url

        out["base_url"] = _public_url(out["base_url"])  # no user:password@ or query tokens
    return out


def _print_result(bundle: Path, as_json: bool) -> str:
    from claimbench.load.bundles import read_bundle
    from claimbench.report.tables import format_summary

    b = read_bundle(bundle)
    if as_json:
        print(
            json.dumps(
                {"bundle": str(bundle), "status": b.manifest["status"], "summary": b.summary.to_dicts()},
                indent=2,
                default=str,
            )
        )
        return b.manifest["status"]
    print(format_summary(b.summary))
    if b.manifest["status"] != "complete":
        print(f"note: run {b.manifest['status']}: {b.manifest['status_reason']}", file=sys.stderr)
    for warning in b.manifest.get("warnings") or []:
        print(f"warning: {warning}", file=sys.stderr)
    search = (b.manifest.get("slo_search") or {}).get("result")
    if search:
        best = search.get("max_throughput")
        print(
            f"SLO search ({search.get('outcome')}): max {best if best is None else f'{best:,.1f}'} output tok/s "
            f"under {b.manifest['slo_search']['slo']['metric']} p{b.manifest['slo_search']['slo']['percentile']:g} <= "
            f"{b.manifest['slo_search']['slo']['bound']:g} in {search.get('n_levels')} levels",
            file=sys.stderr,
        )
    audit = b.manifest["output_length_audit"]
    if audit["requests_short"]:
        print(f"note: {audit['requests_short']} requests returned fewer tokens than asked", file=sys.stderr)
    print(bundle)
    return b.manifest["status"]

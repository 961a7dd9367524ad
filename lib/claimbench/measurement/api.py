"""Run a measurement: options in, bundle folder out. The one entry point for the CLI, notebooks and scripts.

:func:`measure` validates :class:`~claimbench.measurement.options.MeasureOptions` before anything
starts (no engine, no network), resolves the model, fingerprints the platform, starts the engine
and runs the load plan through :func:`~claimbench.measurement.runner.run_measurement`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.measurement.options import MeasureOptions, parse_search


def measure(options: MeasureOptions | None = None, **overrides: Any) -> Path:
    """Run a measurement and return the bundle folder.

    ``measure(engine="serve", concurrency=[1, 8], slo={"tpot_ms": 50})`` or
    ``measure(MeasureOptions(...))``; keyword overrides apply on top of ``options``.
    Bad options raise :class:`~claimbench.errors.UserError` before any engine starts.
    """
    if options is None:
        opts = MeasureOptions.build(**overrides)
    else:
        opts = MeasureOptions.build(**{**options.model_dump(), **overrides}) if overrides else options
        opts.check()
    return _run(opts)


def _resolve_model(args: MeasureOptions) -> tuple[str, int | None, int | None]:
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


def _environment(fp: dict[str, Any]) -> dict[str, Any]:
    """The backend's lock file, its SHA-256 and how the installed packages differ from it."""
    from claimbench.load.envlock import lock_record

    return lock_record(fp.get("backend"))


def _run(args: MeasureOptions) -> Path:
    from claimbench.measurement.loadgen import build_levels
    from claimbench.measurement.progress import Progress, busy_host_message, host_load
    from claimbench.measurement.runner import MeasureConfig, run_measurement
    from claimbench.measurement.store import check_out_dir
    from claimbench.measurement.workload import SAFE_VOCAB_SIZE, WorkloadSpec

    slos = dict(args.slo)
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
    engine_extra = dict(args.engine_arg)
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
        input_len_range=args.input_len_range,
        output_len_range=args.output_len_range,
    )
    source = _dataset_source(args, model, spec.vocab_size) or _multi_turn_source(args, spec.vocab_size)
    if source is not None:  # the data set's longest prompt and output bound the plan
        spec = WorkloadSpec(**{**spec.__dict__, "input_len": source.max_input_len, "output_len": source.max_output_len})
    spec.validate(max_len)  # fail before an engine starts when the config already tells
    out_dir = check_out_dir(args.out, _plan_bytes(args, levels, spec.max_output_len))  # before any engine starts

    from claimbench.measurement.platform import fingerprint

    fp = fingerprint()
    load = host_load()
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
        extra_manifest={
            "options": _options_record(args),
            "hardware": hardware,
            "environment": _environment(fp),
            # a data set source records itself here; a multi-turn source adds "multi_turn" once requests exist
            **({"dataset": source.record} if isinstance(getattr(source, "record", None), dict) else {}),
            "achievable": _achievable(args, hardware),
            "host_load": load,  # a busy host stretches every timing (measurement.progress)
        },
        prompt_source=source,
        fidelity=_fidelity_options(args),
        search=search,
        search_max_levels=args.search_max_levels,
        search_max_concurrency=args.search_max_concurrency,
        calibrate=(lambda: _calibration(args)) if args.engine != "offline" and args.calibrate != "never" else None,
    )
    from claimbench.measurement.logcapture import terminal_stream

    progress = Progress(enabled=args.progress, stream=terminal_stream())
    busy = busy_host_message(load)
    if busy:  # said once everything is validated, as the run starts
        progress.message(f"claimbench: {busy}")
    return run_measurement(cfg, engine, fp, progress)


def _dataset_source(args: MeasureOptions, model: str, vocab_size: int):
    """The prompts of ``--dataset`` (tokenized with the served model's tokenizer), or None."""
    if args.dataset is None:
        return None
    from claimbench.measurement.datasets import DatasetOptions, load_dataset

    tokenizer = args.tokenizer
    if tokenizer is None and Path(model).expanduser().is_dir():
        tokenizer = model
    opts = DatasetOptions(
        path=args.dataset,
        format=args.dataset_format,
        column=args.dataset_column,
        output_column=args.dataset_output_column,
        output=args.dataset_output,
        default_output_len=args.output_len,
        seed=args.seed,
        vocab_size=vocab_size,
    )
    return load_dataset(opts, args.num_prompts, tokenizer)


def _fidelity_options(args: MeasureOptions):
    """``--fidelity`` and its companions as FidelityOptions, or None."""
    if args.fidelity is None:
        return None
    from claimbench.measurement.fidelity import FidelityOptions

    return FidelityOptions.from_ref(
        args.fidelity,
        prompts=args.fidelity_prompts,
        threshold=args.fidelity_threshold,
        temperature=args.fidelity_temperature,
    )


def _multi_turn_source(args: MeasureOptions, vocab_size: int):
    """Sessions of ``--multi-turn`` turns over a shared ``--prefix-len`` prefix, or None."""
    if args.multi_turn is None:
        return None
    from claimbench.measurement.multiturn import MultiTurnSource, MultiTurnSpec

    spec = MultiTurnSpec(
        turns=args.multi_turn,
        prefix_len=args.prefix_len,
        user_len=args.input_len,
        output_len=args.output_len,
        sessions=args.sessions or max(1, -(-args.num_prompts // args.multi_turn)),
        seed=args.seed,
        vocab_size=vocab_size,
        think_time_s=args.think_time,
    )
    spec.validate()
    return MultiTurnSource(spec)


def _plan_bytes(args: MeasureOptions, levels, out_len: int | None = None) -> int:
    """Bytes the plan may write (journal and bundle): every level's requests and warmups."""
    from claimbench.measurement.store import estimate_bundle_bytes

    if args.find_max_under is not None:
        n = args.search_max_levels * (max(args.num_prompts, 2 * args.search_max_concurrency) + args.warmup_prompts)
    else:
        n = sum(lv.num_prompts + lv.warmup_prompts for lv in levels)
    if out_len is None:
        out_len = args.output_len_range[1] if args.output_len_range else args.output_len
    return estimate_bundle_bytes(n, out_len)


def _search_slo(args: MeasureOptions):
    parsed = parse_search(args.find_max_under, args.search_percentile)
    if parsed is None:
        return None
    from claimbench.analyze.slo_search import SLO

    try:
        return SLO(*parsed)
    except ValueError as exc:
        raise UserError(f"--find-max-under: {exc}") from None


def _calibration(args: MeasureOptions) -> dict | None:
    """The client's calibration for serve/endpoint runs: cached per host for 7 days unless 'always'."""
    if args.engine == "offline" or args.calibrate == "never":
        return None
    import hashlib
    import time as _time

    from claimbench.measurement.calibration import CALIBRATION_SCHEMA, calibrate_client, ceiling_line, host_description
    from claimbench.measurement.logcapture import terminal_stream
    from claimbench.measurement.tinymodel import cache_dir

    host = host_description()
    keyed = {**host, "calibration_schema": CALIBRATION_SCHEMA}  # a new client or calibration measures anew
    key = hashlib.sha256(json.dumps(keyed, sort_keys=True, default=str).encode()).hexdigest()[:16]
    path = cache_dir() / "calibration" / f"client-{key}.json"
    if args.calibrate == "auto" and path.is_file() and _time.time() - path.stat().st_mtime < 7 * 86400:
        try:
            cached = json.loads(path.read_text())
            print(
                f"claimbench: {ceiling_line(cached, args.workers)} (calibrated {cached.get('created')})",
                file=terminal_stream(),
            )
            return {**cached, "reused_from_cache": True}
        except (OSError, ValueError, AttributeError):
            pass

    print(
        "claimbench: calibrating the streaming client, one process = one worker (~15 s; --calibrate never skips)",
        file=terminal_stream(),
    )
    cal = calibrate_client()
    path.parent.mkdir(parents=True, exist_ok=True)
    from claimbench.outfiles import write_text_atomic

    write_text_atomic(path, json.dumps(cal, indent=2, sort_keys=True, default=str) + "\n")
    print(f"claimbench: {ceiling_line(cal, args.workers)}", file=terminal_stream())
    return {**cal, "reused_from_cache": False}


def _achievable(args: MeasureOptions, hardware: dict) -> dict | None:
    """This host's probe record (``claimbench probe``) for the measured hardware id, or None (endpoints:
    the device measured is not this host's)."""
    if args.engine == "endpoint":
        return None
    from claimbench.load.achievable import achievable_for
    from claimbench.measurement.probe import host_key

    rec = achievable_for(hardware.get("id"), host_key())
    if rec is None:
        return None
    return {k: rec.get(k) for k in ("created", "achievable", "host", "device", "path", "options")}


def _hardware_id(args: MeasureOptions, fp: dict) -> dict:
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


def _make_engine(args: MeasureOptions, model: str, fp: dict, engine_extra: dict, api_key: str | None):
    """The engine ``args.engine`` names, from the engine registry (``measurement/engines/registry.py``)."""
    from claimbench.measurement.engines.registry import EngineRequest, build_engine

    return build_engine(EngineRequest(args, model, fp, engine_extra, api_key))


def _options_record(args: MeasureOptions) -> dict:
    """Every measure option as resolved (CLI or Python call alike), for the manifest. API keys are
    only ever passed by the name of their environment variable, so none can appear here."""
    out = args.record()
    if out.get("base_url"):
        from claimbench.measurement.engines.http import _public_url

        out["base_url"] = _public_url(out["base_url"])  # no user:password@ or query tokens
    return out

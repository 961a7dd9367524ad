"""The typed, validated options of a measurement: what ``claimbench measure`` and
:func:`claimbench.measure` take.

Python users build :class:`MeasureOptions` directly (``MeasureOptions(engine="serve",
concurrency=[1, 8], slo={"tpot_ms": 50})``); the CLI builds the same record from its arguments,
whose text forms are accepted too (``concurrency="1,8"``, ``slo=["tpot_ms=50"]``,
``input_len_range="64:256"``, ``engine_arg=["max_num_seqs=8"]``). Either way the record holds the
parsed values, and every problem is a :class:`~claimbench.errors.UserError` naming the option as
the CLI spells it (``--num-prompts must be a positive integer, got 0``).
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from claimbench.analyze.metrics import SLO_METRICS
from claimbench.errors import UserError, did_you_mean
from claimbench.numbers import BadNumber, checked_number

SEARCH_METRICS = ("tpot_ms", "ttft_ms", "itl_ms", "e2el_ms")

# Upper bounds of plan sizes: beyond them a run cannot finish on any machine (and would only
# build work up front); a real need for more is a plan split over several runs.
MAX_PROMPTS = 1_000_000
MAX_TOKENS = 10_000_000
MAX_CONCURRENCY = 1_000_000
MAX_SECONDS = 366 * 86400.0  # durations and timeouts: finite and at most a year
MAX_SEED = 2**63 - 1


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def parse_numbers(value: Any, option: str, kind: type) -> list:
    """``"1,8,32"`` or ``[1, 8, 32]`` → positive numbers (``inf`` allowed for floats)."""
    parts = value if isinstance(value, (list, tuple)) else str(value).split(",")
    out: list = []
    for part in parts:
        text = str(part).strip()
        if not text:
            raise UserError(f"{option} has an empty item in {value!r}")
        try:
            if kind is float and text.lower() in ("inf", "infinity"):
                number: float | int = math.inf
            elif kind is int and isinstance(part, float) and part.is_integer():
                number = int(part)
            else:
                number = kind(text)
        except ValueError:
            raise UserError(
                f"{option} takes a comma-separated list of {'integers' if kind is int else 'numbers'}, got {text!r}"
            ) from None
        if not number > 0 or (isinstance(number, float) and math.isnan(number)):
            raise UserError(f"{option} values must be positive, got {text!r}")
        if kind is int and number > MAX_CONCURRENCY:
            raise UserError(f"{option} values must be at most {MAX_CONCURRENCY:,}, got {text!r}")
        out.append(number)
    if not out:
        raise UserError(f"{option} is empty")
    return out


def parse_slos(items: Any) -> dict[str, float]:
    """``["tpot_ms=50", "ttft_ms=2000"]`` or ``{"tpot_ms": 50}`` → ``{"tpot_ms": 50.0, …}``."""
    pairs: list[tuple[str, Any]] = []
    if isinstance(items, dict):
        pairs = [(str(k).strip(), v) for k, v in items.items()]
    else:
        for item in items or []:
            name, sep, value = str(item).partition("=")
            if not sep:
                raise UserError(f"--slo must be METRIC=VALUE (e.g. tpot_ms=50), got {item!r}")
            pairs.append((name.strip(), value))
    slos: dict[str, float] = {}
    for name, value in pairs:
        if name not in SLO_METRICS:
            raise UserError(f"--slo: unknown metric {name!r}; use one of {', '.join(SLO_METRICS)}")
        try:
            bound = float(value)
        except (TypeError, ValueError):
            raise UserError(f"--slo {name}: {value!r} is not a number") from None
        if not bound > 0 or math.isinf(bound):
            raise UserError(f"--slo {name}: must be a positive finite number, got {value}")
        slos[name] = bound
    return slos


def parse_range(value: Any, option: str) -> tuple[int, int] | None:
    """``"64:256"`` or ``(64, 256)`` → ``(64, 256)``; None stays None."""
    if value is None:
        return None
    try:
        if isinstance(value, (list, tuple)):
            lo, hi = (int(x) for x in value)
        else:
            lo, hi = (int(x) for x in str(value).split(":"))
    except (TypeError, ValueError):
        raise UserError(f"{option} must be LO:HI (two integers), got {value!r}") from None
    return lo, hi


def parse_engine_args(items: Any) -> dict[str, Any]:
    """``["max_num_seqs=8", "enable-prefix-caching=true"]`` (VALUE parsed as JSON when it can be) or a dict."""
    if isinstance(items, dict):
        return {str(k).strip().replace("-", "_"): v for k, v in items.items()}
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise UserError(f"--engine-arg must be KEY=VALUE, got {item!r}")
        try:
            parsed = json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            parsed = value
        if isinstance(parsed, float) and not math.isfinite(parsed):
            raise UserError(f"--engine-arg {key.strip()}: must be a finite number, got {value!r}")
        out[key.strip().replace("-", "_")] = parsed
    return out


def parse_search(value: Any, percentile: float) -> tuple[str, float, float] | None:
    """``"tpot_ms=50"`` → ``("tpot_ms", 50.0, percentile)``."""
    if value is None:
        return None
    metric, sep, bound = str(value).partition("=")
    if not sep or metric.strip() not in SEARCH_METRICS:
        raise UserError(
            f"--find-max-under must be METRIC=VALUE with METRIC one of {', '.join(SEARCH_METRICS)}; got {value!r}"
        )
    try:
        number = float(bound)
    except ValueError:
        raise UserError(f"--find-max-under: {bound!r} is not a number") from None
    return metric.strip(), number, percentile


class MeasureOptions(BaseModel):
    """Every option of a measurement, with the CLI's defaults. Frozen; unknown names are rejected.

    Engine and model: ``engine`` (offline | serve | endpoint), ``model`` (``"tiny"`` builds the
    built-in model), ``dtype``, ``max_model_len``, ``enforce_eager``, ``kv_cache_gib``,
    ``tensor_parallel_size``, ``hardware`` (registry id of the device measured), ``engine_arg``
    (extra vLLM engine arguments). Workload: ``input_len``, ``output_len``, ``input_len_range``,
    ``output_len_range``, ``num_prompts``, ``seed``, ``vocab_size``; from a data set: ``dataset`` (a file or folder),
    ``dataset_format``, ``dataset_column``, ``dataset_output_column``, ``dataset_output`` (data |
    fixed), ``tokenizer`` (for text when the model folder is not local); multi-turn sessions:
    ``multi_turn`` (turns per session), ``prefix_len`` (shared prefix tokens), ``sessions``,
    ``think_time`` (seconds each session waits after its own previous answer).
    Fidelity: ``fidelity`` (reference dtype, or ``transformers``), ``fidelity_prompts``, ``fidelity_threshold``,
    ``fidelity_temperature``. Load: ``concurrency`` or
    ``request_rate`` (lists), ``burstiness``, ``duration``, ``ramp_up``, ``warmup_prompts``,
    ``request_timeout``, ``slo`` (dict), ``find_max_under`` (``"tpot_ms=50"``) with
    ``search_percentile``, ``search_max_levels``, ``search_max_concurrency``,
    ``percentile_method``. Serving: ``base_url``, ``api``, ``served_model_name``, ``api_key_env``
    (the name of the variable holding the key: the key itself is never an option),
    ``server_timeout``, ``port``, ``workers``, ``ray_address``, ``on_worker_failure``, ``calibrate``, ``token_counts``. Output:
    ``out``, ``progress``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: str = "offline"  # a name in the engine registry (measurement/engines/registry.py)
    model: str = "tiny"
    dtype: str = "auto"
    max_model_len: int | None = None
    enforce_eager: bool | None = None
    kv_cache_gib: float | None = None
    tensor_parallel_size: int = 1
    hardware: str | None = None
    engine_arg: dict[str, Any] = {}
    input_len: int = 128
    output_len: int = 128
    input_len_range: tuple[int, int] | None = None
    output_len_range: tuple[int, int] | None = None
    num_prompts: int = 64
    seed: int = 0
    vocab_size: int | None = None
    dataset: str | None = None
    dataset_format: Literal["auto", "jsonl", "csv", "sharegpt", "hf", "lengths"] = "auto"
    dataset_column: str = "prompt"
    dataset_output_column: str | None = None
    dataset_output: Literal["data", "fixed"] = "data"
    tokenizer: str | None = None
    multi_turn: int | None = None
    prefix_len: int = 0
    sessions: int | None = None
    think_time: float | None = None
    fidelity: Literal["float32", "bfloat16", "float16", "transformers"] | None = None
    fidelity_prompts: int = 8
    fidelity_threshold: float = 0.9
    fidelity_temperature: float = 0.0
    concurrency: list[int] | None = None
    request_rate: list[float] | None = None
    burstiness: float = 1.0
    duration: float | None = None
    ramp_up: float = 0.0
    warmup_prompts: int = 0
    request_timeout: float = 600.0
    slo: dict[str, float] = {}
    find_max_under: str | None = None
    search_percentile: float = 50.0
    search_max_levels: int = 6
    search_max_concurrency: int = 1024
    percentile_method: Literal["linear", "nearest_rank"] = "linear"
    base_url: str | None = None
    api: Literal["completions", "chat"] = "completions"
    served_model_name: str | None = None
    api_key_env: str | None = None
    server_timeout: float = 600.0
    port: int = 0
    workers: int = 1
    ray_address: str | None = None
    on_worker_failure: Literal["continue", "stop"] = "continue"
    calibrate: Literal["auto", "always", "never"] = "auto"
    token_counts: Literal["usage", "chunks"] = "usage"
    out: str = "runs"
    progress: bool | None = None

    # text forms of the CLI, parsed by the one parser of each
    @field_validator("concurrency", mode="before")
    @classmethod
    def _concurrency(cls, v: Any) -> Any:
        return None if v is None else parse_numbers(v, "--concurrency", int)

    @field_validator("request_rate", mode="before")
    @classmethod
    def _request_rate(cls, v: Any) -> Any:
        return None if v is None else parse_numbers(v, "--request-rate", float)

    @field_validator("slo", mode="before")
    @classmethod
    def _slo(cls, v: Any) -> Any:
        return parse_slos(v)

    @field_validator("engine")
    @classmethod
    def _engine(cls, v: str) -> str:
        from claimbench.measurement.engines.registry import check_engine_name

        return check_engine_name(v)

    @field_validator("engine_arg", mode="before")
    @classmethod
    def _engine_arg(cls, v: Any) -> Any:
        return parse_engine_args(v)

    @field_validator("input_len_range", "output_len_range", mode="before")
    @classmethod
    def _ranges(cls, v: Any, info: Any) -> Any:
        return parse_range(v, _flag(info.field_name))

    @field_validator("input_len", "output_len", "num_prompts")
    @classmethod
    def _positive(cls, v: int, info: Any) -> int:
        if v < 1:
            raise UserError(f"{_flag(info.field_name)} must be a positive integer, got {v}")
        return v

    @classmethod
    def build(cls, **values: Any) -> MeasureOptions:
        """Validate ``values``; any problem is one UserError naming the option (``--num-prompts``)."""
        known = set(cls.model_fields)
        for key in values:
            if key not in known:
                raise UserError(f"measure: unknown option {key!r}{did_you_mean(key, known)}")
        try:
            opts = cls(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0]) if err["loc"] else "options"
            got = err.get("input")
            raise UserError(f"{_flag(name)}: {err['msg']}, got {got!r}") from None
        opts.check()
        return opts

    def check(self) -> None:
        """Cross-field and range checks that need no engine, model or network.

        Every number is checked here, the one validation path for numeric options: finite, in
        range, of the right type (``--duration inf``, ``--seed -1``, ``--request-timeout nan``
        are one-line errors before anything starts)."""
        check_numbers(self)
        if self.max_model_len is not None and self.max_model_len < 2:
            raise UserError(f"--max-model-len must be at least 2, got {self.max_model_len}")
        if self.kv_cache_gib is not None and not self.kv_cache_gib > 0:
            raise UserError(f"--kv-cache-gib must be positive, got {self.kv_cache_gib}")
        if self.workers < 1:
            raise UserError(f"--workers must be at least 1, got {self.workers}")
        if (self.workers > 1 or self.ray_address) and self.engine == "offline":
            raise UserError("--workers/--ray-address run the streaming client: use --engine serve or endpoint")
        if self.request_timeout is not None and not self.request_timeout > 0:
            raise UserError(f"--request-timeout must be positive, got {self.request_timeout}")
        if self.vocab_size is not None and self.vocab_size < 16:
            raise UserError(f"--vocab-size must be at least 16, got {self.vocab_size}")
        if self.concurrency and self.request_rate:
            raise UserError("give either --concurrency or --request-rate, not both")
        self._check_workload_sources()
        if self.engine == "endpoint" and not self.base_url:
            raise UserError("--engine endpoint needs --base-url")
        if self.engine != "endpoint" and self.base_url:
            raise UserError("--base-url is only for --engine endpoint")
        if self.find_max_under is not None:
            if self.request_rate:
                raise UserError("--find-max-under searches closed-loop concurrency; drop --request-rate")
            if self.search_max_levels < 2:
                raise UserError(f"--search-max-levels must be at least 2, got {self.search_max_levels}")
            if self.search_max_concurrency < 2:
                raise UserError(f"--search-max-concurrency must be at least 2, got {self.search_max_concurrency}")
            parse_search(self.find_max_under, self.search_percentile)

    def _check_workload_sources(self) -> None:
        """Data set, multi-turn and fidelity options: each only with what it shapes."""
        if self.dataset is None and (self.dataset_format != "auto" or self.dataset_output_column or self.tokenizer):
            raise UserError("--dataset-format/--dataset-output-column/--tokenizer need --dataset")
        if self.fidelity is not None and self.engine == "endpoint":
            raise UserError("--fidelity needs --engine offline or serve: the reference runs the same local weights")
        if not 1 <= self.fidelity_prompts <= 10_000:
            raise UserError(f"--fidelity-prompts must be in 1..10000, got {self.fidelity_prompts}")
        if not 0 < self.fidelity_threshold <= 1:
            raise UserError(f"--fidelity-threshold must be in (0, 1], got {self.fidelity_threshold}")
        if not 0 <= self.fidelity_temperature <= 100 or math.isnan(self.fidelity_temperature):
            raise UserError(f"--fidelity-temperature must be in 0..100, got {self.fidelity_temperature}")
        if self.multi_turn is None and (self.prefix_len or self.sessions or self.think_time is not None):
            raise UserError("--prefix-len/--sessions/--think-time shape multi-turn sessions: give --multi-turn N")
        if self.multi_turn is not None:
            if self.dataset is not None or self.input_len_range or self.output_len_range:
                raise UserError("--multi-turn builds its own prompts: drop --dataset and the length ranges")
            if self.multi_turn < 1 or self.prefix_len < 0 or (self.sessions is not None and self.sessions < 1):
                raise UserError("--multi-turn and --sessions must be at least 1, --prefix-len 0 or more")
            self._check_think_time()
        if self.dataset is not None and (self.input_len_range or self.output_len_range):
            raise UserError("--input-len-range/--output-len-range synthesize prompts: drop them with --dataset")

    def _check_think_time(self) -> None:
        """Per-session think time paces closed-loop levels, from the coordinating process."""
        if self.think_time is None:
            return
        if self.request_rate is not None:
            raise UserError(
                "--think-time paces each session by its own answers: use --concurrency levels, not --request-rate"
            )
        if self.workers > 1 or self.ray_address:
            raise UserError("--think-time runs the sessions in this process: drop --workers/--ray-address")

    def record(self) -> dict[str, Any]:
        """Every option as resolved, for the manifest (sorted; the API key never is an option)."""
        out = self.model_dump(mode="json")
        return {k: out[k] for k in sorted(out)}


def _finite(name: str, value: Any, lo: float, hi: float, lo_open: bool = False) -> None:
    """``value`` is a finite number in [lo, hi] (or (lo, hi] with ``lo_open``); else one UserError
    naming the CLI option (through the one number check, :func:`claimbench.numbers.checked_number`)."""
    try:
        checked_number(value, _flag(name), lo, hi, lo_open)
    except BadNumber as exc:
        raise UserError(str(exc)) from None


def check_numbers(opts: MeasureOptions) -> None:
    """Finiteness and range of every numeric option (see :meth:`MeasureOptions.check`)."""
    _finite("input_len", opts.input_len, 1, MAX_TOKENS)
    _finite("output_len", opts.output_len, 1, MAX_TOKENS)
    _finite("num_prompts", opts.num_prompts, 1, MAX_PROMPTS)
    _finite("warmup_prompts", opts.warmup_prompts, 0, MAX_PROMPTS)
    _finite("seed", opts.seed, 0, MAX_SEED)
    _finite("max_model_len", opts.max_model_len, 2, 2 * MAX_TOKENS)
    _finite("vocab_size", opts.vocab_size, 16, 2**31 - 1)
    _finite("kv_cache_gib", opts.kv_cache_gib, 0, 2**20, lo_open=True)
    _finite("tensor_parallel_size", opts.tensor_parallel_size, 1, 4096)
    _finite("burstiness", opts.burstiness, 0, 1e6, lo_open=True)
    _finite("duration", opts.duration, 0, MAX_SECONDS, lo_open=True)
    _finite("ramp_up", opts.ramp_up, 0, MAX_SECONDS)
    _finite("request_timeout", opts.request_timeout, 0, MAX_SECONDS, lo_open=True)
    _finite("server_timeout", opts.server_timeout, 0, MAX_SECONDS, lo_open=True)
    _finite("search_percentile", opts.search_percentile, 0, 100, lo_open=True)
    _finite("search_max_levels", opts.search_max_levels, 1, 1000)
    _finite("search_max_concurrency", opts.search_max_concurrency, 1, MAX_CONCURRENCY)
    _finite("port", opts.port, 0, 65535)
    _finite("workers", opts.workers, 1, 4096)
    for rng_name in ("input_len_range", "output_len_range"):
        rng = getattr(opts, rng_name)
        if rng is not None:
            for v in rng:
                _finite(rng_name, v, 1, MAX_TOKENS)
    for rate in opts.request_rate or []:
        if math.isnan(rate) or rate <= 0 or (math.isfinite(rate) and rate > 1e9):
            raise UserError(f"--request-rate values must be positive (at most 1e9, or inf), got {rate!r}")
    if not opts.out or not str(opts.out).strip():
        raise UserError("--out must name a folder, got an empty string")
    if "\x00" in str(opts.out):
        raise UserError("--out must not contain a NUL character")
    if opts.base_url is not None:
        check_base_url(opts.base_url)


def check_base_url(url: str) -> str:
    """``url`` parsed as an http(s) URL with a host (a malformed IPv6 address or port is one line)."""
    import urllib.parse

    text = str(url).strip()
    from claimbench.measurement.httppolicy import has_userinfo

    if has_userinfo(text):  # checked on the text, before any parse of a host or lookup
        raise UserError(
            f"--base-url must not carry user:password@ (a key in a URL leaks); pass it with --api-key-env: {_public(text)!r}"
        )
    try:
        parsed = urllib.parse.urlsplit(text)
        port = parsed.port  # raises ValueError on a bad port
        host = parsed.hostname
    except ValueError as exc:
        raise UserError(f"--base-url is not a valid URL ({exc}): {_public(text)!r}") from None
    if parsed.scheme not in ("http", "https") or not parsed.netloc or not host:
        raise UserError(f"--base-url must be an http(s) URL such as http://127.0.0.1:8000, got {_public(text)!r}")
    del port
    return text


def _public(url: str) -> str:
    from claimbench.redact import Redactor

    return Redactor().text(url)

"""The engine registry: ``--engine NAME`` → a function that builds the engine.

Adding an engine is one module (the engine class and a builder ``(EngineRequest) -> Engine``)
plus one registration line in :data:`_BUILTIN` below (a lazy import, so ``vllm`` and ``aiohttp``
load only for the engine used); ``--engine`` choices and
option validation read the registry. Plug-ins call :func:`register_engine` at import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from claimbench.errors import UserError, did_you_mean

if TYPE_CHECKING:
    from claimbench.measurement.options import MeasureOptions
    from claimbench.measurement.runner import Engine


@dataclass(frozen=True)
class EngineRequest:
    """What every engine builder receives: the resolved options, model, platform and secrets."""

    options: MeasureOptions
    model: str
    fingerprint: dict[str, Any]
    engine_extra: dict[str, Any] = field(default_factory=dict)
    api_key: str | None = None

    @property
    def backend(self) -> str:
        """The platform's backend (``cpu``, ``cuda``, ...; ``unknown`` when not fingerprinted)."""
        return self.fingerprint.get("backend") or "unknown"

    def vllm_arguments(self) -> dict[str, Any]:
        """The arguments every vLLM-starting engine takes (``engines.config`` fields)."""
        o = self.options
        return dict(
            model=self.model,
            dtype=o.dtype,
            max_model_len=o.max_model_len,
            enforce_eager=o.enforce_eager,
            kv_cache_gib=o.kv_cache_gib,
            seed=o.seed,
            tensor_parallel_size=o.tensor_parallel_size,
            extra=self.engine_extra,
        )


EngineBuilder = Callable[[EngineRequest], "Engine"]


def _offline(req: EngineRequest) -> Engine:
    from claimbench.measurement.engines.offline import OfflineEngine, OfflineEngineConfig

    return OfflineEngine(OfflineEngineConfig(**req.vllm_arguments()), req.backend)


def _client_config(req: EngineRequest) -> Any:
    from claimbench.measurement.engines.http import HttpEngineConfig

    o = req.options
    return HttpEngineConfig(
        api=o.api,
        served_model_name=o.served_model_name,
        api_key=req.api_key,
        api_key_env=o.api_key_env,
        token_counts=o.token_counts,
        workers=o.workers,
        ray_address=o.ray_address,
        on_worker_failure=o.on_worker_failure,
    )


def _serve(req: EngineRequest) -> Engine:
    from claimbench.measurement.engines.http import HttpEngine
    from claimbench.measurement.engines.serve import ServeConfig, ServeProcess

    o = req.options
    config = ServeConfig(**req.vllm_arguments(), port=o.port, ready_timeout_s=o.server_timeout, backend=req.backend)
    engine = HttpEngine(_client_config(req), server=ServeProcess(config), model=req.model)
    engine.fingerprint = req.fingerprint  # a multi-node (Ray executor) server adds its cluster to it
    return engine


def _endpoint(req: EngineRequest) -> Engine:
    from claimbench.measurement.engines.http import HttpEngine

    return HttpEngine(_client_config(req), base_url=req.options.base_url, model=req.model)


_BUILTIN: dict[str, EngineBuilder] = {
    "offline": _offline,  # vLLM in this process (LLM.generate)
    "serve": _serve,  # `vllm serve` started here, measured through the streaming client
    "endpoint": _endpoint,  # any OpenAI-compatible server already running
}
_REGISTRY: dict[str, EngineBuilder] = dict(_BUILTIN)


def register_engine(name: str, builder: EngineBuilder) -> None:
    """Make ``--engine name`` build engines with ``builder`` (a later registration replaces one)."""
    _REGISTRY[name] = builder


def unregister_engine(name: str) -> None:
    """Remove a registered engine; a built-in one comes back (nothing happens for an unknown name)."""
    if name in _BUILTIN:
        _REGISTRY[name] = _BUILTIN[name]
    else:
        _REGISTRY.pop(name, None)


def engine_names() -> tuple[str, ...]:
    """Every registered engine name, in registration order."""
    return tuple(_REGISTRY)


def check_engine_name(name: str) -> str:
    """``name`` when it is registered, else one UserError listing the choices."""
    if name not in _REGISTRY:
        raise UserError(
            f"--engine: unknown engine {name!r}{did_you_mean(name, list(_REGISTRY))} (choices: {', '.join(_REGISTRY)})"
        )
    return name


def build_engine(req: EngineRequest) -> Engine:
    """The engine ``req.options.engine`` names, built by its registered builder."""
    return _REGISTRY[check_engine_name(req.options.engine)](req)

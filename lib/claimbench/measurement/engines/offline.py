"""In-process vLLM engine (``--engine offline``) driven request by request.

Instead of one ``LLM.generate`` call, the engine is stepped directly (``LLMEngine.add_request`` /
``step``) so that closed-loop concurrency and open-loop arrival rates can be applied, and every
step that returns new tokens for a request is timestamped like a streamed chunk. No HTTP, no
tokenizer: prompts are token ids, outputs are counted by the engine.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from claimbench.errors import UserError
from claimbench.measurement.engines.amx import request_amx_permission
from claimbench.measurement.engines.config import VllmArgs
from claimbench.measurement.loadgen import iter_arrival_offsets_s
from claimbench.measurement.multiturn import SessionQueue
from claimbench.measurement.runner import EngineDied
from claimbench.measurement.workload import Prompt
from claimbench.schema.records import LoadLevel, RequestRecord


@dataclass
class _Lookahead:
    """A lazy queue over an iterator: peek the head (``q[0]``), ``popleft``, ``clear``, truthiness."""

    _END = object()

    def __init__(self, items: Iterable[Any]):
        self._it: Iterator[Any] = iter(items)
        self._head: Any = next(self._it, self._END)

    def __bool__(self) -> bool:
        return self._head is not self._END

    def __getitem__(self, i: int) -> Any:
        if i != 0 or self._head is self._END:
            raise IndexError(i)
        return self._head

    def popleft(self) -> Any:
        head = self[0]
        self._head = next(self._it, self._END)
        return head

    def clear(self) -> None:
        self._it, self._head = iter(()), self._END


class OfflineEngineConfig(VllmArgs):
    """Arguments of an in-process vLLM engine."""

    def engine_kwargs(self, backend: str) -> dict[str, Any]:
        """The keyword arguments of ``vllm.LLM`` on this backend."""
        kw: dict[str, Any] = {
            "model": self.model,
            "dtype": self.dtype,
            "seed": self.seed,
            "skip_tokenizer_init": True,
            "disable_log_stats": False,
            "tensor_parallel_size": self.tensor_parallel_size,
        }
        if self.max_model_len:
            kw["max_model_len"] = self.max_model_len
        kw["enforce_eager"] = self.eager(backend)
        if self.kv_cache_bytes(backend) is not None:
            kw["kv_cache_memory_bytes"] = self.kv_cache_bytes(backend)
        kw.update(self.extra)
        return kw


def prepare_cpu_environment(kv_cache_gib: float | None) -> dict[str, str]:
    """Environment a vLLM CPU engine needs here; returns what was set (for the manifest)."""
    set_vars = {}
    if "VLLM_CPU_KVCACHE_SPACE" not in os.environ:
        # vLLM's CPU default takes most of the host's memory (20 of 24 GiB measured).
        os.environ["VLLM_CPU_KVCACHE_SPACE"] = f"{kv_cache_gib if kv_cache_gib is not None else 1:g}"
        set_vars["VLLM_CPU_KVCACHE_SPACE"] = os.environ["VLLM_CPU_KVCACHE_SPACE"]
    return set_vars


class OfflineEngine:
    """vLLM in this process (``LLM.generate``), timed per request from the engine's outputs."""

    name = "offline"

    def __init__(self, config: OfflineEngineConfig, backend: str):
        self.config = config
        self.backend = backend
        self.llm: Any = None
        self.kwargs = config.engine_kwargs(backend)
        self.environment: dict[str, str] = {}
        self.start_s: float | None = None
        self.max_model_len: int | None = None

    def start(self) -> None:
        """Build the vLLM engine (a UserError when the model cannot load)."""
        t0 = time.monotonic()
        # In-process engine core: starts in seconds instead of ~40 s and was faster on 2 cores.
        if "VLLM_ENABLE_V1_MULTIPROCESSING" not in os.environ:
            os.environ["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
            self.environment["VLLM_ENABLE_V1_MULTIPROCESSING"] = "0"
        if self.backend == "cpu":
            self.environment |= prepare_cpu_environment(self.config.kv_cache_gib)
            request_amx_permission()
        try:
            from vllm import LLM

            self.llm = LLM(**self.kwargs)
        except Exception as exc:  # vLLM raises many types for a bad model/argument
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(f"vLLM could not start the engine for model {self.config.model!r}: {msg}") from exc
        self.max_model_len = int(self.llm.llm_engine.model_config.max_model_len)
        self.start_s = time.monotonic() - t0

    def describe(self) -> dict[str, Any]:
        """What ran, for the manifest: engine arguments, environment set, start time."""
        return {"name": self.name, "engine_args": self.kwargs, "environment": self.environment, "start_s": self.start_s}

    def vocab_size(self) -> int:
        """The model's vocabulary size as vLLM loaded it."""
        return int(self.llm.llm_engine.model_config.get_vocab_size())

    def stop(self) -> None:
        """Shut the engine down and free its memory."""
        llm, self.llm = self.llm, None
        if llm is not None:
            try:
                llm.llm_engine.engine_core.shutdown()
            except Exception:
                pass
            del llm
            import gc

            gc.collect()

    def run_level(
        self,
        level: LoadLevel,
        prompts: list[Prompt],
        run_t0: float,
        records: list[RequestRecord],
        warmup: bool = False,
        seed: int = 0,
        request_timeout_s: float | None = None,
        on_request_done: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        """Run ``prompts`` at ``level``, appending one record per sent prompt to ``records``.

        Records are appended when sent, so a level cut short (engine died, Ctrl-C) keeps them.
        """
        from vllm import SamplingParams
        from vllm.sampling_params import RequestOutputKind

        engine = self.llm.llm_engine
        clock = time.monotonic
        start = clock() - run_t0
        if level.concurrency is not None:
            offsets: Iterable[float] = itertools.repeat(0.0, len(prompts))
            cap = level.concurrency
        else:
            assert level.request_rate is not None  # a level is closed-loop or open-loop
            offsets = iter_arrival_offsets_s(len(prompts), level.request_rate, level.burstiness, seed + level.level)
            cap = len(prompts)
        deadline = None if level.duration_s is None or warmup else start + level.duration_s
        schedule = getattr(prompts, "session_schedule", None)  # multi-turn think time: sessions pace themselves
        if schedule is not None:
            on_request_done = schedule.notifying(on_request_done)
        queue: Any = SessionQueue(schedule, start) if schedule is not None else _Lookahead(zip(offsets, prompts))
        in_flight: dict[str, RequestRecord] = {}

        def finish(rec: RequestRecord, ok: bool, error: str | None, t: float) -> None:
            rec.ok, rec.error, rec.done_s = ok, error, t
            in_flight.pop(rec.request_id, None)
            if on_request_done:
                on_request_done(rec)

        while queue or in_flight:
            now = clock() - run_t0
            stop_admitting = deadline is not None and now >= deadline
            if level.concurrency is not None and level.ramp_s > 0:  # streams join one by one over ramp_s
                cap = min(level.concurrency, 1 + int(level.concurrency * (now - start) / level.ramp_s))
            while queue and not stop_admitting and len(in_flight) < cap and start + queue[0][0] <= now:
                offset, prompt = queue.popleft()
                scheduled = max(start + offset, now) if level.concurrency is not None else start + offset
                rec = RequestRecord.for_prompt(
                    level.level, prompt, scheduled, warmup, token_count_source="engine", output_tokens=0
                )
                rid = rec.request_id
                params = SamplingParams(
                    max_tokens=prompt.output_len,
                    ignore_eos=True,
                    detokenize=False,
                    temperature=0.0,
                    output_kind=RequestOutputKind.DELTA,
                )
                rec.sent_s = clock() - run_t0
                try:
                    engine.add_request(rid, {"prompt_token_ids": list(prompt.token_ids)}, params)
                except Exception as exc:
                    rec.done_s = rec.sent_s
                    rec.error = f"rejected: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                    records.append(rec)
                    if on_request_done:
                        on_request_done(rec)
                    continue
                in_flight[rid] = rec
                records.append(rec)
            if stop_admitting and queue:
                queue.clear()  # duration bound reached: remaining prompts are not sent (not failures)
            if not in_flight:
                if queue:
                    time.sleep(max(0.0, min(0.05, start + queue[0][0] - (clock() - run_t0))))
                continue
            try:
                outputs = engine.step()
            except Exception as exc:
                t = clock() - run_t0
                for rec in list(in_flight.values()):
                    finish(rec, False, f"engine died: {type(exc).__name__}: {str(exc)[:200]}", t)
                raise EngineDied(str(exc)) from exc
            t = clock() - run_t0
            for out in outputs:
                found = in_flight.get(out.request_id)
                if found is None:
                    continue
                rec = found
                n_new = sum(len(c.token_ids) for c in out.outputs[:1])
                if n_new:
                    if rec.first_token_s is None:
                        rec.first_token_s = t
                    rec.chunk_times_s.append(t)
                    rec.chunk_tokens.append(n_new)
                    rec.output_tokens = (rec.output_tokens or 0) + n_new
                if out.finished:
                    finish(rec, True, None, t)
            if request_timeout_s is not None:
                late = [r for r in in_flight.values() if r.sent_s is not None and t - r.sent_s > request_timeout_s]
                if late:
                    engine.abort_request([r.request_id for r in late])
                    for r in late:
                        finish(r, False, f"timeout after {request_timeout_s:g} s", t)

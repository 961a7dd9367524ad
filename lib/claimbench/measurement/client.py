"""Streaming OpenAI-compatible load client (asyncio + aiohttp) recording raw per-request timings.

Every timestamp is ``time.monotonic()`` (CLOCK_MONOTONIC on Linux, shared by all processes on
the host, so a local test server can record ground truth on the same clock) minus the run start.
For each request: when the load plan wanted it sent (``scheduled_s``), when it was sent
(``sent_s``), the arrival of every SSE event carrying output (``chunk_times_s``) with the tokens it
carried when the server reports them (vLLM's ``continuous_usage_stats``), ``done_s`` at ``[DONE]``
or at failure, and token counts from the server's usage.

Load: closed loop (``concurrency`` workers, each sending its next request as soon as the previous
one ends) or open loop (arrivals at ``request_rate`` with gamma ``burstiness``, no cap).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from claimbench.measurement.loadgen import arrival_offsets_s
from claimbench.measurement.workload import Prompt
from claimbench.schema.records import LoadLevel, RequestRecord

_DATA = b"data:"


@dataclass
class ClientConfig:
    base_url: str  # server root, without /v1
    model: str  # served model name
    api: str = "completions"  # completions | chat
    api_key: str | None = None
    request_timeout_s: float | None = 600.0
    continuous_usage: bool = False  # ask vLLM for usage in every chunk (exact tokens per chunk)
    ignore_eos: bool = True


def synthetic_text(prompt: Prompt) -> str:
    """Text for the chat API, which takes no token ids: one pseudo-word per prompt token.

    The server's usage reports the real prompt token count, which is what gets recorded.
    """
    return " ".join(f"w{t % 997}" for t in prompt.token_ids)


def request_body(cfg: ClientConfig, prompt: Prompt) -> dict[str, Any]:
    stream_options: dict[str, Any] = {"include_usage": True}
    if cfg.continuous_usage:
        stream_options["continuous_usage_stats"] = True
    body: dict[str, Any] = {"model": cfg.model, "stream": True, "stream_options": stream_options, "temperature": 0.0}
    if cfg.ignore_eos:
        body["ignore_eos"] = True
    if cfg.api == "chat":
        body["messages"] = [{"role": "user", "content": synthetic_text(prompt)}]
        body["max_completion_tokens"] = prompt.output_len
        body["max_tokens"] = prompt.output_len
    else:
        body["prompt"] = list(prompt.token_ids)
        body["max_tokens"] = prompt.output_len
    return body


def _headers(cfg: ClientConfig, request_id: str) -> dict[str, str]:
    h = {"Content-Type": "application/json", "X-Request-Id": request_id}
    if cfg.api_key:
        h["Authorization"] = f"Bearer {cfg.api_key}"
    return h


def _url(cfg: ClientConfig) -> str:
    return cfg.base_url.rstrip("/") + ("/v1/chat/completions" if cfg.api == "chat" else "/v1/completions")


def _has_output(event: dict[str, Any]) -> bool:
    for choice in event.get("choices") or ():
        if (
            choice.get("text")
            or (choice.get("delta") or {}).get("content")
            or (choice.get("delta") or {}).get("reasoning_content")
        ):
            return True
    return False


async def send_one(session, cfg: ClientConfig, prompt: Prompt, rec: RequestRecord, run_t0: float) -> None:
    """Send one streaming request and fill ``rec``; never raises for request-level failures."""
    import aiohttp

    clock = time.monotonic
    rec.requested_output_tokens = prompt.output_len
    body = json.dumps(request_body(cfg, prompt)).encode()
    usage: dict[str, Any] | None = None
    last_completion_tokens = 0
    n_events_with_output = 0
    timeout = aiohttp.ClientTimeout(total=cfg.request_timeout_s)
    rec.sent_s = clock() - run_t0  # replaced by the time the body was written, when tracing reports it
    ctx = {"run_t0": run_t0, "rec": rec}
    try:
        async with session.post(
            _url(cfg), data=body, headers=_headers(cfg, rec.request_id), timeout=timeout, trace_request_ctx=ctx
        ) as resp:
            if resp.status != 200:
                text = (await resp.text())[:300].replace("\n", " ")
                rec.done_s = clock() - run_t0
                rec.error = f"HTTP {resp.status}: {text}"
                return
            done = False
            async for line in resp.content:
                t = clock() - run_t0
                if not line.startswith(_DATA):
                    continue
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    done = True
                    rec.done_s = t
                    break
                try:
                    event = json.loads(payload)
                except ValueError:
                    rec.error = f"unparseable stream event: {payload[:120]!r}"
                    break
                if "error" in event and not event.get("choices"):
                    rec.error = f"stream error: {str(event['error'])[:200]}"
                    break
                u = event.get("usage")
                if u:
                    usage = u
                carries = _has_output(event)
                n_tok = None
                if cfg.continuous_usage and u and event.get("choices"):
                    n_tok = int(u.get("completion_tokens") or 0) - last_completion_tokens
                    last_completion_tokens = int(u.get("completion_tokens") or 0)
                    carries = carries or n_tok > 0
                if carries:
                    n_events_with_output += 1
                    if rec.first_token_s is None:
                        rec.first_token_s = t
                    rec.chunk_times_s.append(t)
                    rec.chunk_tokens.append(n_tok if n_tok is not None else 1)
            if rec.error is None and not done:
                rec.error = "stream ended before [DONE]"
    except asyncio.TimeoutError:
        rec.error = f"timeout after {cfg.request_timeout_s:g} s"
    except aiohttp.ClientError as exc:
        rec.error = f"{type(exc).__name__}: {str(exc)[:200]}"
    except OSError as exc:
        rec.error = f"{type(exc).__name__}: {str(exc)[:200]}"
    if rec.done_s is None:
        rec.done_s = clock() - run_t0
    if usage is not None:
        rec.output_tokens = int(usage.get("completion_tokens") or 0)
        rec.prompt_tokens = int(usage.get("prompt_tokens") or 0) or rec.prompt_tokens
        rec.token_count_source = "usage"
    else:
        rec.output_tokens = sum(rec.chunk_tokens) if rec.chunk_tokens else (0 if rec.error is None else None)
        rec.token_count_source = "chunks"
    rec.ok = rec.error is None and rec.first_token_s is not None
    if rec.error is None and rec.first_token_s is None:
        rec.error = "no output tokens received"


async def _on_body_sent(session, trace_ctx, params) -> None:
    ctx = trace_ctx.trace_request_ctx
    if ctx is not None:
        ctx["rec"].sent_s = time.monotonic() - ctx["run_t0"]


def make_session(limit: int):
    import aiohttp

    trace = aiohttp.TraceConfig()
    # sent_s is when the request body was handed to the socket, not when the coroutine started:
    # with many streams starting together the event loop sends them one after another.
    trace.on_request_chunk_sent.append(_on_body_sent)
    connector = aiohttp.TCPConnector(
        limit=max(1, limit), limit_per_host=0, ttl_dns_cache=300, enable_cleanup_closed=True
    )
    return aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=None), read_bufsize=2**16, trace_configs=[trace]
    )


async def run_level_async(
    cfg: ClientConfig,
    level: LoadLevel,
    prompts: list[Prompt],
    run_t0: float,
    records: list[RequestRecord],
    warmup: bool = False,
    seed: int = 0,
    on_request_done: Callable[[RequestRecord], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Run one load level; records are appended as requests are sent (kept if the level is cut).

    ``should_stop`` is polled before each send (e.g. the server process died): no new requests
    are sent once it is true, and requests in flight finish or fail on their own.
    """
    clock = time.monotonic
    start = clock() - run_t0
    deadline = None if level.duration_s is None or warmup else start + level.duration_s

    def new_record(prompt: Prompt, scheduled: float) -> RequestRecord:
        rec = RequestRecord.for_prompt(level.level, prompt, scheduled, warmup)
        records.append(rec)
        return rec

    async def fire(session, prompt: Prompt, scheduled: float) -> None:
        rec = new_record(prompt, scheduled)
        await send_one(session, cfg, prompt, rec, run_t0)
        if on_request_done:
            on_request_done(rec)

    limit = level.concurrency or len(prompts)
    async with make_session(limit) as session:
        if level.concurrency is not None:
            queue = list(reversed(prompts))

            n_streams = min(level.concurrency, len(prompts))

            async def worker(i: int) -> None:
                if level.ramp_s > 0 and i:
                    await asyncio.sleep(max(0.0, start + level.ramp_s * i / n_streams - (clock() - run_t0)))
                while queue and not should_stop():
                    now = clock() - run_t0
                    if deadline is not None and now >= deadline:
                        return
                    await fire(session, queue.pop(), now)

            await asyncio.gather(*(worker(i) for i in range(n_streams)))
        else:
            offsets = arrival_offsets_s(len(prompts), level.request_rate, level.burstiness, seed + level.level)
            await dispatch_open_loop(
                list(zip(offsets, prompts)),
                start,
                run_t0,
                deadline,
                should_stop,
                lambda prompt, due: fire(session, prompt, due),
            )


async def dispatch_open_loop(items, start: float, run_t0: float, deadline: float | None, should_stop, fire) -> None:
    """Start ``fire(prompt, due)`` for each (offset, prompt) at ``start + offset`` (open loop), then await all.

    Nothing is sent past ``deadline`` or once ``should_stop()`` is true."""
    clock = time.monotonic
    tasks = []
    for offset, prompt in items:
        due = start + offset
        if (deadline is not None and due >= deadline) or should_stop():
            break
        delay = due - (clock() - run_t0)
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(fire(prompt, due)))
    await asyncio.gather(*tasks)

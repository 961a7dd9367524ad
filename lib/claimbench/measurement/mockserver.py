"""Reference OpenAI-compatible streaming server with an exact, recorded emission schedule.

This is a *test instrument*: it is never the thing a claim is measured on. It exists so the
streaming client's own measurement error can be checked against ground truth. Every request is
answered on a schedule fixed in advance, and the server records when it actually received the
request and when each chunk was written, on the system-wide monotonic clock.

Schedule
    A generation request received at monotonic time ``t_r`` emits token chunk ``k``
    (``k = 0 … max_tokens-1``) at ``t_r + ttft_ms + k * gap_ms`` (plus optional jitter, off by
    default). One chunk carries exactly one token; exactly ``max_tokens`` token chunks are sent.
    ``received_s`` is taken when the handler starts (headers parsed, before the body is read).
    ``chunk_write_s[k]`` is taken right after ``await resp.write(chunk_k)`` returns, i.e. after
    the bytes were handed to the kernel (or buffered and drained). All times are
    :func:`time.monotonic` seconds; on Linux that is ``CLOCK_MONOTONIC``, which is system-wide,
    so a client in another process can compare its own ``time.monotonic()`` readings with them.

    Waiting for a deadline is two-phase: an asyncio sleep until ``coarse_margin_ms`` before it
    (the event loop's timers only have millisecond resolution and wake late), then a blocking
    :func:`time.sleep` to ``spin_us`` before it, then a busy-wait. Deadlines are served in order,
    so the blocking phase only ever waits for the earliest pending deadline; the cost is that
    other I/O (a new request's arrival, hence its ``received_s``) can be delayed by up to
    ``coarse_margin_ms``. ``precise=False`` uses the asyncio sleep alone (≈1 ms late).

Endpoints
    ``GET /health`` (503 during ``slow_start_s``), ``GET /v1/models``,
    ``POST /v1/completions``, ``POST /v1/chat/completions`` (streaming SSE or not, vLLM JSON
    shapes), ``POST /tokenize`` (vLLM style ``{"tokens", "count", "max_model_len"}``),
    ``GET /stats`` (ground truth, ``?records=0`` for the summary alone) and ``POST /stats/reset``.

Tokens
    Output token ``k`` is one whitespace word with a leading space (``" the"``, ``" quick"``…),
    so the word count of the output text equals ``completion_tokens``. A prompt given as a list
    of token ids counts ``len(prompt)`` tokens; text counts its whitespace-separated words (chat:
    the words of every message's text content).

Faults (all off by default)
    ``fail_every=N``: every Nth generation request answers HTTP 500 with a JSON error body.
    ``die_after_chunks=N`` (with ``die_every=M``, default every request): the connection is
    aborted after N token chunks of every Mth generation request. ``die_after_requests=N``: the
    whole process exits (``os._exit(DIED_EXIT_CODE)``) when the Nth generation request arrives;
    that request and all in flight lose their connection. ``slow_start_s=S``: ``/health`` and
    ``/v1/*`` answer 503 for the first S seconds. ``require_api_key=K``: ``/v1/*`` needs
    ``Authorization: Bearer K`` and answers 401 otherwise (like ``vllm serve --api-key``).
    Generation requests are counted (1, 2, …) after the API-key and slow-start checks.

Hostile modes (the fault suite's server; all off by default)
    ``hostile="mode[,mode…]"`` on every ``hostile_every``-th generation request (others are
    answered normally, so a sweep goes on): ``bad_choice`` (a chunk whose ``choices`` item is a
    string), ``not_json`` (an event that is not JSON), ``giant_line`` (one SSE line of
    ``giant_line_bytes``), ``echo_auth`` (HTTP 400 whose body echoes the request headers,
    Authorization included, as a careless gateway does), ``absurd_usage`` (usage of 10¹² output
    and −5 prompt tokens), ``triple_usage`` (usage of 3× ``max_tokens``), ``stall`` (after the
    first chunk, nothing for ``stall_s``), ``list_models`` (``/v1/models`` answers a JSON list;
    applies to every call).

Running
    ``python -m claimbench.measurement.mockserver --host 127.0.0.1 --port 0 --ttft-ms 20 --gap-ms 5`` prints
    ``READY http://127.0.0.1:PORT`` on stdout once listening. From Python,
    :func:`start_mock_server` runs it as a subprocess and returns a :class:`MockServerHandle`
    (a context manager that always terminates it). Only loopback addresses can be bound.
    uvloop is used when it is installed (``loop="auto"``), never required.

Only the standard library and aiohttp are imported; aiohttp only when a server is built.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import signal
import sys
import time
import uuid
import zlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:  # pragma: no cover
    import subprocess

    from aiohttp import web

__all__ = [
    "DIED_EXIT_CODE",
    "MockServerError",
    "MockServerHandle",
    "MockServerOptions",
    "MockServerState",
    "app_state",
    "create_app",
    "main",
    "percentile",
    "serve",
    "start_mock_server",
]

#: Hostile modes of the fault suite (``MockServerOptions.hostile``).
HOSTILE_MODES = (
    "bad_choice",
    "not_json",
    "giant_line",
    "echo_auth",
    "absurd_usage",
    "triple_usage",
    "stall",
    "list_models",
)

#: Exit status of the server process when ``die_after_requests`` fires.
DIED_EXIT_CODE = 3

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

# Output "vocabulary": one whitespace word per token.
_WORDS = (
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "while",
    "seven",
    "tired",
    "owls",
    "watch",
    "from",
    "old",
    "oak",
    "trees",
    "near",
    "river",
)


class MockServerError(RuntimeError):
    """The mock server process could not be started or did not behave."""


# --------------------------------------------------------------------------------------------
# Options


@dataclass(frozen=True)
class MockServerOptions:
    """Everything that shapes the mock server's behaviour.

    Times are milliseconds unless the name ends in ``_s`` / ``_us``. ``None`` / 0 disables a
    fault. Field names map one-to-one to CLI flags (``ttft_ms`` → ``--ttft-ms``).
    """

    ttft_ms: float = 20.0
    """Delay from receiving a request to writing its first token chunk."""
    gap_ms: float = 5.0
    """Delay between consecutive token chunks."""
    jitter_ms: float = 0.0
    """Each deadline after the first is moved by uniform(-jitter, +jitter) ms (kept monotone)."""
    seed: int = 0
    """Seed of the jitter generator."""
    model: str = "mock-model"
    """Model name served by ``/v1/models`` and echoed in responses."""
    max_model_len: int = 4096
    default_max_tokens: int = 16
    """Output length when a request gives no ``max_tokens`` (OpenAI's completions default)."""
    fail_every: int = 0
    die_after_chunks: Optional[int] = None
    die_every: int = 1
    die_after_requests: int = 0
    slow_start_s: float = 0.0
    require_api_key: Optional[str] = None
    precise: bool = True
    """Two-phase wait (asyncio sleep, then blocking sleep + spin) for sub-ms accuracy."""
    coarse_margin_ms: float = 1.2
    spin_us: float = 150.0
    loop: str = "auto"
    """``auto`` (uvloop if installed), ``asyncio`` or ``uvloop``."""
    max_records: int = 100_000
    """Oldest request records are dropped beyond this many (the summary covers kept ones)."""
    hostile: str = ""
    """Comma-separated hostile modes (see the module doc), '' for none."""
    hostile_every: int = 1
    """Hostile modes apply to every Nth generation request."""
    giant_line_bytes: int = 5 * 2**20
    stall_s: float = 3600.0

    def __post_init__(self) -> None:
        checks = [
            ("ttft_ms", self.ttft_ms >= 0),
            ("gap_ms", self.gap_ms >= 0),
            ("jitter_ms", self.jitter_ms >= 0),
            ("max_model_len", self.max_model_len >= 1),
            ("default_max_tokens", self.default_max_tokens >= 1),
            ("fail_every", self.fail_every >= 0),
            ("die_after_chunks", self.die_after_chunks is None or self.die_after_chunks >= 0),
            ("die_every", self.die_every >= 1),
            ("die_after_requests", self.die_after_requests >= 0),
            ("slow_start_s", self.slow_start_s >= 0),
            ("coarse_margin_ms", self.coarse_margin_ms >= 0),
            ("spin_us", self.spin_us >= 0),
            ("loop", self.loop in ("auto", "asyncio", "uvloop")),
            ("max_records", self.max_records >= 1),
            ("hostile", all(m in HOSTILE_MODES for m in self.hostile_modes)),
            ("hostile_every", self.hostile_every >= 1),
            ("giant_line_bytes", self.giant_line_bytes >= 1),
            ("stall_s", self.stall_s >= 0),
        ]
        for name, ok in checks:
            if not ok:
                raise ValueError(f"invalid mock server option {name}={getattr(self, name)!r}")

    @property
    def hostile_modes(self) -> tuple[str, ...]:
        return tuple(m.strip() for m in self.hostile.split(",") if m.strip())

    def public_dict(self) -> dict[str, Any]:
        """The options as JSON-able data, with the API key redacted."""
        d = dataclasses.asdict(self)
        if d.get("require_api_key"):
            d["require_api_key"] = "<redacted>"
        return d

    def to_argv(self) -> list[str]:
        """CLI arguments reproducing these options (defaults omitted)."""
        argv: list[str] = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value == f.default:
                continue
            flag = "--" + f.name.replace("_", "-")
            if isinstance(value, bool):
                argv.append(flag if value else "--no-" + f.name.replace("_", "-"))
            else:
                argv += [flag, str(value)]
        return argv


# --------------------------------------------------------------------------------------------
# Pure helpers


def percentile(sorted_values: Sequence[float], q: float) -> Optional[float]:
    """Percentile ``q`` (0–100) by linear interpolation; None if empty. The one definition,
    :func:`claimbench.analyze.metrics.percentile` (imported here, not at start: the server starts fast)."""
    from claimbench.analyze.metrics import percentile as _percentile

    return _percentile(sorted_values, q, "linear")


def _stats_of(values_ms: list[float]) -> dict[str, Any]:
    v = sorted(values_ms)
    return {
        "n": len(v),
        "mean": (sum(v) / len(v)) if v else None,
        "p50": percentile(v, 50),
        "p90": percentile(v, 90),
        "p99": percentile(v, 99),
        "max": v[-1] if v else None,
        "min": v[0] if v else None,
    }


def _words(text: str) -> list[str]:
    return text.split()


def _token_id(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % 32000


def _message_text(messages: Any) -> str:
    """Concatenated text content of chat messages (string or list-of-parts content)."""
    parts: list[str] = []
    if not isinstance(messages, list):
        raise ValueError("'messages' must be a list")
    for m in messages:
        if not isinstance(m, dict):
            raise ValueError("each message must be an object")
        content = m.get("content")
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            for p in content:
                if isinstance(p, dict) and isinstance(p.get("text"), str):
                    parts.append(p["text"])
        elif content is not None:
            raise ValueError("message content must be a string or a list of parts")
    return " ".join(parts)


def _prompt_tokens(prompt: Any) -> list[int]:
    """Token ids of a completions prompt: a token-id list is taken as is, text is split on
    whitespace (one token per word)."""
    if isinstance(prompt, str):
        return [_token_id(w) for w in _words(prompt)]
    if isinstance(prompt, list):
        if all(isinstance(t, int) and not isinstance(t, bool) for t in prompt):
            return list(prompt)
        if len(prompt) == 1:
            return _prompt_tokens(prompt[0])
    raise ValueError(
        "'prompt' must be a string, a list of token ids, or a one-element "
        "list (the mock server serves one prompt per request)"
    )


def _output_word(k: int) -> str:
    return " " + _WORDS[k % len(_WORDS)]


# --------------------------------------------------------------------------------------------
# Server state


class MockServerState:
    """Counters and per-request ground-truth records of one server process."""

    def __init__(self, options: MockServerOptions):
        self.options = options
        self.started_s = time.monotonic()
        self.n_requests = 0  # generation requests counted for faults
        self.records: deque[dict[str, Any]] = deque(maxlen=options.max_records)
        self.rng = random.Random(options.seed)
        self.loop_name = ""

    def reset(self) -> None:
        """Forget records and reset the request counter (faults count from 1 again)."""
        self.records.clear()
        self.n_requests = 0
        self.rng = random.Random(self.options.seed)

    def starting(self) -> bool:
        return time.monotonic() - self.started_s < self.options.slow_start_s

    def schedule(self, received_s: float, n: int) -> list[float]:
        """Absolute monotonic deadlines of ``n`` token chunks for a request received then."""
        o = self.options
        first = received_s + o.ttft_ms / 1e3
        out: list[float] = []
        for k in range(n):
            t = first + k * o.gap_ms / 1e3
            if o.jitter_ms > 0 and k > 0:
                t += self.rng.uniform(-o.jitter_ms, o.jitter_ms) / 1e3
            if out and t < out[-1]:
                t = out[-1]
            out.append(t)
        return out

    def summary(self) -> dict[str, Any]:
        """Schedule lateness (actual write − scheduled, ms) over the kept records.

        ``lateness_ms`` pools every written token chunk; ``first_chunk_lateness_ms`` only the
        first of each request. If p99 or max grow beyond a few ms the server no longer holds its
        schedule and client measurements at that load are not checkable against it.
        """
        late: list[float] = []
        first: list[float] = []
        by_status: dict[str, int] = {}
        n_chunks = 0
        for r in list(self.records):
            by_status[r["status"]] = by_status.get(r["status"], 0) + 1
            writes = r["chunk_write_s"]
            sched = r["chunk_scheduled_s"]
            n_chunks += len(writes)
            for k, w in enumerate(writes):
                d = (w - sched[k]) * 1e3
                late.append(d)
                if k == 0:
                    first.append(d)
        return {
            "n_records": len(self.records),
            "n_chunks": n_chunks,
            "by_status": by_status,
            "lateness_ms": _stats_of(late),
            "first_chunk_lateness_ms": _stats_of(first),
        }

    def to_json(self, with_records: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "clock": "time.monotonic",
            "pid": os.getpid(),
            "loop": self.loop_name,
            "options": self.options.public_dict(),
            "started_s": self.started_s,
            "now_s": time.monotonic(),
            "n_requests": self.n_requests,
            "summary": self.summary(),
        }
        if with_records:
            d["records"] = list(self.records)
        return d


# --------------------------------------------------------------------------------------------
# Timing


async def _sleep_until(deadline: float, options: MockServerOptions) -> None:
    """Return as close as possible after monotonic ``deadline`` (see module docstring)."""
    import asyncio

    rem = deadline - time.monotonic()
    if not options.precise:
        if rem > 0:
            await asyncio.sleep(rem)
        else:
            await asyncio.sleep(0)
        return
    margin = options.coarse_margin_ms / 1e3
    if rem > margin:
        await asyncio.sleep(rem - margin)
        rem = deadline - time.monotonic()
    elif rem <= 0:
        await asyncio.sleep(0)  # never hog the loop when behind schedule
        return
    spin = options.spin_us / 1e6
    if rem > spin:
        time.sleep(rem - spin)
    while time.monotonic() < deadline:
        pass


# --------------------------------------------------------------------------------------------
# aiohttp application

_STATE_KEY: Any = None


def _state_key() -> Any:
    global _STATE_KEY
    if _STATE_KEY is None:
        from aiohttp import web

        _STATE_KEY = web.AppKey("claimbench_mock_state", MockServerState)
    return _STATE_KEY


async def _hostile_after_first_chunk(sresp: Any, hostile: set[str], opts: MockServerOptions) -> None:
    """The hostile events written after a request's first token chunk."""
    import asyncio

    if "bad_choice" in hostile:
        await sresp.write(b'data: {"id":"x","object":"text_completion","choices":["not an object"]}\n\n')
    if "not_json" in hostile:
        await sresp.write(b"data: {this is not json\n\n")
    if "giant_line" in hostile:
        text = "x" * opts.giant_line_bytes
        await sresp.write(b'data: {"choices":[{"index":0,"text":" ' + text.encode() + b'"}]}\n\n')
    if "stall" in hostile:
        await asyncio.sleep(opts.stall_s)


def app_state(app: web.Application) -> MockServerState:
    """The :class:`MockServerState` of an application made by :func:`create_app`."""
    return app[_state_key()]


def _error_response(status: int, message: str, type_: str) -> web.Response:
    """An OpenAI-style JSON error body with HTTP ``status``."""
    from aiohttp import web

    body = {"error": {"message": message, "type": type_, "param": None, "code": status}}
    return web.json_response(body, status=status)


# -- endpoints other than generation


async def _gate(request: web.Request, handler: Any) -> web.StreamResponse:
    """Middleware: ``/v1/*`` answers 503 during slow start and 401 without the required API key."""
    from aiohttp import web

    state = app_state(request.app)
    opts = state.options
    path = request.path
    if path.startswith("/v1/"):
        if state.starting():
            return _error_response(503, "server is starting", "ServiceUnavailable")
        key = opts.require_api_key
        if key is not None and request.headers.get("Authorization") != f"Bearer {key}":
            return web.json_response({"error": "Unauthorized"}, status=401)
    return await handler(request)


async def _health(request: web.Request) -> web.Response:
    """``GET /health``: 503 during slow start, else an empty 200."""
    from aiohttp import web

    if app_state(request.app).starting():
        return web.Response(status=503, text="starting")
    return web.Response(status=200)


async def _models(request: web.Request) -> web.Response:
    """``GET /v1/models``: the one served model (a bare JSON list in hostile mode ``list_models``)."""
    from aiohttp import web

    opts = app_state(request.app).options
    if "list_models" in opts.hostile_modes:
        return web.json_response([{"id": opts.model}])
    created = int(time.time())
    return web.json_response(
        {
            "object": "list",
            "data": [
                {
                    "id": opts.model,
                    "object": "model",
                    "created": created,
                    "owned_by": "claimbench-mockserver",
                    "root": opts.model,
                    "parent": None,
                    "max_model_len": opts.max_model_len,
                }
            ],
        }
    )


async def _tokenize(request: web.Request) -> web.Response:
    """``POST /tokenize``: vLLM-style ``{"tokens", "count", "max_model_len"}`` of a prompt or messages."""
    from aiohttp import web

    opts = app_state(request.app).options
    try:
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        if "messages" in body:
            tokens = [_token_id(w) for w in _words(_message_text(body["messages"]))]
        else:
            tokens = _prompt_tokens(body.get("prompt"))
    except (ValueError, TypeError) as e:
        return _error_response(400, f"bad request: {e}", "BadRequestError")
    return web.json_response({"tokens": tokens, "count": len(tokens), "max_model_len": opts.max_model_len})


async def _stats(request: web.Request) -> web.Response:
    """``GET /stats``: the ground truth (``?records=0`` for the summary alone)."""
    from aiohttp import web

    with_records = request.query.get("records", "1") not in ("0", "false", "no")
    return web.json_response(app_state(request.app).to_json(with_records=with_records))


async def _stats_reset(request: web.Request) -> web.Response:
    """``POST /stats/reset``: forget the records and restart the request count."""
    from aiohttp import web

    app_state(request.app).reset()
    return web.json_response({"ok": True})


async def _completions(request: web.Request) -> web.StreamResponse:
    """``POST /v1/completions``."""
    return await _generate(request, chat=False)


async def _chat_completions(request: web.Request) -> web.StreamResponse:
    """``POST /v1/chat/completions``."""
    return await _generate(request, chat=True)


# -- generation: parsing and the per-request record


@dataclass(frozen=True)
class _GenerationParams:
    """What a generation request body asks for, validated."""

    body: dict[str, Any]
    prompt_ids: list[int]
    max_tokens: int
    stream: bool
    include_usage: bool
    continuous_usage: bool


async def _read_generation_params(request: web.Request, chat: bool, opts: MockServerOptions) -> _GenerationParams:
    """Read and validate a generation body; raises ValueError / TypeError on a bad request."""
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    if chat:
        prompt_ids = [_token_id(w) for w in _words(_message_text(body.get("messages")))]
        max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    else:
        prompt_ids = _prompt_tokens(body.get("prompt"))
        max_tokens = body.get("max_tokens")
    if max_tokens is None:
        max_tokens = opts.default_max_tokens
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise ValueError(f"max_tokens must be a positive integer, got {max_tokens!r}")
    if body.get("n", 1) != 1:
        raise ValueError("the mock server only supports n=1")
    stream = bool(body.get("stream", False))
    so = body.get("stream_options") or {}
    if not isinstance(so, dict):
        raise ValueError("stream_options must be an object")
    return _GenerationParams(
        body=body,
        prompt_ids=prompt_ids,
        max_tokens=max_tokens,
        stream=stream,
        include_usage=bool(so.get("include_usage", False)),
        continuous_usage=bool(so.get("continuous_usage_stats", False)),
    )


def _new_record(request_id: str, nth: int, endpoint: str, received_s: float) -> dict[str, Any]:
    """The ground-truth record of a generation request that has just arrived."""
    return {
        "request_id": request_id,
        "n": nth,
        "endpoint": endpoint,
        "stream": None,
        "received_s": received_s,
        "chunk_scheduled_s": [],
        "chunk_write_s": [],
        "done_s": None,
        "prompt_tokens": None,
        "completion_tokens": 0,
        "max_tokens": None,
        "status": "in_progress",
        "http_status": None,
        "error": None,
    }


def _finish_record(rec: dict[str, Any], status: str, http_status: Optional[int], err: Optional[str] = None) -> None:
    """Close a request record with its final status, now."""
    rec["status"], rec["http_status"], rec["error"] = status, http_status, err
    rec["done_s"] = time.monotonic()


def _die_if_requested(opts: MockServerOptions, nth: int) -> None:
    """Fault ``die_after_requests``: exit the whole process when the Nth generation request arrives."""
    if opts.die_after_requests and nth >= opts.die_after_requests:
        sys.stderr.write(f"mockserver: die_after_requests={opts.die_after_requests} reached, exiting\n")
        sys.stderr.flush()
        os._exit(DIED_EXIT_CODE)


def _hostile_modes_for(opts: MockServerOptions, nth: int) -> set[str]:
    """The hostile modes applying to the Nth generation request (every ``hostile_every``-th)."""
    return set(opts.hostile_modes) if opts.hostile and nth % opts.hostile_every == 0 else set()


def _die_at_chunk(opts: MockServerOptions, nth: int) -> Optional[int]:
    """Fault ``die_after_chunks``: after how many token chunks the Nth request's connection is aborted."""
    if opts.die_after_chunks is not None and nth % opts.die_every == 0:
        return opts.die_after_chunks
    return None


@dataclass
class _Generation:
    """One accepted generation request: its record, identity, faults and schedule."""

    request: web.Request
    opts: MockServerOptions
    rec: dict[str, Any]
    chat: bool
    request_id: str
    n_prompt: int
    max_tokens: int
    hostile: set[str]
    die_at: Optional[int]
    model: str
    created: int
    deadlines: list[float]

    @property
    def completion_id(self) -> str:
        return ("chatcmpl-" if self.chat else "cmpl-") + self.request_id

    @property
    def chunk_object(self) -> str:
        return "chat.completion.chunk" if self.chat else "text_completion"

    def finish(self, status: str, http_status: Optional[int], err: Optional[str] = None) -> None:
        _finish_record(self.rec, status, http_status, err)

    def usage(self, n_out: int) -> dict[str, int]:
        """Usage for ``n_out`` output tokens (falsified in hostile ``absurd_usage`` / ``triple_usage``)."""
        if "absurd_usage" in self.hostile:
            return {"prompt_tokens": -5, "completion_tokens": 10**12, "total_tokens": 10**12 - 5}
        if "triple_usage" in self.hostile:
            n_out *= 3
        return {"prompt_tokens": self.n_prompt, "completion_tokens": n_out, "total_tokens": self.n_prompt + n_out}

    def abort(self) -> None:
        """Drop the connection without a proper end (fault ``die_after_chunks``)."""
        if self.request.transport is not None:
            self.request.transport.abort()


# -- generation: the two response modes


def _whole_choice(chat: bool, text: str) -> dict[str, Any]:
    """The single ``choices`` item of a non-streaming response."""
    if chat:
        return {
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "logprobs": None,
            "finish_reason": "length",
        }
    return {"index": 0, "text": text, "logprobs": None, "finish_reason": "length", "stop_reason": None}


async def _respond_whole(gen: _Generation) -> web.StreamResponse:
    """Non-streaming: wait for the last token's deadline, then send the whole completion at once."""
    import asyncio

    from aiohttp import web

    max_tokens, die_at, rec = gen.max_tokens, gen.die_at, gen.rec
    last = max_tokens - 1 if die_at is None else min(die_at, max_tokens) - 1
    if last >= 0:
        await _sleep_until(gen.deadlines[last], gen.opts)
    if die_at is not None and die_at < max_tokens:
        gen.abort()
        gen.finish("aborted", None, f"die_after_chunks={die_at}")
        raise asyncio.CancelledError  # connection is gone; nothing to send
    text = "".join(_output_word(k) for k in range(max_tokens))
    resp = web.json_response(
        {
            "id": gen.completion_id,
            "object": "chat.completion" if gen.chat else "text_completion",
            "created": gen.created,
            "model": gen.model,
            "choices": [_whole_choice(gen.chat, text)],
            "usage": gen.usage(max_tokens),
        },
        headers={"X-Request-Id": gen.request_id},
    )
    await resp.prepare(gen.request)
    await resp.write_eof()
    rec["chunk_scheduled_s"] = [gen.deadlines[-1]]
    rec["chunk_write_s"] = [time.monotonic()]
    rec["completion_tokens"] = max_tokens
    gen.finish("ok", 200)
    return resp


def _sse_event(payload: dict[str, Any]) -> bytes:
    """One server-sent event carrying compact JSON."""
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


def _token_chunk(gen: _Generation, k: int, continuous_usage: bool) -> dict[str, Any]:
    """The streamed chunk carrying output token ``k`` (with running usage if asked for)."""
    word = _output_word(k)
    fin = "length" if k == gen.max_tokens - 1 else None
    if gen.chat:
        delta: dict[str, Any] = {"role": "assistant", "content": word} if k == 0 else {"content": word}
        ch: dict[str, Any] = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": fin}
    else:
        ch = {"index": 0, "text": word, "logprobs": None, "finish_reason": fin}
    chunk: dict[str, Any] = {
        "id": gen.completion_id,
        "object": gen.chunk_object,
        "created": gen.created,
        "model": gen.model,
        "choices": [ch],
    }
    if continuous_usage:
        chunk["usage"] = gen.usage(k + 1)
    return chunk


def _final_usage_chunk(gen: _Generation) -> dict[str, Any]:
    """The choice-less chunk with the whole request's usage (``stream_options.include_usage``)."""
    return {
        "id": gen.completion_id,
        "object": gen.chunk_object,
        "created": gen.created,
        "model": gen.model,
        "choices": [],
        "usage": gen.usage(gen.max_tokens),
    }


async def _write_token_stream(
    gen: _Generation, sresp: web.StreamResponse, include_usage: bool, continuous_usage: bool
) -> None:
    """Write each token chunk at its deadline (recording write times), then usage, [DONE] and EOF."""
    import asyncio

    rec = gen.rec
    writes: list[float] = rec["chunk_write_s"]
    await sresp.prepare(gen.request)
    for k in range(gen.max_tokens):
        if gen.die_at is not None and k >= gen.die_at:
            gen.abort()
            gen.finish("aborted", 200, f"die_after_chunks={gen.die_at}")
            raise asyncio.CancelledError
        data = _sse_event(_token_chunk(gen, k, continuous_usage))
        await _sleep_until(gen.deadlines[k], gen.opts)
        await sresp.write(data)
        writes.append(time.monotonic())
        rec["completion_tokens"] = k + 1
        if k == 0 and gen.hostile:
            await _hostile_after_first_chunk(sresp, gen.hostile, gen.opts)
    if include_usage:
        await sresp.write(_sse_event(_final_usage_chunk(gen)))
    await sresp.write(b"data: [DONE]\n\n")
    await sresp.write_eof()


async def _respond_streaming(gen: _Generation, include_usage: bool, continuous_usage: bool) -> web.StreamResponse:
    """Streaming SSE response; a client that goes away mid-stream is recorded as disconnected."""
    import asyncio

    from aiohttp import web

    sresp = web.StreamResponse(
        status=200,
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "X-Request-Id": gen.request_id,
        },
    )
    try:
        await _write_token_stream(gen, sresp, include_usage, continuous_usage)
    except asyncio.CancelledError:
        if gen.rec["status"] == "in_progress":
            gen.finish("disconnected", 200, "handler cancelled")
        raise
    except (ConnectionError, RuntimeError) as e:  # client went away mid-stream
        gen.finish("disconnected", 200, f"{type(e).__name__}: {e}")
        return sresp
    gen.finish("ok", 200)
    return sresp


async def _generate(request: web.Request, chat: bool) -> web.StreamResponse:
    """A completions / chat completions request: count and record it, apply the faults decided at
    arrival, then answer on the fixed schedule (streaming or not)."""
    state = app_state(request.app)
    opts = state.options
    received_s = time.monotonic()
    state.n_requests += 1
    nth = state.n_requests
    _die_if_requested(opts, nth)
    rid = request.headers.get("X-Request-Id") or uuid.uuid4().hex
    rec = _new_record(rid, nth, request.path, received_s)
    state.records.append(rec)

    try:
        params = await _read_generation_params(request, chat, opts)
    except (ValueError, TypeError) as e:  # json.JSONDecodeError is a ValueError
        _finish_record(rec, "bad_request", 400, str(e))
        return _error_response(400, f"bad request: {e}", "BadRequestError")
    max_tokens = params.max_tokens
    rec["prompt_tokens"], rec["max_tokens"], rec["stream"] = len(params.prompt_ids), max_tokens, params.stream

    # -- faults decided at arrival
    if opts.fail_every and nth % opts.fail_every == 0:
        _finish_record(rec, "error", 500, f"fail_every={opts.fail_every}")
        return _error_response(
            500, f"injected failure (fail_every={opts.fail_every}, request {nth})", "InternalServerError"
        )
    die_at = _die_at_chunk(opts, nth)
    hostile = _hostile_modes_for(opts, nth)
    if "echo_auth" in hostile:
        _finish_record(rec, "error", 400, "hostile echo_auth")
        echoed = "; ".join(f"{k}: {v}" for k, v in request.headers.items())
        return _error_response(400, f"invalid request; received headers {echoed}", "BadRequestError")

    model = str(params.body.get("model") or opts.model)
    created = int(time.time())
    deadlines = state.schedule(received_s, max_tokens)
    rec["chunk_scheduled_s"] = deadlines
    gen = _Generation(
        request=request,
        opts=opts,
        rec=rec,
        chat=chat,
        request_id=rid,
        n_prompt=len(params.prompt_ids),
        max_tokens=max_tokens,
        hostile=hostile,
        die_at=die_at,
        model=model,
        created=created,
        deadlines=deadlines,
    )
    if not params.stream:
        return await _respond_whole(gen)
    return await _respond_streaming(gen, params.include_usage, params.continuous_usage)


def create_app(options: Optional[MockServerOptions] = None) -> web.Application:
    """The aiohttp application; :func:`app_state` gives its :class:`MockServerState`.

    Run it in its own process (:func:`serve` / ``python -m claimbench.measurement.mockserver``): a client on
    the same event loop would distort both sides' timing.
    """
    from aiohttp import web

    opts = options or MockServerOptions()
    state = MockServerState(opts)
    app = web.Application(middlewares=[web.middleware(_gate)], client_max_size=64 * 1024 * 1024)
    app[_state_key()] = state
    app.router.add_get("/health", _health)
    app.router.add_get("/v1/models", _models)
    app.router.add_post("/v1/completions", _completions)
    app.router.add_post("/v1/chat/completions", _chat_completions)
    app.router.add_post("/tokenize", _tokenize)
    app.router.add_get("/stats", _stats)
    app.router.add_post("/stats/reset", _stats_reset)
    return app


# --------------------------------------------------------------------------------------------
# Process entry point


def _exit_with_parent(parent_pid: int) -> None:
    """Make this process die when ``parent_pid`` does (prctl PR_SET_PDEATHSIG on Linux, plus a
    polling watchdog thread everywhere)."""
    import threading

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        except Exception:  # pragma: no cover - best effort
            pass
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="mockserver-parent-watch", daemon=True).start()


async def serve(options: MockServerOptions, host: str = "127.0.0.1", port: int = 0, ready_file: Any = None) -> None:
    """Serve until SIGTERM/SIGINT; print ``READY http://HOST:PORT`` to ``ready_file`` (stdout)
    once listening."""
    import asyncio

    from aiohttp import web

    if host not in _LOOPBACK_HOSTS:
        raise MockServerError(f"--host {host!r}: the mock server only binds loopback addresses")
    app = create_app(options)
    state = app_state(app)
    loop = asyncio.get_running_loop()
    state.loop_name = f"{type(loop).__module__}.{type(loop).__name__}"
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024, shutdown_timeout=0.5)
    await site.start()
    addr = runner.addresses[0]
    bound_host, bound_port = addr[0], addr[1]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    state.started_s = time.monotonic()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):  # before READY: a launcher may stop us at once
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover
            pass
    out = ready_file or sys.stdout
    out.write(f"READY http://{shown}:{bound_port}\n")
    out.flush()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m claimbench.measurement.mockserver",
        description="OpenAI-compatible streaming mock server with an exact emission schedule "
        "(a test instrument for claimbench's client).",
    )
    p.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument(
        "--exit-with-parent",
        type=int,
        default=None,
        metavar="PID",
        help="exit when process PID (the launcher) goes away",
    )
    defaults = MockServerOptions()
    for f in dataclasses.fields(MockServerOptions):
        flag = "--" + f.name.replace("_", "-")
        default = getattr(defaults, f.name)
        if isinstance(default, bool):
            p.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=default)
            continue
        if f.name in ("die_after_chunks",):
            typ: Any = int
        elif f.name == "require_api_key":
            typ = str
        else:
            typ = type(default)
        p.add_argument(flag, dest=f.name, type=typ, default=default)
    return p


def main(argv: Optional[list[str]] = None) -> int:
    """CLI entry point; returns the exit status."""
    p = _parser()
    args = p.parse_args(argv)
    kwargs = {f.name: getattr(args, f.name) for f in dataclasses.fields(MockServerOptions)}
    try:
        options = MockServerOptions(**kwargs)
    except ValueError as e:
        p.error(str(e))
    if args.host not in _LOOPBACK_HOSTS:
        p.error(f"--host {args.host!r}: only loopback addresses may be bound")
    if args.exit_with_parent is not None:
        _exit_with_parent(args.exit_with_parent)
    import asyncio

    use_uvloop = False
    if options.loop in ("auto", "uvloop"):
        try:
            import uvloop

            use_uvloop = True
        except ImportError:
            if options.loop == "uvloop":
                p.error("--loop uvloop: uvloop is not installed")
    coro = serve(options, args.host, args.port)
    try:
        if use_uvloop:
            import uvloop

            uvloop.run(coro)
        else:
            asyncio.run(coro)
    except KeyboardInterrupt:  # pragma: no cover
        pass
    return 0


# --------------------------------------------------------------------------------------------
# Launcher


class MockServerHandle:
    """A running mock server subprocess. Use as a context manager; :meth:`stop` is idempotent.

    HTTP helpers use :mod:`urllib` with proxies disabled and talk to 127.0.0.1 only.
    """

    def __init__(self, process: subprocess.Popen[bytes], base_url: str, options: MockServerOptions, stderr_file: Any):
        self.process = process
        self.base_url = base_url
        self.options = options
        self._stderr_file = stderr_file
        self._stderr_final: Optional[str] = None
        import urllib.request

        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    # -- info
    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def returncode(self) -> Optional[int]:
        return self.process.poll()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stderr_text(self) -> str:
        """What the server wrote to stderr so far (kept after :meth:`stop`)."""
        if self._stderr_final is not None:
            return self._stderr_final
        try:
            self._stderr_file.flush()
            self._stderr_file.seek(0)
            return self._stderr_file.read().decode("utf-8", "replace")
        except (ValueError, OSError):
            return ""

    # -- HTTP
    def _request(self, method: str, path: str, timeout: float = 10.0) -> Any:
        import urllib.request

        req = urllib.request.Request(self.base_url + path, method=method, data=b"" if method == "POST" else None)
        with self._opener.open(req, timeout=timeout) as r:
            raw = r.read()
        return json.loads(raw) if raw else None

    def stats(self, records: bool = True) -> dict[str, Any]:
        """Ground truth from ``GET /stats`` (``records=False``: summary only)."""
        return self._request("GET", "/stats" + ("" if records else "?records=0"))

    def reset(self) -> None:
        """``POST /stats/reset``: clear records and the request counter."""
        self._request("POST", "/stats/reset")

    def health(self, timeout: float = 2.0) -> int:
        """HTTP status of ``GET /health`` (0 when unreachable)."""
        import urllib.error

        try:
            with self._opener.open(self.base_url + "/health", timeout=timeout) as r:
                return int(r.status)
        except urllib.error.HTTPError as e:
            return int(e.code)
        except OSError:
            return 0

    # -- lifecycle
    def stop(self, term_timeout: float = 5.0) -> Optional[int]:
        """SIGTERM, wait up to ``term_timeout`` s, then SIGKILL; reap the process. Returns its
        exit status."""
        import subprocess

        proc = self.process
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=term_timeout)
            except subprocess.TimeoutExpired:
                try:
                    proc.kill()
                except ProcessLookupError:
                    pass
                proc.wait(timeout=30)
        for stream in (proc.stdout,):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        if self._stderr_final is None:
            self._stderr_final = self.stderr_text()
            try:
                self._stderr_file.close()
            except OSError:
                pass
        return proc.returncode

    def __enter__(self) -> MockServerHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"MockServerHandle(pid={self.pid}, base_url={self.base_url!r})"


def _lib_dir() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start_mock_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    ready_timeout: float = 30.0,
    env: Optional[dict[str, str]] = None,
    **options: Any,
) -> MockServerHandle:
    """Launch ``sys.executable -m claimbench.measurement.mockserver`` and wait for its READY line.

    ``options`` are :class:`MockServerOptions` fields (``ttft_ms=20, gap_ms=5, fail_every=3``…).
    The child exits if this process dies (``--exit-with-parent``). On any failure to start, the
    child is killed and :class:`MockServerError` raised with its stderr.
    """
    import subprocess
    import tempfile
    import threading

    opts = MockServerOptions(**options)
    if host not in _LOOPBACK_HOSTS:
        raise MockServerError(f"host {host!r}: the mock server only binds loopback addresses")
    argv = [
        sys.executable,
        "-m",
        "claimbench.measurement.mockserver",
        "--host",
        host,
        "--port",
        str(port),
        "--exit-with-parent",
        str(os.getpid()),
    ] + opts.to_argv()
    child_env = dict(os.environ if env is None else env)
    lib = _lib_dir()
    pp = child_env.get("PYTHONPATH", "")
    child_env["PYTHONPATH"] = lib + (os.pathsep + pp if pp else "")
    child_env["PYTHONUNBUFFERED"] = "1"
    stderr_file = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr_file, env=child_env, close_fds=True
    )
    handle = MockServerHandle(proc, "", opts, stderr_file)
    line: list[bytes] = []

    def read_line() -> None:
        assert proc.stdout is not None
        line.append(proc.stdout.readline())

    reader = threading.Thread(target=read_line, daemon=True)
    reader.start()
    reader.join(ready_timeout)
    text = line[0].decode("utf-8", "replace").strip() if line else ""
    if not text.startswith("READY "):
        err = handle.stderr_text()
        handle.stop(term_timeout=2.0)
        why = "timed out" if not line else f"exited with {proc.returncode}"
        raise MockServerError(f"mock server did not become ready ({why}): {err.strip()[-2000:]}")
    handle.base_url = text.split(" ", 1)[1]
    return handle


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

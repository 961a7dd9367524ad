"""Streaming OpenAI-compatible load client (asyncio + aiohttp) recording raw per-request timings.

Every timestamp is ``time.monotonic()`` (CLOCK_MONOTONIC on Linux, shared by all processes on
the host, so a local test server can record ground truth on the same clock) minus the run start.
For each request: when the load plan wanted it sent (``scheduled_s``), when it was sent
(``sent_s``), the arrival of every SSE event carrying output (``chunk_times_s``) with the tokens it
carried when the server reports them (vLLM's ``continuous_usage_stats``), ``done_s`` at ``[DONE]``
or at failure, and token counts from the server's usage.

Load: closed loop (``concurrency`` workers, each sending its next request as soon as the previous
one ends) or open loop (arrivals at ``request_rate`` with gamma ``burstiness``, no cap).

**The hot path does timing first.** Each read from the socket is stamped once, before any other
work (every event in that read arrived then). For ``http://`` servers the transport is
:mod:`claimbench.measurement.rawhttp` (an :class:`asyncio.Protocol` per kept-alive connection: the
event loop hands it each read, and the SSE events of that read are split and decoded right there,
with no StreamReader or coroutine wake-up per chunk); ``https://`` and ``transport="aiohttp"`` go
through aiohttp (``iter_any`` per read). Events are decoded by msgspec into a typed chunk
(types checked in C, unknown fields ignored); only an event that fails that typed decode goes
through :func:`parse_event` (stdlib json, the same checks in Python) to name the reason. Request
bodies are encoded with msgspec, the URL, headers and timeout are prepared once per
configuration, the level's prompts are built before the level starts
(:func:`claimbench.measurement.workload.prebuilt`), one session and connection pool serve a
level, and the event loop is uvloop where it is installed
(:func:`claimbench.measurement.workers.new_event_loop`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp  # imported with the client, not inside the first level (~0.4 s on a busy host)
import msgspec
from typing_extensions import TypeIs

from claimbench.measurement.httppolicy import REDIRECT_STATUSES, redirect_error
from claimbench.measurement.loadgen import iter_arrival_offsets_s
from claimbench.measurement.rawhttp import HttpProtocolError, RawSession, exchange
from claimbench.measurement.workload import Prompt, prebuilt
from claimbench.schema.records import LoadLevel, RequestRecord

_DATA = b"data:"
_DONE = b"[DONE]"


@dataclass
class ClientConfig:
    base_url: str  # server root, without /v1
    model: str  # served model name
    api: str = "completions"  # completions | chat
    api_key: str | None = None
    request_timeout_s: float | None = 600.0
    continuous_usage: bool = False  # ask vLLM for usage in every chunk (exact tokens per chunk)
    ignore_eos: bool = True
    max_line_bytes: int = 4 * 2**20  # one SSE line longer than this fails the request
    max_body_bytes: int = 256 * 2**20  # a response body longer than this fails the request
    transport: str = "auto"  # auto: rawhttp for http://, aiohttp for https:// | aiohttp: always aiohttp


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
        text = prompt.text if prompt.text is not None else synthetic_text(prompt)
        body["messages"] = [{"role": "user", "content": text}]
        body["max_completion_tokens"] = prompt.output_len
        body["max_tokens"] = prompt.output_len
    else:
        body["prompt"] = list(prompt.token_ids)
        body["max_tokens"] = prompt.output_len
    return body


_ENCODER = msgspec.json.Encoder()


def encode_body(cfg: ClientConfig, prompt: Prompt) -> bytes:
    """The JSON request body of one prompt (msgspec: a few microseconds even for long prompts)."""
    return _ENCODER.encode(request_body(cfg, prompt))


def _headers(cfg: ClientConfig, request_id: str) -> dict[str, str]:
    h = {"Content-Type": "application/json", "X-Request-Id": request_id}
    if cfg.api_key:
        h["Authorization"] = f"Bearer {cfg.api_key}"
    return h


def _url(cfg: ClientConfig) -> str:
    return cfg.base_url.rstrip("/") + ("/v1/chat/completions" if cfg.api == "chat" else "/v1/completions")


@dataclass(frozen=True)
class _Prepared:
    """What every request of one configuration shares, built once (URL, base headers, timeout)."""

    url: str
    headers: tuple[tuple[str, str], ...]
    timeout: Any  # aiohttp.ClientTimeout
    raw_headers: bytes = b""  # the same headers as HTTP/1.1 lines, for rawhttp (without X-Request-Id)
    raw: bool = False  # this configuration goes through rawhttp


_prepared_cache: dict[tuple[Any, ...], _Prepared] = {}


def _prepare(cfg: ClientConfig) -> _Prepared:
    key = (cfg.base_url, cfg.api, cfg.api_key, cfg.request_timeout_s, cfg.transport)
    hit = _prepared_cache.get(key)
    if hit is None:
        base = _headers(cfg, "")
        base.pop("X-Request-Id")
        if len(_prepared_cache) > 64:
            _prepared_cache.clear()
        url = _url(cfg)
        for name, value in base.items():
            if "\r" in value or "\n" in value:
                raise ValueError(f"request header {name} holds a line break")
        hit = _prepared_cache[key] = _Prepared(
            url,
            tuple(base.items()),
            aiohttp.ClientTimeout(total=cfg.request_timeout_s),
            ("Accept: */*\r\n" + "".join(f"{k}: {v}\r\n" for k, v in base.items())).encode("latin-1"),
            cfg.transport != "aiohttp" and url.startswith("http://"),
        )
    return hit


class BadEvent(ValueError):
    """A server-sent event that is not a valid completion chunk (the request fails, the sweep goes on)."""


class _Delta(msgspec.Struct):
    content: str | None = None
    reasoning_content: str | None = None


class _Choice(msgspec.Struct):
    text: str | None = None
    delta: _Delta | None = None


class _Chunk(msgspec.Struct):
    """A completion chunk as the hot path needs it; the types are what :func:`parse_event` checks."""

    choices: list[_Choice] | None = None
    usage: dict[str, Any] | None = None
    error: Any = msgspec.UNSET


_CHUNK_DECODER = msgspec.json.Decoder(_Chunk)


def _chunk_has_output(event: _Chunk) -> bool:
    for c in event.choices or ():
        d = c.delta
        if c.text or (d is not None and (d.content or d.reasoning_content)):
            return True
    return False


def decode_event(payload: bytes) -> tuple[bool, dict[str, Any] | None, Any, bool]:
    """One SSE payload as ``(carries output, usage or None, error or UNSET, has choices)``.

    The typed msgspec decode checks what :func:`parse_event` checks; a payload it refuses (or one
    it cannot represent, e.g. NaN) is re-read by :func:`parse_event`, which names the reason
    (:class:`BadEvent`) or accepts it."""
    try:
        ev = _CHUNK_DECODER.decode(payload)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
        event = parse_event(payload)
        return (
            _has_output(event),
            event.get("usage") or None,
            event.get("error", msgspec.UNSET),
            bool(event.get("choices")),
        )
    return _chunk_has_output(ev), ev.usage or None, ev.error, bool(ev.choices)


def _is_count(x: Any) -> TypeIs[int]:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def parse_event(payload: bytes) -> dict[str, Any]:
    """One SSE ``data:`` payload as a checked completion chunk, else :class:`BadEvent` with the reason.

    Checked: a JSON object; ``choices`` a list of objects whose ``text`` / ``delta.content`` /
    ``delta.reasoning_content`` are strings (or null); ``usage`` an object (its counts are judged
    by :func:`reconcile_tokens`). Unknown fields are ignored (servers add their own)."""
    try:
        event = json.loads(payload)
    except RecursionError:
        raise BadEvent("stream event nested too deeply") from None
    except ValueError:
        raise BadEvent(f"unparseable stream event: {payload[:120]!r}") from None
    if not isinstance(event, dict):
        raise BadEvent(f"stream event is a JSON {type(event).__name__}, not an object")
    choices = event.get("choices")
    if choices is not None:
        if not isinstance(choices, list):
            raise BadEvent(f"stream event: choices is a {type(choices).__name__}, not a list")
        for i, choice in enumerate(choices):
            if not isinstance(choice, dict):
                raise BadEvent(f"stream event: choices[{i}] is a {type(choice).__name__}, not an object")
            if choice.get("text") is not None and not isinstance(choice["text"], str):
                raise BadEvent(f"stream event: choices[{i}].text is not a string")
            delta = choice.get("delta")
            if delta is not None:
                if not isinstance(delta, dict):
                    raise BadEvent(f"stream event: choices[{i}].delta is not an object")
                for key in ("content", "reasoning_content"):
                    if delta.get(key) is not None and not isinstance(delta[key], str):
                        raise BadEvent(f"stream event: choices[{i}].delta.{key} is not a string")
    usage = event.get("usage")
    if usage is not None and not isinstance(usage, dict):
        raise BadEvent(f"stream event: usage is a {type(usage).__name__}, not an object")
    return event  # usage counts are cross-checked after the stream (reconcile_tokens), not trusted here


def _has_output(event: dict[str, Any]) -> bool:
    for choice in event.get("choices") or ():
        if (
            choice.get("text")
            or (choice.get("delta") or {}).get("content")
            or (choice.get("delta") or {}).get("reasoning_content")
        ):
            return True
    return False


def reconcile_tokens(rec: RequestRecord, usage: dict[str, Any] | None, prompt_len: int, api: str) -> None:
    """Set ``rec.output_tokens`` / ``prompt_tokens`` / ``token_count_source`` from the server's
    usage cross-checked with what the client saw; a disagreement is recorded in ``token_count_note``.

    Rules: every chunk carrying output holds at least one token, and a server never returns more
    than ``max_tokens`` (the requested length). Usage below the chunk count or above the requested
    length is absurd: the client's count (one token per chunk) wins and the note says why. A
    prompt count that differs from the token-id prompt sent (completions API) is noted and the
    exact length sent is kept."""
    n_chunks = len(rec.chunk_times_s)
    requested = rec.requested_output_tokens
    notes: list[str] = []
    if usage is None:
        rec.output_tokens = sum(rec.chunk_tokens) if rec.chunk_tokens else (0 if rec.error is None else None)
        rec.token_count_source = "chunks"
        return
    u_out = usage.get("completion_tokens")
    u_in = usage.get("prompt_tokens")
    absurd = None
    if not _is_count(u_out):
        absurd = f"usage completion_tokens {u_out!r} is not a count"
    elif u_out < n_chunks:
        absurd = f"usage reports {u_out} output tokens but {n_chunks} chunks carried output"
    elif requested is not None and u_out > requested:
        absurd = f"usage reports {u_out} output tokens, more than the {requested} requested (max_tokens)"
    elif rec.chunk_tokens and any(n < 0 for n in rec.chunk_tokens):
        absurd = "usage went backwards between chunks"
    if absurd is None and _is_count(u_out):
        rec.output_tokens = u_out
        rec.token_count_source = "usage"
    else:
        notes.append(f"{absurd}: counted {n_chunks} from the chunks")
        rec.chunk_tokens = [1] * n_chunks
        rec.output_tokens = n_chunks
        rec.token_count_source = "chunks"
    if u_in is not None:
        if not _is_count(u_in):
            notes.append(f"usage prompt_tokens {u_in!r} is not a count: kept {prompt_len}")
        elif api == "completions":
            if u_in != prompt_len:
                notes.append(f"usage reports {u_in} prompt tokens, {prompt_len} were sent: kept {prompt_len}")
        else:
            rec.prompt_tokens = int(u_in) or rec.prompt_tokens
    rec.token_count_note = "; ".join(notes) or None


class _StreamState:
    """What one response stream has told so far (filled by :func:`_take_lines`)."""

    __slots__ = ("done", "usage", "last_completion_tokens", "error")

    def __init__(self) -> None:
        self.done = False
        self.usage: dict[str, Any] | None = None
        self.last_completion_tokens = 0
        self.error: str | None = None


def _take_lines(
    buf: bytes, start: int, final: bool, t: float, rec: RequestRecord, st: _StreamState, continuous: bool
) -> int:
    """Handle the complete SSE lines of ``buf`` from ``start`` (all of it when ``final``), every one
    stamped ``t`` (the read that brought them); returns where the unfinished line begins."""
    while not st.done and st.error is None:
        cut = buf.find(b"\n", start)
        if cut < 0:
            if not final or start >= len(buf):
                return start
            line, start = buf[start:], len(buf)
        else:
            line, start = buf[start:cut], cut + 1
        if not line.startswith(_DATA):
            continue
        payload = line[5:].strip()
        if payload == _DONE:
            st.done = True
            rec.done_s = t
            break
        carries, u, err, has_choices = decode_event(payload)
        if err is not msgspec.UNSET and not has_choices:
            st.error = str(err)
            break
        if u:
            st.usage = u
        n_tok = None
        if continuous and u and has_choices and _is_count(u.get("completion_tokens")):
            n_tok = int(u["completion_tokens"]) - st.last_completion_tokens
            st.last_completion_tokens = int(u["completion_tokens"])
            carries = carries or n_tok > 0
        if carries:
            if rec.first_token_s is None:
                rec.first_token_s = t
            rec.chunk_times_s.append(t)
            rec.chunk_tokens.append(n_tok if n_tok is not None else 1)
    return start


async def _read_stream(content, cfg: ClientConfig, rec: RequestRecord, run_t0: float, st: _StreamState) -> None:
    """The timing loop: stamp each read on arrival, then split and decode what it brought."""
    clock = time.monotonic
    max_line, max_body, continuous = cfg.max_line_bytes, cfg.max_body_bytes, cfg.continuous_usage
    buf = b""
    total = 0
    async for data in content.iter_any():
        t = clock() - run_t0  # first: every event in this read arrived now
        total += len(data)
        if total > max_body:
            raise BadEvent(f"response body larger than {max_body:,} bytes")
        buf = buf + data if buf else data
        start = _take_lines(buf, 0, False, t, rec, st, continuous)
        if st.done or st.error is not None:
            return
        buf = buf[start:] if start else buf
        if len(buf) > max_line:
            raise BadEvent(f"stream line longer than {max_line:,} bytes")
    if buf:
        _take_lines(buf, 0, True, clock() - run_t0, rec, st, continuous)


def _clip(cfg: ClientConfig, text: str, n: int) -> str:
    """Redact before clipping: a cut can never leave half a secret."""
    from claimbench.redact import Redactor

    return Redactor([cfg.api_key]).text(text)[:n]


async def send_one(session, cfg: ClientConfig, prompt: Prompt, rec: RequestRecord, run_t0: float) -> None:
    """Send one streaming request and fill ``rec``; never raises for request-level failures.

    Every event is checked (:func:`decode_event`, :func:`parse_event` for the reason): a malformed
    one fails this request with the reason, the sweep goes on. Lines and bodies are size-limited;
    the server's usage is cross-checked (:func:`reconcile_tokens`); errors are redacted
    (:mod:`claimbench.redact`). ``session`` is :func:`make_session`'s (or an aiohttp session)."""
    clock = time.monotonic
    rec.requested_output_tokens = prompt.output_len
    st = _StreamState()
    rec.sent_s = clock() - run_t0  # replaced by the time the request was written
    try:
        prep = _prepare(cfg)
        body = encode_body(cfg, prompt)
        if prep.raw and isinstance(session, LevelSession):
            await _send_raw(session, cfg, prep, body, rec, run_t0, st)
        else:
            aio = session.aiohttp_session() if isinstance(session, LevelSession) else session
            await _send_aiohttp(aio, cfg, prep, body, rec, run_t0, st)
        if rec.error is None:
            if st.error is not None:
                rec.error = f"stream error: {_clip(cfg, st.error, 200)}"
            elif not st.done:
                rec.error = "stream ended before [DONE]"
    except (BadEvent, HttpProtocolError) as exc:
        rec.error = f"malformed response: {_clip(cfg, str(exc), 300)}"
    except asyncio.TimeoutError:
        rec.error = f"timeout after {cfg.request_timeout_s:g} s"
    except aiohttp.ClientError as exc:
        rec.error = f"{type(exc).__name__}: {_clip(cfg, str(exc), 200)}"
    except OSError as exc:
        rec.error = f"{type(exc).__name__}: {_clip(cfg, str(exc), 200)}"
    except Exception as exc:  # anything else a hostile server provokes fails this request only
        rec.error = f"client error: {type(exc).__name__}: {_clip(cfg, str(exc), 200)}"
    _finish(cfg, prompt, rec, run_t0, st.usage)


def _one_token_event(data: bytes, t: float, rec: RequestRecord, continuous: bool) -> bool:
    """Record ``data`` at ``t`` and return True when it is exactly one ``data:`` event whose chunk carries
    output and nothing else (no usage, no error); anything else is left to :func:`_take_lines`."""
    if continuous or not data.startswith(_DATA) or data.find(b"\n") != len(data) - 2 or data[-2:] != b"\n\n":
        return False
    try:
        ev = _CHUNK_DECODER.decode(data[5:-2])
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
        return False
    if ev.usage is not None or ev.error is not msgspec.UNSET or not _chunk_has_output(ev):
        return False
    if rec.first_token_s is None:
        rec.first_token_s = t
    rec.chunk_times_s.append(t)
    rec.chunk_tokens.append(1)
    return True


class _SseReader:
    """The SSE side of a rawhttp response: each read's body bytes, split and decoded at that read's time."""

    __slots__ = ("buf", "total", "cfg", "rec", "st")

    def __init__(self, cfg: ClientConfig, rec: RequestRecord, st: _StreamState):
        self.buf, self.total, self.cfg, self.rec, self.st = b"", 0, cfg, rec, st

    def feed(self, data: bytes, t: float, final: bool) -> bool:
        """Take one read's body bytes (``final``: the body ended); True once the stream is over."""
        cfg, st = self.cfg, self.st
        self.total += len(data)
        if self.total > cfg.max_body_bytes:
            raise BadEvent(f"response body larger than {cfg.max_body_bytes:,} bytes")
        if not self.buf and _one_token_event(data, t, self.rec, cfg.continuous_usage):
            return False  # the common read: one event with one chunk of output, nothing else
        buf = self.buf + data if self.buf else data
        start = _take_lines(buf, 0, final, t, self.rec, st, cfg.continuous_usage)
        if st.done or st.error is not None:
            return True
        buf = buf[start:] if start else buf
        if len(buf) > cfg.max_line_bytes:
            raise BadEvent(f"stream line longer than {cfg.max_line_bytes:,} bytes")
        self.buf = buf
        return False


async def _send_raw(
    session: LevelSession,
    cfg: ClientConfig,
    prep: _Prepared,
    body: bytes,
    rec: RequestRecord,
    run_t0: float,
    st: _StreamState,
) -> None:
    """One request through :mod:`claimbench.measurement.rawhttp` (the events are read as they arrive)."""
    head = prep.raw_headers + b"X-Request-Id: " + rec.request_id.encode("latin-1") + b"\r\n"
    reader = _SseReader(cfg, rec, st)
    status, headers, error_body, sent_s = await _within(
        exchange(session, prep.url, head, body, run_t0, reader.feed), cfg.request_timeout_s
    )
    rec.sent_s = sent_s
    if status in REDIRECT_STATUSES:
        rec.done_s = time.monotonic() - run_t0
        rec.error = redirect_error(status, prep.url, headers.get("location"))
    elif status != 200:
        text = _clip(cfg, error_body.decode("utf-8", "replace"), 300).replace("\n", " ")
        rec.done_s = time.monotonic() - run_t0
        rec.error = f"HTTP {status}: {text}"


async def _within(coro: Any, timeout_s: float | None) -> Any:
    """``await coro`` with a total timeout (asyncio.TimeoutError): ``asyncio.timeout`` (Python 3.11+,
    one timer) where it exists, else ``asyncio.wait_for``."""
    if timeout_s is None:
        return await coro
    timeout = getattr(asyncio, "timeout", None)
    if timeout is None:
        return await asyncio.wait_for(coro, timeout_s)
    async with timeout(timeout_s):
        return await coro


async def _send_aiohttp(
    session, cfg: ClientConfig, prep: _Prepared, body: bytes, rec: RequestRecord, run_t0: float, st: _StreamState
) -> None:
    """One request through aiohttp (``https://``, or ``transport="aiohttp"``)."""
    clock = time.monotonic
    headers = dict(prep.headers)
    headers["X-Request-Id"] = rec.request_id
    ctx = {"run_t0": run_t0, "rec": rec}
    async with session.post(
        prep.url,
        data=body,
        headers=headers,
        timeout=prep.timeout,
        trace_request_ctx=ctx,
        allow_redirects=False,  # the HTTP policy (measurement.httppolicy): no redirect is followed
    ) as resp:
        if resp.status in REDIRECT_STATUSES:
            rec.done_s = clock() - run_t0
            rec.error = redirect_error(resp.status, prep.url, resp.headers.get("Location"))
            return
        if resp.status != 200:
            raw = await resp.content.read(4096)
            text = _clip(cfg, raw.decode("utf-8", "replace"), 300).replace("\n", " ")
            rec.done_s = clock() - run_t0
            rec.error = f"HTTP {resp.status}: {text}"
            return
        await _read_stream(resp.content, cfg, rec, run_t0, st)


def _finish(cfg: ClientConfig, prompt: Prompt, rec: RequestRecord, run_t0: float, usage: dict[str, Any] | None) -> None:
    """After the stream (off the timing path): token counts, redaction, the ok flag."""
    if rec.done_s is None:
        rec.done_s = time.monotonic() - run_t0
    reconcile_tokens(rec, usage, len(prompt.token_ids), cfg.api)
    if rec.error is not None:
        from claimbench.redact import Redactor

        rec.error = Redactor([cfg.api_key]).text(rec.error)
    rec.ok = rec.error is None and rec.first_token_s is not None
    if rec.error is None and rec.first_token_s is None:
        rec.error = "no output tokens received"


async def _on_body_sent(session, trace_ctx, params) -> None:
    ctx = trace_ctx.trace_request_ctx
    if ctx is not None:
        ctx["rec"].sent_s = time.monotonic() - ctx["run_t0"]


class LevelSession(RawSession):
    """One level's connections: :mod:`~claimbench.measurement.rawhttp` for ``http://`` servers, and an
    aiohttp session (made on first use) for ``https://`` or ``transport="aiohttp"``."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self._aio: Any = None

    def aiohttp_session(self):
        """The level's aiohttp session (with the send-time trace), made on first use."""
        if self._aio is None:
            self._aio = _aiohttp_session(self.limit)
        return self._aio

    async def __aexit__(self, *exc: Any) -> None:
        self.close()
        if self._aio is not None:
            await self._aio.close()


def make_session(limit: int) -> LevelSession:
    """One session and connection pool for a level (``limit`` connections); use as ``async with``."""
    return LevelSession(limit)


def _aiohttp_session(limit: int):
    """An aiohttp session and connection pool (``limit`` connections), with the send-time trace."""
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


def run_interruptibly(loop: asyncio.AbstractEventLoop, coro: Any) -> Any:
    """``loop.run_until_complete(coro)`` that Ctrl-C and SIGTERM end with KeyboardInterrupt on any loop.

    uvloop drops an exception raised by a Python signal handler (the CLI turns SIGTERM into
    KeyboardInterrupt that way): while ``coro`` runs, SIGINT and SIGTERM — each only if a Python
    handler is installed for it — are taken by the loop, which cancels ``coro`` and raises
    KeyboardInterrupt; the previous handlers are restored afterwards."""
    import signal
    import threading

    task = loop.create_task(coro)
    if threading.current_thread() is not threading.main_thread():
        return loop.run_until_complete(task)
    hit: list[int] = []

    def on_signal(sig: int) -> None:
        hit.append(sig)
        task.cancel()

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    taken = []
    for sig, handler in previous.items():
        if callable(handler):
            loop.add_signal_handler(sig, on_signal, sig)
            taken.append(sig)
    try:
        try:
            result = loop.run_until_complete(task)
        except asyncio.CancelledError:
            if hit:
                raise KeyboardInterrupt from None
            raise
        if hit:
            raise KeyboardInterrupt
        return result
    finally:
        for sig in taken:
            try:
                loop.remove_signal_handler(sig)
            except (RuntimeError, ValueError):
                pass
            signal.signal(sig, previous[sig])


async def sleep_until(due: float, run_t0: float) -> None:
    """Sleep until ``due`` (seconds from ``run_t0``), never waking before it: uvloop rounds timers
    to whole milliseconds and can wake up to half of one early; the rest is slept again."""
    clock = time.monotonic
    while True:
        delay = due - (clock() - run_t0)
        if delay <= 0:
            return
        await asyncio.sleep(delay)


async def run_level_async(
    cfg: ClientConfig,
    level: LoadLevel,
    prompts: Sequence[Prompt],
    run_t0: float,
    records: list[RequestRecord],
    warmup: bool = False,
    seed: int = 0,
    on_request_done: Callable[[RequestRecord], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Run one load level; records are appended as requests are sent (kept if the level is cut).

    ``should_stop`` is polled before each send (e.g. the server process died): no new requests
    are sent once it is true, and requests in flight finish or fail on their own. The level's
    prompts are built before it starts (:func:`~claimbench.measurement.workload.prebuilt`, bounded).
    """
    prompts = prebuilt(prompts)
    clock = time.monotonic

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
        start = clock() - run_t0  # the level starts once its prompts and session exist
        deadline = None if level.duration_s is None or warmup else start + level.duration_s
        if level.concurrency is not None:
            queue = iter(prompts)  # built before the level (beyond the pool's bound: as they are sent)

            n_streams = min(level.concurrency, len(prompts))

            async def worker(i: int) -> None:
                if level.ramp_s > 0 and i:
                    await sleep_until(start + level.ramp_s * i / n_streams, run_t0)
                while not should_stop():
                    now = clock() - run_t0
                    if deadline is not None and now >= deadline:
                        return
                    prompt = next(queue, None)
                    if prompt is None:
                        return
                    await fire(session, prompt, now)

            await asyncio.gather(*(worker(i) for i in range(n_streams)))
        else:
            assert level.request_rate is not None  # a level is closed-loop or open-loop
            offsets = iter_arrival_offsets_s(len(prompts), level.request_rate, level.burstiness, seed + level.level)
            await dispatch_open_loop(
                zip(offsets, prompts),
                start,
                run_t0,
                deadline,
                should_stop,
                lambda prompt, due: fire(session, prompt, due),
            )


async def dispatch_open_loop(items, start: float, run_t0: float, deadline: float | None, should_stop, fire) -> None:
    """Start ``fire(prompt, due)`` for each (offset, prompt) at ``start + offset`` (open loop), then await all.

    Nothing is sent past ``deadline`` or once ``should_stop()`` is true."""
    tasks = []
    for offset, prompt in items:
        due = start + offset
        if (deadline is not None and due >= deadline) or should_stop():
            break
        await sleep_until(due, run_t0)
        tasks.append(asyncio.ensure_future(fire(prompt, due)))
    await asyncio.gather(*tasks)

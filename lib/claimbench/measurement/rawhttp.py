"""The streaming client's HTTP/1.1 transport for ``http://`` servers: one :class:`asyncio.Protocol` per connection.

aiohttp hands each read to a StreamReader, wakes the reading coroutine, and runs its chunked-body
parser and flow control per chunk; at hundreds of streams that is most of the client's CPU per
chunk. Here ``data_received`` (called by the event loop with the bytes of one read) stamps the
read first, removes the chunked framing in bulk, and splits and decodes the SSE events of the read
in place (:func:`claimbench.measurement.client._take_lines`: every event of one read gets that
read's time). The request coroutine is woken once, when the stream ends.

What aiohttp checked is checked here too (the #12 hostile-stream rules): a status line and
headers that parse (at most :data:`MAX_HEAD_BYTES`), a chunked framing that is well formed (chunk
size lines of at most 1 KiB), no content encoding (none is asked for), the body and line limits
of :class:`~claimbench.measurement.client.ClientConfig`, the total request timeout, redirects not
followed (:mod:`claimbench.measurement.httppolicy`). A response cut before ``[DONE]`` ends the
request with ``stream ended before [DONE]``; a connection lost before any response byte is
``ServerDisconnectedError`` (retried once on a new connection when the lost one was a kept-alive,
reused one, as a server may close an idle connection at any time); a refused connection is
``ClientConnectorError``. Connections are kept alive and reused within a level only after a
response ended cleanly (its final chunk read); ``https://`` servers go through aiohttp.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

_clock = time.monotonic

MAX_HEAD_BYTES = 65_536
_MAX_CHUNK_LINE = 1024
_CRLF = b"\r\n"
_HEAD_END = b"\r\n\r\n"
# chunked decoder states (``_Conn.need`` > 0: bytes of chunk data still expected)
_SIZE, _DATA_END, _TRAILER = 0, -1, -2


class HttpProtocolError(ValueError):
    """The server's HTTP framing is malformed (the request fails with the reason)."""


class ServerDisconnected(ConnectionError):
    """The connection closed before any byte of the response."""


class _Conn(asyncio.Protocol):
    """One kept-alive connection; while a request is on it, its response is parsed as it arrives.

    ``on_body(body, t, final)`` gets the body bytes of each read with the read's time (``final``:
    the response ended) and returns True once the SSE stream is over ([DONE] or an error event)."""

    def __init__(self, pool: RawSession, key: tuple[str, int]):
        self.pool, self.key = pool, key
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.used = 0  # requests sent on this connection
        self.active = False  # a request is on it (its response not yet fully read)
        self.fut: asyncio.Future[None] | None = None
        self.on_body: Callable[[bytes, float, bool], bool] | None = None
        self.run_t0 = 0.0
        self.release_when_complete = False
        self.phase = "head"  # head | body | error_body | after (the SSE stream is over)
        self.head = b""
        self.status = 0
        self.headers: dict[str, str] = {}
        self.mode = "chunked"  # chunked | length | close
        self.need = _SIZE
        self.cbuf = b""
        self.complete = False  # the response message ended (its last chunk or byte read)
        self.eof = False
        self.error_body = b""
        self.after_bytes = 0

    # -- the event loop's callbacks ----------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        t = _clock() - self.run_t0  # first: every event in this read arrived now
        if not self.active:  # bytes on an idle connection: not ours to reuse
            self._close()
            return
        try:
            if self.phase == "body" and self.need == _SIZE and self.mode == "chunked" and not self.cbuf:
                # the common read, one whole chunk ``<hex>\r\n<data>\r\n``: de-framed in place
                body = _one_chunk(data)
                if body is not None:
                    if self.on_body(body, t, False):  # type: ignore[misc]
                        self.phase = "after"
                        self._set(None)
                    return
            self._feed(data, t)
        except Exception as exc:  # malformed framing or event: this request fails with the reason
            self._fail(exc)

    def eof_received(self) -> bool:
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.pool.forget(self)
        if not self.active:
            return
        self.active = False
        self.eof = True
        if self.phase == "head" and not self.head:
            self._set(ServerDisconnected("Server disconnected"))
            return
        if self.phase == "body" and self.on_body is not None:
            try:
                if self.on_body(b"", _clock() - self.run_t0, True):
                    self.phase = "after"
            except Exception as err:
                self._set(err)
                return
        self._set(None)

    # -- one exchange ------------------------------------------------------------------------
    def begin(self, run_t0: float, on_body: Callable[[bytes, float, bool], bool]) -> None:
        """Reset the response state for a new request on this connection."""
        self.fut = asyncio.get_running_loop().create_future()
        self.run_t0, self.on_body = run_t0, on_body
        self.active, self.release_when_complete = True, False
        self.phase, self.head, self.status, self.headers = "head", b"", 0, {}
        self.mode, self.need, self.cbuf, self.complete, self.eof = "chunked", _SIZE, b"", False, False
        self.error_body, self.after_bytes = b"", 0
        self.used += 1

    def _feed(self, data: bytes, t: float) -> None:
        if self.phase == "head":
            self.head += data
            end = self.head.find(_HEAD_END)
            if end < 0:
                if len(self.head) > MAX_HEAD_BYTES:
                    raise HttpProtocolError(f"response headers larger than {MAX_HEAD_BYTES:,} bytes")
                return
            data = self.head[end + 4 :]
            self._parse_head(self.head[:end])
            self.head = b""
            self.phase = "body" if self.status == 200 else "error_body"
            if self.phase == "error_body":
                self._set(None)  # the caller reads the error body (or the redirect) itself
        body = self._unframe(data) if self.mode != "close" else data
        phase = self.phase
        if phase == "body":
            assert self.on_body is not None
            if self.on_body(body, t, self.complete):
                self.phase = "after"
                self._set(None)
            elif self.complete:
                self._set(None)  # ended before [DONE]: the caller says so
        elif phase == "error_body":
            if len(self.error_body) < 4096:
                self.error_body = (self.error_body + body)[:4096]
            self._wake()
        elif body:  # after the stream's end: the rest of the message (its final chunk), bounded
            self.after_bytes += len(body)
            if self.after_bytes > MAX_HEAD_BYTES:
                self._close()
                return
        if self.complete:
            self.active = False
            if self.release_when_complete and self.headers.get("connection", "").lower() != "close":
                self.pool.release(self)

    def _parse_head(self, head: bytes) -> None:
        lines = head.split(_CRLF)
        parts = lines[0].split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            raise HttpProtocolError(f"malformed status line {lines[0][:80]!r}")
        self.status = int(parts[1])
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if not sep or not name or name != name.strip():
                raise HttpProtocolError(f"malformed header line {line[:80]!r}")
            self.headers[name.decode("latin-1").lower()] = value.strip().decode("latin-1")
        h = self.headers
        encoding = h.get("content-encoding", "identity").lower()
        if encoding not in ("identity", ""):
            raise HttpProtocolError(f"unsupported Content-Encoding {encoding[:40]!r} (none was asked for)")
        if "chunked" in h.get("transfer-encoding", "").lower():
            self.mode, self.need = "chunked", _SIZE
        elif "content-length" in h:
            try:
                length = int(h["content-length"])
            except ValueError:
                raise HttpProtocolError(f"malformed Content-Length {h['content-length'][:40]!r}") from None
            if length < 0:
                raise HttpProtocolError("negative Content-Length")
            self.mode, self.need = "length", length
            self.complete = length == 0
        else:
            self.mode = "close"

    def _unframe(self, data: bytes) -> bytes:
        """The body bytes of ``data`` (chunked framing or Content-Length removed)."""
        if self.mode == "length":
            if self.complete:
                return b""
            take = data[: self.need]
            self.need -= len(take)
            self.complete = self.need == 0
            return take
        if self.cbuf:
            data, self.cbuf = self.cbuf + data, b""
        out: list[bytes] = []
        i, n = 0, len(data)
        while i < n and not self.complete:
            need = self.need
            if need > 0:
                j = min(n, i + need)
                out.append(data[i:j])
                self.need = need - (j - i) or _DATA_END
                i = j
            elif need == _DATA_END:
                if n - i < 2:
                    self.cbuf = data[i:]
                    break
                if data[i : i + 2] != _CRLF:
                    raise HttpProtocolError("malformed chunked body: chunk data not followed by CRLF")
                i += 2
                self.need = _SIZE
            else:
                j = data.find(_CRLF, i)
                if j < 0:
                    if n - i > _MAX_CHUNK_LINE:
                        raise HttpProtocolError("malformed chunked body: chunk size line too long")
                    self.cbuf = data[i:]
                    break
                line = data[i:j]
                i = j + 2
                if need == _TRAILER:
                    self.complete = not line
                    continue
                size = _chunk_size(line)
                end = i + size
                if size and end + 2 <= n:  # the common case: the whole chunk is in this read
                    if data[end : end + 2] != _CRLF:
                        raise HttpProtocolError("malformed chunked body: chunk data not followed by CRLF")
                    out.append(data[i:end])
                    i = end + 2
                    continue
                self.need = size if size else _TRAILER
        if len(out) == 1:
            return out[0]
        return b"".join(out)

    def _set(self, exc: BaseException | None) -> None:
        fut = self.fut
        if fut is not None and not fut.done():
            if exc is None:
                fut.set_result(None)
            else:
                fut.set_exception(exc)

    def _wake(self) -> None:
        self._set(None)

    def _fail(self, exc: BaseException) -> None:
        self._set(exc)
        self._close()

    def _close(self) -> None:
        self.closed = True
        self.active = False
        self.pool.forget(self)
        if self.transport is not None:
            self.transport.close()


def _one_chunk(data: bytes) -> bytes | None:
    """The data of ``data`` when it is exactly one whole non-empty chunk (``<hex>CRLF<data>CRLF``), else None."""
    j = data.find(_CRLF, 0, 10)
    if j <= 0:
        return None
    end = len(data) - 2
    try:
        size = int(data[:j], 16)
    except ValueError:
        return None  # the general decoder names the fault
    if size > 0 and j + 2 + size == end and data[end:] == _CRLF:
        return data[j + 2 : end]
    return None


def _chunk_size(line: bytes) -> int:
    """The size on a chunk's size line (hexadecimal, extensions after ``;`` ignored)."""
    try:
        size = int(line, 16)
    except ValueError:
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise HttpProtocolError(f"malformed chunked body: chunk size {line[:40]!r}") from None
    if size < 0:
        raise HttpProtocolError("malformed chunked body: negative chunk size")
    return size


class _Target:
    """Where and what to send for one URL (built once)."""

    def __init__(self, url: str):
        u = urllib.parse.urlsplit(url)
        self.host = u.hostname or ""
        self.port = u.port or 80
        self.key = (self.host, self.port)
        self.path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        host_header = u.netloc.rpartition("@")[2]
        self.head_prefix = f"POST {self.path} HTTP/1.1\r\nHost: {host_header}\r\n".encode("latin-1")


class RawSession:
    """The connections of one level (keep-alive, reused after a clean response); an async context manager."""

    def __init__(self) -> None:
        self._idle: dict[tuple[str, int], list[_Conn]] = {}
        self._all: set[_Conn] = set()
        self._targets: dict[str, _Target] = {}

    async def __aenter__(self) -> RawSession:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection of the level."""
        for conn in list(self._all):
            conn._close()
        self._idle.clear()
        self._all.clear()

    def forget(self, conn: _Conn) -> None:
        """A connection closed: never hand it out again."""
        self._all.discard(conn)
        idle = self._idle.get(conn.key)
        if idle and conn in idle:
            idle.remove(conn)

    def release(self, conn: _Conn) -> None:
        """A connection whose response ended cleanly waits for the next request."""
        if not conn.closed:
            self._idle.setdefault(conn.key, []).append(conn)

    def target(self, url: str) -> _Target:
        """The prepared target of ``url``."""
        t = self._targets.get(url)
        if t is None:
            t = self._targets[url] = _Target(url)
        return t

    async def connection(self, target: _Target) -> _Conn:
        """An idle kept-alive connection to ``target``, else a new one."""
        idle = self._idle.get(target.key)
        while idle:
            conn = idle.pop()
            if not conn.closed:
                return conn
        loop = asyncio.get_running_loop()
        try:
            _, conn = await loop.create_connection(lambda: _Conn(self, target.key), target.host, target.port)
        except OSError as exc:
            raise ClientConnectorError(
                f"Cannot connect to host {target.host}:{target.port} [{type(exc).__name__}: {exc.strerror or exc}]"
            ) from None
        self._all.add(conn)
        return conn


class ClientConnectorError(ConnectionError):
    """The server could not be reached (refused, unreachable)."""


async def exchange(
    session: RawSession,
    url: str,
    headers: bytes,
    body: bytes,
    run_t0: float,
    on_body: Callable[[bytes, float, bool], bool],
) -> tuple[int, dict[str, str], bytes, float]:
    """POST ``body`` to ``url``; the response body goes to ``on_body`` as it arrives (see :class:`_Conn`).

    ``headers`` are the request's header lines (CRLF-ended, without Host and Content-Length).
    Returns ``(status, headers, error body (at most 4 KiB, non-200 only), sent_s)`` once the SSE
    stream is over, the response ended or the connection closed; failures raise."""
    target = session.target(url)
    for attempt in (0, 1):
        conn = await session.connection(target)
        reused = conn.used > 0
        conn.begin(run_t0, on_body)
        assert conn.transport is not None and conn.fut is not None
        request = target.head_prefix + headers + b"Content-Length: %d\r\n\r\n" % len(body) + body
        sent_s = _clock() - run_t0  # just before the write: the server cannot have it earlier
        conn.transport.write(request)
        try:
            await conn.fut
        except ServerDisconnected:
            if reused and attempt == 0:
                continue  # a kept-alive connection the server had closed: once more on a new one
            raise
        except BaseException:  # malformed, timed out, cancelled: the connection is not reused
            conn._close()
            raise
        if conn.status != 200:
            while not (conn.complete or conn.eof or conn.closed or len(conn.error_body) >= 4096):
                conn.fut = asyncio.get_running_loop().create_future()
                await conn.fut
            conn._close()
            return conn.status, conn.headers, conn.error_body, sent_s
        if conn.phase != "after":
            conn._close()
        elif conn.complete:
            if conn.headers.get("connection", "").lower() != "close" and not conn.closed:
                session.release(conn)
        else:
            conn.release_when_complete = True  # its final chunk is still to come
        return conn.status, conn.headers, b"", sent_s
    raise ServerDisconnected("Server disconnected")  # not reached: the second attempt returns or raises

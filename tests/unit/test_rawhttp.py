"""The raw HTTP/1.1 transport's response parser, fed bytes by hand (no socket): however the bytes of
a response are split into reads, the body, the stream's end and the connection's reuse are the
same, and malformed framing fails the request with the reason."""

import asyncio

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbench.measurement.rawhttp import HttpProtocolError, RawSession, ServerDisconnected, _Conn

SSE = b'data: {"choices":[{"text":"a"}]}\n\ndata: [DONE]\n\n'


def chunked(*pieces: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
RESPONSE = OK_HEAD + chunked(SSE[:20], SSE[20:40], SSE[40:])


class FakeTransport:
    """What the parser needs of a transport."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def feed(reads: list[bytes], stop_at_done: bool = True):
    """(body bytes with their read index, the future's outcome, the connection) after the reads."""

    async def go():
        pool = RawSession()
        conn = _Conn(pool, ("127.0.0.1", 1))
        conn.connection_made(FakeTransport())  # type: ignore[arg-type]
        got: list[tuple[bytes, float, bool]] = []

        def on_body(data: bytes, t: float, final: bool) -> bool:
            got.append((data, t, final))
            return stop_at_done and SSE in b"".join(d for d, _, _ in got)

        conn.begin(0.0, on_body)
        clock = iter(range(1, 10_000))
        import claimbench.measurement.rawhttp as raw

        saved = raw._clock
        raw._clock = lambda: float(next(clock))
        try:
            for r in reads:
                conn.data_received(r)
        finally:
            raw._clock = saved
        fut = conn.fut
        outcome = None if not fut.done() else (fut.exception() or "ok")
        return got, outcome, conn

    return asyncio.run(go())


def splits(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    out, last = [], 0
    for p in points + [len(data)]:
        out.append(data[last:p])
        last = p
    return [x for x in out if x]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=12))
def test_any_split_of_a_chunked_response_gives_the_same_body_and_ends_it_cleanly(cuts):
    got, outcome, conn = feed(splits(RESPONSE, cuts), stop_at_done=True)
    assert b"".join(d for d, _, _ in got) == SSE
    assert outcome == "ok" and conn.phase == "after" and conn.complete and conn.status == 200


def test_each_reads_body_carries_that_reads_time():
    got, _, _ = feed([OK_HEAD + chunked(SSE[:20])[:-5], chunked(SSE[20:])[0:]])
    assert [t for _, t, _ in got] == [1.0, 2.0]


def test_a_content_length_body_ends_with_its_last_byte():
    head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(SSE)
    got, outcome, conn = feed([head + SSE[:10], SSE[10:]], stop_at_done=False)
    assert b"".join(d for d, _, _ in got) == SSE and got[-1][2] is True  # final
    assert outcome == "ok" and conn.complete


def test_an_error_status_is_handed_back_with_its_body():
    resp = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"
    got, outcome, conn = feed([resp])
    assert got == [] and outcome == "ok" and conn.status == 500 and conn.error_body == b"boom"


@pytest.mark.parametrize(
    "response,reason",
    [
        (b"SMTP ready\r\n\r\n", "malformed status line"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed header line"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n", "chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY", "not followed by CRLF"),
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc", "Content-Encoding"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n", "Content-Length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1" * 2000, "size line too long"),
        (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000, "headers larger than"),
    ],
)
def test_malformed_framing_fails_the_request_with_the_reason_and_closes_the_connection(response, reason):
    _, outcome, conn = feed([response])
    assert isinstance(outcome, HttpProtocolError) and reason in str(outcome)
    assert conn.closed and conn.transport.closed


def test_a_connection_lost_before_any_byte_is_server_disconnected_and_mid_body_is_an_unfinished_stream():
    async def go(reads: list[bytes]):
        conn = _Conn(RawSession(), ("127.0.0.1", 1))
        conn.connection_made(FakeTransport())  # type: ignore[arg-type]
        seen = []
        conn.begin(0.0, lambda d, t, final: seen.append(final) or False)
        for r in reads:
            conn.data_received(r)
        conn.connection_lost(None)
        return conn.fut.exception(), seen

    exc, _ = asyncio.run(go([]))
    assert isinstance(exc, ServerDisconnected)
    exc, seen = asyncio.run(go([OK_HEAD + chunked(SSE[:10])[:-5]]))
    assert exc is None and seen[-1] is True  # the reader is told the body ended (before [DONE])


def test_bytes_on_an_idle_connection_close_it():
    async def go():
        pool = RawSession()
        conn = _Conn(pool, ("127.0.0.1", 1))
        conn.connection_made(FakeTransport())  # type: ignore[arg-type]
        conn.data_received(b"HTTP/1.1 200 OK\r\n\r\n")
        return conn

    assert asyncio.run(go()).closed


@pytest.mark.parametrize("has_timeout", [True, False])
def test_the_total_timeout_fires_with_or_without_asyncio_timeout(monkeypatch, has_timeout):
    from claimbench.measurement.client import _within

    if not has_timeout:  # Python 3.10 has no asyncio.timeout: wait_for is used
        monkeypatch.delattr(asyncio, "timeout", raising=False)

    async def go():
        assert await _within(asyncio.sleep(0, result="done"), 5.0) == "done"
        assert await _within(asyncio.sleep(0, result="none"), None) == "none"
        with pytest.raises(asyncio.TimeoutError):
            await _within(asyncio.sleep(3600), 0.01)

    asyncio.run(go())


def test_reads_of_one_whole_chunk_each_take_the_in_place_path_with_the_same_bodies_times_and_end():
    pieces = [SSE[:20], SSE[20:40], SSE[40:]]
    got, outcome, conn = feed([OK_HEAD] + [chunked(p)[: -len(b"0\r\n\r\n")] for p in pieces] + [b"0\r\n\r\n"])
    bodies = [(d, t) for d, t, _ in got if d]  # the head's read hands on an empty body
    assert bodies == [(pieces[0], 2.0), (pieces[1], 3.0), (pieces[2], 4.0)]
    assert outcome == "ok" and conn.phase == "after" and conn.complete


@pytest.mark.parametrize(
    "read,reason",
    [
        (b"zz\r\nab\r\n", "chunk size"),
        (b"-2\r\nab\r\n", "negative chunk size"),
        (b"2\r\nabXY", "not followed by CRLF"),
        (b"2\r\nab\r\r", "not followed by CRLF"),
    ],
)
def test_a_malformed_chunk_read_alone_after_the_head_still_fails_with_the_reason(read, reason):
    _, outcome, conn = feed([OK_HEAD, read])
    assert isinstance(outcome, HttpProtocolError) and reason in str(outcome)
    assert conn.closed

"""The reference mock server: response shapes, exact schedule, ground-truth records, faults and
process hygiene. Every server runs in its own subprocess on 127.0.0.1; every client loop is
bounded in count and time."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import textwrap
import time
from typing import Any, Optional

import pytest

aiohttp = pytest.importorskip("aiohttp")

from claimbench.measurement.mockserver import DIED_EXIT_CODE, MockServerOptions, main, percentile, start_mock_server

TIMEOUT = aiohttp.ClientTimeout(total=20)


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True
    # A zombie still "exists" for kill(0); treat it as gone (it is not running).
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


async def _stream(
    session: aiohttp.ClientSession, url: str, body: dict[str, Any], headers: Optional[dict[str, str]] = None
) -> dict[str, Any]:
    """POST a streaming request; return status, parsed events and monotonic arrival times."""
    sent = time.monotonic()
    events: list[Any] = []
    arrivals: list[float] = []
    async with session.post(url, json=body, headers=headers or {}) as resp:
        status = resp.status
        if status != 200:
            return {"status": status, "json": await resp.json(), "sent": sent}
        buf = b""
        async for piece in resp.content.iter_any():
            now = time.monotonic()
            buf += piece
            while b"\n\n" in buf:
                line, buf = buf.split(b"\n\n", 1)
                assert line.startswith(b"data: "), line
                payload = line[len(b"data: ") :]
                events.append("[DONE]" if payload == b"[DONE]" else json.loads(payload))
                arrivals.append(now)
        return {
            "status": status,
            "events": events,
            "arrivals": arrivals,
            "sent": sent,
            "request_id": resp.headers.get("X-Request-Id"),
        }


def _run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


async def _one(base: str, path: str, body: dict[str, Any], headers: Optional[dict[str, str]] = None) -> dict[str, Any]:
    async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
        return await _stream(s, base + path, body, headers)


@pytest.fixture(scope="module")
def server():
    with start_mock_server(ttft_ms=20, gap_ms=5) as h:
        yield h


# ---------------------------------------------------------------------------------------------
# Shapes


@pytest.mark.parametrize("max_tokens", [1, 7, 64])
def test_streamed_completion_sends_exactly_max_tokens_token_chunks(server, max_tokens):
    r = _run(
        _one(
            server.base_url,
            "/v1/completions",
            {"model": "m", "prompt": "one two three", "max_tokens": max_tokens, "stream": True},
        )
    )
    events = r["events"]
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert len(chunks) == max_tokens
    assert all(c["object"] == "text_completion" and len(c["choices"]) == 1 for c in chunks)
    assert [c["choices"][0]["finish_reason"] for c in chunks] == [None] * (max_tokens - 1) + ["length"]
    text = "".join(c["choices"][0]["text"] for c in chunks)
    assert len(text.split()) == max_tokens
    assert not any("usage" in c for c in chunks)


def test_streamed_chat_uses_max_completion_tokens_and_delta_chunks(server):
    r = _run(
        _one(
            server.base_url,
            "/v1/chat/completions",
            {
                "model": "m",
                "messages": [{"role": "user", "content": "hi there"}],
                "max_tokens": 99,
                "max_completion_tokens": 5,
                "stream": True,
            },
        )
    )
    chunks = r["events"][:-1]
    assert r["events"][-1] == "[DONE]"
    assert len(chunks) == 5
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all("content" in c["choices"][0]["delta"] for c in chunks)


def test_usage_chunk_comes_last_when_include_usage_is_requested(server):
    r = _run(
        _one(
            server.base_url,
            "/v1/completions",
            {"prompt": "a b c d e", "max_tokens": 4, "stream": True, "stream_options": {"include_usage": True}},
        )
    )
    events = r["events"]
    assert events[-1] == "[DONE]"
    usage_chunk = events[-2]
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"] == {"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9}
    assert len(events) == 4 + 2


def test_prompt_given_as_token_ids_counts_its_length(server):
    r = _run(
        _one(
            server.base_url,
            "/v1/completions",
            {"prompt": list(range(37)), "max_tokens": 2, "stream": True, "stream_options": {"include_usage": True}},
        )
    )
    assert r["events"][-2]["usage"]["prompt_tokens"] == 37


def test_non_streaming_requests_return_the_whole_text_and_usage(server):
    async def go() -> tuple[Any, Any]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
            async with s.post(server.base_url + "/v1/completions", json={"prompt": "x y", "max_tokens": 6}) as a:
                ja = await a.json()
            async with s.post(
                server.base_url + "/v1/chat/completions",
                json={"messages": [{"role": "user", "content": "q"}], "max_tokens": 3},
            ) as b:
                jb = await b.json()
        return ja, jb

    ja, jb = _run(go())
    assert len(ja["choices"][0]["text"].split()) == 6
    assert ja["usage"] == {"prompt_tokens": 2, "completion_tokens": 6, "total_tokens": 8}
    assert jb["object"] == "chat.completion"
    assert len(jb["choices"][0]["message"]["content"].split()) == 3


def test_models_tokenize_and_health_endpoints_answer(server):
    async def go() -> tuple[int, Any, Any]:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
            async with s.get(server.base_url + "/health") as h:
                hs = h.status
            async with s.get(server.base_url + "/v1/models") as m:
                jm = await m.json()
            async with s.post(server.base_url + "/tokenize", json={"prompt": "the cat sat down"}) as t:
                jt = await t.json()
        return hs, jm, jt

    hs, jm, jt = _run(go())
    assert hs == 200
    assert jm["data"][0]["id"] == "mock-model"
    assert jt["count"] == 4 and len(jt["tokens"]) == 4


def test_bad_max_tokens_is_rejected_with_400(server):
    r = _run(_one(server.base_url, "/v1/completions", {"prompt": "x", "max_tokens": 0, "stream": True}))
    assert r["status"] == 400
    assert "max_tokens" in r["json"]["error"]["message"]


# ---------------------------------------------------------------------------------------------
# Schedule and ground truth


@pytest.mark.timing
def test_measured_ttft_and_gaps_match_the_configured_schedule():
    ttft_ms, gap_ms, n_tokens = 30.0, 10.0, 12
    with start_mock_server(ttft_ms=ttft_ms, gap_ms=gap_ms) as h:

        async def go() -> list[dict[str, Any]]:
            out = []
            conn = aiohttp.TCPConnector(limit=1)
            async with aiohttp.ClientSession(timeout=TIMEOUT, connector=conn) as s:
                await _stream(s, h.base_url + "/v1/completions", {"prompt": "warm", "max_tokens": 2, "stream": True})
                for i in range(6):
                    out.append(
                        await _stream(
                            s,
                            h.base_url + "/v1/completions",
                            {"prompt": "p", "max_tokens": n_tokens, "stream": True},
                            headers={"X-Request-Id": f"r{i}"},
                        )
                    )
            return out

        results = _run(go())
        stats = h.stats()

    ttfts = [(r["arrivals"][0] - r["sent"]) * 1e3 for r in results]
    gaps = [(b - a) * 1e3 for r in results for a, b in zip(r["arrivals"][: n_tokens - 1], r["arrivals"][1:n_tokens])]
    # The client's TTFT also holds its own send path and the server's request intake (~1 ms
    # on loopback), so it may exceed the schedule by a little, never undercut it.
    assert ttft_ms - 0.5 < statistics.median(ttfts) < ttft_ms + 5.0, ttfts
    assert abs(statistics.median(gaps) - gap_ms) < 2.0, gaps

    # Ground truth: records for every request, chunk writes on schedule, and the client saw
    # each chunk shortly after the server wrote it (same system-wide monotonic clock).
    recs = {r["request_id"]: r for r in stats["records"]}
    deltas = []
    for i, r in enumerate(results):
        rec = recs[f"r{i}"]
        assert r["request_id"] == f"r{i}"
        assert rec["status"] == "ok" and rec["completion_tokens"] == n_tokens
        assert len(rec["chunk_write_s"]) == n_tokens
        assert rec["received_s"] >= r["sent"]
        deltas += [(a - w) * 1e3 for a, w in zip(r["arrivals"], rec["chunk_write_s"])]
    # The write time is taken after write() returns, so the client may see a chunk a hair
    # before it; a different clock would be off by seconds.
    assert -0.5 < statistics.median(deltas) < 2.0, deltas
    late = stats["summary"]["lateness_ms"]
    assert late["n"] == 2 + 6 * n_tokens
    assert 0.0 <= late["p50"] < 1.0, late


def test_stats_reset_clears_records_and_request_count(server):
    _run(_one(server.base_url, "/v1/completions", {"prompt": "x", "max_tokens": 1, "stream": True}))
    assert server.stats()["summary"]["n_records"] >= 1
    server.reset()
    st = server.stats()
    assert st["records"] == [] and st["n_requests"] == 0
    assert st["summary"]["lateness_ms"]["p50"] is None
    assert "records" not in server.stats(records=False)


def test_jitter_moves_deadlines_but_keeps_them_in_order():
    with start_mock_server(ttft_ms=5, gap_ms=2, jitter_ms=1.5, seed=7) as h:
        _run(_one(h.base_url, "/v1/completions", {"prompt": "x", "max_tokens": 30, "stream": True}))
        rec = h.stats()["records"][0]
    sched = rec["chunk_scheduled_s"]
    gaps = [(b - a) * 1e3 for a, b in zip(sched, sched[1:])]
    assert all(g >= 0 for g in gaps)
    assert max(abs(g - 2.0) for g in gaps) > 0.1


# ---------------------------------------------------------------------------------------------
# Faults


def test_every_nth_request_fails_with_http_500_and_a_json_error():
    with start_mock_server(ttft_ms=1, gap_ms=1, fail_every=3) as h:

        async def go() -> list[dict[str, Any]]:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
                return [
                    await _stream(s, h.base_url + "/v1/completions", {"prompt": "x", "max_tokens": 2, "stream": True})
                    for _ in range(6)
                ]

        rs = _run(go())
        statuses = [r["status"] for r in h.stats()["records"]]
    assert [r["status"] for r in rs] == [200, 200, 500, 200, 200, 500]
    assert rs[2]["json"]["error"]["code"] == 500
    assert statuses == ["ok", "ok", "error", "ok", "ok", "error"]


def test_die_after_chunks_aborts_the_stream_mid_way():
    with start_mock_server(ttft_ms=2, gap_ms=2, die_after_chunks=3) as h:

        async def go() -> tuple[Optional[BaseException], list[bytes]]:
            got: list[bytes] = []
            try:
                async with (
                    aiohttp.ClientSession(timeout=TIMEOUT) as s,
                    s.post(
                        h.base_url + "/v1/completions", json={"prompt": "x", "max_tokens": 10, "stream": True}
                    ) as resp,
                ):
                    async for line in resp.content:
                        if line.strip():
                            got.append(line.strip())
            except aiohttp.ClientError as e:
                return e, got
            return None, got

        err, got = _run(go())
        rec = h.stats()["records"][0]
        assert h.alive()
    assert err is not None, got
    assert len(got) == 3 and b"[DONE]" not in b"".join(got)
    assert rec["status"] == "aborted" and rec["completion_tokens"] == 3


def test_die_after_requests_kills_the_server_process():
    with start_mock_server(ttft_ms=1, gap_ms=1, die_after_requests=3) as h:

        async def go() -> list[Any]:
            out: list[Any] = []
            async with aiohttp.ClientSession(timeout=TIMEOUT) as s:
                for _ in range(3):
                    try:
                        out.append(
                            (
                                await _stream(
                                    s, h.base_url + "/v1/completions", {"prompt": "x", "max_tokens": 2, "stream": True}
                                )
                            )["status"]
                        )
                    except aiohttp.ClientError as e:
                        out.append(type(e).__name__)
            return out

        out = _run(go())
        h.process.wait(timeout=10)
        assert h.returncode == DIED_EXIT_CODE
        assert "die_after_requests" in h.stderr_text()
    assert out[:2] == [200, 200]
    assert out[2] != 200


def test_api_key_is_required_on_v1_routes_when_configured():
    with start_mock_server(ttft_ms=1, gap_ms=1, require_api_key="s3cret") as h:
        body = {"prompt": "x", "max_tokens": 2, "stream": True}
        none = _run(_one(h.base_url, "/v1/completions", body))
        wrong = _run(_one(h.base_url, "/v1/completions", body, {"Authorization": "Bearer nope"}))
        right = _run(_one(h.base_url, "/v1/completions", body, {"Authorization": "Bearer s3cret"}))
        assert h.health() == 200
        st = h.stats()
    assert none["status"] == 401 and wrong["status"] == 401
    assert right["status"] == 200 and len(right["events"]) == 3
    assert "s3cret" not in json.dumps(st)


def test_health_is_503_during_slow_start_then_200():
    with start_mock_server(slow_start_s=1.5) as h:
        t0 = time.monotonic()
        assert h.health() == 503
        early = _run(_one(h.base_url, "/v1/completions", {"prompt": "x", "max_tokens": 1, "stream": True}))
        assert early["status"] == 503
        seen = []
        while time.monotonic() - t0 < 10:
            seen.append(h.health())
            if seen[-1] == 200:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - t0
    assert seen[-1] == 200
    assert 503 in seen
    assert elapsed >= 1.0


# ---------------------------------------------------------------------------------------------
# Process hygiene and options


def test_handle_leaves_no_process_behind_even_when_the_body_raises():
    pid = None
    with pytest.raises(RuntimeError), start_mock_server() as h:
        pid = h.pid
        assert _pid_exists(pid)
        raise RuntimeError("boom")
    assert pid is not None and not _pid_exists(pid)
    assert h.returncode == 0  # clean SIGTERM shutdown


def test_handle_kills_a_server_that_ignores_sigterm():
    with start_mock_server() as h:
        os.kill(h.pid, signal.SIGSTOP)  # a stopped process cannot act on SIGTERM
        rc = h.stop(term_timeout=0.5)
    assert rc == -signal.SIGKILL
    assert not _pid_exists(h.pid)


def test_server_exits_when_its_launcher_dies(tmp_path):
    launcher = textwrap.dedent("""
        import os, sys
        from claimbench.measurement.mockserver import start_mock_server
        h = start_mock_server()
        print(h.pid, flush=True)
        os._exit(0)  # no cleanup: the child must notice on its own
    """)
    env = dict(os.environ)
    lib = os.path.join(os.path.dirname(__file__), "..", "..", "lib")
    env["PYTHONPATH"] = os.path.abspath(lib) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", launcher], capture_output=True, text=True, timeout=60, env=env)
    pid = int(out.stdout.strip())
    deadline = time.monotonic() + 10
    while _pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _pid_exists(pid)
    if alive:  # pragma: no cover - clean up the orphan before failing
        os.kill(pid, signal.SIGKILL)
    assert not alive


def test_cli_refuses_to_bind_a_non_loopback_address(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--host", "0.0.0.0"])
    assert e.value.code == 2
    assert "loopback" in capsys.readouterr().err


def test_invalid_options_are_rejected():
    with pytest.raises(ValueError, match="gap_ms"):
        MockServerOptions(gap_ms=-1)
    with pytest.raises(TypeError):
        start_mock_server(not_an_option=1)


def test_options_round_trip_through_cli_arguments():
    from claimbench.measurement.mockserver import _parser

    o = MockServerOptions(
        ttft_ms=7.5, gap_ms=3, fail_every=4, die_after_chunks=0, require_api_key="k", precise=False, model="x"
    )
    args = _parser().parse_args(o.to_argv())
    back = MockServerOptions(**{k: getattr(args, k) for k in o.public_dict()})
    assert back == o


def test_percentile_interpolates_linearly():
    assert percentile([], 50) is None
    assert percentile([3.0], 99) == 3.0
    assert percentile([0.0, 10.0], 50) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 75) == 4.0

"""Hostile servers on loopback: a redirect to another origin (another port) never carries the API key.

A redirector answers every path with a redirect to a sink on another loopback port; the sink
records the headers of everything it receives. For every redirect status and every endpoint
claimbench requests (model check, version, health, metrics, generation), the sink never sees the
key, and the failure is one line naming the redirect."""

from __future__ import annotations

import asyncio
import http.server
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from claimbench.errors import UserError
from claimbench.measurement.client import ClientConfig, make_session, send_one
from claimbench.measurement.engines.http import HttpEngine, HttpEngineConfig
from claimbench.measurement.httppolicy import RedirectRefused, open_url
from claimbench.measurement.workload import Prompt
from claimbench.schema.records import RequestRecord

KEY = "sk-hostile-redirect-test-0123456789"
STATUSES = (301, 302, 303, 307, 308)

pytestmark = pytest.mark.timeout(60)  # bounded: a hang fails the test, not the CI run


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request's headers; answers a tiny JSON body."""

    seen: list[dict[str, str]]

    def _answer(self) -> None:
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        body = b'{"data": [{"id": "m"}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        """Quiet."""


class _Redirector(http.server.BaseHTTPRequestHandler):
    """Answers every request with ``status`` and a Location on ``target`` (same path)."""

    status = 302
    target = ""

    def _answer(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self.send_response(self.status)
        self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        """Quiet."""


@contextmanager
def _serve(handler: type) -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


@contextmanager
def redirect_to_sink(status: int) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A redirector answering ``status`` to a sink on another loopback port; yields (redirector, sink log)."""
    seen: list[dict[str, str]] = []
    sink = type("Sink", (_Recorder,), {"seen": seen})
    with _serve(sink) as sink_url:
        redirector = type("Redir", (_Redirector,), {"status": status, "target": sink_url})
        with _serve(redirector) as url:
            yield url, seen


@pytest.mark.parametrize("status", STATUSES)
def test_the_model_check_refuses_a_redirect_to_another_port_and_names_it(status):
    with redirect_to_sink(status) as (url, seen):
        engine = HttpEngine(HttpEngineConfig(api_key=KEY, api_key_env="K"), model="m", base_url=url)
        with pytest.raises(UserError) as err:
            engine.start()
    assert f"HTTP {status}" in str(err.value) and "another origin" in str(err.value)
    assert "\n" not in str(err.value) and KEY not in str(err.value)
    assert seen == []  # the sink received nothing at all


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("path", ["/version", "/health", "/metrics"])
def test_health_version_and_metrics_requests_never_carry_the_key_across_origins(status, path):
    with redirect_to_sink(status) as (url, seen), pytest.raises(RedirectRefused) as err:
        open_url(url + path, KEY, timeout=10)
    assert f"HTTP {status}" in str(err.value) and path in str(err.value)
    assert seen == []


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("api", ["completions", "chat"])
def test_generation_requests_follow_no_redirect_and_fail_with_the_reason(status, api):
    async def one() -> RequestRecord:
        cfg = ClientConfig(base_url=url, model="m", api=api, api_key=KEY, request_timeout_s=20)
        rec = RequestRecord(request_id="r0", level=0, scheduled_s=0.0)
        async with make_session(1) as session:
            await send_one(session, cfg, Prompt(index=0, token_ids=(1, 2, 3), output_len=2), rec, time.monotonic())
        return rec

    with redirect_to_sink(status) as (url, seen):
        rec = asyncio.run(one())
    assert not rec.ok
    assert rec.error is not None and f"HTTP {status}" in rec.error and "another origin" in rec.error
    assert KEY not in rec.error
    assert seen == []


def test_a_same_origin_redirect_is_followed_with_the_key_kept_at_its_origin():
    seen: list[dict[str, str]] = []

    class SameOrigin(_Recorder):
        def do_GET(self) -> None:
            if self.path == "/old":
                self.send_response(302)
                self.send_header("Location", "/new")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._answer()

    SameOrigin.seen = seen
    with _serve(SameOrigin) as url, open_url(url + "/old", KEY, timeout=10) as resp:
        assert resp.status == 200
    assert [s["path"] for s in seen] == ["/new"] and seen[0]["authorization"] == f"Bearer {KEY}"


class _HtmlLogin(http.server.BaseHTTPRequestHandler):
    """A login page (a proxy or portal) answering 200 text/html to every path."""

    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>login</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        """Quiet."""


def test_an_html_page_at_v1_models_is_reported_as_html_not_as_unreachable():
    with _serve(_HtmlLogin) as url:
        engine = HttpEngine(HttpEngineConfig(), model="m", base_url=url)
        with pytest.raises(UserError) as err:
            engine.start()
    msg = str(err.value)
    assert "cannot reach" not in msg
    assert "/v1/models answered an HTML page (text/html), not JSON" in msg and url in msg

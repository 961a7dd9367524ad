"""The unit tier is pure: a unit test that starts a process or opens a network socket fails.

Such a test belongs in ``tests/integration`` (processes, Ray, vLLM, servers, sockets). An
in-process socket pair (asyncio's self-pipe) is allowed; binding, connecting and listening are not.
"""

import socket
import subprocess

import pytest

_REASON = "unit tests start no process and open no network socket: move this test to tests/integration"


def _refuse(what: str):
    def refused(*args, **kwargs):
        raise AssertionError(f"{what}: {_REASON}")

    return refused


@pytest.fixture(autouse=True)
def _no_processes_or_sockets(monkeypatch):
    for name in ("bind", "connect", "connect_ex", "listen"):
        monkeypatch.setattr(socket.socket, name, _refuse(f"socket.{name}"))
    monkeypatch.setattr(socket, "create_connection", _refuse("socket.create_connection"))
    monkeypatch.setattr(subprocess.Popen, "__init__", _refuse("subprocess.Popen"))
    import os

    monkeypatch.setattr(os, "fork", _refuse("os.fork"))
    monkeypatch.setattr(os, "posix_spawn", _refuse("os.posix_spawn"), raising=False)
    # the manifest's git probe runs `git`: in the unit tier the checkout's sha is a fixed answer
    from claimbench.measurement import platform

    monkeypatch.setattr(platform, "git_sha", lambda path=None: "0" * 40)
    yield

"""``vllm serve`` lifecycle: start on 127.0.0.1 and a free port, wait until ready, stop cleanly.

The server runs in its own process group with a parent-death signal, and is stopped (SIGTERM to
the group, then SIGKILL) on normal exit, error, Ctrl-C and interpreter exit: no orphans.
Its output goes to a log file that is copied into the run bundle.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.measurement.engines.config import VllmArgs
from claimbench.measurement.httppolicy import open_url


@dataclass
class ServeConfig(VllmArgs):
    """Arguments of a ``vllm serve`` process started by claimbench."""

    port: int = 0
    ready_timeout_s: float = 600.0
    backend: str = "cpu"
    served_model_name: str | None = None

    def argv(self, port: int) -> list[str]:
        """The ``vllm serve`` command-line arguments for ``port``."""
        args = [
            "serve",
            self.model,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dtype",
            self.dtype,
            "--seed",
            str(self.seed),
            "--tensor-parallel-size",
            str(self.tensor_parallel_size),
        ]
        if self.served_model_name:
            args += ["--served-model-name", self.served_model_name]
        if self.max_model_len:
            args += ["--max-model-len", str(self.max_model_len)]
        if self.eager(self.backend):
            args.append("--enforce-eager")
        if self.kv_cache_bytes(self.backend) is not None:
            args += ["--kv-cache-memory-bytes", str(self.kv_cache_bytes(self.backend))]
        for key, value in self.extra.items():
            flag = "--" + key.replace("_", "-")
            if value is True:
                args.append(flag)
            elif value is not False and value is not None:
                args += [flag, value if isinstance(value, str) else __import__("json").dumps(value)]
        return args


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set_pdeathsig() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class ServeProcess:
    """A ``vllm serve`` child process: started, waited for until ready, stopped with its group."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path: Path | None = None
        self.ready_s: float | None = None
        self.environment: dict[str, str] = {}
        self._log_fh: Any = None

    @property
    def base_url(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        """Start the server and wait until it answers; returns its URL (UserError on failure)."""
        cfg = self.config
        self.port = cfg.port or free_port()
        env = dict(os.environ)
        if cfg.backend == "cpu" and "VLLM_CPU_KVCACHE_SPACE" not in env:
            env["VLLM_CPU_KVCACHE_SPACE"] = f"{cfg.kv_cache_gib if cfg.kv_cache_gib is not None else 1:g}"
            self.environment["VLLM_CPU_KVCACHE_SPACE"] = env["VLLM_CPU_KVCACHE_SPACE"]
        self.log_path = Path(tempfile.mkdtemp(prefix="claimbench-serve-")) / "server.log"
        self._log_fh = self.log_path.open("wb")
        cmd = [sys.executable, "-m", "claimbench.measurement.engines.vllm_cli", *cfg.argv(self.port)]
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            cmd,
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=_set_pdeathsig,
        )
        atexit.register(self.stop)
        try:
            self._wait_ready(t0)
        except BaseException:
            self.stop()
            raise
        self.ready_s = time.monotonic() - t0
        return self.base_url

    def _wait_ready(self, t0: float) -> None:
        assert self.proc is not None  # started
        deadline = t0 + self.config.ready_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise UserError(
                    f"vllm serve exited with status {self.proc.returncode} before becoming ready: {self.last_error_line()}"
                )
            try:
                with open_url(self.base_url + "/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise UserError(
            f"vllm serve did not become ready within {self.config.ready_timeout_s:g} s (--server-timeout); last log line: {self.last_error_line()}"
        )

    def last_error_line(self) -> str:
        """The last meaningful line of the server log (for one-line errors)."""
        if not self.log_path or not self.log_path.exists():
            return "(no log)"
        lines = [ln.strip() for ln in self.log_path.read_text(errors="replace").splitlines() if ln.strip()]
        for ln in reversed(lines):
            if any(w in ln for w in ("Error", "error:", "Exception", "Traceback")) and not ln.startswith("File "):
                return ln[-300:]
        return lines[-1][-300:] if lines else "(empty log)"

    def alive(self) -> bool:
        """Whether the server process is still running."""
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """Stop the server's process group (SIGTERM, then SIGKILL)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait(timeout=10)
            else:
                try:  # the server died: make sure its engine processes follow
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            self.exit_status = proc.returncode
        if self._log_fh:
            self._log_fh.close()
            self._log_fh = None
        try:
            atexit.unregister(self.stop)
        except Exception:
            pass

    def describe(self) -> dict[str, Any]:
        """What ran, for the manifest: argv, environment, readiness time, port."""
        return {
            "argv": ["vllm", *self.config.argv(self.port or 0)],
            "environment": self.environment,
            "ready_s": self.ready_s,
            "port": self.port,
        }

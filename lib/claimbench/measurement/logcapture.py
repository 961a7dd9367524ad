"""Route vLLM's and the kernels' terminal output into the run bundle's ``engine.log``.

``with capture_output():`` points file descriptors 1 and 2 (C/C++ kernels, subprocesses, vLLM's
loggers) and ``sys.stdout``/``sys.stderr`` at a temporary log file; the bundle written inside the
block gets it as ``engine.log`` (:func:`bundle_files`). The progress display keeps the terminal
through :func:`terminal_stream`. Nothing is captured unless the block is entered: the library
default leaves output alone; ``claimbench measure`` captures unless ``--verbose``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_log_path: Path | None = None
_terminal: IO[str] | None = None


def bundle_files() -> dict[str, Path]:
    """``{"engine.log": path}`` while output is captured, else empty."""
    return {"engine.log": _log_path} if _log_path is not None else {}


def terminal_stream() -> IO[str]:
    """The real stderr (the terminal) even while output is captured."""
    return _terminal if _terminal is not None else sys.stderr


@contextlib.contextmanager
def capture_output(enabled: bool = True) -> Iterator[Path | None]:
    """Send fd 1/2 and sys.stdout/sys.stderr to a log file for the duration of the block."""
    global _log_path, _terminal
    if not enabled or _log_path is not None:
        yield _log_path
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    path = Path(tempfile.mkdtemp(prefix="claimbench-log-")) / "engine.log"
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    old_out, old_err = sys.stdout, sys.stderr
    terminal = os.fdopen(os.dup(saved[2]), "w", buffering=1, encoding="utf-8", errors="replace")
    log_text = Path(path).open("a", buffering=1, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        sys.stdout = sys.stderr = log_text
        _log_path, _terminal = path, terminal
        yield path
    finally:
        for stream in (log_text, sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.flush()
        sys.stdout, sys.stderr = old_out, old_err
        for fd, dup in saved.items():
            os.dup2(dup, fd)
            os.close(dup)
        os.close(log_fd)
        log_text.close()
        terminal.close()
        _log_path = _terminal = None

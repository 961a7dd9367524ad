"""Atomic output files: every file claimbench writes for a user appears whole or not at all.

:func:`write_atomic` writes through a hidden temporary sibling (``.<name>.<random>.tmp``), fsyncs
it and renames it over the target. If anything fails — a full disk (``ENOSPC``), a folder turned
read-only, an exception of the writer (polars raises its own types) or an interrupt — the
temporary file is removed and the target is untouched: no 0-byte file, no stray ``.tmp``. The
failure is re-raised as :class:`OutputWriteError` (an ``OSError``) naming the file.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path


class OutputWriteError(OSError):
    """An output file could not be written; the target was left as it was (one line: file and reason)."""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    if "No space left" in text or "ENOSPC" in text:
        return os.strerror(errno.ENOSPC)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` through ``write(tmp_path)``, then fsync and rename it into place."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(target)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(exc, Exception):
            err = getattr(exc, "errno", None)
            raise OutputWriteError(err or errno.EIO, f"cannot write {target}: {_reason(exc)}") from None
        raise
    return target


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """:func:`write_atomic` for a text file."""
    return write_atomic(path, lambda p: p.write_text(text, encoding=encoding))


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """:func:`write_atomic` for a binary file."""
    return write_atomic(path, lambda p: p.write_bytes(data))

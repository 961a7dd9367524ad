"""Helpers every importer shares (peers' result files, bundles, references): numbers, names, files.

Public so an importer module needs nothing private from another module: ``num``/``strict`` for
numbers (missing stays None, never 0), ``dig`` for nested keys, ``model_id`` for model names,
``hardware_from_device_name`` for device names (from the hardware registry's ``device_names``,
the only table of them), and bounded, regular-file-only readers (``read_text_file``,
``read_json_documents``, ``first_json_document``).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimbench.errors import UserError
from claimbench.numbers import BadNumber, checked_number
from claimbench.schema.hardware import HardwareSpec

BadField = BadNumber
"""A peer-file field with the wrong type or an impossible value."""


def num(x: Any) -> float | None:
    """A finite float, else None (NaN and non-numbers are missing, never 0)."""
    if isinstance(x, bool) or x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def strict(x: Any, field: str) -> float | None:
    """A peer file's measured number: missing stays None; a non-number, NaN, inf or a negative
    value is a :class:`BadNumber` naming the field (never judged, never silently dropped). The one
    number check of :mod:`claimbench.numbers`."""
    v = checked_number(x, f"field {field}", lo=0)
    return None if v is None else float(v)


def rate(x: Any) -> float | None:
    """Request rate: a number, or ``inf``/``"inf"`` (all at once) kept as math.inf."""
    if isinstance(x, str) and x.strip().lower() in ("inf", "infinity"):
        return math.inf
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return float(x)
    return None


def dig(obj: Any, *keys: str) -> Any:
    """``obj[k1][k2]...``, or None as soon as a level is not a mapping or lacks the key."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def model_id(name: Any) -> str | None:
    """Normalize a model name or path to a registry-style id (``…/tiny-v1`` → ``tiny``)."""
    if not isinstance(name, str) or not name.strip():
        return None
    base = name.rstrip("/").split("/")[-1].lower()
    if base == "tiny" or (base.startswith("tiny-v") and base[6:].isdigit()):
        return "tiny"
    return base


def hardware_from_device_name(
    name: str | None,
    vendor: str | None = None,
    hardware: Sequence[HardwareSpec] | None = None,
    exact: bool = False,
) -> str | None:
    """Best-effort registry id from a device name; None (unknown) when not sure.

    The fragments are data: each hardware file's ``device_names`` (the longest match wins, so
    "h200" is not read as "h20"). A 910B name is not mapped: its TFLOPS bin cannot be told from
    the name alone. With ``exact``, the name must equal a fragment (a runner type, not a marketing name).
    """
    if vendor and str(vendor).lower() == "cpu":
        return "cpu-host"
    if not name:
        return None
    if hardware is None:
        from claimbench.load.registry import list_hardware

        hardware = list_hardware()
    low = str(name).lower().replace(" ", "")
    frags = [(frag.lower().replace(" ", ""), h.id) for h in hardware for frag in h.device_names]
    hits = [(len(frag), hw_id) for frag, hw_id in frags if frag and (frag == low if exact else frag in low)]
    return max(hits)[1] if hits else None


def json_objects(text: str) -> list[Any]:
    """One JSON document, or several concatenated/line-separated ones (``--append-result``)."""
    decoder = json.JSONDecoder()
    out: list[Any] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return out
        obj, i = decoder.raw_decode(text, i)
        out.append(obj)


MAX_EVIDENCE_BYTES = 64 * 2**20
"""Largest peer/reference file read (a result file is kilobytes to a few megabytes)."""


def check_regular_file(path: Path, limit: int = MAX_EVIDENCE_BYTES) -> None:
    """``path`` is a regular file of at most ``limit`` bytes, else one UserError: a FIFO, a device
    (``/dev/zero``), a socket or a symlink loop is never opened, so reading cannot block or run away."""
    import stat as _stat

    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise UserError(f"{path}: symlink loop") from None
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not _stat.S_ISREG(st.st_mode):
        kind = (
            "a named pipe"
            if _stat.S_ISFIFO(st.st_mode)
            else "a device"
            if _stat.S_ISCHR(st.st_mode) or _stat.S_ISBLK(st.st_mode)
            else "a socket"
            if _stat.S_ISSOCK(st.st_mode)
            else "not a regular file"
        )
        raise UserError(f"{path}: {kind}; evidence must be a regular file")
    if st.st_size > limit:
        raise UserError(
            f"{path}: {st.st_size / 2**20:,.0f} MiB, larger than the {limit // 2**20} MiB limit for evidence"
        )


def read_text_file(path: Path, limit: int = MAX_EVIDENCE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes (one UserError otherwise)."""
    check_regular_file(path, limit)
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise UserError(f"{path}: larger than the {limit // 2**20} MiB limit for evidence")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_json_documents(path: Path) -> list[Any]:
    """Every JSON document in ``path`` (one, or several appended); one UserError on any problem."""
    text = read_text_file(path)
    try:
        return json_objects(text)
    except RecursionError:
        raise UserError(f"{path}: not valid JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError is a ValueError
        raise UserError(f"{path}: not valid JSON: {str(exc).splitlines()[0] if str(exc) else 'empty'}") from None


@functools.lru_cache(maxsize=4)
def _first_document(path: str, mtime_ns: int, size: int) -> Any:
    docs = read_json_documents(Path(path))
    return docs[0] if docs else None


def first_json_document(path: Path) -> Any:
    """The first JSON document of ``path`` (None when empty), parsed once however many importers sniff it."""
    st = path.stat()
    return _first_document(str(path), st.st_mtime_ns, st.st_size)

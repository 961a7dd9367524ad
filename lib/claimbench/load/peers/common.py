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


SELF_CONSISTENCY_REL = 0.02
"""How far a peer file's stated rate may sit from its own totals ÷ duration before the file contradicts
itself. The tools compute the rate from the same totals and write it at full precision (vLLM and
GuideLLM 0.8.1: equal to 1e-9; AIPerf 0.13.0: 0.6 %, its duration and its rate's window differ by the
few ms between the phase start and the first request), so 2 % only ever catches edited figures."""
DURATION_SLACK_S = 0.05
"""Seconds the duration a tool divides by may differ from the one it writes (the start-up gap above);
it matters only for runs of a second or less, where 2 % of the duration is a few ms."""
CONCURRENCY_SLACK_REL = 0.02
"""The slack of :func:`claimbench.schema.evidence.check_point_physics` (rounding of written figures)."""


class SelfInconsistent(BadNumber):
    """A peer file whose own figures contradict each other: set aside, never judged."""


def rate_vs_totals(
    stated: float | None, stated_field: str, count: float | None, count_field: str, duration: float | None, unit: str
) -> str | None:
    """Why a stated rate is not the file's own ``count / duration``, or None (also when a figure is missing).

    A tool's throughput is its total over its duration; one that is not, beyond
    :data:`SELF_CONSISTENCY_REL` (and :data:`DURATION_SLACK_S` of the duration), was edited or mis-written."""
    if stated is None or count is None or duration is None or duration <= 0:
        return None
    computed = count / duration
    hi = count / max(duration - DURATION_SLACK_S, duration / 2) * (1 + SELF_CONSISTENCY_REL)
    lo = count / (duration + DURATION_SLACK_S) / (1 + SELF_CONSISTENCY_REL)
    if lo <= stated <= hi:
        return None
    return (
        f"{stated_field} {stated:,.6g} {unit} is not its own {count_field} / duration = "
        f"{count:,.6g} / {duration:,.6g} s = {computed:,.6g} {unit}"
    )


def concurrency_bound(
    output: float | None,
    output_field: str,
    concurrency: float | None,
    concurrency_field: str,
    tpot_ms: float | None,
    tpot_field: str,
    units: float = 1.0,
    per: str = "",
) -> str | None:
    """Why a stated output throughput is above what its own concurrency and mean TPOT allow, or None.

    At most ``concurrency`` requests are in flight and each emits one output token per TPOT on
    average (speculative decoding included: TPOT is per output token), so the whole run makes at
    most ``concurrency x 1000 / tpot_ms`` output tok/s; a figure per unit (per GPU) of a run over
    ``units`` units at most ``concurrency / units x 1000 / tpot_ms`` (``units`` = 1 when unknown: the
    loosest bound). The mean TPOT over requests stands for the token-weighted one (equal when the
    requests have the same lengths, as in the tools' synthetic runs); slack :data:`CONCURRENCY_SLACK_REL`."""
    if output is None or concurrency is None or tpot_ms is None or tpot_ms <= 0 or units <= 0:
        return None
    cap = concurrency / units * 1000.0 / tpot_ms
    if output <= cap * (1.0 + CONCURRENCY_SLACK_REL):
        return None
    over = f" / {units:g} GPUs" if units != 1 else ""
    return (
        f"{output_field} {output:,.6g} tok/s{per} is above its own bound {concurrency_field} {concurrency:g}{over} "
        f"x 1000 / {tpot_field} {tpot_ms:g} ms = {cap:,.6g} tok/s{per} (at most {concurrency:g} requests in "
        f"flight, each emitting one token per {tpot_ms:g} ms on average)"
    )


def bound_by_fewest_in_flight(
    values: dict, named: list[tuple[float | None, str]], output_field: str, tpot_field: str
) -> str | None:
    """:func:`concurrency_bound` at the fewest requests in flight a file states (its concurrency, its request
    count: ``named`` as (value, field)); that count also becomes ``values["batch_per_unit"]``."""
    caps = [(c, f) for c, f in named if c]
    if not caps:
        return None
    cap, field = min(caps)
    values["batch_per_unit"] = cap
    return concurrency_bound(values["output_tok_per_s"], output_field, cap, field, values["tpot_mean_ms"], tpot_field)

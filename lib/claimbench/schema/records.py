"""Typed records shared by engines, the client, the store and metrics.

Times are seconds on a monotonic clock, measured from the run's start (``run_t0``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl

# requests.parquet: one row per request (column order is the file's order)
REQUEST_SCHEMA: dict[str, str] = {
    "request_id": "str",
    "level": "int",
    "warmup": "bool",
    "scheduled_s": "float",  # when the load plan wanted it sent
    "sent_s": "float",  # when the client actually sent it (client wait = sent_s - scheduled_s)
    "first_token_s": "float",  # first streamed chunk carrying output (null if none arrived)
    "done_s": "float",  # last byte / completion / failure time
    "chunk_times_s": "list[float]",  # arrival time of every streamed chunk carrying output tokens
    "chunk_tokens": "list[int]",  # output tokens carried by each chunk (engine-side counts where known)
    "prompt_tokens": "int",
    "output_tokens": "int",  # server-reported usage where available
    "requested_output_tokens": "int",
    "token_count_source": "str",  # usage | engine | chunks | tokenize
    "token_count_note": "str",  # why the server's usage was not trusted or disagreed (null when it agreed)
    "ok": "bool",
    "error": "str",
}


@dataclass
class RequestRecord:
    """One request as measured: when it was scheduled, sent, streamed and ended, and its tokens."""

    request_id: str
    level: int
    scheduled_s: float
    sent_s: float | None = None
    first_token_s: float | None = None
    done_s: float | None = None
    chunk_times_s: list[float] = field(default_factory=list)
    chunk_tokens: list[int] = field(default_factory=list)
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    requested_output_tokens: int | None = None
    token_count_source: str | None = None
    token_count_note: str | None = None
    ok: bool = False
    error: str | None = None
    warmup: bool = False

    @classmethod
    def for_prompt(cls, level: int, prompt, scheduled_s: float, warmup: bool = False, **fields_) -> RequestRecord:
        """The record of one prompt at one level, before it is sent (id ``L<level>-<m|w><index>``)."""
        return cls(
            request_id=f"L{level}-{'w' if warmup else 'm'}{prompt.index}",
            level=level,
            scheduled_s=scheduled_s,
            warmup=warmup,
            prompt_tokens=len(prompt.token_ids),
            requested_output_tokens=prompt.output_len,
            **fields_,
        )

    def as_row(self) -> dict[str, Any]:
        """The record as a requests.parquet row."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class LoadLevel:
    """One level of a load plan: closed-loop concurrency or open-loop arrival rate.

    ``request_rate`` is requests per second (``math.inf`` = all at once); ``burstiness`` is the
    gamma shape (1.0 = Poisson). Closed-loop streams start together, or spread evenly over
    ``ramp_s`` seconds (a steady state without the burst of simultaneous first requests).
    """

    level: int
    concurrency: int | None = None
    request_rate: float | None = None
    burstiness: float = 1.0
    num_prompts: int = 0
    duration_s: float | None = None
    warmup_prompts: int = 0
    ramp_s: float = 0.0  # closed loop: stream i starts at i/concurrency * ramp_s (0 = all at once)

    @property
    def kind(self) -> str:
        """``closed`` (concurrency) or ``open`` (arrival rate) loop."""
        return "closed" if self.concurrency is not None else "open"

    def label(self) -> str:
        """The level as a short label (``concurrency=4``, ``rate=2/s``)."""
        if self.concurrency is not None:
            return f"concurrency={self.concurrency}"
        rate = "inf" if self.request_rate is None or math.isinf(self.request_rate) else f"{self.request_rate:g}"
        return f"rate={rate}/s"

    def as_dict(self) -> dict[str, Any]:
        """The level for the manifest (an infinite rate written as ``"inf"``)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        if d["request_rate"] is not None and math.isinf(d["request_rate"]):
            d["request_rate"] = "inf"
        return d


SCHEMA_VERSION = 1
"""Version of the run bundle layout (manifest ``schema_version``)."""

_POLARS_TYPES: dict[str, pl.DataType | type[pl.DataType]] = {
    "str": pl.String,
    "int": pl.Int64,
    "float": pl.Float64,
    "bool": pl.Boolean,
    "list[float]": pl.List(pl.Float64),
    "list[int]": pl.List(pl.Int64),
}
REQUESTS_POLARS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    name: _POLARS_TYPES[kind] for name, kind in REQUEST_SCHEMA.items()
}

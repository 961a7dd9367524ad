"""Hand-built request timelines for metric tests (times in seconds)."""

from __future__ import annotations

import polars as pl

from claimbench.measurement.store import requests_frame
from claimbench.schema.records import RequestRecord


def req(
    rid,
    level=0,
    sent=0.0,
    first=None,
    done=None,
    chunks=None,
    out=None,
    want=None,
    ok=True,
    error=None,
    prompt=10,
    warmup=False,
    scheduled=None,
) -> RequestRecord:
    chunks = chunks if chunks is not None else ([] if first is None else [first])
    return RequestRecord(
        request_id=rid,
        level=level,
        scheduled_s=sent if scheduled is None else scheduled,
        sent_s=sent,
        first_token_s=first,
        done_s=done,
        chunk_times_s=chunks,
        chunk_tokens=[1] * len(chunks),
        prompt_tokens=prompt,
        output_tokens=out,
        requested_output_tokens=want if want is not None else out,
        token_count_source="usage",
        ok=ok,
        error=error,
        warmup=warmup,
    )


def frame(*records: RequestRecord) -> pl.DataFrame:
    return requests_frame(records)


def levels(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        {"level": [r[0] for r in rows], "concurrency": [r[1] for r in rows], "request_rate": [r[2] for r in rows]},
        schema={"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64},
    )

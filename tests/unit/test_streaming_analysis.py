"""Streaming, bounded-memory summaries equal the in-memory summary of the same rows."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from claimbench.analyze.metrics import summarize
from claimbench.analyze.streaming import order_key, summarize_batches
from claimbench.load.parts import request_batches, request_part_paths
from claimbench.schema.records import REQUESTS_POLARS_SCHEMA


def _runs(n: int, seed: int = 0) -> pl.DataFrame:
    """Requests of 3 levels with jittered chunk times, some failed, some warmup, a 1-chunk one."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        k = int(rng.integers(1, 12))
        sent = float(rng.uniform(0, 10))
        first = sent + float(rng.lognormal(-3, 0.5))
        chunks = list(first + np.cumsum(np.concatenate([[0.0], rng.exponential(0.02, k - 1)])))
        ok = bool(rng.random() > 0.1)
        rows.append(
            {
                "request_id": f"r{i}",
                "level": i % 3,
                "warmup": i % 17 == 0,
                "scheduled_s": sent,
                "sent_s": sent,
                "first_token_s": first if ok else None,
                "done_s": chunks[-1],
                "chunk_times_s": chunks,
                "chunk_tokens": [1] * k,
                "prompt_tokens": 8,
                "output_tokens": k,
                "requested_output_tokens": k,
                "token_count_source": "usage",
                "ok": ok,
                "error": None if ok else "x",
            }
        )
    return pl.DataFrame(rows, schema=REQUESTS_POLARS_SCHEMA)


LEVELS = pl.DataFrame({"level": [0, 1, 2, 3], "concurrency": [1, 2, 4, 8], "request_rate": [None] * 4})


@pytest.mark.parametrize("method", ["linear", "nearest_rank"])
@pytest.mark.parametrize("slos", [None, {"itl_max_ms": 60.0, "tpot_ms": 30.0}])
def test_a_summary_streamed_in_batches_equals_the_in_memory_summary(method, slos):
    df = _runs(700)
    expected = summarize(df, LEVELS, slos, method)
    got = summarize_batches(lambda: (df.slice(o, 64) for o in range(0, df.height, 64)), LEVELS, slos, method)
    assert got.columns == expected.columns
    for e, g in zip(expected.to_dicts(), got.to_dicts()):
        for col, ev in e.items():
            gv = g[col]
            if ev is None or (isinstance(ev, float) and math.isnan(ev)):
                assert gv is None or math.isnan(gv), col
            elif col.startswith("itl_p"):
                assert gv == ev, col  # exact order statistics
            else:
                assert gv == pytest.approx(ev, rel=1e-12), col  # means: summation order only


def test_the_order_key_sorts_floats_like_their_values():
    x = np.array([3.5, -0.0, 0.0, -2.0, 1e-300, 7e10, -1e-5])
    assert list(np.argsort(order_key(x), kind="stable")) == list(np.argsort(x, kind="stable"))


def test_batches_read_back_every_row_of_every_part(tmp_path):
    df = _runs(50)
    (tmp_path / "requests").mkdir()
    df.slice(0, 20).write_parquet(tmp_path / "requests" / "level-0.parquet")
    df.slice(20).write_parquet(tmp_path / "requests" / "level-1.parquet")
    paths = request_part_paths(tmp_path)
    batches = list(request_batches(paths, batch_rows=7)())
    assert [b.height for b in batches] == [7, 7, 6, 7, 7, 7, 7, 2]
    assert pl.concat(batches)["request_id"].to_list() == df["request_id"].to_list()


def test_a_level_without_requests_keeps_null_itl():
    df = _runs(30).filter(pl.col("level") != 2)
    got = summarize_batches(lambda: iter([df]), LEVELS, None, "linear").to_dicts()
    assert got[2]["itl_p50_ms"] is None and got[3]["n_ok"] == 0


def test_a_folder_without_request_parts_is_a_user_error_naming_it(tmp_path):
    from claimbench.errors import UserError

    with pytest.raises(UserError, match="no request parquet files"):
        request_part_paths(tmp_path)
    with pytest.raises(UserError, match="no such bundle"):
        request_part_paths(tmp_path / "missing")

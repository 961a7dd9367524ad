import polars as pl
import pytest

from claimbench.analyze.metrics import request_metrics
from claimbench.load.bundles import read_bundle


def test_serve_starts_vllm_and_writes_a_complete_bundle_with_its_log(serve_bundle):
    b = read_bundle(serve_bundle)
    assert b.manifest["status"] == "complete" and b.manifest["engine"]["name"] == "serve"
    assert b.manifest["engine"]["server"]["ready_s"] > 0
    assert (serve_bundle / "server.log").stat().st_size > 0
    assert b.summary["concurrency"].to_list() == [1, 4]


def test_served_requests_have_exact_lengths_and_ordered_times(serve_bundle):
    r = request_metrics(read_bundle(serve_bundle).requests.filter(~pl.col("warmup")))
    assert r["ok"].all() and r["output_tokens"].to_list() == [32] * r.height
    assert (r["token_count_source"] == "usage").all()
    # each socket read is stamped once on arrival: a response that arrived in one read (a loaded host,
    # vLLM flushing in a burst) has its first token and its end in the same read, so TTFT = E2EL there
    assert (r["ttft_ms"] <= r["e2el_ms"]).all() and (r["ttft_ms"] > 0).all()
    assert (r["chunk_tokens"].list.sum() == r["output_tokens"]).all()


def test_tpot_is_consistent_with_the_chunk_times(serve_bundle):
    # On 2 shared cores vLLM's API server often flushes a request's tokens in one burst, so the chunk
    # gaps themselves vary from ~0 to the full decode time; what must hold is the bookkeeping: the
    # first chunk is the first token, chunks are ordered and end by done_s, and TPOT spans exactly
    # first token -> done over n-1 tokens, so it is never smaller than the chunks' own span.
    r = request_metrics(read_bundle(serve_bundle).requests.filter(~pl.col("warmup")))
    for row in r.iter_rows(named=True):
        chunks, n = row["chunk_times_s"], row["output_tokens"]
        assert chunks == sorted(chunks) and chunks[0] == row["first_token_s"] and chunks[-1] <= row["done_s"]
        assert row["tpot_ms"] == pytest.approx((row["done_s"] - row["first_token_s"]) * 1000 / (n - 1))
        assert row["tpot_ms"] * (n - 1) >= (chunks[-1] - chunks[0]) * 1000 - 1e-6
        assert sum(row["itl_ms"]) == pytest.approx((chunks[-1] - chunks[0]) * 1000)


def test_goodput_never_exceeds_the_request_rate(serve_bundle):
    for row in read_bundle(serve_bundle).summary.to_dicts():
        assert row["goodput_req_per_s"] <= row["request_per_s"] + 1e-9


def test_no_vllm_process_is_left_behind(serve_bundle):
    from cli_helpers import SERVE_RUN_ENV, all_marked_processes_end

    assert all_marked_processes_end(SERVE_RUN_ENV) == set()  # by PID: the CLI, vllm serve, its engine core

import math

import polars as pl
import pytest
from timelines import frame, levels, req

from claimbench.analyze.metrics import SUMMARY_COLUMNS, percentile, request_metrics, summarize

# Two ok requests and one failure at level 0:
#  a: sent 0.0, first 0.1, chunks 0.1/0.3/0.5, done 0.5, 3 tokens -> TTFT 100, TPOT (0.5-0.1)/2 = 200, E2EL 500, ITL 200, 200
#  b: sent 0.2, first 0.3, chunks 0.3/0.4,  done 0.4, 2 tokens -> TTFT 100, TPOT 100, E2EL 200, ITL 100
#  c: failed at 1.0 (counts in wall time, not in latencies)
A = req("a", sent=0.0, first=0.1, done=0.5, chunks=[0.1, 0.3, 0.5], out=3)
B = req("b", sent=0.2, first=0.3, done=0.4, chunks=[0.3, 0.4], out=2)
C = req("c", sent=0.2, done=1.0, out=None, want=3, ok=False, error="HTTP 500")


def one(summary: pl.DataFrame, level: int = 0) -> dict:
    return summary.filter(pl.col("level") == level).to_dicts()[0]


def test_ttft_tpot_e2el_follow_their_definitions_per_request():
    m = request_metrics(frame(A, B)).to_dicts()
    assert m[0]["ttft_ms"] == pytest.approx(100)
    assert m[0]["tpot_ms"] == pytest.approx(200)
    assert m[0]["e2el_ms"] == pytest.approx(500)
    assert m[0]["itl_ms"] == pytest.approx([200, 200])
    assert m[1]["tpot_ms"] == pytest.approx(100)


def test_tpot_is_null_for_a_one_token_output():
    m = request_metrics(frame(req("x", sent=0, first=0.1, done=0.1, out=1))).to_dicts()[0]
    assert m["tpot_ms"] is None
    assert m["interactivity_tok_per_s_per_user"] is None


def test_failed_requests_have_no_latency_metrics():
    m = request_metrics(frame(C)).to_dicts()[0]
    assert m["ttft_ms"] is None and m["e2el_ms"] is None and m["tpot_ms"] is None


def test_level_throughput_uses_wall_time_from_first_send_to_last_done():
    s = one(summarize(frame(A, B, C), levels((0, 2, None))))
    assert s["duration_s"] == pytest.approx(1.0)  # failed request c ends the level at 1.0
    assert s["n_ok"] == 2 and s["n_failed"] == 1
    assert s["output_tok_per_s"] == pytest.approx(5.0)  # (3 + 2) / 1.0, failed tokens excluded
    assert s["total_tok_per_s"] == pytest.approx(25.0)  # + 2 * 10 prompt tokens
    assert s["request_per_s"] == pytest.approx(2.0)


def test_itl_is_pooled_over_all_gaps_of_all_requests():
    s = one(summarize(frame(A, B), levels((0, 2, None))))
    assert s["itl_mean_ms"] == pytest.approx((200 + 200 + 100) / 3)
    assert s["itl_p50_ms"] == pytest.approx(200)


def test_goodput_counts_ok_requests_meeting_every_slo():
    s = one(summarize(frame(A, B, C), levels((0, 2, None)), slos={"tpot_ms": 150}))
    assert s["goodput_req_per_s"] == pytest.approx(1.0)  # only b meets TPOT <= 150, over 1.0 s
    s2 = one(summarize(frame(A, B, C), levels((0, 2, None)), slos={"tpot_ms": 150, "ttft_ms": 50}))
    assert s2["goodput_req_per_s"] == pytest.approx(0.0)


def test_goodput_column_only_appears_with_slos():
    assert "goodput_req_per_s" not in summarize(frame(A), levels((0, 1, None))).columns


def test_a_one_token_request_does_not_violate_a_tpot_slo():
    s = one(summarize(frame(req("x", sent=0, first=0.1, done=0.2, out=1)), levels((0, 1, None)), slos={"tpot_ms": 1}))
    assert s["goodput_req_per_s"] == pytest.approx(5.0)


def test_an_empty_level_is_null_never_zero():
    s = one(summarize(frame(A), levels((0, 1, None), (1, 8, None))), level=1)
    assert s["n_ok"] == 0
    for col in ("duration_s", "output_tok_per_s", "request_per_s", "ttft_p50_ms", "tpot_mean_ms", "itl_p99_ms"):
        assert s[col] is None, col


def test_a_level_where_everything_failed_has_null_throughput_and_latency():
    s = one(summarize(frame(C), levels((0, 1, None))))
    assert s["n_failed"] == 1
    assert s["output_tok_per_s"] is None and s["ttft_p50_ms"] is None
    assert s["request_per_s"] == 0.0  # measured: zero successes over a real wall time


def test_warmup_requests_are_excluded_from_every_metric():
    w = req("w", sent=0.0, first=5.0, done=9.0, out=3, warmup=True)
    s = one(summarize(frame(w, A), levels((0, 1, None))))
    assert s["n_ok"] == 1 and s["duration_s"] == pytest.approx(0.5) and s["ttft_p99_ms"] == pytest.approx(100)


def test_short_outputs_are_counted_by_the_audit():
    short = req("s", sent=0, first=0.1, done=0.2, chunks=[0.1, 0.2], out=2, want=5)
    assert one(summarize(frame(short, A), levels((0, 1, None))))["n_short_outputs"] == 1


def test_summary_has_every_documented_column_in_order():
    s = summarize(frame(A), levels((0, 1, None)), slos={"ttft_ms": 1000})
    assert s.columns == list(SUMMARY_COLUMNS)


def test_linear_percentile_interpolates_between_closest_ranks():
    assert percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert percentile([10, 20, 30, 40, 50], 90) == pytest.approx(46.0)


def test_nearest_rank_percentile_takes_the_ceil_q_n_th_value():
    assert percentile([1, 2, 3, 4], 50, "nearest_rank") == 2
    assert percentile([10, 20, 30, 40, 50], 90, "nearest_rank") == 50
    assert percentile(list(range(1, 101)), 99, "nearest_rank") == 99


def test_percentile_of_nothing_is_none():
    assert percentile([], 50) is None
    assert percentile([None, float("nan")], 50, "nearest_rank") is None


def test_summary_percentiles_match_the_scalar_function_for_both_methods():
    recs = [req(f"r{i}", sent=0.0, first=0.001 * (i + 1) ** 1.5, done=1.0, out=4) for i in range(37)]
    ttfts = [1000 * 0.001 * (i + 1) ** 1.5 for i in range(37)]
    for method in ("linear", "nearest_rank"):
        s = one(summarize(frame(*recs), levels((0, 37, None)), method=method))
        for q in (50, 90, 99):
            assert s[f"ttft_p{q}_ms"] == pytest.approx(percentile(ttfts, q, method)), (method, q)


def test_unknown_percentile_method_is_rejected():
    with pytest.raises(ValueError):
        summarize(frame(A), levels((0, 1, None)), method="median-ish")


def test_peer_variants_come_from_the_same_log_under_their_own_names():
    m = request_metrics(frame(A)).to_dicts()[0]
    assert m["guidellm_tpot_ms"] == pytest.approx(500 / 3)  # includes the time to first token
    assert m["aiperf_itl_ms"] == pytest.approx(m["tpot_ms"])
    assert m["interactivity_tok_per_s_per_user"] == pytest.approx(1000 / 200)


def test_client_wait_is_the_gap_between_schedule_and_send():
    late = req("l", sent=0.25, scheduled=0.2, first=0.3, done=0.4, out=2)
    assert request_metrics(frame(late)).to_dicts()[0]["client_wait_ms"] == pytest.approx(50)
    assert math.isclose(one(summarize(frame(late), levels((0, 1, None))))["client_wait_max_ms"], 50)


def test_a_log_without_the_optional_columns_still_gives_the_core_metrics():
    minimal = pl.DataFrame(
        {
            "request_id": ["a"],
            "level": [0],
            "ok": [True],
            "sent_s": [0.0],
            "first_token_s": [0.1],
            "done_s": [0.5],
            "output_tokens": [3],
        }
    )
    m = request_metrics(minimal).to_dicts()[0]
    assert m["ttft_ms"] == pytest.approx(100) and m["tpot_ms"] == pytest.approx(200)
    assert m["itl_ms"] is None and m["client_wait_ms"] is None

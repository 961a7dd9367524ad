"""The multi-process client against the mock server: records merged, ids unique, same clock."""

import time

from claimbench.measurement.client import ClientConfig
from claimbench.measurement.client_pool import ClientPool, split_streams
from claimbench.measurement.mockserver import start_mock_server
from claimbench.measurement.workload import WorkloadSpec, make_prompts
from claimbench.schema.records import LoadLevel

SPEC = WorkloadSpec(input_len=8, output_len=8, num_prompts=12, seed=0, vocab_size=1000)


def test_split_streams_is_even_and_never_empty():
    assert split_streams(8, 3) == [3, 3, 2]
    assert split_streams(2, 4) == [1, 1]
    assert split_streams(1, 1) == [1]


def test_a_pool_runs_closed_and_open_levels_with_server_matched_timestamps():
    with start_mock_server(ttft_ms=5, gap_ms=2) as server, ClientPool(2, loop="asyncio") as pool:
        cfg = ClientConfig(base_url=server.base_url, model="mock-model", request_timeout_s=30)
        prompts = make_prompts(SPEC)
        t0 = time.monotonic()
        recs, done = [], []
        pool.run_level(cfg, LoadLevel(0, concurrency=4), prompts, t0, recs, on_request_done=done.append, timeout_s=60)
        assert len(recs) == 12 and len(done) == 12 and len({r.request_id for r in recs}) == 12
        assert all(r.ok and r.output_tokens == 8 and len(r.chunk_times_s) == 8 for r in recs)
        truth = {t["request_id"]: t for t in server.stats()["records"]}
        for r in recs:  # one clock (a per-process offset would be off by far more than 5 ms)
            assert truth[r.request_id]["received_s"] - t0 >= r.sent_s - 0.005
            assert r.first_token_s >= truth[r.request_id]["chunk_write_s"][0] - t0 - 0.005
        open_recs = []
        pool.run_level(cfg, LoadLevel(1, request_rate=100.0), prompts, time.monotonic(), open_recs, timeout_s=60)
        assert len(open_recs) == 12 and all(r.ok for r in open_recs)
        assert all(r.sent_s - r.scheduled_s < 0.5 for r in open_recs)
        ramp = []
        pool.run_level(cfg, LoadLevel(2, concurrency=4), prompts, time.monotonic(), ramp, ramp_s=0.2, timeout_s=60)
        assert len(ramp) == 12 and all(r.ok for r in ramp)
        firsts = sorted(r.sent_s for r in ramp)[:4]
        assert firsts[-1] - firsts[0] >= 0.02  # the four streams started spread over the ramp
    assert pool.describe()["processes"] == 2

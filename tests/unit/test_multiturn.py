"""Multi-turn sessions: turn-major order, prompts that extend the previous turn, prefix-cache counters."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench.measurement.multiturn import (
    MultiTurnSource,
    MultiTurnSpec,
    hit_rate,
    ordering,
    parse_prometheus_counters,
    position,
)


def spec(**kw):
    base = dict(turns=3, prefix_len=10, user_len=4, output_len=2, sessions=2, seed=1, vocab_size=100)
    return MultiTurnSpec(**{**base, **kw})


def test_prompts_are_issued_turn_major():
    assert [position(i, 2, 3) for i in range(8)] == [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2), (2, 0), (3, 0)]


def test_each_turn_extends_the_previous_turn_and_every_prompt_starts_with_the_shared_prefix():
    s = spec()
    ps = MultiTurnSource(s).make(6)
    lens = [len(p.token_ids) for p in ps]
    assert lens == [14, 14, 20, 20, 26, 26]  # 10 + 4; + 2 + 4; + 2 + 4
    for p in ps:
        assert p.token_ids[:10] == ps[0].token_ids[:10] and p.output_len == 2
    assert ps[2].token_ids[:14] == ps[0].token_ids and ps[4].token_ids[:20] == ps[2].token_ids
    assert ps[1].token_ids[10:14] != ps[0].token_ids[10:14]  # sessions differ after the prefix
    assert s.max_input_len == 26


def test_warmup_streams_share_the_prefix_but_not_the_messages():
    src = MultiTurnSource(spec())
    a, w = src.make(1)[0], src.make(1, stream=1)[0]
    assert a.token_ids[:10] == w.token_ids[:10] and a.token_ids[10:] != w.token_ids[10:]


@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 60))
def test_every_index_maps_to_one_session_and_turn(sessions, turns, index):
    session, turn = position(index, sessions, turns)
    assert 0 <= turn < turns and session >= 0
    assert (session // sessions) * sessions * turns + turn * sessions + session % sessions == index


def test_prometheus_counters_are_summed_over_labels_with_or_without_total():
    text = (
        "# HELP vllm:prefix_cache_queries_total x\n"
        'vllm:prefix_cache_queries_total{engine="0",model_name="m"} 100.0\n'
        'vllm:prefix_cache_queries_total{engine="1",model_name="m"} 28.0\n'
        "vllm:prefix_cache_hits 64\n"
        "vllm:prefix_cache_hits_created 1.7e9\n"
        "vllm:external_prefix_cache_hits_total 5\n"
    )
    assert parse_prometheus_counters(text) == {"vllm:prefix_cache_queries": 128.0, "vllm:prefix_cache_hits": 64.0}


@given(st.text(max_size=200))
def test_any_metrics_text_parses_to_counters_or_nothing(text):
    out = parse_prometheus_counters(text)
    assert set(out) <= {"vllm:prefix_cache_queries", "vllm:prefix_cache_hits"}


def test_hit_rate_is_the_difference_over_the_level():
    before = {"vllm:prefix_cache_queries": 100.0, "vllm:prefix_cache_hits": 10.0}
    after = {"vllm:prefix_cache_queries": 300.0, "vllm:prefix_cache_hits": 160.0}
    assert hit_rate(before, after)["hit_rate"] == pytest.approx(0.75)
    assert hit_rate(None, after)["hit_rate"] is None and hit_rate(after, after)["reason"]


def test_ordering_counts_turns_sent_before_their_previous_turn_finished():
    def rec(i, sent, done):
        return SimpleNamespace(request_id=f"L0-m{i}", level=0, warmup=False, sent_s=sent, done_s=done)

    # 2 sessions, 2 turns: index 2 follows 0 (done 1.0, sent 1.5: gap 0.5); index 3 follows 1 (done 2.0, sent 1.8)
    recs = [rec(0, 0.0, 1.0), rec(1, 0.0, 2.0), rec(2, 1.5, 3.0), rec(3, 1.8, 3.5)]
    out = ordering(recs, sessions=2, turns=2)["0"]
    assert out["later_turns"] == 2 and out["sent_before_previous_turn_done"] == 1
    assert out["gap_s_min"] == pytest.approx(-0.2) and out["gap_s_p50"] == pytest.approx(0.15)


class WaveEngine:
    """Records which prompts each run_level call received; every request completes at once."""

    name = "fake"
    max_model_len = None

    def __init__(self):
        self.calls: list[list[int]] = []

    def start(self):
        pass

    def stop(self):
        pass

    def vocab_size(self):
        return None

    def describe(self):
        return {"name": "fake"}

    def run_level(self, level, prompts, run_t0, records, warmup=False, **kw):
        from claimbench.schema.records import RequestRecord

        self.calls.append([p.index for p in prompts])
        for p in prompts:
            r = RequestRecord.for_prompt(level.level, p, 0.0, warmup)
            r.sent_s, r.first_token_s, r.done_s, r.output_tokens, r.ok = 0.0, 0.1, 0.2, p.output_len, True
            records.append(r)


@pytest.mark.parametrize(("think", "calls"), [(None, [[0, 1, 2, 3, 4, 5]]), (0.0, [[0, 1], [2, 3], [4, 5]])])
def test_with_a_think_time_each_turn_runs_as_a_wave(tmp_path, think, calls):
    from claimbench.load.bundles import read_bundle
    from claimbench.measurement.runner import MeasureConfig, run_measurement
    from claimbench.measurement.workload import WorkloadSpec
    from claimbench.schema.records import LoadLevel

    source = MultiTurnSource(spec(think_time_s=think))
    cfg = MeasureConfig(
        model="m",
        model_source="m",
        workload=WorkloadSpec(input_len=26, output_len=2, num_prompts=6, seed=1, vocab_size=100),
        levels=[LoadLevel(0, concurrency=2, num_prompts=6)],
        out_dir=tmp_path,
        energy=False,
        prompt_source=source,
    )
    engine = WaveEngine()
    b = read_bundle(run_measurement(cfg, engine, {}))
    assert engine.calls == calls
    assert (
        b.manifest["multi_turn"]["think_time_s"] == think
        and b.manifest["multi_turn"]["ordering"]["0"]["later_turns"] == 4
    )
    assert b.summary["isl_requested_mean_tokens"][0] == pytest.approx((14 + 20 + 26) / 3)
    assert b.manifest["prefix_cache"]["0"]["reason"] == "counters not exposed"

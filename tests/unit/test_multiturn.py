"""Multi-turn sessions: turn-major order, prompts that extend the previous turn, prefix-cache counters."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fake_engine import EnginePlumbing
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


class WaveEngine(EnginePlumbing):
    """Records which prompts each run_level call received; every request completes at once."""

    name = "fake"

    def __init__(self):
        self.calls: list[list[int]] = []
        self.schedules: list = []

    def run_level(self, level, prompts, run_t0, records, warmup=False, **kw):
        from claimbench.schema.records import RequestRecord

        self.calls.append([p.index for p in prompts])
        self.schedules.append(getattr(prompts, "session_schedule", None))
        for p in prompts:
            r = RequestRecord.for_prompt(level.level, p, 0.0, warmup)
            r.sent_s, r.first_token_s, r.done_s, r.output_tokens, r.ok = 0.0, 0.1, 0.2, p.output_len, True
            records.append(r)


@pytest.mark.parametrize("think", [None, 0.0, 1.5])
def test_with_a_think_time_the_level_runs_once_with_a_per_session_schedule(tmp_path, think):
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
    assert engine.calls == [[0, 1, 2, 3, 4, 5]]
    (schedule,) = engine.schedules
    assert (schedule is None) == (think is None)
    if think is not None:
        assert schedule.think_time_s == think
    assert (
        b.manifest["multi_turn"]["think_time_s"] == think
        and b.manifest["multi_turn"]["ordering"]["0"]["later_turns"] == 4
    )
    assert b.summary["isl_requested_mean_tokens"][0] == pytest.approx((14 + 20 + 26) / 3)
    assert b.manifest["prefix_cache"]["0"]["reason"] == "counters not exposed"


# --- per-session think time (fake clock: the schedule never reads one) ------------------------------


def prompts_of(n):
    from claimbench.measurement.workload import Prompt

    return [Prompt(i, (5,), 1) for i in range(n)]


def test_a_session_sends_its_next_turn_after_its_own_think_time_while_others_proceed():
    from claimbench.measurement.multiturn import SessionSchedule

    # 2 sessions x 3 turns, turn-major: 0=(s0,t0) 1=(s1,t0) 2=(s0,t1) 3=(s1,t1) 4=(s0,t2) 5=(s1,t2)
    s = SessionSchedule(prompts_of(6), sessions=2, turns=3, think_time_s=1.0)
    assert [s.pop_ready(0.0).index, s.pop_ready(0.0).index, s.pop_ready(0.0)] == [0, 1, None]
    assert s.next_ready_at() is None  # both sessions wait for their answers
    s.done(0, 2.0)  # session 0's answer at t=2: it thinks until t=3
    assert s.pop_ready(2.9) is None and s.next_ready_at() == 3.0
    assert s.pop_ready(3.0).index == 2  # session 0 goes on while session 1's first turn is still in flight
    s.done(2, 4.0)
    assert s.pop_ready(5.0).index == 4  # session 0 is two turns ahead of session 1: no waves
    s.done(1, 5.5)
    assert s.pop_ready(6.4) is None and s.pop_ready(6.5).index == 3
    s.done(4, 7.0)
    s.done(3, 7.0)
    assert s.pop_ready(8.0).index == 5 and not s


def test_among_ready_sessions_the_one_ready_longest_goes_first():
    from claimbench.measurement.multiturn import SessionSchedule

    s = SessionSchedule(prompts_of(6), sessions=3, turns=2, think_time_s=0.5)
    for _ in range(3):
        s.pop_ready(0.0)
    s.done(2, 1.0)  # session 2 ready at 1.5
    s.done(0, 2.0)  # session 0 ready at 2.5
    assert [s.pop_ready(3.0).index, s.pop_ready(3.0).index] == [5, 3]  # (s2, t1) before (s0, t1)


def test_a_failed_or_unknown_request_frees_its_session_and_the_callback_is_forwarded():
    from claimbench.measurement.multiturn import SessionSchedule
    from claimbench.schema.records import RequestRecord

    s = SessionSchedule(prompts_of(4), sessions=2, turns=2, think_time_s=2.0)
    p = s.pop_ready(0.0)
    seen = []
    rec = RequestRecord.for_prompt(0, p, 0.0)
    rec.done_s, rec.ok = 1.0, False
    s.notifying(seen.append)(rec)
    assert seen == [rec] and s.next_ready_at() == float("-inf")  # session 1 has not started yet
    s.pop_ready(0.0)
    assert s.next_ready_at() == 3.0  # session 0 after its failed turn: 1.0 + 2.0
    s.done(None, 9.0)  # a request id without a prompt index changes nothing
    assert s.next_ready_at() == 3.0


def test_the_offline_admission_queue_heads_with_the_next_ready_time_since_the_level_start():
    from claimbench.measurement.multiturn import SessionQueue, SessionSchedule

    s = SessionSchedule(prompts_of(4), sessions=2, turns=2, think_time_s=1.0)
    q = SessionQueue(s, start=10.0)
    assert q[0][0] == 0.0 and q.popleft()[1].index == 0 and q.popleft()[1].index == 1
    assert q[0][0] == float("inf")  # every session with turns left is waiting for its answer
    s.done(1, 12.0)
    assert q[0][0] == 3.0 and q.popleft()[1].index == 3  # ready at 13.0 = 3.0 after the level start
    q.clear()
    assert not q


def test_a_simulated_closed_loop_spaces_every_sessions_turns_by_at_least_the_think_time():
    """4 sessions x 3 turns, 2 in flight, each answer takes 0.4 s, think time 1 s: an event simulation."""
    import heapq

    from claimbench.measurement.multiturn import SessionSchedule

    s = SessionSchedule(prompts_of(12), sessions=4, turns=3, think_time_s=1.0)
    now, running, sent, done = 0.0, [], {}, {}
    while s or running:
        while len(running) < 2 and (p := s.pop_ready(now)) is not None:
            sent[p.index] = now
            heapq.heappush(running, (now + 0.4, p.index))
        at = s.next_ready_at()
        candidates = [running[0][0]] if running else []
        if at is not None and len(running) < 2:
            candidates.append(at)
        now = max(now, min(candidates))
        while running and running[0][0] <= now:
            t, i = heapq.heappop(running)
            done[i] = t
            s.done(i, t)
    for i in range(4, 12):  # every later turn: after its own previous turn's answer + 1 s
        assert sent[i] >= done[i - 4] + 1.0 - 1e-9
    assert sent[2] == pytest.approx(0.4) and sent[3] == pytest.approx(0.4)  # sessions 2, 3 start while 0, 1 think


def test_the_served_dispatcher_sends_every_turn_when_answers_arrive_together(monkeypatch):
    """Two answers arriving in the same loop turn must not leave the dispatcher waiting forever (a task's
    done callback runs after the dispatcher resumes: in-flight requests are counted by the dispatcher)."""
    import asyncio
    import contextlib
    import time

    from claimbench.measurement import sessions
    from claimbench.measurement.multiturn import ScheduledPrompts, SessionSchedule
    from claimbench.schema.records import LoadLevel

    async def fake_send(session, cfg, prompt, rec, run_t0):
        rec.sent_s = time.monotonic() - run_t0
        await session.wait()  # every request in flight is answered at the same moment
        rec.done_s, rec.ok = time.monotonic() - run_t0, True

    class Together:
        def __init__(self):
            self.event = asyncio.Event()

        async def wait(self):
            await asyncio.sleep(0)
            await asyncio.sleep(0)

    @contextlib.asynccontextmanager
    async def fake_session(limit):
        yield Together()

    monkeypatch.setattr(sessions, "send_one", fake_send)
    monkeypatch.setattr(sessions, "make_session", fake_session)
    prompts = prompts_of(12)
    batch = ScheduledPrompts(prompts, SessionSchedule(prompts, sessions=4, turns=3, think_time_s=0.01))
    records: list = []
    coro = sessions.run_sessions_async(None, LoadLevel(0, concurrency=2, num_prompts=12), batch, 0.0, records)
    asyncio.run(asyncio.wait_for(coro, timeout=600))  # the bound only turns a hang into a failure
    assert sorted(int(r.request_id.split("m")[1]) for r in records) == list(range(12))
    by = {int(r.request_id.split("m")[1]): r for r in records}
    assert all(by[i].sent_s >= by[i - 4].done_s + 0.01 - 1e-9 for i in range(4, 12))

"""The measurement's progress hook: O(1) per request, figures computed by hand, the busy-host line,
and the live display drawn with rich on a terminal stream (a no-op elsewhere)."""

from __future__ import annotations

import io

from fake_engine import EnginePlumbing

from claimbench.measurement.progress import LevelStats, Progress, busy_host_message, host_load
from claimbench.schema.records import RequestRecord


def _rec(sent, first, done, n, ok=True):
    return RequestRecord(
        request_id="r", level=0, scheduled_s=0.0, sent_s=sent, first_token_s=first, done_s=done, output_tokens=n, ok=ok
    )


def test_level_figures_are_counts_and_running_medians_of_finished_requests():
    s = LevelStats("concurrency=2", 4)
    s.add(_rec(0.0, 0.010, 0.110, 11))  # TTFT 10 ms, TPOT (100 ms / 10) = 10 ms
    s.add(_rec(0.0, 0.030, 0.070, 5))  # TTFT 30 ms, TPOT (40 ms / 4) = 10 ms
    s.add(_rec(0.0, 0.020, 0.020, 1))  # one token: TTFT 20 ms, no TPOT
    s.add(_rec(0.0, None, 0.5, 0, ok=False))
    assert (s.done, s.failed, s.output_tokens) == (4, 1, 17)
    assert s.ttft_ms == [10.0, 30.0, 20.0] and [round(x, 9) for x in s.tpot_ms] == [10.0, 10.0]
    text = s.figures()
    assert "TTFT p50 20.0 ms" in text and "TPOT p50 10.00 ms" in text


def test_a_bool_from_an_older_caller_is_counted_too():
    s = LevelStats("x", 2)
    s.add(True)
    s.add(False)
    assert (s.done, s.failed) == (2, 1) and s.eta_s() is not None


def test_eta_is_unknown_before_the_first_request_ends():
    assert LevelStats("x", 10).eta_s() is None


def test_the_display_draws_phase_and_level_on_a_terminal_stream():
    out = io.StringIO()
    p = Progress(enabled=True, stream=out)
    p.phase("engine start-up (HttpEngine)")
    p.phase_done()
    p.start_level("concurrency=1", 1)
    p.request_done(_rec(0.0, 0.01, 0.02, 2))
    p.end_level()
    text = out.getvalue()
    assert "✓ engine start-up (HttpEngine)" in text and "concurrency=1" in text and "1/1" in text
    assert "TTFT p50 10.0 ms" in text


def test_the_display_is_silent_when_disabled():
    out = io.StringIO()
    p = Progress(enabled=False, stream=out)
    p.phase("x")
    p.phase_done()
    p.start_level("l", 1)
    p.request_done(True)
    p.end_level()
    p.message("hello")
    assert out.getvalue() == ""


def test_a_busy_host_is_one_line_naming_the_load_and_the_manifest_key():
    assert busy_host_message({"busy": False}) is None
    line = busy_host_message({"busy": True, "load_avg_1m": 9.5, "cpu_count": 2})
    assert line is not None and "9.5 on 2 cores" in line and "host_load" in line
    load = host_load()
    assert set(load) == {"load_avg_1m", "load_avg_5m", "load_avg_15m", "cpu_count", "busy"}


def test_report_steps_are_one_line_each_with_their_time_when_stderr_is_not_a_terminal(capsys):
    from claimbench.cli.report import _StepDisplay

    with _StepDisplay() as display:
        display.log("02_analyze: running")
        display.log("02_analyze: ok in 12.3 s")
    err = capsys.readouterr().err
    assert "report: 02_analyze: ok in 12.3 s" in err and "Kernel is running" not in err


class _Recorder:
    """A ProgressHook that writes down what the runner calls, in order."""

    def __init__(self):
        self.calls: list[tuple] = []

    def phase(self, text):
        self.calls.append(("phase", text))

    def phase_done(self, ok=True):
        self.calls.append(("phase_done", ok))

    def start_level(self, label, total):
        self.calls.append(("start_level", label, total))

    def request_done(self, record):
        self.calls.append(("request_done", type(record).__name__))

    def end_level(self):
        self.calls.append(("end_level",))

    def message(self, text):
        self.calls.append(("message", text))


class _StreamingEngine(EnginePlumbing):
    def run_level(self, level, prompts, run_t0, records, on_request_done=None, **kw):
        for i, _ in enumerate(prompts):
            r = RequestRecord(request_id=f"{level.level}-{i}", level=level.level, scheduled_s=0.0, sent_s=0.0,
                              first_token_s=0.01, done_s=0.02, output_tokens=2, ok=True)  # fmt: skip
            records.append(r)
            if on_request_done:
                on_request_done(r)


def test_the_runner_calls_the_hook_at_engine_start_level_start_each_request_and_level_end(tmp_path):
    from claimbench.measurement.runner import MeasureConfig, run_measurement
    from claimbench.measurement.workload import WorkloadSpec
    from claimbench.schema.records import LoadLevel

    spec = WorkloadSpec(input_len=4, output_len=4, num_prompts=2, seed=0, vocab_size=100)
    cfg = MeasureConfig(model="m", model_source="m", workload=spec, levels=[LoadLevel(0, concurrency=1, num_prompts=2)],
                        out_dir=tmp_path, energy=False)  # fmt: skip
    hook = _Recorder()
    run_measurement(cfg, _StreamingEngine(), {}, hook)
    names = [c[0] for c in hook.calls]
    assert names[:2] == ["phase", "phase_done"] and hook.calls[0][1].startswith("engine start-up")
    level = names[2:]
    assert level[0] == "start_level" and level.count("request_done") == 2 and "end_level" in level
    assert ("request_done", "RequestRecord") in hook.calls  # the record itself: TTFT/TPOT for the display

"""Fault suite: the streaming client against a hostile server (malformed events, giant lines,
stalls, absurd usage, echoed secrets, odd /v1/models). A bad event fails its request with the
reason; the sweep goes on; no exception escapes; no secret is written."""

import time
from pathlib import Path

import pytest

from claimbench.cli import main
from claimbench.errors import UserError
from claimbench.load.bundles import read_bundle
from claimbench.measurement.client import BadEvent, parse_event, reconcile_tokens
from claimbench.measurement.engines.http import HttpEngine, HttpEngineConfig
from claimbench.measurement.mockserver import start_mock_server
from claimbench.measurement.workload import WorkloadSpec, make_prompts
from claimbench.schema.records import LoadLevel, RequestRecord

SPEC = WorkloadSpec(input_len=8, output_len=6, num_prompts=4, seed=0, vocab_size=1000)


def run_hostile(timeout_s=30.0, max_line=None, **server):
    with start_mock_server(ttft_ms=1, gap_ms=1, **server) as srv:
        e = HttpEngine(HttpEngineConfig(), model="mock-model", base_url=srv.base_url)
        e.start()
        try:
            if max_line:
                e.client.max_line_bytes = max_line
            records = []
            e.run_level(
                LoadLevel(0, concurrency=1), make_prompts(SPEC), time.monotonic(), records, request_timeout_s=timeout_s
            )
        finally:
            e.stop()
    return records


@pytest.mark.parametrize(
    "mode,reason,extra",
    [
        ("bad_choice", "choices[0] is a str, not an object", {}),
        ("not_json", "unparseable stream event", {}),
        ("giant_line", "stream line longer than 65,536 bytes", {"giant_line_bytes": 200_000}),
        ("stall", "timeout after 1 s", {"stall_s": 30}),
    ],
)
def test_a_hostile_event_fails_only_its_own_request_and_the_level_goes_on(mode, reason, extra):
    kw = {"max_line": 65536} if mode == "giant_line" else {}
    recs = run_hostile(timeout_s=1.0 if mode == "stall" else 30.0, hostile=mode, hostile_every=2, **extra, **kw)
    assert len(recs) == 4
    ok = [r for r in recs if r.ok]
    bad = [r for r in recs if not r.ok]
    assert len(ok) == 2 and all(r.output_tokens == 6 for r in ok)  # requests 1 and 3 are normal
    assert len(bad) == 2 and all(reason in r.error for r in bad), [r.error for r in bad]


def test_absurd_usage_is_replaced_by_the_client_count_and_flagged():
    recs = run_hostile(hostile="absurd_usage")
    assert all(r.ok for r in recs)
    # usage said 1e12 output tokens (and -5 prompt tokens): 6 chunks carried output, 6 were asked
    assert [r.output_tokens for r in recs] == [6] * 4
    assert [r.prompt_tokens for r in recs] == [8] * 4
    assert all(r.token_count_source == "chunks" for r in recs)
    assert all("usage completion_tokens" in r.token_count_note or "1000000000000" in r.token_count_note for r in recs)


def test_usage_of_three_times_the_requested_length_is_flagged_and_not_trusted():
    recs = run_hostile(hostile="triple_usage")
    assert [r.output_tokens for r in recs] == [6] * 4
    assert all("usage reports 18 output tokens, more than the 6 requested" in r.token_count_note for r in recs)


def test_a_models_answer_that_is_a_list_is_one_line():
    with start_mock_server(hostile="list_models") as srv:
        e = HttpEngine(HttpEngineConfig(), model="mock-model", base_url=srv.base_url)
        with pytest.raises(UserError, match=r"/v1/models answered list, not an OpenAI model list"):
            e.start()
        e.stop()


def test_a_planted_api_key_echoed_by_the_server_appears_in_no_written_file(tmp_path, monkeypatch, capsys):
    secret = "sk-planted-4f1c9e2b7d"
    monkeypatch.setenv("CLAIMBENCH_TEST_KEY", secret)
    out = tmp_path / "runs"
    with start_mock_server(ttft_ms=1, gap_ms=1, require_api_key=secret, hostile="echo_auth", hostile_every=2) as srv:
        code = main(
            [
                "measure", "--engine", "endpoint", "--base-url", srv.base_url, "--api-key-env", "CLAIMBENCH_TEST_KEY",
                "--concurrency", "1,2", "--num-prompts", "4", "--input-len", "4", "--output-len", "3",
                "--calibrate", "never", "--out", str(out),
            ]
        )  # fmt: skip
    assert code == 0
    bundle = Path(capsys.readouterr().out.strip().splitlines()[-1])
    errors = [e for e in read_bundle(bundle).requests["error"].to_list() if e]
    assert len(errors) == 4 and all("Authorization: ***" in e for e in errors)  # the echo was there, redacted
    written = [f for f in tmp_path.rglob("*") if f.is_file()]
    assert {f.name for f in written} >= {"manifest.json", "requests.parquet", "summary.parquet"}
    for f in written:
        assert secret.encode() not in f.read_bytes(), f


# ------------------------------------------------------------------ parse_event / reconcile_tokens
@pytest.mark.parametrize(
    "payload,reason",
    [
        (b"[1, 2]", "stream event is a JSON list, not an object"),
        (b'{"choices": {"text": "a"}}', "choices is a dict, not a list"),
        (b'{"choices": [{"text": 5}]}', "choices[0].text is not a string"),
        (b'{"choices": [{"delta": "x"}]}', "choices[0].delta is not an object"),
        (b'{"usage": [1]}', "usage is a list, not an object"),
        (b"[" * 200_000, "nested too deeply"),
    ],
)
def test_malformed_events_are_rejected_with_the_reason(payload, reason):
    with pytest.raises(BadEvent, match=reason.replace("[", r"\[").replace(".", r"\.")):
        parse_event(payload)


def record(n_chunks, requested=10, chunk_tokens=None):
    r = RequestRecord("r", 0, 0.0, requested_output_tokens=requested, prompt_tokens=8)
    r.chunk_times_s = [0.1 * i for i in range(n_chunks)]
    r.chunk_tokens = chunk_tokens if chunk_tokens is not None else [1] * n_chunks
    return r


def test_usage_that_agrees_is_used_and_not_flagged():
    r = record(5)
    reconcile_tokens(r, {"completion_tokens": 10, "prompt_tokens": 8}, 8, "completions")  # 2 tokens per chunk
    assert (r.output_tokens, r.token_count_source, r.token_count_note) == (10, "usage", None)


def test_usage_below_the_chunk_count_loses_to_the_client():
    r = record(7)
    reconcile_tokens(r, {"completion_tokens": 3}, 8, "completions")
    assert r.output_tokens == 7 and r.token_count_source == "chunks"
    assert r.token_count_note == "usage reports 3 output tokens but 7 chunks carried output: counted 7 from the chunks"


def test_non_count_usage_values_are_noted_and_the_client_count_kept():
    r = record(4, requested=4)
    reconcile_tokens(r, {"completion_tokens": 1.5, "prompt_tokens": -5}, 8, "completions")
    assert (r.output_tokens, r.prompt_tokens, r.token_count_source) == (4, 8, "chunks")
    assert r.token_count_note == (
        "usage completion_tokens 1.5 is not a count: counted 4 from the chunks; usage prompt_tokens -5 is not a count: kept 8"
    )


def test_a_prompt_count_that_differs_from_the_ids_sent_is_noted_and_the_sent_length_kept():
    r = record(10)
    reconcile_tokens(r, {"completion_tokens": 10, "prompt_tokens": 9}, 8, "completions")
    assert r.prompt_tokens == 8 and r.output_tokens == 10
    assert r.token_count_note == "usage reports 9 prompt tokens, 8 were sent: kept 8"


def test_an_unknown_hostile_mode_is_refused_and_known_ones_round_trip_to_the_command_line():
    from claimbench.measurement.mockserver import HOSTILE_MODES, MockServerOptions

    with pytest.raises(ValueError, match="invalid mock server option hostile='nope'"):
        MockServerOptions(hostile="nope")
    opts = MockServerOptions(hostile=",".join(HOSTILE_MODES), hostile_every=3, stall_s=2.5)
    assert opts.to_argv() == ["--hostile", ",".join(HOSTILE_MODES), "--hostile-every", "3", "--stall-s", "2.5"]

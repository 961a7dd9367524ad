"""The client's hot path: a typed msgspec decode that checks exactly what parse_event checks, reads
stamped once on arrival, prompts built before the level within a bound."""

import json

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimbench.measurement.client import (
    BadEvent,
    ClientConfig,
    _has_output,
    _SseReader,
    _StreamState,
    _take_lines,
    decode_event,
    encode_body,
    parse_event,
    request_body,
)
from claimbench.measurement.workload import PromptPool, PromptSet, WorkloadSpec, make_prompts, prebuilt
from claimbench.schema.records import RequestRecord

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# NaN is left out only because NaN != NaN in the comparison (both paths accept it alike)
scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=5)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["choices", "text", "delta", "content", "reasoning_content", "usage", "error", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
chunks = st.fixed_dictionaries(
    {},
    optional={
        "choices": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "text": st.none() | st.text(max_size=3) | st.integers(),
                    "delta": st.none()
                    | st.text(max_size=2)
                    | st.fixed_dictionaries({}, optional={"content": st.none() | st.text(max_size=3) | st.integers()}),
                },
            )
            | scalars,
            max_size=3,
        )
        | scalars,
        "usage": st.none()
        | st.dictionaries(st.sampled_from(["completion_tokens", "prompt_tokens"]), scalars)
        | scalars,
        "error": json_values,
    },
)


def expected(payload: bytes):
    """What the stdlib path (parse_event) makes of a payload, in decode_event's shape."""
    try:
        event = parse_event(payload)
    except BadEvent as exc:
        return ("bad", str(exc))
    err = event.get("error", msgspec.UNSET)
    return (_has_output(event), event.get("usage") or None, err, bool(event.get("choices")))


def actual(payload: bytes):
    try:
        return decode_event(payload)
    except BadEvent as exc:
        return ("bad", str(exc))


@SETTINGS
@given(st.binary(max_size=200) | json_values.map(json.dumps).map(str.encode) | chunks.map(json.dumps).map(str.encode))
def test_the_typed_decode_accepts_and_refuses_exactly_what_parse_event_does(payload):
    assert actual(payload) == expected(payload)


@pytest.mark.parametrize(
    "payload,reason",
    [
        (b'{"choices": [{"text": 5}]}', "choices[0].text is not a string"),
        (b'{"choices": ["x"]}', "choices[0] is a str, not an object"),
        (b"not json", "unparseable stream event"),
        (b"[" * 200_000, "nested too deeply"),
    ],
)
def test_a_refused_event_is_named_by_the_same_reason_as_before(payload, reason):
    with pytest.raises(BadEvent, match=reason.replace("[", r"\[").replace(".", r"\.")):
        decode_event(payload)


def test_a_completion_chunk_with_usage_is_decoded_into_output_and_usage():
    p = b'{"id":"c","choices":[{"index":0,"text":" the","logprobs":null}],"usage":{"completion_tokens":3}}'
    assert decode_event(p) == (True, {"completion_tokens": 3}, msgspec.UNSET, True)
    assert decode_event(b'{"choices":[{"delta":{"role":"assistant"}}]}')[0] is False
    assert decode_event(b'{"error": null}')[2] is None  # an error key, even null, is an error event


def test_every_event_of_one_read_gets_that_reads_arrival_time_and_a_split_line_waits_for_its_end():
    rec = RequestRecord("r", 0, 0.0)
    st_ = _StreamState()
    one = b'data: {"choices":[{"text":" a"}]}\n\ndata: {"choices":[{"text":" b"}]}\n\ndata: {"cho'
    start = _take_lines(one, 0, False, 1.5, rec, st_, False)
    assert rec.chunk_times_s == [1.5, 1.5] and one[start:] == b'data: {"cho'
    two = one[start:] + b'ices":[{"text":" c"}]}\n\ndata: [DONE]\n\n'
    _take_lines(two, 0, False, 2.0, rec, st_, False)
    assert rec.chunk_times_s == [1.5, 1.5, 2.0] and st_.done and rec.done_s == 2.0 and rec.first_token_s == 1.5


def test_continuous_usage_counts_tokens_per_chunk_from_the_usage_difference():
    rec = RequestRecord("r", 0, 0.0)
    st_ = _StreamState()
    lines = b"".join(b'data: {"choices":[{"text":"x"}],"usage":{"completion_tokens":%d}}\n\n' % n for n in (2, 3, 5))
    _take_lines(lines, 0, True, 1.0, rec, st_, True)
    assert rec.chunk_tokens == [2, 1, 2] and st_.usage == {"completion_tokens": 5}


def test_the_body_encoded_by_msgspec_is_the_json_of_the_request():
    cfg = ClientConfig(base_url="http://127.0.0.1:1", model="m", continuous_usage=True)
    (p,) = make_prompts(WorkloadSpec(input_len=5, output_len=3, num_prompts=1, seed=0, vocab_size=100))
    assert json.loads(encode_body(cfg, p)) == request_body(cfg, p) | {"prompt": list(p.token_ids)}


def test_a_pool_holds_the_same_prompts_built_up_front_within_its_token_bound():
    spec = WorkloadSpec(input_len=10, output_len=3, num_prompts=25, seed=3, vocab_size=500)
    lazy = make_prompts(spec)
    pool = lazy.pool(max_tokens=100)  # 10 prompts of 10 tokens fit
    assert isinstance(pool, PromptPool) and len(pool.built) == 10 and len(pool) == 25
    assert list(pool) == list(lazy) and pool[24] == lazy[24] and pool[-1] == lazy[24] and pool[2:4] == lazy[2:4]
    assert isinstance(prebuilt(lazy), PromptPool) and prebuilt(pool) is pool
    few = [lazy[0]]
    assert prebuilt(few) is few
    assert len(PromptSet(spec, 0).pool().built) == 0


@pytest.mark.parametrize("kind", ["asyncio", "uvloop"])
def test_a_sigterm_during_a_level_ends_it_with_keyboard_interrupt_on_either_loop(kind):
    import asyncio
    import signal

    from claimbench.measurement.client import run_interruptibly
    from claimbench.measurement.workers import new_event_loop

    if kind == "uvloop":
        pytest.importorskip("uvloop")
    loop, _ = new_event_loop(kind)

    def raise_interrupt(*_):  # what `claimbench measure` installs for SIGTERM
        raise KeyboardInterrupt

    async def level():
        signal.raise_signal(signal.SIGTERM)
        await asyncio.sleep(3600)  # cancelled by the signal, never waited for

    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        assert run_interruptibly(loop, asyncio.sleep(0, result="done")) == "done"
        with pytest.raises(KeyboardInterrupt):
            run_interruptibly(loop, level())
        assert signal.getsignal(signal.SIGTERM) is raise_interrupt  # the caller's handler is back
    finally:
        signal.signal(signal.SIGTERM, previous)
        loop.close()


def via_reader(read: bytes):
    """What one read fed to a fresh stream's reader (with its one-event fast path) leaves behind."""
    rec, st_ = RequestRecord("r", 0, 0.0), _StreamState()
    reader = _SseReader(ClientConfig(base_url="http://127.0.0.1:1", model="m"), rec, st_)
    try:
        over = reader.feed(read, 1.0, False)
    except BadEvent as exc:
        return ("bad", str(exc))
    return (over, rec.chunk_times_s, rec.chunk_tokens, rec.first_token_s, rec.done_s, st_.usage, st_.error, reader.buf)


def via_lines(read: bytes):
    """The same read through the general line splitter only."""
    rec, st_ = RequestRecord("r", 0, 0.0), _StreamState()
    try:
        start = _take_lines(read, 0, False, 1.0, rec, st_, False)
    except BadEvent as exc:
        return ("bad", str(exc))
    over = st_.done or st_.error is not None
    buf = b"" if over else read[start:]
    return (over, rec.chunk_times_s, rec.chunk_tokens, rec.first_token_s, rec.done_s, st_.usage, st_.error, buf)


events = (
    st.binary(max_size=120) | json_values.map(json.dumps).map(str.encode) | chunks.map(json.dumps).map(str.encode)
).flatmap(
    lambda p: st.sampled_from([b"data: %s\n\n", b"data:%s\n\n", b"data: %s\r\n\r\n", b"data: %s\n", b"x: %s\n\n"]).map(
        lambda f: f % p
    )
)


@SETTINGS
@given(events | st.sampled_from([b"data: [DONE]\n\n", b'data: {"choices":[{"text":" a"}]}\n\n']))
def test_a_read_of_one_event_is_recorded_exactly_as_the_general_line_splitter_records_it(read):
    assert via_reader(read) == via_lines(read)


def test_the_one_event_fast_path_records_a_plain_token_chunk_at_its_reads_time():
    assert via_reader(b'data: {"choices":[{"text":" a"}]}\n\n') == (False, [1.0], [1], 1.0, None, None, None, b"")

import math

import pytest

from claimbench.errors import UserError
from claimbench.measurement.loadgen import arrival_offsets_s, build_levels
from claimbench.measurement.options import parse_range
from claimbench.measurement.workload import (
    FIRST_ORDINARY_TOKEN_ID,
    WorkloadSpec,
    make_prompts,
    prompt_set_sha256,
)


def spec(**kw):
    base = dict(input_len=16, output_len=8, num_prompts=5, seed=3, vocab_size=100)
    return WorkloadSpec(**{**base, **kw})


def test_prompts_have_the_exact_input_length_and_avoid_special_ids():
    ps = make_prompts(spec())
    assert [len(p.token_ids) for p in ps] == [16] * 5
    assert all(FIRST_ORDINARY_TOKEN_ID <= t < 100 for p in ps for t in p.token_ids)
    assert {p.output_len for p in ps} == {8}


def test_the_same_seed_gives_the_same_prompt_set_and_hash():
    assert prompt_set_sha256(make_prompts(spec())) == prompt_set_sha256(make_prompts(spec()))
    assert prompt_set_sha256(make_prompts(spec())) != prompt_set_sha256(make_prompts(spec(seed=4)))


def test_warmup_prompts_come_from_a_separate_stream():
    assert make_prompts(spec(), stream=0)[0].token_ids != make_prompts(spec(), stream=1)[0].token_ids


def test_length_ranges_stay_within_bounds():
    ps = make_prompts(spec(num_prompts=50, input_len_range=(4, 9), output_len_range=(2, 3)))
    assert {len(p.token_ids) for p in ps} <= set(range(4, 10)) and len({len(p.token_ids) for p in ps}) > 1
    assert {p.output_len for p in ps} <= {2, 3}


def test_input_plus_output_longer_than_the_model_is_a_user_error():
    with pytest.raises(UserError, match="exceeds the model's maximum length 20"):
        spec().validate(max_model_len=20)
    spec().validate(max_model_len=24)


def test_nonpositive_lengths_are_user_errors():
    with pytest.raises(UserError, match="--output-len"):
        spec(output_len=0).validate()


def test_parse_range_rejects_garbage():
    assert parse_range("2:5", "--x") == (2, 5)
    with pytest.raises(UserError, match="--x must be LO:HI"):
        parse_range("2-5", "--x")


def test_poisson_arrivals_have_the_requested_mean_rate():
    offs = arrival_offsets_s(4000, 10.0, 1.0, seed=1)
    assert offs[0] == 0.0
    assert offs[-1] / (len(offs) - 1) == pytest.approx(0.1, rel=0.05)


def test_burstiness_changes_the_spread_not_the_mean():
    import numpy as np

    bursty = np.diff(arrival_offsets_s(4000, 10.0, 0.25, seed=1))
    regular = np.diff(arrival_offsets_s(4000, 10.0, 4.0, seed=1))
    assert bursty.mean() == pytest.approx(0.1, rel=0.1) and regular.mean() == pytest.approx(0.1, rel=0.1)
    assert bursty.std() > 2 * regular.std()


def test_infinite_rate_sends_everything_at_once():
    assert arrival_offsets_s(3, math.inf, 1.0, seed=0) == [0.0, 0.0, 0.0]


def test_levels_come_from_concurrency_or_rate_lists():
    lv = build_levels("1,8,32", None, 10)
    assert [(x.level, x.concurrency) for x in lv] == [(0, 1), (1, 8), (2, 32)]
    lv = build_levels(None, "2, inf", 10, burstiness=0.5)
    assert [x.request_rate for x in lv] == [2.0, math.inf] and lv[0].burstiness == 0.5


@pytest.mark.parametrize(
    "conc,rate,msg",
    [
        ("1,x", None, "--concurrency takes a comma-separated list of integers"),
        ("0", None, "--concurrency values must be positive"),
        (None, "-1", "--request-rate values must be positive"),
        ("1", "2", "either --concurrency or --request-rate"),
    ],
)
def test_malformed_load_options_are_user_errors(conc, rate, msg):
    with pytest.raises(UserError, match=msg):
        build_levels(conc, rate, 10)


def test_a_million_prompt_plan_costs_nothing_up_front_and_any_prompt_regenerates_alone():
    import time

    from claimbench.measurement.workload import PromptSet

    t0 = time.perf_counter()
    ps = make_prompts(spec(num_prompts=1_000_000))
    assert isinstance(ps, PromptSet) and len(ps) == 1_000_000
    assert time.perf_counter() - t0 < 0.5  # nothing generated yet (all of them: minutes)
    last = ps[999_999]
    assert last.index == 999_999 and len(last.token_ids) == 16
    assert ps[-1] == last and make_prompts(spec(num_prompts=1_000_000))[999_999] == last
    assert list(ps[:3]) == [p for p, _ in zip(ps, range(3))]  # slicing and iteration agree
    with pytest.raises(IndexError):
        ps[1_000_000]


def test_lazy_arrival_offsets_equal_the_precomputed_schedule():
    from claimbench.measurement.loadgen import iter_arrival_offsets_s

    for rate, burst in ((5.0, 1.0), (40.0, 0.3), (math.inf, 1.0)):
        eager = arrival_offsets_s(10_000, rate, burst, seed=7)
        lazy = list(iter_arrival_offsets_s(10_000, rate, burst, seed=7, block=999))
        assert lazy == pytest.approx(eager, rel=1e-12, abs=1e-12)

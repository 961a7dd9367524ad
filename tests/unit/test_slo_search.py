"""SLO search on synthetic frontiers: TPOT = a + b·c, throughput = c·1000/TPOT (tokens/s)."""

import math
import random

import pytest

from claimbench.analyze.slo_search import SLO, compare, doubling_grid, find_max_under_slo


def frontier(a=10.0, b=0.2, noise=0.0, seed=0, cap=None):
    rng = random.Random(seed)
    calls = []

    def run_level(c):
        calls.append(c)
        tpot = (a + b * c) * (1 + rng.uniform(-noise, noise))
        thr = c * 1000 / tpot
        if cap is not None:
            thr = min(thr, cap)
        return {"concurrency": c, "tpot_p50_ms": tpot, "tpot_p99_ms": tpot * 1.2, "output_tok_per_s": thr}

    run_level.calls = calls
    return run_level


def true_max(a, b, bound):
    c = math.floor((bound - a) / b)
    return c * 1000 / (a + b * c)


@pytest.mark.parametrize(
    "a,b,bound",
    [
        (10, 0.2, 50),  # crossing at c = 200
        (20, 0.05, 50),  # c = 600
        (5, 2.0, 50),  # c = 22
        (30, 0.01, 50),  # c = 2000
        (45, 0.5, 50),  # c = 10
        (2, 0.0004, 50),  # c = 120000 > cap: never violated
    ],
)
def test_converges_within_six_levels_to_five_percent(a, b, bound):
    run = frontier(a, b)
    r = find_max_under_slo(run, SLO("tpot_ms", bound), max_concurrency=4096)
    assert r.n_levels <= 6 and len(run.calls) == len(set(run.calls)) == r.n_levels
    if (bound - a) / b > 4096:
        assert r.outcome == "never_violated" and r.chosen.concurrency == 4096
        return
    assert r.converged, r.as_dict()
    assert r.chosen.meets and r.chosen.metric <= bound
    tm = true_max(a, b, bound)
    assert tm * 0.95 <= r.max_throughput <= tm * (1 + 1e-9)
    assert r.precision <= 0.05 or r.bracket[1] - r.bracket[0] <= 1
    lo, hi = r.bracket
    assert lo < hi and not r._point(hi).meets


def test_slo_unmet_even_at_concurrency_one():
    r = find_max_under_slo(frontier(60, 0.1), SLO("tpot_ms", 50))
    assert r.outcome == "slo_unmet" and r.chosen is None and r.max_throughput is None
    assert r.n_levels == 1 and r.bracket == (None, 1)


def test_slo_unmet_at_a_higher_start_walks_down():
    r = find_max_under_slo(frontier(10, 0.2), SLO("tpot_ms", 50), start=1000)
    assert r.n_levels <= 6 and r.chosen is not None and r.chosen.metric <= 50
    assert r.max_throughput >= 0.95 * true_max(10, 0.2, 50) or r.outcome == "max_levels"


def test_never_violated_up_to_the_cap_is_a_lower_bound():
    r = find_max_under_slo(frontier(1, 0.001), SLO("tpot_ms", 50), max_concurrency=300)
    assert r.outcome == "never_violated" and r.chosen.concurrency == 300
    assert r.upper_bound is None and r.precision is None and r.n_levels <= 6


@pytest.mark.parametrize("seed", range(20))
def test_noisy_non_monotone_frontier_stays_within_budget_and_reports_a_passing_level(seed):
    run = frontier(10, 0.2, noise=0.04, seed=seed)
    r = find_max_under_slo(run, SLO("tpot_ms", 50))
    assert r.n_levels <= 6
    assert r.chosen is not None and r.chosen.meets and r.chosen.metric <= 50
    assert r.outcome in ("converged", "max_levels")
    # noise of ±4 % in TPOT moves the true crossing by about as much; the answer stays close
    assert r.max_throughput >= 0.85 * true_max(10, 0.2, 50)


def test_saturating_throughput_converges_on_the_plateau():
    r = find_max_under_slo(frontier(10, 0.2, cap=3000), SLO("tpot_ms", 50))
    assert r.converged and r.max_throughput == pytest.approx(3000)


def test_percentile_picks_the_column():
    slo = SLO.parse("tpot_ms=50", percentile=99)
    assert slo.column == "tpot_p99_ms" and slo.bound == 50
    r = find_max_under_slo(frontier(10, 0.2), slo)
    assert r.chosen.row["tpot_p99_ms"] <= 50 and r.converged


def test_a_level_without_a_value_counts_as_a_violation_and_a_first_one_fails():
    def run(c):
        return {"tpot_p50_ms": None if c > 100 else 10 + 0.2 * c, "output_tok_per_s": c * 1000 / (10 + 0.2 * c)}

    r = find_max_under_slo(run, SLO("tpot_ms", 50))
    assert r.chosen.concurrency <= 100 and r.n_levels <= 6
    assert find_max_under_slo(lambda c: {}, SLO("tpot_ms", 50)).outcome == "failed"


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError):
        SLO("tpot", 50)
    with pytest.raises(ValueError):
        SLO("tpot_ms", -1)
    with pytest.raises(ValueError):
        SLO.parse("tpot_ms:50")
    with pytest.raises(ValueError):
        find_max_under_slo(frontier(), SLO("tpot_ms", 50), max_levels=1)


def test_doubling_grid_baseline_and_comparison():
    a, b, bound = 10, 0.2, 50
    grid = doubling_grid(frontier(a, b), SLO("tpot_ms", bound))
    assert [p.concurrency for p in grid.levels] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert grid.chosen.concurrency == 128 and grid.outcome == "bracketed"
    search = find_max_under_slo(frontier(a, b), SLO("tpot_ms", bound))
    cmp = compare(search, grid, true_max=true_max(a, b, bound))
    assert cmp["search"]["n_levels"] <= 6 < cmp["doubling_grid"]["n_levels"]
    assert abs(cmp["search"]["error_vs_true"]) <= 0.05 < abs(cmp["doubling_grid"]["error_vs_true"])
    d = search.as_dict()
    assert d["converged"] and d["slo"]["column"] == "tpot_p50_ms" and "row" not in d["levels"][0]


def test_a_non_monotone_frontier_is_flagged_not_passed_off_as_converged():
    # measured rows like the real tiny vLLM run: 310 broke the SLO with lower throughput than 232
    rows = {
        1: (9.5, 90.0),
        8: (12.3, 551.0),
        29: (5.5, 4397.0),
        232: (18.5, 10530.0),
        348: (20.5, 11528.0),
        310: (25.4, 6382.0),
    }
    from claimbench.analyze.slo_search import LevelPoint, SearchResult

    pts = [
        LevelPoint(concurrency=c, metric=rows[c][0], throughput=rows[c][1], meets=rows[c][0] <= 20.0, phase="x")
        for c in (1, 8, 29, 232, 348, 310)
    ]
    result = SearchResult(
        slo=SLO("tpot_ms", 20.0),
        throughput_column="output_tok_per_s",
        outcome="converged",
        levels=pts,
        bracket=(232, 310),
        chosen=pts[3],
        precision=0.0,
        tolerance=0.05,
        max_levels=6,
    )
    assert any("concurrency 310 broke the SLO at 6,382 tok/s" in w for w in result.warnings)
    assert result.as_dict()["warnings"] == result.warnings


def test_a_monotone_frontier_has_no_warning():
    s = find_max_under_slo(
        lambda c: {"tpot_p50_ms": 10 + c, "output_tok_per_s": c * 1000 / (10 + c)}, SLO("tpot_ms", 50)
    )
    assert s.warnings == []

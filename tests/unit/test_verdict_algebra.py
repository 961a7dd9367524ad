"""The value algebra: kinds propagate through ratios and products, and a bound decides only on its own side."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimbench.judge.verdict.algebra import decide, divide, multiply, normal_kind, reciprocal

KINDS = ("point", "lower_bound", "upper_bound", "unknown")
pos = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
slack = st.floats(min_value=1.0, max_value=10.0, allow_nan=False)


def observe(true: float, kind: str, s: float) -> float:
    """An observation of ``true`` that is what its kind says: a lower bound is at most the truth."""
    return {"point": true, "lower_bound": true / s, "upper_bound": true * s}[kind]


def holds(kind: str, observed: float, true: float) -> bool:
    """What a kind promises about the truth (unknown promises nothing)."""
    rel = 1e-9 * max(abs(true), abs(observed))
    return {
        "point": abs(observed - true) <= rel,
        "lower_bound": observed <= true + rel,
        "upper_bound": observed >= true - rel,
        "unknown": True,
    }[kind]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("lower_bound", "upper_bound", "lower_bound"),
        ("lower_bound", "point", "lower_bound"),
        ("point", "lower_bound", "upper_bound"),
        ("upper_bound", "lower_bound", "upper_bound"),
        ("lower_bound", "lower_bound", "unknown"),
        ("upper_bound", "upper_bound", "unknown"),
        ("point", "point", "point"),
        ("interpolated", "point", "point"),
        ("unknown", "point", "unknown"),
    ],
)
def test_a_ratio_has_the_kind_its_two_sides_allow(a, b, expected):
    assert divide(a, b) == expected


def test_a_product_keeps_bounds_in_one_direction_and_loses_opposite_ones():
    assert multiply("lower_bound", "lower_bound") == "lower_bound"
    assert multiply("lower_bound", "upper_bound") == "unknown"
    assert multiply("point", "upper_bound") == "upper_bound"


def test_a_reciprocal_turns_a_lower_bound_into_an_upper_bound():
    assert reciprocal("lower_bound") == "upper_bound" and reciprocal("point") == "point"
    assert normal_kind("interpolated") == "point" and normal_kind("nonsense") == "unknown"


@given(x=pos, y=pos, ka=st.sampled_from(KINDS[:3]), kb=st.sampled_from(KINDS[:3]), sa=slack, sb=slack)
def test_the_kind_of_a_ratio_is_true_of_every_observation_its_sides_allow(x, y, ka, kb, sa, sb):
    observed = observe(x, ka, sa) / observe(y, kb, sb)
    assert holds(divide(ka, kb), observed, x / y)


@given(x=pos, y=pos, ka=st.sampled_from(KINDS[:3]), kb=st.sampled_from(KINDS[:3]), sa=slack, sb=slack)
def test_the_kind_of_a_product_is_true_of_every_observation_its_sides_allow(x, y, ka, kb, sa, sb):
    observed = observe(x, ka, sa) * observe(y, kb, sb)
    assert holds(multiply(ka, kb), observed, x * y)


@given(claimed=pos, observed=pos, width=st.floats(0, 0.5), tol=st.one_of(st.none(), st.floats(0, 0.5)))
def test_a_lower_bound_never_refutes_an_at_least_claim_and_an_upper_bound_never_supports_it(
    claimed, observed, width, tol
):
    interval = (observed * (1 - width), observed * (1 + width))
    assert decide(">=", claimed, tol, observed, "lower_bound", interval) != "REFUTED"
    assert decide(">=", claimed, tol, observed, "upper_bound", interval) != "SUPPORTED"
    assert decide("<=", claimed, tol, observed, "upper_bound", interval) != "REFUTED"
    assert decide("<=", claimed, tol, observed, "lower_bound", interval) != "SUPPORTED"
    assert decide("approx", claimed, tol or 0.1, observed, "lower_bound", interval) != "SUPPORTED"


@given(claimed=pos, observed=pos, comparator=st.sampled_from([">=", "<=", "approx"]))
def test_an_unknown_value_decides_nothing(claimed, observed, comparator):
    assert decide(comparator, claimed, 0.1, observed, "unknown", None) == "INCONCLUSIVE"


@given(claimed=pos, observed=pos, comparator=st.sampled_from([">=", "<="]), kind=st.sampled_from(KINDS[1:3]))
def test_a_bound_decides_only_what_the_point_at_the_same_value_decides(claimed, observed, comparator, kind):
    as_bound = decide(comparator, claimed, None, observed, kind, None)
    assert as_bound in ("INCONCLUSIVE", decide(comparator, claimed, None, observed, "point", None))


def test_a_lower_bound_over_the_claim_supports_it_and_under_it_says_nothing():
    assert decide(">=", 2400, None, 2500, "lower_bound", None) == "SUPPORTED"
    assert decide(">=", 2400, None, 2300, "lower_bound", None) == "INCONCLUSIVE"
    assert decide(">=", 2400, None, 2300, "point", None) == "REFUTED"

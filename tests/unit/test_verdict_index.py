"""The evidence index: above COMPARE_ALL records a reading compares only records that could match it."""

from claimbench.judge.verdict.index import COMPARE_ALL, EvidenceSet, near
from claimbench.schema.evidence import Evidence, EvidenceConditions


def ev(i, hardware, model):
    return Evidence(
        id=f"e{i}",
        kind="reference",
        path=None,
        secondary=False,
        reported_by="x",
        derived=False,
        basis="card",
        packages=None,
        conditions=EvidenceConditions(
            hardware=hardware,
            model=model,
            precision=None,
            input_len=None,
            output_len=None,
            speculative=None,
            phase=None,
        ),
    )


def test_a_small_set_is_compared_in_full():
    records = [ev(0, "a", "m"), ev(1, "b", "n")]
    assert near(EvidenceSet(records), "a", "m") == (records, 0)


def test_a_large_set_keeps_same_or_unstated_chip_and_model_in_order_and_counts_the_rest():
    records = [ev(i, ["a", "b", None][i % 3], ["m", "n", "r1"][i % 5 % 3]) for i in range(COMPARE_ALL + 100)]
    pool, n_far = near(EvidenceSet(records, {"r1": "m"}), "a", "m")
    assert pool == [e for e in records if e.conditions.hardware in ("a", None) and e.conditions.model in ("m", "r1")]
    assert n_far == len(records) - len(pool) > 0


def test_chips_of_unknown_vendor_are_not_siblings_of_each_other():
    from claimbench.judge.verdict.index import COMPARE_ALL, EvidenceSet
    from claimbench.schema.evidence import Evidence, EvidenceConditions

    def rec(i, hw):
        cond = EvidenceConditions(
            hardware=hw, model="m", precision=None, input_len=None, output_len=None, speculative=None, phase=None
        )
        return Evidence(
            id=f"e{i}",
            kind="reference",
            path=None,
            secondary=False,
            reported_by="x",
            derived=False,
            conditions=cond,
            basis="card",
            packages=None,
        )

    records = [rec(i, "chip-a" if i % 2 else "chip-b") for i in range(COMPARE_ALL + 2)]
    unknown = EvidenceSet(records, vendor_of={"chip-a": "", "chip-b": ""})
    assert {ev.conditions.hardware for ev in unknown.near("chip-a", "m")[0]} == {"chip-a"}
    known = EvidenceSet(records, vendor_of={"chip-a": "acme", "chip-b": "acme"})
    assert {ev.conditions.hardware for ev in known.near("chip-a", "m")[0]} == {"chip-a", "chip-b"}

import polars as pl

from claimbench.judge.comparison import best_point, comparison_frame
from claimbench.load.registry import list_hardware
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint


def ev(points, hardware="ascend-910c", basis="card", packages=None, precision="int8"):
    return Evidence(
        id="e1",
        kind="reference",
        path=None,
        secondary=False,
        reported_by=None,
        derived=False,
        conditions=EvidenceConditions(
            hardware=hardware,
            model="deepseek-r1",
            precision=precision,
            input_len=None,
            output_len=None,
            speculative=None,
            phase=None,
        ),
        basis=basis,
        packages=packages,
        points=points,
    )


def test_the_best_point_within_the_tpot_bound_uses_the_stated_median_or_mean():
    pts = [
        LoadPoint(level="a", output_tok_per_s=1000, tpot_mean_ms=40),
        LoadPoint(level="b", output_tok_per_s=3000, tpot_p50_ms=80),
        LoadPoint(level="c", output_tok_per_s=2000, tpot_mean_ms=50.5),
    ]
    assert best_point(ev(pts), 50).level == "c"  # 50.5 is within 2 % of 50
    assert best_point(ev(pts)).level == "b"  # no bound: the highest throughput


def test_a_point_without_a_stated_tpot_is_kept_and_labelled():
    hw = {h.id: h for h in list_hardware()}
    f = comparison_frame(
        [
            ev(
                [LoadPoint(level="x", output_tok_per_s=14800)],
                hardware="nvidia-h800-sxm",
                basis="node",
                packages=8,
                precision="fp8",
            )
        ],
        hw,
        max_tpot_ms=50,
    )
    card = f.filter(pl.col("form") == "per_card").to_dicts()[0]
    assert card["value"] == 1850 and card["operating_point"].endswith("TPOT not stated")
    assert "÷ 8" in card["explanation"]


def test_per_die_divides_a_910c_card_by_its_two_dies():
    hw = {h.id: h for h in list_hardware()}
    f = comparison_frame([ev([LoadPoint(level="x", output_tok_per_s=2400, tpot_mean_ms=50)])], hw, max_tpot_ms=50)
    assert f.filter(pl.col("form") == "per_die")["value"].to_list() == [1200]

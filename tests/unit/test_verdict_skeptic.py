"""Issue #11: verdicts a skeptic would sign. One test per defect class, hand-computed expectations."""

import pytest
import yaml
from verdict_builders import HW, evidence, predicate
from verdict_builders import make_claim as build_claim

from claimbench.errors import UserError
from claimbench.judge.verdict import PlausibilityBound, VerdictConfig, judge_claim, t_interval
from claimbench.load.claims import load_claim
from claimbench.load.evidence import load_reference
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import LoadPoint, RequestSamples

HWS = {"chip-a": HW(1, 8, vendor="v"), "chip-b": HW(1, 8, tdp_w=400.0, vendor="v")}
CFG = VerdictConfig(n_boot=800)


def make_claim(value=1000.0, slo=None, speculative="none", ratio_to=None, unit="tok/s", readings=(), claimant="acme"):
    pred = predicate(value, unit="x" if ratio_to else unit, ratio_to={"hardware": ratio_to} if ratio_to else None)
    conditions = {"slo": slo, "speculative": speculative}
    return build_claim(value, pred=pred, conditions=conditions, readings=list(readings), claimant=claimant)


def make_ev(eid, points, hardware="chip-a", speculative="none", reported_by="thirdparty", kind="reference"):
    conditions = {"hardware": hardware, "speculative": speculative}
    return evidence(eid, points, conditions=conditions, reported_by=reported_by, kind=kind)


def run_point(tokens, e2el_ms, wall_s, concurrency=None):
    """One measured level: throughput = Σ tokens / wall."""
    s = RequestSamples(
        output_tokens=tokens, tpot_ms=[10.0] * len(tokens), ttft_ms=[5.0] * len(tokens), wall_s=wall_s, e2el_ms=e2el_ms
    )
    return LoadPoint(
        level="0",
        concurrency=concurrency,
        output_tok_per_s=sum(tokens) / wall_s,
        samples=s,
        operating_point="max-throughput",
    )


# --- 1. a ratio of two runs with per-request samples gets a non-degenerate interval -----------
def test_a_ratio_of_two_runs_exactly_two_times_apart_gets_a_non_degenerate_interval():
    # numerator: 8 requests x 100 tokens over 10 s = 80 tok/s; denominator: the same requests at half
    # the speed (E2EL doubled) over 20 s = 40 tok/s. Ratio 2.0. With one shared seed both sides drew
    # the same indices and every replicate was exactly 2.00; independent streams must spread it.
    e2el = [900.0, 1000.0, 1100.0, 1300.0, 800.0, 1200.0, 950.0, 1050.0]
    a = make_ev("run-a", [run_point([100] * 8, e2el, 10.0)], hardware="chip-a", kind="vllm_bench")
    b = make_ev("run-b", [run_point([100] * 8, [2 * x for x in e2el], 20.0)], hardware="chip-b", kind="vllm_bench")
    v = judge_claim(make_claim(value=1.5, ratio_to="chip-b"), [a, b], HWS, None, CFG)[0]
    assert v.observed == pytest.approx(2.0)
    lo, hi = v.interval
    assert lo < 2.0 < hi and hi - lo > 0.05
    assert "independent" in v.interval_method


# --- 2. MTP-only evidence cannot SUPPORT a no-speculation claim ------------------------------
def test_mtp_only_evidence_cannot_support_a_claim_made_without_speculative_decoding():
    mtp = {"method": "mtp", "tokens": 1, "acceptance": 0.9}
    e = make_ev(
        "mtp-run", [LoadPoint(level="x", output_tok_per_s=5000.0, operating_point="max-throughput")], speculative=mtp
    )
    v = judge_claim(make_claim(value=1000.0, speculative="none"), [e], HWS, None, CFG)[0]
    assert v.verdict == "NOT-COMPARABLE"
    assert v.observed is None and v.margin_rel is None  # never an observed value when not comparable
    assert v.indicative == 5000.0
    assert any("speculative" in r for r in v.evidence_set_aside[0].reasons)


def test_mtp_at_another_acceptance_is_set_aside_too():
    e = make_ev(
        "mtp-70",
        [LoadPoint(level="x", output_tok_per_s=5000.0, operating_point="max-throughput")],
        speculative={"method": "mtp", "tokens": 1, "acceptance": 0.7},
    )
    c = make_claim(speculative={"method": "mtp", "tokens": 1, "acceptance": 0.9})
    assert judge_claim(c, [e], HWS, None, CFG)[0].verdict == "NOT-COMPARABLE"


# --- 3. a roofline ratio ceiling uses B's observed throughput --------------------------------
def test_the_ratio_ceiling_is_a_roof_over_b_observed_not_a_ratio_of_roofs():
    # A's roof 2,000 tok/s per card; B observed 400 -> ceiling 2000 / 400 = 5.0x.
    a = make_ev("a", [LoadPoint(level="x", output_tok_per_s=1800.0, operating_point="max-throughput")])
    b = make_ev(
        "b", [LoadPoint(level="x", output_tok_per_s=400.0, operating_point="max-throughput")], hardware="chip-b"
    )
    bound = {("c", "as-worded"): PlausibilityBound(2000.0, "card", "compute", "test roof", kind="numerator")}
    over = judge_claim(make_claim(value=6.0, ratio_to="chip-b"), [a, b], HWS, bound, CFG)[0]
    assert over.verdict == "IMPLAUSIBLE" and over.observed == pytest.approx(5.0)
    under = judge_claim(make_claim(value=4.0, ratio_to="chip-b"), [a, b], HWS, bound, CFG)[0]
    assert under.verdict == "SUPPORTED"  # 1800 / 400 = 4.5x >= 4
    assert under.bound.max_value == pytest.approx(5.0)


# --- 4. a latency-constrained point cannot REFUTE a no-SLO max-throughput claim --------------
def test_a_latency_limited_point_is_a_lower_bound_for_a_claim_without_a_latency_bound():
    # 266 tok/s at 42 tok/s/user (TPOT <= 23.81 ms) says nothing against "1,000 tok/s" at any latency
    limited = LoadPoint(level="42/user", output_tok_per_s=266.0, tpot_limit_ms=23.81, operating_point="latency-limited")
    v = judge_claim(make_claim(value=1000.0), [make_ev("ix", [limited])], HWS, None, CFG)[0]
    assert v.verdict == "INCONCLUSIVE"
    assert "lower bound" in v.read_method
    # the same figure published as the system's maximum does refute it
    peak = LoadPoint(level="max", output_tok_per_s=266.0, operating_point="max-throughput")
    assert judge_claim(make_claim(value=1000.0), [make_ev("pk", [peak])], HWS, None, CFG)[0].verdict == "REFUTED"


def test_an_sla_ceiling_at_the_claims_bound_reads_as_a_point_at_the_bound():
    # published "675 tok/s in the TPOT < 50 ms tier": no measured mean, read at the 50 ms ceiling
    tier = LoadPoint(level="tier 50", output_tok_per_s=675.0, tpot_limit_ms=50.0, operating_point="latency-limited")
    slo = [{"metric": "tpot", "stat": None, "max_ms": 50}]
    v = judge_claim(make_claim(value=600.0, slo=slo), [make_ev("h20", [tier])], HWS, None, CFG)[0]
    assert (v.verdict, v.observed) == ("SUPPORTED", 675.0)
    # a 70 ms ceiling says nothing at 50 ms
    tier70 = LoadPoint(level="tier 70", output_tok_per_s=714.0, tpot_limit_ms=70.0, operating_point="latency-limited")
    assert judge_claim(make_claim(value=600.0, slo=slo), [make_ev("h20", [tier70])], HWS, None, CFG)[0].verdict == (
        "NOT-COMPARABLE"
    )


# --- 5. self-reported evidence is labelled ---------------------------------------------------
def test_evidence_published_by_the_claimant_is_labelled_self_reported():
    pt = [LoadPoint(level="x", output_tok_per_s=1200.0, operating_point="max-throughput")]
    own = judge_claim(make_claim(), [make_ev("own", pt, reported_by="acme")], HWS, None, CFG)[0]
    assert (own.verdict, own.corroboration) == ("SUPPORTED", "self-reported")
    assert any("claimant's own" in n for n in own.notes)
    assert any("independent" in d.lower() for d in own.what_would_decide)
    other = judge_claim(make_claim(), [make_ev("other", pt, reported_by="lab")], HWS, None, CFG)[0]
    assert other.corroboration == "independent"
    ours = judge_claim(make_claim(), [make_ev("ours", pt, kind="run_bundle")], HWS, None, CFG)[0]
    assert ours.corroboration == "measured-here"


# --- 6. honest intervals -----------------------------------------------------------------------
def test_two_repeats_get_a_student_t_interval_not_min_max():
    # mean 105, s = 7.0711, se = 5, t(0.975, df 1) = 12.706 -> 105 ± 63.53
    lo, hi = t_interval([100.0, 110.0], 0.95)
    assert lo == pytest.approx(41.47, abs=0.05) and hi == pytest.approx(168.53, abs=0.05)


def test_repeats_under_five_are_flagged_in_the_interval_method():
    pts = [[run_point([100] * 4, [1000.0] * 4, w, concurrency=1)] for w in (10.0, 11.0)]
    evs = [make_ev(f"r{i}", p, kind="vllm_bench") for i, p in enumerate(pts)]
    c = make_claim(value=10.0).model_copy(
        update={"conditions": make_claim().conditions.model_copy(update={"concurrency": 1})}
    )
    v = judge_claim(c, evs, HWS, None, CFG)[0]
    assert "Student-t" in v.interval_method and "WARNING: only 2 repeats" in v.interval_method
    assert any("only 2 repeats" in n for n in v.notes)  # the text view shows the warning too
    # runs of 400 tokens over 10 s and 11 s: 40 and 36.364 tok/s, mean 38.182; s = 3.636/√2 = 2.571,
    # se = s/√2 = 1.818; t(0.975, df 1) = 12.706 -> 38.182 ± 23.102 = [15.08, 61.28]
    assert v.observed == pytest.approx((40.0 + 400 / 11) / 2)
    assert v.interval == pytest.approx((15.08, 61.28), abs=0.05)


def test_a_published_figure_carries_its_stated_precision():
    pt = LoadPoint(level="x", output_tok_per_s=14800.0, throughput_pm=50.0, operating_point="max-throughput")
    v = judge_claim(make_claim(value=14000.0), [make_ev("p", [pt])], HWS, None, CFG)[0]
    assert v.interval == (14750.0, 14850.0) and "stated precision" in v.interval_method


def test_interpolation_at_the_slo_carries_its_bracket_into_the_interval():
    # (40 ms, 1000) and (60 ms, 2000) bracket 50 ms -> 1500; the true value lies in [1000, 2000]
    pts = [
        LoadPoint(level="lo", tpot_mean_ms=40.0, output_tok_per_s=1000.0),
        LoadPoint(level="hi", tpot_mean_ms=60.0, output_tok_per_s=2000.0),
    ]
    slo = [{"metric": "tpot", "stat": "mean", "max_ms": 50}]
    v = judge_claim(make_claim(value=1200.0, slo=slo), [make_ev("sweep", pts)], HWS, None, CFG)[0]
    assert v.observed == 1500.0 and v.interval == (1000.0, 2000.0)
    assert v.verdict == "INCONCLUSIVE"  # 1,200 lies inside the bracket


# --- 7. explanations and efficiency readings ----------------------------------------------------
def test_a_per_watt_reading_needing_an_unknown_board_power_is_unverifiable_and_names_it():
    reading = {
        "id": "per-watt",
        "label": "per W",
        "basis": "card",
        "metric": "output_tok_per_j",
        "conditions": {},
        "source_note": "n",
    }
    v = judge_claim(make_claim(value=3.0, ratio_to="chip-b", readings=[reading]), [], HWS, None, CFG)[1]
    assert v.verdict == "UNVERIFIABLE" and "(tdp_w) of chip-a" in v.why
    assert v.observed is None and v.margin_rel is None


def test_a_precision_the_chip_cannot_run_natively_is_implausible_with_the_reason():
    bound = {
        ("c", "as-worded"): PlausibilityBound(None, "card", "none", "x", blocking="chip-a cannot execute fp8 natively")
    }
    v = judge_claim(make_claim(), [], HWS, bound, CFG)[0]
    assert v.verdict == "IMPLAUSIBLE" and "natively" in v.why


def test_a_verdict_names_a_measure_command_with_the_claims_workload():
    v = judge_claim(make_claim(slo=[{"metric": "tpot", "stat": "p99", "max_ms": 50}]), [], HWS, None, CFG)[0]
    assert v.decide_command == (
        "claimbench measure --engine serve --model m --hardware chip-a --engine-arg quantization=fp8 "
        "--input-len 1024 --output-len 1024 --find-max-under tpot_ms=50 --search-percentile 99 --out runs"
    )


# --- 8. bad values are rejected with one line naming file and field ---------------------------
REF = {
    "id": "ref-x",
    "title": "t",
    "source": {"url": "u", "date": "2025", "quote": "q"},
    "reported_by": "x",
    "shared_conditions": {
        "hardware": None,
        "model": "m",
        "precision": "fp8",
        "input_len": 1,
        "output_len": 1,
        "speculative": None,
        "phase": None,
        "deployment": None,
    },
    "results": [
        {
            "id": "r",
            "label": "l",
            "conditions": {},
            "basis": "card",
            "packages": None,
            "derived": False,
            "operating_point": "latency-limited",
            "points": [{"output_tok_per_s": 1.0, "tpot_mean_ms": 10.0, "throughput_pm": 0.5}],
        }
    ],
}


@pytest.mark.parametrize(
    "point, field",
    [
        ({"output_tok_per_s": float("nan"), "tpot_mean_ms": 10.0, "throughput_pm": 0.5}, "output_tok_per_s"),
        ({"output_tok_per_s": float("inf"), "tpot_mean_ms": 10.0, "throughput_pm": 0.5}, "output_tok_per_s"),
        ({"output_tok_per_s": -5.0, "tpot_mean_ms": 10.0, "throughput_pm": 0.5}, "output_tok_per_s"),
        # batch 32 at a mean TPOT of 50 ms emits at most 32 x 1000 / 50 = 640 tok/s: 675 is above
        (
            {"output_tok_per_s": 675.0, "tpot_mean_ms": 50.0, "batch_per_unit": 32, "throughput_pm": 0.5},
            "output_tok_per_s",
        ),
        # a published figure without its stated precision
        ({"output_tok_per_s": 600.0, "tpot_mean_ms": 10.0}, "throughput_pm"),
    ],
)
def test_a_bad_reference_value_is_one_line_naming_file_and_field(tmp_path, point, field):
    data = yaml.safe_load(yaml.safe_dump(REF))
    data["results"][0]["points"] = [point]
    p = tmp_path / "ref-x.yaml"
    p.write_text(yaml.safe_dump(data))
    with pytest.raises(UserError) as e:
        load_reference(p)
    msg = str(e.value)
    assert "\n" not in msg and str(p) in msg and "results[0].points[0]" in msg and field in msg


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -2400.0])
def test_a_bad_claimed_value_is_one_line_naming_file_and_field(tmp_path, value):
    c = make_claim().model_dump(mode="json")
    c["predicate"]["value"] = value
    c["id"] = "bad"
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(c))
    with pytest.raises(UserError) as e:
        load_claim(p, {"chip-a", "chip-b"})
    msg = str(e.value)
    assert "\n" not in msg and str(p) in msg and "value" in msg


# --- 9. per-user, per-W and per-$ readings ----------------------------------------------------------
def _single(metric, value, comparator, unit):
    c = make_claim(value=value)
    data = c.model_dump(mode="json")
    data["predicate"].update(metric=metric, comparator=comparator, unit=unit)
    return Claim.model_validate(data)


def test_per_user_speed_is_1000_over_the_mean_tpot():
    # TPOT 40 ms -> 1000 / 40 = 25 tok/s per user >= 20
    e = make_ev("u", [LoadPoint(level="x", tpot_mean_ms=40.0, output_tok_per_s=900.0)])
    v = judge_claim(_single("output_tok_per_s_per_user", 20.0, ">=", "tok/s/user"), [e], HWS, None, CFG)[0]
    assert (v.verdict, v.observed, v.unit) == ("SUPPORTED", 25.0, "tok/s/user")


def test_tokens_per_joule_divide_throughput_per_card_by_the_tdp():
    # 800 tok/s on chip-b (TDP 400 W) = 2 tok/J
    e = make_ev(
        "w", [LoadPoint(level="x", output_tok_per_s=800.0, operating_point="max-throughput")], hardware="chip-b"
    )
    c = _single("output_tok_per_j", 1.5, ">=", "tok/J")
    c = c.model_copy(update={"conditions": c.conditions.model_copy(update={"hardware": "chip-b"})})
    v = judge_claim(c, [e], HWS, None, CFG)[0]
    assert (v.verdict, v.observed) == ("SUPPORTED", 2.0)


def test_usd_per_million_tokens_uses_the_hourly_price_and_flips_a_lower_bound():
    # 1,000 tok/s at 1.8 USD/h: 1.8 / (3600 x 1000) x 1e6 = 0.5 USD/Mtok. A fixed-load point is a
    # lower bound of throughput, hence an upper bound of cost: it supports "<= 1 USD/Mtok".
    e = make_ev("p", [LoadPoint(level="x", output_tok_per_s=1000.0, operating_point="fixed-load")])
    c = _single("usd_per_mtok", 1.0, "<=", "USD/Mtok")
    v = judge_claim(c, [e], HWS, None, CFG, prices={"chip-a": 1.8})[0]
    assert v.verdict == "SUPPORTED" and v.observed == pytest.approx(0.5)
    assert judge_claim(c, [e], HWS, None, CFG)[0].verdict == "UNVERIFIABLE"  # no price: names it


# --- 10. a length difference bridged by an explicit adjustment that widens the interval -----------
def test_a_bridged_length_difference_scales_the_value_and_widens_the_interval():
    # evidence at 2048/256 (claim 1024/1024): set aside without a bridge; with a x0.8 bridge the
    # 1,000 tok/s (± 0.5) becomes 800, and the interval covers both: [799.6, 1000.5]
    e = make_ev(
        "short", [LoadPoint(level="x", output_tok_per_s=1000.0, throughput_pm=0.5, operating_point="max-throughput")]
    )
    e = e.model_copy(update={"conditions": e.conditions.model_copy(update={"input_len": 2048, "output_len": 256})})
    c = make_claim(value=700.0)
    assert judge_claim(c, [e], HWS, None, CFG)[0].verdict == "NOT-COMPARABLE"
    v = judge_claim(c, [e], HWS, None, CFG, bridge=lambda cond, ev: (0.8, "test bridge"))[0]
    assert v.observed == pytest.approx(800.0)
    assert v.interval == pytest.approx((999.5 * 0.8, 1000.5))
    assert v.verdict == "SUPPORTED" and any("bridged" in d for d in v.differences)


def test_the_roofline_length_bridge_is_explicit_and_refuses_what_it_cannot_carry():
    from claimbench.judge.plausibility import length_bridge
    from claimbench.load.registry import list_hardware, list_models
    from claimbench.schema.claims import Deployment

    bridge = length_bridge({m.id: m for m in list_models()}, {h.id: h for h in list_hardware()})
    dep = Deployment(
        device="card", devices=160, batch_per_device=None, context_tokens=4096, tp=1, ep=160, kv_precision="int8"
    )
    c = make_claim(slo=[{"metric": "tpot", "stat": None, "max_ms": 50}]).conditions.model_copy(
        update={
            "hardware": "ascend-910c",
            "model": "deepseek-r1",
            "precision": "int8",
            "input_len": 4096,
            "output_len": None,
            "phase": "decode-only",
            "deployment": dep,
        }
    )
    spec = {"method": "mtp", "tokens": 1, "acceptance": 0.7}
    e = make_ev("e", [LoadPoint(level="x", output_tok_per_s=2360.0)], hardware="ascend-910c", speculative=spec)
    near = e.model_copy(
        update={
            "conditions": e.conditions.model_copy(
                update={
                    "model": "deepseek-r1",
                    "precision": "int8",
                    "input_len": 2048,
                    "output_len": 256,
                    "phase": "decode-only",
                }
            )
        }
    )
    factor, text = bridge(c, near)
    assert 0 < factor < 1 and "2176 -> 4096" in text  # a longer context lowers the roof
    far = near.model_copy(
        update={"conditions": near.conditions.model_copy(update={"input_len": 1024, "output_len": 256})}
    )
    assert bridge(c, far) is None  # 1152 -> 4096 is more than 2x apart
    e2e = near.model_copy(update={"conditions": near.conditions.model_copy(update={"phase": "end-to-end"})})
    assert bridge(c, e2e) is None  # the decode roofline does not bridge end-to-end figures

"""Unknowns decide nothing silently: a claim without a model is not decided by records of a named model,
and a ratio pairs only records on the same model."""

from verdict_builders import evidence, hardware, make_claim, predicate

from claimbench.judge.verdict import VerdictConfig, judge_claim
from claimbench.schema.evidence import LoadPoint

HWS = hardware("chip-a", "base")


def claim(model, value=1000.0, ratio_to=None, readings=()):
    pred = predicate(value, unit="x" if ratio_to else "tok/s", ratio_to={"hardware": ratio_to} if ratio_to else None)
    return make_claim(value, pred=pred, conditions={"model": model}, readings=list(readings))


def ev(eid, model, thr, hardware="chip-a"):
    return evidence(eid, thr=thr, conditions={"hardware": hardware, "model": model}, reported_by="thirdparty")


def judge(c, evidence):
    return judge_claim(c, evidence, HWS, None, VerdictConfig(n_boot=200))


def test_a_claim_without_a_model_is_not_decided_by_a_record_of_a_named_model():
    v = judge(claim(None), [ev("e1", "deepseek-r1", 1500.0)])[0]
    assert v.verdict == "INCONCLUSIVE"
    assert any("with model = deepseek-r1 it would be SUPPORTED (e1)" in n for n in v.notes)


def test_a_reading_that_assumes_the_model_is_judged_on_its_own():
    reading = {
        "id": "r1",
        "label": "on DeepSeek-R1",
        "conditions": {"model": "deepseek-r1"},
        "basis": "card",
        "source_note": "the launch event ran R1",
    }
    as_worded, assumed = judge(claim(None, readings=[reading]), [ev("e1", "deepseek-r1", 1500.0)])
    assert (as_worded.verdict, assumed.verdict) == ("INCONCLUSIVE", "SUPPORTED")


def test_a_model_unknown_figure_over_a_named_models_is_not_a_ratio_that_refutes():
    # the defect: 1000 (model unknown) / 800 (deepseek-r1) = 1.25x read as refuting a 3x claim
    c = claim("deepseek-r1", value=3.0, ratio_to="base")
    v = judge(c, [ev("num", None, 1000.0), ev("den", "deepseek-r1", 800.0, hardware="base")])[0]
    assert v.verdict != "REFUTED"
    assert v.verdict in ("NOT-COMPARABLE", "INCONCLUSIVE")


def test_a_ratio_on_the_same_named_model_is_decided():
    c = claim("deepseek-r1", value=3.0, ratio_to="base")
    v = judge(c, [ev("num", "deepseek-r1", 1000.0), ev("den", "deepseek-r1", 800.0, hardware="base")])[0]
    assert v.verdict == "REFUTED"


def test_records_of_different_models_for_a_model_unknown_claim_are_candidates_not_a_disagreement():
    # 4,016 on llama-2-70b supports 2,200, 36.5 on llama-3.1-405b refutes it: the split is the unknown model
    v = judge(claim(None, value=2200.0), [ev("llama", "llama-2-70b", 4016.0), ev("405b", "llama-3.1-405b", 36.5)])[0]
    assert v.verdict == "INCONCLUSIVE"
    assert "does not name its model" in v.why and "disagrees" not in v.why
    assert "with model = llama-2-70b it would be SUPPORTED (llama, 4,016)" in v.why
    assert "with model = llama-3.1-405b it would be REFUTED (405b, 36.5)" in v.why
    assert v.observed is None and v.margin_rel is None  # no one model's figure stands for the claim
    assert not any("best-matched evidence disagrees" in n for n in v.notes)
    assert v.what_would_decide[0].startswith("The model the figure was obtained on")
    assert not any("repeats" in h for h in v.what_would_decide)


def test_system_figures_of_different_sizes_for_a_scale_unknown_claim_are_candidates_per_size():
    c = make_claim(450000.0, pred=predicate(450000.0, basis="system"), conditions={"model": "m", "deployment": None})
    big = evidence("nvl72", thr=486000.0, conditions={"model": "m"}, basis="system", packages=72)
    small = evidence("nvl16", thr=126000.0, conditions={"model": "m"}, basis="system", packages=16)
    v = judge(c, [big, small])[0]
    assert v.verdict == "INCONCLUSIVE" and "disagrees" not in v.why
    assert "with deployment = 72 packages it would be SUPPORTED (nvl72, 486,000)" in v.why
    assert "with deployment = 16 packages it would be REFUTED (nvl16, 126,000)" in v.why
    assert "how many packages" in v.what_would_decide[0]


def test_a_systems_size_is_no_candidate_for_a_figure_that_does_not_scale_with_it():
    # "a token every 20 ms or faster at concurrency 2" on an endpoint: a one-package system's TPOT decides it
    pred = predicate(20.0, metric="tpot_mean_ms", comparator="<=", unit="ms", basis="system")
    c = make_claim(pred=pred, conditions={"slo": None, "deployment": None})
    rec = evidence("run", [LoadPoint(level="c2", output_tok_per_s=300.0, tpot_mean_ms=5.0)], basis="system", packages=1)
    (v,) = judge(c, [rec])
    assert v.verdict == "SUPPORTED" and "deployment" not in v.why


def _deployed(thr):
    dep = {"device": "card", "devices": 160, "batch_per_device": 96.0, "context_tokens": None, "tp": 1, "ep": 160,
           "kv_precision": None, "note": "decode instance, EP320 in dies"}  # fmt: skip
    return evidence("paper", thr=thr, conditions={"deployment": dep}, reported_by="thirdparty")


def test_a_per_card_figure_at_a_stated_deployment_supports_a_claim_that_leaves_its_deployment_unknown():
    c = make_claim(1500.0, conditions={"deployment": None})
    (v,) = judge(c, [_deployed(1943.0)])
    assert v.verdict == "SUPPORTED"
    assert any(
        n.startswith("obtained on 160 cards EP 160 TP 1 batch 96 (decode instance; EP320 in dies)") for n in v.notes
    )


def test_a_per_card_figure_below_the_claim_at_one_deployment_does_not_refute_it_and_names_the_deployment():
    (v,) = judge(make_claim(2400.0, conditions={"deployment": None}), [_deployed(1943.0)])
    assert v.verdict == "INCONCLUSIVE"
    assert "with deployment = 160 cards EP 160" in v.why and "device=" not in v.why  # words, not a repr


def test_a_decode_only_figure_does_not_decide_a_claim_that_leaves_its_phase_unknown():
    # decode nodes' throughput per GPU overstates the whole service's (prefill GPUs produce no output tokens)
    decode = evidence("dec", thr=1943.0, conditions={"phase": "decode-only"}, reported_by="thirdparty")
    (v,) = judge(make_claim(1500.0, conditions={"phase": None}), [decode])
    assert v.verdict == "INCONCLUSIVE"
    assert any("with phase = decode-only it would be SUPPORTED" in n for n in v.notes) or "phase = decode-only" in v.why
    e2e = evidence("e2e", thr=1943.0, conditions={"phase": "end-to-end"}, reported_by="thirdparty")
    assert judge(make_claim(1500.0, conditions={"phase": None}), [e2e])[0].verdict == "SUPPORTED"
    assert judge(make_claim(1500.0, conditions={"phase": "decode-only"}), [decode])[0].verdict == "SUPPORTED"

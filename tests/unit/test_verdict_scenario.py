"""The MLPerf scenario as a binding condition, with its latency constraints as data."""

import yaml
from verdict_builders import HW, claim_dict, evidence

from claimbench.judge.verdict import VerdictConfig, judge_claim
from claimbench.load.claims import load_claims
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import LoadPoint

OPEN = {"precision": None, "input_len": None, "output_len": None, "speculative": None, "phase": None}


def claim_data(scenario="server", slo=None):
    cond = {"hardware": "nvidia-b200", "model": "deepseek-r1", "slo": slo, "scenario": scenario, **OPEN}
    return claim_dict(conditions=cond, schema=2, source={"url": "u", "date": "2026", "quote": "q"})


def ev(eid, scenario, thr, **point):
    cond = {"hardware": "nvidia-b200", "model": "deepseek-r1", **OPEN, "phase": "end-to-end", "scenario": scenario}
    return evidence(eid, [LoadPoint(level=scenario, output_tok_per_s=thr, **point)], conditions=cond, kind="mlperf")


def test_a_claim_naming_a_scenario_is_read_at_that_scenarios_bounds(tmp_path):
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(claim_data()))
    (c,), errors = load_claims(tmp_path, {"nvidia-b200"})
    assert errors == []
    assert [(s.metric, s.stat, s.max_ms) for s in c.conditions.slo] == [("tpot", "p99", 80.0), ("ttft", "p99", 2000.0)]
    assert any(n.startswith("slo from the MLPerf server scenario of deepseek-r1") for n in c.notes)


def test_an_offline_result_does_not_decide_a_server_claim():
    c = Claim.model_validate(claim_data(slo=[{"metric": "tpot", "stat": "p99", "max_ms": 80}]))
    offline = ev("off", "offline", 5000.0, tpot_p99_ms=80.0)
    v = judge_claim(c, [offline], {"nvidia-b200": HW()}, None, VerdictConfig(n_boot=50))[0]
    assert v.verdict == "NOT-COMPARABLE" and "scenario" in v.why
    server = ev("srv", "server", 1200.0, tpot_p99_ms=80.0, ttft_p99_ms=1500.0)
    assert (
        judge_claim(c, [offline, server], {"nvidia-b200": HW()}, None, VerdictConfig(n_boot=50))[0].verdict
        == "SUPPORTED"
    )


def test_claims_written_before_the_scenario_field_still_load():
    data = claim_data()
    del data["conditions"]["scenario"]
    data["conditions"]["slo"] = None
    assert Claim.model_validate(data).conditions.scenario is None

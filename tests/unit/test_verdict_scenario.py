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
    (v,) = judge_claim(c, [], {"nvidia-b200": HW()}, None, VerdictConfig(n_boot=50))
    assert any(n.startswith("slo from the MLPerf server scenario of deepseek-r1") for n in v.notes)  # on the reading


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


def test_every_mlperf_scenario_limit_read_for_claims_is_the_rules_files_limit():
    from claimbench.load.mlperf_library import load_rules
    from claimbench.load.scenarios import load_scenarios

    rules, table = load_rules(), load_scenarios()
    expected = {
        (b.model, name.lower()): (lim.tpot_p99_ms, lim.ttft_p99_ms)
        for b in rules.benchmarks.values()
        for name, lim in b.scenarios.items()
    }
    got = {k: tuple(s.max_ms for s in c.slo) for k, c in table.items() if k in expected}
    assert got == expected and len(expected) >= 8
    server = table[("deepseek-r1", "server")]
    assert [(s.metric, s.stat) for s in server.slo] == [("tpot", "p99"), ("ttft", "p99")]
    assert server.source.url.startswith(f"https://github.com/mlcommons/inference/blob/{rules.source.commit}/")
    assert server.source.url.endswith("loadgen/mlperf.conf#L149-L150")


def test_a_scenario_file_replaces_the_rules_entry_for_its_model_and_adds_other_benchmarks(tmp_path):
    import shutil

    from claimbench.load.mlperf_library import load_rules
    from claimbench.load.paths import layer_dirs
    from claimbench.load.scenarios import load_scenarios

    (tmp_path / "mlperf").mkdir()
    shutil.copy(layer_dirs("mlperf")[-1] / "rules.yaml", tmp_path / "mlperf" / "rules.yaml")
    (tmp_path / "scenarios").mkdir()
    src = {"url": "https://example.org/bench", "date": "2026-12-01"}
    (tmp_path / "scenarios" / "mine.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "mine",
                "constraints": [
                    {
                        "model": "deepseek-r1",
                        "scenario": "server",
                        "source": src,
                        "slo": [{"metric": "tpot", "stat": "p90", "max_ms": 60}],
                    },
                    {
                        "model": "qwen3-32b",
                        "scenario": "interactive",
                        "source": src,
                        "slo": [{"metric": "ttft", "stat": "p99", "max_ms": 300}],
                    },
                ],
            }
        )
    )
    table = load_scenarios(tmp_path)
    assert [(s.stat, s.max_ms) for s in table[("deepseek-r1", "server")].slo] == [("p90", 60.0)]
    assert table[("qwen3-32b", "interactive")].source.url == "https://example.org/bench"
    assert (
        table[("llama-2-70b", "interactive")].slo[0].max_ms
        == load_rules(tmp_path).benchmarks["llama2-70b"].scenarios["Interactive"].tpot_p99_ms
    )

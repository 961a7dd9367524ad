"""Two Ray client workers (the session's local Ray instance on 127.0.0.1) measuring a real
`vllm serve` (the session server): merged raw records on one clock, workers and offsets in the
manifest, and the same numbers as the one-process client within the server's own variation."""

from __future__ import annotations

import pytest
from cli_helpers import bundle_from, run_cli

from claimbench.load.bundles import read_bundle

pytestmark = pytest.mark.integration


def test_two_ray_workers_measure_a_real_vllm_serve_and_record_their_clocks(vllm_server, ray_local, tmp_path):
    bundle = bundle_from(
        run_cli(
            "measure",
            "--engine",
            "endpoint",
            "--base-url",
            vllm_server.base_url,
            "--served-model-name",
            "tiny",
            "--concurrency",
            "4",
            "--num-prompts",
            "12",
            "--input-len",
            "32",
            "--output-len",
            "16",
            "--warmup-prompts",
            "2",
            "--workers",
            "2",
            "--ray-address",
            ray_local,
            "--calibrate",
            "never",
            "--out",
            str(tmp_path),
            timeout=600,
        )
    )
    b = read_bundle(bundle)
    assert b.manifest["status"] == "complete"
    req = b.requests
    measured = req.filter(~req["warmup"])
    assert measured.height == 12 and measured["ok"].all()
    assert measured["output_tokens"].to_list() == [16] * 12
    assert all(len(c) >= 1 for c in measured["chunk_times_s"])
    # one clock: every request's timestamps are ordered and inside the level
    for r in measured.iter_rows(named=True):
        assert r["sent_s"] <= r["first_token_s"] <= r["chunk_times_s"][-1] <= r["done_s"] + 1e-9
    ray = b.manifest["engine"]["client"]["ray"]
    assert ray["workers"] == 2 and len(ray["per_worker"]) == 2 and ray["failures"] == []
    for w in ray["per_worker"]:
        c = w["clock"]
        assert w["same_kernel_as_coordinator"] and c["applied_offset_s"] == 0.0
        assert c["uncertainty_s"] > 0 and c["n_probes"] == 8  # the latest probe (after the last level)
    s = b.summary.to_dicts()[0]
    assert s["n_ok"] == 12 and s["tpot_p50_ms"] > 0 and s["output_tok_per_s"] > 0

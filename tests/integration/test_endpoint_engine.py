from cli_helpers import bundle_from as _bundle_from
from cli_helpers import run_cli

from claimbench.load.bundles import read_bundle


def test_an_existing_vllm_server_is_measured_as_an_endpoint(vllm_server, runs_dir):
    bundle = _bundle_from(
        run_cli(
            "measure",
            "--engine",
            "endpoint",
            "--base-url",
            vllm_server.base_url + "/v1",
            "--request-rate",
            "8,inf",
            "--num-prompts",
            "8",
            "--input-len",
            "32",
            "--output-len",
            "16",
            "--out",
            str(runs_dir / "endpoint"),
        )
    )
    b = read_bundle(bundle)
    assert b.manifest["status"] == "complete"
    assert b.manifest["engine"]["served_model_name"] == "tiny" and b.manifest["engine"]["server_version"]
    assert b.requests["ok"].all() and b.requests["output_tokens"].to_list() == [16] * 16
    assert b.summary["request_rate"].to_list() == [8.0, float("inf")]


def test_the_chat_api_works_against_vllm(vllm_server, runs_dir):
    bundle = _bundle_from(
        run_cli(
            "measure",
            "--engine",
            "endpoint",
            "--base-url",
            vllm_server.base_url,
            "--api",
            "chat",
            "--concurrency",
            "2",
            "--num-prompts",
            "4",
            "--input-len",
            "16",
            "--output-len",
            "8",
            "--out",
            str(runs_dir / "chat"),
        )
    )
    b = read_bundle(bundle)
    assert b.requests["ok"].all() and b.requests["output_tokens"].to_list() == [8] * 4

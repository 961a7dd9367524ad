"""`vllm serve` that fails to start or is not ready in time: one line, exit 2, no process left behind."""

import json

from cli_helpers import all_marked_processes_end, new_mark, run_cli


def test_a_model_vllm_cannot_load_is_a_one_line_error(tmp_path):
    model = tmp_path / "not-a-model"
    model.mkdir()
    (model / "config.json").write_text(
        json.dumps(
            {
                "architectures": ["NoSuchForCausalLM"],
                "model_type": "no-such",
                "vocab_size": 100,
                "max_position_embeddings": 512,
            }
        )
    )
    env = new_mark()
    proc = run_cli(
        "measure",
        "--engine",
        "serve",
        "--model",
        str(model),
        "--input-len",
        "8",
        "--output-len",
        "8",
        "--num-prompts",
        "2",
        "--out",
        str(tmp_path / "runs"),
        "--calibrate",
        "never",
        timeout=600,
        env=env,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("claimbench: error: vllm serve exited with status")
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
    assert all_marked_processes_end(env) == set()  # the CLI, vllm serve and its engine processes


def test_a_server_not_ready_in_time_is_a_one_line_error_and_is_stopped(tiny_model, tmp_path):
    env = new_mark()
    proc = run_cli(
        "measure",
        "--engine",
        "serve",
        "--model",
        "tiny",
        "--server-timeout",
        "2",
        "--num-prompts",
        "2",
        "--out",
        str(tmp_path / "runs"),
        "--calibrate",
        "never",
        timeout=600,
        env=env,
    )
    assert proc.returncode == 2
    assert "vllm serve did not become ready within 2 s (--server-timeout)" in proc.stderr.strip().splitlines()[-1]
    assert all_marked_processes_end(env) == set()  # the CLI, vllm serve and its engine processes

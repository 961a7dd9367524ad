import os
import sys
import tempfile
from pathlib import Path

# Unit-test helpers (timelines.py) are importable by name.
sys.path.insert(0, str(Path(__file__).parent / "unit"))
sys.path.insert(0, str(Path(__file__).parent / "integration"))

# Every test (and every process a test starts: engines, servers, notebook kernels) uses a cache
# of its own for the tiny model and the client calibration, never the user's ~/.cache/claimbench.
os.environ["CLAIMBENCH_CACHE"] = tempfile.mkdtemp(prefix="claimbench-test-cache-")


import pytest


@pytest.fixture(scope="session")
def ray_local():
    """One local Ray instance on 127.0.0.1 for the whole test session (client worker tests).

    Pools created in this process reuse it; processes a test starts (the CLI) join it with
    ``--ray-address`` (the yielded GCS address). Shut down when the session ends."""
    from claimbench.measurement.workers import ray_session

    ray, started = ray_session(None, num_cpus=4)
    yield ray.get_runtime_context().gcs_address
    if started:
        ray.shutdown()

import os
import sys
import tempfile

# Unit-test helpers (timelines.py) are importable by name.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "unit"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "integration"))

# Every test (and every process a test starts: engines, servers, notebook kernels) uses a cache
# of its own for the tiny model and the client calibration, never the user's ~/.cache/claimbench.
os.environ["CLAIMBENCH_CACHE"] = tempfile.mkdtemp(prefix="claimbench-test-cache-")

import os
import sys

# Unit-test helpers (timelines.py) are importable by name.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "unit"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "integration"))

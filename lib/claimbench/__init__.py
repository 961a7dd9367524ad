"""claimbench: verify LLM inference performance claims with measured vLLM runs.

Nothing heavy is imported here: vLLM, torch and transformers are imported lazily where used.
"""

__version__ = "0.1.0"

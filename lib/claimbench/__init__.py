"""claimbench: verify LLM inference performance claims with measured vLLM runs.

Nothing heavy is imported here: vLLM, torch and transformers are imported lazily where used.
"""

__version__ = "0.1.0"


def measure(**options):
    """Run ``claimbench measure`` from Python; options use the CLI's names with underscores
    (``engine="serve", concurrency=[1, 8], slo={"tpot_ms": 50}``). Returns the bundle folder."""
    from claimbench.cli.measure import measure_bundle
    from claimbench.cli.measure import options as _options

    return measure_bundle(_options(**options))

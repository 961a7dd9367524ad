"""CLI subcommands, one module each; see :mod:`claimbench.cli`."""

"""The ``claimbench`` command line.

Subcommands live in :mod:`claimbench.cli`, one module each, discovered at start. A module
defines ``register(subparsers)`` which adds its parser and sets ``func`` (called with the parsed
namespace, returning an exit status). Command modules must stay light to import: heavy packages
(vllm, torch, altair) are imported inside the functions that use them.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from claimbench import __version__
from claimbench.errors import UserError


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="claimbench",
        description="Measure LLM inference with vLLM, normalize, bound and verify vendor claims.",
    )
    parser.add_argument("--version", action="version", version=f"claimbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    import claimbench.cli as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"claimbench.cli.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"claimbench: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("claimbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `claimbench verify --json | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

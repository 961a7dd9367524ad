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


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Adds "(default: X)" to an option's help only when it has a real default and the help text
    does not already say one; a description or epilog written on several lines is kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or default is None
            or default is argparse.SUPPRESS
            or default is False
            or default == []
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


EXIT_STATUSES = """exit status:
  0  success
  1  incomplete, with what was done kept and the reason printed: a run ended incomplete or with every
     request failed (measure), some inputs skipped (verify, summarize), a report step failed
     (report), an output that could not be written after the work was done (full disk)
  2  bad input, nothing started: an unknown option or value, a file that does not load, an empty
     registry, claim set, evidence set or report (one line on stderr naming the option, file or field)
  130 interrupted (Ctrl-C, SIGTERM or SIGHUP)"""


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    """``--data-dir DIR`` (repeatable): a folder of the user's own claims/, hardware/, models/,
    prices/, reference/, runs/ layered over the shipped data (also ``$CLAIMBENCH_DATA``)."""
    parser.add_argument(
        "--data-dir",
        action="append",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="your own data folder (claims/, hardware/, models/, prices/, reference/, runs/) searched before the "
        "shipped data; repeatable; also $CLAIMBENCH_DATA",
    )


def _apply_data_dirs(dirs: list[str]) -> None:
    """Put ``--data-dir`` folders first in ``$CLAIMBENCH_DATA`` (notebook kernels inherit it)."""
    import os

    from claimbench.load.paths import ENV_VAR

    for d in dirs:
        if not os.path.isdir(d):
            raise UserError(f"--data-dir: {d} is not a directory")
    current = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    os.environ[ENV_VAR] = os.pathsep.join([os.path.abspath(d) for d in dirs] + current)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="claimbench",
        description="Measure LLM inference with vLLM, normalize, bound and verify vendor claims.",
        epilog=EXIT_STATUSES,
        formatter_class=DefaultsHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"claimbench {__version__}")
    add_data_dir_option(parser)
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
        if getattr(args, "data_dir", None):
            _apply_data_dirs(args.data_dir)
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

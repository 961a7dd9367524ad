"""Conventions every ``claimbench`` command shares, applied in one place.

* ``-q/--quiet``, ``-v/--verbose`` and ``--json`` on every command (added here when a command does
  not define them itself): ``--quiet`` keeps stderr to errors, ``--verbose`` adds detail, ``--json``
  prints machine-readable output on stdout.
* An unknown option or command gets a suggestion (difflib), from the parser of the command typed.
* The exit statuses are in every command's ``--help``.
* Informational lines go to stderr through :func:`info` / :func:`detail`, so stdout carries only
  the command's result and stays empty when the command fails.

The module name starts with ``_``: it is not a command (the registry skips it).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys

EXIT_STATUSES = """exit status:
  0    success
  1    incomplete, with what was done kept and the reason printed: a run ended incomplete or with every
       request failed (measure), some inputs skipped (verify, summarize), a report step failed
       (report), an output that could not be written after the work was done (full disk),
       --fail-on matched (verify)
  2    bad input, nothing started: an unknown option or value, a file that does not load, an empty
       registry, claim set, evidence set or report (one line on stderr naming the option, file or field)
  130  interrupted (Ctrl-C, SIGTERM or SIGHUP)"""

_VERBOSITY = {"level": 1}  # 0 quiet, 1 normal, 2 verbose


def set_verbosity(args: argparse.Namespace) -> None:
    """Record ``--quiet`` / ``--verbose`` of the parsed command for :func:`info` and :func:`detail`."""
    _VERBOSITY["level"] = 0 if getattr(args, "quiet", False) else 2 if getattr(args, "verbose", False) else 1


def quiet() -> bool:
    """True under ``--quiet``."""
    return _VERBOSITY["level"] == 0


def info(message: str) -> None:
    """A ``claimbench: …`` note on stderr, unless ``--quiet``."""
    if _VERBOSITY["level"] >= 1:
        print(f"claimbench: {message}", file=sys.stderr, flush=True)


def detail(message: str) -> None:
    """A ``claimbench: …`` note on stderr under ``--verbose`` only."""
    if _VERBOSITY["level"] >= 2:
        print(f"claimbench: {message}", file=sys.stderr, flush=True)


class KeepLinesFormatter(argparse.HelpFormatter):
    """Wraps one-line descriptions; keeps text written on several lines (the exit statuses) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _has(parser: argparse.ArgumentParser, option: str) -> bool:
    return option in parser._option_string_actions


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--quiet``, ``--verbose`` and ``--json`` on ``parser`` when it does not define them already."""
    if not _has(parser, "--quiet") and not _has(parser, "--verbose"):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("-q", "--quiet", action="store_true", help="print only the result: no notes on stderr")
        group.add_argument("-v", "--verbose", action="store_true", help="more detail on stderr")
    if not _has(parser, "--json"):
        parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    _document_exit_statuses(parser)


def _document_exit_statuses(parser: argparse.ArgumentParser) -> None:
    if parser.epilog is None:
        parser.epilog = EXIT_STATUSES
    if parser.formatter_class is argparse.HelpFormatter:
        parser.formatter_class = KeepLinesFormatter


def subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of ``parser``'s subcommands (one level)."""
    out: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            out.extend(dict.fromkeys(action.choices.values()))
    return out


def apply_to_commands(root: argparse.ArgumentParser) -> None:
    """Give every leaf command the shared output options and the exit statuses in its help."""
    for command in subparsers(root):
        leaves = subparsers(command)
        _document_exit_statuses(command)
        for leaf in leaves or [command]:
            add_output_options(leaf)


def leaf_parser(root: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the command the user typed (e.g. ``hardware show``), for its error messages."""
    parser = root
    for dest in ("command", "hardware_command"):
        name = getattr(args, dest, None)
        kids = {
            n: p for a in parser._actions if isinstance(a, argparse._SubParsersAction) for n, p in a.choices.items()
        }
        if name in kids:
            parser = kids[name]
    return parser


def option_suggestion(parser: argparse.ArgumentParser, typed: str) -> str:
    """`` (did you mean --X?)`` for a mistyped option, or ''."""
    name = typed.split("=", 1)[0]
    if not name.startswith("-"):
        return ""
    options = [o for o in parser._option_string_actions if o.startswith("--") or len(name) <= 2]
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


def choice_suggestion(message: str) -> str:
    """`` (did you mean X?)`` for an ``invalid choice`` message of argparse, or ''."""
    m = _INVALID_CHOICE.search(message)
    if not m:
        return ""
    choices = [c.strip().strip("'\"") for c in m.group(2).split(",")]
    close = difflib.get_close_matches(m.group(1), choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unrecognized(root: argparse.ArgumentParser, args: argparse.Namespace, extras: list[str]) -> None:
    """Exit 2 on arguments no parser took, naming them and suggesting the closest option."""
    parser = leaf_parser(root, args)
    first = next((x for x in extras if x.startswith("-")), extras[0])
    parser.error(f"unrecognized arguments: {' '.join(extras)}{option_suggestion(parser, first)}")

"""``claimbench report``: run the notebooks (papermill) into reports/<run-id>/ with HTML and an index."""

from __future__ import annotations

import argparse
import sys

EXIT_STATUS = """exit status:
  0    every step ran; the report is complete
  1    a step failed: the finished steps are kept in the report folder it names
  2    bad input, nothing started: an unknown step or parameter, missing notebook packages, a
       --runs folder that is missing or holds no run bundle
  130  interrupted (Ctrl-C)"""


def register(sub) -> None:
    import argparse as _argparse

    class RawEpilog(_argparse.HelpFormatter):
        """Keeps the exit-status epilog's lines as written."""

        def _fill_text(self, text: str, width: int, indent: str) -> str:
            if "\n" in text:
                return "".join(indent + line for line in text.splitlines(keepends=True))
            return super()._fill_text(text, width, indent)

    p = sub.add_parser(
        "report",
        help="run the notebook pipeline into reports/<run-id>/ (HTML + index)",
        description="Execute the notebooks in notebooks/ with papermill: measure, analyze, compare, plausibility, "
        "verify. Writes executed notebooks, static HTML, an index.html and CSV/LaTeX/SVG/PNG exports "
        "into a new folder under --out. Parameters: -p NAME=VALUE for every notebook that takes NAME, "
        "-p STEP.NAME=VALUE for one (e.g. -p 01_measure.concurrency=1,8,32).",
        epilog=EXIT_STATUS,
        formatter_class=RawEpilog,
    )
    p.add_argument("--out", default="reports", help="folder that receives reports/<run-id>/ (default: reports)")
    p.add_argument(
        "--notebooks",
        metavar="DIR",
        help="run these notebooks (e.g. a copy made by `claimbench init`) instead of the shipped ones; "
        "also $CLAIMBENCH_NOTEBOOKS",
    )
    p.add_argument("--json", action="store_true", help="print JSON: the report folder, index and the steps run")
    p.add_argument(
        "-p", "--parameter", action="append", default=[], metavar="[STEP.]NAME=VALUE", help="notebook parameter"
    )
    p.add_argument("--steps", help="comma-separated steps to run (default: all), e.g. 02_analyze,05_verify")
    p.add_argument(
        "--runs",
        metavar="DIR",
        help="use the bundles in DIR instead of measuring (skips 01_measure unless --steps names it)",
    )
    p.set_defaults(func=run)


def parse_parameters(items: list[str]) -> dict[str, str]:
    from claimbench.errors import UserError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"-p must be NAME=VALUE or STEP.NAME=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


def run(args: argparse.Namespace) -> int:
    import json
    import os
    from importlib.util import find_spec

    from claimbench.errors import UserError
    from claimbench.load.paths import NOTEBOOKS_ENV_VAR, notebooks_dir
    from claimbench.report.pipeline import StepFailed, available_steps, run_report

    missing = [m for m in ("papermill", "nbconvert", "ipykernel") if find_spec(m) is None]
    if missing:
        raise UserError(f"report runs notebooks and needs {', '.join(missing)}: pip install 'claimbench[notebooks]'")
    if args.notebooks:
        os.environ[NOTEBOOKS_ENV_VAR] = os.path.abspath(args.notebooks)
    notebooks_dir()  # no notebooks at all: a one-line error, never an empty report
    overrides = parse_parameters(args.parameter)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()] if args.steps else None
    if args.runs:
        from claimbench.load.bundles import find_bundles

        try:
            find_bundles([args.runs])  # an empty or missing folder: bad input, nothing started
        except UserError as exc:
            raise UserError(f"--runs: {exc}") from None
        overrides["runs_dir"] = args.runs
        if steps is None:
            steps = [s for s in available_steps() if s != "01_measure"]
    try:
        folder = run_report(args.out, overrides, steps, log=lambda m: print(f"claimbench report: {m}", file=sys.stderr))
    except StepFailed as exc:
        print(f"claimbench: error: {exc}", file=sys.stderr)
        if args.json:
            print(
                json.dumps({"folder": str(exc.folder), "error": str(exc), "exit_status": 1}, indent=2, sort_keys=True)
            )
        return 1
    if args.json:
        steps_run = sorted(p.stem for p in folder.glob("[0-9][0-9]_*.ipynb"))
        print(
            json.dumps(
                {"folder": str(folder), "index": str(folder / "index.html"), "steps": steps_run, "exit_status": 0},
                indent=2,
                sort_keys=True,
            )
        )
        return 0
    print(folder / "index.html")
    return 0

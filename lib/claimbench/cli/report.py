"""``claimbench report``: run the notebooks (papermill) into reports/<run-id>/ with HTML and an index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_STATUS = """exit status:
  0    every step ran; the report is complete
  1    a step failed: the finished steps are kept in the report folder it names
  2    bad input, nothing started: an unknown step or parameter, missing notebook packages, a
       --runs folder that is missing or holds no run bundle
  130  interrupted (Ctrl-C)"""


def register(sub) -> None:
    """Add ``claimbench report`` to the command parsers."""
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
    p.add_argument(
        "--evidence",
        action="append",
        metavar="PATH",
        default=None,
        help="also use this evidence in the compare and verify steps: a result file of vllm bench serve, GuideLLM, "
        "AIPerf (JSON or CSV), InferenceX or MLPerf Inference, a reference YAML, a bundle or a folder of them "
        "(repeatable)",
    )
    p.set_defaults(func=run)


def _check_paths(args: argparse.Namespace) -> None:
    """``--runs`` and ``--evidence`` exist, and every ``--evidence`` file imports, before any kernel starts."""
    from pathlib import Path

    from claimbench.errors import UserError
    from claimbench.load.evidence import import_evidence

    if args.runs and not Path(args.runs).is_dir():
        raise UserError(f"--runs: {args.runs} is not a directory")
    for path in args.evidence or []:
        if not Path(path).exists():
            raise UserError(f"--evidence: {path} does not exist")
        _, errors = import_evidence([path])
        if errors:
            raise UserError(f"--evidence: {errors[0].message.removeprefix('--evidence: ')}")


def parse_parameters(items: list[str]) -> dict[str, str]:
    """``-p NAME VALUE`` pairs as a dict of notebook parameters (a malformed one is a UserError)."""
    from claimbench.errors import UserError

    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"-p must be NAME=VALUE or STEP.NAME=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


class _StepDisplay:
    """Each report step on stderr with its time: a live spinner and clock on a terminal (rich), one
    line per step otherwise; a busy host is said first (it explains slow steps)."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.status: Any = None
        self.step = ""
        self.t0 = 0.0

    def __enter__(self) -> _StepDisplay:
        return self

    def _busy_host(self) -> None:
        """Said once, as the first step starts (after every input was checked)."""
        from claimbench.cli._conventions import info
        from claimbench.measurement.progress import busy_host_message, host_load

        message = busy_host_message(host_load())
        if message:
            info(message.replace(" (recorded in the manifest as host_load)", ""))

    def __exit__(self, *exc) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def log(self, message: str) -> None:
        """The pipeline's 'STEP: running' / 'STEP: ok in 12.3 s' lines."""
        import time

        from claimbench.cli._conventions import info

        if not self.enabled:
            return
        step, _, what = message.partition(": ")
        if self.t0 == 0.0:
            self.t0 = time.monotonic()
            self._busy_host()
        if not sys.stderr.isatty():
            info(f"report: {message}")
            return
        if what == "running":
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.step, self.t0 = step, time.monotonic()
            self.status = Progress(
                SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )  # fmt: skip
            self.status.add_task(f"{step} running", total=None)
            self.status.start()
            return
        if self.status is not None:
            self.status.stop()
            self.status = None
        mark = "✓" if what.startswith("ok") else "✗"
        info(f"report: {mark} {step}: {what}")


def run(args: argparse.Namespace) -> int:
    """``claimbench report``: run the notebooks into a report folder and print where it is."""
    import json
    import os
    from importlib.util import find_spec

    from claimbench.cli._conventions import detail
    from claimbench.errors import UserError
    from claimbench.load.paths import NOTEBOOKS_ENV_VAR, notebooks_dir
    from claimbench.report.pipeline import StepFailed, available_steps, run_report

    missing = [m for m in ("papermill", "nbconvert", "ipykernel") if find_spec(m) is None]
    if missing:
        raise UserError(f"report runs notebooks and needs {', '.join(missing)}: pip install 'claimbench[notebooks]'")
    if args.notebooks:
        os.environ[NOTEBOOKS_ENV_VAR] = str(Path(args.notebooks).absolute())
    notebooks_dir()  # no notebooks at all: a one-line error, never an empty report
    _check_paths(args)
    overrides: dict[str, Any] = dict(parse_parameters(args.parameter))
    if args.evidence:
        overrides["evidence"] = [str(Path(e).absolute()) for e in args.evidence]
    for key, value in overrides.items():
        detail(f"report: parameter {key} = {value}")
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
        with _StepDisplay(enabled=not args.quiet) as display:
            folder = run_report(args.out, overrides, steps, log=display.log)
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

"""``claimbench verify``: judge claims (data/claims) against evidence (bundles, peer files,
data/reference) and print a verdict table, with each throughput reading checked against its
roofline bound (:mod:`claimbench.judge.plausibility`).

Evidence: ``--evidence PATH`` (repeatable) or, by default, data/reference and data/runs; run
bundles under a folder such as ./runs only when asked (``--runs DIR``). The first stderr line says
which sources were used and how many records each gave, and every reading lists the evidence it
used. Output: a table (verdict and corroboration per reading) and, per reading, why, what was set
aside and why, and what would decide it (default); ``--json`` (one object per claim, the reading as
worded at top level plus ``readings``), ``--out DIR`` (verdicts.parquet with the columns documented
in :mod:`claimbench.judge.verdict`, verdicts.md, and verdicts.json: the same records as ``--json``).

``--fail-on CLASS[,CLASS]`` (e.g. ``REFUTED,IMPLAUSIBLE``) exits 1 when any reading gets one of
those classes: for CI. Bad claim or evidence files (and implausible evidence, set aside by
:mod:`claimbench.judge.evidence_sanity`) are reported one line each on stderr and skipped; the other
claims are still judged and printed; the exit status is then 1 (2 with ``--strict``, before judging).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_STATUS = """exit status:
  0    every claim and evidence input was read and judged
  1    some inputs were skipped (a bad claim file, evidence that does not load, implausible evidence
       set aside, a corrupt or nested bundle under --runs), each named on stderr; the rest was judged;
       or --fail-on matched; or --out could not be written after judging (the verdicts were printed)
  2    bad input, nothing judged: an unknown option, an unwritable --out, a --seed out of range, no
       usable evidence, or (--strict) any input skipped
  130  interrupted (Ctrl-C)"""


def register(sub) -> None:
    """Add ``claimbench verify`` to the command parsers."""
    from claimbench.cli import DefaultsHelpFormatter, add_data_dir_option

    p = sub.add_parser(
        "verify",
        help="judge claims against evidence and print verdicts",
        description="Judge claims (data/claims/*.yaml) against evidence: claimbench run bundles, "
        "vllm bench serve JSON, GuideLLM, AIPerf and InferenceX JSON, MLPerf Inference result tables and "
        "published results (data/reference).",
        epilog=EXIT_STATUS,
        formatter_class=DefaultsHelpFormatter,
    )
    p.add_argument("--claims-dir", help="directory of claim YAML files (default: data/claims)")
    p.add_argument("--claim", action="append", metavar="ID", default=None, help="judge only this claim id (repeatable)")
    p.add_argument(
        "--evidence",
        action="append",
        metavar="PATH",
        default=None,
        help="bundle dir, result file or directory of them: claimbench bundles, vllm bench serve, GuideLLM, "
        "AIPerf, InferenceX JSON, MLPerf Inference tables (JSON/CSV), reference YAML (repeatable; default: "
        "data/reference, data/runs and the run bundles under --runs)",
    )
    p.add_argument(
        "--runs",
        metavar="DIR",
        default=None,
        help="also use the claimbench run bundles in this folder as evidence (e.g. --runs runs); "
        "bundles are never picked up unless asked",
    )
    p.add_argument(
        "--fail-on",
        metavar="CLASS[,CLASS]",
        default=None,
        help="exit 1 when any reading gets one of these verdict classes (e.g. REFUTED,IMPLAUSIBLE)",
    )
    p.add_argument(
        "--evidence-meta",
        action="append",
        metavar="KEY=VALUE",
        default=None,
        help="a condition the peer files cannot state, repeatable: hardware (registry id), packages, precision, "
        "model, input_len, output_len, phase, speculative, publisher (e.g. --evidence-meta hardware=nvidia-h20)",
    )
    p.add_argument("--json", action="store_true", help="print JSON, one object per claim")
    p.add_argument("--out", metavar="DIR", help="also write verdicts.parquet, verdicts.md and verdicts.json here")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed, 0 or more (default 0)")
    p.add_argument(
        "--strict",
        action="store_true",
        help="a skipped claim or evidence file (bad, corrupt or implausible) is an error: exit 2, nothing judged",
    )
    add_data_dir_option(p)
    p.set_defaults(func=run)


def _evidence_paths(args: argparse.Namespace, data_dir: Path | None) -> tuple[list[Path], list[tuple[str, Path]]]:
    """Paths to import and (label, path) of each source, for the line saying what was used.

    ``--evidence`` replaces the defaults (data/reference, data/runs, ./runs); ``--runs DIR`` adds
    the bundles of DIR (only bundles: other files there are not evidence)."""
    from claimbench.errors import UserError
    from claimbench.load.bundle_folders import BundleScan, scan_bundles
    from claimbench.load.evidence import default_evidence

    sources: list[tuple[str, Path]] = []
    paths: list[Path] = []
    if args.evidence:
        for e in args.evidence:
            sources.append(("--evidence", Path(e)))
            paths.append(Path(e))
    else:
        from claimbench.load.evidence import _expand

        for d in default_evidence(data_dir=data_dir):  # the one rule (load.evidence.default_evidence)
            if d.name == "runs" and d.is_dir() and not _expand(d):
                continue  # an empty runs/ in a data folder is no evidence, and no error either
            sources.append(("default", d))
            paths.append(d)
    runs = Path(args.runs) if args.runs else None
    if runs is not None:
        if not runs.is_dir():
            raise UserError(f"--runs: {runs} is not a directory")
        else:
            try:
                scan = scan_bundles([runs])
            except UserError:
                scan = BundleScan()
            bundles = scan.bundles
            for path, reason in scan.skipped:  # nested or unreadable: named, and the exit status is 1
                print(f"claimbench: error: skipped evidence: {path}: {reason}", file=sys.stderr)
            args.skipped_bundles = len(scan.skipped)
            sources.append(("--runs", runs))
            paths.extend(b for b in bundles if b not in paths)
    return paths, sources


def _describe_sources(sources: list[tuple[str, Path]], evidence) -> str:
    parts = []
    resolved = {p: Path(p).resolve() for p in {e.path for e in evidence if e.path}}  # once per file, not per record
    for label, path in sources:
        root = path.resolve()
        n = sum(1 for e in evidence if e.path and (resolved[e.path] == root or root in resolved[e.path].parents))
        parts.append(f"{path} ({label}, {n} record{'s' if n != 1 else ''})")
    return "; ".join(parts) if parts else "none"


def run(args: argparse.Namespace) -> int:
    """``claimbench verify``: a verdict for every claim against the evidence; exit status per ``--fail-on``."""
    import polars as pl

    from claimbench.cli._conventions import detail, info
    from claimbench.errors import UserError
    from claimbench.load.evidence import require_evidence
    from claimbench.load.peers.meta import parse_evidence_meta
    from claimbench.report.steps import judge, write_verdict_files
    from claimbench.report.verdicts import notes_text

    fail_on = _fail_on(args.fail_on)
    if args.seed < 0 or args.seed >= 2**32:
        raise UserError(f"--seed must be between 0 and 2**32 - 1, got {args.seed}")
    meta = parse_evidence_meta(args.evidence_meta)
    if args.out:
        from claimbench.measurement.store import check_out_dir

        check_out_dir(args.out)  # unwritable --out: exit 2 before judging anything
    paths, sources = _evidence_paths(args, None)
    result = judge(
        args.claims_dir, paths, only=args.claim, seed=args.seed, evidence_meta=meta, progress=_progress_printer()
    )
    if not result.evidence and len(result.evidence_errors) > 1:  # name every file or row set aside
        for err in result.evidence_errors:
            print(f"claimbench: error: skipped evidence: {err.message}", file=sys.stderr)
        raise UserError(
            f"--evidence: no evidence could be imported from {', '.join(str(p) for p in paths)}: "
            f"all {len(result.evidence_errors)} inputs skipped or set aside (above)"
        )
    require_evidence(result.evidence, result.evidence_errors, paths)
    verdicts, table, evidence = result.verdicts, result.table, result.evidence
    claim_errors, evidence_errors = result.claim_errors, result.evidence_errors
    _refuse_before_output(claim_errors, verdicts)
    info("evidence: " + _describe_sources(sources, evidence))
    for ev in evidence:
        detail(f"evidence: {ev.id} ({ev.kind}, {len(ev.points)} load point{'s' * (len(ev.points) != 1)}, {ev.path})")
    for err in claim_errors:
        print(f"claimbench: error: {err.message}", file=sys.stderr)
    for err in evidence_errors:
        print(f"claimbench: error: skipped evidence: {err.message}", file=sys.stderr)
    n_skipped = len(claim_errors) + len(evidence_errors) + getattr(args, "skipped_bundles", 0)
    if args.strict and n_skipped:
        raise UserError(f"--strict: {n_skipped} input(s) skipped (above); nothing judged")
    if args.json:
        print(json.dumps(result.verdicts_json, indent=2, sort_keys=True, allow_nan=False, default=str))
    else:
        with pl.Config(
            tbl_rows=-1,
            tbl_cols=-1,
            tbl_width_chars=250,
            fmt_str_lengths=60,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=True,
            float_precision=4,
            thousands_separator=False,
        ):
            print(
                table.select(
                    "claim_id",
                    "reading",
                    "verdict",
                    "corroboration",
                    "claimed",
                    "observed",
                    "margin_rel",
                    "ci_low",
                    "ci_high",
                    "unit",
                    "basis",
                    "bound_max",
                )
            )
        print(notes_text(verdicts))
    if args.out:
        write_verdict_files(table, args.out, result.verdicts_json)
    if n_skipped:
        print("claimbench: some inputs were skipped (above); the rest was judged: exit status 1", file=sys.stderr)
        return 1
    hit = sorted({v.verdict for v in verdicts} & fail_on)
    if hit:
        print(f"claimbench: --fail-on: {', '.join(hit)} found", file=sys.stderr)
        return 1
    return 0


def _refuse_before_output(claim_errors, verdicts) -> None:
    """An unknown ``--claim`` id, or no claim judged at all, is an error before anything is printed;
    with every claim file bad, each is named on its own line, then the error (exit 2)."""
    from claimbench.errors import UserError

    for err in claim_errors:
        if err.message.startswith("--claim:"):
            raise UserError(err.message)
    if claim_errors and not verdicts:
        if len(claim_errors) == 1:
            raise UserError(claim_errors[0].message)
        for err in claim_errors:
            print(f"claimbench: error: {err.message}", file=sys.stderr)
        raise UserError(f"no claim judged: all {len(claim_errors)} claim files are bad (above)")


PROGRESS_MIN_ITEMS = 500
"""Progress lines are printed (stderr, at most one a second) for sets of at least this many claims."""


def _progress_printer():
    """A ``progress(stage, done, total)`` printing 'claimbench: 3,000/10,000 claim files read' lines."""
    import time

    last_t, last_stage = [0.0], [""]

    def show(stage: str, done: int, total: int) -> None:
        if total < PROGRESS_MIN_ITEMS:
            return
        now = time.monotonic()
        if done < total and now - last_t[0] < 1.0 and stage == last_stage[0]:
            return
        last_t[0], last_stage[0] = now, stage
        print(f"claimbench: {done:,}/{total:,} {stage}", file=sys.stderr, flush=True)

    return show


def _fail_on(text: str | None) -> set[str]:
    """The classes of --fail-on; a name that is not a class is a UserError naming the option."""
    from claimbench.errors import UserError, did_you_mean
    from claimbench.judge.verdict import CLASSES

    if not text:
        return set()
    out = set()
    for raw in text.split(","):
        name = raw.strip().upper().replace("_", "-")
        if name not in CLASSES:
            raise UserError(f"--fail-on: {raw.strip()!r} is not a verdict class{did_you_mean(name, CLASSES)}")
        out.add(name)
    return out

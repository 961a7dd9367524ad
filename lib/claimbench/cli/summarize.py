"""``claimbench summarize PATH...``: the per-level summary of run bundles, or of peer result files.

A run bundle (or a folder of bundles) prints its stored per-level summary. Any file the evidence
importers read — vllm bench serve, GuideLLM ``benchmarks.json``, AIPerf JSON or CSV, InferenceX,
MLPerf Inference, reference YAML — prints one row per load point, with the numbers exactly as
``verify`` and ``report`` use them, and a line per file saying how its metrics map to ours.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub) -> None:
    """Add ``claimbench summarize`` to the command parsers."""
    from claimbench.cli import DefaultsHelpFormatter

    p = sub.add_parser(
        "summarize",
        help="print the per-level summary of run bundles or peer result files",
        description="Print the per-level summary (throughput, TTFT/TPOT/ITL/E2EL percentiles) of run bundles, "
        "or of result files of vllm bench serve, GuideLLM, AIPerf (JSON or CSV), InferenceX and MLPerf Inference. "
        "A folder holding several bundles reads them all.",
        epilog=EXIT_STATUS,
        formatter_class=DefaultsHelpFormatter,
    )
    p.add_argument(
        "bundles", nargs="+", metavar="PATH", help="a bundle folder, a folder of bundles, or a peer result file"
    )
    p.add_argument(
        "--slo",
        action="append",
        metavar="METRIC=VALUE",
        help="recompute goodput under these SLOs (e.g. tpot_ms=50); default: the SLOs recorded in each bundle",
    )
    p.add_argument(
        "--percentile-method",
        choices=["linear", "nearest_rank"],
        help="recompute percentiles with this method (default: the stored summary)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (one object per level) instead of a table")
    p.add_argument(
        "--strict",
        action="store_true",
        help="a bundle that does not load (corrupt, nested in another) is an error: exit 2, nothing printed",
    )
    p.set_defaults(func=run)


EXIT_STATUS = """exit status:
  0    every bundle and file was summarized
  1    some bundles were skipped (corrupt, inconsistent, nested in another bundle): each is named on
       stderr with the reason, the others are summarized
  2    bad input: no bundle at all, a missing path, or (--strict) any bundle skipped"""


def _bundle_table(args: argparse.Namespace, scan):
    """(summary table, status notes, bundles skipped) of the bundles found (a BundleScan)."""
    import sys

    from claimbench.errors import UserError
    from claimbench.measurement.options import parse_slos
    from claimbench.report.steps import bundle_statuses, summarize_bundles

    slos = parse_slos(args.slo) if args.slo else None
    skipped = list(scan.skipped)
    table = summarize_bundles(list(scan.bundles), slos=slos, percentile_method=args.percentile_method, skipped=skipped)
    for path, reason in skipped:  # found while scanning, or while reading (summarize_bundles adds those)
        print(f"claimbench: warning: skipped bundle {path}: {reason}", file=sys.stderr)
    if skipped and args.strict:
        raise UserError(f"--strict: {len(skipped)} bundle(s) skipped (above); nothing summarized")
    bad = {p for p, _ in skipped}
    notes = [
        f"note: {row['run_id']} is {row['status']}: {row['status_reason']}"
        for row in bundle_statuses([b for b in scan.bundles if b not in bad])
        if row["status"] != "complete"
    ]
    return table.drop("status_reason"), notes, len(skipped)


def _file_table(args: argparse.Namespace, paths: list[str | Path]):
    """(summary table, mapping notes, 0) of peer result files."""
    from claimbench.errors import UserError
    from claimbench.report.evidence_summary import evidence_notes, evidence_summary

    for path in paths:
        if not Path(path).exists():
            raise UserError(f"PATH: {path}: no such bundle or folder, nor a result file")
    if args.slo or args.percentile_method:
        option = "--slo" if args.slo else "--percentile-method"
        raise UserError(f"{option}: recomputing needs a run bundle's requests; {paths[0]} is a result file")
    table, evidence = evidence_summary(paths)
    return table, [f"note: {n}" for n in evidence_notes(evidence)], 0


def run(args: argparse.Namespace) -> int:
    """``claimbench summarize``: the summary table of bundles (recomputed with ``--slo``) or of result files."""
    from claimbench.cli._conventions import info
    from claimbench.load.bundle_folders import scan_paths
    from claimbench.report.evidence_summary import EVIDENCE_VIEW
    from claimbench.report.tables import format_summary, format_table

    scan, files = scan_paths(args.bundles)  # one walk: the bundles, and the paths that are result files
    outputs = []
    if scan.bundles or scan.skipped:
        outputs.append(("bundles", *_bundle_table(args, scan)))
    if files:
        outputs.append(("files", *_file_table(args, list(files))))
    status = 1 if any(n_skipped for *_, n_skipped in outputs) else 0
    if args.json:
        rows = [r for _, table, _, _ in outputs for r in table.to_dicts()]
        print(json.dumps(rows, indent=2, default=str))
        return status
    for kind, table, notes, _ in outputs:
        if kind == "bundles":
            several = table["run_id"].n_unique() > 1
            print(format_summary(table if several else table.drop("run_id")))
            for note in notes:  # a bundle's status is part of its summary
                print(note)
        else:
            print(format_table(table, EVIDENCE_VIEW))
            for note in notes:  # how the tool's metrics map to ours
                info(note.removeprefix("note: "))
    return status

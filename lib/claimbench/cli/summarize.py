"""``claimbench summarize BUNDLE...``: the per-level summary of one or many run bundles."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub) -> None:
    from claimbench.cli import DefaultsHelpFormatter

    p = sub.add_parser(
        "summarize",
        help="print the per-level summary of run bundles",
        description="Print the per-level summary (throughput, TTFT/TPOT/ITL/E2EL percentiles) of run bundles. "
        "A folder holding several bundles reads them all.",
        epilog=EXIT_STATUS,
        formatter_class=DefaultsHelpFormatter,
    )
    p.add_argument("bundles", nargs="+", metavar="BUNDLE", help="a bundle folder, or a folder of bundles")
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
  0    every bundle was summarized
  1    some bundles were skipped (corrupt, inconsistent, nested in another bundle): each is named on
       stderr with the reason, the others are summarized
  2    bad input: no bundle at all, a missing path, or (--strict) any bundle skipped"""


def run(args: argparse.Namespace) -> int:
    import sys

    from claimbench.errors import UserError
    from claimbench.load.bundle_folders import scan_bundles
    from claimbench.measurement.options import parse_slos
    from claimbench.report.steps import bundle_statuses, summarize_bundles
    from claimbench.report.tables import format_summary

    slos = parse_slos(args.slo) if args.slo else None
    scan = scan_bundles(args.bundles)
    skipped = list(scan.skipped)
    found: list[str | Path] = list(scan.bundles)
    table = summarize_bundles(found, slos=slos, percentile_method=args.percentile_method, skipped=skipped)
    for path, reason in skipped:
        print(f"claimbench: warning: skipped bundle {path}: {reason}", file=sys.stderr)
    if skipped and args.strict:
        raise UserError(f"--strict: {len(skipped)} bundle(s) skipped (above); nothing summarized")
    status = 1 if skipped else 0
    shown = table.drop("status_reason")
    if args.json:
        print(json.dumps(shown.to_dicts(), indent=2, default=str))
        return status
    several = table["run_id"].n_unique() > 1
    print(format_summary(shown if several else shown.drop("run_id")))
    bad = {p for p, _ in skipped}
    for row in bundle_statuses([b for b in scan.bundles if b not in bad]):
        if row["status"] != "complete":
            print(f"note: {row['run_id']} is {row['status']}: {row['status_reason']}")
    return status

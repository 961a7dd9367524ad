"""``claimbench summarize BUNDLE...``: the per-level summary of one or many run bundles."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    """Add ``claimbench summarize`` to the command parsers."""
    p = sub.add_parser(
        "summarize",
        help="print the per-level summary of run bundles",
        description="Print the per-level summary (throughput, TTFT/TPOT/ITL/E2EL percentiles) of run bundles. "
        "A folder holding several bundles reads them all.",
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """``claimbench summarize``: the summary table of bundles (recomputed with ``--slo``)."""
    from claimbench.measurement.options import parse_slos
    from claimbench.report.steps import bundle_statuses, summarize_bundles
    from claimbench.report.tables import format_summary

    slos = parse_slos(args.slo) if args.slo else None
    table = summarize_bundles(args.bundles, slos=slos, percentile_method=args.percentile_method)
    shown = table.drop("status_reason")
    if args.json:
        print(json.dumps(shown.to_dicts(), indent=2, default=str))
        return 0
    several = table["run_id"].n_unique() > 1
    print(format_summary(shown if several else shown.drop("run_id")))
    for row in bundle_statuses(args.bundles):
        if row["status"] != "complete":
            print(f"note: {row['run_id']} is {row['status']}: {row['status_reason']}")
    return 0

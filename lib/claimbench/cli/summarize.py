"""``claimbench summarize BUNDLE...``: the per-level summary of one or many run bundles."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
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
    import polars as pl

    from claimbench.analyze import metrics
    from claimbench.load.bundles import find_bundles, read_bundle
    from claimbench.measurement.options import parse_slos
    from claimbench.report.tables import format_summary

    slos = parse_slos(args.slo) if args.slo else None
    frames = []
    statuses = []
    for path in find_bundles(args.bundles):
        b = read_bundle(path)
        summary = b.summary
        if slos is not None or args.percentile_method:
            plan = {"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64}
            levels = b.summary.with_columns(
                [pl.lit(None, dtype=t).alias(c) for c, t in plan.items() if c not in b.summary.columns]
            ).select(list(plan))
            summary = metrics.summarize(
                b.requests,
                levels,
                slos if slos is not None else (b.manifest.get("slos") or None),
                args.percentile_method or b.manifest.get("percentile_method", "linear"),
            )
        frames.append(summary.with_columns(run_id=pl.lit(b.run_id), status=pl.lit(b.manifest.get("status"))))
        statuses.append((b.run_id, b.manifest.get("status"), b.manifest.get("status_reason"), str(path)))
    table = pl.concat(frames, how="diagonal_relaxed")
    if args.json:
        print(json.dumps(table.to_dicts(), indent=2, default=str))
        return 0
    print(format_summary(table if len(frames) > 1 else table.drop("run_id")))
    for run_id, status, reason, _path in statuses:
        if status != "complete":
            print(f"note: {run_id} is {status}: {reason}")
    return 0

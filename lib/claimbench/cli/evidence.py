"""``claimbench evidence list|show|update``: the shipped evidence library (MLPerf Inference results)."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    """Add ``claimbench evidence list|show|update`` to the parser."""
    from claimbench.cli import add_data_dir_option

    p = sub.add_parser(
        "evidence",
        help="browse the evidence library (every MLPerf Inference LLM result)",
        description="List or show the shipped evidence library, or re-import an MLPerf round from a checkout.",
    )
    es = p.add_subparsers(dest="evidence_command", metavar="ACTION", parser_class=type(p))
    es.required = True
    pl_ = es.add_parser("list", help="one line per record")
    _filters(pl_)
    pl_.add_argument("--json", action="store_true", help="print JSON, one object per record")
    add_data_dir_option(pl_)
    pl_.set_defaults(func=run_list)
    ps = es.add_parser("show", help="every field of one record, with its provenance")
    ps.add_argument("record_id", metavar="ID", help="record id (or a unique prefix of it), from `evidence list`")
    ps.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir_option(ps)
    ps.set_defaults(func=run_show)
    pu = es.add_parser("update", help="re-import an MLPerf round from a local checkout and report what changed")
    pu.add_argument("--mlperf", required=True, metavar="ROUND", help="the round, e.g. v6.1")
    pu.add_argument(
        "--from", dest="checkout", required=True, metavar="PATH", help="checkout of inference_results_ROUND"
    )
    pu.add_argument(
        "--repository", metavar="OWNER/NAME", help="recorded repository (default mlcommons/inference_results_ROUND)"
    )
    pu.add_argument("--out", metavar="FILE", help="write the updated library here (default: report only)")
    pu.add_argument("--json", action="store_true", help="print the report as JSON")
    add_data_dir_option(pu)
    pu.set_defaults(func=run_update)


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", default="mlperf", help="library source (only mlperf today)")
    p.add_argument("--hardware", metavar="ID", help="registry hardware id, e.g. nvidia-b200")
    p.add_argument("--model", metavar="ID", help="model id, e.g. llama-2-70b")
    p.add_argument("--scenario", metavar="S", help="Offline, Server or Interactive")
    p.add_argument("--round", metavar="R", help="MLPerf round, e.g. v5.1")
    p.add_argument("--division", metavar="D", help="closed or open")


def _fmt(x, spec: str = ",.0f") -> str:
    return "-" if x is None else format(x, spec)


def run_list(args: argparse.Namespace) -> int:
    """Print the library records that pass the filters (a table, or JSON)."""
    from claimbench.load.mlperf_library import LIST_COLUMNS, list_records

    frame = list_records(
        source=args.source,
        hardware=args.hardware,
        model=args.model,
        scenario=args.scenario,
        round=args.round,
        division=args.division,
    )
    if args.json:
        print(json.dumps(frame.select(LIST_COLUMNS).to_dicts(), indent=1, default=str))
        return 0
    print(
        f"{'round':5} {'div':6} {'submitter':14} {'model':14} {'scenario':11} {'tok/s':>11} "
        f"{'hardware':18} {'n':>4} {'tok/s/acc':>10}  id"
    )
    for r in frame.iter_rows(named=True):
        print(
            f"{r['round']:5} {r['division']:6} {str(r['submitter'])[:14]:14} {str(r['model'] or '-')[:14]:14} "
            f"{r['scenario']:11} {_fmt(r['result']):>11} {str(r['hardware'] or '-')[:18]:18} "
            f"{_fmt(r['total_accelerators'], 'd'):>4} {_fmt(r['result_per_accelerator']):>10}  {r['id']}"
        )
    print(
        f"{frame.height} record(s); tok/s is the whole system's; tok/s/acc = tok/s / accelerators; "
        "'-' = unknown (see `claimbench evidence show ID`)"
    )
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one library record with every field and its provenance."""
    from claimbench.load.mlperf_library import show_record

    row = show_record(args.record_id)
    if args.json:
        print(json.dumps(row, indent=1, sort_keys=True, default=str))
        return 0
    for k, v in row.items():
        if v is not None:
            print(f"  {k:24} {v}")
    return 0


def run_update(args: argparse.Namespace) -> int:
    """Re-import an MLPerf round from a local checkout and report what changed."""
    import datetime as dt

    from claimbench.load.mlperf_library import update_round

    rep = update_round(
        args.mlperf, args.checkout, retrieved=dt.date.today().isoformat(), out=args.out, repository=args.repository
    )
    if args.json:
        print(
            json.dumps(
                {
                    "round": rep.round,
                    "rows": rep.rows,
                    "added": rep.added,
                    "removed": rep.removed,
                    "changed": [list(c) for c in rep.changed],
                    "out": str(rep.out) if rep.out else None,
                },
                indent=1,
                default=str,
            )
        )
        return 0
    print(
        f"{rep.round}: {rep.rows} LLM rows read; {len(rep.added)} added, {len(rep.removed)} removed, "
        f"{len(rep.changed)} figure(s) changed"
    )
    for k in rep.added:
        print(f"  + {k}")
    for k in rep.removed:
        print(f"  - {k}")
    for k, col, old, new in rep.changed:
        print(f"  ~ {k}: {col} {old} -> {new}")
    print(f"written: {rep.out}" if rep.out else "nothing written (give --out FILE to write the updated library)")
    return 0

"""``claimbench hardware list|show ID``: the accelerator registry under data/hardware."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    """Add ``claimbench hardware list|show`` to the command parsers."""
    from claimbench.cli import add_data_dir_option

    p = sub.add_parser(
        "hardware",
        help="list or show accelerator specs (data/hardware)",
        description="List the hardware registry or show one accelerator with the source of every figure.",
    )
    hs = p.add_subparsers(dest="hardware_command", metavar="ACTION", parser_class=type(p))
    hs.required = True
    pl_ = hs.add_parser("list", help="one line per accelerator")
    pl_.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir_option(pl_)
    pl_.set_defaults(func=run_list)
    ps = hs.add_parser("show", help="every figure of one accelerator with its sources")
    ps.add_argument("hw_id", metavar="ID", help="hardware id, e.g. ascend-910c")
    ps.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir_option(ps)
    ps.set_defaults(func=run_show)


def _num(x) -> str:
    return "-" if x is None else f"{x:,g}"


def run_list(args: argparse.Namespace) -> int:
    """``claimbench hardware list``: one line per registry chip."""
    from claimbench.load.registry import list_hardware

    items = list_hardware()
    if args.json:
        print(
            json.dumps(
                [h.model_dump(exclude={"sources", "alternatives", "notes", "default_choice"}) for h in items],
                indent=2,
                sort_keys=True,
            )
        )
        return 0
    head = f"{'id':18} {'dies':>4} {'bf16':>7} {'fp8':>7} {'int8':>7} {'HBM GiB':>8} {'TB/s':>6} {'TDP W':>6}  name"
    print(head)
    for h in items:
        t = h.peak_dense_tflops
        fp8 = "no" if "fp8" in h.unsupported_dtypes else _num(t.fp8)
        print(
            f"{h.id:18} {_num(h.dies_per_package):>4} {_num(t.bf16):>7} {fp8:>7} {_num(t.int8):>7} "
            f"{_num(h.hbm_gib):>8} {_num(h.hbm_tb_per_s):>6} {_num(h.tdp_w):>6}  {h.name}"
        )
    print("TFLOPS are dense (not sparse), per package; '-' = unknown; 'no' = no native support.")
    return 0


def run_show(args: argparse.Namespace) -> int:
    """``claimbench hardware show ID``: every figure of one chip with its sources."""
    from claimbench.load.registry import load_hardware

    h = load_hardware(args.hw_id)
    if args.json:
        print(json.dumps(h.model_dump(), indent=2, sort_keys=True))
        return 0
    print(f"{h.id}: {h.vendor} {h.name}")
    for f in h.figure_fields() + [x for x in ("tdp_w", "launch_year", "hbm_tb_per_s") if x not in h.figure_fields()]:
        if f.startswith("peak_dense_tflops."):
            d = f.split(".", 1)[1]
            val = "no native support" if d in h.unsupported_dtypes else f"{getattr(h.peak_dense_tflops, d):,g}"
        else:
            v = getattr(h, f)
            val = "unknown (null)" if v is None else (str(v) if f == "launch_year" else f"{v:,g}")
            if f == "hbm_gib" and v is not None:
                val += f" (source wrote {h.hbm_source_unit})"
            if f == "scale_up_gb_per_s" and v is not None:
                val += f" {h.scale_up_direction}" + (f", {h.scale_up_link}" if h.scale_up_link else "")
        srcs = ", ".join(s.id for s in h.sources_for(f)) or "-"
        print(f"  {f:26} {val}   [{srcs}]")
    for a in h.alternatives:
        print(f"  alternative {a.field} = {a.value} [{a.source}]" + (f": {a.note}" if a.note else ""))
    for f, why in h.default_choice.items():
        print(f"  default for {f}: {why}")
    for n in h.notes:
        print(f"  note: {n}")
    print("sources:")
    for s in h.sources:
        flag = " (secondary)" if s.secondary else ""
        print(f"  [{s.id}]{flag} {s.ref}\n      {s.says}")
        if s.rechecked:
            print(f"      re-checked: {s.rechecked}")
    return 0

"""``claimbench normalize``: a throughput figure per card, die, node, TFLOP, TB/s, W and $/h."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    """Add ``claimbench normalize`` to the command parsers."""
    from claimbench.cli import add_data_dir_option

    p = sub.add_parser(
        "normalize",
        help="normalize a throughput figure across vendors",
        description="Express a throughput figure per card (package), die, node, dense TFLOP, HBM TB/s, "
        "W and $/h, each with the arithmetic that produced it.",
    )
    p.add_argument("--value", type=float, required=True, help="the figure, e.g. 1943")
    p.add_argument("--basis", required=True, help="what the figure counts: card|die|node|system")
    p.add_argument("--hardware", required=True, metavar="ID", help="hardware id, e.g. ascend-910c")
    p.add_argument("--dtype", help="precision the figure was measured at: bf16|fp16|fp8|int8")
    p.add_argument("--unit", default="tok/s", help="unit of the figure (default tok/s)")
    p.add_argument("--packages-per-node", type=int, help="packages per node (default: the registry's)")
    p.add_argument("--packages-in-system", type=int, help="packages in the whole system (for --basis system)")
    p.add_argument("--tpot-ms", type=float, help="TPOT in ms, for tok/s per user")
    p.add_argument("--power-w", type=float, help="measured mean power per package in W")
    p.add_argument("--usd-per-hour", type=float, help="price per package-hour in USD (overrides the price table)")
    p.add_argument("--peak-tflops", type=float, help="override the peak dense TFLOPS at --dtype (e.g. for cpu-host)")
    p.add_argument("--hbm-tb-per-s", type=float, help="override memory bandwidth (TB/s)")
    p.add_argument("--tdp-w", type=float, help="override TDP (W)")
    add_data_dir_option(p)
    p.add_argument("--json", action="store_true", help="print JSON rows")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """``claimbench normalize``: a throughput per card, die, TFLOP, TB/s, W and $."""
    from claimbench.errors import UserError
    from claimbench.judge.normalize import normalize
    from claimbench.load.registry import load_hardware, prices_for

    for name in ("value", "tpot_ms", "power_w", "usd_per_hour", "peak_tflops", "hbm_tb_per_s", "tdp_w"):
        v = getattr(args, name)
        if v is not None and not (v >= 0 and v != float("inf")):
            raise UserError(f"--{name.replace('_', '-')} must be a finite number >= 0, got {v:g}")
    hw = load_hardware(args.hardware)
    if args.peak_tflops is not None and not args.dtype:
        raise UserError("--peak-tflops needs --dtype")
    hw = hw.with_overrides(
        peak_dense_tflops={args.dtype: args.peak_tflops} if args.peak_tflops is not None else None,
        hbm_tb_per_s=args.hbm_tb_per_s,
        tdp_w=args.tdp_w,
    )
    df = normalize(
        args.value,
        args.basis,
        hw,
        args.dtype,
        unit=args.unit,
        packages_per_node=args.packages_per_node,
        packages_in_system=args.packages_in_system,
        tpot_ms=args.tpot_ms,
        measured_power_w_per_package=args.power_w,
        usd_per_package_hour=args.usd_per_hour,
        prices=prices_for(hw.id),
    )
    if args.json:
        print(json.dumps(df.to_dicts(), indent=2))
        return 0
    for r in df.to_dicts():
        if r["available"]:
            print(f"{r['form']:30} {r['value']:>14,.6g}  {r['unit']}\n{'':32}{r['explanation']}")
        else:
            print(f"{r['form']:30} {'null':>14}  ({r['reason']})")
    return 0

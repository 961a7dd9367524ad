"""``claimbench probe``: measure this device's achievable memory bandwidth and matmul throughput."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub) -> None:
    """Add ``probe`` to the command parser."""
    p = sub.add_parser(
        "probe",
        help="measure the achievable memory bandwidth and matmul TFLOPS of this device",
        description=(
            "Measure what this device reaches (not its datasheet peak): STREAM copy/scale/add/triad over arrays "
            "far beyond the caches, and square matmuls per precision torch runs here. The record is written as "
            "JSON into this host's registry overlay (~/.local/share/claimbench/achievable/, read by the "
            "plausibility step and recorded in measure manifests) and, with --out, to a file."
        ),
    )
    p.add_argument("--device", default="auto", help="torch device (auto: cuda, npu, xpu, else cpu)")
    p.add_argument("--hardware", metavar="ID", help="registry id of the device (default: cpu-host on a CPU)")
    p.add_argument("--stream-mib", type=int, default=256, help="MiB per STREAM array (3 arrays; far above the LLC)")
    p.add_argument("--gemm-n", type=int, default=1024, help="matmul size n (n x n times n x n)")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per kernel (best and median reported)")
    p.add_argument("--dtypes", default="float32,bfloat16,float16,int8", help="matmul precisions to try")
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    p.add_argument("--out", metavar="FILE", help="also write the JSON record here")
    p.add_argument("--overlay-dir", metavar="DIR", help="write the host overlay here instead of the default folder")
    p.add_argument("--no-overlay", action="store_true", help="do not write the host overlay")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(func=run)


def _options(args: argparse.Namespace):
    from claimbench.errors import UserError
    from claimbench.measurement.probe import GEMM_DTYPES, ProbeOptions

    for name, lo, hi in (("stream_mib", 1, 2**20), ("gemm_n", 16, 65536), ("repeats", 1, 1000)):
        v = getattr(args, name)
        if not lo <= v <= hi:
            raise UserError(f"--{name.replace('_', '-')} must be in {lo}..{hi}, got {v}")
    if args.threads is not None and args.threads < 1:
        raise UserError(f"--threads must be at least 1, got {args.threads}")
    dtypes = tuple(d.strip() for d in args.dtypes.split(",") if d.strip())
    bad = [d for d in dtypes if d not in GEMM_DTYPES]
    if bad or not dtypes:
        raise UserError(f"--dtypes: unknown {bad[0] if bad else 'empty list'!r}; use {', '.join(GEMM_DTYPES)}")
    return ProbeOptions(
        device=args.device,
        stream_mib=args.stream_mib,
        gemm_n=args.gemm_n,
        repeats=args.repeats,
        dtypes=dtypes,
        threads=args.threads,
    )


def run(args: argparse.Namespace) -> int:
    """Run the probe, write the record (overlay and --out), print it."""
    from claimbench.measurement.probe import overlay_path, run_probe, write_json

    opts = _options(args)
    hardware = args.hardware
    if hardware:
        from claimbench.load.registry import load_hardware

        load_hardware(hardware)  # unknown id: one line with did-you-mean
    record = run_probe(opts, hardware)
    if record["hardware_id"] is None and record["device"]["type"] == "cpu":
        record["hardware_id"] = "cpu-host"
    written = []
    if not args.no_overlay:
        written.append(write_json(record, overlay_path(record, Path(args.overlay_dir) if args.overlay_dir else None)))
    if args.out:
        written.append(write_json(record, Path(args.out)))
    if args.json:
        print(json.dumps({**record, "written": [str(w) for w in written]}, indent=2, sort_keys=True))
        return 0
    print(format_probe(record))
    for w in written:
        print(w)
    return 0


def format_probe(record: dict) -> str:
    """A short table: STREAM kernels in GB/s and matmul TFLOPS per precision (best / median)."""
    lines = [f"device: {record['device']['type']} {record['device']['name'] or ''} (torch {record['torch_version']})"]
    lines.append(f"{'STREAM (float64)':<18}{'best GB/s':>12}{'median GB/s':>14}")
    for name, k in record["stream"]["kernels"].items():
        lines.append(f"{name:<18}{k['best_gb_per_s']:>12.2f}{k['median_gb_per_s']:>14.2f}")
    lines.append(f"{'matmul':<18}{'best TFLOPS':>12}{'median TFLOPS':>14}")
    for name, g in record["gemm"].items():
        if g.get("supported"):
            note = "  (emulated)" if g.get("native") is False else ""
            lines.append(f"{name:<18}{g['best_tflops']:>12.4g}{g['median_tflops']:>14.4g}{note}")
        else:
            lines.append(f"{name:<18}  not supported: {g['reason']}")
    return "\n".join(lines)

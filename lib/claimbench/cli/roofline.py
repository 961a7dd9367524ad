"""``claimbench roofline``: physical upper bounds on decode/prefill throughput, and on ratio claims."""

from __future__ import annotations

import argparse
import json


def register(sub) -> None:
    """Add ``claimbench roofline`` to the command parsers."""
    from claimbench.cli import add_data_dir_option

    p = sub.add_parser(
        "roofline",
        help="upper bound on tok/s for a model on a chip (and on 'Nx chip B' claims)",
        description="Bound decode step time by HBM traffic, FLOPs and interconnect; report tok/s per "
        "device and which roof binds. With --tpot-ms: the largest batch meeting that TPOT.",
    )
    p.add_argument("--model", required=True, help="model id, e.g. deepseek-r1")
    p.add_argument("--hardware", required=True, metavar="ID", help="hardware id, e.g. ascend-910c")
    p.add_argument("--dtype", required=True, help="compute dtype: bf16|fp16|fp8|int8")
    p.add_argument("--weights-dtype", help="weight storage dtype (default: --dtype)")
    p.add_argument("--kv-dtype", help="KV-cache dtype (default: bf16, or --dtype when 8-bit)")
    p.add_argument("--kv-rope-dtype", help="MLA RoPE-key dtype (default: --kv-dtype)")
    p.add_argument("--context", type=float, required=True, help="KV length per sequence during decode (tokens)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--batch", type=float, help="sequences per device")
    g.add_argument("--tpot-ms", type=float, help="find the largest batch meeting this TPOT")
    p.add_argument("--tp", type=int, default=1, help="tensor-parallel degree (devices)")
    p.add_argument("--ep", type=int, default=1, help="expert-parallel degree (devices)")
    p.add_argument("--mtp", type=int, default=0, help="speculative (MTP) draft tokens per step")
    p.add_argument("--acceptance", type=float, default=0.0, help="per-draft acceptance probability")
    p.add_argument("--device", choices=["package", "die"], default="package", help="unit of the parallel degrees")
    p.add_argument("--prefill-tokens", type=int, help="also bound prefill for prompts of this length")
    p.add_argument("--versus", metavar="ID", help="bound the ratio against this hardware")
    p.add_argument("--versus-dtype", help="compute (and weight/KV) dtype on --versus (default: --dtype)")
    p.add_argument("--versus-tp", type=int, help="TP on --versus (default: --tp)")
    p.add_argument("--versus-ep", type=int, help="EP on --versus (default: --ep)")
    p.add_argument("--versus-measured", type=float, help="measured tok/s per package on --versus")
    add_data_dir_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _precision(dtype, weights=None, kv=None, kv_rope=None):
    from claimbench.judge.roofline import Precision
    from claimbench.schema.hardware import DTYPE_BYTES, canonical_dtype

    d = canonical_dtype(dtype)
    w = canonical_dtype(weights) if weights else d
    k = canonical_dtype(kv) if kv else (d if DTYPE_BYTES.get(d, 2) <= 1 else "bf16")
    return Precision(compute=d, weights=w, kv=k, kv_rope=canonical_dtype(kv_rope) if kv_rope else None)


def run(args: argparse.Namespace) -> int:
    """``claimbench roofline``: the physical bound for a model on a chip, with its arithmetic."""
    from claimbench.errors import UserError
    from claimbench.judge import roofline as rl
    from claimbench.load.registry import load_hardware, load_model

    for name in ("context", "batch", "tpot_ms", "acceptance", "versus_measured"):
        v = getattr(args, name)
        if v is not None and not (v >= 0 and v != float("inf")):
            raise UserError(f"--{name.replace('_', '-')} must be a finite number >= 0, got {v:g}")
    model = load_model(args.model)
    hw = load_hardware(args.hardware)
    prec = _precision(args.dtype, args.weights_dtype, args.kv_dtype, args.kv_rope_dtype)
    dep = rl.ParallelLayout(tp=args.tp, ep=args.ep)
    kw = dict(
        context_tokens=args.context,
        precision=prec,
        deployment=dep,
        spec_tokens=args.mtp,
        acceptance=args.acceptance,
        device=args.device,
    )
    out: dict = {}
    if args.batch is not None:
        out["decode"] = rl.decode_bound(model, hw, batch_per_device=args.batch, **kw).to_dict()
    else:
        out["decode_at_tpot"] = rl.max_batch_at_tpot(model, hw, tpot_ms=args.tpot_ms, **kw).to_dict()
    if args.prefill_tokens is not None:
        out["prefill"] = rl.prefill_bound(
            model, hw, prompt_tokens=args.prefill_tokens, precision=prec, deployment=dep, device=args.device
        ).to_dict()
    if args.versus:
        hb = load_hardware(args.versus)
        pb = _precision(args.versus_dtype) if args.versus_dtype else prec
        depb = rl.ParallelLayout(tp=args.versus_tp or args.tp, ep=args.versus_ep or args.ep)
        r = rl.ratio_bound(
            model,
            hw,
            hb,
            context_tokens=args.context,
            precision_a=prec,
            precision_b=pb,
            deployment_a=dep,
            deployment_b=depb,
            tpot_ms=args.tpot_ms,
            batch_per_device=args.batch,
            spec_tokens=args.mtp,
            acceptance=args.acceptance,
            device=args.device,
            b_measured_tok_per_s_per_package=args.versus_measured,
        )
        out["ratio"] = {
            "ratio_per_package": r.ratio_per_package,
            "ratio_per_die": r.ratio_per_die,
            "ratio_vs_measured_b": r.ratio_vs_measured_b,
            "explanation": r.explanation,
        }
    if args.json:
        print(json.dumps(out, indent=2, default=str))
        return 0
    d = out.get("decode") or (out["decode_at_tpot"]["bound"] if out.get("decode_at_tpot") else None)
    if "decode_at_tpot" in out:
        t = out["decode_at_tpot"]
        if t["max_batch_per_device"] is None:
            print(f"no batch meets TPOT <= {args.tpot_ms:g} ms: {t['reason']}")
        else:
            print(
                f"largest batch per {args.device} at TPOT <= {args.tpot_ms:g} ms: {t['max_batch_per_device']} "
                f"(limited by {t['limited_by']})"
            )
    if d is not None:
        print(
            f"decode {model.id} on {hw.id} ({prec.compute}), batch {d['batch_per_device']:g} per {d['device']}, "
            f"context {d['context_tokens']:g}:"
        )
        comm = f", interconnect {d['t_comm_s'] * 1e3:.3g} ms" if d["t_comm_s"] is not None else ""
        print(
            f"  step >= {d['step_time_s'] * 1e3:.3g} ms ({d['binding']}-bound: memory {d['t_memory_s'] * 1e3:.3g} ms, "
            f"compute {d['t_compute_s'] * 1e3:.3g} ms{comm})"
        )
        print(
            f"  TPOT >= {d['tpot_ms']:.3g} ms; output <= {d['output_tok_per_s_per_device']:,.0f} tok/s per {d['device']}"
            f" = {d['output_tok_per_s_per_package']:,.0f} per package"
        )
        if d["capacity_batch_per_device"] is not None:
            print(f"  HBM holds at most {d['capacity_batch_per_device']:,} sequences per {d['device']} at this context")
        for n in d["notes"]:
            print(f"  note: {n}")
    if "prefill" in out:
        p = out["prefill"]
        print(
            f"prefill {p['prompt_tokens']} tokens: <= {p['input_tok_per_s_per_device']:,.0f} tok/s per {p['device']} "
            f"({p['binding']}-bound)"
        )
    if "ratio" in out:
        print(f"ratio: {out['ratio']['explanation']}")
    return 0

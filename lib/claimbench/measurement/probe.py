"""Achievable ceilings of the present device: memory bandwidth (STREAM-style) and matmul throughput.

Datasheet peaks are roofs no machine reaches; this probe measures what this device does reach, so a
roofline can be drawn at both heights. Everything runs through torch, so the same code measures a
CPU here and a CUDA / ROCm / NPU device where torch sees one.

- **Memory bandwidth**: the four STREAM kernels (McCalpin's definitions and byte counts) over
  arrays far larger than the last-level cache: copy ``a = b`` (2 × 8 bytes per element moved,
  float64 as STREAM), scale ``a = q·b`` (2), add ``a = b + c`` (3), triad ``a = b + q·c`` (3);
  in-place ``out=`` forms, so no allocation is timed. Reported as the best of ``repeats`` runs
  (STREAM's rule) with the median beside it. triad is the figure used as "achievable memory
  bandwidth".
- **Matmul throughput**: ``C = A @ B`` on square matrices per precision torch can execute on the
  device (float32, bfloat16, float16; int8 where ``torch._int_mm`` runs), 2·n³ operations per
  product; the best and median of ``repeats`` timed runs after one warmup. A precision that
  raises is listed as not supported with the reason; a 16-bit one far slower than float32 is
  flagged as emulated and left out of the achievable roof.

The result is a plain dict (``schema: 1``) written as JSON; :func:`overlay_path` says where the
host's registry overlay lives (see :mod:`claimbench.load.achievable`).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STREAM_KERNELS = {"copy": 2, "scale": 2, "add": 3, "triad": 3}  # arrays touched per element
GEMM_DTYPES = ("float32", "bfloat16", "float16", "int8")
# registry dtype names (schema.hardware DTYPES) for torch dtype names
REGISTRY_DTYPE = {"float32": "fp32", "bfloat16": "bf16", "float16": "fp16", "int8": "int8"}


@dataclass(frozen=True)
class ProbeOptions:
    """How much to measure: ``stream_mib`` per array (3 arrays), GEMM size ``gemm_n``, ``repeats``."""

    device: str = "auto"
    stream_mib: int = 256
    gemm_n: int = 1024
    repeats: int = 5
    dtypes: tuple[str, ...] = GEMM_DTYPES
    threads: int | None = None


def _device(name: str):
    import torch

    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if hasattr(torch, "npu") and torch.npu.is_available():  # torch_npu registers it
        return torch.device("npu")
    if hasattr(torch, "xpu") and torch.xpu.is_available():
        return torch.device("xpu")
    return torch.device("cpu")


def _sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type in ("npu", "xpu"):
        getattr(torch, device.type).synchronize()


def _timed(fn, device, repeats: int) -> list[float]:
    fn()  # warmup (first touch, kernel selection)
    _sync(device)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return times


def stream_bandwidth(opts: ProbeOptions, device) -> dict[str, Any]:
    """STREAM copy/scale/add/triad in GB/s (10⁹ bytes per second), best and median of the repeats."""
    import torch

    n = opts.stream_mib * 2**20 // 8
    a = torch.zeros(n, dtype=torch.float64, device=device)
    b = torch.full((n,), 2.0, dtype=torch.float64, device=device)
    c = torch.full((n,), 0.5, dtype=torch.float64, device=device)
    q = 3.0
    kernels = {
        "copy": lambda: a.copy_(b),
        "scale": lambda: torch.mul(b, q, out=a),
        "add": lambda: torch.add(b, c, out=a),
        "triad": lambda: torch.add(b, c, alpha=q, out=a),
    }
    out: dict[str, Any] = {}
    for name, fn in kernels.items():
        times = _timed(fn, device, opts.repeats)
        moved = STREAM_KERNELS[name] * 8 * n
        out[name] = {
            "best_gb_per_s": moved / min(times) / 1e9,
            "median_gb_per_s": moved / statistics.median(times) / 1e9,
            "bytes_per_run": moved,
        }
    if float(a[0]) != 2.0 + q * 0.5:  # the last kernel was triad: a = b + q c
        raise RuntimeError("STREAM triad gave a wrong result; the measurement is not valid")
    return {"array_bytes": 8 * n, "element": "float64", "kernels": out}


def gemm_rate(dtype_name: str, opts: ProbeOptions, device) -> dict[str, Any]:
    """TFLOPS (10¹² operations per second) of an n×n matmul in ``dtype_name``; or why not supported."""
    import torch

    n = opts.gemm_n
    try:
        if dtype_name == "int8":
            if not hasattr(torch, "_int_mm"):
                return {"supported": False, "reason": "torch has no _int_mm"}
            x = torch.randint(-64, 64, (n, n), dtype=torch.int8, device=device)
            y = torch.randint(-64, 64, (n, n), dtype=torch.int8, device=device)

            def fn():
                return torch._int_mm(x, y)
        else:
            dt = getattr(torch, dtype_name)
            x = torch.randn(n, n, device=device).to(dt)
            y = torch.randn(n, n, device=device).to(dt)
            z = torch.empty(n, n, dtype=dt, device=device)

            def fn():
                return torch.matmul(x, y, out=z)

        times = _timed(fn, device, opts.repeats)
    except Exception as exc:  # an unsupported dtype raises RuntimeError/NotImplementedError
        return {"supported": False, "reason": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    ops = 2.0 * n**3
    best = ops / min(times) / 1e12
    return {"supported": True, "n": n, "best_tflops": best, "median_tflops": ops / statistics.median(times) / 1e12}


def _flag_emulated(gemm: dict[str, dict[str, Any]]) -> None:
    """A 16-bit precision running below a quarter of float32's rate is emulated (converted to float32
    per block, as float16 on CPUs without AVX512-FP16/AMX-FP16): kept, but not a native roof."""
    fp32 = (gemm.get("fp32") or {}).get("best_tflops")
    for name in ("bf16", "fp16"):
        rec = gemm.get(name) or {}
        if fp32 and rec.get("supported") and rec["best_tflops"] < 0.25 * fp32:
            rec["native"] = False
            rec["note"] = f"{rec['best_tflops'] / fp32:.2g}x the float32 rate: emulated, not a native roof"


def host_key() -> str:
    """A short stable id of this host (node name, CPU model, core count) for the overlay file name."""
    from claimbench.measurement.platform import cpu_model

    text = json.dumps([platform.node(), cpu_model(), os.cpu_count()])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def run_probe(opts: ProbeOptions, hardware_id: str | None = None) -> dict[str, Any]:
    """Measure the device's achievable bandwidth and matmul rates; a JSON-ready record."""
    import torch

    from claimbench.measurement.platform import cpu_flags, cpu_model

    if opts.threads:
        torch.set_num_threads(opts.threads)
    device = _device(opts.device)
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    t0 = time.monotonic()
    stream = stream_bandwidth(opts, device)
    gemm = {REGISTRY_DTYPE[d]: gemm_rate(d, opts, device) for d in opts.dtypes}
    _flag_emulated(gemm)
    triad = stream["kernels"]["triad"]["best_gb_per_s"]
    return {
        "schema": 1,
        "kind": "claimbench-probe",
        "created": created,
        "hardware_id": hardware_id,
        "host": {
            "key": host_key(),
            "cpu_model": cpu_model(),
            "cpu_count": os.cpu_count(),
            "cpu_flags": cpu_flags(),
            "torch_threads": torch.get_num_threads(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
        "device": {"type": device.type, "name": _device_name(device)},
        "torch_version": torch.__version__,
        "options": {"stream_mib": opts.stream_mib, "gemm_n": opts.gemm_n, "repeats": opts.repeats},
        "stream": stream,
        "gemm": gemm,
        "achievable": {
            "memory_tb_per_s": triad / 1000.0,
            "memory_kernel": "triad (best of repeats)",
            "dense_tflops": {
                k: v["best_tflops"] for k, v in gemm.items() if v.get("supported") and v.get("native", True)
            },
        },
        "duration_s": time.monotonic() - t0,
    }


def _device_name(device) -> str | None:
    import torch

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "cpu":
        from claimbench.measurement.platform import cpu_model

        return cpu_model()
    return None


def overlay_path(record: dict[str, Any], folder: Path | None = None) -> Path:
    """Where the record of this host goes: ``<folder>/<hardware id>@<host key>.json``."""
    hw = record.get("hardware_id") or "unknown"
    from claimbench.load.achievable import default_overlay_dir

    return (folder or default_overlay_dir()) / f"{hw}@{record['host']['key']}.json"


def write_json(record: dict[str, Any], path: Path) -> Path:
    """Write ``record`` atomically (temp file + rename), sorted keys, trailing newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path

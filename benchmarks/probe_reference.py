"""``claimbench probe`` against reference tools on the same host, side by side.

    .venv/bin/python -m benchmarks.probe_reference [--quick] [--rounds N]

- **Memory bandwidth**: the probe's STREAM kernels (torch, float64) against a STREAM written in C
  here (McCalpin's four kernels and byte counts, one pass per kernel, OpenMP over all cores,
  ``gcc -O3 -march=native -fopenmp``), compiled at run time into a temporary folder, and against
  NumPy (``copyto``/``multiply``/``add`` with ``out=``; NumPy's triad needs two passes, so it is
  reported but it is not a one-pass reference).
- **Matmul**: the probe's float32 TFLOPS against NumPy's ``matmul`` (its BLAS) at the same size.

Each round runs the tools alternately (probe, C, NumPy), so a change in machine load hits all of
them; the result keeps every round and the best of each (STREAM's rule), in
``benchmarks/results/probe_reference.json`` and a Markdown table in ``probe_reference.md``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, log, machine, write_result

STREAM_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include <omp.h>
int main(int argc, char **argv) {
    long n = atol(argv[1]); int reps = atoi(argv[2]);
    double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double)), *c = malloc(n * sizeof(double));
    double q = 3.0;
    #pragma omp parallel for
    for (long j = 0; j < n; j++) { a[j] = 1.0; b[j] = 2.0; c[j] = 0.5; }
    const char *names[4] = {"copy", "scale", "add", "triad"};
    const double words[4] = {2, 2, 3, 3};
    for (int k = 0; k < 4; k++) {
        double best = 1e30;
        for (int r = 0; r <= reps; r++) {
            double t = omp_get_wtime();
            if (k == 0) {
                #pragma omp parallel for
                for (long j = 0; j < n; j++) a[j] = b[j];
            } else if (k == 1) {
                #pragma omp parallel for
                for (long j = 0; j < n; j++) a[j] = q * b[j];
            } else if (k == 2) {
                #pragma omp parallel for
                for (long j = 0; j < n; j++) a[j] = b[j] + c[j];
            } else {
                #pragma omp parallel for
                for (long j = 0; j < n; j++) a[j] = b[j] + q * c[j];
            }
            t = omp_get_wtime() - t;
            if (r > 0 && t < best) best = t;  /* the first pass is a warmup, as in the probe */
        }
        printf("%s %.6f\n", names[k], words[k] * 8.0 * n / best / 1e9);
    }
    if (a[0] != 2.0 + q * 0.5) { fprintf(stderr, "wrong result\n"); return 1; }
    return 0;
}
"""


def build_c_stream(folder: Path) -> Path | None:
    """Compile the C STREAM; None (with a log line) when no C compiler with OpenMP is present."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        log("no C compiler: the C STREAM reference is skipped")
        return None
    src, exe = folder / "stream.c", folder / "stream"
    src.write_text(STREAM_C)
    proc = subprocess.run(
        [cc, "-O3", "-march=native", "-fopenmp", str(src), "-o", str(exe)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        log("C STREAM did not compile:", proc.stderr[-400:])
        return None
    return exe


def run_c_stream(exe: Path, n: int, reps: int) -> dict[str, float]:
    out = subprocess.run([str(exe), str(n), str(reps)], capture_output=True, text=True, check=True, timeout=600)
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\w+) ([\d.]+)$", out.stdout, re.M)}


def run_numpy_stream(n: int, reps: int) -> dict[str, float]:
    import numpy as np

    a, b, c = np.ones(n), np.full(n, 2.0), np.full(n, 0.5)
    q = 3.0
    tmp = np.empty(n)

    def triad():  # two passes: NumPy cannot fuse b + q*c
        np.multiply(c, q, out=tmp)
        np.add(b, tmp, out=a)

    kernels = {
        "copy": (lambda: np.copyto(a, b), 2),
        "scale": (lambda: np.multiply(b, q, out=a), 2),
        "add": (lambda: np.add(b, c, out=a), 3),
        "triad": (triad, 3),
    }
    out = {}
    for name, (fn, words) in kernels.items():
        fn()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        out[name] = words * 8 * n / min(times) / 1e9
    return out


def run_numpy_gemm(n: int, reps: int) -> float:
    import numpy as np

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    z = np.empty((n, n), dtype=np.float32)
    np.matmul(x, y, out=z)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        np.matmul(x, y, out=z)
        times.append(time.perf_counter() - t0)
    return 2.0 * n**3 / min(times) / 1e12


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.probe_reference", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="64 MiB arrays, n=512, 2 rounds")
    ap.add_argument("--rounds", type=int, default=None)
    args = ap.parse_args(argv)
    from claimbench.measurement.probe import ProbeOptions, run_probe

    mib, gemm_n, reps = (64, 512, 3) if args.quick else (256, 1024, 5)
    rounds = args.rounds or (2 if args.quick else 3)
    n = mib * 2**20 // 8
    m = machine()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        exe = build_c_stream(Path(tmp))
        for r in range(rounds):
            log(f"round {r + 1}/{rounds}: probe")
            rec = run_probe(ProbeOptions(stream_mib=mib, gemm_n=gemm_n, repeats=reps, dtypes=("float32",)))
            probe = {k: v["best_gb_per_s"] for k, v in rec["stream"]["kernels"].items()}
            c_res = run_c_stream(exe, n, reps) if exe else {}
            log(f"round {r + 1}/{rounds}: numpy")
            np_res = run_numpy_stream(n, reps)
            rows.append(
                {
                    "round": r,
                    "probe_gb_per_s": probe,
                    "c_stream_gb_per_s": c_res,
                    "numpy_gb_per_s": np_res,
                    "probe_fp32_tflops": rec["gemm"]["fp32"].get("best_tflops"),
                    "numpy_fp32_tflops": run_numpy_gemm(gemm_n, reps),
                    "loadavg": [round(x, 2) for x in os.getloadavg()],
                }
            )

    def best(key: str, kernel: str | None = None) -> float | None:
        vals = [(row[key] or {}).get(kernel) if kernel else row[key] for row in rows]
        vals = [v for v in vals if v is not None]
        return max(vals) if vals else None

    summary = {
        kernel: {
            "probe": best("probe_gb_per_s", kernel),
            "c_stream": best("c_stream_gb_per_s", kernel),
            "numpy": best("numpy_gb_per_s", kernel),
        }
        for kernel in ("copy", "scale", "add", "triad")
    }
    summary["fp32_matmul_tflops"] = {"probe": best("probe_fp32_tflops"), "numpy": best("numpy_fp32_tflops")}
    data = {
        "benchmark": "probe_reference",
        "machine": m,
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
        "settings": {"stream_mib_per_array": mib, "gemm_n": gemm_n, "repeats": reps, "rounds": rounds},
        "rounds": rows,
        "best": summary,
        "median_triad_ratio_probe_over_c": statistics.median(
            [
                row["probe_gb_per_s"]["triad"] / row["c_stream_gb_per_s"]["triad"]
                for row in rows
                if row["c_stream_gb_per_s"]
            ]
        )
        if any(row["c_stream_gb_per_s"] for row in rows)
        else None,
    }
    path = write_result("probe_reference", data)
    (RESULTS / "probe_reference.md").write_text(render(data))
    log("wrote", path)
    return 0


def render(data: dict[str, Any]) -> str:
    """A Markdown table of the best figures per tool, with machine and load."""
    m = data["machine"]

    def f(v):
        return "-" if v is None else f"{v:.3g}"

    lines = [
        "# claimbench probe vs reference tools on the same host",
        "",
        f"Machine: {m.get('cpu_model') or m.get('cpu')} ({m.get('cpu_count') or os.cpu_count()} cores), "
        f"{data['machine'].get('date_utc')}; load average at start {m.get('loadavg_at_start')}, at end "
        f"{data['loadavg_at_end']} (a shared machine: other jobs ran). Settings: {data['settings']}. "
        "Best of all rounds (STREAM's rule); every round is in probe_reference.json.",
        "",
        "| kernel | claimbench probe (torch) | C STREAM (gcc -O3 -fopenmp) | NumPy |",
        "|---|---|---|---|",
    ]
    for k in ("copy", "scale", "add", "triad"):
        b = data["best"][k]
        note = " (two passes)" if k == "triad" else ""
        lines.append(f"| {k} GB/s | {f(b['probe'])} | {f(b['c_stream'])} | {f(b['numpy'])}{note} |")
    g = data["best"]["fp32_matmul_tflops"]
    lines.append(f"| fp32 matmul TFLOPS | {f(g['probe'])} | - | {f(g['numpy'])} |")
    lines.append("")
    lines.append(f"Median per-round ratio of triad, probe / C STREAM: {f(data['median_triad_ratio_probe_over_c'])}.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

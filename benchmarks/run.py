"""Run every benchmark and regenerate ``benchmarks/README.md`` (``make bench``).

    .venv/bin/python -m benchmarks.run [--quick] [--only client_accuracy,slo_search,analysis_scale,workers_scaling,analysis_system_scale,coordinator_memory,runner_memory] [--vllm]

``--quick`` passes ``--quick`` to each (a few minutes in all); ``--vllm`` adds the SLO search on
the real tiny vLLM engine (run it only when no other vLLM is running). A benchmark that fails is
reported and the others still run; the exit status is 1 if any failed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from benchmarks.common import log

ALL = (
    "analysis_scale",
    "slo_search",
    "client_accuracy",
    "workers_scaling",
    "analysis_system_scale",
    "coordinator_memory",
    "runner_memory",
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default=",".join(ALL))
    ap.add_argument("--vllm", action="store_true")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL]
    if unknown:
        ap.error(f"--only: unknown benchmark(s) {unknown}; choose from {list(ALL)}")
    failed = []
    for name in names:
        sub = ["--quick"] if args.quick else []
        if name == "slo_search" and args.vllm:
            sub.append("--vllm")
        if name == "client_accuracy" and not args.quick:
            sub.append("--burst")
        log(f"== {name} {' '.join(sub)}")
        t = time.monotonic()
        try:
            rc = importlib.import_module(f"benchmarks.{name}").main(sub)
        except Exception:
            traceback.print_exc()
            rc = 1
        log(f"== {name}: {'ok' if rc == 0 else 'FAILED'} in {time.monotonic() - t:.0f} s")
        if rc:
            failed.append(name)
    from benchmarks.report import write_readme

    write_readme()
    if failed:
        log("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

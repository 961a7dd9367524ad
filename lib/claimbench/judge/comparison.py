"""Put measured runs and published results on a common footing (pure).

For each piece of evidence with a throughput, take its best output tok/s (optionally only levels
meeting a TPOT bound), then every normalized form of it (:func:`claimbench.judge.normalize.normalize`):
per card, die, node, dense TFLOP, HBM TB/s, W, $/h. Each row keeps the evidence's own basis and
the arithmetic that converted it.

Like with like: every row carries the conditions that change the number -- model, precision,
input/output lengths, speculative decoding, phase and the latency point (:func:`latency_point`: a
TPOT or TTFT bucket, or "no bound stated") -- and a ``group`` naming them; a figure two sources
report appears once, citing both (:func:`merge_same_figures`). Figures are
ranked only within a group (:func:`rank_within_groups`); a chart never ranks across groups.

:func:`pareto_frame` places every load point (not only the best) on the plane InferenceX made the
industry's picture: throughput per accelerator (card and die) against tok/s per user
(1000 / TPOT); :func:`claim_points` places claims on the same plane.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from claimbench.analyze.metrics import interactivity_tok_per_s
from claimbench.errors import UserError

GROUP_COLUMNS = ("model", "precision", "input_len", "output_len", "speculative", "phase")
"""The conditions that make two throughput figures comparable (DESIGN.md, binding conditions)."""

COLUMNS = {
    "group": pl.String,
    "evidence_id": pl.String,
    "label": pl.String,
    "hardware": pl.String,
    "model": pl.String,
    "precision": pl.String,
    "input_len": pl.Int64,
    "output_len": pl.Int64,
    "speculative": pl.String,
    "phase": pl.String,
    "latency_point": pl.String,
    "source_basis": pl.String,
    "operating_point": pl.String,
    "form": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "explanation": pl.String,
    "reason": pl.String,
}


def speculative_text(spec) -> str | None:
    """'none', the method (with its draft tokens), or None when the source does not say."""
    if spec is None:
        return None
    if spec == "none":
        return "none"
    if not spec.tokens:
        return spec.method
    return f"{spec.method} ({spec.tokens} draft token{'s' if spec.tokens > 1 else ''})"


def group_key(model, precision, input_len, output_len, speculative, phase) -> str:
    """One readable name for a like-with-like group; an unstated condition reads as '?'."""

    def q(x) -> str:
        return "?" if x is None else str(x)

    spec = (
        "spec. decoding ?"
        if speculative is None
        else ("no spec. decoding" if speculative == "none" else f"spec. decoding {speculative}")
    )
    return " · ".join((q(model), q(precision), f"ISL/OSL {q(input_len)}/{q(output_len)}", spec, f"phase {q(phase)}"))


def _conditions(ev) -> dict:
    c = ev.conditions
    spec = speculative_text(c.speculative)
    cond = {
        "model": c.model,
        "precision": c.precision,
        "input_len": c.input_len,
        "output_len": c.output_len,
        "speculative": spec,
        "phase": c.phase,
    }
    return {"group": group_key(*cond.values()), **cond}


def point_tpot_ms(point) -> float | None:
    """The TPOT a point states: its median, else its mean (published results often give only one)."""
    return point.tpot_p50_ms if point.tpot_p50_ms is not None else point.tpot_mean_ms


TPOT_BUCKETS_MS = (10.0, 20.0, 35.0, 50.0, 100.0)
"""Upper edges of the TPOT buckets a point is compared in (ms): figures at 14.9 ms and 24.6 ms per
token are not ranked together."""
TTFT_BUCKETS_MS = (500.0, 1000.0, 2000.0, 5000.0)
"""Upper edges of the TTFT buckets, used when a point states a TTFT but no TPOT."""


def _bucket(value: float, edges: tuple[float, ...], name: str) -> str:
    lower = 0.0
    for edge in edges:
        if value <= edge * 1.02:  # the 2 % tolerance of best_point
            return f"{name} {lower:g}–{edge:g} ms"
        lower = edge
    return f"{name} > {edges[-1]:g} ms"


def latency_point(point) -> str:
    """The latency bucket a point sits in: its stated TPOT bound, else its TPOT (median or mean),
    else its TTFT; 'no bound stated' when it gives none. Part of the like-with-like group."""
    if point.tpot_limit_ms is not None:
        return _bucket(point.tpot_limit_ms, TPOT_BUCKETS_MS, "TPOT")
    tpot = point_tpot_ms(point)
    if tpot is not None:
        return _bucket(tpot, TPOT_BUCKETS_MS, "TPOT")
    ttft = point.ttft_p50_ms if point.ttft_p50_ms is not None else point.ttft_mean_ms
    if ttft is not None:
        return _bucket(ttft, TTFT_BUCKETS_MS, "TTFT")
    return "no bound stated"


def merge_same_figures(frame: pl.DataFrame) -> pl.DataFrame:
    """A figure two sources report (same group, hardware, basis, form and value to 4 significant
    digits) appears once, its label and evidence ids citing both."""
    if frame.height == 0:
        return frame
    key = ["group", "hardware", "source_basis", "form", "_v"]
    keyed = frame.with_columns(
        _v=pl.col("value").map_elements(lambda v: float(f"{v:.4g}"), return_dtype=pl.Float64),
        _n=pl.int_range(pl.len()),
    )
    firsts = keyed.group_by(key, maintain_order=True).agg(
        pl.col("_n").first(),
        pl.col("evidence_id").unique(maintain_order=True).str.join(", ").alias("_ids"),
        pl.col("evidence_id").n_unique().alias("_k"),
    )
    out = keyed.join(firsts, on=[*key, "_n"], how="inner").with_columns(
        evidence_id=pl.col("_ids"),
        label=pl.when(pl.col("_k") > 1)
        .then(pl.format("{} (the same figure: {})", pl.col("label"), pl.col("_ids")))
        .otherwise(pl.col("label")),
    )
    return out.sort("_n").select(frame.columns)


def best_point(evidence, max_tpot_ms: float | None = None):
    """The load point with the highest output tok/s; with ``max_tpot_ms``, among points whose stated
    TPOT is within it (2 % tolerance) or that state none (their label says 'TPOT not stated')."""
    pts = [p for p in evidence.points if p.output_tok_per_s is not None]
    if max_tpot_ms is not None:
        pts = [p for p in pts if (t := point_tpot_ms(p)) is None or t <= max_tpot_ms * 1.02]
    return max(pts, key=lambda p: p.output_tok_per_s, default=None)


def comparison_frame(
    evidence: Sequence,
    hardware: Mapping,
    max_tpot_ms: float | None = None,
    forms: Sequence[str] = (
        "per_card",
        "per_die",
        "per_dense_tflop",
        "per_hbm_tb_per_s",
        "per_watt_tdp",
        "per_watt_measured",
        "per_usd_hour",
    ),
    prices=None,
) -> pl.DataFrame:
    """One row per (evidence, normalized form); evidence without hardware or throughput is skipped."""
    from claimbench.judge.normalize import normalize

    rows = []
    for ev in evidence:
        hw = hardware.get(ev.conditions.hardware) if ev.conditions.hardware else None
        point = best_point(ev, max_tpot_ms)
        if hw is None or point is None or ev.basis not in ("card", "die", "node", "system"):
            continue
        dtype = ev.conditions.precision
        try:
            frame = normalize(
                point.output_tok_per_s,
                ev.basis,
                hw,
                dtype,
                packages_per_node=ev.packages if ev.basis == "node" else None,
                packages_in_system=ev.packages if ev.basis == "system" else None,
                measured_power_w_per_package=point.power_w_per_package,
                prices=prices,
            )
        except UserError:
            frame = normalize(
                point.output_tok_per_s,
                ev.basis,
                hw,
                None,
                packages_per_node=ev.packages if ev.basis == "node" else None,
                packages_in_system=ev.packages if ev.basis == "system" else None,
                measured_power_w_per_package=point.power_w_per_package,
                prices=prices,
            )
        op = ", ".join(
            x
            for x in (
                f"level {point.level}" if point.level else None,
                f"TPOT {point_tpot_ms(point):.1f} ms" if point_tpot_ms(point) is not None else "TPOT not stated",
                f"conc {point.concurrency:g}" if point.concurrency is not None else None,
            )
            if x
        )
        label = f"{ev.id} [{dtype or 'dtype ?'}, per {ev.basis}]"
        cond = _conditions(ev)
        cond["latency_point"] = latency_point(point)
        cond["group"] = f"{cond['group']} · {cond['latency_point']}"
        for r in frame.filter(pl.col("form").is_in(list(forms))).iter_rows(named=True):
            rows.append(
                {
                    "evidence_id": ev.id,
                    "label": label,
                    "hardware": hw.id,
                    **cond,
                    "source_basis": ev.basis,
                    "operating_point": op or None,
                    "form": r["form"],
                    "value": r["value"],
                    "unit": r["unit"],
                    "explanation": r["explanation"] or None,
                    "reason": r["reason"],
                }
            )
    frame = pl.DataFrame(rows, schema=COLUMNS, orient="row") if rows else pl.DataFrame(schema=COLUMNS)
    return merge_same_figures(frame.select(list(COLUMNS)))


def rank_within_groups(frame: pl.DataFrame, form: str) -> pl.DataFrame:
    """Rows of one normalized form, ranked (1 = highest) only against rows of the same group.

    Adds ``rank_in_group`` and ``n_in_group``; rows without a value keep a null rank."""
    data = frame.filter(pl.col("form") == form)
    if data.height == 0:
        return data.with_columns(rank_in_group=pl.lit(None, pl.UInt32), n_in_group=pl.lit(None, pl.UInt32))
    return data.with_columns(
        rank_in_group=pl.col("value").rank(method="min", descending=True).over("group").cast(pl.UInt32),
        n_in_group=pl.col("value").count().over("group").cast(pl.UInt32),
    ).sort("group", "rank_in_group", nulls_last=True)


PARETO_COLUMNS = {
    "group": pl.String,
    "evidence_id": pl.String,
    "label": pl.String,
    "source": pl.String,
    "publisher": pl.String,
    "source_url": pl.String,
    "hardware": pl.String,
    "vendor": pl.String,
    "model": pl.String,
    "precision": pl.String,
    "input_len": pl.Int64,
    "output_len": pl.Int64,
    "speculative": pl.String,
    "phase": pl.String,
    "source_basis": pl.String,
    "level": pl.String,
    "concurrency": pl.Float64,
    "tpot_ms": pl.Float64,
    "tpot_stat": pl.String,
    "tok_s_per_user": pl.Float64,
    "output_tok_per_s": pl.Float64,
    "per_card": pl.Float64,
    "per_die": pl.Float64,
}


def _per_card_die(value: float, basis: str, hw, packages: int | None) -> tuple[float | None, float | None]:
    from claimbench.judge.normalize import normalize

    frame = normalize(
        value,
        basis,
        hw,
        None,
        packages_per_node=packages if basis == "node" else None,
        packages_in_system=packages if basis == "system" else None,
    )
    forms = {r["form"]: r["value"] for r in frame.iter_rows(named=True)}
    return forms.get("per_card"), forms.get("per_die")


def pareto_frame(evidence: Sequence, hardware: Mapping) -> pl.DataFrame:
    """Every load point that states both output tok/s and a TPOT, on the Pareto plane.

    ``tok_s_per_user`` = 1000 / TPOT (the median when stated, else the mean: ``tpot_stat``);
    ``per_card`` and ``per_die`` are the throughput per accelerator package and per die (null
    when the source's basis cannot be converted, e.g. a node of unstated size). ``source`` is
    'measured here' for our run bundles, 'measured (peer tool)' for vllm bench / GuideLLM files
    and 'published' for data/reference."""
    from claimbench.schema.evidence import MEASURED_KINDS

    rows = []
    for ev in evidence:
        hw = hardware.get(ev.conditions.hardware) if ev.conditions.hardware else None
        if hw is None or ev.basis not in ("card", "die", "node", "system"):
            continue
        cond = _conditions(ev)
        if ev.kind == "run_bundle":
            source = "measured here"
        elif ev.kind in MEASURED_KINDS:
            source = "measured (peer tool)"
        else:
            source = "published"
        publisher = ev.reported_by or (ev.source.publisher if ev.source else None)
        for p in ev.points:
            tpot = point_tpot_ms(p)
            if p.output_tok_per_s is None or tpot is None or tpot <= 0:
                continue
            try:
                per_card, per_die = _per_card_die(p.output_tok_per_s, ev.basis, hw, ev.packages)
            except UserError:
                continue
            if per_card is None and per_die is None:
                continue
            rows.append(
                {
                    **cond,
                    "evidence_id": ev.id,
                    "label": ev.title or ev.id,
                    "source": source,
                    "publisher": publisher,
                    "source_url": ev.source.url if ev.source else None,
                    "hardware": hw.id,
                    "vendor": hw.vendor,
                    "source_basis": ev.basis,
                    "level": p.level,
                    "concurrency": p.concurrency,
                    "tpot_ms": tpot,
                    "tpot_stat": "p50" if p.tpot_p50_ms is not None else "mean",
                    "tok_s_per_user": interactivity_tok_per_s(tpot),
                    "output_tok_per_s": p.output_tok_per_s,
                    "per_card": per_card,
                    "per_die": per_die,
                }
            )
    if not rows:
        return pl.DataFrame(schema=PARETO_COLUMNS)
    return pl.DataFrame(rows, schema=PARETO_COLUMNS, orient="row").sort("group", "evidence_id", "tok_s_per_user")


CLAIM_POINT_COLUMNS = {
    "group": pl.String,
    "claim_id": pl.String,
    "reading": pl.String,
    "label": pl.String,
    "hardware": pl.String,
    "model": pl.String,
    "precision": pl.String,
    "input_len": pl.Int64,
    "output_len": pl.Int64,
    "speculative": pl.String,
    "phase": pl.String,
    "comparator": pl.String,
    "claimed": pl.Float64,
    "basis": pl.String,
    "tpot_ms": pl.Float64,
    "tok_s_per_user": pl.Float64,
    "per_card": pl.Float64,
    "per_die": pl.Float64,
}


def claim_points(claims: Sequence, hardware: Mapping) -> pl.DataFrame:
    """Claim readings that name an output throughput per card or die at a TPOT bound, as points on
    the Pareto plane (x = 1000 / the TPOT bound, the slowest per-user speed the claim allows)."""
    from claimbench.schema.claims import resolved_readings

    rows = []
    for claim in claims:
        pred = claim.predicate
        if pred is None or pred.metric != "output_tok_per_s" or pred.ratio_to is not None:
            continue
        if not isinstance(pred.value, (int, float)):
            continue
        for r in resolved_readings(claim):
            c = r.conditions
            tpot = next((s.max_ms for s in (c.slo or []) if s.metric == "tpot"), None)
            basis = r.basis or pred.basis
            if tpot is None or basis not in ("card", "die"):
                continue
            hw = hardware.get(c.hardware) if c.hardware else None
            if hw is not None:
                per_card, per_die = _per_card_die(float(pred.value), basis, hw, None)
            else:
                per_card, per_die = (float(pred.value), None) if basis == "card" else (None, float(pred.value))
            spec = speculative_text(c.speculative)
            cond = {
                "model": c.model,
                "precision": c.precision,
                "input_len": c.input_len,
                "output_len": c.output_len,
                "speculative": spec,
                "phase": c.phase,
            }
            rows.append(
                {
                    "group": group_key(*cond.values()),
                    "claim_id": claim.id,
                    "reading": r.reading_id,
                    "label": f"{claim.id} / {r.reading_id}",
                    "hardware": c.hardware,
                    **cond,
                    "comparator": pred.comparator,
                    "claimed": float(pred.value),
                    "basis": basis,
                    "tpot_ms": tpot,
                    "tok_s_per_user": interactivity_tok_per_s(tpot),
                    "per_card": per_card,
                    "per_die": per_die,
                }
            )
    if not rows:
        return pl.DataFrame(schema=CLAIM_POINT_COLUMNS)
    return pl.DataFrame(rows, schema=CLAIM_POINT_COLUMNS, orient="row")

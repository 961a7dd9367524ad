"""Serialize verdicts: JSON per claim (CLI ``--json``, notebooks, claim cards), Markdown, short notes."""

from __future__ import annotations

import functools
import math
from typing import Any


def _use_dict(u) -> dict:
    return {
        "evidence_id": u.evidence_id,
        "kind": u.kind,
        "source": u.source_url,
        "secondary": u.secondary,
        "derived": u.derived,
        "reported_by": u.reported_by,
        "observed": u.observed,
        "outcome": u.outcome,
        "interval": list(u.interval) if u.interval else None,
        "read": u.read.method if u.read else None,
        "read_kind": u.read.kind if u.read else None,
        "bracket": list(u.read.bracket) if u.read and u.read.bracket else None,
        "conversion": u.conversion,
        "reasons_not_comparable": list(u.reasons),
        "notes": [n for n in u.notes if n],
        "corroboration": u.corroboration,
        "caveats": list(u.caveats),
    }


def _cond_dict(c) -> dict:
    return {
        "condition": c.name,
        "claim": c.claim,
        "evidence": c.evidence,
        "status": c.status,
        "binding": c.binding,
        "note": c.note,
    }


def _finite_pair(lo: float | None, hi: float | None) -> list[float | None] | None:
    """[low, high] of an interval for JSON: null when there is none, an unbounded end as null."""
    if lo is None or hi is None:
        return None
    return [x if math.isfinite(x) else None for x in (lo, hi)]


def _regions_dict(g) -> dict | None:
    """A per-region reading as the typed record's JSON (:class:`claimbench.schema.verdict.RegionReadingRecord`)."""
    if g is None:
        return None
    return {
        "numerator": g.numerator,
        "denominator": g.denominator,
        "scope_tok_s_user": list(g.scope),
        "overlap_tok_s_user": list(g.overlap) if g.overlap else None,
        "regions": [
            {
                "low_tok_s_user": s.low,
                "high_tok_s_user": s.high,
                "verdict": s.verdict,
                "ratio_low": s.ratio_low,
                "ratio_high": s.ratio_high,
                "ratio_interval": _finite_pair(s.interval_low, s.interval_high),
                "kind": s.kind,
            }
            for s in g.spans
        ],
        "crossovers_tok_s_user": list(g.crossovers),
        "crossover_intervals_tok_s_user": [list(b) for b in g.crossover_intervals],
        "supported_share": g.supported_share,
        "refuted_share": g.refuted_share,
        "frontier": [
            {
                "side": p.side,
                "evidence_id": p.evidence_id,
                "interactivity_tok_s_user": p.interactivity,
                "value": p.value,
                "kind": p.kind,
                "level": p.level,
            }
            for p in g.frontier
        ],
    }


def _verdict_dict(v) -> dict:
    return {
        "reading": v.reading_id,
        "reading_label": v.reading_label,
        "predicate": v.predicate,
        "verdict": v.verdict,
        "claimed": v.claimed,
        "observed": v.observed,
        "unit": v.unit,
        "basis": v.basis,
        "margin_rel": v.margin_rel,
        "interval": list(v.interval) if v.interval else None,
        "interval_method": v.interval_method,
        "read_method": v.read_method,
        "evidence_used": [_use_dict(u) for u in v.evidence_used],
        "evidence_set_aside": [
            {"evidence_id": u.evidence_id, "reasons": list(u.reasons) or [n for n in u.notes if n]}
            for u in v.evidence_set_aside
        ],
        "conditions_compared": [_cond_dict(c) for c in v.conditions],
        "bound": None
        if v.bound is None
        else {
            "max_value": v.bound.max_value,
            "basis": v.bound.basis,
            "binding_roof": v.bound.binding_roof,
            "explanation": v.bound.explanation,
        },
        "notes": [n for n in v.notes if n],
        "corroboration": v.corroboration,
        "claimant": v.claimant,
        "what_would_decide": list(v.what_would_decide),
        "decide_command": v.decide_command,
        "differences": list(v.differences),
        "assumed": list(v.assumed),
        "unknown": list(v.unknown),
        "caveats": list(v.caveats),
        "indicative": v.indicative,
        "spread": [
            {
                "evidence_id": s.evidence_id,
                "observed": s.observed,
                "kind": s.kind,
                "outcome": s.outcome,
                "corroboration": s.corroboration,
                "best_matched": s.best_matched,
            }
            for s in getattr(v, "spread", ())
        ],
        "regions": _regions_dict(getattr(v, "regions", None)),
        "why": v.why,
    }


def verdicts_json(verdicts) -> list[dict]:
    """Per claim: id, quote, source, and the reading as worded at top level plus all readings, validated
    as :class:`claimbench.schema.verdict.ClaimVerdicts` (the typed record verdicts.json holds)."""
    return _records_adapter().dump_python(verdict_records(verdicts), mode="json")


@functools.cache
def _records_adapter():
    """One pydantic adapter for a list of verdict records (one dump call: 4x faster than one per record)."""
    from pydantic import TypeAdapter

    from claimbench.schema.verdict import ClaimVerdicts

    return TypeAdapter(list[ClaimVerdicts])


def verdict_records(verdicts) -> list:
    """The typed verdict records (:class:`claimbench.schema.verdict.ClaimVerdicts`), one per claim.

    Each reading is validated once (:class:`~claimbench.schema.verdict.ReadingVerdict`); the claim's top level
    repeats its reading as worded, so it is built from that validated reading rather than validated again."""
    from claimbench.schema.verdict import ClaimVerdicts, ReadingVerdict

    heads: dict[str, tuple] = {}
    readings: dict[str, list] = {}
    for v in verdicts:
        reading = ReadingVerdict.model_validate(_verdict_dict(v))
        if v.claim_id not in heads:
            heads[v.claim_id] = (v, reading)
            readings[v.claim_id] = []
        readings[v.claim_id].append(reading)
    out = []
    for claim_id, (v, head) in heads.items():
        values: dict[str, Any] = dict(head)
        values.update(id=claim_id, title=str(v.title), quote=str(v.quote), source=str(v.source_url))
        values["readings"] = readings[claim_id]
        out.append(ClaimVerdicts.model_construct(**values))
    return out


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notes_text(verdicts, limit: int = 300) -> str:
    """Per reading: verdict, corroboration, why, what was set aside and why, what would decide it
    (short; full text in --json or --out)."""
    lines = ["", "Per reading (full text: --json or --out):"]
    for v in verdicts:
        corr = v.corroboration or "no corroboration: nothing decided it"
        lines.append(f"- {v.claim_id} / {v.reading_id}: {v.verdict} [{corr}]")
        if v.why:
            lines.append(f"    why: {_short(v.why, limit)}")
        for n in [n for n in v.notes if n][:3]:
            lines.append(f"    note: {_short(n, limit)}")
        if v.indicative is not None:
            lines.append(f"    indicative only (not a verdict value): {v.indicative:.4g}")
        if v.unknown:
            lines.append("    unknown: " + _short(", ".join(u.split(":")[0] for u in v.unknown), limit))
        if v.assumed:
            lines.append("    assumed: " + _short(", ".join(a.split(":")[0] for a in v.assumed), limit))
        used = ", ".join(u.evidence_id for u in v.evidence_used)
        if used:
            lines.append(f"    evidence used: {_short(used, limit)}")
        if v.evidence_set_aside:
            reasons: dict[str, list[str]] = {}
            for u in v.evidence_set_aside:
                why = (list(u.reasons) or [n for n in u.notes if n] or ["not comparable"])[0]
                reasons.setdefault(why, []).append(u.evidence_id)
            lines.append(f"    set aside ({len(v.evidence_set_aside)}):")

            # near misses first: reasons other than another chip
            def order(kv):
                return (kv[0].startswith("hardware:"), -len(kv[1]))

            for why, ids in sorted(reasons.items(), key=order)[:4]:
                lines.append(f"      {_short(why, 160)}: {_short(', '.join(ids), 140)}")
        for d in v.what_would_decide[:3]:
            lines.append(f"    would decide: {_short(d, limit)}")
    return "\n".join(lines)


def verdicts_markdown(table) -> str:
    """The verdict table as Markdown."""
    cols = [
        "claim_id",
        "reading",
        "verdict",
        "predicate",
        "observed",
        "margin_rel",
        "ci_low",
        "ci_high",
        "bound_max",
        "corroboration",
        "evidence_used",
    ]
    lines = ["# claimbench verdicts", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in table.select(cols).iter_rows(named=True):
        cells = []
        for c in cols:
            x = row[c]
            if isinstance(x, float):
                x = f"{x:.4g}"
            cells.append("" if x is None else str(x).replace("|", "\\|"))
        lines.append("| " + " | ".join(cells) + " |")
    notes = table.select("claim_id", "reading", "why", "what_would_decide", "notes", "ci_method").iter_rows(named=True)
    lines += ["", "## Why, and what would decide each reading", ""]
    for row in notes:
        extra = f" Interval: {row['ci_method']}." if row["ci_method"] else ""
        decide = f" What would decide it: {row['what_would_decide']}" if row["what_would_decide"] else ""
        lines.append(f"- **{row['claim_id']} / {row['reading']}**: {row['why'] or ''}{decide}{extra}")
    return "\n".join(lines) + "\n"

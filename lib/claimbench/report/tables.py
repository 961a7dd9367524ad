"""Plain-text tables for the terminal (presentation only; no metrics are computed here)."""

from __future__ import annotations

import polars as pl

SUMMARY_VIEW = [
    ("level", "level"),
    ("concurrency", "conc"),
    ("request_rate", "rate/s"),
    ("n_ok", "ok"),
    ("n_failed", "failed"),
    ("output_tok_per_s", "out tok/s"),
    ("request_per_s", "req/s"),
    ("goodput_req_per_s", "goodput/s"),
    ("ttft_p50_ms", "TTFT p50 ms"),
    ("ttft_p99_ms", "TTFT p99 ms"),
    ("tpot_p50_ms", "TPOT p50 ms"),
    ("tpot_p99_ms", "TPOT p99 ms"),
    ("itl_p99_ms", "ITL p99 ms"),
    ("e2el_p50_ms", "E2EL p50 ms"),
    ("isl_mean_tokens", "ISL"),
    ("osl_mean_tokens", "OSL"),
    ("prefix_cache_hit_rate", "prefix hit"),
    ("fidelity_identical_token_rate", "fidelity"),
    ("fidelity_below_threshold", "fid. flag"),
]


def _cell(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v == float("inf"):
            return "inf"
        return f"{v:,.1f}" if abs(v) >= 100 else f"{v:.2f}"
    return str(v)


def format_table(frame: pl.DataFrame, columns: list[tuple[str, str]]) -> str:
    """A frame as an aligned text table of the given (column, header) pairs."""
    cols = [(c, h) for c, h in columns if c in frame.columns]
    rows = [[_cell(r[c]) for c, _ in cols] for r in frame.iter_rows(named=True)]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, (_, h) in enumerate(cols)]
    lines = ["  ".join(h.rjust(w) for (_, h), w in zip(cols, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def format_summary(summary: pl.DataFrame) -> str:
    """The summary of a run as a text table (the columns the CLI prints)."""
    view = list(SUMMARY_VIEW)
    if "run_id" in summary.columns:
        view.insert(0, ("run_id", "run"))
    return format_table(summary, view)

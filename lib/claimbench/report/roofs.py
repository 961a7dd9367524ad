"""The achievable roof beside the datasheet roof: probe records (``claimbench probe``) against the
hardware registry, one row per device figure."""

from __future__ import annotations

import polars as pl

ROOF_COLUMNS = [
    "hardware_id",
    "host",
    "measured",
    "figure",
    "unit",
    "datasheet",
    "achievable",
    "achievable_over_datasheet",
    "how",
]
_SCHEMA = {c: pl.String for c in ROOF_COLUMNS} | {
    "datasheet": pl.Float64,
    "achievable": pl.Float64,
    "achievable_over_datasheet": pl.Float64,
}


def roof_rows(record: dict, datasheet_tb_per_s: float | None, datasheet_tflops: dict[str, float | None]) -> list[dict]:
    """Rows of one probe record: memory bandwidth, then matmul TFLOPS per precision it measured."""
    host = record.get("host") or {}
    base = {
        "hardware_id": record.get("hardware_id"),
        "host": f"{host.get('cpu_model') or record.get('device', {}).get('name') or '?'} ({host.get('key')})",
        "measured": record.get("created"),
    }
    ach = record.get("achievable") or {}
    opts = record.get("options") or {}

    def ratio(a, d):
        return a / d if a is not None and d else None

    mem = ach.get("memory_tb_per_s")
    rows = [
        {
            **base,
            "figure": "memory bandwidth",
            "unit": "TB/s",
            "datasheet": datasheet_tb_per_s,
            "achievable": mem,
            "achievable_over_datasheet": ratio(mem, datasheet_tb_per_s),
            "how": f"STREAM triad, best of {opts.get('repeats')}, {opts.get('stream_mib')} MiB float64 arrays",
        }
    ]
    for dtype, g in sorted((record.get("gemm") or {}).items()):
        if not g.get("supported"):
            continue
        sheet = datasheet_tflops.get(dtype)
        how = f"{g.get('n')}x{g.get('n')} matmul, best of {opts.get('repeats')}"
        if g.get("native") is False:
            how += f"; {g.get('note')}"
        rows.append(
            {
                **base,
                "figure": f"dense {dtype}",
                "unit": "TFLOPS",
                "datasheet": sheet,
                "achievable": g.get("best_tflops"),
                "achievable_over_datasheet": ratio(g.get("best_tflops"), sheet),
                "how": how,
            }
        )
    return rows


def achievable_roofs(data_dir=None) -> pl.DataFrame:
    """Every probe record found (this host's overlay and data layers) beside the registry's datasheet
    figures of its hardware id (null where the registry has none, e.g. cpu-host)."""
    from claimbench.errors import UserError
    from claimbench.load.achievable import list_achievable
    from claimbench.load.registry import load_hardware

    records, _ = list_achievable(data_dir)
    rows: list[dict] = []
    for rec in records:
        tb: float | None = None
        tflops: dict[str, float | None] = {}
        try:
            hw = load_hardware(rec.get("hardware_id") or "")
            tb = hw.hbm_tb_per_s
            for dtype in rec.get("gemm") or {}:
                try:
                    tflops[dtype] = hw.peak_tflops(dtype)
                except UserError:
                    tflops[dtype] = None
        except UserError:
            pass
        rows += roof_rows(rec, tb, tflops)
    return pl.DataFrame(rows, schema=_SCHEMA).select(ROOF_COLUMNS)

"""Request rows of a run, read in bounded batches from its parquet part(s) (files in, frames out).

A bundle holds ``requests.parquet`` or per-level parts (``requests/*.parquet``,
``requests-*.parquet``); a folder of parts or explicit files work too. :func:`request_batches`
returns a callable that yields the rows ``batch_rows`` at a time (a slice of one file per batch,
read without the rest of the file), so an analysis can pass over a run larger than memory, twice
if it needs to (:func:`claimbench.analyze.streaming.summarize_batches`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import polars as pl

from claimbench.errors import UserError


def request_part_paths(path: str | Path) -> list[Path]:
    """The request parquet files of a bundle folder, a folder of parts, or one file (sorted)."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise UserError(f"{p}: no such bundle, folder or parquet file")
    found = sorted({*p.glob("requests.parquet"), *p.glob("requests-*.parquet"), *p.glob("requests/*.parquet")})
    if not found:
        found = sorted(p.glob("*.parquet"))
        found = [f for f in found if f.name != "summary.parquet"]
    if not found:
        raise UserError(f"{p}: no request parquet files (requests.parquet, requests/*.parquet)")
    return found


def request_batches(
    paths: Sequence[str | Path], batch_rows: int = 200_000, columns: Sequence[str] | None = None
) -> Callable[[], Iterator[pl.DataFrame]]:
    """A callable yielding the rows of ``paths`` in batches of at most ``batch_rows`` (in file order);
    calling it with ``columns=[...]`` reads only those columns."""
    files = [Path(f) for f in paths]
    if batch_rows < 1:
        raise ValueError("batch_rows must be positive")

    def gen(columns: Sequence[str] | None = columns) -> Iterator[pl.DataFrame]:
        for f in files:
            try:
                lf = pl.scan_parquet(f)
                if columns is not None:
                    lf = lf.select(list(columns))
                n = lf.select(pl.len()).collect().item()
            except Exception as exc:
                raise UserError(f"{f}: cannot be read as parquet ({type(exc).__name__})") from None
            for off in range(0, n, batch_rows):
                yield lf.slice(off, batch_rows).collect()

    return gen

"""pandas frames for analysts: bundles, verdicts, comparisons and evidence, as easily as polars.

``claimbench.to_pandas(x)`` accepts a polars DataFrame (e.g. ``claimbench.report.steps.compare()``),
a :class:`~claimbench.load.bundles.Bundle` (its ``summary``, or ``which="requests"``), a verify
result (anything with a polars ``table``: the verdict table) or a list of
:class:`~claimbench.schema.evidence.Evidence` (one row per load point). The conversion goes
through Arrow (pyarrow), so list columns such as ``chunk_times_s`` survive.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from claimbench.errors import UserError
from claimbench.schema.evidence import Evidence


def evidence_frame(evidence: list[Evidence]) -> pl.DataFrame:
    """One row per load point: evidence id, kind, conditions, basis, packages and the point's numbers."""
    rows: list[dict[str, Any]] = []
    for ev in evidence:
        cond = ev.conditions.model_dump(mode="json")
        if isinstance(cond.get("speculative"), dict):
            cond["speculative"] = cond["speculative"].get("method")
        head = {"evidence_id": ev.id, "kind": ev.kind, "reported_by": ev.reported_by, **cond}
        head |= {"basis": ev.basis, "packages": ev.packages}
        points: list[Any] = list(ev.points) or [None]
        for pt in points:
            values = pt.model_dump(exclude={"samples"}) if pt is not None else {}
            rows.append({**head, **values})
    return pl.DataFrame(rows, infer_schema_length=None)


def to_pandas(obj: Any, which: str = "summary"):
    """A pandas DataFrame from a polars frame, a bundle, a verify result or a list of evidence."""
    if isinstance(obj, pl.DataFrame):
        frame = obj
    elif isinstance(obj, list) and all(isinstance(e, Evidence) for e in obj):
        frame = evidence_frame(obj)
    elif hasattr(obj, "manifest") and hasattr(obj, "summary"):
        if which not in ("summary", "requests"):
            raise UserError(f"to_pandas: which must be 'summary' or 'requests', got {which!r}")
        frame = getattr(obj, which)
    elif isinstance(getattr(obj, "table", None), pl.DataFrame):
        frame = obj.table
    else:
        raise UserError(f"to_pandas: cannot convert a {type(obj).__name__}")
    return frame.to_pandas()

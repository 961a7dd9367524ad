"""Shared builders for the verdict tests: a claim dict with every required field, evidence records, a chip spec.

Each builder takes keyword overrides for exactly what a test varies; everything else is the same neutral
claim (chip-a, model m, fp8, 1024/1024, end-to-end, mean TPOT <= 50 ms, no speculative decoding).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from claimbench.judge.verdict import VerdictConfig, judge_claim
from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint


@dataclass
class HW:
    """A chip spec with what the verdict reads from it (dies, packages per node, board power, vendor)."""

    dies_per_package: int | None = 1
    packages_per_node: int | None = 8
    tdp_w: float | None = None
    vendor: str = ""


def hardware(*ids: str, **specs: HW) -> dict[str, HW]:
    """A hardware registry: each id a plain chip, or the spec given by keyword (``chip_b=HW(tdp_w=400)``)."""
    out = {i: HW() for i in ids}
    out.update({k.replace("_", "-"): v for k, v in specs.items()})
    return out


CONDITIONS: dict[str, Any] = {
    "hardware": "chip-a",
    "model": "m",
    "precision": "fp8",
    "input_len": 1024,
    "output_len": 1024,
    "slo": [{"metric": "tpot", "stat": "mean", "max_ms": 50}],
    "speculative": "none",
    "concurrency": None,
    "phase": "end-to-end",
    "deployment": None,
}


def predicate(value: float = 1000.0, **over: Any) -> dict[str, Any]:
    """A ``output_tok_per_s >= value tok/s per card`` predicate with ``over`` applied."""
    out: dict[str, Any] = {
        "metric": "output_tok_per_s",
        "comparator": ">=",
        "value": value,
        "unit": "tok/s",
        "basis": "card",
        "tolerance_rel": None,
        "ratio_to": None,
    }
    out.update(over)
    return out


def claim_dict(
    value: float = 1000.0,
    pred: dict[str, Any] | None = None,
    conditions: dict[str, Any] | None = None,
    unknown: list[str] | None = None,
    **top: Any,
) -> dict[str, Any]:
    """A claim file's contents: the neutral claim, its predicate (or ``pred``), conditions patched by ``conditions``.

    ``unknown`` defaults to every condition left null; ``top`` sets any other top-level key."""
    cond = {**CONDITIONS, **(conditions or {})}
    out: dict[str, Any] = {
        "id": "c",
        "title": "t",
        "claimant": "acme",
        "source": {"url": "https://example.org/c", "date": "2025", "quote": "q"},
        "predicate": pred if pred is not None else predicate(value),
        "conditions": cond,
        "unknown": unknown if unknown is not None else [k for k, v in cond.items() if v is None],
    }
    out.update(top)
    return out


def make_claim(value: float = 1000.0, **kw: Any) -> Claim:
    """:func:`claim_dict` validated as a :class:`Claim`."""
    return Claim.model_validate(claim_dict(value, **kw))


def evidence(
    eid: str,
    points: list[LoadPoint] | None = None,
    thr: float | None = None,
    conditions: dict[str, Any] | None = None,
    **over: Any,
) -> Evidence:
    """A published reference record on chip-a under the neutral conditions: ``points``, or one level of ``thr``
    tok/s at a 50 ms mean TPOT; ``conditions`` patches the record's conditions, ``over`` any other field."""
    cond = {k: v for k, v in CONDITIONS.items() if k in EvidenceConditions.model_fields}
    cond.update(conditions or {})
    pts = points if points is not None else [LoadPoint(level="L", output_tok_per_s=thr, tpot_mean_ms=50.0)]
    fields: dict[str, Any] = dict(
        id=eid,
        kind="reference",
        path=None,
        secondary=False,
        reported_by="lab",
        derived=False,
        basis="card",
        packages=None,
        points=pts,
        conditions=EvidenceConditions(**cond),
    )
    fields.update(over)
    return Evidence(**fields)


def judge(c: Claim, records: list[Evidence], hws: dict[str, HW] | None = None, **kw: Any):
    """The verdict on the reading as worded (few bootstrap replicates: these tests are about classes)."""
    return judge_claim(c, records, hws or hardware("chip-a"), config=VerdictConfig(n_boot=200), **kw)[0]

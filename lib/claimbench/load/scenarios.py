"""Benchmark-scenario latency constraints (``data/scenarios/*.yaml``): a claim naming an MLPerf ``scenario`` and
no ``slo`` is read at that scenario's bounds (files in, records out)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from claimbench.errors import UserError
from claimbench.load.paths import layered_files
from claimbench.load.yamlio import read_yaml, validation_message
from claimbench.schema.base import Strict
from claimbench.schema.claims import Claim, Scenario, SloBound

__all__ = ["ScenarioConstraint", "apply_scenario", "load_scenarios"]


class _Source(Strict):
    url: str
    date: str
    note: str | None = None


class ScenarioConstraint(Strict):
    """The latency bounds of one benchmark model in one scenario, with their source."""

    model: str
    scenario: Scenario
    slo: list[SloBound] = Field(min_length=1)
    source: _Source


class _ScenarioFile(Strict):
    schema_: int = Field(default=1, alias="schema", ge=1, le=1)
    id: str
    constraints: list[ScenarioConstraint]


def load_scenarios(data_dir: Path | None = None) -> dict[tuple[str, str], ScenarioConstraint]:
    """(model, scenario) -> its constraint, over every data layer; a bad file is a one-line UserError."""
    out: dict[tuple[str, str], ScenarioConstraint] = {}
    for path in reversed(list(layered_files("scenarios", data_dir).values())):
        try:
            parsed = _ScenarioFile.model_validate(read_yaml(path))
        except ValidationError as exc:
            raise UserError(f"{path}: {validation_message(exc)}") from None
        for c in parsed.constraints:
            out[(c.model, c.scenario)] = c
    return out


def apply_scenario(claim: Claim, table: dict[tuple[str, str], ScenarioConstraint]) -> Claim:
    """The claim with its scenario's latency bounds as ``slo`` when it names a scenario and no slo (noted)."""
    c = claim.conditions
    if c.scenario is None or c.slo is not None or c.model is None:
        return claim
    hit = table.get((c.model, c.scenario))
    if hit is None:
        return claim
    bounds = "; ".join(f"{s.metric} {s.stat} <= {s.max_ms:g} ms" for s in hit.slo)
    note = f"slo from the MLPerf {c.scenario} scenario of {c.model}: {bounds} ({hit.source.url}, {hit.source.date})"
    return claim.model_copy(
        update={
            "conditions": c.model_copy(update={"slo": list(hit.slo)}),
            "unknown": [u for u in claim.unknown if u != "slo"],
            "notes": [*claim.notes, note],
        }
    )

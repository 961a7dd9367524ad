"""Benchmark-scenario latency constraints: a claim naming an MLPerf ``scenario`` and no ``slo`` is read at that
scenario's bounds (files in, records out).

One definition: the MLPerf limits come from the MLPerf rules file (``data/mlperf/rules.yaml``, read from
``mlcommons/inference``'s ``loadgen/mlperf.conf`` at a pinned commit), the same table the MLPerf library's
rows are held to. ``data/scenarios/*.yaml`` adds (or, for one model and scenario, replaces) constraints for
benchmarks the rules file does not cover."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from claimbench.errors import UserError
from claimbench.load.paths import layered_files
from claimbench.load.yamlio import read_yaml, validation_message
from claimbench.schema.base import Strict
from claimbench.schema.claims import SCENARIO_NOTE, Claim, Scenario, SloBound

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


def _from_rules(data_dir: Path | None) -> dict[tuple[str, str], ScenarioConstraint]:
    """Each MLPerf benchmark's Server and Interactive limits, cited to the line of the rules' source file."""
    from claimbench.load.mlperf_library import load_rules

    try:
        rules = load_rules(data_dir)
    except UserError:
        return {}  # no rules file in any layer: only data/scenarios files apply
    src = rules.source
    stat = f"p{rules.latency_percentile:g}"
    out: dict[tuple[str, str], ScenarioConstraint] = {}
    for bench in rules.benchmarks.values():
        for name, lim in bench.scenarios.items():
            file, _, lines = lim.source.partition(":")
            anchor = "#L" + "-L".join(lines.split("-")) if lines else ""
            out[(bench.model, name.lower())] = ScenarioConstraint(
                model=bench.model,
                scenario=name.lower(),  # type: ignore[arg-type]  # Server / Interactive -> the claims' literal
                slo=[
                    SloBound(metric="tpot", stat=stat, max_ms=lim.tpot_p99_ms),  # type: ignore[arg-type]
                    SloBound(metric="ttft", stat=stat, max_ms=lim.ttft_p99_ms),  # type: ignore[arg-type]
                ],
                source=_Source(
                    url=f"https://github.com/{src.repo}/blob/{src.commit}/{file}{anchor}",
                    date=src.retrieved,
                    note=f"{src.repo}@{src.commit[:12]} {lim.source}; {rules.latency_percentile_source}",
                ),
            )
    return out


def load_scenarios(data_dir: Path | None = None) -> dict[tuple[str, str], ScenarioConstraint]:
    """(model, scenario) -> its constraint: the MLPerf rules', then every ``scenarios`` data layer's (a file
    naming the same model and scenario replaces the rules' entry); a bad file is a one-line UserError."""
    out = _from_rules(data_dir)
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
    note = f"{SCENARIO_NOTE} {c.scenario} scenario of {c.model}: {bounds} ({hit.source.url}, {hit.source.date})"
    return claim.model_copy(
        update={
            "conditions": c.model_copy(update={"slo": list(hit.slo)}),
            "unknown": [u for u in claim.unknown if u != "slo"],
            "notes": [*claim.notes, note],
        }
    )

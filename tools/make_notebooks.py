"""Regenerate notebooks/*.ipynb (thin, outputs stripped) from the cell texts below.

Run: .venv/bin/python tools/make_notebooks.py — edit here, not in the .ipynb files, so that
structure (title, typed parameters cell, one lib call per cell) stays uniform.
"""

import sys
from pathlib import Path

import nbformat as nbf


def nb(title, intro, params, cells):
    n = nbf.v4.new_notebook()
    n.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    n.cells.append(nbf.v4.new_markdown_cell(f"# {title}\n\n{intro}"))
    p = nbf.v4.new_code_cell(params.strip())
    p.metadata["tags"] = ["parameters"]
    n.cells.append(p)
    n.cells.append(
        nbf.v4.new_code_cell(
            "from claimbench.analyze import analysis\nfrom claimbench.report import charts, steps\nfrom claimbench.report import nbhelpers as nb\n\nnb.setup(export_dir)"
        )
    )
    for c in cells:
        if c.startswith("## "):
            n.cells.append(nbf.v4.new_markdown_cell(c))
        else:
            n.cells.append(nbf.v4.new_code_cell(c.strip()))
    for i, c in enumerate(n.cells):
        c.id = f"cell-{i:02d}"
    return n


out = Path(__file__).resolve().parent.parent / "notebooks"
books = {
    "01_measure": nb(
        "Measure: a load sweep through vLLM",
        "Runs a measured sweep on the engine chosen below (in-process vLLM, `vllm serve`, or any OpenAI-compatible endpoint) and writes a run bundle. Defaults: the built-in tiny model on the CPU backend. For a real model on a GPU/NPU pass e.g. `-p model meta-llama/Llama-3.1-8B-Instruct -p hardware nvidia-h100-sxm`.",
        """
engine: str = "offline"  # offline | serve | endpoint
model: str = "tiny"  # 'tiny' (built-in random-weight model) or a model name / path
hardware: str = ""  # registry id of the device (data/hardware); empty: cpu-host on the CPU backend
base_url: str = ""  # server root, for the endpoint engine
concurrency: str = "1,4,16"  # closed-loop levels (requests in flight)
input_len: int = 128  # prompt tokens (exact: token-id prompts)
output_len: int = 64  # output tokens per request (ignore_eos)
num_prompts: int = 32  # requests per level
warmup_prompts: int = 4  # per level, excluded from metrics
slo_tpot_ms: float = 50.0  # TPOT SLO for goodput (ms)
seed: int = 0  # prompts and arrivals
runs_dir: str = "../runs"  # folder that receives the bundle
export_dir: str = ""  # empty: no CSV, LaTeX, SVG exports
""",
        [
            """bundle = steps.measure(engine=engine, model=model, hardware=hardware or None, base_url=base_url or None,
                       concurrency=concurrency, input_len=input_len, output_len=output_len, num_prompts=num_prompts,
                       warmup_prompts=warmup_prompts, slo={"tpot_ms": slo_tpot_ms}, seed=seed, out=runs_dir)
runs = steps.load_runs(bundle)
nb.show_table(steps.runs_overview(runs), "measure_run")""",
            """nb.show_table(runs.summary, "measure_summary", columns=steps.SUMMARY_VIEW)""",
        ],
    ),
    "02_analyze": nb(
        "Analyze: latency distributions and the throughput–interactivity frontier",
        "Reads every run bundle in `runs_dir`: the frontier with the SLO line, the maximum throughput at the SLO (interpolated between the two bracketing levels, never extrapolated), latency distributions, and the measuring client's own ceiling.",
        """
runs_dir: str = "../data/runs"  # a folder of run bundles (or one bundle)
slo_tpot_ms: float = 50.0  # the TPOT bound a claim is read at (ms)
export_dir: str = ""  # empty: no CSV, LaTeX, SVG exports
""",
        [
            """runs = steps.load_runs(runs_dir)
nb.show_table(steps.runs_overview(runs), "runs")""",
            """nb.show_table(runs.summary, "summary", columns=steps.SUMMARY_VIEW)""",
            "## Throughput vs interactivity",
            """nb.show_chart(charts.frontier_chart(analysis.frontier(runs.summary), slo_tpot_ms), "frontier")""",
            """nb.show_table(analysis.slo_readings(runs.summary, slo_tpot_ms), "max_throughput_at_slo")""",
            "## Latency distributions",
            """cdf = steps.latency_cdf(runs)
nb.show_chart(charts.latency_cdf_chart(cdf, "ttft_ms"), "ttft_cdf")""",
            """nb.show_chart(charts.latency_cdf_chart(cdf, "tpot_ms"), "tpot_cdf")""",
            """nb.show_chart(charts.latency_cdf_chart(cdf, "itl_ms"), "itl_cdf")""",
            "## Drill-down: every request of every level\n\nSend, first token and last token per request (like GuideLLM's report): orange is waiting for the first token, blue is decoding; gaps between bars are the client's think time or a closed loop waiting for a slot.",
            """nb.show_chart(charts.request_timeline_chart(steps.request_timeline(runs)), "request_timeline")""",
            "## The measuring client's ceiling",
            """nb.show_table(steps.client_ceiling(runs), "client_ceiling", empty="no client calibration recorded in these bundles (measure with --calibrate)")""",
        ],
    ),
    "03_compare": nb(
        "Compare: like with like, and the Pareto view across vendors",
        "Each measured run and published result, at its best throughput (within the TPOT bound when given), normalized per card, per die, per dense TFLOP, per HBM TB/s, per W (TDP) and per $/h. Results are compared only within a group of equal model, precision, input/output lengths, speculative decoding and phase (a '?' is a condition the source does not state); the source's own basis is in every label and every conversion is shown.",
        """
runs_dir: str = "../data/runs"  # measured run bundles to include
evidence: str = ""  # more evidence files or folders, one per line (report --evidence)
claims_dir: str = ""  # folder of claim YAML files drawn on the Pareto view; empty: data/claims
max_tpot_ms: float = 50.0  # only operating points with TPOT p50 within this bound (ms); 0: any
export_dir: str = ""  # empty: no CSV, LaTeX, SVG exports
""",
        [
            """cmp = steps.compare(runs_dir, max_tpot_ms or None, evidence)
nb.show_table(steps.ranked(cmp, "per_card"), "ranked_per_card", columns=steps.RANKED_VIEW, group_by="group", export_only=steps.GROUP_CONDITIONS)""",
            """nb.show_chart(charts.normalized_chart(cmp, "per_card"), "per_card", empty="no group holds two results per card")""",
            """nb.show_chart(charts.normalized_chart(cmp, "per_die"), "per_die", empty="no group holds two results per die")""",
            """nb.show_chart(charts.normalized_chart(cmp, "per_dense_tflop"), "per_dense_tflop", empty="no group holds two results per dense TFLOP")""",
            "## Pareto: throughput per accelerator vs tok/s per user\n\nEvery load point that states a TPOT, own runs and published results together, one row of panels per model; claims are red crosses at the slowest per-user speed their TPOT bound allows. Hover a point for its conditions and source.",
            """par = steps.pareto(runs_dir, claims_dir or None, evidence)
nb.show_chart(charts.pareto_chart(par.points, par.claims), "pareto")""",
            """nb.show_table(par.points, "pareto_points", columns=steps.PARETO_VIEW, group_by="group")""",
            "## Each claim against the independent frontier\n\nThe best MLPerf Inference result (the shipped evidence library) for the claim's model, per chip and round, at a latency point the claim's own TPOT bound admits (Server and Interactive results count for a looser bound; with no bound, every scenario). Per accelerator below; the table export holds per die, per HBM TB/s, per W (TDP) and per USD too. The dashed line is the claim when it is stated per card.",
            """fr = steps.independent_frontier(claims_dir or None)
nb.show_table(fr.filter(fr["form"] == "per_accelerator"), "independent_frontier", columns=steps.FRONTIER_VIEW, group_by="claim_id", empty="no claim's model is in the MLPerf library")""",
            """nb.show_chart(charts.independent_frontier_chart(fr), "independent_frontier", empty="no claim's model is in the MLPerf library")""",
            "## Every normalized form and its arithmetic",
            """nb.show_table(steps.pivot_forms(cmp), "normalized", group_by="group")""",
            """nb.show_table(cmp, "conversions", columns=["label", "form", "value", "unit", "explanation", "reason"])""",
        ],
    ),
    "04_plausibility": nb(
        "Plausibility: physical (roofline) bounds for each claim",
        "For every throughput claim reading whose deployment is known (model, chip, precision, batch or TPOT bound, context, TP/EP, speculative decoding), the largest output tok/s the silicon allows: memory roof (weights and KV read per step), compute roof (FLOPs per token incl. attention) and interconnect. A claim above its bound is IMPLAUSIBLE. Unknown inputs leave the bound empty with the reason.",
        """
claims_dir: str = ""  # folder of claim YAML files; empty: data/claims
export_dir: str = ""  # empty: no CSV, LaTeX, SVG exports
""",
        [
            """bounds = steps.plausibility(claims_dir or None)
nb.show_table(bounds, "roofline_bounds", columns=["claim_id", "reading", "claimed", "basis", "bound_value", "binding_roof", "within_bound"])""",
            """nb.show_chart(charts.roofline_chart(bounds), "roofline")""",
            """nb.show_table(bounds, "roofline_explanations", columns=["claim_id", "reading", "explanation"])""",
            "## Achievable roof beside the datasheet roof\n\nWhat `claimbench probe` measured on a host (STREAM triad memory bandwidth, matmul TFLOPS per precision) next to the registry's datasheet figure for its hardware id; a datasheet roof no machine reaches is an optimistic bound.",
            """from claimbench.report import roofs
nb.show_table(roofs.achievable_roofs(), "achievable_roofs", columns=roofs.ROOF_COLUMNS, empty="no probe recorded: run `claimbench probe` on the measured host")""",
        ],
    ),
    "05_verify": nb(
        "Verify: a verdict for every claim",
        "Judges each claim in `data/claims` against the evidence (published results in `data/reference` and the run bundles in `runs_dir`): SUPPORTED, REFUTED, INCONCLUSIVE, NOT-COMPARABLE, IMPLAUSIBLE or UNVERIFIABLE, with the margin, the evidence used, the conditions compared and a bootstrap interval where the evidence allows. The scorecard comes first; each claim's card follows below it.",
        """
runs_dir: str = "../data/runs"  # measured run bundles used as evidence
evidence: str = ""  # more evidence files or folders, one per line (report --evidence)
claims_dir: str = ""  # folder of claim YAML files; empty: data/claims
seed: int = 0  # bootstrap seed
out_dir: str = ""  # empty: do not write verdicts.parquet, verdicts.md, verdicts.json
export_dir: str = ""  # empty: no CSV, LaTeX, SVG exports
""",
        [
            """result = steps.verify(runs_dir, claims_dir=claims_dir or None, seed=seed, out_dir=out_dir or None, evidence=evidence)
nb.show_scorecard(result.verdicts_json)""",
            """nb.show_chart(charts.claim_evidence_chart(result.table), "claims_vs_evidence")""",
            """nb.export_table(result.table, "verdicts", columns=["claim_id", "reading", "verdict", "corroboration", "claimed", "observed", "margin_rel", "ci_low", "ci_high", "unit", "basis", "why", "what_would_decide"])""",
            "## Claim cards",
            """nb.show_claim_cards(result.verdicts_json)""",
            """nb.show_table(steps.problems(result), "verify_problems", empty="every claim file and evidence file was read")""",
        ],
    ),
}
for name, book in books.items():
    nbf.write(book, out / f"{name}.ipynb")

# Expected outputs for nbval (tests/e2e/notebooks/expected): the notebooks 02-05 run on the pinned
# recorded run, their table cells marked NBVAL_CHECK_OUTPUT (deterministic: no times, no charts).
# `python tools/make_notebooks.py --expected` re-executes them (after a data or engine change).
CHECKED = ("02_analyze", "03_compare", "04_plausibility", "05_verify")
expected_dir = out.parent / "tests" / "e2e" / "notebooks" / "expected"


def expected_copy(book):
    import copy

    e = copy.deepcopy(book)
    for c in e.cells:
        if c.cell_type != "code":
            continue
        if "parameters" in c.metadata.get("tags", []):
            c.source = c.source.replace('"../data/runs"', '"../../../fixtures/pinned_data/runs"')
        elif "nb.show_table(" in c.source and "show_chart(" not in c.source:
            c.source = "# NBVAL_CHECK_OUTPUT\n" + c.source
    return e


if "--expected" in sys.argv:
    from nbclient import NotebookClient

    expected_dir.mkdir(parents=True, exist_ok=True)
    for name in CHECKED:
        e = expected_copy(books[name])
        NotebookClient(e, timeout=900, resources={"metadata": {"path": str(expected_dir)}}).execute()
        for c in e.cells:  # only the checked outputs are kept (charts are megabytes and not compared)
            if c.cell_type == "code" and not c.source.startswith("# NBVAL_CHECK_OUTPUT"):
                c.outputs, c.execution_count = [], None
        nbf.write(e, expected_dir / f"{name}.ipynb")
print("ok")

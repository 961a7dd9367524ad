"""The report pipeline: run the notebooks with papermill into ``reports/<run-id>/``.

Each step's executed notebook (``NN_step.ipynb``) and its HTML (``NN_step.html``) land in the
report folder. ``index.html`` is the scorecard: every claim with its quote and source, a verdict
badge per reading, corroboration, claimed vs observed with interval, why, and what would decide it,
linked to the claim cards in the Verify page; the pipeline steps are listed below it. Step outputs
pass to the next step through shared folders: ``runs/`` (bundles from the measure step),
``verify/`` (verdict files) and ``exports/`` (the paper kit: tables as CSV and LaTeX, figures as
SVG, PDF and PNG per step, and ``provenance.json`` to cite).

The HTML pages hide the code cells (the executed notebooks keep them). Each chart is its static
SVG with descriptive alt text, upgraded to an interactive Vega view (hover details, zoom) by the
Vega/Vega-Lite/Vega-Embed bundle written once into ``assets/vega.js`` -- a local file, no network;
printing or a browser without JavaScript shows the SVG.

Parameters are checked against each notebook's ``parameters`` cell before anything runs: an
unknown name or a value of the wrong type is a :class:`UserError` naming the notebook. A step that
fails stops the pipeline; the steps that finished keep their outputs, the failed notebook is kept
with its error, and the error names the notebook and cell.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from claimbench.errors import UserError, did_you_mean
from claimbench.load.paths import notebooks_dir
from claimbench.outfiles import write_text_atomic
from claimbench.redact import Redactor

STEP_TITLES = {
    "01_measure": "Measure",
    "02_analyze": "Analyze",
    "03_compare": "Compare",
    "04_plausibility": "Plausibility",
    "05_verify": "Verify",
}
_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def available_steps(nb_dir: Path | None = None) -> list[str]:
    """The notebook steps available (``NN_name``), in order."""
    return sorted(p.stem for p in (nb_dir or notebooks_dir()).glob("[0-9][0-9]_*.ipynb"))


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """Name → {type, default, help} from the notebook's ``parameters`` cell (papermill's parser)."""
    import papermill as pm

    return {
        k: {"type": v["inferred_type_name"], "default": v["default"], "help": v["help"]}
        for k, v in pm.inspect_notebook(str(notebook)).items()
    }


def coerce(notebook: str, name: str, value: Any, type_name: str) -> Any:
    """Check/convert one parameter value to the declared type (strings from the CLI are parsed)."""
    want = _TYPES.get(type_name)
    if want is None:
        return value
    if isinstance(value, str) and want is not str:
        text = value.strip()
        try:
            if want is bool:
                if text.lower() not in ("true", "false", "1", "0"):
                    raise ValueError
                return text.lower() in ("true", "1")
            value = want(text) if want is not float or text.lower() not in ("inf", "infinity") else float("inf")
        except ValueError:
            raise UserError(f"{notebook}: parameter {name} must be {type_name}, got {value!r}") from None
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if want is float and isinstance(value, float) and value != value:
        raise UserError(f"{notebook}: parameter {name} must be a number, got NaN")
    if not isinstance(value, want) or (want is int and isinstance(value, bool)):
        raise UserError(f"{notebook}: parameter {name} must be {type_name}, got {type(value).__name__} {value!r}")
    return value


@dataclass
class StepResult:
    """How one notebook step of a report ended."""

    step: str
    status: str  # ok | failed | skipped
    seconds: float | None = None
    error: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


class StepFailed(Exception):
    """A notebook step failed; ``folder`` holds its executed notebook."""

    def __init__(self, message: str, folder: Path):
        super().__init__(message)
        self.folder = folder


def plan_parameters(
    steps: list[str], overrides: dict[str, Any], folder: Path, nb_dir: Path
) -> dict[str, dict[str, Any]]:
    """Parameters per step: pipeline wiring + user overrides (``name`` for all, ``step.name`` for one)."""

    # Notebooks run with the report folder as their working directory; paths are passed relative to
    # it so that no absolute (home) path ends up in a report.
    def rel(p) -> str:
        return os.path.relpath(Path(p).resolve(), folder)

    runs_dir = overrides.get("runs_dir")
    wiring = {"runs_dir": rel(runs_dir) if runs_dir else "runs", "out_dir": "verify"}
    if overrides.get("evidence"):  # report --evidence: the steps that read evidence take it, one path per line
        wiring["evidence"] = "\n".join(rel(p) for p in overrides["evidence"])
    plans: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for step in steps:
        nb_name = f"{step}.ipynb"
        declared = declared_parameters(nb_dir / nb_name)
        params: dict[str, Any] = {"export_dir": f"exports/{step}"} if "export_dir" in declared else {}
        for k, v in wiring.items():
            if k in declared:
                params[k] = v
        for key, value in overrides.items():
            if key == "evidence":
                continue  # wired above
            target, _, name = key.rpartition(".")
            if target and target != step:
                continue
            if name in declared:
                value = coerce(nb_name, name, value, declared[name]["type"])
                if name.endswith("_dir") and isinstance(value, str) and value:
                    value = rel(value)  # the user's path, seen from the report folder
                params[name] = value
                used.add(key)
            elif target == step:
                raise UserError(
                    f"{nb_name}: unknown parameter {name!r}{did_you_mean(name, declared)}; "
                    f"it takes {', '.join(declared)}"
                )
        plans[step] = params
    for key in overrides:
        if key not in used and key not in ("runs_dir", "evidence"):
            target, _, name = key.rpartition(".")
            if target and target not in steps:
                raise UserError(f"-p {key}: no step {target!r}{did_you_mean(target, steps)}; steps: {', '.join(steps)}")
            if not target:
                names = sorted({n for s in steps for n in declared_parameters(nb_dir / f"{s}.ipynb")})
                raise UserError(f"-p {key}: no notebook takes a parameter {name!r}{did_you_mean(name, names)}")
    return plans


_INPUT_SUFFIXES = ("_dir", "_path", "_file", "_bundle")
_OUTPUT_PARAMS = ("out_dir", "export_dir")


def _check_input_paths(overrides: dict[str, Any]) -> None:
    """A path parameter the user gives (``runs_dir``, ``02_analyze.bundle_path``…) must exist,
    checked before any kernel starts; outputs (``out_dir``, ``export_dir``) are created later."""
    for key, value in overrides.items():
        name = key.rpartition(".")[2]
        if key == "evidence":
            continue  # checked by the command (--evidence)
        if name in _OUTPUT_PARAMS or not name.endswith(_INPUT_SUFFIXES):
            continue
        if not isinstance(value, str) or not value.strip():
            if value in (None, ""):
                continue
            raise UserError(f"-p {key}: expected a path, got {value!r}")
        if not Path(value).exists():
            raise UserError(f"-p {key}: {value} does not exist")


def _declared_value(spec: dict[str, Any]) -> Any:
    import ast

    try:
        return ast.literal_eval(str(spec.get("default")))
    except (ValueError, SyntaxError):
        return None


def _check_measure_step(params: dict[str, Any], declared: dict[str, dict[str, Any]]) -> None:
    """The measure step's options through the one options validator (finite, in range), so a bad
    value fails here rather than inside a started kernel."""
    from claimbench.measurement.options import MeasureOptions

    v = {name: params.get(name, _declared_value(spec)) for name, spec in declared.items()}
    values = {
        "engine": v.get("engine"),
        "model": v.get("model"),
        "hardware": v.get("hardware") or None,
        "base_url": v.get("base_url") or None,
        "concurrency": v.get("concurrency"),
        "input_len": v.get("input_len"),
        "output_len": v.get("output_len"),
        "num_prompts": v.get("num_prompts"),
        "warmup_prompts": v.get("warmup_prompts"),
        "slo": {"tpot_ms": v.get("slo_tpot_ms")},
        "seed": v.get("seed"),
    }
    try:
        MeasureOptions.build(**{k: x for k, x in values.items() if x is not None})
    except UserError as exc:
        raise UserError(f"01_measure.ipynb: {exc}") from None


_STEP_CHECKS = {"01_measure": _check_measure_step}


def check_step_parameters(plans: dict[str, dict[str, Any]], nb_dir: Path) -> None:
    """Step-specific checks of the planned parameters (before any kernel starts)."""
    for step, params in plans.items():
        check = _STEP_CHECKS.get(step)
        if check is not None:
            check(params, declared_parameters(nb_dir / f"{step}.ipynb"))


_TEXT_OUTPUTS = {".csv", ".tex", ".md", ".txt", ".json", ".svg", ".html", ".ipynb", ".yaml"}


def _redact_file(path: Path) -> None:
    """Rewrite ``path`` through the one redactor (credentials, home folder) when it holds any."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    clean = Redactor().text(text)
    if clean != text:
        write_text_atomic(path, clean)


KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
"""The notebook kernels log errors only: their start-up warnings (e.g. "Kernel is running over TCP
without encryption", about a loopback-only connection the report's own process opens) are not the
user's business and are not shown."""


def run_report(
    out_root: str | Path = "reports",
    overrides: dict[str, Any] | None = None,
    steps: list[str] | None = None,
    nb_dir: Path | None = None,
    run_id: str | None = None,
    log=None,
) -> Path:
    """Execute the steps into ``out_root/<run-id>/`` and return that folder."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from claimbench.measurement.store import new_run_id

    nb_dir = nb_dir or notebooks_dir()
    known = available_steps(nb_dir)
    steps = steps or known
    for s in steps:
        if s not in known:
            raise UserError(f"--steps: unknown step {s!r}{did_you_mean(s, known)}; steps: {', '.join(known)}")
    overrides = dict(overrides or {})
    _check_input_paths(overrides)
    root = Path(out_root)
    if not str(out_root).strip():
        raise UserError("--out must name a folder, got an empty string")
    if root.exists() and not root.is_dir():
        raise UserError(f"--out: {root} exists and is not a folder")
    folder = root / (run_id or new_run_id())
    # every parameter is checked before anything is created or any kernel starts
    plans = plan_parameters(steps, overrides, folder.resolve(), nb_dir)
    check_step_parameters(plans, nb_dir)
    try:
        folder.mkdir(parents=True, exist_ok=False)
    except OSError as exc:
        raise UserError(f"--out: cannot create {folder}: {exc.strerror or exc}") from None
    write_assets(folder)
    results: list[StepResult] = []
    failure: str | None = None
    for step in steps:
        if failure:
            results.append(StepResult(step, "skipped", parameters=plans[step]))
            continue
        t0 = time.monotonic()
        out_nb = folder / f"{step}.ipynb"
        if log:
            log(f"{step}: running")
        try:
            pm.execute_notebook(
                str(nb_dir / f"{step}.ipynb"),
                str(out_nb),
                parameters=plans[step],
                cwd=str(folder),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                report_mode=False,
                extra_arguments=KERNEL_ARGUMENTS,
            )
            results.append(StepResult(step, "ok", time.monotonic() - t0, parameters=plans[step]))
        except PapermillExecutionError as exc:
            failure = (
                f"step {step} failed in {step}.ipynb cell {exc.exec_count} ({exc.ename}: "
                f"{str(exc.evalue).splitlines()[0][:300] if exc.evalue else ''})"
            )
            results.append(StepResult(step, "failed", time.monotonic() - t0, failure, plans[step]))
        if out_nb.exists():
            _redact_file(out_nb)
            write_text_atomic(
                folder / f"{step}.html", Redactor().text(notebook_html(out_nb, STEP_TITLES.get(step, step)))
            )
        if log:
            log(f"{step}: {results[-1].status} in {results[-1].seconds:.1f} s")
    for f in folder.rglob("*"):  # exports and verdict texts the notebooks wrote
        if f.is_file() and f.suffix.lower() in _TEXT_OUTPUTS:
            _redact_file(f)
    _write_provenance(folder, overrides, results)  # after redaction: its hashes are of the files as kept
    for f in (folder / "exports").glob("provenance*"):
        _redact_file(f)
    write_text_atomic(folder / "index.html", Redactor().text(index_html(folder, results)))
    if failure:
        raise StepFailed(f"{failure}; the finished steps are in {folder}", folder)
    return folder


ASSET_JS = "assets/vega.js"

_EMBED_JS = """
(function(){
  if (typeof vegaEmbed !== 'function') return;
  document.querySelectorAll('figure.cb-chart').forEach(function(fig){
    var el = fig.querySelector('script.cb-spec'), target = fig.querySelector('.cb-vega');
    if (!el || !target) return;
    vegaEmbed(target, JSON.parse(el.textContent), {actions: false, renderer: 'svg'})
      .then(function(){ fig.classList.add('cb-live'); })
      .catch(function(){ target.remove(); });
  });
})();
"""


def _css() -> str:
    from claimbench.report.scorecard import CSS

    return CSS


def _page(title: str, body: str, scripts: bool = False) -> str:
    tail = f'<script src="{ASSET_JS}"></script><script>{_EMBED_JS}</script>' if scripts else ""
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f"<style>{_css()}</style></head><body>{body}{tail}</body></html>\n"
    )


def _json_in_script(obj) -> str:
    r"""JSON safe inside a <script> element: no '<', '>' or '&' survive (escaped as \\u003c …)."""
    import json

    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_figure_html(data: dict, metadata: dict) -> str:
    """A chart output as HTML: the static SVG with its alt text and caption, and the spec for the
    interactive view (drawn by :data:`_EMBED_JS` when the page's scripts run)."""
    import base64

    from claimbench.report.nbhelpers import CHART_METADATA_KEY, VEGALITE_MIME

    meta = metadata.get(CHART_METADATA_KEY) or {}
    alt = meta.get("alt") or "chart"
    svg = data.get("image/svg+xml") or ""
    if isinstance(svg, list):
        svg = "".join(svg)
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    spec = dict(data.get(VEGALITE_MIME) or {})
    if meta.get("spec_schema"):
        spec["$schema"] = meta["spec_schema"]  # the report's bundle is the current Vega-Lite
    e = html.escape
    return (
        f'<figure class="cb-chart" data-name="{e(str(meta.get("name") or ""))}">'
        f'<div class="cb-vega"></div><img class="cb-static" src="{src}" alt="{e(alt)}">'
        f"<figcaption>{e(alt)}</figcaption>"
        f'<script type="application/json" class="cb-spec">{_json_in_script(spec)}</script></figure>'
    )


def _prepare_for_html(book) -> int:
    """Turn chart outputs into figure HTML (SVG + alt + spec); return how many charts there are."""
    from claimbench.report.nbhelpers import CHART_METADATA_KEY

    n = 0
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        for i, out in enumerate(cell.get("outputs", [])):
            if out.get("output_type") in ("display_data", "execute_result") and CHART_METADATA_KEY in out.get(
                "metadata", {}
            ):
                cell.outputs[i] = {
                    "output_type": "display_data",
                    "data": {"text/html": chart_figure_html(out["data"], out["metadata"])},
                    "metadata": {},
                }
                n += 1
    return n


def notebook_html(path: Path, title: str) -> str:
    """HTML of an executed notebook: nbconvert's 'basic' template with the code cells hidden (they
    stay in the notebook), charts as SVG + alt text + interactive view, no CDN."""
    import nbformat
    from nbconvert import HTMLExporter

    book = nbformat.read(str(path), as_version=4)
    n_charts = _prepare_for_html(book)
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(book)
    nav = (
        f'<nav><p><a href="index.html">← scorecard</a> · <a href="{html.escape(path.name)}">executed notebook '
        "(with its code)</a></p></nav>"
    )
    return _page(f"claimbench — {title}", nav + body, scripts=n_charts > 0)


def _write_provenance(folder: Path, overrides: dict[str, Any], results: list[StepResult]) -> None:
    from datetime import datetime, timezone

    from claimbench.report.paperkit import write_provenance

    runs = [Path(overrides["runs_dir"])] if overrides.get("runs_dir") else [folder / "runs"]
    steps = [{"step": r.step, "status": r.status, "parameters": r.parameters} for r in results]
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_provenance(folder, runs, steps, created)


def write_assets(folder: Path) -> None:
    """The Vega, Vega-Lite and Vega-Embed JavaScript as one local file (no CDN)."""
    import vl_convert as vlc

    target = folder / ASSET_JS
    target.parent.mkdir(parents=True, exist_ok=True)
    # vl-convert's stub marks `snippet` as required; at runtime it defaults to None (the default snippet,
    # which puts vegaEmbed, vegaLite and vega on window), so call it without arguments as before.
    bundle = cast(Callable[[], str], vlc.javascript_bundle)
    write_text_atomic(target, bundle())


def _steps_table(folder: Path, results: list[StepResult]) -> str:
    e = html.escape
    rows = []
    for r in results:
        link = (
            f'<a href="{e(r.step)}.html">{e(STEP_TITLES.get(r.step, r.step))}</a>'
            if (folder / f"{r.step}.html").exists()
            else e(r.step)
        )
        nb_link = f'<a href="{e(r.step)}.ipynb">notebook</a>' if (folder / f"{r.step}.ipynb").exists() else ""
        exports = folder / "exports" / r.step
        ex_link = (
            f'<a href="exports/{e(r.step)}/">exports ({len(list(exports.iterdir()))} files)</a>'
            if exports.is_dir()
            else ""
        )
        secs = f"{r.seconds:.1f} s" if r.seconds is not None else ""
        rows.append(
            f"<tr><td>{link}</td><td class='cb-status-{e(r.status)}'>{e(r.status)}</td><td class='cb-num'>{secs}</td>"
            f"<td>{nb_link}</td><td>{ex_link}</td><td>{e(r.error or '')}</td></tr>"
        )
    return (
        "<table class='cb-table'><thead><tr><th>step</th><th>status</th><th class='cb-num'>time</th>"
        "<th>executed notebook</th><th>tables and charts for papers</th><th>error</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _read_verdicts(folder: Path) -> list[dict] | None:
    """The verify step's verdicts (None when it wrote none); a corrupt verdicts.json is a UserError."""
    from claimbench.load.verdicts import read_verdicts

    path = folder / "verify" / "verdicts.json"
    if not path.is_file():
        return None
    return [c.model_dump(mode="json") for c in read_verdicts(path)]


def _runs_sentence(folder: Path, results: list[StepResult]) -> str:
    """Where this report's run bundles are: ``runs/`` when it measured, else the folder it was given."""
    e = html.escape
    given = next((r.parameters.get("runs_dir") for r in results if r.parameters.get("runs_dir")), None)
    verify = " Verdict files are in <code>verify/</code>." if (folder / "verify").is_dir() else ""
    if (folder / "runs").is_dir():
        return f"Run bundles of this report are in <code>runs/</code>.{verify}"
    if given and given != "runs":
        return f"This report read the run bundles in <code>{e(str(given))}</code> (nothing was measured).{verify}"
    return f"No run bundles were measured for this report.{verify}"


def index_html(folder: Path, results: list[StepResult]) -> str:
    """The scorecard (when the verify step wrote verdicts.json), then the pipeline steps."""
    from claimbench.report.scorecard import scorecard_html

    e = html.escape
    verdicts = _read_verdicts(folder)
    if verdicts is not None:
        verify_page = "05_verify.html" if (folder / "05_verify.html").exists() else ""
        card_href = f"{verify_page}#{{anchor}}" if verify_page else None
        score = "<h2>Scorecard</h2>" + scorecard_html(verdicts, card_href=card_href)
    else:
        score = (
            "<h2>Scorecard</h2><p class='cb-muted'>no verdicts: the verify step did not run or did not finish "
            "(see the steps below).</p>"
        )
    runs = _runs_sentence(folder, results)
    kit = (
        "<p>Paper kit: <a href='exports/'>exports/</a> (tables as CSV and LaTeX, figures as SVG, PDF and PNG, "
        f"<a href='exports/provenance.json'>provenance.json</a> to cite). {runs}</p>"
        if (folder / "exports" / "provenance.json").is_file()
        else f"<p>{runs}</p>"
    )
    body = (
        f"<h1>claimbench report {e(folder.name)}</h1>{score}<h2>Pipeline steps</h2>{_steps_table(folder, results)}{kit}"
    )
    return _page(f"claimbench report {folder.name}", body)

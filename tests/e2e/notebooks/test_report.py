"""The papermill pipeline: folders, HTML with no scripts or home paths, parameter errors, failing steps."""

import os
from pathlib import Path

import pytest

from claimbench.errors import UserError
from claimbench.report.pipeline import StepFailed, run_report

REPO = Path(__file__).resolve().parents[3]


def test_the_index_is_the_scorecard_then_links_every_step(pinned_report):
    index = (pinned_report / "index.html").read_text()
    assert index.index("<h2>Scorecard</h2>") < index.index("<h2>Pipeline steps</h2>")
    for step in ("02_analyze", "03_compare", "04_plausibility", "05_verify"):
        assert f'href="{step}.html"' in index and (pinned_report / f"{step}.html").is_file()
        assert (pinned_report / f"{step}.ipynb").is_file()
    assert "cb-status-failed'>" not in index and index.count("cb-status-ok'>ok") == 4
    assert 'href="05_verify.html#claim-huawei-2400-tok-s-per-card-at-50ms"' in index
    assert 'id="claim-huawei-2400-tok-s-per-card-at-50ms"' in (pinned_report / "05_verify.html").read_text()


def test_reports_load_scripts_only_from_the_local_bundle_and_carry_no_home_path(pinned_report):
    import re

    home = os.path.expanduser("~")
    for page in pinned_report.glob("*.html"):
        text = page.read_text()
        assert re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", text) in ([], ["assets/vega.js"]), page.name
        assert "cdn.jsdelivr" not in text and "cdnjs" not in text and "unpkg.com" not in text, page.name
        if home not in ("/", ""):
            assert home + "/" not in text, page.name
    assert "window.vegaEmbed=" in (pinned_report / "assets" / "vega.js").read_text()


def test_code_cells_are_hidden_in_the_html_but_kept_in_the_notebooks(pinned_report):
    import nbformat

    page = (pinned_report / "05_verify.html").read_text()
    assert "steps.verify(" not in page and "jp-InputArea" not in page
    book = nbformat.read(pinned_report / "05_verify.ipynb", as_version=4)
    assert any("steps.verify(" in c.source for c in book.cells if c.cell_type == "code")


def test_every_chart_has_a_png_beside_its_svg_and_descriptive_alt_text(pinned_report):
    import nbformat

    from claimbench.report.nbhelpers import VEGALITE_MIME

    for step in ("02_analyze", "03_compare", "04_plausibility", "05_verify"):
        book = nbformat.read(pinned_report / f"{step}.ipynb", as_version=4)
        for cell in book.cells:
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if "image/svg+xml" in data:
                    assert "image/png" in data and VEGALITE_MIME in data, step
                    assert len(out["metadata"]["image/png"]["alt"]) > 40, step
        page = (pinned_report / f"{step}.html").read_text()
        assert "No description has been provided" not in page
    assert (pinned_report / "02_analyze.html").read_text().count('src="data:image/svg+xml;base64,') >= 5


def test_the_paper_kit_has_tables_figures_and_a_provenance_file(pinned_report):
    import json

    exports = pinned_report / "exports"
    for ext in ("svg", "pdf", "png"):
        assert (exports / "02_analyze" / f"frontier.{ext}").is_file()
        assert (exports / "03_compare" / f"pareto.{ext}").is_file()
    for ext in ("csv", "tex"):
        assert (exports / "05_verify" / f"verdicts.{ext}").is_file()
        assert (exports / "03_compare" / f"ranked_per_card.{ext}").is_file()
    prov = json.loads((exports / "provenance.json").read_text())
    assert prov["runs"][0]["run_id"] == "20261122T141455Z-30a590"
    assert "claims/huawei-2400-tok-s-per-card-at-50ms.yaml" in prov["data_files_sha256"]
    assert prov["exports_sha256"]["05_verify/verdicts.csv"] and prov["claimbench"]["version"]


def test_the_comparison_page_shows_the_group_conditions_and_the_pareto_view(pinned_report):
    page = (pinned_report / "03_compare.html").read_text()
    assert '<tr class="cb-group"><th colspan=' in page
    assert "deepseek-r1 · fp8 · ISL/OSL 1024/1024" in page
    assert 'data-name="pareto"' in page and 'data-name="request_timeline"' in (pinned_report / "02_analyze.html").read_text()


def test_the_verify_step_writes_verdict_files_for_the_next_reader(pinned_report):
    import polars as pl

    table = pl.read_parquet(pinned_report / "verify" / "verdicts.parquet")
    assert table.height > 0 and (pinned_report / "verify" / "verdicts.md").is_file()


def test_an_unknown_parameter_names_the_notebook_and_suggests(tmp_path):
    with pytest.raises(UserError, match=r"02_analyze.ipynb: unknown parameter 'slo_tpot' \(did you mean 'slo_tpot_ms'\?\)"):
        run_report(tmp_path, {"02_analyze.slo_tpot": "50"}, ["02_analyze"])
    assert list(tmp_path.iterdir()) == []


def test_a_wrongly_typed_parameter_names_the_notebook(tmp_path):
    with pytest.raises(UserError, match="02_analyze.ipynb: parameter slo_tpot_ms must be float, got 'fast'"):
        run_report(tmp_path, {"slo_tpot_ms": "fast"}, ["02_analyze"])


def test_a_parameter_no_notebook_takes_is_an_error(tmp_path):
    with pytest.raises(UserError, match="no notebook takes a parameter 'colour'"):
        run_report(tmp_path, {"colour": "red"}, ["02_analyze"])


def test_a_failing_step_names_notebook_and_cell_and_keeps_finished_steps(tmp_path):
    empty = tmp_path / "no-bundles"
    empty.mkdir()
    with pytest.raises(StepFailed, match=r"step 02_analyze failed in 02_analyze.ipynb cell \d+ \(UserError: .*no run bundles found"):
        run_report(tmp_path / "reports", {"runs_dir": str(empty)}, ["05_verify", "02_analyze", "03_compare"])
    folder = next((tmp_path / "reports").iterdir())
    assert (folder / "05_verify.html").is_file()          # finished step kept
    assert (folder / "02_analyze.ipynb").is_file()        # failed notebook kept with its error
    index = (folder / "index.html").read_text()
    assert "cb-status-failed'>failed" in index and "cb-status-skipped'>skipped" in index


def test_strings_from_data_are_escaped_in_the_html(tmp_path):
    claims = tmp_path / "claims"
    claims.mkdir()
    src = (REPO / "data" / "claims" / "huawei-cloud-756-days-no-major-incident.yaml").read_text()
    import yaml

    doc = yaml.safe_load(src)
    doc["source"]["quote"] = "<script>alert('x')</script> 756 days"
    (claims / "huawei-cloud-756-days-no-major-incident.yaml").write_text(yaml.safe_dump(doc))
    folder = run_report(tmp_path / "r", {"claims_dir": str(claims), "runs_dir": str(REPO / "data" / "runs")}, ["05_verify"])
    page = (folder / "05_verify.html").read_text()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(" in page

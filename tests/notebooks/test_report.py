"""The papermill pipeline: folders, HTML with no scripts or home paths, parameter errors, failing steps."""

import os
from pathlib import Path

import pytest

from claimbench.errors import UserError
from claimbench.report.pipeline import StepFailed, run_report

REPO = Path(__file__).resolve().parents[2]


def test_the_index_links_every_step_and_each_step_has_html_and_a_notebook(pinned_report):
    index = (pinned_report / "index.html").read_text()
    for step in ("02_analyze", "03_compare", "04_plausibility", "05_verify"):
        assert f'href="{step}.html"' in index and (pinned_report / f"{step}.html").is_file()
        assert (pinned_report / f"{step}.ipynb").is_file()
    assert "cb-status-failed'>" not in index and index.count("cb-status-ok'>ok") == 4


def test_reports_carry_no_script_no_cdn_and_no_home_path(pinned_report):
    home = os.path.expanduser("~")
    for page in pinned_report.glob("*.html"):
        text = page.read_text()
        assert "<script" not in text.lower(), page.name
        assert "cdn.jsdelivr" not in text and "cdnjs" not in text, page.name
        if home not in ("/", ""):
            assert home + "/" not in text, page.name


def test_charts_are_embedded_as_static_svg_and_exported_for_papers(pinned_report):
    assert (pinned_report / "02_analyze.html").read_text().count('src="data:image/svg+xml;base64,') >= 4
    exports = pinned_report / "exports"
    assert (exports / "02_analyze" / "frontier.svg").is_file() and (exports / "02_analyze" / "frontier.png").is_file()
    assert (exports / "05_verify" / "verdicts.csv").is_file() and (exports / "05_verify" / "verdicts.tex").is_file()


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

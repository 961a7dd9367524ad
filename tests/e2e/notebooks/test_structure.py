"""Notebooks stay thin: a title, a typed parameters cell, short cells of lib calls, outputs stripped."""

from pathlib import Path

import nbformat
import pytest

from claimbench.report.pipeline import declared_parameters

NB_DIR = Path(__file__).resolve().parents[3] / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_there_is_a_notebook_per_pipeline_step():
    names = [p.stem for p in NOTEBOOKS]
    for step in ("01_measure", "02_analyze", "03_compare", "04_plausibility", "05_verify"):
        assert step in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_notebook_starts_with_a_title_then_a_parameters_cell(path):
    book = nbformat.read(path, as_version=4)
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    assert book.cells[1].cell_type == "code" and "parameters" in book.cells[1].metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_is_typed_and_commented(path):
    params = declared_parameters(path)
    assert params
    for name, p in params.items():
        assert p["type"] in ("str", "int", "float", "bool"), name
        assert p["help"], f"{name} has no comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_committed_with_outputs_stripped(path):
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_thin_lib_calls(path):
    for cell in nbformat.read(path, as_version=4).cells[2:]:
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if ln.strip()]
        assert len(lines) <= 10, cell.source
        for ln in lines:
            assert not ln.lstrip().startswith(("def ", "class ", "for ", "while ", "import pandas", "import altair")), ln

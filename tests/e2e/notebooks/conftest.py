from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def pinned_report(tmp_path_factory):
    """The report pipeline on the pinned recorded run (data/runs): analyze, compare, verify."""
    from claimbench.report.pipeline import available_steps, run_report

    steps = [s for s in available_steps() if s != "01_measure"]
    return run_report(tmp_path_factory.mktemp("reports"), {"runs_dir": str(REPO / "data" / "runs")}, steps)

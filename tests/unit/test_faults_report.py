"""Fault suite: `claimbench report` checks its output folder and every notebook parameter before
any kernel starts, so a bad value leaves no half-written report."""

import pytest

from claimbench.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "params,needle",
    [
        (["-p", "01_measure.concurrency=1,,2"], "01_measure.ipynb: --concurrency has an empty item in '1,,2'"),
        (["-p", "01_measure.seed=-1"], "01_measure.ipynb: --seed must be at least 0"),
        (["-p", "01_measure.num_prompts=0"], "01_measure.ipynb: --num-prompts must be a positive integer"),
        (["-p", "slo_tpot_ms=nan"], "parameter slo_tpot_ms must be a number, got NaN"),
        (["-p", "02_analyze.runs_dir=/no/such/runs"], "-p 02_analyze.runs_dir: /no/such/runs does not exist"),
    ],
)
def test_a_bad_notebook_parameter_is_one_line_before_any_kernel_starts(capsys, tmp_path, params, needle):
    code, out, err = run(capsys, "report", "--out", str(tmp_path / "reports"), *params)
    assert code == 2 and needle in err, err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "reports").exists() or list((tmp_path / "reports").iterdir()) == []


def test_report_out_on_a_file_is_one_line(capsys, tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    code, out, err = run(capsys, "report", "--out", str(f))
    assert code == 2 and f"--out: {f} exists and is not a folder" in err and len(err.strip().splitlines()) == 1

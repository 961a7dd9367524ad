"""The CLI and the Python API are one code path: same options, same summaries, same verdicts."""

import json
from pathlib import Path

import pytest

import claimbench
from claimbench.cli import build_parser, main
from claimbench.cli.measure import options_from_args

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "data" / "runs"
PINNED = ROOT / "tests" / "fixtures" / "pinned"


def _cli(capsys, *argv) -> str:
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0
    return out


def test_public_names_are_listed_and_resolve_lazily():
    assert set(claimbench.__all__) >= {"measure", "MeasureOptions", "load_bundle", "import_evidence", "verify"}
    for name in claimbench.__all__:
        assert getattr(claimbench, name) is not None
    with pytest.raises(AttributeError):
        claimbench.no_such_name  # noqa: B018


def test_cli_arguments_and_python_keywords_build_the_same_measure_options():
    args = build_parser().parse_args(
        ["measure", "--concurrency", "1,8", "--slo", "tpot_ms=50", "--input-len-range", "16:32", "--engine-arg", "x=1"]
    )
    from_cli = options_from_args(args)
    from_python = claimbench.MeasureOptions.build(
        concurrency=[1, 8], slo={"tpot_ms": 50}, input_len_range=(16, 32), engine_arg={"x": 1}
    )
    assert from_cli == from_python
    assert from_cli.record() == from_python.record()


def test_summaries_from_the_cli_equal_the_pinned_output_from_before_the_layered_layout(capsys):
    out = _cli(capsys, "summarize", str(RECORDED), "--json")
    assert out == (PINNED / "summarize_recorded_run.json").read_text()


def test_summaries_from_python_equal_the_cli(capsys):
    from claimbench.report.steps import summarize_bundles

    table = summarize_bundles(RECORDED).drop("status_reason")
    assert json.dumps(table.to_dicts(), indent=2, default=str) + "\n" == _cli(
        capsys, "summarize", str(RECORDED), "--json"
    )


def test_verdicts_from_python_equal_the_cli(capsys):
    from claimbench.report.verdicts import verdicts_json

    cli = _cli(capsys, "verify", "--evidence", str(RECORDED), "--evidence", str(ROOT / "data" / "reference"), "--json")
    result = claimbench.verify(None, [RECORDED, ROOT / "data" / "reference"])
    py = json.dumps(verdicts_json(result.verdicts), indent=2, sort_keys=True, allow_nan=False, default=str)
    assert py + "\n" == cli

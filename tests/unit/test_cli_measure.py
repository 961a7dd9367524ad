"""`claimbench measure` / `summarize` on bad input: one line on stderr, exit status 2, no engine started."""

import pytest

from claimbench.cli import main


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(list(argv)))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--model", "./no/such/model"], "--model: no such model folder './no/such/model'"),
        (["--output-len", "1000", "--input-len", "128"], "exceeds the model's maximum length 1024"),
        (["--concurrency", "1,two"], "--concurrency takes a comma-separated list of integers"),
        (["--concurrency", "4", "--request-rate", "2"], "either --concurrency or --request-rate"),
        (["--slo", "tpot=50"], "--slo: unknown metric 'tpot'"),
        (["--slo", "tpot_ms"], "--slo must be METRIC=VALUE"),
        (["--slo", "tpot_ms=fast"], "--slo tpot_ms: 'fast' is not a number"),
        (["--num-prompts", "0"], "--num-prompts must be a positive integer"),
        (["--engine", "endpoint"], "--engine endpoint needs --base-url"),
        (["--engine", "endpoint", "--base-url", "localhost:1"], "--base-url must be an http(s) URL"),
        (
            ["--engine", "endpoint", "--base-url", "http://127.0.0.1:9", "--api-key-env", "CLAIMBENCH_TEST_UNSET_VAR"],
            "environment variable CLAIMBENCH_TEST_UNSET_VAR is not set",
        ),
        (["--input-len-range", "9:3"], "--input-len-range must be LO:HI with 1 <= LO <= HI"),
        (["--engine-arg", "novalue"], "--engine-arg must be KEY=VALUE"),
        (["--find-max-under", "tpot=50"], "--find-max-under must be METRIC=VALUE"),
        (["--find-max-under", "tpot_ms=-5"], "--find-max-under: SLO bound must be a positive finite number"),
        (
            ["--find-max-under", "tpot_ms=50", "--request-rate", "2"],
            "--find-max-under searches closed-loop concurrency",
        ),
        (["--hardware", "nvidia-h10"], "unknown hardware id 'nvidia-h10' (did you mean 'nvidia-h20'?)"),
    ],
)
def test_bad_measure_input_is_one_line_and_exit_2(capsys, tmp_path, argv, needle):
    code, out, err = run(capsys, "measure", "--out", str(tmp_path), *argv)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing started, nothing written


def test_unknown_options_are_argparse_errors_on_one_line(capsys):
    code, out, err = run(capsys, "measure", "--concurency", "4")
    assert code == 2 and "unrecognized arguments: --concurency 4" in err and len(err.strip().splitlines()) == 1


def test_summarize_of_a_missing_bundle_is_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, "summarize", str(tmp_path / "nope"))
    assert code == 2 and "no such bundle or folder" in err


def test_measure_help_documents_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["measure", "--help"])
    text = capsys.readouterr().out
    for opt in (
        "--engine",
        "--base-url",
        "--api-key-env",
        "--concurrency",
        "--request-rate",
        "--burstiness",
        "--slo",
        "--warmup-prompts",
        "--duration",
        "--request-timeout",
        "--percentile-method",
        "--served-model-name",
        "--out",
        "--json",
    ):
        assert opt in text

"""Bad input to the workload, fidelity and probe options: one line on stderr, exit status 2, nothing started."""

import json

import pytest

from claimbench.cli import main


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(list(argv)))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture
def bad_jsonl(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text('{"prompt_token_ids": [5, 6]}\n{"output_len": 3}\n')
    return str(f)


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--dataset", "/no/such/prompts.jsonl"], "--dataset: no such file or folder"),
        (["--dataset-format", "csv"], "need --dataset"),
        (["--prefix-len", "64"], "give --multi-turn N"),
        (["--multi-turn", "0"], "--multi-turn and --sessions must be at least 1"),
        (["--multi-turn", "2", "--input-len-range", "1:4"], "--multi-turn builds its own prompts"),
        (["--fidelity", "float32", "--engine", "endpoint", "--base-url", "http://127.0.0.1:9"], "--fidelity needs"),
        (["--fidelity", "float32", "--fidelity-threshold", "1.5"], "--fidelity-threshold must be in (0, 1]"),
        (["--fidelity", "float32", "--fidelity-prompts", "0"], "--fidelity-prompts must be in 1..10000"),
        (["--multi-turn", "2", "--think-time", "1", "--request-rate", "2"], "--think-time paces each session"),
        (["--multi-turn", "2", "--think-time", "1", "--engine", "serve", "--workers", "2"], "--think-time runs"),
    ],
)
def test_bad_workload_options_are_one_line_and_exit_2(capsys, tmp_path, argv, needle):
    code, _, err = run(capsys, "measure", "--out", str(tmp_path / "runs"), *argv)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_a_bad_row_in_a_dataset_names_the_file_and_line(capsys, tmp_path, bad_jsonl):
    code, _, err = run(capsys, "measure", "--dataset", bad_jsonl, "--out", str(tmp_path / "runs"))
    assert code == 2 and "p.jsonl line 2: no prompt" in err


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--repeats", "0"], "--repeats must be in 1..1000"),
        (["--dtypes", "float8"], "--dtypes: unknown 'float8'"),
        (["--hardware", "nvidia-h10"], "unknown hardware id 'nvidia-h10'"),
    ],
)
def test_bad_probe_options_are_one_line_and_exit_2(capsys, argv, needle):
    code, _, err = run(capsys, "probe", "--no-overlay", *argv)
    assert code == 2 and needle in err


def test_probe_writes_its_record_and_the_host_overlay(capsys, tmp_path):
    out = tmp_path / "probe.json"
    code, stdout, _ = run(
        capsys,
        "probe",
        "--stream-mib",
        "1",
        "--gemm-n",
        "32",
        "--repeats",
        "1",
        "--dtypes",
        "float32",
        "--overlay-dir",
        str(tmp_path / "overlay"),
        "--out",
        str(out),
    )
    assert code == 0 and "triad" in stdout and str(out) in stdout
    rec = json.loads(out.read_text())
    assert rec["kind"] == "claimbench-probe" and rec["hardware_id"] == "cpu-host"
    assert [p.name for p in (tmp_path / "overlay").iterdir()] == [f"cpu-host@{rec['host']['key']}.json"]

"""CLI conventions on every command: --quiet/--verbose/--json everywhere, exit statuses in --help,
and each error path of issue 22 with stdout empty, stderr naming the option, and exit status 2."""

from __future__ import annotations

import re

import pytest

from claimbench.cli import build_parser, main
from claimbench.cli._conventions import leaf_parser, subparsers

ROOT_PARSER = build_parser()


def _leaves():
    for command in subparsers(ROOT_PARSER):
        yield from subparsers(command) or [command]


def _run(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse usage errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("parser", list(_leaves()), ids=lambda p: p.prog)
def test_every_command_has_quiet_verbose_and_json_and_documents_its_exit_statuses(parser):
    for option in ("--quiet", "--verbose", "--json"):
        assert option in parser._option_string_actions, f"{parser.prog} lacks {option}"
    help_text = parser.format_help()
    assert "exit status" in help_text and re.search(r"\n  2 +\S", help_text) and re.search(r"\n  0 +\S", help_text)


def test_the_parser_of_the_typed_command_is_found_for_its_errors():
    args, _ = ROOT_PARSER.parse_known_args(["hardware", "show", "x"])
    assert leaf_parser(ROOT_PARSER, args).prog == "claimbench hardware show"


@pytest.mark.parametrize(
    ("argv", "named", "suggested"),
    [
        (["verify", "--clam", "x"], "--clam", "--claim"),
        (["report", "--evidnce", "x.json"], "--evidnce", "--evidence"),
        (["summarize", "--jsno", "x"], "--jsno", "--json"),
        (["hardware", "show", "--jsn", "h100"], "--jsn", "--json"),
        (["verfy"], "verfy", "verify"),
    ],
)
def test_a_mistyped_option_or_command_is_named_with_a_suggestion_and_nothing_on_stdout(argv, named, suggested, capsys):
    status, out, err = _run(argv, capsys)
    assert status == 2 and out == ""
    assert named in err and f"did you mean {suggested}" in err.replace("'", "")


def test_an_unknown_claim_id_prints_no_table_names_the_option_and_suggests_the_id(capsys):
    status, out, err = _run(["verify", "--claim", "huawei-3x-h20-throughputt"], capsys)
    assert status == 2 and out == ""
    assert err.startswith("claimbench: error: --claim:") and "did you mean 'huawei-3x-h20-throughput'" in err


def test_report_with_a_missing_runs_folder_blames_runs_not_a_notebook_parameter(tmp_path, capsys):
    status, out, err = _run(["report", "--runs", str(tmp_path / "nonexistent"), "--out", str(tmp_path)], capsys)
    assert status == 2 and out == "" and "--runs:" in err and "runs_dir" not in err
    assert list(tmp_path.iterdir()) == []  # no report folder was started


def test_report_with_a_missing_evidence_file_names_evidence(tmp_path, capsys):
    status, out, err = _run(["report", "--evidence", str(tmp_path / "nope.json"), "--out", str(tmp_path)], capsys)
    assert status == 2 and out == "" and "--evidence:" in err and "nope.json" in err


def test_an_empty_runs_folder_in_a_data_dir_is_no_error_and_no_evidence_message(tmp_path, capsys):
    (tmp_path / "runs").mkdir()
    status, out, err = _run(["verify", "--data-dir", str(tmp_path), "--claim", "huawei-3x-h20-throughput"], capsys)
    assert status == 0 and "huawei-3x-h20-throughput" in out
    assert "--evidence" not in err and "holds no evidence" not in err


def test_quiet_keeps_stderr_free_of_notes(capsys):
    status, out, err = _run(["verify", "--quiet", "--claim", "huawei-3x-h20-throughput"], capsys)
    assert status == 0 and out and err == ""


def test_summarize_on_a_missing_path_names_it_and_prints_nothing(tmp_path, capsys):
    status, out, err = _run(["summarize", str(tmp_path / "missing.json")], capsys)
    assert status == 2 and out == "" and "missing.json" in err


def test_verbose_lists_every_evidence_record_used(capsys):
    status, out, err = _run(["verify", "--verbose", "--claim", "huawei-3x-h20-throughput"], capsys)
    assert status == 0 and out
    listed = [ln for ln in err.splitlines() if ln.startswith("claimbench: evidence: ") and "load point" in ln]
    assert len(listed) >= 10  # data/reference and data/runs give 31 records

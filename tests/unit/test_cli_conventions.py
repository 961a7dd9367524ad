"""CLI conventions: vLLM/kernel output goes to the bundle's engine.log unless --verbose; --quiet
prints only the bundle path; an incomplete or all-failed run exits 1 (documented); help text
states each default once; every command has --json."""

from __future__ import annotations

import re

import pytest

from claimbench.cli import build_parser, main
from claimbench.measurement.logcapture import capture_output


def test_capture_disabled_leaves_output_alone(capfd):
    with capture_output(enabled=False) as log:
        print("visible")
    assert log is None and "visible" in capfd.readouterr().out


def test_measure_help_documents_the_exit_statuses_and_states_each_default_once(capsys):
    with pytest.raises(SystemExit):
        main(["measure", "--help"])
    text = capsys.readouterr().out
    assert "exit status:" in text and re.search(r"^\s+1\s+the run ended incomplete", text, re.M)
    assert "(default: None)" not in text
    flat = re.sub(r"\s+", " ", text)
    for option_help in re.split(r" (?=--?[a-z])", flat):
        assert option_help.count("(default") <= 1, option_help


def test_every_command_has_json_output():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = []
    for name, p in sub.choices.items():
        parsers = [p]
        nested = [a for a in p._actions if a.dest in ("hardware_command", "evidence_command")]
        if nested:
            parsers = list(nested[0].choices.values())
        for q in parsers:
            if not any("--json" in a.option_strings for a in q._actions):
                missing.append(q.prog)
    assert missing == []

"""`claimbench measure` / `summarize` on bad input: one line on stderr, exit status 2, no engine started

The tests that start a process, a server or git; the pure ones stay in tests/unit/test_cli_measure.py.
"""

import pytest

from claimbench.cli import main


def run(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(main(list(argv)))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_an_unreachable_endpoint_is_exit_2_with_one_line(capsys, tmp_path):
    from claimbench.measurement.engines.serve import free_port

    code, out, err = run(
        capsys,
        "measure",
        "--engine",
        "endpoint",
        "--base-url",
        f"http://127.0.0.1:{free_port()}",
        "--out",
        str(tmp_path),
    )
    assert code == 2 and "cannot reach endpoint" in err and len(err.strip().splitlines()) == 1

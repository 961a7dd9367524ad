"""Fault suite, scale of inputs: verify on a large claim set says how far it is on stderr (the
10,000-file timing is a benchmark: benchmarks/verify_many_claims.py)."""

from pathlib import Path

from claimbench.cli import main
from claimbench.cli.verify import PROGRESS_MIN_ITEMS

CLAIM = Path(__file__).resolve().parents[2] / "data" / "claims" / "tiny-cpu-host-min-throughput-c1.yaml"


def test_verify_on_a_large_claim_set_prints_progress_and_a_final_count_for_each_stage(tmp_path, capsys):
    text = CLAIM.read_text()
    n = PROGRESS_MIN_ITEMS
    for i in range(n):
        (tmp_path / f"c{i:04d}.yaml").write_text(text.replace("id: tiny-cpu-host-min-throughput-c1", f"id: c{i:04d}"))
    assert main(["verify", "--json", "--claims-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert f"claimbench: {n:,}/{n:,} claim files read" in err
    assert f"claimbench: {n:,}/{n:,} claims judged" in err


def test_a_small_claim_set_prints_no_progress(tmp_path, capsys):
    assert main(["verify", "--claim", "tiny-cpu-host-min-throughput-c1"]) == 0
    assert "claims judged" not in capsys.readouterr().err

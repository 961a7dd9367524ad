import polars as pl
import pytest

from claimbench.errors import UserError
from claimbench.measurement.options import parse_slos
from claimbench.measurement.runner import with_energy


def summary():
    return pl.DataFrame({"level": [0, 1], "output_tok_per_s": [100.0, None], "duration_s": [2.0, None]})


def test_energy_per_output_token_divides_joules_by_the_levels_tokens():
    out = with_energy(summary(), {0: {"joules": 50.0}, 1: {"joules": None, "reason": "no RAPL"}}).to_dicts()
    assert out[0]["energy_j"] == 50.0 and out[0]["energy_j_per_output_tok"] == pytest.approx(0.25)
    assert out[1]["energy_j"] is None and out[1]["energy_j_per_output_tok"] is None


def test_unmeasured_energy_is_null_never_zero():
    out = with_energy(summary(), {}).to_dicts()
    assert out[0]["energy_j"] is None and out[0]["energy_j_per_output_tok"] is None


def test_slos_parse_into_numbers():
    assert parse_slos(["tpot_ms=50", "ttft_ms=2000"]) == {"tpot_ms": 50.0, "ttft_ms": 2000.0}
    with pytest.raises(UserError, match="must be a positive finite number"):
        parse_slos(["tpot_ms=-1"])

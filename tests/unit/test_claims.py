"""Claim schema and loader: good files load, bad ones give one-line errors naming file and field."""

from pathlib import Path

import pytest
import yaml

from claimbench.errors import UserError
from claimbench.load.claims import load_claim, load_claims
from claimbench.schema.claims import resolved_readings

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "verify"
DATA = Path(__file__).resolve().parents[2] / "data"
HW = {"ascend-910c", "ascend-910b-376t", "nvidia-h20", "cpu-host"}

GOOD = {
    "id": "good-claim",
    "title": "t",
    "claimant": "acme",
    "source": {"url": "https://example.org", "date": "2025-11", "quote": "q"},
    "predicate": {
        "metric": "output_tok_per_s",
        "comparator": ">=",
        "value": 100,
        "unit": "tok/s",
        "basis": "card",
        "tolerance_rel": None,
        "ratio_to": None,
    },
    "conditions": {
        "hardware": "cpu-host",
        "model": "tiny",
        "precision": None,
        "input_len": 128,
        "output_len": 32,
        "slo": None,
        "speculative": "none",
        "concurrency": 8,
        "phase": "end-to-end",
        "deployment": None,
    },
    "unknown": ["precision", "slo", "deployment"],
}


def write(tmp_path, data, name="good-claim"):
    p = tmp_path / f"{name}.yaml"
    p.write_text(yaml.safe_dump(data))
    return p


def test_every_shipped_claim_loads_against_the_real_hardware_registry():
    claims, errors = load_claims(DATA / "claims")
    assert errors == []
    ids = {c.id for c in claims}
    assert {
        "huawei-2400-tok-s-per-card-at-50ms",
        "huawei-3x-h20-throughput",
        "huawei-runs-pangu-deepseek-kimi",
        "huawei-cloud-756-days-no-major-incident",
        "tiny-cpu-host-min-throughput-c1",
    } <= ids


def test_a_valid_claim_loads(tmp_path):
    claim = load_claim(write(tmp_path, GOOD), HW)
    assert claim.conditions.concurrency == 8


def test_an_unknown_key_is_rejected_naming_the_file_and_field(tmp_path):
    bad = {**GOOD, "conditions": {**GOOD["conditions"], "hardwre": "x"}}
    with pytest.raises(UserError) as e:
        load_claim(write(tmp_path, bad), HW)
    msg = str(e.value)
    assert "good-claim.yaml" in msg and "conditions.hardwre" in msg and "\n" not in msg


def test_a_missing_measurement_condition_has_no_default(tmp_path):
    # in a file of the current schema; a file without `schema:` is migrated (tests/unit/test_schema_versions.py)
    cond = dict(GOOD["conditions"])
    del cond["input_len"]
    with pytest.raises(UserError, match=r"conditions\.input_len"):
        load_claim(write(tmp_path, {**GOOD, "schema": 2, "conditions": cond}), HW)


def test_a_null_condition_must_be_listed_as_unknown(tmp_path):
    bad = {**GOOD, "unknown": ["slo"]}
    with pytest.raises(UserError, match=r"conditions\.precision"):
        load_claim(write(tmp_path, bad), HW)


def test_a_claim_naming_unknown_hardware_is_rejected_with_a_hint(tmp_path):
    bad = {**GOOD, "conditions": {**GOOD["conditions"], "hardware": "ascend-910x"}}
    with pytest.raises(UserError) as e:
        load_claim(write(tmp_path, bad), HW)
    assert "conditions.hardware" in str(e.value) and "did you mean" in str(e.value)


def test_a_claim_on_a_chip_the_registry_lacks_says_how_to_add_it(tmp_path):
    bad = {**GOOD, "conditions": {**GOOD["conditions"], "hardware": "cerebras-wse-3"}}
    with pytest.raises(UserError) as e:
        load_claim(write(tmp_path, bad), HW)
    assert "add hardware/cerebras-wse-3.yaml to a data folder, --data-dir" in str(e.value)
    assert "\n" not in str(e.value)


def test_malformed_yaml_is_one_line_naming_file_and_line(tmp_path):
    p = tmp_path / "broken.yaml"
    p.write_text("id: [unclosed\ntitle: x\n")
    with pytest.raises(UserError) as e:
        load_claim(p, HW)
    assert "broken.yaml" in str(e.value) and "line" in str(e.value) and "\n" not in str(e.value)


def test_yaml_with_a_python_object_tag_is_rejected():
    with pytest.raises(UserError, match="python_tag_claim.yaml"):
        load_claim(FIX / "python_tag_claim.yaml", HW)


def test_loading_a_directory_reports_bad_files_and_keeps_the_good_ones(tmp_path):
    write(tmp_path, GOOD)
    write(tmp_path, {**GOOD, "id": "second", "extra": 1}, name="second")
    claims, errors = load_claims(tmp_path, HW)
    assert [c.id for c in claims] == ["good-claim"]
    assert len(errors) == 1 and "second.yaml" in errors[0].message and "extra" in errors[0].message


def test_approx_without_a_tolerance_is_rejected(tmp_path):
    pred = {**GOOD["predicate"], "comparator": "approx"}
    with pytest.raises(UserError, match="tolerance_rel"):
        load_claim(write(tmp_path, {**GOOD, "predicate": pred}), HW)


def test_readings_apply_only_the_overrides_they_write(tmp_path):
    data = {
        **GOOD,
        "readings": [
            {
                "id": "per-die",
                "label": "l",
                "basis": "die",
                "conditions": {"hardware": "ascend-910c"},
                "source_note": "n",
            }
        ],
    }
    claim = load_claim(write(tmp_path, data), HW)
    rs = resolved_readings(claim)
    assert [r.reading_id for r in rs] == ["as-worded", "per-die"]
    assert rs[1].conditions.hardware == "ascend-910c" and rs[1].conditions.model == "tiny"
    assert rs[1].basis == "die"


def test_a_readings_figure_without_its_own_precision_restates_the_claims_on_its_basis():
    from verdict_builders import make_claim, predicate

    def reading(rid, **kw):
        return {"id": rid, "label": "l", "conditions": {}, "basis": "die", "source_note": "n", **kw}

    c = make_claim(
        pred={**predicate(6688.0), "value_pm": 0.5},
        readings=[reading("per-die", value=3344.0), reading("own", value=3344.0, value_pm=2.0)],
    )
    by_id = {r.reading_id: r for r in resolved_readings(c)}
    assert by_id["per-die"].value_pm == 0.25 and by_id["own"].value_pm == 2.0

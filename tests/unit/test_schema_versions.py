"""Files written for the previous schema load: claim and reference files without ``schema:`` (frozen in
tests/fixtures/schema_v1) and claim files from before ``claimant`` / ``deployment.devices`` were required."""

from pathlib import Path

import pytest
import yaml

from claimbench.errors import UserError
from claimbench.load.claims import load_claim, load_claims
from claimbench.load.evidence import load_reference
from claimbench.schema.claims import CLAIM_SCHEMA_VERSION

V1 = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1"
REPO = Path(__file__).resolve().parents[2]


def test_every_previous_version_claim_file_loads_with_a_one_line_migration_note():
    claims, errors = load_claims(V1 / "claims")
    assert errors == [] and len(claims) == len(list((V1 / "claims").glob("*.yaml")))
    for c in claims:
        assert c.schema_ == CLAIM_SCHEMA_VERSION
        assert any(n.startswith("migrated in memory from claim schema 1 to 2") for n in c.notes)


def test_the_migration_note_is_on_every_verdict_of_a_migrated_claim():
    from claimbench.judge.verdict import judge_claim
    from claimbench.load.registry import list_hardware

    hw = {h.id: h for h in list_hardware()}
    claims, _ = load_claims(V1 / "claims")
    for v in judge_claim(claims[0], [], hw):
        assert any(n.startswith("migrated in memory from claim schema 1 to 2") for n in v.notes), v.notes


@pytest.mark.parametrize("path", sorted((V1 / "reference").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_previous_version_reference_file_loads_with_a_migration_note(path):
    records = load_reference(path)
    assert records and any(any("migrated in memory from reference schema 1" in n for n in r.notes) for r in records)


def test_a_claim_written_before_claimant_and_deployment_devices_were_required_loads(tmp_path):
    data = yaml.safe_load((V1 / "claims" / "deepseek-h800-14800-out-per-node.yaml").read_text())
    del data["claimant"]
    del data["conditions"]["deployment"]["devices"]
    del data["conditions"]["phase"]
    path = tmp_path / "deepseek-h800-14800-out-per-node.yaml"
    path.write_text(yaml.safe_dump(data))
    c = load_claim(path)
    assert c.claimant == "deepseek" and c.conditions.deployment.devices is None
    assert c.conditions.phase is None and "phase" in c.unknown
    assert "claimant missing: read as 'deepseek' from source.publisher" in c.notes[-1]


def test_the_shipped_files_carry_the_current_schema_and_need_no_migration():
    claims, errors = load_claims(REPO / "data" / "claims")
    assert errors == [] and all(not any(n.startswith("migrated") for n in c.notes) for c in claims)


def test_a_file_from_a_future_schema_is_one_line_naming_the_field(tmp_path):
    data = yaml.safe_load((V1 / "claims" / "deepseek-h800-14800-out-per-node.yaml").read_text())
    data["schema"] = CLAIM_SCHEMA_VERSION + 1
    path = tmp_path / "deepseek-h800-14800-out-per-node.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(UserError, match="schema"):
        load_claim(path)

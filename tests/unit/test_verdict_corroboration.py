"""Corroboration from provenance: organisations as data, the claim's own document, unattributed files,
peer-reviewed submissions, and the label taken from the records that decided."""

from pathlib import Path

from verdict_builders import HW, evidence, make_claim

from claimbench.judge.verdict import VerdictConfig, corroboration_of, judge_claim
from claimbench.judge.verdict.corroboration import publisher_orgs
from claimbench.load.evidence import load_reference
from claimbench.load.orgs import load_orgs, org_index
from claimbench.schema.provenance import Provenance

REPO = Path(__file__).resolve().parents[2]
ORGS = org_index(load_orgs(REPO / "data"))


def claim(claimant="huawei", url="https://example.org/launch"):
    return make_claim(claimant=claimant, source={"url": url, "date": "2025", "quote": "q"})


def ev(eid="e", thr=1500.0, kind="reference", reported_by="x", provenance=None):
    return evidence(eid, thr=thr, kind=kind, reported_by=reported_by, provenance=provenance)


def pub(publisher, document="https://example.org/paper", origin="publication"):
    return Provenance(origin=origin, publisher=publisher, document=document)


def test_a_subsidiary_or_brand_of_the_claimant_is_self_reported():
    for name in ("Huawei Cloud", "Ascend", "HUAWEI", "Huawei (CloudMatrix-Infer, arXiv 2506.12708 v1)"):
        assert corroboration_of(ev(provenance=pub(name)), claim(), ORGS) == "self-reported", name


def test_a_third_party_publication_is_independent_and_a_joint_one_names_each_party():
    assert corroboration_of(ev(provenance=pub("LMSYS / Ant Group")), claim(), ORGS) == "independent"
    assert publisher_orgs("LMSYS / Ant Group", ORGS) == {"lmsys", "ant-group"}


def test_figures_copied_from_the_claims_own_document_are_self_reported_whoever_republished_them():
    e = ev(provenance=pub("some blog", document="https://example.org/launch"))
    assert corroboration_of(e, claim(), ORGS) == "self-reported"


def test_an_anonymous_peer_file_is_unattributed_not_measured_here_or_a_third_party():
    e = ev(kind="guidellm", reported_by="peer file")
    assert corroboration_of(e, claim(), ORGS) == "unattributed"


def test_an_mlperf_closed_submission_by_another_org_is_peer_reviewed_and_by_the_claimant_self_reported():
    e = ev(kind="mlperf", provenance=pub("NVIDIA", origin="peer-reviewed-submission"))
    assert corroboration_of(e, claim(), ORGS) == "peer-reviewed"
    assert corroboration_of(e, claim(claimant="nvidia"), ORGS) == "self-reported"


def test_the_label_comes_from_the_records_that_decided_not_the_strongest_in_the_set():
    own = ev("own", thr=1500.0, provenance=pub("Huawei Cloud"))
    other = ev("other", thr=990.0, provenance=pub("LMSYS"))
    # both best-matched; they disagree (SUPPORTED vs REFUTED): nothing decided by one side only
    v = judge_claim(claim(), [own, other], {"chip-a": HW()}, None, VerdictConfig(n_boot=100), orgs=ORGS)[0]
    assert v.verdict != "SUPPORTED" or v.corroboration == "self-reported"
    only_own = judge_claim(claim(), [own], {"chip-a": HW()}, None, VerdictConfig(n_boot=100), orgs=ORGS)[0]
    assert (only_own.verdict, only_own.corroboration) == ("SUPPORTED", "self-reported")


def test_reference_records_carry_their_publisher_document_and_file_hash():
    records = load_reference(REPO / "data" / "reference" / "lmsys-ant-h20.yaml")
    prov = records[0].provenance
    assert prov is not None and prov.origin == "publication" and prov.publisher == "lmsys-ant"
    assert prov.document == "https://lmsys.org/blog/2025-09-26-sglang-ant-group"
    assert prov.document_sha256 is not None and len(prov.document_sha256) == 64


def test_every_org_file_loads_and_every_subsidiary_is_sourced():
    orgs = load_orgs(REPO / "data")
    assert {"huawei", "nvidia", "amd", "deepseek", "lmsys", "semianalysis", "mlcommons"} <= {o.id for o in orgs}
    huawei = next(o for o in orgs if o.id == "huawei")
    assert {s.id for s in huawei.subsidiaries} >= {"huawei-cloud", "ascend"}
    assert all(s.source.url.startswith("https://") for o in orgs for s in o.subsidiaries)


def test_the_why_names_the_records_behind_the_label_when_they_are_not_the_record_it_quotes():
    own = ev(
        "own-mlperf", thr=1500.0, reported_by="Huawei", provenance=pub("Huawei", origin="peer-reviewed-submission")
    )
    other = ev("dell-mlperf", thr=1600.0, reported_by="Dell", provenance=pub("Dell", origin="peer-reviewed-submission"))
    cfg = VerdictConfig(n_boot=200)
    v = judge_claim(claim(), [own, other], {"chip-a": HW()}, config=cfg, orgs=ORGS)[0]
    # both support >= 1000; the claimant's own record (listed first) is quoted, the label is Dell's submission's
    assert v.verdict == "SUPPORTED" and v.corroboration == "peer-reviewed"
    assert v.why.startswith("own-mlperf gives 1,500") and ": SUPPORTED. Corroboration: peer-reviewed" in v.why
    assert v.why.endswith("from the records that agree with it: dell-mlperf.")  # two statements, not one sentence
    w = judge_claim(claim(), [other, own], {"chip-a": HW()}, config=cfg, orgs=ORGS)[0]
    assert w.why.startswith("dell-mlperf gives 1,600") and "agrees" not in w.why  # it quotes the label's own record


def test_a_company_name_with_its_legal_form_is_that_company_and_no_other():
    # "Huawei Technologies Co., Ltd." split at its comma once named Ant Group (whose alias "Ant Group Co., Ltd."
    # had loaded as "Ant Group Co." and "Ltd.")
    huawei_paper = ev(provenance=pub("Huawei Technologies Co., Ltd."))
    assert corroboration_of(huawei_paper, claim("huawei"), ORGS) == "self-reported"
    assert corroboration_of(huawei_paper, claim("ant-group"), ORGS) == "independent"
    assert publisher_orgs("Samsung Electronics Co., Ltd.", ORGS) == {"samsungelectronics"}
    assert publisher_orgs("NVIDIA Corporation", ORGS) == {"nvidia"}


def test_a_publisher_written_without_spaces_or_with_a_team_name_resolves_to_its_organisation():
    assert publisher_orgs("huaweicloud", ORGS) == {"huawei"}
    assert publisher_orgs("Huawei Ascend team", ORGS) == {"huawei"}


def test_an_mlperf_joint_submission_is_self_reported_for_each_member():
    joint = ev(provenance=pub("AMD_MangoBoost", origin="publication"))
    assert publisher_orgs("AMD_MangoBoost", ORGS) == {"amd", "mangoboost"}
    assert corroboration_of(joint, claim("amd"), ORGS) == "self-reported"
    assert corroboration_of(joint, claim("mangoboost"), ORGS) == "self-reported"
    assert corroboration_of(joint, claim("nvidia"), ORGS) == "independent"
    # neither member known: both readings kept, so a claim by either is never judged as another's
    two = ev(provenance=pub("Dell_Broadcom", origin="peer-reviewed-submission"))
    assert corroboration_of(two, claim("dell"), ORGS) == "self-reported"
    assert corroboration_of(two, claim("nvidia"), ORGS) == "peer-reviewed"


def test_an_org_alias_that_is_only_a_legal_form_is_a_one_line_error_naming_the_file():
    import pytest

    from claimbench.errors import UserError
    from claimbench.schema.orgs import Org

    src = {"url": "https://example.org", "date": "2026"}
    split = Org(id="acme", name="Acme", aliases=["Acme Co.", "Ltd."], source=src)  # [Acme Co., Ltd.] unquoted
    with pytest.raises(UserError, match=r"data/orgs/acme.yaml: name 'Ltd.' is no organisation name"):
        org_index([split])


def test_the_claimants_own_mlperf_closed_result_stays_self_reported_and_says_it_was_peer_reviewed():
    own = ev(provenance=pub("NVIDIA", origin="peer-reviewed-submission"))
    v = judge_claim(claim("nvidia"), [own], {"chip-a": HW()}, None, VerdictConfig(n_boot=50), orgs=ORGS)[0]
    assert v.verdict == "SUPPORTED" and v.corroboration == "self-reported"
    assert any("its own MLPerf closed-division submission" in n for n in v.notes)
    paper = judge_claim(
        claim("nvidia"), [ev(provenance=pub("NVIDIA"))], {"chip-a": HW()}, None, VerdictConfig(n_boot=50), orgs=ORGS
    )[0]
    assert paper.corroboration == "self-reported" and not any("MLPerf" in n for n in paper.notes)

"""Accuracy-parity claims from real statements (tests/golden/accuracy), with the verdict a skeptic would sign."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from claimbench.judge.verdict import VerdictConfig, judge_claims
from claimbench.load.claims import load_claims
from claimbench.load.evidence import load_reference
from claimbench.load.mlperf_library import library_evidence

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CFG = VerdictConfig(n_boot=200)


@dataclass(frozen=True)
class HW:
    dies_per_package: int | None = 1
    packages_per_node: int | None = 8


HWS = {h: HW() for h in ("nvidia-b200", "nvidia-h100-sxm", "nvidia-gb300")}


@pytest.fixture(scope="module")
def claims():
    found, errors = load_claims(GOLDEN / "accuracy", set(HWS))
    assert errors == []
    return {c.id: c for c in found}


def test_b200_4x_h100_at_mlperf_accuracy_rests_on_closed_results_that_meet_the_target(claims):
    evidence = [e for e in library_evidence() if e.conditions.model == "llama-2-70b" and ":v4.1:" in e.id]
    worded, strict = judge_claims([claims["accuracy-nvidia-b200-4x-h100-llama2-70b"]], evidence, HWS, config=CFG)
    # 11,264.4 tok/s on one B200 / (24,528.3 / 8 H100) = 3.674x, within the stated "4x" (3.5-4.5): SUPPORTED,
    # on NVIDIA's own B200 figure
    assert (worded.verdict, worded.corroboration) == ("SUPPORTED", "self-reported")
    assert worded.observed == pytest.approx(11264.4 / (24528.3 / 8), rel=1e-4)
    # at the 99.9 % target only the -99.9 entries are at parity: 11,264.4 / (24,524.9 / 8) = 3.674x
    assert strict.verdict == "SUPPORTED"
    assert strict.observed == pytest.approx(11264.4 / (24524.9 / 8), rel=1e-4)
    pair = strict.why.split(" = ")[0]  # "<B200 record> / <H100 record>"
    assert pair.count(":llama2-70b-99.9:") == 2 and ":llama2-70b-99:" not in pair


def test_an_unverified_mlperf_figure_cannot_support_a_claim_at_mlperf_accuracy(claims):
    evidence = load_reference(GOLDEN / "evidence" / "azure-nd-gb300-llama2-70b.yaml", set(HWS))
    (v,) = judge_claims([claims["accuracy-azure-gb300-1-1m-unverified-mlperf"]], evidence, HWS, config=CFG)
    # 1,100,948 tok/s is at parity or below it: an upper bound of the figure at parity, over the claim -> undecided
    assert v.verdict == "INCONCLUSIVE"
    assert any(n.startswith("accuracy unknown") and "would decide" in n for n in v.notes)
    (plain,) = judge_claims(
        load_claims(GOLDEN / "claims", set(HWS), ["azure-gb300-1-1m-tok-s-per-rack"])[0], evidence, HWS, config=CFG
    )
    assert plain.verdict == "SUPPORTED"  # the same statement without the accuracy condition

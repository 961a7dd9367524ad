"""Fault suite: absurd figures never become evidence. A peer file claiming 1e308 tok/s, a figure
above the compute roof of its hardware and model, or a model its packages cannot hold is set aside
with the reason before judgement, and no verdict uses it."""

import json
from pathlib import Path

import pytest

from claimbench.cli import main
from claimbench.judge.evidence_sanity import screen_evidence
from claimbench.load.registry import list_hardware, list_models
from claimbench.schema.evidence import Evidence, EvidenceConditions, LoadPoint
from claimbench.schema.hardware import HardwareSpec

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "verify"
CLAIM = "tiny-cpu-host-min-throughput-c1"
MODELS = {m.id: m for m in list_models()}


def _evidence(
    value: float, hardware: str | None = "one-tflops", basis="card", packages=None, model="tiny", precision=None
):
    return Evidence(
        id="e",
        kind="vllm_bench",
        path="peer.json",
        secondary=False,
        reported_by=None,
        derived=False,
        conditions=EvidenceConditions(
            hardware=hardware,
            model=model,
            precision=precision,
            input_len=None,
            output_len=None,
            speculative=None,
            phase=None,
        ),
        basis=basis,
        packages=packages,
        points=[LoadPoint(level="0", output_tok_per_s=value)],
    )


ONE_TFLOPS = HardwareSpec(
    id="one-tflops", vendor="v", name="n", peak_dense_tflops={"bf16": 1.0}, hbm_gib=1.0, hbm_source_unit="GiB"
)


def test_the_compute_roof_is_peak_times_four_over_two_flops_per_active_non_embedding_parameter():
    # tiny: 2 layers x (attention 49,152 + norms 256 + FFN 98,304) + lm_head 65,536 + final norm 128
    # = 361,088 parameters past the embedding -> 722,176 FLOP per token; roof = 4e12 / 722,176 = 5,538,770 tok/s
    hw = {"one-tflops": ONE_TFLOPS}
    kept, aside = screen_evidence([_evidence(6.0e6)], MODELS, hw)  # within the 10 % slack
    assert len(kept) == 1 and not aside
    kept, aside = screen_evidence([_evidence(6.2e6)], MODELS, hw)
    assert not kept and "above the compute roof 5.539e+06 tok/s per card" in aside[0].reason
    assert aside[0].reason.startswith("peer.json: implausible evidence set aside")


def test_a_node_figure_is_bounded_by_its_packages_and_an_unknown_count_is_bounded_loosely():
    hw = {"one-tflops": ONE_TFLOPS}
    kept, aside = screen_evidence([_evidence(12e6, basis="node", packages=2)], MODELS, hw)
    assert kept and not aside  # 2 packages: roof 11.08e6, within slack
    kept, aside = screen_evidence([_evidence(13e6, basis="node", packages=2)], MODELS, hw)
    assert aside and "per node of 2 packages" in aside[0].reason
    kept, aside = screen_evidence([_evidence(1e308, basis="system")], MODELS, hw)
    assert aside and "packages unknown (bounded at 100,000)" in aside[0].reason


def test_hardware_with_no_known_peak_is_bounded_by_the_fastest_registry_package_times_ten():
    hardware = {h.id: h for h in list_hardware()}
    kept, aside = screen_evidence([_evidence(1e308, hardware="cpu-host")], MODELS, hardware)
    assert not kept and "cpu-host peak unknown: bounded by the fastest package" in aside[0].reason
    kept, aside = screen_evidence([_evidence(1e6, hardware="cpu-host")], MODELS, hardware)
    assert kept and not aside  # a million tok/s of a 0.4M-parameter model is not absurd


def test_a_model_whose_weights_the_packages_cannot_hold_is_set_aside():
    hw = {"one-tflops": ONE_TFLOPS.model_copy(update={"peak_dense_tflops": {"bf16": 1e9}})}
    big = "llama-3.1-70b"  # ~70e9 weights: 65 GiB at 1 byte cannot sit in 2 GiB
    kept, aside = screen_evidence([_evidence(10.0, basis="node", packages=2, model=big, precision="fp8")], MODELS, hw)
    assert not kept and "do not fit in 2 one-tflops package(s) (2 GiB)" in aside[0].reason
    kept, aside = screen_evidence([_evidence(10.0, model=big)], MODELS, hw)
    assert kept  # packages not stated: whether it fits is unknown, nothing is set aside


def test_an_unknown_model_gives_no_roof_and_nothing_is_set_aside():
    kept, aside = screen_evidence([_evidence(1e308, model="not-a-model")], MODELS, {"one-tflops": ONE_TFLOPS})
    assert kept and not aside


def test_no_shipped_evidence_is_set_aside():
    from claimbench.load.evidence import default_evidence_paths, import_evidence

    hardware = {h.id: h for h in list_hardware()}
    evidence, _ = import_evidence(default_evidence_paths(), set(hardware))
    kept, aside = screen_evidence(evidence, MODELS, hardware)
    assert evidence and not aside and len(kept) == len(evidence)


def _absurd_vllm_bench(tmp_path: Path) -> Path:
    lines = [json.loads(x) for x in (FIX / "vllm_bench_serve.json").read_text().splitlines() if x.strip()]
    for d in lines:  # no totals nor TPOT: only the compute roof can tell (the file's own figures cannot)
        d["output_throughput"] = 1e308
        for key in ("total_output_tokens", "mean_tpot_ms", "request_throughput", "total_token_throughput"):
            d.pop(key)
    p = tmp_path / "absurd_vllm_bench.json"
    p.write_text("\n".join(json.dumps(d) for d in lines) + "\n")
    return p


def _absurd_guidellm(tmp_path: Path) -> Path:
    d = json.loads((FIX / "guidellm_report.json").read_text())
    for b in d["benchmarks"]:
        stats = b["metrics"]["output_tokens_per_second"]["successful"]
        stats["mean"] = stats["median"] = 1e308
        stats["percentiles"] = {k: 1e308 for k in stats["percentiles"]}
        b["metrics"].pop("inter_token_latency_ms")  # no TPOT: only the compute roof can tell
    p = tmp_path / "absurd_guidellm.json"
    p.write_text(json.dumps(d))
    return p


@pytest.mark.parametrize("make", [_absurd_vllm_bench, _absurd_guidellm], ids=["vllm-bench", "guidellm"])
def test_a_1e308_tok_s_peer_file_is_set_aside_with_the_reason_and_no_verdict_uses_it(make, tmp_path, capsys):
    path = make(tmp_path)
    rc = main(
        [
            "verify",
            "--json",
            "--claim",
            CLAIM,
            "--evidence",
            str(path),
            "--evidence",
            str(FIX / "vllm_bench_serve.json"),
        ]
    )
    out, err = capsys.readouterr()
    (item,) = json.loads(out)
    assert rc == 1  # an input was skipped; the rest was judged
    line = next(x for x in err.splitlines() if path.name in x and "skipped evidence" in x)
    assert "implausible evidence set aside" in line and "compute roof" in line
    assert item["observed"] == 128.0  # judged on the sane file alone
    assert path.name not in json.dumps(item["evidence_used"])


def test_a_1e308_file_alone_leaves_no_evidence_and_the_claim_is_not_supported(tmp_path, capsys):
    rc = main(["verify", "--json", "--claim", CLAIM, "--evidence", str(_absurd_vllm_bench(tmp_path))])
    _, err = capsys.readouterr()
    assert rc == 2 and "implausible evidence set aside" in err


MLPERF_CSV = Path(__file__).resolve().parents[1] / "data" / "peers" / "mlperf-csv" / "summary_results_v4.1_first11.csv"


@pytest.mark.parametrize("cut", ["mid-field", "field-boundary"])
def test_an_mlperf_csv_cut_mid_row_is_an_error_not_a_shorter_table(tmp_path, cut):
    from claimbench.errors import UserError
    from claimbench.load.peers.mlperf import load_mlperf

    text = MLPERF_CSV.read_bytes().decode()
    lines = text.splitlines(keepends=True)
    last = lines[-2]  # a full row: cut it mid-way
    head = "".join(lines[:-2])
    if cut == "mid-field":
        bad = head + last[: len(last) // 2]
    else:
        bad = head + ",".join(last.split(",")[:5]) + "\r\n"
    p = tmp_path / "cut.csv"
    p.write_bytes(bad.encode())
    assert load_mlperf(MLPERF_CSV)  # the whole file loads
    with pytest.raises(UserError, match="truncated"):
        load_mlperf(p)

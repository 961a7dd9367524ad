"""Roofline bounds pinned on hand-computed cases (synthetic chips and models with round numbers)."""

from __future__ import annotations

import pytest

from claimbench.errors import UserError
from claimbench.judge.roofline import (
    ParallelLayout,
    Precision,
    decode_bound,
    kv_bytes_per_token,
    max_batch_at_tpot,
    param_breakdown,
    prefill_bound,
    ratio_bound,
)
from claimbench.load.registry import load_hardware, load_model
from claimbench.schema.hardware import HardwareSpec, ModelArch

# A round-number chip: 100 dense bf16 TFLOPS, 1 TB/s HBM, 80 GiB, 100 GB/s scale-up each way.
CHIP = HardwareSpec.model_validate(
    dict(
        id="chip",
        vendor="test",
        name="round chip",
        dies_per_package=2,
        peak_dense_tflops={"bf16": 100, "int8": 200},
        hbm_gib=80,
        hbm_source_unit="GiB",
        hbm_tb_per_s=1.0,
        scale_up_gb_per_s=100,
        scale_up_direction="per_direction",
    )
)

# Dense MHA model: 2 layers, hidden 1024, 8 heads x 128, FFN 4096 (SwiGLU), vocab 1000.
DENSE = ModelArch.model_validate(
    dict(
        id="dense",
        name="dense",
        family="test",
        layers=2,
        hidden=1024,
        heads=8,
        kv_heads=8,
        head_dim=128,
        dense_ffn=4096,
        vocab=1000,
        max_context=4096,
    )
)

# MLA MoE model: 2 layers (layer 0 dense FFN 2048, layer 1 MoE), hidden 1024, 8 heads,
# MLA without q-LoRA (kv_lora 256, rope 32, nope 64, v 64); 16 routed experts + 1 shared, top-2, expert FFN 512.
MLA_MOE = ModelArch.model_validate(
    dict(
        id="mla-moe",
        name="mla-moe",
        family="test",
        layers=2,
        hidden=1024,
        heads=8,
        mla=dict(kv_lora_rank=256, qk_rope_head_dim=32, qk_nope_head_dim=64, v_head_dim=64),
        dense_ffn=2048,
        moe=dict(experts_routed=16, experts_shared=1, experts_active=2, expert_ffn=512, dense_layers=1),
        vocab=1000,
        max_context=4096,
    )
)


def test_dense_model_parameter_count_by_hand():
    # per layer: q 1024*1024 + k,v 2*1024*1024 + o 1024*1024 = 4,194,304; FFN 3*1024*4096 = 12,582,912;
    # norms 2*1024 = 2,048 -> 16,779,264 per layer, 33,558,528 for 2 layers;
    # + embedding 1,024,000 + LM head 1,024,000 + final norm 1,024 = 35,607,552
    assert param_breakdown(DENSE).total == 35_607_552


def test_dense_model_is_bandwidth_bound_at_batch_one():
    # Weights read = everything but the embedding: 33,558,528 + 1,024,000 + 1,024 = 34,583,552 params
    #   x 2 B = 69,167,104 B.
    # KV per token: 2 layers x 2 (K,V) x 8 heads x 128 x 2 B = 8,192 B; context 1,000 -> 8,192,000 B.
    # Memory: 77,359,104 B / 1e12 B/s = 77.359104 us.
    # FLOPs: 2 x (2 x (4,194,304 + 12,582,912) + 1,024,000) = 69,156,864
    #        + attention 4 x 8 x 128 x 1,000 x 2 layers = 8,192,000 -> 77,348,864 / 1e14 = 0.773 us.
    b = decode_bound(DENSE, CHIP, batch_per_device=1, context_tokens=1000)
    assert b.weight_bytes_read == 69_167_104
    assert b.kv_bytes_read == 8_192_000
    assert b.flops == 77_348_864
    assert b.binding == "memory"
    assert b.t_memory_s == pytest.approx(77.359104e-6)
    assert b.output_tok_per_s_per_device == pytest.approx(1 / 77.359104e-6)  # 12,926.7 tok/s
    assert b.tpot_ms == pytest.approx(0.077359104)
    assert b.output_tok_per_s_per_die == pytest.approx(b.output_tok_per_s_per_device / 2)


def test_dense_model_is_compute_bound_at_large_batch():
    # batch 1,024, context 0: memory 69,167,104 B -> 69.17 us;
    # compute 1,024 x 69,156,864 = 70,816,628,736 FLOPs / 1e14 = 708.17 us -> compute binds.
    # tok/s = 1,024 / 708.166e-6 = 1e14 / 69,156,864 = 1,445,987.6
    b = decode_bound(DENSE, CHIP, batch_per_device=1024, context_tokens=0)
    assert b.binding == "compute"
    assert b.t_compute_s == pytest.approx(70_816_628_736 / 1e14)
    assert b.output_tok_per_s_per_device == pytest.approx(1e14 / 69_156_864)


def test_mla_moe_under_expert_parallelism_by_hand():
    # Attention per layer: q 1024*8*(64+32) = 786,432; kv_a 1024*(256+32) = 294,912; kv norm 256;
    #   kv_b 256*8*(64+64) = 262,144; o 8*64*1024 = 524,288 -> 1,868,032 (+ 2,048 norms).
    # Expert: 3*1024*512 = 1,572,864; router 16*1024 = 16,384; dense FFN 3*1024*2048 = 6,291,456.
    # EP4, batch 2 per device, no MTP: T = 2 x 4 = 8 tokens enter the MoE layer across the group.
    #   distinct experts = 16 x (1 - (1 - 2/16)^8) = 16 x (1 - 0.875^8) = 10.5022573...; per device /4.
    # Non-expert reads: attention 2 x 1,870,080 = 3,740,160; dense FFN 6,291,456; LM head 1,024,000;
    #   final norm 1,024; shared expert + router 1,589,248 -> 12,645,888 params.
    # KV (MLA latent): (256 + 32) x 2 B x 2 layers = 1,152 B/token; x 1,000 x 2 sequences = 2,304,000 B.
    # FLOPs/token: 2 x (3,736,064 + 6,291,456 + 3 x 1,572,864 + 16,384 + 1,024,000) = 31,572,992
    #   + absorbed attention (2*8*(256+32) + 2*8*256) x 1,000 x 2 = 17,408,000 -> 48,980,992; x 2 tokens.
    # EP dispatch+combine: distinct devices per token 4 x (1 - 0.75^2) = 1.75, remote 3/4 of them:
    #   2 x 1.3125 x 1024 x (2 + 2) B = 10,752 B over 100 GB/s = 0.10752 us.
    touched_per_device = 16 * (1 - 0.875**8) / 4
    weights = (12_645_888 + touched_per_device * 1_572_864) * 2
    b = decode_bound(MLA_MOE, CHIP, batch_per_device=2, context_tokens=1000, deployment=ParallelLayout(ep=4))
    assert b.weight_bytes_read == pytest.approx(weights)
    assert b.kv_bytes_read == 2_304_000
    assert b.flops == 2 * 48_980_992
    assert b.comm_bytes == pytest.approx(10_752)
    assert b.t_comm_s == pytest.approx(10_752 / 100e9)
    assert b.binding == "memory"
    assert b.t_memory_s == pytest.approx((weights + 2_304_000) / 1e12)
    assert b.output_tok_per_s_per_device == pytest.approx(2 / ((weights + 2_304_000) / 1e12))


def test_mtp_raises_tokens_per_step_by_the_accepted_count():
    # one draft at 90 % acceptance: 1.9 tokens per step, as xDeepServe's "(93 ms + 2 ms) / 1.9"
    b = decode_bound(DENSE, CHIP, batch_per_device=1, context_tokens=100, spec_tokens=1, acceptance=0.9)
    assert b.accepted_tokens_per_step == pytest.approx(1.9)
    assert b.tpot_ms == pytest.approx(b.step_time_s * 1000 / 1.9)


def test_mla_kv_is_not_sharded_by_tensor_parallelism_but_gqa_kv_is():
    one = decode_bound(MLA_MOE, CHIP, batch_per_device=4, context_tokens=1000)
    tp4 = decode_bound(MLA_MOE, CHIP, batch_per_device=4, context_tokens=1000, deployment=ParallelLayout(tp=4))
    assert tp4.kv_bytes_read == pytest.approx(4 * one.kv_bytes_read)
    d1 = decode_bound(DENSE, CHIP, batch_per_device=4, context_tokens=1000)
    d4 = decode_bound(DENSE, CHIP, batch_per_device=4, context_tokens=1000, deployment=ParallelLayout(tp=4))
    assert d4.kv_bytes_read == pytest.approx(d1.kv_bytes_read)


def test_deepseek_int8_kv_is_640_bytes_per_token_per_layer():
    # DeepSeek-V3 config_671B.json (kv_lora_rank 512, qk_rope_head_dim 64); CloudMatrix-Infer keeps the 512 latent in INT8 + 64 RoPE in BF16 = 640 B; 61 layers = 39,040 B
    m = load_model("deepseek-r1")
    assert kv_bytes_per_token(m, Precision(kv="int8", kv_rope="bf16")) == 39_040
    assert kv_bytes_per_token(m, Precision(kv="bf16")) == 70_272


def test_llama_8b_on_h100_at_batch_one_is_about_221_tok_per_s():
    # ~15.0 GB of bf16 weights + 0.13 GB KV over 3.35 TB/s -> ~4.52 ms per token
    b = decode_bound(
        load_model("llama-3.1-8b"), load_hardware("nvidia-h100-sxm"), batch_per_device=1, context_tokens=1024
    )
    assert b.binding == "memory"
    assert b.output_tok_per_s_per_device == pytest.approx(221.2, rel=0.01)


def test_max_batch_at_tpot_finds_the_largest_feasible_batch():
    t = max_batch_at_tpot(DENSE, CHIP, tpot_ms=0.2, context_tokens=1000)
    assert t.max_batch_per_device is not None
    assert decode_bound(DENSE, CHIP, batch_per_device=t.max_batch_per_device, context_tokens=1000).tpot_ms <= 0.2
    assert decode_bound(DENSE, CHIP, batch_per_device=t.max_batch_per_device + 1, context_tokens=1000).tpot_ms > 0.2


def test_max_batch_at_tpot_reports_infeasible_when_batch_one_is_too_slow():
    t = max_batch_at_tpot(DENSE, CHIP, tpot_ms=0.01, context_tokens=1000)
    assert t.max_batch_per_device is None and t.limited_by == "infeasible"


def test_memory_capacity_limits_the_batch():
    # 80 GiB, weights 71,215,104 B stored; KV 8,192 B/token x 100,000 tokens = 819.2 MB per sequence
    t = max_batch_at_tpot(DENSE, CHIP, tpot_ms=1e6, context_tokens=100_000)
    expected = int((80 * 2**30 - 35_607_552 * 2) // (8_192 * 100_000))
    assert t.max_batch_per_device == expected and t.limited_by == "memory_capacity"


def test_prefill_of_a_dense_model_is_compute_bound():
    # FLOPs/token = 69,156,864 + 4 x 8 x 128 x 1000.5 x 2 layers = 77,352,960; 1e14 / that = 1,292,775 tok/s
    p = prefill_bound(DENSE, CHIP, prompt_tokens=2000)
    assert p.binding == "compute"
    assert p.input_tok_per_s_per_device == pytest.approx(1e14 / 77_352_960)


def test_ratio_bound_is_the_ratio_of_the_roofs_and_per_die_corrects_for_dies():
    other = CHIP.model_copy(update={"id": "half", "dies_per_package": 1, "hbm_tb_per_s": 0.5})
    r = ratio_bound(DENSE, CHIP, other, context_tokens=1000, batch_per_device=1)
    # both memory-bound at batch 1: the ratio is the bandwidth ratio, 2x per package, 1x per die
    assert r.ratio_per_package == pytest.approx(2.0)
    assert r.ratio_per_die == pytest.approx(1.0)
    r2 = ratio_bound(DENSE, CHIP, other, context_tokens=1000, batch_per_device=1, b_measured_tok_per_s_per_package=1000)
    assert r2.ratio_vs_measured_b == pytest.approx(r2.a_tok_per_s_per_package / 1000)


def test_ratio_bound_for_910c_against_h20_at_50ms_allows_the_claimed_3x():
    r = ratio_bound(
        load_model("deepseek-r1"),
        load_hardware("ascend-910c"),
        load_hardware("nvidia-h20"),
        context_tokens=3072,
        tpot_ms=50,
        precision_a=Precision(compute="int8", weights="int8", kv="int8", kv_rope="bf16"),
        precision_b=Precision(compute="fp8", weights="fp8", kv="fp8"),
        deployment_a=ParallelLayout(ep=144),
        deployment_b=ParallelLayout(ep=16),
        spec_tokens=1,
        acceptance=0.9,
    )
    assert r.ratio_per_package > 3
    assert "per package" in r.explanation


def test_an_unsupported_compute_dtype_is_a_user_error():
    with pytest.raises(UserError, match="fp8"):
        decode_bound(
            DENSE,
            load_hardware("ascend-910c"),
            batch_per_device=1,
            context_tokens=10,
            precision=Precision(compute="fp8"),
        )


def test_negative_inputs_are_user_errors():
    with pytest.raises(UserError):
        decode_bound(DENSE, CHIP, batch_per_device=-1, context_tokens=10)
    with pytest.raises(UserError):
        decode_bound(DENSE, CHIP, batch_per_device=1, context_tokens=10, acceptance=1.5)
    with pytest.raises(UserError):
        ParallelLayout(tp=0)


def test_per_die_device_divides_package_figures():
    # Per die: 50 TFLOPS, 0.5 TB/s: a memory-bound step takes twice as long, so per-die tok/s halves
    pkg = decode_bound(DENSE, CHIP, batch_per_device=1, context_tokens=1000)
    die = decode_bound(DENSE, CHIP, batch_per_device=1, context_tokens=1000, device="die")
    assert die.output_tok_per_s_per_device == pytest.approx(pkg.output_tok_per_s_per_device / 2)
    assert die.output_tok_per_s_per_package == pytest.approx(pkg.output_tok_per_s_per_device)

"""Roofline bounds on LLM inference speed: model x hardware x precision x deployment.

Pure: takes :class:`~claimbench.load.registry.ModelArch` and :class:`~claimbench.load.registry.HardwareSpec`
records and numbers, returns frozen dataclasses. No files, environment or printing.

What is bounded
---------------
A decode *step* runs every resident sequence forward by ``1 + spec_tokens`` positions (the
verified draft tokens of MTP / speculative decoding) and emits on average
``accepted = 1 + a + a**2 + ... + a**k`` tokens per sequence (``a`` = per-draft acceptance,
``k`` = ``spec_tokens``; xDeepServe's "1.9" for one MTP token at 90 %). A lower bound on the step
time is the largest of independent roofs, each a time the step cannot beat:

* **memory**: bytes that must come from HBM once per step on one device -- the weights the step
  touches plus the KV cache of its sequences -- divided by the device's HBM bandwidth;
* **compute**: FLOPs per step on one device divided by its peak dense FLOPS at the compute dtype;
* **interconnect** (only with tensor or expert parallelism and a known scale-up bandwidth): bytes
  a device must send per step (TP all-reduce, EP dispatch + combine) over its per-direction
  scale-up bandwidth. Cross-node links are slower, so this is optimistic -- still a lower bound.

Upper bound on output tok/s per device = batch x accepted / step time. Everything is *per
device*, where a device is a package (``device="package"``, the default) or a die
(``device="die"``: figures divided by ``dies_per_package``, parallel degrees counted in dies).

Assumptions (all make the bound looser, never tighter)
-----------------------------------------------------
* Perfect overlap of nothing is needed: each roof alone is a valid lower bound; the bound is
  their maximum, which assumes the other roofs are perfectly hidden.
* 100 % of peak FLOPS and bandwidth; no kernel-launch, scheduling, sampling or non-matmul cost.
* Weights read: every weight the step touches is read once per step. Input embedding rows are
  gathered, not streamed (excluded from reads, counted in capacity). Norm weights are read.
* MoE: routing is uniform; a device hosting ``E/g`` of the ``E`` routed experts (``g`` = EP degree,
  or the TP degree when ``ep == 1``) reads the experts its tokens touch. With ``T`` tokens entering
  a MoE layer across the group and ``K`` experts per token, the expected number of distinct
  experts touched is ``E * (1 - (1 - K/E)**T)``; the device reads ``1/g`` of them. Shared experts,
  router, attention and dense FFN layers are replicated across EP ranks and sharded by ``tp``.
* Attention KV: GQA shards KV heads over ``tp`` (replicated when ``tp > kv_heads``). MLA keeps one
  latent per token shared by all heads, so under TP every rank reads the whole latent cache of
  its replica (this is why MLA deployments use data-parallel attention, ``tp=1``).
* FLOPs per token = 2 x matmul parameters a token uses (attention projections, dense FFN or shared
  + K routed experts, router, LM head) + attention score/value FLOPs over the context. MLA decode
  is taken in the weight-absorbed form: scores over ``kv_lora + rope`` and values over ``kv_lora``
  per head, with the absorbed projections costing the same as ``2 x`` the kv_b parameters (so
  they are already in the parameter term). Prefill uses the non-absorbed form.
* MTP: with ``spec_tokens > 0`` one MTP module (a MoE layer plus a ``2H x H`` projection per
  module, sharing embedding and head) is read and run for every verified position.
* EP dispatch sends each token once per distinct remote device among its ``K`` experts
  (expected ``g(1-(1-1/g)**K)``, a fraction ``(g-1)/g`` of them remote), in ``dispatch_bytes``;
  combine returns the same in ``combine_bytes``. TP uses ring all-reduce, 2 per layer.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Literal, Optional

from claimbench.errors import UserError
from claimbench.schema.hardware import DTYPE_BYTES, TB, HardwareSpec, ModelArch, canonical_dtype, gib_to_bytes

Device = Literal["package", "die"]


# ------------------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParallelLayout:
    """How the model is spread over devices. Degrees are in devices (packages, or dies).

    ``tp``: tensor-parallel degree of attention and dense layers (1 = data-parallel attention).
    ``ep``: expert-parallel degree of the MoE layers (1 = experts sharded by ``tp`` instead).
    ``devices``: devices serving the model in total (defaults to ``max(tp, ep)``).
    """

    tp: int = 1
    ep: int = 1
    devices: Optional[int] = None

    def __post_init__(self):
        for name in ("tp", "ep"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise UserError(f"deployment {name} must be a positive integer, got {v!r}")
        if self.devices is not None and (not isinstance(self.devices, int) or self.devices < 1):
            raise UserError(f"deployment devices must be a positive integer, got {self.devices!r}")

    @property
    def n_devices(self) -> int:
        """Devices the model is spread over (``devices``, else the larger of TP and EP)."""
        return self.devices if self.devices is not None else max(self.tp, self.ep)


@dataclass(frozen=True)
class Precision:
    """Bytes and compute dtype. ``kv_rope`` is MLA's RoPE-key part (default: same as ``kv``)."""

    compute: str = "bf16"
    weights: str = "bf16"
    kv: str = "bf16"
    kv_rope: Optional[str] = None
    dispatch: Optional[str] = None  # EP dispatch payload (default: weights dtype if 8-bit else bf16)
    combine: str = "bf16"

    def bytes_of(self, which: str) -> float:
        """Bytes per element of one tensor class (``weights``, ``kv``, ...) at this precision."""
        d = getattr(self, which)
        if d is None:
            if which == "kv_rope":
                d = self.kv
            elif which == "dispatch":
                d = self.weights if DTYPE_BYTES.get(canonical_dtype(self.weights), 2) <= 1 else "bf16"
        d = canonical_dtype(d)
        if d not in DTYPE_BYTES:
            raise UserError(f"unknown storage dtype {d!r} for {which}; known: {', '.join(DTYPE_BYTES)}")
        return DTYPE_BYTES[d]


@dataclass(frozen=True)
class DeviceFigures:
    """Hardware figures of one device (package or die) used by the bound."""

    device: str
    peak_tflops: float
    hbm_tb_per_s: float
    hbm_gib: Optional[float]
    scale_up_gb_per_s_per_direction: Optional[float]
    dies_per_package: Optional[int]
    note: str

    @property
    def hbm_bytes(self) -> Optional[float]:
        """HBM capacity of the device in bytes (the registry's conversion), None when unknown."""
        return gib_to_bytes(self.hbm_gib)

    @property
    def hbm_bytes_per_s(self) -> float:
        """HBM bandwidth of the device in bytes per second."""
        return self.hbm_tb_per_s * TB


@dataclass(frozen=True)
class DecodeBound:
    """Lower bound on one decode step on one device and the throughput upper bound it implies."""

    model: str
    hardware: str
    device: str
    compute_dtype: str
    batch_per_device: float
    context_tokens: float
    spec_tokens: int
    acceptance: float
    accepted_tokens_per_step: float
    weight_bytes_read: float
    kv_bytes_read: float
    flops: float
    comm_bytes: float
    t_memory_s: float
    t_compute_s: float
    t_comm_s: Optional[float]
    step_time_s: float
    binding: str
    tpot_ms: float
    output_tok_per_s_per_device: float
    output_tok_per_s_per_package: float
    output_tok_per_s_per_die: Optional[float]
    tok_per_s_per_user: float
    capacity_batch_per_device: Optional[int]
    fits_in_memory: Optional[bool]
    notes: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """The record as a plain dict."""
        return asdict(self)


@dataclass(frozen=True)
class TpotBound:
    """Largest batch per device whose step-time bound meets a TPOT, and its throughput bound."""

    tpot_ms_limit: float
    max_batch_per_device: Optional[int]
    limited_by: str  # "tpot", "memory_capacity", "infeasible"
    bound: Optional[DecodeBound]
    reason: Optional[str] = None

    @property
    def output_tok_per_s_per_device(self) -> Optional[float]:
        """The bound's output tok/s per device, None when there is no feasible batch."""
        return None if self.bound is None else self.bound.output_tok_per_s_per_device

    def to_dict(self) -> dict:
        """The record as a plain dict (with the per-device throughput)."""
        d = asdict(self)
        d["output_tok_per_s_per_device"] = self.output_tok_per_s_per_device
        return d


@dataclass(frozen=True)
class PrefillBound:
    """Lower bound on a prefill (compute or memory bound) and the input throughput it implies."""

    model: str
    hardware: str
    device: str
    compute_dtype: str
    prompt_tokens: int
    tokens_per_step_per_device: int
    weight_bytes_read: float
    flops_per_token: float
    t_memory_s: float
    t_compute_s: float
    step_time_s: float
    binding: str
    input_tok_per_s_per_device: float
    input_tok_per_s_per_package: float
    notes: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """The record as a plain dict."""
        return asdict(self)


@dataclass(frozen=True)
class RatioBound:
    """The largest throughput ratio A/B the two chips' binding roofs allow for one workload."""

    a: DecodeBound | TpotBound
    b: DecodeBound | TpotBound
    a_tok_per_s_per_package: Optional[float]
    b_tok_per_s_per_package: Optional[float]
    ratio_per_package: Optional[float]
    ratio_per_die: Optional[float]
    b_measured_tok_per_s_per_package: Optional[float]
    ratio_vs_measured_b: Optional[float]
    explanation: str

    def to_dict(self) -> dict:
        """The record as a plain dict."""
        return asdict(self)


# ------------------------------------------------------------------------------------------
# Architecture arithmetic
# ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParamBreakdown:
    """Parameter counts (elements) by where they live."""

    embedding: int
    lm_head: int
    final_norm: int
    attention_per_layer: int  # projections + their biases/norms
    attention_norms_per_layer: int  # input + post-attention norms
    dense_ffn_per_layer: int
    expert_params: int  # one routed/shared expert
    router_per_layer: int
    dense_layers: int
    moe_layers: int
    experts_routed: int
    experts_shared: int
    experts_active: int
    mtp_module_extra: int  # per MTP module, beyond one MoE layer: eh_proj + norms

    @property
    def attention_total(self) -> int:
        """Attention and norm parameters of every layer."""
        return (self.attention_per_layer + self.attention_norms_per_layer) * (self.dense_layers + self.moe_layers)

    def _with_experts(self, routed: int) -> int:
        """Parameters when ``routed`` routed experts per MoE layer count (plus the shared ones)."""
        moe = self.moe_layers * ((routed + self.experts_shared) * self.expert_params + self.router_per_layer)
        return (
            self.embedding
            + self.lm_head
            + self.final_norm
            + self.attention_total
            + self.dense_layers * self.dense_ffn_per_layer
            + moe
        )

    @property
    def total(self) -> int:
        """Every parameter (all routed experts counted)."""
        return self._with_experts(self.experts_routed)

    @property
    def active(self) -> int:
        """Parameters used per token (the active experts only)."""
        return self._with_experts(self.experts_active)


def param_breakdown(model: ModelArch) -> ParamBreakdown:
    """Count parameters from the architecture (gated FFN = ``ffn_matrices`` matrices)."""
    H, nh = model.hidden, model.heads
    if model.mla is not None:
        m = model.mla
        qk = m.qk_nope_head_dim + m.qk_rope_head_dim
        q = (H * m.q_lora_rank + m.q_lora_rank + m.q_lora_rank * nh * qk) if m.q_lora_rank else H * nh * qk
        kv = (
            H * (m.kv_lora_rank + m.qk_rope_head_dim)
            + m.kv_lora_rank
            + m.kv_lora_rank * nh * (m.qk_nope_head_dim + m.v_head_dim)
        )
        attn = q + kv + nh * m.v_head_dim * H
    else:
        # not MLA: ModelArch's validator requires kv_heads and head_dim
        assert model.kv_heads is not None and model.head_dim is not None
        hd, kvh = model.head_dim, model.kv_heads
        attn = H * nh * hd + 2 * H * kvh * hd + nh * hd * H
        if model.attention_bias:
            attn += nh * hd + 2 * kvh * hd
        if model.qk_norm:
            attn += 2 * hd
    fm = model.ffn_matrices
    dense_ffn = fm * H * model.dense_ffn if model.dense_ffn else 0
    if model.moe is not None:
        mo = model.moe
        expert = fm * H * mo.expert_ffn
        router = mo.experts_routed * H
        dense_layers, moe_layers = mo.dense_layers, model.layers - mo.dense_layers
        e_r, e_s, e_a = mo.experts_routed, mo.experts_shared, mo.experts_active
    else:
        expert = router = 0
        dense_layers, moe_layers = model.layers, 0
        e_r = e_s = e_a = 0
    return ParamBreakdown(
        embedding=model.vocab * H,
        lm_head=0 if model.tie_embeddings else model.vocab * H,
        final_norm=H,
        attention_per_layer=attn,
        attention_norms_per_layer=2 * H,
        dense_ffn_per_layer=dense_ffn,
        expert_params=expert,
        router_per_layer=router,
        dense_layers=dense_layers,
        moe_layers=moe_layers,
        experts_routed=e_r,
        experts_shared=e_s,
        experts_active=e_a,
        mtp_module_extra=2 * H * H + 3 * H,
    )


def kv_bytes_per_token(model: ModelArch, precision: Precision, layers: Optional[int] = None) -> float:
    """KV-cache bytes one token occupies over ``layers`` (default: all) layers, unsharded.

    GQA: ``2 * kv_heads * head_dim`` elements per layer. MLA: ``kv_lora`` latent elements in the
    ``kv`` dtype plus ``qk_rope_head_dim`` RoPE-key elements in the ``kv_rope`` dtype.
    """
    L = model.layers if layers is None else layers
    if model.mla is not None:
        per_layer = model.mla.kv_lora_rank * precision.bytes_of("kv") + model.mla.qk_rope_head_dim * precision.bytes_of(
            "kv_rope"
        )
    else:
        # not MLA: ModelArch's validator requires kv_heads and head_dim
        assert model.kv_heads is not None and model.head_dim is not None
        per_layer = 2 * model.kv_heads * model.head_dim * precision.bytes_of("kv")
    return per_layer * L


def _attention_flops_per_token(model: ModelArch, context: float, absorbed: bool) -> float:
    """Score + value FLOPs of one query token over ``context`` KV positions, all layers."""
    nh = model.heads
    if model.mla is not None:
        m = model.mla
        if absorbed:
            per = 2 * nh * (m.kv_lora_rank + m.qk_rope_head_dim) + 2 * nh * m.kv_lora_rank
        else:
            per = 2 * nh * (m.qk_nope_head_dim + m.qk_rope_head_dim) + 2 * nh * m.v_head_dim
    else:
        # not MLA: ModelArch's validator requires kv_heads and head_dim
        assert model.head_dim is not None
        per = 4 * nh * model.head_dim
    return per * context * model.layers


def _expected_distinct(n: int, k: int, tokens: float) -> float:
    """Expected distinct items among ``n`` when each of ``tokens`` tokens picks ``k`` uniformly."""
    if n <= 0 or tokens <= 0:
        return 0.0
    return n * (1.0 - (1.0 - k / n) ** tokens)


def device_figures(hardware: HardwareSpec, compute_dtype: str, device: Device = "package") -> DeviceFigures:
    """Per-device peak FLOPS, bandwidth and capacity; ``die`` divides package figures evenly."""
    peak = hardware.peak_tflops(compute_dtype)  # raises UserError when unsupported/unknown
    if hardware.hbm_tb_per_s is None:
        raise UserError(f"{hardware.id}: HBM bandwidth is unknown; pass it as an override")
    su = hardware.scale_up_gb_per_s_per_direction
    if device == "package":
        return DeviceFigures(
            "package",
            peak,
            hardware.hbm_tb_per_s,
            hardware.hbm_gib,
            su,
            hardware.dies_per_package,
            f"{hardware.id} package figures",
        )
    if device != "die":
        raise UserError(f"device must be 'package' or 'die', got {device!r}")
    d = hardware.dies_per_package
    if d is None:
        raise UserError(f"{hardware.id}: dies_per_package is unknown; cannot bound per die")
    return DeviceFigures(
        "die",
        peak / d,
        hardware.hbm_tb_per_s / d,
        None if hardware.hbm_gib is None else hardware.hbm_gib / d,
        None if su is None else su / d,
        d,
        f"{hardware.id} package figures / {d} dies",
    )


# ------------------------------------------------------------------------------------------
# Decode
# ------------------------------------------------------------------------------------------
def _check_num(name, v, minimum=0.0, strict=False, integer=False):
    if v is None or isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise UserError(f"{name} must be a finite number, got {v!r}")
    if (strict and v <= minimum) or (not strict and v < minimum):
        raise UserError(f"{name} must be {'>' if strict else '>='} {minimum}, got {v!r}")
    if integer and int(v) != v:
        raise UserError(f"{name} must be an integer, got {v!r}")


@dataclass(frozen=True)
class _WeightsRoof:
    """Weight bytes one device reads per decode step, and the figures capacity and comms reuse."""

    nonexpert_params: int
    """Non-expert parameters read per step by the whole replica (attention, dense FFN, head, shared experts, router)."""
    moe_layers: int
    """MoE layers, counting the MTP module's when MTP runs."""
    expert_group: int
    """Devices the routed experts are spread over (EP, else TP)."""
    weight_bytes: float
    notes: tuple[str, ...]


def _weights_roof(
    pb: ParamBreakdown,
    deployment: ParallelLayout,
    weight_bytes_per_param: float,
    batch_per_device: float,
    pos: int,
    use_mtp: bool,
) -> _WeightsRoof:
    """Weights read per device per step: non-expert weights sharded over TP, plus the routed experts
    the step's tokens touch (uniform routing) sharded over the expert group."""
    tp, ep = deployment.tp, deployment.ep
    notes: list[str] = []
    moe_layers = pb.moe_layers + (1 if use_mtp else 0)
    nonexpert_read = (
        pb.attention_total
        + pb.dense_layers * pb.dense_ffn_per_layer
        + pb.lm_head
        + pb.final_norm
        + moe_layers * (pb.experts_shared * pb.expert_params + pb.router_per_layer)
    )
    if use_mtp:
        nonexpert_read += pb.attention_per_layer + pb.attention_norms_per_layer + pb.mtp_module_extra
    nonexpert_read_dev = nonexpert_read / tp
    group = ep if ep > 1 else tp
    tokens_group = batch_per_device * pos * group
    if pb.moe_layers:
        touched = _expected_distinct(pb.experts_routed, pb.experts_active, tokens_group)
        expert_read_dev = moe_layers * touched * pb.expert_params / group
        notes.append(
            f"MoE: {tokens_group:,.0f} tokens per step across {group} devices touch {touched:,.1f} of "
            f"{pb.experts_routed} routed experts per layer (uniform routing)"
        )
    else:
        expert_read_dev = 0.0
    weight_bytes = (nonexpert_read_dev + expert_read_dev) * weight_bytes_per_param
    return _WeightsRoof(nonexpert_read, moe_layers, group, weight_bytes, tuple(notes))


def _kv_per_sequence_bytes(
    model: ModelArch, precision: Precision, tp: int, context_tokens: float, kv_layers: int
) -> tuple[float, tuple[str, ...]]:
    """KV bytes one device reads per resident sequence per step (MLA latents are not sharded by TP)."""
    notes: list[str] = []
    kv_tok = kv_bytes_per_token(model, precision, kv_layers)
    if model.mla is not None:
        kv_shard = 1
        if tp > 1:
            notes.append(f"MLA under TP{tp}: each rank reads the whole latent KV of its replica")
    else:
        # not MLA: ModelArch's validator requires kv_heads and head_dim
        assert model.kv_heads is not None
        kv_shard = min(tp, model.kv_heads)
    return context_tokens * kv_tok * tp / kv_shard, tuple(notes)


def _decode_flops_per_token(model: ModelArch, pb: ParamBreakdown, context_tokens: float, use_mtp: bool) -> float:
    """FLOPs per verified position: matmuls over the active parameters, attention, and the MTP module."""
    matmul_active = (
        pb.active - pb.embedding - pb.final_norm - (pb.dense_layers + pb.moe_layers) * pb.attention_norms_per_layer
    )
    flops_tok = 2 * matmul_active + _attention_flops_per_token(model, context_tokens, absorbed=True)
    if use_mtp:
        mtp_matmul = (
            pb.attention_per_layer
            + pb.mtp_module_extra
            + (pb.experts_active + pb.experts_shared) * pb.expert_params
            + pb.router_per_layer
            + pb.lm_head
        )
        flops_tok += 2 * mtp_matmul + _attention_flops_per_token(model, context_tokens, True) / model.layers
    return flops_tok


def _comm_bytes(
    model: ModelArch,
    pb: ParamBreakdown,
    precision: Precision,
    deployment: ParallelLayout,
    batch_per_device: float,
    pos: int,
    kv_layers: int,
    moe_layers: int,
) -> float:
    """Interconnect bytes per device per step: TP all-reduces (2 per layer) and EP dispatch + combine."""
    tp, ep = deployment.tp, deployment.ep
    comm = 0.0
    if tp > 1:
        msg = batch_per_device * tp * pos * model.hidden * 2.0  # bf16 activations of the replica
        comm += 2 * kv_layers * 2 * (tp - 1) / tp * msg
    if ep > 1 and pb.moe_layers:
        distinct_dev = ep * (1 - (1 - 1 / ep) ** pb.experts_active)
        remote = distinct_dev * (ep - 1) / ep
        comm += (
            batch_per_device
            * pos
            * remote
            * model.hidden
            * (precision.bytes_of("dispatch") + precision.bytes_of("combine"))
            * moe_layers
        )
    return comm


def _interconnect_time_s(comm_bytes: float, fig: DeviceFigures) -> tuple[Optional[float], tuple[str, ...]]:
    """Time to move ``comm_bytes`` over the scale-up link; None (with a note) when its bandwidth is unknown."""
    if comm_bytes > 0:
        if fig.scale_up_gb_per_s_per_direction:
            return comm_bytes / (fig.scale_up_gb_per_s_per_direction * 1e9), ()
        return None, ("interconnect roof skipped: scale-up bandwidth unknown",)
    return None, ()


def _per_package_and_die(per_dev: float, fig: DeviceFigures, device: Device) -> tuple[float, Optional[float]]:
    """A per-device rate expressed per package and per die (None when dies per package is unknown)."""
    dies = fig.dies_per_package
    if device == "package":
        return per_dev, (per_dev / dies if dies else None)
    # device == "die": device_figures raised unless dies_per_package is known
    assert dies is not None
    return per_dev * dies, per_dev


def _kv_capacity(
    fig: DeviceFigures,
    pb: ParamBreakdown,
    weights: _WeightsRoof,
    tp: int,
    weight_bytes_per_param: float,
    kv_per_seq_dev: float,
    batch_per_device: float,
    hbm_usable_fraction: float,
) -> tuple[Optional[int], Optional[bool], tuple[str, ...]]:
    """Sequences whose KV fits in the HBM left after the stored weights, and whether the batch fits;
    (None, None) when HBM capacity is unknown."""
    if fig.hbm_bytes is None:
        return None, None, ()
    cap: Optional[int] = None
    notes: list[str] = []
    stored = (weights.nonexpert_params + pb.embedding) / tp
    if pb.moe_layers:
        stored += weights.moe_layers * pb.experts_routed * pb.expert_params / weights.expert_group
    stored_bytes = stored * weight_bytes_per_param
    free = fig.hbm_bytes * hbm_usable_fraction - stored_bytes
    if kv_per_seq_dev > 0:
        cap = max(0, int(free // kv_per_seq_dev))
        fits = batch_per_device <= cap
    else:
        fits = free >= 0
    if free < 0:
        notes.append(f"weights alone ({stored_bytes / 2**30:,.1f} GiB per device) exceed HBM")
    return cap, fits, tuple(notes)


def decode_bound(
    model: ModelArch,
    hardware: HardwareSpec,
    *,
    batch_per_device: float,
    context_tokens: float,
    precision: Precision = Precision(),
    deployment: ParallelLayout = ParallelLayout(),
    spec_tokens: int = 0,
    acceptance: float = 0.0,
    device: Device = "package",
    hbm_usable_fraction: float = 1.0,
) -> DecodeBound:
    """Lower bound on a decode step's time on one device, and the tok/s upper bound it implies.

    ``batch_per_device``: sequences resident per device (total concurrent sequences / devices).
    ``context_tokens``: KV length each sequence attends over (average during the run).
    ``spec_tokens``/``acceptance``: speculative (MTP) draft tokens per step and the per-draft
    acceptance probability. See the module docstring for every assumption.
    """
    _check_num("batch_per_device", batch_per_device, 0, strict=True)
    _check_num("context_tokens", context_tokens, 0)
    _check_num("spec_tokens", spec_tokens, 0, integer=True)
    _check_num("acceptance", acceptance, 0)
    if acceptance > 1:
        raise UserError(f"acceptance must be within [0, 1], got {acceptance!r}")
    if spec_tokens and model.mtp_modules == 0:
        pass  # a separate draft model is not modelled; MTP weights are counted only for MTP models
    fig = device_figures(hardware, precision.compute, device)
    pb = param_breakdown(model)
    tp = deployment.tp
    wb = precision.bytes_of("weights")
    k = int(spec_tokens)
    pos = 1 + k  # positions verified per sequence per step
    accepted = sum(acceptance**i for i in range(k + 1))
    use_mtp = k > 0 and model.mtp_modules > 0

    # -- the four roofs: weights and KV (memory), compute, interconnect
    weights = _weights_roof(pb, deployment, wb, batch_per_device, pos, use_mtp)
    kv_layers = model.layers + (1 if use_mtp else 0)
    kv_per_seq_dev, kv_notes = _kv_per_sequence_bytes(model, precision, tp, context_tokens, kv_layers)
    kv_bytes = batch_per_device * kv_per_seq_dev
    flops = batch_per_device * pos * _decode_flops_per_token(model, pb, context_tokens, use_mtp)
    comm = _comm_bytes(model, pb, precision, deployment, batch_per_device, pos, kv_layers, weights.moe_layers)
    t_mem = (weights.weight_bytes + kv_bytes) / fig.hbm_bytes_per_s
    t_cmp = flops / (fig.peak_tflops * 1e12)
    t_comm, comm_notes = _interconnect_time_s(comm, fig)
    roofs = {"memory": t_mem, "compute": t_cmp}
    if t_comm is not None:
        roofs["interconnect"] = t_comm
    binding = max(roofs, key=roofs.__getitem__)
    step = roofs[binding]
    per_dev = batch_per_device * accepted / step
    per_pkg, per_die = _per_package_and_die(per_dev, fig, device)
    cap, fits, cap_notes = _kv_capacity(fig, pb, weights, tp, wb, kv_per_seq_dev, batch_per_device, hbm_usable_fraction)
    return DecodeBound(
        model=model.id,
        hardware=hardware.id,
        device=fig.device,
        compute_dtype=canonical_dtype(precision.compute),
        batch_per_device=float(batch_per_device),
        context_tokens=float(context_tokens),
        spec_tokens=k,
        acceptance=float(acceptance),
        accepted_tokens_per_step=accepted,
        weight_bytes_read=weights.weight_bytes,
        kv_bytes_read=kv_bytes,
        flops=flops,
        comm_bytes=comm,
        t_memory_s=t_mem,
        t_compute_s=t_cmp,
        t_comm_s=t_comm,
        step_time_s=step,
        binding=binding,
        tpot_ms=step / accepted * 1000,
        output_tok_per_s_per_device=per_dev,
        output_tok_per_s_per_package=per_pkg,
        output_tok_per_s_per_die=per_die,
        tok_per_s_per_user=accepted / step,
        capacity_batch_per_device=cap,
        fits_in_memory=fits,
        notes=weights.notes + kv_notes + comm_notes + cap_notes,
    )


def max_batch_at_tpot(
    model: ModelArch,
    hardware: HardwareSpec,
    *,
    tpot_ms: float,
    context_tokens: float,
    precision: Precision = Precision(),
    deployment: ParallelLayout = ParallelLayout(),
    spec_tokens: int = 0,
    acceptance: float = 0.0,
    device: Device = "package",
    hbm_usable_fraction: float = 1.0,
    max_batch: int = 1_000_000,
) -> TpotBound:
    """Largest integer batch per device whose bounded TPOT is <= ``tpot_ms``, also fitting HBM.

    The step-time bound grows monotonically with the batch, so a bisection finds the largest
    batch; the throughput at that batch is the upper bound on tok/s per device at this TPOT.
    """
    _check_num("tpot_ms", tpot_ms, 0, strict=True)

    def bound_at(b: int) -> DecodeBound:
        return decode_bound(
            model,
            hardware,
            batch_per_device=b,
            context_tokens=context_tokens,
            precision=precision,
            deployment=deployment,
            spec_tokens=spec_tokens,
            acceptance=acceptance,
            device=device,
            hbm_usable_fraction=hbm_usable_fraction,
        )

    def ok(b: int) -> bool:
        return bound_at(b).tpot_ms <= tpot_ms

    first = bound_at(1)
    cap = first.capacity_batch_per_device
    hi_limit = max_batch if cap is None else min(max_batch, cap)
    if hi_limit < 1:
        return TpotBound(tpot_ms, None, "memory_capacity", None, "not even one sequence fits in HBM")
    if first.tpot_ms > tpot_ms:
        return TpotBound(
            tpot_ms,
            None,
            "infeasible",
            first,
            f"batch 1 already needs {first.tpot_ms:.3g} ms per token (> {tpot_ms:g} ms)",
        )
    lo, hi = 1, hi_limit
    if ok(hi):
        lo = hi
    else:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid):
                lo = mid
            else:
                hi = mid
    bound = bound_at(lo)
    limited = "memory_capacity" if (cap is not None and lo == cap and lo < max_batch) else "tpot"
    if lo == max_batch:
        limited = "max_batch"
    return TpotBound(tpot_ms, lo, limited, bound)


# ------------------------------------------------------------------------------------------
# Prefill
# ------------------------------------------------------------------------------------------
def prefill_bound(
    model: ModelArch,
    hardware: HardwareSpec,
    *,
    prompt_tokens: int,
    tokens_per_step_per_device: Optional[int] = None,
    precision: Precision = Precision(),
    deployment: ParallelLayout = ParallelLayout(),
    device: Device = "package",
) -> PrefillBound:
    """Upper bound on prompt tokens/s per device for prompts of ``prompt_tokens`` tokens.

    Compute: 2 x active matmul parameters per token plus causal attention over on average
    ``(prompt_tokens + 1) / 2`` positions (non-absorbed MLA). Memory: the weights the step
    touches (all experts, at prefill batch sizes) read once per step of
    ``tokens_per_step_per_device`` tokens (default: one prompt).
    """
    _check_num("prompt_tokens", prompt_tokens, 0, strict=True, integer=True)
    chunk = prompt_tokens if tokens_per_step_per_device is None else tokens_per_step_per_device
    _check_num("tokens_per_step_per_device", chunk, 0, strict=True, integer=True)
    fig = device_figures(hardware, precision.compute, device)
    pb = param_breakdown(model)
    tp, ep = deployment.tp, deployment.ep
    group = ep if ep > 1 else tp
    wb = precision.bytes_of("weights")
    nonexpert = (
        pb.attention_total
        + pb.dense_layers * pb.dense_ffn_per_layer
        + pb.lm_head
        + pb.final_norm
        + pb.moe_layers * (pb.experts_shared * pb.expert_params + pb.router_per_layer)
    )
    touched = _expected_distinct(pb.experts_routed, pb.experts_active, chunk * group) if pb.moe_layers else 0.0
    weight_bytes = (nonexpert / tp + pb.moe_layers * touched * pb.expert_params / group) * wb
    matmul_active = (
        pb.active - pb.embedding - pb.final_norm - (pb.dense_layers + pb.moe_layers) * pb.attention_norms_per_layer
    )
    flops_tok = 2 * matmul_active + _attention_flops_per_token(model, (prompt_tokens + 1) / 2, absorbed=False)
    t_cmp = chunk * flops_tok / (fig.peak_tflops * 1e12)
    t_mem = weight_bytes / fig.hbm_bytes_per_s
    binding = "compute" if t_cmp >= t_mem else "memory"
    step = max(t_cmp, t_mem)
    per_dev = chunk / step
    if device == "package":
        per_pkg = per_dev
    else:
        # device == "die": device_figures raised unless dies_per_package is known
        assert fig.dies_per_package is not None
        per_pkg = per_dev * fig.dies_per_package
    return PrefillBound(
        model.id,
        hardware.id,
        fig.device,
        canonical_dtype(precision.compute),
        int(prompt_tokens),
        int(chunk),
        weight_bytes,
        flops_tok,
        t_mem,
        t_cmp,
        step,
        binding,
        per_dev,
        per_pkg,
        (
            "LM head counted for every prompt token (vLLM computes logits only for the last; "
            "this lowers the bound by < 1 % for large models)",
        ),
    )


# ------------------------------------------------------------------------------------------
# Ratio claims
# ------------------------------------------------------------------------------------------
def _pkg_tput(x) -> Optional[float]:
    if isinstance(x, TpotBound):
        return None if x.bound is None else x.bound.output_tok_per_s_per_package
    return x.output_tok_per_s_per_package


def _dies(hw: HardwareSpec) -> Optional[int]:
    return hw.dies_per_package


def ratio_bound(
    model: ModelArch,
    hw_a: HardwareSpec,
    hw_b: HardwareSpec,
    *,
    context_tokens: float,
    precision_a: Precision = Precision(),
    precision_b: Optional[Precision] = None,
    deployment_a: ParallelLayout = ParallelLayout(),
    deployment_b: Optional[ParallelLayout] = None,
    tpot_ms: Optional[float] = None,
    batch_per_device: Optional[float] = None,
    spec_tokens: int = 0,
    acceptance: float = 0.0,
    spec_tokens_b: Optional[int] = None,
    acceptance_b: Optional[float] = None,
    device: Device = "package",
    b_measured_tok_per_s_per_package: Optional[float] = None,
) -> RatioBound:
    """Largest per-package output-throughput ratio A/B that the binding roofs allow.

    Either at a TPOT limit (``tpot_ms``: each chip at its largest feasible batch) or at a fixed
    ``batch_per_device``. ``ratio_per_package`` = roof(A) / roof(B): a claimed "r x chip B" above it
    means B ran below its roof (or A beat physics). If B's measured throughput is known,
    ``ratio_vs_measured_b`` = roof(A) / measured(B) is the hard ceiling for the claim as stated.
    """
    if (tpot_ms is None) == (batch_per_device is None):
        raise UserError("ratio_bound needs exactly one of tpot_ms or batch_per_device")
    precision_b = precision_b or precision_a
    deployment_b = deployment_b or deployment_a
    sb = spec_tokens if spec_tokens_b is None else spec_tokens_b
    ab = acceptance if acceptance_b is None else acceptance_b

    def one(hw, prec, dep, st, acc):
        kw = dict(
            context_tokens=context_tokens, precision=prec, deployment=dep, spec_tokens=st, acceptance=acc, device=device
        )
        if tpot_ms is not None:
            return max_batch_at_tpot(model, hw, tpot_ms=tpot_ms, **kw)
        assert batch_per_device is not None  # exactly one of the two was checked above
        return decode_bound(model, hw, batch_per_device=batch_per_device, **kw)

    a = one(hw_a, precision_a, deployment_a, spec_tokens, acceptance)
    b = one(hw_b, precision_b, deployment_b, sb, ab)
    ta, tb = _pkg_tput(a), _pkg_tput(b)
    ratio = ta / tb if (ta and tb) else None
    da, db = _dies(hw_a), _dies(hw_b)
    ratio_die = ratio * db / da if (ratio is not None and da and db) else None
    vs = None
    if b_measured_tok_per_s_per_package is not None:
        _check_num("b_measured_tok_per_s_per_package", b_measured_tok_per_s_per_package, 0, strict=True)
        vs = ta / b_measured_tok_per_s_per_package if ta else None

    def bind(x):
        if isinstance(x, TpotBound):
            return "none" if x.bound is None else f"{x.bound.binding} (batch {x.max_batch_per_device}, {x.limited_by})"
        return x.binding

    cond = f"TPOT <= {tpot_ms:g} ms" if tpot_ms is not None else f"batch {batch_per_device:g} per {device}"
    if ratio is None:
        text = f"no ratio: a chip has no feasible operating point at {cond}"
    else:
        text = (
            f"at {cond}, context {context_tokens:g}: {hw_a.id} roof {ta:,.0f} tok/s per package ({bind(a)}-bound) / "
            f"{hw_b.id} roof {tb:,.0f} ({bind(b)}-bound) = {ratio:.2f}x per package"
            + (f", {ratio_die:.2f}x per die" if ratio_die is not None else "")
        )
        if vs is not None:
            text += f"; against {hw_b.id}'s measured {b_measured_tok_per_s_per_package:,.0f}: at most {vs:.2f}x"
    return RatioBound(a, b, ta, tb, ratio, ratio_die, b_measured_tok_per_s_per_package, vs, text)

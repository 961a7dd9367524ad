"""Hardware and model registries: typed records loaded from ``data/hardware`` and ``data/models``.

Each YAML file under ``data/hardware/`` describes one accelerator *package* (what a vendor sells
as a "card", "chip" or "GPU"), each file under ``data/models/`` one model architecture. Files are
read with :func:`yaml.safe_load` and validated by pydantic models that reject unknown keys.

Conventions
-----------
* Units are in key names (``hbm_tb_per_s``); numbers are numbers; a figure that is unknown is
  absent or ``null`` -- never 0.
* Every figure carries a source: ``sources:`` is a list of entries, each naming what it supports
  in ``fields`` (dotted paths such as ``peak_dense_tflops.bf16``), where it comes from (``url`` or
  ``repo`` + ``path``, or ``derived`` arithmetic on other sources) and what it says (``says``).
* Where sources disagree the file keeps the value used by default in the field and lists the
  other values under ``alternatives:`` with their source ids and a reason for the default.
* Decimal units: TB/s = 1e12 B/s, GB/s = 1e9 B/s. Memory capacity is kept in GiB (2**30 B);
  ``hbm_source_unit`` says how the source wrote it (vendors print "GB" for binary-sized HBM
  stacks, following the JEDEC usage of GB = 2**30 B for memory capacity).

The data directory defaults to the repository's ``data/`` (``lib/claimbench/../../data``); the
environment variable ``CLAIMBENCH_DATA`` overrides it. Only this loader reads the environment
and files; the pure modules (normalize, roofline) take the records as arguments.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from claimbench.errors import UserError, did_you_mean
from claimbench.schema.base import Strict

DTYPES: tuple[str, ...] = ("bf16", "fp16", "fp8", "int8", "fp6", "fp4")
"""Dtypes with a peak dense TFLOPS figure in the hardware registry."""

DTYPE_ALIASES: dict[str, str] = {
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "float8": "fp8",
    "fp8_e4m3": "fp8",
    "fp8_e5m2": "fp8",
    "w8a8": "int8",
    "mxfp4": "fp4",
    "nvfp4": "fp4",
    "fp4_e2m1": "fp4",
    "mxfp6": "fp6",
}

DTYPE_BYTES: dict[str, float] = {
    "fp32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
    "fp6": 0.75,
    "fp4": 0.5,
}
"""Bytes per element of a storage dtype (weights, KV cache, activations)."""


GIB = 2**30
"""Bytes in a GiB: the registry stores HBM capacity in GiB (``hbm_gib``)."""
TB = 1e12
"""Bytes in a decimal TB: bandwidths are stated in TB/s (``hbm_tb_per_s``)."""


def gib_to_bytes(gib: Optional[float]) -> Optional[float]:
    """GiB as bytes; None (unknown) stays None."""
    return None if gib is None else gib * GIB


def tb_to_bytes(tb: Optional[float]) -> Optional[float]:
    """Decimal TB as bytes; None (unknown) stays None."""
    return None if tb is None else tb * TB


def canonical_dtype(dtype: str) -> str:
    """``'bfloat16'`` -> ``'bf16'`` etc.; lower-cases; unknown names pass through unchanged."""
    d = str(dtype).strip().lower()
    return DTYPE_ALIASES.get(d, d)


# --------------------------------------------------------------------------------------------
# Sources and alternatives (shared by hardware, models and prices)
# --------------------------------------------------------------------------------------------
class FigureSource(Strict):
    """Where one or more figures come from.

    Exactly one of ``url``, ``repo`` (with ``path``) or ``derived`` locates it. ``fields`` lists
    the dotted field paths it supports; ``says`` quotes or paraphrases what it says.
    """

    id: str
    url: Optional[str] = None
    repo: Optional[str] = None
    path: Optional[str] = None
    commit: Optional[str] = None
    derived: Optional[str] = Field(default=None, description="arithmetic on other sources, naming their ids")
    citation: Optional[str] = Field(default=None, description="a source with no URL or repo (paper, note)")
    says: str
    fields: list[str] = Field(min_length=1)
    secondary: bool = Field(default=False, description="secondary source: news, blog, AI-written note")
    rechecked: Optional[str] = Field(default=None, description="how/when claimbench re-checked it")
    accessed: Optional[str] = None

    @model_validator(mode="after")
    def _one_locator(self):
        located = [x is not None for x in (self.url, self.repo, self.derived, self.citation)]
        if sum(located) != 1:
            raise ValueError("a source needs exactly one of url, repo (+ path), derived or citation")
        if self.repo is not None and not self.path:
            raise ValueError("a repo source needs a path")
        return self

    @property
    def ref(self) -> str:
        """Where the figure is: its URL, else ``repo@commit:path``, else how it was derived."""
        if self.url:
            return self.url
        if self.repo:
            return f"{self.repo}:{self.path}"
        if self.citation:
            return self.citation
        return f"derived: {self.derived}"


class Alternative(Strict):
    """A value for ``field`` that another source gives and that is not used by default."""

    field: str
    value: Optional[float | str] = None
    source: str = Field(description="id of an entry in sources")
    note: Optional[str] = None


def _check_source_refs(sources: list[FigureSource], alternatives: list[Alternative], default_choice: dict) -> None:
    ids = [s.id for s in sources]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate source ids: {sorted(dup)}")
    for alt in alternatives:
        if alt.source not in ids:
            raise ValueError(f"alternative for {alt.field} cites unknown source {alt.source!r}")
    for fld in default_choice:
        if not any(a.field == fld for a in alternatives):
            raise ValueError(f"default_choice names {fld!r} but no alternative lists it")


# --------------------------------------------------------------------------------------------
# Hardware
# --------------------------------------------------------------------------------------------
class PeakDenseTflops(Strict):
    """Peak *dense* (not 2:4 sparse) tensor throughput per package, TFLOPS (TOPS for int8)."""

    bf16: Optional[float] = Field(default=None, gt=0)
    fp16: Optional[float] = Field(default=None, gt=0)
    fp8: Optional[float] = Field(default=None, gt=0)
    int8: Optional[float] = Field(default=None, gt=0)
    fp6: Optional[float] = Field(default=None, gt=0, description="FP6 (e.g. MXFP6), dense")
    fp4: Optional[float] = Field(default=None, gt=0, description="FP4 (NVFP4 / MXFP4), dense")


class HardwareSpec(Strict):
    """One accelerator package (the unit a vendor calls card/chip/GPU).

    ``dies_per_package``: compute dies a runtime exposes as separate devices where that is so
    (Ascend 910C: 2; B200: 2 dies but one CUDA device -- see ``devices_per_package``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: int = Field(default=1, alias="schema", ge=1, le=1, description="registry file schema version")

    id: str
    vendor: str
    name: str
    kind: Literal["accelerator", "cpu"] = "accelerator"
    dies_per_package: Optional[int] = Field(default=None, ge=1)
    devices_per_package: Optional[int] = Field(
        default=None, ge=1, description="devices the runtime exposes per package (910C: 2; B200: 1)"
    )
    peak_dense_tflops: PeakDenseTflops = Field(default_factory=PeakDenseTflops)
    unsupported_dtypes: list[str] = Field(default_factory=list, description="no native tensor support")
    hbm_gib: Optional[float] = Field(default=None, gt=0)
    hbm_source_unit: Optional[Literal["GB", "GiB", "bytes"]] = None
    hbm_tb_per_s: Optional[float] = Field(default=None, gt=0)
    scale_up_gb_per_s: Optional[float] = Field(default=None, gt=0)
    scale_up_direction: Optional[Literal["per_direction", "bidirectional"]] = None
    scale_up_link: Optional[str] = None
    tdp_w: Optional[float] = Field(default=None, gt=0)
    launch_year: Optional[int] = Field(default=None, ge=1990, le=2100)
    packages_per_node: Optional[int] = Field(default=None, ge=1, description="typical server: 8 GPUs")
    device_names: list[str] = Field(
        default_factory=list,
        description="lower-case fragments of the device name a runtime reports (torch.cuda.get_device_name, "
        "npu-smi) that identify this package, e.g. 'h100'; a run's fingerprint is matched to the longest",
    )
    notes: list[str] = Field(default_factory=list)
    default_choice: dict[str, str] = Field(
        default_factory=dict, description="field -> why the value in the field is the default"
    )
    alternatives: list[Alternative] = Field(default_factory=list)
    sources: list[FigureSource] = Field(default_factory=list)

    @field_validator("unsupported_dtypes")
    @classmethod
    def _known_dtypes(cls, v: list[str]) -> list[str]:
        bad = [d for d in v if d not in DTYPES]
        if bad:
            raise ValueError(f"unknown dtype(s) {bad}; known: {list(DTYPES)}")
        return v

    @model_validator(mode="after")
    def _consistent(self):
        for d in self.unsupported_dtypes:
            if getattr(self.peak_dense_tflops, d) is not None:
                raise ValueError(f"dtype {d} is listed unsupported but has a peak figure")
        if self.scale_up_gb_per_s is not None and self.scale_up_direction is None:
            raise ValueError("scale_up_gb_per_s needs scale_up_direction (per_direction|bidirectional)")
        if self.hbm_gib is not None and self.hbm_source_unit is None:
            raise ValueError("hbm_gib needs hbm_source_unit (how the source wrote the capacity)")
        _check_source_refs(self.sources, self.alternatives, self.default_choice)
        return self

    # -- helpers ---------------------------------------------------------------------------
    def peak_tflops(self, dtype: str) -> float:
        """Peak dense TFLOPS of the package at ``dtype`` (bf16, fp16, fp8, int8).

        Raises :class:`UserError` when the chip has no native support for the dtype, when the
        figure is unknown (null in the registry), or when the dtype name is not known.
        """
        d = canonical_dtype(dtype)
        if d not in DTYPES:
            raise UserError(f"unknown dtype {dtype!r}{did_you_mean(d, DTYPES)}; known: {', '.join(DTYPES)}")
        if d in self.unsupported_dtypes:
            supported = [x for x in DTYPES if getattr(self.peak_dense_tflops, x) is not None]
            raise UserError(
                f"{self.id} has no native {d} support; dtypes with a figure: {', '.join(supported) or 'none'}"
            )
        value = getattr(self.peak_dense_tflops, d)
        if value is None:
            raise UserError(f"{self.id}: peak dense {d} TFLOPS is unknown (null in the hardware registry)")
        return float(value)

    @property
    def hbm_bytes(self) -> Optional[float]:
        """HBM capacity per package in bytes (``hbm_gib`` GiB), None when unknown."""
        return gib_to_bytes(self.hbm_gib)

    @property
    def hbm_bytes_per_s(self) -> Optional[float]:
        """HBM bandwidth per package in bytes per second (``hbm_tb_per_s`` decimal TB/s), None when unknown."""
        return tb_to_bytes(self.hbm_tb_per_s)

    @property
    def scale_up_gb_per_s_per_direction(self) -> Optional[float]:
        """Scale-up bandwidth one way per package (bidirectional figures halved)."""
        if self.scale_up_gb_per_s is None:
            return None
        return self.scale_up_gb_per_s / (2 if self.scale_up_direction == "bidirectional" else 1)

    def with_overrides(
        self,
        *,
        peak_dense_tflops: Optional[dict] = None,
        hbm_tb_per_s: Optional[float] = None,
        hbm_gib: Optional[float] = None,
        tdp_w: Optional[float] = None,
        dies_per_package: Optional[int] = None,
        packages_per_node: Optional[int] = None,
        says: str = "figures given by the user",
    ) -> HardwareSpec:
        """A copy with user-given figures (e.g. a CPU's peak FLOPS), sourced as ``user-override``.

        Raises :class:`UserError` for a non-positive figure or an unknown dtype.
        """
        data = self.model_dump()
        changed: list[str] = []
        for dt, val in (peak_dense_tflops or {}).items():
            d = canonical_dtype(dt)
            if d not in DTYPES:
                raise UserError(f"unknown dtype {dt!r}{did_you_mean(d, DTYPES)}; known: {', '.join(DTYPES)}")
            data["peak_dense_tflops"][d] = val
            data["unsupported_dtypes"] = [x for x in data["unsupported_dtypes"] if x != d]
            changed.append(f"peak_dense_tflops.{d}")
        for name, val in (
            ("hbm_tb_per_s", hbm_tb_per_s),
            ("hbm_gib", hbm_gib),
            ("tdp_w", tdp_w),
            ("dies_per_package", dies_per_package),
            ("packages_per_node", packages_per_node),
        ):
            if val is not None:
                data[name] = val
                changed.append(name)
                if name == "hbm_gib":
                    data["hbm_source_unit"] = "GiB"
        if not changed:
            return self
        data["sources"] = [s for s in data["sources"] if s["id"] != "user-override"]
        data["sources"].append({"id": "user-override", "citation": "user input", "says": says, "fields": changed})
        try:
            return HardwareSpec.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(x) for x in err.get("loc", ()))
            raise UserError(f"hardware override {loc}: {err.get('msg')}") from None

    def sources_for(self, field: str) -> list[FigureSource]:
        """The sources that support ``field``."""
        return [s for s in self.sources if field in s.fields]

    def figure_fields(self) -> list[str]:
        """Dotted paths of every non-null figure (and unsupported-dtype statement) in the file."""
        out: list[str] = []
        for name in (
            "dies_per_package",
            "devices_per_package",
            "hbm_gib",
            "hbm_tb_per_s",
            "scale_up_gb_per_s",
            "tdp_w",
            "launch_year",
            "packages_per_node",
        ):
            if getattr(self, name) is not None:
                out.append(name)
        for d in DTYPES:
            if getattr(self.peak_dense_tflops, d) is not None or d in self.unsupported_dtypes:
                out.append(f"peak_dense_tflops.{d}")
        return out


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------
class MLA(Strict):
    """Multi-head latent attention ranks (DeepSeek-V2/V3 style)."""

    q_lora_rank: Optional[int] = Field(default=None, ge=1, description="null: q is projected directly")
    kv_lora_rank: int = Field(ge=1)
    qk_rope_head_dim: int = Field(ge=1)
    qk_nope_head_dim: int = Field(ge=1)
    v_head_dim: int = Field(ge=1)


class MoE(Strict):
    """A mixture-of-experts layout: routed, shared and active experts and their size."""

    experts_routed: int = Field(ge=1)
    experts_shared: int = Field(ge=0)
    experts_active: int = Field(ge=1, description="routed experts chosen per token (top-k)")
    expert_ffn: int = Field(ge=1, description="intermediate size of one expert")
    dense_layers: int = Field(ge=0, description="leading layers with a dense FFN instead of MoE")
    expert_groups: Optional[int] = Field(default=None, ge=1)
    topk_groups: Optional[int] = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _k_le_n(self):
        if self.experts_active > self.experts_routed:
            raise ValueError("experts_active exceeds experts_routed")
        return self


class ModelArch(Strict):
    """A decoder-only transformer architecture, enough for a roofline bound.

    Attention is either GQA/MHA (``kv_heads``, ``head_dim``) or MLA (``mla``). ``dense_ffn`` is
    the intermediate size of dense FFN layers (all layers for a dense model; the first
    ``moe.dense_layers`` of a MoE model). FFNs are gated (SwiGLU: 3 matrices) unless
    ``ffn_matrices`` says otherwise. ``params_total_b``/``params_active_b`` are the published
    counts in billions (excluding MTP modules unless the note says so); :mod:`roofline`
    computes its own count from the architecture and tests compare the two.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: int = Field(default=1, alias="schema", ge=1, le=1, description="registry file schema version")

    id: str
    name: str
    family: str
    hf_id: Optional[str] = None
    layers: int = Field(ge=1)
    hidden: int = Field(ge=1)
    heads: int = Field(ge=1)
    kv_heads: Optional[int] = Field(default=None, ge=1)
    head_dim: Optional[int] = Field(default=None, ge=1)
    mla: Optional[MLA] = None
    qk_norm: bool = False
    attention_bias: bool = False
    dense_ffn: Optional[int] = Field(default=None, ge=1)
    ffn_matrices: int = Field(default=3, ge=2, le=3)
    moe: Optional[MoE] = None
    vocab: int = Field(ge=1)
    tie_embeddings: bool = False
    max_context: int = Field(ge=1)
    mtp_modules: int = Field(default=0, ge=0)
    params_total_b: Optional[float] = Field(default=None, gt=0)
    params_active_b: Optional[float] = Field(default=None, gt=0)
    native_dtype: Optional[str] = None
    notes: list[str] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)
    default_choice: dict[str, str] = Field(default_factory=dict)
    sources: list[FigureSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self):
        if self.mla is None:
            if self.kv_heads is None or self.head_dim is None:
                raise ValueError("a non-MLA model needs kv_heads and head_dim")
            if self.heads % self.kv_heads:
                raise ValueError("heads must be a multiple of kv_heads")
        if self.moe is None and self.dense_ffn is None:
            raise ValueError("a dense model needs dense_ffn")
        if self.moe is not None and self.moe.dense_layers > 0 and self.dense_ffn is None:
            raise ValueError("moe.dense_layers > 0 needs dense_ffn")
        if self.moe is not None and self.moe.dense_layers > self.layers:
            raise ValueError("moe.dense_layers exceeds layers")
        _check_source_refs(self.sources, self.alternatives, self.default_choice)
        return self

    @property
    def attention(self) -> str:
        """The attention kind: ``mla``, ``mha`` or ``gqa``."""
        if self.mla is not None:
            return "mla"
        return "mha" if self.kv_heads == self.heads else "gqa"

    def sources_for(self, field: str) -> list[FigureSource]:
        """The sources that support ``field``."""
        return [s for s in self.sources if field in s.fields]

    def figure_fields(self) -> list[str]:
        """Every figure field of the model that a source must support."""
        out = [
            n
            for n in (
                "layers",
                "hidden",
                "heads",
                "kv_heads",
                "head_dim",
                "dense_ffn",
                "vocab",
                "max_context",
                "params_total_b",
                "params_active_b",
            )
            if getattr(self, n) is not None
        ]
        out.append("mtp_modules")
        if self.mla is not None:
            out += [f"mla.{k}" for k, v in self.mla.model_dump().items() if v is not None]
        if self.moe is not None:
            out += [f"moe.{k}" for k, v in self.moe.model_dump().items() if v is not None]
        return out


# --------------------------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------------------------
class PriceEntry(Strict):
    """Hourly price of one package (per-GPU-hour), with where and when it was published."""

    hardware: str
    usd_per_package_hour: float = Field(gt=0)
    provider: str
    offering: str
    date: str = Field(description="publication or access date, YYYY-MM-DD or YYYY-MM")
    source: str = Field(description="id of an entry in sources")
    note: Optional[str] = None


class PriceTable(Strict):
    """A table of hourly prices per package, with its source."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: int = Field(default=1, alias="schema", ge=1, le=1, description="registry file schema version")
    id: str
    description: Optional[str] = None
    currency: Literal["USD"] = "USD"
    prices: list[PriceEntry] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    sources: list[FigureSource] = Field(default_factory=list)

    @model_validator(mode="after")
    def _refs(self):
        ids = {s.id for s in self.sources}
        for p in self.prices:
            if p.source not in ids:
                raise ValueError(f"price for {p.hardware} cites unknown source {p.source!r}")
        return self

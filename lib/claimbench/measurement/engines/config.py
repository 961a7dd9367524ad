"""vLLM engine arguments shared by the in-process engine and `vllm serve`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class VllmArgs:
    """What claimbench passes to vLLM, whichever way it is started (recorded in the manifest)."""

    model: str
    dtype: str = "auto"
    max_model_len: int | None = None
    enforce_eager: bool | None = None  # None: eager on CPU (starts in seconds), vLLM's default elsewhere
    kv_cache_gib: float | None = None  # CPU: VLLM_CPU_KVCACHE_SPACE (default 1); else kv_cache_memory_bytes
    seed: int = 0
    tensor_parallel_size: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def eager(self, backend: str) -> bool:
        """Whether to run eager (no CUDA graphs / compilation): forced on the CPU backend."""
        return self.enforce_eager if self.enforce_eager is not None else backend == "cpu"

    def kv_cache_bytes(self, backend: str) -> int | None:
        """KV cache bytes to reserve on this backend, None for vLLM's default."""
        return int(self.kv_cache_gib * 2**30) if self.kv_cache_gib is not None and backend != "cpu" else None

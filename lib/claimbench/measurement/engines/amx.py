"""Ask the Linux kernel for AMX tile permission in the current process.

vLLM's CPU attention uses Intel AMX tiles (Sapphire Rapids and newer) without requesting the
permission Linux requires since 5.16 (``arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)``); the
worker then dies with SIGILL on some batch shapes. Every process that runs vLLM kernels must ask.
claimbench registers :func:`register` as a ``vllm.general_plugins`` entry point, which vLLM calls in
the API server, engine-core and worker processes, and also calls it before starting engines itself.
"""

from __future__ import annotations

import platform
import sys

_SYS_ARCH_PRCTL = 158
_ARCH_REQ_XCOMP_PERM = 0x1023
_XFEATURE_XTILEDATA = 18
_state: dict[str, object] = {}


def request_amx_permission() -> bool | None:
    """Request AMX permission; True if granted, False if refused, None where not applicable.

    Idempotent and safe to call on any platform (it does nothing off x86-64 Linux).
    """
    if "granted" in _state:
        return _state["granted"]  # type: ignore[return-value]
    granted: bool | None = None
    if sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64"):
        try:
            import ctypes

            rc = ctypes.CDLL(None, use_errno=True).syscall(_SYS_ARCH_PRCTL, _ARCH_REQ_XCOMP_PERM, _XFEATURE_XTILEDATA)
            granted = rc == 0
        except Exception:  # pragma: no cover - libc without syscall()
            granted = False
    _state["granted"] = granted
    return granted


def register() -> None:
    """VLLM general-plugin hook."""
    request_amx_permission()

"""Device energy during a run: NVML, amd-smi, npu-smi or Linux RAPL, sampled in a background thread.

Usage::

    meter = EnergyMeter()          # auto: first backend that works here
    meter.start()
    ...                            # the measured run
    reading = meter.stop()         # EnergyReading(joules, source, reason)

``joules`` is ``None`` with a ``reason`` when no backend is available (e.g. a VM without RAPL).
Backends, tried in order by ``backend="auto"``:

* ``nvml``  -- ``pynvml`` (imported lazily): total-energy counters (mJ, Volta+) when present,
  else power (mW) sampled and integrated.
* ``amdsmi`` -- the ``amdsmi`` Python package: energy counters; else the ``amd-smi`` CLI power.
* ``npu-smi`` -- Ascend ``npu-smi info -t power -i <id>`` power (W), sampled and integrated.
* ``rapl``  -- ``/sys/class/powercap/intel-rapl:*/energy_uj`` package counters (CPU hosts), with
  wrap-around from ``max_energy_range_uj``. Sub-zones (``intel-rapl:0:0``) are not added, to
  avoid double counting.

Sampled power is integrated with the trapezoid rule at ``interval_s``. The reading covers the
devices in ``device_indices`` (default: all found), summed; ``n_devices`` says how many. Nothing
is imported or touched at import time.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional


@dataclass(frozen=True)
class EnergyReading:
    """Energy over a run. ``joules`` is None when unavailable, and ``reason`` then says why."""

    joules: Optional[float]
    source: Optional[str]
    reason: Optional[str]
    duration_s: Optional[float] = None
    n_devices: Optional[int] = None
    n_samples: Optional[int] = None

    @property
    def mean_power_w(self) -> Optional[float]:
        """Mean power over the reading in W, None when no energy was measured."""
        if self.joules is None or not self.duration_s:
            return None
        return self.joules / self.duration_s

    def to_dict(self) -> dict:
        """The reading as a plain dict (with the mean power)."""
        d = asdict(self)
        d["mean_power_w"] = self.mean_power_w
        return d


class BackendUnavailable(Exception):
    """The backend cannot measure here (reason in the message)."""


# ------------------------------------------------------------------------------------------
# Backends: each has open() -> None (raise BackendUnavailable), and either counter_j() (cumulative
# joules, summed over devices) or power_w() (instantaneous watts, summed), plus close().
# ------------------------------------------------------------------------------------------
class _Backend:
    name = "?"
    kind = "power"  # or "counter"
    n_devices = 0

    def open(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def counter_j(self) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def power_w(self) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


class RaplBackend(_Backend):
    """Package energy from Intel/AMD RAPL counters under ``/sys/class/powercap``."""

    name = "rapl"
    kind = "counter"

    def __init__(self, root: str = "/sys/class/powercap", device_indices=None):
        self.root = root
        self.device_indices = device_indices
        self.zones: list[tuple[str, float]] = []
        self._last: list[int] = []
        self._acc = 0.0

    def open(self) -> None:
        """Find the package zones and read them once; BackendUnavailable when not readable."""
        zones = sorted(str(p) for p in Path(self.root).glob("intel-rapl:*") if p.name.count(":") == 1)
        if not zones:
            raise BackendUnavailable(f"no RAPL package zones under {self.root}")
        if self.device_indices is not None:
            zones = [z for i, z in enumerate(zones) if i in set(self.device_indices)]
        found = []
        for z in zones:
            try:
                int((Path(z) / "energy_uj").read_text().strip())
            except PermissionError:
                raise BackendUnavailable(f"{z}/energy_uj is not readable (permission denied; needs root)") from None
            except (OSError, ValueError) as exc:
                raise BackendUnavailable(f"{z}/energy_uj unreadable: {exc}") from None
            try:
                wrap = float((Path(z) / "max_energy_range_uj").read_text().strip())
            except (OSError, ValueError):
                wrap = 0.0
            found.append((z, wrap))
        self.zones = found
        self.n_devices = len(found)
        self._last = [self._read(z) for z, _ in found]

    @staticmethod
    def _read(zone: str) -> int:
        return int((Path(zone) / "energy_uj").read_text().strip())

    def counter_j(self) -> float:
        """Joules since the first read (counter wrap-arounds accounted for)."""
        for i, (z, wrap) in enumerate(self.zones):
            now = self._read(z)
            delta = now - self._last[i]
            if delta < 0:  # counter wrapped
                delta += wrap if wrap > 0 else 0  # type: ignore[assignment]  # int counters, float wrap
            self._acc += max(delta, 0) / 1e6
            self._last[i] = now
        return self._acc


class NvmlBackend(_Backend):
    """NVIDIA GPU energy through NVML (the energy counter, else sampled power)."""

    name = "nvml"

    def __init__(self, device_indices=None):
        self.device_indices = device_indices
        self._nvml: Any = None  # the pynvml module once open() succeeded
        self._handles: list = []

    def open(self) -> None:
        """Initialise NVML and pick the devices; BackendUnavailable when it cannot."""
        try:
            import pynvml  # lazily: only where NVIDIA tooling is installed
        except Exception as exc:
            raise BackendUnavailable(f"pynvml not importable: {type(exc).__name__}") from None
        try:
            pynvml.nvmlInit()
            n = pynvml.nvmlDeviceGetCount()
        except Exception as exc:
            raise BackendUnavailable(f"NVML init failed: {exc}") from None
        idx = range(n) if self.device_indices is None else self.device_indices
        self._handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in idx]
        if not self._handles:
            raise BackendUnavailable("NVML found no GPU")
        self._nvml = pynvml
        self.n_devices = len(self._handles)
        try:
            for h in self._handles:
                pynvml.nvmlDeviceGetTotalEnergyConsumption(h)
            self.kind = "counter"
        except Exception:
            self.kind = "power"

    def counter_j(self) -> float:
        """Joules of every device's energy counter."""
        return sum(self._nvml.nvmlDeviceGetTotalEnergyConsumption(h) for h in self._handles) / 1000.0

    def power_w(self) -> float:
        """Instantaneous power of every device in W."""
        return sum(self._nvml.nvmlDeviceGetPowerUsage(h) for h in self._handles) / 1000.0

    def close(self) -> None:
        """Shut NVML down."""
        if self._nvml is not None:
            try:
                self._nvml.nvmlShutdown()
            except Exception:
                pass


class AmdSmiBackend(_Backend):
    """AMD GPU energy through amdsmi (the energy counter, else sampled power)."""

    name = "amdsmi"

    def __init__(self, device_indices=None):
        self.device_indices = device_indices
        self._lib: Any = None  # the amdsmi module once open() succeeded
        self._handles: list = []

    def open(self) -> None:
        """Initialise amdsmi and pick the devices; BackendUnavailable when it cannot."""
        try:
            import amdsmi  # lazily: only on ROCm hosts
        except Exception as exc:
            raise BackendUnavailable(f"amdsmi not importable: {type(exc).__name__}") from None
        try:
            amdsmi.amdsmi_init()
            handles = amdsmi.amdsmi_get_processor_handles()
        except Exception as exc:
            raise BackendUnavailable(f"amdsmi init failed: {exc}") from None
        if self.device_indices is not None:
            handles = [h for i, h in enumerate(handles) if i in set(self.device_indices)]
        if not handles:
            raise BackendUnavailable("amdsmi found no GPU")
        self._lib, self._handles, self.n_devices = amdsmi, handles, len(handles)
        try:
            self.counter_j()
            self.kind = "counter"
        except Exception:
            self.kind = "power"

    def counter_j(self) -> float:
        """Joules of every device's energy counter."""
        total = 0.0
        for h in self._handles:
            e = self._lib.amdsmi_get_energy_count(h)
            # {'energy_accumulator': counts, 'counter_resolution': uJ per count, ...}
            total += float(e["energy_accumulator"]) * float(e["counter_resolution"]) / 1e6
        return total

    def power_w(self) -> float:
        """Instantaneous socket power of every device in W."""
        total = 0.0
        for h in self._handles:
            p = self._lib.amdsmi_get_power_info(h)
            w = p.get("average_socket_power", p.get("current_socket_power"))
            total += float(w)
        return total

    def close(self) -> None:
        """Shut amdsmi down."""
        if self._lib is not None:
            try:
                self._lib.amdsmi_shut_down()
            except Exception:
                pass


class NpuSmiBackend(_Backend):
    """Ascend: ``npu-smi info -t power -i ID`` prints e.g. ``Power Dissipation(W) : 93.4``."""

    name = "npu-smi"

    def __init__(self, device_indices=None, runner: Optional[Callable[[list[str]], str]] = None):
        self.device_indices = device_indices
        self._run = runner or self._subprocess
        self._ids: list[int] = []

    @staticmethod
    def _subprocess(cmd: list[str]) -> str:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10, check=True).stdout

    @staticmethod
    def parse_power(text: str) -> float:
        """The power in W from ``npu-smi info`` output; ValueError when absent."""
        for line in text.splitlines():
            if ":" in line and "power" in line.lower():
                try:
                    return float(line.split(":", 1)[1].strip().split()[0])
                except (ValueError, IndexError):
                    continue
        raise ValueError("no power line in npu-smi output")

    def open(self) -> None:
        """Check that ``npu-smi`` answers for every device; BackendUnavailable when not."""
        if self._run is self._subprocess and shutil.which("npu-smi") is None:
            raise BackendUnavailable("npu-smi not on PATH")
        ids = list(self.device_indices) if self.device_indices is not None else [0]
        if self.device_indices is None:
            try:
                out = self._run(["npu-smi", "info", "-l"])
                found = [
                    int(line.split(":", 1)[1])
                    for line in out.splitlines()
                    if line.strip().lower().startswith("npu id") and ":" in line
                ]
                ids = found or ids
            except Exception:
                pass
        try:
            for i in ids:
                self.parse_power(self._run(["npu-smi", "info", "-t", "power", "-i", str(i)]))
        except Exception as exc:
            raise BackendUnavailable(f"npu-smi power query failed: {exc}") from None
        self._ids, self.n_devices = ids, len(ids)

    def power_w(self) -> float:
        """Instantaneous power of every NPU in W."""
        return sum(self.parse_power(self._run(["npu-smi", "info", "-t", "power", "-i", str(i)])) for i in self._ids)


BACKENDS = ("nvml", "amdsmi", "npu-smi", "rapl")


def _make(name: str, device_indices, rapl_root: str) -> _Backend:
    if name == "nvml":
        return NvmlBackend(device_indices)
    if name == "amdsmi":
        return AmdSmiBackend(device_indices)
    if name == "npu-smi":
        return NpuSmiBackend(device_indices)
    if name == "rapl":
        return RaplBackend(rapl_root, device_indices)
    from claimbench.errors import UserError, did_you_mean

    raise UserError(
        f"unknown energy backend {name!r}{did_you_mean(name, BACKENDS)}; known: auto, {', '.join(BACKENDS)}"
    )


class EnergyMeter:
    """Measure device energy between :meth:`start` and :meth:`stop` in a background thread.

    ``backend``: ``"auto"`` (try nvml, amdsmi, npu-smi, rapl in turn), one of those names, or a
    backend object (for tests). Never raises on an unavailable platform: :meth:`stop` then returns
    ``EnergyReading(None, None, reason)``.
    """

    def __init__(
        self, backend="auto", interval_s: float = 0.1, device_indices=None, rapl_root: str = "/sys/class/powercap"
    ):
        self.backend_spec = backend
        self.interval_s = float(interval_s)
        self.device_indices = device_indices
        self.rapl_root = rapl_root
        self._backend: Optional[_Backend] = None
        self._reason: Optional[str] = None
        self._thread: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._t0 = 0.0
        self._joules = 0.0
        self._samples = 0
        self._error: Optional[str] = None
        self._c0 = 0.0

    def _open(self) -> None:
        if not isinstance(self.backend_spec, str):
            candidates = [self.backend_spec]
        elif self.backend_spec == "auto":
            candidates = [_make(n, self.device_indices, self.rapl_root) for n in BACKENDS]
        else:
            candidates = [_make(self.backend_spec, self.device_indices, self.rapl_root)]
        reasons = []
        for b in candidates:
            try:
                b.open()
                self._backend = b
                return
            except BackendUnavailable as exc:
                reasons.append(f"{b.name}: {exc}")
        self._reason = "no energy source available (" + "; ".join(reasons) + ")"

    def start(self) -> EnergyMeter:
        """Start sampling (a background thread for power backends); returns the meter."""
        if self._thread is not None:
            raise RuntimeError("EnergyMeter already started")
        self._open()
        self._t0 = time.monotonic()
        if self._backend is None:
            return self
        try:
            if self._backend.kind == "counter":
                self._c0 = self._backend.counter_j()
                self._samples = 1
            else:
                self._last_p = self._backend.power_w()
                self._last_t = self._t0
                self._samples = 1
        except Exception as exc:
            self._error = f"{self._backend.name}: first sample failed: {exc}"
            return self
        self._thread = threading.Thread(target=self._loop, name="claimbench-energy", daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        b = self._backend
        assert b is not None  # started
        if b.kind == "counter":
            self._joules = b.counter_j() - self._c0
        else:
            p = b.power_w()
            t = time.monotonic()
            self._joules += 0.5 * (p + self._last_p) * (t - self._last_t)
            self._last_p, self._last_t = p, t
        self._samples += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self._sample()
            except Exception as exc:
                name = self._backend.name if self._backend is not None else "energy"
                self._error = f"{name}: sampling failed: {exc}"
                return

    def stop(self) -> EnergyReading:
        """Stop sampling and return the energy of the interval (or why it is unknown).

        The duration ends at the final sample, so energy and duration cover the same interval (a stop
        delayed by a busy host lengthens both alike)."""
        duration = time.monotonic() - self._t0 if self._t0 else None
        if self._backend is None:
            return EnergyReading(None, None, self._reason or "meter was not started", duration)
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=max(5.0, 5 * self.interval_s))
            if self._error is None:
                try:
                    self._sample()  # close the interval at stop time
                    duration = (self._last_t if self._backend.kind != "counter" else time.monotonic()) - self._t0
                except Exception as exc:
                    self._error = f"{self._backend.name}: final sample failed: {exc}"
        self._backend.close()
        src = f"{self._backend.name} ({self._backend.kind})"
        if self._error is not None:
            return EnergyReading(None, src, self._error, duration, self._backend.n_devices, self._samples)
        return EnergyReading(self._joules, src, None, duration, self._backend.n_devices, self._samples)


def measure_available(backend: str = "auto") -> tuple[bool, str]:
    """(True, backend name) when a backend opens here, else (False, reason). For diagnostics."""
    m = EnergyMeter(backend)
    m._open()
    if m._backend is None:
        return False, m._reason or "unavailable"
    m._backend.close()
    return True, m._backend.name

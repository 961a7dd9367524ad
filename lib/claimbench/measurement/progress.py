"""Progress of a measurement, shown on stderr with ``rich`` when stderr is a terminal.

The runner calls a :class:`ProgressHook` at a few points only: a phase (the engine's start-up),
the start and end of each level, and once per finished request (:meth:`ProgressHook.request_done`,
O(1): counters and two appends; no per-chunk work). Drawing happens in ``rich``'s own refresh
thread, four times a second, so the event loop that times requests never formats text.

:class:`Progress` draws, per level: requests done/total, failed, elapsed, ETA, live output tok/s,
and the running medians of TTFT and TPOT of the requests finished so far. :func:`host_load` says
whether the host is busy (1-minute load average above the core count), which the manifest records
and the command reports at the start: a busy host makes every latency longer.
"""

from __future__ import annotations

import os
import sys
import time
from statistics import median
from typing import Any, Protocol

__all__ = ["Progress", "ProgressHook", "LevelStats", "host_load", "busy_host_message"]


class ProgressHook(Protocol):
    """What the runner calls; an implementation must be cheap in :meth:`request_done`."""

    def phase(self, text: str) -> None:
        """A phase before the levels (e.g. the engine's start-up) begins."""

    def phase_done(self, ok: bool = True) -> None:
        """The current phase ended (``ok``: it succeeded)."""

    def start_level(self, label: str, total: int) -> None:
        """A level of ``total`` requests begins."""

    def request_done(self, record: Any) -> None:
        """One request finished (a RequestRecord, or a bool ``ok`` from older callers)."""

    def end_level(self) -> None:
        """The current level ended."""

    def message(self, text: str) -> None:
        """A line for the user (kept above the live display)."""


class LevelStats:
    """Running figures of one level, updated in O(1) per request and read by the display thread."""

    def __init__(self, label: str = "", total: int = 0):
        self.label, self.total = label, total
        self.done = self.failed = self.output_tokens = 0
        self.ttft_ms: list[float] = []
        self.tpot_ms: list[float] = []
        self.t0 = time.monotonic()

    def add(self, record: Any) -> None:
        """Count one finished request (a RequestRecord or a bool)."""
        self.done += 1
        ok = record if isinstance(record, bool) else bool(getattr(record, "ok", False))
        if not ok:
            self.failed += 1
            return
        if isinstance(record, bool):
            return
        sent, first, done = record.sent_s, record.first_token_s, record.done_s
        n = record.output_tokens
        if n:
            self.output_tokens += n
        if sent is not None and first is not None:
            self.ttft_ms.append((first - sent) * 1000.0)
        if first is not None and done is not None and n and n > 1:
            self.tpot_ms.append((done - first) * 1000.0 / (n - 1))

    def elapsed_s(self) -> float:
        """Seconds since the level started."""
        return time.monotonic() - self.t0

    def eta_s(self) -> float | None:
        """Seconds left at the pace so far (None before the first request ends)."""
        if not self.done or not self.total:
            return None
        return max(self.elapsed_s() * (self.total - self.done) / self.done, 0.0)

    def figures(self) -> str:
        """Live output tok/s and running TTFT/TPOT medians, as one short text."""
        el = self.elapsed_s()
        parts = [f"{self.output_tokens / el:,.0f} out tok/s" if el > 0 and self.output_tokens else "– out tok/s"]
        ttft, tpot = list(self.ttft_ms), list(self.tpot_ms)  # copies: the loop may append meanwhile
        parts.append(f"TTFT p50 {median(ttft):.1f} ms" if ttft else "TTFT p50 –")
        parts.append(f"TPOT p50 {median(tpot):.2f} ms" if tpot else "TPOT p50 –")
        return " · ".join(parts)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "–:––"
    m, s = divmod(int(seconds + 0.5), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


class Progress:
    """The measurement's progress on ``stream`` (stderr by default), drawn with ``rich`` when
    enabled (default: when the stream is a terminal); every method is a no-op otherwise."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = bool(self.stream.isatty()) if enabled is None else enabled
        self.stats = LevelStats()
        self._live: Any = None
        self._phase: tuple[str, float] | None = None

    # -- drawing (rich's refresh thread calls _render) ------------------------------------------
    def _render(self) -> Any:
        from rich.text import Text

        if self._phase is not None:
            text, t0 = self._phase
            return Text(f"⏳ {text} … {_clock(time.monotonic() - t0)}", style="bold")
        s = self.stats
        width = 24
        filled = int(width * s.done / s.total) if s.total else width
        bar = "━" * filled + "╺" + " " * max(width - filled - 1, 0) if filled < width else "━" * width
        fail = f" · {s.failed} failed" if s.failed else ""
        line = Text()
        line.append(f"{s.label:<28} ", style="bold")
        line.append(bar, style="cyan")
        line.append(f" {s.done}/{s.total}{fail} · {_clock(s.elapsed_s())} elapsed · ETA {_clock(s.eta_s())}")
        line.append(f" · {s.figures()}", style="green")
        return line

    def _start_live(self) -> None:
        if not self.enabled or self._live is not None:
            return
        from rich.console import Console
        from rich.live import Live

        console = Console(file=self.stream, force_terminal=True, highlight=False)
        self._live = Live(get_renderable=self._render, console=console, refresh_per_second=4, transient=False)
        self._live.start()

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.stop()
            self._live = None

    # -- the hook ----------------------------------------------------------------------------------
    def phase(self, text: str) -> None:
        """Show a phase with its elapsed time (e.g. the engine loading the model)."""
        self._phase = (text, time.monotonic())
        self._start_live()

    def phase_done(self, ok: bool = True) -> None:
        """End the phase; its final time stays on screen."""
        if self._phase is None:
            return
        self._stop_live()
        text, t0 = self._phase
        self._phase = None
        self.message(f"{'✓' if ok else '✗'} {text}: {time.monotonic() - t0:.1f} s")

    def start_level(self, label: str, total: int) -> None:
        """Begin drawing a level of ``total`` requests."""
        self.stats = LevelStats(label, total)
        self._start_live()

    def request_done(self, record: Any) -> None:
        """Count one finished request (O(1); drawn by the refresh thread)."""
        self.stats.add(record)

    def end_level(self) -> None:
        """Draw the level's final line and keep it."""
        self._stop_live()

    def message(self, text: str) -> None:
        """A line above the live display."""
        if not self.enabled:
            return
        if self._live is not None:
            self._live.console.print(text, highlight=False)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()


def host_load() -> dict[str, Any]:
    """The host's 1-, 5- and 15-minute load averages and core count; ``busy`` when the 1-minute
    load exceeds the cores (every timing is then stretched by other work)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # not available on this platform
        return {
            "load_avg_1m": None,
            "load_avg_5m": None,
            "load_avg_15m": None,
            "cpu_count": os.cpu_count(),
            "busy": None,
        }
    cores = os.cpu_count() or 1
    return {
        "load_avg_1m": round(one, 2),
        "load_avg_5m": round(five, 2),
        "load_avg_15m": round(fifteen, 2),
        "cpu_count": cores,
        "busy": one > cores,
    }


def busy_host_message(load: dict[str, Any]) -> str | None:
    """One line for the user when the host is busy, else None."""
    if not load.get("busy"):
        return None
    return (
        f"busy host: load average {load['load_avg_1m']:g} on {load['cpu_count']} cores; timings will be "
        "longer than on an idle host (recorded in the manifest as host_load)"
    )

"""A one-line progress display on stderr, silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time


class Progress:
    """A one-line progress display on stderr (off when not a terminal or disabled)."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._last = 0.0
        self.label = ""
        self.total = 0
        self.done = 0
        self.failed = 0

    def start_level(self, label: str, total: int) -> None:
        """Begin a level of ``total`` requests."""
        self.label, self.total, self.done, self.failed = label, total, 0, 0
        self._draw(force=True)

    def request_done(self, ok: bool) -> None:
        """Count one finished request."""
        self.done += 1
        self.failed += 0 if ok else 1
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        bar = "#" * filled + "-" * (width - filled)
        fail = f" {self.failed} failed" if self.failed else ""
        self.stream.write(f"\r{self.label:<24} [{bar}] {self.done}/{self.total}{fail}")
        self.stream.flush()

    def end_level(self) -> None:
        """End the level's line."""
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def message(self, text: str) -> None:
        """Print a message on its own line."""
        if self.enabled:
            self.stream.write(text + "\n")
            self.stream.flush()

"""The engine protocol's plumbing shared by the unit tests' stand-in engines (they differ only in run_level)."""

from __future__ import annotations

from typing import Any


class EnginePlumbing:
    """Nothing to start or stop, no vocabulary, no context limit; ``describe`` names ``description``."""

    name = "offline"
    max_model_len = None
    description = "fake"

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def vocab_size(self) -> None:
        return None

    def describe(self) -> dict[str, Any]:
        return {"name": self.description}

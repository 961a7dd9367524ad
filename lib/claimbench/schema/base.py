"""The one base of every file-backed record: unknown keys are rejected, records are immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A pydantic model that forbids unknown keys and is frozen (hashable, never mutated)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

"""Read ``verdicts.json`` (written by ``claimbench verify --out``) into typed records (files in, records out)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from claimbench.errors import UserError
from claimbench.load.yamlio import validation_message
from claimbench.schema.verdict import ClaimVerdicts

__all__ = ["read_verdicts"]

_LIST = TypeAdapter(list[ClaimVerdicts])


def read_verdicts(path: Path | str) -> list[ClaimVerdicts]:
    """The verdicts in ``path``; a file that cannot be read, parsed or validated is a one-line UserError."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise UserError(f"{p}: not valid JSON ({exc})".splitlines()[0]) from None
    try:
        return _LIST.validate_python(data)
    except ValidationError as exc:
        raise UserError(f"{p}: {validation_message(exc)}") from None

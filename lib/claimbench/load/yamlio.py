"""The one YAML reader of claimbench and its one error format.

Every data file (hardware, models, prices, claims, references) is read with
:func:`yaml.safe_load` (a python object tag is refused) and validated by a strict schema. Every
problem is a :class:`~claimbench.errors.UserError` of one line: ``<file>: field <loc>: <what>``,
or ``<file>: line N: invalid YAML: <problem>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from claimbench.errors import UserError

M = TypeVar("M", bound=BaseModel)


_TYPE_TAGS = frozenset(
    ("float", "int", "str", "bool", "bytes", "none", "dict", "list", "set", "tuple", "decimal", "date", "datetime")
)


def _is_type_tag(part: str) -> bool:
    """Whether a location part is pydantic's name for a union member or a validator (``float``,
    ``list[str]``, ``function-after[...]``, ``tagged-union[...]``, a model class name), not a field."""
    return part in _TYPE_TAGS or "[" in part or part[:1].isupper()


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _is_type_tag(str(part)):
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _one(err: Any) -> tuple[str, str]:
    """(field path, what is wrong) of one pydantic error."""
    loc = _loc(err["loc"])
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (not allowed by the schema)"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
        head = msg.split(" ")[0]
        if head.endswith(":"):
            sub = head[:-1]
            loc = sub if loc == "(top level)" else f"{loc}.{sub}"
            msg = msg[len(head) :].strip()
    elif err["type"] == "missing":
        msg = "required field missing (no default: write a value, or null and list it as unknown)"
    return loc, msg


def validation_message(exc: ValidationError) -> str:
    """One line for a pydantic validation: ``field <loc>: <what> (got <value>)`` for each field
    (the alternatives of a union joined with "or"), the first two in full and "and N more: <fields>"."""
    by_field: dict[str, list[str]] = {}
    got: dict[str, str] = {}
    for err in exc.errors():
        loc, msg = _one(err)
        msgs = by_field.setdefault(loc, [])
        if msg not in msgs:
            msgs.append(msg)
        value = err.get("input")
        shown = repr(value) if isinstance(value, (int, float, bool, list)) else None
        if isinstance(value, str):
            shown = repr(value[:40])
        if loc not in got and err["type"] not in ("missing", "extra_forbidden") and shown and len(shown) <= 60:
            got[loc] = f" (got {shown})"
    parts = []
    for loc, msgs in list(by_field.items())[:2]:
        alternatives = [msgs[0], *(m.removeprefix("Input should be ") for m in msgs[1:])]
        parts.append(f"field {loc}: {', or '.join(alternatives)}{got.get(loc, '')}")
    rest = list(by_field)[2:]
    if rest:
        names = ", ".join(rest[:5]) + (", …" if len(rest) > 5 else "")
        parts.append(f"and {len(rest)} more: {names}")
    return "; ".join(parts)


def read_yaml(path: Path) -> Any:
    """Parse YAML with ``yaml.safe_load``; errors are a one-line UserError naming the file."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        # libyaml's safe loader when present: ~10x faster, same safe subset (10,000 claim files)
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{path}: {where}: invalid YAML: {problem}") from None
    except RecursionError:
        raise UserError(f"{path}: YAML nested too deeply") from None


def validate(data: Any, model: type[M], path: Path, what: str = "fields") -> M:
    """Validate one mapping read from ``path`` against ``model``; one-line UserError otherwise."""
    if not isinstance(data, dict):
        raise UserError(f"{path}: field (top level): expected a mapping of {what}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{path}: {validation_message(exc)}") from None


def load_yaml_model(path: Path, model: type[M], what: str = "fields") -> M:
    """Read ``path`` and validate it as ``model``; an ``id`` field must equal the file name."""
    obj = validate(read_yaml(path), model, path, what)
    if hasattr(obj, "id") and obj.id != path.stem:
        raise UserError(f"{path}: field id: {obj.id!r} must equal the file name {path.stem!r}")
    return obj

"""Claims: split from the former claims.py (see the package docstring)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from claimbench.errors import UserError, did_you_mean
from claimbench.load.paths import default_data_dir
from claimbench.schema.claims import Claim
@dataclass(frozen=True)
class ClaimLoadError:
    """A claim file that could not be loaded: the path and the one-line message."""

    path: Path
    message: str


def known_hardware_ids(data_dir: Path | None = None) -> set[str]:
    """Hardware ids known to the registry: the file stems of ``<data>/hardware/*.yaml``."""
    root = (data_dir or default_data_dir()) / "hardware"
    return {p.stem for p in root.glob("*.yaml")}


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _one_line_validation_error(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    loc = _loc(p for p in first["loc"] if not str(p).startswith("function-after"))
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown key (not allowed by the schema)"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
        head = msg.split(" ")[0]
        if head.endswith(":"):
            sub = head[:-1]
            loc = sub if loc == "(top level)" else f"{loc}.{sub}"
            msg = msg[len(head) :].strip()
    elif first["type"] == "missing":
        msg = "required field missing (no default: write a value, or null and list it as unknown)"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"field {loc}: {msg}{more}"


def read_yaml(path: Path) -> Any:
    """Parse YAML with ``yaml.safe_load``; errors are a one-line UserError naming the file."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{path}: {where}: invalid YAML: {problem}") from None


def parse_claim(data: Any, path: Path, hardware_ids: set[str] | None = None) -> Claim:
    """Validate one claim mapping read from ``path``."""
    if not isinstance(data, dict):
        raise UserError(f"{path}: field (top level): expected a mapping of claim fields")
    try:
        claim = Claim.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{path}: {_one_line_validation_error(exc)}") from None
    if claim.id != path.stem:
        raise UserError(f"{path}: field id: {claim.id!r} must equal the file name {path.stem!r}")
    if hardware_ids is not None:
        for field, hw in claim.hardware_ids():
            if hw not in hardware_ids:
                raise UserError(
                    f"{path}: field {field}: unknown hardware {hw!r}"
                    f"{did_you_mean(hw, hardware_ids)}"
                )
    return claim


def load_claim(path: Path | str, hardware_ids: set[str] | None = None) -> Claim:
    """Load one claim file; raise UserError naming the file and field on any problem."""
    path = Path(path)
    if hardware_ids is None:
        hardware_ids = known_hardware_ids()
    return parse_claim(read_yaml(path), path, hardware_ids)


def load_claims(
    claims_dir: Path | str | None = None,
    hardware_ids: set[str] | None = None,
    only: Iterable[str] | None = None,
) -> tuple[list[Claim], list[ClaimLoadError]]:
    """Load every ``*.yaml`` claim in ``claims_dir`` (sorted by file name).

    Returns the good claims and the errors for the bad files; a bad file never stops the others.
    ``only`` restricts to those claim ids (an id with no file is an error).
    """
    root = Path(claims_dir) if claims_dir is not None else default_data_dir() / "claims"
    if not root.is_dir():
        raise UserError(f"--claims-dir: {root} is not a directory")
    if hardware_ids is None:
        hardware_ids = known_hardware_ids()
    wanted = set(only) if only is not None else None
    claims: list[Claim] = []
    errors: list[ClaimLoadError] = []
    seen: dict[str, Path] = {}
    files = sorted(list(root.glob("*.yaml")) + list(root.glob("*.yml")))
    for path in files:
        if wanted is not None and path.stem not in wanted:
            continue
        try:
            claim = load_claim(path, hardware_ids)
        except UserError as exc:
            errors.append(ClaimLoadError(path, str(exc)))
            continue
        if claim.id in seen:
            errors.append(
                ClaimLoadError(path, f"{path}: field id: duplicate of {seen[claim.id]}")
            )
            continue
        seen[claim.id] = path
        claims.append(claim)
    if wanted is not None:
        stems = {p.stem for p in files}
        for missing in sorted(wanted - stems):
            errors.append(
                ClaimLoadError(
                    root / f"{missing}.yaml",
                    f"--claim: no claim {missing!r} in {root}{did_you_mean(missing, stems)}",
                )
            )
    return claims, errors

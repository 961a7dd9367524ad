"""Load claim files (``data/claims/*.yaml``) into :class:`~claimbench.schema.claims.Claim` records.

A bad file is returned as a :class:`ClaimLoadError` beside the good claims: one broken file never
stops the others from being judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from claimbench.errors import UserError, did_you_mean
from claimbench.load.migrate import migrate_claim
from claimbench.load.paths import (
    default_data_dir,
    describe_layers,
    layered_files,
)
from claimbench.load.yamlio import read_yaml, validation_message
from claimbench.schema.base import Strict
from claimbench.schema.claims import Claim, expand_claim


class _AliasGroup(Strict):
    canonical: str
    equivalent: list[str]
    source: str


class _AliasFile(Strict):
    groups: list[_AliasGroup]


@dataclass(frozen=True)
class ClaimLoadError:
    """A claim file that could not be loaded: the path and the one-line message."""

    path: Path
    message: str


def known_hardware_ids(data_dir: Path | None = None) -> set[str]:
    """Hardware ids known to the registry: the file stems of ``<layer>/hardware/*.yaml`` over the data layers."""
    return set(layered_files("hardware", data_dir, suffixes=(".yaml",)))


def parse_claim(data: Any, path: Path, hardware_ids: set[str] | None = None) -> Claim:
    """Validate one claim mapping read from ``path``."""
    if not isinstance(data, dict):
        raise UserError(f"{path}: field (top level): expected a mapping of claim fields")
    data, _ = migrate_claim(data)
    try:
        claim = Claim.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{path}: {validation_message(exc)}") from None
    if claim.id != path.stem:
        raise UserError(f"{path}: field id: {claim.id!r} must equal the file name {path.stem!r}")
    if hardware_ids is not None:
        for field, hw in claim.hardware_ids():
            if hw not in hardware_ids:
                hint = did_you_mean(hw, hardware_ids) or (
                    f" (a chip the registry lacks: add hardware/{hw}.yaml to a data folder, --data-dir; "
                    "figures nobody publishes are null; see docs/formats/registry.md)"
                )
                raise UserError(f"{path}: field {field}: unknown hardware {hw!r}{hint}")
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
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Claim], list[ClaimLoadError]]:
    """Load every ``*.yaml`` claim in ``claims_dir`` (sorted by file name), or, without it, in
    ``claims/`` of every data layer (a user's claim file replaces a shipped one of the same name).

    Returns the good claims and the errors for the bad files; a bad file never stops the others.
    ``only`` restricts to those claim ids (an id with no file is an error). No claim file at all
    is a UserError: an empty claim set is never an empty success.
    """
    if claims_dir is not None:
        root = Path(claims_dir)
        if not root.is_dir():
            raise UserError(f"--claims-dir: {root} is not a directory")
        files = sorted(list(root.glob("*.yaml")) + list(root.glob("*.yml")))
        where = str(root)
    else:
        files = sorted(layered_files("claims").values(), key=lambda p: p.name)
        root = files[0].parent if files else Path("claims")
        where = describe_layers("claims")
    if not files:
        raise UserError(f"--claims-dir: no claim files (*.yaml) in {where}")
    if hardware_ids is None:
        hardware_ids = known_hardware_ids()
    wanted = set(only) if only is not None else None
    from claimbench.load.scenarios import apply_scenario, load_scenarios

    scenarios = load_scenarios()
    claims: list[Claim] = []
    errors: list[ClaimLoadError] = []
    seen: dict[str, Path] = {}
    for n_done, path in enumerate(files, 1):
        if progress is not None:
            progress(n_done, len(files))  # files read so far, of all (verify prints it on large sets)
        if wanted is not None and path.stem not in wanted:
            continue
        try:
            claim = load_claim(path, hardware_ids)
        except UserError as exc:
            errors.append(ClaimLoadError(path, str(exc)))
            continue
        for one in (apply_scenario(x, scenarios) for x in expand_claim(claim)):
            if one.id in seen:
                errors.append(ClaimLoadError(path, f"{path}: field id: {one.id!r} duplicates {seen[one.id]}"))
                continue
            seen[one.id] = path
            claims.append(one)
    if wanted is not None:
        stems = {p.stem for p in files}
        for missing in sorted(wanted - stems):
            errors.append(
                ClaimLoadError(
                    root / f"{missing}.yaml",
                    f"--claim: no claim {missing!r} in {where}{did_you_mean(missing, stems)}",
                )
            )
    return claims, errors


def load_model_equivalence(data_dir: Path | None = None) -> dict[str, str]:
    """Model id -> canonical id for models sharing one architecture (``data/aliases/models.yaml``).

    A missing file means no equivalences; a bad one is a UserError naming the file and field."""
    path = (data_dir or default_data_dir()) / "aliases" / "models.yaml"
    if not path.is_file():
        return {}
    data = read_yaml(path)
    try:
        parsed = _AliasFile.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{path}: {validation_message(exc)}") from None
    out: dict[str, str] = {}
    for g in parsed.groups:
        for m in [g.canonical, *g.equivalent]:
            out[m] = g.canonical
    return out

"""Load organisations (``data/orgs/*.yaml``) and index every name they publish under (files in, records out)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from claimbench.errors import UserError
from claimbench.load.paths import layered_files
from claimbench.load.yamlio import read_yaml, validation_message
from claimbench.schema.orgs import Org, legal_form_only, org_key

__all__ = ["load_org", "load_orgs", "org_index"]


def load_org(path: Path) -> Org:
    """One organisation file; a bad file is a one-line UserError naming it and the field."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: field (top level): expected a mapping of organisation fields")
    try:
        org = Org.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{path}: {validation_message(exc)}") from None
    if org.id != path.stem:
        raise UserError(f"{path}: field id: {org.id!r} must equal the file name {path.stem!r}")
    return org


def load_orgs(data_dir: Path | None = None) -> list[Org]:
    """Every organisation over the data layers (a higher layer's file replaces the shipped one)."""
    return [load_org(p) for p in layered_files("orgs", data_dir).values()]


def org_index(orgs: list[Org]) -> dict[str, str]:
    """Name key (:func:`claimbench.schema.orgs.org_key`) -> organisation id, for the id, name and aliases of each
    organisation and of its subsidiaries (a subsidiary resolves to its parent). Two organisations claiming one
    name is an error, and so is a name that is only a legal form ("Ltd.": an unquoted "X Co., Ltd." in a YAML
    flow list is split at its comma)."""
    out: dict[str, str] = {}
    for org in orgs:
        names = [org.id, org.name, *org.aliases]
        for sub in org.subsidiaries:
            names += [sub.id, sub.name, *sub.aliases]
        for name in names:
            if legal_form_only(name) or not org_key(name):
                raise UserError(
                    f"data/orgs/{org.id}.yaml: name {name!r} is no organisation name "
                    '(a name with a comma in a [a, b] list must be quoted: ["X Co., Ltd."])'
                )
            key = org_key(name)
            if key in out and out[key] != org.id:
                raise UserError(f"data/orgs/{org.id}.yaml: name {name!r} is already {out[key]!r}'s")
            out[key] = org.id
    return out

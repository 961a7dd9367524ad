"""Schema versions of claim and reference files: earlier versions load, migrated in memory with a one-line note.

Claim files: version 1 is every file without ``schema:`` (the shape before versions, including files
written before ``claimant`` and ``deployment.devices`` were required); version 2 adds ``schema:``,
``predicate.form``, ``predicates`` and ``Reading.value``, all optional. Migrating 1 -> 2 fills what
later versions require: a missing ``claimant`` is read from ``source.publisher`` (said so), a missing
condition is null and listed under ``unknown``, a deployment without ``devices`` has it null.

Reference files: version 1 is a file without ``schema:``; version 2 is the same shape with it.
Nothing is written back: the file stays as the user wrote it.
"""

from __future__ import annotations

from typing import Any

from claimbench.schema.claims import CLAIM_SCHEMA_VERSION, CONDITION_NAMES, MIGRATED_NOTE
from claimbench.schema.orgs import normal_name

__all__ = ["REFERENCE_SCHEMA_VERSION", "migrate_claim", "migrate_reference"]

REFERENCE_SCHEMA_VERSION = 2


def _claimant_from(data: dict[str, Any]) -> str:
    """A claimant id read from the source's publisher (first word), else ``unknown``."""
    source = data.get("source")
    publisher = source.get("publisher") if isinstance(source, dict) else None
    words = normal_name(str(publisher)).split() if publisher else []
    return words[0] if words else "unknown"


def _fill_conditions(data: dict[str, Any], changes: list[str]) -> None:
    """Missing conditions become null and unknown; a deployment without ``devices`` gets it null."""
    cond = data.get("conditions")
    if not isinstance(cond, dict):
        return
    cond = dict(cond)
    unknown = list(data.get("unknown") or [])
    for name in CONDITION_NAMES:
        if name not in cond:
            cond[name] = None
            if name not in unknown:
                unknown.append(name)
            changes.append(f"conditions.{name} missing: null (unknown)")
    dep = cond.get("deployment")
    if isinstance(dep, dict) and "devices" not in dep:
        cond["deployment"] = {**dep, "devices": None}
        changes.append("deployment.devices missing: null")
    data["conditions"] = cond
    data["unknown"] = unknown


def migrate_claim(data: Any) -> tuple[Any, str | None]:
    """``data`` in the current claim shape, and the one-line note saying what was migrated (None if current)."""
    if not isinstance(data, dict):
        return data, None
    version = data.get("schema", 1)
    if not isinstance(version, int) or version >= CLAIM_SCHEMA_VERSION:
        return data, None  # the current version, or a bad/future value the schema rejects by name
    out = dict(data)
    changes: list[str] = []
    if "claimant" not in out:
        out["claimant"] = _claimant_from(out)
        changes.append(f"claimant missing: read as {out['claimant']!r} from source.publisher")
    _fill_conditions(out, changes)
    out["schema"] = CLAIM_SCHEMA_VERSION
    note = f"{MIGRATED_NOTE} {version} to {CLAIM_SCHEMA_VERSION}" + (
        ": " + "; ".join(changes) if changes else " (same fields)"
    )
    out["notes"] = [*(out.get("notes") or []), note]
    return out, note


def migrate_reference(data: Any) -> tuple[Any, str | None]:
    """``data`` in the current reference shape, and the one-line migration note (None if current)."""
    if not isinstance(data, dict):
        return data, None
    version = data.get("schema", 1)
    if not isinstance(version, int) or version >= REFERENCE_SCHEMA_VERSION:
        return data, None
    note = f"migrated in memory from reference schema {version} to {REFERENCE_SCHEMA_VERSION} (same fields)"
    out = {**data, "schema": REFERENCE_SCHEMA_VERSION}
    return out, note

"""Organisations as data (``data/orgs/*.yaml``): names, aliases and subsidiaries, each relation sourced.

Corroboration resolves a claim's ``claimant`` and an evidence record's publisher through these
records: a subsidiary or brand (Huawei Cloud, Ascend) is its parent organisation (Huawei), so a
figure published by Huawei Cloud is *self-reported* for a Huawei claim.
"""

from __future__ import annotations

import re

from pydantic import ConfigDict, Field

from claimbench.schema.base import Strict

__all__ = [
    "LEGAL_FORMS",
    "ORG_SCHEMA_VERSION",
    "Org",
    "OrgSource",
    "Subsidiary",
    "legal_form_only",
    "normal_name",
    "org_key",
]

ORG_SCHEMA_VERSION = 1


class OrgSource(Strict):
    """Where a name or a relation is stated."""

    url: str
    date: str
    note: str | None = None


class Subsidiary(Strict):
    """A subsidiary, business unit or brand that publishes under its own name but is the parent organisation."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    aliases: list[str] = Field(default_factory=list)
    source: OrgSource


class Org(Strict):
    """One organisation: its id (what claims name as ``claimant``), names it publishes under, subsidiaries."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: int = Field(default=ORG_SCHEMA_VERSION, alias="schema", ge=1)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    aliases: list[str] = Field(default_factory=list)
    subsidiaries: list[Subsidiary] = Field(default_factory=list)
    source: OrgSource
    note: str | None = None


def normal_name(name: str) -> str:
    """A publisher name compared case- and punctuation-insensitively, parenthetical remarks dropped."""
    name = re.sub(r"\(.*?\)", " ", name.lower())
    return " ".join(re.findall(r"[a-z0-9]+", name))


LEGAL_FORMS = frozenset(
    [
        "co",
        "ltd",
        "inc",
        "corp",
        "corporation",
        "company",
        "limited",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "kk",
        "pte",
        "bv",
        "nv",
        "srl",
        "spa",
        "incorporated",
    ]
)
"""Words of a company's legal form: "Huawei Technologies Co., Ltd." and "Huawei Technologies" are one name."""


def legal_form_only(name: str) -> bool:
    """Whether a name is nothing but legal-form words ("Ltd.", "Co."): a fragment, never an organisation."""
    words = normal_name(name).split()
    return bool(words) and all(w in LEGAL_FORMS for w in words)


def org_key(name: str) -> str:
    """The key an organisation name is looked up by: :func:`normal_name`, trailing legal-form words dropped,
    spaces removed ("Huawei Cloud", "huaweicloud" and "HUAWEI CLOUD Co., Ltd." are one key)."""
    words = normal_name(name).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return "".join(words)

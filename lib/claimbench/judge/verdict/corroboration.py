"""Corroboration from provenance (pure): how far the records that decided a reading are from the claimant.

Labels, weakest first (:data:`claimbench.judge.verdict.types.CORROBORATION`):

* ``unattributed`` — an imported file of unknown producer (``unattributed-file``);
* ``self-reported`` — published by the claimant's own organisation (aliases and subsidiaries
  resolved through ``data/orgs``: Huawei Cloud and Ascend are Huawei), or taken from the claim's own
  source document (the same URL), whoever re-published it;
* ``independent`` — published by another organisation;
* ``peer-reviewed`` — another organisation's submission reviewed by peers (MLPerf closed division);
* ``measured-here`` — a claimbench run bundle.

A record without :class:`~claimbench.schema.provenance.Provenance` (hand-built in tests, older
importers) is read from ``kind`` and ``reported_by``: a run bundle is measured here, a peer file
without a publisher is unattributed, else a publication by ``reported_by``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from claimbench.schema.claims import Claim
from claimbench.schema.evidence import Evidence
from claimbench.schema.orgs import legal_form_only, org_key
from claimbench.schema.provenance import Provenance

__all__ = ["Claimant", "corroboration_of", "provenance_of", "publisher_orgs"]


@dataclass(frozen=True)
class Claimant:
    """Who a reading's evidence is judged against: the claim (its claimant and own documents) and the
    organisation index (normalised name -> id, :func:`claimbench.load.orgs.org_index`)."""

    claim: Claim
    orgs: Mapping[str, str] | None = None


_LABEL: dict[str | None, str] = {
    "unattributed": "unattributed (an imported file whose producer is not known)",
    "self-reported": "self-reported only (the claimant's own publications or its own source document)",
    "independent": "independent (another organisation's publication)",
    "peer-reviewed": "peer-reviewed submission by another organisation (MLPerf closed division)",
    "measured-here": "measured here (claimbench run bundles)",
}
_ORDER = ("unattributed", "self-reported", "independent", "peer-reviewed", "measured-here")
_PEER_FILE = ("vllm_bench", "guidellm", "aiperf")


_ORGS_OF: dict[tuple[str, int], tuple[Mapping[str, str] | None, frozenset[str]]] = {}
"""publisher_orgs answers by (publisher, id(orgs)); an entry holds its ``orgs`` so a hit is that very mapping."""
_PROVENANCE_OF: dict[int, tuple[Evidence, Provenance]] = {}
"""provenance_of answers by record identity (every claim reads the same records); the entry holds the record."""
_CACHE_MAX = 65536


def publisher_orgs(publisher: str | None, orgs: Mapping[str, str] | None) -> frozenset[str]:
    """Organisation ids a publisher string names, resolved through ``orgs`` (:func:`org_key` -> id): the whole
    name first ("Huawei Technologies Co., Ltd."), else each part of a joint publisher ("LMSYS / Ant Group",
    MLPerf's "AMD_MangoBoost"); a name that starts with a known organisation's name is that organisation
    ("Huawei Ascend team"); an unknown name stands for itself. Legal-form fragments ("Ltd.") name nobody."""
    if not publisher:
        return frozenset()
    hit = _ORGS_OF.get((publisher, id(orgs)))
    if hit is not None and hit[0] is orgs:
        return hit[1]
    if len(_ORGS_OF) >= _CACHE_MAX:
        _ORGS_OF.clear()
    found = _publisher_orgs(publisher, orgs)
    _ORGS_OF[(publisher, id(orgs))] = (orgs, found)
    return found


def _known(name: str, index: Mapping[str, str], prefix: bool = True) -> str | None:
    """The organisation ``name`` is, or (``prefix``) starts with: whole words, the longest known prefix."""
    key = org_key(name)
    if key in index:
        return index[key]
    words = name.split() if prefix else []
    for n in range(len(words) - 1, 0, -1):
        hit = index.get(org_key(" ".join(words[:n])))
        if hit is not None:
            return hit
    return None


def _part_orgs(part: str, index: Mapping[str, str]) -> set[str]:
    """The organisations of one part of a publisher string."""
    exact = _known(part.replace("_", " "), index, prefix=False)
    if exact is not None:
        return {exact}
    members = [m for m in part.split("_") if org_key(m)]
    joint = [_known(m, index, prefix=False) for m in members] if len(members) > 1 else []
    if any(joint):  # MLPerf joins joint submitters with "_": AMD_MangoBoost is AMD and MangoBoost
        return {j or org_key(m) for j, m in zip(joint, members)}
    hit = _known(part.replace("_", " "), index)
    if hit is not None:
        return {hit}
    # unknown: "Orrick_Industries_LLC" is one company, "Dell_Broadcom" two; both readings are kept, so a claim
    # by any member is never judged against its own submission as another organisation's
    return {org_key(part), *(org_key(m) for m in members if not legal_form_only(m))}


def _publisher_orgs(publisher: str, orgs: Mapping[str, str] | None) -> frozenset[str]:
    """:func:`publisher_orgs` computed."""
    index = orgs or {}
    text = re.sub(r"\(.*?\)", " ", publisher)
    whole = _known(text.replace("_", " "), index, prefix=False)
    if whole is not None:
        return frozenset({whole})
    out: set[str] = set()
    for part in re.split(r"\s*(?:/|&|\+|,| and )\s*", text):
        if org_key(part) and not legal_form_only(part):
            out |= _part_orgs(part, index)
    return frozenset(out)


def provenance_of(ev: Evidence) -> Provenance:
    """The record's provenance, or the one its kind and ``reported_by`` imply when it carries none."""
    if ev.provenance is not None:
        return ev.provenance
    hit = _PROVENANCE_OF.get(id(ev))
    if hit is not None and hit[0] is ev:
        return hit[1]
    if len(_PROVENANCE_OF) >= _CACHE_MAX:
        _PROVENANCE_OF.clear()
    prov = _implied_provenance(ev)
    _PROVENANCE_OF[id(ev)] = (ev, prov)
    return prov


def _implied_provenance(ev: Evidence) -> Provenance:
    """The provenance a record without one implies (its kind and ``reported_by``)."""
    if ev.kind == "run_bundle":
        return Provenance(origin="measured-here", publisher="claimbench", document=ev.path)
    if ev.kind in _PEER_FILE and ev.reported_by in (None, "peer file"):
        return Provenance(origin="unattributed-file", document=ev.path)
    return Provenance(origin="publication", publisher=ev.reported_by, document=ev.source.url if ev.source else ev.path)


def _claim_documents(claim: Claim | None) -> set[str]:
    """URLs of the claim's own source and of its re-reports."""
    if claim is None:
        return set()
    return {claim.source.url, *(p.url for p in claim.also_reported)}


def corroboration_of(
    ev: Evidence, claimant: str | Claim | Claimant | None, orgs: Mapping[str, str] | None = None
) -> str:
    """The record's corroboration against the claim (or a bare claimant id): see the module doc."""
    claim: Claim | None = None
    if isinstance(claimant, Claimant):
        claim, orgs = claimant.claim, claimant.orgs
    elif isinstance(claimant, Claim):
        claim = claimant
    claimant_id = claim.claimant if claim is not None else (claimant if isinstance(claimant, str) else None)
    prov = provenance_of(ev)
    if prov.origin == "measured-here":
        return "measured-here"
    if prov.origin == "unattributed-file":
        return "unattributed"
    if prov.document and prov.document in _claim_documents(claim):
        return "self-reported"
    mine = publisher_orgs(claimant_id, orgs) if claimant_id else frozenset()
    if mine & publisher_orgs(prov.publisher or ev.reported_by, orgs):
        return "self-reported"
    return "peer-reviewed" if prov.origin == "peer-reviewed-submission" else "independent"


def _strongest(labels: Iterable[str | None]) -> str | None:
    """The strongest label among ``labels`` (None when there is none)."""
    known = [x for x in labels if x]
    return max(known, key=_ORDER.index) if known else None


def _weakest(labels: Iterable[str | None]) -> str | None:
    """The weakest label among ``labels`` (None when there is none)."""
    known = [x for x in labels if x]
    return min(known, key=_ORDER.index) if known else None

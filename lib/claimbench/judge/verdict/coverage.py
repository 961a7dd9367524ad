"""The coverage form: a claim that a platform serves a list of model families (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from claimbench.judge.matching import (
    match,
)
from claimbench.judge.verdict.conditions import _use
from claimbench.judge.verdict.corroboration import Claimant, _strongest, _weakest
from claimbench.judge.verdict.explain import (
    _base,
    _caveats,
    _empty,
)
from claimbench.judge.verdict.types import (
    Verdict,
)
from claimbench.schema.claims import Claim, ResolvedReading
from claimbench.schema.evidence import Evidence


def _judge_coverage(
    claim: Claim, r: ResolvedReading, evidence: Sequence[Evidence], hardware, equivalent, orgs=None
) -> Verdict:
    """The coverage form: which of the claimed model families the platform's listings name."""
    # judge_claim sends only models_supported predicates here, whose value the schema makes a list
    assert claim.predicate is not None and isinstance(claim.predicate.value, list)
    fams = [str(f).lower() for f in claim.predicate.value]
    covered: dict[str, list[str]] = {f: [] for f in fams}
    used, aside = [], []
    for ev in evidence:
        if ev.kind != "coverage":
            continue
        m = match(r.conditions, r.basis, ev, hardware, equivalent=equivalent)
        if not m.comparable:
            aside.append(_use(ev, m, Claimant(claim, orgs)))
            continue
        for f in fams:
            for model in ev.models_supported or []:
                if model.lower().startswith(f):
                    covered[f].append(f"{model} ({ev.id})")
        used.append(_use(ev, m, Claimant(claim, orgs), notes=(f"lists: {', '.join(ev.models_supported or [])}",)))
    missing = [f for f, v in covered.items() if not v]
    notes = tuple(f"{f}: " + ("; ".join(v) if v else "no evidence found") for f, v in covered.items())
    if not used:
        verdict = "NOT-COMPARABLE" if aside else "INCONCLUSIVE"
    else:
        verdict = "SUPPORTED" if not missing else "INCONCLUSIVE"
    extra = () if not missing else ("absence from a published list is not a refutation",)
    n_cov = len(fams) - len(missing)
    # corroboration per family: the strongest source listing it; the claim's: the weakest family
    by_id = {u.evidence_id: u.corroboration for u in used}
    fam_corr = [_strongest(by_id.get(x.rsplit("(", 1)[1].rstrip(")")) for x in v) for v in covered.values() if v]
    corr = _weakest(fam_corr) if used else None
    self_only = [
        f
        for f, v in covered.items()
        if v and _strongest(by_id.get(x.rsplit("(", 1)[1].rstrip(")")) for x in v) == "self-reported"
    ]
    hints: list[str] = []
    if self_only:
        hints.append(
            "An independent listing or a run of " + ", ".join(self_only) + " on the claimed hardware: today only the "
            "claimant's own publication lists it."
        )
    for f in missing:
        hints.append(
            f"A published list or a run showing a {f} model served on {r.conditions.hardware or 'the platform'}."
        )
    if used and not self_only and not missing:
        hw = r.conditions.hardware or "<id>"
        hints.append(
            "Decided on listings (what a platform documents as supported), not on a served model: a claimbench "
            f"run of each family on {hw} (`claimbench measure --engine serve --model <id> --hardware {hw}`) "
            "would make it measured here."
        )
    why = (
        f"{n_cov} of {len(fams)} model families are listed as supported on {r.conditions.hardware}"
        + (f"; {', '.join(self_only)} only by the claimant itself" if self_only else "")
        + (f"; not found: {', '.join(missing)}" if missing else "")
        + "."
    )
    return Verdict(
        **_base(claim, r),
        **_empty(
            verdict=verdict,
            observed=float(n_cov) if verdict in ("SUPPORTED", "INCONCLUSIVE") and used else None,
            margin_rel=(n_cov / len(fams) - 1.0) if used else None,
            evidence_used=tuple(used),
            evidence_set_aside=tuple(aside),
            conditions=used[0].comparisons if used else (),
            notes=notes + extra,
            read_method="model families matched by id prefix in each record's list",
        ),
        corroboration=corr,
        why=why,
        what_would_decide=tuple(hints),
        caveats=_caveats(used),
    )

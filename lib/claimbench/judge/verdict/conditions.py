"""Condition matching: which evidence records a reading may use, on the reading's basis (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from claimbench.judge.matching import (
    HardwareLike,
    MatchResult,
    convert,
    match,
)
from claimbench.judge.verdict.accuracy import parity_read
from claimbench.judge.verdict.corroboration import Claimant, corroboration_of
from claimbench.judge.verdict.derived import NO_POWER_TEXT, _apply, _Transform, record_view
from claimbench.judge.verdict.explain import (
    _metric_unit,
)
from claimbench.judge.verdict.index import near
from claimbench.judge.verdict.intervals import (
    _percentile_interval,
)
from claimbench.judge.verdict.reading import _read
from claimbench.judge.verdict.types import (
    _BASIS_FREE,
    BRIDGEABLE,
    Bridge,
    EvidenceUse,
    ReadOut,
    VerdictConfig,
)
from claimbench.schema.claims import Basis, ClaimConditions
from claimbench.schema.evidence import MEASURED_KINDS, Evidence


def _rank(ev: Evidence, m: MatchResult) -> tuple[int, int, int]:
    return (m.n_differs, int(ev.secondary), int(ev.derived))


def _use(ev: Evidence, m: MatchResult, claimant: str | Claimant | None = None, **kw) -> EvidenceUse:
    if ev.status is not None and ev.status != "complete":
        flag = f"flagged: run status {ev.status!r}, not 'complete' (its completed levels are used)"
        kw["notes"] = (flag,) + tuple(kw.get("notes") or ())
    return EvidenceUse(
        evidence_id=ev.id,
        kind=ev.kind,
        title=ev.title,
        source_url=ev.source.url if ev.source else ev.path,
        secondary=ev.secondary,
        derived=ev.derived,
        reported_by=ev.reported_by,
        comparable=m.comparable,
        reasons=m.reasons,
        comparisons=m.comparisons,
        conversion=m.conversion.explanation if m.conversion and m.conversion.factor != 1.0 else None,
        rank=_rank(ev, m),
        corroboration=corroboration_of(ev, claimant),
        caveats=tuple(n for n in ev.notes if n),
        **kw,
    )


def _gather(
    conditions: ClaimConditions,
    basis: Basis | None,
    metric: str,
    evidence: Sequence[Evidence],
    hardware: Mapping[str, HardwareLike],
    cfg: VerdictConfig,
    claimant: str | Claimant | None = None,
    equivalent: Mapping[str, str] | None = None,
    tf: _Transform | None = None,
    bridge: Bridge | None = None,
) -> tuple[list[EvidenceUse], list[EvidenceUse]]:
    """Comparable uses (with values on the claim's basis) and set-aside ones.

    A record whose only binding differences are its lengths is *bridged* when ``bridge`` can carry
    it to the reading's lengths: its value is scaled by the roofline factor, its interval widened to
    cover both the unbridged and the bridged value, and it ranks after every unbridged record."""
    tf = tf or _Transform(metric, lambda v: v, False, "", False)
    base = tf.base_metric
    used, aside = [], []
    pool, _ = near(evidence, conditions.hardware, conditions.model)
    for ev in pool:
        if ev.kind == "coverage":
            continue
        target: Basis | None = "card" if tf.per_card else (ev.basis if base in _BASIS_FREE else basis)
        m = match(conditions, target, ev, hardware, metric=base, equivalent=equivalent)
        bridged: tuple[float, str] | None = None
        if not m.comparable and bridge is not None and base == "output_tok_per_s" and tf.text == "":
            diffs = [c for c in m.comparisons if c.binding and c.status == "differs"]
            if diffs and all(c.name in BRIDGEABLE for c in diffs):
                bridged = bridge(conditions, ev)
                if bridged is not None:
                    m = replace(m, comparable=True, reasons=())
        if not m.comparable:
            aside.append(_use(ev, m, claimant))
            continue
        ev_read, tf_read = record_view(tf, ev)  # per W: measured power where the record has it
        if ev_read is None:
            aside.append(_use(ev, m, claimant, notes=(NO_POWER_TEXT,)))
            continue
        ro, why = _read(ev_read, base, conditions, cfg)
        if ro is None:
            aside.append(_use(ev, m, claimant, notes=(why or "",)))
            continue
        ro, penalty, acc_notes = parity_read(conditions.accuracy_parity, ev, base, ro)
        f = m.conversion.factor if (m.conversion and base not in _BASIS_FREE) else 1.0
        conv_text = None
        if f != 1.0:
            conv, _ = convert(
                ro.value,
                ev.basis,
                target or "card",
                ev.conditions.hardware or conditions.hardware,
                hardware,
                ev.packages,
                _metric_unit(base),
            )
            assert m.conversion is not None  # f != 1.0 comes only from m.conversion
            conv_text = conv.explanation if conv is not None else m.conversion.explanation
        value, ro2 = _apply(tf_read, ro, f)
        interval = ro2.interval
        if ro2.replicates:
            interval = _percentile_interval(ro2.replicates, cfg)
        notes = tuple(m.notes) + acc_notes
        if bridged is not None:
            factor, text = bridged
            lo, hi = interval if interval is not None else (value, value)
            interval = (min(lo, lo * factor), max(hi, hi * factor))
            imethod = (ro2.interval_method + "; " if ro2.interval_method else "") + (
                f"widened to cover the unbridged and the bridged value (x {factor:.3g})"
            )
            value = value * factor
            ro2 = replace(ro2, value=value, replicates=None, interval=interval, interval_method=imethod)
            ro2 = replace(ro2, method=f"{ro2.method}; bridged: {text}")
            notes = tuple(notes) + (f"bridged, not matched: {text}",)
            conv_text = "; ".join(x for x in (conv_text, f"bridged: {text}") if x)
        use = _use(ev, m, claimant, observed=value, read=ro2, interval=interval, notes=notes)
        use = replace(use, rank=(use.rank[0] + penalty, use.rank[1], use.rank[2]))
        if bridged is not None:
            n_bridged = sum(1 for c in m.comparisons if c.binding and c.status == "differs")
            use = replace(use, rank=(use.rank[0] + 10 * n_bridged, use.rank[1], use.rank[2]))
        if conv_text is not None:
            use = replace(use, conversion=conv_text)
        used.append(use)
    used.sort(key=lambda u: u.rank)
    return used, aside


def _read_of(u: EvidenceUse) -> ReadOut:
    """The read of a use :func:`_gather` returned as comparable (it sets ``read`` on every one)."""
    assert u.read is not None
    return u.read


def _observed_of(u: EvidenceUse) -> float:
    """The observed value of a use :func:`_gather` returned as comparable (it sets ``observed`` on every one)."""
    assert u.observed is not None
    return u.observed


def _repeat_groups(uses: list[EvidenceUse], evidence_by_id: Mapping[str, Evidence]) -> list[list[EvidenceUse]]:
    groups: dict[tuple, list[EvidenceUse]] = {}
    for u in uses:
        ev = evidence_by_id[u.evidence_id]
        key = (ev.kind in MEASURED_KINDS, ev.conditions.model_dump_json(), u.read.kind if u.read else None)
        if not key[0]:
            key = (False, u.evidence_id, None)
        groups.setdefault(key, []).append(u)
    return list(groups.values())

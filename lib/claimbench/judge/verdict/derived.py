"""Derived metrics: per user, per W, per $ from what the evidence reports (pure).

Per W (``output_tok_per_j``): a record whose throughput levels each carry the power its
accelerators were measured to draw (``LoadPoint.power_w_per_package``, e.g. InferenceX's API rows)
is read as tokens/s ÷ that measured power, level by level (:func:`record_view`); only a record
without measured power falls back to the chip's TDP (``tdp_w`` of data/hardware). A TDP is an
upper bound of the power drawn, so tokens/s/W from it is a lower bound, and the reading says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from claimbench.analyze.metrics import interactivity_tok_per_s
from claimbench.judge.verdict.algebra import reciprocal
from claimbench.judge.verdict.index import near
from claimbench.judge.verdict.types import (
    _PER_CARD_DERIVED,
    ReadOut,
)
from claimbench.schema.evidence import Evidence
from claimbench.schema.hardware import PriceTable


# ----------------------------------------------------------------------------------------------
# derived metrics: per user, per W, per $
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Transform:
    base_metric: str
    fn: Callable[[float], float]
    decreasing: bool
    text: str
    per_card: bool
    per_w_tdp: float | None = None
    """For a per-W reading: the TDP the transform divides by (records with measured power use theirs)."""
    per_w: bool = False
    """A per-W reading (with or without a TDP to fall back on)."""
    alt_fn: Callable[[float], float] | None = None
    """For a per-$ reading with several listed prices: the same transform at the highest one (the reading's
    interval spans both, so a claim that holds at one listed price and fails at another is INCONCLUSIVE)."""
    alt_text: str = ""


TDP_BOUND_TEXT = "a TDP is an upper bound of the power drawn, so tokens/s/W from it is a lower bound"


class PriceQuote(float):
    """An hourly price per package that says where it comes from (provider, offering, date, source URL);
    a plain float works too, and is then reported as a price of unstated source. ``highest`` is the highest
    price listed for the same chip (None when only one is listed), with its own ``highest_source``."""

    source: str
    highest: PriceQuote | None

    def __new__(cls, value: float, source: str = "", highest: PriceQuote | None = None) -> PriceQuote:
        """A price ``value`` in USD per package-hour, quoted from ``source``."""
        obj = super().__new__(cls, value)
        obj.source = source
        obj.highest = highest if highest is not None and float(highest) > value else None
        return obj


_INTERRUPTIBLE = ("spot", "interruptible", "preemptible")


def lowest_price_quotes(tables: Iterable[PriceTable]) -> dict[str, PriceQuote]:
    """The lowest listed price per package-hour of each chip (the most favourable to a per-$ claim), with the
    highest listed one beside it, each quoted with its provider, offering, date and source: the one price
    table verdicts and the report's frontier use. A spot (interruptible) price is no price of a service that
    can be relied on: it is used only for a chip with no other listed price."""
    listed: dict[str, list[tuple[float, str, bool]]] = {}
    for table in tables:
        urls = {src.id: src.url or src.citation or src.id for src in table.sources}
        for entry in table.prices:
            where = f"{entry.provider}, {entry.offering}, {entry.date}, {urls.get(entry.source, entry.source)}"
            spot = any(w in entry.offering.lower() for w in _INTERRUPTIBLE)
            listed.setdefault(entry.hardware, []).append((entry.usd_per_package_hour, where, spot))
    prices: dict[str, PriceQuote] = {}
    for hw, quotes in listed.items():
        usable = [q for q in quotes if not q[2]] or quotes
        lo, hi = min(usable), max(usable)
        prices[hw] = PriceQuote(lo[0], lo[1], PriceQuote(hi[0], hi[1]) if hi[0] > lo[0] else None)
    return prices


def _price_text(price: float) -> str:
    """The price with its provenance, for the reading's method and differences."""
    src = getattr(price, "source", "") or "source not given"
    return f"{price:g} USD/h ({src})"


def _transform(metric: str, hw_id: str | None, hardware, prices: Mapping[str, float]) -> tuple[_Transform | None, str]:
    """How a derived metric comes from what evidence reports, or (None, the missing figure)."""
    if metric == "output_tok_per_s_per_user":
        tf = _Transform(
            "tpot_mean_ms",
            interactivity_tok_per_s,  # type: ignore[arg-type]  # None for a TPOT <= 0 (evidence allows it), as before
            True,
            "1000 / mean TPOT",
            False,
        )
        return tf, ""
    if metric not in _PER_CARD_DERIVED:
        return _Transform(metric, lambda v: v, False, "", False), ""
    if hw_id is None:
        return None, "the chip (hardware), needed for its power or price"
    if metric == "output_tok_per_j":
        tdp = getattr(hardware.get(hw_id), "tdp_w", None)
        if tdp is None:
            return None, f"the board power (tdp_w) of {hw_id}: no source gives it (data/hardware/{hw_id}.yaml)"
        return _Transform(
            "output_tok_per_s",
            lambda v: v / tdp,
            False,
            f"÷ {tdp:g} W TDP of {hw_id} (data/hardware/{hw_id}.yaml; no measured power: {TDP_BOUND_TEXT})",
            True,
            per_w_tdp=tdp,
            per_w=True,
        ), ""
    price = prices.get(hw_id)
    if price is None:
        return None, f"an hourly price of one {hw_id} package (usd_per_package_hour): data/prices has none"
    high = getattr(price, "highest", None)
    span = (
        f"; the interval spans the listed prices, up to {_price_text(high)}: the claim names no price"
        if high is not None
        else ""
    )
    if metric == "output_tok_per_usd":
        tf = _Transform("output_tok_per_s", lambda v: v * 3600 / price, False, f"× 3600 / {_price_text(price)}", True)
        alt = (lambda v: v * 3600 / high) if high is not None else None
    else:
        tf = _Transform(
            "output_tok_per_s", lambda v: price / (3600 * v) * 1e6, True, f"{_price_text(price)} ÷ tokens", True
        )
        alt = (lambda v: high / (3600 * v) * 1e6) if high is not None else None
    return replace(tf, alt_fn=alt, alt_text=span), ""


def _apply(tf: _Transform, ro: ReadOut, factor: float) -> tuple[float, ReadOut]:
    """Scale a read by a basis factor, then apply a derived-metric transform (flipping bounds when
    the transform decreases)."""

    def f(v: float) -> float:
        return tf.fn(v * factor)

    value = f(ro.value)
    reps = tuple(f(r) for r in ro.replicates) if ro.replicates else None
    interval = None
    if ro.interval is not None:
        a, b = f(ro.interval[0]), f(ro.interval[1])
        interval = (min(a, b), max(a, b))
    imethod = ro.interval_method
    if tf.alt_fn is not None:  # the same read at the highest listed price: the interval covers both prices
        alt = tf.alt_fn
        ends = [alt(v * factor) for v in (ro.interval or (ro.value, ro.value))]
        lo, hi = interval or (value, value)
        interval = (min(lo, *ends), max(hi, *ends))
        imethod = (imethod + "; " if imethod else "") + tf.alt_text.lstrip("; ")
    kind = reciprocal(ro.kind) if tf.decreasing else ro.kind
    if tf.per_w_tdp is not None and kind in ("point", "interpolated"):
        kind = "lower_bound"  # tokens/s ÷ TDP: the power drawn is at most the TDP
    method = ro.method + (f"; then {tf.text}" if tf.text else "") + tf.alt_text
    return value, ReadOut(value, kind, ro.bracket, ro.latency_field, method, reps, interval, imethod)


def _measured(ev: Evidence) -> bool:
    """Every level with a throughput also states the power its packages were measured to draw."""
    pts = [p for p in ev.points if p.output_tok_per_s is not None]
    return bool(pts) and all(p.power_w_per_package for p in pts)


def _per_watt_point(p):
    """A level's throughput and its stated precision divided by its measured power per package."""
    if p.output_tok_per_s is None or not p.power_w_per_package:
        return p
    w = p.power_w_per_package
    pm = p.throughput_pm / w if p.throughput_pm is not None else None
    # per-request samples are of tokens/s, not of tokens/s/W: the reading keeps no bootstrap of them
    return p.model_copy(update={"output_tok_per_s": p.output_tok_per_s / w, "throughput_pm": pm, "samples": None})


def transform_for(
    metric: str, hw_id: str | None, hardware, prices: Mapping[str, float], evidence: Iterable[Evidence]
) -> tuple[_Transform | None, str]:
    """:func:`_transform`, except that a per-W reading of a chip with no TDP is still read from the records of
    that chip that state measured power (the others are set aside by :func:`record_view`)."""
    tf, missing = _transform(metric, hw_id, hardware, prices)
    if tf is not None or metric != "output_tok_per_j" or hw_id is None:
        return tf, missing
    if not any(ev.conditions.hardware == hw_id and _measured(ev) for ev in near(evidence, hw_id, None)[0]):
        return None, missing
    text = f"÷ the power per package measured at each level ({hw_id} has no TDP to fall back on)"
    return _Transform("output_tok_per_s", lambda v: v, False, text, True, per_w=True), ""


NO_POWER_TEXT = "no measured power on its levels and no TDP of the chip: its tokens per joule cannot be read"


def record_view(tf: _Transform, ev: Evidence) -> tuple[Evidence | None, _Transform]:
    """The record and transform one evidence record is read with (None: it cannot be read on this metric).

    A per-W reading of a record with measured power on its levels reads tokens/s ÷ measured W per
    package level by level (a basis conversion then scales the tokens only, as the power is per
    package); every other reading, and a record without measured power, is read as the transform says
    (per W without a TDP to fall back on: not at all, see :data:`NO_POWER_TEXT`).
    """
    if not tf.per_w:
        return ev, tf
    if not _measured(ev):
        return (ev, tf) if tf.per_w_tdp is not None else (None, tf)
    who = ev.provenance.publisher if ev.provenance is not None and ev.provenance.publisher else ev.reported_by
    text = "÷ the power per package measured at each level" + (f" (measured by {who})" if who else "") + ", not the TDP"
    view = ev.model_copy(update={"points": [_per_watt_point(p) for p in ev.points]})
    return view, _Transform("output_tok_per_s", lambda v: v, False, text, True)

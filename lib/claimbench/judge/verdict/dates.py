"""Dates of claims and evidence, ordered (pure).

A date as sources give it is partial ("2026", "2026-04", "2026-04-01") or, for a figure whose date is only
bounded, a range ("2026-04-01..2026-12-07"; "2026-04-01<..2026-12-07": after the first, by the second). Each
is a span of days (earliest, latest); two spans are ordered only when one lies wholly on one side of the
other: a figure published in April 2026 is not known to be after a claim dated 2026-04-15.

An evidence record's date: ``provenance.published`` when given (the MLPerf library: the round's publication
date, data/mlperf/rounds.yaml), else its source's date when that reads as one; else unknown.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

from claimbench.schema.evidence import Evidence

__all__ = ["Order", "Span", "describe", "evidence_date", "order", "span_of"]

Span = tuple[dt.date, dt.date]
Order = Literal["not-after", "after", "unknown"]

_ONE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _one(text: str) -> Span | None:
    m = _ONE.match(text.strip())
    if not m:
        return None
    y, mo, d = int(m[1]), m[2], m[3]
    try:
        if mo is None:
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if d is None:
            return dt.date(y, int(mo), 1), dt.date(y, int(mo), calendar.monthrange(y, int(mo))[1])
        day = dt.date(y, int(mo), int(d))
    except ValueError:
        return None
    return day, day


def span_of(text: str | None) -> Span | None:
    """The days a date as given may denote, or None when it is not a date."""
    if not text:
        return None
    text = str(text).strip()
    if ".." in text:
        lo_t, hi_t = text.split("..", 1)
        after = lo_t.endswith("<")
        lo, hi = _one(lo_t.rstrip("<")), _one(hi_t)
        if lo is None or hi is None:
            return None
        start = lo[1] + dt.timedelta(days=1) if after else lo[0]
        return (start, hi[1]) if start <= hi[1] else None
    return _one(text)


def evidence_date(ev: Evidence) -> str | None:
    """The date a record was published, as given (``provenance.published``, else the source's date), or None."""
    pub = ev.provenance.published if ev.provenance is not None else None
    if pub and span_of(pub) is not None:
        return pub
    src = ev.source.date if ev.source is not None else None
    return src if span_of(src) is not None else None


def order(evidence: str | None, claim: str | None) -> Order:
    """Whether a figure dated ``evidence`` was published after a claim dated ``claim``: ``after``,
    ``not-after`` (on or before its date), or ``unknown`` (either date unknown, or the spans overlap)."""
    e, c = span_of(evidence), span_of(claim)
    if e is None or c is None:
        return "unknown"
    if e[0] > c[1]:
        return "after"
    if e[1] <= c[0]:
        return "not-after"
    return "unknown"


def describe(text: str | None) -> str:
    """A date as given, in words: ``2026-04-01``, ``after 2026-04-01 and by 2026-12-07``, ``on an unknown date``."""
    if not text or span_of(text) is None:
        return "on an unknown date"
    if ".." not in text:
        return text
    lo, hi = text.split("..", 1)
    return f"after {lo[:-1]} and by {hi}" if lo.endswith("<") else f"between {lo} and {hi}"

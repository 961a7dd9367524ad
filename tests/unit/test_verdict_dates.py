"""Dates of claims and evidence ordered as spans of days: partial dates and bounded ranges."""

from verdict_builders import evidence

from claimbench.judge.verdict.dates import describe, evidence_date, order, span_of
from claimbench.schema.provenance import Provenance


def test_a_month_spans_its_days_and_a_range_after_a_date_starts_the_next_day():
    assert [str(d) for d in span_of("2026-02")] == ["2026-02-01", "2026-02-28"]
    assert [str(d) for d in span_of("2026-04-01<..2026-12-07")] == ["2026-04-02", "2026-12-07"]
    assert span_of("v6.1") is None and span_of("2026-13") is None


def test_dates_are_ordered_only_when_one_span_lies_wholly_on_one_side():
    assert order("2026-04-01<..2026-12-07", "2026-04-01") == "after"
    assert order("2026-04-01", "2026-04-01") == "not-after"  # published the same day: it existed
    assert order("2026-04", "2026-04-15") == "unknown"
    assert order("2025-09-09", "2026") == "not-after"
    assert order(None, "2026-04-01") == "unknown" and order("2025", "v6.0") == "unknown"


def test_a_records_date_is_its_provenance_publication_date_before_its_sources_round_name():
    prov = Provenance(origin="peer-reviewed-submission", published="2026-04-01")
    src = {"url": "u", "date": "v6.0", "quote": "q"}
    assert evidence_date(evidence("e", thr=1.0, provenance=prov, source=src)) == "2026-04-01"
    assert evidence_date(evidence("e", thr=1.0, source=src)) is None  # a round name is not a date
    assert describe("2026-04-01<..2026-12-07") == "after 2026-04-01 and by 2026-12-07"

"""data/mlperf/rounds.yaml: each MLPerf round's publication date, sourced or bounded, never guessed."""

from claimbench.load.mlperf_library import load_rounds


def test_every_round_date_has_a_source_and_an_unsourced_round_is_only_bounded_by_the_round_it_follows():
    rounds = load_rounds()
    for name, r in rounds.rounds.items():
        assert (r.published is None) == (r.source is None), name
    assert rounds.published("v6.0") == "2026-04-01"
    assert rounds.published("v6.1") == "2026-04-01<..2026-12-07"  # after v6.0's, by the snapshot's reading
    assert rounds.published("v9.9") is None

"""The scorecard and claim cards: every claim and reading with a verdict badge, escaped, new keys
rendered when present and a graceful fallback when absent."""

import re

from claimbench.report.scorecard import (
    anchor,
    badge,
    claim_card_html,
    headline_badge,
    link,
    one_sentence,
    predicate_words,
    scorecard_html,
    scorecard_rows,
    why_text,
)


def reading(**kw):
    base = {
        "reading": "as-worded",
        "reading_label": "as worded by the source",
        "predicate": "output_tok_per_s >= 2400 tok/s per card",
        "verdict": "SUPPORTED",
        "claimed": 2400.0,
        "observed": 2500.0,
        "unit": "tok/s",
        "basis": "card",
        "margin_rel": 0.0417,
        "interval": [2300.0, 2700.0],
        "read_method": "level b64 at 49 ms",
        "evidence_used": [
            {
                "evidence_id": "paper#t1",
                "source": "https://arxiv.org/abs/1",
                "observed": 2500.0,
                "outcome": "SUPPORTED",
                "reported_by": "huawei",
                "secondary": False,
                "derived": False,
                "interval": None,
                "read": "level b64",
            }
        ],
        "evidence_set_aside": [{"evidence_id": "blog#x", "reasons": ["model: claim deepseek-r1, evidence kimi-k2"]}],
        "conditions_compared": [
            {"condition": "input_len", "claim": None, "evidence": None, "status": "unknown", "note": None}
        ],
        "notes": [],
    }
    base.update(kw)
    return base


def claim(id="c-1", readings=None, **kw):
    rs = readings or [reading()]
    return {
        "id": id,
        "title": f"Title {id}",
        "quote": "2,400 tok/s <b>per card</b>",
        "source": "https://example.org/a",
        **rs[0],
        "readings": rs,
        **kw,
    }


def test_the_scorecard_leads_each_claim_with_one_headline_badge_and_folds_the_other_readings():
    claims = [
        claim("a"),
        claim("b", [reading(verdict="REFUTED"), reading(reading="per-die", verdict="NOT-COMPARABLE", observed=None)]),
    ]
    page = scorecard_html(claims)
    assert page.count("<tr data-claim=") == 2
    assert len(re.findall(r'<span class="cb-badge cb-headline cb-v-', page)) == 2
    assert '<span class="cb-badge cb-headline cb-v-refuted' in page
    assert "<summary>1 other reading</summary>" in page and "NOT-COMPARABLE" in page
    assert 'href="05_verify.html#claim-a"' in page and 'href="05_verify.html#claim-b"' in page
    assert "2 claims, 3 readings" in page


def test_the_headline_is_the_claim_as_worded_even_when_it_is_not_the_first_reading():
    rs = [reading(reading="per-die", verdict="REFUTED"), reading(reading="as-worded", verdict="NOT-COMPARABLE")]
    page = scorecard_html([claim("c", rs)])
    assert re.search(r"cb-headline cb-v-not-comparable", page) and not re.search(r"cb-headline cb-v-refuted", page)


def test_corroboration_is_drawn_in_the_badge_self_reported_hatched_independent_solid():
    self_rep = headline_badge(reading(corroboration="self-reported"))
    indep = headline_badge(reading(corroboration="independent"))
    nothing = headline_badge(reading(verdict="NOT-COMPARABLE", corroboration=None))
    assert "repeating-linear-gradient" in self_rep and "self-reported only" in self_rep
    assert "background:#2e7d32;" in indep and "repeating" not in indep and "independent" in indep
    assert "cb-corr-none" in nothing and "background" not in nothing.split('style="')[1].split('"')[0]


def test_the_legend_comes_before_the_table_and_explains_the_badge_styles():
    page = scorecard_html([claim("a")])
    assert page.index('class="cb-legend"') < page.index("<table")
    assert "self-reported (only the claimant&#x27;s own publications)" in page


def test_the_why_is_one_sentence_with_ids_and_details_behind_a_disclosure():
    long_why = (
        "paper-2506.12708#decode-tpot-50 gives 1,943 tok/s per card against the claimed 1943: SUPPORTED. "
        "Second sentence with more detail."
    )
    page = scorecard_html([claim(readings=[reading(why=long_why, differences=["ISL 4096 vs 2048"])])])
    cell = page.split('<td class="cb-why">')[1].split("</td>")[0]
    shown = cell.split("<details")[0]
    assert shown == "a source gives 1,943 tok/s per card against the claimed 1943: SUPPORTED."
    assert "paper-2506.12708#decode-tpot-50" in cell and "ISL 4096 vs 2048" in cell
    assert one_sentence("x" * 400).endswith("…") and len(one_sentence("x" * 400)) == 170


def test_quotes_are_escaped_and_only_http_links_are_made():
    page = scorecard_html([claim(quote="<script>alert(1)</script>", source="javascript:alert(1)")])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert link("https://a.org/x?y=1&z=2", "s") == '<a href="https://a.org/x?y=1&amp;z=2">s</a>'


def test_keys_from_the_verdict_engine_are_shown_when_present():
    r = reading(
        verdict="INCONCLUSIVE",
        corroboration="independent",
        why="One sentence of why.",
        what_would_decide=["a TPOT p50 at batch 64"],
        decide_command="claimbench measure --concurrency 64",
    )
    page = scorecard_html([claim(readings=[r], claimant="Huawei")])
    assert "independent (a third party)" in page and "One sentence of why." in page
    assert (
        "a TPOT p50 at batch 64" in page and "<code class='cb-cmd'>claimbench measure --concurrency 64</code>" in page
    )
    assert "by Huawei" in page


def test_without_those_keys_the_scorecard_falls_back_to_what_the_record_carries():
    rows = scorecard_rows([claim()])
    assert rows[0]["corroboration"] is None and rows[0]["what_would_decide"] is None and rows[0]["headline"]
    assert rows[0]["why"] == "read: level b64 at 49 ms"
    assert rows[0]["interval"] == "[2,300, 2,700]"


def test_a_not_comparable_reading_shows_its_indicative_value_not_an_observation():
    r = reading(verdict="NOT-COMPARABLE", observed=None, indicative=1200.0, interval=None, notes=[])
    page = scorecard_html([claim(readings=[r])])
    assert "(1,200 indicative only)" in page
    assert why_text(r) == "blog#x: model: claim deepseek-r1, evidence kimi-k2"


def test_a_claim_card_lists_evidence_with_links_and_differences_as_a_list():
    card = claim_card_html(claim(readings=[reading(differences=["ISL 4096 vs 2048"], assumed=["TPOT is the mean"])]))
    assert card.startswith('<div class="cb-card" id="claim-c-1">')
    assert '<a href="https://arxiv.org/abs/1">paper#t1</a> (huawei): 2,500 → SUPPORTED' in card
    assert "<li><b>differs:</b> ISL 4096 vs 2048</li>" in card and "<li><b>assumed:</b> TPOT is the mean</li>" in card
    assert "Evidence set aside (1)" in card
    assert "output tokens/s at least 2,400 tok/s per card" in card


def test_an_older_record_lists_unknown_conditions_in_words():
    card = claim_card_html(claim())
    assert "<b>input_len</b> unknown: neither the claim nor the evidence states it" in card


def test_badges_colour_each_verdict_and_anchors_are_url_safe():
    assert 'style="background:#2e7d32;color:#ffffff"' in badge("SUPPORTED")
    assert 'style="background:#c62828' in badge("REFUTED")
    assert anchor("Huawei 3x/H20") == "claim-huawei-3x-h20"


def test_a_predicate_reads_in_words():
    assert predicate_words("tpot_mean_ms <= 50 ms") == "mean time per output token at most 50 ms"
    assert predicate_words(None) == "–"


def test_the_index_is_the_scorecard_when_verdicts_exist_and_says_so_when_not(tmp_path):
    import json

    from claimbench.report.pipeline import StepResult, index_html

    steps = [StepResult("05_verify", "failed", 1.0, "step 05_verify failed")]
    assert "no verdicts: the verify step did not run or did not finish" in index_html(tmp_path, steps)
    (tmp_path / "verify").mkdir()
    # verdicts.json holds the typed record (claimbench.schema.verdict): every field, nulls included
    from claimbench.schema.verdict import ReadingVerdict

    blank = {k: ([] if "list" in str(f.annotation) else None) for k, f in ReadingVerdict.model_fields.items()}
    partial = ("evidence_used", "evidence_set_aside", "conditions_compared", "bound")
    full = {**blank, **{k: v for k, v in reading().items() if k not in partial}, "why": "w"}
    record = {**claim("a", readings=[full]), "readings": [full]}
    (tmp_path / "verify" / "verdicts.json").write_text(json.dumps([record]))
    page = index_html(tmp_path, steps)
    assert page.index("<h2>Scorecard</h2>") < page.index("<h2>Pipeline steps</h2>")
    assert "claim-a" not in page and "<b>Title a</b>" in page  # no Verify page holds the cards: no dead link
    assert "@media print" in page and "<script" not in page  # the index has no chart: no script at all

"""The scorecard and the claim cards: HTML an analyst reads first (pure: dicts in, strings out).

Input is :func:`claimbench.report.verdicts.verdicts_json` (one dict per claim, its readings under
``readings``). Keys added by the verdict engine over time -- ``corroboration``, ``claimant``,
``why``, ``what_would_decide``, ``decide_command``, ``differences``, ``assumed``, ``unknown``,
``caveats``, ``indicative`` -- are rendered when present; when absent the page says so or falls
back to what the older records carry (``read_method``, set-aside reasons, notes). Every string from
data passes through :func:`html.escape`; links are only ``http(s)`` URLs or in-report anchors.
"""

from __future__ import annotations

import html
import re
from typing import Any

VERDICT_COLORS = {
    "SUPPORTED": ("#2e7d32", "#ffffff"),
    "REFUTED": ("#c62828", "#ffffff"),
    "INCONCLUSIVE": ("#f9a825", "#222222"),
    "NOT-COMPARABLE": ("#616161", "#ffffff"),
    "IMPLAUSIBLE": ("#6a1b9a", "#ffffff"),
    "UNVERIFIABLE": ("#bdbdbd", "#222222"),
}
VERDICT_MEANING = {
    "SUPPORTED": "the evidence meets the claim",
    "REFUTED": "comparable evidence contradicts the claim",
    "INCONCLUSIVE": "comparable evidence exists but cannot settle it",
    "NOT-COMPARABLE": "the evidence differs in a condition that changes the number",
    "IMPLAUSIBLE": "the claim exceeds the physical (roofline) bound",
    "UNVERIFIABLE": "the claim names nothing that can be measured",
}
CORROBORATION_TEXT = {
    "unattributed": "unattributed (an imported file of unknown producer)",
    "self-reported": "self-reported (only the claimant's own publications)",
    "independent": "independent (a third party)",
    "peer-reviewed": "peer-reviewed submission (MLPerf closed)",
    "measured-here": "measured here (our own runs)",
}

CSS = """
body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}
a{color:#1f5fa8}
table.cb-table,table.dataframe{border-collapse:collapse;font-size:13px;margin:.6em 0}
.cb-table th,.cb-table td,.dataframe th,.dataframe td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
.cb-table th{background:#f4f6f8}
.cb-table td.cb-num,.cb-table th.cb-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.cb-badge{display:inline-block;border-radius:3px;padding:1px 6px;font-size:12px;font-weight:bold;letter-spacing:.02em;white-space:nowrap}
.cb-card{border:1px solid #ccc;border-radius:6px;padding:.4em 1em .8em;margin:1.2em 0;break-inside:avoid}
.cb-card h3{margin:.4em 0}
.cb-card ul{margin:.3em 0 .3em 1.2em;padding:0}
.cb-muted{color:#666;font-size:12px}
blockquote{border-left:4px solid #1f5fa8;margin:.5em 0;padding:.2em .8em;background:#f7f9fc}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:12px}
code{background:#f6f8fa;padding:0 3px}
table.cb-scorecard{table-layout:fixed;width:100%}
.cb-scorecard td,.cb-scorecard th{overflow-wrap:anywhere}
.cb-scorecard td.cb-num,.cb-scorecard th.cb-num{white-space:normal}
.cb-badge.cb-corr-measured-here{box-shadow:inset 0 0 0 2px #ffffff}
.cb-scorecard blockquote{font-size:12px}
.cb-badge.cb-headline{font-size:13px;padding:3px 8px;border:2px solid transparent}
.cb-badge .cb-corr{display:block;font-size:10px;font-weight:normal;letter-spacing:0}
.cb-badge.cb-corr-none{background:#fff!important}
.cb-readings ul{list-style:none;margin:.3em 0 0;padding:0}
.cb-readings li{margin:.2em 0;font-size:12px}
.cb-legend{display:flex;flex-wrap:wrap;gap:.3em 1.2em;font-size:12px;color:#444;margin:.4em 0 .6em}
.cb-wide{overflow-x:auto;max-width:100%}
.cb-table tr.cb-group th{background:#e8eef6;text-align:left;font-weight:bold}
.jp-OutputArea-output,.output_html{overflow-x:auto}

code.cb-cmd{display:block;white-space:pre-wrap;overflow-wrap:anywhere;font-size:11px;margin-top:.3em}
details.cb-more summary{cursor:pointer;color:#1f5fa8;font-size:12px}
.cb-status-ok{color:#2e7d32}.cb-status-failed{color:#c62828}.cb-status-skipped{color:#757575}
.jp-InputPrompt,.jp-OutputPrompt{display:none}
figure.cb-chart{margin:1em 0}
figure.cb-chart figcaption{color:#555;font-size:12px;max-width:900px}
figure.cb-chart.cb-live img.cb-static{display:none}
.vega-embed summary{display:none}
@media print{
  body{max-width:none;margin:0;font-size:11px}
  nav,.cb-noprint,.cb-vega{display:none!important}
  figure.cb-chart.cb-live img.cb-static{display:block}
  a{color:inherit;text-decoration:none}
  .cb-card,figure.cb-chart,tr{break-inside:avoid}
  .cb-badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  details.cb-more>*,details.cb-readings>*{display:block}
}
"""

NOTEBOOK_CSS = """<style>
.jp-RenderedHTMLCommon table.cb-scorecard,.rendered_html table.cb-scorecard{margin-left:0;margin-right:auto;table-layout:fixed;width:100%;max-width:1400px}
.jp-RenderedHTMLCommon .cb-scorecard td,.jp-RenderedHTMLCommon .cb-scorecard th,.rendered_html .cb-scorecard td,.rendered_html .cb-scorecard th{text-align:left;vertical-align:top;white-space:normal;overflow-wrap:anywhere}
.jp-RenderedHTMLCommon .cb-scorecard td.cb-num,.rendered_html .cb-scorecard td.cb-num{text-align:right}
</style>"""
"""Rules JupyterLab needs to show the scorecard as the HTML page does (its own table style centres
tables, right-aligns cells and keeps them on one line)."""

_e = html.escape


def anchor(claim_id: object) -> str:
    """The HTML id of a claim's card (stable, safe in a URL fragment)."""
    return "claim-" + re.sub(r"[^a-z0-9-]", "-", str(claim_id).lower())


def link(url: Any, text: str | None = None) -> str:
    """An escaped link when ``url`` is http(s); the escaped text otherwise (never a javascript: URL)."""
    if not isinstance(url, str) or not url:
        return _e(text or "–")
    if not re.match(r"^https?://", url):
        return _e(text or url)
    return f'<a href="{_e(url)}">{_e(text or url)}</a>'


def badge(verdict: Any) -> str:
    """A verdict as a coloured HTML badge."""
    v = str(verdict or "–")
    bg, fg = VERDICT_COLORS.get(v, ("#eeeeee", "#222222"))
    cls = "cb-v-" + re.sub(r"[^a-z-]", "", v.lower())
    title = VERDICT_MEANING.get(v, "")
    return f'<span class="cb-badge {cls}" style="background:{bg};color:{fg}" title="{_e(title)}">{_e(v)}</span>'


def num(value: Any) -> str:
    """A number as shown on the scorecard (missing as a dash)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if value != value:
            return "NaN"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(num(v) for v in value)
    return str(value)


def _unit(r: dict) -> str:
    unit = r.get("unit") or ""
    basis = r.get("basis")
    return f"{unit} per {basis}" if unit and basis and basis not in ("system",) else unit


def margin_text(r: dict) -> str:
    """The relative margin of a reading as text (``+12.3%``)."""
    m = r.get("margin_rel")
    return "–" if m is None else f"{m:+.1%}"


def interval_text(r: dict) -> str:
    """The interval of a reading as text (a 95 % bootstrap interval, or the published figure's stated
    precision: the reading's interval_method says which), empty when there is none."""
    iv = r.get("interval")
    return f"[{num(iv[0])}, {num(iv[1])}]" if iv else ""


def observed_text(r: dict) -> str:
    """Observed value with its interval; the indicative value (not a verdict figure) when only that exists."""
    obs = r.get("observed")
    if obs is None and r.get("indicative") is not None:
        return f"({num(r['indicative'])} indicative only)"
    if obs is None:
        return "–"
    iv = interval_text(r)
    kinds = {e.get("kind") for e in r.get("spread") or () if e.get("observed") == obs}
    sign = {"lower_bound": "≥ ", "upper_bound": "≤ "}.get(kinds.pop(), "") if len(kinds) == 1 else ""
    return f"{sign}{num(obs)} {iv}".strip()


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def why_text(r: dict) -> str:
    """The verdict engine's one sentence of why; else the best sentence the record carries."""
    if r.get("why"):
        return str(r["why"])
    v = r.get("verdict")
    notes = [n for n in r.get("notes") or [] if n]
    if v == "IMPLAUSIBLE" and r.get("bound"):
        return _short(r["bound"].get("explanation") or "above the physical bound")
    if v in ("SUPPORTED", "REFUTED", "INCONCLUSIVE") and r.get("read_method"):
        return _short(f"read: {r['read_method']}")
    if v == "NOT-COMPARABLE":
        # the first note that says why the evidence does not compare (not the roofline remark)
        telling = [n for n in notes if not str(n).startswith("no roofline bound")]
        if telling:
            return _short(telling[0])
        for aside in r.get("evidence_set_aside") or []:
            if aside.get("reasons"):
                return _short(f"{aside['evidence_id']}: {aside['reasons'][0]}")
    if notes:
        return _short(notes[0])
    return "–"


def decide_html(r: dict, folded: bool = False) -> str:
    """What would decide a reading: the sentences, then the exact ``claimbench measure`` command.
    ``folded`` (the scorecard): the first sentence shown, the rest and the command under a
    disclosure, so the table stays readable; the claim cards show everything."""
    items = [_e(str(x)) for x in r.get("what_would_decide") or []]
    command = f"<code class='cb-cmd'>{_e(str(r['decide_command']))}</code>" if r.get("decide_command") else None
    if not items and command is None:
        return '<span class="cb-muted">–</span>'
    if not folded:
        return "<br>".join(items + ([command] if command else []))
    head = _e(_short(str((r.get("what_would_decide") or [""])[0]), 160)) if items else ""
    rest = items[1:] + ([command] if command else [])
    if not rest:
        return head
    more = "command and details" if command else "details"
    return f"{head}<details class='cb-more'><summary>{more}</summary>{'<br>'.join(rest)}</details>"


def corroboration_text(r: dict, claim: dict | None = None) -> str:
    """What corroborates a reading, in words."""
    c = r.get("corroboration") or (claim or {}).get("corroboration")
    return CORROBORATION_TEXT.get(c, c) if c else "–"


# --- reading the verdict records (small, so they can move to the typed verdict record) -------------
def readings_of(c: dict) -> list[dict]:
    """The readings of one claim record (the record itself when it has none)."""
    return c.get("readings") or [c]


def headline_of(c: dict) -> dict:
    """The reading the scorecard leads with: the claim as worded (else the first reading)."""
    readings = readings_of(c)
    return next((r for r in readings if r.get("reading") == "as-worded"), readings[0])


def verdict_of(r: dict) -> str:
    """The verdict class of a reading."""
    return str(r.get("verdict") or "–")


def corroboration_of(r: dict, c: dict | None = None) -> str | None:
    """The corroboration of a reading: self-reported, independent, measured-here, or None."""
    value = r.get("corroboration") or (c or {}).get("corroboration")
    return str(value) if value else None


_ID_TOKEN = re.compile(
    r"\b[\w.:/-]+#[\w.:/-]+|\b(?:bundle|mlperf|aiperf|aiperf-csv|guidellm|inferencex|vllm_bench):[^\s,;]+"
)


def one_sentence(text: str, limit: int = 170) -> str:
    """The first sentence of ``text``, evidence ids replaced by words, at most ``limit`` characters."""
    text = " ".join(str(text).split())
    first = re.split(r"(?<=[.;])\s+(?=[A-Z])", text, maxsplit=1)[0]
    first = _ID_TOKEN.sub("a source", first)
    return _short(first, limit)


# --- badges ----------------------------------------------------------------------------------------
CORROBORATION_BADGE = {
    "unattributed": "unattributed",
    "self-reported": "self-reported only",
    "independent": "independent",
    "peer-reviewed": "peer-reviewed",
    "measured-here": "measured here",
}


def headline_badge(r: dict, c: dict | None = None, role: str = "cb-headline") -> str:
    """The claim's headline badge: the class, with its corroboration drawn in the badge itself —
    solid (independent, peer-reviewed or measured here), hatched (self-reported only or unattributed),
    outlined (no evidence decided)."""
    v = verdict_of(r)
    corr = corroboration_of(r, c)
    bg, fg = VERDICT_COLORS.get(v, ("#eeeeee", "#222222"))
    cls = "cb-v-" + re.sub(r"[^a-z-]", "", v.lower())
    if corr in ("self-reported", "unattributed"):
        style = f"background:repeating-linear-gradient(135deg,{bg} 0 6px,{bg}99 6px 10px);color:{fg};border-color:{bg}"
    elif corr in ("independent", "peer-reviewed", "measured-here"):
        style = f"background:{bg};color:{fg};border-color:{bg}"
    else:
        style = f"color:{bg if bg != '#bdbdbd' else '#555555'};border-color:{bg}"
    label = CORROBORATION_BADGE.get(corr or "", "no corroboration")
    title = f"{v}: {VERDICT_MEANING.get(v, '')}; {CORROBORATION_TEXT.get(corr or '', 'nothing corroborates it')}"
    corr_cls = "cb-corr-" + (corr or "none")
    return (
        f'<span class="cb-badge {role} {cls} {corr_cls}" style="{style}" title="{_e(title)}">'
        f'{_e(v)}<span class="cb-corr">{_e(label)}</span></span>'
    )


# --- the scorecard ---------------------------------------------------------------------------------
def _claim_cell(c: dict, card_href: str | None) -> str:
    title = f"<b>{_e(str(c.get('title') or c.get('id')))}</b>"
    if card_href:  # None: no page holds the cards (the verify step did not write its page)
        title = f'<a href="{_e(card_href.format(anchor=anchor(c.get("id"))))}">{title}</a>'
    claimant = f' <span class="cb-muted">by {_e(str(c["claimant"]))}</span>' if c.get("claimant") else ""
    return (
        f'<td class="cb-claim">{title}{claimant}<blockquote>{_e(_short(str(c.get("quote") or ""), 220))}</blockquote>'
        f'<span class="cb-muted">{link(c.get("source"), "source")} · <code>{_e(str(c.get("id")))}</code></span></td>'
    )


def _other_readings(c: dict, head: dict) -> str:
    others = [r for r in readings_of(c) if r is not head]
    if not others:
        return ""
    items = "".join(
        f"<li>{badge(verdict_of(r))} {_e(str(r.get('reading_label') or r.get('reading') or ''))}: "
        f"{_e(one_sentence(why_text(r), 140))}</li>"
        for r in others
    )
    n = len(others)
    return f"<details class='cb-readings cb-more'><summary>{n} other reading{'s' * (n != 1)}</summary><ul>{items}</ul></details>"


def _why_cell(r: dict) -> str:
    full = why_text(r)
    short = one_sentence(full)
    details = [_e(full)] if short != full else []
    details += _differences_brief(r)
    more = f"<details class='cb-more'><summary>details</summary>{'<br>'.join(details)}</details>" if details else ""
    return f'<td class="cb-why">{_e(short)}{more}</td>'


def _differences_brief(r: dict) -> list[str]:
    out = []
    for key, label in (("differences", "differs"), ("assumed", "assumed"), ("unknown", "unknown")):
        for x in r.get(key) or []:
            out.append(f"<b>{label}:</b> {_e(_short(str(x), 200))}")
    return out[:6]


def scorecard_rows(verdicts_json: list[dict]) -> list[dict]:
    """One flat row per claim reading (what the scorecard shows, as plain values); ``headline`` marks
    the reading each claim leads with."""
    rows = []
    for c in verdicts_json:
        head = headline_of(c)
        for r in readings_of(c):
            rows.append(
                {
                    "claim_id": c.get("id"),
                    "reading": r.get("reading"),
                    "headline": r is head,
                    "verdict": r.get("verdict"),
                    "corroboration": r.get("corroboration") or c.get("corroboration"),
                    "claimed": r.get("claimed"),
                    "observed": r.get("observed"),
                    "interval": interval_text(r) or None,
                    "unit": _unit(r) or None,
                    "why": why_text(r),
                    "what_would_decide": "; ".join(map(str, r.get("what_would_decide") or [])) or None,
                }
            )
    return rows


def _summary(verdicts_json: list[dict]) -> str:
    counts: dict[str, int] = {}
    for c in verdicts_json:
        v = verdict_of(headline_of(c))
        counts[v] = counts.get(v, 0) + 1
    n_readings = sum(len(readings_of(c)) for c in verdicts_json)
    summary = " ".join(f"{badge(v)}&nbsp;×{n}" for v, n in sorted(counts.items()))
    return f'<p class="cb-summary">{len(verdicts_json)} claims, {n_readings} readings; headlines: {summary}</p>'


def scorecard_html(verdicts_json: list[dict], card_href: str | None = "05_verify.html#{anchor}") -> str:
    """The scorecard: the legend first, then one row per claim led by the headline verdict of the claim
    as worded (its corroboration drawn in the badge), the other readings folded beneath it, the why
    as one sentence with its details behind a disclosure, and what would decide it."""
    body = []
    for c in verdicts_json:
        head = headline_of(c)
        cells = [
            _claim_cell(c, card_href),
            f'<td class="cb-verdict">{headline_badge(head, c)}{_other_readings(c, head)}</td>',
            f'<td class="cb-num">{_e(num(head.get("claimed")))}<br><span class="cb-muted">{_e(_unit(head))}</span></td>',
            f'<td class="cb-num">{_e(observed_text(head))}</td>',
            _why_cell(head),
            f"<td class='cb-decide'>{decide_html(head, folded=True)}</td>",
        ]
        body.append(f'<tr data-claim="{_e(str(c.get("id")))}">' + "".join(cells) + "</tr>")
    return (
        _summary(verdicts_json)
        + legend_html()
        + '<table class="cb-table cb-scorecard"><colgroup><col style="width:23%"><col style="width:15%">'
        '<col style="width:8%"><col style="width:13%"><col style="width:24%"><col style="width:17%"></colgroup>'
        "<thead><tr><th>claim (quote, source)</th><th>verdict of the claim as worded</th>"
        '<th class="cb-num">claimed</th><th class="cb-num">observed [interval]</th><th>why</th>'
        "<th>what would decide it</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def legend_html() -> str:
    """What each class means and how the badge shows corroboration (shown above the scorecard)."""
    classes = "".join(f"<span>{badge(v)} {_e(m)}</span>" for v, m in VERDICT_MEANING.items())
    corr = "".join(
        f"<span>{headline_badge({'verdict': 'SUPPORTED', 'corroboration': k}, role='cb-headline cb-sample')} {_e(CORROBORATION_TEXT.get(k, k))}</span>"
        for k in ("measured-here", "peer-reviewed", "independent", "self-reported", "unattributed")
    )
    none = headline_badge({"verdict": "NOT-COMPARABLE"}, role="cb-headline cb-sample")
    return (
        f'<div class="cb-legend">{classes}</div>'
        f'<div class="cb-legend">{corr}<span>{none} no evidence decided it</span></div>'
    )


def _list(items, empty: str | None = None) -> str:
    items = [i for i in items if i]
    if not items:
        return f'<p class="cb-muted">{_e(empty)}</p>' if empty else ""
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


_METRIC_WORDS = {
    "output_tok_per_s": "output tokens/s",
    "total_tok_per_s": "total tokens/s",
    "input_tok_per_s": "input tokens/s",
    "request_per_s": "requests/s",
    "goodput_req_per_s": "goodput (requests/s meeting the SLOs)",
    "tpot_mean_ms": "mean time per output token",
    "ttft_mean_ms": "mean time to first token",
    "models_supported": "models supported",
}
_COMPARATOR_WORDS = {">=": "at least", "<=": "at most", "approx": "about", "includes": "includes"}


def predicate_words(text: Any) -> str:
    """The predicate in words: 'output_tok_per_s >= 1943 tok/s per card' -> 'output tokens/s at least
    1,943 tok/s per card'."""
    if not text:
        return "–"
    words = []
    for tok in str(text).split(" "):
        if tok in _METRIC_WORDS:
            words.append(_METRIC_WORDS[tok])
        elif tok in _COMPARATOR_WORDS:
            words.append(_COMPARATOR_WORDS[tok])
        elif re.fullmatch(r"\d{4,}(\.\d+)?", tok):
            words.append(f"{float(tok):,.{len(tok.split('.')[1]) if '.' in tok else 0}f}")
        else:
            words.append(tok)
    return " ".join(words)


def _differences(r: dict) -> list[str]:
    """What differs between the claim and the evidence, and what was assumed or unknown (escaped)."""
    out = []
    for key, label in (
        ("differences", "differs"),
        ("assumed", "assumed"),
        ("unknown", "unknown"),
        ("caveats", "caveat"),
    ):
        for x in r.get(key) or []:
            out.append(f"<b>{label}:</b> {_e(str(x))}")
    if not any(r.get(k) for k in ("differences", "assumed", "unknown", "caveats")):
        # older records: the compared conditions that did not match, and the notes
        for cond in r.get("conditions_compared") or []:
            status = str(cond.get("status") or "")
            if status and status != "match":
                note = f" ({cond['note']})" if cond.get("note") else ""
                name = _e(str(cond.get("condition")))
                cv, ev = cond.get("claim"), cond.get("evidence")
                if status == "unknown" and cv is None and ev is None:
                    out.append(f"<b>{name}</b> unknown: neither the claim nor the evidence states it{_e(note)}")
                else:
                    claim_v = "not stated" if cv is None else num(cv)
                    ev_v = "not stated" if ev is None else num(ev)
                    out.append(f"<b>{name}</b> {_e(status)}: claim {_e(claim_v)}, evidence {_e(ev_v)}{_e(note)}")
        out += [_e(_short(str(n), 400)) for n in r.get("notes") or [] if n]
    return out


def claim_card_html(c: dict) -> str:
    """A claim card written for people: quote and source, the predicate in words, a small table of
    what was compared, differences and assumptions as a list, the evidence with links."""
    from claimbench.report.regions import region_table_html

    readings = c.get("readings") or [c]
    rows = []
    for r in readings:
        rows.append(
            "<tr>"
            f"<td>{_e(str(r.get('reading_label') or r.get('reading')))}</td>"
            f"<td>{badge(r.get('verdict'))}</td>"
            f"<td>{_e(predicate_words(r.get('predicate')))}</td>"
            f'<td class="cb-num">{_e(num(r.get("claimed")))}</td>'
            f'<td class="cb-num">{_e(observed_text(r))}</td>'
            f'<td class="cb-num">{_e(margin_text(r))}</td>'
            f"<td>{_e(_unit(r) or '–')}</td>"
            f"<td>{_e(corroboration_text(r, c))}</td>"
            "</tr>"
        )
    parts = [
        f'<div class="cb-card" id="{anchor(c.get("id"))}">',
        f"<h3>{_e(str(c.get('title') or c.get('id')))} {badge(c.get('verdict'))}</h3>",
        f"<blockquote>{_e(str(c.get('quote') or ''))}</blockquote>",
        f'<p class="cb-muted">{link(c.get("source"), "source")}'
        + (f" · claimant: {_e(str(c['claimant']))}" if c.get("claimant") else "")
        + f" · <code>{_e(str(c.get('id')))}</code></p>",
        "<h4>What was compared</h4>",
        '<table class="cb-table"><thead><tr><th>reading</th><th>verdict</th><th>predicate</th>'
        '<th class="cb-num">claimed</th><th class="cb-num">observed [interval]</th><th class="cb-num">margin</th>'
        f"<th>unit</th><th>corroboration</th></tr></thead><tbody>{''.join(rows)}</tbody></table>",
    ]
    for r in readings:
        label = _e(str(r.get("reading_label") or r.get("reading")))
        parts.append(f"<h4>{label}: {badge(r.get('verdict'))}</h4>")
        parts.append(f"<p><b>Why:</b> {_e(why_text(r))}</p>")
        parts.append(region_table_html(r))
        if r.get("what_would_decide") or r.get("decide_command"):
            parts.append(f"<p><b>What would decide it:</b> {decide_html(r)}</p>")
        parts.append(_list(_differences(r), "no differences or assumptions recorded"))
        used = []
        for u in r.get("evidence_used") or []:
            src = link(u.get("source"), u.get("evidence_id"))
            who = f" ({_e(str(u['reported_by']))})" if u.get("reported_by") else ""
            tags = ", ".join(
                t for t, on in (("secondary source", u.get("secondary")), ("derived", u.get("derived"))) if on
            )
            iv = f" [{num(u['interval'][0])}, {num(u['interval'][1])}]" if u.get("interval") else ""
            read = f" — {_e(_short(str(u['read']), 200))}" if u.get("read") else ""
            used.append(
                f"{src}{who}: {_e(num(u.get('observed')))}{_e(iv)} → {_e(str(u.get('outcome') or '–'))}"
                + (f" <span class='cb-muted'>({_e(tags)})</span>" if tags else "")
                + read
            )
        aside = [
            f"{_e(str(a.get('evidence_id')))}: {_e(_short('; '.join(map(str, a.get('reasons') or [])), 300))}"
            for a in r.get("evidence_set_aside") or []
        ]
        parts.append(f"<p><b>Evidence used</b> ({len(used)})</p>" + _list(used, "none"))
        if aside:
            parts.append(f"<details><summary>Evidence set aside ({len(aside)})</summary>{_list(aside)}</details>")
    parts.append("</div>")
    return "\n".join(parts)

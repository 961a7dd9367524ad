"""Open every report page in headless Chromium, as an analyst would.

Each page (the scorecard index and every step page) draws (screenshot not blank), logs no console
message, makes no network request (Chromium's net log: no request initiated by the page other
than file: and data: URLs; the browser's own update/time pings carry no page origin and are
ignored), and every chart's interactive view was drawn by the locally bundled Vega. The scorecard
lists every claim with a verdict badge per reading (checked on the DOM after scripts ran).
"""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--window-size=1200,2400",
         "--virtual-time-budget=10000"]
PAGES = ["index", "02_analyze", "03_compare", "04_plausibility", "05_verify"]

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("CI must have Chromium for the render test (make test installs it)", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it as root)")


def chromium(tmp_path, url, *args):
    netlog = tmp_path / "netlog.json"
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={netlog}", *args, url],
                          capture_output=True, text=True, timeout=180)
    return proc, page_requests(netlog)


def page_requests(netlog) -> list[str]:
    """URLs of requests a page started (the browser's own background requests have no origin)."""
    doc = json.loads(netlog.read_text())
    start = doc["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for ev in doc["events"]:
        p = ev.get("params") or {}
        if ev["type"] == start and "url" in p and p.get("initiator") != "not an origin":
            urls.append(p["url"])
    return [u for u in urls if not u.startswith(("file:", "data:", "blob:"))]


@pytest.mark.parametrize("page", PAGES)
def test_a_report_page_draws_with_no_console_message_and_no_network_request(pinned_report, tmp_path, page):
    from PIL import Image

    shot = tmp_path / f"{page}.png"
    proc, requests = chromium(tmp_path, (pinned_report / f"{page}.html").as_uri(), f"--screenshot={shot}")
    assert shot.is_file(), proc.stderr[-2000:]
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln]
    assert console == []
    assert requests == []
    img = Image.open(shot).convert("RGB")
    colors = img.getcolors(maxcolors=1_000_000) or []
    assert len(colors) > 50  # text, tables, badges and chart strokes, not a blank page
    # colours of the theme and the verdict badges are present (a blank or failed page has none)
    palette = {(0x1F, 0x5F, 0xA8), (0xD1, 0x49, 0x5B), (0xED, 0xAE, 0x49), (0x2E, 0x7D, 0x32), (0xC6, 0x28, 0x28), (0x61, 0x61, 0x61)}
    assert any(rgb in palette for _, rgb in colors)


class _Scorecard(HTMLParser):
    """Claim ids of scorecard rows and the verdict badge each row shows."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, str]] = []
        self._claim = None
        self._in_badge = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-claim" in a:
            self._claim = a["data-claim"]
        if tag == "span" and "cb-badge" in (a.get("class") or "") and self._claim:
            self._in_badge = True

    def handle_data(self, data):
        if self._in_badge:
            self.rows.append((self._claim, data))
            self._in_badge = False
            self._claim = None


def test_the_scorecard_lists_every_claim_with_its_headline_verdict_badge(pinned_report, tmp_path):
    verdicts = json.loads((pinned_report / "verify" / "verdicts.json").read_text())
    proc, requests = chromium(tmp_path, (pinned_report / "index.html").as_uri(), "--dump-dom")
    parser = _Scorecard()
    parser.feed(proc.stdout)
    # one headline per claim: the claim as worded (the other readings are folded beneath it)
    headline = [next((r for r in c["readings"] if r["reading"] == "as-worded"), c["readings"][0]) for c in verdicts]
    expected = [(c["id"], h["verdict"]) for c, h in zip(verdicts, headline)]
    assert parser.rows == expected and len({c for c, _ in expected}) >= 8
    assert requests == []


def test_every_chart_gets_its_interactive_view_from_the_local_bundle(pinned_report, tmp_path):
    proc, requests = chromium(tmp_path, (pinned_report / "03_compare.html").as_uri(), "--dump-dom")
    dom = proc.stdout
    n = dom.count('<figure class="cb-chart')
    assert n >= 3 and dom.count('class="cb-chart cb-live"') == n  # vegaEmbed resolved for each chart
    assert requests == []

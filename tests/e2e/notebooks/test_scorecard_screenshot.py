"""The report's index at 1440 px in headless Chromium: nothing wider than the window, one headline
badge per claim (the other readings folded), and the runs/ sentence true for a --runs report.
`make screenshot` regenerates docs/scorecard.png from the same page (tools/screenshot_scorecard.py)."""

import json
import re
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make browser installs it)")

PROBE = """<script>
window.addEventListener('load', function(){
  var doc = document.documentElement;
  var wide = [];
  document.querySelectorAll('body *').forEach(function(el){
    var r = el.getBoundingClientRect();
    if (r.right > doc.clientWidth + 1) wide.push(el.tagName + '.' + el.className);
  });
  var out = document.createElement('pre');
  out.id = 'cb-probe';
  out.textContent = JSON.stringify({
    scroll: doc.scrollWidth, client: doc.clientWidth, wide: wide.slice(0, 5),
    headlines: document.querySelectorAll('.cb-scorecard .cb-headline:not(.cb-sample)').length,
    rows: document.querySelectorAll('.cb-scorecard tr[data-claim]').length
  });
  document.body.appendChild(out);
});
</script>"""


def _measure(page, tmp_path, width=1440):
    probe = page.with_name(f"_probe_{page.name}")  # beside the page: the same relative links
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    try:
        proc = _chromium(probe, tmp_path, width)
    finally:
        probe.unlink()
    m = re.search(r'<pre id="cb-probe">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stderr[-2000:]
    return json.loads(m.group(1).replace("&quot;", '"'))


def _chromium(probe, tmp_path, width):
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},1200", "--virtual-time-budget=5000",
         "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip


def test_the_index_fits_1440_px_with_one_headline_badge_per_claim(pinned_report, tmp_path):
    verdicts = json.loads((pinned_report / "verify" / "verdicts.json").read_text())
    found = _measure(pinned_report / "index.html", tmp_path)
    assert found["scroll"] <= found["client"], found["wide"]
    assert found["headlines"] == found["rows"] == len(verdicts) >= 8


def test_the_index_of_a_runs_report_names_the_folder_it_read_not_a_missing_runs_folder(pinned_report):
    page = (pinned_report / "index.html").read_text(encoding="utf-8")
    assert not (pinned_report / "runs").exists()
    assert "Run bundles of this report are in <code>runs/</code>" not in page
    assert "read the run bundles in <code>" in page

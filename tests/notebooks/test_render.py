"""Open the rendered report in headless Chromium: charts draw (screenshot not blank), no console errors."""

import os
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", "--window-size=1200,2400"]

if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("CI must have Chromium for the render test (make test installs it)", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it as root)")


@pytest.mark.parametrize("step", ["02_analyze", "03_compare", "04_plausibility", "05_verify"])
def test_a_rendered_page_draws_and_logs_no_console_error(pinned_report, tmp_path, step):
    from PIL import Image

    shot = tmp_path / f"{step}.png"
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                           (pinned_report / f"{step}.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.is_file(), proc.stderr[-2000:]
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln]
    assert console == []
    img = Image.open(shot).convert("RGB")
    colors = img.getcolors(maxcolors=1_000_000) or []
    assert len(colors) > 50  # text, tables and chart strokes, not a blank page
    # chart colours of the theme are present (a blank or failed chart has none)
    palette = {(0x1F, 0x5F, 0xA8), (0xD1, 0x49, 0x5B), (0xED, 0xAE, 0x49), (0x2E, 0x7D, 0x32), (0xC6, 0x28, 0x28), (0x75, 0x75, 0x75)}
    assert any(rgb in palette for _, rgb in colors)

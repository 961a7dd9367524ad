"""Regenerate docs/scorecard.png: the report's scorecard for the shipped recorded run, as Chromium shows it.

Run: make screenshot (or .venv/bin/python tools/screenshot_scorecard.py [OUT.png]). Builds a report
from data/runs (no measuring) in a temporary folder, opens its index.html in headless Chromium and
keeps the top of the page (title, verdict summary and the first rows of the scorecard).
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1440, 1500


def main(out: Path) -> None:
    from PIL import Image

    from claimbench.report.pipeline import available_steps, run_report

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed: run `make browser` first")
    with tempfile.TemporaryDirectory() as tmp:
        steps = [s for s in available_steps() if s != "01_measure"]
        folder = run_report(Path(tmp) / "reports", {"runs_dir": str(REPO / "data" / "runs")}, steps, run_id="scorecard")
        shot = Path(tmp) / "shot.png"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             "--disable-background-networking", f"--user-data-dir={Path(tmp) / 'profile'}",
             f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={shot}", (folder / "index.html").as_uri()],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        out.parent.mkdir(parents=True, exist_ok=True)
        Image.open(shot).convert("RGB").save(out, optimize=True)
    print(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "scorecard.png")

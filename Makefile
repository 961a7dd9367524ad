# claimbench: `make report` (main job) and `make test` (tests) on a fresh machine. Both set up
# the environment first (idempotent: env/cpu/setup.sh does nothing when it is up to date).
PY := .venv/bin/python

.PHONY: setup report browser screenshot test test-unit bench clean

setup:
	bash env/cpu/setup.sh

report: setup
	$(PY) -m claimbench report --out reports

# The render test opens a report in headless Chromium: install it when missing (as root; CI is root).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the render test will be skipped (install Debian's chromium)"; }

# The README's scorecard picture: a report of the shipped recorded run (data/runs), opened in Chromium.
screenshot: setup browser
	$(PY) tools/screenshot_scorecard.py docs/scorecard.png

# Unit tests first: the integration tests keep one vLLM server alive until the session ends.
test: setup browser
	$(PY) -m pytest -q --nbval-lax --nbval-sanitize-with tests/notebooks/nbval_sanitize.cfg \
		tests/unit tests/notebooks notebooks tests/integration

test-unit: setup
	$(PY) -m pytest -q tests/unit

bench: setup
	$(PY) -m benchmarks.run

clean:
	rm -rf runs reports .pytest_cache

# claimbench: `make report` (main job) and `make test` (tests) on a fresh machine. Both set up
# the environment first (idempotent: env/cpu/setup.sh does nothing when it is up to date).
PY := .venv/bin/python

.PHONY: setup report browser screenshot check test test-unit test-integration test-e2e test-timing bench clean docs examples

setup:
	bash env/cpu/setup.sh

report: setup
	$(PY) -m claimbench report --out reports

# The render test opens a report in headless Chromium: install it when missing (as root; CI is root).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the render test will be skipped (install Debian's chromium)"; }

# Static checks: lint and format (ruff), the layer contracts (import-linter), types (mypy).
check: setup
	.venv/bin/ruff check lib tests benchmarks tools
	.venv/bin/ruff format --check lib tests benchmarks tools
	.venv/bin/lint-imports
	.venv/bin/mypy

# The README's scorecard picture: a report of the shipped recorded run (data/runs), opened in Chromium.
screenshot: setup browser
	$(PY) tools/screenshot_scorecard.py docs/scorecard.png

# The tiers, fastest first: unit (pure: no process, socket or Ray; tests/unit/conftest.py fails a
# unit test that starts one), integration (processes, Ray, vLLM, servers), e2e (notebooks through
# nbval, the report, the scorecard in Chromium). The integration tests keep one vLLM server alive
# until their session ends. The wheel test (tests/e2e/install) runs in CI (.ci/run).
NBVAL := --nbval-lax --nbval-sanitize-with tests/e2e/notebooks/nbval_sanitize.cfg

test: check
	$(MAKE) test-unit test-integration test-e2e

test-unit: setup
	$(PY) -m pytest -q -p no:cacheprovider -m "not timing" tests/unit

test-integration: setup
	$(PY) -m pytest -q -p no:cacheprovider -m "not timing" tests/integration

# nbval: notebooks/01 executes; tests/e2e/notebooks/expected holds 02-05 run on the pinned recorded
# run with their table outputs checked (regenerate: .venv/bin/python tools/make_notebooks.py --expected).
test-e2e: setup browser
	$(PY) -m pytest -q -p no:cacheprovider -m "not timing" $(NBVAL) tests/e2e notebooks/01_measure.ipynb

# Sub-millisecond timing checks of the streaming client and the reference server: meaningful on a
# quiet machine only (on a loaded 2-core host they measure the neighbours). The accuracy figures
# themselves are benchmarks (make bench, benchmarks/README.md).
test-timing: setup
	$(PY) -m pytest -q -m timing tests/integration

bench: setup
	$(PY) -m benchmarks.run

# The three workflows in examples/, end to end (also part of `make test`, in tests/integration).
examples: setup
	$(PY) -m pytest -q tests/integration/test_examples.py

# The documentation site (mkdocs.yml) into site/, offline. --strict fails on any warning, and the
# link check is mkdocs' own validation (mkdocs.yml `validation:`): a link to a missing page or
# anchor is a warning, so a failure. The CLI reference and example scorecard are generated.
docs: setup
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --site-dir site

clean:
	rm -rf runs reports site .pytest_cache

# claimbench: `make report` (main job) and `make test` (tests) on a fresh machine. Both set up
# the environment first (idempotent: env/cpu/setup.sh does nothing when it is up to date).
PY := .venv/bin/python
BACKEND ?= cpu

.PHONY: setup report test test-unit bench clean

setup:
	bash env/$(BACKEND)/setup.sh

report: setup
	$(PY) -m claimbench measure --concurrency 1,4,16 --num-prompts 32 --input-len 128 --output-len 64 \
		--warmup-prompts 4 --slo tpot_ms=50 --out runs

test: setup
	$(PY) -m pytest -q

test-unit: setup
	$(PY) -m pytest -q tests/unit

bench: setup
	$(PY) -m benchmarks.run

clean:
	rm -rf runs reports .pytest_cache

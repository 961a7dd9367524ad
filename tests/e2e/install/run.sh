#!/usr/bin/env bash
# The wheel, as a new user gets it: build the sdist and the wheel, install the wheel (with the
# notebooks extra, no vLLM: these commands do not start an engine) into a fresh virtual environment,
# and from an unrelated folder run `hardware list`, `verify`, `init`, `report --runs` on the shipped
# recorded run and one notebook through papermill, checking each for real output.
# Versions are constrained by env/cpu/requirements.lock; uv's cache makes a rerun take seconds.
# Usage: bash tests/e2e/install/run.sh [WORKDIR]   (default: a new temporary folder, removed on success)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
work=${1:-$(mktemp -d -t claimbench-wheel.XXXXXX)}
mkdir -p "$work"
passed=0
failed=0
check() {  # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $what"; else failed=$((failed + 1)); echo "FAILED: $what" >&2; fi
}
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
fl=$(python3 -m pip config get global.find-links 2>/dev/null || true)
fl=${fl:-${PIP_FIND_LINKS:-}}
args=()
[ -n "$fl" ] && args+=(--find-links "$fl")

t0=$(date +%s)
uv build --quiet --out-dir "$work/dist" "$root"
wheel=$(ls "$work"/dist/claimbench-*.whl)
check "the wheel carries data/, notebooks/ and the locks" \
  bash -c "unzip -l '$wheel' | grep -q 'claimbench/data/hardware/nvidia-h20.yaml' &&
           unzip -l '$wheel' | grep -q 'claimbench/notebooks/05_verify.ipynb' &&
           unzip -l '$wheel' | grep -q 'claimbench/data/runs/20261122T141455Z-30a590/summary.parquet' &&
           unzip -l '$wheel' | grep -q 'claimbench/env/cpu/requirements.lock'"
uv venv --quiet --python "$(command -v python3)" "$work/venv"
uv pip install --quiet --python "$work/venv/bin/python" "${args[@]}" -c "$root/env/cpu/requirements.lock" \
  "$wheel[notebooks]"
echo "built and installed in $(($(date +%s) - t0)) s"
cb="$work/venv/bin/claimbench"
away="$work/elsewhere"
mkdir -p "$away"
cd "$away"  # nothing of the repository is reachable from here

check "the installed package is the wheel, not the checkout" \
  bash -c "'$work/venv/bin/python' -c 'import claimbench,sys; sys.exit(\"$root\" in claimbench.__file__)'"
check "hardware list prints the registry" \
  bash -c "'$cb' hardware list > hw.txt && grep -q nvidia-h20 hw.txt && grep -q ascend-910c hw.txt && [ \$(wc -l < hw.txt) -ge 12 ]"
check "verify judges every shipped claim" \
  bash -c "'$cb' verify --json > verdicts.json 2> verify.err &&
           '$work/venv/bin/python' -c 'import json,sys; v=json.load(open(\"verdicts.json\")); sys.exit(not (len(v) >= 8 and any(x[\"verdict\"]==\"SUPPORTED\" for x in v)))'"
check "init copies the notebooks and data out" \
  bash -c "'$cb' init ws > init.txt && [ -f ws/notebooks/05_verify.ipynb ] && [ -f ws/data/runs/20261122T141455Z-30a590/manifest.json ]"
check "report --runs on the shipped recorded run writes every step" \
  bash -c "'$cb' report --runs ws/data/runs --out reports --json > report.json 2> report.err &&
           '$work/venv/bin/python' -c '
import json, pathlib, sys
r = json.load(open(\"report.json\")); f = pathlib.Path(r[\"folder\"])
ok = r[\"steps\"] == [\"02_analyze\", \"03_compare\", \"04_plausibility\", \"05_verify\"]
ok = ok and all((f / (s + \".html\")).stat().st_size > 2000 for s in r[\"steps\"])
ok = ok and \"SUPPORTED\" in (f / \"05_verify.html\").read_text()
sys.exit(not ok)'"
cp "$root/tests/data/peers/guidellm-0.8.1/benchmarks.json" guidellm.json
cp "$root/tests/data/peers/aiperf-0.13.0/profile_export_aiperf.csv" aiperf.csv
check "summarize reads a GuideLLM file and an AIPerf CSV (the tools' own numbers)" \
  bash -c "'$cb' summarize guidellm.json > g.txt && grep -q '298.8' g.txt &&
           '$cb' summarize aiperf.csv > a.txt && grep -q '157.8' a.txt"
check "report --runs R --evidence guidellm.json uses the file in compare and verify" \
  bash -c "'$cb' report --runs ws/data/runs --evidence guidellm.json --steps 05_verify --out reports-ev --json > rev.json 2> rev.err &&
           grep -q 'guidellm' \"\$('$work/venv/bin/python' -c 'import json; print(json.load(open(\"rev.json\"))[\"folder\"])')/verify/verdicts.json\""
check "a shipped notebook runs through papermill" \
  bash -c "'$work/venv/bin/papermill' --no-progress-bar \"\$('$work/venv/bin/python' -c 'from claimbench.load.paths import notebooks_dir; print(notebooks_dir())')/05_verify.ipynb\" out.ipynb \
             -p runs_dir '$away/ws/data/runs' > papermill.log 2>&1 && grep -q SUPPORTED out.ipynb"
check "an empty data layer still sees the shipped data; a missing one is exit 2" \
  bash -c "mkdir -p mine && '$cb' --data-dir mine hardware list > /dev/null && ! '$cb' --data-dir nope hardware list 2> err.txt && [ \$(wc -l < err.txt) -eq 1 ]"

echo "wheel: $passed passed, $failed failed"
if [ "$failed" -eq 0 ] && [ $# -eq 0 ]; then rm -rf "$work"; fi
[ "$failed" -eq 0 ]

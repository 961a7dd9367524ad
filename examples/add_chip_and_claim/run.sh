#!/usr/bin/env bash
# Add an accelerator and a claim as data (data/hardware, data/claims) and render the report.
# Usage: bash run.sh OUT_DIR      (CLAIMBENCH overrides the command; PYTHON the interpreter)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: run.sh OUT_DIR}
cb=${CLAIMBENCH:-claimbench}
py=${PYTHON:-python3}
mkdir -p "$out"
# 1. The new chip is in the registry, layered over the shipped one
$cb --data-dir "$here/data" hardware show example-chip
# 2. The claim's verdict: its roofline bound on the new chip
$cb --data-dir "$here/data" verify --claim example-chip-llama8b-20000-tok-s --json > "$out/verdict.json"
"$py" -c "import json,sys; c=json.load(open(sys.argv[1]))[0]; print(c['id'], c['verdict'])" "$out/verdict.json"
# 3. The report (plausibility and verify steps) on the run shipped with the package: no measuring
runs=$("$py" -c "from claimbench.load.paths import packaged_data_dir; print(packaged_data_dir() / 'runs')")
$cb --data-dir "$here/data" report --runs "$runs" --steps 04_plausibility,05_verify --out "$out/reports" --quiet

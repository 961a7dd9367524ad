#!/usr/bin/env bash
# Judge a vendor's claim (data/claims/, as data) against GuideLLM results (guidellm-benchmarks.json).
# Usage: bash run.sh OUT_DIR       (CLAIMBENCH overrides the command, e.g. ".venv/bin/claimbench")
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: run.sh OUT_DIR}
cb=${CLAIMBENCH:-claimbench}
mkdir -p "$out"
# 1. What GuideLLM measured, as claimbench imports it (its own console summary, per strategy)
$cb summarize "$here/guidellm-benchmarks.json"
# 2. The claim judged against that file only (--evidence replaces the shipped evidence). A result
#    file does not say who produced it: --evidence-meta publisher=... says so (here the analyst who ran
#    GuideLLM); without it the figures are "unattributed", and corroborate nothing independently.
$cb --data-dir "$here/data" verify --claim example-vendor-tiny-250-tok-s-at-c2 \
    --evidence "$here/guidellm-benchmarks.json" --evidence-meta "publisher=Example Analyst" \
    --out "$out" --json > "$out/verdict.json"
python3 -c "import json,sys; c=json.load(open(sys.argv[1]))[0]; print(c['id'], c['verdict'], c['corroboration'])" "$out/verdict.json"

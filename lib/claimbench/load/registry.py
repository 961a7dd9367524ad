"""Load the hardware, model and price registries (``data/hardware``, ``data/models``, ``data/prices``).

Types are in :mod:`claimbench.schema.hardware`; files are read by :mod:`claimbench.load.yamlio`.
An unknown id is a one-line error with a did-you-mean hint.
"""

from __future__ import annotations

from pathlib import Path

from claimbench.errors import UserError, did_you_mean
from claimbench.load.paths import default_data_dir
from claimbench.load.yamlio import load_yaml_model
from claimbench.schema.hardware import HardwareSpec, ModelArch, PriceEntry, PriceTable


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------
def _dir(data_dir, sub: str) -> Path:
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    return base / sub


def _load_yaml_file(path: Path, model):
    return load_yaml_model(path, model, what="fields")


def _ids(directory: Path) -> list[str]:
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.yaml"))


def _load_one(kind: str, sub: str, model, item_id: str, data_dir):
    directory = _dir(data_dir, sub)
    if not isinstance(item_id, str) or not item_id.strip():
        raise UserError(f"{kind} id must be a non-empty string")
    key = item_id.strip()
    path = directory / f"{key}.yaml"
    if not path.is_file():
        ids = _ids(directory)
        lower = {i.lower(): i for i in ids}
        if key.lower() in lower:  # case-insensitive match
            path = directory / f"{lower[key.lower()]}.yaml"
        else:
            hint = did_you_mean(key.lower(), ids)
            if not hint:
                contains = [i for i in ids if key.lower() in i]
                if len(contains) == 1:
                    hint = f" (did you mean {contains[0]!r}?)"
            known = f"; known: {', '.join(ids)}" if ids and not hint else ""
            raise UserError(f"unknown {kind} id {item_id!r}{hint}{known}")
    return _load_yaml_file(path, model)


def _load_all(sub: str, model, data_dir) -> list:
    directory = _dir(data_dir, sub)
    return [_load_yaml_file(directory / f"{i}.yaml", model) for i in _ids(directory)]


def load_hardware(hw_id: str, data_dir=None) -> HardwareSpec:
    """The hardware record ``data/hardware/<hw_id>.yaml``; unknown id -> UserError with a hint."""
    return _load_one("hardware", "hardware", HardwareSpec, hw_id, data_dir)


def list_hardware(data_dir=None) -> list[HardwareSpec]:
    """Every hardware record, sorted by id."""
    return _load_all("hardware", HardwareSpec, data_dir)


def load_model(model_id: str, data_dir=None) -> ModelArch:
    """The model architecture ``data/models/<model_id>.yaml``; unknown id -> UserError with a hint."""
    return _load_one("model", "models", ModelArch, model_id, data_dir)


def list_models(data_dir=None) -> list[ModelArch]:
    """Every model architecture, sorted by id."""
    return _load_all("models", ModelArch, data_dir)


def load_price_table(table_id: str, data_dir=None) -> PriceTable:
    return _load_one("price table", "prices", PriceTable, table_id, data_dir)


def list_price_tables(data_dir=None) -> list[PriceTable]:
    return _load_all("prices", PriceTable, data_dir)


def prices_for(hw_id: str, data_dir=None) -> list[PriceEntry]:
    """Every sourced hourly price for ``hw_id`` across the price tables (may be empty)."""
    return [p for t in list_price_tables(data_dir) for p in t.prices if p.hardware == hw_id]

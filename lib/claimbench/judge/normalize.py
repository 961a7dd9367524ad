"""Vendor-neutral normalization of a throughput figure: per card, die, node, TFLOP, TB/s, W, $/h.

Pure: no files, environment or printing. Hardware records come from :mod:`claimbench.load.registry`
(the caller loads them); prices are passed in as :class:`~claimbench.load.registry.PriceEntry` records
or as a user figure.

Bases
-----
``card`` (= one accelerator package: what vendors call a card, chip or GPU), ``die`` (a compute
die: the Ascend 910C has 2 per package, the B200 2, the H100 1), ``node`` (a server of
``packages_per_node`` packages) and ``system`` (the ``packages_in_system`` packages of a whole
deployment). Every conversion is returned with its factor and a sentence saying what was done:
"1,943 tok/s per card ÷ 2 dies per package = 971.5 tok/s per die". Nothing is converted silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal, Optional

from claimbench.analyze.metrics import interactivity_tok_per_s
from claimbench.errors import UserError, did_you_mean
from claimbench.schema.hardware import DTYPES, HardwareSpec, PriceEntry, canonical_dtype

Basis = Literal["card", "die", "node", "system"]
BASES: tuple[str, ...] = ("card", "die", "node", "system")
BASIS_ALIASES = {
    "package": "card",
    "chip": "card",
    "gpu": "card",
    "npu": "card",
    "accelerator": "card",
    "server": "node",
    "cluster": "system",
}

COLUMNS = ["form", "value", "unit", "basis", "factor", "explanation", "available", "reason"]


def fmt(x: float) -> str:
    """Human number: thousands separators, up to 2 decimals (4 significant digits below 10)."""
    if x is None:
        return "null"
    if x != 0 and abs(x) < 10:
        return f"{x:,.4g}"
    s = f"{x:,.2f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def canonical_basis(basis: str) -> str:
    """The canonical name of a basis (``per-gpu`` -> ``card``, ...); unknown names pass through."""
    b = str(basis).strip().lower()
    b = BASIS_ALIASES.get(b, b)
    if b not in BASES:
        raise UserError(f"unknown basis {basis!r}{did_you_mean(b, BASES)}; known: {', '.join(BASES)}")
    return b


def _check_value(value, name="value") -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise UserError(f"{name} must be a finite number >= 0, got {value!r}")
    return v


def _check_count(value, name) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 1:
        raise UserError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class BasisConversion:
    """One conversion between bases: ``value = value_in * factor``, with its explanation."""

    value_in: float
    from_basis: str
    to_basis: str
    factor: float
    value: float
    unit: str
    explanation: str

    def to_dict(self) -> dict:
        """The record as a plain dict."""
        return asdict(self)


def _packages_per_node(hardware: HardwareSpec, packages_per_node) -> tuple[Optional[int], str]:
    given = _check_count(packages_per_node, "packages_per_node")
    if given is not None:
        return given, f"{given} packages per node (given)"
    if hardware.packages_per_node is not None:
        return (
            hardware.packages_per_node,
            f"{hardware.packages_per_node} packages per node ({hardware.id} registry default)",
        )
    return None, ""


def convert_basis(
    value: float,
    from_basis: str,
    to_basis: str,
    hardware: HardwareSpec,
    packages_per_node: Optional[int] = None,
    packages_in_system: Optional[int] = None,
    unit: str = "tok/s",
) -> BasisConversion:
    """Convert ``value`` (a rate such as tok/s) from one basis to another.

    Goes through the per-card (per-package) rate. ``packages_per_node`` defaults to the hardware
    record's typical server (said so in the explanation); ``packages_in_system`` has no default.
    Raises :class:`UserError` when a needed figure is unknown.
    """
    v = _check_value(value)
    fb, tb = canonical_basis(from_basis), canonical_basis(to_basis)
    ppn, ppn_text = (None, "")
    if "node" in (fb, tb):
        ppn, ppn_text = _packages_per_node(hardware, packages_per_node)
        if ppn is None:
            raise UserError(f"{hardware.id}: packages per node unknown; pass packages_per_node")
    pis = _check_count(packages_in_system, "packages_in_system")
    if "system" in (fb, tb) and pis is None:
        raise UserError("converting to or from a system total needs packages_in_system")
    dies = hardware.dies_per_package
    if "die" in (fb, tb) and dies is None:
        raise UserError(f"{hardware.id}: dies per package unknown; no per-die figure")

    # factor from `fb` to per-card, and from per-card to `tb`
    to_card: dict[str, tuple[Optional[float], str]] = {
        "card": (1.0, ""),
        "die": (float(dies or 1), f"× {dies} dies per package"),
        "node": (1.0 / ppn if ppn else None, f"÷ {ppn_text}"),
        "system": (1.0 / pis if pis else None, f"÷ {pis} packages in the system"),
    }
    from_card: dict[str, tuple[Optional[float], str]] = {
        "card": (1.0, ""),
        "die": (1.0 / dies if dies else None, f"÷ {dies} dies per package"),
        "node": (float(ppn) if ppn else None, f"× {ppn_text}"),
        "system": (float(pis) if pis else None, f"× {pis} packages in the system"),
    }
    f1, t1 = to_card[fb]
    f2, t2 = from_card[tb]
    # Invariant: each count a basis needs was checked above (missing -> UserError; the schema and
    # _check_count make every count >= 1), so both factors are set.
    assert f1 is not None and f2 is not None
    factor = f1 * f2
    out = v * factor
    if fb == tb:
        text = f"{fmt(v)} {unit} per {fb}: no conversion"
    else:
        steps = " ".join(t for t in (t1, t2) if t)
        text = f"{fmt(v)} {unit} per {fb} {steps} = {fmt(out)} {unit} per {tb}"
    return BasisConversion(v, fb, tb, factor, out, f"{unit} per {tb}", text)


def _row(form, value, unit, basis, factor, explanation, reason=None) -> dict:
    return {
        "form": form,
        "value": value,
        "unit": unit,
        "basis": basis,
        "factor": factor,
        "explanation": explanation,
        "available": value is not None,
        "reason": reason,
    }


def _derived_row(
    form: str,
    unit_out: str,
    divisor: Optional[float],
    what: str,
    reason_if_none: str,
    card: BasisConversion,
    unit: str,
    basis: str,
) -> dict:
    """The per-card figure divided by a per-card quantity (TFLOPS, TB/s, W), or a null row with a reason."""
    if divisor is None:
        return _row(form, None, unit_out, basis, None, "", reason_if_none)
    per_card = card.value
    val = per_card / divisor
    return _row(
        form,
        val,
        unit_out,
        basis,
        card.factor / divisor,
        f"{fmt(per_card)} {unit} per card ÷ {fmt(divisor)} {what} = {fmt(val)} {unit_out}",
    )


def _basis_rows(
    v: float,
    basis: str,
    hardware: HardwareSpec,
    unit: str,
    packages_per_node: Optional[int],
    packages_in_system: Optional[int],
) -> list[dict]:
    """per_card, per_die, per_node, per_system; a basis that cannot be reached is a null row (the
    input's own basis raises)."""
    rows: list[dict] = []
    for target in BASES:
        try:
            c = convert_basis(
                v,
                basis,
                target,
                hardware,
                packages_per_node=packages_per_node,
                packages_in_system=packages_in_system,
                unit=unit,
            )
            rows.append(_row(f"per_{target}", c.value, c.unit, basis, c.factor, c.explanation))
        except UserError as exc:
            if target == basis:
                raise
            rows.append(_row(f"per_{target}", None, f"{unit} per {target}", basis, None, "", str(exc)))
    return rows


def _dense_tflop_row(
    card: BasisConversion, unit: str, basis: str, hardware: HardwareSpec, dtype: Optional[str]
) -> dict:
    """per_dense_tflop at ``dtype``; raises for an unknown dtype or one the chip cannot run."""
    if dtype is None:
        return _row(
            "per_dense_tflop",
            None,
            f"{unit} per dense TFLOPS",
            basis,
            None,
            "",
            "no dtype given: pass the precision the figure was measured at",
        )
    d = canonical_dtype(dtype)
    if d not in DTYPES:
        raise UserError(f"unknown dtype {dtype!r}{did_you_mean(d, DTYPES)}; known: {', '.join(DTYPES)}")
    if d in hardware.unsupported_dtypes:
        hardware.peak_tflops(d)  # raises the UserError naming the supported dtypes
    peak = getattr(hardware.peak_dense_tflops, d)
    return _derived_row(
        "per_dense_tflop",
        f"{unit} per dense {d} TFLOPS",
        peak,
        f"dense {d} TFLOPS per card",
        f"{hardware.id}: peak dense {d} TFLOPS unknown",
        card,
        unit,
        basis,
    )


def _measured_power_row(
    card: BasisConversion, unit: str, basis: str, measured_power_w_per_package: Optional[float]
) -> dict:
    """per_watt_measured from a measured mean power per package, or a null row without one."""
    if measured_power_w_per_package is None:
        return _row(
            "per_watt_measured", None, f"{unit} per W (measured)", basis, None, "", "no energy reading for this run"
        )
    p = _check_value(measured_power_w_per_package, "measured_power_w_per_package")
    return _derived_row(
        "per_watt_measured",
        f"{unit} per W (measured) = tokens per J",
        p if p > 0 else None,
        "W measured per card",
        "measured power is 0",
        card,
        unit,
        basis,
    )


def _package_hour_prices(
    hardware: HardwareSpec, usd_per_package_hour: Optional[float], prices: Optional[Iterable[PriceEntry]]
) -> list[tuple[float, str]]:
    """(USD per package-hour, label) pairs: the user's price if given, else every sourced price for
    this hardware."""
    price_list: list[tuple[float, str]] = []
    if usd_per_package_hour is not None:
        p = _check_value(usd_per_package_hour, "usd_per_package_hour")
        if p <= 0:
            raise UserError("usd_per_package_hour must be > 0")
        price_list.append((p, "user-given price"))
    else:
        for e in prices or ():
            if e.hardware == hardware.id:
                price_list.append((e.usd_per_package_hour, f"{e.provider} {e.offering}, {e.date}"))
    return price_list


def _price_rows(card: BasisConversion, unit: str, basis: str, price_list: list[tuple[float, str]]) -> list[dict]:
    """per_usd_hour (and usd_per_million_tokens for tok/s) per price, or one null row without a price."""
    per_card = card.value
    rows: list[dict] = []
    if not price_list:
        rows.append(
            _row(
                "per_usd_hour",
                None,
                f"{unit} per (USD/package-hour)",
                basis,
                None,
                "",
                "no sourced price for this hardware: pass usd_per_package_hour",
            )
        )
    for price, label in price_list:
        val = per_card / price
        rows.append(
            _row(
                "per_usd_hour",
                val,
                f"{unit} per (USD/package-hour)",
                basis,
                card.factor / price,
                f"{fmt(per_card)} {unit} per card ÷ {fmt(price)} USD per package-hour ({label}) = {fmt(val)}",
            )
        )
        if unit == "tok/s" and per_card > 0:
            cost = price / (per_card * 3600) * 1e6
            rows.append(
                _row(
                    "usd_per_million_tokens",
                    cost,
                    "USD per 1M tokens",
                    basis,
                    None,
                    f"{fmt(price)} USD/h ÷ ({fmt(per_card)} tok/s × 3,600 s/h) × 1e6 = {fmt(cost)} USD per 1M tokens ({label})",
                )
            )
    return rows


def _per_user_rows(card: BasisConversion, unit: str, basis: str, tpot_ms: Optional[float]) -> list[dict]:
    """tok_per_s_per_user (= 1000 / TPOT) and implied_concurrency_per_card, or a null row without a TPOT."""
    if tpot_ms is None:
        return [_row("tok_per_s_per_user", None, "tok/s per user", basis, None, "", "no TPOT given")]
    per_card = card.value
    t = _check_value(tpot_ms, "tpot_ms")
    if t <= 0:
        raise UserError("tpot_ms must be > 0")
    tpu = interactivity_tok_per_s(t)
    assert tpu is not None  # t > 0 checked above
    conc = per_card / tpu
    return [
        _row(
            "tok_per_s_per_user",
            tpu,
            "tok/s per user",
            basis,
            None,
            f"1,000 ms ÷ {fmt(t)} ms TPOT = {fmt(tpu)} tok/s per user",
        ),
        _row(
            "implied_concurrency_per_card",
            conc,
            "streams per card",
            basis,
            None,
            f"{fmt(per_card)} {unit} per card ÷ {fmt(tpu)} tok/s per user = {fmt(conc)} concurrent streams per card",
        ),
    ]


def _rows_frame(rows: list[dict]):
    """The rows as a polars DataFrame with the fixed column types."""
    import polars as pl

    schema = {
        "form": pl.Utf8,
        "value": pl.Float64,
        "unit": pl.Utf8,
        "basis": pl.Utf8,
        "factor": pl.Float64,
        "explanation": pl.Utf8,
        "available": pl.Boolean,
        "reason": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema)


def normalize(
    value: float,
    basis: str,
    hardware: HardwareSpec,
    dtype: Optional[str] = None,
    *,
    unit: str = "tok/s",
    packages_per_node: Optional[int] = None,
    packages_in_system: Optional[int] = None,
    tpot_ms: Optional[float] = None,
    measured_power_w_per_package: Optional[float] = None,
    usd_per_package_hour: Optional[float] = None,
    prices: Optional[Iterable[PriceEntry]] = None,
):
    """Every normalized form of a throughput figure, as a polars DataFrame (one row per form).

    Columns: ``form``, ``value`` (null when unavailable), ``unit``, ``basis`` (of the input),
    ``factor`` (value = input x factor), ``explanation``, ``available``, ``reason`` (why null).

    Forms: per_card, per_die, per_node, per_system, per_dense_tflop (at ``dtype``),
    per_hbm_tb_per_s, per_watt_tdp, per_watt_measured (from ``measured_power_w_per_package``,
    e.g. joules / seconds / packages of an energy reading), per_usd_hour and usd_per_million_tokens
    (``usd_per_package_hour`` given by the user wins; else one row per sourced price in
    ``prices``), tok_per_s_per_user (= 1000 / ``tpot_ms``) and implied_concurrency_per_card.

    ``dtype`` unsupported by the chip raises :class:`UserError` (a figure at a precision the chip
    cannot run is meaningless); an unknown figure gives a null row with a reason.
    """
    import polars as pl  # noqa: F401  (imported first, as before: a missing polars fails before any check)

    v = _check_value(value)
    b = canonical_basis(basis)
    card = convert_basis(
        v, b, "card", hardware, packages_per_node=packages_per_node, packages_in_system=packages_in_system, unit=unit
    )
    rows = _basis_rows(v, b, hardware, unit, packages_per_node, packages_in_system)
    rows.append(_dense_tflop_row(card, unit, b, hardware, dtype))
    rows.append(
        _derived_row(
            "per_hbm_tb_per_s",
            f"{unit} per HBM TB/s",
            hardware.hbm_tb_per_s,
            "TB/s HBM per card",
            f"{hardware.id}: HBM bandwidth unknown",
            card,
            unit,
            b,
        )
    )
    rows.append(
        _derived_row(
            "per_watt_tdp",
            f"{unit} per W (TDP) = tokens per J",
            hardware.tdp_w,
            "W TDP per card",
            f"{hardware.id}: TDP unknown",
            card,
            unit,
            b,
        )
    )
    rows.append(_measured_power_row(card, unit, b, measured_power_w_per_package))
    rows += _price_rows(card, unit, b, _package_hour_prices(hardware, usd_per_package_hour, prices))
    rows += _per_user_rows(card, unit, b, tpot_ms)
    return _rows_frame(rows)

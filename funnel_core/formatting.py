"""Turning KPI values into text for tables, charts and reports (one place for units)."""

from __future__ import annotations

import math

from .constants import CURRENCIES


def currency_symbol(currency: str) -> str:
    """The symbol of an ISO currency code we support (``"USD"`` -> ``"$"``)."""
    return CURRENCIES.get(currency.upper(), currency.upper())


def format_value(value: float | None, unit: str, currency: str = "USD", *, digits: int | None = None) -> str:
    """Format a KPI value or benchmark figure with its unit.

    Parameters
    ----------
    value : the number; ``None``/NaN/inf give ``"n/a"``.
    unit : ``fraction`` (shown as %), ``ratio`` (``3.2x``), ``months``, ``currency``, ``points``.
    currency : ISO code used for ``currency`` values.
    digits : decimals; by default 1 for % and ratios, 0 for money above 100.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    if unit == "fraction":
        pct = value * 100
        d = digits if digits is not None else (2 if abs(pct) < 1 and pct != 0 else 1)
        return f"{pct:,.{d}f} %"
    if unit == "ratio":
        d = digits if digits is not None else 2
        return f"{value:,.{d}f}x"
    if unit == "months":
        d = digits if digits is not None else 1
        return f"{value:,.{d}f} months"
    if unit == "currency":
        d = digits if digits is not None else (0 if abs(value) >= 100 else 2)
        symbol = currency_symbol(currency)
        text = f"{abs(value):,.{d}f}"
        sign = "-" if value < 0 else ""
        if symbol in ("$", "£", "€"):
            return f"{sign}{symbol}{text}"
        return f"{sign}{text} {symbol}"
    if unit == "points":
        d = digits if digits is not None else 0
        return f"{value:+,.{d}f}" if value else "0"
    d = digits if digits is not None else 2
    return f"{value:,.{d}f}"


def format_number(value: float) -> str:
    """A plain input number: integers without decimals, others with up to 4 significant decimals."""
    if not math.isfinite(value):
        return "n/a"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"

"""Turning KPI values into text for tables, charts and reports (one place for units)."""

from __future__ import annotations

import math

from funnel_core.domain.constants import CURRENCIES


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


def money_digits(values) -> int:
    """Decimals for money amounts shown together in one view, so they share one format.

    Returns 0 when any finite amount is 100 or more (cents next to hundreds are noise:
    "$6,915", "$647", "$90", never "$90.00" beside them), else 2 ("$49.90"). ``values`` is any
    iterable of numbers; ``None``, NaN and inf are skipped; nothing left gives 0.
    """
    finite = [abs(float(v)) for v in values if v is not None and math.isfinite(float(v))]
    return 2 if finite and max(finite) < 100 else 0


def format_number(value: float) -> str:
    """A plain input number: integers without decimals, others with up to 4 significant decimals."""
    if not math.isfinite(value):
        return "n/a"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"


def figure_text(benchmark, higher_is_better: bool | None = True, currency: str = "USD") -> str:
    """A published figure in words, with its kind: ``"3.0-5.0 %"``, ``"≤ 3.0 %"``,
    ``"P25 1.0 % · median 4.0 % · P75 12.0 %"``, ``"good 3.0 % · great 6.0 %"``, ``"target ≥ 3.00x"``,
    ``"< 3.0 %"`` (a strict bound), ``"concern if > 36.0 months"``.

    ``benchmark`` is a :class:`funnel_core.benchmarks.catalogue.Benchmark` (any object with ``statistic``,
    ``low``, ``median``, ``high`` and ``unit``). For good/great of a lower-is-better KPI the
    higher number is "good" and the lower "great".
    """
    unit = benchmark.unit
    low, median, high = benchmark.low, benchmark.median, benchmark.high

    def f(value: float | None) -> str:
        return format_value(value, unit, currency)

    statistic = benchmark.statistic
    if statistic == "quartiles":
        return f"P25 {f(low)} · median {f(median)} · P75 {f(high)}"
    if statistic == "good_great" and low is not None and high is not None:
        good, great = (low, high) if higher_is_better is not False else (high, low)
        return f"good {f(good)} · great {f(great)}"
    strict = getattr(benchmark, "bound", "inclusive") == "strict"
    if statistic == "concern" and (low is None) != (high is None):
        if high is not None:
            return f"concern if {'≥' if strict else '>'} {f(high)}"
        return f"concern if {'≤' if strict else '<'} {f(low)}"
    prefix = "target " if statistic == "target" else ""
    if low is not None and high is not None:
        text = f"{f(low)} – {f(high)}"
        if median is not None:
            text += f" (median {f(median)})"
        return prefix + text
    if median is not None and (low is not None or high is not None):
        kind = {"median": "median, ", "average": "average, "}.get(statistic, "")
        bound = f"up to {f(high)}" if high is not None else f"from {f(low)}"
        return f"{prefix}{f(median)} ({kind}{bound})"
    if low is not None:
        return f"{prefix}{'>' if strict else '≥'} {f(low)}"
    if high is not None:
        return f"{prefix}{'<' if strict else '≤'} {f(high)}"
    kind = {"median": "median", "average": "average"}.get(statistic, "")
    return f"{prefix}{f(median)}" + (f" ({kind})" if kind else "")

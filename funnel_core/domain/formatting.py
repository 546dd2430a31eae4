"""Turning KPI values into text for tables, charts and reports (one place for units).

Numbers follow the current language (:mod:`funnel_core.domain.i18n`): English keeps the
product's own style (``12.5 %``, ``$1,234``, ``3.20x``); German, French and Polish use their
Babel locale's separators and the places of the % and currency signs (``12,5 %``,
``1.234 €``, ``1 234 zł``). The currency stays the one the user chose; only its format follows
the language.
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import math
import re

from funnel_core.domain.constants import CURRENCIES
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, babel_locale, current_language, tr

#: Babel writes a narrow no-break space (U+202F) in French groups; the PDF fonts and many
#: spreadsheets show it as a box, so the wider no-break space (U+00A0) is used instead.
_NARROW_NBSP = "\u202f"


@functools.lru_cache(maxsize=64)
def _pattern(locale_name: str, kind: str, digits: int):
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(locale_name)
    if kind == "percent":
        pattern = parse_pattern(locale.percent_formats[None])
    elif kind == "currency":
        pattern = parse_pattern(locale.currency_formats["standard"])
    else:
        pattern = parse_pattern(locale.decimal_formats[None])
    pattern = copy.copy(pattern)  # the locale's own pattern object is shared: never change it
    pattern.frac_prec = (digits, digits)
    return locale, pattern


def localised_number(value: float, digits: int, kind: str = "decimal", currency: str | None = None,
                     language: str | None = None) -> str:
    """``value`` in the number format of ``language`` (default: the current one).

    ``kind`` is ``decimal``, ``percent`` (``value`` is a fraction: 0.125 -> ``12,5 %``) or
    ``currency`` (ISO ``currency``); ``digits`` decimals are always shown.
    """
    locale, pattern = _pattern(babel_locale(language), kind, digits)
    if kind == "currency":
        text = pattern.apply(value, locale, currency=currency or "USD", currency_digits=False)
    else:
        text = pattern.apply(value, locale)
    return text.replace(_NARROW_NBSP, "\u00a0")


def _english() -> bool:
    return current_language() == DEFAULT_LANGUAGE


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
        return tr("n/a")
    if not _english():
        return _format_localised(value, unit, currency, digits)
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


def _format_localised(value: float, unit: str, currency: str, digits: int | None) -> str:
    """:func:`format_value` for a language other than English (same digits, local format)."""
    if unit == "fraction":
        pct = value * 100
        d = digits if digits is not None else (2 if abs(pct) < 1 and pct != 0 else 1)
        return localised_number(value, d, "percent")
    if unit == "ratio":
        d = digits if digits is not None else 2
        return localised_number(value, d) + "x"
    if unit == "months":
        d = digits if digits is not None else 1
        return tr("{value} months", value=localised_number(value, d))
    if unit == "currency":
        d = digits if digits is not None else (0 if abs(value) >= 100 else 2)
        return localised_number(value, d, "currency", currency.upper())
    if unit == "points":
        d = digits if digits is not None else 0
        return ("+" if value > 0 else "") + localised_number(value, d) if value else "0"
    d = digits if digits is not None else 2
    return localised_number(value, d)


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
        return tr("n/a")
    if not _english():
        if float(value).is_integer():
            return localised_number(value, 0)
        if abs(value) < 1:
            from babel.numbers import format_decimal

            return format_decimal(float(f"{value:.4g}"), format="0.####", locale=babel_locale())
        return localised_number(value, 2)
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
        return tr("P25 {low} · median {median} · P75 {high}", low=f(low), median=f(median), high=f(high))
    if statistic == "good_great" and low is not None and high is not None:
        good, great = (low, high) if higher_is_better is not False else (high, low)
        return tr("good {good} · great {great}", good=f(good), great=f(great))
    strict = getattr(benchmark, "bound", "inclusive") == "strict"
    if statistic == "concern" and (low is None) != (high is None):
        if high is not None:
            return tr("concern if {sign} {value}", sign="≥" if strict else ">", value=f(high))
        return tr("concern if {sign} {value}", sign="≤" if strict else "<", value=f(low))
    target = statistic == "target"

    def with_prefix(text: str) -> str:
        return tr("target {figure}", figure=text) if target else text

    if low is not None and high is not None:
        text = f"{f(low)} – {f(high)}"
        if median is not None:
            text = tr("{range} (median {median})", range=text, median=f(median))
        return with_prefix(text)
    if median is not None and (low is not None or high is not None):
        bound = tr("up to {value}", value=f(high)) if high is not None else tr("from {value}", value=f(low))
        if statistic == "median":
            return with_prefix(tr("{value} (median, {bound})", value=f(median), bound=bound))
        if statistic == "average":
            return with_prefix(tr("{value} (average, {bound})", value=f(median), bound=bound))
        return with_prefix(f"{f(median)} ({bound})")
    if low is not None:
        return with_prefix(f"{'>' if strict else '≥'} {f(low)}")
    if high is not None:
        return with_prefix(f"{'<' if strict else '≤'} {f(high)}")
    if statistic == "median":
        return with_prefix(tr("{value} (median)", value=f(median)))
    if statistic == "average":
        return with_prefix(tr("{value} (average)", value=f(median)))
    return with_prefix(f(median))


def date_text(value: "_dt.date | str | None") -> str:
    """A date for people: ISO ``2026-01-31`` in English (the product's style, unambiguous),
    the language's long form elsewhere (``31. Januar 2026``, ``31 janvier 2026``,
    ``31 stycznia 2026``). Text that is not an ISO date comes back as it is; ``None`` gives ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        day = value
    else:
        try:
            day = _dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            return str(value)
        if len(str(value).strip()) != 10:
            return str(value)
    if _english():
        return day.isoformat()
    from babel.dates import format_date

    return format_date(day, format="long", locale=babel_locale())


def lower_keeping_acronyms(text: str) -> str:
    """Lower case for a label inside an English sentence, acronyms kept.

    A word with two or more capitals is an acronym or a name and stays as it is (``"MQL"``,
    ``"MQLs"``, ``"SaaS"``, ``"S&M"``); other words are lowered: ``"Lead to MQL"`` ->
    ``"lead to MQL"``, ``"CAC payback"`` -> ``"CAC payback"``, ``"Visitors"`` -> ``"visitors"``.
    """
    return _WORD.sub(lambda m: m.group(0) if sum(c.isupper() for c in m.group(0)) >= 2
                     else m.group(0).lower(), text)


_WORD = re.compile(r"[^\W\d_][\w&]*")

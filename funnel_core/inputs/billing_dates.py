"""One date cell of a billing export read as a month and a day.

Understood: dates and timestamps (also as ``YYYY-MM-DD...`` text), ``YYYY-MM``,
``DD.MM.YYYY`` / ``MM/DD/YYYY`` (two-digit years are 20xx), ``MM/YYYY``, ``YYYYMM(DD)``
numbers and text, Excel serial day numbers (spreadsheets only) and month names in English,
German, French and Polish (``"Jan 2025"``, ``"31 Jan 2025"``, ``"January 31, 2025"``,
``"01-Jan-25"``). ``01/02/2025`` could be 1 February or 2 January: it is kept as an
:class:`AmbiguousDate` until the whole column has been seen
(:mod:`funnel_core.inputs.billing_date_columns`).

A date is ``(month ordinal, day ordinal, has_day)``: the monthly Period ordinal
(``(year - 1970) * 12 + month - 1``), days since 1970-01-01, and whether the value named a
day (``2025-01`` does not; its day ordinal is then the 1st of the month). Years outside
1900..2200 are not dates.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.inputs.billing_columns import fold_text
from funnel_core.inputs.billing_export_data import month_ordinal
from funnel_core.inputs.period_labels import MONTH_NAMES

__all__ = [
    "DMY_RE",
    "AmbiguousDate",
    "DateValue",
    "make_date",
    "parse_date_value",
    "parse_month_label",
]

_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()

_RE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T\s].*)?$")
#: ``a/b/yyyy``, ``a.b.yy``, ``a-b-yyyy`` (optionally followed by a time).
DMY_RE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[T\s].*)?$")
_RE_MY = re.compile(r"^(\d{1,2})[./-](\d{4})$")
_RE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_RE_TOKENS = re.compile(r"[^\W\d_]+|\d+")

#: A parsed date: (month ordinal, day ordinal since 1970-01-01, has_day).
DateValue = tuple[int, int, bool]


@dataclass(frozen=True)
class AmbiguousDate:
    """``a/b/yyyy`` where both ``a`` and ``b`` could be the day."""

    a: int
    b: int
    year: int
    sep: str

    def resolve(self, *, day_first: bool) -> DateValue | None:
        """The date read day first (``a`` is the day) or month first; None if invalid."""
        day, month = (self.a, self.b) if day_first else (self.b, self.a)
        return make_date(self.year, month, day)


def _year(text: str) -> int:
    """A year from its digits; two digits are 20xx."""
    y = int(text)
    return 2000 + y if len(text) <= 2 else y


def make_date(year: int, month: int, day: int | None) -> DateValue | None:
    """The date of a year, month and (optional) day; None when it does not exist."""
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        return None
    if day is None:
        return (month_ordinal(year, month),
                _dt.date(year, month, 1).toordinal() - _EPOCH_ORDINAL, False)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return (month_ordinal(year, month),
            _dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL, True)


def parse_date_value(value: object, *, excel: bool = False) -> DateValue | AmbiguousDate | None:
    """Parse one cell value; ``None`` when it is not a date.

    Parameters
    ----------
    value : object
        A date, timestamp, number or text.
    excel : bool
        The value comes from a spreadsheet: whole numbers up to 200,000 are Excel serial
        day numbers (1900 system).
    """
    if isinstance(value, (_dt.datetime, _dt.date, pd.Timestamp)):
        if pd.isna(value):
            return None
        return make_date(value.year, value.month, value.day)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return _number_date(value, excel=excel)
    text = str(value).strip()
    if not text:
        return None
    m = _RE_ISO.match(text)
    if m:
        return make_date(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    m = DMY_RE.match(text)
    if m:
        a, b, y = int(m[1]), int(m[3]), _year(m[4])
        if a > 12 and b <= 12:
            return make_date(y, b, a)
        if b > 12 and a <= 12:
            return make_date(y, a, b)
        if a > 12 and b > 12:
            return None
        if a == b:
            return make_date(y, a, b)
        return AmbiguousDate(a, b, y, m[2])
    m = _RE_MY.match(text)
    if m:
        return make_date(int(m[2]), int(m[1]), None)
    m = _RE_COMPACT.match(text)
    if m:
        return make_date(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    return _month_name_date(text)


def _number_date(value: float | int, *, excel: bool) -> DateValue | None:
    """``202501`` (a month), ``20250131`` (a day), or an Excel serial day number."""
    if not np.isfinite(value) or float(value) != int(value):
        return None
    n = int(value)
    if 190001 <= n <= 220012:
        return make_date(n // 100, n % 100, None)
    if 19000101 <= n <= 22001231:
        return make_date(n // 10000, n // 100 % 100, n % 100)
    if excel and 1 <= n <= 200_000:  # Excel serial day number (1900 system)
        d = _dt.date(1899, 12, 30) + _dt.timedelta(days=n)
        return make_date(d.year, d.month, d.day)
    return None


def _month_name_date(text: str) -> DateValue | None:
    """Dates with a month name: "Jan 2025", "31 Jan 2025", "January 31, 2025", "01-Jan-25",
    "Jan-25"; None when the text has no month name, or words that are not one."""
    tokens = _RE_TOKENS.findall(fold_text(text))
    month = None
    numbers: list[str] = []
    for tok in tokens:
        if tok.isdigit():
            numbers.append(tok)
        elif tok in MONTH_NAMES and month is None:
            month = MONTH_NAMES[tok]
        elif tok in ("t", "z", "am", "pm", "utc", "gmt", "r", "rok"):
            continue
        else:
            return None
    if month is None:
        return None
    numbers = numbers[:3]
    if len(numbers) > 2 and len(numbers[2]) <= 2:  # a time like 10:00 after the date
        numbers = numbers[:2]
    fours = [n for n in numbers if len(n) == 4]
    if len(numbers) == 1:
        return make_date(_year(numbers[0]), month, None)
    if len(numbers) == 2:
        if fours:
            year = fours[0]
            day = numbers[0] if numbers[1] == year else numbers[1]
            return make_date(int(year), month, int(day))
        return make_date(_year(numbers[1]), month, int(numbers[0]))
    return None


def parse_month_label(text: str) -> int:
    """Period ordinal of ``"YYYY-MM"`` (also accepts any date format
    :func:`~funnel_core.inputs.billing_read.read_export` understands, e.g. ``"01/2025"``
    or ``"Jan 2025"``; ``01/02/2025`` is read day first).

    Raises
    ------
    ValueError
        When the text is not a month.
    """
    parsed = parse_date_value(str(text).strip())
    if parsed is None:
        raise ValueError(tr("not a month: {text} (use YYYY-MM)", text=repr(text)))
    if isinstance(parsed, AmbiguousDate):
        parsed = parsed.resolve(day_first=True)
        if parsed is None:
            raise ValueError(tr("not a month: {text} (use YYYY-MM)", text=repr(text)))
    return parsed[0]

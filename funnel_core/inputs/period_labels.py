"""Period labels as people write them in files: ``2025-01``, ``Jan 2025``, ``2025-Q1``, ``31.01.2025``.

:func:`parse_period_label` reads one label (English, German, French and Polish month names,
quarters, fiscal years, dates) into a :class:`PeriodLabel` that sorts chronologically;
:func:`infer_granularity` tells months, quarters or years from a set of labels, and
:func:`dayfirst_vote` decides how a column of ``01/02/2025`` dates is meant. Labels that are
not periods give None, never an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "MONTH_NAMES",
    "PeriodLabel",
    "dayfirst_vote",
    "infer_granularity",
    "parse_period_label",
]


@dataclass(frozen=True)
class PeriodLabel:
    """What a period label such as ``2025-Q1`` or ``Jan 2025`` means.

    Attributes
    ----------
    text : str
        The label as written.
    start : tuple of int or None
        ``(year, month, day)`` of the period's start (or the date), for sorting; None when
        the label has no year (``"March"``).
    granularity : str or None
        ``"month"``, ``"quarter"``, ``"year"``, or None for a single date.
    """

    text: str
    start: tuple[int, int, int] | None
    granularity: str | None


#: Month name or abbreviation (lower case ASCII, English/German/French/Polish) -> month number.
MONTH_NAMES: dict[str, int] = {}
for _num, _names in enumerate((
    "january jan januar janner jaenner janvier janv styczen stycznia sty",
    "february feb februar fevrier fevr fev luty lutego lut",
    "march mar marz maerz mrz mars marzec marca",
    "april apr avril avr kwiecien kwietnia kwi",
    "may mai maj maja",
    "june jun juni juin czerwiec czerwca cze",
    "july jul juli juillet juil lipiec lipca lip",
    "august aug aout sierpien sierpnia sie",
    "september sep sept septembre wrzesien wrzesnia wrz",
    "october oct okt oktober octobre pazdziernik pazdziernika paz",
    "november nov novembre listopad listopada lis",
    "december dec dez dezember decembre grudzien grudnia gru",
), start=1):
    for _name in _names.split():
        MONTH_NAMES[_name] = _num

_QUARTER_WORDS = r"(?:q|quarter|quartal|qtr|kw|kwartal|trimestre|trim|t)"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _ascii_lower(text: str) -> str:
    s = text.replace("ł", "l").replace("Ł", "L")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.casefold().strip()


def _year(text: str) -> int | None:
    value = int(text)
    if len(text) <= 2:
        value += 2000
    return value if 1900 <= value <= 2199 else None


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def parse_period_label(
    text: object,
    *,
    dayfirst: bool = True,
    allow_bare_year: bool = True,
) -> PeriodLabel | None:
    """Read a period label such as ``2025-01``, ``Jan 2025``, ``2025-Q1`` or ``31.01.2025``.

    Parameters
    ----------
    text : object
        The label. ``datetime``/``date`` objects are accepted too.
    dayfirst : bool
        How to read ``01/02/2025`` when both numbers could be the month.
    allow_bare_year : bool
        Accept a plain ``2025`` as a year (off when the column header does not say it
        holds periods, because ``2025`` may just be a number).

    Returns
    -------
    PeriodLabel or None
        None when the text is not a period label.
    """
    if isinstance(text, (dt.datetime, pd.Timestamp)):
        return PeriodLabel(str(text), (text.year, text.month, text.day), None)
    if isinstance(text, dt.date):
        return PeriodLabel(str(text), (text.year, text.month, text.day), None)
    if text is None:
        return None
    label = str(text).strip()
    if not label or len(label) > 40:
        return None
    s = _ascii_lower(label)
    s = re.sub(r"[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$", "", s).strip()
    s = re.sub(r"\s+", " ", s)

    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return PeriodLabel(label, (y, mo, d), None) if _valid_date(y, mo, d) else None
    m = re.fullmatch(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})", s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        if y is None:
            return None
        if a > 12:
            d, mo = a, b
        elif b > 12:
            mo, d = a, b
        else:
            d, mo = (a, b) if dayfirst else (b, a)
        return PeriodLabel(label, (y, mo, d), None) if _valid_date(y, mo, d) else None
    m = re.fullmatch(r"(\d{4})\s?[-/.]\s?(\d{1,2})", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1900 <= y <= 2199:
            return PeriodLabel(label, (y, mo, 1), "month")
        return None
    m = re.fullmatch(r"(\d{1,2})\s?[-/.]\s?(\d{4})", s)
    if m:
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1900 <= y <= 2199:
            return PeriodLabel(label, (y, mo, 1), "month")
        return None

    quarter = _parse_quarter(s)
    if quarter is not None:
        y, q = quarter
        return PeriodLabel(label, (y, 3 * (q - 1) + 1, 1), "quarter")

    m = re.fullmatch(r"(?:fy|gj|fiscal year|year|jahr|annee|rok|ex|exercice)\s?[-']?\s?(\d{4}|\d{2})"
                     r"(?:\s?r\.?)?", s)
    if m:
        y = _year(m.group(1))
        return PeriodLabel(label, (y, 1, 1), "year") if y else None
    m = re.fullmatch(r"(\d{4})(?:\s?r\.?)?", s)
    if m and allow_bare_year:
        y = _year(m.group(1))
        return PeriodLabel(label, (y, 1, 1), "year") if y else None

    return _parse_month_name(label, s)


def _parse_quarter(s: str) -> tuple[int, int] | None:
    s = re.sub(r"\bfy\s?", "", s)
    patterns = (
        rf"(?P<y>\d{{4}})\s?[-/ ]?\s?{_QUARTER_WORDS}\.?\s?(?P<q>[1-4])",
        rf"{_QUARTER_WORDS}\.?\s?(?P<q>[1-4])\s?[-/ ']?\s?(?P<y>\d{{4}}|\d{{2}})",
        rf"(?P<q>[1-4])\s?\.?\s?{_QUARTER_WORDS}\.?\s?[-/ ']?\s?(?P<y>\d{{4}}|\d{{2}})",
        rf"(?P<y>\d{{4}})\s?[-/ ]?\s?(?P<q>[1-4])\s?\.?\s?{_QUARTER_WORDS}",
    )
    for pattern in patterns:
        m = re.fullmatch(pattern, s)
        if m:
            y = _year(m.group("y"))
            return (y, int(m.group("q"))) if y else None
    m = re.fullmatch(rf"(?P<r>iv|i{{1,3}})\s?\.?\s?{_QUARTER_WORDS}\.?\s?[-/ ']?\s?(?P<y>\d{{4}})", s)
    if m:
        y = _year(m.group("y"))
        return (y, _ROMAN[m.group("r")]) if y else None
    return None


def _parse_month_name(label: str, s: str) -> PeriodLabel | None:
    tokens = re.findall(r"[a-z]+|\d+", s)
    if not tokens or len(tokens) > 4:
        return None
    month: int | None = None
    numbers: list[str] = []
    for token in tokens:
        if token.isdigit():
            numbers.append(token)
        elif token in MONTH_NAMES and month is None:
            month = MONTH_NAMES[token]
        elif token in ("r", "de", "du", "of", "rok", "roku", "fy"):
            continue
        else:
            return None
    if month is None:
        return None
    if re.search(r"[^a-z0-9\s.,'/\-]", s):
        return None
    years = [n for n in numbers if len(n) == 4]
    small = [n for n in numbers if len(n) <= 2]
    if len(years) > 1 or len(numbers) > 2 or len(numbers) - len(years) - len(small) != 0:
        return None
    if not numbers:
        return PeriodLabel(label, None, "month")
    if years:
        y = _year(years[0])
        if y is None:
            return None
        if small:  # a day: "31 Jan 2025", "Jan 31, 2025"
            d = int(small[0])
            return PeriodLabel(label, (y, month, d), None) if _valid_date(y, month, d) else None
        return PeriodLabel(label, (y, month, 1), "month")
    if len(small) == 1:  # "Jan-25", "Jan '25": a two-digit year
        y = _year(small[0])
        return PeriodLabel(label, (y, month, 1), "month") if y else None
    return None


def infer_granularity(labels: list[PeriodLabel]) -> str | None:
    """Tell whether a set of period labels are months, quarters or years.

    Parameters
    ----------
    labels : list of PeriodLabel
        The labels read from one file.

    Returns
    -------
    str or None
        The granularity the labels share (``"month"``, ``"quarter"``, ``"year"``); for plain
        dates, the one their regular gaps suggest (27-32, 88-93 or 364-367 days). None when
        the labels mix kinds, a date has no year, fewer than two dates are given or the gaps
        are irregular.
    """
    kinds = {p.granularity for p in labels}
    if len(kinds) == 1 and None not in kinds:
        return next(iter(kinds))
    if kinds != {None} or len(labels) < 2 or any(p.start is None for p in labels):
        return None
    dates = sorted(dt.date(*p.start) for p in labels if p.start)
    gaps = {(b - a).days for a, b in zip(dates, dates[1:])}
    if gaps and all(27 <= g <= 32 for g in gaps):
        return "month"
    if gaps and all(88 <= g <= 93 for g in gaps):
        return "quarter"
    if gaps and all(364 <= g <= 367 for g in gaps):
        return "year"
    return None


def dayfirst_vote(labels: list[str]) -> bool:
    """Decide whether the dates of one column put the day first (``31/01/2025``).

    Parameters
    ----------
    labels : list of str
        The column's period labels.

    Returns
    -------
    bool
        False only when more dates can only be month-first (second number above 12) than
        day-first (first number above 12); True otherwise, also when no date decides.
    """
    first = second = 0
    for label in labels:
        m = re.fullmatch(r"\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\s*", label)
        if m:
            if int(m.group(1)) > 12:
                first += 1
            elif int(m.group(2)) > 12:
                second += 1
    return not second > first

"""Period labels read as calendar periods: which month, quarter or year a label means.

"Previous period" and "a year before" in the trends are found from the labels the user gave
their periods: ``2025-06``, ``2025/6``, ``Jun 2025``, ``2025-06-30`` (monthly), ``2025-Q2``,
``Q2 2025`` (quarterly) and ``2025``, ``FY2025`` (yearly) are understood
(:func:`parse_period_label`). The file parser's reading of period columns
(:func:`funnel_core.inputs.period_labels.parse_period_label`) comes first, so a label means
here what it meant when the file was read. A year before a month is the same month 12 months
back; a year before a quarter is 4 quarters back (:func:`year_back`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from funnel_core.domain.constants import MONTHS_IN_PERIOD
from funnel_core.inputs.period_labels import parse_period_label as parse_file_period_label

__all__ = ["PeriodKey", "parse_period_label", "step_back", "year_back"]

_STEPS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}

_MONTH_NAMES = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}


@dataclass(frozen=True, order=True)
class PeriodKey:
    """A calendar period read from a label.

    Attributes
    ----------
    kind : ``month``, ``quarter`` or ``year``.
    year : the calendar (or fiscal) year.
    index : month 1-12, quarter 1-4, or 1 for a year.
    """

    kind: str
    year: int
    index: int

    @property
    def ordinal(self) -> int:
        """A running number: consecutive periods of one kind differ by 1."""
        return self.year * _STEPS_PER_YEAR[self.kind] + self.index - 1

    def shifted(self, steps: int) -> "PeriodKey":
        """The period ``steps`` periods later (earlier when negative)."""
        per_year = _STEPS_PER_YEAR[self.kind]
        ordinal = self.ordinal + steps
        return PeriodKey(self.kind, ordinal // per_year, ordinal % per_year + 1)

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if len(text) == 2 else value


_MONTH_WORD = "(" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\.?"
_PATTERNS: tuple[tuple[re.Pattern[str], str, tuple[int, int]], ...] = (
    # (pattern, kind, (group of year, group of index))
    (re.compile(r"^(\d{4})\s*[-/. ]\s*(\d{1,2})(?:\s*[-/. ]\s*\d{1,2})?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$"),
     "month", (1, 2)),
    (re.compile(r"^(\d{4})(\d{2})$"), "month", (1, 2)),
    (re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$"), "month", (2, 1)),
    (re.compile(r"^" + _MONTH_WORD + r"\s*[-/ ,']?\s*(\d{4}|\d{2})$"), "month_name", (2, 1)),
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*" + _MONTH_WORD + r"$"), "month_name", (1, 2)),
    (re.compile(r"^(?:fy\s*)?(\d{4})\s*[-/ ]?\s*q([1-4])$"), "quarter", (1, 2)),
    (re.compile(r"^q([1-4])\s*[-/ ']?\s*(?:fy\s*)?(\d{4}|\d{2})$"), "quarter", (2, 1)),
    (re.compile(r"^(?:fy\s*)?(\d{4})$"), "year", (1, 0)),
)


def parse_period_label(label: Any) -> PeriodKey | None:
    """Read a period label; ``None`` when it is not a month, quarter or year we understand.

    The file parser's reading (:func:`funnel_core.inputs.period_labels.parse_period_label`:
    English, German, French and Polish month names, day-first dates...) is used first, so a
    label means here what it meant when the file was read; a small reader of our own covers
    the rest.

    Examples
    --------
    >>> str(parse_period_label("Jun 2025")), str(parse_period_label("Q2 2025"))
    ('2025-06', '2025-Q2')
    """
    if label is None:
        return None
    key = _from_input_parser(label)
    if key is not None:
        return key
    if hasattr(label, "year") and hasattr(label, "month"):  # date, datetime, Timestamp
        try:
            return PeriodKey("month", int(label.year), int(label.month))
        except (TypeError, ValueError):
            return None
    text = str(label).strip().lower()
    if not text:
        return None
    for pattern, kind, (year_group, index_group) in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = _year(match.group(year_group))
        if kind == "year":
            return PeriodKey("year", year, 1)
        raw = match.group(index_group)
        if kind == "month_name":
            index = _MONTH_NAMES[raw.rstrip(".")]
            kind = "month"
        else:
            index = int(raw)
        if kind == "month" and not 1 <= index <= 12:
            continue
        if not 1900 <= year <= 2200:
            continue
        return PeriodKey(kind, year, index)
    return None


def _from_input_parser(label: Any) -> PeriodKey | None:
    """Read ``label`` the way the file parser reads period columns (same languages, dates).

    A single date (``31.01.2025``) stands for its month. ``None`` when the parser does not
    understand the label.
    """
    try:
        parsed = parse_file_period_label(label)
    except (TypeError, ValueError):
        return None
    if parsed is None or parsed.start is None:
        return None
    year, month, _ = parsed.start
    granularity = parsed.granularity or "month"
    if granularity == "quarter":
        return PeriodKey("quarter", int(year), (int(month) - 1) // 3 + 1)
    if granularity == "year":
        return PeriodKey("year", int(year), 1)
    return PeriodKey("month", int(year), int(month))


def step_back(key: PeriodKey, snapshot_period: str) -> PeriodKey:
    """The period just before ``key`` for numbers covering ``snapshot_period``.

    Month labels on quarterly numbers (``2025-03``, ``2025-06``...) step back 3 months.
    """
    if key.kind == "month":
        return key.shifted(-MONTHS_IN_PERIOD.get(snapshot_period, 1))
    return key.shifted(-1)


def year_back(key: PeriodKey) -> PeriodKey:
    """The same period a year before: 12 months, 4 quarters or 1 year back."""
    return key.shifted(-_STEPS_PER_YEAR[key.kind])

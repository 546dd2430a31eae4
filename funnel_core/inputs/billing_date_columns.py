"""Date columns of a billing export: every row's month and day, with one day/month order.

Each distinct value is parsed once (:func:`funnel_core.inputs.billing_dates.parse_date_value`;
``YYYY-MM-DD`` timestamps vectorised when there are many) and rows get the result by their
code. Dates such as ``01/02/2025`` fit both day/month and month/day order: values that fit
only one order (``13/01/2025`` day first, ``01/13/2025`` month first) decide for all the
date columns of the file, the majority winning when both occur; when nothing decides they
are read day first and, unless they are dotted (``01.02.2025``, day first by convention), a
note says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.inputs.billing_column_codes import codes_uniques, is_blank, raw_getter
from funnel_core.inputs.billing_dates import DMY_RE, AmbiguousDate, parse_date_value

__all__ = ["DateColumn", "read_date_columns"]


@dataclass
class DateColumn:
    """A date column: per-distinct-value results and the row codes.

    Row arrays are gathered on first use (``u_x[codes]``; code -1, an empty cell, picks
    the last slot), so the monthly layout never builds the day arrays it does not need.
    """

    codes: np.ndarray
    u_month: np.ndarray    # int32 Period ordinal
    u_day: np.ndarray      # int32 days since 1970-01-01
    u_has_day: np.ndarray  # bool: the value had a day (not only a month)
    u_missing: np.ndarray  # bool: empty cell
    u_bad: np.ndarray      # bool: not a date
    raw: Callable[[int], object]  # original value of row i (for messages)
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def _rows(self, name: str) -> np.ndarray:
        """Per-row values of ``u_<name>``, gathered once; all-False without gathering when
        no value (and no empty cell) is True."""
        if name not in self._cache:
            per_value = getattr(self, "u_" + name)
            if per_value.dtype == bool and not per_value[:-1].any() and (
                    not per_value[-1] or len(self.codes) == 0 or self.codes.min() >= 0):
                rows = np.zeros(len(self.codes), dtype=bool)  # the usual case: none
            else:
                rows = per_value[self.codes]
            self._cache[name] = rows
        return self._cache[name]

    @property
    def month(self) -> np.ndarray:
        """int32 Period ordinal of each row's month (0 where missing or bad)."""
        return self._rows("month")

    @property
    def day(self) -> np.ndarray:
        """int32 days since 1970-01-01 (the 1st of the month when the value had no day)."""
        return self._rows("day")

    @property
    def has_day(self) -> np.ndarray:
        """True where the value named a day, not only a month."""
        return self._rows("has_day")

    @property
    def missing(self) -> np.ndarray:
        """True where the cell is empty."""
        return self._rows("missing")

    @property
    def bad(self) -> np.ndarray:
        """True where the cell holds something that is not a date."""
        return self._rows("bad")



@dataclass
class _ParsedDates:
    """Parse results per distinct value."""

    month: np.ndarray      # int32
    day: np.ndarray        # int32
    has_day: np.ndarray    # bool
    ok: np.ndarray         # bool: parsed
    blank: np.ndarray      # bool: empty cell
    ambiguous: dict[int, AmbiguousDate]
    day_first_votes: int = 0     # values like 13/01/2025
    month_first_votes: int = 0   # values like 01/13/2025


_RE_ISO_DAY_PREFIX = r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)"


def _parse_date_uniques(uniques: list[object], *, excel: bool) -> _ParsedDates:
    """Parse distinct date values: ``YYYY-MM-DD...`` strings vectorised when there are
    many (timestamps), everything else one by one with :func:`parse_date_value`."""
    n = len(uniques)
    out = _ParsedDates(np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, bool),
                       np.zeros(n, bool), np.zeros(n, bool), {})
    todo = range(n)
    if n > 2000 and all(type(u) is str for u in uniques):
        texts = pd.Series(uniques, dtype="str")
        iso = texts.str.match(_RE_ISO_DAY_PREFIX).to_numpy(dtype=bool)
        if iso.any():
            ts = pd.to_datetime(texts[iso].str.slice(0, 10), format="%Y-%m-%d",
                                errors="coerce")
            good = ts.notna().to_numpy()
            days = ts.to_numpy(dtype="datetime64[D]")
            where = np.flatnonzero(iso)[good]
            out.day[where] = days[good].astype(np.int64)
            out.month[where] = days[good].astype("datetime64[M]").astype(np.int64)
            out.has_day[where] = True
            out.ok[where] = True
            todo = np.flatnonzero(~out.ok).tolist()
    for i in todo:
        u = uniques[i]
        p = parse_date_value(u, excel=excel)
        if p is None:
            out.blank[i] = is_blank(u)
        elif isinstance(p, AmbiguousDate):
            out.ambiguous[i] = p
        else:
            out.month[i], out.day[i], out.has_day[i] = p
            out.ok[i] = True
            if isinstance(u, str) and (m := DMY_RE.match(u.strip())):
                a, b = int(m[1]), int(m[3])
                out.day_first_votes += a > 12 >= b
                out.month_first_votes += b > 12 >= a
    return out


def _numeric_order_evidence(columns: Sequence[_ParsedDates]) -> tuple[str | None, bool]:
    """Day-first or month-first from values like 13/01/2025 or 01/13/2025.

    Returns ``(order or None, mixed)``; ``mixed`` when both kinds occur (the majority
    wins for the ambiguous values).
    """
    day_first = sum(p.day_first_votes for p in columns)
    month_first = sum(p.month_first_votes for p in columns)
    if not (day_first or month_first):
        return None, False
    order = "day_first" if day_first >= month_first else "month_first"
    return order, bool(day_first and month_first)



def _day_month_order(columns: Sequence[_ParsedDates]) -> tuple[str | None, str | None]:
    """The order for the ambiguous dates of all the columns, and a note for the user.

    Returns
    -------
    (order, note)
        ``order`` is ``"day_first"``/``"month_first"``/``None`` (no ambiguous dates and no
        evidence); ``note`` is a warning when the order could not be told from the values
        (day first was used) or when the file mixes both orders, else None.
    """
    ambiguous = [a for parsed in columns for a in parsed.ambiguous.values()]
    # values only possible one way round (13/01/2025 -> day first, 01/13/2025 -> month
    # first) settle the order of the ambiguous ones (01/02/2025); default day first
    order, mixed = _numeric_order_evidence(columns)
    note: str | None = None
    if ambiguous and order is None:
        order = "day_first"
        # dotted dates (01.02.2025) are day first by convention: no need to warn
        if any(a.sep != "." for a in ambiguous):
            note = tr("dates such as 01/02/2025 fit both day/month and month/day order and "
                      "nothing in the file tells which; they were read day first "
                      "(01/02/2025 = 1 Feb 2025). Use ISO dates (2025-02-01) to be sure.")
    elif mixed and order == "month_first":
        note = tr("the dates mix day/month (13/01/2025) and month/day (01/13/2025) order; "
                  "ambiguous ones were read month first (01/02/2025 = 2 Jan 2025), "
                  "as most dates are. Check the file or use ISO dates (2025-02-01).")
    elif mixed:
        note = tr("the dates mix day/month (13/01/2025) and month/day (01/13/2025) order; "
                  "ambiguous ones were read day first (01/02/2025 = 1 Feb 2025), "
                  "as most dates are. Check the file or use ISO dates (2025-02-01).")
    return order, note


def _date_column(col: Any, codes: np.ndarray, uniques: list[object], parsed: _ParsedDates,
                 *, day_first: bool) -> DateColumn:
    """The column's :class:`DateColumn`, its ambiguous values read in the given order."""
    for i, amb in parsed.ambiguous.items():
        p = amb.resolve(day_first=day_first)
        if p is not None:
            parsed.month[i], parsed.day[i], parsed.has_day[i] = p
            parsed.ok[i] = True
    # one extra slot at the end for code -1 (an empty cell)
    return DateColumn(
        codes=codes,
        u_month=np.append(parsed.month, np.int32(0)),
        u_day=np.append(parsed.day, np.int32(0)),
        u_has_day=np.append(parsed.has_day, False),
        u_missing=np.append(parsed.blank, True),
        u_bad=np.append(~parsed.ok & ~parsed.blank, False),
        raw=raw_getter(col, codes, uniques))


def read_date_columns(cols: Sequence[Any], *, excel: bool
                      ) -> tuple[list[DateColumn], str | None, str | None]:
    """Parse one or more date columns with one shared day/month order.

    Parameters
    ----------
    cols : pyarrow or pandas columns (the start and end dates share one order).
    excel : the columns come from a spreadsheet (whole numbers may be serial days).

    Returns
    -------
    (columns, order, note)
        One :class:`DateColumn` per column; ``order`` is ``"day_first"``/
        ``"month_first"``/``None`` (no ambiguous dates); ``note`` is a warning when the
        order could not be told from the values (day first was used) or when the file
        mixes both orders, else None.
    """
    prepared = []
    for col in cols:
        codes, uniques = codes_uniques(col)
        prepared.append((col, codes, uniques, _parse_date_uniques(uniques, excel=excel)))
    order, note = _day_month_order([parsed for *_, parsed in prepared])
    day_first = order != "month_first"
    out = [_date_column(col, codes, uniques, parsed, day_first=day_first)
           for col, codes, uniques, parsed in prepared]
    return out, order, note

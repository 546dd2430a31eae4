"""What each layout of billing export means in months: its row checks and paying months.

Monthly layout
--------------
Each row is one customer's MRR in the month of its date. A row without a month or with an
unreadable date is skipped. Months inside the data without any row are noted: customers
count as not paying there.

Subscriptions layout
--------------------
A subscription pays in every month from its start month up to the month *before* its
end month; the end date is the first day it no longer pays (Stripe's ``ended_at``, a
plan change's switch date). A subscription that starts and ends in the same month still
pays in that month, so it counts in month 0 of its cohort and is churned at month 1::

    paying months = [start_month, max(start_month, end_month - 1)]

Active subscriptions (empty end date) pay up to the last month of the data, which is the
latest start or end month in the file, but not later than the current calendar month.
That last month may be incomplete when it is the current month; ``complete_through``
then points at the month before. A row without a start date, with an unreadable date, an
end before its start, or a start after the export date is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from funnel_core.domain.i18n import mark, tr, tr_n
from funnel_core.inputs.billing_date_columns import DateColumn
from funnel_core.inputs.billing_errors import RowIssueLog, quote_cell
from funnel_core.inputs.billing_export_data import month_label

__all__ = [
    "check_monthly_rows",
    "check_subscription_rows",
    "note_month_gaps",
    "subscription_data_end",
    "subscription_months",
]

#: Rows of the good rows only: ``keep(a)`` is ``a[good]`` (or ``a`` when all are good).
Keep = Callable[[np.ndarray], np.ndarray]


def check_monthly_rows(month: DateColumn, month_col: str, issues: RowIssueLog) -> None:
    """Flag rows without a month or with an unreadable one (they are skipped)."""
    issues.flag(month.missing, month_col, mark("missing month"), lambda i: tr("missing month"))
    issues.flag(month.bad, month_col, mark("unparseable date"),
                lambda i: tr("unparseable date {value}", value=quote_cell(month.raw(i))))


def note_month_gaps(month: np.ndarray, first_month: int, last_month: int,
                    issues: RowIssueLog) -> None:
    """Note the months between the first and the last without any row (up to 12 named)."""
    n_months = last_month - first_month + 1
    gaps = np.flatnonzero(np.bincount(month - first_month, minlength=n_months) == 0)
    if len(gaps):
        listed = ", ".join(month_label(first_month + g) for g in gaps[:12])
        issues.note(tr_n("no rows at all for {n} month(s) inside the data: {listed}; customers "
                         "count as not paying there",
                         "no rows at all for {n} month(s) inside the data: {listed}; customers "
                         "count as not paying there", len(gaps), listed=listed),
                    key="months without rows")


def check_subscription_rows(dates: Sequence[DateColumn], roles: Mapping[str, str],
                            issues: RowIssueLog) -> None:
    """Flag rows without a start date, with an unreadable date or an end before the start.

    ``dates`` is ``[start]`` or ``[start, end]``. The end is compared by day when both
    dates name a day, else by month. Without an end-date column every subscription is
    active; a note says so.
    """
    scol, s = roles["start_date"], dates[0]
    issues.flag(s.missing, scol, mark("missing start date"), lambda i: tr("missing start date"))
    issues.flag(s.bad, scol, mark("unparseable date"),
                lambda i: tr("unparseable date {value}", value=quote_cell(s.raw(i))))
    if len(dates) > 1:
        ecol, e = roles["end_date"], dates[1]
        issues.flag(e.bad, ecol, mark("unparseable date"),
                    lambda i: tr("unparseable date {value}", value=quote_cell(e.raw(i))))
        before = np.where(s.has_day & e.has_day, e.day < s.day, e.month < s.month)
        issues.flag(before & ~e.missing, ecol, mark("end before start"),
                    lambda i: tr("end before start: end date {end} is before the start date "
                                 "{start}", end=quote_cell(e.raw(i)), start=quote_cell(s.raw(i))))
    else:
        issues.note(tr("no end-date column: every subscription is treated as still active"),
                    key="no end-date column")


def subscription_data_end(dates: Sequence[DateColumn], start_col: str, issues: RowIssueLog,
                          as_of_month: int) -> int:
    """The last month of the data: the latest start or end month among the rows not yet
    skipped, but not after ``as_of_month``; rows starting after it are flagged.

    Returns ``as_of_month`` when no row is left.
    """
    last_month = as_of_month
    ok = ~issues.skip
    if ok.any():
        s = dates[0]
        latest = int(s.month[ok].max())
        if len(dates) > 1:
            e = dates[1]
            has_end = ok & ~e.missing & ~e.bad
            if has_end.any():
                latest = max(latest, int(e.month[has_end].max()))
        last_month = min(latest, as_of_month)
        # starts after the export date (possible only when capped by as_of)
        issues.flag(s.month > last_month, start_col, mark("starts after the export date"),
                    lambda i: tr("starts after the export date ({month})",
                                 month=month_label(as_of_month)))
    return last_month


def subscription_months(dates: Sequence[DateColumn], keep: Keep, last_month: int,
                        as_of_month: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """One entry per good subscription row and paying month.

    Parameters
    ----------
    dates : ``[start]`` or ``[start, end]`` date columns (all rows).
    keep : picks the good rows of a row array.
    last_month : the last month of the data (:func:`subscription_data_end`).
    as_of_month : Period ordinal of the export date's month.

    Returns
    -------
    (rows, months, first_month, complete_through)
        ``rows`` indexes the good rows (repeated once per paying month), ``months`` holds
        the int32 Period ordinal of each entry; ``first_month`` is the earliest start;
        ``complete_through`` is ``last_month``, or the month before when that is the
        running month (never before ``first_month``).
    """
    s = dates[0]
    start_m = keep(s.month)
    if len(dates) > 1:
        e = dates[1]
        has_end = keep(~(e.missing | e.bad))
        end_m = keep(e.month)
    else:
        has_end = np.zeros(len(start_m), dtype=bool)
        end_m = start_m
    first_month = int(start_m.min())
    complete_through = last_month - 1 if last_month >= as_of_month else last_month
    complete_through = max(complete_through, first_month)
    # paying months [start, max(start, end - 1)], capped at the data end
    last_paid = np.where(has_end, np.maximum(start_m, end_m - 1), last_month)
    last_paid = np.minimum(last_paid, last_month)
    lengths = (last_paid - start_m + 1).astype(np.int64)
    total = int(lengths.sum())
    rows = np.repeat(np.arange(len(start_m)), lengths)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths,
                                                           lengths)
    months = (start_m[rows] + offsets).astype(np.int32)
    return rows, months, first_month, complete_through

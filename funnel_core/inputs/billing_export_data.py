"""A billing export normalised to monthly MRR per customer: :class:`ExportData`.

Two layouts of export are read (:mod:`funnel_core.inputs.billing_read`):

``monthly``
    One row per customer per month: customer id, month (any date inside the month) and
    the MRR of that month.
``subscriptions``
    One row per subscription: customer id, start date, end date (empty while active) and
    MRR -- or an amount plus a billing-period column (``interval = year`` etc.), or an
    annual amount (``ARR``), both normalised to MRR.

Whatever the layout, the ``monthly`` frame of :class:`ExportData` holds one row per
customer and calendar month in which that customer paid (MRR > 0)::

    customer  int32    code into ExportData.customers (the original ids)
    month     int32    pandas Period ordinal of the month ("M" frequency:
                       ordinal = (year - 1970) * 12 + month - 1)
    mrr       float64  sum of the customer's MRR in that month (> 0)

sorted by ``(customer, month)``. Several rows for the same customer and month (two
subscriptions, a duplicated line) are added up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from funnel_core.inputs.billing_errors import RowIssue

__all__ = ["ExportData", "Layout", "month_label", "month_ordinal"]

Layout = Literal["monthly", "subscriptions"]


@dataclass
class ExportData:
    """A customer export normalised to one row per customer and paying month.

    Attributes
    ----------
    monthly : DataFrame with int32 ``customer`` codes, int32 ``month`` Period ordinals
        and float64 ``mrr`` (> 0), one row per customer and month, sorted by both.
    customers : the original customer ids; ``customers[code]`` is the id of a code.
    first_month, last_month : Period ordinals of the first and the last observed month.
        Months in between without a row for a customer mean "not paying".
    complete_through : Period ordinal of the latest complete month (``last_month``, or
        the month before when ``last_month`` is the current, still running month).
    layout : ``"monthly"`` or ``"subscriptions"``.
    filename : the name given to
        :func:`~funnel_core.inputs.billing_read.read_export`.
    columns : role -> source column actually used.
    issues : row-level errors (skipped rows) and warnings, at most
        :data:`~funnel_core.inputs.billing_errors.MAX_ROW_ISSUES` row messages plus
        per-problem totals.
    skipped_rows : number of data rows skipped because of an error.
    rows_read : number of data rows in the file (blank rows excluded).
    date_order : how ambiguous numeric dates were read: ``"day_first"``,
        ``"month_first"`` or ``None`` when no ambiguous date occurred.
    """

    monthly: pd.DataFrame
    customers: pd.Index
    first_month: int
    last_month: int
    complete_through: int
    layout: Layout
    filename: str
    columns: dict[str, str] = field(default_factory=dict)
    issues: list[RowIssue] = field(default_factory=list)
    skipped_rows: int = 0
    rows_read: int = 0
    date_order: str | None = None

    @property
    def n_months(self) -> int:
        """Number of observed months, ``last_month - first_month + 1``."""
        return int(self.last_month - self.first_month + 1)

    @property
    def n_customers(self) -> int:
        """Number of distinct customer ids among the good rows."""
        return len(self.customers)

    def month_label(self, ordinal: int) -> str:
        """``"YYYY-MM"`` for a Period ordinal."""
        return month_label(ordinal)

    def to_frame(self) -> pd.DataFrame:
        """The monthly frame with readable values: customer ids (categorical),
        ``pandas.Period`` months and MRR."""
        m = self.monthly
        return pd.DataFrame({
            "customer": pd.Categorical.from_codes(m["customer"].to_numpy(),
                                                  categories=self.customers),
            "month": pd.PeriodIndex.from_ordinals(m["month"].to_numpy(np.int64), freq="M"),
            "mrr": m["mrr"].to_numpy(),
        })


def month_label(ordinal: int) -> str:
    """``"YYYY-MM"`` for a monthly Period ordinal (months since 1970-01)."""
    y, m = divmod(int(ordinal), 12)
    return f"{1970 + y:04d}-{m + 1:02d}"


def month_ordinal(year: int, month: int) -> int:
    """Monthly Period ordinal: ``(year - 1970) * 12 + month - 1`` (2025-01 -> 660)."""
    return (year - 1970) * 12 + month - 1


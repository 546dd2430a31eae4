"""The rows of a billing export checked and turned into monthly MRR per customer.

:func:`normalise_export` takes a read table and its roles and gives an
:class:`~funnel_core.inputs.billing_export_data.ExportData`:

1. customer ids, amounts (:mod:`funnel_core.inputs.billing_amounts`) and dates
   (:mod:`funnel_core.inputs.billing_date_columns`) are read, once per distinct value;
2. blank rows are dropped silently; every other row is checked and reported (and skipped)
   for its first problem: missing customer id, the layout's date checks
   (:mod:`funnel_core.inputs.billing_layouts`), missing, unreadable or negative MRR;
3. the good rows become (customer, month, MRR) entries -- one per row in the monthly
   layout, one per paying month of a subscription -- and are summed per customer and month.

Everything is vectorised with numpy; a file without any good row raises
:class:`~funnel_core.inputs.billing_errors.CohortInputError` naming its first problem.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from funnel_core.domain.i18n import mark, tr, tr_n
from funnel_core.inputs.billing_amounts import AmountColumn, monthly_amounts
from funnel_core.inputs.billing_column_codes import BLANK_TEXTS, codes_uniques_index, is_blank
from funnel_core.inputs.billing_date_columns import read_date_columns
from funnel_core.inputs.billing_errors import CohortInputError, RowIssueLog, quote_cell
from funnel_core.inputs.billing_export_data import ExportData, Layout
from funnel_core.inputs.billing_layouts import (
    check_monthly_rows,
    check_subscription_rows,
    note_month_gaps,
    subscription_data_end,
    subscription_months,
)
from funnel_core.inputs.billing_table import RawSheet
from funnel_core.inputs.limits import whole_number

__all__ = ["normalise_export"]

#: Above this many customer x month cells the monthly aggregation switches from a dense
#: ``np.bincount`` to a sort-based group-by (keeps memory bounded).
_DENSE_CELLS_LIMIT = 16_000_000


def normalise_export(raw: RawSheet, roles: dict[str, str], layout: Layout, filename: str,
                     as_of_month: int) -> ExportData:
    """Validate the rows (vectorised) and build the monthly frame.

    Parameters
    ----------
    raw : the read table (only the columns the roles use).
    roles : role -> source column, fitting ``layout``.
    layout : ``"monthly"`` or ``"subscriptions"``.
    filename : name used in messages.
    as_of_month : Period ordinal of the export date's month; active subscriptions run to
        the latest month in the file but not past it.

    Returns
    -------
    ExportData

    Raises
    ------
    CohortInputError
        When no row is usable; the message gives the number of rows read and the first
        problem (its row and column).
    """
    n = raw.n_rows
    issues = RowIssueLog(n, raw.row_number)
    cols = raw.columns

    cust_col = roles["customer_id"]
    cust, labels = _customer_codes(cols[cust_col])
    amount, amount_col = monthly_amounts(cols, roles, issues, decimal_comma=raw.decimal_comma)
    date_roles = ["month"] if layout == "monthly" else \
        ["start_date"] + (["end_date"] if "end_date" in roles else [])
    dates, order, date_note = read_date_columns([cols[roles[r]] for r in date_roles],
                                                excel=raw.excel)

    # blank rows (every used cell empty) are dropped silently
    blank = (cust < 0) & amount.missing
    for d in dates:
        blank &= d.missing
    issues.skip |= blank

    # row checks: a row is reported (and skipped) for its first problem
    issues.flag(cust < 0, cust_col, mark("missing customer id"),
                lambda i: tr("missing customer id"))
    if layout == "monthly":
        check_monthly_rows(dates[0], roles["month"], issues)
    else:
        check_subscription_rows(dates, roles, issues)
    _check_amounts(amount, amount_col, issues)
    last_month = as_of_month
    if layout == "subscriptions":
        last_month = subscription_data_end(dates, roles["start_date"], issues, as_of_month)
    if date_note:
        issues.note(date_note, key="date order")

    good = ~issues.skip
    n_blank = int(blank.sum())
    skipped = int(issues.skip.sum()) - n_blank + raw.n_bad_rows
    rows_read = n - n_blank + raw.n_bad_rows
    if not good.any():
        raise _no_usable_rows(filename, raw, issues, rows_read)

    all_good = bool(good.all())

    def keep(a: np.ndarray) -> np.ndarray:
        return a if all_good else a[good]

    cust_g, customers = _paying_customers(keep(cust), labels)
    mrr_g = keep(amount.value)
    if layout == "monthly":
        month_g = keep(dates[0].month)
        first_month, last_month = int(month_g.min()), int(month_g.max())
        complete_through = last_month
    else:
        rows, month_g, first_month, complete_through = subscription_months(
            dates, keep, last_month, as_of_month)
        cust_g = cust_g[rows]
        mrr_g = mrr_g[rows]

    monthly = _aggregate(cust_g, month_g, mrr_g, len(customers), first_month, last_month)
    if layout == "monthly":
        note_month_gaps(month_g, first_month, last_month, issues)

    return ExportData(
        monthly=monthly, customers=customers, first_month=first_month,
        last_month=last_month, complete_through=complete_through, layout=layout,
        filename=filename, columns=dict(roles), issues=raw.bad_rows + issues.result(),
        skipped_rows=skipped, rows_read=rows_read, date_order=order,
    )


def _check_amounts(amount: AmountColumn, amount_col: str, issues: RowIssueLog) -> None:
    """Flag rows with a missing, unreadable or negative MRR (``-0`` included), or a positive
    MRR below 0.0001 (they are skipped)."""
    issues.flag(amount.missing, amount_col, mark("missing MRR"), lambda i: tr("missing MRR"))
    issues.flag(amount.bad, amount_col, mark("unparseable amount"),
                lambda i: tr("unparseable amount {value}", value=quote_cell(amount.raw(i))))
    issues.flag((amount.value < 0) | ((amount.value == 0) & np.signbit(amount.value)), amount_col,
                mark("negative MRR"),
                lambda i: tr("negative MRR ({value})", value=quote_cell(amount.raw(i))))
    # a positive amount below a hundredth of a cent is no payment (1e-320 would count a
    # paying customer)
    issues.flag((amount.value > 0) & (amount.value < 1e-4), amount_col, mark("amount too small"),
                lambda i: tr("MRR {value} is too small to be a payment; write 0 for a month "
                             "without payment", value=quote_cell(amount.raw(i))))


def _no_usable_rows(filename: str, raw: RawSheet, issues: RowIssueLog,
                    rows_read: int) -> CohortInputError:
    """The error for a file without a good row, naming its first row problem."""
    all_issues = raw.bad_rows + issues.result()
    first = next((i for i in all_issues if i.severity == "error" and i.row is not None),
                 None)
    summary = tr_n("no usable rows ({count} data rows read)",
                   "no usable rows ({count} data rows read)", rows_read,
                   count=whole_number(rows_read))
    problem = (tr("{summary}; first problem: {first}", summary=summary, first=str(first))
               if first else summary)
    return CohortInputError(filename, problem,
                            row=first.row if first else None,
                            column=first.column if first else None, locate=False,
                            summary=summary, first_issue=first)


def _paying_customers(cust: np.ndarray, labels: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Customer codes of the good rows renumbered 0..C-1 (in label order) over the
    customers that have a good row, and those customers' ids (named ``customer``)."""
    present = np.zeros(len(labels), dtype=bool)
    present[cust] = True
    if present.all():
        customers = labels.copy()
    else:
        remap = (np.cumsum(present) - 1).astype(np.int32)
        cust = remap[cust]
        customers = labels[present]
    customers.name = "customer"
    return cust, customers


def _customer_codes(col: Any) -> tuple[np.ndarray, pd.Index]:
    """Row codes (-1 = missing id) and the distinct cleaned customer ids.

    Ids are stripped, ``12.0`` becomes ``"12"``, blanks are missing; ids equal after
    cleaning share one code. Work is done on the distinct values only.
    """
    codes, uniques = codes_uniques_index(col)
    if isinstance(uniques, pd.Index) and uniques.dtype == "str":
        texts = uniques.str.strip()
        blank = texts.str.lower().isin(BLANK_TEXTS)
        if not blank.any() and (texts == uniques).all():
            return codes, uniques  # already clean: no second pass
        cleaned = pd.Series(texts.where(~blank))
    else:
        cleaned = pd.Series([_clean_id(u) for u in uniques], dtype=object)
    u_codes, labels = pd.factorize(cleaned, use_na_sentinel=True)
    lut = np.append(u_codes.astype(np.int32), np.int32(-1))  # code -1 stays -1
    return lut[codes], pd.Index(labels)


def _clean_id(value: object) -> object:
    """A customer id as text (``12.0`` -> ``"12"``), None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    return text or None


def _aggregate(cust: np.ndarray, month: np.ndarray, mrr: np.ndarray, n_customers: int,
               first_month: int, last_month: int) -> pd.DataFrame:
    """Sum MRR per (customer, month) and keep the paying cells, sorted.

    ``key = customer * T + (month - first_month)`` with ``T`` observed months; a dense
    ``np.bincount`` over ``C * T`` cells when that is small, a sort otherwise.
    """
    T = last_month - first_month + 1
    cells = n_customers * T
    key_type = np.int32 if cells < 2**31 else np.int64
    key = cust.astype(key_type) * key_type(T) + (month - key_type(first_month)).astype(key_type)
    if len(key) < 2 or bool((key[1:] > key[:-1]).all()):
        # already one row per (customer, month) in order: keep the paying rows
        paying = mrr > 0
        if paying.all():
            return _frame(cust, month, mrr)
        return _frame(cust[paying], month[paying], mrr[paying])
    if cells <= _DENSE_CELLS_LIMIT:
        sums = np.bincount(key, weights=mrr, minlength=cells)
        nz = np.flatnonzero(sums > 0)
        values = sums[nz]
    else:
        order = np.argsort(key, kind="stable")
        k_sorted = key[order]
        starts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])
        values = np.add.reduceat(mrr[order], starts)
        nz_mask = values > 0
        nz = k_sorted[starts][nz_mask]
        values = values[nz_mask]
    out_cust, out_month = np.divmod(nz, T)
    return _frame(out_cust, out_month + first_month, values)


def _frame(cust: np.ndarray, month: np.ndarray, mrr: np.ndarray) -> pd.DataFrame:
    """The monthly frame from fresh arrays (no copy, one block per column)."""
    return pd.DataFrame({"customer": cust.astype(np.int32, copy=False),
                         "month": month.astype(np.int32, copy=False),
                         "mrr": mrr.astype(np.float64, copy=False)}, copy=False)

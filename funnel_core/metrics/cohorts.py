"""Cohort retention from a normalised customer export (see :mod:`funnel_core.cohort_io`).

Definitions
-----------
Let ``MRR[i, t]`` be customer ``i``'s MRR in calendar month ``t`` (0 when absent) and
``T`` the number of observed months, ``t = 0 .. T-1``. A customer *pays* in ``t`` when
``MRR[i, t] > 0``.

* cohort of ``i``: ``s_i = min{t : MRR[i, t] > 0}`` (the first paying month; a customer
  who leaves and comes back keeps that first cohort);
* months since start: ``k = t - s_i``;
* cohort size: ``N_c = #{i : s_i = c}``;
* logo retention: ``L[c, k] = #{i : s_i = c, MRR[i, c + k] > 0} / N_c`` (``L[c, 0] = 1``);
  a customer paying again after a gap counts as retained in the months they pay;
* revenue retention: ``R[c, k] = sum_{s_i = c} MRR[i, c + k] / sum_{s_i = c} MRR[i, c]``
  (upgrades push it up, downgrades and churn down);
* cells with ``c + k > T - 1`` are not observed yet: NaN in the tables, absent in JSON;
* overall (customer-weighted) retention at ``k`` over the cohorts observable at ``k``:
  ``L[k] = sum_c N_c L[c, k] / sum_c N_c``; the MRR-weighted revenue retention is
  ``R[k] = sum_c MRR_c[k] / sum_c MRR_c[0]``. Second-month retention is ``k = 1``,
  twelve-month retention ``k = 12``;
* churn month of a customer who is not paying at the end of the data:
  ``k = e_i - s_i + 1`` with ``e_i`` the last paying month (they paid in ``k - 1`` and
  not in ``k``). The most common churn month is the mode of that distribution;
* latest MRR share of cohort ``c``: ``sum_{s_i = c} MRR[i, T-1] / sum_i MRR[i, T-1]``.

Everything is computed with ``np.bincount`` over the rows of the monthly frame (keys
``c * T + k``), never with a Python loop over customers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from funnel_core.domain.formatting import format_number
from funnel_core.domain.i18n import mark, tr
from funnel_core.inputs.billing_dates import parse_month_label
from funnel_core.inputs.billing_errors import CohortInputError, RowIssue
from funnel_core.inputs.billing_export_data import ExportData, month_label

#: Keys of :func:`revenue_inputs_for_month` that are input fields of the main comparison.
CANONICAL_REVENUE_KEYS: tuple[str, ...] = (
    "customers_start", "customers_churned", "new_customers", "mrr_start", "mrr_new",
    "mrr_expansion", "mrr_contraction", "mrr_churned",
)


#: The layouts of a billing export, as the caption names them (English; translated where shown).
_LAYOUTS: dict[str, str] = {"monthly": mark("monthly"), "subscriptions": mark("subscriptions")}


@dataclass
class CohortResult:
    """Cohort tables and headline figures.

    Tables (pandas)
    ---------------
    logo_retention : DataFrame, index ``cohort`` (monthly ``PeriodIndex``), columns
        ``months_since_start`` 0..T-1, fractions; NaN where not observed yet.
    revenue_retention : DataFrame, same shape, MRR in month k / MRR in month 0.
    sizes : Series ``cohort -> customers``.
    retained_customers : DataFrame of the counts behind ``logo_retention``.
    cohort_mrr : DataFrame of the cohort MRR behind ``revenue_retention``.
    mrr_by_cohort_over_time : DataFrame, index ``month`` (PeriodIndex), one column per
        cohort, MRR (0 before the cohort starts).
    latest_mrr_share : Series ``cohort -> share of the latest month's MRR``.
    overall_logo_retention, overall_revenue_retention : Series indexed by
        ``months_since_start`` (customer- and MRR-weighted over observable cohorts).
    churn_month_distribution : Series ``months_since_start -> customers`` whose last
        churn happened at that month (k >= 1).

    Figures
    -------
    second_month_retention, twelve_month_retention : overall logo retention at k = 1 and
        k = 12 (None when no cohort is old enough).
    second_month_revenue_retention, twelve_month_revenue_retention : same, by MRR.
    most_common_churn_month : k with the most final churns (None when nobody churned).
    revenue_inputs : :func:`revenue_inputs_for_month` for the chosen month (None when
        the data has a single month).
    """

    logo_retention: pd.DataFrame
    revenue_retention: pd.DataFrame
    sizes: pd.Series
    retained_customers: pd.DataFrame
    cohort_mrr: pd.DataFrame
    mrr_by_cohort_over_time: pd.DataFrame
    latest_mrr_share: pd.Series
    overall_logo_retention: pd.Series
    overall_revenue_retention: pd.Series
    churn_month_distribution: pd.Series
    second_month_retention: float | None
    twelve_month_retention: float | None
    second_month_revenue_retention: float | None
    twelve_month_revenue_retention: float | None
    most_common_churn_month: int | None
    revenue_inputs: dict[str, Any] | None
    filename: str
    layout: str
    first_month: str
    last_month: str
    customers: int
    rows_read: int
    skipped_rows: int
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, pd.DataFrame | pd.Series]:
        """All tables by name."""
        return {
            "logo_retention": self.logo_retention,
            "revenue_retention": self.revenue_retention,
            "sizes": self.sizes,
            "retained_customers": self.retained_customers,
            "cohort_mrr": self.cohort_mrr,
            "mrr_by_cohort_over_time": self.mrr_by_cohort_over_time,
            "latest_mrr_share": self.latest_mrr_share,
            "overall_logo_retention": self.overall_logo_retention,
            "overall_revenue_retention": self.overall_revenue_retention,
            "churn_month_distribution": self.churn_month_distribution,
        }

    @property
    def caption(self) -> str:
        """One line naming the source, e.g. for chart subtitles."""
        layout = tr(_LAYOUTS[self.layout]) if self.layout in _LAYOUTS else self.layout
        return tr("Source: {file} ({layout} layout), {count} paying customers, {first} to {last}",
                  file=self.filename, layout=layout, count=format_number(self.customers),
                  first=self.first_month, last=self.last_month)

    def cohort_labels(self) -> list[str]:
        """Cohorts as ``"YYYY-MM"``."""
        return [str(p) for p in self.logo_retention.index]

    def long_table(self) -> pd.DataFrame:
        """Observed cells in long form: cohort, months_since_start, logo_retention,
        revenue_retention, size (the CSV output)."""
        logo = self.logo_retention.stack(future_stack=True)
        rev = self.revenue_retention.stack(future_stack=True)
        out = pd.DataFrame({"logo_retention": logo, "revenue_retention": rev}).dropna(
            subset=["logo_retention"])
        out = out.reset_index()
        out["cohort"] = out["cohort"].astype(str)
        out["size"] = out["cohort"].map({str(k): int(v) for k, v in self.sizes.items()})
        return out[["cohort", "months_since_start", "logo_retention", "revenue_retention",
                    "size"]]

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-safe dict (no NaN or infinity: missing values are ``None``).

        ``{"cohorts": [...], "summary": {...}, "skipped_rows": n, "issues": [...]}``;
        retention lists start at month 0 and stop at the last observed month.
        """
        cohorts = []
        logo = self.logo_retention.to_numpy()
        rev = self.revenue_retention.to_numpy()
        share = self.latest_mrr_share
        for row, cohort in enumerate(self.logo_retention.index):
            observed = int(np.count_nonzero(~np.isnan(logo[row])))
            cohorts.append({
                "cohort": str(cohort),
                "size": int(self.sizes.iloc[row]),
                "logo_retention": [_num(x) for x in logo[row, :observed]],
                "revenue_retention": [_num(x) for x in rev[row, :observed]],
                "second_month_retention": _num(logo[row, 1]) if logo.shape[1] > 1 else None,
                "twelve_month_retention": _num(logo[row, 12]) if logo.shape[1] > 12 else None,
                "latest_mrr_share": _num(share.iloc[row]),
            })
        dist = self.churn_month_distribution
        summary = {
            "file": self.filename,
            "layout": self.layout,
            "first_month": self.first_month,
            "last_month": self.last_month,
            "months_observed": int(self.logo_retention.shape[1]),
            "customers": self.customers,
            "cohorts": len(cohorts),
            "rows_read": self.rows_read,
            "second_month_retention": _num(self.second_month_retention),
            "twelve_month_retention": _num(self.twelve_month_retention),
            "second_month_revenue_retention": _num(self.second_month_revenue_retention),
            "twelve_month_revenue_retention": _num(self.twelve_month_revenue_retention),
            "overall_logo_retention": [_num(x) for x in self.overall_logo_retention],
            "overall_revenue_retention": [_num(x) for x in self.overall_revenue_retention],
            "most_common_churn_month": self.most_common_churn_month,
            "churned_customers": int(dist.sum()),
            "churn_month_distribution": [{"months_since_start": int(k), "customers": int(v)}
                                         for k, v in dist.items() if v > 0],
            "latest_month": self.last_month,
            "latest_mrr": _num(float(self.mrr_by_cohort_over_time.iloc[-1].sum()), 2),
            "revenue_inputs": ({k: (_num(v, 2) if isinstance(v, float) else v)
                                for k, v in self.revenue_inputs.items()}
                               if self.revenue_inputs is not None else None),
        }
        return {
            "cohorts": cohorts,
            "summary": summary,
            "skipped_rows": self.skipped_rows,
            "issues": [i.to_dict() for i in self.issues],
        }


def _num(x: Any, digits: int = 6) -> float | None:
    """A JSON-safe float (None for NaN / infinity / None)."""
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    return round(x, digits)


def _frame_arrays(export: ExportData) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    m = export.monthly
    cust = m["customer"].to_numpy()
    month = (m["month"].to_numpy() - np.int32(export.first_month)).astype(np.int32,
                                                                          copy=False)
    mrr = m["mrr"].to_numpy()
    return cust, month, mrr, export.n_months


def compute_cohorts(export: ExportData, *, month: str | None = None) -> CohortResult:
    """Cohort tables of an export (formulas in the module docstring).

    Parameters
    ----------
    export : from :func:`funnel_core.inputs.billing_read.read_export`.
    month : ``"YYYY-MM"`` for the revenue inputs (default: the latest complete month).

    Returns
    -------
    CohortResult

    Raises
    ------
    ValueError
        When ``month`` is not a month of the data (or is its first month).
    """
    cust, mon, mrr, T = _frame_arrays(export)
    first = export.first_month
    n_rows = len(cust)

    # rows are sorted by (customer, month): each customer's first row is its start
    if n_rows:
        new_cust = np.empty(n_rows, dtype=bool)
        new_cust[0] = True
        np.not_equal(cust[1:], cust[:-1], out=new_cust[1:])
        starts = np.flatnonzero(new_cust)
    else:
        starts = np.zeros(0, dtype=np.int64)
    counts = np.diff(np.append(starts, n_rows))
    first_m = mon[starts]                        # s_i per paying customer
    last_m = mon[np.append(starts[1:], n_rows) - 1] if n_rows else first_m   # e_i
    cohort_row = np.repeat(first_m, counts)      # s_i per row
    k = mon - cohort_row

    # retained customers and cohort MRR per (cohort, k); MRR per (month, cohort)
    key = cohort_row.astype(np.int64) * T + k
    retained = np.bincount(key, minlength=T * T).reshape(T, T)
    cmrr = np.bincount(key, weights=mrr, minlength=T * T).reshape(T, T)
    key2 = mon.astype(np.int64) * T + cohort_row
    by_month = np.bincount(key2, weights=mrr, minlength=T * T).reshape(T, T)

    sizes = retained[:, 0]
    has = np.flatnonzero(sizes > 0)              # months in which somebody started
    c_idx = np.arange(T)
    observed = (c_idx[:, None] + c_idx[None, :]) <= T - 1   # c + k <= T - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        logo = np.where(observed, retained / sizes[:, None], np.nan)
        rev = np.where(observed, cmrr / cmrr[:, :1], np.nan)
        # overall, over cohorts observable at k
        obs_sizes = (observed * sizes[:, None]).sum(axis=0)
        obs_ret = (observed * retained).sum(axis=0)
        obs_m0 = (observed * cmrr[:, :1]).sum(axis=0)
        obs_mk = np.where(observed, cmrr, 0.0).sum(axis=0)
        overall_logo = np.where(obs_sizes > 0, obs_ret / obs_sizes, np.nan)
        overall_rev = np.where(obs_m0 > 0, obs_mk / obs_m0, np.nan)

    cohort_index = pd.PeriodIndex.from_ordinals(first + has, freq="M", name="cohort")
    k_index = pd.RangeIndex(T, name="months_since_start")
    month_index = pd.PeriodIndex.from_ordinals(first + c_idx, freq="M", name="month")

    logo_df = pd.DataFrame(logo[has], index=cohort_index, columns=k_index)
    rev_df = pd.DataFrame(rev[has], index=cohort_index, columns=k_index)
    retained_df = pd.DataFrame(np.where(observed, retained, np.nan)[has], index=cohort_index,
                               columns=k_index)
    cmrr_df = pd.DataFrame(np.where(observed, cmrr, np.nan)[has], index=cohort_index,
                           columns=k_index)
    sizes_s = pd.Series(sizes[has].astype(np.int64), index=cohort_index, name="size")
    by_month_df = pd.DataFrame(by_month[:, has], index=month_index,
                               columns=cohort_index.copy())
    latest = by_month[T - 1, has]
    total_latest = latest.sum()
    share = latest / total_latest if total_latest > 0 else np.full(len(has), np.nan)
    share_s = pd.Series(share, index=cohort_index, name="latest_mrr_share")

    # final churn: not paying in the last month; k = e_i - s_i + 1
    churned = last_m < T - 1
    churn_k = (last_m[churned] - first_m[churned] + 1).astype(np.int64)
    dist = np.bincount(churn_k, minlength=T)[1:T] if T > 1 else np.zeros(0, np.int64)
    dist_s = pd.Series(dist.astype(np.int64), index=pd.RangeIndex(1, T, name="months_since_start"),
                       name="customers")
    most_common = int(np.argmax(dist)) + 1 if dist.sum() > 0 else None

    def at(arr: np.ndarray, kk: int) -> float | None:
        return float(arr[kk]) if kk < len(arr) and not np.isnan(arr[kk]) else None

    try:
        inputs = revenue_inputs_for_month(export, month) if (month or T > 1) else None
    except ValueError:
        if month:
            raise
        inputs = None

    return CohortResult(
        logo_retention=logo_df, revenue_retention=rev_df, sizes=sizes_s,
        retained_customers=retained_df, cohort_mrr=cmrr_df,
        mrr_by_cohort_over_time=by_month_df, latest_mrr_share=share_s,
        overall_logo_retention=pd.Series(overall_logo, index=k_index,
                                         name="logo_retention"),
        overall_revenue_retention=pd.Series(overall_rev, index=k_index,
                                            name="revenue_retention"),
        churn_month_distribution=dist_s,
        second_month_retention=at(overall_logo, 1),
        twelve_month_retention=at(overall_logo, 12),
        second_month_revenue_retention=at(overall_rev, 1),
        twelve_month_revenue_retention=at(overall_rev, 12),
        most_common_churn_month=most_common,
        revenue_inputs=inputs,
        filename=export.filename, layout=export.layout,
        first_month=month_label(export.first_month), last_month=month_label(export.last_month),
        customers=int(len(starts)), rows_read=export.rows_read,
        skipped_rows=export.skipped_rows, issues=list(export.issues),
    )


def revenue_inputs_for_month(export: ExportData, month: str | None = None) -> dict[str, Any]:
    """Revenue inputs of the main comparison for calendar month ``M``.

    With ``prev[i] = MRR[i, M-1]``, ``cur[i] = MRR[i, M]`` and "paid before" meaning
    paid in some month before ``M - 1``:

    * ``customers_start = #{prev > 0}``, ``mrr_start = sum(prev)``;
    * ``customers_churned = #{prev > 0, cur = 0}``, ``mrr_churned = sum(prev)`` over them;
    * ``new_customers = #{cur > 0, never paid before M}``, ``mrr_new = sum(cur)`` over them;
    * ``reactivated_customers = #{cur > 0, prev = 0, paid before}``,
      ``mrr_reactivation = sum(cur)`` over them (not counted as new);
    * ``mrr_expansion = sum(max(cur - prev, 0))`` and
      ``mrr_contraction = sum(max(prev - cur, 0))`` over ``prev > 0, cur > 0``;
    * ``customers_end = #{cur > 0}``, ``mrr_end = sum(cur)``, so
      ``mrr_end = mrr_start + mrr_new + mrr_reactivation + mrr_expansion
      - mrr_contraction - mrr_churned``.

    Amounts are positive and rounded to cents.

    Parameters
    ----------
    export : from :func:`funnel_core.inputs.billing_read.read_export`.
    month : ``"YYYY-MM"``; default ``export.complete_through`` (the latest complete month).

    Returns
    -------
    dict
        The canonical keys (:data:`CANONICAL_REVENUE_KEYS`) plus ``month``,
        ``previous_month``, ``period`` ("month"), ``reactivated_customers``,
        ``mrr_reactivation``, ``customers_end``, ``mrr_end``, ``expanded_customers``,
        ``contracted_customers``.

    Raises
    ------
    ValueError
        When the month is outside the data or is its first month (no month before).
    """
    if month is None:
        m = export.complete_through
    else:
        m = parse_month_label(month)
    if not export.first_month < m <= export.last_month:
        if m == export.first_month:
            raise ValueError(tr("{month} is the first month of the data; the revenue inputs need the "
                                "month before it", month=month_label(m)))
        raise ValueError(tr("{month} is outside the data ({first} to {last})", month=month_label(m),
                            first=month_label(export.first_month), last=month_label(export.last_month)))
    frame = export.monthly
    cust = frame["customer"].to_numpy()
    mon = frame["month"].to_numpy()
    mrr = frame["mrr"].to_numpy()
    C = export.n_customers
    in_prev = mon == m - 1
    in_cur = mon == m
    prev = np.bincount(cust[in_prev], weights=mrr[in_prev], minlength=C)
    cur = np.bincount(cust[in_cur], weights=mrr[in_cur], minlength=C)
    before = np.bincount(cust[mon < m - 1], minlength=C) > 0

    p, c = prev > 0, cur > 0
    churned = p & ~c
    stayed = p & c
    new = c & ~p & ~before
    react = c & ~p & before
    delta = cur - prev
    expanded = stayed & (delta > 0)
    contracted = stayed & (delta < 0)

    def money(x: float) -> float:
        return round(float(x), 2) + 0.0  # no -0.0

    return {
        "month": month_label(m),
        "previous_month": month_label(m - 1),
        "period": "month",
        "customers_start": int(p.sum()),
        "customers_churned": int(churned.sum()),
        "new_customers": int(new.sum()),
        "reactivated_customers": int(react.sum()),
        "customers_end": int(c.sum()),
        "expanded_customers": int(expanded.sum()),
        "contracted_customers": int(contracted.sum()),
        "mrr_start": money(prev.sum()),
        "mrr_new": money(cur[new].sum()),
        "mrr_expansion": money(delta[expanded].sum()),
        "mrr_contraction": money(-delta[contracted].sum()),
        "mrr_churned": money(prev[churned].sum()),
        "mrr_reactivation": money(cur[react].sum()),
        "mrr_end": money(cur.sum()),
    }


__all__ = [
    "CANONICAL_REVENUE_KEYS", "CohortInputError", "CohortResult", "compute_cohorts",
    "revenue_inputs_for_month",
]

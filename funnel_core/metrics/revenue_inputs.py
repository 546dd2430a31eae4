"""A customer export's revenue numbers put into your periods; the MRR share of older cohorts.

- :func:`merge_revenue_inputs`: a month's revenue inputs (from
  :func:`funnel_core.metrics.cohorts.revenue_inputs_for_month`) written into the stored period
  that means the same month (:func:`matching_period`), leaving every funnel number as it was;
- :func:`older_cohort_share`: how much of the latest month's MRR comes from older cohorts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import tr
from funnel_core.inputs.period_keys import parse_period_label

__all__ = [
    "OlderCohortShare",
    "REVENUE_FIELDS",
    "matching_period",
    "merge_revenue_inputs",
    "older_cohort_share",
]

#: The canonical input fields a customer export can fill (see funnel_core.metrics.cohorts).
REVENUE_FIELDS: tuple[str, ...] = (
    "customers_start", "customers_churned", "new_customers", "customers_reactivated", "mrr_start",
    "mrr_new", "mrr_reactivation", "mrr_expansion", "mrr_contraction", "mrr_churned",
)
#: The export's names for the reactivation inputs -> the canonical field names.
_EXPORT_NAMES: dict[str, str] = {"reactivated_customers": "customers_reactivated"}


def _pct(value: float) -> str:
    return format_value(value, "fraction")


@dataclass(frozen=True)
class OlderCohortShare:
    """Share of the latest month's MRR that comes from cohorts at least ``min_age`` months old."""

    share: float | None
    min_age: int
    latest_month: str
    cutoff_cohort: str | None

    def describe(self) -> str:
        if self.share is None:
            return tr("no MRR in {month}", month=self.latest_month)
        if self.min_age <= 1:
            return tr("{share} of {month} MRR comes from customers who started before that month",
                      share=_pct(self.share), month=self.latest_month)
        return tr("{share} of {month} MRR comes from cohorts at least {age} months old (started in "
                  "{cohort} or earlier)", share=_pct(self.share), month=self.latest_month,
                  age=self.min_age, cohort=self.cutoff_cohort)


def older_cohort_share(result: Any, min_age: int | None = None) -> OlderCohortShare:
    """How much of the latest month's MRR comes from older cohorts.

    Parameters
    ----------
    result : a :class:`funnel_core.metrics.cohorts.CohortResult`.
    min_age : cohorts started at least this many months before the latest month count as
        older. Default: 12 when the data spans more than 12 months, else 6 when it spans more
        than 6, else 1 (every cohort before the latest month).
    """
    share_by_cohort = result.latest_mrr_share
    months = list(result.mrr_by_cohort_over_time.index)
    latest = months[-1]
    span = len(months)
    if min_age is None:
        min_age = 12 if span > 12 else (6 if span > 6 else 1)
    cutoff = latest - min_age
    total = 0.0
    seen = False
    for cohort, share in share_by_cohort.items():
        if share is None or (isinstance(share, float) and not math.isfinite(share)):
            continue
        seen = True
        if cohort <= cutoff:
            total += float(share)
    return OlderCohortShare(total if seen else None, min_age, str(latest), str(cutoff))


def merge_revenue_inputs(periods: Mapping[str, Mapping[str, float]], inputs: Mapping[str, Any],
                         target: str | None = None) -> tuple[dict[str, dict[str, float]], str]:
    """Put a month's revenue inputs from a customer export into the stored periods.

    Only the revenue fields (:data:`REVENUE_FIELDS`) of ``target`` are overwritten; every other
    field of every period stays (funnel numbers are not wiped). ``target`` defaults to the
    stored period whose label means the same month as ``inputs["month"]``, else a new period
    labelled with that month. A new period is placed in date order when every label is a date.

    Returns
    -------
    (periods, target label)

    Reactivated customers and their MRR go to their own inputs (``customers_reactivated``,
    ``mrr_reactivation``), never into new customers or new MRR, so CAC and the conversion rates
    count only customers won in the period, while MRR at start + new + reactivation + expansion -
    contraction - churned still equals the export's MRR at the end of the month.
    """
    month = str(inputs.get("month") or "")
    renamed = {_EXPORT_NAMES.get(k, k): v for k, v in inputs.items()}
    values = {k: float(renamed[k]) for k in REVENUE_FIELDS if renamed.get(k) is not None}
    if target is None:
        target = matching_period(periods, month) or month
    out = {label: dict(v) for label, v in periods.items()}
    merged = dict(out.get(target, {}))
    merged.update(values)
    is_new = target not in out
    out[target] = merged
    if is_new:
        keys = {label: parse_period_label(label) for label in out}
        if all(k is not None for k in keys.values()) and len({k.kind for k in keys.values()}) == 1:
            out = dict(sorted(out.items(), key=lambda item: keys[item[0]].ordinal))  # type: ignore[union-attr]
    return out, target


def matching_period(periods: Mapping[str, Any], month: str) -> str | None:
    """The stored period label that means calendar month ``month`` (``"2025-06"``), if any."""
    wanted = parse_period_label(month)
    if wanted is None:
        return None
    for label in periods:
        if label == month or parse_period_label(label) == wanted:
            return label
    return None

"""Growth and capital-efficiency formulas: what investors ask about before funnel rates.

Each function reads a snapshot and returns ``(value, calculation text)``, or raises
:class:`~funnel_core.metrics.kpi_formulas.NotComputable` with the reason in words. MRR at the
start and at the end come from the same inputs as everywhere else (MRR at end = start + new +
reactivation + expansion - contraction - churned), so every growth figure agrees with the MRR
bridge.

Definitions (``../shared/BENCHMARKS.md`` section D and the issue that asked for them):

- MRR growth = (MRR at end - MRR at start) / MRR at start, per period;
- net new ARR = (MRR at end - MRR at start) x 12, added in the period (negative when MRR shrank);
- ARR growth = ARR / ARR a year ago - 1, year over year;
- burn multiple = net burn / net new ARR, same period (lower is better);
- Rule of 40 = ARR growth + profit margin, as fractions (0.45 is a score of 45);
- magic number = net new ARR / S&M spend of the previous period (same period's spend when the
  previous one is not given, and the calculation says so);
- S&M share = S&M spend / revenue of the period, revenue = (MRR at start + MRR at end) / 2 x
  months in the period;
- ARR per employee = ARR / employees (full-time equivalents);
- gross margin = the input itself.
"""

from __future__ import annotations

from funnel_core.domain.constants import FIELDS_BY_NAME, IN_PERIOD
from funnel_core.domain.i18n import tr
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import months_in
from funnel_core.metrics.kpi_formulas import NotComputable, _g, _n, _need, _per, mrr_end


def _mrr_change(snapshot: Snapshot) -> tuple[float, float, float]:
    """(MRR at start, MRR at end, change); MRR at end by the shared bridge formula."""
    (start,) = _need(snapshot, "mrr_start")
    end, _ = mrr_end(snapshot)
    return start, end, end - start


def mrr_growth_rate(snapshot: Snapshot) -> tuple[float, str]:
    """(MRR end - MRR start) / MRR start, per period; not computable at zero MRR at start."""
    start, end, change = _mrr_change(snapshot)
    if start == 0:
        raise NotComputable(tr("{input} is zero, so growth has no base (it is infinite)",
                               input=FIELDS_BY_NAME["mrr_start"].label))
    value = change / start
    return value, f"({_n(end)} - {_n(start)}) / {_n(start)} = {_g(value)} {_per(snapshot.context.period)}"


def net_new_arr(snapshot: Snapshot) -> tuple[float, str]:
    """(MRR end - MRR start) x 12, the ARR added in the period (negative when MRR shrank)."""
    start, end, change = _mrr_change(snapshot)
    value = change * 12
    period = snapshot.context.period
    return value, f"({_n(end)} - {_n(start)}) x 12 = {_n(value)} {IN_PERIOD.get(period, f'in the {period}')}"


def arr_growth_rate(snapshot: Snapshot) -> tuple[float, str]:
    """ARR / ARR a year ago - 1 (year over year); ARR = MRR at end x 12."""
    (year_ago,) = _need(snapshot, "arr_year_ago")
    _, end, _ = _mrr_change(snapshot)
    if year_ago == 0:
        raise NotComputable(tr("{input} is zero, so year-over-year growth has no base",
                               input=FIELDS_BY_NAME["arr_year_ago"].label))
    arr = end * 12
    value = arr / year_ago - 1
    return value, tr("ARR {arr} / ARR a year ago {year_ago} - 1 = {value}", arr=_n(arr),
                     year_ago=_n(year_ago), value=_g(value))


def burn_multiple(snapshot: Snapshot) -> tuple[float, str]:
    """Net burn / net new ARR of the same period; lower is better.

    Not computable when net new ARR is zero or negative (burning cash without adding ARR has no
    finite multiple), or when net burn is zero or negative (a cash-flow positive company has no
    burn to measure: better than any burn multiple).
    """
    (burn,) = _need(snapshot, "net_burn")
    added, _ = net_new_arr(snapshot)
    if burn <= 0:
        raise NotComputable(tr("net burn is {burn}: the company generated cash, so there is no burn "
                               "to measure (better than any burn multiple)", burn=_n(burn)))
    if added <= 0:
        raise NotComputable(tr("net new ARR is {added}: with no ARR added, every dollar burned buys "
                               "nothing and the burn multiple is not defined", added=_n(added)))
    value = burn / added
    return value, tr("net burn {burn} / net new ARR {added} = {value}", burn=_n(burn), added=_n(added),
                     value=_g(value))


def rule_of_40(snapshot: Snapshot) -> tuple[float, str]:
    """ARR growth (year over year) + profit margin, both fractions (0.45 is a score of 45)."""
    growth, _ = arr_growth_rate(snapshot)
    (margin,) = _need(snapshot, "profit_margin")
    value = growth + margin
    return value, tr("ARR growth {growth} + profit margin {margin} = {value} (score {score})",
                     growth=_g(growth), margin=_g(margin), value=_g(value), score=format(value * 100, ".0f"))


def magic_number(snapshot: Snapshot) -> tuple[float, str]:
    """Net new ARR / S&M spend of the previous period (the same period's when not given)."""
    added, _ = net_new_arr(snapshot)
    prior = snapshot.get("sales_marketing_spend_prior")
    if prior is not None:
        spend, note = float(prior), tr("S&M spend of the previous period")
    else:
        (spend,) = _need(snapshot, "sales_marketing_spend")
        note = tr("S&M spend of this period (the previous period's was not given)")
    if spend == 0:
        raise NotComputable(tr("S&M spend is zero, so the magic number is not defined"))
    value = added / spend
    return value, tr("net new ARR {added} / {spend_text} {spend} = {value}", added=_n(added),
                     spend_text=note, spend=_n(spend), value=_g(value))


def sales_marketing_share(snapshot: Snapshot) -> tuple[float, str]:
    """S&M spend / revenue of the period, revenue = (MRR at start + MRR at end) / 2 x months."""
    (spend,) = _need(snapshot, "sales_marketing_spend")
    start, end, _ = _mrr_change(snapshot)
    months = months_in(snapshot.context.period)
    revenue = (start + end) / 2 * months
    if revenue == 0:
        raise NotComputable(tr("revenue in the period is zero, so the share is not defined"))
    value = spend / revenue
    return value, (f"{_n(spend)} / (({_n(start)} + {_n(end)}) / 2 x {months}) = {_g(value)}")


def arr_per_employee(snapshot: Snapshot) -> tuple[float, str]:
    """ARR / employees (full-time equivalents at the end of the period)."""
    (employees,) = _need(snapshot, "employees")
    _, end, _ = _mrr_change(snapshot)
    if employees == 0:
        raise NotComputable(tr("Employees is zero, so ARR per employee is not defined"))
    value = end * 12 / employees
    return value, tr("ARR {arr} / {employees} employees = {value}", arr=_n(end * 12),
                     employees=_n(employees), value=_n(value))


def gross_margin(snapshot: Snapshot) -> tuple[float, str]:
    """The gross margin input itself, so that it can be benchmarked."""
    (margin,) = _need(snapshot, "gross_margin")
    return margin, tr("gross margin as given: {margin}", margin=_g(margin))

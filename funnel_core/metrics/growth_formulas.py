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

from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import months_in
from funnel_core.metrics.kpi_formulas import NotComputable, _n, _need, mrr_end


def _mrr_change(snapshot: Snapshot) -> tuple[float, float, float]:
    """(MRR at start, MRR at end, change); MRR at end by the shared bridge formula."""
    (start,) = _need(snapshot, "mrr_start")
    end, _ = mrr_end(snapshot)
    return start, end, end - start


def mrr_growth_rate(snapshot: Snapshot) -> tuple[float, str]:
    """(MRR end - MRR start) / MRR start, per period; not computable at zero MRR at start."""
    start, end, change = _mrr_change(snapshot)
    if start == 0:
        raise NotComputable("MRR at start is zero, so growth has no base (it is infinite)")
    value = change / start
    return value, f"({_n(end)} - {_n(start)}) / {_n(start)} = {value:.4g} per {snapshot.context.period}"


def net_new_arr(snapshot: Snapshot) -> tuple[float, str]:
    """(MRR end - MRR start) x 12, the ARR added in the period (negative when MRR shrank)."""
    start, end, change = _mrr_change(snapshot)
    value = change * 12
    return value, f"({_n(end)} - {_n(start)}) x 12 = {_n(value)} in the {snapshot.context.period}"


def arr_growth_rate(snapshot: Snapshot) -> tuple[float, str]:
    """ARR / ARR a year ago - 1 (year over year); ARR = MRR at end x 12."""
    (year_ago,) = _need(snapshot, "arr_year_ago")
    _, end, _ = _mrr_change(snapshot)
    if year_ago == 0:
        raise NotComputable("ARR a year ago is zero, so year-over-year growth has no base")
    arr = end * 12
    value = arr / year_ago - 1
    return value, f"ARR {_n(arr)} / ARR a year ago {_n(year_ago)} - 1 = {value:.4g}"


def burn_multiple(snapshot: Snapshot) -> tuple[float, str]:
    """Net burn / net new ARR of the same period; lower is better.

    Not computable when net new ARR is zero or negative (burning cash without adding ARR has no
    finite multiple), or when net burn is zero or negative (a cash-flow positive company has no
    burn to measure: better than any burn multiple).
    """
    (burn,) = _need(snapshot, "net_burn")
    added, _ = net_new_arr(snapshot)
    if burn <= 0:
        raise NotComputable(f"net burn is {_n(burn)}: the company generated cash, so there is no "
                            "burn to measure (better than any burn multiple)")
    if added <= 0:
        raise NotComputable(f"net new ARR is {_n(added)}: with no ARR added, every dollar burned "
                            "buys nothing and the burn multiple is not defined")
    value = burn / added
    return value, f"net burn {_n(burn)} / net new ARR {_n(added)} = {value:.4g}"


def rule_of_40(snapshot: Snapshot) -> tuple[float, str]:
    """ARR growth (year over year) + profit margin, both fractions (0.45 is a score of 45)."""
    growth, _ = arr_growth_rate(snapshot)
    (margin,) = _need(snapshot, "profit_margin")
    value = growth + margin
    return value, f"ARR growth {growth:.4g} + profit margin {margin:.4g} = {value:.4g} (score {value * 100:.0f})"


def magic_number(snapshot: Snapshot) -> tuple[float, str]:
    """Net new ARR / S&M spend of the previous period (the same period's when not given)."""
    added, _ = net_new_arr(snapshot)
    prior = snapshot.get("sales_marketing_spend_prior")
    if prior is not None:
        spend, note = float(prior), "S&M spend of the previous period"
    else:
        (spend,) = _need(snapshot, "sales_marketing_spend")
        note = "S&M spend of this period (the previous period's was not given)"
    if spend == 0:
        raise NotComputable("S&M spend is zero, so the magic number is not defined")
    value = added / spend
    return value, f"net new ARR {_n(added)} / {note} {_n(spend)} = {value:.4g}"


def sales_marketing_share(snapshot: Snapshot) -> tuple[float, str]:
    """S&M spend / revenue of the period, revenue = (MRR at start + MRR at end) / 2 x months."""
    (spend,) = _need(snapshot, "sales_marketing_spend")
    start, end, _ = _mrr_change(snapshot)
    months = months_in(snapshot.context.period)
    revenue = (start + end) / 2 * months
    if revenue == 0:
        raise NotComputable("revenue in the period is zero, so the share is not defined")
    value = spend / revenue
    return value, (f"{_n(spend)} / (({_n(start)} + {_n(end)}) / 2 x {months}) = {value:.4g}")


def arr_per_employee(snapshot: Snapshot) -> tuple[float, str]:
    """ARR / employees (full-time equivalents at the end of the period)."""
    (employees,) = _need(snapshot, "employees")
    _, end, _ = _mrr_change(snapshot)
    if employees == 0:
        raise NotComputable("Employees is zero, so ARR per employee is not defined")
    value = end * 12 / employees
    return value, f"ARR {_n(end * 12)} / {_n(employees)} employees = {_n(value)}"


def gross_margin(snapshot: Snapshot) -> tuple[float, str]:
    """The gross margin input itself, so that it can be benchmarked."""
    (margin,) = _need(snapshot, "gross_margin")
    return margin, f"gross margin as given: {margin:.4g}"

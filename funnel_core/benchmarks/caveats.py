"""Caveats on a comparison: definitions that differ, and conversions that make a figure noisy.

- **Gross margin.** CAC payback and CLV : CAC are margin-adjusted only when you give a gross
  margin (CLV never is). Against a figure whose ``basis`` is margin-adjusted (it says "gross
  margin"), a figure of yours that is not gets no verdict: "not comparable: the benchmark is
  margin-adjusted, your figure is not (add gross margin)". The reverse (yours margin-adjusted, the
  benchmark's ``basis`` saying "revenue-based") is not comparable either.
- **One period compounded.** A monthly churn or retention compounded to a year (R^12) from a
  snapshot of a single month carries "one month compounded to a year: noisy" (a quarter
  likewise).
- **A similar definition.** A figure marked ``approximate`` carries "a similar, not identical
  definition (see the benchmark's note)".
"""

from __future__ import annotations

from funnel_core.benchmarks.catalogue_schema import Benchmark
from funnel_core.domain.i18n import mark, tr
from funnel_core.metrics.kpis import KpiResult

__all__ = [
    "MARGIN_KPIS",
    "approximate_caveat",
    "compounding_caveat",
    "definition_mismatch",
    "is_noisy",
    "margin_adjusted",
    "uses_margin",
]

#: KPIs whose value can be margin-adjusted: True when it is whenever gross margin is given,
#: False when it never is.
MARGIN_KPIS: dict[str, bool] = {"cac_payback_months": True, "clv_to_cac": True, "clv": False}

MARGIN_NOT_COMPARABLE = mark("not comparable: the benchmark is margin-adjusted, your figure is not "
                         "(add gross margin)")
REVENUE_NOT_COMPARABLE = mark("not comparable: the benchmark is revenue-based, your figure is "
                          "margin-adjusted")

#: The noise caveat of one period compounded to a longer one, by (snapshot, benchmark) period.
_COMPOUNDED: dict[tuple[str, str], str] = {
    ("month", "quarter"): mark("one month compounded to a quarter: noisy"),
    ("month", "year"): mark("one month compounded to a year: noisy"),
    ("quarter", "year"): mark("one quarter compounded to a year: noisy"),
}
APPROXIMATE_CAVEAT = mark("a similar, not identical definition (see the benchmark's note)")


def is_noisy(caveat: str) -> bool:
    """True when ``caveat`` (in any language) is the noise caveat of one period compounded."""
    return any(caveat == tr(text) or caveat == text for text in _COMPOUNDED.values())


def margin_adjusted(benchmark: Benchmark) -> bool:
    """True when the benchmark's ``basis`` is margin-adjusted (it names gross margin)."""
    basis = benchmark.basis.lower()
    return "gross margin" in basis or "gross-margin" in basis


def uses_margin(result: KpiResult, margin_given: bool | None) -> bool:
    """Whether the user's value of a :data:`MARGIN_KPIS` KPI is margin-adjusted.

    ``margin_given`` says whether the snapshot has a gross margin; when ``None`` it is read from
    the calculation text (which says "gross margin not given" otherwise).
    """
    if not MARGIN_KPIS.get(result.id, False):
        return False
    if margin_given is not None:
        return margin_given
    calculation = (result.calculation or "").lower()
    return "gross margin" in calculation and "not given" not in calculation


def definition_mismatch(result: KpiResult, benchmark: Benchmark,
                        margin_given: bool | None) -> str | None:
    """Why the user's figure and the benchmark measure different things, or ``None``."""
    if result.id not in MARGIN_KPIS:
        return None
    mine = uses_margin(result, margin_given)
    if margin_adjusted(benchmark) and not mine:
        return tr(MARGIN_NOT_COMPARABLE)
    if mine and "revenue-based" in benchmark.basis.lower():
        return tr(REVENUE_NOT_COMPARABLE)
    return None


def compounding_caveat(period_kind: str | None, snapshot_period: str,
                       benchmark_period: str) -> str | None:
    """The noise caveat when one month (or quarter) of churn or retention meets a longer period."""
    if period_kind is None:
        return None
    order = {"month": 1, "quarter": 3, "year": 12}
    if snapshot_period not in order or benchmark_period not in order:
        return None
    if order[benchmark_period] <= order[snapshot_period]:
        return None
    return tr(_COMPOUNDED[(snapshot_period, benchmark_period)])


def approximate_caveat(benchmark: Benchmark) -> str | None:
    """The caveat of a figure marked ``approximate``."""
    if benchmark.comparability == "approximate":
        return tr(APPROXIMATE_CAVEAT)
    return None

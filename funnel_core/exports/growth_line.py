"""The growth & efficiency line of the report's page 1: what investors ask about first.

One line under the verdict counts, e.g. ``ARR growth 57.2 % a year (better) · MRR growth
+11.0 % per month · net new ARR $156,000 in the month · burn multiple 0.38x (better) · Rule of 40
39.2 % (better) · magic number 1.73 (better)``: the growth and capital-efficiency KPIs that could
be computed, each with its KPI-level verdict when it has one. Empty when none could be computed.
"""

from __future__ import annotations

from funnel_core.domain.constants import IN_PERIOD
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.domain.constants import VERDICT_LABELS
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr

__all__ = ["GROWTH_LINE_KPIS", "growth_items", "growth_line"]

#: The KPIs of the line, in this order.
GROWTH_LINE_KPIS: tuple[str, ...] = (
    "arr_growth_rate", "mrr_growth_rate", "net_new_arr", "burn_multiple", "rule_of_40",
    "magic_number", "arr_per_employee", "sales_marketing_share",
)

_PERIOD_WORDS = {"month": mark("per month"), "quarter": mark("per quarter"), "year": mark("a year")}


def growth_items(report: ComparisonReport) -> list[str]:
    """One short text per computable KPI of :data:`GROWTH_LINE_KPIS`."""
    currency = report.snapshot.context.currency
    out: list[str] = []
    for kpi_id in GROWTH_LINE_KPIS:
        try:
            item = report.get(kpi_id)
        except KeyError:
            continue
        kpi = item.kpi
        if kpi.value is None:
            continue
        value = format_value(kpi.value, kpi.spec.unit, currency)
        if kpi.spec.signed and kpi.value > 0 and kpi.spec.unit == "fraction" \
                and kpi_id == "mrr_growth_rate":
            value = "+" + value
        if kpi_id == "net_new_arr":
            value += " " + (IN_PERIOD[kpi.period] if kpi.period in IN_PERIOD else f"in the {kpi.period}")
        elif kpi.period in _PERIOD_WORDS and kpi.spec.unit == "fraction":
            value += f" {tr(_PERIOD_WORDS[kpi.period])}"
        verdict = f" ({tr(VERDICT_LABELS[item.verdict]).lower()})" if item.verdict else ""
        label = tr(kpi.spec.label).replace(" (year over year)", "")
        out.append(f"{label} {value}{verdict}")
    return out


def growth_line(report: ComparisonReport) -> str:
    """``"Growth & efficiency: ARR growth 57.2 % a year (better) · ..."``; ``""`` when empty."""
    items = growth_items(report)
    return tr("Growth & efficiency: {items}", items=" · ".join(items)) if items else ""

"""Every chart of the results page, named for export (the ZIP of charts, the report).

Charts with nothing to show are left out; the exports render what :func:`chart_catalog` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt

from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.charts.bullets import bullet_charts
from funnel_core.charts.focus import focus_chart
from funnel_core.charts.funnel import funnel_chart
from funnel_core.charts.mrr_bridge import mrr_bridge_chart
from funnel_core.charts.overview import overview_chart
from funnel_core.charts.quadrant import quadrant_chart
from funnel_core.domain.i18n import tr

__all__ = ["NamedChart", "chart_catalog"]


@dataclass(frozen=True)
class NamedChart:
    """One chart of the results page, for the export module.

    Attributes
    ----------
    name : file-safe slug (``overview``, ``bullet-customer_churn_rate``, ``funnel``,
        ``mrr-bridge``, ``quadrant``, ``focus``).
    title : human title.
    chart : the Altair chart.
    """

    name: str
    title: str
    chart: alt.TopLevelMixin


def chart_catalog(report: ComparisonReport, *, as_of: date | None = None) -> list[NamedChart]:
    """Every chart the results page shows, named for export.

    Order: ``overview``, ``funnel``, ``focus``, ``mrr-bridge``, ``quadrant`` (NRR against CAC
    payback), then one
    ``bullet-<kpi_id>`` per computed KPI with at least one benchmark it can be placed against.
    Charts with nothing to show are left out.
    """
    as_of = as_of or date.today()
    currency = report.snapshot.context.currency
    out: list[NamedChart] = []
    overview = overview_chart(report, as_of=as_of)
    if overview is not None:
        out.append(NamedChart("overview", tr("Your KPIs against published benchmarks"), overview))
    funnel = funnel_chart(report, as_of=as_of)
    if funnel is not None:
        out.append(NamedChart("funnel", tr("Your funnel against benchmark conversion rates"), funnel))
    focus = focus_chart(report, as_of=as_of)
    if focus is not None:
        out.append(NamedChart("focus", tr("Where to focus"), focus))
    bridge = mrr_bridge_chart(report, as_of=as_of)
    if bridge is not None:
        out.append(NamedChart("mrr-bridge", tr("MRR bridge"), bridge))
    quadrant = quadrant_chart(report, as_of=as_of)
    if quadrant is not None:
        out.append(NamedChart("quadrant", tr("Growth and efficiency: NRR against CAC payback"),
                              quadrant))
    for item in report.computed():
        if any(c.user_value is not None for c in item.comparisons):
            out.append(NamedChart(f"bullet-{item.id}", tr("{kpi} against benchmarks", kpi=item.kpi.spec.label),
                                  bullet_charts(item, as_of=as_of, currency=currency)))
    return out



"""The "where to focus" chart: what reaching each benchmark would be worth per month.

One bar per KPI worse than its benchmark (from :func:`funnel_core.benchmarks.funnel.focus_areas`),
largest first: extra MRR per month when ARPA is computable, else extra customers per month.
"""

from __future__ import annotations

from datetime import date

import altair as alt

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.benchmarks.funnel import FocusArea, focus_areas
from funnel_core.charts.labels import Sources, source_short
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import (axis_format, chart_rows, field_def, finish_chart, quant_def,
                                     tooltip_defs, unit_view)
from funnel_core.domain.formatting import format_value

__all__ = ["focus_chart"]


def focus_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """Bars of what reaching the benchmark would be worth per month, largest first.

    Extra MRR per month when ARPA is computable, else extra customers per month; the
    arithmetic of each bar is in its tooltip. Returns ``None`` when no KPI is worse than its
    benchmark with the inputs needed to size the gap.
    """
    areas = focus_areas(report)
    if not areas:
        return None
    theme = load_theme()
    currency = report.snapshot.context.currency
    sources = Sources(currency)
    use_mrr = all(a.extra_mrr_per_month is not None for a in areas)
    rows = []
    for a in areas:
        number = sources.ref(_benchmark_of(report, a))
        value = a.extra_mrr_per_month if use_mrr else a.extra_customers_per_month
        customers = a.extra_customers_per_month
        what = "kept" if a.kind == "churn" else "won"
        if use_mrr:
            money = format_value(value, "currency", currency)  # type: ignore[arg-type]
            label = f"+{money} · {customers:,.1f} customers {what}"
        else:
            label = f"+{customers:,.1f} customers {what}"
        if a.caveat:  # the item rests on a weak figure: say so on the bar
            label += f" ({a.caveat})"
        rows.append({
            "kpi": f"{a.label}: {format_value(a.user_rate, 'fraction')} → "
                   f"{format_value(a.target_rate, 'fraction')} [{number}]",
            "value": value, "label": label, "arithmetic": a.arithmetic,
            "source": source_short(_benchmark_of(report, a)), "segment": a.segment,
        })
    data = chart_rows(rows, ["value"])
    order = [r["kpi"] for r in rows]
    top = max(float(r["value"]) for r in data) if data else 1.0
    x_scale = {"domain": [0, (top or 1.0) * 2.1], "nice": False}
    x_axis = {"title": ("Extra MRR per month" if use_mrr else "Extra customers per month"),
              "grid": True, "tickCount": 5,
              **(axis_format("currency", currency, [0, top]) if use_mrr else {"format": ",.3~g"})}
    y = field_def("kpi", sort=order, scale={"domain": order, "paddingInner": 0.3},
                  axis={"title": None, "ticks": False, "domain": False, "labelPadding": 8,
                        "labelLimit": 262, "labelFontSize": theme.font_sizes["axis_label"] + 1,
                        "minExtent": 270, "maxExtent": 270})
    tooltip = tooltip_defs(("kpi", "KPI"), ("label", "Worth"), ("arithmetic", "Calculation"),
                           ("source", "Source"), ("segment", "Segment"))
    bars = unit_view("bar", {"x": quant_def("value", scale=x_scale, axis=x_axis), "y": y, "tooltip": tooltip},
                     color=theme.colors["worse"], cornerRadiusEnd=2)
    text = unit_view("text", {"x": quant_def("value", scale=x_scale), "y": y, "text": field_def("label"),
                              "tooltip": tooltip}, align="left", baseline="middle", dx=5)
    body = {"layer": [bars, text], "width": theme.width - 32 - 270,
            "height": theme.row_height * 1.2 * len(rows)}
    period = report.snapshot.context.period
    subtitle = ["What reaching the benchmark would be worth if that one KPI improved and your "
                "other numbers stayed the same (conversions: new customers won; churn: customers kept)."]
    if period != "month":
        subtitle.append(f"Per-{period} figures are shown per month (divided by "
                        f"{ {'quarter': 3, 'year': 12}[period] }).")
    if use_mrr:
        arpa = format_value(areas[0].arpa, "currency", currency)  # type: ignore[arg-type]
        how = (f"Calculation: extra customers × ARPA {arpa} "
               "(MRR at end / paying accounts at end); hover a bar for the full arithmetic.")
    else:
        how = f"MRR not estimated: {areas[0].mrr_reason}. Hover a bar for the full arithmetic."
    return finish_chart(body, data, "Where to focus", subtitle, sources.lines(as_of, [how]), theme)


def _benchmark_of(report: ComparisonReport, area: FocusArea) -> Benchmark:
    item = report.get(area.kpi_id)
    return next(c.benchmark for c in item.comparisons if c.benchmark.id == area.benchmark_id)


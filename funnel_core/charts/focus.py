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
from funnel_core.charts.labels import Numbering, Sources, number_text, source_short
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import (axis_format, chart_rows, field_def, finish_chart, quant_def,
                                     tooltip_defs, unit_view)
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import tr

__all__ = ["focus_chart"]

#: Height of one row (two lines of text and the bar below them) and of its bar, in pixels.
_ROW, _BAR = 58, 14


def focus_chart(report: ComparisonReport, *, as_of: date | None = None,
                numbering: Numbering | None = None) -> alt.VConcatChart | None:
    """Bars of what reaching the benchmark would be worth per month, largest first.

    Extra MRR per month when ARPA is computable, else extra customers per month; the
    arithmetic of each bar is in its tooltip. Returns ``None`` when no KPI is worse than its
    benchmark with the inputs needed to size the gap.
    ``numbering``: a document's numbering of its sources (the report's), else [1], [2]... in
    order of first use (:class:`~funnel_core.charts.labels.Sources`).
    """
    areas = focus_areas(report)
    if not areas:
        return None
    theme = load_theme()
    currency = report.snapshot.context.currency
    sources = Sources(currency, numbering)
    use_mrr = all(a.extra_mrr_per_month is not None for a in areas)
    rows = []
    for a in areas:
        number = sources.ref(_benchmark_of(report, a))
        value = a.extra_mrr_per_month if use_mrr else a.extra_customers_per_month
        customers = a.extra_customers_per_month
        count = number_text(customers, 1)
        what = (tr("{count} customers kept", count=count) if a.kind == "churn"
                else tr("{count} customers won", count=count))
        if use_mrr:
            money = format_value(value, "currency", currency)  # type: ignore[arg-type]
            label = f"+{money} · {what}"
        else:
            label = f"+{what}"
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
    x_scale = {"domain": [0, (top or 1.0) * 1.05], "nice": False}
    x_axis = {"title": (tr("Extra MRR per month") if use_mrr else tr("Extra customers per month")),
              "grid": True, "tickCount": 4, "labelFlush": True,
              **(axis_format("currency", currency, [0, top]) if use_mrr else {"format": ",.3~g"})}
    # each row: the KPI and what it is worth as two lines of text, the bar below them, all
    # as wide as the plot (no label column beside it: that left no room on a phone)
    y = field_def("kpi", sort=order, scale={"domain": order, "paddingInner": 0.15,
                                            "paddingOuter": 0.05}, axis=None)
    tooltip = tooltip_defs(("kpi", tr("KPI")), ("label", tr("Worth")), ("arithmetic", tr("Calculation")),
                           ("source", tr("Source")), ("segment", tr("Segment")))
    size = theme.font_sizes["axis_label"] + 1
    bars = unit_view("bar", {"x": quant_def("value", scale=x_scale, axis=x_axis), "y": y,
                             "tooltip": tooltip},
                     color=theme.colors["worse"], cornerRadiusEnd=2, height=_BAR,
                     yOffset=_ROW / 2 - _BAR / 2 - 3)
    words = unit_view("text", {"x": {"value": 0}, "y": {**y, "bandPosition": 0},
                               "text": field_def("lines"), "tooltip": tooltip},
                      align="left", baseline="top", dy=3, lineBreak="\n", fontSize=size,
                      lineHeight=size + 4, limit={"expr": "width"})
    for r in data:
        r["lines"] = f"{r['kpi']}\n{r['label']}"
    body = {"layer": [bars, words], "width": theme.width - 32, "height": _ROW * len(rows)}
    period = report.snapshot.context.period
    subtitle = [tr("What reaching the benchmark would be worth if that one KPI improved and your "
                   "other numbers stayed the same (conversions: new customers won; churn: customers kept).")]
    if period == "quarter":
        subtitle.append(tr("Per-quarter figures are shown per month (divided by 3)."))
    elif period == "year":
        subtitle.append(tr("Per-year figures are shown per month (divided by 12)."))
    elif period != "month":
        subtitle.append(f"Per-{period} figures are shown per month (divided by "
                        f"{ {'quarter': 3, 'year': 12}[period] }).")
    if use_mrr:
        arpa = format_value(areas[0].arpa, "currency", currency)  # type: ignore[arg-type]
        how = tr("Calculation: extra customers × ARPA {arpa} (MRR at end / paying accounts at end); "
                 "hover a bar for the full arithmetic.", arpa=arpa)
    else:
        how = tr("MRR not estimated: {reason}. Hover a bar for the full arithmetic.",
                 reason=areas[0].mrr_reason)
    return finish_chart(body, data, tr("Where to focus"), subtitle, sources.lines(as_of, [how]), theme)


def _benchmark_of(report: ComparisonReport, area: FocusArea) -> Benchmark:
    item = report.get(area.kpi_id)
    return next(c.benchmark for c in item.comparisons if c.benchmark.id == area.benchmark_id)


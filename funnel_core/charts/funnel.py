"""The funnel chart: your funnel beside the benchmark funnel from the same visitors.

Grey bars are what your visitors would become at each step's benchmark conversion rate; a log
scale (symmetric log when a count is zero) keeps the small stages visible.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import altair as alt

from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.benchmarks.funnel import benchmark_funnel
from funnel_core.charts.labels import Numbering, Sources, number_text
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import (chart_rows, field_def, finish_chart, label_room, quant_def,
                                     tooltip_defs, unit_view)
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr

__all__ = ["funnel_chart"]


def _count_text(value: float) -> str:
    if value >= 100 or float(value).is_integer():
        return number_text(value, 0)
    return number_text(value, 1)


#: The two series of the funnel (the legend; data values and the colour scale use the same).
_YOU, _AT_BENCHMARK = mark("You"), mark("At benchmark rates")
_PERIOD_WORDS = {"month": mark("People per month (log scale)"), "quarter": mark("People per quarter (log scale)"),
                 "year": mark("People per year (log scale)")}


def funnel_chart(report: ComparisonReport, *, as_of: date | None = None,
                 numbering: Numbering | None = None) -> alt.VConcatChart | None:
    """The user's funnel beside the benchmark funnel from the same visitors (log scale).

    Returns ``None`` when fewer than two funnel stages are given or there are no visitors
    (nothing to compare). Zero counts further down switch to a symmetric log scale.
    ``numbering``: a document's numbering of its sources (the report's), else [1], [2]... in
    order of first use (:class:`~funnel_core.charts.labels.Sources`).
    """
    theme = load_theme()
    steps = benchmark_funnel(report)
    if len(steps) < 2 or steps[0].user_count <= 0:
        return None
    currency = report.snapshot.context.currency
    sources = Sources(currency, numbering)
    rows: list[dict[str, Any]] = []
    stage_labels: list[str] = []
    step_lines: list[str] = []
    you, at_benchmark = tr(_YOU), tr(_AT_BENCHMARK)
    for step in steps:
        label = step.label + (tr(" (no benchmark)") if step.benchmark_missing else "")
        stage_labels.append(label)
        user_rate = f" · {format_value(step.user_rate, 'fraction')}" if step.user_rate is not None else ""
        rows.append({"stage": label, "series": you, "count": step.user_count,
                     "label": _count_text(step.user_count) + user_rate,
                     "detail": tr("Your count") + (tr("; your step rate {rate}",
                                                      rate=format_value(step.user_rate, 'fraction'))
                                                   if step.user_rate is not None else "")})
        if step.benchmark_count is not None:
            ref = ""
            if step.kpi_id is None:
                detail = tr("Same visitors as yours")
            elif step.benchmark_missing:
                detail = step.note
                ref = tr(" (yours)")
            else:
                item = report.get(step.kpi_id)
                b = next(c.benchmark for c in item.comparisons if c.benchmark.id == step.benchmark_id)
                ref = f" [{sources.ref(b)}]"
                detail = step.note
            rate = f" · {format_value(step.rate_used, 'fraction')}{ref}" if step.rate_used is not None else ""
            rows.append({"stage": label, "series": at_benchmark, "count": step.benchmark_count,
                         "label": _count_text(step.benchmark_count) + rate, "detail": detail})
        if step.benchmark_missing:
            step_lines.append(step.note)
    data = chart_rows(rows, ["count"])
    counts = [float(r["count"]) for r in data]
    positive = [c for c in counts if c > 0]
    use_log = len(positive) == len(counts) and bool(positive)
    if use_log:
        lo = 10.0 ** math.floor(math.log10(min(positive)))
        hi = 10.0 ** math.ceil(math.log10(max(positive) * 4))
        x_scale: dict[str, Any] = {"type": "log", "domain": [lo, hi], "nice": False}
        ticks = [10.0 ** k for k in range(int(round(math.log10(lo))), int(round(math.log10(hi))) + 1)]
        scale_note = tr("Log scale: each gridline is 10× the one before, so small stages stay visible.")
    else:
        lo, hi = 0.0, max(counts + [1.0]) * 12
        x_scale = {"type": "symlog", "constant": 1, "domain": [lo, hi], "nice": False}
        ticks = [0.0] + [10.0 ** k for k in range(0, int(math.log10(hi)) + 1)]
        scale_note = tr("Symmetric log scale (some counts are zero): each gridline is 10× the one before.")
    series = [you, at_benchmark]
    series_scale = {"domain": series, "range": [theme.colors["user_bar"], theme.colors["benchmark_bar"]]}
    y = field_def("stage", sort=stage_labels, scale={"domain": stage_labels, "paddingInner": 0.25},
                  axis={"title": None, "ticks": False, "domain": False, "labelPadding": 8,
                        "labelFontSize": theme.font_sizes["axis_label"] + 1,
                        "labelLimit": label_room(180), "minExtent": label_room(190),
                        "maxExtent": label_room(190)})
    y_offset = field_def("series", sort=series, scale={"domain": series, "paddingInner": 0.08})
    tooltip = tooltip_defs(("stage", tr("Stage")), ("series", tr("Series")), ("label", tr("Count · rate")),
                           ("detail", tr("Rate used")))
    period = report.snapshot.context.period
    x_axis = {"title": tr(_PERIOD_WORDS[period]) if period in _PERIOD_WORDS else f"People per {period} (log scale)",
              "values": ticks, "format": "~s", "grid": True}
    bars = unit_view("bar", {
        "x": quant_def("count", scale=x_scale, axis=x_axis), "x2": {"datum": lo}, "y": y,
        "yOffset": y_offset, "color": field_def("series", scale=series_scale, title=None),
        "tooltip": tooltip,
    }, cornerRadiusEnd=2)
    text = unit_view("text", {
        "x": quant_def("count", scale=x_scale), "y": y, "yOffset": y_offset,
        "text": field_def("label"), "tooltip": tooltip,
    }, align="left", baseline="middle", dx=4, fontSize=theme.font_sizes["mark_label"] - 1)
    body = {"layer": [bars, text], "width": theme.width - 32 - 190,
            "height": int(theme.row_height * 1.7 * len(steps))}
    visitors = steps[0].user_count
    subtitle = [tr("Grey bars: what your {visitors} visitors would become at each step's benchmark "
                   "rate. Labels: count · conversion from the stage above [source].",
                   visitors=_count_text(visitors)),
                scale_note]
    return finish_chart(body, data, tr("Your funnel against benchmark conversion rates"), subtitle,
                        sources.lines(as_of, step_lines), theme)

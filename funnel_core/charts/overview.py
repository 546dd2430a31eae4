"""The overview chart: one row per KPI, at its main benchmark, on one visible scale.

The scale is the gap to the main benchmark as a share of its figure (-100 % ... +100 %), with
lower-is-better KPIs flipped so better is always to the right; gaps beyond it are drawn at the
edge with their value. The rows are labelled with their numbered source and end with a summary:
the KPI's verdict and where you stand (the percentile where the source publishes a spread,
else the gap). See :mod:`funnel_core.charts.vega` for the conventions all charts share.
"""

from __future__ import annotations

import re
import textwrap
from datetime import date
from typing import Any

import altair as alt

from funnel_core.domain.constants import PER_PERIOD
from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import ComparisonReport, primary_comparison
from funnel_core.benchmarks.percentile import short_position
from funnel_core.benchmarks.verdict_rules import in_line_band
from funnel_core.charts.benchmark_rows import row_tooltip, summary_column, tooltip_values
from funnel_core.charts.labels import GLYPHS, Numbering, Sources, number_text, short_figure
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import (chart_rows, field_def, field_is, fields_valid, finish_chart, js_text,
                                     label_room, quant_def, unit_view, verdict_scales)
from funnel_core.domain.constants import NO_PERIOD, VERDICTS
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import tr

__all__ = ["CLIP", "TICKS", "overview_chart", "overview_rows", "relative_position", "row_label"]

#: Gaps beyond this share of the benchmark (100 %) are drawn at the edge, with their value.
CLIP = 1.0
#: The scale's ticks: shares of the benchmark's figure, better to the right.
TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
_PERIOD_SUFFIX = re.compile(r"\s*\((monthly|annualised|annual)\)$")
#: Pixels of the label column, the scale and the summary column of the exported picture, and
#: of a row; the text size (a printed page shows the picture at about 0.85-0.9: still 8 pt).
_LABEL_W, _PLOT_W, _TEXT_W, _ROW_H = 190, 300, 250, 34
_FONT = 13
_LABEL_CHARS = 24  # a row label longer than this goes onto two lines


def row_label(label: str, kpi_period: str, benchmark_period: str, number: int) -> str:
    """``"Customer churn,\\nper year [11]"``: the KPI, the period its value is compared in when
    converted to the benchmark's (never "(monthly) /yr"), and the source's number; on two lines
    (``\\n``) when long."""
    if benchmark_period not in (NO_PERIOD, kpi_period):  # on two lines: the KPI, its period
        per = PER_PERIOD[benchmark_period] if benchmark_period in PER_PERIOD \
            else f"per {benchmark_period}"
        return f"{_PERIOD_SUFFIX.sub('', label)},\n{per} [{number}]"
    text = f"{label} [{number}]"
    if len(text) <= _LABEL_CHARS:
        return text
    return "\n".join(textwrap.wrap(text, _LABEL_CHARS, break_on_hyphens=False)[:2])


def _centre(b: Benchmark) -> float | None:
    """The figure a gap is measured to: the median, else the middle of a range, else the bound."""
    if b.median is not None:
        return b.median
    if b.low is not None and b.high is not None:
        return (b.low + b.high) / 2
    return b.low if b.low is not None else b.high


def relative_position(value: float, b: Benchmark, higher_is_better: bool) -> float | None:
    """How far ``value`` is from the benchmark, as a share of its figure, better to the right.

    .. math:: x = s \\cdot (v - c) / |c|, \\qquad s = +1 \\text{ if higher is better, else } -1

    with :math:`c` the median (else the middle of the range, else the one-sided bound). ``None``
    when :math:`c` is 0 or missing (no share can be taken of it).
    """
    centre = _centre(b)
    if centre is None or abs(centre) < 1e-12:
        return None
    sign = 1.0 if higher_is_better else -1.0
    return sign * (value - centre) / abs(centre)


def _band(b: Benchmark, higher_is_better: bool) -> tuple[float, float] | None:
    """The benchmark's range, or the in-line band of a single figure, on the same scale."""
    low, high = in_line_band(b)
    if low is None or high is None:
        return None
    ends = [relative_position(v, b, higher_is_better) for v in (low, high)]
    if None in ends:
        return None
    return min(ends), max(ends)  # type: ignore[type-var]


def _clip(x: float) -> float:
    return max(-CLIP, min(CLIP, x))


def _pct(x: float) -> str:
    return f"{'+' if x > 0 else '−' if x < 0 else ''}{number_text(abs(x) * 100)} %"


def overview_chart(report: ComparisonReport, *, as_of: date | None = None,
                   numbering: Numbering | None = None) -> alt.VConcatChart | None:
    """Every computed KPI against its main benchmark on one visible scale (one row per KPI).

    The scale is the gap to the main benchmark as a share of its figure, better to the right
    (:func:`relative_position`): 0 is the benchmark, +50 % half as much again (for churn or
    CAC: half as much), -50 % half of it. The benchmark's range, or the in-line band around a
    single figure, is a grey bar on the same scale; a gap beyond 100 % either way is drawn at
    the edge with an arrow and its value. Each row names its numbered source and ends with a
    summary: the verdict (▲ ● ▼), your value against the figure and where you stand (the
    percentile where the source publishes a spread, else the gap).

    One layered view: on screen it takes its column's width (the labels and the summary keep
    their room, the scale takes the rest; :mod:`funnel_core.charts.screen`). Text is 11 px or
    more. Returns ``None`` when no KPI has a benchmark it can be placed against.
    ``numbering``: a document's numbering of its sources (the report's), else [1], [2]... in
    order of first use (:class:`~funnel_core.charts.labels.Sources`).
    """
    theme = load_theme()
    sources = Sources(report.snapshot.context.currency, numbering)
    data = chart_rows(overview_rows(report, sources), ["x"])
    if not data:
        return None
    return _chart(data, sources, theme, as_of)


def overview_rows(report: ComparisonReport, sources: Sources | None = None) -> list[dict[str, Any]]:
    """The rows of the overview, one per KPI placed against its main benchmark, in KPI order.

    Each row has ``row`` (the label with its source's number, on two lines when long), ``kpi``,
    ``verdict`` (the word), ``summary`` (two lines: the verdict glyph with your value against the
    figure, then where you stand), ``x`` (:func:`relative_position`, clipped to the scale),
    ``band_lo``/``band_hi``, ``ref``, ``edge`` (the value of a gap off the scale) and the
    tooltip's fields. ``sources`` numbers the benchmarks (a new one when ``None``); the app's
    list of the same rows on a phone uses this too.
    """
    currency = report.snapshot.context.currency
    sources = sources if sources is not None else Sources(currency)
    rows: list[dict[str, Any]] = []
    for item in report.computed():
        primary = primary_comparison(item)
        if primary is None or primary.user_value is None:
            continue
        spec = item.kpi.spec
        b = primary.benchmark
        better = spec.higher_is_better if spec.higher_is_better is not None else True
        x_raw = relative_position(primary.user_value, b, better)
        verdict = item.verdict if item.verdict in VERDICTS else "none"
        row = tooltip_values(item, primary, currency)
        if item.verdict_note:
            row["caveat"] = item.verdict_note
        where = short_position(primary.percentile_rank, primary.position)
        band = _band(b, better)
        centre = _centre(b)
        row.update({
            "row": row_label(spec.label, item.kpi.period, b.period, sources.ref(b)),
            "x": _clip(x_raw) if x_raw is not None else 0.0,
            "band_lo": _clip(band[0]) if band else None,
            "band_hi": _clip(band[1]) if band else None,
            "ref": 0.0 if centre is not None else None,
            # two lines: the verdict with both figures, then where you stand
            "summary": GLYPHS[verdict] + " "
                       + tr("{value} vs {figure}", value=format_value(primary.user_value, spec.unit, currency),
                            figure=short_figure(b, currency))  # the user's value keeps its decimals
                       + (f"\n{where}" if where else ""),
        })
        if x_raw is None:
            row["note"] = (row["note"] + "; " if row["note"] else "") + \
                tr("drawn at the benchmark: a share of a zero figure cannot be taken")
        elif abs(x_raw) > CLIP:
            row["edge"] = f"{_pct(x_raw)} ►" if x_raw > 0 else f"◄ {_pct(x_raw)}"
            row["edge_side"] = "right" if x_raw > 0 else "left"
            row["note"] = (row["note"] + "; " if row["note"] else "") + \
                tr("off the scale ({gap} of the benchmark), drawn at the edge", gap=_pct(x_raw))
        rows.append(row)
    return rows


def _chart(data: list[dict[str, Any]], sources: Sources, theme: Any,
           as_of: date | None) -> alt.VConcatChart:
    """The overview chart of rows from :func:`overview_rows` (see :func:`overview_chart`)."""
    labels = [r["row"] for r in data]
    n = len(data)
    y_scale = {"domain": labels, "paddingInner": 0.35}
    y = field_def("row", sort=labels, scale=y_scale, axis={
        "title": None, "labelFontSize": _FONT + 1, "labelPadding": 10, "labelLineHeight": _FONT + 3,
        "labelExpr": "split(datum.label, '\\n')",
        "ticks": False, "domain": False, "labelLimit": label_room(_LABEL_W - 10),
        "minExtent": label_room(_LABEL_W), "maxExtent": label_room(_LABEL_W)})
    x_scale = {"domain": [-CLIP - 0.12, CLIP + 0.12], "nice": False}
    x_axis = {"title": [tr("Gap to the main benchmark, as a share of its figure"),
                        tr("← worse · better than the benchmark →")],
              "values": list(TICKS), "grid": True, "gridDash": [2, 3], "labelFlush": False,
              "labelExpr": (f"datum.value === 0 ? {js_text(tr('benchmark'))} : (datum.value > 0 ? '+' : '−') "
                            "+ format(abs(datum.value), '.0%')"),
              "orient": "top", "titlePadding": 8, "labelFontSize": _FONT, "titleFontSize": _FONT}
    color, shape = verdict_scales(theme)
    zero = unit_view("rule", {"x": {"datum": 0.0, "type": "quantitative", "scale": x_scale,
                                    "axis": x_axis}}, color="#9A9A9A", strokeWidth=1)
    zero["transform"] = [{"aggregate": [{"op": "count", "as": "rows"}]}]
    layers: list[dict[str, Any]] = [zero]
    if any("band_lo" in r and "band_hi" in r for r in data):
        layers.append(unit_view("bar", {"x": quant_def("band_lo", scale=x_scale),
                                        "x2": {"field": "band_hi"}, "y": y, "tooltip": row_tooltip()},
                                [fields_valid("band_lo", "band_hi")],
                                color=theme.colors["band"], height=14, cornerRadius=2))
    if any("ref" in r for r in data):
        layers.append(unit_view("tick", {"x": quant_def("ref", scale=x_scale), "y": y,
                                         "tooltip": row_tooltip()},
                                [fields_valid("ref")], color=theme.colors["reference"],
                                thickness=2, size=20))
    layers.append(unit_view("point", {
        "x": quant_def("x", scale=x_scale), "y": y,
        "color": field_def("verdict", scale=color, title=None,
                           legend={"labelFontSize": _FONT, "symbolSize": 110}),
        "shape": field_def("verdict", scale=shape, title=None), "tooltip": row_tooltip(),
    }, filled=True, size=170, opacity=1, stroke="white", strokeWidth=1))
    for side, align, dx in (("right", "right", -12), ("left", "left", 12)):
        if any(r.get("edge_side") == side for r in data):
            layers.append(unit_view("text", {
                "x": quant_def("x", scale=x_scale), "y": y, "text": field_def("edge"),
                "tooltip": row_tooltip(),
            }, [fields_valid("edge"), field_is("edge_side", side)], align=align,
                baseline="middle", dx=dx, fontSize=_FONT,
                fontWeight="bold", color=theme.colors["text"]))
    # the summaries right of the scale (drawn past the plot's right edge: the chart keeps room
    # for them, on screen too); the y axis of the other layers labels the rows
    text = summary_column("row", labels, y_scale, theme, _TEXT_W, _ROW_H * n)
    text.pop("width", None)
    text.pop("height", None)
    text["encoding"]["x"] = {"value": "width"}
    text["encoding"]["y"] = y
    text["mark"].update(dx=14, limit=_TEXT_W - 14, fontSize=_FONT, lineBreak="\n",
                        lineHeight=_FONT + 2)
    layers.append(text)
    body = {"layer": layers, "width": _PLOT_W,
            "height": _ROW_H * n,
            "resolve": {"scale": {"color": "independent", "shape": "independent"}}}
    subtitle = [
        tr("One row per KPI, at its main benchmark (0). The scale is the gap as a share of the "
           "benchmark's figure, better to the right (for churn, CAC and payback lower is better). "
           "Grey bar: the benchmark's range, or its in-line band around a single figure. Gaps "
           "beyond 100 % sit at the edge with their value."),
    ]
    return finish_chart(body, data, tr("Your KPIs against published benchmarks"), subtitle,
                        sources.lines(as_of), theme)

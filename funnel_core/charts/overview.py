"""The overview chart: one row per KPI, at its main benchmark, on one common scale.

Each main benchmark's in-line band is stretched to -1..+1 and lower-is-better KPIs are flipped,
so better is always to the right; the rows are labelled with their numbered source and a summary
with the KPI's verdict and where you stand (the percentile where the source publishes a spread,
else the gap). See :mod:`funnel_core.charts.vega` for the conventions all charts share.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import altair as alt

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import ComparisonReport, primary_comparison
from funnel_core.benchmarks.percentile import short_position
from funnel_core.benchmarks.verdict_rules import in_line_band
from funnel_core.charts.benchmark_rows import ROW_TOOLTIP, summary_column, tooltip_values
from funnel_core.charts.labels import GLYPHS, Sources, short_figure
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import (chart_rows, field_def, fields_valid, finish_chart, quant_def, unit_view,
                                     verdict_scales)
from funnel_core.domain.constants import NO_PERIOD, VERDICTS
from funnel_core.domain.formatting import format_value

__all__ = ["overview_chart"]

#: short period suffix for row labels of values converted to a benchmark's period
_PER = {"month": "/mo", "quarter": "/qtr", "year": "/yr"}


_CLIP = 3.0  # overview positions beyond this many band half-widths are drawn at the edge


def _minimum_half_width(unit: str) -> float:
    return {"fraction": 0.005, "points": 5.0, "ratio": 0.1, "months": 1.0}.get(unit, 1.0)


_Normalised = tuple[float, float, float, "tuple[float, float] | None", "float | None"]


def _normaliser(b: Benchmark, higher_is_better: bool) -> _Normalised:
    """Centre, half-width, sign, band (normalised) and reference position (normalised).

    A range (low..high) maps to -1..+1; a single figure to its in-line band
    (:func:`~funnel_core.benchmarks.verdict_rules.in_line_band`: e.g. +-2 pp around an annual
    retention median, +-15 % around a conversion rate); a one-sided bound sits at 0 with the
    same band around it as the unit.
    """
    low, mid, high = b.low, b.median, b.high
    sign = 1.0 if higher_is_better else -1.0
    band: tuple[float, float] | None
    band_low, band_high = in_line_band(b)
    if band_low is not None and band_high is not None:
        centre, half = (band_low + band_high) / 2, (band_high - band_low) / 2
        band = (-1.0, 1.0)
    else:
        bound = low if low is not None else high if high is not None else mid
        assert bound is not None
        # the band a single figure at the bound would have, as the unit
        around_low, around_high = in_line_band(
            dataclasses.replace(b, statistic="median", low=None, median=bound, high=None))
        centre, band = bound, None
        half = (around_high - around_low) / 2 if around_low is not None and around_high is not None else 0.0
    half = max(half, _minimum_half_width(b.unit))
    ref_value = mid if mid is not None else (centre if band is None else None)
    ref = sign * (ref_value - centre) / half if ref_value is not None else None
    return centre, half, sign, band, ref


def _clip(x: float) -> float:
    return max(-_CLIP, min(_CLIP, x))


def overview_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """Every computed KPI against its main benchmark on one common scale (one row per KPI).

    Position of a value :math:`v` against a benchmark band :math:`[l, h]` (a single figure:
    its in-line band, e.g. :math:`[m - 2 pp, m + 2 pp]` for annual retention):

    .. math::

        x = s \\cdot \\frac{v - (l + h)/2}{(h - l)/2}, \\qquad s = +1 \\text{ if higher is better, else } -1

    so the band is always -1..+1 and better is always to the right; positions beyond
    +-3 are drawn at the edge (the label gives the true value). A one-sided threshold sits
    at 0 with its family's band as the unit. The row's verdict is the KPI's
    (:attr:`~funnel_core.benchmarks.compare.KpiComparison.verdict`); its summary adds the
    percentile or the gap. Returns ``None`` when no KPI has a benchmark it can be placed against.
    """
    theme = load_theme()
    currency = report.snapshot.context.currency
    sources = Sources(currency)
    rows: list[dict[str, Any]] = []
    for item in report.computed():
        primary = primary_comparison(item)
        if primary is None or primary.user_value is None:
            continue
        spec = item.kpi.spec
        b = primary.benchmark
        better = spec.higher_is_better if spec.higher_is_better is not None else True
        centre, half, sign, band, ref = _normaliser(b, better)
        x_raw = sign * (primary.user_value - centre) / half
        verdict = item.verdict if item.verdict in VERDICTS else "none"
        number = sources.ref(b)
        row = tooltip_values(item, primary, currency)
        if item.verdict_note:
            row["caveat"] = item.verdict_note
        where = short_position(primary.percentile_rank, primary.position)
        row.update({
            # a value converted to the benchmark's period says so (monthly NRR shown per year)
            "row": f"{spec.label}"
                   + (f" {_PER[b.period]}" if b.period not in (NO_PERIOD, item.kpi.period) else "")
                   + f" [{number}]",
            "x": _clip(x_raw),
            "band_lo": band[0] if band else None,
            "band_hi": band[1] if band else None,
            "ref": _clip(ref) if ref is not None else None,
            "summary": f"{GLYPHS[verdict]} {format_value(primary.user_value, spec.unit, currency)} vs "
                       f"{short_figure(b, currency)}"  # the user's value keeps its decimals
                       + (f" · {where}" if where else ""),
        })
        if abs(x_raw) > _CLIP:
            row["note"] = (row["note"] + "; " if row["note"] else "") + "off the scale, drawn at the edge"
        rows.append(row)
    data = chart_rows(rows, ["x"])
    if not data:
        return None
    labels = [r["row"] for r in data]
    n = len(data)
    row_h = theme.row_height
    text_w = 205
    label_w = 205
    plot_w = max(150, theme.width - 32 - label_w - 6 - text_w)
    y_scale = {"domain": labels, "paddingInner": 0.35}
    y = field_def("row", sort=labels, scale=y_scale, axis={
        "title": None, "labelFontSize": theme.font_sizes["axis_label"] + 1, "labelPadding": 10,
        "ticks": False, "domain": False, "labelLimit": label_w - 10, "minExtent": label_w,
        "maxExtent": label_w})
    x_scale = {"domain": [-_CLIP - 0.25, _CLIP + 0.25], "nice": False}
    color, shape = verdict_scales(theme)
    x_axis = {"title": ["← worse · better →", "than the benchmark"], "labels": False,
              "ticks": False, "grid": False, "domain": False, "titlePadding": 8}
    # the benchmark's centre line: one rule at 0 (the rows aggregated to one)
    zero = unit_view("rule", {"x": {"datum": 0.0, "type": "quantitative", "scale": x_scale,
                                    "axis": x_axis}}, color="#C8C8C8", strokeDash=[2, 3])
    zero["transform"] = [{"aggregate": [{"op": "count", "as": "rows"}]}]
    layers: list[dict[str, Any]] = [zero]
    if any("band_lo" in r and "band_hi" in r for r in data):
        layers.append(unit_view("bar", {"x": quant_def("band_lo", scale=x_scale), "x2": {"field": "band_hi"},
                                        "y": y, "tooltip": ROW_TOOLTIP},
                                [fields_valid("band_lo", "band_hi")],
                                color=theme.colors["band"], height=14, cornerRadius=2))
    layers.append(unit_view("point", {
        "x": quant_def("x", scale=x_scale), "y": y,
        "color": field_def("verdict", scale=color, title=None),
        "shape": field_def("verdict", scale=shape, title=None), "tooltip": ROW_TOOLTIP,
    }, filled=True, size=170, opacity=1, stroke="white", strokeWidth=1))
    if any("ref" in r for r in data):
        layers.append(unit_view("tick", {"x": quant_def("ref", scale=x_scale), "y": y,
                                         "tooltip": ROW_TOOLTIP},
                                [fields_valid("ref")], color=theme.colors["reference"], thickness=2, size=20))
    plot = {"layer": layers, "width": plot_w, "height": row_h * n}
    text = summary_column("row", labels, y_scale, theme, text_w, row_h * n)
    body = {"hconcat": [plot, text], "spacing": 6,
            "resolve": {"scale": {"y": "shared", "color": "independent", "shape": "independent"}}}
    subtitle = [
        "One row per KPI, at its main benchmark. Grey bar = the benchmark's range (a single "
        "figure: its in-line band); black tick = its median or threshold. Right = better than "
        "the benchmark (lower-is-better KPIs are flipped).",
    ]
    return finish_chart(body, data, "Your KPIs against published benchmarks", subtitle,
                        sources.lines(as_of), theme)

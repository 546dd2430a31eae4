"""Small multiples: every KPI with at least two periods, each on its own small chart.

One small chart per KPI (:func:`small_trend`): your values per period as a line with points,
the main benchmark behind it (its range as a shaded band, its median, average or threshold as a
dashed line, in the KPI's own period), the latest value and the benchmark's figure in the
subtitle, the full figures in the tooltip. Axes follow :func:`funnel_core.charts.trends.value_domain`
(zero-based, or at least 10 percentage points for retention), so noise is not blown up.

The charts are plain Vega-Lite dicts (tens of them on one page: building them with Altair
would cost a tenth of a second each) sized to their column (``width: "container"``): the page
lays them out in columns that stack on a phone. Each has its accessible ``description``; no NaN
or inf reaches the data.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from funnel_core.benchmarks.bands import BenchmarkBand, band_for
from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import compare, primary_comparison
from funnel_core.charts.theme import load_theme
from funnel_core.charts.trends import COLORS, per_period, value_axis_format, value_domain
from funnel_core.charts.vega import with_locale
from funnel_core.domain.i18n import tr
from funnel_core.domain.constants import DEFAULT_CURRENCY
from funnel_core.domain.formatting import format_value
from funnel_core.metrics.kpi_trends import KpiTrend
from funnel_core.domain.model import Snapshot
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi

__all__ = ["SMALL_HEIGHT", "grid_bands", "small_trend", "trend_grid"]

#: Height of a small chart's plot in pixels.
SMALL_HEIGHT = 110
_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def _band_words(band: BenchmarkBand, currency: str) -> str:
    """The benchmark in a few words: ``"band 3.0-5.0 %"``, ``"median 0.87 %"``."""
    unit = band.benchmark.unit

    def f(v: float) -> str:
        return format_value(v, unit, currency)

    if band.low is not None and band.high is not None:
        text = tr("band {low}–{high}", low=f(band.low), high=f(band.high))
        return text + (tr(", median {value}", value=f(band.median)) if band.median is not None else "")
    if band.median is not None:
        return tr("benchmark {value}", value=f(band.median))
    if band.low is not None:
        return tr("benchmark ≥ {value}", value=f(band.low))
    return tr("benchmark ≤ {value}", value=f(band.high))  # type: ignore[arg-type]


def small_trend(trend: KpiTrend, band: BenchmarkBand | None = None, *,
                currency: str = DEFAULT_CURRENCY) -> dict[str, Any] | None:
    """A small Vega-Lite chart of one KPI across periods, or ``None`` with fewer than two values.

    Parameters
    ----------
    trend : from :func:`funnel_core.metrics.kpi_trends.kpi_trend`.
    band : the benchmark behind the line (:func:`funnel_core.benchmarks.bands.benchmark_band`),
        already in the KPI's period, or ``None``.
    currency : ISO code of money amounts.
    """
    points = [{"period": p, "value": v, "value_text": format_value(v, trend.unit, currency)}
              for p, v in zip(trend.periods, (_finite(x) for x in trend.values)) if v is not None]
    if len(points) < 2:
        return None
    theme = load_theme()
    spec = KPIS_BY_ID[trend.kpi]
    periods = list(trend.periods)
    figures = [p["value"] for p in points]
    band_row: dict[str, Any] = {}
    if band is not None:
        band_row = {k: v for k, v in (("low", _finite(band.low)), ("median", _finite(band.median)),
                                      ("high", _finite(band.high))) if v is not None}
        figures += list(band_row.values())
        band_row["caption"] = f"{band.benchmark.label} ({band.source_text})"
    zero = not (spec.period_kind == "retention" or trend.unit == "points")
    domain = value_domain(trend.unit, figures, zero=zero)
    y_scale: dict[str, Any] = {"zero": zero, "nice": True}
    if domain is not None:
        y_scale = {"domain": domain, "zero": False, "nice": True}
    y_axis = {"title": None, "tickCount": 3, "grid": True,
              "format": value_axis_format(trend.unit, domain or figures, currency, zero=zero)}
    x = {"field": "period", "type": "ordinal", "sort": periods, "scale": {"domain": periods},
         "axis": {"title": None, "values": [periods[0], periods[-1]], "labelAngle": 0,
                  "labelOverlap": False, "ticks": True}}
    layers: list[dict[str, Any]] = []
    band_tooltip = [{"field": "caption", "type": "nominal", "title": tr("Benchmark")}]
    if "low" in band_row and "high" in band_row:
        layers.append({"data": {"values": [band_row]},
                       "mark": {"type": "rect", "color": COLORS["band"], "opacity": 0.3},
                       "encoding": {"x": {"value": 0}, "x2": {"value": "width"},
                                    "y": {"field": "low", "type": "quantitative",
                                          "scale": y_scale, "axis": y_axis},
                                    "y2": {"field": "high"}, "tooltip": band_tooltip}})
    rule_field = next((k for k in ("median", "low", "high") if k in band_row
                       and not (k != "median" and "low" in band_row and "high" in band_row)),
                      None)
    if rule_field is not None:
        layers.append({"data": {"values": [band_row]},
                       "mark": {"type": "rule", "color": COLORS["reference"],
                                "strokeDash": [4, 3], "strokeWidth": 1.2, "aria": False},
                       "encoding": {"y": {"field": rule_field, "type": "quantitative",
                                          "scale": y_scale, "axis": y_axis},
                                    "tooltip": band_tooltip}})
    tooltip = [{"field": "period", "type": "nominal", "title": tr("Period")},
               {"field": "value_text", "type": "nominal", "title": trend.label}]
    layers.append({"mark": {"type": "line", "color": COLORS["line"], "strokeWidth": 2,
                            "point": {"color": COLORS["line"], "size": 28, "filled": True}},
                   "encoding": {"x": x, "y": {"field": "value", "type": "quantitative",
                                              "scale": y_scale, "axis": y_axis},
                                "tooltip": tooltip}})
    latest = points[-1]
    per = per_period(trend.label, trend.value_period)
    subtitle = f"{latest['period']}: {latest['value_text']}"
    if band is not None:
        subtitle += f" · {_band_words(band, currency)}"
    values_text = ", ".join(f"{p['period']} {p['value_text']}" for p in points)
    description = (tr("Small line chart of {kpi}: {values}", kpi=trend.label + per, values=values_text)
                   + (tr("; benchmark {caption}: {figure}", caption=band_row['caption'],
                         figure=_band_words(band, currency))
                      if band is not None else tr("; no benchmark")) + ".")
    sizes = theme.font_sizes
    return {
        "$schema": _SCHEMA,
        "description": description,
        "title": {"text": trend.label + per, "subtitle": subtitle, "anchor": "start",
                  "fontSize": 13, "subtitleFontSize": 11, "subtitleColor": COLORS["muted"],
                  "color": COLORS["text"], "limit": {"expr": "width"}, "offset": 6},
        "width": "container", "height": SMALL_HEIGHT,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": {"left": 4, "right": 8, "top": 4, "bottom": 4},
        "data": {"values": points},
        "layer": layers,
        "config": with_locale({"font": theme.font, "view": {"stroke": None},
                               "axis": {"labelFontSize": sizes["axis_label"], "labelColor": COLORS["text"],
                                        "gridColor": "#EBEBEB", "domainColor": "#9A9A9A",
                                        "tickColor": "#9A9A9A"}}, currency),
    }


def grid_bands(snapshots: Sequence[Snapshot], kpi_ids: Sequence[str],
               catalogue: Sequence[Benchmark] | None = None) -> dict[str, BenchmarkBand | None]:
    """:func:`funnel_core.benchmarks.bands.benchmark_band` of every KPI in ``kpi_ids`` (the
    main benchmark at the latest period where the KPI has a value, in the KPI's period), each
    period compared once for all KPIs rather than once per KPI."""
    reports: dict[int, Any] = {}
    out: dict[str, BenchmarkBand | None] = {}
    for kpi_id in kpi_ids:
        spec = KPIS_BY_ID[kpi_id]
        out[kpi_id] = None
        for index in range(len(snapshots) - 1, -1, -1):
            result = compute_kpi(spec, snapshots[index])
            if result.value is None:
                continue
            if index not in reports:
                reports[index] = compare(snapshots[index], catalogue)
            primary = primary_comparison(reports[index].get(kpi_id))
            if primary is not None:
                out[kpi_id] = band_for(primary.benchmark, kpi_id, result.period)
            break
    return out


def trend_grid(trends: Mapping[str, KpiTrend], bands: Mapping[str, BenchmarkBand | None],
               *, currency: str = DEFAULT_CURRENCY) -> list[tuple[str, dict[str, Any]]]:
    """``(kpi id, small chart)`` for every KPI of ``trends`` with at least two values, in the
    order given; ``bands`` maps a KPI id to its benchmark (missing or ``None``: no band)."""
    out = []
    for kpi_id, trend in trends.items():
        chart = small_trend(trend, bands.get(kpi_id), currency=currency)
        if chart is not None:
            out.append((kpi_id, chart))
    return out

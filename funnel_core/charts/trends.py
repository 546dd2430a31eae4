"""Trend charts: one KPI across your periods, with the benchmark band behind it.

What a chart shows (Altair, Vega-Lite 5):

- your value per period as a line with points (blue, Okabe-Ito ``#0072B2``);
- the best period marked by a distinct shape (an orange star, ``#E69F00``) and a label;
- the primary published benchmark behind the line: its range as a shaded band, its median or
  average as a dashed line, a one-sided threshold as a dashed line; converted to the KPI's own
  period first (an annual churn figure becomes monthly by compounding);
- the benchmark's source in the subtitle; % axes for fractions.

Colours are from the Okabe-Ito palette (safe for the common colour-vision deficiencies) and
the best period is told apart by shape and label, not by colour alone. The chart's data is
inline and never contains NaN (missing values are left out), so ``chart.to_dict()`` is valid
JSON for Vega-Lite.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any, Sequence

import altair as alt

from funnel_core.domain.constants import DEFAULT_CURRENCY, STATISTICS
from funnel_core.domain.formatting import currency_symbol, format_value
from funnel_core.metrics.kpis import KPIS_BY_ID
from funnel_core.benchmarks.bands import BenchmarkBand, RetentionBenchmark
from funnel_core.charts.theme import load_theme
from funnel_core.metrics.kpi_trends import KpiTrend, change_text

__all__ = ["COLORS", "CURVE_COLORS", "retention_with_benchmarks", "trend_chart", "value_axis_format"]

#: Okabe-Ito colours used by the trend chart.
COLORS: dict[str, str] = {
    "line": "#0072B2",      # blue: your values
    "best": "#E69F00",      # orange: the best period (also a star shape and a label)
    "band": "#56B4E9",      # sky blue: benchmark range (light, behind everything)
    "reference": "#000000",  # benchmark median / threshold line
    "text": "#222222",
    "muted": "#5F5F5F",
}

#: A five-pointed star (SVG path in a unit box): the best period's marker.
_STAR = ("M0,-1L0.29,-0.4L0.95,-0.31L0.47,0.15L0.59,0.81L0,0.5L-0.59,0.81L-0.47,0.15"
         "L-0.95,-0.31L-0.29,-0.4Z")

#: Tick count asked of the value axis (the % format has enough decimals for this many).
_TICKS = 6


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def value_axis_format(unit: str, values: list[float], currency: str = DEFAULT_CURRENCY,
                      *, zero: bool = True) -> str:
    """d3 format of the value axis: % for fractions (enough decimals to tell ticks apart),
    a currency prefix for $ amounts."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if unit == "fraction":
        if not finite:
            return ".0%"
        low, high = min(finite), max(finite)
        if zero:
            low, high = min(low, 0.0), max(high, 0.0)
        span = (high - low) or abs(high) or 1.0
        step_pct = span * 100 / _TICKS
        decimals = max(0, min(3, -math.floor(math.log10(step_pct))))
        return f".{decimals}%"
    if unit == "currency":
        return "$,.0f" if currency_symbol(currency) == "$" else ",.0f"
    if unit == "ratio":
        return ",.1f"
    return ",.0f"


def _axis_title(trend: KpiTrend, currency: str) -> str:
    per = "" if trend.value_period in ("none", "") else f" per {trend.value_period}"
    if trend.unit == "currency":
        return f"{trend.label} ({currency}){per}"
    return f"{trend.label}{per}"


def _band_caption(band: BenchmarkBand, currency: str) -> str:
    b = band.benchmark
    unit = b.unit
    statistic = STATISTICS.get(b.statistic, b.statistic).split(" (")[0].lower()
    if band.low is not None and band.high is not None:
        figure = f"{format_value(band.low, unit, currency)}-{format_value(band.high, unit, currency)}"
        if band.median is not None:
            figure += f", median {format_value(band.median, unit, currency)}"
    elif band.median is not None:
        figure = format_value(band.median, unit, currency)
    elif band.low is not None:
        figure = f"at least {format_value(band.low, unit, currency)}"
    else:
        figure = f"at most {format_value(band.high, unit, currency)}"
    per = "" if band.period in ("none", "") else f" per {band.period}"
    return f"{b.label}: {figure}{per} ({statistic})"


def trend_chart(trend: KpiTrend, band: BenchmarkBand | None = None, *,
                currency: str = DEFAULT_CURRENCY, width: int = 640, height: int = 300,
                selected_period: str | None = None) -> alt.LayerChart:
    """The trend of one KPI across periods.

    Parameters
    ----------
    trend : from :func:`funnel_core.metrics.kpi_trends.kpi_trend`.
    band : the benchmark to draw behind the line (:func:`funnel_core.benchmarks.bands.benchmark_band`),
        or ``None``.
    currency : ISO code of money amounts (axis title and tooltips).
    width, height : size in pixels (the app stretches the width to its column).
    selected_period : a period to mark with a thin vertical rule (the one compared on the
        results page), or ``None``.

    Returns
    -------
    altair.LayerChart
        Valid Vega-Lite; no NaN anywhere in its data.
    """
    spec = KPIS_BY_ID[trend.kpi]
    font = load_theme().font  # the same fonts as the benchmark charts
    periods = list(trend.periods)
    points: list[dict[str, Any]] = []
    for index, period in enumerate(periods):
        value = _finite(trend.values[index])
        if value is None:
            continue
        points.append({
            "period": period,
            "value": value,
            "value_text": format_value(value, trend.unit, currency),
            "vs_previous": change_text(trend.previous[index], trend.unit, currency),
            "vs_year_ago": change_text(trend.year_ago[index], trend.unit, currency),
            "is_best": period == trend.best_period,
        })

    extent = [p["value"] for p in points]
    if band is not None:
        extent += [v for v in (band.low, band.median, band.high) if _finite(v) is not None]
    zero = not (spec.period_kind == "retention" or trend.unit == "points")
    axis_format = value_axis_format(trend.unit, extent, currency, zero=zero)

    x = alt.X("period:O", sort=periods, title=None,
              scale=alt.Scale(domain=periods),
              axis=alt.Axis(labelAngle=0 if len(periods) <= 8 else -45, labelOverlap=True))
    y_axis = alt.Axis(format=axis_format, title=_axis_title(trend, currency), grid=True,
                      tickCount=_TICKS)
    y_scale = alt.Scale(zero=zero, nice=True)

    layers: list[alt.Chart] = []
    subtitle: list[str] = []

    if band is not None:
        low, median, high = _finite(band.low), _finite(band.median), _finite(band.high)
        band_row = {"low": low, "high": high, "median": median,
                    "caption": _band_caption(band, currency)}
        rule_field: str | None
        if low is not None and high is not None:
            layers.append(
                alt.Chart(alt.Data(values=[band_row])).mark_rect(
                    color=COLORS["band"], opacity=0.25)
                .encode(y=alt.Y("low:Q", axis=y_axis, scale=y_scale), y2="high:Q",
                        tooltip=[alt.Tooltip("caption:N", title="Benchmark")])
            )
            label_field = "high"
            rule_field = "median" if median is not None else None
        else:
            label_field = "median" if median is not None else ("low" if low is not None else "high")
            rule_field = label_field
        if rule_field is not None:
            layers.append(
                alt.Chart(alt.Data(values=[band_row])).mark_rule(
                    color=COLORS["reference"], strokeDash=[6, 4], strokeWidth=1.5)
                .encode(y=alt.Y(f"{rule_field}:Q", axis=y_axis, scale=y_scale),
                        tooltip=[alt.Tooltip("caption:N", title="Benchmark")])
            )
        layers.append(
            alt.Chart(alt.Data(values=[band_row])).mark_text(
                align="left", baseline="bottom", dx=4, dy=-3, fontSize=11,
                color=COLORS["muted"], font=font)
            .encode(x=alt.value(0), y=alt.Y(f"{label_field}:Q", axis=y_axis, scale=y_scale),
                    text="caption:N")
        )
        b = band.benchmark
        subtitle.append(f"Benchmark: {b.label}. Source: {band.source_text} "
                        f"(status {b.status}).")
        if band.conversion_note:
            subtitle.append(band.conversion_note[0].upper() + band.conversion_note[1:] + ".")
    else:
        subtitle.append("No comparable published benchmark for this KPI and context.")

    tooltip = [
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("value_text:N", title=trend.label),
        alt.Tooltip("vs_previous:N", title="vs previous period"),
        alt.Tooltip("vs_year_ago:N", title="vs a year before"),
    ]
    if selected_period is not None and selected_period in periods:
        layers.append(
            alt.Chart(alt.Data(values=[{"period": selected_period}])).mark_rule(
                color=COLORS["muted"], strokeWidth=1, opacity=0.6)
            .encode(x=x)
        )
    line_data = alt.Data(values=points)
    layers.append(
        alt.Chart(line_data).mark_line(
            color=COLORS["line"], strokeWidth=2.5,
            point=alt.OverlayMarkDef(color=COLORS["line"], size=60, filled=True))
        .encode(x=x, y=alt.Y("value:Q", axis=y_axis, scale=y_scale), tooltip=tooltip)
    )
    best = [p for p in points if p["is_best"]]
    if best:
        best_row = dict(best[0])
        prefix = "Best" if spec.higher_is_better is not None else "Highest"
        best_row["best_label"] = f"{prefix}: {best_row['value_text']}"
        best_data = alt.Data(values=[best_row])
        layers.append(
            alt.Chart(best_data).mark_point(
                shape=_STAR,
                size=420, filled=True, color=COLORS["best"], stroke=COLORS["text"],
                strokeWidth=1, opacity=1)
            .encode(x=x, y=alt.Y("value:Q", axis=y_axis, scale=y_scale), tooltip=tooltip)
        )
        layers.append(
            alt.Chart(best_data).mark_text(
                dy=22 if spec.higher_is_better is False else -18, fontSize=12,
                fontWeight="bold", color=COLORS["text"], font=font)
            .encode(x=x, y=alt.Y("value:Q", axis=y_axis, scale=y_scale), text="best_label:N")
        )
        if spec.higher_is_better is None:
            subtitle.insert(0, f"Star = highest value: {trend.best_period} (a size figure has no "
                               "better or worse side).")
        else:
            direction = "higher is better" if spec.higher_is_better else "lower is better"
            subtitle.insert(0, f"Star = best period: {trend.best_period} ({direction}; a tie "
                               "goes to the latest period).")

    if selected_period is not None and selected_period in periods:
        subtitle.append(f"Grey vertical line: {selected_period}, the period compared on the "
                        "results page.")
    wrap_at = max(60, int(width / 6.2))
    lines = [line for text in subtitle for line in textwrap.wrap(text, wrap_at)]
    title = alt.TitleParams(
        text=f"{trend.label}: your periods",
        subtitle=lines,
        anchor="start",
        font=font,
        subtitleFont=font,
        fontSize=17,
        subtitleFontSize=12,
        subtitleColor=COLORS["muted"],
        color=COLORS["text"],
    )
    chart = alt.layer(*layers).properties(width=width, height=height, title=title)
    return chart.configure(font=font, background="#FFFFFF").configure_view(stroke=None)


#: Okabe-Ito colours for benchmark curves on cohort charts (not in viridis; vermillion is
#: left to the point benchmarks drawn by cohort_charts).
CURVE_COLORS: tuple[str, ...] = ("#CC79A7", "#E69F00", "#56B4E9", "#D55E00")
_CURVE_DASHES: tuple[list[int], ...] = ([6, 4], [2, 3], [10, 3], [4, 2, 1, 2])


def retention_with_benchmarks(result: Any, benchmarks: Sequence[RetentionBenchmark] = (), *,
                              metric: str = "logo") -> alt.LayerChart:
    """Cohort retention curves with published benchmarks drawn in.

    The cohort lines and the weighted average come from
    :func:`funnel_core.charts.cohorts.retention_curves`. A figure for one month (month-1 user
    retention...) is passed to it and drawn as a marker at that month only, with its label
    and source; it is never stretched into a level across all months. Figures that are
    curves - monthly churn compounded, ``(1 - churn)^k`` - are added as dashed lines (with a
    shaded band for a published range) in a legend of their own, and named with their source
    in the subtitle. Benchmarks are drawn on logo retention only: they describe customers
    (or users), not MRR.
    """
    from funnel_core.charts.cohorts import retention_curves

    use = list(benchmarks) if metric == "logo" else []
    points = [p for p in (b.as_point() for b in use) if p is not None]
    chart = retention_curves(result, benchmarks=points or None, metric=metric)
    curves = [b for b in use if b.kind == "curve"]
    if not curves:
        return chart
    months = max([1, int(result.logo_retention.shape[1]) - 1]
                 + [int(p["month"]) for p in points])
    labels = [b.label for b in curves]
    colors = [CURVE_COLORS[i % len(CURVE_COLORS)] for i in range(len(curves))]
    dashes = [_CURVE_DASHES[i % len(_CURVE_DASHES)] for i in range(len(curves))]
    rows: list[dict[str, Any]] = []
    for bench in curves:
        rows.extend(bench.curve(months))
    for row in rows:  # never NaN in the chart data
        for key in ("value", "lower", "upper"):
            if not math.isfinite(row[key]):
                row[key] = None
    data = alt.Data(values=rows)
    x = alt.X("months_since_start:Q")
    color = alt.Color("label:N", scale=alt.Scale(domain=labels, range=colors),
                      legend=alt.Legend(title="Published monthly churn of paying customers, "
                                              "as retention (1 - churn)^k",
                                        orient="bottom", direction="vertical", labelLimit=700,
                                        titleLimit=700, symbolType="stroke"))
    tooltip = [alt.Tooltip("label:N", title="Benchmark"),
               alt.Tooltip("months_since_start:Q", title="Months since start"),
               alt.Tooltip("value:Q", title="Still paying", format=".1%")]
    ranged = [b.label for b in curves
              if b.churn_low is not None and b.churn_high is not None and b.churn_low != b.churn_high]
    extra_layers: list[Any] = []
    if ranged:
        extra_layers.append(
            alt.Chart(data).transform_filter(alt.FieldOneOfPredicate(field="label", oneOf=ranged))
            .mark_area(opacity=0.15)
            .encode(x=x, y=alt.Y("lower:Q"), y2="upper:Q",
                    color=alt.Color("label:N", scale=alt.Scale(domain=labels, range=colors),
                                    legend=None),
                    tooltip=tooltip))
    extra_layers.append(
        alt.Chart(data).mark_line(strokeWidth=2.2)
        .encode(x=x, y=alt.Y("value:Q"), color=color,
                strokeDash=alt.StrokeDash("label:N", scale=alt.Scale(domain=labels, range=dashes),
                                          legend=None),
                tooltip=tooltip))
    sources = []
    for bench in curves:
        status = f" (status {bench.status})" if bench.status else ""
        sources.append(f"{bench.label}. Source: {bench.source}{status}")
    chart = chart.copy()
    chart.layer = list(chart.layer) + extra_layers
    title = chart.title
    subtitle_lines: list[str] = []
    if isinstance(title, alt.TitleParams):
        existing = title.subtitle
        if isinstance(existing, str):
            subtitle_lines = [existing]
        elif isinstance(existing, (list, tuple)):
            subtitle_lines = [str(s) for s in existing]
    subtitle_lines.append("Dashed curves: published monthly churn of paying customers, "
                          "compounded as (1 - churn)^k (a range is shaded):")
    for text in sources:
        subtitle_lines.extend(textwrap.wrap(text, 120, break_on_hyphens=False))
    if isinstance(title, alt.TitleParams):
        chart.title = alt.TitleParams(text=title.text, subtitle=subtitle_lines, anchor="start",
                                      subtitleColor="#555555")
    return chart.resolve_scale(color="independent", strokeDash="independent")

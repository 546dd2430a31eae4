"""Trend charts: one KPI across your periods, with the benchmark band behind it.

What a chart shows (Altair, Vega-Lite 5):

- your value per period as a line with points (blue, Okabe-Ito ``#0072B2``);
- the best period marked by a distinct shape (an orange star, ``#E69F00``), named in the
  subtitle;
- the primary published benchmark behind the line: its range as a shaded band, its median or
  average as a dashed line, a one-sided threshold as a dashed line; converted to the KPI's own
  period first (an annual churn figure becomes monthly by compounding);
- the benchmark's figure and source in the subtitle, never as text on the plot (where it would
  cover the line); % axes for fractions.

Value axes start at zero, except retention and NPS, whose axes span at least
:data:`MIN_SPAN` (10 percentage points for retention) so that 99.8 % against 100.1 % is not
drawn as a cliff (:func:`value_domain`).

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

from funnel_core.domain.constants import PER_PERIOD
from funnel_core.domain.constants import DEFAULT_CURRENCY, STATISTICS
from funnel_core.domain.formatting import currency_symbol, format_value
from funnel_core.metrics.kpis import KPIS_BY_ID
from funnel_core.benchmarks.bands import BenchmarkBand, RetentionBenchmark
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import chart_words, vega_locale
from funnel_core.domain.i18n import tr, tr_n
from funnel_core.metrics.kpi_trends import KpiTrend, change_text

__all__ = ["COLORS", "CURVE_COLORS", "MIN_SPAN", "per_period", "retention_with_benchmarks", "trend_chart",
           "value_axis_format", "value_domain"]

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

#: The smallest span of a value axis that does not start at zero, by unit: 10 percentage points
#: for fractions (retention), 20 points of NPS; other units: a fifth of the values' size.
MIN_SPAN: dict[str, float] = {"fraction": 0.10, "points": 20.0}


def value_domain(unit: str, values: Sequence[float], *, zero: bool) -> list[float] | None:
    """The value axis's domain when it does not start at zero, or ``None`` (zero-based).

    The values' range, widened around its middle to at least :data:`MIN_SPAN` of the unit and
    kept at or above zero when every value is (a retention axis never shows a negative %).

    Parameters
    ----------
    unit : the KPI's unit (``fraction``, ``points``, ``ratio``...).
    values : the user's values and the benchmark's figures; NaN and inf are ignored.
    zero : the axis starts at zero (then ``None`` is returned and Vega picks the top).
    """
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if zero or not finite:
        return None
    low, high = min(finite), max(finite)
    minimum = MIN_SPAN.get(unit, max(abs(low), abs(high)) * 0.2 or 1.0)
    if high - low < minimum:
        middle = (low + high) / 2
        low, high = middle - minimum / 2, middle + minimum / 2
    if min(finite) >= 0 > low:
        low, high = 0.0, high - low
    return [low, high]


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


def per_period(label: str, period: str) -> str:
    """``" per month"`` after a KPI's label, or ``""`` when it has no period or its label
    already says it ("Customer churn (monthly)", never "(monthly) per month")."""
    said = {"year": ("year", "annual")}.get(period, (period,))
    if period in ("none", "") or any(word in label.lower() for word in said):
        return ""
    return " " + PER_PERIOD[period] if period in PER_PERIOD else f" per {period}"




def _axis_title(trend: KpiTrend, currency: str) -> str:
    per = per_period(trend.label, trend.value_period)
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
            figure += tr(", median {value}", value=format_value(band.median, unit, currency))
    elif band.median is not None:
        figure = format_value(band.median, unit, currency)
    elif band.low is not None:
        figure = tr("at least {value}", value=format_value(band.low, unit, currency))
    else:
        figure = tr("at most {value}", value=format_value(band.high, unit, currency))
    per = "" if band.period in ("none", "") else (
        " " + PER_PERIOD[band.period] if band.period in PER_PERIOD else f" per {band.period}")
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
    domain = value_domain(trend.unit, extent, zero=zero)
    axis_format = value_axis_format(trend.unit, domain or extent, currency, zero=zero)

    x = alt.X("period:O", sort=periods, title=None,
              scale=alt.Scale(domain=periods),
              axis=alt.Axis(labelAngle=0 if len(periods) <= 8 else -45, labelOverlap=True))
    y_axis = alt.Axis(format=axis_format, title=_axis_title(trend, currency), grid=True,
                      tickCount=_TICKS)
    y_scale = (alt.Scale(zero=zero, nice=True) if domain is None
               else alt.Scale(domain=domain, zero=False, nice=True))

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
                        tooltip=[alt.Tooltip("caption:N", title=tr("Benchmark"))])
            )
            rule_field = "median" if median is not None else None
        else:
            rule_field = "median" if median is not None else ("low" if low is not None else "high")
        if rule_field is not None:
            layers.append(
                alt.Chart(alt.Data(values=[band_row])).mark_rule(
                    color=COLORS["reference"], strokeDash=[6, 4], strokeWidth=1.5)
                .encode(y=alt.Y(f"{rule_field}:Q", axis=y_axis, scale=y_scale),
                        tooltip=[alt.Tooltip("caption:N", title=tr("Benchmark"))])
            )
        b = band.benchmark
        drawn = ((tr("Shaded band and dashed line") if rule_field is not None else tr("Shaded band"))
                 if low is not None and high is not None else tr("Dashed line"))
        subtitle.append(tr("{drawn}: {caption}. Source: {source} (status {status}).", drawn=drawn,
                           caption=band_row['caption'], source=band.source_text, status=b.status))
        if band.conversion_note:
            subtitle.append(band.conversion_note[0].upper() + band.conversion_note[1:] + ".")
    else:
        subtitle.append(tr("No comparable published benchmark for this KPI and context."))

    tooltip = [
        alt.Tooltip("period:N", title=tr("Period")),
        alt.Tooltip("value_text:N", title=trend.label),
        alt.Tooltip("vs_previous:N", title=tr("vs previous period")),
        alt.Tooltip("vs_year_ago:N", title=tr("vs a year before")),
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
        best_row["best_label"] = (tr("Best: {value}", value=best_row['value_text'])
                                  if spec.higher_is_better is not None
                                  else tr("Highest: {value}", value=best_row['value_text']))
        best_data = alt.Data(values=[best_row])
        layers.append(
            alt.Chart(best_data).mark_point(
                shape=_STAR,
                size=420, filled=True, color=COLORS["best"], stroke=COLORS["text"],
                strokeWidth=1, opacity=1)
            .encode(x=x, y=alt.Y("value:Q", axis=y_axis, scale=y_scale), tooltip=tooltip)
        )
        if spec.higher_is_better is None:
            subtitle.insert(0, tr("Star = highest value: {period} ({label}; a size figure has no "
                                  "better or worse side).", period=trend.best_period,
                                  label=best_row['best_label']))
        else:
            direction = tr("higher is better") if spec.higher_is_better else tr("lower is better")
            subtitle.insert(0, tr("Star = best period: {period} ({label}; {direction}; a tie goes to "
                                  "the latest period).", period=trend.best_period,
                                  label=best_row['best_label'], direction=direction))

    if selected_period is not None and selected_period in periods:
        subtitle.append(tr("Grey vertical line: {period}, the period compared on the results page.",
                           period=selected_period))
    wrap_at = max(60, int(width / 6.2))
    lines = [line for text in subtitle for line in textwrap.wrap(text, wrap_at)]
    title = alt.TitleParams(
        text=tr("{kpi}: your periods", kpi=trend.label),
        subtitle=lines,
        anchor="start",
        font=font,
        subtitleFont=font,
        fontSize=17,
        subtitleFontSize=12,
        subtitleColor=COLORS["muted"],
        color=COLORS["text"],
    )
    values_text = ", ".join(f"{p['period']} {p['value_text']}" for p in points)
    description = (tr("Line chart of {kpi} per period: {values}", kpi=trend.label,
                      values=values_text or tr("no value"))
                   + (tr("; best period {period}", period=trend.best_period) if best else "")
                   + (tr("; behind it the benchmark {caption}", caption=_band_caption(band, currency))
                      if band is not None else "") + ".")
    words = chart_words(title.text, subtitle, (), description)
    chart = alt.layer(*layers).properties(width=width, height=height, title=title,
                                          description=words["description"],
                                          usermeta={"words": words})
    locale = vega_locale(currency)
    chart = chart.configure(font=font, background="#FFFFFF", **({"locale": locale} if locale else {}))
    return chart.configure_view(stroke=None)


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
    from funnel_core.charts.cohorts import below, retention_curves, subtitle_lines, words_props

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
                      legend=alt.Legend(title=tr("Published churn, as retention (1 - churn)^k"),
                                        symbolType="stroke", **dict(below(), direction="vertical")))
    tooltip = [alt.Tooltip("label:N", title=tr("Benchmark")),
               alt.Tooltip("months_since_start:Q", title=tr("Months since start")),
               alt.Tooltip("value:Q", title=tr("Still paying"), format=".1%")]
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
        status = tr(" (status {status})", status=bench.status) if bench.status else ""
        sources.append(tr("{benchmark}. Source: {source}{status}", benchmark=bench.label, source=bench.source,
                          status=status))
    chart = chart.copy()
    chart.layer = list(chart.layer) + extra_layers
    words = dict(chart.usermeta["words"]) if isinstance(chart.usermeta, dict) else {}
    paragraphs = [*words.get("subtitle", []),
                  tr("Dashed curves: published monthly churn of paying customers, compounded as "
                     "(1 - churn)^k (a range is shaded):"), *sources]
    title_text = str(words.get("title") or getattr(chart.title, "text", ""))
    description = (str(words.get("description") or "").rstrip(".")
                   + tr_n("; {n} published churn figures drawn as dashed curves.",
                          "; {n} published churn figures drawn as dashed curves.", len(curves)))
    chart.title = alt.TitleParams(text=title_text, subtitle=subtitle_lines(paragraphs),
                                  anchor="start", subtitleColor="#555555")
    props = words_props(title_text, paragraphs, description)
    chart.usermeta, chart.description = props["usermeta"], props["description"]
    return chart.resolve_scale(color="independent", strokeDash="independent")

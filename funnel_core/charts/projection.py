"""The projection chart: MRR or ARR month by month at current rates and in a scenario.

Months from now on x (0 = the end of the current period), MRR or ARR on y; the baseline is a
dashed grey line ("Current rates"), the scenario a solid blue one (colour-blind safe, and told
apart by the dash too). Round ARR levels (1, 2, 5 x 10^k) crossed within the horizon are drawn
as dotted lines, each crossing marked with a point, and said in words in the subtitle ("$2M
ARR: month 4 at current rates, month 3 in Lower churn"). The assumption is on the chart:
steady rates from the current period, no seasonality.

Narrow screens: one layered view (not a concatenation), so on screen it can take the width of
its container (``width="container"``) and stays readable at 360 px; all words are in the title
and subtitle, wrapped for that width, and the y axis uses short amounts ($1.5M). Exports use a
fixed width. ``description`` says what the chart shows, for screen readers.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence

import altair as alt

from funnel_core.charts.labels import as_of_text
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import (chart_rows, currency_affixes, field_def, js_text, quant_def, tooltip_defs,
                                     unit_view, with_locale)
from funnel_core.domain.formatting import currency_symbol, format_value, localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr
from funnel_core.metrics.projection import ASSUMPTION, Projection, default_milestones

__all__ = ["BASELINE_NAME", "EXPORT_WIDTH", "projection_chart"]

#: The baseline's name in the legend and the words.
BASELINE_NAME = mark("Current rates")
#: Plot width of the exported chart in pixels (the image is this plus axis and padding).
EXPORT_WIDTH = 560
#: Characters per subtitle line: fits 360 px at the subtitle's font size.
_LINE_CHARS = 44
_MEASURES = {"mrr": "MRR", "arr": "ARR"}


def _wrap(lines: Sequence[str]) -> list[str]:
    import textwrap

    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, width=_LINE_CHARS, break_on_hyphens=False) or [""])
    return out


def _short_money(value: float, currency: str) -> str:
    """``$2M``, ``$1.5M``, ``$250K``: a round level in few characters."""
    symbol = currency_symbol(currency)
    english = current_language() == DEFAULT_LANGUAGE
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            number = f"{value / size:.1f}".rstrip("0").rstrip(".")
            if not english:
                number = localised_number(float(number), 1 if "." in number else 0)
            text = f"{number}{suffix}"
            break
    else:
        text = f"{value:,.0f}" if english else localised_number(value, 0)
    if not english:
        prefix, tail = currency_affixes(currency)
        return f"{prefix}{text}{tail}"
    return f"{symbol}{text}" if symbol in ("$", "£", "€") else f"{text} {symbol}"


def _axis_labels(currency: str) -> str:
    symbol = currency_symbol(currency)
    number = "replace(replace(format(datum.value, '.3~s'), 'G', 'B'), 'k', 'K')"
    if current_language() != DEFAULT_LANGUAGE:
        prefix, tail = currency_affixes(currency)
        return " + ".join([*([js_text(prefix)] if prefix else []), number, *([js_text(tail)] if tail else [])])
    if symbol in ("$", "£", "€"):
        return f"'{symbol}' + {number}"
    return f"{number} + ' {symbol}'"


def _crossing_words(level: float, series: Sequence[tuple[str, Projection]], currency: str) -> str:
    parts = []
    for index, (name, projection) in enumerate(series):
        crossing = projection.crossing(level, "arr")
        if index == 0:  # the baseline
            parts.append(tr("month {month} at current rates", month=crossing.month) if crossing.month is not None
                         else tr("not within the horizon at current rates"))
        else:
            parts.append(tr("month {month} in {scenario}", month=crossing.month, scenario=name)
                         if crossing.month is not None
                         else tr("not within the horizon in {scenario}", scenario=name))
    return tr("{amount} ARR: {crossings}.", amount=_short_money(level, currency), crossings=", ".join(parts))


def projection_chart(baseline: Projection, scenario: Projection | None = None, *,
                     scenario_name: str | None = None, measure: str = "mrr", currency: str = "USD",
                     width: int | str = EXPORT_WIDTH, milestones: Sequence[float] | None = None,
                     as_of: date | None = None) -> alt.LayerChart:
    """Baseline and scenario lines of ``measure`` month by month, milestone crossings marked.

    Parameters
    ----------
    baseline : the projection at current rates.
    scenario : the projection with the scenario's inputs (``None``: the baseline alone).
    scenario_name : the scenario's name in the legend and the words.
    measure : ``"mrr"`` or ``"arr"``.
    currency : ISO code of the amounts.
    width : plot width in pixels, or ``"container"`` to take the width of the page element.
    milestones : ARR levels to mark; by default the round levels crossed within the horizon
        (:func:`~funnel_core.metrics.projection.default_milestones`).
    as_of : the date in the source line (today when ``None``).

    Returns
    -------
    alt.LayerChart
        One layered view with title, subtitle (the assumption, milestone months, conversions,
        source) and ``description``. Milestones are ARR levels; on an MRR chart they are drawn
        at ARR / 12.
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be 'mrr' or 'arr', not {measure!r}")
    theme = load_theme()
    name = _MEASURES[measure]
    baseline_name = tr(BASELINE_NAME)
    scenario_name = tr("Scenario") if scenario_name is None else scenario_name
    if scenario is not None and scenario_name == baseline_name:
        scenario_name = tr("{name} (scenario)", name=scenario_name)
    series: list[tuple[str, Projection]] = [(baseline_name, baseline)]
    if scenario is not None:
        series.append((scenario_name, scenario))
    levels = list(milestones) if milestones is not None else default_milestones(
        [p for _, p in series], "arr")
    crossed = [lv for lv in levels if any(p.crossing(lv, "arr").month is not None for _, p in series)]
    scale = 1.0 if measure == "arr" else 1 / 12
    rows: list[dict[str, Any]] = []
    for series_name, projection in series:
        for month in projection.all_months():
            value = month.arr if measure == "arr" else month.mrr
            rows.append({"part": "line", "series": series_name, "month": month.month, "value": value,
                         "amount": format_value(value, "currency", currency),
                         "when": tr("now") if month.month == 0 else tr("month {month}", month=month.month)})
        for level in crossed:
            crossing = projection.crossing(level, "arr")
            if crossing.month is None:
                continue
            point = projection.all_months()[crossing.month]
            value = point.arr if measure == "arr" else point.mrr
            rows.append({"part": "crossing", "series": series_name, "month": crossing.month,
                         "value": value, "amount": format_value(value, "currency", currency),
                         "when": tr("month {month}", month=crossing.month),
                         "milestone": tr("{amount} ARR reached", amount=_short_money(level, currency))})
    for level in crossed:
        label = f"{_short_money(level, currency)} ARR"
        if measure == "mrr":
            label += f" ({_short_money(level / 12, currency)} MRR)"  # amounts and acronyms only
        rows.append({"part": "level", "value": level * scale, "milestone": label})
    data = chart_rows(rows, ["value"])
    names = [n for n, _ in series]
    colors = {"domain": names, "range": [theme.colors["muted"], theme.colors["better"]][:len(names)]}
    dashes = {"domain": names, "range": [[6, 4], [1, 0]][:len(names)]}
    months = max(len(p.months) for _, p in series)
    x = quant_def("month", title=tr("Months from now"), scale={"domain": [0, months], "nice": False},
                  axis={"tickMinStep": 1, "format": "d", "labelFlush": True, "grid": False})
    values = [r["value"] for r in data]
    top, bottom = max(values), min(values)
    pad = (top - bottom) * 0.08 or top * 0.05 or 1.0
    y = quant_def("value", title=f"{name} ({currency})",
                  scale={"domain": [max(0.0, bottom - pad), top + pad], "nice": False, "zero": False},
                  axis={"labelExpr": _axis_labels(currency), "tickCount": 5})
    color = field_def("series", scale=colors, title=None, sort=names,
                      legend={"orient": "top", "direction": "horizontal", "labelLimit": 160})
    tooltip = tooltip_defs(("series", tr("Line")), ("when", tr("Month")), ("amount", name))
    layers = [
        unit_view("rule", {"y": quant_def("value")}, [f"datum.part === 'level'"],
                  color=theme.colors["muted"], strokeDash=[2, 3], strokeWidth=1),
        unit_view("text", {"y": quant_def("value"), "text": field_def("milestone")},
                  ["datum.part === 'level'"], align="right", baseline="top", dy=3, x="width",
                  color=theme.colors["muted"], fontSize=theme.font_sizes["mark_label"]),
        unit_view("line", {"x": x, "y": y, "color": color,
                           "strokeDash": field_def("series", scale=dashes, title=None, sort=names),
                           "tooltip": tooltip}, ["datum.part === 'line'"], strokeWidth=2.5,
                  point={"size": 18, "filled": True}),
        unit_view("point", {"x": quant_def("month"), "y": quant_def("value"),
                            "color": field_def("series", scale=colors, legend=None),
                            "tooltip": tooltip_defs(("series", tr("Line")), ("milestone", tr("Milestone")),
                                                    ("when", tr("Month")), ("amount", name))},
                  ["datum.part === 'crossing'"], size=140, filled=True, stroke="#FFFFFF",
                  strokeWidth=1.5, shape="diamond"),
    ]
    horizon = len(baseline.months)
    now, end = baseline.start, baseline.last()
    read = (lambda m: m.arr) if measure == "arr" else (lambda m: m.mrr)
    subtitle = [tr("{name}: {now} now → {end} in month {month}.", name=baseline_name,
                   now=format_value(read(now), 'currency', currency),
                   end=format_value(read(end), 'currency', currency), month=horizon)]
    if scenario is not None:
        diff = read(scenario.last()) - read(end)
        change = ('+' if diff >= 0 else '−') + format_value(abs(diff), 'currency', currency)
        subtitle.append(tr("{name}: {end} in month {month} ({change}).", name=scenario_name,
                           end=format_value(read(scenario.last()), 'currency', currency), month=horizon,
                           change=change))
    subtitle += [_crossing_words(lv, series, currency) for lv in crossed]
    assumption = tr(ASSUMPTION)
    if current_language() != "de":  # German nouns keep their capital
        assumption = assumption[0].lower() + assumption[1:]
    subtitle.append(tr("Assumption: {assumption}", assumption=assumption))
    subtitle += list(baseline.notes)
    subtitle.append(tr("Source: your inputs · {as_of}", as_of=as_of_text(as_of)))
    description = (tr("Line chart of projected {measure} for {months} months.", measure=name, months=horizon)
                   + " " + " ".join(subtitle))
    title = {
        "text": tr("{measure} projection, next {months} months", measure=name, months=horizon),
        "subtitle": _wrap(subtitle),
        "anchor": "start", "frame": "bounds", "fontSize": theme.font_sizes["title"],
        "fontWeight": "bold", "color": theme.colors["text"],
        "subtitleFontSize": theme.font_sizes["subtitle"], "subtitleColor": theme.colors["muted"],
        "subtitlePadding": 6, "offset": 12,
    }
    sizes, colors_ = theme.font_sizes, theme.colors
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": description, "title": title, "data": {"values": data}, "layer": layers,
        "width": width, "height": 260,
        "padding": {"left": 8, "right": 12, "top": 12, "bottom": 8},
        "autosize": {"type": "fit-x", "contains": "padding"} if width == "container" else {"type": "pad"},
        "config": with_locale({
            "font": theme.font, "background": colors_["background"], "view": {"stroke": None},
            "axis": {"labelFontSize": sizes["axis_label"], "titleFontSize": sizes["axis_title"],
                     "labelColor": colors_["text"], "titleColor": colors_["text"],
                     "titleFontWeight": "normal", "gridColor": "#EBEBEB",
                     "domainColor": "#9A9A9A", "tickColor": "#9A9A9A"},
            "legend": {"labelFontSize": sizes["axis_label"], "labelColor": colors_["text"],
                       "symbolType": "stroke", "symbolSize": 500, "symbolStrokeWidth": 2.5},
        }, currency),
    }
    return alt.LayerChart.from_dict(spec, validate=False)

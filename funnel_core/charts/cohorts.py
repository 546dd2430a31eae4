"""Altair charts of a :class:`~funnel_core.metrics.cohorts.CohortResult`.

All charts use colour-blind-safe colours (a blue ramp for logo retention in the heatmap, an
orange - grey - blue ramp diverging at 100 % where a cohort's MRR grows past its start,
``viridis`` for one-colour-per-cohort lines and areas), readable axis titles, percentage
labels, and the data source as the subtitle. Every function returns an Altair chart
object (``alt.Chart`` or, where text or rules are layered on top, ``alt.LayerChart``)
ready for ``st.altair_chart`` or ``chart.save("x.html")``. Each carries its accessible
``description`` and its words in ``usermeta`` (:func:`funnel_core.charts.vega.chart_words`), so
the app can draw the plot as wide as its column with the words as text around it
(:mod:`funnel_core.charts.screen`); legends sit above or below the plot, where they fit a phone.

Months are counted one way everywhere: *months since start*, where month 0 is the month a
customer started paying, month 1 their 2nd month, and so on (:data:`MONTHS_TITLE`,
:func:`month_ordinal`). Calendar months are ``YYYY-MM`` strings on an ordinal axis (one tick
per month, no time-zone shifts).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import altair as alt
import pandas as pd

from funnel_core.charts.labels import number_text, percent_text
from funnel_core.charts.vega import chart_words, js_text, vega_locale
from funnel_core.domain.i18n import current_language, mark, tr
from funnel_core.metrics.cohorts import CohortResult

#: Heatmap colours: a blue ramp from 0 to 100 % (logo retention), and where a value passes
#: 100 % (revenue retention with expansion) a ramp diverging at 100 %: orange below (lost),
#: light grey at 100 %, blue above (grown) - colour-blind safe, and 131 % never looks like 100 %.
HEATMAP_RAMP = ("#f7fbff", "#6baed6", "#08306b")
DIVERGING_RAMP = ("#b35806", "#f2f2f2", "#2166ac")
HEATMAP_SCHEME = "blues"  # the ramp above, by its Vega name (kept for callers)
COHORT_SCHEME = "viridis"
#: Label inks: every colour has a contrast of at least 4.58:1 with black or with white (WCAG
#: AA asks 4.5:1), so :func:`cell_ink` always finds a readable one; a grey ink would not.
_DARK_INK, _LIGHT_INK = "#000000", "#ffffff"
#: Header of the cohort-size column of the heatmap (a short one where the cells are narrow).
SIZE_COLUMN = mark("Customers")
AVERAGE_COLOUR = "#111111"
BENCHMARK_COLOUR = "#d55e00"  # Okabe-Ito vermillion, distinct from viridis

#: The one month convention of the cohort page and charts (English; shown with ``tr(...)``).
MONTHS_TITLE = mark("Months since start (month 0 = start month)")
MONTHS_NOTE = mark("Month 0 is the month a customer started paying, month 1 their 2nd month, "
                   "and so on")
AVERAGE_LABEL = mark("All cohorts (weighted average)")

_METRICS: dict[str, tuple[str, str]] = {
    "logo": ("logo_retention", mark("Logo retention (share of customers still paying)")),
    "revenue": ("revenue_retention", mark("Revenue retention (MRR vs. month 0)")),
}
#: The metric in short, as a title and inside a sentence.
_SHORT = {"logo": (mark("Logo retention"), mark("logo retention")),
          "revenue": (mark("Revenue retention"), mark("revenue retention"))}


def _with_locale(chart: Any) -> Any:
    """``chart`` with the current language's number and date formats (unchanged in English)."""
    locale = vega_locale()
    return chart.configure(locale=locale) if locale else chart


def month_ordinal(k: int) -> str:
    """``"1st"``, ``"2nd"``, ``"13th"``... for "month k is their (k+1)th month" wording."""
    k = int(k)
    language = current_language()
    if language in ("de", "pl"):
        return f"{k}."
    if language == "fr":
        return "1er" if k == 1 else f"{k}e"
    if 10 <= k % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def rise_note(metric: str = "logo") -> str:
    """Why the bold all-cohorts line can go up from one month to the next."""
    if metric == "logo":
        back = tr("customers who stopped paying and came back (reactivations) count as paying again")
    else:
        back = tr("customers who pay more (expansion) or come back (reactivations) add to their "
                  "cohort's MRR")
    return tr("The bold line can rise from one month to the next: {reason}, and later months "
              "average over fewer, older cohorts only", reason=back)


#: Characters per subtitle line in the exported picture (about 640 px at 12 px).
_SUBTITLE_WRAP = 100


def subtitle_lines(paragraphs: Sequence[str]) -> list[str]:
    """Subtitle paragraphs wrapped for the exported picture (about 640 px at 12 px)."""
    return [line for part in paragraphs
            for line in (textwrap.wrap(part, _SUBTITLE_WRAP, break_on_hyphens=False) or [part])]


def _title(text: str, result: CohortResult, *extra: str | None
           ) -> tuple[alt.TitleParams, list[str]]:
    """The chart's title (subtitle wrapped for the picture) and the subtitle's paragraphs."""
    subtitle = [result.caption, *(e for e in extra if e)]
    return alt.TitleParams(text=text, subtitle=subtitle_lines(subtitle), anchor="start",
                           subtitleColor="#555555"), subtitle


def words_props(title: str, subtitle: Sequence[str], description: str) -> dict[str, Any]:
    """``usermeta`` and ``description`` of a chart (see the module docstring): the title and
    the subtitle's paragraphs as given, before they were wrapped for the picture."""
    words = chart_words(title, subtitle, (), description)
    return {"usermeta": {"words": words}, "description": words["description"]}


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour (channels 0-1)."""
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _ramp_colour(value: float, domain: Sequence[float], ramp: Sequence[str]
                 ) -> tuple[float, float, float]:
    """The colour of ``value`` on a piecewise-linear RGB ramp (Vega's ``interpolate: rgb``)."""
    value = min(max(value, domain[0]), domain[-1])
    for i in range(len(domain) - 1):
        lo, hi = domain[i], domain[i + 1]
        if value <= hi or i == len(domain) - 2:
            t = 0.0 if hi == lo else (value - lo) / (hi - lo)
            a, b = _rgb(ramp[i]), _rgb(ramp[i + 1])
            return tuple(x + (y - x) * t for x, y in zip(a, b))  # type: ignore[return-value]
    return _rgb(ramp[-1])  # pragma: no cover - the loop always returns


def cell_ink(value: float, domain: Sequence[float], ramp: Sequence[str]) -> str:
    """The text colour with the higher WCAG contrast on the cell colour of ``value``."""
    lum = _luminance(_ramp_colour(value, domain, ramp))
    on_dark = (1.05) / (lum + 0.05)
    on_light = (lum + 0.05) / (_luminance(_rgb(_DARK_INK)) + 0.05)
    return _LIGHT_INK if on_dark > on_light else _DARK_INK


def _long(result: CohortResult, metric: str) -> pd.DataFrame:
    table = result.logo_retention if metric == "logo" else result.revenue_retention
    data = table.copy()
    data.index = data.index.astype(str)
    long = data.stack(future_stack=True).dropna().rename("value").reset_index()
    long["size"] = long["cohort"].map({str(k): int(v) for k, v in result.sizes.items()})
    long["months_since_start"] = long["months_since_start"].astype(int)
    return long


def heatmap_scale(values: Sequence[float]) -> tuple[list[float], tuple[str, ...], bool]:
    """Domain, colour ramp and whether it diverges at 100 %, for heatmap cells ``values``.

    Up to 100 %: a blue ramp over 0-100 %. Any value above 100 %: orange below 100 %, light
    grey at 100 %, blue above, up to the largest value, so 131 % stands out from 100 %.
    """
    vmax = max([1.0, *(float(v) for v in values if math.isfinite(float(v)))])
    if vmax > 1.0 + 1e-9:
        return [0.0, 1.0, vmax], DIVERGING_RAMP, True
    return [0.0, 0.5, 1.0], HEATMAP_RAMP, False


def cohort_heatmap(result: CohortResult, metric: Literal["logo", "revenue"] = "logo"
                   ) -> alt.LayerChart:
    """Cohort x months-since-start heatmap with every cell labelled in %, and a first column
    with each cohort's size (customers who started that month).

    Parameters
    ----------
    result : from :func:`funnel_core.metrics.cohorts.compute_cohorts`.
    metric : ``"logo"`` (customers still paying / cohort size) or ``"revenue"``
        (cohort MRR in month k / cohort MRR in month 0; may exceed 100 %).

    The colours follow :func:`heatmap_scale`; each label is drawn in the ink (dark or white)
    with the higher contrast on its cell. The chart is 36 px a month wide when exported; on
    screen it takes its column's width, and the cell labels shrink (down to 7 px) or, in cells
    narrower than 24 px, give way to the tooltip.
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be 'logo' or 'revenue', not {metric!r}")
    _, label = _METRICS[metric]
    label = tr(label)
    short, short_lower = (tr(t) for t in _SHORT[metric])
    size_column, months_title = tr(SIZE_COLUMN), tr(MONTHS_TITLE)
    data = _long(result, metric)
    domain, ramp, diverging = heatmap_scale(data["value"].tolist())
    data["column"] = data["months_since_start"].astype(str)
    data["kind"] = "cell"
    data["ink"] = [cell_ink(float(v), domain, ramp) for v in data["value"]]
    data["value_text"] = [percent_text(v) for v in data["value"]]
    cohorts = [str(c) for c in result.sizes.index.astype(str)]
    sizes = pd.DataFrame({"cohort": cohorts, "size": [int(v) for v in result.sizes.to_numpy()],
                          "column": size_column, "kind": "size"})
    sizes["value_text"] = [number_text(n) for n in sizes["size"]]
    months = sorted(data["months_since_start"].unique().tolist()) or [0]
    columns = [size_column, *(str(k) for k in range(int(max(months)) + 1))]
    n_columns, n_cohorts = len(columns), max(1, len(cohorts))
    frame = pd.concat([sizes, data], ignore_index=True)
    x = alt.X("column:O", title=months_title, sort=columns, scale=alt.Scale(domain=columns),
              axis=alt.Axis(labelAngle=0, orient="top", titleLimit=alt.ExprRef("width"),
                            labelExpr=(f"datum.value === {js_text(size_column)} ? (width / "
                                       f"{n_columns} >= 66 ? {js_text(size_column)} : 'n') "
                                       ": datum.value")))
    y = alt.Y("cohort:O", title=tr("Start-month cohort"), sort=cohorts,
              scale=alt.Scale(domain=cohorts))
    cell_tooltip = [
        alt.Tooltip("cohort:O", title=tr("Cohort")),
        alt.Tooltip("size:Q", title=tr("Customers in cohort"), format=","),
        alt.Tooltip("months_since_start:O", title=tr("Months since start")),
        alt.Tooltip("value:Q", title=short, format=".1%"),
    ]
    is_cell, is_size = alt.datum.kind == "cell", alt.datum.kind == "size"
    base = alt.Chart(frame).encode(x=x, y=y)
    legend = alt.Legend(format=".0%", orient="top", direction="horizontal", gradientLength=200,
                        titleOrient="left", titleLimit=200,
                        values=[0.0, 0.5, 1.0, domain[-1]] if diverging else [0.0, 0.5, 1.0])
    cells = base.transform_filter(is_cell).mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("value:Q", title=short,
                        scale=alt.Scale(domain=domain, range=list(ramp), interpolate="rgb",
                                        clamp=True),
                        legend=legend),
        tooltip=cell_tooltip,
    )
    size_cells = base.transform_filter(is_size).mark_rect(color="#eef0f4", stroke="white",
                                                          strokeWidth=1).encode(
        tooltip=[alt.Tooltip("cohort:O", title=tr("Cohort")),
                 alt.Tooltip("size:Q", title=tr("Customers who started that month"), format=",")])
    fit = f"width / {n_columns}"
    text_props = dict(fontSize=alt.ExprRef(f"max(7, min(11, {fit} / 3.3))"),
                      opacity=alt.ExprRef(f"{fit} >= 24 ? 1 : 0"))
    text = base.transform_filter(is_cell).mark_text(**text_props).encode(
        text=alt.Text("value_text:N"), color=alt.Color("ink:N", scale=None),
        tooltip=cell_tooltip)
    size_text = base.transform_filter(is_size).mark_text(fontWeight="bold", **text_props).encode(
        text=alt.Text("value_text:N"), color=alt.value(_DARK_INK))
    scale_note = (tr("Colours: orange below 100 %, grey at 100 %, blue above (the cohort's MRR grew "
                     "past its start)") if diverging else tr("Colours: darker blue = more still paying"))
    title, paragraphs = _title(tr("Cohort logo retention") if metric == "logo" else tr("Cohort revenue retention"),
                               result, tr("{label}; later months are blank until observed", label=label),
                               tr(MONTHS_NOTE), tr("First column: customers in each cohort"), scale_note)
    description = tr("Heatmap of {metric} for {n} start-month cohorts ({first} to {last}) by months since "
                     "start, with each cohort's size; values from {low} to {high}.", metric=short_lower,
                     n=len(cohorts), first=result.first_month, last=result.last_month,
                     low=percent_text(min(data['value'], default=0)),
                     high=percent_text(max(data['value'], default=0)))
    return _with_locale(alt.layer(size_cells, cells, size_text, text).properties(
        title=title,
        width=alt.Step(36),
        height=(16 if n_cohorts > 18 else 22) * n_cohorts,
        **words_props(title.text, paragraphs, description),
    ).resolve_scale(color="independent"))


#: Font size and line height of the text next to a published one-month figure.
_POINT_FONT = 11
_POINT_LINE = 13
#: Characters per line of that text: narrow enough to stay inside a phone-wide plot.
_POINT_WRAP = 30


def _point_lines(label: str, source: str) -> list[str]:
    """The label (its closing parenthetical on a line of its own) and the source, wrapped."""
    main, rest = label, ""
    cut = label.rfind(" (")
    if cut > 0 and label.endswith(")"):
        main, rest = label[:cut], label[cut + 1:]
    lines: list[str] = []
    for part in (main, rest, tr("Source: {source}", source=source) if source else ""):
        if part:
            lines += textwrap.wrap(part, _POINT_WRAP, break_on_hyphens=False) or [part]
    return lines


def _point_rows(benchmarks: Sequence[Mapping[str, Any]] | None,
                max_k: int) -> list[dict[str, Any]]:
    """Published one-month figures as rows to draw: marker position and a wrapped label.

    The text goes to the right of the marker in the left part of the chart and to its left
    further right, so it stays inside the plot; it is centred on the marker vertically.
    """
    rows = []
    for b in benchmarks or ():
        try:
            value = float(b["value"])
            month = int(round(float(b.get("month", 0) or 0)))
        except (KeyError, TypeError, ValueError):
            continue
        if not math.isfinite(value) or month < 0:
            continue
        label = str(b.get("label") or tr("Benchmark"))
        source = str(b.get("source") or "")
        lines = _point_lines(label, source)
        rows.append({"months_since_start": month, "value": value, "label": label,
                     "source": source, "basis": str(b.get("basis") or ""),
                     "text": "\n".join(lines), "lines": len(lines),
                     "align": "left" if month <= max(1, max_k) * 0.55 else "right"})
    return rows


#: Legends below the plot are stacked, left-aligned, rather than side by side (side by side
#: they are wider than a phone): Vega's legend layout, given as an expression because the
#: Vega-Lite schema only takes one there.
LEGEND_LAYOUT = alt.ExprRef("{bottom: {direction: 'vertical', anchor: 'start', margin: 14}}")
_LEGEND_COLUMNS = 4


def below() -> dict[str, Any]:
    """Legend properties placing a legend below the plot (stacked with the others, see
    :data:`LEGEND_LAYOUT`), its labels never wider than the plot."""
    return {"orient": "bottom", "direction": "horizontal", "titleOrient": "top",
            "labelLimit": alt.ExprRef("max(120, width - 40)"), "titleLimit": alt.ExprRef("width")}


def retention_curves(result: CohortResult,
                     benchmarks: Sequence[Mapping[str, Any]] | None = None,
                     metric: Literal["logo", "revenue"] = "logo") -> alt.LayerChart:
    """One thin line per cohort, the customer-weighted average in bold, and optional
    published figures for one month, each drawn as a marker at that month only.

    Parameters
    ----------
    result : from :func:`funnel_core.metrics.cohorts.compute_cohorts`.
    benchmarks : ``[{"label", "month", "value", "source"[, "basis"]}, ...]``; each is a
        figure for one month: a diamond at ``month`` months since start and ``value`` (a
        fraction), with ``label`` and ``source`` written next to it (and in its tooltip).
        Figures that are curves (monthly churn compounded) are drawn by
        :func:`funnel_core.charts.trends.retention_with_benchmarks`.
    metric : ``"logo"`` or ``"revenue"`` retention.

    The average is named in a legend of its own (never as text on the plot, where it would
    collide with the lines or the cohort legend at some widths).
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be 'logo' or 'revenue', not {metric!r}")
    data = _long(result, metric)
    overall = (result.overall_logo_retention if metric == "logo"
               else result.overall_revenue_retention)
    avg = pd.DataFrame({"months_since_start": overall.index.astype(int),
                        "value": overall.to_numpy(dtype=float)}).dropna()
    average_label = tr(AVERAGE_LABEL)
    avg["series"] = average_label
    y_title = tr("Customers still paying") if metric == "logo" else tr("MRR vs. month 0")
    data_k = int(data["months_since_start"].max()) if len(data) else 0
    points = _point_rows(benchmarks, data_k)
    max_k = max([1, data_k] + [int(p["months_since_start"]) for p in points])
    step = max(1, math.ceil(max_k / 24))
    x = alt.X("months_since_start:Q", title=tr(MONTHS_TITLE),
              scale=alt.Scale(domain=[0, max_k], nice=False),
              axis=alt.Axis(values=list(range(0, max_k + 1, step)), format="d",
                            labelAngle=0, titleLimit=600))
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(format=".0%"))
    n_cohorts = data["cohort"].nunique()
    lines = alt.Chart(data).mark_line(strokeWidth=1.2, opacity=0.6).encode(
        x=x, y=y,
        color=alt.Color("cohort:O", title=tr("Start-month cohort"),
                        scale=alt.Scale(scheme=COHORT_SCHEME),
                        legend=alt.Legend(columns=_LEGEND_COLUMNS, symbolLimit=40, **below())),
        detail="cohort:N",
        tooltip=[alt.Tooltip("cohort:O", title=tr("Cohort")),
                 alt.Tooltip("months_since_start:Q", title=tr("Months since start")),
                 alt.Tooltip("value:Q", title=y_title, format=".1%"),
                 alt.Tooltip("size:Q", title=tr("Customers in cohort"), format=",")],
    )
    average = alt.Chart(avg).mark_line(strokeWidth=4).encode(
        x=x, y=y,
        color=alt.Color("series:N", scale=alt.Scale(domain=[average_label],
                                                    range=[AVERAGE_COLOUR]),
                        legend=alt.Legend(title=tr("Bold line"), symbolType="stroke",
                                          symbolStrokeWidth=4, **below())),
        tooltip=[alt.Tooltip("series:N", title=tr("Line")),
                 alt.Tooltip("months_since_start:Q", title=tr("Months since start")),
                 alt.Tooltip("value:Q", title=y_title, format=".1%")],
    )
    layers: list[Any] = [lines, average]
    extra = [tr("Thin lines: one per start-month cohort; bold: all cohorts, weighted by customers")
             if metric == "logo" else
             tr("Thin lines: one per start-month cohort; bold: all cohorts, weighted by month-0 MRR"),
             rise_note(metric), tr(MONTHS_NOTE)]
    if points:
        bdf = pd.DataFrame(points)
        tooltip = [alt.Tooltip("label:N", title=tr("Published figure")),
                   alt.Tooltip("months_since_start:Q", title=tr("At month")),
                   alt.Tooltip("value:Q", title=tr("Value"), format=".1%"),
                   alt.Tooltip("source:N", title=tr("Source"))]
        if bdf["basis"].str.len().gt(0).any():
            tooltip.append(alt.Tooltip("basis:N", title=tr("Measures")))
        layers.append(alt.Chart(bdf).mark_point(
            shape="diamond", size=120, filled=True, opacity=1, color=BENCHMARK_COLOUR,
            stroke="white", strokeWidth=1).encode(x=x, y=y, tooltip=tooltip))
        for (align, n_lines), group in bdf.groupby(["align", "lines"], sort=True):
            common = dict(align=align, baseline="top", dx=9 if align == "left" else -9,
                          dy=-round(int(n_lines) * _POINT_LINE / 2), lineBreak="\n",
                          lineHeight=_POINT_LINE, fontSize=_POINT_FONT)
            sub = alt.Chart(group.drop(columns=["align", "lines"]))
            layers.append(sub.mark_text(stroke="white", strokeWidth=5, strokeOpacity=0.9,
                                        strokeJoin="round", **common)
                          .encode(x=x, y=y, text="text:N"))
            layers.append(sub.mark_text(color=BENCHMARK_COLOUR, **common)
                          .encode(x=x, y=y, text="text:N", tooltip=tooltip))
        extra.append(tr("Diamonds: published figures for one month, drawn at that month only"))
    title, paragraphs = _title(tr("Logo retention by cohort") if metric == "logo"
                               else tr("Revenue retention by cohort"), result, *extra)
    overall_text = ", ".join(tr("month {month} {value}", month=int(k), value=percent_text(v)) for k, v in
                             zip(avg["months_since_start"], avg["value"]))
    what = tr("customers still paying") if metric == "logo" else tr("mrr vs. month 0")
    description = (tr("Line chart of {what} by months since start: one line per start-month cohort "
                      "({n}) and the weighted average of all cohorts ({average})", what=what,
                      n=n_cohorts, average=overall_text)
                   + (tr("; {n} published figures drawn as diamonds", n=len(points)) if points else "")
                   + ".")
    return _with_locale(alt.layer(*layers).properties(
        title=title, width=640, height=360,
        **words_props(title.text, paragraphs, description),
    ).resolve_scale(color="independent").configure_legend(layout=LEGEND_LAYOUT))


def mrr_by_cohort_area(result: CohortResult) -> alt.Chart:
    """Stacked area of MRR by start-month cohort over calendar months.

    The x axis is ordinal with one ``YYYY-MM`` tick per month (the first and the last month
    included), the same labels as the cohorts in the legend.
    """
    table = result.mrr_by_cohort_over_time
    data = table.copy()
    data.columns = data.columns.astype(str)
    data.index = data.index.astype(str)
    long = data.stack(future_stack=True).rename("mrr").reset_index()
    long.columns = ["month", "cohort", "mrr"]
    months = list(data.index)
    n_months = len(months)
    title, paragraphs = _title(tr("MRR by start-month cohort"), result,
                               tr("Each band is the MRR of customers who started in that month"))
    totals = data.sum(axis=1)
    description = tr("Stacked area chart of MRR by start-month cohort over {n} calendar months ({first} to "
                     "{last}); total MRR from {start} to {end}.", n=n_months,
                     first=months[0] if months else '', last=months[-1] if months else '',
                     start=number_text(totals.iloc[0] if n_months else 0),
                     end=number_text(totals.iloc[-1] if n_months else 0))
    return _with_locale(alt.Chart(long).mark_area(opacity=0.9).encode(
        x=alt.X("month:O", title=tr("Calendar month"), sort=months,
                scale=alt.Scale(domain=months, padding=0.1),
                # every month labelled (the first and the last included): flat while there
                # is room (about 64 px a month), slanted in a narrow column or for many months
                axis=alt.Axis(labelOverlap=False,
                              labelAngle=alt.ExprRef(f"width / {max(1, n_months)} >= 64 ? 0 : -45"),
                              labelAlign=alt.ExprRef(f"width / {max(1, n_months)} >= 64 ? "
                                                     "'center' : 'right'"))),
        y=alt.Y("sum(mrr):Q", title="MRR", stack="zero", axis=alt.Axis(format="~s")),
        color=alt.Color("cohort:O", title=tr("Start-month cohort"),
                        scale=alt.Scale(scheme=COHORT_SCHEME),
                        legend=alt.Legend(columns=_LEGEND_COLUMNS, symbolLimit=40,
                                          **below())),
        order=alt.Order("cohort:O", sort="ascending"),
        tooltip=[alt.Tooltip("month:O", title=tr("Month")),
                 alt.Tooltip("cohort:O", title=tr("Cohort")),
                 alt.Tooltip("mrr:Q", title="MRR", format=",.0f")],
    ).properties(
        title=title, width=640, height=360, **words_props(title.text, paragraphs, description),
    ).configure_legend(layout=LEGEND_LAYOUT))


__all__ = ["AVERAGE_LABEL", "MONTHS_NOTE", "MONTHS_TITLE", "LEGEND_LAYOUT", "SIZE_COLUMN", "below", "cell_ink",
           "cohort_heatmap", "heatmap_scale", "month_ordinal", "mrr_by_cohort_area",
           "retention_curves", "rise_note", "subtitle_lines", "words_props"]

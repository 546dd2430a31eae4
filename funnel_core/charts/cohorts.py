"""Altair charts of a :class:`~funnel_core.metrics.cohorts.CohortResult`.

All charts use colour-blind-safe sequential schemes (``blues`` for the heatmap,
``viridis`` for one-colour-per-cohort lines and areas), readable axis titles, percentage
labels, and the data source as the subtitle. Every function returns an Altair chart
object (``alt.Chart`` or, where text or rules are layered on top, ``alt.LayerChart``)
ready for ``st.altair_chart`` or ``chart.save("x.html")``.

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

from funnel_core.metrics.cohorts import CohortResult

#: Colour-blind-safe sequential schemes (Vega names).
HEATMAP_SCHEME = "blues"
COHORT_SCHEME = "viridis"
AVERAGE_COLOUR = "#111111"
BENCHMARK_COLOUR = "#d55e00"  # Okabe-Ito vermillion, distinct from viridis

#: The one month convention of the cohort page and charts.
MONTHS_TITLE = "Months since start (month 0 = start month)"
MONTHS_NOTE = ("Month 0 is the month a customer started paying, month 1 their 2nd month, "
               "and so on")
AVERAGE_LABEL = "All cohorts (weighted average)"

_METRICS: dict[str, tuple[str, str]] = {
    "logo": ("logo_retention", "Logo retention (share of customers still paying)"),
    "revenue": ("revenue_retention", "Revenue retention (MRR vs. month 0)"),
}


def month_ordinal(k: int) -> str:
    """``"1st"``, ``"2nd"``, ``"13th"``... for "month k is their (k+1)th month" wording."""
    k = int(k)
    if 10 <= k % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _title(text: str, result: CohortResult, *extra: str | None) -> alt.TitleParams:
    subtitle = [result.caption, *(e for e in extra if e)]
    return alt.TitleParams(text=text, subtitle=subtitle, anchor="start",
                           subtitleColor="#555555")


def _long(result: CohortResult, metric: str) -> pd.DataFrame:
    table = result.logo_retention if metric == "logo" else result.revenue_retention
    data = table.copy()
    data.index = data.index.astype(str)
    long = data.stack(future_stack=True).dropna().rename("value").reset_index()
    long["size"] = long["cohort"].map({str(k): int(v) for k, v in result.sizes.items()})
    long["months_since_start"] = long["months_since_start"].astype(int)
    return long


def cohort_heatmap(result: CohortResult, metric: Literal["logo", "revenue"] = "logo"
                   ) -> alt.LayerChart:
    """Cohort x months-since-start heatmap with every cell labelled in %.

    Parameters
    ----------
    result : from :func:`funnel_core.metrics.cohorts.compute_cohorts`.
    metric : ``"logo"`` (customers still paying / cohort size) or ``"revenue"``
        (cohort MRR in month k / cohort MRR in month 0; may exceed 100 %).
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be 'logo' or 'revenue', not {metric!r}")
    _, label = _METRICS[metric]
    data = _long(result, metric)
    n_cohorts = max(1, data["cohort"].nunique())
    n_months = max(1, data["months_since_start"].nunique())
    vmax = max(1.0, float(data["value"].max())) if len(data) else 1.0
    base = alt.Chart(data).encode(
        x=alt.X("months_since_start:O", title=MONTHS_TITLE,
                axis=alt.Axis(labelAngle=0, titleLimit=600)),
        y=alt.Y("cohort:O", title="Start-month cohort", sort="ascending"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("value:Q", title=label.split(" (")[0],
                        scale=alt.Scale(scheme=HEATMAP_SCHEME, domain=[0, vmax]),
                        legend=alt.Legend(format=".0%")),
        tooltip=[
            alt.Tooltip("cohort:O", title="Cohort"),
            alt.Tooltip("size:Q", title="Customers in cohort", format=","),
            alt.Tooltip("months_since_start:O", title="Months since start"),
            alt.Tooltip("value:Q", title=label.split(" (")[0], format=".1%"),
        ],
    )
    text = base.mark_text(fontSize=9 if n_months > 18 else 11).encode(
        text=alt.Text("value:Q", format=".0%"),
        color=alt.condition(alt.datum.value > 0.6 * vmax, alt.value("white"),
                            alt.value("#222222")),
    )
    return alt.layer(cells, text).properties(
        title=_title(f"Cohort {metric} retention", result,
                     f"{label}; later months are blank until observed", MONTHS_NOTE),
        width=alt.Step(28 if n_months > 18 else 36),
        height=alt.Step(16 if n_cohorts > 18 else 22),
    )


#: Font size and line height of the text next to a published one-month figure.
_POINT_FONT = 11
_POINT_LINE = 13


def _point_lines(label: str, source: str) -> list[str]:
    """The label (its closing parenthetical on a line of its own) and the source, wrapped."""
    main, rest = label, ""
    cut = label.rfind(" (")
    if cut > 0 and label.endswith(")"):
        main, rest = label[:cut], label[cut + 1:]
    lines: list[str] = []
    for part in (main, rest, f"Source: {source}" if source else ""):
        if part:
            lines += textwrap.wrap(part, 56, break_on_hyphens=False) or [part]
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
        label = str(b.get("label") or "Benchmark")
        source = str(b.get("source") or "")
        lines = _point_lines(label, source)
        rows.append({"months_since_start": month, "value": value, "label": label,
                     "source": source, "basis": str(b.get("basis") or ""),
                     "text": "\n".join(lines), "lines": len(lines),
                     "align": "left" if month <= max(1, max_k) * 0.55 else "right"})
    return rows


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
    avg["series"] = AVERAGE_LABEL
    y_title = "Customers still paying" if metric == "logo" else "MRR vs. month 0"
    data_k = int(data["months_since_start"].max()) if len(data) else 0
    points = _point_rows(benchmarks, data_k)
    max_k = max([1, data_k] + [int(p["months_since_start"]) for p in points])
    step = max(1, math.ceil(max_k / 24))
    x = alt.X("months_since_start:Q", title=MONTHS_TITLE,
              scale=alt.Scale(domain=[0, max_k], nice=False),
              axis=alt.Axis(values=list(range(0, max_k + 1, step)), format="d",
                            labelAngle=0, titleLimit=600))
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(format=".0%"))
    n_cohorts = data["cohort"].nunique()
    lines = alt.Chart(data).mark_line(strokeWidth=1.2, opacity=0.6).encode(
        x=x, y=y,
        color=alt.Color("cohort:O", title="Start-month cohort",
                        scale=alt.Scale(scheme=COHORT_SCHEME),
                        legend=alt.Legend(columns=2 if n_cohorts > 12 else 1, symbolLimit=40,
                                          orient="right")),
        detail="cohort:N",
        tooltip=[alt.Tooltip("cohort:O", title="Cohort"),
                 alt.Tooltip("months_since_start:Q", title="Months since start"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%"),
                 alt.Tooltip("size:Q", title="Customers in cohort", format=",")],
    )
    average = alt.Chart(avg).mark_line(strokeWidth=4).encode(
        x=x, y=y,
        color=alt.Color("series:N", scale=alt.Scale(domain=[AVERAGE_LABEL],
                                                    range=[AVERAGE_COLOUR]),
                        legend=alt.Legend(title="Bold line", orient="right",
                                          symbolType="stroke", symbolStrokeWidth=4,
                                          labelLimit=260)),
        tooltip=[alt.Tooltip("series:N", title="Line"),
                 alt.Tooltip("months_since_start:Q", title="Months since start"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%")],
    )
    layers: list[Any] = [lines, average]
    weights = "customers" if metric == "logo" else "month-0 MRR"
    extra = ["Thin lines: one per start-month cohort; bold: all cohorts, weighted by "
             f"{weights}", MONTHS_NOTE]
    if points:
        bdf = pd.DataFrame(points)
        tooltip = [alt.Tooltip("label:N", title="Published figure"),
                   alt.Tooltip("months_since_start:Q", title="At month"),
                   alt.Tooltip("value:Q", title="Value", format=".1%"),
                   alt.Tooltip("source:N", title="Source")]
        if bdf["basis"].str.len().gt(0).any():
            tooltip.append(alt.Tooltip("basis:N", title="Measures"))
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
        extra.append("Diamonds: published figures for one month, drawn at that month only")
    return alt.layer(*layers).properties(
        title=_title(f"{'Logo' if metric == 'logo' else 'Revenue'} retention by cohort",
                     result, *extra),
        width=640, height=360,
    ).resolve_scale(color="independent")


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
    return alt.Chart(long).mark_area(opacity=0.9).encode(
        x=alt.X("month:O", title="Calendar month", sort=months,
                scale=alt.Scale(domain=months, padding=0.1),
                axis=alt.Axis(labelAngle=0 if n_months <= 12 else -45, labelOverlap=False,
                              labelAlign="center" if n_months <= 12 else "right")),
        y=alt.Y("sum(mrr):Q", title="MRR", stack="zero", axis=alt.Axis(format="~s")),
        color=alt.Color("cohort:O", title="Start-month cohort",
                        scale=alt.Scale(scheme=COHORT_SCHEME),
                        legend=alt.Legend(columns=2 if long["cohort"].nunique() > 12 else 1,
                                          symbolLimit=40)),
        order=alt.Order("cohort:O", sort="ascending"),
        tooltip=[alt.Tooltip("month:O", title="Month"),
                 alt.Tooltip("cohort:O", title="Cohort"),
                 alt.Tooltip("mrr:Q", title="MRR", format=",.0f")],
    ).properties(
        title=_title("MRR by start-month cohort", result,
                     "Each band is the MRR of customers who started in that month"),
        width=640, height=360,
    )


__all__ = ["AVERAGE_LABEL", "MONTHS_NOTE", "MONTHS_TITLE", "cohort_heatmap", "month_ordinal",
           "mrr_by_cohort_area", "retention_curves"]

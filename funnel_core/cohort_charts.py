"""Altair charts of a :class:`~funnel_core.cohorts.CohortResult`.

All charts use colour-blind-safe sequential schemes (``blues`` for the heatmap,
``viridis`` for one-colour-per-cohort lines and areas), readable axis titles, percentage
labels, and the data source as the subtitle. Every function returns an Altair chart
object (``alt.Chart`` or, where text or rules are layered on top, ``alt.LayerChart``)
ready for ``st.altair_chart`` or ``chart.save("x.html")``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from funnel_core.cohorts import CohortResult

#: Colour-blind-safe sequential schemes (Vega names).
HEATMAP_SCHEME = "blues"
COHORT_SCHEME = "viridis"
AVERAGE_COLOUR = "#111111"
BENCHMARK_COLOUR = "#d55e00"  # Okabe-Ito vermillion, distinct from viridis

_METRICS: dict[str, tuple[str, str]] = {
    "logo": ("logo_retention", "Logo retention (share of customers still paying)"),
    "revenue": ("revenue_retention", "Revenue retention (MRR vs. month 0)"),
}


def _title(text: str, result: CohortResult, extra: str | None = None) -> alt.TitleParams:
    subtitle = [result.caption]
    if extra:
        subtitle.append(extra)
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
    result : from :func:`funnel_core.cohorts.compute_cohorts`.
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
        x=alt.X("months_since_start:O", title="Months since start",
                axis=alt.Axis(labelAngle=0)),
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
                     f"{label}; later months are blank until observed"),
        width=alt.Step(28 if n_months > 18 else 36),
        height=alt.Step(16 if n_cohorts > 18 else 22),
    )


def retention_curves(result: CohortResult,
                     benchmarks: Sequence[Mapping[str, Any]] | None = None,
                     metric: Literal["logo", "revenue"] = "logo") -> alt.LayerChart:
    """One thin line per cohort, the customer-weighted average in bold, and optional
    benchmark points as dashed rules.

    Parameters
    ----------
    result : from :func:`funnel_core.cohorts.compute_cohorts`.
    benchmarks : ``[{"label", "month", "value", "source"}, ...]``; each is drawn as a
        dashed horizontal rule at ``value`` (a fraction) with a marker at ``month``
        months since start and the text ``label (source)``.
    metric : ``"logo"`` or ``"revenue"`` retention.
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be 'logo' or 'revenue', not {metric!r}")
    _, label = _METRICS[metric]
    data = _long(result, metric)
    overall = (result.overall_logo_retention if metric == "logo"
               else result.overall_revenue_retention)
    avg = pd.DataFrame({"months_since_start": overall.index.astype(int),
                        "value": overall.to_numpy(dtype=float)}).dropna()
    avg["series"] = "All cohorts (weighted average)"
    y_title = "Customers still paying" if metric == "logo" else "MRR vs. month 0"
    x = alt.X("months_since_start:Q", title="Months since start",
              axis=alt.Axis(tickMinStep=1, format="d"))
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(format=".0%"))
    lines = alt.Chart(data).mark_line(strokeWidth=1.2, opacity=0.6).encode(
        x=x, y=y,
        color=alt.Color("cohort:O", title="Cohort", scale=alt.Scale(scheme=COHORT_SCHEME),
                        legend=alt.Legend(columns=2 if data["cohort"].nunique() > 12 else 1,
                                          symbolLimit=40)),
        detail="cohort:N",
        tooltip=[alt.Tooltip("cohort:O", title="Cohort"),
                 alt.Tooltip("months_since_start:Q", title="Months since start"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%"),
                 alt.Tooltip("size:Q", title="Customers in cohort", format=",")],
    )
    average = alt.Chart(avg).mark_line(strokeWidth=4, color=AVERAGE_COLOUR).encode(
        x=x, y=y,
        tooltip=[alt.Tooltip("series:N", title="Line"),
                 alt.Tooltip("months_since_start:Q", title="Months since start"),
                 alt.Tooltip("value:Q", title=y_title, format=".1%")],
    )
    avg_label = alt.Chart(avg.tail(1)).mark_text(
        align="right", dx=-2, dy=-14, fontWeight="bold", color=AVERAGE_COLOUR,
    ).encode(x=x, y=y, text="series:N")
    layers: list[alt.Chart] = [lines, average, avg_label]
    extra = "Thin lines: one per start-month cohort; bold: all cohorts, customer-weighted"
    if benchmarks:
        rows = []
        for b in benchmarks:
            value = float(b["value"])
            if not np.isfinite(value):
                continue
            src = b.get("source")
            text = str(b.get("label", "Benchmark")) + (f" ({src})" if src else "")
            rows.append({"label": text, "month": float(b.get("month", 0) or 0),
                         "value": value})
        if rows:
            bdf = pd.DataFrame(rows)
            rule = alt.Chart(bdf).mark_rule(strokeDash=[6, 4], strokeWidth=1.5,
                                            color=BENCHMARK_COLOUR).encode(
                y="value:Q", tooltip=[alt.Tooltip("label:N", title="Benchmark"),
                                      alt.Tooltip("value:Q", title="Value", format=".1%")])
            point = alt.Chart(bdf).mark_point(shape="diamond", size=80, filled=True,
                                              color=BENCHMARK_COLOUR).encode(
                x="month:Q", y="value:Q")
            label_text = alt.Chart(bdf).mark_text(align="left", dx=6, dy=-7,
                                                  color=BENCHMARK_COLOUR).encode(
                x="month:Q", y="value:Q", text="label:N")
            layers += [rule, point, label_text]
            extra += "; dashed: published benchmarks"
    return alt.layer(*layers).properties(
        title=_title(f"{'Logo' if metric == 'logo' else 'Revenue'} retention by cohort",
                     result, extra),
        width=640, height=360,
    )


def mrr_by_cohort_area(result: CohortResult) -> alt.Chart:
    """Stacked area of MRR by start-month cohort over calendar months."""
    table = result.mrr_by_cohort_over_time
    data = table.copy()
    data.columns = data.columns.astype(str)
    data.index = data.index.to_timestamp()
    long = data.stack(future_stack=True).rename("mrr").reset_index()
    long.columns = ["month", "cohort", "mrr"]
    return alt.Chart(long).mark_area(opacity=0.9).encode(
        x=alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("sum(mrr):Q", title="MRR", stack="zero", axis=alt.Axis(format="~s")),
        color=alt.Color("cohort:O", title="Start-month cohort",
                        scale=alt.Scale(scheme=COHORT_SCHEME),
                        legend=alt.Legend(columns=2 if long["cohort"].nunique() > 12 else 1,
                                          symbolLimit=40)),
        order=alt.Order("cohort:O", sort="ascending"),
        tooltip=[alt.Tooltip("month:T", title="Month", format="%b %Y"),
                 alt.Tooltip("cohort:O", title="Cohort"),
                 alt.Tooltip("mrr:Q", title="MRR", format=",.0f")],
    ).properties(
        title=_title("MRR by start-month cohort", result,
                     "Each band is the MRR of customers who started in that month"),
        width=640, height=360,
    )


__all__ = ["cohort_heatmap", "mrr_by_cohort_area", "retention_curves"]

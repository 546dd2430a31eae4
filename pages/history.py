"""Your history: every KPI across the periods you stored, your best periods and your trends.

Widgets only; the numbers come from :mod:`funnel_core.metrics.history`,
:mod:`~funnel_core.metrics.kpi_trends` and :mod:`~funnel_core.metrics.trailing`, the benchmark
band from :mod:`funnel_core.benchmarks.bands`, the tables from
:mod:`funnel_core.page_state.trend_tables`, the chart from :mod:`funnel_core.charts.trends` and
the small multiples of every KPI from :mod:`funnel_core.charts.trend_grid`.
Reads the session's ``periods`` and ``context``; the period picker sets ``selected_period``
(the period the Benchmarks page compares).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from funnel_core.benchmarks.bands import benchmark_band
from funnel_core.metrics.continuity import mrr_continuity_gaps
from funnel_core.metrics.history import kpi_history, period_labels, snapshots_from_periods
from funnel_core.metrics.kpi_trends import Change, change_text, kpi_trends
from funnel_core.metrics.trailing import trailing_figures
from funnel_core.page_state.trend_tables import (history_csv, history_display_frame,
                                                 trailing_display_frame, trend_display_frame)
from funnel_core.domain.formatting import format_value, localised_number
from funnel_core.domain.i18n import current_language, tr
from funnel_core.domain.model import SnapshotError
from funnel_core.charts.trend_grid import grid_bands, trend_grid
from funnel_core.charts.trends import trend_chart
from funnel_core.page_state.page_text import escape_markdown as md
from pages import _charts, _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

PERIOD_KEY = "history_period"
KPI_KEY = "history_kpi"
DEFAULT_KPI = "customer_churn_rate"
GRID_COLUMNS = 3  # small charts per row on a wide screen; Streamlit stacks them on a phone


# --------------------------------------------------------------------------------------
# helpers (widgets and state only)
# --------------------------------------------------------------------------------------

def _state_periods() -> dict[str, dict[str, float]]:
    return dict(st.session_state.get("periods") or {})


def _state_context() -> dict[str, Any]:
    return dict(st.session_state.get("context") or {})


def _compared_period(labels: list[str]) -> str:
    selected = st.session_state.get("selected_period")
    return selected if selected in labels else labels[-1]


def _period_changed() -> None:
    st.session_state["selected_period"] = st.session_state[PERIOD_KEY]




def _link_or_hint(page: str, label: str, icon: str) -> None:
    """A link to another page when the app's navigation has it, else a plain hint."""
    try:
        st.page_link(page, label=label, icon=icon)
    except Exception:  # the page is not in the navigation (e.g. this page run on its own)
        st.caption(tr("Go to **{page}** in the menu.", page=label))




def _change_value(change: Change | None, unit: str, currency: str) -> str:
    """The absolute part of a change (``"-0.9 pp"``), short enough for a metric tile."""
    if change is None:
        return tr("n/a")
    return change_text(Change(change.against, change.absolute, None, None), unit, currency)


def _change_delta(change: Change | None) -> str | None:
    """``"better, -45.0 %"``: the direction first, so the tile's colour follows it."""
    if change is None:
        return None
    relative = _signed_percent(change.relative * 100) if change.relative is not None else ""
    if change.improved is None:
        return relative or None
    word = tr("better") if change.improved else tr("worse")
    return f"{word}, {relative}" if relative else word


def _signed_percent(value: float) -> str:
    """``"+45.0 %"`` in the number format of the language (the sign always shown)."""
    if current_language() == "en":
        return f"{value:+,.1f} %"
    return ("+" if value > 0 else "") + localised_number(value / 100, 1, "percent")


def _change_color(change: Change | None) -> str:
    if change is None or change.improved is None:
        return "off"
    return "normal" if change.improved else "inverse"


# --------------------------------------------------------------------------------------
# page
# --------------------------------------------------------------------------------------

st.title(tr("Your history"))
st.caption(tr("Rather than chase one universal number, beat your own records: every KPI for every "
              "period you stored, your best period, the change against the previous period and "
              "against a year before, and trailing averages where a single month is noisy."))

periods = _state_periods()
context = _state_context()
currency = str(context.get("currency") or "USD")

if not periods:
    st.info(tr("No numbers yet, so there is no history to show. Upload a file with one row (or "
               "column) per month or quarter on **Your numbers**, or enter a period there and add "
               "more later."), icon=":material/info:")
    _link_or_hint("pages/numbers.py", tr("Your numbers"), ":material/edit_note:")
    st.stop()

try:
    snapshots = snapshots_from_periods(periods, context)
except SnapshotError as exc:
    st.error(tr("The stored numbers cannot be used: {error}. Fix them on **Your numbers**.",
                error=md(exc)))
    st.stop()

labels = period_labels(snapshots)
history = kpi_history(snapshots)
trend_by_kpi = kpi_trends(history)

gaps = mrr_continuity_gaps(periods, context)
if gaps:
    st.warning(tr("**Your periods do not follow on from each other** (retention and growth figures "
                  "of the later period are off by as much):") + "\n\n"
               + "\n".join(f"- {md(gap.message)}" for gap in gaps), icon=":material/warning:")

if len(labels) == 1:
    st.info(tr("Only one period is stored ({period}), so there is no trend yet. Upload a file "
               "with one row per month or quarter (a *wide* file: a period column such as "
               "`2025-01`, `2025-Q1`, then one column per metric) to see your history.",
               period=md(labels[0])),
            icon=":material/timeline:")

if not trend_by_kpi:
    st.warning(tr("No KPI can be computed from the stored numbers yet: add the inputs on "
                  "**Your numbers**."))
    st.stop()

# --- pickers ------------------------------------------------------------------------------
left, right = st.columns(2)
compared = _compared_period(labels)
_ui.sync_widget(PERIOD_KEY, compared)
left.selectbox(tr("Compared period (also used on the Benchmarks page)"), labels, key=PERIOD_KEY,
               on_change=_period_changed,
               help=tr("The Benchmarks page compares this period; the latest period by default."))
selected_period = st.session_state[PERIOD_KEY]

kpi_ids = list(trend_by_kpi)
if st.session_state.get(KPI_KEY) not in kpi_ids:
    st.session_state[KPI_KEY] = DEFAULT_KPI if DEFAULT_KPI in kpi_ids else kpi_ids[0]
_ui.keep_choice(KPI_KEY)
right.selectbox(tr("KPI"), kpi_ids, key=KPI_KEY,
                format_func=lambda k: tr("{kpi} ({n} of {total} periods)", kpi=trend_by_kpi[k].label,
                                         n=trend_by_kpi[k].computable_count, total=len(labels)))
kpi_id = st.session_state[KPI_KEY]
trend = trend_by_kpi[kpi_id]
unit = trend.unit

# --- headline figures ----------------------------------------------------------------------
value = trend.value_at(selected_period)
previous = trend.change_vs_previous(selected_period)
year_ago = trend.change_vs_year_ago(selected_period)
cols = st.columns(4)
cols[0].metric(md(selected_period), format_value(value, unit, currency),
               help=trend.reasons[trend.index_of(selected_period)] or None, border=True)
best_label = tr("Highest period") if trend.higher_is_better is None else tr("Best period")
cols[1].metric(best_label, trend.best_period or tr("n/a"),
               delta=format_value(trend.best_value, unit, currency)
               if trend.best_value is not None else None,
               delta_color="off", delta_arrow="off", help=md(trend.best_note()) or None, border=True)
cols[2].metric(tr("vs previous period") + (f" ({md(previous.against)})" if previous else ""),
               _change_value(previous, unit, currency),
               delta=_change_delta(previous), delta_color=_change_color(previous),
               delta_arrow="off", border=True,
               help=tr("Not available: the previous period is not in your data or has no value.")
               if previous is None else None)
cols[3].metric(tr("vs a year before") + (f" ({md(year_ago.against)})" if year_ago else ""),
               _change_value(year_ago, unit, currency),
               delta=_change_delta(year_ago), delta_color=_change_color(year_ago),
               delta_arrow="off", border=True,
               help=tr("Needs the same month 12 months back (or the same quarter 4 quarters back) "
                       "in your data, with period labels such as 2025-06 or 2025-Q2.")
               if year_ago is None else None)

filled_note = history.attrs.get("filled", {}).get(selected_period)
if filled_note and kpi_id in ("arr_growth_rate", "rule_of_40"):
    st.caption(":material/history: " + tr("{note}; ARR a year ago was not given for {period}.",
                                          note=md(filled_note), period=md(selected_period)))

# --- trend chart ---------------------------------------------------------------------------
catalogue = _ui.user_and_published_catalogue()
band = benchmark_band(snapshots, kpi_id, catalogue)
chart = trend_chart(trend, band, currency=currency, selected_period=selected_period)
_charts.show_chart(chart, "history_chart")
_ui.chart_downloads(chart, f"trend_{kpi_id}", f"history_{kpi_id}")

# --- per-period table ---------------------------------------------------------------------
st.subheader(tr("{kpi} by period", kpi=trend.label))
direction = (tr("a size figure: no better or worse side") if trend.higher_is_better is None
             else tr("higher is better") if trend.higher_is_better else tr("lower is better"))
st.caption(tr("Changes of percentages are in percentage points (pp) with the relative change in "
              "brackets; *better* and *worse* follow the KPI's direction ({direction}). "
              "n/a: the other period is not in your data.", direction=direction))
st.dataframe(trend_display_frame(trend, currency), hide_index=True, width="stretch",
             key="history_trend_table")

# --- every KPI at a glance (small multiples) -----------------------------------------------
grid = trend_grid({k: t for k, t in trend_by_kpi.items() if t.computable_count >= 2},
                  grid_bands(snapshots, [k for k, t in trend_by_kpi.items()
                                         if t.computable_count >= 2], catalogue),
                  currency=currency)
if grid:
    st.subheader(tr("Every KPI at a glance"))
    st.caption(tr("The {n} KPIs with a value in at least two periods, each against its "
                  "main benchmark in the same period: a shaded band for a published range, a dashed "
                  "line for a median, average or threshold. Percentage axes start at zero, except "
                  "retention, whose axis spans at least 10 percentage points so small moves do not "
                  "look like cliffs. Hover a chart for the figures.", n=len(grid)))
    for start in range(0, len(grid), GRID_COLUMNS):
        columns = st.columns(GRID_COLUMNS)
        for column, (grid_kpi, spec) in zip(columns, grid[start:start + GRID_COLUMNS]):
            with column:
                st.vega_lite_chart(spec, theme=None, width="stretch", key=f"history_grid_{grid_kpi}")

# --- trailing figures ----------------------------------------------------------------------
st.subheader(tr("Trailing figures"))
st.caption(tr("Smoothed over the periods up to {period}: customer lifetime value on the "
              "mean monthly churn of the trailing 6 months (as ChartMogul does), and conversion "
              "rates pooled over the trailing 3 months. When fewer periods are available, the "
              "figure uses what there is and says so.", period=md(selected_period)))
figures = trailing_figures(snapshots, selected_period)
if figures:
    st.dataframe(trailing_display_frame(figures, currency), hide_index=True,
                 width="stretch", key="history_trailing_table")
else:
    st.caption(tr("No trailing figure can be computed from the stored inputs."))

# --- everything ----------------------------------------------------------------------------
with st.expander(tr("All KPIs by period ({kpis} KPIs, {periods} periods)", kpis=len(trend_by_kpi),
                    periods=len(labels))):
    st.dataframe(history_display_frame(history, currency), hide_index=True,
                 width="stretch", key="history_all_table")
    st.download_button(tr("Download the history (CSV)"), data=history_csv(history),
                       file_name="kpi_history.csv", mime="text/csv", key="history_csv",
                       icon=":material/download:", on_click="ignore")

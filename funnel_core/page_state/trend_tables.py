"""The tables of the trends page as text, and the history as a CSV download.

Display frames for :mod:`pages/history.py`: every value formatted in its unit (fractions as %,
money with the currency), changes as ``+1.2 pp (+25.0 %), better``, empty text where a value is
missing (never NaN). Streamlit-free, so they are tested without the app.
"""

from __future__ import annotations

import csv
import io
from typing import Sequence

import pandas as pd

from funnel_core.domain.constants import DEFAULT_CURRENCY
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr
from funnel_core.metrics.history import HISTORY_COLUMNS, history_periods, history_records
from funnel_core.metrics.kpi_trends import KpiTrend, change_text, kpi_trends
from funnel_core.metrics.trailing import TrailingFigure

__all__ = [
    "TREND_DISPLAY_COLUMNS",
    "history_csv",
    "history_display_frame",
    "trailing_display_frame",
    "trend_display_frame",
]


#: Columns of :func:`trend_display_frame`.
TREND_DISPLAY_COLUMNS: tuple[str, ...] = (
    "Period", "Value", "Change vs previous period", "Previous period",
    "Change vs a year before", "A year before", "Best", "Note",
)

#: The column names of these tables, marked so a page can show them translated
#: (``frame.rename(columns=tr)``); the frames keep the English names as their keys.
COLUMN_NAMES: tuple[str, ...] = (
    mark("Period"), mark("Value"), mark("Change vs previous period"), mark("Previous period"),
    mark("Change vs a year before"), mark("A year before"), mark("Best"), mark("Note"), mark("KPI"),
    mark("Best period"), mark("Figure"), mark("Periods used"), mark("Calculation"), mark("How"),
)


def trend_display_frame(trend: KpiTrend, currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """The per-period table of one KPI as text, ready to show (columns :data:`TREND_DISPLAY_COLUMNS`)."""
    rows = []
    for index, period in enumerate(trend.periods):
        value = trend.values[index]
        prev, year = trend.previous[index], trend.year_ago[index]
        best = ""
        if period == trend.best_period:
            best = tr("★ highest") if trend.higher_is_better is None else tr("★ best")
        rows.append({
            "Period": period,
            "Value": format_value(value, trend.unit, currency),
            "Change vs previous period": change_text(prev, trend.unit, currency, verdict=True),
            "Previous period": prev.against if prev else "",
            "Change vs a year before": change_text(year, trend.unit, currency, verdict=True),
            "A year before": year.against if year else "",
            "Best": best,
            "Note": trend.reasons[index] or "",
        })
    return pd.DataFrame(rows, columns=list(TREND_DISPLAY_COLUMNS))


def history_display_frame(history: pd.DataFrame, currency: str = DEFAULT_CURRENCY, *,
                          computable_only: bool = True) -> pd.DataFrame:
    """Every KPI (rows) by period (columns) as text, with the best period of each KPI."""
    periods = history_periods(history)
    rows = []
    for kpi_id, trend in kpi_trends(history, computable_only=computable_only).items():
        row: dict[str, str] = {"KPI": tr(trend.label)}
        for period, value in zip(trend.periods, trend.values):
            row[period] = format_value(value, trend.unit, currency)
        row["Best period"] = trend.best_period or ""
        rows.append(row)
    return pd.DataFrame(rows, columns=["KPI", *periods, "Best period"])


def trailing_display_frame(figures: Sequence[TrailingFigure],
                           currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """Trailing figures as text: Figure, Value, Periods used, Calculation, How."""
    rows = []
    for figure in figures:
        rows.append({
            "Figure": tr(figure.label),
            "Value": format_value(figure.value, figure.unit, currency) if figure.value is not None
            else tr("n/a"),
            "Periods used": figure.note,
            "Calculation": figure.calculation or (figure.reason or ""),
            "How": figure.method,
        })
    return pd.DataFrame(rows, columns=["Figure", "Value", "Periods used", "Calculation", "How"])


def history_csv(history: pd.DataFrame) -> bytes:
    """The history as CSV (UTF-8, empty cells for missing values, never NaN).

    Columns :data:`~funnel_core.metrics.history.HISTORY_COLUMNS`; a text cell starting with
    ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so a spreadsheet never runs it as a formula.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(HISTORY_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for record in history_records(history):
        row = {}
        for key in HISTORY_COLUMNS:
            value = record.get(key)
            if value is None:
                row[key] = ""
            elif isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                row[key] = "'" + value  # never a spreadsheet formula
            else:
                row[key] = value
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")

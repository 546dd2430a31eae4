"""The trend of each KPI across your periods: best period and changes.

Built on the :func:`~funnel_core.metrics.history.kpi_history` table. Per KPI,
:func:`kpi_trend` gives the best period (direction-aware: the lowest churn is the best; ties go
to the latest period) and each period's change against the previous period and against the same
period a year before (absolute and relative); :func:`change_text` writes a change for people.

Which period is "previous" or "a year before" is found from the period labels
(:func:`funnel_core.inputs.period_keys.parse_period_label`). When a label cannot be read, the
previous period is the preceding row and the year-ago change is ``None``. A change whose other
period is not in the data is ``None`` too (never a guess).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd

from funnel_core.domain.constants import DEFAULT_CURRENCY, NO_PERIOD
from funnel_core.domain.formatting import format_value, localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, tr
from funnel_core.domain.json_safe import sanitize
from funnel_core.inputs.period_keys import parse_period_label, step_back, year_back
from funnel_core.metrics.history import clean_value, history_periods
from funnel_core.metrics.kpis import KPIS, KPIS_BY_ID

__all__ = [
    "Change",
    "KpiTrend",
    "TREND_TABLE_COLUMNS",
    "change_text",
    "kpi_trend",
    "kpi_trends",
]


@dataclass(frozen=True)
class Change:
    """The change of a KPI from another period to this one.

    Attributes
    ----------
    against : label of the period compared with.
    absolute : ``value - other`` in the KPI's unit (fractions: 0.01 is one percentage point).
    relative : ``absolute / |other|``; ``None`` when the other value is 0.
    improved : ``True`` when the change is for the better given the KPI's direction,
        ``False`` when for the worse, ``None`` for no change or size figures (MRR, ARR).
    """

    against: str
    absolute: float
    relative: float | None
    improved: bool | None

    def to_dict(self) -> dict[str, Any]:
        return sanitize({"against": self.against, "absolute": self.absolute,
                         "relative": self.relative, "improved": self.improved})


def _change(value: float | None, other: float | None, against: str | None,
            higher_is_better: bool | None) -> Change | None:
    if value is None or other is None or against is None:
        return None
    absolute = value - other
    relative = absolute / abs(other) if other != 0 else None
    if higher_is_better is None or absolute == 0:
        improved = None
    else:
        improved = (absolute > 0) == higher_is_better
    return Change(against, absolute, relative, improved)


#: Columns of :meth:`KpiTrend.table`.
TREND_TABLE_COLUMNS: tuple[str, ...] = (
    "period", "value", "previous_period", "change_vs_previous", "relative_change_vs_previous",
    "year_ago_period", "change_vs_year_ago", "relative_change_vs_year_ago", "is_best", "reason",
)


@dataclass(frozen=True)
class KpiTrend:
    """One KPI across all periods.

    Attributes
    ----------
    kpi, label, unit, higher_is_better : from the KPI's spec.
    value_period : what each value is measured over (``month``, ``quarter``... or ``none``).
    periods : every period label, chronological.
    values : the KPI per period (``None`` when not computable there).
    reasons : why a value is missing (``None`` where there is a value).
    previous : per period, the change against the previous period (or ``None``).
    year_ago : per period, the change against the same period a year before (or ``None``).
    best_period, best_value : the best period (direction-aware; ties go to the latest one);
        for size figures with no better side (MRR, ARR, ARPA) the highest value.
    best_rule : ``"lowest"`` or ``"highest"``.
    """

    kpi: str
    label: str
    unit: str
    higher_is_better: bool | None
    value_period: str
    periods: tuple[str, ...]
    values: tuple[float | None, ...]
    reasons: tuple[str | None, ...]
    previous: tuple[Change | None, ...]
    year_ago: tuple[Change | None, ...]
    best_period: str | None
    best_value: float | None
    best_rule: str

    @property
    def computable_count(self) -> int:
        return sum(1 for v in self.values if v is not None)

    @property
    def latest_index(self) -> int | None:
        """Index of the latest period with a value."""
        for index in range(len(self.values) - 1, -1, -1):
            if self.values[index] is not None:
                return index
        return None

    @property
    def latest_period(self) -> str | None:
        index = self.latest_index
        return None if index is None else self.periods[index]

    @property
    def latest_value(self) -> float | None:
        index = self.latest_index
        return None if index is None else self.values[index]

    def index_of(self, period: str) -> int:
        return self.periods.index(period)

    def value_at(self, period: str) -> float | None:
        return self.values[self.index_of(period)]

    def change_vs_previous(self, period: str | None = None) -> Change | None:
        """Change of ``period`` (default: the latest with a value) against the previous period."""
        index = self._index(period)
        return None if index is None else self.previous[index]

    def change_vs_year_ago(self, period: str | None = None) -> Change | None:
        """Change of ``period`` (default: the latest with a value) against a year before."""
        index = self._index(period)
        return None if index is None else self.year_ago[index]

    def _index(self, period: str | None) -> int | None:
        return self.latest_index if period is None else self.index_of(period)

    def best_note(self) -> str:
        """One line saying which period is best and why (direction)."""
        if self.best_period is None:
            return tr("no period has a value")
        if self.higher_is_better is None:
            rule = tr("highest value (a size figure has no better or worse side)")
        elif self.higher_is_better:
            rule = tr("highest value: higher is better")
        else:
            rule = tr("lowest value: lower is better")
        return f"{self.best_period} ({rule})"

    def table(self) -> pd.DataFrame:
        """One row per period: value, changes against previous and year-ago, best flag.

        Columns :data:`TREND_TABLE_COLUMNS`; numbers are raw (fractions stay fractions),
        missing ones are ``None`` (object dtype, never NaN).
        """
        rows = []
        for index, period in enumerate(self.periods):
            prev, year = self.previous[index], self.year_ago[index]
            rows.append({
                "period": period,
                "value": self.values[index],
                "previous_period": prev.against if prev else None,
                "change_vs_previous": prev.absolute if prev else None,
                "relative_change_vs_previous": prev.relative if prev else None,
                "year_ago_period": year.against if year else None,
                "change_vs_year_ago": year.absolute if year else None,
                "relative_change_vs_year_ago": year.relative if year else None,
                "is_best": period == self.best_period,
                "reason": self.reasons[index],
            })
        return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object)
                             for c in TREND_TABLE_COLUMNS})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (``None`` for missing values, never NaN)."""
        return sanitize({
            "kpi": self.kpi,
            "label": self.label,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "value_period": self.value_period,
            "best_period": self.best_period,
            "best_value": self.best_value,
            "best_rule": self.best_rule,
            "latest_period": self.latest_period,
            "latest_value": self.latest_value,
            "periods": [
                {
                    "period": period,
                    "value": self.values[i],
                    "reason": self.reasons[i],
                    "vs_previous": self.previous[i].to_dict() if self.previous[i] else None,
                    "vs_year_ago": self.year_ago[i].to_dict() if self.year_ago[i] else None,
                    "is_best": period == self.best_period,
                }
                for i, period in enumerate(self.periods)
            ],
        })


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _best(values: Sequence[float | None], higher_is_better: bool | None) -> int | None:
    """Index of the best value; ties go to the latest period."""
    best_index: int | None = None
    for index, value in enumerate(values):
        if value is None:
            continue
        if best_index is None:
            best_index = index
            continue
        current = values[best_index]
        assert current is not None
        if _same(value, current):
            best_index = index  # ties -> the latest
        elif (value < current) if higher_is_better is False else (value > current):
            best_index = index
    return best_index


def kpi_trend(history: pd.DataFrame, kpi_id: str) -> KpiTrend:
    """The trend of one KPI in a :func:`kpi_history` table.

    Raises
    ------
    KeyError
        If ``kpi_id`` is not a KPI.
    """
    spec = KPIS_BY_ID[kpi_id]
    periods = history_periods(history)
    rows = history[history["kpi"] == kpi_id]
    by_period = {row["period"]: row for row in rows.to_dict(orient="records")}
    values: list[float | None] = []
    reasons: list[str | None] = []
    value_period = NO_PERIOD
    for period in periods:
        row = by_period.get(period)
        value = None if row is None else clean_value(row["value"])
        values.append(None if value is None else float(value))
        reasons.append(None if row is None else clean_value(row["reason"]))
        if row is not None and value_period == NO_PERIOD:
            value_period = str(row["value_period"])

    snapshot_periods = list(history.attrs.get("snapshot_periods") or ["month"] * len(periods))
    keys = [parse_period_label(p) for p in periods]
    position_of_key = {key: i for i, key in enumerate(keys) if key is not None}

    previous: list[Change | None] = []
    year_ago: list[Change | None] = []
    for index, (period, key) in enumerate(zip(periods, keys)):
        if key is not None:
            prev_index = position_of_key.get(step_back(key, snapshot_periods[index]))
            year_index = position_of_key.get(year_back(key))
        else:
            prev_index = index - 1 if index > 0 else None
            year_index = None
        prev_value = None if prev_index is None else values[prev_index]
        year_value = None if year_index is None else values[year_index]
        previous.append(_change(values[index], prev_value,
                                None if prev_index is None else periods[prev_index],
                                spec.higher_is_better))
        year_ago.append(_change(values[index], year_value,
                                None if year_index is None else periods[year_index],
                                spec.higher_is_better))

    best_index = _best(values, spec.higher_is_better)
    return KpiTrend(
        kpi=spec.id, label=spec.label, unit=spec.unit, higher_is_better=spec.higher_is_better,
        value_period=value_period, periods=tuple(periods), values=tuple(values),
        reasons=tuple(reasons), previous=tuple(previous), year_ago=tuple(year_ago),
        best_period=None if best_index is None else periods[best_index],
        best_value=None if best_index is None else values[best_index],
        best_rule="lowest" if spec.higher_is_better is False else "highest",
    )


def kpi_trends(history: pd.DataFrame, *, computable_only: bool = True) -> dict[str, KpiTrend]:
    """Trends of every KPI (only those with at least one value unless ``computable_only=False``)."""
    out: dict[str, KpiTrend] = {}
    for spec in KPIS:
        trend = kpi_trend(history, spec.id)
        if trend.computable_count or not computable_only:
            out[spec.id] = trend
    return out


def _change_text_localised(change: Change, unit: str, currency: str, sign: str, verdict: bool) -> str:
    """:func:`change_text` in a language other than English (its number format and words)."""
    size = abs(change.absolute)
    if unit == "fraction":
        text = sign + tr("{value} pp", value=localised_number(size * 100, 1))
    elif unit == "currency":
        text = sign + format_value(size, "currency", currency)
    elif unit == "ratio":
        text = f"{sign}{localised_number(size, 2)}x"
    elif unit == "months":
        text = sign + tr("{value} months", value=localised_number(size, 1))
    else:
        text = sign + localised_number(size, 1)
    if change.relative is not None:
        relative = localised_number(abs(change.relative), 1, "percent")
        text += f" ({'+' if change.relative >= 0 else '-'}{relative})"
    if verdict and change.improved is not None:
        text += tr(", better") if change.improved else tr(", worse")
    return text


def change_text(change: Change | None, unit: str, currency: str = DEFAULT_CURRENCY, *,
                verdict: bool = False) -> str:
    """``"+1.2 pp (+25.0 %)"`` for a change; ``"n/a"`` when there is none.

    Fractions change in percentage points (pp); other units in their own unit. With
    ``verdict=True`` the direction is added (``"better"``/``"worse"``) when the KPI has one.
    """
    if change is None:
        return tr("n/a")
    absolute = change.absolute
    sign = "+" if absolute > 0 else ("-" if absolute < 0 else "±")
    if current_language() != DEFAULT_LANGUAGE:
        return _change_text_localised(change, unit, currency, sign, verdict)
    if unit == "fraction":
        text = f"{sign}{abs(absolute) * 100:,.1f} pp"
    elif unit == "currency":
        text = sign + format_value(abs(absolute), "currency", currency)
    elif unit == "ratio":
        text = f"{sign}{abs(absolute):,.2f}x"
    elif unit == "months":
        text = f"{sign}{abs(absolute):,.1f} months"
    else:
        text = f"{sign}{abs(absolute):,.1f}"
    if change.relative is not None:
        text += f" ({change.relative * 100:+,.1f} %)"
    if verdict and change.improved is not None:
        text += ", better" if change.improved else ", worse"
    return text

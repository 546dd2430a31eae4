"""Your own history: KPIs per period, best periods, changes and trailing figures.

Rather than chase one universal number, compare each period with your own earlier ones.
Everything here works on a chronological sequence of :class:`~funnel_core.domain.model.Snapshot`
(one per month, quarter or year) and never imports the UI.

- :func:`kpi_history` computes every KPI for every period (a tidy ``pandas.DataFrame``).
- :func:`kpi_trend` gives, per KPI, the best period (direction-aware: the lowest churn is the
  best; ties go to the latest period), and each period's change against the previous period and
  against the same period a year before (absolute and relative).
- :func:`trailing_clv` and :func:`trailing_conversion_rates` smooth noisy single months.
- :func:`benchmark_band` gives the primary published benchmark of a KPI expressed in the KPI's
  own period, for drawing behind a trend line.

Period labels
-------------
"Previous period" and "a year before" are found from the period labels:
``2025-06``, ``2025/6``, ``Jun 2025``, ``2025-06-30`` (monthly), ``2025-Q2``, ``Q2 2025``
(quarterly) and ``2025``, ``FY2025`` (yearly) are understood
(:func:`parse_period_label`). A year before a month is the same month 12 months back; a year
before a quarter is 4 quarters back. When a label cannot be read, the previous period is the
preceding row and the year-ago change is ``None``. A change whose other period is not in the
data is ``None`` too (never a guess).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import compare, primary_comparison, sanitize
from funnel_core.domain.constants import DEFAULT_CURRENCY, MONTHS_IN_PERIOD, NO_PERIOD
from funnel_core.domain.formatting import format_value
from funnel_core.metrics.kpis import KPIS, KPIS_BY_ID, compute_kpi
from funnel_core.domain.model import Context, Snapshot
from funnel_core.domain.periods import ConversionError, convert

__all__ = [
    "BenchmarkBand",
    "Change",
    "OlderCohortShare",
    "REVENUE_FIELDS",
    "RetentionBenchmark",
    "HISTORY_COLUMNS",
    "KpiTrend",
    "PeriodKey",
    "TREND_TABLE_COLUMNS",
    "TrailingFigure",
    "TREND_DISPLAY_COLUMNS",
    "band_for",
    "benchmark_band",
    "change_text",
    "conversion_rate_ids",
    "default_retention_benchmarks",
    "history_csv",
    "history_display_frame",
    "history_records",
    "kpi_history",
    "kpi_trend",
    "kpi_trends",
    "matching_period",
    "merge_revenue_inputs",
    "older_cohort_share",
    "parse_period_label",
    "period_labels",
    "retention_benchmarks",
    "snapshots_from_periods",
    "trailing_churn",
    "trailing_clv",
    "trailing_conversion_rates",
    "trailing_display_frame",
    "trailing_figures",
    "trend_display_frame",
]

# --------------------------------------------------------------------------------------------
# period labels
# --------------------------------------------------------------------------------------------

_STEPS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}

_MONTH_NAMES = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}


@dataclass(frozen=True, order=True)
class PeriodKey:
    """A calendar period read from a label.

    Attributes
    ----------
    kind : ``month``, ``quarter`` or ``year``.
    year : the calendar (or fiscal) year.
    index : month 1-12, quarter 1-4, or 1 for a year.
    """

    kind: str
    year: int
    index: int

    @property
    def ordinal(self) -> int:
        """A running number: consecutive periods of one kind differ by 1."""
        return self.year * _STEPS_PER_YEAR[self.kind] + self.index - 1

    def shifted(self, steps: int) -> "PeriodKey":
        """The period ``steps`` periods later (earlier when negative)."""
        per_year = _STEPS_PER_YEAR[self.kind]
        ordinal = self.ordinal + steps
        return PeriodKey(self.kind, ordinal // per_year, ordinal % per_year + 1)

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year:04d}-Q{self.index}"
        return f"{self.year:04d}"


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if len(text) == 2 else value


_MONTH_WORD = "(" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\.?"
_PATTERNS: tuple[tuple[re.Pattern[str], str, tuple[int, int]], ...] = (
    # (pattern, kind, (group of year, group of index))
    (re.compile(r"^(\d{4})\s*[-/. ]\s*(\d{1,2})(?:\s*[-/. ]\s*\d{1,2})?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$"),
     "month", (1, 2)),
    (re.compile(r"^(\d{4})(\d{2})$"), "month", (1, 2)),
    (re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$"), "month", (2, 1)),
    (re.compile(r"^" + _MONTH_WORD + r"\s*[-/ ,']?\s*(\d{4}|\d{2})$"), "month_name", (2, 1)),
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*" + _MONTH_WORD + r"$"), "month_name", (1, 2)),
    (re.compile(r"^(?:fy\s*)?(\d{4})\s*[-/ ]?\s*q([1-4])$"), "quarter", (1, 2)),
    (re.compile(r"^q([1-4])\s*[-/ ']?\s*(?:fy\s*)?(\d{4}|\d{2})$"), "quarter", (2, 1)),
    (re.compile(r"^(?:fy\s*)?(\d{4})$"), "year", (1, 0)),
)


def parse_period_label(label: Any) -> PeriodKey | None:
    """Read a period label; ``None`` when it is not a month, quarter or year we understand.

    The file parser's reading (:func:`funnel_core.inputs.parsing.parse_period_label`: English,
    German, French and Polish month names, day-first dates...) is used first, so a label
    means here what it meant when the file was read; a small reader of our own covers the
    rest.

    Examples
    --------
    >>> str(parse_period_label("Jun 2025")), str(parse_period_label("Q2 2025"))
    ('2025-06', '2025-Q2')
    """
    if label is None:
        return None
    key = _from_input_parser(label)
    if key is not None:
        return key
    if hasattr(label, "year") and hasattr(label, "month"):  # date, datetime, Timestamp
        try:
            return PeriodKey("month", int(label.year), int(label.month))
        except (TypeError, ValueError):
            return None
    text = str(label).strip().lower()
    if not text:
        return None
    for pattern, kind, (year_group, index_group) in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = _year(match.group(year_group))
        if kind == "year":
            return PeriodKey("year", year, 1)
        raw = match.group(index_group)
        if kind == "month_name":
            index = _MONTH_NAMES[raw.rstrip(".")]
            kind = "month"
        else:
            index = int(raw)
        if kind == "month" and not 1 <= index <= 12:
            continue
        if not 1900 <= year <= 2200:
            continue
        return PeriodKey(kind, year, index)
    return None


def _from_input_parser(label: Any) -> PeriodKey | None:
    """Read ``label`` the way the file parser reads period columns (same languages, dates).

    A single date (``31.01.2025``) stands for its month. ``None`` when the parser does not
    understand the label or cannot be imported.
    """
    try:
        from funnel_core.inputs.parsing import parse_period_label as parse_input_label
    except ImportError:  # pragma: no cover - parsing is part of the package
        return None
    try:
        parsed = parse_input_label(label)
    except (TypeError, ValueError):
        return None
    if parsed is None or parsed.start is None:
        return None
    year, month, _ = parsed.start
    granularity = parsed.granularity or "month"
    if granularity == "quarter":
        return PeriodKey("quarter", int(year), (int(month) - 1) // 3 + 1)
    if granularity == "year":
        return PeriodKey("year", int(year), 1)
    return PeriodKey("month", int(year), int(month))


def period_labels(snapshots: Sequence[Snapshot]) -> list[str]:
    """The label of each snapshot (``Period 1``, ``Period 2``... when a snapshot has none)."""
    labels: list[str] = []
    for position, snapshot in enumerate(snapshots, start=1):
        label = snapshot.label if snapshot.label not in (None, "") else f"Period {position}"
        label = str(label)
        if label in labels:  # keep labels unique so they can key tables and charts
            label = f"{label} ({position})"
        labels.append(label)
    return labels


def _step_back(key: PeriodKey, snapshot_period: str) -> PeriodKey:
    """The period just before ``key`` for numbers covering ``snapshot_period``.

    Month labels on quarterly numbers (``2025-03``, ``2025-06``...) step back 3 months.
    """
    if key.kind == "month":
        return key.shifted(-MONTHS_IN_PERIOD.get(snapshot_period, 1))
    return key.shifted(-1)


def _year_back(key: PeriodKey) -> PeriodKey:
    return key.shifted(-_STEPS_PER_YEAR[key.kind])


# --------------------------------------------------------------------------------------------
# history
# --------------------------------------------------------------------------------------------

#: Columns of :func:`kpi_history`, in this order.
HISTORY_COLUMNS: tuple[str, ...] = (
    "position", "period", "kpi", "label", "value", "unit", "value_period", "higher_is_better",
    "reason",
)


def kpi_history(snapshots: Sequence[Snapshot]) -> pd.DataFrame:
    """Every KPI for every period, one row per (period, KPI).

    Parameters
    ----------
    snapshots : the periods in chronological order (oldest first).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`HISTORY_COLUMNS`: ``position`` (0-based index of the period),
        ``period`` (its label), ``kpi`` (id), ``label`` (KPI name), ``value`` (a float, or
        ``None`` when not computable; object dtype so missing stays ``None``, never NaN),
        ``unit``, ``value_period`` (what the value is measured over: ``month``... or ``none``),
        ``higher_is_better`` and ``reason`` (why the value is missing, else ``None``).
    """
    labels = period_labels(snapshots)
    rows: list[dict[str, Any]] = []
    for position, (label, snapshot) in enumerate(zip(labels, snapshots)):
        for spec in KPIS:
            result = compute_kpi(spec, snapshot)
            value = result.value
            if value is not None and not math.isfinite(value):
                value = None
            rows.append({
                "position": position,
                "period": label,
                "kpi": spec.id,
                "label": spec.label,
                "value": value,
                "unit": spec.unit,
                "value_period": result.period,
                "higher_is_better": spec.higher_is_better,
                "reason": result.reason,
            })
    frame = pd.DataFrame(
        {column: pd.Series([row[column] for row in rows], dtype=object) for column in HISTORY_COLUMNS}
    )
    frame["position"] = frame["position"].astype("int64")
    frame.attrs["periods"] = labels
    frame.attrs["snapshot_periods"] = [s.context.period for s in snapshots]
    frame.attrs["currency"] = snapshots[-1].context.currency if snapshots else "USD"
    return frame


def history_records(history: pd.DataFrame) -> list[dict[str, Any]]:
    """The history as JSON-safe records (``None`` for missing values, never NaN)."""
    records = []
    for row in history.to_dict(orient="records"):
        records.append({k: _clean(v) for k, v in row.items()})
    return sanitize(records)


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _periods_of(history: pd.DataFrame) -> list[str]:
    periods = history.attrs.get("periods")
    if periods:
        return list(periods)
    ordered = history.sort_values("position")["period"].tolist()
    return list(dict.fromkeys(ordered))


# --------------------------------------------------------------------------------------------
# per-KPI trend: best period, changes
# --------------------------------------------------------------------------------------------


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
            return "no period has a value"
        if self.higher_is_better is None:
            rule = "highest value (a size figure has no better or worse side)"
        elif self.higher_is_better:
            rule = "highest value: higher is better"
        else:
            rule = "lowest value: lower is better"
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
    periods = _periods_of(history)
    rows = history[history["kpi"] == kpi_id]
    by_period = {row["period"]: row for row in rows.to_dict(orient="records")}
    values: list[float | None] = []
    reasons: list[str | None] = []
    value_period = NO_PERIOD
    for period in periods:
        row = by_period.get(period)
        value = None if row is None else _clean(row["value"])
        values.append(None if value is None else float(value))
        reasons.append(None if row is None else _clean(row["reason"]))
        if row is not None and value_period == NO_PERIOD:
            value_period = str(row["value_period"])

    snapshot_periods = list(history.attrs.get("snapshot_periods") or ["month"] * len(periods))
    keys = [parse_period_label(p) for p in periods]
    position_of_key = {key: i for i, key in enumerate(keys) if key is not None}

    previous: list[Change | None] = []
    year_ago: list[Change | None] = []
    for index, (period, key) in enumerate(zip(periods, keys)):
        if key is not None:
            prev_index = position_of_key.get(_step_back(key, snapshot_periods[index]))
            year_index = position_of_key.get(_year_back(key))
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


# --------------------------------------------------------------------------------------------
# trailing figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrailingFigure:
    """A KPI smoothed over the last few periods.

    Attributes
    ----------
    kpi : the KPI id it smooths.
    label : e.g. ``"Customer lifetime value (trailing 6-month)"``.
    value : the figure, ``None`` when it cannot be computed (see ``reason``).
    unit : unit of the value.
    end_period : label of the last period in the window.
    window_months : the window asked for (6 for CLV, 3 for conversion rates).
    periods_wanted : how many periods that window holds (6 months, 2 quarters...).
    periods_used : labels of the periods that contributed.
    method : how the periods were combined, in words.
    calculation : the formula with the numbers in it.
    note : how many periods were used, e.g. ``"4 of 6 months available"``.
    reason : why there is no value.
    """

    kpi: str
    label: str
    value: float | None
    unit: str
    end_period: str
    window_months: int
    periods_wanted: int
    periods_used: tuple[str, ...]
    method: str
    calculation: str | None = None
    note: str = ""
    reason: str | None = None

    @property
    def complete(self) -> bool:
        return len(self.periods_used) >= self.periods_wanted

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "kpi": self.kpi, "label": self.label, "value": self.value, "unit": self.unit,
            "end_period": self.end_period, "window_months": self.window_months,
            "periods_wanted": self.periods_wanted, "periods_used": list(self.periods_used),
            "complete": self.complete, "method": self.method, "calculation": self.calculation,
            "note": self.note, "reason": self.reason,
        })


def _window(snapshots: Sequence[Snapshot], end: str | None,
            months: int) -> tuple[list[tuple[str, Snapshot]], str, int, str]:
    """Periods in the trailing window ending at ``end``.

    Returns (label/snapshot pairs in the window, end label, periods wanted, unit word).
    """
    if not snapshots:
        raise ValueError("no periods given")
    labels = period_labels(snapshots)
    end_label = labels[-1] if end is None else end
    if end_label not in labels:
        raise ValueError(f"period {end_label!r} is not in the data; periods: {', '.join(labels)}")
    end_index = labels.index(end_label)
    period = snapshots[end_index].context.period
    span = MONTHS_IN_PERIOD.get(period, 1)
    wanted = max(1, math.ceil(months / span))
    unit_word = {"month": "month", "quarter": "quarter", "year": "year"}.get(period, "period")

    end_key = parse_period_label(end_label)
    pairs: list[tuple[str, Snapshot]] = []
    if end_key is not None:
        if end_key.kind == "month":
            lowest = end_key.shifted(-(wanted * span) + 1)
        else:
            lowest = end_key.shifted(-wanted + 1)
        for label, snapshot in zip(labels[: end_index + 1], snapshots[: end_index + 1]):
            key = parse_period_label(label)
            if key is not None and key.kind == end_key.kind and lowest.ordinal <= key.ordinal <= end_key.ordinal:
                pairs.append((label, snapshot))
    else:
        start = max(0, end_index - wanted + 1)
        pairs = list(zip(labels[start: end_index + 1], snapshots[start: end_index + 1]))
    return pairs, end_label, wanted, unit_word


def _plural(word: str, count: int) -> str:
    return word if count == 1 else word + "s"


def _window_label(months: int, wanted: int, unit_word: str) -> str:
    if unit_word == "month":
        return f"trailing {months}-month"
    return f"trailing {months}-month ({wanted} {_plural(unit_word, wanted)})"


def _usage_note(used: Sequence[str], wanted: int, unit_word: str) -> str:
    if not used:
        return f"no {_plural(unit_word, wanted)} with the inputs in the window"
    span = used[0] if len(used) == 1 else f"{used[0]} to {used[-1]}"
    if len(used) >= wanted:
        return f"{len(used)} {_plural(unit_word, len(used))} used ({span})"
    return (f"only {len(used)} of {wanted} {_plural(unit_word, wanted)} available, "
            f"so the average uses what there is ({span})")


def trailing_clv(snapshots: Sequence[Snapshot], end: str | None = None, *,
                 months: int = 6) -> TrailingFigure:
    """Customer lifetime value on a trailing average of customer churn (as ChartMogul does).

    ``CLV = ARPA of the end period / mean monthly customer churn of the trailing window``.
    The window is the last ``months`` months ending with ``end`` (6 monthly, 2 quarterly
    periods...); periods without churn inputs are skipped, and when fewer periods are available
    the mean uses what there is and the note says so. (ChartMogul's own help text averages the
    six months *before* the current one; here the current period counts, so a single period
    already gives a figure.)
    """
    pairs, end_label, wanted, unit_word = _window(snapshots, end, months)
    label = f"Customer lifetime value ({_window_label(months, wanted, unit_word)})"
    method = (f"ARPA of {end_label} / mean monthly customer churn over the "
              f"{_window_label(months, wanted, unit_word)} window")
    end_snapshot = dict(pairs).get(end_label) or snapshots[period_labels(snapshots).index(end_label)]
    arpa = compute_kpi(KPIS_BY_ID["arpa"], end_snapshot)
    churn_values: list[tuple[str, float]] = []
    for period_label, snapshot in pairs:
        churn = compute_kpi(KPIS_BY_ID["customer_churn_rate"], snapshot)
        if churn.value is not None:
            churn_values.append((period_label, churn.value))
    used = tuple(p for p, _ in churn_values)
    note = _usage_note(used, wanted, unit_word)

    def figure(value: float | None, calculation: str | None = None,
               reason: str | None = None) -> TrailingFigure:
        return TrailingFigure("clv", label, value, "currency", end_label, months, wanted, used,
                              method, calculation, note, reason)

    if arpa.value is None:
        return figure(None, reason=f"ARPA of {end_label} is not computable: {arpa.reason}")
    if not churn_values:
        return figure(None, reason="no period in the window has customer churn inputs "
                                   "(churned customers and customers at start)")
    mean_churn = sum(v for _, v in churn_values) / len(churn_values)
    if mean_churn == 0:
        return figure(None, reason="no customer churned in the window, so lifetime (1 / churn) "
                                   "is unbounded")
    value = arpa.value / mean_churn
    churn_text = " + ".join(f"{v:.4g}" for _, v in churn_values)
    calculation = (f"ARPA {format_value(arpa.value, 'currency', end_snapshot.context.currency)} / "
                   f"mean monthly churn (({churn_text}) / {len(churn_values)} = {mean_churn:.4g}) = "
                   f"{format_value(value, 'currency', end_snapshot.context.currency)}")
    return figure(value, calculation)


def trailing_churn(snapshots: Sequence[Snapshot], end: str | None = None, *,
                   months: int = 6) -> TrailingFigure:
    """Mean monthly customer churn over the trailing window (the denominator of trailing CLV)."""
    pairs, end_label, wanted, unit_word = _window(snapshots, end, months)
    window = _window_label(months, wanted, unit_word)
    values = []
    for period_label, snapshot in pairs:
        churn = compute_kpi(KPIS_BY_ID["customer_churn_rate"], snapshot)
        if churn.value is not None:
            values.append((period_label, churn.value))
    used = tuple(p for p, _ in values)
    note = _usage_note(used, wanted, unit_word)
    label = f"Customer churn, monthly ({window} mean)"
    method = f"mean of the monthly customer churn rates over the {window} window"
    if not values:
        return TrailingFigure("customer_churn_rate", label, None, "fraction", end_label, months,
                              wanted, used, method, None, note,
                              "no period in the window has churned customers and customers at start")
    mean = sum(v for _, v in values) / len(values)
    calculation = f"({' + '.join(f'{v:.4g}' for _, v in values)}) / {len(values)} = {mean:.4g}"
    return TrailingFigure("customer_churn_rate", label, mean, "fraction", end_label, months,
                          wanted, used, method, calculation, note)


def conversion_rate_ids() -> tuple[str, ...]:
    """KPIs that are plain conversion rates (one count over another, no period)."""
    return tuple(
        spec.id for spec in KPIS
        if spec.unit == "fraction" and spec.period_kind is None
        and spec.stage in ("acquisition", "product_led") and len(spec.inputs) == 2
    )


def trailing_conversion_rates(snapshots: Sequence[Snapshot], end: str | None = None, *,
                              months: int = 3,
                              kpi_ids: Iterable[str] | None = None) -> list[TrailingFigure]:
    """Trailing ``months``-month conversion rates, pooled over the window.

    Each rate is ``sum of conversions / sum of entrants`` over the periods in the window that
    have both inputs: a weighted average, so a quiet month with few visitors does not count as
    much as a busy one. Rates with no period in the window having inputs are left out.
    """
    pairs, end_label, wanted, unit_word = _window(snapshots, end, months)
    window = _window_label(months, wanted, unit_word)
    out: list[TrailingFigure] = []
    for kpi_id in (kpi_ids if kpi_ids is not None else conversion_rate_ids()):
        spec = KPIS_BY_ID[kpi_id]
        numerator, denominator = spec.inputs
        used: list[str] = []
        top = bottom = 0.0
        for period_label, snapshot in pairs:
            num, den = snapshot.get(numerator), snapshot.get(denominator)
            if num is None or den is None:
                continue
            used.append(period_label)
            top += num
            bottom += den
        if not used:
            continue
        note = _usage_note(used, wanted, unit_word)
        label = f"{spec.label} ({window})"
        method = f"pooled over the {window} window: sum of {numerator} / sum of {denominator}"
        if bottom == 0:
            out.append(TrailingFigure(kpi_id, label, None, spec.unit, end_label, months, wanted,
                                      tuple(used), method, None, note,
                                      f"the sum of {denominator} in the window is zero"))
            continue
        value = top / bottom
        calculation = f"{top:,.10g} / {bottom:,.10g} = {value:.4g}"
        out.append(TrailingFigure(kpi_id, label, value, spec.unit, end_label, months, wanted,
                                  tuple(used), method, calculation, note))
    return out


def trailing_figures(snapshots: Sequence[Snapshot], end: str | None = None) -> list[TrailingFigure]:
    """Trailing 6-month CLV and churn, then trailing 3-month conversion rates (those with data)."""
    if not snapshots:
        return []
    figures = [trailing_clv(snapshots, end), trailing_churn(snapshots, end)]
    figures = [f for f in figures if f.value is not None or f.periods_used]
    return figures + trailing_conversion_rates(snapshots, end)


# --------------------------------------------------------------------------------------------
# benchmark band for trend charts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkBand:
    """The primary benchmark of a KPI, expressed in the KPI's own period.

    Attributes
    ----------
    kpi : the KPI id.
    benchmark : the catalogue row.
    low, median, high : the published figures converted to ``period`` (``None`` when not given).
    period : the period the figures are expressed in (the KPI's value period).
    conversion_note : what was done to the published figures, ``None`` when nothing.
    """

    kpi: str
    benchmark: Benchmark
    low: float | None
    median: float | None
    high: float | None
    period: str
    conversion_note: str | None = None

    @property
    def source_text(self) -> str:
        b = self.benchmark
        year = f", {b.year}" if b.year and str(b.year) not in b.source else ""
        return f"{b.source}{year}"

    def describe(self) -> str:
        """A one-line description for a chart subtitle."""
        b = self.benchmark
        text = f"Benchmark: {b.label} ({self.source_text}; status {b.status})"
        if self.conversion_note:
            text += f"; {self.conversion_note}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "kpi": self.kpi, "benchmark_id": self.benchmark.id, "label": self.benchmark.label,
            "statistic": self.benchmark.statistic, "low": self.low, "median": self.median,
            "high": self.high, "period": self.period, "published_period": self.benchmark.period,
            "source": self.benchmark.source, "year": self.benchmark.year,
            "status": self.benchmark.status, "conversion_note": self.conversion_note,
        })


def band_for(benchmark: Benchmark, kpi_id: str, period: str) -> BenchmarkBand | None:
    """Express ``benchmark`` in ``period`` (the KPI's value period); ``None`` if impossible."""
    spec = KPIS_BY_ID[kpi_id]
    if benchmark.unit != spec.unit:
        return None
    figures = (benchmark.low, benchmark.median, benchmark.high)
    note = None
    if spec.period_kind is not None and benchmark.period != period:
        try:
            converted = [None if f is None else convert(f, spec.period_kind, benchmark.period, period)[0]
                         for f in figures]
        except ConversionError:
            return None
        months_from, months_to = MONTHS_IN_PERIOD[benchmark.period], MONTHS_IN_PERIOD[period]
        formula = (f"1 - (1 - x)^({months_to}/{months_from})" if spec.period_kind == "churn"
                   else f"x^({months_to}/{months_from})")
        note = f"published per {benchmark.period}, shown per {period} by compounding ({formula})"
        figures = tuple(converted)  # type: ignore[assignment]
    low, median, high = figures
    if all(v is None or not math.isfinite(v) for v in figures):
        return None
    return BenchmarkBand(kpi_id, benchmark, low, median, high, period, note)


def benchmark_band(snapshots: Sequence[Snapshot], kpi_id: str,
                   catalogue: Sequence[Benchmark] | None = None) -> BenchmarkBand | None:
    """The primary benchmark of ``kpi_id`` for the latest period where the KPI has a value.

    The benchmark is the one :func:`funnel_core.benchmarks.compare.primary_comparison` picks for that
    period's context, converted to the KPI's own period (an annual churn figure becomes monthly
    by compounding). ``None`` when the KPI has no value or no comparable benchmark.
    """
    spec = KPIS_BY_ID[kpi_id]
    for snapshot in reversed(list(snapshots)):
        result = compute_kpi(spec, snapshot)
        if result.value is None:
            continue
        report = compare(snapshot, catalogue)
        primary = primary_comparison(report.get(kpi_id))
        if primary is None:
            return None
        return band_for(primary.benchmark, kpi_id, result.period)
    return None


# --------------------------------------------------------------------------------------------
# from the app's stored periods, and display tables
# --------------------------------------------------------------------------------------------


def snapshots_from_periods(periods: Mapping[str, Mapping[str, Any]],
                           context: Mapping[str, Any] | None = None) -> list[Snapshot]:
    """One snapshot per stored period (the app's ``{label: {field: value}}``), in order.

    Raises
    ------
    funnel_core.domain.model.SnapshotError
        When a stored value cannot be part of a snapshot (naming the field).
    """
    ctx = Context.from_mapping(context or {})
    out = []
    for label, values in periods.items():
        clean = {k: v for k, v in (values or {}).items() if v is not None}
        out.append(Snapshot(clean, ctx, label=str(label)))
    return out


def change_text(change: Change | None, unit: str, currency: str = DEFAULT_CURRENCY, *,
                verdict: bool = False) -> str:
    """``"+1.2 pp (+25.0 %)"`` for a change; ``"n/a"`` when there is none.

    Fractions change in percentage points (pp); other units in their own unit. With
    ``verdict=True`` the direction is added (``"better"``/``"worse"``) when the KPI has one.
    """
    if change is None:
        return "n/a"
    absolute = change.absolute
    sign = "+" if absolute > 0 else ("-" if absolute < 0 else "±")
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


#: Columns of :func:`trend_display_frame`.
TREND_DISPLAY_COLUMNS: tuple[str, ...] = (
    "Period", "Value", "Change vs previous period", "Previous period",
    "Change vs a year before", "A year before", "Best", "Note",
)


def trend_display_frame(trend: KpiTrend, currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """The per-period table of one KPI as text, ready to show (columns :data:`TREND_DISPLAY_COLUMNS`)."""
    rows = []
    for index, period in enumerate(trend.periods):
        value = trend.values[index]
        prev, year = trend.previous[index], trend.year_ago[index]
        best = ""
        if period == trend.best_period:
            best = "★ highest" if trend.higher_is_better is None else "★ best"
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
    periods = _periods_of(history)
    rows = []
    for kpi_id, trend in kpi_trends(history, computable_only=computable_only).items():
        row: dict[str, str] = {"KPI": trend.label}
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
            "Figure": figure.label,
            "Value": format_value(figure.value, figure.unit, currency) if figure.value is not None
            else "n/a",
            "Periods used": figure.note,
            "Calculation": figure.calculation or (figure.reason or ""),
            "How": figure.method,
        })
    return pd.DataFrame(rows, columns=["Figure", "Value", "Periods used", "Calculation", "How"])


def history_csv(history: pd.DataFrame) -> bytes:
    """The history as CSV (UTF-8, empty cells for missing values, never NaN)."""
    import csv
    import io

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


# --------------------------------------------------------------------------------------------
# cohorts: published retention benchmarks, older-cohort share, revenue inputs into periods
# --------------------------------------------------------------------------------------------

#: The canonical input fields a customer export can fill (see funnel_core.metrics.cohorts).
REVENUE_FIELDS: tuple[str, ...] = (
    "customers_start", "customers_churned", "new_customers", "mrr_start", "mrr_new",
    "mrr_expansion", "mrr_contraction", "mrr_churned",
)


@dataclass(frozen=True)
class RetentionBenchmark:
    """A published figure drawn on cohort retention curves.

    ``kind == "curve"``: a monthly customer churn figure turned into the share of a cohort
    still paying after ``k`` months, ``(1 - churn) ** k``; ``churn_low``/``churn_high`` are the
    monthly churn bounds (equal for a single figure; ``churn_low`` is ``None`` for an "at most"
    threshold). ``kind == "point"``: a retention figure at one month (``month``, ``value``).

    Attributes
    ----------
    id : a stable id (the catalogue id, or ``unmapped:...`` for a context-only figure).
    label : short text drawn next to the curve or point.
    source : who published it (and when).
    status : ``V``/``S``/``U`` when it comes from the catalogue, else ``None``.
    basis : what it measures, e.g. ``"paying customers (monthly churn)"`` or
        ``"users, not paying customers"``.
    note : how it was turned into retention (conversion, caveat).
    """

    id: str
    kind: str
    label: str
    source: str
    status: str | None
    basis: str
    note: str
    churn_low: float | None = None
    churn_high: float | None = None
    month: int | None = None
    value: float | None = None

    def curve(self, months: int) -> list[dict[str, Any]]:
        """Rows ``{months_since_start, value, lower, upper, label}`` for k = 0..``months``.

        ``value`` is the curve of the middle churn figure; ``lower``/``upper`` span a range
        (equal to ``value`` for a single figure). Empty for a point benchmark.
        """
        if self.kind != "curve" or self.churn_high is None:
            return []
        low = self.churn_low if self.churn_low is not None else self.churn_high
        high = self.churn_high
        middle = (low + high) / 2
        rows = []
        for k in range(0, max(1, months) + 1):
            rows.append({
                "months_since_start": k,
                "value": (1 - middle) ** k,
                "lower": (1 - high) ** k,
                "upper": (1 - low) ** k,
                "label": self.label,
            })
        return rows

    def as_point(self) -> dict[str, Any] | None:
        """``{"label", "month", "value", "source", "basis"}`` for
        :func:`cohort_charts.retention_curves`, which draws it as a marker at ``month`` only
        (a figure for one month is not a level that holds at every month)."""
        if self.kind != "point" or self.value is None or self.month is None:
            return None
        return {"label": self.label, "month": self.month, "value": self.value,
                "source": self.source, "basis": self.basis}

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "id": self.id, "kind": self.kind, "label": self.label, "source": self.source,
            "status": self.status, "basis": self.basis, "note": self.note,
            "churn_low": self.churn_low, "churn_high": self.churn_high, "month": self.month,
            "value": self.value,
        })


def _pct(value: float) -> str:
    return format_value(value, "fraction")


def _specificity(b: Benchmark) -> int:
    return sum(1 for dim in (b.acv_band, b.trial_type, b.motion, b.product_category)
               if dim != ("any",))


def _churn_curves(context: Mapping[str, Any], catalogue: Sequence[Benchmark]) -> list[RetentionBenchmark]:
    selectors = {k: context.get(k) for k in ("acv_band", "trial_type", "motion", "product_category")}
    said = any(v not in (None, "", "any") for v in selectors.values())
    status_rank = {"V": 0, "S": 1, "U": 2}
    candidates = [(i, b) for i, b in enumerate(catalogue)
                  if b.kpi == "customer_churn_rate" and b.matches(selectors)]
    # segment-specific first when the user said their segment, broad figures first otherwise
    candidates.sort(key=lambda ib: ((-1 if said else 1) * _specificity(ib[1]),
                                    status_rank.get(ib[1].status, 3), -(ib[1].year or 0), ib[0]))
    out: list[RetentionBenchmark] = []
    for _, b in candidates:
        band = band_for(b, "customer_churn_rate", "month")
        if band is None:
            continue
        low, median, high = band.low, band.median, band.high
        if low is not None and high is not None:
            churn_low, churn_high = low, high
            figure = f"{_pct(low)}-{_pct(high)}"
        elif median is not None:
            churn_low = churn_high = median
            figure = _pct(median)
        elif high is not None:
            churn_low, churn_high = None, high
            figure = f"at most {_pct(high)}"
        else:
            continue  # "at least x % churn" says nothing about good retention
        if not (0 <= (churn_low if churn_low is not None else 0) <= 1 and 0 <= churn_high <= 1):
            continue
        note = "retention after k months = (1 - monthly churn)^k"
        if band.conversion_note:
            note = f"{band.conversion_note}; {note}"
        year = f", {b.year}" if b.year and str(b.year) not in b.source else ""
        out.append(RetentionBenchmark(
            id=b.id, kind="curve",
            label=f"{b.label}: {figure} monthly churn",
            source=f"{b.source}{year}", status=b.status,
            basis=f"paying customers ({b.segment})", note=note,
            churn_low=churn_low, churn_high=churn_high,
        ))
    return out


_USERPILOT_MONTH1 = re.compile(
    r"Month-1 user retention:\s*([\d.]+)\s*%[^(]*\(([^)]*)\)", re.IGNORECASE)
_SIX_MONTH = re.compile(
    r"6-month user retention, good / great:\s*SMB & mid-market\s*([\d.]+)\s*/\s*([\d.]+)\s*%,"
    r"\s*enterprise\s*([\d.]+)\s*/\s*([\d.]+)\s*%\s*\(([^)]*)\)", re.IGNORECASE)


#: What the user-retention figures measure; part of their label, so it is never lost.
_USERS = "users, not paying customers"


def _unmapped_points(context: Mapping[str, Any], texts: Sequence[str]) -> list[RetentionBenchmark]:
    """Retention points quoted in the catalogue's context-only figures (only those present)."""
    out: list[RetentionBenchmark] = []
    caveat = "user retention, not paying customers: shown for context only"
    for text in texts:
        match = _USERPILOT_MONTH1.search(text)
        if match:
            value = float(match.group(1)) / 100
            out.append(RetentionBenchmark(
                id="unmapped:userpilot_month1_user_retention", kind="point",
                label=f"Month-1 user retention, average: {_pct(value)} ({_USERS})",
                source=match.group(2).strip(), status=None, basis=_USERS,
                note=caveat, month=1, value=value))
        match = _SIX_MONTH.search(text)
        if match:
            enterprise = context.get("acv_band") == "enterprise"
            good, great = (match.group(3), match.group(4)) if enterprise else (match.group(1), match.group(2))
            segment = "enterprise" if enterprise else "SMB & mid-market"
            source = match.group(5).strip()
            for word, raw in (("good", good), ("great", great)):
                value = float(raw) / 100
                out.append(RetentionBenchmark(
                    id=f"unmapped:six_month_user_retention_{word}", kind="point",
                    label=f"6-month user retention, {word} ({segment}): {_pct(value)} "
                          f"({_USERS})",
                    source=source, status=None, basis=_USERS,
                    note=caveat, month=6, value=value))
    return out


def retention_benchmarks(context: Mapping[str, Any] | None = None,
                         catalogue: Sequence[Benchmark] | None = None,
                         unmapped: Sequence[str] | None = None) -> list[RetentionBenchmark]:
    """Published figures that can be drawn on cohort (logo) retention curves.

    Built only from what the catalogue holds, never invented:

    - every monthly customer churn figure matching ``context`` (annual ones converted to
      monthly by compounding) as a curve ``(1 - churn)^k``; segment-specific figures first
      when the context names a segment, broad ones first otherwise;
    - retention figures quoted in :data:`funnel_core.benchmarks.catalogue.UNMAPPED_FIGURES` (Userpilot
      month-1 user retention, Rachitsky & Winters 6-month user retention), when present, as
      points: one figure at one month (months since start, month 0 = the start month), drawn
      as a marker at that month only; their label says they measure users, not paying
      customers.
    """
    from funnel_core.benchmarks.catalogue import UNMAPPED_FIGURES, load_catalogue

    context = dict(context or {})
    if catalogue is None:
        catalogue = load_catalogue()
    texts = UNMAPPED_FIGURES if unmapped is None else unmapped
    return _churn_curves(context, catalogue) + _unmapped_points(context, texts)


def default_retention_benchmarks(benchmarks: Sequence[RetentionBenchmark]) -> list[str]:
    """Ids drawn by default: the first churn curve and the first point figure."""
    out: list[str] = []
    for kind in ("curve", "point"):
        for b in benchmarks:
            if b.kind == kind:
                out.append(b.id)
                break
    return out


@dataclass(frozen=True)
class OlderCohortShare:
    """Share of the latest month's MRR that comes from cohorts at least ``min_age`` months old."""

    share: float | None
    min_age: int
    latest_month: str
    cutoff_cohort: str | None

    def describe(self) -> str:
        if self.share is None:
            return f"no MRR in {self.latest_month}"
        if self.min_age <= 1:
            return (f"{_pct(self.share)} of {self.latest_month} MRR comes from customers who "
                    "started before that month")
        return (f"{_pct(self.share)} of {self.latest_month} MRR comes from cohorts at least "
                f"{self.min_age} months old (started in {self.cutoff_cohort} or earlier)")


def older_cohort_share(result: Any, min_age: int | None = None) -> OlderCohortShare:
    """How much of the latest month's MRR comes from older cohorts.

    Parameters
    ----------
    result : a :class:`funnel_core.metrics.cohorts.CohortResult`.
    min_age : cohorts started at least this many months before the latest month count as
        older. Default: 12 when the data spans more than 12 months, else 6 when it spans more
        than 6, else 1 (every cohort before the latest month).
    """
    share_by_cohort = result.latest_mrr_share
    months = list(result.mrr_by_cohort_over_time.index)
    latest = months[-1]
    span = len(months)
    if min_age is None:
        min_age = 12 if span > 12 else (6 if span > 6 else 1)
    cutoff = latest - min_age
    total = 0.0
    seen = False
    for cohort, share in share_by_cohort.items():
        if share is None or (isinstance(share, float) and not math.isfinite(share)):
            continue
        seen = True
        if cohort <= cutoff:
            total += float(share)
    return OlderCohortShare(total if seen else None, min_age, str(latest), str(cutoff))


def merge_revenue_inputs(periods: Mapping[str, Mapping[str, float]], inputs: Mapping[str, Any],
                         target: str | None = None) -> tuple[dict[str, dict[str, float]], str]:
    """Put a month's revenue inputs from a customer export into the stored periods.

    Only the revenue fields (:data:`REVENUE_FIELDS`) of ``target`` are overwritten; every other
    field of every period stays (funnel numbers are not wiped). ``target`` defaults to the
    stored period whose label means the same month as ``inputs["month"]``, else a new period
    labelled with that month. A new period is placed in date order when every label is a date.

    Returns
    -------
    (periods, target label)

    Reactivated customers and their MRR have no field of their own in the comparison, so they are
    counted with new customers and new MRR: then MRR at start + new + expansion - contraction -
    churned equals the export's MRR at the end of the month.
    """
    month = str(inputs.get("month") or "")
    values = {k: float(inputs[k]) for k in REVENUE_FIELDS if inputs.get(k) is not None}
    for field, extra in (("new_customers", "reactivated_customers"), ("mrr_new", "mrr_reactivation")):
        if field in values and inputs.get(extra):
            values[field] += float(inputs[extra])
    if target is None:
        target = matching_period(periods, month) or month
    out = {label: dict(v) for label, v in periods.items()}
    merged = dict(out.get(target, {}))
    merged.update(values)
    is_new = target not in out
    out[target] = merged
    if is_new:
        keys = {label: parse_period_label(label) for label in out}
        if all(k is not None for k in keys.values()) and len({k.kind for k in keys.values()}) == 1:
            out = dict(sorted(out.items(), key=lambda item: keys[item[0]].ordinal))  # type: ignore[union-attr]
    return out, target


def matching_period(periods: Mapping[str, Any], month: str) -> str | None:
    """The stored period label that means calendar month ``month`` (``"2025-06"``), if any."""
    wanted = parse_period_label(month)
    if wanted is None:
        return None
    for label in periods:
        if label == month or parse_period_label(label) == wanted:
            return label
    return None

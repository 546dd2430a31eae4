"""Your history: every KPI for every stored period, as one tidy table.

Rather than chase one universal number, compare each period with your own earlier ones. This
module turns a chronological sequence of :class:`~funnel_core.domain.model.Snapshot` (one per
month, quarter or year) into that table (:func:`kpi_history`); the trend of each KPI across it
(best period, changes) is :mod:`funnel_core.metrics.kpi_trends`, the smoothed figures are
:mod:`funnel_core.metrics.trailing`.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.domain.json_safe import sanitize
from funnel_core.domain.model import Context, Snapshot
from funnel_core.metrics.kpis import KPIS, compute_kpi
from funnel_core.metrics.year_ago import fill_arr_year_ago

__all__ = [
    "HISTORY_COLUMNS",
    "clean_value",
    "history_periods",
    "history_records",
    "kpi_history",
    "period_labels",
    "snapshots_from_periods",
]


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


def period_labels(snapshots: Sequence[Snapshot]) -> list[str]:
    """The label of each snapshot (``Period 1``, ``Period 2``... when a snapshot has none)."""
    labels: list[str] = []
    for position, snapshot in enumerate(snapshots, start=1):
        label = snapshot.label if snapshot.label not in (None, "") else tr("Period {n}", n=position)
        label = str(label)
        if label in labels:  # keep labels unique so they can key tables and charts
            label = f"{label} ({position})"
        labels.append(label)
    return labels



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
        ``attrs["filled"]`` maps a period's label to a note when its ARR a year ago (for ARR
        growth and the Rule of 40) was taken from the stored period twelve months earlier
        (:func:`funnel_core.metrics.year_ago.fill_arr_year_ago`).
    """
    snapshots, filled = fill_arr_year_ago(snapshots)
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
    frame.attrs["filled"] = {label: filled[str(s.label)] for label, s in zip(labels, snapshots)
                             if str(s.label) in filled}
    return frame


def history_records(history: pd.DataFrame) -> list[dict[str, Any]]:
    """The history as JSON-safe records (``None`` for missing values, never NaN)."""
    records = []
    for row in history.to_dict(orient="records"):
        records.append({k: clean_value(v) for k, v in row.items()})
    return sanitize(records)


def clean_value(value: Any) -> Any:
    """``value`` as a plain Python value: ``None`` for NaN, infinity and missing; numpy scalars unwrapped."""
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


def history_periods(history: pd.DataFrame) -> list[str]:
    """The period labels of a :func:`kpi_history` table, chronological."""
    periods = history.attrs.get("periods")
    if periods:
        return list(periods)
    ordered = history.sort_values("position")["period"].tolist()
    return list(dict.fromkeys(ordered))

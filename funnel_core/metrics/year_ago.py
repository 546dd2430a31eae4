"""ARR a year ago from your own history, when the period twelve months earlier is stored.

ARR growth (year over year) needs ARR twelve months before the end of the period
(``arr_year_ago``). When it is not given but the periods you stored include the one a year
earlier (``2024-06`` for ``2025-06``, ``2024-Q2`` for ``2025-Q2``, ``2024`` for ``2025``; labels read
by :func:`funnel_core.inputs.period_keys.parse_period_label`), that period's ARR (its MRR at end
x 12, the same formula as everywhere) is used, and a note says so. A value you gave is never
replaced; a period whose label cannot be read, or whose MRR at end is not computable, fills
nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import tr
from funnel_core.domain.model import Snapshot
from funnel_core.inputs.period_keys import parse_period_label, year_back
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi

__all__ = ["fill_arr_year_ago", "fill_from_history"]


def _arr(snapshot: Snapshot) -> float | None:
    """ARR (MRR at end x 12) of a stored period, ``None`` when not computable."""
    return compute_kpi(KPIS_BY_ID["arr"], snapshot).value


def fill_arr_year_ago(snapshots: Sequence[Snapshot]) -> tuple[list[Snapshot], dict[str, str]]:
    """Every snapshot, with ``arr_year_ago`` filled from the period a year earlier where possible.

    Parameters
    ----------
    snapshots : the stored periods (any order), each with its ``label``.

    Returns
    -------
    (snapshots, notes)
        The snapshots in the same order (unchanged where nothing was filled) and, for each
        filled period's label, a note naming the period the ARR came from, e.g. ``"ARR a year
        ago taken from your period 2024-06: $1,200,000 (its MRR at end x 12)"``.
    """
    by_key = {}
    for snapshot in snapshots:
        key = parse_period_label(snapshot.label)
        if key is not None:
            by_key.setdefault(key, snapshot)
    out: list[Snapshot] = []
    notes: dict[str, str] = {}
    for snapshot in snapshots:
        key = parse_period_label(snapshot.label)
        earlier = by_key.get(year_back(key)) if key is not None else None
        arr = _arr(earlier) if earlier is not None else None
        if snapshot.get("arr_year_ago") is not None or earlier is None or arr is None or arr <= 0:
            out.append(snapshot)
            continue
        out.append(snapshot.with_values(arr_year_ago=arr))
        money = format_value(arr, "currency", snapshot.context.currency)
        notes[str(snapshot.label)] = tr("ARR a year ago taken from your period {period}: {money} (its MRR "
                                        "at end x 12)", period=earlier.label, money=money)
    return out, notes


def fill_from_history(snapshot: Snapshot, history: Sequence[Snapshot]) -> tuple[Snapshot, str | None]:
    """One snapshot with ``arr_year_ago`` filled from ``history`` (the other stored periods).

    Returns the snapshot (unchanged when nothing was filled) and the note, or ``None``.
    """
    others = [s for s in history if s.label != snapshot.label]
    filled, notes = fill_arr_year_ago([snapshot, *others])
    return filled[0], notes.get(str(snapshot.label))

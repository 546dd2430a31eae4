"""From parsed files to snapshots: the glue between :mod:`parsing` and the KPI engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from funnel_core.domain.constants import FIELDS_BY_NAME
from funnel_core.domain.i18n import tr
from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.inputs.issues import InputError, ParsedInput, ParseIssue
from funnel_core.inputs.parsing import parse_file


def context_from(parsed: ParsedInput, overrides: Mapping[str, Any] | None = None) -> Context:
    """The context found in the file, with ``overrides`` (command-line flags, page selectors) on top."""
    merged: dict[str, Any] = dict(parsed.context)
    for key, value in (overrides or {}).items():
        if value not in (None, ""):
            merged[key] = value
    return Context.from_mapping(merged)


def snapshot_from(parsed: ParsedInput, period: str | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Snapshot:
    """The snapshot of one period of ``parsed`` (the latest when ``period`` is ``None``).

    Raises
    ------
    InputError
        If the period does not exist or a value cannot be part of a snapshot.
    """
    label = period or parsed.latest_period
    if label not in parsed.values:
        raise InputError(ParseIssue("error", tr("period {period} is not in the data; periods found: "
                                                "{periods}", period=repr(label),
                                                periods=", ".join(parsed.periods)),
                                    file=parsed.source_name))
    try:
        context = context_from(parsed, overrides)
        values = {k: v for k, v in parsed.values[label].items() if k in FIELDS_BY_NAME}
        # a long file names its one period only through a "period" (or our "period_label") row
        unnamed = parsed.layout == "long" and label == "current"
        return Snapshot(values, context, label=None if unnamed else label)
    except SnapshotError as exc:
        column = exc.field
        raise InputError(ParseIssue("error", str(exc), file=parsed.source_name, column=column)) from None


def snapshots_from(parsed: ParsedInput, overrides: Mapping[str, Any] | None = None) -> list[Snapshot]:
    """One snapshot per period, in chronological order."""
    return [snapshot_from(parsed, label, overrides) for label in parsed.periods]


def load_snapshot(path: str | Path, *, period: str | None = None, number_format: str = "auto",
                  sheet: str | None = None,
                  overrides: Mapping[str, Any] | None = None) -> tuple[Snapshot, ParsedInput]:
    """Read a CSV/XLSX file and return the snapshot of its latest (or chosen) period."""
    parsed = parse_file(path, sheet=sheet, number_convention=number_format)
    return snapshot_from(parsed, period, overrides), parsed

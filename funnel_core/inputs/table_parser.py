"""From a table of strings to funnel numbers: pick the layout, read it, check the numbers.

Two layouts are recognised automatically:

long
    one metric per row: ``metric, value`` (an optional header row such as
    ``metric,value`` and extra columns are ignored). Context such as ``currency`` or
    ``period`` may appear as rows too. A header row whose cells are period labels
    (``metric, 2025-01, 2025-02``) gives one period per column
    (:mod:`funnel_core.inputs.long_layout`).
wide
    a header row of metrics and one row per period, with a period column
    (``period``, ``month``, ``Monat``, ``date`` ...). The latest period is the one compared
    (:mod:`funnel_core.inputs.wide_layout`).

Bad cells never stop the import: they are skipped and reported as
:class:`~funnel_core.inputs.issues.ParseIssue` with the row and column the user sees in a
spreadsheet (header = row 1). Only a problem with the whole table (empty, no metric
recognised, a mapping to an unknown field) raises
:class:`~funnel_core.inputs.issues.InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd

from funnel_core.domain.i18n import mark, tr
from funnel_core.inputs.context_cells import finish_context
from funnel_core.inputs.issues import InputError, ParsedInput
from funnel_core.inputs.long_layout import collect_long
from funnel_core.inputs.number_cells import decide_convention, read_numbers
from funnel_core.inputs.number_conventions import normalise_convention
from funnel_core.inputs.parse_state import (
    CellGrid,
    NumberCell,
    ParseState,
    check_mapping,
    unique_in_order,
)
from funnel_core.inputs.wide_layout import collect_wide

__all__ = ["TEMPLATE_HINT", "parse_table"]

#: Shown when nothing is recognised (in English: show it with ``tr(TEMPLATE_HINT)``).
TEMPLATE_HINT = mark(
    "Use the input template (one metric per row: 'metric,value', or one column per metric "
    "with a 'period' column), with names such as visitors, leads, mqls, sqls, new_customers, "
    "mrr_start, or map your columns to fields by hand."
)


def parse_table(
    raw: pd.DataFrame,
    *,
    source_name: str,
    number_convention: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
    currency: str | None = None,
) -> ParsedInput:
    """Read funnel numbers from a raw table (as returned by :func:`read_raw_table`).

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as strings (numbers are accepted too), no header inferred. A frame whose
        column labels are not positions is read with its column labels as the header row.
    source_name : str
        Shown in messages (file name or ``"pasted text"``).
    number_convention : {"auto", "en", "de"}
        ``auto`` detects it from the cells that hold numbers (see
        :func:`funnel_core.inputs.number_format_detect.analyse_convention`). When no cell decides and some are
        ambiguous (``1.234``), the language of the recognised names decides (German, French
        or Polish names -> ``de``, English names -> ``en``), then the currency (the file's,
        else ``currency``); only when nothing decides is English used, with one warning for
        the whole file. Numeric workbook cells are exact and never ambiguous.
    mapping : dict, optional
        Source column header / metric name -> canonical field (or context key), or None to
        ignore it. Overrides automatic recognition. Keys match exactly or after
        normalisation (case, spaces, punctuation, accents).
    currency : str, optional
        The currency the caller knows the numbers are in (the app's currency selector). When
        neither the numbers, the names nor the file's own currency decide the number format,
        USD or GBP reads ``42,000`` as forty-two thousand without a warning.

    Returns
    -------
    ParsedInput

    Raises
    ------
    InputError
        Empty table, a mapping to an unknown field, or no metric recognised at all (the
        message lists the headers seen and points to the template).

    Notes
    -----
    Bad cells are skipped and reported in ``issues`` with their row and column: text that
    is not a number, negative values, NaN/inf, a percentage in a count or money field, a
    gross margin above 100 %. Unknown context values (``trial_type: sometimes``) are
    errors too; an unknown product category becomes ``other`` with a warning. Warnings
    cover duplicates (the last one wins), bare gross margins (``80`` -> 0.8), ambiguous
    numbers, unit headers (``Spend (k€)`` x 1000), total rows and empty periods (ignored)
    and unrecognised names.
    """
    try:
        conv = normalise_convention(number_convention)
    except ValueError as exc:
        raise InputError(str(exc), file=source_name) from None
    state = ParseState(source_name, check_mapping(mapping, source_name), currency_hint=currency)
    grid = CellGrid(raw)
    if grid.n_rows == 0:
        raise InputError(tr("'{file}' has no cells filled in.", file=source_name), file=source_name)

    layout = _detect_layout(grid, state)
    if layout == "long":
        periods, cells, period_meta = collect_long(grid, state)
        if period_meta.get("multi") and len(periods) > 1:
            layout = "wide"  # metrics in rows, one column per period: several periods
    else:
        periods, cells, period_meta = collect_wide(grid, state)

    state.convention = decide_convention(conv, cells, state)
    values: dict[str, dict[str, float]] = {p: {} for p in periods}
    read_numbers(cells, values, state)
    finish_context(state, cells, period_meta)
    _report_unknown(state, layout)

    if layout == "wide":
        periods = _drop_empty_periods(periods, values, cells, period_meta.get("rows", {}), state)
    latest = periods[-1] if periods else "current"
    return ParsedInput(
        layout=layout,
        periods=periods,
        values=values,
        context=dict(state.context),
        latest_period=latest,
        unknown=list(state.unknown),
        mapping=dict(state.mapping),
        issues=state.issues,
        number_convention=state.convention,
        source_name=source_name,
    )


def _detect_layout(grid: CellGrid, state: ParseState) -> Literal["long", "wide"]:
    """Tell whether the names are in the first column (long) or the first row (wide).

    The side with more recognised names, relative to its filled cells, wins; a two-column
    table with a tie is long.

    Raises
    ------
    InputError
        No funnel metric is recognised in either; the message lists the names seen.
    """
    header = grid.cells[0]
    first_col = [grid.cell(r, 0) for r in range(grid.n_rows)]

    def score(texts: list[str]) -> tuple[int, int, int]:
        texts = [t for t in texts if t]
        roles = [state.role(t) for t in texts]
        fields = sum(1 for r in roles if r.kind == "field")
        known = sum(1 for r in roles if r.kind in ("field", "context", "ignored"))
        return fields, known, len(texts)

    long_fields, long_known, long_n = score(first_col)
    wide_fields, wide_known, wide_n = score(header)
    if long_fields == 0 and wide_fields == 0:
        seen = unique_in_order([t for t in header if t] + [t for t in first_col[1:] if t])
        shown = ", ".join(f"'{t}'" for t in seen[:20]) + (" ..." if len(seen) > 20 else "")
        raise InputError(
            tr("No funnel metric was recognised. Headers and names seen: "
               "{names}. {hint}", names=shown or tr("(none)"), hint=tr(TEMPLATE_HINT)),
            file=state.source,
        )
    long_ratio = long_known / long_n if long_n else 0.0
    wide_ratio = wide_known / wide_n if wide_n else 0.0
    if grid.n_cols < 2:
        if wide_fields and grid.n_rows >= 2:
            return "wide"
        return "long"
    if long_fields and (long_ratio > wide_ratio or (long_ratio == wide_ratio and grid.n_cols == 2)):
        return "long"
    if wide_fields:
        return "wide"
    return "long"


def _report_unknown(state: ParseState, layout: str) -> None:
    """One warning listing the names not recognised and where they are."""
    if not state.unknown:
        return
    listed = ", ".join(f"'{u}' ({w})" for u, w in zip(state.unknown, state.unknown_where))
    if layout == "long":
        message = tr("Metric names not recognised, so ignored: {names}. If one of them holds a "
                     "funnel number, map it to a field; map it to 'ignore' to silence this "
                     "warning.", names=listed)
    else:
        message = tr("Column headers not recognised, so ignored: {names}. If one of them holds a "
                     "funnel number, map it to a field; map it to 'ignore' to silence this "
                     "warning.", names=listed)
    state.add("warning", message)


def _drop_empty_periods(periods: list[str], values: dict[str, dict[str, float]],
                        cells: list[tuple[str, NumberCell]], rows: Mapping[str, int],
                        state: ParseState) -> list[str]:
    """Drop periods without any number and without any text (empty future months).

    They are removed from ``values`` too, with a warning naming their rows; when every
    period is empty, all are kept.
    """
    with_text = {p for p, cell in cells if cell.text}
    empty = [p for p in periods if not values[p] and p not in with_text]
    if not empty or len(empty) >= len(periods):
        return periods
    listed = ", ".join(tr("'{period}' (row {row})", period=p, row=rows[p]) if p in rows
                       else f"'{p}'" for p in empty)
    state.add("warning", tr("Periods without any number were ignored: {periods}.", periods=listed))
    for p in empty:
        values.pop(p, None)
    return [p for p in periods if p not in empty]

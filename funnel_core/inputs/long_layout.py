"""The long layout: one metric per row, its value in the next column.

::

    metric,value            metric,2025-01,2025-02
    visitors,12000          visitors,11000,12000
    currency,EUR            leads,300,320

An optional header row (``metric,value``, or period labels giving one period per column) is
recognised and extra columns are ignored. Context such as ``currency`` or ``period`` may
appear as rows; a ``period`` row holding a label (``2025-03``) names the single period.
:func:`collect_long` turns the grid into cells still to be read as numbers, with their
period, and reports rows it cannot use.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from funnel_core.domain.i18n import tr
from funnel_core.inputs.context_cells import set_context
from funnel_core.inputs.headers import field_label, header_multiplier, match_value_header
from funnel_core.inputs.name_keys import normalise_text
from funnel_core.inputs.number_parse import parse_number_detail
from funnel_core.inputs.number_text import NumberError
from funnel_core.inputs.parse_state import (
    CellGrid,
    NameRole,
    NumberCell,
    ParseState,
    column_name,
    sort_periods,
    unique_in_order,
)
from funnel_core.inputs.period_labels import parse_period_label

__all__ = ["collect_long", "is_long_header_word"]

#: First-column headers of a long table ("metric | value", "Kennzahl | Wert").
_LONG_HEADER_WORDS: frozenset[str] = frozenset(normalise_text(w) for w in (
    "metric", "metrics", "kpi", "kpis", "name", "field", "fields", "measure", "item", "key",
    "parameter", "indicator", "line item", "kennzahl", "kennzahlen", "metrik", "position",
    "bezeichnung", "indicateur", "metrique", "libelle", "wskaznik", "metryka", "nazwa",
    "pozycja", "description", "label",
))


def is_long_header_word(text: str) -> bool:
    """Whether ``text`` is read as the first header of a long table (``metric``, ``Kennzahl``)."""
    return normalise_text(text) in _LONG_HEADER_WORDS


@dataclass
class _ValueColumns:
    """Where the values of a long table are.

    ``headers`` are the header row's texts (``""`` for each column when there is none);
    ``columns`` are (column index, period label) pairs; ``multi`` is True when there is one
    column per period.
    """

    headers: list[str]
    columns: list[tuple[int, str]]
    multi: bool


def collect_long(grid: CellGrid, state: ParseState) -> tuple[list[str], list[tuple[str, NumberCell]], dict]:
    """Read a long table into cells to be read as numbers.

    Parameters
    ----------
    grid : CellGrid
        The table, names in the first column.
    state : ParseState
        Receives the mapping, the context rows and the issues (rows without a name,
        unrecognised names, duplicates, period columns given twice).

    Returns
    -------
    periods : list of str
        Chronological period labels: one per period column; else the label of a ``period``
        row, else ``["current"]``.
    cells : list of (period, NumberCell)
        One cell per metric row and value column, in file order.
    meta : dict
        ``labels`` (period label -> PeriodLabel), ``header_hint`` (None) and, with period
        columns, ``multi`` (True) and ``rows`` (empty).
    """
    header_row = _has_header_row(grid, state)
    headers = grid.cells[0] if header_row else [""] * grid.n_cols
    value_cols = _value_columns(grid, headers, header_row, state)
    cells, period_label = _read_rows(grid, state, value_cols, start=1 if header_row else 0)
    if value_cols.multi:
        periods = unique_in_order(lbl for _, lbl in value_cols.columns)
        labels = {lbl: parse_period_label(lbl) for lbl in periods}
        periods = sort_periods(periods, labels, state, where="columns")
        return periods, cells, {"labels": labels, "header_hint": None, "multi": True, "rows": {}}
    if period_label is not None:
        return [period_label], [(period_label, cell) for _, cell in cells], \
            {"labels": {}, "header_hint": None}
    return ["current"], cells, {"labels": {}, "header_hint": None}


def _has_header_row(grid: CellGrid, state: ParseState) -> bool:
    """Whether the first row is a header (``metric | value``, period labels) and not a metric."""
    first = grid.cells[0]
    first_role = state.role(first[0]) if first[0] else NameRole("unknown")
    if first_role.kind in ("field", "context"):
        return False
    others = [c for c in first[1:] if c]
    if not first[0] or normalise_text(first[0]) in _LONG_HEADER_WORDS:
        return True
    if any(match_value_header(c) or parse_period_label(c) for c in others):
        return True
    return bool(others) and not any(_looks_numeric(c) for c in others)


def _value_columns(grid: CellGrid, headers: list[str], header_row: bool,
                   state: ParseState) -> _ValueColumns:
    """Which columns hold values, and for which period."""
    period_cols: list[tuple[int, str]] = []
    if header_row:
        for c in range(1, grid.n_cols):
            label = headers[c]
            if label and parse_period_label(label) and not match_value_header(label):
                period_cols.append((c, label))
    multi = len(period_cols) >= 1 and not any(match_value_header(h) for h in headers[1:])
    if multi:
        dup = [lbl for lbl in unique_in_order(lbl for _, lbl in period_cols)
               if sum(1 for _, x in period_cols if x == lbl) > 1]
        for lbl in dup:
            state.add("warning", tr("The period '{period}' appears in more than one column; "
                                    "the last one is used.", period=lbl))
        return _ValueColumns(headers, period_cols, True)
    value_col = next((c for c in range(1, grid.n_cols) if match_value_header(headers[c])), 1)
    return _ValueColumns(headers, [(value_col, "current")], False)


def _read_rows(grid: CellGrid, state: ParseState, cols: _ValueColumns,
               start: int) -> tuple[list[tuple[str, NumberCell]], str | None]:
    """The metric rows' cells, and the period label a ``period`` row gives (the last one)."""
    cells: list[tuple[str, NumberCell]] = []
    seen_fields: dict[tuple[str, str], int] = {}
    period_label: str | None = None
    for r in range(start, grid.n_rows):
        name = grid.cell(r, 0)
        role = _row_role(grid, state, cols, r, name)
        if role is None:
            continue
        state.mapping[name] = role.target
        if role.kind == "context":
            text = next((grid.cell(r, c) for c, _ in cols.columns if grid.cell(r, c)), "")
            col_name = column_name(grid, cols.headers, cols.columns[0][0])
            label = set_context(state, role.target or "", text, name, grid.row_numbers[r], col_name)
            if label is not None:
                period_label = label
            continue
        cells += _metric_cells(grid, state, cols, r, role.target or "", seen_fields)
    return cells, period_label


def _row_role(grid: CellGrid, state: ParseState, cols: _ValueColumns, r: int,
              name: str) -> NameRole | None:
    """The role of row ``r``'s name; None (after reporting it) when the row is not read."""
    row_no = grid.row_numbers[r]
    if not name:
        if any(grid.cell(r, c) for c, _ in cols.columns):
            state.add("warning", tr("This row has a value but no metric name; it was ignored. "
                                    "Write the metric's name in the first column."), row_no,
                      column_name(grid, cols.headers, 0))
        return None
    role = state.role(name)
    if role.kind == "ignored":
        state.mapping[name] = None
        return None
    if role.kind == "unknown":
        if any(grid.cell(r, c) for c, _ in cols.columns):  # a section title drops nothing
            state.note_unknown(name, tr("row {row}", row=row_no))
            state.extra_samples += [grid.cell(r, c) for c, _ in cols.columns if grid.cell(r, c)]
        return None
    return role


def _metric_cells(grid: CellGrid, state: ParseState, cols: _ValueColumns, r: int, fld: str,
                  seen_fields: dict[tuple[str, str], int]) -> list[tuple[str, NumberCell]]:
    """The value cells of metric row ``r``; warns when a field repeats in a period."""
    row_no = grid.row_numbers[r]
    name = grid.cell(r, 0)
    out: list[tuple[str, NumberCell]] = []
    for c, period in cols.columns:
        text = grid.cell(r, c)
        number = grid.number(r, c)
        col_name = column_name(grid, cols.headers, c)
        if not cols.multi and c + 1 < grid.n_cols and not cols.headers[c + 1]:
            text = _join_split_thousands(grid, r, c, state, row_no, col_name)
        key = (period, fld)
        if text and key in seen_fields:
            state.add("warning",
                      tr("{field} appears more than once (rows {first} and "
                         "{row}); the last one (row {row}) is used.", field=field_label(fld),
                         first=seen_fields[key], row=row_no), row_no, col_name)
        if text:
            seen_fields[key] = row_no
        out.append((period, NumberCell(text, number, row_no, col_name, fld, header_multiplier(name))))
    return out


def _looks_numeric(text: str) -> bool:
    try:
        value = parse_number_detail(text, "en").value
    except NumberError:
        return False
    return not math.isnan(value)


def _join_split_thousands(grid: CellGrid, r: int, c: int, state: ParseState, row_no: int,
                          col_name: str) -> str:
    """Undo 'visitors,1,234' split by an unquoted comma: cells '1' + '234' -> '1,234'."""
    text = grid.cell(r, c)
    if not re.fullmatch(r"[-(]?[$€£]?\d{1,3}", text):
        return text
    parts = [text]
    k = c + 1
    while k < grid.n_cols and re.fullmatch(r"\d{3}(?:\.\d+)?\)?%?", grid.cell(r, k)):
        parts.append(grid.cell(r, k))
        k += 1
        if "." in parts[-1]:
            break
    if len(parts) == 1:
        return text
    joined = "".join(parts)  # the commas were thousands separators: no separator left
    state.add("warning",
              tr("'{text}' and the following cell(s) {cells} were read "
                 "together as {joined}: the comma seems to be a thousands separator in an unquoted "
                 "CSV cell. Put such numbers in quotes or save the file with ';' as the separator.",
                 text=text, cells=", ".join(repr(p) for p in parts[1:]), joined=joined),
              row_no, col_name)
    return joined

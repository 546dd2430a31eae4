"""The wide layout: a header row of metrics and one row per period.

::

    month,visitors,leads,new_customers,currency
    2025-01,11000,300,12,EUR
    2025-02,12000,320,14,EUR

The period column is the one whose header says so (``period``, ``month``, ``Monat``,
``date`` ...; ``Year | Month`` in two columns are joined), else the first unrecognised column
whose cells read as period labels. Periods are sorted by date; total/average rows are
skipped; a period given twice keeps its last row; context columns take the latest period's
value. :func:`collect_wide` turns the grid into cells still to be read as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from funnel_core.domain.i18n import tr
from funnel_core.inputs.context_cells import set_context
from funnel_core.inputs.headers import field_label, header_multiplier, period_header_hint
from funnel_core.inputs.name_keys import normalise_text
from funnel_core.inputs.parse_state import (
    CellGrid,
    NameRole,
    NumberCell,
    ParseState,
    sort_periods,
    unique_in_order,
)
from funnel_core.inputs.period_labels import PeriodLabel, dayfirst_vote, parse_period_label

__all__ = ["collect_wide"]

#: Period-column texts of rows that sum or average the periods ("Total", "Summe", "Ø").
_TOTAL_WORDS: frozenset[str] = frozenset(normalise_text(w) for w in (
    "total", "totals", "grand total", "sum", "summe", "gesamt", "insgesamt", "average", "avg",
    "mean", "median", "durchschnitt", "mittelwert", "moyenne", "somme", "total general",
    "suma", "razem", "srednia", "ytd", "overall", "all", "alle", "tous", "wszystkie",
))


@dataclass
class _Columns:
    """What each column of a wide table holds.

    ``period_col`` is the period column (None: rows are labelled by number);
    ``period_cols`` are all columns whose header names a period (``Year | Month``), empty
    when the period column was found by its cells; ``fields`` and ``contexts`` are
    (column index, field or context key) pairs.
    """

    headers: list[str]
    period_col: int | None
    period_cols: list[int]
    fields: list[tuple[int, str]] = field(default_factory=list)
    contexts: list[tuple[int, str]] = field(default_factory=list)


def collect_wide(grid: CellGrid, state: ParseState) -> tuple[list[str], list[tuple[str, NumberCell]], dict]:
    """Read a wide table into cells to be read as numbers.

    Parameters
    ----------
    grid : CellGrid
        The table, the header row first.
    state : ParseState
        Receives the mapping, the context and the issues (columns without header,
        unrecognised headers, a field in several columns, rows without period, total rows,
        periods given twice, labels that are not dates).

    Returns
    -------
    periods : list of str
        Period labels, by date (file order when a label is not a date, with a warning);
        without a period column ``"row 2"``, ``"row 3"`` ... (``"current"`` for one row).
    cells : list of (period, NumberCell)
        One cell per kept row and field column.
    meta : dict
        ``labels`` (period label -> PeriodLabel or None), ``header_hint`` (the period
        length the period column's header names, or None) and ``rows`` (period label ->
        spreadsheet row).
    """
    headers = grid.cells[0]
    roles = [state.role(h) if h else NameRole("unknown") for h in headers]
    data_rows = list(range(1, grid.n_rows))
    cols = _find_period_columns(grid, headers, roles, data_rows)
    _classify_columns(grid, state, cols, roles, data_rows)
    _warn_repeated_fields(state, cols)
    row_labels = _row_labels(grid, state, cols, data_rows)
    label_rows = _last_row_per_label(grid, state, cols, row_labels)
    use_rows = sorted(label_rows.values())

    labels: dict[str, PeriodLabel | None]
    file_order = [row_labels[r] for r in use_rows]
    if cols.period_col is not None:
        dayfirst = dayfirst_vote(list(label_rows))
        labels = {lbl: parse_period_label(lbl, dayfirst=dayfirst) for lbl in label_rows}
        periods = sort_periods(file_order, labels, state, where="rows")
    else:
        labels = {lbl: None for lbl in label_rows}
        periods = file_order

    cells: list[tuple[str, NumberCell]] = []
    multipliers = {c: header_multiplier(headers[c]) for c, _ in cols.fields}
    for r in use_rows:
        for c, fld in cols.fields:
            cells.append((row_labels[r], NumberCell(grid.cell(r, c), grid.number(r, c),
                                                    grid.row_numbers[r], headers[c], fld,
                                                    multipliers[c])))
    latest_row = label_rows.get(periods[-1]) if periods else None
    _read_context_columns(grid, state, cols, use_rows, latest_row)

    header_hint = period_header_hint(headers[cols.period_col]) if cols.period_col is not None else None
    meta = {
        "labels": labels,
        "header_hint": header_hint,
        "rows": {row_labels[r]: grid.row_numbers[r] for r in use_rows},
    }
    return periods, cells, meta


def _find_period_columns(grid: CellGrid, headers: list[str], roles: list[NameRole],
                         data_rows: list[int]) -> _Columns:
    """The period column: named by its header, else the first unknown column of labels.

    A column is taken for its cells when at least 80 % of its filled cells are period
    labels (a bare year such as ``2025`` counts only in a column without header).
    """
    period_cols = [c for c, (h, role) in enumerate(zip(headers, roles))
                   if role.kind == "context" and role.target == "period" and h]
    if period_cols:
        return _Columns(headers, period_cols[0], period_cols)
    for c, (h, role) in enumerate(zip(headers, roles)):
        if role.kind != "unknown":
            continue
        texts = [grid.cell(r, c) for r in data_rows if grid.cell(r, c)]
        if not texts:
            continue
        ok = sum(1 for t in texts if parse_period_label(t, allow_bare_year=not h))
        if ok / len(texts) >= 0.8 and ok:
            return _Columns(headers, c, period_cols)
    return _Columns(headers, None, period_cols)


def _classify_columns(grid: CellGrid, state: ParseState, cols: _Columns, roles: list[NameRole],
                      data_rows: list[int]) -> None:
    """Sort the other columns into fields and context keys; report those not read."""
    for c, (h, role) in enumerate(zip(cols.headers, roles)):
        if c == cols.period_col or c in cols.period_cols:
            if h:
                state.mapping[h] = "period"
            continue
        if not h:
            if any(grid.cell(r, c) for r in data_rows):
                letter = grid.letters[c]
                state.add("error",
                          tr("Column {letter} has values but no header, so it was ignored. Give it a "
                             "header; if numbers contain commas as thousands separators, put them in "
                             "quotes or save the file with ';' as the separator.", letter=letter),
                          None, letter)
            continue
        if role.kind == "ignored":
            state.mapping[h] = None
        elif role.kind == "unknown":
            if any(grid.cell(r, c) for r in data_rows):  # an empty column drops nothing
                state.note_unknown(h, tr("column {letter}", letter=grid.letters[c]))
                state.extra_samples += [grid.cell(r, c) for r in data_rows if grid.cell(r, c)]
        elif role.kind == "field":
            state.mapping[h] = role.target
            cols.fields.append((c, role.target or ""))
        else:
            state.mapping[h] = role.target
            cols.contexts.append((c, role.target or ""))


def _warn_repeated_fields(state: ParseState, cols: _Columns) -> None:
    for fld in unique_in_order(f for _, f in cols.fields):
        names = [cols.headers[c] for c, f in cols.fields if f == fld]
        if len(names) > 1:
            state.add("warning",
                      tr("Several columns hold {field}: {columns}. The last one ('{last}') is used "
                         "where it has a value.", field=field_label(fld),
                         columns=", ".join(f"'{h}'" for h in names), last=names[-1]))


def _row_labels(grid: CellGrid, state: ParseState, cols: _Columns,
                data_rows: list[int]) -> dict[int, str]:
    """Grid row -> period label; total rows and empty rows without a period are left out."""
    row_labels: dict[int, str] = {}
    skipped_totals: list[str] = []
    period_col = cols.period_col
    for r in data_rows:
        row_no = grid.row_numbers[r]
        if period_col is None:
            row_labels[r] = "current" if len(data_rows) == 1 else f"row {row_no}"
            continue
        # "Year | Month" in two columns: join them ("2025-Jan")
        label = "-".join(grid.cell(r, c) for c in (cols.period_cols or [period_col])
                         if grid.cell(r, c))
        if label and normalise_text(label) in _TOTAL_WORDS:
            skipped_totals.append(tr("'{period}' (row {row})", period=label, row=row_no))
            continue
        if not label:
            if not any(grid.cell(r, c) for c, _ in cols.fields):
                continue
            label = f"row {row_no}"
            state.add("warning", tr("This row has numbers but no period; it is labelled '{label}'.",
                                    label=label),
                      row_no, cols.headers[period_col] or grid.letters[period_col])
        row_labels[r] = label
    if skipped_totals:
        state.add("warning", tr("Total/average rows are not periods and were ignored: {rows}.",
                                rows=", ".join(skipped_totals)))
    return row_labels


def _last_row_per_label(grid: CellGrid, state: ParseState, cols: _Columns,
                        row_labels: dict[int, str]) -> dict[str, int]:
    """Period label -> its last row; a period given twice is reported."""
    label_rows: dict[str, int] = {}
    column = cols.headers[cols.period_col] if cols.period_col is not None else None
    for r, label in row_labels.items():
        if label in label_rows:
            state.add("warning",
                      tr("The period '{period}' appears twice (rows {first} "
                         "and {row}); the last one (row {row}) is used.", period=label,
                         first=grid.row_numbers[label_rows[label]], row=grid.row_numbers[r]),
                      grid.row_numbers[r], column)
        label_rows[label] = r
    return label_rows


def _read_context_columns(grid: CellGrid, state: ParseState, cols: _Columns, use_rows: list[int],
                          latest_row: int | None) -> None:
    """Each context column's value: the latest period's, else the last filled row's."""
    for c, key in cols.contexts:
        order = ([latest_row] if latest_row is not None else []) + list(reversed(use_rows))
        text, row_no = "", None
        for r in order:
            if grid.cell(r, c):
                text, row_no = grid.cell(r, c), grid.row_numbers[r]
                break
        distinct = unique_in_order(grid.cell(r, c) for r in use_rows if grid.cell(r, c))
        if len(distinct) > 1:
            state.add("warning",
                      tr("The column has different values ({values}); "
                         "the latest period's value '{value}' is used.",
                         values=", ".join(repr(d) for d in distinct), value=text),
                      None, cols.headers[c])
        if text:
            set_context(state, key, text, cols.headers[c], row_no, cols.headers[c])

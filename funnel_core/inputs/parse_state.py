"""The working objects of the table parser, shared by the long and wide layout readers.

:class:`CellGrid` is the raw table without its empty rows and columns, each cell keeping
the row number and column letter the user sees in a spreadsheet. :class:`ParseState`
collects what reading finds: the role of each name (field, context key, ignored, unknown),
the mapping, the context and the issues. :class:`NumberCell` is a cell still to be read as
a number, with its field and place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from funnel_core.domain.constants import CONTEXT_FIELDS, FIELD_NAMES, FIELDS_BY_NAME
from funnel_core.domain.i18n import tr
from funnel_core.inputs.headers import match_context_key, match_header
from funnel_core.inputs.issues import InputError, ParseIssue
from funnel_core.inputs.name_keys import normalise_text
from funnel_core.inputs.own_names import IGNORED, PERIOD_LABEL, own_name_role
from funnel_core.inputs.period_labels import PeriodLabel
from funnel_core.inputs.workbook_reader import NUMERIC_CELLS_ATTR, cell_to_text

__all__ = [
    "CellGrid",
    "NameRole",
    "NumberCell",
    "ParseState",
    "check_mapping",
    "col_letter",
    "column_name",
    "sort_periods",
    "unique_in_order",
]


def col_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> ``A``, 26 -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class CellGrid:
    """Non-empty rows and columns of a raw table, with user-visible row numbers/columns.

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as strings (numbers are accepted too). Positional column labels (0, 1, ...)
        mean no header; other labels are read as the header row (row 1).

    Attributes
    ----------
    cells : list of list of str
        The kept cells as text, row by row.
    nums : list of list of float or None
        The exact value of cells that were numbers in the source (workbook cells, numeric
        frame values); None elsewhere.
    row_numbers : list of int
        The spreadsheet row number of each kept row.
    letters : list of str
        The spreadsheet column letter of each kept column.
    """

    def __init__(self, raw: pd.DataFrame) -> None:
        header_from_columns = not _is_positional(raw.columns)
        columns = list(raw.columns)
        rows, nums, row_numbers = _read_cells(raw, header_from_columns)
        keep_rows = [k for k, r in enumerate(rows) if any(c for c in r)]
        keep_cols = [j for j in range(len(columns)) if any(rows[k][j] for k in keep_rows)]
        self.cells = [[rows[k][j] for j in keep_cols] for k in keep_rows]
        self.nums = [[nums[k][j] for j in keep_cols] for k in keep_rows]
        self.row_numbers = [row_numbers[k] for k in keep_rows]
        self.letters = [
            col_letter(int(columns[j])) if not header_from_columns and _is_int_like(columns[j])
            else col_letter(j)
            for j in keep_cols
        ]

    @property
    def n_rows(self) -> int:
        """Number of kept rows."""
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        """Number of kept columns (0 for an empty grid)."""
        return len(self.cells[0]) if self.cells else 0

    def cell(self, r: int, c: int) -> str:
        """The text of kept cell (r, c); ``""`` beyond the row's end."""
        return self.cells[r][c] if c < len(self.cells[r]) else ""

    def number(self, r: int, c: int) -> float | None:
        """The exact number of kept cell (r, c) when the source held one, else None."""
        return self.nums[r][c] if c < len(self.nums[r]) else None


def _is_int_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return int(value) == value
    except (TypeError, ValueError):
        return False


def _is_positional(columns: pd.Index) -> bool:
    return all(_is_int_like(c) for c in columns)


def _read_cells(frame: pd.DataFrame, header_from_columns: bool,
                ) -> tuple[list[list[str]], list[list[float | None]], list[int]]:
    """Every cell of ``frame`` as text and exact number, with each row's spreadsheet number."""
    numeric_keys = frame.attrs.get(NUMERIC_CELLS_ATTR) or frozenset()
    values = frame.to_numpy(dtype=object)
    index = list(frame.index)
    columns = list(frame.columns)
    positional_rows = all(isinstance(i, (int,)) or _is_int_like(i) for i in index)

    rows: list[list[str]] = []
    nums: list[list[float | None]] = []
    row_numbers: list[int] = []
    if header_from_columns:
        rows.append([str(c).strip() for c in columns])
        nums.append([None] * len(columns))
        row_numbers.append(1)
    offset = 2 if header_from_columns else 1
    for i, label in enumerate(index):
        text_row: list[str] = []
        num_row: list[float | None] = []
        for j, col in enumerate(columns):
            value = values[i, j]
            text, is_number = cell_to_text(value)
            number: float | None = None
            if is_number and not isinstance(value, str):
                number = float(value)
            elif (label, col) in numeric_keys:
                try:
                    number = float(text)
                except ValueError:
                    number = None
            text_row.append(text)
            num_row.append(number)
        rows.append(text_row)
        nums.append(num_row)
        row_numbers.append(int(label) + offset if positional_rows else i + offset)
    return rows, nums, row_numbers


@dataclass
class NameRole:
    """What a metric name or column header stands for.

    ``kind`` is ``"field"`` or ``"context"`` (``target`` names the field or context key),
    ``"ignored"`` (mapped to None by the user) or ``"unknown"``.
    """

    kind: Literal["field", "context", "ignored", "unknown"]
    target: str | None = None


@dataclass
class NumberCell:
    """A cell still to be read as the value of ``field``.

    ``number`` is the exact value when the source held a number, ``row``/``column`` are
    what the user sees, ``multiplier`` is the unit the name gives (``Spend (k€)``: 1000).
    """

    text: str
    number: float | None
    row: int
    column: str
    field: str
    multiplier: float = 1.0


@dataclass
class ParseState:
    """What reading one table has found so far: mapping, context, issues, number format.

    ``source`` names the input in messages; ``mapping_in`` is the user's mapping (see
    :func:`check_mapping`); the other attributes fill up while the table is read.
    """

    source: str
    mapping_in: dict[str, str | None]
    convention: str = "en"
    issues: list[ParseIssue] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    unknown_where: list[str] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)
    context_rows: dict[str, int | None] = field(default_factory=dict)
    currencies_seen: dict[str, int] = field(default_factory=dict)
    scaled: set[tuple[str, str]] = field(default_factory=set)
    #: texts of cells in rows/columns that were not recognised: they are not read, but they
    #: still tell which number format the file uses ("6.500,00" decides it)
    extra_samples: list[str] = field(default_factory=list)
    #: the currency the numbers are in when the caller knows it (the app's currency
    #: selector): USD or GBP reads an undecided "42,000" as forty-two thousand
    currency_hint: str | None = None

    def add(self, level: Literal["error", "warning"], message: str, row: int | None = None,
            column: str | None = None) -> None:
        """Record an issue at a spreadsheet row and column (both optional)."""
        self.issues.append(ParseIssue(level, message, self.source, row, column))

    def role(self, text: str) -> NameRole:
        """The role of a name: the user's mapping first, then our own bookkeeping rows
        (:mod:`funnel_core.inputs.own_names`), then the field and context aliases."""
        key = text.strip()
        if not key:
            return NameRole("unknown")
        for candidate in (key, normalise_text(key)):
            if candidate in self.mapping_in:
                target = self.mapping_in[candidate]
                if target is None:
                    return NameRole("ignored")
                if target in FIELDS_BY_NAME:
                    return NameRole("field", target)
                return NameRole("context", target)
        own = own_name_role(key)  # bookkeeping rows of our own workbook
        if own == IGNORED:
            return NameRole("ignored")
        if own == PERIOD_LABEL:
            return NameRole("context", PERIOD_LABEL)
        hit = match_header(key)
        if hit:
            return NameRole("field", hit)
        ctx = match_context_key(key)
        if ctx:
            return NameRole("context", ctx)
        return NameRole("unknown")

    def note_unknown(self, text: str, where: str) -> None:
        """Remember a name that was not recognised, and where it is (``"row 4"``, in the
        current language)."""
        self.mapping[text] = None
        if text not in self.unknown:
            self.unknown.append(text)
            self.unknown_where.append(where)


def check_mapping(mapping: Mapping[str, str | None] | None, source: str) -> dict[str, str | None]:
    """Check a user's mapping and key it by the name as written and normalised.

    Raises
    ------
    InputError
        A name is mapped to something that is neither a field nor a context key.
    """
    out: dict[str, str | None] = {}
    for key, target in (mapping or {}).items():
        if target is not None and target not in FIELD_NAMES and target not in CONTEXT_FIELDS:
            raise InputError(
                tr("Cannot map '{name}' to '{target}': not a known field. Use one of "
                   "{fields} (or a context key: {context_keys}), "
                   "or None to ignore it.", name=key, target=target, fields=", ".join(FIELD_NAMES),
                   context_keys=", ".join(CONTEXT_FIELDS)),
                file=source,
            )
        text = str(key).strip()
        out[text] = target
        norm = normalise_text(text)
        if norm:
            out.setdefault(norm, target)
    return out


def unique_in_order(items: Iterable[str]) -> list[str]:
    """The items without repeats, in the order they first appear."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def column_name(grid: CellGrid, headers: list[str], c: int) -> str:
    """How messages name column ``c``: its header text, else its spreadsheet letter."""
    if c < len(headers) and headers[c]:
        return headers[c]
    return grid.letters[c] if c < len(grid.letters) else col_letter(c)


def sort_periods(labels: list[str], parsed: Mapping[str, PeriodLabel | None], state: ParseState,
                  *, where: str) -> list[str]:
    """Put period labels in chronological order.

    When a label cannot be read as a date, the file order is kept and a warning says so
    (``where`` is ``"rows"`` or ``"columns"``, as the periods are laid out).
    """
    if len(labels) <= 1:
        return list(labels)
    if all(parsed.get(lbl) is not None and parsed[lbl].start is not None for lbl in labels):  # type: ignore[union-attr]
        return sorted(labels, key=lambda lbl: parsed[lbl].start)  # type: ignore[union-attr,return-value]
    bad = [lbl for lbl in labels if parsed.get(lbl) is None or parsed[lbl].start is None]  # type: ignore[union-attr]
    listed = ", ".join(f"'{b}'" for b in bad[:5]) + ("..." if len(bad) > 5 else "")
    if where == "rows":
        message = tr("Some periods could not be read as dates ({periods}), so the rows are taken "
                     "in file order and the last one, '{last}', is compared. Write periods like "
                     "2025-01, Jan 2025 or 2025-Q1 to sort them by date.",
                     periods=listed, last=labels[-1])
    else:
        message = tr("Some periods could not be read as dates ({periods}), so the columns are "
                     "taken in file order and the last one, '{last}', is compared. Write periods "
                     "like 2025-01, Jan 2025 or 2025-Q1 to sort them by date.",
                     periods=listed, last=labels[-1])
    state.add("warning", message)
    return list(labels)

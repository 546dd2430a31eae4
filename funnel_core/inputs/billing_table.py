"""A billing export file as a table: its bytes, its header row, and spreadsheets read.

The input is bytes, a file-like object or a path (:func:`open_source`; a CSV path is
handed to pyarrow as it is). The header is the row among the first 20 whose names fit the
roles best (:func:`find_header_row`), so title rows above it do not matter. Spreadsheets
are read with calamine (:func:`read_workbook`); CSV files by
:mod:`funnel_core.inputs.billing_csv`. Both give a :class:`RawSheet`: the columns the roles
use and how data rows map to spreadsheet rows.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from funnel_core.domain.i18n import mark, tr
from funnel_core.inputs.billing_column_codes import is_blank
from funnel_core.inputs.billing_columns import choose_layout, recognise_columns, resolve_roles
from funnel_core.inputs.billing_errors import CohortInputError, RowIssue
from funnel_core.inputs.safe_workbook import mark_error_cells
from funnel_core.inputs.workbook_guard import WorkbookShape

__all__ = [
    "DAMAGED_WORKBOOK",
    "SPREADSHEET_EXTENSIONS",
    "RawSheet",
    "Source",
    "dedupe_header",
    "find_header_row",
    "open_source",
    "read_workbook",
]

@dataclass
class RawSheet:
    """A read sheet: named columns (pyarrow or pandas) and the row numbering."""

    header: list[str]
    columns: dict[str, Any]
    n_rows: int
    first_row: int                    # spreadsheet row of data row 0
    row_numbers: np.ndarray | None    # explicit numbering (Excel with gaps, bad CSV rows)
    excel: bool
    decimal_comma: bool
    bad_rows: list[RowIssue] = field(default_factory=list)  # ragged CSV lines, skipped
    n_bad_rows: int = 0

    def row_number(self, idx: np.ndarray) -> np.ndarray:
        """Spreadsheet rows (1-based, header included) of data row indices."""
        if self.row_numbers is not None:
            return self.row_numbers[idx]
        return idx + self.first_row


#: The problem told for a workbook no reader can open (translated where told: ``tr(...)``).
DAMAGED_WORKBOOK = mark("the spreadsheet is damaged or not a real Excel file, so it cannot be read; "
                    "open it in Excel and save it again as .xlsx, or export the data as CSV")

#: File name endings read as spreadsheets (other files are read as CSV).
SPREADSHEET_EXTENSIONS: tuple[str, ...] = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


@dataclass
class Source:
    """The input: whole bytes, or a path read lazily (CSV goes to pyarrow by path)."""

    blob: bytes | None
    path: str | None
    head: bytes

    def bytes(self) -> bytes:
        """The whole file (read from the path on first use)."""
        if self.blob is None:
            assert self.path is not None
            with open(self.path, "rb") as fh:
                self.blob = fh.read()
        return self.blob

    def stream(self) -> Any:
        """Something pyarrow / pandas can read from."""
        return self.path if self.blob is None else io.BytesIO(self.blob)


def open_source(data: Any, filename: str) -> Source:
    """The input as a :class:`Source` with its first 64 KiB at hand.

    Raises
    ------
    CohortInputError
        When a path cannot be read.
    TypeError
        When ``data`` is neither bytes, a path nor file-like.
    """
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        try:
            with open(path, "rb") as fh:
                head = fh.read(65536)
        except OSError as exc:
            raise CohortInputError(filename, tr("cannot read the file: {reason}",
                                                reason=exc.strerror or exc)) from None
        return Source(None, path, head)
    if isinstance(data, (bytes, bytearray, memoryview)):
        blob = bytes(data)
    elif hasattr(data, "getvalue"):
        blob = bytes(data.getvalue())
    elif hasattr(data, "read"):
        blob = bytes(data.read())
    else:
        raise TypeError(f"read_export: data must be bytes or a path, not {type(data).__name__}")
    return Source(blob, None, blob[:65536])


def dedupe_header(names: Sequence[object]) -> list[str]:
    """Header names made usable: stripped, ``Unnamed: i`` for blanks, ``name.1`` for repeats."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        name = "" if is_blank(n) else str(n).strip()
        if not name:
            name = f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _header_score(cells: Sequence[object]) -> int:
    """Roles a row's names fit, plus 2 when they make a layout."""
    names = [str(c) for c in cells if not is_blank(c)]
    if not names:
        return 0
    roles = recognise_columns(names)
    return len(roles) + (2 if choose_layout(roles) else 0)


def find_header_row(rows: Sequence[Sequence[object]]) -> int:
    """Index of the header among the first 20 rows (the best-scoring one; 0 if none fits)."""
    best, best_score = 0, 0
    for i, row in enumerate(rows[:20]):
        s = _header_score(row)
        if s > best_score:
            best, best_score = i, s
    return best


def read_workbook(src: Source, filename: str, sheet: str | int | None,
                  roles_hint: Mapping[str, str] | None,
                  shape: WorkbookShape | None = None) -> RawSheet:
    """Read the first sheet with a usable layout (or the sheet asked for).

    Runs in a worker process (see :mod:`funnel_core.inputs.safe_workbook`): the native
    reader may abort on a hostile file. ``shape`` is what the workbook guard found; its
    error cells (``#DIV/0!``) are written back into the cells the reader left empty, so
    they are reported like the same text in a CSV file.

    Raises
    ------
    CohortInputError
        When the file is not a readable spreadsheet, the sheet does not exist, or no
        sheet has a usable layout (the first sheet's problem is told).
    """
    blob = src.bytes()
    try:
        from python_calamine import CalamineWorkbook

        names = CalamineWorkbook.from_filelike(io.BytesIO(blob)).sheet_names
    except Exception:  # noqa: BLE001 - any reader failure is a bad file
        raise CohortInputError(filename, tr(DAMAGED_WORKBOOK)) from None
    if not names:
        raise CohortInputError(filename, tr("the workbook has no sheets; export the data again "
                                            "from your billing tool as XLSX or CSV"))
    if sheet is not None:
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise CohortInputError(filename, tr("no sheet number {number}; sheets: {sheets}",
                                                    number=sheet,
                                                    sheets=", ".join(map(repr, names))))
            candidates = [names[sheet]]
        elif sheet not in names:
            raise CohortInputError(filename, tr("no sheet {sheet}; sheets: {sheets}",
                                                sheet=repr(sheet),
                                                sheets=", ".join(map(repr, names))))
        else:
            candidates = [sheet]
    else:
        candidates = list(names)
    first_error: CohortInputError | None = None
    for name in candidates:
        try:
            df = pd.read_excel(io.BytesIO(blob), engine="calamine", sheet_name=name, header=None)
        except Exception:  # noqa: BLE001 - a damaged sheet part
            if first_error is None:
                first_error = CohortInputError(filename, tr("sheet {sheet} is damaged and cannot "
                                                            "be read; open the file in Excel "
                                                            "and save it again",
                                                            sheet=repr(name)))
            continue
        mark_error_cells(df, shape, name)
        if df.empty:
            if first_error is None:
                first_error = CohortInputError(filename, tr("sheet {sheet} is empty",
                                                            sheet=repr(name)))
            continue
        head = [list(r) for r in df.head(20).itertuples(index=False, name=None)]
        h = find_header_row(head)
        header = dedupe_header(head[h])
        try:
            roles = resolve_roles(header, roles_hint, filename)
        except CohortInputError as exc:
            if first_error is None:
                first_error = exc
            continue
        body = df.iloc[h + 1:]
        needed = list(dict.fromkeys(roles.values()))
        cols = {}
        for c in needed:
            series = body.iloc[:, header.index(c)]
            cols[c] = series.reset_index(drop=True).infer_objects()
        return RawSheet(header=header, columns=cols, n_rows=len(body), first_row=h + 2,
                        row_numbers=body.index.to_numpy(np.int64) + 1, excel=True,
                        decimal_comma=False)
    raise first_error or CohortInputError(filename, tr("no sheet holds a usable table"))


"""Any supported file as a table of strings: the file type decides the reader.

CSV and other text files go to :mod:`funnel_core.inputs.text_table`, workbooks to
:mod:`funnel_core.inputs.workbook_reader`. :func:`read_raw_table` gives every cell as the
user sees it, with no header inferred, so that the table parser can tell the spreadsheet
row and column of each problem; :func:`list_sheets` feeds the sheet picker. An unsupported,
empty or unreadable file is an :class:`~funnel_core.inputs.issues.InputError`.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import check_byte_size
from funnel_core.inputs.safe_workbook import check_frame, checked_workbook, mark_error_cells, read_isolated
from funnel_core.inputs.text_table import binary_error, decode_text, looks_binary, read_text_table
from funnel_core.inputs.workbook_reader import (
    NUMERIC_CELLS_ATTR,
    OLE2_SIGNATURE,
    is_zip,
    read_workbook,
    workbook_sheet_names,
)

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "WORKBOOK_EXTENSIONS",
    "list_sheets",
    "read_raw_table",
]


#: File name endings :func:`read_raw_table` accepts: text files, then workbooks.
TEXT_EXTENSIONS: tuple[str, ...] = (".csv", ".tsv", ".txt", ".tab")
WORKBOOK_EXTENSIONS: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SUPPORTED_EXTENSIONS: tuple[str, ...] = TEXT_EXTENSIONS + WORKBOOK_EXTENSIONS


def _extension(filename: str) -> str:
    return Path(str(filename)).suffix.lower()


def _empty(filename: str) -> str:
    return tr("'{file}' is empty.", file=filename)


def _check_extension(filename: str) -> str:
    ext = _extension(filename)
    if ext not in SUPPORTED_EXTENSIONS:
        shown = ext or tr("no extension")
        raise InputError(
            tr("'{file}' has an unsupported file type ({extension}). Upload a CSV file "
               "(.csv, .tsv, .txt) or an Excel workbook (.xlsx), or paste the cells as text.",
               file=filename, extension=shown),
            file=filename,
        )
    return ext


def list_sheets(data: bytes, filename: str) -> list[str]:
    """List the sheets of a workbook, for a sheet picker.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name (the extension decides the format).

    Returns
    -------
    list of str
        Sheet names in workbook order; ``[]`` for CSV/text files, which have no sheets.

    Raises
    ------
    InputError
        Unsupported extension, empty file or unreadable workbook.
    """
    ext = _check_extension(filename)
    if ext in TEXT_EXTENSIONS:
        return []
    if not data:
        raise InputError(_empty(filename), file=filename)
    # the limits first; the reader runs in a worker process (it can abort on a hostile file)
    checked_workbook(data, filename)
    return read_isolated(workbook_sheet_names, data, filename, ext, filename=filename)


def read_raw_table(data: bytes, filename: str, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV/text file or a workbook sheet into a table of strings.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name; the extension decides the format (.csv, .tsv, .txt, .xlsx, .xlsm, .xls,
        .xlsb, .ods).
    sheet : str, optional
        Workbook sheet to read; by default the first sheet with any cell filled in.

    Returns
    -------
    pandas.DataFrame
        All cells as stripped strings (empty cells are ``""``), no header inferred. Index
        0 is spreadsheet row 1 and column 0 is column A. Numeric workbook cells are written
        with :func:`funnel_core.inputs.number_parse.format_number_cell` and listed in
        ``frame.attrs[NUMERIC_CELLS_ATTR]`` (see :mod:`funnel_core.inputs.workbook_reader`;
        empty for text files); ``frame.attrs["sheet"]`` names the sheet read.

    Raises
    ------
    InputError
        Empty file, unsupported extension, unreadable workbook, binary junk.
    InputLimitError
        Over one of the :mod:`~funnel_core.inputs.limits` (bytes, workbook parts, rows,
        columns, cell length), or the workbook reader ran out of memory or time.
    """
    ext = _check_extension(filename)
    check_byte_size(len(data), filename)
    if not data or not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8,):
        raise InputError(_empty(filename), file=filename)
    if ext in WORKBOOK_EXTENSIONS:
        shape = checked_workbook(data, filename)
        frame = read_isolated(read_workbook, data, filename, ext, sheet, filename=filename)
        mark_error_cells(frame, shape, frame.attrs.get("sheet"))
        check_frame(frame, filename)
        return frame
    if is_zip(data) or data[:8] == OLE2_SIGNATURE:
        raise binary_error(data, filename)
    text = decode_text(data, filename)
    if looks_binary(text):
        raise binary_error(data, filename)
    if not text.strip().strip("\ufeff"):
        raise InputError(_empty(filename), file=filename)
    frame = read_text_table(text, source=filename)
    frame.attrs[NUMERIC_CELLS_ATTR] = frozenset()
    return frame

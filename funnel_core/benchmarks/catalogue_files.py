"""Reading a catalogue file into numbered rows of text cells (CSV or XLSX), before validation.

CSV is read as UTF-8 with or without BOM; XLSX through pandas' calamine engine (first sheet).
Every record comes with the line (CSV) or sheet row (XLSX) a user sees, header = 1, so a
validation error can name it. A file that cannot be read raises
:class:`~funnel_core.benchmarks.catalogue_schema.CatalogueError` naming the file.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from funnel_core.benchmarks.catalogue_schema import CatalogueError
from funnel_core.domain.i18n import tr
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import check_byte_size, problem_of
from funnel_core.inputs.safe_workbook import check_frame, checked_workbook, read_isolated

__all__ = ["first_sheet", "records"]


def _csv_records(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, fields)`` for each CSV record, the header included."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CatalogueError(tr("not valid CSV ({error})", error=exc), file=file,
                             row=reader.line_num) from exc


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogueError(tr("is not UTF-8 text; save the file as CSV UTF-8"),
                             file=file, row=line) from exc


def _cell_text(value: Any) -> str:
    """Turn a spreadsheet cell into the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def first_sheet(data: bytes) -> Any:
    """The first sheet of a workbook as a DataFrame of cells (run in a worker process)."""
    import pandas as pd

    return pd.read_excel(io.BytesIO(data), engine="calamine", header=None, dtype=object,
                         sheet_name=0, na_filter=False)


def _xlsx_records(data: bytes, file: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(sheet row number, cells)`` for the first sheet of an XLSX workbook.

    The workbook is checked against the upload limits first and read in a worker process
    (see :mod:`funnel_core.inputs.safe_workbook`).
    """
    try:
        checked_workbook(data, file)
        frame = read_isolated(first_sheet, data, filename=file)
        check_frame(frame, file)
    except InputError as exc:  # a limit, a damaged zip, a reader that died
        raise CatalogueError(problem_of(exc, file), file=file) from None
    except Exception:  # noqa: BLE001 - calamine raises its own error types
        raise CatalogueError(tr("cannot be read as an XLSX workbook; open it in Excel and save it "
                                "again, or save it as CSV UTF-8"), file=file) from None
    for index, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        yield index, [_cell_text(v) for v in values]



def _is_xlsx(data: bytes, filename: str) -> bool:
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return True
    if suffix in (".csv", ".txt"):
        return False
    return data[:4] == b"PK\x03\x04"


def records(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """The numbered records of a catalogue file, the header included.

    Parameters
    ----------
    data : the file's bytes.
    filename : its name; the extension picks the format (XLSX is also recognised by content).

    Returns
    -------
    iterator of (row number, cells)
        Row numbers as the user sees them (CSV line of the record's first line, or sheet row).

    Raises
    ------
    CatalogueError
        For an old ``.xls`` workbook, text that is not UTF-8, broken CSV quoting or an
        unreadable workbook.
    """
    try:
        check_byte_size(len(data), filename)
    except InputError as exc:
        raise CatalogueError(problem_of(exc, filename), file=filename) from None
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls":
        raise CatalogueError(tr("old .xls workbooks are not supported; save as .xlsx or .csv"),
                             file=filename)
    if _is_xlsx(data, filename):
        return _xlsx_records(data, filename)
    return _csv_records(_decode(data, filename), filename)

"""Excel and OpenDocument workbooks as a table of strings, one sheet at a time.

Sheets are read with the fast native reader (calamine) and, for ``.xlsx``/``.xlsm`` files it
cannot read, with openpyxl. Every cell becomes text the way the user sees it in the sheet
(:func:`cell_to_text`); cells that were numbers in the workbook are listed in
``frame.attrs[NUMERIC_CELLS_ATTR]``, because they are exact and must not take part in
guessing the file's number format. A damaged, protected or mislabelled file gives an
:class:`~funnel_core.inputs.issues.InputError` that says what to do, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.number_parse import format_number_cell
from funnel_core.inputs.text_table import looks_binary

__all__ = [
    "NUMERIC_CELLS_ATTR",
    "OLE2_SIGNATURE",
    "cell_to_text",
    "is_zip",
    "read_workbook",
    "workbook_sheet_names",
]

#: ``DataFrame.attrs`` key under which the readers record the (index, column) labels of
#: cells that were numbers in the workbook (they are parsed exactly and do not take part in
#: detecting the number convention).
NUMERIC_CELLS_ATTR = "funnel_numeric_cells"

#: The first bytes of an old binary Excel (OLE2) file.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_zip(data: bytes) -> bool:
    """Whether ``data`` is a zip container (an ``.xlsx``, ``.xlsm`` or ``.ods`` workbook)."""
    return data[:4] == b"PK\x03\x04"


def _open_workbook(data: bytes, filename: str) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise _workbook_error(data, filename, exc) from exc


def _workbook_error(data: bytes, filename: str, exc: Exception | None = None) -> InputError:
    head = data[:2048]
    if head and not is_zip(data) and _looks_text(head):
        message = tr("'{file}' could not be read as a workbook. It looks like a text (CSV) file: "
                     "save it with the .csv extension.", file=filename)
    elif is_zip(data):
        message = tr("'{file}' could not be read as a workbook. The workbook seems damaged or "
                     "password-protected; open and save it again in Excel.", file=filename)
    else:
        message = tr("'{file}' could not be read as a workbook. It is not an Excel workbook; "
                     "export your sheet as .xlsx or .csv.", file=filename)
    return InputError(message, file=filename)


def _looks_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    return not looks_binary(text) and b"\x00" not in head


def workbook_sheet_names(data: bytes, filename: str, ext: str) -> list[str]:
    """List the worksheets of a workbook (chart sheets left out).

    Parameters
    ----------
    data : bytes
        The file's content, not empty.
    filename : str
        Its name, for messages.
    ext : str
        Its lower-case extension (``".xlsx"`` ...); ``.xlsx``/``.xlsm`` files the native
        reader cannot open are tried with openpyxl.

    Returns
    -------
    list of str
        Sheet names in workbook order.

    Raises
    ------
    InputError
        The workbook cannot be read.
    """
    try:
        book = _open_workbook(data, filename)
        names = [m.name for m in book.sheets_metadata
                 if str(getattr(m, "typ", "WorkSheet")).endswith("WorkSheet")]
        return names or list(book.sheet_names)
    except InputError:
        if ext in (".xlsx", ".xlsm") and is_zip(data):
            try:
                import openpyxl

                wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
                try:
                    return list(wb.sheetnames)
                finally:
                    wb.close()
            except Exception as exc:  # noqa: BLE001
                raise _workbook_error(data, filename, exc) from exc
        raise


def cell_to_text(value: Any) -> tuple[str, bool]:
    """Write one workbook cell as the text a user sees, and say whether it was a number.

    Parameters
    ----------
    value : object
        A cell as the reader gives it: None, bool, int/float (or a NumPy scalar), a date,
        time, timestamp or duration, or text.

    Returns
    -------
    tuple of (str, bool)
        The text (``""`` for empty cells and NaN; ``TRUE``/``FALSE``; ISO dates, with the
        time only when it is not midnight; numbers via
        :func:`~funnel_core.inputs.number_parse.format_number_cell`; other text stripped)
        and True when the cell held a finite number.
    """
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, (int, float)) or (hasattr(value, "dtype") and hasattr(value, "item")):
        try:
            number = value.item() if hasattr(value, "item") else value
        except (AttributeError, ValueError):
            number = value
        if isinstance(number, bool):
            return ("TRUE" if number else "FALSE"), False
        if isinstance(number, (int, float)):
            if isinstance(number, float) and math.isnan(number):
                return "", False
            if isinstance(number, float) and not math.isfinite(number):
                return repr(number), False
            return format_number_cell(number), True
    if value is pd.NaT:
        return "", False
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime("%Y-%m-%d"), False
        return value.isoformat(sep=" "), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    if isinstance(value, dt.time):
        return value.isoformat(), False
    if isinstance(value, (pd.Timedelta, dt.timedelta)):
        return str(value), False
    return str(value).strip(), False


def _frame_from_cells(rows: list[list[Any]]) -> pd.DataFrame:
    width = max((len(r) for r in rows), default=0)
    texts: list[list[str]] = []
    numeric: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        out: list[str] = []
        for j in range(width):
            text, is_number = cell_to_text(row[j] if j < len(row) else None)
            out.append(text)
            if is_number:
                numeric.add((i, j))
        texts.append(out)
    frame = pd.DataFrame(texts, columns=list(range(width)), dtype=object)
    frame.attrs[NUMERIC_CELLS_ATTR] = frozenset(numeric)
    return frame


def _read_sheet_calamine(data: bytes, sheet: str) -> list[list[Any]]:
    frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, header=None, engine="calamine",
                          dtype=object)
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def _read_sheet_openpyxl(data: bytes, sheet: str) -> list[list[Any]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[sheet]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _read_sheet_rows(data: bytes, sheet: str, ext: str) -> tuple[list[list[Any]] | None, Exception | None]:
    """The cells of one sheet (None when no reader could read it) and the last reader error."""
    try:
        return _read_sheet_calamine(data, sheet), None
    except Exception as exc:  # noqa: BLE001 - fall back to openpyxl
        error: Exception = exc
    if ext in (".xlsx", ".xlsm"):
        try:
            return _read_sheet_openpyxl(data, sheet), error
        except Exception as exc2:  # noqa: BLE001
            error = exc2
    return None, error


def _chosen_sheet(names: list[str], sheet: str, filename: str) -> str:
    """The sheet the user asked for, matched exactly or ignoring case and outer spaces."""
    if sheet in names:
        return sheet
    wanted = str(sheet).strip().casefold()
    matches = [n for n in names if n.strip().casefold() == wanted]
    if not matches:
        raise InputError(
            tr("'{file}' has no sheet named '{sheet}'. Its sheets are: {sheets}.", file=filename,
               sheet=sheet, sheets=", ".join(f"'{n}'" for n in names)),
            file=filename,
        )
    return matches[0]


def read_workbook(data: bytes, filename: str, ext: str, sheet: str | None) -> pd.DataFrame:
    """Read one sheet of a workbook into a table of strings.

    Parameters
    ----------
    data : bytes
        The file's content, not empty.
    filename : str
        Its name, for messages.
    ext : str
        Its lower-case extension (``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``).
    sheet : str or None
        The sheet to read (exact name, else ignoring case and outer spaces); by default the
        first sheet with any cell filled in.

    Returns
    -------
    pandas.DataFrame
        All cells as strings, no header inferred (index 0 = row 1, column 0 = column A);
        ``attrs[NUMERIC_CELLS_ATTR]`` lists the numeric cells and ``attrs["sheet"]`` names
        the sheet read.

    Raises
    ------
    InputError
        No sheets, no such sheet, the sheet or every sheet empty, or unreadable.
    """
    names = workbook_sheet_names(data, filename, ext)
    if not names:
        raise InputError(tr("'{file}' has no sheets.", file=filename), file=filename)
    if sheet is not None:
        sheet = _chosen_sheet(names, sheet, filename)
    candidates = [sheet] if sheet is not None else names
    last_error: Exception | None = None
    for name in candidates:
        rows, error = _read_sheet_rows(data, name, ext)
        if error is not None:
            last_error = error
        if rows is None:
            continue
        frame = _frame_from_cells(rows)
        if any(c for r in frame.itertuples(index=False) for c in r):
            frame.attrs["sheet"] = name
            return frame
        if sheet is not None:
            raise InputError(tr("Sheet '{sheet}' of '{file}' is empty.", sheet=name, file=filename),
                             file=filename)
    if last_error is not None and sheet is not None:
        raise _workbook_error(data, filename, last_error)
    raise InputError(tr("'{file}' is empty: none of its sheets has any cells filled in.",
                        file=filename), file=filename)

"""The sheets and header of an uploaded billing export, for the sheet picker and column mapping.

Best-effort helpers for the cohorts page: they never raise. Workbooks go through the same
checks as :func:`~funnel_core.inputs.billing_read.read_export` (limits first, the reader in a
worker process), so a hostile file gives an empty list here and a clear message from the
reader, never a crash.
"""

from __future__ import annotations

import csv
import io

from funnel_core.inputs.billing_table import SPREADSHEET_EXTENSIONS
from funnel_core.inputs.safe_workbook import checked_workbook, read_isolated

__all__ = ["export_columns", "export_sheet_names", "is_spreadsheet"]


def is_spreadsheet(data: bytes, filename: str) -> bool:
    """Whether the export is a workbook (by its name or its first bytes)."""
    return filename.lower().endswith(SPREADSHEET_EXTENSIONS) or data[:4] in (
        b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def workbook_sheet_list(data: bytes) -> list[str]:
    """Sheet names of a workbook (run in a worker process)."""
    import pandas as pd

    return [str(s) for s in pd.ExcelFile(io.BytesIO(data), engine="calamine").sheet_names]


def workbook_header(data: bytes, sheet: str | None) -> list[str]:
    """The first row of a sheet as column names (run in a worker process)."""
    import pandas as pd

    frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet if sheet else 0, nrows=0,
                          engine="calamine")
    return [str(c) for c in frame.columns]


def export_sheet_names(data: bytes, filename: str) -> list[str]:
    """The sheet names of a workbook export; ``[]`` for CSV or a file that cannot be read.

    Parameters
    ----------
    data : bytes
    filename : str

    Returns
    -------
    list of str
    """
    if not is_spreadsheet(data, filename):
        return []
    try:
        checked_workbook(data, filename, kind="export")
        return read_isolated(workbook_sheet_list, data, filename=filename)
    except Exception:  # noqa: BLE001 - best effort: the reader tells what is wrong
        return []


def export_columns(data: bytes, filename: str, sheet: str | None) -> list[str]:
    """The header of the export (best effort), for the column-mapping step.

    Parameters
    ----------
    data : bytes
    filename : str
    sheet : str or None
        Workbook sheet (default: the first).

    Returns
    -------
    list of str
        Column names; ``[]`` when they cannot be read.
    """
    try:
        if is_spreadsheet(data, filename):
            checked_workbook(data, filename, kind="export")
            return read_isolated(workbook_header, data, sheet, filename=filename)
        head = data[:65536]
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = head.decode("latin-1")
        lines = [line for line in text.splitlines() if line.strip()][:20]
        sample = "\n".join(lines)
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        return [c.strip() for c in rows[0] if c.strip()] if rows else []
    except Exception:  # noqa: BLE001 - best effort
        return []

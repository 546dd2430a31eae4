"""Workbooks read safely: the limits first, then the reader in a worker process.

Every workbook a user brings goes through here, for funnel files, catalogues and billing
exports alike:

1. :func:`checked_workbook`: the byte limit, then
   :func:`~funnel_core.inputs.workbook_guard.check_workbook` (zip directory, declared and
   real sheet size) -- refusals come at once, with the limit named;
2. :func:`read_isolated`: the reader itself (calamine, or openpyxl for files calamine
   cannot open) runs in a worker process with a memory cap and a timeout
   (:func:`~funnel_core.inputs.isolated.run_isolated`), because a damaged file the checks
   let through could still abort the native reader;
3. :func:`mark_error_cells`: error cells (``#DIV/0!``, ``#N/A``), which the native reader
   turns into empty cells, get their code back, so they are noted like the same text in a
   CSV file.

The guard's verdict is remembered for the last few files (by content hash), so the sheet
list, the raw preview and the parse of one upload check the file once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.inputs.isolated import run_isolated
from funnel_core.inputs.limits import (
    DEFAULT_LIMITS,
    InputLimitError,
    UploadLimits,
    cell_too_long,
    check_byte_size,
    whole_number,
)
from funnel_core.inputs.sheet_scan import column_letters
from funnel_core.inputs.workbook_guard import WorkbookShape, check_workbook

__all__ = ["check_frame", "checked_workbook", "mark_error_cells", "read_isolated"]

T = TypeVar("T")

_REMEMBERED = 16
_verdicts: OrderedDict[tuple[str, int, str], WorkbookShape | None] = OrderedDict()
_lock = threading.Lock()


def checked_workbook(data: bytes, filename: str, *, kind: Literal["table", "export"] = "table",
                     local: bool = False, limits: UploadLimits = DEFAULT_LIMITS
                     ) -> WorkbookShape | None:
    """Check a workbook against the limits before any reader sees it.

    Parameters
    ----------
    data : bytes
    filename : str
    kind : {"table", "export"}
        Funnel file or catalogue, or billing export (see
        :func:`~funnel_core.inputs.workbook_guard.check_workbook`).
    local : bool
        A file read from disk by the command line (larger byte limit).
    limits : UploadLimits

    Returns
    -------
    WorkbookShape or None
        What the guard found; None for data that is not a zip (an ``.xls`` file).

    Raises
    ------
    InputLimitError
        Over a limit.
    InputError
        A damaged zip.
    """
    check_byte_size(len(data), filename, local=local, limits=limits)
    key = (hashlib.sha1(data).hexdigest(), len(data), kind)
    with _lock:
        if key in _verdicts and limits is DEFAULT_LIMITS:
            _verdicts.move_to_end(key)
            return _verdicts[key]
    shape = check_workbook(data, filename, kind=kind, limits=limits)
    if limits is DEFAULT_LIMITS:
        with _lock:
            _verdicts[key] = shape
            while len(_verdicts) > _REMEMBERED:
                _verdicts.popitem(last=False)
    return shape


def read_isolated(func: Callable[..., T], *args: Any, filename: str,
                  limits: UploadLimits = DEFAULT_LIMITS) -> T:
    """Run a workbook reader in a worker process (see :func:`run_isolated`).

    Raises
    ------
    InputLimitError
        The worker died, ran out of memory or time: "this workbook could not be read".
    """
    return run_isolated(func, *args, filename=filename, timeout_s=limits.parse_seconds,
                        memory_bytes=limits.worker_memory_bytes)


def mark_error_cells(frame: pd.DataFrame, shape: WorkbookShape | None, sheet: str | None) -> int:
    """Write the error codes of ``sheet`` into the empty cells where the workbook has them.

    Parameters
    ----------
    frame : pandas.DataFrame
        The sheet as read, index 0 = row 1 and column 0 = column A; changed in place.
    shape : WorkbookShape or None
        What :func:`checked_workbook` found (None: nothing to do).
    sheet : str or None
        The sheet's name.

    Returns
    -------
    int
        Cells marked.
    """
    if shape is None or sheet is None:
        return 0
    marked = 0
    n_rows, n_cols = frame.shape
    for extent in shape.sheets:
        if extent.name != sheet:
            continue
        for row, col, code in extent.errors:
            if row > n_rows or col > n_cols:
                continue
            current = frame.iat[row - 1, col - 1]
            if current is None or current == "" or (isinstance(current, float) and current != current):
                if frame.dtypes.iloc[col - 1] != object:  # a number column: make room for text
                    frame.isetitem(col - 1, frame.iloc[:, col - 1].astype(object))
                frame.iat[row - 1, col - 1] = code
                marked += 1
    return marked


def check_frame(frame: pd.DataFrame, filename: str, *, kind: Literal["table", "export"] = "table",
                limits: UploadLimits = DEFAULT_LIMITS) -> None:
    """Refuse a table of text cells over the row, column or cell-length limits.

    For readers the guard cannot look into (``.xls``, ``.xlsb``, ``.ods``) and for the
    cell length, which the guard does not measure.

    Raises
    ------
    InputLimitError
    """
    rows_limit = limits.export_rows if kind == "export" else limits.table_rows
    columns_limit = limits.export_columns if kind == "export" else limits.table_columns
    n_rows, n_cols = frame.shape
    if n_rows > rows_limit or n_cols > columns_limit:
        if n_rows > rows_limit:
            name = "rows"
            message = tr("'{file}' has {n} rows, more than the {limit} allowed. Keep only the "
                         "rows and columns with your numbers and upload it again.",
                         file=filename, n=whole_number(n_rows), limit=whole_number(rows_limit))
        else:
            name = "columns"
            message = tr("'{file}' has {n} columns, more than the {limit} allowed. Keep only the "
                         "rows and columns with your numbers and upload it again.",
                         file=filename, n=whole_number(n_cols), limit=whole_number(columns_limit))
        raise InputLimitError(filename, message, limit=f"{kind}_{name}")
    longest = 0
    where: tuple[int, int] = (0, 0)
    for j in range(n_cols):
        column = frame.iloc[:, j]
        if column.dtype != object:
            continue
        lengths = column.map(lambda v: len(v) if isinstance(v, str) else 0)
        if len(lengths) and int(lengths.max()) > longest:
            longest = int(lengths.max())
            where = (int(lengths.to_numpy().argmax()), j)
    if longest > limits.cell_chars:
        raise cell_too_long(filename, longest, row=where[0] + 1,
                            column=column_letters(where[1] + 1), limits=limits)

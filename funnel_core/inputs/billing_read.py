"""Reading a billing export for cohorts: the entry point, :func:`read_export`.

A CSV or spreadsheet export, in either layout -- one row per customer and month, or one
row per subscription with start and end dates -- becomes an
:class:`~funnel_core.inputs.billing_export_data.ExportData`: MRR per customer and paying
month. The steps live in their own modules: the file as a table
(:mod:`~funnel_core.inputs.billing_table`, :mod:`~funnel_core.inputs.billing_csv`), the
columns' roles and the layout (:mod:`~funnel_core.inputs.billing_columns`), and the rows
checked and turned into months (:mod:`~funnel_core.inputs.billing_normalise`).

Row-level problems (missing customer id, negative MRR, unparseable dates, end before
start, ...) never stop the import: the row is skipped and a
:class:`~funnel_core.inputs.billing_errors.RowIssue` with the 1-based spreadsheet row (the
header is row 1 unless title rows precede it), the column and the problem is recorded. A
file whose columns match neither layout raises
:class:`~funnel_core.inputs.billing_errors.CohortInputError`.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.inputs.billing_columns import choose_layout, resolve_roles
from funnel_core.inputs.billing_csv import read_csv
from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_export_data import ExportData, month_ordinal
from funnel_core.inputs.billing_normalise import normalise_export
from funnel_core.inputs.billing_table import (
    DAMAGED_WORKBOOK,
    SPREADSHEET_EXTENSIONS,
    RawSheet,
    Source,
    open_source,
    read_workbook,
)
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import check_byte_size, problem_of
from funnel_core.inputs.safe_workbook import checked_workbook, read_isolated

__all__ = ["read_export"]


def read_export(data: bytes | str | os.PathLike[str] | Any, filename: str | None = None, *,
                mapping: Mapping[str, str] | None = None, sheet: str | int | None = None,
                as_of: _dt.date | str | None = None) -> ExportData:
    """Read a CSV or spreadsheet export and normalise it to monthly MRR per customer.

    Parameters
    ----------
    data : the file content (``bytes``), a path, or a file-like object (``.read()``).
    filename : name used in messages and to tell CSV from XLSX (``.xlsx``, ``.xls``,
        ``.ods`` -> spreadsheet, else CSV). Defaults to the path's base name.
    mapping : optional ``{source column: role}``; roles are ``customer_id``, ``month``,
        ``mrr``, ``start_date``, ``end_date``, ``billing_period``, ``annual_amount``.
        Columns not mapped are still recognised by name.
    sheet : spreadsheet sheet name or 0-based index; default: the first sheet with a
        usable layout.
    as_of : date of the export for the subscriptions layout (default: today); active
        subscriptions run to ``min(latest date in the file, as_of)``.

    Returns
    -------
    ExportData
        See :mod:`funnel_core.inputs.billing_export_data`. MRR normalisation:
        ``mrr = amount / months_per_billing_period`` when a billing-period column exists
        and the amount column is not explicitly monthly (``mrr``, ``monthly_*``);
        ``mrr = annual_amount / 12`` when only an annual amount is given.

    Raises
    ------
    CohortInputError
        The file cannot be read, has no usable layout, or has no good row.
    """
    if filename is None:
        filename = os.path.basename(os.fspath(data)) if isinstance(data, (str, os.PathLike)) \
            else getattr(data, "name", None) or "upload"
    filename = str(filename)
    src = open_source(data, filename)
    if not src.head.strip() and len(src.head) < 65536:
        raise CohortInputError(filename, tr("the file is empty"))
    is_sheet = filename.lower().endswith(SPREADSHEET_EXTENSIONS) \
        or src.head[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
    try:
        size = len(src.blob) if src.blob is not None else os.path.getsize(str(src.path))
        check_byte_size(size, filename, local=src.blob is None)
        raw = _read_spreadsheet(src, filename, sheet, mapping) if is_sheet \
            else read_csv(src, filename, mapping)
    except CohortInputError:
        raise
    except InputError as exc:  # a limit, a damaged zip, a reader that died
        raise CohortInputError(filename, problem_of(exc, filename)) from None
    except Exception as exc:  # noqa: BLE001 - any other reader failure, in the user's terms
        raise CohortInputError(filename, _reader_failure(exc, is_sheet)) from None
    roles = resolve_roles(raw.header, mapping, filename)
    layout = choose_layout(roles)
    assert layout is not None
    if as_of is None:
        as_of_date = _dt.date.today()
    elif isinstance(as_of, str):
        as_of_date = pd.Timestamp(as_of).date()
    else:
        as_of_date = as_of
    return normalise_export(raw, roles, layout, filename,
                            month_ordinal(as_of_date.year, as_of_date.month))


def _read_spreadsheet(src: Source, filename: str, sheet: str | int | None,
                      mapping: Mapping[str, str] | None) -> RawSheet:
    """The workbook checked against the limits, then read in a worker process."""
    blob = src.bytes()
    shape = checked_workbook(blob, filename, kind="export", local=src.path is not None)
    return read_isolated(read_workbook, Source(blob, None, src.head), filename, sheet, mapping,
                         shape, filename=filename)


def _reader_failure(error: Exception, is_sheet: bool) -> str:
    """What a reader's own exception means for the user, and what to do."""
    if isinstance(error, UnicodeError):
        return tr("the file is not text in an encoding this reader knows (it may be another "
                  "kind of file); export it again from your billing tool as CSV (UTF-8) or XLSX")
    if is_sheet:
        return tr(DAMAGED_WORKBOOK)
    return tr("the file cannot be read as a CSV table; export it again from your billing tool "
              "as CSV (UTF-8) or XLSX")

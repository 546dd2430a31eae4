"""Every size limit on what users bring in, in one place, and the error that names them.

The readers check these limits *before* a parser sees the data (bytes of an upload, the
zip directory of a workbook, the shape of a text table), so a hostile or accidental huge
file is refused at once with a message naming the file, the limit and what to do, instead
of holding the server's memory and CPU. The defaults are generous for real funnel files
(a few hundred periods) and billing exports (a 2,000,000-row CSV export passes from the
command line).

``UPLOAD_BYTES`` matches ``server.maxUploadSize`` in ``.streamlit/config.toml`` (20 MB);
the command line reads local files up to :attr:`UploadLimits.local_file_bytes` (200 MB).
"""

from __future__ import annotations

from dataclasses import dataclass

from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr, tr_n
from funnel_core.inputs.issues import InputError, ParseIssue

__all__ = [
    "DEFAULT_LIMITS",
    "InputLimitError",
    "MIB",
    "UploadLimits",
    "byte_count",
    "cell_too_long",
    "check_byte_size",
    "check_text_size",
    "human_bytes",
    "problem_of",
    "whole_number",
]

#: One mebibyte; Streamlit's ``server.maxUploadSize`` counts in these.
MIB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """The limits every reader checks; all counts are inclusive maxima.

    Attributes
    ----------
    upload_bytes : int
        Bytes of one uploaded file in the app (= ``server.maxUploadSize`` x 1 MiB).
    local_file_bytes : int
        Bytes of one local file read by the command line.
    paste_chars : int
        Characters of pasted spreadsheet cells.
    zip_entries : int
        Parts (files) inside one XLSX/XLSM/ODS workbook.
    part_bytes : int
        Decompressed bytes of any one part of a workbook (a 1,048,576-row sheet with a
        few columns is 150-400 MB of XML).
    total_bytes : int
        Decompressed bytes of all parts of a workbook together.
    compression_ratio : float
        Decompressed / compressed size of one part; real sheets stay well under it.
    ratio_floor_bytes : int
        Parts smaller than this (decompressed) are not checked for their ratio.
    sniff_bytes : int
        Bytes of a sheet's XML read to find its declared ``<dimension>``.
    table_rows, table_columns, table_cells : int
        Rows, columns and rows x columns of a funnel file, benchmark catalogue or
        paste (a funnel file has one row per period or per metric: 20 years of months with
        100 columns is 24,000 cells). The funnel reader reads a quarter of a million cells
        in a few seconds; more would hold a server thread for minutes.
    export_rows, export_columns, export_cells : int
        Rows, columns and (for a workbook) the sheet's rows x columns of a billing
        export; a 2,000,000-row CSV export passes.
    cell_chars : int
        Characters in one cell (Excel's own maximum is 32,767).
    parse_seconds : float
        Wall time a workbook may take to read in its worker process.
    worker_memory_bytes : int
        Address space of the worker process that reads a workbook.
    """

    upload_bytes: int = 20 * MIB
    local_file_bytes: int = 200 * MIB
    paste_chars: int = 2_000_000
    zip_entries: int = 1_000
    part_bytes: int = 512 * MIB
    total_bytes: int = 1024 * MIB
    compression_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * MIB
    sniff_bytes: int = 4096
    table_rows: int = 100_000
    table_columns: int = 2_000
    table_cells: int = 250_000
    export_rows: int = 5_000_000
    export_columns: int = 1_000
    export_cells: int = 10_000_000
    cell_chars: int = 32_767
    parse_seconds: float = 60.0
    worker_memory_bytes: int = 3 * 1024 * MIB


#: The limits the app and the command line use.
DEFAULT_LIMITS = UploadLimits()


class InputLimitError(InputError):
    """An input is over one of the :class:`UploadLimits` (or its reader ran out of room).

    A subclass of :class:`~funnel_core.inputs.issues.InputError`, so every caller already
    shows it as a clean message.

    Attributes
    ----------
    file : str
        The file name (or ``"pasted text"``).
    limit : str
        Name of the :class:`UploadLimits` field that was exceeded (``"worker"`` when the
        reading process died or ran out of time).
    issue : ParseIssue
        The problem with level ``error``; its message names the file, the limit and what
        to do.
    """

    def __init__(self, file: str, message: str, *, limit: str) -> None:
        self.file = file
        self.limit = limit
        super().__init__(ParseIssue("error", message, file=file))

    def __reduce__(self) -> tuple[object, ...]:  # picklable across the worker process
        return (_rebuild_limit_error, (self.file, self.issue.message, self.limit))


def _rebuild_limit_error(file: str, message: str, limit: str) -> InputLimitError:
    return InputLimitError(file, message, limit=limit)


def whole_number(value: float) -> str:
    """``1234567`` -> ``"1,234,567"``: a count (rounded to a whole number) with the thousands
    separator of the current language (``"1.234.567"`` in German)."""
    if current_language() == DEFAULT_LANGUAGE:
        return f"{value:,.0f}"
    from funnel_core.domain.formatting import localised_number

    return localised_number(value, 0)


def _one_decimal(value: float) -> str:
    if current_language() == DEFAULT_LANGUAGE:
        return f"{value:.1f}"
    from funnel_core.domain.formatting import localised_number

    return localised_number(value, 1)


#: Size units, translated where shown (French writes Mo, Go, Ko).
_SIZE_UNITS = ((mark("{size} GB"), 1024 * MIB), (mark("{size} MB"), MIB), (mark("{size} KB"), 1024))


def byte_count(size: int) -> str:
    """``"1,234 bytes"``: an exact number of bytes, in the current language."""
    return tr_n("{n} bytes", "{n} bytes", size, n=whole_number(size))


def human_bytes(size: float) -> str:
    """``20971520`` -> ``"20 MB"``: sizes as users read them (1 MB = 1,048,576 bytes).

    Parameters
    ----------
    size : float
        Bytes, >= 0.

    Returns
    -------
    str
        Whole MB/GB from 1 MB up, KB below, with one decimal when it is not whole; in the
        current language (``"20,5 MB"`` in German, ``"20 Mo"`` in French).
    """
    for unit, scale in _SIZE_UNITS:
        if size >= scale:
            value = size / scale
            number = (f"{value:.0f}" if value == int(value) or value >= 100
                      else _one_decimal(value))
            return tr(unit, size=number)
    return tr_n("{n} bytes", "{n} bytes", int(size), n=int(size))


def check_byte_size(size: int, file: str, *, local: bool = False,
                    limits: UploadLimits = DEFAULT_LIMITS) -> None:
    """Refuse a file over the upload (or local file) byte limit.

    Parameters
    ----------
    size : int
        Bytes of the file.
    file : str
        Its name, for the message.
    local : bool
        True for a file the command line reads from disk (:attr:`~UploadLimits.local_file_bytes`),
        False for an upload (:attr:`~UploadLimits.upload_bytes`).
    limits : UploadLimits

    Raises
    ------
    InputLimitError
        ``size`` is over the limit.
    """
    allowed = limits.local_file_bytes if local else limits.upload_bytes
    if size > allowed:
        shown, limit = human_bytes(size), human_bytes(allowed)
        if size < allowed * 1.01:  # "20.0 MB, more than the 20 MB allowed" would puzzle
            shown, limit = byte_count(size), f"{limit} ({byte_count(allowed)})"
        if local:
            message = tr("'{file}' is {size}, more than the {limit} allowed for a file read from "
                         "disk. Keep only the sheet and the rows you need (or save it as CSV) and "
                         "try again.", file=file, size=shown, limit=limit)
        else:
            message = tr("'{file}' is {size}, more than the {limit} allowed. Keep only the sheet "
                         "and the rows you need (or save it as CSV) and try again.",
                         file=file, size=shown, limit=limit)
        raise InputLimitError(
            file,
            message,
            limit="local_file_bytes" if local else "upload_bytes",
        )


def check_text_size(text: str, source: str = "pasted text", *,
                    limits: UploadLimits = DEFAULT_LIMITS) -> None:
    """Refuse pasted text over :attr:`UploadLimits.paste_chars` characters.

    Raises
    ------
    InputLimitError
        The text is longer than the limit.
    """
    if len(text) > limits.paste_chars:
        values = {"n": whole_number(len(text)), "limit": whole_number(limits.paste_chars)}
        if source == "pasted text":
            message = tr("The pasted text has {n} characters, more than the {limit} allowed. "
                         "Paste only the rows with your funnel numbers, or upload the file "
                         "instead.", **values)
        else:
            message = tr("The {source} has {n} characters, more than the {limit} allowed. "
                         "Paste only the rows with your funnel numbers, or upload the file "
                         "instead.", source=source, **values)
        raise InputLimitError(
            source,
            message,
            limit="paste_chars",
        )


def cell_too_long(file: str, length: int, *, row: int | None = None,
                  column: str | None = None,
                  limits: UploadLimits = DEFAULT_LIMITS) -> InputLimitError:
    """The error for one cell over :attr:`UploadLimits.cell_chars` characters.

    Parameters
    ----------
    file : str
    length : int
        Characters in the cell.
    row : int, optional
        1-based spreadsheet row.
    column : str, optional
        Column header or letter.
    limits : UploadLimits

    Returns
    -------
    InputLimitError
        To be raised by the caller.
    """
    where = ", ".join(p for p in (tr("row {row}", row=row) if row is not None else "",
                                  tr("column '{column}'", column=column) if column else "") if p)
    at = f" ({where})" if where else ""
    return InputLimitError(
        file,
        tr("'{file}' has a cell{at} of {n} characters, more than the {limit} allowed in one "
           "cell. Check that the file is a table of funnel numbers (one value per cell) and "
           "that its columns are separated by commas, semicolons or tabs.",
           file=file, at=at, n=whole_number(length), limit=whole_number(limits.cell_chars)),
        limit="cell_chars",
    )


def problem_of(error: InputError, file: str) -> str:
    """An input error's message without the file's name in front, for error types that put
    the name (and row) before the message themselves.

    ``"'a.xlsx' is 25 MB, ..."`` -> ``"the file is 25 MB, ..."``; ``"'a.xlsx': sheet ..."``
    -> ``"sheet ..."``; other messages unchanged. The translations of these messages start
    with the quoted name too, so this works in every language.
    """
    message = error.issue.message
    if message.startswith(f"'{file}': "):
        return message[len(f"'{file}': "):]
    if message.startswith(f"'{file}' "):
        return tr("the file {problem}", problem=message[len(f"'{file}' "):])
    return message

"""Reading users' funnel numbers from an uploaded file, a file on disk or pasted cells.

The entry points of the input wing: :func:`parse_bytes` (an upload: CSV, TSV or text, or a
workbook, where by default the first sheet with a recognised metric is read),
:func:`parse_file` (a path) and :func:`parse_text` (cells pasted from Excel or Google
Sheets). Each returns a :class:`~funnel_core.inputs.issues.ParsedInput`; bad cells become
issues, and only a problem with the whole input raises
:class:`~funnel_core.inputs.issues.InputError`. The steps live in their own modules: file
type and reading (:mod:`~funnel_core.inputs.raw_table`), the table's layout and numbers
(:mod:`~funnel_core.inputs.table_parser`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from funnel_core.domain.i18n import tr
from funnel_core.inputs.issues import InputError, ParsedInput, ParseIssue
from funnel_core.inputs.limits import check_byte_size, check_text_size
from funnel_core.inputs.raw_table import list_sheets, read_raw_table
from funnel_core.inputs.table_parser import parse_table
from funnel_core.inputs.text_table import read_text_table

__all__ = ["parse_bytes", "parse_file", "parse_text"]


def parse_bytes(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    number_convention: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
    currency: str | None = None,
) -> ParsedInput:
    """Read funnel numbers from an uploaded file's bytes.

    Parameters
    ----------
    data : bytes
    filename : str
        The extension decides the format; the name appears in messages.
    sheet : str, optional
        Workbook sheet. By default the first sheet in which a funnel metric is recognised;
        messages then name the file as ``"book.xlsx [Sheet]"``.
    number_convention : {"auto", "en", "de"}
    mapping : dict, optional
        Header/metric text -> field (or None to ignore), see :func:`parse_table`.
    currency : str, optional
        The currency the numbers are in, when known; decides an ambiguous number format
        last (see :func:`parse_table`).

    Returns
    -------
    ParsedInput

    Raises
    ------
    InputError
    """
    name = Path(str(filename)).name
    sheets = list_sheets(data, filename)
    if len(sheets) <= 1 or sheet is not None:
        raw = read_raw_table(data, filename, sheet=sheet)
        sheet_read = raw.attrs.get("sheet")
        source = f"{name} [{sheet_read}]" if sheet_read and len(sheets) > 1 else name
        parsed = parse_table(raw, source_name=source, number_convention=number_convention,
                             mapping=mapping, currency=currency)
        parsed.sheet = sheet_read
        return parsed
    # several sheets and none chosen: the first sheet with a recognised metric
    first_error: InputError | None = None
    for candidate in sheets:
        try:
            raw = read_raw_table(data, filename, sheet=candidate)
            parsed = parse_table(raw, source_name=f"{name} [{candidate}]",
                                 number_convention=number_convention, mapping=mapping,
                                 currency=currency)
            parsed.sheet = candidate
            return parsed
        except InputError as exc:
            first_error = first_error or exc
    raise InputError(
        ParseIssue("error",
                   tr("None of the sheets ({sheets}) holds a recognised "
                      "funnel metric. First sheet: {problem}",
                      sheets=", ".join(repr(s) for s in sheets),
                      problem=first_error.issue.message if first_error else ""),
                   file=name))


def parse_file(
    path: str | Path,
    *,
    sheet: str | None = None,
    number_convention: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
) -> ParsedInput:
    """Read funnel numbers from a file on disk (see :func:`parse_bytes`).

    Parameters
    ----------
    path : str or Path
    sheet : str, optional
    number_convention : {"auto", "en", "de"}
    mapping : dict, optional

    Returns
    -------
    ParsedInput

    Raises
    ------
    InputError
        Also when the file does not exist or cannot be opened.
    """
    p = Path(path)
    try:
        check_byte_size(p.stat().st_size, p.name)
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(tr("Cannot open '{path}': {reason}.", path=p, reason=exc.strerror or exc),
                         file=p.name) from None
    return parse_bytes(data, p.name, sheet=sheet, number_convention=number_convention, mapping=mapping)


def parse_text(
    text: str,
    *,
    source_name: str | None = None,
    number_convention: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
    currency: str | None = None,
) -> ParsedInput:
    """Read funnel numbers from cells pasted from Excel or Google Sheets.

    Tab-separated text is usual; semicolons and commas work too, and so do lines such as
    ``Visitors: 12 000``.

    Parameters
    ----------
    text : str
    source_name : str, optional
        Names the input in messages; by default ``"pasted text"`` (in the current language).
    number_convention : {"auto", "en", "de"}
    mapping : dict, optional
    currency : str, optional
        The currency the numbers are in, when known (see :func:`parse_table`).

    Returns
    -------
    ParsedInput

    Raises
    ------
    InputError
        When the text is empty or no metric is recognised.
    """
    if source_name is None:
        source_name = tr("pasted text")
    if not text or not text.strip().strip("\ufeff"):
        raise InputError(tr("Nothing was pasted. Copy the cells in your spreadsheet and paste them here."),
                         file=source_name)
    check_text_size(text, source_name)
    raw = read_text_table(text, source=source_name)
    return parse_table(raw, source_name=source_name, number_convention=number_convention,
                       mapping=mapping, currency=currency)

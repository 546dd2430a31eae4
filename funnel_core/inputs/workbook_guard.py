"""Check an XLSX/XLSM workbook's zip structure and sheet sizes before any parser reads it.

A workbook is a zip of XML parts. A 1.6 KB file whose sheet holds a cell in A1 and one in
XFD1048576 makes the native XLSX reader try to allocate 17 billion cells (the process
aborts); a 0.8 MB file can inflate to gigabytes of rows. :func:`check_workbook` refuses
such files with an :class:`~funnel_core.inputs.limits.InputLimitError`, reading only:

1. the zip directory (:meth:`zipfile.ZipFile.infolist`): number of parts, each part's
   declared decompressed size and compression ratio, and their total;
2. the first :attr:`~UploadLimits.sniff_bytes` of each sheet (through :mod:`zipfile`'s
   decompressor, which never produces more than a part's declared size): the declared
   ``<dimension ref="A1:D40"/>``;
3. every part, streamed in 1 MB chunks: the real decompressed size (and the zip's CRC
   check), and for sheets the real extent -- the last row and column any cell reaches,
   counted from the ``<row>``/``<c>`` elements (their ``r="B7"`` references, or their
   position when a writer leaves the references out) -- stopping as soon as a limit is
   passed.

Data that is not a zip (an old ``.xls``, a text file named ``.xlsx``) is left to the
reader, which gives its own message.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from funnel_core.domain.i18n import mark, tr
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import (
    DEFAULT_LIMITS,
    InputLimitError,
    UploadLimits,
    human_bytes,
    whole_number,
)
from funnel_core.inputs.sheet_scan import SheetScan, column_letters, column_number

__all__ = ["SheetExtent", "WorkbookShape", "check_workbook"]

#: Bytes decompressed per read while streaming a part.
_CHUNK = 1 << 20
#: workbook.xml and its relationships are read for sheet names only up to this size.
_NAMES_PART_BYTES = 4 << 20

#: What to do about a sheet that is too large (translated where shown).
_FIX_EXTENT = mark("Delete the empty rows and columns after your data (in Excel, Ctrl+End shows the "
               "last cell the sheet keeps), or copy your table into a new workbook, save it and "
               "upload that.")
_DAMAGED = mark("'{file}' could not be read as a workbook. The workbook seems damaged or "
                "password-protected; open and save it again in Excel.")

_ROOT_RE = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>/]")
_DIMENSION_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_RANGE_END_RE = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d{0,9})$")
_SHEET_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s([^>]*)>")
_REL_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s([^>]*)>")
_NAME_ATTR_RE = re.compile(rb"\bname=\"([^\"]*)\"")
_RID_ATTR_RE = re.compile(rb"\b[\w.-]+:id=\"([^\"]*)\"")
_ID_ATTR_RE = re.compile(rb"\bId=\"([^\"]*)\"")
_TARGET_ATTR_RE = re.compile(rb"\bTarget=\"([^\"]*)\"")


@dataclass(frozen=True)
class SheetExtent:
    """The size of one sheet part.

    Attributes
    ----------
    part : str
        Its path in the zip (``xl/worksheets/sheet1.xml``).
    name : str
        The sheet name users see, or the part path when the workbook does not say.
    declared : tuple of int or None
        ``(rows, columns)`` from ``<dimension ref>`` counted from A1; None when absent.
    rows, columns : int
        The last row and column any cell reaches (1-based; 0 for an empty sheet).
    cells : int
        Number of ``<c>`` elements.
    errors : tuple of tuple
        ``(row, column, code)`` of error cells such as ``#DIV/0!`` (1-based; at most
        :data:`~funnel_core.inputs.sheet_scan.MAX_ERROR_CELLS`).
    """

    part: str
    name: str
    declared: tuple[int, int] | None
    rows: int
    columns: int
    cells: int
    errors: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class WorkbookShape:
    """What :func:`check_workbook` found in a workbook that passed.

    Attributes
    ----------
    parts : int
        Entries in the zip.
    decompressed_bytes : int
        Real decompressed size of all parts.
    sheets : tuple of SheetExtent
    """

    parts: int
    decompressed_bytes: int
    sheets: tuple[SheetExtent, ...]


def _shape_limits(kind: Literal["table", "export"], limits: UploadLimits) -> tuple[str, int, int, int]:
    """``(kind, rows, columns, cells)``: the shape limits of a funnel table or an export."""
    if kind == "export":
        return kind, limits.export_rows, limits.export_columns, limits.export_cells
    return "table", limits.table_rows, limits.table_columns, limits.table_cells


def check_workbook(data: bytes, filename: str, *, kind: Literal["table", "export"] = "table",
                   limits: UploadLimits = DEFAULT_LIMITS) -> WorkbookShape | None:
    """Refuse a workbook whose parts or sheets are over the limits, before parsing it.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name, for the messages.
    kind : {"table", "export"}
        Which row/column/cell limits apply: a funnel file or catalogue (``table_*``) or a
        billing export (``export_*``).
    limits : UploadLimits

    Returns
    -------
    WorkbookShape or None
        The sizes found; None when ``data`` is not a zip archive (not an XLSX/XLSM/ODS).

    Raises
    ------
    InputLimitError
        Too many parts; a part over the size or compression-ratio limit (declared or
        real); the workbook over the total size; a sheet whose declared or real extent
        is over the row, column or cell limits.
    InputError
        The zip is damaged (bad directory, CRC mismatch, encrypted or unknown compression).
    """
    if data[:4] != b"PK\x03\x04":
        return None
    shape = _shape_limits(kind, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_directory(infos, filename, limits)
            names = _sheet_names(archive, infos)
            sheets = []
            total = 0
            # declared dimensions first: a lying sheet is refused after reading a few KB
            for info in infos:
                with archive.open(info) as stream:
                    head = stream.read(limits.sniff_bytes)
                root = _ROOT_RE.search(head[:limits.sniff_bytes])
                if root is not None or info.filename in names:
                    declared = _declared_extent(head)
                    if declared is not None:
                        _check_extent(filename, names.get(info.filename, info.filename),
                                      declared[0], declared[1], None, shape, declared=True)
            for info in infos:
                size, extent = _stream_part(archive, info, filename, names, shape, limits)
                total += size
                if total > limits.total_bytes:
                    raise InputLimitError(
                        filename,
                        tr("'{file}' unpacks to more than {limit}, the most a workbook may "
                           "hold. {fix}", file=filename, limit=human_bytes(limits.total_bytes),
                           fix=tr(_FIX_EXTENT)),
                        limit="total_bytes")
                if extent is not None:
                    sheets.append(extent)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError,
            OSError, ValueError, OverflowError) as exc:
        raise InputError(tr(_DAMAGED, file=filename), file=filename) from exc
    return WorkbookShape(parts=len(infos), decompressed_bytes=total, sheets=tuple(sheets))


def _check_directory(infos: list[zipfile.ZipInfo], filename: str, limits: UploadLimits) -> None:
    """Part count, declared sizes and ratios, from the zip directory only."""
    if len(infos) > limits.zip_entries:
        raise InputLimitError(
            filename,
            tr("'{file}' holds {n} parts, more than the {limit} a workbook may have. Copy the "
               "sheet with your numbers into a new workbook, save it and upload that (or save "
               "the sheet as CSV).", file=filename, n=whole_number(len(infos)),
               limit=whole_number(limits.zip_entries)),
            limit="zip_entries")
    declared_total = 0
    for info in infos:
        _check_part_size(filename, info, info.file_size, limits)
        declared_total += info.file_size
    if declared_total > limits.total_bytes:
        raise InputLimitError(
            filename,
            tr("'{file}' would unpack to {size}, more than the {limit} a workbook may hold. "
               "{fix}", file=filename, size=human_bytes(declared_total),
               limit=human_bytes(limits.total_bytes), fix=tr(_FIX_EXTENT)),
            limit="total_bytes")


def _check_part_size(filename: str, info: zipfile.ZipInfo, size: int, limits: UploadLimits) -> None:
    """One part's decompressed size and its compression ratio."""
    if size > limits.part_bytes:
        raise InputLimitError(
            filename,
            tr("'{file}' unpacks to {size} in its part '{part}', more than the {limit} allowed "
               "for one part of a workbook. {fix}", file=filename, size=human_bytes(size),
               part=info.filename, limit=human_bytes(limits.part_bytes), fix=tr(_FIX_EXTENT)),
            limit="part_bytes")
    if size >= limits.ratio_floor_bytes:
        ratio = size / max(info.compress_size, 1)
        if ratio > limits.compression_ratio:
            raise InputLimitError(
                filename,
                tr("'{file}' is compressed {ratio} times in its part '{part}' (at most {limit} "
                   "is allowed; real sheets stay far below), so it is refused. If the sheet is "
                   "genuine, save it as CSV and upload that.", file=filename,
                   ratio=whole_number(ratio), part=info.filename,
                   limit=whole_number(limits.compression_ratio)),
                limit="compression_ratio")


def _sheet_names(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Sheet part path -> sheet name, from xl/workbook.xml and its relationships."""
    by_name = {i.filename: i for i in infos}
    book = by_name.get("xl/workbook.xml")
    rels = by_name.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None or max(book.file_size, rels.file_size) > _NAMES_PART_BYTES:
        return {}
    try:
        book_xml = archive.read(book)
        rels_xml = archive.read(rels)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError):
        return {}
    targets: dict[bytes, str] = {}
    for m in _REL_RE.finditer(rels_xml):
        rid, target = _ID_ATTR_RE.search(m.group(1)), _TARGET_ATTR_RE.search(m.group(1))
        if rid and target:
            path = html.unescape(target.group(1).decode("utf-8", "replace"))
            path = path.lstrip("/") if path.startswith("/") else posixpath.join("xl", path)
            targets[rid.group(1)] = posixpath.normpath(path)
    names: dict[str, str] = {}
    for m in _SHEET_RE.finditer(book_xml):
        name, rid = _NAME_ATTR_RE.search(m.group(1)), _RID_ATTR_RE.search(m.group(1))
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = html.unescape(name.group(1).decode("utf-8", "replace"))
    return names


def _declared_extent(head: bytes) -> tuple[int, int] | None:
    """``(rows, columns)`` of ``<dimension ref="A1:XFD1048576"/>`` counted from A1."""
    m = _DIMENSION_RE.search(head)
    if m is None:
        return None
    end = m.group(1).decode("ascii", "replace").split(":")[-1].strip()
    cell = _RANGE_END_RE.match(end)
    if cell is None:
        return None
    letters, digits = cell.groups()
    rows = int(digits) if digits else 1_048_576  # "A:C": whole columns
    columns = column_number(letters) if letters else 16_384  # "1:5": whole rows
    return rows, columns


def _check_extent(filename: str, sheet: str, rows: int, columns: int, cells: int | None,
                  shape: tuple[str, int, int, int], *, declared: bool) -> None:
    """Refuse a sheet whose extent (or cell count) is over the shape limits."""
    kind, max_rows, max_columns, max_cells = shape
    if rows <= max_rows and columns <= max_columns and rows * columns <= max_cells \
            and (cells is None or cells <= max_cells):
        return
    values = {"rows": whole_number(rows), "columns": whole_number(columns),
              "max_rows": whole_number(max_rows), "max_columns": whole_number(max_columns),
              "max_cells": whole_number(max_cells)}
    if rows > max_rows:
        what = tr("{rows} rows, more than the {max_rows} allowed", **values)
        limit = f"{kind}_rows"
    elif columns > max_columns:
        what = tr("{columns} columns, more than the {max_columns} allowed", **values)
        limit = f"{kind}_columns"
    elif rows * columns > max_cells:
        what = tr("{rows} rows x {columns} columns = {cells} cells, more than the {max_cells} "
                  "allowed", cells=whole_number(rows * columns), **values)
        limit = f"{kind}_cells"
    else:
        what = tr("{cells} cells, more than the {max_cells} allowed",
                  cells=whole_number(cells or 0), **values)
        limit = f"{kind}_cells"
    corner = (f"{column_letters(columns)}{rows}" if rows and columns
              else tr("row {row}", row=whole_number(rows)))
    if declared:
        message = tr("'{file}': sheet '{sheet}' declares that its cells reach {corner}, that is "
                     "{what}. {fix}", file=filename, sheet=sheet, corner=corner, what=what,
                     fix=tr(_FIX_EXTENT))
    else:
        message = tr("'{file}': sheet '{sheet}' has cells reaching {corner}, that is {what}. "
                     "{fix}", file=filename, sheet=sheet, corner=corner, what=what,
                     fix=tr(_FIX_EXTENT))
    raise InputLimitError(filename, message, limit=limit)


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                return
            yield chunk


def _stream_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str,
                 names: dict[str, str], shape: tuple[str, int, int, int], limits: UploadLimits
                 ) -> tuple[int, SheetExtent | None]:
    """Decompress one part in chunks: its real size and, for a sheet, its real extent."""
    size = 0
    scan: SheetScan | None = None
    declared: tuple[int, int] | None = None
    sheet = names.get(info.filename, info.filename)
    for chunk in _chunks(archive, info):
        if size == 0:
            root = _ROOT_RE.search(chunk[:limits.sniff_bytes])
            if root is not None or info.filename in names:
                prefix = root.group(1) if root is not None else None
                scan = SheetScan(prefix + b":" if prefix else b"")
                declared = _declared_extent(chunk[:limits.sniff_bytes])
        size += len(chunk)
        if size > limits.part_bytes:  # zipfile stops at the declared size; belt and braces
            _check_part_size(filename, info, size, limits)
        if scan is not None:
            scan.feed(chunk)
            _check_extent(filename, sheet, scan.max_row, scan.max_col, scan.cells, shape,
                          declared=False)
    _check_part_size(filename, info, size, limits)
    if scan is None:
        return size, None
    scan.finish()
    _check_extent(filename, sheet, scan.max_row, scan.max_col, scan.cells, shape, declared=False)
    return size, SheetExtent(part=info.filename, name=sheet, declared=declared,
                             rows=scan.max_row, columns=scan.max_col, cells=scan.cells,
                             errors=tuple(scan.errors))

"""Builders for hostile and large input files, shared by the tests and bench/bench_hostile.py.

Workbooks are written with :mod:`zipfile` and minimal SpreadsheetML, so each one is exactly
the shape under test (a sparse corner cell, a zip bomb, too many parts, rows without a
declared dimension). Also the small worker functions the isolation tests run in a child
process (they must live in an importable module, not in a test file's closure).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships"><sheets><sheet name="Numbers" sheetId="1" r:id="rId1"/></sheets>'
    '</workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<worksheet xmlns="{MAIN_NS}">')
SHEET_TAIL = "</worksheet>"


def _write_frame(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _ROOT_RELS)
    archive.writestr("xl/workbook.xml", _WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)


def workbook(sheet_data: str, *, dimension: str | None = None, extra_parts: int = 0) -> bytes:
    """A one-sheet XLSX whose ``<sheetData>`` is ``sheet_data`` (row and cell XML)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    xml = f"{SHEET_HEAD}{dim}<sheetData>{sheet_data}</sheetData>{SHEET_TAIL}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write_frame(archive)
        archive.writestr("xl/worksheets/sheet1.xml", xml)
        for i in range(extra_parts):
            archive.writestr(f"xl/media/part{i}.xml", "<x/>")
    return buffer.getvalue()


def funnel_rows(rows: list[tuple[str, float]]) -> str:
    """``<row>`` XML for a long-layout funnel table: header, then metric and value rows."""
    out = ['<row r="1"><c r="A1" t="inlineStr"><is><t>metric</t></is></c>'
           '<c r="B1" t="inlineStr"><is><t>value</t></is></c></row>']
    for i, (name, value) in enumerate(rows, start=2):
        out.append(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{name}</t></is></c>'
                   f'<c r="B{i}"><v>{value}</v></c></row>')
    return "".join(out)


def sparse_workbook(corner: str = "XFD1048576", *, declare: bool = True) -> bytes:
    """The 1.6 KB workbook of issue 10: a funnel cell in A1 and one number at ``corner``."""
    row = int("".join(ch for ch in corner if ch.isdigit()))
    data = ('<row r="1"><c r="A1" t="inlineStr"><is><t>visitors</t></is></c>'
            '<c r="B1"><v>1000</v></c></row>'
            f'<row r="{row}"><c r="{corner}"><v>1</v></c></row>')
    return workbook(data, dimension=f"A1:{corner}" if declare else None)


def rows_workbook(n_rows: int, *, dimension: str | None = None) -> bytes:
    """A sheet of ``n_rows`` rows of one number each, with or without a ``<dimension>``."""
    data = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, n_rows + 1))
    return workbook(data, dimension=dimension)


def bomb_workbook(inflated_bytes: int, path: str | os.PathLike[str] | None = None) -> bytes | Path:
    """A workbook whose sheet inflates to about ``inflated_bytes`` of repeated rows.

    One row repeated compresses about 340 times (256 MB in 0.75 MB, 2 GB in 6 MB, like the
    files of issue 10); it is written in a stream, so building it needs little memory. With
    ``path`` the file is written there and the path returned.
    """
    row = b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>7</v></c></row>'
    block = row * (65536 // len(row))
    target: io.BytesIO | Path = io.BytesIO() if path is None else Path(path)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_frame(archive)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f"{SHEET_HEAD}<sheetData>".encode())
            written = 0
            while written < inflated_bytes:
                sheet.write(block)
                written += len(block)
            sheet.write(f"</sheetData>{SHEET_TAIL}".encode())
    return target.getvalue() if isinstance(target, io.BytesIO) else target


def lying_directory(data: bytes, part: str, declared_size: int) -> bytes:
    """``data`` with the central directory's uncompressed size of ``part`` set to ``declared_size``."""
    raw = bytearray(data)
    name = part.encode()
    start = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name) + 1)
    while start >= 0:
        name_len = int.from_bytes(raw[start + 28:start + 30], "little")
        if bytes(raw[start + 46:start + 46 + name_len]) == name:
            raw[start + 24:start + 28] = declared_size.to_bytes(4, "little")
            return bytes(raw)
        start = raw.rfind(b"PK\x01\x02", 0, start)
    raise ValueError(f"{part} not in the central directory")


# --------------------------------------------------------------------------------------
# functions run in a worker process by the isolation tests
# --------------------------------------------------------------------------------------

def sleep_then_abort(seconds: float) -> None:
    """Die like the native reader does: SIGABRT after ``seconds``."""
    time.sleep(seconds)
    os.abort()


def sleep_and_return(seconds: float, value: object) -> object:
    time.sleep(seconds)
    return value


def allocate(n_bytes: int) -> int:
    """Ask for ``n_bytes`` at once (MemoryError under the worker's memory cap)."""
    return len(bytearray(n_bytes))


def raise_value_error(message: str) -> None:
    raise ValueError(message)

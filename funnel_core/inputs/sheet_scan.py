"""Streaming scan of a worksheet's XML: its real extent and its error cells.

:class:`SheetScan` is fed the decompressed XML of one ``xl/worksheets/sheetN.xml`` part in
chunks and keeps, in constant memory, the number of ``<row>`` and ``<c>`` elements, the
last row and column any cell reaches (what a spreadsheet reader allocates), and the first
error cells (``<c t="e"><v>#DIV/0!</v></c>``), which the native reader turns into empty
cells without a word. A cell's position is its ``r="B7"`` reference; without one it is
the next column of the current row (a row without ``r`` is the next row), as readers
place them.

Most writers put ``r`` first (``<c r="B7" s="1">``); for those a chunk is counted with a
few C-speed regular-expression passes. Other chunks are walked tag by tag.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ERROR_CELLS", "SheetScan", "column_letters", "column_number"]

#: Error cells remembered per sheet (the rest are only counted).
MAX_ERROR_CELLS = 1000
#: A single cell longer than this (bytes of XML) is scanned without waiting for its end.
_MAX_TAIL = 4 << 20
_REF_RE = re.compile(rb"\br=\"([A-Z]{0,3})(\d{1,9})\"")
_VALUE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?:\s[^>]*)?>([^<]{0,64})<")
_TAG_ENDS = frozenset({b" ", b">", b"/", b"\t", b"\n", b"\r"})


def column_number(letters: str | bytes) -> int:
    """``"A"`` -> 1, ``"Z"`` -> 26, ``"AA"`` -> 27, ``"XFD"`` -> 16384; ``""`` -> 0."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def column_letters(number: int) -> str:
    """``1`` -> ``"A"``, ``16384`` -> ``"XFD"`` (the inverse of :func:`column_number`)."""
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _last_tag(buf: bytes, opener: bytes) -> int:
    """Position of the last ``opener`` followed by a space, ``>`` or ``/`` (-1: none)."""
    pos = buf.rfind(opener)
    while pos >= 0 and buf[pos + len(opener):pos + len(opener) + 1] not in _TAG_ENDS:
        pos = buf.rfind(opener, 0, pos)
    return pos


class SheetScan:
    """Count rows and cells of one sheet's XML fed in chunks.

    Parameters
    ----------
    prefix : bytes
        The namespace prefix of the sheet's elements with its colon (``b"x:"``), or ``b""``.

    Attributes
    ----------
    rows, cells : int
        ``<row>`` and ``<c>`` elements seen.
    max_row, max_col : int
        The last row and column (1-based) any cell or row reaches; 0 while empty.
    errors : list of tuple
        ``(row, column, code)`` of the first :data:`MAX_ERROR_CELLS` error cells
        (``code`` such as ``"#DIV/0!"``); ``error_count`` counts them all.
    """

    def __init__(self, prefix: bytes = b"") -> None:
        p = re.escape(prefix)
        self._tag_re = re.compile(rb"<" + p + rb"(row|c)(?=[\s/>])([^>]*)>")
        self._cell_ref_re = re.compile(rb"<" + p + rb"c\s[^>]*?\br=\"([A-Z]{1,3})(\d{1,9})\"")
        self._row_ref_re = re.compile(rb"<" + p + rb"row\s[^>]*?\br=\"(\d{1,9})\"")
        self._cell_tag = re.compile(rb"<" + p + rb"c[\s/>]")
        self._row_tag = re.compile(rb"<" + p + rb"row[\s/>]")
        self._error_re = re.compile(rb"<" + p + rb"c\s([^>]*\bt=\"e\"[^>]*)>(.*?)</" + p + rb"c>",
                                    re.DOTALL)
        self._cell_open = b"<" + prefix + b"c"
        self._row_open = b"<" + prefix + b"row"
        self._cell_r_first = b"<" + prefix + b'c r="'
        self._row_r_first = b"<" + prefix + b'row r="'
        self._letters_re = re.compile(rb"<" + p + rb"c r=\"([A-Z]{1,3})\d")
        self._cell_rows_re = re.compile(rb"<" + p + rb"c r=\"[A-Z]{1,3}(\d{1,9})\"")
        self._row_numbers_re = re.compile(rb"<" + p + rb"row r=\"(\d{1,9})\"")
        self._tail = b""
        self.cur_row = 0
        self.cur_col = 0
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.rows = 0
        self.errors: list[tuple[int, int, str]] = []
        self.error_count = 0

    def feed(self, chunk: bytes) -> None:
        """Scan the next chunk; a cell or row cut at the chunk's end waits for the next one."""
        buf = self._tail + chunk
        cut = max(_last_tag(buf, self._cell_open), _last_tag(buf, self._row_open))
        if cut <= 0 or len(buf) - cut > _MAX_TAIL:
            cut = buf.rfind(b"<")
            if cut >= 0 and buf.find(b">", cut) >= 0:
                cut = len(buf)
        if cut < 0:
            cut = len(buf)
        self._tail, buf = buf[cut:], buf[:cut]
        self._scan(buf)

    def finish(self) -> None:
        """Scan what is left after the last chunk."""
        if self._tail:
            self._scan(self._tail)
            self._tail = b""

    def _scan(self, buf: bytes) -> None:
        n_cells = buf.count(self._cell_open)
        n_rows = buf.count(self._row_open)
        if not n_cells and not n_rows:
            return
        if b't="e"' in buf:
            self._collect_errors(buf)
        refs = self._refs_r_first(buf, n_cells, n_rows) or self._refs_anywhere(buf, n_cells, n_rows)
        if refs is None:  # some row or cell has no reference: place them one by one
            self._scan_slow(buf)
            return
        letters, cell_rows, row_numbers = refs
        # every row and cell has its reference: the extent is their maximum
        self.cells += len(letters)
        self.rows += len(row_numbers)
        if row_numbers:
            self.max_row = max(self.max_row, max(map(int, row_numbers)))
        if letters:
            self.max_col = max(self.max_col, max(map(column_number, set(letters))))
            self.max_row = max(self.max_row, max(map(int, cell_rows)))
        last_row = _last_tag(buf, self._row_open)
        last_cell = _last_tag(buf, self._cell_open)
        if row_numbers and last_row > last_cell:
            self.cur_row, self.cur_col = int(row_numbers[-1]), 0
        elif letters:
            self.cur_row, self.cur_col = int(cell_rows[-1]), column_number(letters[-1])

    def _refs_r_first(self, buf: bytes, n_cells: int, n_rows: int
                      ) -> tuple[list[bytes], list[bytes], list[bytes]] | None:
        """Fast path for the usual writers, which put ``r`` first: ``<c r="B7" ...>``."""
        if buf.count(self._cell_r_first) != n_cells or buf.count(self._row_r_first) != n_rows:
            return None
        letters = self._letters_re.findall(buf)
        cell_rows = self._cell_rows_re.findall(buf)
        row_numbers = self._row_numbers_re.findall(buf)
        if len(letters) != n_cells or len(cell_rows) != n_cells or len(row_numbers) != n_rows:
            return None
        return letters, cell_rows, row_numbers

    def _refs_anywhere(self, buf: bytes, n_cells: int, n_rows: int
                       ) -> tuple[list[bytes], list[bytes], list[bytes]] | None:
        """``r`` anywhere in the tag; ``<c`` also starts ``<col``, ``<cfRule`` ... tags."""
        cell_refs = self._cell_ref_re.findall(buf)
        row_numbers = self._row_ref_re.findall(buf)
        if n_cells != len(cell_refs):
            n_cells = len(self._cell_tag.findall(buf))
        if n_rows != len(row_numbers):
            n_rows = len(self._row_tag.findall(buf))
        if n_cells != len(cell_refs) or n_rows != len(row_numbers):
            return None
        return [c for c, _ in cell_refs], [r for _, r in cell_refs], row_numbers

    def _scan_slow(self, buf: bytes) -> None:
        for m in self._tag_re.finditer(buf):
            ref = _REF_RE.search(m.group(2))
            if m.group(1) == b"row":
                self.rows += 1
                self.cur_row = int(ref.group(2)) if ref else self.cur_row + 1
                self.cur_col = 0
                self.max_row = max(self.max_row, self.cur_row)
                continue
            self.cells += 1
            if ref and ref.group(1):
                self.cur_col = column_number(ref.group(1))
                self.cur_row = int(ref.group(2))
            else:
                self.cur_col += 1
                if self.cur_row == 0:
                    self.cur_row = 1
            self.max_col = max(self.max_col, self.cur_col)
            self.max_row = max(self.max_row, self.cur_row)

    def _collect_errors(self, buf: bytes) -> None:
        """Remember error cells that carry their reference (the usual case)."""
        for m in self._error_re.finditer(buf):
            self.error_count += 1
            if len(self.errors) >= MAX_ERROR_CELLS:
                continue
            ref = _REF_RE.search(m.group(1))
            value = _VALUE_RE.search(m.group(2))
            if ref is None or not ref.group(1):
                continue
            code = value.group(1).decode("utf-8", "replace").strip() if value else "#VALUE!"
            self.errors.append((int(ref.group(2)), column_number(ref.group(1)), code or "#VALUE!"))

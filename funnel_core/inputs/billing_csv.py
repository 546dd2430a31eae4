"""Reading a CSV billing export with pyarrow: encoding, delimiter, header and ragged rows.

The first 64 KiB decide the encoding (UTF-8, else Windows-1252), the delimiter (``,``,
``;``, tab or ``|``: the one with the same count on most lines) and the header row (title
rows above it are skipped). Only the columns the roles use are read; ids and dates always
as text (``1.2025`` is a month, ``00123`` an id), amounts with pyarrow's fast number
parsing. When a reading fails the next is tried: numbers as text, then the next encoding.
Rows with the wrong number of cells are skipped and reported with their line numbers;
quoted values with line breaks are allowed when that makes every row fit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

import numpy as np

from funnel_core.domain.i18n import tr, tr_n
from funnel_core.inputs.billing_columns import resolve_roles
from funnel_core.inputs.billing_errors import MAX_ROW_ISSUES, CohortInputError, RowIssue
from funnel_core.inputs.billing_table import RawSheet, Source, dedupe_header, find_header_row
from funnel_core.inputs.limits import DEFAULT_LIMITS, whole_number

__all__ = ["read_csv", "sniff_csv"]

#: The last encoding tried: Windows-1252 with undefined bytes replaced (never fails).
CP1252_REPLACE = "cp1252/replace"

#: Roles always read as text: ids and dates (``1.2025`` is a month, ``00123`` an id).
_TEXT_ROLES = ("customer_id", "month", "start_date", "end_date", "billing_period")

#: A row the parser skipped: (line number or None, text, expected cells, actual cells).
_InvalidRow = tuple[int | None, str, int, int]


def sniff_csv(sample: bytes) -> tuple[str, str, list[list[str]]]:
    """Encoding, delimiter and the first rows of a CSV from its first bytes."""
    encoding = "utf-8"
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a multi-byte char cut at the sample's end
            text = sample[:exc.start].decode("utf-8-sig")
        else:
            encoding = "cp1252"
            text = sample.decode("cp1252", errors="replace")
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    if not lines:
        return encoding, ",", []
    # the delimiter whose per-line count is the same on most lines (title rows without
    # delimiters do not matter), then the one with more columns
    best, best_score = ",", (0, 0)
    for delim in (",", ";", "\t", "|"):
        counts = [ln.count(delim) for ln in lines[:20]]
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        mode = max(set(nonzero), key=lambda c: (nonzero.count(c), c))
        score = (nonzero.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    rows = list(csv.reader(lines[:25], delimiter=best))
    return encoding, best, rows


class _ArrowCsv:
    """One CSV file read with pyarrow, with the rows the parser had to skip.

    ``invalid`` holds the skipped rows of the latest :meth:`read`.
    """

    def __init__(self, src: Source, header: list[str], header_line: int, delimiter: str,
                 roles: Mapping[str, str]) -> None:
        self.src = src
        self.header = header
        self.header_line = header_line
        self.delimiter = delimiter
        self.roles = roles
        self.needed = list(dict.fromkeys(roles.values()))
        self.invalid: list[_InvalidRow] = []
        self._transcoded: bytes | None = None

    def _on_invalid(self, row: Any) -> str:
        self.invalid.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    def read(self, force_text: bool, threads: bool, encoding: str,
             newlines: bool = False) -> Any:
        """A pyarrow table of the needed columns; ``force_text`` reads amounts as text too,
        ``newlines`` allows line breaks in quoted values. The encoding
        :data:`CP1252_REPLACE` reads Windows-1252 with the few bytes it leaves undefined
        (0x81, 0x8D, 0x8F, 0x90, 0x9D) replaced, instead of failing on them."""
        import pyarrow as pa
        import pyarrow.csv as pcsv

        self.invalid.clear()
        dict_type = pa.dictionary(pa.int32(), pa.string())
        # ids and dates are always read as text (1.2025 is a month, 00123 an id);
        # amounts are left to pyarrow's fast number parsing
        types = {self.roles[r]: dict_type for r in _TEXT_ROLES if r in self.roles}
        if force_text:
            types = {c: dict_type for c in self.needed}
        stream = self.src.stream()
        if encoding == CP1252_REPLACE:
            if self._transcoded is None:
                self._transcoded = self.src.bytes().decode("cp1252", errors="replace").encode()
            stream, encoding = io.BytesIO(self._transcoded), "utf8"
        return pcsv.read_csv(
            stream,
            read_options=pcsv.ReadOptions(column_names=self.header,
                                          skip_rows=self.header_line + 1,
                                          encoding=encoding, use_threads=threads,
                                          block_size=4 << 20),
            parse_options=pcsv.ParseOptions(delimiter=self.delimiter,
                                            invalid_row_handler=self._on_invalid,
                                            newlines_in_values=newlines),
            convert_options=pcsv.ConvertOptions(
                include_columns=self.needed, column_types=types, auto_dict_encode=True,
                auto_dict_max_cardinality=2**31 - 1, strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )

    def has_binary(self, table: Any) -> bool:
        """True when a column came out as bytes: the text was not valid in the encoding."""
        import pyarrow as pa

        return any(pa.types.is_binary(table.column(c).type)
                   or (pa.types.is_dictionary(table.column(c).type)
                       and pa.types.is_binary(table.column(c).type.value_type))
                   for c in self.needed)


def _first_reading(reader: _ArrowCsv, encoding: str, filename: str) -> tuple[Any, str, bool]:
    """The first reading that works: UTF-8 first (unless the start of the file is clearly
    not), then Windows-1252 (an Excel export); per encoding, numbers as pyarrow infers
    them, then all as text.

    Returns
    -------
    (table, encoding, force_text)

    Raises
    ------
    CohortInputError
        When no reading works.
    """
    import pyarrow as pa

    encodings = (["utf8", "cp1252"] if encoding == "utf-8" else [encoding]) + [CP1252_REPLACE]
    table = None
    enc = encodings[0]
    used_force_text = False
    last_error: Exception | None = None
    for enc in encodings:
        for force_text in (False, True):
            try:
                table = reader.read(force_text, True, enc)
                used_force_text = force_text
            except UnicodeError as exc:  # a byte the encoding does not define
                last_error, table = exc, None
                break  # try the next encoding
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                last_error, table = exc, None
                if "utf8" in str(exc).lower().replace("-", ""):
                    break  # try the next encoding
                continue
            if reader.has_binary(table):
                last_error, table = ValueError("the file is not valid UTF-8"), None
                break
            break
        if table is not None:
            break
    if table is None:
        reason = str(last_error).splitlines()[0].removeprefix("CSV parse error: ") if last_error \
            else tr("unknown")
        raise CohortInputError(filename, tr("the file cannot be read as a CSV table ({reason}); "
                                            "export it again from your billing tool as CSV "
                                            "(UTF-8) or XLSX", reason=reason))
    return table, enc, used_force_text


def _settle_invalid_rows(reader: _ArrowCsv, table: Any, encoding: str,
                         force_text: bool) -> Any:
    """Read again when rows were skipped: quoted values with line breaks look like short
    rows to the fast parser, so allow them; if every row is then fine, keep that reading.
    Otherwise keep the skipped rows, read single-threaded when their line numbers are
    unknown (only then does the parser know them)."""
    import pyarrow as pa

    first_invalid = list(reader.invalid)
    try:
        retry = reader.read(force_text, True, encoding, newlines=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        retry = None
    if retry is not None and not reader.invalid:
        return retry
    reader.invalid[:] = first_invalid
    if any(num is None for num, *_ in reader.invalid):
        return reader.read(force_text, False, encoding)
    return table


def _bad_row_report(invalid: list[_InvalidRow], n_rows: int, header_line: int
                    ) -> tuple[list[RowIssue], np.ndarray]:
    """Messages for the skipped rows and the spreadsheet row of every kept row.

    Data row ``i`` sits on physical line ``i + header_line + 2`` plus the number of bad
    lines before it: with bad lines ``b_0 < b_1 < ...``, that is
    ``#{j : b_j - j <= base_i}``.
    """
    bad_rows: list[RowIssue] = []
    lines = sorted(int(num) for num, *_ in invalid if num is not None)
    for num, _text, exp, act in sorted(invalid, key=lambda t: t[0] or 0)[:MAX_ROW_ISSUES]:
        bad_rows.append(RowIssue(num, None, tr("expected {expected} columns, found {found}",
                                               expected=exp, found=act),
                                 key="expected columns"))
    if len(invalid) > MAX_ROW_ISSUES:
        bad_rows.append(RowIssue(None, None, tr_n(
            "{count} rows in total have the wrong number of columns",
            "{count} rows in total have the wrong number of columns", len(invalid),
            count=whole_number(len(invalid))), key="expected columns"))
    base = np.arange(n_rows, dtype=np.int64) + header_line + 2
    bad = np.asarray(lines, dtype=np.int64)
    row_numbers = base + np.searchsorted(bad - np.arange(len(bad)), base, side="right")
    return bad_rows, row_numbers


def read_csv(src: Source, filename: str, roles_hint: Mapping[str, str] | None) -> RawSheet:
    """Read the columns the roles use from a CSV export.

    Parameters
    ----------
    src : the file.
    filename : name used in messages.
    roles_hint : optional ``{source column: role}`` mapping from the user.

    Returns
    -------
    RawSheet
        pyarrow columns; ``decimal_comma`` is True for a ``;``-delimited file.

    Raises
    ------
    CohortInputError
        For an empty or unreadable file, or columns that fit no layout.
    """
    encoding, delim, head = sniff_csv(src.head)
    if not head:
        raise CohortInputError(filename, tr("the file is empty"))
    if len(src.head) >= 65536 and b"\n" not in src.head and b"\r" not in src.head:
        raise CohortInputError(filename, tr("its first line is longer than 64 KB, so it is not "
                                            "the header of a billing export; export the data "
                                            "again as CSV with one row per line"))
    h = find_header_row(head)
    header = dedupe_header(head[h])
    if len(header) > DEFAULT_LIMITS.export_columns:
        raise CohortInputError(filename, tr("it has {n} columns, more than the {limit} allowed; "
                                            "keep the customer, date and amount columns and "
                                            "try again", n=whole_number(len(header)),
                                            limit=whole_number(DEFAULT_LIMITS.export_columns)))
    # physical line of the header (blank lines before it are skipped by the parser)
    text_lines = src.head.decode(encoding if encoding != "utf-8" else "utf-8-sig",
                                 errors="replace").splitlines()
    nonblank = [i for i, ln in enumerate(text_lines) if ln.strip()]
    header_line = nonblank[h] if h < len(nonblank) else h

    roles = resolve_roles(header, roles_hint, filename)
    reader = _ArrowCsv(src, header, header_line, delim, roles)
    table, enc, force_text = _first_reading(reader, encoding, filename)
    if reader.invalid:
        table = _settle_invalid_rows(reader, table, enc, force_text)
    _check_table(table, reader.needed, filename)
    bad_rows: list[RowIssue] = []
    row_numbers = None
    if reader.invalid:
        bad_rows, row_numbers = _bad_row_report(reader.invalid, table.num_rows, header_line)
    return RawSheet(header=header, columns={c: table.column(c) for c in reader.needed},
                    n_rows=table.num_rows, first_row=header_line + 2, row_numbers=row_numbers,
                    excel=False, decimal_comma=(delim == ";"), bad_rows=bad_rows,
                    n_bad_rows=len(reader.invalid))


def _check_table(table: Any, needed: list[str], filename: str) -> None:
    """Refuse more rows than :attr:`~UploadLimits.export_rows`, or a text cell longer than
    :attr:`~UploadLimits.cell_chars` (measured on the distinct values only)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    limits = DEFAULT_LIMITS
    if table.num_rows > limits.export_rows:
        raise CohortInputError(filename, tr("it has {n} rows, more than the {limit} allowed; "
                                            "export a shorter period or fewer customers and "
                                            "try again", n=whole_number(table.num_rows),
                                            limit=whole_number(limits.export_rows)))
    for name in needed:
        column = table.column(name)
        kind = column.type
        if pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type):
            values = [chunk.dictionary for chunk in column.chunks]
        elif pa.types.is_string(kind):
            values = list(column.chunks)
        else:
            continue
        longest = max((pc.max(pc.utf8_length(v)).as_py() or 0 for v in values if len(v)), default=0)
        if longest > limits.cell_chars:
            raise CohortInputError(filename, tr("a cell has {n} characters, more than the {limit} "
                                                "allowed in one cell; check that the file is a "
                                                "billing export with one value per cell",
                                                n=whole_number(longest),
                                                limit=whole_number(limits.cell_chars)),
                                   column=name)

"""Text files and pasted cells as a table of strings: encodings, delimiters, free lines.

:func:`decode_text` turns the bytes of a CSV/text file into text (byte-order marks, UTF-8,
then the Windows code pages that read most like letters); :func:`read_text_table` splits the
text into cells, with the delimiter (tab, semicolon, comma) detected, and lines without any
delimiter (``Visitors: 12 000``, ``MQLs   40``, ``New customers 12``) split into name and
value. :func:`binary_error` explains, in the user's words, why bytes are not a text file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

import pandas as pd

from funnel_core.domain.constants import CONTEXT_FIELDS, FIELDS
from funnel_core.domain.formatting import format_number
from funnel_core.domain.i18n import tr
from funnel_core.inputs.header_alias_table import CONTEXT_KEY_ALIASES, FIELD_ALIASES
from funnel_core.inputs.headers import match_context_key, match_header
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import DEFAULT_LIMITS, InputLimitError, UploadLimits, cell_too_long
from funnel_core.inputs.sheet_scan import column_letters

__all__ = ["binary_error", "decode_text", "looks_binary", "read_text_table"]


def decode_text(data: bytes, filename: str) -> str:
    """Decode the bytes of a text file.

    A UTF-8 or UTF-16 byte-order mark decides; else UTF-8; else whichever of cp1252, cp1250
    and latin-1 reads most like letters and currency signs.

    Raises
    ------
    InputError
        NUL bytes without a UTF-16 mark: the file is binary (see :func:`binary_error`).
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise binary_error(data, filename)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[int, int, str]] = []
    for order, encoding in enumerate(("cp1252", "cp1250", "latin-1")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((-_text_score(text), order, text))
    if not candidates:  # pragma: no cover - latin-1 decodes anything
        raise binary_error(data, filename)
    candidates.sort()
    return candidates[0][2]


def _text_score(text: str) -> int:
    """Higher for text whose non-ASCII characters look like letters or currency."""
    score = 0
    for ch in text:
        if ord(ch) < 128:
            continue
        if ch.isalpha() or ch in "€£$\u00a0\u202f°§’‘“”–—…%":
            score += 1
        else:
            score -= 1
    return score


def binary_error(data: bytes, filename: str) -> InputError:
    """The error for bytes that are not text, with a hint when they look like a workbook."""
    if data[:4] == b"PK\x03\x04":
        hint = tr("It looks like an Excel workbook: save it with the .xlsx extension.")
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        hint = tr("It looks like an old Excel workbook: save it as .xlsx or .csv.")
    else:
        hint = tr("Export your sheet as CSV (UTF-8) or XLSX and upload that file.")
    return InputError(tr("'{file}' is not a readable text file. {hint}", file=filename, hint=hint),
                      file=filename)


def looks_binary(text: str) -> bool:
    """Whether decoded text is mostly control characters or replacement marks (over 1 %)."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f\v") or ch == "\ufffd")
    return bad > max(2, len(sample) // 100)


_DELIMITERS = ("\t", ";", ",")


def _split_lines(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', skipinitialspace=False)
    try:
        return [list(row) for row in reader]
    except csv.Error:
        return [line.split(delimiter) for line in text.splitlines()]


def _sniff_delimiter(text: str) -> str | None:
    lines = [ln for ln in text.splitlines() if ln.strip()][:200]
    if not lines:
        return None
    sample = "\n".join(lines)
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for rank, delimiter in enumerate(_DELIMITERS):
        if delimiter not in sample:
            continue
        rows = [r for r in _split_lines(sample, delimiter) if any(c.strip() for c in r)]
        if not rows:
            continue
        multi = sum(1 for r in rows if len(r) >= 2) / len(rows)
        score = (multi, -rank)
        if multi >= 0.5 and (best is None or score > best):
            best, chosen = score, delimiter
    return chosen


def _longest_name_words() -> int:
    names = [spec.name for spec in FIELDS] + [getattr(spec, "label_en", None) or spec.label
                                              for spec in FIELDS] + list(CONTEXT_FIELDS)
    names += [alias for table in (FIELD_ALIASES, CONTEXT_KEY_ALIASES)
              for by_language in table.values() for aliases in by_language.values()
              for alias in aliases]
    return max(len(name.split()) for name in names)


#: The most words a metric name may have at the start of a line without delimiters
#: ("New customers 12"): the longest known name, with room for "Number of", a unit such as
#: "(in thousands)", "total" and dashes. Names are tried longest first, so without this
#: bound a line of n words would be matched against the names n times, each time with up
#: to n words (hours for a 1 MB line).
_MAX_NAME_WORDS: int = _longest_name_words() + 16

#: A value at the end of a free line: "12 000", "€ 1.200,50", "7 %", "(1,200)", "1.5k".
_VALUE_RE = re.compile(
    r"(?P<value>[-−+(]?\s*(?:[$€£]|chf|usd|eur|gbp|pln)?\s*\d[\d\s.,'’\u00a0\u202f]*"
    r"(?:\s*(?:%|k|m|mio\.?|zł|zl|€|\$|£|chf|usd|eur|gbp|pln))?\)?)\s*",
    re.IGNORECASE,
)
#: The start of such a value, up to its first digit.
_VALUE_HEAD_RE = re.compile(r"[-−+(]?\s*(?:[$€£]|chf|usd|eur|gbp|pln)?\s*\d", re.IGNORECASE)
#: The digits, spaces and separators of a value after its first digit.
_VALUE_BODY_RE = re.compile(r"[\d\s.,'’\u00a0\u202f]*")
_SPACES_RE = re.compile(r"\s+")
_COLON_RE = re.compile(r"[:=]")


def _split_value_tail(line: str) -> tuple[str, str] | None:
    """Split 'Leads 120' into name and trailing value; None when the line ends in no value.

    The name is as short as possible: the value is the longest tail (after a space) that
    reads as one value. Each run of digits is scanned a bounded number of times: when the
    value starting at a digit fails, a value starting later in the same run of digits and
    separators fails too, so those starts are skipped. The time is linear in the length.
    """
    skip_until = 0
    for gap in _SPACES_RE.finditer(line):
        start = gap.end()
        if gap.start() == 0 or start >= len(line) or start < skip_until:
            continue
        head = _VALUE_HEAD_RE.match(line, start)
        if head is None:
            continue
        if _VALUE_RE.fullmatch(line, start):
            return line[:gap.start()], line[start:]
        skip_until = _VALUE_BODY_RE.match(line, head.end()).end()
    return None


def _split_at_colon(line: str) -> tuple[str, str] | None:
    """Split 'Visitors: 12 000' or 'Leads = 120' at the first ':' or '='.

    Returns None when there is no such sign after the first character or nothing after it.
    Written without a regular expression, which took quadratic time on long runs of spaces.
    """
    found = _COLON_RE.search(line)
    if found is None or found.start() == 0:
        return None
    name = line[:found.start()].rstrip() or line[:1]
    value = line[found.end():].lstrip()
    return (name, value) if value else None


def _split_free_line(line: str) -> list[str]:
    """Split a pasted line without delimiters: 'Visitors: 12 000', 'MQLs   40', 'Leads 120'.

    In that order: at the first ':' or '=', at runs of two or more spaces, after the longest
    recognised metric name of at most :data:`_MAX_NAME_WORDS` words, or before a trailing
    value. Otherwise the line is one cell. The time is linear in the line's length.
    """
    stripped = line.strip()
    if not stripped:
        return [""]
    named = _split_at_colon(stripped)
    if named is not None:
        return list(named)
    parts = re.split(r"\s{2,}", stripped)
    if len(parts) >= 2:
        return parts
    words = stripped.split()
    for i in range(min(len(words) - 1, _MAX_NAME_WORDS), 0, -1):
        name = " ".join(words[:i])
        if match_header(name) or match_context_key(name):
            return [name, " ".join(words[i:])]
    tail = _split_value_tail(stripped)
    if tail is not None:
        return list(tail)
    return [stripped]


def read_text_table(text: str, *, source: str | None = None,
                    limits: UploadLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    """Turn CSV text or pasted spreadsheet cells into a table of strings.

    The delimiter (tab, semicolon or comma) is detected; lines without any delimiter are
    split at ``:``/``=``, at runs of spaces, or before their trailing number. An Excel
    ``sep=;`` first line is honoured. The table limits are checked as early as they can
    be: the number of lines before anything is split, the length of a line without
    delimiters before it is split, the width and every cell's length before the table is
    built.

    Parameters
    ----------
    text : str
    source : str, optional
        The file name, for messages; by default ``"pasted text"`` (in the current language).
    limits : UploadLimits

    Returns
    -------
    pandas.DataFrame
        All cells as stripped strings, no header inferred; index 0 = row 1.

    Raises
    ------
    InputLimitError
        More rows, columns or cells than :attr:`~UploadLimits.table_rows`,
        :attr:`~UploadLimits.table_columns`, :attr:`~UploadLimits.table_cells`, or a cell
        longer than :attr:`~UploadLimits.cell_chars`.
    """
    if source is None:
        source = tr("pasted text")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _check_line_count(text, source, limits)
    delimiter: str | None = None
    first, _, rest = text.partition("\n")
    m = re.fullmatch(r"\s*\"?sep=(.)\"?\s*", first)
    if m:
        delimiter, text = m.group(1), rest
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
    if delimiter is not None:
        rows = _split_lines(text, delimiter)
    else:
        lines = text.split("\n")
        _check_free_lines(lines, source, limits)
        rows = [_split_free_line(line) for line in lines]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    _check_shape(rows, width, source, limits)
    cells = [[c.strip() for c in r] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(cells, columns=list(range(width)), dtype=object)


def _check_line_count(text: str, source: str, limits: UploadLimits) -> None:
    """Refuse more lines than the row limit, before any line is split."""
    lines = text.count("\n") + 1 - (1 if text.endswith("\n") else 0)
    if lines > limits.table_rows:
        raise InputLimitError(
            source,
            tr("'{file}' has {lines} lines, more than the {limit} rows allowed "
               "for funnel numbers (one row per period or per metric). Keep only the rows with "
               "your funnel numbers, or sum them up by month, and try again.",
               file=source, lines=format_number(lines), limit=format_number(limits.table_rows)),
            limit="table_rows")


def _check_free_lines(lines: list[str], source: str, limits: UploadLimits) -> None:
    """A line without delimiters becomes at most a name and a value: two cells."""
    longest = max((len(line) for line in lines), default=0)
    if longest > 2 * limits.cell_chars + 16:
        row = next(i for i, line in enumerate(lines, start=1) if len(line) == longest)
        raise cell_too_long(source, longest, row=row, limits=limits)


def _check_shape(rows: list[list[str]], width: int, source: str, limits: UploadLimits) -> None:
    """Refuse a table wider or larger than the limits, or with an over-long cell."""
    if width > limits.table_columns or len(rows) * width > limits.table_cells:
        too_wide = width > limits.table_columns
        what = (tr("{columns} columns, more than the {limit} allowed",
                   columns=format_number(width), limit=format_number(limits.table_columns))
                if too_wide else
                tr("{rows} rows x {columns} columns, more than the {limit} cells allowed",
                   rows=format_number(len(rows)), columns=format_number(width),
                   limit=format_number(limits.table_cells)))
        raise InputLimitError(
            source,
            tr("'{file}' has {what}. Keep only the columns with your funnel numbers (one per "
               "metric, or one per period) and try again.", file=source, what=what),
            limit="table_columns" if too_wide else "table_cells")
    for i, row in enumerate(rows, start=1):
        if row and max(map(len, row)) > limits.cell_chars:
            j = max(range(len(row)), key=lambda k: len(row[k]))
            raise cell_too_long(source, len(row[j]), row=i, column=column_letters(j + 1), limits=limits)

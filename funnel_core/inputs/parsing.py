"""Reading users' funnel numbers from CSV, XLSX or pasted spreadsheet cells.

Two layouts are recognised automatically:

long
    one metric per row: ``metric, value`` (an optional header row such as
    ``metric,value`` and extra columns are ignored). Context such as ``currency`` or
    ``period`` may appear as rows too. A header row whose cells are period labels
    (``metric, 2025-01, 2025-02``) gives one period per column.
wide
    a header row of metrics and one row per period, with a period column
    (``period``, ``month``, ``Monat``, ``date`` ...). The latest period is the one compared.

Bad cells never stop the import: they are skipped and reported as :class:`ParseIssue`
with the row and column the user sees in a spreadsheet (header = row 1). Only a problem
with the whole input (empty, unreadable, no metric recognised) raises :class:`InputError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from funnel_core.domain.constants import (
    ACV_BANDS,
    CONTEXT_FIELDS,
    CURRENCIES,
    FIELD_NAMES,
    FIELDS_BY_NAME,
    MOTIONS,
    PRODUCT_CATEGORIES,
    TRIAL_TYPES,
)
from funnel_core.inputs.headers import (
    field_label,
    header_multiplier,
    match_context_key,
    match_context_value,
    match_header,
    match_value_header,
    name_language,
    normalise_text,
    period_header_hint,
)
from funnel_core.inputs.numbers import (
    CONVENTION_LABELS,
    NumberError,
    analyse_convention,
    format_number_cell,
    is_missing,
    normalise_convention,
    parse_number_detail,
)

__all__ = [
    "InputError",
    "NUMERIC_CELLS_ATTR",
    "ParseIssue",
    "ParsedInput",
    "PeriodLabel",
    "SUPPORTED_EXTENSIONS",
    "list_sheets",
    "parse_bytes",
    "parse_file",
    "parse_period_label",
    "parse_table",
    "parse_text",
    "read_raw_table",
    "read_text_table",
]

#: File name endings :func:`read_raw_table` accepts.
TEXT_EXTENSIONS: tuple[str, ...] = (".csv", ".tsv", ".txt", ".tab")
WORKBOOK_EXTENSIONS: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SUPPORTED_EXTENSIONS: tuple[str, ...] = TEXT_EXTENSIONS + WORKBOOK_EXTENSIONS

#: ``DataFrame.attrs`` key under which :func:`read_raw_table` records the (index, column)
#: labels of cells that were numbers in the workbook (they are parsed exactly and do not
#: take part in detecting the number convention).
NUMERIC_CELLS_ATTR = "funnel_numeric_cells"

#: Shown when nothing is recognised.
TEMPLATE_HINT = (
    "Use the input template (one metric per row: 'metric,value', or one column per metric "
    "with a 'period' column), with names such as visitors, leads, mqls, sqls, new_customers, "
    "mrr_start, or map your columns to fields by hand."
)

_TOTAL_WORDS: frozenset[str] = frozenset(normalise_text(w) for w in (
    "total", "totals", "grand total", "sum", "summe", "gesamt", "insgesamt", "average", "avg",
    "mean", "median", "durchschnitt", "mittelwert", "moyenne", "somme", "total general",
    "suma", "razem", "srednia", "ytd", "overall", "all", "alle", "tous", "wszystkie",
))
_LONG_HEADER_WORDS: frozenset[str] = frozenset(normalise_text(w) for w in (
    "metric", "metrics", "kpi", "kpis", "name", "field", "fields", "measure", "item", "key",
    "parameter", "indicator", "line item", "kennzahl", "kennzahlen", "metrik", "position",
    "bezeichnung", "indicateur", "metrique", "libelle", "wskaznik", "metryka", "nazwa",
    "pozycja", "description", "label",
))


# --------------------------------------------------------------------------------------
# result types
# --------------------------------------------------------------------------------------


@dataclass
class ParseIssue:
    """One problem found while reading the input.

    Attributes
    ----------
    level : {"error", "warning"}
        ``error``: the cell or row was skipped. ``warning``: it was read, but check it.
    message : str
        What is wrong and what to do.
    file : str or None
        The source name (file name or ``"pasted text"``).
    row : int or None
        1-based row as the user sees it in a spreadsheet (header = row 1).
    column : str or None
        The column's header text, or its letter when it has none.
    """

    level: Literal["error", "warning"]
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class InputError(ValueError):
    """The whole input cannot be used (empty, unreadable, nothing recognised).

    Attributes
    ----------
    issue : ParseIssue
        The problem, with level ``error``.
    """

    def __init__(self, issue: ParseIssue | str, *, file: str | None = None) -> None:
        if isinstance(issue, str):
            issue = ParseIssue("error", issue, file=file)
        self.issue = issue
        super().__init__(str(issue))


@dataclass
class ParsedInput:
    """Numbers read from one file, sheet or paste.

    Attributes
    ----------
    layout : {"long", "wide"}
        ``long``: one value per metric (one period). ``wide``: several periods, one row per
        period, or metrics in rows with one column per period.
    periods : list of str
        Period labels in chronological order (long: one label, ``"current"`` unless the
        input names its period).
    values : dict
        Period label -> canonical field -> value. Skipped cells are absent.
    context : dict
        Context keys found (``period`` as month/quarter/year, ``currency`` as an ISO code,
        ``trial_type``, ``motion``, ``acv_band``, ``product_category``).
    latest_period : str
        The label of the period that is compared (the last of ``periods``).
    unknown : list of str
        Metric names or column headers not recognised (and not mapped to None).
    mapping : dict
        Source column/metric text -> canonical field or context key (None = ignored).
    issues : list of ParseIssue
        Row-level errors (cells skipped) and warnings.
    number_convention : str
        ``"en"`` or ``"de"``, as detected or given.
    source_name : str
    sheet : str or None
        The workbook sheet read (None for CSV and pasted text).
    """

    layout: Literal["long", "wide"]
    periods: list[str]
    values: dict[str, dict[str, float]]
    context: dict[str, str]
    latest_period: str
    unknown: list[str]
    mapping: dict[str, str | None]
    issues: list[ParseIssue]
    number_convention: str
    source_name: str
    sheet: str | None = None

    def latest(self) -> dict[str, float]:
        """Return the values of the latest period (a copy).

        Returns
        -------
        dict
            Canonical field -> value.
        """
        return dict(self.values.get(self.latest_period, {}))

    @property
    def errors(self) -> list[ParseIssue]:
        """The issues of level ``error``."""
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[ParseIssue]:
        """The issues of level ``warning``."""
        return [i for i in self.issues if i.level == "warning"]


# --------------------------------------------------------------------------------------
# period labels
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodLabel:
    """What a period label such as ``2025-Q1`` or ``Jan 2025`` means.

    Attributes
    ----------
    text : str
        The label as written.
    start : tuple of int or None
        ``(year, month, day)`` of the period's start (or the date), for sorting; None when
        the label has no year (``"March"``).
    granularity : str or None
        ``"month"``, ``"quarter"``, ``"year"``, or None for a single date.
    """

    text: str
    start: tuple[int, int, int] | None
    granularity: str | None


MONTH_NAMES: dict[str, int] = {}
for _num, _names in enumerate((
    "january jan januar janner jaenner janvier janv styczen stycznia sty",
    "february feb februar fevrier fevr fev luty lutego lut",
    "march mar marz maerz mrz mars marzec marca",
    "april apr avril avr kwiecien kwietnia kwi",
    "may mai maj maja",
    "june jun juni juin czerwiec czerwca cze",
    "july jul juli juillet juil lipiec lipca lip",
    "august aug aout sierpien sierpnia sie",
    "september sep sept septembre wrzesien wrzesnia wrz",
    "october oct okt oktober octobre pazdziernik pazdziernika paz",
    "november nov novembre listopad listopada lis",
    "december dec dez dezember decembre grudzien grudnia gru",
), start=1):
    for _name in _names.split():
        MONTH_NAMES[_name] = _num

_QUARTER_WORDS = r"(?:q|quarter|quartal|qtr|kw|kwartal|trimestre|trim|t)"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _ascii_lower(text: str) -> str:
    s = text.replace("ł", "l").replace("Ł", "L")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return s.casefold().strip()


def _year(text: str) -> int | None:
    value = int(text)
    if len(text) <= 2:
        value += 2000
    return value if 1900 <= value <= 2199 else None


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def parse_period_label(
    text: object,
    *,
    dayfirst: bool = True,
    allow_bare_year: bool = True,
) -> PeriodLabel | None:
    """Read a period label such as ``2025-01``, ``Jan 2025``, ``2025-Q1`` or ``31.01.2025``.

    Parameters
    ----------
    text : object
        The label. ``datetime``/``date`` objects are accepted too.
    dayfirst : bool
        How to read ``01/02/2025`` when both numbers could be the month.
    allow_bare_year : bool
        Accept a plain ``2025`` as a year (off when the column header does not say it
        holds periods, because ``2025`` may just be a number).

    Returns
    -------
    PeriodLabel or None
        None when the text is not a period label.
    """
    if isinstance(text, (dt.datetime, pd.Timestamp)):
        return PeriodLabel(str(text), (text.year, text.month, text.day), None)
    if isinstance(text, dt.date):
        return PeriodLabel(str(text), (text.year, text.month, text.day), None)
    if text is None:
        return None
    label = str(text).strip()
    if not label or len(label) > 40:
        return None
    s = _ascii_lower(label)
    s = re.sub(r"[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$", "", s).strip()
    s = re.sub(r"\s+", " ", s)

    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return PeriodLabel(label, (y, mo, d), None) if _valid_date(y, mo, d) else None
    m = re.fullmatch(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})", s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        if y is None:
            return None
        if a > 12:
            d, mo = a, b
        elif b > 12:
            mo, d = a, b
        else:
            d, mo = (a, b) if dayfirst else (b, a)
        return PeriodLabel(label, (y, mo, d), None) if _valid_date(y, mo, d) else None
    m = re.fullmatch(r"(\d{4})\s?[-/.]\s?(\d{1,2})", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1900 <= y <= 2199:
            return PeriodLabel(label, (y, mo, 1), "month")
        return None
    m = re.fullmatch(r"(\d{1,2})\s?[-/.]\s?(\d{4})", s)
    if m:
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1900 <= y <= 2199:
            return PeriodLabel(label, (y, mo, 1), "month")
        return None

    quarter = _parse_quarter(s)
    if quarter is not None:
        y, q = quarter
        return PeriodLabel(label, (y, 3 * (q - 1) + 1, 1), "quarter")

    m = re.fullmatch(r"(?:fy|gj|fiscal year|year|jahr|annee|rok|ex|exercice)\s?[-']?\s?(\d{4}|\d{2})"
                     r"(?:\s?r\.?)?", s)
    if m:
        y = _year(m.group(1))
        return PeriodLabel(label, (y, 1, 1), "year") if y else None
    m = re.fullmatch(r"(\d{4})(?:\s?r\.?)?", s)
    if m and allow_bare_year:
        y = _year(m.group(1))
        return PeriodLabel(label, (y, 1, 1), "year") if y else None

    return _parse_month_name(label, s)


def _parse_quarter(s: str) -> tuple[int, int] | None:
    s = re.sub(r"\bfy\s?", "", s)
    patterns = (
        rf"(?P<y>\d{{4}})\s?[-/ ]?\s?{_QUARTER_WORDS}\.?\s?(?P<q>[1-4])",
        rf"{_QUARTER_WORDS}\.?\s?(?P<q>[1-4])\s?[-/ ']?\s?(?P<y>\d{{4}}|\d{{2}})",
        rf"(?P<q>[1-4])\s?\.?\s?{_QUARTER_WORDS}\.?\s?[-/ ']?\s?(?P<y>\d{{4}}|\d{{2}})",
        rf"(?P<y>\d{{4}})\s?[-/ ]?\s?(?P<q>[1-4])\s?\.?\s?{_QUARTER_WORDS}",
    )
    for pattern in patterns:
        m = re.fullmatch(pattern, s)
        if m:
            y = _year(m.group("y"))
            return (y, int(m.group("q"))) if y else None
    m = re.fullmatch(rf"(?P<r>iv|i{{1,3}})\s?\.?\s?{_QUARTER_WORDS}\.?\s?[-/ ']?\s?(?P<y>\d{{4}})", s)
    if m:
        y = _year(m.group("y"))
        return (y, _ROMAN[m.group("r")]) if y else None
    return None


def _parse_month_name(label: str, s: str) -> PeriodLabel | None:
    tokens = re.findall(r"[a-z]+|\d+", s)
    if not tokens or len(tokens) > 4:
        return None
    month: int | None = None
    numbers: list[str] = []
    for token in tokens:
        if token.isdigit():
            numbers.append(token)
        elif token in MONTH_NAMES and month is None:
            month = MONTH_NAMES[token]
        elif token in ("r", "de", "du", "of", "rok", "roku", "fy"):
            continue
        else:
            return None
    if month is None:
        return None
    if re.search(r"[^a-z0-9\s.,'/\-]", s):
        return None
    years = [n for n in numbers if len(n) == 4]
    small = [n for n in numbers if len(n) <= 2]
    if len(years) > 1 or len(numbers) > 2 or len(numbers) - len(years) - len(small) != 0:
        return None
    if not numbers:
        return PeriodLabel(label, None, "month")
    if years:
        y = _year(years[0])
        if y is None:
            return None
        if small:  # a day: "31 Jan 2025", "Jan 31, 2025"
            d = int(small[0])
            return PeriodLabel(label, (y, month, d), None) if _valid_date(y, month, d) else None
        return PeriodLabel(label, (y, month, 1), "month")
    if len(small) == 1:  # "Jan-25", "Jan '25": a two-digit year
        y = _year(small[0])
        return PeriodLabel(label, (y, month, 1), "month") if y else None
    return None


def _infer_granularity(labels: list[PeriodLabel]) -> str | None:
    kinds = {p.granularity for p in labels}
    if len(kinds) == 1 and None not in kinds:
        return next(iter(kinds))
    if kinds != {None} or len(labels) < 2 or any(p.start is None for p in labels):
        return None
    dates = sorted(dt.date(*p.start) for p in labels if p.start)
    gaps = {(b - a).days for a, b in zip(dates, dates[1:])}
    if gaps and all(27 <= g <= 32 for g in gaps):
        return "month"
    if gaps and all(88 <= g <= 93 for g in gaps):
        return "quarter"
    if gaps and all(364 <= g <= 367 for g in gaps):
        return "year"
    return None


# --------------------------------------------------------------------------------------
# reading files into a raw table
# --------------------------------------------------------------------------------------


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _extension(filename: str) -> str:
    return Path(str(filename)).suffix.lower()


def _check_extension(filename: str) -> str:
    ext = _extension(filename)
    if ext not in SUPPORTED_EXTENSIONS:
        shown = ext or "no extension"
        raise InputError(
            f"'{filename}' has an unsupported file type ({shown}). Upload a CSV file "
            "(.csv, .tsv, .txt) or an Excel workbook (.xlsx), or paste the cells as text.",
            file=filename,
        )
    return ext


def _decode(data: bytes, filename: str) -> str:
    """Decode text bytes: BOMs, UTF-8, then Windows code pages."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise _binary_error(data, filename)
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
        raise _binary_error(data, filename)
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


def _binary_error(data: bytes, filename: str) -> InputError:
    if data[:4] == b"PK\x03\x04":
        hint = "It looks like an Excel workbook: save it with the .xlsx extension."
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        hint = "It looks like an old Excel workbook: save it as .xlsx or .csv."
    else:
        hint = "Export your sheet as CSV (UTF-8) or XLSX and upload that file."
    return InputError(f"'{filename}' is not a readable text file. {hint}", file=filename)


def _looks_binary(text: str) -> bool:
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


_VALUE_TAIL_RE = re.compile(
    r"^(?P<name>.*?\S)\s+(?P<value>[-−+(]?\s*(?:[$€£]|chf|usd|eur|gbp|pln)?\s*\d[\d\s.,'’\u00a0\u202f]*"
    r"(?:\s*(?:%|k|m|mio\.?|zł|zl|€|\$|£|chf|usd|eur|gbp|pln))?\)?)\s*$",
    re.IGNORECASE,
)


def _split_free_line(line: str) -> list[str]:
    """Split a pasted line without delimiters: 'Visitors: 12 000', 'MQLs   40', 'Leads 120'."""
    stripped = line.strip()
    if not stripped:
        return [""]
    m = re.match(r"^([^:=]+?)\s*[:=]\s*(.*)$", stripped)
    if m and m.group(2):
        return [m.group(1), m.group(2)]
    parts = re.split(r"\s{2,}", stripped)
    if len(parts) >= 2:
        return parts
    words = stripped.split()
    for i in range(len(words) - 1, 0, -1):
        name = " ".join(words[:i])
        if match_header(name) or match_context_key(name):
            return [name, " ".join(words[i:])]
    m = _VALUE_TAIL_RE.match(stripped)
    if m:
        return [m.group("name"), m.group("value")]
    return [stripped]


def read_text_table(text: str) -> pd.DataFrame:
    """Turn CSV text or pasted spreadsheet cells into a table of strings.

    The delimiter (tab, semicolon or comma) is detected; lines without any delimiter are
    split at ``:``/``=``, at runs of spaces, or before their trailing number. An Excel
    ``sep=;`` first line is honoured.

    Parameters
    ----------
    text : str

    Returns
    -------
    pandas.DataFrame
        All cells as stripped strings, no header inferred; index 0 = row 1.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
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
        rows = [_split_free_line(line) for line in text.split("\n")]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    cells = [[c.strip() for c in r] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(cells, columns=list(range(width)), dtype=object)


def _is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _open_workbook(data: bytes, filename: str) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        raise _workbook_error(data, filename, exc) from exc


def _workbook_error(data: bytes, filename: str, exc: Exception | None = None) -> InputError:
    head = data[:2048]
    if head and not _is_zip(data) and _looks_text(head):
        hint = "It looks like a text (CSV) file: save it with the .csv extension."
    elif _is_zip(data):
        hint = "The workbook seems damaged or password-protected; open and save it again in Excel."
    else:
        hint = "It is not an Excel workbook; export your sheet as .xlsx or .csv."
    return InputError(f"'{filename}' could not be read as a workbook. {hint}", file=filename)


def _looks_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    return not _looks_binary(text) and b"\x00" not in head


def list_sheets(data: bytes, filename: str) -> list[str]:
    """List the sheets of a workbook, for a sheet picker.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name (the extension decides the format).

    Returns
    -------
    list of str
        Sheet names in workbook order; ``[]`` for CSV/text files, which have no sheets.

    Raises
    ------
    InputError
        Unsupported extension, empty file or unreadable workbook.
    """
    ext = _check_extension(filename)
    if ext in TEXT_EXTENSIONS:
        return []
    if not data:
        raise InputError(f"'{filename}' is empty.", file=filename)
    try:
        book = _open_workbook(data, filename)
        names = [m.name for m in book.sheets_metadata
                 if str(getattr(m, "typ", "WorkSheet")).endswith("WorkSheet")]
        return names or list(book.sheet_names)
    except InputError:
        if ext in (".xlsx", ".xlsm") and _is_zip(data):
            try:
                import openpyxl

                wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
                try:
                    return list(wb.sheetnames)
                finally:
                    wb.close()
            except Exception as exc:  # noqa: BLE001
                raise _workbook_error(data, filename, exc) from exc
        raise


def _cell_to_text(value: Any) -> tuple[str, bool]:
    """Return (text, was_number) for a workbook cell."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, (int, float)) or (hasattr(value, "dtype") and hasattr(value, "item")):
        try:
            number = value.item() if hasattr(value, "item") else value
        except (AttributeError, ValueError):
            number = value
        if isinstance(number, bool):
            return ("TRUE" if number else "FALSE"), False
        if isinstance(number, (int, float)):
            if isinstance(number, float) and math.isnan(number):
                return "", False
            if isinstance(number, float) and not math.isfinite(number):
                return repr(number), False
            return format_number_cell(number), True
    if value is pd.NaT:
        return "", False
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.strftime("%Y-%m-%d"), False
        return value.isoformat(sep=" "), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    if isinstance(value, dt.time):
        return value.isoformat(), False
    if isinstance(value, (pd.Timedelta, dt.timedelta)):
        return str(value), False
    return str(value).strip(), False


def _frame_from_cells(rows: list[list[Any]]) -> pd.DataFrame:
    width = max((len(r) for r in rows), default=0)
    texts: list[list[str]] = []
    numeric: set[tuple[int, int]] = set()
    for i, row in enumerate(rows):
        out: list[str] = []
        for j in range(width):
            text, is_number = _cell_to_text(row[j] if j < len(row) else None)
            out.append(text)
            if is_number:
                numeric.add((i, j))
        texts.append(out)
    frame = pd.DataFrame(texts, columns=list(range(width)), dtype=object)
    frame.attrs[NUMERIC_CELLS_ATTR] = frozenset(numeric)
    return frame


def _read_sheet_calamine(data: bytes, sheet: str) -> list[list[Any]]:
    frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, header=None, engine="calamine",
                          dtype=object)
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def _read_sheet_openpyxl(data: bytes, sheet: str) -> list[list[Any]]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[sheet]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _read_workbook(data: bytes, filename: str, ext: str, sheet: str | None) -> pd.DataFrame:
    names = list_sheets(data, filename)
    if not names:
        raise InputError(f"'{filename}' has no sheets.", file=filename)
    if sheet is not None and sheet not in names:
        wanted = str(sheet).strip().casefold()
        matches = [n for n in names if n.strip().casefold() == wanted]
        if not matches:
            raise InputError(
                f"'{filename}' has no sheet named '{sheet}'. Its sheets are: "
                + ", ".join(f"'{n}'" for n in names) + ".",
                file=filename,
            )
        sheet = matches[0]
    candidates = [sheet] if sheet is not None else names
    last_error: Exception | None = None
    for name in candidates:
        rows: list[list[Any]] | None = None
        try:
            rows = _read_sheet_calamine(data, name)
        except Exception as exc:  # noqa: BLE001 - fall back to openpyxl
            last_error = exc
            if ext in (".xlsx", ".xlsm"):
                try:
                    rows = _read_sheet_openpyxl(data, name)
                except Exception as exc2:  # noqa: BLE001
                    last_error = exc2
        if rows is None:
            continue
        frame = _frame_from_cells(rows)
        if any(c for r in frame.itertuples(index=False) for c in r):
            frame.attrs["sheet"] = name
            return frame
        if sheet is not None:
            raise InputError(f"Sheet '{name}' of '{filename}' is empty.", file=filename)
    if last_error is not None and sheet is not None:
        raise _workbook_error(data, filename, last_error)
    raise InputError(f"'{filename}' is empty: none of its sheets has any cells filled in.",
                     file=filename)


def read_raw_table(data: bytes, filename: str, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV/text file or a workbook sheet into a table of strings.

    Parameters
    ----------
    data : bytes
        The file's content.
    filename : str
        Its name; the extension decides the format (.csv, .tsv, .txt, .xlsx, .xlsm, .xls,
        .xlsb, .ods).
    sheet : str, optional
        Workbook sheet to read; by default the first sheet with any cell filled in.

    Returns
    -------
    pandas.DataFrame
        All cells as stripped strings (empty cells are ``""``), no header inferred. Index
        0 is spreadsheet row 1 and column 0 is column A. Numeric workbook cells are written
        with :func:`funnel_core.inputs.numbers.format_number_cell` and listed in
        ``frame.attrs[NUMERIC_CELLS_ATTR]``; ``frame.attrs["sheet"]`` names the sheet read.

    Raises
    ------
    InputError
        Empty file, unsupported extension, unreadable workbook, binary junk.
    """
    ext = _check_extension(filename)
    if not data or not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8,):
        raise InputError(f"'{filename}' is empty.", file=filename)
    if ext in WORKBOOK_EXTENSIONS:
        return _read_workbook(data, filename, ext, sheet)
    if _is_zip(data) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _binary_error(data, filename)
    text = _decode(data, filename)
    if _looks_binary(text):
        raise _binary_error(data, filename)
    if not text.strip().strip("\ufeff"):
        raise InputError(f"'{filename}' is empty.", file=filename)
    frame = read_text_table(text)
    frame.attrs[NUMERIC_CELLS_ATTR] = frozenset()
    return frame


# --------------------------------------------------------------------------------------
# the grid: a cleaned view of the raw table
# --------------------------------------------------------------------------------------


class _Grid:
    """Non-empty rows and columns of a raw table, with user-visible row numbers/columns."""

    def __init__(self, raw: pd.DataFrame) -> None:
        frame = raw
        header_from_columns = not _is_positional(frame.columns)
        numeric_keys = frame.attrs.get(NUMERIC_CELLS_ATTR) or frozenset()
        values = frame.to_numpy(dtype=object)
        index = list(frame.index)
        columns = list(frame.columns)
        positional_rows = all(isinstance(i, (int,)) or _is_int_like(i) for i in index)

        rows: list[list[str]] = []
        nums: list[list[float | None]] = []
        row_numbers: list[int] = []
        if header_from_columns:
            rows.append([str(c).strip() for c in columns])
            nums.append([None] * len(columns))
            row_numbers.append(1)
        offset = 2 if header_from_columns else 1
        for i, label in enumerate(index):
            text_row: list[str] = []
            num_row: list[float | None] = []
            for j, col in enumerate(columns):
                value = values[i, j]
                text, is_number = _cell_to_text(value)
                number: float | None = None
                if is_number and not isinstance(value, str):
                    number = float(value)
                elif (label, col) in numeric_keys:
                    try:
                        number = float(text)
                    except ValueError:
                        number = None
                text_row.append(text)
                num_row.append(number)
            rows.append(text_row)
            nums.append(num_row)
            row_numbers.append(int(label) + offset if positional_rows else i + offset)

        keep_rows = [k for k, r in enumerate(rows) if any(c for c in r)]
        width = len(columns)
        keep_cols = [j for j in range(width) if any(rows[k][j] for k in keep_rows)]
        self.cells = [[rows[k][j] for j in keep_cols] for k in keep_rows]
        self.nums = [[nums[k][j] for j in keep_cols] for k in keep_rows]
        self.row_numbers = [row_numbers[k] for k in keep_rows]
        self.letters = [
            _col_letter(int(columns[j])) if not header_from_columns and _is_int_like(columns[j])
            else _col_letter(j)
            for j in keep_cols
        ]

    @property
    def n_rows(self) -> int:
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def cell(self, r: int, c: int) -> str:
        return self.cells[r][c] if c < len(self.cells[r]) else ""

    def number(self, r: int, c: int) -> float | None:
        return self.nums[r][c] if c < len(self.nums[r]) else None


def _is_int_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return int(value) == value
    except (TypeError, ValueError):
        return False


def _is_positional(columns: pd.Index) -> bool:
    return all(_is_int_like(c) for c in columns)


# --------------------------------------------------------------------------------------
# the parser
# --------------------------------------------------------------------------------------

_CONTEXT_CHOICES: dict[str, Mapping[str, str]] = {
    "trial_type": TRIAL_TYPES,
    "motion": MOTIONS,
    "acv_band": ACV_BANDS,
    "product_category": PRODUCT_CATEGORIES,
    "currency": CURRENCIES,
    "period": {"month": "month", "quarter": "quarter", "year": "year"},
}


@dataclass
class _Role:
    kind: Literal["field", "context", "ignored", "unknown"]
    target: str | None = None


@dataclass
class _NumberCell:
    text: str
    number: float | None
    row: int
    column: str
    field: str
    multiplier: float = 1.0


@dataclass
class _State:
    source: str
    mapping_in: dict[str, str | None]
    convention: str = "en"
    issues: list[ParseIssue] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    unknown_where: list[str] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)
    context_rows: dict[str, int | None] = field(default_factory=dict)
    currencies_seen: dict[str, int] = field(default_factory=dict)
    scaled: set[tuple[str, str]] = field(default_factory=set)
    #: texts of cells in rows/columns that were not recognised: they are not read, but they
    #: still tell which number format the file uses ("6.500,00" decides it)
    extra_samples: list[str] = field(default_factory=list)

    def add(self, level: Literal["error", "warning"], message: str, row: int | None = None,
            column: str | None = None) -> None:
        self.issues.append(ParseIssue(level, message, self.source, row, column))

    def role(self, text: str) -> _Role:
        key = text.strip()
        if not key:
            return _Role("unknown")
        for candidate in (key, normalise_text(key)):
            if candidate in self.mapping_in:
                target = self.mapping_in[candidate]
                if target is None:
                    return _Role("ignored")
                if target in FIELDS_BY_NAME:
                    return _Role("field", target)
                return _Role("context", target)
        hit = match_header(key)
        if hit:
            return _Role("field", hit)
        ctx = match_context_key(key)
        if ctx:
            return _Role("context", ctx)
        return _Role("unknown")

    def note_unknown(self, text: str, where: str) -> None:
        self.mapping[text] = None
        if text not in self.unknown:
            self.unknown.append(text)
            self.unknown_where.append(where)


def _check_mapping(mapping: Mapping[str, str | None] | None, source: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, target in (mapping or {}).items():
        if target is not None and target not in FIELD_NAMES and target not in CONTEXT_FIELDS:
            raise InputError(
                f"Cannot map '{key}' to '{target}': not a known field. Use one of "
                f"{', '.join(FIELD_NAMES)} (or a context key: {', '.join(CONTEXT_FIELDS)}), "
                "or None to ignore it.",
                file=source,
            )
        text = str(key).strip()
        out[text] = target
        norm = normalise_text(text)
        if norm:
            out.setdefault(norm, target)
    return out


def parse_table(
    raw: pd.DataFrame,
    *,
    source_name: str,
    number_convention: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
) -> ParsedInput:
    """Read funnel numbers from a raw table (as returned by :func:`read_raw_table`).

    Parameters
    ----------
    raw : pandas.DataFrame
        Cells as strings (numbers are accepted too), no header inferred. A frame whose
        column labels are not positions is read with its column labels as the header row.
    source_name : str
        Shown in messages (file name or ``"pasted text"``).
    number_convention : {"auto", "en", "de"}
        ``auto`` detects it from the cells that hold numbers (see
        :func:`funnel_core.inputs.numbers.analyse_convention`). When no cell decides and some are
        ambiguous (``1.234``), the language of the recognised names decides (German, French
        or Polish names -> ``de``), else English; a warning says which reading was used and
        how to override it. Numeric workbook cells are exact and never ambiguous.
    mapping : dict, optional
        Source column header / metric name -> canonical field (or context key), or None to
        ignore it. Overrides automatic recognition. Keys match exactly or after
        normalisation (case, spaces, punctuation, accents).

    Returns
    -------
    ParsedInput

    Raises
    ------
    InputError
        Empty table, a mapping to an unknown field, or no metric recognised at all (the
        message lists the headers seen and points to the template).

    Notes
    -----
    Bad cells are skipped and reported in ``issues`` with their row and column: text that
    is not a number, negative values, NaN/inf, a percentage in a count or money field, a
    gross margin above 100 %. Unknown context values (``trial_type: sometimes``) are
    errors too; an unknown product category becomes ``other`` with a warning. Warnings
    cover duplicates (the last one wins), bare gross margins (``80`` -> 0.8), ambiguous
    numbers, unit headers (``Spend (k€)`` x 1000), total rows and empty periods (ignored)
    and unrecognised names.
    """
    try:
        conv = normalise_convention(number_convention)
    except ValueError as exc:
        raise InputError(str(exc), file=source_name) from None
    state = _State(source_name, _check_mapping(mapping, source_name))
    grid = _Grid(raw)
    if grid.n_rows == 0:
        raise InputError(f"'{source_name}' has no cells filled in.", file=source_name)

    layout = _detect_layout(grid, state)
    if layout == "long":
        periods, cells, period_meta = _collect_long(grid, state)
        if period_meta.get("multi") and len(periods) > 1:
            layout = "wide"  # metrics in rows, one column per period: several periods
    else:
        periods, cells, period_meta = _collect_wide(grid, state)

    state.convention = _decide_convention(conv, cells, state)
    values: dict[str, dict[str, float]] = {p: {} for p in periods}
    _read_numbers(cells, values, state)
    _finish_context(state, cells, period_meta)
    _report_unknown(state, layout)

    # drop wide periods that ended up without any number (empty future months)
    if layout == "wide":
        with_text = {p for p, cell in cells if cell.text}
        empty = [p for p in periods if not values[p] and p not in with_text]
        if empty and len(empty) < len(periods):
            rows = period_meta.get("rows", {})
            state.add("warning",
                      "Periods without any number were ignored: "
                      + ", ".join(f"'{p}' (row {rows[p]})" if p in rows else f"'{p}'"
                                  for p in empty) + ".")
            periods = [p for p in periods if p not in empty]
            for p in empty:
                values.pop(p, None)
    latest = periods[-1] if periods else "current"
    return ParsedInput(
        layout=layout,
        periods=periods,
        values=values,
        context=dict(state.context),
        latest_period=latest,
        unknown=list(state.unknown),
        mapping=dict(state.mapping),
        issues=state.issues,
        number_convention=state.convention,
        source_name=source_name,
    )


# --- layout --------------------------------------------------------------------------------


def _detect_layout(grid: _Grid, state: _State) -> Literal["long", "wide"]:
    header = grid.cells[0]
    first_col = [grid.cell(r, 0) for r in range(grid.n_rows)]

    def score(texts: list[str]) -> tuple[int, int, int]:
        texts = [t for t in texts if t]
        roles = [state.role(t) for t in texts]
        fields = sum(1 for r in roles if r.kind == "field")
        known = sum(1 for r in roles if r.kind in ("field", "context", "ignored"))
        return fields, known, len(texts)

    long_fields, long_known, long_n = score(first_col)
    wide_fields, wide_known, wide_n = score(header)
    if long_fields == 0 and wide_fields == 0:
        seen = _unique([t for t in header if t] + [t for t in first_col[1:] if t])
        shown = ", ".join(f"'{t}'" for t in seen[:20]) + (" ..." if len(seen) > 20 else "")
        raise InputError(
            "No funnel metric was recognised. Headers and names seen: "
            f"{shown or '(none)'}. {TEMPLATE_HINT}",
            file=state.source,
        )
    long_ratio = long_known / long_n if long_n else 0.0
    wide_ratio = wide_known / wide_n if wide_n else 0.0
    if grid.n_cols < 2:
        if wide_fields and grid.n_rows >= 2:
            return "wide"
        return "long"
    if long_fields and (long_ratio > wide_ratio or (long_ratio == wide_ratio and grid.n_cols == 2)):
        return "long"
    if wide_fields:
        return "wide"
    return "long"


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


# --- long ----------------------------------------------------------------------------------


def _collect_long(grid: _Grid, state: _State) -> tuple[list[str], list[tuple[str, _NumberCell]], dict]:
    first = grid.cells[0]
    header_row = False
    first_role = state.role(first[0]) if first[0] else _Role("unknown")
    if first_role.kind not in ("field", "context"):
        others = [c for c in first[1:] if c]
        if not first[0] or normalise_text(first[0]) in _LONG_HEADER_WORDS:
            header_row = True
        elif any(match_value_header(c) or parse_period_label(c) for c in others):
            header_row = True
        elif others and not any(_looks_numeric(c) for c in others):
            header_row = True
    headers = grid.cells[0] if header_row else [""] * grid.n_cols

    # which columns hold values, and for which period
    period_cols: list[tuple[int, str]] = []
    if header_row:
        for c in range(1, grid.n_cols):
            label = headers[c]
            if label and parse_period_label(label) and not match_value_header(label):
                period_cols.append((c, label))
    multi = len(period_cols) >= 1 and not any(match_value_header(h) for h in headers[1:])
    if multi:
        value_cols = period_cols
        dup = [lbl for lbl in _unique(lbl for _, lbl in period_cols)
               if sum(1 for _, x in period_cols if x == lbl) > 1]
        for lbl in dup:
            state.add("warning", f"The period '{lbl}' appears in more than one column; "
                      "the last one is used.")
    else:
        value_col = next((c for c in range(1, grid.n_cols) if match_value_header(headers[c])), 1)
        value_cols = [(value_col, "current")]

    cells: list[tuple[str, _NumberCell]] = []
    seen_fields: dict[tuple[str, str], int] = {}
    period_label_ctx: tuple[str, int] | None = None
    start = 1 if header_row else 0
    for r in range(start, grid.n_rows):
        row_no = grid.row_numbers[r]
        name = grid.cell(r, 0)
        if not name:
            if any(grid.cell(r, c) for c, _ in value_cols):
                state.add("warning", "This row has a value but no metric name; it was ignored. "
                          "Write the metric's name in the first column.", row_no, _letter_or(grid, 0, headers))
            continue
        role = state.role(name)
        if role.kind == "ignored":
            state.mapping[name] = None
            continue
        if role.kind == "unknown":
            if any(grid.cell(r, c) for c, _ in value_cols):  # a section title drops nothing
                state.note_unknown(name, f"row {row_no}")
                state.extra_samples += [grid.cell(r, c) for c, _ in value_cols if grid.cell(r, c)]
            continue
        state.mapping[name] = role.target
        if role.kind == "context":
            text = next((grid.cell(r, c) for c, _ in value_cols if grid.cell(r, c)), "")
            col_name = _column_name(grid, headers, value_cols[0][0])
            label = _set_context(state, role.target or "", text, name, row_no, col_name)
            if label is not None:
                period_label_ctx = (label, row_no)
            continue
        fld = role.target or ""
        for c, period in value_cols:
            text = grid.cell(r, c)
            number = grid.number(r, c)
            col_name = _column_name(grid, headers, c)
            if not multi and c + 1 < grid.n_cols and not headers[c + 1]:
                text = _join_split_thousands(grid, r, c, state, row_no, col_name)
            key = (period, fld)
            if text and key in seen_fields:
                state.add("warning",
                          f"{field_label(fld)} appears more than once (rows {seen_fields[key]} and "
                          f"{row_no}); the last one (row {row_no}) is used.", row_no, col_name)
            if text:
                seen_fields[key] = row_no
            cells.append((period, _NumberCell(text, number, row_no, col_name, fld,
                                              header_multiplier(name))))

    if multi:
        periods = _unique(lbl for _, lbl in value_cols)
        labels = {lbl: parse_period_label(lbl) for lbl in periods}
        periods = _sort_periods(periods, labels, state, where="columns")
        meta = {"labels": labels, "header_hint": None, "multi": True,
                "rows": {}}
    else:
        if period_label_ctx is not None:
            label = period_label_ctx[0]
            cells = [(label, cell) for _, cell in cells]
            periods = [label]
        else:
            periods = ["current"]
        meta = {"labels": {}, "header_hint": None}
    return periods, cells, meta


def _letter_or(grid: _Grid, c: int, headers: list[str]) -> str:
    return headers[c] if c < len(headers) and headers[c] else grid.letters[c]


def _column_name(grid: _Grid, headers: list[str], c: int) -> str:
    if c < len(headers) and headers[c]:
        return headers[c]
    return grid.letters[c] if c < len(grid.letters) else _col_letter(c)


def _looks_numeric(text: str) -> bool:
    try:
        value = parse_number_detail(text, "en").value
    except NumberError:
        return False
    return not math.isnan(value)


def _join_split_thousands(grid: _Grid, r: int, c: int, state: _State, row_no: int, col_name: str) -> str:
    """Undo 'visitors,1,234' split by an unquoted comma: cells '1' + '234' -> '1,234'."""
    text = grid.cell(r, c)
    if not re.fullmatch(r"[-(]?[$€£]?\d{1,3}", text):
        return text
    parts = [text]
    k = c + 1
    while k < grid.n_cols and re.fullmatch(r"\d{3}(?:\.\d+)?\)?%?", grid.cell(r, k)):
        parts.append(grid.cell(r, k))
        k += 1
        if "." in parts[-1]:
            break
    if len(parts) == 1:
        return text
    joined = "".join(parts)  # the commas were thousands separators: no separator left
    state.add("warning",
              f"'{text}' and the following cell(s) {', '.join(repr(p) for p in parts[1:])} were read "
              f"together as {joined}: the comma seems to be a thousands separator in an unquoted "
              "CSV cell. Put such numbers in quotes or save the file with ';' as the separator.",
              row_no, col_name)
    return joined


# --- wide ----------------------------------------------------------------------------------


def _collect_wide(grid: _Grid, state: _State) -> tuple[list[str], list[tuple[str, _NumberCell]], dict]:
    headers = grid.cells[0]
    roles = [state.role(h) if h else _Role("unknown") for h in headers]
    data_rows = list(range(1, grid.n_rows))

    period_col: int | None = None
    period_cols = [c for c, (h, role) in enumerate(zip(headers, roles))
                   if role.kind == "context" and role.target == "period" and h]
    if period_cols:
        period_col = period_cols[0]
    if period_col is None:
        for c, (h, role) in enumerate(zip(headers, roles)):
            if role.kind != "unknown":
                continue
            texts = [grid.cell(r, c) for r in data_rows if grid.cell(r, c)]
            if not texts:
                continue
            ok = sum(1 for t in texts if parse_period_label(t, allow_bare_year=not h))
            if ok / len(texts) >= 0.8 and ok:
                period_col = c
                break
    header_hint = period_header_hint(headers[period_col]) if period_col is not None else None

    field_cols: list[tuple[int, str]] = []
    context_cols: list[tuple[int, str]] = []
    for c, (h, role) in enumerate(zip(headers, roles)):
        if c == period_col or c in period_cols:
            if h:
                state.mapping[h] = "period"
            continue
        if not h:
            if any(grid.cell(r, c) for r in data_rows):
                letter = grid.letters[c]
                state.add("error",
                          f"Column {letter} has values but no header, so it was ignored. Give it a "
                          "header; if numbers contain commas as thousands separators, put them in "
                          "quotes or save the file with ';' as the separator.", None, letter)
            continue
        if role.kind == "ignored":
            state.mapping[h] = None
        elif role.kind == "unknown":
            if any(grid.cell(r, c) for r in data_rows):  # an empty column drops nothing
                state.note_unknown(h, f"column {grid.letters[c]}")
                state.extra_samples += [grid.cell(r, c) for r in data_rows if grid.cell(r, c)]
        elif role.kind == "field":
            state.mapping[h] = role.target
            field_cols.append((c, role.target or ""))
        else:
            state.mapping[h] = role.target
            context_cols.append((c, role.target or ""))

    targets = [f for _, f in field_cols]
    for fld in _unique(targets):
        cols = [headers[c] for c, f in field_cols if f == fld]
        if len(cols) > 1:
            state.add("warning",
                      f"Several columns hold {field_label(fld)}: "
                      + ", ".join(f"'{h}'" for h in cols)
                      + f". The last one ('{cols[-1]}') is used where it has a value.")

    # period labels per row
    row_labels: dict[int, str] = {}
    skipped_totals: list[str] = []
    for r in data_rows:
        row_no = grid.row_numbers[r]
        has_values = any(grid.cell(r, c) for c, _ in field_cols)
        if period_col is None:
            label = "current" if len(data_rows) == 1 else f"row {row_no}"
        else:
            # "Year | Month" in two columns: join them ("2025-Jan")
            label = "-".join(grid.cell(r, c) for c in (period_cols or [period_col])
                             if grid.cell(r, c))
            if label and normalise_text(label) in _TOTAL_WORDS:
                skipped_totals.append(f"'{label}' (row {row_no})")
                continue
            if not label:
                if not has_values:
                    continue
                label = f"row {row_no}"
                state.add("warning", f"This row has numbers but no period; it is labelled '{label}'.",
                          row_no, headers[period_col] or grid.letters[period_col])
        row_labels[r] = label
    if skipped_totals:
        state.add("warning", "Total/average rows are not periods and were ignored: "
                  + ", ".join(skipped_totals) + ".")

    # duplicates: last row wins
    label_rows: dict[str, int] = {}
    for r, label in row_labels.items():
        if label in label_rows:
            state.add("warning",
                      f"The period '{label}' appears twice (rows {grid.row_numbers[label_rows[label]]} "
                      f"and {grid.row_numbers[r]}); the last one (row {grid.row_numbers[r]}) is used.",
                      grid.row_numbers[r], headers[period_col] if period_col is not None else None)
        label_rows[label] = r
    use_rows = sorted(label_rows.values())

    labels = {lbl: (parse_period_label(lbl) if period_col is not None else None) for lbl in label_rows}
    if period_col is not None:
        dayfirst = _dayfirst_vote(list(label_rows))
        labels = {lbl: parse_period_label(lbl, dayfirst=dayfirst) for lbl in label_rows}
    file_order = [row_labels[r] for r in use_rows]
    periods = _sort_periods(file_order, labels, state, where="rows") if period_col is not None \
        else file_order

    cells: list[tuple[str, _NumberCell]] = []
    for r in use_rows:
        label = row_labels[r]
        row_no = grid.row_numbers[r]
        for c, fld in field_cols:
            text = grid.cell(r, c)
            cells.append((label, _NumberCell(text, grid.number(r, c), row_no, headers[c], fld,
                                             header_multiplier(headers[c]))))

    # context columns: the value in the latest period's row, else any row
    latest_row = label_rows.get(periods[-1]) if periods else None
    for c, key in context_cols:
        order = ([latest_row] if latest_row is not None else []) + [r for r in reversed(use_rows)]
        text, row_no = "", None
        for r in order:
            if r is not None and grid.cell(r, c):
                text, row_no = grid.cell(r, c), grid.row_numbers[r]
                break
        distinct = _unique(grid.cell(r, c) for r in use_rows if grid.cell(r, c))
        if len(distinct) > 1:
            state.add("warning",
                      f"The column has different values ({', '.join(repr(d) for d in distinct)}); "
                      f"the latest period's value '{text}' is used.", None, headers[c])
        if text:
            _set_context(state, key, text, headers[c], row_no, headers[c])

    meta = {
        "labels": labels,
        "header_hint": header_hint,
        "rows": {row_labels[r]: grid.row_numbers[r] for r in use_rows},
    }
    return periods, cells, meta


def _dayfirst_vote(labels: list[str]) -> bool:
    first = second = 0
    for label in labels:
        m = re.fullmatch(r"\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\s*", label)
        if m:
            if int(m.group(1)) > 12:
                first += 1
            elif int(m.group(2)) > 12:
                second += 1
    return not second > first


def _sort_periods(labels: list[str], parsed: Mapping[str, PeriodLabel | None], state: _State,
                  *, where: str) -> list[str]:
    if len(labels) <= 1:
        return list(labels)
    if all(parsed.get(lbl) is not None and parsed[lbl].start is not None for lbl in labels):  # type: ignore[union-attr]
        return sorted(labels, key=lambda lbl: parsed[lbl].start)  # type: ignore[union-attr,return-value]
    bad = [lbl for lbl in labels if parsed.get(lbl) is None or parsed[lbl].start is None]  # type: ignore[union-attr]
    state.add("warning",
              "Some periods could not be read as dates ("
              + ", ".join(f"'{b}'" for b in bad[:5]) + ("..." if len(bad) > 5 else "")
              + f"), so the {where} are taken in file order and the last one, '{labels[-1]}', "
              "is compared. Write periods like 2025-01, Jan 2025 or 2025-Q1 to sort them by date.")
    return list(labels)


# --- context -------------------------------------------------------------------------------


def _set_context(state: _State, key: str, text: str, name: str, row: int | None,
                 column: str | None) -> str | None:
    """Store one context value; return a period label when the text is one."""
    if is_missing(text):
        return None
    period_label: str | None = None
    value: str | None
    if key == "period":
        value = match_context_value("period", text)
        if value is None:
            parsed = parse_period_label(text)
            hint = period_header_hint(name)
            if parsed is not None or hint is not None:
                period_label = text
                value = (parsed.granularity if parsed else None) or hint
                if value is None:
                    return period_label
            else:
                state.add("error",
                          f"'{text}' is not a period length or a period: use month, quarter or "
                          "year (or a label such as 2025-01, Jan 2025, 2025-Q1).", row, column)
                return None
    elif key == "acv_band":
        value = match_context_value(key, text)
        if value is None:
            value = _acv_from_number(text)
            if value is not None:
                state.add("warning",
                          f"ACV '{text}' was placed in the band '{ACV_BANDS[value]}'.", row, column)
    else:
        value = match_context_value(key, text)
    if value is None:
        if key == "product_category":
            value = "other"
            state.add("warning",
                      f"'{text}' is not one of the listed product categories; it is treated as "
                      f"'{PRODUCT_CATEGORIES['other']}'. Known categories: "
                      + ", ".join(PRODUCT_CATEGORIES.values()) + ".", row, column)
        else:
            choices = _CONTEXT_CHOICES.get(key, {})
            listed = ", ".join(f"{k} ({v})" if k != v else k for k, v in choices.items())
            state.add("error",
                      f"'{text}' is not a known {field_label(key).lower()}; it was ignored. "
                      f"Use one of: {listed}.", row, column)
            return period_label
    previous = state.context.get(key)
    if previous is not None and previous != value:
        state.add("warning",
                  f"{field_label(key)} is given twice ('{previous}' and '{value}'); "
                  f"'{value}' is used.", row, column)
    state.context[key] = value
    state.context_rows[key] = row
    return period_label


def _acv_from_number(text: str) -> str | None:
    try:
        amount = parse_number_detail(text, "en").value
    except NumberError:
        return None
    if math.isnan(amount) or amount < 0:
        return None
    if amount < 1_000:
        return "vsb"
    if amount < 12_000:
        return "smb"
    if amount <= 50_000:
        return "mid_market"
    return "enterprise"


def _finish_context(state: _State, cells: list[tuple[str, _NumberCell]], meta: dict) -> None:
    labels: Mapping[str, PeriodLabel | None] = meta.get("labels", {})
    if "period" not in state.context:
        parsed = [p for p in labels.values() if p is not None]
        granularity = _infer_granularity(parsed) if parsed else None
        if granularity is None and parsed and meta.get("header_hint") \
                and all(p.granularity in (None, meta["header_hint"]) for p in parsed):
            granularity = meta["header_hint"]
        if granularity:
            state.context["period"] = granularity
    # currency from symbols in money cells
    if state.currencies_seen:
        seen = sorted(state.currencies_seen, key=lambda k: -state.currencies_seen[k])
        given = state.context.get("currency")
        if given is None:
            if len(seen) == 1 and seen[0] in CURRENCIES:
                state.context["currency"] = seen[0]
            elif len(seen) > 1:
                state.add("warning",
                          "Amounts use different currencies (" + ", ".join(seen) + "); set the "
                          "currency explicitly.")
        elif any(code != given for code in seen):
            state.add("warning",
                      f"The currency is {given}, but some amounts carry another currency symbol ("
                      + ", ".join(c for c in seen if c != given) + "). Amounts are not converted.")


# --- numbers ---------------------------------------------------------------------------------


def _decide_convention(conv: str, cells: list[tuple[str, _NumberCell]], state: _State) -> str:
    if conv != "auto":
        return conv
    samples = [cell.text for _, cell in cells if cell.text and cell.number is None]
    guess = analyse_convention(samples + state.extra_samples)
    if guess.conflicting:
        state.add("warning",
                  f"The numbers mix formats: '{guess.examples['en']}' looks English and "
                  f"'{guess.examples['de']}' looks European. They were read as "
                  f"{CONVENTION_LABELS[guess.convention]}; check the values or choose the number "
                  "format explicitly.")
    elif not guess.decided and guess.ambiguous:
        # nothing in the numbers decides: go by the language of the names, else English
        languages = [name_language(text) for text, target in state.mapping.items()
                     if target is not None]
        european = [lang for lang in languages if lang in ("de", "fr", "pl")]
        english = [lang for lang in languages if lang == "en"]
        if len(european) > len(english):
            guess.convention = "de"
            names = {"de": "German", "fr": "French", "pl": "Polish"}
            spoken = "/".join(_unique(names[lang] for lang in european))
            reason = f"because the names are in {spoken}"
        else:
            guess.convention = "en"
            reason = "because nothing in the file decides (the default)"
        other = "de" if guess.convention == "en" else "en"
        meaning = ("',' groups thousands, '.' is the decimal point" if guess.convention == "en"
                   else "'.' groups thousands, ',' is the decimal comma")
        examples = ", ".join(f"'{a}'" for a in _unique(guess.ambiguous)[:3])
        state.add("warning",
                  f"Numbers such as {examples} could mean thousands or decimals. They were read "
                  f"in the {CONVENTION_LABELS[guess.convention]} format ({meaning}) {reason}. "
                  f"If your file uses {CONVENTION_LABELS[other]}, choose that number format "
                  f"(the Number format selector in the app, or --number-format {other} on the "
                  "command line).")
    return guess.convention


_NEGATIVE_HINT: dict[str, str] = {
    "mrr_contraction": " Enter the MRR lost to downgrades as a positive amount.",
    "mrr_churned": " Enter the MRR lost to cancellations as a positive amount.",
    "customers_churned": " Enter the number of customers lost as a positive number.",
}


def _read_numbers(cells: list[tuple[str, _NumberCell]], values: dict[str, dict[str, float]],
                  state: _State) -> None:
    for period, cell in cells:
        spec = FIELDS_BY_NAME[cell.field]
        if cell.number is not None:
            source: object = cell.number
        else:
            if is_missing(cell.text):
                continue
            source = cell.text
        shown = cell.text or format_number_cell(cell.number or 0.0)
        try:
            parsed = parse_number_detail(source, state.convention, field=cell.field)
        except NumberError as exc:
            state.add("error",
                      f"{exc}; the cell was skipped. Enter a plain number such as 1234 or 1234.5, "
                      "or leave the cell empty.", cell.row, cell.column)
            continue
        value = parsed.value
        if math.isnan(value):
            continue
        if parsed.percent and spec.kind != "fraction":
            state.add("error",
                      f"'{shown}' is a percentage, but {spec.label} is "
                      f"{'a count' if spec.kind == 'count' else 'an amount'}; the cell was "
                      "skipped. Enter the number itself.", cell.row, cell.column)
            continue
        if cell.multiplier != 1.0 and spec.kind != "fraction":
            value *= cell.multiplier
            if (cell.column, cell.field) not in state.scaled:
                state.scaled.add((cell.column, cell.field))
                unit = "thousands" if cell.multiplier == 1e3 else "millions"
                state.add("warning",
                          f"{spec.label} values were multiplied by "
                          f"{format_number_cell(cell.multiplier)} because the name says they are "
                          f"in {unit} ('{shown}' became {format_number_cell(value)}).",
                          cell.row, cell.column)
        if not math.isfinite(value):
            state.add("error", f"'{shown}' is not a finite number; the cell was skipped.",
                      cell.row, cell.column)
            continue
        if value < 0:
            state.add("error",
                      f"'{shown}' is negative; {spec.label} cannot be below zero, so the cell was "
                      "skipped." + _NEGATIVE_HINT.get(cell.field, ""), cell.row, cell.column)
            continue
        if spec.kind == "count" and abs(value - round(value)) > 1e-9:
            other = "de" if state.convention == "en" else "en"
            read = format_number_cell(value)
            what = f"'{shown}'" if read == shown else f"'{shown}' was read as {read}, which"
            state.add("warning",
                      f"{what} is not a whole number of {spec.label}. If the file writes numbers "
                      f"as {CONVENTION_LABELS[other]}, choose that number format; otherwise check "
                      "the value.", cell.row, cell.column)
        for message in parsed.warnings:
            state.add("warning", message, cell.row, cell.column)
        if parsed.currency and spec.kind == "money":
            state.currencies_seen[parsed.currency] = state.currencies_seen.get(parsed.currency, 0) + 1
        values.setdefault(period, {})[cell.field] = value


def _report_unknown(state: _State, layout: str) -> None:
    if not state.unknown:
        return
    what = "Metric names" if layout == "long" else "Column headers"
    listed = ", ".join(f"'{u}' ({w})" for u, w in zip(state.unknown, state.unknown_where))
    state.add("warning",
              f"{what} not recognised, so ignored: {listed}. If one of them holds a funnel number, "
              "map it to a field; map it to 'ignore' to silence this warning.")


# --------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------


def parse_bytes(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    number_convention: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
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
                             mapping=mapping)
        parsed.sheet = sheet_read
        return parsed
    # several sheets and none chosen: the first sheet with a recognised metric
    first_error: InputError | None = None
    for candidate in sheets:
        try:
            raw = read_raw_table(data, filename, sheet=candidate)
            parsed = parse_table(raw, source_name=f"{name} [{candidate}]",
                                 number_convention=number_convention, mapping=mapping)
            parsed.sheet = candidate
            return parsed
        except InputError as exc:
            first_error = first_error or exc
    raise InputError(
        ParseIssue("error",
                   f"None of the sheets ({', '.join(repr(s) for s in sheets)}) holds a recognised "
                   f"funnel metric. First sheet: {first_error.issue.message if first_error else ''}",
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
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"Cannot open '{p}': {exc.strerror or exc}.", file=p.name) from None
    return parse_bytes(data, p.name, sheet=sheet, number_convention=number_convention, mapping=mapping)


def parse_text(
    text: str,
    *,
    source_name: str = "pasted text",
    number_convention: str = "auto",
    mapping: Mapping[str, str | None] | None = None,
) -> ParsedInput:
    """Read funnel numbers from cells pasted from Excel or Google Sheets.

    Tab-separated text is usual; semicolons and commas work too, and so do lines such as
    ``Visitors: 12 000``.

    Parameters
    ----------
    text : str
    source_name : str
    number_convention : {"auto", "en", "de"}
    mapping : dict, optional

    Returns
    -------
    ParsedInput

    Raises
    ------
    InputError
        When the text is empty or no metric is recognised.
    """
    if not text or not text.strip().strip("\ufeff"):
        raise InputError("Nothing was pasted. Copy the cells in your spreadsheet and paste them here.",
                         file=source_name)
    raw = read_text_table(text)
    return parse_table(raw, source_name=source_name, number_convention=number_convention,
                       mapping=mapping)

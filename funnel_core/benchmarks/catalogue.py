"""The benchmark catalogue: published figures with their source, segment, period and status.

The shipped catalogue lives in ``assets/benchmarks.csv`` (one row per published figure, see
``shared/BENCHMARKS.md``). Users can upload a catalogue of their own in the same layout, as
CSV (UTF-8, with or without BOM) or XLSX; :func:`load_catalogue_bytes` reads it.

Every row is validated; a problem raises :class:`CatalogueError` naming the file, the row
(the line number in the file, header = 1) and the column. Rows whose ``id`` starts with
``#`` are comments and are skipped, as are rows that are entirely empty.
"""

from __future__ import annotations

from funnel_core.domain.constants import ASSETS_DIR

import csv
import functools
import io
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from funnel_core.domain.constants import (
    COMPARABILITY,
    ACV_BANDS,
    ANY,
    KPI_IDS,
    MOTIONS,
    NO_PERIOD,
    PERIODS,
    PRODUCT_CATEGORIES,
    STATISTICS,
    STATUS_LABELS,
    TRIAL_TYPES,
    UNITS,
)

__all__ = [
    "Benchmark",
    "CATALOGUE_COLUMNS",
    "CatalogueError",
    "DEFAULT_CATALOGUE_PATH",
    "FILTER_COLUMNS",
    "OPTIONAL_COLUMNS",
    "TEMPLATE_PATH",
    "UNMAPPED_FIGURES",
    "benchmarks_for",
    "load_catalogue",
    "load_catalogue_bytes",
]

#: Header of a catalogue file, in this order.
CATALOGUE_COLUMNS: tuple[str, ...] = (
    "id", "kpi", "label", "statistic", "low", "median", "high", "unit", "period", "basis",
    "segment", "acv_band", "trial_type", "motion", "product_category", "source", "year",
    "sample", "url", "status", "note",
)

#: Columns that select benchmarks by the user's context, with their allowed keys.
#: Columns a catalogue file may have, with the value used when a file leaves them out.
OPTIONAL_COLUMNS: dict[str, str] = {"comparability": "direct"}

FILTER_COLUMNS: dict[str, Mapping[str, str]] = {
    "acv_band": ACV_BANDS,
    "trial_type": TRIAL_TYPES,
    "motion": MOTIONS,
    "product_category": PRODUCT_CATEGORIES,
}

_ASSETS = ASSETS_DIR
#: The shipped catalogue.
DEFAULT_CATALOGUE_PATH: Path = _ASSETS / "benchmarks.csv"
#: An empty catalogue (header and one commented example row) for users to fill in.
TEMPLATE_PATH: Path = _ASSETS / "catalogue_template.csv"

_NUMBER_COLUMNS: tuple[str, ...] = ("low", "median", "high")
_PERIOD_VALUES: tuple[str, ...] = (*PERIODS, NO_PERIOD)
_YEAR_MIN, _YEAR_MAX = 1990, 2100
_COMMENT_PREFIX = "#"

#: Published figures named in shared/BENCHMARKS.md that the product cannot compare, because no
#: KPI it computes measures the same thing. Shown to users as context only.
UNMAPPED_FIGURES: tuple[str, ...] = (
    "Free-trial PQLs convert 2.8x better than freemium PQLs: 'Gain(sight) Product Index 2022' as "
    "named by the seed articles, not found (status U). A ratio between two conversion rates, "
    "not a KPI of one company.",
    "Forrester: fewer than 1 % of B2B inquiries become customers (quoted while checking the "
    "seed's 2 % MQL -> SQL figure; no status given). A description of typical funnels, not a "
    "goal or a median, so it is not compared with lead -> customer conversion.",
    "Magic number: above 1 spend more, 0.5-1 inefficient, below 0.5 broken, median about 0.7 "
    "(Scale Venture Partners; KeyBanc 2024). Needs quarterly net new ARR and prior-quarter "
    "spend, which the product does not ask for.",
    "Rule of 40: reached by about one company in three; median score about 11 for post-2017 "
    "IPOs (McKinsey 2021; Blossom Street Ventures 2024). Needs growth rate and profit margin, "
    "which the product does not ask for.",
    "Time to value: 1 day 12 h on average (Userpilot benchmark reports 2024-2025). The product "
    "does not measure time to value.",
    "Month-1 user retention: 46.9 % on average (Userpilot benchmark reports 2024-2025). The "
    "product measures customer churn, not user retention.",
    "6-month user retention, good / great: SMB & mid-market 60 / 80 %, enterprise 70 / 90 % "
    "(Rachitsky & Winters 2020). The product measures customer churn, not user retention.",
)


class CatalogueError(ValueError):
    """A catalogue file that cannot be read or has an invalid value.

    Attributes
    ----------
    file : name of the file (not the full path).
    row : 1-based line (CSV) or sheet row (XLSX); the header is row 1. ``None`` when the
        problem concerns the whole file.
    column : name of the offending column, or ``None``.
    message : what is wrong, without the location.
    """

    def __init__(self, message: str, *, file: str, row: int | None = None,
                 column: str | None = None) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:  # keep picklable despite keyword-only init
        return (_rebuild_error, (self.message, self.file, self.row, self.column))


def _rebuild_error(message: str, file: str, row: int | None, column: str | None) -> CatalogueError:
    return CatalogueError(message, file=file, row=row, column=column)


@dataclass(frozen=True)
class Benchmark:
    """One published figure.

    Attributes
    ----------
    id : unique slug within its catalogue.
    kpi : key of :data:`funnel_core.domain.constants.KPI_IDS`.
    label : short human label.
    statistic : key of :data:`funnel_core.domain.constants.STATISTICS`; says how to read
        ``low``/``median``/``high`` (e.g. quartiles: P25/P50/P75; good_great: good/great).
    low, median, high : the figure(s) in ``unit``; ``None`` when not given.
    unit : one of :data:`funnel_core.domain.constants.UNITS` (fractions: 0.07 is 7 %).
    period : ``month``, ``quarter``, ``year`` or ``none``.
    basis : definition of the figure in words.
    segment : the companies the figure describes, in words.
    acv_band, trial_type, motion, product_category : context filters, each ``("any",)`` or
        a tuple of keys of the matching constants dict.
    source, year, sample, url : provenance; ``year`` is ``None`` when unknown, ``url`` empty
        when unconfirmed.
    status : ``V``, ``S`` or ``U`` (see :data:`funnel_core.domain.constants.STATUS_LABELS`).
    note : caveats.
    comparability : ``direct``, ``approximate`` or ``doubtful``
        (:data:`funnel_core.domain.constants.COMPARABILITY`); optional column, ``direct`` when absent.
    origin : ``"published"`` for the shipped catalogue, else the user file's name.
    """

    id: str
    kpi: str
    label: str
    statistic: str
    low: float | None
    median: float | None
    high: float | None
    unit: str
    period: str
    basis: str
    segment: str
    acv_band: tuple[str, ...]
    trial_type: tuple[str, ...]
    motion: tuple[str, ...]
    product_category: tuple[str, ...]
    source: str
    year: int | None
    sample: str
    url: str
    status: str
    note: str
    comparability: str = "direct"
    origin: str = "published"

    def matches(self, context: Mapping[str, str | None]) -> bool:
        """Tell whether this benchmark applies to a user's context.

        Parameters
        ----------
        context : mapping with any of ``acv_band``, ``trial_type``, ``motion``,
            ``product_category``; other keys are ignored.

        Returns
        -------
        bool
            True when, for every filter column, the benchmark applies to any value, the
            context leaves it open (missing, ``None``, ``""`` or ``"any"``), or the context
            value is one of the benchmark's values.
        """
        for column in FILTER_COLUMNS:
            allowed: tuple[str, ...] = getattr(self, column)
            if allowed == (ANY,):
                continue
            value = context.get(column)
            if value is None or value == "" or value == ANY:
                continue
            if value not in allowed:
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict of all fields (tuples become lists).

        Returns
        -------
        dict
            Field name to value; numbers stay numbers, missing numbers are ``None``.
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


# --------------------------------------------------------------------------------------------
# reading files
# --------------------------------------------------------------------------------------------

def _csv_records(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, fields)`` for each CSV record, the header included."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CatalogueError(f"not valid CSV ({exc})", file=file, row=reader.line_num) from exc


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogueError("is not UTF-8 text; save the file as CSV UTF-8",
                             file=file, row=line) from exc


def _cell_text(value: Any) -> str:
    """Turn a spreadsheet cell into the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _xlsx_records(data: bytes, file: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(sheet row number, cells)`` for the first sheet of an XLSX workbook."""
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(data), engine="calamine", header=None, dtype=object,
                              sheet_name=0, na_filter=False)
    except Exception as exc:  # calamine raises its own error types
        raise CatalogueError(f"cannot be read as an XLSX workbook ({exc})", file=file) from exc
    for index, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        yield index, [_cell_text(v) for v in values]


def _is_xlsx(data: bytes, filename: str) -> bool:
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return True
    if suffix in (".csv", ".txt"):
        return False
    return data[:4] == b"PK\x03\x04"


def _records(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xls":
        raise CatalogueError("old .xls workbooks are not supported; save as .xlsx or .csv",
                             file=filename)
    if _is_xlsx(data, filename):
        return _xlsx_records(data, filename)
    return _csv_records(_decode(data, filename), filename)


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------

def _check_header(header: list[str], file: str) -> None:
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for name in names:
        if name in seen and name:
            raise CatalogueError(f"column '{name}' appears twice in the header",
                                 file=file, row=1, column=name)
        seen.add(name)
    missing = [c for c in CATALOGUE_COLUMNS if c not in seen]
    if missing:
        raise CatalogueError(
            "missing column(s): " + ", ".join(f"'{c}'" for c in missing)
            + "; the header must be: " + ",".join(CATALOGUE_COLUMNS),
            file=file, row=1, column=missing[0])
    extra = [n for n in names if n not in CATALOGUE_COLUMNS and n not in OPTIONAL_COLUMNS]
    if extra:
        shown = [f"'{e}'" if e else "(an unnamed column)" for e in extra]
        raise CatalogueError("unexpected column(s): " + ", ".join(shown),
                             file=file, row=1, column=extra[0] or None)


def _choice(value: str, allowed: Iterable[str], what: str, *, file: str, row: int,
            column: str) -> str:
    options = tuple(allowed)
    if value not in options:
        shown = f"'{value}'" if value else "empty value"
        raise CatalogueError(f"{shown} is not a known {what}; use one of: " + ", ".join(options),
                             file=file, row=row, column=column)
    return value


def _number(value: str, *, file: str, row: int, column: str) -> float | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise CatalogueError(f"'{value}' is not a number (use a dot for decimals, fractions "
                             "for rates: 0.07 for 7 %)",
                             file=file, row=row, column=column) from None
    if not math.isfinite(number):
        raise CatalogueError(f"'{value}' is not a finite number", file=file, row=row,
                             column=column)
    return number


def _year(value: str, *, file: str, row: int) -> int | None:
    if value == "":
        return None
    try:
        year = int(value)
    except ValueError:
        raise CatalogueError(f"'{value}' is not a year (a whole number like 2023)",
                             file=file, row=row, column="year") from None
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise CatalogueError(f"{year} is not a year between {_YEAR_MIN} and {_YEAR_MAX}",
                             file=file, row=row, column="year")
    return year


def _filter(value: str, column: str, *, file: str, row: int) -> tuple[str, ...]:
    """Parse ``any`` or ``key;key``; an empty cell means ``any``."""
    if value == "":
        return (ANY,)
    allowed = FILTER_COLUMNS[column]
    keys: list[str] = []
    for part in value.split(";"):
        key = part.strip()
        if key == "":
            raise CatalogueError(f"'{value}' has an empty entry between ';'",
                                 file=file, row=row, column=column)
        if key == ANY:
            if len([p for p in value.split(";") if p.strip()]) > 1:
                raise CatalogueError(f"'{value}': '{ANY}' cannot be combined with other values",
                                     file=file, row=row, column=column)
            return (ANY,)
        if key not in allowed:
            raise CatalogueError(f"'{key}' is not a known {column}; use '{ANY}' or one or "
                                 "more of: " + ", ".join(allowed) + " (separated by ';')",
                                 file=file, row=row, column=column)
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def _check_figures(statistic: str, low: float | None, median: float | None,
                   high: float | None, *, file: str, row: int) -> None:
    if low is None and median is None and high is None:
        raise CatalogueError("no figure given: fill in low, median or high",
                             file=file, row=row, column="median")
    if low is not None and median is not None and low > median:
        raise CatalogueError(f"low ({low:g}) is greater than median ({median:g})",
                             file=file, row=row, column="low")
    if median is not None and high is not None and median > high:
        raise CatalogueError(f"median ({median:g}) is greater than high ({high:g})",
                             file=file, row=row, column="high")
    if low is not None and high is not None and low > high:
        raise CatalogueError(f"low ({low:g}) is greater than high ({high:g})",
                             file=file, row=row, column="low")

    def need(column: str, why: str) -> None:
        raise CatalogueError(f"statistic '{statistic}' needs {why}", file=file, row=row,
                             column=column)

    if statistic == "quartiles":
        for column, value in (("low", low), ("median", median), ("high", high)):
            if value is None:
                need(column, "low (P25), median (P50) and high (P75)")
    elif statistic in ("good_great", "range"):
        what = ("low (good) and high (great)" if statistic == "good_great"
                else "low and high")
        if low is None:
            need("low", what)
        if high is None:
            need("high", what)
    elif statistic in ("median", "average"):
        if median is None and (low is None or high is None):
            need("median", "a median, or both low and high")
    elif statistic == "threshold":
        if median is not None:
            need("median", "exactly one bound in low or high, and no median")
        if (low is None) == (high is None):
            need("low" if low is not None else "high",
                 "exactly one bound: low (at least) or high (at most)")
    # "target" accepts any non-empty combination.


def _parse_row(values: Mapping[str, str], *, file: str, row: int, origin: str) -> Benchmark:
    ident = values["id"]
    if ident == "":
        raise CatalogueError("id is empty", file=file, row=row, column="id")
    kpi = _choice(values["kpi"], KPI_IDS, "KPI id", file=file, row=row, column="kpi")
    statistic = _choice(values["statistic"], STATISTICS, "statistic", file=file, row=row,
                        column="statistic")
    numbers = {c: _number(values[c], file=file, row=row, column=c) for c in _NUMBER_COLUMNS}
    unit = _choice(values["unit"], UNITS, "unit", file=file, row=row, column="unit")
    period = _choice(values["period"], _PERIOD_VALUES, "period", file=file, row=row,
                     column="period")
    status = _choice(values["status"], STATUS_LABELS, "status", file=file, row=row,
                     column="status")
    filters = {c: _filter(values[c], c, file=file, row=row) for c in FILTER_COLUMNS}
    year = _year(values["year"], file=file, row=row)
    comparability = _choice(values.get("comparability") or OPTIONAL_COLUMNS["comparability"],
                            COMPARABILITY, "comparability", file=file, row=row,
                            column="comparability")
    _check_figures(statistic, numbers["low"], numbers["median"], numbers["high"],
                   file=file, row=row)
    return Benchmark(
        id=ident, kpi=kpi, label=values["label"] or ident, statistic=statistic,
        low=numbers["low"], median=numbers["median"], high=numbers["high"],
        unit=unit, period=period, basis=values["basis"], segment=values["segment"],
        acv_band=filters["acv_band"], trial_type=filters["trial_type"],
        motion=filters["motion"], product_category=filters["product_category"],
        source=values["source"], year=year, sample=values["sample"], url=values["url"],
        status=status, note=values["note"], comparability=comparability, origin=origin,
    )


def _parse(records: Iterable[tuple[int, list[str]]], *, file: str,
           origin: str) -> list[Benchmark]:
    iterator = iter(records)
    header: list[str] | None = None
    for _, cells in iterator:
        if any(c.strip() for c in cells):
            header = cells
            break
    if header is None:
        raise CatalogueError("is empty; it needs at least the header row", file=file)
    header = [h.strip() for h in header]
    while header and header[-1] == "":  # trailing empty cells (spreadsheets add them)
        header.pop()
    _check_header(header, file)

    out: list[Benchmark] = []
    first_row: dict[str, int] = {}
    for row, cells in iterator:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if cells[0].startswith(_COMMENT_PREFIX):
            continue
        if len(cells) > len(header):
            if any(cells[len(header):]):
                raise CatalogueError(f"has {len(cells)} cells but the header has "
                                     f"{len(header)} columns", file=file, row=row)
            cells = cells[: len(header)]
        elif len(cells) < len(header):
            raise CatalogueError(f"has {len(cells)} cells but the header has {len(header)} "
                                 f"columns; column '{header[len(cells)]}' is missing",
                                 file=file, row=row, column=header[len(cells)])
        values = dict(zip(header, cells))
        bench = _parse_row(values, file=file, row=row, origin=origin)
        if bench.id in first_row:
            raise CatalogueError(f"duplicate id '{bench.id}' (first used in row "
                                 f"{first_row[bench.id]})", file=file, row=row, column="id")
        first_row[bench.id] = row
        out.append(bench)
    return out


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int, origin: str) -> tuple[Benchmark, ...]:
    file = Path(path)
    return tuple(_parse(_records(file.read_bytes(), file.name), file=file.name, origin=origin))


def load_catalogue(path: str | Path | None = None, *,
                   origin: str = "published") -> list[Benchmark]:
    """Read and validate a catalogue file.

    Parameters
    ----------
    path : CSV or XLSX file; ``None`` reads the shipped ``assets/benchmarks.csv``.
    origin : value for :attr:`Benchmark.origin` (``"published"`` or a user file's name).

    Returns
    -------
    list of Benchmark
        In file order. Results are cached per path, modification time and size.

    Raises
    ------
    CatalogueError
        If the file is missing, unreadable or has an invalid value.
    """
    file = Path(path) if path is not None else DEFAULT_CATALOGUE_PATH
    try:
        resolved = file.resolve()
        stat = resolved.stat()
    except OSError as exc:
        raise CatalogueError(f"cannot be opened ({exc.strerror or exc})", file=file.name) from exc
    return list(_load_cached(str(resolved), stat.st_mtime_ns, stat.st_size, origin))


def load_catalogue_bytes(data: bytes, filename: str) -> list[Benchmark]:
    """Read and validate an uploaded user catalogue.

    Parameters
    ----------
    data : file content (CSV in UTF-8, with or without BOM, or an XLSX workbook).
    filename : the uploaded file's name; picks the format by extension (XLSX is also
        recognised by content) and becomes each benchmark's ``origin``.

    Returns
    -------
    list of Benchmark
        In file order, each with ``origin`` = ``filename``.

    Raises
    ------
    CatalogueError
        If the file cannot be read or has an invalid value.
    """
    name = Path(filename).name or "catalogue"
    return _parse(_records(data, name), file=name, origin=name)


def benchmarks_for(kpi: str, context: Mapping[str, str | None],
                   catalogue: Sequence[Benchmark]) -> list[Benchmark]:
    """Select the benchmarks of one KPI that apply to a user's context.

    Parameters
    ----------
    kpi : a KPI id.
    context : the user's context (see :meth:`Benchmark.matches`).
    catalogue : benchmarks to search, e.g. published ones followed by a user's own.

    Returns
    -------
    list of Benchmark
        Matching benchmarks in catalogue order.
    """
    return [b for b in catalogue if b.kpi == kpi and b.matches(context)]

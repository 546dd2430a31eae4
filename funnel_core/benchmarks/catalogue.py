"""The benchmark catalogue: reading and validating catalogue files (shipped or a user's own).

The shipped catalogue lives in ``assets/benchmarks.csv`` (one row per published figure, see
``shared/BENCHMARKS.md``). Users can upload a catalogue of their own in the same layout, as
CSV (UTF-8, with or without BOM) or XLSX; :func:`load_catalogue_bytes` reads it. The columns and
the :class:`Benchmark` a row becomes are in :mod:`funnel_core.benchmarks.catalogue_schema`.

Every row is validated; a problem raises :class:`CatalogueError` naming the file, the row
(the line number in the file, header = 1) and the column. Rows whose ``id`` starts with
``#`` are comments and are skipped, as are rows that are entirely empty.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from funnel_core.benchmarks.catalogue_files import records as _records
from funnel_core.benchmarks.catalogue_schema import (
    CATALOGUE_COLUMNS,
    DEFAULT_CATALOGUE_PATH,
    FILTER_COLUMNS,
    OPTIONAL_COLUMNS,
    TEMPLATE_PATH,
    UNMAPPED_FIGURES,
    Benchmark,
    CatalogueError,
)
from funnel_core.benchmarks.matching import benchmarks_for
from funnel_core.domain.i18n import mark, tr
from funnel_core.domain.constants import (
    ANY,
    BOUNDS,
    COMPARABILITY,
    KPI_IDS,
    NO_PERIOD,
    NON_CENTRAL_STATISTICS,
    PERIODS,
    STATISTICS,
    STATUS_LABELS,
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
    "no_benchmark_text",
]

_NUMBER_COLUMNS: tuple[str, ...] = ("low", "median", "high")
_PERIOD_VALUES: tuple[str, ...] = (*PERIODS, NO_PERIOD)
_YEAR_MIN, _YEAR_MAX = 1990, 2100
_COMMENT_PREFIX = "#"
#: A publication key: lower-case letters, digits and underscores, starting with a letter or digit.
_PUBLICATION_KEY = re.compile(r"[a-z0-9][a-z0-9_]{0,59}")


#: "<value> is not a known <what>", by what (a KPI id, a statistic...).
_NOT_KNOWN: dict[str, str] = {
    "KPI id": mark("{value} is not a known KPI id; use one of: {options}"),
    "statistic": mark("{value} is not a known statistic; use one of: {options}"),
    "unit": mark("{value} is not a known unit; use one of: {options}"),
    "period": mark("{value} is not a known period; use one of: {options}"),
    "status": mark("{value} is not a known status; use one of: {options}"),
    "comparability": mark("{value} is not a known comparability; use one of: {options}"),
    "bound": mark("{value} is not a known bound; use one of: {options}"),
    "value": mark("{value} is not a known {what}; use one of: {options}"),
}


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------

def _check_header(header: list[str], file: str) -> None:
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for name in names:
        if name in seen and name:
            raise CatalogueError(tr("column '{name}' appears twice in the header", name=name),
                                 file=file, row=1, column=name)
        seen.add(name)
    missing = [c for c in CATALOGUE_COLUMNS if c not in seen]
    if missing:
        raise CatalogueError(
            tr("missing column(s): {columns}; the header must be: {header}",
               columns=", ".join(f"'{c}'" for c in missing), header=",".join(CATALOGUE_COLUMNS)),
            file=file, row=1, column=missing[0])
    extra = [n for n in names if n not in CATALOGUE_COLUMNS and n not in OPTIONAL_COLUMNS]
    if extra:
        shown = [f"'{e}'" if e else tr("(an unnamed column)") for e in extra]
        raise CatalogueError(tr("unexpected column(s): {columns}", columns=", ".join(shown)),
                             file=file, row=1, column=extra[0] or None)


def _choice(value: str, allowed: Iterable[str], what: str, *, file: str, row: int,
            column: str) -> str:
    options = tuple(allowed)
    if value not in options:
        shown = f"'{value}'" if value else tr("empty value")
        raise CatalogueError(tr(_NOT_KNOWN.get(what, _NOT_KNOWN["value"]), value=shown,
                                what=what, options=", ".join(options)),
                             file=file, row=row, column=column)
    return value


def _number(value: str, *, file: str, row: int, column: str) -> float | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise CatalogueError(tr("'{value}' is not a number (use a dot for decimals, fractions "
                                "for rates: 0.07 for 7 %)", value=value),
                             file=file, row=row, column=column) from None
    if not math.isfinite(number):
        raise CatalogueError(tr("'{value}' is not a finite number", value=value), file=file, row=row,
                             column=column)
    return number


def _year(value: str, *, file: str, row: int, column: str = "year") -> int | None:
    if value == "":
        return None
    try:
        year = int(value)
    except ValueError:
        raise CatalogueError(tr("'{value}' is not a year (a whole number like 2023)", value=value),
                             file=file, row=row, column=column) from None
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise CatalogueError(tr("{year} is not a year between {first} and {last}", year=year,
                                first=_YEAR_MIN, last=_YEAR_MAX),
                             file=file, row=row, column=column)
    return year


def _published(value: str, year: int | None, *, file: str, row: int) -> int | None:
    """The year of publication; never before the year the data describes."""
    published = _year(value, file=file, row=row, column="published")
    if published is not None and year is not None and published < year:
        raise CatalogueError(tr("published in {published}, before the year its data describes "
                                "({year}, column 'year'): put the data year in 'year' and the "
                                "year of publication in 'published'", published=published,
                                year=year),
                             file=file, row=row, column="published")
    return published


def _filter(value: str, column: str, *, file: str, row: int) -> tuple[str, ...]:
    """Parse ``any`` or ``key;key``; an empty cell means ``any``."""
    if value == "":
        return (ANY,)
    allowed = FILTER_COLUMNS[column]
    keys: list[str] = []
    for part in value.split(";"):
        key = part.strip()
        if key == "":
            raise CatalogueError(tr("'{value}' has an empty entry between ';'", value=value),
                                 file=file, row=row, column=column)
        if key == ANY:
            if len([p for p in value.split(";") if p.strip()]) > 1:
                raise CatalogueError(tr("'{value}': '{any}' cannot be combined with other values",
                                        value=value, any=ANY),
                                     file=file, row=row, column=column)
            return (ANY,)
        if key not in allowed:
            raise CatalogueError(tr("'{value}' is not a known {column}; use '{any}' or one or "
                                    "more of: {options} (separated by ';')", value=key,
                                    column=column, any=ANY, options=", ".join(allowed)),
                                 file=file, row=row, column=column)
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def _check_figures(statistic: str, low: float | None, median: float | None,
                   high: float | None, *, file: str, row: int) -> None:
    if low is None and median is None and high is None:
        raise CatalogueError(tr("no figure given: fill in low, median or high"),
                             file=file, row=row, column="median")
    if low is not None and median is not None and low > median:
        raise CatalogueError(tr("low ({low}) is greater than median ({median})", low=format(low, "g"),
                                median=format(median, "g")),
                             file=file, row=row, column="low")
    if median is not None and high is not None and median > high:
        raise CatalogueError(tr("median ({median}) is greater than high ({high})",
                                median=format(median, "g"), high=format(high, "g")),
                             file=file, row=row, column="high")
    if low is not None and high is not None and low > high:
        raise CatalogueError(tr("low ({low}) is greater than high ({high})", low=format(low, "g"),
                                high=format(high, "g")),
                             file=file, row=row, column="low")

    def need(column: str, why: str) -> None:
        raise CatalogueError(tr("statistic '{statistic}' needs {what}", statistic=statistic,
                                what=tr(why)), file=file, row=row,
                             column=column)

    if statistic == "quartiles":
        for column, value in (("low", low), ("median", median), ("high", high)):
            if value is None:
                need(column, mark("low (P25), median (P50) and high (P75)"))
    elif statistic in ("good_great", "range"):
        what = (mark("low (good) and high (great)") if statistic == "good_great"
                else mark("low and high"))
        if low is None:
            need("low", what)
        if high is None:
            need("high", what)
    elif statistic in ("median", "average"):
        if median is None and (low is None or high is None):
            need("median", mark("a median, or both low and high"))
    elif statistic in ("threshold", "concern"):
        if median is not None:
            need("median", mark("exactly one bound in low or high, and no median"))
        if (low is None) == (high is None):
            need("low" if low is not None else "high",
                 mark("exactly one bound: low (at least) or high (at most)"))
    # "target" accepts any non-empty combination.


def _publication(value: str, *, file: str, row: int) -> str:
    """An empty cell, or a key such as ``recurly_churn`` shared by a publication's editions."""
    if value == "" or _PUBLICATION_KEY.fullmatch(value):
        return value
    raise CatalogueError(tr("'{value}' is not a publication key: use lower-case letters, digits "
                            "and '_' (at most 60), e.g. saas_capital_retention, or leave it empty",
                            value=value),
                         file=file, row=row, column="publication")


def _bound(value: str, statistic: str, numbers: Mapping[str, float | None], *, file: str,
           row: int) -> str:
    """``inclusive`` or ``strict``; strict only for one bound of a threshold, target or concern."""
    bound = _choice(value or OPTIONAL_COLUMNS["bound"], BOUNDS, "bound", file=file, row=row,
                    column="bound")
    one_bound = (numbers["median"] is None
                 and (numbers["low"] is None) != (numbers["high"] is None))
    if bound == "strict" and (statistic not in NON_CENTRAL_STATISTICS or not one_bound):
        raise CatalogueError(tr("'strict' applies only to a threshold, target or concern level "
                                "with exactly one bound (low or high) and no median"),
                             file=file, row=row, column="bound")
    return bound


def _parse_row(values: Mapping[str, str], *, file: str, row: int, origin: str) -> Benchmark:
    ident = values["id"]
    if ident == "":
        raise CatalogueError(tr("id is empty"), file=file, row=row, column="id")
    kpi = _choice(values["kpi"], KPI_IDS, "KPI id", file=file, row=row, column="kpi")
    statistic = _choice(values["statistic"], STATISTICS, "statistic", file=file, row=row,
                        column="statistic")
    numbers = {c: _number(values[c], file=file, row=row, column=c) for c in _NUMBER_COLUMNS}
    unit = _choice(values["unit"], UNITS, "unit", file=file, row=row, column="unit")
    period = _choice(values["period"], _PERIOD_VALUES, "period", file=file, row=row,
                     column="period")
    status = _choice(values["status"], STATUS_LABELS, "status", file=file, row=row,
                     column="status")
    filters = {c: _filter(values.get(c, ""), c, file=file, row=row) for c in FILTER_COLUMNS}
    year = _year(values["year"], file=file, row=row)
    published = _published(values.get("published", ""), year, file=file, row=row)
    comparability = _choice(values.get("comparability") or OPTIONAL_COLUMNS["comparability"],
                            COMPARABILITY, "comparability", file=file, row=row,
                            column="comparability")
    _check_figures(statistic, numbers["low"], numbers["median"], numbers["high"],
                   file=file, row=row)
    publication = _publication(values.get("publication", ""), file=file, row=row)
    bound = _bound(values.get("bound", ""), statistic, numbers, file=file, row=row)
    return Benchmark(
        id=ident, kpi=kpi, label=values["label"] or ident, statistic=statistic,
        low=numbers["low"], median=numbers["median"], high=numbers["high"],
        unit=unit, period=period, basis=values["basis"], segment=values["segment"],
        acv_band=filters["acv_band"], trial_type=filters["trial_type"],
        motion=filters["motion"], product_category=filters["product_category"],
        source=values["source"], year=year, sample=values["sample"], url=values["url"],
        status=status, note=values["note"], comparability=comparability,
        publication=publication, bound=bound, arr_band=filters["arr_band"],
        funding=filters["funding"], published=published, origin=origin,
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
        raise CatalogueError(tr("is empty; it needs at least the header row"), file=file)
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
                raise CatalogueError(tr("has {cells} cells but the header has {columns} columns",
                                        cells=len(cells), columns=len(header)), file=file, row=row)
            cells = cells[: len(header)]
        elif len(cells) < len(header):
            raise CatalogueError(tr("has {cells} cells but the header has {columns} columns; "
                                    "column '{column}' is missing", cells=len(cells),
                                    columns=len(header), column=header[len(cells)]),
                                 file=file, row=row, column=header[len(cells)])
        values = dict(zip(header, cells))
        bench = _parse_row(values, file=file, row=row, origin=origin)
        if bench.id in first_row:
            raise CatalogueError(tr("duplicate id '{id}' (first used in row {row})", id=bench.id,
                                    row=first_row[bench.id]), file=file, row=row, column="id")
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
        raise CatalogueError(tr("cannot be opened ({error})", error=exc.strerror or exc),
                             file=file.name) from exc
    return list(_load_cached(str(resolved), stat.st_mtime_ns, stat.st_size, origin))


def no_benchmark_text(kpi: str, catalogue: Sequence[Benchmark] | None = None) -> str:
    """What to say for a KPI without a matching figure; a figure is never invented.

    ``"no published benchmark in our catalogue"`` when ``catalogue`` (the shipped one when
    ``None``) has no figure for the KPI at all (gross margin, for one), else ``"no published
    benchmark in our catalogue matches your segment"``.
    """
    rows = load_catalogue() if catalogue is None else catalogue
    if any(b.kpi == kpi for b in rows):
        return tr("no published benchmark in our catalogue matches your segment")
    return tr("no published benchmark in our catalogue")


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

"""The ``benchmarks`` command: the whole benchmark catalogue, so users and scripts can see what
every comparison rests on.

::

    benchmarks [--kpi ID] [--format table|json|csv] [--catalogue FILE ...]

Every row of the shipped catalogue (and of each ``--catalogue`` file, after it) with
:data:`COLUMNS`: its id, KPI, statistic, the figures ``low`` / ``median`` / ``high``, unit,
period, the segment it describes (in words and as the selector columns ``acv_band``,
``trial_type``, ``motion``, ``product_category``, ``arr_band``, ``funding``), source, ``year``
(the year its data describes), ``published``, ``sample``, ``url``, verification ``status``,
``note``, and ``dated`` (data more than five years old,
:mod:`funnel_core.benchmarks.age`).

``json`` prints ``{"count", "current_year", "benchmarks": [...]}`` (strict JSON, selector columns
as lists); ``csv`` one row per figure with a header, selector values joined by ``;`` and text
that a spreadsheet would read as a formula neutralised
(:func:`funnel_core.exports.sanitize.safe_cell`); ``table`` one line per figure, without
control characters. An unknown ``--kpi`` or a missing ``--catalogue`` file exits with status 2
and one line on stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

from funnel_core.benchmarks.age import current_year, is_dated, year_text
from funnel_core.benchmarks.catalogue import FILTER_COLUMNS, Benchmark, load_catalogue
from funnel_core.domain.constants import KPI_IDS
from funnel_core.domain.formatting import format_value
from funnel_core.domain.json_safe import sanitize
from funnel_core.exports.sanitize import safe_cell, terminal_text

__all__ = ["COLUMNS", "add_parser", "benchmark_record", "render_csv", "render_json",
           "render_table", "run"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2

#: Fields of every listed figure, in this order (JSON keys and CSV header).
COLUMNS: tuple[str, ...] = (
    "id", "kpi", "label", "statistic", "low", "median", "high", "unit", "period", "basis",
    "segment", *FILTER_COLUMNS, "source", "year", "published", "dated", "sample", "url",
    "status", "comparability", "publication", "note", "origin",
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``benchmarks`` on an ``add_subparsers()`` object."""
    p = subparsers.add_parser("benchmarks", help="list the benchmark catalogue (every published "
                                                 "figure with its source, year and status)",
                              description="Every published figure the comparisons use, with "
                                          "its segment, source, year, sample, link and status.")
    p.add_argument("--kpi", metavar="ID", help="only the figures of this KPI id")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--catalogue", action="append", default=[], metavar="FILE",
                   help="also list your own catalogue (CSV/XLSX, same columns); may repeat")
    p.set_defaults(func=run)
    return p


def benchmark_record(b: Benchmark, year: int | None = None) -> dict[str, Any]:
    """One figure as a plain dict with the keys of :data:`COLUMNS` (selectors as lists)."""
    data = b.to_dict()
    data["dated"] = is_dated(b, year)
    return {column: data.get(column) for column in COLUMNS}


def render_json(rows: list[Benchmark], year: int) -> str:
    import json

    data = {"count": len(rows), "current_year": year,
            "benchmarks": [benchmark_record(b, year) for b in rows]}
    return json.dumps(sanitize(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _csv_value(column: str, value: Any) -> Any:
    if column in FILTER_COLUMNS:
        return ";".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else safe_cell(value)


def render_csv(rows: list[Benchmark], year: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for b in rows:
        record = benchmark_record(b, year)
        writer.writerow([_csv_value(c, record[c]) for c in COLUMNS])
    return buffer.getvalue()


def _figure(b: Benchmark) -> str:
    def f(x: float | None) -> str:
        return format_value(x, b.unit, "USD") if x is not None else "-"

    if b.statistic == "quartiles":
        text = f"P25 {f(b.low)} / median {f(b.median)} / P75 {f(b.high)}"
    else:
        parts = [f(x) for x in (b.low, b.median, b.high) if x is not None]
        text = f"{b.statistic} " + " / ".join(parts)
    return text + (f" per {b.period}" if b.period != "none" else "")


def _segment(b: Benchmark) -> str:
    chosen = [f"{c}={'/'.join(getattr(b, c))}" for c in FILTER_COLUMNS if getattr(b, c) != ("any",)]
    return ", ".join(chosen) or "all segments"


def render_table(rows: list[Benchmark], year: int) -> str:
    """One line per figure: id, KPI, figure, segment selectors, year, status and source."""
    if not rows:
        return "No published benchmark in our catalogue for this selection.\n"
    header = f"{'id':<44} {'kpi':<26} {'figure':<42} {'year':<22} {'st':<2}  segment; source"
    lines = [header, "-" * len(header)]
    for b in rows:
        when = year_text(b, year) or "year not stated"
        lines.append(f"{b.id:<44} {b.kpi:<26} {_figure(b):<42} {when:<22} {b.status:<2}  "
                     f"{_segment(b)}; {b.source}")
    lines.append(f"{len(rows)} figures. Status: V verified in the source's own publication, "
                 "S seen only where another page quotes it, U source not verified. 'dated': data "
                 f"more than five years old in {year}.")
    return terminal_text("\n".join(lines) + "\n")


def _fail(message: str) -> int:
    print(terminal_text(f"error: {message}"), file=sys.stderr)
    return EXIT_BAD_INPUT


def run(args: argparse.Namespace) -> int:
    """List the catalogue (see the module docstring); the exit status."""
    if args.kpi is not None and args.kpi not in KPI_IDS:
        return _fail(f"--kpi {args.kpi!r} is not a KPI id; use one of: " + ", ".join(KPI_IDS))
    rows = list(load_catalogue())
    for extra in args.catalogue:
        if not Path(extra).exists():
            return _fail(f"{extra}: no such catalogue file")
        rows += load_catalogue(extra, origin=Path(extra).name)
    if args.kpi is not None:
        rows = [b for b in rows if b.kpi == args.kpi]
    year = current_year()
    render = {"json": render_json, "csv": render_csv, "table": render_table}[args.format]
    sys.stdout.write(render(rows, year))
    return EXIT_OK

"""Downloads: every chart as PNG/SVG/HTML, a ZIP of all charts, the comparison as CSV and
XLSX, and a board-ready report as HTML and PDF. No browser is needed (vl-convert renders
the charts, openpyxl writes the workbook, fpdf2 writes the PDF).

Public API
----------
- :func:`chart_png`, :func:`chart_svg`, :func:`chart_html`: one Altair chart as bytes.
- :func:`charts_zip`: every chart of a report (png + svg + html each) and a README.txt.
- :func:`comparison_csv`, :func:`comparison_xlsx`: the KPI comparison as a table.
- :func:`report_html`, :func:`report_pdf`: the one-document report: a one-page board summary
  (verdict counts, biggest gaps, the overview chart, its numbered sources), then an appendix;
  ``one_page_only=True`` gives the summary page alone.
- :func:`write_report`: any of the above to a file, the format picked by the extension.
- :data:`EXPORTS`: format key (the name of the function producing it) -> (extension, MIME).

Safety
------
Text that may come from the user (snapshot label, notes naming unknown columns, labels and
sources of a user catalogue) is neutralised against spreadsheet formula injection in CSV and
XLSX (:func:`safe_cell`) and HTML-escaped in HTML. Numbers are written as numbers with full
precision; NaN and infinities become empty cells.

Charts
------
The report (HTML, PDF), the workbook and the single PNG/SVG of :func:`write_report` use the
key charts (overview, funnel, focus, MRR bridge; :func:`is_key_chart`); the ZIP has every
chart of :func:`funnel_core.charts.overview.chart_catalog`, including one bullet chart per KPI.
Rendered charts are cached by spec digest (bounded, thread-safe), and the last report's chart
list is remembered, so a second download of the same report is quick. Functions taking
``charts=`` accept the list the app already built with ``chart_catalog``.

All byte-returning functions are meant to be called lazily, only when a download is asked
for: rendering a chart takes 0.1-0.7 s (see docs/PERFORMANCE_exports.md).
"""

from __future__ import annotations

from funnel_core.domain.constants import ASSETS_DIR

import csv
import datetime as _dt
import functools
import hashlib
import html
import io
import json
import math
import os
import re
import threading
import weakref
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison, primary_comparison
from funnel_core.domain.constants import (
    ACV_BANDS,
    MOTIONS,
    PERIOD_LABELS,
    PRODUCT_CATEGORIES,
    STATUS_LABELS,
    TRIAL_TYPES,
    VERDICT_LABELS,
    VERDICTS,
)
from funnel_core.domain.formatting import format_value
from funnel_core.exports.table_csv import CSV_COLUMNS, report_rows

if TYPE_CHECKING:  # pragma: no cover - typing only
    import altair as alt

__all__ = [
    "EXPORTS",
    "PNG_SCALE",
    "REPORT_EXTENSIONS",
    "NamedChartLike",
    "ReportSummary",
    "chart_html",
    "chart_png",
    "chart_size",
    "chart_svg",
    "charts_zip",
    "clear_render_cache",
    "comparison_csv",
    "comparison_xlsx",
    "download_name",
    "context_pairs",
    "coverage_line",
    "is_key_chart",
    "page_notes_intro",
    "page_overview",
    "report_charts",
    "report_html",
    "report_pdf",
    "safe_cell",
    "short_note",
    "summarize",
    "verdict_marks",
    "write_report",
]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Format key (= name of the function of this module that produces it) -> (extension, MIME).
EXPORTS: dict[str, tuple[str, str]] = {
    "chart_png": (".png", "image/png"),
    "chart_svg": (".svg", "image/svg+xml"),
    "chart_html": (".html", "text/html"),
    "charts_zip": (".zip", "application/zip"),
    "comparison_csv": (".csv", "text/csv"),
    "comparison_xlsx": (".xlsx", XLSX_MIME),
    "report_html": (".html", "text/html"),
    "report_pdf": (".pdf", "application/pdf"),
}

#: Extensions :func:`write_report` accepts, in the order the error message names them.
REPORT_EXTENSIONS: tuple[str, ...] = (".xlsx", ".csv", ".html", ".pdf", ".zip", ".png", ".svg")

#: Scale of PNG renders: 2 keeps charts sharp on retina screens and in print.
PNG_SCALE = 2

PRODUCT_NAME = "SaaS funnel benchmark"

#: The line above the numbered sources of the HTML and PDF reports.
SOURCES_INTRO = (
    "Benchmarks are published third-party figures, numbered as on the charts, each with its "
    "verification status; benchmark amounts are in USD. Churn and retention are converted "
    "between periods by compounding, never by multiplying."
)

#: Verdict glyphs, as on the charts (colour is never the only cue).
VERDICT_GLYPHS: dict[str, str] = {"better": "▲", "in_line": "●", "worse": "▼"}

#: The charts' look (marker shapes and colours of the verdicts).
THEME_PATH = ASSETS_DIR / "theme.json"
_DEFAULT_MARKS: dict[str, tuple[str, str]] = {
    "better": ("triangle-up", "#0072B2"), "in_line": ("circle", "#6E6E6E"),
    "worse": ("triangle-down", "#D55E00"),
}
_SHAPE_NAMES = ("triangle-up", "triangle-down", "circle", "diamond", "square")


@functools.lru_cache(maxsize=4)
def _theme_marks(path: str, mtime_ns: int) -> dict[str, tuple[str, str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return dict(_DEFAULT_MARKS)
    shapes = data.get("shapes") if isinstance(data, dict) else None
    colours = data.get("colors") if isinstance(data, dict) else None
    marks = {}
    for verdict, (shape, colour) in _DEFAULT_MARKS.items():
        got_shape = shapes.get(verdict) if isinstance(shapes, dict) else None
        got_colour = colours.get(verdict) if isinstance(colours, dict) else None
        marks[verdict] = (
            got_shape if got_shape in _SHAPE_NAMES else shape,
            got_colour if isinstance(got_colour, str) and re.fullmatch(r"#[0-9A-Fa-f]{6}", got_colour)
            else colour,
        )
    return marks


def verdict_marks() -> dict[str, tuple[str, str]]:
    """Verdict -> (marker shape, ``#RRGGBB`` colour) as the charts draw them (assets/theme.json).

    The reports draw the same markers next to the verdict words, so the verdict counts on
    page 1 match the overview chart under them. Falls back to the Okabe-Ito defaults (▲ blue
    ``#0072B2``, ● grey, ▼ vermillion ``#D55E00``) when the theme cannot be read.
    """
    try:
        mtime = THEME_PATH.stat().st_mtime_ns
    except OSError:
        return dict(_DEFAULT_MARKS)
    return _theme_marks(str(THEME_PATH), mtime)


class NamedChartLike(Protocol):
    """What :func:`funnel_core.charts.overview.chart_catalog` returns for each chart."""

    name: str
    title: str
    chart: Any


@dataclass(frozen=True)
class _AnnotatedChart:
    """A chart ready for export (title, sources and date guaranteed) with its Vega-Lite spec."""

    name: str
    title: str
    chart: Any
    spec: dict = field(repr=False, compare=False)
    digest: str = field(repr=False, compare=False)


# --- small helpers -----------------------------------------------------------------------------

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Make one cell value safe for a spreadsheet (CSV or XLSX).

    Parameters
    ----------
    value : anything a table cell may hold.

    Returns
    -------
    Any
        ``None`` for ``None``, NaN and infinities; numbers (and booleans) unchanged, so a
        negative gap stays a number; text starting with ``=``, ``+``, ``-``, ``@``, a tab or
        a carriage return prefixed with an apostrophe so no spreadsheet evaluates it as a
        formula; any other text unchanged.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    text = str(value)
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def finite(value: float | None) -> float | None:
    """``value`` when it is a finite number, else ``None``."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_of_date(as_of: _dt.date | _dt.datetime | str | None = None) -> str:
    """The report date as ``YYYY-MM-DD`` (today when ``as_of`` is ``None``)."""
    if as_of is None:
        return _dt.date.today().isoformat()
    if isinstance(as_of, _dt.datetime):
        return as_of.date().isoformat()
    if isinstance(as_of, _dt.date):
        return as_of.isoformat()
    return str(as_of).strip()[:32] or _dt.date.today().isoformat()


def as_of_value(as_of: _dt.date | _dt.datetime | str | None) -> _dt.date | None:
    """``as_of`` as a :class:`datetime.date` (``None`` stays ``None`` = today).

    Raises
    ------
    ValueError
        For text that is not an ISO date (``YYYY-MM-DD``).
    """
    if as_of is None:
        return None
    if isinstance(as_of, _dt.datetime):
        return as_of.date()
    if isinstance(as_of, _dt.date):
        return as_of
    try:
        return _dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise ValueError(f"as_of must be a date (YYYY-MM-DD), not {as_of!r}") from None


def is_web_link(url: str | None) -> bool:
    """True for an ``http(s)://`` address (the only links exports make clickable)."""
    text = (url or "").strip().lower()
    return text.startswith(("https://", "http://")) and " " not in text


def download_name(key: str, report: ComparisonReport | None = None, *, chart_name: str | None = None,
                  as_of: _dt.date | str | None = None) -> str:
    """A file name for a download, e.g. ``funnel-benchmark-2025-06-2026-01-31.xlsx``.

    Parameters
    ----------
    key : a key of :data:`EXPORTS`.
    report : the report (its snapshot label goes into the name when it is file-safe).
    chart_name : for single-chart downloads, the chart's slug.
    as_of : report date; today by default.
    """
    extension = EXPORTS[key][0]
    parts = ["funnel-benchmark"]
    label = report.snapshot.label if report is not None else None
    if label:
        slug = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(label)).strip("-")
        if slug:
            parts.append(slug[:40])
    if chart_name:
        parts.append(_slug(chart_name))
    if key in ("report_html", "report_pdf"):
        parts.append("report")
    parts.append(as_of_date(as_of))
    return "-".join(parts) + extension


def _slug(text: str) -> str:
    slug = "".join(ch.lower() if ch.isascii() and (ch.isalnum() or ch == "_") else "-" for ch in text)
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.strip("-")[:60] or "chart"


# --- context and wording shared by HTML, PDF and XLSX -----------------------------------------

def context_items(report: ComparisonReport) -> list[tuple[str, str, str]]:
    """(key, label, human value) of the snapshot's context, "Not said" for open selectors."""
    ctx = report.snapshot.context
    options = {"trial_type": TRIAL_TYPES, "motion": MOTIONS, "acv_band": ACV_BANDS,
               "product_category": PRODUCT_CATEGORIES}
    labels = {"period": "Period", "trial_type": "Trial model", "motion": "Sales motion",
              "acv_band": "Contract size (ACV)", "product_category": "Product category",
              "currency": "Currency"}
    items = []
    for key in ("period", "trial_type", "motion", "acv_band", "product_category", "currency"):
        value = getattr(ctx, key)
        if key == "period":
            text = PERIOD_LABELS.get(value, value)
        elif key == "currency":
            text = value
        else:
            text = options[key].get(value, value) if value else "Not said (all segments)"
        items.append((key, labels[key], text))
    return items


def benchmark_figure_text(comp: BenchmarkComparison) -> str:
    """The published figure(s) in words, e.g. ``median 5.0 % per month`` or ``2.0-4.0x``."""
    b = comp.benchmark
    unit = b.unit

    def fmt(x: float | None) -> str:
        return format_value(x, unit, "USD")

    if b.statistic == "quartiles" and None not in (b.low, b.median, b.high):
        text = f"P25 {fmt(b.low)} / median {fmt(b.median)} / P75 {fmt(b.high)}"
    elif b.statistic == "good_great" and b.low is not None and b.high is not None:
        text = f"good {fmt(b.low)} / great {fmt(b.high)}"
    elif b.low is not None and b.high is not None:
        text = f"{fmt(b.low)} to {fmt(b.high)}"
        if b.median is not None:
            text += f" (median {fmt(b.median)})"
    elif b.median is not None:
        word = {"median": "median", "average": "average", "target": "target",
                "threshold": "threshold"}.get(b.statistic, b.statistic)
        text = f"{word} {fmt(b.median)}"
    elif b.low is not None:
        text = f"at least {fmt(b.low)}"
    elif b.high is not None:
        text = f"at most {fmt(b.high)}"
    else:  # pragma: no cover - the catalogue refuses rows without a figure
        text = "n/a"
    if b.period and b.period != "none":
        text += f" per {b.period}"
    return text


def gap_text(comp: BenchmarkComparison, currency: str = "USD") -> str:
    """The gap to the reference in words (``+2.3 pp``, ``-0.33x``, ``+1.5 months``)."""
    gap = finite(comp.gap)
    if gap is None:
        return ""
    unit = comp.benchmark.unit
    if unit == "fraction":
        return f"{gap * 100:+.1f} pp"
    if unit == "ratio":
        return f"{gap:+.2f}x"
    if unit == "months":
        return f"{gap:+.1f} months"
    if unit == "points":
        return f"{gap:+.0f} points"
    if unit == "currency":
        sign = "+" if gap >= 0 else "-"
        return sign + format_value(abs(gap), unit, currency)
    return f"{gap:+.2f}"


def source_short(comp: BenchmarkComparison) -> str:
    """``Source (year)`` of a comparison's benchmark."""
    b = comp.benchmark
    if b.year and str(b.year) not in b.source:
        return f"{b.source} ({b.year})"
    return b.source


def gap_sentence(item: KpiComparison, comp: BenchmarkComparison, currency: str, *,
                 cite: bool = True) -> str:
    """One plain-English line about a KPI's gap to its main benchmark.

    Example: ``Gross MRR churn is 26.6 % per year against a target of 3.0 % per year
    (Bessemer, 2017): 23.6 percentage points worse.``

    With ``cite=False`` the source's name is left out (the caller adds a numbered reference);
    an unverified source is still said to be one: ``... (source not verified): worse.``
    """
    b = comp.benchmark
    unit = b.unit
    period = f" per {b.period}" if b.period not in (None, "", "none") else ""
    value = format_value(comp.user_value, unit, currency) + period
    reference = format_value(comp.reference, unit, "USD") if comp.reference is not None else "n/a"
    gap = finite(comp.gap) or 0.0
    if b.median is not None:
        what = {"average": "the average", "target": "the target",
                "threshold": "the threshold"}.get(b.statistic, "the median")
        what = f"{what} of {reference}{period}"
    elif b.low is not None and b.high is not None:
        kind = {"good_great": "good-to-great", "target": "target"}.get(b.statistic, "typical")
        what = (f"the {kind} range ({format_value(b.low, unit, 'USD')} to "
                f"{format_value(b.high, unit, 'USD')}{period})")
    else:
        kind = "target" if b.statistic == "target" else "threshold"
        what = f"the {kind} of {reference}{period}"
    if unit == "fraction":
        size = f"{abs(gap) * 100:.1f} percentage points"
    elif unit == "ratio":
        size = f"{abs(gap):.2f}x"
    elif unit == "months":
        size = f"{abs(gap):.1f} months"
    elif unit == "points":
        size = f"{abs(gap):.0f} points"
    else:
        size = format_value(abs(gap), unit, currency)
    direction = "above" if gap > 0 else "below"
    verdict = VERDICT_LABELS.get(comp.verdict or "", "no verdict").lower()
    unverified = " (source not verified)" if b.status == "U" else ""
    citation = f" ({source_short(comp)}{unverified})" if cite else unverified
    if gap == 0:
        position = f"within {benchmark_figure_text(comp)}"
        return f"{item.kpi.spec.label} is {value}, {position}{citation}: {verdict}."
    converted = ""
    if comp.conversion_note and item.kpi.period not in (None, "", "none", b.period):
        converted = f" (converted from {format_value(item.kpi.value, unit, currency)} per {item.kpi.period})"
    return f"{item.kpi.spec.label} is {value}{converted}, {size} {direction} {what}{citation}: {verdict}."


# --- the content of a report, shared by HTML and PDF --------------------------------------------

@dataclass(frozen=True)
class Footnote:
    """One numbered benchmark source (numbered per benchmark, like the charts' footers)."""

    number: int
    source: str
    year: int | None
    status: str
    status_label: str
    url: str
    user_supplied: bool
    origin: str
    figure: str = ""
    segment: str = ""

    @property
    def year_text(self) -> str:
        """``", 2023"``; empty when the source's name already says the year."""
        if self.year is None:
            return ", year not stated"
        return "" if str(self.year) in self.source else f", {self.year}"


@dataclass(frozen=True)
class BenchmarkLine:
    """One more benchmark of a KPI (besides its main one), for the report's full table.

    ``converted`` is the user's value in this benchmark's period when it differs from the
    KPI's own period, else empty.
    """

    benchmark: str
    verdict: str | None
    gap: str
    footnote: int
    segment: str
    user_supplied: bool
    converted: str = ""


@dataclass(frozen=True)
class GapItem:
    """One of the biggest gaps: the sentence without the source's name, and its footnote."""

    text: str
    verdict: str
    footnote: int | None


@dataclass(frozen=True)
class TableRow:
    """One KPI in the table: its main benchmark, and in ``others`` every other one.

    ``value`` is the KPI in its own period; ``converted`` the same value in the main
    benchmark's period when they differ (e.g. monthly churn shown per year), else empty.
    """

    kpi_id: str
    label: str
    value: str
    benchmark: str
    verdict: str | None
    gap: str
    footnote: int | None
    more: int
    segment: str
    user_supplied: bool
    converted: str = ""
    others: tuple[BenchmarkLine, ...] = ()


#: How verdicts, gaps and statuses are decided (the report's definitions; as in the workbook).
REPORT_RULES: tuple[tuple[str, str], ...] = (
    ("better / worse", "Outside a published range, on the good or the bad side (direction-aware: "
                       "lower churn is better)."),
    ("in line", "Inside the range, or within +-10 % of a single median or average."),
    ("threshold / target", "Meeting a one-sided threshold or target is better, missing it worse."),
    ("gap", "Your value minus the reference (the median when published, else the nearest bound), "
            "in the benchmark's unit; for rates in percentage points (pp)."),
    ("periods", "Churn and retention are converted between month, quarter and year by "
                "compounding, never by multiplying."),
    ("currency", "Benchmark amounts are in USD and are not converted."),
)


@dataclass
class ReportSummary:
    """Everything the HTML and PDF reports print, already in words.

    Attributes
    ----------
    title, date, snapshot_label, context : header lines (label is user text: escape it).
    kpi_counts : verdict -> number of KPIs whose main benchmark gives that verdict.
    kpis_compared : KPIs with a verdict against their main benchmark.
    all_counts : verdict -> number over every KPI x benchmark comparison (as on screen).
    gaps : up to three plain-English sentences, shortfalls first, biggest relative gap first.
    rows : the compact table, computable KPIs in catalogue order.
    not_computable : (KPI label, reason) pairs.
    warnings, notes : input warnings and file notes.
    footnotes : numbered sources of the main benchmarks, numbered as on the overview chart.
    comparisons : the number of KPI x benchmark comparisons (all are in CSV/XLSX).
    gap_items : the ``gaps`` again, without the source's name, with verdict and footnote.
    other_footnotes : sources of the other benchmarks of the full table, numbered on from
        the last of ``footnotes``.
    definitions : (KPI label, formula, "higher" / "lower" / "" is better) of every KPI listed.
    """

    title: str
    date: str
    snapshot_label: str | None
    context: list[tuple[str, str, str]]
    kpi_counts: dict[str, int]
    kpis_compared: int
    all_counts: dict[str, int]
    gaps: list[str]
    rows: list[TableRow]
    not_computable: list[tuple[str, str]]
    warnings: list[str]
    notes: list[str]
    footnotes: list[Footnote] = field(default_factory=list)
    comparisons: int = 0
    gap_items: list[GapItem] = field(default_factory=list)
    other_footnotes: list[Footnote] = field(default_factory=list)
    definitions: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def all_footnotes(self) -> list[Footnote]:
        """Every numbered source: the main benchmarks', then the other benchmarks'."""
        return list(self.footnotes) + list(self.other_footnotes)

    @property
    def without_benchmark(self) -> int:
        """Computed KPIs that have no published benchmark to compare with."""
        return sum(1 for row in self.rows if row.footnote is None)

    def headline(self) -> str:
        """``Against their main benchmark, 18 KPIs: 6 better, 7 in line, 5 worse.``"""
        c = self.kpi_counts
        if not self.kpis_compared:
            return "No KPI could be compared with a published benchmark yet."
        return (f"Against their main benchmark, {self.kpis_compared} KPIs: {c['better']} better, "
                f"{c['in_line']} in line, {c['worse']} worse.")

    def all_line(self) -> str:
        """The counts over every comparison, as the results page shows them."""
        c = self.all_counts
        total = sum(c.values())
        return (f"Counting every matching benchmark ({total} comparisons with a verdict): "
                f"{c['better']} better, {c['in_line']} in line, {c['worse']} worse.")


def summarize(report: ComparisonReport, as_of: _dt.date | str | None = None) -> ReportSummary:
    """Turn a report into the words and rows the HTML and PDF reports print.

    Parameters
    ----------
    report : the comparison.
    as_of : report date (today by default).

    Returns
    -------
    ReportSummary
    """
    currency = report.snapshot.context.currency
    kpi_counts = {v: 0 for v in VERDICTS}
    rows: list[TableRow] = []
    not_computable: list[tuple[str, str]] = []
    footnotes: list[Footnote] = []
    note_index: dict[tuple[str, str], int] = {}
    ranked: list[tuple[int, float, KpiComparison, BenchmarkComparison]] = []

    def footnote_for(comp: BenchmarkComparison, notes: list[Footnote] | None = None) -> int:
        # one number per benchmark, in order of first use: the numbering of the charts
        notes = footnotes if notes is None else notes
        b = comp.benchmark
        key = (b.origin, b.id)
        if key not in note_index:
            note_index[key] = len(note_index) + 1
            notes.append(Footnote(
                number=len(note_index), source=b.source, year=b.year, status=b.status,
                status_label=STATUS_LABELS.get(b.status, b.status), url=b.url or "",
                user_supplied=b.origin != "published", origin=b.origin,
                figure=benchmark_figure_text(comp), segment=b.segment))
        return note_index[key]

    def converted_text(kpi: Any, comp: BenchmarkComparison) -> str:
        if (comp.user_value is not None and comp.benchmark.period not in (kpi.period, "none")
                and kpi.spec.period_kind is not None):
            return f"{format_value(comp.user_value, kpi.spec.unit, currency)} per {comp.benchmark.period}"
        return ""

    mains: dict[str, BenchmarkComparison] = {}

    comparisons = 0
    for item in report.kpis:
        kpi = item.kpi
        comparisons += len(item.comparisons)
        if not kpi.computable:
            not_computable.append((kpi.spec.label, kpi.reason or "not computable"))
            continue
        value = format_value(kpi.value, kpi.spec.unit, currency)
        if kpi.period not in (None, "", "none"):
            value += f" per {kpi.period}"
        main = primary_comparison(item)
        if main is None:
            reasons = {c.reason for c in item.comparisons if c.reason}
            rows.append(TableRow(kpi.id, kpi.spec.label, value,
                                 "; ".join(sorted(reasons)) if reasons else "no published benchmark",
                                 None, "", None, 0, "", False))
            continue
        if main.verdict:
            kpi_counts[main.verdict] += 1
            if main.verdict != "in_line" and finite(main.gap):
                rel = finite(main.relative_gap)
                size = abs(rel) if rel is not None else 0.0
                ranked.append((0 if main.verdict == "worse" else 1, -size, item, main))
        mains[kpi.id] = main
        others = sum(1 for c in item.comparisons if c.user_value is not None) - 1
        rows.append(TableRow(
            kpi.id, kpi.spec.label, value, benchmark_figure_text(main), main.verdict,
            gap_text(main, currency), footnote_for(main), max(others, 0),
            main.benchmark.segment, main.benchmark.origin != "published", converted_text(kpi, main)))
    # the other benchmarks of each KPI, numbered after the main ones (which keep the charts' numbers)
    other_footnotes: list[Footnote] = []
    by_kpi = {item.kpi.id: item for item in report.kpis}
    for index, row in enumerate(rows):
        main = mains.get(row.kpi_id)
        if main is None:
            continue
        item = by_kpi[row.kpi_id]
        lines = tuple(
            BenchmarkLine(benchmark_figure_text(c), c.verdict, gap_text(c, currency),
                          footnote_for(c, other_footnotes), c.benchmark.segment,
                          c.benchmark.origin != "published", converted_text(item.kpi, c))
            for c in item.comparisons if c.user_value is not None and c is not main)
        rows[index] = replace(row, others=lines)
    ranked.sort(key=lambda t: (t[0], t[1]))
    gaps = [gap_sentence(item, comp, currency) for _, _, item, comp in ranked[:3]]
    gap_items = [GapItem(gap_sentence(item, comp, currency, cite=False), comp.verdict or "",
                         note_index.get((comp.benchmark.origin, comp.benchmark.id)))
                 for _, _, item, comp in ranked[:3]]
    definitions = []
    for item in report.kpis:
        spec = item.kpi.spec
        better = {True: "higher", False: "lower"}.get(spec.higher_is_better, "")
        definitions.append((spec.label, spec.formula, better))
    return ReportSummary(
        title=f"{PRODUCT_NAME} report",
        date=as_of_date(as_of),
        snapshot_label=report.snapshot.label,
        context=context_items(report),
        kpi_counts=kpi_counts,
        kpis_compared=sum(kpi_counts.values()),
        all_counts=report.verdict_counts(),
        gaps=gaps,
        rows=rows,
        not_computable=not_computable,
        warnings=list(report.warnings),
        notes=list(report.notes),
        footnotes=footnotes,
        comparisons=comparisons,
        gap_items=gap_items,
        other_footnotes=other_footnotes,
        definitions=definitions,
    )


# --- the one-page summary's wording, shared by HTML and PDF -------------------------------------

_SHORT_CONTEXT = {"period": "Period", "trial_type": "Trial", "motion": "Motion",
                  "acv_band": "Contract size", "product_category": "Category", "currency": "Currency"}


def context_pairs(summary: ReportSummary) -> list[tuple[str, str]]:
    """(short label, value) of the context; the selectors left open are named together."""
    pairs, open_ = [], []
    for key, label, value in summary.context:
        name = _SHORT_CONTEXT.get(key, label)
        if key not in ("period", "currency") and str(value).startswith("Not said"):
            open_.append(name)
        else:
            pairs.append((name, value))
    if len(open_) == 1:
        pairs.insert(len(pairs) - 1, (open_[0], "not said (all segments)"))
    elif open_:
        pairs.insert(len(pairs) - 1, ("Not said (all segments)", ", ".join(open_)))
    return pairs


def coverage_line(summary: ReportSummary, one_page_only: bool) -> str:
    """How many KPIs the counts cover, e.g. ``27 KPIs computed: 18 with a verdict, ...``."""
    computed = len(summary.rows)
    missing = len(summary.not_computable)
    if not computed:
        text = "No KPI could be computed from the inputs."
    else:
        text = f"{computed} KPIs computed from your inputs: {summary.kpis_compared} with a verdict"
        if summary.without_benchmark:
            text += f", {summary.without_benchmark} without a published benchmark"
        text += "."
    if missing:
        text += f" {missing} not computable (inputs missing)."
    if not one_page_only and (computed or missing):
        text += " Details in the appendix."
    return text


def short_note(note: Footnote) -> str:
    """``Source, year`` of a footnote for the summary page (no "year not stated")."""
    year = "" if note.year is None or str(note.year) in note.source else f", {note.year}"
    mine = f" (your catalogue {note.origin})" if note.user_supplied else ""
    return f"{note.source}{year}{mine}"


def page_notes_intro(summary: ReportSummary, one_page_only: bool) -> str:
    """The line above the summary page's footnotes (status key and where the details are)."""
    present = [s for s in ("V", "S", "U") if any(n.status == s for n in summary.footnotes)]
    key = "; ".join(f"{s} = {STATUS_LABELS[s].lower()}" for s in present if s != "U")
    text = "Numbered as on the chart" + (f". Status {key}" if key else "") + "."
    where = "the full report" if one_page_only else "the appendix"
    return text + f" Figures, segments and links: {where}. Benchmark amounts are in USD."


# --- charts --------------------------------------------------------------------------------------

class _RenderCache:
    """Rendered charts by spec digest, bounded by total bytes (thread-safe).

    The app offers several downloads of the same charts (PNG, ZIP, XLSX, PDF); rendering is
    the slow part, so each distinct chart is rendered once per format while it stays here.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str, float], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, float]) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: tuple[str, str, float], data: bytes) -> None:
        if len(data) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes and self._items:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


_CACHE = _RenderCache(max_bytes=64 * 1024 * 1024)


def clear_render_cache() -> None:
    """Forget every rendered chart and the remembered chart list (benchmarks time real renders)."""
    _CACHE.clear()
    with _MEMO_LOCK:
        _MEMO.update(report=None, day=None, named={}, annotated={})


def _vl_version() -> str:
    from altair.utils._importers import vl_version_for_vl_convert

    return vl_version_for_vl_convert()


def _spec_digest(chart: Any) -> tuple[dict[str, Any], str, str]:
    """The Vega-Lite spec of ``chart``, its digest (the cache key) and its JSON text."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    text = json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False)
    return spec, hashlib.sha256(text.encode("utf-8")).hexdigest(), text


def _spec_of(chart: Any) -> tuple[dict[str, Any], str]:
    """The Vega-Lite spec and digest of an Altair chart, a spec dict or an exported chart."""
    if isinstance(chart, _AnnotatedChart):
        return chart.spec, chart.digest
    spec, digest, _ = _spec_digest(chart)
    return spec, digest


def _svg_text(spec: dict[str, Any], digest: str) -> str:
    key = (digest, "svg", 1.0)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached.decode("utf-8")
    import vl_convert as vlc

    text = vlc.vegalite_to_svg(spec, vl_version=_vl_version())
    _CACHE.put(key, text.encode("utf-8"))
    return text


def _prerender_svgs(charts: Sequence[_AnnotatedChart]) -> None:
    """Render the SVGs of many charts on a few threads (vl-convert runs them in parallel)."""
    workers = min(4, os.cpu_count() or 1, len(charts))
    if workers < 2:
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chart-svg") as pool:
        list(pool.map(lambda c: _svg_text(c.spec, c.digest), charts))


def chart_png(chart: "alt.TopLevelMixin", scale: float = PNG_SCALE) -> bytes:
    """Render an Altair chart to PNG without a browser (vl-convert).

    Parameters
    ----------
    chart : any top-level Altair chart (or its Vega-Lite spec as a dict).
    scale : pixel density; 2 (the default) gives sharp images on retina screens and paper.

    Returns
    -------
    bytes
        The PNG file (starts with ``\\x89PNG``).
    """
    spec, digest = _spec_of(chart)
    key = (digest, "png", float(scale))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    import vl_convert as vlc

    # rasterise the SVG: the same pixels as vegalite_to_png, and the SVG is reused by the
    # SVG and HTML-report downloads
    data = bytes(vlc.svg_to_png(_svg_text(spec, digest), scale=float(scale)))
    _CACHE.put(key, data)
    return data


def chart_svg(chart: "alt.TopLevelMixin") -> bytes:
    """Render an Altair chart to a standalone SVG file (UTF-8 bytes with an XML declaration)."""
    spec, digest = _spec_of(chart)
    text = _svg_text(spec, digest)
    if not text.lstrip().startswith("<?xml"):
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    return text.encode("utf-8")


def chart_size(chart: "alt.TopLevelMixin") -> tuple[float, float]:
    """Width and height of the rendered chart in CSS pixels (1/96 inch), from its SVG."""
    spec, digest = _spec_of(chart)
    head = _svg_text(spec, digest)[:2000]
    start = head.find("<svg")
    tag = head[start:head.find(">", start)] if start >= 0 else ""
    size = []
    for name in ("width", "height"):
        found = re.search(rf'\s{name}="([0-9.]+)', tag)
        size.append(float(found.group(1)) if found else 0.0)
    return size[0], size[1]


def _row_count(spec: Any) -> int:
    """The number of rows of a chart with a categorical y axis (the longest y sort/domain list)."""
    best = 0
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            y = node.get("y")
            if isinstance(y, dict):
                for values in (y.get("sort"), (y.get("scale") or {}).get("domain")):
                    if isinstance(values, list) and all(isinstance(v, str) for v in values):
                        best = max(best, len(values))
            stack.extend(v for k, v in node.items() if k not in ("data", "datasets"))
        elif isinstance(node, list):
            stack.extend(node)
    return best


def page_overview(chart: "_AnnotatedChart | alt.TopLevelMixin", row_height: float | None = None, *,
                  max_height: float | None = None, min_row_height: float = 20.0) -> _AnnotatedChart:
    """The overview chart made for the report's one-page summary.

    The list of sources under the chart is dropped (the page prints the same numbered sources
    as footnotes, in text) and, with ``row_height``, each KPI row is that many pixels high
    (the theme's rows are 30 px). A chart of an unexpected shape comes back as it was, with
    its sources.

    Parameters
    ----------
    chart : the overview chart (see :func:`report_charts`).
    row_height : pixels per KPI row; ``None`` keeps the chart's own.
    max_height : instead of ``row_height``: make the rows as short as needed (never below
        ``min_row_height``) for the whole chart to be at most this many pixels high. Renders
        the chart once to measure it (the render is cached).

    Returns
    -------
    _AnnotatedChart
        ``name`` and ``title`` of ``chart``; ``spec`` the changed Vega-Lite spec.
    """
    if max_height is not None and row_height is None:
        base = page_overview(chart)
        height = chart_size(base)[1]
        rows = _row_count(base.spec)
        panel = next((p.get("height") for p in (base.spec.get("vconcat") or [{}])[0].get("hconcat", [])
                      if isinstance(p, dict) and isinstance(p.get("height"), (int, float))), None)
        if height <= max_height or not rows or not panel:
            return base
        own = panel / rows
        fitted = max(min_row_height, (max_height - (height - panel)) / rows)
        if fitted >= own:
            return base
        return page_overview(chart, math.floor(fitted * 2) / 2)
    import copy

    spec, digest = _spec_of(chart)
    name = getattr(chart, "name", "overview")
    title = getattr(chart, "title", "overview")
    original = _AnnotatedChart(name, title, spec, spec, digest)
    parts = spec.get("vconcat")
    if not (isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict)):
        return original
    new = {k: v for k, v in spec.items() if k != "vconcat"}
    if isinstance(new.get("padding"), (int, float)):
        new["padding"] = min(new["padding"], 6)  # the page gives it room enough
    body = copy.deepcopy(parts[0])  # the data sets stay at the top level, shared
    footer = body.get("title")
    if isinstance(footer, dict) and footer.get("orient") == "bottom":
        del body["title"]
    if row_height:
        rows = _row_count(body)
        panels = [p for p in body.get("hconcat", []) if isinstance(p, dict)
                  and isinstance(p.get("height"), (int, float))]
        if rows and panels:
            for panel in panels:
                panel["height"] = round(rows * float(row_height))
    new["vconcat"] = [body]
    text = json.dumps(new, sort_keys=True, default=str, ensure_ascii=False)
    return _AnnotatedChart(name, title, new, new, hashlib.sha256(text.encode("utf-8")).hexdigest())


def chart_html(chart: "alt.TopLevelMixin", title: str | None = None) -> bytes:
    """A self-contained interactive HTML page of the chart.

    The Vega, Vega-Lite and vega-embed JavaScript is inlined (no ``<script src>``), so the
    page works offline and can be mailed as one file.

    Parameters
    ----------
    chart : any top-level Altair chart (or its Vega-Lite spec as a dict).
    title : the page title (the browser tab); escaped.
    """
    import vl_convert as vlc

    spec, _ = _spec_of(chart)
    page = vlc.vegalite_to_html(spec, vl_version=_vl_version(), bundle=True)
    if title:
        page = page.replace("<title>Chart</title>", f"<title>{html.escape(title)}</title>", 1)
    return page.encode("utf-8")


def _chart_catalog(report: ComparisonReport, as_of: _dt.date | None) -> list[NamedChartLike]:
    """The charts of the results page (imported lazily: Altair is heavy)."""
    from funnel_core.charts.overview import chart_catalog

    return list(chart_catalog(report, as_of=as_of))


#: The key charts in :func:`funnel_core.charts.overview.chart_catalog` order: (name, builder function).
_KEY_BUILDERS: tuple[tuple[str, str], ...] = (
    ("overview", "overview_chart"),
    ("funnel", "funnel_chart"),
    ("focus", "focus_chart"),
    ("mrr-bridge", "mrr_bridge_chart"),
)


def _key_chart_catalog(report: ComparisonReport, as_of: _dt.date | None) -> list[NamedChartLike]:
    """The key charts only, without building the per-KPI bullet charts (most of the cost).

    Uses the public builders of :mod:`funnel_core.charts`; each chart's title is read from
    the chart itself. Falls back to the full catalogue, filtered, if a builder is missing.
    A test checks this gives exactly what the full catalogue gives.
    """
    from funnel_core.charts import overview as charts_module

    builders = [getattr(charts_module, fn, None) for _, fn in _KEY_BUILDERS]
    if any(b is None for b in builders):
        return [c for c in _chart_catalog(report, as_of) if is_key_chart(c.name)]
    out: list[NamedChartLike] = []
    for (name, _), builder in zip(_KEY_BUILDERS, builders):
        chart = builder(report, as_of=as_of)
        if chart is None:
            continue
        title = _title_dict(chart) or {}
        text = title.get("text", name)
        if isinstance(text, (list, tuple)):
            text = " ".join(str(t) for t in text)
        out.append(_AnnotatedChart(name, str(text), chart, {}, ""))
    return out


def _report_sources(report: ComparisonReport) -> list[str]:
    """``Source (year)`` of every main benchmark, in table order, without repeats."""
    seen: list[str] = []
    for item in report.kpis:
        main = primary_comparison(item)
        if main is not None:
            text = source_short(main)
            if text not in seen:
                seen.append(text)
    return seen


def _title_dict(chart: Any) -> dict[str, Any] | None:
    title = getattr(chart, "title", None)
    if title is None or type(title).__name__ == "UndefinedType":
        return None
    if isinstance(title, str):
        return {"text": title}
    if isinstance(title, dict):
        return dict(title)
    try:
        return dict(title.to_dict(validate=False))
    except Exception:  # noqa: BLE001 - an exotic title object: leave it alone
        return {"text": str(title)}


def _annotate(named: NamedChartLike, report: ComparisonReport, date: str) -> _AnnotatedChart:
    """Make sure a chart carries a title, its source(s) and the date before it leaves the app.

    :mod:`funnel_core.charts` puts them on; this only adds what is missing (as subtitle
    lines), so an export is never a bare chart without provenance.
    """
    chart = named.chart
    spec, digest, text = _spec_digest(chart)
    lowered = text.lower()
    extra: list[str] = []
    if "source" not in lowered:
        sources = _report_sources(report)
        if sources:
            shown = "; ".join(sources[:3]) + ("; ..." if len(sources) > 3 else "")
            extra.append(f"Sources: {shown}")
        else:
            extra.append("Source: your inputs")
    if date not in text:
        extra.append(f"As of {date}")
    title = _title_dict(chart)
    if title is not None and not extra:
        return _AnnotatedChart(named.name, named.title, chart, spec, digest)
    import altair as alt

    if title is None:
        title = {"text": named.title, "anchor": "start"}
    subtitle = title.get("subtitle")
    lines = [] if subtitle is None else [subtitle] if isinstance(subtitle, str) else list(subtitle)
    title["subtitle"] = lines + extra
    try:
        chart = chart.properties(title=alt.TitleParams(**title))
    except Exception:  # noqa: BLE001 - keep the chart as it is rather than fail the download
        return _AnnotatedChart(named.name, named.title, chart, spec, digest)
    spec, digest, _ = _spec_digest(chart)
    return _AnnotatedChart(named.name, named.title, chart, spec, digest)


def is_key_chart(name: str) -> bool:
    """True for the charts the one-document report and the workbook show.

    The per-KPI bullet charts (``bullet-<kpi>``) are left to the ZIP and the single-chart
    downloads: the report's KPI table already places every KPI against its benchmark.
    """
    return not name.startswith("bullet-")


_MEMO_LOCK = threading.Lock()
_MEMO: dict[str, Any] = {"report": None, "day": None, "named": {}, "annotated": {}}


def _named_charts(report: ComparisonReport, day: _dt.date, key_only: bool) -> list[NamedChartLike]:
    """The catalogue (or its key charts), remembered for the last report and date."""
    with _MEMO_LOCK:
        ref = _MEMO["report"]
        if not (ref is not None and ref() is report and _MEMO["day"] == day):
            try:
                _MEMO.update(report=weakref.ref(report), day=day, named={}, annotated={})
            except TypeError:  # pragma: no cover - an object without weak references
                _MEMO.update(report=None, day=None, named={}, annotated={})
        named: dict[str, list[NamedChartLike]] = _MEMO["named"]
        if "all" in named:
            full = named["all"]
            return [c for c in full if is_key_chart(c.name)] if key_only else full
        if key_only and "key" in named:
            return named["key"]
    built = _key_chart_catalog(report, day) if key_only else _chart_catalog(report, day)
    with _MEMO_LOCK:
        named["all" if not key_only else "key"] = built
    return built


def report_charts(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
                  key_only: bool = False,
                  charts: Sequence[NamedChartLike] | None = None) -> list[_AnnotatedChart]:
    """The results page's charts, each guaranteed to carry its title, sources and date.

    Parameters
    ----------
    report : the comparison.
    as_of : date printed on the charts (today by default).
    key_only : only the charts of the report and workbook (see :func:`is_key_chart`); the
        per-KPI bullet charts are then not even built.
    charts : the charts of :func:`funnel_core.charts.overview.chart_catalog` when the caller has built
        them already (the app shows them anyway); built here otherwise.

    Returns
    -------
    list
        Objects with ``name`` (file-safe slug), ``title``, ``chart`` (Altair) and ``spec``
        (its Vega-Lite dict). The last report's charts are remembered, so several downloads
        of one report build them once.
    """
    day = as_of_value(as_of) or _dt.date.today()
    date = day.isoformat()
    if charts is not None:
        chosen = [c for c in charts if not key_only or is_key_chart(c.name)]
        return [c if isinstance(c, _AnnotatedChart) and c.digest else _annotate(c, report, date)
                for c in chosen]
    named = _named_charts(report, day, key_only)
    with _MEMO_LOCK:
        annotated: dict[tuple[str, str], _AnnotatedChart] = _MEMO["annotated"]
    out = []
    for chart in named:
        key = (chart.name, chart.title)
        done = annotated.get(key)
        if done is None:
            done = _annotate(chart, report, date)
            with _MEMO_LOCK:
                annotated[key] = done
        out.append(done)
    return out


def _overview(charts: Sequence[_AnnotatedChart]) -> _AnnotatedChart:
    if not charts:
        raise ValueError("this comparison has no chart to export (no KPI could be computed)")
    for chart in charts:
        if "overview" in chart.name:
            return chart
    return charts[0]


def _readme(report: ComparisonReport, charts: Sequence[_AnnotatedChart], date: str) -> str:
    summary = summarize(report, date)
    lines = [f"{PRODUCT_NAME}: charts", f"Date: {date}"]
    if report.snapshot.label:
        lines.append(f"Period: {report.snapshot.label}")
    lines.append("Context: " + "; ".join(f"{label}: {value}" for _, label, value in summary.context))
    lines += ["", "Each chart comes three ways: .png (high resolution, for slides), .svg (vector,",
              "for print and design tools) and .html (interactive, works offline).", "", "Charts:"]
    for chart in charts:
        lines.append(f"- {chart.name}: {chart.title}")
    lines += ["", "Benchmark sources. [1]-[{n}]: the main benchmark of each KPI, numbered as on the".format(
        n=len(summary.footnotes)),
              "overview chart and in the report; then every other benchmark the charts compare with.",
              "Each chart also names its own sources in its footer.", ""]
    notes = list(summary.footnotes)
    seen = {(n.origin, n.source, n.figure, n.segment) for n in notes}
    for item in report.kpis:
        for comp in item.comparisons:
            if comp.user_value is None:
                continue
            b = comp.benchmark
            key = (b.origin, b.source, benchmark_figure_text(comp), b.segment)
            if key in seen:
                continue
            seen.add(key)
            notes.append(Footnote(len(notes) + 1, b.source, b.year, b.status,
                                  STATUS_LABELS.get(b.status, b.status), b.url or "",
                                  b.origin != "published", b.origin, benchmark_figure_text(comp),
                                  b.segment))
    for note in notes:
        status = f"status {note.status}: {note.status_label.lower()}"
        origin = f"; from your catalogue {note.origin}" if note.user_supplied else ""
        link = f" {note.url.strip()}" if is_web_link(note.url) else ""
        lines.append(f"[{note.number}] {note.source}{note.year_text}: {note.figure}; {note.segment} "
                     f"({status}{origin}){link}")
    lines += ["", "Status V: verified in the source's own publication; S: seen only where a secondary",
              "page quotes the source; U: source not verified. Benchmark amounts are in USD.", ""]
    return "\r\n".join(lines)


def charts_zip(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
               charts: Sequence[NamedChartLike] | None = None) -> bytes:
    """Every chart as ``<name>.png``, ``<name>.svg`` and ``<name>.html`` plus ``README.txt``.

    Parameters
    ----------
    report : the comparison.
    as_of : date printed on the charts and in the README (today by default).
    charts : the charts when already built (see :func:`report_charts`).

    Returns
    -------
    bytes
        A ZIP archive.
    """
    date = as_of_date(as_of)
    charts = report_charts(report, date, charts=charts)
    _prerender_svgs(charts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(report, charts, date))
        used: set[str] = set()
        for chart in charts:
            name = _slug(chart.name)
            while name in used:
                name += "-2"
            used.add(name)
            archive.writestr(f"{name}.png", chart_png(chart))
            archive.writestr(f"{name}.svg", chart_svg(chart))
            archive.writestr(f"{name}.html", chart_html(chart, chart.title))
    return buffer.getvalue()


# --- tables ---------------------------------------------------------------------------------------

def comparison_csv(report: ComparisonReport) -> bytes:
    """The KPI comparison as CSV (one row per KPI x benchmark, columns of :data:`CSV_COLUMNS`).

    UTF-8 with a byte-order mark so Excel opens accents and currency symbols correctly; text
    cells are neutralised against formula injection; missing values and NaN are empty.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in report_rows(report):
        cleaned = {}
        for key in CSV_COLUMNS:
            value = safe_cell(row.get(key))
            cleaned[key] = "" if value is None else value
        writer.writerow(cleaned)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def comparison_xlsx(report: ComparisonReport, as_of: _dt.date | str | None = None,
                    include_charts: bool = True, *,
                    charts: Sequence[NamedChartLike] | None = None) -> bytes:
    """The comparison as an Excel workbook: Inputs, KPIs, Definitions and Charts sheets.

    Parameters
    ----------
    report : the comparison.
    as_of : report date (today by default).
    include_charts : embed the key charts (overview, funnel, focus, MRR bridge; see
        :func:`is_key_chart`) as PNG images in a "Charts" sheet.
    charts : the charts when already built (see :func:`report_charts`).

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    from funnel_core.exports.workbook import build_workbook

    chosen = report_charts(report, as_of, key_only=True, charts=charts) if include_charts else None
    return build_workbook(report, as_of_date(as_of), chosen)


def _report_chart_list(report: ComparisonReport, date: str, charts: Sequence[NamedChartLike] | None,
                       one_page_only: bool) -> list[_AnnotatedChart]:
    chosen = report_charts(report, date, key_only=True, charts=charts)
    if one_page_only:  # the summary page shows the overview only: render nothing else
        chosen = [c for c in chosen if c.name == "overview"][:1]
    return chosen


def report_html(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
                charts: Sequence[NamedChartLike] | None = None, one_page_only: bool = False) -> bytes:
    """The board-ready report as one self-contained HTML file that prints cleanly to A4.

    Page 1 is a one-page board summary (verdict counts, the biggest gaps, the overview chart
    and its numbered sources); an appendix follows after a page break (the full KPI table,
    warnings, the other charts, definitions and full sources). ``one_page_only=True`` gives
    the summary page alone. Charts are embedded as SVG data URIs; the stylesheet is inlined;
    no network access is needed to view or print it.
    """
    from funnel_core.exports.report_html import render_report_html

    date = as_of_date(as_of)
    chosen = _report_chart_list(report, date, charts, one_page_only)
    return render_report_html(summarize(report, date), chosen,
                              one_page_only=one_page_only).encode("utf-8")


def report_pdf(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
               charts: Sequence[NamedChartLike] | None = None, one_page_only: bool = False) -> bytes:
    """The board-ready report as an A4 PDF (fpdf2; charts as PNG images).

    Same structure as :func:`report_html`: a one-page board summary, then the appendix;
    ``one_page_only=True`` gives the summary page alone (exactly one page).
    """
    from funnel_core.exports.report_pdf import render_report_pdf

    date = as_of_date(as_of)
    chosen = _report_chart_list(report, date, charts, one_page_only)
    return render_report_pdf(summarize(report, date), chosen, one_page_only=one_page_only)


# --- files ------------------------------------------------------------------------------------------

def write_report(report: ComparisonReport, path: str | Path, *,
                 as_of: _dt.date | str | None = None) -> Path:
    """Write the comparison to ``path``; the extension picks the format.

    Parameters
    ----------
    report : the comparison.
    path : ``.xlsx`` (workbook), ``.csv`` (table), ``.html`` / ``.pdf`` (report), ``.zip``
        (all charts), ``.png`` / ``.svg`` (the overview chart).
    as_of : report date (today by default).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        For any other extension (checked before anything is rendered).
    """
    target = Path(path)
    extension = target.suffix.lower()
    if extension not in REPORT_EXTENSIONS:
        shown = f"'{target.suffix}'" if target.suffix else "no extension"
        raise ValueError(f"{target.name}: {shown} is not a report format; the output "
                         "can be .xlsx, .csv, .html, .pdf, .zip, .png or .svg")
    if extension == ".xlsx":
        data = comparison_xlsx(report, as_of)
    elif extension == ".csv":
        data = comparison_csv(report)
    elif extension == ".html":
        data = report_html(report, as_of)
    elif extension == ".pdf":
        data = report_pdf(report, as_of)
    elif extension == ".zip":
        data = charts_zip(report, as_of)
    else:
        chart = _overview(report_charts(report, as_of, key_only=True))
        data = chart_png(chart) if extension == ".png" else chart_svg(chart)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target

"""The comparison as an Excel workbook (openpyxl): Inputs, KPIs, Definitions, Charts.

Numbers are stored at full precision and only *displayed* with a number format
(``0.0%`` for rates, the chosen currency for money, ``0.00"x"`` for ratios), so a re-read
gives back exactly the values the results page shows. Text from the user is neutralised
with :func:`funnel_core.exports.sanitize.safe_cell`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import math
import threading
from typing import Any, Iterator, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from funnel_core.domain.formatting import date_text
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.domain.constants import FIELDS, STATISTICS, STATUS_LABELS, VERDICT_LABELS
from funnel_core.domain.formatting import currency_symbol
from funnel_core.domain.i18n import current_language, mark, tr, use_language
from funnel_core.exports.images import NamedChartLike, chart_png
from funnel_core.exports.report_charts import report_charts
from funnel_core.exports.report_model import report_rules
from funnel_core.exports.sanitize import finite, is_web_link, safe_cell
from funnel_core.exports.settings import as_of_date, product_name
from funnel_core.exports.wording import context_items
from funnel_core.inputs.period_keys import parse_period_label
from funnel_core.metrics.kpis import KPIS_BY_ID

__all__ = ["build_workbook", "comparison_xlsx", "number_format", "money_format", "stored_periods_columns"]

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
SECTION_FONT = Font(bold=True, size=12)
LINK_FONT = Font(color="0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
VERDICT_FILLS = {
    "better": PatternFill("solid", fgColor="DDEBF6"),
    "in_line": PatternFill("solid", fgColor="EEF0F3"),
    "worse": PatternFill("solid", fgColor="FBE3D6"),
}


def money_format(currency: str, decimals: int = 0) -> str:
    """An Excel number format showing an amount in ``currency``.

    ``"€"#,##0`` for symbols written before the amount ($, £, €), ``#,##0 "zł"`` for the
    others (zł, CHF).
    """
    symbol = currency_symbol(currency).replace('"', "")
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    if symbol in ("$", "£", "€"):
        return f'"{symbol}"{body}'
    return f'{body} "{symbol}"'


def number_format(unit: str, currency: str = "USD", value: float | None = None) -> str:
    """Excel number format for a value in a KPI ``unit``.

    Parameters
    ----------
    unit : ``fraction``, ``ratio``, ``months``, ``currency``, ``points`` (or an input kind:
        ``count``, ``money``).
    currency : ISO code for money.
    value : the value; small amounts of money get two decimals.
    """
    if unit == "fraction":
        return "0.0%"
    if unit == "ratio":
        return '0.00"x"'
    if unit == "months":
        return f'0.0" {_months()}"'
    if unit in ("currency", "money"):
        small = value is not None and abs(value) < 100
        return money_format(currency, 2 if small else 0)
    if unit == "points":
        return "+0.0;-0.0;0"
    if unit == "count":
        return "#,##0.##" if value is not None and not float(value).is_integer() else "#,##0"
    return "General"


def gap_format(unit: str) -> str:
    """Signed format for a gap (for rates: percentage points displayed as %)."""
    if unit == "fraction":
        return "+0.0%;-0.0%;0.0%"
    if unit == "ratio":
        return '+0.00"x";-0.00"x";0.00"x"'
    if unit == "months":
        return f'+0.0" {_months()}";-0.0" {_months()}";0'
    if unit == "currency":
        return "+#,##0;-#,##0;0"
    return "+0.0;-0.0;0"


def _months() -> str:
    """The word "months" of a number format, in the current language (no quotes in it)."""
    return tr("months").replace('"', "")


class _Sheet:
    """Appends rows to a worksheet and remembers column widths.

    ``headers`` are the columns' English names (the keys of ``widths`` and of ``finish``'s
    ``wrap``); the sheet shows them in the current language.
    """

    def __init__(self, ws: Worksheet, headers: Sequence[str], widths: dict[str, int] | None = None) -> None:
        self.ws = ws
        self.headers = list(headers)
        self.max_width = widths or {}
        shown = [tr(h) for h in headers]
        self.lengths = [len(h) + 2 for h in shown]
        ws.append(shown)
        for cell in ws[1]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.freeze_panes = "B2"

    def add(self, values: Sequence[Any], formats: dict[int, str] | None = None) -> int:
        """Append one row (values neutralised); return its row number."""
        row = [safe_cell(v) for v in values]
        self.ws.append(row)
        index = self.ws.max_row
        for col, value in enumerate(row, start=1):
            cell = self.ws.cell(row=index, column=col)
            cell.alignment = TOP
            if formats and col in formats and isinstance(value, (int, float)):
                cell.number_format = formats[col]
            if value is not None:
                text = str(value) if not isinstance(value, float) else f"{value:.4g}"
                self.lengths[col - 1] = max(self.lengths[col - 1], min(len(text) + 2, 200))
        return index

    def finish(self, wrap: Sequence[str] = ()) -> None:
        for col, header in enumerate(self.headers, start=1):
            limit = self.max_width.get(header, 40)
            width = max(8, min(self.lengths[col - 1], limit))
            self.ws.column_dimensions[get_column_letter(col)].width = width
            if header in wrap:
                for (cell,) in self.ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.alignment = WRAP


def stored_periods_columns(report: ComparisonReport,
                           periods: Mapping[str, Mapping[str, float]] | None) -> list[str] | None:
    """The period labels the Inputs sheet has a column for, or ``None`` for one Value column.

    Every stored period gets its column when there are two or more and each label reads as a
    month, quarter or year: the file then reads back as all of them (the upload's wide layout),
    not only the compared one. Otherwise the sheet holds the compared period's numbers alone.
    """
    if not periods or len(periods) < 2:
        return None
    labels = [str(label) for label in periods]
    if report.snapshot.label not in labels or any(parse_period_label(x) is None for x in labels):
        return None
    return labels


def _inputs_sheet(wb: Workbook, report: ComparisonReport, date: str,
                  periods: Mapping[str, Mapping[str, float]] | None = None) -> None:
    ws = wb.active
    ws.title = tr("Inputs")
    currency = report.snapshot.context.currency
    columns = stored_periods_columns(report, periods)
    value_headers = columns or [mark("Value")]
    sheet = _Sheet(ws, [mark("Field"), mark("Label"), *value_headers, mark("Definition")],
                   {"Definition": 70, "Label": 28})
    width = len(value_headers)

    def add(field: str, label: str, values: Sequence[Any], definition: str,
            formats: dict[int, str] | None = None) -> None:
        cells = list(values) + [None] * (width - len(values))
        sheet.add([field, label, *cells, definition], formats)

    stored = ([periods[label] for label in columns] if columns and periods is not None
              else [report.snapshot.values])
    for spec in FIELDS:
        kind = "fraction" if spec.kind == "fraction" else spec.kind
        values = [finite(period.get(spec.name)) for period in stored]
        add(spec.name, spec.label, values, spec.help,
            {3 + i: number_format(kind, currency, value) for i, value in enumerate(values)})
    ws.append([])
    start = ws.max_row + 1
    ws.cell(row=start, column=1, value=tr("Context")).font = SECTION_FONT
    add("report_date", tr("Report date"), [date], tr("Date the report was produced."))
    add("period_label", tr("Period compared"), [report.snapshot.label or ""],
        tr("The period of your data these numbers come from.") if columns is None
        else tr("The period the KPIs and the report compare; the columns above hold every "
                "period you stored."))
    # the value column is read back by the app: it stays in English whatever the language
    with use_language("en"):
        values_en = [text for _, _, text in context_items(report)]
    for (key, label, _), text in zip(context_items(report), values_en):
        raw = getattr(report.snapshot.context, key)
        add(key, label, [text], tr("key: {key}", key=raw) if raw
            else tr("not said: every segment's benchmark applies"))
    if report.notes or report.warnings:
        ws.append([])
        ws.cell(row=ws.max_row + 1, column=1, value=tr("Notes and warnings")).font = SECTION_FONT
        for note in report.notes:
            add("note", tr("Note"), [note], "")
        for warning in report.warnings:
            add("warning", tr("Warning"), [warning], "")
    sheet.finish(wrap=("Definition",))
    ws.freeze_panes = "A2"


KPI_HEADERS = (
    mark("KPI"), mark("KPI id"), mark("Your value"), mark("Unit"), mark("Period"),
    mark("Benchmark"), mark("Statistic"), mark("Low"), mark("Median"), mark("High"),
    mark("Segment"), mark("Benchmark period"), mark("Your value (benchmark period)"),
    mark("Verdict"), mark("Gap"), mark("Relative gap"), mark("Main benchmark"), mark("KPI verdict"),
    mark("Percentile"), mark("Where you stand"), mark("Caveats"), mark("Source"), mark("Year"),
    mark("Status"), mark("Status meaning"), mark("Catalogue"), mark("How it was computed"),
    mark("Conversion / reason"), mark("Benchmark note"),
)


def _kpis_sheet(wb: Workbook, report: ComparisonReport) -> None:
    ws = wb.create_sheet(tr("KPIs"))
    currency = report.snapshot.context.currency
    sheet = _Sheet(ws, KPI_HEADERS, {"KPI": 30, "Benchmark": 45, "Segment": 35, "Source": 45,
                                     "Status meaning": 30, "How it was computed": 60,
                                     "Conversion / reason": 50, "Benchmark note": 60,
                                     "Your value (benchmark period)": 16, "Main benchmark": 14,
                                     "Where you stand": 40, "Caveats": 50})
    col = {h: i for i, h in enumerate(KPI_HEADERS, start=1)}
    for item in report.kpis:
        kpi = item.kpi
        unit = kpi.spec.unit
        value = finite(kpi.value)
        base = [tr(kpi.spec.label), kpi.id, value, unit, kpi.period]
        value_format = {col["Your value"]: number_format(unit, currency, value)}
        if not item.comparisons:
            row = base + [""] * (len(KPI_HEADERS) - len(base))
            row[col["How it was computed"] - 1] = kpi.calculation or ""
            row[col["Conversion / reason"] - 1] = (
                kpi.reason or tr("not computable")) if not kpi.computable \
                else tr("no published benchmark for this KPI in our catalogue")
            sheet.add(row, value_format)
            continue
        for comp in item.comparisons:
            b = comp.benchmark
            bench_currency = "USD"
            figures = {col["Low"]: number_format(b.unit, bench_currency, b.low),
                       col["Median"]: number_format(b.unit, bench_currency, b.median),
                       col["High"]: number_format(b.unit, bench_currency, b.high),
                       col["Your value (benchmark period)"]: number_format(b.unit, currency, comp.user_value),
                       col["Gap"]: gap_format(b.unit),
                       col["Relative gap"]: "+0%;-0%;0%"}
            reason = comp.conversion_note or comp.reason or (kpi.reason or "")
            is_main = comp is item.main_comparison
            row = base + [
                b.label, tr(STATISTICS.get(b.statistic, b.statistic)), finite(b.low), finite(b.median),
                finite(b.high), b.segment, b.period, finite(comp.user_value),
                tr(VERDICT_LABELS.get(comp.verdict or "", "")), finite(comp.gap), finite(comp.relative_gap),
                tr("main") if is_main else tr("older edition") if comp.superseded_by else "",
                tr(VERDICT_LABELS.get(item.verdict or "", "")) if is_main else "",
                finite(comp.percentile_rank), comp.position or "",
                (item.verdict_note or "") if is_main else "; ".join(comp.caveats),
                b.source, b.year, b.status, tr(STATUS_LABELS.get(b.status, b.status)),
                tr("published") if b.origin == "published" else tr("your catalogue ({origin})", origin=b.origin),
                kpi.calculation or "", reason, b.note,
            ]
            index = sheet.add(row, {**value_format, **figures})
            if comp.verdict in VERDICT_FILLS:
                ws.cell(row=index, column=col["Verdict"]).fill = VERDICT_FILLS[comp.verdict]
            if is_web_link(b.url):
                cell = ws.cell(row=index, column=col["Source"])
                cell.hyperlink = b.url.strip()
                cell.font = LINK_FONT
    sheet.finish(wrap=("How it was computed", "Conversion / reason", "Benchmark note", "Caveats"))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(KPI_HEADERS))}{ws.max_row}"
    ws.freeze_panes = "C2"


def _definitions_sheet(wb: Workbook, report: ComparisonReport) -> None:
    ws = wb.create_sheet(tr("Definitions"))
    sheet = _Sheet(ws, [mark("KPI id"), mark("KPI"), mark("Formula"), mark("Unit"), mark("Direction"),
                        mark("Description"), mark("Inputs")],
                   {"Formula": 60, "Description": 60, "Inputs": 50})
    for item in report.kpis:
        spec = item.kpi.spec
        direction = (tr("higher is better") if spec.higher_is_better
                     else tr("lower is better") if spec.higher_is_better is False
                     else tr("size figure (no better or worse side)"))
        sheet.add([spec.id, tr(spec.label), tr(spec.formula), spec.unit, direction, tr(spec.description),
                   ", ".join(spec.inputs)])
    listed = {item.kpi.id for item in report.kpis}
    for kpi_id, spec in KPIS_BY_ID.items():  # every KPI, even if the report lists fewer
        if kpi_id not in listed:
            direction = (tr("higher is better") if spec.higher_is_better
                         else tr("lower is better") if spec.higher_is_better is False else tr("size figure"))
            sheet.add([spec.id, tr(spec.label), tr(spec.formula), spec.unit, direction, tr(spec.description),
                       ", ".join(spec.inputs)])
    ws.append([])
    ws.cell(row=ws.max_row + 1, column=1, value=tr("Verification status of a benchmark")).font = SECTION_FONT
    for code, label in STATUS_LABELS.items():
        sheet.add([code, tr(label)])
    ws.append([])
    ws.cell(row=ws.max_row + 1, column=1, value=tr("Verdicts")).font = SECTION_FONT
    for name, text in report_rules():  # the same rules the reports print
        sheet.add([name, text])
    sheet.finish(wrap=("Formula", "Description", "KPI"))
    ws.freeze_panes = "A2"


def _charts_sheet(wb: Workbook, charts: Sequence[Any], date: str) -> None:
    ws = wb.create_sheet(tr("Charts"))
    ws["A1"] = tr("{product}: charts (as of {date})", product=product_name(), date=date_text(date))
    ws["A1"].font = SECTION_FONT
    ws.column_dimensions["A"].width = 12
    row = 3
    for chart in charts:
        data = chart_png(chart)
        image = XlImage(io.BytesIO(data))
        # rendered at 2x for sharpness, displayed at 1x
        image.width, image.height = image.width / 2, image.height / 2
        ws.cell(row=row, column=1, value=safe_cell(chart.title)).font = Font(bold=True)
        ws.add_image(image, f"A{row + 1}")
        row += 2 + int(image.height / 20) + 1
    if not charts:
        ws["A3"] = tr("No chart: no KPI could be computed.")


def build_workbook(report: ComparisonReport, date: str, charts: Sequence[Any] | None,
                   periods: Mapping[str, Mapping[str, float]] | None = None) -> bytes:
    """Write the workbook and return its bytes.

    Parameters
    ----------
    report : the comparison.
    date : report date (``YYYY-MM-DD``).
    charts : annotated charts to embed, or ``None`` for no Charts sheet.
    periods : every stored period (label -> numbers); see :func:`stored_periods_columns`.
    """
    wb = Workbook()
    _inputs_sheet(wb, report, date, periods)
    _kpis_sheet(wb, report)
    _definitions_sheet(wb, report)
    if charts is not None:
        _charts_sheet(wb, charts, date)
    wb.properties.title = f"{product_name()} ({date})"
    wb.properties.creator = product_name()
    wb.properties.language = current_language()
    buffer = io.BytesIO()
    with _exact_floats():
        wb.save(buffer)
    return buffer.getvalue()


def comparison_xlsx(report: ComparisonReport, as_of: _dt.date | str | None = None,
                    include_charts: bool = True, *,
                    charts: Sequence[NamedChartLike] | None = None,
                    periods: Mapping[str, Mapping[str, float]] | None = None) -> bytes:
    """The comparison as an Excel workbook: Inputs, KPIs, Definitions and Charts sheets.

    Parameters
    ----------
    report : the comparison.
    as_of : report date (today by default).
    include_charts : embed the key charts (overview, funnel, focus, MRR bridge; see
        :func:`funnel_core.exports.report_charts.is_key_chart`) as PNG images in a "Charts"
        sheet.
    charts : the charts when already built (see
        :func:`funnel_core.exports.report_charts.report_charts`).
    periods : every stored period (label -> numbers). With two or more dated periods the
        Inputs sheet has a column for each, so uploading the workbook again gives back all of
        them; the KPIs and charts are those of the compared period (``report``).

    Returns
    -------
    bytes
        The ``.xlsx`` file.
    """
    chosen = report_charts(report, as_of, key_only=True, charts=charts) if include_charts else None
    return build_workbook(report, as_of_date(as_of), chosen, periods)



_SAVE_LOCK = threading.Lock()


@contextlib.contextmanager
def _exact_floats() -> Iterator[None]:
    """Write floats with all 17 significant digits while saving.

    openpyxl writes numbers with ``%.16g``, which can change the last bit of a double
    (0.014285714285714285 becomes 0.01428571428571429); ``repr`` round-trips exactly, so the
    workbook re-reads to the very numbers the results page shows. Scoped to our own saves.
    """
    from openpyxl.cell import _writer

    with _SAVE_LOCK:
        original = _writer.safe_string

        def exact(value: Any) -> str:
            if isinstance(value, float) and math.isfinite(value):
                return float.__repr__(value)
            return original(value)

        _writer.safe_string = exact
        try:
            yield
        finally:
            _writer.safe_string = original

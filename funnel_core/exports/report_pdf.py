"""The board-ready report as an A4 PDF, written with fpdf2 (no browser).

Same structure as the HTML report. Page 1 is the one-page board summary
(:mod:`funnel_core.exports.pdf_summary`). The appendix follows on page 2: the KPI table with
every matching benchmark, warnings and KPIs that could not be computed, the other charts
(PNG at 2x, never split across pages), definitions and the full sources with links.
``one_page_only=True`` writes the summary page alone. Fonts and page layout:
:mod:`funnel_core.exports.pdf_layout`.
"""

from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass
from typing import Any, Sequence

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from funnel_core.domain.formatting import date_text
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.domain.constants import STATUS_LABELS
from funnel_core.domain.i18n import current_language, mark, tr, tr_n
from funnel_core.exports.images import PNG_SCALE, NamedChartLike, chart_png, draw_queued, prefetch
from funnel_core.exports.pdf_layout import (
    ACCENT,
    COLOURS,
    CONTENT_W,
    INK,
    LINE,
    MARGIN,
    MAX_CHART_H,
    MUTED,
    PX_TO_MM,
    FontFiles,
    ReportPDF,
    find_unicode_font,
    png_size,
    write_wrapped,
)
from funnel_core.exports.pdf_summary import summary_page
from funnel_core.exports.report_charts import document_charts, page_overview
from funnel_core.exports.report_model import ReportSummary, better_text, report_rules, summarize
from funnel_core.exports.sanitize import is_web_link
from funnel_core.exports.settings import as_of_date, product_name, sources_intro

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_STATUS_CODE = mark('Status {code}')
_T_APPENDIX = mark('Appendix')
_T_PERIOD = mark('Period:')

__all__ = ["render_report_pdf", "report_pdf"]

@dataclass
class _Placed:
    title: str
    data: bytes
    width: float
    height: float


def _fits(pdf: ReportPDF, height: float, extra: float = 0.0) -> float | None:
    """The height a chart gets at the current position, or ``None`` if it needs a new page.

    A chart may shrink to 85 % of its size to stay on the page; it is never split.
    """
    room = pdf.page_break_trigger - pdf.get_y() - 2 - extra
    if height <= room:
        return height
    if room >= 0.85 * height:
        return room
    return None


def _charts(pdf: ReportPDF, charts: Sequence[Any]) -> None:
    if not charts:
        return
    queue: list[_Placed] = []
    draw_queued(charts)  # the worker draws from the front, this process from the back
    for chart in charts:
        data = chart_png(chart, scale=PNG_SCALE)
        px_w, px_h = png_size(data)
        width = px_w / PNG_SCALE * PX_TO_MM
        height = px_h / PNG_SCALE * PX_TO_MM
        shrink = min(1.0, CONTENT_W / width, (MAX_CHART_H - 12) / height)
        queue.append(_Placed(chart.title, data, width * shrink, height * shrink))
    heading_h = 17.0
    # keep the heading with a chart: if none fits under it, start the section on a new page
    if all(_fits(pdf, c.height, heading_h) is None for c in queue):
        pdf.add_page()
    pdf.heading(tr("Charts"))
    pdf.font(7.5, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(tr(
        "Each chart lists the sources it uses under it, numbered as in the sources at the end "
        "of the report.")),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.5)
    while queue:
        # in order, except that a later chart may fill the space left at the bottom of a
        # page rather than leave it blank (charts are independent figures)
        index = next((i for i, c in enumerate(queue) if _fits(pdf, c.height) is not None), None)
        if index is None:
            pdf.add_page()
            index = 0
        chart = queue.pop(index)
        height = _fits(pdf, chart.height) or chart.height
        width = chart.width * height / chart.height
        x = MARGIN + (CONTENT_W - width) / 2
        pdf.image(io.BytesIO(chart.data), x=x, y=pdf.get_y(), w=width, h=height,
                  alt_text=pdf.t(chart.title), title=pdf.t(chart.title))
        pdf.set_y(pdf.get_y() + height + 4)


def _table(pdf: ReportPDF, summary: ReportSummary) -> None:
    if not summary.rows:
        return
    pdf.heading(tr("KPIs against every matching benchmark"))
    pdf.font(7.5, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(tr(
        "Each KPI's main benchmark (the one on the overview chart) comes first, in bold; then every "
        "other benchmark that matches your context. Gaps of rates are in percentage points (pp), "
        "measured to the median when published, else to the nearest bound.")),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.5)
    pdf.font(7.2)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)
    heading_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)
    shades = ((255, 255, 255), (246, 248, 250))
    with pdf.table(
        col_widths=(38, 28, 58, 20, 28, 14),
        cell_fill_mode="NONE",
        text_align=("LEFT", "RIGHT", "LEFT", "LEFT", "RIGHT", "LEFT"),
        line_height=3.4,
        padding=(0.7, 1.2, 0.7, 1.2),
        headings_style=heading_style,
        borders_layout="HORIZONTAL_LINES",
        width=CONTENT_W,
        repeat_headings=1,
    ) as table:
        head = table.row()
        for text in (tr("KPI"), tr("Your value"), tr("Benchmark"), tr("Verdict"),
                     tr("Where you stand"), tr("Source")):
            head.cell(pdf.t(text))
        for group, item in enumerate(summary.rows):
            fill = shades[group % 2]
            plain = FontFace(fill_color=fill)
            other = FontFace(color=MUTED, fill_color=fill)

            def verdict_cell(row: Any, verdict: str | None, bold: bool) -> None:
                if verdict:
                    ink, tint = COLOURS[verdict]
                    row.cell(pdf.t(pdf.verdict(verdict)),
                             style=FontFace(emphasis="BOLD" if bold else None, color=ink,
                                            fill_color=tint))
                else:
                    row.cell("", style=plain)

            row = table.row()
            row.cell(pdf.t(item.label), style=FontFace(emphasis="BOLD", fill_color=fill))
            row.cell(pdf.t(item.value + (f"\n= {item.converted}" if item.converted else "")),
                     style=plain)
            bench = item.benchmark
            if item.user_supplied:
                bench += " (" + tr("your catalogue") + ")"
            if item.note:
                bench += f"\n{item.note}"
            row.cell(pdf.t(bench), style=FontFace(emphasis="BOLD" if item.footnote else None,
                                                  fill_color=fill))
            verdict_cell(row, item.verdict, True)
            row.cell(pdf.t(item.gap), style=plain)
            row.cell(f"[{item.footnote}]" if item.footnote else "", style=plain)
            for line in item.others:
                row = table.row()
                row.cell("", style=plain)
                row.cell(pdf.t(f"= {line.converted}" if line.converted else ""), style=other)
                bench = line.benchmark + (" (" + tr("your catalogue") + ")" if line.user_supplied else "")
                bench += f"\n{line.note}" if line.note else ""
                row.cell(pdf.t(bench), style=other)
                verdict_cell(row, line.verdict, False)
                row.cell(pdf.t(line.gap), style=other)
                row.cell(f"[{line.footnote}]", style=other)
    pdf.ln(1.5)
    pdf.font(7, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(tr_n(
        "All {n} comparisons, including benchmarks your value cannot be set against, "
        "are in the XLSX and CSV downloads.",
        "All {n} comparisons, including benchmarks your value cannot be set against, "
        "are in the XLSX and CSV downloads.", summary.comparisons)), new_x=XPos.LMARGIN,
        new_y=YPos.NEXT, align="L")


def _issues(pdf: ReportPDF, summary: ReportSummary) -> None:
    if not (summary.warnings or summary.not_computable or summary.notes):
        return
    pdf.heading(tr("Warnings and missing KPIs"))
    if summary.warnings:
        pdf.subheading(tr("Check your inputs"))
        pdf.bullets(summary.warnings)
    if summary.not_computable:
        pdf.subheading(tr("Not computable"))
        pdf.bullets([f"{label}: {reason}" for label, reason in summary.not_computable])
    if summary.notes:
        pdf.subheading(tr("Notes"))
        pdf.bullets(summary.notes)


def _definitions(pdf: ReportPDF, summary: ReportSummary) -> None:
    if not summary.definitions:
        return
    pdf.heading(tr("Definitions"))
    pdf.font(7.2)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)
    heading_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)
    with pdf.table(
        col_widths=(42, 120, 24),
        text_align="LEFT",
        cell_fill_color=(248, 249, 251),
        cell_fill_mode="ROWS",
        line_height=3.3,
        padding=(0.6, 1.2, 0.6, 1.2),
        headings_style=heading_style,
        borders_layout="HORIZONTAL_LINES",
        width=CONTENT_W,
        repeat_headings=1,
    ) as table:
        head = table.row()
        for text in (tr("KPI"), tr("Formula"), tr("Better when")):
            head.cell(pdf.t(text))
        for label, formula, better in summary.definitions:
            row = table.row()
            row.cell(pdf.t(label), style=FontFace(emphasis="BOLD"))
            row.cell(pdf.t(formula))
            row.cell(pdf.t(better_text(better)))
    pdf.ln(2)
    pdf.subheading(tr("Verdicts, gaps and sources"))
    pdf.bullets([f"{name}: {text}" for name, text in report_rules()]
                + [f"{tr(_T_STATUS_CODE, code=code)}: {tr(label)}." for code, label in STATUS_LABELS.items()],
                size=7.8)


def _sources(pdf: ReportPDF, summary: ReportSummary) -> None:
    notes = summary.all_footnotes
    if not notes:
        return
    pdf.heading(tr("Sources"))
    pdf.font(7.5, "", MUTED)
    intro = sources_intro()
    if summary.other_footnotes:
        intro += " " + tr("[1]-[{main}] are the main benchmarks, as on the overview chart; "
                          "[{first}]-[{last}] the other benchmarks of the table.",
                          main=len(summary.footnotes), first=len(summary.footnotes) + 1,
                          last=len(notes))
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(intro), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.2)
    line = 3.4
    for note in notes:
        if pdf.will_page_break(2 * line):
            pdf.add_page()
        pdf.set_x(MARGIN)
        pdf.font(7.5, "B", INK)
        pdf.cell(8, line, f"[{note.number}]")
        pdf.set_left_margin(MARGIN + 8)
        pdf.font(7.5, "", INK)
        write_wrapped(pdf, line, pdf.t(f"{note.source}{note.year_text}. "))
        pdf.font(7.5, "", MUTED)
        details = "; ".join(x for x in (note.figure, note.segment) if x)
        if details:
            write_wrapped(pdf, line, pdf.t(details[0].upper() + details[1:] + ". "))
        if note.status == "U":
            pdf.font(7.5, "B", COLOURS["worse"][0])
        write_wrapped(pdf, line, pdf.t(f"{tr(_T_STATUS_CODE, code=note.status)}: "
                                       f"{note.status_label.lower()}."))
        if note.user_supplied:
            pdf.font(7.5, "I", MUTED)
            write_wrapped(pdf, line, pdf.t(" " + tr("From your catalogue {origin}.", origin=note.origin)))
        if is_web_link(note.url):
            pdf.font(7.5, "", ACCENT)
            write_wrapped(pdf, line, " ")
            write_wrapped(pdf, line, pdf.t(note.url.strip()), link=note.url.strip())
        pdf.ln(line + 0.6)
        pdf.set_left_margin(MARGIN)


def _appendix(pdf: ReportPDF, summary: ReportSummary, charts: Sequence[Any]) -> None:
    pdf.add_page()
    pdf.font(7, "B", MUTED)
    pdf.cell(0, 4, pdf.t(f"{product_name().upper()}  |  {tr(_T_APPENDIX).upper()}"), new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.font(15, "B", ACCENT)
    pdf.cell(0, 8, pdf.t(tr("Appendix: the details behind page 1")), new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    meta = tr("As of {date}", date=date_text(summary.date))
    if summary.snapshot_label:
        meta = f"{tr(_T_PERIOD)} {summary.snapshot_label}  |  {meta}"
    pdf.font(8.5, "", MUTED)
    pdf.multi_cell(CONTENT_W, 4.2, pdf.t(meta), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    _table(pdf, summary)
    _issues(pdf, summary)
    _charts(pdf, charts)
    _definitions(pdf, summary)
    _sources(pdf, summary)


def render_report_pdf(summary: ReportSummary, charts: Sequence[Any], *,
                      unicode_font: FontFiles | None | bool = True,
                      one_page_only: bool = False) -> bytes:
    """Write the report as a PDF: the one-page board summary, then the appendix.

    Parameters
    ----------
    summary : the words and rows (:func:`funnel_core.exports.report_model.summarize`).
    charts : annotated charts (``name``, ``title``, ``chart``); the one named ``overview``
        goes on page 1 (without its sources footer: the page lists them), the others in the
        appendix.
    unicode_font : ``True`` (default) finds an installed Unicode TTF; ``False``/``None``
        forces the core font with transliteration; or explicit :class:`FontFiles`.
    one_page_only : write page 1 only (exactly one A4 page).

    Returns
    -------
    bytes
        The PDF file (starts with ``%PDF``).
    """
    if unicode_font is True:
        font = find_unicode_font()
    elif unicode_font in (False, None):
        font = None
    else:
        font = unicode_font  # type: ignore[assignment]
    pdf = ReportPDF(summary.date, font)
    title = f"{summary.title} ({summary.date})"
    if summary.snapshot_label:
        title = f"{summary.title}: {summary.snapshot_label} ({summary.date})"
    pdf.set_title(pdf.t(title))
    pdf.set_author(pdf.t(product_name()))
    pdf.set_creator(pdf.t(product_name()))
    pdf.set_lang(current_language())
    overview = next((c for c in charts if getattr(c, "name", "") == "overview"), None)
    if overview is not None:  # page 1 measures this one first: the worker draws it while the header is laid out
        prefetch([page_overview(overview)], scale=None)
    if not one_page_only:  # the appendix's charts render in the worker while page 1 is laid out
        prefetch(charts)  # the whole overview first: the appendix shows it first
    fitted = summary_page(pdf, summary, overview, one_page_only)
    if not one_page_only:  # the whole overview too when page 1 shows some of its rows
        _appendix(pdf, summary, [c for c in charts if c is not overview
                                 or (fitted is not None and fitted.partial)])
    return bytes(pdf.output())


def report_pdf(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
               charts: Sequence[NamedChartLike] | None = None, one_page_only: bool = False) -> bytes:
    """The board-ready report as an A4 PDF (fpdf2; charts as PNG images).

    Same structure as :func:`funnel_core.exports.report_html.report_html`: a one-page board
    summary, then the appendix; ``one_page_only=True`` gives the summary page alone (exactly
    one page).
    """
    date = as_of_date(as_of)
    summary = summarize(report, date)
    chosen = document_charts(report, date, charts, one_page_only, summary.source_numbers)
    return render_report_pdf(summary, chosen, one_page_only=one_page_only)

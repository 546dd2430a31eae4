"""Page 1 of the PDF report: the one-page board summary that stands on its own.

Title, period, context and date; the verdict counts (shape + word + the charts'
colour-blind-safe colour); the growth & efficiency line; the three biggest gaps, one sentence each; the overview chart,
fitted to the space left (shorter rows first, then scaled); and compact numbered source
footnotes in two columns, so every ``[n]`` on the page resolves on the page.
"""

from __future__ import annotations

import io
import weakref
from typing import Any, Sequence

from fpdf.enums import XPos, YPos

from funnel_core.domain.formatting import date_text
from funnel_core.domain.constants import VERDICT_LABELS, VERDICTS
from funnel_core.domain.i18n import mark, tr
from funnel_core.exports.images import PNG_SCALE, chart_png, chart_size
from funnel_core.exports.pdf_layout import (
    ACCENT,
    COLOURS,
    CONTENT_W,
    INK,
    LINE,
    MARGIN,
    MUTED,
    PAGE_W,
    PX_TO_MM,
    ReportPDF,
    draw_marker,
    palette,
    write_wrapped,
)
from funnel_core.exports.report_charts import page_overview
from funnel_core.exports.summary_chart import (SummaryChart, fit_page, page_footnotes,
                                               partial_note)
from funnel_core.exports.report_model import (
    Footnote,
    ReportSummary,
    context_pairs,
    coverage_line,
    page_notes_intro,
    short_note,
)
from funnel_core.exports.settings import product_name

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_BOARD_SUMMARY = mark('Board summary')

__all__ = ["summary_page"]

def _summary_header(pdf: ReportPDF, summary: ReportSummary) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    pdf.font(7, "B", MUTED)
    pdf.cell(CONTENT_W / 2, 4, pdf.t(f"{product_name().upper()}  |  {tr(_T_BOARD_SUMMARY).upper()}"))
    pdf.font(8, "B", INK)
    pdf.cell(CONTENT_W / 2, 4, pdf.t(tr("As of {date}", date=date_text(summary.date))), align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)
    pdf.font(17, "B", ACCENT)
    pdf.multi_cell(CONTENT_W, 7.5, pdf.t(tr("Funnel KPIs vs published SaaS benchmarks")),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(0.8)
    line = 3.9
    if summary.snapshot_label:
        pdf.font(9, "", MUTED)
        write_wrapped(pdf, line + 0.4, pdf.t(tr("Period") + " "))
        pdf.font(9, "B", INK)
        write_wrapped(pdf, line + 0.4, pdf.t(summary.snapshot_label))
        pdf.ln(line + 1)
    for index, (name, value) in enumerate(context_pairs(summary)):
        name, value = pdf.t(name + ": "), pdf.t(value)
        sep = "   |   " if index else ""
        pdf.font(7.8, "B", INK)
        width = pdf.get_string_width(value)
        pdf.font(7.8, "", MUTED)
        width += pdf.get_string_width(sep + name)
        # fpdf's write() keeps a cell margin at both ends of a line: without it here an item
        # that just fits was broken inside a word ("Currency: US" / "D")
        if index and pdf.get_x() + width + 2 * pdf.c_margin > MARGIN + CONTENT_W:
            pdf.ln(line)  # keep "label: value" on one line
            sep = ""
        pdf.write(line, sep + name)
        pdf.font(7.8, "B", INK)
        write_wrapped(pdf, line, value)
    pdf.ln(line + 2)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + CONTENT_W, pdf.get_y())
    pdf.ln(3)


def _verdict_strip(pdf: ReportPDF, summary: ReportSummary, one_page_only: bool) -> None:
    top = pdf.get_y()
    tile_w, tile_h, gap, bar = 27.0, 19.0, 2.5, 1.4
    for index, verdict in enumerate(VERDICTS):
        x = MARGIN + index * (tile_w + gap)
        pdf.set_fill_color(*COLOURS[verdict][1])
        pdf.rect(x, top, tile_w, tile_h, style="F")
        pdf.set_fill_color(*palette(verdict))
        pdf.rect(x, top, bar, tile_h, style="F")
        pdf.set_xy(x + bar, top + 1.8)
        pdf.font(21, "B", palette(verdict))
        pdf.cell(tile_w - bar, 9, str(summary.kpi_counts[verdict]), align="C")
        word = pdf.t(tr(VERDICT_LABELS[verdict]))
        pdf.font(8.5, "B", INK)
        width = pdf.get_string_width(word) + 4.2
        left = x + bar + (tile_w - bar - width) / 2
        draw_marker(pdf, verdict, left + 1.4, top + 14, 2.8)
        pdf.set_xy(left + 3.6, top + 12)
        pdf.cell(width, 4, word)
    left = MARGIN + 3 * tile_w + 2 * gap + 6
    width = MARGIN + CONTENT_W - left
    pdf.set_xy(left, top)
    pdf.font(10.5, "B", INK)
    pdf.multi_cell(width, 5, pdf.t(summary.headline()), new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
    pdf.set_xy(left, pdf.get_y() + 0.8)
    pdf.font(7.8, "", MUTED)
    if summary.kpis_compared:
        pdf.multi_cell(width, 3.6, pdf.t(summary.all_line()), new_x=XPos.LEFT, new_y=YPos.NEXT,
                       align="L")
        pdf.set_xy(left, pdf.get_y() + 0.6)
    pdf.multi_cell(width, 3.6, pdf.t(coverage_line(summary, one_page_only)), new_x=XPos.LEFT,
                   new_y=YPos.NEXT, align="L")
    pdf.set_xy(MARGIN, max(pdf.get_y(), top + tile_h) + 4)


def _growth(pdf: ReportPDF, summary: ReportSummary) -> None:
    """The growth & efficiency line under the verdict counts (nothing when it is empty)."""
    if not summary.growth_line:
        return
    head, _, rest = summary.growth_line.partition(": ")
    pdf.set_x(MARGIN)
    pdf.font(8.6, "B", INK)
    write_wrapped(pdf, 4.0, pdf.t(head + ": "))
    pdf.font(8.6, "", INK)
    write_wrapped(pdf, 4.0, pdf.t(rest))
    pdf.ln(4.0 + 2.5)


def _gaps(pdf: ReportPDF, summary: ReportSummary) -> None:
    if not summary.kpis_compared:
        return
    pdf.font(10.5, "B", ACCENT)
    pdf.cell(0, 5.5, pdf.t(tr("Biggest gaps")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)
    if not summary.gap_items:
        pdf.font(8.8)
        pdf.multi_cell(CONTENT_W, 4.2, pdf.t(tr("Every KPI with a verdict is in line with its benchmark.")),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    line = 4.2
    for item in summary.gap_items:
        top = pdf.get_y()
        if item.verdict in VERDICTS:
            draw_marker(pdf, item.verdict, MARGIN + 1.8, top + line / 2, 2.8)
        pdf.set_xy(MARGIN + 5, top)
        pdf.font(8.8)
        ref = f" [{item.footnote}]" if item.footnote else ""
        pdf.multi_cell(CONTENT_W - 5, line, pdf.t(item.text + ref), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT, align="L")
        pdf.ln(0.9)
    pdf.ln(1.5)


_NOTE_SIZE = 6.6
_NOTE_LINE = 2.85
_NOTE_NUMBER_W = 6.2


def _compact_note(pdf: ReportPDF, note: Footnote, x: float, width: float) -> None:
    """One page-1 footnote: ``[n] Source, year`` and its status, in a column at ``x``."""
    pdf.set_xy(x, pdf.get_y())
    pdf.font(_NOTE_SIZE, "B", INK)
    pdf.cell(_NOTE_NUMBER_W, _NOTE_LINE, f"[{note.number}]")
    old = pdf.l_margin, pdf.r_margin
    pdf.set_left_margin(x + _NOTE_NUMBER_W)
    pdf.set_right_margin(PAGE_W - x - width)
    pdf.font(_NOTE_SIZE, "", INK)
    write_wrapped(pdf, _NOTE_LINE, pdf.t(short_note(note)))
    if note.status == "U":
        pdf.font(_NOTE_SIZE, "B", COLOURS["worse"][0])
        write_wrapped(pdf, _NOTE_LINE, pdf.t(" – " + tr("source not verified")))
    else:
        pdf.font(_NOTE_SIZE, "", MUTED)
        write_wrapped(pdf, _NOTE_LINE, pdf.t(" – " + tr("status {code}", code=note.status)))
    pdf.ln(_NOTE_LINE + 0.5)
    pdf.set_left_margin(old[0])
    pdf.set_right_margin(old[1])


def _column_split(heights: Sequence[float]) -> int:
    """How many notes go to the first of two columns so that the taller one is shortest."""
    best, best_k = float("inf"), len(heights)
    for k in range((len(heights) + 1) // 2, len(heights) + 1):
        tallest = max(sum(heights[:k]), sum(heights[k:]))
        if tallest < best - 1e-6:
            best, best_k = tallest, k
    return best_k


def _note_key(note: Footnote) -> tuple[str, str]:
    """What a page-1 footnote's height depends on (its number sits in a fixed-width cell)."""
    return short_note(note), note.status


#: Heights measured per document (kept outside the document: measuring restores its state).
_MEASURED: "weakref.WeakKeyDictionary[ReportPDF, dict[Any, float]]" = weakref.WeakKeyDictionary()


def _measured(pdf: ReportPDF) -> dict[Any, float]:
    """Heights already measured in this document, by note key or intro text."""
    return _MEASURED.setdefault(pdf, {})


def _page_notes(pdf: ReportPDF, summary: ReportSummary, one_page_only: bool,
                draw: bool, notes: Sequence[Footnote] | None = None) -> float:
    """Draw (or, with ``draw=False``, only measure) the page-1 footnotes (``notes``: all main
    ones by default); returns their height."""
    notes = summary.footnotes if notes is None else notes
    if not notes:
        return 0.0
    col_w = (CONTENT_W - 6) / 2
    start = pdf.get_y()
    intro = pdf.t(page_notes_intro(summary, one_page_only))
    known = _measured(pdf)
    missing = [note for note in notes if _note_key(note) not in known]
    if missing or intro not in known:
        # one measuring pass for every note not measured yet (fpdf2 copies the whole
        # document to measure, so page 1's fitting measures each note once, not each time)
        with pdf.offset_rendering():
            pdf.set_auto_page_break(False)
            pdf.set_xy(MARGIN, 20)
            for note in missing:
                y = pdf.get_y()
                _compact_note(pdf, note, MARGIN, col_w)
                known[_note_key(note)] = pdf.get_y() - y
            pdf.set_xy(MARGIN, 20)
            pdf.font(6.6, "", MUTED)
            pdf.multi_cell(CONTENT_W, 2.9, intro, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
            known[intro] = pdf.get_y() - 20
    heights = [known[_note_key(note)] for note in notes]
    intro_h = known[intro]
    split = _column_split(heights)
    columns_h = max(sum(heights[:split]), sum(heights[split:]))
    total = 1.2 + 4.5 + intro_h + 1.2 + columns_h
    if not draw:
        return total
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, start, MARGIN + CONTENT_W, start)
    pdf.set_xy(MARGIN, start + 1.2)
    pdf.font(8, "B", ACCENT)
    pdf.cell(0, 4.5, pdf.t(tr("Sources")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(6.6, "", MUTED)
    pdf.multi_cell(CONTENT_W, 2.9, pdf.t(page_notes_intro(summary, one_page_only)),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    top = pdf.get_y() + 1.2
    for column, chunk in enumerate((notes[:split], notes[split:])):
        pdf.set_y(top)
        for note in chunk:
            _compact_note(pdf, note, MARGIN + column * (col_w + 6), col_w)
    pdf.set_xy(MARGIN, start + total)
    return total


#: Height of the line under a chart that shows only some KPI rows, in mm.
_PART_LINE = 5.0


def _fit_chart(pdf: ReportPDF, summary: ReportSummary, overview: Any, top: float,
               one_page_only: bool) -> tuple[SummaryChart, list[Any], float]:
    """The overview rows that fit page 1 at full size (never shrunk: its text stays 8 pt or
    more), the footnotes the page then cites, and the chart's scale (mm per mm of picture)."""
    width_px = chart_size(page_overview(overview))[0] or 1.0
    scale = min(1.0, CONTENT_W / (width_px * PX_TO_MM))

    def budget(notes: list[Any]) -> float:
        notes_h = _page_notes(pdf, summary, one_page_only, draw=False, notes=notes)
        return (pdf.page_break_trigger - top - notes_h - 3 - _PART_LINE) / (PX_TO_MM * scale)

    fitted = fit_page(overview, summary, budget)
    return fitted, page_footnotes(summary, fitted), scale


def _summary_chart(pdf: ReportPDF, fitted: SummaryChart, top: float, scale: float) -> float:
    """Place the page's overview chart at ``top`` (at ``scale``); its height with the line
    saying which rows it shows."""
    chart = fitted.chart
    width_px, height_px = chart_size(chart)
    if not (width_px and height_px):
        return 0.0
    data = chart_png(chart, scale=PNG_SCALE)
    width = width_px * PX_TO_MM * scale
    height = height_px * PX_TO_MM * scale
    pdf.image(io.BytesIO(data), x=MARGIN + (CONTENT_W - width) / 2, y=top, w=width, h=height,
              alt_text=pdf.t(chart.title), title=pdf.t(chart.title))
    if fitted.partial:
        pdf.set_xy(MARGIN, top + height + 0.8)
        pdf.font(7.8, "", MUTED)
        pdf.multi_cell(CONTENT_W, 3.6, pdf.t(partial_note(fitted)), new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT, align="L")
        height += _PART_LINE
    return height


def summary_page(pdf: ReportPDF, summary: ReportSummary, overview: Any | None,
                 one_page_only: bool) -> SummaryChart | None:
    """Add page 1: header, verdict counts, biggest gaps, the overview chart (the rows that fit
    at full size, :func:`~funnel_core.exports.summary_chart.readable_overview`), and the
    numbered sources it cites at the foot of the page. Returns the chart as drawn."""
    pdf.add_page()
    _summary_header(pdf, summary)
    _verdict_strip(pdf, summary, one_page_only)
    _growth(pdf, summary)
    _gaps(pdf, summary)
    top = pdf.get_y()
    notes = list(summary.footnotes)
    fitted = None
    if overview is not None:
        fitted, notes, scale = _fit_chart(pdf, summary, overview, top, one_page_only)
        _summary_chart(pdf, fitted, top, scale)
    notes_h = _page_notes(pdf, summary, one_page_only, draw=False, notes=notes)
    # the footnotes sit at the foot of the page, as footnotes do
    pdf.set_xy(MARGIN, max(top, pdf.page_break_trigger - notes_h - 0.5))
    _page_notes(pdf, summary, one_page_only, draw=True, notes=notes)
    return fitted

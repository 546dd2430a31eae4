"""The board-ready report as an A4 PDF, written with fpdf2 (no browser).

Same structure as the HTML report. Page 1 is a one-page board summary that stands on its
own: title, period, context and date; the verdict counts (shape + word + the charts'
colour-blind-safe colour); the three biggest gaps, one sentence each; the overview chart,
fitted to the space left (shorter rows first, then scaled); and compact numbered source
footnotes in two columns, so every ``[n]`` on the page resolves on the page. The appendix
follows on page 2: the KPI table with every matching benchmark, warnings and KPIs that could
not be computed, the other charts (PNG at 2x, never split across pages), definitions and the
full sources with links. ``one_page_only=True`` writes the summary page alone.

Fonts: a Unicode TrueType font is used when one is installed (DejaVu Sans or Liberation
Sans, from the system or from a Python package). Without one the PDF falls back to the core
Helvetica font and every character outside Latin-1 is transliterated (``€`` -> ``EUR``,
``zł`` -> ``zl``, ``→`` -> ``->``), so writing the PDF never fails on user text.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import os
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from funnel_core.domain.constants import STATUS_LABELS, VERDICT_LABELS, VERDICTS
from funnel_core.exports.report_model import (
    PNG_SCALE,
    PRODUCT_NAME,
    REPORT_RULES,
    SOURCES_INTRO,
    VERDICT_GLYPHS,
    Footnote,
    ReportSummary,
    chart_png,
    chart_size,
    context_pairs,
    coverage_line,
    is_web_link,
    page_notes_intro,
    page_overview,
    short_note,
    verdict_marks,
)

__all__ = ["render_report_pdf", "find_unicode_font", "latin1"]

ACCENT = (31, 58, 95)
INK = (31, 41, 51)
MUTED = (95, 107, 122)
LINE = (217, 222, 229)
SOFT = (244, 246, 248)
#: Verdict colours: (text on white, darkened for contrast; light fill) for table badges.
COLOURS = {
    "better": ((0, 90, 142), (221, 235, 246)),
    "in_line": ((75, 85, 99), (238, 240, 243)),
    "worse": ((169, 67, 0), (251, 227, 214)),
}

MARGIN = 12.0
PAGE_W = 210.0
PAGE_H = 297.0
CONTENT_W = PAGE_W - 2 * MARGIN
#: Space kept free at the bottom of every page for the footer line.
BOTTOM = 14.0
#: Usable height of a page for one chart (A4 minus margins, footer and a little air).
MAX_CHART_H = PAGE_H - MARGIN - BOTTOM - 6.0
PX_TO_MM = 25.4 / 96
#: Shortest row of the overview chart on the summary page (px; the theme's rows are 30).
MIN_ROW_PX = 20.0
#: The overview chart is never shrunk below this on the summary page (labels stay >= 6 pt).
MIN_CHART_SCALE = 0.72

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/truetype/liberation2",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    os.path.expanduser("~/.fonts"),
)
_FONT_FILES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
)

_TRANSLITERATION = {
    "€": "EUR ", "ł": "l", "Ł": "L", "→": "->", "←": "<-", "↑": "up", "↓": "down",
    "–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"', "„": '"',
    "…": "...", "•": "*", "≥": ">=", "≤": "<=", "≈": "~", "≠": "!=", "×": "x", "‰": " per mille",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": "", "™": "(TM)", "œ": "oe", "Œ": "OE",
    "ß": "ss",
}


@dataclass(frozen=True)
class FontFiles:
    """Paths of a Unicode TrueType family (regular, bold, italic; bold/italic may be None)."""

    regular: Path
    bold: Path | None
    italic: Path | None


def _package_font_dirs() -> list[Path]:
    """Font folders shipped inside installed Python packages (without importing them)."""
    dirs = []
    for package, sub in (("matplotlib", "mpl-data/fonts/ttf"), ("reportlab", "fonts")):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            dirs.append(Path(spec.origin).parent / sub)
    return dirs


@functools.lru_cache(maxsize=1)
def find_unicode_font() -> FontFiles | None:
    """A Unicode TTF family installed on this machine, or ``None`` (then core fonts are used)."""
    directories = [Path(d) for d in _FONT_DIRS] + _package_font_dirs()
    for regular, bold, italic in _FONT_FILES:
        for directory in directories:
            path = directory / regular
            if path.is_file():
                b = directory / bold
                i = directory / italic
                return FontFiles(path, b if b.is_file() else None, i if i.is_file() else None)
    return None


def latin1(text: str) -> str:
    """Transliterate ``text`` to Latin-1 for the PDF core fonts (never raises).

    Known symbols get readable replacements (``€`` -> ``EUR``, ``zł`` -> ``zl``, ``→`` ->
    ``->``); accented letters outside Latin-1 lose their accent; anything else becomes ``?``.
    """
    out = []
    for ch in text:
        if ch in _TRANSLITERATION:
            out.append(_TRANSLITERATION[ch])
            continue
        try:
            ch.encode("latin-1")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        try:
            base.encode("latin-1")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out).replace("EUR  ", "EUR ").replace("EUR -", "EUR-")


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class _ReportPDF(FPDF):
    """FPDF with the report's fonts, footer and text cleaning."""

    def __init__(self, date: str, unicode_font: FontFiles | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.date = date
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM)
        self.unicode = unicode_font is not None
        if unicode_font is not None:
            self.add_font("body", "", str(unicode_font.regular))
            self.add_font("body", "B", str(unicode_font.bold or unicode_font.regular))
            self.add_font("body", "I", str(unicode_font.italic or unicode_font.regular))
            self.family = "body"
        else:
            self.family = "helvetica"
        self.set_text_color(*INK)

    def t(self, text: Any) -> str:
        """Text safe for the current font."""
        value = "" if text is None else str(text)
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        return value if self.unicode else latin1(value)

    def verdict(self, verdict: str) -> str:
        """The verdict word, with its chart glyph when the font has it."""
        label = VERDICT_LABELS[verdict]
        return f"{VERDICT_GLYPHS[verdict]} {label}" if self.unicode else label

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, style, size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-10)
        self.font(7, "", MUTED)
        self.cell(CONTENT_W / 2, 4, self.t(f"{PRODUCT_NAME} report, as of {self.date}"))
        self.cell(CONTENT_W / 2, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def heading(self, text: str) -> None:
        if self.will_page_break(22):
            self.add_page()
        elif self.get_y() > self.t_margin + 1:
            self.ln(3)
        self.font(12, "B", ACCENT)
        self.cell(0, 7, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(0.5)

    def subheading(self, text: str) -> None:
        if self.will_page_break(14):
            self.add_page()
        self.ln(1)
        self.font(9.5, "B", INK)
        self.cell(0, 5.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, items: Sequence[str], size: float = 8.5, numbered: bool = False) -> None:
        self.font(size)
        for index, text in enumerate(items, start=1):
            mark = f"{index}." if numbered else "-"
            self.set_x(self.l_margin)
            self.cell(5, 4.3, mark)
            self.multi_cell(CONTENT_W - 5, 4.3, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                            align="L")
            self.ln(0.6)


def _write(pdf: _ReportPDF, height: float, text: str, link: str = "") -> None:
    """``pdf.write`` that moves a word that does not fit to the next line instead of cutting it."""
    if not text:
        return
    first = text.lstrip().split(" ", 1)[0]
    if first and not link and pdf.get_x() + pdf.get_string_width(first) > pdf.w - pdf.r_margin:
        pdf.ln(height)
        text = text.lstrip()
    pdf.write(height, text, link=link)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _palette(verdict: str) -> tuple[int, int, int]:
    """The charts' colour of a verdict (Okabe-Ito: #0072B2 better, grey, #D55E00 worse)."""
    return _rgb(verdict_marks()[verdict][1])


def _shape(pdf: _ReportPDF, verdict: str, x: float, y: float, size: float) -> None:
    """The chart's marker of a verdict (by default triangle up, circle, triangle down),
    in the chart's colour, centred on x, y."""
    shape = verdict_marks()[verdict][0]
    pdf.set_fill_color(*_palette(verdict))
    h = size / 2
    if shape == "circle":
        r = 0.8 * h
        pdf.ellipse(x - r, y - r, 2 * r, 2 * r, style="F")
        return
    if shape == "square":
        r = 0.72 * h
        pdf.rect(x - r, y - r, 2 * r, 2 * r, style="F")
        return
    if shape == "triangle-up":
        points = [(x, y - h), (x + h, y + 0.8 * h), (x - h, y + 0.8 * h)]
    elif shape == "triangle-down":
        points = [(x - h, y - 0.8 * h), (x + h, y - 0.8 * h), (x, y + h)]
    else:  # diamond
        points = [(x, y - h), (x + 0.75 * h, y), (x, y + h), (x - 0.75 * h, y)]
    pdf.polygon(points, style="F")


# --- page 1: the board summary -------------------------------------------------------------------



def _summary_header(pdf: _ReportPDF, summary: ReportSummary) -> None:
    pdf.set_xy(MARGIN, MARGIN)
    pdf.font(7, "B", MUTED)
    pdf.cell(CONTENT_W / 2, 4, pdf.t(f"{PRODUCT_NAME.upper()}  |  BOARD SUMMARY"))
    pdf.font(8, "B", INK)
    pdf.cell(CONTENT_W / 2, 4, pdf.t(f"As of {summary.date}"), align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)
    pdf.font(17, "B", ACCENT)
    pdf.multi_cell(CONTENT_W, 7.5, pdf.t("Funnel KPIs vs published SaaS benchmarks"),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(0.8)
    line = 3.9
    if summary.snapshot_label:
        pdf.font(9, "", MUTED)
        _write(pdf, line + 0.4, "Period ")
        pdf.font(9, "B", INK)
        _write(pdf, line + 0.4, pdf.t(summary.snapshot_label))
        pdf.ln(line + 1)
    for index, (name, value) in enumerate(context_pairs(summary)):
        name, value = pdf.t(name + ": "), pdf.t(value)
        sep = "   |   " if index else ""
        pdf.font(7.8, "B", INK)
        width = pdf.get_string_width(value)
        pdf.font(7.8, "", MUTED)
        width += pdf.get_string_width(sep + name)
        if index and pdf.get_x() + width > MARGIN + CONTENT_W:
            pdf.ln(line)  # keep "label: value" on one line
            sep = ""
        pdf.write(line, sep + name)
        pdf.font(7.8, "B", INK)
        _write(pdf, line, value)
    pdf.ln(line + 2)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + CONTENT_W, pdf.get_y())
    pdf.ln(3)


def _verdict_strip(pdf: _ReportPDF, summary: ReportSummary, one_page_only: bool) -> None:
    top = pdf.get_y()
    tile_w, tile_h, gap, bar = 27.0, 19.0, 2.5, 1.4
    for index, verdict in enumerate(VERDICTS):
        x = MARGIN + index * (tile_w + gap)
        pdf.set_fill_color(*COLOURS[verdict][1])
        pdf.rect(x, top, tile_w, tile_h, style="F")
        pdf.set_fill_color(*_palette(verdict))
        pdf.rect(x, top, bar, tile_h, style="F")
        pdf.set_xy(x + bar, top + 1.8)
        pdf.font(21, "B", _palette(verdict))
        pdf.cell(tile_w - bar, 9, str(summary.kpi_counts[verdict]), align="C")
        word = pdf.t(VERDICT_LABELS[verdict])
        pdf.font(8.5, "B", INK)
        width = pdf.get_string_width(word) + 4.2
        left = x + bar + (tile_w - bar - width) / 2
        _shape(pdf, verdict, left + 1.4, top + 14, 2.8)
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


def _gaps(pdf: _ReportPDF, summary: ReportSummary) -> None:
    if not summary.kpis_compared:
        return
    pdf.font(10.5, "B", ACCENT)
    pdf.cell(0, 5.5, pdf.t("Biggest gaps"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)
    if not summary.gap_items:
        pdf.font(8.8)
        pdf.multi_cell(CONTENT_W, 4.2, pdf.t("Every KPI with a verdict is in line with its benchmark."),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    line = 4.2
    for item in summary.gap_items:
        top = pdf.get_y()
        if item.verdict in VERDICTS:
            _shape(pdf, item.verdict, MARGIN + 1.8, top + line / 2, 2.8)
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


def _compact_note(pdf: _ReportPDF, note: Footnote, x: float, width: float) -> None:
    """One page-1 footnote: ``[n] Source, year`` and its status, in a column at ``x``."""
    pdf.set_xy(x, pdf.get_y())
    pdf.font(_NOTE_SIZE, "B", INK)
    pdf.cell(_NOTE_NUMBER_W, _NOTE_LINE, f"[{note.number}]")
    old = pdf.l_margin, pdf.r_margin
    pdf.set_left_margin(x + _NOTE_NUMBER_W)
    pdf.set_right_margin(PAGE_W - x - width)
    pdf.font(_NOTE_SIZE, "", INK)
    _write(pdf, _NOTE_LINE, pdf.t(short_note(note)))
    if note.status == "U":
        pdf.font(_NOTE_SIZE, "B", COLOURS["worse"][0])
        _write(pdf, _NOTE_LINE, pdf.t(" – source not verified"))
    else:
        pdf.font(_NOTE_SIZE, "", MUTED)
        _write(pdf, _NOTE_LINE, pdf.t(f" – status {note.status}"))
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


def _page_notes(pdf: _ReportPDF, summary: ReportSummary, one_page_only: bool,
                draw: bool) -> float:
    """Draw (or, with ``draw=False``, only measure) the page-1 footnotes; returns their height."""
    notes = summary.footnotes
    if not notes:
        return 0.0
    col_w = (CONTENT_W - 6) / 2
    start = pdf.get_y()
    with pdf.offset_rendering():
        pdf.set_auto_page_break(False)
        pdf.set_xy(MARGIN, 20)
        heights = []
        for note in notes:
            y = pdf.get_y()
            _compact_note(pdf, note, MARGIN, col_w)
            heights.append(pdf.get_y() - y)
        pdf.set_xy(MARGIN, 20)
        pdf.font(6.6, "", MUTED)
        pdf.multi_cell(CONTENT_W, 2.9, pdf.t(page_notes_intro(summary, one_page_only)),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        intro_h = pdf.get_y() - 20
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
    pdf.cell(0, 4.5, pdf.t("Sources"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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


def _summary_chart(pdf: _ReportPDF, overview: Any, top: float, room: float) -> float:
    """Place the overview chart (no sources footer) in ``room`` mm at ``top``; its height."""
    chart = page_overview(overview)
    width_px, height_px = chart_size(chart)
    if not (width_px and height_px):
        return 0.0
    scale = min(1.0, CONTENT_W / (width_px * PX_TO_MM))
    if height_px * PX_TO_MM * scale > room:
        chart = page_overview(overview, max_height=room / (PX_TO_MM * scale),
                              min_row_height=MIN_ROW_PX)
        width_px, height_px = chart_size(chart)
        scale = min(scale, room / (height_px * PX_TO_MM))
    data = chart_png(chart, scale=PNG_SCALE)
    width = width_px * PX_TO_MM * scale
    height = height_px * PX_TO_MM * scale
    pdf.image(io.BytesIO(data), x=MARGIN + (CONTENT_W - width) / 2, y=top, w=width, h=height,
              alt_text=pdf.t(overview.title), title=pdf.t(overview.title))
    return height


def _summary_page(pdf: _ReportPDF, summary: ReportSummary, overview: Any | None,
                  one_page_only: bool) -> None:
    pdf.add_page()
    _summary_header(pdf, summary)
    _verdict_strip(pdf, summary, one_page_only)
    _gaps(pdf, summary)
    top = pdf.get_y()
    notes_h = _page_notes(pdf, summary, one_page_only, draw=False)
    if overview is not None:
        room = pdf.page_break_trigger - top - notes_h - 3
        _summary_chart(pdf, overview, top, room)
    # the footnotes sit at the foot of the page, as footnotes do
    pdf.set_xy(MARGIN, max(top, pdf.page_break_trigger - notes_h - 0.5))
    _page_notes(pdf, summary, one_page_only, draw=True)


# --- the appendix ------------------------------------------------------------------------------

@dataclass
class _Placed:
    title: str
    data: bytes
    width: float
    height: float


def _fits(pdf: _ReportPDF, height: float, extra: float = 0.0) -> float | None:
    """The height a chart gets at the current position, or ``None`` if it needs a new page.

    A chart may shrink to 85 % of its size to stay on the page; it is never split.
    """
    room = pdf.page_break_trigger - pdf.get_y() - 2 - extra
    if height <= room:
        return height
    if room >= 0.85 * height:
        return room
    return None


def _charts(pdf: _ReportPDF, charts: Sequence[Any]) -> None:
    if not charts:
        return
    queue: list[_Placed] = []
    for chart in charts:
        data = chart_png(chart, scale=PNG_SCALE)
        px_w, px_h = _png_size(data)
        width = px_w / PNG_SCALE * PX_TO_MM
        height = px_h / PNG_SCALE * PX_TO_MM
        shrink = min(1.0, CONTENT_W / width, (MAX_CHART_H - 12) / height)
        queue.append(_Placed(chart.title, data, width * shrink, height * shrink))
    heading_h = 17.0
    # keep the heading with a chart: if none fits under it, start the section on a new page
    if all(_fits(pdf, c.height, heading_h) is None for c in queue):
        pdf.add_page()
    pdf.heading("Charts")
    pdf.font(7.5, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(
        "Each chart names its own sources under it, numbered within that chart."),
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


def _table(pdf: _ReportPDF, summary: ReportSummary) -> None:
    if not summary.rows:
        return
    pdf.heading("KPIs against every matching benchmark")
    pdf.font(7.5, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(
        "Each KPI's main benchmark (the one on the overview chart) comes first, in bold; then every "
        "other benchmark that matches your context. Gaps of rates are in percentage points (pp), "
        "measured to the median when published, else to the nearest bound."),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.5)
    pdf.font(7.2)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)
    heading_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)
    shades = ((255, 255, 255), (246, 248, 250))
    with pdf.table(
        col_widths=(40, 30, 60, 20, 22, 14),
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
        for text in ("KPI", "Your value", "Benchmark", "Verdict", "Gap", "Source"):
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
                bench += " (your catalogue)"
            row.cell(pdf.t(bench), style=FontFace(emphasis="BOLD" if item.footnote else None,
                                                  fill_color=fill))
            verdict_cell(row, item.verdict, True)
            row.cell(pdf.t(item.gap), style=plain)
            row.cell(f"[{item.footnote}]" if item.footnote else "", style=plain)
            for line in item.others:
                row = table.row()
                row.cell("", style=plain)
                row.cell(pdf.t(f"= {line.converted}" if line.converted else ""), style=other)
                bench = line.benchmark + (" (your catalogue)" if line.user_supplied else "")
                row.cell(pdf.t(bench), style=other)
                verdict_cell(row, line.verdict, False)
                row.cell(pdf.t(line.gap), style=other)
                row.cell(f"[{line.footnote}]", style=other)
    pdf.ln(1.5)
    pdf.font(7, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(
        f"All {summary.comparisons} comparisons, including benchmarks your value cannot be set "
        "against, are in the XLSX and CSV downloads."), new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        align="L")


def _issues(pdf: _ReportPDF, summary: ReportSummary) -> None:
    if not (summary.warnings or summary.not_computable or summary.notes):
        return
    pdf.heading("Warnings and missing KPIs")
    if summary.warnings:
        pdf.subheading("Check your inputs")
        pdf.bullets(summary.warnings)
    if summary.not_computable:
        pdf.subheading("Not computable")
        pdf.bullets([f"{label}: {reason}" for label, reason in summary.not_computable])
    if summary.notes:
        pdf.subheading("Notes")
        pdf.bullets(summary.notes)


def _definitions(pdf: _ReportPDF, summary: ReportSummary) -> None:
    if not summary.definitions:
        return
    pdf.heading("Definitions")
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
        for text in ("KPI", "Formula", "Better when"):
            head.cell(pdf.t(text))
        for label, formula, better in summary.definitions:
            row = table.row()
            row.cell(pdf.t(label), style=FontFace(emphasis="BOLD"))
            row.cell(pdf.t(formula))
            row.cell(pdf.t(f"{better} is better" if better else "size figure"))
    pdf.ln(2)
    pdf.subheading("Verdicts, gaps and sources")
    pdf.bullets([f"{name}: {text}" for name, text in REPORT_RULES]
                + [f"Status {code}: {label}." for code, label in STATUS_LABELS.items()], size=7.8)


def _sources(pdf: _ReportPDF, summary: ReportSummary) -> None:
    notes = summary.all_footnotes
    if not notes:
        return
    pdf.heading("Sources")
    pdf.font(7.5, "", MUTED)
    intro = SOURCES_INTRO
    if summary.other_footnotes:
        intro += (f" [1]-[{len(summary.footnotes)}] are the main benchmarks, as on the overview "
                  f"chart; [{len(summary.footnotes) + 1}]-[{len(notes)}] the other benchmarks "
                  "of the table.")
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
        _write(pdf, line, pdf.t(f"{note.source}{note.year_text}. "))
        pdf.font(7.5, "", MUTED)
        details = "; ".join(x for x in (note.figure, note.segment) if x)
        if details:
            _write(pdf, line, pdf.t(details[0].upper() + details[1:] + ". "))
        if note.status == "U":
            pdf.font(7.5, "B", COLOURS["worse"][0])
        _write(pdf, line, pdf.t(f"Status {note.status}: {note.status_label.lower()}."))
        if note.user_supplied:
            pdf.font(7.5, "I", MUTED)
            _write(pdf, line, pdf.t(f" From your catalogue {note.origin}."))
        if is_web_link(note.url):
            pdf.font(7.5, "", ACCENT)
            _write(pdf, line, " ")
            _write(pdf, line, pdf.t(note.url.strip()), link=note.url.strip())
        pdf.ln(line + 0.6)
        pdf.set_left_margin(MARGIN)


def _appendix(pdf: _ReportPDF, summary: ReportSummary, charts: Sequence[Any]) -> None:
    pdf.add_page()
    pdf.font(7, "B", MUTED)
    pdf.cell(0, 4, pdf.t(f"{PRODUCT_NAME.upper()}  |  APPENDIX"), new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    pdf.font(15, "B", ACCENT)
    pdf.cell(0, 8, pdf.t("Appendix: the details behind page 1"), new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    meta = f"As of {summary.date}"
    if summary.snapshot_label:
        meta = f"Period: {summary.snapshot_label}  |  {meta}"
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
    pdf = _ReportPDF(summary.date, font)
    title = f"{summary.title} ({summary.date})"
    if summary.snapshot_label:
        title = f"{summary.title}: {summary.snapshot_label} ({summary.date})"
    pdf.set_title(pdf.t(title))
    pdf.set_author(pdf.t(PRODUCT_NAME))
    pdf.set_creator(pdf.t(PRODUCT_NAME))
    overview = next((c for c in charts if getattr(c, "name", "") == "overview"), None)
    _summary_page(pdf, summary, overview, one_page_only)
    if not one_page_only:
        _appendix(pdf, summary, [c for c in charts if c is not overview])
    return bytes(pdf.output())

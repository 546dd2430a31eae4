"""The board-ready report as an A4 PDF, written with fpdf2 (no browser).

Same content and order as the HTML report: header and context, verdict counts and the
biggest gaps, a compact KPI table, warnings and KPIs that could not be computed, the charts
(PNG, rendered at 2x, never split across pages), and numbered source footnotes with links.

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

from .constants import VERDICT_LABELS, VERDICTS
from .exports import (
    PNG_SCALE,
    PRODUCT_NAME,
    SOURCES_INTRO,
    VERDICT_GLYPHS,
    ReportSummary,
    chart_png,
    is_web_link,
)

__all__ = ["render_report_pdf", "find_unicode_font", "latin1"]

ACCENT = (31, 58, 95)
INK = (31, 41, 51)
MUTED = (95, 107, 122)
LINE = (217, 222, 229)
SOFT = (244, 246, 248)
COLOURS = {
    "better": ((0, 90, 142), (221, 235, 246)),
    "in_line": ((75, 85, 99), (238, 240, 243)),
    "worse": ((169, 67, 0), (251, 227, 214)),
}

MARGIN = 14.0
PAGE_W = 210.0
CONTENT_W = PAGE_W - 2 * MARGIN
#: Usable height of a page for one chart (A4 minus margins, footer and a little air).
MAX_CHART_H = 297.0 - MARGIN - 16.0 - 6.0
PX_TO_MM = 25.4 / 96

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
        self.set_auto_page_break(auto=True, margin=16)
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
        self.set_y(-11)
        self.font(7.5, "", MUTED)
        self.cell(CONTENT_W / 2, 5, self.t(f"{PRODUCT_NAME} report, as of {self.date}"))
        self.cell(CONTENT_W / 2, 5, f"Page {self.page_no()} of {{nb}}", align="R")

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


def _header(pdf: _ReportPDF, summary: ReportSummary) -> None:
    pdf.font(7.5, "", MUTED)
    pdf.cell(0, 4, pdf.t(PRODUCT_NAME.upper()), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(16, "B", ACCENT)
    pdf.multi_cell(CONTENT_W, 7.5, pdf.t("Funnel KPIs vs published SaaS benchmarks"),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    meta = f"As of {summary.date}"
    if summary.snapshot_label:
        meta = f"Period: {summary.snapshot_label}  |  {meta}"
    pdf.font(9, "", MUTED)
    pdf.multi_cell(CONTENT_W, 5, pdf.t(meta), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.5)
    # context box: 3 columns x 2 rows
    top = pdf.get_y()
    col_w = (CONTENT_W - 6) / 3
    box_h = 2 * 9 + 3
    pdf.set_fill_color(*SOFT)
    pdf.rect(MARGIN, top, CONTENT_W, box_h, style="F", round_corners=True, corner_radius=1.5)
    for index, (_, label, value) in enumerate(summary.context):
        x = MARGIN + 3 + (index % 3) * col_w
        y = top + 1.5 + (index // 3) * 9
        pdf.set_xy(x, y)
        pdf.font(7, "", MUTED)
        pdf.cell(col_w - 2, 3.6, pdf.t(label))
        pdf.set_xy(x, y + 3.6)
        pdf.font(7.5, "B", INK)
        text = pdf.t(value)
        while pdf.get_string_width(text) > col_w - 3 and len(text) > 4:
            text = text[:-2].rstrip() + "…" if pdf.unicode else text[:-4].rstrip() + "..."
        pdf.cell(col_w - 2, 4, text)
    pdf.set_xy(MARGIN, top + box_h + 4)


def _headline(pdf: _ReportPDF, summary: ReportSummary) -> None:
    top = pdf.get_y()
    tile_w, tile_h, gap = 19.0, 17.0, 2.0
    for index, verdict in enumerate(VERDICTS):
        ink, fill = COLOURS[verdict]
        x = MARGIN + index * (tile_w + gap)
        pdf.set_fill_color(*fill)
        pdf.rect(x, top, tile_w, tile_h, style="F", round_corners=True, corner_radius=1.5)
        pdf.set_xy(x, top + 2)
        pdf.font(18, "B", ink)
        pdf.cell(tile_w, 8, str(summary.kpi_counts[verdict]), align="C")
        pdf.set_xy(x, top + 10.5)
        pdf.font(7.5, "B", ink)
        pdf.cell(tile_w, 4, pdf.t(pdf.verdict(verdict)), align="C")
    left = MARGIN + 3 * tile_w + 2 * gap + 6
    width = MARGIN + CONTENT_W - left
    pdf.set_xy(left, top)
    pdf.font(10, "B")
    pdf.multi_cell(width, 5, pdf.t(summary.headline()), new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
    pdf.font(7.5, "", MUTED)
    pdf.multi_cell(width, 4, pdf.t(summary.all_line()), new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
    if summary.gaps:
        pdf.ln(1.5)
        pdf.set_x(left)
        pdf.font(9.5, "B", ACCENT)
        pdf.cell(width, 5, pdf.t("Biggest gaps"), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.font(8.5)
        for index, text in enumerate(summary.gaps, start=1):
            pdf.set_x(left)
            pdf.cell(5, 4.3, f"{index}.")
            pdf.multi_cell(width - 5, 4.3, pdf.t(text), new_x=XPos.LEFT, new_y=YPos.NEXT, align="L")
            pdf.set_x(left)
            pdf.ln(0.8)
    pdf.set_xy(MARGIN, max(pdf.get_y(), top + tile_h) + 2)


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
    heading_h = 12.0
    # keep the heading with a chart: if none fits under it, start the section on a new page
    if all(_fits(pdf, c.height, heading_h) is None for c in queue):
        pdf.add_page()
    pdf.heading("Charts")
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
    pdf.heading("KPIs against their main benchmark")
    pdf.font(7.5)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.set_fill_color(255, 255, 255)
    heading_style = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)
    with pdf.table(
        col_widths=(37, 33, 58, 16, 22, 16),
        cell_fill_color=(248, 249, 251),
        cell_fill_mode="ROWS",
        text_align=("LEFT", "RIGHT", "LEFT", "LEFT", "RIGHT", "LEFT"),
        line_height=3.7,
        padding=(0.8, 1.2, 0.8, 1.2),
        headings_style=heading_style,
        borders_layout="HORIZONTAL_LINES",
        width=CONTENT_W,
        repeat_headings=1,
    ) as table:
        head = table.row()
        for text in ("KPI", "Your value", "Main benchmark", "Verdict", "Gap", "Source"):
            head.cell(pdf.t(text))
        for item in summary.rows:
            row = table.row()
            row.cell(pdf.t(item.label), style=FontFace(emphasis="BOLD"))
            row.cell(pdf.t(item.value + (f"\n= {item.converted}" if item.converted else "")))
            bench = item.benchmark
            if item.more:
                bench += f" (+{item.more} more)"
            if item.user_supplied:
                bench += " (your catalogue)"
            row.cell(pdf.t(bench))
            if item.verdict:
                ink, fill = COLOURS[item.verdict]
                row.cell(pdf.t(pdf.verdict(item.verdict)),
                         style=FontFace(emphasis="BOLD", color=ink, fill_color=fill))
            else:
                row.cell("")
            row.cell(pdf.t(item.gap))
            row.cell(f"[{item.footnote}]" if item.footnote else "")
    pdf.ln(1.5)
    pdf.font(7, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.6, pdf.t(
        "Gaps of rates are in percentage points (pp), measured to the median when published, else to "
        f"the nearest bound. All {summary.comparisons} comparisons with every matching benchmark are in "
        "the XLSX and CSV downloads."), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


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


def _write(pdf: _ReportPDF, height: float, text: str, link: str = "") -> None:
    """``pdf.write`` that moves a word that does not fit to the next line instead of cutting it."""
    if not text:
        return
    first = text.lstrip().split(" ", 1)[0]
    if first and not link and pdf.get_x() + pdf.get_string_width(first) > pdf.w - pdf.r_margin:
        pdf.ln(height)
        text = text.lstrip()
    pdf.write(height, text, link=link)


def _sources(pdf: _ReportPDF, summary: ReportSummary) -> None:
    if not summary.footnotes:
        return
    pdf.heading("Sources")
    pdf.font(7.5, "", MUTED)
    pdf.multi_cell(CONTENT_W, 3.5, pdf.t(SOURCES_INTRO), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.2)
    line = 3.4
    for note in summary.footnotes:
        if pdf.will_page_break(2 * line):
            pdf.add_page()
        pdf.set_x(MARGIN)
        pdf.font(7.5, "B", INK)
        pdf.cell(7, line, f"[{note.number}]")
        pdf.set_left_margin(MARGIN + 7)
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


def render_report_pdf(summary: ReportSummary, charts: Sequence[Any], *,
                      unicode_font: FontFiles | None | bool = True) -> bytes:
    """Write the report as a PDF.

    Parameters
    ----------
    summary : the words and rows (:func:`funnel_core.exports.summarize`).
    charts : annotated charts (``name``, ``title``, ``chart``).
    unicode_font : ``True`` (default) finds an installed Unicode TTF; ``False``/``None``
        forces the core font with transliteration; or explicit :class:`FontFiles`.

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
    pdf.set_title(pdf.t(title))
    pdf.set_author(pdf.t(PRODUCT_NAME))
    pdf.set_creator(pdf.t(PRODUCT_NAME))
    pdf.add_page()
    # page 1 is the executive summary: verdicts, biggest gaps, then the KPI table
    _header(pdf, summary)
    _headline(pdf, summary)
    _table(pdf, summary)
    _issues(pdf, summary)
    _charts(pdf, charts)
    _sources(pdf, summary)
    return bytes(pdf.output())

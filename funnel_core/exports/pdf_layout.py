"""The PDF report's page layout and drawing tools (fpdf2): page geometry, colours, fonts.

Fonts: a Unicode TrueType font is used when one is installed (DejaVu Sans or Liberation
Sans, from the system or from a Python package). Without one the PDF falls back to the core
Helvetica font and every character outside Latin-1 is transliterated (``€`` -> ``EUR``,
``zł`` -> ``zl``, ``→`` -> ``->``), so writing the PDF never fails on user text.

:class:`ReportPDF` is the document with the report's fonts, footer and text cleaning;
:func:`write_wrapped` writes running text without cutting words; :func:`draw_marker` draws
the charts' verdict markers.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from funnel_core.domain.formatting import date_text
from funnel_core.domain.constants import VERDICT_LABELS
from funnel_core.domain.i18n import tr
from funnel_core.exports.settings import PRODUCT_NAME, VERDICT_GLYPHS, verdict_marks

__all__ = [
    "FontFiles",
    "ReportPDF",
    "draw_marker",
    "find_unicode_font",
    "latin1",
    "palette",
    "png_size",
    "write_wrapped",
]

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
    "not_comparable": ((75, 85, 99), (255, 255, 255)),
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


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


class _SharedFonts(dict):
    """The document's fonts, shared (not copied) when fpdf2 snapshots the document.

    ``offset_rendering()`` (used to measure text before drawing it) deep-copies the whole
    document twice, and copying each TrueType font's tables cost about a third of a second per
    PDF. Sharing them is safe: the widths never change, and glyphs marked as used while
    measuring are drawn afterwards anyway (at worst the embedded subset has a glyph more).
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "_SharedFonts":
        for font in self.values():  # other references (the current font) stay the same object
            memo[id(font)] = font
        return _SharedFonts(self)


class ReportPDF(FPDF):
    """FPDF with the report's fonts, footer and text cleaning."""

    def __init__(self, date: str, unicode_font: FontFiles | None) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        catalog = getattr(self, "_resource_catalog", None)  # fpdf2 2.8 keeps the fonts here
        if catalog is not None and isinstance(getattr(catalog, "font_registry", None), dict):
            catalog.font_registry = _SharedFonts(catalog.font_registry)
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
        label = tr(VERDICT_LABELS[verdict])
        return f"{VERDICT_GLYPHS[verdict]} {label}" if self.unicode else label

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, style, size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-10)
        self.font(7, "", MUTED)
        self.cell(CONTENT_W / 2, 4, self.t(tr("{product} report, as of {date}", product=tr(PRODUCT_NAME),
                                              date=date_text(self.date))))
        self.cell(CONTENT_W / 2, 4, self.t(tr("Page {page} of {total}", page=self.page_no(), total="{nb}")),
                  align="R")

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


def write_wrapped(pdf: ReportPDF, height: float, text: str, link: str = "") -> None:
    """``pdf.write`` that moves a word that does not fit to the next line instead of cutting it."""
    if not text:
        return
    first = text.lstrip().split(" ", 1)[0]
    room = pdf.w - pdf.r_margin - 2 * pdf.c_margin  # write() keeps a cell margin at both ends
    if first and not link and pdf.get_x() + pdf.get_string_width(first) > room:
        pdf.ln(height)
        text = text.lstrip()
    pdf.write(height, text, link=link)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def palette(verdict: str) -> tuple[int, int, int]:
    """The charts' colour of a verdict (Okabe-Ito: #0072B2 better, grey, #D55E00 worse)."""
    return _rgb(verdict_marks()[verdict][1])


def draw_marker(pdf: ReportPDF, verdict: str, x: float, y: float, size: float) -> None:
    """The chart's marker of a verdict (by default triangle up, circle, triangle down),
    in the chart's colour, centred on x, y."""
    shape = verdict_marks()[verdict][0]
    pdf.set_fill_color(*palette(verdict))
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

"""The chart look: ``assets/theme.json`` read and validated into a :class:`Theme`.

Width, row height, fonts and font sizes, the colour-blind-safe Okabe-Ito palette per role
(verdicts, benchmark band, reference, bars, text) and the point shape of each verdict. Every
key is required; a missing or bad key fails with a :class:`ThemeError` naming the file and the
key. Reading is cached on the file's modification time and size.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from funnel_core.domain.constants import ASSETS_DIR

__all__ = ["THEME_PATH", "Theme", "ThemeError", "load_theme"]

THEME_PATH: Path = ASSETS_DIR / "theme.json"

_VEGA_SHAPES = frozenset({
    "circle", "square", "cross", "diamond", "triangle-up", "triangle-down", "triangle-right",
    "triangle-left", "triangle", "arrow", "wedge", "stroke",
})
_COLOR_KEYS = (
    "better", "in_line", "worse", "none", "band", "reference", "text", "muted", "user_bar",
    "benchmark_bar", "increase", "decrease", "total", "background",
)
_FONT_SIZE_KEYS = ("title", "subtitle", "axis_label", "axis_title", "mark_label", "footer")
_SHAPE_KEYS = ("better", "in_line", "worse", "none")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class ThemeError(ValueError):
    """``assets/theme.json`` (or a theme file given) is missing a key or has a bad value.

    The message names the file and the key (``colors.better``).
    """


@dataclass(frozen=True)
class Theme:
    """The validated chart look.

    Attributes
    ----------
    width : total chart width in pixels (fixed so exported PNGs fit a slide).
    row_height : pixels per row in row-based charts.
    font : CSS font-family list.
    font_sizes : ``title``, ``subtitle``, ``axis_label``, ``axis_title``, ``mark_label``, ``footer``.
    colors : ``#RRGGBB`` per role (verdicts, band, reference, bars, text...).
    shapes : Vega point shape per verdict (``better``, ``in_line``, ``worse``, ``none``).
    """

    width: int
    row_height: int
    font: str
    font_sizes: Mapping[str, float]
    colors: Mapping[str, str]
    shapes: Mapping[str, str]


def _theme_from(data: Any, name: str) -> Theme:
    def fail(key: str, problem: str) -> ThemeError:
        return ThemeError(f"{name}: key '{key}' {problem}")

    if not isinstance(data, dict):
        raise ThemeError(f"{name}: must be a JSON object")

    def section(key: str) -> dict:
        value = data.get(key)
        if not isinstance(value, dict):
            raise fail(key, "is missing or is not an object")
        return value

    def integer(key: str, low: int, high: int) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, f"must be a whole number from {low} to {high}, got {value!r}")
        return value

    width = integer("width", 320, 2400)
    row_height = integer("row_height", 16, 80)
    font = data.get("font")
    if not isinstance(font, str) or not font.strip():
        raise fail("font", f"must be a non-empty font-family list, got {font!r}")

    sizes_in, colors_in, shapes_in = section("font_sizes"), section("colors"), section("shapes")
    sizes: dict[str, float] = {}
    for key in _FONT_SIZE_KEYS:
        value = sizes_in.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 6 <= value <= 48:
            raise fail(f"font_sizes.{key}", f"must be a number from 6 to 48, got {value!r}")
        sizes[key] = float(value)
    colors: dict[str, str] = {}
    for key in _COLOR_KEYS:
        value = colors_in.get(key)
        if not isinstance(value, str) or not _HEX.match(value):
            raise fail(f"colors.{key}", f"must be a colour like #0072B2, got {value!r}")
        colors[key] = value
    shapes: dict[str, str] = {}
    for key in _SHAPE_KEYS:
        value = shapes_in.get(key)
        if value not in _VEGA_SHAPES:
            raise fail(f"shapes.{key}",
                       f"must be one of {', '.join(sorted(_VEGA_SHAPES))}, got {value!r}")
        shapes[key] = value
    if len({shapes[k] for k in ("better", "in_line", "worse")}) < 3:
        raise fail("shapes", "must give better, in_line and worse three different shapes")
    return Theme(width, row_height, font.strip(), sizes, colors, shapes)


def load_theme(path: str | Path | None = None) -> Theme:
    """Read and validate a theme file (``assets/theme.json`` by default).

    Raises
    ------
    ThemeError
        When the file is missing, is not JSON, or a key is missing or invalid; the message
        names the key (e.g. ``theme.json: key 'colors.better' must be a colour like #0072B2``).
    """
    target = Path(path) if path is not None else THEME_PATH
    try:
        stat = target.stat()
    except OSError as exc:
        raise ThemeError(f"{target.name}: cannot read the chart theme ({exc.strerror})") from None
    return _load_theme_cached(str(target), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_theme_cached(path: str, mtime_ns: int, size: int) -> Theme:
    target = Path(path)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{target.name}: cannot read the chart theme ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ThemeError(f"{target.name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return _theme_from(data, target.name)

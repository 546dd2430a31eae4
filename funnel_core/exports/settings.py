"""Settings shared by every report format: the product name, the report date, verdict marks.

The HTML and PDF reports draw the charts' verdict markers (shape and colour from
``assets/theme.json``) next to the verdict words, so the counts on page 1 match the overview
chart under them.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from pathlib import Path

from funnel_core.domain.constants import ASSETS_DIR
from funnel_core.domain.i18n import mark, tr

__all__ = [
    "PRODUCT_NAME",
    "SOURCES_INTRO",
    "THEME_PATH",
    "VERDICT_GLYPHS",
    "as_of_date",
    "as_of_value",
    "product_name",
    "sources_intro",
    "verdict_marks",
]

PRODUCT_NAME = mark("SaaS funnel benchmark")

#: The line above the numbered sources of the HTML and PDF reports.
SOURCES_INTRO = mark(
    "Benchmarks are published third-party figures, numbered as on the charts, each with its "
    "verification status; benchmark amounts are in USD. Churn and retention are converted "
    "between periods by compounding, never by multiplying."
)


def product_name() -> str:
    """The product's name in the current language."""
    return tr(PRODUCT_NAME)


def sources_intro() -> str:
    """:data:`SOURCES_INTRO` in the current language."""
    return tr(SOURCES_INTRO)

#: Verdict glyphs, as on the charts (colour is never the only cue).
VERDICT_GLYPHS: dict[str, str] = {"better": "▲", "in_line": "●", "worse": "▼", "not_comparable": "○"}

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

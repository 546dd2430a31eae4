"""Making user text safe in a download: spreadsheet cells, numbers, links and file names.

Text that may come from the user (snapshot label, notes naming unknown columns, labels and
sources of a user catalogue) is neutralised against spreadsheet formula injection in CSV and
XLSX (:func:`safe_cell`); the HTML report escapes it with :func:`html.escape`; text printed to
a terminal loses its control characters (:func:`terminal_text`), so a header holding ESC or
BEL cannot move the cursor, recolour or retitle the user's terminal. Numbers are
written as numbers with full precision; NaN and infinities become empty cells
(:func:`finite`). Only ``http(s)://`` addresses become clickable links (:func:`is_web_link`).
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["file_slug", "finite", "is_web_link", "safe_cell", "terminal_text"]

#: C0 controls except tab and newline, DEL, C1 controls; and the Unicode bidirectional
#: overrides and isolates, which can make printed text read differently from what it is.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

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


def terminal_text(text: str) -> str:
    """``text`` without control characters, for printing to a terminal.

    Newline and tab stay; a carriage return becomes a newline when it ends a line (``\r\n``)
    and is dropped otherwise; ESC, BEL, backspace, the other C0 and C1 controls, DEL and the
    bidirectional overrides are removed. Printable text (accents, ``€``, ``→``) is unchanged.
    """
    return _CONTROL.sub("", text.replace("\r\n", "\n"))


def finite(value: float | None) -> float | None:
    """``value`` when it is a finite number, else ``None``."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def is_web_link(url: str | None) -> bool:
    """True for an ``http(s)://`` address (the only links exports make clickable)."""
    text = (url or "").strip().lower()
    return text.startswith(("https://", "http://")) and " " not in text


def file_slug(text: str) -> str:
    """``text`` as a file-name part: lower-case ASCII letters, digits and ``_``, any other run of
    characters one ``-``; at most 60 characters, ``chart`` when nothing is left."""
    slug = "".join(ch.lower() if ch.isascii() and (ch.isalnum() or ch == "_") else "-" for ch in text)
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug.strip("-")[:60] or "chart"

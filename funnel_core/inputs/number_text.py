"""Taking the text of one spreadsheet cell apart before it is read as a number.

A cell such as ``"-€ 1.5k"`` or ``"(1,200)"`` is first cleaned (space, apostrophe and minus
look-alikes unified), then its decorations are stripped -- sign, brackets (negative),
percent sign, currency symbol or code, multiplier suffix (``k``, ``M``, ``Mio.``, ``tys.``)
-- and what is left, digits with ``.``, ``,``, ``'`` and spaces, is turned into text Python's
``float`` reads (:func:`read_digits`). In both conventions a space (regular, no-break
U+00A0, narrow no-break U+202F, thin) or an apostrophe (``1'234.5``, Swiss style) groups
thousands, and a cell holding both ``.`` and ``,`` decides by itself: the separator that
comes last is the decimal one.

Empty cells, ``-`` and ``n/a`` mean "no value" (:data:`MISSING_TOKENS`, :func:`is_missing`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from funnel_core.domain.i18n import tr

__all__ = [
    "MISSING_TOKENS",
    "PLAIN_DIGITS_RE",
    "SCIENTIFIC_RE",
    "Decorations",
    "DigitReading",
    "NumberError",
    "clean_cell",
    "not_a_number",
    "is_missing",
    "read_digits",
    "strip_decorations",
]

#: Cell texts that mean "no value" (compared after stripping and lower-casing).
MISSING_TOKENS: frozenset[str] = frozenset({
    "", "-", "--", "---", "–", "—", "−", "n/a", "na", "n.a.", "n.a", "#n/a", "none",
    "null", "nil", "k.a.", "k. a.", "nd", "n.d.", "s/o", "brak", "/",
})

_SPACES = "\u00a0\u202f\u2009\u2007\u2008\u200a\u205f\u3000\t"
_APOSTROPHES = "\u2019\u2018\u02bc\u00b4`\u2032"
_MINUS_SIGNS = "\u2212\u2013\u2014\u2012\ufe63\uff0d"

_CURRENCY_RE = re.compile(
    r"^(?:us\$|a\$|c\$|\$|€|£|zł|zl|pln|eur|usd|gbp|chf|sfr\.?|fr\.)", re.IGNORECASE
)
_CURRENCY_END_RE = re.compile(
    r"(?:us\$|\$|€|£|zł|zl|pln|eur|usd|gbp|chf|sfr\.?|fr\.|euros?)$", re.IGNORECASE
)
_CURRENCY_CODES: dict[str, str] = {
    "us$": "USD", "a$": "AUD", "c$": "CAD", "$": "USD", "usd": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP",
    "zł": "PLN", "zl": "PLN", "pln": "PLN",
    "chf": "CHF", "sfr": "CHF", "sfr.": "CHF", "fr.": "CHF",
}
_MULTIPLIER_RE = re.compile(
    r"^(?P<num>.*?[\d.,])\s*(?P<suffix>k|tsd\.?|tys\.?|m|mm|mn|mio\.?|mln\.?|bn|b|mrd\.?|mld\.?)$",
    re.IGNORECASE,
)
_MULTIPLIERS: dict[str, float] = {
    "k": 1e3, "tsd": 1e3, "tys": 1e3,
    "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "mln": 1e6,
    "bn": 1e9, "b": 1e9, "mrd": 1e9, "mld": 1e9,
}
#: A number in scientific notation (``1.5e3``): read as it is, whatever the convention.
SCIENTIFIC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+")
#: Plain ASCII digits, the most common cell: read as they are in every convention (the
#: readers' fast path; nothing to clean, strip or vote on).
PLAIN_DIGITS_RE = re.compile(r"[0-9]{1,15}")
_CORE_RE = re.compile(r"[\d.,' ]+")


class NumberError(ValueError):
    """A cell could not be read as a number; the message quotes the text."""


def not_a_number(original: object) -> NumberError:
    """The error for a cell that is not a number (in the current language)."""
    return NumberError(tr("'{text}' is not a number", text=original))


def clean_cell(text: str) -> str:
    """Unify space, apostrophe and minus look-alikes and strip the ends.

    A leading minus sign (U+2212) or dash becomes ``-``; no-break and thin spaces become
    spaces; typographic apostrophes become ``'``.
    """
    if text.isascii() and "\t" not in text and "`" not in text:
        return text.strip()  # fast path: none of the look-alikes is plain ASCII but these
    for ch in _SPACES:
        text = text.replace(ch, " ")
    for ch in _APOSTROPHES:
        text = text.replace(ch, "'")
    text = text.strip()
    if text and text[0] in _MINUS_SIGNS and len(text) > 1:
        text = "-" + text[1:]
    return text


def is_missing(text: object) -> bool:
    """Tell whether a cell means "no value".

    Parameters
    ----------
    text : object
        Cell content: ``None``, a float ``nan``, an empty string, ``-``, ``n/a`` ...

    Returns
    -------
    bool
    """
    if text is None:
        return True
    if isinstance(text, float) and math.isnan(text):
        return True
    if isinstance(text, (int, float)):
        return False
    return clean_cell(str(text)).lower() in MISSING_TOKENS


class Decorations(NamedTuple):
    """What :func:`strip_decorations` found around the digits of a cell."""

    core: str                 # digits with separators: "1,234.5"
    negative: bool            # a minus sign or brackets (an odd number of them)
    percent: bool             # a % sign: the value is divided by 100
    currency: str | None      # ISO code of a currency symbol or code ("EUR" for "€")
    multiplier: float         # 1e3 for "k", 1e6 for "M" ..., else 1.0


def strip_decorations(s: str) -> Decorations:
    """Remove sign, brackets, percent, currency and multiplier around a number.

    Parameters
    ----------
    s : str
        A cell's text after :func:`clean_cell`: ``"-€ 5k"``, ``"(€1,200)"``, ``"7 %"``.

    Returns
    -------
    Decorations
        ``core`` is what is left (``"5"``, ``"1,200"``, ``"7"``); nothing found gives
        ``Decorations(s, False, False, None, 1.0)``.
    """
    negative = False
    percent = False
    currency: str | None = None
    multiplier = 1.0

    if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
        negative = True
        s = s[1:-1].strip()

    signed = False
    for _ in range(4):  # decorations can nest: "-€ 5k", "€-5", "5 k€", "(€1,200)"
        before = s
        if s[:1] in "+-" and len(s) > 1 and not signed:
            signed = True
            if s[0] == "-":
                negative = not negative
            s = s[1:].strip()
        if s.endswith("%"):
            percent = True
            s = s[:-1].strip()
        elif s.startswith("%"):
            percent = True
            s = s[1:].strip()
        m = _CURRENCY_RE.match(s)
        if m and len(m.group(0)) < len(s):
            currency = currency or _CURRENCY_CODES.get(m.group(0).lower())
            s = s[m.end():].strip()
        m = _CURRENCY_END_RE.search(s)
        if m and m.start() > 0:
            currency = currency or _CURRENCY_CODES.get(m.group(0).lower())
            s = s[: m.start()].strip()
        m = _MULTIPLIER_RE.match(s)
        if m and multiplier == 1.0:
            multiplier = _MULTIPLIERS[m.group("suffix").lower().rstrip(".")]
            s = m.group("num").strip()
        if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
            negative = not negative
            s = s[1:-1].strip()
        if s == before:
            break
    return Decorations(s, negative, percent, currency, multiplier)


def _int_part_digits(int_part: str) -> str:
    return re.sub(r"[ ',.]", "", int_part)


def _groups_ok(int_part: str, thousand_chars: str) -> bool:
    """Check that thousands separators split the integer part into 1-3 + 3 + 3 ... digits."""
    groups = re.split("[" + re.escape(thousand_chars) + "]", int_part)
    if len(groups) == 1:
        return groups[0].isdigit() or groups[0] == ""
    if not (1 <= len(groups[0]) <= 3 and groups[0].isdigit()):
        return False
    return all(len(g) == 3 and g.isdigit() for g in groups[1:])


@dataclass(frozen=True)
class DigitReading:
    """The digits of a cell as Python-float-ready text, and what they say about the
    convention."""

    number: str              # Python-float-ready text
    vote: str | None         # "en"/"de" when the cell itself decides the convention
    ambiguous: bool          # reading depends on the convention


def read_digits(core: str, convention: str, original: str) -> DigitReading:
    """Turn digits and separators into a float-ready string.

    Parameters
    ----------
    core : str
        Text holding only digits, ``.``, ``,``, ``'`` and spaces.
    convention : str
        ``"en"`` or ``"de"``, used only for ambiguous cells.
    original : str
        The user's text, for error messages.

    Returns
    -------
    DigitReading
        ``vote`` is set when the separators decide the convention by themselves;
        ``ambiguous`` when the reading of ``1,234`` / ``1.234`` followed ``convention``.

    Raises
    ------
    NumberError
        When the separators do not form a number (``1,23,4``, ``1 , 5``).
    """
    if not _CORE_RE.fullmatch(core) or not any(c.isdigit() for c in core):
        raise not_a_number(original)
    # spaces may only sit between digits (thousands), e.g. "1 234", not "1 , 5"
    if re.search(r"(?<!\d) | (?!\d)", core):
        raise not_a_number(original)
    n_dot, n_comma = core.count("."), core.count(",")
    spaced = " " in core or "'" in core

    if n_dot and n_comma:
        dec = "." if core.rfind(".") > core.rfind(",") else ","
        thou = "," if dec == "." else "."
        if core.count(dec) > 1:
            raise not_a_number(original)
        int_part, frac = core.split(dec)
        if thou in frac or not frac.isdigit() and frac != "":
            raise not_a_number(original)
        if not _groups_ok(int_part, thou + " '"):
            raise not_a_number(original)
        return DigitReading(_int_part_digits(int_part) + "." + frac,
                        "en" if dec == "." else "de", False)

    if n_dot or n_comma:
        sep = "." if n_dot else ","
        count = n_dot or n_comma
        if count > 1:  # several: thousands separators
            if not _groups_ok(core, sep + " '"):
                raise not_a_number(original)
            return DigitReading(_int_part_digits(core), "de" if sep == "." else "en", False)
        int_part, frac = core.split(sep)
        if frac != "" and not frac.isdigit():
            raise not_a_number(original)
        if not _groups_ok(int_part, " '"):
            raise not_a_number(original)
        digits = _int_part_digits(int_part)
        decimal_vote = "en" if sep == "." else "de"
        as_decimal = DigitReading((digits or "0") + "." + (frac or "0"), decimal_vote, False)
        if spaced or len(frac) != 3 or digits in ("", "0") or len(digits) > 3 \
                or digits.startswith("0"):
            return as_decimal
        # "1,234" / "1.234": the convention decides
        sep_is_decimal = (sep == "." and convention == "en") or (sep == "," and convention == "de")
        if sep_is_decimal:
            return DigitReading(digits + "." + frac, None, True)
        return DigitReading(digits + frac, None, True)

    if not _groups_ok(core, " '"):
        raise not_a_number(original)
    return DigitReading(_int_part_digits(core), None, False)



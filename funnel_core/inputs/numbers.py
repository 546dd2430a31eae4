"""Reading numbers the way people type them in spreadsheets, in English or European style.

Two conventions are supported:

``"en"``
    ``.`` is the decimal point, ``,`` groups thousands: ``1,234.5``.
``"de"``
    ``,`` is the decimal comma, ``.`` groups thousands: ``1.234,5``. French and Polish
    numbers (``1 234,5``) read the same way.

In both conventions a space (regular, no-break U+00A0, narrow no-break U+202F, thin)
or an apostrophe (``1'234.5``, Swiss style) groups thousands, and a cell that holds both
``.`` and ``,`` decides by itself: the separator that comes last is the decimal one. The
convention only matters for the truly ambiguous cells with a single separator followed by
exactly three digits, such as ``1,234`` or ``1.234``.

``"auto"`` (or ``None``) decides from the text: :func:`analyse_convention` looks at all the
cells of a file; when nothing in them decides, English is used and a warning says so.

The module also strips currency symbols and codes (``$ € £ zł CHF USD EUR GBP PLN``),
reads ``7 %`` as ``0.07``, ``(1,200)`` as ``-1200``, ``1.5k`` as ``1500`` and ``2M`` as
``2000000``, and treats empty cells, ``-`` and ``n/a`` as missing (``nan``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from funnel_core.domain.constants import FIELDS_BY_NAME

__all__ = [
    "CONVENTIONS",
    "DEFAULT_CONVENTION",
    "ConventionGuess",
    "NumberError",
    "ParsedNumber",
    "analyse_convention",
    "cell_vote",
    "detect_convention",
    "format_number_cell",
    "is_missing",
    "normalise_convention",
    "parse_number",
    "parse_number_detail",
]

Convention = Literal["en", "de"]

#: Conventions a caller can ask for ("auto" is accepted too and means "decide").
CONVENTIONS: tuple[str, ...] = ("en", "de")
#: Used when nothing in the input decides.
DEFAULT_CONVENTION: Convention = "en"

#: Human description of each convention, used in warnings and pickers.
CONVENTION_LABELS: dict[str, str] = {
    "en": "English (1,234.5)",
    "de": "European (1.234,5 / 1 234,5)",
}

_CONVENTION_ALIASES: dict[str, str] = {
    "en": "en", "us": "en", "uk": "en", "english": "en", "en_us": "en", "en-us": "en",
    "en_gb": "en", "en-gb": "en", "dot": "en", "point": "en",
    "de": "de", "german": "de", "fr": "de", "french": "de", "pl": "de", "polish": "de",
    "eu": "de", "european": "de", "de_de": "de", "de-de": "de", "comma": "de",
    "auto": "auto", "": "auto",
}

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
_SCIENTIFIC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+")
_CORE_RE = re.compile(r"[\d.,' ]+")


class NumberError(ValueError):
    """A cell could not be read as a number; the message quotes the text."""


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from a cell, with what was noticed on the way.

    Attributes
    ----------
    value : float
        The number (``nan`` when the cell was empty or a placeholder such as ``-``).
    percent : bool
        The text carried a ``%`` sign (the value was divided by 100).
    currency : str or None
        ISO code of a currency symbol or code found in the text (``"EUR"`` for ``€``).
    convention : str or None
        ``"en"`` or ``"de"`` when a separator was read with that convention, else None.
    ambiguous : bool
        The reading depended on the convention (``1,234`` / ``1.234``).
    warnings : tuple of str
        Things the caller should tell the user (ambiguous reading, bare gross margin ...).
    """

    value: float
    percent: bool = False
    currency: str | None = None
    convention: str | None = None
    ambiguous: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def missing(self) -> bool:
        """True when the cell held no value."""
        return math.isnan(self.value)


@dataclass
class ConventionGuess:
    """What the cells of one file say about their number convention.

    Attributes
    ----------
    convention : str
        ``"en"`` or ``"de"``: the majority of the deciding cells, else the default.
    decided : bool
        At least one cell decided (it had both separators, or a decimal part that is not
        exactly three digits, or several thousands separators).
    en_votes, de_votes : int
        Number of deciding cells for each convention.
    ambiguous : list of str
        Cells whose reading depends on the convention (``1,234``, ``1.234``).
    examples : dict
        One deciding cell per convention, for messages.
    """

    convention: str = DEFAULT_CONVENTION
    decided: bool = False
    en_votes: int = 0
    de_votes: int = 0
    ambiguous: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)

    @property
    def conflicting(self) -> bool:
        """True when some cells look English and others European."""
        return self.en_votes > 0 and self.de_votes > 0


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def normalise_convention(convention: str | None) -> str:
    """Return ``"en"``, ``"de"`` or ``"auto"`` for a convention name.

    Parameters
    ----------
    convention : str or None
        ``"en"``, ``"de"``, ``"auto"``, ``None`` (= auto) or a loose synonym such as
        ``"fr"``, ``"pl"``, ``"us"``, ``"european"``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown name.
    """
    if convention is None:
        return "auto"
    key = str(convention).strip().lower()
    try:
        return _CONVENTION_ALIASES[key]
    except KeyError:
        raise ValueError(
            f"Unknown number convention {convention!r}: use 'en' (1,234.5), "
            "'de' (1.234,5) or 'auto'."
        ) from None


def _clean(text: str) -> str:
    """Unify space, apostrophe and minus look-alikes and strip the ends."""
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
    return _clean(str(text)).lower() in MISSING_TOKENS


def format_number_cell(value: float | int) -> str:
    """Format a numeric spreadsheet cell so :func:`parse_number` reads it back exactly.

    Integers are written without a decimal part (``1234``); other floats use ``repr``
    (``0.8``, ``1234.5``), with a trailing zero added where ``repr`` would look like a
    thousands group (``1.234`` -> ``"1.2340"``), so the text reads back as the same number
    in both conventions.

    Parameters
    ----------
    value : float or int

    Returns
    -------
    str
    """
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value == int(value) and abs(value) < 1e16:
        return str(int(value))
    text = repr(float(value))
    if re.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}", text):
        text += "0"  # "1.234" would be ambiguous; "1.2340" is read as 1.234 in both conventions
    return text


def _strip_decorations(s: str) -> tuple[str, bool, bool, str | None, float]:
    """Remove sign, brackets, percent, currency and multiplier around a number.

    Returns
    -------
    core, negative, percent, currency, multiplier
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
    return s, negative, percent, currency, multiplier


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
class _Reading:
    number: str              # Python-float-ready text
    vote: str | None         # "en"/"de" when the cell itself decides the convention
    ambiguous: bool          # reading depends on the convention


def _read_core(core: str, convention: str, original: str) -> _Reading:
    """Turn digits and separators into a float-ready string.

    Parameters
    ----------
    core : str
        Text holding only digits, ``.``, ``,``, ``'`` and spaces.
    convention : str
        ``"en"`` or ``"de"``, used only for ambiguous cells.
    original : str
        The user's text, for error messages.
    """
    bad = NumberError(f"'{original}' is not a number")
    if not _CORE_RE.fullmatch(core) or not any(c.isdigit() for c in core):
        raise bad
    # spaces may only sit between digits (thousands), e.g. "1 234", not "1 , 5"
    if re.search(r"(?<!\d) | (?!\d)", core):
        raise bad
    n_dot, n_comma = core.count("."), core.count(",")
    spaced = " " in core or "'" in core

    if n_dot and n_comma:
        dec = "." if core.rfind(".") > core.rfind(",") else ","
        thou = "," if dec == "." else "."
        if core.count(dec) > 1:
            raise bad
        int_part, frac = core.split(dec)
        if thou in frac or not frac.isdigit() and frac != "":
            raise bad
        if not _groups_ok(int_part, thou + " '"):
            raise bad
        return _Reading(_int_part_digits(int_part) + "." + frac,
                        "en" if dec == "." else "de", False)

    if n_dot or n_comma:
        sep = "." if n_dot else ","
        count = n_dot or n_comma
        if count > 1:  # several: thousands separators
            if not _groups_ok(core, sep + " '"):
                raise bad
            return _Reading(_int_part_digits(core), "de" if sep == "." else "en", False)
        int_part, frac = core.split(sep)
        if frac != "" and not frac.isdigit():
            raise bad
        if not _groups_ok(int_part, " '"):
            raise bad
        digits = _int_part_digits(int_part)
        decimal_vote = "en" if sep == "." else "de"
        as_decimal = _Reading((digits or "0") + "." + (frac or "0"), decimal_vote, False)
        if spaced or len(frac) != 3 or digits in ("", "0") or len(digits) > 3 \
                or digits.startswith("0"):
            return as_decimal
        # "1,234" / "1.234": the convention decides
        sep_is_decimal = (sep == "." and convention == "en") or (sep == "," and convention == "de")
        if sep_is_decimal:
            return _Reading(digits + "." + frac, None, True)
        return _Reading(digits + frac, None, True)

    if not _groups_ok(core, " '"):
        raise bad
    return _Reading(_int_part_digits(core), None, False)


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------


def parse_number_detail(
    text: object,
    convention: str | None = None,
    *,
    field: str | None = None,
) -> ParsedNumber:
    """Read one cell as a number and report what was noticed.

    Parameters
    ----------
    text : str, int or float
        The cell. Numbers (not bools) are taken as they are.
    convention : {"en", "de", "auto"} or None
        How to read the ambiguous ``1,234`` / ``1.234``. ``None`` or ``"auto"`` decides
        from this text alone and falls back to English with a warning.
    field : str, optional
        Canonical field name. For a field of kind ``fraction`` (gross margin) a bare value
        above 1 is read as a percentage (``80`` -> ``0.8``) with a warning, and values
        outside 0..100 % are rejected.

    Returns
    -------
    ParsedNumber
        ``value`` is ``nan`` for an empty cell or a placeholder (``-``, ``n/a``).

    Raises
    ------
    NumberError
        When the text is not a number; the message quotes it.
    ValueError
        For an unknown convention name.
    """
    conv = normalise_convention(convention)
    warnings: list[str] = []

    if isinstance(text, bool):
        raise NumberError(f"'{text}' is not a number")
    if text is None:
        return ParsedNumber(math.nan)
    if isinstance(text, (int, float)):
        value = float(text)
        if math.isnan(value):
            return ParsedNumber(math.nan)
        if not math.isfinite(value):
            raise NumberError(f"'{text}' is not a finite number")
        return _finish(value, False, None, None, False, warnings, field, format_number_cell(text))

    original = str(text).strip()
    s = _clean(str(text))
    if s.lower() in MISSING_TOKENS:
        return ParsedNumber(math.nan)
    if s.startswith("#"):
        raise NumberError(
            f"'{original}' is a spreadsheet error, not a number; fix the formula or "
            "leave the cell empty"
        )

    core, negative, percent, currency, multiplier = _strip_decorations(s)
    if _SCIENTIFIC_RE.fullmatch(core):
        number_text, vote, ambiguous = core, None, False
    else:
        effective = DEFAULT_CONVENTION if conv == "auto" else conv
        reading = _read_core(core, effective, original)
        number_text, vote, ambiguous = reading.number, reading.vote, reading.ambiguous
        if ambiguous and conv == "auto":
            warnings.append(_ambiguity_warning(original, effective, float(number_text)))
    try:
        value = float(number_text)
    except ValueError:  # pragma: no cover - _read_core only returns float-ready text
        raise NumberError(f"'{original}' is not a number") from None
    value *= multiplier
    if percent:
        value /= 100.0
    if negative:
        value = -value
    if not math.isfinite(value):
        raise NumberError(f"'{original}' is too large to be a number")
    used = vote or (None if not ambiguous else (DEFAULT_CONVENTION if conv == "auto" else conv))
    return _finish(value, percent, currency, used, ambiguous, warnings, field, original)


def _finish(
    value: float,
    percent: bool,
    currency: str | None,
    convention: str | None,
    ambiguous: bool,
    warnings: list[str],
    field: str | None,
    original: str,
) -> ParsedNumber:
    spec = FIELDS_BY_NAME.get(field) if field else None
    if spec is not None and spec.kind == "fraction":
        if not percent and value > 1:
            pct_text = format_number_cell(value)
            value = value / 100.0
            warnings.append(
                f"'{original}' for {spec.label} was read as {pct_text} % "
                f"({format_number_cell(round(value, 10))}); write it as "
                f"{format_number_cell(round(value, 10))} or {pct_text} % to avoid this warning"
            )
        if value > 1:
            raise NumberError(
                f"'{original}' is not a valid {spec.label.lower()}: it must be between "
                "0 % and 100 % (a fraction between 0 and 1)"
            )
    return ParsedNumber(value, percent, currency, convention, ambiguous, tuple(warnings))


def _ambiguity_warning(original: str, convention: str, value: float) -> str:
    other = "de" if convention == "en" else "en"
    return (
        f"'{original}' could be read either way; it was read as "
        f"{format_number_cell(value)} ({CONVENTION_LABELS[convention]} number format). "
        f"If that is wrong, choose the number format '{other}' "
        f"({CONVENTION_LABELS[other]}) instead."
    )


def parse_number(
    text: object,
    convention: str | None = None,
    *,
    field: str | None = None,
    warnings: list[str] | None = None,
) -> float:
    """Read one cell as a number.

    Parameters
    ----------
    text : str, int or float
        ``"1,234.5"``, ``"1.234,5"``, ``"1 234,5"``, ``"7 %"``, ``"€5,000"``,
        ``"5 000 zł"``, ``"CHF 1'200"``, ``"(1,200)"``, ``"1.5k"``, ``"2M"`` ...
    convention : {"en", "de", "auto"} or None
        How to read the ambiguous ``1,234`` / ``1.234`` (see the module docstring).
    field : str, optional
        Canonical field name; enables the gross-margin rule (``80`` -> ``0.8``).
    warnings : list of str, optional
        Warnings are appended here (ambiguous reading, bare percentage ...).

    Returns
    -------
    float
        The value; ``nan`` for an empty cell, ``-`` or ``n/a``. A percent sign divides
        by 100; brackets make the value negative.

    Raises
    ------
    NumberError
        When the text is not a number; the message quotes the text.

    Examples
    --------
    >>> parse_number("1.234,5")
    1234.5
    >>> parse_number("7 %")
    0.07
    >>> parse_number("1,234", "de")
    1.234
    """
    result = parse_number_detail(text, convention, field=field)
    if warnings is not None:
        warnings.extend(result.warnings)
    return result.value


def cell_vote(text: object) -> tuple[str | None, bool]:
    """Say what one cell tells about the number convention.

    Parameters
    ----------
    text : object
        Cell content.

    Returns
    -------
    (vote, ambiguous) : tuple
        ``vote`` is ``"en"`` or ``"de"`` when the cell decides, else None; ``ambiguous``
        is True when its reading depends on the convention. Unreadable cells give
        ``(None, False)``.
    """
    if not isinstance(text, str):
        return None, False
    s = _clean(text)
    if s.lower() in MISSING_TOKENS or s.startswith("#"):
        return None, False
    core, *_ = _strip_decorations(s)
    if _SCIENTIFIC_RE.fullmatch(core):
        return None, False
    try:
        reading = _read_core(core, DEFAULT_CONVENTION, text)
    except NumberError:
        return None, False
    return reading.vote, reading.ambiguous


def analyse_convention(samples: Iterable[object], default: str = DEFAULT_CONVENTION) -> ConventionGuess:
    """Decide the number convention of a file from its cells.

    Parameters
    ----------
    samples : iterable
        The cell texts that will be read as numbers (other cells are harmless: they do
        not vote).
    default : str
        Used when no cell decides (``"en"``).

    Returns
    -------
    ConventionGuess
    """
    guess = ConventionGuess(convention=default)
    for sample in samples:
        vote, ambiguous = cell_vote(sample)
        if vote == "en":
            guess.en_votes += 1
            guess.examples.setdefault("en", str(sample).strip())
        elif vote == "de":
            guess.de_votes += 1
            guess.examples.setdefault("de", str(sample).strip())
        if ambiguous:
            guess.ambiguous.append(str(sample).strip())
    if guess.en_votes or guess.de_votes:
        guess.decided = True
        if guess.de_votes > guess.en_votes:
            guess.convention = "de"
        elif guess.en_votes > guess.de_votes:
            guess.convention = "en"
    return guess


def detect_convention(samples: Iterable[object]) -> str:
    """Return ``"en"`` or ``"de"`` for a file's cells (``"en"`` when nothing decides).

    A cell decides when it holds both separators (the last one is the decimal one),
    several of the same separator (thousands), or one separator not followed by exactly
    three digits (decimal). The majority of deciding cells wins.

    Parameters
    ----------
    samples : iterable of str

    Returns
    -------
    str

    Examples
    --------
    >>> detect_convention(["1.234", "0,8"])
    'de'
    >>> detect_convention(["1,234"])
    'en'
    """
    return analyse_convention(samples).convention

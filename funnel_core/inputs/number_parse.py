"""Reading one spreadsheet cell as a number, the way people type numbers.

``"1,234.5"`` (English), ``"1.234,5"`` and ``"1 234,5"`` (European: German, French,
Polish) are all read; a cell with both ``.`` and ``,`` decides by itself. Only a cell
with a single separator followed by exactly three digits (``1,234`` / ``1.234``) needs the
convention (:mod:`funnel_core.inputs.number_conventions`); with ``"auto"`` it is read the
English way and a warning says so (the file-level choice is
:mod:`funnel_core.inputs.number_format_detect`).

Currency symbols and codes (``$ € £ zł CHF USD EUR GBP PLN``) are stripped, ``7 %`` is
``0.07``, ``(1,200)`` is ``-1200``, ``1.5k`` is ``1500`` and ``2M`` is ``2000000``; empty
cells, ``-`` and ``n/a`` are missing (``nan``). :func:`format_number_cell` writes a number
so that it reads back exactly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from funnel_core.domain.constants import FIELDS_BY_NAME
from funnel_core.domain.i18n import tr
from funnel_core.inputs.headers import label_in_sentence
from funnel_core.inputs.number_conventions import (
    CONVENTION_LABELS,
    DEFAULT_CONVENTION,
    normalise_convention,
)
from funnel_core.inputs.number_text import (
    MISSING_TOKENS,
    PLAIN_DIGITS_RE,
    SCIENTIFIC_RE,
    NumberError,
    clean_cell,
    not_a_number,
    read_digits,
    strip_decorations,
)

__all__ = [
    "ParsedNumber",
    "format_number_cell",
    "parse_number",
    "parse_number_detail",
]


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
        raise not_a_number(text)
    if text is None:
        return ParsedNumber(math.nan)
    if isinstance(text, (int, float)):
        value = float(text)
        if math.isnan(value):
            return ParsedNumber(math.nan)
        if not math.isfinite(value):
            raise NumberError(tr("'{text}' is not a finite number", text=text))
        return _finish(value, False, None, None, False, warnings, field, format_number_cell(text))

    original = str(text).strip()
    if PLAIN_DIGITS_RE.fullmatch(original):  # fast path: "12345" reads the same everywhere
        return _finish(float(original), False, None, None, False, warnings, field, original)
    s = clean_cell(str(text))
    if s.lower() in MISSING_TOKENS:
        return ParsedNumber(math.nan)
    if s.startswith("#"):
        raise NumberError(tr(
            "'{text}' is a spreadsheet error, not a number; fix the formula or "
            "leave the cell empty", text=original
        ))

    core, negative, percent, currency, multiplier = strip_decorations(s)
    if SCIENTIFIC_RE.fullmatch(core):
        number_text, vote, ambiguous = core, None, False
    else:
        effective = DEFAULT_CONVENTION if conv == "auto" else conv
        reading = read_digits(core, effective, original)
        number_text, vote, ambiguous = reading.number, reading.vote, reading.ambiguous
        if ambiguous and conv == "auto":
            warnings.append(_ambiguity_warning(original, effective, float(number_text)))
    try:
        value = float(number_text)
    except ValueError:  # pragma: no cover - read_digits only returns float-ready text
        raise not_a_number(original) from None
    value *= multiplier
    if percent:
        value /= 100.0
    if negative:
        value = -value
    if not math.isfinite(value):
        raise NumberError(tr("'{text}' is too large to be a number", text=original))
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
    """Apply the field's rules to a value read from ``original`` and build the result.

    For a field of kind ``fraction`` (gross margin) a bare value above 1 is a percentage
    (``80`` -> ``0.8``, with a warning); a value still above 1 raises :class:`NumberError`.
    A count strictly between 0 and 1 (``1e-320``, ``0.5``) and ``-0`` for a field that
    cannot be negative raise :class:`NumberError` too.
    """
    spec = FIELDS_BY_NAME.get(field) if field else None
    if spec is not None and spec.kind == "fraction":
        if not percent and value > 1:
            pct_text = format_number_cell(value)
            value = value / 100.0
            warnings.append(tr(
                "'{text}' for {field} was read as {percent} % "
                "({fraction}); write it as "
                "{fraction} or {percent} % to avoid this warning",
                text=original, field=spec.label, percent=pct_text,
                fraction=format_number_cell(round(value, 10)),
            ))
        if value > 1:
            raise NumberError(tr(
                "'{text}' is not a valid {field}: it must be between "
                "0 % and 100 % (a fraction between 0 and 1)",
                text=original, field=label_in_sentence(spec.label),
            ))
    if spec is not None and spec.kind == "count" and 0 < abs(value) < 1:
        raise NumberError(tr(
            "'{text}' is not a whole number of {field}: a count is 0, 1, 2 and so on",
            text=original, field=spec.label,
        ))
    if spec is not None and not spec.signed and value == 0 and math.copysign(1.0, value) < 0:
        raise NumberError(tr("'{text}' is negative; {field} cannot be below zero (write 0)",
                             text=original, field=spec.label))
    return ParsedNumber(value, percent, currency, convention, ambiguous, tuple(warnings))


def _ambiguity_warning(original: str, convention: str, value: float) -> str:
    """The warning for a ``1,234`` / ``1.234`` cell read with ``convention``."""
    other = "de" if convention == "en" else "en"
    return tr(
        "'{text}' could be read either way; it was read as "
        "{value} ({convention} number format). "
        "If that is wrong, choose the number format '{other}' "
        "({other_label}) instead.",
        text=original, value=format_number_cell(value), convention=tr(CONVENTION_LABELS[convention]),
        other=other, other_label=tr(CONVENTION_LABELS[other]),
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


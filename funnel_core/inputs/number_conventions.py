"""Number conventions: which separator is the decimal one, and what a caller may ask for.

Two conventions are supported:

``"en"``
    ``.`` is the decimal point, ``,`` groups thousands: ``1,234.5``.
``"de"``
    ``,`` is the decimal comma, ``.`` groups thousands: ``1.234,5``. French and Polish
    numbers (``1 234,5``) read the same way.

The convention only matters for the truly ambiguous cells with a single separator followed
by exactly three digits, such as ``1,234`` or ``1.234``. ``"auto"`` (or ``None``) means
"decide from the text" (:mod:`funnel_core.inputs.number_format_detect` looks at all the
cells of a file); when nothing decides, :data:`DEFAULT_CONVENTION` is used.
"""

from __future__ import annotations

from typing import Literal

from funnel_core.domain.i18n import mark, tr

__all__ = [
    "CONVENTIONS",
    "CONVENTION_LABELS",
    "DEFAULT_CONVENTION",
    "ENGLISH_CURRENCIES",
    "Convention",
    "convention_for_currency",
    "normalise_convention",
]

Convention = Literal["en", "de"]

#: Conventions a caller can ask for ("auto" is accepted too and means "decide").
CONVENTIONS: tuple[str, ...] = ("en", "de")
#: Used when nothing in the input decides.
DEFAULT_CONVENTION: Convention = "en"

#: Human description of each convention, used in warnings and pickers (in English: show
#: them with ``tr(CONVENTION_LABELS[key])``).
CONVENTION_LABELS: dict[str, str] = {
    "en": mark("English (1,234.5)"),
    "de": mark("European (1.234,5 / 1 234,5)"),
}

#: Currencies whose amounts are written the English way (``$42,000``, ``£1,250.50``): with
#: one of them, an undecided ``42,000`` is forty-two thousand.
ENGLISH_CURRENCIES: frozenset[str] = frozenset({"USD", "GBP"})

_CONVENTION_ALIASES: dict[str, str] = {
    "en": "en", "us": "en", "uk": "en", "english": "en", "en_us": "en", "en-us": "en",
    "en_gb": "en", "en-gb": "en", "dot": "en", "point": "en",
    "de": "de", "german": "de", "fr": "de", "french": "de", "pl": "de", "polish": "de",
    "eu": "de", "european": "de", "de_de": "de", "de-de": "de", "comma": "de",
    "auto": "auto", "": "auto",
}


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
        raise ValueError(tr(
            "Unknown number convention {convention}: use 'en' (1,234.5), "
            "'de' (1.234,5) or 'auto'.", convention=repr(convention)
        )) from None


def convention_for_currency(currency: str | None) -> str | None:
    """The convention a currency implies: ``"en"`` for USD and GBP, else ``None``.

    Euro, złoty and Swiss franc amounts are written both ways (Ireland and the Netherlands
    write 1,234.5 in euros), so they decide nothing.
    """
    if not currency:
        return None
    return "en" if str(currency).strip().upper() in ENGLISH_CURRENCIES else None

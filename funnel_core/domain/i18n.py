"""The language of what the product says: message catalogues, the current language, plurals.

English is the source language: every user-facing string is written in English in the code,
wrapped in :func:`tr` (translate now), :func:`tr_n` (a count with plural forms) or :func:`mark`
(a constant translated later, where it is shown, with ``tr(value)``). The translations live in
gettext ``.po`` files, ``assets/locales/<language>/<area>.po`` (one file per area of the product,
merged when loaded), read with Babel. A message a catalogue lacks is shown in English.

The language is per session, not per process: :func:`set_language` sets it for the current
thread of execution (a :class:`contextvars.ContextVar`), and :func:`use_language` for a block.
Work sent to another thread carries it with :func:`contextvars.copy_context`.

Placeholders are ``str.format`` names (``{value}``); a translation must use the same names as
its English message, or it is ignored when loaded (and ``tests/domain/test_i18n.py`` fails).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, TypeVar

T = TypeVar("T")


__all__ = [
    "BABEL_LOCALES",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "Catalogue",
    "babel_locale",
    "catalogue",
    "current_language",
    "keep_language",
    "language_from_header",
    "mark",
    "normalise_language",
    "placeholders",
    "set_language",
    "tr",
    "tr_n",
    "use_language",
]

#: The languages the product speaks, by code, with their own names (for the selector).
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "fr": "Français", "pl": "Polski"}
DEFAULT_LANGUAGE = "en"
#: The Babel locale whose number, currency and date formats each language uses.
BABEL_LOCALES: dict[str, str] = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "pl": "pl_PL"}
#: ``assets/locales`` (spelled here, not taken from ``constants``, which imports this module).
LOCALES_DIR: Path = Path(__file__).resolve().parents[2] / "assets" / "locales"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("funnel_language", default=DEFAULT_LANGUAGE)
_FORMATTER = string.Formatter()


def normalise_language(code: str | None) -> str:
    """A supported language code from ``code`` (``"de-AT"``, ``"PL"``, ``"fr_FR"``), else English."""
    if not code:
        return DEFAULT_LANGUAGE
    base = str(code).strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def language_from_header(accept_language: str | None) -> str:
    """The first supported language of an HTTP ``Accept-Language`` value (or a locale like
    ``"de-DE"``), by its quality weights; English when none is supported or the value is empty."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    choices: list[tuple[float, int, str]] = []
    for order, part in enumerate(str(accept_language).split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        base = tag.strip().replace("_", "-").split("-")[0].lower()
        if base in LANGUAGES and weight > 0:
            choices.append((-weight, order, base))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the current session or command (``"en"`` unless set)."""
    return _language.get()


def set_language(code: str | None) -> str:
    """Set the language for the current context (a Streamlit script run, a command); returns it."""
    language = normalise_language(code)
    _language.set(language)
    return language


@contextlib.contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """Speak ``code`` inside the ``with`` block, then go back to the language before."""
    token = _language.set(normalise_language(code))
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def babel_locale(language: str | None = None) -> str:
    """The Babel locale name of ``language`` (default: the current one)."""
    return BABEL_LOCALES[normalise_language(language or current_language())]


def placeholders(message: str) -> frozenset[str]:
    """The ``str.format`` field names of ``message`` (``"{n} of {total}"`` -> ``{"n", "total"}``)."""
    names = set()
    try:
        for _, field, _, _ in _FORMATTER.parse(message):
            if field is not None:
                names.add(field.split(".")[0].split("[")[0])
    except ValueError:
        return frozenset({"<malformed>"})
    return frozenset(names)


@dataclass(frozen=True)
class Catalogue:
    """The translations of one language: singular messages and plural forms, by English text."""

    language: str
    messages: Mapping[str, str]
    plurals: Mapping[tuple[str, str], tuple[str, ...]]
    plural_rule: object  # babel.plural.PluralRule
    rejected: tuple[str, ...] = ()  # English messages whose translation had other placeholders

    def plural_index(self, n: float) -> int:
        """Which plural form ``n`` takes in this language (0 = "one" in EN/DE/FR/PL)."""
        tag = self.plural_rule(abs(n))  # type: ignore[operator]
        order = [t for t in ("one", "few", "many", "other") if t in self.plural_rule.tags or t == "other"]  # type: ignore[attr-defined]
        return order.index(tag) if tag in order else len(order) - 1


def _po_files(language: str) -> list[Path]:
    folder = LOCALES_DIR / language
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


@functools.lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> Catalogue:
    """Every ``.po`` file of ``language`` merged, validated: a translation whose placeholders
    differ from its English message is left out (listed in ``rejected``), so the English shows."""
    from babel import Locale
    from babel.messages.pofile import read_po

    language = normalise_language(language)
    rule = Locale.parse(BABEL_LOCALES[language]).plural_form
    messages: dict[str, str] = {}
    plurals: dict[tuple[str, str], tuple[str, ...]] = {}
    rejected: list[str] = []
    if language == DEFAULT_LANGUAGE:
        return Catalogue(language, messages, plurals, rule)
    for path in _po_files(language):
        with path.open("rb") as handle:
            po = read_po(handle, locale=BABEL_LOCALES[language])
        for message in po:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple):
                forms = tuple(s for s in message.string if s) if isinstance(message.string, tuple) else ()
                wanted = placeholders(message.id[1]) | placeholders(message.id[0])
                if forms and all(placeholders(f) <= wanted for f in forms):
                    plurals[(message.id[0], message.id[1])] = forms
                elif forms:
                    rejected.append(message.id[0])
                continue
            if not message.string:
                continue
            if placeholders(message.string) != placeholders(message.id):
                rejected.append(message.id)
                continue
            messages[message.id] = message.string
    return Catalogue(language, messages, plurals, rule, tuple(rejected))


def _format(text: str, values: Mapping[str, object]) -> str:
    return text.format(**values) if values else text


def tr(message: str, /, **values: object) -> str:
    """``message`` in the current language, with ``values`` put into its placeholders.

    A message without a translation (or any text that is not a message, such as a name from
    the user's file) comes back as it is. ``tr(message)`` with no values never formats, so
    braces in a user's text are safe.
    """
    language = current_language()
    text = message if language == DEFAULT_LANGUAGE else catalogue(language).messages.get(message, message)
    return _format(text, values)


def tr_n(singular: str, plural: str, n: float, /, **values: object) -> str:
    """The form of ``singular``/``plural`` that ``n`` takes in the current language
    (Polish has three: 1 plik, 2 pliki, 5 plików), with ``n`` and ``values`` put in."""
    values = {"n": n, **values}
    language = current_language()
    if language != DEFAULT_LANGUAGE:
        book = catalogue(language)
        forms = book.plurals.get((singular, plural))
        if forms:
            index = min(book.plural_index(n), len(forms) - 1)
            return _format(forms[index], values)
    return _format(singular if n == 1 else plural, values)


def keep_language(func: Callable[[], T]) -> Callable[[], T]:
    """``func`` bound to the current language: called later, on any thread (a download made
    when clicked, a job in a pool), it runs in the language of the moment it was bound."""
    language = current_language()

    def run() -> T:
        with use_language(language):
            return func()

    return run


def mark(message: str) -> str:
    """Mark ``message`` for translation where it is shown (``tr(value)`` later); returns it."""
    return message

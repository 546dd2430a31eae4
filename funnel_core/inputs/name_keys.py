"""Comparison keys of names as users write them: case, space, punctuation and accents ignored.

``"Website-Besucher"``, ``"website besucher"`` and ``"WEBSITE_BESUCHER"`` share the key
``"websitebesucher"``; ``"Odwiedzający"`` becomes ``"odwiedzajacy"`` (:func:`normalise_text`).
A header that is not recognised as a whole is tried again without text in brackets and
without filler words such as "Number of" or "total" (:func:`name_variants`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "build_key_index",
    "name_tokens",
    "name_variants",
    "normalise_text",
]

_TRANSLITERATE = str.maketrans({
    "ł": "l", "Ł": "l", "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
    "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ı": "i",
})

#: Words dropped at the start of a header when the whole header is not recognised
#: ("Number of new customers", "Anzahl Neukunden", "Total leads").
_LEADING_FILLERS: tuple[tuple[str, ...], ...] = (
    ("number", "of"), ("no", "of"), ("nb", "of"), ("count", "of"), ("total",),
    ("sum", "of"), ("num", "of"), ("anzahl", "der"), ("anzahl",), ("gesamt",),
    ("nombre", "de"), ("nombre", "d"), ("nombre",), ("liczba",), ("ilosc",), ("suma",),
    ("number",), ("no",), ("nr",), ("monthly",), ("current",),
)
#: Words dropped at the end ("Leads total", "S&M spend EUR", "Gross margin pct").
_TRAILING_FILLERS: frozenset[str] = frozenset({
    "total", "count", "number", "nb", "num", "no", "amount", "sum", "gesamt", "anzahl",
    "eur", "usd", "gbp", "pln", "chf", "zl", "pct", "percent", "percentage", "prozent",
    "pourcentage", "procent", "in", "en", "w", "value", "wert", "valeur", "wartosc",
    "k", "month", "monthly", "mtd", "current", "this", "period",
})


def normalise_text(text: object) -> str:
    """Return the comparison key of a name: lower case ASCII letters and digits only.

    Parameters
    ----------
    text : object
        ``"Website-Besucher"``, ``"Odwiedzający"``, ``"S&M spend"`` ...

    Returns
    -------
    str
        ``"websitebesucher"``, ``"odwiedzajacy"``, ``"smspend"``.
    """
    return "".join(name_tokens(text))


def name_tokens(text: object) -> list[str]:
    """The lower-case ASCII words of a name.

    ``"Nowi klienci (PLN)"`` -> ``["nowi", "klienci", "pln"]``; ``None`` -> ``[]``.
    """
    if text is None:
        return []
    s = str(text).translate(_TRANSLITERATE)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold().translate(_TRANSLITERATE)
    return re.findall(r"[a-z0-9]+", s)


def _strip_brackets(text: str) -> str:
    return re.sub(r"[\(\[\{][^\)\]\}]*[\)\]\}]", " ", text)


def name_variants(text: object) -> list[str]:
    """Comparison keys to try for a header, most literal first.

    The whole name, then the name without filler words at its ends ("Number of", "total",
    a currency code); the same again without text in brackets; duplicates dropped:
    ``"Number of new customers (EUR)"`` -> ``["numberofnewcustomerseur", "newcustomers",
    "numberofnewcustomers"]``.
    """
    raw = "" if text is None else str(text)
    # a header or period label is matched several times (field, context key, hint): the
    # keys of short texts are remembered
    return list(_cached_variants(raw) if len(raw) <= 256 else _variants(raw))


@functools.lru_cache(maxsize=8192)
def _cached_variants(raw: str) -> tuple[str, ...]:
    return _variants(raw)


def _variants(raw: str) -> tuple[str, ...]:
    out: list[str] = []
    for candidate in (raw, _strip_brackets(raw)):
        tokens = name_tokens(candidate)
        if not tokens:
            continue
        out.append("".join(tokens))
        trimmed = list(tokens)
        changed = True
        while changed and trimmed:
            changed = False
            for filler in _LEADING_FILLERS:
                n = len(filler)
                if len(trimmed) > n and tuple(trimmed[:n]) == filler:
                    trimmed = trimmed[n:]
                    changed = True
                    break
            if len(trimmed) > 1 and trimmed[-1] in _TRAILING_FILLERS:
                trimmed = trimmed[:-1]
                changed = True
        if trimmed:
            out.append("".join(trimmed))
    return tuple(dict.fromkeys(out))



def build_key_index(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Comparison key -> target for a ``{target: aliases}`` table; the first target listed
    for a key keeps it, aliases that normalise to nothing are left out."""
    index: dict[str, str] = {}
    for target, aliases in table.items():
        for alias in aliases:
            key = normalise_text(alias)
            if key:
                index.setdefault(key, target)
    return index



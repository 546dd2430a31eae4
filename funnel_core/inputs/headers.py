"""Recognising column headers and metric names the way users write them.

Matching is case-, space-, punctuation- and accent-insensitive (``"Neukunden"``,
``"new-customers"``, ``"NEW CUSTOMERS"`` and ``"nowi klienci"`` all work;
:mod:`funnel_core.inputs.name_keys`). The aliases of fields and context keys are data, in
``assets/header_aliases.csv`` (:mod:`funnel_core.inputs.header_alias_table`); context
values ("monthly", "€") are matched by :mod:`funnel_core.inputs.context_values`.

Public functions
----------------
match_header(text)            -> canonical field name or None
match_context_key(text)       -> context key (period, currency, ...) or None
name_language(text)           -> "en"/"de"/"fr"/"pl" for a recognised name, None if shared or unknown
period_header_hint(text)      -> "month"/"quarter"/"year" when a header names the period length
match_value_header(text)      -> True for the header of a long file's value column ("value", "Wert")
header_multiplier(text)       -> 1000 for "Spend (k€)", "MRR (in thousands)", 1e6 for "(m)", else 1
field_label(name)             -> the human label of a field or context key, for messages
label_in_sentence(label)      -> a label inside a sentence (lower case in English)
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from funnel_core.domain.constants import CONTEXT_FIELDS, FIELDS, FIELDS_BY_NAME
from funnel_core.domain.formatting import lower_keeping_acronyms
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr
from funnel_core.inputs.header_alias_table import CONTEXT_KEY_ALIASES, FIELD_ALIASES
from funnel_core.inputs.name_keys import build_key_index, name_variants, normalise_text

__all__ = [
    "PERIOD_HEADER_HINTS",
    "VALUE_HEADER_ALIASES",
    "field_label",
    "header_multiplier",
    "label_in_sentence",
    "match_context_key",
    "suggest_field",
    "match_header",
    "match_value_header",
    "name_language",
    "period_header_hint",
]

#: Header words that name the length of a period (used for a wide file's period column
#: and for a long file's "Month: March 2025" row).
PERIOD_HEADER_HINTS: dict[str, str] = {
    "month": "month", "monat": "month", "mois": "month", "miesiac": "month",
    "months": "month", "monate": "month",
    "quarter": "quarter", "quartal": "quarter", "trimestre": "quarter", "kwartal": "quarter",
    "quarters": "quarter", "qtr": "quarter",
    "year": "year", "jahr": "year", "annee": "year", "rok": "year", "fiscalyear": "year",
    "fy": "year", "years": "year",
}

#: Headers of a long file's value column.
VALUE_HEADER_ALIASES: tuple[str, ...] = (
    "value", "values", "amount", "number", "count", "figure", "total", "current",
    "current period", "this period", "actual", "actuals",
    "Wert", "Werte", "Betrag", "Anzahl", "Zahl", "Ist",
    "Valeur", "Montant", "Nombre", "Chiffre",
    "Wartość", "Wartosc", "Kwota", "Liczba",
)


def _flatten(table: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, tuple[str, ...]]:
    """``{target: {language: aliases}}`` -> ``{target: all its aliases}``, in order."""
    return {target: tuple(a for aliases in by_lang.values() for a in aliases)
            for target, by_lang in table.items()}


def _language_index(*tables: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, str]:
    """Comparison key -> language of its first listing (``"any"`` for shared words)."""
    index: dict[str, str] = {}
    for table in tables:
        for by_lang in table.values():
            for lang, aliases in by_lang.items():
                for alias in aliases:
                    key = normalise_text(alias)
                    if key:
                        index.setdefault(key, lang)
    return index


def _singular(key: str) -> str:
    """``"mqls"`` -> ``"mql"``: a trailing ``s`` dropped from keys longer than 3."""
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


_FIELD_INDEX: dict[str, str] = {}
for _spec in FIELDS:
    _FIELD_INDEX[normalise_text(_spec.name)] = _spec.name
    # the English label, whatever language the session importing this module speaks
    _FIELD_INDEX.setdefault(normalise_text(getattr(_spec, "label_en", None) or _spec.label), _spec.name)
for _key, _target in build_key_index(_flatten(FIELD_ALIASES)).items():
    _FIELD_INDEX.setdefault(_key, _target)
_FIELD_INDEX_SINGULAR: dict[str, str] = {}
for _key, _target in _FIELD_INDEX.items():
    _FIELD_INDEX_SINGULAR.setdefault(_singular(_key), _target)

_CONTEXT_INDEX: dict[str, str] = {normalise_text(k): k for k in CONTEXT_FIELDS}
for _key, _target in build_key_index(_flatten(CONTEXT_KEY_ALIASES)).items():
    _CONTEXT_INDEX.setdefault(_key, _target)

_LANGUAGE_INDEX: dict[str, str] = _language_index(FIELD_ALIASES, CONTEXT_KEY_ALIASES)

_VALUE_HEADER_KEYS: frozenset[str] = frozenset(normalise_text(v) for v in VALUE_HEADER_ALIASES)


def match_header(text: object) -> str | None:
    """Map a column header or metric name to a canonical field name.

    Parameters
    ----------
    text : object
        What the user wrote: ``"Website visitors"``, ``"MQLs"``, ``"Neukunden"``,
        ``"S&M spend (EUR)"``, ``"Number of new customers"`` ...

    Returns
    -------
    str or None
        A name from :data:`funnel_core.domain.constants.FIELD_NAMES`, or None when unknown.

    Examples
    --------
    >>> match_header("Marketing qualified leads")
    'mqls'
    >>> match_header("nowi klienci")
    'new_customers'
    """
    for key in name_variants(text):
        if key in _FIELD_INDEX:
            return _FIELD_INDEX[key]
    variants = name_variants(text)
    if variants and variants[0] in _CONTEXT_INDEX:
        return None  # "Trial" is the trial type, not a plural-less "Trials"
    for key in variants:
        hit = _FIELD_INDEX_SINGULAR.get(_singular(key))
        if hit:
            return hit
    return None


#: How alike a misspelt name and a known one must be (difflib's ratio) to be suggested.
SUGGESTION_CUTOFF = 0.8
#: How much closer the suggested field must be than the next one ("conversions" is 0.88 like
#: PQL conversions and 0.81 like trial conversions: no guess).
SUGGESTION_MARGIN = 0.1
#: Longer names get no suggestion: no known name is half as long, and comparing is quadratic in
#: the length (a 5,000-character cell took 0.6 s against the 638 known names).
SUGGESTION_MAX_CHARS = 80


def suggest_field(text: object) -> str | None:
    """The field a name that was not recognised was probably meant to be, or ``None``.

    A spelling suggestion for the matcher of unrecognised names (``"leeds"`` -> ``leads``,
    ``"vistors"`` -> ``visitors``): the closest known name or alias by difflib's ratio, when it
    reaches :data:`SUGGESTION_CUTOFF` and no other field comes within :data:`SUGGESTION_MARGIN`
    (then it is a guess between two, and nothing is suggested). Names that are recognised, or empty, give ``None``.

    Examples
    --------
    >>> suggest_field("leeds"), suggest_field("Vistors"), suggest_field("weather")
    ('leads', 'visitors', None)
    """
    if len(str(text or "")) > SUGGESTION_MAX_CHARS or match_header(text) is not None:
        return None
    variants = name_variants(text)
    if not variants or not variants[0]:
        return None
    key = variants[0]
    scores: dict[str, float] = {}
    for known, target in _FIELD_INDEX.items():
        ratio = difflib.SequenceMatcher(None, key, known).ratio()
        if ratio >= SUGGESTION_CUTOFF and ratio > scores.get(target, 0.0):
            scores[target] = ratio
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - SUGGESTION_MARGIN:
        return None
    return ranked[0][0]


def match_context_key(text: object) -> str | None:
    """Map a header or metric name to a context key (``period``, ``currency`` ...).

    Parameters
    ----------
    text : object
        ``"Currency"``, ``"Währung"``, ``"Trial type"``, ``"Monat"``, ``"Date"`` ...

    Returns
    -------
    str or None
        A name from :data:`funnel_core.domain.constants.CONTEXT_FIELDS`, or None.
    """
    for key in name_variants(text):
        if key in _CONTEXT_INDEX:
            return _CONTEXT_INDEX[key]
    return None


def name_language(text: object) -> str | None:
    """Return the language of a recognised metric name or context key.

    Parameters
    ----------
    text : object
        A header or metric name such as ``"Neukunden"`` or ``"New customers"``.

    Returns
    -------
    str or None
        ``"en"``, ``"de"``, ``"fr"`` or ``"pl"``; None for names shared by several languages
        (``"Leads"``, ``"MQLs"``), canonical names and unknown text.
    """
    for key in name_variants(text):
        if key in _LANGUAGE_INDEX:
            lang = _LANGUAGE_INDEX[key]
            return None if lang == "any" else lang
    return None


def period_header_hint(text: object) -> str | None:
    """Return the period length a header names (``"Monat"`` -> ``"month"``), else None."""
    for key in name_variants(text):
        if key in PERIOD_HEADER_HINTS:
            return PERIOD_HEADER_HINTS[key]
    return None


def match_value_header(text: object) -> bool:
    """Tell whether a header names the value column of a long file (``value``, ``Wert``)."""
    return any(key in _VALUE_HEADER_KEYS for key in name_variants(text))


#: The labels of the context keys in messages (English as it always read: "Acv band").
_CONTEXT_KEY_LABELS: dict[str, str] = {
    "period": mark("Period"),
    "trial_type": mark("Trial type"),
    "motion": mark("Motion"),
    "acv_band": mark("Acv band"),
    "product_category": mark("Product category"),
    "currency": mark("Currency"),
    "arr_band": mark("Arr band"),
    "funding": mark("Funding"),
}


def field_label(name: str) -> str:
    """Return the human label of a canonical field or context key (for messages), in the
    current language."""
    spec = FIELDS_BY_NAME.get(name)
    if spec is not None:
        return tr(spec.label)
    if name in _CONTEXT_KEY_LABELS:
        return tr(_CONTEXT_KEY_LABELS[name])
    return name.replace("_", " ").capitalize()


def label_in_sentence(label: str) -> str:
    """A label inside a sentence: lower case in English (``"is not a valid gross margin"``);
    as it is in other languages, whose nouns and acronyms lower case would spoil (German
    nouns keep their capital)."""
    return lower_keeping_acronyms(label) if current_language() == DEFAULT_LANGUAGE else label


_THOUSANDS_RE = re.compile(
    r"(?:[\(\[]\s*(?:in\s+)?(?:k|k\s*[€$£]|[€$£]\s*k|k\s*(?:eur|usd|gbp|pln|chf)|thousands?"
    r"|tsd\.?|tsd\.?\s*[€$£]|t\s*€|tausend|'?000s?|milliers|k\s*zł|tys\.?(?:\s*zł)?)\s*[\)\]])"
    r"|(?:\bin\s+(?:thousands|tsd\.?|tausend|milliers|tys\.?)\s*$)|(?:\bin\s+k\s*[€$£]?\s*$)",
    re.IGNORECASE,
)
_MILLIONS_RE = re.compile(
    r"(?:[\(\[]\s*(?:in\s+)?(?:m|mm|mn|m\s*[€$£]|[€$£]\s*m|millions?|mio\.?|mio\.?\s*[€$£]|mln\.?"
    r"(?:\s*zł)?)\s*[\)\]])|(?:\bin\s+(?:millions|mio\.?|mln\.?)\s*$)",
    re.IGNORECASE,
)


def header_multiplier(text: object) -> float:
    """Return the unit a header announces for its numbers.

    Parameters
    ----------
    text : object
        ``"S&M spend (k€)"``, ``"MRR (in thousands)"``, ``"Umsatz (Mio. €)"`` ...

    Returns
    -------
    float
        ``1000.0``, ``1000000.0`` or ``1.0`` when the header names no unit.
    """
    if text is None:
        return 1.0
    raw = str(text)
    if _THOUSANDS_RE.search(raw):
        return 1e3
    if _MILLIONS_RE.search(raw):
        return 1e6
    return 1.0

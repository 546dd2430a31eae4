"""Recognising the values of the context keys the way users write them.

``"monthly"``, ``"Quartal"``, ``"€"``, ``"zł"``, ``"Free trial (credit card required)"``
and ``"Mid market"`` become ``"month"``, ``"quarter"``, ``"EUR"``, ``"PLN"``,
``"card_required"`` and ``"mid_market"`` (:func:`match_context_value`). A value is tried
as the canonical value, its English label, an alias from :data:`CONTEXT_VALUE_ALIASES`
(matching ignores case, spaces, punctuation and accents), its label in one of the app's other
languages (the app's own workbook, written in German, says "Nicht angegeben (alle Segmente)"),
and last by keyword rules per key (``"14-day trial, no card needed"`` -> ``"no_card"``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from funnel_core.domain.constants import (
    ACV_BANDS,
    ANY,
    ARR_BANDS,
    CONTEXT_FIELDS,
    CURRENCIES,
    FUNDING,
    MOTIONS,
    PERIODS,
    PRODUCT_CATEGORIES,
    TRIAL_TYPES,
)
from funnel_core.inputs.name_keys import (
    build_key_index,
    name_tokens,
    name_variants,
    normalise_text,
)

__all__ = ["CONTEXT_VALUE_ALIASES", "NOT_SAID_TEXTS", "match_context_value"]

#: Context key -> canonical value -> ways to write it.
CONTEXT_VALUE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "period": {
        "month": (
            "month", "monthly", "months", "mo", "m", "mtd", "per month", "1 month",
            "monat", "monatlich", "monate", "mois", "mensuel", "mensuelle", "par mois",
            "miesiąc", "miesiac", "miesięcznie", "miesiecznie", "miesięczny", "miesieczny",
        ),
        "quarter": (
            "quarter", "quarterly", "quarters", "q", "qtd", "qtr", "per quarter", "3 months",
            "quartal", "quartalsweise", "vierteljährlich", "quartalsweise", "trimestre",
            "trimestriel", "trimestrielle", "kwartał", "kwartal", "kwartalnie", "kwartalny",
        ),
        "year": (
            "year", "yearly", "annual", "annually", "years", "yr", "y", "ytd", "fy",
            "per year", "12 months", "fiscal year",
            "jahr", "jährlich", "jaehrlich", "jahre", "année", "annee", "an", "annuel",
            "annuelle", "rok", "roczny", "rocznie", "roczne",
        ),
    },
    "currency": {
        "USD": ("usd", "$", "us$", "us dollar", "us dollars", "dollar", "dollars", "dolar"),
        "EUR": ("eur", "€", "euro", "euros", "eur €"),
        "GBP": ("gbp", "£", "pound", "pounds", "sterling", "pound sterling", "gbp £"),
        "PLN": ("pln", "zł", "zl", "złoty", "zloty", "złotych", "zlotych", "pln zł"),
        "CHF": ("chf", "fr.", "sfr", "sfr.", "swiss franc", "swiss francs", "franken",
                "franc suisse"),
    },
    "trial_type": {
        "no_card": (
            "no card", "no credit card", "no cc", "opt-in", "opt in", "optin",
            "free trial no card", "free trial, no credit card", "no card required",
            "without credit card", "ohne kreditkarte", "sans carte", "sans carte bancaire",
            "bez karty", "bez karty kredytowej",
        ),
        "card_required": (
            "card required", "credit card required", "cc required", "opt-out", "opt out",
            "optout", "card upfront", "credit card upfront", "with credit card",
            "mit kreditkarte", "kreditkarte erforderlich", "avec carte", "carte requise",
            "carte bancaire requise", "z kartą", "z karta", "karta wymagana",
        ),
        "freemium": (
            "freemium", "free plan", "free tier", "forever free", "free forever",
            "kostenloser plan", "gratisplan", "plan gratuit", "darmowy plan",
        ),
        "none": (
            "none", "no trial", "no", "no free trial", "paid only", "kein", "keine",
            "keine testphase", "aucun", "pas d'essai", "brak", "bez triala", "n/a",
        ),
    },
    "motion": {
        "self_serve": (
            "self-serve", "self serve", "selfserve", "self-service", "self service",
            "plg", "product-led", "product led", "touchless", "no-touch", "no touch",
            "low touch", "low-touch", "online", "self-checkout",
        ),
        "sales_assisted": (
            "sales-assisted", "sales assisted", "sales-led", "sales led", "slg",
            "sales", "inside sales", "field sales", "enterprise sales", "high touch",
            "high-touch", "assisted", "vertrieb", "vertriebsgestützt", "ventes",
            "vente assistée", "sprzedaż", "sprzedaz", "sprzedaż wspierana",
        ),
    },
    "acv_band": {
        "vsb": ("vsb", "very small", "very small business", "micro", "microbusiness",
                "under 1k", "<1k", "< 1k", "below 1k", "kleinstunternehmen", "tpe",
                "mikro", "mikroprzedsiębiorstwa"),
        "smb": ("smb", "small business", "sme", "smes", "small", "small and medium",
                "1k-12k", "kmu", "pme", "mśp", "msp", "małe firmy"),
        "mid_market": ("mid-market", "mid market", "midmarket", "mm", "mid", "12k-50k",
                       "mittelstand", "mittelstaendisch", "eti", "średnie firmy",
                       "srednie firmy"),
        "enterprise": ("enterprise", "ent", "large", "large enterprise", "over 50k", ">50k",
                       "> 50k", "konzern", "großunternehmen", "grossunternehmen",
                       "grande entreprise", "grandes entreprises", "duże firmy", "duze firmy",
                       "korporacje"),
    },
    "product_category": {
        "file_storage_collaboration": (
            "file storage", "file storage & collaboration", "file storage and collaboration",
            "collaboration", "file sharing", "storage", "cloud storage", "document management",
            "dms", "filesharing", "dateiablage", "zusammenarbeit", "stockage",
            "partage de fichiers", "collaboration", "przechowywanie plików", "współpraca",
        ),
        "education": (
            "education", "edtech", "ed tech", "e-learning", "elearning", "learning", "lms",
            "learning management", "bildung", "éducation", "enseignement", "formation",
            "edukacja", "szkolenia",
        ),
        "other": ("other", "not listed", "other / not listed", "sonstige", "andere",
                  "autre", "autres", "inne", "pozostałe"),
    },
    "arr_band": {
        "under_1m": ("under 1m", "under $1m", "<1m", "< 1m", "< $1m", "below 1m", "0-1m",
                     "less than 1m", "unter 1 mio", "moins de 1 m", "poniżej 1 mln"),
        "1m_5m": ("1m-5m", "1-5m", "$1m-$5m", "$1-5m", "1 to 5m", "1-5 mio", "1-5 mln"),
        "5m_20m": ("5m-20m", "5-20m", "$5m-$20m", "$5-20m", "5 to 20m", "5-20 mio", "5-20 mln"),
        "20m_50m": ("20m-50m", "20-50m", "$20m-$50m", "$20-50m", "20 to 50m", "20-50 mio",
                    "20-50 mln"),
        "over_50m": ("over 50m", "over $50m", ">50m", "> 50m", "> $50m", "50m+", "$50m+",
                     "above 50m", "über 50 mio", "plus de 50 m", "powyżej 50 mln"),
    },
    "funding": {
        "vc": ("vc", "vc-backed", "vc backed", "venture", "venture-backed", "venture backed",
               "venture capital", "investor-backed", "risikokapital", "wagniskapital",
               "capital-risque", "capital risque", "fundusz vc"),
        "bootstrapped": ("bootstrapped", "bootstrap", "self-funded", "self funded",
                         "founder-funded", "no outside funding", "eigenfinanziert",
                         "autofinancé", "autofinance", "samofinansowanie",
                         "samofinansowana"),
    },
}

#: Ways to say a segment is not given ("every segment's benchmark applies"), as our own
#: workbook and the app's selectors write it; they read back as ``"any"``.
NOT_SAID_TEXTS: tuple[str, ...] = (
    ANY, "not said", "Not said (all segments)", "Not said (show all)", "all segments",
    "not specified", "unspecified",
)
_NOT_SAID_KEYS: frozenset[str] = frozenset(normalise_text(t) for t in NOT_SAID_TEXTS)
_SEGMENT_KEYS: frozenset[str] = frozenset({"trial_type", "motion", "acv_band", "product_category",
                                           "arr_band", "funding"})

def _english(labels: Mapping[str, str]) -> Mapping[str, str]:
    """The English labels of a mapping of labels (translated ones have an ``english`` view)."""
    english = getattr(labels, "english", None)
    return english if isinstance(english, Mapping) else labels


_CONTEXT_LABELS: dict[str, Mapping[str, str]] = {
    "period": {p: p for p in PERIODS},
    "currency": {code: symbol for code, symbol in CURRENCIES.items()},
    "trial_type": TRIAL_TYPES,
    "motion": MOTIONS,
    "acv_band": ACV_BANDS,
    "product_category": PRODUCT_CATEGORIES,
    "arr_band": ARR_BANDS,
    "funding": FUNDING,
}
#: Context key -> comparison key -> canonical value: values and labels first, then aliases.
_CONTEXT_VALUE_INDEX: dict[str, dict[str, str]] = {}
for _ctx, _choices in _CONTEXT_LABELS.items():
    _idx: dict[str, str] = {}
    for _value, _label in _english(_choices).items():
        _idx.setdefault(normalise_text(_value), _value)
        _idx.setdefault(normalise_text(_label), _value)
    for _key, _target in build_key_index(CONTEXT_VALUE_ALIASES.get(_ctx, {})).items():
        _idx.setdefault(_key, _target)
    _CONTEXT_VALUE_INDEX[_ctx] = _idx

# symbols that normalise to nothing ($, €, £) are matched literally
_CURRENCY_SYMBOLS: dict[str, str] = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP",
                                     "zł": "PLN", "fr.": "CHF"}


def match_context_value(key: str, text: object) -> str | None:
    """Map free text to the canonical value of a context key.

    Parameters
    ----------
    key : str
        One of :data:`funnel_core.domain.constants.CONTEXT_FIELDS`.
    text : object
        ``"monthly"``, ``"Quartal"``, ``"€"``, ``"zł"``, ``"Free trial (credit card
        required)"``, ``"Mid market"`` ...

    Returns
    -------
    str or None
        The canonical value (``"month"``, ``"EUR"``, ``"card_required"``,
        ``"mid_market"`` ...), ``"any"`` for a segment that is not said
        (:data:`NOT_SAID_TEXTS`, e.g. ``"Not said (all segments)"``), or None when it cannot
        be matched.

    Raises
    ------
    ValueError
        For a key that is not a context key.
    """
    if key not in _CONTEXT_VALUE_INDEX:
        raise ValueError(f"Unknown context key {key!r}; expected one of {', '.join(CONTEXT_FIELDS)}")
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    if key == "currency":
        lowered = raw.casefold().replace(" ", "")
        if lowered in _CURRENCY_SYMBOLS:
            return _CURRENCY_SYMBOLS[lowered]
    if key in _SEGMENT_KEYS and normalise_text(raw) in _NOT_SAID_KEYS:
        return ANY
    index = _CONTEXT_VALUE_INDEX[key]
    variants = name_variants(raw)
    for variant in variants:
        if variant in index:
            return index[variant]
    translated = _translated_label_index()
    if key in _SEGMENT_KEYS and variants and variants[0] in translated["_not_said"]:
        return ANY
    for variant in variants:
        if variant in translated.get(key, {}):
            return translated[key][variant]
    return _loose_context_value(key, raw)


@functools.lru_cache(maxsize=1)
def _translated_label_index() -> dict[str, dict[str, str]]:
    """Context key -> comparison key of a label in German, French or Polish -> canonical
    value; ``"_not_said"`` holds the translations of :data:`NOT_SAID_TEXTS`. Built on first
    use (the catalogues are read then), after the English labels and aliases, which win."""
    from funnel_core.domain.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue

    books = [catalogue(code).messages for code in LANGUAGES if code != DEFAULT_LANGUAGE]
    out: dict[str, dict[str, str]] = {"_not_said": {}}
    for book in books:
        for text in NOT_SAID_TEXTS:
            key = normalise_text(book.get(text, ""))
            if key:
                out["_not_said"].setdefault(key, ANY)
    for ctx, choices in _CONTEXT_LABELS.items():
        index: dict[str, str] = {}
        for value, label in _english(choices).items():
            for book in books:
                key = normalise_text(book.get(label, ""))
                if key and key not in _CONTEXT_VALUE_INDEX[ctx]:
                    index.setdefault(key, value)
        out[ctx] = index
    return out


#: Keyword rules of :func:`_loose_context_value`: (tokens, set of tokens, tokens joined by
#: spaces) -> canonical value or None.
_Rule = Callable[[list[str], set[str], str], str | None]


def _loose_trial_type(tokens: list[str], words: set[str], joined: str) -> str | None:
    """Trial words: "free plan" -> freemium, "opt-out" or "card" -> card_required,
    "no card" -> no_card, "no trial" -> none."""
    if "freemium" in words or re.search(r"\bfree (plan|tier)\b", joined):
        return "freemium"
    if re.search(r"\bopt ?out\b", joined):
        return "card_required"
    if re.search(r"\bopt ?in\b", joined):
        return "no_card"
    card = words & {"card", "cc", "kreditkarte", "karte", "carte", "karty", "karta"}
    if card:
        negated = words & {"no", "without", "ohne", "sans", "bez", "not", "keine", "kein"}
        return "no_card" if negated else "card_required"
    if re.search(r"\bno (free )?trial\b", joined):
        return "none"
    return None


def _loose_motion(tokens: list[str], words: set[str], joined: str) -> str | None:
    """Motion words: "self", "PLG", "product" -> self_serve; "sales", "Vertrieb" ->
    sales_assisted."""
    if words & {"self", "selfserve", "plg", "touchless", "product"}:
        return "self_serve"
    if words & {"sales", "vertrieb", "ventes", "sprzedaz", "slg", "assisted"}:
        return "sales_assisted"
    return None


def _loose_acv_band(tokens: list[str], words: set[str], joined: str) -> str | None:
    """Size words: "enterprise", "mid", "very small", "small" or "SMB" in the text."""
    if "enterprise" in words and not words & {"small", "mid", "medium"}:
        return "enterprise"
    if words & {"mid", "midmarket", "medium"}:
        return "mid_market"
    if "very" in words and "small" in words:
        return "vsb"
    if words & {"smb", "small", "sme"}:
        return "smb"
    return None


def _loose_product_category(tokens: list[str], words: set[str], joined: str) -> str | None:
    """Storage and collaboration words, or education and learning words."""
    if words & {"storage", "collaboration", "sharing", "files", "file", "dms"}:
        return "file_storage_collaboration"
    if words & {"education", "edtech", "learning", "elearning", "lms", "edukacja",
                "bildung", "school", "university", "training"}:
        return "education"
    return None


def _loose_period(tokens: list[str], words: set[str], joined: str) -> str | None:
    """A word starting with month/quarter/year (or Monat/Quartal/Jahr, annual)."""
    for word, period in (("month", "month"), ("quarter", "quarter"), ("year", "year"),
                         ("annual", "year"), ("monat", "month"), ("quartal", "quarter"),
                         ("jahr", "year")):
        if any(t.startswith(word) for t in tokens):
            return period
    return None


def _loose_currency(tokens: list[str], words: set[str], joined: str) -> str | None:
    """A known currency code among the words ("paid in EUR")."""
    for token in tokens:
        upper = token.upper()
        if upper in CURRENCIES:
            return upper
    return None


_LOOSE_RULES: dict[str, _Rule] = {
    "trial_type": _loose_trial_type,
    "motion": _loose_motion,
    "acv_band": _loose_acv_band,
    "product_category": _loose_product_category,
    "period": _loose_period,
    "currency": _loose_currency,
}


def _loose_context_value(key: str, raw: str) -> str | None:
    """Keyword rules for free text that is not an exact alias."""
    rule = _LOOSE_RULES.get(key)
    if rule is None:
        return None
    tokens = name_tokens(raw)
    return rule(tokens, set(tokens), " ".join(tokens))

"""Recognising metric names, context keys and context values the way users write them.

Matching is case-, space-, punctuation- and accent-insensitive (``"Neukunden"``,
``"new-customers"``, ``"NEW CUSTOMERS"`` and ``"nowi klienci"`` all work). The alias tables
are plain data (dicts) so they can be reviewed and extended without touching the logic.

Public functions
----------------
normalise_text(text)          -> the comparison key ("Website visitors" -> "websitevisitors")
match_header(text)            -> canonical field name or None
match_context_key(text)       -> context key (period, currency, ...) or None
period_header_hint(text)      -> "month"/"quarter"/"year" when a header names the period length
header_multiplier(text)       -> 1000 for "Spend (k€)", "MRR (in thousands)", 1e6 for "(m)", else 1
match_context_value(key, text) -> canonical value for a context key, or None
match_value_header(text)      -> True for the header of a long file's value column ("value", "Wert")
name_language(text)           -> "en"/"de"/"fr"/"pl" for a recognised name, None if shared or unknown
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from funnel_core.domain.constants import (
    ACV_BANDS,
    CONTEXT_FIELDS,
    CURRENCIES,
    FIELDS,
    FIELDS_BY_NAME,
    MOTIONS,
    PERIODS,
    PRODUCT_CATEGORIES,
    TRIAL_TYPES,
)

__all__ = [
    "CONTEXT_KEY_ALIASES",
    "CONTEXT_VALUE_ALIASES",
    "FIELD_ALIASES",
    "PERIOD_HEADER_HINTS",
    "VALUE_HEADER_ALIASES",
    "match_context_key",
    "match_context_value",
    "match_header",
    "match_value_header",
    "name_language",
    "header_multiplier",
    "field_label",
    "normalise_text",
    "period_header_hint",
]

# --------------------------------------------------------------------------------------
# alias tables (data)
# --------------------------------------------------------------------------------------

#: Canonical field -> language -> other ways to write it. Languages: ``en``, ``de``, ``fr``,
#: ``pl``, and ``any`` for words used as they are in several languages ("Leads", "MQLs").
#: The canonical name and the FieldSpec label are always accepted too. The language of the
#: names a file uses decides how its ambiguous numbers (1.234) are read.
FIELD_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "visitors": {
        "en": ("Website visitors", "Visitors", "Visits", "Unique visitors", "Site visitors",
               "Web visitors", "Website visits", "Sessions", "Website sessions", "Traffic",
               "Website traffic", "Unique visits"),
        "de": ("Besucher", "Website-Besucher", "Webseitenbesucher", "Besuche",
               "Eindeutige Besucher", "Seitenbesucher"),
        "fr": ("Visiteurs", "Visiteurs uniques", "Visites", "Visiteurs du site"),
        "pl": ("Odwiedzający", "Odwiedzajacy", "Odwiedziny", "Wizyty", "Unikalni odwiedzający",
               "Odwiedzający stronę"),
    },
    "leads": {
        "any": ("Leads", "Lead"),
        "en": ("New leads", "Leads generated", "Inbound leads", "Contacts"),
        "de": ("Interessenten", "Neue Leads", "Kontakte"),
        "fr": ("Prospects", "Nouveaux leads", "Contacts entrants"),
        "pl": ("Leady", "Nowe leady", "Kontakty"),
    },
    "mqls": {
        "any": ("MQLs", "MQL"),
        "en": ("Marketing qualified leads", "Marketing-qualified leads", "Marketing qualified lead"),
        "de": ("Marketingqualifizierte Leads", "Marketing-qualifizierte Leads"),
        "fr": ("Leads qualifiés marketing", "Leads qualifiés par le marketing"),
        "pl": ("Leady kwalifikowane marketingowo",),
    },
    "sqls": {
        "any": ("SQLs", "SQL", "SALs", "SAL"),
        "en": ("Sales qualified leads", "Sales-qualified leads", "Sales qualified lead",
               "Sales accepted leads"),
        "de": ("Vertriebsqualifizierte Leads",),
        "fr": ("Leads qualifiés ventes", "Leads qualifiés par les ventes"),
        "pl": ("Leady kwalifikowane sprzedażowo",),
    },
    "opportunities": {
        "any": ("Opps", "Opp", "Deals"),
        "en": ("Opportunities", "Opportunity", "Deals created", "Pipeline deals", "Open deals",
               "New opportunities"),
        "de": ("Verkaufschancen", "Chancen", "Opportunitäten"),
        "fr": ("Opportunités", "Opportunités commerciales"),
        "pl": ("Szanse sprzedaży", "Szanse sprzedazy", "Okazje sprzedażowe"),
    },
    "new_customers": {
        "en": ("New customers", "New logos", "Customers won", "New customer", "New clients",
               "New paying customers", "Won deals", "Deals won", "Closed won", "Closed-won deals",
               "Customers acquired", "Acquired customers", "New accounts won"),
        "de": ("Neukunden", "Neue Kunden", "Gewonnene Kunden"),
        "fr": ("Nouveaux clients", "Clients gagnés", "Clients acquis"),
        "pl": ("Nowi klienci", "Pozyskani klienci"),
    },
    "signups": {
        "any": ("Sign-ups", "Signups", "Sign ups", "Signup", "Sign-up"),
        "en": ("Registrations", "New signups", "New sign-ups", "Accounts created", "New users"),
        "de": ("Registrierungen", "Anmeldungen", "Neue Nutzer"),
        "fr": ("Inscriptions", "Nouveaux utilisateurs"),
        "pl": ("Rejestracje", "Nowi użytkownicy"),
    },
    "activated_users": {
        "en": ("Activated users", "Activations", "Activated", "Activated accounts",
               "Users activated", "Activated signups"),
        "de": ("Aktivierte Nutzer", "Aktivierte Benutzer", "Aktivierungen"),
        "fr": ("Utilisateurs activés", "Activations utilisateurs"),
        "pl": ("Aktywowani użytkownicy", "Aktywacje"),
    },
    "trial_users": {
        "en": ("Trial users", "Trials", "Trials started", "Trial starts", "New trials",
               "Trial accounts", "Free trials", "Free trial users", "Trial signups"),
        "de": ("Testnutzer", "Testversionen", "Gestartete Testphasen", "Trial-Nutzer"),
        "fr": ("Essais", "Essais gratuits", "Utilisateurs en essai", "Essais démarrés"),
        "pl": ("Użytkownicy trial", "Użytkownicy wersji próbnej", "Okresy próbne"),
    },
    "trial_conversions": {
        "en": ("Trial conversions", "Trials converted", "Converted trials", "Trial to paid",
               "Trial-to-paid conversions", "Trial to paid conversions",
               "Paid conversions from trial"),
        "de": ("Trial-Konversionen", "Konvertierte Testphasen"),
        "fr": ("Conversions d'essai", "Essais convertis"),
        "pl": ("Konwersje trial", "Konwersje z triala"),
    },
    "freemium_users": {
        "en": ("Free-plan users", "Free plan users", "Free users", "Freemium users",
               "Free accounts", "Freemium accounts", "Users on free plan"),
        "de": ("Kostenlose Nutzer", "Gratis-Nutzer", "Freemium-Nutzer"),
        "fr": ("Utilisateurs gratuits", "Utilisateurs freemium"),
        "pl": ("Darmowi użytkownicy", "Użytkownicy darmowi", "Użytkownicy freemium"),
    },
    "freemium_conversions": {
        "en": ("Free-plan conversions", "Free plan conversions", "Freemium conversions",
               "Free to paid", "Free-to-paid conversions", "Free to paid conversions",
               "Free users converted", "Freemium upgrades", "Free plan upgrades"),
        "de": ("Freemium-Konversionen",),
        "fr": ("Conversions freemium",),
        "pl": ("Konwersje freemium",),
    },
    "pqls": {
        "any": ("PQLs", "PQL"),
        "en": ("Product qualified leads", "Product-qualified leads", "Product qualified lead"),
        "de": ("Produktqualifizierte Leads",),
        "fr": ("Leads qualifiés produit",),
        "pl": ("Leady kwalifikowane produktowo",),
    },
    "pql_conversions": {
        "en": ("PQL conversions", "PQLs converted", "Converted PQLs", "PQL to paid"),
        "de": ("PQL-Konversionen",),
        "fr": ("Conversions PQL",),
        "pl": ("Konwersje PQL",),
    },
    "onboarded_users": {
        "en": ("Onboarded users", "Onboarded", "Onboarding completed", "Completed onboarding",
               "Users onboarded", "Onboarded accounts"),
        "de": ("Onboarding abgeschlossen", "Ongeboardete Nutzer"),
        "fr": ("Utilisateurs intégrés", "Onboarding terminé"),
        "pl": ("Użytkownicy po onboardingu", "Ukończony onboarding"),
    },
    "adopted_users": {
        "en": ("Adopted users", "Adopted", "Adopting users", "Users adopted", "Feature adopters",
               "Core feature users"),
        "de": ("Adoptierende Nutzer",),
        "fr": ("Utilisateurs adoptants",),
        "pl": ("Użytkownicy adoptujący",),
    },
    "customers_start": {
        "en": ("Customers at start", "Starting customers", "Beginning customers",
               "Customers start", "Customers at beginning", "Customers at start of period",
               "Customers at beginning of period", "Opening customers", "Customers BoP",
               "Start customers", "Customer count start", "Customers (start)",
               "Paying customers at start", "Active customers at start",
               "Customers start of period"),
        "de": ("Kunden am Anfang", "Kunden zu Beginn", "Kunden Anfang", "Kundenbestand Anfang",
               "Anfangsbestand Kunden", "Kunden am Periodenanfang", "Kunden zum Start"),
        "fr": ("Clients au début", "Clients en début de période", "Clients début",
               "Clients au début de la période"),
        "pl": ("Klienci na początku", "Klienci na poczatku", "Klienci na początku okresu",
               "Liczba klientów na początku"),
    },
    "customers_churned": {
        "en": ("Churned customers", "Lost customers", "Logo churn", "Logo churn (count)",
               "Customers churned", "Customers lost", "Cancelled customers", "Canceled customers",
               "Cancellations", "Churned accounts", "Churned logos", "Churn (customers)",
               "Churn (count)", "Churn count", "Churned", "Customer churn (count)"),
        "de": ("Kündigungen", "Verlorene Kunden", "Gekündigte Kunden", "Abgewanderte Kunden"),
        "fr": ("Clients perdus", "Résiliations", "Clients résiliés"),
        "pl": ("Utraceni klienci", "Odejścia klientów", "Rezygnacje"),
    },
    "mrr_start": {
        "en": ("MRR at start", "Starting MRR", "MRR start", "Beginning MRR", "Opening MRR",
               "MRR BoP", "MRR (start)", "Start MRR", "MRR at beginning", "MRR start of period",
               "MRR at start of period", "MRR at beginning of period"),
        "de": ("MRR am Anfang", "MRR Anfang", "MRR zu Beginn", "Anfangs-MRR"),
        "fr": ("MRR début", "MRR au début", "MRR en début de période", "MRR initial"),
        "pl": ("MRR na początku", "MRR poczatkowe", "MRR początkowe", "Początkowe MRR"),
    },
    "mrr_new": {
        "en": ("New MRR", "MRR new", "New business MRR", "New customer MRR",
               "MRR from new customers", "New MRR added"),
        "de": ("Neues MRR", "MRR Neukunden", "Neukunden-MRR"),
        "fr": ("Nouveau MRR", "MRR nouveaux clients"),
        "pl": ("Nowe MRR", "MRR nowych klientów"),
    },
    "mrr_expansion": {
        "any": ("Expansion MRR", "MRR expansion", "Expansion", "Upsell", "Upsells", "Upsell MRR"),
        "en": ("Expansion revenue", "Upgrade MRR", "Cross-sell MRR", "Upsell and cross-sell MRR"),
        "de": ("Expansions-MRR", "Expansion-MRR", "MRR-Erweiterung", "Upsell-MRR"),
        "fr": ("MRR d'expansion", "MRR upsell"),
        "pl": ("MRR z rozszerzeń", "Rozszerzenie MRR", "MRR z upsellu"),
    },
    "mrr_contraction": {
        "any": ("Contraction MRR", "MRR contraction", "Contraction", "Downgrades",
                "Downgrade MRR"),
        "en": ("Downsell MRR", "Downgraded MRR"),
        "de": ("Kontraktions-MRR", "MRR-Kontraktion", "Downgrade-MRR"),
        "fr": ("MRR de contraction", "Contraction du MRR"),
        "pl": ("Kurczenie MRR", "MRR z downgrade'ów", "Spadek MRR"),
    },
    "mrr_churned": {
        "any": ("Churn MRR", "MRR churn", "MRR churned", "Churned MRR"),
        "en": ("Lost MRR", "Cancelled MRR", "Canceled MRR", "Churn (MRR)", "Revenue churn",
               "MRR lost", "MRR lost to churn"),
        "de": ("Verlorenes MRR", "Gekündigtes MRR", "MRR-Churn", "Churn-MRR"),
        "fr": ("MRR perdu", "MRR résilié", "Churn du MRR"),
        "pl": ("Utracone MRR", "MRR utracone"),
    },
    "sales_marketing_spend": {
        "any": ("S&M", "S&M spend", "S&M cost", "S&M costs", "S&M expense", "S&M expenses",
                "Sales & Marketing", "Marketing & Sales"),
        "en": ("Sales & marketing spend", "Sales and marketing spend", "Sales and marketing",
               "Marketing spend", "Sales & marketing cost", "Sales & marketing costs",
               "Sales and marketing costs", "Sales and marketing expenses",
               "Sales & marketing expenses", "Acquisition spend", "Customer acquisition spend",
               "Marketing and sales spend", "Marketing & sales spend"),
        "de": ("Vertriebs- und Marketingkosten", "Marketing- und Vertriebskosten", "Marketingkosten",
               "Vertrieb & Marketing", "Vertrieb und Marketing", "Marketing & Vertrieb",
               "Marketingausgaben", "Vertriebs- und Marketingausgaben"),
        "fr": ("Dépenses commerciales et marketing", "Dépenses marketing", "Ventes et marketing",
               "Coûts commerciaux et marketing", "Dépenses ventes et marketing"),
        "pl": ("Koszty sprzedaży i marketingu", "Wydatki na marketing", "Sprzedaż i marketing",
               "Wydatki na sprzedaż i marketing", "Koszty marketingu"),
    },
    "gross_margin": {
        "any": ("GM", "GM %"),
        "en": ("Gross margin", "Gross margin %", "Gross margin (%)", "Gross margin percent",
               "Gross margin rate"),
        "de": ("Bruttomarge", "Rohertragsmarge", "Rohmarge", "Bruttogewinnmarge"),
        "fr": ("Marge brute", "Taux de marge brute"),
        "pl": ("Marża brutto", "Marza brutto"),
    },
    "nps_promoters": {
        "en": ("Promoters", "Promoters (9-10)", "NPS promoters", "Promoter", "Promoters 9-10"),
        "de": ("Promotoren",),
        "fr": ("Promoteurs",),
        "pl": ("Promotorzy", "Promotorów"),
    },
    "nps_passives": {
        "en": ("Passives", "Passive", "Passives (7-8)", "NPS passives", "Neutrals", "Neutral"),
        "de": ("Passive Kunden", "Indifferente"),
        "fr": ("Passifs", "Neutres"),
        "pl": ("Pasywni", "Neutralni"),
    },
    "nps_detractors": {
        "en": ("Detractors", "Detractor", "Detractors (0-6)", "NPS detractors"),
        "de": ("Kritiker", "Detraktoren"),
        "fr": ("Détracteurs",),
        "pl": ("Krytycy", "Detraktorzy"),
    },
}

#: Context key -> language -> ways to write it. Period words that name a date column
#: (month, date ...) map to "period" too: in a long file their value is the period's label
#: or length.
CONTEXT_KEY_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "period": {
        "en": ("Period", "Period type", "Period length", "Periodicity", "Frequency",
               "Granularity", "Reporting period", "Timeframe", "Time frame", "Time period",
               "Month", "Quarter", "Year", "Date", "Fiscal year", "FY", "Week ending"),
        "de": ("Zeitraum", "Periode", "Berichtszeitraum", "Monat", "Quartal", "Jahr", "Datum"),
        "fr": ("Période", "Mois", "Trimestre", "Année", "Annee", "Date de fin"),
        "pl": ("Okres", "Miesiąc", "Miesiac", "Kwartał", "Kwartal", "Rok", "Data"),
    },
    "currency": {
        "en": ("Currency", "Curr", "Ccy", "Currency code"),
        "de": ("Währung", "Waehrung"),
        "fr": ("Devise", "Monnaie"),
        "pl": ("Waluta",),
    },
    "trial_type": {
        "en": ("Trial type", "Trial", "Trial model", "Free trial type", "Trial/freemium",
               "Trial kind"),
        "de": ("Testphase", "Testmodell", "Art der Testphase"),
        "fr": ("Type d'essai", "Modèle d'essai"),
        "pl": ("Rodzaj triala", "Typ triala", "Okres próbny"),
    },
    "motion": {
        "en": ("Motion", "Sales motion", "Go-to-market", "Go to market", "GTM", "GTM motion",
               "Sales model", "Go-to-market motion"),
        "de": ("Vertriebsmodell", "Vertriebsansatz"),
        "fr": ("Modèle de vente", "Modèle commercial"),
        "pl": ("Model sprzedaży",),
    },
    "acv_band": {
        "en": ("ACV band", "ACV", "ACV segment", "ACV range", "Segment", "Customer segment",
               "Deal size", "Average contract value", "Contract size"),
        "de": ("Kundensegment",),
        "fr": ("Segment client", "Segment de clientèle"),
        "pl": ("Segment klienta", "Segment klientów"),
    },
    "product_category": {
        "en": ("Product category", "Category", "Industry", "Vertical", "Product type", "Sector"),
        "de": ("Produktkategorie", "Kategorie", "Branche"),
        "fr": ("Catégorie", "Catégorie de produit", "Secteur"),
        "pl": ("Kategoria", "Kategoria produktu", "Branża", "Branza"),
    },
}

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
}

# --------------------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------------------

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
    return "".join(_tokens(text))


def _tokens(text: object) -> list[str]:
    if text is None:
        return []
    s = str(text).translate(_TRANSLITERATE)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold().translate(_TRANSLITERATE)
    return re.findall(r"[a-z0-9]+", s)


def _strip_brackets(text: str) -> str:
    return re.sub(r"[\(\[\{][^\)\]\}]*[\)\]\}]", " ", text)


def _variants(text: object) -> list[str]:
    """Comparison keys to try for a header, most literal first."""
    raw = "" if text is None else str(text)
    out: list[str] = []
    for candidate in (raw, _strip_brackets(raw)):
        tokens = _tokens(candidate)
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
    seen: set[str] = set()
    unique = []
    for key in out:
        if key not in seen:
            seen.add(key)
            unique.append(key)
    return unique


def _build_index(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for target, aliases in table.items():
        for alias in aliases:
            key = normalise_text(alias)
            if key:
                index.setdefault(key, target)
    return index


def _flatten(table: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, tuple[str, ...]]:
    return {target: tuple(a for aliases in by_lang.values() for a in aliases)
            for target, by_lang in table.items()}


def _language_index(*tables: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, str]:
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
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


_FIELD_INDEX: dict[str, str] = {}
for _spec in FIELDS:
    _FIELD_INDEX[normalise_text(_spec.name)] = _spec.name
    _FIELD_INDEX.setdefault(normalise_text(_spec.label), _spec.name)
for _key, _target in _build_index(_flatten(FIELD_ALIASES)).items():
    _FIELD_INDEX.setdefault(_key, _target)
_FIELD_INDEX_SINGULAR: dict[str, str] = {}
for _key, _target in _FIELD_INDEX.items():
    _FIELD_INDEX_SINGULAR.setdefault(_singular(_key), _target)

_CONTEXT_INDEX: dict[str, str] = {normalise_text(k): k for k in CONTEXT_FIELDS}
for _key, _target in _build_index(_flatten(CONTEXT_KEY_ALIASES)).items():
    _CONTEXT_INDEX.setdefault(_key, _target)

_LANGUAGE_INDEX: dict[str, str] = _language_index(FIELD_ALIASES, CONTEXT_KEY_ALIASES)

_VALUE_HEADER_KEYS: frozenset[str] = frozenset(normalise_text(v) for v in VALUE_HEADER_ALIASES)

_CONTEXT_LABELS: dict[str, Mapping[str, str]] = {
    "period": {p: p for p in PERIODS},
    "currency": {code: symbol for code, symbol in CURRENCIES.items()},
    "trial_type": TRIAL_TYPES,
    "motion": MOTIONS,
    "acv_band": ACV_BANDS,
    "product_category": PRODUCT_CATEGORIES,
}
_CONTEXT_VALUE_INDEX: dict[str, dict[str, str]] = {}
for _ctx, _choices in _CONTEXT_LABELS.items():
    _idx: dict[str, str] = {}
    for _value, _label in _choices.items():
        _idx.setdefault(normalise_text(_value), _value)
        _idx.setdefault(normalise_text(_label), _value)
    for _key, _target in _build_index(CONTEXT_VALUE_ALIASES.get(_ctx, {})).items():
        _idx.setdefault(_key, _target)
    _CONTEXT_VALUE_INDEX[_ctx] = _idx

# symbols that normalise to nothing ($, €, £) are matched literally
_CURRENCY_SYMBOLS: dict[str, str] = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP",
                                     "zł": "PLN", "fr.": "CHF"}


# --------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------


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
    for key in _variants(text):
        if key in _FIELD_INDEX:
            return _FIELD_INDEX[key]
    variants = _variants(text)
    if variants and variants[0] in _CONTEXT_INDEX:
        return None  # "Trial" is the trial type, not a plural-less "Trials"
    for key in variants:
        hit = _FIELD_INDEX_SINGULAR.get(_singular(key))
        if hit:
            return hit
    return None


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
    for key in _variants(text):
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
    for key in _variants(text):
        if key in _LANGUAGE_INDEX:
            lang = _LANGUAGE_INDEX[key]
            return None if lang == "any" else lang
    return None


def period_header_hint(text: object) -> str | None:
    """Return the period length a header names (``"Monat"`` -> ``"month"``), else None."""
    for key in _variants(text):
        if key in PERIOD_HEADER_HINTS:
            return PERIOD_HEADER_HINTS[key]
    return None


def match_value_header(text: object) -> bool:
    """Tell whether a header names the value column of a long file (``value``, ``Wert``)."""
    return any(key in _VALUE_HEADER_KEYS for key in _variants(text))


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
        ``"mid_market"`` ...), or None when it cannot be matched.
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
    index = _CONTEXT_VALUE_INDEX[key]
    for variant in _variants(raw):
        if variant in index:
            return index[variant]
    return _loose_context_value(key, raw)


def _loose_context_value(key: str, raw: str) -> str | None:
    """Keyword rules for free text that is not an exact alias."""
    tokens = _tokens(raw)
    words = set(tokens)
    joined = " ".join(tokens)
    if key == "trial_type":
        if "freemium" in words or re.search(r"\bfree (plan|tier)\b", joined):
            return "freemium"
        if re.search(r"\bopt ?out\b", joined):
            return "card_required"
        if re.search(r"\bopt ?in\b", joined):
            return "no_card"
        card = words & {"card", "cc", "kreditkarte", "karte", "carte", "karty", "karta", "karte"}
        if card:
            negated = words & {"no", "without", "ohne", "sans", "bez", "not", "keine", "kein"}
            return "no_card" if negated else "card_required"
        if re.search(r"\bno (free )?trial\b", joined):
            return "none"
        return None
    if key == "motion":
        if words & {"self", "selfserve", "plg", "touchless", "product"}:
            return "self_serve"
        if words & {"sales", "vertrieb", "ventes", "sprzedaz", "slg", "assisted"}:
            return "sales_assisted"
        return None
    if key == "acv_band":
        if "enterprise" in words and not words & {"small", "mid", "medium"}:
            return "enterprise"
        if words & {"mid", "midmarket", "medium"}:
            return "mid_market"
        if "very" in words and "small" in words:
            return "vsb"
        if words & {"smb", "small", "sme"}:
            return "smb"
        return None
    if key == "product_category":
        if words & {"storage", "collaboration", "sharing", "files", "file", "dms"}:
            return "file_storage_collaboration"
        if words & {"education", "edtech", "learning", "elearning", "lms", "edukacja",
                    "bildung", "school", "university", "training"}:
            return "education"
        return None
    if key == "period":
        for word, period in (("month", "month"), ("quarter", "quarter"), ("year", "year"),
                             ("annual", "year"), ("monat", "month"), ("quartal", "quarter"),
                             ("jahr", "year")):
            if any(t.startswith(word) for t in tokens):
                return period
        return None
    if key == "currency":
        for token in tokens:
            upper = token.upper()
            if upper in CURRENCIES:
                return upper
        return None
    return None


def field_label(name: str) -> str:
    """Return the human label of a canonical field or context key (for messages)."""
    spec = FIELDS_BY_NAME.get(name)
    if spec is not None:
        return spec.label
    return name.replace("_", " ").capitalize()


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

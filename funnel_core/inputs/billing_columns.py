"""Which column of a billing export plays which role, from the column names.

Roles (:data:`ROLES`): ``customer_id``, ``month`` (monthly layout), ``start_date`` and
``end_date`` (subscriptions layout), ``mrr`` (a monthly amount, or an amount in the billing
period given by ``billing_period``) and ``annual_amount`` (a yearly amount, /12). Headers
are compared in a lower-case ASCII snake form (:func:`normalise_name`) against the aliases
of each role in English, German, French and Polish (:data:`ALIASES`); a mapping given by
the user comes first (:func:`resolve_roles`). The roles found decide the layout
(:func:`choose_layout`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from funnel_core.domain.i18n import tr
from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_export_data import Layout

__all__ = [
    "ALIASES",
    "EXPLICIT_MRR_NAMES",
    "ROLES",
    "choose_layout",
    "fold_text",
    "normalise_name",
    "recognise_columns",
    "resolve_roles",
]

#: Roles a source column can play. ``mrr`` is a monthly amount (or an amount in the
#: billing period given by ``billing_period``), ``annual_amount`` a yearly amount (/12).
ROLES: tuple[str, ...] = (
    "customer_id", "month", "mrr", "start_date", "end_date", "billing_period",
    "annual_amount",
)

_TRANSLIT = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe"})


def fold_text(text: str) -> str:
    """Lower case with accents dropped.

    ``"Kündigung"`` -> ``"kundigung"``, ``"Łódź"`` -> ``"lodz"``, ``"Straße"`` -> ``"strasse"``.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()


def normalise_name(name: object) -> str:
    """Lower-case ASCII snake form of a header: accents dropped, text in brackets
    dropped, anything not a letter or digit turned into ``_``.

    ``"Kündigungs-Datum (UTC)"`` -> ``"kundigungs_datum"``; ``"MRR (€)"`` -> ``"mrr"``.
    """
    text = fold_text(re.sub(r"[\(\[\{].*?[\)\]\}]", " ", str(name)))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _aliases(*names: str) -> tuple[str, ...]:
    """The names in :func:`normalise_name` form, in order."""
    return tuple(normalise_name(n) for n in names)


#: Header aliases per role (normalised with :func:`normalise_name`), best match first.
ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": _aliases(
        "customer_id", "customer", "customer id", "customer_number", "customer_no",
        "customer_name", "customer_email", "cust_id", "client_id", "client", "client_name",
        "account_id", "account", "account_name", "account_number", "company", "company_name",
        "subscriber", "subscriber_id", "organisation", "organization", "org_id", "tenant",
        "user_id",
        # German
        "kunde", "kunden_id", "kundenid", "kundennummer", "kundennr", "kunden_nr",
        "kundenname", "konto", "firma",
        # French
        "id_client", "client_id", "numero_client", "num_client", "nom_client", "compte",
        "societe",
        # Polish
        "klient", "id_klienta", "klient_id", "nr_klienta", "numer_klienta", "nazwa_klienta",
        "firma_klienta",
    ),
    "month": _aliases(
        "month", "billing_month", "mrr_month", "revenue_month", "month_start", "month_end",
        "snapshot_month", "snapshot_date", "period", "billing_period_start", "date", "as_of",
        "as_of_date", "year_month", "yearmonth",
        "monat", "abrechnungsmonat", "datum", "periode", "zeitraum",
        "mois", "periode", "date",
        "miesiac", "okres", "data", "miesiac_rozliczeniowy",
    ),
    "mrr": _aliases(
        "mrr", "mrr_amount", "monthly_recurring_revenue", "monthly_revenue", "monthly_amount",
        "mrr_usd", "mrr_eur", "amount", "revenue", "value", "price", "plan_amount",
        "subscription_amount", "recurring_revenue", "net_amount", "total",
        "betrag", "umsatz", "monatsumsatz", "monatlicher_umsatz", "monatsbetrag", "preis",
        "montant", "revenu", "revenu_mensuel", "montant_mensuel", "prix", "chiffre_d_affaires",
        "kwota", "przychod", "przychod_miesieczny", "kwota_miesieczna", "wartosc", "cena",
    ),
    "start_date": _aliases(
        "start_date", "start", "started_at", "start_at", "subscription_start",
        "subscription_start_date", "start_month", "begin",
        "begin_date", "valid_from", "from", "activated_at", "activation_date", "created",
        "created_at", "creation_date", "signup_date",
        "startdatum", "beginn", "vertragsbeginn", "abo_start", "gultig_ab", "gueltig_ab",
        "date_debut", "debut", "date_de_debut", "date_d_activation",
        "data_rozpoczecia", "data_startu", "poczatek", "od", "data_od", "data_aktywacji",
    ),
    "end_date": _aliases(
        "end_date", "end", "ended_at", "end_at", "subscription_end", "subscription_end_date",
        "end_month", "churn_date", "churned_at", "cancellation_date", "canceled_at",
        "cancelled_at", "cancel_date", "terminated_at", "termination_date", "valid_to",
        "valid_until", "until", "to",
        "enddatum", "ende", "vertragsende", "abo_ende", "kundigungsdatum",
        "kuendigungsdatum", "gekundigt_am", "gueltig_bis", "gultig_bis",
        "date_fin", "fin", "date_de_fin", "date_resiliation", "date_de_resiliation",
        "data_zakonczenia", "koniec", "do", "data_do", "data_rezygnacji",
        "data_anulowania",
    ),
    "billing_period": _aliases(
        "billing_period", "interval", "billing_interval", "plan_interval", "billing_cycle",
        "billing_frequency", "frequency", "billing", "cycle", "term", "plan_period",
        "payment_interval", "recurring_interval", "plan_interval_unit",
        "abrechnungszeitraum", "abrechnungsintervall", "zahlungsintervall", "intervall",
        "abrechnungsperiode", "zahlweise",
        "periodicite", "frequence_de_facturation", "periode_de_facturation",
        "cycle_de_facturation", "frequence",
        "okres_rozliczeniowy", "cykl_rozliczeniowy", "czestotliwosc", "okres_platnosci",
    ),
    "annual_amount": _aliases(
        "arr", "annual_amount", "annual_recurring_revenue", "annual_revenue", "yearly_amount",
        "annual_value", "arr_amount", "annual_price", "yearly_revenue", "acv",
        "jahresbetrag", "jahresumsatz", "jahreswert",
        "montant_annuel", "revenu_annuel", "chiffre_d_affaires_annuel",
        "kwota_roczna", "przychod_roczny", "wartosc_roczna",
    ),
}

#: MRR column names that are monthly by definition: never divided by a billing period.
EXPLICIT_MRR_NAMES: frozenset[str] = frozenset(_aliases(
    "mrr", "mrr_amount", "monthly_recurring_revenue", "monthly_revenue", "monthly_amount",
    "mrr_usd", "mrr_eur", "monatsumsatz", "monatlicher_umsatz", "monatsbetrag",
    "revenu_mensuel", "montant_mensuel", "przychod_miesieczny", "kwota_miesieczna",
))

#: Words that identify a role when a header is not an exact alias (token match).
_TOKEN_HINTS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer", "client", "account", "kunde", "kunden", "klient", "klienta"),
    "mrr": ("mrr",),
    "annual_amount": ("arr",),
}

_ROLE_SYNONYMS: dict[str, str] = {
    "customer": "customer_id", "customer_id": "customer_id", "id": "customer_id",
    "month": "month", "date": "month", "mrr": "mrr", "amount": "mrr",
    "start": "start_date", "start_date": "start_date", "end": "end_date",
    "end_date": "end_date", "billing_period": "billing_period", "interval": "billing_period",
    "annual_amount": "annual_amount", "arr": "annual_amount",
}


def recognise_columns(columns: Sequence[str]) -> dict[str, str]:
    """Map roles to source columns by their names.

    Each role takes the column whose normalised name is its earliest alias in
    :data:`ALIASES`; a column is used for one role only. When no exact alias matches,
    a header containing a telling word (``customer``, ``mrr``, ``arr``...) is used.

    Returns
    -------
    dict
        ``{role: source column}`` for the roles found.
    """
    norm = {c: normalise_name(c) for c in columns}
    taken: set[str] = set()
    found: dict[str, str] = {}
    # roles in an order that resolves the usual clashes ("date" is a month only when
    # no start/end date exists; "period" is a month, "billing_period" is not)
    for role in ("customer_id", "start_date", "end_date", "billing_period",
                 "annual_amount", "mrr", "month"):
        best: tuple[int, str] | None = None
        for col in columns:
            if col in taken:
                continue
            try:
                rank = ALIASES[role].index(norm[col])
            except ValueError:
                continue
            if best is None or rank < best[0]:
                best = (rank, col)
        if best is not None:
            found[role] = best[1]
            taken.add(best[1])
    for role, hints in _TOKEN_HINTS.items():
        if role in found:
            continue
        for col in columns:
            if col in taken:
                continue
            tokens = norm[col].split("_")
            if len(tokens) <= 4 and set(tokens) & set(hints):
                found[role] = col
                taken.add(col)
                break
    return found


def choose_layout(roles: Mapping[str, str]) -> Layout | None:
    """The layout the roles found allow: subscriptions (customer, start date, end date or
    no month, an amount), monthly (customer, month, an amount), or None."""
    has_amount = "mrr" in roles or "annual_amount" in roles
    if "customer_id" not in roles or not has_amount:
        return None
    if "start_date" in roles and ("end_date" in roles or "month" not in roles):
        return "subscriptions"
    if "month" in roles:
        return "monthly"
    return None


def _short(name: object, limit: int = 40) -> str:
    text = " ".join(str(name).split())
    return repr(text if len(text) <= limit else text[:limit - 3] + "...")


def _missing_layout_message(columns: Sequence[str], roles: Mapping[str, str]) -> str:
    seen = ", ".join(_short(c) for c in columns[:20]) if columns else tr("none")
    if len(columns) > 20:
        seen = tr("{listed} and {n} more", listed=seen, n=len(columns) - 20)
    found = ", ".join(f"{r}={_short(c)}" for r, c in roles.items()) or tr("none")
    return tr(
        "no usable layout: need customer + month + MRR columns (monthly layout) or "
        "customer + start date (+ end date) + MRR/annual amount (subscriptions layout); "
        "columns seen: {seen}; recognised: {found}", seen=seen, found=found
    )


def resolve_roles(header: Sequence[str], mapping: Mapping[str, str] | None,
                  filename: str) -> dict[str, str]:
    """Roles -> columns from an explicit mapping (source column -> role) plus names.

    Only the roles the layout uses are kept, so an odd extra column cannot fail the read.

    Raises
    ------
    CohortInputError
        For an unknown role or a mapped column not in the file, or when the columns fit
        neither layout (the message lists the columns seen and the roles recognised).
    """
    roles: dict[str, str] = {}
    if mapping:
        norm_header = {normalise_name(c): c for c in header}
        for source, role in mapping.items():
            role_key = _ROLE_SYNONYMS.get(str(role).strip().lower(), str(role).strip().lower())
            if role_key not in ROLES:
                raise CohortInputError(filename, tr("unknown role {role} for column {column}; "
                                                    "roles: {roles}", role=repr(role),
                                                    column=repr(source), roles=", ".join(ROLES)),
                                       column=str(source))
            col = source if source in header else norm_header.get(normalise_name(source))
            if col is None:
                raise CohortInputError(
                    filename, tr("mapped column {column} is not in the file; columns seen: "
                                 "{columns}", column=repr(source),
                                 columns=", ".join(repr(c) for c in header)),
                    column=str(source))
            roles[role_key] = col
    rest = [c for c in header if c not in roles.values()]
    for role, col in recognise_columns(rest).items():
        roles.setdefault(role, col)
    layout = choose_layout(roles)
    if layout is None:
        raise CohortInputError(filename, _missing_layout_message(header, roles))
    # drop roles the layout does not use, so an odd extra column cannot fail the read
    used = {"customer_id", "mrr", "annual_amount", "billing_period"}
    used |= {"start_date", "end_date"} if layout == "subscriptions" else {"month"}
    return {r: c for r, c in roles.items() if r in used}


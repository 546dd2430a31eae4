"""Read a customer or billing export and normalise it into one monthly MRR frame.

Two layouts are recognised:

``monthly``
    One row per customer per month: customer id, month (any date inside the month) and
    the MRR of that month.
``subscriptions``
    One row per subscription: customer id, start date, end date (empty while active) and
    MRR -- or an amount plus a billing-period column (``interval = year`` etc.), or an
    annual amount (``ARR``), both normalised to MRR.

Whatever the layout, :func:`read_export` returns an :class:`ExportData` whose
``monthly`` frame holds one row per customer and calendar month in which that customer
paid (MRR > 0)::

    customer  int32    code into ExportData.customers (the original ids)
    month     int32    pandas Period ordinal of the month ("M" frequency:
                       ordinal = (year - 1970) * 12 + month - 1)
    mrr       float64  sum of the customer's MRR in that month (> 0)

sorted by ``(customer, month)``. Several rows for the same customer and month (two
subscriptions, a duplicated line) are added up.

Subscription months
-------------------
A subscription pays in every month from its start month up to the month *before* its
end month; the end date is the first day it no longer pays (Stripe's ``ended_at``, a
plan change's switch date). A subscription that starts and ends in the same month still
pays in that month, so it counts in month 0 of its cohort and is churned at month 1::

    paying months = [start_month, max(start_month, end_month - 1)]

Active subscriptions (empty end date) pay up to the last month of the data, which is the
latest start or end month in the file, but not later than the current calendar month.
That last month may be incomplete when it is the current month; ``complete_through``
then points at the month before.

Row-level problems (missing customer id, negative MRR, unparseable dates, end before
start, ...) never stop the import: the row is skipped and an :class:`RowIssue` with the
1-based spreadsheet row (the header is row 1 unless title rows precede it), the column
and the problem is recorded. A file whose columns match neither layout raises
:class:`CohortInputError`.
"""

from __future__ import annotations

import calendar
import csv
import datetime as _dt
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

Layout = Literal["monthly", "subscriptions"]

#: Roles a source column can play. ``mrr`` is a monthly amount (or an amount in the
#: billing period given by ``billing_period``), ``annual_amount`` a yearly amount (/12).
ROLES: tuple[str, ...] = (
    "customer_id", "month", "mrr", "start_date", "end_date", "billing_period",
    "annual_amount",
)

#: At most this many row-level messages are kept; the rest are summed up per problem.
MAX_ROW_ISSUES = 200

#: Above this many customer x month cells the monthly aggregation switches from a dense
#: ``np.bincount`` to a sort-based group-by (keeps memory bounded).
_DENSE_CELLS_LIMIT = 16_000_000

_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()


class CohortInputError(ValueError):
    """The export cannot be used: no recognisable layout, unreadable file, no good rows.

    Attributes
    ----------
    file : name of the file (as given by the caller).
    row : 1-based spreadsheet row of the problem, or ``None`` when it is file-wide.
    column : source column of the problem, or ``None``.
    problem : the message without the file name.
    """

    def __init__(self, file: str, problem: str, *, row: int | None = None,
                 column: str | None = None, locate: bool = True) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.problem = problem
        where = file
        if row is not None and locate:  # locate=False: the problem text names the place already
            where += f", row {row}"
        if column is not None and locate:
            where += f", column {column!r}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class RowIssue:
    """One problem found while reading the export.

    Attributes
    ----------
    row : 1-based spreadsheet row, ``None`` for a file-wide note.
    column : source column concerned, ``None`` when not about one column.
    message : what is wrong, in plain words.
    severity : ``"error"`` (the row was skipped) or ``"warning"`` (kept, but check it).
    """

    row: int | None
    column: str | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict ``{"row", "column", "message", "severity"}``."""
        return {"row": self.row, "column": self.column, "message": self.message,
                "severity": self.severity}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        return f"{prefix}{self.message}"


@dataclass
class ExportData:
    """A customer export normalised to one row per customer and paying month.

    Attributes
    ----------
    monthly : DataFrame with int32 ``customer`` codes, int32 ``month`` Period ordinals
        and float64 ``mrr`` (> 0), one row per customer and month, sorted by both.
    customers : the original customer ids; ``customers[code]`` is the id of a code.
    first_month, last_month : Period ordinals of the first and the last observed month.
        Months in between without a row for a customer mean "not paying".
    complete_through : Period ordinal of the latest complete month (``last_month``, or
        the month before when ``last_month`` is the current, still running month).
    layout : ``"monthly"`` or ``"subscriptions"``.
    filename : the name given to :func:`read_export`.
    columns : role -> source column actually used.
    issues : row-level errors (skipped rows) and warnings, at most
        :data:`MAX_ROW_ISSUES` row messages plus per-problem totals.
    skipped_rows : number of data rows skipped because of an error.
    rows_read : number of data rows in the file (blank rows excluded).
    date_order : how ambiguous numeric dates were read: ``"day_first"``,
        ``"month_first"`` or ``None`` when no ambiguous date occurred.
    """

    monthly: pd.DataFrame
    customers: pd.Index
    first_month: int
    last_month: int
    complete_through: int
    layout: Layout
    filename: str
    columns: dict[str, str] = field(default_factory=dict)
    issues: list[RowIssue] = field(default_factory=list)
    skipped_rows: int = 0
    rows_read: int = 0
    date_order: str | None = None

    @property
    def n_months(self) -> int:
        """Number of observed months, ``last_month - first_month + 1``."""
        return int(self.last_month - self.first_month + 1)

    @property
    def n_customers(self) -> int:
        """Number of distinct customer ids among the good rows."""
        return len(self.customers)

    def month_label(self, ordinal: int) -> str:
        """``"YYYY-MM"`` for a Period ordinal."""
        return month_label(ordinal)

    def to_frame(self) -> pd.DataFrame:
        """The monthly frame with readable values: customer ids (categorical),
        ``pandas.Period`` months and MRR."""
        m = self.monthly
        return pd.DataFrame({
            "customer": pd.Categorical.from_codes(m["customer"].to_numpy(),
                                                  categories=self.customers),
            "month": pd.PeriodIndex.from_ordinals(m["month"].to_numpy(np.int64), freq="M"),
            "mrr": m["mrr"].to_numpy(),
        })


# ---------------------------------------------------------------------------------------
# small helpers shared with cohorts.py
# ---------------------------------------------------------------------------------------

def month_label(ordinal: int) -> str:
    """``"YYYY-MM"`` for a monthly Period ordinal (months since 1970-01)."""
    y, m = divmod(int(ordinal), 12)
    return f"{1970 + y:04d}-{m + 1:02d}"


def parse_month_label(text: str) -> int:
    """Period ordinal of ``"YYYY-MM"`` (also accepts any date format :func:`read_export`
    understands, e.g. ``"01/2025"`` or ``"Jan 2025"``).

    Raises
    ------
    ValueError
        When the text is not a month.
    """
    parsed = _parse_one_date(str(text).strip())
    if parsed is None:
        raise ValueError(f"not a month: {text!r} (use YYYY-MM)")
    if isinstance(parsed, _Ambiguous):
        parsed = parsed.resolve(day_first=True)
        if parsed is None:
            raise ValueError(f"not a month: {text!r} (use YYYY-MM)")
    return parsed[0]


def _month_ordinal(year: int, month: int) -> int:
    return (year - 1970) * 12 + month - 1


# ---------------------------------------------------------------------------------------
# column name recognition
# ---------------------------------------------------------------------------------------

_TRANSLIT = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe"})


def normalise_name(name: object) -> str:
    """Lower-case ASCII snake form of a header: accents dropped, text in brackets
    dropped, anything not a letter or digit turned into ``_``.

    ``"Kündigungs-Datum (UTC)"`` -> ``"kundigungs_datum"``; ``"MRR (€)"`` -> ``"mrr"``.
    """
    text = str(name).translate(_TRANSLIT)
    text = re.sub(r"[\(\[\{].*?[\)\]\}]", " ", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text


def _aliases(*names: str) -> tuple[str, ...]:
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
_EXPLICIT_MRR = frozenset(_aliases(
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


def _choose_layout(roles: Mapping[str, str]) -> Layout | None:
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
    seen = ", ".join(_short(c) for c in columns[:20]) if columns else "none"
    if len(columns) > 20:
        seen += f" and {len(columns) - 20} more"
    found = ", ".join(f"{r}={_short(c)}" for r, c in roles.items()) or "none"
    return (
        "no usable layout: need customer + month + MRR columns (monthly layout) or "
        "customer + start date (+ end date) + MRR/annual amount (subscriptions layout); "
        f"columns seen: {seen}; recognised: {found}"
    )


# ---------------------------------------------------------------------------------------
# date parsing (done once per distinct value)
# ---------------------------------------------------------------------------------------

from funnel_core.inputs.parsing import MONTH_NAMES as _MONTH_NAMES  # one table of month names in en/de/fr/pl

_RE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:[T\s].*)?$")
_RE_DMY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[T\s].*)?$")
_RE_MY = re.compile(r"^(\d{1,2})[./-](\d{4})$")
_RE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_RE_TOKENS = re.compile(r"[^\W\d_]+|\d+")

#: A parsed date: (month ordinal, day ordinal since 1970-01-01, has_day).
_Date = tuple[int, int, bool]


@dataclass(frozen=True)
class _Ambiguous:
    """``a/b/yyyy`` where both ``a`` and ``b`` could be the day."""

    a: int
    b: int
    year: int
    sep: str

    def resolve(self, *, day_first: bool) -> _Date | None:
        day, month = (self.a, self.b) if day_first else (self.b, self.a)
        return _make_date(self.year, month, day)


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if len(text) <= 2 else y


def _make_date(year: int, month: int, day: int | None) -> _Date | None:
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        return None
    if day is None:
        return (_month_ordinal(year, month),
                _dt.date(year, month, 1).toordinal() - _EPOCH_ORDINAL, False)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return (_month_ordinal(year, month),
            _dt.date(year, month, day).toordinal() - _EPOCH_ORDINAL, True)


def _parse_one_date(value: object, *, excel: bool = False) -> _Date | _Ambiguous | None:
    """Parse one cell value; ``None`` when it is not a date."""
    if isinstance(value, (_dt.datetime, _dt.date, pd.Timestamp)):
        if pd.isna(value):
            return None
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if not np.isfinite(value) or float(value) != int(value):
            return None
        n = int(value)
        if 190001 <= n <= 220012:
            return _make_date(n // 100, n % 100, None)
        if 19000101 <= n <= 22001231:
            return _make_date(n // 10000, n // 100 % 100, n % 100)
        if excel and 1 <= n <= 200_000:  # Excel serial day number (1900 system)
            d = _dt.date(1899, 12, 30) + _dt.timedelta(days=n)
            return _make_date(d.year, d.month, d.day)
        return None
    text = str(value).strip()
    if not text:
        return None
    m = _RE_ISO.match(text)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    m = _RE_DMY.match(text)
    if m:
        a, b, y = int(m[1]), int(m[3]), _year(m[4])
        if a > 12 and b <= 12:
            return _make_date(y, b, a)
        if b > 12 and a <= 12:
            return _make_date(y, a, b)
        if a > 12 and b > 12:
            return None
        if a == b:
            return _make_date(y, a, b)
        return _Ambiguous(a, b, y, m[2])
    m = _RE_MY.match(text)
    if m:
        return _make_date(int(m[2]), int(m[1]), None)
    m = _RE_COMPACT.match(text)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    # month names: "Jan 2025", "31 Jan 2025", "January 31, 2025", "01-Jan-25", "Jan-25"
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    tokens = _RE_TOKENS.findall(folded)
    month = None
    numbers: list[str] = []
    for tok in tokens:
        if tok.isdigit():
            numbers.append(tok)
        elif tok in _MONTH_NAMES and month is None:
            month = _MONTH_NAMES[tok]
        elif tok in ("t", "z", "am", "pm", "utc", "gmt", "r", "rok"):
            continue
        else:
            return None
    if month is None:
        return None
    numbers = numbers[:3]
    if len(numbers) > 2 and len(numbers[2]) <= 2:  # a time like 10:00 after the date
        numbers = numbers[:2]
    fours = [n for n in numbers if len(n) == 4]
    if len(numbers) == 1:
        return _make_date(_year(numbers[0]), month, None)
    if len(numbers) == 2:
        if fours:
            year = fours[0]
            day = numbers[0] if numbers[1] == year else numbers[1]
            return _make_date(int(year), month, int(day))
        return _make_date(_year(numbers[1]), month, int(numbers[0]))
    return None


@dataclass
class _DateColumn:
    """A date column: per-distinct-value results and the row codes.

    Row arrays are gathered on first use (``u_x[codes]``; code -1, an empty cell, picks
    the last slot), so the monthly layout never builds the day arrays it does not need.
    """

    codes: np.ndarray
    u_month: np.ndarray    # int32 Period ordinal
    u_day: np.ndarray      # int32 days since 1970-01-01
    u_has_day: np.ndarray  # bool: the value had a day (not only a month)
    u_missing: np.ndarray  # bool: empty cell
    u_bad: np.ndarray      # bool: not a date
    raw: Callable[[int], object]  # original value of row i (for messages)
    _cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def _rows(self, name: str) -> np.ndarray:
        if name not in self._cache:
            per_value = getattr(self, "u_" + name)
            if per_value.dtype == bool and not per_value[:-1].any() and (
                    not per_value[-1] or len(self.codes) == 0 or self.codes.min() >= 0):
                rows = np.zeros(len(self.codes), dtype=bool)  # the usual case: none
            else:
                rows = per_value[self.codes]
            self._cache[name] = rows
        return self._cache[name]

    @property
    def month(self) -> np.ndarray:
        return self._rows("month")

    @property
    def day(self) -> np.ndarray:
        return self._rows("day")

    @property
    def has_day(self) -> np.ndarray:
        return self._rows("has_day")

    @property
    def missing(self) -> np.ndarray:
        return self._rows("missing")

    @property
    def bad(self) -> np.ndarray:
        return self._rows("bad")


def _empty_bool(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


# ---------------------------------------------------------------------------------------
# reading columns: pyarrow (CSV) or pandas (Excel / fallback) columns, same results
# ---------------------------------------------------------------------------------------

def _is_arrow(col: object) -> bool:
    return type(col).__module__.startswith("pyarrow")


def _codes_uniques(col: Any) -> tuple[np.ndarray, list[object]]:
    """Integer codes (-1 = null) and the distinct values of a column."""
    if _is_arrow(col):
        import pyarrow as pa
        import pyarrow.compute as pc

        chunked = col if isinstance(col, pa.ChunkedArray) else pa.chunked_array([col])
        if not pa.types.is_dictionary(chunked.type):
            if chunked.num_chunks == 0:
                return np.zeros(0, np.int32), []
            chunked = pc.dictionary_encode(chunked)
            if not isinstance(chunked, pa.ChunkedArray):
                chunked = pa.chunked_array([chunked])
        chunked = chunked.unify_dictionaries()
        if chunked.num_chunks == 0:
            return np.zeros(0, np.int32), []
        parts = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                 for c in chunked.chunks]
        codes = np.concatenate(parts).astype(np.int32, copy=False)
        uniques = chunked.chunk(0).dictionary.to_pylist()
        return codes, uniques
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes.astype(np.int32, copy=False), list(uniques)


def _arrow_kind(col: Any) -> str:
    import pyarrow as pa

    t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    return "other"


def _date_column(cols: Sequence[Any], *, excel: bool
                 ) -> tuple[list[_DateColumn], str | None, str | None]:
    """Parse one or more date columns with one shared day/month order.

    Each distinct value is parsed once; rows get the result by their code.

    Returns
    -------
    (columns, order, note)
        ``order`` is ``"day_first"``/``"month_first"``/``None`` (no ambiguous dates);
        ``note`` is a warning when the order could not be told from the values (day
        first was used) or when the file mixes both orders, else None.
    """
    prepared: list[tuple[str, Any, Any]] = []
    ambiguous: list[_Ambiguous] = []
    for col in cols:
        codes, uniques = _codes_uniques(col)
        parsed = _parse_date_uniques(uniques, excel=excel)
        ambiguous.extend(parsed.ambiguous.values())
        prepared.append(("codes", (codes, uniques, parsed), col))

    # values only possible one way round (13/01/2025 -> day first, 01/13/2025 -> month
    # first) settle the order of the ambiguous ones (01/02/2025); default day first
    evidence, mixed = _numeric_order_evidence(prepared)
    order: str | None = evidence
    note: str | None = None
    first = "month" if order == "month_first" else "day"
    example = "2 Jan" if order == "month_first" else "1 Feb"
    if ambiguous and order is None:
        order = "day_first"
        # dotted dates (01.02.2025) are day first by convention: no need to warn
        if any(a.sep != "." for a in ambiguous):
            note = ("dates such as 01/02/2025 fit both day/month and month/day order and "
                    "nothing in the file tells which; they were read day first "
                    "(01/02/2025 = 1 Feb 2025). Use ISO dates (2025-02-01) to be sure.")
    elif mixed:
        note = ("the dates mix day/month (13/01/2025) and month/day (01/13/2025) order; "
                f"ambiguous ones were read {first} first (01/02/2025 = {example} 2025), "
                "as most dates are. Check the file or use ISO dates (2025-02-01).")

    out: list[_DateColumn] = []
    for _, payload, col in prepared:
        codes, uniques, parsed = payload
        for i, amb in parsed.ambiguous.items():
            p = amb.resolve(day_first=(order != "month_first"))
            if p is not None:
                parsed.month[i], parsed.day[i], parsed.has_day[i] = p
                parsed.ok[i] = True
        # one extra slot at the end for code -1 (an empty cell)
        out.append(_DateColumn(
            codes=codes,
            u_month=np.append(parsed.month, np.int32(0)),
            u_day=np.append(parsed.day, np.int32(0)),
            u_has_day=np.append(parsed.has_day, False),
            u_missing=np.append(parsed.blank, True),
            u_bad=np.append(~parsed.ok & ~parsed.blank, False),
            raw=_raw_getter(col, codes, uniques)))
    return out, order, note


@dataclass
class _ParsedDates:
    """Parse results per distinct value."""

    month: np.ndarray      # int32
    day: np.ndarray        # int32
    has_day: np.ndarray    # bool
    ok: np.ndarray         # bool: parsed
    blank: np.ndarray      # bool: empty cell
    ambiguous: dict[int, _Ambiguous]
    day_first_votes: int = 0     # values like 13/01/2025
    month_first_votes: int = 0   # values like 01/13/2025


_RE_ISO_DAY_PREFIX = r"^\d{4}-\d{2}-\d{2}(?:[T ]|$)"


def _parse_date_uniques(uniques: list[object], *, excel: bool) -> _ParsedDates:
    """Parse distinct date values: ``YYYY-MM-DD...`` strings vectorised when there are
    many (timestamps), everything else one by one with :func:`_parse_one_date`."""
    n = len(uniques)
    out = _ParsedDates(np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, bool),
                       np.zeros(n, bool), np.zeros(n, bool), {})
    todo = range(n)
    if n > 2000 and all(type(u) is str for u in uniques):
        texts = pd.Series(uniques, dtype="str")
        iso = texts.str.match(_RE_ISO_DAY_PREFIX).to_numpy(dtype=bool)
        if iso.any():
            ts = pd.to_datetime(texts[iso].str.slice(0, 10), format="%Y-%m-%d",
                                errors="coerce")
            good = ts.notna().to_numpy()
            days = ts.to_numpy(dtype="datetime64[D]")
            where = np.flatnonzero(iso)[good]
            out.day[where] = days[good].astype(np.int64)
            out.month[where] = days[good].astype("datetime64[M]").astype(np.int64)
            out.has_day[where] = True
            out.ok[where] = True
            todo = np.flatnonzero(~out.ok).tolist()
    for i in todo:
        u = uniques[i]
        p = _parse_one_date(u, excel=excel)
        if p is None:
            out.blank[i] = _is_blank(u)
        elif isinstance(p, _Ambiguous):
            out.ambiguous[i] = p
        else:
            out.month[i], out.day[i], out.has_day[i] = p
            out.ok[i] = True
            if isinstance(u, str) and (m := _RE_DMY.match(u.strip())):
                a, b = int(m[1]), int(m[3])
                out.day_first_votes += a > 12 >= b
                out.month_first_votes += b > 12 >= a
    return out


def _numeric_order_evidence(prepared: list[tuple[str, Any, Any]]) -> tuple[str | None, bool]:
    """Day-first or month-first from values like 13/01/2025 or 01/13/2025.

    Returns ``(order or None, mixed)``; ``mixed`` when both kinds occur (the majority
    wins for the ambiguous values).
    """
    day_first = sum(p[1][2].day_first_votes for p in prepared)
    month_first = sum(p[1][2].month_first_votes for p in prepared)
    if not (day_first or month_first):
        return None, False
    order = "day_first" if day_first >= month_first else "month_first"
    return order, bool(day_first and month_first)


def _raw_getter(col: Any, codes: np.ndarray | None = None,
                uniques: list[object] | None = None) -> Callable[[int], object]:
    if codes is not None and uniques is not None:
        def get(i: int) -> object:
            c = int(codes[i])
            return None if c < 0 else uniques[c]
        return get
    if _is_arrow(col):
        return lambda i: col[i].as_py()
    values = col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)
    return lambda i: values[i]


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    if value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, str) and value.strip().lower() in ("", "nan", "nat", "null",
                                                                 "none", "n/a", "na", "-")


# ---------------------------------------------------------------------------------------
# amounts
# ---------------------------------------------------------------------------------------

_RE_AMOUNT_CHARS = re.compile(r"[^\d,.\-+()]")


def _amount_text(text: str, decimal_comma: bool | None) -> float | None:
    """Parse ``"1,234.50"``, ``"1.234,50"``, ``"€ 99"``, ``"(12.00)"``; ``None`` if not a
    number. ``decimal_comma`` decides ``"1,234"``-like values (None: dot decimal)."""
    s = text.strip()
    if not s:
        return None
    neg = s.startswith("(") and s.endswith(")")
    s = _RE_AMOUNT_CHARS.sub("", s.replace("\u2212", "-"))
    s = s.strip("()")
    if s.endswith("-") and not s.startswith("-"):
        s = "-" + s[:-1]
    if not s or not re.search(r"\d", s):
        return None
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif "," in s:
        parts = s.split(",")
        if decimal_comma or (decimal_comma is None and len(parts) == 2
                             and len(parts[1]) != 3):
            if len(parts) != 2:
                return None
            s = s.replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    elif "." in s and decimal_comma and len(s.split(".")[1]) == 3:
        s = s.replace(".", "")
    try:
        v = float(s)
    except ValueError:
        return None
    return -v if neg else v


def _decimal_comma(texts: Iterable[str], default: bool) -> bool:
    comma = dot = 0
    for t in texts:
        t = t.strip()
        i, j = t.rfind(","), t.rfind(".")
        if i >= 0 and j >= 0:
            if i > j:
                comma += 1
            else:
                dot += 1
        elif i >= 0 and len(t) - i - 1 in (1, 2):
            comma += 1
        elif j >= 0 and len(t) - j - 1 in (1, 2):
            dot += 1
    if comma or dot:
        return comma > dot
    return default


@dataclass
class _AmountColumn:
    value: np.ndarray      # float64, NaN where missing/bad
    missing: np.ndarray
    bad: np.ndarray
    raw: Callable[[int], object]


def _amount_column(col: Any, *, decimal_comma_default: bool) -> _AmountColumn:
    if _is_arrow(col) and _arrow_kind(col) == "number":
        values = col.to_numpy(zero_copy_only=False)
        values = values.astype(np.float64, copy=False)
        missing = np.isnan(values)
        return _AmountColumn(values, missing, _empty_bool(len(values)), _raw_getter(col))
    if not _is_arrow(col):
        series = pd.Series(col)
        if series.dtype.kind in "if":
            values = series.to_numpy(np.float64, na_value=np.nan)
            return _AmountColumn(values, np.isnan(values), _empty_bool(len(values)),
                                 _raw_getter(series))
    codes, uniques = _codes_uniques(col)
    texts = [u for u in uniques if isinstance(u, str)]
    dec_comma = _decimal_comma(texts, decimal_comma_default)
    n_u = len(uniques)
    u_val = np.full(n_u + 1, np.nan)
    u_missing = np.zeros(n_u + 1, bool)
    u_bad = np.zeros(n_u + 1, bool)
    u_missing[n_u] = True
    for i, u in enumerate(uniques):
        if _is_blank(u):
            u_missing[i] = True
            continue
        if isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool):
            u_val[i] = float(u)
            continue
        v = _amount_text(str(u), dec_comma)
        if v is None:
            u_bad[i] = True
        else:
            u_val[i] = v
    return _AmountColumn(u_val[codes], u_missing[codes], u_bad[codes],
                         _raw_getter(col, codes, uniques))


# ---------------------------------------------------------------------------------------
# billing periods
# ---------------------------------------------------------------------------------------

_PERIOD_MONTHS: dict[str, float] = {}
for _months, _words in (
    (1.0, "month monthly months mo mon m 1 1m 1_month p1m monat monatlich monthlich mensuel "
          "mensuelle mois miesiac miesiecznie miesieczny miesieczna"),
    (3.0, "quarter quarterly q 3 3m 3_months p3m quartal quartalsweise vierteljahrlich "
          "vierteljaehrlich trimestre trimestriel trimestrielle kwartal kwartalnie kwartalny"),
    (6.0, "half_year half_yearly semiannual semi_annual semiannually 6 6m 6_months p6m "
          "halbjahr halbjahrlich halbjaehrlich semestre semestriel polrocze polroczny"),
    (12.0, "year yearly annual annually annum y yr 12 12m 12_months 1y p1y jahr jahrlich "
           "jaehrlich annee annuel annuelle an rok roczny rocznie roczna"),
    (24.0, "2_years biennial 24 24m 2y p2y"),
    (12.0 / 52.0, "week weekly wk w woche wochentlich semaine hebdomadaire tydzien "
                  "tygodniowo"),
    (12.0 / 365.0, "day daily d tag taglich jour quotidien dzien dziennie"),
):
    for _w in _words.split():
        _PERIOD_MONTHS[_w] = _months


def _period_months(value: object) -> float | None:
    """Months covered by one billing period (``"year"`` -> 12), None if unknown."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value) if np.isfinite(value) and value > 0 else None
    key = normalise_name(value)
    if key in _PERIOD_MONTHS:
        return _PERIOD_MONTHS[key]
    m = re.fullmatch(r"(\d+)_?(month|months|monate|mois|miesiace|miesiecy|m)", key)
    if m:
        return float(m[1])
    m = re.fullmatch(r"(\d+)_?(year|years|jahre|ans|lata|lat|y)", key)
    if m:
        return 12.0 * float(m[1])
    return None


# ---------------------------------------------------------------------------------------
# issue collection
# ---------------------------------------------------------------------------------------

class _Issues:
    """Collects row-level problems vectorised, keeps the first messages."""

    def __init__(self, n_rows: int, row_number: Callable[[np.ndarray], np.ndarray]) -> None:
        self.n_rows = n_rows
        self.row_number = row_number
        self.skip = np.zeros(n_rows, dtype=bool)
        self._rows: list[tuple[int, int, int, RowIssue]] = []
        self._totals: list[tuple[str | None, str, int, str]] = []
        self.file_notes: list[RowIssue] = []

    def flag(self, mask: np.ndarray, column: str | None, what: str,
             message: Callable[[int], str], *,
             severity: Literal["error", "warning"] = "error") -> int:
        """Record rows where ``mask`` is true and not already skipped.

        ``message(i)`` builds the text for data row index ``i`` (called for the first
        :data:`MAX_ROW_ISSUES` rows only). Errors mark the rows as skipped. Returns the
        number of rows flagged.
        """
        if not mask.any():
            return 0
        mask = mask & ~self.skip
        idx = np.flatnonzero(mask)
        if not len(idx):
            return 0
        if severity == "error":
            self.skip |= mask
        which = len(self._totals)
        self._totals.append((column, what, len(idx), severity))
        head = idx[:MAX_ROW_ISSUES]
        for i, r in zip(head, self.row_number(head)):
            self._rows.append((int(r), len(self._rows), which,
                               RowIssue(int(r), column, message(int(i)), severity)))
        return len(idx)

    def note(self, message: str, *, column: str | None = None,
             severity: Literal["error", "warning"] = "warning") -> None:
        """A file-wide remark (no row)."""
        self.file_notes.append(RowIssue(None, column, message, severity))

    def result(self) -> list[RowIssue]:
        """File notes, then row messages by row (capped), then totals of the rest."""
        rows = sorted(self._rows, key=lambda t: (t[0], t[1]))[:MAX_ROW_ISSUES]
        shown = [0] * len(self._totals)
        for _, _, which, _ in rows:
            shown[which] += 1
        out = list(self.file_notes) + [t[3] for t in rows]
        for (column, what, n, severity), k in zip(self._totals, shown):
            if n > k:
                out.append(RowIssue(None, column, f"{what}: {n:,} rows in total "
                                                  f"({n - k:,} not listed one by one)",
                                    severity))
        return out


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


# ---------------------------------------------------------------------------------------
# file reading
# ---------------------------------------------------------------------------------------

@dataclass
class _Raw:
    """A read sheet: named columns (pyarrow or pandas) and the row numbering."""

    header: list[str]
    columns: dict[str, Any]
    n_rows: int
    first_row: int                    # spreadsheet row of data row 0
    row_numbers: np.ndarray | None    # explicit numbering (Excel with gaps, bad CSV rows)
    excel: bool
    decimal_comma: bool
    bad_rows: list[RowIssue] = field(default_factory=list)  # ragged CSV lines, skipped
    n_bad_rows: int = 0

    def row_number(self, idx: np.ndarray) -> np.ndarray:
        if self.row_numbers is not None:
            return self.row_numbers[idx]
        return idx + self.first_row


_XLSX_EXT = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


@dataclass
class _Source:
    """The input: whole bytes, or a path read lazily (CSV goes to pyarrow by path)."""

    blob: bytes | None
    path: str | None
    head: bytes

    def bytes(self) -> bytes:
        if self.blob is None:
            assert self.path is not None
            with open(self.path, "rb") as fh:
                self.blob = fh.read()
        return self.blob

    def stream(self) -> Any:
        """Something pyarrow / pandas can read from."""
        return self.path if self.blob is None else io.BytesIO(self.blob)


def _open_source(data: Any, filename: str) -> _Source:
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        try:
            with open(path, "rb") as fh:
                head = fh.read(65536)
        except OSError as exc:
            raise CohortInputError(filename, f"cannot read the file: "
                                             f"{exc.strerror or exc}") from None
        return _Source(None, path, head)
    if isinstance(data, (bytes, bytearray, memoryview)):
        blob = bytes(data)
    elif hasattr(data, "getvalue"):
        blob = bytes(data.getvalue())
    elif hasattr(data, "read"):
        blob = bytes(data.read())
    else:
        raise TypeError(f"read_export: data must be bytes or a path, not {type(data).__name__}")
    return _Source(blob, None, blob[:65536])


def _dedupe(names: Sequence[object]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        name = "" if _is_blank(n) else str(n).strip()
        if not name:
            name = f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _header_score(cells: Sequence[object]) -> int:
    names = [str(c) for c in cells if not _is_blank(c)]
    if not names:
        return 0
    roles = recognise_columns(names)
    return len(roles) + (2 if _choose_layout(roles) else 0)


def _find_header(rows: Sequence[Sequence[object]]) -> int:
    best, best_score = 0, 0
    for i, row in enumerate(rows[:20]):
        s = _header_score(row)
        if s > best_score:
            best, best_score = i, s
    return best


def _sniff_csv(sample: bytes) -> tuple[str, str, list[list[str]]]:
    """Encoding, delimiter and the first rows of a CSV from its first bytes."""
    encoding = "utf-8"
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a multi-byte char cut at the sample's end
            text = sample[:exc.start].decode("utf-8-sig")
        else:
            encoding = "cp1252"
            text = sample.decode("cp1252", errors="replace")
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    if not lines:
        return encoding, ",", []
    # the delimiter whose per-line count is the same on most lines (title rows without
    # delimiters do not matter), then the one with more columns
    best, best_score = ",", (0, 0)
    for delim in (",", ";", "\t", "|"):
        counts = [ln.count(delim) for ln in lines[:20]]
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        mode = max(set(nonzero), key=lambda c: (nonzero.count(c), c))
        score = (nonzero.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    rows = list(csv.reader(lines[:25], delimiter=best))
    return encoding, best, rows


def _read_csv(src: _Source, filename: str, roles_hint: Mapping[str, str] | None) -> _Raw:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    encoding, delim, head = _sniff_csv(src.head)
    if not head:
        raise CohortInputError(filename, "the file is empty")
    h = _find_header(head)
    header = _dedupe(head[h])
    # physical line of the header (blank lines before it are skipped by the parser)
    text_lines = src.head.decode(encoding if encoding != "utf-8" else "utf-8-sig",
                                     errors="replace").splitlines()
    nonblank = [i for i, ln in enumerate(text_lines) if ln.strip()]
    header_line = nonblank[h] if h < len(nonblank) else h

    roles = _resolve_roles(header, roles_hint, filename)
    needed = [c for c in dict.fromkeys(roles.values())]
    dict_type = pa.dictionary(pa.int32(), pa.string())

    invalid: list[tuple[int | None, str, int, int]] = []

    def on_invalid(row: Any) -> str:
        invalid.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    def attempt(force_text: bool, threads: bool, enc: str, newlines: bool = False) -> Any:
        invalid.clear()
        # ids and dates are always read as text (1.2025 is a month, 00123 an id);
        # amounts are left to pyarrow's fast number parsing
        text_roles = ("customer_id", "month", "start_date", "end_date", "billing_period")
        types = {roles[r]: dict_type for r in text_roles if r in roles}
        if force_text:
            types = {c: dict_type for c in needed}
        return pcsv.read_csv(
            src.stream(),
            read_options=pcsv.ReadOptions(column_names=header, skip_rows=header_line + 1,
                                          encoding=enc, use_threads=threads,
                                          block_size=4 << 20),
            parse_options=pcsv.ParseOptions(delimiter=delim, invalid_row_handler=on_invalid,
                                            newlines_in_values=newlines),
            convert_options=pcsv.ConvertOptions(
                include_columns=needed, column_types=types, auto_dict_encode=True,
                auto_dict_max_cardinality=2**31 - 1, strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )

    def has_binary(t: Any) -> bool:
        return any(pa.types.is_binary(t.column(c).type)
                   or (pa.types.is_dictionary(t.column(c).type)
                       and pa.types.is_binary(t.column(c).type.value_type))
                   for c in needed)

    # UTF-8 first (unless the start of the file is clearly not), then Windows-1252 (an
    # Excel export); per encoding, numbers as pyarrow infers them, then all as text
    encodings = ["utf8", "cp1252"] if encoding == "utf-8" else [encoding]
    table = None
    enc = encodings[0]
    used_force_text = False
    last_error: Exception | None = None
    for enc in encodings:
        for force_text in (False, True):
            try:
                table = attempt(force_text, True, enc)
                used_force_text = force_text
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                last_error, table = exc, None
                if "utf8" in str(exc).lower().replace("-", ""):
                    break  # try the next encoding
                continue
            if has_binary(table):
                last_error, table = ValueError("the file is not valid UTF-8"), None
                break
            break
        if table is not None:
            break
    if table is None:
        raise CohortInputError(filename, f"cannot read the CSV: {last_error}")
    if invalid:
        # quoted values with line breaks look like short rows to the fast parser: read
        # again allowing them; if every row is then fine, keep that reading
        first_invalid = list(invalid)
        try:
            retry = attempt(used_force_text, True, enc, newlines=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            retry = None
        if retry is not None and not invalid:
            table = retry
        else:
            invalid[:] = first_invalid
            if any(num is None for num, *_ in invalid):
                # single-threaded, the parser knows the line numbers
                table = attempt(used_force_text, False, enc)
    bad_rows: list[RowIssue] = []
    row_numbers = None
    if invalid:
        lines = sorted(int(num) for num, *_ in invalid if num is not None)
        for num, text, exp, act in sorted(invalid, key=lambda t: t[0] or 0)[:MAX_ROW_ISSUES]:
            bad_rows.append(RowIssue(num, None, f"expected {exp} columns, found {act}"))
        if len(invalid) > MAX_ROW_ISSUES:
            bad_rows.append(RowIssue(None, None, f"{len(invalid):,} rows in total have the "
                                                 "wrong number of columns"))
        # data row i sits on physical line i + header_line + 2 plus the bad lines before
        base = np.arange(table.num_rows, dtype=np.int64) + header_line + 2
        bad = np.asarray(lines, dtype=np.int64)
        # good row i sits on base_i plus the number of bad lines before it:
        # with bad lines b_0 < b_1 < ..., that is #{j : b_j - j <= base_i}
        row_numbers = base + np.searchsorted(bad - np.arange(len(bad)), base, side="right")
    return _Raw(header=header, columns={c: table.column(c) for c in needed},
                n_rows=table.num_rows, first_row=header_line + 2, row_numbers=row_numbers,
                excel=False, decimal_comma=(delim == ";"), bad_rows=bad_rows,
                n_bad_rows=len(invalid))


def _read_excel(src: _Source, filename: str, sheet: str | int | None,
                roles_hint: Mapping[str, str] | None) -> _Raw:
    blob = src.bytes()
    try:
        from python_calamine import CalamineWorkbook

        names = CalamineWorkbook.from_filelike(io.BytesIO(blob)).sheet_names
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file
        raise CohortInputError(filename, f"cannot read the spreadsheet: {exc}") from None
    if sheet is not None:
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise CohortInputError(filename, f"no sheet number {sheet}; sheets: "
                                                 + ", ".join(map(repr, names)))
            candidates = [names[sheet]]
        elif sheet not in names:
            raise CohortInputError(filename, f"no sheet {sheet!r}; sheets: "
                                             + ", ".join(map(repr, names)))
        else:
            candidates = [sheet]
    else:
        candidates = list(names)
    first_error: CohortInputError | None = None
    for name in candidates:
        df = pd.read_excel(io.BytesIO(blob), engine="calamine", sheet_name=name, header=None)
        if df.empty:
            if first_error is None:
                first_error = CohortInputError(filename, f"sheet {name!r} is empty")
            continue
        head = [list(r) for r in df.head(20).itertuples(index=False, name=None)]
        h = _find_header(head)
        header = _dedupe(head[h])
        try:
            roles = _resolve_roles(header, roles_hint, filename)
        except CohortInputError as exc:
            if first_error is None:
                first_error = exc
            continue
        body = df.iloc[h + 1:]
        needed = list(dict.fromkeys(roles.values()))
        cols = {}
        for c in needed:
            series = body.iloc[:, header.index(c)]
            cols[c] = series.reset_index(drop=True).infer_objects()
        return _Raw(header=header, columns=cols, n_rows=len(body), first_row=h + 2,
                    row_numbers=body.index.to_numpy(np.int64) + 1, excel=True,
                    decimal_comma=False)
    assert first_error is not None
    raise first_error


def _resolve_roles(header: Sequence[str], mapping: Mapping[str, str] | None,
                   filename: str) -> dict[str, str]:
    """Roles -> columns from an explicit mapping (source column -> role) plus names."""
    roles: dict[str, str] = {}
    if mapping:
        norm_header = {normalise_name(c): c for c in header}
        for source, role in mapping.items():
            role_key = _ROLE_SYNONYMS.get(str(role).strip().lower(), str(role).strip().lower())
            if role_key not in ROLES:
                raise CohortInputError(filename, f"unknown role {role!r} for column {source!r};"
                                                 f" roles: {', '.join(ROLES)}",
                                       column=str(source))
            col = source if source in header else norm_header.get(normalise_name(source))
            if col is None:
                raise CohortInputError(
                    filename, f"mapped column {source!r} is not in the file; columns seen: "
                    + ", ".join(repr(c) for c in header), column=str(source))
            roles[role_key] = col
    rest = [c for c in header if c not in roles.values()]
    for role, col in recognise_columns(rest).items():
        roles.setdefault(role, col)
    layout = _choose_layout(roles)
    if layout is None:
        raise CohortInputError(filename, _missing_layout_message(header, roles))
    # drop roles the layout does not use, so an odd extra column cannot fail the read
    used = {"customer_id", "mrr", "annual_amount", "billing_period"}
    used |= {"start_date", "end_date"} if layout == "subscriptions" else {"month"}
    return {r: c for r, c in roles.items() if r in used}


# ---------------------------------------------------------------------------------------
# the public entry point
# ---------------------------------------------------------------------------------------

def read_export(data: bytes | str | os.PathLike[str] | Any, filename: str | None = None, *,
                mapping: Mapping[str, str] | None = None, sheet: str | int | None = None,
                as_of: _dt.date | str | None = None) -> ExportData:
    """Read a CSV or spreadsheet export and normalise it to monthly MRR per customer.

    Parameters
    ----------
    data : the file content (``bytes``), a path, or a file-like object (``.read()``).
    filename : name used in messages and to tell CSV from XLSX (``.xlsx``, ``.xls``,
        ``.ods`` -> spreadsheet, else CSV). Defaults to the path's base name.
    mapping : optional ``{source column: role}``; roles are ``customer_id``, ``month``,
        ``mrr``, ``start_date``, ``end_date``, ``billing_period``, ``annual_amount``.
        Columns not mapped are still recognised by name.
    sheet : spreadsheet sheet name or 0-based index; default: the first sheet with a
        usable layout.
    as_of : date of the export for the subscriptions layout (default: today); active
        subscriptions run to ``min(latest date in the file, as_of)``.

    Returns
    -------
    ExportData
        See the module docstring. MRR normalisation:
        ``mrr = amount / months_per_billing_period`` when a billing-period column exists
        and the amount column is not explicitly monthly (``mrr``, ``monthly_*``);
        ``mrr = annual_amount / 12`` when only an annual amount is given.

    Raises
    ------
    CohortInputError
        The file cannot be read, has no usable layout, or has no good row.
    """
    if filename is None:
        filename = os.path.basename(os.fspath(data)) if isinstance(data, (str, os.PathLike)) \
            else getattr(data, "name", None) or "upload"
    filename = str(filename)
    src = _open_source(data, filename)
    if not src.head.strip() and len(src.head) < 65536:
        raise CohortInputError(filename, "the file is empty")
    is_sheet = filename.lower().endswith(_XLSX_EXT) or src.head[:4] in (b"PK\x03\x04",
                                                                    b"\xd0\xcf\x11\xe0")
    raw = _read_excel(src, filename, sheet, mapping) if is_sheet \
        else _read_csv(src, filename, mapping)
    roles = _resolve_roles(raw.header, mapping, filename)
    layout = _choose_layout(roles)
    assert layout is not None
    if as_of is None:
        as_of_date = _dt.date.today()
    elif isinstance(as_of, str):
        as_of_date = pd.Timestamp(as_of).date()
    else:
        as_of_date = as_of
    return _normalise(raw, roles, layout, filename,
                      _month_ordinal(as_of_date.year, as_of_date.month))


def _normalise(raw: _Raw, roles: dict[str, str], layout: Layout, filename: str,
               as_of_month: int) -> ExportData:
    """Validate the rows (vectorised) and build the monthly frame."""
    n = raw.n_rows
    issues = _Issues(n, raw.row_number)
    cols = raw.columns

    # --- customer ids: factorise, clean the distinct values, factorise again ---------
    cust_col = roles["customer_id"]
    cust, labels = _customer_codes(cols[cust_col])

    # --- amounts and dates -----------------------------------------------------------
    amount, amount_col = _mrr_values(raw, roles, issues)
    if layout == "monthly":
        dates, order, date_note = _date_column([cols[roles["month"]]], excel=raw.excel)
    else:
        date_cols = [cols[roles["start_date"]]]
        if "end_date" in roles:
            date_cols.append(cols[roles["end_date"]])
        dates, order, date_note = _date_column(date_cols, excel=raw.excel)

    # --- blank rows (every used cell empty) are dropped silently ----------------------
    blank = (cust < 0) & amount.missing
    for d in dates:
        blank &= d.missing
    issues.skip |= blank

    # --- row checks: a row is reported (and skipped) for its first problem -------------
    issues.flag(cust < 0, cust_col, "missing customer id", lambda i: "missing customer id")
    if layout == "monthly":
        mcol, d = roles["month"], dates[0]
        issues.flag(d.missing, mcol, "missing month", lambda i: "missing month")
        issues.flag(d.bad, mcol, "unparseable date",
                    lambda i: f"unparseable date {_fmt(d.raw(i))}")
    else:
        scol, s = roles["start_date"], dates[0]
        issues.flag(s.missing, scol, "missing start date", lambda i: "missing start date")
        issues.flag(s.bad, scol, "unparseable date",
                    lambda i: f"unparseable date {_fmt(s.raw(i))}")
        if len(dates) > 1:
            ecol, e = roles["end_date"], dates[1]
            issues.flag(e.bad, ecol, "unparseable date",
                        lambda i: f"unparseable date {_fmt(e.raw(i))}")
            before = np.where(s.has_day & e.has_day, e.day < s.day, e.month < s.month)
            issues.flag(before & ~e.missing, ecol, "end before start",
                        lambda i: f"end before start: end date {_fmt(e.raw(i))} is before "
                                  f"the start date {_fmt(s.raw(i))}")
        else:
            issues.note("no end-date column: every subscription is treated as still active")
    issues.flag(amount.missing, amount_col, "missing MRR", lambda i: "missing MRR")
    issues.flag(amount.bad, amount_col, "unparseable amount",
                lambda i: f"unparseable amount {_fmt(amount.raw(i))}")
    issues.flag(amount.value < 0, amount_col, "negative MRR",
                lambda i: f"negative MRR ({_fmt(amount.raw(i))})")

    last_month = as_of_month
    if layout == "subscriptions":
        # starts after the export date (possible only when capped by as_of)
        ok = ~issues.skip
        if ok.any():
            s = dates[0]
            latest = int(s.month[ok].max())
            if len(dates) > 1:
                e = dates[1]
                has_end = ok & ~e.missing & ~e.bad
                if has_end.any():
                    latest = max(latest, int(e.month[has_end].max()))
            last_month = min(latest, as_of_month)
            issues.flag(s.month > last_month, roles["start_date"],
                        "starts after the export date",
                        lambda i: f"starts after the export date ({month_label(as_of_month)})")

    if date_note:
        issues.note(date_note)

    good = ~issues.skip
    n_blank = int(blank.sum())
    skipped = int(issues.skip.sum()) - n_blank + raw.n_bad_rows
    rows_read = n - n_blank + raw.n_bad_rows
    if not good.any():
        all_issues = raw.bad_rows + issues.result()
        first = next((i for i in all_issues if i.severity == "error" and i.row is not None),
                     None)
        detail = f"; first problem: {first}" if first else ""
        raise CohortInputError(filename, f"no usable rows ({rows_read:,} data rows read)"
                                         f"{detail}",
                               row=first.row if first else None,
                               column=first.column if first else None, locate=False)

    # --- keep the good rows; customer codes become 0..C-1 in label order -------------
    all_good = bool(good.all())

    def keep(a: np.ndarray) -> np.ndarray:
        return a if all_good else a[good]

    cust_g = keep(cust)
    present = np.zeros(len(labels), dtype=bool)
    present[cust_g] = True
    if present.all():
        customers = labels.copy()
    else:
        remap = (np.cumsum(present) - 1).astype(np.int32)
        cust_g = remap[cust_g]
        customers = labels[present]
    customers.name = "customer"
    mrr_g = keep(amount.value)

    if layout == "monthly":
        month_g = keep(dates[0].month)
        first_month, last_month = int(month_g.min()), int(month_g.max())
        complete_through = last_month
    else:
        s = dates[0]
        start_m = keep(s.month)
        if len(dates) > 1:
            e = dates[1]
            has_end = keep(~(e.missing | e.bad))
            end_m = keep(e.month)
        else:
            has_end = np.zeros(len(start_m), dtype=bool)
            end_m = start_m
        first_month = int(start_m.min())
        # last_month was computed above from the same good rows
        complete_through = last_month - 1 if last_month >= as_of_month else last_month
        complete_through = max(complete_through, first_month)
        # paying months [start, max(start, end - 1)], capped at the data end
        last_paid = np.where(has_end, np.maximum(start_m, end_m - 1), last_month)
        last_paid = np.minimum(last_paid, last_month)
        lengths = (last_paid - start_m + 1).astype(np.int64)
        total = int(lengths.sum())
        rep = np.repeat(np.arange(len(start_m)), lengths)
        offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths,
                                                               lengths)
        month_g = (start_m[rep] + offsets).astype(np.int32)
        cust_g = cust_g[rep]
        mrr_g = mrr_g[rep]

    monthly = _aggregate(cust_g, month_g, mrr_g, len(customers), first_month, last_month)

    if layout == "monthly":
        T = last_month - first_month + 1
        gaps = np.flatnonzero(np.bincount(month_g - first_month, minlength=T) == 0)
        if len(gaps):
            listed = ", ".join(month_label(first_month + g) for g in gaps[:12])
            issues.note(f"no rows at all for {len(gaps)} month(s) inside the data: {listed};"
                        " customers count as not paying there")

    return ExportData(
        monthly=monthly, customers=customers, first_month=first_month,
        last_month=last_month, complete_through=complete_through, layout=layout,
        filename=filename, columns=dict(roles), issues=raw.bad_rows + issues.result(),
        skipped_rows=skipped, rows_read=rows_read, date_order=order,
    )


_BLANK_IDS = ("", "nan", "nat", "null", "none", "n/a", "na", "-")


def _customer_codes(col: Any) -> tuple[np.ndarray, pd.Index]:
    """Row codes (-1 = missing id) and the distinct cleaned customer ids.

    Ids are stripped, ``12.0`` becomes ``"12"``, blanks are missing; ids equal after
    cleaning share one code. Work is done on the distinct values only.
    """
    codes, uniques = _codes_uniques_arrow_labels(col)
    if isinstance(uniques, pd.Index) and uniques.dtype == "str":
        texts = uniques.str.strip()
        blank = texts.str.lower().isin(_BLANK_IDS)
        if not blank.any() and (texts == uniques).all():
            return codes, uniques  # already clean: no second pass
        cleaned = pd.Series(texts.where(~blank))
    else:
        cleaned = pd.Series([_clean_id(u) for u in uniques], dtype=object)
    u_codes, labels = pd.factorize(cleaned, use_na_sentinel=True)
    lut = np.append(u_codes.astype(np.int32), np.int32(-1))  # code -1 stays -1
    return lut[codes], pd.Index(labels)


def _codes_uniques_arrow_labels(col: Any) -> tuple[np.ndarray, pd.Index | list[object]]:
    """Like :func:`_codes_uniques` but string dictionaries stay vectorised (an Index)."""
    if _is_arrow(col):
        import pyarrow as pa

        if pa.types.is_dictionary(col.type) and pa.types.is_string(col.type.value_type):
            chunked = col.unify_dictionaries()
            if chunked.num_chunks:
                parts = [c.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                         for c in chunked.chunks]
                codes = np.concatenate(parts).astype(np.int32, copy=False)
                labels = pd.Index(pd.array(chunked.chunk(0).dictionary, dtype="str"))
                return codes, labels
    return _codes_uniques(col)


def _clean_id(value: object) -> object:
    if _is_blank(value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    return text or None


def _mrr_values(raw: _Raw, roles: Mapping[str, str], issues: _Issues
                ) -> tuple[_AmountColumn, str]:
    """Monthly amount per row from the MRR / amount / annual-amount columns."""
    cols = raw.columns
    annual = None
    if "annual_amount" in roles:
        annual = _amount_column(cols[roles["annual_amount"]],
                                decimal_comma_default=raw.decimal_comma)
    if "mrr" not in roles:
        assert annual is not None
        return (_AmountColumn(annual.value / 12.0, annual.missing, annual.bad, annual.raw),
                roles["annual_amount"])
    mcol = roles["mrr"]
    amount = _amount_column(cols[mcol], decimal_comma_default=raw.decimal_comma)
    value = amount.value
    if "billing_period" in roles and normalise_name(mcol) not in _EXPLICIT_MRR:
        pcol = roles["billing_period"]
        codes, uniques = _codes_uniques(cols[pcol])
        months = np.array([_period_months(u) if not _is_blank(u) else np.nan
                           for u in uniques] + [np.nan], dtype=np.float64)
        unknown = np.array([not _is_blank(u) and _period_months(u) is None for u in uniques]
                           + [False])
        idx = np.where(codes < 0, len(uniques), codes)
        row_months = months[idx]
        get = _raw_getter(cols[pcol], codes, uniques)
        issues.flag(unknown[idx], pcol, "unknown billing period",
                    lambda i: f"unknown billing period {_fmt(get(i))} (use month, quarter "
                              "or year)")
        no_period = np.isnan(row_months) & ~unknown[idx]
        if no_period.any():
            issues.note(f"{int(no_period.sum()):,} rows have no billing period; their amount "
                        "is read as monthly", column=pcol)
        value = value / np.where(np.isnan(row_months), 1.0, row_months)
    missing, bad = amount.missing, amount.bad
    if annual is not None:
        fill = missing & ~annual.missing & ~annual.bad
        value = np.where(fill, annual.value / 12.0, value)
        missing = missing & ~fill
    return _AmountColumn(value, missing, bad, amount.raw), mcol


def _aggregate(cust: np.ndarray, month: np.ndarray, mrr: np.ndarray, n_customers: int,
               first_month: int, last_month: int) -> pd.DataFrame:
    """Sum MRR per (customer, month) and keep the paying cells, sorted.

    ``key = customer * T + (month - first_month)`` with ``T`` observed months; a dense
    ``np.bincount`` over ``C * T`` cells when that is small, a sort otherwise.
    """
    T = last_month - first_month + 1
    cells = n_customers * T
    key_type = np.int32 if cells < 2**31 else np.int64
    key = cust.astype(key_type) * key_type(T) + (month - key_type(first_month)).astype(key_type)
    if len(key) < 2 or bool((key[1:] > key[:-1]).all()):
        # already one row per (customer, month) in order: keep the paying rows
        paying = mrr > 0
        if paying.all():
            return _frame(cust, month, mrr)
        return _frame(cust[paying], month[paying], mrr[paying])
    if cells <= _DENSE_CELLS_LIMIT:
        sums = np.bincount(key, weights=mrr, minlength=cells)
        nz = np.flatnonzero(sums > 0)
        values = sums[nz]
    else:
        order = np.argsort(key, kind="stable")
        k_sorted = key[order]
        starts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])
        values = np.add.reduceat(mrr[order], starts)
        nz_mask = values > 0
        nz = k_sorted[starts][nz_mask]
        values = values[nz_mask]
    out_cust, out_month = np.divmod(nz, T)
    return _frame(out_cust, out_month + first_month, values)


def _frame(cust: np.ndarray, month: np.ndarray, mrr: np.ndarray) -> pd.DataFrame:
    """The monthly frame from fresh arrays (no copy, one block per column)."""
    return pd.DataFrame({"customer": cust.astype(np.int32, copy=False),
                         "month": month.astype(np.int32, copy=False),
                         "mrr": mrr.astype(np.float64, copy=False)}, copy=False)


__all__ = [
    "ALIASES", "ROLES", "CohortInputError", "ExportData", "RowIssue", "month_label",
    "normalise_name", "parse_month_label", "read_export", "recognise_columns",
]

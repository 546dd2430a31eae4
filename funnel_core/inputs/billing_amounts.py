"""Amounts of a billing export turned into MRR per row.

Amount cells are read as numbers with either decimal separator (``"1,234.50"``,
``"1.234,50"``, ``"€ 99"``, ``"(12.00)"`` for -12); a column's texts decide which one is
decimal, else the file's delimiter does (``;`` -> decimal comma). MRR per row is:

* the ``mrr`` amount as it is when the column is monthly by name (``MRR``, ``monthly_*``,
  :data:`~funnel_core.inputs.billing_columns.EXPLICIT_MRR_NAMES`) or there is no
  billing-period column;
* ``amount / months per billing period`` otherwise (``year`` -> 12, ``quarter`` -> 3,
  ``week`` -> 12/52; a row without a period is read as monthly, with a note);
* ``annual_amount / 12`` when there is no ``mrr`` column, or to fill an empty ``mrr`` cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from funnel_core.domain.i18n import mark, tr, tr_n
from funnel_core.inputs.billing_column_codes import (
    arrow_kind,
    codes_uniques,
    is_arrow,
    is_blank,
    raw_getter,
)
from funnel_core.inputs.billing_columns import EXPLICIT_MRR_NAMES, normalise_name
from funnel_core.inputs.billing_errors import RowIssueLog, quote_cell
from funnel_core.inputs.limits import whole_number

__all__ = ["AmountColumn", "monthly_amounts", "period_months", "read_amount_column"]

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
    """True when the texts' last separators say decimal comma (``1,5``, ``1.234,56``) more
    often than decimal point; ``default`` when no text decides."""
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


def _no_rows(n: int) -> np.ndarray:
    """An all-False row mask."""
    return np.zeros(n, dtype=bool)


@dataclass
class AmountColumn:
    """The amounts of a column per row, with the empty and the unreadable cells."""

    value: np.ndarray      # float64, NaN where missing/bad
    missing: np.ndarray    # bool: empty cell
    bad: np.ndarray        # bool: not a number
    raw: Callable[[int], object]  # original value of row i (for messages)


def read_amount_column(col: Any, *, decimal_comma_default: bool) -> AmountColumn:
    """Read an amount column: numbers as they are, texts once per distinct value.

    ``decimal_comma_default`` decides ``1,234``-like texts when no text of the column does.
    """
    if is_arrow(col) and arrow_kind(col) == "number":
        values = col.to_numpy(zero_copy_only=False)
        values = values.astype(np.float64, copy=False)
        missing = np.isnan(values)
        return AmountColumn(values, missing, _no_rows(len(values)), raw_getter(col))
    if not is_arrow(col):
        series = pd.Series(col)
        if series.dtype.kind in "if":
            values = series.to_numpy(np.float64, na_value=np.nan)
            return AmountColumn(values, np.isnan(values), _no_rows(len(values)),
                                raw_getter(series))
    codes, uniques = codes_uniques(col)
    texts = [u for u in uniques if isinstance(u, str)]
    dec_comma = _decimal_comma(texts, decimal_comma_default)
    n_u = len(uniques)
    u_val = np.full(n_u + 1, np.nan)
    u_missing = np.zeros(n_u + 1, bool)
    u_bad = np.zeros(n_u + 1, bool)
    u_missing[n_u] = True
    for i, u in enumerate(uniques):
        if is_blank(u):
            u_missing[i] = True
            continue
        if isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool):
            u_val[i] = float(u)
            continue
        if str(u).strip().startswith("#"):  # a spreadsheet error (#DIV/0!, #VALUE!), not 0
            u_bad[i] = True
            continue
        v = _amount_text(str(u), dec_comma)
        if v is None:
            u_bad[i] = True
        else:
            u_val[i] = v
    return AmountColumn(u_val[codes], u_missing[codes], u_bad[codes],
                        raw_getter(col, codes, uniques))


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


def period_months(value: object) -> float | None:
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


def _divide_by_billing_period(value: np.ndarray, col: Any, pcol: str,
                              issues: RowIssueLog) -> np.ndarray:
    """Amounts per month: each row's amount divided by the months of its billing period.

    An unknown period (``"fortnightly-ish"``) is a row error; an empty one leaves the
    amount as it is (read as monthly), with a note.
    """
    codes, uniques = codes_uniques(col)
    months = np.array([period_months(u) if not is_blank(u) else np.nan
                       for u in uniques] + [np.nan], dtype=np.float64)
    unknown = np.array([not is_blank(u) and period_months(u) is None for u in uniques]
                       + [False])
    idx = np.where(codes < 0, len(uniques), codes)
    row_months = months[idx]
    get = raw_getter(col, codes, uniques)
    issues.flag(unknown[idx], pcol, mark("unknown billing period"),
                lambda i: tr("unknown billing period {value} (use month, quarter or year)",
                             value=quote_cell(get(i))))
    no_period = np.isnan(row_months) & ~unknown[idx]
    if no_period.any():
        count = int(no_period.sum())
        issues.note(tr_n("{count} rows have no billing period; their amount is read as monthly",
                         "{count} rows have no billing period; their amount is read as monthly",
                         count, count=whole_number(count)),
                    column=pcol, key="no billing period")
    return value / np.where(np.isnan(row_months), 1.0, row_months)


def monthly_amounts(cols: Mapping[str, Any], roles: Mapping[str, str], issues: RowIssueLog,
                    *, decimal_comma: bool) -> tuple[AmountColumn, str]:
    """Monthly amount per row from the MRR / amount / annual-amount columns.

    Parameters
    ----------
    cols : source column -> column (pyarrow or pandas).
    roles : role -> source column; ``mrr`` or ``annual_amount`` must be there.
    issues : where unknown billing periods are flagged.
    decimal_comma : the default reading of ``1,234``-like amounts (a ``;`` CSV).

    Returns
    -------
    (amounts, column)
        The MRR per row and the source column the messages about it name.
    """
    annual = None
    if "annual_amount" in roles:
        annual = read_amount_column(cols[roles["annual_amount"]],
                                    decimal_comma_default=decimal_comma)
    if "mrr" not in roles:
        assert annual is not None
        return (AmountColumn(annual.value / 12.0, annual.missing, annual.bad, annual.raw),
                roles["annual_amount"])
    mcol = roles["mrr"]
    amount = read_amount_column(cols[mcol], decimal_comma_default=decimal_comma)
    value = amount.value
    if "billing_period" in roles and normalise_name(mcol) not in EXPLICIT_MRR_NAMES:
        pcol = roles["billing_period"]
        value = _divide_by_billing_period(value, cols[pcol], pcol, issues)
    missing, bad = amount.missing, amount.bad
    if annual is not None:
        fill = missing & ~annual.missing & ~annual.bad
        value = np.where(fill, annual.value / 12.0, value)
        missing = missing & ~fill
    return AmountColumn(value, missing, bad, amount.raw), mcol

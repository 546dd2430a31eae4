"""Context found in a file's cells: period length, currency, trial type, motion, ACV and ARR band,
category, funding.

:func:`set_context` reads one context cell (``Currency | EUR``, a ``period`` column, an ACV
amount placed in its band); :func:`finish_context` completes the context once all cells are
read: the period length from the period labels, the currency from the symbols in money
cells. Unknown values are reported as issues on the cell, never raised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from funnel_core.domain.constants import (
    ACV_BANDS,
    ARR_BANDS,
    CURRENCIES,
    FUNDING,
    MOTIONS,
    PRODUCT_CATEGORIES,
    TRIAL_TYPES,
    arr_band_for,
)
from funnel_core.domain.i18n import tr
from funnel_core.inputs.context_values import match_context_value
from funnel_core.inputs.headers import field_label, label_in_sentence, period_header_hint
from funnel_core.inputs.number_parse import parse_number_detail
from funnel_core.inputs.number_text import NumberError, is_missing
from funnel_core.inputs.own_names import PERIOD_LABEL
from funnel_core.inputs.parse_state import NumberCell, ParseState
from funnel_core.inputs.period_labels import PeriodLabel, infer_granularity, parse_period_label

__all__ = ["finish_context", "set_context"]


#: Longest period name taken from a ``period_label`` row.
_MAX_LABEL_CHARS = 40

_CONTEXT_CHOICES: dict[str, Mapping[str, str]] = {
    "trial_type": TRIAL_TYPES,
    "motion": MOTIONS,
    "acv_band": ACV_BANDS,
    "product_category": PRODUCT_CATEGORIES,
    "arr_band": ARR_BANDS,
    "funding": FUNDING,
    "currency": CURRENCIES,
    "period": {"month": "month", "quarter": "quarter", "year": "year"},
}


def set_context(state: ParseState, key: str, text: str, name: str, row: int | None,
                 column: str | None) -> str | None:
    """Store one context value; return a period label when the text is one.

    Parameters
    ----------
    state : ParseState
        Receives the value in ``context`` (a later value wins, with a warning) or an issue.
    key : str
        The context key (``period``, ``currency``, ``trial_type`` ...).
    text : str
        The cell's text. Missing values (empty, ``-``, ``n/a``) are skipped.
    name : str
        The metric name or header of the cell (``"Month"`` hints at the period length).
    row, column : int or str or None
        Where the cell is, for messages.

    Returns
    -------
    str or None
        ``text`` when it is a period label (``2025-01``) rather than a period length (and
        always for our own workbook's ``period_label`` row), else None. An ACV amount is placed in its band with a warning; an unknown product
        category becomes ``other`` with a warning; other unknown values are errors.
    """
    if is_missing(text):
        return None
    if key == PERIOD_LABEL:  # our own workbook's "period_label" row: the period's name only
        return text.strip()[:_MAX_LABEL_CHARS] or None
    period_label: str | None = None
    value: str | None
    if key == "period":
        value = match_context_value("period", text)
        if value is None:
            parsed = parse_period_label(text)
            hint = period_header_hint(name)
            if parsed is not None or hint is not None:
                period_label = text
                value = (parsed.granularity if parsed else None) or hint
                if value is None:
                    return period_label
            else:
                state.add("error",
                          tr("'{text}' is not a period length or a period: use month, quarter or "
                             "year (or a label such as 2025-01, Jan 2025, 2025-Q1).", text=text),
                          row, column)
                return None
    elif key == "acv_band":
        value = match_context_value(key, text)
        if value is None:
            value = _acv_from_number(text)
            if value is not None:
                state.add("warning",
                          tr("ACV '{text}' was placed in the band '{band}'.", text=text,
                             band=tr(ACV_BANDS[value])), row, column)
    elif key == "arr_band":
        value = match_context_value(key, text)
        if value is None:
            value = _arr_from_number(text)
            if value is not None:
                state.add("warning",
                          tr("ARR '{text}' was placed in the band '{band}'.", text=text,
                             band=tr(ARR_BANDS[value])), row, column)
    else:
        value = match_context_value(key, text)
    if value is None:
        if key == "product_category":
            value = "other"
            state.add("warning",
                      tr("'{text}' is not one of the listed product categories; it is treated as "
                         "'{other}'. Known categories: {categories}.", text=text,
                         other=tr(PRODUCT_CATEGORIES['other']),
                         categories=", ".join(tr(v) for v in PRODUCT_CATEGORIES.values())),
                      row, column)
        else:
            choices = _CONTEXT_CHOICES.get(key, {})
            listed = ", ".join(f"{k} ({tr(v)})" if k != v else k for k, v in choices.items())
            state.add("error",
                      tr("'{text}' is not a known {what}; it was ignored. "
                         "Use one of: {choices}.", text=text,
                         what=label_in_sentence(field_label(key)), choices=listed), row, column)
            return period_label
    previous = state.context.get(key)
    if previous is not None and previous != value:
        state.add("warning",
                  tr("{what} is given twice ('{previous}' and '{value}'); "
                     "'{value}' is used.", what=field_label(key), previous=previous, value=value),
                  row, column)
    state.context[key] = value
    state.context_rows[key] = row
    return period_label


def _acv_from_number(text: str) -> str | None:
    try:
        amount = parse_number_detail(text, "en").value
    except NumberError:
        return None
    if math.isnan(amount) or amount < 0:
        return None
    if amount < 1_000:
        return "vsb"
    if amount < 12_000:
        return "smb"
    if amount <= 50_000:
        return "mid_market"
    return "enterprise"


def _arr_from_number(text: str) -> str | None:
    """An ARR amount written as a number (``1,200,000``) placed in its band."""
    try:
        amount = parse_number_detail(text, "en").value
    except NumberError:
        return None
    return arr_band_for(amount)


def finish_context(state: ParseState, cells: list[tuple[str, NumberCell]], meta: dict) -> None:
    """Complete the context once every cell is read.

    The period length, when no cell gave it, comes from the period labels in
    ``meta["labels"]`` (or the period header's hint in ``meta["header_hint"]``). The
    currency, when not given, is the one currency symbol found in money cells; several
    symbols, or a symbol other than the given currency, give a warning (amounts are never
    converted).
    """
    labels: Mapping[str, PeriodLabel | None] = meta.get("labels", {})
    if "period" not in state.context:
        parsed = [p for p in labels.values() if p is not None]
        granularity = infer_granularity(parsed) if parsed else None
        if granularity is None and parsed and meta.get("header_hint") \
                and all(p.granularity in (None, meta["header_hint"]) for p in parsed):
            granularity = meta["header_hint"]
        if granularity:
            state.context["period"] = granularity
    # currency from symbols in money cells
    if state.currencies_seen:
        seen = sorted(state.currencies_seen, key=lambda k: -state.currencies_seen[k])
        given = state.context.get("currency")
        if given is None:
            if len(seen) == 1 and seen[0] in CURRENCIES:
                state.context["currency"] = seen[0]
            elif len(seen) > 1:
                state.add("warning",
                          tr("Amounts use different currencies ({currencies}); set the "
                             "currency explicitly.", currencies=", ".join(seen)))
        elif any(code != given for code in seen):
            state.add("warning",
                      tr("The currency is {currency}, but some amounts carry another currency "
                         "symbol ({others}). Amounts are not converted.", currency=given,
                         others=", ".join(c for c in seen if c != given)))

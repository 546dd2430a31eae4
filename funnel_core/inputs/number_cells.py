"""The numbers of a table: which number format the file uses, then each cell read as a value.

:func:`decide_convention` picks English (``1,234.5``) or European (``1.234,5``) numbers from
the cells themselves, else from the language of the names or the currency, and says so
(once) only when nothing decides. :func:`read_numbers` reads every cell of a field and checks it: text that is not a
number, percentages in counts or amounts, negative, NaN or infinite values are skipped with
an error on the cell; unit multipliers (``Spend (k€)``) and fractional counts give warnings.
"""

from __future__ import annotations

import math

from funnel_core.domain.constants import FIELDS_BY_NAME
from funnel_core.domain.i18n import mark, tr
from funnel_core.inputs.headers import name_language
from funnel_core.inputs.issues import ParseIssue
from funnel_core.inputs.number_conventions import (
    CONVENTION_LABELS,
    DEFAULT_CONVENTION,
    convention_for_currency,
)
from funnel_core.inputs.number_format_detect import analyse_convention
from funnel_core.inputs.number_parse import format_number_cell, parse_number_detail
from funnel_core.inputs.number_text import NumberError, clean_cell, is_missing, strip_decorations
from funnel_core.inputs.parse_state import NumberCell, ParseState, unique_in_order

__all__ = ["decide_convention", "read_numbers"]


def decide_convention(conv: str, cells: list[tuple[str, NumberCell]], state: ParseState) -> str:
    """Decide how the file writes numbers: English (``1,234.5``) or European (``1.234,5``).

    Parameters
    ----------
    conv : {"auto", "en", "de"}
        The format the user chose; anything but ``auto`` is returned as is.
    cells : list of (period, NumberCell)
        The cells to read. Exact workbook numbers take no part; the texts of unrecognised
        rows and columns (``state.extra_samples``) do.
    state : ParseState
        Receives a warning when the numbers mix formats, or -- once for the whole file --
        when nothing decides and some numbers are ambiguous (``1.234``).

    Returns
    -------
    str
        ``"en"`` or ``"de"``. When the numbers do not decide, in this order: the reading in
        which every ambiguous count is whole (``12.500`` visitors), the language of
        the recognised names (German, French or Polish -> ``"de"``, English -> ``"en"``),
        the currency the file gives or its amounts carry, the caller's currency
        (``state.currency_hint``; USD and GBP -> ``"en"``, see
        :func:`~funnel_core.inputs.number_conventions.convention_for_currency`); these read
        quietly. Only when none of them decides is English used with one warning.
    """
    if conv != "auto":
        return conv
    samples = [cell.text for _, cell in cells if cell.text and cell.number is None]
    guess = analyse_convention(samples + state.extra_samples)
    if guess.conflicting:
        state.add("warning",
                  tr("The numbers mix formats: '{english}' looks English and "
                     "'{european}' looks European. They were read as "
                     "{convention}; check the values or choose the number "
                     "format explicitly.", english=guess.examples['en'],
                     european=guess.examples['de'],
                     convention=tr(CONVENTION_LABELS[guess.convention])))
    elif not guess.decided and guess.ambiguous:
        decided = (_convention_from_counts(cells) or _convention_from_names(state)
                   or _convention_from_currency(state, samples))
        if decided is not None:
            guess.convention = decided
        else:
            guess.convention = DEFAULT_CONVENTION
            _warn_ambiguous(guess.convention, guess.ambiguous, state)
    return guess.convention


def _convention_from_counts(cells: list[tuple[str, NumberCell]]) -> str | None:
    """The convention in which every ambiguous count is a whole number, or ``None``.

    A count cannot be fractional: ``12.500`` visitors is 12,500 (European), ``1,234`` leads is
    1,234 (English). Cells that are whole both ways (``42,000``) decide nothing; counts that
    point both ways decide nothing either.
    """
    votes: set[str] = set()
    for _, cell in cells:
        if cell.number is not None or not cell.text or FIELDS_BY_NAME[cell.field].kind != "count":
            continue
        whole = {}
        for convention in ("en", "de"):
            try:
                value = parse_number_detail(cell.text, convention, field=cell.field).value
            except (NumberError, ValueError):  # e.g. "0.500" leads: no count reads so
                whole[convention] = False
                continue
            whole[convention] = math.isfinite(value) and abs(value - round(value)) < 1e-9
        if whole["en"] != whole["de"]:
            votes.add("en" if whole["en"] else "de")
    return votes.pop() if len(votes) == 1 else None


def _convention_from_names(state: ParseState) -> str | None:
    """The convention the language of the recognised names implies, or ``None``.

    More German, French or Polish names than English ones -> ``"de"``; more English ones ->
    ``"en"``; names shared by the languages ("Leads", canonical names) decide nothing.
    """
    languages = [name_language(text) for text, target in state.mapping.items()
                 if target is not None]
    european = sum(1 for lang in languages if lang in ("de", "fr", "pl"))
    english = sum(1 for lang in languages if lang == "en")
    if european > english:
        return "de"
    if english > european:
        return "en"
    return None


def _convention_from_currency(state: ParseState, samples: list[str]) -> str | None:
    """The convention the file's currency implies (its currency row, else the symbols of its
    amounts: ``$42,000``), else the caller's currency; ``None`` when nothing says."""
    given = state.context.get("currency")
    if given:
        return convention_for_currency(given)
    symbols = {found for found in (strip_decorations(clean_cell(t)).currency for t in samples) if found}
    if len(symbols) == 1:
        return convention_for_currency(symbols.pop())
    if symbols:
        return None
    return convention_for_currency(state.currency_hint)


def _warn_ambiguous(convention: str, ambiguous: list[str], state: ParseState) -> None:
    """One warning for the whole file: which numbers are ambiguous and how they were read."""
    other = "de" if convention == "en" else "en"
    meaning = (tr("',' groups thousands, '.' is the decimal point") if convention == "en"
               else tr("'.' groups thousands, ',' is the decimal comma"))
    examples = ", ".join(f"'{a}'" for a in unique_in_order(ambiguous)[:3])
    state.issues.append(ParseIssue(
        "warning",
        tr("Numbers such as {examples} could mean thousands or decimals, and nothing in the "
           "file says which. They were read in the {convention} format "
           "({meaning}). If your file uses {other}, choose that number format.",
           examples=examples, convention=tr(CONVENTION_LABELS[convention]), meaning=meaning,
           other=tr(CONVENTION_LABELS[other])),
        state.source, hint=f"--number-format {other}"))


#: What to do with a negative amount of these fields (added after the error, with a space).
_NEGATIVE_HINT: dict[str, str] = {
    "mrr_contraction": mark("Enter the MRR lost to downgrades as a positive amount."),
    "mrr_churned": mark("Enter the MRR lost to cancellations as a positive amount."),
    "customers_churned": mark("Enter the number of customers lost as a positive number."),
}


def read_numbers(cells: list[tuple[str, NumberCell]], values: dict[str, dict[str, float]],
                 state: ParseState) -> None:
    """Read every cell as the value of its field, in ``state.convention``.

    Parameters
    ----------
    cells : list of (period, NumberCell)
        The cells, in file order; a later cell of the same period and field wins.
    values : dict
        Period label -> field -> value; receives the values read. Missing cells (empty,
        ``-``, ``n/a``) are left out.
    state : ParseState
        Receives an error for each skipped cell (not a number; a percentage in a count or
        amount; negative; NaN or infinite) and warnings (unit multiplier applied once per
        column, a count that is not whole, the number parser's own warnings); counts the
        currency symbols of money cells.
    """
    for period, cell in cells:
        spec = FIELDS_BY_NAME[cell.field]
        if cell.number is not None:
            source: object = cell.number
        else:
            if is_missing(cell.text):
                continue
            source = cell.text
        shown = cell.text or format_number_cell(cell.number or 0.0)
        try:
            parsed = parse_number_detail(source, state.convention, field=cell.field)
        except NumberError as exc:
            state.add("error",
                      tr("{problem}; the cell was skipped. Enter a plain number such as 1234 or 1234.5, "
                         "or leave the cell empty.", problem=exc), cell.row, cell.column)
            continue
        value = parsed.value
        if math.isnan(value):
            continue
        if parsed.percent and spec.kind != "fraction":
            message = (
                tr("'{text}' is a percentage, but {field} is a count; the cell was "
                   "skipped. Enter the number itself.", text=shown, field=spec.label)
                if spec.kind == "count" else
                tr("'{text}' is a percentage, but {field} is an amount; the cell was "
                   "skipped. Enter the number itself.", text=shown, field=spec.label))
            state.add("error", message, cell.row, cell.column)
            continue
        if cell.multiplier != 1.0 and spec.kind != "fraction":
            value = _scale(cell, value, shown, state)
        if not _usable(cell, value, shown, state):
            continue
        for message in parsed.warnings:
            state.add("warning", message, cell.row, cell.column)
        if parsed.currency and spec.kind == "money":
            state.currencies_seen[parsed.currency] = state.currencies_seen.get(parsed.currency, 0) + 1
        values.setdefault(period, {})[cell.field] = value


def _scale(cell: NumberCell, value: float, shown: str, state: ParseState) -> float:
    """Apply the unit of the name (thousands, millions); warn once per column and field."""
    scaled = value * cell.multiplier
    if (cell.column, cell.field) not in state.scaled:
        state.scaled.add((cell.column, cell.field))
        values = {"field": FIELDS_BY_NAME[cell.field].label,
                  "factor": format_number_cell(cell.multiplier), "text": shown,
                  "value": format_number_cell(scaled)}
        message = (
            tr("{field} values were multiplied by {factor} because the name says they are "
               "in thousands ('{text}' became {value}).", **values)
            if cell.multiplier == 1e3 else
            tr("{field} values were multiplied by {factor} because the name says they are "
               "in millions ('{text}' became {value}).", **values))
        state.add("warning", message, cell.row, cell.column)
    return scaled


def _usable(cell: NumberCell, value: float, shown: str, state: ParseState) -> bool:
    """False (with an error) for infinite or negative values; warn on fractional counts."""
    spec = FIELDS_BY_NAME[cell.field]
    if not math.isfinite(value):
        state.add("error", tr("'{text}' is not a finite number; the cell was skipped.", text=shown),
                  cell.row, cell.column)
        return False
    if value < 0 and not spec.signed:
        hint = _NEGATIVE_HINT.get(cell.field)
        state.add("error",
                  tr("'{text}' is negative; {field} cannot be below zero, so the cell was "
                     "skipped.", text=shown, field=spec.label)
                  + (" " + tr(hint) if hint else ""), cell.row, cell.column)
        return False
    if spec.kind == "count" and abs(value - round(value)) > 1e-9:
        other = "de" if state.convention == "en" else "en"
        read = format_number_cell(value)
        values = {"text": shown, "value": read, "field": spec.label,
                  "convention": tr(CONVENTION_LABELS[other])}
        message = (
            tr("'{text}' is not a whole number of {field}. If the file writes numbers "
               "as {convention}, choose that number format; otherwise check "
               "the value.", **values)
            if read == shown else
            tr("'{text}' was read as {value}, which is not a whole number of {field}. If the "
               "file writes numbers as {convention}, choose that number format; otherwise "
               "check the value.", **values))
        state.add("warning", message, cell.row, cell.column)
    return True

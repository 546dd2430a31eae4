"""Numbers typed by hand: the form's text fields and the editable table of one period.

The form shows stored values as text (:func:`form_texts`) and reads what the user typed with
the same number reading as files and pasted cells (:func:`read_form`): the number format is
decided from all newly typed texts together, and every field that cannot be used gets one
sentence naming the field, quoting the text and saying what to do. The editable table
(``st.data_editor``) is built by :func:`editor_frame` and its edits applied by
:func:`apply_editor_edits`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from funnel_core.domain.constants import FIELD_NAMES, FIELDS, FIELDS_BY_NAME, STAGES
from funnel_core.domain.i18n import babel_locale, current_language, mark, tr
from funnel_core.domain.model import SnapshotError
from funnel_core.inputs.number_conventions import convention_for_currency, normalise_convention
from funnel_core.inputs.number_format_detect import analyse_convention
from funnel_core.inputs.number_parse import ParsedNumber, format_number_cell, parse_number_detail
from funnel_core.inputs.number_text import NumberError, is_missing
from funnel_core.page_state.input_messages import negative_next_step, sentence
from funnel_core.page_state.snapshot_state import clean_values, is_blank

__all__ = [
    "EDITOR_COLUMNS", "FORMAT_NAMES", "FormReading", "apply_editor_edits", "editor_edits",
    "editor_frame", "form_text", "form_texts", "read_form",
]

#: The number formats by their look, as messages name them (the selectors say the same).
FORMAT_NAMES: dict[str, str] = {"en": "1,234.5", "de": "1.234,5"}

_KIND_EXAMPLE: dict[str, str] = {
    "count": mark("Type a whole number such as 12500 or 12,500"),
    "money": mark("Type an amount such as 48000 or 48,000.50"),
    "fraction": mark("Type it as 80 % or 0.8"),
}


# --------------------------------------------------------------------------------------
# stored values as the form shows them
# --------------------------------------------------------------------------------------

def form_text(name: str, value: float, convention: str = "auto") -> str:
    """A stored value as the form shows it (:func:`read_form` reads it back to the same number).

    No thousands separators (``12500``), so the text means the same in both number formats;
    decimals use the decimal mark of ``convention`` (``1234,5`` for ``"de"``). Gross margin is
    shown as a percentage (``80 %``).
    """
    kind = FIELDS_BY_NAME[name].kind
    number = round(float(value) * 100, 10) if kind == "fraction" else float(value)
    text = format_number_cell(number)
    if "e" in text.lower():
        text = f"{number:.12f}".rstrip("0").rstrip(".")
    if normalise_convention(convention) == "de":
        text = text.replace(".", ",")
    return f"{text} %" if kind == "fraction" else text


def form_texts(values: Mapping[str, float], convention: str = "auto") -> dict[str, str]:
    """:func:`form_text` of every stored field (fields not stored are absent)."""
    return {k: form_text(k, v, convention) for k, v in values.items() if k in FIELDS_BY_NAME}


# --------------------------------------------------------------------------------------
# reading one typed field
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FormReading:
    """What :func:`read_form` made of the form.

    Attributes
    ----------
    values : every field with a number (kept and newly typed), in canonical order; when
        ``errors`` is not empty these must not be stored.
    errors : one sentence per field that cannot be used: names the field, quotes the text and
        says what to do.
    warnings : readings to check (an ambiguous ``1.000``, a bare gross margin ``80``...).
    convention : ``"en"`` or ``"de"`` used for the typed texts; ``None`` when nothing new was typed.
    typed : fields read from new text (the others were kept as shown or left empty).
    """

    values: dict[str, float]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    convention: str | None = None
    typed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def _plain(value: float) -> str:
    """A number as read, with thousands separators and only the decimals it has: ``12.5``, ``12,500``."""
    if current_language() != "en":  # the way the language writes it: 12,5 / 12.500 / 12 500
        from babel.numbers import format_decimal

        return format_decimal(value, format="#,##0.############", locale=babel_locale())
    return f"{value:,.12g}"


def _other(convention: str) -> str:
    return "de" if convention == "en" else "en"


def _try_read(text: str, convention: str, name: str) -> float | None:
    """The value of ``text`` in ``convention`` if it is a usable value of field ``name``."""
    try:
        parsed = parse_number_detail(text, convention, field=name)
    except (NumberError, ValueError):
        return None
    value = parsed.value
    negative = value < 0 and not FIELDS_BY_NAME[name].signed
    if math.isnan(value) or negative or (parsed.percent and FIELDS_BY_NAME[name].kind != "fraction"):
        return None
    if FIELDS_BY_NAME[name].kind == "count" and abs(value - round(value)) > 1e-9:
        return None
    return value


def _not_whole_error(label: str, text: str, value: float, other: str,
                     alternative: float | None) -> str:
    """The error of a count that reads as a non-whole number, with the other format as the fix."""
    if alternative is not None:
        step = tr("if you meant {number}, choose the number format {format}", number=_plain(alternative),
                  format=FORMAT_NAMES[other])
    else:
        step = tr("type a whole number, or leave the field empty")
    return tr("'{text}' reads as {number}, which is not a whole number of {label}; {step}.", text=text,
              number=_plain(value), label=label, step=step)


def _cell_warnings(name: str, text: str, parsed: ParsedNumber, currency: str | None) -> list[str]:
    """Readings of one usable typed field to check: the parser's, and another currency."""
    label = tr(FIELDS_BY_NAME[name].label)
    warnings = [sentence(w) if label in w else f"{label}: {sentence(w)}" for w in parsed.warnings]
    kind = FIELDS_BY_NAME[name].kind
    if parsed.currency and currency and kind == "money" and parsed.currency != currency.upper():
        warnings.append(tr(
            "{label}: '{text}' is in {currency}, but your numbers are in {yours}; the amount was "
            "stored as it is, not converted. Change the currency if that is wrong.", label=label,
            text=text, currency=parsed.currency, yours=currency.upper()))
    return warnings


def _either_way(name: str, text: str, convention: str) -> str | None:
    """``"Website visitors '1,000' as 1,000 (or 1)"`` when ``text`` reads differently in the
    other format, else ``None``."""
    try:
        parsed = parse_number_detail(text, convention, field=name)
    except (NumberError, ValueError):
        return None
    alternative = _try_read(text, _other(convention), name)
    if not parsed.ambiguous or alternative is None or alternative == parsed.value:
        return None
    return tr("{label} '{text}' as {number} (or {other})", label=tr(FIELDS_BY_NAME[name].label), text=text,
              number=_plain(parsed.value), other=_plain(alternative))


def _either_way_warning(readings: list[str], convention: str) -> str:
    """One warning for every field that could be read either way (never one per field)."""
    other = _other(convention)
    return tr("These could be read either way and were read in the {format} format: {readings}. If "
              "you meant the other reading, choose the number format {other} and apply again.",
              format=FORMAT_NAMES[convention], readings="; ".join(readings), other=FORMAT_NAMES[other])


def _read_form_cell(name: str, text: str, convention: str, currency: str | None,
                    undecided: bool) -> tuple[float | None, str | None, list[str]]:
    """(value, error, warnings) of one typed field (the either-way reading is warned about
    once for the whole form, see :func:`_either_way_warning`)."""
    spec = FIELDS_BY_NAME[name]
    label = tr(spec.label)
    todo = tr("{example}, or leave the field empty.", example=tr(_KIND_EXAMPLE[spec.kind]))
    if spec.kind == "count":
        percentage = tr("{label}: '{text}' is a percentage, but {label} is a count. {todo}",
                        label=label, text=text, todo=todo)
    else:
        percentage = tr("{label}: '{text}' is a percentage, but {label} is an amount. {todo}",
                        label=label, text=text, todo=todo)
    try:
        parsed = parse_number_detail(text, convention, field=name)
    except NumberError as exc:
        if spec.kind != "fraction" and "%" in text:  # "7 %" new customers: say what it is
            return None, percentage, []
        return None, f"{label}: {sentence(str(exc))} {todo}", []
    value = parsed.value
    if math.isnan(value):
        return None, None, []
    if parsed.percent and spec.kind != "fraction":
        return None, percentage, []
    if value < 0 and not spec.signed:
        return None, (tr("{label}: '{text}' is negative, and it cannot be below zero.", label=label, text=text)
                      + " " + negative_next_step(label, text, "field")), []
    other = _other(convention)
    alternative = _try_read(text, other, name)
    if spec.kind == "count" and abs(value - round(value)) > 1e-9:
        return None, _not_whole_error(label, text, value, other, alternative), []
    return value, None, _cell_warnings(name, text, parsed, currency)


# --------------------------------------------------------------------------------------
# reading the whole form
# --------------------------------------------------------------------------------------

def _kept_and_typed(texts: Mapping[str, Any], stored: Mapping[str, float],
                    shown: Mapping[str, str]) -> tuple[dict[str, float], dict[str, str]]:
    """(kept values, new texts): a field whose text is unchanged keeps its stored value."""
    kept: dict[str, float] = {}
    typed: dict[str, str] = {}
    for spec in FIELDS:
        raw = texts.get(spec.name)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            text = "" if is_blank(raw) else format_number_cell(raw)
        else:
            text = "" if raw is None else str(raw).strip()
        if not text or is_missing(text):
            continue
        if spec.name in stored and text == str(shown.get(spec.name, "")).strip():
            kept[spec.name] = float(stored[spec.name])
            continue
        typed[spec.name] = text
    return kept, typed


def _decide_convention(conv: str, typed: Mapping[str, str],
                       currency: str | None = None) -> tuple[str, bool, list[str]]:
    """(convention used, undecided, warnings) for the newly typed texts.

    ``"auto"`` decides from all texts together; mixed formats are a warning. When no text
    decides, a currency written the English way (USD, GBP) decides for English: ``42,000``
    in dollars is forty-two thousand, without a warning.
    """
    if conv != "auto":
        return conv, False, []
    guess = analyse_convention(typed.values())
    if not guess.decided and convention_for_currency(currency):
        return convention_for_currency(currency) or guess.convention, False, []
    used = guess.convention
    warnings = []
    if guess.conflicting:
        warnings.append(tr(
            "The numbers mix formats: '{en_example}' looks like {en_format} and '{de_example}' like "
            "{de_format}. All were read in the {format} format; check them, or choose the number format.",
            en_example=guess.examples["en"], en_format=FORMAT_NAMES["en"], de_example=guess.examples["de"],
            de_format=FORMAT_NAMES["de"], format=FORMAT_NAMES[used]))
    return used, not guess.decided, warnings


def read_form(texts: Mapping[str, Any], convention: str = "auto", *,
              stored: Mapping[str, float] | None = None, shown: Mapping[str, str] | None = None,
              currency: str | None = None) -> FormReading:
    """Read the form's text fields with the same number reading as files and pasted cells.

    Parameters
    ----------
    texts : field name -> the text in the form (empty or missing = not given).
    convention : ``"auto"``, ``"en"`` (1,234.5) or ``"de"`` (1.234,5 or 1 234,5). In ``"auto"``
        mode the format is decided from all newly typed texts together
        (:func:`~funnel_core.inputs.number_format_detect.analyse_convention`), like the cells of a file; when
        nothing decides, English is used and ambiguous readings are listed as warnings.
    stored : the stored values of the edited period, and ``shown`` the texts the form showed
        for them (default :func:`form_texts`): a field whose text is unchanged keeps its stored
        value exactly and does not vote on the number format.
    currency : the snapshot's currency; an amount typed with another currency is a warning.

    Returns
    -------
    FormReading
        A count that reads as a non-whole number is an error (``'12.500' reads as 12.5, which
        is not a whole number of Website visitors; if you meant 12,500, choose the number
        format 1.234,5``), and so are text that is not a number, a negative value and a
        percentage in a count or an amount.
    """
    conv = normalise_convention(convention)
    stored = dict(stored or {})
    shown = form_texts(stored, conv) if shown is None else shown
    values, typed = _kept_and_typed(texts, stored, shown)
    errors: list[str] = []
    warnings: list[str] = []
    used: str | None = None
    if typed:
        used, undecided, warnings = _decide_convention(conv, typed, currency)
        either_way: list[str] = []
        for name, text in typed.items():
            value, error, notes = _read_form_cell(name, text, used, currency, undecided)
            warnings += notes
            if error is not None:
                errors.append(error)
            elif value is not None:
                values[name] = value
                reading = _either_way(name, text, used) if undecided else None
                if reading is not None:
                    either_way.append(reading)
        if either_way:
            warnings.insert(0, _either_way_warning(either_way, used))
    ordered = {k: values[k] for k in FIELD_NAMES if k in values}
    if not errors:
        try:
            ordered = clean_values(ordered)
        except SnapshotError as exc:
            errors.append(sentence(str(exc)))
    return FormReading(ordered, tuple(errors), tuple(warnings), used, tuple(typed))


# --------------------------------------------------------------------------------------
# the editable table of one period
# --------------------------------------------------------------------------------------

EDITOR_COLUMNS = ("Stage", "Field", "Name", "Value")


def editor_frame(values: Mapping[str, float]) -> pd.DataFrame:
    """Every canonical field with its stored value (empty when not given), for ``st.data_editor``."""
    rows = [{"Stage": tr(STAGES[s.stage]), "Field": tr(s.label), "Name": s.name,
             "Value": float(values[s.name]) if s.name in values else None} for s in FIELDS]
    frame = pd.DataFrame(rows, columns=list(EDITOR_COLUMNS))
    frame["Value"] = frame["Value"].astype("float64")
    return frame


def editor_edits(edited_rows: Mapping[Any, Mapping[str, Any]], names: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """``st.data_editor``'s ``edited_rows`` (row position -> change) keyed by field name instead.

    ``names`` are the field names of the displayed rows, in display order.
    """
    out: dict[str, Mapping[str, Any]] = {}
    for position, change in edited_rows.items():
        index = int(position)
        if 0 <= index < len(names):
            out[names[index]] = change
    return out


def apply_editor_edits(values: Mapping[str, float], edits: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """Apply edits (field name -> {"Value": x}) to ``values``; an emptied cell removes the field.

    Raises
    ------
    SnapshotError
        When an edited value is not allowed (unknown field, negative, fraction above 1).
    """
    merged: dict[str, Any] = dict(values)
    for name, change in edits.items():
        if "Value" not in change:
            continue
        new = change["Value"]
        if is_blank(new):
            merged.pop(name, None)
        else:
            merged[name] = new
    return clean_values(merged)

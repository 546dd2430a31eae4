"""What the numbers page shows of a pasted or uploaded table before the numbers are kept.

The values that were understood (one period or every period side by side), the raw table in
spreadsheet coordinates, the texts a user may map to a field when nothing was recognised, and
the mapping that silences names the user wants ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from funnel_core.domain.i18n import tr
from funnel_core.domain.constants import CURRENCIES, DEFAULT_CURRENCY, FIELDS, FIELDS_BY_NAME, STAGES
from funnel_core.domain.formatting import format_number, format_value
from funnel_core.page_state.snapshot_state import is_blank

__all__ = [
    "column_letter", "ignore_mapping", "mapping_candidates", "parsed_frame", "parsed_periods_frame",
    "raw_preview",
]


# --------------------------------------------------------------------------------------
# what was understood
# --------------------------------------------------------------------------------------

def _field_text(name: str, value: float, currency: str) -> str:
    """An input value as typed, to check it was read right (money keeps its cents)."""
    kind = FIELDS_BY_NAME[name].kind
    if kind == "money":
        text = format_number(value)
        if text.startswith("-"):
            text = text[1:]
        symbol = CURRENCIES.get(currency, currency)
        sign = "-" if value < 0 else ""
        return f"{sign}{symbol}{text}" if symbol in ("$", "£", "€") else f"{sign}{text} {symbol}"
    if kind == "fraction":
        return format_value(value, "fraction")
    return format_number(value)


def parsed_frame(parsed: Any, label: str | None = None, currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """What was understood, one row per field: Field, Stage, Value (as shown), value."""
    label = label if label is not None else parsed.latest_period
    values = parsed.values.get(label, {}) if label is not None else {}
    rows = []
    for spec in FIELDS:
        if spec.name in values and not is_blank(values[spec.name]):
            rows.append({"Field": tr(spec.label), "Name": spec.name, "Stage": tr(STAGES[spec.stage]),
                         "Value": _field_text(spec.name, float(values[spec.name]), currency)})
    return pd.DataFrame(rows, columns=["Field", "Name", "Stage", "Value"])


def parsed_periods_frame(parsed: Any, currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """Wide view of every parsed period: one row per field, one column per period."""
    data: dict[str, list[str]] = {"Field": []}
    labels = list(parsed.periods)
    for label in labels:
        data[label] = []
    for spec in FIELDS:
        if not any(spec.name in parsed.values.get(lb, {}) for lb in labels):
            continue
        data["Field"].append(tr(spec.label))
        for label in labels:
            value = parsed.values.get(label, {}).get(spec.name)
            data[label].append("" if is_blank(value) else _field_text(spec.name, float(value), currency))
    return pd.DataFrame(data)


# --------------------------------------------------------------------------------------
# the raw table and the column mapping
# --------------------------------------------------------------------------------------

def column_letter(index: int) -> str:
    """The spreadsheet name of the column at 0-based ``index``: 0 -> ``A``, 26 -> ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def raw_preview(raw: pd.DataFrame, limit: int = 200) -> pd.DataFrame:
    """The raw table as the user sees it in a spreadsheet: columns A, B, C..., rows from 1.

    A copy without the parser's private ``attrs``; at most ``limit`` rows.
    """
    shown = pd.DataFrame(raw.head(limit).to_numpy(copy=True))
    shown.columns = [column_letter(i) for i in range(shown.shape[1])]
    shown.index = range(1, len(shown) + 1)
    return shown


def mapping_candidates(raw: pd.DataFrame, limit: int = 24) -> list[str]:
    """Texts a user may want to map when nothing was recognised: the first row's cells, then
    the first column's cells (no numbers, no duplicates), at most ``limit``."""
    out: list[str] = []

    def add(value: Any) -> None:
        text = "" if is_blank(value) else str(value).strip()
        if not text or text in out:
            return
        try:
            float(text.replace(",", "").replace(" ", ""))
            return
        except ValueError:
            out.append(text)

    if raw.shape[0]:
        for value in raw.iloc[0].tolist():
            add(value)
        for value in raw.iloc[1:, 0].tolist():
            add(value)
    return out[:limit]


def ignore_mapping(names: Iterable[str]) -> dict[str, None]:
    """A parser mapping that ignores ``names`` (silences their "not recognised" warning)."""
    return {str(n): None for n in names}

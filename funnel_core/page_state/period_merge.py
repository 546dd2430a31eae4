"""Adding new numbers to stored periods without fake periods, and saying what was merged.

A single period typed in the form or pasted without a date is stored as "Current period"
(:data:`~funnel_core.page_state.snapshot_state.CURRENT_PERIOD`). Put beside dated months it
would be a fake period: the trends page would draw it before 2025-01 and MRR would seem to
crash. So when one side is dated and the other is not, the page asks which month the undated
numbers are (:func:`undated_question`; the latest month by default, or the month after it),
and :func:`merge_numbers` stores them under that month. Periods are kept in calendar order
(:func:`chronological`), and :func:`merge_note` says in the sidebar's words what was merged
from where.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from funnel_core.domain.constants import FIELD_NAMES, FIELDS_BY_NAME
from funnel_core.domain.i18n import tr
from funnel_core.inputs.period_keys import parse_period_label
from funnel_core.page_state.snapshot_state import CURRENT_PERIOD, PARSER_CURRENT, merge_parsed

__all__ = ["MAX_NOTE_CHARS", "UndatedQuestion", "chronological", "merge_note", "merge_numbers",
           "undated_question"]

#: The longest "From: ..." line kept (older parts are cut from the front).
MAX_NOTE_CHARS = 160

Periods = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class UndatedQuestion:
    """Which month undated numbers belong to, asked before they are stored.

    Attributes
    ----------
    prompt : the question, naming what is undated.
    options : period labels to choose from, the default first.
    labels : option -> what choosing it does, for the radio buttons.
    """

    prompt: str
    options: tuple[str, ...]
    labels: dict[str, str]

    @property
    def default(self) -> str:
        return self.options[0]


def _is_undated(parsed: Any) -> bool:
    return list(parsed.periods) == [PARSER_CURRENT]


def _key(label: str) -> Any:
    return parse_period_label(label)


def chronological(periods: Periods) -> dict[str, dict[str, float]]:
    """The periods in calendar order when every label is a date (``2025-01``, ``2025-Q1``),
    else in the order given."""
    items = [(label, dict(values)) for label, values in periods.items()]
    keys = [_key(label) for label, _ in items]
    if len(items) > 1 and all(k is not None for k in keys) and len({k.kind for k in keys}) == 1:
        items = [item for _, item in sorted(zip(keys, items), key=lambda pair: pair[0].ordinal)]
    return dict(items)


def undated_question(stored: Periods, parsed: Any, *, replace: bool, undated_name: str) -> UndatedQuestion | None:
    """The question to ask when adding ``parsed`` would put undated numbers beside dated ones.

    Parameters
    ----------
    stored : the stored periods.
    parsed : the new numbers (:class:`~funnel_core.inputs.issues.ParsedInput`).
    replace : the user chose to replace everything (then nothing is asked).
    undated_name : how the page names the new input ("the pasted cells", "wide.xlsx").

    Returns
    -------
    UndatedQuestion or None
        ``None`` when both sides are dated, both are undated, or nothing is stored.
    """
    if replace or not stored:
        return None
    stored_undated = CURRENT_PERIOD in stored
    incoming_undated = _is_undated(parsed)
    if stored_undated == incoming_undated:
        return None
    if stored_undated:
        dated = [lb for lb in stored if lb != CURRENT_PERIOD] + [str(lb) for lb in parsed.periods]
        prompt = tr("Your stored numbers ({period}) have no date, but {name} gives dated periods. "
                    "Which period are the stored numbers?", period=tr(CURRENT_PERIOD), name=undated_name)
    else:
        dated = list(stored)
        name = undated_name[:1].upper() + undated_name[1:]
        prompt = tr("{name} have no date, but your stored numbers do. Which period are they?", name=name)
    dated = list(chronological({lb: {} for lb in dict.fromkeys(dated)}))
    latest = dated[-1]
    options = [latest] + [lb for lb in reversed(dated[:-1])]
    labels = {latest: tr("{period}, the latest period: merge into it", period=latest)}
    for lb in dated[:-1]:
        labels[lb] = tr("{period}: merge into it", period=lb)
    key = _key(latest)
    if key is not None:
        following = str(key.shifted(1))
        if following not in labels:
            options.insert(1, following)
            labels[following] = tr("{period}: a new period after {latest}", period=following, latest=latest)
    return UndatedQuestion(prompt, tuple(options), labels)


def merge_numbers(stored: Periods, parsed: Any, *, replace: bool,
                  undated_label: str | None = None) -> tuple[dict[str, dict[str, float]], str | None]:
    """Store ``parsed`` with the stored periods, in calendar order.

    ``undated_label`` (the answer to :func:`undated_question`) is the period the undated side
    goes to: stored "Current period" numbers move there first, or undated new numbers are
    stored there; the new numbers' fields overwrite the same fields, the others stay.

    Returns
    -------
    (periods, selected_period)

    Raises
    ------
    funnel_core.domain.model.SnapshotError
        When a new value cannot be stored (see :func:`~funnel_core.page_state.snapshot_state.merge_parsed`).
    """
    base = {k: dict(v) for k, v in stored.items()}
    if undated_label and not replace:
        if CURRENT_PERIOD in base and not _is_undated(parsed):
            moved = {**base.pop(undated_label, {}), **base.pop(CURRENT_PERIOD)}
            base[undated_label] = {k: moved[k] for k in FIELD_NAMES if k in moved}
        elif _is_undated(parsed):
            values = parsed.values.get(PARSER_CURRENT, {})
            parsed = dataclasses.replace(parsed, periods=[undated_label],
                                         values={undated_label: dict(values)},
                                         latest_period=undated_label)
    merged, selected = merge_parsed(base, parsed, replace=replace)
    return chronological(merged), selected


def _span(labels: list[str]) -> str:
    return ", ".join(labels) if len(labels) <= 2 else f"{labels[0]}–{labels[-1]}"  # no word: any language


def merge_note(old_note: str | None, source: str, stored: Periods,
               merged: Periods, *, replace: bool) -> str:
    """The sidebar's "From:" line after storing numbers from ``source``.

    Replacing (or nothing stored before) gives ``source``. Adding says what came from where:
    ``"typed in the form + pasted cells (Leads, MQLs into Current period)"`` or
    ``"... + wide.xlsx (2025-01–2025-06 added)"``; fields the new numbers do not give
    stay from before, so the line never claims them.
    """
    if replace or not stored or not old_note:
        return source
    added = [lb for lb in merged if lb not in stored]
    changed = {lb: [f for f in merged[lb] if merged[lb].get(f) != stored.get(lb, {}).get(f)
                    or f not in stored.get(lb, {})]
               for lb in merged if lb in stored}
    updated = [lb for lb, fields in changed.items() if fields]
    parts = []
    if added:
        parts.append(f"{_span(added)} added")
    if len(updated) == 1 and len(changed[updated[0]]) <= 3:
        names = ", ".join(FIELDS_BY_NAME[f].label for f in changed[updated[0]])
        parts.append(f"{names} into {updated[0]}")
    elif updated:
        parts.append(f"{_span(updated)} updated")
    moved = [lb for lb in stored if lb not in merged]
    if moved:
        parts.append(f"{_span(moved)} merged into a dated period")
    what = f" ({'; '.join(parts)})" if parts else " (nothing new)"
    note = f"{old_note} + {source}{what}"
    return note if len(note) <= MAX_NOTE_CHARS else "…" + note[-(MAX_NOTE_CHARS - 1):]

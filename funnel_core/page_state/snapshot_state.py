"""The session's data records: defaults, the compared snapshot, merging new numbers in, context.

The app keeps *data* in its session, never widget values:

``periods``
    ``{period label: {field: float}}`` in chronological order. A single form entry or a
    one-column (long) file uses the label :data:`CURRENT_PERIOD`.
``selected_period``
    the label of the period that is compared (``None`` = the latest).
``context``
    ``{"period", "trial_type", "motion", "acv_band", "product_category", "currency",
    "arr_band", "funding"}``;
    ``None`` for a selector means "not said" (every benchmark applies).
``source_note``
    where the numbers came from (``"typed in the form"``, a file name...).
``user_catalogue``
    list of the user's own benchmark rows (:meth:`Benchmark.to_dict`) or ``None``.

This module turns those plain structures into a :class:`~funnel_core.domain.model.Snapshot`
and back, merges parsed input into them (and says in words what adding or replacing would do),
names the context for the selectors and the sidebar, and summarises what is stored.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from funnel_core.domain.constants import (
    ACV_BANDS,
    ANY,
    ARR_BANDS,
    CONTEXT_FIELDS,
    CURRENCIES,
    FIELD_NAMES,
    FIELDS,
    FIELDS_BY_NAME,
    FUNDING,
    MOTIONS,
    PERIOD_LABELS,
    PERIODS,
    PRODUCT_CATEGORIES,
    SEGMENT_FIELDS,
    STAGES,
    TRIAL_TYPES,
)
from funnel_core.domain.i18n import current_language, mark, tr, tr_n
from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.metrics.year_ago import fill_from_history
from funnel_core.page_state.input_messages import sentence

__all__ = [
    "CONTEXT_LABELS", "CONTEXT_OPTIONS", "CURRENT_PERIOD", "NOT_SAID", "PARSER_CURRENT",
    "PRIVACY_NOTE", "build_snapshot", "clean_values", "context_from_parsed", "context_from_widget",
    "EXAMPLE_NOTE", "context_object", "context_summary", "context_to_widget", "default_context", "default_state",
    "is_blank", "merge_parsed", "merge_plan", "parsed_label", "resolve_period", "snapshot_from_key",
    "period_text", "snapshot_key", "snapshot_summary", "source_text", "store_values", "year_ago_note",
]

#: Label of the one period entered through the form or a one-column file.
CURRENT_PERIOD = mark("Current period")

#: The label the parser gives one unnamed period.
PARSER_CURRENT = "current"

#: Shown wherever numbers go in.
PRIVACY_NOTE = mark("Your numbers stay in this browser session and in this page's link (the "
                "address bar); nothing is stored on the server or sent anywhere.")

#: Text used in selectors for "not said" (every benchmark applies).
NOT_SAID = mark("Not said (show all)")

#: Options of each context selector: key -> {value: label}. :data:`ANY` (``"any"``) stands for
#: ``None`` ("not said") in selectors; see :func:`context_to_widget` and :func:`context_from_widget`.
CONTEXT_OPTIONS: dict[str, dict[str, str]] = {
    "period": {p: PERIOD_LABELS[p] for p in PERIODS},
    "trial_type": {ANY: NOT_SAID, **TRIAL_TYPES},
    "motion": {ANY: NOT_SAID, **MOTIONS},
    "acv_band": {ANY: NOT_SAID, **ACV_BANDS},
    "product_category": {ANY: NOT_SAID, **PRODUCT_CATEGORIES},
    "currency": {c: f"{c} ({s})" if s != c else c for c, s in CURRENCIES.items()},
    "arr_band": {ANY: NOT_SAID, **ARR_BANDS},
    "funding": {ANY: NOT_SAID, **FUNDING},
}

#: Label of each context key.
CONTEXT_LABELS: dict[str, str] = {
    "period": mark("Period the numbers cover"),
    "trial_type": mark("Trial type"),
    "motion": mark("Sales motion"),
    "acv_band": mark("Contract size (ACV)"),
    "product_category": mark("Product category"),
    "currency": mark("Currency"),
    "arr_band": mark("Company size (ARR)"),
    "funding": mark("Funding"),
}

#: The source note of the fictional example company (data: it travels in the link in English).
EXAMPLE_NOTE = mark("Example company (fictional): Northwind Notes, a made-up note-taking SaaS")

#: The words of the source notes the app writes itself (stored in English, shown translated).
_NOTE_WORDS: tuple[str, ...] = (
    EXAMPLE_NOTE, mark(", edited in the form"), mark("typed in the form"),
    mark("typed in the table"), mark("pasted cells"),
    # the words of period_merge.merge_note ("... (2025-01 to 2025-06 added; Current period
    # merged into a dated period)"), longest first
    mark(" merged into a dated period"), mark(" (nothing new)"), mark(" added"), mark(" updated"),
    CURRENT_PERIOD,
)

#: The first words of :func:`context_summary`, by period.
_NUMBERS_IN: dict[str, str] = {
    "month": mark("Monthly numbers in {currency}"),
    "quarter": mark("Quarterly numbers in {currency}"),
    "year": mark("Yearly numbers in {currency}"),
}


def period_text(label: str | None) -> str:
    """A stored period's label as shown: :data:`CURRENT_PERIOD` in the session's language,
    the user's own labels (``2025-01``, ``Q1``) as they are."""
    if label is None:
        return ""
    return tr(CURRENT_PERIOD) if label == CURRENT_PERIOD else str(label)


def source_text(note: str | None) -> str:
    """A source note as shown: the app's own words in it translated, file names as they are."""
    text = str(note or "")
    if current_language() == "en" or not text:
        return text
    for words in _NOTE_WORDS:
        if words in text:
            text = text.replace(words, tr(words))
    return text


# --------------------------------------------------------------------------------------
# state defaults and the context selectors
# --------------------------------------------------------------------------------------

def default_context() -> dict[str, str | None]:
    """The context before the user says anything: monthly numbers in USD, no segment."""
    return Context().to_dict()


def default_state() -> dict[str, Any]:
    """Fresh values for every session-state data key (see the module docstring)."""
    return {
        "periods": {},
        "selected_period": None,
        "context": default_context(),
        "source_note": None,
        "user_catalogue": None,
    }


def context_to_widget(value: str | None) -> str:
    """The selector value of a stored context value (``None`` -> ``"any"``)."""
    return ANY if value is None else value


def context_from_widget(value: str | None) -> str | None:
    """The stored context value of a selector value (``"any"`` -> ``None``)."""
    return None if value in (None, ANY) else value


def is_context_choice(key: str, value: Any) -> bool:
    """Whether ``value`` is one of the choices of context ``key`` (``None``: not said).

    A selector can hand back text that is none of its choices: the label it showed in the
    language the page had before (Streamlit returns the shown text when it matches no option).
    Such a value is never stored: it would make the segment unreadable on every page.
    """
    options = CONTEXT_OPTIONS.get(key)
    if options is None:
        return False
    if value is None:
        return ANY in options
    return isinstance(value, str) and value != ANY and value in options


def context_object(context: Mapping[str, Any] | None) -> Context:
    """A :class:`Context` from the stored dict (missing keys take their defaults)."""
    return Context.from_mapping(context or {})


def context_summary(context: Mapping[str, Any] | None, *, include_unsaid: bool = False) -> str:
    """One line naming the context: ``"Monthly numbers in USD · SMB (ACV under $12K) · ..."``."""
    ctx = context_object(context)
    if ctx.period in _NUMBERS_IN:
        parts = [tr(_NUMBERS_IN[ctx.period], currency=ctx.currency)]
    else:
        parts = [f"{PERIOD_LABELS[ctx.period]}ly numbers in {ctx.currency}"]
    for key in SEGMENT_FIELDS:
        value = getattr(ctx, key)
        if value is not None:
            parts.append(tr(CONTEXT_OPTIONS[key][value]))
        elif include_unsaid:
            label = tr(CONTEXT_LABELS[key])
            if current_language() == "en":
                label = label.lower()
            elif current_language() != "de":  # nouns keep their capitals in German, acronyms everywhere
                label = label[:1].lower() + label[1:]
            parts.append(tr("{what} not said", what=label))
    return " · ".join(parts)


# --------------------------------------------------------------------------------------
# values and snapshots
# --------------------------------------------------------------------------------------

def is_blank(value: Any) -> bool:
    """Whether a stored or edited value means "not given": ``None``, blank text, NaN or NA."""
    if value is None:
        return True
    if isinstance(value, str) and value.strip() == "":
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_values(values: Mapping[str, Any]) -> dict[str, float]:
    """Known fields with a number, in canonical order; empty and NaN entries are dropped.

    Raises
    ------
    SnapshotError
        For an unknown field, a value that is not a number, a negative count or a fraction
        above 1 (the same rules as :class:`Snapshot`), naming the field.
    """
    present = {k: v for k, v in values.items() if not is_blank(v)}
    return dict(Snapshot(present).values)


def resolve_period(periods: Mapping[str, Mapping[str, float]], selected: str | None) -> str | None:
    """The period to compare: ``selected`` when it exists, else the latest one, else ``None``."""
    if selected is not None and selected in periods:
        return selected
    return next(reversed(list(periods)), None) if periods else None


def _plain_snapshot(periods: Mapping[str, Mapping[str, float]], selected: str | None,
                    context: Mapping[str, Any] | None) -> Snapshot | None:
    label = resolve_period(periods, selected)
    if label is None:
        return None
    return Snapshot(dict(periods[label]), context_object(context),
                    label=None if label == CURRENT_PERIOD else label)


def _year_ago_filled(periods: Mapping[str, Mapping[str, float]], snapshot: Snapshot
                     ) -> tuple[Snapshot, str | None]:
    """``snapshot`` with ARR a year ago from the stored period twelve months earlier, and the note
    saying so (:func:`funnel_core.metrics.year_ago.fill_from_history`)."""
    if len(periods) < 2 or snapshot.label is None or snapshot.get("arr_year_ago") is not None:
        return snapshot, None
    try:
        others = [Snapshot(dict(values), snapshot.context, label=label)
                  for label, values in periods.items() if label != snapshot.label]
    except SnapshotError:  # a stored period that cannot be read fills nothing
        return snapshot, None
    return fill_from_history(snapshot, others)


def build_snapshot(periods: Mapping[str, Mapping[str, float]], selected: str | None,
                   context: Mapping[str, Any] | None) -> Snapshot | None:
    """The snapshot of the compared period, or ``None`` when no numbers are stored.

    ARR a year ago, when not given, is taken from the stored period twelve months earlier
    (:func:`year_ago_note` says so).
    """
    snapshot = _plain_snapshot(periods, selected, context)
    return None if snapshot is None else _year_ago_filled(periods, snapshot)[0]


def year_ago_note(periods: Mapping[str, Mapping[str, float]], selected: str | None,
                  context: Mapping[str, Any] | None) -> str | None:
    """The note when the compared period's ARR a year ago came from your history, else ``None``."""
    snapshot = _plain_snapshot(periods, selected, context)
    return None if snapshot is None else _year_ago_filled(periods, snapshot)[1]


def snapshot_key(snapshot: Snapshot | None) -> str:
    """A canonical JSON text of a snapshot: a hashable cache key that round-trips."""
    if snapshot is None:
        return ""
    return json.dumps(snapshot.to_dict(), sort_keys=True, separators=(",", ":"))


def snapshot_from_key(key: str) -> Snapshot:
    """The snapshot back from :func:`snapshot_key`."""
    return Snapshot.from_dict(json.loads(key))


def store_values(periods: Mapping[str, Mapping[str, float]], label: str,
                 values: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """A copy of ``periods`` with ``label`` holding ``values`` (cleaned; raises SnapshotError)."""
    clean = clean_values(values)
    out = {k: dict(v) for k, v in periods.items()}
    out[label] = clean
    return out


def snapshot_summary(periods: Mapping[str, Mapping[str, float]], selected: str | None,
                     source_note: str | None) -> dict[str, Any]:
    """What the sidebar shows: compared period, how many fields are filled, where from."""
    label = resolve_period(periods, selected)
    values = periods.get(label, {}) if label is not None else {}
    return {
        "has_numbers": bool(label is not None and values),
        "period": label,
        "period_count": len(periods),
        "filled": len(values),
        "total": len(FIELDS),
        "source": source_note,
        "stages": [tr(STAGES[s]) for s in STAGES if any(FIELDS_BY_NAME[f].stage == s for f in values)],
    }


# --------------------------------------------------------------------------------------
# parsed input (paste, upload, example) into the stored periods
# --------------------------------------------------------------------------------------

def parsed_label(label: str) -> str:
    """The stored label of a parsed period: an unnamed single period is :data:`CURRENT_PERIOD`."""
    return CURRENT_PERIOD if label == PARSER_CURRENT else label


def merge_parsed(periods: Mapping[str, Mapping[str, float]], parsed: Any, *,
                 replace: bool = True) -> tuple[dict[str, dict[str, float]], str | None]:
    """Put the numbers of a :class:`~funnel_core.inputs.issues.ParsedInput` into the stored periods.

    Parameters
    ----------
    periods : the stored periods (not modified).
    parsed : the parsed input; a single unnamed period (the parser's ``"current"``) becomes
        :data:`CURRENT_PERIOD`, named periods keep their labels.
    replace : ``True`` drops the stored periods first; ``False`` adds the new periods and, for
        a label that exists already, overwrites only the fields the input gives.

    Returns
    -------
    (periods, selected_period)
        ``selected_period`` is the latest parsed period.

    Raises
    ------
    SnapshotError
        When a parsed value cannot be part of a snapshot (negative, fraction above 1).
    """
    out: dict[str, dict[str, float]] = {} if replace else {k: dict(v) for k, v in periods.items()}
    selected = None
    for label in parsed.periods:
        values = clean_values({k: v for k, v in parsed.values.get(label, {}).items()
                               if k in FIELDS_BY_NAME})
        target = parsed_label(label)
        if target in out and not replace:
            merged = dict(out[target])
            merged.update(values)
            values = {k: merged[k] for k in FIELD_NAMES if k in merged}
        out[target] = values
        selected = target
    latest = getattr(parsed, "latest_period", None)
    if latest is not None and latest in parsed.periods:
        selected = parsed_label(latest)
    return out, selected


def context_from_parsed(context: Mapping[str, Any] | None, parsed: Any) -> tuple[dict[str, Any], list[str]]:
    """The stored context with what the input says on top.

    Returns
    -------
    (context, problems)
        ``problems`` lists context values the input gave but that are not valid (they are
        ignored and the previous value stays).
    """
    merged = dict(default_context())
    merged.update(context or {})
    problems: list[str] = []
    for key, raw in (getattr(parsed, "context", None) or {}).items():
        if key not in CONTEXT_FIELDS or is_blank(raw):
            continue
        text = str(raw).strip()
        if text == ANY:
            merged[key] = None if key not in ("period", "currency") else merged[key]
            continue
        candidate = dict(merged)
        candidate[key] = text.upper() if key == "currency" else text
        try:
            Context.from_mapping(candidate)
        except SnapshotError as exc:
            problems.append(str(exc))
            continue
        merged = candidate
    return merged, problems


# --------------------------------------------------------------------------------------
# adding parsed numbers to the stored ones, in words
# --------------------------------------------------------------------------------------

def _span(labels: Sequence[str]) -> str:
    labels = [period_text(label) for label in labels]
    if len(labels) <= 3:
        return ", ".join(labels)
    return tr("{first} to {last}", first=labels[0], last=labels[-1])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _periods_word(n: int) -> str:
    return tr_n("{n} stored period", "{n} stored periods", n)


def _merge_caption(updated: list[str], added: list[str], kept: list[str]) -> str:
    """What adding does to each stored and new period, as one sentence (``""`` when nothing)."""
    parts = []
    if updated:
        parts.append(tr("{periods}: the fields given here overwrite the same fields, the "
                        "other fields stay", periods=_span(updated)))
    if added:
        parts.append(tr_n("{periods} is added", "{periods} are added", len(added), periods=_span(added)))
    if kept and updated:
        parts.append(tr_n("the other {n} stored period ({periods}) is kept",
                          "the other {n} stored periods ({periods}) are kept", len(kept),
                          periods=_span(kept)))
    elif kept:
        parts.append(tr_n("the {n} stored period ({periods}) is kept",
                          "the {n} stored periods ({periods}) are kept", len(kept), periods=_span(kept)))
    return sentence(_capital("; ".join(parts))) if parts else ""


def merge_plan(periods: Mapping[str, Mapping[str, float]], parsed: Any) -> dict[str, Any]:
    """What adding (``merge_parsed(replace=False)``) and replacing would do, for the choice.

    Returns
    -------
    dict
        ``updated`` (stored periods the input also has), ``added`` (new periods), ``kept``
        (stored periods the input does not touch), ``dropped`` (how many stored periods
        replacing throws away: all of them), and the texts ``merge_label``,
        ``merge_caption``, ``replace_label``, ``replace_caption``.
    """
    incoming = [parsed_label(label) for label in parsed.periods]
    stored = list(periods)
    updated = [label for label in stored if label in incoming]
    added = [label for label in incoming if label not in periods]
    kept = [label for label in stored if label not in incoming]
    dropped = len(stored)
    if dropped == 1:
        replace_label = tr("Replace everything: drop the stored period ({period})",
                           period=period_text(stored[0]))
    else:
        replace_label = tr_n("Replace everything: drop all {n} stored period",
                             "Replace everything: drop all {n} stored periods", dropped)
    return {
        "updated": updated, "added": added, "kept": kept, "dropped": dropped,
        "merge_label": tr("Add these to your stored numbers"),
        "merge_caption": _merge_caption(updated, added, kept),
        "replace_label": replace_label,
        "replace_caption": (tr("Removes {periods} and keeps only the numbers shown above.",
                               periods=_span(stored)) if stored else ""),
    }

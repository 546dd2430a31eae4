"""Reading pasted cells and uploaded files on the "Your numbers" page (widgets only).

What was understood, the matching of unknown names to fields, the explicit choice between
adding and replacing, the period of undated numbers and the Apply callback; and the callbacks
of the own benchmark catalogue. The logic is in :mod:`funnel_core.page_state`; the page script
(``pages/numbers.py``) draws the tabs and calls these. Help texts are marked here and translated
where they are shown: this module is imported once, whatever the language of the run.
"""

from __future__ import annotations

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state import period_merge
from funnel_core.page_state import upload_mapping
from funnel_core.page_state import input_messages
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.domain.constants import FIELDS, FIELDS_BY_NAME
from funnel_core.domain.i18n import mark, tr, tr_n
from funnel_core.domain.model import SnapshotError
from funnel_core.inputs.headers import suggest_field
from funnel_core.inputs.issues import InputError
from funnel_core.metrics.continuity import mrr_continuity_gaps
from pages import _ui

CONVENTIONS = {
    "auto": mark("Detect automatically"),
    "en": mark("1,234.5 (English)"),
    "de": mark("1.234,5 or 1 234,5 (German, French, Polish)"),
}
PASTE_EXAMPLE = "Website visitors\t20000\nLeads\t1400\nNew customers\t35\nMRR at start\t48000"
IGNORE = "__ignore__"
MAP_OPTIONS = [IGNORE] + [spec.name for spec in FIELDS]
MAP_LABELS = {IGNORE: mark("Ignore this")}
CONVENTION_HELP = mark("How decimals and thousands are written. Detect automatically decides from all "
                       "the numbers together (and from the currency: in dollars or pounds 42,000 is "
                       "forty-two thousand); choose a format when every number is ambiguous, like "
                       "12.500 or 1,234.")
CHOICE_HELP = mark("Choose whether these numbers are added to your stored numbers or replace them.")


def convention_name(code: str) -> str:
    return tr(CONVENTIONS[code])


def _map_label(name: str) -> str:
    """A matcher option: "Ignore this", or a field's label with its name."""
    if name == IGNORE:
        return tr(MAP_LABELS[IGNORE])
    spec = FIELDS_BY_NAME.get(name)
    return f"{tr(spec.label)} ({name})" if spec else str(name)


def _replace_choice(key: str, parsed) -> bool | None:
    """Ask whether new numbers are added to the stored ones or replace them all.

    The choice is explicit: nothing is selected until the user picks (``None``). True =
    replace. The options say which stored periods each keeps or drops.
    """
    stored = _ui.periods()
    if not stored:
        return True
    plan = snapshot_state.merge_plan(stored, parsed)
    labels = {"merge": plan["merge_label"], "replace": plan["replace_label"]}
    _ui.keep_choice(key)
    if key in st.session_state and st.session_state[key] not in labels:
        st.session_state[key] = None
    unset = {} if key in st.session_state else {"index": None}
    choice = st.radio(tr("Your stored numbers"), list(labels), key=key, format_func=lambda k: md(labels[k]),
                      captions=[md(plan["merge_caption"]), md(plan["replace_caption"])],
                      help=tr(CHOICE_HELP), **unset)
    if choice is None:
        return None
    return choice == "replace"


def _undated_choice(key: str, parsed, replace: bool, name: str) -> str | None:
    """Which period undated numbers are, when the other side is dated (the latest by default)."""
    question = period_merge.undated_question(_ui.periods(), parsed, replace=replace,
                                             undated_name=name)
    if question is None:
        return None
    _ui.keep_choice(key)
    if st.session_state.get(key) not in question.options:
        st.session_state[key] = question.default
    return st.radio(md(question.prompt), list(question.options), key=key,
                    format_func=lambda k: md(question.labels.get(k, k)),
                    help=tr("Numbers without a date are never stored beside dated periods: they "
                            "would look like a period of their own."))


def gap_lines(periods: dict) -> list[str]:
    return [gap.message for gap in mrr_continuity_gaps(periods, _ui.context())]


def _apply_parsed(kind: str, args: tuple, replace: bool, source_note: str, replace_key: str,
                  undated_label: str | None) -> None:
    """Callback of the "Apply" buttons: parse again (cached) and store the numbers."""
    _ui.session_language()
    stored = _ui.periods()
    try:
        parsed = (_ui.cached_parse_text(*args) if kind == "text" else _ui.cached_parse_bytes(*args))
        plan = snapshot_state.merge_plan(stored, parsed)
        if undated_label is None:  # the question was answered on a previous run: its default
            question = period_merge.undated_question(stored, parsed, replace=replace,
                                                     undated_name=source_note)
            undated_label = question.default if question is not None else None
        new_periods, selected = period_merge.merge_numbers(stored, parsed, replace=replace,
                                                           undated_label=undated_label)
        new_context, _ = snapshot_state.context_from_parsed(_ui.context(), parsed)
    except InputError as exc:
        _ui.flash(tr("Nothing was changed: {reason}", reason=md(input_messages.describe_issue(exc.issue))),
                  "error")
        return
    except SnapshotError as exc:
        _ui.flash(tr("Nothing was changed: {reason}", reason=md(exc)), "error")
        return
    note = period_merge.merge_note(st.session_state.get("source_note"), source_note, stored,
                                   new_periods, replace=replace)
    _ui.apply_numbers(new_periods, selected, new_context, note)
    st.session_state[replace_key] = None  # the next time, the choice is made again
    count = sum(len(parsed.values.get(label, {})) for label in parsed.periods)
    if replace and plan["dropped"]:
        n = plan["dropped"]
        what = tr_n("; the {n} previously stored period was replaced",
                    "; the {n} previously stored periods were replaced", n)
    elif plan["kept"]:
        n = len([label for label in plan["kept"] if label in new_periods and label != undated_label])
        what = tr_n("; your other {n} stored period was kept", "; your other {n} stored periods were kept",
                    n) if n else ""
    else:
        what = ""
    if undated_label:
        what += tr("; the numbers without a date were stored as {period}",
                   period=snapshot_state.period_text(undated_label))
    stored_text = tr_n("Stored {n} numbers from {source}{what}", "Stored {n} numbers from {source}{what}",
                       count, source=snapshot_state.source_text(source_note), what=what)
    message = md(stored_text) + tr(". See them compared on **Benchmarks**.")
    gaps = gap_lines(new_periods)
    if gaps:
        _ui.flash(message + " " + tr("Check these:") + "\n" + "\n".join(f"- {md(g)}" for g in gaps), "warning")
    else:
        _ui.flash(message)


def _context_step(parsed, key_prefix: str, source_note: str) -> None:
    """Ask for the currency (and the period) right before Apply when the data does not say it."""
    given = {k for k, v in (parsed.context or {}).items() if v not in (None, "")}
    fields = {f for label in parsed.periods for f in parsed.values.get(label, {}) if f in FIELDS_BY_NAME}
    missing = []
    if "currency" not in given and any(FIELDS_BY_NAME[f].kind == "money" for f in fields):
        missing.append("currency")
    if "period" not in given:
        missing.append("period")
    if not missing:
        return
    pasted = source_note == "pasted cells"
    if pasted:
        said = {("currency",): tr("**The pasted cells do not say their currency**"),
                ("period",): tr("**The pasted cells do not say the period they cover**"),
                ("currency", "period"): tr("**The pasted cells do not say their currency or the period "
                                           "they cover**")}[tuple(missing)]
    else:
        said = {("currency",): tr("**{name} does not say its currency**", name=md(source_note)),
                ("period",): tr("**{name} does not say the period it covers**", name=md(source_note)),
                ("currency", "period"): tr("**{name} does not say its currency or the period it covers**",
                                           name=md(source_note))}[tuple(missing)]
    st.markdown(said + tr(": check before applying (amounts are stored as given, never converted)."))
    cols = st.columns(3)
    labels = {"currency": tr("Currency of these amounts"), "period": tr("Period these numbers cover")}
    helps = {"currency": tr("Changes your company's currency at once (the sidebar shows it too)."),
             "period": tr("Changes your company's period the numbers cover at once (the sidebar "
                          "shows it too).")}
    for i, key in enumerate(missing):
        _ui.context_selector(key, f"{key_prefix}_{key}", container=cols[i], label=labels[key],
                             help=helps[key])


def show_parsed(parsed, *, replace_key: str, button_key: str, kind: str, args: tuple,
                 source_note: str) -> None:
    """What was understood and the row-level issues, then the choices and the Apply button."""
    currency = _ui.context().get("currency") or "USD"
    found = sum(len(parsed.values.get(label, {})) for label in parsed.periods)
    errors = [i for i in parsed.issues if getattr(i, "level", "") == "error"]
    if parsed.layout == "wide" and len(parsed.periods) > 1:
        st.markdown(tr_n("**Understood {n} numbers over {count} periods** ({first} to {last}; the "
                         "latest, {latest}, is compared first).",
                         "**Understood {n} numbers over {count} periods** ({first} to {last}; the "
                         "latest, {latest}, is compared first).", found, count=len(parsed.periods),
                         first=md(parsed.periods[0]), last=md(parsed.periods[-1]),
                         latest=md(parsed.latest_period)))
        st.dataframe(upload_mapping.parsed_periods_frame(parsed, currency), hide_index=True)
    else:
        st.markdown(tr_n("**Understood {n} numbers**", "**Understood {n} numbers**", found))
        frame = upload_mapping.parsed_frame(parsed, parsed.latest_period, currency)
        if not frame.empty:
            st.dataframe(frame, hide_index=True, column_config={
                "Field": st.column_config.TextColumn(tr("Field")),
                "Stage": st.column_config.TextColumn(tr("Stage")),
                "Value": st.column_config.TextColumn(tr("Value")),
                "Name": st.column_config.TextColumn(tr("Field name"), width="small")})
    context_found = {k: v for k, v in (parsed.context or {}).items() if v not in (None, "")}
    if context_found:
        st.caption(tr("Context found in the data (it will replace the selectors):") + " "
                   + ", ".join(f"{md(k)} = {md(v)}" for k, v in context_found.items()))
    if parsed.issues:
        where = tr("the pasted cells") if source_note == "pasted cells" else md(source_note)
        st.markdown(tr("**Check these rows** of {where} (errors: the cell was skipped; "
                       "warnings: read, but check it):", where=where)
                    + "\n\n" + input_messages.issues_markdown(parsed.issues))
    if found == 0:
        st.error(tr("No number could be read, so there is nothing to apply. Check that each row has a "
                    "metric name and a value (or a header row with metric names), or match the names "
                    "to fields above, then try again."))
        return
    try:
        snapshot_state.merge_parsed(_ui.periods(), parsed)
    except SnapshotError as exc:
        st.error(tr("These numbers cannot be used: {reason}. Fix that value and try again; your stored "
                    "numbers are unchanged.", reason=md(exc)))
        return
    _context_step(parsed, button_key, source_note)
    replace = _replace_choice(replace_key, parsed)
    undated = None
    if replace is not None:
        name = tr("the pasted cells") if source_note == "pasted cells" else source_note
        undated = _undated_choice(f"{button_key}_undated", parsed, replace, name)
    help_text = (tr("Rows with errors are skipped; everything else is stored.") if errors
                 else tr("Stores them as your snapshot; the previous numbers stay until you click."))
    st.button(tr("Apply these numbers"), key=button_key, type="primary", icon=":material/check:",
              on_click=_apply_parsed, args=(kind, args, bool(replace), source_note, replace_key, undated),
              help=tr(CHOICE_HELP) if replace is None else help_text, disabled=replace is None)
    if replace is None:
        st.caption(tr("Choose above whether to add these numbers or replace your stored ones."))


def matcher(candidates: list[str], key_prefix: str, what: str) -> dict[str, str | None]:
    """Let the user match names that were not recognised to fields (or leave them ignored)."""
    mapping: dict[str, str | None] = {}
    if not candidates:
        return mapping
    st.markdown(tr("**Match the names we did not recognise** (or leave them ignored):") if what == "names"
                else tr("**Match the columns or rows we did not recognise** (or leave them ignored):"))
    cols = st.columns(3)
    for i, source in enumerate(candidates):
        key = f"{key_prefix}_{i}"
        _ui.keep_choice(key)
        suggestion = suggest_field(source)  # "leeds" -> Leads: chosen at first, and said so
        column = cols[i % 3]
        choice = column.selectbox(tr("'{name}' is", name=md(source)), MAP_OPTIONS, key=key,
                                  index=MAP_OPTIONS.index(suggestion) if suggestion else 0,
                                  format_func=_map_label)
        if suggestion is not None and choice == suggestion:
            column.caption(":material/spellcheck: " + tr("Guessed from the spelling; change it if that "
                                                         "is wrong."))
        mapping[str(source)] = None if choice == IGNORE else choice
    return mapping


def read_with_mapping(kind: str, base: tuple, first, mapping: dict, where: str):
    """(parsed, args) read again with the user's matching; errors are shown, not raised."""
    chosen = {k: v for k, v in mapping.items() if v is not None}
    args = base + ("", stored_currency())
    if not (chosen or (first is not None and mapping)):
        return first, args
    # ignored names are passed too: that silences their "not recognised" warning
    args = base + (_ui.mapping_json(mapping), stored_currency())
    try:
        parsed = _ui.cached_parse_text(*args) if kind == "text" else _ui.cached_parse_bytes(*args)
    except InputError as exc:
        if first is not None or chosen:
            st.error(input_messages.error_text(
                exc.issue, {"the pasted cells": tr("With this matching the pasted cells cannot be read"),
                            "the file": tr("With this matching the file cannot be read")}.get(where)
                or tr("With this matching {what} cannot be read", what=md(where)),
                tr("Change the matching above; your stored numbers are unchanged")),
                icon=":material/error:")
        return None, args
    return parsed, args


def stored_currency() -> str | None:
    return _ui.context().get("currency")


def _labels_or(value) -> str:
    if value is None:
        return tr("ignored")
    spec = next((s for s in FIELDS if s.name == value), None)
    return f"{tr(spec.label)} ({value})" if spec else str(value)


def how_read(parsed) -> None:
    if parsed.mapping:
        with st.expander(tr("How each column or row was read")):
            st.dataframe([{tr("In your data"): str(k), tr("Read as"): _labels_or(v)}
                          for k, v in parsed.mapping.items()], hide_index=True)


def use_catalogue(rows: list, name: str) -> None:
    _ui.session_language()
    st.session_state["user_catalogue"] = rows
    _ui.flash(tr_n("Using {n} of your own benchmarks from {name} next to the published ones.",
                   "Using {n} of your own benchmarks from {name} next to the published ones.",
                   len(rows), name=md(name)))


def remove_catalogue() -> None:
    _ui.session_language()
    st.session_state["user_catalogue"] = None
    _ui.flash(tr("Your own benchmarks are no longer used."), "info")

"""The form's draft: texts typed but not applied, and the callbacks that apply or discard them.

Split out of :mod:`pages._ui` (which re-exports every name here).
"""

from __future__ import annotations

import streamlit as st

from funnel_core.page_state import drafts, snapshot_state
from funnel_core.page_state import form as page_form
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.domain.constants import FIELDS
from funnel_core.domain.i18n import current_language, tr, tr_n
from funnel_core.domain.model import SnapshotError
from pages._link import session_language
from pages._state import (DRAFT_KEY, FORMAT_KEY, SHOWN_KEY, apply_numbers, compared_period, context,
                          current_values, flash, periods)

# --------------------------------------------------------------------------------------
# the form's draft: typed but not applied (see funnel_core.page_state.drafts)
# --------------------------------------------------------------------------------------
def begin_run() -> None:
    """Count the app's runs (app.py calls this once at the start of every run)."""
    st.session_state["_run_count"] = st.session_state.get("_run_count", 0) + 1


def form_drawn_last_run() -> bool:
    """Whether the form's text fields were drawn on the run before this one.

    When they were not (another page was open), the browser may still hold their old texts;
    the form then sets every field again from the draft and the stored numbers.
    """
    return st.session_state.get("_form_drawn_run") == st.session_state.get("_run_count", 0) - 1


def mark_form_drawn() -> None:
    st.session_state["_form_drawn_run"] = st.session_state.get("_run_count", 0)


def form_convention() -> str:
    """The form's number format: the selector's value while it is drawn, else the kept one."""
    return (st.session_state.get("form_convention") or st.session_state.get(FORMAT_KEY)
            or default_convention())


def default_convention(language: str | None = None) -> str:
    """The form's number format before the user chooses one: German, French and Polish write
    1.234,5 or 1 234,5, so those languages read typed numbers that way; English detects."""
    return "de" if (language or current_language()) in ("de", "fr", "pl") else "auto"


def form_shown() -> dict[str, str]:
    """What the form shows for the stored numbers of the edited period."""
    shown = st.session_state.get(SHOWN_KEY)
    if shown is None:
        shown = page_form.form_texts(current_values(), form_convention())
    return dict(shown)


def capture_form_draft() -> None:
    """Keep what the form's text fields hold as the draft (data that outlives the widgets).

    The text fields' values arrive with every run after the form was shown, also the run
    that switches to another page; later runs find no field and change nothing.
    """
    shown = form_shown()
    draft = dict(st.session_state.get(DRAFT_KEY) or {})
    for spec in FIELDS:
        key = f"f_{spec.name}"
        if key in st.session_state:
            draft = drafts.update_draft(draft, spec.name, st.session_state[key], shown)
    if draft != st.session_state.get(DRAFT_KEY):
        st.session_state[DRAFT_KEY] = draft


def pending_fields() -> list[str]:
    return drafts.pending_fields(st.session_state.get(DRAFT_KEY), form_shown())


def discard_draft() -> None:
    """Callback of "Discard": the form shows the stored numbers again."""
    st.session_state[DRAFT_KEY] = {}
    st.session_state.pop("_form_errors", None)
    _show_in_fields(form_shown())


def _show_in_fields(texts: dict[str, str]) -> None:
    """Put ``texts`` in the form's text fields that exist (the form draws the others itself)."""
    for spec in FIELDS:
        key = f"f_{spec.name}"
        if key in st.session_state:
            st.session_state[key] = texts.get(spec.name, "")
            st.session_state["_form_fields_set"] = True


def apply_form_draft(from_sidebar: bool = False) -> None:
    """Callback of every Apply of the form: read the typed texts like a file and store them.

    On any error nothing is stored and the typed texts stay (the errors are shown on the form).
    """
    session_language()
    capture_form_draft()  # texts typed right before the click arrive with it
    shown = form_shown()
    texts = drafts.shown_texts(st.session_state.get(DRAFT_KEY), shown)
    label = compared_period() or snapshot_state.CURRENT_PERIOD
    reading = page_form.read_form(texts, form_convention(), stored=current_values(), shown=shown,
                                  currency=context().get("currency"))
    errors = list(reading.errors)
    new_periods = None
    if not errors:
        try:
            new_periods = snapshot_state.store_values(periods(), label, reading.values)
        except SnapshotError as exc:
            errors.append(str(exc))
    if errors or new_periods is None:
        st.session_state["_form_errors"] = errors
        if from_sidebar:
            st.session_state["_sidebar_note"] = ("error", tr("Not applied: fix the fields listed on "
                                                    "**Your numbers**."))
        return
    st.session_state.pop("_form_errors", None)
    if not new_periods[label]:
        flash(tr("All fields are empty, so nothing was stored. Type at least two numbers "
                 "(e.g. visitors and leads) and apply again."), "warning")
        return
    note = st.session_state.get("source_note")
    if not note or note.startswith("Example company"):
        note = "typed in the form" if not note else note + ", edited in the form"
    apply_numbers(new_periods, label, None, note)
    new_shown = page_form.form_texts(new_periods[label], form_convention())
    st.session_state[SHOWN_KEY] = new_shown
    st.session_state[DRAFT_KEY] = {}
    _show_in_fields(new_shown)
    read_as = ""
    if reading.convention and any(ch in str(texts.get(name) or "") for name in reading.typed
                                  for ch in ".,"):
        read_as = tr(" (numbers read in the {format} format)",
                     format=page_form.FORMAT_NAMES[reading.convention])
    count = len(new_periods[label])
    shown_label = md(snapshot_state.period_text(label))
    message = tr_n("Stored {n} numbers for {period}{read_as}. See them compared on **Benchmarks**.",
                   "Stored {n} numbers for {period}{read_as}. See them compared on **Benchmarks**.",
                   count, period=shown_label, read_as=read_as)
    if from_sidebar:  # applied on another page: the sidebar says so, the page shows the numbers
        applied = tr_n("Applied: {n} numbers stored for {period}.", "Applied: {n} numbers stored for {period}.",
                       count, period=shown_label)
        st.session_state["_sidebar_note"] = ("success", applied)
        message = applied.removesuffix(".")  # "see them on Benchmarks" is said on Your numbers only
        if not reading.warnings:
            return
    if reading.warnings:
        flash(message + " " + tr("Check these:") + "\n" + "\n".join(f"- {md(w)}" for w in reading.warnings),
              "warning")
    else:
        flash(message)


def draft_badge() -> None:
    """In the sidebar of every page: how many fields wait to be applied, with Apply."""
    note = st.session_state.pop("_sidebar_note", None)
    if note is not None:
        kind, text = note
        (st.error if kind == "error" else st.success)(text)
    names = pending_fields()
    if not names:
        return
    with st.container(border=True):
        st.markdown(f":orange-badge[:material/edit: {tr('Not applied')}] **{drafts.unapplied_text(names)}**.")
        cols = st.columns(2)
        cols[0].button(tr("Apply"), key="sb_apply_draft", type="primary", icon=":material/check:",
                       on_click=apply_form_draft, kwargs={"from_sidebar": True}, width="stretch")
        cols[1].button(tr("Discard"), key="sb_discard_draft", on_click=discard_draft, width="stretch")

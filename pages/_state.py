"""Session state shared by app.py and the pages: the stored numbers, the context, flash messages.

Split out of :mod:`pages._ui` (which re-exports every name here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.domain.constants import CACHE_TTL_SECONDS
from funnel_core.domain.i18n import current_language
from funnel_core.domain.model import Snapshot

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PATH = ROOT / "assets" / "example_company.csv"
EXAMPLE_NOTE = snapshot_state.EXAMPLE_NOTE

NUMBERS_PAGE = "pages/numbers.py"
RESULTS_PAGE = "pages/results.py"
DOWNLOADS_PAGE = "pages/downloads.py"
SOURCES_PAGE = "pages/sources.py"

_MISSING = object()

#: How long cached results stay (seconds). Caches keyed on an upload's bytes hold parsed tables
#: as large as the file, so they are bounded by count and by time: the memory of a session that
#: has ended comes back within minutes, not at the next restart.
UPLOAD_CACHE_TTL = CACHE_TTL_SECONDS
REPORT_CACHE_TTL = CACHE_TTL_SECONDS

#: Session keys of the form's draft (what was typed but not applied: data, see
#: :mod:`funnel_core.page_state.drafts`), the texts the form shows for the stored numbers, and
#: the form's number format (kept as data so a page switch does not reset it).
DRAFT_KEY = "form_draft"
SHOWN_KEY = "_form_shown"
FORMAT_KEY = "form_number_format"
#: Session key: widget key -> the language it was last drawn in (see :func:`keep_choice`).
CHOICE_LANGUAGE_KEY = "_choice_language"

# --------------------------------------------------------------------------------------
# state
# --------------------------------------------------------------------------------------
def periods() -> dict[str, dict[str, float]]:
    return st.session_state["periods"]


def context() -> dict[str, Any]:
    return st.session_state["context"]


def compared_period() -> str | None:
    return snapshot_state.resolve_period(periods(), st.session_state.get("selected_period"))


def current_values() -> dict[str, float]:
    label = compared_period()
    return dict(periods().get(label, {})) if label is not None else {}


def current_snapshot() -> Snapshot | None:
    return snapshot_state.build_snapshot(periods(), st.session_state.get("selected_period"), context())


def _drawn_in_another_language(key: str) -> bool:
    """Whether widget ``key`` was last drawn in another language than this run's (and note
    this run's language for it)."""
    drawn = st.session_state.setdefault(CHOICE_LANGUAGE_KEY, {})
    language = current_language()
    moved = key in drawn and drawn[key] != language
    drawn[key] = language
    return moved


def sync_widget(key: str, value: Any) -> None:
    """Make widget ``key`` show ``value`` (the stored data) before the widget is drawn.

    After a language switch the value is set again even when it looks the same: the browser
    still holds the label of the old language, and a choice widget given a label that none of
    its new labels matches returns that label as its value (see :func:`keep_choice`).
    """
    if _drawn_in_another_language(key) or st.session_state.get(key, _MISSING) != value:
        st.session_state[key] = value


def keep_choice(key: str) -> None:
    """Call before drawing a choice widget (selectbox, radio, pills ...) whose labels are
    translated and whose value is not synced from data by :func:`sync_widget`.

    When the language changed since the widget was last drawn, its current value is set again,
    so the widget shows it with the new language's label. Without this, Streamlit matches the
    old language's label (which the browser sends back) against the new labels, finds none, and
    returns the label text itself as the value: ``"Month"`` instead of ``"month"``.
    """
    if _drawn_in_another_language(key) and key in st.session_state:
        st.session_state[key] = st.session_state[key]


def set_context_value(key: str, value: Any) -> None:
    """Store one context choice; a value that is none of the key's choices is not stored."""
    if not snapshot_state.is_context_choice(key, value):
        return
    ctx = dict(context())
    ctx[key] = value
    st.session_state["context"] = ctx


def apply_numbers(new_periods: dict[str, dict[str, float]], selected: str | None,
                  new_context: dict[str, Any] | None, source_note: str | None) -> None:
    """Store numbers (data only) in one step."""
    st.session_state["periods"] = new_periods
    st.session_state["selected_period"] = selected
    if new_context is not None:
        st.session_state["context"] = new_context
    if source_note is not None:
        st.session_state["source_note"] = source_note
    bump_editor()


def bump_editor() -> None:
    """Give the snapshot editor a fresh key so stale edits never re-apply to new data."""
    st.session_state["_editor_rev"] = st.session_state.get("_editor_rev", 0) + 1


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run (set from callbacks)."""
    st.session_state["_flash"] = (kind, message)


def show_flash() -> None:
    """The pending flash message, in a slot that is always there.

    The slot is drawn on every run, with or without a message, so the elements below it (the
    input tabs, the file uploader) keep their place in the page: a message that appears on one
    run and is gone on the next would otherwise shift them, and the browser would redraw them
    from scratch (the open tab and a file being replaced were lost).
    """
    slot = st.empty()
    item = st.session_state.pop("_flash", None)
    if item is None:
        return
    kind, message = item
    {"success": slot.success, "error": slot.error, "warning": slot.warning, "info": slot.info}[kind](message)

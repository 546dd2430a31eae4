"""The page's link (it carries the numbers), "Start over", and the session's language.

Split out of :mod:`pages._ui` (which re-exports every name here).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from funnel_core.page_state import link_state, snapshot_state
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.page_state.share_link import LINK_PARAM, LinkError
from funnel_core.domain.i18n import current_language, set_language, tr
from funnel_core.page_state import language as language_state
from pages._state import DRAFT_KEY, bump_editor, flash

# --------------------------------------------------------------------------------------
# the page's link: it carries the numbers (see funnel_core.page_state.link_state)
# --------------------------------------------------------------------------------------

def _link_data() -> dict[str, Any]:
    return {key: st.session_state.get(key) for key in link_state.LINK_DATA_KEYS}


def restore_from_link() -> None:
    """On the first run of a session, restore the numbers the page's link carries.

    A link that cannot be read leaves an empty app, removes the broken state from the address
    and keeps the reason for :func:`link_error_notice`; it never raises.
    """
    if st.session_state.get("_link_checked"):
        return
    st.session_state["_link_checked"] = True
    text = st.query_params.get(LINK_PARAM)
    if not text:
        return
    try:
        restored = link_state.state_from_link(text)
    except LinkError as exc:
        st.session_state["_link_error"] = str(exc)
        del st.query_params[LINK_PARAM]
        return
    for key, value in restored.items():
        st.session_state[key] = value
    bump_editor()


def sync_link() -> None:
    """Write the stored numbers into the page's link (``?s=``) when they changed.

    Called at the start of every run (callbacks have stored their changes by then) and at its
    end (for changes made while the page was drawn). A fresh app has a clean address.
    """
    plan = link_state.link_for_state(_link_data())
    st.session_state["_link_plan"] = plan
    current = st.query_params.get(LINK_PARAM)
    if plan.text is None:
        if current is not None:
            del st.query_params[LINK_PARAM]
    elif current != plan.text:
        st.query_params[LINK_PARAM] = plan.text
    _sync_language_param()


#: Session key: the language was chosen (in the sidebar, or by the link's ``?lang=``), not
#: taken from the browser; only a chosen language is written into the link.
LANGUAGE_CHOSEN_KEY = "_language_chosen"


def _sync_language_param() -> None:
    """Keep ``?lang=`` in the address while the language is a chosen one.

    Streamlit clears the address's parameters when the page changes; ``?s=`` is written again
    above, and without this the language was lost at the next reload (the app came back in the
    browser's language). A language taken from the browser is not written: a link sent to
    someone else then opens in their own language.
    """
    language = st.session_state.get(language_state.LANGUAGE_KEY)
    if not st.session_state.get(LANGUAGE_CHOSEN_KEY) or not language:
        return
    current = st.query_params.get(language_state.LANGUAGE_PARAM)
    if language == "en":
        if current is not None:
            del st.query_params[language_state.LANGUAGE_PARAM]
    elif current != language:
        st.query_params[language_state.LANGUAGE_PARAM] = language


def link_url() -> str | None:
    """The address to copy (with the page's host when the browser told it), or ``None``."""
    plan = st.session_state.get("_link_plan") or link_state.link_for_state(_link_data())
    try:
        base = st.context.url
    except Exception:  # noqa: BLE001 - no browser (tests, bare mode): the query alone
        base = None
    return link_state.share_url(base, plan.text, current_language())


def link_error_notice() -> None:
    """The reason a link could not be opened (or what of it could not be used), above every
    page until dismissed."""
    note = st.session_state.get(link_state.LINK_NOTE_KEY)
    if note:
        with st.container(border=True):
            st.warning(md(note), icon=":material/link:")
            st.button(tr("Dismiss"), key="dismiss_link_note", on_click=st.session_state.pop,
                      args=(link_state.LINK_NOTE_KEY, None))
    message = st.session_state.get("_link_error")
    if not message:
        return
    with st.container(border=True):
        st.error(tr("**This link could not be opened**: {reason}. The app starts empty; enter "
                    "your numbers, or ask for the link again.", reason=md(message)),
                 icon=":material/link_off:")
        st.button(tr("Dismiss"), key="dismiss_link_error", on_click=st.session_state.pop,
                  args=("_link_error", None))


def start_over() -> None:
    """Callback of "Start over": every number, draft, upload and the link's state are cleared."""
    session_language()
    keep = {"_link_checked", language_state.LANGUAGE_KEY, LANGUAGE_CHOSEN_KEY}
    for key in list(st.session_state.keys()):
        if key not in keep:
            del st.session_state[key]
    for key, value in snapshot_state.default_state().items():
        st.session_state[key] = value
    st.session_state[DRAFT_KEY] = {}
    if LINK_PARAM in st.query_params:
        del st.query_params[LINK_PARAM]
    bump_editor()
    flash(tr("Started over: every number, upload and setting of this session was cleared, and the "
             "page's link no longer holds any numbers."), "info")


def link_panel(*, key: str) -> None:
    """Say that the link holds the numbers, and offer "Copy link" and "Start over"."""
    plan = st.session_state.get("_link_plan") or link_state.link_for_state(_link_data())
    url = link_url()
    if plan.problem:
        st.warning(plan.problem, icon=":material/link_off:")
    elif url is None:
        st.caption(":material/link: " + tr("Once you enter numbers, this page's link holds them, so a "
                                           "reload or a bookmark brings them back. Nothing is stored on "
                                           "the server."))
    else:
        st.caption(":material/link: " + tr(link_state.LINK_NOTE) + " " + tr(
            "Anyone with the link sees the numbers: share it like the numbers themselves."))
        st.code(url, language=None, wrap_lines=True)
        if plan.catalogue_left_out:
            st.caption(tr("Your own benchmarks are too large for the link: upload their file again "
                          "after opening it."))
    st.button(tr("Start over"), key=f"start_over_{key}", on_click=start_over, icon=":material/restart_alt:",
              help=tr("Clears every number, upload and setting of this session and the page's link."))


# --------------------------------------------------------------------------------------
# the session's language
# --------------------------------------------------------------------------------------

def choose_language() -> str:
    """Set this run's language (app.py calls this at the start of every run) and return it.

    The link's ``?lang=`` wins, then the language chosen in the sidebar, then the browser's
    (``st.context.locale``), else English. The choice is kept as data in the session.
    """
    try:
        browser = st.context.locale
    except Exception:  # noqa: BLE001 - no browser (AppTest, bare mode)
        browser = None
    asked = st.query_params.get(language_state.LANGUAGE_PARAM)
    if asked:
        st.session_state[LANGUAGE_CHOSEN_KEY] = True
    language = language_state.choose_language(asked, st.session_state.get(language_state.LANGUAGE_KEY),
                                              browser)
    st.session_state[language_state.LANGUAGE_KEY] = language
    return set_language(language)


def session_language() -> str:
    """Speak the session's language in a callback (callbacks run before :func:`choose_language`
    of their run, in a fresh context): call it first in any callback that writes a message."""
    return set_language(st.session_state.get(language_state.LANGUAGE_KEY))


def _language_changed() -> None:
    language = st.session_state.get("sb_language") or "en"
    st.session_state[language_state.LANGUAGE_KEY] = language
    st.session_state[LANGUAGE_CHOSEN_KEY] = True
    if language == "en":
        st.query_params.pop(language_state.LANGUAGE_PARAM, None)
    else:
        st.query_params[language_state.LANGUAGE_PARAM] = language
    set_language(language)


def language_selector() -> None:
    """The language selector at the top of the sidebar (the link keeps it as ``?lang=``)."""
    codes, names = language_state.language_options()
    st.session_state["sb_language"] = current_language()
    st.selectbox(tr("Language"), codes, format_func=names.get, key="sb_language",
                 on_change=_language_changed)

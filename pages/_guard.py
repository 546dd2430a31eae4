"""Every page catches the unexpected: a short apology with a way back, never a traceback.

``app.py`` runs the chosen page through :func:`run_page`. An exception the page did not handle
is logged with its traceback (server side, under a short reference) and the user sees an
apology naming that reference, with a link to *Your numbers* and a *Start over* button.
Streamlit's own control flow (``st.rerun``, ``st.stop``, ``st.switch_page``) passes through:
it is not an error.
"""

from __future__ import annotations

import logging
import secrets
from typing import Callable

import streamlit as st

from funnel_core.domain.i18n import mark, tr

try:  # Streamlit's control-flow exceptions (BaseException subclasses in 1.67)
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException
except ImportError:  # pragma: no cover - another Streamlit layout
    ScriptControlException = ()  # type: ignore[assignment,misc]

LOG = logging.getLogger("funnel.app")

APOLOGY = mark("**Sorry, something went wrong on this page.** It was logged so it can be fixed "
           "(reference {ref}). Your numbers are kept: go back to *Your numbers*, or start over "
           "if the problem comes back.")


def run_page(run: Callable[[], object], *, numbers_page: str, start_over: Callable[[], None]) -> None:
    """Run ``run`` (the page); on an unexpected exception log it and show the apology.

    Parameters
    ----------
    run : the page's body, e.g. ``navigation.run``.
    numbers_page : the page the apology links back to.
    start_over : callback of the *Start over* button (clears the session's numbers).
    """
    try:
        run()
    except ScriptControlException:  # st.rerun / st.stop / st.switch_page
        raise
    except Exception:  # noqa: BLE001 - the point of this function: never a traceback for the user
        ref = secrets.token_hex(4)
        LOG.exception("unexpected error on a page (reference %s)", ref)
        show_apology(ref, numbers_page=numbers_page, start_over=start_over)


def show_apology(ref: str, *, numbers_page: str, start_over: Callable[[], None]) -> None:
    """The short apology with a way back (Your numbers, Start over)."""
    try:
        st.error(tr(APOLOGY, ref=ref), icon=":material/sentiment_dissatisfied:")
        with st.container(horizontal=True):
            st.page_link(numbers_page, label=tr("Back to Your numbers"), icon=":material/edit_note:")
            st.button(tr("Start over"), key=f"guard_start_over_{ref}", on_click=start_over,
                      icon=":material/restart_alt:")
    except ScriptControlException:
        raise
    except Exception:  # noqa: BLE001 - e.g. the page link is not in the navigation: keep the message
        LOG.exception("the apology could not be drawn in full (reference %s)", ref)

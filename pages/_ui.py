"""Streamlit glue shared by app.py and the pages: state access, cached builders, sidebar.

Only widgets, session state and caching live here; every formula and every table is built
in :mod:`funnel_core` (see :mod:`funnel_core.page_state`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state import drafts, sources_tables
from funnel_core.domain.i18n import keep_language, mark, tr

# The shared glue is split into modules by topic; every name stays reachable as ``_ui.<name>``.
from pages._state import (  # noqa: F401
    CHOICE_LANGUAGE_KEY, DOWNLOADS_PAGE, DRAFT_KEY, EXAMPLE_NOTE, EXAMPLE_PATH, FORMAT_KEY,
    NUMBERS_PAGE, REPORT_CACHE_TTL, RESULTS_PAGE, ROOT, SHOWN_KEY, SOURCES_PAGE, UPLOAD_CACHE_TTL,
    _MISSING, apply_numbers, bump_editor, compared_period, context, current_snapshot,
    current_values, flash, keep_choice, periods, set_context_value, show_flash, sync_widget,
)
from pages._link import (  # noqa: F401
    _language_changed, _link_data, choose_language, language_selector, link_error_notice, link_panel,
    link_url, restore_from_link, session_language, start_over, sync_link,
)
from pages._drafts import (  # noqa: F401
    _show_in_fields, apply_form_draft, begin_run, capture_form_draft, default_convention, discard_draft,
    draft_badge, form_convention, form_drawn_last_run, form_shown, mark_form_drawn, pending_fields,
)
from pages._caches import (  # noqa: F401
    _PREVALIDATED, _cached_parse_bytes, _cached_parse_text, _focus_for, _prevalidated, _report_for,
    build_chart, cached_parse_bytes, cached_parse_text, cached_raw_table, cached_sheets, cached_text_table,
    chart, chart_for, current_report, expire_streamlit_caches, focus, for_screen, load_example, mapping_json,
    report_keys,
)
from pages._selectors import (  # noqa: F401
    SEGMENT_KEYS, _context_changed, _period_changed, arr_band_hint, context_selector, period_selector,
    sidebar,
)


# --------------------------------------------------------------------------------------
# state
# --------------------------------------------------------------------------------------

def init_state() -> None:
    """Create every data key once per session (app.py and every page call this on every run).

    On the first run of a session the numbers in the page's link are restored
    (:func:`restore_from_link`); on every run the texts typed in the form are kept as a draft
    (:func:`capture_form_draft`), also when another page was chosen before Apply.
    """
    for key, value in snapshot_state.default_state().items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(DRAFT_KEY, {})
    st.session_state.setdefault(CHOICE_LANGUAGE_KEY, {})
    _leave_legacy_multipage_mode()
    restore_from_link()
    capture_form_draft()


def _leave_legacy_multipage_mode() -> None:
    """Rerun through ``app.py`` when Streamlit ran a page file on its own.

    Because the pages live in a folder called ``pages/``, Streamlit starts each server process
    in its old multipage mode (every ``pages/*.py`` is a page of its own, without ``app.py``)
    until ``st.navigation`` is called once. A first visitor who opens ``/results`` on a fresh
    server would get the page without the frame (no sidebar, a navigation listing every file).
    The flag is Streamlit's own; switching it off is exactly what ``st.navigation`` does.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


#: What each page would do with numbers, as :func:`no_numbers_yet` says it (its ``where``).
NOTHING_TO: dict[str, str] = {
    "compare": mark("compare"),
    "project": mark("project"),
    "download": mark("download"),
}


def no_numbers_yet(where: str) -> None:
    """What a page shows before any number is stored (typed numbers not applied yet get an
    Apply button here: the page would otherwise say there are none)."""
    typed = pending_fields()
    if typed:
        st.warning(tr("{typed}. They are not stored yet, so there is nothing to {what}: apply them "
                      "first.", typed=drafts.unapplied_text(typed), what=tr(NOTHING_TO.get(where, where))),
                   icon=":material/edit:")
        with st.container(horizontal=True):
            st.button(tr("Apply"), key=f"apply_draft_{where}", type="primary", icon=":material/check:",
                      on_click=apply_form_draft, kwargs={"from_sidebar": True})
            st.page_link(NUMBERS_PAGE, label=tr("Enter your numbers"), icon=":material/edit_note:")
        return
    st.info(tr("No numbers yet, so there is nothing to {what}. Enter, paste or upload your funnel "
               "numbers first, or look around with the fictional example company.",
               what=tr(NOTHING_TO.get(where, where))),
            icon=":material/info:")
    with st.container(horizontal=True):
        st.page_link(NUMBERS_PAGE, label=tr("Enter your numbers"), icon=":material/edit_note:")
        st.button(tr("Load example company"), on_click=load_example, key=f"example_{where}",
                  icon=":material/science:")


def chart_downloads(chart: Any, name: str, key: str) -> None:
    """PNG and SVG buttons for one chart; the image is rendered only when a button is clicked."""
    from funnel_core.exports import images

    cols = st.columns([1, 1, 4])
    cols[0].download_button("PNG", data=keep_language(lambda: images.chart_png(chart)), file_name=f"{name}.png",
                            mime="image/png", key=f"{key}_png", icon=":material/image:",
                            on_click="ignore")
    cols[1].download_button("SVG", data=keep_language(lambda: images.chart_svg(chart)), file_name=f"{name}.svg",
                            mime="image/svg+xml", key=f"{key}_svg", icon=":material/draw:",
                            on_click="ignore")


def user_and_published_catalogue() -> Any:
    """The shipped catalogue plus the user's own benchmark rows, or ``None`` when there are none.

    A broken user catalogue must not break a page: then the shipped catalogue alone is used.
    """
    rows = st.session_state.get("user_catalogue")
    if not rows:
        return None
    try:
        return sources_tables.full_catalogue(rows)
    except Exception:  # noqa: BLE001 - the upload page already told the user what was wrong
        return None

"""SaaS funnel benchmarks: the shared frame of every page.

Run with ``streamlit run app.py``. This file sets the page, the session-state defaults (data
only: see :mod:`funnel_core.page_state.snapshot_state`), the navigation and the sidebar; each
page lives in ``pages/``. The stored numbers travel in the page's link (``?s=``, see
:mod:`funnel_core.page_state.link_state`): a reload or the link opened elsewhere restores them.
"""

import logging
import os
import time

import streamlit as st

from funnel_core.domain.i18n import tr
from funnel_core.exports import images, warm_up
from funnel_core.exports.prepared import PREPARED
from funnel_core.page_state.housekeeping import arena_limit_note, start_housekeeping
from pages import _download_grace, _guard, _ui

_started = time.perf_counter()

_ui.choose_language()  # ?lang=, the choice made in the sidebar, else the browser's language
st.set_page_config(
    page_title=tr("SaaS funnel benchmarks"),
    page_icon=str(_ui.ROOT / "assets" / "icon.png"),  # served by the app: no font from elsewhere
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on narrow screens, open on wide ones
)

_ui.begin_run()
if warm_up.warm_up_in_background():  # once per server: vl-convert, the render worker and a sample PDF, so a user's first download is not the slow one
    if (_note := arena_limit_note()) is not None:
        logging.getLogger("funnel.memory").warning(_note)
_download_grace.install()  # once per process: a generated download waits for the browser to fetch it
start_housekeeping((images.expire_image_cache, PREPARED.expire, _ui.expire_streamlit_caches,
                    _download_grace.sweep))  # once per server: memory of closed sessions goes back to the system
_ui.init_state()  # restores the numbers of the page's link on a fresh session; keeps typed drafts

navigation = st.navigation(
    {
        tr("Benchmark your funnel"): [
            st.Page(_ui.NUMBERS_PAGE, title=tr("Your numbers"), icon=":material/edit_note:", default=True),
            st.Page(_ui.RESULTS_PAGE, title=tr("Benchmarks"), icon=":material/leaderboard:"),
            st.Page("pages/whatif.py", title=tr("What would it take"), icon=":material/trending_up:"),
            st.Page(_ui.DOWNLOADS_PAGE, title=tr("Downloads"), icon=":material/download:"),
        ],
        tr("Your history"): [
            st.Page("pages/history.py", title=tr("Trends across periods"), icon=":material/timeline:"),
            st.Page("pages/cohorts.py", title=tr("Cohorts"), icon=":material/grid_on:"),
        ],
        tr("Reference"): [
            st.Page(_ui.SOURCES_PAGE, title=tr("Sources & definitions"), icon=":material/menu_book:"),
        ],
    }
)

_ui.sync_link()  # the page's link carries the stored numbers (?s=...)
# The results page shows the segment selectors in its own header, right above the table.
_guard.run_page(lambda: _ui.sidebar(show_segment=navigation.url_path != "results"),
                numbers_page=_ui.NUMBERS_PAGE, start_over=_ui.start_over)
_ui.link_error_notice()
try:  # an unexpected error on a page: logged, and a short apology with a way back
    _guard.run_page(navigation.run, numbers_page=_ui.NUMBERS_PAGE, start_over=_ui.start_over)
finally:
    _ui.sync_link()  # numbers stored while the page was drawn

if os.environ.get("FUNNEL_LOG_TIMING"):  # FUNNEL_LOG_TIMING=1 streamlit run app.py: script time per run
    logging.getLogger("funnel.timing").warning(
        "%s: %.0f ms", navigation.url_path or "numbers", (time.perf_counter() - _started) * 1000)

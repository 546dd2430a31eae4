"""Drawing a chart in a page: title and explanation as text, the plot as wide as its column.

The split is made by :func:`funnel_core.charts.screen.for_container`; this module only writes
it with Streamlit widgets. The title is a small heading, the subtitle a caption above the plot,
the sources a caption below it; all of them wrap on words at any width and are read by screen
readers, and the plot's ``description`` is its accessible name. Downloads (PNG, SVG) keep the
whole picture, words included (:func:`pages._ui.chart_downloads`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from funnel_core.charts.screen import ScreenChart, for_container
from funnel_core.page_state.page_text import escape_markdown as md


def show_words(screen: ScreenChart, *, title: bool = True) -> None:
    """The title and subtitle of a split chart (above the plot)."""
    if title and screen.title:
        st.markdown(f"**{md(screen.title)}**")
    if screen.subtitle:
        st.caption("  \n".join(md(line) for line in screen.subtitle))


def show_footer(screen: ScreenChart) -> None:
    """The sources and notes of a split chart (below the plot)."""
    if screen.footer:
        st.caption("  \n".join(md(line) for line in screen.footer))


def show_chart(chart: Any, key: str, *, title: bool = True) -> ScreenChart | None:
    """Draw ``chart`` sized to its column, with its words as text around it.

    ``title=False`` leaves the title out (the page's own heading already says it). A chart that
    cannot follow its column (side-by-side views) is drawn whole at its own width.
    """
    if chart is None:
        return None
    screen = for_container(chart)
    if not screen.fits_container:
        st.vega_lite_chart(screen.spec, theme=None, key=key)
        return screen
    show_words(screen, title=title)
    st.vega_lite_chart(screen.spec, theme=None, width="stretch", key=key)
    show_footer(screen)
    return screen


# --------------------------------------------------------------------------------------
# wide and narrow screens
# --------------------------------------------------------------------------------------

#: Streamlit's narrow-screen breakpoint in CSS pixels (its columns stack below it).
PHONE_MAX_PX = 640


def _style(css: str) -> None:
    """A stylesheet for this page (Streamlit puts a style-only element out of the layout)."""
    st.html(f"<style>{css}</style>")


def wide_and_narrow(key: str) -> tuple[Any, Any]:
    """Two containers: the first shown on wide screens only, the second on phones only.

    For content that needs another form on a phone (a chart with a label column and a summary
    column becomes a list). Only CSS hides the other one, so both are drawn; a hidden one takes
    no room and is not read by screen readers.
    """
    _style(f"@media (max-width: {PHONE_MAX_PX}px) {{ .st-key-{key}_wide {{ display: none !important; }} }}"
           f"@media (min-width: {PHONE_MAX_PX + 1}px) {{ .st-key-{key}_narrow {{ display: none !important; }} }}")
    return st.container(key=f"{key}_wide"), st.container(key=f"{key}_narrow")


def grid(key: str, *, wide: int, narrow: int, gap: str = "1rem") -> Any:
    """A horizontal container whose items sit ``wide`` to a row on a wide screen and ``narrow``
    to a row on a phone (Streamlit's columns would stack them one per row there)."""
    def basis(n: int) -> str:
        return f"calc((100% - {n - 1} * {gap}) / {n})"

    _style(f".st-key-{key} {{ gap: {gap} !important; }}"
           f".st-key-{key} > * {{ flex: 0 0 {basis(wide)} !important; "
           f"width: {basis(wide)} !important; min-width: 0 !important; }}"
           f"@media (max-width: {PHONE_MAX_PX}px) {{ .st-key-{key} > * {{ flex: 0 0 {basis(narrow)} "
           f"!important; width: {basis(narrow)} !important; }} }}")
    return st.container(horizontal=True, key=key)


def compact_metrics(key: str) -> None:
    """Metric tiles in container ``key`` made smaller on a phone (less padding, a smaller
    value), so the tiles above a chart do not push it off the first screen."""
    _style(f"@media (max-width: {PHONE_MAX_PX}px) {{"
           f".st-key-{key} [data-testid='stMetric'] {{ padding: 0 !important; }}"
           f".st-key-{key} [data-testid='stMetric'] > div {{ padding: 0.45rem 0.7rem !important; }}"
           f".st-key-{key} [data-testid='stMetricValue'] {{ font-size: 1.7rem !important; }} }}")

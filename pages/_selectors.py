"""The sidebar and the selectors of the company context and the compared period.

Split out of :mod:`pages._ui` (which re-exports every name here).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.domain.constants import SEGMENT_FIELDS
from funnel_core.domain.i18n import tr, tr_n
from pages._drafts import draft_badge
from pages._link import language_selector, link_panel
from pages._state import (compared_period, context, current_values, keep_choice, periods, set_context_value,
                          sync_widget)

# --------------------------------------------------------------------------------------
# context and period selectors
# --------------------------------------------------------------------------------------

def _context_changed(widget_key: str, ctx_key: str) -> None:
    set_context_value(ctx_key, snapshot_state.context_from_widget(st.session_state[widget_key]))


def context_selector(ctx_key: str, widget_key: str, *, container: Any = st, in_form: bool = False,
                     label: str | None = None, help: str | None = None, sync: bool = True) -> None:
    """A selectbox over :data:`snapshot_state.CONTEXT_OPTIONS` that shows and (outside forms) edits
    the context.

    ``sync=False`` keeps what the widget holds (a form's choice not stored yet) unless the widget
    has no value at all.
    """
    options = snapshot_state.CONTEXT_OPTIONS[ctx_key]
    if sync or widget_key not in st.session_state:
        sync_widget(widget_key, snapshot_state.context_to_widget(context().get(ctx_key)))
    else:  # a form's choice not stored yet: kept, and shown in the page's language
        keep_choice(widget_key)
    kwargs: dict[str, Any] = {}
    if not in_form:
        kwargs = {"on_change": _context_changed, "args": (widget_key, ctx_key)}
    container.selectbox(label or tr(snapshot_state.CONTEXT_LABELS[ctx_key]), list(options),
                        format_func=lambda v, o=options: tr(o[v]), key=widget_key, help=help, **kwargs)


def _period_changed(widget_key: str) -> None:
    st.session_state["selected_period"] = st.session_state[widget_key]


def period_selector(widget_key: str, *, container: Any = st, label: str | None = None) -> None:
    """Pick which stored period is compared (only drawn when there are several)."""
    labels = list(periods())
    if len(labels) < 2:
        return
    sync_widget(widget_key, compared_period())
    container.selectbox(label or tr("Compared period"), labels, key=widget_key, on_change=_period_changed,
                        args=(widget_key,), format_func=snapshot_state.period_text)


# --------------------------------------------------------------------------------------
# sidebar
# --------------------------------------------------------------------------------------

SEGMENT_KEYS = SEGMENT_FIELDS  # trial type, motion, ACV band, category, ARR band, funding


def arr_band_hint(container: Any = st) -> None:
    """Under the ARR band selector: the band the compared period's own ARR suggests (never
    chosen for the user; :func:`funnel_core.page_state.peers.arr_band_suggestion`)."""
    from funnel_core.page_state.peers import arr_band_suggestion

    suggestion = arr_band_suggestion(current_values(), context())
    if suggestion is not None and not suggestion.matches:
        container.caption(":material/lightbulb: " + md(suggestion.text))


def sidebar(show_segment: bool = True) -> None:
    """The frame shown on every page: snapshot summary, compared period, company context.

    ``show_segment=False`` leaves the six segment selectors out (the results page shows them
    right above its table); period and currency stay.
    """
    with st.sidebar:
        language_selector()
        draft_badge()
        summary = snapshot_state.snapshot_summary(periods(),
                                                  st.session_state.get("selected_period"),
                                                  st.session_state.get("source_note"))
        st.markdown("#### " + tr("Your snapshot"))
        if summary["has_numbers"]:
            periods_text = (tr_n(" · {n} period stored", " · {n} periods stored", summary["period_count"])
                            if summary["period_count"] > 1 else "")
            st.markdown(f"**{md(snapshot_state.period_text(summary['period']))}** · "
                        + tr_n("{n} of {total} fields filled", "{n} of {total} fields filled",
                               summary["filled"], total=summary["total"]) + periods_text)
            if summary["source"]:
                st.caption(tr("From: {source}", source=md(snapshot_state.source_text(summary["source"]))))
            period_selector("sb_compared_period", label=tr("Compared period"))
        else:
            st.caption(tr("No numbers yet. Type, paste or upload them on **Your numbers**, or load "
                          "the fictional example company."))
        st.markdown("#### " + tr("Your company"))
        keys = ("period", "currency") + (SEGMENT_KEYS if show_segment else ())
        if show_segment:
            st.caption(tr("These pick which published benchmarks apply."))
        for key in keys:
            context_selector(key, f"sb_{key}")
            if key == "arr_band":
                arr_band_hint()
        rows = st.session_state.get("user_catalogue")
        if rows:
            origin = rows[0].get("origin") or tr("your file")
            st.caption(tr_n("Also comparing with {n} of your own benchmarks ({origin}).",
                            "Also comparing with {n} of your own benchmarks ({origin}).",
                            len(rows), origin=md(origin)))
        st.divider()
        st.caption(":material/lock: " + tr(snapshot_state.PRIVACY_NOTE))
        if st.session_state.get("_link_plan") is not None and st.session_state["_link_plan"].text:
            with st.popover(tr("Copy link or start over"), icon=":material/link:", width="stretch"):
                link_panel(key="sidebar")

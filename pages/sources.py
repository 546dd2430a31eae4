"""Sources & definitions: the whole catalogue, the formulas and the errors we avoid."""

from __future__ import annotations

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state import sources_tables
from funnel_core.domain.constants import STATUS_LABELS
from funnel_core.domain.i18n import current_language, mark, tr
from pages import _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data


@st.cache_data(max_entries=4, ttl=_ui.REPORT_CACHE_TTL, show_spinner=False)
def _catalogue_table(catalogue_key: str, language: str = "en"):
    """The catalogue as a table; ``language`` keys the cache (its labels are translated)."""
    import json

    rows = json.loads(catalogue_key) if catalogue_key else None
    return sources_tables.catalogue_frame(sources_tables.full_catalogue(rows))


st.title(tr("Sources & definitions"))
st.markdown(tr("Every published figure the app compares with, where it comes from and how sure we "
               "are of it; then how each KPI is computed, and the mistakes in common SaaS articles "
               "that this app does not repeat."))

catalogue_tab, definitions_tab, errors_tab = st.tabs(
    [":material/library_books: " + tr("Published figures"), ":material/function: " + tr("Definitions"),
     ":material/rule: " + tr("Errors we avoid")])

with catalogue_tab:
    legend = st.columns(3)
    for col, (code, text) in zip(legend, STATUS_LABELS.items()):
        col.markdown(f"**{code}** · {text}.")
    frame = _catalogue_table(sources_tables.catalogue_key(st.session_state.get("user_catalogue")),
                             current_language())
    filters = st.columns([2, 1])
    kpi_names = sorted(frame["KPI"].unique())
    _ui.keep_choice("src_kpi")  # the options are KPI names in the page's language:
    kept = [k for k in st.session_state.get("src_kpi") or [] if k in kpi_names]
    if kept != (st.session_state.get("src_kpi") or []):  # after a switch, names of the old one go
        st.session_state["src_kpi"] = kept
    kpis = filters[0].multiselect(tr("KPI"), kpi_names, key="src_kpi",
                                  placeholder=tr("All KPIs"))
    statuses = filters[1].pills(tr("Status"), ["V", "S", "U"], selection_mode="multi", key="src_status")
    shown = frame
    if kpis:
        shown = shown[shown["KPI"].isin(kpis)]
    if statuses:
        shown = shown[shown["status_code"].isin(statuses)]
    # page by page with a count, every row whole: cells wrap onto up to three lines (a row
    # height above 64 px lets Streamlit wrap), the link sits next to its source where it is
    # seen, and a figure without a link shows an empty cell, never "None"
    slices = sources_tables.pages(len(shown))
    start, stop = slices[0]
    if len(slices) > 1:
        labels = {f"{a + 1}–{b}": (a, b) for a, b in slices}
        start, stop = labels[st.segmented_control(
            tr("Rows"), list(labels), default=next(iter(labels)), key=f"src_page_{len(shown)}",
            help=tr("{n} figures a page", n=sources_tables.PAGE_SIZE)) or next(iter(labels))]
    st.caption(tr("{shown} (of {total} in the catalogue). Rates are shown in %, money in USD. A "
                  "figure marked U is shown, but labelled *source not verified*.",
                  shown=sources_tables.page_text(start, stop, len(shown)), total=len(frame)))
    st.dataframe(
        shown.iloc[start:stop], hide_index=True, height="content", row_height=70,
        placeholder="", alt=tr("Published benchmark figures: KPI, figure, status, source and link"),
        column_order=["KPI", "Figure", "Status", "Source", "Link", "Segment", "Year", "Sample",
                      "Statistic", "ACV band", "ARR band", "Funding", "Trial type", "Motion",
                      "Product category", "Definition", "Note", "Origin"],
        column_config={
            "KPI": st.column_config.TextColumn(tr("KPI"), pinned=True, width=130),
            "Figure": st.column_config.TextColumn(tr("Figure"), width=170),
            "Status": st.column_config.TextColumn(tr("Status"), width=150),
            "Source": st.column_config.TextColumn(tr("Source"), width=230),
            "Link": st.column_config.LinkColumn(tr("Link"), display_text=tr("open ↗"), width=70),
            "Segment": st.column_config.TextColumn(tr("Segment it is for"), width=190),
            "Year": st.column_config.TextColumn(
                tr("Year"), width=110,
                help=tr("The year the data describes (and when it was published); "
                        "'dated': more than five years old, so a newer figure is "
                        "preferred as the main benchmark")),
            "Sample": st.column_config.TextColumn(tr("Sample"), width=190),
            "Statistic": st.column_config.TextColumn(tr("Statistic"), width=110),
            "ACV band": st.column_config.TextColumn(tr("ACV band")),
            "ARR band": st.column_config.TextColumn(tr("ARR band")),
            "Funding": st.column_config.TextColumn(tr("Funding")),
            "Trial type": st.column_config.TextColumn(tr("Trial type"), width=190),
            "Motion": st.column_config.TextColumn(tr("Motion")),
            "Product category": st.column_config.TextColumn(tr("Product category")),
            "Note": st.column_config.TextColumn(tr("Note"), width=420),
            "Definition": st.column_config.TextColumn(tr("Definition"), width=300),
            "Origin": st.column_config.TextColumn(tr("Origin")),
        })
    st.markdown("##### " + tr("Published figures we show but cannot compare"))
    st.caption(tr("No KPI the app computes measures the same thing, so these stay as context."))
    st.markdown("\n".join(f"- {text}" for text in sources_tables.unmapped_figures()))

with definitions_tab:
    st.markdown("##### " + tr("KPIs"))
    st.dataframe(sources_tables.definitions_frame(), hide_index=True, height="content",
                 row_height=70, alt=tr("KPI definitions: formula, unit, direction and inputs"),
                 column_config={"KPI": st.column_config.TextColumn(tr("KPI"), pinned=True, width=150),
                                "Formula": st.column_config.TextColumn(tr("Formula"), width=300),
                                "What it tells": st.column_config.TextColumn(tr("What it tells"),
                                                                             width=300),
                                "Inputs": st.column_config.TextColumn(tr("Inputs"), width=300)})
    st.markdown("##### " + tr("Input fields"))
    st.dataframe(sources_tables.fields_frame(), hide_index=True, height="content",
                 row_height=70, alt=tr("Input fields and their definitions"),
                 column_config={"Field": st.column_config.TextColumn(tr("Field"), pinned=True,
                                                                     width=150),
                                "Definition": st.column_config.TextColumn(tr("Definition"),
                                                                          width=420)})
    st.markdown("##### " + tr("Periods"))
    st.markdown("\n".join("- " + tr(line) for line in (
        mark("Conversion rates and CAC have no period: they are compared as they are."),
        mark("Churn and retention depend on the period. Your value is converted to the benchmark's "
        "period **by compounding** before it is compared: annual churn = 1 - (1 - monthly)^12, "
        "annual retention = monthly retention^12."),
        mark("ARPA is monthly; ARR is MRR at the end of the period x 12 (a run rate)."),
        mark("Benchmark amounts (CAC, CLV) are in USD and are not converted to your currency."))))

with errors_tab:
    st.markdown(tr("The articles this app started from contain a few errors. The app computes these "
                   "the right way:"))
    for title, text in sources_tables.SEED_ERRORS:
        with st.container(border=True):
            st.markdown(f"**{tr(title)}**")
            st.markdown(tr(text))

st.caption(tr(snapshot_state.PRIVACY_NOTE))

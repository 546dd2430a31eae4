"""Benchmarks: every KPI against the published figures that match the company's segment."""

from __future__ import annotations

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state import comparison_tables
from funnel_core.page_state import headline as page_headline
from funnel_core.domain.formatting import format_value
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.charts.screen import for_container
from pages import _charts, _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

st.title("Benchmarks")
_ui.show_flash()
report = _ui.current_report()
if report is None:
    _ui.no_numbers_yet("compare")
    st.stop()

snapshot = report.snapshot
currency = snapshot.context.currency
period_label = _ui.compared_period()
source = str(st.session_state.get("source_note") or "")
if len(source) > 60:  # the sidebar shows it in full
    head_part = source.split(": ")[0]
    source = head_part if len(head_part) <= 60 else source[:57].rstrip(" ,:;") + "…"
basics = {k: _ui.context().get(k) for k in ("period", "currency")}
st.caption(f"Compared: **{md(period_label)}** · {snapshot_state.context_summary(basics)}"
           + (f" · from {md(source)}" if source else ""))
year_ago = snapshot_state.year_ago_note(_ui.periods(), st.session_state.get("selected_period"),
                                        _ui.context())
if year_ago:
    st.caption(f":material/history: {md(year_ago)}; ARR growth and the Rule of 40 use it.")

# --- segment: which benchmarks apply (one compact row; the headline and the chart stay in view) -
SEGMENT_HELP = ("Your segment picks which published figures apply. Leave it on Not said to see "
                "every figure; the table names the segment of each one.")
# three to a row (the labels stay whole on a laptop screen), two on a phone, where one to a row
# would push the chart two screens down
with _charts.grid("results_segment", wide=3, narrow=2):
    for key in _ui.SEGMENT_KEYS:
        _ui.context_selector(key, f"rs_{key}", container=st.container(), help=SEGMENT_HELP)
_ui.arr_band_hint()  # under the selectors, across the page: a line, not a narrow column

# --- headline ---------------------------------------------------------------------------------
head = page_headline.headline(report)
_charts.compact_metrics("results_headline")
with _charts.grid("results_headline", wide=4, narrow=2):
    m = [st.container() for _ in range(4)]
m[0].metric("▲ Better", head["kpi_better"], border=True,
            help="KPIs better than their main benchmark (the figure closest to your segment, "
                 "best-verified source first).")
m[1].metric("● In line", head["kpi_in_line"], border=True,
            help="KPIs inside the main benchmark's range, or within its band around a single "
                 "figure: ±2 pp a year for retention and churn, ±15 % for conversion rates, "
                 "money and months, ±10 % for ratios, ±5 points for NPS.")
m[2].metric("▼ Worse", head["kpi_worse"], border=True,
            help="KPIs on the bad side of their main benchmark (for churn and CAC, lower is better).")
m[3].metric("KPIs computed", f"{head['computed']} of {head['total']}", border=True,
            help="The others need inputs you have not given; see the list below the tabs.")
not_comparable = (f" {head['kpi_not_comparable']} KPI{'s' if head['kpi_not_comparable'] != 1 else ''} "
                  "not comparable (the published figures use another definition; see the table)."
                  if head["kpi_not_comparable"] else "")
# one total on the page: the KPI counts above (each KPI once); the comparisons are counted, not
# tallied by verdict a second time (that total is in the table and the downloads)
COUNTING = (f"Each KPI counts once, against its main benchmark.{not_comparable} Across all "
            f"{head['comparisons']} comparisons with published figures (each publication once), "
            "sources that disagree are all shown in *All benchmarks*, never averaged.")

warnings = page_headline.all_warnings(report)
if warnings:
    st.warning("**Check these inputs** (the KPIs are still computed):\n\n"
               + "\n".join(f"- {w}" for w in warnings), icon=":material/warning:")

# --- tabs (only the open tab runs) ------------------------------------------------------------
overview_tab, table_tab, detail_tab, funnel_tab, revenue_tab = st.tabs(
    [":material/insights: Overview", ":material/table: All benchmarks",
     ":material/calculate: How each KPI was computed", ":material/filter_alt: Funnel & focus",
     ":material/payments: Revenue (MRR)"],
    key="results_tab", on_change="rerun")


def _focus_list(limit: int | None = None) -> None:
    areas = _ui.focus()
    if not areas:
        st.caption("No funnel step, trial conversion, activation or churn is worse than its main "
                   "benchmark with the inputs needed to size the gap, so there is nothing to rank.")
        return
    for rank, area in enumerate(areas[:limit] if limit else areas, start=1):
        count = page_headline.count_text(area.extra_customers)
        gain = (f"+{count} customers per {area.period}" if area.kind == "conversion"
                else f"{count} customers kept per month")
        if area.extra_mrr is not None:
            gain += f", about {format_value(area.extra_mrr, 'currency', currency)} MRR"
        caveat = f" ({area.caveat})" if area.caveat else ""
        st.markdown(f"**{rank}. {area.label}**: {format_value(area.user_rate, 'fraction')} → "
                    f"{format_value(area.target_rate, 'fraction')} would bring **{gain}**{caveat}.")
        st.caption(area.arithmetic)


def _overview(chart) -> None:
    """The overview: the chart as wide as the page; on a phone, the same rows as a list (the
    chart's label and summary columns leave no room for its scale at 360 px)."""
    from funnel_core.charts.overview import overview_rows

    screen = for_container(chart)
    wide, narrow = _charts.wide_and_narrow("results_overview")
    with wide:
        _charts.show_words(screen)
        st.vega_lite_chart(screen.spec, theme=None, width="stretch", key="results_overview_chart")
    with narrow:
        st.markdown(f"**{md(screen.title)}**")
        st.caption("One line per KPI against its main benchmark: ▲ better, ● in line, ▼ worse; "
                   "[n] is the source, listed below.")
        st.markdown("\n".join(
            f"- {row['summary'][:1]} **{md(row['row'].replace(chr(10), ' '))}**: "
            + " · ".join(md(part) for part in row["summary"][1:].strip().split("\n"))
            for row in overview_rows(report)))
    _charts.show_footer(screen)


with overview_tab:
    if overview_tab.open:
        chart = _ui.chart("overview")
        if chart is not None:
            _overview(chart)
            st.caption(COUNTING)
            converted = page_headline.converted_lines(report)
            if converted:
                st.caption("Rates are placed in each benchmark's own period: "
                           + "; ".join(converted) + ".")
        else:
            st.info("None of your KPIs has a published figure it can be placed against yet. Add "
                    "more inputs, or widen your segment.")
            st.caption(COUNTING)
        st.subheader("Where to focus")
        st.caption("Each gap to the main benchmark turned into customers and MRR, from your own "
                   "numbers with everything else unchanged. Largest first.")
        _focus_list(limit=5)

with table_tab:
    if table_tab.open:
        table = comparison_tables.kpi_table(report)
        verdicts = st.pills("Show", ["▲ Better", "● In line", "▼ Worse", "○ Not comparable",
                                     "– No verdict"],
                            selection_mode="multi", key="table_filter",
                            help="Filter the rows by verdict; nothing selected shows all.")
        if verdicts:
            mask = table["Verdict"].str[:1].isin([v[:1] for v in verdicts])
            table = table[mask]
        st.caption(f"{len(table)} comparison{'s' if len(table) != 1 else ''}, all shown; cells "
                   "wrap onto up to three lines.")
        # every row shown (no inner scroll), every cell whole (a row height above 64 px lets
        # Streamlit wrap text), an empty cell where a figure has no link, never "None"
        st.dataframe(
            table, hide_index=True, height="content", row_height=70, placeholder="",
            alt="Every benchmark your KPIs are compared with: your value, the verdict, the "
                "published figure, its segment, status and source",
            column_order=["KPI", "Your value", "Verdict", "Main", "Benchmark", "Where you stand",
                          "Source", "Link", "Status", "Note", "Segment", "Your value in its period",
                          "Statistic"],
            column_config={
                "KPI": st.column_config.TextColumn("KPI", pinned=True, width=140),
                "Your value": st.column_config.TextColumn("Your value", width=105),
                "Verdict": st.column_config.TextColumn(
                    "Verdict", width=112,
                    help="▲ better · ● in line · ▼ worse, always on the good side for this KPI "
                         "(for churn and CAC, lower is better)"),
                "Main": st.column_config.TextColumn(
                    "Main", width=90,
                    help="★ the KPI's main benchmark: the figure closest to your segment, best "
                         "verified, central (a median before a target); its verdict is the KPI's. "
                         "An older edition of a publication is counted once, through its newest."),
                "Benchmark": st.column_config.TextColumn("Published figure", width=190),
                "Where you stand": st.column_config.TextColumn(
                    "Where you stand", width=220,
                    help="The share of companies in the source you do better than, where it "
                         "publishes a spread (quartiles, good / great); otherwise the gap to the "
                         "figure."),
                "Note": st.column_config.TextColumn(
                    "Note", width=220,
                    help="Caveats: another definition (e.g. margin-adjusted), one month "
                         "compounded to a year, an unverified source, an older edition."),
                "Segment": st.column_config.TextColumn("Segment it is for", width=160),
                "Source": st.column_config.TextColumn("Source", width=250),
                "Status": st.column_config.TextColumn(
                    "Status", width=165,
                    help="V verified in the source's own publication · S seen only where another "
                         "page quotes the source · U source not verified"),
                "Link": st.column_config.LinkColumn("Link", display_text="open ↗", width=70),
                "Your value in its period": st.column_config.TextColumn(
                    "Yours, in its period", width=150,
                    help="Your value converted to the benchmark's period by compounding"),
                "Statistic": st.column_config.TextColumn("Statistic", width=110),
            })
        st.caption("Status: **V** verified in the source's own publication · **S** seen only "
                   "where another page quotes the source · **U** source not verified. "
                   "All sources and definitions are on *Sources & definitions*.")

with detail_tab:
    if detail_tab.open:
        computed = report.computed()
        labels = {k.id: f"{k.kpi.spec.label}: {format_value(k.kpi.value, k.kpi.spec.unit, currency)}"
                  for k in computed}
        kpi_id = st.selectbox("KPI", list(labels), format_func=labels.get, key="detail_kpi")
        item = report.get(kpi_id)
        detail = comparison_tables.kpi_detail(item, currency)
        st.markdown(f"#### {detail.label}: {detail.value}")
        direction = comparison_tables.direction_text(detail.higher_is_better).capitalize()
        st.markdown(f"{detail.description} {direction}; "
                    f"{comparison_tables.measured_text(item.kpi.period)}.")
        left, right = st.columns(2)
        with left:
            st.markdown("**Formula**")
            st.code(detail.formula, language=None, wrap_lines=True)
        with right:
            st.markdown("**With your numbers**")
            st.code(detail.calculation, language=None, wrap_lines=True)
        for w in detail.warnings:
            st.warning(w, icon=":material/warning:")
        placed = [c for c in item.comparisons if c.user_value is not None]
        if not item.comparisons:
            st.info(comparison_tables.no_benchmark_text(kpi_id).capitalize() + ".")
        elif not placed:
            st.info("Your value cannot be placed against these figures: "
                    + "; ".join(c.reason or "" for c in item.comparisons))
        else:
            primary = comparison_tables.primary_for(item)
            ids = [c.benchmark.id for c in placed]
            names = {c.benchmark.id: f"{c.benchmark.source} · {c.benchmark.segment}" for c in placed}
            chosen = ids[0]
            if len(ids) > 1:
                chosen = st.selectbox(
                    f"Draw against ({len(ids)} benchmarks match your segment)", ids,
                    format_func=names.get,
                    index=ids.index(primary.benchmark.id) if primary is not None else 0,
                    key=f"detail_bench_{kpi_id}")
            chart = _ui.chart(f"bullet1-{kpi_id}|{chosen}")
            if chart is not None:
                _charts.show_chart(chart, "results_bullet_chart")
        if detail.benchmarks:
            st.markdown("**Every matching benchmark, and how your value was matched to it**")
            st.dataframe(
                [{"Figure": b.figure, "Verdict": b.verdict, "Your value there": b.user_value,
                  "Segment": b.segment, "Status": b.status, "Source": b.source,
                  "Link": b.url or None, "Conversion / note": b.note} for b in detail.benchmarks],
                hide_index=True, height="content", row_height=70, placeholder="",
                alt="Every benchmark matching this KPI and how your value was matched to it",
                column_config={
                    "Figure": st.column_config.TextColumn(width=190),
                    "Verdict": st.column_config.TextColumn(width=112),
                    "Your value there": st.column_config.TextColumn(width=120),
                    "Segment": st.column_config.TextColumn("Segment it is for", width=160),
                    "Status": st.column_config.TextColumn(width=165),
                    "Source": st.column_config.TextColumn(width=260),
                    "Link": st.column_config.LinkColumn("Link", display_text="open ↗", width=70),
                    "Conversion / note": st.column_config.TextColumn(width="large")})

with funnel_tab:
    if funnel_tab.open:
        chart = _ui.chart("funnel")
        if chart is not None:
            _charts.show_chart(chart, "results_funnel_chart")
        else:
            st.info("The funnel chart needs at least website visitors and leads.")
        st.subheader("Where to focus")
        _focus_list()
        chart = _ui.chart("focus")
        if chart is not None:
            _charts.show_chart(chart, "results_focus_chart")

with revenue_tab:
    if revenue_tab.open:
        # three cards a row: at 1280 px six in a row cut values ("$131,…") and labels
        cards = page_headline.revenue_cards(report)
        for start in range(0, len(cards), 3):
            cols = st.columns(3)
            for col, card in zip(cols, cards[start:start + 3]):
                col.metric(card.label, card.value, delta=card.note, delta_color="off",
                           delta_arrow="off", help=card.help, border=True, height="stretch")
        chart = _ui.chart("mrr-bridge")
        if chart is not None:
            _charts.show_chart(chart, "results_mrr_bridge_chart")
        else:
            st.info("The MRR bridge needs MRR at start and at least one of new, expansion, "
                    "contraction or churned MRR.")
        chart = _ui.chart("quadrant")  # growth and efficiency read together
        if chart is not None:
            _charts.show_chart(chart, "results_quadrant_chart")
        else:
            st.caption("The NRR x CAC payback quadrant needs net revenue retention (MRR at start "
                       "and its movements) and CAC payback (S&M spend, new customers and the "
                       "customer counts).")

# --- KPIs that could not be computed ---------------------------------------------------------
missing = page_headline.not_computable(report)
if missing:
    with st.expander(f"{len(missing)} KPI{'s' if len(missing) != 1 else ''} could not be computed "
                     "(which input is missing)", icon=":material/block:"):
        st.markdown("\n".join(f"- **{label}**: {reason}" for label, reason in missing))
        st.page_link(_ui.NUMBERS_PAGE, label="Add the missing inputs", icon=":material/edit_note:")

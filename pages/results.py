"""Benchmarks: every KPI against the published figures that match the company's segment."""

from __future__ import annotations

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state import comparison_tables
from funnel_core.page_state import headline as page_headline
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import LANGUAGES, catalogue, mark, tr, tr_n
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.charts.screen import for_container
from pages import _charts, _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

st.title(tr("Benchmarks"))
_ui.show_flash()
report = _ui.current_report()
if report is None:
    _ui.no_numbers_yet("compare")
    st.stop()

snapshot = report.snapshot
currency = snapshot.context.currency
period_label = snapshot_state.period_text(_ui.compared_period())
source = snapshot_state.source_text(st.session_state.get("source_note"))
if len(source) > 60:  # the sidebar shows it in full
    head_part = source.split(": ")[0]
    source = head_part if len(head_part) <= 60 else source[:57].rstrip(" ,:;") + "…"
basics = {k: _ui.context().get(k) for k in ("period", "currency")}
st.caption(tr("Compared: **{period}** · {summary}", period=md(period_label),
              summary=snapshot_state.context_summary(basics))
           + (tr(" · from {source}", source=md(source)) if source else ""))
year_ago = snapshot_state.year_ago_note(_ui.periods(), st.session_state.get("selected_period"),
                                        _ui.context())
if year_ago:
    st.caption(":material/history: " + tr("{note}; ARR growth and the Rule of 40 use it.",
                                          note=md(year_ago)))

# --- segment: which benchmarks apply (one compact row; the headline and the chart stay in view) -
SEGMENT_HELP = tr("Your segment picks which published figures apply. Leave it on Not said to see "
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
m[0].metric("▲ " + tr("Better"), head["kpi_better"], border=True,
            help=tr("KPIs better than their main benchmark (the figure closest to your segment, "
                 "best-verified source first)."))
m[1].metric("● " + tr("In line"), head["kpi_in_line"], border=True,
            help=tr("KPIs inside the main benchmark's range, or within its band around a single "
                 "figure: ±2 pp a year for retention and churn, ±15 % for conversion rates, "
                 "money and months, ±10 % for ratios, ±5 points for NPS."))
m[2].metric("▼ " + tr("Worse"), head["kpi_worse"], border=True,
            help=tr("KPIs on the bad side of their main benchmark (for churn and CAC, lower is better)."))
m[3].metric(tr("KPIs computed"), tr("{n} of {total}", n=head["computed"], total=head["total"]),
            border=True, help=tr("The others need inputs you have not given; see the list below "
                                 "the tabs."))
not_comparable = (" " + tr_n("{n} KPI not comparable (the published figures use another definition; "
                             "see the table).",
                             "{n} KPIs not comparable (the published figures use another definition; "
                             "see the table).", head["kpi_not_comparable"])
                  if head["kpi_not_comparable"] else "")
# one total on the page: the KPI counts above (each KPI once); the comparisons are counted, not
# tallied by verdict a second time (that total is in the table and the downloads)
COUNTING = tr("Each KPI counts once, against its main benchmark.{not_comparable} Across all "
              "{comparisons} comparisons with published figures (each publication once), "
              "sources that disagree are all shown in *All benchmarks*, never averaged.",
              not_comparable=not_comparable, comparisons=head["comparisons"])

warnings = page_headline.all_warnings(report)
if warnings:
    st.warning(tr("**Check these inputs** (the KPIs are still computed):") + "\n\n"
               + "\n".join(f"- {w}" for w in warnings), icon=":material/warning:")

# --- tabs (only the open tab runs) ------------------------------------------------------------
TABS = ((":material/insights: ", mark("Overview")), (":material/table: ", mark("All benchmarks")),
        (":material/calculate: ", mark("How each KPI was computed")),
        (":material/filter_alt: ", mark("Funnel & focus")),
        (":material/payments: ", mark("Revenue (MRR)")))
_tab_labels = [icon + tr(text) for icon, text in TABS]
# the open tab is kept by its label: after a change of language, the same tab in the new one
_open_tab = st.session_state.get("results_tab")
if _open_tab is not None and _open_tab not in _tab_labels:
    for (icon, text), label in zip(TABS, _tab_labels):
        if _open_tab in {icon + text} | {icon + catalogue(code).messages.get(text, text)
                                         for code in LANGUAGES}:
            st.session_state["results_tab"] = label
            break
overview_tab, table_tab, detail_tab, funnel_tab, revenue_tab = st.tabs(
    _tab_labels, key="results_tab", on_change="rerun")


def _focus_list(limit: int | None = None) -> None:
    areas = _ui.focus()
    if not areas:
        st.caption(tr("No funnel step, trial conversion, activation or churn is worse than its main "
                      "benchmark with the inputs needed to size the gap, so there is nothing to rank."))
        return
    for rank, area in enumerate(areas[:limit] if limit else areas, start=1):
        count = page_headline.count_text(area.extra_customers)
        if area.kind != "conversion":
            gain = tr("{count} customers kept per month", count=count)
        elif area.period == "month":
            gain = tr("+{count} customers per month", count=count)
        elif area.period == "quarter":
            gain = tr("+{count} customers per quarter", count=count)
        elif area.period == "year":
            gain = tr("+{count} customers per year", count=count)
        else:
            gain = tr("+{count} customers per {period}", count=count, period=tr(area.period))
        if area.extra_mrr is not None:
            gain += tr(", about {amount} MRR", amount=format_value(area.extra_mrr, 'currency', currency))
        caveat = f" ({area.caveat})" if area.caveat else ""
        st.markdown(tr("**{rank}. {label}**: {from_rate} → {to_rate} would bring **{gain}**{caveat}.",
                       rank=rank, label=area.label, from_rate=format_value(area.user_rate, 'fraction'),
                       to_rate=format_value(area.target_rate, 'fraction'), gain=gain, caveat=caveat))
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
        st.caption(tr("One line per KPI against its main benchmark: ▲ better, ● in line, ▼ worse; "
                      "[n] is the source, listed below."))
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
                st.caption(tr("Rates are placed in each benchmark's own period: {lines}.",
                              lines="; ".join(converted)))
        else:
            st.info(tr("None of your KPIs has a published figure it can be placed against yet. Add "
                       "more inputs, or widen your segment."))
            st.caption(COUNTING)
        st.subheader(tr("Where to focus"))
        st.caption(tr("Each gap to the main benchmark turned into customers and MRR, from your own "
                      "numbers with everything else unchanged. Largest first."))
        _focus_list(limit=5)

with table_tab:
    if table_tab.open:
        table = comparison_tables.kpi_table(report)
        _ui.keep_choice("table_filter")
        verdicts = st.pills(tr("Show"), ["▲ Better", "● In line", "▼ Worse",
                                         "○ " + mark("Not comparable"), "– " + mark("No verdict")],
                            selection_mode="multi", key="table_filter",
                            format_func=lambda v: v[:2] + tr(v[2:]),  # the options stay codes
                            help=tr("Filter the rows by verdict; nothing selected shows all."))
        if verdicts:
            mask = table["Verdict"].str[:1].isin([v[:1] for v in verdicts])
            table = table[mask]
        st.caption(tr_n("{n} comparison, all shown; cells wrap onto up to three lines.",
                        "{n} comparisons, all shown; cells wrap onto up to three lines.", len(table)))
        # every row shown (no inner scroll), every cell whole (a row height above 64 px lets
        # Streamlit wrap text), an empty cell where a figure has no link, never "None"
        st.dataframe(
            table, hide_index=True, height="content", row_height=70, placeholder="",
            alt=tr("Every benchmark your KPIs are compared with: your value, the verdict, the "
                   "published figure, its segment, status and source"),
            # the figure and your value in the figure's own period side by side (a monthly
            # value against a yearly median reads as a contradiction otherwise), then the
            # caveats, before the source details further right
            column_order=["KPI", "Your value", "Verdict", "Main", "Benchmark", "Your value in its period",
                          "Where you stand", "Note", "Source", "Link", "Status", "Segment", "Statistic"],
            column_config={
                "KPI": st.column_config.TextColumn(tr("KPI"), pinned=True, width=140),
                "Your value": st.column_config.TextColumn(tr("Your value"), width=105),
                "Verdict": st.column_config.TextColumn(
                    tr("Verdict"), width=112,
                    help=tr("▲ better · ● in line · ▼ worse, always on the good side for this KPI "
                            "(for churn and CAC, lower is better)")),
                "Main": st.column_config.TextColumn(
                    tr("Main"), width=90,
                    help=tr("★ the KPI's main benchmark: the figure closest to your segment, best "
                            "verified, central (a median before a target); its verdict is the KPI's. "
                            "An older edition of a publication is counted once, through its newest.")),
                "Benchmark": st.column_config.TextColumn(tr("Published figure"), width=190),
                "Where you stand": st.column_config.TextColumn(
                    tr("Where you stand"), width=220,
                    help=tr("The share of companies in the source you do better than, where it "
                            "publishes a spread (quartiles, good / great); otherwise the gap to the "
                            "figure.")),
                "Note": st.column_config.TextColumn(
                    tr("Note"), width=220,
                    help=tr("Caveats: another definition (e.g. margin-adjusted), one month "
                            "compounded to a year, an unverified source, an older edition.")),
                "Segment": st.column_config.TextColumn(tr("Segment it is for"), width=160),
                "Source": st.column_config.TextColumn(tr("Source"), width=250),
                "Status": st.column_config.TextColumn(
                    tr("Status"), width=165,
                    help=tr("V verified in the source's own publication · S seen only where another "
                            "page quotes the source · U source not verified")),
                "Link": st.column_config.LinkColumn(tr("Link"), display_text=tr("open ↗"), width=70),
                "Your value in its period": st.column_config.TextColumn(
                    tr("Yours, in its period"), width=150,
                    help=tr("Your value converted to the benchmark's period by compounding")),
                "Statistic": st.column_config.TextColumn(tr("Statistic"), width=110),
            })
        st.caption(tr("Status: **V** verified in the source's own publication · **S** seen only "
                      "where another page quotes the source · **U** source not verified. "
                      "All sources and definitions are on *Sources & definitions*."))

with detail_tab:
    if detail_tab.open:
        computed = report.computed()
        labels = {k.id: f"{k.kpi.spec.label}: {format_value(k.kpi.value, k.kpi.spec.unit, currency)}"
                  for k in computed}
        _ui.keep_choice("detail_kpi")
        kpi_id = st.selectbox(tr("KPI"), list(labels), format_func=labels.get, key="detail_kpi")
        item = report.get(kpi_id)
        detail = comparison_tables.kpi_detail(item, currency)
        st.markdown(f"#### {detail.label}: {detail.value}")
        direction = comparison_tables.direction_text(detail.higher_is_better).capitalize()
        st.markdown(f"{detail.description} {direction}; "
                    f"{comparison_tables.measured_text(item.kpi.period)}.")
        left, right = st.columns(2)
        with left:
            st.markdown("**" + tr("Formula") + "**")
            st.code(detail.formula, language=None, wrap_lines=True)
        with right:
            st.markdown("**" + tr("With your numbers") + "**")
            st.code(detail.calculation, language=None, wrap_lines=True)
        for w in detail.warnings:
            st.warning(w, icon=":material/warning:")
        placed = [c for c in item.comparisons if c.user_value is not None]
        if not item.comparisons:
            st.info(comparison_tables.no_benchmark_text(kpi_id).capitalize() + ".")
        elif not placed:
            st.info(tr("Your value cannot be placed against these figures: {reasons}",
                       reasons="; ".join(c.reason or "" for c in item.comparisons)))
        else:
            primary = comparison_tables.primary_for(item)
            ids = [c.benchmark.id for c in placed]
            names = {c.benchmark.id: f"{c.benchmark.source} · {c.benchmark.segment}" for c in placed}
            chosen = ids[0]
            if len(ids) > 1:
                _ui.keep_choice(f"detail_bench_{kpi_id}")
                chosen = st.selectbox(
                    tr_n("Draw against ({n} benchmark matches your segment)",
                         "Draw against ({n} benchmarks match your segment)", len(ids)), ids,
                    format_func=names.get,
                    index=ids.index(primary.benchmark.id) if primary is not None else 0,
                    key=f"detail_bench_{kpi_id}")
            chart = _ui.chart(f"bullet1-{kpi_id}|{chosen}")
            if chart is not None:
                _charts.show_chart(chart, "results_bullet_chart")
        if detail.benchmarks:
            st.markdown("**" + tr("Every matching benchmark, and how your value was matched to it") + "**")
            st.dataframe(
                [{"Figure": b.figure, "Verdict": b.verdict, "Your value there": b.user_value,
                  "Segment": b.segment, "Status": b.status, "Source": b.source,
                  "Link": b.url or None, "Conversion / note": b.note} for b in detail.benchmarks],
                hide_index=True, height="content", row_height=70, placeholder="",
                alt=tr("Every benchmark matching this KPI and how your value was matched to it"),
                column_config={
                    "Figure": st.column_config.TextColumn(tr("Figure"), width=190),
                    "Verdict": st.column_config.TextColumn(tr("Verdict"), width=112),
                    "Your value there": st.column_config.TextColumn(tr("Your value there"), width=120),
                    "Segment": st.column_config.TextColumn(tr("Segment it is for"), width=160),
                    "Status": st.column_config.TextColumn(tr("Status"), width=165),
                    "Source": st.column_config.TextColumn(tr("Source"), width=260),
                    "Link": st.column_config.LinkColumn(tr("Link"), display_text=tr("open ↗"), width=70),
                    "Conversion / note": st.column_config.TextColumn(tr("Conversion / note"),
                                                                     width="large")})

with funnel_tab:
    if funnel_tab.open:
        chart = _ui.chart("funnel")
        if chart is not None:
            _charts.show_chart(chart, "results_funnel_chart")
        else:
            st.info(tr("The funnel chart needs at least website visitors and leads."))
        st.subheader(tr("Where to focus"))
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
            st.info(tr("The MRR bridge needs MRR at start and at least one of new, expansion, "
                       "contraction or churned MRR."))
        chart = _ui.chart("quadrant")  # growth and efficiency read together
        if chart is not None:
            _charts.show_chart(chart, "results_quadrant_chart")
        else:
            st.caption(tr("The NRR x CAC payback quadrant needs net revenue retention (MRR at start "
                          "and its movements) and CAC payback (S&M spend, new customers and the "
                          "customer counts)."))

# --- KPIs that could not be computed ---------------------------------------------------------
missing = page_headline.not_computable(report)
if missing:
    with st.expander(tr_n("{n} KPI could not be computed (which input is missing)",
                          "{n} KPIs could not be computed (which input is missing)", len(missing)),
                     icon=":material/block:"):
        st.markdown("\n".join(f"- **{label}**: {reason}" for label, reason in missing))
        st.page_link(_ui.NUMBERS_PAGE, label=tr("Add the missing inputs"), icon=":material/edit_note:")

"""What would it take: change some inputs, see every KPI and the next 12 months beside your
numbers, and the input values that would bring each worse KPI to its benchmark.

Only widgets, session data and layout here: scenarios, targets, the projection and the tables
come from :mod:`funnel_core` (:mod:`funnel_core.page_state.whatif_state`).
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from funnel_core.benchmarks.scenario_compare import ScenarioComparison, compare_scenario
from funnel_core.benchmarks.targets import find_targets
from funnel_core.charts.projection import projection_chart
from funnel_core.domain.i18n import current_language, keep_language, tr
from funnel_core.exports.scenario_csv import scenario_csv
from funnel_core.metrics.projection import ASSUMPTION
from funnel_core.metrics.scenario import ScenarioError
from funnel_core.page_state import snapshot_state, sources_tables
from funnel_core.page_state import whatif_state as ws
from pages import _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data
for _key, _value in ws.default_state().items():
    st.session_state.setdefault(_key, _value)

st.title(tr("What would it take"))
_ui.show_flash()
report = _ui.current_report()
keys = _ui.report_keys()
if report is None or keys is None:
    _ui.no_numbers_yet("project")
    st.stop()

snapshot = report.snapshot
currency = snapshot.context.currency
st.caption(tr("Change any input to see every KPI, its verdict and the next 12 months beside your "
              "numbers; below, what it would take to bring each weaker KPI to its benchmark.")
           + " " + tr(ASSUMPTION))


@st.cache_resource(max_entries=64, show_spinner=False)
def _compared(snapshot_key: str, catalogue_key: str, overrides: str, name: str,
              _baseline: Any, language: str = "en") -> ScenarioComparison:
    """The scenario against the baseline; ``language`` keys the cache (the notes are in it)."""
    rows = json.loads(catalogue_key) if catalogue_key else None
    return compare_scenario(snapshot_state.snapshot_from_key(snapshot_key),
                            ws.scenario_of(name, json.loads(overrides)),
                            sources_tables.full_catalogue(rows), baseline=_baseline)


@st.cache_resource(max_entries=32, show_spinner=False)
def _targets(snapshot_key: str, catalogue_key: str, _report: Any, language: str = "en") -> list[Any]:
    """The targets of the worse KPIs; ``language`` keys the cache (their texts are in it)."""
    return find_targets(_report)


# --- scenario data (session data, never widget values) --------------------------------------

def _scenarios() -> dict[str, dict[str, float]]:
    return st.session_state[ws.SCENARIOS_KEY]


def _active() -> str:
    name = st.session_state.get(ws.ACTIVE_KEY)
    scenarios = _scenarios()
    if name not in scenarios:
        name = next(iter(scenarios), ws.DEFAULT_NAME)
        if name not in scenarios:
            st.session_state[ws.SCENARIOS_KEY] = {name: {}}
        st.session_state[ws.ACTIVE_KEY] = name
    return name


def _store(name: str, overrides: dict[str, float]) -> None:
    scenarios = dict(_scenarios())
    scenarios[name] = overrides
    st.session_state[ws.SCENARIOS_KEY] = scenarios


def _input_changed(field: str, baseline: Any) -> None:
    name = _active()
    _store(name, ws.set_value(_scenarios()[name], field, st.session_state[f"wi_in_{field}"], baseline))


def _picked() -> None:
    st.session_state[ws.ACTIVE_KEY] = st.session_state["wi_pick"]


def _add() -> None:
    name = ws.new_name(_scenarios(), st.session_state.get("wi_new_name"))
    _store(name, {})
    st.session_state[ws.ACTIVE_KEY] = name
    st.session_state["wi_new_name"] = ""


def _reset() -> None:
    _store(_active(), {})


def _delete() -> None:
    scenarios = dict(_scenarios())
    scenarios.pop(_active(), None)
    st.session_state[ws.SCENARIOS_KEY] = scenarios or {ws.DEFAULT_NAME: {}}
    st.session_state[ws.ACTIVE_KEY] = next(iter(st.session_state[ws.SCENARIOS_KEY]))


def _try(name: str, values: dict[str, float], baseline: Any) -> None:
    overrides: dict[str, float] = {}
    for field, value in values.items():
        overrides = ws.set_value(overrides, field, value, baseline)
    _store(name, overrides)
    st.session_state[ws.ACTIVE_KEY] = name
    _ui.flash(tr("Scenario **{name}** made from the target: its inputs are set below.", name=name),
              "success")


# --- scenario picker ---------------------------------------------------------------------------
active = _active()
names = list(_scenarios())
pick, new, buttons = st.columns([2, 2, 2], vertical_alignment="bottom")
_ui.sync_widget("wi_pick", active)
pick.selectbox(tr("Scenario"), names, key="wi_pick", on_change=_picked,
               help=tr("Several named scenarios are kept while this browser tab is open."))
new.text_input(tr("New scenario"), key="wi_new_name", placeholder=tr("e.g. Lower churn"))
with buttons:
    with st.container(horizontal=True):
        st.button(tr("Add"), on_click=_add, icon=":material/add:", key="wi_add")
        st.button(tr("Reset"), on_click=_reset, icon=":material/restart_alt:", key="wi_reset",
                  help=tr("Set every input of this scenario back to your numbers."))
        st.button(tr("Delete"), on_click=_delete, icon=":material/delete:", key="wi_delete")

# --- inputs by stage -------------------------------------------------------------------------
overrides = dict(_scenarios()[active])
groups = ws.input_groups(snapshot)
st.markdown("#### " + tr("Inputs of *{name}*", name=active))
st.caption(tr("Each starts at your number for the compared period; change any of them."))
tabs = st.tabs([label for label, _ in groups])
for tab, (label, fields) in zip(tabs, groups):
    with tab:
        cols = st.columns(3)
        for i, spec in enumerate(fields):
            step, fmt = ws.input_step(spec)
            key = f"wi_in_{spec.name}"
            _ui.sync_widget(key, float(overrides.get(spec.name, snapshot.get(spec.name) or 0.0)))
            signed = getattr(spec, "signed", False)
            cols[i % 3].number_input(
                spec.label + (" ●" if spec.name in overrides else ""), key=key, step=step,
                format=fmt, min_value=None if signed else 0.0,
                max_value=1.0 if spec.kind == "fraction" else None, help=spec.help,
                on_change=_input_changed, args=(spec.name, snapshot))

try:
    result = _compared(*keys, ws.overrides_key(overrides), active, report, current_language())
except ScenarioError as exc:
    st.error(tr("This scenario cannot be computed: {error}", error=exc), icon=":material/error:")
    st.stop()

# --- headline ----------------------------------------------------------------------------------
cards = ws.headline_cards(result)
if cards:
    for col, card in zip(st.columns(len(cards)), cards):
        col.metric(card["label"], card["value"], delta=card["delta"], border=True, help=card["help"])
elif result.projection_note:
    st.info(result.projection_note, icon=":material/info:")

# --- projection chart --------------------------------------------------------------------------
if result.baseline_projection is not None:
    measure = st.segmented_control(tr("Show"), ["MRR", "ARR"], default="MRR", key="wi_measure") or "MRR"
    chart_args: dict[str, Any] = dict(
        scenario=result.scenario_projection if result.changes else None, scenario_name=active,
        measure=measure.lower(), currency=currency)
    st.altair_chart(_ui.for_screen(projection_chart(result.baseline_projection, width="container",
                                                    **chart_args)), theme=None)
    export = projection_chart(result.baseline_projection, **chart_args)
    _ui.chart_downloads(export, f"projection-{measure.lower()}", "wi_chart")

st.download_button(tr("Scenario CSV"), data=keep_language(lambda: scenario_csv(result)), file_name="scenario.csv",
                   mime="text/csv", key="wi_csv", icon=":material/table:", on_click="ignore",
                   help=tr("The inputs changed, every KPI before and after, and the projection."))

# --- side by side ------------------------------------------------------------------------------
st.subheader(tr("Your numbers beside the scenario"))
changed_only = st.toggle(tr("Only KPIs that change"), key="wi_changed_only", value=False)
table = ws.side_by_side_table(result, changed_only=changed_only)
st.dataframe(table, hide_index=True, height=min(38 + 35 * max(len(table), 1), 720),
             column_config={"KPI": st.column_config.TextColumn(pinned=True, width=170)})
with st.expander(tr("Month by month"), icon=":material/calendar_month:"):
    st.dataframe(ws.month_table(result), hide_index=True)

# --- targets -----------------------------------------------------------------------------------
st.subheader(tr("What it would take to reach the benchmark"))
st.caption(tr("For each KPI worse than its main benchmark: the value of one input that brings it to "
              "the benchmark's central figure, all else equal except what moves with it at your own "
              "rates, and what that adds to MRR in 12 months."))
targets = ws.target_rows(_targets(*keys, report, current_language()), currency)
if not targets:
    st.info(tr("No KPI is worse than its main benchmark, so there is nothing to reach."),
            icon=":material/check_circle:")
for row in targets:
    with st.container(border=True):
        text_col, button_col = st.columns([5, 1], vertical_alignment="center")
        text_col.markdown(row["head"] + (f" · **{row['worth']}**" if row["worth"] else ""))
        text_col.caption(row["text"])
        if row["can_try"]:
            button_col.button(tr("Try this"), key=f"wi_try_{row['kpi']}", on_click=_try,
                              args=(row["name"], row["values"], snapshot), icon=":material/science:")

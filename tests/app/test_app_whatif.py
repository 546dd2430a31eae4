"""AppTest of the "What would it take" page (pages/whatif.py).

The page is run on its own with the session keys app.py creates, and once through app.py's
navigation. Numbers by hand: MRR at start 10,000, new 1,000, expansion 500, contraction 100,
churned 200, so MRR at end is 11,200 and existing MRR grows 2 % a month. In month 12 at
current rates MRR is 11,200 x 1.02^12 + 1,000 x (1.02^12 - 1) / 0.02; doubling new MRR to
2,000 adds 1,000 x (1.02^12 - 1) / 0.02 = 13,412.09 in month 12 (both start from today).
"""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/whatif.py"
TIMEOUT = 60
NUMBERS = {"mrr_start": 10000.0, "mrr_new": 1000.0, "mrr_expansion": 500.0, "mrr_contraction": 100.0,
           "mrr_churned": 200.0, "customers_start": 100.0, "new_customers": 10.0,
           "customers_churned": 5.0, "visitors": 10000.0, "leads": 300.0}
GROWTH = 1.02 ** 12


def page(values=None, context=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.session_state["periods"] = {"Current period": dict(values)} if values else {}
    at.session_state["selected_period"] = None
    at.session_state["context"] = context or {"period": "month", "currency": "USD"}
    at.session_state["source_note"] = None
    at.session_state["user_catalogue"] = None
    at.run()
    no_exception(at)
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def side_by_side(at: AppTest):
    tables = [d.value for d in at.dataframe if "Verdict in scenario" in d.value.columns]
    assert tables, "the side-by-side table is not shown"
    return tables[0].set_index("KPI")


def projection_spec(at: AppTest) -> dict:
    specs = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]
    found = [s for s in specs if "projection" in str(s.get("title", {}).get("text", ""))]
    assert found, "the projection chart is not drawn"
    return found[0]


def money(value: float) -> str:
    return f"${value:,.0f}"


def test_without_numbers_the_page_says_what_to_do():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE)
    at.run()
    no_exception(at)
    assert any("No numbers yet" in i.value for i in at.info)


def test_setting_one_input_changes_the_projection_and_the_table():
    at = page(NUMBERS)
    base_month_12 = 11200 * GROWTH + 1000 * (GROWTH - 1) / 0.02
    assert metric(at, "MRR in month 12").value == money(base_month_12)
    spec = projection_spec(at)
    assert "Assumption: steady rates" in " ".join(spec["title"]["subtitle"])
    assert not any("Scenario 1" in line for line in spec["title"]["subtitle"])
    assert side_by_side(at).loc["MRR at end", "Scenario"] == "$11,200"

    at.number_input(key="wi_in_mrr_new").set_value(2000.0).run()
    no_exception(at)
    gain = 1000 * (GROWTH - 1) / 0.02                          # 13,412.09
    assert metric(at, "MRR in month 12").value == money(base_month_12 + gain)
    assert metric(at, "MRR in month 12").delta == f"+{money(gain)}"
    subtitle = projection_spec(at)["title"]["subtitle"]
    assert any(line.startswith("Scenario 1:") for line in subtitle)
    table = side_by_side(at)
    assert (table.loc["MRR at end", "Now"], table.loc["MRR at end", "Scenario"]) == ("$11,200", "$12,200")
    assert table.loc["MRR at end", "Changed"] == "●" and table.loc["Visitor to lead", "Changed"] == ""
    # the scenario is data in the session, not a widget value
    assert at.session_state["whatif_scenarios"] == {"Scenario 1": {"mrr_new": 2000.0}}

    at.number_input(key="wi_in_mrr_new").set_value(1000.0).run()      # back to your number
    assert at.session_state["whatif_scenarios"] == {"Scenario 1": {}}


def test_arr_view_and_downloads():
    at = page(NUMBERS)
    at.segmented_control(key="wi_measure").set_value("ARR").run()
    no_exception(at)
    assert projection_spec(at)["title"]["text"] == "ARR projection, next 12 months"
    labels = {b.label for b in at.get("download_button")}
    assert {"PNG", "SVG", "Scenario CSV"} <= labels


def test_try_this_turns_a_target_into_a_scenario():
    # customer churn 5 % a month is worse than the shipped benchmarks: its target lowers the
    # churned customers, and churned MRR moves with them (40 per churned customer)
    at = page(NUMBERS)
    tries = [b for b in at.button if b.label == "Try this"]
    assert tries, "no target to try"
    key = next(b.key for b in tries if b.key == "wi_try_customer_churn_rate")
    at.button(key=key).click().run()
    no_exception(at)
    name = at.session_state["whatif_active"]
    assert name == "Reach: Customer churn (monthly)"
    values = at.session_state["whatif_scenarios"][name]
    assert set(values) == {"customers_churned", "mrr_churned"}
    assert values["customers_churned"] < 5 and values["mrr_churned"] == values["customers_churned"] * 40
    assert at.number_input(key="wi_in_customers_churned").value == values["customers_churned"]
    assert at.selectbox(key="wi_pick").value == name
    assert metric(at, "MRR in month 12").delta.startswith("+$")


def test_named_scenarios_are_kept_and_picked():
    at = page(NUMBERS)
    at.text_input(key="wi_new_name").set_value("More leads")
    at.button(key="wi_add").click().run()
    no_exception(at)
    assert at.session_state["whatif_active"] == "More leads"
    at.number_input(key="wi_in_leads").set_value(600.0).run()
    at.selectbox(key="wi_pick").set_value("Scenario 1").run()
    no_exception(at)
    assert at.number_input(key="wi_in_leads").value == 300.0      # Scenario 1 changes nothing
    assert at.session_state["whatif_scenarios"]["More leads"] == {"leads": 600.0}
    at.button(key="wi_delete").click().run()
    assert list(at.session_state["whatif_scenarios"]) == ["More leads"]


def test_page_through_the_app_navigation():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE)
    at.session_state["periods"] = {"Current period": dict(NUMBERS)}
    at.run()
    no_exception(at)
    assert metric(at, "Customers in month 12").value != ""

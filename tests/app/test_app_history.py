"""AppTest of the history page (pages/history.py): trends across the stored periods.

The page is run on its own with the session keys app.py creates (``periods``,
``selected_period``, ``context``, ``source_note``, ``user_catalogue``); a last test runs it
through app.py's navigation once app.py lists it. Expected values are computed by hand in the
comments (churned customers / 100 customers at start).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/history.py"
TIMEOUT = 30

#: churn 5 %, 3 %, 3 %, 6 %; visitor -> lead 5 %, 4 %, 6 %, 3 %
PERIODS = {
    label: {"customers_start": 100.0, "customers_churned": churned, "new_customers": 10.0,
            "mrr_start": 10000.0, "mrr_new": 1000.0, "visitors": 1000.0, "leads": leads}
    for label, churned, leads in (("2025-01", 5.0, 50.0), ("2025-02", 3.0, 40.0),
                                  ("2025-03", 3.0, 60.0), ("2025-04", 6.0, 30.0))
}


def page(periods=None, selected=None, context=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.session_state["periods"] = dict(periods or {})
    at.session_state["selected_period"] = selected
    at.session_state["context"] = context or {"period": "month", "currency": "USD"}
    at.session_state["source_note"] = None
    at.session_state["user_catalogue"] = None
    at.run()
    no_exception(at)
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def trend_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "Change vs previous period" in d.value.columns]
    assert tables, "the per-period table is not shown"
    return tables[0]


def charts(at: AppTest) -> list[dict]:
    import json

    return [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]


def chart_title(spec: dict) -> str:
    """The title of a drawn chart: the page writes it as text above the plot, the spec keeps it
    in ``usermeta`` (small charts keep it in the plot)."""
    words = (spec.get("usermeta") or {}).get("words")
    return words["title"] if words else spec["title"]["text"]


def test_empty_app_has_no_exception_and_says_what_to_do():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.run()  # not even the session keys
    no_exception(at)
    assert any("No numbers yet" in i.value for i in at.info)
    at = page({})
    assert any("No numbers yet" in i.value for i in at.info)


def test_trend_table_shows_the_expected_values():
    at = page(PERIODS)
    table = trend_table(at)
    assert table["Period"].tolist() == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert table["Value"].tolist() == ["5.0 %", "3.0 %", "3.0 %", "6.0 %"]
    # 3 % - 5 % = -2 pp, -40 % relative; lower churn is better
    assert table["Change vs previous period"].tolist() == [
        "n/a", "-2.0 pp (-40.0 %), better", "±0.0 pp (+0.0 %)", "+3.0 pp (+100.0 %), worse"]
    assert table["Previous period"].tolist() == ["", "2025-01", "2025-02", "2025-03"]
    assert table["Change vs a year before"].tolist() == ["n/a"] * 4
    assert table["Best"].tolist() == ["", "", "★ best", ""]   # tie 2025-02/03 -> latest


def test_headline_metrics_follow_the_period_picker():
    at = page(PERIODS)
    metrics = {m.label: m for m in at.metric}
    assert metrics["2025-04"].value == "6.0 %"
    assert metrics["Best period"].value == "2025-03"
    assert metrics["vs previous period (2025-03)"].value == "+3.0 pp"
    assert metrics["vs previous period (2025-03)"].delta == "worse, +100.0 %"
    assert metrics["vs a year before"].value == "n/a"

    at.selectbox(key="history_period").set_value("2025-02").run()
    no_exception(at)
    assert at.session_state["selected_period"] == "2025-02"   # the results page follows it
    metrics = {m.label: m for m in at.metric}
    assert metrics["2025-02"].value == "3.0 %"
    assert metrics["vs previous period (2025-01)"].value == "-2.0 pp"
    assert metrics["vs previous period (2025-01)"].delta == "better, -40.0 %"


def test_picker_shows_the_stored_selected_period():
    at = page(PERIODS, selected="2025-03")
    assert at.selectbox(key="history_period").value == "2025-03"


def test_kpi_picker_changes_table_and_chart():
    at = page(PERIODS)
    specs = charts(at)
    assert specs and chart_title(specs[0]) == "Customer churn (monthly): your periods"
    assert any("Customer churn (monthly): your periods" in m.value for m in at.markdown)
    at.selectbox(key="history_kpi").set_value("visitor_to_lead_rate").run()
    no_exception(at)
    table = trend_table(at)
    assert table["Value"].tolist() == ["5.0 %", "4.0 %", "6.0 %", "3.0 %"]
    assert table["Best"].tolist() == ["", "", "★ best", ""]
    assert chart_title(charts(at)[0]) == "Visitor to lead: your periods"


def test_trailing_figures_table():
    at = page(PERIODS)
    tables = [d.value for d in at.dataframe if "Periods used" in d.value.columns]
    assert tables
    trailing = tables[0].set_index("Figure")
    clv = trailing.loc["Customer lifetime value (trailing 6-month)"]
    # ARPA of 2025-04 = 11,000 / 104 = 105.77; mean churn 4.25 % -> 2,488.69
    assert clv["Value"] == "$2,489"
    assert "only 4 of 6 months" in clv["Periods used"]
    assert trailing.loc["Visitor to lead (trailing 3-month)", "Value"] == "4.3 %"  # 130 / 3,000


def test_year_ago_change_with_thirteen_months():
    periods = {}
    for i in range(13):
        year, month = 2024 + (5 + i) // 12, (5 + i) % 12 + 1
        periods[f"{year}-{month:02d}"] = {"customers_start": 100.0,
                                          "customers_churned": float(i + 1)}
    at = page(periods)
    table = trend_table(at)
    last = table.iloc[-1]
    assert last["Period"] == "2025-06" and last["A year before"] == "2024-06"
    assert last["Change vs a year before"] == "+12.0 pp (+1,200.0 %), worse"   # 13 % vs 1 %


def test_one_period_explains_there_is_no_trend_yet():
    at = page({"2025-01": PERIODS["2025-01"]})
    assert any("Only one period" in i.value for i in at.info)
    assert trend_table(at)["Value"].tolist() == ["5.0 %"]


def test_nothing_computable_is_a_warning_not_an_error():
    at = page({"2025-01": {"visitors": 100.0}})
    assert any("No KPI can be computed" in w.value for w in at.warning)


def test_history_page_through_the_app_navigation():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/history.py")
    at.run()
    no_exception(at)
    at.session_state["periods"] = PERIODS
    at.run()
    no_exception(at)
    assert trend_table(at)["Value"].tolist() == ["5.0 %", "3.0 %", "3.0 %", "6.0 %"]

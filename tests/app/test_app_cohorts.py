"""AppTest of the cohorts page (pages/cohorts.py), driving the real file uploader.

Headline numbers are hand-computed from a tiny export (see ``SMALL``); a larger generated
export with three bad rows checks the row-level messages and the skipped count.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from pathlib import Path

import pytest

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/cohorts.py"
TIMEOUT = 60

#: A pays Jan-Apr (20, 20, 30, 30), B pays Jan only (10), C pays Feb-Apr (40), D pays Feb only (5).
#: Jan cohort: A, B -> month 1: A only = 1/2. Feb cohort: C, D -> month 1: C only = 1/2.
#: Second-month retention over both cohorts = 2 / 4 = 50 %. Churns: B and D both leave at
#: month 1 -> most common churn month 1. April MRR: A 30 + C 40 = 70, all from cohorts before April.
SMALL = (b"customer_id,month,mrr\n"
         b"A,2025-01,20\nA,2025-02,20\nA,2025-03,30\nA,2025-04,30\n"
         b"B,2025-01,10\n"
         b"C,2025-02,40\nC,2025-03,40\nC,2025-04,40\n"
         b"D,2025-02,5\n")


def generated_export(customers: int = 120, months: int = 14, seed: int = 7) -> bytes:
    """A monthly export with three bad rows (missing id, bad date, negative MRR)."""
    rnd = random.Random(seed)
    rows = [["customer_id", "month", "mrr"]]
    for c in range(customers):
        start = rnd.randrange(months)
        mrr = rnd.choice([29, 49, 99])
        for m in range(start, months):
            rows.append([f"C{c:04d}", f"{2024 + m // 12}-{m % 12 + 1:02d}", mrr])
            if rnd.random() < 0.08:
                break
    rows.insert(3, ["", "2024-03", 49])
    rows.insert(6, ["C9999", "not a date", 49])
    rows.insert(9, ["C9998", "2024-04", -10])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def page(periods=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.session_state["periods"] = dict(periods or {})
    at.session_state["selected_period"] = None
    at.session_state["context"] = {"period": "month", "currency": "USD"}
    at.session_state["source_note"] = None
    at.session_state["user_catalogue"] = None
    at.run()
    no_exception(at)
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    no_exception(at)
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart_words(spec: dict) -> dict:
    """Title and subtitle of a drawn chart: the page writes them as text around the plot, the
    spec keeps them in ``usermeta``."""
    words = (spec.get("usermeta") or {}).get("words")
    return words if words else {"title": spec["title"]["text"],
                                "subtitle": spec["title"].get("subtitle", [])}


def chart_titles(at: AppTest) -> list[str]:
    return [chart_words(json.loads(e.proto.spec))["title"] for e in at.get("vega_lite_chart")]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield


def test_empty_page_has_no_exception():
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.run()  # not even the session keys
    no_exception(at)
    assert any("No export yet" in i.value for i in at.info)
    assert chart_titles(at) == []


def test_upload_shows_heatmap_curves_area_and_headline_figures():
    at = upload(page(), "small.csv", SMALL)
    assert chart_titles(at) == ["Cohort logo retention", "Logo retention by cohort",
                                "MRR by start-month cohort"]
    figures = metrics(at)
    assert figures["Still paying in month 1"] == "50.0 %"
    assert figures["Still paying in month 12"] == "not yet"
    assert figures["Most customers leave in"] == "month 1"
    assert figures["MRR from older cohorts"] == "100.0 %"
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["Still paying in month 1"] == "their 2nd month"
    assert deltas["Still paying in month 12"] == "their 13th month"
    assert deltas["Most customers leave in"] == "their 2nd month"
    assert not at.warning  # no bad row
    assert "cohort_file" in at.session_state


def test_heatmap_toggle_does_not_recompute_the_cohorts(monkeypatch):
    import funnel_core.metrics.cohorts as cohorts

    calls = []
    original = cohorts.compute_cohorts

    def counting(export, **kwargs):
        calls.append(export.filename)
        return original(export, **kwargs)

    monkeypatch.setattr(cohorts, "compute_cohorts", counting)
    at = upload(page(), "small.csv", SMALL)
    assert len(calls) == 1
    at.segmented_control(key="cohort_metric").set_value("revenue").run()
    no_exception(at)
    assert chart_titles(at)[0] == "Cohort revenue retention"
    assert chart_titles(at)[1] == "Revenue retention by cohort"
    at.segmented_control(key="cohort_metric").set_value("logo").run()
    assert len(calls) == 1  # cached on the file bytes + mapping


def test_bad_rows_are_listed_and_counted_and_good_rows_kept():
    data = generated_export()
    at = upload(page(), "export.csv", data)
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("3 of ") and "rows were skipped" in w for w in warnings)
    issues = [d.value for d in at.dataframe if "Problem" in d.value.columns]
    assert issues and len(issues[0]) >= 3
    problems = " ".join(issues[0]["Problem"])
    assert "customer" in problems and "date" in problems and "negative" in problems.lower()
    assert chart_titles(at)[0] == "Cohort logo retention"


def test_headline_figures_agree_with_the_heatmap_of_the_billing_export():
    """tests/data/billing_export.csv: the cards read the same months as the heatmap columns."""
    data = (ROOT / "tests" / "data" / "billing_export.csv").read_bytes()
    at = upload(page(), "billing_export.csv", data)
    figures = metrics(at)
    assert chart_titles(at)[0] == "Cohort logo retention"
    # the cells of that heatmap, as the page draws them
    from funnel_core.charts.cohorts import cohort_heatmap
    from funnel_core.inputs.billing_read import read_export
    from funnel_core.metrics.cohorts import compute_cohorts

    heat = cohort_heatmap(compute_cohorts(read_export(data, "billing_export.csv"))).to_dict()
    cells = next(iter(heat["datasets"].values()))
    sizes = {c["cohort"]: c["size"] for c in cells}
    month1 = [c for c in cells if c["months_since_start"] == 1]
    weighted = sum(c["value"] * sizes[c["cohort"]] for c in month1) / sum(
        sizes[c["cohort"]] for c in month1)
    assert figures["Still paying in month 1"] == f"{weighted:.1%}".replace(
        "%", " %")                                                   # 23 of 30 -> 76.7 %
    assert figures["Still paying in month 1"] == "76.7 %"
    # customers lost per heatmap column, from the counts behind the cells
    lost = {}
    for k in range(1, 8):
        pairs = [(c, next((d for d in cells if d["cohort"] == c["cohort"]
                           and d["months_since_start"] == k), None))
                 for c in cells if c["months_since_start"] == k - 1]
        lost[k] = round(sum((c["value"] - d["value"]) * sizes[c["cohort"]]
                            for c, d in pairs if d is not None))
    biggest = max(lost, key=lambda k: (lost[k], -k))
    assert figures["Most customers leave in"] == f"month {biggest}" == "month 1"
    leave = [m for m in at.metric if m.label == "Most customers leave in"][0]
    assert leave.proto.delta == "their 2nd month"
    assert "7 of 30 customers last paid in month 0" in leave.proto.help
    assert any("Month 0 is the month a customer started paying" in c.value for c in at.caption)


def test_bad_rows_only_export_names_each_place_once_and_says_what_to_do():
    data = b"customer_id,month,mrr\nC1,2025-01,abc\nC2,2025-13,50\nC3,,70\n"
    at = upload(page(), "bad_billing.csv", data)
    assert chart_titles(at) == []
    message = " ".join(e.value for e in at.error)
    assert message.count("row 2") == 1 and message.count("column 'mrr'") == 1
    assert "unparseable amount 'abc'" in message
    assert "What to do" in message and "plain number" in message and "upload it again" in message


def test_row_messages_say_what_to_do():
    at = upload(page(), "export.csv", generated_export())
    table = [d.value for d in at.dataframe if "Problem" in d.value.columns][0]
    assert "What to do" in table.columns
    assert table["What to do"].str.len().gt(0).all()
    assert not table["Problem"].str.contains("row ").any()  # the row is in its own column


def test_retention_benchmarks_are_drawn_from_the_catalogue():
    at = upload(page(), "export.csv", generated_export())
    chosen = at.multiselect(key="cohort_benchmarks").value
    assert chosen  # a churn curve (and a month-1 figure when the catalogue quotes one)
    spec = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")][1]
    subtitle = " ".join(chart_words(spec)["subtitle"])
    assert "(1 - churn)^k" in subtitle or "Published churn" in json.dumps(spec)
    at.multiselect(key="cohort_benchmarks").set_value(["saastr_bvp_churn_vsb_2017"]).run()
    no_exception(at)
    spec = [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")][1]
    assert "SaaStr" in " ".join(chart_words(spec)["subtitle"])
    assert any("SaaStr" in c.value for c in at.caption)  # written above the plot


def test_mapping_step_for_unrecognised_columns():
    data = b"who;when;paid\nA;2025-01;10\nA;2025-02;10\nB;2025-01;20\nB;2025-03;20\nC;2025-02;5\n"
    at = upload(page(), "odd.csv", data)
    assert any("could not be used" in e.value for e in at.error)
    assert chart_titles(at) == []
    digest = hashlib.sha256(data).hexdigest()[:12]
    at.selectbox(key=f"cohort_role_customer_id_{digest}").set_value("who")
    at.selectbox(key=f"cohort_role_month_{digest}").set_value("when")
    at.selectbox(key=f"cohort_role_mrr_{digest}").set_value("paid")
    [b for b in at.button if b.label.startswith("Read the file")][0].click()
    at.run()
    no_exception(at)
    assert not at.error
    assert at.session_state["cohort_mapping"]["mapping"] == {
        "who": "customer_id", "when": "month", "paid": "mrr"}
    assert chart_titles(at)[0] == "Cohort logo retention"
    # Jan cohort A, B: in Feb only A pays (B is back in March); Feb cohort C: not in March
    # -> second-month retention (1 + 0) / (2 + 1) = 33.3 %
    assert metrics(at)["Still paying in month 1"] == "33.3 %"


def test_use_revenue_numbers_merges_into_the_stored_period():
    stored = {"2025-04": {"visitors": 1000.0, "leads": 50.0, "mrr_start": 1.0}}
    at = upload(page(stored), "small.csv", SMALL)
    assert at.selectbox(key="cohort_revenue_month").value == "2025-04"
    assert at.selectbox(key="cohort_target_2025-04").value == "2025-04"
    revenue = [d.value for d in at.dataframe if list(d.value.columns) == ["Field", "Value"]][0]
    shown = dict(zip(revenue["Field"], revenue["Value"]))
    # April vs March: A 30 -> 30, C 40 -> 40: 2 customers at start, nobody churned or new
    assert shown["Customers at start"] == "2" and shown["MRR at start"] == "$70.00"
    at.button(key="cohort_use_revenue").click().run()
    no_exception(at)
    april = at.session_state["periods"]["2025-04"]
    assert april["visitors"] == 1000.0 and april["leads"] == 50.0     # funnel numbers kept
    assert april["mrr_start"] == 70.0 and april["customers_start"] == 2.0
    assert april["customers_churned"] == 0.0 and april["new_customers"] == 0.0
    assert at.session_state["selected_period"] == "2025-04"
    assert any("2025-04" in s.value for s in at.success)


def test_use_revenue_numbers_for_another_month_adds_a_period():
    at = upload(page({"2025-04": {"visitors": 1000.0}}), "small.csv", SMALL)
    at.selectbox(key="cohort_revenue_month").set_value("2025-02").run()
    # Feb vs Jan: A 20 -> 20 stays, B 10 churned, C and D new (40 + 5)
    assert at.selectbox(key="cohort_target_2025-02").value == "__new__"
    at.button(key="cohort_use_revenue").click().run()
    no_exception(at)
    periods = at.session_state["periods"]
    assert list(periods) == ["2025-02", "2025-04"]
    assert periods["2025-02"]["customers_churned"] == 1.0
    assert periods["2025-02"]["new_customers"] == 2.0
    assert periods["2025-02"]["mrr_new"] == 45.0
    assert periods["2025-04"] == {"visitors": 1000.0}


def test_forget_the_export():
    at = upload(page(), "small.csv", SMALL)
    at.button(key="cohort_forget").click().run()
    no_exception(at)
    assert "cohort_file" not in at.session_state
    assert any("No export yet" in i.value for i in at.info)


def test_cohorts_page_through_the_app_navigation():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/cohorts.py")
    at.run()
    no_exception(at)
    upload(at, "small.csv", SMALL)
    assert chart_titles(at)[0] == "Cohort logo retention"

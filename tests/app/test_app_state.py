"""AppTests of "never lose a number": drafts survive page switches, the link restores the
numbers, a tampered link fails cleanly, the app's own workbook reads back, and undated numbers
never become a fake period.
"""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from funnel_core.benchmarks.compare import compare
from funnel_core.exports import render
from funnel_core.page_state.share_link import LINK_PARAM, encode_state
from funnel_core.page_state.snapshot_state import build_snapshot, default_context

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30

FOUR_MONTHS = (b"Monat;Website visitors;Leads;MRR at start\n2025-01;12.500;640;24.180,50\n"
               b"2025-02;13.100;702;25.368,25\n2025-03;14.020;755;26.708,75\n"
               b"2025-04;15.300;801;28.340,35\n")
PERIODS = {"2025-01": {"visitors": 20000.0, "leads": 1400.0, "mrr_start": 100000.0,
                       "mrr_new": 8000.0, "mrr_churned": 2000.0},
           "2025-02": {"visitors": 21000.0, "leads": 1512.0, "mrr_start": 104000.0}}
CONTEXT = {**default_context(), "period": "month", "trial_type": "no_card", "acv_band": "smb",
           "currency": "EUR"}


def new_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    no_exception(at)
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def button(at: AppTest, label: str, key: str | None = None):
    found = [b for b in at.button if b.label == label and (key is None or b.key == key)]
    assert found, f"no button {label!r}; buttons: {[(b.label, b.key) for b in at.button]}"
    return found[0]


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> None:
    at.switch_page("pages/numbers.py")
    at.run()
    at.file_uploader(key="numbers_file").set_value((name, data, mime))
    at.run()
    no_exception(at)


def sidebar_text(at: AppTest) -> str:
    return " ".join(m.value for m in at.sidebar.markdown) + " " + " ".join(
        c.value for c in at.sidebar.caption)


def link_of(at: AppTest) -> str:
    value = at.query_params.get(LINK_PARAM)
    if isinstance(value, list):
        value = value[0]
    assert value, f"the page's link holds no numbers: {dict(at.query_params)}"
    return value


# --------------------------------------------------------------------------------------
# the form never drops input
# --------------------------------------------------------------------------------------

def test_typed_but_not_applied_values_survive_a_page_switch() -> None:
    at = new_app()
    at.text_input(key="f_visitors").set_value("20000")
    at.text_input(key="f_leads").set_value("1400")
    at.text_input(key="f_mrr_new").set_value("5000")
    at.switch_page("pages/results.py")
    at.run()
    no_exception(at)
    assert at.session_state["periods"] == {}, "nothing was applied"
    assert "3 fields typed but not applied yet" in sidebar_text(at), sidebar_text(at)
    at.switch_page("pages/history.py")  # another page, still said
    at.run()
    assert "3 fields typed but not applied yet" in sidebar_text(at)
    at.switch_page("pages/numbers.py")
    at.run()
    no_exception(at)
    assert at.text_input(key="f_visitors").value == "20000"
    assert at.text_input(key="f_leads").value == "1400"
    assert at.text_input(key="f_mrr_new").value == "5000"
    assert any("Not applied yet" in m.value for m in at.markdown), "the form says so too"
    button(at, "Apply", key="form_apply_top").click().run()
    no_exception(at)
    assert at.session_state["periods"] == {
        "Current period": {"visitors": 20000.0, "leads": 1400.0, "mrr_new": 5000.0}}
    assert "not applied" not in sidebar_text(at)


def test_typed_but_not_applied_values_survive_a_reload() -> None:
    at = new_app()
    at.text_input(key="f_visitors").set_value("20,000").run()
    reloaded = new_app({LINK_PARAM: link_of(at)})  # a reload is a fresh session with the link
    assert reloaded.session_state["periods"] == {}
    assert reloaded.text_input(key="f_visitors").value == "20,000"
    assert "1 field typed but not applied yet" in sidebar_text(reloaded)


def test_the_sidebar_applies_a_draft_from_any_page() -> None:
    at = new_app()
    at.text_input(key="f_visitors").set_value("20000")
    at.text_input(key="f_leads").set_value("1400")
    at.switch_page("pages/results.py")
    at.run()
    button(at, "Apply", key="sb_apply_draft").click().run()
    no_exception(at)
    assert at.session_state["periods"] == {"Current period": {"visitors": 20000.0, "leads": 1400.0}}
    assert any("Applied" in s.value for s in at.sidebar.success)
    assert not any("No numbers yet" in i.value for i in at.info), "the page shows the numbers now"
    assert not any("See them compared" in s.value for s in at.main.success), "this page is Benchmarks"


@pytest.mark.parametrize(("page", "what"), [("pages/results.py", "compare"),
                                             ("pages/downloads.py", "download"),
                                             ("pages/whatif.py", "project")])
def test_a_page_without_numbers_offers_to_apply_the_typed_ones(page: str, what: str) -> None:
    at = new_app()
    at.text_input(key="f_visitors").set_value("20000")
    at.switch_page(page)
    at.run()
    no_exception(at)
    warning = " ".join(w.value for w in at.warning)
    assert "1 field typed but not applied yet" in warning and f"nothing to {what}" in warning
    assert not any("No numbers yet" in i.value for i in at.info), "typed numbers are not 'no numbers'"
    button(at, "Apply", key=f"apply_draft_{what}").click().run()
    no_exception(at)
    assert at.session_state["periods"] == {"Current period": {"visitors": 20000.0}}
    assert not any("not applied" in w.value for w in at.warning)


def test_dollar_thousands_in_the_form_raise_no_warning() -> None:
    at = new_app()  # USD is the default currency
    for field, text in (("visitors", "42,000"), ("leads", "2,100"), ("mrr_start", "118,000"),
                        ("mrr_new", "13,200"), ("sales_marketing_spend", "96,000"),
                        ("customers_start", "1,250")):
        at.text_input(key=f"f_{field}").set_value(text)
    button(at, "Apply", key="form_apply_bottom").click().run()
    no_exception(at)
    assert at.session_state["periods"]["Current period"]["visitors"] == 42000.0
    assert not at.warning, [w.value for w in at.warning]
    assert any("Stored 6 numbers" in s.value for s in at.success)


# --------------------------------------------------------------------------------------
# the link carries the numbers
# --------------------------------------------------------------------------------------

def test_a_link_restores_values_context_and_periods_on_a_fresh_session() -> None:
    text, _ = encode_state(PERIODS, "2025-01", CONTEXT, source_note="months.csv")
    at = new_app({LINK_PARAM: text})
    assert at.session_state["periods"] == PERIODS
    assert at.session_state["selected_period"] == "2025-01"
    assert at.session_state["context"] == CONTEXT
    assert at.session_state["source_note"] == "months.csv"
    assert at.sidebar.selectbox(key="sb_currency").value == "EUR"
    at.switch_page("pages/results.py")
    at.run()
    no_exception(at)
    assert not any("No numbers yet" in i.value for i in at.info)
    assert link_of(at) == text, "the link stays as it was"


def test_every_change_is_written_to_the_link_and_a_new_session_opens_it() -> None:
    at = new_app()
    assert LINK_PARAM not in at.query_params, "a fresh app has a clean address"
    upload(at, "months.csv", FOUR_MONTHS)
    button(at, "Apply these numbers").click().run()
    at.sidebar.selectbox(key="sb_acv_band").set_value("enterprise").run()
    at.sidebar.selectbox(key="sb_compared_period").set_value("2025-02").run()
    no_exception(at)
    text = link_of(at)
    other = new_app({LINK_PARAM: text})  # "another browser": only the link
    for key in ("periods", "selected_period", "context", "source_note"):
        assert other.session_state[key] == at.session_state[key], key
    assert other.session_state["context"]["acv_band"] == "enterprise"
    assert other.session_state["selected_period"] == "2025-02"
    codes = " ".join(c.value for c in at.code)
    assert f"?{LINK_PARAM}={text}" in codes, "the page offers the link to copy"
    assert any("link holds your numbers" in c.value for c in at.caption)


@pytest.mark.parametrize("text", [
    "1.garbage!!",
    "9.eJwDAAAAAAE",
    "1." + base64.urlsafe_b64encode(zlib.compress(json.dumps(
        {"p": [["2025-01", {"leads": -5}]]}).encode())).decode(),
    encode_state(PERIODS, None, CONTEXT)[0][:40],  # cut off when copied
])
def test_a_tampered_link_fails_cleanly_with_an_empty_app(text: str) -> None:
    at = new_app({LINK_PARAM: text})
    errors = [e.value for e in at.error if "This link could not be opened" in e.value]
    assert errors, [e.value for e in at.error]
    assert at.session_state["periods"] == {} and at.session_state["context"]["currency"] == "USD"
    assert LINK_PARAM not in at.query_params, "the broken state is removed from the address"
    button(at, "Dismiss").click().run()
    assert not [e for e in at.error if "This link could not be opened" in e.value]


def test_start_over_clears_numbers_drafts_and_the_link() -> None:
    at = new_app({LINK_PARAM: encode_state(PERIODS, None, CONTEXT)[0]})
    at.text_input(key="f_visitors").set_value("1").run()
    button(at, "Start over", key="start_over_numbers").click().run()
    no_exception(at)
    assert at.session_state["periods"] == {} and at.session_state["form_draft"] == {}
    assert at.session_state["context"]["currency"] == "USD"
    assert LINK_PARAM not in at.query_params


def test_the_cohorts_page_says_its_upload_is_not_in_the_link() -> None:
    at = new_app()
    at.switch_page("pages/cohorts.py")
    at.run()
    no_exception(at)
    text = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "not in the page's link" in text


# --------------------------------------------------------------------------------------
# save and restore as a file
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("dated", [False, True])
def test_the_apps_own_workbook_re_uploads_with_no_error_or_warning(dated: bool) -> None:
    at = new_app()
    if dated:
        upload(at, "months.csv", FOUR_MONTHS)
        button(at, "Apply these numbers").click().run()
        at.sidebar.selectbox(key="sb_trial_type").set_value("card_required").run()
    else:
        at.switch_page("pages/numbers.py")
        at.run()
        button(at, "Load example company").click().run()
    state = {k: at.session_state[k] for k in ("periods", "selected_period", "context")}
    snapshot = build_snapshot(state["periods"], state["selected_period"], state["context"])
    workbook = render.export_bytes("comparison_xlsx", compare(snapshot))
    label = state["selected_period"] or list(state["periods"])[-1]

    fresh = new_app()
    upload(fresh, "funnel-benchmarks.xlsx", workbook,
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert not [m for m in fresh.markdown if "Check these rows" in m.value], "no error or warning"
    assert not fresh.warning and not fresh.error, ([w.value for w in fresh.warning],
                                                   [e.value for e in fresh.error])
    assert not [s for s in fresh.selectbox if str(s.key).startswith("map_")], "nothing to match"
    button(fresh, "Apply these numbers").click().run()
    no_exception(fresh)
    assert fresh.session_state["periods"] == {label: state["periods"][label]}
    assert fresh.session_state["context"] == state["context"]


# --------------------------------------------------------------------------------------
# history without fake periods; paste like upload
# --------------------------------------------------------------------------------------

def test_an_undated_paste_plus_dated_months_gives_no_current_period_row() -> None:
    at = new_app()
    at.text_area(key="paste_text").input("Neuer MRR\t2000\nLeads\t600").run()
    no_exception(at)
    button(at, "Apply these numbers").click().run()
    assert at.session_state["periods"] == {"Current period": {"leads": 600.0, "mrr_new": 2000.0}}
    upload(at, "months.csv", FOUR_MONTHS)
    at.radio(key="upload_replace").set_value("merge").run()
    assert at.radio(key="upload_apply_undated").value == "2025-04"
    button(at, "Apply these numbers", key="upload_apply").click().run()
    no_exception(at)
    periods = at.session_state["periods"]
    assert list(periods) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert periods["2025-04"]["mrr_new"] == 2000.0 and periods["2025-04"]["leads"] == 801.0
    at.switch_page("pages/history.py")
    at.run()
    no_exception(at)
    for frame in at.dataframe:
        assert "Current period" not in frame.value.to_string()
    assert "Current period" not in " ".join(s.options and " ".join(s.options) or "" for s in at.selectbox)


def test_paste_gets_the_column_matcher_and_german_headers() -> None:
    at = new_app()
    at.text_area(key="paste_text").input("Neu-MRR\t2000\nNowy MRR\t2100\nSpalte X\t7").run()
    no_exception(at)
    assert any("Spalte X" in w.value for w in at.warning), "the unknown name is listed"
    matcher = [s for s in at.selectbox if s.label == "'Spalte X' is"]
    assert matcher, [s.label for s in at.selectbox]
    matcher[0].set_value("visitors").run()
    no_exception(at)
    button(at, "Apply these numbers").click().run()
    stored = at.session_state["periods"]["Current period"]
    assert stored == {"visitors": 7.0, "mrr_new": 2100.0}  # the later of two New MRR rows wins


def test_pasting_in_add_mode_says_what_was_merged_in_the_sidebar() -> None:
    at = new_app()
    at.text_input(key="f_mrr_new").set_value("5000")
    at.text_input(key="f_leads").set_value("1400")
    button(at, "Apply", key="form_apply_top").click().run()
    at.text_area(key="paste_text").input("Website visitors\t20000\nMQLs\t500").run()
    at.radio(key="paste_replace").set_value("merge").run()
    button(at, "Apply these numbers").click().run()
    no_exception(at)
    assert "typed in the form + pasted cells (Website visitors, MQLs into Current period)" in \
        sidebar_text(at)
    assert at.session_state["periods"]["Current period"]["mrr_new"] == 5000.0


def test_a_month_that_does_not_follow_on_is_warned_about() -> None:
    at = new_app({LINK_PARAM: encode_state(PERIODS, None, CONTEXT)[0]})
    # MRR at end of 2025-01: 100,000 + 8,000 - 2,000 = 106,000; February starts at 104,000
    text = " ".join(w.value for w in at.warning)
    assert "do not follow on" in text and "2025-01" in text and "2025-02" in text, text
    assert "€104,000" in text and "€106,000" in text
    at.switch_page("pages/history.py")
    at.run()
    no_exception(at)
    text = " ".join(w.value for w in at.warning)
    assert "do not follow on" in text and "€2,000 lower" in text, text

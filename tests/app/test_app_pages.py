"""AppTest tests of the Streamlit app: every page, every way in, errors, context changes.

The KPI values checked here are computed by hand from the inputs (e.g. 1,400 leads / 20,000
visitors = 7.0 %).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30

PAGES = ("pages/numbers.py", "pages/results.py", "pages/downloads.py", "pages/sources.py")
TABLE_TAB = ":material/table: All benchmarks"
DETAIL_TAB = ":material/calculate: How each KPI was computed"


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def kpi_table(at: AppTest):
    """Open the "All benchmarks" tab of the results page and return the KPI table."""
    at.switch_page("pages/results.py")
    at.session_state["results_tab"] = TABLE_TAB
    at.run()
    no_exception(at)
    tables = [d.value for d in at.dataframe if "Verdict" in d.value.columns]
    assert tables, "the KPI table is not shown"
    return tables[0]


def kpi_values(at: AppTest) -> dict[str, str]:
    """KPI label -> "Your value" as shown in the table (first row of each KPI)."""
    table = kpi_table(at)
    return {row["KPI"]: row["Your value"] for _, row in table.drop_duplicates("KPI").iterrows()}


def load_example(at: AppTest) -> None:
    at.switch_page("pages/numbers.py")
    at.run()
    button(at, "Load example company").click().run()
    no_exception(at)


def type_in(at: AppTest, field: str, text: str) -> None:
    """Type ``text`` into the form's text field of ``field`` (not applied yet)."""
    at.text_input(key=f"f_{field}").set_value(text)


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> None:
    at.switch_page("pages/numbers.py")
    at.run()
    at.file_uploader(key="numbers_file").set_value((name, data, mime))
    at.run()
    no_exception(at)


# --------------------------------------------------------------------------------------
# empty app
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_app(page: str) -> None:
    at = new_app()
    at.switch_page(page)
    at.run()
    no_exception(at)
    assert at.title, "every page has a title"
    assert at.session_state["periods"] == {}


def test_results_page_without_numbers_says_what_to_do() -> None:
    at = new_app()
    at.switch_page("pages/results.py")
    at.run()
    no_exception(at)
    assert any("No numbers yet" in i.value for i in at.info)


def test_privacy_note_is_shown() -> None:
    at = new_app()
    text = " ".join(c.value for c in at.caption)
    assert "nothing is stored on the server or sent anywhere" in text


# --------------------------------------------------------------------------------------
# the three ways in
# --------------------------------------------------------------------------------------

def test_form_entry_gives_hand_computed_kpis() -> None:
    at = new_app()
    type_in(at, "visitors", "20000")
    type_in(at, "leads", "1400")
    type_in(at, "customers_start", "200")
    type_in(at, "customers_churned", "6")
    button(at, "Apply").click().run()
    no_exception(at)
    assert at.session_state["periods"] == {
        "Current period": {"visitors": 20000.0, "leads": 1400.0, "customers_start": 200.0,
                           "customers_churned": 6.0}}
    values = kpi_values(at)
    assert values["Visitor to lead"] == "7.0 %"              # 1,400 / 20,000
    assert values["Customer churn (monthly)"].startswith("3.0 %")  # 6 / 200
    # annual churn compounds: 1 - 0.97^12 = 30.6 %, not 36 %
    assert values["Customer churn (annualised)"].startswith("30.6 %")


def test_form_context_is_applied_with_the_numbers() -> None:
    at = new_app()
    type_in(at, "visitors", "1000")
    type_in(at, "leads", "50")
    at.selectbox(key="fctx_acv_band").set_value("enterprise")
    at.selectbox(key="fctx_currency").set_value("EUR")
    button(at, "Apply").click().run()
    no_exception(at)
    assert at.session_state["context"]["acv_band"] == "enterprise"
    assert at.session_state["context"]["currency"] == "EUR"
    # the sidebar selector shows the stored value
    assert at.sidebar.selectbox(key="sb_acv_band").value == "enterprise"


def test_paste_tab_separated_shows_what_was_understood_then_applies() -> None:
    at = new_app()
    at.text_area(key="paste_text").input("Website visitors\t20000\nLeads\t1400\nFoo bar\t12").run()
    no_exception(at)
    understood = [d.value for d in at.dataframe if "Field" in d.value.columns]
    assert understood and set(understood[0]["Name"]) == {"visitors", "leads"}
    assert any("Foo bar" in w.value for w in at.warning), "unknown rows are listed"
    assert at.session_state["periods"] == {}, "nothing is stored before Apply"
    button(at, "Apply these numbers").click().run()
    no_exception(at)
    assert at.session_state["periods"]["Current period"] == {"visitors": 20000.0, "leads": 1400.0}
    assert kpi_values(at)["Visitor to lead"] == "7.0 %"


def test_paste_german_numbers_with_override() -> None:
    at = new_app()
    at.text_area(key="paste_text").input("Besucher;20.000\nLeads;1.400\nMRR at start;12.500,50")
    at.selectbox(key="paste_convention").set_value("de")
    at.run()
    no_exception(at)
    button(at, "Apply these numbers").click().run()
    stored = at.session_state["periods"]["Current period"]
    assert stored["visitors"] == 20000.0
    assert stored["leads"] == 1400.0
    assert stored["mrr_start"] == pytest.approx(12500.5)
    assert kpi_values(at)["Visitor to lead"] == "7.0 %"


def test_paste_wide_layout_stores_every_period_and_compares_the_latest() -> None:
    at = new_app()
    text = "Month\tVisitors\tLeads\n2025-05\t10000\t500\n2025-06\t20000\t1400\n"
    at.text_area(key="paste_text").input(text).run()
    no_exception(at)
    button(at, "Apply these numbers").click().run()
    assert list(at.session_state["periods"]) == ["2025-05", "2025-06"]
    assert at.session_state["selected_period"] == "2025-06"
    assert kpi_values(at)["Visitor to lead"] == "7.0 %"
    # pick the earlier period in the sidebar: 500 / 10,000 = 5.0 %
    at.switch_page("pages/numbers.py")
    at.run()
    at.sidebar.selectbox(key="sb_compared_period").set_value("2025-05").run()
    assert kpi_values(at)["Visitor to lead"] == "5.0 %"


def test_upload_csv_then_apply() -> None:
    at = new_app()
    upload(at, "funnel.csv", b"metric,value\nvisitors,20000\nleads,1400\nnew_customers,35\n")
    assert at.session_state["periods"] == {}
    button(at, "Apply these numbers").click().run()
    no_exception(at)
    assert at.session_state["source_note"] == "funnel.csv"
    values = kpi_values(at)
    assert values["Visitor to lead"] == "7.0 %"
    assert values["Lead to customer"] == "2.5 %"              # 35 / 1,400


def test_upload_xlsx_with_sheet_picker() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing", "here"])
    ws = wb.create_sheet("Funnel")
    ws.append(["metric", "value"])
    ws.append(["visitors", 40000])
    ws.append(["leads", 2800])
    buffer = io.BytesIO()
    wb.save(buffer)
    at = new_app()
    upload(at, "funnel.xlsx", buffer.getvalue(),
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = [s for s in at.selectbox if s.label == "Sheet"]
    assert sheet and sheet[0].options == ["Notes", "Funnel"]
    sheet[0].set_value("Funnel").run()
    no_exception(at)
    button(at, "Apply these numbers").click().run()
    assert kpi_values(at)["Visitor to lead"] == "7.0 %"     # 2,800 / 40,000


def test_upload_mapping_step_assigns_an_unknown_column() -> None:
    at = new_app()
    upload(at, "export.csv", b"month,Pageviews unique,leads\n2025-06,20000,1400\n")
    mapping = [s for s in at.selectbox if s.label.startswith("'Pageviews unique'")]
    assert mapping, "the unrecognised column gets a mapping selectbox"
    mapping[0].set_value("visitors").run()
    no_exception(at)
    button(at, "Apply these numbers").click().run()
    assert at.session_state["periods"]["2025-06"]["visitors"] == 20000.0
    assert kpi_values(at)["Visitor to lead"] == "7.0 %"


def test_a_misspelt_header_is_matched_to_its_field_with_a_note() -> None:
    at = new_app()
    upload(at, "typo.csv", b"month,visitors,leeds\n2025-06,20000,1400\n")
    mapping = [s for s in at.selectbox if s.label.startswith("'leeds'")]
    assert mapping and mapping[0].value == "leads", "the closest field is chosen at first"
    assert any("Guessed from the spelling" in c.value for c in at.caption)
    button(at, "Apply these numbers").click().run()
    no_exception(at)
    assert at.session_state["periods"]["2025-06"] == {"visitors": 20000.0, "leads": 1400.0}


def test_a_guess_can_be_undone() -> None:
    at = new_app()
    upload(at, "typo.csv", b"month,visitors,leeds\n2025-06,20000,1400\n")
    [s for s in at.selectbox if s.label.startswith("'leeds'")][0].set_value("__ignore__").run()
    no_exception(at)
    assert not any("Guessed from the spelling" in c.value for c in at.caption)
    button(at, "Apply these numbers").click().run()
    assert at.session_state["periods"]["2025-06"] == {"visitors": 20000.0}


def test_upload_with_nothing_recognised_can_be_matched_by_hand() -> None:
    at = new_app()
    upload(at, "odd.csv", b"Zorbs,Quuxes\n20000,1400\n")
    assert any("odd.csv" in e.value for e in at.error), "first says nothing was recognised"
    at.selectbox(key=[s.key for s in at.selectbox if s.label == "'Zorbs' is"][0]).set_value("visitors")
    at.selectbox(key=[s.key for s in at.selectbox if s.label == "'Quuxes' is"][0]).set_value("leads")
    at.run()
    no_exception(at)
    button(at, "Apply these numbers").click().run()
    assert kpi_values(at)["Visitor to lead"] == "7.0 %"


@pytest.mark.parametrize("name, data", [
    ("broken.csv", b"\x00\x01\x02\x03garbage\x00\xff\xfe"),
    ("empty.csv", b""),
    ("nothing.csv", b"colour,size\nred,big\n"),
    ("fake.xlsx", b"this is not a workbook"),
])
def test_bad_upload_shows_an_error_and_keeps_the_snapshot(name: str, data: bytes) -> None:
    at = new_app()
    load_example(at)
    before = at.session_state["periods"]
    assert before
    upload(at, name, data)
    errors = " ".join(e.value for e in at.error)
    assert name in errors, errors
    assert "unchanged" in errors
    assert at.session_state["periods"] == before
    assert not [b for b in at.button if b.label == "Apply these numbers"]
    # and the results still show the example company
    assert kpi_values(at)["Visitor to lead"] == "5.0 %"


def test_example_company_is_labelled_fictional_and_survives_page_switches() -> None:
    at = new_app()
    load_example(at)
    assert "fictional" in at.session_state["source_note"].lower()
    assert any("fictional" in i.value.lower() for i in at.info)
    stored = at.session_state["periods"]
    for page in PAGES:
        at.switch_page(page)
        at.run()
        no_exception(at)
    assert at.session_state["periods"] == stored
    assert at.session_state["context"]["acv_band"] == "smb"


# --------------------------------------------------------------------------------------
# results page
# --------------------------------------------------------------------------------------

def test_results_headline_counts_and_not_computable_list() -> None:
    at = new_app()
    load_example(at)
    at.switch_page("pages/results.py")
    at.run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) >= {"▲ Better", "● In line", "▼ Worse", "KPIs computed"}
    from funnel_core.metrics.kpis import KPIS
    assert metrics["KPIs computed"] == f"{len(KPIS) - 1} of {len(KPIS)}"  # CLV alone is missing
    missing = [e for e in at.expander if "could not be computed" in e.label]
    assert missing
    text = " ".join(m.value for m in missing[0].markdown)
    assert "Free plan to paid" in text and "missing input" in text


def test_context_change_changes_the_table() -> None:
    at = new_app()
    load_example(at)
    smb = kpi_table(at)
    churn_smb = smb[smb["kpi_id"] == "customer_churn_rate"]["Segment"].tolist()
    at.selectbox(key="rs_acv_band").set_value("enterprise").run()
    no_exception(at)
    assert at.session_state["context"]["acv_band"] == "enterprise"
    enterprise = kpi_table(at)
    churn_ent = enterprise[enterprise["kpi_id"] == "customer_churn_rate"]["Segment"].tolist()
    assert churn_smb != churn_ent
    assert any("nterprise" in s for s in churn_ent)


def test_period_change_converts_churn_by_compounding() -> None:
    at = new_app()
    type_in(at, "customers_start", "200")
    type_in(at, "customers_churned", "30")
    at.selectbox(key="fctx_period").set_value("quarter")
    button(at, "Apply").click().run()
    values = kpi_values(at)
    # 30 / 200 = 15 % per quarter -> per month 1 - 0.85^(1/3) = 5.27 %
    assert values["Customer churn (monthly)"].startswith("5.3 %")


def test_detail_tab_shows_formula_with_the_users_numbers() -> None:
    at = new_app()
    type_in(at, "visitors", "20000")
    type_in(at, "leads", "1400")
    button(at, "Apply").click().run()
    at.switch_page("pages/results.py")
    at.session_state["results_tab"] = DETAIL_TAB
    at.run()
    no_exception(at)
    codes = [c.value for c in at.code]
    assert "leads / visitors" in codes
    assert any("1,400 / 20,000" in c for c in codes)


def test_results_warns_about_implausible_inputs() -> None:
    at = new_app()
    type_in(at, "visitors", "100")
    type_in(at, "leads", "400")
    button(at, "Apply").click().run()
    at.switch_page("pages/results.py")
    at.run()
    no_exception(at)
    assert any("more than" in w.value for w in at.warning)


def test_all_result_tabs_render_for_the_example() -> None:
    at = new_app()
    load_example(at)
    at.switch_page("pages/results.py")
    at.run()
    for tab in (":material/insights: Overview", TABLE_TAB, DETAIL_TAB,
                ":material/filter_alt: Funnel & focus", ":material/payments: Revenue (MRR)"):
        at.session_state["results_tab"] = tab
        at.run()
        no_exception(at)


# --------------------------------------------------------------------------------------
# downloads and sources
# --------------------------------------------------------------------------------------

def test_downloads_page_lists_every_export() -> None:
    at = new_app()
    load_example(at)
    at.switch_page("pages/downloads.py")
    at.run()
    no_exception(at)
    labels = [b.label for b in at.get("download_button")]
    for expected in ("PDF report", "HTML report", "Excel workbook", "CSV table", "All charts (ZIP)"):
        assert expected in labels
    assert labels.count("PNG") >= 3 and labels.count("SVG") == labels.count("PNG")


def test_sources_page_shows_catalogue_status_legend_and_seed_errors() -> None:
    at = new_app()
    at.switch_page("pages/sources.py")
    at.run()
    no_exception(at)
    catalogue = at.dataframe[0].value
    assert "Source" in catalogue.columns and "Status" in catalogue.columns
    # the catalogue is shown page by page, with a count: 25 rows, then the next ones
    import re as _re
    count = next(c.value for c in at.caption if _re.match(r"Figures 1–25 of \d+", c.value))
    total = int(_re.match(r"Figures 1–25 of (\d+)", count).group(1))
    assert total > 50 and len(catalogue) == 25
    pages = next(g for g in at.get("button_group")
                 if [o.content for o in g.proto.options][:1] == ["1–25"])
    last = pages.proto.options[-1].content
    pages.set_value(last).run()
    no_exception(at)
    assert len(at.dataframe[0].value) == total - 25 * ((total - 1) // 25)
    assert any(c.value.startswith(f"Figures {last} of {total}") for c in at.caption)
    text = " ".join(m.value for m in at.markdown)
    assert "source not verified" in text.lower()
    assert "46 %" in text and "not 60 %" in text
    assert "100,000 / 200 = 500" in text


def test_user_catalogue_upload_adds_own_targets() -> None:
    at = new_app()
    load_example(at)
    header = ("id,kpi,label,statistic,low,median,high,unit,period,basis,segment,acv_band,trial_type,"
              "motion,product_category,source,year,sample,url,status,note\n")
    row = ("board_v2l,visitor_to_lead_rate,Board target,target,,0.06,,fraction,none,leads / visitors,"
           "Our plan,any,any,any,any,Board plan 2025,2025,,,V,\n")
    at.file_uploader(key="catalogue_file").set_value(("targets.csv", (header + row).encode(), "text/csv"))
    at.run()
    no_exception(at)
    button(at, "Use these 1 benchmarks").click().run()
    assert at.session_state["user_catalogue"][0]["id"] == "board_v2l"
    table = kpi_table(at)
    assert table["Source"].str.contains("targets.csv").any()


def test_bad_user_catalogue_names_row_and_column() -> None:
    at = new_app()
    header = ("id,kpi,label,statistic,low,median,high,unit,period,basis,segment,acv_band,trial_type,"
              "motion,product_category,source,year,sample,url,status,note\n")
    row = "x,visitor_to_lead_rate,X,target,,lots,,fraction,none,,,any,any,any,any,Me,,,,V,\n"
    at.file_uploader(key="catalogue_file").set_value(("bad.csv", (header + row).encode(), "text/csv"))
    at.run()
    no_exception(at)
    errors = " ".join(e.value for e in at.error)
    assert "bad.csv" in errors and "Row 2, column 'median'" in errors
    assert at.session_state["user_catalogue"] is None


# --------------------------------------------------------------------------------------
# usability fixes: form number reading, stable tabs, adding by default, currency, periods
# --------------------------------------------------------------------------------------

UPLOAD_TAB = ":material/upload_file: Upload a file"
REVENUE_TAB = ":material/payments: Revenue (MRR)"
FOUR_MONTHS = (b"Monat;Website visitors;Leads;MRR at start\n2025-01;12.500;640;24.180,50\n"
               b"2025-02;13.100;702;25.368,25\n2025-03;14.020;755;26.708,75\n"
               b"2025-04;15.300;801;28.340,35\n")


def form_errors(at: AppTest) -> str:
    return " ".join(e.value for e in at.error if "Nothing was stored" in e.value)


def test_form_german_thousands_is_an_error_not_a_silent_12_5() -> None:
    at = new_app()
    type_in(at, "visitors", "12.500")
    type_in(at, "leads", "640")
    button(at, "Apply").click().run()
    no_exception(at)
    errors = form_errors(at)
    assert "12.5" in errors and "not a whole number of Website visitors" in errors, errors
    assert "'12.500'" in errors and "if you meant 12,500, choose the number format 1.234,5" in errors
    assert at.session_state["periods"] == {}, "nothing is stored when a field has an error"
    # what the user typed is kept, not wiped
    assert at.text_input(key="f_visitors").value == "12.500"
    assert at.text_input(key="f_leads").value == "640"
    # choosing the format the message names stores the right number
    at.selectbox(key="form_convention").set_value("de")
    button(at, "Apply").click().run()
    no_exception(at)
    assert not form_errors(at)
    assert at.session_state["periods"]["Current period"] == {"visitors": 12500.0, "leads": 640.0}
    assert kpi_values(at)["Visitor to lead"] == "5.1 %"      # 640 / 12,500


def test_form_auto_format_is_decided_from_all_typed_fields_together() -> None:
    at = new_app()
    type_in(at, "visitors", "12.500")          # ambiguous on its own
    type_in(at, "leads", "1.400")
    type_in(at, "mrr_start", "24.180,50")      # decides: 1.234,5
    type_in(at, "gross_margin", "80 %")
    button(at, "Apply").click().run()
    no_exception(at)
    assert not form_errors(at)
    stored = at.session_state["periods"]["Current period"]
    assert stored == {"visitors": 12500.0, "leads": 1400.0, "mrr_start": pytest.approx(24180.5),
                      "gross_margin": pytest.approx(0.8)}
    assert any("1.234,5" in s.value for s in at.success), "the message says which format was used"


def test_form_non_whole_count_in_german_format_names_field_and_text() -> None:
    at = new_app()
    type_in(at, "visitors", "12.500")
    type_in(at, "leads", "1.234,5")
    button(at, "Apply").click().run()
    errors = form_errors(at)
    assert "'1.234,5'" in errors and "not a whole number of Leads" in errors, errors
    assert at.session_state["periods"] == {}


def test_form_error_keeps_stored_numbers_and_says_what_to_do_with_a_negative() -> None:
    at = new_app()
    load_example(at)
    before = at.session_state["periods"]
    type_in(at, "mrr_churned", "-1200")
    type_in(at, "visitors", "99999")
    button(at, "Apply").click().run()
    no_exception(at)
    errors = form_errors(at)
    assert "Churned MRR" in errors and "Churned MRR 1200, not -1200" in errors, errors
    assert at.session_state["periods"] == before
    assert at.text_input(key="f_visitors").value == "99999", "typed text survives the error"
    # the stored example values are shown as plain text that reads back the same
    assert at.text_input(key="f_gross_margin").value == "78 %"  # 0.78 in the example file


def test_form_unchanged_fields_keep_their_stored_values() -> None:
    at = new_app()
    load_example(at)
    before = dict(at.session_state["periods"]["Current period"])
    at.selectbox(key="form_convention").set_value("de")   # fields shown in 1.234,5 stay as stored
    type_in(at, "leads", "1.500")
    button(at, "Apply").click().run()
    no_exception(at)
    after = at.session_state["periods"]["Current period"]
    assert after["leads"] == 1500.0
    assert {k: v for k, v in after.items() if k != "leads"} == {
        k: v for k, v in before.items() if k != "leads"}


def test_form_empty_fields_are_allowed() -> None:
    at = new_app()
    type_in(at, "visitors", "20,000")
    type_in(at, "leads", "")
    type_in(at, "new_customers", "35")
    button(at, "Apply").click().run()
    no_exception(at)
    assert at.session_state["periods"]["Current period"] == {"visitors": 20000.0,
                                                             "new_customers": 35.0}


def test_upload_tab_stays_open_after_apply_and_a_new_file() -> None:
    at = new_app()
    at.session_state["numbers_tab"] = UPLOAD_TAB
    upload(at, "months.csv", FOUR_MONTHS)
    button(at, "Apply these numbers").click().run()
    no_exception(at)
    assert at.session_state["numbers_tab"] == UPLOAD_TAB
    at.file_uploader(key="numbers_file").set_value(("two.csv", b"metric,value\nvisitors,1\n", "text/csv"))
    at.run()
    no_exception(at)
    assert at.session_state["numbers_tab"] == UPLOAD_TAB
    assert [b for b in at.button if b.label == "Apply these numbers"]


def test_adding_or_replacing_is_an_explicit_choice_and_undated_numbers_join_a_month() -> None:
    at = new_app()
    upload(at, "months.csv", FOUR_MONTHS)
    button(at, "Apply these numbers").click().run()
    assert list(at.session_state["periods"]) == ["2025-01", "2025-02", "2025-03", "2025-04"]
    at.file_uploader(key="numbers_file").set_value(
        ("two.csv", b"metric,value\nvisitors,30000\nleads,900\n", "text/csv"))
    at.run()
    choice = at.radio(key="upload_replace")
    assert choice.value is None, "nothing is chosen for the user"
    assert button(at, "Apply these numbers").disabled, "Apply waits for the choice"
    labels = [choice.format_func(o) for o in ("merge", "replace")]
    assert "drop all 4 stored periods" in labels[1], labels
    choice.set_value("merge").run()
    month = at.radio(key="upload_apply_undated")
    assert month.value == "2025-04" and "no date" in month.label, "the latest month by default"
    button(at, "Apply these numbers").click().run()
    no_exception(at)
    periods = at.session_state["periods"]
    assert list(periods) == ["2025-01", "2025-02", "2025-03", "2025-04"], "no undated period"
    assert periods["2025-04"]["visitors"] == 30000.0 and periods["2025-04"]["leads"] == 900.0
    assert periods["2025-04"]["mrr_start"] == pytest.approx(28340.35), "other fields stay"
    assert any("3 stored periods were kept" in s.value and "stored as 2025-04" in s.value
               for s in at.success)
    source = at.session_state["source_note"]
    assert source == "months.csv + two.csv (Website visitors, Leads into 2025-04)", source
    assert at.session_state["upload_replace"] is None, "the next file asks again"


def test_replacing_everything_is_an_explicit_choice() -> None:
    at = new_app()
    upload(at, "months.csv", FOUR_MONTHS)
    button(at, "Apply these numbers").click().run()
    at.file_uploader(key="numbers_file").set_value(
        ("two.csv", b"metric,value\nvisitors,30000\nleads,900\n", "text/csv"))
    at.run()
    at.radio(key="upload_replace").set_value("replace").run()
    assert not [r for r in at.radio if r.key == "upload_apply_undated"], "replacing asks nothing"
    button(at, "Apply these numbers").click().run()
    no_exception(at)
    assert at.session_state["periods"] == {"Current period": {"visitors": 30000.0, "leads": 900.0}}
    assert at.session_state["source_note"] == "two.csv"
    assert at.session_state["upload_replace"] is None, "the next file asks again"


def test_negative_value_message_names_file_row_column_and_the_next_step() -> None:
    at = new_app()
    upload(at, "negative.csv", b"metric;value\nWebsite visitors;10.000\nLeads;-500\n"
                               b"Churned MRR;-1.200\n")
    text = " ".join(m.value for m in at.markdown if "Check these rows" in m.value)
    assert "negative.csv" in text and "row 3" in text and "column 'value'" in text, text
    assert "Leads 500, not -500" in text
    assert "Churned MRR 1.200, not -1.200" in text


def test_upload_without_currency_asks_for_it_before_apply() -> None:
    at = new_app()
    upload(at, "mrr.csv", b"metric,value\nMRR at start,48000\nNew MRR,2000\n")
    currency = at.selectbox(key="upload_apply_currency")
    assert currency.label == "Currency of these amounts"
    assert any("does not say its currency" in m.value for m in at.markdown)
    currency.set_value("EUR").run()
    no_exception(at)
    assert at.session_state["context"]["currency"] == "EUR"
    button(at, "Apply these numbers").click().run()
    assert at.session_state["context"]["currency"] == "EUR"


def test_upload_with_its_currency_does_not_ask() -> None:
    at = new_app()
    upload(at, "mrr.csv", b"metric,value\ncurrency,GBP\nMRR at start,48000\n")
    assert not [s for s in at.selectbox if s.key == "upload_apply_currency"]


def test_paste_without_currency_asks_for_it_too() -> None:
    at = new_app()
    at.text_area(key="paste_text").input("MRR at start\t48000\nChurned MRR\t900").run()
    no_exception(at)
    assert at.selectbox(key="paste_apply_currency").label == "Currency of these amounts"


def test_revenue_cards_say_their_period() -> None:
    at = new_app()
    load_example(at)
    at.switch_page("pages/results.py")
    at.session_state["results_tab"] = REVENUE_TAB
    at.run()
    no_exception(at)
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    assert cards["Net revenue retention, per month"] == ("99.8 %", "98.0 % per year, compounded")
    assert cards["Gross revenue retention, per month"] == ("97.8 %", "76.5 % per year, compounded")
    assert "MRR at end of month" in cards and "ARPA, per month" in cards
    assert "ARR, per year (MRR × 12)" in cards


def test_overview_names_the_period_of_converted_rates() -> None:
    at = new_app()
    load_example(at)
    at.switch_page("pages/results.py")
    at.run()
    text = " ".join(c.value for c in at.caption)
    assert "Net revenue retention: 99.8 % per month = 98.0 % per year, compounded" in text

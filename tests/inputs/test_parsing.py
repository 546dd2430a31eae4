"""Reading funnel numbers from CSV, XLSX and pasted cells; header recognition."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from funnel_core.inputs import workbook_reader
from funnel_core.domain.constants import FIELDS, FIELD_NAMES
from funnel_core.inputs.context_values import match_context_value
from funnel_core.inputs.header_alias_table import CONTEXT_KEY_ALIASES, FIELD_ALIASES
from funnel_core.inputs.headers import (
    header_multiplier,
    match_context_key,
    match_header,
    name_language,
)
from funnel_core.inputs.name_keys import normalise_text
from funnel_core.inputs.issues import InputError, ParsedInput, ParseIssue
from funnel_core.inputs.parsing import parse_bytes, parse_file, parse_text
from funnel_core.inputs.period_labels import parse_period_label
from funnel_core.inputs.raw_table import list_sheets, read_raw_table
from funnel_core.inputs.table_parser import parse_table

DATA = Path(__file__).resolve().parents[1] / "data"


def _issues(parsed: ParsedInput, level: str | None = None) -> list[ParseIssue]:
    return [i for i in parsed.issues if level is None or i.level == level]


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- headers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Website visitors", "visitors"), ("Visits", "visitors"), ("Unique visitors", "visitors"),
        ("Besucher", "visitors"), ("visiteurs", "visitors"), ("odwiedzający", "visitors"),
        ("ODWIEDZAJACY", "visitors"), ("MQLs", "mqls"), ("MQL", "mqls"),
        ("Marketing qualified leads", "mqls"), ("marketing-qualified leads", "mqls"),
        ("New customers", "new_customers"), ("New logos", "new_customers"),
        ("Neukunden", "new_customers"), ("nouveaux clients", "new_customers"),
        ("nowi klienci", "new_customers"), ("Customers won", "new_customers"),
        ("Number of new customers", "new_customers"),
        ("S&M spend", "sales_marketing_spend"), ("Sales and marketing spend", "sales_marketing_spend"),
        ("Sales & Marketing", "sales_marketing_spend"), ("marketing spend", "sales_marketing_spend"),
        ("S&M spend (EUR)", "sales_marketing_spend"),
        ("Churned customers", "customers_churned"), ("Lost customers", "customers_churned"),
        ("Logo churn (count)", "customers_churned"), ("Kündigungen", "customers_churned"),
        ("Customers at start", "customers_start"), ("Starting customers", "customers_start"),
        ("Beginning customers", "customers_start"), ("Customers (start)", "customers_start"),
        ("Starting MRR", "mrr_start"), ("MRR start", "mrr_start"), ("Beginning MRR", "mrr_start"),
        ("Expansion MRR", "mrr_expansion"), ("Upsell MRR", "mrr_expansion"),
        ("Contraction MRR", "mrr_contraction"), ("Churned MRR", "mrr_churned"),
        ("MRR churn", "mrr_churned"), ("New MRR", "mrr_new"),
        ("Gross margin", "gross_margin"), ("GM", "gross_margin"), ("Gross margin %", "gross_margin"),
        ("Bruttomarge", "gross_margin"), ("marge brute", "gross_margin"), ("marża brutto", "gross_margin"),
        ("Promoters", "nps_promoters"), ("Passives", "nps_passives"), ("Detractors", "nps_detractors"),
        ("Sign-ups", "signups"), ("signups", "signups"), ("Trials", "trial_users"),
        ("Trial conversions", "trial_conversions"), ("Free users", "freemium_users"),
        ("PQLs", "pqls"), ("PQL conversions", "pql_conversions"), ("Activated users", "activated_users"),
        ("Onboarded users", "onboarded_users"), ("Adopted users", "adopted_users"),
        ("SQLs", "sqls"), ("Opportunities", "opportunities"), ("Leads", "leads"),
        ("  leads  ", "leads"), ("LEADS", "leads"), ("Leads total", "leads"),
    ],
)
def test_match_header(text, field):
    assert match_header(text) == field


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: s.name)
def test_every_field_matches_its_name_and_label(spec):
    assert match_header(spec.name) == spec.name
    assert match_header(spec.label) == spec.name
    assert match_header(spec.name.upper().replace("_", " ")) == spec.name


@pytest.mark.parametrize("text", ["Foo", "Customers", "MRR", "Revenue", "", None, "Notes"])
def test_unknown_headers(text):
    assert match_header(text) is None


def test_alias_table_is_data_and_has_no_collisions():
    assert set(FIELD_ALIASES) <= set(FIELD_NAMES)
    owner: dict[str, str] = {}
    for field, by_language in FIELD_ALIASES.items():
        assert set(by_language) <= {"en", "de", "fr", "pl", "any"}
        for aliases in by_language.values():
            for alias in aliases:
                key = normalise_text(alias)
                assert owner.setdefault(key, field) == field, f"{alias!r}: {owner[key]} and {field}"
                assert match_header(alias) == field, alias
    for by_language in CONTEXT_KEY_ALIASES.values():
        for aliases in by_language.values():
            for alias in aliases:
                assert normalise_text(alias) not in owner, alias


@pytest.mark.parametrize(("text", "language"), [
    ("Neukunden", "de"), ("Nouveaux clients", "fr"), ("Nowi klienci", "pl"),
    ("New customers", "en"), ("Leads", None), ("MQLs", None), ("Foo", None),
])
def test_name_language(text, language):
    assert name_language(text) == language


@pytest.mark.parametrize(
    ("text", "key"),
    [("Currency", "currency"), ("Währung", "currency"), ("waluta", "currency"),
     ("Trial type", "trial_type"), ("Trial", "trial_type"), ("Motion", "motion"),
     ("ACV band", "acv_band"), ("Product category", "product_category"), ("period", "period"),
     ("Monat", "period"), ("miesiąc", "period"), ("Quarter", "period"), ("Date", "period"),
     ("visitors", None)],
)
def test_match_context_key(text, key):
    assert match_context_key(text) == key


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("period", "monthly", "month"), ("period", "Monat", "month"), ("period", "mois", "month"),
        ("period", "miesiąc", "month"), ("period", "Quartal", "quarter"),
        ("period", "trimestre", "quarter"), ("period", "kwartał", "quarter"),
        ("period", "annual", "year"), ("period", "Jahr", "year"), ("period", "année", "year"),
        ("period", "rok", "year"), ("period", "fortnight", None),
        ("currency", "$", "USD"), ("currency", "€", "EUR"), ("currency", "£", "GBP"),
        ("currency", "zł", "PLN"), ("currency", "chf", "CHF"), ("currency", "eur", "EUR"),
        ("currency", "yen", None),
        ("trial_type", "no_card", "no_card"), ("trial_type", "Free trial (credit card required)",
                                              "card_required"),
        ("trial_type", "free trial, no credit card", "no_card"), ("trial_type", "opt-out", "card_required"),
        ("trial_type", "Freemium", "freemium"), ("trial_type", "no trial", "none"),
        ("trial_type", "sometimes", None),
        ("motion", "Self-serve", "self_serve"), ("motion", "sales led", "sales_assisted"),
        ("acv_band", "SMB", "smb"), ("acv_band", "Mid-market", "mid_market"),
        ("acv_band", "Enterprise (ACV over $50K)", "enterprise"),
        ("product_category", "EdTech", "education"),
        ("product_category", "File storage & collaboration", "file_storage_collaboration"),
    ],
)
def test_match_context_value(key, text, value):
    assert match_context_value(key, text) == value


@pytest.mark.parametrize(("text", "factor"), [
    ("S&M spend (k€)", 1e3), ("MRR (in thousands)", 1e3), ("Spend ('000)", 1e3),
    ("MRR (Mio. €)", 1e6), ("S&M spend", 1.0), ("Leads", 1.0),
])
def test_header_multiplier(text, factor):
    assert header_multiplier(text) == factor


# --- period labels -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "start", "granularity"),
    [
        ("2025-01", (2025, 1, 1), "month"), ("2025/1", (2025, 1, 1), "month"),
        ("01/2025", (2025, 1, 1), "month"), ("1.2025", (2025, 1, 1), "month"),
        ("Jan 2025", (2025, 1, 1), "month"), ("January 2025", (2025, 1, 1), "month"),
        ("Jan-25", (2025, 1, 1), "month"), ("März 2025", (2025, 3, 1), "month"),
        ("févr. 2025", (2025, 2, 1), "month"), ("styczeń 2025", (2025, 1, 1), "month"),
        ("2025 Dec", (2025, 12, 1), "month"),
        ("2025-Q1", (2025, 1, 1), "quarter"), ("Q3 2025", (2025, 7, 1), "quarter"),
        ("Q4/24", (2024, 10, 1), "quarter"), ("2025Q2", (2025, 4, 1), "quarter"),
        ("3. Quartal 2025", (2025, 7, 1), "quarter"), ("T2 2025", (2025, 4, 1), "quarter"),
        ("II kw. 2025", (2025, 4, 1), "quarter"),
        ("2025", (2025, 1, 1), "year"), ("FY2024", (2024, 1, 1), "year"),
        ("2025-01-31", (2025, 1, 31), None), ("31.01.2025", (2025, 1, 31), None),
        ("2025-01-31 00:00:00", (2025, 1, 31), None), ("31 Jan 2025", (2025, 1, 31), None),
        ("March", None, "month"),
    ],
)
def test_parse_period_label(text, start, granularity):
    label = parse_period_label(text)
    assert label is not None
    assert label.start == start and label.granularity == granularity and label.text == text


@pytest.mark.parametrize("text", ["visitors", "", "12345", "2025-13", "32.01.2025", "total", "1,234"])
def test_not_period_labels(text):
    assert parse_period_label(text) is None


# --- long CSV ----------------------------------------------------------------------------------------

def test_long_csv_with_header_context_and_definitions():
    parsed = parse_file(DATA / "long.csv")
    assert parsed.layout == "long"
    assert parsed.periods == ["current"] and parsed.latest_period == "current"
    latest = parsed.latest()
    assert latest["visitors"] == 12500
    assert latest["mrr_start"] == 48000
    assert latest["mrr_new"] == 1250.5
    assert latest["sales_marketing_spend"] == 30000
    assert latest["gross_margin"] == pytest.approx(0.78)
    assert latest["nps_detractors"] == 15
    assert parsed.context == {"period": "month", "currency": "EUR", "trial_type": "no_card",
                              "motion": "sales_assisted", "acv_band": "smb"}
    assert parsed.number_convention == "en"
    assert parsed.unknown == []
    assert parsed.issues == []
    assert parsed.mapping["Website visitors"] == "visitors"
    assert parsed.mapping["Trial type"] == "trial_type"
    assert parsed.source_name == "long.csv"


def test_long_without_header_and_third_column_ignored():
    parsed = parse_text("visitors,1000,all channels\nleads,50,\nmqls,20,note")
    assert parsed.layout == "long"
    assert parsed.latest() == {"visitors": 1000, "leads": 50, "mqls": 20}
    assert parsed.issues == []


def test_bom_csv_header_is_clean():
    parsed = parse_file(DATA / "bom.csv")
    assert parsed.latest() == {"visitors": 1000, "leads": 100, "new_customers": 5}
    assert "metric" not in parsed.unknown and "\ufeffmetric" not in parsed.unknown
    raw = read_raw_table((DATA / "bom.csv").read_bytes(), "bom.csv")
    assert raw.iloc[0, 0] == "metric"


def test_duplicate_metric_warns_and_last_wins():
    parsed = parse_text("metric,value\nvisitors,100\nleads,10\nWebsite visitors,200\n")
    assert parsed.latest()["visitors"] == 200
    (warning,) = _issues(parsed, "warning")
    assert warning.row == 4 and "rows 2 and 4" in warning.message and "last" in warning.message


def test_long_context_rows_in_other_languages():
    parsed = parse_text("Zeitraum;Quartal\nWährung;€\nBesucher;1.000\nNeukunden;4\n")
    assert parsed.context == {"period": "quarter", "currency": "EUR"}
    assert parsed.latest() == {"visitors": 1000, "new_customers": 4}


def test_long_period_label_row_names_the_period():
    parsed = parse_text("Month\tMarch 2025\nVisitors\t100\n")
    assert parsed.periods == ["March 2025"] and parsed.latest_period == "March 2025"
    assert parsed.context["period"] == "month"
    assert parsed.latest() == {"visitors": 100}


def test_bad_context_values_are_row_errors():
    parsed = parse_text("metric,value\ntrial_type,sometimes\ncurrency,YEN\nproduct_category,Fintech\n"
                        "visitors,10\n")
    errors = _issues(parsed, "error")
    assert [(e.row, e.column) for e in errors] == [(2, "value"), (3, "value")]
    assert "'sometimes'" in errors[0].message and "no_card" in errors[0].message
    assert "USD" in errors[1].message
    assert parsed.context == {"product_category": "other"}
    (warning,) = _issues(parsed, "warning")
    assert warning.row == 4 and "Fintech" in warning.message


def test_acv_as_amount_is_banded():
    parsed = parse_text("acv,5000\nvisitors,1\n")
    assert parsed.context["acv_band"] == "smb"


# --- wide CSV ----------------------------------------------------------------------------------------

def test_wide_semicolon_german_bom_rows_out_of_order():
    parsed = parse_file(DATA / "wide_semicolon_de.csv")
    assert parsed.layout == "wide"
    assert parsed.periods == ["2024-12", "2025-01", "2025-02"]
    assert parsed.latest_period == "2025-02"
    latest = parsed.latest()
    assert latest["visitors"] == 12345 and latest["leads"] == 1234
    assert latest["sales_marketing_spend"] == 30000.5
    assert latest["gross_margin"] == pytest.approx(0.78)
    assert latest["customers_churned"] == 9
    assert parsed.values["2025-01"]["gross_margin"] == pytest.approx(0.78)
    assert parsed.number_convention == "de"
    assert parsed.context == {"period": "month", "currency": "EUR"}
    assert parsed.mapping["Monat"] == "period"
    assert parsed.issues == []


@pytest.mark.parametrize(
    ("labels", "latest"),
    [
        (["Feb 2025", "Mar 2025", "Jan 2025"], "Mar 2025"),
        (["2025-Q2", "2024-Q4", "2025-Q1"], "2025-Q2"),
        (["31.03.2025", "31.01.2025", "28.02.2025"], "31.03.2025"),
        (["03/2025", "12/2024", "01/2025"], "03/2025"),
        (["2025-03-31", "2025-01-31", "2025-02-28"], "2025-03-31"),
        (["2024", "2025", "2023"], "2025"),
    ],
)
def test_latest_period_is_chosen_by_date_not_row_order(labels, latest):
    text = "period,visitors\n" + "\n".join(f"{label},{i + 1}" for i, label in enumerate(labels))
    parsed = parse_text(text)
    assert parsed.latest_period == latest
    assert parsed.latest()["visitors"] == labels.index(latest) + 1
    assert sorted(parsed.periods) == sorted(labels)
    assert parsed.periods[-1] == latest


def test_unparseable_periods_fall_back_to_last_row_with_warning():
    parsed = parse_text("period,visitors\nbefore launch,1\nafter launch,2\n")
    assert parsed.latest_period == "after launch" and parsed.latest() == {"visitors": 2}
    assert any("file order" in w.message for w in _issues(parsed, "warning"))


def test_wide_without_period_column_single_row():
    parsed = parse_text("Visitors,Leads,MQLs\n1000,100,20\n")
    assert parsed.layout == "wide"
    assert parsed.latest() == {"visitors": 1000, "leads": 100, "mqls": 20}


def test_wide_totals_and_empty_future_rows_are_ignored():
    parsed = parse_text("Month;Visitors\n2025-01;10\n2025-02;20\n2025-03;\nTotal;30\n")
    assert parsed.periods == ["2025-01", "2025-02"] and parsed.latest_period == "2025-02"
    messages = " ".join(w.message for w in _issues(parsed, "warning"))
    assert "Total" in messages and "2025-03" in messages


def test_wide_year_and_month_columns_are_joined():
    parsed = parse_text("Year,Month,Visitors\n2024,Dec,10\n2025,Jan,20\n")
    assert parsed.latest_period == "2025-Jan" and parsed.latest() == {"visitors": 20}


def test_metrics_in_rows_periods_in_columns():
    parsed = parse_text("metric\tJan 2025\tFeb 2025\nVisitors\t100\t200\nLeads\t10\t20\n")
    assert parsed.layout == "wide"
    assert parsed.periods == ["Jan 2025", "Feb 2025"]
    assert parsed.latest() == {"visitors": 200, "leads": 20}


def test_header_in_thousands_is_scaled_with_one_warning():
    parsed = parse_text("month,S&M spend (k€)\n2025-01,30\n2025-02,31.5\n")
    assert parsed.latest() == {"sales_marketing_spend": 31500}
    assert parsed.values["2025-01"] == {"sales_marketing_spend": 30000}
    assert len(_issues(parsed, "warning")) == 1


# --- pasted text ------------------------------------------------------------------------------------

def test_tab_paste_english():
    parsed = parse_text("Website visitors\t12,345\nLeads\t1,234.5\nNew customers\t12\n")
    assert parsed.source_name == "pasted text"
    assert parsed.latest() == {"visitors": 12345, "leads": 1234.5, "new_customers": 12}
    assert parsed.number_convention == "en"


def _other_issues(parsed):
    """Issues other than the "not a whole number" flag these fixtures' fractional counts raise."""
    return [i for i in parsed.issues if "whole number" not in i.message]


@pytest.mark.parametrize(
    "text",
    [
        "Besucher\t12.345\nLeads\t1.234,5\nNeukunden\t12\nBruttomarge\t80 %\n",
        "Visiteurs\t12\u202f345\nLeads\t1\u00a0234,5\nNouveaux clients\t12\nMarge brute\t0,8\n",
        "Odwiedzający\t12 345\nLeady\t1 234,5\nNowi klienci\t12\nMarża brutto\t80%\n",
    ],
    ids=["de", "fr", "pl"],
)
def test_tab_paste_european(text):
    parsed = parse_text(text)
    assert parsed.number_convention == "de"
    assert parsed.latest() == {"visitors": 12345, "leads": 1234.5, "new_customers": 12,
                               "gross_margin": pytest.approx(0.8)}
    assert _other_issues(parsed) == []
    assert [(i.row, i.level) for i in parsed.issues] == [(2, "warning")]  # 1234.5 leads


def test_paste_from_file_fr():
    parsed = parse_file(DATA / "paste_fr.txt")
    assert parsed.latest()["visitors"] == 12345.5 and parsed.latest()["leads"] == 1234


def test_paste_with_header_row_and_rows():
    parsed = parse_text("period\tvisitors\tleads\n2025-01\t10\t1\n2025-02\t20\t2\n")
    assert parsed.layout == "wide" and parsed.latest() == {"visitors": 20, "leads": 2}


def test_paste_semicolon():
    parsed = parse_text("visitors;1.234,5\nleads;12\n")
    assert parsed.latest() == {"visitors": 1234.5, "leads": 12}


def test_paste_lines_without_delimiter():
    parsed = parse_text("Visitors: 12 000\nMQLs   40\nNew customers 12\nCurrency EUR\n")
    assert parsed.latest() == {"visitors": 12000, "mqls": 40, "new_customers": 12}
    assert parsed.context == {"currency": "EUR"}


def test_unquoted_thousands_comma_is_rejoined_with_warning():
    parsed = parse_text("visitors,1,234\nleads,12\n")
    assert parsed.latest() == {"visitors": 1234, "leads": 12}
    (warning,) = _issues(parsed, "warning")
    assert warning.row == 1 and "quotes" in warning.message


def test_empty_paste():
    with pytest.raises(InputError, match="Nothing was pasted"):
        parse_text("  \n ")


# --- number convention across the file ----------------------------------------------------------------

def test_ambiguous_cell_decided_by_other_cells():
    parsed = parse_text("visitors;1.234\nleads;12,5\n")
    assert parsed.number_convention == "de"
    assert parsed.latest()["visitors"] == 1234
    assert _other_issues(parsed) == []


def test_ambiguous_file_reads_english_and_warns_once():
    # "Leads" and "MQLs" are written so in every language: nothing in the file decides
    parsed = parse_text("Leads\t1.234\nMQLs\t1,500\nSQLs\t2,500\n")
    assert parsed.number_convention == "en"
    assert parsed.latest() == {"leads": 1.234, "mqls": 1500, "sqls": 2500}
    (warning,) = _other_issues(parsed)  # one warning for the file, not one per cell
    assert warning.level == "warning" and "'1.234'" in warning.message and "English" in warning.message
    assert "choose that number format" in warning.message
    assert "--number-format" not in warning.message, "the web page shows this message as it is"
    assert warning.hint == "--number-format de", "the command line adds its own flag"


@pytest.mark.parametrize(("text", "currency"), [
    ("Website visitors\t42,000\nNew customers\t1,250\n", None),   # English names
    ("Leads\t42,000\nMQLs\t1,500\n", "USD"),                       # the app's currency
    ("Leads\t42,000\nMQLs\t1,500\n", "GBP"),
    ("Leads\t42,000\nMQLs\t1,500\ncurrency\tUSD\n", None),       # the file's own currency
    ("Leads\t$42,000\nMQLs\t1,500\n", None),                        # a dollar amount
])
def test_english_looking_input_reads_thousands_without_a_warning(text, currency):
    parsed = parse_text(text, currency=currency)
    assert parsed.number_convention == "en"
    assert parsed.latest()["leads" if "Leads" in text else "visitors"] == 42000
    assert parsed.issues == []


def test_euro_alone_does_not_decide_the_number_format():
    # whole either way (42,000 or 42): only the currency could decide, and the euro does not
    parsed = parse_text("Leads\t42,000\nMQLs\t1,000\n", currency="EUR")
    assert parsed.number_convention == "en"
    assert len(_other_issues(parsed)) == 1


@pytest.mark.parametrize(("text", "convention", "leads"), [
    ("Leads\t12.500\nMQLs\t2.100\n", "de", 12500),   # 12.5 leads cannot be: European
    ("Leads\t1,234\nMQLs\t2,100\n", "en", 1234),     # 1.234 leads cannot be: English
])
def test_counts_that_must_be_whole_decide_the_number_format(text, convention, leads):
    parsed = parse_text(text, currency="USD")  # the counts speak louder than the currency
    assert parsed.number_convention == convention
    assert parsed.latest()["leads"] == leads
    assert parsed.issues == []


@pytest.mark.parametrize("text", [
    "Besucher\t1.234\nNeukunden\t12\n",
    "Visiteurs\t1.234\nNouveaux clients\t12\n",
    "Odwiedzający\t1.234\nNowi klienci\t12\n",
])
def test_ambiguous_file_goes_by_the_language_of_the_names(text):
    parsed = parse_text(text, currency="USD")  # the names speak louder than the app's currency
    assert parsed.number_convention == "de"
    assert parsed.latest() == {"visitors": 1234, "new_customers": 12}
    assert _other_issues(parsed) == [], "names in one language decide: nothing to warn about"


def test_explicit_convention_overrides_detection():
    parsed = parse_text("visitors\t1.234\nleads\t1,500\n", number_convention="de")
    assert parsed.number_convention == "de"
    assert parsed.latest() == {"visitors": 1234, "leads": 1.5}
    assert _other_issues(parsed) == []


def test_bad_convention_name():
    with pytest.raises(InputError, match="number convention"):
        parse_text("visitors,1", number_convention="klingon")


# --- XLSX ----------------------------------------------------------------------------------------------

@pytest.fixture()
def two_sheet_book(tmp_path) -> Path:
    path = tmp_path / "book.xlsx"
    path.write_bytes(_xlsx({
        "Read me": [["These are our numbers"]],
        "Funnel": [
            ["period", "Website visitors", "Gross margin", "Leads"],
            [dt.datetime(2025, 2, 1), 1.234, 0.8, 10],
            [dt.datetime(2025, 1, 1), 1000, "75 %", -3],
        ],
        "Long": [["metric", "value"], ["visitors", 5], ["leads", 2]],
    }))
    return path


def test_list_sheets(two_sheet_book):
    assert list_sheets(two_sheet_book.read_bytes(), "book.xlsx") == ["Read me", "Funnel", "Long"]
    assert list_sheets(b"visitors,1", "x.csv") == []


def test_xlsx_default_sheet_is_the_first_with_metrics(two_sheet_book):
    parsed = parse_file(two_sheet_book)
    assert parsed.source_name == "book.xlsx [Funnel]" and parsed.sheet == "Funnel"
    assert parsed.layout == "wide"
    assert parsed.periods == ["2025-01-01", "2025-02-01"]
    # numeric cells are exact: 1.234 stays 1.234 even where the text would be ambiguous
    assert parsed.latest() == {"visitors": 1.234, "gross_margin": 0.8, "leads": 10}
    assert parsed.values["2025-01-01"] == {"visitors": 1000, "gross_margin": 0.75}
    (error,) = _issues(parsed, "error")
    assert (error.row, error.column) == (3, "Leads") and "negative" in error.message
    assert parsed.number_convention == "en"


def test_xlsx_numeric_cells_are_exact_with_european_convention(two_sheet_book):
    parsed = parse_file(two_sheet_book, number_convention="de")
    assert parsed.latest()["visitors"] == 1.234


def test_xlsx_named_sheet(two_sheet_book):
    parsed = parse_bytes(two_sheet_book.read_bytes(), "book.xlsx", sheet="Long")
    assert parsed.layout == "long" and parsed.latest() == {"visitors": 5, "leads": 2}
    assert parsed.source_name == "book.xlsx [Long]"


def test_xlsx_unknown_sheet(two_sheet_book):
    with pytest.raises(InputError, match="no sheet named 'Nope'.*'Funnel'"):
        parse_bytes(two_sheet_book.read_bytes(), "book.xlsx", sheet="Nope")


def test_xlsx_empty_sheet(two_sheet_book, tmp_path):
    data = _xlsx({"Empty": [], "Data": [["visitors", 1]]})
    with pytest.raises(InputError, match="empty"):
        read_raw_table(data, "b.xlsx", sheet="Empty")
    assert parse_bytes(data, "b.xlsx").latest() == {"visitors": 1}


def test_xlsx_from_tests_data_row_errors_and_unknown_column():
    parsed = parse_file(DATA / "wide.xlsx")
    assert parsed.source_name == "wide.xlsx [Funnel]"
    assert parsed.latest_period == "2025-03-01"
    assert parsed.latest() == {"visitors": 15000, "leads": 700, "new_customers": 14,
                               "mrr_start": 52000.5, "gross_margin": 0.8}
    assert parsed.values["2025-02-01"]["gross_margin"] == pytest.approx(0.79)
    assert "leads" not in parsed.values["2025-02-01"]
    (error,) = _issues(parsed, "error")
    assert str(error).startswith("wide.xlsx [Funnel], row 4, column 'Leads': '65O' is not a number")
    assert parsed.unknown == ["Notes"]


def test_xlsx_rows_keep_spreadsheet_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"] = "metric"
    ws["C3"] = "value"
    ws["B4"] = "visitors"
    ws["C4"] = 100
    ws["B6"] = "leads"
    ws["C6"] = "lots"
    out = io.BytesIO()
    wb.save(out)
    raw = read_raw_table(out.getvalue(), "x.xlsx")
    assert raw.iloc[3, 1] == "visitors" and raw.iloc[3, 2] == "100"
    parsed = parse_bytes(out.getvalue(), "x.xlsx")
    (error,) = _issues(parsed, "error")
    assert (error.row, error.column) == (6, "value")


def test_xlsx_falls_back_to_openpyxl(two_sheet_book, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("calamine failed")

    monkeypatch.setattr(workbook_reader, "_read_sheet_calamine", broken)
    parsed = parse_bytes(two_sheet_book.read_bytes(), "book.xlsx", sheet="Funnel")
    assert parsed.latest() == {"visitors": 1.234, "gross_margin": 0.8, "leads": 10}


def test_read_raw_table_gives_strings_without_header_inference():
    raw = read_raw_table(b"metric,value\nvisitors,\"1,234\"\n", "a.csv")
    assert raw.shape == (2, 2)
    assert raw.iloc[0].tolist() == ["metric", "value"]
    assert raw.iloc[1].tolist() == ["visitors", "1,234"]
    assert all(isinstance(v, str) for v in raw.to_numpy().ravel())


# --- unknown columns and mapping ------------------------------------------------------------------------

def test_unknown_columns_are_reported():
    parsed = parse_text("month,visitors,Revenue,Foo\n2025-01,10,500,x\n")
    assert parsed.unknown == ["Revenue", "Foo"]
    assert parsed.mapping["Revenue"] is None and parsed.mapping["visitors"] == "visitors"
    warning = _issues(parsed, "warning")[0]
    assert "Revenue" in warning.message and "Foo" in warning.message
    assert parsed.latest() == {"visitors": 10}


def test_mapping_assigns_and_ignores_columns():
    text = "month,visitors,Revenue,Foo,Kunden neu\n2025-01,10,500,x,3\n"
    parsed = parse_text(text, mapping={"Revenue": "mrr_new", "Foo": None, "Kunden neu": "new_customers"})
    assert parsed.unknown == []
    assert parsed.latest() == {"visitors": 10, "mrr_new": 500, "new_customers": 3}
    assert parsed.mapping == {"month": "period", "visitors": "visitors", "Revenue": "mrr_new",
                              "Foo": None, "Kunden neu": "new_customers"}
    assert parsed.issues == []


def test_mapping_overrides_recognition_in_long_layout():
    parsed = parse_text("visitors,10\nLeads,5\nSessions,99\n",
                        mapping={"Sessions": None, "leads": "mqls"})
    assert parsed.latest() == {"visitors": 10, "mqls": 5}
    assert parsed.unknown == []


def test_mapping_to_unknown_field_is_rejected():
    with pytest.raises(InputError, match="not a known field"):
        parse_text("visitors,10", mapping={"visitors": "eyeballs"})


def test_nothing_recognised_lists_headers_and_points_to_template():
    with pytest.raises(InputError) as info:
        parse_text("Foo,Bar\n1,2\n")
    message = str(info.value)
    assert "'Foo'" in message and "'Bar'" in message and "template" in message
    assert info.value.issue.level == "error" and info.value.issue.file == "pasted text"


def test_nothing_recognised_can_be_rescued_by_mapping():
    parsed = parse_text("Foo,Bar\n1,2\n", mapping={"Foo": "visitors", "Bar": "leads"})
    assert parsed.latest() == {"visitors": 1, "leads": 2}


# --- row-level errors -----------------------------------------------------------------------------------

def test_row_level_errors_have_exact_row_and_column_and_keep_good_cells():
    text = ("period,Leads,visitors,MRR churn,Gross margin\n"
            "2025-01,10,100,5,0.8\n"
            "2025-02,12a,-5,(300),150 %\n"
            "2025-03,NaN,inf,7 %,80\n")
    parsed = parse_text(text, source_name="sales.csv")
    errors = {(e.row, e.column): e for e in _issues(parsed, "error")}
    assert set(errors) == {(3, "Leads"), (3, "visitors"), (3, "MRR churn"), (3, "Gross margin"),
                           (4, "Leads"), (4, "visitors"), (4, "MRR churn")}
    assert str(errors[(3, "Leads")]).startswith("sales.csv, row 4, column 'Leads'") is False
    assert str(errors[(3, "Leads")]).startswith("sales.csv, row 3, column 'Leads': '12a' is not a number")
    assert "negative" in errors[(3, "visitors")].message
    assert "positive amount" in errors[(3, "MRR churn")].message
    assert "100 %" in errors[(3, "Gross margin")].message
    assert "'NaN'" in errors[(4, "Leads")].message and "'inf'" in errors[(4, "visitors")].message
    assert "percentage" in errors[(4, "MRR churn")].message
    # good cells survive
    assert parsed.values["2025-01"] == {"leads": 10, "visitors": 100, "mrr_churned": 5, "gross_margin": 0.8}
    assert parsed.values["2025-03"] == {"gross_margin": 0.8}
    gm_warning = [w for w in _issues(parsed, "warning") if w.column == "Gross margin"]
    assert gm_warning and gm_warning[0].row == 4


def test_row_level_errors_in_long_file_name_value_column():
    parsed = parse_text("metric,value\nvisitors,100\nleads,12a\n", source_name="sales.csv")
    (error,) = _issues(parsed, "error")
    assert str(error).startswith("sales.csv, row 3, column 'value': '12a' is not a number")


def test_long_file_without_header_uses_column_letter():
    parsed = parse_text("visitors,100\nleads,-1\n")
    (error,) = _issues(parsed, "error")
    assert (error.row, error.column) == (2, "B")


def test_issue_str_formats():
    assert str(ParseIssue("error", "'12a' is not a number", "sales.csv", 4, "Leads")) == \
        "sales.csv, row 4, column 'Leads': '12a' is not a number"
    assert str(ParseIssue("warning", "check it")) == "check it"
    assert str(ParseIssue("warning", "check it", "a.csv")) == "a.csv: check it"


def test_dataframe_with_header_columns_is_accepted():
    frame = pd.DataFrame({"month": ["2025-01", "2025-02"], "visitors": [10, 20], "leads": ["1", "x"]})
    parsed = parse_table(frame, source_name="frame")
    assert parsed.latest() == {"visitors": 20}
    (error,) = _issues(parsed, "error")
    assert (error.row, error.column) == (3, "leads")


# --- whole-input errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "name", "pattern"),
    [
        (b"", "empty.csv", "empty"),
        (b"  \n\n ", "blank.csv", "empty"),
        (b"\xef\xbb\xbf", "bom_only.csv", "empty"),
        (b"metric,value\nvisitors,1\n", "numbers.pdf", "unsupported file type"),
        (b"metric,value\nvisitors,1\n", "numbers", "unsupported file type"),
        (bytes(range(256)) * 20, "junk.csv", "not a readable text file"),
        (b"PK\x03\x04" + bytes(200), "book.csv", "Excel workbook"),
        (b"\x00\x01\x02garbage" * 50, "junk.xlsx", "could not be read as a workbook"),
        (b"metric,value\nvisitors,1\n", "renamed.xlsx", "save it with the .csv extension"),
        (b"PK\x03\x04broken zip", "broken.xlsx", "could not be read as a workbook"),
        (b"", "empty.xlsx", "empty"),
    ],
)
def test_whole_input_errors(data, name, pattern):
    with pytest.raises(InputError, match=pattern) as info:
        parse_bytes(data, name)
    assert isinstance(info.value, ValueError)
    assert info.value.issue.level == "error" and info.value.issue.file == name


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="Cannot open"):
        parse_file(tmp_path / "nope.csv")


# --- encodings --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Besucher;1.234\nBruttomarge;0,8\nKündigungen;3\n", "cp1252"),
        ("Odwiedzający;1.234\nMarża brutto;0,8\nKündigungen;3\n", "cp1250"),
        ("Besucher\t1.234\nBruttomarge\t0,8\nKündigungen\t3\n", "utf-16"),
        ("Besucher;1.234\nBruttomarge;0,8\nKündigungen;3\n", "utf-8-sig"),
    ],
)
def test_encodings(text, encoding):
    parsed = parse_bytes(text.encode(encoding), "x.csv")
    assert parsed.latest() == {"visitors": 1234, "gross_margin": 0.8, "customers_churned": 3}


def test_cp1252_currency_symbol_survives():
    parsed = parse_bytes("metric;value\nS&M spend;£1.234,50\nBesucher;10\n".encode("cp1252"), "x.csv")
    assert parsed.latest()["sales_marketing_spend"] == 1234.5
    assert parsed.context["currency"] == "GBP"


def test_excel_sep_line():
    parsed = parse_text("sep=;\nmetric;value\nvisitors;1,5\n")
    assert parsed.latest() == {"visitors": 1.5}


def test_section_titles_without_values_are_not_unknown():
    parsed = parse_text("Acquisition\nvisitors\t10\nRetention\t\ncustomers_start\t5\n")
    assert parsed.unknown == [] and parsed.issues == []
    assert parsed.latest() == {"visitors": 10, "customers_start": 5}


def test_period_column_without_header_is_found_by_its_values():
    parsed = parse_text("\tVisitors\tLeads\n2025-02\t20\t2\n2025-01\t10\t1\n")
    assert parsed.layout == "wide" and parsed.periods == ["2025-01", "2025-02"]
    assert parsed.latest() == {"visitors": 20, "leads": 2}


def test_csv_and_paste_have_no_sheet():
    assert parse_text("visitors,1").sheet is None
    assert parse_bytes(b"visitors,1", "a.csv").sheet is None


def test_unrecognised_rows_still_decide_the_number_format():
    # "6.500,00" sits in a row we do not read, but it shows the file is European
    parsed = parse_text("Website visitors\t8.200\nAd spend\t6.500,00\nSign-ups\t410\n")
    assert parsed.number_convention == "de"
    assert parsed.latest()["visitors"] == 8200


@pytest.mark.parametrize("text", ["Website visitors\t8.2\nSign-ups\t410\n",
                                  "Leads;12,5\nSign-ups;410\n"])
def test_a_count_that_is_not_whole_is_flagged_with_row_and_column(text):
    parsed = parse_text(text)
    flagged = [i for i in parsed.issues if "whole number" in i.message]
    assert flagged and flagged[0].row == 1 and flagged[0].column

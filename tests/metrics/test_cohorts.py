"""Cohort import and computation, checked against small hand-computed tables.

The reference data (months 2025-01 .. 2025-06, T = 6)::

    A  Jan-Jun 100                          cohort Jan, always paying
    B  Jan-Feb 100                          cohort Jan, last pays Feb -> churn k=2
    C  Jan-Feb 50, May-Jun 50               cohort Jan, churns and comes back
    D  Feb 100, Mar-Jun 150                 cohort Feb, upgrade in Mar
    E  Feb 200, Mar-Apr 100                 cohort Feb, downgrade, churn k=3
    F  Mar 80                               cohort Mar, starts and ends in Mar (k=1)
    H  Mar-Apr 40                           cohort Mar, churn k=2
    G  Jun 60 (annual plan 720 / year)      cohort Jun
"""

from __future__ import annotations

from pathlib import Path

import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_export_data import ExportData
from funnel_core.inputs.billing_read import read_export
from funnel_core.metrics.cohorts import (
    CANONICAL_REVENUE_KEYS, CohortResult, compute_cohorts, revenue_inputs_for_month,
)

DATA = Path(__file__).resolve().parents[1] / "data"

MONTHLY_CSV = (DATA / "cohort_monthly.csv").read_text(encoding="utf-8")

# the same customers as subscriptions: an end date is the first day not paid;
# C churns and comes back (two rows), D upgrades and E downgrades by a plan change,
# F starts and ends in March, G pays 720 a year
SUBSCRIPTIONS_CSV = (DATA / "cohort_subscriptions.csv").read_text(encoding="utf-8")

NAN = float("nan")
EXPECTED_LOGO = {
    "2025-01": [1.0, 1.0, 1 / 3, 1 / 3, 2 / 3, 2 / 3],
    "2025-02": [1.0, 1.0, 1.0, 0.5, 0.5, NAN],
    "2025-03": [1.0, 0.5, 0.0, 0.0, NAN, NAN],
    "2025-06": [1.0, NAN, NAN, NAN, NAN, NAN],
}
EXPECTED_REVENUE = {
    "2025-01": [1.0, 1.0, 100 / 250, 100 / 250, 150 / 250, 150 / 250],
    "2025-02": [1.0, 250 / 300, 250 / 300, 150 / 300, 150 / 300, NAN],
    "2025-03": [1.0, 40 / 120, 0.0, 0.0, NAN, NAN],
    "2025-06": [1.0, NAN, NAN, NAN, NAN, NAN],
}


def _read(text: str, name: str = "export.csv", **kw) -> ExportData:
    return read_export(text.encode("utf-8"), name, **kw)


@pytest.fixture(scope="module")
def monthly() -> CohortResult:
    return compute_cohorts(_read(MONTHLY_CSV, "monthly.csv"))


@pytest.fixture(scope="module")
def subscriptions() -> CohortResult:
    return compute_cohorts(_read(SUBSCRIPTIONS_CSV, "subs.csv"))


def _assert_table(table: pd.DataFrame, expected: dict[str, list[float]]) -> None:
    assert [str(c) for c in table.index] == list(expected)
    got = table.to_numpy()
    want = np.array(list(expected.values()))
    np.testing.assert_allclose(got, want, equal_nan=True)


# --------------------------------------------------------------------------------------
# cohort tables
# --------------------------------------------------------------------------------------

def test_monthly_layout_detected(monthly: CohortResult) -> None:
    assert monthly.layout == "monthly"
    assert (monthly.first_month, monthly.last_month) == ("2025-01", "2025-06")
    assert monthly.customers == 8


def test_cohort_sizes(monthly: CohortResult) -> None:
    assert monthly.sizes.to_dict() == {pd.Period("2025-01", "M"): 3,
                                       pd.Period("2025-02", "M"): 2,
                                       pd.Period("2025-03", "M"): 2,
                                       pd.Period("2025-06", "M"): 1}


def test_logo_retention_hand_computed(monthly: CohortResult) -> None:
    # C comes back in May: retained again at k=4 and k=5 of the January cohort
    _assert_table(monthly.logo_retention, EXPECTED_LOGO)


def test_revenue_retention_hand_computed(monthly: CohortResult) -> None:
    # D's upgrade (+50) and E's downgrade (-100) net to 250/300 for the Feb cohort
    _assert_table(monthly.revenue_retention, EXPECTED_REVENUE)


def test_cells_after_last_observed_month_are_absent(monthly: CohortResult) -> None:
    assert monthly.logo_retention.loc[pd.Period("2025-02", "M"), 5] != 0
    assert math.isnan(monthly.logo_retention.loc[pd.Period("2025-02", "M"), 5])
    js = monthly.to_json_dict()
    by_cohort = {c["cohort"]: c for c in js["cohorts"]}
    assert len(by_cohort["2025-01"]["logo_retention"]) == 6
    assert len(by_cohort["2025-02"]["logo_retention"]) == 5
    assert by_cohort["2025-06"]["logo_retention"] == [1.0]
    assert by_cohort["2025-06"]["second_month_retention"] is None


def test_second_and_twelve_month_retention(monthly: CohortResult) -> None:
    # k=1 over cohorts Jan, Feb, Mar (Jun not observable): (3 + 2 + 1) / (3 + 2 + 2)
    assert monthly.second_month_retention == pytest.approx(6 / 7)
    assert monthly.second_month_revenue_retention == pytest.approx(540 / 670)
    assert monthly.twelve_month_retention is None  # only 6 months of data
    js = monthly.to_json_dict()
    jan = js["cohorts"][0]
    assert jan["second_month_retention"] == pytest.approx(1.0)
    assert jan["twelve_month_retention"] is None
    assert js["summary"]["second_month_retention"] == pytest.approx(6 / 7, abs=1e-6)


def test_churn_month_distribution(monthly: CohortResult) -> None:
    # F leaves at k=1, B and H at k=2, E at k=3; C came back so has not churned
    assert monthly.churn_month_distribution.to_dict() == {1: 1, 2: 2, 3: 1, 4: 0, 5: 0}
    assert monthly.most_common_churn_month == 2


def test_same_month_subscription_counts_in_month_zero(subscriptions: CohortResult) -> None:
    mar = subscriptions.retained_customers.loc[pd.Period("2025-03", "M")]
    assert mar[0] == 2 and mar[1] == 1  # F counted in month 0, gone at k=1


def test_latest_mrr_share(monthly: CohortResult) -> None:
    share = {str(k): v for k, v in monthly.latest_mrr_share.items()}
    assert share == pytest.approx({"2025-01": 150 / 360, "2025-02": 150 / 360,
                                   "2025-03": 0.0, "2025-06": 60 / 360})
    assert sum(share.values()) == pytest.approx(1.0)


def test_mrr_by_cohort_over_time(monthly: CohortResult) -> None:
    t = monthly.mrr_by_cohort_over_time
    assert t.loc[pd.Period("2025-03", "M"), pd.Period("2025-02", "M")] == 250
    assert t.loc[pd.Period("2025-01", "M"), pd.Period("2025-02", "M")] == 0
    assert t.sum(axis=1).tolist() == [250, 550, 470, 390, 300, 360]


def test_both_layouts_give_identical_tables(monthly: CohortResult,
                                            subscriptions: CohortResult) -> None:
    assert subscriptions.layout == "subscriptions"
    for name in ("logo_retention", "revenue_retention", "sizes", "mrr_by_cohort_over_time",
                 "latest_mrr_share", "churn_month_distribution", "retained_customers"):
        a, b = monthly.tables[name], subscriptions.tables[name]
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=False)
        else:
            pd.testing.assert_series_equal(a, b, check_exact=False)
    assert monthly.revenue_inputs == subscriptions.revenue_inputs


def test_annual_plans_normalised_to_mrr() -> None:
    ex = _read(SUBSCRIPTIONS_CSV)
    frame = ex.to_frame()
    assert frame.loc[frame["customer"] == "G", "mrr"].tolist() == [60.0]
    arr = _read("account,start,end,ARR\nX,2025-01-01,,1200\nY,2025-01-01,2025-02-01,2400\n")
    assert arr.columns["annual_amount"] == "ARR"
    f = arr.to_frame()
    assert f.groupby("customer", observed=True)["mrr"].first().to_dict() == {"X": 100.0,
                                                                             "Y": 200.0}
    quarterly = _read("customer,start_date,end_date,price,billing_period\n"
                      "Q,2025-01-01,,300,quarterly\nQ2,2025-01-01,,1200,annual\n")
    assert sorted(quarterly.to_frame()["mrr"].unique()) == [100.0]


def test_explicit_mrr_column_is_not_divided_by_billing_period() -> None:
    ex = _read("customer,start,end,mrr,interval\nZ,2025-01-01,,50,year\n")
    assert ex.to_frame()["mrr"].tolist() == [50.0]


# --------------------------------------------------------------------------------------
# revenue inputs
# --------------------------------------------------------------------------------------

def test_revenue_inputs_hand_arithmetic_march() -> None:
    ex = _read(MONTHLY_CSV)
    ri = revenue_inputs_for_month(ex, "2025-03")
    # Feb payers A100 B100 C50 D100 E200; Mar payers A100 D150 E100 F80 H40
    assert ri["customers_start"] == 5
    assert ri["mrr_start"] == 550
    assert ri["customers_churned"] == 2 and ri["mrr_churned"] == 150      # B, C
    assert ri["new_customers"] == 2 and ri["mrr_new"] == 120              # F, H
    assert ri["mrr_expansion"] == 50                                       # D
    assert ri["mrr_contraction"] == 100                                    # E
    assert ri["reactivated_customers"] == 0 and ri["mrr_reactivation"] == 0
    assert ri["mrr_end"] == 470
    assert ri["month"] == "2025-03" and ri["previous_month"] == "2025-02"
    assert set(CANONICAL_REVENUE_KEYS) <= set(ri)


def test_revenue_inputs_reactivation_is_not_new() -> None:
    ex = _read(MONTHLY_CSV)
    ri = revenue_inputs_for_month(ex, "2025-05")
    # Apr payers A100 D150 E100 H40; May payers A100 C50 D150
    assert ri["customers_start"] == 4 and ri["mrr_start"] == 390
    assert ri["customers_churned"] == 2 and ri["mrr_churned"] == 140      # E, H
    assert ri["new_customers"] == 0 and ri["mrr_new"] == 0
    assert ri["reactivated_customers"] == 1 and ri["mrr_reactivation"] == 50  # C
    assert ri["mrr_expansion"] == 0 and ri["mrr_contraction"] == 0
    assert ri["mrr_end"] == pytest.approx(
        ri["mrr_start"] + ri["mrr_new"] + ri["mrr_reactivation"] + ri["mrr_expansion"]
        - ri["mrr_contraction"] - ri["mrr_churned"])


def test_revenue_inputs_default_is_latest_complete_month(monthly: CohortResult) -> None:
    ri = monthly.revenue_inputs
    assert ri is not None
    assert ri["month"] == "2025-06"
    assert (ri["customers_start"], ri["new_customers"], ri["mrr_new"]) == (3, 1, 60)


def test_revenue_inputs_month_outside_data() -> None:
    ex = _read(MONTHLY_CSV)
    with pytest.raises(ValueError, match="first month"):
        revenue_inputs_for_month(ex, "2025-01")
    with pytest.raises(ValueError, match="outside"):
        revenue_inputs_for_month(ex, "2026-01")


def test_subscriptions_running_into_current_month_default_to_previous_month() -> None:
    ex = _read("customer,start,end,mrr\nA,2025-01-01,,10\nB,2025-03-15,,20\n",
               as_of="2025-03-20")
    assert ex.last_month == ex.first_month + 2          # March is observed ...
    assert ex.complete_through == ex.first_month + 1    # ... but not complete
    assert revenue_inputs_for_month(ex)["month"] == "2025-02"


# --------------------------------------------------------------------------------------
# bad rows, formats, errors
# --------------------------------------------------------------------------------------

def test_bad_rows_reported_with_row_numbers_good_rows_kept() -> None:
    text = ("customer_id,month,mrr\n"
            "A,2025-01,100\n"        # row 2 ok
            ",2025-01,100\n"         # row 3 missing id
            "B,2025-01,-5\n"         # row 4 negative
            "C,2025-13-45,10\n"      # row 5 bad date
            "D,2025-02,abc\n"        # row 6 unparseable amount
            "A,2025-02,100\n")       # row 7 ok
    ex = _read(text, "bad.csv")
    assert ex.skipped_rows == 4
    assert ex.rows_read == 6
    errors = [i for i in ex.issues if i.severity == "error"]
    assert [(i.row, i.column) for i in errors] == [(3, "customer_id"), (4, "mrr"),
                                                   (5, "month"), (6, "mrr")]
    assert "missing customer id" in errors[0].message
    assert "negative" in errors[1].message
    assert "2025-13-45" in errors[2].message
    assert list(ex.customers) == ["A"]
    assert ex.to_frame()["mrr"].tolist() == [100.0, 100.0]
    result = compute_cohorts(ex)
    assert result.skipped_rows == 4
    js = result.to_json_dict()
    assert js["skipped_rows"] == 4
    assert {"row": 3, "column": "customer_id", "message": "missing customer id",
            "severity": "error"} in js["issues"]


def test_end_before_start_reported() -> None:
    text = ("customer,start_date,end_date,mrr\n"
            "A,2025-01-01,,10\n"
            "B,2025-03-01,2025-02-01,10\n"
            "C,31.01.2025,15.02.2025,10\n")
    ex = _read(text)
    assert ex.skipped_rows == 1
    (issue,) = [i for i in ex.issues if i.severity == "error"]
    assert (issue.row, issue.column) == (3, "end_date")
    assert "before" in issue.message
    assert sorted(ex.customers) == ["A", "C"]


def test_all_rows_bad_raises_with_first_problem() -> None:
    with pytest.raises(CohortInputError) as err:
        _read("customer,month,mrr\n,2025-01,1\nB,2025-01,-1\n", "allbad.csv")
    assert err.value.file == "allbad.csv"
    assert err.value.row == 2
    assert "no usable rows" in str(err.value)


def test_no_usable_layout_names_file_and_columns() -> None:
    with pytest.raises(CohortInputError) as err:
        _read("foo,bar\n1,2\n", "weird.csv")
    exc = err.value
    assert isinstance(exc, ValueError)
    assert exc.file == "weird.csv" and exc.row is None and exc.column is None
    assert "weird.csv" in str(exc) and "'foo'" in str(exc) and "'bar'" in str(exc)


def test_empty_and_missing_files() -> None:
    with pytest.raises(CohortInputError, match="empty"):
        read_export(b"", "empty.csv")
    with pytest.raises(CohortInputError, match="cannot read"):
        read_export("/nonexistent/file.csv")


@pytest.mark.parametrize("value, expected", [
    ("2025-01-31", "2025-01"), ("2025-01", "2025-01"), ("31.01.2025", "2025-01"),
    ("Jan 2025", "2025-01"), ("January 31, 2025", "2025-01"), ("31-Jan-25", "2025-01"),
    ("202501", "2025-01"), ("2025/01/31", "2025-01"), ("2025-01-31T10:00:00Z", "2025-01"),
    ("Januar 2025", "2025-01"), ("janvier 2025", "2025-01"), ("styczeń 2025", "2025-01"),
    ("01.2025", "2025-01"),
])
def test_date_formats(value: str, expected: str) -> None:
    ex = _read(f'customer,month,mrr\nA,"{value}",10\n')
    assert str(ex.to_frame()["month"].iloc[0]) == expected


def test_slash_dates_month_first_detected_from_values() -> None:
    ex = _read("customer,month,mrr\nA,01/31/2025,1\nA,02/05/2025,1\n")
    assert ex.date_order == "month_first"
    assert [str(m) for m in ex.to_frame()["month"]] == ["2025-01", "2025-02"]
    assert not any("day/month" in i.message for i in ex.issues)


def test_slash_dates_day_first_detected_from_values() -> None:
    ex = _read("customer,month,mrr\nA,31/01/2025,1\nA,05/02/2025,1\n")
    assert ex.date_order == "day_first"
    assert [str(m) for m in ex.to_frame()["month"]] == ["2025-01", "2025-02"]


def test_ambiguous_slash_dates_default_day_first_with_warning() -> None:
    ex = _read("customer,month,mrr\nA,01/02/2025,1\nA,01/03/2025,1\n")
    assert ex.date_order == "day_first"
    assert [str(m) for m in ex.to_frame()["month"]] == ["2025-02", "2025-03"]
    warnings = [i for i in ex.issues if i.severity == "warning"]
    assert any("day" in w.message and "ISO" in w.message for w in warnings)


def test_german_headers_semicolon_decimal_comma() -> None:
    text = "Kunde;Monat;Betrag\nK1;01.01.2025;1.234,50\nK1;01.02.2025;99,90\n"
    ex = read_export(text.encode("cp1252"), "de.csv")
    assert ex.columns == {"customer_id": "Kunde", "month": "Monat", "mrr": "Betrag"}
    assert ex.to_frame()["mrr"].tolist() == [1234.5, 99.9]


def test_windows_1252_export_with_accents_late_in_the_file() -> None:
    text = "Kunde;Monat;Betrag\n" + "Müller;2025-01;10\n" * 30000 + "Gödel;2025-02;5\n"
    ex = read_export(text.encode("cp1252"), "win.csv")
    assert list(ex.customers) == ["Müller", "Gödel"]


def test_monthly_frame_dtypes() -> None:
    ex = _read(MONTHLY_CSV)
    m = ex.monthly
    assert [str(t) for t in m.dtypes] == ["int32", "int32", "float64"]
    assert (m["mrr"] > 0).all()
    assert m.equals(m.sort_values(["customer", "month"]))  # sorted by customer, month
    assert ex.n_months == 6 and ex.month_label(ex.first_month) == "2025-01"


def test_polish_and_french_headers() -> None:
    pl = _read("Klient,Data rozpoczęcia,Data zakończenia,Kwota\nX,2025-01-01,,10\n")
    assert pl.layout == "subscriptions"
    fr = _read("Client,Mois,Montant\nX,2025-01,10\n")
    assert fr.layout == "monthly"


def test_explicit_mapping() -> None:
    text = "who,when,howmuch,notes\nA,2025-01,10,x\nA,2025-02,12,y\n"
    with pytest.raises(CohortInputError):
        _read(text)
    ex = _read(text, mapping={"who": "customer_id", "when": "month", "howmuch": "mrr"})
    assert ex.layout == "monthly" and ex.to_frame()["mrr"].tolist() == [10.0, 12.0]
    with pytest.raises(CohortInputError, match="not in the file"):
        _read(text, mapping={"nope": "customer_id"})
    with pytest.raises(CohortInputError, match="unknown role"):
        _read(text, mapping={"who": "banana"})


def test_duplicate_rows_are_summed_and_unsorted_input_ok() -> None:
    ex = _read("customer,month,mrr\nB,2025-02,5\nA,2025-01,10\nA,2025-01,5\nB,2025-01,1\n")
    f = ex.to_frame()
    assert list(zip(f["customer"].astype(str), f["month"].astype(str), f["mrr"])) == [
        ("B", "2025-01", 1.0), ("B", "2025-02", 5.0), ("A", "2025-01", 15.0)]


def test_title_rows_above_header_and_row_numbers() -> None:
    text = "MRR export,,\nGenerated 2025-07-01,,\ncustomer,month,mrr\nA,2025-01,1\n,2025-01,1\n"
    ex = _read(text)
    (issue,) = [i for i in ex.issues if i.severity == "error"]
    assert issue.row == 5


def test_ragged_csv_rows_are_skipped_with_line_numbers() -> None:
    text = ("customer,month,mrr\nA,2025-01,1\nB,2025-01\nA,2025-02,1,extra\nC,2025-02,3\n"
            ",2025-02,3\nD,2025-02,4\n")
    ex = _read(text)
    assert ex.skipped_rows == 3
    assert ex.rows_read == 6
    errors = [i for i in ex.issues if i.severity == "error"]
    # the ragged lines 3 and 4 do not shift the numbering of the rows after them
    assert [(i.row, i.column) for i in errors] == [(3, None), (4, None), (6, "customer")]
    assert "expected 3 columns" in errors[0].message
    assert sorted(ex.customers) == ["A", "C", "D"]


def test_zero_mrr_only_export() -> None:
    r = compute_cohorts(_read("customer,month,mrr\nA,2025-01,0\nA,2025-02,0\n"))
    assert r.customers == 0 and r.logo_retention.empty
    d = json.loads(json.dumps(r.to_json_dict(), allow_nan=False))
    assert d["cohorts"] == [] and d["summary"]["latest_mrr"] == 0


def test_xlsx_with_calamine(tmp_path) -> None:
    import openpyxl
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["nothing here"])
    ws2 = wb.create_sheet("MRR")
    ws2.append(["Customer ID", "Month", "MRR"])
    ws2.append([101, dt.datetime(2025, 1, 31), 10])
    ws2.append([101, dt.datetime(2025, 2, 28), 12.5])
    ws2.append([None, dt.datetime(2025, 2, 28), 3])
    ws2.append([102, "2025-02", -1])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    ex = read_export(path)
    assert ex.filename == "export.xlsx"
    assert list(ex.customers) == ["101"]
    assert ex.to_frame()["mrr"].tolist() == [10.0, 12.5]
    assert [(i.row, i.column) for i in ex.issues if i.severity == "error"] == [
        (4, "Customer ID"), (5, "MRR")]
    ex2 = read_export(path.read_bytes(), "export.xlsx", sheet="MRR")
    assert ex2.n_customers == 1
    with pytest.raises(CohortInputError, match="no sheet"):
        read_export(path, sheet="Missing")


def test_json_has_no_nan(monthly: CohortResult) -> None:
    text = json.dumps(monthly.to_json_dict(), allow_nan=False)
    assert "NaN" not in text
    d = json.loads(text)
    assert set(d) == {"cohorts", "summary", "skipped_rows", "issues"}
    assert d["summary"]["twelve_month_retention"] is None
    assert d["summary"]["most_common_churn_month"] == 2
    first = d["cohorts"][0]
    assert set(first) == {"cohort", "size", "logo_retention", "revenue_retention",
                          "second_month_retention", "twelve_month_retention",
                          "latest_mrr_share"}


def test_single_month_export_has_no_revenue_inputs() -> None:
    r = compute_cohorts(_read("customer,month,mrr\nA,2025-01,1\nB,2025-01,0\n"))
    assert r.revenue_inputs is None
    assert r.customers == 1  # B never paid
    assert r.churn_month_distribution.empty
    json.dumps(r.to_json_dict(), allow_nan=False)


def test_long_table(monthly: CohortResult) -> None:
    long = monthly.long_table()
    assert list(long.columns) == ["cohort", "months_since_start", "logo_retention",
                                  "revenue_retention", "size"]
    assert len(long) == 6 + 5 + 4 + 1
    assert long.iloc[0].tolist() == ["2025-01", 0, 1.0, 1.0, 3]


def test_large_random_export_matches_pandas_reference() -> None:
    """Vectorised tables equal a plain pandas groupby on random data."""
    rng = np.random.default_rng(7)
    n = 3000
    df = pd.DataFrame({
        "customer": rng.integers(0, 300, n).astype(str),
        "month": pd.PeriodIndex.from_ordinals(rng.integers(600, 624, n), freq="M").astype(str),
        "mrr": rng.choice([0.0, 10.0, 20.0, 35.5], n),
    })
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    result = compute_cohorts(read_export(buf.getvalue().encode(), "r.csv"))
    agg = df.groupby(["customer", "month"], as_index=False)["mrr"].sum()
    agg = agg[agg["mrr"] > 0].copy()
    agg["m"] = pd.PeriodIndex(agg["month"], freq="M")
    agg["cohort"] = agg.groupby("customer")["m"].transform("min")
    agg["k"] = (agg["m"] - agg["cohort"]).apply(lambda x: x.n)
    sizes = agg[agg["k"] == 0].groupby("cohort").size()
    ret = agg.groupby(["cohort", "k"]).size().unstack(fill_value=0)
    expected = ret.div(sizes, axis=0)
    got = result.logo_retention
    last = pd.Period(df["month"].max(), "M")
    for cohort in expected.index:
        for k in expected.columns:
            if cohort + k <= last:
                assert got.loc[cohort, k] == pytest.approx(expected.loc[cohort, k])
    assert result.sizes.sum() == agg["customer"].nunique()


def test_no_streamlit_import_in_cohort_modules() -> None:
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / "funnel_core"
    billing = sorted(str(p.relative_to(root)) for p in (root / "inputs").glob("billing_*.py"))
    assert "inputs/billing_read.py" in billing
    for name in ("metrics/cohorts.py", *billing, "charts/cohorts.py", "cli/cohorts.py"):
        assert "streamlit" not in (root / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------

def test_charts_build_and_validate(monthly: CohortResult) -> None:
    import altair as alt
    from funnel_core.charts.cohorts import cohort_heatmap, mrr_by_cohort_area, retention_curves

    for metric in ("logo", "revenue"):
        chart = cohort_heatmap(monthly, metric=metric)
        spec = chart.to_dict()
        assert "monthly.csv" in json.dumps(spec["title"])
        assert any(layer["mark"]["type"] == "text" for layer in spec["layer"])
        assert ".0%" in json.dumps(spec)
    curves = retention_curves(monthly, benchmarks=[
        {"label": "Median 12-month logo retention", "month": 12, "value": 0.85,
         "source": "Example survey 2024"}])
    spec = curves.to_dict()
    text = json.dumps(spec)
    assert "Example survey 2024" in text
    assert '"strokeWidth": 4' in text
    area = mrr_by_cohort_area(monthly)
    assert isinstance(area, alt.Chart)
    assert area.to_dict()["mark"]["type"] == "area"
    with pytest.raises(ValueError):
        cohort_heatmap(monthly, metric="nope")  # type: ignore[arg-type]


def _layers(spec: dict) -> list[dict]:
    datasets = spec.get("datasets", {})
    out = []
    for layer in spec["layer"]:
        layer = dict(layer)
        name = (layer.get("data") or {}).get("name")
        layer["rows"] = datasets.get(name, [])
        out.append(layer)
    return out


def test_one_month_figure_is_a_marker_at_that_month_only(monthly: CohortResult) -> None:
    from funnel_core.charts.cohorts import retention_curves

    spec = retention_curves(monthly, benchmarks=[
        {"label": "Month-1 user retention, average: 46.9 % (users, not paying customers)",
         "month": 1, "value": 0.469, "source": "Userpilot 2024"}]).to_dict()
    layers = _layers(spec)
    kinds = [layer["mark"]["type"] for layer in layers]
    assert "rule" not in kinds  # never a flat line across every month
    points = [layer for layer in layers if layer["mark"]["type"] == "point"]
    assert len(points) == 1
    assert [(r["months_since_start"], r["value"]) for r in points[0]["rows"]] == [(1, 0.469)]
    texts = [r["text"] for layer in layers if layer["mark"]["type"] == "text"
             for r in layer["rows"]]
    assert texts and all("users, not paying customers" in t and "Userpilot 2024" in t
                         for t in texts)
    # a figure beyond the observed months widens the axis to reach it
    spec = retention_curves(monthly, benchmarks=[
        {"label": "Median 12-month logo retention", "month": 12, "value": 0.85,
         "source": "Example survey 2024"}]).to_dict()
    point = [layer for layer in _layers(spec) if layer["mark"]["type"] == "point"][0]
    assert point["encoding"]["x"]["scale"]["domain"] == [0, 12]
    assert point["rows"][0]["months_since_start"] == 12


def test_average_is_named_in_a_legend_not_on_the_plot(monthly: CohortResult) -> None:
    from funnel_core.charts.cohorts import AVERAGE_LABEL, MONTHS_TITLE, retention_curves

    spec = retention_curves(monthly).to_dict()
    layers = _layers(spec)
    assert not [layer for layer in layers if layer["mark"]["type"] == "text"]
    bold = [layer for layer in layers if layer["mark"].get("strokeWidth") == 4][0]
    assert bold["encoding"]["color"]["scale"]["domain"] == [AVERAGE_LABEL]
    assert bold["encoding"]["color"]["legend"] is not None
    assert spec["resolve"]["scale"]["color"] == "independent"
    assert bold["encoding"]["x"]["title"] == MONTHS_TITLE
    assert bold["encoding"]["x"]["axis"]["values"] == list(range(6))


def test_month_numbering_is_the_same_in_every_chart(monthly: CohortResult) -> None:
    from funnel_core.charts.cohorts import MONTHS_TITLE, cohort_heatmap, retention_curves

    for spec in (cohort_heatmap(monthly).to_dict(), retention_curves(monthly).to_dict()):
        titles = {layer["encoding"]["x"].get("title") for layer in spec["layer"]
                  if "x" in layer.get("encoding", {})} | (
            {spec["encoding"]["x"]["title"]} if "encoding" in spec else set())
        assert titles - {None} == {MONTHS_TITLE}
    assert "month 0 = start month" in MONTHS_TITLE


def test_month_ordinal() -> None:
    from funnel_core.charts.cohorts import month_ordinal

    assert [month_ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 22, 102, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "102nd", "111th"]


def test_mrr_area_has_one_tick_per_month_including_the_last(monthly: CohortResult) -> None:
    from funnel_core.charts.cohorts import mrr_by_cohort_area

    spec = mrr_by_cohort_area(monthly).to_dict()
    x = spec["encoding"]["x"]
    months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert x["type"] == "ordinal" and x["scale"]["domain"] == months
    rows = next(iter(spec["datasets"].values()))
    assert sorted({r["month"] for r in rows}) == months


def test_mixed_date_orders_warn() -> None:
    ex = _read("customer,month,mrr\nA,13/01/2025,1\nA,02/14/2025,1\nA,25/03/2025,1\n"
               "A,04/05/2025,1\n")
    assert ex.date_order == "day_first"  # two day-first values against one month-first
    assert [str(m) for m in ex.to_frame()["month"]] == ["2025-01", "2025-02", "2025-03",
                                                        "2025-05"]
    assert any("mix" in i.message for i in ex.issues if i.severity == "warning")


def test_quoted_line_breaks_in_other_columns() -> None:
    text = ('customer,note,month,mrr\nA,"two\nlines",2025-01,10\nB,plain,2025-01,5\n'
            ',x,2025-01,1\n')
    ex = _read(text)
    assert sorted(ex.customers) == ["A", "B"]
    assert [i.row for i in ex.issues if i.severity == "error"] == [4]  # the 3rd record

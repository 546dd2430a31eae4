"""Your history: KPIs per period, best periods, changes, trailing figures, trend charts,
published retention benchmarks and the merge of export revenue numbers into the periods.

Every expected number is computed by hand in the test (or in its comment)."""

from __future__ import annotations

import json
import math

import pytest

from funnel_core.metrics.kpis import KPIS

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.domain.model import Context, Snapshot
from funnel_core.charts.trends import retention_with_benchmarks, trend_chart, value_axis_format
from funnel_core.benchmarks.bands import (
    RetentionBenchmark,
    band_for,
    benchmark_band,
    default_retention_benchmarks,
    retention_benchmarks,
)
from funnel_core.inputs.period_keys import PeriodKey, parse_period_label
from funnel_core.metrics.history import (
    HISTORY_COLUMNS,
    history_records,
    kpi_history,
    period_labels,
    snapshots_from_periods,
)
from funnel_core.metrics.kpi_trends import change_text, kpi_trend, kpi_trends
from funnel_core.metrics.revenue_inputs import (
    matching_period,
    merge_revenue_inputs,
    older_cohort_share,
)
from funnel_core.metrics.trailing import (
    trailing_churn,
    trailing_clv,
    trailing_conversion_rates,
    trailing_figures,
)
from funnel_core.page_state.trend_tables import (
    history_csv,
    history_display_frame,
    trend_display_frame,
)

# --- fixtures ----------------------------------------------------------------------------------

#: four months: churned customers and leads per month (100 customers at start, 1000 visitors)
CHURNED = (5, 3, 3, 6)        # churn 5 %, 3 %, 3 %, 6 %
LEADS = (50, 40, 60, 30)      # visitor -> lead 5 %, 4 %, 6 %, 3 %
MONTHS = ("2025-01", "2025-02", "2025-03", "2025-04")


def month_snapshots(labels=MONTHS, churned=CHURNED, leads=LEADS, period="month"):
    return [
        Snapshot({"customers_start": 100, "customers_churned": c, "new_customers": 10,
                  "mrr_start": 10000, "mrr_new": 1000, "visitors": 1000, "leads": lead},
                 Context(period=period), label=label)
        for label, c, lead in zip(labels, churned, leads)
    ]


def no_nan(obj) -> str:
    """JSON text of ``obj``; fails on NaN or infinity anywhere."""
    return json.dumps(obj, allow_nan=False)


# --- period labels ----------------------------------------------------------------------------

@pytest.mark.parametrize("label, expected", [
    ("2025-06", PeriodKey("month", 2025, 6)),
    ("Jun 2025", PeriodKey("month", 2025, 6)),
    ("June 2025", PeriodKey("month", 2025, 6)),
    ("2025/6", PeriodKey("month", 2025, 6)),
    ("06/2025", PeriodKey("month", 2025, 6)),
    ("2025-06-30", PeriodKey("month", 2025, 6)),
    ("30.06.2025", PeriodKey("month", 2025, 6)),
    ("Juni 2025", PeriodKey("month", 2025, 6)),
    ("2025-Q2", PeriodKey("quarter", 2025, 2)),
    ("Q2 2025", PeriodKey("quarter", 2025, 2)),
    ("2025Q2", PeriodKey("quarter", 2025, 2)),
    ("FY2025", PeriodKey("year", 2025, 1)),
    ("2025", PeriodKey("year", 2025, 1)),
    ("Current period", None),
    ("first", None),
    ("2025-13", None),
    ("", None),
    (None, None),
])
def test_parse_period_label(label, expected):
    assert parse_period_label(label) == expected


def test_period_key_shifts_across_years():
    assert PeriodKey("month", 2025, 1).shifted(-1) == PeriodKey("month", 2024, 12)
    assert PeriodKey("month", 2025, 6).shifted(-12) == PeriodKey("month", 2024, 6)
    assert PeriodKey("quarter", 2025, 1).shifted(-1) == PeriodKey("quarter", 2024, 4)
    assert PeriodKey("quarter", 2025, 2).shifted(-4) == PeriodKey("quarter", 2024, 2)
    assert str(PeriodKey("quarter", 2025, 2)) == "2025-Q2"
    assert str(PeriodKey("month", 2025, 6)) == "2025-06"


def test_period_labels_fill_missing_and_duplicate_labels():
    snaps = [Snapshot({}, label=None), Snapshot({}, label="2025-01"), Snapshot({}, label="2025-01")]
    assert period_labels(snaps) == ["Period 1", "2025-01", "2025-01 (3)"]


# --- per-period KPIs ----------------------------------------------------------------------------

def test_kpi_history_hand_computed_values():
    history = kpi_history(month_snapshots())
    assert tuple(history.columns) == HISTORY_COLUMNS
    assert len(history) == 4 * len(KPIS)
    churn = history[history["kpi"] == "customer_churn_rate"]
    assert churn["period"].tolist() == list(MONTHS)
    assert churn["value"].tolist() == pytest.approx([0.05, 0.03, 0.03, 0.06])
    assert set(churn["unit"]) == {"fraction"}
    assert set(churn["value_period"]) == {"month"}
    v2l = history[history["kpi"] == "visitor_to_lead_rate"]["value"].tolist()
    assert v2l == pytest.approx([0.05, 0.04, 0.06, 0.03])
    # ARPA of 2025-04: MRR at end 10,000 + 1,000 = 11,000 over 100 + 10 - 6 = 104 accounts
    arpa = history[(history["kpi"] == "arpa") & (history["period"] == "2025-04")]["value"].item()
    assert arpa == pytest.approx(11000 / 104)


def test_kpi_history_missing_value_is_none_with_reason_never_nan():
    history = kpi_history(month_snapshots())
    row = history[(history["kpi"] == "mql_to_sql_rate") & (history["period"] == "2025-01")]
    assert row["value"].item() is None
    assert "missing input" in row["reason"].item()
    assert history["value"].dtype == object
    assert not any(isinstance(v, float) and math.isnan(v) for v in history["value"])
    records = history_records(history)
    no_nan(records)
    assert records[0]["period"] == "2025-01"


def test_kpi_history_of_no_snapshots_is_empty():
    history = kpi_history([])
    assert history.empty
    assert tuple(history.columns) == HISTORY_COLUMNS


def test_snapshots_from_stored_periods_keep_order_and_context():
    periods = {"2025-01": {"visitors": 10.0, "leads": 1.0}, "2025-02": {"visitors": 20.0}}
    snaps = snapshots_from_periods(periods, {"period": "quarter", "currency": "EUR"})
    assert [s.label for s in snaps] == ["2025-01", "2025-02"]
    assert snaps[0].context.period == "quarter" and snaps[0].context.currency == "EUR"
    assert snaps[1].values == {"visitors": 20.0}


# --- best period ------------------------------------------------------------------------------

def test_best_period_lowest_churn_ties_go_to_latest():
    trend = kpi_trend(kpi_history(month_snapshots()), "customer_churn_rate")
    # 3 % in 2025-02 and 2025-03: the tie goes to the latest
    assert trend.best_period == "2025-03"
    assert trend.best_value == pytest.approx(0.03)
    assert trend.best_rule == "lowest"
    assert "lower is better" in trend.best_note()


def test_best_period_highest_conversion():
    trend = kpi_trend(kpi_history(month_snapshots()), "visitor_to_lead_rate")
    assert trend.best_period == "2025-03"
    assert trend.best_value == pytest.approx(0.06)
    assert trend.best_rule == "highest"


def test_best_period_of_a_size_figure_is_the_highest_and_ties_go_to_latest():
    trend = kpi_trend(kpi_history(month_snapshots()), "mrr_end")  # 11,000 every month
    assert trend.higher_is_better is None
    assert trend.best_period == "2025-04"
    assert "size figure" in trend.best_note()


def test_best_period_skips_periods_without_value():
    snaps = month_snapshots()
    snaps[2] = Snapshot({"visitors": 1000}, Context(), label="2025-03")  # no churn inputs
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")
    assert trend.values[2] is None
    assert trend.best_period == "2025-02"
    assert trend.computable_count == 3


def test_kpi_trends_lists_only_computable_kpis():
    trends = kpi_trends(kpi_history(month_snapshots()))
    assert "customer_churn_rate" in trends and "visitor_to_lead_rate" in trends
    assert "nps" not in trends
    assert "nps" in kpi_trends(kpi_history(month_snapshots()), computable_only=False)


# --- changes ----------------------------------------------------------------------------------

def test_change_against_previous_month_absolute_relative_and_direction():
    trend = kpi_trend(kpi_history(month_snapshots()), "customer_churn_rate")
    assert trend.previous[0] is None  # nothing before the first period
    feb = trend.change_vs_previous("2025-02")
    assert feb.against == "2025-01"
    assert feb.absolute == pytest.approx(-0.02)   # 3 % - 5 %
    assert feb.relative == pytest.approx(-0.4)    # -2 pp / 5 %
    assert feb.improved is True                   # lower churn is better
    apr = trend.change_vs_previous()              # default: the latest period
    assert apr.against == "2025-03"
    assert apr.absolute == pytest.approx(0.03)
    assert apr.relative == pytest.approx(1.0)
    assert apr.improved is False
    assert trend.change_vs_previous("2025-03").improved is None  # no change


def test_change_against_previous_is_none_across_a_gap():
    snaps = month_snapshots(labels=("2025-01", "2025-03", "2025-04", "2025-05"))
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")
    assert trend.change_vs_previous("2025-03") is None   # 2025-02 is not in the data
    assert trend.change_vs_previous("2025-04").against == "2025-03"


def test_change_against_zero_has_no_relative_change():
    snaps = month_snapshots(churned=(0, 2, 3, 3))
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")
    change = trend.change_vs_previous("2025-02")
    assert change.absolute == pytest.approx(0.02)
    assert change.relative is None


def test_year_ago_change_for_monthly_labels():
    labels = [f"{2024 + (5 + i) // 12}-{(5 + i) % 12 + 1:02d}" for i in range(13)]
    assert labels[0] == "2024-06" and labels[-1] == "2025-06"
    churned = tuple(range(1, 14))  # 1 % ... 13 %
    snaps = month_snapshots(labels=labels, churned=churned, leads=(50,) * 13)
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")
    june = trend.change_vs_year_ago("2025-06")
    assert june.against == "2024-06"
    assert june.absolute == pytest.approx(0.13 - 0.01)
    assert june.relative == pytest.approx(12.0)
    assert june.improved is False
    # 2025-05 would need 2024-05, which is not in the data
    assert trend.change_vs_year_ago("2025-05") is None
    assert trend.change_vs_previous("2025-01").against == "2024-12"


def test_previous_and_year_ago_for_quarterly_labels():
    labels = ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2")
    churned = (10, 8, 9, 7, 6, 12)
    snaps = month_snapshots(labels=labels, churned=churned, leads=(50,) * 6, period="quarter")
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")

    def monthly(quarterly: float) -> float:  # churn per quarter -> per month, compounded
        return 1 - (1 - quarterly) ** (1 / 3)

    assert trend.values[0] == pytest.approx(monthly(0.10))
    q1 = trend.change_vs_year_ago("2025-Q1")
    assert q1.against == "2024-Q1"
    assert q1.absolute == pytest.approx(monthly(0.06) - monthly(0.10))
    assert q1.improved is True
    assert trend.change_vs_year_ago("2025-Q2").against == "2024-Q2"
    assert trend.change_vs_year_ago("2024-Q4") is None
    assert trend.change_vs_previous("2025-Q1").against == "2024-Q4"


def test_quarterly_numbers_with_quarter_end_dates_step_back_three_months():
    labels = ("2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31")
    snaps = month_snapshots(labels=labels, churned=(10, 8, 9, 7, 6), leads=(50,) * 5,
                            period="quarter")
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")
    assert trend.change_vs_previous("2024-06-30").against == "2024-03-31"
    assert trend.change_vs_year_ago("2025-03-31").against == "2024-03-31"


def test_unreadable_labels_compare_with_the_preceding_row_and_have_no_year_ago():
    snaps = month_snapshots(labels=("first", "second", "third", "fourth"))
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")
    assert trend.change_vs_previous("second").against == "first"
    assert trend.change_vs_year_ago("fourth") is None


def test_trend_table_and_dict_are_nan_free():
    trend = kpi_trend(kpi_history(month_snapshots()), "customer_churn_rate")
    table = trend.table()
    assert table["period"].tolist() == list(MONTHS)
    assert table["change_vs_previous"].tolist()[0] is None
    assert table["change_vs_previous"].tolist()[1] == pytest.approx(-0.02)
    assert table["is_best"].tolist() == [False, False, True, False]
    text = no_nan(trend.to_dict())
    assert "NaN" not in text and "Infinity" not in text


def test_change_text_units():
    trend = kpi_trend(kpi_history(month_snapshots()), "customer_churn_rate")
    assert change_text(trend.change_vs_previous("2025-02"), "fraction") == "-2.0 pp (-40.0 %)"
    assert change_text(trend.change_vs_previous("2025-02"), "fraction",
                       verdict=True) == "-2.0 pp (-40.0 %), better"
    assert change_text(None, "fraction") == "n/a"


def test_display_frames():
    history = kpi_history(month_snapshots())
    trend = kpi_trend(history, "customer_churn_rate")
    frame = trend_display_frame(trend)
    assert frame["Value"].tolist() == ["5.0 %", "3.0 %", "3.0 %", "6.0 %"]
    assert frame["Change vs previous period"].tolist()[1] == "-2.0 pp (-40.0 %), better"
    assert frame["Best"].tolist() == ["", "", "★ best", ""]
    wide = history_display_frame(history)
    row = wide[wide["KPI"] == "Customer churn (monthly)"].iloc[0]
    assert row["2025-04"] == "6.0 %" and row["Best period"] == "2025-03"
    csv_text = history_csv(history).decode()
    assert csv_text.splitlines()[0] == ",".join(HISTORY_COLUMNS)
    assert "nan" not in csv_text.lower()


# --- trailing figures ---------------------------------------------------------------------------

def test_trailing_clv_with_fewer_than_six_months():
    clv = trailing_clv(month_snapshots())
    # ARPA of 2025-04 = 11,000 / 104; mean monthly churn = (5 + 3 + 3 + 6) % / 4 = 4.25 %
    assert clv.value == pytest.approx((11000 / 104) / 0.0425)
    assert clv.periods_used == MONTHS
    assert clv.periods_wanted == 6
    assert not clv.complete
    assert "trailing 6-month" in clv.label
    assert "only 4 of 6 months" in clv.note
    no_nan(clv.to_dict())


def test_trailing_clv_uses_only_the_last_six_months():
    labels = tuple(f"2025-{m:02d}" for m in range(1, 9))
    churned = (20, 20, 1, 2, 3, 4, 5, 6)
    snaps = month_snapshots(labels=labels, churned=churned, leads=(50,) * 8)
    clv = trailing_clv(snaps)
    assert clv.periods_used == labels[2:]
    assert clv.complete
    arpa = 11000 / (100 + 10 - 6)
    assert clv.value == pytest.approx(arpa / (sum(churned[2:]) / 6 / 100))
    # ending at an earlier month
    earlier = trailing_clv(snaps, "2025-03")
    assert earlier.periods_used == labels[:3]
    assert earlier.value == pytest.approx((11000 / 109) / ((20 + 20 + 1) / 3 / 100))


def test_trailing_clv_on_quarters_uses_two_quarters():
    labels = ("2024-Q3", "2024-Q4", "2025-Q1")
    snaps = month_snapshots(labels=labels, churned=(30, 9, 6), leads=(50,) * 3, period="quarter")
    clv = trailing_clv(snaps)
    assert clv.periods_wanted == 2
    assert clv.periods_used == ("2024-Q4", "2025-Q1")
    assert "2 quarters" in clv.label


def test_trailing_clv_not_computable_without_churn():
    snaps = month_snapshots(churned=(0, 0, 0, 0))
    clv = trailing_clv(snaps)
    assert clv.value is None
    assert "unbounded" in clv.reason


def test_trailing_churn_mean():
    churn = trailing_churn(month_snapshots())
    assert churn.value == pytest.approx(0.0425)


def test_trailing_conversion_rates_pooled_over_three_months():
    rates = {f.kpi: f for f in trailing_conversion_rates(month_snapshots())}
    v2l = rates["visitor_to_lead_rate"]
    # (40 + 60 + 30) leads / 3,000 visitors
    assert v2l.value == pytest.approx(130 / 3000)
    assert v2l.periods_used == ("2025-02", "2025-03", "2025-04")
    assert "trailing 3-month" in v2l.label
    assert "mql_to_sql_rate" not in rates  # no inputs in the window
    one = {f.kpi: f for f in trailing_conversion_rates(month_snapshots()[:1])}
    assert "only 1 of 3 months" in one["visitor_to_lead_rate"].note


def test_trailing_figures_are_json_safe():
    figures = trailing_figures(month_snapshots())
    assert figures[0].kpi == "clv"
    no_nan([f.to_dict() for f in figures])
    assert trailing_figures([]) == []


# --- benchmark band and chart --------------------------------------------------------------

def test_annual_churn_benchmark_is_converted_to_monthly_by_compounding():
    catalogue = {b.id: b for b in load_catalogue()}
    annual = catalogue["pacific_crest_unit_churn_annual"]  # 10 % a year
    band = band_for(annual, "customer_churn_rate", "month")
    assert band.median == pytest.approx(1 - 0.9 ** (1 / 12))
    assert band.period == "month"
    assert "compounding" in band.conversion_note
    monthly = catalogue["saastr_bvp_churn_vsb_2017"]  # 3-5 % a month
    same = band_for(monthly, "customer_churn_rate", "month")
    assert (same.low, same.high) == (0.03, 0.05) and same.conversion_note is None


def test_benchmark_band_uses_the_primary_benchmark_in_the_kpi_period():
    band = benchmark_band(month_snapshots(), "customer_churn_rate")
    assert band is not None
    assert band.period == "month"
    assert band.benchmark.kpi == "customer_churn_rate"
    assert benchmark_band(month_snapshots(), "mrr_end") is None  # no benchmark for MRR


def test_trend_chart_validates_and_has_no_nan():
    snaps = month_snapshots()
    snaps[1] = Snapshot({"visitors": 1000}, Context(), label="2025-02")  # a gap in the line
    history = kpi_history(snaps)
    trend = kpi_trend(history, "customer_churn_rate")
    band = benchmark_band(snaps, "customer_churn_rate")
    chart = trend_chart(trend, band, selected_period="2025-03")
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    text = no_nan(spec)
    assert "NaN" not in text
    assert "Best: 3.0 %" in text
    subtitle = " ".join(spec["title"]["subtitle"])
    assert band.benchmark.source.split(" (")[0] in subtitle   # the source is named
    assert '"format": ".0%"' in text or '"format": ".1%"' in text   # a % axis
    values = [d for ds in spec.get("datasets", {}).values() for d in ds]
    assert all(d.get("period") != "2025-02" for d in values if "value_text" in d)


@pytest.mark.parametrize("kpi_id", ["mrr_end", "visitor_to_lead_rate", "net_revenue_retention",
                                    "arpa", "clv"])
def test_trend_chart_other_kpis(kpi_id):
    snaps = month_snapshots()
    trend = kpi_trend(kpi_history(snaps), kpi_id)
    chart = trend_chart(trend, benchmark_band(snaps, kpi_id), currency="EUR")
    no_nan(chart.to_dict())


def test_trend_chart_single_period_and_no_benchmark():
    snaps = month_snapshots()[:1]
    trend = kpi_trend(kpi_history(snaps), "customer_churn_rate")
    text = no_nan(trend_chart(trend, None).to_dict())
    assert "No comparable published benchmark" in text


def test_value_axis_format():
    assert value_axis_format("fraction", [0.03, 0.06]) == ".0%"
    assert value_axis_format("fraction", [0.01, 0.03]) == ".1%"
    assert value_axis_format("fraction", [0.988, 0.991], zero=False) == ".2%"
    assert value_axis_format("fraction", [0.98, 1.0], zero=False) == ".1%"
    assert value_axis_format("currency", [100.0], "USD") == "$,.0f"
    assert value_axis_format("currency", [100.0], "EUR") == ",.0f"


# --- cohorts: retention benchmarks, older cohorts, revenue numbers --------------------------

def test_retention_benchmarks_come_from_the_catalogue_only():
    catalogue = load_catalogue()
    churn_ids = {b.id for b in catalogue if b.kpi == "customer_churn_rate"}
    benchmarks = retention_benchmarks({}, catalogue, unmapped=())
    assert benchmarks and all(b.kind == "curve" and b.id in churn_ids for b in benchmarks)
    recurly = next(b for b in benchmarks if b.id == "recurly_churn_b2b_491")
    curve = recurly.curve(12)
    assert curve[0]["value"] == 1.0
    assert curve[12]["value"] == pytest.approx((1 - 0.0491) ** 12)
    vsb = next(b for b in benchmarks if b.id == "saastr_bvp_churn_vsb_2017")
    row = vsb.curve(6)[6]
    assert (row["lower"], row["upper"]) == (pytest.approx(0.95 ** 6), pytest.approx(0.97 ** 6))
    annual = next(b for b in benchmarks if b.id == "pacific_crest_unit_churn_annual")
    assert annual.churn_high == pytest.approx(1 - 0.9 ** (1 / 12))
    no_nan([b.to_dict() for b in benchmarks])


def test_retention_benchmarks_follow_the_segment():
    smb = retention_benchmarks({"acv_band": "smb"}, unmapped=())
    assert smb[0].id == "saastr_bvp_churn_smb_2017"       # the segment's own figure first
    assert all(b.id != "saastr_bvp_churn_enterprise_2017" for b in smb)
    broad = retention_benchmarks({}, unmapped=())
    assert broad[0].id.startswith("recurly")              # broad figures first when not said


def test_user_retention_points_only_when_quoted_in_the_catalogue():
    from funnel_core.benchmarks.catalogue import UNMAPPED_FIGURES

    points = [b for b in retention_benchmarks({}) if b.kind == "point"]
    quoted = any("Month-1 user retention: 46.9 %" in text for text in UNMAPPED_FIGURES)
    month1 = [b for b in points if b.month == 1]
    if quoted:
        assert month1 and month1[0].value == pytest.approx(0.469)
        assert "users" in month1[0].basis and month1[0].as_point()["source"]
        assert "users, not paying customers" in month1[0].label
        assert all("users, not paying customers" in b.label for b in points)
    else:
        assert not month1
    assert [b for b in retention_benchmarks({}, unmapped=()) if b.kind == "point"] == []
    defaults = default_retention_benchmarks(retention_benchmarks({}))
    assert len(defaults) >= 1


def test_merge_revenue_inputs_keeps_funnel_numbers():
    periods = {"2025-05": {"visitors": 1000.0, "mrr_start": 1.0},
               "Jun 2025": {"visitors": 2000.0, "leads": 80.0, "mrr_new": 5.0}}
    inputs = {"month": "2025-06", "customers_start": 190, "customers_churned": 8,
              "new_customers": 22, "mrr_start": 18270.0, "mrr_new": 2578.0,
              "mrr_expansion": 100.0, "mrr_contraction": 0.0, "mrr_churned": 882.0,
              "mrr_end": 20066.0, "reactivated_customers": 0}
    assert matching_period(periods, "2025-06") == "Jun 2025"
    merged, target = merge_revenue_inputs(periods, inputs)
    assert target == "Jun 2025"
    assert merged["Jun 2025"]["visitors"] == 2000.0 and merged["Jun 2025"]["leads"] == 80.0
    assert merged["Jun 2025"]["mrr_new"] == 2578.0
    assert merged["Jun 2025"]["customers_start"] == 190.0
    assert "mrr_end" not in merged["Jun 2025"] and "reactivated_customers" not in merged["Jun 2025"]
    assert merged["Jun 2025"]["customers_reactivated"] == 0
    assert merged["2025-05"] == periods["2025-05"]
    assert periods["Jun 2025"]["mrr_new"] == 5.0  # the input is not modified


def test_merge_revenue_inputs_new_period_in_date_order():
    periods = {"2025-05": {"visitors": 1.0}, "2025-07": {"visitors": 2.0}}
    merged, target = merge_revenue_inputs(periods, {"month": "2025-06", "mrr_start": 10.0})
    assert target == "2025-06"
    assert list(merged) == ["2025-05", "2025-06", "2025-07"]
    merged, target = merge_revenue_inputs({"Current period": {"visitors": 1.0}},
                                          {"month": "2025-06", "mrr_start": 10.0},
                                          target="Current period")
    assert merged == {"Current period": {"visitors": 1.0, "mrr_start": 10.0}}


def _small_export():
    """Three customers: A pays Jan-Mar (20, 20, 30), B pays Jan only (10), C starts in Mar (40)."""
    from funnel_core.inputs.billing_read import read_export

    data = (b"customer_id,month,mrr\nA,2025-01,20\nA,2025-02,20\nA,2025-03,30\n"
            b"B,2025-01,10\nC,2025-03,40\n")
    return read_export(data, "small.csv", as_of="2025-12-31")


def test_older_cohort_share_and_retention_chart():
    from funnel_core.metrics.cohorts import compute_cohorts

    result = compute_cohorts(_small_export())
    share = older_cohort_share(result)
    # March MRR: A (Jan cohort) 30 + C (Mar cohort) 40; 3 months of data -> cohorts before March
    assert share.min_age == 1
    assert share.share == pytest.approx(30 / 70)
    assert older_cohort_share(result, min_age=2).share == pytest.approx(30 / 70)
    assert older_cohort_share(result, min_age=3).share == pytest.approx(0.0)
    assert "2025-03" in share.describe()
    chosen = [b for b in retention_benchmarks({}) if b.id in
              ("recurly_churn_b2b_491", "saastr_bvp_churn_vsb_2017")]
    chosen += [b for b in retention_benchmarks({}) if b.kind == "point"][:1]
    for metric in ("logo", "revenue"):
        chart = retention_with_benchmarks(result, chosen, metric=metric)
        text = no_nan(chart.to_dict())
        if metric == "logo":
            assert "Recurly Research" in text and "(1 - churn)^k" in text


def test_trend_modules_do_not_load_streamlit():
    import subprocess
    import sys

    code = ("import sys, funnel_core.inputs.period_keys, funnel_core.metrics.history,"
            " funnel_core.metrics.kpi_trends, funnel_core.metrics.trailing,"
            " funnel_core.metrics.revenue_inputs, funnel_core.benchmarks.bands,"
            " funnel_core.page_state.trend_tables, funnel_core.charts.trends;"
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_merged_revenue_inputs_reproduce_the_exports_end_mrr_with_a_reactivation():
    from funnel_core.inputs.billing_read import read_export
    from funnel_core.metrics.cohorts import revenue_inputs_for_month
    from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi
    from funnel_core.domain.model import Snapshot
    from funnel_core.metrics.revenue_inputs import merge_revenue_inputs

    csv_text = "customer_id,month,mrr\n" + "\n".join([
        "a,2025-01,100", "a,2025-02,100", "a,2025-03,150",  # upgrade in March
        "b,2025-01,50",                                        # churns in February
        "b,2025-03,60",                                        # comes back in March
        "c,2025-02,80", "c,2025-03,40",                        # downgrade in March
        "d,2025-03,30",                                        # new in March
    ])
    export = read_export(csv_text.encode(), "e.csv")
    inputs = revenue_inputs_for_month(export, "2025-03")
    assert inputs["reactivated_customers"] == 1 and inputs["mrr_reactivation"] == 60
    periods, label = merge_revenue_inputs({}, inputs)
    snapshot = Snapshot(periods[label])
    # reactivations are their own inputs: not new customers (CAC), but part of MRR at end
    assert snapshot.get("new_customers") == 1 and snapshot.get("mrr_new") == 30
    assert snapshot.get("customers_reactivated") == 1 and snapshot.get("mrr_reactivation") == 60
    mrr_end = compute_kpi(KPIS_BY_ID["mrr_end"], snapshot).value
    assert mrr_end == pytest.approx(150 + 60 + 40 + 30)


def test_one_month_figures_are_markers_and_churn_figures_are_curves():
    from funnel_core.metrics.cohorts import compute_cohorts

    result = compute_cohorts(_small_export())
    months = int(result.logo_retention.shape[1]) - 1
    curve = next(b for b in retention_benchmarks({}) if b.id == "recurly_churn_b2b_491")
    point = RetentionBenchmark(
        id="unmapped:test", kind="point", label="Month-1 user retention, average: 46.9 % "
        "(users, not paying customers)", source="Userpilot", status=None,
        basis="users, not paying customers", note="", month=1, value=0.469)
    spec = retention_with_benchmarks(result, [curve, point]).to_dict()
    datasets = spec.get("datasets", {})

    def rows(layer):
        data = layer.get("data") or {}
        return data.get("values") or datasets.get(data.get("name"), [])

    layers = spec["layer"]
    assert not [layer for layer in layers if layer["mark"]["type"] == "rule"]
    markers = [layer for layer in layers if layer["mark"]["type"] == "point"]
    assert [(r["months_since_start"], r["value"]) for r in rows(markers[0])] == [(1, 0.469)]
    assert all("users, not paying customers" in r["text"] and "Userpilot" in r["text"]
               for layer in layers if layer["mark"]["type"] == "text" for r in rows(layer))
    churn = [layer for layer in layers if layer["mark"]["type"] == "line"
             and any(r.get("label") == curve.label for r in rows(layer))]
    assert len(churn) == 1
    values = [r["value"] for r in rows(churn[0])]
    assert len(values) == months + 1
    assert values == pytest.approx([(1 - 0.0491) ** k for k in range(months + 1)])
    # revenue retention: no benchmark at all (they describe customers or users, not MRR)
    revenue = retention_with_benchmarks(result, [curve, point], metric="revenue").to_dict()
    assert not [layer for layer in revenue["layer"] if layer["mark"]["type"] == "point"]

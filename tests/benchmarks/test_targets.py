"""Targets: the input value that brings each worse KPI to its main benchmark, worked by hand.

Each test uses a small catalogue of its own so the main benchmark is known.
"""

from __future__ import annotations

import json

import pytest

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import compare
from funnel_core.benchmarks.targets import central_figure, find_targets
from funnel_core.domain.model import Context, Snapshot
from funnel_core.metrics import levers


def row(kpi: str, *, median=None, low=None, high=None, statistic="median", unit="fraction",
        period="none", id=None) -> Benchmark:
    return Benchmark(
        id=id or f"{kpi}_{statistic}", kpi=kpi, label="test", statistic=statistic, low=low,
        median=median, high=high, unit=unit, period=period, basis="test", segment="all companies",
        acv_band=("any",), trial_type=("any",), motion=("any",), product_category=("any",),
        source="Test survey", year=2024, sample="", url="", status="V", note="")


def targets_of(values: dict, catalogue: list[Benchmark], period: str = "month"):
    return {t.kpi: t for t in find_targets(compare(Snapshot(values, Context(period=period)), catalogue))}


# Retention company: 200 customers at start, 11 churned (5.5 % a month); MRR 20,000 at start,
# churned 1,100 (100 per churned customer), contraction 200, no new business.
RETENTION = {"customers_start": 200, "customers_churned": 11, "new_customers": 0, "mrr_start": 20000,
             "mrr_new": 0, "mrr_expansion": 0, "mrr_contraction": 200, "mrr_churned": 1100}


def test_churned_customers_at_most_6_a_month_instead_of_11():
    t = targets_of(RETENTION, [row("customer_churn_rate", median=0.03, period="month")])[
        "customer_churn_rate"]
    assert (t.field, t.current, t.required, t.direction) == ("customers_churned", 11, pytest.approx(6), "at most")
    assert t.reachable and t.kpi_after == pytest.approx(0.03) and t.verdict_after == "in_line"
    assert t.reference == 0.03 and t.reference_name == "median" and t.benchmark_id == "customer_churn_rate_median"
    assert "Churned customers at most 6 a month instead of 11" in t.text
    # churned MRR moves with it at 100 per churned customer: 1,100 -> 600
    assert t.scenario_values() == pytest.approx({"customers_churned": 6, "mrr_churned": 600})
    # worth: both start from today's MRR at end, 20,000 - 200 - 1,100 = 18,700; then
    # x (1 - 800 / 20,000) a month against x (1 - 1,300 / 20,000)
    assert t.worth_mrr_12m == pytest.approx(18700 * 0.96 ** 12 - 18700 * 0.935 ** 12)
    # customers: from 189, x 0.97 a month against x 0.945
    assert t.worth_customers_12m == pytest.approx(189 * 0.97 ** 12 - 189 * 0.945 ** 12)


def test_an_annual_benchmark_is_compounded_to_a_monthly_target():
    # 10 % a year is 1 - 0.9^(1/12) = 0.874 % a month, so at most 200 x 0.874 % = 1.75 churned
    t = targets_of(RETENTION, [row("customer_churn_rate", median=0.10, period="year")])[
        "customer_churn_rate"]
    monthly = 1 - 0.9 ** (1 / 12)
    assert t.kpi_target == pytest.approx(monthly) and t.kpi_period == "month"
    assert t.required == pytest.approx(200 * monthly)
    assert "converted by compounding" in t.text


def test_a_quarterly_snapshot_counts_churn_per_quarter():
    # monthly median 3 %: per quarter 1 - 0.97^3 = 8.7327 %, of 200 customers = 17.47 churned
    values = {**RETENTION, "customers_churned": 30, "mrr_churned": 3000}
    t = targets_of(values, [row("customer_churn_rate", median=0.03, period="month")], "quarter")[
        "customer_churn_rate"]
    assert t.required == pytest.approx(200 * (1 - 0.97 ** 3))
    assert "a quarter instead of 30" in t.text


def test_sm_spend_at_most_40000_for_the_same_new_customers():
    # CAC 66,000 / 40 = 1,650 against a 1,000 median: spend 1,000 x 40 = 40,000
    values = {"sales_marketing_spend": 66000, "new_customers": 40, "mrr_start": 50000, "mrr_new": 4000}
    t = targets_of(values, [row("cac", median=1000, unit="currency")])["cac"]
    assert (t.field, t.required, t.direction) == ("sales_marketing_spend", pytest.approx(40000), "at most")
    assert "Sales & marketing spend at most $40,000 a month instead of $66,000" in t.text
    assert t.worth_mrr_12m == pytest.approx(0) and "does not change MRR" in t.worth_note


def test_grr_not_reachable_by_churned_mrr_alone():
    # GRR (20,000 - 1,100 - 900) / 20,000 = 90 % against a 97 % median: 3 % of 20,000 = 600 may be
    # lost, but contraction alone is 900
    values = {**RETENTION, "mrr_contraction": 900}
    t = targets_of(values, [row("gross_revenue_retention", median=0.97, period="month")])[
        "gross_revenue_retention"]
    assert not t.reachable and t.required is None and t.field == "mrr_churned"
    assert "not reachable by churned MRR alone" in t.text
    assert "contraction MRR alone ($900 a month) is more than the $600" in t.reason
    assert t.scenario_values() == {}


def test_grr_above_100_percent_is_not_reachable_and_said_in_words():
    t = targets_of(RETENTION, [row("gross_revenue_retention", median=1.02, period="month")])[
        "gross_revenue_retention"]
    assert not t.reachable
    assert "not reachable by churned MRR alone: gross revenue retention cannot exceed 100 %" in t.text


def test_grr_reachable_with_an_annual_median():
    # 90 % a year is 0.9^(1/12) a month; churned MRR = 20,000 x (1 - 0.9^(1/12)) - 200 = -25 ...
    # below zero: even no churned MRR keeps only 99.0 % a month, so it is not reachable; with
    # contraction 0 it is: 20,000 x (1 - 0.9^(1/12)) = 174.87 churned MRR
    t = targets_of({**RETENTION, "mrr_contraction": 0},
                   [row("gross_revenue_retention", median=0.90, period="year")])["gross_revenue_retention"]
    assert t.required == pytest.approx(20000 * (1 - 0.9 ** (1 / 12)))
    assert t.changes[1].field == "customers_churned"          # 100 MRR per churned customer
    assert t.changes[1].after == pytest.approx(t.required / 100)


def test_funnel_target_carries_new_customers_and_is_worth_their_mrr():
    # visitor to lead 2 % against 3 %: leads 300; at the same rates new customers 10 -> 15 and
    # new MRR 1,000 -> 1,500. Worth: from the same month 0, 500 more MRR every month,
    # 12 x 500 = 6,000 in month 12 (no existing-MRR movement, so MRR grows only by new MRR)
    values = {"visitors": 10000, "leads": 200, "new_customers": 10, "mrr_start": 10000, "mrr_new": 1000}
    t = targets_of(values, [row("visitor_to_lead_rate", median=0.03)])["visitor_to_lead_rate"]
    assert t.required == pytest.approx(300)
    assert t.scenario_values() == pytest.approx({"leads": 300, "new_customers": 15, "mrr_new": 1500})
    assert t.worth_mrr_12m == pytest.approx(6000)
    assert "Moving with it at your own rates: new customers 15 (was 10); new MRR $1,500" in t.text


@pytest.mark.parametrize("benchmark, higher, expected", [
    (row("k", median=0.05), True, (0.05, "median")),
    (row("k", median=0.05, statistic="average"), True, (0.05, "average")),
    (row("k", low=0.04, high=0.08, statistic="range"), True, (pytest.approx(0.06), "middle of the range")),
    (row("k", low=0.04, high=0.08, statistic="quartiles"), True, (pytest.approx(0.06), "middle of P25-P75")),
    (row("k", low=0.9, high=1.1, statistic="good_great"), True, (0.9, "good level")),
    (row("k", low=0.03, high=0.05, statistic="good_great"), False, (0.05, "good level")),
    (row("k", low=3.0, statistic="threshold", unit="ratio"), True, (3.0, "threshold")),
    (row("k", high=0.03, statistic="target"), False, (0.03, "target")),
    (row("k", high=36, statistic="concern", unit="months"), False, (36, "concern level")),
    (row("k", statistic="median"), True, None),
])
def test_central_figure(benchmark, higher, expected):
    assert central_figure(benchmark, higher) == expected


def test_only_worse_kpis_get_a_target_and_reachable_ones_come_first():
    catalogue = [row("customer_churn_rate", median=0.03, period="month"),       # 5.5 %: worse
                 row("gross_revenue_retention", median=1.02, period="month"),   # worse, unreachable
                 row("net_revenue_retention", median=0.90, period="month")]     # 93.5 %: better
    found = find_targets(compare(Snapshot(RETENTION), catalogue))
    assert [t.kpi for t in found] == ["customer_churn_rate", "gross_revenue_retention"]
    assert [t.reachable for t in found] == [True, False]
    data = json.loads(json.dumps([t.to_dict() for t in found], allow_nan=False))
    for key in ("kpi", "field", "current", "required", "benchmark_id", "reference", "worth_mrr_12m"):
        assert all(key in d for d in data)


def test_no_lever_is_said_in_words(monkeypatch):
    monkeypatch.delitem(levers.LEVERS, "customer_churn_rate")
    t = targets_of(RETENTION, [row("customer_churn_rate", median=0.03, period="month")])[
        "customer_churn_rate"]
    assert not t.reachable and t.field is None
    assert "not reachable by one input: no single input moves customer churn (monthly) directly" in t.text


def test_without_mrr_the_worth_is_not_estimated_and_says_why():
    values = {"customers_start": 200, "customers_churned": 11}
    t = targets_of(values, [row("customer_churn_rate", median=0.03, period="month")])["customer_churn_rate"]
    assert t.reachable and t.worth_mrr_12m is None
    assert "MRR not projected" in t.worth_note and "mrr_start" in t.worth_note

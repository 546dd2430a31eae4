"""A scenario beside the baseline: KPIs, verdicts, percentiles, MRR and customers (by hand)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.scenario_compare import compare_scenario
from funnel_core.domain.model import Snapshot
from funnel_core.exports.scenario_csv import SCENARIO_COLUMNS, scenario_csv
from funnel_core.metrics.scenario import Scenario, ScenarioError, parse_changes


def row(kpi: str, *, median=None, low=None, high=None, statistic="median", period="none") -> Benchmark:
    return Benchmark(
        id=f"{kpi}_{statistic}", kpi=kpi, label="test", statistic=statistic, low=low, median=median,
        high=high, unit="fraction", period=period, basis="test", segment="all", acv_band=("any",),
        trial_type=("any",), motion=("any",), product_category=("any",), source="Test survey",
        year=2024, sample="", url="", status="V", note="")


CATALOGUE = [row("customer_churn_rate", median=0.03, period="month"),
             row("visitor_to_lead_rate", low=0.02, median=0.04, high=0.06, statistic="quartiles")]
# 200 customers, 11 churned (5.5 %); visitors 10,000 and leads 300 (3 %: between P25 2 % and
# the median 4 %, so the 37.5th percentile); MRR 20,000, new 1,000, churned 1,100
BASE = Snapshot({"customers_start": 200, "customers_churned": 11, "new_customers": 10,
                 "visitors": 10000, "leads": 300, "mrr_start": 20000, "mrr_new": 1000,
                 "mrr_churned": 1100})


def compared(*changes: str, name: str = "Better"):
    return compare_scenario(BASE, Scenario(name, parse_changes(changes)), CATALOGUE, months=3)


def test_every_kpi_side_by_side_with_verdict_and_percentile():
    result = compared("customers_churned=6", "leads=500")
    rows = {r.kpi: r for r in result.rows}
    assert len(result.rows) == len(result.baseline.kpis)
    churn = rows["customer_churn_rate"]
    assert (churn.before, churn.after) == (pytest.approx(0.055), pytest.approx(0.03))
    assert (churn.verdict_before, churn.verdict_after) == ("worse", "in_line")
    lead = rows["visitor_to_lead_rate"]                       # 3 % -> 5 %
    assert (lead.verdict_before, lead.verdict_after) == ("in_line", "in_line")
    # straight line between P25 2 % and P50 4 % for 3 %: 37.5; between 4 % and 6 % for 5 %: 62.5
    assert lead.percentile_before == pytest.approx(37.5, abs=0.5)
    assert lead.percentile_after == pytest.approx(62.5, abs=0.5)
    assert rows["nps"].changed is False and churn.changed and lead.changed
    assert [(c.field, c.before, c.after) for c in result.changes] == [
        ("leads", 300, 500), ("customers_churned", 11, 6)]


def test_difference_in_mrr_and_customers_for_the_period_and_each_month():
    result = compared("customers_churned=6", "mrr_churned=600")
    period = result.period_difference()
    # MRR at end 20,000 + 1,000 - 1,100 = 19,900 vs 20,000 + 1,000 - 600 = 20,400
    assert period["mrr_end"] == {"baseline": 19900, "scenario": 20400, "difference": 500}
    # customers at end 200 + 10 - 11 = 199 vs 200 + 10 - 6 = 204
    assert period["customers_end"] == {"baseline": 199, "scenario": 204, "difference": 5}
    months = result.month_differences()
    assert [m["month"] for m in months] == [0, 1, 2, 3]
    assert months[0]["mrr_difference"] == 0                   # both start from today's 19,900
    # month 1: 19,900 x (1 - 1,100 / 20,000) + 1,000 = 19,805.5 vs 19,900 x 0.97 + 1,000 = 20,303
    assert months[1]["mrr_baseline"] == pytest.approx(19805.5)
    assert months[1]["mrr_scenario"] == pytest.approx(20303)
    assert months[1]["mrr_difference"] == pytest.approx(497.5)
    # customers: 199 x 0.945 + 10 = 198.055 vs 199 x 0.97 + 10 = 203.03
    assert months[1]["customers_difference"] == pytest.approx(203.03 - 198.055)


def test_json_has_both_sides_with_kpi_lists_and_never_nan():
    data = json.loads(json.dumps(compared("leads=+10%").to_dict(), allow_nan=False))
    for side in ("baseline", "scenario"):
        assert {k["id"] for k in data[side]["kpis"]} >= {"customer_churn_rate", "visitor_to_lead_rate"}
        assert "verdict" in data[side]["kpis"][0] and "projection" in data[side]
    assert data["scenario"]["snapshot"]["values"]["leads"] == pytest.approx(330)
    assert data["difference"]["months"][0]["month"] == 0
    assert data["name"] == "Better" and data["changes"][0]["field"] == "leads"


def test_a_scenario_that_cannot_be_projected_still_compares():
    result = compare_scenario(Snapshot({"visitors": 100, "leads": 5}),
                              Scenario("x", parse_changes(["leads=7"])), CATALOGUE)
    assert result.baseline_projection is None and result.month_differences() == []
    assert "No projection for your numbers" in result.projection_note
    assert {r.kpi: r.after for r in result.rows}["visitor_to_lead_rate"] == pytest.approx(0.07)


def test_a_bad_change_is_refused_with_its_field():
    with pytest.raises(ScenarioError, match="signups"):
        compare_scenario(BASE, Scenario("x", parse_changes(["signups=+5%"])), CATALOGUE)


def test_scenario_csv_has_inputs_kpis_period_and_projection():
    data = scenario_csv(compared("customers_churned=6", name="=cmd|' /C calc'!A0"))
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == SCENARIO_COLUMNS
    assert {r["section"] for r in rows} == {"input", "kpi", "period", "projection"}
    assert rows[0]["scenario"].startswith("'=")               # no formula in a spreadsheet
    churned = next(r for r in rows if r["item"] == "customers_churned")
    assert (churned["baseline"], churned["scenario_value"], churned["difference"]) == ("11.0", "6.0", "-5.0")
    churn = next(r for r in rows if r["item"] == "customer_churn_rate")
    assert churn["verdict_baseline"] == "worse" and churn["verdict_scenario"] == "in_line"
    assert any(r["item"] == "mrr_month_3" for r in rows)
    assert "nan" not in data.decode("utf-8").lower()

"""Impossible input stops at its source: every KPI that reads a contradicted input is refused.

Cases from the verdicts review (hand-checked): 250 churned out of 200 customers; churned MRR
150,000 out of 100,000; NRR computed while GRR was refused on the same input. And invariants
over the whole KPI registry: no KPI value is negative unless it can be (NPS).
"""

from __future__ import annotations

import random

import pytest

from funnel_core.domain.constants import FIELDS
from funnel_core.domain.model import Snapshot
from funnel_core.metrics.consistency import SUBSET_PAIRS, contradictions
from funnel_core.metrics.kpis import KPIS, KPIS_BY_ID, NON_NEGATIVE_KPIS, compute_kpi, compute_kpis

BASE = {
    "visitors": 20000, "leads": 1400, "mqls": 560, "sqls": 140, "opportunities": 70,
    "new_customers": 20, "customers_start": 200, "customers_churned": 10, "mrr_start": 100000,
    "mrr_new": 8000, "mrr_expansion": 3000, "mrr_contraction": 1000, "mrr_churned": 4000,
    "sales_marketing_spend": 60000,
}


def _results(values: dict) -> dict:
    return {r.id: r for r in compute_kpis(Snapshot(values))}


def test_more_churned_than_customers_stops_every_kpi_that_reads_them() -> None:
    results = _results({**BASE, "customers_churned": 250})
    for kpi in ("customer_churn_rate", "customer_churn_rate_annual", "arpa", "clv", "clv_to_cac",
                "cac_payback_months"):
        r = results[kpi]
        assert r.value is None, kpi
        assert "Churned customers (250)" in r.reason and "Customers at start (200)" in r.reason, kpi
    # KPIs that do not read the customer counts still stand
    assert results["cac"].value == pytest.approx(60000 / 20)
    assert results["mrr_end"].value == pytest.approx(106000)


def test_more_mrr_lost_than_there_was_stops_mrr_kpis() -> None:
    results = _results({**BASE, "mrr_churned": 150000})
    for kpi in ("mrr_end", "arr", "arpa", "clv", "clv_to_cac", "cac_payback_months",
                "gross_revenue_retention", "net_revenue_retention", "gross_mrr_churn_rate",
                "quick_ratio"):
        r = results[kpi]
        assert r.value is None, kpi
        assert "151,000" in r.reason and "100,000" in r.reason, (kpi, r.reason)
    assert results["cac"].value is not None and results["cac_ratio"].value is not None


def test_nrr_is_refused_whenever_grr_is() -> None:
    # expansion would lift NRR above zero although GRR is impossible
    values = {**BASE, "mrr_churned": 95000, "mrr_contraction": 10000, "mrr_expansion": 50000}
    results = _results(values)
    assert results["gross_revenue_retention"].value is None
    assert results["net_revenue_retention"].value is None


@pytest.mark.parametrize(("part", "whole"), SUBSET_PAIRS)
def test_every_subset_above_its_whole_is_a_contradiction(part: str, whole: str) -> None:
    found = contradictions(Snapshot({part: 11, whole: 10}))
    assert len(found) == 1 and set(found[0].fields) == {part, whole}
    assert contradictions(Snapshot({part: 10, whole: 10})) == []


@pytest.mark.parametrize("kpi", [k.id for k in KPIS if k.stage in ("acquisition", "product_led")])
def test_a_conversion_rate_is_never_above_one(kpi: str) -> None:
    numerator, denominator = KPIS_BY_ID[kpi].inputs
    result = compute_kpi(KPIS_BY_ID[kpi], Snapshot({numerator: 12, denominator: 10}))
    reason = result.reason or ""
    assert result.value is None and "more than" in reason  # refused by the rate or as a contradiction


def test_reactivations_count_in_mrr_and_accounts_not_in_cac() -> None:
    values = {**BASE, "customers_reactivated": 5, "mrr_reactivation": 2000}
    results = _results(values)
    # MRR at end = 100,000 + 8,000 + 2,000 + 3,000 - 1,000 - 4,000 = 108,000
    assert results["mrr_end"].value == pytest.approx(108000)
    # accounts at end = 200 + 20 + 5 - 10 = 215; ARPA = 108,000 / 215
    assert results["arpa"].value == pytest.approx(108000 / 215)
    assert results["cac"].value == pytest.approx(60000 / 20)  # reactivated customers cost no CAC
    # quick ratio = (8,000 + 2,000 + 3,000) / (4,000 + 1,000) = 2.6
    assert results["quick_ratio"].value == pytest.approx(2.6)
    # retention follows the customers at the start only
    assert results["net_revenue_retention"].value == pytest.approx(98000 / 100000)


def _random_snapshot(rng: random.Random) -> Snapshot:
    values = {}
    for spec in FIELDS:
        if rng.random() < 0.25:
            continue
        if spec.kind == "fraction":
            values[spec.name] = rng.choice([0.0, 0.5, 0.8, 1.0])
        else:
            values[spec.name] = float(rng.choice([0, 1, 3, 10, 250, 1000, 150000]))
    return Snapshot(values)


def test_no_kpi_is_negative_where_it_cannot_be() -> None:
    rng = random.Random(20261202)
    for _ in range(3000):
        snapshot = _random_snapshot(rng)
        for result in compute_kpis(snapshot):
            if result.value is None:
                assert result.reason, result.id
                continue
            assert result.value == result.value and abs(result.value) != float("inf"), result.id
            if result.id in NON_NEGATIVE_KPIS:
                assert result.value >= 0, (result.id, snapshot.values, result.calculation)


def test_consistent_inputs_give_no_contradiction() -> None:
    assert contradictions(Snapshot(BASE)) == []

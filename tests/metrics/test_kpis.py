"""KPI formulas: hand-computed values, named edge cases, zero and missing inputs."""

from __future__ import annotations

import math

import pytest

from funnel_core.domain.constants import KPI_IDS
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi, compute_kpis, input_warnings
from funnel_core.domain.model import Context, Snapshot, SnapshotError


def kpi(kpi_id: str, period: str = "month", **values: float):
    return compute_kpi(KPIS_BY_ID[kpi_id], Snapshot(values, Context(period=period)))


FULL = dict(
    visitors=20000, leads=1400, mqls=560, sqls=140, opportunities=70, new_customers=20,
    signups=900, activated_users=324, trial_users=400, trial_conversions=60,
    freemium_users=1000, freemium_conversions=40, pqls=80, pql_conversions=22,
    onboarded_users=300, adopted_users=75, customers_start=200, customers_churned=6,
    mrr_start=100000, mrr_new=8000, mrr_expansion=3000, mrr_contraction=1000, mrr_churned=2000,
    sales_marketing_spend=60000, gross_margin=0.8, nps_promoters=50, nps_passives=30,
    nps_detractors=20,
)


@pytest.mark.parametrize(
    "kpi_id, expected",
    [
        ("visitor_to_lead_rate", 1400 / 20000),
        ("lead_to_mql_rate", 0.4),
        ("mql_to_sql_rate", 0.25),
        ("sql_to_opportunity_rate", 0.5),
        ("opportunity_win_rate", 20 / 70),
        ("lead_to_customer_rate", 20 / 1400),
        ("visitor_to_signup_rate", 0.045),
        ("activation_rate", 0.36),
        ("trial_to_paid_rate", 0.15),
        ("freemium_to_paid_rate", 0.04),
        ("pql_to_paid_rate", 0.275),
        ("adoption_rate", 0.25),
        ("customer_churn_rate", 0.03),
        ("customer_churn_rate_annual", 1 - 0.97 ** 12),
        ("gross_mrr_churn_rate", 0.03),
        ("mrr_end", 108000),
        ("arr", 1296000),
        ("arpa", 108000 / 214),
        ("gross_revenue_retention", 0.97),
        ("net_revenue_retention", 1.0),
        ("expansion_share", 3000 / 11000),
        ("quick_ratio", 11000 / 3000),
        ("cac", 3000),
        ("cac_ratio", 60000 / (11000 * 12)),
        ("clv", (108000 / 214) / 0.03),
        ("clv_to_cac", (108000 / 214) / 0.03 * 0.8 / 3000),
        ("cac_payback_months", 3000 / (108000 / 214 * 0.8)),
        ("nps", 30.0),
    ],
)
def test_every_kpi_hand_computed(kpi_id, expected):
    result = compute_kpi(KPIS_BY_ID[kpi_id], Snapshot(FULL))
    assert result.computable, result.reason
    assert result.value == pytest.approx(expected)
    assert result.calculation  # the formula with the user's numbers


def test_registry_matches_public_ids():
    assert [r.id for r in compute_kpis(Snapshot(FULL))] == list(KPI_IDS)


# --- worked examples of seed 004 (shared/BENCHMARKS.md section A) ---------------------------

def test_seed_lead_conversion_10_of_200_is_5_percent():
    assert kpi("visitor_to_lead_rate", visitors=200, leads=10).value == pytest.approx(0.05)


def test_seed_cac_100k_over_200_customers_is_500_not_the_seeds_5000():
    # Seed 004 (and BENCHMARKS.md after it) prints "100 000 / 200 = 5000 USD": an arithmetic
    # slip. The formula is right, the quotient is 500.
    value = kpi("cac", sales_marketing_spend=100_000, new_customers=200).value
    assert value == pytest.approx(500)
    assert value != pytest.approx(5000)


def test_seed_arpa_1750_over_5_accounts_is_350_and_arr_21000():
    values = dict(mrr_start=1750, mrr_new=0, customers_start=5, new_customers=0, customers_churned=0)
    assert kpi("arpa", **values).value == pytest.approx(350)
    assert kpi("arr", **values).value == pytest.approx(21000)


def test_seed_clv_is_arpa_over_monthly_churn_500_over_5_percent():
    # ARPA 500 with 100 accounts all year; 5 of 100 churn in the month -> 5 % monthly churn.
    values = dict(mrr_start=50_000, mrr_new=2500, mrr_churned=2500, customers_start=100,
                  new_customers=5, customers_churned=5)
    assert kpi("arpa", **values).value == pytest.approx(500)
    assert kpi("clv", **values).value == pytest.approx(10_000)


def test_churn_is_lost_over_start_not_remaining_over_new():
    # seed 004's error: "customers remaining / new customers"
    result = kpi("customer_churn_rate", customers_start=100, customers_churned=5, new_customers=20)
    assert result.value == pytest.approx(0.05)


def test_annual_churn_compounds_and_is_not_monthly_times_12():
    annual = kpi("customer_churn_rate_annual", customers_start=100, customers_churned=5).value
    assert annual == pytest.approx(0.4596, abs=1e-4)
    assert annual != pytest.approx(0.60)


@pytest.mark.parametrize(
    "period, churned, expected_monthly",
    [("month", 5, 0.05), ("quarter", 10, 1 - 0.9 ** (1 / 3)), ("year", 40, 1 - 0.6 ** (1 / 12))],
)
def test_churn_of_a_longer_period_is_stated_monthly_by_compounding(period, churned, expected_monthly):
    result = kpi("customer_churn_rate", period=period, customers_start=100, customers_churned=churned)
    assert result.period == "month"
    assert result.value == pytest.approx(expected_monthly)


# --- not computable -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "kpi_id, values, reason_part",
    [
        ("visitor_to_lead_rate", {"leads": 5}, "Website visitors"),
        ("visitor_to_lead_rate", {"leads": 5, "visitors": 0}, "zero"),
        ("customer_churn_rate", {"customers_start": 0, "customers_churned": 0}, "zero"),
        ("customer_churn_rate", {"customers_start": 10, "customers_churned": 12}, "more than Customers at start"),
        ("gross_revenue_retention", {"mrr_start": 0, "mrr_churned": 0}, "zero"),
        ("gross_revenue_retention", {"mrr_start": 1000}, "at least one"),
        ("quick_ratio", {"mrr_start": 1000, "mrr_new": 100, "mrr_churned": 0}, "no churned"),
        ("cac", {"sales_marketing_spend": 1000, "new_customers": 0}, "zero"),
        ("clv", {"mrr_start": 1000, "mrr_new": 0, "customers_start": 10, "new_customers": 0,
                 "customers_churned": 0}, "unbounded"),
        ("arpa", {"mrr_start": 1000, "mrr_churned": 1000, "customers_start": 1, "new_customers": 0,
                  "customers_churned": 1}, "zero"),
        ("nps", {"nps_promoters": 0, "nps_passives": 0, "nps_detractors": 0}, "no survey"),
        ("expansion_share", {"mrr_new": 0, "mrr_expansion": 0}, "zero"),
    ],
)
def test_not_computable_says_why(kpi_id, values, reason_part):
    result = kpi(kpi_id, **values)
    assert not result.computable
    assert result.value is None
    assert reason_part in result.reason


def test_no_kpi_is_ever_nan_or_inf():
    zeros = {name: 0 for name in FULL if name != "gross_margin"}
    for values in (zeros, {}, FULL):
        for result in compute_kpis(Snapshot(values)):
            assert result.value is None or math.isfinite(result.value)


def test_missing_mrr_movements_count_as_zero_and_are_named():
    result = kpi("net_revenue_retention", mrr_start=1000, mrr_churned=50)
    assert result.value == pytest.approx(0.95)
    assert "not given, taken as 0" in result.calculation


def test_payback_without_gross_margin_is_labelled_revenue_payback():
    values = dict(FULL)
    del values["gross_margin"]
    result = compute_kpi(KPIS_BY_ID["cac_payback_months"], Snapshot(values))
    assert "revenue payback" in result.calculation


# --- implausible input warns, never crashes --------------------------------------------------

def test_leads_above_visitors_warns():
    snapshot = Snapshot({"visitors": 100, "leads": 150})
    messages = [w.message for w in input_warnings(snapshot)]
    assert any("Leads" in m and "Website visitors" in m for m in messages)
    result = compute_kpi(KPIS_BY_ID["visitor_to_lead_rate"], snapshot)
    assert result.value is None  # a conversion rate above 100 % is refused, naming both counts
    assert "Leads (150)" in result.reason and "Website visitors (100)" in result.reason
    assert result.warnings


@pytest.mark.parametrize("bad", [{"leads": -1}, {"gross_margin": 80}, {"nonsense": 1}, {"leads": "abc"}])
def test_snapshot_rejects_bad_values_with_the_field_named(bad):
    with pytest.raises(SnapshotError) as info:
        Snapshot(bad)
    assert info.value.field == next(iter(bad))


# --- invariants -----------------------------------------------------------------------------

@pytest.mark.parametrize("churned", range(0, 20))
def test_more_churn_never_gives_lower_churn_rate_or_higher_clv(churned):
    base = dict(FULL, customers_churned=churned)
    worse = dict(FULL, customers_churned=churned + 1)
    a = compute_kpi(KPIS_BY_ID["customer_churn_rate"], Snapshot(base)).value
    b = compute_kpi(KPIS_BY_ID["customer_churn_rate"], Snapshot(worse)).value
    assert b > a

"""Every lever rule: the input value that gives a KPI a wanted value, solved by hand.

Base company (one month): visitors 10,000 -> leads 500 -> MQLs 200 -> SQLs 100 ->
opportunities 50 -> 10 new customers; sign-ups 400, activated 200, trial users 100 (10
convert), free-plan users 50 (5 convert), PQLs 40 (8 convert), onboarded 80, adopted 20;
200 customers at start, 10 churned; MRR 20,000 at start, new 1,000, expansion 400,
contraction 200, churned 1,000; S&M spend 30,000; gross margin 0.8; NPS 40 / 30 / 30.
MRR at end = 20,000 + 1,000 + 400 - 200 - 1,000 = 20,200; accounts at end 200; ARPA 101;
churn 5 %; CLV = 101 / 0.05 = 2,020.
"""

from __future__ import annotations

import math

import pytest

from funnel_core.domain.model import Snapshot
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi
from funnel_core.metrics.levers import LEVERS, NoLever, Unreachable, knock_on, solve_lever

BASE = Snapshot({
    "visitors": 10000, "leads": 500, "mqls": 200, "sqls": 100, "opportunities": 50, "new_customers": 10,
    "signups": 400, "activated_users": 200, "trial_users": 100, "trial_conversions": 10,
    "freemium_users": 50, "freemium_conversions": 5, "pqls": 40, "pql_conversions": 8,
    "onboarded_users": 80, "adopted_users": 20, "customers_start": 200, "customers_churned": 10,
    "mrr_start": 20000, "mrr_new": 1000, "mrr_expansion": 400, "mrr_contraction": 200,
    "mrr_churned": 1000, "sales_marketing_spend": 30000, "gross_margin": 0.8,
    "nps_promoters": 40, "nps_passives": 30, "nps_detractors": 30,
})


def solve(kpi: str, wanted: float, snapshot: Snapshot = BASE, period: str | None = None):
    period = period or compute_kpi(KPIS_BY_ID[kpi], snapshot).period
    return solve_lever(snapshot, kpi, wanted, period)


@pytest.mark.parametrize("kpi, wanted, field, required", [
    ("visitor_to_lead_rate", 0.07, "leads", 700),               # 0.07 x 10,000 visitors
    ("lead_to_mql_rate", 0.5, "mqls", 250),                     # 0.5 x 500 leads
    ("mql_to_sql_rate", 0.6, "sqls", 120),                      # 0.6 x 200
    ("sql_to_opportunity_rate", 0.6, "opportunities", 60),      # 0.6 x 100
    ("opportunity_win_rate", 0.3, "new_customers", 15),         # 0.3 x 50
    ("lead_to_customer_rate", 0.03, "new_customers", 15),       # 0.03 x 500
    ("visitor_to_signup_rate", 0.05, "signups", 500),           # 0.05 x 10,000
    ("activation_rate", 0.6, "activated_users", 240),           # 0.6 x 400
    ("trial_to_paid_rate", 0.15, "trial_conversions", 15),      # 0.15 x 100
    ("freemium_to_paid_rate", 0.2, "freemium_conversions", 10), # 0.2 x 50
    ("pql_to_paid_rate", 0.25, "pql_conversions", 10),          # 0.25 x 40
    ("adoption_rate", 0.3, "adopted_users", 24),                # 0.3 x 80
    ("customer_churn_rate", 0.03, "customers_churned", 6),      # 0.03 x 200
    ("customer_churn_rate_annual", 1 - 0.97 ** 12, "customers_churned", 6),  # 3 % a month
    ("gross_mrr_churn_rate", 0.04, "mrr_churned", 600),         # 0.04 x 20,000 - 200 contraction
    ("gross_revenue_retention", 0.97, "mrr_churned", 400),      # 20,000 x 0.03 - 200
    ("net_revenue_retention", 1.01, "mrr_expansion", 1400),     # 20,000 x 0.01 + 200 + 1,000
    ("expansion_share", 0.4, "mrr_expansion", 2000 / 3),        # 0.4 x 1,000 / 0.6
    ("quick_ratio", 4.0, "mrr_new", 4400),                      # 4 x (1,000 + 200) - 400
    ("cac", 2000, "sales_marketing_spend", 20000),              # 2,000 x 10 new customers
    ("cac_ratio", 1.5, "sales_marketing_spend", 25200),         # 1.5 x (1,000 + 400) x 12
    ("clv_to_cac", 5.0, "sales_marketing_spend", 3232),         # 10 x 2,020 x 0.8 / 5
    ("cac_payback_months", 12, "sales_marketing_spend", 9696),  # 12 x 101 x 0.8 x 10
    ("nps", 30, "nps_promoters", 48 / 0.7),                     # (30 + 0.3 x 60) / 0.7
])
def test_each_lever_by_hand(kpi, wanted, field, required):
    solved = solve(kpi, wanted)
    assert solved.field == field == LEVERS[kpi].field
    assert solved.required == pytest.approx(required)
    assert solved.current == BASE.get(field)
    assert solved.after == pytest.approx(wanted)                 # recomputed, not assumed
    assert next(iter(solved.changes)) == field                   # the lever comes first


def test_clv_is_solved_by_bisection_with_churned_mrr_moving_along():
    # churned MRR per churned customer stays 100, so with c churned customers:
    # CLV = ARPA / churn = ((21,200 - 100c) / (210 - c)) / (c / 200); CLV = 4,000 gives
    # c^2 - 215c + 1,060 = 0, c = (215 - sqrt(41,985)) / 2 = 5.0488
    solved = solve("clv", 4000)
    assert LEVERS["clv"].solve is None
    assert solved.required == pytest.approx((215 - math.sqrt(41985)) / 2, rel=1e-6)
    assert solved.changes["mrr_churned"] == pytest.approx(100 * solved.required)
    assert solved.after == pytest.approx(4000)


def test_what_moves_with_a_sales_funnel_count():
    # leads 500 -> 700 is x1.4: the later stages follow at the same rates, and the new
    # customers bring new MRR at 100 each
    assert knock_on(BASE, "leads", 700) == pytest.approx({
        "leads": 700, "mqls": 280, "sqls": 140, "opportunities": 70, "new_customers": 14,
        "mrr_new": 1400})


def test_what_moves_with_signups_and_activation():
    # sign-ups x1.25: every product-led count x1.25; trial and free-plan conversions gain
    # 2.5 + 1.25 = 3.75 new customers (PQL conversions are not added again), new MRR +375
    moved = knock_on(BASE, "signups", 500)
    assert moved["activated_users"] == pytest.approx(250) and moved["pqls"] == pytest.approx(50)
    assert moved["new_customers"] == pytest.approx(13.75) and moved["mrr_new"] == pytest.approx(1375)
    # activated x1.2: trial conversions 12, free-plan 6, so 3 more new customers
    moved = knock_on(BASE, "activated_users", 240)
    assert moved == pytest.approx({"activated_users": 240, "trial_conversions": 12,
                                   "freemium_conversions": 6, "new_customers": 13, "mrr_new": 1300})
    # PQL conversions 8 -> 10 are 2 more new customers
    assert knock_on(BASE, "pql_conversions", 10) == pytest.approx(
        {"pql_conversions": 10, "new_customers": 12, "mrr_new": 1200})


def test_what_moves_with_churn_and_new_mrr_and_what_does_not():
    assert knock_on(BASE, "customers_churned", 6) == pytest.approx(
        {"customers_churned": 6, "mrr_churned": 600})           # 100 MRR per churned customer
    assert knock_on(BASE, "mrr_churned", 400) == pytest.approx(
        {"mrr_churned": 400, "customers_churned": 4})
    assert knock_on(BASE, "mrr_new", 4400) == pytest.approx({"mrr_new": 4400, "new_customers": 44})
    assert knock_on(BASE, "sales_marketing_spend", 1) == {"sales_marketing_spend": 1}
    assert knock_on(BASE, "adopted_users", 24) == {"adopted_users": 24}
    no_leads = BASE.with_values(leads=0)                          # no rate to keep
    assert knock_on(no_leads, "leads", 700) == {"leads": 700}


@pytest.mark.parametrize("kpi, wanted, snapshot, words", [
    ("gross_revenue_retention", 1.01, BASE, "cannot exceed 100 %"),
    # contraction 700 alone is more than the 600 lost that 97 % retention allows
    ("gross_revenue_retention", 0.97, BASE.with_values(mrr_contraction=700),
     "contraction MRR alone ($700 a month) is more than the $600 of MRR"),
    ("gross_mrr_churn_rate", 0.02, BASE.with_values(mrr_contraction=500),
     "contraction MRR alone ($500 a month) is more than the $400"),
    ("expansion_share", 1.0, BASE, "cannot be all of the new MRR"),
    ("nps", 100, BASE, "every answer to be a promoter"),
    ("visitor_to_lead_rate", 1.2, BASE, "cannot exceed 100 %"),
    ("quick_ratio", 0.1, BASE, "new MRR below zero"),            # 0.1 x 1,200 - 400 < 0
])
def test_not_reachable_by_this_input_alone_says_why(kpi, wanted, snapshot, words):
    with pytest.raises(Unreachable, match=words.replace("$", r"\$").replace("(", r"\(").replace(")", r"\)")):
        solve(kpi, wanted, snapshot)


def test_a_kpi_without_a_lever():
    with pytest.raises(NoLever, match="no single input moves MRR at end"):
        solve("mrr_end", 1.0)

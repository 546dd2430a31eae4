"""The projection recurrence, worked out by hand for three months.

Monthly example: MRR at start 10,000, new 1,000, expansion 500, contraction 100, churned 200.
MRR at end (month 0) = 10,000 + 1,000 + 500 - 100 - 200 = 11,200; the existing-MRR rate is
(500 - 100 - 200) / 10,000 = +2 % a month. Customers: 100 at start, 10 new, 5 churned, so
churn is 5 % and month 0 has 105.

    month 1: MRR 11,200 x 1.02 + 1,000 = 12,424         customers 105 x 0.95 + 10 = 109.75
    month 2: MRR 12,424 x 1.02 + 1,000 = 13,672.48      customers 109.75 x 0.95 + 10 = 114.2625
    month 3: MRR 13,672.48 x 1.02 + 1,000 = 14,945.9296 customers 114.2625 x 0.95 + 10 = 118.549375
"""

from __future__ import annotations

import json

import pytest

from funnel_core.domain.model import Context, Snapshot
from funnel_core.metrics.projection import (ASSUMPTION, MAX_MONTHS, ProjectionError, default_milestones,
                                            milestone_crossings, monthly_rates, project)

MONTHLY = {"mrr_start": 10000, "mrr_new": 1000, "mrr_expansion": 500, "mrr_contraction": 100,
           "mrr_churned": 200, "customers_start": 100, "new_customers": 10, "customers_churned": 5}


def test_three_months_by_hand():
    p = project(Snapshot(MONTHLY), months=3)
    assert p.start.month == 0 and p.start.mrr == pytest.approx(11200) and p.start.customers == 105
    assert [m.month for m in p.months] == [1, 2, 3]
    assert [m.mrr for m in p.months] == pytest.approx([12424, 13672.48, 14945.9296])
    assert [m.customers for m in p.months] == pytest.approx([109.75, 114.2625, 118.549375])
    assert [m.arr for m in p.months] == pytest.approx([12424 * 12, 13672.48 * 12, 14945.9296 * 12])
    assert p.rates.existing_mrr_rate == pytest.approx(0.02)
    assert p.rates.customer_churn_rate == pytest.approx(0.05)
    assert p.notes == () and p.assumption == ASSUMPTION


def test_reactivations_count_when_given():
    # MRR at end 11,200 + 50 = 11,250; month 1: 11,250 x 1.02 + 1,000 + 50 = 12,525
    # customers at end 105 + 2 = 107; month 1: 107 x 0.95 + 10 + 2 = 113.65
    p = project(Snapshot({**MONTHLY, "mrr_reactivation": 50, "customers_reactivated": 2}), months=1)
    assert p.start.mrr == pytest.approx(11250) and p.months[0].mrr == pytest.approx(12525)
    assert p.start.customers == 107 and p.months[0].customers == pytest.approx(113.65)


def test_a_quarter_is_converted_to_monthly_first_and_says_so():
    # per quarter: existing MRR x 0.729 (1 + (0 - 0 - 2,710) / 10,000), churn 271 / 1,000 = 27.1 %;
    # per month: 0.729^(1/3) = 0.9 and 1 - 0.729^(1/3) = 10 %; new MRR 3,000 / 3 = 1,000 and
    # new customers 30 / 3 = 10 a month. Month 0: MRR 10,000 + 3,000 - 2,710 = 10,290,
    # customers 1,000 + 30 - 271 = 759. Month 1: 10,290 x 0.9 + 1,000 = 10,261 and
    # 759 x 0.9 + 10 = 693.1; month 2: 10,261 x 0.9 + 1,000 = 10,234.9.
    snapshot = Snapshot({"mrr_start": 10000, "mrr_new": 3000, "mrr_expansion": 0, "mrr_contraction": 0,
                         "mrr_churned": 2710, "customers_start": 1000, "new_customers": 30,
                         "customers_churned": 271}, Context(period="quarter"))
    p = project(snapshot, months=2)
    assert p.start.mrr == pytest.approx(10290) and p.start.customers == 759
    assert [m.mrr for m in p.months] == pytest.approx([10261, 10234.9])
    assert p.months[0].customers == pytest.approx(693.1)
    assert p.rates.existing_mrr_rate == pytest.approx(-0.1)
    assert p.rates.new_mrr == pytest.approx(1000) and p.rates.new_customers == pytest.approx(10)
    assert any("cover a quarter" in n and "divided by 3" in n for n in p.notes)


def test_a_year_divides_amounts_by_12():
    snapshot = Snapshot({"mrr_start": 120000, "mrr_new": 24000, "mrr_churned": 0},
                        Context(period="year"))
    rates = monthly_rates(snapshot)
    assert rates.new_mrr == pytest.approx(2000) and rates.existing_mrr_rate == 0
    assert any("divided by 12" in n for n in rates.notes)


def test_missing_movements_count_as_zero_and_customers_without_inputs_are_not_projected():
    p = project(Snapshot({"mrr_start": 1000, "mrr_new": 100}), months=2)
    # MRR at end 1,100; month 1: 1,100 + 100 = 1,200; month 2: 1,300
    assert [m.mrr for m in p.months] == pytest.approx([1200, 1300])
    assert all(m.customers is None for m in p.all_months())
    assert any("taken as 0: Expansion MRR, Contraction MRR, Churned MRR" in n for n in p.notes)
    assert any("Customers are not projected" in n and "customers_start" in n for n in p.notes)
    json.dumps(p.to_dict(), allow_nan=False)


@pytest.mark.parametrize("values, words", [
    ({"mrr_new": 100}, "needs MRR at start (mrr_start)"),
    ({"mrr_start": 0, "mrr_new": 100, "mrr_expansion": 50}, "MRR at start (mrr_start) is zero"),
    ({**MONTHLY, "customers_churned": 150}, "churned customers (150) exceed customers at start (100)"),
    ({"mrr_start": 100, "mrr_churned": 500}, "MRR at end cannot be computed"),
])
def test_what_cannot_be_projected_is_named(values, words):
    with pytest.raises(ProjectionError, match=words.replace("(", r"\(").replace(")", r"\)")):
        project(Snapshot(values))


@pytest.mark.parametrize("months", [0, -1, MAX_MONTHS + 1, 2.5, True])
def test_horizon_is_checked(months):
    with pytest.raises(ProjectionError, match="whole number of months"):
        project(Snapshot(MONTHLY), months=months)


def test_milestone_crossings():
    # ARR: month 0 134,400; 1: 149,088; 2: 164,069.76; 3: 179,351.16
    p = project(Snapshot(MONTHLY), months=3)
    assert p.crossing(150_000).month == 2
    assert p.crossing(149_088).month == 1                  # reaching the level counts
    assert p.crossing(100_000).already and p.crossing(100_000).month is None
    assert p.crossing(1_000_000).month is None and not p.crossing(1_000_000).already
    assert p.crossing(13_000, "mrr").month == 2
    assert [c.month for c in milestone_crossings(p, [150_000, 170_000])] == [2, 3]


def test_default_milestones_are_round_levels_reached():
    p = project(Snapshot(MONTHLY), months=3)                # 134,400 -> 179,351: none reached
    assert default_milestones([p]) == [200_000]
    longer = project(Snapshot(MONTHLY), months=24)
    # closed form of the recurrence: MRR_n = 11,200 x 1.02^n + 1,000 x (1.02^n - 1) / 0.02
    growth = 1.02 ** 24
    assert longer.last().arr == pytest.approx((11200 * growth + 1000 * (growth - 1) / 0.02) * 12)
    assert 500_000 < longer.last().arr < 1_000_000           # about 581,000
    assert default_milestones([longer]) == [200_000, 500_000]
    assert default_milestones([longer], limit=1) == [200_000]
    assert default_milestones([]) == []
    big = project(Snapshot({"mrr_start": 80_000, "mrr_new": 60_000}), months=12)
    # ARR 1.68M now -> (140,000 + 12 x 60,000) x 12 = 10.32M: 2M, 5M, 10M reached
    assert default_milestones([big]) == [2_000_000, 5_000_000, 10_000_000]


def test_a_scenario_starts_from_the_baseline_month_0():
    base = project(Snapshot(MONTHLY), months=1)
    faster = project(Snapshot({**MONTHLY, "mrr_new": 2000}), months=1, start_from=base.start)
    # month 0 stays today's 11,200 MRR and 105 customers; month 1: 11,200 x 1.02 + 2,000 = 13,424
    assert faster.start == base.start
    assert faster.months[0].mrr == pytest.approx(13424)
    assert faster.months[0].customers == pytest.approx(109.75)

"""funnel_core.funnel: benchmark funnel and focus areas, hand-computed on small numbers."""

from __future__ import annotations

import math

import pytest

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import compare
from funnel_core.benchmarks.funnel import (
    FOCUS_KPIS,
    FUNNEL_STAGES,
    benchmark_funnel,
    focus_areas,
    reference_rate,
)
from funnel_core.domain.model import Context, Snapshot


def bm(kpi: str, *, median: float | None = None, low: float | None = None,
       high: float | None = None, statistic: str = "median", period: str = "none",
       source: str = "Test source", segment: str = "Test segment", status: str = "S",
       year: int | None = 2024, id: str | None = None) -> Benchmark:
    """A catalogue row built by hand (no file, no validation)."""
    return Benchmark(
        id=id or f"{kpi}_{statistic}_{median}_{low}_{high}_{period}", kpi=kpi,
        label=f"{source}, {kpi}", statistic=statistic, low=low, median=median, high=high,
        unit="fraction", period=period, basis="test", segment=segment, acv_band=("any",),
        trial_type=("any",), motion=("any",), product_category=("any",), source=source,
        year=year, sample="", url="", status=status, note="",
    )


FUNNEL = dict(visitors=1000, leads=30, mqls=15, sqls=6, opportunities=3, new_customers=1)

CATALOGUE = [
    bm("visitor_to_lead_rate", median=0.07, statistic="average", source="Source A", status="U"),
    bm("lead_to_mql_rate", low=0.4, high=0.6, statistic="range", source="Source B"),
    # no mql_to_sql_rate benchmark: the user's own 40 % is used
    bm("sql_to_opportunity_rate", low=0.5, statistic="threshold", source="Source C"),
    bm("opportunity_win_rate", median=0.25, source="Source D", status="V"),
]


def report(values: dict, catalogue=CATALOGUE, **context):
    return compare(Snapshot(values, Context(**context)), catalogue=catalogue)


def finite(x) -> bool:
    return x is None or (isinstance(x, (int, float)) and math.isfinite(x))


# --- reference rate and stage chain ------------------------------------------------------------

def test_stage_chain_matches_the_kpis():
    assert [s.field for s in FUNNEL_STAGES] == [
        "visitors", "leads", "mqls", "sqls", "opportunities", "new_customers"]
    assert [s.kpi for s in FUNNEL_STAGES] == [
        None, "visitor_to_lead_rate", "lead_to_mql_rate", "mql_to_sql_rate",
        "sql_to_opportunity_rate", "opportunity_win_rate"]
    assert set(FOCUS_KPIS) >= {"trial_to_paid_rate", "freemium_to_paid_rate", "pql_to_paid_rate",
                               "activation_rate", "customer_churn_rate"}


@pytest.mark.parametrize("kwargs, expected", [
    (dict(median=0.3, low=0.1, high=0.4, statistic="quartiles"), 0.3),   # median first
    (dict(low=0.4, high=0.6, statistic="range"), 0.5),                   # midpoint
    (dict(low=0.5, statistic="threshold"), 0.5),                         # the one bound
    (dict(high=0.03, statistic="threshold"), 0.03),
])
def test_reference_rate(kwargs, expected):
    assert reference_rate(bm("visitor_to_lead_rate", **kwargs)) == pytest.approx(expected)


# --- benchmark funnel --------------------------------------------------------------------------

def test_benchmark_funnel_hand_computed():
    steps = benchmark_funnel(report(FUNNEL))
    assert [s.stage for s in steps] == [s.field for s in FUNNEL_STAGES]
    assert [s.user_count for s in steps] == [1000, 30, 15, 6, 3, 1]
    # 1000 -> x0.07 = 70 -> x0.5 (midpoint 40-60 %) = 35 -> x0.4 (user's own) = 14
    #      -> x0.5 (threshold bound) = 7 -> x0.25 = 1.75
    assert [s.benchmark_count for s in steps] == pytest.approx([1000, 70, 35, 14, 7, 1.75])
    assert [s.rate_used for s in steps] == pytest.approx([None, 0.07, 0.5, 0.4, 0.5, 0.25])
    assert [s.user_rate for s in steps] == pytest.approx([None, 0.03, 0.5, 0.4, 0.5, 1 / 3])
    leads = steps[1]
    assert (leads.source, leads.status, leads.benchmark_missing) == ("Source A", "U", False)
    assert "Source A" in leads.note and "7.00 %" in leads.note


def test_missing_benchmark_is_flagged_and_uses_the_users_rate():
    steps = benchmark_funnel(report(FUNNEL))
    sqls = steps[3]
    assert sqls.benchmark_missing is True
    assert sqls.rate_used == pytest.approx(0.4) == sqls.user_rate
    assert sqls.source is None and sqls.status is None
    assert "no matching benchmark" in sqls.note and "your own rate" in sqls.note
    assert [s.benchmark_missing for s in steps] == [False, False, False, True, False, False]


def test_funnel_stops_where_the_users_counts_stop():
    values = dict(FUNNEL)
    del values["sqls"]
    steps = benchmark_funnel(report(values))
    assert [s.stage for s in steps] == ["visitors", "leads", "mqls"]
    assert benchmark_funnel(report({"leads": 30, "new_customers": 1})) == []


def test_zero_visitors_gives_no_nan():
    steps = benchmark_funnel(report(dict(visitors=0, leads=0, mqls=0, sqls=0)))
    assert [s.stage for s in steps] == ["visitors", "leads", "mqls", "sqls"]
    for s in steps:
        assert finite(s.user_count) and finite(s.benchmark_count)
        assert finite(s.rate_used) and finite(s.user_rate)
    assert steps[1].benchmark_count == 0 and steps[1].user_rate is None
    # lead -> MQL still uses its benchmark although the user's own rate is 0 / 0
    assert steps[2].rate_used == pytest.approx(0.5) and steps[2].benchmark_missing is False
    # MQL -> SQL has no benchmark and no own rate: the chain stops, and says why
    assert steps[3].rate_used is None and steps[3].benchmark_count is None
    assert "cannot be computed" in steps[3].note


# --- focus areas -------------------------------------------------------------------------------

FOCUS_VALUES = dict(
    visitors=1000, leads=30, mqls=15, sqls=6, opportunities=3, new_customers=2,
    customers_start=100, customers_churned=5,
    mrr_start=10000, mrr_new=200, mrr_expansion=0, mrr_contraction=0, mrr_churned=500,
)
# ARPA = MRR at end / customers at end = (10,000 + 200 - 500) / (100 + 2 - 5) = 9,700 / 97 = 100

FOCUS_CATALOGUE = [
    bm("visitor_to_lead_rate", median=0.07, statistic="average", source="Source A",
       segment="Software companies"),
    bm("opportunity_win_rate", median=0.5, source="Source D"),          # user 2/3: better
    bm("customer_churn_rate", median=0.03, period="month", source="Source E",
       segment="B2B subscriptions"),
]


def test_focus_areas_hand_computed_and_ranked():
    areas = focus_areas(report(FOCUS_VALUES, FOCUS_CATALOGUE))
    assert [a.kpi_id for a in areas] == ["visitor_to_lead_rate", "customer_churn_rate"]
    lead, churn = areas
    # 1,000 visitors x (7 % - 3 %) x lead-to-customer 2 / 30 = 2.667 extra customers; x ARPA 100
    assert lead.extra_customers == pytest.approx(1000 * 0.04 * 2 / 30)
    assert lead.extra_mrr == pytest.approx(1000 * 0.04 * 2 / 30 * 100)
    assert lead.arpa == pytest.approx(100)
    assert (lead.user_rate, lead.target_rate) == pytest.approx((0.03, 0.07))
    assert lead.downstream_rate == pytest.approx(2 / 30)
    assert lead.period == "month" and lead.kind == "conversion"
    # churn: (5 % - 3 %) x 100 customers at start = 2 customers kept a month; x ARPA 100
    assert churn.extra_customers == pytest.approx(2.0)
    assert churn.extra_mrr == pytest.approx(200.0)
    assert churn.kind == "churn" and churn.period == "month"


def test_arithmetic_shows_numbers_source_and_segment():
    lead, churn = focus_areas(report(FOCUS_VALUES, FOCUS_CATALOGUE))
    for text in ("1,000 visitors", "7.00 %", "3.00 %", "2 new customers / 30 leads", "2.7 extra new customers",
                 "ARPA $100", "$267", "Source A", "Software companies"):
        assert text in lead.arithmetic, text
    for text in ("5.00 %", "3.00 %", "100 customers at start", "2.0 customers kept", "$200",
                 "Source E", "B2B subscriptions"):
        assert text in churn.arithmetic, text


def test_annual_churn_benchmark_is_converted_to_monthly_by_compounding():
    catalogue = [bm("customer_churn_rate", median=0.30, period="year", source="Annual source")]
    (churn,) = focus_areas(report(FOCUS_VALUES, catalogue))
    monthly = 1 - (1 - 0.30) ** (1 / 12)
    assert churn.target_rate == pytest.approx(monthly)
    assert churn.extra_customers == pytest.approx((0.05 - monthly) * 100)
    assert "per year" in churn.arithmetic and "(1/12)" in churn.arithmetic


def test_no_arpa_gives_customers_and_a_reason():
    values = {k: v for k, v in FOCUS_VALUES.items() if not k.startswith("mrr_")}
    areas = focus_areas(report(values, FOCUS_CATALOGUE))
    assert [a.kpi_id for a in areas] == ["visitor_to_lead_rate", "customer_churn_rate"]
    for a in areas:
        assert a.extra_mrr is None and a.extra_mrr_per_month is None
        assert "ARPA is not computable" in (a.mrr_reason or "")
        assert "MRR not estimated" in a.arithmetic


def test_product_led_items():
    values = dict(trial_users=200, trial_conversions=10, freemium_users=1000, freemium_conversions=20,
                  pqls=50, pql_conversions=10, signups=400, activated_users=100)
    catalogue = [
        bm("trial_to_paid_rate", median=0.15), bm("freemium_to_paid_rate", low=0.03, high=0.06,
                                                  statistic="good_great"),
        bm("pql_to_paid_rate", median=0.25), bm("activation_rate", median=0.36),
    ]
    areas = {a.kpi_id: a for a in focus_areas(report(values, catalogue))}
    assert areas["trial_to_paid_rate"].extra_customers == pytest.approx(200 * (0.15 - 0.05))
    # good/great below "good": the gap is closed to the nearest bound (good, 3 %)
    assert areas["freemium_to_paid_rate"].extra_customers == pytest.approx(1000 * (0.03 - 0.02))
    assert areas["pql_to_paid_rate"].extra_customers == pytest.approx(50 * (0.25 - 0.2))
    # activation: 400 sign-ups x (36 % - 25 %) x (10 + 20 paid) / 100 activated
    assert areas["activation_rate"].extra_customers == pytest.approx(400 * 0.11 * 0.3)
    # no MRR inputs: ranked by customers
    counts = [a.extra_customers for a in focus_areas(report(values, catalogue))]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("changes", [
    dict(visitors=0, leads=0),        # no visitors: visitor -> lead not computable
    dict(leads=0),                    # zero leads: no lead-to-customer rate
    dict(new_customers=0),            # no customers yet: nothing to size
    dict(customers_start=0, customers_churned=0),
])
def test_zero_inputs_give_no_item_and_never_nan(changes):
    values = dict(FOCUS_VALUES, **changes)
    areas = focus_areas(report(values, FOCUS_CATALOGUE))
    for a in areas:
        for x in (a.extra_customers, a.extra_mrr, a.user_rate, a.target_rate, a.downstream_rate, a.arpa):
            assert finite(x)
        assert a.extra_customers > 0
    ids = [a.kpi_id for a in areas]
    if "leads" in changes or "new_customers" in changes:
        assert "visitor_to_lead_rate" not in ids
    if "customers_start" in changes:
        assert "customer_churn_rate" not in ids


def _focus_value(values: dict, catalogue, kpi_id: str) -> tuple[float, float]:
    for a in focus_areas(report(values, catalogue)):
        if a.kpi_id == kpi_id:
            return a.extra_mrr or 0.0, a.extra_customers
    return 0.0, 0.0


def test_improving_the_users_rate_never_increases_its_focus_value():
    previous = (math.inf, math.inf)
    for leads in (5, 10, 20, 30, 40, 60, 70, 80, 120):   # visitor -> lead rising
        values = dict(FOCUS_VALUES, leads=leads, mqls=min(15, leads))
        value = _focus_value(values, FOCUS_CATALOGUE, "visitor_to_lead_rate")
        assert value[0] <= previous[0] + 1e-9 and value[1] <= previous[1] + 1e-9
        previous = value
    assert previous == (0.0, 0.0)   # at or above the benchmark: no item

    previous = (math.inf, math.inf)
    for churned in (20, 12, 8, 5, 4, 3, 1, 0):          # churn falling
        values = dict(FOCUS_VALUES, customers_churned=churned)
        value = _focus_value(values, FOCUS_CATALOGUE, "customer_churn_rate")
        assert value[0] <= previous[0] + 1e-9 and value[1] <= previous[1] + 1e-9
        previous = value
    assert previous == (0.0, 0.0)


def test_quarter_snapshot_ranks_by_monthly_value():
    # 15 of 100 lost in a quarter = 1 - 0.85^(1/3) = 5.3 % a month, above the 3 % benchmark
    values = dict(FOCUS_VALUES, customers_churned=15)
    areas = focus_areas(report(values, FOCUS_CATALOGUE, period="quarter"))
    lead = next(a for a in areas if a.kpi_id == "visitor_to_lead_rate")
    churn = next(a for a in areas if a.kpi_id == "customer_churn_rate")
    assert lead.period == "quarter" and churn.period == "month"
    assert lead.extra_customers_per_month == pytest.approx(lead.extra_customers / 3)
    assert churn.extra_customers == pytest.approx((1 - 0.85 ** (1 / 3) - 0.03) * 100)
    values = [a.extra_mrr_per_month for a in areas]
    assert values == sorted(values, reverse=True)


def test_shipped_catalogue_runs_without_nan():
    values = dict(FOCUS_VALUES, signups=900, activated_users=200, trial_users=400,
                  trial_conversions=20, pqls=80, pql_conversions=10)
    r = compare(Snapshot(values, Context()))
    for step in benchmark_funnel(r):
        assert finite(step.benchmark_count) and finite(step.rate_used)
        assert step.kpi_id is None or step.benchmark_missing or step.source
    for a in focus_areas(r):
        assert finite(a.extra_customers) and finite(a.extra_mrr)
        assert a.source in a.arithmetic and a.segment in a.arithmetic

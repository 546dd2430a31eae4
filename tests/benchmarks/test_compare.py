"""Comparison: period conversion first, then direction-aware verdicts, gaps and sources."""

from __future__ import annotations

import json

import pytest

from funnel_core.benchmarks.catalogue import Benchmark, load_catalogue
from funnel_core.benchmarks.compare import compare, compare_one, primary_comparison, verdict_for
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi
from funnel_core.domain.model import Context, Snapshot


def bench(kpi="customer_churn_rate", statistic="median", low=None, median=None, high=None,
          unit="fraction", period="month", **kw) -> Benchmark:
    fields = dict(
        id=kw.pop("id", f"b_{statistic}_{low}_{median}_{high}"), kpi=kpi, label="test figure",
        statistic=statistic, low=low, median=median, high=high, unit=unit, period=period,
        basis="test", segment=kw.pop("segment", "all"), acv_band=("any",), trial_type=("any",),
        motion=("any",), product_category=("any",), source="Test source", year=2024, sample="",
        url="", status="V", note="",
    )
    fields.update(kw)
    return Benchmark(**fields)


# --- verdicts ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "name, value, benchmark, higher_is_better, expected",
    [
        ("inside range", 0.05, bench(statistic="range", low=0.03, high=0.07), True, "in_line"),
        ("above range, higher better", 0.09, bench(statistic="range", low=0.03, high=0.07), True, "better"),
        ("above range, lower better", 0.09, bench(statistic="range", low=0.03, high=0.07), False, "worse"),
        ("below range, lower better", 0.01, bench(statistic="range", low=0.03, high=0.07), False, "better"),
        ("point within 10 %", 0.052, bench(median=0.05), True, "in_line"),
        ("point 20 % above, higher better", 0.06, bench(median=0.05), True, "better"),
        ("point 20 % above, lower better (churn)", 0.06, bench(median=0.05), False, "worse"),
        ("threshold >= 4 met", 4.5, bench(kpi="quick_ratio", statistic="threshold", low=4, unit="ratio"), True, "better"),
        ("threshold >= 4 missed", 3.0, bench(kpi="quick_ratio", statistic="threshold", low=4, unit="ratio"), True, "worse"),
        ("churn < 3 % met", 0.02, bench(statistic="threshold", high=0.03), False, "better"),
        ("churn < 3 % missed", 0.04, bench(statistic="threshold", high=0.03), False, "worse"),
        ("quartiles inside", 0.05, bench(statistic="quartiles", low=0.01, median=0.04, high=0.12), True, "in_line"),
        ("negative NPS point", -10, bench(kpi="nps", median=-20, unit="points", period="none"), True, "better"),
    ],
)
def test_verdicts(name, value, benchmark, higher_is_better, expected):
    verdict, _, _ = verdict_for(value, benchmark, higher_is_better)
    assert verdict == expected, name


def test_gap_is_measured_to_the_median_or_nearest_bound():
    _, ref, gap = verdict_for(0.06, bench(median=0.05), False)
    assert (ref, gap) == (0.05, pytest.approx(0.01))
    _, ref, gap = verdict_for(0.10, bench(statistic="range", low=0.03, high=0.07), False)
    assert (ref, gap) == (0.07, pytest.approx(0.03))
    _, ref, gap = verdict_for(0.05, bench(statistic="range", low=0.03, high=0.07), False)
    assert gap == 0.0


RANK = {"worse": 0, "in_line": 1, "better": 2}


@pytest.mark.parametrize("benchmark", [
    bench(median=0.05), bench(statistic="range", low=0.03, high=0.07),
    bench(statistic="threshold", high=0.03), bench(statistic="threshold", low=0.02),
    bench(statistic="quartiles", low=0.01, median=0.04, high=0.12),
])
@pytest.mark.parametrize("higher_is_better", [True, False])
def test_a_better_value_never_gets_a_worse_verdict(benchmark, higher_is_better):
    values = [i / 1000 for i in range(0, 200)]
    if not higher_is_better:
        values = values[::-1]  # from worst to best
    ranks = [RANK[verdict_for(v, benchmark, higher_is_better)[0]] for v in values]
    assert ranks == sorted(ranks)


# --- conversion -----------------------------------------------------------------------------

def churn_result(churned=5, start=100, period="month"):
    return compute_kpi(KPIS_BY_ID["customer_churn_rate"],
                       Snapshot({"customers_churned": churned, "customers_start": start},
                                Context(period=period)))


def test_monthly_churn_is_compounded_before_meeting_an_annual_figure():
    comparison = compare_one(churn_result(), bench(median=0.10, period="year"))
    assert comparison.user_value == pytest.approx(1 - 0.95 ** 12)  # 46 %, not 60 %
    assert "compounding" in comparison.conversion_note
    assert comparison.verdict == "worse"


def test_quarterly_churn_meets_a_monthly_benchmark_per_month():
    comparison = compare_one(churn_result(churned=9, period="quarter"), bench(median=0.03))
    assert comparison.user_value == pytest.approx(1 - 0.91 ** (1 / 3))


def test_monthly_nrr_against_annual_benchmark_is_compounded_and_flagged_approximate():
    result = compute_kpi(KPIS_BY_ID["net_revenue_retention"],
                         Snapshot({"mrr_start": 1000, "mrr_expansion": 20, "mrr_churned": 10}))
    comparison = compare_one(result, bench(kpi="net_revenue_retention", median=1.02, period="year"))
    assert comparison.user_value == pytest.approx(1.01 ** 12)
    assert "approximation" in comparison.conversion_note


def test_no_conversion_possible_is_said():
    comparison = compare_one(churn_result(), bench(median=0.05, period="none"))
    assert comparison.verdict is None
    assert "no period" in comparison.reason


def test_unit_mismatch_is_not_compared():
    comparison = compare_one(churn_result(), bench(median=3.0, unit="ratio"))
    assert comparison.verdict is None and "no conversion possible" in comparison.reason


# --- whole report ---------------------------------------------------------------------------

def test_every_matching_source_is_shown_and_context_narrows_them():
    snapshot = Snapshot({"mrr_start": 10000, "mrr_churned": 100, "mrr_expansion": 150})
    everyone = compare(snapshot).get("net_revenue_retention").comparisons
    enterprise = compare(snapshot.with_context(acv_band="enterprise")).get("net_revenue_retention").comparisons
    assert len(everyone) > len(enterprise) > 1
    sources = {c.benchmark.source for c in everyone}
    assert any("SaaS Capital" in s for s in sources) and any("Benchmarkit" in s for s in sources)
    assert all("enterprise" in c.benchmark.acv_band or c.benchmark.acv_band == ("any",) for c in enterprise)


def test_recurly_monthly_churn_seed_figure_is_compared_per_month():
    report = compare(Snapshot({"customers_start": 100, "customers_churned": 4}))
    recurly = [c for c in report.get("customer_churn_rate").comparisons if "0479" in c.benchmark.id
               or c.benchmark.median == pytest.approx(0.0479)]
    assert recurly and recurly[0].verdict == "better"
    assert recurly[0].benchmark.period == "month"


def test_report_json_has_no_nan_and_carries_sources():
    zeros = Snapshot({"visitors": 0, "leads": 0, "customers_start": 0, "customers_churned": 0,
                      "mrr_start": 0, "mrr_churned": 0})
    text = json.dumps(compare(zeros).to_dict(), allow_nan=False)
    data = json.loads(text)
    assert all("benchmarks" in k for k in data["kpis"])
    churn = next(k for k in data["kpis"] if k["id"] == "customer_churn_rate")
    assert churn["value"] is None and "zero" in churn["reason"]


def test_primary_comparison_prefers_user_targets_then_specific_verified_figures():
    result = churn_result()
    published = compare_one(result, bench(median=0.05, status="U", id="u"))
    verified = compare_one(result, bench(median=0.04, status="V", id="v"))
    target = compare_one(result, bench(median=0.03, status="U", id="t", origin="board.csv"))
    from funnel_core.benchmarks.compare import KpiComparison

    assert primary_comparison(KpiComparison(result, (published, verified))).benchmark.id == "v"
    assert primary_comparison(KpiComparison(result, (published, verified, target))).benchmark.id == "t"


def test_shipped_catalogue_loads_for_comparison():
    assert len(load_catalogue()) > 40


def test_median_with_only_an_upper_bound_is_not_a_threshold():
    # Totango: "about 15 % pay (up to 25 %)": 20 % is in line, not worse.
    b = bench(kpi="trial_to_paid_rate", statistic="average", median=0.15, high=0.25, period="none")
    assert verdict_for(0.20, b, True)[0] == "in_line"
    assert verdict_for(0.10, b, True)[0] == "worse"
    assert verdict_for(0.30, b, True)[0] == "better"


def test_primary_benchmark_without_a_chosen_segment_prefers_all_segment_figures():
    snapshot = Snapshot({"customers_start": 100, "customers_churned": 3})
    item = compare(snapshot).get("customer_churn_rate")
    assert primary_comparison(item).benchmark.acv_band == ("any",)
    # the only enterprise churn row is a threshold ("< 1 %"): shown, but a central figure for
    # all segments is the main benchmark
    item = compare(snapshot.with_context(acv_band="enterprise")).get("customer_churn_rate")
    assert any("enterprise" in c.benchmark.acv_band for c in item.comparisons)
    assert primary_comparison(item).benchmark.statistic not in ("threshold", "target", "concern")
    # among central figures, the one made for the chosen segment wins
    revenue = Snapshot({"mrr_start": 10000, "mrr_churned": 100, "mrr_expansion": 150})
    item = compare(revenue.with_context(acv_band="enterprise")).get("net_revenue_retention")
    assert "enterprise" in primary_comparison(item).benchmark.acv_band


@pytest.mark.parametrize(
    "value, benchmark, higher_is_better, expected_gap",
    [
        (6.37, bench(kpi="clv_to_cac", statistic="target", low=3, unit="ratio", period="none"), True, 3.37),
        (4.6, bench(kpi="cac_payback_months", statistic="threshold", high=36, unit="months", period="none"), False, -31.4),
    ],
)
def test_beaten_threshold_reports_the_distance_not_zero(value, benchmark, higher_is_better, expected_gap):
    verdict, _, gap = verdict_for(value, benchmark, higher_is_better)
    assert verdict == "better"
    assert gap == pytest.approx(expected_gap)


def test_conversion_rate_above_100_percent_gets_no_verdict():
    result = compute_kpi(KPIS_BY_ID["visitor_to_signup_rate"], Snapshot({"visitors": 8.2, "signups": 410}))
    comparison = compare_one(result, bench(kpi="visitor_to_signup_rate", median=0.05, period="none"))
    assert comparison.verdict is None and "above 100 %" in comparison.reason


def test_primary_prefers_a_figure_for_exactly_the_chosen_trial_type():
    snapshot = Snapshot({"trial_users": 100, "trial_conversions": 12}).with_context(trial_type="card_required")
    item = compare(snapshot).get("trial_to_paid_rate")
    chosen = primary_comparison(item).benchmark
    assert chosen.trial_type == ("card_required",)


def test_a_doubtful_figure_is_never_the_main_benchmark():
    item = compare(Snapshot({"mqls": 100, "sqls": 30})).get("mql_to_sql_rate")
    assert any(c.benchmark.comparability == "doubtful" for c in item.comparisons)  # still shown
    assert primary_comparison(item).benchmark.comparability != "doubtful"

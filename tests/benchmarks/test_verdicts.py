"""Verdict bands, precision, strict bounds, good/great and the percentile rank, hand-computed.

Every edge listed in the issue "Verdicts a founder can put in a board deck" has a row here; the
expected verdicts and percentiles were worked out by hand from the bands in
``funnel_core.benchmarks.verdict_rules`` (retention and churn +-2 pp a year / +-0.5 pp a month,
conversions, money and months +-15 %, ratios +-10 %, NPS +-5 points).
"""

from __future__ import annotations

import pytest

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.percentile import ordinal, percentile_rank, position
from funnel_core.benchmarks.verdict_rules import in_line_band, judge, quantize


def bench(kpi: str, statistic: str = "median", *, low=None, median=None, high=None,
          unit: str = "fraction", period: str = "none", bound: str = "inclusive",
          source: str = "Test source", year: int | None = 2024) -> Benchmark:
    return Benchmark(
        id=f"{kpi}_{statistic}_{low}_{median}_{high}_{period}_{bound}", kpi=kpi, label="test",
        statistic=statistic, low=low, median=median, high=high, unit=unit, period=period,
        basis="test", segment="all", acv_band=("any",), trial_type=("any",), motion=("any",),
        product_category=("any",), source=source, year=year, sample="", url="", status="V",
        note="", bound=bound)


NRR_102 = bench("net_revenue_retention", median=1.02, period="year")
GRR_91 = bench("gross_revenue_retention", median=0.91, period="year")
CHURN_479 = bench("customer_churn_rate", "average", median=0.0479, period="month")
ACTIVATION_36 = bench("activation_rate", "average", median=0.36)
TRIAL_GOOD_GREAT = bench("trial_to_paid_rate", "good_great", low=0.08, high=0.15)
CHURN_UNDER_3 = bench("customer_churn_rate", "threshold", high=0.03, period="month", bound="strict")
CHURN_AT_MOST_3 = bench("customer_churn_rate", "threshold", high=0.03, period="month")
CAC_RATIO_2 = bench("cac_ratio", median=2.0, unit="ratio")
PAYBACK_CONCERN = bench("cac_payback_months", "concern", high=36, unit="months")
PAYBACK_QUARTILES = bench("cac_payback_months", "quartiles", low=6, median=16, high=24,
                          unit="months", source="Aleph x Benchmarkit (FY2025)", year=2025)
REDPOINT = bench("trial_to_paid_rate", "quartiles", low=0.01, median=0.04, high=0.12,
                 source="Redpoint free-trial survey", year=None)
NPS_36 = bench("nps", "average", median=36, unit="points")
CAC_1000 = bench("cac", median=1000, unit="currency")
QUICK_4 = bench("quick_ratio", "threshold", low=4, unit="ratio")


@pytest.mark.parametrize("name, value, benchmark, higher_is_better, expected", [
    # retention in percentage points: +-2 pp around an annual median
    ("annual NRR 92 % vs 102 %: 10 pp below", 0.92, NRR_102, True, "worse"),
    ("NRR 100.0 % is exactly 2.0 pp below", 1.00, NRR_102, True, "in_line"),
    ("NRR 99.9 % is 2.1 pp below", 0.999, NRR_102, True, "worse"),
    ("NRR 104.0 % is exactly 2.0 pp above", 1.04, NRR_102, True, "in_line"),
    ("NRR 104.1 % is 2.1 pp above", 1.041, NRR_102, True, "better"),
    ("GRR 82 % vs 91 %: 9 pp below", 0.82, GRR_91, True, "worse"),
    ("GRR 95 % vs 91 %: above the median is better", 0.95, GRR_91, True, "better"),
    ("GRR 89 % vs 91 %: 2.0 pp", 0.89, GRR_91, True, "in_line"),
    # monthly churn: +-0.5 pp, lower is better
    ("churn 4.29 % vs 4.79 %: 0.50 pp below", 0.0429, CHURN_479, False, "in_line"),
    ("churn 4.2 % vs 4.79 %: 0.59 pp below", 0.042, CHURN_479, False, "better"),
    ("churn 5.4 % vs 4.79 %: 0.61 pp above", 0.054, CHURN_479, False, "worse"),
    # conversion rates: +-15 % of the figure (36 % -> 30.6 .. 41.4 %)
    ("activation 39.6 % vs 36 %", 0.396, ACTIVATION_36, True, "in_line"),
    ("activation 32.4 % vs 36 %", 0.324, ACTIVATION_36, True, "in_line"),
    ("activation 41.4 % is the band's edge", 0.414, ACTIVATION_36, True, "in_line"),
    ("activation 41.5 % is past it", 0.415, ACTIVATION_36, True, "better"),
    ("activation 30.6 % is the band's edge", 0.306, ACTIVATION_36, True, "in_line"),
    ("activation 30.5 % is past it", 0.305, ACTIVATION_36, True, "worse"),
    ("36 % x 1.15 computed in floating point", 0.36 * 1.15, ACTIVATION_36, True, "in_line"),
    # good / great: great is 15 %, good is 8 %
    ("trial-to-paid 15 % reaches 'great'", 0.15, TRIAL_GOOD_GREAT, True, "better"),
    ("trial-to-paid 14.9 % is between good and great", 0.149, TRIAL_GOOD_GREAT, True, "in_line"),
    ("trial-to-paid 8 % reaches 'good'", 0.08, TRIAL_GOOD_GREAT, True, "in_line"),
    ("trial-to-paid 7.9 % is short of 'good'", 0.079, TRIAL_GOOD_GREAT, True, "worse"),
    # "< 3 %" as published: 3 % itself is not met
    ("churn 3 % vs '< 3 %'", 0.03, CHURN_UNDER_3, False, "worse"),
    ("churn 3.04 % shows as 3.0 %", 0.0304, CHURN_UNDER_3, False, "worse"),
    ("churn 2.96 % shows as 3.0 %", 0.0296, CHURN_UNDER_3, False, "worse"),
    ("churn 2.9 % vs '< 3 %'", 0.029, CHURN_UNDER_3, False, "better"),
    ("churn 3 % vs '<= 3 %'", 0.03, CHURN_AT_MOST_3, False, "better"),
    ("quick ratio 4.00 vs '>= 4'", 4.0, QUICK_4, True, "better"),
    ("quick ratio 3.99 vs '>= 4'", 3.99, QUICK_4, True, "worse"),
    # ratios +-10 %: CAC ratio 2.5 against a 2.0 median is 25 % worse
    ("CAC ratio 2.5 vs median 2.0", 2.5, CAC_RATIO_2, False, "worse"),
    ("CAC ratio 2.2 vs median 2.0", 2.2, CAC_RATIO_2, False, "in_line"),
    ("CAC ratio 1.79 vs median 2.0", 1.79, CAC_RATIO_2, False, "better"),
    # a concern level: staying clear of it is in line, never better
    ("payback 30 months vs '> 36 is a concern'", 30, PAYBACK_CONCERN, False, "in_line"),
    ("payback 36 months vs '> 36 is a concern'", 36, PAYBACK_CONCERN, False, "in_line"),
    ("payback 36.1 months vs '> 36 is a concern'", 36.1, PAYBACK_CONCERN, False, "worse"),
    # quartiles: in line from P25 to P75, lower is better for payback
    ("payback 30 months vs 6 / 16 / 24", 30, PAYBACK_QUARTILES, False, "worse"),
    ("payback 24 months is P75", 24, PAYBACK_QUARTILES, False, "in_line"),
    ("payback 5 months", 5, PAYBACK_QUARTILES, False, "better"),
    # money +-15 %, NPS +-5 points
    ("CAC 1,150 vs 1,000", 1150, CAC_1000, False, "in_line"),
    ("CAC 1,151 vs 1,000", 1151, CAC_1000, False, "worse"),
    ("NPS 29 vs 36", 29.17, NPS_36, True, "worse"),
    ("NPS 31 vs 36", 31, NPS_36, True, "in_line"),
])
def test_verdict_bands(name, value, benchmark, higher_is_better, expected):
    assert judge(value, benchmark, higher_is_better).verdict == expected, name


@pytest.mark.parametrize("benchmark, centre", [
    (ACTIVATION_36, 0.36), (NRR_102, 1.02), (GRR_91, 0.91), (CHURN_479, 0.0479),
])
@pytest.mark.parametrize("higher_is_better", [True, False])
def test_verdicts_are_symmetric_around_a_single_figure(benchmark, centre, higher_is_better):
    """Values equally far above and below the figure (at the shown precision) get mirror
    verdicts, whatever the floating-point representation of the numbers."""
    mirror = {"better": "worse", "worse": "better", "in_line": "in_line"}
    step = 0.0001 if centre < 0.1 else 0.001
    for i in range(0, 200):
        above = judge(centre + i * step, benchmark, higher_is_better).verdict
        below = judge(centre - i * step, benchmark, higher_is_better).verdict
        assert below == mirror[above], (i, above, below)


def test_quantize_reads_numbers_as_shown():
    assert quantize(0.396, 3) == quantize(0.36 * 1.1, 3) == 396
    assert quantize(0.0305, 3) == 31  # 3.05 % shows as 3.1 % (half up)
    assert quantize(-10.5, 0) == -11


@pytest.mark.parametrize("benchmark, expected", [
    (ACTIVATION_36, (pytest.approx(0.306), pytest.approx(0.414))),
    (NRR_102, (pytest.approx(1.00), pytest.approx(1.04))),
    (CHURN_UNDER_3, (None, None)),
    (TRIAL_GOOD_GREAT, (0.08, 0.15)),
])
def test_in_line_band_for_charts(benchmark, expected):
    assert in_line_band(benchmark) == expected


# --- percentile rank -----------------------------------------------------------------------

@pytest.mark.parametrize("value, benchmark, higher_is_better, rank, text", [
    # lower is better: 6 / 16 / 24 months are the 75th / 50th / 25th percentile of performance
    (9, PAYBACK_QUARTILES, False, 68.0, None),      # 50 + (16 - 9) / (16 - 6) x 25 = 67.5
    (16, PAYBACK_QUARTILES, False, 50.0, None),
    (24, PAYBACK_QUARTILES, False, 25.0, None),
    (20, PAYBACK_QUARTILES, False, 38.0, None),     # 25 + (24 - 20) / 8 x 25 = 37.5
    (30, PAYBACK_QUARTILES, False, None, "below the 25th percentile"),
    (5, PAYBACK_QUARTILES, False, None, "above the 75th percentile"),
    # higher is better: 1 / 4 / 12 %
    (0.12, REDPOINT, True, 75.0, None),
    (0.13, REDPOINT, True, None, "above the 75th percentile"),
    (0.025, REDPOINT, True, 38.0, None),            # 25 + 1.5 / 3 x 25 = 37.5
    (0.005, REDPOINT, True, None, "below the 25th percentile"),
    # good 8 % = 50th, great 15 % = 75th
    (0.108, TRIAL_GOOD_GREAT, True, 60.0, None),    # 50 + 2.8 / 7 x 25
    (0.15, TRIAL_GOOD_GREAT, True, 75.0, None),
    (0.07, TRIAL_GOOD_GREAT, True, None, "below the 50th percentile"),
    # a single figure has no percentile
    (0.30, ACTIVATION_36, True, None, None),
])
def test_percentile_rank(value, benchmark, higher_is_better, rank, text):
    assert percentile_rank(value, benchmark, higher_is_better) == (rank, text)


@pytest.mark.parametrize("value, benchmark, higher_is_better, text", [
    (9, PAYBACK_QUARTILES, False, "better than about 68 % of companies in Aleph x Benchmarkit (FY2025)"),
    (0.13, REDPOINT, True, "above the 75th percentile of Redpoint free-trial survey"),
    (0.82, GRR_91, True, "9.0 pp below the median"),
    (0.0429, CHURN_479, False, "0.50 pp below the average"),
    (0.41, bench("activation_rate", median=0.50), True, "18 % below the median"),
    (2.5, CAC_RATIO_2, False, "25 % above the median"),
    (29.17, NPS_36, True, "7 points below the average"),
    (0.36, ACTIVATION_36, True, "at the average"),
    (0.02, CHURN_UNDER_3, False, "1.0 pp below the threshold"),
    (12, bench("cac_payback_months", "range", low=6, high=18, unit="months"), False,
     "inside the published range"),
])
def test_position_in_words(value, benchmark, higher_is_better, text):
    judgement = judge(value, benchmark, higher_is_better)
    assert position(value, benchmark, higher_is_better, judgement).text == text


@pytest.mark.parametrize("benchmark", [PAYBACK_QUARTILES, REDPOINT, TRIAL_GOOD_GREAT])
@pytest.mark.parametrize("higher_is_better", [True, False])
def test_a_better_value_never_ranks_lower(benchmark, higher_is_better):
    top = (benchmark.high or 0) * 1.5
    values = [top * i / 400 for i in range(401)]
    if not higher_is_better:
        values.reverse()
    ranks = []
    for v in values:
        rank, text = percentile_rank(v, benchmark, higher_is_better)
        ranks.append(rank if rank is not None else (101 if text.startswith("above") else -1))
    assert ranks == sorted(ranks)
    assert all(r in (-1, 101) or 0 <= r <= 100 for r in ranks)


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 11, 22, 25, 50, 75, 101)] == [
        "1st", "2nd", "3rd", "11th", "22nd", "25th", "50th", "75th", "101st"]

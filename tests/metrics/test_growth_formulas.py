"""Growth and capital-efficiency KPIs, each against a hand-computed value."""

from __future__ import annotations

import pytest

from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi

# MRR at end = 100,000 + 8,000 + 3,000 - 1,000 - 4,000 = 106,000; change 6,000
BASE = {"mrr_start": 100000, "mrr_new": 8000, "mrr_expansion": 3000, "mrr_contraction": 1000,
        "mrr_churned": 4000, "sales_marketing_spend": 60000, "sales_marketing_spend_prior": 50000,
        "arr_year_ago": 1_000_000, "net_burn": 90000, "profit_margin": -0.2, "employees": 20,
        "gross_margin": 0.78}


def _value(kpi: str, values: dict, period: str = "month") -> float | None:
    return compute_kpi(KPIS_BY_ID[kpi], Snapshot(values, Context(period=period))).value


@pytest.mark.parametrize(("kpi", "expected"), [
    ("mrr_growth_rate", 6000 / 100000),                     # 6 %
    ("net_new_arr", 6000 * 12),                             # 72,000
    ("arr_growth_rate", 106000 * 12 / 1_000_000 - 1),       # 1,272,000 / 1,000,000 - 1 = 27.2 %
    ("burn_multiple", 90000 / 72000),                       # 1.25
    ("rule_of_40", 0.272 - 0.2),                            # 7.2 %
    ("magic_number", 72000 / 50000),                        # 1.44
    ("sales_marketing_share", 60000 / ((100000 + 106000) / 2 * 1)),  # 58.3 %
    ("arr_per_employee", 1_272_000 / 20),                   # 63,600
    ("gross_margin", 0.78),
])
def test_growth_kpis_by_hand(kpi: str, expected: float) -> None:
    assert _value(kpi, BASE) == pytest.approx(expected)


def test_quarterly_share_counts_three_months_of_revenue() -> None:
    # revenue = (100,000 + 106,000) / 2 x 3 = 309,000
    assert _value("sales_marketing_share", BASE, "quarter") == pytest.approx(60000 / 309000)


def test_magic_number_falls_back_to_this_periods_spend_and_says_so() -> None:
    values = {k: v for k, v in BASE.items() if k != "sales_marketing_spend_prior"}
    result = compute_kpi(KPIS_BY_ID["magic_number"], Snapshot(values))
    assert result.value == pytest.approx(72000 / 60000)
    assert "previous period's was not given" in result.calculation


@pytest.mark.parametrize(("change", "words"), [
    ({"net_burn": -5000}, "generated cash"),
    ({"net_burn": 0}, "generated cash"),
    ({"mrr_new": 0, "mrr_expansion": 0}, "no ARR added"),       # MRR shrank: net new ARR < 0
    ({"mrr_new": 2000, "mrr_expansion": 3000}, "no ARR added"),  # exactly 0 net new ARR
])
def test_burn_multiple_not_computable_with_the_reason(change: dict, words: str) -> None:
    result = compute_kpi(KPIS_BY_ID["burn_multiple"], Snapshot({**BASE, **change}))
    assert result.value is None and words in result.reason


def test_signed_inputs_accept_negatives_and_others_do_not() -> None:
    Snapshot({"net_burn": -1000, "profit_margin": -0.35})
    with pytest.raises(SnapshotError):
        Snapshot({"employees": -1})
    with pytest.raises(SnapshotError):
        Snapshot({"profit_margin": -50})  # -5,000 %: not plausible


def test_shrinking_mrr_gives_negative_growth_and_net_new_arr() -> None:
    values = {**BASE, "mrr_new": 0, "mrr_expansion": 0}  # end 95,000
    assert _value("mrr_growth_rate", values) == pytest.approx(-0.05)
    assert _value("net_new_arr", values) == pytest.approx(-60000)


def test_growth_converts_by_compounding() -> None:
    from funnel_core.domain.periods import convert
    value, note = convert(0.02, "growth", "month", "year")
    assert value == pytest.approx(1.02 ** 12 - 1) and "compounding" in note

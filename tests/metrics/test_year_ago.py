"""ARR a year ago from your own history: filled from the period twelve months earlier, and said."""

from __future__ import annotations

import pytest

from funnel_core.domain.model import Context, Snapshot
from funnel_core.metrics.history import kpi_history
from funnel_core.metrics.kpi_trends import kpi_trend
from funnel_core.metrics.year_ago import fill_arr_year_ago, fill_from_history


def _month(label: str, mrr_start: float, mrr_new: float = 1000, **extra: float) -> Snapshot:
    return Snapshot({"mrr_start": mrr_start, "mrr_new": mrr_new, **extra}, Context(), label=label)


def test_arr_year_ago_comes_from_the_same_month_a_year_before() -> None:
    # 2024-06: MRR at end 50,000 + 1,000 = 51,000 -> ARR 612,000
    # 2025-06: MRR at end 80,000 + 1,000 = 81,000 -> ARR 972,000; growth 972 / 612 - 1 = 58.8 %
    snapshots = [_month("2024-06", 50000), _month("2025-05", 79000), _month("2025-06", 80000)]
    filled, notes = fill_arr_year_ago(snapshots)
    assert filled[2].get("arr_year_ago") == pytest.approx(612000)
    assert filled[0].get("arr_year_ago") is None and filled[1].get("arr_year_ago") is None
    assert notes == {"2025-06": "ARR a year ago taken from your period 2024-06: $612,000 "
                                "(its MRR at end x 12)"}
    history = kpi_history(snapshots)
    assert history.attrs["filled"] == notes
    trend = kpi_trend(history, "arr_growth_rate")
    assert trend.values[2] == pytest.approx(972000 / 612000 - 1)
    assert trend.values[:2] == (None, None)


def test_a_given_value_is_never_replaced_and_quarters_step_back_four() -> None:
    given = _month("2025-06", 80000, arr_year_ago=700000)
    filled, notes = fill_arr_year_ago([_month("2024-06", 50000), given])
    assert filled[1].get("arr_year_ago") == 700000 and notes == {}
    quarters = [Snapshot({"mrr_start": 10000, "mrr_new": 500}, Context(period="quarter"),
                         label="2024-Q2"),
                Snapshot({"mrr_start": 20000, "mrr_new": 500}, Context(period="quarter"),
                         label="2025-Q2")]
    filled, notes = fill_arr_year_ago(quarters)
    assert filled[1].get("arr_year_ago") == pytest.approx(10500 * 12)
    assert "2024-Q2" in notes["2025-Q2"]


def test_nothing_is_filled_without_the_period_or_a_readable_label() -> None:
    filled, notes = fill_arr_year_ago([_month("2025-05", 1000), _month("2025-06", 1200)])
    assert notes == {} and all(s.get("arr_year_ago") is None for s in filled)
    odd = [_month("launch", 1000), _month("later", 1200)]
    assert fill_arr_year_ago(odd)[1] == {}
    # the earlier period has no MRR at start: its ARR is not computable, nothing is filled
    no_mrr = Snapshot({"visitors": 10}, Context(), label="2024-06")
    snapshot, note = fill_from_history(_month("2025-06", 80000), [no_mrr])
    assert note is None and snapshot.get("arr_year_ago") is None

"""MRR carries over: a month's MRR at start against the previous month's MRR at end."""

from __future__ import annotations

from funnel_core.metrics.continuity import mrr_continuity_gaps

# MRR at end of 2025-01: 100,000 + 8,000 + 3,000 - 1,000 - 2,000 = 108,000
JAN = {"mrr_start": 100000.0, "mrr_new": 8000.0, "mrr_expansion": 3000.0,
       "mrr_contraction": 1000.0, "mrr_churned": 2000.0}


def test_a_month_that_carries_over_is_not_reported() -> None:
    periods = {"2025-01": JAN, "2025-02": {"mrr_start": 108000.0, "mrr_new": 1.0}}
    assert mrr_continuity_gaps(periods) == []


def test_a_gap_names_both_months_and_both_amounts() -> None:
    periods = {"2025-01": JAN, "2025-02": {"mrr_start": 106000.0, "mrr_new": 1.0},
               "2025-03": {"mrr_start": 109000.0}}
    # MRR at end of 2025-02: 106,000 + 1 = 106,001; March starts 2,999 higher
    gaps = mrr_continuity_gaps(periods, {"currency": "EUR"})
    assert [(g.previous, g.label) for g in gaps] == [("2025-01", "2025-02"), ("2025-02", "2025-03")]
    first = gaps[0]
    assert first.previous_end == 108000.0 and first.start == 106000.0 and first.difference == -2000.0
    assert "2025-02" in first.message and "2025-01" in first.message
    assert "€106,000" in first.message and "€108,000" in first.message and "€2,000 lower" in first.message
    assert gaps[1].difference == 2999.0 and "higher" in gaps[1].message


def test_months_that_are_not_neighbours_or_lack_inputs_are_not_compared() -> None:
    skipped_month = {"2025-01": JAN, "2025-03": {"mrr_start": 1.0}}
    assert mrr_continuity_gaps(skipped_month) == []
    no_movement = {"2025-01": {"mrr_start": 100000.0}, "2025-02": {"mrr_start": 5.0}}
    assert mrr_continuity_gaps(no_movement) == []
    no_start = {"2025-01": JAN, "2025-02": {"mrr_new": 5.0}}
    assert mrr_continuity_gaps(no_start) == []
    assert mrr_continuity_gaps({}) == [] and mrr_continuity_gaps({"2025-01": JAN}) == []


def test_quarters_and_undated_labels() -> None:
    quarters = {"2025-Q1": JAN, "2025-Q2": {"mrr_start": 107000.0}}
    assert len(mrr_continuity_gaps(quarters, {"period": "quarter"})) == 1
    undated = {"Before": JAN, "After": {"mrr_start": 107000.0}}
    assert len(mrr_continuity_gaps(undated)) == 1
    # month labels on quarterly numbers step back three months
    month_labels = {"2025-03": JAN, "2025-06": {"mrr_start": 108000.0}}
    assert mrr_continuity_gaps(month_labels, {"period": "quarter"}) == []
    assert len(mrr_continuity_gaps({"2025-03": JAN, "2025-06": {"mrr_start": 1.0}},
                                   {"period": "quarter"})) == 1


def test_cents_of_rounding_are_not_a_gap() -> None:
    assert mrr_continuity_gaps({"2025-01": JAN, "2025-02": {"mrr_start": 108000.4}}) == []

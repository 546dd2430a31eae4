"""The ARR band suggested from the user's own ARR, and the segment carried by the page's link."""

from __future__ import annotations

from funnel_core.domain.model import Context
from funnel_core.page_state import snapshot_state
from funnel_core.page_state.peers import arr_band_suggestion
from funnel_core.page_state.share_link import decode_state, encode_state

# MRR at end = 118,000 + 13,200 + 2,400 - 700 - 1,900 = 131,000 -> ARR 1,572,000: $1M-$5M
EXAMPLE = {"mrr_start": 118000, "mrr_new": 13200, "mrr_expansion": 2400, "mrr_contraction": 700,
           "mrr_churned": 1900}


def test_suggests_the_band_of_mrr_at_end_times_12_without_choosing_it() -> None:
    context = snapshot_state.default_context()
    suggestion = arr_band_suggestion(EXAMPLE, context)
    assert suggestion is not None
    assert (suggestion.band, suggestion.arr, suggestion.chosen) == ("1m_5m", 1_572_000, None)
    assert suggestion.text.startswith("Your ARR is $1,572,000 (MRR at end x 12): that is ARR $1M-$5M.")
    assert "Choose it" in suggestion.text and not suggestion.matches
    assert context["arr_band"] is None  # suggested, never chosen for the user
    chosen = arr_band_suggestion(EXAMPLE, {**context, "arr_band": "5m_20m"})
    assert chosen.chosen == "5m_20m" and "You chose ARR $5M-$20M." in chosen.text
    assert arr_band_suggestion(EXAMPLE, {**context, "arr_band": "1m_5m"}).matches


def test_band_edges_other_currencies_and_missing_mrr() -> None:
    assert arr_band_suggestion({"mrr_start": 1_000_000 / 12, "mrr_new": 0}).band == "1m_5m"
    assert arr_band_suggestion({"mrr_start": 999_999 / 12, "mrr_new": 0}).band == "under_1m"
    assert arr_band_suggestion({"mrr_start": 5_000_000, "mrr_new": 0}).band == "over_50m"
    assert arr_band_suggestion({"mrr_start": 100_000}) is None  # no movement: MRR at end unknown
    eur = arr_band_suggestion(EXAMPLE, {"currency": "EUR"})
    assert "bands are in USD" in eur.text and "€" in eur.text
    assert arr_band_suggestion({"visitors": 100}) is None
    assert arr_band_suggestion({"leads": -1}) is None  # numbers that cannot form a snapshot


def test_share_link_carries_arr_band_and_funding() -> None:
    context = {**snapshot_state.default_context(), "arr_band": "1m_5m", "funding": "bootstrapped"}
    text, _ = encode_state({"2025-06": EXAMPLE}, None, context)
    state = decode_state(text)
    assert state.context["arr_band"] == "1m_5m" and state.context["funding"] == "bootstrapped"
    assert Context.from_mapping(state.context) == Context(arr_band="1m_5m", funding="bootstrapped")
    # the selectors name them for the app
    assert snapshot_state.CONTEXT_OPTIONS["arr_band"]["1m_5m"] == "ARR $1M-$5M"
    assert "Funding" in snapshot_state.CONTEXT_LABELS.values()
    summary = snapshot_state.context_summary(context)
    assert "ARR $1M-$5M" in summary and "Bootstrapped" in summary


def test_compared_snapshot_takes_arr_a_year_ago_from_history_and_says_so() -> None:
    periods = {"2024-06": {"mrr_start": 50000, "mrr_new": 1000},
               "2025-06": {"mrr_start": 80000, "mrr_new": 1000}}
    context = snapshot_state.default_context()
    snapshot = snapshot_state.build_snapshot(periods, None, context)
    assert snapshot.get("arr_year_ago") == 612000
    assert "2024-06" in snapshot_state.year_ago_note(periods, None, context)
    assert snapshot_state.year_ago_note(periods, "2024-06", context) is None
    assert "arr_year_ago" not in periods["2025-06"]  # the stored numbers are untouched

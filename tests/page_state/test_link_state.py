"""The session's data in the page's link and back: numbers, periods, context, own benchmarks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from funnel_core.benchmarks.catalogue import load_catalogue, load_catalogue_bytes
from funnel_core.page_state.link_state import (catalogue_csv, link_for_state, share_url,
                                               state_from_link)
from funnel_core.page_state.share_link import LinkError, encode_state
from funnel_core.page_state.snapshot_state import default_context, default_state
from funnel_core.page_state.sources_tables import rows_from_benchmarks

PERIODS = {"2025-01": {"visitors": 20000.0, "mrr_start": 100000.5, "gross_margin": 0.78},
           "2025-02": {"visitors": 21000.0, "leads": 1512.0}}
CONTEXT = {**default_context(), "currency": "EUR", "acv_band": "smb", "period": "month"}


def _own_rows() -> list[dict]:
    churn = next(b for b in load_catalogue() if b.kpi == "customer_churn_rate")
    own = replace(churn, id="board_churn", label="Board target, monthly churn", statistic="target",
                  low=None, median=None, high=0.0123456789, acv_band=("smb", "mid_market"),
                  trial_type=("any",), origin="board.csv", url="", status="U", publication="",
                  bound="strict")
    return rows_from_benchmarks([own])


def test_a_fresh_app_has_no_link() -> None:
    assert link_for_state(default_state()).text is None


def test_numbers_periods_context_note_and_own_benchmarks_round_trip() -> None:
    data = {"periods": PERIODS, "selected_period": "2025-01", "context": CONTEXT,
            "source_note": "wide.xlsx", "user_catalogue": _own_rows(),
            "form_draft": {"leads": "1.500", "mqls": ""}}
    plan = link_for_state(data)
    assert plan.text and plan.problem is None and not plan.catalogue_left_out
    assert state_from_link(plan.text) == data


def test_only_a_changed_context_or_a_draft_still_makes_a_link() -> None:
    data = {**default_state(), "context": CONTEXT}
    restored = state_from_link(link_for_state(data).text)
    assert restored["context"] == CONTEXT and restored["periods"] == {}
    typed = {**default_state(), "form_draft": {"visitors": "20,000"}}
    assert state_from_link(link_for_state(typed).text)["form_draft"] == {"visitors": "20,000"}


def test_catalogue_csv_reads_back_to_the_same_benchmarks() -> None:
    rows = _own_rows()
    again = load_catalogue_bytes(catalogue_csv(rows).encode(), "board.csv")
    assert rows_from_benchmarks(again) == rows


def test_too_many_numbers_for_a_link_say_so() -> None:
    import random
    rng = random.Random(3)
    many = {f"p{i}": {"visitors": rng.random() * 1e6, "mrr_start": rng.random() * 1e7}
            for i in range(400)}
    plan = link_for_state({"periods": many, "context": CONTEXT})
    assert plan.text is None and "cannot hold" in plan.problem and "Excel" in plan.problem


def test_a_link_with_broken_own_benchmarks_fails_cleanly() -> None:
    text, _ = encode_state(PERIODS, None, CONTEXT, "id,kpi\nx,cac\n")
    with pytest.raises(LinkError, match="own benchmarks"):
        state_from_link(text)


def test_share_url() -> None:
    assert share_url("http://localhost:8501/results", "1.abc") == "http://localhost:8501/results?s=1.abc"
    assert share_url(None, "1.abc") == "?s=1.abc"
    assert share_url("http://x/", None) is None


def test_a_link_with_an_unusable_segment_choice_restores_the_numbers_with_a_note() -> None:
    import base64
    import json
    import zlib

    from funnel_core.page_state.link_state import LINK_NOTE_KEY, state_from_link

    payload = {"p": [["2025-01", {"leads": 10, "visitors": 100}]], "c": {"period": "Month", "acv_band": "smb"}}
    text = "1." + base64.urlsafe_b64encode(zlib.compress(json.dumps(payload).encode())).decode().rstrip("=")
    restored = state_from_link(text)
    assert restored["periods"] == {"2025-01": {"leads": 10.0, "visitors": 100.0}}
    assert restored["context"]["period"] == "month" and restored["context"]["acv_band"] == "smb"
    assert "Period the numbers cover" in restored[LINK_NOTE_KEY]
    good, _ = encode_state(restored["periods"], None, restored["context"])
    assert LINK_NOTE_KEY not in state_from_link(good)  # nothing to say about a sound link

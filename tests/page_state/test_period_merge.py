"""Undated numbers never sit beside dated months; the sidebar says what was merged."""

from __future__ import annotations

from funnel_core.inputs.parsing import parse_text
from funnel_core.page_state.period_merge import (chronological, merge_note, merge_numbers,
                                                 undated_question)
from funnel_core.page_state.snapshot_state import CURRENT_PERIOD

WIDE = ("period\tWebsite visitors\tMRR at start\n2025-01\t20000\t100000\n2025-02\t21000\t104000\n"
        "2025-03\t22000\t108000\n")


def test_typed_numbers_then_dated_months_ask_and_merge_into_the_latest() -> None:
    stored = {CURRENT_PERIOD: {"leads": 1400.0, "visitors": 1.0}}
    parsed = parse_text(WIDE)
    question = undated_question(stored, parsed, replace=False, undated_name="wide.xlsx")
    assert question is not None and CURRENT_PERIOD in question.prompt
    assert question.default == "2025-03"
    assert question.options[:2] == ("2025-03", "2025-04")
    assert "new period" in question.labels["2025-04"] and "latest" in question.labels["2025-03"]
    merged, selected = merge_numbers(stored, parsed, replace=False, undated_label=question.default)
    assert list(merged) == ["2025-01", "2025-02", "2025-03"]  # no "Current period" row
    assert merged["2025-03"] == {"visitors": 22000.0, "leads": 1400.0, "mrr_start": 108000.0}
    assert selected == "2025-03"


def test_undated_paste_after_dated_months_goes_to_the_chosen_month() -> None:
    stored = {"2025-01": {"visitors": 1.0}, "2025-02": {"visitors": 2.0}}
    parsed = parse_text("Leads\t300\n")
    question = undated_question(stored, parsed, replace=False, undated_name="the pasted cells")
    assert question.prompt.startswith("The pasted cells have no date")
    merged, selected = merge_numbers(stored, parsed, replace=False, undated_label="2025-03")
    assert list(merged) == ["2025-01", "2025-02", "2025-03"] and selected == "2025-03"
    merged, selected = merge_numbers(stored, parsed, replace=False, undated_label="2025-02")
    assert merged["2025-02"] == {"visitors": 2.0, "leads": 300.0} and CURRENT_PERIOD not in merged


def test_nothing_is_asked_when_both_sides_agree_or_everything_is_replaced() -> None:
    dated = {"2025-01": {"visitors": 1.0}}
    assert undated_question(dated, parse_text(WIDE), replace=False, undated_name="x") is None
    assert undated_question({CURRENT_PERIOD: {"leads": 1.0}}, parse_text("Leads\t3\n"),
                            replace=False, undated_name="x") is None
    assert undated_question(dated, parse_text("Leads\t3\n"), replace=True, undated_name="x") is None
    assert undated_question({}, parse_text("Leads\t3\n"), replace=False, undated_name="x") is None


def test_added_months_are_kept_in_calendar_order() -> None:
    stored = {"2025-02": {"visitors": 2.0}}
    merged, _ = merge_numbers(stored, parse_text("period\tvisitors\n2025-01\t1\n2025-03\t3\n"),
                              replace=False)
    assert list(merged) == ["2025-01", "2025-02", "2025-03"]
    assert list(chronological({"b": {}, "a": {}})) == ["b", "a"]  # not dates: order kept


def test_the_source_line_says_what_was_merged_from_where() -> None:
    stored = {CURRENT_PERIOD: {"leads": 1400.0, "mrr_new": 5000.0}}
    parsed = parse_text("Website visitors\t20000\nMQLs\t500\n")
    merged, _ = merge_numbers(stored, parsed, replace=False)
    note = merge_note("typed in the form", "pasted cells", stored, merged, replace=False)
    assert note == "typed in the form + pasted cells (Website visitors, MQLs into Current period)"
    assert merge_note("typed in the form", "pasted cells", stored, merged, replace=True) == "pasted cells"
    months, _ = merge_numbers({"2025-01": {"visitors": 1.0}}, parse_text(WIDE), replace=False)
    note = merge_note("a.csv", "wide.xlsx", {"2025-01": {"visitors": 1.0}}, months, replace=False)
    assert note == "a.csv + wide.xlsx (2025-02, 2025-03 added; Website visitors, MRR at start into 2025-01)"
    assert len(merge_note("x" * 400, "y.csv", stored, merged, replace=False)) == 160


def test_the_note_of_an_added_file_is_shown_in_the_sessions_language() -> None:
    from funnel_core.domain.i18n import use_language
    from funnel_core.page_state.snapshot_state import source_text

    stored = {CURRENT_PERIOD: {"visitors": 1.0}}
    merged = {f"2025-0{m}": {"visitors": float(m)} for m in range(1, 5)}
    note = merge_note("typed in the form", "wide.xlsx", stored, merged, replace=False)
    assert note == ("typed in the form + wide.xlsx (2025-01–2025-04 added; Current period merged "
                    "into a dated period)")
    for language in ("de", "fr", "pl"):
        with use_language(language):
            shown = source_text(note)
        for english in ("typed in the form", " added", "Current period", "merged", " to "):
            assert english not in shown, (language, shown)
        assert "wide.xlsx" in shown and "2025-01–2025-04" in shown

"""funnel_core.page_state.snapshot_state: the session's data records, merging parsed input, context."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.inputs.parsing import parse_bytes, parse_text
from funnel_core.page_state import snapshot_state

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "example_company.csv"


def test_default_state_has_every_data_key() -> None:
    state = snapshot_state.default_state()
    assert set(state) == {"periods", "selected_period", "context", "source_note", "user_catalogue"}
    assert state["periods"] == {}
    assert state["context"] == Context().to_dict()
    # fresh objects every time (no shared mutable default between sessions)
    assert snapshot_state.default_state()["periods"] is not state["periods"]


def test_clean_values_drops_empty_and_keeps_canonical_order() -> None:
    values = snapshot_state.clean_values({"leads": 1400, "visitors": "20000", "mqls": None,
                                          "sqls": float("nan"), "opportunities": ""})
    assert values == {"visitors": 20000.0, "leads": 1400.0}
    assert list(values) == ["visitors", "leads"]


@pytest.mark.parametrize("values, field", [
    ({"visitors": -1}, "visitors"),
    ({"gross_margin": 80}, "gross_margin"),
    ({"nonsense": 1}, "nonsense"),
])
def test_clean_values_rejects_what_a_snapshot_rejects(values: dict, field: str) -> None:
    with pytest.raises(SnapshotError) as info:
        snapshot_state.clean_values(values)
    assert info.value.field == field


def test_build_snapshot_uses_selected_period_or_latest() -> None:
    periods = {"2025-05": {"visitors": 10000.0}, "2025-06": {"visitors": 20000.0}}
    ctx = {"period": "month", "currency": "EUR", "acv_band": "smb"}
    assert snapshot_state.build_snapshot(periods, None, ctx).get("visitors") == 20000.0
    assert snapshot_state.build_snapshot(periods, "2025-05", ctx).get("visitors") == 10000.0
    assert snapshot_state.build_snapshot(periods, "gone", ctx).label == "2025-06"
    snap = snapshot_state.build_snapshot({snapshot_state.CURRENT_PERIOD: {"leads": 5.0}}, None, ctx)
    assert snap.label is None and snap.context.currency == "EUR" and snap.context.acv_band == "smb"
    assert snapshot_state.build_snapshot({}, None, ctx) is None


def test_snapshot_key_round_trips_and_is_stable() -> None:
    snap = Snapshot({"leads": 1400, "visitors": 20000}, Context(period="quarter", acv_band="smb"), "Q2")
    key = snapshot_state.snapshot_key(snap)
    assert snapshot_state.snapshot_from_key(key) == snap
    same = Snapshot({"visitors": 20000, "leads": 1400}, Context(period="quarter", acv_band="smb"), "Q2")
    assert snapshot_state.snapshot_key(same) == key
    assert snapshot_state.snapshot_key(None) == ""


def test_store_values_copies_and_cleans() -> None:
    periods = {"a": {"visitors": 1.0}}
    out = snapshot_state.store_values(periods, "b", {"leads": 2, "mqls": None})
    assert out == {"a": {"visitors": 1.0}, "b": {"leads": 2.0}}
    assert periods == {"a": {"visitors": 1.0}}


def test_merge_parsed_long_layout_becomes_current_period() -> None:
    parsed = parse_text("Visitors\t20000\nLeads\t1400")
    periods, selected = snapshot_state.merge_parsed({"2025-01": {"visitors": 5.0}}, parsed)
    assert periods == {snapshot_state.CURRENT_PERIOD: {"visitors": 20000.0, "leads": 1400.0}}
    assert selected == snapshot_state.CURRENT_PERIOD


def test_merge_parsed_wide_layout_keeps_labels_and_selects_latest() -> None:
    parsed = parse_text("Month\tVisitors\tLeads\n2025-05\t10000\t500\n2025-06\t20000\t1400\n")
    periods, selected = snapshot_state.merge_parsed({}, parsed)
    assert list(periods) == ["2025-05", "2025-06"]
    assert selected == "2025-06"


def test_merge_parsed_merge_mode_overwrites_only_given_fields() -> None:
    parsed = parse_text("Leads\t1400")
    stored = {snapshot_state.CURRENT_PERIOD: {"visitors": 20000.0, "leads": 1.0},
              "2025-01": {"leads": 3.0}}
    periods, _ = snapshot_state.merge_parsed(stored, parsed, replace=False)
    assert periods[snapshot_state.CURRENT_PERIOD] == {"visitors": 20000.0, "leads": 1400.0}
    assert periods["2025-01"] == {"leads": 3.0}
    assert stored[snapshot_state.CURRENT_PERIOD]["leads"] == 1.0  # input not modified


def test_context_from_parsed_applies_valid_values_and_reports_bad_ones() -> None:
    parsed = parse_bytes(EXAMPLE.read_bytes(), EXAMPLE.name)
    ctx, problems = snapshot_state.context_from_parsed(snapshot_state.default_context(), parsed)
    assert ctx["acv_band"] == "smb" and ctx["trial_type"] == "no_card" and ctx["currency"] == "USD"
    assert problems == []

    class Fake:
        context = {"acv_band": "gigantic", "currency": "eur", "motion": "any"}

    ctx, problems = snapshot_state.context_from_parsed({"acv_band": "smb", "motion": "self_serve"},
                                                       Fake())
    assert ctx["acv_band"] == "smb" and ctx["currency"] == "EUR" and ctx["motion"] is None
    assert len(problems) == 1 and "acv_band" in problems[0]


def test_example_company_is_fictional_and_complete() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "FICTIONAL" in text
    parsed = parse_bytes(EXAMPLE.read_bytes(), EXAMPLE.name, mapping={"note": None})
    assert parsed.issues == []
    periods, _ = snapshot_state.merge_parsed({}, parsed)
    assert len(periods[snapshot_state.CURRENT_PERIOD]) >= 25


def test_context_widget_values_round_trip() -> None:
    for key, options in snapshot_state.CONTEXT_OPTIONS.items():
        for value in options:
            stored = snapshot_state.context_from_widget(value)
            assert snapshot_state.context_to_widget(stored) == value
    assert snapshot_state.context_from_widget("any") is None
    assert "contract size (acv) not said" in snapshot_state.context_summary({}, include_unsaid=True)
    quarter = {"period": "quarter", "currency": "EUR", "acv_band": "smb"}
    assert snapshot_state.context_summary(quarter) == \
        "Quarterly numbers in EUR · SMB (ACV under $12K)"


def test_snapshot_summary() -> None:
    summary = snapshot_state.snapshot_summary({"a": {"visitors": 1.0},
                                               "b": {"visitors": 1.0, "nps_promoters": 3.0}},
                                              None, "file.csv")
    assert summary["period"] == "b" and summary["filled"] == 2 and summary["period_count"] == 2
    assert summary["stages"] == ["Acquisition & sales funnel", "Net Promoter Score survey"]
    assert not snapshot_state.snapshot_summary({}, None, None)["has_numbers"]


def test_merge_plan_says_what_adding_and_replacing_do() -> None:
    stored = {m: {"visitors": 1.0} for m in ("2025-01", "2025-02", "2025-03", "2025-04")}
    plan = snapshot_state.merge_plan(stored, parse_text("Visitors\t20000\nLeads\t1400"))
    assert plan["kept"] == list(stored) and plan["added"] == [snapshot_state.CURRENT_PERIOD]
    assert plan["dropped"] == 4
    assert plan["replace_label"] == "Replace everything: drop all 4 stored periods"
    assert "2025-01 to 2025-04" in plan["merge_caption"] and "kept" in plan["merge_caption"]
    wide = parse_text("Month\tVisitors\n2025-04\t10\n2025-05\t20\n")
    plan = snapshot_state.merge_plan(stored, wide)
    assert plan["updated"] == ["2025-04"] and plan["added"] == ["2025-05"]
    assert plan["kept"] == ["2025-01", "2025-02", "2025-03"]
    assert "2025-04: the fields given here overwrite the same fields" in plan["merge_caption"]


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("period", "month", True),
    ("period", "Month", False),  # the English label a selector hands back after a language switch
    ("period", "Monat", False),
    ("period", None, False),  # the period is always said
    ("acv_band", None, True),  # not said
    ("acv_band", "smb", True),
    ("acv_band", "any", False),  # the selector's own code for not said is stored as None
    ("acv_band", 3, False),
    ("currency", "EUR", True),
    ("currency", "EUR (€)", False),
    ("unknown_key", "x", False),
])
def test_is_context_choice(key: str, value: object, expected: bool) -> None:
    assert snapshot_state.is_context_choice(key, value) is expected


def test_every_choice_of_every_selector_is_a_context_choice_and_builds_a_context() -> None:
    for key, options in snapshot_state.CONTEXT_OPTIONS.items():
        for option in options:
            value = snapshot_state.context_from_widget(option)
            assert snapshot_state.is_context_choice(key, value), (key, option)
            Context.from_mapping({key: value})  # never raises for a choice the app offers

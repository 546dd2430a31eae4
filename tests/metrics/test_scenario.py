"""Scenarios: FIELD=VALUE changes read, checked and applied (numbers by hand in the comments)."""

from __future__ import annotations

import pytest

from funnel_core.domain.model import Context, Snapshot
from funnel_core.metrics.scenario import (Change, Scenario, ScenarioError, apply_changes, parse_change,
                                          parse_changes, scenario_from_values)

BASE = Snapshot({"visitors": 40000, "leads": 2000, "new_customers": 50, "gross_margin": 0.8},
                Context(period="quarter", currency="EUR"), label="2025-Q2")


@pytest.mark.parametrize("text, expected", [
    ("leads=500", Change("leads", 500.0)),
    ("leads = 1_500", Change("leads", 1500.0)),
    ("leads=+10%", Change("leads", 0.10, relative=True)),
    ("leads=-25%", Change("leads", -0.25, relative=True)),
    ("gross_margin=85%", Change("gross_margin", 0.85)),     # a fraction field: 85 % is 0.85
    ("gross_margin=0.7", Change("gross_margin", 0.7)),
    ("mrr_new=1.5e3", Change("mrr_new", 1500.0)),
])
def test_changes_are_read(text, expected):
    change = parse_change(text)
    assert change.field == expected.field and change.relative == expected.relative
    assert change.value == pytest.approx(expected.value)


@pytest.mark.parametrize("text, field, words", [
    ("lead=5", "lead", "unknown field 'lead' (did you mean leads"),
    ("nonsense=5", "nonsense", "unknown field 'nonsense'; fields are: visitors, leads"),
    ("leads=abc", "leads", "'abc' is not a number"),
    ("leads=1,5", "leads", "is not a number"),
    ("leads=-5", "leads", "Leads cannot be negative (-5)"),
    ("customers_churned=-1", "customers_churned", "Churned customers cannot be negative"),
    ("leads=10%", "leads", "write leads=+10% to change it by 10 %"),
    ("gross_margin=120%", "gross_margin", "fraction from 0 to 1"),
    ("leads=-150%", "leads", "would make Leads negative"),
    ("leads", "leads", "write FIELD=VALUE"),
])
def test_bad_changes_name_the_field_and_the_problem(text, field, words):
    with pytest.raises(ScenarioError) as info:
        parse_change(text)
    assert info.value.field == field
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_applying_changes_absolute_and_relative_keeps_everything_else():
    changed, applied = apply_changes(BASE, parse_changes(["leads=+10%", "visitors=50000"]))
    assert changed.get("leads") == pytest.approx(2200)          # 2,000 x 1.10
    assert changed.get("visitors") == 50000
    assert changed.get("new_customers") == 50 and changed.get("gross_margin") == 0.8
    assert changed.context == BASE.context and changed.label == "2025-Q2"
    assert [(a.field, a.before, a.after) for a in applied] == [
        ("visitors", 40000, 50000), ("leads", 2000, pytest.approx(2200))]  # form order
    assert BASE.get("leads") == 2000                            # the baseline is untouched


def test_a_later_change_of_the_same_field_wins_and_an_unchanged_value_is_not_listed():
    changed, applied = apply_changes(BASE, parse_changes(["leads=100", "leads=+50%", "new_customers=50"]))
    assert changed.get("leads") == pytest.approx(150)           # 100 x 1.5
    assert [a.field for a in applied] == ["leads"]


def test_a_field_not_given_can_be_set_but_not_changed_by_a_percentage():
    changed, applied = apply_changes(BASE, [Change("mrr_new", 1000.0)])
    assert changed.get("mrr_new") == 1000 and applied[0].before is None
    with pytest.raises(ScenarioError, match="Sign-ups is not in your numbers") as info:
        apply_changes(BASE, parse_changes(["signups=+10%"]))
    assert info.value.field == "signups"


def test_a_relative_change_of_a_fraction_above_100_percent_is_refused():
    with pytest.raises(ScenarioError, match="gross_margin"):
        apply_changes(BASE, parse_changes(["gross_margin=+50%"]))  # 0.8 x 1.5 = 1.2


def test_named_scenario_from_values():
    scenario = scenario_from_values("Lower churn", {"leads": 2500})
    assert scenario == Scenario("Lower churn", (Change("leads", 2500.0),))
    changed, _ = scenario.apply(BASE)
    assert changed.get("leads") == 2500
    with pytest.raises(ScenarioError, match="unknown field 'bogus'"):
        scenario_from_values("x", {"bogus": 1})
    with pytest.raises(ScenarioError, match="cannot be negative"):
        scenario_from_values("x", {"leads": -1})


def test_change_text_round_trips():
    for text in ("leads=500", "leads=+10%", "leads=-25%"):
        assert parse_change(parse_change(text).text()).text() == parse_change(text).text()

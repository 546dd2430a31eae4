"""funnel_core.session: the pure helpers behind the pages (no Streamlit)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from funnel_core.page_state import session as fs
from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.benchmarks.compare import compare
from funnel_core.domain.constants import FIELDS
from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.inputs.parsing import parse_bytes, parse_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "example_company.csv"


def test_default_state_has_every_data_key() -> None:
    state = fs.default_state()
    assert set(state) == {"periods", "selected_period", "context", "source_note", "user_catalogue"}
    assert state["periods"] == {}
    assert state["context"] == Context().to_dict()
    # fresh objects every time (no shared mutable default between sessions)
    assert fs.default_state()["periods"] is not state["periods"]


def test_clean_values_drops_empty_and_keeps_canonical_order() -> None:
    values = fs.clean_values({"leads": 1400, "visitors": "20000", "mqls": None, "sqls": float("nan"),
                              "opportunities": ""})
    assert values == {"visitors": 20000.0, "leads": 1400.0}
    assert list(values) == ["visitors", "leads"]


@pytest.mark.parametrize("values, field", [
    ({"visitors": -1}, "visitors"),
    ({"gross_margin": 80}, "gross_margin"),
    ({"nonsense": 1}, "nonsense"),
])
def test_clean_values_rejects_what_a_snapshot_rejects(values: dict, field: str) -> None:
    with pytest.raises(SnapshotError) as info:
        fs.clean_values(values)
    assert info.value.field == field


def test_build_snapshot_uses_selected_period_or_latest() -> None:
    periods = {"2025-05": {"visitors": 10000.0}, "2025-06": {"visitors": 20000.0}}
    ctx = {"period": "month", "currency": "EUR", "acv_band": "smb"}
    assert fs.build_snapshot(periods, None, ctx).get("visitors") == 20000.0
    assert fs.build_snapshot(periods, "2025-05", ctx).get("visitors") == 10000.0
    assert fs.build_snapshot(periods, "gone", ctx).label == "2025-06"
    snap = fs.build_snapshot({fs.CURRENT_PERIOD: {"leads": 5.0}}, None, ctx)
    assert snap.label is None and snap.context.currency == "EUR" and snap.context.acv_band == "smb"
    assert fs.build_snapshot({}, None, ctx) is None


def test_snapshot_key_round_trips_and_is_stable() -> None:
    snap = Snapshot({"leads": 1400, "visitors": 20000}, Context(period="quarter", acv_band="smb"), "Q2")
    key = fs.snapshot_key(snap)
    assert fs.snapshot_from_key(key) == snap
    same = Snapshot({"visitors": 20000, "leads": 1400}, Context(period="quarter", acv_band="smb"), "Q2")
    assert fs.snapshot_key(same) == key
    assert fs.snapshot_key(None) == ""


def test_store_values_copies_and_cleans() -> None:
    periods = {"a": {"visitors": 1.0}}
    out = fs.store_values(periods, "b", {"leads": 2, "mqls": None})
    assert out == {"a": {"visitors": 1.0}, "b": {"leads": 2.0}}
    assert periods == {"a": {"visitors": 1.0}}


def test_merge_parsed_long_layout_becomes_current_period() -> None:
    parsed = parse_text("Visitors\t20000\nLeads\t1400")
    periods, selected = fs.merge_parsed({"2025-01": {"visitors": 5.0}}, parsed)
    assert periods == {fs.CURRENT_PERIOD: {"visitors": 20000.0, "leads": 1400.0}}
    assert selected == fs.CURRENT_PERIOD


def test_merge_parsed_wide_layout_keeps_labels_and_selects_latest() -> None:
    parsed = parse_text("Month\tVisitors\tLeads\n2025-05\t10000\t500\n2025-06\t20000\t1400\n")
    periods, selected = fs.merge_parsed({}, parsed)
    assert list(periods) == ["2025-05", "2025-06"]
    assert selected == "2025-06"


def test_merge_parsed_merge_mode_overwrites_only_given_fields() -> None:
    parsed = parse_text("Leads\t1400")
    stored = {fs.CURRENT_PERIOD: {"visitors": 20000.0, "leads": 1.0}, "2025-01": {"leads": 3.0}}
    periods, _ = fs.merge_parsed(stored, parsed, replace=False)
    assert periods[fs.CURRENT_PERIOD] == {"visitors": 20000.0, "leads": 1400.0}
    assert periods["2025-01"] == {"leads": 3.0}
    assert stored[fs.CURRENT_PERIOD]["leads"] == 1.0  # input not modified


def test_context_from_parsed_applies_valid_values_and_reports_bad_ones() -> None:
    parsed = parse_bytes(EXAMPLE.read_bytes(), EXAMPLE.name)
    ctx, problems = fs.context_from_parsed(fs.default_context(), parsed)
    assert ctx["acv_band"] == "smb" and ctx["trial_type"] == "no_card" and ctx["currency"] == "USD"
    assert problems == []

    class Fake:
        context = {"acv_band": "gigantic", "currency": "eur", "motion": "any"}

    ctx, problems = fs.context_from_parsed({"acv_band": "smb", "motion": "self_serve"}, Fake())
    assert ctx["acv_band"] == "smb" and ctx["currency"] == "EUR" and ctx["motion"] is None
    assert len(problems) == 1 and "acv_band" in problems[0]


def test_example_company_is_fictional_and_complete() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "FICTIONAL" in text
    parsed = parse_bytes(EXAMPLE.read_bytes(), EXAMPLE.name, mapping={"note": None})
    assert parsed.issues == []
    periods, _ = fs.merge_parsed({}, parsed)
    assert len(periods[fs.CURRENT_PERIOD]) >= 25


def test_editor_frame_and_edits() -> None:
    frame = fs.editor_frame({"visitors": 20000.0})
    assert list(frame.columns) == list(fs.EDITOR_COLUMNS)
    assert len(frame) == len(FIELDS)
    assert frame.loc[frame["Name"] == "visitors", "Value"].item() == 20000.0
    assert math.isnan(frame.loc[frame["Name"] == "leads", "Value"].item())
    names = list(frame["Name"])
    edits = fs.editor_edits({1: {"Value": 1400}, "0": {"Value": None}, 99: {"Value": 3}}, names)
    assert set(edits) == {"leads", "visitors"}
    assert fs.apply_editor_edits({"visitors": 20000.0}, edits) == {"leads": 1400.0}
    with pytest.raises(SnapshotError):
        fs.apply_editor_edits({}, {"gross_margin": {"Value": 75}})


def test_parsed_frames_show_values_as_typed() -> None:
    parsed = parse_text("Visitors;20.000\nMRR at start;12.500,50", number_convention="de")
    frame = fs.parsed_frame(parsed, currency="EUR")
    assert frame.set_index("Name")["Value"].to_dict() == {"visitors": "20,000", "mrr_start": "€12,500.50"}
    wide = parse_text("Month\tVisitors\n2025-05\t10\n2025-06\t20\n")
    table = fs.parsed_periods_frame(wide)
    assert list(table.columns) == ["Field", "2025-05", "2025-06"]


def test_issue_texts_name_row_and_column() -> None:
    parsed = parse_bytes(b"metric,value\nvisitors,-5\nleads,10\n", "f.csv")
    text = fs.issues_markdown(parsed.issues)
    assert "row 2" in text and "column 'value'" in text and "**Error**" in text
    error = fs.error_text(parsed.issues[0], "Could not read f.csv", "Fix it.")
    assert error.startswith("**Could not read f.csv.** Row 2, column 'value': ")
    assert ".." not in error and error.endswith("Fix it.")
    assert fs.describe_issue(parsed.issues[0]).startswith("f.csv, row 2, column 'value': ")


def test_raw_preview_uses_spreadsheet_coordinates() -> None:
    raw = pd.DataFrame([["metric", "value"], ["visitors", "1"]])
    raw.attrs["private"] = frozenset({1})
    shown = fs.raw_preview(raw)
    assert list(shown.columns) == ["A", "B"] and list(shown.index) == [1, 2]
    assert shown.attrs == {}
    assert fs._column_letter(26) == "AA"


def test_mapping_candidates_are_texts_of_first_row_and_column() -> None:
    raw = pd.DataFrame([["Zorbs", "Quuxes", "12"], ["Blips", "1", "2"], ["Zorbs", "3", "4"]])
    assert fs.mapping_candidates(raw) == ["Zorbs", "Quuxes", "Blips"]


def test_context_widget_values_round_trip() -> None:
    for key, options in fs.CONTEXT_OPTIONS.items():
        for value in options:
            stored = fs.context_from_widget(value)
            assert fs.context_to_widget(stored) == value
    assert fs.context_from_widget("any") is None
    assert "contract size (acv) not said" in fs.context_summary({}, include_unsaid=True)
    assert fs.context_summary({"period": "quarter", "currency": "EUR", "acv_band": "smb"}) == \
        "Quarterly numbers in EUR · SMB (ACV under $12K)"


def test_user_catalogue_rows_round_trip() -> None:
    published = load_catalogue()[:3]
    rows = fs.rows_from_benchmarks(published)
    json.dumps(rows)  # JSON-safe for the session
    assert fs.benchmarks_from_rows(rows) == published
    assert fs.catalogue_key(None) == "" and fs.catalogue_key(rows) == fs.catalogue_key(list(rows))
    assert len(fs.full_catalogue(rows)) == len(load_catalogue()) + 3


def _report(values: dict, **context) -> object:
    return compare(Snapshot(values, Context(**context)))


def test_kpi_table_rows_have_verdict_symbols_sources_and_status() -> None:
    report = _report({"visitors": 20000, "leads": 1400, "customers_start": 200,
                      "customers_churned": 6}, acv_band="smb")
    table = fs.kpi_table(report)
    assert list(table.columns) == list(fs.KPI_TABLE_COLUMNS)
    v2l = table[table["kpi_id"] == "visitor_to_lead_rate"].iloc[0]
    assert v2l["Your value"] == "7.0 %"
    assert v2l["Verdict"] == "● In line"         # 7.0 % against a 7 % average
    assert v2l["Status"] == "U · source not verified"
    churn = table[table["kpi_id"] == "customer_churn_rate"]
    assert (churn["Your value"] == "3.0 % per month").all()
    assert churn["Benchmark"].str.contains("per month|per year").all()
    assert set(table["Verdict"].str[0]) <= {"▲", "●", "▼", "–"}


def test_all_warnings_lists_each_warning_once() -> None:
    report = _report({"visitors": 100, "leads": 400})
    warnings = fs.all_warnings(report)
    assert len(warnings) == len(set(warnings)) >= 1
    assert any("more than" in w for w in warnings)


def test_headline_and_not_computable() -> None:
    report = _report({"visitors": 20000, "leads": 1400})
    head = fs.headline(report)
    assert head["computed"] == 1 and head["total"] == 28
    assert head["kpi_better"] + head["kpi_in_line"] + head["kpi_worse"] == head["kpis_judged"]
    missing = dict(fs.not_computable(report))
    assert "Lead to MQL" in missing and "MQLs (mqls)" in missing["Lead to MQL"]


def test_kpi_detail_has_formula_with_the_users_numbers() -> None:
    report = _report({"customers_start": 200, "customers_churned": 30}, period="quarter")
    detail = fs.kpi_detail(report.get("customer_churn_rate"))
    assert detail.formula.startswith("churned customers / customers at start")
    assert "30 / 200" in detail.calculation
    assert detail.value == "5.3 %"  # 1 - (1 - 30/200)^(1/3) = 5.27 % per month
    assert detail.benchmarks and all(b.verdict for b in detail.benchmarks)


@pytest.mark.parametrize("statistic, low, median, high, expected", [
    ("quartiles", 0.01, 0.04, 0.12, "P25 1.0 % · median 4.0 % · P75 12.0 %"),
    ("good_great", 0.9, None, 1.1, "good 90.0 % · great 110.0 %"),
    ("threshold", None, None, 0.03, "at most 3.0 %"),
    ("threshold", 3.0, None, None, "at least 300.0 %"),
    ("range", 0.05, None, 0.07, "5.0 % – 7.0 %"),
    ("median", None, 1.02, None, "median 102.0 %"),
])
def test_benchmark_figure_in_words(statistic, low, median, high, expected) -> None:
    b = load_catalogue()[0]
    from dataclasses import replace

    assert fs.benchmark_figure(replace(b, statistic=statistic, low=low, median=median, high=high)) == expected


def test_sources_tables() -> None:
    frame = fs.catalogue_frame(load_catalogue())
    assert len(frame) == len(load_catalogue())
    assert {"KPI", "Figure", "Segment", "Source", "Status", "Link"} <= set(frame.columns)
    assert frame["Status"].str.startswith(("V ·", "S ·", "U ·")).all()
    definitions = fs.definitions_frame()
    assert len(definitions) == 28
    assert definitions.set_index("KPI").loc["CAC", "Formula"] == "sales & marketing spend / new customers"
    assert len(fs.fields_frame()) == len(FIELDS)
    text = " ".join(t + " " + d for t, d in fs.SEED_ERRORS)
    assert "46 %" in text and "not 60 %" in text and "100,000 / 200 = 500" in text


def test_snapshot_summary() -> None:
    summary = fs.snapshot_summary({"a": {"visitors": 1.0}, "b": {"visitors": 1.0, "nps_promoters": 3.0}},
                                  None, "file.csv")
    assert summary["period"] == "b" and summary["filled"] == 2 and summary["period_count"] == 2
    assert summary["stages"] == ["Acquisition & sales funnel", "Net Promoter Score survey"]
    assert not fs.snapshot_summary({}, None, None)["has_numbers"]
    assert fs.count_text(7.54) == "7.5" and fs.count_text(56.04) == "56"


# --------------------------------------------------------------------------------------
# the form read like a file; adding to stored numbers; next steps; cards with periods
# --------------------------------------------------------------------------------------

def test_read_form_german_thousands_alone_is_an_error_with_the_fix() -> None:
    reading = fs.read_form({"visitors": "12.500"})
    assert not reading.ok and reading.values == {}
    (error,) = reading.errors
    assert error == ("'12.500' reads as 12.5, which is not a whole number of Website visitors; "
                     "if you meant 12,500, choose the number format 1.234,5.")
    assert fs.read_form({"visitors": "12.500"}, "de").values == {"visitors": 12500.0}


def test_read_form_decides_the_format_from_all_typed_fields() -> None:
    reading = fs.read_form({"visitors": "12.500", "leads": "1.400", "mrr_start": "48.000,50",
                            "gross_margin": "80 %", "mqls": "", "sqls": None})
    assert reading.ok, reading.errors
    assert reading.convention == "de"
    assert reading.values == {"visitors": 12500.0, "leads": 1400.0, "mrr_start": 48000.5,
                              "gross_margin": pytest.approx(0.8)}
    english = fs.read_form({"visitors": "12,500", "mrr_start": "48,000.50", "gross_margin": "0.8"})
    assert english.convention == "en" and english.values["mrr_start"] == 48000.5


def test_read_form_non_whole_count_negative_percent_and_text_are_errors() -> None:
    reading = fs.read_form({"leads": "1.234,5", "mrr_churned": "-1.200", "new_customers": "7 %",
                            "mqls": "lots"})
    text = " ".join(reading.errors)
    assert len(reading.errors) == 4
    assert "'1.234,5' reads as 1,234.5, which is not a whole number of Leads" in text
    assert "Enter amounts lost as positive numbers: Churned MRR 1.200, not -1.200" in text
    assert "New customers: '7 %' is a percentage" in text
    assert "MQLs: 'lots' is not a number" in text


def test_read_form_warns_about_an_undecided_ambiguous_reading() -> None:
    reading = fs.read_form({"visitors": "1.000"})
    assert reading.values == {"visitors": 1.0}
    assert any("could be read either way" in w and "1,000" in w for w in reading.warnings)
    assert fs.read_form({"gross_margin": "80"}).warnings  # a bare 80 is read as 80 %


def test_form_texts_read_back_to_the_stored_values_in_both_formats() -> None:
    stored = {"visitors": 20000.0, "mrr_start": 24180.5, "mrr_new": 1.234, "gross_margin": 0.78}
    for convention in ("auto", "en", "de"):
        shown = fs.form_texts(stored, convention)
        assert shown["visitors"] == "20000" and shown["gross_margin"] == "78 %"
        # unchanged texts keep the stored value; re-read from scratch they give it too
        assert fs.read_form(shown, convention, stored=stored, shown=shown).values == stored
        fresh = fs.read_form(shown, "de" if convention == "de" else "en")
        assert fresh.values == pytest.approx(stored)
    assert fs.form_texts({"mrr_start": 24180.5}, "de") == {"mrr_start": "24180,5"}


def test_read_form_kept_fields_do_not_vote_on_the_format() -> None:
    stored = {"mrr_start": 24180.5}
    shown = fs.form_texts(stored, "en")                      # "24180.5"
    reading = fs.read_form({**shown, "leads": "1.400", "mrr_new": "1.890,00"}, "auto",
                           stored=stored, shown=shown)
    assert reading.ok and reading.convention == "de"
    assert reading.values == {"leads": 1400.0, "mrr_start": 24180.5, "mrr_new": 1890.0}
    assert reading.typed == ("leads", "mrr_new")


def test_merge_plan_says_what_adding_and_replacing_do() -> None:
    stored = {m: {"visitors": 1.0} for m in ("2025-01", "2025-02", "2025-03", "2025-04")}
    plan = fs.merge_plan(stored, parse_text("Visitors\t20000\nLeads\t1400"))
    assert plan["kept"] == list(stored) and plan["added"] == [fs.CURRENT_PERIOD]
    assert plan["dropped"] == 4
    assert plan["replace_label"] == "Replace everything: drop all 4 stored periods"
    assert "2025-01 to 2025-04" in plan["merge_caption"] and "kept" in plan["merge_caption"]
    wide = parse_text("Month\tVisitors\n2025-04\t10\n2025-05\t20\n")
    plan = fs.merge_plan(stored, wide)
    assert plan["updated"] == ["2025-04"] and plan["added"] == ["2025-05"]
    assert plan["kept"] == ["2025-01", "2025-02", "2025-03"]
    assert "2025-04: the fields given here overwrite the same fields" in plan["merge_caption"]


def test_negative_issue_message_says_what_to_do() -> None:
    parsed = parse_bytes(b"metric;value\nLeads;-500\nChurned MRR;-1.200,50\n", "neg.csv")
    messages = [fs.issue_message(i) for i in parsed.issues]
    assert any("Leads 500, not -500" in m for m in messages), messages
    assert any("Churned MRR 1.200,50, not -1.200,50" in m for m in messages), messages
    text = fs.issues_markdown(parsed.issues)
    assert "row 2" in text and "column 'value'" in text and "Leads 500, not -500" in text
    assert "not -500" in fs.describe_issue(parsed.issues[0])
    # a message that already gives the example is not repeated
    assert fs.issue_message(fs.issue_message(parsed.issues[0])) == fs.issue_message(parsed.issues[0])


def test_revenue_cards_name_their_period() -> None:
    parsed = parse_bytes(EXAMPLE.read_bytes(), EXAMPLE.name, mapping={"note": None})
    periods, selected = fs.merge_parsed({}, parsed)
    ctx, _ = fs.context_from_parsed(fs.default_context(), parsed)
    report = compare(fs.build_snapshot(periods, selected, ctx), load_catalogue())
    cards = {c.kpi_id: c for c in fs.revenue_cards(report)}
    assert list(cards) == list(fs.REVENUE_KPIS)
    nrr = cards["net_revenue_retention"]
    assert (nrr.label, nrr.value, nrr.note) == ("Net revenue retention, per month", "99.8 %",
                                                "98.0 % per year, compounded")
    assert all(len(c.label) <= 34 for c in cards.values())  # fits a third of the page at 1280 px
    quarterly = compare(fs.build_snapshot(periods, selected, {**ctx, "period": "quarter"}),
                        load_catalogue())
    assert fs.revenue_cards(quarterly)[0].label == "MRR at end of quarter"
    assert any(line.startswith("Net revenue retention: 99.8 % per month = 98.0 % per year")
               for line in fs.converted_lines(report))


def test_status_text_names_a_definition_caveat():
    from funnel_core.page_state.session import status_text

    assert status_text("U") == "U · source not verified"
    assert "probably measures something else" in status_text("U", "doubtful")
    assert "similar definition" in status_text("S", "approximate")

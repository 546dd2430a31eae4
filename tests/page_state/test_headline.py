"""funnel_core.page_state.headline: the top of the results page: counts, warnings, metric cards."""

from __future__ import annotations

from pathlib import Path

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.benchmarks.compare import compare
from funnel_core.metrics.kpis import KPIS
from funnel_core.domain.model import Context, Snapshot
from funnel_core.inputs.parsing import parse_bytes
from funnel_core.page_state import headline, snapshot_state

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "example_company.csv"


def _report(values: dict, **context) -> object:
    return compare(Snapshot(values, Context(**context)))


def test_all_warnings_lists_each_warning_once() -> None:
    report = _report({"visitors": 100, "leads": 400})
    warnings = headline.all_warnings(report)
    assert len(warnings) == len(set(warnings)) >= 1
    assert any("more than" in w for w in warnings)


def test_headline_and_not_computable() -> None:
    report = _report({"visitors": 20000, "leads": 1400})
    head = headline.headline(report)
    assert head["computed"] == 1 and head["total"] == len(KPIS)
    assert head["kpi_better"] + head["kpi_in_line"] + head["kpi_worse"] == head["kpis_judged"]
    missing = dict(headline.not_computable(report))
    assert "Lead to MQL" in missing and "MQLs (mqls)" in missing["Lead to MQL"]


def test_count_text() -> None:
    assert headline.count_text(7.54) == "7.5" and headline.count_text(56.04) == "56"


def test_revenue_cards_name_their_period() -> None:
    parsed = parse_bytes(EXAMPLE.read_bytes(), EXAMPLE.name, mapping={"note": None})
    periods, selected = snapshot_state.merge_parsed({}, parsed)
    ctx, _ = snapshot_state.context_from_parsed(snapshot_state.default_context(), parsed)
    report = compare(snapshot_state.build_snapshot(periods, selected, ctx), load_catalogue())
    cards = {c.kpi_id: c for c in headline.revenue_cards(report)}
    assert list(cards) == list(headline.REVENUE_KPIS)
    nrr = cards["net_revenue_retention"]
    assert (nrr.label, nrr.value, nrr.note) == ("Net revenue retention, per month", "99.8 %",
                                                "98.0 % per year, compounded")
    assert all(len(c.label) <= 34 for c in cards.values())  # fits a third of the page at 1280 px
    quarter = snapshot_state.build_snapshot(periods, selected, {**ctx, "period": "quarter"})
    quarterly = compare(quarter, load_catalogue())
    assert headline.revenue_cards(quarterly)[0].label == "MRR at end of quarter"
    assert any(line.startswith("Net revenue retention: 99.8 % per month = 98.0 % per year")
               for line in headline.converted_lines(report))

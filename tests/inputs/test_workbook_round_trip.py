"""Save and restore as a file: the workbook the app and the command line write reads back to
exactly the same numbers, period, segment and currency, without an error or a warning.

Our own bookkeeping rows (report date, period compared, notes, warnings) are recognised as
ours and ignored quietly; "Not said (all segments)" reads back as not said.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.benchmarks.compare import ComparisonReport, compare
from funnel_core.cli.main import main
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import render
from funnel_core.exports.workbook import comparison_xlsx
from funnel_core.inputs.loading import context_from, snapshot_from
from funnel_core.inputs.parsing import parse_bytes

#: Every field, with awkward values: cents, a fraction that is not a short decimal, zeros.
VALUES = dict(
    visitors=42000, leads=2100, mqls=1050, sqls=560, opportunities=420, new_customers=140,
    signups=1680, activated_users=605, trial_users=1100, trial_conversions=132,
    freemium_users=0, freemium_conversions=0, pqls=220, pql_conversions=55,
    onboarded_users=900, adopted_users=190, customers_start=1250, customers_churned=45,
    customers_reactivated=3, mrr_start=118000.37, mrr_new=13200.5, mrr_expansion=2400,
    mrr_contraction=700.25, mrr_churned=1900, mrr_reactivation=310.1,
    sales_marketing_spend=96000.99, gross_margin=0.7812345678901234, nps_promoters=118,
    nps_passives=74, nps_detractors=48,
)


def _report(context: Context, label: str | None, notes: tuple[str, ...] = ()) -> ComparisonReport:
    base = compare(Snapshot(dict(VALUES), context, label=label), list(load_catalogue()))
    return ComparisonReport(base.snapshot, base.kpis, base.warnings + ("Check the leads",),
                            notes + ("not recognised and not used: 'Spalte X'",))


def _read_back(data: bytes):
    parsed = parse_bytes(data, "funnel-benchmarks.xlsx")
    assert parsed.issues == [], [str(i) for i in parsed.issues]
    assert parsed.unknown == []
    return parsed


@pytest.mark.parametrize(("context", "label"), [
    (Context(period="quarter", trial_type="card_required", motion="sales_assisted",
             acv_band="mid_market", product_category="education", currency="EUR"), "2025-Q2"),
    (Context(period="month", currency="USD"), "2025-06"),          # every segment not said
    (Context(period="year", currency="PLN", acv_band="smb"), None),  # no period name
])
def test_the_apps_workbook_reads_back_exactly(context: Context, label: str | None) -> None:
    data = render.export_bytes("comparison_xlsx", _report(context, label, ("a note",)))
    parsed = _read_back(data)
    assert parsed.periods == [label or "current"]
    assert parsed.values[parsed.latest_period] == {k: float(v) for k, v in VALUES.items()}
    assert context_from(parsed) == context
    snapshot = snapshot_from(parsed)
    assert snapshot.label == label
    assert dict(snapshot.values) == {k: float(v) for k, v in VALUES.items()}


def test_not_said_segments_read_back_as_not_said_not_as_other() -> None:
    data = comparison_xlsx(_report(Context(currency="GBP"), "2025-01"), include_charts=False)
    parsed = _read_back(data)
    assert {parsed.context[k] for k in ("trial_type", "motion", "acv_band", "product_category")} == {"any"}
    assert context_from(parsed).product_category is None


def test_the_command_lines_report_reads_back_in_compare(tmp_path: Path, capsys) -> None:
    source = tmp_path / "numbers.csv"
    rows = ["metric,value", "period,2025-03", "currency,EUR", "trial_type,no_card"]
    rows += [f"{k},{v!r}" for k, v in VALUES.items()]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    workbook = tmp_path / "report.xlsx"
    assert main(["compare", str(source), "--format", "json"]) == 0
    original = json.loads(capsys.readouterr().out)
    assert main(["report", str(source), "-o", str(workbook)]) == 0
    capsys.readouterr()
    assert main(["compare", str(workbook), "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["snapshot"] == original["snapshot"]
    assert again["snapshot"]["label"] == "2025-03"
    assert again["snapshot"]["values"] == {k: float(v) for k, v in VALUES.items()}
    assert again["notes"] == [], "no error or warning reading our own workbook"

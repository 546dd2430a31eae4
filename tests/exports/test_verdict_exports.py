"""Downloads carry the KPI-level verdict: main benchmark, percentile or gap, caveats; weak figures
never decide the report's biggest gaps while a better-sourced one exists."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import report_model
from funnel_core.exports.table_csv import CSV_COLUMNS, comparison_csv
from funnel_core.exports.workbook import build_workbook


def row(kpi: str, ident: str, *, median=None, low=None, high=None, statistic="average",
        status="S", acv_band=("any",)) -> Benchmark:
    return Benchmark(
        id=ident, kpi=kpi, label=ident, statistic=statistic, low=low, median=median, high=high,
        unit="fraction", period="none", basis="b", segment="s", acv_band=acv_band,
        trial_type=("any",), motion=("any",), product_category=("any",), source=f"Source {ident}",
        year=2024, sample="", url="", status=status, note="")


VALUES = dict(visitors=1000, leads=50, trial_users=100, trial_conversions=9)
CATALOGUE = [
    # visitor -> lead 5 %: the main figure is unverified (10 %: worse), a verified one says better
    row("visitor_to_lead_rate", "weak", median=0.10, status="U", acv_band=("smb",)),
    row("visitor_to_lead_rate", "sound", median=0.04, status="V"),
    # trial -> paid 9 % against quartiles 4 / 8 / 12 %: 50 + 1/4 x 25 = 56th percentile
    row("trial_to_paid_rate", "quartiles", low=0.04, median=0.08, high=0.12, statistic="quartiles"),
]


def report():
    return compare(Snapshot(VALUES, Context(acv_band="smb")), CATALOGUE)


def test_csv_has_the_kpi_verdict_main_benchmark_percentile_and_note():
    rows = list(csv.DictReader(io.StringIO(comparison_csv(report()).decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    trial = next(r for r in rows if r["kpi"] == "trial_to_paid_rate")
    assert (trial["kpi_verdict"], trial["main_benchmark"], trial["is_main"]) == ("in_line", "quartiles", "True")
    assert float(trial["percentile_rank"]) == 56
    lead = [r for r in rows if r["kpi"] == "visitor_to_lead_rate"]
    assert {r["kpi_verdict"] for r in lead} == {"worse"}    # the SMB row is the closest match
    weak = next(r for r in lead if r["benchmark_id"] == "weak")
    assert weak["is_main"] == "True" and "based on an unverified figure" in weak["note"]


def test_workbook_has_main_benchmark_and_percentile_columns():
    ws = load_workbook(io.BytesIO(build_workbook(report(), "2026-01-31", None)))["KPIs"]
    header = [c.value for c in ws[1]]
    for name in ("Main benchmark", "KPI verdict", "Percentile", "Where you stand", "Caveats"):
        assert name in header
    trial = next(r for r in ws.iter_rows(min_row=2, values_only=True)
                 if r[header.index("KPI id")] == "trial_to_paid_rate")
    assert trial[header.index("Main benchmark")] == "main"
    assert trial[header.index("Percentile")] == 56
    assert trial[header.index("Where you stand")].startswith("better than about 56 %")


def test_report_table_and_gaps_use_the_main_benchmark():
    summary = report_model.summarize(report(), "2026-01-31")
    trial = next(r for r in summary.rows if r.kpi_id == "trial_to_paid_rate")
    assert trial.gap == "~56th percentile" and trial.verdict == "in_line"
    lead = next(r for r in summary.rows if r.kpi_id == "visitor_to_lead_rate")
    assert lead.verdict == "worse" and "unverified" in lead.note   # the KPI's verdict, said weak
    # ...but the unverified figure does not make it one of the biggest gaps: the verified one
    # (4 %: 5 % is 25 % above it) decides, and it says better
    assert all("worse" not in g for g in summary.gaps)
    assert any(g.startswith("Visitor to lead is 5.0 %") and g.endswith("better.") for g in summary.gaps)


def test_a_gap_resting_on_an_unverified_figure_says_so():
    only_weak = [CATALOGUE[0]]
    summary = report_model.summarize(compare(Snapshot(VALUES), only_weak), "2026-01-31")
    (gap,) = summary.gaps
    assert "based on an unverified figure" in gap and gap.endswith("worse.")

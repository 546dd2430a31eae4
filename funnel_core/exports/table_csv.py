"""Flat tables of a comparison (one row per KPI x benchmark) for CSV, XLSX and the CLI.

:func:`comparison_csv` is the CSV download; :func:`render_csv` the plain CSV text the CLI prints.
"""

from __future__ import annotations

import csv
import io

from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.exports.sanitize import safe_cell


CSV_COLUMNS = (
    "kpi", "label", "value", "unit", "period", "computable", "reason", "benchmark_id", "segment",
    "statistic", "low", "median", "high", "benchmark_period", "user_value_in_benchmark_period",
    "verdict", "gap", "source", "year", "url", "status", "conversion_note",
    "kpi_verdict", "main_benchmark", "is_main", "percentile_rank", "position", "note",
    "superseded_by",
)
"""Columns of the flat table. ``kpi_verdict`` and ``main_benchmark`` are the KPI's (the same on
each of its rows); ``is_main`` marks the row of the main benchmark; ``percentile_rank`` (0-100) and
``position`` say where you stand against that row's figure; ``note`` gives the caveats (on the main
row: the KPI verdict's note); ``superseded_by`` names the newer edition counted instead."""


def report_rows(report: ComparisonReport) -> list[dict]:
    """Flat rows (one per KPI x benchmark; KPIs without benchmarks get one row)."""
    rows = []
    for item in report.kpis:
        kpi = item.kpi
        base = {"kpi": kpi.id, "label": kpi.spec.label, "value": kpi.value, "unit": kpi.spec.unit,
                "period": kpi.period, "computable": kpi.computable, "reason": kpi.reason or "",
                "kpi_verdict": item.verdict or "", "main_benchmark": item.main_benchmark or ""}
        if not item.comparisons:
            rows.append(base)
        for comp in item.comparisons:
            b = comp.benchmark
            rows.append({**base, "benchmark_id": b.id, "segment": b.segment, "statistic": b.statistic,
                         "low": b.low, "median": b.median, "high": b.high, "benchmark_period": b.period,
                         "user_value_in_benchmark_period": comp.user_value, "verdict": comp.verdict or "",
                         "gap": comp.gap, "source": b.source, "year": b.year, "url": b.url,
                         "status": b.status, "conversion_note": comp.conversion_note or comp.reason or "",
                         "is_main": comp is item.main_comparison,
                         "percentile_rank": comp.percentile_rank, "position": comp.position or "",
                         "note": ((item.verdict_note or "") if comp is item.main_comparison
                                  else "; ".join(comp.caveats)),
                         "superseded_by": comp.superseded_by or ""})
    return rows


def _safe_row(row: dict) -> dict:
    """A row with every cell through :func:`safe_cell` (formula-leading text neutralised)."""
    cleaned = {}
    for key in CSV_COLUMNS:
        value = safe_cell(row.get(key))
        cleaned[key] = "" if value is None else value
    return cleaned


def render_csv(report: ComparisonReport) -> str:
    """The flat rows as CSV text (empty cells for missing values, never NaN).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
    an apostrophe, as in :func:`comparison_csv`, so a spreadsheet never runs it as a formula.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report_rows(report):
        writer.writerow(_safe_row(row))
    return buffer.getvalue()


def comparison_csv(report: ComparisonReport) -> bytes:
    """The KPI comparison as CSV (one row per KPI x benchmark, columns of :data:`CSV_COLUMNS`).

    UTF-8 with a byte-order mark so Excel opens accents and currency symbols correctly; text
    cells are neutralised against formula injection; missing values and NaN are empty.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in report_rows(report):
        writer.writerow(_safe_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

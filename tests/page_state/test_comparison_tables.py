"""funnel_core.page_state.comparison_tables: the comparison in words and tables."""

from __future__ import annotations

import pytest

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Context, Snapshot
from funnel_core.page_state import comparison_tables


def _report(values: dict, **context) -> object:
    return compare(Snapshot(values, Context(**context)))


def test_kpi_table_rows_have_verdict_symbols_sources_and_status() -> None:
    report = _report({"visitors": 20000, "leads": 1400, "customers_start": 200,
                      "customers_churned": 6}, acv_band="smb")
    table = comparison_tables.kpi_table(report)
    assert list(table.columns) == list(comparison_tables.KPI_TABLE_COLUMNS)
    v2l = table[table["kpi_id"] == "visitor_to_lead_rate"].iloc[0]
    assert v2l["Your value"] == "7.0 %"
    assert v2l["Verdict"] == "● In line"         # 7.0 % against a 7 % average
    assert v2l["Status"] == "U · source not verified"
    churn = table[table["kpi_id"] == "customer_churn_rate"]
    assert (churn["Your value"] == "3.0 % per month").all()
    assert churn["Benchmark"].str.contains("per month|per year").all()
    assert set(table["Verdict"].str[0]) <= {"▲", "●", "▼", "–"}


def test_kpi_detail_has_formula_with_the_users_numbers() -> None:
    report = _report({"customers_start": 200, "customers_churned": 30}, period="quarter")
    detail = comparison_tables.kpi_detail(report.get("customer_churn_rate"))
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

    figure = replace(b, statistic=statistic, low=low, median=median, high=high)
    assert comparison_tables.benchmark_figure(figure) == expected


def test_status_text_names_a_definition_caveat() -> None:
    assert comparison_tables.status_text("U") == "U · source not verified"
    assert "probably measures something else" in comparison_tables.status_text("U", "doubtful")
    assert "similar definition" in comparison_tables.status_text("S", "approximate")

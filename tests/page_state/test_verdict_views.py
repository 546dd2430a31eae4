"""The results page's headline and table use KPI-level verdicts: each KPI once, at its main benchmark."""

from __future__ import annotations

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Snapshot
from funnel_core.page_state import comparison_tables, headline


def row(kpi: str, ident: str, median: float, *, period: str = "month", publication: str = "",
        status: str = "S") -> Benchmark:
    return Benchmark(
        id=ident, kpi=kpi, label=ident, statistic="average", low=None, median=median, high=None,
        unit="fraction", period=period, basis="b", segment="s", acv_band=("any",),
        trial_type=("any",), motion=("any",), product_category=("any",), source=f"Source {ident}",
        year=None, sample="", url="", status=status, note="", publication=publication)


# churn 4 % a month; five editions of one page (all "better": 4 % < 5 % - 0.5 pp) and one
# other source at 3 % ("worse": 4 % > 3 % + 0.5 pp)
CATALOGUE = [row("customer_churn_rate", f"edition_{i}", 0.05, publication="same_page")
             for i in range(5)] + [row("customer_churn_rate", "other", 0.03, status="V")]


def test_headline_counts_each_kpi_once_and_each_publication_once():
    report = compare(Snapshot({"customers_start": 100, "customers_churned": 4}), CATALOGUE)
    head = headline.headline(report)
    # main benchmark: the V row ("other"), worse; the KPI counts once
    assert (head["kpi_better"], head["kpi_in_line"], head["kpi_worse"]) == (0, 0, 1)
    assert head["kpis_judged"] == 1 and head["kpi_not_comparable"] == 0
    # beneath it: the page counts once (better) and the other source once (worse)
    assert (head["better"], head["worse"], head["comparisons"]) == (1, 1, 2)


def test_kpi_table_puts_the_main_benchmark_first_with_position_and_notes():
    report = compare(Snapshot({"customers_start": 100, "customers_churned": 4}), CATALOGUE)
    table = comparison_tables.kpi_table(report)
    assert list(table.columns) == list(comparison_tables.KPI_TABLE_COLUMNS)
    churn = table[table["kpi_id"] == "customer_churn_rate"]
    first = churn.iloc[0]
    assert first["Main"] == comparison_tables.MAIN_MARK
    assert first["Source"] == "Source other (year not stated)"  # every figure shows its age
    assert first["Verdict"] == "▼ Worse" and first["Where you stand"] == "1.0 pp above the average"
    older = churn[churn["Main"] == comparison_tables.EDITION_MARK]
    assert len(older) == 4
    assert older["Note"].str.contains("same publication counted once").all()


def test_not_comparable_is_a_verdict_of_its_own():
    assert comparison_tables.verdict_text("not_comparable") == "○ Not comparable"
    # payback without gross margin against margin-adjusted figures (the shipped catalogue)
    values = dict(sales_marketing_spend=11800, new_customers=10, customers_start=90,
                  customers_churned=0, mrr_start=9000, mrr_new=1000)
    report = compare(Snapshot(values))
    head = headline.headline(report)
    assert head["kpi_not_comparable"] >= 1
    table = comparison_tables.kpi_table(report)
    payback = table[table["kpi_id"] == "cac_payback_months"].iloc[0]
    assert payback["Verdict"] == "○ Not comparable"
    assert payback["Note"].startswith("not comparable: the benchmark is margin-adjusted")

"""One main benchmark per KPI, its verdict and note, same source once, weak figures and the contract.

Numbers are small and worked out by hand in the comments; the shipped catalogue is used where
the issue names its figures (Aleph x Benchmarkit payback quartiles, Bessemer's 36-month concern
level, Benchmarkit's CAC ratio, Recurly's editions).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from funnel_core.benchmarks.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    Benchmark,
    CatalogueError,
    benchmarks_for,
    load_catalogue,
)
from funnel_core.benchmarks.compare import compare, compare_kpi, compare_one, primary_comparison
from funnel_core.benchmarks.focus import focus_areas
from funnel_core.cli.main import main as cli_main
from funnel_core.domain.constants import ASSETS_DIR, KPI_IDS, KPI_VERDICTS
from funnel_core.domain.model import Context, Snapshot
from funnel_core.metrics.kpis import KPIS_BY_ID, KpiResult

EXAMPLE = ASSETS_DIR / "example_company.csv"
RANK = {"worse": 0, "in_line": 1, "better": 2}


def row(kpi: str, *, median=None, low=None, high=None, statistic: str = "median",
        status: str = "S", acv_band=("any",), id: str, period: str = "none",
        publication: str = "", year: int | None = 2024) -> Benchmark:
    return Benchmark(
        id=id, kpi=kpi, label=id, statistic=statistic, low=low, median=median, high=high,
        unit="fraction", period=period, basis="test", segment="test", acv_band=acv_band,
        trial_type=("any",), motion=("any",), product_category=("any",), source=f"Source {id}",
        year=year, sample="", url="", status=status, note="", publication=publication)


# --- the cases on the shipped catalogue -----------------------------------------------

# CAC = 30,000 / 10 = 3,000; accounts 100 + 10 - 0 = 110; MRR 12,000 + 1,750 = 13,750;
# ARPA = 13,750 / 110 = 125; payback = 3,000 / (125 x 0.8) = 30 months.
PAYBACK_30 = dict(sales_marketing_spend=30000, new_customers=10, customers_start=100,
                  customers_churned=0, mrr_start=12000, mrr_new=1750, gross_margin=0.8)


def test_30_month_payback_is_judged_by_the_quartiles_not_the_concern_level():
    item = compare(Snapshot(PAYBACK_30)).get("cac_payback_months")
    assert item.kpi.value == pytest.approx(30)
    concern = next(c for c in item.comparisons if c.benchmark.id == "bvp_cac_payback_concern_2012")
    assert concern.verdict == "in_line"               # shown: 30 is clear of "> 36"
    assert item.main_benchmark == "aleph_benchmarkit_cac_payback_fy2025"
    assert item.verdict == "worse"                    # 30 is past P75 = 24 months
    main = item.main_comparison
    assert main.percentile_rank is None
    assert main.position.startswith("below the 25th percentile of Aleph x Benchmarkit")


def test_cac_ratio_2_5_against_a_2_0_median_is_worse():
    result = KpiResult(KPIS_BY_ID["cac_ratio"], 2.5, "none")
    rows = benchmarks_for("cac_ratio", {}, load_catalogue())
    item = compare_kpi(result, rows, {})
    assert item.main_benchmark == "benchmarkit_cac_ratio_new_logo_2024"
    assert item.verdict == "worse" and item.main_comparison.position == "25 % above the median"
    edge = next(c for c in item.comparisons if c.benchmark.id == "benchmarkit_cac_ratio_bottom_quartile_2024")
    assert edge.verdict == "in_line"                  # 2.5 is clear of the bottom quartile (> 2.82)
    assert edge.superseded_by == "benchmarkit_cac_ratio_new_logo_2024"  # same report, counted once


@pytest.mark.parametrize("kpi, value, expected", [
    ("net_revenue_retention", 0.92, "worse"),         # 92 % vs SaaS Capital / Benchmarkit medians
    ("gross_revenue_retention", 0.82, "worse"),       # 82 % vs 91 %: 9 pp below
    ("gross_revenue_retention", 0.95, "better"),      # 95 % vs 91 %: 4 pp above
    ("gross_revenue_retention", 0.90, "in_line"),     # 1 pp below
])
def test_annual_retention_against_the_shipped_medians(kpi, value, expected):
    # the single medians of SaaS Capital and Benchmarkit: the +-2 pp band around one figure
    medians = [b for b in benchmarks_for(kpi, {}, load_catalogue())
               if b.statistic == "median" and b.publication in ("saas_capital_retention",
                                                                 "benchmarkit_saas_benchmarks")]
    result = KpiResult(KPIS_BY_ID[kpi], value, "year")
    item = compare_kpi(result, medians, {}, snapshot_period="year")
    assert item.verdict == expected
    assert item.main_comparison.benchmark.statistic == "median"
    assert item.verdict_note is None                   # a year measured over a year: no caveat


@pytest.mark.parametrize("value, expected", [(0.82, "in_line"), (0.75, "worse"), (0.92, "better")])
def test_annual_grr_against_the_newest_quartiles(value, expected):
    # the whole catalogue: quartiles come before a median, the newest (FY2025) first
    result = KpiResult(KPIS_BY_ID["gross_revenue_retention"], value, "year")
    item = compare_kpi(result, benchmarks_for("gross_revenue_retention", {}, load_catalogue()), {},
                       snapshot_period="year", current_year=2026)
    assert item.main_benchmark == "aleph_benchmarkit_grr_fy2025"   # P25 76 %, P50 84 %, P75 91 %
    assert item.verdict == expected


# Revenue payback: CAC 11,800 / 10 = 1,180; accounts 90 + 10 = 100; MRR 9,000 + 1,000 = 10,000;
# ARPA 100; 1,180 / 100 = 11.8 months. With a 0.8 margin: 1,180 / 80 = 14.75 months.
PAYBACK_11_8 = dict(sales_marketing_spend=11800, new_customers=10, customers_start=90,
                    customers_churned=0, mrr_start=9000, mrr_new=1000)


def test_payback_without_gross_margin_is_not_comparable_with_margin_adjusted_figures():
    item = compare(Snapshot(PAYBACK_11_8)).get("cac_payback_months")
    assert item.kpi.value == pytest.approx(11.8)
    assert item.verdict == "not_comparable"
    assert item.verdict_note.startswith(
        "not comparable: the benchmark is margin-adjusted, your figure is not (add gross margin)")
    assert all(c.verdict is None for c in item.comparisons)  # every payback figure is margin-adjusted
    assert all(c.percentile_rank is None for c in item.comparisons)
    clv_to_cac = compare(Snapshot({**PAYBACK_11_8, "customers_churned": 3})).get("clv_to_cac")
    assert clv_to_cac.verdict == "not_comparable"      # Skok's LTV is margin-adjusted

    with_margin = compare(Snapshot({**PAYBACK_11_8, "gross_margin": 0.8})).get("cac_payback_months")
    assert with_margin.kpi.value == pytest.approx(14.75)
    assert with_margin.verdict == "in_line"            # between P25 6 and P75 24 months
    assert with_margin.main_comparison.percentile_rank == 53  # 50 + (16 - 14.8) / 10 x 25 = 53
    skok = next(c for c in with_margin.comparisons if c.benchmark.id == "skok_cac_payback_target")
    assert skok.verdict == "worse"                     # "under 12 months" missed


def test_margin_is_read_from_the_calculation_when_not_told():
    spec = KPIS_BY_ID["cac_payback_months"]
    skok = next(b for b in load_catalogue() if b.id == "skok_cac_payback_target")
    revenue = KpiResult(spec, 11.8, "none", calculation="CAC 1,180 / ARPA 100 = 11.8 months "
                                                       "(revenue payback: gross margin not given)")
    adjusted = KpiResult(spec, 11.8, "none", calculation="CAC 1,180 / (ARPA 125 x gross margin 0.8)")
    assert compare_one(revenue, skok).verdict is None
    assert compare_one(adjusted, skok).verdict == "better"


def test_one_month_compounded_to_a_year_is_flagged_noisy():
    values = {"mrr_start": 10000, "mrr_expansion": 500, "mrr_churned": 100}
    monthly = compare(Snapshot(values)).get("net_revenue_retention")
    assert "one month compounded to a year: noisy" in monthly.verdict_note
    assert all("one month compounded to a year: noisy" in c.caveats for c in monthly.comparisons)
    yearly = compare(Snapshot(values, Context(period="year"))).get("net_revenue_retention")
    assert not any("noisy" in c for comp in yearly.comparisons for c in comp.caveats)


def test_five_recurly_editions_count_once():
    report = compare(Snapshot({"customers_start": 100, "customers_churned": 4}))
    item = report.get("customer_churn_rate")
    recurly = [c for c in item.comparisons if c.benchmark.publication == "recurly_churn"]
    assert len(recurly) >= 5
    counted = [c for c in recurly if c.superseded_by is None]
    assert [c.benchmark.id for c in counted] == ["recurly_churn_overall_327"]  # current page
    assert {c.superseded_by for c in recurly if c.superseded_by} == {"recurly_churn_overall_327"}
    assert len([c for c in item.counted() if c.benchmark.publication == "recurly_churn"]) == 1
    # the KPI counts once in the headline, whatever the number of rows
    counts = report.verdict_counts()
    assert sum(counts.values()) == sum(1 for k in report.kpis if k.verdict is not None)
    assert report.comparison_counts() != report.verdict_counts()


def test_good_great_bars_are_not_the_main_benchmark_while_a_median_exists():
    snapshot = Snapshot({"mrr_start": 10000, "mrr_expansion": 100, "mrr_churned": 100},
                        Context(period="year", acv_band="smb", motion="self_serve"))
    item = compare(snapshot).get("net_revenue_retention")
    assert any(c.benchmark.statistic == "good_great" for c in item.comparisons)
    assert item.main_benchmark == "saascapital_nrr_acv_lt12k_2023"


def test_exact_segment_beats_status_and_the_users_own_rows_come_first():
    result = KpiResult(KPIS_BY_ID["visitor_to_lead_rate"], 0.05, "none")
    rows = [row("visitor_to_lead_rate", median=0.04, status="V", id="verified_any"),
            row("visitor_to_lead_rate", median=0.055, status="U", acv_band=("smb",), id="smb_u")]
    item = compare_kpi(result, rows, {"acv_band": "smb"})
    assert item.main_benchmark == "smb_u" and item.verdict == "in_line"  # 5 % vs 5.5 %: 9 % below
    assert "based on an unverified figure" in item.verdict_note
    assert compare_kpi(result, rows, {}).main_benchmark == "verified_any"  # smb not chosen
    # a row of the user's own catalogue (a board target) comes first, even against the segment
    mine = row("visitor_to_lead_rate", low=0.06, statistic="target", status="U", id="board")
    mine = Benchmark(**{**mine.__dict__, "origin": "board.csv"})
    item = compare_kpi(result, [*rows, mine], {"acv_band": "smb"})
    assert item.main_benchmark == "board" and item.verdict == "worse"  # 5 % misses "at least 6 %"


def test_kpi_verdict_is_none_without_a_value_or_a_benchmark():
    report = compare(Snapshot({"visitors": 0, "leads": 0}))
    item = report.get("visitor_to_lead_rate")
    assert item.verdict is None and item.main_benchmark is not None  # the funnel still needs it
    assert primary_comparison(item) is None
    assert report.get("gross_margin").main_benchmark is None  # no published figure in the catalogue


# --- weak figures and where to focus ----------------------------------------------------------

FUNNEL = dict(visitors=1000, leads=50, new_customers=5)


def test_an_unverified_main_figure_does_not_decide_focus_when_a_better_one_exists():
    rows = [row("visitor_to_lead_rate", median=0.10, status="U", acv_band=("smb",), id="weak"),
            row("visitor_to_lead_rate", median=0.04, status="S", id="sound")]
    report = compare(Snapshot(FUNNEL, Context(acv_band="smb")), catalogue=rows)
    assert report.get("visitor_to_lead_rate").verdict == "worse"       # against the U row
    assert focus_areas(report) == []                                    # the S row says better


def test_a_focus_item_on_an_unverified_figure_says_so():
    rows = [row("visitor_to_lead_rate", median=0.10, status="U", id="weak")]
    (area,) = focus_areas(compare(Snapshot(FUNNEL), catalogue=rows))
    # 1,000 visitors x (10 % - 5 %) x 5 / 50 customers per lead = 5 extra customers
    assert area.extra_customers == pytest.approx(5)
    assert area.caveat == "based on an unverified figure"
    assert area.arithmetic.endswith("based on an unverified figure.")


# --- the invariant ------------------------------------------------------------------------------

SWEEPS = {
    "fraction": [i / 500 for i in range(0, 501)],
    "ratio": [i / 50 for i in range(0, 501)],
    "months": [i / 10 for i in range(0, 601)],
    "currency": [i * 10.0 for i in range(0, 501)],
    "points": [i / 2 for i in range(-200, 201)],
}
CONTEXTS = [{}, {"acv_band": "smb", "trial_type": "no_card", "motion": "self_serve"},
            {"acv_band": "enterprise", "trial_type": "card_required", "motion": "sales_assisted"}]


@pytest.mark.parametrize("kpi", [k for k in KPI_IDS if KPIS_BY_ID[k].higher_is_better is not None])
def test_a_better_input_never_gives_a_worse_verdict(kpi):
    spec = KPIS_BY_ID[kpi]
    catalogue = load_catalogue()
    period = "month" if spec.period_kind is not None else "none"
    if kpi == "customer_churn_rate_annual":
        period = "year"
    for context in CONTEXTS:
        rows = benchmarks_for(kpi, context, catalogue)
        if not rows:
            continue
        values = SWEEPS[spec.unit]
        if spec.period_kind == "retention":
            values = [0.9 + v / 5 for v in values]    # monthly retention 90 % .. 110 %
        if not spec.higher_is_better:
            values = values[::-1]                     # from worst to best
        kpi_ranks, row_ranks = [], {b.id: [] for b in rows}
        for v in values:
            item = compare_kpi(KpiResult(spec, v, period, calculation="x gross margin"), rows,
                               context, margin_given=True, snapshot_period="month")
            if item.verdict in RANK:
                kpi_ranks.append(RANK[item.verdict])
            for c in item.comparisons:
                if c.verdict is not None:
                    row_ranks[c.benchmark.id].append(RANK[c.verdict])
        assert kpi_ranks == sorted(kpi_ranks), (kpi, context)
        for ident, ranks in row_ranks.items():
            assert ranks == sorted(ranks), (kpi, ident)


# --- the contract (JSON of `compare --format json`) and the CLI table -----------------------------

def test_json_contract(capsys):
    assert cli_main(["compare", str(EXAMPLE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["verdict_counts"]) == set(KPI_VERDICTS)
    judged = 0
    for item in data["kpis"]:
        assert item["verdict"] in (*KPI_VERDICTS, None)
        ids = [b["benchmark_id"] for b in item["benchmarks"]]
        assert item["main_benchmark"] in (*ids, None)
        assert "verdict_note" in item
        judged += item["verdict"] is not None
        for b in item["benchmarks"]:
            rank = b["percentile_rank"]
            assert rank is None or 0 <= rank <= 100
            assert "superseded_by" in b and "position" in b
    assert sum(data["verdict_counts"].values()) == judged
    trial = next(k for k in data["kpis"] if k["id"] == "trial_to_paid_rate")
    assert trial["main_benchmark"] == "redpoint_trial_unassisted"
    assert trial["verdict"] == "in_line"                # 12 % is P75 of 1 / 4 / 12 %
    main = next(b for b in trial["benchmarks"] if b["benchmark_id"] == trial["main_benchmark"])
    assert main["percentile_rank"] == 75


def test_cli_table_shows_the_main_verdict_position_and_caveats(capsys):
    assert cli_main(["compare", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    trial = next(i for i, line in enumerate(lines) if line.startswith("Trial to paid"))
    assert "In line" in lines[trial] and "better than about 75 % of companies" in out
    assert "one month compounded to a year: noisy" in out
    assert "same publication" in out                    # older editions are marked in the table


# --- the catalogue's new columns and its wording -------------------------------------------------

def _with(columns: dict[str, str]) -> str:
    header = next(csv.reader(DEFAULT_CATALOGUE_PATH.open(encoding="utf-8")))
    base = dict(id="x", kpi="customer_churn_rate", label="x", statistic="threshold", low="",
                median="", high="0.03", unit="fraction", period="month", basis="b", segment="s",
                acv_band="any", trial_type="any", motion="any", product_category="any",
                source="s", year="2024", sample="", url="", status="V", note="",
                comparability="direct", publication="", bound="inclusive")
    base.update(columns)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerow(base)
    return buf.getvalue()


@pytest.mark.parametrize("columns, column", [
    ({"publication": "Recurly Churn"}, "publication"),
    ({"bound": "sometimes"}, "bound"),
    ({"bound": "strict", "statistic": "median", "median": "0.03", "high": ""}, "bound"),
    ({"statistic": "concern", "low": "0.01"}, "low"),
])
def test_new_columns_are_validated(tmp_path: Path, columns, column):
    path = tmp_path / "mine.csv"
    path.write_text(_with(columns), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert info.value.row == 2 and info.value.column == column


def test_new_columns_load(tmp_path: Path):
    path = tmp_path / "mine.csv"
    path.write_text(_with({"publication": "our_goals", "bound": "strict"}), encoding="utf-8")
    (b,) = load_catalogue(path)
    assert (b.publication, b.bound) == ("our_goals", "strict")


def test_catalogue_speaks_to_users():
    text = DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8").lower()
    for word in ("seed", "blog article figure", "benchmarks.md", "blog articles"):
        assert word not in text, word
    catalogue = load_catalogue()
    assert all(b.publication for b in catalogue if "recurly" in b.id)
    strict = {b.id for b in catalogue if b.bound == "strict"}
    assert {"saastr_bvp_churn_smb_2017", "skok_cac_payback_target"} <= strict

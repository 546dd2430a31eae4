"""Peers by ARR band and funding, the year of every figure, and dated figures stepping aside."""

from __future__ import annotations

import csv
import io

import pytest

from funnel_core.benchmarks.age import is_dated, year_text
from funnel_core.benchmarks.catalogue import (
    CATALOGUE_COLUMNS,
    OPTIONAL_COLUMNS,
    Benchmark,
    CatalogueError,
    load_catalogue,
    load_catalogue_bytes,
)
from funnel_core.benchmarks.compare import compare, compare_kpi
from funnel_core.benchmarks.matching import choose_main
from funnel_core.domain.model import Context, Snapshot
from funnel_core.metrics.kpis import KPIS_BY_ID, KpiResult

GOOD = {
    "id": "board_growth", "kpi": "arr_growth_rate", "label": "Board growth", "statistic": "median",
    "low": "", "median": "0.3", "high": "", "unit": "fraction", "period": "year",
    "basis": "ARR / ARR a year ago - 1", "segment": "Us", "acv_band": "any", "trial_type": "any",
    "motion": "any", "product_category": "any", "source": "Board", "year": "2024",
    "sample": "", "url": "", "status": "V", "note": "",
}


def _csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def row(id: str, *, kpi: str = "arr_growth_rate", median: float = 0.25, year: int | None = 2024,
        arr_band=("any",), funding=("any",), status: str = "S", acv_band=("any",),
        statistic: str = "median", low=None) -> Benchmark:
    return Benchmark(
        id=id, kpi=kpi, label=id, statistic=statistic, low=low,
        median=median if statistic != "threshold" else None, high=None,
        unit="fraction", period="year", basis="test", segment="test", acv_band=acv_band,
        trial_type=("any",), motion=("any",), product_category=("any",), source=f"Source {id}",
        year=year, sample="", url="", status=status, note="", arr_band=arr_band, funding=funding)


# --- the catalogue's new columns ---------------------------------------------------------------

def test_new_columns_are_optional_and_read_when_given() -> None:
    # a user's file from before the new columns still loads: every peer group, no publication year
    old = load_catalogue_bytes(_csv([GOOD], CATALOGUE_COLUMNS), "old.csv")[0]
    assert (old.arr_band, old.funding, old.published) == (("any",), ("any",), None)
    columns = (*CATALOGUE_COLUMNS, "arr_band", "funding", "published")
    new = load_catalogue_bytes(_csv([{**GOOD, "arr_band": "1m_5m;5m_20m", "funding": "vc",
                                      "published": "2025"}], columns), "new.csv")[0]
    assert (new.arr_band, new.funding, new.published) == (("1m_5m", "5m_20m"), ("vc",), 2025)
    assert {"arr_band", "funding", "published"} <= set(OPTIONAL_COLUMNS)


@pytest.mark.parametrize(("change", "column", "words"), [
    ({"arr_band": "2m_3m"}, "arr_band", "'2m_3m' is not a known arr_band"),
    ({"arr_band": "any;1m_5m"}, "arr_band", "cannot be combined"),
    ({"funding": "pe"}, "funding", "'pe' is not a known funding"),
    ({"published": "soon"}, "published", "not a year"),
    ({"published": "1850"}, "published", "between 1990 and 2100"),
    ({"published": "2023"}, "published", "before the year its data describes (2024"),
])
def test_bad_new_columns_name_file_row_and_column(change: dict, column: str, words: str) -> None:
    columns = (*CATALOGUE_COLUMNS, "arr_band", "funding", "published")
    data = _csv([{**GOOD, "id": "first"}, {**GOOD, **change}], columns)
    with pytest.raises(CatalogueError) as info:
        load_catalogue_bytes(data, "mine.csv")
    err = info.value
    assert (err.file, err.row, err.column) == ("mine.csv", 3, column)
    assert words in err.message
    assert str(err).startswith(f"mine.csv, row 3, column '{column}': ")


def test_shipped_catalogue_is_current_and_sized() -> None:
    catalogue = load_catalogue()
    recent = [b for b in catalogue if b.year is not None and b.year >= 2024]
    assert len(recent) >= 15
    assert all(b.published is None or b.year is None or b.published >= b.year for b in catalogue)
    # a figure seen only where another page quotes it is S (or U), never V
    for b in catalogue:
        if "as quoted" in b.source or "quotes the report" in b.note:
            assert b.status in ("S", "U"), b.id
    # every ARR-band row uses the five bands, and the growth KPIs have figures
    assert {band for b in catalogue for band in b.arr_band} <= {
        "any", "under_1m", "1m_5m", "5m_20m", "20m_50m", "over_50m"}
    for kpi in ("arr_growth_rate", "burn_multiple", "rule_of_40", "magic_number",
                "arr_per_employee", "sales_marketing_share"):
        assert any(b.kpi == kpi for b in catalogue), kpi
    assert not any(b.kpi == "gross_margin" for b in catalogue)  # none published that we saw
    sized = [b for b in recent if b.sample]
    assert len(sized) >= 8


# --- peers by ARR band and funding --------------------------------------------------------------

def test_band_row_wins_over_an_all_companies_row_only_for_its_band() -> None:
    everyone = row("everyone", median=0.26)
    small = row("small", median=0.40, arr_band=("1m_5m",))
    result = KpiResult(KPIS_BY_ID["arr_growth_rate"], 0.35, "year")
    for band, main in ((None, "everyone"), ("1m_5m", "small"), ("5m_20m", "everyone")):
        selectors = {"arr_band": band}
        rows = [b for b in (everyone, small) if b.matches(selectors)]
        item = compare_kpi(result, rows, selectors, current_year=2026)
        assert item.main_benchmark == main, band


def test_funding_selects_like_the_other_segments() -> None:
    vc = row("vc", arr_band=("1m_5m", "5m_20m"), funding=("vc",))
    assert vc.matches({"funding": "vc", "arr_band": "1m_5m"})
    assert not vc.matches({"funding": "bootstrapped"})
    assert not vc.matches({"arr_band": "over_50m"})
    assert vc.matches({})  # not said: every figure applies


def test_shipped_grr_follows_the_arr_band() -> None:
    values = {"mrr_start": 100_000, "mrr_churned": 600, "mrr_contraction": 100, "mrr_new": 2000}
    plain = compare(Snapshot(values, Context()), current_year=2026)
    banded = compare(Snapshot(values, Context(arr_band="1m_5m")), current_year=2026)
    assert plain.get("gross_revenue_retention").main_benchmark == "aleph_benchmarkit_grr_fy2025"
    assert banded.get("gross_revenue_retention").main_benchmark == "highalpha_grr_1m_5m_2024"


def test_shipped_bootstrapped_growth_for_bootstrapped_peers() -> None:
    values = {"mrr_start": 250_000, "mrr_new": 10_000, "arr_year_ago": 2_500_000}
    report = compare(Snapshot(values, Context(arr_band="1m_5m", funding="bootstrapped")),
                     current_year=2026)
    assert report.get("arr_growth_rate").main_benchmark == "saascapital_bootstrapped_growth_2025"
    vc = compare(Snapshot(values, Context(arr_band="1m_5m", funding="vc")), current_year=2026)
    assert all(c.benchmark.funding != ("bootstrapped",)
               for c in vc.get("arr_growth_rate").comparisons)


# --- age: the year beside every figure, and dated figures ---------------------------------------

@pytest.mark.parametrize(("year", "now", "dated"), [
    (2020, 2026, True),    # 2020 < 2026 - 5
    (2021, 2026, False),   # exactly five years old: not yet
    (2021, 2027, True),
    (None, 2026, False),   # unknown age is never called dated
])
def test_dated_is_more_than_five_years(year: int | None, now: int, dated: bool) -> None:
    b = row("x", year=year)
    assert is_dated(b, now) is dated
    assert ("dated" in year_text(b, now)) is dated


def test_year_text_names_data_and_publication_years() -> None:
    import dataclasses
    b = dataclasses.replace(row("x", year=2022), published=2023)
    assert year_text(b, 2026) == "2022, published 2023"
    assert year_text(dataclasses.replace(b, year=None), 2026) == "published 2023"
    assert year_text(row("y", year=2017), 2026) == "2017, dated"


def test_dated_figure_steps_aside_for_a_newer_one_and_says_so_when_it_cannot() -> None:
    result = KpiResult(KPIS_BY_ID["arr_growth_rate"], 0.3, "year")
    # the old one is verified and for your exact band: it would win on every other step
    old = row("old", year=2017, status="V", arr_band=("1m_5m",))
    new = row("new", year=2024, status="S")
    selectors = {"arr_band": "1m_5m"}
    item = compare_kpi(result, [old, new], selectors, current_year=2026)
    assert item.main_benchmark == "new"
    assert item.verdict_note is None
    # in 2022 the old figure was five years old: not dated, so it wins again
    assert compare_kpi(result, [old, new], selectors, current_year=2022).main_benchmark == "old"
    # without a newer figure the dated one stays main, and the note says it is dated
    alone = compare_kpi(result, [old], selectors, current_year=2026)
    assert alone.main_benchmark == "old" and "dated" in alone.verdict_note
    # a row without a year is not "newer": the dated row stays main
    undated = row("undated", year=None, status="S")
    assert compare_kpi(result, [old, undated], selectors,
                       current_year=2026).main_benchmark == "old"
    # the JSON says which figures are dated, in the year the report was made for
    data = {b["benchmark_id"]: b for b in item.to_dict()["benchmarks"]}
    assert data["old"]["dated"] is True and data["old"]["year_text"] == "2017, dated"
    assert data["new"]["dated"] is False


def test_dated_rule_keeps_the_written_order_central_before_dated() -> None:
    # a fresh bar (a threshold) does not displace a dated median: central figures come first
    result = KpiResult(KPIS_BY_ID["arr_growth_rate"], 0.3, "year")
    dated_median = row("dated_median", year=2015)
    fresh_bar = row("fresh_bar", year=2025, statistic="threshold", low=0.5)
    item = compare_kpi(result, [dated_median, fresh_bar], {}, current_year=2026)
    assert item.main_benchmark == "dated_median"
    assert choose_main([], {}) is None

"""Tests for funnel_core.catalogue: the shipped benchmark file, validation and matching."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest

from funnel_core.benchmarks.catalogue import (
    CATALOGUE_COLUMNS,
    DEFAULT_CATALOGUE_PATH,
    OPTIONAL_COLUMNS,
    TEMPLATE_PATH,
    UNMAPPED_FIGURES,
    Benchmark,
    CatalogueError,
    benchmarks_for,
    load_catalogue,
    load_catalogue_bytes,
)
from funnel_core.domain.constants import (
    ACV_BANDS,
    KPI_IDS,
    MOTIONS,
    PRODUCT_CATEGORIES,
    STATISTICS,
    STATUS_LABELS,
    TRIAL_TYPES,
    UNITS,
)

CHURN_KPIS = ("customer_churn_rate", "customer_churn_rate_annual", "gross_mrr_churn_rate")


@pytest.fixture(scope="module")
def catalogue() -> list[Benchmark]:
    return load_catalogue()


def _find(catalogue: list[Benchmark], kpi: str, **numbers: float) -> list[Benchmark]:
    """Rows of ``kpi`` whose given number columns equal the given values."""
    return [
        b for b in catalogue
        if b.kpi == kpi and all(
            getattr(b, k) is not None and math.isclose(getattr(b, k), v)
            for k, v in numbers.items())
    ]


# --- the shipped file ----------------------------------------------------------------------

def test_shipped_file_header_is_exact() -> None:
    with DEFAULT_CATALOGUE_PATH.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert tuple(header) == (*CATALOGUE_COLUMNS, *OPTIONAL_COLUMNS)


def test_shipped_catalogue_loads(catalogue: list[Benchmark]) -> None:
    assert 50 <= len(catalogue) <= 150
    assert all(b.origin == "published" for b in catalogue)
    assert len({b.id for b in catalogue}) == len(catalogue)


def test_every_row_uses_known_keys(catalogue: list[Benchmark]) -> None:
    for b in catalogue:
        assert b.kpi in KPI_IDS, b.id
        assert b.statistic in STATISTICS, b.id
        assert b.unit in UNITS, b.id
        assert b.status in STATUS_LABELS, b.id
        for value, allowed in ((b.acv_band, ACV_BANDS), (b.trial_type, TRIAL_TYPES),
                               (b.motion, MOTIONS), (b.product_category, PRODUCT_CATEGORIES)):
            assert value == ("any",) or set(value) <= set(allowed), b.id
        assert b.source, b.id
        assert b.label and b.basis and b.segment, b.id


def test_figures_are_ordered_and_sane(catalogue: list[Benchmark]) -> None:
    for b in catalogue:
        present = [v for v in (b.low, b.median, b.high) if v is not None]
        assert present == sorted(present), b.id
        if b.unit == "fraction":
            assert all(0 <= v <= 2 for v in present), b.id
        if b.kpi == "nps":
            assert b.unit == "points"


def test_every_churn_row_has_month_or_year(catalogue: list[Benchmark]) -> None:
    churn = [b for b in catalogue if b.kpi in CHURN_KPIS]
    assert churn
    assert all(b.period in ("month", "year") for b in churn)


def test_retention_rows_are_annual(catalogue: list[Benchmark]) -> None:
    for b in catalogue:
        if b.kpi in ("net_revenue_retention", "gross_revenue_retention"):
            assert b.period == "year", b.id


def test_urls_are_http_or_empty(catalogue: list[Benchmark]) -> None:
    for b in catalogue:
        assert b.url == "" or b.url.startswith("https://"), b.id


def test_recurly_seed_churn(catalogue: list[Benchmark]) -> None:
    rows = _find(catalogue, "customer_churn_rate", median=0.0479)
    assert len(rows) == 1
    (row,) = rows
    assert row.status == "S"
    assert row.period == "month"
    assert "Recurly" in row.source
    assert "B2C" in row.segment


def test_saas_capital_nrr_and_grr(catalogue: list[Benchmark]) -> None:
    nrr = [b for b in _find(catalogue, "net_revenue_retention", median=1.02)
           if b.acv_band == ("any",)]
    assert len(nrr) == 1 and "SaaS Capital" in nrr[0].source
    # the 2023 report describes fiscal 2022: data year 2022, published 2023
    assert nrr[0].statistic == "median" and nrr[0].status == "S"
    assert (nrr[0].year, nrr[0].published) == (2022, 2023)
    grr = [b for b in _find(catalogue, "gross_revenue_retention", median=0.91)
           if b.publication == "saas_capital_retention" and b.acv_band == ("any",)]
    assert len(grr) == 1 and "SaaS Capital" in grr[0].source and grr[0].period == "year"


def test_saas_capital_by_acv(catalogue: list[Benchmark]) -> None:
    rows = [b for b in catalogue
            if b.kpi == "net_revenue_retention" and "SaaS Capital" in b.source
            and b.acv_band != ("any",)]
    assert [b.median for b in rows] == [1.00, 1.02, 1.03, 1.05, 1.07, 1.10]
    assert rows[0].acv_band == ("vsb", "smb")
    assert rows[-1].acv_band == ("enterprise",)


def test_visitor_to_lead_seed(catalogue: list[Benchmark]) -> None:
    rows = _find(catalogue, "visitor_to_lead_rate", median=0.07)
    assert len(rows) == 1 and rows[0].status == "U" and "Capterra" in rows[0].source


def test_activation_seed(catalogue: list[Benchmark]) -> None:
    rows = _find(catalogue, "activation_rate", median=0.36)
    assert len(rows) == 1
    assert rows[0].status == "S" and "Rachitsky" in rows[0].source


def test_pql_seed_range(catalogue: list[Benchmark]) -> None:
    rows = _find(catalogue, "pql_to_paid_rate", low=0.25, high=0.30)
    assert len(rows) == 1 and rows[0].statistic == "range" and rows[0].status == "S"


@pytest.mark.parametrize(("kpi", "numbers", "status"), [
    ("mql_to_sql_rate", {"median": 0.02}, "U"),
    ("freemium_to_paid_rate", {"low": 0.01, "high": 0.10}, "S"),
    ("trial_to_paid_rate", {"median": 0.25}, "U"),          # Softletter
    ("trial_to_paid_rate", {"median": 0.15}, "V"),          # Totango, no card
    ("trial_to_paid_rate", {"low": 0.40, "high": 0.50}, "V"),  # Totango, card
    ("adoption_rate", {"median": 0.209}, "U"),
    ("adoption_rate", {"median": 0.075}, "U"),
    ("customer_churn_rate", {"median": 0.056}, "S"),        # Recurly overall + Wordable
    ("gross_mrr_churn_rate", {"low": 0.05, "high": 0.07}, "S"),
    ("expansion_share", {"median": 0.36}, "S"),
])
def test_section_a_figures_present(catalogue: list[Benchmark], kpi: str,
                                   numbers: dict[str, float], status: str) -> None:
    rows = _find(catalogue, kpi, **numbers)
    assert rows, (kpi, numbers)
    assert all(b.status == status for b in rows)


def test_annual_churn_target_is_a_target(catalogue: list[Benchmark]) -> None:
    (row,) = _find(catalogue, "gross_mrr_churn_rate", low=0.05, high=0.07)
    assert row.statistic == "target" and row.period == "year"


def test_section_b_examples(catalogue: list[Benchmark]) -> None:
    (payback,) = [b for b in catalogue if b.kpi == "cac_payback_months"
                  and b.statistic == "quartiles"]
    assert (payback.low, payback.median, payback.high) == (6, 16, 24)
    assert payback.unit == "months" and payback.period == "none"
    (ltv,) = [b for b in catalogue if b.kpi == "clv_to_cac"]
    assert ltv.statistic == "target" and ltv.low == 3 and ltv.high is None
    (quick,) = [b for b in catalogue if b.kpi == "quick_ratio"]
    assert quick.statistic == "threshold" and quick.low == 4 and quick.high is None
    (nps,) = [b for b in catalogue if b.kpi == "nps"]
    assert nps.median == 36 and nps.unit == "points"
    smb = _find(catalogue, "customer_churn_rate", high=0.03)
    assert any(b.statistic == "threshold" and b.low is None and b.acv_band == ("smb",)
               for b in smb)
    redpoint = [b for b in catalogue if b.kpi == "trial_to_paid_rate"
                and b.statistic == "quartiles"]
    assert {b.motion for b in redpoint} == {("self_serve",), ("sales_assisted",)}


def test_unmapped_figures_listed(catalogue: list[Benchmark]) -> None:
    text = " ".join(UNMAPPED_FIGURES).lower()
    for needle in ("2.8x", "time to value", "month-1", "6-month user retention",
                   "nrr x cac payback", "sales cycle"):
        assert needle in text
    # magic number and Rule of 40 are KPIs now: their published figures are catalogue rows
    assert {"magic_number", "rule_of_40"} <= {b.kpi for b in catalogue}
    assert all(isinstance(s, str) and s for s in UNMAPPED_FIGURES)


def test_template_loads_empty() -> None:
    assert load_catalogue(TEMPLATE_PATH) == []
    with TEMPLATE_PATH.open(encoding="utf-8", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == (*CATALOGUE_COLUMNS, *OPTIONAL_COLUMNS)


def test_to_dict_is_json_safe(catalogue: list[Benchmark]) -> None:
    d = catalogue[0].to_dict()
    assert isinstance(d["acv_band"], list)
    assert set(d) == {*CATALOGUE_COLUMNS, *OPTIONAL_COLUMNS, "origin"}
    json.dumps([b.to_dict() for b in catalogue])


def test_default_catalogue_is_cached() -> None:
    a, b = load_catalogue(), load_catalogue(DEFAULT_CATALOGUE_PATH)
    assert a == b and a is not b  # callers get their own list
    assert a[0] is b[0]


# --- validation of user files --------------------------------------------------------------

GOOD = {
    "id": "my_churn", "kpi": "customer_churn_rate", "label": "My churn", "statistic": "median",
    "low": "", "median": "0.03", "high": "", "unit": "fraction", "period": "month",
    "basis": "churned / start", "segment": "Us", "acv_band": "any", "trial_type": "any",
    "motion": "any", "product_category": "any", "source": "Our data", "year": "2024",
    "sample": "", "url": "", "status": "V", "note": "",
}


def _csv_text(rows: list[dict[str, str]], columns: tuple[str, ...] = CATALOGUE_COLUMNS) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _write(tmp_path: Path, text: str, name: str = "benchmarks.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_user_csv_loads(tmp_path: Path) -> None:
    second = {**GOOD, "id": "b", "acv_band": "smb; mid_market", "statistic": "quartiles",
              "low": "0.01", "median": "0.02", "high": "0.04"}
    path = _write(tmp_path, _csv_text([GOOD, second]))
    rows = load_catalogue(path, origin="mine.csv")
    assert [r.id for r in rows] == ["my_churn", "b"]
    assert rows[0].median == 0.03 and rows[0].year == 2024 and rows[0].origin == "mine.csv"
    assert rows[1].acv_band == ("smb", "mid_market")


def test_bom_and_comments_and_blank_lines(tmp_path: Path) -> None:
    text = _csv_text([GOOD])
    header, body = text.split("\n", 1)
    text = "\ufeff" + header + "\n#a comment row,,\n\n" + body
    rows = load_catalogue_bytes(text.encode("utf-8"), "upload.csv")
    assert len(rows) == 1 and rows[0].origin == "upload.csv"


@pytest.mark.parametrize(("change", "row", "column", "fragment"), [
    ({"median": "abc"}, 3, "median", "'abc' is not a number"),
    ({"median": "nan"}, 3, "median", "not a finite number"),
    ({"high": "inf", "median": ""}, 3, "high", "not a finite number"),
    ({"median": "7 %"}, 3, "median", "not a number"),
    ({"id": ""}, 3, "id", "id is empty"),
    ({"kpi": "churn"}, 3, "kpi", "not a known KPI"),
    ({"statistic": "mean"}, 3, "statistic", "not a known statistic"),
    ({"unit": "percent"}, 3, "unit", "not a known unit"),
    ({"period": "week"}, 3, "period", "not a known period"),
    ({"status": "X"}, 3, "status", "not a known status"),
    ({"acv_band": "smb;giant"}, 3, "acv_band", "'giant' is not a known acv_band"),
    ({"trial_type": "any;no_card"}, 3, "trial_type", "cannot be combined"),
    ({"motion": "self_serve;;"}, 3, "motion", "empty entry"),
    ({"product_category": "games"}, 3, "product_category", "not a known"),
    ({"median": ""}, 3, "median", "no figure given"),
    ({"statistic": "range", "low": "0.05", "median": "0.03", "high": ""}, 3, "low",
     "greater than median"),
    ({"median": "0.05", "high": "0.04"}, 3, "high", "greater than high"),
    ({"statistic": "target", "median": "", "low": "0.05", "high": "0.04"}, 3, "low",
     "greater than high"),
    ({"year": "twenty"}, 3, "year", "not a year"),
    ({"year": "2023.5"}, 3, "year", "not a year"),
    ({"year": "1899"}, 3, "year", "between 1990 and 2100"),
    ({"statistic": "quartiles", "low": "0.01", "median": "", "high": "0.05"}, 3, "median",
     "needs low (P25), median (P50) and high (P75)"),
    ({"statistic": "quartiles", "median": "0.02", "high": "0.05"}, 3, "low", "needs"),
    ({"statistic": "good_great", "low": "0.9", "median": ""}, 3, "high",
     "needs low (good) and high"),
    ({"statistic": "range", "median": "", "high": "0.05"}, 3, "low", "needs low and high"),
    ({"statistic": "average", "median": "", "low": "0.01"}, 3, "median", "needs a median"),
    ({"statistic": "threshold", "median": "", "low": "1", "high": "2"}, 3, "low",
     "exactly one bound"),
    ({"statistic": "threshold"}, 3, "median", "no median"),
    ({"id": "second_row", "acv_band": ""}, 3, None, None),  # control: loads
])
def test_bad_rows(tmp_path: Path, change: dict[str, str], row: int, column: str | None,
                  fragment: str | None) -> None:
    other = {**GOOD, "id": "first_row"}
    bad = {**GOOD, **change}
    path = _write(tmp_path, _csv_text([other, bad]))
    if column is None:  # control case: a valid change loads
        assert len(load_catalogue(path)) == 2
        return
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    err = info.value
    assert (err.file, err.row, err.column) == ("benchmarks.csv", row, column)
    assert str(err).startswith(f"benchmarks.csv, row {row}, column '{column}': ")
    if fragment:
        assert fragment in str(err)


def test_error_message_format(tmp_path: Path) -> None:
    rows = [{**GOOD, "id": f"r{i}"} for i in range(5)] + [{**GOOD, "id": "r5", "median": "abc"}]
    path = _write(tmp_path, _csv_text(rows))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert str(info.value) == "benchmarks.csv, row 7, column 'median': 'abc' is not a number " \
        "(use a dot for decimals, fractions for rates: 0.07 for 7 %)"
    assert isinstance(info.value, ValueError)


def test_duplicate_id(tmp_path: Path) -> None:
    path = _write(tmp_path, _csv_text([GOOD, {**GOOD, "label": "x"}, GOOD]))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert (info.value.row, info.value.column) == (3, "id")
    assert "first used in row 2" in str(info.value)


def test_row_numbers_count_comment_and_blank_lines(tmp_path: Path) -> None:
    text = _csv_text([GOOD]) + "\n# note\n" + _csv_text([{**GOOD, "id": "z", "kpi": "x"}]
                                                      ).split("\n", 1)[1]
    path = _write(tmp_path, text)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert (info.value.row, info.value.column) == (5, "kpi")


def test_multiline_cell_keeps_line_numbers(tmp_path: Path) -> None:
    first = {**GOOD, "id": "a", "note": "line one\nline two"}
    path = _write(tmp_path, _csv_text([first, {**GOOD, "id": "b", "unit": "pct"}]))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert (info.value.row, info.value.column) == (4, "unit")


def test_missing_column(tmp_path: Path) -> None:
    columns = tuple(c for c in CATALOGUE_COLUMNS if c not in ("median", "note"))
    path = _write(tmp_path, _csv_text([GOOD], columns))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    err = info.value
    assert (err.row, err.column) == (1, "median")
    assert "'median'" in str(err) and "'note'" in str(err)


def test_extra_column(tmp_path: Path) -> None:
    columns = (*CATALOGUE_COLUMNS, "comment")
    path = _write(tmp_path, _csv_text([{**GOOD, "comment": "hi"}], columns))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert (info.value.row, info.value.column) == (1, "comment")
    assert "unexpected column" in str(info.value)


def test_row_with_too_many_cells(tmp_path: Path) -> None:
    text = _csv_text([GOOD]).rstrip("\n") + ",surplus\n"
    with pytest.raises(CatalogueError) as info:
        load_catalogue(_write(tmp_path, text))
    assert info.value.row == 2 and "cells" in str(info.value)


def test_row_with_too_few_cells(tmp_path: Path) -> None:
    text = _csv_text([]) + "x,customer_churn_rate,label\n"
    with pytest.raises(CatalogueError) as info:
        load_catalogue(_write(tmp_path, text))
    assert (info.value.row, info.value.column) == (2, "statistic")


def test_empty_file_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as info:
        load_catalogue_bytes(b"", "empty.csv")
    assert info.value.file == "empty.csv" and info.value.row is None
    with pytest.raises(CatalogueError):
        load_catalogue(tmp_path / "nope.csv")


def test_not_utf8(tmp_path: Path) -> None:
    data = _csv_text([GOOD, {**GOOD, "id": "b", "label": "Caf\u00e9"}]).encode("cp1252")
    with pytest.raises(CatalogueError) as info:
        load_catalogue_bytes(data, "latin.csv")
    assert info.value.row == 3 and "UTF-8" in str(info.value)


def test_file_edit_invalidates_cache(tmp_path: Path) -> None:
    path = _write(tmp_path, _csv_text([GOOD]))
    assert load_catalogue(path)[0].median == 0.03
    path.write_text(_csv_text([{**GOOD, "median": "0.045"}]), encoding="utf-8")
    assert load_catalogue(path)[0].median == 0.045


# --- XLSX user catalogues --------------------------------------------------------------------

def _xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _as_cells(values: dict[str, str]) -> list[object]:
    out: list[object] = []
    for c in CATALOGUE_COLUMNS:
        v = values[c]
        if c in ("low", "median", "high") and v != "":
            out.append(float(v))
        elif c == "year" and v != "":
            out.append(int(v))
        else:
            out.append(v if v != "" else None)
    return out


def test_user_xlsx_loads(tmp_path: Path) -> None:
    second = {**GOOD, "id": "nrr_goal", "kpi": "net_revenue_retention", "statistic": "target",
              "median": "", "low": "1.1", "period": "year", "note": "", "acv_band": "enterprise"}
    data = _xlsx_bytes([list(CATALOGUE_COLUMNS), _as_cells(GOOD), _as_cells(second)])
    path = tmp_path / "Our targets.xlsx"
    path.write_bytes(data)
    rows = load_catalogue_bytes(path.read_bytes(), path.name)
    assert [r.id for r in rows] == ["my_churn", "nrr_goal"]
    assert all(r.origin == "Our targets.xlsx" for r in rows)
    assert rows[0].median == 0.03 and rows[0].year == 2024 and rows[0].note == ""
    assert rows[1].low == 1.1 and rows[1].acv_band == ("enterprise",)
    via_path = load_catalogue(path, origin=path.name)
    assert via_path == rows


def test_user_xlsx_error_names_sheet_row(tmp_path: Path) -> None:
    bad = _as_cells({**GOOD, "id": "b"})
    bad[CATALOGUE_COLUMNS.index("median")] = "lots"
    data = _xlsx_bytes([list(CATALOGUE_COLUMNS), _as_cells(GOOD), bad])
    with pytest.raises(CatalogueError) as info:
        load_catalogue_bytes(data, "targets.xlsx")
    assert (info.value.file, info.value.row, info.value.column) == ("targets.xlsx", 3, "median")


def test_garbage_xlsx() -> None:
    with pytest.raises(CatalogueError) as info:
        load_catalogue_bytes(b"PK\x03\x04 not really a zip", "broken.xlsx")
    assert info.value.file == "broken.xlsx"


# --- matching ------------------------------------------------------------------------------

def _bench(**filters: tuple[str, ...]) -> Benchmark:
    base = dict(acv_band=("any",), trial_type=("any",), motion=("any",),
                product_category=("any",))
    base.update(filters)
    return Benchmark(
        id="x", kpi="customer_churn_rate", label="x", statistic="median", low=None,
        median=0.03, high=None, unit="fraction", period="month", basis="", segment="",
        source="s", year=None, sample="", url="", status="V", note="", **base)


@pytest.mark.parametrize(("filters", "context", "expected"), [
    ({}, {"acv_band": "smb", "trial_type": "no_card"}, True),
    ({"acv_band": ("smb",)}, {"acv_band": "smb"}, True),
    ({"acv_band": ("smb",)}, {"acv_band": "enterprise"}, False),
    ({"acv_band": ("smb", "mid_market")}, {"acv_band": "mid_market"}, True),
    ({"acv_band": ("smb",)}, {"acv_band": None}, True),
    ({"acv_band": ("smb",)}, {"acv_band": ""}, True),
    ({"acv_band": ("smb",)}, {"acv_band": "any"}, True),
    ({"acv_band": ("smb",)}, {}, True),
    ({"trial_type": ("card_required",)}, {"trial_type": "no_card"}, False),
    ({"motion": ("self_serve",)}, {"motion": "sales_assisted"}, False),
    ({"product_category": ("education",)}, {"product_category": "education"}, True),
    ({"acv_band": ("enterprise",), "motion": ("sales_assisted",)},
     {"acv_band": "enterprise", "motion": "self_serve"}, False),
    ({"acv_band": ("enterprise",), "motion": ("sales_assisted",)},
     {"acv_band": "enterprise", "motion": "sales_assisted", "period": "month"}, True),
])
def test_matches(filters: dict[str, tuple[str, ...]], context: dict[str, str | None],
                 expected: bool) -> None:
    assert _bench(**filters).matches(context) is expected


def test_benchmarks_for_keeps_file_order(catalogue: list[Benchmark]) -> None:
    smb = benchmarks_for("net_revenue_retention", {"acv_band": "smb"}, catalogue)
    ids = [b.id for b in smb]
    assert ids == [b.id for b in catalogue if b.id in set(ids)]
    assert all(b.kpi == "net_revenue_retention" for b in smb)
    assert "saascapital_nrr_acv_lt12k_2023" in ids
    assert "saascapital_nrr_acv_gt250k_2023" not in ids
    every = benchmarks_for("net_revenue_retention", {}, catalogue)
    assert len(every) > len(smb)
    assert benchmarks_for("nps", {"acv_band": "enterprise"}, catalogue)


def test_benchmarks_for_trial_type(catalogue: list[Benchmark]) -> None:
    card = benchmarks_for("trial_to_paid_rate", {"trial_type": "card_required"}, catalogue)
    assert card and all(b.trial_type in (("any",),) or "card_required" in b.trial_type
                        for b in card)
    assert not any(b.trial_type == ("no_card",) for b in card)


def test_comparability_is_optional_and_validated(tmp_path) -> None:
    header = ",".join(CATALOGUE_COLUMNS)
    row = "t1,cac,Board target,target,,,500,currency,none,,,any,any,any,any,Board,2026,,,V,"
    path = tmp_path / "board.csv"
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    assert load_catalogue(path)[0].comparability == "direct"
    path.write_text(header + ",comparability\n" + row + ",sometimes\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert info.value.row == 2 and info.value.column == "comparability"

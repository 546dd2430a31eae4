"""Downloads: charts (PNG/SVG/HTML/ZIP), CSV, XLSX, HTML and PDF reports, write_report.

Each format is checked by its magic bytes and its content; the XLSX is read back and its
numbers compared with the report's; text from the user is checked to come out neutralised
(CSV/XLSX) or escaped (HTML). Charts come from the real :func:`funnel_core.charts.catalog.chart_catalog`.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import math
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import altair as alt
import pytest
from openpyxl import load_workbook

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.benchmarks.compare import ComparisonReport, compare, primary_comparison
from funnel_core.domain.constants import STATUS_LABELS, VERDICT_LABELS
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import images, render, report_charts, report_model, sanitize, settings
from funnel_core.exports.chart_zip import charts_zip
from funnel_core.exports.report_html import report_html
from funnel_core.exports.report_pdf import report_pdf
from funnel_core.exports.table_csv import CSV_COLUMNS, comparison_csv, report_rows
from funnel_core.exports.workbook import comparison_xlsx

AS_OF = dt.date(2026, 1, 31)

FULL = dict(
    visitors=20000, leads=1400, mqls=560, sqls=140, opportunities=70, new_customers=20,
    signups=900, activated_users=324, trial_users=400, trial_conversions=60,
    freemium_users=1000, freemium_conversions=40, pqls=80, pql_conversions=22,
    onboarded_users=300, adopted_users=75, customers_start=200, customers_churned=6,
    mrr_start=100000, mrr_new=8000, mrr_expansion=3000, mrr_contraction=1000, mrr_churned=2000,
    sales_marketing_spend=60000, gross_margin=0.8, nps_promoters=50, nps_passives=30,
)

EVIL_LABEL = '=HYPERLINK("http://x")'
EVIL_SOURCE = "<script>alert(1)</script>"
EVIL_NOTE_1 = "not recognised and not used: @SUM(A1)"
EVIL_NOTES = ("+1+1", "-2+3", "@SUM(A1)", "\tTAB", EVIL_LABEL)
SNAPSHOT_LABEL = "<script>alert(1)</script> 2025-06 → Q2"


def _user_benchmarks() -> list:
    """Two rows of a user catalogue with hostile text (origin = the user's file name)."""
    published = load_catalogue()
    trial = next(b for b in published if b.kpi == "trial_to_paid_rate")
    nrr = next(b for b in published if b.kpi == "net_revenue_retention")
    return [
        replace(trial, id="board_trial", label=EVIL_LABEL, source=EVIL_SOURCE, segment="-2+3",
                note="@SUM(A1)", url="javascript:alert(1)", status="U", origin="board.csv",
                acv_band=("any",), trial_type=("any",), motion=("any",), product_category=("any",)),
        replace(nrr, id="board_nrr", label="+1+1", source="-2+3", segment="@SUM(A1)",
                url="https://example.com/board", status="V", origin="board.csv",
                acv_band=("any",), trial_type=("any",), motion=("any",), product_category=("any",)),
    ]


def _report(values: dict | None = None, currency: str = "EUR", label: str | None = SNAPSHOT_LABEL,
            user_rows: bool = True) -> ComparisonReport:
    snapshot = Snapshot(dict(FULL if values is None else values),
                        Context(currency=currency, acv_band="smb", trial_type="no_card",
                                motion="self_serve"),
                        label=label)
    catalogue = list(load_catalogue()) + (_user_benchmarks() if user_rows else [])
    base = compare(snapshot, catalogue)
    return ComparisonReport(base.snapshot, base.kpis, base.warnings + ("Check the leads =1+1",),
                            (EVIL_NOTE_1,) + EVIL_NOTES)


@pytest.fixture(scope="module")
def report() -> ComparisonReport:
    return _report()


@pytest.fixture(scope="module")
def key_charts(report):
    return report_charts.report_charts(report, AS_OF, key_only=True)


@pytest.fixture(scope="module")
def xlsx_bytes(report) -> bytes:
    return comparison_xlsx(report, AS_OF)


@pytest.fixture(scope="module")
def html_text(report) -> str:
    return report_html(report, AS_OF).decode("utf-8")


@pytest.fixture(scope="module")
def pdf_bytes(report) -> bytes:
    return report_pdf(report, AS_OF)


@pytest.fixture(scope="module")
def zip_bytes(report) -> bytes:
    return charts_zip(report, AS_OF)


def _is_png(data: bytes) -> bool:
    return data[:8] == b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _svg_root(data: bytes) -> ElementTree.Element:
    root = ElementTree.fromstring(data)
    assert root.tag.endswith("svg")
    return root


# --- registry and helpers ------------------------------------------------------------------------

def test_exports_registry_names_functions_extensions_and_mime_types():
    assert set(render.EXPORTS) == {"chart_png", "chart_svg", "chart_html", "charts_zip",
                                    "comparison_csv", "comparison_xlsx", "report_html", "report_pdf"}
    producers = (images.chart_png, images.chart_svg, images.chart_html, charts_zip, comparison_csv,
                 comparison_xlsx, report_html, report_pdf)
    assert {f.__name__ for f in producers} == set(render.EXPORTS)
    for key, (extension, mime) in render.EXPORTS.items():
        assert extension.startswith(".") and "/" in mime
    assert render.EXPORTS["comparison_xlsx"][1].endswith("spreadsheetml.sheet")
    assert render.EXPORTS["report_pdf"] == (".pdf", "application/pdf")


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("", ""),
    (-2.5, -2.5), (3, 3), (float("nan"), None), (float("inf"), None), (None, None),
])
def test_safe_cell(value, expected):
    assert sanitize.safe_cell(value) == expected


def test_download_name_is_file_safe():
    name = render.download_name("report_pdf", _report(label="2025/06 <x>"), as_of=AS_OF)
    assert name == "funnel-benchmark-2025-06--x-report-2026-01-31.pdf" or re.fullmatch(
        r"funnel-benchmark-[A-Za-z0-9_-]+-report-2026-01-31\.pdf", name)
    assert render.download_name("chart_png", chart_name="overview", as_of="2026-01-31") == \
        "funnel-benchmark-overview-2026-01-31.png"


# --- charts -----------------------------------------------------------------------------------------

def test_key_charts_match_the_full_catalogue(report):
    """The fast path (key charts only) gives exactly what chart_catalog gives, minus bullets."""
    from funnel_core.charts.catalog import chart_catalog

    full = [c for c in chart_catalog(report, as_of=AS_OF) if report_charts.is_key_chart(c.name)]
    report_charts.clear_render_cache()
    fast = report_charts.report_charts(report, AS_OF, key_only=True)
    assert [c.name for c in fast] == [c.name for c in full]
    assert [c.title for c in fast] == [c.title for c in full]
    assert [c.spec for c in fast] == [c.chart.to_dict(validate=False) for c in full]
    assert fast[0].name == "overview"


def test_every_exported_chart_carries_title_source_and_date(report):
    charts = report_charts.report_charts(report, AS_OF)
    names = [c.name for c in charts]
    assert "overview" in names and any(n.startswith("bullet-") for n in names)
    assert len(set(names)) == len(names)
    for chart in charts:
        text = json.dumps(chart.spec, ensure_ascii=False)
        assert chart.spec.get("title"), chart.name
        assert "source" in text.lower(), chart.name
        assert "2026-01-31" in text, chart.name
        assert re.fullmatch(r"[a-z0-9_-]+", chart.name)


def test_missing_title_source_and_date_are_added_at_export(report):
    bare = alt.Chart(alt.Data(values=[{"x": 1}])).mark_bar().encode(x="x:Q")
    named = images.AnnotatedChart("bare", "A bare chart", bare, {}, "")
    [done] = report_charts.report_charts(report, AS_OF, charts=[named])
    title = done.spec["title"]
    assert title["text"] == "A bare chart"
    assert any("Sources:" in line for line in title["subtitle"])
    assert "As of 2026-01-31" in title["subtitle"]


def test_chart_png_is_sharp(key_charts):
    overview = key_charts[0]
    png = images.chart_png(overview)
    assert _is_png(png)
    one = images.chart_png(overview, scale=1)
    width2, height2 = _png_size(png)
    width1, height1 = _png_size(one)
    assert abs(width2 - 2 * width1) <= 2 and abs(height2 - 2 * height1) <= 2
    # the SVG's own width is the 1x size
    svg_width = float(_svg_root(images.chart_svg(overview)).get("width"))
    assert abs(width2 - 2 * svg_width) <= 2


def test_chart_functions_accept_a_plain_altair_chart():
    chart = alt.Chart(alt.Data(values=[{"k": "a", "v": 0.1}])).mark_bar().encode(
        x=alt.X("v:Q", axis=alt.Axis(format="%")), y="k:N").properties(title="Plain")
    assert _is_png(images.chart_png(chart))
    _svg_root(images.chart_svg(chart))
    assert b"<html" in images.chart_html(chart)


def test_chart_svg_parses_as_xml(key_charts):
    for chart in key_charts:
        data = images.chart_svg(chart)
        assert data.startswith(b"<?xml")
        _svg_root(data)


def test_chart_html_is_self_contained(key_charts):
    page = images.chart_html(key_charts[0], key_charts[0].title).decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert f"<title>{key_charts[0].title}</title>" in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", page, re.I)
    assert "vegaEmbed" in page and len(page) > 100_000  # the Vega JS is inlined


def test_charts_zip_has_png_svg_per_chart_one_gallery_and_a_readme(report, zip_bytes):
    assert zip_bytes[:4] == b"PK\x03\x04"
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    names = archive.namelist()
    charts = report_charts.report_charts(report, AS_OF)
    assert names[0] == "README.txt"
    for chart in charts:
        for extension in ("png", "svg"):
            assert f"{chart.name}.{extension}" in names
        assert _is_png(archive.read(f"{chart.name}.png"))
        _svg_root(archive.read(f"{chart.name}.svg"))
    assert len(names) == 2 + 2 * len(charts)
    gallery = archive.read("charts.html").decode("utf-8")
    for chart in charts:
        assert f"<h2>{html.escape(chart.title)}</h2>" in gallery
    readme = archive.read("README.txt").decode("utf-8")
    assert "Date: 2026-01-31" in readme
    assert "SaaS Capital" in readme and "source not verified" in readme
    for chart in charts:
        assert chart.name in readme


# --- CSV --------------------------------------------------------------------------------------------

def test_comparison_csv_has_bom_columns_and_every_row(report):
    data = comparison_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    expected = report_rows(report)
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected):
        assert got["kpi"] == want["kpi"]
        if want["value"] is None:
            assert got["value"] == ""
        else:
            assert float(got["value"]) == want["value"]  # full precision
    text = data.decode("utf-8-sig").lower()
    assert "nan" not in re.split(r"[^a-z]+", text) and "inf" not in re.split(r"[^a-z]+", text)


def test_comparison_csv_neutralises_user_text_and_keeps_negative_numbers(report):
    rows = list(csv.DictReader(io.StringIO(comparison_csv(report).decode("utf-8-sig"))))
    mine = [r for r in rows if r["benchmark_id"] in ("board_trial", "board_nrr")]
    assert {r["source"] for r in mine} == {EVIL_SOURCE, "'-2+3"}
    assert {r["segment"] for r in mine} == {"'-2+3", "'@SUM(A1)"}
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (key, value)
            if value.startswith("-"):  # only numbers may start with a minus
                float(value)
    assert any(r["gap"].startswith("-") for r in rows)


# --- XLSX -------------------------------------------------------------------------------------------

def test_xlsx_is_a_workbook_with_the_four_sheets(xlsx_bytes):
    assert xlsx_bytes[:4] == b"PK\x03\x04"
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(xlsx_bytes)).namelist()
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    assert wb.sheetnames == ["Inputs", "KPIs", "Definitions", "Charts"]
    for name in ("Inputs", "KPIs", "Definitions"):
        ws = wb[name]
        assert all(cell.font.bold for cell in ws[1] if cell.value is not None)
        assert ws.freeze_panes in ("A2", "B2", "C2")
        assert ws.column_dimensions["A"].width >= 8


def _kpi_rows(xlsx: bytes) -> tuple[list[str], list[tuple]]:
    ws = load_workbook(io.BytesIO(xlsx))["KPIs"]
    header = [c.value for c in ws[1]]
    return header, [tuple(c for c in row) for row in ws.iter_rows(min_row=2)]


def test_xlsx_round_trip_gives_back_the_numbers_on_screen(report, xlsx_bytes):
    header, rows = _kpi_rows(xlsx_bytes)
    col = {h: i for i, h in enumerate(header)}
    by_kpi: dict[str, list] = {}
    for row in rows:
        by_kpi.setdefault(row[col["KPI id"]].value, []).append(row)
    assert list(by_kpi) == [item.id for item in report.kpis]
    for item in report.kpis:
        cells = by_kpi[item.id]
        assert len(cells) == max(1, len(item.comparisons))
        for row in cells:
            assert row[col["Your value"]].value == item.kpi.value  # exact, full precision
        for row, comp in zip(cells, item.comparisons):
            assert row[col["Gap"]].value == comp.gap
            assert row[col["Your value (benchmark period)"]].value == comp.user_value
            assert row[col["Median"]].value == comp.benchmark.median
            assert row[col["Status"]].value == comp.benchmark.status
            assert row[col["Status meaning"]].value == STATUS_LABELS[comp.benchmark.status]


def test_xlsx_number_formats_follow_units_and_currency(report, xlsx_bytes):
    header, rows = _kpi_rows(xlsx_bytes)
    col = {h: i for i, h in enumerate(header)}
    formats = {row[col["KPI id"]].value: row[col["Your value"]].number_format for row in rows}
    assert formats["trial_to_paid_rate"] == "0.0%"
    assert formats["quick_ratio"] == '0.00"x"'
    assert formats["arr"] == '"€"#,##0'
    assert formats["cac_payback_months"].endswith('" months"')
    inputs = load_workbook(io.BytesIO(xlsx_bytes))["Inputs"]
    values = {r[0].value: r[2] for r in inputs.iter_rows(min_row=2) if r[0].value}
    assert values["mrr_start"].number_format == '"€"#,##0'
    assert values["gross_margin"].number_format == "0.0%"
    assert values["visitors"].number_format == "#,##0"
    assert values["mrr_start"].value == 100000


def test_xlsx_money_format_for_currencies_written_after_the_amount():
    wb = load_workbook(io.BytesIO(comparison_xlsx(_report(currency="PLN"), AS_OF,
                                                           include_charts=False)))
    assert wb.sheetnames == ["Inputs", "KPIs", "Definitions"]
    ws = wb["KPIs"]
    header = [c.value for c in ws[1]]
    arr = next(r for r in ws.iter_rows(min_row=2) if r[header.index("KPI id")].value == "arr")
    assert arr[header.index("Your value")].number_format == '#,##0 "zł"'


def test_xlsx_sources_link_status_definitions_and_charts(report, xlsx_bytes):
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    ws = wb["KPIs"]
    header = [c.value for c in ws[1]]
    source_col = header.index("Source")
    links = {row[source_col].hyperlink.target for row in ws.iter_rows(min_row=2)
             if row[source_col].hyperlink is not None}
    published_urls = {c.benchmark.url for k in report.kpis for c in k.comparisons
                      if c.benchmark.url.startswith("http")}
    assert links == published_urls
    assert "javascript:alert(1)" not in links
    definitions = [[c.value for c in row] for row in wb["Definitions"].iter_rows()]
    flat = [str(v) for row in definitions for v in row if v is not None]
    assert "leads / visitors" in flat and "lower is better" in flat
    for code, label in STATUS_LABELS.items():
        assert [code, label] == [v for v in next(r for r in definitions if r[0] == code) if v is not None]
    charts = wb["Charts"]
    key = report_charts.report_charts(report, AS_OF, key_only=True)
    assert len(charts._images) == len(key) >= 2
    inputs = [[c.value for c in row] for row in wb["Inputs"].iter_rows()]
    assert ["currency", "Currency", "EUR", "key: EUR"] in inputs
    assert any(row[2] == "Self-serve (no sales touch)" for row in inputs)


def test_xlsx_neutralises_user_text(xlsx_bytes):
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    texts = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
                if isinstance(cell.value, float):
                    assert math.isfinite(cell.value)
    assert "'" + EVIL_LABEL in texts
    assert "'+1+1" in texts and "'-2+3" in texts and "'@SUM(A1)" in texts
    assert "'=" + "1+1" not in texts  # the warning text does not start with '='
    assert SNAPSHOT_LABEL in texts  # text that is not a formula stays as it is
    header, rows = _kpi_rows(xlsx_bytes)
    gaps = [r[header.index("Gap")].value for r in rows]
    assert any(isinstance(g, float) and g < 0 for g in gaps)  # negative numbers stay numbers


# --- HTML report ----------------------------------------------------------------------------------

def test_report_html_is_self_contained_and_prints_on_a4(html_text, key_charts):
    assert html_text.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script", html_text, re.I)
    assert not re.search(r"<link[^>]*stylesheet", html_text, re.I)
    assert not re.search(r"<img[^>]*src=\"https?:", html_text, re.I)
    assert "@page" in html_text and "size: A4" in html_text
    assert "break-inside: avoid" in html_text
    assert "page-break-after: always" in html_text  # the summary page ends the first page
    # page 1 may show the overview's furthest rows; the appendix then has the whole chart too
    partial = 'class="small part"' in html_text
    assert html_text.count('src="data:image/svg+xml;base64,') == len(key_charts) + partial


def test_report_html_headline_counts_and_gaps(report, html_text):
    counts = {"better": 0, "in_line": 0, "worse": 0}
    for item in report.kpis:
        main = primary_comparison(item)
        if main is not None and main.verdict:
            counts[main.verdict] += 1
    for verdict, css in (("better", "better"), ("in_line", "in-line"), ("worse", "worse")):
        assert re.search(rf'class="tile {css}"[^>]*><span class="count"[^>]*>{counts[verdict]}</span>',
                         html_text)
    total = sum(counts.values())
    assert (f"{total} KPIs: {counts['better']} better, {counts['in_line']} in line, "
            f"{counts['worse']} worse.") in html_text
    all_counts = report.comparison_counts()  # every counted comparison, each publication once
    assert (f"each publication once ({sum(all_counts.values())} comparisons with a verdict): "
            f"{all_counts['better']} better, {all_counts['in_line']} in line") in html_text
    assert {k: v for k, v in report.verdict_counts().items() if k in counts} == counts
    gaps = re.search(r'<ol class="gaps">(.*?)</ol>', html_text, re.S).group(1)
    assert 1 <= gaps.count("<li") <= 3
    assert "worse." in gaps


def test_report_html_lists_sources_statuses_warnings_and_missing_kpis(report, html_text):
    assert "SaaS Capital" in html_text
    assert "source not verified" in html_text
    assert "Net Promoter Score" in html_text and "not computable" in html_text.lower()
    assert "Check the leads =1+1" in html_text
    assert 'href="https://www.lennysnewsletter.com' in html_text
    assert "javascript:" not in html_text
    assert "As of 2026-01-31" in html_text


def test_report_html_escapes_user_text(html_text):
    assert "<script>" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 2025-06 → Q2" in html_text  # snapshot label
    assert "=HYPERLINK(&quot;http://x&quot;)" in html_text  # notes, escaped


def test_report_footnotes_are_numbered_like_the_charts(report, key_charts):
    """[n] in the report's table and sources is the same benchmark as [n] on the overview."""
    summary = report_model.summarize(report, AS_OF)
    overview = json.dumps(key_charts[0].spec, ensure_ascii=False)
    for note in summary.footnotes:
        # the same years on both: data year, publication year and "dated" where they add to the
        # source's name, "year not stated" when neither is known
        suffix = "year not stated" if note.suffix is None else note.suffix
        source = f"{note.source} ({suffix})" if suffix else note.source
        assert f"[{note.number}] {source}" in overview, note


# --- PDF report --------------------------------------------------------------------------------------

def test_report_pdf_is_a_pdf(pdf_bytes):
    assert pdf_bytes.startswith(b"%PDF-")
    assert pdf_bytes.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Subtype\s*/Image", pdf_bytes)) >= 2  # the charts


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_report_pdf_text(report, pdf_bytes, tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf_bytes)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    summary = report_model.summarize(report, AS_OF)
    c = summary.kpi_counts
    flat = " ".join(text.split())
    assert f"{summary.kpis_compared} KPIs: {c['better']} better, {c['in_line']} in line, {c['worse']} worse" in flat
    assert "Biggest gaps" in flat and "SaaS Capital" in flat and "source not verified" in flat
    assert "<script>alert(1)</script>" in flat  # shown as text, it is a PDF
    assert "Net Promoter Score" in flat and "Page 1 of" in flat


def test_report_pdf_without_a_unicode_font_transliterates(report):
    from funnel_core.exports.pdf_layout import latin1
    from funnel_core.exports.report_pdf import render_report_pdf

    assert latin1("2025 → Q2: 1 000 zł, €5, “ok” – ✓ 数据") == '2025 -> Q2: 1 000 zl, EUR 5, "ok" - ? ??'
    summary = report_model.summarize(_report(label="→ zł € “q” ✓ 数据 Łódź", currency="PLN"), AS_OF)
    data = render_report_pdf(summary, [], unicode_font=False)
    assert data.startswith(b"%PDF-")


def test_report_pdf_with_unicode_font_and_odd_characters():
    from funnel_core.exports.report_pdf import render_report_pdf

    summary = report_model.summarize(_report(label="→ zł € 数据 😀 Łódź\x00", currency="PLN"), AS_OF)
    assert render_report_pdf(summary, []).startswith(b"%PDF-")


# --- the one-page board summary ------------------------------------------------------------------

EXAMPLE_CSV = Path(__file__).resolve().parents[2] / "assets" / "example_company.csv"
SPARSE = dict(visitors=5000, leads=150, signups=300, trial_users=120, trial_conversions=14,
              mrr_start=20000, mrr_churned=600)


def _board_report(kind: str) -> ComparisonReport:
    """The fully filled example company, or a sparse input with a few KPIs only."""
    if kind == "example":
        from funnel_core.inputs.loading import load_snapshot

        snapshot, _ = load_snapshot(EXAMPLE_CSV)
        return compare(snapshot, list(load_catalogue()))
    return compare(Snapshot(dict(SPARSE), Context(currency="EUR", period="month"), label="2025-12"),
                   list(load_catalogue()))


@pytest.fixture(scope="module", params=["example", "sparse"])
def board(request) -> tuple[str, ComparisonReport]:
    return request.param, _board_report(request.param)


def _page_count(pdf: bytes) -> int:
    """Pages of a PDF, counted from its page objects (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _pdf_text(pdf: bytes, tmp_path, first: int | None = None, last: int | None = None) -> str:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    pages = [] if first is None else ["-f", str(first), "-l", str(last or first)]
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _page1_checks(text: str, summary: report_model.ReportSummary) -> None:
    """Page 1 holds the headline, the gaps and every footnote its [n] references point to."""
    flat = " ".join(text.split())
    assert summary.headline() in flat
    assert "Funnel KPIs vs published SaaS benchmarks" in flat and f"As of {summary.date}" in flat
    assert "Biggest gaps" in flat
    for item in summary.gap_items:
        assert " ".join(item.text.split())[:60] in flat
    head, _, notes = flat.partition(" Sources ")
    assert notes, "no footnotes on page 1"
    listed = {int(n) for n in re.findall(r"\[(\d+)\]", notes)}
    # the overview chart labels its rows [1]..[N] (its numbering is the report's, see
    # test_report_footnotes_are_numbered_like_the_charts): the rows page 1 shows are footnoted
    # here - all of them, or the ones furthest from their benchmark when all do not fit at a
    # size readable on paper (the page says so)
    main = {n.number for n in summary.footnotes}
    if "at a size readable on paper" in flat:
        assert listed < main
    else:
        assert listed == main
    used = {int(n) for n in re.findall(r"\[(\d+)\]", head)}
    assert used and used <= listed
    assert {item.footnote for item in summary.gap_items} <= used
    unverified = [n for n in summary.footnotes if n.status == "U" and n.number in listed]
    assert flat.count("source not verified") >= len(unverified)
    assert "KPIs against every matching benchmark" not in flat  # the appendix starts on page 2


def test_report_pdf_one_page_only_is_exactly_one_page(board):
    kind, rep = board
    data = report_pdf(rep, AS_OF, one_page_only=True)
    assert data.startswith(b"%PDF-")
    assert _page_count(data) == 1, kind
    assert len(re.findall(rb"/Subtype\s*/Image", data)) == 1  # the overview chart, nothing else
    full = report_pdf(rep, AS_OF)
    assert _page_count(full) >= 2  # summary + appendix
    assert len(re.findall(rb"/Subtype\s*/Image", full)) >= 2


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_report_pdf_page_1_holds_headline_chart_and_its_footnotes(board, tmp_path):
    kind, rep = board
    summary = report_model.summarize(rep, AS_OF)
    assert summary.footnotes and summary.gap_items, kind
    for one_page_only in (True, False):
        data = report_pdf(rep, AS_OF, one_page_only=one_page_only)
        page1 = _pdf_text(data, tmp_path, 1)
        _page1_checks(page1, summary)
        assert "Page 1 of" in page1
    rest = " ".join(_pdf_text(report_pdf(rep, AS_OF), tmp_path, 2, 99).split())
    assert "Appendix" in rest and "KPIs against every matching benchmark" in rest
    assert "Definitions" in rest and "Sources" in rest
    if kind == "example":
        assert "Not computable" in rest and "Free plan to paid" in rest


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_report_pdf_page_1_with_user_catalogue_text_and_core_font(report, tmp_path):
    """Hostile user text on page 1 (a user catalogue's source is a main benchmark) stays text."""
    from funnel_core.exports.report_pdf import render_report_pdf

    summary = report_model.summarize(report, AS_OF)
    charts = report_charts.report_charts(report, AS_OF, key_only=True)
    assert any(n.source == EVIL_SOURCE for n in summary.footnotes)
    for font in (True, False):
        data = render_report_pdf(summary, charts[:1], unicode_font=font, one_page_only=True)
        assert _page_count(data) == 1
        flat = " ".join(_pdf_text(data, tmp_path, 1).split())
        assert EVIL_SOURCE in flat and summary.headline() in flat


def test_summary_lists_every_benchmark_with_numbers_after_the_charts():
    summary = report_model.summarize(_board_report("example"), AS_OF)
    main = [n.number for n in summary.footnotes]
    others = [n.number for n in summary.other_footnotes]
    assert main == list(range(1, len(main) + 1))
    assert others == list(range(len(main) + 1, len(main) + len(others) + 1))
    lines = [line for row in summary.rows for line in row.others]
    assert {line.footnote for line in lines} == set(others)
    assert len(summary.rows) + len(lines) >= sum(summary.all_counts.values())
    assert {label for label, _, _ in summary.definitions} >= {row.label for row in summary.rows}


def test_page_overview_drops_the_sources_footer_and_shortens_rows(key_charts):
    overview = key_charts[0]
    body = overview.spec["vconcat"][0]
    assert body["title"]["orient"] == "bottom"  # the chart's own sources footer
    page = report_charts.page_overview(overview)
    assert "title" not in page.spec["vconcat"][0]
    assert page.spec["title"] == overview.spec["title"] and page.digest != overview.digest
    rows = report_charts._row_count(overview.spec)
    short = report_charts.page_overview(overview, 20)
    assert short.spec["vconcat"][0]["height"] == 20 * rows  # the one layered view of the rows
    assert overview.spec["vconcat"][0]["title"]["orient"] == "bottom"  # the original is untouched
    width, height = images.chart_size(short)
    assert width > 300 and height < images.chart_size(page)[1]
    fitted = report_charts.page_overview(overview, max_height=height + 1)
    assert images.chart_size(fitted)[1] <= height + 1
    odd = alt.Chart(alt.Data(values=[{"x": 1}])).mark_bar().encode(x="x:Q")
    assert report_charts.page_overview(odd).spec == odd.to_dict(validate=False)


def _summary_part(page: str) -> str:
    return page.split('id="appendix"', 1)[0]


def test_report_html_summary_page_stands_on_its_own(board):
    kind, rep = board
    summary = report_model.summarize(rep, AS_OF)
    page = report_html(rep, AS_OF).decode("utf-8")
    first = _summary_part(page)
    assert 'class="sheet summary-page"' in first and 'id="appendix"' in page
    assert first.count('src="data:image/svg+xml;base64,') == 1  # the overview
    assert summary.headline() in first
    for verdict, css in (("better", "better"), ("in_line", "in-line"), ("worse", "worse")):
        count = summary.kpi_counts[verdict]
        assert re.search(rf'class="tile {css}"[^>]*><span class="count"[^>]*>{count}</span>', first)
        assert VERDICT_LABELS[verdict] in first
    # the markers are the charts' own: shape and colour from assets/theme.json
    marks = settings.verdict_marks()
    assert marks["better"][1].upper() == "#0072B2" and marks["worse"][1].upper() == "#D55E00"
    for verdict in ("better", "in_line", "worse"):
        assert marks[verdict][1] in first
    # every reference on page 1 resolves on page 1
    refs = set(re.findall(r'href="#(note-\d+)"', first))
    ids = set(re.findall(r'id="(note-\d+)"', first))
    assert refs and refs <= ids
    cited = {int(i.split("-")[1]) for i in ids}
    main = {n.number for n in summary.footnotes}
    assert {item.footnote for item in summary.gap_items if item.footnote} <= cited <= main
    if 'class="small part"' in first:  # the rows furthest from their benchmark, readable on paper
        assert cited < main and "on the full chart in the appendix" in first
        assert page.split('id="appendix"', 1)[1].count('id="chart-overview"') == 1
    else:  # every row: every main benchmark is cited
        assert cited == main
    assert first.count("source not verified") >= sum(n.status == "U" for n in summary.footnotes
                                                     if n.number in cited)
    # and every reference of the appendix resolves in the appendix's full sources
    refs = set(re.findall(r'href="#(src-\d+)"', page))
    assert refs == {f"src-{n.number}" for n in summary.all_footnotes} == set(
        re.findall(r'id="(src-\d+)"', page))
    one = report_html(rep, AS_OF, one_page_only=True).decode("utf-8")
    assert 'id="appendix"' not in one and 'class="report one-page"' in one
    assert one.count('src="data:image/svg+xml;base64,') == 1
    assert summary.headline() in one and "id=\"note-1\"" in one


def test_report_html_summary_page_escapes_user_text(html_text):
    first = _summary_part(html_text)
    assert "<script" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in first  # a user catalogue's source, page 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 2025-06 → Q2" in first  # the period label
    one = report_html(_report(), AS_OF, one_page_only=True).decode("utf-8")
    assert "<script" not in one and "&lt;script&gt;alert(1)&lt;/script&gt;" in one


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None or shutil.which("pdftotext") is None,
                    reason="needs Chromium and poppler-utils")
def test_report_html_prints_page_1_as_the_summary(tmp_path):
    """Chromium's print of the HTML: the summary is page 1 alone, the appendix follows."""
    rep = _board_report("example")
    summary = report_model.summarize(rep, AS_OF)
    for one_page_only in (True, False):
        source = tmp_path / f"report-{one_page_only}.html"
        source.write_bytes(report_html(rep, AS_OF, one_page_only=one_page_only))
        target = tmp_path / f"print-{one_page_only}.pdf"
        subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--no-first-run",
                        "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
                       capture_output=True, timeout=120, check=False)
        data = target.read_bytes()
        page1 = _pdf_text(data, tmp_path, 1)
        _page1_checks(page1, summary)
        if one_page_only:
            assert _page_count(data) == 1
        else:
            assert _page_count(data) >= 3
            page2 = " ".join(_pdf_text(data, tmp_path, 2).split())
            assert page2.startswith("SAAS FUNNEL BENCHMARK | APPENDIX") or "Appendix" in page2[:200]


# --- empty and partial reports ---------------------------------------------------------------------

def test_exports_of_a_report_with_nothing_computable(tmp_path):
    empty = _report(values={}, label=None, user_rows=False)
    assert comparison_csv(empty).startswith(b"\xef\xbb\xbf")
    assert comparison_xlsx(empty, AS_OF)[:2] == b"PK"
    page = report_html(empty, AS_OF).decode("utf-8")
    assert "No KPI could be compared" in page
    assert report_pdf(empty, AS_OF).startswith(b"%PDF-")
    assert charts_zip(empty, AS_OF)[:2] == b"PK"
    with pytest.raises(ValueError, match="no chart"):
        render.write_report(empty, tmp_path / "x.png", as_of=AS_OF)


def test_no_nan_or_inf_in_any_export():
    # zero denominators everywhere: many KPIs are not computable
    values = {k: 0 for k in FULL}
    values.update(visitors=100, leads=0, customers_start=10, mrr_start=1000, mrr_new=0)
    rep = _report(values=values, user_rows=False)
    csv_text = comparison_csv(rep).decode("utf-8-sig").lower()
    html_text = report_html(rep, AS_OF).decode("utf-8").lower()
    for text in (csv_text, html_text):
        words = set(re.split(r"[^a-z]+", text))
        assert "nan" not in words and "inf" not in words and "infinity" not in words
    wb = load_workbook(io.BytesIO(comparison_xlsx(rep, AS_OF, include_charts=False)))
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, float):
                    assert math.isfinite(cell.value)


# --- write_report ---------------------------------------------------------------------------------

@pytest.mark.parametrize("extension, check", [
    (".xlsx", lambda b: b[:4] == b"PK\x03\x04" and b"xl/workbook.xml" in b),
    (".csv", lambda b: b.startswith(b"\xef\xbb\xbfkpi,label,value")),
    (".html", lambda b: b.startswith(b"<!DOCTYPE html>")),
    (".pdf", lambda b: b.startswith(b"%PDF-")),
    (".zip", lambda b: b[:4] == b"PK\x03\x04"),
    (".png", _is_png),
    (".svg", lambda b: _svg_root(b) is not None),
    (".PDF", lambda b: b.startswith(b"%PDF-")),
])
def test_write_report_picks_the_format_from_the_extension(report, tmp_path, extension, check):
    path = render.write_report(report, tmp_path / "sub" / f"out{extension}", as_of=AS_OF)
    assert path == tmp_path / "sub" / f"out{extension}"
    assert check(path.read_bytes())


def test_write_report_png_is_the_overview(report, tmp_path, key_charts):
    path = render.write_report(report, tmp_path / "o.png", as_of=AS_OF)
    assert path.read_bytes() == images.chart_png(key_charts[0])


@pytest.mark.parametrize("name", ["out.txt", "out", "out.xls", "out.json"])
def test_write_report_refuses_other_extensions(report, tmp_path, name):
    with pytest.raises(ValueError, match=r"can be \.xlsx, \.csv, \.html, \.pdf, \.zip, \.png or \.svg"):
        render.write_report(report, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_export_bytes_picks_the_renderer_by_format_key(report, html_text, xlsx_bytes):
    """What the Downloads page calls: the same bytes as the renderer of that format."""
    assert render.export_bytes("comparison_csv", report) == comparison_csv(report)
    assert render.export_bytes("report_html", report, AS_OF).decode("utf-8") == html_text
    assert render.export_bytes("report_pdf", report, AS_OF).startswith(b"%PDF-")
    assert render.export_bytes("comparison_xlsx", report, AS_OF)[:4] == xlsx_bytes[:4] == b"PK\x03\x04"
    assert set(render.REPORT_KEYS) < set(render.EXPORTS)
    with pytest.raises(ValueError, match="not a report format"):
        render.export_bytes("chart_png", report)


def test_cli_report_bad_extension_is_a_one_line_error(tmp_path, capsys):
    from funnel_core.cli import main as cli
    from funnel_core.inputs.template import template_csv

    source = tmp_path / "numbers.csv"
    source.write_bytes(template_csv().replace(b"visitors,,", b"visitors,1000,").replace(
        b"leads,,", b"leads,70,"))
    status = cli.main(["report", str(source), "-o", str(tmp_path / "out.txt")])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and "can be .xlsx, .csv, .html, .pdf, .zip, .png or .svg" in err
    status = cli.main(["report", str(source), "-o", str(tmp_path / "out.csv")])
    assert status == 0 and (tmp_path / "out.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_render_cache_is_bounded_and_reused(key_charts):
    report_charts.clear_render_cache()
    first = images.chart_png(key_charts[-1])
    assert images.chart_png(key_charts[-1]) is first  # served from the cache
    cache = images._RenderCache(max_bytes=100)
    cache.put(("a", "png", 2.0), b"x" * 20)
    cache.put(("b", "png", 2.0), b"y" * 20)
    cache.put(("c", "png", 2.0), b"z" * 80)  # too big for a quarter of the budget: not kept
    assert cache.get(("c", "png", 2.0)) is None and cache.get(("a", "png", 2.0)) == b"x" * 20


def test_downloads_accept_the_charts_the_app_already_built(report):
    """The app shows chart_catalog's charts anyway; passing them avoids building them twice."""
    from funnel_core.charts.catalog import chart_catalog

    built = chart_catalog(report, as_of=AS_OF)
    page = report_html(report, AS_OF, charts=built).decode("utf-8")
    key = [c for c in built if report_charts.is_key_chart(c.name)]
    partial = 'class="small part"' in page  # then the appendix has the whole overview too
    assert page.count('src="data:image/svg+xml;base64,') == len(key) + partial
    assert report_pdf(report, AS_OF, charts=built).startswith(b"%PDF-")
    archive = zipfile.ZipFile(io.BytesIO(charts_zip(report, AS_OF, charts=built[:2])))
    assert sorted(archive.namelist()) == sorted(
        ["README.txt", "charts.html"] + [f"{c.name}.{x}" for c in built[:2] for x in ("png", "svg")])
    assert f"<h2>{html.escape(built[0].title)}</h2>".encode() in archive.read("charts.html")

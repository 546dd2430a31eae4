"""The downloads in German, French and Polish: HTML, PDF and XLSX reports speak the session's
language (headings, sentences, numbers in the language's format), the app's own workbook still
reads back in every language, and nothing cached in one language is served in another.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.benchmarks.compare import ComparisonReport, compare
from funnel_core.domain.i18n import current_language, use_language
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import render
from funnel_core.exports.pdf_layout import find_unicode_font
from funnel_core.exports.prepared import PreparedDownloads
from funnel_core.exports.report_html import report_html
from funnel_core.exports.report_pdf import report_pdf
from funnel_core.exports.workbook import comparison_xlsx
from funnel_core.inputs.loading import context_from, load_snapshot, snapshot_from
from funnel_core.inputs.parsing import parse_bytes

AS_OF = dt.date(2026, 1, 31)
EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "example_company.csv"

#: Per language: a heading of the report, the appendix's title, the KPI sheet's "Where you
#: stand" header, and a decimal number as the language writes a rate ("12,5 %", "12,5%").
EXPECTED = {
    "de": {"heading": "Größte Abweichungen", "appendix": "Anhang", "sheet": "Eingaben",
           "header": "Wo Sie stehen", "rate": r"\d+,\d\s?%", "rule": "+-0,5 pp pro Monat"},
    "fr": {"heading": "Plus grands écarts", "appendix": "Annexe", "sheet": "Données",
           "header": "Votre position", "rate": r"\d+,\d\s?%", "rule": "+-0,5 pp par mois"},
    "pl": {"heading": "Największe różnice", "appendix": "Załącznik", "sheet": "Dane wejściowe",
           "header": "Gdzie jesteś", "rate": r"\d+,\d\s?%", "rule": "+-0,5 pp miesięcznie"},
}
LANGUAGES = tuple(EXPECTED)


@pytest.fixture(scope="module")
def report() -> ComparisonReport:
    snapshot, _ = load_snapshot(EXAMPLE)
    return compare(snapshot, list(load_catalogue()))


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler is installed in CI
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_report_speaks_the_language(report: ComparisonReport, language: str) -> None:
    with use_language(language):
        page = report_html(report, AS_OF).decode("utf-8")
    expected = EXPECTED[language]
    assert f'<html lang="{language}">' in page
    assert expected["heading"] in page
    assert expected["appendix"] in page
    assert "Biggest gaps" not in page and "Board summary" not in page
    assert re.search(expected["rate"], page), "no rate written the language's way"
    assert not re.search(r"\d+\.\d %", page.split("<style>")[0] + page.split("</style>")[1])
    assert current_language() == "en"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_report_speaks_the_language(report: ComparisonReport, language: str,
                                            tmp_path: Path) -> None:
    with use_language(language):
        data = report_pdf(report, AS_OF)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data, tmp_path)
    expected = EXPECTED[language]
    assert expected["heading"] in text
    assert expected["appendix"] in text
    assert re.search(expected["rate"], text)
    assert "Biggest gaps" not in text


def test_the_polish_pdf_keeps_polish_and_other_accented_letters(report: ComparisonReport,
                                                                tmp_path: Path) -> None:
    """Every letter of Polish (and French/German ones in user text) survives the PDF's font."""
    if find_unicode_font() is None:  # pragma: no cover - DejaVu/Liberation are installed here
        pytest.skip("no Unicode TTF font installed")
    letters = "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ éàçß ü"
    labelled = ComparisonReport(
        Snapshot(report.snapshot.values, report.snapshot.context, label=f"Q2 {letters}"),
        report.kpis, report.warnings, report.notes)
    with use_language("pl"):
        data = report_pdf(labelled, AS_OF)
    text = _pdf_text(data, tmp_path)
    assert letters in text
    assert "Załącznik: szczegóły do strony 1" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_without_a_unicode_font_does_not_crash(report: ComparisonReport, language: str) -> None:
    from funnel_core.exports.report_charts import document_charts
    from funnel_core.exports.report_model import summarize
    from funnel_core.exports.report_pdf import render_report_pdf

    with use_language(language):
        summary = summarize(report, AS_OF)
        charts = document_charts(report, summary.date, None, True, summary.source_numbers)
        data = render_report_pdf(summary, charts, unicode_font=False, one_page_only=True)
    assert data.startswith(b"%PDF")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workbook_speaks_the_language(report: ComparisonReport, language: str) -> None:
    with use_language(language):
        data = comparison_xlsx(report, AS_OF, include_charts=False)
    book = load_workbook(io.BytesIO(data))
    expected = EXPECTED[language]
    assert book.sheetnames[0] == expected["sheet"]
    kpis = book.worksheets[1]
    headers = [cell.value for cell in kpis[1]]
    assert expected["header"] in headers
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any(expected["rule"] in t for t in texts), "the rules are not in the language"
    # the English headers are gone (the machine-read key column still holds the field names)
    assert "Where you stand" not in headers


#: Every field, with awkward values (as in tests/inputs/test_workbook_round_trip.py).
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


def _report(context: Context, label: str | None) -> ComparisonReport:
    base = compare(Snapshot(dict(VALUES), context, label=label), list(load_catalogue()))
    return ComparisonReport(base.snapshot, base.kpis, base.warnings + ("Check the leads",),
                            ("a note", "not recognised and not used: 'Spalte X'"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("reader_language", ["en", "same"])
@pytest.mark.parametrize(("context", "label"), [
    (Context(period="quarter", trial_type="card_required", motion="sales_assisted",
             acv_band="mid_market", product_category="education", currency="EUR"), "2025-Q2"),
    (Context(period="month", currency="USD"), "2025-06"),
    (Context(period="year", currency="PLN", acv_band="smb"), None),
])
def test_the_apps_workbook_reads_back_in_every_language(language: str, reader_language: str,
                                                        context: Context, label: str | None) -> None:
    """Issue 11 in every language: the workbook written in German, French or Polish reads back
    to the same numbers, period and context, without an error or a warning, whatever the
    language of the session that reads it."""
    with use_language(language):
        data = render.export_bytes("comparison_xlsx", _report(context, label))
    with use_language(language if reader_language == "same" else "en"):
        parsed = parse_bytes(data, "funnel-benchmarks.xlsx")
        assert parsed.issues == [], [str(i) for i in parsed.issues]
        assert parsed.unknown == []
        assert parsed.periods == [label or "current"]
        assert parsed.values[parsed.latest_period] == {k: float(v) for k, v in VALUES.items()}
        assert context_from(parsed) == context
        assert dict(snapshot_from(parsed).values) == {k: float(v) for k, v in VALUES.items()}


STORED = {
    "2025-04": {"visitors": 18000.0, "leads": 1200.0, "customers_start": 190.0, "mrr_start": 95000.0},
    "2025-05": {"visitors": 19000.0, "leads": 1300.0, "gross_margin": 0.78},
    "2025-06": {"visitors": 20000.0, "leads": 1400.0, "customers_start": 200.0, "customers_churned": 6.0},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("compared", ["2025-04", "2025-06"])
def test_the_workbook_keeps_every_stored_period(language: str, compared: str) -> None:
    """The workbook is the way to keep the numbers as a file: with several periods stored, it
    reads back to all of them (and the same segment), not only the compared one."""
    context = Context(currency="EUR", acv_band="smb")
    report = compare(Snapshot(STORED[compared], context, label=compared))
    with use_language(language):
        data = render.export_bytes("comparison_xlsx", report, periods=STORED)
    with use_language(language):
        parsed = parse_bytes(data, "funnel-benchmarks.xlsx")
    assert parsed.issues == [] and parsed.unknown == []
    assert parsed.periods == list(STORED)
    assert parsed.values == STORED
    assert context_from(parsed) == context
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [cell.value for cell in sheet[1]][2:5] == list(STORED)  # one column a period


@pytest.mark.parametrize(("name", "periods"), [
    ("one period", {"2025-06": STORED["2025-06"]}),
    ("a label that is not a period", {"plan": STORED["2025-05"], "2025-06": STORED["2025-06"]}),
    ("nothing stored", None),
])
def test_the_workbook_holds_the_compared_period_alone_otherwise(name: str, periods) -> None:
    report = compare(Snapshot(STORED["2025-06"], Context(currency="EUR"), label="2025-06"))
    parsed = parse_bytes(render.export_bytes("comparison_xlsx", report, periods=periods), "w.xlsx")
    assert parsed.periods == ["2025-06"], name
    assert parsed.values == {"2025-06": STORED["2025-06"]}, name


def test_english_after_another_language_is_unchanged(report: ComparisonReport) -> None:
    """Caches (charts, renders) never hand one language's words to another."""
    english = report_html(report, AS_OF)
    with use_language("de"):
        german = report_html(report, AS_OF)
    assert german != english
    assert report_html(report, AS_OF) == english
    with use_language("fr"):
        assert report_html(report, AS_OF) != german


def test_a_prepared_download_is_kept_per_language() -> None:
    prepared = PreparedDownloads()
    try:
        with use_language("de"):
            assert prepared.get("report", lambda: b"de") == b"de"
            prepared.prepare("report", lambda: b"de")
            assert prepared.get("report", lambda: b"other") == b"de"
        assert prepared.get("report", lambda: b"en") == b"en"
    finally:
        prepared.clear()

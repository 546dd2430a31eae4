"""The report on paper: one numbering of the sources, a readable overview, a header that keeps
its words whole.

- The appendix's charts number their sources as the report does ([7] is the same source under
  every chart and in the list of sources), never from [1] again.
- The summary page prints the overview at full size (its text 8 pt or more); when all KPI rows do
  not fit, the rows furthest from their benchmark, shortfalls first, and the appendix has them all.
- The PDF header moves a "label: value" item to the next line whole ("Currency: USD", never
  "Currency: US" / "D").
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import report_model
from funnel_core.exports.images import chart_size
from funnel_core.exports.report_charts import document_charts
from funnel_core.exports.report_html import report_html
from funnel_core.exports.report_pdf import report_pdf
from funnel_core.exports.summary_chart import fit_page, page_footnotes, readable_overview, spec_rows
from funnel_core.inputs.loading import load_snapshot

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "example_company.csv"
AS_OF = dt.date(2026, 1, 31)


@pytest.fixture(scope="module")
def example():
    snapshot, _ = load_snapshot(EXAMPLE)
    report = compare(snapshot)
    summary = report_model.summarize(report, AS_OF)
    charts = document_charts(report, AS_OF.isoformat(), None, False, summary.source_numbers)
    return report, summary, {c.name: c for c in charts}


def _footer_sources(chart) -> dict[int, str]:
    lines = chart.spec["usermeta"]["words"]["footer"]
    return {int(m.group(1)): m.group(2) for m in (re.match(r"\[(\d+)\] (.*)", line) for line in lines)
            if m}


def test_the_appendix_charts_number_their_sources_as_the_report_does(example):
    report, summary, charts = example
    notes = {n.number: n for n in summary.all_footnotes}
    cited = {}
    for name in ("funnel", "focus", "overview"):
        cited[name] = _footer_sources(charts[name])
        assert cited[name], name
        for number, text in cited[name].items():
            assert number in notes, (name, number)
            assert text.startswith(notes[number].source.split(" (")[0][:25]), (name, number, text)
    # the focus chart cites benchmarks far down the report's list: not renumbered from [1]
    assert max(cited["focus"]) > len(cited["focus"])
    # alone (the app, the ZIP) a chart still numbers its own sources from [1]
    from funnel_core.charts.focus import focus_chart

    alone = focus_chart(report)
    assert sorted(_footer_sources(type("C", (), {"spec": alone.to_dict()})())) == \
        list(range(1, len(cited["focus"]) + 1))


def test_the_summary_page_shows_the_rows_furthest_from_their_benchmark(example):
    _, summary, charts = example
    overview = charts["overview"]
    everything = readable_overview(overview, float("inf"))
    assert not everything.partial and everything.shown == everything.total > 20
    fitted = readable_overview(overview, 450.0)
    assert fitted.partial and 3 <= fitted.shown < fitted.total
    assert chart_size(fitted.chart)[1] <= 450.0  # at full size: rows are not squeezed
    rows = [r for r in spec_rows(everything.chart) if "row" in r]
    shown = [r for r in spec_rows(fitted.chart) if "row" in r]
    worse = [r["row"] for r in rows if r["verdict"] == "Worse"]
    assert [r["row"] for r in shown] == [r["row"] for r in rows if r["row"] in
                                          {s["row"] for s in shown}]  # in the chart's order
    assert {r["row"] for r in shown} <= set(worse) or set(worse) <= {r["row"] for r in shown}
    assert fitted.numbers == {int(n) for r in shown for n in re.findall(r"\[(\d+)\]", r["row"])}
    notes = page_footnotes(summary, fitted)
    assert {n.number for n in notes} >= set(fitted.numbers)
    # a page with more room shows more rows, never fewer
    more = fit_page(overview, summary, lambda notes: 700.0)
    assert more.shown >= fitted.shown


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None or shutil.which("pdftotext") is None,
                    reason="needs Chromium and poppler-utils")
def test_the_printed_overview_text_is_8_pt_or_more(tmp_path):
    snapshot, _ = load_snapshot(EXAMPLE)
    source = tmp_path / "report.html"
    source.write_bytes(report_html(compare(snapshot), AS_OF))
    target = tmp_path / "print.pdf"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--no-pdf-header-footer",
                    f"--print-to-pdf={target}", source.as_uri()],
                   capture_output=True, timeout=120, check=False)
    xml = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(target), "-"],
                         capture_output=True, text=True, check=True).stdout
    boxes = re.findall(r'yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">([^<]*)<', xml)
    words = [(float(top), float(bottom) - float(top), text) for top, bottom, text in boxes]
    # the chart: from its title down to the axis labels and rows ("benchmark", "Visitor to lead")
    title_top = min(top for top, _, text in words if text == "KPIs")
    end = next(top for top, _, text in words if text == "furthest")
    chart = [(height, text) for top, height, text in words if title_top <= top < end]
    assert len(chart) > 40
    # a word's box is about 1.06 x its font size (9.5 pt body text: 10.05 pt boxes)
    assert min(height for height, _ in chart) >= 8.4, sorted(chart)[:5]


CONTEXTS = [  # each put an item right at the end of a line: before the fix, "Currency: GB" /
    # "P", and "Contract size: not said (all" / "segments)"
    Context(period="quarter", trial_type="freemium", motion="self_serve", currency="GBP",
            arr_band="5m_20m", funding="vc"),
    Context(period="quarter", trial_type="no_card", motion="self_serve",
            product_category="education", currency="CHF", arr_band="under_1m",
            funding="bootstrapped"),
]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("context", CONTEXTS)
def test_the_pdf_header_keeps_each_item_whole(context, tmp_path):
    values = dict(visitors=1000, leads=50, customers_start=100, customers_churned=3,
                  mrr_start=10000, mrr_new=500)
    path = tmp_path / "one.pdf"
    path.write_bytes(report_pdf(compare(Snapshot(values, context, label="2025-06")), AS_OF,
                                one_page_only=True))
    text = subprocess.run(["pdftotext", "-l", "1", "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    header = text.split("Better")[0]
    lines = [line.strip() for line in header.splitlines() if line.strip()]
    items = [item.strip() for line in lines for item in line.split("|")]
    for item in items:
        if ":" in item and not item.startswith(("SAAS", "As of")):
            name, _, value = item.partition(":")
            assert value.strip(), (item, lines)  # "label:" never ends a line without its value
            assert value.count("(") == value.count(")"), (item, lines)  # never cut in brackets
    assert not any(re.search(r"\b(US|EU|GB|PL|CH)$", line) for line in lines), lines

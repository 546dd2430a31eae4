"""The board-ready report as one self-contained HTML file (prints cleanly to A4 PDF).

Page 1 is a one-page board summary that stands on its own: title, period, context and date;
the verdict counts (the chart's marker + word + the charts' colour-blind-safe colour); the
three biggest gaps, one sentence each; the overview chart (rows shortened to fit, and in
print scaled into whatever height is left); and compact numbered source footnotes in two
columns, so every ``[n]`` on the page resolves on the page. In print the summary is exactly
one A4 page (a fixed-height flex column whose chart takes the space left) followed by a page
break; the appendix follows: the KPI table with every matching benchmark, warnings and KPIs
that could not be computed, the other charts, definitions and the full sources.
``one_page_only=True`` gives the summary page alone.

Everything interpolated is escaped with :func:`html.escape`; charts are embedded as SVG data
URIs (vector, so they stay sharp on paper, and their internal ids cannot clash); the stylesheet
``assets/report.css`` is inlined. The file needs no network access.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import math
from html import escape
from typing import Any, Sequence

from funnel_core.domain.formatting import date_text
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.domain.constants import ASSETS_DIR, STATUS_LABELS, VERDICT_LABELS, VERDICTS
from funnel_core.domain.i18n import current_language, mark, tr, tr_n
from funnel_core.exports.images import NamedChartLike, chart_svg
from funnel_core.exports.report_charts import document_charts
from funnel_core.exports.summary_chart import (SummaryChart, fit_page, page_footnotes,
                                               partial_note)
from funnel_core.exports.report_model import (ReportSummary, better_text, context_pairs, coverage_line,
                                              page_notes_intro, report_rules, short_note, summarize)
from funnel_core.exports.sanitize import is_web_link
from funnel_core.exports.settings import (VERDICT_GLYPHS, as_of_date, product_name, sources_intro,
                                          verdict_marks)

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_PERIOD = mark('Period')
_T_BOARD_SUMMARY = mark('Board summary')
_T_AS_OF_DATE = mark('As of {date}')
_T_FUNNEL_KPIS_VS_PUBLISHED_SAAS_BENCHMARKS = mark('Funnel KPIs vs published SaaS benchmarks')
_T_VERDICT_COUNTS = mark('verdict counts')
_T_BIGGEST_GAPS = mark('Biggest gaps')
_T_EVERY_KPI_WITH_A_VERDICT_IS_IN_LINE_WITH = mark('Every KPI with a verdict is in line with its benchmark.')
_T_SOURCE_NOT_VERIFIED = mark('source not verified')
_T_STATUS_CODE = mark('status {code}')
_T_SOURCES = mark('Sources')
_T_YOUR_CATALOGUE = mark('your catalogue')
_T_KPIS_AGAINST_EVERY_MATCHING_BENCHMARK = mark('KPIs against every matching benchmark')
_T_KPI = mark('KPI')
_T_YOUR_VALUE = mark('Your value')
_T_BENCHMARK = mark('Benchmark')
_T_VERDICT = mark('Verdict')
_T_WHERE_YOU_STAND = mark('Where you stand')
_T_SOURCE = mark('Source')
_T_CHECK_YOUR_INPUTS = mark('Check your inputs')
_T_NOT_COMPUTABLE = mark('Not computable')
_T_NOTES = mark('Notes')
_T_WARNINGS_AND_MISSING_KPIS = mark('Warnings and missing KPIs')
_T_CHARTS = mark('Charts')
_T_STATUS_CODE_TITLE = mark('Status {code}')
_T_DEFINITIONS = mark('Definitions')
_T_FORMULA = mark('Formula')
_T_BETTER_WHEN = mark('Better when')
_T_VERDICTS_GAPS_AND_SOURCES = mark('Verdicts, gaps and sources')
_T_FROM_YOUR_CATALOGUE = mark('from your catalogue')
_T_PERIOD_COLON = mark('Period:')
_T_APPENDIX = mark('Appendix')
_T_APPENDIX_THE_DETAILS_BEHIND_PAGE_1 = mark('Appendix: the details behind page 1')

__all__ = ["render_report_html", "report_html", "REPORT_CSS_PATH"]

REPORT_CSS_PATH = ASSETS_DIR / "report.css"

_FALLBACK_CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: system-ui, sans-serif; color: #1f2933; }
.summary-page { break-after: page; page-break-after: always; }
figure, tr { break-inside: avoid; page-break-inside: avoid; }
img { max-width: 100%; }
"""

#: The chart marker shapes as SVG in a 10x10 box.
_SHAPES = {
    "triangle-up": '<path d="M5 0.6 L9.6 8.6 L0.4 8.6 Z" fill="{c}"/>',
    "triangle-down": '<path d="M0.4 1.4 L9.6 1.4 L5 9.4 Z" fill="{c}"/>',
    "circle": '<circle cx="5" cy="5" r="3.9" fill="{c}"/>',
    "square": '<rect x="1.4" y="1.4" width="7.2" height="7.2" fill="{c}"/>',
    "diamond": '<path d="M5 0.3 L8.6 5 L5 9.7 L1.4 5 Z" fill="{c}"/>',
}

#: Printable height of an A4 page with the stylesheet's margins, in mm (297 - 2 x 12).
_PAGE_MM = 273.0
_PX_PER_MM = 96 / 25.4
#: Millimetres of page 1 kept free beyond the estimate of what its text takes.
_HEADROOM_MM = 26.0


@functools.lru_cache(maxsize=1)
def _css() -> str:
    try:
        return REPORT_CSS_PATH.read_text(encoding="utf-8")
    except OSError:
        return _FALLBACK_CSS


def e(value: Any) -> str:
    """HTML-escape any value (``None`` -> empty)."""
    return "" if value is None else escape(str(value), quote=True)


def _svg_data_uri(chart: Any) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(chart)).decode("ascii")


def _mark(verdict: str) -> str:
    """The chart's marker of a verdict (shape and colour, as in assets/theme.json) as a small
    inline SVG; decorative: the verdict's word always follows."""
    shape, colour = verdict_marks()[verdict]
    return (f'<svg class="mark" viewBox="0 0 10 10" aria-hidden="true" focusable="false">'
            f'{_SHAPES[shape].format(c=e(colour))}</svg>')


def _verdict_badge(verdict: str | None, main: bool = True) -> str:
    if not verdict:
        return ""
    css = verdict.replace("_", "-") + ("" if main else " other")
    return (f'<span class="verdict {css}"><span aria-hidden="true">{VERDICT_GLYPHS[verdict]}</span> '
            f"{e(tr(VERDICT_LABELS[verdict]))}</span>")


# --- page 1: the board summary ---------------------------------------------------------------

def _header(summary: ReportSummary) -> str:
    period = ""
    if summary.snapshot_label:
        period = f'<p class="period">{e(tr(_T_PERIOD))} <strong>{e(summary.snapshot_label)}</strong></p>'
    context = '<span class="sep" aria-hidden="true"> | </span>'.join(
        f'<span class="item"><span class="k">{e(name)}:</span> <strong>{e(value)}</strong></span>'
        for name, value in context_pairs(summary)
    )
    return (
        '<header class="report-header">'
        f'<p class="topline"><span class="brand">{e(product_name())} | {e(tr(_T_BOARD_SUMMARY))}</span>'
        f'<span class="date">{e(tr(_T_AS_OF_DATE, date=date_text(summary.date)))}</span></p>'
        f"<h1>{e(tr(_T_FUNNEL_KPIS_VS_PUBLISHED_SAAS_BENCHMARKS))}</h1>"
        f'{period}<p class="context">{context}</p>'
        "</header>"
    )


def _headline(summary: ReportSummary, one_page_only: bool) -> str:
    marks = verdict_marks()
    tiles = "".join(
        f'<div class="tile {v.replace("_", "-")}" style="border-color: {e(marks[v][1])}">'
        f'<span class="count" style="color: {e(marks[v][1])}">{summary.kpi_counts[v]}</span>'
        f'<span class="what">{_mark(v)} {e(tr(VERDICT_LABELS[v]))}</span></div>'
        for v in VERDICTS
    )
    all_line = f'<p class="small">{e(summary.all_line())}</p>' if summary.kpis_compared else ""
    return (
        '<section class="headline">'
        f'<div class="tiles" aria-label="{e(tr(_T_VERDICT_COUNTS))}">{tiles}</div>'
        f'<div class="summary"><p class="lead">{e(summary.headline())}</p>{all_line}'
        f'<p class="small">{e(coverage_line(summary, one_page_only))}</p></div>'
        "</section>"
    )


def _growth(summary: ReportSummary) -> str:
    """Page 1's growth & efficiency line (empty when no growth KPI could be computed)."""
    if not summary.growth_line:
        return ""
    head, _, rest = summary.growth_line.partition(": ")
    return f'<p class="growth-line small"><strong>{e(head)}:</strong> {e(rest)}</p>'


def _gaps(summary: ReportSummary) -> str:
    if not summary.kpis_compared:
        return ""
    if not summary.gap_items:
        return (f'<section class="gaps-block"><h2>{e(tr(_T_BIGGEST_GAPS))}</h2>'
                f"<p>{e(tr(_T_EVERY_KPI_WITH_A_VERDICT_IS_IN_LINE_WITH))}</p></section>")
    items = []
    for item in summary.gap_items:
        mark = _mark(item.verdict) if item.verdict in VERDICTS else ""
        ref = (f' <a class="ref" href="#note-{item.footnote}">[{item.footnote}]</a>'
               if item.footnote else "")
        items.append(f'<li class="{e(item.verdict.replace("_", "-"))}">{mark}'
                     f"<span>{e(item.text)}{ref}</span></li>")
    return (f'<section class="gaps-block"><h2>{e(tr(_T_BIGGEST_GAPS))}</h2>'
            f'<ol class="gaps">{"".join(items)}</ol></section>')


def _chart_budget_px(summary: ReportSummary, notes: Sequence[Any] | None = None) -> float:
    """A guess of the height left for the overview on page 1, in CSS pixels, with ``notes``
    (the page's footnotes; all main ones by default) at its foot.

    It decides how many KPI rows page 1 shows (:func:`~funnel_core.exports.summary_chart.readable_overview`);
    print CSS still fits the chart into the height really left.
    """
    notes = summary.footnotes if notes is None else notes
    used = 27.0 + (5.0 if summary.snapshot_label else 0.0) + 26.0
    used += 4.5 * max(0, math.ceil(len(summary.growth_line) / 150))
    if summary.kpis_compared:
        used += 9.0 + sum(4.5 * max(1, math.ceil(len(item.text) / 125)) + 1.5
                          for item in summary.gap_items)
    if notes:
        used += 13.0 + 3.3 * sum(max(1, math.ceil(len(short_note(n)) / 62)) for n in notes) / 2
    # headroom: the chart must fit at full size (print only ever shrinks it, and shrunk its text
    # drops below 8 pt), so the guess errs on the short side; measured on the example company
    used += 8.0 + _HEADROOM_MM
    return max(60.0, _PAGE_MM - used) * _PX_PER_MM


def _page_chart(summary: ReportSummary, overview: Any) -> SummaryChart:
    """The overview rows page 1 can show at full size, with the notes they need at its foot."""
    return fit_page(overview, summary, lambda notes: _chart_budget_px(summary, notes))


def _overview(summary: ReportSummary, fitted: SummaryChart | None) -> str:
    if fitted is None:
        return ""
    part = ""
    if fitted.partial:
        part = f'<p class="small part">{e(partial_note(fitted))}</p>'
    chart = fitted.chart
    return (f'<figure class="overview" id="chart-{e(chart.name)}">'
            f'<img src="{_svg_data_uri(chart)}" alt="{e(chart.title)}"></figure>{part}')


def _page_notes(summary: ReportSummary, one_page_only: bool,
                notes: Sequence[Any] | None = None) -> str:
    notes = summary.footnotes if notes is None else notes
    if not notes:
        return ""
    intro = page_notes_intro(summary, one_page_only)
    items = []
    for note in notes:
        if note.status == "U":
            status = f'<span class="unverified">{e(tr(_T_SOURCE_NOT_VERIFIED))}</span>'
        else:
            status = f'<span class="status">{e(tr(_T_STATUS_CODE, code=note.status))}</span>'
        items.append(f'<li id="note-{note.number}"><span class="n">[{note.number}]</span> '
                     f"{e(short_note(note))} &ndash; {status}</li>")
    return (f'<section class="page-notes"><h2>{e(tr(_T_SOURCES))}</h2><p class="intro">{e(intro)}</p>'
            f'<ol class="notes-compact">{"".join(items)}</ol></section>')


def _summary_page(summary: ReportSummary, fitted: SummaryChart | None, one_page_only: bool) -> str:
    where = ("" if one_page_only else
             " " + tr("Appendix from page 2: the KPI table with every benchmark, warnings, the other "
                      "charts, definitions and full sources."))
    prepared = tr("Prepared with {product} on {date}.", product=product_name(), date=date_text(summary.date))
    foot = f'<p class="page-foot">{e(prepared)}{e(where)}</p>'
    return (
        f'<section class="sheet summary-page" id="summary" aria-label="{e(tr(_T_BOARD_SUMMARY))}">'
        + _header(summary)
        + _headline(summary, one_page_only)
        + _growth(summary)
        + _gaps(summary)
        + _overview(summary, fitted)
        + _page_notes(summary, one_page_only, page_footnotes(summary, fitted))
        + foot
        + "</section>"
    )


# --- the appendix ------------------------------------------------------------------------------

def _table(summary: ReportSummary) -> str:
    if not summary.rows:
        return ""
    body = []
    for group, row in enumerate(summary.rows):
        shade = " odd" if group % 2 else ""
        converted = f'<br><span class="conv">= {e(row.converted)}</span>' if row.converted else ""
        mine = f' <span class="mine">{e(tr(_T_YOUR_CATALOGUE))}</span>' if row.user_supplied else ""
        note = (f'<a class="ref" href="#src-{row.footnote}">[{row.footnote}]</a>'
                if row.footnote else "")
        bench = f"<strong>{e(row.benchmark)}</strong>" if row.footnote else e(row.benchmark)
        if row.note:
            bench += f'<br><span class="conv">{e(row.note)}</span>'
        body.append(
            f'<tr class="main{shade}">'
            f'<th scope="row">{e(row.label)}</th>'
            f'<td class="num">{e(row.value)}{converted}</td>'
            f'<td class="bench">{bench}{mine}</td>'
            f"<td>{_verdict_badge(row.verdict)}</td>"
            f'<td class="num">{e(row.gap)}</td>'
            f'<td class="src">{note}</td>'
            "</tr>"
        )
        for line in row.others:
            conv = f'<span class="conv">= {e(line.converted)}</span>' if line.converted else ""
            mine = f' <span class="mine">{e(tr(_T_YOUR_CATALOGUE))}</span>' if line.user_supplied else ""
            if line.note:
                mine += f'<br><span class="conv">{e(line.note)}</span>'
            body.append(
                f'<tr class="other{shade}">'
                f'<th scope="row"><span class="visually-hidden">{e(row.label)}</span></th>'
                f'<td class="num">{conv}</td>'
                f'<td class="bench">{e(line.benchmark)}{mine}</td>'
                f"<td>{_verdict_badge(line.verdict, main=False)}</td>"
                f'<td class="num">{e(line.gap)}</td>'
                f'<td class="src"><a class="ref" href="#src-{line.footnote}">[{line.footnote}]</a></td>'
                "</tr>"
            )
    intro = tr("Each KPI's main benchmark (the one on the overview chart) comes first, "
               "in bold, with the KPI's verdict and its caveats; then every other benchmark that "
               "matches your context. Where you stand: the percentile where the source publishes "
               "quartiles or good / great levels, else the gap (rates in percentage points, pp, "
               "measured to the median when published, else to the nearest bound).")
    all_of = tr_n("All {n} comparisons, including benchmarks your value cannot be set against, "
                  "are in the XLSX and CSV downloads.",
                  "All {n} comparisons, including benchmarks your value cannot be set against, "
                  "are in the XLSX and CSV downloads.", summary.comparisons)
    return (
        f'<section class="kpis"><h2>{e(tr(_T_KPIS_AGAINST_EVERY_MATCHING_BENCHMARK))}</h2>'
        f'<p class="small">{escape(intro, quote=False)}</p>'
        f'<table class="kpi-table"><thead><tr><th scope="col">{e(tr(_T_KPI))}</th>'
        f'<th scope="col" class="num">{e(tr(_T_YOUR_VALUE))}</th>'
        f'<th scope="col">{e(tr(_T_BENCHMARK))}</th><th scope="col">{e(tr(_T_VERDICT))}</th>'
        f'<th scope="col" class="num">{e(tr(_T_WHERE_YOU_STAND))}</th>'
        f'<th scope="col">{e(tr(_T_SOURCE))}</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="small">{e(all_of)}</p>'
        "</section>"
    )


def _issues(summary: ReportSummary) -> str:
    parts = []
    if summary.warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in summary.warnings)
        parts.append(f'<h3>{e(tr(_T_CHECK_YOUR_INPUTS))}</h3><ul class="warnings">{items}</ul>')
    if summary.not_computable:
        items = "".join(f"<li><strong>{e(label)}</strong>: {e(reason)}</li>"
                        for label, reason in summary.not_computable)
        parts.append(f'<h3>{e(tr(_T_NOT_COMPUTABLE))}</h3><ul class="not-computable">{items}</ul>')
    if summary.notes:
        items = "".join(f"<li>{e(n)}</li>" for n in summary.notes)
        parts.append(f'<h3>{e(tr(_T_NOTES))}</h3><ul class="notes">{items}</ul>')
    if not parts:
        return ""
    return (f'<section class="issues"><h2>{e(tr(_T_WARNINGS_AND_MISSING_KPIS))}</h2>'
            f'{"".join(parts)}</section>')


def _charts(charts: Sequence[Any]) -> str:
    if not charts:
        return ""
    figures = [
        f'<figure class="chart" id="chart-{e(c.name)}">'
        f'<img src="{_svg_data_uri(c)}" alt="{e(c.title)}">'
        "</figure>"
        for c in charts
    ]
    # the heading stays on the page of the first chart (never alone at the foot of a page)
    intro = tr("Each chart lists the sources it uses under it, numbered as in the sources at the "
               "end of the report.")
    return (f'<section class="charts"><div class="keep"><h2>{e(tr(_T_CHARTS))}</h2>'
            f'<p class="small">{e(intro)}</p>{figures[0]}</div>'
            f'{"".join(figures[1:])}</section>')


def _definitions(summary: ReportSummary) -> str:
    if not summary.definitions:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{e(label)}</th><td>{e(formula)}</td>'
        f"<td>{e(better_text(better))}</td></tr>"
        for label, formula, better in summary.definitions
    )
    rules = "".join(f"<li><strong>{e(name)}</strong>: {e(text)}</li>" for name, text in report_rules())
    statuses = "".join(f"<li><strong>{e(tr(_T_STATUS_CODE_TITLE, code=code))}</strong>: {e(tr(label))}.</li>"
                       for code, label in STATUS_LABELS.items())
    return (
        f'<section class="definitions"><h2>{e(tr(_T_DEFINITIONS))}</h2>'
        f'<table class="def-table"><thead><tr><th scope="col">{e(tr(_T_KPI))}</th>'
        f'<th scope="col">{e(tr(_T_FORMULA))}</th>'
        f'<th scope="col">{e(tr(_T_BETTER_WHEN))}</th></tr></thead><tbody>{rows}</tbody></table>'
        f'<h3>{e(tr(_T_VERDICTS_GAPS_AND_SOURCES))}</h3><ul class="rules">{rules}{statuses}</ul>'
        "</section>"
    )


def _sources(summary: ReportSummary) -> str:
    notes = summary.all_footnotes
    if not notes:
        return ""
    intro = sources_intro()
    if summary.other_footnotes:
        intro += " " + tr("[1]-[{main}] are the main benchmarks, as on the overview chart; "
                          "[{first}]-[{last}] the other benchmarks of the table.",
                          main=len(summary.footnotes), first=len(summary.footnotes) + 1,
                          last=len(notes))
    items = []
    for note in notes:
        year = e(note.year_text)
        status_class = "unverified" if note.status == "U" else "status"
        status = f'<span class="{status_class}">{e(note.status_label.lower())}</span>'
        origin = (f' &middot; {e(tr(_T_FROM_YOUR_CATALOGUE))} <em>{e(note.origin)}</em>'
                  if note.user_supplied else "")
        link = ""
        if is_web_link(note.url):
            link = (f' &middot; <a href="{e(note.url.strip())}" rel="noopener noreferrer">'
                    f"{e(note.url.strip())}</a>")
        what = f" &middot; {e(note.figure)}" if note.figure else ""
        segment = f"; {e(note.segment)}" if note.segment else ""
        items.append(f'<li id="src-{note.number}"><span class="n">[{note.number}]</span> '
                     f'<span class="source">{e(note.source)}{year}</span>'
                     f"{what}{segment} &middot; {status}{origin}{link}</li>")
    return (f'<section class="sources"><h2>{e(tr(_T_SOURCES))}</h2><p class="small">{e(intro)}</p>'
            f'<ol class="footnotes">{"".join(items)}</ol></section>')


def _appendix(summary: ReportSummary, charts: Sequence[Any]) -> str:
    meta = e(tr("As of {date}", date=date_text(summary.date)))
    if summary.snapshot_label:
        meta = f"{e(tr(_T_PERIOD_COLON))} <strong>{e(summary.snapshot_label)}</strong> &middot; {meta}"
    prepared = tr("Prepared with {product} on {date}.", product=product_name(), date=date_text(summary.date))
    footer = f'<footer class="report-footer">{e(prepared)}</footer>'
    return (
        f'<section class="sheet appendix" id="appendix" aria-label="{e(tr(_T_APPENDIX))}">'
        f'<p class="topline"><span class="brand">{e(product_name())} | {e(tr(_T_APPENDIX))}</span></p>'
        f'<h1 class="appendix-title">{e(tr(_T_APPENDIX_THE_DETAILS_BEHIND_PAGE_1))}</h1>'
        f'<p class="meta">{meta}</p>'
        + _table(summary)
        + _issues(summary)
        + _charts(charts)
        + _definitions(summary)
        + _sources(summary)
        + footer
        + "</section>"
    )


def render_report_html(summary: ReportSummary, charts: Sequence[Any], *,
                       one_page_only: bool = False) -> str:
    """Render the report: the one-page board summary, then the appendix.

    Parameters
    ----------
    summary : the words and rows (:func:`funnel_core.exports.report_model.summarize`).
    charts : annotated charts (``name``, ``title``, ``chart``); the one named ``overview``
        goes on page 1 (without its sources footer: the page lists them), the others in the
        appendix.
    one_page_only : the summary page only.

    Returns
    -------
    str
        A complete HTML document.
    """
    title = f"{summary.title} ({summary.date})"
    if summary.snapshot_label:
        title = f"{summary.title}: {summary.snapshot_label} ({summary.date})"
    overview = next((c for c in charts if getattr(c, "name", "") == "overview"), None)
    fitted = _page_chart(summary, overview) if overview is not None else None
    body = _summary_page(summary, fitted, one_page_only)
    if not one_page_only:  # the whole overview too when page 1 shows some of its rows
        body += _appendix(summary, [c for c in charts if c is not overview
                                    or (fitted is not None and fitted.partial)])
    css_class = "report one-page" if one_page_only else "report"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{current_language()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{_css()}</style></head>"
        f'<body><main class="{css_class}">'
        + body
        + "</main></body></html>\n"
    )


def report_html(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
                charts: Sequence[NamedChartLike] | None = None, one_page_only: bool = False) -> bytes:
    """The board-ready report as one self-contained HTML file that prints cleanly to A4.

    Page 1 is a one-page board summary (verdict counts, the biggest gaps, the overview chart
    and its numbered sources); an appendix follows after a page break (the full KPI table,
    warnings, the other charts, definitions and full sources). ``one_page_only=True`` gives
    the summary page alone. Charts are embedded as SVG data URIs; the stylesheet is inlined;
    no network access is needed to view or print it.
    """
    date = as_of_date(as_of)
    summary = summarize(report, date)
    chosen = document_charts(report, date, charts, one_page_only, summary.source_numbers)
    return render_report_html(summary, chosen, one_page_only=one_page_only).encode("utf-8")

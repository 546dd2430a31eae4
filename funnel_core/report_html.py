"""The board-ready report as one self-contained HTML file (prints cleanly to A4 PDF).

Everything interpolated is escaped with :func:`html.escape`; charts are embedded as SVG data
URIs (vector, so they stay sharp on paper, and their internal ids cannot clash); the stylesheet
``assets/report.css`` is inlined. The file needs no network access.
"""

from __future__ import annotations

import base64
import functools
from html import escape
from pathlib import Path
from typing import Any, Sequence

from .constants import VERDICT_LABELS, VERDICTS
from .exports import (
    PRODUCT_NAME,
    SOURCES_INTRO,
    VERDICT_GLYPHS,
    ReportSummary,
    chart_svg,
    is_web_link,
)

__all__ = ["render_report_html", "REPORT_CSS_PATH"]

REPORT_CSS_PATH = Path(__file__).resolve().parent.parent / "assets" / "report.css"

_FALLBACK_CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: system-ui, sans-serif; color: #1f2933; }
figure, tr { break-inside: avoid; page-break-inside: avoid; }
img { max-width: 100%; }
"""


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


def _header(summary: ReportSummary) -> str:
    meta = [f"As of {e(summary.date)}"]
    if summary.snapshot_label:
        meta.insert(0, f"Period: <strong>{e(summary.snapshot_label)}</strong>")
    context = "".join(
        f"<div><dt>{e(label)}</dt><dd>{e(value)}</dd></div>" for _, label, value in summary.context
    )
    return (
        '<header class="report-header">'
        f'<p class="brand">{e(PRODUCT_NAME)}</p>'
        "<h1>Funnel KPIs vs published SaaS benchmarks</h1>"
        f'<p class="meta">{" &middot; ".join(meta)}</p>'
        f'<dl class="context">{context}</dl>'
        "</header>"
    )


def _headline(summary: ReportSummary) -> str:
    tiles = "".join(
        f'<div class="tile {v.replace("_", "-")}"><span class="count">{summary.kpi_counts[v]}</span>'
        f'<span class="what"><span aria-hidden="true">{VERDICT_GLYPHS[v]}</span> '
        f'{e(VERDICT_LABELS[v])}</span></div>'
        for v in VERDICTS
    )
    gaps = ""
    if summary.gaps:
        items = "".join(f"<li>{e(text)}</li>" for text in summary.gaps)
        gaps = f'<h2>Biggest gaps</h2><ol class="gaps">{items}</ol>'
    return (
        '<section class="headline">'
        f'<div class="tiles" aria-label="verdict counts">{tiles}</div>'
        f'<div class="summary"><p class="lead">{e(summary.headline())}</p>'
        f'<p class="small">{e(summary.all_line())}</p>{gaps}</div>'
        "</section>"
    )


def _charts(charts: Sequence[Any]) -> str:
    if not charts:
        return ""
    figures = "".join(
        f'<figure class="chart" id="chart-{e(c.name)}">'
        f'<img src="{_svg_data_uri(c)}" alt="{e(c.title)}">'
        "</figure>"
        for c in charts
    )
    return f'<section class="charts"><h2>Charts</h2>{figures}</section>'


def _table(summary: ReportSummary) -> str:
    if not summary.rows:
        return ""
    body = []
    for row in summary.rows:
        verdict = ""
        if row.verdict:
            verdict = (f'<span class="verdict {row.verdict.replace("_", "-")}">'
                       f'<span aria-hidden="true">{VERDICT_GLYPHS[row.verdict]}</span> '
                       f"{e(VERDICT_LABELS[row.verdict])}</span>")
        converted = f'<br><span class="conv">= {e(row.converted)}</span>' if row.converted else ""
        more = f' <span class="more">+{row.more} more</span>' if row.more else ""
        mine = ' <span class="mine">your catalogue</span>' if row.user_supplied else ""
        note = (f'<a class="ref" href="#src-{row.footnote}">[{row.footnote}]</a>'
                if row.footnote else "")
        body.append(
            "<tr>"
            f'<th scope="row">{e(row.label)}</th>'
            f'<td class="num">{e(row.value)}{converted}</td>'
            f'<td class="bench">{e(row.benchmark)}{more}{mine}</td>'
            f"<td>{verdict}</td>"
            f'<td class="num">{e(row.gap)}</td>'
            f'<td class="src">{note}</td>'
            "</tr>"
        )
    return (
        '<section class="kpis"><h2>KPIs against their main benchmark</h2>'
        '<table class="kpi-table"><thead><tr><th scope="col">KPI</th><th scope="col" class="num">Your value</th>'
        '<th scope="col">Main benchmark</th><th scope="col">Verdict</th><th scope="col" class="num">Gap</th>'
        '<th scope="col">Source</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="small">Gaps of rates are in percentage points (pp), measured to the median when '
        f"published, else to the nearest bound. All {summary.comparisons} comparisons with every "
        "matching benchmark are in the XLSX and CSV downloads.</p>"
        "</section>"
    )


def _issues(summary: ReportSummary) -> str:
    parts = []
    if summary.warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in summary.warnings)
        parts.append(f'<h3>Check your inputs</h3><ul class="warnings">{items}</ul>')
    if summary.not_computable:
        items = "".join(f"<li><strong>{e(label)}</strong>: {e(reason)}</li>"
                        for label, reason in summary.not_computable)
        parts.append(f'<h3>Not computable</h3><ul class="not-computable">{items}</ul>')
    if summary.notes:
        items = "".join(f"<li>{e(n)}</li>" for n in summary.notes)
        parts.append(f'<h3>Notes</h3><ul class="notes">{items}</ul>')
    if not parts:
        return ""
    return f'<section class="issues"><h2>Warnings and missing KPIs</h2>{"".join(parts)}</section>'


def _sources(summary: ReportSummary) -> str:
    if not summary.footnotes:
        return ""
    items = []
    for note in summary.footnotes:
        year = e(note.year_text)
        status_class = "unverified" if note.status == "U" else "status"
        status = f'<span class="{status_class}">{e(note.status_label.lower())}</span>'
        origin = f' &middot; from your catalogue <em>{e(note.origin)}</em>' if note.user_supplied else ""
        link = ""
        if is_web_link(note.url):
            link = (f' &middot; <a href="{e(note.url.strip())}" rel="noopener noreferrer">'
                    f"{e(note.url.strip())}</a>")
        what = f" &middot; {e(note.figure)}" if note.figure else ""
        segment = f"; {e(note.segment)}" if note.segment else ""
        items.append(f'<li id="src-{note.number}"><span class="source">{e(note.source)}{year}</span>'
                     f"{what}{segment} &middot; {status}{origin}{link}</li>")
    return (f'<section class="sources"><h2>Sources</h2><p class="small">{e(SOURCES_INTRO)}</p>'
            f'<ol class="footnotes">{"".join(items)}</ol></section>')


def render_report_html(summary: ReportSummary, charts: Sequence[Any]) -> str:
    """Render the report page.

    Parameters
    ----------
    summary : the words and rows (:func:`funnel_core.exports.summarize`).
    charts : annotated charts (``name``, ``title``, ``chart``).

    Returns
    -------
    str
        A complete HTML document.
    """
    title = f"{summary.title} ({summary.date})"
    if summary.snapshot_label:
        title = f"{summary.title}: {summary.snapshot_label} ({summary.date})"
    footer = f'<footer class="report-footer">Prepared with {e(PRODUCT_NAME)} on {e(summary.date)}.</footer>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{_css()}</style></head>"
        '<body><main class="report">'
        + _header(summary)
        + _headline(summary)
        + _table(summary)
        + _issues(summary)
        + _charts(charts)
        + _sources(summary)
        + footer
        + "</main></body></html>\n"
    )

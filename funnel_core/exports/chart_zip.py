"""Every chart of a report in one ZIP: ``<name>.png`` and ``<name>.svg`` each, ``charts.html`` and a README.

``charts.html`` shows every chart interactively on one page that carries the Vega runtime
once (about 0.9 MB; one copy per chart made the ZIP 7-9 MB), works offline and links each
chart's PNG and SVG beside it. The README names the charts and lists every benchmark source
they use, numbered as on the overview chart and in the report.

PNG files are stored without compression (they are compressed already); SVG, HTML and the
README are deflated. vl-convert holds Python's global lock while it renders, so threads gain
nothing: the render worker process (:mod:`funnel_core.exports.render_pool`) draws charts from
the front of the list while this process draws from the back, each chart once.
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from typing import Sequence

from funnel_core.domain.formatting import date_text
from funnel_core.benchmarks.age import year_suffix
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.domain.constants import STATUS_LABELS
from funnel_core.domain.i18n import mark, tr
from funnel_core.exports.chart_page import GalleryChart, gallery_page
from funnel_core.exports.images import (AnnotatedChart, NamedChartLike, chart_png, chart_svg, draw_queued,
                                         prefetch, vl_version)
from funnel_core.exports.render_pool import pool
from funnel_core.exports.report_charts import report_charts
from funnel_core.exports.report_model import Footnote, summarize
from funnel_core.exports.sanitize import file_slug, is_web_link
from funnel_core.exports.settings import as_of_date, product_name
from funnel_core.exports.wording import benchmark_figure_text

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_STATUS_CODE = mark('status {code}')

__all__ = ["GALLERY_NAME", "charts_zip", "draw_ahead"]

#: The interactive page of every chart in the ZIP.
GALLERY_NAME = "charts.html"

def _readme(report: ComparisonReport, charts: Sequence[AnnotatedChart], date: str) -> str:
    summary = summarize(report, date)
    lines = [tr("{product}: charts", product=product_name()), tr("Date: {date}", date=date_text(date))]
    if report.snapshot.label:
        lines.append(tr("Period: {period}", period=report.snapshot.label))
    lines.append(tr("Context: {context}",
                    context="; ".join(f"{label}: {value}" for _, label, value in summary.context)))
    lines += [""] + tr("Each chart comes two ways: .png (high resolution, for slides) and .svg (vector,\n"
                       "for print and design tools). {gallery} shows every chart interactively on one\n"
                       "page (open it in a browser; it works offline).", gallery=GALLERY_NAME).split("\n")
    lines += ["", tr("Charts:")]
    for chart in charts:
        lines.append(f"- {chart.name}: {chart.title}")
    lines += [""] + tr("Benchmark sources. [1]-[{n}]: the main benchmark of each KPI, numbered as on the\n"
                       "overview chart and in the report; then every other benchmark the charts compare with.\n"
                       "Each chart also names its own sources in its footer.",
                       n=len(summary.footnotes)).split("\n") + [""]
    notes = list(summary.footnotes)
    seen = {(n.origin, n.source, n.figure, n.segment) for n in notes}
    for item in report.kpis:
        for comp in item.comparisons:
            if comp.user_value is None:
                continue
            b = comp.benchmark
            key = (b.origin, b.source, benchmark_figure_text(comp), b.segment)
            if key in seen:
                continue
            seen.add(key)
            notes.append(Footnote(len(notes) + 1, b.source, b.year, b.status,
                                  tr(STATUS_LABELS.get(b.status, b.status)), b.url or "",
                                  b.origin != "published", b.origin, benchmark_figure_text(comp),
                                  b.segment,
                                  year_suffix(b.source, b) if (b.year or b.published) else None))
    for note in notes:
        status = f"{tr(_T_STATUS_CODE, code=note.status)}: {note.status_label.lower()}"
        origin = "; " + tr("from your catalogue {origin}", origin=note.origin) if note.user_supplied else ""
        link = f" {note.url.strip()}" if is_web_link(note.url) else ""
        lines.append(f"[{note.number}] {note.source}{note.year_text}: {note.figure}; {note.segment} "
                     f"({status}{origin}){link}")
    lines += [""] + tr("Status V: verified in the source's own publication; S: seen only where a secondary\n"
                       "page quotes the source; U: source not verified. Benchmark amounts are in USD.").split("\n")
    lines += [""]
    return "\r\n".join(lines)


def _gallery_lines(report: ComparisonReport, date: str) -> list[str]:
    summary = summarize(report, date)
    lines = [tr("Date: {date}", date=date_text(date))]
    if report.snapshot.label:
        lines.append(tr("Period: {period}", period=report.snapshot.label))
    lines.append(tr("Context: {context}",
                    context="; ".join(f"{label}: {value}" for _, label, value in summary.context)))
    lines.append(tr("Hover a chart for the figures; its menu saves it as PNG or SVG. Sources are "
                    "under each chart and in README.txt."))
    return lines


def draw_ahead(report: ComparisonReport, as_of: _dt.date | str | None = None) -> int:
    """Queue the ZIP's charts in the render worker's background queue; returns how many.

    The Downloads page calls this (after starting the PDF) so the charts are drawn while the
    user reads the page, on the worker's core, only while no download waits for it. A later
    :func:`charts_zip` finds them in the render cache or takes back those still queued.
    Without a worker process, or while the worker has other charts to draw (a busy server:
    other sessions' downloads come first), it does nothing and returns 0.
    """
    render_jobs = pool()
    if render_jobs.workers <= 0 or render_jobs.pending():
        return 0
    return prefetch(report_charts(report, as_of_date(as_of)), background=True)


def charts_zip(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
               charts: Sequence[NamedChartLike] | None = None) -> bytes:
    """Every chart as ``<name>.png`` and ``<name>.svg``, all of them on ``charts.html``, and
    ``README.txt``.

    Parameters
    ----------
    report : the comparison.
    as_of : date printed on the charts and in the README (today by default).
    charts : the charts when already built (see
        :func:`funnel_core.exports.report_charts.report_charts`).

    Returns
    -------
    bytes
        A ZIP archive.
    """
    date = as_of_date(as_of)
    charts = report_charts(report, date, charts=charts)
    # the render worker draws from the front of the list while this process draws from the
    # back; each chart is drawn once, by whichever gets to it first
    prefetch(charts)
    draw_queued(charts)
    buffer = io.BytesIO()
    gallery: list[GalleryChart] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(report, charts, date))
        used: set[str] = {GALLERY_NAME.removesuffix(".html")}
        for chart in charts:
            name = file_slug(chart.name)
            while name in used:
                name += "-2"
            used.add(name)
            archive.writestr(f"{name}.svg", chart_svg(chart))
            archive.writestr(f"{name}.png", chart_png(chart), compress_type=zipfile.ZIP_STORED)
            gallery.append(GalleryChart(name, chart.title, chart.spec, (f"{name}.png", f"{name}.svg")))
        page = gallery_page(gallery, tr("{product}: charts", product=product_name()), _gallery_lines(report, date),
                            vl_version())
        archive.writestr(GALLERY_NAME, page.encode("utf-8"))
    return buffer.getvalue()

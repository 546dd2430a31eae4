"""Downloads: the report, the table and every chart, made only when a button is clicked."""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Callable

import streamlit as st

from funnel_core.domain.i18n import current_language, keep_language, tr
from funnel_core.exports import chart_zip, images, prepared, render
from funnel_core.page_state import snapshot_state
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.page_state.page_text import escape_markdown as md
from pages import _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

st.title(tr("Downloads"))
_ui.show_flash()
report = _ui.current_report()
if report is None:
    _ui.no_numbers_yet("download")
    st.stop()

st.markdown(tr("Files for **{period}** · {summary}. Each file is made when you click its button "
               "(a PDF or a ZIP of all charts can take a few seconds) from the numbers in this "
               "session; a file stays in the server's memory for a few minutes so that your browser can fetch "
               "it, and nothing is stored.", period=md(snapshot_state.period_text(_ui.compared_period())),
               summary=snapshot_state.context_summary(_ui.context())))


def _deferred(func: Callable[..., bytes], *args: Any) -> Callable[[], bytes]:
    """Bind the arguments (and the session's language) now; the bytes are made only when the
    user clicks, on a thread of the server's, in this session's language."""
    return keep_language(lambda: func(*args))


def _chart_bytes(kind: str, report: ComparisonReport, name: str) -> bytes:
    chart = _ui.build_chart(report, name)
    if chart is None:
        raise ValueError(f"the chart {name} has nothing to show")
    return getattr(images, kind)(chart)


def _timed(key: str, data: Callable[[], bytes]) -> Callable[[], bytes]:
    """``data`` that logs how long the click waited (with FUNNEL_LOG_TIMING=1, as app.py)."""
    if not os.environ.get("FUNNEL_LOG_TIMING"):
        return data

    def made() -> bytes:
        start = time.perf_counter()
        result = data()
        logging.getLogger("funnel.timing").warning("download %s: %.0f ms", key,
                                                   (time.perf_counter() - start) * 1000)
        return result

    return made


def _button(label: str, key: str, data: Callable[[], bytes], file_name: str, *, icon: str,
            primary: bool = False, container: Any = st) -> None:
    container.download_button(label, data=_timed(key, data), file_name=file_name,
                              mime=render.EXPORTS[key][1],
                              key=f"dl_{file_name}", icon=icon, on_click="ignore",
                              type="primary" if primary else "secondary", width="stretch")


st.subheader(tr("Report and tables"))
cols = st.columns(5)
# the PDF is the usual click: it starts in the background now, and the click takes it over
# (kept by language too: the report is written in the language of the session)
_pdf_key = "|".join(("report_pdf", current_language(), *(_ui.report_keys() or ("", "")),
                     render.download_name("report_pdf", report)))
_make_pdf = _deferred(render.export_bytes, "report_pdf", report)
prepared.PREPARED.prepare(_pdf_key, _make_pdf)
_button(tr("PDF report"), "report_pdf", lambda: prepared.PREPARED.get(_pdf_key, _make_pdf),
        render.download_name("report_pdf", report), icon=":material/picture_as_pdf:", primary=True,
        container=cols[0])
# then the ZIP's charts are drawn ahead, in the render worker's spare time
prepared.PREPARED.also("charts_ahead|" + _pdf_key, _deferred(chart_zip.draw_ahead, report))
_button(tr("HTML report"), "report_html", _deferred(render.export_bytes, "report_html", report),
        render.download_name("report_html", report), icon=":material/article:", container=cols[1])
_stored = {label: dict(values) for label, values in _ui.periods().items()}  # every period, for re-upload
_button(tr("Excel workbook"), "comparison_xlsx",
        keep_language(lambda: render.export_bytes("comparison_xlsx", report, periods=_stored)),
        render.download_name("comparison_xlsx", report), icon=":material/table_view:",
        container=cols[2])
_button(tr("CSV table"), "comparison_csv", _deferred(render.export_bytes, "comparison_csv", report),
        render.download_name("comparison_csv", report), icon=":material/csv:", container=cols[3])
_button(tr("All charts (ZIP)"), "charts_zip", _deferred(render.export_bytes, "charts_zip", report),
        render.download_name("charts_zip", report), icon=":material/folder_zip:", container=cols[4])
st.caption(tr("The PDF and HTML reports hold the headline, the KPI table with every source, the "
              "charts and the definitions. The Excel workbook has your inputs, the KPIs, the "
              "definitions and the charts; the CSV is one row per KPI and benchmark. The ZIP holds "
              "every chart as PNG (for slides) and SVG (for print), and one page, charts.html, that "
              "shows them all interactively and works offline."))

st.subheader(tr("Charts one by one"))
st.caption(tr("PNG for slides, SVG for print and design tools, HTML to zoom and hover offline. "
              "Every chart carries its sources and today's date."))
names: list[tuple[str, str]] = []
for name, title in (("overview", tr("Your KPIs against published benchmarks")),
                    ("funnel", tr("Your funnel against benchmark conversion rates")),
                    ("focus", tr("Where to focus")), ("mrr-bridge", tr("MRR bridge"))):
    if _ui.chart(name) is not None:
        names.append((name, title))
for item in report.computed():
    if any(c.user_value is not None for c in item.comparisons):
        names.append((f"bullet-{item.id}", tr("{kpi} against benchmarks", kpi=item.kpi.spec.label)))

for name, title in names:
    row = st.columns([3, 1, 1, 1], vertical_alignment="center")
    row[0].markdown(title)
    for col, (kind, key, label, icon) in zip(row[1:], (
            ("chart_png", "chart_png", "PNG", ":material/image:"),
            ("chart_svg", "chart_svg", "SVG", ":material/draw:"),
            ("chart_html", "chart_html", "HTML", ":material/code:"))):
        _button(label, key, _deferred(_chart_bytes, kind, report, name),
                render.download_name(key, report, chart_name=name), icon=icon, container=col)

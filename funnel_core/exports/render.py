"""The downloads by format: pick the renderer for a format key or a file extension.

What ``python -m funnel_core report -o out.pdf`` and the Downloads page call. The renderers
are imported only when a format is asked for (openpyxl and fpdf2 are slow to import).

- :data:`EXPORTS`: format key (the name of the function producing it) -> (extension, MIME).
- :func:`download_name`: a file name for a download.
- :func:`export_bytes`: one whole-report download as bytes, picked by its format key.
- :func:`write_report`: a download written to a file, the format picked by the extension.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path

from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.exports.sanitize import file_slug
from funnel_core.exports.settings import as_of_date

__all__ = ["EXPORTS", "REPORT_EXTENSIONS", "REPORT_KEYS", "XLSX_MIME", "download_name", "export_bytes",
           "write_report"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Format key (= name of the function that produces it: ``images.chart_png``, ...,
#: ``report_pdf.report_pdf``) -> (extension, MIME).
EXPORTS: dict[str, tuple[str, str]] = {
    "chart_png": (".png", "image/png"),
    "chart_svg": (".svg", "image/svg+xml"),
    "chart_html": (".html", "text/html"),
    "charts_zip": (".zip", "application/zip"),
    "comparison_csv": (".csv", "text/csv"),
    "comparison_xlsx": (".xlsx", XLSX_MIME),
    "report_html": (".html", "text/html"),
    "report_pdf": (".pdf", "application/pdf"),
}

#: Extensions :func:`write_report` accepts, in the order the error message names them.
REPORT_EXTENSIONS: tuple[str, ...] = (".xlsx", ".csv", ".html", ".pdf", ".zip", ".png", ".svg")


def download_name(key: str, report: ComparisonReport | None = None, *, chart_name: str | None = None,
                  as_of: _dt.date | str | None = None) -> str:
    """A file name for a download, e.g. ``funnel-benchmark-2025-06-2026-01-31.xlsx``.

    Parameters
    ----------
    key : a key of :data:`EXPORTS`.
    report : the report (its snapshot label goes into the name when it is file-safe).
    chart_name : for single-chart downloads, the chart's slug.
    as_of : report date; today by default.
    """
    extension = EXPORTS[key][0]
    parts = ["funnel-benchmark"]
    label = report.snapshot.label if report is not None else None
    if label:
        slug = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(label)).strip("-")
        if slug:
            parts.append(slug[:40])
    if chart_name:
        parts.append(file_slug(chart_name))
    if key in ("report_html", "report_pdf"):
        parts.append("report")
    parts.append(as_of_date(as_of))
    return "-".join(parts) + extension


#: The whole-report formats of :func:`export_bytes` (the chart images are per chart).
REPORT_KEYS: tuple[str, ...] = ("charts_zip", "comparison_csv", "comparison_xlsx", "report_html",
                                "report_pdf")


def export_bytes(key: str, report: ComparisonReport, as_of: _dt.date | str | None = None, *,
                 periods: Mapping[str, Mapping[str, float]] | None = None) -> bytes:
    """One whole-report download as bytes, by its format key.

    Parameters
    ----------
    key : one of :data:`REPORT_KEYS` (``report_pdf``, ``report_html``, ``comparison_xlsx``,
        ``comparison_csv``, ``charts_zip``).
    report : the comparison.
    as_of : report date (today by default; the CSV has no date).
    periods : every stored period (label -> numbers), for the workbook's Inputs sheet (see
        :func:`funnel_core.exports.workbook.comparison_xlsx`); the other formats ignore it.

    Raises
    ------
    ValueError
        For any other key.
    """
    if key == "report_pdf":
        from funnel_core.exports.report_pdf import report_pdf

        return report_pdf(report, as_of)
    if key == "report_html":
        from funnel_core.exports.report_html import report_html

        return report_html(report, as_of)
    if key == "comparison_xlsx":
        from funnel_core.exports.workbook import comparison_xlsx

        return comparison_xlsx(report, as_of, periods=periods)
    if key == "comparison_csv":
        from funnel_core.exports.table_csv import comparison_csv

        return comparison_csv(report)
    if key == "charts_zip":
        from funnel_core.exports.chart_zip import charts_zip

        return charts_zip(report, as_of)
    raise ValueError(f"{key!r} is not a report format; it can be one of {', '.join(REPORT_KEYS)}")


#: The format key of each report extension (``.png`` and ``.svg`` are the overview chart).
_KEY_OF_EXTENSION = {".xlsx": "comparison_xlsx", ".csv": "comparison_csv", ".html": "report_html",
                     ".pdf": "report_pdf", ".zip": "charts_zip"}

def write_report(report: ComparisonReport, path: str | Path, *,
                 as_of: _dt.date | str | None = None) -> Path:
    """Write the comparison to ``path``; the extension picks the format.

    Parameters
    ----------
    report : the comparison.
    path : ``.xlsx`` (workbook), ``.csv`` (table), ``.html`` / ``.pdf`` (report), ``.zip``
        (all charts), ``.png`` / ``.svg`` (the overview chart).
    as_of : report date (today by default).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        For any other extension (checked before anything is rendered).
    """
    target = Path(path)
    extension = target.suffix.lower()
    if extension not in REPORT_EXTENSIONS:
        shown = f"'{target.suffix}'" if target.suffix else "no extension"
        raise ValueError(f"{target.name}: {shown} is not a report format; the output "
                         "can be .xlsx, .csv, .html, .pdf, .zip, .png or .svg")
    if extension in _KEY_OF_EXTENSION:
        data = export_bytes(_KEY_OF_EXTENSION[extension], report, as_of)
    else:
        from funnel_core.exports.images import chart_png, chart_svg
        from funnel_core.exports.report_charts import pick_overview, report_charts

        chart = pick_overview(report_charts(report, as_of, key_only=True))
        data = chart_png(chart) if extension == ".png" else chart_svg(chart)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target

"""Which charts each download shows, each guaranteed to carry its title, sources and date.

The report (HTML, PDF), the workbook and the single PNG/SVG of
:func:`funnel_core.exports.render.write_report` use the key charts (overview, funnel, focus,
MRR bridge; :func:`is_key_chart`); the ZIP has every chart of
:func:`funnel_core.charts.catalog.chart_catalog`, including one bullet chart per KPI. The last
report's chart list is remembered, so a second download of the same report is quick.
Functions taking ``charts=`` accept the list the app already built with ``chart_catalog``.
:func:`page_overview` reshapes the overview chart for the reports' one-page summary.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import threading
import weakref
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from funnel_core.domain.formatting import date_text
from funnel_core.benchmarks.compare import ComparisonReport, primary_comparison
from funnel_core.exports.images import (
    AnnotatedChart,
    NamedChartLike,
    chart_size,
    clear_image_cache,
    spec_digest,
    spec_of,
)
from funnel_core.domain.i18n import current_language, tr
from funnel_core.exports.settings import as_of_value
from funnel_core.exports.wording import source_short

if TYPE_CHECKING:  # pragma: no cover - typing only
    import altair as alt

__all__ = [
    "clear_render_cache",
    "document_charts",
    "is_key_chart",
    "page_overview",
    "pick_overview",
    "report_charts",
]

def _row_count(spec: Any) -> int:
    """The number of rows of a chart with a categorical y axis (the longest y sort/domain list)."""
    best = 0
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            y = node.get("y")
            if isinstance(y, dict):
                for values in (y.get("sort"), (y.get("scale") or {}).get("domain")):
                    if isinstance(values, list) and all(isinstance(v, str) for v in values):
                        best = max(best, len(values))
            stack.extend(v for k, v in node.items() if k not in ("data", "datasets"))
        elif isinstance(node, list):
            stack.extend(node)
    return best


def _panels(body: Any) -> list[dict[str, Any]]:
    """The views of a chart body whose height is its rows': the side-by-side views, or the one
    layered view (the overview is one layered view; older charts were side by side)."""
    if not isinstance(body, dict):
        return []
    views = body.get("hconcat") if "hconcat" in body else [body] if "layer" in body else []
    return [v for v in views if isinstance(v, dict) and isinstance(v.get("height"), (int, float))]


def page_overview(chart: "AnnotatedChart | alt.TopLevelMixin", row_height: float | None = None, *,
                  max_height: float | None = None, min_row_height: float = 20.0) -> AnnotatedChart:
    """The overview chart made for the report's one-page summary.

    The list of sources under the chart is dropped (the page prints the same numbered sources
    as footnotes, in text) and, with ``row_height``, each KPI row is that many pixels high
    (the theme's rows are 30 px). A chart of an unexpected shape comes back as it was, with
    its sources.

    Parameters
    ----------
    chart : the overview chart (see :func:`report_charts`).
    row_height : pixels per KPI row; ``None`` keeps the chart's own.
    max_height : instead of ``row_height``: make the rows as short as needed (never below
        ``min_row_height``) for the whole chart to be at most this many pixels high. Renders
        the chart once to measure it (the render is cached).

    Returns
    -------
    AnnotatedChart
        ``name`` and ``title`` of ``chart``; ``spec`` the changed Vega-Lite spec.
    """
    if max_height is not None and row_height is None:
        base = page_overview(chart)
        height = chart_size(base)[1]
        rows = _row_count(base.spec)
        panel = next((p.get("height") for p in _panels((base.spec.get("vconcat") or [{}])[0])), None)
        if height <= max_height or not rows or not panel:
            return base
        own = panel / rows
        fitted = max(min_row_height, (max_height - (height - panel)) / rows)
        if fitted >= own:
            return base
        return page_overview(chart, math.floor(fitted * 2) / 2)
    import copy

    spec, digest = spec_of(chart)
    name = getattr(chart, "name", "overview")
    title = getattr(chart, "title", "overview")
    original = AnnotatedChart(name, title, spec, spec, digest)
    parts = spec.get("vconcat")
    if not (isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict)):
        return original
    new = {k: v for k, v in spec.items() if k != "vconcat"}
    if isinstance(new.get("padding"), (int, float)):
        new["padding"] = min(new["padding"], 6)  # the page gives it room enough
    body = copy.deepcopy(parts[0])  # the data sets stay at the top level, shared
    footer = body.get("title")
    if isinstance(footer, dict) and footer.get("orient") == "bottom":
        del body["title"]
    if row_height:
        rows = _row_count(body)
        panels = _panels(body)
        if rows and panels:
            for panel in panels:
                panel["height"] = round(rows * float(row_height))
    new["vconcat"] = [body]
    text = json.dumps(new, sort_keys=True, default=str, ensure_ascii=False)
    return AnnotatedChart(name, title, new, new, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _chart_catalog(report: ComparisonReport, as_of: _dt.date | None) -> list[NamedChartLike]:
    """The charts of the results page (imported lazily: Altair is heavy)."""
    from funnel_core.charts.catalog import chart_catalog

    return list(chart_catalog(report, as_of=as_of))


#: The key charts in :func:`funnel_core.charts.catalog.chart_catalog` order: (name, builder function).
_KEY_BUILDERS: tuple[tuple[str, str], ...] = (
    ("overview", "overview_chart"),
    ("funnel", "funnel_chart"),
    ("focus", "focus_chart"),
    ("mrr-bridge", "mrr_bridge_chart"),
    ("quadrant", "quadrant_chart"),
)


def _key_chart_catalog(report: ComparisonReport, as_of: _dt.date | None) -> list[NamedChartLike]:
    """The key charts only, without building the per-KPI bullet charts (most of the cost).

    Uses the public builders of :mod:`funnel_core.charts`; each chart's title is read from
    the chart itself. Falls back to the full catalogue, filtered, if a builder is missing.
    A test checks this gives exactly what the full catalogue gives.
    """
    from funnel_core.charts import focus, funnel, mrr_bridge, overview, quadrant

    modules = {"overview": overview, "funnel": funnel, "focus": focus, "mrr-bridge": mrr_bridge,
               "quadrant": quadrant}
    builders = [getattr(modules[name], fn, None) for name, fn in _KEY_BUILDERS]
    if any(b is None for b in builders):
        return [c for c in _chart_catalog(report, as_of) if is_key_chart(c.name)]
    out: list[NamedChartLike] = []
    for (name, _), builder in zip(_KEY_BUILDERS, builders):
        chart = builder(report, as_of=as_of)
        if chart is None:
            continue
        title = _title_dict(chart) or {}
        text = title.get("text", name)
        if isinstance(text, (list, tuple)):
            text = " ".join(str(t) for t in text)
        out.append(AnnotatedChart(name, str(text), chart, {}, ""))
    return out


def _report_sources(report: ComparisonReport) -> list[str]:
    """``Source (year)`` of every main benchmark, in table order, without repeats."""
    seen: list[str] = []
    for item in report.kpis:
        main = primary_comparison(item)
        if main is not None:
            text = source_short(main)
            if text not in seen:
                seen.append(text)
    return seen


def _title_dict(chart: Any) -> dict[str, Any] | None:
    title = getattr(chart, "title", None)
    if title is None or type(title).__name__ == "UndefinedType":
        return None
    if isinstance(title, str):
        return {"text": title}
    if isinstance(title, dict):
        return dict(title)
    try:
        return dict(title.to_dict(validate=False))
    except Exception:  # noqa: BLE001 - an exotic title object: leave it alone
        return {"text": str(title)}


def _annotate(named: NamedChartLike, report: ComparisonReport, date: str) -> AnnotatedChart:
    """Make sure a chart carries a title, its source(s) and the date before it leaves the app.

    :mod:`funnel_core.charts` puts them on; this only adds what is missing (as subtitle
    lines), so an export is never a bare chart without provenance.
    """
    chart = named.chart
    spec, digest, text = spec_digest(chart)
    lowered = text.lower()
    extra: list[str] = []
    if "source" not in lowered:
        sources = _report_sources(report)
        if sources:
            shown = "; ".join(sources[:3]) + ("; ..." if len(sources) > 3 else "")
            extra.append(tr("Sources: {sources}", sources=shown))
        else:
            extra.append(tr("Source: your inputs"))
    if date not in text:
        extra.append(tr("As of {date}", date=date_text(date)))
    title = _title_dict(chart)
    if title is not None and not extra:
        return AnnotatedChart(named.name, named.title, chart, spec, digest)
    import altair as alt

    if title is None:
        title = {"text": named.title, "anchor": "start"}
    subtitle = title.get("subtitle")
    lines = [] if subtitle is None else [subtitle] if isinstance(subtitle, str) else list(subtitle)
    title["subtitle"] = lines + extra
    try:
        chart = chart.properties(title=alt.TitleParams(**title))
    except Exception:  # noqa: BLE001 - keep the chart as it is rather than fail the download
        return AnnotatedChart(named.name, named.title, chart, spec, digest)
    spec, digest, _ = spec_digest(chart)
    return AnnotatedChart(named.name, named.title, chart, spec, digest)


def is_key_chart(name: str) -> bool:
    """True for the charts the one-document report and the workbook show.

    The per-KPI bullet charts (``bullet-<kpi>``) are left to the ZIP and the single-chart
    downloads: the report's KPI table already places every KPI against its benchmark.
    """
    return not name.startswith("bullet-")


_MEMO_LOCK = threading.Lock()
_MEMO: dict[str, Any] = {"report": None, "day": None, "named": {}, "annotated": {}}


def _named_charts(report: ComparisonReport, day: _dt.date, key_only: bool) -> list[NamedChartLike]:
    """The catalogue (or its key charts), remembered for the last report and date."""
    with _MEMO_LOCK:
        ref = _MEMO["report"]
        language = current_language()  # the charts' words are in the language they were built in
        if not (ref is not None and ref() is report and _MEMO["day"] == day
                and _MEMO.get("language") == language):
            try:
                _MEMO.update(report=weakref.ref(report), day=day, named={}, annotated={},
                             language=language)
            except TypeError:  # pragma: no cover - an object without weak references
                _MEMO.update(report=None, day=None, named={}, annotated={}, language=None)
        named: dict[str, list[NamedChartLike]] = _MEMO["named"]
        if "all" in named:
            full = named["all"]
            return [c for c in full if is_key_chart(c.name)] if key_only else full
        if key_only and "key" in named:
            return named["key"]
    built = _key_chart_catalog(report, day) if key_only else _chart_catalog(report, day)
    with _MEMO_LOCK:
        named["all" if not key_only else "key"] = built
    return built


def report_charts(report: ComparisonReport, as_of: _dt.date | str | None = None, *,
                  key_only: bool = False,
                  charts: Sequence[NamedChartLike] | None = None) -> list[AnnotatedChart]:
    """The results page's charts, each guaranteed to carry its title, sources and date.

    Parameters
    ----------
    report : the comparison.
    as_of : date printed on the charts (today by default).
    key_only : only the charts of the report and workbook (see :func:`is_key_chart`); the
        per-KPI bullet charts are then not even built.
    charts : the charts of :func:`funnel_core.charts.catalog.chart_catalog` when the caller has built
        them already (the app shows them anyway); built here otherwise.

    Returns
    -------
    list
        Objects with ``name`` (file-safe slug), ``title``, ``chart`` (Altair) and ``spec``
        (its Vega-Lite dict). The last report's charts are remembered, so several downloads
        of one report build them once.
    """
    day = as_of_value(as_of) or _dt.date.today()
    date = day.isoformat()
    if charts is not None:
        chosen = [c for c in charts if not key_only or is_key_chart(c.name)]
        return [c if isinstance(c, AnnotatedChart) and c.digest else _annotate(c, report, date)
                for c in chosen]
    named = _named_charts(report, day, key_only)
    with _MEMO_LOCK:
        annotated: dict[tuple[str, str], AnnotatedChart] = _MEMO["annotated"]
    out = []
    for chart in named:
        key = (chart.name, chart.title)
        done = annotated.get(key)
        if done is None:
            done = _annotate(chart, report, date)
            with _MEMO_LOCK:
                annotated[key] = done
        out.append(done)
    return out


def pick_overview(charts: Sequence[AnnotatedChart]) -> AnnotatedChart:
    """The overview chart of ``charts`` (else the first one): the single PNG/SVG download.

    Raises
    ------
    ValueError
        When there is no chart at all (no KPI could be computed).
    """
    if not charts:
        raise ValueError("this comparison has no chart to export (no KPI could be computed)")
    for chart in charts:
        if "overview" in chart.name:
            return chart
    return charts[0]


#: The key charts that cite benchmarks, by name: (module, builder) in :mod:`funnel_core.charts`.
_CITING = {"overview": ("overview", "overview_chart"), "funnel": ("funnel", "funnel_chart"),
           "focus": ("focus", "focus_chart")}


def _renumbered(chart: AnnotatedChart, report: ComparisonReport, date: str,
                numbering: Mapping[tuple[str, str], int]) -> AnnotatedChart:
    """``chart`` built again with the document's numbering of its sources."""
    import importlib

    module, name = _CITING[chart.name]
    builder = getattr(importlib.import_module(f"funnel_core.charts.{module}"), name)
    built = builder(report, as_of=as_of_value(date), numbering=numbering)
    if built is None:
        return chart
    return _annotate(AnnotatedChart(chart.name, chart.title, built, {}, ""), report, date)


def document_charts(report: ComparisonReport, date: str, charts: Sequence[NamedChartLike] | None,
                    one_page_only: bool,
                    numbering: Mapping[tuple[str, str], int] | None = None) -> list[AnnotatedChart]:
    """The key charts of the HTML and PDF reports (only the overview for the summary page alone).

    ``numbering`` (:attr:`~funnel_core.exports.report_model.ReportSummary.source_numbers`) is
    the document's one numbering of its sources: the charts that cite benchmarks are built with
    it, so "[7]" means the same source under every chart and in the list of sources.
    """
    chosen = report_charts(report, date, key_only=True, charts=charts)
    if one_page_only:  # the summary page shows the overview only: render nothing else
        chosen = [c for c in chosen if c.name == "overview"][:1]
    if numbering:
        chosen = [_renumbered(c, report, date, numbering) if c.name in _CITING else c
                  for c in chosen]
    return chosen


def clear_render_cache() -> None:
    """Forget every rendered chart and the remembered chart list (benchmarks time real renders)."""
    clear_image_cache()
    with _MEMO_LOCK:
        _MEMO.update(report=None, day=None, named={}, annotated={})

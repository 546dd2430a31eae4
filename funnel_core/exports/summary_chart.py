"""The overview chart on the report's summary page, at a size that stays readable in print.

The summary page prints the overview chart at about 0.9 of its size (its 12-13 px text is then
8 pt or more). When all the KPI rows do not fit in the height the page has left, the page shows
the rows furthest from their benchmark - shortfalls first, then the KPIs ahead of it, then the
ones in line - in their usual order, says how many it shows, and the appendix has the whole
chart. Rows are never squeezed below the chart's own height and the picture is never shrunk to
fit: text below 8 pt is not readable on paper.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from funnel_core.domain.constants import VERDICT_LABELS
from funnel_core.domain.i18n import tr, tr_n
from funnel_core.exports.images import AnnotatedChart, chart_size, spec_of
from funnel_core.exports.report_charts import _panels, _row_count, page_overview

__all__ = ["SummaryChart", "fit_page", "page_footnotes", "partial_note", "readable_overview", "spec_rows"]

#: Fewest rows the summary page shows (fewer would not be worth a chart).
MIN_ROWS = 3
_NUMBER = re.compile(r"\[(\d+)\]")
_ORDER = {"Worse": 0, "Better": 1, "In line": 2}


@dataclass(frozen=True)
class SummaryChart:
    """The overview as the summary page draws it.

    Attributes
    ----------
    chart : the chart to draw (sources footer dropped; maybe only some rows).
    shown, total : KPI rows drawn and rows of the whole chart.
    numbers : the source numbers of the rows drawn ([n] in their labels).
    """

    chart: AnnotatedChart
    shown: int
    total: int
    numbers: frozenset[int]

    @property
    def partial(self) -> bool:
        return self.shown < self.total


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    values = (spec.get("data") or {}).get("values")
    if isinstance(values, list):
        return values
    return [r for rows in (spec.get("datasets") or {}).values() for r in rows]


def _labels(rows: list[dict[str, Any]]) -> list[str]:
    return [r["row"] for r in rows if isinstance(r.get("row"), str)]


def _numbers(labels: list[str]) -> frozenset[int]:
    return frozenset(int(n) for label in labels for n in _NUMBER.findall(label))


def _furthest(rows: list[dict[str, Any]], keep: int) -> list[str]:
    """Labels of the ``keep`` rows to show: shortfalls, then leads, then rows in line, each
    furthest from the benchmark first; returned in the chart's own order."""
    order = {**_ORDER, **{tr(VERDICT_LABELS[k]): n
                          for k, n in (("worse", 0), ("better", 1), ("in_line", 2))}}
    ranked = sorted(range(len(rows)), key=lambda i: (order.get(rows[i].get("verdict"), 3),
                                                    -abs(float(rows[i].get("x") or 0.0)), i))
    chosen = sorted(ranked[:keep])
    return [rows[i]["row"] for i in chosen]


def _only(spec: dict[str, Any], labels: list[str], keep: list[str], row_height: float) -> dict[str, Any]:
    """``spec`` with the rows of ``keep`` only (data, every y sort and domain, the height)."""
    new = copy.deepcopy(spec)
    wanted = set(keep)

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: visit(v) for k, v in node.items()}
        if isinstance(node, list):
            if node == labels:
                return list(keep)
            return [visit(v) for v in node]
        return node

    data = new.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        data["values"] = [r for r in data["values"] if r.get("row") in wanted or "row" not in r]
    for name, rows in (new.get("datasets") or {}).items():
        new["datasets"][name] = [r for r in rows if r.get("row") in wanted or "row" not in r]
    new = {k: (v if k in ("data", "datasets") else visit(v)) for k, v in new.items()}
    for panel in _panels((new.get("vconcat") or [{}])[0]):
        panel["height"] = round(len(keep) * row_height)
    return new


def readable_overview(chart: Any, max_height: float, *, keep_rows: int | None = None) -> SummaryChart:
    """The overview for the summary page, at most ``max_height`` CSS pixels high at full size.

    All rows when they fit; else as many of the rows furthest from their benchmark as fit (at
    least :data:`MIN_ROWS`), each at the chart's own row height; ``keep_rows`` asks for that many
    rows instead. A chart of another shape comes back whole (without its sources footer).
    """
    base = page_overview(chart)
    rows = _rows(base.spec)
    labels = _labels(rows)
    count = _row_count(base.spec)
    panels = _panels((base.spec.get("vconcat") or [{}])[0])
    everything = SummaryChart(base, len(labels), len(labels), _numbers(labels))
    if not labels or count != len(labels) or not panels:
        return everything
    row_height = float(panels[0]["height"]) / len(labels)
    if keep_rows is not None:
        keep = max(1, min(len(labels), keep_rows))
    else:
        width, height = chart_size(base)
        if height <= max_height:
            return everything
        chrome = height - float(panels[0]["height"])
        keep = max(MIN_ROWS, min(len(labels), math.floor((max_height - chrome) / row_height)))
    if keep >= len(labels):
        return everything
    chosen = _furthest([r for r in rows if isinstance(r.get("row"), str)], keep)
    spec = _only(base.spec, labels, chosen, row_height)
    spec_text = json.dumps(spec, sort_keys=True, default=str, ensure_ascii=False)
    digest = hashlib.sha256(spec_text.encode("utf-8")).hexdigest()
    part = AnnotatedChart(base.name, base.title, spec, spec, digest)
    return SummaryChart(part, len(chosen), len(labels), _numbers(chosen))


def fit_page(overview: Any, summary: Any, budget: Callable[[list[Any]], float]) -> SummaryChart:
    """The overview for a summary page whose room for the chart depends on its footnotes.

    ``budget(notes)`` is the chart's room in CSS pixels with ``notes`` at the page's foot.
    Fewer rows cite fewer sources, which leaves room for more rows, which may cite more: the
    most rows whose own footnotes still leave them room are taken.

    The chart's height with ``k`` rows is its frame plus ``k`` row heights (every row has the
    same height), so the search predicts heights from the full chart's one render instead of
    rendering each candidate; the rows chosen are rendered once to check (and one fewer is
    taken in the unlikely case the prediction was short).
    """
    fitted = readable_overview(overview, budget(list(summary.footnotes)))
    if not fitted.partial:
        return fitted
    most = readable_overview(overview, budget(page_footnotes(summary, fitted))).shown
    geometry = _geometry(overview)

    def fits(candidate: SummaryChart, rendered: bool = False) -> bool:
        room = budget(page_footnotes(summary, candidate))
        if rendered or geometry is None:
            return chart_size(candidate.chart)[1] <= room
        frame, row_height = geometry
        return frame + candidate.shown * row_height <= room

    low, high = fitted.shown, most  # fitted.shown rows fit; search the most that do
    while low < high:
        middle = (low + high + 1) // 2
        candidate = readable_overview(overview, float("inf"), keep_rows=middle)
        if fits(candidate):
            low, fitted = middle, candidate
        else:
            high = middle - 1
    while fitted.shown > MIN_ROWS and not fits(fitted, rendered=True):
        fitted = readable_overview(overview, float("inf"), keep_rows=fitted.shown - 1)
    return fitted


def _geometry(chart: Any) -> tuple[float, float] | None:
    """The overview's frame height (everything but its rows) and one row's height, in CSS
    pixels, from one render of the whole chart; ``None`` for a chart of another shape."""
    base = page_overview(chart)
    labels = _labels(_rows(base.spec))
    panels = _panels((base.spec.get("vconcat") or [{}])[0])
    if not labels or not panels or _row_count(base.spec) != len(labels):
        return None
    panel_height = float(panels[0]["height"])
    return chart_size(base)[1] - panel_height, panel_height / len(labels)


def page_footnotes(summary: Any, fitted: SummaryChart | None) -> list[Any]:
    """The footnotes the summary page cites: its chart's rows and its biggest gaps (all main
    footnotes when the chart shows every row, or when there is no chart)."""
    if fitted is None or not fitted.partial:
        return list(summary.footnotes)
    cited = set(fitted.numbers) | {item.footnote for item in summary.gap_items if item.footnote}
    return [n for n in summary.footnotes if n.number in cited]


def partial_note(fitted: SummaryChart) -> str:
    """The line under a chart that shows some of the rows."""
    return tr_n("The {shown} of {n} KPIs furthest from their benchmark (shortfalls first), at a "
                "size readable on paper; all {n} are on the full chart in the appendix.",
                "The {shown} of {n} KPIs furthest from their benchmark (shortfalls first), at a "
                "size readable on paper; all {n} are on the full chart in the appendix.",
                fitted.total, shown=fitted.shown)


def spec_rows(chart: Any) -> list[dict[str, Any]]:
    """The data rows of a chart (for tests and captions)."""
    return _rows(spec_of(chart)[0])

"""Bullet charts: a KPI against one benchmark, or against every benchmark it has.

A bullet shows the benchmark's band (range, P25-P75, good-great, or the in-line band of a
single figure from :func:`~funnel_core.benchmarks.verdict_rules.in_line_band`: e.g. ±2 pp
around an annual retention median, ±15 % around a conversion rate), its median tick or
threshold rule, and your verdict-shaped value. Lower-is-
better KPIs get a reversed axis, so good is always on the right.
"""

from __future__ import annotations

import re
import textwrap
from datetime import date
from typing import Any, Sequence

import altair as alt

from funnel_core.benchmarks.compare import BenchmarkComparison, KpiComparison, primary_comparison
from funnel_core.benchmarks.verdict_rules import in_line_band
from funnel_core.charts.benchmark_rows import row_tooltip, summary_column, tooltip_values
from funnel_core.charts.labels import (GLYPHS, VERDICT_ORDER, VERDICT_WORDS, Sources, benchmark_figure_text,
                                       format_range, period_words, short_figure, statistic_word, unit_words,
                                       verdict_lower, wrap_lines)
from funnel_core.charts.theme import Theme, load_theme
from funnel_core.charts.vega import (axis_format, chart_rows, field_def, field_is, fields_valid, finish_chart,
                                     padded_domain, quant_def, tooltip_defs, unit_view, verdict_scales)
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import tr, tr_n

__all__ = ["bullet_chart", "bullet_charts"]


def _bullet_layer(item: KpiComparison, comparison: BenchmarkComparison, theme: Theme,
                  currency: str, width: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One bullet: band (range, quartiles, good-great or the in-line band), the user's
    verdict-shaped value with its label, then the median tick or threshold rule on top.

    Returns the layer spec and its rows (one data set; each layer filters on ``part``).
    """
    spec = item.kpi.spec
    b = comparison.benchmark
    value = comparison.user_value
    assert value is not None
    better = spec.higher_is_better if spec.higher_is_better is not None else True
    verdict = comparison.verdict or "none"
    unit_cur = "USD" if spec.unit == "currency" else currency
    band_row: dict[str, Any] | None = None
    edges: list[dict[str, Any]] = []
    if b.low is not None and b.high is not None:
        what = {"quartiles": tr("Benchmark P25–P75"),
                "good_great": tr("Benchmark good–great")}.get(b.statistic) or tr("Benchmark range")
        band_row = {"part": "band", "lo": b.low, "hi": b.high, "what": what,
                    "text": format_range(b.low, b.high, spec.unit, unit_cur)}
        names = {"quartiles": ("P25", "P75"), "good_great": (tr("good"), tr("great"))}.get(b.statistic)
        if names:
            edges = [{"part": "edge", "x": b.low, "label": names[0]},
                     {"part": "edge", "x": b.high, "label": names[1]}]
    elif b.median is not None and b.low is None and b.high is None:
        lo, hi = in_line_band(b)
        assert lo is not None and hi is not None
        band_row = {"part": "band", "lo": lo, "hi": hi, "what": tr("In line with the figure"),
                    "text": format_range(lo, hi, spec.unit, unit_cur)}
    # the axis shows the whole band, the reference and the user's value
    figures = [v for v in (b.low, b.median, b.high, value) if v is not None]
    if band_row is not None:
        figures += [band_row["lo"], band_row["hi"]]
    dom = padded_domain(figures, spec.unit)
    scale = {"domain": dom, "reverse": not better, "nice": True, "zero": False}
    axis_title = tr("{kpi}, {unit}   ← worse · better →", kpi=spec.label,
                    unit=unit_words(spec.unit, unit_cur, b.period))
    axis = {"title": axis_title, "grid": False, "tickCount": 6, "labelFlush": True,
            **axis_format(spec.unit, unit_cur, dom)}
    base_y, band_half = 34, 10
    tooltip = tooltip_defs(("what", " "), ("text", tr("Value")))
    rows: list[dict[str, Any]] = []
    layers: list[dict[str, Any]] = []
    # 1. band (clipped: it never draws outside the plotting area)
    if band_row is not None:
        rows.append(band_row)
        layers.append(unit_view("rect", {
            "x": quant_def("lo", scale=scale, axis=axis), "x2": {"field": "hi"},
            "y": {"value": base_y - band_half}, "y2": {"value": base_y + band_half},
            "tooltip": tooltip,
        }, [field_is("part", "band")], color=theme.colors["band"], cornerRadius=2, clip=True,
            **({"opacity": 0.7} if b.low is None else {})))
    if edges:
        rows.extend(edges)
        layers.append(unit_view("text", {
            "x": quant_def("x", scale=scale), "y": {"value": base_y + band_half + 2},
            "text": field_def("label"),
        }, [field_is("part", "edge")], baseline="top", fontSize=10, color=theme.colors["muted"]))
    # 2. the user's value
    rows.append({"part": "you", "x": value, "verdict": VERDICT_WORDS[verdict], "what": tr("You"),
                 "text": format_value(value, spec.unit, currency),
                 "label": GLYPHS[verdict] + " " + tr("You: {value} · {verdict}",
                                                     value=format_value(value, spec.unit, currency),
                                                     verdict=verdict_lower(verdict))})
    color, shape = verdict_scales(theme, VERDICT_ORDER)
    you = [field_is("part", "you")]
    layers.append(unit_view("point", {
        "x": quant_def("x", scale=scale, axis=axis), "y": {"value": base_y},
        "color": field_def("verdict", scale=color, legend=None),
        "shape": field_def("verdict", scale=shape, legend=None), "tooltip": tooltip,
    }, you, filled=True, size=240, opacity=1, stroke="white", strokeWidth=1))
    layers.append(unit_view("text", {
        "x": quant_def("x", scale=scale), "y": {"value": base_y + band_half + 15},
        "text": field_def("label"), "color": field_def("verdict", scale=color, legend=None),
    }, you, baseline="top", fontWeight="bold", align=_label_align(value, dom, not better),
        fontSize=theme.font_sizes["mark_label"]))
    # 3. reference: median tick or threshold rule
    ref_value, ref_text = None, None
    if b.median is not None:
        ref_value = b.median
        ref_text = f"{statistic_word('median' if b.statistic in ('median', 'quartiles') else b.statistic)} " \
                   f"{format_value(b.median, spec.unit, unit_cur)}"
    elif (b.low is None) != (b.high is None):
        ref_value = b.low if b.low is not None else b.high
        sign = "≥" if b.low is not None else "≤"
        ref_figure = format_value(ref_value, spec.unit, unit_cur)  # type: ignore[arg-type]
        ref_text = f"{statistic_word(b.statistic)} {sign} {ref_figure}"
    if ref_value is not None:
        rows.append({"part": "ref", "x": ref_value, "what": tr("Benchmark"), "text": ref_text})
        ref = [field_is("part", "ref")]
        layers.append(unit_view("rule", {
            "x": quant_def("x", scale=scale), "y": {"value": base_y - band_half - 4},
            "y2": {"value": base_y + band_half + 4}, "tooltip": tooltip,
        }, ref, color=theme.colors["reference"], strokeWidth=2.5,
            strokeDash=[] if b.median is not None else [4, 3]))
        layers.append(unit_view("text", {
            "x": quant_def("x", scale=scale), "y": {"value": base_y - band_half - 6},
            "text": field_def("text"),
        }, ref, baseline="bottom", align=_label_align(ref_value, dom, not better),
            fontSize=theme.font_sizes["mark_label"]))
    return {"layer": layers, "width": width, "height": base_y * 2 + 12}, chart_rows(rows)


def _label_align(value: float, dom: Sequence[float], reversed_: bool) -> str:
    """Left/centre/right so a label near an edge of the axis is not cut off."""
    lo, hi = dom[0], dom[1]
    pos = (value - lo) / (hi - lo) if hi > lo else 0.5
    if reversed_:
        pos = 1 - pos
    if pos < 0.2:
        return "left"
    if pos > 0.8:
        return "right"
    return "center"


def _comparison_line(comparison: BenchmarkComparison, currency: str) -> str:
    b = comparison.benchmark
    per = period_words(b.period)
    return tr("Benchmark: {figure} · {segment}",
              figure=benchmark_figure_text(b, currency) + (" " + per if per else ""), segment=b.segment)


def bullet_chart(item: KpiComparison, comparison: BenchmarkComparison | None = None, *,
                 as_of: date | None = None, currency: str = "USD") -> alt.VConcatChart:
    """One KPI against one benchmark: band, median tick, the user's value.

    The user's value is ``comparison.user_value`` (already in the benchmark's period). A
    lower-is-better KPI gets a reversed x scale so that good is always on the right.

    Parameters
    ----------
    item : the KPI with its comparisons.
    comparison : the benchmark to draw; the KPI's main one (:func:`primary_comparison`) by default.
    as_of : date printed in the footer (today by default).
    currency : the snapshot's currency (benchmark money figures stay in USD).

    Raises
    ------
    ValueError
        When the KPI has no benchmark its value can be placed against.
    """
    theme = load_theme()
    comparison = comparison if comparison is not None else primary_comparison(item)
    if comparison is None or comparison.user_value is None:
        reason = comparison.reason if comparison is not None else tr("no matching benchmark")
        raise ValueError(tr("{kpi}: cannot be drawn against a benchmark ({reason})",
                            kpi=item.kpi.spec.label, reason=reason))
    sources = Sources(currency)
    number = sources.ref(comparison.benchmark)
    b = comparison.benchmark
    verdict = VERDICT_WORDS[comparison.verdict or "none"]
    where = f" · {comparison.position}" if comparison.position else ""
    headline = {"better": tr("Better than the benchmark"), "worse": tr("Worse than the benchmark"),
                "in_line": tr("In line with the benchmark")}.get(comparison.verdict or "")
    subtitle = [headline + where if headline
                else f"{verdict}: {comparison.reason or ''}".rstrip(": "),
                f"{_comparison_line(comparison, currency)} [{number}]"]
    subtitle += [tr("Caveat: {caveat}", caveat=c) for c in comparison.caveats]
    if comparison.conversion_note:
        subtitle.append(tr("Your value: {note}", note=comparison.conversion_note))
    body, rows = _bullet_layer(item, comparison, theme, currency, theme.width - 32 - 8)
    title = f"{item.kpi.spec.label}: {format_value(comparison.user_value, item.kpi.spec.unit, currency)}" \
            f"{' ' + period_words(b.period) if period_words(b.period) else ''}"
    return finish_chart(body, rows, title, subtitle, sources.lines(as_of), theme)


_PERIOD_SUFFIX = re.compile(r"\s*\((monthly|annualised|annual)\)$")


def _row_label(text: str, width: int = 34) -> str:
    """Wrap a row label onto at most three lines (joined by ``\\n``; the axis splits them)."""
    lines = textwrap.wrap(text, width=width, break_on_hyphens=False) or [text]
    if len(lines) > 3:
        lines = lines[:2] + [" ".join(lines[2:])]
    return "\n".join(lines)


def _bullet_panel(item: KpiComparison, comps: Sequence[BenchmarkComparison], sources: Sources,
                  theme: Theme, currency: str, period: str, show_title: bool,
                  panel: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Rows of benchmarks of one period on one shared axis in the KPI's unit.

    Returns the panel spec and its rows (tagged ``panel``; each layer filters on it).
    """
    spec = item.kpi.spec
    better = spec.higher_is_better if spec.higher_is_better is not None else True
    unit_cur = "USD" if spec.unit == "currency" else currency
    text_w, label_w = 185, 200
    rows: list[dict[str, Any]] = []
    for c in comps:
        b = c.benchmark
        number = sources.ref(b)
        if b.low is not None and b.high is not None:
            lo, hi = b.low, b.high
        elif b.median is not None and b.low is None and b.high is None:
            lo, hi = in_line_band(b)
        else:
            lo = hi = None
        if b.median is not None:
            ref = b.median
        elif (b.low is None) != (b.high is None):  # one-sided threshold or target
            ref = b.low if b.low is not None else b.high
        else:
            ref = None
        verdict = c.verdict or "none"
        row = tooltip_values(item, c, currency)
        row.update({
            "panel": panel, "part": "row",
            "row": _row_label(f"[{number}] {b.label}"),
            "band_lo": lo, "band_hi": hi, "ref": ref, "user": c.user_value,
            "summary": f"{GLYPHS[verdict]} {verdict_lower(verdict)} · {short_figure(b, currency)}",
        })
        rows.append(row)
    data = chart_rows(rows, ["user"])
    labels = [r["row"] for r in data]
    lines = max(label.count("\n") + 1 for label in labels)
    row_h = max(theme.row_height, 13 * lines + 10)
    values = [v for r in data for v in (r.get("band_lo"), r.get("band_hi"), r.get("ref"), r["user"])
              if v is not None]
    dom = padded_domain(values, spec.unit)
    x_scale = {"domain": dom, "reverse": not better, "nice": True, "zero": False}
    kpi_label = spec.label if period == item.kpi.period else _PERIOD_SUFFIX.sub("", spec.label)
    x_axis = {"title": [f"{kpi_label}, {unit_words(spec.unit, unit_cur, period)}",
                        tr("← worse · better →")], "grid": True, "labelFlush": True, "tickCount": 6,
              "titlePadding": 8, **axis_format(spec.unit, unit_cur, dom)}
    y_scale = {"domain": labels, "paddingInner": 0.3}
    y = field_def("row", sort=labels, scale=y_scale, axis={
        "title": None, "ticks": False, "domain": False, "labelPadding": 8,
        "labelLimit": label_w - 8, "minExtent": label_w, "maxExtent": label_w,
        "labelExpr": "split(datum.label, '\\n')", "labelLineHeight": 13})
    users = [{"panel": panel, "part": "user", "user": v} for v in sorted({r["user"] for r in data})]
    here = field_is("panel", panel)
    row_part = [here, field_is("part", "row")]
    color, shape = verdict_scales(theme, VERDICT_ORDER)
    layers: list[dict[str, Any]] = []
    if any("band_lo" in r and "band_hi" in r for r in data):
        # clipped: a band never draws outside the plotting area
        layers.append(unit_view("bar", {
            "x": quant_def("band_lo", scale=x_scale, axis=x_axis), "x2": {"field": "band_hi"},
            "y": y, "tooltip": row_tooltip(),
        }, row_part + [fields_valid("band_lo", "band_hi")], color=theme.colors["band"], height=12,
            cornerRadius=2, clip=True))
    layers.append(unit_view("rule", {"x": quant_def("user", scale=x_scale, axis=x_axis)},
                            [here, field_is("part", "user")], color=theme.colors["muted"],
                            strokeDash=[3, 3], strokeWidth=1))
    layers.append(unit_view("point", {
        "x": quant_def("user", scale=x_scale, axis=x_axis), "y": y,
        "color": field_def("verdict", scale=color, legend=None),
        "shape": field_def("verdict", scale=shape, legend=None), "tooltip": row_tooltip(),
    }, row_part, filled=True, size=150, opacity=1, stroke="white", strokeWidth=1))
    if any("ref" in r for r in data):
        layers.append(unit_view("tick", {"x": quant_def("ref", scale=x_scale), "y": y,
                                         "tooltip": row_tooltip()},
                                row_part + [fields_valid("ref")], color=theme.colors["reference"],
                                thickness=2, size=18))
    plot_w = max(150, theme.width - 32 - label_w - 6 - text_w)
    plot = {"layer": layers, "width": plot_w, "height": row_h * len(data)}
    text = summary_column("row", labels, y_scale, theme, text_w, row_h * len(data), row_part)
    out: dict[str, Any] = {
        "hconcat": [plot, text], "spacing": 6,
        "resolve": {"scale": {"y": "shared", "color": "independent", "shape": "independent"}}}
    if show_title:
        user = data[0]["user"]
        heading = tr("{period}: you {value}", period=period_words(period).capitalize() or tr("No period"),
                     value=format_value(user, spec.unit, currency))
        note = next((c.conversion_note for c in comps if c.conversion_note), None)
        title: dict[str, Any] = {
            "text": heading, "anchor": "start", "frame": "bounds",
            "fontSize": theme.font_sizes["axis_title"] + 1, "color": theme.colors["text"],
            "subtitleColor": theme.colors["muted"], "subtitleFontSize": theme.font_sizes["axis_label"],
            "offset": 6}
        if note:
            title["subtitle"] = wrap_lines([note], theme, theme.font_sizes["axis_label"], indent="")
        out["title"] = title
    return out, data + users


def bullet_charts(item: KpiComparison, *, as_of: date | None = None,
                  currency: str = "USD") -> alt.VConcatChart:
    """Every benchmark of a KPI, one row each (sources that disagree are all shown).

    Rows are grouped by the benchmark's period (the user's value is converted to each period);
    each group shares one axis in the KPI's unit, reversed for lower-is-better KPIs so good is
    on the right. Each row is labelled with its source (numbered, full source, segment and
    status in the footer). Benchmarks the value cannot be placed against (another unit, no
    conversion) are listed in the footer with the reason.

    Raises
    ------
    ValueError
        When no benchmark can be drawn.
    """
    theme = load_theme()
    placed = [c for c in item.comparisons if c.user_value is not None]
    if not placed:
        raise ValueError(tr("{kpi}: no benchmark the value can be placed against", kpi=item.kpi.spec.label))
    spec = item.kpi.spec
    sources = Sources(currency)
    groups: dict[str, list[BenchmarkComparison]] = {}
    for c in placed:
        groups.setdefault(c.benchmark.period, []).append(c)
    order = sorted(groups, key=lambda p: (p != item.kpi.period, p))
    show_titles = len(groups) > 1 or order[0] != item.kpi.period
    panels: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for index, p in enumerate(order):
        panel, panel_rows = _bullet_panel(item, groups[p], sources, theme, currency, p,
                                          show_titles, index)
        panels.append(panel)
        rows.extend(panel_rows)
    body = {"vconcat": panels, "spacing": 28}
    not_placed = [tr("Not placed: {benchmark} ({reason})", benchmark=c.benchmark.label, reason=c.reason)
                  for c in item.comparisons if c.user_value is None]
    value_text = format_value(item.kpi.value, spec.unit, currency) if item.kpi.value is not None else tr("n/a")
    per = period_words(item.kpi.period)
    counts = {v: sum(1 for c in placed if c.verdict == v) for v in ("better", "in_line", "worse")}
    tally = ", ".join(f"{n} {verdict_lower(v)}" for v, n in counts.items() if n)
    title = f"{spec.label}: {value_text}{' ' + per if per else ''}"
    subtitle = [tr_n("Against {n} published figure", "Against {n} published figures", len(placed))
                + (f" ({tally})" if tally else "")
                + tr(". Grey bar = range (a single figure: its in-line band), black tick = median or "
                     "threshold, dashed line = you; good is on the right.")]
    return finish_chart(body, rows, title, subtitle, sources.lines(as_of, not_placed), theme)

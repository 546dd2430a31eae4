"""The MRR bridge: a waterfall from MRR at start through the movements to MRR at end.

Source: your inputs only (new, expansion, contraction and churned MRR); a movement not given is
taken as 0 and named in the footer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt

from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.charts.labels import as_of_text
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import (axis_format, chart_rows, field_def, finish_chart, quant_def,
                                     tooltip_defs, unit_view)
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr

__all__ = ["mrr_bridge_chart"]


def mrr_bridge_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """Waterfall from MRR at start through new, expansion, contraction and churned MRR to the end.

    Returns ``None`` when the MRR inputs are not given (MRR at end is not computable).
    """
    snapshot = report.snapshot
    try:
        end_item = report.get("mrr_end")
    except KeyError:
        return None
    if end_item.kpi.value is None or snapshot.get("mrr_start") is None:
        return None
    theme = load_theme()
    currency = snapshot.context.currency
    start = float(snapshot.get("mrr_start") or 0.0)
    moves = [(tr(mark("New")), "mrr_new", 1), (tr(mark("Expansion")), "mrr_expansion", 1),
             (tr(mark("Contraction")), "mrr_contraction", -1), (tr(mark("Churned")), "mrr_churned", -1)]
    ends, increase, decrease = tr("Start / end"), tr("Increase"), tr("Decrease")
    missing = [name for name, field, _ in moves if snapshot.get(field) is None]
    end = float(end_item.kpi.value)
    # one money format on the chart: whole amounts once any reaches 100 ("+$0", not "+$0.00")
    amounts = [start, end] + [float(snapshot.get(field) or 0.0) for _, field, _ in moves]
    digits = 0 if max(abs(a) for a in amounts) >= 100 else None
    rows: list[dict[str, Any]] = [{"step": tr("Start"), "y0": 0.0, "y1": start, "kind": ends,
                                   "label": format_value(start, "currency", currency, digits=digits)}]
    level = start
    for name, field, sign in moves:
        amount = float(snapshot.get(field) or 0.0)
        new_level = level + sign * amount
        sign_text = "" if amount == 0 else ("+" if sign > 0 else "−")  # no sign on nothing
        text = sign_text + format_value(amount, "currency", currency, digits=digits)
        rows.append({"step": name, "y0": level, "y1": new_level,
                     "kind": increase if sign > 0 else decrease, "label": text})
        level = new_level
    rows.append({"step": tr("End"), "y0": 0.0, "y1": end, "kind": ends,
                 "label": format_value(end, "currency", currency, digits=digits)})
    levels = [start, end] + [r["y1"] for r in rows]
    lo, hi = min(levels), max(levels)
    truncated = hi > 0 and (hi - lo) < 0.3 * hi and lo > 0
    if truncated:
        floor = max(0.0, lo - (hi - lo) * 1.2)
        for r in rows:
            if r["kind"] == ends:
                r["y0"] = floor
        domain = [floor, hi + (hi - lo) * 0.25]
    else:
        domain = [min(0.0, lo), hi * 1.12 if hi > 0 else 1.0]
    for r in rows:
        r["top"] = max(r["y0"], r["y1"])
    data = chart_rows(rows, ["y0", "y1", "top"])
    order = [r["step"] for r in rows]
    color = {"domain": [ends, increase, decrease],
             "range": [theme.colors["total"], theme.colors["increase"], theme.colors["decrease"]]}
    y_scale = {"domain": domain, "nice": False, "zero": False}
    y_axis = {"title": f"MRR ({currency})", **axis_format("currency", currency, domain),
              "tickCount": 6}
    # step names flat while each step has about 76 px, slanted in a narrow column (a phone)
    slanted = f"width / {len(order)} < 76"
    x = field_def("step", sort=order, axis={
        "title": None, "labelFontSize": theme.font_sizes["axis_label"] + 1,
        "labelAngle": {"expr": f"{slanted} ? -35 : 0"},
        "labelAlign": {"expr": f"{slanted} ? 'right' : 'center'"},
        "labelBaseline": {"expr": f"{slanted} ? 'middle' : 'top'"}})
    tooltip = tooltip_defs(("step", tr("Step")), ("label", tr("Amount")))
    bars = unit_view("bar", {
        "x": x, "y": quant_def("y0", scale=y_scale, axis=y_axis), "y2": {"field": "y1"},
        "color": field_def("kind", scale=color, title=None), "tooltip": tooltip,
    }, size={"expr": f"min(56, width / {len(order)} * 0.7)"})
    labels = unit_view("text", {"x": x, "y": quant_def("top", scale=y_scale), "text": field_def("label")},
                       baseline="bottom", dy=-4, fontWeight="bold")
    body = {"layer": [bars, labels], "width": theme.width - 110, "height": 300}
    change = (end - start) / start if start else None
    period = snapshot.context.period
    over = {"month": tr("over the month"), "quarter": tr("over the quarter"),
            "year": tr("over the year")}.get(period, f"over the {period}") \
        + (f" {snapshot.label}" if snapshot.label else "")
    change_text = f" ({'+' if change >= 0 else '−'}{format_value(abs(change), 'fraction')})" \
        if change is not None else ""
    subtitle = [tr("{start} at start → {end} at end{change} {over}.",
                   start=format_value(start, 'currency', currency), end=format_value(end, 'currency', currency),
                   change=change_text, over=over)]
    if truncated:
        subtitle.append(tr("The axis starts at {amount}, not zero, so the movements are visible.",
                           amount=format_value(domain[0], 'currency', currency)))
    extra = [tr("Not given, taken as 0: {movements}.", movements=", ".join(missing))] if missing else []
    return finish_chart(body, data, tr("MRR bridge"), subtitle,
                        [tr("Source: your inputs.")] + extra + [as_of_text(as_of)], theme)

"""Parts shared by the charts with one row per benchmark (the overview and the bullet charts).

The tooltip of a row (KPI, verdict, your value, the benchmark, where you stand against it (the
percentile or the gap), its source, year, segment, period, status, any conversion and caveat) and the column of verdict-coloured summaries right of the
rows (▲ better in the "better" colour, ▼ worse in the "worse" colour, others in the text colour).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from funnel_core.benchmarks.age import year_text
from funnel_core.benchmarks.compare import BenchmarkComparison, KpiComparison
from funnel_core.charts.labels import VERDICT_ORDER, VERDICT_WORDS, benchmark_figure_text, period_words
from funnel_core.charts.theme import Theme
from funnel_core.charts.vega import field_def, tooltip_defs, unit_view
from funnel_core.domain.constants import STATUS_LABELS
from funnel_core.domain.formatting import format_value

__all__ = ["ROW_TOOLTIP", "summary_column", "tooltip_values"]

#: The tooltip of a KPI-against-benchmark row (fields filled by :func:`tooltip_values`).
ROW_TOOLTIP = tooltip_defs(
    ("kpi", "KPI"), ("verdict", "Verdict"), ("user_value", "Your value"),
    ("benchmark", "Benchmark"), ("position", "Where you stand"), ("source", "Source"),
    ("year", "Year"), ("segment", "Segment"), ("period", "Period"), ("status", "Status"),
    ("note", "Conversion"), ("caveat", "Caveat"),
)


def tooltip_values(item: KpiComparison, c: BenchmarkComparison, currency: str) -> dict[str, Any]:
    """The row fields of :data:`ROW_TOOLTIP` for one comparison (all text; "n/a" when no value)."""
    b = c.benchmark
    spec = item.kpi.spec
    per = period_words(b.period)
    user = format_value(c.user_value, spec.unit, currency) if c.user_value is not None else "n/a"
    return {
        "kpi": spec.label,
        "verdict": VERDICT_WORDS[c.verdict or "none"],
        "user_value": user + (f" {per}" if per else ""),
        "benchmark": benchmark_figure_text(b, currency) + (f" {per}" if per else ""),
        "source": b.source,
        "year": year_text(b) or "not given",
        "segment": b.segment,
        "period": per or "no period",
        "status": f"{b.status}: {STATUS_LABELS.get(b.status, b.status)}",
        "note": c.conversion_note or "",
        "position": c.position or c.reason or "",
        "caveat": "; ".join(c.caveats),
    }


def summary_column(y_field: str, labels: Sequence[str], y_scale: Mapping[str, Any], theme: Theme,
                   width: int, height: float, where: Sequence[str] = ()) -> dict[str, Any]:
    """The column of verdict-coloured summaries right of a row chart."""
    view = unit_view("text", {
        "y": field_def(y_field, sort=list(labels), scale=y_scale, axis=None),
        "x": {"value": 0}, "text": field_def("summary"), "tooltip": ROW_TOOLTIP,
        "color": field_def("verdict", scale=_text_colors(theme), legend=None),
    }, where, align="left", baseline="middle", dx=4, limit=width - 4)
    view.update(width=width, height=height)
    return view


def _text_colors(theme: Theme) -> dict[str, Any]:
    """Verdict colours for text: the verdict hue for better/worse, dark grey otherwise."""
    domain = [VERDICT_WORDS[v] for v in VERDICT_ORDER]
    return {"domain": domain, "range": [theme.colors["better"], theme.colors["text"],
                                        theme.colors["worse"], theme.colors["text"]]}

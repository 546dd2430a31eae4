"""Parts shared by the charts with one row per benchmark (the overview and the bullet charts).

The tooltip of a row (KPI, verdict, your value, the benchmark, where you stand against it (the
percentile or the gap), its source, year, segment, period, status, any conversion and caveat) and the column of verdict-coloured summaries right of the
rows (▲ better in the "better" colour, ▼ worse in the "worse" colour, others in the text colour).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from funnel_core.benchmarks.age import year_text
from funnel_core.benchmarks.compare import BenchmarkComparison, KpiComparison
from funnel_core.charts.labels import (STATUS_WORDS, VERDICT_ORDER, VERDICT_WORDS, benchmark_figure_text,
                                       period_words)
from funnel_core.charts.theme import Theme
from funnel_core.charts.vega import field_def, tooltip_defs, unit_view
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr

__all__ = ["ROW_TOOLTIP", "row_tooltip", "summary_column", "tooltip_values"]

_ROW_TOOLTIP_FIELDS = (
    ("kpi", mark("KPI")), ("verdict", mark("Verdict")), ("user_value", mark("Your value")),
    ("benchmark", mark("Benchmark")), ("position", mark("Where you stand")), ("source", mark("Source")),
    ("year", mark("Year")), ("segment", mark("Segment")), ("period", mark("Period")),
    ("status", mark("Status")), ("note", mark("Conversion")), ("caveat", mark("Caveat")),
)
#: The tooltip of a KPI-against-benchmark row, in English (fields filled by
#: :func:`tooltip_values`); :func:`row_tooltip` gives it in the current language.
ROW_TOOLTIP = tooltip_defs(*_ROW_TOOLTIP_FIELDS)


def row_tooltip() -> list[dict[str, Any]]:
    """:data:`ROW_TOOLTIP` with its titles in the current language."""
    return tooltip_defs(*((name, tr(title)) for name, title in _ROW_TOOLTIP_FIELDS))


def tooltip_values(item: KpiComparison, c: BenchmarkComparison, currency: str) -> dict[str, Any]:
    """The row fields of :data:`ROW_TOOLTIP` for one comparison (all text; "n/a" when no value)."""
    b = c.benchmark
    spec = item.kpi.spec
    per = period_words(b.period)
    user = format_value(c.user_value, spec.unit, currency) if c.user_value is not None else tr("n/a")
    return {
        "kpi": spec.label,
        "verdict": VERDICT_WORDS[c.verdict or "none"],
        "user_value": user + (f" {per}" if per else ""),
        "benchmark": benchmark_figure_text(b, currency) + (f" {per}" if per else ""),
        "source": b.source,
        "year": year_text(b) or tr("not given"),
        "segment": b.segment,
        "period": per or tr("no period"),
        "status": f"{b.status}: {STATUS_WORDS.get(b.status, b.status)}",
        "note": c.conversion_note or "",
        "position": c.position or c.reason or "",
        "caveat": "; ".join(c.caveats),
    }


def summary_column(y_field: str, labels: Sequence[str], y_scale: Mapping[str, Any], theme: Theme,
                   width: int, height: float, where: Sequence[str] = ()) -> dict[str, Any]:
    """The column of verdict-coloured summaries right of a row chart."""
    view = unit_view("text", {
        "y": field_def(y_field, sort=list(labels), scale=y_scale, axis=None),
        "x": {"value": 0}, "text": field_def("summary"), "tooltip": row_tooltip(),
        "color": field_def("verdict", scale=_text_colors(theme), legend=None),
    }, where, align="left", baseline="middle", dx=4, limit=width - 4)
    view.update(width=width, height=height)
    return view


def _text_colors(theme: Theme) -> dict[str, Any]:
    """Verdict colours for text: the verdict hue for better/worse, dark grey otherwise."""
    domain = [VERDICT_WORDS[v] for v in VERDICT_ORDER]
    return {"domain": domain, "range": [theme.colors["better"], theme.colors["text"],
                                        theme.colors["worse"], theme.colors["text"]]}

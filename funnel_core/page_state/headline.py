"""The top of the results page: verdict counts, warnings, KPIs not computed and metric cards.

Everything here reads a :class:`~funnel_core.benchmarks.compare.ComparisonReport`; values that
depend on the period length always say their period (``"Net revenue retention, per month"``),
with the other period beside them where the comparison converted them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from funnel_core.benchmarks.compare import ComparisonReport, KpiComparison, primary_comparison
from funnel_core.domain.formatting import format_value, localised_number
from funnel_core.domain.i18n import current_language, mark, tr
from funnel_core.domain.periods import ConversionError, convert_retention
from funnel_core.page_state.comparison_tables import measured_text, period_text

__all__ = [
    "REVENUE_KPIS", "MetricCard", "all_warnings", "converted_lines", "count_text", "headline",
    "not_computable", "revenue_cards",
]

#: The KPIs of the Revenue (MRR) tab, in order.
REVENUE_KPIS: tuple[str, ...] = ("mrr_end", "arr", "arpa", "net_revenue_retention",
                                 "gross_revenue_retention", "quick_ratio")


# --------------------------------------------------------------------------------------
# counts and lists
# --------------------------------------------------------------------------------------

def headline(report: ComparisonReport) -> dict[str, Any]:
    """Counts for the headline.

    ``kpi_*``: KPI-level verdicts, each KPI once against its main benchmark
    (:attr:`KpiComparison.verdict`), with ``kpis_judged`` = better + in line + worse and
    ``kpi_not_comparable`` the KPIs whose matching figures use another definition. ``better``,
    ``in_line``, ``worse`` and ``comparisons``: every counted comparison beneath them (each
    publication once per KPI, its newest edition).
    """
    kpis = report.verdict_counts()
    rows = report.comparison_counts()
    computed = report.computed()
    return {
        "better": rows["better"], "in_line": rows["in_line"], "worse": rows["worse"],
        "comparisons": sum(rows.values()),
        "computed": len(computed), "total": len(report.kpis),
        "kpis_judged": kpis["better"] + kpis["in_line"] + kpis["worse"],
        "kpi_better": kpis["better"], "kpi_in_line": kpis["in_line"], "kpi_worse": kpis["worse"],
        "kpi_not_comparable": kpis["not_comparable"],
    }


def count_text(value: float) -> str:
    """A count of people for sentences: one decimal below 10 (``7.5``), whole above (``56``)."""
    if current_language() != "en":
        return localised_number(value, 1 if abs(value) < 10 else 0)
    return f"{value:,.1f}" if abs(value) < 10 else f"{value:,.0f}"


def all_warnings(report: ComparisonReport) -> list[str]:
    """Implausible-input warnings of the snapshot, then those of single KPIs, without repeats."""
    out = list(report.warnings)
    for item in report.kpis:
        out += [w for w in item.kpi.warnings if w not in out]
    return out


def not_computable(report: ComparisonReport) -> list[tuple[str, str]]:
    """``(KPI label, reason)`` for every KPI that could not be computed."""
    return [(tr(k.kpi.spec.label), k.kpi.reason or tr("not computable")) for k in report.kpis
            if not k.kpi.computable]


# --------------------------------------------------------------------------------------
# metric cards with their period
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MetricCard:
    """One ``st.metric`` card: the label says the period, ``note`` the other period."""

    kpi_id: str
    label: str
    value: str
    note: str | None
    help: str


_MRR_AT_END: dict[str, str] = {"month": mark("MRR at end of month"), "quarter": mark("MRR at end of quarter"),
                               "year": mark("MRR at end of year")}


def _card_label(kpi_id: str, item: KpiComparison, period: str) -> tuple[str, str | None]:
    """(label, note) of a revenue card: the label says the period, a retention note the other."""
    kpi = item.kpi
    fixed = {"mrr_end": tr(_MRR_AT_END[period]) if period in _MRR_AT_END else f"MRR at end of {period}",
             "arr": tr("ARR, per year (MRR × 12)"),
             "arpa": tr("ARPA, per month"), "quick_ratio": tr("Quick ratio (any period)")}
    if kpi_id in fixed:
        return fixed[kpi_id], None
    label = f"{tr(kpi.spec.label)}, {period_text(kpi.period)}"
    other = "month" if kpi.period == "year" else "year"
    try:
        converted = convert_retention(float(kpi.value), kpi.period, other)
    except ConversionError:
        return label, None
    return label, tr("{value} {period}, compounded", value=format_value(converted, "fraction"),
                     period=period_text(other))


def revenue_cards(report: ComparisonReport) -> list[MetricCard]:
    """The computable revenue KPIs as metric cards, every one saying its period.

    Retention is shown in the snapshot's period with the other period beside it
    (``"Net revenue retention, per month"`` 99.8 %, note ``"98.0 % per year, compounded"``),
    the same figures the overview places against yearly benchmarks.
    """
    currency = report.snapshot.context.currency
    period = report.snapshot.context.period
    cards = []
    for kpi_id in REVENUE_KPIS:
        try:
            item = report.get(kpi_id)
        except KeyError:
            continue
        kpi = item.kpi
        if not kpi.computable:
            continue
        label, note = _card_label(kpi_id, item, period)
        cards.append(MetricCard(
            kpi_id, label, format_value(kpi.value, kpi.spec.unit, currency), note,
            f"{tr(kpi.spec.label)}: {tr(kpi.spec.formula)} ({measured_text(kpi.period)})."))
    return cards


def converted_lines(report: ComparisonReport) -> list[str]:
    """Your values that the comparison put in another period, both ways, for the overview.

    ``"Net revenue retention: 99.8 % per month = 98.0 % per year, compounded"``
    """
    currency = report.snapshot.context.currency
    lines = []
    for item in report.computed():
        primary = primary_comparison(item)
        if primary is None or primary.user_value is None:
            continue
        if not (primary.conversion_note or "").startswith("converted"):
            continue
        kpi = item.kpi
        unit = kpi.spec.unit
        lines.append(tr("{kpi}: {value} {period} = {other_value} {other_period}, compounded",
                        kpi=tr(kpi.spec.label), value=format_value(kpi.value, unit, currency),
                        period=period_text(kpi.period), other_value=format_value(primary.user_value, unit, currency),
                        other_period=period_text(primary.benchmark.period)))
    return lines

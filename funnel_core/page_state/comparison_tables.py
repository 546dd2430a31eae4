"""The comparison in words and tables: one row per KPI and benchmark, and the per-KPI detail.

Turns a :class:`~funnel_core.benchmarks.compare.ComparisonReport` into what the results page
displays: verdicts with their symbol, published figures with their period, source and
verification status, and for one KPI the formula with the user's numbers and every benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from funnel_core.domain.constants import PER_PERIOD
from funnel_core.benchmarks.age import source_with_year
from funnel_core.benchmarks.catalogue import Benchmark, no_benchmark_text
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison, primary_comparison
from funnel_core.domain.constants import DEFAULT_CURRENCY, NO_PERIOD, STATISTICS, STATUS_LABELS, VERDICT_LABELS
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr
from funnel_core.exports.sanitize import is_web_link

__all__ = [
    "EDITION_MARK", "KPI_TABLE_COLUMNS", "MAIN_MARK", "VERDICT_SYMBOLS", "BenchmarkLine", "KpiDetail",
    "benchmark_figure", "comparison_note", "direction_text", "kpi_detail", "kpi_table", "main_mark",
    "measured_text", "no_benchmark_text", "period_text", "primary_for", "source_text", "status_text",
    "verdict_text",
]

VERDICT_SYMBOLS: dict[str, str] = {"better": "▲", "in_line": "●", "worse": "▼", "not_comparable": "○"}

KPI_TABLE_COLUMNS = (
    "KPI", "Your value", "Verdict", "Benchmark", "Segment", "Source", "Status", "Link",
    "Your value in its period", "Statistic", "Main", "Where you stand", "Note", "kpi_id",
)

#: The "Main" column: the KPI's main benchmark (its verdict is the KPI's), an older edition of a
#: publication counted through a newer one, or any other matching figure.
MAIN_MARK, EDITION_MARK = mark("★ main"), mark("older edition")

_SHORT_STATUS: dict[str, str] = {"V": mark("verified"), "S": mark("seen quoted"), "U": mark("source not verified")}
_CAVEATS: dict[str, str] = {"approximate": mark(" · ⚠ similar definition"),
                            "doubtful": mark(" · ⚠ probably measures something else")}
_MEASURED: dict[str, str] = {"month": mark("measured per month"), "quarter": mark("measured per quarter"),
                             "year": mark("measured per year")}


# --------------------------------------------------------------------------------------
# single values in words
# --------------------------------------------------------------------------------------

def verdict_text(verdict: str | None) -> str:
    """``"▲ Better"``, ``"● In line"``, ``"▼ Worse"``, ``"○ Not comparable"`` or ``"– no verdict"``."""
    if verdict is None:
        return tr("– no verdict")
    return f"{VERDICT_SYMBOLS[verdict]} {tr(VERDICT_LABELS[verdict])}"


def status_text(status: str, comparability: str = "direct") -> str:
    """``"V · verified"``, ``"S · seen quoted"``, ``"U · source not verified"``, with
    ``" · ⚠ similar definition"`` / ``" · ⚠ probably measures something else"`` when the figure's
    definition is not the KPI's own (catalogue column ``comparability``)."""
    caveat = tr(_CAVEATS[comparability]) if comparability in _CAVEATS else ""
    return f"{status} · {tr(_SHORT_STATUS.get(status, STATUS_LABELS.get(status, status)))}{caveat}"


def period_text(period: str) -> str:
    """``"per month"``; ``"no period"`` for figures that do not depend on the period length."""
    if period == NO_PERIOD:
        return tr("no period")
    return PER_PERIOD[period] if period in PER_PERIOD else f"per {period}"


def measured_text(period: str) -> str:
    """How a KPI value is measured, for sentences."""
    if period == NO_PERIOD:
        return tr("the same whatever the period length")
    return tr(_MEASURED[period]) if period in _MEASURED else f"measured per {period}"


def direction_text(higher_is_better: bool | None) -> str:
    """``"higher is better"``, ``"lower is better"`` or, for a size figure, that neither is."""
    if higher_is_better is True:
        return tr("higher is better")
    if higher_is_better is False:
        return tr("lower is better")
    return tr("a size figure: no better or worse side")


def benchmark_figure(b: Benchmark, currency: str = DEFAULT_CURRENCY) -> str:
    """The published figure in words: ``"P25 1.0 % · P50 4.0 % · P75 12.0 %"``, ``"at least 3.00x"``."""
    cur = "USD" if b.unit == "currency" else currency

    def f(x: float | None) -> str:
        return format_value(x, b.unit, cur)

    s = b.statistic
    if s == "quartiles":
        return tr("P25 {low} · median {median} · P75 {high}", low=f(b.low), median=f(b.median), high=f(b.high))
    if s == "good_great":
        return tr("good {good} · great {great}", good=f(b.low), great=f(b.high))
    strict = b.bound == "strict"
    if s == "concern" and (b.low is None) != (b.high is None):
        if b.high is not None:
            return (tr("a concern from {value}", value=f(b.high)) if strict
                    else tr("a concern above {value}", value=f(b.high)))
        return (tr("a concern from {value}", value=f(b.low)) if strict
                else tr("a concern below {value}", value=f(b.low)))
    if s == "threshold":
        if b.low is not None:
            return tr("more than {value}", value=f(b.low)) if strict else tr("at least {value}", value=f(b.low))
        return tr("under {value}", value=f(b.high)) if strict else tr("at most {value}", value=f(b.high))
    parts = []
    if b.low is not None and b.high is not None:
        parts.append(f"{f(b.low)} – {f(b.high)}")
    elif b.low is not None:
        parts.append(tr("at least {value}", value=f(b.low)))
    elif b.high is not None:
        parts.append(tr("at most {value}", value=f(b.high)))
    if b.median is not None:
        word = {"median": mark("median {value}"), "average": mark("average {value}"),
                "target": mark("target {value}")}.get(s)
        parts.insert(0, tr(word, value=f(b.median)) if word else f(b.median).strip())
    return " · ".join(parts)


def source_text(b: Benchmark) -> str:
    """``"HubSpot sales survey (2023)"``; a user's own row says which file it came from."""
    text = source_with_year(b.source or (tr("Your targets") if b.origin != "published" else ""), b)
    if b.origin != "published":
        text += tr(" · your file {name}", name=b.origin)
    return text


def primary_for(item: KpiComparison) -> BenchmarkComparison | None:
    """Re-export of :func:`compare.primary_comparison` for the pages."""
    return primary_comparison(item)


def comparison_note(item: KpiComparison, comp: BenchmarkComparison) -> str:
    """What to keep in mind about one comparison: the KPI's caveats on its main benchmark, the
    comparison's own caveats or why it has no verdict, and which row counts for an older edition."""
    parts: list[str] = []
    if comp is item.main_comparison and item.verdict_note:
        parts.append(item.verdict_note)
    else:
        if comp.reason and comp.user_value is not None:
            parts.append(comp.reason)
        parts += [c for c in comp.caveats if c not in parts]
    if comp.superseded_by:
        newer = next((c.benchmark for c in item.comparisons if c.benchmark.id == comp.superseded_by), None)
        parts.append(tr("same publication counted once, through {newer}",
                        newer=newer.label if newer is not None else comp.superseded_by))
    return "; ".join(parts)


def main_mark(item: KpiComparison, comp: BenchmarkComparison) -> str:
    """:data:`MAIN_MARK` for the KPI's main benchmark, :data:`EDITION_MARK` for an older edition."""
    if comp is item.main_comparison:
        return tr(MAIN_MARK)
    return tr(EDITION_MARK) if comp.superseded_by else ""


# --------------------------------------------------------------------------------------
# the KPI table
# --------------------------------------------------------------------------------------

def _comparison_row(item: KpiComparison, comp: BenchmarkComparison, currency: str) -> dict[str, Any]:
    """The benchmark columns of one KPI table row: figure with period, verdict, source..."""
    b = comp.benchmark
    converted = ""
    if comp.user_value is not None and (comp.conversion_note or "").startswith("converted"):
        converted = format_value(comp.user_value, b.unit, currency) + f" {period_text(b.period)}"
    figure = benchmark_figure(b, currency)
    if b.period != NO_PERIOD:
        figure += f" {period_text(b.period)}"
    return {"Verdict": verdict_text(comp.verdict), "Benchmark": figure,
            "Segment": b.segment or tr("any"), "Source": source_text(b),
            "Status": status_text(b.status, b.comparability), "Link": b.url if is_web_link(b.url) else None,
            "Your value in its period": converted,
            "Statistic": tr(STATISTICS.get(b.statistic, b.statistic)).split(" (")[0],
            "Main": main_mark(item, comp), "Where you stand": comp.position or "",
            "Note": comparison_note(item, comp)}


def kpi_table(report: ComparisonReport) -> pd.DataFrame:
    """One row per computed KPI and matching benchmark (KPIs without a benchmark get one row).

    ``Benchmark`` is the published figure with its period (``"at most 3.0 % per month"``). The
    KPI's main benchmark comes first (``Main`` = ★ main; its verdict is the KPI's), then the
    other figures in catalogue order; ``Where you stand`` is the percentile or the gap, ``Note``
    the caveats.
    """
    currency = report.snapshot.context.currency
    rows = []
    for item in report.computed():
        kpi = item.kpi
        value = format_value(kpi.value, kpi.spec.unit, currency)
        if kpi.period != NO_PERIOD and kpi.spec.unit == "fraction":
            value += f" {period_text(kpi.period)}"
        base = {"KPI": tr(kpi.spec.label), "Your value": value, "kpi_id": kpi.id}
        if not item.comparisons:
            rows.append({**base, "Verdict": tr("– no benchmark"), "Benchmark": no_benchmark_text(kpi.id),
                         "Segment": "",
                         "Source": "", "Status": "", "Link": None, "Your value in its period": "",
                         "Statistic": "", "Main": "", "Where you stand": "", "Note": ""})
            continue
        main = item.main_comparison
        ordered = sorted(item.comparisons, key=lambda c: c is not main)
        for comp in ordered:
            row = {**base, **_comparison_row(item, comp, currency)}
            if comp is main and item.verdict is not None:
                row["Verdict"] = verdict_text(item.verdict)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(KPI_TABLE_COLUMNS))


# --------------------------------------------------------------------------------------
# how one KPI was computed
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BenchmarkLine:
    """One benchmark of a KPI, in words, for the "how it was computed" view."""

    label: str
    figure: str
    verdict: str
    user_value: str
    note: str
    source: str
    status: str
    url: str
    segment: str = "any"


@dataclass(frozen=True)
class KpiDetail:
    """Everything the "how it was computed" view shows for one KPI."""

    id: str
    label: str
    value: str
    description: str
    formula: str
    calculation: str
    period: str
    higher_is_better: bool | None
    warnings: tuple[str, ...]
    benchmarks: tuple[BenchmarkLine, ...]


def kpi_detail(item: KpiComparison, currency: str = DEFAULT_CURRENCY) -> KpiDetail:
    """The formula with the user's numbers, conversion notes and every benchmark in words."""
    kpi = item.kpi
    lines = []
    for comp in item.comparisons:
        b = comp.benchmark
        note = "; ".join(x for x in (main_mark(item, comp), comp.position,
                                     comp.conversion_note or comp.reason,
                                     comparison_note(item, comp)) if x)
        lines.append(BenchmarkLine(
            label=b.label,
            figure=benchmark_figure(b, currency) + ("" if b.period == NO_PERIOD else f" {period_text(b.period)}"),
            verdict=verdict_text(comp.verdict),
            user_value=format_value(comp.user_value, b.unit, currency) if comp.user_value is not None else tr("n/a"),
            note=note, source=source_with_year(b.source, b),
            status=status_text(b.status, b.comparability), url=b.url if is_web_link(b.url) else "",
            segment=b.segment or tr("any")))
    return KpiDetail(
        id=kpi.id, label=tr(kpi.spec.label),
        value=format_value(kpi.value, kpi.spec.unit, currency) if kpi.computable else tr("not computable"),
        description=kpi.spec.description, formula=kpi.spec.formula,
        calculation=kpi.calculation or (kpi.reason or ""), period=period_text(kpi.period),
        higher_is_better=kpi.spec.higher_is_better, warnings=tuple(kpi.warnings),
        benchmarks=tuple(lines),
    )

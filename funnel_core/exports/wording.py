"""A comparison in words, shared by the HTML and PDF reports and the workbook.

The context of a snapshot, a benchmark's published figure, the gap to it and one
plain-English sentence per KPI (e.g. ``Gross MRR churn is 26.6 % per year against a target
of 3.0 % per year (Bessemer, 2017): 23.6 percentage points worse.``).
"""

from __future__ import annotations

from funnel_core.benchmarks.age import year_suffix
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison
from funnel_core.benchmarks.percentile import short_position
from funnel_core.domain.constants import (
    ACV_BANDS,
    ARR_BANDS,
    FUNDING,
    MOTIONS,
    PERIOD_LABELS,
    PRODUCT_CATEGORIES,
    SEGMENT_FIELDS,
    TRIAL_TYPES,
    VERDICT_LABELS,
)
from funnel_core.domain.formatting import format_value
from funnel_core.exports.sanitize import finite

__all__ = ["benchmark_figure_text", "context_items", "gap_sentence", "gap_text", "source_short"]

def context_items(report: ComparisonReport) -> list[tuple[str, str, str]]:
    """(key, label, human value) of the snapshot's context, "Not said" for open selectors."""
    ctx = report.snapshot.context
    options = {"trial_type": TRIAL_TYPES, "motion": MOTIONS, "acv_band": ACV_BANDS,
               "product_category": PRODUCT_CATEGORIES, "arr_band": ARR_BANDS, "funding": FUNDING}
    labels = {"period": "Period", "trial_type": "Trial model", "motion": "Sales motion",
              "acv_band": "Contract size (ACV)", "product_category": "Product category",
              "currency": "Currency", "arr_band": "Company size (ARR)", "funding": "Funding"}
    items = []
    for key in ("period", *SEGMENT_FIELDS, "currency"):  # currency last, as the report reads it
        value = getattr(ctx, key)
        if key == "period":
            text = PERIOD_LABELS.get(value, value)
        elif key == "currency":
            text = value
        else:
            text = options[key].get(value, value) if value else "Not said (all segments)"
        items.append((key, labels[key], text))
    return items


def benchmark_figure_text(comp: BenchmarkComparison) -> str:
    """The published figure(s) in words, e.g. ``median 5.0 % per month`` or ``2.0-4.0x``."""
    b = comp.benchmark
    unit = b.unit

    def fmt(x: float | None) -> str:
        return format_value(x, unit, "USD")

    if b.statistic == "quartiles" and None not in (b.low, b.median, b.high):
        text = f"P25 {fmt(b.low)} / median {fmt(b.median)} / P75 {fmt(b.high)}"
    elif b.statistic == "good_great" and b.low is not None and b.high is not None:
        text = f"good {fmt(b.low)} / great {fmt(b.high)}"
    elif b.low is not None and b.high is not None:
        text = f"{fmt(b.low)} to {fmt(b.high)}"
        if b.median is not None:
            text += f" (median {fmt(b.median)})"
    elif b.median is not None:
        word = {"median": "median", "average": "average", "target": "target",
                "threshold": "threshold"}.get(b.statistic, b.statistic)
        text = f"{word} {fmt(b.median)}"
    elif b.low is not None:
        text = f"at least {fmt(b.low)}"
    elif b.high is not None:
        text = f"at most {fmt(b.high)}"
    else:  # pragma: no cover - the catalogue refuses rows without a figure
        text = "n/a"
    if b.period and b.period != "none":
        text += f" per {b.period}"
    return text


def gap_text(comp: BenchmarkComparison, currency: str = "USD") -> str:
    """The gap to the reference in words (``+2.3 pp``, ``-0.33x``, ``+1.5 months``)."""
    gap = finite(comp.gap)
    if gap is None:
        return ""
    unit = comp.benchmark.unit
    if unit == "fraction":
        return f"{gap * 100:+.1f} pp"
    if unit == "ratio":
        return f"{gap:+.2f}x"
    if unit == "months":
        return f"{gap:+.1f} months"
    if unit == "points":
        return f"{gap:+.0f} points"
    if unit == "currency":
        sign = "+" if gap >= 0 else "-"
        return sign + format_value(abs(gap), unit, currency)
    return f"{gap:+.2f}"


def source_short(comp: BenchmarkComparison) -> str:
    """``Source (year)`` of a comparison's benchmark, ``(dated)`` past five years."""
    b = comp.benchmark
    suffix = year_suffix(b.source, b)
    return f"{b.source} ({suffix})" if suffix else b.source


def gap_sentence(item: KpiComparison, comp: BenchmarkComparison, currency: str, *,
                 cite: bool = True, weak: str | None = None) -> str:
    """One plain-English line about a KPI's gap to its main benchmark.

    Example: ``Gross MRR churn is 26.6 % per year against a target of 3.0 % per year
    (Bessemer, 2017): 23.6 percentage points worse.``

    With ``cite=False`` the source's name is left out (the caller adds a numbered reference);
    an unverified source is still said to be one: ``... (source not verified): worse.``, and a
    figure that is all there is but weak says so (``weak``: "based on an unverified figure").
    Where the source publishes a spread, the percentile follows the verdict (``... : worse,
    below the 25th percentile of Aleph x Benchmarkit (FY2025).``); a single month compounded to
    a year says it is noisy.
    """
    b = comp.benchmark
    unit = b.unit
    period = f" per {b.period}" if b.period not in (None, "", "none") else ""
    value = format_value(comp.user_value, unit, currency) + period
    reference = format_value(comp.reference, unit, "USD") if comp.reference is not None else "n/a"
    gap = finite(comp.gap) or 0.0
    if b.median is not None:
        what = {"average": "the average", "target": "the target",
                "threshold": "the threshold"}.get(b.statistic, "the median")
        what = f"{what} of {reference}{period}"
    elif b.low is not None and b.high is not None:
        kind = {"good_great": "good-to-great", "target": "target"}.get(b.statistic, "typical")
        what = (f"the {kind} range ({format_value(b.low, unit, 'USD')} to "
                f"{format_value(b.high, unit, 'USD')}{period})")
    else:
        kind = "target" if b.statistic == "target" else "threshold"
        what = f"the {kind} of {reference}{period}"
    if unit == "fraction":
        size = f"{abs(gap) * 100:.1f} percentage points"
    elif unit == "ratio":
        size = f"{abs(gap):.2f}x"
    elif unit == "months":
        size = f"{abs(gap):.1f} months"
    elif unit == "points":
        size = f"{abs(gap):.0f} points"
    else:
        size = format_value(abs(gap), unit, currency)
    direction = "above" if gap > 0 else "below"
    verdict = VERDICT_LABELS.get(comp.verdict or "", "no verdict").lower()
    unverified = f"; {weak}" if weak else "; source not verified" if b.status == "U" else ""
    citation = f" ({source_short(comp)}{unverified})" if cite else (f" ({unverified[2:]})" if unverified else "")
    spread = comp.percentile_rank is not None or (comp.position or "").startswith(("above the", "below the"))
    if spread:
        verdict += f", {comp.position}" if cite else f", {short_position(comp.percentile_rank, comp.position)}"
    verdict += "".join(f" ({c})" for c in comp.caveats if "noisy" in c)
    if gap == 0:
        position = f"within {benchmark_figure_text(comp)}"
        return f"{item.kpi.spec.label} is {value}, {position}{citation}: {verdict}."
    converted = ""
    if comp.conversion_note and item.kpi.period not in (None, "", "none", b.period):
        converted = f" (converted from {format_value(item.kpi.value, unit, currency)} per {item.kpi.period})"
    return f"{item.kpi.spec.label} is {value}{converted}, {size} {direction} {what}{citation}: {verdict}."

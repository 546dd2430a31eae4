"""A comparison in words, shared by the HTML and PDF reports and the workbook.

The context of a snapshot, a benchmark's published figure, the gap to it and one
plain-English sentence per KPI (e.g. ``Gross MRR churn is 26.6 % per year against a target
of 3.0 % per year (Bessemer, 2017): 23.6 percentage points worse.``).
"""

from __future__ import annotations

from funnel_core.domain.constants import PER_PERIOD
from funnel_core.benchmarks.age import year_suffix
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison
from funnel_core.benchmarks.caveats import is_noisy
from funnel_core.benchmarks.percentile import beyond_spread, short_position
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
from funnel_core.domain.formatting import format_value, localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, tr
from funnel_core.exports.sanitize import finite

__all__ = ["benchmark_figure_text", "beyond_published_spread", "context_items", "gap_sentence",
           "gap_text", "kpi_label", "per_period", "plain_number", "signed_number", "source_short",
           "verdict_label"]

#: " per month" and its kin, by period key (English: the period's own word).


def per_period(period: str | None) -> str:
    """``"per month"`` in the current language (``"pro Monat"``); ``""`` for no period."""
    if period in (None, "", "none"):
        return ""
    if period in PER_PERIOD:
        return PER_PERIOD[period]
    return f"per {period}"


def beyond_published_spread(position: str | None) -> bool:
    """True when a position says the value lies beyond the published spread (any language)."""
    return (position or "").startswith(("above the", "below the")) or beyond_spread(position)


def kpi_label(spec) -> str:
    """A KPI's label in the current language."""
    return tr(spec.label)


def verdict_label(verdict: str | None, default: str = "") -> str:
    """A verdict's word (``"Better"``) in the current language; ``default`` when there is none."""
    label = VERDICT_LABELS.get(verdict or "")
    return tr(label) if label is not None else default


def signed_number(value: float, digits: int) -> str:
    """``+2.3`` / ``-0.33``: a signed number, in the current language's format (``+2,3``)."""
    if current_language() == DEFAULT_LANGUAGE:
        return f"{value:+.{digits}f}"
    text = localised_number(abs(value), digits)
    if text.strip("0,. \u00a0") == "":
        return "+" + text
    return ("+" if value >= 0 else "-") + text


def plain_number(value: float, digits: int) -> str:
    """``2.3``: a number without thousands separators in English, else the language's format."""
    if current_language() == DEFAULT_LANGUAGE:
        return f"{value:.{digits}f}"
    return localised_number(value, digits)

def context_items(report: ComparisonReport) -> list[tuple[str, str, str]]:
    """(key, label, human value) of the snapshot's context, "Not said" for open selectors."""
    ctx = report.snapshot.context
    options = {"trial_type": TRIAL_TYPES, "motion": MOTIONS, "acv_band": ACV_BANDS,
               "product_category": PRODUCT_CATEGORIES, "arr_band": ARR_BANDS, "funding": FUNDING}
    labels = {"period": tr("Period"), "trial_type": tr("Trial model"), "motion": tr("Sales motion"),
              "acv_band": tr("Contract size (ACV)"), "product_category": tr("Product category"),
              "currency": tr("Currency"), "arr_band": tr("Company size (ARR)"), "funding": tr("Funding")}
    items = []
    for key in ("period", *SEGMENT_FIELDS, "currency"):  # currency last, as the report reads it
        value = getattr(ctx, key)
        if key == "period":
            text = tr(PERIOD_LABELS.get(value, value))
        elif key == "currency":
            text = value
        else:
            text = tr(options[key].get(value, value)) if value else tr("Not said (all segments)")
        items.append((key, labels[key], text))
    return items


def benchmark_figure_text(comp: BenchmarkComparison) -> str:
    """The published figure(s) in words, e.g. ``median 5.0 % per month`` or ``2.0-4.0x``."""
    b = comp.benchmark
    unit = b.unit

    def fmt(x: float | None) -> str:
        return format_value(x, unit, "USD")

    if b.statistic == "quartiles" and None not in (b.low, b.median, b.high):
        text = tr("P25 {low} / median {median} / P75 {high}", low=fmt(b.low), median=fmt(b.median),
                  high=fmt(b.high))
    elif b.statistic == "good_great" and b.low is not None and b.high is not None:
        text = tr("good {good} / great {great}", good=fmt(b.low), great=fmt(b.high))
    elif b.low is not None and b.high is not None:
        text = tr("{low} to {high}", low=fmt(b.low), high=fmt(b.high))
        if b.median is not None:
            text += " " + tr("(median {median})", median=fmt(b.median))
    elif b.median is not None:
        words = {"median": tr("median {value}", value=fmt(b.median)),
                 "average": tr("average {value}", value=fmt(b.median)),
                 "target": tr("target {value}", value=fmt(b.median)),
                 "threshold": tr("threshold {value}", value=fmt(b.median))}
        text = words.get(b.statistic, f"{b.statistic} {fmt(b.median)}")
    elif b.low is not None:
        text = tr("at least {value}", value=fmt(b.low))
    elif b.high is not None:
        text = tr("at most {value}", value=fmt(b.high))
    else:  # pragma: no cover - the catalogue refuses rows without a figure
        text = tr("n/a")
    if b.period and b.period != "none":
        text += " " + per_period(b.period)
    return text


def gap_text(comp: BenchmarkComparison, currency: str = "USD") -> str:
    """The gap to the reference in words (``+2.3 pp``, ``-0.33x``, ``+1.5 months``)."""
    gap = finite(comp.gap)
    if gap is None:
        return ""
    unit = comp.benchmark.unit
    if unit == "fraction":
        return tr("{value} pp", value=signed_number(gap * 100, 1))
    if unit == "ratio":
        return f"{signed_number(gap, 2)}x"
    if unit == "months":
        return tr("{value} months", value=signed_number(gap, 1))
    if unit == "points":
        return tr("{value} points", value=signed_number(gap, 0))
    if unit == "currency":
        sign = "+" if gap >= 0 else "-"
        return sign + format_value(abs(gap), unit, currency)
    return signed_number(gap, 2)


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
    period = " " + per_period(b.period) if b.period not in (None, "", "none") else ""
    value = format_value(comp.user_value, unit, currency) + period
    reference = format_value(comp.reference, unit, "USD") if comp.reference is not None else tr("n/a")
    gap = finite(comp.gap) or 0.0
    if b.median is not None:
        figure = f"{reference}{period}"
        what = {"average": tr("the average of {figure}", figure=figure),
                "target": tr("the target of {figure}", figure=figure),
                "threshold": tr("the threshold of {figure}", figure=figure)}.get(
            b.statistic, tr("the median of {figure}", figure=figure))
    elif b.low is not None and b.high is not None:
        low, high = format_value(b.low, unit, "USD"), format_value(b.high, unit, "USD")
        if b.statistic == "good_great":
            what = tr("the good-to-great range ({low} to {high}{period})", low=low, high=high, period=period)
        elif b.statistic == "target":
            what = tr("the target range ({low} to {high}{period})", low=low, high=high, period=period)
        else:
            what = tr("the typical range ({low} to {high}{period})", low=low, high=high, period=period)
    elif b.statistic == "target":
        figure = reference + period
        what = tr("the target of {figure}", figure=figure)
    else:
        figure = reference + period
        what = tr("the threshold of {figure}", figure=figure)
    if unit == "fraction":
        size = tr("{value} percentage points", value=plain_number(abs(gap) * 100, 1))
    elif unit == "ratio":
        size = f"{plain_number(abs(gap), 2)}x"
    elif unit == "months":
        size = tr("{value} months", value=plain_number(abs(gap), 1))
    elif unit == "points":
        size = tr("{value} points", value=plain_number(abs(gap), 0))
    else:
        size = format_value(abs(gap), unit, currency)
    verdict = verdict_label(comp.verdict, tr("No verdict")).lower()
    not_verified = tr("source not verified")
    unverified = f"; {weak}" if weak else f"; {not_verified}" if b.status == "U" else ""
    citation = f" ({source_short(comp)}{unverified})" if cite else (f" ({unverified[2:]})" if unverified else "")
    spread = comp.percentile_rank is not None or beyond_published_spread(comp.position)
    if spread:
        verdict += f", {comp.position}" if cite else f", {short_position(comp.percentile_rank, comp.position)}"
    verdict += "".join(f" ({c})" for c in comp.caveats if "noisy" in c or is_noisy(c))
    label = kpi_label(item.kpi.spec)
    if gap == 0:
        position = tr("within {figure}", figure=benchmark_figure_text(comp))
        return tr("{kpi} is {value}, {position}{citation}: {verdict}.", kpi=label, value=value,
                  position=position, citation=citation, verdict=verdict)
    converted = ""
    if comp.conversion_note and item.kpi.period not in (None, "", "none", b.period):
        # the KPI's own value first (its label says its period: "Customer churn (monthly) is
        # 2.7 % per month"), then the value in the benchmark's period the gap is measured in
        converted = " " + tr("(converted: {value})", value=value)
        value = format_value(item.kpi.value, unit, currency) + " " + per_period(item.kpi.period)
    if gap > 0:
        return tr("{kpi} is {value}{converted}, {size} above {what}{citation}: {verdict}.", kpi=label,
                  value=value, converted=converted, size=size, what=what, citation=citation,
                  verdict=verdict)
    return tr("{kpi} is {value}{converted}, {size} below {what}{citation}: {verdict}.", kpi=label,
              value=value, converted=converted, size=size, what=what, citation=citation,
              verdict=verdict)

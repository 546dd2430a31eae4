"""Where to focus: what closing each worse-than-benchmark gap would be worth, from your numbers.

Which benchmark decides (:func:`focus_comparison`): the KPI's main benchmark, except that a
figure whose source was not verified (status U) or a target never decides while a
better-sourced central figure exists; when it is all there is, the item says so ("based on an
unverified figure").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison, primary_comparison
from funnel_core.benchmarks.funnel_stages import (
    FOCUS_KPIS,
    FUNNEL_STAGES,
    benchmark_source_text,
    count_text,
    find_item,
    in_sentence,
    label_lower,
    pct,
)
from funnel_core.benchmarks.matching import choose_main, is_central
from funnel_core.domain.constants import FIELDS_BY_NAME, MONTHS_IN_PERIOD, NO_PERIOD, PERIOD_NAMES
from funnel_core.domain.formatting import format_number, format_value
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr
from funnel_core.domain.periods import ConversionError, convert_churn

__all__ = ["FocusArea", "focus_areas", "focus_comparison", "weak", "weak_caveat"]


@dataclass(frozen=True)
class FocusArea:
    """What reaching the benchmark of one worse-than-benchmark KPI would be worth.

    Attributes
    ----------
    kpi_id, label : the KPI.
    kind : ``"conversion"`` (more customers won) or ``"churn"`` (customers kept).
    user_rate : the user's rate (churn: per month).
    target_rate : the benchmark figure the gap is closed to (``BenchmarkComparison.reference``:
        the median, else the nearest bound of the range; churn: converted to per month).
    base_count, base_label : the count the rate applies to (e.g. 10,000 visitors).
    downstream_rate : the user's own conversion from this stage to paying customers
        (``None`` when the step yields customers directly).
    extra_customers : extra new customers (conversion) or customers kept (churn) per ``period``.
    extra_mrr : ``extra_customers x ARPA`` per ``period``; ``None`` when ARPA is not computable.
    mrr_reason : why ``extra_mrr`` is ``None``.
    arpa : the ARPA used.
    period : what the figures are per: the snapshot's period for conversions, ``"month"`` for churn.
    arithmetic : the calculation with the numbers, the benchmark source and segment.
    benchmark_id, source, segment, status, statistic, year : provenance of ``target_rate``.
    caveat : "based on an unverified figure" (or on a target) when only a weak figure says the
        KPI is worse (:func:`focus_comparison`); ``None`` otherwise.
    """

    kpi_id: str
    label: str
    kind: str
    user_rate: float
    target_rate: float
    base_count: float
    base_label: str
    downstream_rate: float | None
    extra_customers: float
    extra_mrr: float | None
    mrr_reason: str | None
    arpa: float | None
    period: str
    arithmetic: str
    benchmark_id: str
    source: str
    segment: str
    status: str
    statistic: str
    year: int | None
    #: said next to the item when it rests on a weak figure ("based on an unverified figure")
    caveat: str | None = None

    @property
    def extra_customers_per_month(self) -> float:
        """``extra_customers`` divided by the months in ``period`` (for ranking across kinds)."""
        return self.extra_customers / MONTHS_IN_PERIOD[self.period]

    @property
    def extra_mrr_per_month(self) -> float | None:
        """``extra_mrr`` divided by the months in ``period``; ``None`` when not computable."""
        if self.extra_mrr is None:
            return None
        return self.extra_mrr / MONTHS_IN_PERIOD[self.period]


#: A stage's own conversion to paying customers in words, by the stage's count field.
_TO_CUSTOMER: dict[str, str] = {
    "visitors": mark("{rate} visitor-to-customer ({customers} new customers / {count} {stage})"),
    "leads": mark("{rate} lead-to-customer ({customers} new customers / {count} {stage})"),
    "mqls": mark("{rate} MQL-to-customer ({customers} new customers / {count} {stage})"),
    "sqls": mark("{rate} SQL-to-customer ({customers} new customers / {count} {stage})"),
    "opportunities": mark("{rate} opportunity-to-customer ({customers} new customers / {count} "
                          "{stage})"),
}

#: For the direct product-led conversions: KPI -> (base field, base label, marked in English).
_DIRECT: dict[str, tuple[str, str]] = {
    "trial_to_paid_rate": ("trial_users", mark("trial users")),
    "freemium_to_paid_rate": ("freemium_users", mark("free-plan users")),
    "pql_to_paid_rate": ("pqls", mark("PQLs")),
}

#: What an item rests on when its figure is not central, by statistic.
_WEAK_CAVEATS: dict[str, str] = {
    "good_great": mark("based on good / great levels, not a median"),
    "concern": mark("based on a concern level, not a median"),
    "threshold": mark("based on a threshold, not a median"),
    "target": mark("based on a target, not a median"),
}

#: The gain of a conversion item, per the snapshot's period.
_EXTRA_NEW: dict[str, str] = {
    "month": mark("{extra} extra new customers per month"),
    "quarter": mark("{extra} extra new customers per quarter"),
    "year": mark("{extra} extra new customers per year"),
}
_EXTRA_MRR: dict[str, str] = {
    "month": mark("extra MRR per month"),
    "quarter": mark("extra MRR per quarter"),
    "year": mark("extra MRR per year"),
}


def _decimal(value: float) -> str:
    """A number with one decimal, in the current language's format (``"1,234.5"``)."""
    return format_value(value, "count", digits=1)


def _formula_number(value: float) -> str:
    """A figure inside a formula: 4 significant digits (``0.05``; German ``0,05``)."""
    return f"{value:.4g}" if current_language() == DEFAULT_LANGUAGE else format_number(float(f"{value:.4g}"))


@dataclass(frozen=True)
class _Gain:
    base_count: float
    base_label: str
    downstream: float | None
    downstream_text: str | None
    user_rate: float
    target: float
    target_text: str | None = None


def weak(comparison: BenchmarkComparison) -> bool:
    """A figure that must not decide where to focus while a better-sourced one exists: source
    not verified (status U), or a target, threshold or concern level rather than a central figure."""
    return comparison.benchmark.status == "U" or not is_central(comparison.benchmark)


def weak_caveat(comparison: BenchmarkComparison) -> str | None:
    """What an item resting on a weak figure says next to it (``None`` for a sound figure)."""
    if comparison.benchmark.status == "U":
        return tr("based on an unverified figure")
    if not is_central(comparison.benchmark):
        return tr(_WEAK_CAVEATS.get(comparison.benchmark.statistic, _WEAK_CAVEATS["target"]))
    return None


def focus_comparison(item: KpiComparison) -> BenchmarkComparison | None:
    """The comparison that decides whether a KPI is a focus item.

    The KPI's main benchmark, unless it is weak (:func:`weak`) and a better-sourced figure with
    a verdict exists: then the best of those by the same rule
    (:func:`~funnel_core.benchmarks.matching.choose_main`).
    """
    main = primary_comparison(item)
    if main is None or not weak(main):
        return main
    sound = [c for c in item.counted() if c.verdict is not None and not weak(c)]
    return choose_main(sound, item.selectors, item.kpi.spec.unit, year=item.current_year) or main


def _worse_primary(report: ComparisonReport, kpi_id: str) -> tuple[KpiComparison, BenchmarkComparison] | None:
    item = find_item(report, kpi_id)
    if item is None or item.kpi.value is None:
        return None
    primary = focus_comparison(item)
    if primary is None or primary.verdict != "worse" or primary.reference is None:
        return None
    return item, primary


def _positive(value: float | None) -> bool:
    return value is not None and value > 0


def _funnel_gain(report: ComparisonReport, index: int, primary: BenchmarkComparison) -> _Gain | None:
    snapshot = report.snapshot
    stage, before = FUNNEL_STAGES[index], FUNNEL_STAGES[index - 1]
    base, here = snapshot.get(before.field), snapshot.get(stage.field)
    customers = snapshot.get("new_customers")
    if not _positive(base) or not _positive(here) or customers is None:
        return None
    assert base is not None and here is not None
    rate = here / base
    if stage.field == "new_customers":
        return _Gain(base, label_lower(before), None, None, rate, primary.reference)  # type: ignore[arg-type]
    downstream = customers / here
    text = tr(_TO_CUSTOMER[stage.field], rate=pct(downstream), customers=count_text(customers),
              count=count_text(here), stage=label_lower(stage))
    return _Gain(base, label_lower(before), downstream, text, rate, primary.reference)  # type: ignore[arg-type]


def _direct_gain(report: ComparisonReport, kpi_id: str, primary: BenchmarkComparison) -> _Gain | None:
    field, label = _DIRECT[kpi_id]
    base = report.snapshot.get(field)
    if not _positive(base) or primary.user_value is None:
        return None
    assert base is not None
    return _Gain(base, tr(label), None, None, primary.user_value, primary.reference)  # type: ignore[arg-type]


def _activation_gain(report: ComparisonReport, primary: BenchmarkComparison) -> _Gain | None:
    snapshot = report.snapshot
    signups, activated = snapshot.get("signups"), snapshot.get("activated_users")
    if not _positive(signups) or not _positive(activated):
        return None
    assert signups is not None and activated is not None
    product_fields = [f for f in ("trial_conversions", "freemium_conversions")
                      if snapshot.get(f) is not None]
    if product_fields:
        paid = sum(snapshot.get(f) or 0.0 for f in product_fields)
        paid_text = " + ".join(in_sentence(FIELDS_BY_NAME[f].label) for f in product_fields)
    elif snapshot.get("new_customers") is not None:
        paid = snapshot.get("new_customers") or 0.0
        paid_text = tr("new customers")
    else:
        return None
    downstream = paid / activated
    if downstream > 1:  # more paying than activated users: customers come from elsewhere too
        return None
    text = tr("{rate} activated-to-paid ({paid} {paid_text} / {activated} activated users)",
              rate=pct(downstream), paid=count_text(paid), paid_text=paid_text,
              activated=count_text(activated))
    target: float = primary.reference  # type: ignore[assignment]
    return _Gain(signups, tr("sign-ups"), downstream, text, activated / signups, target)


def _churn_gain(report: ComparisonReport, item: KpiComparison, primary: BenchmarkComparison) -> _Gain | None:
    start = report.snapshot.get("customers_start")
    user_monthly = item.kpi.value
    benchmark = primary.benchmark
    if not _positive(start) or user_monthly is None or primary.reference is None:
        return None
    assert start is not None
    target_text = None
    target = primary.reference
    if benchmark.period == NO_PERIOD:
        return None
    if benchmark.period != "month":
        try:
            target = convert_churn(primary.reference, benchmark.period, "month")
        except ConversionError:
            return None
        target_text = tr("benchmark {figure} per {period} = {monthly} per month "
                         "(1 - (1 - {raw})^(1/{months}))", figure=pct(primary.reference),
                         period=PERIOD_NAMES[benchmark.period] if benchmark.period in PERIOD_NAMES
                         else benchmark.period, monthly=pct(target),
                         raw=_formula_number(primary.reference),
                         months=MONTHS_IN_PERIOD[benchmark.period])
    return _Gain(start, tr("customers at start"), None, None, user_monthly, target, target_text)


def _arpa(report: ComparisonReport) -> tuple[float | None, str | None]:
    item = find_item(report, "arpa")
    if item is None:
        return None, tr("ARPA is not available")
    if item.kpi.value is None:
        return None, tr("ARPA is not computable ({reason})", reason=item.kpi.reason)
    return item.kpi.value, None


def focus_areas(report: ComparisonReport) -> list[FocusArea]:
    """Where closing a gap to the benchmark is worth the most, from the user's own numbers.

    Only KPIs of :data:`FOCUS_KPIS` whose deciding comparison (:func:`focus_comparison`: the
    main benchmark, or a better-sourced figure when the main one is unverified or a target)
    says ``worse`` count. The target :math:`r^*` is that comparison's reference (median, else
    nearest bound).

    Funnel step :math:`i` (rate :math:`r_i = n_i / n_{i-1}`), other rates unchanged:

    .. math::

        \\Delta C = n_{i-1} \\, (r^* - r_i) \\, \\frac{C}{n_i}

    with :math:`C` the new customers (the last factor is 1 for the win rate). Trial, free-plan
    and PQL conversion: :math:`\\Delta C = n_{base} (r^* - r)`. Activation:
    :math:`\\Delta C = \\text{sign-ups} \\, (r^* - r) \\, P / A` with :math:`P` the trial plus
    free-plan conversions (else new customers) and :math:`A` the activated users. Monthly
    customer churn :math:`c` (customers kept per month):

    .. math::

        \\Delta C = (c - c^*) \\cdot \\text{customers at start}

    with :math:`c^*` the benchmark per month (compounded from its period). Extra MRR is
    :math:`\\Delta C \\times \\text{ARPA}` when ARPA is computable, else ``None``.

    Parameters
    ----------
    report : the comparison of one snapshot.

    Returns
    -------
    list[FocusArea]
        Ranked by extra MRR per month, then extra customers per month. A zero or missing
        input, or a non-positive gap, gives no item, so no value is ever NaN or inf.
    """
    arpa, arpa_reason = _arpa(report)
    period = report.snapshot.context.period
    currency = report.snapshot.context.currency
    items: list[FocusArea] = []
    for kpi_id in FOCUS_KPIS:
        found = _worse_primary(report, kpi_id)
        if found is None:
            continue
        item, primary = found
        index = next((i for i, s in enumerate(FUNNEL_STAGES) if s.kpi == kpi_id), None)
        if index is not None:
            gain, kind = _funnel_gain(report, index, primary), "conversion"
        elif kpi_id in _DIRECT:
            gain, kind = _direct_gain(report, kpi_id, primary), "conversion"
        elif kpi_id == "activation_rate":
            gain, kind = _activation_gain(report, primary), "conversion"
        else:
            gain, kind = _churn_gain(report, item, primary), "churn"
        if gain is None:
            continue
        items_period = "month" if kind == "churn" else period
        delta = (gain.target - gain.user_rate) if kind == "conversion" else (gain.user_rate - gain.target)
        if delta <= 0:
            continue
        extra = gain.base_count * delta * (gain.downstream if gain.downstream is not None else 1.0)
        if not extra > 0:  # e.g. no new customers yet: nothing to size
            continue
        extra_mrr = extra * arpa if arpa is not None else None
        items.append(FocusArea(
            kpi_id=kpi_id, label=item.kpi.spec.label, kind=kind, user_rate=gain.user_rate,
            target_rate=gain.target, base_count=gain.base_count, base_label=gain.base_label,
            downstream_rate=gain.downstream, extra_customers=extra, extra_mrr=extra_mrr,
            mrr_reason=None if arpa is not None else arpa_reason, arpa=arpa, period=items_period,
            arithmetic=_arithmetic(item.kpi.spec.label, kind, gain, extra, extra_mrr, arpa,
                                   arpa_reason, items_period, currency, primary.benchmark,
                                   weak_caveat(primary)),
            benchmark_id=primary.benchmark.id, source=primary.benchmark.source,
            segment=primary.benchmark.segment, status=primary.benchmark.status,
            statistic=primary.benchmark.statistic, year=primary.benchmark.year,
            caveat=weak_caveat(primary),
        ))
    return _ranked(items)


def _ranked(items: Iterable[FocusArea]) -> list[FocusArea]:
    order = {k: i for i, k in enumerate(FOCUS_KPIS)}

    def key(a: FocusArea) -> tuple:
        mrr = a.extra_mrr_per_month
        return (mrr is None, -(mrr or 0.0), -a.extra_customers_per_month, order[a.kpi_id])

    return sorted(items, key=key)


def _arithmetic(label: str, kind: str, gain: _Gain, extra: float, extra_mrr: float | None,
                arpa: float | None, arpa_reason: str | None, period: str, currency: str,
                benchmark: Benchmark, caveat: str | None = None) -> str:
    name = in_sentence(label)
    if kind == "churn":
        parts = [tr("Lowering {kpi} from {user} to {target}", kpi=name, user=pct(gain.user_rate),
                    target=pct(gain.target))]
        if gain.target_text:
            parts.append(f" ({gain.target_text})")
        parts.append(f": ({pct(gain.user_rate)} - {pct(gain.target)}) x "
                     f"{count_text(gain.base_count)} {gain.base_label} = "
                     + tr("{extra} customers kept per month", extra=_decimal(extra)))
        saved = tr("MRR kept per month")
    else:
        parts = [tr("Raising {kpi} from {user} to {target}", kpi=name, user=pct(gain.user_rate),
                    target=pct(gain.target))]
        if gain.downstream_text:
            parts.append(" " + tr("with your other rates unchanged"))
        parts.append(f": {count_text(gain.base_count)} {gain.base_label} x "
                     f"({pct(gain.target)} - {pct(gain.user_rate)})")
        if gain.downstream_text:
            parts.append(f" x {gain.downstream_text}")
        if period in _EXTRA_NEW:
            parts.append(" = " + tr(_EXTRA_NEW[period], extra=_decimal(extra)))
            saved = tr(_EXTRA_MRR[period])
        else:
            parts.append(" = " + tr("{extra} extra new customers per {period}", extra=_decimal(extra),
                                    period=period))
            saved = tr("extra MRR per {period}", period=period)
    if extra_mrr is not None and arpa is not None:
        parts.append(f"; x ARPA {format_value(arpa, 'currency', currency)} = "
                     f"{format_value(extra_mrr, 'currency', currency)} {saved}")
    else:
        parts.append("; " + tr("MRR not estimated: {reason}", reason=arpa_reason))
    parts.append(". " + tr("Benchmark: {source}", source=benchmark_source_text(benchmark)))
    parts.append(f"; {caveat}." if caveat else ".")
    return "".join(parts)

"""Funnel analysis on a :class:`~funnel_core.benchmarks.compare.ComparisonReport` (no charts here).

Two questions a founder asks after seeing the KPI table:

1. *What would my funnel look like at benchmark conversion rates?*
   :func:`benchmark_funnel` starts from the user's own visitors and applies, step by step,
   the reference rate of the primary benchmark of each step.
2. *Where is closing a gap worth the most?* :func:`focus_areas` takes every step that is
   worse than its primary benchmark and computes, from the user's own numbers, how many extra
   customers (and how much MRR) reaching the benchmark would bring, all else unchanged.

Conventions
-----------
- Rates are fractions (0.07 is 7 %); counts are per the snapshot's period.
- Nothing here returns NaN or inf: a zero or missing input drops the step or the item, and
  the reason is said in text where a step stays visible.
- Every figure carries the benchmark it comes from (id, source, segment, status).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison, preference_key, primary_comparison
from funnel_core.domain.constants import FIELDS_BY_NAME, MONTHS_IN_PERIOD, NO_PERIOD, STATUS_LABELS
from funnel_core.domain.formatting import format_number, format_value
from funnel_core.domain.periods import ConversionError, convert_churn

__all__ = [
    "FUNNEL_STAGES",
    "FOCUS_KPIS",
    "FocusArea",
    "FunnelStage",
    "FunnelStep",
    "benchmark_funnel",
    "benchmark_source_text",
    "focus_areas",
    "reference_rate",
]


@dataclass(frozen=True)
class FunnelStage:
    """One stage of the sales-led funnel.

    Attributes
    ----------
    field : canonical count field of the stage (``"leads"``).
    label : human label (``"Leads"``).
    kpi : id of the conversion KPI *into* this stage from the previous one
        (``"visitor_to_lead_rate"``); ``None`` for the first stage.
    """

    field: str
    label: str
    kpi: str | None


#: The sales funnel chain visitors -> leads -> MQLs -> SQLs -> opportunities -> new customers,
#: each stage with the KPI of the step that leads into it.
FUNNEL_STAGES: tuple[FunnelStage, ...] = (
    FunnelStage("visitors", "Visitors", None),
    FunnelStage("leads", "Leads", "visitor_to_lead_rate"),
    FunnelStage("mqls", "MQLs", "lead_to_mql_rate"),
    FunnelStage("sqls", "SQLs", "mql_to_sql_rate"),
    FunnelStage("opportunities", "Opportunities", "sql_to_opportunity_rate"),
    FunnelStage("new_customers", "New customers", "opportunity_win_rate"),
)

#: KPIs :func:`focus_areas` looks at: the five funnel steps, the product-led conversions,
#: activation and monthly customer churn.
FOCUS_KPIS: tuple[str, ...] = (
    *(s.kpi for s in FUNNEL_STAGES if s.kpi is not None),
    "trial_to_paid_rate",
    "freemium_to_paid_rate",
    "pql_to_paid_rate",
    "activation_rate",
    "customer_churn_rate",
)


# --------------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------------

def reference_rate(benchmark: Benchmark) -> float | None:
    """The single figure the benchmark funnel applies for a benchmark.

    The median when published; otherwise the midpoint ``(low + high) / 2`` of a range;
    otherwise the one bound given (a threshold or target). ``None`` when the row has no figure.
    """
    if benchmark.median is not None:
        return benchmark.median
    if benchmark.low is not None and benchmark.high is not None:
        return (benchmark.low + benchmark.high) / 2
    if benchmark.low is not None:
        return benchmark.low
    return benchmark.high


def benchmark_source_text(benchmark: Benchmark) -> str:
    """``"Source (year), statistic, segment, period; status X"`` for arithmetic and captions."""
    source = benchmark.source
    if benchmark.year is not None and str(benchmark.year) not in source:
        source += f" ({benchmark.year})"
    period = "" if benchmark.period == NO_PERIOD else f", per {benchmark.period}"
    return (f"{source}, {benchmark.statistic}, segment: {benchmark.segment}{period}; "
            f"status {benchmark.status} ({STATUS_LABELS.get(benchmark.status, 'unknown').lower()})")




def _primary_benchmark(item: KpiComparison) -> Benchmark | None:
    """The benchmark of a step, even when the user's own rate is not computable.

    :func:`~funnel_core.benchmarks.compare.primary_comparison` when it gives one; otherwise (the user's
    rate has a zero denominator) the same preference applied to rows in the KPI's unit.
    """
    primary = primary_comparison(item)
    if primary is not None:
        return primary.benchmark
    rows = [c.benchmark for c in item.comparisons if c.benchmark.unit == item.kpi.spec.unit]
    if not rows:
        return None
    return min(enumerate(rows), key=lambda ib: (*preference_key(ib[1], item.selectors), ib[0]))[1]


def _item(report: ComparisonReport, kpi_id: str) -> KpiComparison | None:
    try:
        return report.get(kpi_id)
    except KeyError:
        return None


def _pct(value: float) -> str:
    return format_value(value, "fraction", digits=2 if abs(value) < 0.1 else 1)


def _count(value: float) -> str:
    """A count for arithmetic text: whole numbers plain, fractions with one decimal."""
    return format_number(value) if float(value).is_integer() else f"{value:,.1f}"


# --------------------------------------------------------------------------------------------
# benchmark funnel
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FunnelStep:
    """One stage of the user's funnel beside the benchmark funnel.

    Attributes
    ----------
    stage : canonical count field (``"leads"``).
    label : human label of the stage.
    kpi_id : KPI of the step into this stage (``None`` for visitors, the starting point).
    user_count : the user's count at this stage.
    user_rate : the user's conversion from the previous stage, ``None`` for the first stage or
        when the previous count is zero.
    rate_used : the rate applied to the previous benchmark count: the primary benchmark's
        reference rate (:func:`reference_rate`), or the user's own rate when the step has no
        benchmark; ``None`` for the first stage or when neither exists.
    benchmark_count : ``previous benchmark_count x rate_used`` (visitors: the user's visitors);
        ``None`` once the chain cannot be continued.
    benchmark_missing : ``True`` when no benchmark matched this step and the user's own rate
        was used in its place.
    benchmark_id, source, status, segment, statistic, year : provenance of ``rate_used``
        (``None`` when no benchmark is used).
    note : one sentence saying where ``rate_used`` comes from.
    """

    stage: str
    label: str
    kpi_id: str | None
    user_count: float
    user_rate: float | None
    rate_used: float | None
    benchmark_count: float | None
    benchmark_missing: bool
    benchmark_id: str | None
    source: str | None
    status: str | None
    segment: str | None
    statistic: str | None
    year: int | None
    note: str


def benchmark_funnel(report: ComparisonReport) -> list[FunnelStep]:
    """The user's funnel and the funnel the benchmark rates give from the same visitors.

    For stage :math:`i` with user count :math:`n_i` and step rate :math:`r_i` used:

    .. math::

        b_0 = n_0 \\quad(\\text{visitors}), \\qquad b_i = b_{i-1} \\cdot r_i

    where :math:`r_i` is the reference rate (:func:`reference_rate`: median, else midpoint of
    low..high, else the single bound) of the step's primary benchmark, or, when the step has
    no benchmark, the user's own rate :math:`n_i / n_{i-1}` (``benchmark_missing=True``).

    Parameters
    ----------
    report : the comparison of one snapshot.

    Returns
    -------
    list[FunnelStep]
        One step per stage of :data:`FUNNEL_STAGES`, from visitors down to the last stage the
        user gave a count for without a gap; empty when visitors are not given.
    """
    snapshot = report.snapshot
    steps: list[FunnelStep] = []
    previous_user: float | None = None
    previous_bench: float | None = None
    for stage in FUNNEL_STAGES:
        count = snapshot.get(stage.field)
        if count is None:
            break
        if stage.kpi is None:
            steps.append(FunnelStep(
                stage.field, stage.label, None, count, None, None, count, False,
                None, None, None, None, None, None,
                f"Starting point: your {format_number(count)} {stage.label.lower()}.",
            ))
            previous_user, previous_bench = count, count
            continue
        user_rate = count / previous_user if previous_user else None
        item = _item(report, stage.kpi)
        benchmark = _primary_benchmark(item) if item is not None else None
        rate = reference_rate(benchmark) if benchmark is not None else None
        label = item.kpi.spec.label if item is not None else stage.kpi
        if benchmark is not None and rate is not None:
            missing = False
            note = (f"{label}: {_pct(rate)} ({benchmark.statistic}) from "
                    f"{benchmark_source_text(benchmark)}.")
        elif user_rate is not None:
            benchmark = None
            missing, rate = True, user_rate
            note = (f"{label}: no matching benchmark, so your own rate {_pct(user_rate)} is "
                    "used for this step.")
        else:
            benchmark = None
            missing, rate = True, None
            note = (f"{label}: no matching benchmark and your own rate cannot be computed "
                    f"(no {_label_lower(FUNNEL_STAGES[len(steps) - 1])}), so the benchmark funnel "
                    "stops here.")
        bench_count = previous_bench * rate if previous_bench is not None and rate is not None else None
        steps.append(FunnelStep(
            stage.field, stage.label, stage.kpi, count, user_rate, rate, bench_count, missing,
            benchmark.id if benchmark else None, benchmark.source if benchmark else None,
            benchmark.status if benchmark else None, benchmark.segment if benchmark else None,
            benchmark.statistic if benchmark else None, benchmark.year if benchmark else None,
            note,
        ))
        previous_user, previous_bench = count, bench_count
    return steps


# --------------------------------------------------------------------------------------------
# focus areas
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FocusArea:
    """What reaching the primary benchmark of one worse-than-benchmark KPI would be worth.

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


_SINGULAR: dict[str, str] = {
    "visitors": "visitor", "leads": "lead", "mqls": "MQL", "sqls": "SQL",
    "opportunities": "opportunity", "new_customers": "new customer",
}

#: For the direct product-led conversions: KPI -> (base field, base label).
_DIRECT: dict[str, tuple[str, str]] = {
    "trial_to_paid_rate": ("trial_users", "trial users"),
    "freemium_to_paid_rate": ("freemium_users", "free-plan users"),
    "pql_to_paid_rate": ("pqls", "PQLs"),
}


@dataclass(frozen=True)
class _Gain:
    base_count: float
    base_label: str
    downstream: float | None
    downstream_text: str | None
    user_rate: float
    target: float
    target_text: str | None = None


def _label_lower(stage: FunnelStage) -> str:
    """``"leads"``, ``"MQLs"``: lower case except acronyms."""
    return stage.label if stage.label.isupper() or stage.label[:3].isupper() else stage.label.lower()


def _worse_primary(report: ComparisonReport, kpi_id: str) -> tuple[KpiComparison, BenchmarkComparison] | None:
    item = _item(report, kpi_id)
    if item is None or item.kpi.value is None:
        return None
    primary = primary_comparison(item)
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
        return _Gain(base, _label_lower(before), None, None, rate, primary.reference)  # type: ignore[arg-type]
    downstream = customers / here
    text = (f"{_pct(downstream)} {_SINGULAR[stage.field]}-to-customer "
            f"({_count(customers)} new customers / {_count(here)} {_label_lower(stage)})")
    return _Gain(base, _label_lower(before), downstream, text, rate, primary.reference)  # type: ignore[arg-type]


def _direct_gain(report: ComparisonReport, kpi_id: str, primary: BenchmarkComparison) -> _Gain | None:
    field, label = _DIRECT[kpi_id]
    base = report.snapshot.get(field)
    if not _positive(base) or primary.user_value is None:
        return None
    assert base is not None
    return _Gain(base, label, None, None, primary.user_value, primary.reference)  # type: ignore[arg-type]


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
        paid_text = " + ".join(FIELDS_BY_NAME[f].label.lower() for f in product_fields)
    elif snapshot.get("new_customers") is not None:
        paid = snapshot.get("new_customers") or 0.0
        paid_text = "new customers"
    else:
        return None
    downstream = paid / activated
    if downstream > 1:  # more paying than activated users: customers come from elsewhere too
        return None
    text = (f"{_pct(downstream)} activated-to-paid ({_count(paid)} {paid_text} / "
            f"{_count(activated)} activated users)")
    target: float = primary.reference  # type: ignore[assignment]
    return _Gain(signups, "sign-ups", downstream, text, activated / signups, target)


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
        target_text = (f"benchmark {_pct(primary.reference)} per {benchmark.period} = "
                       f"{_pct(target)} per month (1 - (1 - {primary.reference:.4g})"
                       f"^(1/{MONTHS_IN_PERIOD[benchmark.period]}))")
    return _Gain(start, "customers at start", None, None, user_monthly, target, target_text)


def _arpa(report: ComparisonReport) -> tuple[float | None, str | None]:
    item = _item(report, "arpa")
    if item is None:
        return None, "ARPA is not available"
    if item.kpi.value is None:
        return None, f"ARPA is not computable ({item.kpi.reason})"
    return item.kpi.value, None


def focus_areas(report: ComparisonReport) -> list[FocusArea]:
    """Where closing a gap to the benchmark is worth the most, from the user's own numbers.

    Only KPIs of :data:`FOCUS_KPIS` whose primary benchmark verdict is ``worse`` count. The
    target :math:`r^*` is the comparison's reference (median, else nearest bound).

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
                                   arpa_reason, items_period, currency, primary.benchmark),
            benchmark_id=primary.benchmark.id, source=primary.benchmark.source,
            segment=primary.benchmark.segment, status=primary.benchmark.status,
            statistic=primary.benchmark.statistic, year=primary.benchmark.year,
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
                benchmark: Benchmark) -> str:
    if kind == "churn":
        parts = [f"Lowering {label.lower()} from {_pct(gain.user_rate)} to {_pct(gain.target)}"]
        if gain.target_text:
            parts.append(f" ({gain.target_text})")
        parts.append(f": ({_pct(gain.user_rate)} - {_pct(gain.target)}) x "
                     f"{_count(gain.base_count)} {gain.base_label} = {extra:,.1f} customers "
                     f"kept per month")
        saved = "MRR kept per month"
    else:
        parts = [f"Raising {label.lower()} from {_pct(gain.user_rate)} to {_pct(gain.target)}"]
        if gain.downstream_text:
            parts.append(" with your other rates unchanged")
        parts.append(f": {_count(gain.base_count)} {gain.base_label} x "
                     f"({_pct(gain.target)} - {_pct(gain.user_rate)})")
        if gain.downstream_text:
            parts.append(f" x {gain.downstream_text}")
        parts.append(f" = {extra:,.1f} extra new customers per {period}")
        saved = f"extra MRR per {period}"
    if extra_mrr is not None and arpa is not None:
        parts.append(f"; x ARPA {format_value(arpa, 'currency', currency)} = "
                     f"{format_value(extra_mrr, 'currency', currency)} {saved}")
    else:
        parts.append(f"; MRR not estimated: {arpa_reason}")
    parts.append(f". Benchmark: {benchmark_source_text(benchmark)}.")
    return "".join(parts)

"""Funnel analysis on a :class:`~funnel_core.benchmarks.compare.ComparisonReport` (no charts here).

Two questions a founder asks after seeing the KPI table:

1. *What would my funnel look like at benchmark conversion rates?*
   :func:`benchmark_funnel` starts from the user's own visitors and applies, step by step,
   the reference rate of the main benchmark of each step.
2. *Where is closing a gap worth the most?* :func:`~funnel_core.benchmarks.focus.focus_areas`
   (re-exported here) takes every step that is worse than its benchmark and computes, from the
   user's own numbers, how many extra customers (and how much MRR) reaching the benchmark would
   bring, all else unchanged.

Conventions
-----------
- Rates are fractions (0.07 is 7 %); counts are per the snapshot's period.
- Nothing here returns NaN or inf: a zero or missing input drops the step or the item, and
  the reason is said in text where a step stays visible.
- Every figure carries the benchmark it comes from (id, source, segment, status).
"""

from __future__ import annotations

from dataclasses import dataclass

from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.benchmarks.focus import FocusArea, focus_areas
from funnel_core.benchmarks.funnel_stages import (
    FOCUS_KPIS,
    FUNNEL_STAGES,
    FunnelStage,
    benchmark_source_text,
    find_item,
    label_lower,
    main_benchmark_of,
    pct,
    reference_rate,
    statistic_word,
)
from funnel_core.domain.formatting import format_number, lower_keeping_acronyms
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, tr

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
    rate_used : the rate applied to the previous benchmark count: the main benchmark's
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
    low..high, else the single bound) of the step's main benchmark, or, when the step has
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
                tr("Starting point: your {count} {stage}.", count=format_number(count),
                   stage=lower_keeping_acronyms(stage.label) if current_language() == DEFAULT_LANGUAGE
                   else label_lower(stage)),
            ))
            previous_user, previous_bench = count, count
            continue
        user_rate = count / previous_user if previous_user else None
        item = find_item(report, stage.kpi)
        benchmark = main_benchmark_of(item) if item is not None else None
        rate = reference_rate(benchmark) if benchmark is not None else None
        label = item.kpi.spec.label if item is not None else stage.kpi
        if benchmark is not None and rate is not None:
            missing = False
            note = tr("{label}: {rate} ({statistic}) from {source}.", label=label, rate=pct(rate),
                      statistic=statistic_word(benchmark.statistic),
                      source=benchmark_source_text(benchmark))
        elif user_rate is not None:
            benchmark = None
            missing, rate = True, user_rate
            note = tr("{label}: no matching benchmark, so your own rate {rate} is used for this "
                      "step.", label=label, rate=pct(user_rate))
        else:
            benchmark = None
            missing, rate = True, None
            note = tr("{label}: no matching benchmark and your own rate cannot be computed "
                      "(no {stage}), so the benchmark funnel stops here.", label=label,
                      stage=label_lower(FUNNEL_STAGES[len(steps) - 1]))
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

"""Placing each KPI against every matching published benchmark.

For each KPI and each benchmark that matches the snapshot's context:

1. the user's value is converted to the benchmark's period (compounding churn and retention;
   see :mod:`funnel_core.periods`), or the pair is marked *not comparable* with the reason;
2. a verdict is given relative to the benchmark, aware of direction (lower churn is better):

   - a range (low..high, quartiles P25..P75, good..great, a target range) -> ``in_line`` inside
     it, ``better``/``worse`` outside it on the good/bad side;
   - a single median or average -> ``in_line`` within +-10 % of it
     (:data:`~funnel_core.domain.constants.POINT_IN_LINE_TOLERANCE`), otherwise better or worse;
   - a one-sided threshold or target (quick ratio >= 4, churn < 3 %) -> ``better`` when the
     value meets it, ``worse`` when it does not;

3. the gap is ``user value - reference`` in the benchmark's unit, where the reference is the
   median when published, otherwise the nearest bound of the range.

Sources that disagree are all shown; nothing is averaged away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from funnel_core.benchmarks.catalogue import Benchmark, load_catalogue
from funnel_core.domain.constants import NO_PERIOD, POINT_IN_LINE_TOLERANCE, STATUS_LABELS, VERDICTS
from funnel_core.metrics.kpis import KpiResult, compute_kpis, input_warnings
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import ConversionError, convert


@dataclass(frozen=True)
class BenchmarkComparison:
    """The user's KPI against one published figure.

    Attributes
    ----------
    benchmark : the catalogue row.
    user_value : the user's value expressed in the benchmark's period (``None`` if not comparable).
    verdict : ``better``, ``in_line``, ``worse``, or ``None`` when no verdict is possible.
    reference : the figure the gap is measured to (median, or nearest bound).
    gap : ``user_value - reference`` in the benchmark's unit (0 inside a range without median).
    relative_gap : ``gap / |reference|`` (``None`` when the reference is 0).
    conversion_note : what was done to the user's value to match the benchmark's period.
    reason : why there is no verdict, when there is none.
    """

    benchmark: Benchmark
    user_value: float | None
    verdict: str | None
    reference: float | None = None
    gap: float | None = None
    relative_gap: float | None = None
    conversion_note: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        b = self.benchmark
        return {
            "benchmark_id": b.id,
            "label": b.label,
            "verdict": self.verdict,
            "user_value": self.user_value,
            "reference": self.reference,
            "gap": self.gap,
            "relative_gap": self.relative_gap,
            "conversion_note": self.conversion_note,
            "reason": self.reason,
            "statistic": b.statistic,
            "low": b.low,
            "median": b.median,
            "high": b.high,
            "unit": b.unit,
            "period": b.period,
            "basis": b.basis,
            "segment": b.segment,
            "source": b.source,
            "year": b.year,
            "sample": b.sample,
            "url": b.url,
            "status": b.status,
            "status_label": STATUS_LABELS.get(b.status, b.status),
            "note": b.note,
            "comparability": b.comparability,
            "origin": b.origin,
        }


@dataclass(frozen=True)
class KpiComparison:
    """One KPI with all its benchmark comparisons."""

    kpi: KpiResult
    comparisons: tuple[BenchmarkComparison, ...]
    #: the user's benchmark selectors (trial type, motion, ACV band, category; None = not said)
    selectors: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.kpi.id

    def verdicts(self) -> list[str]:
        return [c.verdict for c in self.comparisons if c.verdict is not None]

    def to_dict(self) -> dict[str, Any]:
        data = self.kpi.to_dict()
        data["benchmarks"] = [c.to_dict() for c in self.comparisons]
        return data


@dataclass(frozen=True)
class ComparisonReport:
    """Everything the results page, the CLI and the exports show for one snapshot."""

    snapshot: Snapshot
    kpis: tuple[KpiComparison, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def get(self, kpi_id: str) -> KpiComparison:
        for item in self.kpis:
            if item.id == kpi_id:
                return item
        raise KeyError(kpi_id)

    def computed(self) -> list[KpiComparison]:
        return [k for k in self.kpis if k.kpi.computable]

    def verdict_counts(self) -> dict[str, int]:
        counts = {v: 0 for v in VERDICTS}
        for item in self.kpis:
            for verdict in item.verdicts():
                counts[verdict] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "snapshot": self.snapshot.to_dict(),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "verdict_counts": self.verdict_counts(),
            "kpis": [k.to_dict() for k in self.kpis],
        })


def sanitize(obj: Any) -> Any:
    """Replace NaN and infinities by ``None`` anywhere in a JSON-like structure."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: sanitize(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [sanitize(v) for v in obj]
    return obj


def _bounds(b: Benchmark) -> tuple[float | None, float | None]:
    """The interval a value must fall in to be "in line"; ``None`` is an open end.

    A published median or average without a range gets +-10 % around it. One with only one
    bound ("about 15 %, up to 25 %") gets the tolerance on the other side, so it never turns into
    a one-sided threshold.
    """
    if b.median is not None and b.statistic not in ("threshold", "target"):
        spread = abs(b.median) * POINT_IN_LINE_TOLERANCE
        low = b.low if b.low is not None else b.median - spread
        high = b.high if b.high is not None else b.median + spread
        return low, high
    return b.low, b.high


def verdict_for(value: float, benchmark: Benchmark, higher_is_better: bool) -> tuple[str, float, float]:
    """Verdict, reference and gap of ``value`` (already in the benchmark's period and unit).

    Returns
    -------
    (verdict, reference, gap)
    """
    low, high = _bounds(benchmark)
    if low is not None and value < low:
        position = "below"
    elif high is not None and value > high:
        position = "above"
    else:
        position = "inside"

    good_side = "above" if higher_is_better else "below"
    if low is not None and high is not None:
        verdict = "in_line" if position == "inside" else ("better" if position == good_side else "worse")
    else:
        # one-sided threshold: meeting it is better, missing it is worse
        open_side = "above" if high is None else "below"
        if position == "inside":
            verdict = "better" if open_side == good_side else "worse"
        else:
            verdict = "better" if position == good_side else "worse"

    if benchmark.median is not None:
        reference = benchmark.median
    elif low is not None and high is not None:
        reference = low if abs(value - low) <= abs(value - high) else high
    else:
        reference = low if low is not None else high  # type: ignore[assignment]
    gap = value - reference
    if position == "inside" and benchmark.median is None and low is not None and high is not None:
        gap = 0.0  # inside a range without a median: no distance to speak of
    return verdict, reference, gap


def compare_one(result: KpiResult, benchmark: Benchmark) -> BenchmarkComparison:
    """Compare one computed KPI with one benchmark (conversion first, then verdict)."""
    spec = result.spec
    if result.value is None:
        return BenchmarkComparison(benchmark, None, None, reason=result.reason)
    if benchmark.unit != spec.unit:
        return BenchmarkComparison(
            benchmark, None, None,
            reason=f"the benchmark is in {benchmark.unit}, the KPI in {spec.unit}: no conversion possible",
        )
    value = result.value
    note = None
    if spec.period_kind is not None and result.period != benchmark.period:
        try:
            value, note = convert(value, spec.period_kind, result.period, benchmark.period)
        except ConversionError as exc:
            return BenchmarkComparison(benchmark, None, None, reason=str(exc))
        if spec.period_kind == "retention" and benchmark.period == "year":
            note += ("; an approximation: published annual retention follows the same customers "
                     "for 12 months")
    elif spec.period_kind is None and benchmark.period != NO_PERIOD:
        note = f"the benchmark is stated per {benchmark.period}; this KPI is compared as it is"
    if spec.unit == "currency" and benchmark.unit == "currency":
        note = (note + "; " if note else "") + "benchmark amounts are in USD and not converted"
    if spec.unit == "fraction" and spec.period_kind is None and result.value > 1:
        return BenchmarkComparison(
            benchmark, value, None, conversion_note=note,
            reason="a conversion rate above 100 % cannot be compared: the two counts probably "
                   "do not describe the same people or period (check the inputs)")
    if spec.higher_is_better is None:
        return BenchmarkComparison(benchmark, value, None, conversion_note=note,
                                   reason="a size figure has no better or worse side")
    verdict, reference, gap = verdict_for(value, benchmark, spec.higher_is_better)
    relative = gap / abs(reference) if reference else None
    return BenchmarkComparison(benchmark, value, verdict, reference, gap, relative, note)


def compare(snapshot: Snapshot, catalogue: Sequence[Benchmark] | None = None) -> ComparisonReport:
    """Compute every KPI of ``snapshot`` and compare it with every matching benchmark.

    Parameters
    ----------
    snapshot : the user's numbers and context.
    catalogue : benchmarks to use; the shipped catalogue when ``None``. A user catalogue can be
        appended to the shipped one by the caller.
    """
    if catalogue is None:
        catalogue = load_catalogue()
    selectors = snapshot.context.selectors()
    by_kpi: dict[str, list[Benchmark]] = {}
    for benchmark in catalogue:
        if benchmark.matches(selectors):
            by_kpi.setdefault(benchmark.kpi, []).append(benchmark)
    items = []
    for result in compute_kpis(snapshot):
        comparisons = tuple(compare_one(result, b) for b in by_kpi.get(result.id, []))
        items.append(KpiComparison(result, comparisons, selectors))
    warnings = tuple(w.message for w in input_warnings(snapshot))
    return ComparisonReport(snapshot, tuple(items), warnings)


_STATUS_RANK = {"V": 0, "S": 1, "U": 2}
_COMPARABILITY_RANK = {"direct": 0, "approximate": 1, "doubtful": 2}


def preference_key(benchmark: Benchmark, selectors: Mapping[str, str | None]) -> tuple:
    """Sort key of a benchmark as the main figure for a KPI (smaller is preferred).

    User catalogue rows (board targets) first; never a figure marked ``doubtful`` while another
    exists; then rows made for the segment the user chose (a row for exactly the chosen value
    counts 1, a row for two values 1/2...); then rows for all segments over rows for a segment
    the user did not say they are in; then direct over approximate definitions; then
    verification status V > S > U; then the newest year.
    """
    chosen = 0.0
    unchosen = 0
    for name in ("acv_band", "trial_type", "motion", "product_category"):
        values = getattr(benchmark, name)
        if values == ("any",):
            continue
        if selectors.get(name):
            chosen += 1 / len(values)
        else:
            unchosen += 1
    comparability = _COMPARABILITY_RANK.get(benchmark.comparability, 1)
    return (benchmark.origin == "published", comparability >= 2, -chosen, unchosen, comparability,
            _STATUS_RANK.get(benchmark.status, 3), -(benchmark.year or 0))


def primary_comparison(item: KpiComparison) -> BenchmarkComparison | None:
    """The one benchmark a single-figure view (overview chart, funnel, focus list) uses.

    Among the comparisons with a user value, those with a verdict first, then
    :func:`preference_key`, then catalogue order. Every other benchmark stays visible in the
    table.
    """
    candidates = [c for c in item.comparisons if c.user_value is not None]
    if not candidates:
        return None
    return min(enumerate(candidates),
               key=lambda ic: (ic[1].verdict is None,
                               *preference_key(ic[1].benchmark, item.selectors), ic[0]))[1]

"""Placing each KPI against every matching published benchmark, and one verdict per KPI.

For each KPI and each benchmark that matches the snapshot's context:

1. the user's value is converted to the benchmark's period (compounding churn and retention;
   see :mod:`funnel_core.domain.periods`), or the pair is marked *not comparable* with the
   reason; a definition that differs (a margin-adjusted benchmark against a revenue payback)
   is not comparable either (:mod:`funnel_core.benchmarks.caveats`);
2. a verdict is given by the bands of :mod:`funnel_core.benchmarks.verdict_rules` (per KPI
   family, at the precision shown, aware of direction: lower churn is better);
3. the position: a percentile rank where the source publishes a spread, else the gap to the
   figure in words (:mod:`funnel_core.benchmarks.percentile`).

Then, per KPI, editions of one publication are grouped (the newest counts) and one **main
benchmark** is chosen by the rule in :mod:`funnel_core.benchmarks.matching`; its verdict is the
KPI's verdict (``better``, ``in_line``, ``worse``, ``not_comparable``, or ``None`` without a
benchmark or a value). :func:`primary_comparison` is the one function every single-figure view
uses. Sources that disagree are all shown; nothing is averaged away.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from funnel_core.benchmarks.age import dated_note, is_dated, year_text
from funnel_core.benchmarks.caveats import approximate_caveat, compounding_caveat, definition_mismatch
from funnel_core.benchmarks.catalogue import Benchmark, load_catalogue
from funnel_core.benchmarks.matching import choose_main, is_central, mark_editions
from funnel_core.benchmarks.percentile import position
from funnel_core.benchmarks.verdict_rules import judge, verdict_for
from funnel_core.domain.constants import KPI_VERDICTS, NO_PERIOD, NOT_COMPARABLE, STATUS_LABELS, VERDICTS
from funnel_core.domain.i18n import mark, tr
from funnel_core.domain.json_safe import sanitize
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import ConversionError, convert
from funnel_core.metrics.kpis import KpiResult, compute_kpis, input_warnings

__all__ = [
    "BenchmarkComparison",
    "ComparisonReport",
    "KpiComparison",
    "compare",
    "compare_kpi",
    "compare_one",
    "primary_comparison",
    "sanitize",
    "verdict_for",
]


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
    percentile_rank : share of the source's companies the user does better than, 0-100, where
        the source publishes a spread and the value lies within it; else ``None``.
    position : the percentile or the gap in words ("better than about 62 % of companies in
        ...", "above the 75th percentile of ...", "2.0 pp below the median").
    caveats : what to keep in mind about this comparison (a definition that differs, one month
        compounded to a year...).
    superseded_by : id of the row of the same publication counted instead of this one (a newer
        edition); ``None`` when this row counts.
    """

    benchmark: Benchmark
    user_value: float | None
    verdict: str | None
    reference: float | None = None
    gap: float | None = None
    relative_gap: float | None = None
    conversion_note: str | None = None
    reason: str | None = None
    percentile_rank: float | None = None
    position: str | None = None
    caveats: tuple[str, ...] = ()
    superseded_by: str | None = None

    def to_dict(self, current_year: int | None = None) -> dict[str, Any]:
        """JSON-safe fields; ``dated`` and ``year_text`` are judged in ``current_year`` (``None``:
        the clock's year)."""
        b = self.benchmark
        return {
            "benchmark_id": b.id,
            "label": b.label,
            "verdict": self.verdict,
            "user_value": self.user_value,
            "reference": self.reference,
            "gap": self.gap,
            "relative_gap": self.relative_gap,
            "percentile_rank": self.percentile_rank,
            "position": self.position,
            "conversion_note": self.conversion_note,
            "reason": self.reason,
            "caveats": list(self.caveats),
            "superseded_by": self.superseded_by,
            "statistic": b.statistic,
            "low": b.low,
            "median": b.median,
            "high": b.high,
            "bound": b.bound,
            "unit": b.unit,
            "period": b.period,
            "basis": b.basis,
            "segment": b.segment,
            "source": b.source,
            "publication": b.publication,
            "year": b.year,
            "published": b.published,
            "year_text": year_text(b, current_year),
            "dated": is_dated(b, current_year),
            "arr_band": list(b.arr_band),
            "funding": list(b.funding),
            "sample": b.sample,
            "url": b.url,
            "status": b.status,
            "status_label": STATUS_LABELS.get(b.status, b.status),
            "note": b.note,
            "comparability": b.comparability,
            "origin": b.origin,
        }


#: The note of a KPI whose main benchmark is not central, by statistic.
_NOT_CENTRAL_NOTES: dict[str, str] = {
    "good_great": mark("against good / great levels, not a median: no central figure is "
                       "published for your segment"),
    "target": mark("against a target, not a median: no central figure is published for your "
                   "segment"),
    "threshold": mark("against a threshold, not a median: no central figure is published for "
                      "your segment"),
    "concern": mark("against a concern level, not a median: no central figure is published for "
                    "your segment"),
}
#: What the comparison says of a benchmark stated per a period, for a KPI without one.
_STATED_PER: dict[str, str] = {
    "month": mark("the benchmark is stated per month; this KPI is compared as it is"),
    "quarter": mark("the benchmark is stated per quarter; this KPI is compared as it is"),
    "year": mark("the benchmark is stated per year; this KPI is compared as it is"),
}


@dataclass(frozen=True)
class KpiComparison:
    """One KPI with all its benchmark comparisons and its KPI-level verdict.

    ``main_comparison`` is chosen by :func:`funnel_core.benchmarks.matching.choose_main`;
    ``verdict`` is its verdict (``not_comparable`` when benchmarks match but none can be
    compared; ``None`` when the KPI is not computable, has no benchmark or no better side);
    ``verdict_note`` gives the caveats in words.
    """

    kpi: KpiResult
    comparisons: tuple[BenchmarkComparison, ...]
    #: the user's benchmark selectors (trial type, motion, ACV band, category, ARR band,
    #: funding; None = not said)
    selectors: Mapping[str, str | None] = field(default_factory=dict)
    #: the year that decides which figures are dated (``None``: the clock's year)
    current_year: int | None = None

    @property
    def id(self) -> str:
        return self.kpi.id

    def verdicts(self) -> list[str]:
        """Verdicts of every comparison with one (the full table, older editions included)."""
        return [c.verdict for c in self.comparisons if c.verdict is not None]

    def counted(self) -> list[BenchmarkComparison]:
        """The comparisons that count: each publication once (its newest edition)."""
        return [c for c in self.comparisons if c.superseded_by is None]

    @functools.cached_property
    def main_comparison(self) -> BenchmarkComparison | None:
        """The main benchmark's comparison (also when the KPI itself is not computable)."""
        return choose_main(self.comparisons, self.selectors, self.kpi.spec.unit,
                           year=self.current_year)

    @property
    def main_benchmark(self) -> str | None:
        """Id of the main benchmark, ``None`` when no benchmark matches."""
        main = self.main_comparison
        return main.benchmark.id if main is not None else None

    @property
    def verdict(self) -> str | None:
        """The KPI-level verdict: the main benchmark's (see the class docstring)."""
        main = self.main_comparison
        if main is None or self.kpi.value is None or self.kpi.spec.higher_is_better is None:
            return None
        return main.verdict if main.verdict in VERDICTS else NOT_COMPARABLE

    @property
    def verdict_note(self) -> str | None:
        """The caveats of the KPI-level verdict in words, ``None`` when there are none."""
        main = self.main_comparison
        if main is None or self.verdict is None:
            return None
        notes: list[str] = []
        if self.verdict == NOT_COMPARABLE and main.reason:
            notes.append(main.reason)
        notes += [c for c in main.caveats if c not in notes]
        if main.benchmark.status == "U":
            notes.append(tr("based on an unverified figure (source not found)"))
        dated = dated_note(main.benchmark, self.current_year)
        if dated:
            notes.append(dated)
        if not is_central(main.benchmark):
            statistic = main.benchmark.statistic
            if statistic in _NOT_CENTRAL_NOTES:
                notes.append(tr(_NOT_CENTRAL_NOTES[statistic]))
            else:
                notes.append(tr("against {kind}, not a median: no central figure is published "
                                "for your segment", kind=statistic))
        return "; ".join(notes) or None

    def to_dict(self) -> dict[str, Any]:
        data = self.kpi.to_dict()
        main = self.main_comparison
        data["verdict"] = self.verdict
        data["main_benchmark"] = self.main_benchmark
        data["verdict_note"] = self.verdict_note
        data["position"] = main.position if main is not None and self.verdict is not None else None
        data["benchmarks"] = [c.to_dict(self.current_year) for c in self.comparisons]
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
        """KPI-level verdicts, each KPI once: better, in_line, worse, not_comparable."""
        counts = {v: 0 for v in KPI_VERDICTS}
        for item in self.kpis:
            if item.verdict is not None:
                counts[item.verdict] += 1
        return counts

    def comparison_counts(self) -> dict[str, int]:
        """Verdicts of every counted comparison (each publication once per KPI)."""
        counts = {v: 0 for v in VERDICTS}
        for item in self.kpis:
            for comparison in item.counted():
                if comparison.verdict is not None:
                    counts[comparison.verdict] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "snapshot": self.snapshot.to_dict(),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "verdict_counts": self.verdict_counts(),
            "kpis": [k.to_dict() for k in self.kpis],
        })


def compare_one(result: KpiResult, benchmark: Benchmark, *, margin_given: bool | None = None,
                snapshot_period: str | None = None) -> BenchmarkComparison:
    """Compare one computed KPI with one benchmark (conversion first, then verdict).

    Parameters
    ----------
    result : the KPI's value.
    benchmark : the published figure.
    margin_given : whether the snapshot has a gross margin (``None``: read from the calculation).
    snapshot_period : the period the snapshot covers (``None``: the KPI value's period); a
        single month compounded to a year is flagged as noisy.
    """
    spec = result.spec
    if result.value is None:
        return BenchmarkComparison(benchmark, None, None, reason=result.reason)
    if benchmark.unit != spec.unit:
        return BenchmarkComparison(
            benchmark, None, None,
            reason=tr("the benchmark is in {benchmark_unit}, the KPI in {kpi_unit}: no conversion "
                      "possible", benchmark_unit=benchmark.unit, kpi_unit=spec.unit),
        )
    value = result.value
    note = None
    notes: list[str] = []
    if spec.period_kind is not None and result.period != benchmark.period:
        try:
            value, note = convert(value, spec.period_kind, result.period, benchmark.period)
        except ConversionError as exc:
            return BenchmarkComparison(benchmark, None, None, reason=str(exc))
        if spec.period_kind == "retention" and benchmark.period == "year":
            note += "; " + tr("an approximation: published annual retention follows the same "
                              "customers for 12 months")
    elif spec.period_kind is None and benchmark.period != NO_PERIOD:
        stated = _STATED_PER.get(benchmark.period)
        note = (tr(stated) if stated is not None else
                tr("the benchmark is stated per {period}; this KPI is compared as it is",
                   period=benchmark.period))
    if spec.unit == "currency" and benchmark.unit == "currency":
        note = (note + "; " if note else "") + tr("benchmark amounts are in USD and not converted")
    noisy = compounding_caveat(spec.period_kind, snapshot_period or result.period,
                                       benchmark.period)
    notes += [c for c in (noisy, approximate_caveat(benchmark)) if c]
    mismatch = definition_mismatch(result, benchmark, margin_given)
    if mismatch is not None:
        return BenchmarkComparison(benchmark, value, None, conversion_note=note, reason=mismatch,
                                   caveats=(mismatch, *notes))
    if spec.unit == "fraction" and spec.period_kind is None and result.value > 1:
        return BenchmarkComparison(
            benchmark, value, None, conversion_note=note,
            reason=tr("a conversion rate above 100 % cannot be compared: the two counts probably "
                      "do not describe the same people or period (check the inputs)"))
    if spec.higher_is_better is None:
        return BenchmarkComparison(benchmark, value, None, conversion_note=note,
                                   reason=tr("a size figure has no better or worse side"))
    judgement = judge(value, benchmark, spec.higher_is_better)
    reference, gap = judgement.reference, judgement.gap
    relative = gap / abs(reference) if reference else None
    place = position(value, benchmark, spec.higher_is_better, judgement)
    return BenchmarkComparison(benchmark, value, judgement.verdict, reference, gap, relative, note,
                               percentile_rank=place.percentile_rank, position=place.text,
                               caveats=tuple(notes))


def compare_kpi(result: KpiResult, benchmarks: Sequence[Benchmark],
                selectors: Mapping[str, str | None], *, margin_given: bool | None = None,
                snapshot_period: str | None = None, current_year: int | None = None) -> KpiComparison:
    """One KPI against its matching benchmarks: comparisons, editions grouped, main benchmark.

    Parameters
    ----------
    result : the KPI's value.
    benchmarks : the rows matching the user's context, in catalogue order.
    selectors : the user's segment choices.
    margin_given, snapshot_period : see :func:`compare_one`.
    current_year : the year that decides which figures are dated (``None``: the clock's).
    """
    compared = [compare_one(result, b, margin_given=margin_given, snapshot_period=snapshot_period)
                for b in benchmarks]
    kept = mark_editions(compared, selectors, result.spec.unit, year=current_year)
    compared = [c if by is None else dataclasses.replace(c, superseded_by=by)
                for c, by in zip(compared, kept)]
    return KpiComparison(result, tuple(compared), selectors, current_year)


def compare(snapshot: Snapshot, catalogue: Sequence[Benchmark] | None = None, *,
            current_year: int | None = None) -> ComparisonReport:
    """Compute every KPI of ``snapshot`` and compare it with every matching benchmark.

    Parameters
    ----------
    snapshot : the user's numbers and context.
    catalogue : benchmarks to use; the shipped catalogue when ``None``. A user catalogue can be
        appended to the shipped one by the caller.
    current_year : the year that decides which figures are dated (``None``: the clock's).
    """
    if catalogue is None:
        catalogue = load_catalogue()
    selectors = snapshot.context.selectors()
    by_kpi: dict[str, list[Benchmark]] = {}
    for benchmark in catalogue:
        if benchmark.matches(selectors):
            by_kpi.setdefault(benchmark.kpi, []).append(benchmark)
    margin_given = snapshot.get("gross_margin") is not None
    items = tuple(
        compare_kpi(result, by_kpi.get(result.id, []), selectors, margin_given=margin_given,
                    snapshot_period=snapshot.context.period, current_year=current_year)
        for result in compute_kpis(snapshot))
    warnings = tuple(w.message for w in input_warnings(snapshot))
    return ComparisonReport(snapshot, items, warnings)


def primary_comparison(item: KpiComparison) -> BenchmarkComparison | None:
    """The KPI's main benchmark comparison, for every single-figure view (overview chart, funnel,
    focus list, report). ``None`` when the KPI has no value or no benchmark.

    The rule is :func:`funnel_core.benchmarks.matching.choose_main`; every other benchmark stays
    visible in the full table.
    """
    main = item.main_comparison
    if main is None or main.user_value is None:
        return None
    return main

"""A scenario beside the baseline: every KPI, verdict and percentile before and after, and the
difference in MRR and customers.

:func:`compare_scenario` compares the current snapshot (the *baseline*) and the snapshot with
the scenario's changes (:mod:`funnel_core.metrics.scenario`) against the same benchmark
catalogue, so each KPI's verdict and percentile come from its main benchmark on both sides
(:attr:`KpiComparison.verdict`, :attr:`BenchmarkComparison.percentile_rank`). The difference
in MRR and customers is given for the current period (MRR and paying accounts at its end, had
the period gone as in the scenario) and for every month of the projection
(:mod:`funnel_core.metrics.projection`), where both start from today's MRR and customers and
the scenario's rates apply from month 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import ComparisonReport, KpiComparison, compare
from funnel_core.domain.i18n import tr
from funnel_core.domain.json_safe import sanitize
from funnel_core.domain.model import Snapshot
from funnel_core.metrics.projection import (DEFAULT_MONTHS, Projection, ProjectionError,
                                            customers_at_end, project)
from funnel_core.metrics.scenario import AppliedChange, Scenario

__all__ = ["KpiSideBySide", "ScenarioComparison", "compare_scenario", "side_by_side"]


@dataclass(frozen=True)
class KpiSideBySide:
    """One KPI before (baseline) and after (scenario).

    ``verdict_*`` is the KPI-level verdict against its main benchmark (``None`` when not
    computable or without a benchmark); ``percentile_*`` the percentile rank against it where
    the source publishes a spread; ``position_*`` where the value stands, in words.
    """

    kpi: str
    label: str
    unit: str
    period: str
    before: float | None
    after: float | None
    verdict_before: str | None
    verdict_after: str | None
    percentile_before: float | None
    percentile_after: float | None
    position_before: str | None
    position_after: str | None
    main_benchmark: str | None

    @property
    def changed(self) -> bool:
        """The value or the verdict differs between baseline and scenario."""
        return self.before != self.after or self.verdict_before != self.verdict_after

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "kpi": self.kpi, "label": self.label, "unit": self.unit, "period": self.period,
            "before": self.before, "after": self.after, "difference": _difference(self.before, self.after),
            "verdict_before": self.verdict_before, "verdict_after": self.verdict_after,
            "percentile_before": self.percentile_before, "percentile_after": self.percentile_after,
            "position_before": self.position_before, "position_after": self.position_after,
            "main_benchmark": self.main_benchmark, "changed": self.changed,
        })


def _difference(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _place(item: KpiComparison) -> tuple[float | None, str | None]:
    main = item.main_comparison
    if main is None or item.verdict is None:
        return None, None
    return main.percentile_rank, main.position


def side_by_side(baseline: ComparisonReport, scenario: ComparisonReport) -> tuple[KpiSideBySide, ...]:
    """Every KPI of ``baseline`` beside the same KPI of ``scenario`` (same order)."""
    rows = []
    for before in baseline.kpis:
        after = scenario.get(before.id)
        p_before, pos_before = _place(before)
        p_after, pos_after = _place(after)
        rows.append(KpiSideBySide(
            before.id, before.kpi.spec.label, before.kpi.spec.unit, before.kpi.period,
            before.kpi.value, after.kpi.value, before.verdict, after.verdict, p_before, p_after,
            pos_before, pos_after, after.main_benchmark or before.main_benchmark))
    return tuple(rows)


@dataclass(frozen=True)
class ScenarioComparison:
    """The baseline and one scenario, side by side.

    Attributes
    ----------
    name : the scenario's name.
    baseline, scenario : the two comparisons (same catalogue).
    changes : the inputs the scenario changed (before and after).
    rows : every KPI side by side.
    baseline_projection, scenario_projection : the projections (``None`` when the snapshot
        cannot be projected; ``projection_note`` says why).
    """

    name: str
    baseline: ComparisonReport
    scenario: ComparisonReport
    changes: tuple[AppliedChange, ...]
    rows: tuple[KpiSideBySide, ...]
    baseline_projection: Projection | None
    scenario_projection: Projection | None
    projection_note: str | None = None

    def mrr_end(self, side: str) -> float | None:
        """MRR at the end of the current period, ``side`` ``"baseline"`` or ``"scenario"``."""
        return getattr(self, side).get("mrr_end").kpi.value

    def customers_end(self, side: str) -> float | None:
        """Paying accounts at the end of the current period."""
        return customers_at_end(getattr(self, side).snapshot)

    def period_difference(self) -> dict[str, Any]:
        """MRR and customers at the end of the current period: baseline, scenario, difference."""
        out: dict[str, Any] = {"period": self.baseline.snapshot.context.period}
        for name, read in (("mrr_end", self.mrr_end), ("customers_end", self.customers_end)):
            before, after = read("baseline"), read("scenario")
            out[name] = {"baseline": before, "scenario": after, "difference": _difference(before, after)}
        return out

    def month_differences(self) -> list[dict[str, Any]]:
        """Per projected month (0 = end of the current period): MRR, customers and ARR on both
        sides and their differences. Empty when there is no projection."""
        if self.baseline_projection is None or self.scenario_projection is None:
            return []
        rows = []
        for b, s in zip(self.baseline_projection.all_months(), self.scenario_projection.all_months()):
            rows.append({"month": b.month, "mrr_baseline": b.mrr, "mrr_scenario": s.mrr,
                         "mrr_difference": s.mrr - b.mrr, "customers_baseline": b.customers,
                         "customers_scenario": s.customers,
                         "customers_difference": _difference(b.customers, s.customers),
                         "arr_baseline": b.arr, "arr_scenario": s.arr,
                         "arr_difference": s.arr - b.arr})
        return rows

    def to_dict(self) -> dict[str, Any]:
        def side(report: ComparisonReport, projection: Projection | None, name: str) -> dict[str, Any]:
            data = report.to_dict()
            data["mrr_end"] = self.mrr_end(name)
            data["customers_end"] = self.customers_end(name)
            data["projection"] = projection.to_dict() if projection is not None else None
            return data

        return sanitize({
            "name": self.name,
            "changes": [c.to_dict() for c in self.changes],
            "baseline": side(self.baseline, self.baseline_projection, "baseline"),
            "scenario": side(self.scenario, self.scenario_projection, "scenario"),
            "side_by_side": [r.to_dict() for r in self.rows],
            "difference": {**self.period_difference(), "months": self.month_differences()},
            "projection_note": self.projection_note,
        })


def compare_scenario(snapshot: Snapshot, scenario: Scenario,
                     catalogue: Sequence[Benchmark] | None = None, months: int = DEFAULT_MONTHS,
                     baseline: ComparisonReport | None = None) -> ScenarioComparison:
    """Compare ``snapshot`` with ``scenario`` applied to it.

    Parameters
    ----------
    snapshot : the current numbers (the baseline).
    scenario : the changes.
    catalogue : the benchmarks (the shipped catalogue when ``None``); the same on both sides.
    months : the projection horizon.
    baseline : the baseline's comparison when the caller has it already (must be of
        ``snapshot`` with ``catalogue``).

    Raises
    ------
    funnel_core.metrics.scenario.ScenarioError
        A change the snapshot cannot take (named in the message).
    """
    changed, applied = scenario.apply(snapshot)
    before = baseline if baseline is not None else compare(snapshot, catalogue)
    after = compare(changed, catalogue)
    notes: list[str] = []

    def projected(which: Snapshot, name: str, start: Projection | None = None) -> Projection | None:
        try:
            return project(which, months, start_from=start.start if start is not None else None)
        except ProjectionError as exc:
            notes.append(tr("{side}: {error}", side=name, error=exc))
            return None

    base_projection = projected(snapshot, tr("your numbers"))
    # the scenario starts where the company is today; its rates apply from month 1
    scenario_projection = projected(changed, tr("the scenario"), base_projection)
    note = tr("No projection for {sides}", sides="; ".join(notes)) if notes else None
    return ScenarioComparison(scenario.name, before, after, applied, side_by_side(before, after),
                              base_projection, scenario_projection, note)

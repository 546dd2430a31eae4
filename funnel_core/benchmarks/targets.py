"""What would it take: for each KPI worse than its main benchmark, the input value that reaches it.

For every KPI whose KPI-level verdict is ``worse`` (:attr:`KpiComparison.verdict`, against its
main benchmark), :func:`find_targets` gives

1. the benchmark's **central figure** (:func:`central_figure`): the median (or the average)
   when published, else the middle of a range or of P25-P75, the "good" level of good/great
   levels, or the bound of a target, threshold or concern level; converted to the KPI's own
   period by compounding when they differ (an annual churn median becomes a monthly churn);
2. the value of the KPI's one input (its *lever*, :data:`funnel_core.metrics.levers.LEVERS`)
   that brings the KPI to that figure, all other inputs equal except what moves with the lever
   at your own rates (:func:`funnel_core.metrics.levers.knock_on`), solved from the formula or
   by bisection and checked by recomputing the KPI; or, when no value of that input reaches it,
   "not reachable by <input> alone" and why (gross revenue retention cannot exceed 100 %;
   contraction alone loses more than the benchmark allows...);
3. what it is worth: projected MRR (and customers) in month 12 at the new inputs' rates minus
   the projection at today's rates, both from where the company is today
   (:mod:`funnel_core.metrics.projection`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import ComparisonReport, KpiComparison, compare_one
from funnel_core.domain.constants import FIELDS_BY_NAME, NO_PERIOD
from funnel_core.domain.formatting import format_value, localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr
from funnel_core.domain.json_safe import sanitize
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import ConversionError, convert
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi
from funnel_core.metrics.levers import LEVERS, NoLever, Unreachable, apply_lever, lower, solve_lever
from funnel_core.metrics.projection import DEFAULT_MONTHS, Projection, ProjectionError, project

__all__ = ["Target", "TargetChange", "central_figure", "field_text", "find_targets", "kpi_text",
           "lower"]


@dataclass(frozen=True)
class TargetChange:
    """One input of a target's scenario: the lever, or an input that moves with it."""

    field: str
    label: str
    before: float | None
    after: float

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Target:
    """The input value that brings one worse-than-benchmark KPI to its main benchmark.

    Attributes
    ----------
    kpi, label, unit : the KPI.
    field, field_label : its lever (``None`` when no single input moves it).
    current : the lever's value today; ``required`` the value that reaches the figure
        (``None`` when not reachable).
    reachable : whether some value of the lever reaches it; ``reason`` says why not, in words.
    direction : ``"at most"`` or ``"at least"`` (``None`` when not reachable).
    benchmark_id, reference, reference_name, benchmark_period, source : the main benchmark's
        central figure (in the benchmark's period and unit) and where it comes from.
    kpi_value : the KPI today; ``kpi_target`` the figure in the KPI's own period
        (``kpi_period``); ``kpi_after`` the KPI recomputed with the new inputs.
    verdict_after : the verdict against the same benchmark with the new inputs.
    changes : the target as a scenario: the lever first, then what moves with it.
    worth_mrr_12m, worth_customers_12m : projected MRR and customers in month 12 with the
        changes minus without; ``None`` when the projection is not possible (``worth_note``).
    text : the whole target in one sentence.
    """

    kpi: str
    label: str
    unit: str
    field: str | None
    field_label: str | None
    current: float | None
    required: float | None
    reachable: bool
    reason: str | None
    direction: str | None
    benchmark_id: str
    reference: float
    reference_name: str
    benchmark_period: str
    source: str
    kpi_value: float
    kpi_target: float
    kpi_period: str
    kpi_after: float | None
    verdict_after: str | None
    changes: tuple[TargetChange, ...]
    worth_mrr_12m: float | None
    worth_customers_12m: float | None
    worth_note: str | None
    text: str

    def scenario_values(self) -> dict[str, float]:
        """The changes as ``{field: new value}``, for a scenario ("Try this")."""
        return {c.field: c.after for c in self.changes}

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "kpi": self.kpi, "label": self.label, "unit": self.unit, "field": self.field,
            "field_label": self.field_label, "current": self.current, "required": self.required,
            "reachable": self.reachable, "reason": self.reason, "direction": self.direction,
            "benchmark_id": self.benchmark_id, "reference": self.reference,
            "reference_name": self.reference_name, "benchmark_period": self.benchmark_period,
            "source": self.source, "kpi_value": self.kpi_value, "kpi_target": self.kpi_target,
            "kpi_period": self.kpi_period, "kpi_after": self.kpi_after,
            "verdict_after": self.verdict_after, "changes": [c.to_dict() for c in self.changes],
            "worth_mrr_12m": self.worth_mrr_12m, "worth_customers_12m": self.worth_customers_12m,
            "worth_note": self.worth_note, "text": self.text,
        })


#: The names :func:`central_figure` gives (English; they stay so in ``Target.reference_name``).
_NAMES = (mark("median"), mark("average"), mark("good level"), mark("middle of P25-P75"),
          mark("middle of the range"), mark("threshold"), mark("concern level"), mark("target"))
#: The figure a target aims at in a sentence, by its name.
_FIGURE: dict[str, str] = {
    "median": mark("the median {value} of {source}"),
    "average": mark("the average {value} of {source}"),
    "good level": mark("the good level {value} of {source}"),
    "middle of P25-P75": mark("the middle of P25-P75 {value} of {source}"),
    "middle of the range": mark("the middle of the range {value} of {source}"),
    "threshold": mark("the threshold {value} of {source}"),
    "concern level": mark("the concern level {value} of {source}"),
    "target": mark("the target {value} of {source}"),
}
#: A KPI value with its period.
_PER_PERIOD: dict[str, str] = {
    "month": mark("{value} per month"),
    "quarter": mark("{value} per quarter"),
    "year": mark("{value} per year"),
}
#: An input's amount per the snapshot's period (" a month").
_A_PERIOD: dict[str, str] = {"month": mark("a month"), "quarter": mark("a quarter"),
                             "year": mark("a year")}
AT_MOST = mark("at most")
AT_LEAST = mark("at least")


def central_figure(benchmark: Benchmark, higher_is_better: bool) -> tuple[float, str] | None:
    """The figure a target aims at, and its name in words.

    The median (or average) when published; else the middle of a range or of P25-P75; the
    "good" level of good/great levels (read as a typical company, as the percentile does); the
    bound of a target, threshold or concern level. ``None`` when the row has no figure.
    """
    b = benchmark
    if b.median is not None:
        return b.median, ("average" if b.statistic == "average" else "median")
    if b.low is not None and b.high is not None:
        if b.statistic == "good_great":
            return (b.low if higher_is_better else b.high), "good level"
        middle = "middle of P25-P75" if b.statistic == "quartiles" else "middle of the range"
        return (b.low + b.high) / 2, middle
    bound = b.low if b.low is not None else b.high
    if bound is None:
        return None
    return bound, {"threshold": "threshold", "concern": "concern level"}.get(b.statistic, "target")


def field_text(field: str, value: float | None, currency: str) -> str:
    """An input value in words: money with its currency, counts to 0.1, fractions in %."""
    if value is None:
        return tr("not given")
    kind = FIELDS_BY_NAME[field].kind
    if kind == "money":
        return format_value(value, "currency", currency)
    if kind == "fraction":
        return format_value(value, "fraction")
    if current_language() != DEFAULT_LANGUAGE:
        return localised_number(value, 0 if round(value, 1).is_integer() else 1)
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


#: Inputs that are levels or survey answers, not amounts per period ("a month" is not said).
_NOT_PER_PERIOD = frozenset({"nps_promoters", "nps_passives", "nps_detractors", "employees",
                             "customers_start", "mrr_start", "arr_year_ago"})


def kpi_text(value: float | None, unit: str, period: str, currency: str) -> str:
    """A KPI value with its period when it has one: ``"3.3 % per month"``."""
    text = format_value(value, unit, currency)
    if period == NO_PERIOD:
        return text
    if period in _PER_PERIOD:
        return tr(_PER_PERIOD[period], value=text)
    return tr("{value} per {period}", value=text, period=period)


def _wanted(item: KpiComparison, figure: float, benchmark: Benchmark) -> float:
    """The central figure in the KPI's own period (compounded when the periods differ)."""
    spec, result = item.kpi.spec, item.kpi
    if spec.period_kind is None or benchmark.period in (result.period, NO_PERIOD):
        return figure
    value, _ = convert(figure, spec.period_kind, benchmark.period, result.period)
    return value


def _worth(snapshot: Snapshot, changed: Snapshot, baseline: Projection | None,
           baseline_error: str | None, months: int) -> tuple[float | None, float | None, str | None]:
    if baseline is None:
        return None, None, tr("MRR not projected: {error}", error=baseline_error)
    try:
        after = project(changed, months, start_from=baseline.start)
    except ProjectionError as exc:
        return None, None, tr("MRR not projected with the new inputs: {error}", error=exc)
    mrr = after.last().mrr - baseline.last().mrr
    before_c, after_c = baseline.last().customers, after.last().customers
    customers = None if before_c is None or after_c is None else after_c - before_c
    note = None
    if abs(mrr) < 0.005 and not customers:
        note = tr("this input does not change MRR or customers in the projection")
    return mrr, customers, note


def _sentence(t: dict[str, Any], snapshot: Snapshot) -> str:
    currency, period = snapshot.context.currency, snapshot.context.period
    value = kpi_text(t['reference'], t['unit'], t['benchmark_period'], currency)
    name = t["reference_name"]
    if name in _FIGURE:
        figure = tr(_FIGURE[name], value=value, source=t["source"])
    else:
        figure = tr("the {name} {value} of {source}", name=name, value=value, source=t["source"])
    if not t["reachable"]:
        lever = (tr("by {input} alone", input=_lower(t["field_label"])) if t["field_label"]
                 else tr("by one input"))
        return tr("{kpi} to {figure}: not reachable {lever}: {reason}.", kpi=t["label"],
                  figure=figure, lever=lever, reason=t["reason"])
    field = t["field"]
    per = ("" if FIELDS_BY_NAME[field].kind == "fraction" or field in _NOT_PER_PERIOD
           else " " + (tr(_A_PERIOD[period]) if period in _A_PERIOD else tr("a {period}", period=period)))
    parts = [tr("{input} {direction} {required}{per} instead of {current} brings {kpi} to "
                "{target}, {figure}", input=t["field_label"], direction=tr(t["direction"]),
                required=field_text(field, t["required"], currency), per=per,
                current=field_text(field, t["current"], currency), kpi=_lower(t["label"]),
                target=kpi_text(t["kpi_target"], t["unit"], t["kpi_period"], currency),
                figure=figure)]
    if t["kpi_period"] != t["benchmark_period"] and t["benchmark_period"] != NO_PERIOD \
            and KPIS_BY_ID[t["kpi"]].period_kind is not None:
        parts.append(" " + tr("(converted by compounding)"))
    parts.append(".")
    moved = t["changes"][1:]
    if moved:
        changes = [tr("{input} {value} (was {before})", input=_lower(c.label),
                      value=field_text(c.field, c.after, currency),
                      before=field_text(c.field, c.before, currency)) for c in moved]
        parts.append(" " + tr("Moving with it at your own rates: {changes}.", changes="; ".join(changes)))
    if t["worth_mrr_12m"] is not None and not t["worth_note"]:
        amount = (("+" if t["worth_mrr_12m"] >= 0 else "−")
                  + format_value(abs(t["worth_mrr_12m"]), "currency", currency))
        parts.append(" " + tr("Worth {amount} MRR in month 12.", amount=amount))
    elif t["worth_note"]:
        parts.append(" " + tr("MRR: {note}.", note=t["worth_note"]))
    return "".join(parts)


def _lower(label: str) -> str:
    """A label inside a sentence (:func:`funnel_core.metrics.levers.lower`; German nouns keep
    their capitals)."""
    return label if current_language() == "de" else lower(label)


def _target(item: KpiComparison, snapshot: Snapshot, baseline: Projection | None,
            baseline_error: str | None, months: int) -> Target | None:
    main = item.main_comparison
    spec, value = item.kpi.spec, item.kpi.value
    if main is None or value is None or spec.higher_is_better is None:
        return None
    central = central_figure(main.benchmark, spec.higher_is_better)
    if central is None:
        return None
    figure, name = central
    b = main.benchmark
    t: dict[str, Any] = {
        "kpi": spec.id, "label": spec.label, "unit": spec.unit, "benchmark_id": b.id,
        "reference": figure, "reference_name": name, "benchmark_period": b.period,
        "source": b.source + (f" ({b.year})" if b.year and str(b.year) not in b.source else ""),
        "kpi_value": value, "kpi_period": item.kpi.period, "field": None, "field_label": None,
        "current": None, "required": None, "reachable": False, "reason": None, "direction": None,
        "kpi_after": None, "verdict_after": None, "changes": (), "worth_mrr_12m": None,
        "worth_customers_12m": None, "worth_note": None,
    }
    try:
        wanted = _wanted(item, figure, b)
    except ConversionError as exc:
        t.update(kpi_target=figure, reason=str(exc))
        return Target(**t, text=_sentence(t, snapshot))
    t["kpi_target"] = wanted
    try:
        solved = solve_lever(snapshot, spec.id, wanted, item.kpi.period)
    except NoLever as exc:
        t.update(reason=str(exc))
        return Target(**t, text=_sentence(t, snapshot))
    except Unreachable as exc:
        field = LEVERS[spec.id].field
        t.update(field=field, field_label=FIELDS_BY_NAME[field].label, current=snapshot.get(field),
                 reason=str(exc))
        return Target(**t, text=_sentence(t, snapshot))
    field = solved.field
    changed = apply_lever(snapshot, solved.changes)
    after = compute_kpi(spec, changed)
    verdict = compare_one(after, b, margin_given=changed.get("gross_margin") is not None,
                          snapshot_period=snapshot.context.period).verdict
    current = solved.current if solved.current is not None else 0.0
    worth = _worth(snapshot, changed, baseline, baseline_error, months)
    t.update(
        field=field, field_label=FIELDS_BY_NAME[field].label, current=solved.current,
        required=solved.required, reachable=True,
        direction=AT_MOST if solved.required < current else AT_LEAST,
        kpi_after=solved.after, verdict_after=verdict,
        changes=tuple(TargetChange(f, FIELDS_BY_NAME[f].label, snapshot.get(f), v)
                      for f, v in solved.changes.items()),
        worth_mrr_12m=worth[0], worth_customers_12m=worth[1], worth_note=worth[2])
    return Target(**t, text=_sentence(t, snapshot))


def find_targets(report: ComparisonReport, months: int = DEFAULT_MONTHS) -> list[Target]:
    """A target for every KPI of ``report`` that is worse than its main benchmark.

    Parameters
    ----------
    report : the comparison of the current snapshot.
    months : the horizon of what a target is worth (12 by default).

    Returns
    -------
    list[Target]
        Reachable targets first, largest MRR worth first (then KPI order); the KPIs no single
        input reaches follow, each with the reason in words.
    """
    snapshot = report.snapshot
    try:
        baseline: Projection | None = project(snapshot, months)
        error = None
    except ProjectionError as exc:
        baseline, error = None, str(exc)
    found = [t for item in report.kpis if item.verdict == "worse"
             for t in [_target(item, snapshot, baseline, error, months)] if t is not None]
    order = {item.id: i for i, item in enumerate(report.kpis)}
    return sorted(found, key=lambda t: (not t.reachable, -(t.worth_mrr_12m or 0.0), order[t.kpi]))

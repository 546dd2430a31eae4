"""Twelve months (or another horizon) of MRR, customers and ARR at the current period's rates.

Steady state: every month repeats the current period's rates, with no seasonality. Month 0 is
the end of the current period (MRR at end, paying accounts at end; a scenario starts from the
same month 0 as your numbers and differs from month 1 on); then, for months 1..N::

    MRR_t       = MRR_{t-1} x (1 + (expansion - contraction - churned MRR) / MRR at start)
                  + new MRR + reactivation MRR
    customers_t = customers_{t-1} x (1 - churned customers / customers at start)
                  + new customers + reactivated customers
    ARR_t       = MRR_t x 12

Movements not given count as 0 (and the notes say so); reactivations count only when given.
Numbers for a quarter or a year are converted to monthly first, and the notes say so: the two
rates by compounding (``(1 + r)^(1/m) - 1`` and ``1 - (1 - c)^(1/m)`` for ``m`` months), the
amounts (new MRR, reactivation MRR, new and reactivated customers) divided by ``m``.

No value is ever NaN or infinite; a snapshot that cannot be projected raises
:class:`ProjectionError` naming the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from funnel_core.domain.constants import FIELDS_BY_NAME
from funnel_core.domain.formatting import format_number
from funnel_core.domain.i18n import mark, tr
from funnel_core.domain.json_safe import sanitize
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import months_in
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi

__all__ = [
    "ASSUMPTION",
    "DEFAULT_MONTHS",
    "MAX_MONTHS",
    "MilestoneCrossing",
    "MonthlyRates",
    "Projection",
    "ProjectionError",
    "ProjectionMonth",
    "customers_at_end",
    "default_milestones",
    "milestone_crossings",
    "monthly_rates",
    "project",
]

#: The assumption every projection rests on, in words (shown on the chart and in the CLI).
#: English; shown with ``tr(ASSUMPTION)`` (a :class:`Projection` holds it in its language).
ASSUMPTION = mark("Steady rates from the current period, no seasonality.")
DEFAULT_MONTHS = 12
MAX_MONTHS = 120
_MOVEMENTS = ("mrr_expansion", "mrr_contraction", "mrr_churned", "mrr_new")
#: The note of a projection from a quarter's or a year's numbers, by period (English; translated).
_COVER: dict[str, str] = {
    "quarter": mark("Your numbers cover a quarter: converted to monthly first, the rates by compounding "
                    "((1 + r)^(1/{m}) - 1 for existing MRR, 1 - (1 - c)^(1/{m}) for customer churn) and "
                    "the amounts (new and reactivation MRR, new and reactivated customers) divided by {m}."),
    "year": mark("Your numbers cover a year: converted to monthly first, the rates by compounding "
                 "((1 + r)^(1/{m}) - 1 for existing MRR, 1 - (1 - c)^(1/{m}) for customer churn) and "
                 "the amounts (new and reactivation MRR, new and reactivated customers) divided by {m}."),
}


class ProjectionError(ValueError):
    """The snapshot cannot be projected; the message names the missing or contradicting input."""


@dataclass(frozen=True)
class MonthlyRates:
    """The current period's movements per month, as the projection repeats them.

    Attributes
    ----------
    mrr_now, customers_now : month 0: MRR at end and paying accounts at end of the current
        period (``customers_now`` is ``None`` when the customer inputs are not given).
    existing_mrr_rate : (expansion - contraction - churned MRR) / MRR at start, per month.
    new_mrr, reactivation_mrr : amounts added per month.
    customer_churn_rate : churned customers / customers at start, per month (``None`` without
        customer inputs).
    new_customers, reactivated_customers : accounts added per month.
    period : the period the inputs cover (``month``, ``quarter``, ``year``).
    notes : what was assumed or converted, in words.
    """

    mrr_now: float
    customers_now: float | None
    existing_mrr_rate: float
    new_mrr: float
    reactivation_mrr: float
    customer_churn_rate: float | None
    new_customers: float
    reactivated_customers: float
    period: str
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return sanitize({
            "mrr_now": self.mrr_now, "customers_now": self.customers_now,
            "existing_mrr_rate": self.existing_mrr_rate, "new_mrr": self.new_mrr,
            "reactivation_mrr": self.reactivation_mrr,
            "customer_churn_rate": self.customer_churn_rate, "new_customers": self.new_customers,
            "reactivated_customers": self.reactivated_customers, "period": self.period,
            "notes": list(self.notes)})


@dataclass(frozen=True)
class ProjectionMonth:
    """One month of a projection (month 0 = the end of the current period)."""

    month: int
    mrr: float
    customers: float | None
    arr: float

    def to_dict(self) -> dict:
        return sanitize({"month": self.month, "mrr": self.mrr, "customers": self.customers,
                         "arr": self.arr})


@dataclass(frozen=True)
class MilestoneCrossing:
    """The first month a measure reaches ``level`` (``month`` is ``None`` when it does not
    within the horizon; ``already`` when month 0 is at or above it)."""

    level: float
    measure: str
    month: int | None
    already: bool = False


@dataclass(frozen=True)
class Projection:
    """A projection: month 0 (``start``), months 1..N, the rates it used and the notes."""

    start: ProjectionMonth
    months: tuple[ProjectionMonth, ...]
    rates: MonthlyRates
    assumption: str = ASSUMPTION

    @property
    def notes(self) -> tuple[str, ...]:
        return self.rates.notes

    def all_months(self) -> tuple[ProjectionMonth, ...]:
        """Month 0 then months 1..N."""
        return (self.start, *self.months)

    def last(self) -> ProjectionMonth:
        return self.months[-1] if self.months else self.start

    def crossing(self, level: float, measure: str = "arr") -> MilestoneCrossing:
        """The first month ``measure`` (``"arr"`` or ``"mrr"``) reaches ``level``.

        Crossing means the month before was below ``level`` and this month is at or above it;
        a projection that starts at or above ``level`` has ``already=True`` and no month.
        """
        values = [getattr(m, measure) for m in self.all_months()]
        if values[0] >= level:
            return MilestoneCrossing(level, measure, None, already=True)
        for month, value in zip(self.all_months()[1:], values[1:]):
            if value >= level:
                return MilestoneCrossing(level, measure, month.month)
        return MilestoneCrossing(level, measure, None)

    def to_dict(self) -> dict:
        return sanitize({"assumption": self.assumption, "notes": list(self.notes),
                         "rates": self.rates.to_dict(), "start": self.start.to_dict(),
                         "months": [m.to_dict() for m in self.months]})


def _given(snapshot: Snapshot, name: str) -> float:
    value = snapshot.get(name)
    return float(value) if value is not None else 0.0


def _label(name: str) -> str:
    return f"{FIELDS_BY_NAME[name].label} ({name})"


def _mrr_now(snapshot: Snapshot) -> float:
    if snapshot.get("mrr_start") is None:
        raise ProjectionError(tr("the projection needs {input} and at least one MRR movement (new, "
                                 "expansion, contraction or churned MRR)", input=_label("mrr_start")))
    result = compute_kpi(KPIS_BY_ID["mrr_end"], snapshot)
    if result.value is None:
        raise ProjectionError(tr("MRR at end cannot be computed: {reason}", reason=result.reason))
    return result.value


def _customers(snapshot: Snapshot) -> tuple[float | None, float | None, str | None]:
    """(customers now, churn rate per period, note when customers are not projected)."""
    names = ("customers_start", "new_customers", "customers_churned")
    missing = [n for n in names if snapshot.get(n) is None]
    if missing:
        return None, None, tr("Customers are not projected: {inputs} not given.",
                              inputs=", ".join(_label(n) for n in missing))
    start, new, churned = (_given(snapshot, n) for n in names)
    reactivated = _given(snapshot, "customers_reactivated")
    if churned > start:
        raise ProjectionError(tr("churned customers ({churned}) exceed customers at start ({start}); "
                                 "check the inputs", churned=format_number(churned),
                                 start=format_number(start)))
    rate = churned / start if start > 0 else 0.0
    return start + new + reactivated - churned, rate, None


def customers_at_end(snapshot: Snapshot) -> float | None:
    """Paying accounts at the end of the period (start + new + reactivated - churned); ``None``
    when a customer input is missing or more customers churned than there were."""
    try:
        return _customers(snapshot)[0]
    except ProjectionError:
        return None


def monthly_rates(snapshot: Snapshot) -> MonthlyRates:
    """The current period's rates and amounts per month (see the module docstring).

    Raises
    ------
    ProjectionError
        MRR at start is missing, MRR at end is not computable (the reason is given), MRR at
        start is zero while existing customers expanded, contracted or churned, or more
        customers churned than there were.
    """
    mrr_now = _mrr_now(snapshot)
    notes: list[str] = []
    start = _given(snapshot, "mrr_start")
    expansion, contraction, churned_mrr, new_mrr = (_given(snapshot, n) for n in _MOVEMENTS)
    missing = [FIELDS_BY_NAME[n].label for n in _MOVEMENTS if snapshot.get(n) is None]
    if missing:
        notes.append(tr("Not given, taken as 0: {inputs}.", inputs=", ".join(missing)))
    change = expansion - contraction - churned_mrr
    if start > 0:
        rate = change / start
    elif change == 0:
        rate = 0.0
    else:
        raise ProjectionError(tr("{input} is zero, so the change of existing MRR (expansion - "
                                 "contraction - churned) has no base", input=_label("mrr_start")))
    if rate < -1:
        raise ProjectionError(tr("contraction and churned MRR exceed MRR at start and expansion; "
                                 "check the inputs"))
    customers_now, churn, customer_note = _customers(snapshot)
    if customer_note:
        notes.append(customer_note)
    period = snapshot.context.period
    m = months_in(period)
    amounts = [new_mrr, _given(snapshot, "mrr_reactivation"), _given(snapshot, "new_customers"),
               _given(snapshot, "customers_reactivated")]
    if m > 1:
        rate = (1 + rate) ** (1 / m) - 1
        churn = None if churn is None else 1 - (1 - churn) ** (1 / m)
        amounts = [a / m for a in amounts]
        notes.append(tr(_COVER[period], m=m))
    return MonthlyRates(mrr_now, customers_now, rate, amounts[0], amounts[1], churn, amounts[2],
                        amounts[3], period, tuple(notes))


def project(snapshot: Snapshot, months: int = DEFAULT_MONTHS, *,
            start_from: ProjectionMonth | None = None) -> Projection:
    """Project MRR, customers and ARR for ``months`` months (1 to :data:`MAX_MONTHS`).

    Parameters
    ----------
    snapshot : the current period's numbers (any period; converted to monthly first).
    months : the horizon in months.
    start_from : month 0 to start from instead of the snapshot's own end of period. A scenario
        starts from where the company really is (the baseline's month 0) and only its rates
        differ from month 1 on: a scenario cannot change the period that has passed.

    Returns
    -------
    Projection
        Month 0 is the end of the current period; months 1..N follow the recurrence of the
        module docstring. Customers are ``None`` when their inputs are not given.

    Raises
    ------
    ProjectionError
        See :func:`monthly_rates`; also a horizon outside 1..:data:`MAX_MONTHS`.
    """
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_MONTHS:
        raise ProjectionError(tr("the horizon must be a whole number of months from 1 to {max}, "
                                 "not {value}", max=MAX_MONTHS, value=repr(months)))
    rates = monthly_rates(snapshot)
    mrr, customers = rates.mrr_now, rates.customers_now
    if start_from is not None:
        mrr = start_from.mrr
        customers = start_from.customers if start_from.customers is not None else customers
    start = ProjectionMonth(0, mrr, customers, mrr * 12)
    out: list[ProjectionMonth] = []
    for month in range(1, months + 1):
        mrr = mrr * (1 + rates.existing_mrr_rate) + rates.new_mrr + rates.reactivation_mrr
        if customers is not None and rates.customer_churn_rate is not None:
            customers = (customers * (1 - rates.customer_churn_rate) + rates.new_customers
                         + rates.reactivated_customers)
        out.append(ProjectionMonth(month, mrr, customers, mrr * 12))
    return Projection(start, tuple(out), rates, tr(ASSUMPTION))


#: Round ARR levels worth marking: 1, 2 and 5 times each power of ten from 100,000.
_STEPS = (1, 2, 5)


def default_milestones(projections: Sequence[Projection], measure: str = "arr",
                       limit: int = 3) -> list[float]:
    """Round levels (1, 2, 5 x 10^k from 100,000) worth marking on a chart of ``projections``.

    The levels above month 0 of the first projection that some projection reaches within its
    horizon, at most ``limit`` (the lowest first); when none is reached, the next level above.
    """
    if not projections:
        return []
    now = getattr(projections[0].start, measure)
    top = max(getattr(m, measure) for p in projections for m in p.all_months())
    levels: list[float] = []
    power = 100_000.0
    while power <= 1e13:
        for step in _STEPS:
            level = step * power
            if level > now:
                levels.append(level)
        power *= 10
    reached = [level for level in levels if level <= top]
    return reached[:limit] if reached else levels[:1]


def milestone_crossings(projection: Projection, levels: Sequence[float],
                        measure: str = "arr") -> list[MilestoneCrossing]:
    """:meth:`Projection.crossing` for each of ``levels``."""
    return [projection.crossing(level, measure) for level in levels]

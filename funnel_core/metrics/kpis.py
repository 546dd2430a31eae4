"""KPI formulas. Each KPI knows its formula, inputs, unit and which direction is better.

Conventions
-----------
- Rates are fractions (0.07 is 7 %). Money is in the snapshot's currency.
- A KPI whose input is missing or whose denominator is zero is *not computable*: its value is
  ``None`` and ``reason`` says which input is missing or zero. No KPI ever returns NaN or inf.
- ``period`` of a result is the period its value is measured over: ``"none"`` for ratios that
  do not depend on the period length (conversion rates, CAC), ``"month"`` for monthly figures,
  or the snapshot's period for retention measured over it.
- Definitions follow ``shared/BENCHMARKS.md`` section C (churn = lost / customers at start;
  annual churn by compounding, never x12; LTV = ARPA / monthly churn; NPS = %promoters - %detractors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

from funnel_core.domain.constants import FIELDS_BY_NAME, KPI_IDS, NO_PERIOD
from funnel_core.domain.formatting import format_number
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import ConversionError, convert_churn, months_in

PeriodKind = Literal["churn", "retention"] | None


class NotComputable(Exception):
    """Raised inside a formula; the message is the reason shown to the user."""


@dataclass(frozen=True)
class KpiSpec:
    """Static description of a KPI.

    Attributes
    ----------
    id : public id (see :data:`funnel_core.domain.constants.KPI_IDS`).
    label : human name.
    unit : ``fraction``, ``ratio``, ``months``, ``currency`` or ``points``.
    higher_is_better : direction used by verdicts; ``None`` for size figures (MRR, ARR) with no
        better side.
    formula : the formula in words.
    inputs : canonical fields the formula reads.
    stage : ``acquisition``, ``product_led``, ``retention_revenue``, ``unit_economics``, ``nps``.
    period_kind : how the value converts between periods: ``"churn"`` (compounds survival),
        ``"retention"`` (compounds the ratio) or ``None`` (does not depend on period length).
    description : one line for tables and tooltips.
    """

    id: str
    label: str
    unit: str
    higher_is_better: bool | None
    formula: str
    inputs: tuple[str, ...]
    stage: str
    period_kind: PeriodKind
    description: str
    compute: Callable[[Snapshot], tuple[float, str]] = field(repr=False, compare=False)


@dataclass(frozen=True)
class KpiResult:
    """The value of one KPI for one snapshot.

    ``value`` is ``None`` when not computable, and then ``reason`` says why.
    ``calculation`` is the formula with the user's numbers in it.
    """

    spec: KpiSpec
    value: float | None
    period: str
    calculation: str | None = None
    reason: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def computable(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict:
        return {
            "id": self.spec.id,
            "label": self.spec.label,
            "value": self.value,
            "unit": self.spec.unit,
            "period": self.period,
            "higher_is_better": self.spec.higher_is_better,
            "computable": self.computable,
            "reason": self.reason,
            "formula": self.spec.formula,
            "calculation": self.calculation,
            "inputs": list(self.spec.inputs),
            "warnings": list(self.warnings),
        }


# --- helpers ---------------------------------------------------------------------------------

def _need(snapshot: Snapshot, *names: str) -> list[float]:
    """Values of ``names``; raise :class:`NotComputable` naming every missing one."""
    missing = [n for n in names if snapshot.get(n) is None]
    if missing:
        labels = ", ".join(f"{FIELDS_BY_NAME[n].label} ({n})" for n in missing)
        raise NotComputable(f"missing input: {labels}")
    return [float(snapshot.get(n)) for n in names]  # type: ignore[arg-type]


def _divide(numerator: float, denominator: float, denominator_text: str) -> float:
    if denominator == 0:
        raise NotComputable(f"{denominator_text} is zero, so the ratio is not defined")
    return numerator / denominator


def _n(value: float) -> str:
    return format_number(value)


def _ratio(numerator: str, denominator: str) -> Callable[[Snapshot], tuple[float, str]]:
    """A plain conversion rate ``numerator / denominator``."""

    def compute(snapshot: Snapshot) -> tuple[float, str]:
        num, den = _need(snapshot, numerator, denominator)
        value = _divide(num, den, FIELDS_BY_NAME[denominator].label)
        return value, f"{_n(num)} / {_n(den)} = {value:.4g}"

    return compute


def _churn_in_period(snapshot: Snapshot) -> tuple[float, float, float]:
    churned, start = _need(snapshot, "customers_churned", "customers_start")
    if start == 0:
        raise NotComputable("Customers at start is zero, so churn is not defined")
    if churned > start:
        raise NotComputable(
            f"churned customers ({_n(churned)}) exceed customers at start ({_n(start)}); check the inputs"
        )
    return churned / start, churned, start


def _customer_churn_monthly(snapshot: Snapshot) -> tuple[float, str]:
    rate, churned, start = _churn_in_period(snapshot)
    period = snapshot.context.period
    text = f"{_n(churned)} / {_n(start)} = {rate:.4g}"
    if period != "month":
        monthly = convert_churn(rate, period, "month")
        text += f" per {period}; per month: 1 - (1 - {rate:.4g})^(1/{months_in(period)}) = {monthly:.4g}"
        return monthly, text
    return rate, text


def _customer_churn_annual(snapshot: Snapshot) -> tuple[float, str]:
    rate, churned, start = _churn_in_period(snapshot)
    period = snapshot.context.period
    annual = convert_churn(rate, period, "year")
    if period == "year":
        return annual, f"{_n(churned)} / {_n(start)} = {annual:.4g}"
    return annual, (
        f"{_n(churned)} / {_n(start)} = {rate:.4g} per {period}; "
        f"per year: 1 - (1 - {rate:.4g})^{12 // months_in(period)} = {annual:.4g}"
    )


_MOVEMENTS = ("mrr_new", "mrr_expansion", "mrr_contraction", "mrr_churned")


def _mrr_parts(snapshot: Snapshot, needed: tuple[str, ...]) -> tuple[dict[str, float], list[str]]:
    """MRR start plus movements; a movement not given counts as 0 and is reported."""
    (start,) = _need(snapshot, "mrr_start")
    given = [m for m in needed if snapshot.get(m) is not None]
    if not given:
        labels = ", ".join(FIELDS_BY_NAME[m].label for m in needed)
        raise NotComputable(f"missing input: give at least one of {labels}")
    parts = {"mrr_start": start}
    assumed = []
    for m in needed:
        value = snapshot.get(m)
        if value is None:
            assumed.append(FIELDS_BY_NAME[m].label)
        parts[m] = float(value or 0.0)
    return parts, assumed


def _assumed_note(assumed: list[str]) -> str:
    return f" ({', '.join(assumed)} not given, taken as 0)" if assumed else ""


def _mrr_end(snapshot: Snapshot) -> tuple[float, str]:
    p, assumed = _mrr_parts(snapshot, _MOVEMENTS)
    value = p["mrr_start"] + p["mrr_new"] + p["mrr_expansion"] - p["mrr_contraction"] - p["mrr_churned"]
    return value, (
        f"{_n(p['mrr_start'])} + {_n(p['mrr_new'])} + {_n(p['mrr_expansion'])} - "
        f"{_n(p['mrr_contraction'])} - {_n(p['mrr_churned'])} = {_n(value)}" + _assumed_note(assumed)
    )


def _arr(snapshot: Snapshot) -> tuple[float, str]:
    mrr, text = _mrr_end(snapshot)
    return mrr * 12, f"MRR at end {_n(mrr)} x 12 = {_n(mrr * 12)}"


def _customers_end(snapshot: Snapshot) -> tuple[float, str]:
    start, new, churned = _need(snapshot, "customers_start", "new_customers", "customers_churned")
    end = start + new - churned
    return end, f"({_n(start)} + {_n(new)} - {_n(churned)})"


def _arpa(snapshot: Snapshot) -> tuple[float, str]:
    mrr, _ = _mrr_end(snapshot)
    accounts, accounts_text = _customers_end(snapshot)
    value = _divide(mrr, accounts, "Paying accounts at end")
    return value, f"MRR at end {_n(mrr)} / paying accounts at end {accounts_text} = {_n(value)}"


def _retention(snapshot: Snapshot, net: bool) -> tuple[float, str]:
    needed = ("mrr_expansion", "mrr_contraction", "mrr_churned") if net else ("mrr_contraction", "mrr_churned")
    p, assumed = _mrr_parts(snapshot, needed)
    start = p["mrr_start"]
    if start == 0:
        raise NotComputable("MRR at start is zero, so retention is not defined")
    kept = start - p["mrr_contraction"] - p["mrr_churned"]
    if net:
        kept += p["mrr_expansion"]
        text = f"({_n(start)} + {_n(p['mrr_expansion'])} - {_n(p['mrr_contraction'])} - {_n(p['mrr_churned'])}) / {_n(start)}"
    else:
        text = f"({_n(start)} - {_n(p['mrr_contraction'])} - {_n(p['mrr_churned'])}) / {_n(start)}"
    value = kept / start
    if value < 0:
        raise NotComputable("churned and contraction MRR exceed MRR at start; check the inputs")
    return value, f"{text} = {value:.4g} per {snapshot.context.period}" + _assumed_note(assumed)


def _gross_mrr_churn(snapshot: Snapshot) -> tuple[float, str]:
    p, assumed = _mrr_parts(snapshot, ("mrr_contraction", "mrr_churned"))
    start = p["mrr_start"]
    if start == 0:
        raise NotComputable("MRR at start is zero, so revenue churn is not defined")
    lost = p["mrr_contraction"] + p["mrr_churned"]
    if lost > start:
        raise NotComputable("churned and contraction MRR exceed MRR at start; check the inputs")
    value = lost / start
    return value, (
        f"({_n(p['mrr_churned'])} + {_n(p['mrr_contraction'])}) / {_n(start)} = {value:.4g} "
        f"per {snapshot.context.period}" + _assumed_note(assumed)
    )


def _expansion_share(snapshot: Snapshot) -> tuple[float, str]:
    new, expansion = _need(snapshot, "mrr_new", "mrr_expansion")
    value = _divide(expansion, new + expansion, "New plus expansion MRR")
    return value, f"{_n(expansion)} / ({_n(new)} + {_n(expansion)}) = {value:.4g}"


def _quick_ratio(snapshot: Snapshot) -> tuple[float, str]:
    p, assumed = _mrr_parts(snapshot, _MOVEMENTS)
    gained = p["mrr_new"] + p["mrr_expansion"]
    lost = p["mrr_churned"] + p["mrr_contraction"]
    if lost == 0:
        raise NotComputable("no churned or contraction MRR: the quick ratio has no denominator")
    value = gained / lost
    return value, (
        f"({_n(p['mrr_new'])} + {_n(p['mrr_expansion'])}) / ({_n(p['mrr_churned'])} + "
        f"{_n(p['mrr_contraction'])}) = {value:.4g}" + _assumed_note(assumed)
    )


def _cac(snapshot: Snapshot) -> tuple[float, str]:
    spend, new = _need(snapshot, "sales_marketing_spend", "new_customers")
    value = _divide(spend, new, "New customers")
    return value, f"{_n(spend)} / {_n(new)} = {_n(value)}"


def _cac_ratio(snapshot: Snapshot) -> tuple[float, str]:
    spend, new, expansion = _need(snapshot, "sales_marketing_spend", "mrr_new", "mrr_expansion")
    new_arr = (new + expansion) * 12
    value = _divide(spend, new_arr, "New ARR (new + expansion MRR x 12)")
    return value, f"{_n(spend)} / (({_n(new)} + {_n(expansion)}) x 12) = {value:.4g}"


def _clv(snapshot: Snapshot) -> tuple[float, str]:
    arpa, _ = _arpa(snapshot)
    churn, _ = _customer_churn_monthly(snapshot)
    if churn == 0:
        raise NotComputable("no customer churned this period, so lifetime (1 / churn) is unbounded")
    value = arpa / churn
    return value, f"ARPA {_n(arpa)} / monthly churn {churn:.4g} = {_n(value)}"


def _clv_to_cac(snapshot: Snapshot) -> tuple[float, str]:
    clv, _ = _clv(snapshot)
    cac, _ = _cac(snapshot)
    margin = snapshot.get("gross_margin")
    if cac == 0:
        raise NotComputable("CAC is zero, so the ratio is not defined")
    if margin is not None:
        value = clv * margin / cac
        return value, f"CLV {_n(clv)} x gross margin {margin:.4g} / CAC {_n(cac)} = {value:.4g}"
    value = clv / cac
    return value, f"CLV {_n(clv)} / CAC {_n(cac)} = {value:.4g} (revenue-based: gross margin not given)"


def _cac_payback(snapshot: Snapshot) -> tuple[float, str]:
    cac, _ = _cac(snapshot)
    arpa, _ = _arpa(snapshot)
    margin = snapshot.get("gross_margin")
    if margin is not None:
        monthly_profit = arpa * margin
        value = _divide(cac, monthly_profit, "ARPA x gross margin")
        return value, f"CAC {_n(cac)} / (ARPA {_n(arpa)} x gross margin {margin:.4g}) = {value:.4g} months"
    value = _divide(cac, arpa, "ARPA")
    return value, f"CAC {_n(cac)} / ARPA {_n(arpa)} = {value:.4g} months (revenue payback: gross margin not given)"


def _nps(snapshot: Snapshot) -> tuple[float, str]:
    promoters, passives, detractors = _need(snapshot, "nps_promoters", "nps_passives", "nps_detractors")
    total = promoters + passives + detractors
    if total == 0:
        raise NotComputable("no survey answers, so NPS is not defined")
    value = (promoters - detractors) / total * 100
    return value, f"({_n(promoters)} - {_n(detractors)}) / {_n(total)} x 100 = {value:.1f}"


def _spec(id: str, label: str, unit: str, better: bool | None, formula: str, inputs: tuple[str, ...],
          stage: str, compute: Callable[[Snapshot], tuple[float, str]], description: str,
          period_kind: PeriodKind = None) -> KpiSpec:
    return KpiSpec(id, label, unit, better, formula, inputs, stage, period_kind, description, compute)


KPIS: tuple[KpiSpec, ...] = (
    _spec("visitor_to_lead_rate", "Visitor to lead", "fraction", True, "leads / visitors",
          ("leads", "visitors"), "acquisition", _ratio("leads", "visitors"),
          "Share of website visitors who become leads."),
    _spec("lead_to_mql_rate", "Lead to MQL", "fraction", True, "MQLs / leads",
          ("mqls", "leads"), "acquisition", _ratio("mqls", "leads"),
          "Share of leads that marketing qualifies."),
    _spec("mql_to_sql_rate", "MQL to SQL", "fraction", True, "SQLs / MQLs",
          ("sqls", "mqls"), "acquisition", _ratio("sqls", "mqls"),
          "Share of marketing-qualified leads that sales accepts."),
    _spec("sql_to_opportunity_rate", "SQL to opportunity", "fraction", True, "opportunities / SQLs",
          ("opportunities", "sqls"), "acquisition", _ratio("opportunities", "sqls"),
          "Share of sales-qualified leads that become pipeline opportunities."),
    _spec("opportunity_win_rate", "Opportunity win rate", "fraction", True, "new customers / opportunities",
          ("new_customers", "opportunities"), "acquisition", _ratio("new_customers", "opportunities"),
          "Share of opportunities closed as won."),
    _spec("lead_to_customer_rate", "Lead to customer", "fraction", True, "new customers / leads",
          ("new_customers", "leads"), "acquisition", _ratio("new_customers", "leads"),
          "Share of leads that become paying customers."),
    _spec("visitor_to_signup_rate", "Visitor to sign-up", "fraction", True, "sign-ups / visitors",
          ("signups", "visitors"), "product_led", _ratio("signups", "visitors"),
          "Share of visitors who create an account."),
    _spec("activation_rate", "Activation rate", "fraction", True, "activated users / sign-ups",
          ("activated_users", "signups"), "product_led", _ratio("activated_users", "signups"),
          "Share of sign-ups who reach the activation milestone."),
    _spec("trial_to_paid_rate", "Trial to paid", "fraction", True, "trial conversions / trial users",
          ("trial_conversions", "trial_users"), "product_led", _ratio("trial_conversions", "trial_users"),
          "Share of free-trial accounts that start paying."),
    _spec("freemium_to_paid_rate", "Free plan to paid", "fraction", True,
          "free-plan conversions / free-plan users", ("freemium_conversions", "freemium_users"),
          "product_led", _ratio("freemium_conversions", "freemium_users"),
          "Share of free-plan accounts that upgrade to a paid plan."),
    _spec("pql_to_paid_rate", "PQL to paid", "fraction", True, "PQL conversions / PQLs",
          ("pql_conversions", "pqls"), "product_led", _ratio("pql_conversions", "pqls"),
          "Share of product-qualified leads that become paying customers."),
    _spec("adoption_rate", "Product adoption", "fraction", True, "adopted users / onboarded users",
          ("adopted_users", "onboarded_users"), "product_led", _ratio("adopted_users", "onboarded_users"),
          "Share of onboarded users still actively using the core feature."),
    _spec("customer_churn_rate", "Customer churn (monthly)", "fraction", False,
          "churned customers / customers at start, per month (quarter or year converted by compounding)",
          ("customers_churned", "customers_start"), "retention_revenue", _customer_churn_monthly,
          "Share of paying accounts lost per month.", "churn"),
    _spec("customer_churn_rate_annual", "Customer churn (annualised)", "fraction", False,
          "1 - (1 - monthly churn)^12 (compounded, never monthly x 12)",
          ("customers_churned", "customers_start"), "retention_revenue", _customer_churn_annual,
          "Share of paying accounts lost over a year at this churn rate.", "churn"),
    _spec("gross_mrr_churn_rate", "Gross MRR churn", "fraction", False,
          "(churned MRR + contraction MRR) / MRR at start, per period",
          ("mrr_churned", "mrr_contraction", "mrr_start"), "retention_revenue", _gross_mrr_churn,
          "Share of starting MRR lost to cancellations and downgrades.", "churn"),
    _spec("mrr_end", "MRR at end", "currency", None,
          "MRR at start + new + expansion - contraction - churned",
          ("mrr_start",) + _MOVEMENTS, "retention_revenue", _mrr_end,
          "Monthly recurring revenue at the end of the period."),
    _spec("arr", "ARR (run rate)", "currency", None, "MRR at end x 12",
          ("mrr_start",) + _MOVEMENTS, "retention_revenue", _arr,
          "Annual recurring revenue as a run rate of end-of-period MRR."),
    _spec("arpa", "ARPA (monthly)", "currency", None,
          "MRR at end / paying accounts at end (customers at start + new - churned)",
          ("mrr_start",) + _MOVEMENTS + ("customers_start", "new_customers", "customers_churned"),
          "retention_revenue", _arpa, "Average monthly revenue per paying account."),
    _spec("gross_revenue_retention", "Gross revenue retention", "fraction", True,
          "(MRR at start - churned - contraction) / MRR at start, per period",
          ("mrr_start", "mrr_churned", "mrr_contraction"), "retention_revenue",
          lambda s: _retention(s, net=False),
          "Share of starting MRR kept, not counting expansion (at most 100 %).", "retention"),
    _spec("net_revenue_retention", "Net revenue retention", "fraction", True,
          "(MRR at start + expansion - contraction - churned) / MRR at start, per period",
          ("mrr_start", "mrr_expansion", "mrr_contraction", "mrr_churned"), "retention_revenue",
          lambda s: _retention(s, net=True),
          "Share of starting MRR kept including expansion (can exceed 100 %).", "retention"),
    _spec("expansion_share", "Expansion share of new MRR", "fraction", True,
          "expansion MRR / (new MRR + expansion MRR)", ("mrr_expansion", "mrr_new"),
          "retention_revenue", _expansion_share,
          "Share of newly added MRR that comes from existing customers."),
    _spec("quick_ratio", "SaaS quick ratio", "ratio", True,
          "(new MRR + expansion MRR) / (churned MRR + contraction MRR)", _MOVEMENTS,
          "retention_revenue", _quick_ratio, "MRR gained per unit of MRR lost."),
    _spec("cac", "CAC", "currency", False, "sales & marketing spend / new customers",
          ("sales_marketing_spend", "new_customers"), "unit_economics", _cac,
          "Cost to acquire one new customer."),
    _spec("cac_ratio", "CAC ratio", "ratio", False,
          "sales & marketing spend / new ARR ((new + expansion MRR) x 12)",
          ("sales_marketing_spend", "mrr_new", "mrr_expansion"), "unit_economics", _cac_ratio,
          "Sales & marketing dollars spent per dollar of new ARR (a different unit from CAC)."),
    _spec("clv", "Customer lifetime value", "currency", True, "ARPA / monthly customer churn",
          ("mrr_start",) + _MOVEMENTS + ("customers_start", "new_customers", "customers_churned"),
          "unit_economics", _clv, "Revenue a customer brings over their expected lifetime."),
    _spec("clv_to_cac", "CLV : CAC", "ratio", True,
          "CLV x gross margin / CAC (CLV / CAC when gross margin is not given)",
          ("mrr_start",) + _MOVEMENTS + ("customers_start", "new_customers", "customers_churned",
                                         "sales_marketing_spend", "gross_margin"),
          "unit_economics", _clv_to_cac, "Lifetime value returned per unit of acquisition cost."),
    _spec("cac_payback_months", "CAC payback", "months", False,
          "CAC / (ARPA x gross margin) (CAC / ARPA when gross margin is not given)",
          ("sales_marketing_spend", "new_customers", "mrr_start") + _MOVEMENTS
          + ("customers_start", "customers_churned", "gross_margin"),
          "unit_economics", _cac_payback, "Months of gross profit needed to earn back CAC."),
    _spec("nps", "Net Promoter Score", "points", True,
          "(promoters - detractors) / all answers x 100",
          ("nps_promoters", "nps_passives", "nps_detractors"), "nps", _nps,
          "Promoters minus detractors, in points from -100 to +100."),
)

KPIS_BY_ID: dict[str, KpiSpec] = {k.id: k for k in KPIS}
assert tuple(KPIS_BY_ID) == KPI_IDS, "KPI registry and constants.KPI_IDS differ"

#: Funnel order used for plausibility checks: (upper stage, lower stage).
_FUNNEL_PAIRS: tuple[tuple[str, str], ...] = (
    ("visitors", "leads"), ("leads", "mqls"), ("mqls", "sqls"), ("sqls", "opportunities"),
    ("visitors", "signups"), ("signups", "activated_users"), ("trial_users", "trial_conversions"),
    ("freemium_users", "freemium_conversions"), ("pqls", "pql_conversions"),
    ("onboarded_users", "adopted_users"), ("customers_start", "customers_churned"),
)


def _value_period(spec: KpiSpec, snapshot: Snapshot) -> str:
    if spec.id == "customer_churn_rate":
        return "month"
    if spec.id == "customer_churn_rate_annual":
        return "year"
    if spec.period_kind is not None:
        return snapshot.context.period
    if spec.id == "arpa":
        return "month"
    return NO_PERIOD


@dataclass(frozen=True)
class InputWarning:
    """An implausible combination of inputs; ``fields`` are the canonical fields involved."""

    fields: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return self.message


def input_warnings(snapshot: Snapshot) -> list[InputWarning]:
    """Implausible combinations of inputs (a later stage bigger than an earlier one...).

    These never stop a calculation; they are shown next to the results.
    """
    warnings: list[InputWarning] = []
    for upper, lower in _FUNNEL_PAIRS:
        up, low = snapshot.get(upper), snapshot.get(lower)
        if up is not None and low is not None and low > up:
            warnings.append(InputWarning((upper, lower), (
                f"{FIELDS_BY_NAME[lower].label} ({_n(low)}) is more than "
                f"{FIELDS_BY_NAME[upper].label} ({_n(up)}): check the inputs"
            )))
    start = snapshot.get("mrr_start")
    lost = (snapshot.get("mrr_churned") or 0) + (snapshot.get("mrr_contraction") or 0)
    if start is not None and lost > start:
        warnings.append(InputWarning(("mrr_start", "mrr_churned", "mrr_contraction"),
                                     f"Churned plus contraction MRR ({_n(lost)}) is more than "
                                     f"MRR at start ({_n(start)}): check the inputs"))
    return warnings


def compute_kpi(spec: KpiSpec, snapshot: Snapshot) -> KpiResult:
    """Compute one KPI; never raises for missing or zero inputs (the result says why)."""
    period = _value_period(spec, snapshot)
    warnings = tuple(
        w.message for w in input_warnings(snapshot) if set(w.fields) & set(spec.inputs)
    )
    try:
        value, calculation = spec.compute(snapshot)
    except NotComputable as exc:
        return KpiResult(spec, None, period, reason=str(exc), warnings=warnings)
    except ConversionError as exc:
        return KpiResult(spec, None, period, reason=str(exc), warnings=warnings)
    if value != value or value in (float("inf"), float("-inf")):  # defensive: never NaN/inf
        return KpiResult(spec, None, period, reason="the result is not a finite number", warnings=warnings)
    if spec.unit == "fraction" and value > 1 and spec.period_kind is None:
        warnings += (f"{spec.label} is above 100 %: check that the inputs count the same people",)
    return KpiResult(spec, value, period, calculation=calculation, warnings=warnings)


def compute_kpis(snapshot: Snapshot) -> list[KpiResult]:
    """All KPIs for one snapshot, in the public order of :data:`KPI_IDS`."""
    return [compute_kpi(spec, snapshot) for spec in KPIS]


__all__ = [
    "KPIS", "KPIS_BY_ID", "KpiResult", "KpiSpec", "NotComputable", "compute_kpi", "compute_kpis",
    "input_warnings", "InputWarning",
]

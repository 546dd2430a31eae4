"""The KPI registry: each KPI's name, formula in words, inputs, unit and better direction.

The arithmetic lives in :mod:`funnel_core.metrics.kpi_formulas`; inputs that contradict each
other are found by :mod:`funnel_core.metrics.consistency` before any formula runs, and every
KPI that reads a contradicted input is not computable, with the reason naming the inputs.

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

from funnel_core.domain.constants import KPI_IDS, NO_PERIOD
from funnel_core.domain.i18n import mark, tr
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import ConversionError
from funnel_core.metrics.consistency import Finding, blocking_reason, contradictions, warnings
from funnel_core.metrics import growth_formulas as growth
from funnel_core.metrics.kpi_formulas import (MOVEMENTS, NotComputable, arpa, arr, cac,
                                              cac_payback, cac_ratio, clv, clv_to_cac, conversion_rate,
                                              customer_churn_annual, customer_churn_monthly,
                                              expansion_share, gross_mrr_churn, mrr_end, nps,
                                              quick_ratio, retention)

PeriodKind = Literal["churn", "retention", "growth"] | None


@dataclass(frozen=True)
class KpiSpec:
    """Static description of a KPI.

    Attributes
    ----------
    id : public id (see :data:`funnel_core.domain.constants.KPI_IDS`).
    label : human name, in the current language (``label_en``: the English source).
    unit : ``fraction``, ``ratio``, ``months``, ``currency`` or ``points``.
    higher_is_better : direction used by verdicts; ``None`` for size figures (MRR, ARR) with no
        better side.
    formula : the formula in words, in the current language (``formula_en`` in English).
    inputs : canonical fields the formula reads.
    stage : ``acquisition``, ``product_led``, ``retention_revenue``, ``unit_economics``, ``nps``.
    period_kind : how the value converts between periods: ``"churn"`` (compounds survival),
        ``"retention"`` (compounds the ratio) or ``None`` (does not depend on period length).
    description : one line for tables and tooltips, in the current language
        (``description_en`` in English).
    signed : ``True`` when the value can be below zero (NPS, growth, net new ARR, Rule of 40,
        magic number); every other KPI is never negative.
    """

    id: str
    label_en: str
    unit: str
    higher_is_better: bool | None
    formula_en: str
    inputs: tuple[str, ...]
    stage: str
    period_kind: PeriodKind
    description_en: str
    compute: Callable[[Snapshot], tuple[float, str]] = field(repr=False, compare=False)
    signed: bool = False

    @property
    def label(self) -> str:
        return tr(self.label_en)

    @property
    def formula(self) -> str:
        return tr(self.formula_en)

    @property
    def description(self) -> str:
        return tr(self.description_en)


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


#: Inputs of MRR at end, and of paying accounts at the end of the period.
_MRR_INPUTS: tuple[str, ...] = ("mrr_start",) + MOVEMENTS + ("mrr_reactivation",)
_ACCOUNT_INPUTS: tuple[str, ...] = ("customers_start", "new_customers", "customers_churned",
                                    "customers_reactivated")


def _spec(id: str, label: str, unit: str, better: bool | None, formula: str, inputs: tuple[str, ...],
          stage: str, compute: Callable[[Snapshot], tuple[float, str]], description: str,
          period_kind: PeriodKind = None, signed: bool = False) -> KpiSpec:
    return KpiSpec(id, label, unit, better, formula, inputs, stage, period_kind, description, compute,
                   signed)


KPIS: tuple[KpiSpec, ...] = (
    _spec("visitor_to_lead_rate", mark("Visitor to lead"), "fraction", True, mark("leads / visitors"),
          ("leads", "visitors"), "acquisition", conversion_rate("leads", "visitors"),
          mark("Share of website visitors who become leads.")),
    _spec("lead_to_mql_rate", mark("Lead to MQL"), "fraction", True, mark("MQLs / leads"),
          ("mqls", "leads"), "acquisition", conversion_rate("mqls", "leads"),
          mark("Share of leads that marketing qualifies.")),
    _spec("mql_to_sql_rate", mark("MQL to SQL"), "fraction", True, mark("SQLs / MQLs"),
          ("sqls", "mqls"), "acquisition", conversion_rate("sqls", "mqls"),
          mark("Share of marketing-qualified leads that sales accepts.")),
    _spec("sql_to_opportunity_rate", mark("SQL to opportunity"), "fraction", True, mark("opportunities / SQLs"),
          ("opportunities", "sqls"), "acquisition", conversion_rate("opportunities", "sqls"),
          mark("Share of sales-qualified leads that become pipeline opportunities.")),
    _spec("opportunity_win_rate", mark("Opportunity win rate"), "fraction", True, mark("new customers / opportunities"),
          ("new_customers", "opportunities"), "acquisition", conversion_rate("new_customers", "opportunities"),
          mark("Share of opportunities closed as won.")),
    _spec("lead_to_customer_rate", mark("Lead to customer"), "fraction", True, mark("new customers / leads"),
          ("new_customers", "leads"), "acquisition", conversion_rate("new_customers", "leads"),
          mark("Share of leads that become paying customers.")),
    _spec("visitor_to_signup_rate", mark("Visitor to sign-up"), "fraction", True, mark("sign-ups / visitors"),
          ("signups", "visitors"), "product_led", conversion_rate("signups", "visitors"),
          mark("Share of visitors who create an account.")),
    _spec("activation_rate", mark("Activation rate"), "fraction", True, mark("activated users / sign-ups"),
          ("activated_users", "signups"), "product_led", conversion_rate("activated_users", "signups"),
          mark("Share of sign-ups who reach the activation milestone.")),
    _spec("trial_to_paid_rate", mark("Trial to paid"), "fraction", True, mark("trial conversions / trial users"),
          ("trial_conversions", "trial_users"), "product_led", conversion_rate("trial_conversions", "trial_users"),
          mark("Share of free-trial accounts that start paying.")),
    _spec("freemium_to_paid_rate", mark("Free plan to paid"), "fraction", True,
          mark("free-plan conversions / free-plan users"), ("freemium_conversions", "freemium_users"),
          "product_led", conversion_rate("freemium_conversions", "freemium_users"),
          mark("Share of free-plan accounts that upgrade to a paid plan.")),
    _spec("pql_to_paid_rate", mark("PQL to paid"), "fraction", True, mark("PQL conversions / PQLs"),
          ("pql_conversions", "pqls"), "product_led", conversion_rate("pql_conversions", "pqls"),
          mark("Share of product-qualified leads that become paying customers.")),
    _spec("adoption_rate", mark("Product adoption"), "fraction", True, mark("adopted users / onboarded users"),
          ("adopted_users", "onboarded_users"), "product_led", conversion_rate("adopted_users", "onboarded_users"),
          mark("Share of onboarded users still actively using the core feature.")),
    _spec("customer_churn_rate", mark("Customer churn (monthly)"), "fraction", False,
          mark("churned customers / customers at start, per month (quarter or year converted by compounding)"),
          ("customers_churned", "customers_start"), "retention_revenue", customer_churn_monthly,
          mark("Share of paying accounts lost per month."), "churn"),
    _spec("customer_churn_rate_annual", mark("Customer churn (annualised)"), "fraction", False,
          mark("1 - (1 - monthly churn)^12 (compounded, never monthly x 12)"),
          ("customers_churned", "customers_start"), "retention_revenue", customer_churn_annual,
          mark("Share of paying accounts lost over a year at this churn rate."), "churn"),
    _spec("gross_mrr_churn_rate", mark("Gross MRR churn"), "fraction", False,
          mark("(churned MRR + contraction MRR) / MRR at start, per period"),
          ("mrr_churned", "mrr_contraction", "mrr_start"), "retention_revenue", gross_mrr_churn,
          mark("Share of starting MRR lost to cancellations and downgrades."), "churn"),
    _spec("mrr_end", mark("MRR at end"), "currency", None,
          mark("MRR at start + new + reactivation + expansion - contraction - churned"),
          _MRR_INPUTS, "retention_revenue", mrr_end,
          mark("Monthly recurring revenue at the end of the period.")),
    _spec("arr", mark("ARR (run rate)"), "currency", None, mark("MRR at end x 12"),
          _MRR_INPUTS, "retention_revenue", arr,
          mark("Annual recurring revenue as a run rate of end-of-period MRR.")),
    _spec("arpa", mark("ARPA (monthly)"), "currency", None,
          mark("MRR at end / paying accounts at end (customers at start + new + reactivated - churned)"),
          _MRR_INPUTS + _ACCOUNT_INPUTS,
          "retention_revenue", arpa, mark("Average monthly revenue per paying account.")),
    _spec("gross_revenue_retention", mark("Gross revenue retention"), "fraction", True,
          mark("(MRR at start - churned - contraction) / MRR at start, per period"),
          ("mrr_start", "mrr_churned", "mrr_contraction"), "retention_revenue",
          lambda s: retention(s, net=False),
          mark("Share of starting MRR kept, not counting expansion (at most 100 %)."), "retention"),
    _spec("net_revenue_retention", mark("Net revenue retention"), "fraction", True,
          mark("(MRR at start + expansion - contraction - churned) / MRR at start, per period"),
          ("mrr_start", "mrr_expansion", "mrr_contraction", "mrr_churned"), "retention_revenue",
          lambda s: retention(s, net=True),
          mark("Share of starting MRR kept including expansion (can exceed 100 %)."), "retention"),
    _spec("expansion_share", mark("Expansion share of new MRR"), "fraction", True,
          mark("expansion MRR / (new MRR + expansion MRR)"), ("mrr_expansion", "mrr_new"),
          "retention_revenue", expansion_share,
          mark("Share of newly added MRR that comes from existing customers.")),
    _spec("quick_ratio", mark("SaaS quick ratio"), "ratio", True,
          mark("(new MRR + reactivation MRR + expansion MRR) / (churned MRR + contraction MRR)"),
          MOVEMENTS + ("mrr_reactivation",),
          "retention_revenue", quick_ratio, mark("MRR gained per unit of MRR lost.")),
    _spec("cac", mark("CAC"), "currency", False, mark("sales & marketing spend / new customers"),
          ("sales_marketing_spend", "new_customers"), "unit_economics", cac,
          mark("Cost to acquire one new customer.")),
    _spec("cac_ratio", mark("CAC ratio"), "ratio", False,
          mark("sales & marketing spend / new ARR ((new + expansion MRR) x 12)"),
          ("sales_marketing_spend", "mrr_new", "mrr_expansion"), "unit_economics", cac_ratio,
          mark("Sales & marketing dollars spent per dollar of new ARR (a different unit from CAC).")),
    _spec("clv", mark("Customer lifetime value"), "currency", True, mark("ARPA / monthly customer churn"),
          _MRR_INPUTS + _ACCOUNT_INPUTS,
          "unit_economics", clv, mark("Revenue a customer brings over their expected lifetime.")),
    _spec("clv_to_cac", mark("CLV : CAC"), "ratio", True,
          mark("CLV x gross margin / CAC (CLV / CAC when gross margin is not given)"),
          _MRR_INPUTS + ("customers_start", "new_customers", "customers_churned",
                                         "sales_marketing_spend", "gross_margin"),
          "unit_economics", clv_to_cac, mark("Lifetime value returned per unit of acquisition cost.")),
    _spec("cac_payback_months", mark("CAC payback"), "months", False,
          mark("CAC / (ARPA x gross margin) (CAC / ARPA when gross margin is not given)"),
          ("sales_marketing_spend", "new_customers", "mrr_start") + MOVEMENTS
          + ("customers_start", "customers_churned", "gross_margin"),
          "unit_economics", cac_payback, mark("Months of gross profit needed to earn back CAC.")),
    _spec("nps", mark("Net Promoter Score"), "points", True,
          mark("(promoters - detractors) / all answers x 100"),
          ("nps_promoters", "nps_passives", "nps_detractors"), "nps", nps,
          mark("Promoters minus detractors, in points from -100 to +100."), signed=True),
    _spec("mrr_growth_rate", mark("MRR growth"), "fraction", True,
          mark("(MRR at end - MRR at start) / MRR at start, per period"), _MRR_INPUTS,
          "growth_efficiency", growth.mrr_growth_rate,
          mark("How fast monthly recurring revenue grew in the period."), "growth", signed=True),
    _spec("net_new_arr", mark("Net new ARR"), "currency", None,
          mark("(MRR at end - MRR at start) x 12, added in the period"), _MRR_INPUTS,
          "growth_efficiency", growth.net_new_arr,
          mark("Annual recurring revenue added in the period (negative when it shrank)."), signed=True),
    _spec("arr_growth_rate", mark("ARR growth (year over year)"), "fraction", True,
          mark("ARR / ARR a year ago - 1"), _MRR_INPUTS + ("arr_year_ago",), "growth_efficiency",
          growth.arr_growth_rate, mark("Growth of ARR over the last twelve months."), "growth", signed=True),
    _spec("burn_multiple", mark("Burn multiple"), "ratio", False, mark("net burn / net new ARR (same period)"),
          _MRR_INPUTS + ("net_burn",), "growth_efficiency", growth.burn_multiple,
          mark("Cash burned for each dollar of ARR added (lower is better).")),
    _spec("rule_of_40", mark("Rule of 40"), "fraction", True, mark("ARR growth + profit margin"),
          _MRR_INPUTS + ("arr_year_ago", "profit_margin"), "growth_efficiency", growth.rule_of_40,
          mark("Growth plus profitability; 40 % or more is the usual bar."), signed=True),
    _spec("magic_number", mark("Magic number"), "ratio", True,
          mark("net new ARR / S&M spend of the previous period"),
          _MRR_INPUTS + ("sales_marketing_spend_prior", "sales_marketing_spend"), "growth_efficiency",
          growth.magic_number, mark("ARR added per dollar of sales and marketing spend."), signed=True),
    _spec("sales_marketing_share", mark("S&M share of revenue"), "fraction", None,
          mark("S&M spend / revenue ((MRR at start + MRR at end) / 2 x months)"),
          _MRR_INPUTS + ("sales_marketing_spend",), "growth_efficiency", growth.sales_marketing_share,
          mark("Share of revenue spent on sales and marketing.")),
    _spec("arr_per_employee", mark("ARR per employee"), "currency", True, mark("ARR / employees (FTE)"),
          _MRR_INPUTS + ("employees",), "growth_efficiency", growth.arr_per_employee,
          mark("Annual recurring revenue per full-time employee.")),
    _spec("gross_margin", mark("Gross margin"), "fraction", True, mark("the input itself"),
          ("gross_margin",), "growth_efficiency", growth.gross_margin,
          mark("Gross profit as a share of revenue.")),
)

KPIS_BY_ID: dict[str, KpiSpec] = {k.id: k for k in KPIS}
#: KPIs whose quantity cannot be negative (counts, money, months, ratios of positives).
NON_NEGATIVE_KPIS: frozenset[str] = frozenset(k.id for k in KPIS if not k.signed)
assert tuple(KPIS_BY_ID) == KPI_IDS, "KPI registry and constants.KPI_IDS differ"

def _value_period(spec: KpiSpec, snapshot: Snapshot) -> str:
    if spec.id == "customer_churn_rate":
        return "month"
    if spec.id in ("customer_churn_rate_annual", "arr_growth_rate"):
        return "year"
    if spec.period_kind is not None:
        return snapshot.context.period
    if spec.id == "arpa":
        return "month"
    if spec.id == "net_new_arr":
        return snapshot.context.period
    return NO_PERIOD


#: Kept for callers that name the type of :func:`input_warnings` items.
InputWarning = Finding


def input_warnings(snapshot: Snapshot) -> list[Finding]:
    """Every finding about the inputs: contradictions first, then implausible combinations.

    Each item has ``fields`` (the canonical fields involved) and ``message``.
    """
    return contradictions(snapshot) + warnings(snapshot)


def compute_kpi(spec: KpiSpec, snapshot: Snapshot) -> KpiResult:
    """Compute one KPI; never raises for missing or zero inputs (the result says why)."""
    period = _value_period(spec, snapshot)
    found = contradictions(snapshot)
    blocked = blocking_reason(spec.inputs, found)
    notes = tuple(w.message for w in warnings(snapshot) if set(w.fields) & set(spec.inputs))
    if blocked is not None:
        return KpiResult(spec, None, period, reason=blocked, warnings=notes)
    warnings_ = notes
    try:
        value, calculation = spec.compute(snapshot)
    except (NotComputable, ConversionError) as exc:
        return KpiResult(spec, None, period, reason=str(exc), warnings=warnings_)
    if value != value or value in (float("inf"), float("-inf")):  # defensive: never NaN/inf
        return KpiResult(spec, None, period, reason=tr("the result is not a finite number"), warnings=warnings_)
    if value < 0 and spec.id in NON_NEGATIVE_KPIS:  # defensive: the formulas refuse these first
        return KpiResult(spec, None, period, reason=tr("the result would be negative; check the inputs"),
                         warnings=warnings_)
    return KpiResult(spec, value, period, calculation=calculation, warnings=warnings_)


def compute_kpis(snapshot: Snapshot) -> list[KpiResult]:
    """All KPIs for one snapshot, in the public order of :data:`KPI_IDS`."""
    return [compute_kpi(spec, snapshot) for spec in KPIS]


__all__ = [
    "KPIS", "KPIS_BY_ID", "KpiResult", "KpiSpec", "NotComputable", "compute_kpi", "compute_kpis",
    "input_warnings", "InputWarning", "NON_NEGATIVE_KPIS",
]

"""Which one input moves each KPI, and the value of that input that gives the KPI a wanted value.

Each KPI with a better side has one *lever* (:data:`LEVERS`): the input a company would work on
to move it, e.g. churned customers for customer churn, S&M spend for CAC, leads for visitor to
lead. :func:`solve_lever` finds the lever's value that makes the KPI equal a wanted value, all
other inputs equal, except what moves with the lever at your own rates (:func:`knock_on`):

- a funnel count (leads, MQLs, SQLs, opportunities) carries the later stages of the sales
  funnel with it (MQLs, SQLs, opportunities, new customers) at your own conversion rates;
- sign-ups carry the product-led counts (activated, trial, free-plan and PQL users and their
  conversions); activated users carry trial and free-plan conversions; trial, free-plan and
  PQL conversions add to new customers;
- new customers and new MRR move together at your own new MRR per new customer, and churned
  customers and churned MRR at your own MRR per churned customer.

So a target always says what it is worth in customers and MRR, and the targeted KPI itself is
unchanged by what moves with it (CLV, which reads both churned customers and churned MRR, is
solved with both moving). The value is solved analytically from the formula where it allows
(the inverses are in each solver's docstring) and by bisection on the monotone input
otherwise (CLV); either way the KPI is recomputed with the new inputs and must come out at the
wanted value. When no value of the lever reaches it, :class:`Unreachable` says why in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from funnel_core.domain.constants import FIELD_NAMES, FIELDS_BY_NAME, Labels
from funnel_core.domain.formatting import format_number, format_value
from funnel_core.domain.i18n import current_language, mark, tr
from funnel_core.domain.model import Snapshot, SnapshotError
from funnel_core.domain.periods import ConversionError, convert_churn
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi

__all__ = ["LEVERS", "Lever", "NoLever", "SolvedLever", "Unreachable", "apply_lever", "knock_on",
           "lower", "solve_lever"]


class Unreachable(Exception):
    """No value of the lever gives the KPI the wanted value; the message says why in words."""


class NoLever(Exception):
    """The KPI has no single input that moves it (or no better side)."""


Solver = Callable[[Snapshot, float, str], float]

#: "a month" (an amount per period, in running text), translated where it is used.
_A_PERIOD: Labels = Labels({"month": mark("a month"), "quarter": mark("a quarter"), "year": mark("a year")})


@dataclass(frozen=True)
class Lever:
    """The input that moves one KPI.

    Attributes
    ----------
    kpi : KPI id.
    field : the input (canonical field name).
    solve : ``solve(snapshot, wanted, kpi_period) -> value`` of ``field``; ``None`` to find it
        by bisection between 0 and the current value (the KPI must be monotone in it there).
    """

    kpi: str
    field: str
    solve: Solver | None


@dataclass(frozen=True)
class SolvedLever:
    """The lever's value that gives the KPI the wanted value.

    ``changes`` holds the lever first, then what moves with it (:func:`knock_on`); ``after`` is
    the KPI recomputed with all of them.
    """

    kpi: str
    field: str
    current: float | None
    required: float
    changes: dict[str, float]
    after: float


# --- what moves with a lever -------------------------------------------------------------------

_SALES = ("leads", "mqls", "sqls", "opportunities", "new_customers")
_PRODUCT = ("activated_users", "trial_users", "trial_conversions", "freemium_users",
            "freemium_conversions", "pqls", "pql_conversions", "onboarded_users", "adopted_users")
#: Fields scaled by the lever's own factor (new value / current value).
SCALES_WITH: dict[str, tuple[str, ...]] = {
    **{f: _SALES[i + 1:] for i, f in enumerate(_SALES)},
    "signups": _PRODUCT,
    "activated_users": ("trial_conversions", "freemium_conversions"),
}
#: Conversions that are new customers: their change adds to new customers.
_PAID = ("trial_conversions", "freemium_conversions")
#: Pairs that move together at the user's own ratio (new MRR per new customer...).
_PAIRS = (("new_customers", "mrr_new"), ("customers_churned", "mrr_churned"))


def _scaled(snapshot: Snapshot, name: str, factor: float) -> float | None:
    value = snapshot.get(name)
    return None if value is None else value * factor


def knock_on(snapshot: Snapshot, field: str, value: float) -> dict[str, float]:
    """``{field: value}`` plus every input that moves with it at the user's own rates.

    See the module docstring for the rules. Nothing moves when the lever's current value is
    missing or zero (there is no rate to keep). The result is ordered: the lever first.
    """
    changes: dict[str, float] = {field: value}
    current = snapshot.get(field)
    if not current:
        return changes
    factor = value / current
    for name in SCALES_WITH.get(field, ()):
        scaled = _scaled(snapshot, name, factor)
        if scaled is not None:
            changes[name] = scaled
    feeds = _PAID + (("pql_conversions",) if field == "pql_conversions" else ())
    gained = sum(changes[n] - (snapshot.get(n) or 0.0) for n in feeds if n in changes)
    if gained and "new_customers" not in changes and snapshot.get("new_customers") is not None:
        changes["new_customers"] = (snapshot.get("new_customers") or 0.0) + gained
    for count, money in _PAIRS:
        for a, b in ((count, money), (money, count)):
            base_a = snapshot.get(a)
            if a in changes and b not in changes and base_a and snapshot.get(b) is not None:
                changes[b] = _scaled(snapshot, b, changes[a] / base_a)  # type: ignore[assignment]
    return changes


def apply_lever(snapshot: Snapshot, changes: dict[str, float]) -> Snapshot:
    """``snapshot`` with ``changes`` (:class:`Unreachable` when a value cannot be an input)."""
    try:
        return snapshot.with_values(**changes)
    except SnapshotError as exc:
        raise Unreachable(str(exc)) from None


# --- analytic solvers ------------------------------------------------------------------------

def _v(snapshot: Snapshot, name: str) -> float:
    value = snapshot.get(name)
    return float(value) if value is not None else 0.0


def lower(label: str) -> str:
    """A label inside a sentence: each word in lower case except acronyms (``"new MRR"``, ``"PQLs"``).

    German nouns keep their capital letter, so in German the label comes back as it is.
    """
    if current_language() == "de":
        return label
    return " ".join(w if sum(ch.isupper() for ch in w) > 1 else w.lower() for w in label.split(" "))


def _words(name: str) -> str:
    return lower(FIELDS_BY_NAME[name].label)


def _rate(numerator: str, denominator: str) -> Solver:
    """Conversion ``n / d = r``: ``n = r x d``."""

    def solve(s: Snapshot, wanted: float, _period: str) -> float:
        if wanted > 1:
            raise Unreachable(tr("a conversion rate cannot exceed 100 %"))
        return wanted * _v(s, denominator)

    solve.__doc__ = f"{numerator} = wanted x {denominator}"
    return solve


def _customer_churn(s: Snapshot, wanted: float, period: str) -> float:
    """Churned customers = customers at start x (churn per ``period`` converted to the
    snapshot's period by compounding)."""
    try:
        rate = convert_churn(wanted, period, s.context.period)
    except ConversionError as exc:
        raise Unreachable(str(exc)) from None
    return rate * _v(s, "customers_start")


def _lost_mrr(s: Snapshot, lost: float, what: str) -> float:
    """Churned MRR that makes churned + contraction MRR equal ``lost``."""
    contraction = _v(s, "mrr_contraction")
    needed = lost - contraction
    if needed < 0:
        currency, period = s.context.currency, s.context.period
        raise Unreachable(tr(
            "contraction MRR alone ({contraction} {per_period}) is more than the {lost} of MRR {what} "
            "allows to lose, so even with no churned MRR it stays short",
            contraction=format_value(contraction, "currency", currency),
            per_period=_A_PERIOD.get(period, f"a {period}"),
            lost=format_value(lost, "currency", currency), what=what))
    return needed


def _gross_mrr_churn(s: Snapshot, wanted: float, _period: str) -> float:
    """Churned MRR = wanted x MRR at start - contraction MRR."""
    return _lost_mrr(s, wanted * _v(s, "mrr_start"), tr("this churn rate"))


def _grr(s: Snapshot, wanted: float, _period: str) -> float:
    """Churned MRR = MRR at start x (1 - wanted GRR) - contraction MRR."""
    if wanted > 1:
        raise Unreachable(tr("gross revenue retention cannot exceed 100 % (it does not count "
                             "expansion)"))
    return _lost_mrr(s, _v(s, "mrr_start") * (1 - wanted), tr("this retention"))


def _nrr(s: Snapshot, wanted: float, _period: str) -> float:
    """Expansion MRR = MRR at start x (wanted NRR - 1) + contraction + churned MRR."""
    return _v(s, "mrr_start") * (wanted - 1) + _v(s, "mrr_contraction") + _v(s, "mrr_churned")


def _expansion_share(s: Snapshot, wanted: float, _period: str) -> float:
    """Expansion MRR = wanted x new MRR / (1 - wanted)."""
    if wanted >= 1:
        raise Unreachable(tr("expansion cannot be all of the new MRR while new customers bring some"))
    return wanted * _v(s, "mrr_new") / (1 - wanted)


def _quick_ratio(s: Snapshot, wanted: float, _period: str) -> float:
    """New MRR = wanted x (churned + contraction MRR) - reactivation - expansion MRR."""
    lost = _v(s, "mrr_churned") + _v(s, "mrr_contraction")
    return wanted * lost - _v(s, "mrr_reactivation") - _v(s, "mrr_expansion")


def _kpi(s: Snapshot, kpi: str) -> float:
    result = compute_kpi(KPIS_BY_ID[kpi], s)
    if result.value is None:
        raise Unreachable(tr("{kpi} is not computable ({reason})", kpi=KPIS_BY_ID[kpi].label,
                             reason=result.reason))
    return result.value


def _cac(s: Snapshot, wanted: float, _period: str) -> float:
    """S&M spend = wanted CAC x new customers (the same new customers)."""
    return wanted * _v(s, "new_customers")


def _cac_ratio(s: Snapshot, wanted: float, _period: str) -> float:
    """S&M spend = wanted ratio x (new + expansion MRR) x 12."""
    return wanted * (_v(s, "mrr_new") + _v(s, "mrr_expansion")) * 12


def _margin(s: Snapshot) -> float:
    margin = s.get("gross_margin")
    return 1.0 if margin is None else float(margin)


def _clv_to_cac(s: Snapshot, wanted: float, _period: str) -> float:
    """S&M spend = new customers x CLV x gross margin / wanted ratio (margin 1 when not given)."""
    return _v(s, "new_customers") * _kpi(s, "clv") * _margin(s) / wanted


def _payback(s: Snapshot, wanted: float, _period: str) -> float:
    """S&M spend = wanted months x ARPA x gross margin x new customers."""
    return wanted * _kpi(s, "arpa") * _margin(s) * _v(s, "new_customers")


def _nps(s: Snapshot, wanted: float, _period: str) -> float:
    """Promoters = (detractors + n x (passives + detractors)) / (1 - n), n = wanted / 100."""
    n = wanted / 100
    if n >= 1:
        raise Unreachable(tr("an NPS of 100 needs every answer to be a promoter"))
    detractors = _v(s, "nps_detractors")
    return (detractors + n * (_v(s, "nps_passives") + detractors)) / (1 - n)


def _new_mrr_for_end(s: Snapshot, end: float) -> float:
    """New MRR that makes MRR at end equal ``end``, every other movement unchanged."""
    return end - (_kpi(s, "mrr_end") - _v(s, "mrr_new"))


def _mrr_growth(s: Snapshot, wanted: float, _period: str) -> float:
    """New MRR such that MRR at end = MRR at start x (1 + wanted growth)."""
    return _new_mrr_for_end(s, _v(s, "mrr_start") * (1 + wanted))


def _arr_growth(s: Snapshot, wanted: float, _period: str) -> float:
    """New MRR such that MRR at end x 12 = ARR a year ago x (1 + wanted growth)."""
    return _new_mrr_for_end(s, _v(s, "arr_year_ago") * (1 + wanted) / 12)


def _magic_number(s: Snapshot, wanted: float, _period: str) -> float:
    """New MRR such that (MRR at end - MRR at start) x 12 = wanted x S&M spend (previous period's
    when given)."""
    spend = s.get("sales_marketing_spend_prior")
    spend = _v(s, "sales_marketing_spend") if spend is None else spend
    return _new_mrr_for_end(s, _v(s, "mrr_start") + wanted * spend / 12)


def _burn_multiple(s: Snapshot, wanted: float, _period: str) -> float:
    """Net burn = wanted multiple x net new ARR."""
    return wanted * _kpi(s, "net_new_arr")


def _rule_of_40(s: Snapshot, wanted: float, _period: str) -> float:
    """Profit margin = wanted score - ARR growth."""
    return wanted - _kpi(s, "arr_growth_rate")


def _arr_per_employee(s: Snapshot, wanted: float, _period: str) -> float:
    """Employees = ARR / wanted ARR per employee."""
    return _kpi(s, "arr") / wanted


def _itself(s: Snapshot, wanted: float, _period: str) -> float:
    """The input is the KPI."""
    return wanted


LEVERS: dict[str, Lever] = {lever.kpi: lever for lever in (
    Lever("visitor_to_lead_rate", "leads", _rate("leads", "visitors")),
    Lever("lead_to_mql_rate", "mqls", _rate("mqls", "leads")),
    Lever("mql_to_sql_rate", "sqls", _rate("sqls", "mqls")),
    Lever("sql_to_opportunity_rate", "opportunities", _rate("opportunities", "sqls")),
    Lever("opportunity_win_rate", "new_customers", _rate("new_customers", "opportunities")),
    Lever("lead_to_customer_rate", "new_customers", _rate("new_customers", "leads")),
    Lever("visitor_to_signup_rate", "signups", _rate("signups", "visitors")),
    Lever("activation_rate", "activated_users", _rate("activated_users", "signups")),
    Lever("trial_to_paid_rate", "trial_conversions", _rate("trial_conversions", "trial_users")),
    Lever("freemium_to_paid_rate", "freemium_conversions",
          _rate("freemium_conversions", "freemium_users")),
    Lever("pql_to_paid_rate", "pql_conversions", _rate("pql_conversions", "pqls")),
    Lever("adoption_rate", "adopted_users", _rate("adopted_users", "onboarded_users")),
    Lever("customer_churn_rate", "customers_churned", _customer_churn),
    Lever("customer_churn_rate_annual", "customers_churned", _customer_churn),
    Lever("gross_mrr_churn_rate", "mrr_churned", _gross_mrr_churn),
    Lever("gross_revenue_retention", "mrr_churned", _grr),
    Lever("net_revenue_retention", "mrr_expansion", _nrr),
    Lever("expansion_share", "mrr_expansion", _expansion_share),
    Lever("quick_ratio", "mrr_new", _quick_ratio),
    Lever("cac", "sales_marketing_spend", _cac),
    Lever("cac_ratio", "sales_marketing_spend", _cac_ratio),
    Lever("clv", "customers_churned", None),
    Lever("clv_to_cac", "sales_marketing_spend", _clv_to_cac),
    Lever("cac_payback_months", "sales_marketing_spend", _payback),
    Lever("nps", "nps_promoters", _nps),
    Lever("mrr_growth_rate", "mrr_new", _mrr_growth),
    Lever("arr_growth_rate", "mrr_new", _arr_growth),
    Lever("magic_number", "mrr_new", _magic_number),
    Lever("burn_multiple", "net_burn", _burn_multiple),
    Lever("rule_of_40", "profit_margin", _rule_of_40),
    Lever("arr_per_employee", "employees", _arr_per_employee),
    Lever("gross_margin", "gross_margin", _itself),
) if lever.field in FIELD_NAMES}


# --- solving ---------------------------------------------------------------------------------

def _value_with(snapshot: Snapshot, kpi: str, field: str, value: float) -> float | None:
    changed = apply_lever(snapshot, knock_on(snapshot, field, value))
    return compute_kpi(KPIS_BY_ID[kpi], changed).value


def _bisect(snapshot: Snapshot, kpi: str, field: str, wanted: float) -> float:
    """The lever's value between 0 and its current value where the KPI equals ``wanted``.

    The KPI must be monotone in the lever on that interval (CLV falls as churned customers
    rise while fewer than half the accounts churn); 200 halvings reach the float's precision.
    """
    current = snapshot.get(field)
    if not current:
        raise Unreachable(tr("{input} is {value}: there is nothing to lower", input=_words(field),
                             value=format_number(current or 0)))
    lo, hi = current * 1e-12, float(current)
    f_lo, f_hi = _value_with(snapshot, kpi, field, lo), _value_with(snapshot, kpi, field, hi)
    if f_lo is None or f_hi is None or not min(f_lo, f_hi) <= wanted <= max(f_lo, f_hi):
        raise Unreachable(tr("no {input} between 0 and {value} gives it", input=_words(field),
                             value=format_number(current)))
    rising = f_hi > f_lo
    for _ in range(200):
        mid = (lo + hi) / 2
        value = _value_with(snapshot, kpi, field, mid)
        if value is None:
            raise Unreachable(tr("{kpi} is not computable on the way", kpi=KPIS_BY_ID[kpi].label))
        if (value < wanted) == rising:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-12 * max(1.0, abs(hi)):
            break
    return (lo + hi) / 2


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def solve_lever(snapshot: Snapshot, kpi: str, wanted: float, kpi_period: str) -> SolvedLever:
    """The value of ``kpi``'s lever that makes it equal ``wanted`` (in ``kpi_period``).

    Raises
    ------
    NoLever
        The KPI has no lever in :data:`LEVERS`.
    Unreachable
        No value of the lever gives ``wanted`` (the message says why), or the recomputed KPI
        does not come out at ``wanted``.
    """
    lever = LEVERS.get(kpi)
    if lever is None:
        raise NoLever(tr("no single input moves {kpi} directly", kpi=lower(KPIS_BY_ID[kpi].label)))
    field = lever.field
    required = (_bisect(snapshot, kpi, field, wanted) if lever.solve is None
                else lever.solve(snapshot, wanted, kpi_period))
    spec = FIELDS_BY_NAME[field]
    if required < 0 and not getattr(spec, "signed", False):
        raise Unreachable(tr("it would need {input} below zero ({value})", input=_words(field),
                             value=format_number(required)))
    if spec.kind == "fraction" and required > 1:
        raise Unreachable(tr("it would need {input} above 100 %", input=_words(field)))
    changes = knock_on(snapshot, field, required)
    result = compute_kpi(KPIS_BY_ID[kpi], apply_lever(snapshot, changes))
    if result.value is None:
        raise Unreachable(tr("with that value, {kpi} is not computable ({reason})",
                             kpi=lower(KPIS_BY_ID[kpi].label), reason=result.reason))
    if not _close(result.value, wanted):
        raise Unreachable(tr("recomputed with that value it is {value}, not {wanted}",
                             value=format(result.value, ".4g"), wanted=format(wanted, ".4g")))
    return SolvedLever(kpi, field, snapshot.get(field), required, changes, result.value)

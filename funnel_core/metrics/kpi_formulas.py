"""KPI formulas: each function reads a snapshot and returns ``(value, calculation text)``.

A formula raises :class:`NotComputable` with the reason in words when an input is missing or a
denominator is zero; it never returns NaN or infinity. The registry that names, describes and
orders these formulas is :mod:`funnel_core.metrics.kpis`.

Reactivations (``customers_reactivated``, ``mrr_reactivation``) are customers who come back after
leaving: they count in MRR at end, in paying accounts and in the quick ratio's gains, never in
new customers, CAC or the conversion rates. When they are not given they count as 0 silently
(most companies do not track them separately).
"""

from __future__ import annotations

from typing import Callable

from funnel_core.domain.constants import FIELDS_BY_NAME, PER_PERIOD
from funnel_core.domain.formatting import format_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, babel_locale, current_language, tr
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import convert_churn, months_in


class NotComputable(Exception):
    """Raised inside a formula; the message is the reason shown to the user."""


# --- helpers ---------------------------------------------------------------------------------

def _need(snapshot: Snapshot, *names: str) -> list[float]:
    """Values of ``names``; raise :class:`NotComputable` naming every missing one."""
    missing = [n for n in names if snapshot.get(n) is None]
    if missing:
        labels = ", ".join(f"{FIELDS_BY_NAME[n].label} ({n})" for n in missing)
        raise NotComputable(tr("missing input: {inputs}", inputs=labels))
    return [float(snapshot.get(n)) for n in names]  # type: ignore[arg-type]


def _divide(numerator: float, denominator: float, denominator_text: str) -> float:
    """``numerator / denominator``; ``denominator_text`` (already in the current language) names
    the denominator in the reason when it is zero."""
    if denominator == 0:
        raise NotComputable(tr("{denominator} is zero, so the ratio is not defined",
                               denominator=denominator_text))
    return numerator / denominator


def _n(value: float) -> str:
    return format_number(value)


def _g(value: float) -> str:
    """A rate in a calculation, as the formulas have always written it (``0.04167``), with the
    decimal sign of the language (``0,04167`` in German)."""
    return _decimal(f"{value:.4g}")


def _decimal(text: str) -> str:
    """A number written with a point (``"0.05"``) with the decimal sign of the language."""
    if current_language() == DEFAULT_LANGUAGE:
        return text
    from babel.numbers import get_decimal_symbol

    return text.replace(".", get_decimal_symbol(babel_locale()))


def _per(period: str) -> str:
    """"per month" / "per quarter" / "per year" in the current language."""
    return PER_PERIOD.get(period, f"per {period}")


def conversion_rate(numerator: str, denominator: str) -> Callable[[Snapshot], tuple[float, str]]:
    """A conversion rate ``numerator / denominator``, a fraction from 0 to 1.

    Not computable when either count is missing, when the denominator is zero, or when the
    numerator is larger than the denominator (a rate above 100 % means the two counts do not
    describe the same people or period; the reason names both).
    """

    def compute(snapshot: Snapshot) -> tuple[float, str]:
        num, den = _need(snapshot, numerator, denominator)
        value = _divide(num, den, FIELDS_BY_NAME[denominator].label)
        if value > 1:
            raise NotComputable(tr(
                "{numerator} ({numerator_value}) is more than {denominator} ({denominator_value}): "
                "a conversion rate cannot be above 100 %; check that both count the same people "
                "and period", numerator=FIELDS_BY_NAME[numerator].label, numerator_value=_n(num),
                denominator=FIELDS_BY_NAME[denominator].label, denominator_value=_n(den)))
        return value, f"{_n(num)} / {_n(den)} = {_g(value)}"

    return compute


def churn_in_period(snapshot: Snapshot) -> tuple[float, float, float]:
    churned, start = _need(snapshot, "customers_churned", "customers_start")
    if start == 0:
        raise NotComputable(tr("{input} is zero, so churn is not defined",
                               input=FIELDS_BY_NAME["customers_start"].label))
    if churned > start:
        raise NotComputable(tr(
            "churned customers ({churned}) exceed customers at start ({start}); check the inputs",
            churned=_n(churned), start=_n(start)))
    return churned / start, churned, start


def customer_churn_monthly(snapshot: Snapshot) -> tuple[float, str]:
    rate, churned, start = churn_in_period(snapshot)
    period = snapshot.context.period
    text = f"{_n(churned)} / {_n(start)} = {_g(rate)}"
    if period != "month":
        monthly = convert_churn(rate, period, "month")
        text += tr(" {per_period}; per month: 1 - (1 - {rate})^(1/{months}) = {monthly}",
                   per_period=_per(period), rate=_g(rate), months=months_in(period), monthly=_g(monthly))
        return monthly, text
    return rate, text


def customer_churn_annual(snapshot: Snapshot) -> tuple[float, str]:
    rate, churned, start = churn_in_period(snapshot)
    period = snapshot.context.period
    annual = convert_churn(rate, period, "year")
    if period == "year":
        return annual, f"{_n(churned)} / {_n(start)} = {_g(annual)}"
    return annual, tr(
        "{churned} / {start} = {rate} {per_period}; per year: 1 - (1 - {rate})^{periods} = {annual}",
        churned=_n(churned), start=_n(start), rate=_g(rate), per_period=_per(period),
        periods=12 // months_in(period), annual=_g(annual))


MOVEMENTS = ("mrr_new", "mrr_expansion", "mrr_contraction", "mrr_churned")
#: Optional inputs that only add to MRR and accounts; 0 when not given, without a note.
REACTIVATIONS = ("customers_reactivated", "mrr_reactivation")


def _optional(snapshot: Snapshot, name: str) -> float:
    value = snapshot.get(name)
    return float(value) if value is not None else 0.0


def _mrr_parts(snapshot: Snapshot, needed: tuple[str, ...]) -> tuple[dict[str, float], list[str]]:
    """MRR start plus movements; a movement not given counts as 0 and is reported."""
    (start,) = _need(snapshot, "mrr_start")
    given = [m for m in needed if snapshot.get(m) is not None]
    if not given:
        labels = ", ".join(FIELDS_BY_NAME[m].label for m in needed)
        raise NotComputable(tr("missing input: give at least one of {inputs}", inputs=labels))
    parts = {"mrr_start": start}
    assumed = []
    for m in needed:
        value = snapshot.get(m)
        if value is None:
            assumed.append(FIELDS_BY_NAME[m].label)
        parts[m] = float(value or 0.0)
    return parts, assumed


def _assumed_note(assumed: list[str]) -> str:
    return tr(" ({inputs} not given, taken as 0)", inputs=", ".join(assumed)) if assumed else ""


def mrr_end(snapshot: Snapshot) -> tuple[float, str]:
    p, assumed = _mrr_parts(snapshot, MOVEMENTS)
    reactivation = _optional(snapshot, "mrr_reactivation")
    value = (p["mrr_start"] + p["mrr_new"] + reactivation + p["mrr_expansion"]
             - p["mrr_contraction"] - p["mrr_churned"])
    if value < 0:
        raise NotComputable(tr("MRR at end would be negative: churned and contraction MRR exceed "
                               "what the company had; check the inputs"))
    reactivated = tr(" + reactivation {amount}", amount=_n(reactivation)) if snapshot.get("mrr_reactivation") is not None else ""
    return value, (
        f"{_n(p['mrr_start'])} + {_n(p['mrr_new'])}{reactivated} + {_n(p['mrr_expansion'])} - "
        f"{_n(p['mrr_contraction'])} - {_n(p['mrr_churned'])} = {_n(value)}" + _assumed_note(assumed)
    )


def arr(snapshot: Snapshot) -> tuple[float, str]:
    mrr, text = mrr_end(snapshot)
    return mrr * 12, tr("MRR at end {mrr} x 12 = {arr}", mrr=_n(mrr), arr=_n(mrr * 12))


def _customers_end(snapshot: Snapshot) -> tuple[float, str]:
    start, new, churned = _need(snapshot, "customers_start", "new_customers", "customers_churned")
    reactivated = _optional(snapshot, "customers_reactivated")
    end = start + new + reactivated - churned
    if end < 0:
        raise NotComputable(tr("paying accounts at the end would be negative; check the inputs"))
    if snapshot.get("customers_reactivated") is not None:
        return end, tr("({start} + {new} + reactivated {reactivated} - {churned})", start=_n(start),
                       new=_n(new), reactivated=_n(reactivated), churned=_n(churned))
    return end, f"({_n(start)} + {_n(new)} - {_n(churned)})"


def arpa(snapshot: Snapshot) -> tuple[float, str]:
    mrr, _ = mrr_end(snapshot)
    accounts, accounts_text = _customers_end(snapshot)
    value = _divide(mrr, accounts, tr("Paying accounts at end"))
    return value, tr("MRR at end {mrr} / paying accounts at end {accounts} = {value}", mrr=_n(mrr),
                     accounts=accounts_text, value=_n(value))


def retention(snapshot: Snapshot, net: bool) -> tuple[float, str]:
    needed = ("mrr_expansion", "mrr_contraction", "mrr_churned") if net else ("mrr_contraction", "mrr_churned")
    p, assumed = _mrr_parts(snapshot, needed)
    start = p["mrr_start"]
    if start == 0:
        raise NotComputable(tr("{input} is zero, so retention is not defined",
                               input=FIELDS_BY_NAME["mrr_start"].label))
    kept = start - p["mrr_contraction"] - p["mrr_churned"]
    if net:
        kept += p["mrr_expansion"]
        text = f"({_n(start)} + {_n(p['mrr_expansion'])} - {_n(p['mrr_contraction'])} - {_n(p['mrr_churned'])}) / {_n(start)}"
    else:
        text = f"({_n(start)} - {_n(p['mrr_contraction'])} - {_n(p['mrr_churned'])}) / {_n(start)}"
    value = kept / start
    if value < 0:
        raise NotComputable(tr("churned and contraction MRR exceed MRR at start; check the inputs"))
    return value, f"{text} = {_g(value)} {_per(snapshot.context.period)}" + _assumed_note(assumed)


def gross_mrr_churn(snapshot: Snapshot) -> tuple[float, str]:
    p, assumed = _mrr_parts(snapshot, ("mrr_contraction", "mrr_churned"))
    start = p["mrr_start"]
    if start == 0:
        raise NotComputable(tr("{input} is zero, so revenue churn is not defined",
                               input=FIELDS_BY_NAME["mrr_start"].label))
    lost = p["mrr_contraction"] + p["mrr_churned"]
    if lost > start:
        raise NotComputable(tr("churned and contraction MRR exceed MRR at start; check the inputs"))
    value = lost / start
    return value, (
        f"({_n(p['mrr_churned'])} + {_n(p['mrr_contraction'])}) / {_n(start)} = {_g(value)} "
        f"{_per(snapshot.context.period)}" + _assumed_note(assumed)
    )


def expansion_share(snapshot: Snapshot) -> tuple[float, str]:
    new, expansion = _need(snapshot, "mrr_new", "mrr_expansion")
    value = _divide(expansion, new + expansion, tr("New plus expansion MRR"))
    return value, f"{_n(expansion)} / ({_n(new)} + {_n(expansion)}) = {_g(value)}"


def quick_ratio(snapshot: Snapshot) -> tuple[float, str]:
    p, assumed = _mrr_parts(snapshot, MOVEMENTS)
    reactivation = _optional(snapshot, "mrr_reactivation")
    gained = p["mrr_new"] + reactivation + p["mrr_expansion"]
    lost = p["mrr_churned"] + p["mrr_contraction"]
    if lost == 0:
        raise NotComputable(tr("no churned or contraction MRR: the quick ratio has no denominator"))
    value = gained / lost
    reactivated = f" + {_n(reactivation)}" if snapshot.get("mrr_reactivation") is not None else ""
    return value, (
        f"({_n(p['mrr_new'])}{reactivated} + {_n(p['mrr_expansion'])}) / ({_n(p['mrr_churned'])} + "
        f"{_n(p['mrr_contraction'])}) = {_g(value)}" + _assumed_note(assumed)
    )


def cac(snapshot: Snapshot) -> tuple[float, str]:
    spend, new = _need(snapshot, "sales_marketing_spend", "new_customers")
    value = _divide(spend, new, FIELDS_BY_NAME["new_customers"].label)
    return value, f"{_n(spend)} / {_n(new)} = {_n(value)}"


def cac_ratio(snapshot: Snapshot) -> tuple[float, str]:
    spend, new, expansion = _need(snapshot, "sales_marketing_spend", "mrr_new", "mrr_expansion")
    new_arr = (new + expansion) * 12
    value = _divide(spend, new_arr, tr("New ARR (new + expansion MRR x 12)"))
    return value, f"{_n(spend)} / (({_n(new)} + {_n(expansion)}) x 12) = {_g(value)}"


def clv(snapshot: Snapshot) -> tuple[float, str]:
    arpa_value, _ = arpa(snapshot)
    churn, _ = customer_churn_monthly(snapshot)
    if churn == 0:
        raise NotComputable(tr("no customer churned this period, so lifetime (1 / churn) is unbounded"))
    value = arpa_value / churn
    return value, tr("ARPA {arpa} / monthly churn {churn} = {value}", arpa=_n(arpa_value), churn=_g(churn),
                     value=_n(value))


def clv_to_cac(snapshot: Snapshot) -> tuple[float, str]:
    clv_value, _ = clv(snapshot)
    cac_value, _ = cac(snapshot)
    margin = snapshot.get("gross_margin")
    if cac_value == 0:
        raise NotComputable(tr("CAC is zero, so the ratio is not defined"))
    if margin is not None:
        value = clv_value * margin / cac_value
        return value, tr("CLV {clv} x gross margin {margin} / CAC {cac} = {value}", clv=_n(clv_value),
                         margin=_g(margin), cac=_n(cac_value), value=_g(value))
    value = clv_value / cac_value
    return value, tr("CLV {clv} / CAC {cac} = {value} (revenue-based: gross margin not given)",
                     clv=_n(clv_value), cac=_n(cac_value), value=_g(value))


def cac_payback(snapshot: Snapshot) -> tuple[float, str]:
    cac_value, _ = cac(snapshot)
    arpa_value, _ = arpa(snapshot)
    margin = snapshot.get("gross_margin")
    if margin is not None:
        monthly_profit = arpa_value * margin
        value = _divide(cac_value, monthly_profit, tr("ARPA x gross margin"))
        return value, tr("CAC {cac} / (ARPA {arpa} x gross margin {margin}) = {value} months",
                         cac=_n(cac_value), arpa=_n(arpa_value), margin=_g(margin), value=_g(value))
    value = _divide(cac_value, arpa_value, "ARPA")
    return value, tr("CAC {cac} / ARPA {arpa} = {value} months (revenue payback: gross margin not given)",
                     cac=_n(cac_value), arpa=_n(arpa_value), value=_g(value))


def nps(snapshot: Snapshot) -> tuple[float, str]:
    promoters, passives, detractors = _need(snapshot, "nps_promoters", "nps_passives", "nps_detractors")
    total = promoters + passives + detractors
    if total == 0:
        raise NotComputable(tr("no survey answers, so NPS is not defined"))
    value = (promoters - detractors) / total * 100
    return value, f"({_n(promoters)} - {_n(detractors)}) / {_n(total)} x 100 = {_decimal(f'{value:.1f}')}"



"""Inputs that contradict each other, found before any KPI is computed.

Two kinds of finding:

- a **contradiction** makes every KPI that reads one of its fields *not computable*, with a
  reason that names the inputs involved (250 churned customers out of 200 at the start stops
  churn, ARPA, CLV, CLV:CAC and CAC payback alike; churned plus contraction MRR above MRR at
  start stops MRR at end, ARR, ARPA, GRR, NRR, the quick ratio and everything built on them);
- a **warning** is implausible but possible (more leads than website visitors: leads also come
  from events and outbound); it is shown next to the KPIs that read those fields and stops
  nothing. A conversion *rate* above 100 % is still refused by the rate itself
  (:func:`funnel_core.metrics.kpi_formulas.conversion_rate`).

Every check reads only what was given: a missing input never triggers a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from funnel_core.domain.constants import FIELDS_BY_NAME
from funnel_core.domain.formatting import format_number
from funnel_core.domain.i18n import tr
from funnel_core.domain.model import Snapshot

#: (subset, whole): the first counts people taken from the second by definition, so it can
#: never be larger. Used both for contradictions and to refuse conversion rates above 100 %.
SUBSET_PAIRS: tuple[tuple[str, str], ...] = (
    ("customers_churned", "customers_start"),
    ("trial_conversions", "trial_users"),
    ("freemium_conversions", "freemium_users"),
    ("pql_conversions", "pqls"),
    ("activated_users", "signups"),
    ("adopted_users", "onboarded_users"),
    ("mqls", "leads"),
    ("sqls", "mqls"),
)

#: (later stage, earlier stage) that usually shrink but can legitimately grow (other channels).
FUNNEL_ORDER_PAIRS: tuple[tuple[str, str], ...] = (
    ("leads", "visitors"),
    ("signups", "visitors"),
    ("opportunities", "sqls"),
)

_LOST_MRR = ("mrr_churned", "mrr_contraction")


@dataclass(frozen=True)
class Finding:
    """One contradiction or warning about the inputs.

    Attributes
    ----------
    fields : the canonical fields involved; a KPI that reads any of them is affected.
    message : the finding in words, naming the inputs and their values.
    """

    fields: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return self.message


def _label(name: str) -> str:
    return FIELDS_BY_NAME[name].label


def _n(value: float) -> str:
    return format_number(value)


def contradictions(snapshot: Snapshot) -> list[Finding]:
    """Inputs that cannot all be true at once.

    Returns
    -------
    list of :class:`Finding`, empty when the inputs are consistent. Checked: a subset count
    above its whole (:data:`SUBSET_PAIRS`), churned plus contraction MRR above MRR at start,
    and paying accounts at the end below zero (customers at start + new + reactivated -
    churned). Missing inputs are never a contradiction.
    """
    found: list[Finding] = []
    for part, whole in SUBSET_PAIRS:
        p, w = snapshot.get(part), snapshot.get(whole)
        if p is not None and w is not None and p > w:
            found.append(Finding((part, whole), tr(
                "{part} ({part_value}) is more than {whole} ({whole_value}), which cannot be: "
                "check both inputs", part=_label(part), part_value=_n(p), whole=_label(whole),
                whole_value=_n(w))))
    start = snapshot.get("mrr_start")
    given = [snapshot.get(m) for m in _LOST_MRR if snapshot.get(m) is not None]
    if start is not None and given:
        lost = sum(given)
        if lost > start:
            found.append(Finding(("mrr_start",) + _LOST_MRR, tr(
                "Churned plus contraction MRR ({lost}) is more than MRR at start ({start}): a "
                "company cannot lose more MRR than it had; check these inputs", lost=_n(lost),
                start=_n(start))))
    accounts = [snapshot.get(n) for n in ("customers_start", "new_customers", "customers_churned")]
    if all(v is not None for v in accounts):
        start_c, new_c, churned_c = accounts
        end = start_c + new_c + (snapshot.get("customers_reactivated") or 0) - churned_c
        already = any("customers_churned" in f.fields for f in found)
        if end < 0 and not already:
            found.append(Finding(("customers_start", "new_customers", "customers_churned"), tr(
                "Paying accounts at the end would be {end} (customers at start {start} + new {new} "
                "- churned {churned}): check these inputs", end=_n(end), start=_n(start_c),
                new=_n(new_c), churned=_n(churned_c))))
    return found


def warnings(snapshot: Snapshot) -> list[Finding]:
    """Implausible but possible combinations (a later funnel stage above an earlier one)."""
    found: list[Finding] = []
    for later, earlier in FUNNEL_ORDER_PAIRS:
        a, b = snapshot.get(later), snapshot.get(earlier)
        if a is not None and b is not None and a > b:
            found.append(Finding((earlier, later), tr(
                "{later} ({later_value}) is more than {earlier} ({earlier_value}): check that both "
                "count the same period and channel", later=_label(later), later_value=_n(a),
                earlier=_label(earlier), earlier_value=_n(b))))
    return found


def blocking_reason(inputs: tuple[str, ...], found: list[Finding]) -> str | None:
    """The reason a KPI reading ``inputs`` is not computable, or ``None`` when nothing blocks it."""
    hits = [f.message for f in found if set(f.fields) & set(inputs)]
    if not hits:
        return None
    return tr("inconsistent inputs: {findings}", findings="; ".join(hits))


__all__ = ["FUNNEL_ORDER_PAIRS", "Finding", "SUBSET_PAIRS", "blocking_reason", "contradictions",
           "warnings"]

"""The "What would it take" page's data and tables: named scenarios, inputs by stage, side by side.

Session data (never widget values):

``whatif_scenarios``
    ``{name: {field: value}}``: each named scenario as the inputs it changes (absolute values;
    a field set back to its current value is dropped), in the order they were made.
``whatif_active``
    the name of the scenario shown.

Everything the page shows is built here or in the core (:mod:`funnel_core.benchmarks.
scenario_compare`, :mod:`funnel_core.benchmarks.targets`); the page only draws it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from funnel_core.benchmarks.scenario_compare import ScenarioComparison
from funnel_core.benchmarks.targets import Target, field_text
from funnel_core.charts.labels import GLYPHS
from funnel_core.domain.constants import FIELDS, STAGES, VERDICT_LABELS, FieldSpec
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import current_language, mark, tr
from funnel_core.domain.model import Snapshot
from funnel_core.metrics.levers import lower
from funnel_core.metrics.scenario import Scenario, scenario_from_values

__all__ = [
    "ACTIVE_KEY", "DEFAULT_NAME", "SCENARIOS_KEY", "default_state", "headline_cards", "input_groups",
    "input_step",
    "month_table", "new_name", "overrides_key", "scenario_of", "set_value", "side_by_side_table",
    "target_name", "target_rows",
]

SCENARIOS_KEY = "whatif_scenarios"
ACTIVE_KEY = "whatif_active"
DEFAULT_NAME = "Scenario 1"

#: The column names of the tables below, marked so a page can show them translated
#: (``frame.rename(columns=tr)``); the frames keep the English names as their keys.
COLUMN_NAMES: tuple[str, ...] = (
    mark("KPI"), mark("Now"), mark("Scenario"), mark("Verdict now"), mark("Verdict in scenario"),
    mark("Where now"), mark("Where in scenario"), mark("Changed"), mark("Month"),
    mark("MRR at current rates"), mark("MRR in scenario"), mark("MRR difference"),
    mark("Customers at current rates"), mark("Customers in scenario"), mark("Customers difference"),
)


def default_state() -> dict[str, Any]:
    """Fresh session data of the page (one empty scenario)."""
    return {SCENARIOS_KEY: {DEFAULT_NAME: {}}, ACTIVE_KEY: DEFAULT_NAME}


def input_groups(snapshot: Snapshot) -> list[tuple[str, list[FieldSpec]]]:
    """The inputs a scenario can change, grouped by funnel stage (stage label, fields): the
    fields given in the snapshot, in the form's order; stages without one are left out."""
    groups: list[tuple[str, list[FieldSpec]]] = []
    for stage, label in STAGES.items():
        fields = [f for f in FIELDS if f.stage == stage and snapshot.get(f.name) is not None]
        if fields:
            groups.append((label, fields))
    return groups


def input_step(spec: FieldSpec) -> tuple[float, str]:
    """``(step, format)`` of a number input: counts by 1, money by 100, fractions by 0.01."""
    if spec.kind == "fraction":
        return 0.01, "%.2f"
    if spec.kind == "money":
        return 100.0, "%g"
    return 1.0, "%g"


def set_value(overrides: Mapping[str, float], field: str, value: float | None,
              baseline: Snapshot) -> dict[str, float]:
    """``overrides`` with ``field`` set to ``value``; dropped when it equals the current value
    (or is empty), so a scenario only holds what it changes."""
    out = dict(overrides)
    if value is None or value == baseline.get(field):
        out.pop(field, None)
    else:
        out[field] = float(value)
    return out


def scenario_of(name: str, overrides: Mapping[str, float]) -> Scenario:
    """The scenario of stored overrides (fields no longer known are ignored)."""
    known = {f.name for f in FIELDS}
    return scenario_from_values(name, {k: v for k, v in overrides.items() if k in known})


def overrides_key(overrides: Mapping[str, float]) -> str:
    """A stable text key of a scenario's overrides (for caching)."""
    return json.dumps(dict(sorted(overrides.items())))


def new_name(existing: Mapping[str, Any], wanted: str | None = None) -> str:
    """``wanted`` (trimmed) when free, else ``wanted (2)``...; ``Scenario n`` when empty."""
    base = (wanted or "").strip()[:60]
    if not base:
        n = len(existing) + 1
        while f"Scenario {n}" in existing:
            n += 1
        return f"Scenario {n}"
    name, n = base, 2
    while name in existing:
        name, n = f"{base} ({n})", n + 1
    return name


def target_name(target: Target) -> str:
    """The name a target's scenario gets: ``"Reach: Customer churn (monthly)"``."""
    return tr("Reach: {target}", target=target.label)


def _verdict(verdict: str | None) -> str:
    if verdict is None:
        return ""
    return f"{GLYPHS.get(verdict, '–')} {tr(VERDICT_LABELS.get(verdict, verdict))}"


def _percentile(rank: float | None, position: str | None) -> str:
    if rank is not None:
        return tr("~{rank}th pct", rank=format(rank, ".0f"))
    return position or ""


def side_by_side_table(result: ScenarioComparison, changed_only: bool = False) -> pd.DataFrame:
    """Every KPI now and in the scenario: values, verdicts, where it stands (text cells)."""
    currency = result.baseline.snapshot.context.currency
    rows = []
    for r in result.rows:
        if changed_only and not r.changed:
            continue
        rows.append({
            "KPI": tr(r.label),
            "Now": format_value(r.before, r.unit, currency),
            "Scenario": format_value(r.after, r.unit, currency),
            "Verdict now": _verdict(r.verdict_before),
            "Verdict in scenario": _verdict(r.verdict_after),
            "Where now": _percentile(r.percentile_before, r.position_before),
            "Where in scenario": _percentile(r.percentile_after, r.position_after),
            "Changed": "●" if r.changed else "",
        })
    return pd.DataFrame(rows, columns=["KPI", "Now", "Scenario", "Verdict now", "Verdict in scenario",
                                       "Where now", "Where in scenario", "Changed"])


def month_table(result: ScenarioComparison) -> pd.DataFrame:
    """The projection month by month: MRR and customers now and in the scenario (text cells)."""
    currency = result.baseline.snapshot.context.currency
    rows = []
    for m in result.month_differences():
        customers = m["customers_difference"]
        rows.append({
            "Month": tr("now") if m["month"] == 0 else str(m["month"]),
            "MRR at current rates": format_value(m["mrr_baseline"], "currency", currency),
            "MRR in scenario": format_value(m["mrr_scenario"], "currency", currency),
            "MRR difference": _signed_money(m["mrr_difference"], currency),
            "Customers at current rates": _count(m["customers_baseline"]),
            "Customers in scenario": _count(m["customers_scenario"]),
            "Customers difference": "" if customers is None else f"{customers:+,.1f}",
        })
    return pd.DataFrame(rows)


def headline_cards(result: ScenarioComparison) -> list[dict[str, Any]]:
    """MRR, customers and ARR in the last projected month of the scenario, each with its
    difference against current rates (``delta`` ``None`` when there is none)."""
    months = result.month_differences()
    if not months:
        return []
    last, currency = months[-1], result.baseline.snapshot.context.currency
    n = last["month"]
    help_text = tr("In this scenario; the difference is against your current rates.")
    cards = [{"label": tr("MRR in month {n}", n=n),
              "value": format_value(last["mrr_scenario"], "currency", currency),
              "delta": None if abs(last["mrr_difference"]) < 0.5 else _signed_money(last["mrr_difference"], currency, "-"),
              "help": help_text}]
    if last["customers_scenario"] is not None:
        diff = last["customers_difference"] or 0.0
        cards.append({"label": tr("Customers in month {n}", n=n), "value": _count(last["customers_scenario"]),
                      "delta": None if abs(diff) < 0.05 else f"{diff:+,.1f}", "help": help_text})
    cards.append({"label": tr("ARR in month {n}", n=n),
                  "value": format_value(last["arr_scenario"], "currency", currency),
                  "delta": None if abs(last["arr_difference"]) < 0.5 else _signed_money(last["arr_difference"], currency, "-"),
                  "help": help_text})
    return cards


def _count(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _signed_money(value: float | None, currency: str, minus: str = "−") -> str:
    if value is None:
        return ""
    if abs(value) < 0.5:
        return tr("no change")
    return ("+" if value > 0 else minus) + format_value(abs(value), "currency", currency)


def target_rows(targets: list[Target], currency: str) -> list[dict[str, Any]]:
    """One dict per target for the page's list: headline, sentence, worth, whether "Try this"."""
    rows = []
    for t in targets:
        field_label = ""
        if t.field_label:
            field_label = t.field_label if current_language() == "de" else lower(t.field_label)
        if t.reachable and t.field:
            head = (f"**{t.label}**: {field_label} "
                    f"{field_text(t.field, t.current, currency)} → "
                    f"{field_text(t.field, t.required, currency)}")
        else:
            head = tr("**{kpi}**: not reachable by {what} alone", kpi=t.label,
                      what=field_label or tr("one input"))
        worth = (None if t.worth_mrr_12m is None or t.worth_note else
                 tr("{money} MRR in month 12", money=_signed_money(t.worth_mrr_12m, currency)))
        rows.append({"kpi": t.kpi, "head": head, "text": t.text, "worth": worth,
                     "can_try": t.reachable, "values": t.scenario_values(), "name": target_name(t)})
    return rows

"""A scenario as one CSV file: the inputs changed, every KPI and the projection, before and after.

Long form, one row per item, columns :data:`SCENARIO_COLUMNS`:

- ``section`` ``input``: each changed input (``item`` its field name);
- ``section`` ``kpi``: every KPI's value, with the verdict and the percentile against its main
  benchmark before and after;
- ``section`` ``period``: MRR and paying customers at the end of the current period;
- ``section`` ``projection``: MRR, customers and ARR in each projected month (``item``
  ``mrr_month_3``...; month 0 is the end of the current period), steady rates, no seasonality.

UTF-8 with a byte-order mark (Excel), text cells neutralised against formula injection,
missing values empty, never NaN.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterator

from funnel_core.benchmarks.scenario_compare import ScenarioComparison
from funnel_core.domain.i18n import mark, tr
from funnel_core.exports.sanitize import safe_cell

__all__ = ["SCENARIO_COLUMNS", "scenario_csv", "scenario_rows"]

SCENARIO_COLUMNS = ("scenario", "section", "item", "label", "unit", "period", "baseline",
                    "scenario_value", "difference", "verdict_baseline", "verdict_scenario",
                    "percentile_baseline", "percentile_scenario")


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def scenario_rows(result: ScenarioComparison) -> Iterator[dict[str, Any]]:
    """The rows of :func:`scenario_csv` as dicts (see the module docstring)."""
    name = result.name
    period = result.baseline.snapshot.context.period
    for c in result.changes:
        yield {"scenario": name, "section": "input", "item": c.field, "label": c.label,
               "baseline": c.before, "scenario_value": c.after, "difference": _diff(c.before, c.after)}
    for r in result.rows:
        yield {"scenario": name, "section": "kpi", "item": r.kpi, "label": r.label, "unit": r.unit,
               "period": r.period, "baseline": r.before, "scenario_value": r.after,
               "difference": _diff(r.before, r.after), "verdict_baseline": r.verdict_before,
               "verdict_scenario": r.verdict_after, "percentile_baseline": r.percentile_before,
               "percentile_scenario": r.percentile_after}
    diff = result.period_difference()
    for key, label, unit in (("mrr_end", mark("MRR at end of period"), "currency"),
                             ("customers_end", mark("Paying customers at end of period"), "count")):
        d = diff[key]
        yield {"scenario": name, "section": "period", "item": key, "label": tr(label), "unit": unit,
               "period": period, "baseline": d["baseline"], "scenario_value": d["scenario"],
               "difference": d["difference"]}
    for m in result.month_differences():
        for key, label, unit in (("mrr", "MRR", "currency"), ("customers", mark("Paying customers"), "count"),
                                 ("arr", "ARR", "currency")):
            yield {"scenario": name, "section": "projection", "item": f"{key}_month_{m['month']}",
                   "label": tr("{label}, month {month}", label=tr(label), month=m["month"]), "unit": unit,
                   "period": "month",
                   "baseline": m[f"{key}_baseline"], "scenario_value": m[f"{key}_scenario"],
                   "difference": m[f"{key}_difference"]}


def scenario_csv(result: ScenarioComparison) -> bytes:
    """The scenario beside the baseline as CSV bytes (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCENARIO_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in scenario_rows(result):
        cells = {}
        for key in SCENARIO_COLUMNS:
            value = safe_cell(row.get(key))
            cells[key] = "" if value is None else value
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

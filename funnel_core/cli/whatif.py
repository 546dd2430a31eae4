"""The ``whatif`` command: your numbers beside a scenario with some inputs changed.

::

    whatif FILE --set FIELD=VALUE [--set ...] [--format json|table] [--months 12] [context options]

``json`` prints ``baseline`` and ``scenario`` (each the comparison as ``compare --format json``
prints it: a ``kpis`` list, plus ``mrr_end``, ``customers_end`` and its ``projection``),
``changes``, ``side_by_side`` (every KPI with its value, verdict and percentile before and
after) and ``difference`` (MRR and customers at the end of the period and per projected
month). ``table`` prints the same for reading. A bad ``--set`` exits with 2 and one line.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from funnel_core.benchmarks.scenario_compare import ScenarioComparison, compare_scenario
from funnel_core.benchmarks.targets import field_text
from funnel_core.cli import scenario_args
from funnel_core.domain.constants import PERIOD_NAMES
from funnel_core.domain.formatting import format_value, localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr
from funnel_core.exports.wording import verdict_label
from funnel_core.metrics.projection import DEFAULT_MONTHS, MAX_MONTHS
from funnel_core.metrics.scenario import Scenario, ScenarioError

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_KPI = mark('KPI')
_T_NOW = mark('now')
_T_SCENARIO = mark('scenario')
_T_VERDICT_NOW_SCENARIO = mark('verdict now -> scenario')
_T_PERCENTILE = mark('percentile')

__all__ = ["add_parser", "render_table", "run"]


def add_parser(subparsers: Any, context_options: scenario_args.ContextOptions,
               build_report: scenario_args.ReportReader) -> argparse.ArgumentParser:
    """Register ``whatif`` on an ``add_subparsers()`` object."""
    p = subparsers.add_parser("whatif", help="compare your numbers with a scenario (--set FIELD=VALUE)",
                              description="Every KPI, verdict and percentile before and after "
                                          "changing some inputs, and the difference in MRR and "
                                          "customers.")
    scenario_args.add_file_options(p, context_options, build_report)
    scenario_args.add_set_option(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                   help=f"projection horizon in months (1-{MAX_MONTHS}, default 12)")
    p.add_argument("--name", default="Scenario", help="the scenario's name in the output")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on a bad ``--set`` or horizon."""
    try:
        changes = scenario_args.changes(args)
    except ScenarioError as exc:
        return scenario_args.fail(str(exc))
    if not changes:
        return scenario_args.fail("whatif needs at least one --set FIELD=VALUE (e.g. --set leads=+10%)")
    if not 1 <= args.months <= MAX_MONTHS:
        return scenario_args.fail(f"--months must be from 1 to {MAX_MONTHS}, not {args.months}")
    report = scenario_args.read_report(args)
    try:
        result = compare_scenario(report.snapshot, Scenario(args.name, changes),
                                  scenario_args.catalogue(args), args.months, baseline=report)
    except ScenarioError as exc:
        return scenario_args.fail(f"{args.file}: {exc}")
    text = scenario_args.json_text(result.to_dict()) if args.format == "json" else render_table(result)
    sys.stdout.write(text)
    return scenario_args.EXIT_OK


def _pct(rank: float | None) -> str:
    return "" if rank is None else f"~P{rank:.0f}"


def _grouped(value: float, digits: int) -> str:
    """``1,234.5`` in English, the language's own grouping and decimal mark otherwise."""
    if current_language() == DEFAULT_LANGUAGE:
        return f"{value:,.{digits}f}"
    return localised_number(value, digits)


def render_table(result: ScenarioComparison) -> str:
    """Plain text: the changes, every KPI before and after, the MRR and customer difference."""
    currency = result.baseline.snapshot.context.currency
    period = result.baseline.snapshot.context.period
    lines = [f"{result.name}: " + ", ".join(
        f"{c.label} {field_text(c.field, c.before, currency)} -> {field_text(c.field, c.after, currency)}"
        for c in result.changes)]
    lines += [tr("note: {note}", note=n) for n in result.baseline.notes]
    header = (f"{tr(_T_KPI):<30} {tr(_T_NOW):>16} {tr(_T_SCENARIO):>16}  "
              f"{tr(_T_VERDICT_NOW_SCENARIO):<26} {tr(_T_PERCENTILE)}")
    lines += ["", header, "-" * len(header)]
    for row in result.rows:
        before = format_value(row.before, row.unit, currency) if row.before is not None else tr("n/a")
        after = format_value(row.after, row.unit, currency) if row.after is not None else tr("n/a")
        verdicts = ""
        if row.verdict_before or row.verdict_after:
            verdicts = (f"{verdict_label(row.verdict_before, '-')} -> "
                        f"{verdict_label(row.verdict_after, '-')}")
        places = ""
        if row.percentile_before is not None or row.percentile_after is not None:
            places = f"{_pct(row.percentile_before) or '-'} -> {_pct(row.percentile_after) or '-'}"
        flag = "*" if row.changed else " "
        lines.append(f"{flag}{row.label:<29} {before:>16} {after:>16}  {verdicts:<26} {places}".rstrip())
    lines.append("")
    diff = result.period_difference()
    for key, label, unit in (("mrr_end", "MRR", "currency"), ("customers_end", mark("Paying customers"), "count")):
        d = diff[key]
        if d["baseline"] is None or d["scenario"] is None:
            continue
        fmt = (lambda v: format_value(v, "currency", currency)) if unit == "currency" else (lambda v: _grouped(v, 1))
        end = tr("{label} at the end of the {period}", label=tr(label),
                 period=tr(PERIOD_NAMES[period]) if period in PERIOD_NAMES else period)
        lines.append(f"{end}: {fmt(d['baseline'])} -> {fmt(d['scenario'])} "
                     f"({'+' if d['difference'] >= 0 else '-'}{fmt(abs(d['difference']))})")
    months = result.month_differences()
    if months:
        last = months[-1]
        lines.append(tr("In month {month} (steady rates, no seasonality): MRR {before} -> {after}",
                        month=last["month"],
                        before=format_value(last["mrr_baseline"], "currency", currency),
                        after=format_value(last["mrr_scenario"], "currency", currency))
                     + ("; " + tr("customers {before} -> {after}",
                                  before=_grouped(last["customers_baseline"], 0),
                                  after=_grouped(last["customers_scenario"], 0))
                        if last["customers_difference"] is not None else ""))
    elif result.projection_note:
        lines.append(result.projection_note)
    lines.append(tr("* = value or verdict changed"))
    return "\n".join(lines) + "\n"

"""The ``targets`` command: for each KPI worse than its main benchmark, the input value that
reaches the benchmark, and what that is worth in MRR over 12 months.

::

    targets FILE [--format json|table] [context options]

``json`` prints ``targets``, each with ``kpi``, ``field``, ``current``, ``required`` (``null``
when not reachable by that input alone, with ``reason``), ``benchmark_id``, ``reference``
(the benchmark's central figure, in its own period and unit), ``worth_mrr_12m``, and the rest of
:meth:`funnel_core.benchmarks.targets.Target.to_dict` (the sentence in ``text``, the inputs that
move with it in ``changes``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from funnel_core.benchmarks.targets import Target, field_text, find_targets
from funnel_core.cli import scenario_args
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_KPI = mark('KPI')
_T_INPUT = mark('input')
_T_NOW = mark('now')
_T_NEEDED = mark('needed')
_T_MRR_IN_12_MONTHS = mark('MRR in 12 months')

__all__ = ["add_parser", "render_table", "run"]


def add_parser(subparsers: Any, context_options: scenario_args.ContextOptions,
               build_report: scenario_args.ReportReader) -> argparse.ArgumentParser:
    """Register ``targets`` on an ``add_subparsers()`` object."""
    p = subparsers.add_parser("targets", help="the input values that bring each worse KPI to its "
                                              "benchmark, and what that is worth",
                              description="For each KPI worse than its main benchmark: the value "
                                          "of one input that reaches the benchmark's central "
                                          "figure, all else equal, and the MRR it adds in 12 months.")
    scenario_args.add_file_options(p, context_options, build_report)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    report = scenario_args.read_report(args)
    targets = find_targets(report)
    if args.format == "json":
        data = {"snapshot": report.snapshot.to_dict(), "notes": list(report.notes),
                "targets": [t.to_dict() for t in targets]}
        sys.stdout.write(scenario_args.json_text(data))
    else:
        sys.stdout.write(render_table(targets, report.snapshot.context.currency, list(report.notes)))
    return scenario_args.EXIT_OK


def render_table(targets: list[Target], currency: str, notes: list[str] | None = None) -> str:
    """One block per target: KPI, input now -> required, worth; then the sentence."""
    lines = [tr("note: {note}", note=n) for n in notes or []]
    if not targets:
        lines.append(tr("No KPI is worse than its main benchmark: nothing to reach."))
        return "\n".join(lines) + "\n"
    header = (f"{tr(_T_KPI):<28} {tr(_T_INPUT):<24} {tr(_T_NOW):>12} {tr(_T_NEEDED):>12} "
              f"{tr(_T_MRR_IN_12_MONTHS):>17}")
    lines += [header, "-" * len(header)]
    for t in targets:
        field = t.field_label or "-"
        now = field_text(t.field, t.current, currency) if t.field else "-"
        needed = field_text(t.field, t.required, currency) if t.field and t.required is not None \
            else tr("not reachable")
        worth = "" if t.worth_mrr_12m is None else (
            ("+" if t.worth_mrr_12m >= 0 else "-") + format_value(abs(t.worth_mrr_12m), "currency", currency))
        lines.append(f"{t.label:<28} {field:<24} {now:>12} {needed:>12} {worth:>17}")
        lines.append(f"    {t.text}")
    lines.append(tr("Worth: projected MRR in month 12 with the new inputs minus without (steady rates "
                    "from the current period, no seasonality)."))
    return "\n".join(lines) + "\n"

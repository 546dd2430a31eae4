"""The ``project`` command: MRR, customers and ARR month by month at the current period's rates.

::

    project FILE [--months 12] [--set FIELD=VALUE ...] [--format json|csv] [context options]

``json`` prints ``months`` (months 1..N, each with ``month``, ``mrr``, ``customers`` and
``arr``; ``customers`` is ``null`` when the customer inputs are not given), ``start`` (month 0:
the end of the current period), ``assumption``, ``notes`` (a quarter or a year converted to
monthly, movements taken as 0), ``rates`` (what each month repeats) and ``milestones`` (round ARR
levels and the month each is reached). With ``--set`` the projection is of the scenario: it
starts from your numbers' month 0 and the scenario's rates apply from month 1; the projection at
your numbers is then in ``baseline_months`` and ``changes`` lists what changed.
``csv`` prints ``month,mrr,customers,arr`` for months 1..N. Bad input exits with 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from typing import Any

from funnel_core.cli import scenario_args
from funnel_core.metrics.projection import (DEFAULT_MONTHS, MAX_MONTHS, Projection, ProjectionError,
                                            default_milestones, project)
from funnel_core.metrics.scenario import ScenarioError, apply_changes

__all__ = ["CSV_COLUMNS", "add_parser", "render_csv", "run"]

CSV_COLUMNS = ("month", "mrr", "customers", "arr")


def add_parser(subparsers: Any, context_options: scenario_args.ContextOptions,
               build_report: scenario_args.ReportReader) -> argparse.ArgumentParser:
    """Register ``project`` on an ``add_subparsers()`` object."""
    p = subparsers.add_parser("project", help="MRR, customers and ARR for the next months at "
                                              "current rates",
                              description="Steady rates from the current period, no seasonality.")
    scenario_args.add_file_options(p, context_options, build_report)
    p.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                   help=f"horizon in months (1-{MAX_MONTHS}, default 12)")
    scenario_args.add_set_option(p)
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    try:
        changes = scenario_args.changes(args)
    except ScenarioError as exc:
        return scenario_args.fail(str(exc))
    if not 1 <= args.months <= MAX_MONTHS:
        return scenario_args.fail(f"--months must be from 1 to {MAX_MONTHS}, not {args.months}")
    report = scenario_args.read_report(args)
    snapshot = report.snapshot
    try:
        changed, applied = apply_changes(snapshot, changes)
        baseline = project(snapshot, args.months)
        projection = project(changed, args.months, start_from=baseline.start) if changes else baseline
    except (ScenarioError, ProjectionError) as exc:
        return scenario_args.fail(f"{args.file}: {exc}")
    if args.format == "csv":
        sys.stdout.write(render_csv(projection))
        return scenario_args.EXIT_OK
    projections = [baseline, projection] if changes else [baseline]
    levels = default_milestones(projections)
    data: dict[str, Any] = projection.to_dict()
    data["milestones"] = [{"level": c.level, "measure": c.measure, "month": c.month,
                           "already": c.already} for c in (projection.crossing(lv) for lv in levels)]
    if changes:
        data["changes"] = [c.to_dict() for c in applied]
        data["baseline_months"] = [m.to_dict() for m in baseline.months]
    data["notes"] = list(report.notes) + data["notes"]
    sys.stdout.write(scenario_args.json_text(data))
    return scenario_args.EXIT_OK


def render_csv(projection: Projection) -> str:
    """``month,mrr,customers,arr`` for months 1..N (empty customers when not projected)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in projection.months:
        writer.writerow([m.month, f"{m.mrr:.2f}", "" if m.customers is None else f"{m.customers:.2f}",
                         f"{m.arr:.2f}"])
    return buffer.getvalue()

"""The ``cohorts`` command: cohort retention tables from a customer or billing export.

::

    cohorts FILE [--format json|csv|table] [--month YYYY-MM] [--sheet NAME]
                 [--map COLUMN=ROLE ...]

``json`` prints :meth:`CohortResult.to_json_dict` (strict JSON, no NaN); ``csv`` the
logo and revenue retention tables in long form (cohort, months_since_start,
logo_retention, revenue_retention, size); ``table`` readable text tables. ``--month``
chooses the month of the derived revenue inputs (default: latest complete month).

Bad input prints one line on stderr naming the file and the problem and exits with 2.
Standalone use: ``python -m funnel_core.cli.cohorts cohorts FILE``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from funnel_core.domain.formatting import localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``cohorts`` sub-command on an ``add_subparsers()`` object."""
    p = subparsers.add_parser(
        "cohorts",
        help="cohort retention from a customer/billing export (CSV or XLSX)",
        description="Cohort logo and revenue retention, churn month and revenue inputs "
                    "from a monthly MRR export or a subscription list.",
    )
    p.add_argument("file", metavar="FILE", help="CSV or XLSX export")
    p.add_argument("--format", choices=("json", "csv", "table"), default="table",
                   help="output format (default: table)")
    p.add_argument("--month", metavar="YYYY-MM", default=None,
                   help="month of the derived revenue inputs (default: latest complete "
                        "month)")
    p.add_argument("--sheet", default=None, help="spreadsheet sheet name (default: the "
                                                 "first usable sheet)")
    p.add_argument("--map", dest="mapping", action="append", default=[],
                   metavar="COLUMN=ROLE",
                   help="use COLUMN for ROLE (customer_id, month, mrr, start_date, "
                        "end_date, billing_period, annual_amount); repeatable")
    p.set_defaults(func=run)
    return p


def _parse_mapping(items: Sequence[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise ValueError(f"--map expects COLUMN=ROLE, got {item!r}")
        col, role = item.rsplit("=", 1)
        mapping[col.strip()] = role.strip()
    return mapping


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit status (0 ok, 2 bad input)."""
    from funnel_core.inputs.billing_errors import CohortInputError
    from funnel_core.inputs.billing_read import read_export
    from funnel_core.metrics.cohorts import compute_cohorts

    fmt = getattr(args, "format", "table") or "table"
    file = args.file
    try:
        mapping = _parse_mapping(getattr(args, "mapping", None) or [])
        sheet = getattr(args, "sheet", None)
        export = read_export(file, str(file), mapping=mapping or None, sheet=sheet)
        result = compute_cohorts(export, month=getattr(args, "month", None))
    except CohortInputError as exc:
        _err(str(exc))
        return EXIT_BAD_INPUT
    except (OSError, ValueError, UnicodeError) as exc:
        _err(f"{file}: {exc}")
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - never a traceback for a user's file
        _err(f"{file}: could not process the file ({type(exc).__name__}: {exc})")
        return EXIT_FAILURE
    out = sys.stdout
    try:
        if fmt == "json":
            json.dump(result.to_json_dict(), out, allow_nan=False, ensure_ascii=False)
            out.write("\n")
        elif fmt == "csv":
            _write_csv(result, out)
        else:
            _write_table(result, out)
        out.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    return EXIT_OK


def _err(message: str) -> None:
    print(f"error: {' '.join(message.split())}", file=sys.stderr)


def _quiet_broken_pipe() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _fmt_fraction(x: float | None, digits: int = 6) -> str:
    if x is None or x != x:
        return ""
    return f"{x:.{digits}f}".rstrip("0").rstrip(".") if digits else str(x)


def _write_csv(result: Any, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["cohort", "months_since_start", "logo_retention", "revenue_retention",
                     "size"])
    long = result.long_table()
    for cohort, k, logo, rev, size in long.itertuples(index=False, name=None):
        writer.writerow([cohort, int(k), _fmt_fraction(logo), _fmt_fraction(rev), int(size)])


def _pct(x: float | None) -> str:
    if x is None or x != x:
        return ""
    if current_language() != DEFAULT_LANGUAGE:
        return localised_number(x, 0, "percent")
    return f"{100 * x:.0f}%"


def _grouped(value: float, digits: int) -> str:
    if current_language() != DEFAULT_LANGUAGE:
        return localised_number(value, digits)
    return f"{value:,.{digits}f}"


#: The rows of the two retention tables and the summary (shown with ``tr``).
_LOGO = mark("Logo retention (customers still paying)")
_REVENUE = mark("Revenue retention (MRR vs. month 0)")
_COHORT = mark("cohort")
_SIZE = mark("size")
_LARGEST = mark("Largest cohorts in latest MRR")


def _write_table(result: Any, out: TextIO) -> None:
    w = out.write
    w(f"{result.caption}\n")
    if result.skipped_rows:
        w(tr("{rows} row(s) skipped; see the issues below.", rows=_grouped(result.skipped_rows, 0)) + "\n")
    w("\n")
    for title, table in ((_LOGO, result.logo_retention), (_REVENUE, result.revenue_retention)):
        w(tr("{title}, by months since start", title=tr(title)) + "\n")
        ks = list(table.columns)
        header = f"{tr(_COHORT):<8} {tr(_SIZE):>7} " + " ".join(f"{'M' + str(k):>5}" for k in ks)
        w(header.rstrip() + "\n")
        values = table.to_numpy()
        for i, cohort in enumerate(table.index):
            cells = " ".join(f"{_pct(v):>5}" for v in values[i])
            size = _grouped(int(result.sizes.iloc[i]), 0)
            w(f"{str(cohort):<8} {size:>7} {cells}".rstrip() + "\n")
        w("\n")
    w(tr("Summary") + "\n")
    not_available = tr("n/a")
    rows = [
        (tr("Still paying in month 1 (2nd month)"), _pct(result.second_month_retention) or not_available),
        (tr("Still paying in month 12 (13th month)"), _pct(result.twelve_month_retention) or not_available),
        (tr("Revenue kept in month 1"), _pct(result.second_month_revenue_retention)
         or not_available),
        (tr("Revenue kept in month 12"), _pct(result.twelve_month_revenue_retention)
         or not_available),
        (tr("Most customers leave in"), not_available if result.most_common_churn_month is None
         else tr("month {month} (first month not paid; month 0 = start)",
                 month=result.most_common_churn_month)),
    ]
    for label, value in rows:
        w(f"  {label:<34} {value}\n")
    share = result.latest_mrr_share.dropna()
    if len(share):
        top = share.sort_values(ascending=False).head(3)
        listed = ", ".join(f"{c} {_pct(v)}" for c, v in top.items())
        w(f"  {tr(_LARGEST):<34} {listed}\n")
    if result.revenue_inputs:
        ri = result.revenue_inputs
        w("\n" + tr("Revenue inputs for {month} (vs. {previous})", month=ri["month"],
                    previous=ri["previous_month"]) + "\n")
        for key, value in ri.items():
            if key in ("month", "previous_month", "period"):
                continue
            text = _grouped(value, 2) if isinstance(value, float) else _grouped(value, 0)
            w(f"  {key:<34} {text}\n")
    if result.issues:
        w("\n" + tr("Issues ({n})", n=len(result.issues)) + "\n")
        for issue in result.issues[:50]:
            w(f"  [{issue.severity}] {issue}\n")
        if len(result.issues) > 50:
            w("  " + tr("... {n} more (use --format json for all)", n=len(result.issues) - 50) + "\n")


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser with the ``cohorts`` sub-command."""
    parser = argparse.ArgumentParser(prog="funnel-cohorts")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``main(["cohorts", "file.csv", "--format", "json"])``."""
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m funnel_core compare|template|report|cohorts|whatif|targets|project|benchmarks``.

Exit status: 0 success, 2 bad input or usage (one line on stderr naming the file and the
problem), 1 an unexpected internal error (also one line, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Sequence

from funnel_core.benchmarks.age import year_text
from funnel_core.benchmarks.catalogue import CatalogueError, load_catalogue
from funnel_core.benchmarks.compare import ComparisonReport, compare
from funnel_core.domain.constants import ACV_BANDS, ARR_BANDS, FUNDING, MOTIONS, PERIODS, PRODUCT_CATEGORIES, TRIAL_TYPES
from funnel_core.domain.formatting import figure_text, format_value
from funnel_core.domain.i18n import LANGUAGES, mark, normalise_language, tr, tr_n, use_language
from funnel_core.inputs.loading import load_snapshot
from funnel_core.inputs.issues import InputError
from funnel_core.exports.sanitize import terminal_text
from funnel_core.exports.wording import per_period, verdict_label
from funnel_core.exports.table_csv import render_csv
from funnel_core.inputs.template import write_template

#: Messages shown inside formatted strings (marked here so they are extracted).
_T_HERE_HINT = mark('here: {hint}')
_T_KPI = mark('KPI')
_T_VALUE = mark('value')
_T_VERDICT = mark('verdict')
_T_NO_PUBLISHED_BENCHMARK_IN_OUR_CATALOGUE = mark('no published benchmark in our catalogue')
_T_YEAR_NOT_STATED = mark('year not stated')

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2

#: The environment variable that sets the language when ``--lang`` is not given.
LANGUAGE_VARIABLE = "FUNNEL_LANG"


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def add_language_option(parser: argparse.ArgumentParser) -> None:
    """``--lang``: the language of the human text a command writes (JSON keys stay English)."""
    parser.add_argument("--lang", choices=tuple(LANGUAGES), default=None,
                        help=f"language of tables and reports: {', '.join(LANGUAGES)} (default: "
                             f"${LANGUAGE_VARIABLE}, else en)")


def command_language(args: argparse.Namespace) -> str:
    """The language of a command: ``--lang``, else ``$FUNNEL_LANG``, else English."""
    chosen = getattr(args, "lang", None)
    return normalise_language(chosen or os.environ.get(LANGUAGE_VARIABLE))


def _add_context_options(parser: argparse.ArgumentParser) -> None:
    add_language_option(parser)
    parser.add_argument("--number-format", choices=("auto", "en", "de"), default="auto",
                        help="number convention: en = 1,234.5; de = 1.234,5 (also fr/pl 1 234,5)")
    parser.add_argument("--sheet", help="XLSX sheet to read (default: the first)")
    parser.add_argument("--period-label", help="which period of a wide file to compare (default: latest)")
    parser.add_argument("--period", choices=PERIODS, help="period the numbers cover (overrides the file)")
    parser.add_argument("--trial-type", choices=tuple(TRIAL_TYPES), help="trial model, selects benchmarks")
    parser.add_argument("--motion", choices=tuple(MOTIONS), help="self-serve or sales-assisted")
    parser.add_argument("--acv-band", choices=tuple(ACV_BANDS), help="contract size band")
    parser.add_argument("--product-category", choices=tuple(PRODUCT_CATEGORIES))
    parser.add_argument("--arr-band", choices=tuple(ARR_BANDS),
                        help="company size by ARR: peers for growth and efficiency benchmarks")
    parser.add_argument("--funding", choices=tuple(FUNDING), help="venture-backed or bootstrapped")
    parser.add_argument("--currency", help="currency of money amounts (USD, EUR, GBP, PLN, CHF)")
    parser.add_argument("--catalogue", action="append", default=[], metavar="FILE",
                        help="extra benchmark catalogue (CSV/XLSX, same columns); may repeat")


def _overrides(args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "period": args.period,
        "trial_type": args.trial_type,
        "motion": args.motion,
        "acv_band": args.acv_band,
        "product_category": args.product_category,
        "currency": args.currency.upper() if args.currency else None,
        "arr_band": getattr(args, "arr_band", None),
        "funding": getattr(args, "funding", None),
    }


def build_report(args: argparse.Namespace) -> ComparisonReport:
    """Read the file named in ``args`` and compare it (shared by ``compare`` and ``report``)."""
    path = Path(args.file)
    if not path.exists():
        raise CliError(f"{path}: no such file")
    snapshot, parsed = load_snapshot(path, period=args.period_label, number_format=args.number_format,
                                     sheet=args.sheet, overrides=_overrides(args))
    catalogue = list(load_catalogue())
    for extra in args.catalogue:
        if not Path(extra).exists():
            raise CliError(f"{extra}: no such catalogue file")
        catalogue += load_catalogue(extra, origin=Path(extra).name)
    notes = []
    if parsed.layout == "wide":
        from funnel_core.inputs.loading import snapshots_from
        from funnel_core.metrics.year_ago import fill_from_history

        try:  # ARR a year ago from the period twelve months earlier, when the file has it
            history = snapshots_from(parsed, _overrides(args))
        except InputError:  # another period cannot be read: fill nothing from it
            history = []
        snapshot, filled = fill_from_history(snapshot, history)
        notes += [filled] if filled else []
    report = compare(snapshot, catalogue)
    if parsed.layout == "wide":
        notes.insert(0, tr_n("compared period: {label} (of {n} periods in {file})",
                             "compared period: {label} (of {n} periods in {file})",
                             len(parsed.periods), label=snapshot.label, file=path.name))
    if parsed.unknown:
        notes.append(tr("not recognised and not used: {names}", names=", ".join(parsed.unknown)))
    # a message names the app's controls; the command line adds its own flag
    notes += [f"{issue} ({tr(_T_HERE_HINT, hint=issue.hint)})" if issue.hint else str(issue)
              for issue in parsed.issues]
    return ComparisonReport(report.snapshot, report.kpis, report.warnings, tuple(notes))


# --- output formats -------------------------------------------------------------------------

def _benchmark_text(item, higher_is_better: bool | None, currency: str) -> str:
    b = item.benchmark
    text = figure_text(b, higher_is_better, currency)
    return text + (" " + per_period(b.period) if b.period != "none" else "")


def render_table(report: ComparisonReport) -> str:
    """Plain-text table: per KPI its verdict against the main benchmark (with the percentile or
    the gap, and the caveats), then every matching benchmark (``>`` marks the main one; an older
    edition of a publication says which row is counted instead)."""
    currency = report.snapshot.context.currency
    lines = []
    for note in report.notes:
        lines.append(tr("note: {note}", note=note))
    for warning in report.warnings:
        lines.append(tr("warning: {warning}", warning=warning))
    header = (f"{tr(_T_KPI):<30} {tr(_T_VALUE):>16}  {tr(_T_VERDICT):<14} "
              + tr("main benchmark: figure; where you stand; source"))
    lines += [header, "-" * len(header)]
    indent = " " * 49
    for item in report.kpis:
        kpi = item.kpi
        label = tr(kpi.spec.label)
        value = format_value(kpi.value, kpi.spec.unit, currency) if kpi.computable else tr("not computable")
        if not kpi.computable:
            lines.append(f"{label:<30} {value:>16}  ({kpi.reason})")
            continue
        if not item.comparisons:
            lines.append(f"{label:<30} {value:>16}  ({tr(_T_NO_PUBLISHED_BENCHMARK_IN_OUR_CATALOGUE)})")
            continue
        main = item.main_comparison
        verdict = verdict_label(item.verdict, "-")
        summary = ""
        if main is not None:
            b = main.benchmark
            where = main.position or main.reason or ""
            summary = f"{_benchmark_text(main, kpi.spec.higher_is_better, currency)}; {where}; {_source(b)}"
        lines.append(f"{label:<30} {value:>16}  {verdict:<14} {summary}")
        if item.verdict_note:
            lines.append(indent + tr("caveat: {note}", note=item.verdict_note))
        for comp in item.comparisons:
            sign = ">" if comp is main else " "
            row_verdict = verdict_label(comp.verdict, "-")
            figure = _benchmark_text(comp, kpi.spec.higher_is_better, currency)
            extra = (" " + tr("(same publication: {row} is counted)", row=comp.superseded_by)
                     if comp.superseded_by else "")
            lines.append(f"{indent}{sign} {figure:<36} {row_verdict:<8} {_source(comp.benchmark)}{extra}")
    return "\n".join(lines) + "\n"


def _source(b) -> str:
    when = year_text(b)  # the data year, when it was published, "dated" past five years
    return f"{b.label}, {when or tr(_T_YEAR_NOT_STATED)} [{b.status}]"


def render_json(report: ComparisonReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# --- commands -----------------------------------------------------------------------------

def cmd_compare(args: argparse.Namespace) -> int:
    report = build_report(args)
    render = {"table": render_table, "json": render_json, "csv": render_csv}[args.format]
    text = render(report)  # JSON escapes control characters itself; table and CSV lose them
    sys.stdout.write(text if args.format == "json" else terminal_text(text))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    try:
        path = write_template(args.output)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(tr("wrote {path}", path=path), file=sys.stderr)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from funnel_core.exports.render import write_report  # heavy imports (charts) only when asked

    report = build_report(args)
    try:
        path = write_report(report, args.output)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(tr("wrote {path}", path=path), file=sys.stderr)
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        raise CliError(f"usage: {message} (see python -m funnel_core --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m funnel_core",
                     description="Compare SaaS funnel KPIs with published, sourced benchmarks.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("compare", help="print KPIs against benchmarks")
    p.add_argument("file", help="CSV or XLSX with your funnel numbers")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    _add_context_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("template", help="write a fill-in template (.csv or .xlsx)")
    p.add_argument("-o", "--output", required=True, help="file to write; extension picks the format")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("report", help="write charts and report; format from OUT's extension "
                                      "(.xlsx .csv .html .pdf .zip .png .svg)")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True)
    _add_context_options(p)
    p.set_defaults(func=cmd_report)

    from funnel_core.cli import cohorts as cli_cohorts  # imported here: the cohort reader is only needed for `cohorts`

    add_language_option(cli_cohorts.add_parser(sub))
    from funnel_core.cli import project as cli_project, targets as cli_targets, whatif as cli_whatif

    for command in (cli_whatif, cli_targets, cli_project):  # scenarios, targets, projection
        command.add_parser(sub, _add_context_options, build_report)
    from funnel_core.cli import benchmarks as cli_benchmarks  # the catalogue itself

    add_language_option(cli_benchmarks.add_parser(sub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status instead of raising."""
    try:
        args = build_parser().parse_args(argv)
        with use_language(command_language(args)):  # set before anything is computed
            return int(args.func(args))
    except CliError as exc:
        print(terminal_text(f"error: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (InputError, CatalogueError) as exc:
        issue = getattr(exc, "issue", None)
        print(terminal_text(f"error: {issue or exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - never show a traceback to a user
        print(terminal_text(f"error: internal error ({type(exc).__name__}: {exc}); please report it"),
              file=sys.stderr)
        return EXIT_INTERNAL

"""What the ``whatif``, ``targets`` and ``project`` commands share: ``--set``, reading, printing.

The commands are registered by :func:`funnel_core.cli.main.build_parser`, which hands each one
its context options and its file reader (``build_report``), so these modules never import the
main module (no import circle). A bad ``--set`` (unknown field, text, negative count) or a
snapshot that cannot be projected prints one line on stderr naming it and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable

from funnel_core.benchmarks.catalogue import Benchmark, load_catalogue
from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.domain.json_safe import sanitize
from funnel_core.metrics.scenario import Change, ScenarioError, parse_changes

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "ContextOptions", "ReportReader", "add_file_options",
           "add_set_option", "catalogue", "changes", "fail", "json_text", "read_report"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2

ContextOptions = Callable[[argparse.ArgumentParser], None]
ReportReader = Callable[[argparse.Namespace], ComparisonReport]


def add_file_options(parser: argparse.ArgumentParser, context_options: ContextOptions,
                     build_report: ReportReader) -> None:
    """FILE, the context options of ``compare`` and the reader the command will use."""
    parser.add_argument("file", help="CSV or XLSX with your funnel numbers")
    context_options(parser)
    parser.set_defaults(build_report=build_report)


def add_set_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", dest="changes", action="append", default=[], metavar="FIELD=VALUE",
                        help="change one input: leads=500 sets it, leads=+10%% or leads=-10%% "
                             "changes it by a percentage; may repeat")


def changes(args: argparse.Namespace) -> tuple[Change, ...]:
    """The ``--set`` changes; :class:`ScenarioError` names the first bad one."""
    out = []
    for text in args.changes:
        try:
            out.extend(parse_changes([text]))
        except ScenarioError as exc:
            message = str(exc)
            if exc.field and message.startswith(f"{exc.field}: "):
                message = message[len(exc.field) + 2:]
            raise ScenarioError(f"--set {text}: {message}", exc.field) from None
    return tuple(out)


def read_report(args: argparse.Namespace) -> ComparisonReport:
    """The file compared with the benchmarks, by the reader ``main`` registered."""
    return args.build_report(args)


def catalogue(args: argparse.Namespace) -> list[Benchmark]:
    """The shipped catalogue plus every ``--catalogue`` file (``read_report`` checked they exist)."""
    rows = list(load_catalogue())
    for extra in getattr(args, "catalogue", []) or []:
        rows += load_catalogue(extra, origin=Path(extra).name)
    return rows


def fail(message: str) -> int:
    """Print ``error: message`` as one line on stderr; the exit status for bad input."""
    print(f"error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_BAD_INPUT


def json_text(data: Any) -> str:
    """Strict JSON (never NaN or Infinity), indented, with a final newline."""
    return json.dumps(sanitize(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

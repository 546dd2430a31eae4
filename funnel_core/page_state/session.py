"""Pure helpers behind the Streamlit pages (no Streamlit import here).

The app keeps *data* in its session, never widget values:

``periods``
    ``{period label: {field: float}}`` in chronological order. A single form entry or a
    one-column (long) file uses the label :data:`CURRENT_PERIOD`.
``selected_period``
    the label of the period that is compared (``None`` = the latest).
``context``
    ``{"period", "trial_type", "motion", "acv_band", "product_category", "currency"}``;
    ``None`` for a selector means "not said" (every benchmark applies).
``source_note``
    where the numbers came from (``"typed in the form"``, a file name...).
``user_catalogue``
    list of the user's own benchmark rows (:meth:`Benchmark.to_dict`) or ``None``.

This module turns those plain structures into a :class:`~funnel_core.domain.model.Snapshot` and
back, merges parsed input into them, and turns a :class:`~funnel_core.benchmarks.compare.ComparisonReport`
into the tables the pages display. Everything here is tested without Streamlit.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from funnel_core.benchmarks.catalogue import UNMAPPED_FIGURES, Benchmark, load_catalogue
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison, primary_comparison
from funnel_core.domain.constants import (
    ACV_BANDS,
    ANY,
    CONTEXT_FIELDS,
    CURRENCIES,
    DEFAULT_CURRENCY,
    FIELD_NAMES,
    FIELDS,
    FIELDS_BY_NAME,
    MOTIONS,
    NO_PERIOD,
    PERIOD_LABELS,
    PERIODS,
    PRODUCT_CATEGORIES,
    STAGES,
    STATISTICS,
    STATUS_LABELS,
    TRIAL_TYPES,
    VERDICT_LABELS,
)
from funnel_core.domain.formatting import format_number, format_value
from funnel_core.metrics.kpis import KPIS
from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.inputs.numbers import (
    NumberError,
    analyse_convention,
    format_number_cell,
    is_missing,
    normalise_convention,
    parse_number_detail,
)
from funnel_core.domain.periods import ConversionError, convert_retention

__all__ = [
    "CONTEXT_LABELS", "CONTEXT_OPTIONS", "CURRENT_PERIOD", "EDITOR_COLUMNS", "KPI_TABLE_COLUMNS",
    "NOT_SAID", "PRIVACY_NOTE", "SEED_ERRORS", "VERDICT_SYMBOLS", "BenchmarkLine", "KpiDetail",
    "all_warnings", "apply_editor_edits", "benchmark_figure", "benchmarks_from_rows", "build_snapshot",
    "catalogue_frame", "catalogue_key", "clean_values", "context_from_parsed",
    "context_from_widget", "context_object", "context_summary", "context_to_widget", "count_text",
    "default_context", "default_state", "definitions_frame", "describe_issue", "direction_text",
    "editor_edits", "editor_frame", "error_text", "fields_frame", "full_catalogue", "headline",
    "ignore_mapping", "issues_frame", "issues_markdown", "kpi_detail", "kpi_table",
    "mapping_candidates", "measured_text", "merge_parsed", "not_computable", "parsed_frame",
    "parsed_periods_frame", "period_text", "primary_for", "raw_preview", "resolve_period",
    "rows_from_benchmarks", "snapshot_from_key", "snapshot_key", "snapshot_summary",
    "source_text", "status_text", "store_values", "unmapped_figures", "verdict_text",
    "FORMAT_NAMES", "LOSS_FIELDS", "REVENUE_KPIS", "FormReading", "MetricCard", "converted_lines",
    "form_text", "form_texts", "issue_message", "merge_plan", "negative_next_step", "read_form",
    "revenue_cards",
]

#: Label of the one period entered through the form or a one-column file.
CURRENT_PERIOD = "Current period"

#: Shown wherever numbers go in.
PRIVACY_NOTE = ("Your numbers stay in this browser session; nothing is stored on the server "
                "or sent anywhere.")

#: Text used in selectors for "not said" (every benchmark applies).
NOT_SAID = "Not said (show all)"

#: Options of each context selector: key -> {value: label}. :data:`ANY` (``"any"``) stands for
#: ``None`` ("not said") in selectors; see :func:`context_to_widget` and :func:`context_from_widget`.
CONTEXT_OPTIONS: dict[str, dict[str, str]] = {
    "period": {p: PERIOD_LABELS[p] for p in PERIODS},
    "trial_type": {ANY: NOT_SAID, **TRIAL_TYPES},
    "motion": {ANY: NOT_SAID, **MOTIONS},
    "acv_band": {ANY: NOT_SAID, **ACV_BANDS},
    "product_category": {ANY: NOT_SAID, **PRODUCT_CATEGORIES},
    "currency": {c: f"{c} ({s})" if s != c else c for c, s in CURRENCIES.items()},
}

def context_to_widget(value: str | None) -> str:
    """The selector value of a stored context value (``None`` -> ``"any"``)."""
    return ANY if value is None else value


def context_from_widget(value: str | None) -> str | None:
    """The stored context value of a selector value (``"any"`` -> ``None``)."""
    return None if value in (None, ANY) else value


#: Label of each context key.
CONTEXT_LABELS: dict[str, str] = {
    "period": "Period the numbers cover",
    "trial_type": "Trial type",
    "motion": "Sales motion",
    "acv_band": "Contract size (ACV)",
    "product_category": "Product category",
    "currency": "Currency",
}

VERDICT_SYMBOLS: dict[str, str] = {"better": "▲", "in_line": "●", "worse": "▼"}

#: Errors in the seed articles that the product does not repeat (shown on the sources page).
SEED_ERRORS: tuple[tuple[str, str], ...] = (
    ("Churn is customers lost / customers at the start of the period.",
     "One seed article computes churn as customers remaining / new customers. That is not churn: "
     "churn counts the paying accounts that were there at the start and left during the period."),
    ("Annual churn compounds: 5 % a month is about 46 % a year, not 60 %.",
     "Customers lost in month two can only come from those who stayed in month one, so "
     "annual churn = 1 - (1 - monthly churn)^12 = 1 - 0.95^12 = 46.0 %. Multiplying by 12 "
     "overstates it."),
    ("CAC = 100,000 / 200 = 500, not 5,000.",
     "The seed's worked example divides $100,000 of sales & marketing spend by 200 new customers "
     "and prints $5,000; the quotient is $500."),
    ("Every figure carries its period.",
     "Monthly and annual churn figures are mixed freely in the seeds; here each benchmark says "
     "whether it is per month, per quarter or per year, and your value is converted by "
     "compounding before it is compared."),
    ("Targets are not averages.",
     "5-7 % annual churn and CLV : CAC >= 3 are what good companies reach, not medians; the "
     "statistic column says which kind of figure each benchmark is."),
)


# --------------------------------------------------------------------------------------
# state defaults
# --------------------------------------------------------------------------------------

def default_context() -> dict[str, str | None]:
    """The context before the user says anything: monthly numbers in USD, no segment."""
    return Context().to_dict()


def default_state() -> dict[str, Any]:
    """Fresh values for every session-state data key (see the module docstring)."""
    return {
        "periods": {},
        "selected_period": None,
        "context": default_context(),
        "source_note": None,
        "user_catalogue": None,
    }


# --------------------------------------------------------------------------------------
# values and snapshots
# --------------------------------------------------------------------------------------

def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str) and value.strip() == "":
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_values(values: Mapping[str, Any]) -> dict[str, float]:
    """Known fields with a number, in canonical order; empty and NaN entries are dropped.

    Raises
    ------
    SnapshotError
        For an unknown field, a value that is not a number, a negative count or a fraction
        above 1 (the same rules as :class:`Snapshot`), naming the field.
    """
    present = {k: v for k, v in values.items() if not _is_missing(v)}
    return dict(Snapshot(present).values)


def resolve_period(periods: Mapping[str, Mapping[str, float]], selected: str | None) -> str | None:
    """The period to compare: ``selected`` when it exists, else the latest one, else ``None``."""
    if selected is not None and selected in periods:
        return selected
    return next(reversed(list(periods)), None) if periods else None


def context_object(context: Mapping[str, Any] | None) -> Context:
    """A :class:`Context` from the stored dict (missing keys take their defaults)."""
    return Context.from_mapping(context or {})


def build_snapshot(periods: Mapping[str, Mapping[str, float]], selected: str | None,
                   context: Mapping[str, Any] | None) -> Snapshot | None:
    """The snapshot of the compared period, or ``None`` when no numbers are stored."""
    label = resolve_period(periods, selected)
    if label is None:
        return None
    return Snapshot(dict(periods[label]), context_object(context),
                    label=None if label == CURRENT_PERIOD else label)


def snapshot_key(snapshot: Snapshot | None) -> str:
    """A canonical JSON text of a snapshot: a hashable cache key that round-trips."""
    if snapshot is None:
        return ""
    return json.dumps(snapshot.to_dict(), sort_keys=True, separators=(",", ":"))


def snapshot_from_key(key: str) -> Snapshot:
    """The snapshot back from :func:`snapshot_key`."""
    return Snapshot.from_dict(json.loads(key))


def store_values(periods: Mapping[str, Mapping[str, float]], label: str,
                 values: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """A copy of ``periods`` with ``label`` holding ``values`` (cleaned; raises SnapshotError)."""
    clean = clean_values(values)
    out = {k: dict(v) for k, v in periods.items()}
    out[label] = clean
    return out


# --------------------------------------------------------------------------------------
# parsed input (paste, upload, example)
# --------------------------------------------------------------------------------------

#: The label the parser gives one unnamed period.
PARSER_CURRENT = "current"


def _parsed_label(parsed: Any, label: str) -> str:
    """The stored label of a parsed period: an unnamed single period is :data:`CURRENT_PERIOD`."""
    return CURRENT_PERIOD if label == PARSER_CURRENT else label


def merge_parsed(periods: Mapping[str, Mapping[str, float]], parsed: Any, *,
                 replace: bool = True) -> tuple[dict[str, dict[str, float]], str | None]:
    """Put the numbers of a :class:`~funnel_core.inputs.parsing.ParsedInput` into the stored periods.

    Parameters
    ----------
    periods : the stored periods (not modified).
    parsed : the parsed input; a single unnamed period (the parser's ``"current"``) becomes
        :data:`CURRENT_PERIOD`, named periods keep their labels.
    replace : ``True`` drops the stored periods first; ``False`` adds the new periods and, for
        a label that exists already, overwrites only the fields the input gives.

    Returns
    -------
    (periods, selected_period)
        ``selected_period`` is the latest parsed period.

    Raises
    ------
    SnapshotError
        When a parsed value cannot be part of a snapshot (negative, fraction above 1).
    """
    out: dict[str, dict[str, float]] = {} if replace else {k: dict(v) for k, v in periods.items()}
    selected = None
    for label in parsed.periods:
        values = clean_values({k: v for k, v in parsed.values.get(label, {}).items()
                               if k in FIELDS_BY_NAME})
        target = _parsed_label(parsed, label)
        if target in out and not replace:
            merged = dict(out[target])
            merged.update(values)
            values = {k: merged[k] for k in FIELD_NAMES if k in merged}
        out[target] = values
        selected = target
    latest = getattr(parsed, "latest_period", None)
    if latest is not None and latest in parsed.periods:
        selected = _parsed_label(parsed, latest)
    return out, selected


def context_from_parsed(context: Mapping[str, Any] | None, parsed: Any) -> tuple[dict[str, Any], list[str]]:
    """The stored context with what the input says on top.

    Returns
    -------
    (context, problems)
        ``problems`` lists context values the input gave but that are not valid (they are
        ignored and the previous value stays).
    """
    merged = dict(default_context())
    merged.update(context or {})
    problems: list[str] = []
    for key, raw in (getattr(parsed, "context", None) or {}).items():
        if key not in CONTEXT_FIELDS or _is_missing(raw):
            continue
        text = str(raw).strip()
        if text == ANY:
            merged[key] = None if key not in ("period", "currency") else merged[key]
            continue
        candidate = dict(merged)
        candidate[key] = text.upper() if key == "currency" else text
        try:
            Context.from_mapping(candidate)
        except SnapshotError as exc:
            problems.append(str(exc))
            continue
        merged = candidate
    return merged, problems


def parsed_frame(parsed: Any, label: str | None = None, currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """What was understood, one row per field: Field, Stage, Value (as shown), value."""
    label = label if label is not None else parsed.latest_period
    values = parsed.values.get(label, {}) if label is not None else {}
    rows = []
    for spec in FIELDS:
        if spec.name in values and not _is_missing(values[spec.name]):
            rows.append({"Field": spec.label, "Name": spec.name, "Stage": STAGES[spec.stage],
                         "Value": _field_text(spec.name, float(values[spec.name]), currency)})
    return pd.DataFrame(rows, columns=["Field", "Name", "Stage", "Value"])


def parsed_periods_frame(parsed: Any, currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """Wide view of every parsed period: one row per field, one column per period."""
    data: dict[str, list[str]] = {"Field": []}
    labels = list(parsed.periods)
    for label in labels:
        data[label] = []
    for spec in FIELDS:
        if not any(spec.name in parsed.values.get(lb, {}) for lb in labels):
            continue
        data["Field"].append(spec.label)
        for label in labels:
            value = parsed.values.get(label, {}).get(spec.name)
            data[label].append("" if _is_missing(value) else _field_text(spec.name, float(value), currency))
    return pd.DataFrame(data)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def raw_preview(raw: pd.DataFrame, limit: int = 200) -> pd.DataFrame:
    """The raw table as the user sees it in a spreadsheet: columns A, B, C..., rows from 1.

    A copy without the parser's private ``attrs``; at most ``limit`` rows.
    """
    shown = pd.DataFrame(raw.head(limit).to_numpy(copy=True))
    shown.columns = [_column_letter(i) for i in range(shown.shape[1])]
    shown.index = range(1, len(shown) + 1)
    return shown


def mapping_candidates(raw: pd.DataFrame, limit: int = 24) -> list[str]:
    """Texts a user may want to map when nothing was recognised: the first row's cells, then
    the first column's cells (no numbers, no duplicates), at most ``limit``."""
    out: list[str] = []

    def add(value: Any) -> None:
        text = "" if _is_missing(value) else str(value).strip()
        if not text or text in out:
            return
        try:
            float(text.replace(",", "").replace(" ", ""))
            return
        except ValueError:
            out.append(text)

    if raw.shape[0]:
        for value in raw.iloc[0].tolist():
            add(value)
        for value in raw.iloc[1:, 0].tolist():
            add(value)
    return out[:limit]


def describe_issue(issue: Any) -> str:
    """``"file.csv, row 4, column 'value': message"`` from a ParseIssue (or any similar object)."""
    if issue is None:
        return ""
    parts = []
    file = getattr(issue, "file", None)
    row = getattr(issue, "row", None)
    column = getattr(issue, "column", None)
    if file:
        parts.append(str(file))
    if row is not None:
        parts.append(f"row {row}")
    if column not in (None, ""):
        parts.append(f"column '{column}'")
    message = issue_message(issue)
    return (", ".join(parts) + ": " + message) if parts else message


def _sentence(text: str) -> str:
    text = text.strip()
    while text.endswith(".."):
        text = text[:-1]
    return text if text.endswith((".", "!", "?")) else text + "."


def error_text(issue: Any, headline: str, todo: str) -> str:
    """A user-facing error: bold headline, where (row, column), what is wrong, what to do.

    ``"**Could not read funnel.csv.** Row 4, column 'value': '-5' is negative. Fix ..."``
    """
    where = []
    row = getattr(issue, "row", None)
    column = getattr(issue, "column", None)
    if row is not None:
        where.append(f"row {row}")
    if column not in (None, ""):
        where.append(f"column '{column}'")
    body = _sentence(issue_message(issue))
    if where:
        text = ", ".join(where)
        body = text[0].upper() + text[1:] + ": " + body
    return f"**{_sentence(headline)}** {body} {_sentence(todo)}"


def issues_markdown(issues: Iterable[Any]) -> str:
    """Row-level problems as a Markdown list: ``- **Error** · row 6, column 'B': message``."""
    lines = []
    for issue in issues:
        level = str(getattr(issue, "level", "warning")).capitalize()
        where = []
        if getattr(issue, "row", None) is not None:
            where.append(f"row {issue.row}")
        if getattr(issue, "column", None) not in (None, ""):
            where.append(f"column '{issue.column}'")
        message = issue_message(issue)
        lines.append(f"- **{level}**" + (f" · {', '.join(where)}" if where else "") + f": {message}")
    return "\n".join(lines)


def ignore_mapping(names: Iterable[str]) -> dict[str, None]:
    """A parser mapping that ignores ``names`` (silences their "not recognised" warning)."""
    return {str(n): None for n in names}


def issues_frame(issues: Iterable[Any]) -> pd.DataFrame:
    """Row-level problems as a table: Level, Where, Problem."""
    rows = []
    for issue in issues:
        where = []
        if getattr(issue, "row", None) is not None:
            where.append(f"row {issue.row}")
        if getattr(issue, "column", None) not in (None, ""):
            where.append(f"column '{issue.column}'")
        rows.append({"Level": str(getattr(issue, "level", "warning")).capitalize(),
                     "Where": ", ".join(where) or (getattr(issue, "file", None) or ""),
                     "Problem": getattr(issue, "message", str(issue))})
    return pd.DataFrame(rows, columns=["Level", "Where", "Problem"])


# --------------------------------------------------------------------------------------
# the editable snapshot
# --------------------------------------------------------------------------------------

EDITOR_COLUMNS = ("Stage", "Field", "Name", "Value")


def editor_frame(values: Mapping[str, float]) -> pd.DataFrame:
    """Every canonical field with its stored value (empty when not given), for ``st.data_editor``."""
    rows = [{"Stage": STAGES[s.stage], "Field": s.label, "Name": s.name,
             "Value": float(values[s.name]) if s.name in values else None} for s in FIELDS]
    frame = pd.DataFrame(rows, columns=list(EDITOR_COLUMNS))
    frame["Value"] = frame["Value"].astype("float64")
    return frame


def editor_edits(edited_rows: Mapping[Any, Mapping[str, Any]], names: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """``st.data_editor``'s ``edited_rows`` (row position -> change) keyed by field name instead.

    ``names`` are the field names of the displayed rows, in display order.
    """
    out: dict[str, Mapping[str, Any]] = {}
    for position, change in edited_rows.items():
        index = int(position)
        if 0 <= index < len(names):
            out[names[index]] = change
    return out


def apply_editor_edits(values: Mapping[str, float], edits: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """Apply edits (field name -> {"Value": x}) to ``values``; an emptied cell removes the field.

    Raises
    ------
    SnapshotError
        When an edited value is not allowed (unknown field, negative, fraction above 1).
    """
    merged: dict[str, Any] = dict(values)
    for name, change in edits.items():
        if "Value" not in change:
            continue
        new = change["Value"]
        if _is_missing(new):
            merged.pop(name, None)
        else:
            merged[name] = new
    return clean_values(merged)


# --------------------------------------------------------------------------------------
# summaries
# --------------------------------------------------------------------------------------

def _field_text(name: str, value: float, currency: str) -> str:
    """An input value as typed, to check it was read right (money keeps its cents)."""
    kind = FIELDS_BY_NAME[name].kind
    if kind == "money":
        text = format_number(value)
        if text.startswith("-"):
            text = text[1:]
        symbol = CURRENCIES.get(currency, currency)
        sign = "-" if value < 0 else ""
        return f"{sign}{symbol}{text}" if symbol in ("$", "£", "€") else f"{sign}{text} {symbol}"
    if kind == "fraction":
        return format_value(value, "fraction")
    return format_number(value)


def count_text(value: float) -> str:
    """A count of people for sentences: one decimal below 10 (``7.5``), whole above (``56``)."""
    return f"{value:,.1f}" if abs(value) < 10 else f"{value:,.0f}"


def context_summary(context: Mapping[str, Any] | None, *, include_unsaid: bool = False) -> str:
    """One line naming the context: ``"Monthly numbers in USD · SMB (ACV under $12K) · ..."``."""
    ctx = context_object(context)
    parts = [f"{PERIOD_LABELS[ctx.period]}ly numbers in {ctx.currency}"]
    for key in ("trial_type", "motion", "acv_band", "product_category"):
        value = getattr(ctx, key)
        if value is not None:
            parts.append(CONTEXT_OPTIONS[key][value])
        elif include_unsaid:
            parts.append(f"{CONTEXT_LABELS[key].lower()} not said")
    return " · ".join(parts)


def snapshot_summary(periods: Mapping[str, Mapping[str, float]], selected: str | None,
                     source_note: str | None) -> dict[str, Any]:
    """What the sidebar shows: compared period, how many fields are filled, where from."""
    label = resolve_period(periods, selected)
    values = periods.get(label, {}) if label is not None else {}
    return {
        "has_numbers": bool(label is not None and values),
        "period": label,
        "period_count": len(periods),
        "filled": len(values),
        "total": len(FIELDS),
        "source": source_note,
        "stages": [STAGES[s] for s in STAGES if any(FIELDS_BY_NAME[f].stage == s for f in values)],
    }


# --------------------------------------------------------------------------------------
# the user's own catalogue
# --------------------------------------------------------------------------------------

_TUPLE_FIELDS = ("acv_band", "trial_type", "motion", "product_category")


def rows_from_benchmarks(benchmarks: Sequence[Benchmark]) -> list[dict[str, Any]]:
    """Plain dict rows (JSON-safe) to keep in the session."""
    return [b.to_dict() for b in benchmarks]


def benchmarks_from_rows(rows: Sequence[Mapping[str, Any]] | None) -> list[Benchmark]:
    """:class:`Benchmark` objects back from :func:`rows_from_benchmarks` rows."""
    out = []
    for row in rows or ():
        data = dict(row)
        for key in _TUPLE_FIELDS:
            value = data.get(key, (ANY,))
            data[key] = tuple(value) if isinstance(value, (list, tuple)) else (str(value),)
        out.append(Benchmark(**data))
    return out


def catalogue_key(rows: Sequence[Mapping[str, Any]] | None) -> str:
    """A hashable JSON text of the user's rows (``""`` when none)."""
    if not rows:
        return ""
    return json.dumps(list(rows), sort_keys=True, separators=(",", ":"), default=str)


def full_catalogue(rows: Sequence[Mapping[str, Any]] | None) -> list[Benchmark]:
    """The shipped catalogue followed by the user's own rows."""
    return list(load_catalogue()) + benchmarks_from_rows(rows)


# --------------------------------------------------------------------------------------
# report -> display
# --------------------------------------------------------------------------------------

def verdict_text(verdict: str | None) -> str:
    """``"▲ Better"``, ``"● In line"``, ``"▼ Worse"`` or ``"– no verdict"``."""
    if verdict is None:
        return "– no verdict"
    return f"{VERDICT_SYMBOLS[verdict]} {VERDICT_LABELS[verdict]}"


def status_text(status: str, comparability: str = "direct") -> str:
    """``"V · verified"``, ``"S · seen quoted"``, ``"U · source not verified"``, with
    ``" · ⚠ similar definition"`` / ``" · ⚠ probably measures something else"`` when the figure's
    definition is not the KPI's own (catalogue column ``comparability``)."""
    short = {"V": "verified", "S": "seen quoted", "U": "source not verified"}
    caveat = {"approximate": " · ⚠ similar definition",
              "doubtful": " · ⚠ probably measures something else"}.get(comparability, "")
    return f"{status} · {short.get(status, STATUS_LABELS.get(status, status))}{caveat}"


def period_text(period: str) -> str:
    """``"per month"``; ``"no period"`` for figures that do not depend on the period length."""
    return "no period" if period == NO_PERIOD else f"per {period}"


def measured_text(period: str) -> str:
    """How a KPI value is measured, for sentences."""
    return ("the same whatever the period length" if period == NO_PERIOD
            else f"measured per {period}")


def benchmark_figure(b: Benchmark, currency: str = DEFAULT_CURRENCY) -> str:
    """The published figure in words: ``"P25 1.0 % · P50 4.0 % · P75 12.0 %"``, ``"at least 3.00x"``."""
    cur = "USD" if b.unit == "currency" else currency

    def f(x: float | None) -> str:
        return format_value(x, b.unit, cur)

    s = b.statistic
    if s == "quartiles":
        return f"P25 {f(b.low)} · median {f(b.median)} · P75 {f(b.high)}"
    if s == "good_great":
        return f"good {f(b.low)} · great {f(b.high)}"
    if s == "threshold":
        return f"at least {f(b.low)}" if b.low is not None else f"at most {f(b.high)}"
    parts = []
    if b.low is not None and b.high is not None:
        parts.append(f"{f(b.low)} – {f(b.high)}")
    elif b.low is not None:
        parts.append(f"at least {f(b.low)}")
    elif b.high is not None:
        parts.append(f"at most {f(b.high)}")
    if b.median is not None:
        word = {"median": "median", "average": "average", "target": "target"}.get(s, "")
        parts.insert(0, f"{word} {f(b.median)}".strip())
    return " · ".join(parts)


def headline(report: ComparisonReport) -> dict[str, Any]:
    """Counts for the headline: verdicts, KPIs computed, KPIs with a verdict."""
    counts = report.verdict_counts()
    computed = report.computed()
    judged = [k for k in computed if k.verdicts()]
    return {
        "better": counts["better"], "in_line": counts["in_line"], "worse": counts["worse"],
        "comparisons": sum(counts.values()),
        "computed": len(computed), "total": len(report.kpis), "kpis_judged": len(judged),
        "kpi_better": sum(1 for k in judged if _majority(k) == "better"),
        "kpi_in_line": sum(1 for k in judged if _majority(k) == "in_line"),
        "kpi_worse": sum(1 for k in judged if _majority(k) == "worse"),
    }


def _majority(item: KpiComparison) -> str | None:
    primary = primary_comparison(item)
    return primary.verdict if primary is not None else None


KPI_TABLE_COLUMNS = (
    "KPI", "Your value", "Verdict", "Benchmark", "Segment", "Source", "Status", "Link",
    "Your value in its period", "Statistic", "kpi_id",
)


def source_text(b: Benchmark) -> str:
    """``"HubSpot sales survey (2023)"``; a user's own row says which file it came from."""
    text = b.source or ("Your targets" if b.origin != "published" else "")
    if b.year and str(b.year) not in text:
        text += f" ({b.year})"
    if b.origin != "published":
        text += f" · your file {b.origin}"
    return text


def kpi_table(report: ComparisonReport) -> pd.DataFrame:
    """One row per computed KPI and matching benchmark (KPIs without a benchmark get one row).

    ``Benchmark`` is the published figure with its period (``"at most 3.0 % per month"``).
    """
    currency = report.snapshot.context.currency
    rows = []
    for item in report.computed():
        kpi = item.kpi
        value = format_value(kpi.value, kpi.spec.unit, currency)
        if kpi.period != NO_PERIOD and kpi.spec.unit == "fraction":
            value += f" {period_text(kpi.period)}"
        base = {"KPI": kpi.spec.label, "Your value": value, "kpi_id": kpi.id}
        if not item.comparisons:
            rows.append({**base, "Verdict": "– no benchmark", "Benchmark": "", "Segment": "",
                         "Source": "", "Status": "", "Link": None, "Your value in its period": "",
                         "Statistic": ""})
            continue
        for comp in item.comparisons:
            b = comp.benchmark
            verdict = verdict_text(comp.verdict)
            converted = ""
            if comp.user_value is not None and (comp.conversion_note or "").startswith("converted"):
                converted = format_value(comp.user_value, b.unit, currency) + f" {period_text(b.period)}"
            figure = benchmark_figure(b, currency)
            if b.period != NO_PERIOD:
                figure += f" {period_text(b.period)}"
            rows.append({**base, "Verdict": verdict, "Benchmark": figure,
                         "Segment": b.segment or "any", "Source": source_text(b),
                         "Status": status_text(b.status, b.comparability), "Link": b.url or None,
                         "Your value in its period": converted,
                         "Statistic": STATISTICS.get(b.statistic, b.statistic).split(" (")[0]})
    return pd.DataFrame(rows, columns=list(KPI_TABLE_COLUMNS))


def all_warnings(report: ComparisonReport) -> list[str]:
    """Implausible-input warnings of the snapshot, then those of single KPIs, without repeats."""
    out = list(report.warnings)
    for item in report.kpis:
        out += [w for w in item.kpi.warnings if w not in out]
    return out


def not_computable(report: ComparisonReport) -> list[tuple[str, str]]:
    """``(KPI label, reason)`` for every KPI that could not be computed."""
    return [(k.kpi.spec.label, k.kpi.reason or "not computable") for k in report.kpis
            if not k.kpi.computable]


@dataclass(frozen=True)
class BenchmarkLine:
    """One benchmark of a KPI, in words, for the "how it was computed" view."""

    label: str
    figure: str
    verdict: str
    user_value: str
    note: str
    source: str
    status: str
    url: str
    segment: str = "any"


@dataclass(frozen=True)
class KpiDetail:
    """Everything the "how it was computed" view shows for one KPI."""

    id: str
    label: str
    value: str
    description: str
    formula: str
    calculation: str
    period: str
    higher_is_better: bool | None
    warnings: tuple[str, ...]
    benchmarks: tuple[BenchmarkLine, ...]


def kpi_detail(item: KpiComparison, currency: str = DEFAULT_CURRENCY) -> KpiDetail:
    """The formula with the user's numbers, conversion notes and every benchmark in words."""
    kpi = item.kpi
    lines = []
    for comp in item.comparisons:
        b = comp.benchmark
        note = comp.conversion_note or comp.reason or ""
        lines.append(BenchmarkLine(
            label=b.label,
            figure=benchmark_figure(b, currency) + ("" if b.period == NO_PERIOD else f" {period_text(b.period)}"),
            verdict=verdict_text(comp.verdict),
            user_value=format_value(comp.user_value, b.unit, currency) if comp.user_value is not None else "n/a",
            note=note, source=f"{b.source}{', ' + str(b.year) if b.year else ''}",
            status=status_text(b.status, b.comparability), url=b.url or "", segment=b.segment or "any"))
    return KpiDetail(
        id=kpi.id, label=kpi.spec.label,
        value=format_value(kpi.value, kpi.spec.unit, currency) if kpi.computable else "not computable",
        description=kpi.spec.description, formula=kpi.spec.formula,
        calculation=kpi.calculation or (kpi.reason or ""), period=period_text(kpi.period),
        higher_is_better=kpi.spec.higher_is_better, warnings=tuple(kpi.warnings),
        benchmarks=tuple(lines),
    )


def direction_text(higher_is_better: bool | None) -> str:
    return {True: "higher is better", False: "lower is better"}.get(higher_is_better,  # type: ignore[arg-type]
                                                                      "a size figure: no better or worse side")


# --------------------------------------------------------------------------------------
# sources & definitions
# --------------------------------------------------------------------------------------

def _filter_text(values: tuple[str, ...], options: Mapping[str, str]) -> str:
    if values == (ANY,):
        return "any"
    return "; ".join(options.get(v, v) for v in values)


def catalogue_frame(benchmarks: Sequence[Benchmark]) -> pd.DataFrame:
    """The whole catalogue for display: one row per published figure."""
    labels = {k.id: k.label for k in KPIS}
    rows = []
    for b in benchmarks:
        rows.append({
            "KPI": labels.get(b.kpi, b.kpi),
            "Figure": benchmark_figure(b) + ("" if b.period == NO_PERIOD else f" {period_text(b.period)}"),
            "Statistic": STATISTICS.get(b.statistic, b.statistic).split(" (")[0],
            "Period": period_text(b.period),
            "Segment": b.segment, "ACV band": _filter_text(b.acv_band, ACV_BANDS),
            "Trial type": _filter_text(b.trial_type, TRIAL_TYPES),
            "Motion": _filter_text(b.motion, MOTIONS),
            "Product category": _filter_text(b.product_category, PRODUCT_CATEGORIES),
            "Source": b.source, "Year": str(b.year) if b.year else "", "Sample": b.sample,
            "Status": status_text(b.status, b.comparability), "Link": b.url or None, "Definition": b.basis,
            "Note": b.note, "Origin": "published" if b.origin == "published" else f"your file {b.origin}",
            "status_code": b.status, "kpi_id": b.kpi,
        })
    return pd.DataFrame(rows)


def definitions_frame() -> pd.DataFrame:
    """Every KPI with its formula, unit and direction."""
    units = {"fraction": "%", "ratio": "ratio (x)", "months": "months", "currency": "money",
             "points": "points (-100..100)"}
    return pd.DataFrame([{
        "KPI": k.label, "Formula": k.formula, "What it tells": k.description,
        "Unit": units.get(k.unit, k.unit), "Direction": direction_text(k.higher_is_better),
        "Stage": STAGES.get(k.stage, k.stage), "Inputs": ", ".join(FIELDS_BY_NAME[i].label for i in k.inputs),
    } for k in KPIS])


def fields_frame() -> pd.DataFrame:
    """Every input field with its definition."""
    return pd.DataFrame([{"Field": f.label, "Name": f.name, "Stage": STAGES[f.stage],
                          "Definition": f.help} for f in FIELDS])


def unmapped_figures() -> tuple[str, ...]:
    return UNMAPPED_FIGURES


def primary_for(item: KpiComparison) -> BenchmarkComparison | None:
    """Re-export of :func:`compare.primary_comparison` for the pages."""
    return primary_comparison(item)


# --------------------------------------------------------------------------------------
# what to do next, for messages the parser gives without a next step
# --------------------------------------------------------------------------------------

#: Fields that hold an amount *lost*: people tend to type them as negative numbers.
LOSS_FIELDS: frozenset[str] = frozenset({"mrr_contraction", "mrr_churned", "customers_churned"})

_NEGATIVE_RE = re.compile(r"'(?P<shown>[^']*)' is negative[;,] (?:and )?(?P<label>.+?) cannot be below zero")


def _positive_text(shown: str) -> str:
    text = shown.strip()
    if text.startswith("(") and text.endswith(")"):
        return text[1:-1].strip()
    return text.lstrip("-\u2212\u2013\u2014 ").strip()


def negative_next_step(label: str, shown: str, where: str = "cell") -> str:
    """What to do about a negative value, with the user's own number as the example.

    ``"Enter amounts lost as positive numbers: Churned MRR 1,200, not -1,200."``
    """
    example = f"{label} {_positive_text(shown) or '1,200'}, not {shown.strip()}"
    spec = next((s for s in FIELDS if s.label == label), None)
    if spec is not None and spec.name in LOSS_FIELDS:
        return f"Enter amounts lost as positive numbers: {example}."
    return (f"Enter it as a positive number ({example}) or leave the {where} empty; amounts lost, "
            "such as churned MRR, are positive numbers too.")


def issue_message(issue: Any) -> str:
    """The message of a parse issue, with the next step added where it has none.

    A negative value gets an example with the user's own number (``Churned MRR 1,200, not
    -1,200``); every other message is returned as it is.
    """
    message = getattr(issue, "message", None) or str(issue)
    match = _NEGATIVE_RE.search(message)
    if match is None or ", not " in message:
        return message
    step = negative_next_step(match["label"], match["shown"])
    if "positive" in message:  # the parser already says what to do: add the example only
        step = f"For example: {match['label']} {_positive_text(match['shown'])}, not {match['shown']}."
    return f"{_sentence(message)} {step}"


# --------------------------------------------------------------------------------------
# the form: typed text read like a file
# --------------------------------------------------------------------------------------

#: The number formats by their look, as messages name them (the selectors say the same).
FORMAT_NAMES: dict[str, str] = {"en": "1,234.5", "de": "1.234,5"}

_KIND_EXAMPLE: dict[str, str] = {
    "count": "Type a whole number such as 12500 or 12,500",
    "money": "Type an amount such as 48000 or 48,000.50",
    "fraction": "Type it as 80 % or 0.8",
}


def form_text(name: str, value: float, convention: str = "auto") -> str:
    """A stored value as the form shows it (:func:`read_form` reads it back to the same number).

    No thousands separators (``12500``), so the text means the same in both number formats;
    decimals use the decimal mark of ``convention`` (``1234,5`` for ``"de"``). Gross margin is
    shown as a percentage (``80 %``).
    """
    kind = FIELDS_BY_NAME[name].kind
    number = round(float(value) * 100, 10) if kind == "fraction" else float(value)
    text = format_number_cell(number)
    if "e" in text.lower():
        text = f"{number:.12f}".rstrip("0").rstrip(".")
    if normalise_convention(convention) == "de":
        text = text.replace(".", ",")
    return f"{text} %" if kind == "fraction" else text


def form_texts(values: Mapping[str, float], convention: str = "auto") -> dict[str, str]:
    """:func:`form_text` of every stored field (fields not stored are absent)."""
    return {k: form_text(k, v, convention) for k, v in values.items() if k in FIELDS_BY_NAME}


@dataclass(frozen=True)
class FormReading:
    """What :func:`read_form` made of the form.

    Attributes
    ----------
    values : every field with a number (kept and newly typed), in canonical order; when
        ``errors`` is not empty these must not be stored.
    errors : one sentence per field that cannot be used: names the field, quotes the text and
        says what to do.
    warnings : readings to check (an ambiguous ``1.000``, a bare gross margin ``80``...).
    convention : ``"en"`` or ``"de"`` used for the typed texts; ``None`` when nothing new was typed.
    typed : fields read from new text (the others were kept as shown or left empty).
    """

    values: dict[str, float]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    convention: str | None = None
    typed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def _plain(value: float) -> str:
    """A number as read, with thousands separators and only the decimals it has: ``12.5``, ``12,500``."""
    return f"{value:,.12g}"


def _other(convention: str) -> str:
    return "de" if convention == "en" else "en"


def _try_read(text: str, convention: str, name: str) -> float | None:
    """The value of ``text`` in ``convention`` if it is a usable value of field ``name``."""
    try:
        parsed = parse_number_detail(text, convention, field=name)
    except (NumberError, ValueError):
        return None
    value = parsed.value
    if math.isnan(value) or value < 0 or (parsed.percent and FIELDS_BY_NAME[name].kind != "fraction"):
        return None
    if FIELDS_BY_NAME[name].kind == "count" and abs(value - round(value)) > 1e-9:
        return None
    return value


def _read_form_cell(name: str, text: str, convention: str, currency: str | None,
                    undecided: bool) -> tuple[float | None, str | None, list[str]]:
    """(value, error, warnings) of one typed field."""
    spec = FIELDS_BY_NAME[name]
    label = spec.label
    todo = f"{_KIND_EXAMPLE[spec.kind]}, or leave the field empty."
    try:
        parsed = parse_number_detail(text, convention, field=name)
    except NumberError as exc:
        return None, f"{label}: {_sentence(str(exc))} {todo}", []
    value = parsed.value
    if math.isnan(value):
        return None, None, []
    if parsed.percent and spec.kind != "fraction":
        what = "a count" if spec.kind == "count" else "an amount"
        return None, f"{label}: '{text}' is a percentage, but {label} is {what}. {todo}", []
    if value < 0:
        return None, (f"{label}: '{text}' is negative, and it cannot be below zero. "
                      + negative_next_step(label, text, "field")), []
    other = _other(convention)
    alternative = _try_read(text, other, name)
    if spec.kind == "count" and abs(value - round(value)) > 1e-9:
        if alternative is not None:
            step = (f"if you meant {_plain(alternative)}, choose the number format "
                    f"{FORMAT_NAMES[other]}")
        else:
            step = "type a whole number, or leave the field empty"
        return None, (f"'{text}' reads as {_plain(value)}, which is not a whole number of "
                      f"{label}; {step}."), []
    warnings = [_sentence(w) if label in w else f"{label}: {_sentence(w)}" for w in parsed.warnings]
    if undecided and parsed.ambiguous and alternative is not None and alternative != value:
        warnings.append(
            f"{label}: '{text}' could be read either way; it was read as {_plain(value)} "
            f"(the {FORMAT_NAMES[convention]} format). If you meant {_plain(alternative)}, "
            f"choose the number format {FORMAT_NAMES[other]} and apply again.")
    if parsed.currency and currency and spec.kind == "money" and parsed.currency != currency.upper():
        warnings.append(
            f"{label}: '{text}' is in {parsed.currency}, but your numbers are in "
            f"{currency.upper()}; the amount was stored as it is, not converted. Change the "
            "currency if that is wrong.")
    return value, None, warnings


def read_form(texts: Mapping[str, Any], convention: str = "auto", *,
              stored: Mapping[str, float] | None = None, shown: Mapping[str, str] | None = None,
              currency: str | None = None) -> FormReading:
    """Read the form's text fields with the same number reading as files and pasted cells.

    Parameters
    ----------
    texts : field name -> the text in the form (empty or missing = not given).
    convention : ``"auto"``, ``"en"`` (1,234.5) or ``"de"`` (1.234,5 or 1 234,5). In ``"auto"``
        mode the format is decided from all newly typed texts together
        (:func:`~funnel_core.inputs.numbers.analyse_convention`), like the cells of a file; when
        nothing decides, English is used and ambiguous readings are listed as warnings.
    stored : the stored values of the edited period, and ``shown`` the texts the form showed
        for them (default :func:`form_texts`): a field whose text is unchanged keeps its stored
        value exactly and does not vote on the number format.
    currency : the snapshot's currency; an amount typed with another currency is a warning.

    Returns
    -------
    FormReading
        A count that reads as a non-whole number is an error (``'12.500' reads as 12.5, which
        is not a whole number of Website visitors; if you meant 12,500, choose the number
        format 1.234,5``), and so are text that is not a number, a negative value and a
        percentage in a count or an amount.
    """
    conv = normalise_convention(convention)
    stored = dict(stored or {})
    shown = form_texts(stored, conv) if shown is None else shown
    values: dict[str, float] = {}
    typed: dict[str, str] = {}
    for spec in FIELDS:
        raw = texts.get(spec.name)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            text = "" if _is_missing(raw) else format_number_cell(raw)
        else:
            text = "" if raw is None else str(raw).strip()
        if not text or is_missing(text):
            continue
        if spec.name in stored and text == str(shown.get(spec.name, "")).strip():
            values[spec.name] = float(stored[spec.name])
            continue
        typed[spec.name] = text
    errors: list[str] = []
    warnings: list[str] = []
    used: str | None = None
    if typed:
        undecided = False
        if conv == "auto":
            guess = analyse_convention(typed.values())
            used = guess.convention
            undecided = not guess.decided
            if guess.conflicting:
                warnings.append(
                    f"The numbers mix formats: '{guess.examples['en']}' looks like "
                    f"{FORMAT_NAMES['en']} and '{guess.examples['de']}' like {FORMAT_NAMES['de']}. "
                    f"All were read in the {FORMAT_NAMES[used]} format; check them, or choose the "
                    "number format.")
        else:
            used = conv
        for name, text in typed.items():
            value, error, notes = _read_form_cell(name, text, used, currency, undecided)
            warnings += notes
            if error is not None:
                errors.append(error)
            elif value is not None:
                values[name] = value
    ordered = {k: values[k] for k in FIELD_NAMES if k in values}
    if not errors:
        try:
            ordered = clean_values(ordered)
        except SnapshotError as exc:
            errors.append(_sentence(str(exc)))
    return FormReading(ordered, tuple(errors), tuple(warnings), used, tuple(typed))


# --------------------------------------------------------------------------------------
# adding parsed numbers to the stored ones, in words
# --------------------------------------------------------------------------------------

def _span(labels: Sequence[str]) -> str:
    labels = list(labels)
    if len(labels) <= 3:
        return ", ".join(labels)
    return f"{labels[0]} to {labels[-1]}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _periods_word(n: int) -> str:
    return f"{n} stored period{'s' if n != 1 else ''}"


def merge_plan(periods: Mapping[str, Mapping[str, float]], parsed: Any) -> dict[str, Any]:
    """What adding (``merge_parsed(replace=False)``) and replacing would do, for the choice.

    Returns
    -------
    dict
        ``updated`` (stored periods the input also has), ``added`` (new periods), ``kept``
        (stored periods the input does not touch), ``dropped`` (how many stored periods
        replacing throws away: all of them), and the texts ``merge_label``,
        ``merge_caption``, ``replace_label``, ``replace_caption``.
    """
    incoming = [_parsed_label(parsed, label) for label in parsed.periods]
    stored = list(periods)
    updated = [label for label in stored if label in incoming]
    added = [label for label in incoming if label not in periods]
    kept = [label for label in stored if label not in incoming]
    parts = []
    if updated:
        parts.append(f"{_span(updated)}: the fields given here overwrite the same fields, the "
                     "other fields stay")
    if added:
        parts.append(f"{_span(added)} {'is' if len(added) == 1 else 'are'} added")
    if kept:
        parts.append(f"the {'other ' if updated else ''}{_periods_word(len(kept))} ({_span(kept)}) "
                     f"{'is' if len(kept) == 1 else 'are'} kept")
    dropped = len(stored)
    if dropped == 1:
        replace_label = f"Replace everything: drop the stored period ({stored[0]})"
    else:
        replace_label = f"Replace everything: drop all {_periods_word(dropped)}"
    return {
        "updated": updated, "added": added, "kept": kept, "dropped": dropped,
        "merge_label": "Add these to your stored numbers",
        "merge_caption": _sentence(_capital("; ".join(parts))) if parts else "",
        "replace_label": replace_label,
        "replace_caption": (f"Removes {_span(stored)} and keeps only the numbers shown above."
                            if stored else ""),
    }


# --------------------------------------------------------------------------------------
# metric cards with their period
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MetricCard:
    """One ``st.metric`` card: the label says the period, ``note`` the other period."""

    kpi_id: str
    label: str
    value: str
    note: str | None
    help: str


#: The KPIs of the Revenue (MRR) tab, in order.
REVENUE_KPIS: tuple[str, ...] = ("mrr_end", "arr", "arpa", "net_revenue_retention",
                                 "gross_revenue_retention", "quick_ratio")


def revenue_cards(report: ComparisonReport) -> list[MetricCard]:
    """The computable revenue KPIs as metric cards, every one saying its period.

    Retention is shown in the snapshot's period with the other period beside it
    (``"Net revenue retention, per month"`` 99.8 %, note ``"98.0 % per year, compounded"``),
    the same figures the overview places against yearly benchmarks.
    """
    currency = report.snapshot.context.currency
    period = report.snapshot.context.period
    cards = []
    for kpi_id in REVENUE_KPIS:
        try:
            item = report.get(kpi_id)
        except KeyError:
            continue
        kpi = item.kpi
        if not kpi.computable:
            continue
        note = None
        if kpi_id == "mrr_end":
            label = f"MRR at end of {period}"
        elif kpi_id == "arr":
            label = "ARR, per year (MRR × 12)"
        elif kpi_id == "arpa":
            label = "ARPA, per month"
        elif kpi_id == "quick_ratio":
            label = "Quick ratio (any period)"
        else:
            label = f"{kpi.spec.label}, {period_text(kpi.period)}"
            other = "month" if kpi.period == "year" else "year"
            try:
                converted = convert_retention(float(kpi.value), kpi.period, other)
            except ConversionError:
                converted = None
            if converted is not None:
                note = f"{format_value(converted, 'fraction')} per {other}, compounded"
        cards.append(MetricCard(
            kpi_id, label, format_value(kpi.value, kpi.spec.unit, currency), note,
            f"{kpi.spec.label}: {kpi.spec.formula} ({measured_text(kpi.period)})."))
    return cards


def converted_lines(report: ComparisonReport) -> list[str]:
    """Your values that the comparison put in another period, both ways, for the overview.

    ``"Net revenue retention: 99.8 % per month = 98.0 % per year, compounded"``
    """
    currency = report.snapshot.context.currency
    lines = []
    for item in report.computed():
        primary = primary_comparison(item)
        if primary is None or primary.user_value is None:
            continue
        if not (primary.conversion_note or "").startswith("converted"):
            continue
        kpi = item.kpi
        unit = kpi.spec.unit
        lines.append(f"{kpi.spec.label}: {format_value(kpi.value, unit, currency)} "
                     f"{period_text(kpi.period)} = {format_value(primary.user_value, unit, currency)} "
                     f"{period_text(primary.benchmark.period)}, compounded")
    return lines

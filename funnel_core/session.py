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

This module turns those plain structures into a :class:`~funnel_core.model.Snapshot` and
back, merges parsed input into them, and turns a :class:`~funnel_core.compare.ComparisonReport`
into the tables the pages display. Everything here is tested without Streamlit.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .catalogue import UNMAPPED_FIGURES, Benchmark, load_catalogue
from .compare import BenchmarkComparison, ComparisonReport, KpiComparison, primary_comparison
from .constants import (
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
from .formatting import format_number, format_value
from .kpis import KPIS
from .model import Context, Snapshot, SnapshotError

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
    """Put the numbers of a :class:`~funnel_core.parsing.ParsedInput` into the stored periods.

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
    message = getattr(issue, "message", None) or str(issue)
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
    message = getattr(issue, "message", None) or str(issue)
    body = _sentence(message)
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
        message = getattr(issue, "message", str(issue))
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


def status_text(status: str) -> str:
    """``"V · verified"``, ``"S · seen quoted"``, ``"U · source not verified"``."""
    short = {"V": "verified", "S": "seen quoted", "U": "source not verified"}
    return f"{status} · {short.get(status, STATUS_LABELS.get(status, status))}"


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
                         "Status": status_text(b.status), "Link": b.url or None,
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
            status=status_text(b.status), url=b.url or "", segment=b.segment or "any"))
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
            "Status": status_text(b.status), "Link": b.url or None, "Definition": b.basis,
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

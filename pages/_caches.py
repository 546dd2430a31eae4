"""Cached builders: parsed uploads and pasted text, the comparison report and its charts.

Split out of :mod:`pages._ui` (which re-exports every name here).
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state import sources_tables
from funnel_core.benchmarks.compare import ComparisonReport, compare
from funnel_core.domain.i18n import current_language, tr
from funnel_core.domain.model import SnapshotError
from funnel_core.inputs.issues import InputError, ParsedInput
from funnel_core.inputs.parsing import parse_bytes, parse_text
from funnel_core.inputs.raw_table import list_sheets, read_raw_table
from pages._link import session_language
from pages._state import (EXAMPLE_NOTE, EXAMPLE_PATH, REPORT_CACHE_TTL, UPLOAD_CACHE_TTL, apply_numbers,
                          current_snapshot, flash)

# --------------------------------------------------------------------------------------
# parsing (cached)
# --------------------------------------------------------------------------------------

def cached_parse_text(text: str, convention: str, mapping_json: str,
                      currency: str | None = None) -> ParsedInput:
    """:func:`parse_text`, cached per language (its messages are in the session's language)."""
    return _cached_parse_text(text, convention, mapping_json, currency, current_language())


@st.cache_data(max_entries=16, ttl=UPLOAD_CACHE_TTL, show_spinner=False)
def _cached_parse_text(text: str, convention: str, mapping_json: str,
                       currency: str | None, language: str) -> ParsedInput:
    mapping = json.loads(mapping_json) if mapping_json else None
    return parse_text(text, source_name="pasted text", number_convention=convention, mapping=mapping,
                      currency=currency)


def cached_parse_bytes(data: bytes, filename: str, sheet: str | None, convention: str,
                       mapping_json: str, currency: str | None = None) -> ParsedInput:
    """:func:`parse_bytes`, cached per language (its messages are in the session's language)."""
    return _cached_parse_bytes(data, filename, sheet, convention, mapping_json, currency,
                               current_language())


@st.cache_data(max_entries=8, ttl=UPLOAD_CACHE_TTL, show_spinner=False)
def _cached_parse_bytes(data: bytes, filename: str, sheet: str | None, convention: str,
                        mapping_json: str, currency: str | None, language: str) -> ParsedInput:
    mapping = json.loads(mapping_json) if mapping_json else None
    return parse_bytes(data, filename, sheet=sheet, number_convention=convention, mapping=mapping,
                       currency=currency)


@st.cache_data(max_entries=8, ttl=UPLOAD_CACHE_TTL, show_spinner=False)
def cached_text_table(text: str):
    """The pasted cells as a raw table (for matching names when nothing was recognised)."""
    from funnel_core.inputs.text_table import read_text_table

    return read_text_table(text)


@st.cache_data(max_entries=8, ttl=UPLOAD_CACHE_TTL, show_spinner=False)
def cached_sheets(data: bytes, filename: str) -> list[str]:
    return list(list_sheets(data, filename))


@st.cache_data(max_entries=8, ttl=UPLOAD_CACHE_TTL, show_spinner=False)
def cached_raw_table(data: bytes, filename: str, sheet: str | None):
    return read_raw_table(data, filename, sheet=sheet)


def mapping_json(mapping: dict[str, str | None] | None) -> str:
    return json.dumps(mapping, sort_keys=True) if mapping else ""


def load_example() -> None:
    """Callback of "Load example company": the fictional example read through the parser."""
    session_language()
    try:
        # its first row is a note saying the company is made up: not a metric
        parsed = parse_bytes(EXAMPLE_PATH.read_bytes(), EXAMPLE_PATH.name, mapping={"note": None})
        new_periods, selected = snapshot_state.merge_parsed({}, parsed, replace=True)
        new_context, _ = snapshot_state.context_from_parsed(snapshot_state.default_context(), parsed)
    except (InputError, SnapshotError, OSError) as exc:  # shipped file: should never happen
        flash(tr("The example company could not be loaded: {error}", error=exc), "error")
        return
    apply_numbers(new_periods, selected, new_context, EXAMPLE_NOTE)


# --------------------------------------------------------------------------------------
# comparison and charts (cached)
# --------------------------------------------------------------------------------------

@st.cache_resource(max_entries=64, ttl=REPORT_CACHE_TTL, show_spinner=False)
def _report_for(snapshot_key: str, catalogue_key: str, language: str = "en") -> ComparisonReport:
    # cache_resource, not cache_data: a report holds KPI specs with formula functions that
    # cannot be pickled. The report is frozen (immutable), so sharing it is safe.
    rows = json.loads(catalogue_key) if catalogue_key else None
    return compare(snapshot_state.snapshot_from_key(snapshot_key), sources_tables.full_catalogue(rows))


def report_keys() -> tuple[str, str] | None:
    snapshot = current_snapshot()
    if snapshot is None or not snapshot.values:
        return None
    return (snapshot_state.snapshot_key(snapshot),
            sources_tables.catalogue_key(st.session_state.get("user_catalogue")))


def current_report() -> ComparisonReport | None:
    keys = report_keys()
    if keys is None:
        return None
    return _report_for(*keys, current_language())


def build_chart(report: ComparisonReport, name: str) -> Any:
    """One chart of ``report`` by name; ``None`` when it has nothing to show.

    Names: ``overview``, ``funnel``, ``focus``, ``mrr-bridge``, ``quadrant``, ``bullet-<kpi_id>`` (every
    benchmark of the KPI, as in :func:`funnel_core.charts.catalog.chart_catalog`) and
    ``bullet1-<kpi_id>-<benchmark_id>`` (one benchmark).
    """
    from funnel_core.charts import bullets, focus, funnel, mrr_bridge, overview, quadrant

    currency = report.snapshot.context.currency
    if name == "overview":
        return overview.overview_chart(report)
    if name == "funnel":
        return funnel.funnel_chart(report)
    if name == "mrr-bridge":
        return mrr_bridge.mrr_bridge_chart(report)
    if name == "quadrant":
        return quadrant.quadrant_chart(report)
    if name == "focus":
        return focus.focus_chart(report)
    try:
        if name.startswith("bullet-"):
            return bullets.bullet_charts(report.get(name[len("bullet-"):]), currency=currency)
        if name.startswith("bullet1-"):
            kpi_id, benchmark_id = name[len("bullet1-"):].split("|", 1)
            item = report.get(kpi_id)
            comparison = next(c for c in item.comparisons if c.benchmark.id == benchmark_id)
            return bullets.bullet_chart(item, comparison, currency=currency)
    except (KeyError, StopIteration, ValueError):
        return None
    raise KeyError(name)


_PREVALIDATED: dict[type, type] = {}


def _prevalidated(chart: Any) -> Any:
    """The same chart whose ``to_dict`` skips the JSON-schema validation.

    ``st.altair_chart`` calls ``to_dict()`` on every rerun, and validating a layered chart costs
    20-40 ms each time. The chart was validated when it was built; the spec is identical.
    """
    cls = type(chart)
    fast = _PREVALIDATED.get(cls)
    if fast is None:
        def to_dict(self: Any, *args: Any, **kwargs: Any) -> Any:
            kwargs["validate"] = False
            return cls.to_dict(self, *args, **kwargs)

        fast = type(f"Prevalidated{cls.__name__}", (cls,), {"to_dict": to_dict})
        _PREVALIDATED[cls] = fast
    clone = object.__new__(fast)
    clone.__dict__.update(chart.__dict__)
    return clone


def for_screen(chart: Any) -> Any:
    """The chart ready for ``st.altair_chart``; the picture is the same as the export's.

    - A numeric ``padding`` is written as the equivalent per-side dict: Streamlit's chart
      element adds its own padding to the spec's and fails ("Cannot create property 'bottom'
      on number") when the spec gives one number.
    - Validation is skipped on redraws (see :func:`_prevalidated`).
    """
    if chart is None:
        return None
    padding = getattr(chart, "padding", None)
    if isinstance(padding, (int, float)) and not isinstance(padding, bool):
        side = padding
        chart = chart.properties(padding={"left": side, "top": side, "right": side, "bottom": side})
    return _prevalidated(chart)


@st.cache_resource(max_entries=128, ttl=REPORT_CACHE_TTL, show_spinner=False)
def chart_for(name: str, snapshot_key: str, catalogue_key: str, language: str = "en") -> Any:
    """:func:`build_chart` ready for the screen, cached per snapshot (Altair charts are not
    mutated when drawn, so sharing them is safe)."""
    return for_screen(build_chart(_report_for(snapshot_key, catalogue_key, language), name))


def chart(name: str) -> Any:
    """The named chart of the current snapshot (cached), or ``None``."""
    keys = report_keys()
    return None if keys is None else chart_for(name, *keys, current_language())


@st.cache_resource(max_entries=32, ttl=REPORT_CACHE_TTL, show_spinner=False)
def _focus_for(snapshot_key: str, catalogue_key: str, language: str = "en") -> list[Any]:
    from funnel_core.benchmarks.funnel import focus_areas

    return focus_areas(_report_for(snapshot_key, catalogue_key, language))


def focus() -> list[Any]:
    keys = report_keys()
    return [] if keys is None else _focus_for(*keys, current_language())


# --------------------------------------------------------------------------------------
# memory of closed sessions
# --------------------------------------------------------------------------------------

def expire_streamlit_caches() -> int:
    """Drop the entries of this app's ``st.cache_data`` caches that are past their ``ttl`` now.

    Streamlit removes an expired entry only when its function is called again, so the parsed
    uploads and reports of sessions that have closed stay in memory until then. The
    housekeeping thread calls this every 30 s. It reaches into Streamlit's cache storage (not a
    public API): every step is checked, and on any other Streamlit version it does nothing.
    Returns the number of caches it expired.
    """
    try:
        from streamlit.runtime.caching import cache_data_api

        registry = cache_data_api._data_caches
        with registry._caches_lock:
            caches = [cache for scoped in registry._function_caches.values() for cache in scoped.values()]
    except Exception:  # noqa: BLE001 - another Streamlit version: nothing to do
        return 0
    expired = 0
    for cache in caches:
        storage = getattr(cache, "storage", None)
        memory = getattr(storage, "_mem_cache", None)
        lock = getattr(storage, "_mem_cache_lock", None)
        if memory is None or lock is None or not hasattr(memory, "expire"):
            continue
        try:
            with lock:
                memory.expire()
                take = getattr(storage, "_take_pending_removals", None)
                removals = take() if take is not None else []
            report = getattr(storage, "_report_removals", None)
            if report is not None:
                report(removals)
            expired += 1
        except Exception:  # noqa: BLE001 - best effort: the entry expires at its next read
            continue
    return expired

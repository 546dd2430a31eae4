"""Streamlit glue shared by app.py and the pages: state access, cached builders, sidebar.

Only widgets, session state and caching live here; every formula and every table is built
in :mod:`funnel_core` (see :mod:`funnel_core.page_state`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

from funnel_core.page_state import drafts, link_state, snapshot_state
from funnel_core.page_state import form as page_form
from funnel_core.page_state import sources_tables
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.page_state.share_link import LINK_PARAM, LinkError
from funnel_core.benchmarks.compare import ComparisonReport, compare
from funnel_core.domain.constants import CACHE_TTL_SECONDS, FIELDS, SEGMENT_FIELDS
from funnel_core.domain.i18n import current_language, keep_language, mark, set_language, tr, tr_n
from funnel_core.page_state import language as language_state
from funnel_core.domain.model import Snapshot, SnapshotError
from funnel_core.inputs.issues import InputError, ParsedInput
from funnel_core.inputs.parsing import parse_bytes, parse_text
from funnel_core.inputs.raw_table import list_sheets, read_raw_table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PATH = ROOT / "assets" / "example_company.csv"
EXAMPLE_NOTE = snapshot_state.EXAMPLE_NOTE

NUMBERS_PAGE = "pages/numbers.py"
RESULTS_PAGE = "pages/results.py"
DOWNLOADS_PAGE = "pages/downloads.py"
SOURCES_PAGE = "pages/sources.py"

_MISSING = object()

#: How long cached results stay (seconds). Caches keyed on an upload's bytes hold parsed tables
#: as large as the file, so they are bounded by count and by time: the memory of a session that
#: has ended comes back within minutes, not at the next restart.
UPLOAD_CACHE_TTL = CACHE_TTL_SECONDS
REPORT_CACHE_TTL = CACHE_TTL_SECONDS

#: Session keys of the form's draft (what was typed but not applied: data, see
#: :mod:`funnel_core.page_state.drafts`), the texts the form shows for the stored numbers, and
#: the form's number format (kept as data so a page switch does not reset it).
DRAFT_KEY = "form_draft"
SHOWN_KEY = "_form_shown"
FORMAT_KEY = "form_number_format"


# --------------------------------------------------------------------------------------
# state
# --------------------------------------------------------------------------------------

def init_state() -> None:
    """Create every data key once per session (app.py and every page call this on every run).

    On the first run of a session the numbers in the page's link are restored
    (:func:`restore_from_link`); on every run the texts typed in the form are kept as a draft
    (:func:`capture_form_draft`), also when another page was chosen before Apply.
    """
    for key, value in snapshot_state.default_state().items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(DRAFT_KEY, {})
    _leave_legacy_multipage_mode()
    restore_from_link()
    capture_form_draft()


def _leave_legacy_multipage_mode() -> None:
    """Rerun through ``app.py`` when Streamlit ran a page file on its own.

    Because the pages live in a folder called ``pages/``, Streamlit starts each server process
    in its old multipage mode (every ``pages/*.py`` is a page of its own, without ``app.py``)
    until ``st.navigation`` is called once. A first visitor who opens ``/results`` on a fresh
    server would get the page without the frame (no sidebar, a navigation listing every file).
    The flag is Streamlit's own; switching it off is exactly what ``st.navigation`` does.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def periods() -> dict[str, dict[str, float]]:
    return st.session_state["periods"]


def context() -> dict[str, Any]:
    return st.session_state["context"]


def compared_period() -> str | None:
    return snapshot_state.resolve_period(periods(), st.session_state.get("selected_period"))


def current_values() -> dict[str, float]:
    label = compared_period()
    return dict(periods().get(label, {})) if label is not None else {}


def current_snapshot() -> Snapshot | None:
    return snapshot_state.build_snapshot(periods(), st.session_state.get("selected_period"), context())


def sync_widget(key: str, value: Any) -> None:
    """Make widget ``key`` show ``value`` (the stored data) before the widget is drawn."""
    if st.session_state.get(key, _MISSING) != value:
        st.session_state[key] = value


def set_context_value(key: str, value: Any) -> None:
    ctx = dict(context())
    ctx[key] = value
    st.session_state["context"] = ctx


def _context_changed(widget_key: str, ctx_key: str) -> None:
    set_context_value(ctx_key, snapshot_state.context_from_widget(st.session_state[widget_key]))


def context_selector(ctx_key: str, widget_key: str, *, container: Any = st, in_form: bool = False,
                     label: str | None = None, help: str | None = None, sync: bool = True) -> None:
    """A selectbox over :data:`snapshot_state.CONTEXT_OPTIONS` that shows and (outside forms) edits
    the context.

    ``sync=False`` keeps what the widget holds (a form's choice not stored yet) unless the widget
    has no value at all.
    """
    options = snapshot_state.CONTEXT_OPTIONS[ctx_key]
    if sync or widget_key not in st.session_state:
        sync_widget(widget_key, snapshot_state.context_to_widget(context().get(ctx_key)))
    kwargs: dict[str, Any] = {}
    if not in_form:
        kwargs = {"on_change": _context_changed, "args": (widget_key, ctx_key)}
    container.selectbox(label or tr(snapshot_state.CONTEXT_LABELS[ctx_key]), list(options),
                        format_func=lambda v, o=options: tr(o[v]), key=widget_key, help=help, **kwargs)


def _period_changed(widget_key: str) -> None:
    st.session_state["selected_period"] = st.session_state[widget_key]


def period_selector(widget_key: str, *, container: Any = st, label: str | None = None) -> None:
    """Pick which stored period is compared (only drawn when there are several)."""
    labels = list(periods())
    if len(labels) < 2:
        return
    sync_widget(widget_key, compared_period())
    container.selectbox(label or tr("Compared period"), labels, key=widget_key, on_change=_period_changed,
                        args=(widget_key,), format_func=snapshot_state.period_text)


def apply_numbers(new_periods: dict[str, dict[str, float]], selected: str | None,
                  new_context: dict[str, Any] | None, source_note: str | None) -> None:
    """Store numbers (data only) in one step."""
    st.session_state["periods"] = new_periods
    st.session_state["selected_period"] = selected
    if new_context is not None:
        st.session_state["context"] = new_context
    if source_note is not None:
        st.session_state["source_note"] = source_note
    bump_editor()


def bump_editor() -> None:
    """Give the snapshot editor a fresh key so stale edits never re-apply to new data."""
    st.session_state["_editor_rev"] = st.session_state.get("_editor_rev", 0) + 1


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run (set from callbacks)."""
    st.session_state["_flash"] = (kind, message)


def show_flash() -> None:
    """The pending flash message, in a slot that is always there.

    The slot is drawn on every run, with or without a message, so the elements below it (the
    input tabs, the file uploader) keep their place in the page: a message that appears on one
    run and is gone on the next would otherwise shift them, and the browser would redraw them
    from scratch (the open tab and a file being replaced were lost).
    """
    slot = st.empty()
    item = st.session_state.pop("_flash", None)
    if item is None:
        return
    kind, message = item
    {"success": slot.success, "error": slot.error, "warning": slot.warning, "info": slot.info}[kind](message)


# --------------------------------------------------------------------------------------
# the page's link: it carries the numbers (see funnel_core.page_state.link_state)
# --------------------------------------------------------------------------------------

def _link_data() -> dict[str, Any]:
    return {key: st.session_state.get(key) for key in link_state.LINK_DATA_KEYS}


def restore_from_link() -> None:
    """On the first run of a session, restore the numbers the page's link carries.

    A link that cannot be read leaves an empty app, removes the broken state from the address
    and keeps the reason for :func:`link_error_notice`; it never raises.
    """
    if st.session_state.get("_link_checked"):
        return
    st.session_state["_link_checked"] = True
    text = st.query_params.get(LINK_PARAM)
    if not text:
        return
    try:
        restored = link_state.state_from_link(text)
    except LinkError as exc:
        st.session_state["_link_error"] = str(exc)
        del st.query_params[LINK_PARAM]
        return
    for key, value in restored.items():
        st.session_state[key] = value
    bump_editor()


def sync_link() -> None:
    """Write the stored numbers into the page's link (``?s=``) when they changed.

    Called at the start of every run (callbacks have stored their changes by then) and at its
    end (for changes made while the page was drawn). A fresh app has a clean address.
    """
    plan = link_state.link_for_state(_link_data())
    st.session_state["_link_plan"] = plan
    current = st.query_params.get(LINK_PARAM)
    if plan.text is None:
        if current is not None:
            del st.query_params[LINK_PARAM]
    elif current != plan.text:
        st.query_params[LINK_PARAM] = plan.text


def link_url() -> str | None:
    """The address to copy (with the page's host when the browser told it), or ``None``."""
    plan = st.session_state.get("_link_plan") or link_state.link_for_state(_link_data())
    try:
        base = st.context.url
    except Exception:  # noqa: BLE001 - no browser (tests, bare mode): the query alone
        base = None
    return link_state.share_url(base, plan.text, current_language())


def link_error_notice() -> None:
    """The reason a link could not be opened, above every page until dismissed."""
    message = st.session_state.get("_link_error")
    if not message:
        return
    with st.container(border=True):
        st.error(tr("**This link could not be opened**: {reason}. The app starts empty; enter "
                    "your numbers, or ask for the link again.", reason=md(message)),
                 icon=":material/link_off:")
        st.button(tr("Dismiss"), key="dismiss_link_error", on_click=st.session_state.pop,
                  args=("_link_error", None))


def start_over() -> None:
    """Callback of "Start over": every number, draft, upload and the link's state are cleared."""
    session_language()
    keep = {"_link_checked", language_state.LANGUAGE_KEY}
    for key in list(st.session_state.keys()):
        if key not in keep:
            del st.session_state[key]
    for key, value in snapshot_state.default_state().items():
        st.session_state[key] = value
    st.session_state[DRAFT_KEY] = {}
    if LINK_PARAM in st.query_params:
        del st.query_params[LINK_PARAM]
    bump_editor()
    flash(tr("Started over: every number, upload and setting of this session was cleared, and the "
             "page's link no longer holds any numbers."), "info")


def link_panel(*, key: str) -> None:
    """Say that the link holds the numbers, and offer "Copy link" and "Start over"."""
    plan = st.session_state.get("_link_plan") or link_state.link_for_state(_link_data())
    url = link_url()
    if plan.problem:
        st.warning(plan.problem, icon=":material/link_off:")
    elif url is None:
        st.caption(":material/link: " + tr("Once you enter numbers, this page's link holds them, so a "
                                           "reload or a bookmark brings them back. Nothing is stored on "
                                           "the server."))
    else:
        st.caption(":material/link: " + tr(link_state.LINK_NOTE) + " " + tr(
            "Anyone with the link sees the numbers: share it like the numbers themselves."))
        st.code(url, language=None, wrap_lines=True)
        if plan.catalogue_left_out:
            st.caption(tr("Your own benchmarks are too large for the link: upload their file again "
                          "after opening it."))
    st.button(tr("Start over"), key=f"start_over_{key}", on_click=start_over, icon=":material/restart_alt:",
              help=tr("Clears every number, upload and setting of this session and the page's link."))


# --------------------------------------------------------------------------------------
# the form's draft: typed but not applied (see funnel_core.page_state.drafts)
# --------------------------------------------------------------------------------------

def choose_language() -> str:
    """Set this run's language (app.py calls this at the start of every run) and return it.

    The link's ``?lang=`` wins, then the language chosen in the sidebar, then the browser's
    (``st.context.locale``), else English. The choice is kept as data in the session.
    """
    try:
        browser = st.context.locale
    except Exception:  # noqa: BLE001 - no browser (AppTest, bare mode)
        browser = None
    language = language_state.choose_language(st.query_params.get(language_state.LANGUAGE_PARAM),
                                              st.session_state.get(language_state.LANGUAGE_KEY), browser)
    st.session_state[language_state.LANGUAGE_KEY] = language
    return set_language(language)


def session_language() -> str:
    """Speak the session's language in a callback (callbacks run before :func:`choose_language`
    of their run, in a fresh context): call it first in any callback that writes a message."""
    return set_language(st.session_state.get(language_state.LANGUAGE_KEY))


def _language_changed() -> None:
    language = st.session_state.get("sb_language") or "en"
    st.session_state[language_state.LANGUAGE_KEY] = language
    if language == "en":
        st.query_params.pop(language_state.LANGUAGE_PARAM, None)
    else:
        st.query_params[language_state.LANGUAGE_PARAM] = language
    set_language(language)


def language_selector() -> None:
    """The language selector at the top of the sidebar (the link keeps it as ``?lang=``)."""
    codes, names = language_state.language_options()
    st.session_state["sb_language"] = current_language()
    st.selectbox(tr("Language"), codes, format_func=names.get, key="sb_language",
                 on_change=_language_changed)


def begin_run() -> None:
    """Count the app's runs (app.py calls this once at the start of every run)."""
    st.session_state["_run_count"] = st.session_state.get("_run_count", 0) + 1


def form_drawn_last_run() -> bool:
    """Whether the form's text fields were drawn on the run before this one.

    When they were not (another page was open), the browser may still hold their old texts;
    the form then sets every field again from the draft and the stored numbers.
    """
    return st.session_state.get("_form_drawn_run") == st.session_state.get("_run_count", 0) - 1


def mark_form_drawn() -> None:
    st.session_state["_form_drawn_run"] = st.session_state.get("_run_count", 0)


def form_convention() -> str:
    """The form's number format: the selector's value while it is drawn, else the kept one."""
    return (st.session_state.get("form_convention") or st.session_state.get(FORMAT_KEY)
            or default_convention())


def default_convention(language: str | None = None) -> str:
    """The form's number format before the user chooses one: German, French and Polish write
    1.234,5 or 1 234,5, so those languages read typed numbers that way; English detects."""
    return "de" if (language or current_language()) in ("de", "fr", "pl") else "auto"


def form_shown() -> dict[str, str]:
    """What the form shows for the stored numbers of the edited period."""
    shown = st.session_state.get(SHOWN_KEY)
    if shown is None:
        shown = page_form.form_texts(current_values(), form_convention())
    return dict(shown)


def capture_form_draft() -> None:
    """Keep what the form's text fields hold as the draft (data that outlives the widgets).

    The text fields' values arrive with every run after the form was shown, also the run
    that switches to another page; later runs find no field and change nothing.
    """
    shown = form_shown()
    draft = dict(st.session_state.get(DRAFT_KEY) or {})
    for spec in FIELDS:
        key = f"f_{spec.name}"
        if key in st.session_state:
            draft = drafts.update_draft(draft, spec.name, st.session_state[key], shown)
    if draft != st.session_state.get(DRAFT_KEY):
        st.session_state[DRAFT_KEY] = draft


def pending_fields() -> list[str]:
    return drafts.pending_fields(st.session_state.get(DRAFT_KEY), form_shown())


def discard_draft() -> None:
    """Callback of "Discard": the form shows the stored numbers again."""
    st.session_state[DRAFT_KEY] = {}
    st.session_state.pop("_form_errors", None)
    _show_in_fields(form_shown())


def _show_in_fields(texts: dict[str, str]) -> None:
    """Put ``texts`` in the form's text fields that exist (the form draws the others itself)."""
    for spec in FIELDS:
        key = f"f_{spec.name}"
        if key in st.session_state:
            st.session_state[key] = texts.get(spec.name, "")
            st.session_state["_form_fields_set"] = True


def apply_form_draft(from_sidebar: bool = False) -> None:
    """Callback of every Apply of the form: read the typed texts like a file and store them.

    On any error nothing is stored and the typed texts stay (the errors are shown on the form).
    """
    session_language()
    capture_form_draft()  # texts typed right before the click arrive with it
    shown = form_shown()
    texts = drafts.shown_texts(st.session_state.get(DRAFT_KEY), shown)
    label = compared_period() or snapshot_state.CURRENT_PERIOD
    reading = page_form.read_form(texts, form_convention(), stored=current_values(), shown=shown,
                                  currency=context().get("currency"))
    errors = list(reading.errors)
    new_periods = None
    if not errors:
        try:
            new_periods = snapshot_state.store_values(periods(), label, reading.values)
        except SnapshotError as exc:
            errors.append(str(exc))
    if errors or new_periods is None:
        st.session_state["_form_errors"] = errors
        if from_sidebar:
            st.session_state["_sidebar_note"] = ("error", tr("Not applied: fix the fields listed on "
                                                    "**Your numbers**."))
        return
    st.session_state.pop("_form_errors", None)
    if not new_periods[label]:
        flash(tr("All fields are empty, so nothing was stored. Type at least two numbers "
                 "(e.g. visitors and leads) and apply again."), "warning")
        return
    note = st.session_state.get("source_note")
    if not note or note.startswith("Example company"):
        note = "typed in the form" if not note else note + ", edited in the form"
    apply_numbers(new_periods, label, None, note)
    new_shown = page_form.form_texts(new_periods[label], form_convention())
    st.session_state[SHOWN_KEY] = new_shown
    st.session_state[DRAFT_KEY] = {}
    _show_in_fields(new_shown)
    read_as = ""
    if reading.convention and any(ch in str(texts.get(name) or "") for name in reading.typed
                                  for ch in ".,"):
        read_as = tr(" (numbers read in the {format} format)",
                     format=page_form.FORMAT_NAMES[reading.convention])
    count = len(new_periods[label])
    shown_label = md(snapshot_state.period_text(label))
    message = tr_n("Stored {n} numbers for {period}{read_as}. See them compared on **Benchmarks**.",
                   "Stored {n} numbers for {period}{read_as}. See them compared on **Benchmarks**.",
                   count, period=shown_label, read_as=read_as)
    if from_sidebar:
        st.session_state["_sidebar_note"] = ("success", tr_n("Applied: {n} numbers stored for {period}.",
                                                             "Applied: {n} numbers stored for {period}.",
                                                             count, period=shown_label))
    if reading.warnings:
        flash(message + " " + tr("Check these:") + "\n" + "\n".join(f"- {md(w)}" for w in reading.warnings),
              "warning")
    else:
        flash(message)


def draft_badge() -> None:
    """In the sidebar of every page: how many fields wait to be applied, with Apply."""
    note = st.session_state.pop("_sidebar_note", None)
    if note is not None:
        kind, text = note
        (st.error if kind == "error" else st.success)(text)
    names = pending_fields()
    if not names:
        return
    with st.container(border=True):
        st.markdown(f":orange-badge[:material/edit: {tr('Not applied')}] **{drafts.unapplied_text(names)}**.")
        cols = st.columns(2)
        cols[0].button(tr("Apply"), key="sb_apply_draft", type="primary", icon=":material/check:",
                       on_click=apply_form_draft, kwargs={"from_sidebar": True}, width="stretch")
        cols[1].button(tr("Discard"), key="sb_discard_draft", on_click=discard_draft, width="stretch")


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
# sidebar
# --------------------------------------------------------------------------------------

SEGMENT_KEYS = SEGMENT_FIELDS  # trial type, motion, ACV band, category, ARR band, funding


def arr_band_hint(container: Any = st) -> None:
    """Under the ARR band selector: the band the compared period's own ARR suggests (never
    chosen for the user; :func:`funnel_core.page_state.peers.arr_band_suggestion`)."""
    from funnel_core.page_state.peers import arr_band_suggestion

    suggestion = arr_band_suggestion(current_values(), context())
    if suggestion is not None and not suggestion.matches:
        container.caption(":material/lightbulb: " + md(suggestion.text))


def sidebar(show_segment: bool = True) -> None:
    """The frame shown on every page: snapshot summary, compared period, company context.

    ``show_segment=False`` leaves the six segment selectors out (the results page shows them
    right above its table); period and currency stay.
    """
    with st.sidebar:
        language_selector()
        draft_badge()
        summary = snapshot_state.snapshot_summary(periods(),
                                                  st.session_state.get("selected_period"),
                                                  st.session_state.get("source_note"))
        st.markdown("#### " + tr("Your snapshot"))
        if summary["has_numbers"]:
            periods_text = (tr_n(" · {n} period stored", " · {n} periods stored", summary["period_count"])
                            if summary["period_count"] > 1 else "")
            st.markdown(f"**{md(snapshot_state.period_text(summary['period']))}** · "
                        + tr_n("{n} of {total} fields filled", "{n} of {total} fields filled",
                               summary["filled"], total=summary["total"]) + periods_text)
            if summary["source"]:
                st.caption(tr("From: {source}", source=md(snapshot_state.source_text(summary["source"]))))
            period_selector("sb_compared_period", label=tr("Compared period"))
        else:
            st.caption(tr("No numbers yet. Type, paste or upload them on **Your numbers**, or load "
                          "the fictional example company."))
        st.markdown("#### " + tr("Your company"))
        keys = ("period", "currency") + (SEGMENT_KEYS if show_segment else ())
        if show_segment:
            st.caption(tr("These pick which published benchmarks apply."))
        for key in keys:
            context_selector(key, f"sb_{key}")
            if key == "arr_band":
                arr_band_hint()
        rows = st.session_state.get("user_catalogue")
        if rows:
            origin = rows[0].get("origin") or tr("your file")
            st.caption(tr_n("Also comparing with {n} of your own benchmarks ({origin}).",
                            "Also comparing with {n} of your own benchmarks ({origin}).",
                            len(rows), origin=md(origin)))
        st.divider()
        st.caption(":material/lock: " + tr(snapshot_state.PRIVACY_NOTE))
        if st.session_state.get("_link_plan") is not None and st.session_state["_link_plan"].text:
            with st.popover(tr("Copy link or start over"), icon=":material/link:", width="stretch"):
                link_panel(key="sidebar")


#: What each page would do with numbers, as :func:`no_numbers_yet` says it (its ``where``).
NOTHING_TO: dict[str, str] = {
    "compare": mark("compare"),
    "project": mark("project"),
    "download": mark("download"),
}


def no_numbers_yet(where: str) -> None:
    """What a page shows before any number is stored."""
    st.info(tr("No numbers yet, so there is nothing to {what}. Enter, paste or upload your funnel "
               "numbers first, or look around with the fictional example company.",
               what=tr(NOTHING_TO.get(where, where))),
            icon=":material/info:")
    with st.container(horizontal=True):
        st.page_link(NUMBERS_PAGE, label=tr("Enter your numbers"), icon=":material/edit_note:")
        st.button(tr("Load example company"), on_click=load_example, key=f"example_{where}",
                  icon=":material/science:")


def chart_downloads(chart: Any, name: str, key: str) -> None:
    """PNG and SVG buttons for one chart; the image is rendered only when a button is clicked."""
    from funnel_core.exports import images

    cols = st.columns([1, 1, 4])
    cols[0].download_button("PNG", data=keep_language(lambda: images.chart_png(chart)), file_name=f"{name}.png",
                            mime="image/png", key=f"{key}_png", icon=":material/image:",
                            on_click="ignore")
    cols[1].download_button("SVG", data=keep_language(lambda: images.chart_svg(chart)), file_name=f"{name}.svg",
                            mime="image/svg+xml", key=f"{key}_svg", icon=":material/draw:",
                            on_click="ignore")


def user_and_published_catalogue() -> Any:
    """The shipped catalogue plus the user's own benchmark rows, or ``None`` when there are none.

    A broken user catalogue must not break a page: then the shipped catalogue alone is used.
    """
    rows = st.session_state.get("user_catalogue")
    if not rows:
        return None
    try:
        return sources_tables.full_catalogue(rows)
    except Exception:  # noqa: BLE001 - the upload page already told the user what was wrong
        return None

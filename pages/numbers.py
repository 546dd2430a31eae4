"""Your numbers: type them in a form, paste them from a spreadsheet or upload a file."""

from __future__ import annotations

import hashlib
import json

import streamlit as st

from funnel_core.page_state import snapshot_state
from funnel_core.page_state import form as page_form
from funnel_core.page_state import upload_mapping
from funnel_core.page_state import input_messages
from funnel_core.page_state import sources_tables
from funnel_core.benchmarks.catalogue import TEMPLATE_PATH, CatalogueError, load_catalogue_bytes
from funnel_core.domain.constants import FIELDS, FIELDS_BY_NAME, STAGES
from funnel_core.domain.model import SnapshotError
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.template import template_csv, template_xlsx
from pages import _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

CONVENTIONS = {
    "auto": "Detect automatically",
    "en": "1,234.5 (English)",
    "de": "1.234,5 or 1 234,5 (German, French, Polish)",
}
CONTEXT_KEYS = ("period", "currency", "trial_type", "motion", "acv_band", "product_category")
PASTE_EXAMPLE = "Website visitors\t20000\nLeads\t1400\nNew customers\t35\nMRR at start\t48000"
IGNORE = "__ignore__"
MAP_OPTIONS = [IGNORE] + [spec.name for spec in FIELDS]
MAP_LABELS = {IGNORE: "Ignore this", **{spec.name: f"{spec.label} ({spec.name})" for spec in FIELDS}}
TAB_LABELS = [":material/edit: Form", ":material/content_paste: Paste",
              ":material/upload_file: Upload a file"]
CONVENTION_HELP = ("How decimals and thousands are written. Detect automatically decides from all "
                   "the numbers together; choose a format when every number is ambiguous, like "
                   "12.500 or 1,234.")

st.title("Your numbers")
st.caption("Enter one period of funnel numbers (or several, from a file). Leave a field empty "
           "when you do not track it: only the KPIs that can be computed are compared. "
           + snapshot_state.PRIVACY_NOTE)
_ui.show_flash()

has_numbers = bool(_ui.current_values())


# --------------------------------------------------------------------------------------
# helpers (widgets only; the logic is in funnel_core.page_state)
# --------------------------------------------------------------------------------------

def _replace_choice(key: str, parsed) -> bool:
    """Ask whether new numbers are added to the stored ones (the default) or replace them all.

    True = replace. The choice says which stored periods each option keeps or drops.
    """
    stored = _ui.periods()
    if not stored:
        return True
    plan = snapshot_state.merge_plan(stored, parsed)
    labels = {"merge": plan["merge_label"], "replace": plan["replace_label"]}
    if st.session_state.get(key) not in labels:
        st.session_state[key] = "merge"
    choice = st.radio("Your stored numbers", list(labels), key=key, format_func=labels.get,
                      captions=[plan["merge_caption"], plan["replace_caption"]])
    return choice == "replace"


def _apply_parsed(kind: str, args: tuple, replace: bool, source_note: str, replace_key: str) -> None:
    """Callback of the "Apply" buttons: parse again (cached) and store the numbers."""
    try:
        parsed = (_ui.cached_parse_text(*args) if kind == "text" else _ui.cached_parse_bytes(*args))
        plan = snapshot_state.merge_plan(_ui.periods(), parsed)
        new_periods, selected = snapshot_state.merge_parsed(_ui.periods(), parsed, replace=replace)
        new_context, _ = snapshot_state.context_from_parsed(_ui.context(), parsed)
    except InputError as exc:
        _ui.flash(f"Nothing was changed: {input_messages.describe_issue(exc.issue)}", "error")
        return
    except SnapshotError as exc:
        _ui.flash(f"Nothing was changed: {exc}", "error")
        return
    _ui.apply_numbers(new_periods, selected, new_context, source_note)
    st.session_state[replace_key] = "merge"  # the next file is added again unless the user says so
    count = sum(len(parsed.values.get(label, {})) for label in parsed.periods)
    if replace and plan["dropped"]:
        n = plan["dropped"]
        what = f"; the {n} previously stored period{'s were' if n != 1 else ' was'} replaced"
    elif plan["kept"]:
        n = len(plan["kept"])
        what = f"; your other {n} stored period{'s were' if n != 1 else ' was'} kept"
    else:
        what = ""
    _ui.flash(f"Stored {count} numbers from {source_note}{what}. See them compared on "
              "**Benchmarks**.")


def _context_step(parsed, key_prefix: str, source_note: str) -> None:
    """Ask for the currency (and the period) right before Apply when the data does not say it."""
    given = {k for k, v in (parsed.context or {}).items() if v not in (None, "")}
    fields = {f for label in parsed.periods for f in parsed.values.get(label, {}) if f in FIELDS_BY_NAME}
    missing = []
    if "currency" not in given and any(FIELDS_BY_NAME[f].kind == "money" for f in fields):
        missing.append("currency")
    if "period" not in given:
        missing.append("period")
    if not missing:
        return
    pasted = source_note == "pasted cells"
    words = ({"currency": "their currency", "period": "the period they cover"} if pasted
             else {"currency": "its currency", "period": "the period it covers"})
    said = " or ".join(words[k] for k in missing)
    subject = "The pasted cells do" if pasted else f"{source_note} does"
    st.markdown(f"**{subject} not say {said}**: check before applying (amounts are stored as "
                "given, never converted).")
    cols = st.columns(3)
    labels = {"currency": "Currency of these amounts", "period": "Period these numbers cover"}
    for i, key in enumerate(missing):
        _ui.context_selector(key, f"{key_prefix}_{key}", container=cols[i], label=labels[key],
                             help="Changes your company's " + snapshot_state.CONTEXT_LABELS[key].lower()
                                  + " at once (the sidebar shows it too).")


def _show_parsed(parsed, *, replace_key: str, button_key: str, kind: str, args: tuple,
                 source_note: str, unknown: list[str] | None = None) -> None:
    """What was understood, the unknown rows and the row-level issues, then the Apply button.

    ``unknown``: names not recognised in a first reading (then ignored in ``parsed``).
    """
    unknown = list(parsed.unknown) if unknown is None else unknown
    currency = _ui.context().get("currency") or "USD"
    found = sum(len(parsed.values.get(label, {})) for label in parsed.periods)
    errors = [i for i in parsed.issues if getattr(i, "level", "") == "error"]
    if parsed.layout == "wide" and len(parsed.periods) > 1:
        st.markdown(f"**Understood {found} numbers over {len(parsed.periods)} periods** "
                    f"({parsed.periods[0]} to {parsed.periods[-1]}; the latest, "
                    f"{parsed.latest_period}, is compared first).")
        st.dataframe(upload_mapping.parsed_periods_frame(parsed, currency), hide_index=True)
    else:
        st.markdown(f"**Understood {found} numbers**")
        frame = upload_mapping.parsed_frame(parsed, parsed.latest_period, currency)
        if not frame.empty:
            st.dataframe(frame, hide_index=True, column_config={
                "Name": st.column_config.TextColumn("Field name", width="small")})
    context_found = {k: v for k, v in (parsed.context or {}).items() if v not in (None, "")}
    if context_found:
        st.caption("Context found in the data (it will replace the selectors): "
                   + ", ".join(f"{k} = {v}" for k, v in context_found.items()))
    if unknown and kind == "text":  # a file's unknown names get the matching step instead
        st.warning("Not recognised, so not used: " + ", ".join(f"`{u}`" for u in unknown)
                   + ". Use the names from the form (or the template) for these rows, or upload "
                   "the file to match them to fields by hand.", icon=":material/help:")
    if parsed.issues:
        where = "the pasted cells" if source_note == "pasted cells" else source_note
        st.markdown(f"**Check these rows** of {where} (errors: the cell was skipped; "
                    "warnings: read, but check it):\n\n" + input_messages.issues_markdown(parsed.issues))
    if found == 0:
        st.error("No number could be read, so there is nothing to apply. Check that each row has a "
                 "metric name and a value (or a header row with metric names), then try again.")
        return
    try:
        snapshot_state.merge_parsed(_ui.periods(), parsed)
    except SnapshotError as exc:
        st.error(f"These numbers cannot be used: {exc}. Fix that value and try again; your stored "
                 "numbers are unchanged.")
        return
    _context_step(parsed, button_key, source_note)
    replace = _replace_choice(replace_key, parsed)
    help_text = ("Rows with errors are skipped; everything else is stored." if errors
                 else "Stores them as your snapshot; the previous numbers stay until you click.")
    st.button("Apply these numbers", key=button_key, type="primary", icon=":material/check:",
              on_click=_apply_parsed, args=(kind, args, replace, source_note, replace_key),
              help=help_text)


def _form_apply() -> None:
    """Callback of the form's submit button: read the typed text like a file and store it.

    On any error nothing is stored and the typed text stays in the fields (see the form).
    """
    texts = {spec.name: st.session_state.get(f"f_{spec.name}") for spec in FIELDS}
    st.session_state["_form_draft"] = texts
    new_context = {key: snapshot_state.context_from_widget(st.session_state.get(f"fctx_{key}"))
                   for key in CONTEXT_KEYS}
    label = _ui.compared_period() or snapshot_state.CURRENT_PERIOD
    reading = page_form.read_form(texts, st.session_state.get("form_convention") or "auto",
                                  stored=_ui.current_values(),
                                  shown=st.session_state.get("_form_shown"),
                                  currency=new_context.get("currency"))
    errors = list(reading.errors)
    new_periods = None
    if not errors:
        try:
            new_periods = snapshot_state.store_values(_ui.periods(), label, reading.values)
            snapshot_state.context_object(new_context)
        except SnapshotError as exc:
            errors.append(str(exc))
    if errors or new_periods is None:
        st.session_state["_form_errors"] = errors
        return
    st.session_state.pop("_form_errors", None)
    if not new_periods[label]:
        _ui.flash("All fields are empty, so nothing was stored. Type at least two numbers "
                  "(e.g. visitors and leads) and apply again.", "warning")
        return
    note = st.session_state.get("source_note")
    if not note or note.startswith("Example company"):
        note = "typed in the form" if not note else note + ", edited in the form"
    _ui.apply_numbers(new_periods, label, new_context, note)
    st.session_state["_form_signature"] = None  # show the stored numbers as read
    st.session_state.pop("_form_draft", None)
    read_as = ""
    if reading.convention and any(ch in str(texts.get(name) or "") for name in reading.typed
                                  for ch in ".,"):
        read_as = f" (numbers read in the {page_form.FORMAT_NAMES[reading.convention]} format)"
    message = (f"Stored {len(new_periods[label])} numbers for {label}{read_as}. See them compared "
               "on **Benchmarks**.")
    if reading.warnings:
        _ui.flash(message + " Check these:\n" + "\n".join(f"- {w}" for w in reading.warnings),
                  "warning")
    else:
        _ui.flash(message)


def _sync_form(editing: str, values: dict) -> None:
    """Show the stored numbers in the form's text fields, but only when they changed.

    Text the user typed and that was not stored (an error) stays in the fields, also after a
    visit to another page (kept in ``_form_draft``).
    """
    signature = json.dumps([editing, values], sort_keys=True)
    if st.session_state.get("_form_signature") != signature:
        shown = page_form.form_texts(values, st.session_state.get("form_convention") or "auto")
        st.session_state["_form_signature"] = signature
        st.session_state["_form_shown"] = shown
        for key in ("_form_draft", "_form_errors"):
            st.session_state.pop(key, None)
        for spec in FIELDS:
            st.session_state[f"f_{spec.name}"] = shown.get(spec.name, "")
        return
    shown = st.session_state.get("_form_shown") or {}
    draft = st.session_state.get("_form_draft") or {}
    for spec in FIELDS:
        key = f"f_{spec.name}"
        if key not in st.session_state:  # the widget was not drawn (another page was open)
            text = draft.get(spec.name) if spec.name in draft else shown.get(spec.name)
            st.session_state[key] = "" if text is None else str(text)


def _use_catalogue(rows: list, name: str) -> None:
    st.session_state["user_catalogue"] = rows
    _ui.flash(f"Using {len(rows)} of your own benchmarks from {name} next to the published ones.")


def _remove_catalogue() -> None:
    st.session_state["user_catalogue"] = None
    _ui.flash("Your own benchmarks are no longer used.", "info")


def _clear_all() -> None:
    _ui.apply_numbers({}, None, None, None)
    st.session_state["source_note"] = None
    _ui.flash("All numbers were cleared.", "info")


def _labels_or(value) -> str:
    if value is None:
        return "ignored"
    spec = next((s for s in FIELDS if s.name == value), None)
    return f"{spec.label} ({value})" if spec else str(value)


_FIELD_HINT = {"count": "A whole number: 12500, 12,500 or 12.500 (see Number format).",
               "money": "An amount: 48000, 48,000.50 or 48.000,50 (see Number format).",
               "fraction": "A percentage or a fraction: 80 % or 0.8."}


# --------------------------------------------------------------------------------------
# tabs
# --------------------------------------------------------------------------------------

top = st.columns([3, 1])
with top[1]:
    st.button("Load example company", on_click=_ui.load_example, icon=":material/science:",
              help="Fills in a made-up company (Northwind Notes) so you can look around. "
                   "Its numbers are fictional.", width="stretch")
with top[0]:
    if str(st.session_state.get("source_note") or "").startswith("Example company"):
        st.info("You are looking at a **fictional example company**. Replace its numbers with "
                "yours in any of the tabs below.", icon=":material/science:")
    if has_numbers:
        st.page_link(_ui.RESULTS_PAGE, label="See your numbers against the benchmarks",
                     icon=":material/arrow_forward:")

# keyed and stateful: the open tab survives reruns (a new upload, a flash message above the
# tabs), so the Upload tab stays open with its messages. Every tab still runs: the uploaded file
# and the typed text are widgets that must stay drawn to be kept.
form_tab, paste_tab, upload_tab = st.tabs(TAB_LABELS, key="numbers_tab", on_change="rerun")

# --- form -------------------------------------------------------------------------------
with form_tab:
    editing = _ui.compared_period() or snapshot_state.CURRENT_PERIOD
    values = _ui.current_values()
    _sync_form(editing, values)
    ctx_signature = json.dumps(_ui.context(), sort_keys=True)
    ctx_changed = st.session_state.get("_form_ctx_signature") != ctx_signature
    st.session_state["_form_ctx_signature"] = ctx_signature
    with st.form("numbers_form", border=False):
        head_cols = st.columns([3, 2], vertical_alignment="bottom")
        head_cols[0].markdown(f"Editing **{editing}**. Every field is optional. Type numbers the "
                              "way you write them (12,500 or 12.500); gross margin as 80 % or 0.8.")
        head_cols[1].selectbox("Number format", list(CONVENTIONS), key="form_convention",
                               format_func=CONVENTIONS.get, help=CONVENTION_HELP)
        ctx_cols = st.columns(3)
        for i, key in enumerate(CONTEXT_KEYS):
            _ui.context_selector(key, f"fctx_{key}", container=ctx_cols[i % 3], in_form=True,
                                 sync=ctx_changed)
        for stage, stage_label in STAGES.items():
            specs = [s for s in FIELDS if s.stage == stage]
            filled = sum(1 for s in specs if str(st.session_state.get(f"f_{s.name}") or "").strip())
            with st.expander(f"{stage_label} ({filled} of {len(specs)} filled)",
                             expanded=stage in ("acquisition", "retention_revenue") or filled > 0):
                cols = st.columns(4)
                for i, spec in enumerate(specs):
                    cols[i % 4].text_input(spec.label, key=f"f_{spec.name}",
                                           help=f"{spec.help} {_FIELD_HINT[spec.kind]}",
                                           placeholder="not given")
        form_errors = st.session_state.get("_form_errors")
        if form_errors:
            st.error("**Nothing was stored.** Fix these fields and apply again (what you typed "
                     "is kept):\n\n" + "\n".join(f"- {e}" for e in form_errors),
                     icon=":material/error:")
        st.form_submit_button("Apply", type="primary", icon=":material/check:", on_click=_form_apply)

# --- paste ------------------------------------------------------------------------------
with paste_tab:
    st.markdown("Copy the cells from Excel or Google Sheets and paste them here: two columns "
                "(metric, value), or a header row of metric names with one row per period. Tabs, "
                "semicolons and commas all work, and so do German, French and Polish numbers.")
    paste_cols = st.columns([3, 1])
    text = paste_cols[0].text_area("Pasted cells", key="paste_text", height=200,
                                   placeholder=PASTE_EXAMPLE)
    convention = paste_cols[1].selectbox("Number format", list(CONVENTIONS), key="paste_convention",
                                         format_func=CONVENTIONS.get, help=CONVENTION_HELP)
    if text and text.strip():
        try:
            first = _ui.cached_parse_text(text, convention, "")
            # read again with the unknown names ignored: they are listed once, not twice
            args = (text, convention, _ui.mapping_json(upload_mapping.ignore_mapping(first.unknown)))
            parsed = _ui.cached_parse_text(*args) if first.unknown else first
        except InputError as exc:
            st.error(input_messages.error_text(exc.issue, "Could not read the pasted cells",
                                               "Check that each row has a metric name and a "
                                               "number (names as in the form or the template); "
                                               "your stored numbers are unchanged"),
                     icon=":material/error:")
        else:
            _show_parsed(parsed, replace_key="paste_replace", button_key="paste_apply", kind="text",
                         args=args, source_note="pasted cells", unknown=list(first.unknown))

# --- upload -----------------------------------------------------------------------------
with upload_tab:
    up_cols = st.columns([3, 1])
    with up_cols[1]:
        st.markdown("**Start from the template**")
        st.download_button("Template (CSV)", template_csv, "funnel-numbers-template.csv",
                           "text/csv", icon=":material/download:", width="stretch",
                           on_click="ignore")
        st.download_button("Template (Excel)", template_xlsx, "funnel-numbers-template.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", width="stretch", on_click="ignore")
    with up_cols[0]:
        uploaded = st.file_uploader(
            "CSV or Excel file with your funnel numbers", type=["csv", "txt", "xlsx", "xlsm"],
            key="numbers_file",
            help="One column of metric names and one of values (like the template), or one row "
                 "per period with metric names as headers.")
    if uploaded is not None:
        data = uploaded.getvalue()
        name = uploaded.name
        signature = hashlib.sha1(data).hexdigest()[:10]
        pick = st.columns(3)
        convention = pick[0].selectbox("Number format", list(CONVENTIONS), key="upload_convention",
                                       format_func=CONVENTIONS.get)
        raw = first = None
        try:
            sheets = _ui.cached_sheets(data, name)
            sheet = None
            if len(sheets) > 1:
                sheet = pick[1].selectbox("Sheet", sheets, key=f"sheet_{signature}")
            raw = _ui.cached_raw_table(data, name, sheet)
            first = _ui.cached_parse_bytes(data, name, sheet, convention, "")
        except InputError as exc:
            todo = ("Fix the file (or start from the template) and upload it again" if raw is None
                    else "Match its columns to fields below, or fix the file and upload it again")
            st.error(input_messages.error_text(exc.issue, f"Could not read {name}",
                                               f"{todo}. Your stored numbers are unchanged"),
                     icon=":material/error:")
        if raw is not None:
            with st.expander(f"Raw table as read from {name} ({len(raw)} rows)", expanded=first is None):
                st.dataframe(upload_mapping.raw_preview(raw), height=min(38 + 35 * min(len(raw), 12), 460))
            candidates = list(first.unknown) if first is not None else upload_mapping.mapping_candidates(raw)
            mapping: dict[str, str | None] = {}
            if candidates:
                st.markdown("**Match the columns or rows we did not recognise** (or leave them "
                            "ignored):")
                map_cols = st.columns(3)
                for i, source in enumerate(candidates):
                    choice = map_cols[i % 3].selectbox(
                        f"'{source}' is", MAP_OPTIONS, key=f"map_{signature}_{i}",
                        format_func=MAP_LABELS.get)
                    mapping[str(source)] = None if choice == IGNORE else choice
            chosen = {k: v for k, v in mapping.items() if v is not None}
            parsed = first
            args = (data, name, sheet, convention, "")
            if chosen or (first is not None and mapping):
                # ignored names are passed too: that silences their "not recognised" warning
                args = (data, name, sheet, convention, _ui.mapping_json(mapping))
                try:
                    parsed = _ui.cached_parse_bytes(*args)
                except InputError as exc:
                    parsed = None
                    if first is not None or chosen:
                        st.error(input_messages.error_text(
                            exc.issue, "With this matching the file cannot be read",
                            "Change the matching above; your stored numbers are unchanged"),
                            icon=":material/error:")
            if parsed is not None:
                if parsed.mapping:
                    with st.expander("How each column or row was read"):
                        st.dataframe([{"In your file": str(k), "Read as": _labels_or(v)}
                                      for k, v in parsed.mapping.items()], hide_index=True)
                _show_parsed(parsed, replace_key="upload_replace", button_key="upload_apply",
                             kind="bytes", args=args, source_note=name)

    with st.expander("Use your own targets (board targets, last year's numbers)", icon=":material/flag:"):
        st.markdown("Upload a benchmark catalogue in the same columns as the published one. Your "
                    "rows are shown next to the published figures, marked as your file.")
        st.download_button("Catalogue template (CSV)", TEMPLATE_PATH.read_bytes,
                           "benchmark-catalogue-template.csv", "text/csv", on_click="ignore",
                           icon=":material/download:")
        own = st.file_uploader("Your catalogue (CSV or Excel)", type=["csv", "xlsx"], key="catalogue_file")
        if own is not None:
            try:
                benchmarks = load_catalogue_bytes(own.getvalue(), own.name)
            except CatalogueError as exc:
                st.error(input_messages.error_text(exc, f"Could not use {own.name}",
                                                   "Fix that cell and upload the file again; "
                                                   "nothing was changed"),
                         icon=":material/error:")
            else:
                if not benchmarks:
                    st.warning(f"{own.name} has a valid header but no rows.")
                else:
                    own_frame = sources_tables.catalogue_frame(benchmarks)
                    st.dataframe(own_frame.drop(columns=["status_code", "kpi_id"]),
                                 hide_index=True, height=200)
                    st.button(f"Use these {len(benchmarks)} benchmarks", key="catalogue_apply",
                              on_click=_use_catalogue,
                              args=(sources_tables.rows_from_benchmarks(benchmarks), own.name),
                              icon=":material/check:")
        if st.session_state.get("user_catalogue"):
            rows = st.session_state["user_catalogue"]
            st.success(f"Comparing with {len(rows)} of your own benchmarks ({rows[0].get('origin')}).")
            st.button("Stop using my benchmarks", key="catalogue_remove", on_click=_remove_catalogue)


# --------------------------------------------------------------------------------------
# the stored snapshot, editable
# --------------------------------------------------------------------------------------

def _editor_changed(key: str, names: list[str]) -> None:
    state = st.session_state.get(key) or {}
    edited = state.get("edited_rows", {})
    label = _ui.compared_period() or snapshot_state.CURRENT_PERIOD
    try:
        edits = page_form.editor_edits(edited, names)
        new_values = page_form.apply_editor_edits(_ui.current_values(), edits)
        new_periods = snapshot_state.store_values(_ui.periods(), label, new_values)
    except SnapshotError as exc:
        _ui.flash(f"That edit was not stored: {exc}", "error")
        _ui.bump_editor()
        return
    st.session_state["periods"] = new_periods
    st.session_state["selected_period"] = label
    if not st.session_state.get("source_note"):
        st.session_state["source_note"] = "typed in the table"
    _ui.bump_editor()


st.divider()
head = st.columns([3, 1])
head[0].subheader("Your snapshot")
if _ui.current_values():
    with head[1].popover("Clear all numbers", icon=":material/delete:", width="stretch"):
        st.markdown("Remove every stored number from this session?")
        st.button("Yes, clear them", key="clear_all", type="primary", on_click=_clear_all)
_ui.period_selector("numbers_period", label="Period shown and compared")
values = _ui.current_values()
if not values:
    st.caption("Nothing stored yet. Fill in the form, paste cells or upload a file above, or load "
               "the fictional example company.")
else:
    st.caption("Every stored number, editable: change a value or clear a cell and it is stored at "
               "once.")
    show_empty = st.toggle("Show empty fields", value=False, key="editor_show_empty")
    frame = page_form.editor_frame(values)
    if not show_empty:
        frame = frame[frame["Value"].notna()].reset_index(drop=True)
    editor_key = f"editor_{st.session_state.get('_editor_rev', 0)}_{int(show_empty)}"
    st.data_editor(
        frame, key=editor_key, hide_index=True, disabled=["Stage", "Field", "Name"], placeholder="–",
        height=min(38 + 35 * max(len(frame), 1), 1040),
        column_config={
            "Stage": st.column_config.TextColumn("Stage", width="medium"),
            "Field": st.column_config.TextColumn("Field", width="medium"),
            "Name": st.column_config.TextColumn("Field name", width="small"),
            "Value": st.column_config.NumberColumn("Value", min_value=0, format="localized",
                                                   help="Edit a value; clear a cell to remove it."),
        },
        on_change=_editor_changed, args=(editor_key, list(frame["Name"])),
    )
    st.page_link(_ui.RESULTS_PAGE, label="See your numbers against the benchmarks",
                 icon=":material/arrow_forward:")

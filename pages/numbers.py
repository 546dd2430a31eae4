"""Your numbers: type them in a form, paste them from a spreadsheet or upload a file.

Nothing typed is lost: the form's texts are kept as a draft (data, see
:mod:`funnel_core.page_state.drafts`) until they are applied or discarded, and every page says
how many fields wait. Pasted cells and uploads get the same matching of unknown names to
fields, the same explicit choice between adding and replacing, and never put undated numbers
beside dated months (:mod:`funnel_core.page_state.period_merge`).
"""

from __future__ import annotations

import hashlib
import json

import streamlit as st

from funnel_core.page_state import drafts, snapshot_state
from funnel_core.page_state import form as page_form
from funnel_core.page_state import upload_mapping
from funnel_core.page_state import input_messages
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.page_state import sources_tables
from funnel_core.benchmarks.catalogue import TEMPLATE_PATH, CatalogueError, load_catalogue_bytes
from funnel_core.domain.constants import FIELDS, STAGES
from funnel_core.domain.i18n import keep_language, mark, tr, tr_n
from funnel_core.domain.model import SnapshotError
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.template import template_csv, template_xlsx
from pages import _charts, _ui
from pages._numbers_upload import (CONVENTION_HELP, CONVENTIONS, PASTE_EXAMPLE, convention_name, gap_lines,
                                   how_read, matcher, read_with_mapping, remove_catalogue, show_parsed,
                                   stored_currency, use_catalogue)

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

CONTEXT_KEYS = ("period", "currency", "trial_type", "motion", "acv_band", "product_category",
                "arr_band", "funding")
TAB_LABELS = [":material/edit: " + tr("Form"), ":material/content_paste: " + tr("Paste"),
              ":material/upload_file: " + tr("Upload a file")]

st.title(tr("Your numbers"))
st.caption(tr("Enter one period of funnel numbers (or several, from a file). Leave a field empty "
              "when you do not track it: only the KPIs that can be computed are compared.") + " "
           + tr(snapshot_state.PRIVACY_NOTE))
_ui.show_flash()

has_numbers = bool(_ui.current_values())


# --------------------------------------------------------------------------------------
# helpers (widgets only; the logic is in funnel_core.page_state; pasted cells and uploads
# in pages/_numbers_upload.py)
# --------------------------------------------------------------------------------------

def _clear_all() -> None:
    _ui.session_language()
    _ui.apply_numbers({}, None, None, None)
    st.session_state["source_note"] = None
    _ui.flash(tr("All numbers were cleared."), "info")


def _format_changed() -> None:
    st.session_state[_ui.FORMAT_KEY] = st.session_state.get("form_convention") or "auto"


_FIELD_HINT = {"count": mark("A whole number: 12500, 12,500 or 12.500 (see Number format)."),
               "money": mark("An amount: 48000, 48,000.50 or 48.000,50 (see Number format)."),
               "fraction": mark("A percentage or a fraction: 80 % or 0.8.")}


def _sync_form(editing: str, values: dict) -> tuple[dict[str, str], bool]:
    """The texts the form's fields show (the stored numbers with the draft on top), set them.

    Returns ``(texts, set_now)``. When the stored numbers (or the period edited, or the number
    format) change, or the fields were not drawn on the last run (another page was open),
    every field is set again through the session state (``set_now``). Otherwise the fields keep
    what the browser holds, and ``texts`` is their default: a field the browser draws afresh
    (after a page switch) shows the draft, never an empty box.
    """
    convention = _ui.form_convention()
    signature = json.dumps([editing, values, convention], sort_keys=True)
    draft = st.session_state.get(_ui.DRAFT_KEY) or {}
    changed = st.session_state.get("_form_signature") != signature
    set_by_callback = bool(st.session_state.pop("_form_fields_set", False))
    if changed:
        st.session_state["_form_signature"] = signature
        st.session_state[_ui.SHOWN_KEY] = page_form.form_texts(values, convention)
    texts = drafts.shown_texts(draft, _ui.form_shown())
    if changed or not _ui.form_drawn_last_run():
        for spec in FIELDS:
            st.session_state[f"f_{spec.name}"] = texts[spec.name]
        return texts, True
    return texts, set_by_callback


def _apply_bar(where: str) -> None:
    """Apply (and Discard) with what waits to be applied: at the top and the bottom of the form."""
    pending = _ui.pending_fields()
    cols = st.columns([4, 1, 1], vertical_alignment="center")
    if pending:
        cols[0].markdown(f":orange-badge[:material/edit: {tr('Not applied yet')}] "
                         f"{drafts.unapplied_text(pending)}.")
    else:
        cols[0].caption(tr("Type your numbers; they are kept (also on other pages) until you apply "
                           "them."))
    cols[1].button(tr("Apply"), key=f"form_apply_{where}", type="primary", icon=":material/check:",
                   on_click=_ui.apply_form_draft, width="stretch",
                   help=tr("Stores the typed numbers as your snapshot."))
    cols[2].button(tr("Discard"), key=f"form_discard_{where}", on_click=_ui.discard_draft,
                   disabled=not pending, width="stretch",
                   help=tr("Forgets what was typed and shows the stored numbers again."))


# --------------------------------------------------------------------------------------
# tabs
# --------------------------------------------------------------------------------------

top = st.columns([3, 1])
with top[1]:
    st.button(tr("Load example company"), on_click=_ui.load_example, icon=":material/science:",
              help=tr("Fills in a made-up company (Northwind Notes) so you can look around. "
                      "Its numbers are fictional."), width="stretch")
with top[0]:
    if str(st.session_state.get("source_note") or "").startswith("Example company"):
        st.info(tr("You are looking at a **fictional example company**. Replace its numbers with "
                   "yours in any of the tabs below."), icon=":material/science:")
    if has_numbers:
        st.page_link(_ui.RESULTS_PAGE, label=tr("See your numbers against the benchmarks"),
                     icon=":material/arrow_forward:")

# keyed and stateful: the open tab survives reruns (a new upload, a flash message above the
# tabs), so the Upload tab stays open with its messages. Every tab still runs: the uploaded file
# and the typed text are widgets that must stay drawn to be kept.
form_tab, paste_tab, upload_tab = st.tabs(TAB_LABELS, key="numbers_tab", on_change="rerun")

# --- form -------------------------------------------------------------------------------
with form_tab:
    editing = _ui.compared_period() or snapshot_state.CURRENT_PERIOD
    values = _ui.current_values()
    if "form_convention" not in st.session_state:
        st.session_state["form_convention"] = _ui.form_convention()
    _ui.keep_choice("form_convention")
    form_texts, fields_set = _sync_form(editing, values)
    head_cols = st.columns([3, 2], vertical_alignment="bottom")
    head_cols[0].markdown(tr("Editing **{period}**. Every field is optional. Type numbers the "
                             "way you write them (12,500 or 12.500); gross margin as 80 % or 0.8.",
                             period=md(snapshot_state.period_text(editing))))
    head_cols[1].selectbox(tr("Number format"), list(CONVENTIONS), key="form_convention",
                           format_func=convention_name, help=tr(CONVENTION_HELP),
                           on_change=_format_changed)
    _apply_bar("top")
    form_errors = st.session_state.get("_form_errors")
    if form_errors:
        st.error(tr("**Nothing was stored.** Fix these fields and apply again (what you typed "
                    "is kept):") + "\n\n" + "\n".join(f"- {e}" for e in form_errors),
                 icon=":material/error:")
    # row by row (three to a row, two on a phone): the Tab key and a phone's stacking both
    # follow the reading order, never column by column
    with _charts.grid("form_context", wide=3, narrow=2):
        for key in CONTEXT_KEYS:
            _ui.context_selector(key, f"fctx_{key}", container=st.container())
    pending = set(_ui.pending_fields())
    for stage, stage_label in STAGES.items():
        specs = [s for s in FIELDS if s.stage == stage]
        filled = sum(1 for s in specs if str(st.session_state.get(f"f_{s.name}") or "").strip())
        waiting = sum(1 for s in specs if s.name in pending)
        note = tr(" · {n} not applied yet", n=waiting) if waiting else ""
        with st.expander(tr("{stage} ({filled} of {total} filled{note})", stage=tr(stage_label),
                            filled=filled, total=len(specs), note=note),
                         expanded=stage in ("acquisition", "retention_revenue") or filled > 0):
            # what each field means, in one place per stage: a help button beside every field
            # would sit between every two fields in the Tab order
            with st.popover(tr("What these fields mean"), icon=":material/help:"):
                st.markdown("\n".join(f"- **{md(tr(spec.label))}**: {md(tr(spec.help))} "
                                       f"{md(tr(_FIELD_HINT[spec.kind]))}" for spec in specs))
            # in funnel order, row by row (four to a row, two on a phone): the Tab key and a
            # phone's stacking follow the funnel (visitors, leads, MQLs...), never column by column
            with _charts.grid(f"form_{stage}", wide=4, narrow=2):
                for spec in specs:
                    # the default is what the field shows when the browser draws it afresh; it
                    # is left out on a run that sets the fields (Streamlit wants one or the other)
                    st.text_input(tr(spec.label), key=f"f_{spec.name}",
                                  value=None if fields_set else form_texts[spec.name],
                                  placeholder=tr("not given"))
    _ui.mark_form_drawn()
    _apply_bar("bottom")

# --- paste ------------------------------------------------------------------------------
with paste_tab:
    st.markdown(tr("Copy the cells from Excel or Google Sheets and paste them here: two columns "
                   "(metric, value), or a header row of metric names with one row per period. Tabs, "
                   "semicolons and commas all work, and so do German, French and Polish names and "
                   "numbers."))
    paste_cols = st.columns([3, 1])
    text = paste_cols[0].text_area(tr("Pasted cells"), key="paste_text", height=200,
                                   placeholder=PASTE_EXAMPLE)
    _ui.keep_choice("paste_convention")
    convention = paste_cols[1].selectbox(tr("Number format"), list(CONVENTIONS), key="paste_convention",
                                         format_func=convention_name, help=tr(CONVENTION_HELP))
    if text and text.strip():
        paste_sig = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        first = None
        try:
            first = _ui.cached_parse_text(text, convention, "", stored_currency())
        except InputError as exc:
            st.error(input_messages.error_text(exc.issue, tr("Could not read the pasted cells"),
                                               tr("Match the names to fields below, or check that "
                                                  "each row has a metric name and a number (names "
                                                  "as in the form or the template); your stored "
                                                  "numbers are unchanged")),
                     icon=":material/error:")
        candidates = (list(first.unknown) if first is not None
                      else upload_mapping.mapping_candidates(_ui.cached_text_table(text)))
        if first is not None and first.unknown:
            st.warning(tr("Not recognised, so not used unless you match them below:") + " "
                       + ", ".join(f"'{md(u)}'" for u in first.unknown) + ".", icon=":material/help:")
        mapping = matcher(candidates, f"pmap_{paste_sig}", "names")
        parsed, args = read_with_mapping("text", (text, convention), first, mapping,
                                          "the pasted cells")
        if parsed is not None:
            how_read(parsed)
            show_parsed(parsed, replace_key="paste_replace", button_key="paste_apply", kind="text",
                         args=args, source_note="pasted cells")

# --- upload -----------------------------------------------------------------------------
with upload_tab:
    up_cols = st.columns([3, 1])
    with up_cols[1]:
        st.markdown("**" + tr("Start from the template") + "**")
        st.download_button(tr("Template (CSV)"), keep_language(template_csv), "funnel-numbers-template.csv",
                           "text/csv", icon=":material/download:", width="stretch",
                           on_click="ignore")
        st.download_button(tr("Template (Excel)"), keep_language(template_xlsx), "funnel-numbers-template.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", width="stretch", on_click="ignore")
    with up_cols[0]:
        uploaded = st.file_uploader(
            tr("CSV or Excel file with your funnel numbers"), type=["csv", "txt", "xlsx", "xlsm"],
            key="numbers_file",
            help=tr("One column of metric names and one of values (like the template), or one row "
                    "per period with metric names as headers. The Excel workbook from Downloads "
                    "reads back to the same numbers."))
    if uploaded is not None:
        data = uploaded.getvalue()
        name = uploaded.name
        signature = hashlib.sha1(data).hexdigest()[:10]
        pick = st.columns(3)
        _ui.keep_choice("upload_convention")
        convention = pick[0].selectbox(tr("Number format"), list(CONVENTIONS), key="upload_convention",
                                       format_func=convention_name, help=tr(CONVENTION_HELP))
        raw = first = None
        sheet = None
        try:
            sheets = _ui.cached_sheets(data, name)
            if len(sheets) > 1:
                sheet = pick[1].selectbox(tr("Sheet"), sheets, key=f"sheet_{signature}")
            raw = _ui.cached_raw_table(data, name, sheet)
            first = _ui.cached_parse_bytes(data, name, sheet, convention, "", stored_currency())
        except InputError as exc:
            todo = (tr("Fix the file (or start from the template) and upload it again") if raw is None
                    else tr("Match its columns to fields below, or fix the file and upload it again"))
            st.error(input_messages.error_text(exc.issue, tr("Could not read {name}", name=md(name)),
                                               tr("{todo}. Your stored numbers are unchanged", todo=todo)),
                     icon=":material/error:")
        if raw is not None:
            with st.expander(tr_n("Raw table as read from {name} ({n} rows)",
                                  "Raw table as read from {name} ({n} rows)", len(raw), name=md(name)),
                             expanded=first is None):
                st.dataframe(upload_mapping.raw_preview(raw), height=min(38 + 35 * min(len(raw), 12), 460))
            candidates = list(first.unknown) if first is not None else upload_mapping.mapping_candidates(raw)
            mapping = matcher(candidates, f"map_{signature}", "columns or rows")
            parsed, args = read_with_mapping("bytes", (data, name, sheet, convention), first,
                                              mapping, "the file")
            if parsed is not None:
                how_read(parsed)
                show_parsed(parsed, replace_key="upload_replace", button_key="upload_apply",
                             kind="bytes", args=args, source_note=name)

    with st.expander(tr("Use your own targets (board targets, last year's numbers)"), icon=":material/flag:"):
        st.markdown(tr("Upload a benchmark catalogue in the same columns as the published one. Your "
                       "rows are shown next to the published figures, marked as your file."))
        st.download_button(tr("Catalogue template (CSV)"), TEMPLATE_PATH.read_bytes,
                           "benchmark-catalogue-template.csv", "text/csv", on_click="ignore",
                           icon=":material/download:")
        own = st.file_uploader(tr("Your catalogue (CSV or Excel)"), type=["csv", "xlsx"], key="catalogue_file")
        if own is not None:
            try:
                benchmarks = load_catalogue_bytes(own.getvalue(), own.name)
            except CatalogueError as exc:
                st.error(input_messages.error_text(exc, tr("Could not use {name}", name=md(own.name)),
                                                   tr("Fix that cell and upload the file again; "
                                                      "nothing was changed")),
                         icon=":material/error:")
            else:
                if not benchmarks:
                    st.warning(tr("{name} has a valid header but no rows.", name=md(own.name)))
                else:
                    own_frame = sources_tables.catalogue_frame(benchmarks)
                    st.dataframe(sources_tables.shown_columns(own_frame.drop(columns=["status_code", "kpi_id"])),
                                 hide_index=True, height=200)
                    st.button(tr_n("Use these {n} benchmarks", "Use these {n} benchmarks", len(benchmarks)),
                              key="catalogue_apply",
                              on_click=use_catalogue,
                              args=(sources_tables.rows_from_benchmarks(benchmarks), own.name),
                              icon=":material/check:")
        if st.session_state.get("user_catalogue"):
            rows = st.session_state["user_catalogue"]
            st.success(tr_n("Comparing with {n} of your own benchmarks ({origin}).",
                            "Comparing with {n} of your own benchmarks ({origin}).", len(rows),
                            origin=md(rows[0].get("origin"))))
            st.button(tr("Stop using my benchmarks"), key="catalogue_remove", on_click=remove_catalogue)


# --------------------------------------------------------------------------------------
# the stored snapshot, editable
# --------------------------------------------------------------------------------------

def _editor_changed(key: str, names: list[str]) -> None:
    _ui.session_language()
    state = st.session_state.get(key) or {}
    edited = state.get("edited_rows", {})
    label = _ui.compared_period() or snapshot_state.CURRENT_PERIOD
    try:
        edits = page_form.editor_edits(edited, names)
        new_values = page_form.apply_editor_edits(_ui.current_values(), edits)
        new_periods = snapshot_state.store_values(_ui.periods(), label, new_values)
    except SnapshotError as exc:
        _ui.flash(tr("That edit was not stored: {reason}", reason=md(exc)), "error")
        _ui.bump_editor()
        return
    st.session_state["periods"] = new_periods
    st.session_state["selected_period"] = label
    if not st.session_state.get("source_note"):
        st.session_state["source_note"] = "typed in the table"
    _ui.bump_editor()


st.divider()
head = st.columns([3, 1])
head[0].subheader(tr("Your snapshot"))
if _ui.current_values():
    with head[1].popover(tr("Clear all numbers"), icon=":material/delete:", width="stretch"):
        st.markdown(tr("Remove every stored number from this session?"))
        st.button(tr("Yes, clear them"), key="clear_all", type="primary", on_click=_clear_all)
_ui.period_selector("numbers_period", label=tr("Period shown and compared"))
values = _ui.current_values()
if not values:
    st.caption(tr("Nothing stored yet. Fill in the form, paste cells or upload a file above, or load "
                  "the fictional example company."))
else:
    gaps = gap_lines(_ui.periods())
    if gaps:
        st.warning(tr("**Your periods do not follow on from each other:**") + "\n\n"
                   + "\n".join(f"- {md(g)}" for g in gaps), icon=":material/warning:")
    st.caption(tr("Every stored number, editable: change a value or clear a cell and it is stored at "
                  "once."))
    show_empty = st.toggle(tr("Show empty fields"), value=False, key="editor_show_empty")
    frame = page_form.editor_frame(values)
    if not show_empty:
        frame = frame[frame["Value"].notna()].reset_index(drop=True)
    editor_key = f"editor_{st.session_state.get('_editor_rev', 0)}_{int(show_empty)}"
    st.data_editor(
        frame, key=editor_key, hide_index=True, disabled=["Stage", "Field", "Name"], placeholder="–",
        height=min(38 + 35 * max(len(frame), 1), 1040),
        column_config={
            "Stage": st.column_config.TextColumn(tr("Stage"), width="medium"),
            "Field": st.column_config.TextColumn(tr("Field"), width="medium"),
            "Name": st.column_config.TextColumn(tr("Field name"), width="small"),
            "Value": st.column_config.NumberColumn(tr("Value"), min_value=0, format="localized",
                                                   help=tr("Edit a value; clear a cell to remove it.")),
        },
        on_change=_editor_changed, args=(editor_key, list(frame["Name"])),
    )
    st.page_link(_ui.RESULTS_PAGE, label=tr("See your numbers against the benchmarks"),
                 icon=":material/arrow_forward:")

st.subheader(tr("Keep or share these numbers"))
keep_cols = st.columns(2)
with keep_cols[0]:
    _ui.link_panel(key="numbers")
with keep_cols[1]:
    st.caption(":material/save: " + tr("To keep them as a file, download the **Excel workbook** on "
                                       "**Downloads** and upload it here again later: it reads back "
                                       "to the same numbers of every stored period, segment and "
                                       "currency."))

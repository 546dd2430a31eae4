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
from funnel_core.page_state import period_merge
from funnel_core.page_state import upload_mapping
from funnel_core.page_state import input_messages
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.page_state import sources_tables
from funnel_core.benchmarks.catalogue import TEMPLATE_PATH, CatalogueError, load_catalogue_bytes
from funnel_core.domain.constants import FIELDS, FIELDS_BY_NAME, STAGES
from funnel_core.domain.i18n import keep_language, mark, tr, tr_n
from funnel_core.domain.model import SnapshotError
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.template import template_csv, template_xlsx
from funnel_core.metrics.continuity import mrr_continuity_gaps
from pages import _charts, _ui

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

CONVENTIONS = {
    "auto": mark("Detect automatically"),
    "en": mark("1,234.5 (English)"),
    "de": mark("1.234,5 or 1 234,5 (German, French, Polish)"),
}
CONTEXT_KEYS = ("period", "currency", "trial_type", "motion", "acv_band", "product_category",
                "arr_band", "funding")
PASTE_EXAMPLE = "Website visitors\t20000\nLeads\t1400\nNew customers\t35\nMRR at start\t48000"
IGNORE = "__ignore__"
MAP_OPTIONS = [IGNORE] + [spec.name for spec in FIELDS]
MAP_LABELS = {IGNORE: mark("Ignore this")}
TAB_LABELS = [":material/edit: " + tr("Form"), ":material/content_paste: " + tr("Paste"),
              ":material/upload_file: " + tr("Upload a file")]
CONVENTION_HELP = tr("How decimals and thousands are written. Detect automatically decides from all "
                   "the numbers together (and from the currency: in dollars or pounds 42,000 is "
                   "forty-two thousand); choose a format when every number is ambiguous, like "
                   "12.500 or 1,234.")
CHOICE_HELP = tr("Choose whether these numbers are added to your stored numbers or replace them.")


def _convention_name(code: str) -> str:
    return tr(CONVENTIONS[code])


def _map_label(name: str) -> str:
    """A matcher option: "Ignore this", or a field's label with its name."""
    if name == IGNORE:
        return tr(MAP_LABELS[IGNORE])
    spec = FIELDS_BY_NAME.get(name)
    return f"{tr(spec.label)} ({name})" if spec else str(name)


st.title(tr("Your numbers"))
st.caption(tr("Enter one period of funnel numbers (or several, from a file). Leave a field empty "
              "when you do not track it: only the KPIs that can be computed are compared.") + " "
           + tr(snapshot_state.PRIVACY_NOTE))
_ui.show_flash()

has_numbers = bool(_ui.current_values())


# --------------------------------------------------------------------------------------
# helpers (widgets only; the logic is in funnel_core.page_state)
# --------------------------------------------------------------------------------------

def _replace_choice(key: str, parsed) -> bool | None:
    """Ask whether new numbers are added to the stored ones or replace them all.

    The choice is explicit: nothing is selected until the user picks (``None``). True =
    replace. The options say which stored periods each keeps or drops.
    """
    stored = _ui.periods()
    if not stored:
        return True
    plan = snapshot_state.merge_plan(stored, parsed)
    labels = {"merge": plan["merge_label"], "replace": plan["replace_label"]}
    if key in st.session_state and st.session_state[key] not in labels:
        st.session_state[key] = None
    unset = {} if key in st.session_state else {"index": None}
    choice = st.radio(tr("Your stored numbers"), list(labels), key=key, format_func=lambda k: md(labels[k]),
                      captions=[md(plan["merge_caption"]), md(plan["replace_caption"])], help=CHOICE_HELP,
                      **unset)
    if choice is None:
        return None
    return choice == "replace"


def _undated_choice(key: str, parsed, replace: bool, name: str) -> str | None:
    """Which period undated numbers are, when the other side is dated (the latest by default)."""
    question = period_merge.undated_question(_ui.periods(), parsed, replace=replace,
                                             undated_name=name)
    if question is None:
        return None
    if st.session_state.get(key) not in question.options:
        st.session_state[key] = question.default
    return st.radio(md(question.prompt), list(question.options), key=key,
                    format_func=lambda k: md(question.labels.get(k, k)),
                    help=tr("Numbers without a date are never stored beside dated periods: they "
                            "would look like a period of their own."))


def _gap_lines(periods: dict) -> list[str]:
    return [gap.message for gap in mrr_continuity_gaps(periods, _ui.context())]


def _apply_parsed(kind: str, args: tuple, replace: bool, source_note: str, replace_key: str,
                  undated_label: str | None) -> None:
    """Callback of the "Apply" buttons: parse again (cached) and store the numbers."""
    _ui.session_language()
    stored = _ui.periods()
    try:
        parsed = (_ui.cached_parse_text(*args) if kind == "text" else _ui.cached_parse_bytes(*args))
        plan = snapshot_state.merge_plan(stored, parsed)
        if undated_label is None:  # the question was answered on a previous run: its default
            question = period_merge.undated_question(stored, parsed, replace=replace,
                                                     undated_name=source_note)
            undated_label = question.default if question is not None else None
        new_periods, selected = period_merge.merge_numbers(stored, parsed, replace=replace,
                                                           undated_label=undated_label)
        new_context, _ = snapshot_state.context_from_parsed(_ui.context(), parsed)
    except InputError as exc:
        _ui.flash(tr("Nothing was changed: {reason}", reason=md(input_messages.describe_issue(exc.issue))),
                  "error")
        return
    except SnapshotError as exc:
        _ui.flash(tr("Nothing was changed: {reason}", reason=md(exc)), "error")
        return
    note = period_merge.merge_note(st.session_state.get("source_note"), source_note, stored,
                                   new_periods, replace=replace)
    _ui.apply_numbers(new_periods, selected, new_context, note)
    st.session_state[replace_key] = None  # the next time, the choice is made again
    count = sum(len(parsed.values.get(label, {})) for label in parsed.periods)
    if replace and plan["dropped"]:
        n = plan["dropped"]
        what = tr_n("; the {n} previously stored period was replaced",
                    "; the {n} previously stored periods were replaced", n)
    elif plan["kept"]:
        n = len([label for label in plan["kept"] if label in new_periods and label != undated_label])
        what = tr_n("; your other {n} stored period was kept", "; your other {n} stored periods were kept",
                    n) if n else ""
    else:
        what = ""
    if undated_label:
        what += tr("; the numbers without a date were stored as {period}",
                   period=snapshot_state.period_text(undated_label))
    stored_text = tr_n("Stored {n} numbers from {source}{what}", "Stored {n} numbers from {source}{what}",
                       count, source=snapshot_state.source_text(source_note), what=what)
    message = md(stored_text) + tr(". See them compared on **Benchmarks**.")
    gaps = _gap_lines(new_periods)
    if gaps:
        _ui.flash(message + " " + tr("Check these:") + "\n" + "\n".join(f"- {md(g)}" for g in gaps), "warning")
    else:
        _ui.flash(message)


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
    if pasted:
        said = {("currency",): tr("**The pasted cells do not say their currency**"),
                ("period",): tr("**The pasted cells do not say the period they cover**"),
                ("currency", "period"): tr("**The pasted cells do not say their currency or the period "
                                           "they cover**")}[tuple(missing)]
    else:
        said = {("currency",): tr("**{name} does not say its currency**", name=md(source_note)),
                ("period",): tr("**{name} does not say the period it covers**", name=md(source_note)),
                ("currency", "period"): tr("**{name} does not say its currency or the period it covers**",
                                           name=md(source_note))}[tuple(missing)]
    st.markdown(said + tr(": check before applying (amounts are stored as given, never converted)."))
    cols = st.columns(3)
    labels = {"currency": tr("Currency of these amounts"), "period": tr("Period these numbers cover")}
    helps = {"currency": tr("Changes your company's currency at once (the sidebar shows it too)."),
             "period": tr("Changes your company's period the numbers cover at once (the sidebar "
                          "shows it too).")}
    for i, key in enumerate(missing):
        _ui.context_selector(key, f"{key_prefix}_{key}", container=cols[i], label=labels[key],
                             help=helps[key])


def _show_parsed(parsed, *, replace_key: str, button_key: str, kind: str, args: tuple,
                 source_note: str) -> None:
    """What was understood and the row-level issues, then the choices and the Apply button."""
    currency = _ui.context().get("currency") or "USD"
    found = sum(len(parsed.values.get(label, {})) for label in parsed.periods)
    errors = [i for i in parsed.issues if getattr(i, "level", "") == "error"]
    if parsed.layout == "wide" and len(parsed.periods) > 1:
        st.markdown(tr_n("**Understood {n} numbers over {count} periods** ({first} to {last}; the "
                         "latest, {latest}, is compared first).",
                         "**Understood {n} numbers over {count} periods** ({first} to {last}; the "
                         "latest, {latest}, is compared first).", found, count=len(parsed.periods),
                         first=md(parsed.periods[0]), last=md(parsed.periods[-1]),
                         latest=md(parsed.latest_period)))
        st.dataframe(upload_mapping.parsed_periods_frame(parsed, currency), hide_index=True)
    else:
        st.markdown(tr_n("**Understood {n} numbers**", "**Understood {n} numbers**", found))
        frame = upload_mapping.parsed_frame(parsed, parsed.latest_period, currency)
        if not frame.empty:
            st.dataframe(frame, hide_index=True, column_config={
                "Field": st.column_config.TextColumn(tr("Field")),
                "Stage": st.column_config.TextColumn(tr("Stage")),
                "Value": st.column_config.TextColumn(tr("Value")),
                "Name": st.column_config.TextColumn(tr("Field name"), width="small")})
    context_found = {k: v for k, v in (parsed.context or {}).items() if v not in (None, "")}
    if context_found:
        st.caption(tr("Context found in the data (it will replace the selectors):") + " "
                   + ", ".join(f"{md(k)} = {md(v)}" for k, v in context_found.items()))
    if parsed.issues:
        where = tr("the pasted cells") if source_note == "pasted cells" else md(source_note)
        st.markdown(tr("**Check these rows** of {where} (errors: the cell was skipped; "
                       "warnings: read, but check it):", where=where)
                    + "\n\n" + input_messages.issues_markdown(parsed.issues))
    if found == 0:
        st.error(tr("No number could be read, so there is nothing to apply. Check that each row has a "
                    "metric name and a value (or a header row with metric names), or match the names "
                    "to fields above, then try again."))
        return
    try:
        snapshot_state.merge_parsed(_ui.periods(), parsed)
    except SnapshotError as exc:
        st.error(tr("These numbers cannot be used: {reason}. Fix that value and try again; your stored "
                    "numbers are unchanged.", reason=md(exc)))
        return
    _context_step(parsed, button_key, source_note)
    replace = _replace_choice(replace_key, parsed)
    undated = None
    if replace is not None:
        name = tr("the pasted cells") if source_note == "pasted cells" else source_note
        undated = _undated_choice(f"{button_key}_undated", parsed, replace, name)
    help_text = (tr("Rows with errors are skipped; everything else is stored.") if errors
                 else tr("Stores them as your snapshot; the previous numbers stay until you click."))
    st.button(tr("Apply these numbers"), key=button_key, type="primary", icon=":material/check:",
              on_click=_apply_parsed, args=(kind, args, bool(replace), source_note, replace_key, undated),
              help=CHOICE_HELP if replace is None else help_text, disabled=replace is None)
    if replace is None:
        st.caption(tr("Choose above whether to add these numbers or replace your stored ones."))


def _matcher(candidates: list[str], key_prefix: str, what: str) -> dict[str, str | None]:
    """Let the user match names that were not recognised to fields (or leave them ignored)."""
    mapping: dict[str, str | None] = {}
    if not candidates:
        return mapping
    st.markdown(tr("**Match the names we did not recognise** (or leave them ignored):") if what == "names"
                else tr("**Match the columns or rows we did not recognise** (or leave them ignored):"))
    cols = st.columns(3)
    for i, source in enumerate(candidates):
        choice = cols[i % 3].selectbox(tr("'{name}' is", name=md(source)), MAP_OPTIONS,
                                       key=f"{key_prefix}_{i}", format_func=_map_label)
        mapping[str(source)] = None if choice == IGNORE else choice
    return mapping


def _read_with_mapping(kind: str, base: tuple, first, mapping: dict, where: str):
    """(parsed, args) read again with the user's matching; errors are shown, not raised."""
    chosen = {k: v for k, v in mapping.items() if v is not None}
    args = base + ("", _currency())
    if not (chosen or (first is not None and mapping)):
        return first, args
    # ignored names are passed too: that silences their "not recognised" warning
    args = base + (_ui.mapping_json(mapping), _currency())
    try:
        parsed = _ui.cached_parse_text(*args) if kind == "text" else _ui.cached_parse_bytes(*args)
    except InputError as exc:
        if first is not None or chosen:
            st.error(input_messages.error_text(
                exc.issue, {"the pasted cells": tr("With this matching the pasted cells cannot be read"),
                            "the file": tr("With this matching the file cannot be read")}.get(where)
                or tr("With this matching {what} cannot be read", what=md(where)),
                tr("Change the matching above; your stored numbers are unchanged")),
                icon=":material/error:")
        return None, args
    return parsed, args


def _currency() -> str | None:
    return _ui.context().get("currency")


def _labels_or(value) -> str:
    if value is None:
        return tr("ignored")
    spec = next((s for s in FIELDS if s.name == value), None)
    return f"{tr(spec.label)} ({value})" if spec else str(value)


def _how_read(parsed) -> None:
    if parsed.mapping:
        with st.expander(tr("How each column or row was read")):
            st.dataframe([{tr("In your data"): str(k), tr("Read as"): _labels_or(v)}
                          for k, v in parsed.mapping.items()], hide_index=True)


def _use_catalogue(rows: list, name: str) -> None:
    _ui.session_language()
    st.session_state["user_catalogue"] = rows
    _ui.flash(tr_n("Using {n} of your own benchmarks from {name} next to the published ones.",
                   "Using {n} of your own benchmarks from {name} next to the published ones.",
                   len(rows), name=md(name)))


def _remove_catalogue() -> None:
    _ui.session_language()
    st.session_state["user_catalogue"] = None
    _ui.flash(tr("Your own benchmarks are no longer used."), "info")


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
    form_texts, fields_set = _sync_form(editing, values)
    head_cols = st.columns([3, 2], vertical_alignment="bottom")
    head_cols[0].markdown(tr("Editing **{period}**. Every field is optional. Type numbers the "
                             "way you write them (12,500 or 12.500); gross margin as 80 % or 0.8.",
                             period=md(snapshot_state.period_text(editing))))
    head_cols[1].selectbox(tr("Number format"), list(CONVENTIONS), key="form_convention",
                           format_func=_convention_name, help=CONVENTION_HELP,
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
    convention = paste_cols[1].selectbox(tr("Number format"), list(CONVENTIONS), key="paste_convention",
                                         format_func=_convention_name, help=CONVENTION_HELP)
    if text and text.strip():
        paste_sig = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        first = None
        try:
            first = _ui.cached_parse_text(text, convention, "", _currency())
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
        mapping = _matcher(candidates, f"pmap_{paste_sig}", "names")
        parsed, args = _read_with_mapping("text", (text, convention), first, mapping,
                                          "the pasted cells")
        if parsed is not None:
            _how_read(parsed)
            _show_parsed(parsed, replace_key="paste_replace", button_key="paste_apply", kind="text",
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
        convention = pick[0].selectbox(tr("Number format"), list(CONVENTIONS), key="upload_convention",
                                       format_func=_convention_name, help=CONVENTION_HELP)
        raw = first = None
        sheet = None
        try:
            sheets = _ui.cached_sheets(data, name)
            if len(sheets) > 1:
                sheet = pick[1].selectbox(tr("Sheet"), sheets, key=f"sheet_{signature}")
            raw = _ui.cached_raw_table(data, name, sheet)
            first = _ui.cached_parse_bytes(data, name, sheet, convention, "", _currency())
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
            mapping = _matcher(candidates, f"map_{signature}", "columns or rows")
            parsed, args = _read_with_mapping("bytes", (data, name, sheet, convention), first,
                                              mapping, "the file")
            if parsed is not None:
                _how_read(parsed)
                _show_parsed(parsed, replace_key="upload_replace", button_key="upload_apply",
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
                              on_click=_use_catalogue,
                              args=(sources_tables.rows_from_benchmarks(benchmarks), own.name),
                              icon=":material/check:")
        if st.session_state.get("user_catalogue"):
            rows = st.session_state["user_catalogue"]
            st.success(tr_n("Comparing with {n} of your own benchmarks ({origin}).",
                            "Comparing with {n} of your own benchmarks ({origin}).", len(rows),
                            origin=md(rows[0].get("origin"))))
            st.button(tr("Stop using my benchmarks"), key="catalogue_remove", on_click=_remove_catalogue)


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
    gaps = _gap_lines(_ui.periods())
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
                                       "to the same numbers, period, segment and currency."))

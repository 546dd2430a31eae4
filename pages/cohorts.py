"""Cohorts: upload a customer or billing export and see when customers leave.

Widgets only: the export is read by :func:`funnel_core.inputs.billing_read.read_export`, the cohorts are
computed by :func:`funnel_core.metrics.cohorts.compute_cohorts`, the charts come from
:mod:`funnel_core.cohort_charts` and :mod:`funnel_core.trend_charts`, and the published
retention benchmarks from :mod:`funnel_core.benchmarks.bands` and the merge into the stored
periods from :mod:`funnel_core.metrics.revenue_inputs`.

The uploaded file is kept in the session (``cohort_file``) so the analysis survives a visit to
another page; reading and computing are cached on the file's bytes + the column mapping, so
changing a chart option never recomputes the cohorts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import streamlit as st

from funnel_core.benchmarks.bands import default_retention_benchmarks, retention_benchmarks
from funnel_core.inputs.period_keys import parse_period_label
from funnel_core.metrics.history import snapshots_from_periods
from funnel_core.metrics.revenue_inputs import (REVENUE_FIELDS, matching_period,
                                                merge_revenue_inputs, older_cohort_share)
from funnel_core.charts.cohorts import (MONTHS_NOTE, cohort_heatmap, month_ordinal,
                                        mrr_by_cohort_area)
from funnel_core.inputs.billing_columns import ROLES
from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_sheets import export_columns, export_sheet_names
from funnel_core.inputs.billing_export_data import ExportData, month_label
from funnel_core.metrics.cohorts import CohortResult, compute_cohorts, revenue_inputs_for_month
from funnel_core.domain.constants import FIELDS_BY_NAME
from funnel_core.domain.formatting import format_number, format_value, money_digits
from funnel_core.domain.i18n import current_language, mark, tr
from funnel_core.domain.model import SnapshotError
from funnel_core.page_state.page_text import escape_markdown as md
from funnel_core.charts.trends import retention_with_benchmarks
from pages import _charts, _ui
from pages._cohort_messages import _error_text, _issues_frame

_ui.init_state()  # app.py does this; repeated so a page never runs without its data

FILE_KEY = "cohort_file"          # {"name", "data", "digest"} of the export in use
MAPPING_KEY = "cohort_mapping"    # {"digest", "mapping": {source column: role}}
SHEET_KEY = "cohort_sheet"
UPLOAD_KEY = "cohort_upload"
AUTO = mark("(recognise by name)")  # an option's value; shown with tr()
FIRST_USABLE = mark("(first sheet with a usable layout)")
NEW_PERIOD = "__new__"

ROLE_LABELS: dict[str, str] = {  # English; shown with tr() (see _role_label)
    "customer_id": mark("Customer id or name"),
    "month": mark("Month (one row per customer per month)"),
    "mrr": mark("MRR or amount"),
    "start_date": mark("Subscription start date"),
    "end_date": mark("Subscription end or cancellation date"),
    "billing_period": mark("Billing period (month, year...)"),
    "annual_amount": mark("Annual amount (ARR)"),
}


def _role_label(role: str) -> str:
    return tr(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def _their_month(k: int) -> str:
    """``"their 2nd month"``: the customer's own count of month ``k - 1`` since start."""
    if current_language() == "en":
        return tr("their {ordinal} month", ordinal=month_ordinal(k))
    return tr("their {ordinal} month", ordinal=tr("{n}th", n=k))


# --------------------------------------------------------------------------------------
# reading (cached) and the upload
# --------------------------------------------------------------------------------------

@st.cache_data(max_entries=4, ttl=_ui.UPLOAD_CACHE_TTL, show_spinner=False)
def analyse_export(data: bytes, filename: str, mapping_json: str = "",
                   sheet: str | None = None, language: str = "en") -> tuple[ExportData, CohortResult]:
    """Read an export and compute its cohorts; cached on the bytes, name, mapping, sheet and
    language (the row messages are written in it)."""
    mapping = json.loads(mapping_json) if mapping_json else None
    export = _read(data, filename, mapping, sheet)
    return export, compute_cohorts(export)


def _read(data: bytes, filename: str, mapping: dict[str, str] | None,
          sheet: str | None) -> ExportData:
    from funnel_core.inputs.billing_read import read_export

    return read_export(data, filename, mapping=mapping, sheet=sheet)


def store_upload(name: str, data: bytes) -> None:
    """Keep an export in the session (a new file starts without a column mapping)."""
    digest = hashlib.sha256(data).hexdigest()
    current = st.session_state.get(FILE_KEY)
    if current and current.get("digest") == digest and current.get("name") == name:
        return
    st.session_state[FILE_KEY] = {"name": name, "data": data, "digest": digest}
    st.session_state.pop(MAPPING_KEY, None)
    st.session_state.pop(SHEET_KEY, None)


def _upload_key() -> str:
    """The uploader's key; a new key empties the widget (after "Forget this export")."""
    return f"{UPLOAD_KEY}_{st.session_state.get('_cohort_upload_rev', 0)}"


def _upload_changed() -> None:
    uploaded = st.session_state.get(_upload_key())
    if uploaded is None:  # the user removed the file
        st.session_state.pop(FILE_KEY, None)
        st.session_state.pop(MAPPING_KEY, None)
        return
    store_upload(uploaded.name, uploaded.getvalue())


def _forget() -> None:
    for key in (FILE_KEY, MAPPING_KEY, SHEET_KEY):
        st.session_state.pop(key, None)
    st.session_state["_cohort_upload_rev"] = st.session_state.get("_cohort_upload_rev", 0) + 1


def _current_mapping(digest: str) -> dict[str, str]:
    stored = st.session_state.get(MAPPING_KEY) or {}
    return dict(stored.get("mapping") or {}) if stored.get("digest") == digest else {}


@st.cache_data(max_entries=4, ttl=_ui.UPLOAD_CACHE_TTL, show_spinner=False)
def sheet_names(data: bytes, name: str) -> list[str]:
    return export_sheet_names(data, name)


@st.cache_data(max_entries=4, ttl=_ui.UPLOAD_CACHE_TTL, show_spinner=False)
def file_columns(data: bytes, name: str, sheet: str | None) -> list[str]:
    """The header of the file (best effort), for the column-mapping step."""
    return export_columns(data, name, sheet)


# --------------------------------------------------------------------------------------
# small widgets
# --------------------------------------------------------------------------------------





def _flash(message: str, kind: str = "success") -> None:
    st.session_state["_flash"] = (kind, message)


def _show_flash() -> None:
    item = st.session_state.pop("_flash", None)
    if item:
        kind, message = item
        {"success": st.success, "error": st.error, "warning": st.warning,
         "info": st.info}.get(kind, st.info)(message)


def _mapping_form(columns: list[str], digest: str, current: dict[str, str], *,
                  recognised: dict[str, str] | None = None) -> None:
    """Let the user say which column plays which role; stored on submit (cache key)."""
    by_role = {role: source for source, role in current.items()}
    for role, source in (recognised or {}).items():
        by_role.setdefault(role, source)
    options = [AUTO, *columns]
    with st.form(f"cohort_mapping_form_{digest[:12]}"):
        st.caption(tr("Pick the column for each role; leave the others on *{auto}*. Monthly layout: "
                      "customer + month + MRR. Subscriptions layout: customer + start date (+ end "
                      "date) + MRR or annual amount.", auto=tr(AUTO)))
        cols = st.columns(2)
        chosen: dict[str, str] = {}
        for index, role in enumerate(ROLES):
            default = by_role.get(role)
            _ui.keep_choice(f"cohort_role_{role}_{digest[:12]}")
            chosen[role] = cols[index % 2].selectbox(
                _role_label(role), options,
                index=options.index(default) if default in options else 0,
                format_func=lambda option: tr(AUTO) if option == AUTO else option,
                key=f"cohort_role_{role}_{digest[:12]}")
        if st.form_submit_button(tr("Read the file with these columns"), icon=":material/table_view:"):
            mapping = {source: role for role, source in chosen.items() if source != AUTO}
            if len(set(mapping)) < len([s for s in chosen.values() if s != AUTO]):
                st.error(tr("A column can play one role only."))
            else:
                st.session_state[MAPPING_KEY] = {"digest": digest, "mapping": mapping}
                st.rerun()


def _use_revenue(inputs: dict[str, Any], target_choice: str, filename: str) -> None:
    """Callback of "Use these revenue numbers in my comparison"."""
    periods = dict(st.session_state.get("periods") or {})
    target = None if target_choice == NEW_PERIOD else target_choice
    try:
        new_periods, label = merge_revenue_inputs(periods, inputs, target)
        snapshots_from_periods({label: new_periods[label]},
                               st.session_state.get("context"))  # validates the values
    except (SnapshotError, ValueError) as exc:
        _flash(tr("Nothing was changed: {error}", error=md(exc)), "error")
        return
    st.session_state["periods"] = new_periods
    st.session_state["selected_period"] = label
    context = dict(st.session_state.get("context") or {})
    note = ""
    if context.get("period") not in (None, "month"):
        context["period"] = "month"
        st.session_state["context"] = context
        note = " " + tr("The period of your numbers is now *month*, because these numbers cover "
                        "one month.")
    source = tr("revenue numbers of {month} from {file}", month=inputs.get("month"), file=filename)
    previous_note = st.session_state.get("source_note")
    st.session_state["source_note"] = f"{previous_note}; {source}" if previous_note else source
    st.session_state["_editor_rev"] = st.session_state.get("_editor_rev", 0) + 1
    _flash(tr("Put the revenue numbers of {month} into period **{period}** (other numbers of that "
              "period were kept). It is now the compared period.{note}",
              month=md(inputs.get("month")), period=md(label), note=note))


# --------------------------------------------------------------------------------------
# page
# --------------------------------------------------------------------------------------

st.title(tr("Cohorts: when do customers leave?"))
st.caption(tr("Upload a customer or billing export (one row per customer per month, or one row "
              "per subscription with start and end dates). Customers are grouped by the month they "
              "started paying, so you see when each group churns and how much of today's revenue "
              "comes from older customers. The file stays in this browser session only: it is "
              "too big for the page's link, so it is not in the page's link and a reload or a "
              "copied link does not bring it back (upload it again). The revenue numbers you use "
              "in your comparison are in the link."))
_show_flash()

st.file_uploader(tr("Customer or billing export (CSV or XLSX)"),
                 type=["csv", "txt", "tsv", "xlsx", "xlsm", "xls", "ods"], key=_upload_key(),
                 on_change=_upload_changed,
                 help=tr("Columns such as customer_id, month, mrr - or customer, start_date, "
                         "end_date, amount, interval. Headers in English, German, French or "
                         "Polish are recognised; you can map the others."))

uploaded = st.session_state.get(_upload_key())
if uploaded is not None and st.session_state.get(FILE_KEY) is None:
    store_upload(uploaded.name, uploaded.getvalue())  # first run after an upload

file = st.session_state.get(FILE_KEY)
if not file:
    st.info(tr("No export yet. Most billing tools (Stripe, Chargebee, Paddle, ChartMogul...) can "
               "export subscriptions or monthly MRR per customer as CSV."), icon=":material/upload_file:")
    st.stop()

name, data, digest = file["name"], file["data"], file["digest"]
mapping = _current_mapping(digest)
sheets = sheet_names(data, name)
sheet: str | None = None
top = st.columns([3, 1])
if len(sheets) > 1:
    _ui.keep_choice(SHEET_KEY)
    choice = top[0].selectbox(tr("Sheet"), [FIRST_USABLE, *sheets], key=SHEET_KEY,
                              format_func=lambda option: tr(FIRST_USABLE) if option == FIRST_USABLE
                              else option)
    sheet = None if choice == FIRST_USABLE else choice
top[1].button(tr("Forget this export"), on_click=_forget, icon=":material/delete:",
              key="cohort_forget")

with st.status(tr("Reading {file}...", file=md(name)), expanded=False) as status:
    try:
        export, result = analyse_export(data, name, json.dumps(mapping, sort_keys=True)
                                        if mapping else "", sheet, current_language())
    except CohortInputError as exc:
        status.update(label=tr("{file} could not be used", file=md(name)), state="error",
                      expanded=False)
        export = result = None
        error = exc
    except Exception as exc:  # an unexpected reader failure: say so, never a traceback
        status.update(label=tr("{file} could not be read", file=md(name)), state="error",
                      expanded=False)
        export = result = None
        error = exc
    else:
        error = None
        good = export.rows_read - export.skipped_rows
        status.update(
            label=(tr("Read {rows} rows of {file}: {good} used", rows=format_number(export.rows_read),
                      file=md(name), good=format_number(good))
                   + (tr(", {n} skipped", n=format_number(export.skipped_rows))
                      if export.skipped_rows else "")
                   + tr("; {customers} paying customers, {first} to {last}",
                        customers=format_number(result.customers), first=result.first_month,
                        last=result.last_month)),
            state="complete")

if error is not None or export is None or result is None:
    st.error(_error_text(error, name) if error is not None
             else tr("**{file}** could not be used.", file=md(name)), icon=":material/error:")
    columns = file_columns(data, name, sheet)
    if columns:
        st.markdown("**" + tr("Tell us which column is which") + "**")
        _mapping_form(columns, digest, mapping)
    st.stop()

# --- row-level problems --------------------------------------------------------------------
errors = [i for i in export.issues if i.severity == "error"]
warnings = [i for i in export.issues if i.severity != "error"]
if export.skipped_rows:
    st.warning(tr("{skipped} of {rows} rows were skipped because of a problem; the other {good} "
                  "rows are used (good rows are not lost because of a few bad ones). The rows are "
                  "listed below.", skipped=format_number(export.skipped_rows),
                  rows=format_number(export.rows_read),
                  good=format_number(export.rows_read - export.skipped_rows)),
               icon=":material/warning:")
if export.issues:
    with st.expander(tr("Row-level messages ({problems} problems, {warnings} warnings)",
                        problems=len(errors), warnings=len(warnings)),
                     expanded=bool(export.skipped_rows) and len(export.issues) <= 10):
        st.dataframe(_issues_frame(export), hide_index=True, width="stretch",
                     key="cohort_issues_table",
                     column_config={"Row": st.column_config.TextColumn(tr("Row"), width=50),
                                    "Column": st.column_config.TextColumn(tr("Column"), width=110),
                                    "Problem": st.column_config.TextColumn(tr("Problem"), width=230),
                                    "What to do": st.column_config.TextColumn(tr("What to do"),
                                                                              width=440),
                                    "Kind": st.column_config.TextColumn(tr("Kind"), width=100)})

with st.expander(tr("Columns used")):
    used = ", ".join(tr("{role}: '{column}'", role=_role_label(role), column=md(source))
                     for role, source in export.columns.items())
    if export.layout == "monthly":
        st.markdown(tr("Layout: **monthly**. {columns}.", columns=used))
    elif export.layout == "subscriptions":
        st.markdown(tr("Layout: **subscriptions**. {columns}.", columns=used))
    else:
        st.markdown(tr("Layout: **{layout}**. {columns}.", layout=export.layout, columns=used))
    columns = file_columns(data, name, sheet)
    if columns:
        _mapping_form(columns, digest, mapping, recognised=export.columns)

# --- headline figures ----------------------------------------------------------------------
# One month convention everywhere (cards, heatmap, curves): months since start, month 0 = the
# month a customer started paying; a grey tag under each value gives the customer's own
# count ("their 2nd month"), so the labels stay short enough not to be cut off with "...".
share = older_cohort_share(result)
cols = st.columns(4)
_their = dict(delta_color="off", delta_arrow="off")
cols[0].metric(tr("Still paying in month 1"),
               format_value(result.second_month_retention, "fraction"),
               delta=_their_month(2), **_their,
               help=tr("Share of customers still paying in month 1, the month after their start "
                       "month (month 0): column 1 of the heatmap, all cohorts weighted by "
                       "customers. By revenue: {share}.",
                       share=format_value(result.second_month_revenue_retention, "fraction")),
               border=True)
cols[1].metric(tr("Still paying in month 12"),
               format_value(result.twelve_month_retention, "fraction")
               if result.twelve_month_retention is not None else tr("not yet"),
               delta=_their_month(13), **_their,
               help=tr("Share of customers still paying in month 12 (column 12 of the heatmap). "
                       "Needs at least 13 months of data, months 0 to 12.")
                    + ("" if result.twelve_month_revenue_retention is None else
                       " " + tr("By revenue: {share}.",
                                share=format_value(result.twelve_month_revenue_retention,
                                                   "fraction"))),
               border=True)
churn_month = result.most_common_churn_month
churn_count = (int(result.churn_month_distribution.get(churn_month, 0))
               if churn_month is not None else 0)
if churn_month is not None:
    last_paid = (tr("month 0, their start month") if churn_month == 1
                 else tr("month {n}", n=churn_month - 1))
    cols[2].metric(tr("Most customers leave in"), tr("month {n}", n=churn_month),
                   delta=_their_month(churn_month + 1), **_their,
                   help=tr("{count} of {customers} customers last paid in {last_paid}: month {month} "
                           "({their_month}) is the first month they did not pay, where their row "
                           "of the heatmap drops. No other month lost more customers.",
                           count=format_number(churn_count),
                           customers=format_number(result.customers), last_paid=last_paid,
                           month=churn_month, their_month=_their_month(churn_month + 1)),
                   border=True)
else:
    cols[2].metric(tr("Most customers leave in"), tr("nobody left"),
                   help=tr("Every customer still pays in the last month of the export."),
                   border=True)
cols[3].metric(tr("MRR from older cohorts"), format_value(share.share, "fraction"),
               delta=(tr("cohorts up to {cohort}", cohort=share.cutoff_cohort)
                      if share.share is not None and share.cutoff_cohort else None), **_their,
               help=share.describe() + ".", border=True)
st.caption(tr("{note} - the same months as the columns of the heatmap and the x axis "
              "of the retention curves.", note=tr(MONTHS_NOTE)))

# --- charts --------------------------------------------------------------------------------
METRIC_NAMES = {"logo": mark("Customers (logos)"), "revenue": mark("Revenue (MRR)")}
_ui.keep_choice("cohort_metric")
metric = st.segmented_control(tr("Retention measured by"), ["logo", "revenue"], default="logo",
                              format_func=lambda code: tr(METRIC_NAMES[code]),
                              key="cohort_metric") or "logo"

st.subheader(tr("Cohort heatmap"))
heatmap = cohort_heatmap(result, metric=metric)
_charts.show_chart(heatmap, "cohort_heatmap_chart")
_ui.chart_downloads(heatmap, f"cohort_heatmap_{metric}", "cohort_heatmap")

st.subheader(tr("Retention curves"))
context = dict(st.session_state.get("context") or {})
available = retention_benchmarks(context, _ui.user_and_published_catalogue())
by_id = {b.id: b for b in available}
chosen: list[str] = []
if metric == "logo" and available:
    if "cohort_benchmarks" not in st.session_state or any(
            i not in by_id for i in st.session_state["cohort_benchmarks"]):
        st.session_state["cohort_benchmarks"] = default_retention_benchmarks(available)
    _ui.keep_choice("cohort_benchmarks")
    chosen = st.multiselect(tr("Published benchmarks drawn in"), list(by_id), key="cohort_benchmarks",
                            format_func=lambda i: by_id[i].label)
    st.caption(tr("Monthly customer churn figures from the benchmark catalogue are drawn as "
                  "curves: the share still paying in month k, (1 - churn)^k (annual figures are "
                  "converted to monthly by compounding first). A figure for one month - month-1 "
                  "and 6-month *user* retention (Userpilot; Rachitsky & Winters) - is a diamond "
                  "at that month only; these measure users, not paying customers, so they are "
                  "context only."))
elif metric == "revenue":
    st.caption(tr("Published benchmarks are drawn on customer (logo) retention only."))
curves = retention_with_benchmarks(result, [by_id[i] for i in chosen], metric=metric)
_charts.show_chart(curves, "cohort_curves_chart")
_ui.chart_downloads(curves, f"retention_curves_{metric}", "cohort_curves")

st.subheader(tr("MRR by cohort over time"))
area = mrr_by_cohort_area(result)
_charts.show_chart(area, "cohort_area_chart")
_ui.chart_downloads(area, "mrr_by_cohort", "cohort_area")

# --- revenue numbers into the comparison -------------------------------------------------
st.subheader(tr("Use the revenue numbers in your comparison"))
months = [month_label(m) for m in range(export.first_month + 1, export.last_month + 1)]
if not months:
    st.caption(tr("The export covers a single month: the revenue numbers need a month before it."))
    st.stop()
default_month = (result.revenue_inputs or {}).get("month")
month_index = months.index(default_month) if default_month in months else len(months) - 1
left, right = st.columns(2)
month = left.selectbox(tr("Month"), months, index=month_index, key="cohort_revenue_month",
                       help=tr("The latest complete month by default."))
inputs = revenue_inputs_for_month(export, month)
periods = dict(st.session_state.get("periods") or {})
match = matching_period(periods, month)
targets = [NEW_PERIOD, *periods]
only = next(iter(periods)) if len(periods) == 1 else None
if match:
    default_target = match
elif only is not None and parse_period_label(only) is None:
    default_target = only  # one undated period ("Current period"): most likely the same month
else:
    default_target = NEW_PERIOD
_ui.keep_choice(f"cohort_target_{month}")
target = right.selectbox(
    tr("Put them into"), targets, index=targets.index(default_target),
    format_func=lambda t: tr("a new period {month}", month=month) if t == NEW_PERIOD
    else tr("period {period}", period=t),
    key=f"cohort_target_{month}",
    help=tr("Only the revenue fields of that period are replaced; your funnel numbers stay."))
# one money format in this view: no cents once any amount reaches 100 ("$6,915 / $647 / $90")
currency_code = str(context.get("currency") or "USD")
digits = money_digits(inputs[k] for k in REVENUE_FIELDS
                      if inputs.get(k) is not None and FIELDS_BY_NAME[k].kind == "money")
rows = [{"Field": FIELDS_BY_NAME[k].label,
         "Value": format_value(float(inputs[k]), "currency", currency_code, digits=digits)
         if FIELDS_BY_NAME[k].kind == "money" else format_number(int(inputs[k]))}
        for k in REVENUE_FIELDS if inputs.get(k) is not None]
st.dataframe(pd.DataFrame(rows, columns=["Field", "Value"]), hide_index=True,
             key="cohort_revenue_table",
             column_config={"Field": st.column_config.TextColumn(tr("Field")),
                            "Value": st.column_config.TextColumn(tr("Value"))})
if inputs.get("reactivated_customers"):
    st.caption(tr("{n} customers came back in {month} ({amount} MRR). They count as "
                  "reactivations, not new customers: they add to MRR at the end (which then matches "
                  "the export) but not to CAC or the conversion rates.",
                  n=format_number(inputs["reactivated_customers"]), month=month,
                  amount=format_value(inputs.get("mrr_reactivation"), "currency", currency_code,
                                      digits=digits)))
st.button(tr("Use these revenue numbers in my comparison"), type="primary",
          on_click=_use_revenue, args=(inputs, target, name), key="cohort_use_revenue",
          icon=":material/input:")

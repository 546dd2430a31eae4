"""The cohorts page's messages about an export: what is wrong and what to do about it.

:data:`_ADVICE` and :func:`_what_to_do` turn a row (or file) message of
:func:`funnel_core.inputs.billing_read.read_export` into one sentence on how to fix it;
:func:`_issues_frame` is the table of row messages and :func:`_error_text` the reason an export
could not be used. Used by ``pages/cohorts.py``; the leading underscore keeps Streamlit from
listing this module as a page.
"""

from __future__ import annotations

import pandas as pd

from funnel_core.domain.i18n import mark, tr
from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_export_data import ExportData
from funnel_core.page_state.page_text import escape_markdown as md

__all__ = ["_ADVICE", "_error_text", "_issues_frame", "_what_to_do"]


#: What to do about a row message, by the start of the message (see funnel_core.inputs.billing_normalise).
_ADVICE: tuple[tuple[str, str], ...] = (
    ("missing customer id", mark("Fill in the customer id or name, or delete the row.")),
    ("missing month", mark("Fill in the month, e.g. 2025-03, or delete the row.")),
    ("missing start date", mark("Fill in the start date, e.g. 2025-03-15, or delete the row.")),
    ("unparseable date", mark("Write the date as YYYY-MM or YYYY-MM-DD, e.g. 2025-03.")),
    ("end before start", mark("Correct the start or the end date: the end cannot be before the "
                              "start.")),
    ("starts after the export date", mark("Check the start date: subscriptions that start later "
                                          "are not counted yet.")),
    ("missing mrr", mark("Fill in the amount (0 if nothing was paid that month), or delete the "
                         "row.")),
    ("unparseable amount", mark("Write the amount as a plain number, e.g. 49 or 49.90 (no text).")),
    ("negative mrr", mark("MRR cannot be negative (refunds and credits are not MRR): enter the "
                          "monthly amount, or delete the row.")),
    ("unknown billing period", mark("Write the billing period as month, quarter or year.")),
    ("expected ", mark("This line has a different number of cells than the header: look for an "
                       "unquoted separator (e.g. a comma inside a name).")),
    ("no usable layout", mark("Tell us below which column is the customer, the month (or start "
                              "date) and the MRR.")),
    ("the file is empty", mark("Export the data again; the file has no rows.")),
)


def _what_to_do(message: str, key: str | None = None) -> str:
    """One sentence on how to fix the problem a row (or file) message describes.

    ``key`` is the problem's English name (``RowIssue.key``), which does not change with the
    language of ``message``; without it the English message is read.
    """
    text = (key or message).strip().lower()
    for start, advice in _ADVICE:
        if text.startswith(start):
            return tr(advice)
    if "rows in total" in text:
        return tr("The same fix as for the rows listed above.")
    return tr("Check this in the file, correct it and upload the file again.")


def _issues_frame(export: ExportData) -> pd.DataFrame:
    """One line per message: where (row, column: once each), what is wrong, what to do."""
    rows = [{"Row": "" if issue.row is None else str(issue.row),
             "Column": issue.column or "",
             "Problem": issue.message,
             "What to do": _what_to_do(issue.message, issue.key),
             "Kind": tr("skipped") if issue.severity == "error" else tr("kept, check it")}
            for issue in export.issues]
    return pd.DataFrame(rows, columns=["Row", "Column", "Problem", "What to do", "Kind"])


def _error_text(error: Exception, filename: str) -> str:
    """The reason an export could not be used, each place named once, plus what to do.

    ``CohortInputError`` puts the row and column of the first bad row both in front of its
    message and in the "first problem" part; only the latter is kept here.
    """
    if not isinstance(error, CohortInputError):
        return tr("**{file}** could not be read: {error}. Check that it is a CSV or Excel "
                  "file exported from your billing tool, then upload it again.",
                  file=md(filename), error=md(error))
    head = str(error.summary).strip()
    text = tr("**{file}** could not be used: {problem}.", file=md(error.file or filename),
              problem=md(head))
    first = error.first_issue
    if first is not None:
        text += ("\n\n" + tr("First problem: {problem}.", problem=md(str(first))) + "\n\n"
                 + tr("**What to do:** {advice} No row could be used: correct the file and upload "
                      "it again, or pick the right columns below.",
                      advice=md(_what_to_do(first.message, first.key))))
    else:
        text += "\n\n" + tr("**What to do:** {advice}", advice=md(_what_to_do(head)))
    return text


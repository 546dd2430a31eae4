"""Messages about the user's numbers: where a problem is, what is wrong and what to do next.

The parser and the form report problems with a row, a column and a message; the pages show
them as an error sentence, a Markdown list or a table. A negative value gets a next step with
the user's own number as the example (``Churned MRR 1,200, not -1,200``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from funnel_core.domain.constants import FIELDS
from funnel_core.domain.i18n import mark, tr
from funnel_core.page_state.page_text import escape_markdown

__all__ = [
    "LOSS_FIELDS", "describe_issue", "error_text", "issue_message", "issues_frame",
    "issues_markdown", "negative_next_step", "sentence",
]

#: Fields that hold an amount *lost*: people tend to type them as negative numbers.
LOSS_FIELDS: frozenset[str] = frozenset({"mrr_contraction", "mrr_churned", "customers_churned"})

_NEGATIVE_RE = re.compile(r"'(?P<shown>[^']*)' is negative[;,] (?:and )?(?P<label>.+?) cannot be below zero")


def sentence(text: str) -> str:
    """``text`` stripped and ending in exactly one full stop (or its own ``!`` / ``?``)."""
    text = text.strip()
    while text.endswith(".."):
        text = text[:-1]
    return text if text.endswith((".", "!", "?")) else text + "."


def _where(issue: Any) -> list[str]:
    """``["row 4", "column 'value'"]``: the parts of the place an issue names."""
    where = []
    row = getattr(issue, "row", None)
    column = getattr(issue, "column", None)
    if row is not None:
        where.append(tr("row {row}", row=row))
    if column not in (None, ""):
        where.append(tr("column '{column}'", column=column))
    return where


# --------------------------------------------------------------------------------------
# what to do next, for messages the parser gives without a next step
# --------------------------------------------------------------------------------------

def _positive_text(shown: str) -> str:
    text = shown.strip()
    if text.startswith("(") and text.endswith(")"):
        return text[1:-1].strip()
    return text.lstrip("-\u2212\u2013\u2014 ").strip()


def negative_next_step(label: str, shown: str, where: str = "cell") -> str:
    """What to do about a negative value, with the user's own number as the example.

    ``"Enter amounts lost as positive numbers: Churned MRR 1,200, not -1,200."``
    """
    example = tr("{label} {number}, not {shown}", label=label, number=_positive_text(shown) or "1,200",
                 shown=shown.strip())
    spec = next((s for s in FIELDS if label in (s.label, tr(s.label))), None)
    if spec is not None and spec.name in LOSS_FIELDS:
        return tr("Enter amounts lost as positive numbers: {example}.", example=example)
    if where == "field":
        return tr("Enter it as a positive number ({example}) or leave the field empty; amounts lost, "
                  "such as churned MRR, are positive numbers too.", example=example)
    if where == "cell":
        return tr("Enter it as a positive number ({example}) or leave the cell empty; amounts lost, "
                  "such as churned MRR, are positive numbers too.", example=example)
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
        step = tr("For example: {label} {number}, not {shown}.", label=match["label"],
                  number=_positive_text(match["shown"]), shown=match["shown"])
    return f"{sentence(message)} {step}"


# --------------------------------------------------------------------------------------
# one issue, a list of issues
# --------------------------------------------------------------------------------------

def describe_issue(issue: Any) -> str:
    """``"file.csv, row 4, column 'value': message"`` from a ParseIssue (or any similar object)."""
    if issue is None:
        return ""
    parts = []
    file = getattr(issue, "file", None)
    if file:
        parts.append(str(file))
    parts += _where(issue)
    message = issue_message(issue)
    return (", ".join(parts) + ": " + message) if parts else message


def error_text(issue: Any, headline: str, todo: str) -> str:
    """A user-facing error: bold headline, where (row, column), what is wrong, what to do.

    ``"**Could not read funnel.csv.** Row 4, column 'value': '-5' is negative. Fix ..."``

    Markdown: the place and the message (which may quote the file's cells) are escaped with
    :func:`~funnel_core.page_state.page_text.escape_markdown`; ``headline`` and ``todo`` are
    the page's own words, and a file name in them must be escaped by the caller.
    """
    where = _where(issue)
    body = escape_markdown(sentence(issue_message(issue)))
    if where:
        text = ", ".join(where)
        body = escape_markdown(text[0].upper() + text[1:]) + ": " + body
    return f"**{sentence(headline)}** {body} {sentence(todo)}"


def issues_markdown(issues: Iterable[Any]) -> str:
    """Row-level problems as a Markdown list: ``- **Error** · row 6, column 'B': message``.

    The place and the message (which may quote the file's cells) are escaped for Markdown.
    """
    lines = []
    for issue in issues:
        level = escape_markdown(_level(issue))
        where = escape_markdown(", ".join(_where(issue)))
        message = escape_markdown(issue_message(issue))
        lines.append(f"- **{level}**" + (f" · {where}" if where else "") + f": {message}")
    return "\n".join(lines)


_LEVELS: dict[str, str] = {"error": mark("Error"), "warning": mark("Warning"), "info": mark("Info")}


def _level(issue: Any) -> str:
    """An issue's level as shown: ``Error``, ``Warning``."""
    level = str(getattr(issue, "level", "warning"))
    return tr(_LEVELS[level]) if level in _LEVELS else level.capitalize()


def issues_frame(issues: Iterable[Any]) -> pd.DataFrame:
    """Row-level problems as a table: Level, Where, Problem."""
    rows = []
    for issue in issues:
        rows.append({"Level": _level(issue),
                     "Where": ", ".join(_where(issue)) or (getattr(issue, "file", None) or ""),
                     "Problem": getattr(issue, "message", str(issue))})
    return pd.DataFrame(rows, columns=["Level", "Where", "Problem"])

"""What can go wrong reading a billing export, and how it is told.

A file that cannot be used at all (unreadable, no recognisable layout, no good row) raises
:class:`CohortInputError`. Problems with single rows never stop the import: the row is
skipped (or kept, for a warning) and a :class:`RowIssue` names the 1-based spreadsheet row,
the column and the problem. :class:`RowIssueLog` collects them vectorised while the rows
are checked, keeping the first :data:`MAX_ROW_ISSUES` row messages and a total per problem.

Messages are written in the current language (:func:`~funnel_core.domain.i18n.tr`) when the
problem is found; :attr:`RowIssue.key` and :attr:`CohortInputError.first_issue` keep what
code needs to know about a problem without reading its (translated) text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from funnel_core.domain.i18n import tr, tr_n
from funnel_core.inputs.limits import whole_number

__all__ = [
    "MAX_ROW_ISSUES",
    "CohortInputError",
    "RowIssue",
    "RowIssueLog",
    "quote_cell",
]

#: At most this many row-level messages are kept; the rest are summed up per problem.
MAX_ROW_ISSUES = 200


class CohortInputError(ValueError):
    """The export cannot be used: no recognisable layout, unreadable file, no good rows.

    Attributes
    ----------
    file : name of the file (as given by the caller).
    row : 1-based spreadsheet row of the problem, or ``None`` when it is file-wide.
    column : source column of the problem, or ``None``.
    problem : the message without the file name.
    summary : the problem without its "first problem" part (for a file without any good
        row: "no usable rows (...)"); the same as ``problem`` otherwise.
    first_issue : the first row problem of a file without any good row, else ``None``.
    """

    def __init__(self, file: str, problem: str, *, row: int | None = None,
                 column: str | None = None, locate: bool = True, summary: str | None = None,
                 first_issue: RowIssue | None = None) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.problem = problem
        self.summary = problem if summary is None else summary
        self.first_issue = first_issue
        where = [file]
        if row is not None and locate:  # locate=False: the problem text names the place already
            where.append(tr("row {row}", row=row))
        if column is not None and locate:
            where.append(tr("column {column}", column=repr(column)))
        super().__init__(f"{', '.join(where)}: {problem}")


@dataclass(frozen=True)
class RowIssue:
    """One problem found while reading the export.

    Attributes
    ----------
    row : 1-based spreadsheet row, ``None`` for a file-wide note.
    column : source column concerned, ``None`` when not about one column.
    message : what is wrong, in plain words (in the language of the reader's caller).
    severity : ``"error"`` (the row was skipped) or ``"warning"`` (kept, but check it).
    key : what kind of problem it is, in English whatever the language of ``message``
        (``"missing month"``, ``"unparseable date"``, ``"expected columns"``...), for code
        that reacts to the kind of problem; ``None`` for a note without one. Not compared.
    """

    row: int | None
    column: str | None
    message: str
    severity: Literal["error", "warning"] = "error"
    key: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict ``{"row", "column", "message", "severity"}``."""
        return {"row": self.row, "column": self.column, "message": self.message,
                "severity": self.severity}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(tr("row {row}", row=self.row))
        if self.column is not None:
            where.append(tr("column {column}", column=repr(self.column)))
        prefix = (", ".join(where) + ": ") if where else ""
        return f"{prefix}{self.message}"


class RowIssueLog:
    """Collects row-level problems vectorised, keeps the first messages.

    ``skip`` marks the data rows that had an error; ``row_number`` turns data row indices
    into spreadsheet rows for the messages.
    """

    def __init__(self, n_rows: int, row_number: Callable[[np.ndarray], np.ndarray]) -> None:
        self.n_rows = n_rows
        self.row_number = row_number
        self.skip = np.zeros(n_rows, dtype=bool)
        self._rows: list[tuple[int, int, int, RowIssue]] = []
        self._totals: list[tuple[str | None, str, int, str]] = []
        self.file_notes: list[RowIssue] = []

    def flag(self, mask: np.ndarray, column: str | None, what: str,
             message: Callable[[int], str], *,
             severity: Literal["error", "warning"] = "error") -> int:
        """Record rows where ``mask`` is true and not already skipped.

        ``what`` is the problem's English name (marked with
        :func:`~funnel_core.domain.i18n.mark`; translated where totals show it, and kept as
        :attr:`RowIssue.key`). ``message(i)`` builds the text for data row index ``i``
        (called for the first :data:`MAX_ROW_ISSUES` rows only). Errors mark the rows as
        skipped. Returns the number of rows flagged.
        """
        if not mask.any():
            return 0
        mask = mask & ~self.skip
        idx = np.flatnonzero(mask)
        if not len(idx):
            return 0
        if severity == "error":
            self.skip |= mask
        which = len(self._totals)
        self._totals.append((column, what, len(idx), severity))
        head = idx[:MAX_ROW_ISSUES]
        for i, r in zip(head, self.row_number(head)):
            self._rows.append((int(r), len(self._rows), which,
                               RowIssue(int(r), column, message(int(i)), severity, what)))
        return len(idx)

    def note(self, message: str, *, column: str | None = None,
             severity: Literal["error", "warning"] = "warning", key: str | None = None) -> None:
        """A file-wide remark (no row); ``key`` names its kind in English (see
        :attr:`RowIssue.key`)."""
        self.file_notes.append(RowIssue(None, column, message, severity, key))

    def result(self) -> list[RowIssue]:
        """File notes, then row messages by row (capped), then totals of the rest."""
        rows = sorted(self._rows, key=lambda t: (t[0], t[1]))[:MAX_ROW_ISSUES]
        shown = [0] * len(self._totals)
        for _, _, which, _ in rows:
            shown[which] += 1
        out = list(self.file_notes) + [t[3] for t in rows]
        for (column, what, n, severity), k in zip(self._totals, shown):
            if n > k:
                text = tr_n("{what}: {count} rows in total ({rest} not listed one by one)",
                            "{what}: {count} rows in total ({rest} not listed one by one)", n,
                            what=tr(what), count=whole_number(n), rest=whole_number(n - k))
                out.append(RowIssue(None, column, text, severity, what))
        return out


def quote_cell(value: object) -> str:
    """A cell value quoted for a message: ``12.0`` -> ``'12'``, long text cut at 40
    characters."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


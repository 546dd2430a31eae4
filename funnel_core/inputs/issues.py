"""What reading an input gives back: the numbers found, and the problems met on the way.

:class:`ParseIssue` is one problem, with the file, row and column the user sees in a
spreadsheet (header = row 1); :class:`InputError` is raised when the whole input cannot be
used (empty, unreadable, no metric recognised); :class:`ParsedInput` holds the numbers, the
context and the issues of one file, sheet or paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from funnel_core.domain.i18n import tr

__all__ = ["InputError", "ParseIssue", "ParsedInput"]


@dataclass
class ParseIssue:
    """One problem found while reading the input.

    Attributes
    ----------
    level : {"error", "warning"}
        ``error``: the cell or row was skipped. ``warning``: it was read, but check it.
    message : str
        What is wrong and what to do.
    file : str or None
        The source name (file name or ``"pasted text"``).
    row : int or None
        1-based row as the user sees it in a spreadsheet (header = row 1).
    column : str or None
        The column's header text, or its letter when it has none.
    hint : str or None
        What to do on the command line (``--number-format de``); the message itself names
        no command-line flag, so the web page can show it as it is.
    """

    level: Literal["error", "warning"]
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(tr("row {row}", row=self.row))
        if self.column:
            parts.append(tr("column '{column}'", column=self.column))
        prefix = ", ".join(parts)
        return tr("{where}: {message}", where=prefix, message=self.message) if prefix else self.message


class InputError(ValueError):
    """The whole input cannot be used (empty, unreadable, nothing recognised).

    Attributes
    ----------
    issue : ParseIssue
        The problem, with level ``error``.
    """

    def __init__(self, issue: ParseIssue | str, *, file: str | None = None) -> None:
        if isinstance(issue, str):
            issue = ParseIssue("error", issue, file=file)
        self.issue = issue
        super().__init__(str(issue))


@dataclass
class ParsedInput:
    """Numbers read from one file, sheet or paste.

    Attributes
    ----------
    layout : {"long", "wide"}
        ``long``: one value per metric (one period). ``wide``: several periods, one row per
        period, or metrics in rows with one column per period.
    periods : list of str
        Period labels in chronological order (long: one label, ``"current"`` unless the
        input names its period).
    values : dict
        Period label -> canonical field -> value. Skipped cells are absent.
    context : dict
        Context keys found (``period`` as month/quarter/year, ``currency`` as an ISO code,
        ``trial_type``, ``motion``, ``acv_band``, ``product_category``).
    latest_period : str
        The label of the period that is compared (the last of ``periods``).
    unknown : list of str
        Metric names or column headers not recognised (and not mapped to None).
    mapping : dict
        Source column/metric text -> canonical field or context key (None = ignored).
    issues : list of ParseIssue
        Row-level errors (cells skipped) and warnings.
    number_convention : str
        ``"en"`` or ``"de"``, as detected or given.
    source_name : str
    sheet : str or None
        The workbook sheet read (None for CSV and pasted text).
    """

    layout: Literal["long", "wide"]
    periods: list[str]
    values: dict[str, dict[str, float]]
    context: dict[str, str]
    latest_period: str
    unknown: list[str]
    mapping: dict[str, str | None]
    issues: list[ParseIssue]
    number_convention: str
    source_name: str
    sheet: str | None = None

    def latest(self) -> dict[str, float]:
        """Return the values of the latest period (a copy).

        Returns
        -------
        dict
            Canonical field -> value.
        """
        return dict(self.values.get(self.latest_period, {}))

    @property
    def errors(self) -> list[ParseIssue]:
        """The issues of level ``error``."""
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[ParseIssue]:
        """The issues of level ``warning``."""
        return [i for i in self.issues if i.level == "warning"]

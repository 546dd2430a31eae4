"""Names this app's own files write that are bookkeeping, not funnel numbers.

The workbook the app and the command line write (sheet "Inputs") has, below the numbers,
rows such as ``report_date``, ``period_label``, ``note`` and ``warning``. When that workbook
is read back they are recognised as ours: the report date, notes and warnings are ignored
quietly (no "not recognised" warning), and ``period_label`` names the period the numbers
belong to (``2025-06``), so the period comes back as it was saved.

:func:`own_name_role` says which of the two a name is; everything else is ``None``.
Matching ignores case, spaces and punctuation (:func:`funnel_core.inputs.name_keys.normalise_text`).
"""

from __future__ import annotations

from funnel_core.inputs.name_keys import normalise_text

__all__ = ["IGNORED", "OWN_IGNORED_NAMES", "PERIOD_LABEL", "PERIOD_LABEL_NAMES", "own_name_role"]

#: Role of a bookkeeping row that carries nothing to read.
IGNORED = "ignored"
#: Role (and pseudo context key) of the row that names the compared period.
PERIOD_LABEL = "period_label"

#: Rows our workbook writes that carry no funnel number: key and label of each.
OWN_IGNORED_NAMES: tuple[str, ...] = ("report_date", "Report date", "note", "warning")
#: The row naming the period the numbers belong to: key and label.
PERIOD_LABEL_NAMES: tuple[str, ...] = ("period_label", "Period compared")

_ROLES: dict[str, str] = {
    **{normalise_text(name): IGNORED for name in OWN_IGNORED_NAMES},
    **{normalise_text(name): PERIOD_LABEL for name in PERIOD_LABEL_NAMES},
}


def own_name_role(text: object) -> str | None:
    """The role of one of our own bookkeeping names, else ``None``.

    Parameters
    ----------
    text : object
        A metric name or column header as written (``"report_date"``, ``"Period compared"``).

    Returns
    -------
    str or None
        :data:`IGNORED` for rows to skip quietly, :data:`PERIOD_LABEL` for the row that names
        the period, ``None`` for every other name (it is matched as a field or context key).
    """
    if text is None:
        return None
    return _ROLES.get(normalise_text(text))

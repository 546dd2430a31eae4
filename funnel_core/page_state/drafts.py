"""What was typed in the form but not applied yet: kept as data, never lost.

The form's text fields show the stored numbers (:func:`funnel_core.page_state.form.form_texts`).
Whatever the user types that differs from them is a *draft*: ``{field: text}``, kept in the
session as plain data (not as widget values, which Streamlit forgets when another page is
shown). The form shows the draft over the stored numbers, every page says how many fields are
waiting to be applied (:func:`unapplied_text`), and Apply reads the draft like the rest of
the form.
"""

from __future__ import annotations

from collections.abc import Mapping

from funnel_core.domain.constants import FIELD_NAMES, FIELDS_BY_NAME
from funnel_core.domain.i18n import tr, tr_n

__all__ = ["pending_fields", "shown_texts", "unapplied_text", "update_draft"]


def _same(a: object, b: object) -> bool:
    return str(a or "").strip() == str(b or "").strip()


def update_draft(draft: Mapping[str, str] | None, name: str, text: object,
                 shown: Mapping[str, str] | None) -> dict[str, str]:
    """The draft after field ``name`` was set to ``text``.

    A text equal to what the form shows for the stored number (or an empty text where nothing
    is stored) is no draft: the field is dropped from it. Unknown fields are ignored.
    """
    out = {k: v for k, v in (draft or {}).items() if k in FIELDS_BY_NAME}
    if name not in FIELDS_BY_NAME:
        return out
    if _same(text, (shown or {}).get(name, "")):
        out.pop(name, None)
    else:
        out[name] = "" if text is None else str(text)
    return out


def pending_fields(draft: Mapping[str, str] | None, shown: Mapping[str, str] | None) -> list[str]:
    """Fields whose typed text differs from the stored number, in the form's order."""
    draft = draft or {}
    shown = shown or {}
    return [name for name in FIELD_NAMES if name in draft and not _same(draft[name], shown.get(name, ""))]


def shown_texts(draft: Mapping[str, str] | None, shown: Mapping[str, str] | None) -> dict[str, str]:
    """What each text field shows: the draft where there is one, else the stored number."""
    draft = draft or {}
    shown = shown or {}
    return {name: str(draft[name]) if name in draft else str(shown.get(name, ""))
            for name in FIELD_NAMES}


def unapplied_text(names: list[str], *, listed: int = 3) -> str:
    """``"3 fields typed but not applied yet: Website visitors, Leads, New MRR"``.

    At most ``listed`` field labels are named (``"... and 2 more"``); ``""`` for no field.
    """
    if not names:
        return ""
    labels = [tr(FIELDS_BY_NAME[n].label) for n in names if n in FIELDS_BY_NAME]
    shown = ", ".join(labels[:listed])
    if len(labels) > listed:
        shown += tr(" and {n} more", n=len(labels) - listed)
    return tr_n("{n} field typed but not applied yet: {fields}",
                "{n} fields typed but not applied yet: {fields}", len(names), fields=shown)

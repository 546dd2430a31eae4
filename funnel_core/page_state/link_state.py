"""The session's data and the page's link: what goes into the link, and what a link restores.

The pages keep plain data in their session (:mod:`funnel_core.page_state.snapshot_state`):
``periods``, ``selected_period``, ``context``, ``source_note``, ``user_catalogue`` (the
user's own benchmark rows) and ``form_draft`` (typed in the form, not applied yet). :func:`link_for_state` turns that data into the text of the
page's ``?s=`` parameter (:mod:`funnel_core.page_state.share_link`), or says why there is none;
:func:`state_from_link` turns a link back into the same data, validating the user's benchmark
rows with the catalogue loader. :func:`share_url` is the address to copy.

A fresh app (no numbers, the default context, no own benchmarks) has no link. Cohort uploads
never travel: they are too large for an address and stay in the session.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from funnel_core.benchmarks.catalogue import CatalogueError, load_catalogue_bytes
from funnel_core.benchmarks.catalogue_schema import CATALOGUE_COLUMNS, FILTER_COLUMNS, OPTIONAL_COLUMNS
from funnel_core.domain.i18n import mark, tr, tr_n
from funnel_core.page_state.share_link import LINK_PARAM, LinkError, decode_state, encode_state
from funnel_core.page_state.snapshot_state import CONTEXT_LABELS, default_context
from funnel_core.page_state.sources_tables import rows_from_benchmarks

__all__ = [
    "LINK_DATA_KEYS", "LINK_NOTE", "LINK_NOTE_KEY", "LinkPlan", "catalogue_csv", "context_dropped_note",
    "link_for_state", "share_url", "state_from_link",
]

#: The session keys a link carries.
LINK_DATA_KEYS: tuple[str, ...] = ("periods", "selected_period", "context", "source_note",
                                   "user_catalogue", "form_draft")

#: Session key of a note about a link that was opened with something left out (shown once).
LINK_NOTE_KEY = "_link_note"

#: Said wherever the link is offered.
LINK_NOTE = mark("This page's link holds your numbers: bookmark it or send it, and it opens the same "
             "comparison. The numbers travel in the link itself; nothing is stored on the server.")

#: Name given to benchmark rows restored from a link that did not say their file's name.
_LINK_CATALOGUE_NAME = "your benchmarks (from the link)"

_CSV_COLUMNS: tuple[str, ...] = tuple(CATALOGUE_COLUMNS) + tuple(
    c for c in OPTIONAL_COLUMNS if c not in CATALOGUE_COLUMNS)


@dataclass(frozen=True)
class LinkPlan:
    """What the page's link should say.

    Attributes
    ----------
    text : the value of the ``s`` parameter, or ``None`` when there is nothing to carry (a fresh
        app) or it does not fit.
    problem : why the numbers are not in the link (too many periods), for the user; else ``None``.
    catalogue_left_out : the user's own benchmarks are too large for the link and were left out.
    """

    text: str | None
    problem: str | None = None
    catalogue_left_out: bool = False


# --------------------------------------------------------------------------------------
# the user's own benchmark rows as catalogue CSV
# --------------------------------------------------------------------------------------

def _cell(column: str, value: Any) -> str:
    """One catalogue cell as the loader reads it: filters joined by ``;``, exact numbers."""
    if value is None:
        return ""
    if column in FILTER_COLUMNS:
        items = value if isinstance(value, (list, tuple)) else [value]
        return ";".join(str(v) for v in items)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    return str(value)


def catalogue_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The user's benchmark rows (:func:`rows_from_benchmarks`) as a catalogue CSV file's text.

    :func:`funnel_core.benchmarks.catalogue.load_catalogue_bytes` reads it back to the same
    benchmarks (floats are written with ``repr``, so they come back exactly).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(column, row.get(column)) for column in _CSV_COLUMNS])
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# session data <-> link
# --------------------------------------------------------------------------------------

def _is_fresh(data: Mapping[str, Any]) -> bool:
    context = {**default_context(), **(data.get("context") or {})}
    return (not data.get("periods") and not data.get("user_catalogue")
            and not data.get("form_draft") and context == default_context())


def link_for_state(data: Mapping[str, Any]) -> LinkPlan:
    """The link text for the session's data (the keys of :data:`LINK_DATA_KEYS`).

    Returns
    -------
    LinkPlan
        ``text`` is ``None`` for a fresh app, and when the numbers are too many for a link
        (then ``problem`` says so and what to do instead).
    """
    if _is_fresh(data):
        return LinkPlan(None)
    rows = data.get("user_catalogue") or []
    catalogue = catalogue_csv(rows) if rows else None
    name = str(rows[0].get("origin") or "") if rows else None
    try:
        text, left_out = encode_state(data.get("periods") or {}, data.get("selected_period"),
                                      data.get("context"), catalogue,
                                      source_note=data.get("source_note"), catalogue_name=name,
                                      draft=data.get("form_draft"))
    except LinkError as exc:
        return LinkPlan(None, problem=tr("The page's link cannot hold your numbers: {reason}.", reason=exc))
    return LinkPlan(text, catalogue_left_out=left_out)


def state_from_link(text: str) -> dict[str, Any]:
    """The session data a link restores (the keys of :data:`LINK_DATA_KEYS`).

    Raises
    ------
    LinkError
        With a message for the user when the link cannot be read, or its benchmark rows are
        not a valid catalogue; nothing is half-restored.
    """
    state = decode_state(text)
    rows = None
    if state.user_catalogue_csv:
        name = state.catalogue_name or _LINK_CATALOGUE_NAME
        try:
            benchmarks = load_catalogue_bytes(state.user_catalogue_csv.encode("utf-8"), name)
        except CatalogueError as exc:
            raise LinkError(tr("the link's own benchmarks cannot be used: {reason}", reason=exc)) from None
        rows = rows_from_benchmarks(benchmarks) or None
    context = {**default_context(), **state.context}
    restored = {
        "periods": state.periods,
        "selected_period": state.selected_period,
        "context": context,
        "source_note": state.source_note,
        "user_catalogue": rows,
        "form_draft": state.draft,
    }
    if state.context_dropped:
        restored[LINK_NOTE_KEY] = context_dropped_note(state.context_dropped)
    return restored


def context_dropped_note(keys: Sequence[str]) -> str:
    """What the user is told when some of the link's segment choices could not be used."""
    names = ", ".join(tr(CONTEXT_LABELS.get(key, key)) for key in keys)
    return tr_n("The link's choice for {names} could not be used and is back at its default; "
                "your numbers are restored.",
                "The link's choices for {names} could not be used and are back at their defaults; "
                "your numbers are restored.", len(keys), names=names)


def share_url(base_url: str | None, text: str | None, language: str | None = None) -> str | None:
    """The address to copy: the page's address with the state, or ``None`` without a state.

    ``base_url`` is the page's address without a query (``https://host/results``); without
    it only the query part (``?s=...``) is returned. ``language`` (``"de"``), when given and not
    English, is added as ``&lang=de`` so the link opens in the sender's language.
    """
    if not text:
        return None
    lang = f"&lang={language}" if language and language != "en" else ""
    return f"{(base_url or '').split('?', 1)[0]}?{LINK_PARAM}={text}{lang}"

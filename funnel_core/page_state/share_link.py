"""The page's link carries the user's numbers: encode and decode the shareable state.

What travels in the link (query parameter ``s``): every stored period with its values, the
period being compared, the context (period length, segment, currency), where the numbers came
from (the line the sidebar shows), what was typed in the form but not applied yet and, when
it fits, the user's own benchmark rows with the name of their file. Nothing is stored on the server: a reload, or the same link opened
in another browser, restores the comparison from the link alone. Cohort uploads are too large
for a link and stay in the browser session only.

Format, version 1: ``"1." + base64url(zlib(json))`` without padding, where the JSON is
``{"p": [[label, {field: value, ...}], ...], "s": selected label, "c": {context},
"n": source note, "d": {field: typed text}, "b": csv, "bn": name of the benchmark file}``
("s", "n", "d", "b" and "bn" only when there is one).
Values are written in the shortest form that reads back exactly, so a round trip gives the
same numbers.

Decoding treats the link as hostile: its length, the inflated size, the number of periods
and every value are bounded and validated by the same rules as typed input
(:class:`funnel_core.domain.model.Snapshot`); anything wrong gives :class:`LinkError` with a
message for the user, never another exception.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from funnel_core.domain.constants import FIELDS_BY_NAME
from funnel_core.domain.i18n import tr, tr_n
from funnel_core.domain.model import Context, Snapshot, SnapshotError

#: The query parameter that holds the state.
LINK_PARAM = "s"
#: The current format version (the prefix before the dot).
LINK_VERSION = "1"
#: Longest link state we write or read, in characters. Browsers and proxies accept about
#: 8,000 characters in a URL; this leaves room for the address itself.
MAX_LINK_CHARS = 6000
#: Largest inflated JSON we accept (a guard against compression bombs).
MAX_INFLATED_BYTES = 256 * 1024
#: Most periods a link may carry (ten years of months).
MAX_PERIODS = 120
#: Longest period label.
MAX_LABEL_CHARS = 40
#: Longest source note (where the numbers came from) and benchmark file name kept.
MAX_NOTE_CHARS = 200
MAX_NAME_CHARS = 100
#: Longest text of one field typed but not applied.
MAX_DRAFT_CHARS = 40
_CONTEXT_KEYS = tuple(f.name for f in fields(Context))


class LinkError(ValueError):
    """A link that cannot be read; the message is for the user."""


@dataclass(frozen=True)
class LinkState:
    """What a link restores.

    Attributes
    ----------
    periods : period label -> {canonical field: value}, in the stored order.
    selected_period : the label being compared, or ``None`` for the latest.
    context : the context dict as the pages store it (``None`` for "not said").
    user_catalogue_csv : the user's own benchmark rows as CSV text, or ``None``.
    catalogue_left_out : ``True`` when the user's benchmark rows were too large for the link.
    source_note : where the numbers came from (``"typed in the form"``), or ``None``.
    catalogue_name : the name of the user's benchmark file, or ``None``.
    draft : field -> text typed in the form but not applied yet (texts, not numbers: they are
        read when the user applies them).
    context_dropped : the context keys whose value in the link was none of their choices;
        they are left at their default (the numbers are restored all the same).
    """

    periods: dict[str, dict[str, float]] = field(default_factory=dict)
    selected_period: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    user_catalogue_csv: str | None = None
    catalogue_left_out: bool = False
    source_note: str | None = None
    catalogue_name: str | None = None
    draft: dict[str, str] = field(default_factory=dict)
    context_dropped: tuple[str, ...] = ()


def _compact(value: float) -> float | int:
    """Whole numbers without ``.0``; others in the shortest form that reads back exactly."""
    number = float(value)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _pack(payload: Mapping[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    packed = zlib.compress(raw.encode("utf-8"), 9)
    return LINK_VERSION + "." + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def encode_state(periods: Mapping[str, Mapping[str, float]], selected_period: str | None,
                 context: Mapping[str, Any] | None, user_catalogue_csv: str | None = None, *,
                 source_note: str | None = None, catalogue_name: str | None = None,
                 draft: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """The link text for this state.

    ``source_note`` and ``catalogue_name`` are cut to :data:`MAX_NOTE_CHARS` and
    :data:`MAX_NAME_CHARS`; ``draft`` (field -> typed text) keeps known fields only, each text
    cut to :data:`MAX_DRAFT_CHARS`.

    Returns
    -------
    (text, catalogue_left_out): ``text`` is at most :data:`MAX_LINK_CHARS` long. The user's
    benchmark rows are left out (and the flag is ``True``) when they would make it longer.
    Raises :class:`LinkError` when the numbers alone do not fit (more periods than a link holds).
    """
    payload: dict[str, Any] = {
        "p": [[str(label), {k: _compact(v) for k, v in values.items() if v is not None}]
              for label, values in periods.items()],
        "c": {k: v for k, v in (context or {}).items() if k in _CONTEXT_KEYS and v is not None},
    }
    if selected_period is not None:
        payload["s"] = selected_period
    if source_note:
        payload["n"] = str(source_note)[:MAX_NOTE_CHARS]
    typed = {k: str(v)[:MAX_DRAFT_CHARS] for k, v in (draft or {}).items() if k in FIELDS_BY_NAME}
    if typed:
        payload["d"] = typed
    if user_catalogue_csv:
        extra = {"b": user_catalogue_csv}
        if catalogue_name:
            extra["bn"] = str(catalogue_name)[:MAX_NAME_CHARS]
        with_catalogue = _pack({**payload, **extra})
        if len(with_catalogue) <= MAX_LINK_CHARS:
            return with_catalogue, False
    text = _pack(payload)
    if len(text) > MAX_LINK_CHARS:
        raise LinkError(tr_n("these numbers are too many for a link ({n} periods); download the Excel "
                             "workbook instead and upload it again later",
                             "these numbers are too many for a link ({n} periods); download the Excel "
                             "workbook instead and upload it again later", len(periods)))
    return text, bool(user_catalogue_csv)


def _inflate(text: str) -> bytes:
    if len(text) > MAX_LINK_CHARS:
        raise LinkError(tr("the link is longer than any link this app writes; it may have been changed"))
    version, dot, body = text.partition(".")
    if not dot:
        raise LinkError(tr("the link's numbers are not in a form this app writes; it may be incomplete"))
    if version != LINK_VERSION:
        raise LinkError(tr("the link was written by a different version of this app (format {format})",
                           format=repr(version[:8])))
    try:
        packed = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise LinkError(tr("the link's numbers are damaged (it may have been cut off when copied)")) from None
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(packed, MAX_INFLATED_BYTES)
    except zlib.error:
        raise LinkError(tr("the link's numbers are damaged (it may have been cut off when copied)")) from None
    if inflater.unconsumed_tail:
        raise LinkError(tr("the link holds more data than this app ever writes"))
    if not inflater.eof:
        raise LinkError(tr("the link's numbers are incomplete (it may have been cut off when copied)"))
    return raw


def _values(label: str, raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise LinkError(tr("period {period} in the link has no numbers", period=repr(label)))
    values: dict[str, float] = {}
    for name, value in raw.items():
        if name not in FIELDS_BY_NAME:
            raise LinkError(tr("the link names an unknown field {name}", name=repr(str(name)[:40])))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise LinkError(tr("{field} in period {period} is not a number",
                               field=tr(FIELDS_BY_NAME[name].label), period=repr(label)))
        values[name] = float(value)
    try:
        Snapshot(values)
    except SnapshotError as exc:
        raise LinkError(tr("period {period}: {reason}", period=repr(label), reason=exc)) from None
    return values


def decode_state(text: str) -> LinkState:
    """The state a link carries; :class:`LinkError` with a user message when it cannot be read."""
    if not isinstance(text, str) or not text:
        raise LinkError(tr("the link carries no numbers"))
    try:
        payload = json.loads(_inflate(text).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise LinkError(tr("the link's numbers are damaged (it may have been changed)")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("p", []), list):
        raise LinkError(tr("the link's numbers are not in a form this app writes"))
    rows = payload.get("p", [])
    if len(rows) > MAX_PERIODS:
        raise LinkError(tr_n("the link holds {n} periods; at most {most} are read",
                             "the link holds {n} periods; at most {most} are read", len(rows),
                             most=MAX_PERIODS))
    periods: dict[str, dict[str, float]] = {}
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], str)):
            raise LinkError(tr("a period in the link is not in a form this app writes"))
        label = row[0][:MAX_LABEL_CHARS]
        periods[label] = _values(label, row[1])
    raw_context = payload.get("c", {})
    if not isinstance(raw_context, dict):
        raise LinkError(tr("the link's segment choices are damaged"))
    usable: dict[str, Any] = {}
    dropped: list[str] = []
    for key in _CONTEXT_KEYS:  # one unusable choice costs that choice, never the numbers
        if key not in raw_context:
            continue
        try:
            Context.from_mapping({key: raw_context[key]})
        except (SnapshotError, ValueError, TypeError, AttributeError):
            dropped.append(key)
        else:
            usable[key] = raw_context[key]
    context = Context.from_mapping(usable).to_dict()
    selected = payload.get("s")
    if selected is not None and (not isinstance(selected, str) or selected not in periods):
        selected = None
    catalogue = payload.get("b")
    if catalogue is not None and not isinstance(catalogue, str):
        catalogue = None
    return LinkState(periods=periods, selected_period=selected, context=context,
                     user_catalogue_csv=catalogue,
                     source_note=_text(payload.get("n"), MAX_NOTE_CHARS),
                     catalogue_name=_text(payload.get("bn"), MAX_NAME_CHARS) if catalogue else None,
                     draft=_draft(payload.get("d")), context_dropped=tuple(dropped))


def _draft(raw: Any) -> dict[str, str]:
    """Typed texts from the link: known fields only, short printable texts; else nothing."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, str] = {}
    for name, text in raw.items():
        if name in FIELDS_BY_NAME and isinstance(text, str):
            out[name] = "".join(ch for ch in text[:MAX_DRAFT_CHARS] if ch.isprintable())
    return out


def _text(value: Any, limit: int) -> str | None:
    """A short text from the link: strings only, cut to ``limit``, control characters dropped."""
    if not isinstance(value, str):
        return None
    clean = "".join(ch for ch in value[:limit] if ch.isprintable())
    return clean or None


__all__ = ["LINK_PARAM", "LINK_VERSION", "LinkError", "LinkState", "MAX_LINK_CHARS", "decode_state",
           "encode_state"]

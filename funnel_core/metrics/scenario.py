"""A scenario: the current snapshot with some inputs changed, absolutely or by a percentage.

A change is written ``FIELD=VALUE`` on the command line and held as a :class:`Change`:

- ``leads=500`` sets leads to 500 (an absolute value);
- ``leads=+10%`` or ``leads=-10%`` changes the current value by that share (a sign and a
  ``%`` make a relative change);
- ``gross_margin=85%`` (no sign) sets a fraction field to 0.85; ``gross_margin=0.85`` too.

Validation (:func:`parse_change`, :func:`apply_changes`) raises :class:`ScenarioError` naming
the field and the problem: an unknown field, text that is not a number, a negative count or
amount, a fraction above 100 %, a percentage change of a field that is not in the numbers.
Every other input stays exactly as it was: nothing moves "with" a change here (the targets
in :mod:`funnel_core.benchmarks.targets` say when they move more than one input).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from funnel_core.domain.constants import FIELD_NAMES, FIELDS_BY_NAME
from funnel_core.domain.formatting import format_number
from funnel_core.domain.i18n import tr
from funnel_core.domain.model import Snapshot, SnapshotError

__all__ = ["AppliedChange", "Change", "Scenario", "ScenarioError", "apply_changes", "parse_change",
           "parse_changes", "scenario_from_values"]

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class ScenarioError(ValueError):
    """A change that cannot be part of a scenario; the message names the field and the problem.

    Attributes
    ----------
    field : the field (or the text given for one) the problem is about.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Change:
    """One input changed.

    Attributes
    ----------
    field : canonical field name (``"leads"``).
    value : the new value (absolute) or the change as a fraction of the current value
        (relative: ``0.1`` is +10 %, ``-0.25`` is -25 %).
    relative : ``True`` for a percentage change of the current value.
    """

    field: str
    value: float
    relative: bool = False

    def text(self) -> str:
        """The change as written on the command line: ``leads=+10%``, ``leads=500``."""
        if self.relative:
            return f"{self.field}={self.value * 100:+g}%"
        return f"{self.field}={self.value:g}"


@dataclass(frozen=True)
class AppliedChange:
    """A change with the numbers it produced: ``before`` (``None`` when not given) and ``after``."""

    field: str
    label: str
    before: float | None
    after: float

    def to_dict(self) -> dict:
        return {"field": self.field, "label": self.label, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Scenario:
    """A named set of changes to the current snapshot.

    Attributes
    ----------
    name : what the user called it ("Lower churn").
    changes : the changes, applied in order (a later change of the same field wins).
    """

    name: str
    changes: tuple[Change, ...] = ()

    def apply(self, snapshot: Snapshot) -> tuple[Snapshot, tuple[AppliedChange, ...]]:
        """The changed snapshot and what changed; see :func:`apply_changes`."""
        return apply_changes(snapshot, self.changes)


def _unknown(field: str) -> ScenarioError:
    close = [n for n in FIELD_NAMES if field.lower().replace("-", "_") in n or n in field.lower()]
    if close:
        return ScenarioError(tr("unknown field {field} (did you mean {close}?)", field=repr(field),
                                close=", ".join(close[:3])), field)
    return ScenarioError(tr("unknown field {field}; fields are: {fields}", field=repr(field),
                            fields=", ".join(FIELD_NAMES)), field)


def parse_change(text: str) -> Change:
    """Read ``FIELD=VALUE`` (see the module docstring).

    Raises
    ------
    ScenarioError
        No ``=``, an unknown field, a value that is not a number, an absolute percentage for a
        count or an amount (``leads=10%``: write ``+10%`` to change it by a percentage), a
        negative absolute value, or a fraction above 100 %.
    """
    if "=" not in text:
        raise ScenarioError(tr("{text}: write FIELD=VALUE, e.g. leads=500 or leads=+10%", text=repr(text)),
                            text)
    field, raw = (part.strip() for part in text.split("=", 1))
    if field not in FIELDS_BY_NAME:
        raise _unknown(field)
    spec = FIELDS_BY_NAME[field]
    value = raw.replace(" ", "").replace("_", "")
    percent = value.endswith("%")
    number = value[:-1] if percent else value
    if not _NUMBER.match(number):
        raise ScenarioError(tr("{field}: {value} is not a number (write e.g. {field}=500 or {field}=+10%)",
                               field=field, value=repr(raw)), field)
    amount = float(number)
    if percent and number[0] in "+-":
        change = Change(field, amount / 100, relative=True)
        if change.value < -1 and not _signed(field):
            raise ScenarioError(tr("{field}: {value} would make {label} negative", field=field, value=raw,
                                   label=spec.label), field)
        return change
    if percent:
        if spec.kind != "fraction":
            message = (tr("{field}: {value} is a percentage but {label} is a count; write "
                          "{field}=+{number}% to change it by {number} %", field=field, value=repr(raw),
                          label=spec.label, number=number) if spec.kind == "count" else
                       tr("{field}: {value} is a percentage but {label} is a money amount; write "
                          "{field}=+{number}% to change it by {number} %", field=field, value=repr(raw),
                          label=spec.label, number=number))
            raise ScenarioError(message, field)
        amount /= 100
    return _checked(field, amount)


def _signed(field: str) -> bool:
    """Whether ``field`` may be below zero (net burn, profit margin)."""
    return bool(getattr(FIELDS_BY_NAME[field], "signed", False))


def _checked(field: str, value: float) -> Change:
    """An absolute change, refused when the value cannot be that field's."""
    spec = FIELDS_BY_NAME[field]
    if not math.isfinite(value):
        raise ScenarioError(tr("{field}: {value} is not a finite number", field=field, value=repr(value)),
                            field)
    if value < 0 and not _signed(field):
        raise ScenarioError(tr("{field}: {label} cannot be negative ({value})", field=field, label=spec.label,
                               value=format_number(value)), field)
    if spec.kind == "fraction" and value > 1:
        raise ScenarioError(tr("{field}: {label} is a fraction from 0 to 1 (0.8 or 80%), not {value}",
                               field=field, label=spec.label, value=format(value, "g")), field)
    return Change(field, value)


def parse_changes(texts: Iterable[str]) -> tuple[Change, ...]:
    """Every ``FIELD=VALUE`` of ``texts``; the first bad one raises :class:`ScenarioError`."""
    return tuple(parse_change(t) for t in texts)


def apply_changes(snapshot: Snapshot, changes: Iterable[Change]) -> tuple[Snapshot, tuple[AppliedChange, ...]]:
    """The snapshot with ``changes`` applied, and what each field went from and to.

    A relative change multiplies the current value by ``1 + value``. Fields not named keep
    their value; the context (period, segment, currency) is the baseline's.

    Raises
    ------
    ScenarioError
        A relative change of a field that is not in the numbers, or a result a snapshot cannot
        hold (negative, a fraction above 100 %); the message names the field.
    """
    values = dict(snapshot.values)
    for change in changes:
        field = change.field
        if field not in FIELDS_BY_NAME:
            raise _unknown(field)
        if change.relative:
            current = values.get(field)
            if current is None:
                raise ScenarioError(tr("{field}: {label} is not in your numbers, so it cannot be changed "
                                       "by a percentage; give a value ({field}=...)", field=field,
                                       label=FIELDS_BY_NAME[field].label), field)
            values[field] = _checked(field, current * (1 + change.value)).value
        else:
            values[field] = _checked(field, change.value).value
    try:
        changed = Snapshot(values=values, context=snapshot.context, label=snapshot.label)
    except SnapshotError as exc:  # defensive: _checked refuses these first
        raise ScenarioError(str(exc), exc.field) from None
    applied = tuple(
        AppliedChange(name, FIELDS_BY_NAME[name].label, snapshot.get(name), changed.get(name))  # type: ignore[arg-type]
        for name in FIELD_NAMES
        if changed.get(name) is not None and changed.get(name) != snapshot.get(name))
    return changed, applied


def scenario_from_values(name: str, values: Mapping[str, float]) -> Scenario:
    """A scenario setting each field of ``values`` to its number (absolute changes), checked."""
    return Scenario(name, tuple(_checked(f, float(v)) if f in FIELDS_BY_NAME else _raise(f)
                                for f, v in values.items()))


def _raise(field: str) -> Change:
    raise _unknown(field)

"""The input model: one period of a company's funnel numbers plus the context that picks benchmarks."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from funnel_core.domain.constants import (
    ACV_BANDS,
    ANY,
    ARR_BANDS,
    FUNDING,
    CURRENCIES,
    DEFAULT_CURRENCY,
    SIGNED_FRACTION_FLOOR,
    FIELD_NAMES,
    FIELDS_BY_NAME,
    MOTIONS,
    PERIODS,
    PRODUCT_CATEGORIES,
    TRIAL_TYPES,
)
from funnel_core.domain.i18n import tr


class SnapshotError(ValueError):
    """A value that cannot be part of a snapshot (unknown field, negative count...).

    Attributes
    ----------
    field : the canonical field or context key the problem is about.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Context:
    """What kind of company the numbers come from; selects the matching benchmarks.

    ``None`` for any selector means "not said": every benchmark of the KPI applies and
    the table says which segment each one is for.
    """

    period: str = "month"
    trial_type: str | None = None
    motion: str | None = None
    acv_band: str | None = None
    product_category: str | None = None
    currency: str = DEFAULT_CURRENCY
    #: company size by ARR (:data:`~funnel_core.domain.constants.ARR_BANDS`): the peer group of
    #: the growth and efficiency benchmarks
    arr_band: str | None = None
    #: ``vc`` or ``bootstrapped`` (:data:`~funnel_core.domain.constants.FUNDING`)
    funding: str | None = None

    def __post_init__(self) -> None:
        allowed = {
            "trial_type": TRIAL_TYPES,
            "motion": MOTIONS,
            "acv_band": ACV_BANDS,
            "product_category": PRODUCT_CATEGORIES,
            "arr_band": ARR_BANDS,
            "funding": FUNDING,
        }
        if self.period not in PERIODS:
            raise SnapshotError(
                tr("period must be one of {choices}, not {value}", choices=", ".join(PERIODS),
                   value=repr(self.period)), "period"
            )
        for key, options in allowed.items():
            value = getattr(self, key)
            if value not in (None, ANY) and value not in options:
                raise SnapshotError(
                    tr("{key} must be one of {choices} (or empty), not {value}", key=key,
                       choices=", ".join(options), value=repr(value)), key
                )
        if self.currency not in CURRENCIES:
            raise SnapshotError(
                tr("currency must be one of {choices}, not {value}", choices=", ".join(CURRENCIES),
                   value=repr(self.currency)),
                "currency",
            )

    def selectors(self) -> dict[str, str | None]:
        """The benchmark filters as a plain mapping (``None`` = not said)."""
        return {
            "trial_type": self.trial_type,
            "motion": self.motion,
            "acv_band": self.acv_band,
            "product_category": self.product_category,
            "arr_band": self.arr_band,
            "funding": self.funding,
        }

    def to_dict(self) -> dict[str, str | None]:
        return {
            "period": self.period,
            "trial_type": self.trial_type,
            "motion": self.motion,
            "acv_band": self.acv_band,
            "product_category": self.product_category,
            "currency": self.currency,
            "arr_band": self.arr_band,
            "funding": self.funding,
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "Context":
        """Build a context from loose text (``""`` and ``"any"`` mean not said)."""

        def clean(key: str) -> str | None:
            value = data.get(key)
            if value is None:
                return None
            text = str(value).strip()
            return None if text in ("", ANY) else text

        return cls(
            period=clean("period") or "month",
            trial_type=clean("trial_type"),
            motion=clean("motion"),
            acv_band=clean("acv_band"),
            product_category=clean("product_category"),
            currency=(clean("currency") or DEFAULT_CURRENCY).upper(),
            arr_band=clean("arr_band"),
            funding=clean("funding"),
        )


@dataclass(frozen=True)
class Snapshot:
    """One period of funnel numbers.

    Attributes
    ----------
    values : canonical field name -> non-negative number. Missing fields are simply absent.
    context : the :class:`Context` of the numbers.
    label : what the period is called in the user's data (e.g. ``"2025-06"``), if known.
    """

    values: Mapping[str, float] = field(default_factory=dict)
    context: Context = field(default_factory=Context)
    label: str | None = None

    def __post_init__(self) -> None:
        clean: dict[str, float] = {}
        for name, raw in self.values.items():
            if name not in FIELDS_BY_NAME:
                raise SnapshotError(tr("unknown field {name}", name=repr(name)), name)
            if raw is None:
                continue
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise SnapshotError(tr("{name}: {value} is not a number", name=name, value=repr(raw)),
                                    name) from None
            if math.isnan(value):
                continue
            if math.isinf(value):
                raise SnapshotError(tr("{name}: infinite values are not allowed", name=name), name)
            spec = FIELDS_BY_NAME[name]
            if value < 0 and not spec.signed:
                raise SnapshotError(tr("{label} ({name}) cannot be negative: {value}", label=spec.label,
                                       name=name, value=format(value, "g")), name)
            if spec.signed and spec.kind == "fraction" and value < SIGNED_FRACTION_FLOOR:
                raise SnapshotError(tr("{label} ({name}) below {floor} is not plausible: {value}",
                                       label=spec.label, name=name, floor=format(SIGNED_FRACTION_FLOOR, ".0%"),
                                       value=format(value, "g")), name)
            if FIELDS_BY_NAME[name].kind == "fraction" and value > 1:
                raise SnapshotError(
                    tr("{label} ({name}) is a fraction between 0 and 1 (0.8 for 80 %), not {value}",
                       label=FIELDS_BY_NAME[name].label, name=name, value=format(value, "g")),
                    name,
                )
            clean[name] = value
        # keep canonical order so output is stable
        ordered = {name: clean[name] for name in FIELD_NAMES if name in clean}
        object.__setattr__(self, "values", ordered)

    def get(self, name: str) -> float | None:
        return self.values.get(name)

    def with_values(self, **changes: float | None) -> "Snapshot":
        merged = dict(self.values)
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return replace(self, values=merged)

    def with_context(self, **changes: Any) -> "Snapshot":
        return replace(self, context=replace(self.context, **changes))

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "context": self.context.to_dict(), "values": dict(self.values)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Snapshot":
        return cls(
            values=dict(data.get("values", {})),
            context=Context.from_mapping(data.get("context", {})),
            label=data.get("label"),
        )

"""Trailing figures: a KPI smoothed over the last few periods, so one noisy month does not rule.

- :func:`trailing_clv`: customer lifetime value on the mean monthly customer churn of the last
  six months (as ChartMogul does), with :func:`trailing_churn` its denominator;
- :func:`trailing_conversion_rates`: conversion rates pooled over the last three months
  (sum of conversions / sum of entrants, a weighted average).

The window is found from the period labels (:mod:`funnel_core.inputs.period_keys`): six months
are 6 monthly or 2 quarterly periods. When fewer periods are available the figure uses what
there is and its note says so; when none has the inputs the figure has no value and a reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from funnel_core.domain.constants import FIELDS_BY_NAME, MONTHS_IN_PERIOD
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, tr, tr_n
from funnel_core.domain.json_safe import sanitize
from funnel_core.domain.model import Snapshot
from funnel_core.inputs.period_keys import parse_period_label
from funnel_core.metrics.history import period_labels
from funnel_core.metrics.kpi_formulas import _g
from funnel_core.metrics.kpis import KPIS, KPIS_BY_ID, compute_kpi

__all__ = [
    "TrailingFigure",
    "conversion_rate_ids",
    "trailing_churn",
    "trailing_clv",
    "trailing_conversion_rates",
    "trailing_figures",
]


@dataclass(frozen=True)
class TrailingFigure:
    """A KPI smoothed over the last few periods.

    Attributes
    ----------
    kpi : the KPI id it smooths.
    label : e.g. ``"Customer lifetime value (trailing 6-month)"``.
    value : the figure, ``None`` when it cannot be computed (see ``reason``).
    unit : unit of the value.
    end_period : label of the last period in the window.
    window_months : the window asked for (6 for CLV, 3 for conversion rates).
    periods_wanted : how many periods that window holds (6 months, 2 quarters...).
    periods_used : labels of the periods that contributed.
    method : how the periods were combined, in words.
    calculation : the formula with the numbers in it.
    note : how many periods were used, e.g. ``"4 of 6 months available"``.
    reason : why there is no value.
    """

    kpi: str
    label: str
    value: float | None
    unit: str
    end_period: str
    window_months: int
    periods_wanted: int
    periods_used: tuple[str, ...]
    method: str
    calculation: str | None = None
    note: str = ""
    reason: str | None = None

    @property
    def complete(self) -> bool:
        return len(self.periods_used) >= self.periods_wanted

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "kpi": self.kpi, "label": self.label, "value": self.value, "unit": self.unit,
            "end_period": self.end_period, "window_months": self.window_months,
            "periods_wanted": self.periods_wanted, "periods_used": list(self.periods_used),
            "complete": self.complete, "method": self.method, "calculation": self.calculation,
            "note": self.note, "reason": self.reason,
        })


def _window(snapshots: Sequence[Snapshot], end: str | None,
            months: int) -> tuple[list[tuple[str, Snapshot]], str, int, str]:
    """Periods in the trailing window ending at ``end``.

    Returns (label/snapshot pairs in the window, end label, periods wanted, unit word).
    """
    if not snapshots:
        raise ValueError(tr("no periods given"))
    labels = period_labels(snapshots)
    end_label = labels[-1] if end is None else end
    if end_label not in labels:
        raise ValueError(tr("period {period} is not in the data; periods: {periods}", period=repr(end_label),
                            periods=", ".join(labels)))
    end_index = labels.index(end_label)
    period = snapshots[end_index].context.period
    span = MONTHS_IN_PERIOD.get(period, 1)
    wanted = max(1, math.ceil(months / span))
    unit_word = {"month": "month", "quarter": "quarter", "year": "year"}.get(period, "period")

    end_key = parse_period_label(end_label)
    pairs: list[tuple[str, Snapshot]] = []
    if end_key is not None:
        if end_key.kind == "month":
            lowest = end_key.shifted(-(wanted * span) + 1)
        else:
            lowest = end_key.shifted(-wanted + 1)
        for label, snapshot in zip(labels[: end_index + 1], snapshots[: end_index + 1]):
            key = parse_period_label(label)
            if key is not None and key.kind == end_key.kind and lowest.ordinal <= key.ordinal <= end_key.ordinal:
                pairs.append((label, snapshot))
    else:
        start = max(0, end_index - wanted + 1)
        pairs = list(zip(labels[start: end_index + 1], snapshots[start: end_index + 1]))
    return pairs, end_label, wanted, unit_word


# The window's words by the unit of its periods, with their plural forms (Polish has three):
# each entry is a literal tr_n call so that the messages can be extracted.
_WINDOW_UNITS = {
    "quarter": lambda n, **v: tr_n("trailing {months}-month ({n} quarter)",
                                   "trailing {months}-month ({n} quarters)", n, **v),
    "year": lambda n, **v: tr_n("trailing {months}-month ({n} year)", "trailing {months}-month ({n} years)",
                                n, **v),
    "period": lambda n, **v: tr_n("trailing {months}-month ({n} period)",
                                  "trailing {months}-month ({n} periods)", n, **v),
}
_NONE_IN_WINDOW = {
    "month": lambda n: tr_n("no month with the inputs in the window",
                            "no months with the inputs in the window", n),
    "quarter": lambda n: tr_n("no quarter with the inputs in the window",
                              "no quarters with the inputs in the window", n),
    "year": lambda n: tr_n("no year with the inputs in the window", "no years with the inputs in the window", n),
    "period": lambda n: tr_n("no period with the inputs in the window",
                             "no periods with the inputs in the window", n),
}
_USED = {
    "month": lambda n, **v: tr_n("{n} month used ({span})", "{n} months used ({span})", n, **v),
    "quarter": lambda n, **v: tr_n("{n} quarter used ({span})", "{n} quarters used ({span})", n, **v),
    "year": lambda n, **v: tr_n("{n} year used ({span})", "{n} years used ({span})", n, **v),
    "period": lambda n, **v: tr_n("{n} period used ({span})", "{n} periods used ({span})", n, **v),
}
_ONLY = {
    "month": lambda n, **v: tr_n("only {used} of {n} month available, so the average uses what there is ({span})",
                                 "only {used} of {n} months available, so the average uses what there is "
                                 "({span})", n, **v),
    "quarter": lambda n, **v: tr_n("only {used} of {n} quarter available, so the average uses what there is "
                                   "({span})", "only {used} of {n} quarters available, so the average uses "
                                   "what there is ({span})", n, **v),
    "year": lambda n, **v: tr_n("only {used} of {n} year available, so the average uses what there is ({span})",
                                "only {used} of {n} years available, so the average uses what there is "
                                "({span})", n, **v),
    "period": lambda n, **v: tr_n("only {used} of {n} period available, so the average uses what there is "
                                  "({span})", "only {used} of {n} periods available, so the average uses what "
                                  "there is ({span})", n, **v),
}


def _input_name(name: str) -> str:
    """An input in running text: its canonical name in English (as always), its label otherwise."""
    return name if current_language() == DEFAULT_LANGUAGE else FIELDS_BY_NAME[name].label


def _window_label(months: int, wanted: int, unit_word: str) -> str:
    if unit_word == "month":
        return tr("trailing {months}-month", months=months)
    return _WINDOW_UNITS.get(unit_word, _WINDOW_UNITS["period"])(wanted, months=months)


def _usage_note(used: Sequence[str], wanted: int, unit_word: str) -> str:
    unit = unit_word if unit_word in _USED else "period"
    if not used:
        return _NONE_IN_WINDOW[unit](wanted)
    span = used[0] if len(used) == 1 else tr("{first} to {last}", first=used[0], last=used[-1])
    if len(used) >= wanted:
        return _USED[unit](len(used), span=span)
    return _ONLY[unit](wanted, used=len(used), span=span)


def trailing_clv(snapshots: Sequence[Snapshot], end: str | None = None, *,
                 months: int = 6) -> TrailingFigure:
    """Customer lifetime value on a trailing average of customer churn (as ChartMogul does).

    ``CLV = ARPA of the end period / mean monthly customer churn of the trailing window``.
    The window is the last ``months`` months ending with ``end`` (6 monthly, 2 quarterly
    periods...); periods without churn inputs are skipped, and when fewer periods are available
    the mean uses what there is and the note says so. (ChartMogul's own help text averages the
    six months *before* the current one; here the current period counts, so a single period
    already gives a figure.)
    """
    pairs, end_label, wanted, unit_word = _window(snapshots, end, months)
    label = tr("Customer lifetime value ({window})", window=_window_label(months, wanted, unit_word))
    method = tr("ARPA of {period} / mean monthly customer churn over the {window} window", period=end_label,
                window=_window_label(months, wanted, unit_word))
    end_snapshot = dict(pairs).get(end_label) or snapshots[period_labels(snapshots).index(end_label)]
    arpa = compute_kpi(KPIS_BY_ID["arpa"], end_snapshot)
    churn_values: list[tuple[str, float]] = []
    for period_label, snapshot in pairs:
        churn = compute_kpi(KPIS_BY_ID["customer_churn_rate"], snapshot)
        if churn.value is not None:
            churn_values.append((period_label, churn.value))
    used = tuple(p for p, _ in churn_values)
    note = _usage_note(used, wanted, unit_word)

    def figure(value: float | None, calculation: str | None = None,
               reason: str | None = None) -> TrailingFigure:
        return TrailingFigure("clv", label, value, "currency", end_label, months, wanted, used,
                              method, calculation, note, reason)

    if arpa.value is None:
        return figure(None, reason=tr("ARPA of {period} is not computable: {reason}", period=end_label,
                                      reason=arpa.reason))
    if not churn_values:
        return figure(None, reason=tr("no period in the window has customer churn inputs "
                                      "(churned customers and customers at start)"))
    mean_churn = sum(v for _, v in churn_values) / len(churn_values)
    if mean_churn == 0:
        return figure(None, reason=tr("no customer churned in the window, so lifetime (1 / churn) "
                                      "is unbounded"))
    value = arpa.value / mean_churn
    churn_text = " + ".join(_g(v) for _, v in churn_values)
    calculation = tr("ARPA {arpa} / mean monthly churn (({churns}) / {count} = {mean}) = {value}",
                     arpa=format_value(arpa.value, "currency", end_snapshot.context.currency),
                     churns=churn_text, count=len(churn_values), mean=_g(mean_churn),
                     value=format_value(value, "currency", end_snapshot.context.currency))
    return figure(value, calculation)


def trailing_churn(snapshots: Sequence[Snapshot], end: str | None = None, *,
                   months: int = 6) -> TrailingFigure:
    """Mean monthly customer churn over the trailing window (the denominator of trailing CLV)."""
    pairs, end_label, wanted, unit_word = _window(snapshots, end, months)
    window = _window_label(months, wanted, unit_word)
    values = []
    for period_label, snapshot in pairs:
        churn = compute_kpi(KPIS_BY_ID["customer_churn_rate"], snapshot)
        if churn.value is not None:
            values.append((period_label, churn.value))
    used = tuple(p for p, _ in values)
    note = _usage_note(used, wanted, unit_word)
    label = tr("Customer churn, monthly ({window} mean)", window=window)
    method = tr("mean of the monthly customer churn rates over the {window} window", window=window)
    if not values:
        return TrailingFigure("customer_churn_rate", label, None, "fraction", end_label, months,
                              wanted, used, method, None, note,
                              tr("no period in the window has churned customers and customers at start"))
    mean = sum(v for _, v in values) / len(values)
    calculation = f"({' + '.join(f'{v:.4g}' for _, v in values)}) / {len(values)} = {mean:.4g}"
    return TrailingFigure("customer_churn_rate", label, mean, "fraction", end_label, months,
                          wanted, used, method, calculation, note)


def conversion_rate_ids() -> tuple[str, ...]:
    """KPIs that are plain conversion rates (one count over another, no period)."""
    return tuple(
        spec.id for spec in KPIS
        if spec.unit == "fraction" and spec.period_kind is None
        and spec.stage in ("acquisition", "product_led") and len(spec.inputs) == 2
    )


def trailing_conversion_rates(snapshots: Sequence[Snapshot], end: str | None = None, *,
                              months: int = 3,
                              kpi_ids: Iterable[str] | None = None) -> list[TrailingFigure]:
    """Trailing ``months``-month conversion rates, pooled over the window.

    Each rate is ``sum of conversions / sum of entrants`` over the periods in the window that
    have both inputs: a weighted average, so a quiet month with few visitors does not count as
    much as a busy one. Rates with no period in the window having inputs are left out.
    """
    pairs, end_label, wanted, unit_word = _window(snapshots, end, months)
    window = _window_label(months, wanted, unit_word)
    out: list[TrailingFigure] = []
    for kpi_id in (kpi_ids if kpi_ids is not None else conversion_rate_ids()):
        spec = KPIS_BY_ID[kpi_id]
        numerator, denominator = spec.inputs
        used: list[str] = []
        top = bottom = 0.0
        for period_label, snapshot in pairs:
            num, den = snapshot.get(numerator), snapshot.get(denominator)
            if num is None or den is None:
                continue
            used.append(period_label)
            top += num
            bottom += den
        if not used:
            continue
        note = _usage_note(used, wanted, unit_word)
        label = f"{spec.label} ({window})"
        method = tr("pooled over the {window} window: sum of {numerator} / sum of {denominator}",
                    window=window, numerator=_input_name(numerator), denominator=_input_name(denominator))
        if bottom == 0:
            out.append(TrailingFigure(kpi_id, label, None, spec.unit, end_label, months, wanted,
                                      tuple(used), method, None, note,
                                      tr("the sum of {denominator} in the window is zero",
                                         denominator=_input_name(denominator))))
            continue
        value = top / bottom
        calculation = f"{top:,.10g} / {bottom:,.10g} = {value:.4g}"
        out.append(TrailingFigure(kpi_id, label, value, spec.unit, end_label, months, wanted,
                                  tuple(used), method, calculation, note))
    return out


def trailing_figures(snapshots: Sequence[Snapshot], end: str | None = None) -> list[TrailingFigure]:
    """Trailing 6-month CLV and churn, then trailing 3-month conversion rates (those with data)."""
    if not snapshots:
        return []
    figures = [trailing_clv(snapshots, end), trailing_churn(snapshots, end)]
    figures = [f for f in figures if f.value is not None or f.periods_used]
    return figures + trailing_conversion_rates(snapshots, end)

"""Whether stored periods follow on from each other: MRR at start against the MRR at end before.

A month's MRR at start is the previous month's MRR at end (MRR at start + new + reactivation
+ expansion - contraction - churned). When the two differ, a movement is missing or the months
come from different sources, and every retention figure of the later month is off by as
much. :func:`mrr_continuity_gaps` finds each such pair of neighbouring periods and says it in
words, naming both periods and both amounts; it changes nothing.

Neighbours: when both labels are calendar periods (``2025-01``, ``Jan 2025``, ``2025-Q1``;
:func:`funnel_core.inputs.period_keys.parse_period_label`) they must be one period apart (a
gap in the months is no neighbour); labels that are not dates are taken in the stored order.
A period without MRR at start, or whose MRR at end cannot be computed (no movement given),
is never compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import tr
from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.inputs.period_keys import parse_period_label, step_back
from funnel_core.metrics.kpi_formulas import NotComputable, mrr_end

__all__ = ["MRR_GAP_TOLERANCE", "MrrGap", "mrr_continuity_gaps"]

#: Differences up to half a currency unit are rounding of cents, not a gap.
MRR_GAP_TOLERANCE = 0.5


@dataclass(frozen=True)
class MrrGap:
    """A period whose MRR at start is not the previous period's MRR at end.

    Attributes
    ----------
    previous, label : the earlier and the later period.
    previous_end : MRR at end of ``previous`` (computed from its inputs), in the currency.
    start : MRR at start of ``label`` as given.
    message : the finding in words, with both periods and both amounts.
    """

    previous: str
    previous_end: float
    label: str
    start: float
    message: str

    @property
    def difference(self) -> float:
        """``start - previous_end``: positive when the later month starts higher."""
        return self.start - self.previous_end


def _neighbours(previous: str, label: str, period: str) -> bool:
    """Whether ``label`` directly follows ``previous`` (any two non-dates follow in order)."""
    key_prev, key = parse_period_label(previous), parse_period_label(label)
    if key_prev is None and key is None:
        return True
    if key_prev is None or key is None or key_prev.kind != key.kind:
        return False
    return step_back(key, period) == key_prev


def _end_of(label: str, values: Mapping[str, float], context: Context) -> float | None:
    try:
        value, _ = mrr_end(Snapshot(dict(values), context, label=label))
    except (NotComputable, SnapshotError):
        return None
    return value


def mrr_continuity_gaps(periods: Mapping[str, Mapping[str, float]],
                        context: Mapping[str, object] | None = None) -> list[MrrGap]:
    """Neighbouring periods whose MRR does not carry over.

    Parameters
    ----------
    periods : period label -> {field: value}, in chronological order (the app's stored periods).
    context : the stored context (period length and currency; defaults: month, USD).

    Returns
    -------
    list of :class:`MrrGap`
        One per later period whose MRR at start differs from the previous period's MRR at end
        by more than :data:`MRR_GAP_TOLERANCE`, in order. Empty when fewer than two periods
        have what is needed.
    """
    ctx = Context.from_mapping(context or {})
    labels = list(periods)
    found: list[MrrGap] = []
    for previous, label in zip(labels, labels[1:]):
        start = periods[label].get("mrr_start")
        if start is None or not _neighbours(previous, label, ctx.period):
            continue
        end = _end_of(previous, periods[previous], ctx)
        if end is None or abs(float(start) - end) <= MRR_GAP_TOLERANCE:
            continue
        start_text = format_value(float(start), "currency", ctx.currency)
        end_text = format_value(end, "currency", ctx.currency)
        gap_text = format_value(abs(float(start) - end), "currency", ctx.currency)
        if float(start) > end:
            message = tr("MRR at start of {label} ({start}) is {gap} higher than MRR at end of {previous} "
                         "({end}). One carries over into the other, so a movement may be missing in "
                         "{previous} or the two come from different sources; check both.", label=label,
                         start=start_text, gap=gap_text, previous=previous, end=end_text)
        else:
            message = tr("MRR at start of {label} ({start}) is {gap} lower than MRR at end of {previous} "
                         "({end}). One carries over into the other, so a movement may be missing in "
                         "{previous} or the two come from different sources; check both.", label=label,
                         start=start_text, gap=gap_text, previous=previous, end=end_text)
        found.append(MrrGap(previous, end, label, float(start), message))
    return found

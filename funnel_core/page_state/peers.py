"""The peer group a company's own numbers suggest: its ARR band, from MRR at end x 12.

The growth and efficiency surveys publish their figures by ARR band (under $1M, $1M-$5M,
$5M-$20M, $20M-$50M, over $50M). The app suggests the band the user's own ARR falls in, next to
the selector, and never chooses it for them (:func:`arr_band_suggestion`). Bands are in USD; an
ARR in another currency is placed as it is and the text says so (amounts are never converted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from funnel_core.domain.constants import ARR_BANDS, DEFAULT_CURRENCY, arr_band_for
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import tr
from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi

__all__ = ["ArrBandSuggestion", "arr_band_suggestion"]


@dataclass(frozen=True)
class ArrBandSuggestion:
    """The ARR band the user's numbers suggest.

    Attributes
    ----------
    band : key of :data:`~funnel_core.domain.constants.ARR_BANDS`.
    arr : the user's ARR (MRR at end x 12) in their currency.
    chosen : the band the user chose (``None`` = not said).
    text : one sentence for the page, e.g. ``"Your ARR is $1,572,000 (MRR at end x 12): that is
        ARR $1M-$5M."`` followed by whether the chosen band differs.
    """

    band: str
    arr: float
    chosen: str | None
    text: str

    @property
    def matches(self) -> bool:
        """True when the user chose the suggested band."""
        return self.chosen == self.band


def arr_band_suggestion(values: Mapping[str, Any], context: Mapping[str, Any] | None = None
                        ) -> ArrBandSuggestion | None:
    """The ARR band the compared period's own ARR falls in.

    Parameters
    ----------
    values : the compared period's numbers (``{field: value}``).
    context : the stored context (currency, the chosen ``arr_band``).

    Returns
    -------
    ArrBandSuggestion or None
        ``None`` when ARR cannot be computed (MRR at start not given, or the numbers cannot
        form a snapshot) or is negative.
    """
    try:
        ctx = Context.from_mapping(context or {})
        snapshot = Snapshot(dict(values), ctx)
    except SnapshotError:
        return None
    arr = compute_kpi(KPIS_BY_ID["arr"], snapshot).value
    band = arr_band_for(arr) if arr is not None else None
    if arr is None or band is None:
        return None
    money = format_value(arr, "currency", ctx.currency)
    text = tr("Your ARR is {money} (MRR at end x 12): that is {band}.", money=money, band=tr(ARR_BANDS[band]))
    if ctx.currency != DEFAULT_CURRENCY:
        text += " " + tr("The bands are in USD; your {currency} amount is placed as it is.",
                         currency=ctx.currency)
    if ctx.arr_band is None:
        text += " " + tr("Choose it to compare with companies of your size.")
    elif ctx.arr_band != band:
        text += " " + tr("You chose {band}.", band=tr(ARR_BANDS[ctx.arr_band]))
    return ArrBandSuggestion(band, arr, ctx.arr_band, text)

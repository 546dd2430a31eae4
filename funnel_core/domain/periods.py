"""Converting rates between periods by compounding.

A monthly churn of 5 % is not 60 % a year: customers lost in month two can only come from
those who stayed in month one, so survival compounds:

    annual_churn = 1 - (1 - monthly_churn) ** 12          (5 % a month -> 46.0 % a year)

Retention figures (GRR, NRR) compound the same way: ``R_year = R_month ** 12``, and so does
growth: ``g_year = (1 + g_month) ** 12 - 1`` (2 % a month is 26.8 % a year, not 24 %).
"""

from __future__ import annotations

from typing import Literal

from funnel_core.domain.constants import MONTHS_IN_PERIOD, NO_PERIOD, PERIOD_NAMES
from funnel_core.domain.i18n import tr

RateKind = Literal["churn", "retention", "growth"]


class ConversionError(ValueError):
    """The value cannot be expressed in the other period (the reason is the message)."""


def _period_name(period: str) -> str:
    """``month``/``quarter``/``year`` in the current language (anything else as it is)."""
    return PERIOD_NAMES.get(period, period)


def months_in(period: str) -> int:
    """Months in ``month``/``quarter``/``year``; :class:`ConversionError` for anything else."""
    try:
        return MONTHS_IN_PERIOD[period]
    except KeyError:
        raise ConversionError(tr("{period} is not a period that can be converted",
                                 period=repr(period))) from None


def convert_churn(rate: float, from_period: str, to_period: str) -> float:
    """Convert a churn rate (share lost per period) between periods by compounding.

    ``churn_to = 1 - (1 - churn_from) ** (months_to / months_from)``.

    Raises
    ------
    ConversionError
        If the rate is outside 0..1 (more lost than there were) or a period is unknown.
    """
    if not 0 <= rate <= 1:
        raise ConversionError(tr("a churn rate of {rate} is outside 0-100 % and cannot be compounded",
                                 rate=format(rate, ".4g")))
    exponent = months_in(to_period) / months_in(from_period)
    return 1 - (1 - rate) ** exponent


def convert_retention(rate: float, from_period: str, to_period: str) -> float:
    """Convert a retention ratio (GRR, NRR; 1.02 = 102 %) between periods: ``R ** (m_to / m_from)``.

    Raises
    ------
    ConversionError
        If the rate is negative or a period is unknown.
    """
    if rate < 0:
        raise ConversionError(tr("a retention of {rate} is negative and cannot be compounded",
                                 rate=format(rate, ".4g")))
    exponent = months_in(to_period) / months_in(from_period)
    return rate ** exponent


def convert_growth(rate: float, from_period: str, to_period: str) -> float:
    """Convert a growth rate (0.02 = +2 % per period) between periods: ``(1 + g) ** (m_to / m_from) - 1``.

    Raises
    ------
    ConversionError
        If the rate is -100 % or less (nothing left to compound) or a period is unknown.
    """
    if rate <= -1:
        raise ConversionError(tr("a growth of {rate} (-100 % or less) cannot be compounded",
                                 rate=format(rate, ".4g")))
    exponent = months_in(to_period) / months_in(from_period)
    return (1 + rate) ** exponent - 1


def convert(rate: float, kind: RateKind, from_period: str, to_period: str) -> tuple[float, str | None]:
    """Express ``rate`` (of ``kind``, measured per ``from_period``) per ``to_period``.

    Returns
    -------
    (value, note)
        ``note`` says what was done (``None`` when the periods are the same).

    Raises
    ------
    ConversionError
        When one side has no period (``"none"``), or the rate cannot be compounded.
    """
    if from_period == to_period:
        return rate, None
    if NO_PERIOD in (from_period, to_period):
        raise ConversionError(
            tr("one figure is per {period} and the other has no period; they cannot be compared",
               period=_period_name(from_period))
        )
    if kind == "churn":
        value = convert_churn(rate, from_period, to_period)
        formula = f"1 - (1 - {rate:.4g})^({months_in(to_period)}/{months_in(from_period)})"
    elif kind == "growth":
        value = convert_growth(rate, from_period, to_period)
        formula = f"(1 + {rate:.4g})^({months_in(to_period)}/{months_in(from_period)}) - 1"
    else:
        value = convert_retention(rate, from_period, to_period)
        formula = f"{rate:.4g}^({months_in(to_period)}/{months_in(from_period)})"
    return value, tr("converted from per-{from_period} to per-{to_period} by compounding: {formula} = {value}",
                     from_period=_period_name(from_period), to_period=_period_name(to_period),
                     formula=formula, value=format(value, ".4g"))

"""Where the user stands against one published figure: a percentile rank, or the gap in words.

Percentile rank
---------------
Where a source publishes a spread, the share of companies in that source the user does better
than (0-100) is estimated by straight-line interpolation between the published points. Which
percentile each point stands for (:data:`PERCENTILE_POINTS`):

=============  ===========================================  ==========================================
statistic      points                                       read as
=============  ===========================================  ==========================================
quartiles      low, median, high                            25th, 50th, 75th percentile (as published)
good_great     good (low), great (high)                     50th and 75th percentile: the sources give
                                                            no percentiles; "good" is read as a typical
                                                            company, "great" as the top quarter
=============  ===========================================  ==========================================

A figure without a stated distribution (a median or an average alone, a typical range, a
spread across vendors, a target) gives no percentile. Beyond the outermost published point the
rank is not extrapolated: ``percentile_rank`` is ``None`` and the text says "above the 75th
percentile" or "below the 25th percentile". Direction-aware: for lower-is-better KPIs (churn,
CAC, payback) the published P25 value is the best quarter's edge, so a low value ranks high.

Gap in words
------------
Where only one figure is published, the distance to it: in percentage points for retention and
churn (``"2.0 pp below the median"``), in points for NPS, otherwise relative to the figure
(``"18 % below the median"``). Numbers are read at the precision they are shown with
(:func:`funnel_core.benchmarks.verdict_rules.quantize`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from funnel_core.benchmarks.catalogue_schema import Benchmark
from funnel_core.domain.formatting import localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr
from funnel_core.benchmarks.verdict_rules import (
    IN_LINE_BANDS,
    Judgement,
    family_of,
    quantize,
    step_decimals,
)

__all__ = ["PERCENTILE_POINTS", "Position", "beyond_spread", "ordinal", "position", "short_position"]

#: The percentile each published point of a spread stands for, by statistic, in terms of
#: performance (a higher percentile is better). See the module docstring.
PERCENTILE_POINTS: dict[str, tuple[tuple[str, int], ...]] = {
    "quartiles": (("low", 25), ("median", 50), ("high", 75)),
    "good_great": (("good", 50), ("great", 75)),
}


@dataclass(frozen=True)
class Position:
    """The user's place against one figure.

    Attributes
    ----------
    percentile_rank : share of the source's companies the user does better than, 0-100
        (whole number), or ``None`` when the figure publishes no spread or the value lies
        beyond its outermost point.
    text : the percentile or the gap in words, e.g. "better than about 62 % of companies in
        Aleph x Benchmarkit (FY2025)", "above the 75th percentile of ...", "2.0 pp below the
        median".
    """

    percentile_rank: float | None
    text: str


def ordinal(n: int) -> str:
    """``25`` -> ``"25th"``, ``1`` -> ``"1st"``, ``22`` -> ``"22nd"`` (German and Polish
    ``"25."``, French ``"25e"``, ``"1er"``: in the current language)."""
    language = current_language()
    if language in ("de", "pl"):
        return f"{n}."
    if language == "fr":
        return "1er" if n == 1 else f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_ABOVE_PERCENTILE = mark("above the {ordinal} percentile")
_BELOW_PERCENTILE = mark("below the {ordinal} percentile")

#: The gap to a named figure in words, by the figure's name (``Judgement.reference_name``):
#: above it, below it, and at it.
_ABOVE: dict[str, str] = {
    "median": mark("{amount} above the median"),
    "average": mark("{amount} above the average"),
    "great level": mark("{amount} above the great level"),
    "good level": mark("{amount} above the good level"),
    "threshold": mark("{amount} above the threshold"),
    "concern level": mark("{amount} above the concern level"),
    "target": mark("{amount} above the target"),
    "lower end": mark("{amount} above the lower end"),
    "upper end": mark("{amount} above the upper end"),
    "P25": mark("{amount} above P25"),
    "P75": mark("{amount} above P75"),
}
_BELOW: dict[str, str] = {
    "median": mark("{amount} below the median"),
    "average": mark("{amount} below the average"),
    "great level": mark("{amount} below the great level"),
    "good level": mark("{amount} below the good level"),
    "threshold": mark("{amount} below the threshold"),
    "concern level": mark("{amount} below the concern level"),
    "target": mark("{amount} below the target"),
    "lower end": mark("{amount} below the lower end"),
    "upper end": mark("{amount} below the upper end"),
    "P25": mark("{amount} below P25"),
    "P75": mark("{amount} below P75"),
}
_AT: dict[str, str] = {
    "median": mark("at the median"),
    "average": mark("at the average"),
    "great level": mark("at the great level"),
    "good level": mark("at the good level"),
    "threshold": mark("at the threshold"),
    "concern level": mark("at the concern level"),
    "target": mark("at the target"),
    "lower end": mark("at the lower end"),
    "upper end": mark("at the upper end"),
    "P25": mark("at P25"),
    "P75": mark("at P75"),
}


def _english() -> bool:
    return current_language() == DEFAULT_LANGUAGE


def _source(b: Benchmark) -> str:
    source = b.source
    if b.year is not None and str(b.year) not in source:
        source += f" ({b.year})"
    return source


def _points(b: Benchmark, higher_is_better: bool) -> list[tuple[float, int]] | None:
    """``(value, performance percentile)`` of a spread, ordered from worst to best."""
    if b.statistic == "quartiles" and None not in (b.low, b.median, b.high):
        by_value = [(b.low, 25), (b.median, 50), (b.high, 75)]
        if not higher_is_better:
            by_value = [(value, 100 - p) for value, p in by_value]
    elif b.statistic == "good_great" and b.low is not None and b.high is not None:
        good, great = (b.low, b.high) if higher_is_better else (b.high, b.low)
        by_value = [(good, 50), (great, 75)]
    else:
        return None
    return sorted(((float(v), p) for v, p in by_value), key=lambda vp: vp[1])  # type: ignore[arg-type]


def percentile_rank(value: float, b: Benchmark, higher_is_better: bool) -> tuple[float | None, str | None]:
    """The interpolated rank, or ``None`` with "above"/"below" text beyond the published points.

    Returns ``(None, None)`` when the figure publishes no spread.
    """
    points = _points(b, higher_is_better)
    if points is None:
        return None, None
    d = step_decimals(b.unit, points[len(points) // 2][0], tuple(v for v, _ in points))
    sign = 1 if higher_is_better else -1
    # goodness in whole steps: larger is better
    g = sign * quantize(value, d)
    graded = [(sign * quantize(v, d), p) for v, p in points]
    top_g, top_p = graded[-1]
    bottom_g, bottom_p = graded[0]
    if g > top_g:
        return None, tr(_ABOVE_PERCENTILE, ordinal=ordinal(top_p))
    if g < bottom_g:
        return None, tr(_BELOW_PERCENTILE, ordinal=ordinal(bottom_p))
    for (g0, p0), (g1, p1) in zip(graded, graded[1:]):
        if g0 <= g <= g1:
            if g1 == g0:
                return float(p1), None
            rank = Decimal(p0) + Decimal(g - g0) / Decimal(g1 - g0) * Decimal(p1 - p0)
            return float(rank.quantize(Decimal(1), rounding=ROUND_HALF_UP)), None
    return float(top_p), None  # a single point (not reached with the tables above)


def _amount(gap: float, reference: float, b: Benchmark) -> tuple[str, int]:
    """The gap in words without direction, and its sign at the shown precision."""
    family = family_of(b.kpi, b.unit)
    d = step_decimals(b.unit, reference, (reference,))
    sign = (quantize(abs(gap), d) > 0) * (1 if gap > 0 else -1)
    if b.unit == "fraction" and IN_LINE_BANDS[family].kind == "absolute":
        pp = abs(gap) * 100
        digits = max(d - 2, 1)
        if _english():
            return f"{pp:.{digits}f} pp", sign
        return tr("{value} pp", value=localised_number(pp, digits)), sign
    if IN_LINE_BANDS[family].kind == "absolute":
        if _english():
            return f"{abs(gap):,.0f} points", sign
        return tr("{value} points", value=localised_number(abs(gap), 0)), sign
    ref_q = quantize(reference, d)
    if ref_q == 0:
        if _english():
            return f"{abs(gap):,.{max(d, 0)}f}", sign
        return localised_number(abs(gap), max(d, 0)), sign
    relative = abs(quantize(reference + gap, d) - ref_q) / abs(ref_q) * 100
    if _english():
        return f"{relative:.0f} %", sign
    return localised_number(relative / 100, 0, "percent"), sign


def position(value: float, b: Benchmark, higher_is_better: bool, judgement: Judgement) -> Position:
    """Percentile rank where a spread is published, else the gap to the figure in words.

    Parameters
    ----------
    value : the user's value in the benchmark's period and unit.
    b : the published figure.
    higher_is_better : the KPI's direction.
    judgement : the verdict and reference from :func:`~funnel_core.benchmarks.verdict_rules.judge`.
    """
    rank, beyond = percentile_rank(value, b, higher_is_better)
    source = _source(b)
    if rank is not None:
        share = f"{rank:.0f} %" if _english() else localised_number(rank / 100, 0, "percent")
        return Position(rank, tr("better than about {share} of companies in {source}",
                                 share=share, source=source))
    if beyond is not None:
        return Position(None, tr("{beyond} of {source}", beyond=beyond, source=source))
    name = judgement.reference_name
    if judgement.verdict == "in_line" and judgement.gap == 0.0 and b.median is None:
        return Position(None, tr("inside the published range"))
    amount, sign = _amount(judgement.gap, judgement.reference, b)
    if name not in _AT:  # a name this module does not know: the English pattern
        the = "the " if not name.startswith(("P25", "P75")) else ""
        if sign == 0:
            return Position(None, f"at {the}{name}")
        return Position(None, f"{amount} {'above' if sign > 0 else 'below'} {the}{name}")
    if sign == 0:
        return Position(None, tr(_AT[name]))
    return Position(None, tr((_ABOVE if sign > 0 else _BELOW)[name], amount=amount))


def short_position(percentile_rank: float | None, text: str | None) -> str:
    """Where you stand in a few words, for chart labels and table cells: ``"~68th percentile"``,
    ``"above P75"``, ``"29 % below the average"``; ``""`` when there is nothing to say."""
    if percentile_rank is not None:
        return tr("~{ordinal} percentile", ordinal=ordinal(int(percentile_rank)))
    text = text or ""
    for p in (25, 50, 75):
        if text.startswith(tr(_ABOVE_PERCENTILE, ordinal=ordinal(p))):
            return tr("above P{p}", p=p)
        if text.startswith(tr(_BELOW_PERCENTILE, ordinal=ordinal(p))):
            return tr("below P{p}", p=p)
    return text


def beyond_spread(text: str | None) -> bool:
    """True when a position (:attr:`Position.text`, in the current language) says the value lies
    beyond the published spread ("above the 75th percentile of ...")."""
    text = text or ""
    return any(text.startswith(tr(edge, ordinal=ordinal(p)))
               for p in (25, 50, 75) for edge in (_ABOVE_PERCENTILE, _BELOW_PERCENTILE))

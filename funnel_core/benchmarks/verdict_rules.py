"""When a KPI is better than, in line with or worse than one published figure.

Verdict bands by KPI family (:data:`IN_LINE_BANDS`)
---------------------------------------------------
A single published figure (a median or an average without a spread) is "in line" within a band
around it; the band depends on what the KPI measures:

=====================  ==========================================  ================================
family                 KPIs                                        in line with a single figure
=====================  ==========================================  ================================
retention and churn    GRR, NRR, customer churn, gross MRR churn   +-0.5 pp per month, +-1 pp per
                                                                   quarter, +-2 pp per year
                                                                   (percentage points, in the
                                                                   benchmark's period)
conversion and share   funnel rates, activation, trial/free/PQL    +-15 % of the figure (relative)
                       to paid, adoption, expansion share
money                  CAC, CLV                                    +-15 % (relative)
months                 CAC payback                                 +-15 % (relative)
ratios                 CAC ratio, CLV : CAC, quick ratio           +-10 % (relative)
score                  NPS                                         +-5 points
=====================  ==========================================  ================================

Other statistics are read as published:

- **range** (low-high), **quartiles** (P25-P75), an average or median **with its spread**: in line
  inside, edges included; better or worse outside, on the good or bad side (lower churn is
  better). A median with one bound ("about 15 %, up to 25 %") uses the band on the other side.
- **good / great**: at or past "great" is better; from "good" to "great" in line; short of
  "good" worse. So 15 % against "great is 15-25 %" is better.
- **threshold** or one-sided **target** (quick ratio >= 4, churn < 3 %): meeting it is better,
  missing it is worse. A ``strict`` bound is not met by the bound itself: 3 % does not meet
  "< 3 %".
- **concern level** ("more than 36 months is a concern"): past it is worse, anything else in
  line; staying clear of a warning sign is not "better" than anyone.

Precision
---------
Both numbers are rounded to the precision they are shown with before deciding (percentages to
0.1 point, 0.01 point below 1 %; ratios to 0.01; months to 0.1; money to whole units from 100 up,
else cents; NPS to whole points; finer where the published figure is written more finely, so
4.79 % stays 4.79 %), and the decision is made on whole numbers of that step. So no
floating-point edge decides a verdict and the band is exactly symmetric: 39.6 % and 32.4 % stand
equally far from 36 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from funnel_core.benchmarks.catalogue_schema import Benchmark
from funnel_core.domain.i18n import mark, tr
from funnel_core.metrics.kpis import KPIS_BY_ID

__all__ = [
    "Band",
    "IN_LINE_BANDS",
    "Judgement",
    "family_of",
    "in_line_band",
    "judge",
    "quantize",
    "step_decimals",
    "verdict_for",
]


@dataclass(frozen=True)
class Band:
    """How far from a single published figure a value is still "in line".

    Attributes
    ----------
    family : key of :data:`IN_LINE_BANDS`.
    kind : ``"absolute"`` (in the unit: 0.02 = 2 percentage points) or ``"relative"``
        (a share of the figure: 0.15 = 15 %).
    width : half-width of the band per benchmark period (``"any"`` when the same for all).
    description : the band in words, for the README and tooltips (English;
        :attr:`description_text` in the current language).
    """

    family: str
    kind: str
    width: dict[str, float]
    description: str

    @property
    def description_text(self) -> str:
        """:attr:`description` in the current language."""
        return tr(self.description)

    def half_width(self, period: str) -> float:
        """The half-width for a figure stated per ``period``."""
        return self.width.get(period, self.width.get("any", self.width.get("year", 0.0)))


#: One written table of verdict bands (see the module docstring).
IN_LINE_BANDS: dict[str, Band] = {
    "retention_churn": Band("retention_churn", "absolute",
                            {"month": 0.005, "quarter": 0.01, "year": 0.02, "any": 0.02},
                            mark("+-0.5 pp per month, +-1 pp per quarter, +-2 pp per year")),
    "conversion": Band("conversion", "relative", {"any": 0.15}, mark("+-15 % of the figure")),
    "money": Band("money", "relative", {"any": 0.15}, mark("+-15 % of the figure")),
    "months": Band("months", "relative", {"any": 0.15}, mark("+-15 % of the figure")),
    "ratio": Band("ratio", "relative", {"any": 0.10}, mark("+-10 % of the figure")),
    "score": Band("score", "absolute", {"any": 5.0}, mark("+-5 points")),
}


def family_of(kpi: str, unit: str) -> str:
    """The band family of a KPI (by its id; ``unit`` decides for an unknown id)."""
    spec = KPIS_BY_ID.get(kpi)
    if spec is not None and spec.period_kind is not None:
        return "retention_churn"
    unit = spec.unit if spec is not None else unit
    return {"fraction": "conversion", "currency": "money", "months": "months",
            "ratio": "ratio", "points": "score"}.get(unit, "ratio")


def _published_decimals(figure: float) -> int:
    """Decimals a published figure is written with (``0.0479`` -> 4, ``2.0`` -> 0), at most 6."""
    exponent = Decimal(repr(float(figure))).normalize().as_tuple().exponent
    return min(max(-int(exponent), 0), 6) if isinstance(exponent, int) else 0


def step_decimals(unit: str, reference: float | None, figures: tuple[float, ...] = ()) -> int:
    """Decimals of the value (not of the percentage) at the precision it is shown with.

    Fractions: 0.1 % (3 decimals), or 0.01 % (4) when the figure is below 1 %; ratios 2;
    months 1; money 0 from 100 up, else 2; points 0. Finer when a published figure is written
    more finely (4.79 % is compared at 0.01 %, not rounded to 4.8 %).
    """
    size = abs(reference) if reference is not None else 0.0
    if unit == "fraction":
        shown = 4 if 0 < size < 0.01 else 3
    elif unit == "ratio":
        shown = 2
    elif unit == "months":
        shown = 1
    elif unit == "currency":
        shown = 0 if size >= 100 else 2
    elif unit == "points":
        shown = 0
    else:
        shown = 2
    return max([shown, *(_published_decimals(f) for f in figures)])


def quantize(value: float, decimals: int) -> int:
    """``value`` in whole steps of ``10**-decimals``, rounded half up as a person reads it.

    The shortest decimal text of the float is rounded (``0.396`` -> 396 at 3 decimals), not its
    binary expansion, so 0.3960000000000001 and 0.39599999999999996 are the same 396.
    """
    exact = Decimal(repr(float(value))).scaleb(decimals)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Judgement:
    """The verdict against one figure and the numbers it rests on.

    Attributes
    ----------
    verdict : ``better``, ``in_line`` or ``worse``.
    reference : the figure the gap is measured to: the median when published, else the bound
        nearest to the value (threshold, target, concern level: the bound).
    reference_name : what the reference is, in words ("median", "upper end of the range",
        "great level", "threshold"...).
    gap : ``value - reference`` in the unit (0 inside a range without a median).
    """

    verdict: str
    reference: float
    reference_name: str
    gap: float


def _single_band(benchmark: Benchmark, ref_q: int, decimals: int) -> int:
    """Half-width of the in-line band around a single figure, in whole steps."""
    band = IN_LINE_BANDS[family_of(benchmark.kpi, benchmark.unit)]
    width = band.half_width(benchmark.period)
    if band.kind == "absolute":
        return quantize(width, decimals)
    return int((Decimal(abs(ref_q)) * Decimal(repr(width))).quantize(Decimal(1),
                                                                     rounding=ROUND_HALF_UP))


def in_line_band(benchmark: Benchmark) -> tuple[float | None, float | None]:
    """The interval a value must fall in to be "in line" (``None`` = open; both ``None`` for a
    threshold or target met or missed, and for good/great, which has no in-line band of its own
    beyond good..great).

    For charts: the same band :func:`judge` uses, back in the figure's unit.
    """
    b = benchmark
    if b.statistic in ("threshold", "concern") or (b.statistic == "target" and b.median is None
                                                  and (b.low is None) != (b.high is None)):
        return None, None
    if b.median is None or (b.low is not None and b.high is not None):
        return b.low, b.high
    decimals = step_decimals(b.unit, b.median, (b.median,))
    half = _single_band(b, quantize(b.median, decimals), decimals) / 10 ** decimals
    low = b.low if b.low is not None else b.median - half
    high = b.high if b.high is not None else b.median + half
    return low, high


def judge(value: float, benchmark: Benchmark, higher_is_better: bool) -> Judgement:
    """The verdict of ``value`` (already in the benchmark's period and unit) against one figure.

    Parameters
    ----------
    value : the user's value, converted to the benchmark's period.
    benchmark : the published figure.
    higher_is_better : the KPI's direction (lower churn, CAC and payback are better).

    Returns
    -------
    Judgement
        Decided on whole steps of the shown precision (see the module docstring).
    """
    b = benchmark
    present = [x for x in (b.low, b.median, b.high) if x is not None]
    reference_size = b.median if b.median is not None else min(present, key=abs)
    d = step_decimals(b.unit, reference_size, tuple(present))
    v = quantize(value, d)
    lo = quantize(b.low, d) if b.low is not None else None
    md = quantize(b.median, d) if b.median is not None else None
    hi = quantize(b.high, d) if b.high is not None else None
    up = 1 if higher_is_better else -1  # +1: a higher value is better

    def side(better: bool) -> str:
        return "better" if better else "worse"

    if b.statistic in ("threshold", "concern") or (b.statistic == "target" and md is None
                                                  and (lo is None) != (hi is None)):
        bound, bound_q = (b.low, lo) if lo is not None else (b.high, hi)
        assert bound is not None and bound_q is not None
        strict = b.bound == "strict"
        if b.statistic == "concern":
            # past the bound on the bad side is a concern; the bound itself only when strict
            beyond = (v - bound_q) * -up
            verdict = "worse" if beyond > 0 or (strict and beyond == 0) else "in_line"
        else:
            at_least = lo is not None
            met = (v > bound_q if strict else v >= bound_q) if at_least else (
                v < bound_q if strict else v <= bound_q)
            open_side_good = at_least == bool(higher_is_better)
            verdict = side(met == open_side_good)
        name = {"threshold": "threshold", "concern": "concern level"}.get(b.statistic, "target")
        return Judgement(verdict, bound, name, value - bound)

    if b.statistic == "good_great" and lo is not None and hi is not None:
        great, good = (hi, lo) if higher_is_better else (lo, hi)
        great_f, good_f = (b.high, b.low) if higher_is_better else (b.low, b.high)
        if (v - great) * up >= 0:
            return Judgement("better", great_f, "great level", value - great_f)  # type: ignore[arg-type]
        if (v - good) * up >= 0:
            nearest = great_f if abs(v - great) < abs(v - good) else good_f
            name = "great level" if nearest == great_f else "good level"
            return Judgement("in_line", nearest, name, value - nearest)  # type: ignore[arg-type]
        return Judgement("worse", good_f, "good level", value - good_f)  # type: ignore[arg-type]

    # a band: published (range, quartiles, spread) or around a single figure
    if md is not None and (lo is None or hi is None):
        half = _single_band(b, md, d)
        lo = lo if lo is not None else md - half
        hi = hi if hi is not None else md + half
    assert lo is not None and hi is not None
    if v < lo:
        verdict = side(up < 0)
    elif v > hi:
        verdict = side(up > 0)
    else:
        verdict = "in_line"
    if b.median is not None:
        name = {"average": "average"}.get(b.statistic, "median")
        return Judgement(verdict, b.median, name, value - b.median)
    low_f, high_f = b.low, b.high
    assert low_f is not None and high_f is not None
    edges = ("P25", "P75") if b.statistic == "quartiles" else ("lower end", "upper end")
    if v < lo or (v <= hi and abs(v - lo) <= abs(v - hi)):
        reference, name = low_f, edges[0]
    else:
        reference, name = high_f, edges[1]
    gap = 0.0 if verdict == "in_line" else value - reference
    return Judgement(verdict, reference, name, gap)


def verdict_for(value: float, benchmark: Benchmark, higher_is_better: bool) -> tuple[str, float, float]:
    """``(verdict, reference, gap)`` of :func:`judge`, for callers that need only those."""
    j = judge(value, benchmark, higher_is_better)
    return j.verdict, j.reference, j.gap

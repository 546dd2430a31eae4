"""Growth and efficiency read together: net revenue retention against CAC payback, as a 2x2.

High Alpha's SaaS benchmarks (2024 data, published 2025) group companies by NRR (100 % or more,
or less) and CAC payback (under 18 months, or 18 and more) and give each group's median growth
and Rule of 40 score (:data:`QUADRANTS`; ``../shared/BENCHMARKS.md`` section D, status S: seen
on a page quoting the report). NRR of 100 % or more with a payback under 18 months is where
the fastest growers sit. The chart places the user's point (their NRR, compounded to a year,
and their CAC payback) on that map; the quadrant it falls in says what its peers grew.

Good is up and to the right: the payback axis runs from long on the left to short on the right
(lower is better). The plot follows its container's width on screen
(:mod:`funnel_core.charts.screen`); exports keep the theme's width.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import altair as alt

from funnel_core.benchmarks.compare import ComparisonReport
from funnel_core.charts.labels import as_of_text
from funnel_core.charts.theme import load_theme
from funnel_core.charts.vega import chart_rows, field_def, finish_chart, quant_def, tooltip_defs, unit_view
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr
from funnel_core.domain.periods import ConversionError, convert

__all__ = ["NRR_LINE", "PAYBACK_LINE", "QUADRANTS", "QUADRANT_SOURCE", "Quadrant", "quadrant_chart",
           "quadrant_of"]

#: The quadrant lines: NRR of 100 % a year, CAC payback of 18 months.
NRR_LINE, PAYBACK_LINE = 1.0, 18.0

#: Where the quadrant figures come from (named on the chart).
QUADRANT_SOURCE = mark("High Alpha, SaaS benchmarks survey (2024 data, published 2025), medians per "
                        "quadrant; status S: seen where a page quotes it, the survey itself was not seen")


@dataclass(frozen=True)
class Quadrant:
    """One quadrant of the NRR x CAC payback map, with High Alpha's medians.

    Attributes
    ----------
    key : ``nrr_high_fast``, ``nrr_high_slow``, ``nrr_low_fast`` or ``nrr_low_slow``.
    high_nrr : NRR of 100 % or more.
    fast_payback : CAC payback under 18 months.
    growth : median revenue growth of the quadrant's companies (fraction, a year).
    rule_of_40 : median Rule of 40 score (points: 45 is 45 %).
    """

    key: str
    high_nrr: bool
    fast_payback: bool
    growth: float
    rule_of_40: int

    @property
    def name(self) -> str:
        nrr = tr("NRR ≥ 100 %") if self.high_nrr else tr("NRR < 100 %")
        payback = tr("payback < 18 months") if self.fast_payback else tr("payback ≥ 18 months")
        return f"{nrr}, {payback}"

    @property
    def figures(self) -> str:
        """``"median growth 65 %, Rule of 40 score 45"``."""
        return tr("median growth {growth}, Rule of 40 score {score}", growth=self._growth,
                  score=self.rule_of_40)

    @property
    def sentence(self) -> str:
        """``"median growth of 65 % and a median Rule of 40 score of 45"``."""
        return tr("median growth of {growth} and a median Rule of 40 score of {score}",
                  growth=self._growth, score=self.rule_of_40)

    @property
    def _growth(self) -> str:
        return format_value(self.growth, "fraction").replace(".0 %", " %").replace(",0\u00a0%", "\u00a0%") \
            .replace(",0%", "%")


#: High Alpha's medians per quadrant (BENCHMARKS.md section D).
QUADRANTS: tuple[Quadrant, ...] = (
    Quadrant("nrr_high_fast", True, True, 0.65, 45),
    Quadrant("nrr_high_slow", True, False, 0.35, 5),
    Quadrant("nrr_low_fast", False, True, 0.25, 35),
    Quadrant("nrr_low_slow", False, False, 0.20, 0),
)


def quadrant_of(nrr_annual: float, payback_months: float) -> Quadrant:
    """The quadrant of a point: NRR of exactly 100 % is high, a payback of exactly 18 is slow."""
    high, fast = nrr_annual >= NRR_LINE, payback_months < PAYBACK_LINE
    return next(q for q in QUADRANTS if q.high_nrr == high and q.fast_payback == fast)


def _user_point(report: ComparisonReport) -> tuple[float, float, list[str]] | None:
    """(NRR a year, payback in months, notes on how they were read), or ``None``."""
    try:
        nrr_item, payback_item = report.get("net_revenue_retention"), report.get("cac_payback_months")
    except KeyError:
        return None
    nrr, payback = nrr_item.kpi.value, payback_item.kpi.value
    if nrr is None or payback is None:
        return None
    notes: list[str] = []
    period = nrr_item.kpi.period
    if period != "year":
        try:
            nrr, _ = convert(nrr, "retention", period, "year")
        except ConversionError:
            return None
        notes.append(tr("Your NRR per month is compounded to a year (one month compounded: noisy).")
                     if period == "month" else
                     tr("Your NRR per quarter is compounded to a year.") if period == "quarter" else
                     f"Your NRR per {period} is compounded to a year.")
    if report.snapshot.get("gross_margin") is None:
        notes.append(tr("Your payback is the revenue payback (CAC / ARPA): add gross margin for the "
                        "margin-adjusted one."))
    return nrr, payback, notes


def quadrant_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """The NRR x CAC payback map with the four quadrants, their medians and the user's point.

    Returns ``None`` when NRR or CAC payback is not computable.
    """
    point = _user_point(report)
    if point is None:
        return None
    nrr, payback, notes = point
    theme = load_theme()
    mine = quadrant_of(nrr, payback)
    x_max = max(36.0, payback * 1.15)
    y_lo, y_hi = min(0.8, nrr - 0.05), max(1.3, nrr + 0.05)
    x_mid_slow, x_mid_fast = (PAYBACK_LINE + x_max) / 2, PAYBACK_LINE / 2
    y_mid_high, y_mid_low = (NRR_LINE + y_hi) / 2, (y_lo + NRR_LINE) / 2
    rows = []
    for q in QUADRANTS:
        rows.append({
            "part": "quadrant", "quadrant": q.name, "figures": q.figures,
            "x": x_mid_fast if q.fast_payback else x_mid_slow,
            "y": y_mid_high if q.high_nrr else y_mid_low,
            "x0": 0.0 if q.fast_payback else PAYBACK_LINE,
            "x1": PAYBACK_LINE if q.fast_payback else x_max,
            "y0": NRR_LINE if q.high_nrr else y_lo, "y1": y_hi if q.high_nrr else NRR_LINE,
            "mine": "yes" if q is mine else "no",
        })
    you = tr("You: NRR {nrr} a year, payback {payback}", nrr=format_value(nrr, 'fraction'),
             payback=format_value(payback, 'months'))
    rows.append({"part": "you", "quadrant": mine.name, "figures": mine.figures, "x": payback,
                 "y": nrr, "label": you})
    data = chart_rows(rows, ["x", "y"])
    x_scale = {"domain": [x_max, 0], "nice": False, "zero": False}  # short payback on the right
    y_scale = {"domain": [y_lo, y_hi], "nice": False, "zero": False}
    x_axis = {"title": tr("CAC payback (months; shorter to the right)"), "tickCount": 6,
              "format": ",.0f"}
    y_axis = {"title": tr("Net revenue retention (a year)"), "format": ".0%", "tickCount": 6}
    tooltip = tooltip_defs(("quadrant", tr("Quadrant")), ("figures", tr("High Alpha's medians")))
    shade = unit_view("rect", {
        "x": quant_def("x0", scale=x_scale, axis=x_axis), "x2": {"field": "x1"},
        "y": quant_def("y0", scale=y_scale, axis=y_axis), "y2": {"field": "y1"},
        "color": {"condition": {"test": "datum.mine === 'yes'", "value": "#E8F1F8"},
                  "value": "#F4F4F4"},
        "tooltip": tooltip,
    }, where=["datum.part === 'quadrant'"], stroke="#FFFFFF", strokeWidth=2)
    words = unit_view("text", {
        "x": quant_def("x", scale=x_scale), "y": quant_def("y", scale=y_scale),
        "text": {"field": "lines", "type": "nominal"}, "tooltip": tooltip,
    }, where=["datum.part === 'quadrant'"], lineBreak="\n", align="center", baseline="middle",
        fontSize=theme.font_sizes["mark_label"], color=theme.colors["muted"])
    dot = unit_view("point", {
        "x": quant_def("x", scale=x_scale), "y": quant_def("y", scale=y_scale),
        "tooltip": tooltip_defs(("label", tr("Your company")), ("quadrant", tr("Quadrant")),
                                ("figures", tr("Its peers' medians"))),
    }, where=["datum.part === 'you'"], filled=True, size=160, shape="circle",
        color=theme.colors["user_bar"], stroke="#FFFFFF", strokeWidth=1.5)
    label = unit_view("text", {
        "x": quant_def("x", scale=x_scale), "y": quant_def("y", scale=y_scale),
        "text": field_def("label"),
    }, where=["datum.part === 'you'"], dy=-14, fontWeight="bold", color=theme.colors["text"])
    for r in data:
        if r["part"] == "quadrant":
            r["lines"] = f"{r['quadrant']}\n{r['figures']}"
    body = {"layer": [shade, words, dot, label], "width": theme.width - 110, "height": 340}
    subtitle = [tr("You are in the quadrant {quadrant}, where the companies in High Alpha's survey had "
                   "{figures}. NRR of 100 % or more with a payback under 18 months is where the fastest "
                   "growers sit.", quadrant=mine.name, figures=mine.sentence)]
    footer = [tr("Source: {source}.", source=tr(QUADRANT_SOURCE)),
              tr("Your point: your inputs.") + " " + " ".join(notes), as_of_text(as_of)]
    title = tr("Growth and efficiency: NRR against CAC payback")
    description = tr("{title}. A quadrant chart of net revenue retention (up) against CAC payback "
                     "(shorter to the right). {you}, in the quadrant {quadrant}: there High Alpha's "
                     "companies had {figures}. The other quadrants: {others}.", title=title, you=you,
                     quadrant=mine.name, figures=mine.sentence,
                     others="; ".join(f"{q.name}: {q.figures}" for q in QUADRANTS if q is not mine))
    return finish_chart(body, data, title, subtitle, footer, theme, description=description)

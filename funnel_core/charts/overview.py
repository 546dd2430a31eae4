"""Altair charts of a :class:`~funnel_core.benchmarks.compare.ComparisonReport` (specs only, never rendered).

Every chart function returns a top-level ``alt.VConcatChart`` (title, the chart, the source
footer) or ``None`` when there is nothing to show. The look (fonts, colour-blind-safe Okabe-Ito
palette, verdict shapes, width) comes from ``assets/theme.json``, validated by
:func:`load_theme`.

The charts are written as plain Vega-Lite and wrapped in one Altair object (see "chart
helpers" below): building one takes about a millisecond, so the results page can rebuild its
charts on every context change. ``chart.to_dict()`` validates the spec against the Vega-Lite
schema as usual; the builders never call it.

Conventions shared by all charts
--------------------------------
- Layers in z-order: benchmark band, then the user's value, then the reference tick/rule.
- Verdicts are told three ways: colour, shape (better = triangle up, in line = circle,
  worse = triangle down; the glyphs ▲ ● ▼ of the app's tables in text labels) and the word
  itself in a label.
- Good is always to the right: lower-is-better KPIs use a reversed scale (bullet chart) or a
  flipped position (overview).
- Every published figure carries its source, segment, period and verification status in a
  footer line (and in tooltips); footers end with "as of <date>".
- No NaN, inf or null ever reaches a chart's data: rows with a missing number are left out,
  and a field missing in one row is left out of that row.
- One data set per chart, given once at the top level; layers select their rows with a filter.
- ``padding`` is a per-side dict (Streamlit's chart element cannot take a single number).
"""

from __future__ import annotations

from funnel_core.domain.constants import ASSETS_DIR

import functools
import json
import math
import re
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import altair as alt

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison, primary_comparison
from funnel_core.domain.constants import NO_PERIOD, POINT_IN_LINE_TOLERANCE, STATUS_LABELS, VERDICT_LABELS

#: short period suffix for row labels of values converted to a benchmark's period
_PER = {"month": "/mo", "quarter": "/qtr", "year": "/yr"}
from funnel_core.domain.formatting import currency_symbol, format_value
from funnel_core.benchmarks.funnel import FocusArea, benchmark_funnel, focus_areas

__all__ = [
    "NamedChart",
    "THEME_PATH",
    "Theme",
    "ThemeError",
    "benchmark_figure_text",
    "bullet_chart",
    "bullet_charts",
    "chart_catalog",
    "focus_chart",
    "funnel_chart",
    "load_theme",
    "mrr_bridge_chart",
    "overview_chart",
]

THEME_PATH: Path = ASSETS_DIR / "theme.json"

# --------------------------------------------------------------------------------------------
# theme
# --------------------------------------------------------------------------------------------

_VEGA_SHAPES = frozenset({
    "circle", "square", "cross", "diamond", "triangle-up", "triangle-down", "triangle-right",
    "triangle-left", "triangle", "arrow", "wedge", "stroke",
})
_COLOR_KEYS = (
    "better", "in_line", "worse", "none", "band", "reference", "text", "muted", "user_bar",
    "benchmark_bar", "increase", "decrease", "total", "background",
)
_FONT_SIZE_KEYS = ("title", "subtitle", "axis_label", "axis_title", "mark_label", "footer")
_SHAPE_KEYS = ("better", "in_line", "worse", "none")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


class ThemeError(ValueError):
    """``assets/theme.json`` (or a theme file given) is missing a key or has a bad value.

    The message names the file and the key (``colors.better``).
    """


@dataclass(frozen=True)
class Theme:
    """The validated chart look.

    Attributes
    ----------
    width : total chart width in pixels (fixed so exported PNGs fit a slide).
    row_height : pixels per row in row-based charts.
    font : CSS font-family list.
    font_sizes : ``title``, ``subtitle``, ``axis_label``, ``axis_title``, ``mark_label``, ``footer``.
    colors : ``#RRGGBB`` per role (verdicts, band, reference, bars, text...).
    shapes : Vega point shape per verdict (``better``, ``in_line``, ``worse``, ``none``).
    """

    width: int
    row_height: int
    font: str
    font_sizes: Mapping[str, float]
    colors: Mapping[str, str]
    shapes: Mapping[str, str]


def _theme_from(data: Any, name: str) -> Theme:
    def fail(key: str, problem: str) -> ThemeError:
        return ThemeError(f"{name}: key '{key}' {problem}")

    if not isinstance(data, dict):
        raise ThemeError(f"{name}: must be a JSON object")

    def section(key: str) -> dict:
        value = data.get(key)
        if not isinstance(value, dict):
            raise fail(key, "is missing or is not an object")
        return value

    def integer(key: str, low: int, high: int) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, f"must be a whole number from {low} to {high}, got {value!r}")
        return value

    width = integer("width", 320, 2400)
    row_height = integer("row_height", 16, 80)
    font = data.get("font")
    if not isinstance(font, str) or not font.strip():
        raise fail("font", f"must be a non-empty font-family list, got {font!r}")

    sizes_in, colors_in, shapes_in = section("font_sizes"), section("colors"), section("shapes")
    sizes: dict[str, float] = {}
    for key in _FONT_SIZE_KEYS:
        value = sizes_in.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 6 <= value <= 48:
            raise fail(f"font_sizes.{key}", f"must be a number from 6 to 48, got {value!r}")
        sizes[key] = float(value)
    colors: dict[str, str] = {}
    for key in _COLOR_KEYS:
        value = colors_in.get(key)
        if not isinstance(value, str) or not _HEX.match(value):
            raise fail(f"colors.{key}", f"must be a colour like #0072B2, got {value!r}")
        colors[key] = value
    shapes: dict[str, str] = {}
    for key in _SHAPE_KEYS:
        value = shapes_in.get(key)
        if value not in _VEGA_SHAPES:
            raise fail(f"shapes.{key}",
                       f"must be one of {', '.join(sorted(_VEGA_SHAPES))}, got {value!r}")
        shapes[key] = value
    if len({shapes[k] for k in ("better", "in_line", "worse")}) < 3:
        raise fail("shapes", "must give better, in_line and worse three different shapes")
    return Theme(width, row_height, font.strip(), sizes, colors, shapes)


def load_theme(path: str | Path | None = None) -> Theme:
    """Read and validate a theme file (``assets/theme.json`` by default).

    Raises
    ------
    ThemeError
        When the file is missing, is not JSON, or a key is missing or invalid; the message
        names the key (e.g. ``theme.json: key 'colors.better' must be a colour like #0072B2``).
    """
    target = Path(path) if path is not None else THEME_PATH
    try:
        stat = target.stat()
    except OSError as exc:
        raise ThemeError(f"{target.name}: cannot read the chart theme ({exc.strerror})") from None
    return _load_theme_cached(str(target), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_theme_cached(path: str, mtime_ns: int, size: int) -> Theme:
    target = Path(path)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{target.name}: cannot read the chart theme ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ThemeError(f"{target.name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return _theme_from(data, target.name)


# --------------------------------------------------------------------------------------------
# public types
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NamedChart:
    """One chart of the results page, for the export module.

    Attributes
    ----------
    name : file-safe slug (``overview``, ``bullet-customer_churn_rate``, ``funnel``,
        ``mrr-bridge``, ``focus``).
    title : human title.
    chart : the Altair chart.
    """

    name: str
    title: str
    chart: alt.TopLevelMixin


# --------------------------------------------------------------------------------------------
# text helpers
# --------------------------------------------------------------------------------------------

_PERIOD_WORDS = {"month": "per month", "quarter": "per quarter", "year": "per year"}
_VERDICT_WORDS = dict(VERDICT_LABELS, none="No verdict")
_VERDICT_ORDER = ("better", "in_line", "worse", "none")
#: Verdict glyphs for text labels, as in the app's tables (▲ better, ● in line, ▼ worse,
#: – no verdict). All are in the WGL4 set: Liberation Sans and DejaVu Sans (the theme's fonts)
#: both draw them, in the app and in vl-convert's PNG/SVG exports.
_GLYPHS = {"better": "▲", "in_line": "●", "worse": "▼", "none": "–"}


def _period_words(period: str) -> str:
    return _PERIOD_WORDS.get(period, "")


def _fmt(value: float, unit: str, currency: str) -> str:
    return format_value(value, unit, currency)


def _fmt_range(low: float, high: float, unit: str, currency: str) -> str:
    """``"1.0-10.0 %"``, ``"6.0-18.0 months"``, ``"$1,000-$5,000"``."""
    a, b = _fmt(low, unit, currency), _fmt(high, unit, currency)
    for suffix in (" %", " months", "x", " points"):
        if a.endswith(suffix) and b.endswith(suffix):
            return f"{a[: -len(suffix)]}–{b}"
    return f"{a}–{b}"


def benchmark_figure_text(benchmark: Benchmark, currency: str = "USD") -> str:
    """The published figure in its own unit and statistic, e.g. ``"4.8 % median"``.

    Quartiles: ``"median 4.0 % (P25–P75 1.0–12.0 %)"``; good/great: ``"good 90.0 % / great
    110.0 %"``; a one-sided threshold: ``"≥ 3.00x target"`` or ``"< 3.0 %"``. Benchmark amounts
    are in USD (they are not converted), so money figures use ``$``.
    """
    b = benchmark
    unit = b.unit
    cur = "USD" if unit == "currency" else currency
    low, mid, high = b.low, b.median, b.high
    word = {"median": "median", "average": "average", "target": "target",
            "range": "range", "threshold": "threshold"}.get(b.statistic, b.statistic)
    if b.statistic == "quartiles" and low is not None and high is not None:
        inner = f"P25–P75 {_fmt_range(low, high, unit, cur)}"
        return f"median {_fmt(mid, unit, cur)} ({inner})" if mid is not None else inner
    if b.statistic == "good_great" and low is not None and high is not None:
        return f"good {_fmt(low, unit, cur)} / great {_fmt(high, unit, cur)}"
    if low is not None and high is not None:
        text = f"{_fmt_range(low, high, unit, cur)} {word}"
        return f"{text} (central {_fmt(mid, unit, cur)})" if mid is not None else text
    if mid is not None and low is None and high is None:
        return f"{_fmt(mid, unit, cur)} {word}"
    if low is not None:
        bound_text = f"≥ {_fmt(low, unit, cur)}"
    else:
        bound_text = f"≤ {_fmt(high, unit, cur)}"  # type: ignore[arg-type]
    if mid is not None:
        return f"{_fmt(mid, unit, cur)} {word}, up to {_fmt(high, unit, cur)}" if high is not None \
            else f"{_fmt(mid, unit, cur)} {word}, from {_fmt(low, unit, cur)}"  # type: ignore[arg-type]
    return f"{bound_text} {word}"


def _source_short(b: Benchmark) -> str:
    source = b.source
    if b.year is not None and str(b.year) not in source:
        source += f" ({b.year})"
    return source


def _footnote(number: int, b: Benchmark, currency: str) -> str:
    period = _period_words(b.period)
    parts = [f"[{number}] {_source_short(b)}", f"{benchmark_figure_text(b, currency)}",
             b.segment]
    if period:
        parts.append(period)
    parts.append(f"status {b.status}")
    return " · ".join(parts)


def _chars_per_line(theme: Theme, size: float) -> int:
    return max(40, int((theme.width - 40) / (size * 0.49)))


def _wrap(lines: Iterable[str], theme: Theme, size: float, indent: str = "    ") -> list[str]:
    width = _chars_per_line(theme, size)
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, width=width, subsequent_indent=indent,
                                 break_on_hyphens=False) or [""])
    return out


def _status_key_line(statuses: Iterable[str]) -> str | None:
    present = set(statuses)
    used = [s for s in ("V", "S", "U") if s in present]
    if not used:
        return None
    return "Status: " + " · ".join(f"{s} = {STATUS_LABELS[s].lower()}" for s in used)


def _as_of_text(as_of: date | None) -> str:
    return f"as of {(as_of or date.today()).isoformat()}"


class _Sources:
    """Numbers benchmarks in order of first use and writes the footer lines."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self._numbers: dict[tuple[str, str], int] = {}
        self._rows: list[Benchmark] = []

    def ref(self, b: Benchmark) -> int:
        key = (b.origin, b.id)
        if key not in self._numbers:
            self._rows.append(b)
            self._numbers[key] = len(self._rows)
        return self._numbers[key]

    def lines(self, as_of: date | None, extra: Sequence[str] = ()) -> list[str]:
        lines = ["Sources: " + ("" if self._rows else "your inputs")]
        if self._rows:
            lines = ["Sources:"] + [_footnote(i + 1, b, self.currency) for i, b in enumerate(self._rows)]
        lines.extend(extra)
        status = _status_key_line(b.status for b in self._rows)
        tail = f"{status} · {_as_of_text(as_of)}" if status else _as_of_text(as_of)
        lines.append(tail)
        return lines


# --------------------------------------------------------------------------------------------
# chart helpers
# --------------------------------------------------------------------------------------------
#
# Speed: every chart is written as plain Vega-Lite (dicts) and wrapped in ONE Altair top-level
# chart at the end (:func:`_finish`). Composing Altair objects (``alt.layer``, ``alt.hconcat``,
# ``.properties``, ``.configure_*``) deep-copies every sub-chart at every step and ``encode``
# parses shorthands, which made a chart cost 0.1-0.6 s to build; the dicts below cost about a
# millisecond. Each chart carries ONE data set (a list of rows, given once at the top level);
# layers pick their rows with a ``filter`` on ``part``/``panel`` instead of carrying their own
# copies. The spec is validated by ``chart.to_dict()`` (the tests do); builders never call it.

def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def _rows(rows: Iterable[Mapping[str, Any]], numeric: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``rows`` ready for a chart's data: no NaN, inf or null anywhere.

    Rows with a missing or non-finite ``numeric`` field are left out; in the rows kept, a
    field that is ``None`` (or NaN/inf) is left out of that row (the layers that use it filter
    on ``isValid``).
    """
    return [{k: v for k, v in r.items() if not _missing(v)}
            for r in rows if all(_finite(r.get(k)) for k in numeric)]


def _field(name: str, kind: str = "nominal", **props: Any) -> dict[str, Any]:
    """An encoding of a data field (``kind``: ``nominal`` or ``quantitative``)."""
    return {"field": name, "type": kind, **props}


def _quant(name: str, **props: Any) -> dict[str, Any]:
    return _field(name, "quantitative", **props)


def _tooltips(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    """Tooltip encodings: (field, title) pairs, all shown as text."""
    return [{"field": name, "type": "nominal", "title": title} for name, title in pairs]


def _where(*conditions: str) -> list[dict[str, Any]]:
    """A ``transform`` keeping the rows where every Vega expression in ``conditions`` holds."""
    return [{"filter": " && ".join(conditions)}]


def _is(field: str, value: Any) -> str:
    return f"datum.{field} === {json.dumps(value)}"


def _valid(*fields: str) -> str:
    return " && ".join(f"isValid(datum.{f})" for f in fields)


def _view(mark: str, encoding: Mapping[str, Any], where: Sequence[str] = (),
          **mark_props: Any) -> dict[str, Any]:
    """A unit view: ``mark`` (with its properties), ``encoding``; rows filtered by ``where``."""
    spec: dict[str, Any] = {"mark": {"type": mark, **mark_props}, "encoding": dict(encoding)}
    if where:
        spec["transform"] = _where(*where)
    return spec


def _title(text: str, subtitle: Sequence[str], theme: Theme) -> dict[str, Any]:
    return {
        "text": text, "subtitle": _wrap(subtitle, theme, theme.font_sizes["subtitle"], indent=""),
        "anchor": "start", "frame": "bounds", "fontSize": theme.font_sizes["title"],
        "fontWeight": "bold", "color": theme.colors["text"],
        "subtitleFontSize": theme.font_sizes["subtitle"], "subtitleColor": theme.colors["muted"],
        "subtitlePadding": 6, "offset": 14,
    }


def _footer(lines: Sequence[str], theme: Theme) -> dict[str, Any]:
    return {
        "text": _wrap(lines, theme, theme.font_sizes["footer"]), "orient": "bottom",
        "anchor": "start", "frame": "bounds", "fontSize": theme.font_sizes["footer"],
        "fontWeight": "normal", "color": theme.colors["muted"],
        "lineHeight": theme.font_sizes["footer"] + 4, "offset": 18,
    }


def _config(theme: Theme) -> dict[str, Any]:
    sizes, colors = theme.font_sizes, theme.colors
    return {
        "font": theme.font, "background": colors["background"],
        "view": {"stroke": None},
        "axis": {"labelFontSize": sizes["axis_label"], "titleFontSize": sizes["axis_title"],
                 "labelColor": colors["text"], "titleColor": colors["text"],
                 "titleFontWeight": "normal", "labelLimit": 260, "titleLimit": theme.width,
                 "gridColor": "#EBEBEB", "domainColor": "#9A9A9A", "tickColor": "#9A9A9A"},
        "legend": {"labelFontSize": sizes["axis_label"], "titleFontSize": sizes["axis_title"],
                   "labelColor": colors["text"], "titleColor": colors["text"], "orient": "top",
                   "direction": "horizontal", "titleOrient": "left", "symbolStrokeWidth": 0},
        "text": {"font": theme.font, "fontSize": sizes["mark_label"], "color": colors["text"]},
    }


#: Space around every chart, per side: Streamlit's chart element adds its own padding to the
#: spec's and cannot take a single number ("Cannot create property 'bottom' on number").
_PADDING = {"left": 16, "right": 16, "top": 16, "bottom": 16}


# ``alt.VConcatChart`` takes Altair schema objects as sub-views. These hold a body given as plain
# Vega-Lite; Altair would otherwise check each one against the schema when it is created (tens
# of milliseconds). The finished chart is checked as a whole by ``to_dict()``.
class _LayerView(alt.LayerSpec):
    _class_is_valid_at_instantiation = False


class _HConcatView(alt.HConcatSpecGenericSpec):
    _class_is_valid_at_instantiation = False


class _VConcatView(alt.VConcatSpecGenericSpec):
    _class_is_valid_at_instantiation = False


_VIEW_CLASSES = (("layer", _LayerView), ("hconcat", _HConcatView), ("vconcat", _VConcatView))


def _finish(body: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], title: str,
            subtitle: Sequence[str], footer: Sequence[str], theme: Theme) -> alt.VConcatChart:
    """The top-level chart: ``body`` (a layer, hconcat or vconcat spec) with the source footer
    below, the title on top, the theme, and ``rows`` as the one data set its views share."""
    cls = next(c for key, c in _VIEW_CLASSES if key in body)
    inner = cls(**body, title=_footer(footer, theme))
    return alt.VConcatChart(
        vconcat=[inner], data={"values": list(rows)}, title=_title(title, subtitle, theme),
        padding=dict(_PADDING), config=_config(theme))


def _verdict_scales(theme: Theme, verdicts: Sequence[str] = _VERDICT_ORDER[:3]
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    domain = [_VERDICT_WORDS[v] for v in verdicts]
    color = {"domain": domain, "range": [theme.colors[v] for v in verdicts]}
    shape = {"domain": domain, "range": [theme.shapes[v] for v in verdicts]}
    return color, shape


def _axis_format(unit: str, currency: str, values: Sequence[float]) -> dict[str, Any]:
    """Axis ``format``/``labelExpr`` for a unit: % for fractions, the currency symbol for money."""
    if unit == "fraction":
        span = (max(values) - min(values)) if values else 1.0
        return {"format": ".1%" if span < 0.05 else ".0%"}
    if unit == "currency":
        symbol = currency_symbol(currency)
        if symbol in ("$", "£", "€"):
            return {"labelExpr": f"'{symbol}' + format(datum.value, ',.0f')"}
        return {"labelExpr": f"format(datum.value, ',.0f') + ' {symbol}'"}
    if unit == "ratio":
        return {"labelExpr": "format(datum.value, ',.3~g') + 'x'"}
    if unit == "points":
        return {"format": "+,.0f"}
    return {"format": ",.3~g"}


_UNIT_WORDS = {"fraction": "%", "ratio": "multiple (x)", "months": "months",
               "points": "points, -100 to +100"}


def _unit_words(unit: str, currency: str, period: str) -> str:
    word = currency if unit == "currency" else _UNIT_WORDS.get(unit, unit)
    per = _period_words(period)
    return f"{word} {per}" if per else word


def _domain(values: Sequence[float], unit: str) -> list[float]:
    """A padded x domain around ``values``; never below 0 when all values are non-negative."""
    lo, hi = min(values), max(values)
    span = hi - lo
    if span <= 0:
        span = abs(hi) * 0.5 or (0.05 if unit == "fraction" else 1.0)
    pad = span * 0.18
    low, high = lo - pad, hi + pad
    if lo >= 0 and low < 0:
        low = 0.0
    return [low, high]


# --------------------------------------------------------------------------------------------
# overview
# --------------------------------------------------------------------------------------------

_CLIP = 3.0  # overview positions beyond this many band half-widths are drawn at the edge


def _minimum_half_width(unit: str) -> float:
    return {"fraction": 0.005, "points": 5.0, "ratio": 0.1, "months": 1.0}.get(unit, 1.0)


_Normalised = tuple[float, float, float, "tuple[float, float] | None", "float | None"]


def _normaliser(b: Benchmark, higher_is_better: bool) -> _Normalised:
    """Centre, half-width, sign, band (normalised) and reference position (normalised).

    A range (low..high) maps to -1..+1; a single figure to +-10 % around it (the in-line zone
    of the verdict); a one-sided bound sits at 0 with +-10 % of it as the unit.
    """
    low, mid, high = b.low, b.median, b.high
    sign = 1.0 if higher_is_better else -1.0
    band: tuple[float, float] | None
    if low is not None and high is not None:
        centre, half = (low + high) / 2, (high - low) / 2
        band = (-1.0, 1.0)
    elif mid is not None and low is None and high is None:
        centre, half = mid, abs(mid) * POINT_IN_LINE_TOLERANCE
        band = (-1.0, 1.0)
    else:
        bound = low if low is not None else high
        assert bound is not None
        centre, half, band = bound, abs(bound) * POINT_IN_LINE_TOLERANCE, None
    half = max(half, _minimum_half_width(b.unit))
    ref_value = mid if mid is not None else (centre if band is None else None)
    ref = sign * (ref_value - centre) / half if ref_value is not None else None
    return centre, half, sign, band, ref


def _clip(x: float) -> float:
    return max(-_CLIP, min(_CLIP, x))


_TRAILING_ZERO = re.compile(r"(\d)\.0(?=[^\d]|$)")


def _compact(text: str) -> str:
    """Drop ``.0`` decimals in a short label (``"90.0–110.0 %"`` -> ``"90–110 %"``)."""
    return _TRAILING_ZERO.sub(r"\1", text)


def _short_figure(b: Benchmark, currency: str) -> str:
    """The benchmark's headline figure for a label: ``"4.8 % average"``, ``"5–10 % range"``."""
    return _compact(_short_figure_full(b, currency))


def _short_figure_full(b: Benchmark, currency: str) -> str:
    unit = b.unit
    cur = "USD" if unit == "currency" else currency
    if b.median is not None:
        word = "median" if b.statistic in ("median", "quartiles") else b.statistic
        return f"{_fmt(b.median, unit, cur)} {word}"
    if b.low is not None and b.high is not None:
        word = {"good_great": "good–great"}.get(b.statistic, b.statistic)
        return f"{_fmt_range(b.low, b.high, unit, cur)} {word}"
    if b.low is not None:
        return f"≥ {_fmt(b.low, unit, cur)} {b.statistic}"
    return f"≤ {_fmt(b.high, unit, cur)} {b.statistic}"  # type: ignore[arg-type]


_TOOLTIP = _tooltips(
    ("kpi", "KPI"), ("verdict", "Verdict"), ("user_value", "Your value"),
    ("benchmark", "Benchmark"), ("source", "Source"), ("year", "Year"), ("segment", "Segment"),
    ("period", "Period"), ("status", "Status"), ("note", "Conversion"),
)


def _tooltip_values(item: KpiComparison, c: BenchmarkComparison, currency: str) -> dict[str, Any]:
    b = c.benchmark
    spec = item.kpi.spec
    per = _period_words(b.period)
    user = _fmt(c.user_value, spec.unit, currency) if c.user_value is not None else "n/a"
    return {
        "kpi": spec.label,
        "verdict": _VERDICT_WORDS[c.verdict or "none"],
        "user_value": user + (f" {per}" if per else ""),
        "benchmark": benchmark_figure_text(b, currency) + (f" {per}" if per else ""),
        "source": b.source,
        "year": str(b.year) if b.year is not None else "not given",
        "segment": b.segment,
        "period": per or "no period",
        "status": f"{b.status}: {STATUS_LABELS.get(b.status, b.status)}",
        "note": c.conversion_note or "",
    }


def _text_column(y_field: str, labels: Sequence[str], y_scale: Mapping[str, Any], theme: Theme,
                 width: int, height: float, where: Sequence[str] = ()) -> dict[str, Any]:
    """The column of verdict-coloured summaries right of a row chart."""
    view = _view("text", {
        "y": _field(y_field, sort=list(labels), scale=y_scale, axis=None),
        "x": {"value": 0}, "text": _field("summary"), "tooltip": _TOOLTIP,
        "color": _field("verdict", scale=_text_colors(theme), legend=None),
    }, where, align="left", baseline="middle", dx=4, limit=width - 4)
    view.update(width=width, height=height)
    return view


def overview_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """Every computed KPI against its primary benchmark on one common scale.

    Position of a value :math:`v` against a benchmark band :math:`[l, h]` (a single figure
    :math:`m`: :math:`[0.9m, 1.1m]`, the verdict's in-line zone):

    .. math::

        x = s \\cdot \\frac{v - (l + h)/2}{(h - l)/2}, \\qquad s = +1 \\text{ if higher is better, else } -1

    so the band is always -1..+1 and better is always to the right; positions beyond
    +-3 are drawn at the edge (the label gives the true value). A one-sided threshold sits
    at 0 with 10 % of it as the unit. Returns ``None`` when no KPI has a benchmark it can be
    placed against.
    """
    theme = load_theme()
    currency = report.snapshot.context.currency
    sources = _Sources(currency)
    rows: list[dict[str, Any]] = []
    for item in report.computed():
        primary = primary_comparison(item)
        if primary is None or primary.user_value is None:
            continue
        spec = item.kpi.spec
        b = primary.benchmark
        better = spec.higher_is_better if spec.higher_is_better is not None else True
        centre, half, sign, band, ref = _normaliser(b, better)
        x_raw = sign * (primary.user_value - centre) / half
        verdict = primary.verdict or "none"
        number = sources.ref(b)
        row = _tooltip_values(item, primary, currency)
        row.update({
            # a value converted to the benchmark's period says so (monthly NRR shown per year)
            "row": f"{spec.label}"
                   + (f" {_PER[b.period]}" if b.period not in (NO_PERIOD, item.kpi.period) else "")
                   + f" [{number}]",
            "x": _clip(x_raw),
            "band_lo": band[0] if band else None,
            "band_hi": band[1] if band else None,
            "ref": _clip(ref) if ref is not None else None,
            "summary": f"{_GLYPHS[verdict]} {_fmt(primary.user_value, spec.unit, currency)} vs "
                       f"{_short_figure(b, currency)}",  # the user's value keeps its decimals
        })
        if abs(x_raw) > _CLIP:
            row["note"] = (row["note"] + "; " if row["note"] else "") + "off the scale, drawn at the edge"
        rows.append(row)
    data = _rows(rows, ["x"])
    if not data:
        return None
    labels = [r["row"] for r in data]
    n = len(data)
    row_h = theme.row_height
    text_w = 205
    label_w = 205
    plot_w = max(150, theme.width - 32 - label_w - 6 - text_w)
    y_scale = {"domain": labels, "paddingInner": 0.35}
    y = _field("row", sort=labels, scale=y_scale, axis={
        "title": None, "labelFontSize": theme.font_sizes["axis_label"] + 1, "labelPadding": 10,
        "ticks": False, "domain": False, "labelLimit": label_w - 10, "minExtent": label_w,
        "maxExtent": label_w})
    x_scale = {"domain": [-_CLIP - 0.25, _CLIP + 0.25], "nice": False}
    color, shape = _verdict_scales(theme)
    x_axis = {"title": ["← worse · better →", "than the benchmark"], "labels": False,
              "ticks": False, "grid": False, "domain": False, "titlePadding": 8}
    # the benchmark's centre line: one rule at 0 (the rows aggregated to one)
    zero = _view("rule", {"x": {"datum": 0.0, "type": "quantitative", "scale": x_scale,
                                "axis": x_axis}}, color="#C8C8C8", strokeDash=[2, 3])
    zero["transform"] = [{"aggregate": [{"op": "count", "as": "rows"}]}]
    layers: list[dict[str, Any]] = [zero]
    if any("band_lo" in r and "band_hi" in r for r in data):
        layers.append(_view("bar", {"x": _quant("band_lo", scale=x_scale), "x2": {"field": "band_hi"},
                                    "y": y, "tooltip": _TOOLTIP},
                            [_valid("band_lo", "band_hi")],
                            color=theme.colors["band"], height=14, cornerRadius=2))
    layers.append(_view("point", {
        "x": _quant("x", scale=x_scale), "y": y,
        "color": _field("verdict", scale=color, title=None),
        "shape": _field("verdict", scale=shape, title=None), "tooltip": _TOOLTIP,
    }, filled=True, size=170, opacity=1, stroke="white", strokeWidth=1))
    if any("ref" in r for r in data):
        layers.append(_view("tick", {"x": _quant("ref", scale=x_scale), "y": y, "tooltip": _TOOLTIP},
                            [_valid("ref")], color=theme.colors["reference"], thickness=2, size=20))
    plot = {"layer": layers, "width": plot_w, "height": row_h * n}
    text = _text_column("row", labels, y_scale, theme, text_w, row_h * n)
    body = {"hconcat": [plot, text], "spacing": 6,
            "resolve": {"scale": {"y": "shared", "color": "independent", "shape": "independent"}}}
    subtitle = [
        "Grey bar = the benchmark's range (a single figure: ±10 % around it); black tick = its "
        "median or threshold. Right = better than the benchmark (lower-is-better KPIs are flipped).",
    ]
    return _finish(body, data, "Your KPIs against published benchmarks", subtitle,
                   sources.lines(as_of), theme)


def _text_colors(theme: Theme) -> dict[str, Any]:
    """Verdict colours for text: the verdict hue for better/worse, dark grey otherwise."""
    domain = [_VERDICT_WORDS[v] for v in _VERDICT_ORDER]
    return {"domain": domain, "range": [theme.colors["better"], theme.colors["text"],
                                        theme.colors["worse"], theme.colors["text"]]}


# --------------------------------------------------------------------------------------------
# bullet charts
# --------------------------------------------------------------------------------------------

def _bullet_layer(item: KpiComparison, comparison: BenchmarkComparison, theme: Theme,
                  currency: str, width: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One bullet: band (range, quartiles, good-great or the ±10 % in-line zone), the user's
    verdict-shaped value with its label, then the median tick or threshold rule on top.

    Returns the layer spec and its rows (one data set; each layer filters on ``part``).
    """
    spec = item.kpi.spec
    b = comparison.benchmark
    value = comparison.user_value
    assert value is not None
    better = spec.higher_is_better if spec.higher_is_better is not None else True
    verdict = comparison.verdict or "none"
    unit_cur = "USD" if spec.unit == "currency" else currency
    band_row: dict[str, Any] | None = None
    edges: list[dict[str, Any]] = []
    if b.low is not None and b.high is not None:
        band_name = {"quartiles": "P25–P75", "good_great": "good–great"}.get(b.statistic, "range")
        band_row = {"part": "band", "lo": b.low, "hi": b.high, "what": f"Benchmark {band_name}",
                    "text": _fmt_range(b.low, b.high, spec.unit, unit_cur)}
        names = {"quartiles": ("P25", "P75"), "good_great": ("good", "great")}.get(b.statistic)
        if names:
            edges = [{"part": "edge", "x": b.low, "label": names[0]},
                     {"part": "edge", "x": b.high, "label": names[1]}]
    elif b.median is not None and b.low is None and b.high is None:
        tol = abs(b.median) * POINT_IN_LINE_TOLERANCE
        band_row = {"part": "band", "lo": b.median - tol, "hi": b.median + tol,
                    "what": "In line (±10 % of the figure)",
                    "text": _fmt_range(b.median - tol, b.median + tol, spec.unit, unit_cur)}
    # the axis shows the whole band, the reference and the user's value
    figures = [v for v in (b.low, b.median, b.high, value) if v is not None]
    if band_row is not None:
        figures += [band_row["lo"], band_row["hi"]]
    dom = _domain(figures, spec.unit)
    scale = {"domain": dom, "reverse": not better, "nice": True, "zero": False}
    axis_title = (f"{spec.label}, {_unit_words(spec.unit, unit_cur, b.period)}"
                  f"   ← worse · better →")
    axis = {"title": axis_title, "grid": False, "tickCount": 6, "labelFlush": True,
            **_axis_format(spec.unit, unit_cur, dom)}
    base_y, band_half = 34, 10
    tooltip = _tooltips(("what", " "), ("text", "Value"))
    rows: list[dict[str, Any]] = []
    layers: list[dict[str, Any]] = []
    # 1. band (clipped: it never draws outside the plotting area)
    if band_row is not None:
        rows.append(band_row)
        layers.append(_view("rect", {
            "x": _quant("lo", scale=scale, axis=axis), "x2": {"field": "hi"},
            "y": {"value": base_y - band_half}, "y2": {"value": base_y + band_half},
            "tooltip": tooltip,
        }, [_is("part", "band")], color=theme.colors["band"], cornerRadius=2, clip=True,
            **({"opacity": 0.7} if b.low is None else {})))
    if edges:
        rows.extend(edges)
        layers.append(_view("text", {
            "x": _quant("x", scale=scale), "y": {"value": base_y + band_half + 2},
            "text": _field("label"),
        }, [_is("part", "edge")], baseline="top", fontSize=10, color=theme.colors["muted"]))
    # 2. the user's value
    rows.append({"part": "you", "x": value, "verdict": _VERDICT_WORDS[verdict], "what": "You",
                 "text": _fmt(value, spec.unit, currency),
                 "label": f"{_GLYPHS[verdict]} You: {_fmt(value, spec.unit, currency)} · "
                          f"{_VERDICT_WORDS[verdict].lower()}"})
    color, shape = _verdict_scales(theme, _VERDICT_ORDER)
    you = [_is("part", "you")]
    layers.append(_view("point", {
        "x": _quant("x", scale=scale, axis=axis), "y": {"value": base_y},
        "color": _field("verdict", scale=color, legend=None),
        "shape": _field("verdict", scale=shape, legend=None), "tooltip": tooltip,
    }, you, filled=True, size=240, opacity=1, stroke="white", strokeWidth=1))
    layers.append(_view("text", {
        "x": _quant("x", scale=scale), "y": {"value": base_y + band_half + 15},
        "text": _field("label"), "color": _field("verdict", scale=color, legend=None),
    }, you, baseline="top", fontWeight="bold", align=_label_align(value, dom, not better),
        fontSize=theme.font_sizes["mark_label"]))
    # 3. reference: median tick or threshold rule
    ref_value, ref_text = None, None
    if b.median is not None:
        ref_value = b.median
        ref_text = f"{'median' if b.statistic in ('median', 'quartiles') else b.statistic} " \
                   f"{_fmt(b.median, spec.unit, unit_cur)}"
    elif (b.low is None) != (b.high is None):
        ref_value = b.low if b.low is not None else b.high
        sign = "≥" if b.low is not None else "≤"
        ref_text = f"{b.statistic} {sign} {_fmt(ref_value, spec.unit, unit_cur)}"  # type: ignore[arg-type]
    if ref_value is not None:
        rows.append({"part": "ref", "x": ref_value, "what": "Benchmark", "text": ref_text})
        ref = [_is("part", "ref")]
        layers.append(_view("rule", {
            "x": _quant("x", scale=scale), "y": {"value": base_y - band_half - 4},
            "y2": {"value": base_y + band_half + 4}, "tooltip": tooltip,
        }, ref, color=theme.colors["reference"], strokeWidth=2.5,
            strokeDash=[] if b.median is not None else [4, 3]))
        layers.append(_view("text", {
            "x": _quant("x", scale=scale), "y": {"value": base_y - band_half - 6},
            "text": _field("text"),
        }, ref, baseline="bottom", align=_label_align(ref_value, dom, not better),
            fontSize=theme.font_sizes["mark_label"]))
    return {"layer": layers, "width": width, "height": base_y * 2 + 12}, _rows(rows)


def _label_align(value: float, dom: Sequence[float], reversed_: bool) -> str:
    """Left/centre/right so a label near an edge of the axis is not cut off."""
    lo, hi = dom[0], dom[1]
    pos = (value - lo) / (hi - lo) if hi > lo else 0.5
    if reversed_:
        pos = 1 - pos
    if pos < 0.2:
        return "left"
    if pos > 0.8:
        return "right"
    return "center"


def _comparison_line(comparison: BenchmarkComparison, currency: str) -> str:
    b = comparison.benchmark
    per = _period_words(b.period)
    return (f"Benchmark: {benchmark_figure_text(b, currency)}{' ' + per if per else ''} · "
            f"{b.segment}")


def bullet_chart(item: KpiComparison, comparison: BenchmarkComparison | None = None, *,
                 as_of: date | None = None, currency: str = "USD") -> alt.VConcatChart:
    """One KPI against one benchmark: band, median tick, the user's value.

    The user's value is ``comparison.user_value`` (already in the benchmark's period). A
    lower-is-better KPI gets a reversed x scale so that good is always on the right.

    Parameters
    ----------
    item : the KPI with its comparisons.
    comparison : the benchmark to draw; the primary one (:func:`primary_comparison`) by default.
    as_of : date printed in the footer (today by default).
    currency : the snapshot's currency (benchmark money figures stay in USD).

    Raises
    ------
    ValueError
        When the KPI has no benchmark its value can be placed against.
    """
    theme = load_theme()
    comparison = comparison if comparison is not None else primary_comparison(item)
    if comparison is None or comparison.user_value is None:
        reason = comparison.reason if comparison is not None else "no matching benchmark"
        raise ValueError(f"{item.kpi.spec.label}: cannot be drawn against a benchmark ({reason})")
    sources = _Sources(currency)
    number = sources.ref(comparison.benchmark)
    b = comparison.benchmark
    verdict = _VERDICT_WORDS[comparison.verdict or "none"]
    subtitle = [f"{verdict} than the benchmark" if comparison.verdict in ("better", "worse")
                else f"{verdict} with the benchmark" if comparison.verdict == "in_line"
                else f"{verdict}: {comparison.reason or ''}".rstrip(": "),
                f"{_comparison_line(comparison, currency)} [{number}]"]
    if comparison.conversion_note:
        subtitle.append(f"Your value: {comparison.conversion_note}")
    body, rows = _bullet_layer(item, comparison, theme, currency, theme.width - 32 - 8)
    title = f"{item.kpi.spec.label}: {_fmt(comparison.user_value, item.kpi.spec.unit, currency)}" \
            f"{' ' + _period_words(b.period) if _period_words(b.period) else ''}"
    return _finish(body, rows, title, subtitle, sources.lines(as_of), theme)


_PERIOD_SUFFIX = re.compile(r"\s*\((monthly|annualised|annual)\)$")


def _row_label(text: str, width: int = 34) -> str:
    """Wrap a row label onto at most three lines (joined by ``\\n``; the axis splits them)."""
    lines = textwrap.wrap(text, width=width, break_on_hyphens=False) or [text]
    if len(lines) > 3:
        lines = lines[:2] + [" ".join(lines[2:])]
    return "\n".join(lines)


def _bullet_panel(item: KpiComparison, comps: Sequence[BenchmarkComparison], sources: _Sources,
                  theme: Theme, currency: str, period: str, show_title: bool,
                  panel: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Rows of benchmarks of one period on one shared axis in the KPI's unit.

    Returns the panel spec and its rows (tagged ``panel``; each layer filters on it).
    """
    spec = item.kpi.spec
    better = spec.higher_is_better if spec.higher_is_better is not None else True
    unit_cur = "USD" if spec.unit == "currency" else currency
    text_w, label_w = 185, 200
    rows: list[dict[str, Any]] = []
    for c in comps:
        b = c.benchmark
        number = sources.ref(b)
        if b.low is not None and b.high is not None:
            lo, hi = b.low, b.high
        elif b.median is not None and b.low is None and b.high is None:
            tol = abs(b.median) * POINT_IN_LINE_TOLERANCE
            lo, hi = b.median - tol, b.median + tol
        else:
            lo = hi = None
        if b.median is not None:
            ref = b.median
        elif (b.low is None) != (b.high is None):  # one-sided threshold or target
            ref = b.low if b.low is not None else b.high
        else:
            ref = None
        verdict = c.verdict or "none"
        row = _tooltip_values(item, c, currency)
        row.update({
            "panel": panel, "part": "row",
            "row": _row_label(f"[{number}] {b.label}"),
            "band_lo": lo, "band_hi": hi, "ref": ref, "user": c.user_value,
            "summary": f"{_GLYPHS[verdict]} {_VERDICT_WORDS[verdict].lower()} · {_short_figure(b, currency)}",
        })
        rows.append(row)
    data = _rows(rows, ["user"])
    labels = [r["row"] for r in data]
    lines = max(label.count("\n") + 1 for label in labels)
    row_h = max(theme.row_height, 13 * lines + 10)
    values = [v for r in data for v in (r.get("band_lo"), r.get("band_hi"), r.get("ref"), r["user"])
              if v is not None]
    dom = _domain(values, spec.unit)
    x_scale = {"domain": dom, "reverse": not better, "nice": True, "zero": False}
    kpi_label = spec.label if period == item.kpi.period else _PERIOD_SUFFIX.sub("", spec.label)
    x_axis = {"title": [f"{kpi_label}, {_unit_words(spec.unit, unit_cur, period)}",
                        "← worse · better →"], "grid": True, "labelFlush": True, "tickCount": 6,
              "titlePadding": 8, **_axis_format(spec.unit, unit_cur, dom)}
    y_scale = {"domain": labels, "paddingInner": 0.3}
    y = _field("row", sort=labels, scale=y_scale, axis={
        "title": None, "ticks": False, "domain": False, "labelPadding": 8,
        "labelLimit": label_w - 8, "minExtent": label_w, "maxExtent": label_w,
        "labelExpr": "split(datum.label, '\\n')", "labelLineHeight": 13})
    users = [{"panel": panel, "part": "user", "user": v} for v in sorted({r["user"] for r in data})]
    here = _is("panel", panel)
    row_part = [here, _is("part", "row")]
    color, shape = _verdict_scales(theme, _VERDICT_ORDER)
    layers: list[dict[str, Any]] = []
    if any("band_lo" in r and "band_hi" in r for r in data):
        # clipped: a band never draws outside the plotting area
        layers.append(_view("bar", {
            "x": _quant("band_lo", scale=x_scale, axis=x_axis), "x2": {"field": "band_hi"},
            "y": y, "tooltip": _TOOLTIP,
        }, row_part + [_valid("band_lo", "band_hi")], color=theme.colors["band"], height=12,
            cornerRadius=2, clip=True))
    layers.append(_view("rule", {"x": _quant("user", scale=x_scale, axis=x_axis)},
                        [here, _is("part", "user")], color=theme.colors["muted"],
                        strokeDash=[3, 3], strokeWidth=1))
    layers.append(_view("point", {
        "x": _quant("user", scale=x_scale, axis=x_axis), "y": y,
        "color": _field("verdict", scale=color, legend=None),
        "shape": _field("verdict", scale=shape, legend=None), "tooltip": _TOOLTIP,
    }, row_part, filled=True, size=150, opacity=1, stroke="white", strokeWidth=1))
    if any("ref" in r for r in data):
        layers.append(_view("tick", {"x": _quant("ref", scale=x_scale), "y": y, "tooltip": _TOOLTIP},
                            row_part + [_valid("ref")], color=theme.colors["reference"],
                            thickness=2, size=18))
    plot_w = max(150, theme.width - 32 - label_w - 6 - text_w)
    plot = {"layer": layers, "width": plot_w, "height": row_h * len(data)}
    text = _text_column("row", labels, y_scale, theme, text_w, row_h * len(data), row_part)
    out: dict[str, Any] = {
        "hconcat": [plot, text], "spacing": 6,
        "resolve": {"scale": {"y": "shared", "color": "independent", "shape": "independent"}}}
    if show_title:
        user = data[0]["user"]
        heading = f"{_period_words(period).capitalize() or 'No period'}: you {_fmt(user, spec.unit, currency)}"
        note = next((c.conversion_note for c in comps if c.conversion_note), None)
        title: dict[str, Any] = {
            "text": heading, "anchor": "start", "frame": "bounds",
            "fontSize": theme.font_sizes["axis_title"] + 1, "color": theme.colors["text"],
            "subtitleColor": theme.colors["muted"], "subtitleFontSize": theme.font_sizes["axis_label"],
            "offset": 6}
        if note:
            title["subtitle"] = _wrap([note], theme, theme.font_sizes["axis_label"], indent="")
        out["title"] = title
    return out, data + users


def bullet_charts(item: KpiComparison, *, as_of: date | None = None,
                  currency: str = "USD") -> alt.VConcatChart:
    """Every benchmark of a KPI, one row each (sources that disagree are all shown).

    Rows are grouped by the benchmark's period (the user's value is converted to each period);
    each group shares one axis in the KPI's unit, reversed for lower-is-better KPIs so good is
    on the right. Each row is labelled with its source (numbered, full source, segment and
    status in the footer). Benchmarks the value cannot be placed against (another unit, no
    conversion) are listed in the footer with the reason.

    Raises
    ------
    ValueError
        When no benchmark can be drawn.
    """
    theme = load_theme()
    placed = [c for c in item.comparisons if c.user_value is not None]
    if not placed:
        raise ValueError(f"{item.kpi.spec.label}: no benchmark the value can be placed against")
    spec = item.kpi.spec
    sources = _Sources(currency)
    groups: dict[str, list[BenchmarkComparison]] = {}
    for c in placed:
        groups.setdefault(c.benchmark.period, []).append(c)
    order = sorted(groups, key=lambda p: (p != item.kpi.period, p))
    show_titles = len(groups) > 1 or order[0] != item.kpi.period
    panels: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for index, p in enumerate(order):
        panel, panel_rows = _bullet_panel(item, groups[p], sources, theme, currency, p,
                                          show_titles, index)
        panels.append(panel)
        rows.extend(panel_rows)
    body = {"vconcat": panels, "spacing": 28}
    not_placed = [f"Not placed: {c.benchmark.label} ({c.reason})"
                  for c in item.comparisons if c.user_value is None]
    value_text = _fmt(item.kpi.value, spec.unit, currency) if item.kpi.value is not None else "n/a"
    per = _period_words(item.kpi.period)
    counts = {v: sum(1 for c in placed if c.verdict == v) for v in ("better", "in_line", "worse")}
    tally = ", ".join(f"{n} {_VERDICT_WORDS[v].lower()}" for v, n in counts.items() if n)
    title = f"{spec.label}: {value_text}{' ' + per if per else ''}"
    subtitle = [f"Against {len(placed)} published figure{'s' if len(placed) != 1 else ''}"
                f"{' (' + tally + ')' if tally else ''}. Grey bar = range (a single figure: "
                "±10 %), black tick = median or threshold, dashed line = you; good is on the right."]
    return _finish(body, rows, title, subtitle, sources.lines(as_of, not_placed), theme)


# --------------------------------------------------------------------------------------------
# funnel
# --------------------------------------------------------------------------------------------

def _count_text(value: float) -> str:
    if value >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def funnel_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """The user's funnel beside the benchmark funnel from the same visitors (log scale).

    Returns ``None`` when fewer than two funnel stages are given or there are no visitors
    (nothing to compare). Zero counts further down switch to a symmetric log scale.
    """
    theme = load_theme()
    steps = benchmark_funnel(report)
    if len(steps) < 2 or steps[0].user_count <= 0:
        return None
    currency = report.snapshot.context.currency
    sources = _Sources(currency)
    rows: list[dict[str, Any]] = []
    stage_labels: list[str] = []
    step_lines: list[str] = []
    for step in steps:
        label = step.label + (" (no benchmark)" if step.benchmark_missing else "")
        stage_labels.append(label)
        user_rate = f" · {format_value(step.user_rate, 'fraction')}" if step.user_rate is not None else ""
        rows.append({"stage": label, "series": "You", "count": step.user_count,
                     "label": _count_text(step.user_count) + user_rate,
                     "detail": "Your count" + (f"; your step rate {format_value(step.user_rate, 'fraction')}"
                                               if step.user_rate is not None else "")})
        if step.benchmark_count is not None:
            ref = ""
            if step.kpi_id is None:
                detail = "Same visitors as yours"
            elif step.benchmark_missing:
                detail = step.note
                ref = " (yours)"
            else:
                item = report.get(step.kpi_id)
                b = next(c.benchmark for c in item.comparisons if c.benchmark.id == step.benchmark_id)
                ref = f" [{sources.ref(b)}]"
                detail = step.note
            rate = f" · {format_value(step.rate_used, 'fraction')}{ref}" if step.rate_used is not None else ""
            rows.append({"stage": label, "series": "At benchmark rates", "count": step.benchmark_count,
                         "label": _count_text(step.benchmark_count) + rate, "detail": detail})
        if step.benchmark_missing:
            step_lines.append(step.note)
    data = _rows(rows, ["count"])
    counts = [float(r["count"]) for r in data]
    positive = [c for c in counts if c > 0]
    use_log = len(positive) == len(counts) and bool(positive)
    if use_log:
        lo = 10.0 ** math.floor(math.log10(min(positive)))
        hi = 10.0 ** math.ceil(math.log10(max(positive) * 4))
        x_scale: dict[str, Any] = {"type": "log", "domain": [lo, hi], "nice": False}
        ticks = [10.0 ** k for k in range(int(round(math.log10(lo))), int(round(math.log10(hi))) + 1)]
        scale_note = "Log scale: each gridline is 10× the one before, so small stages stay visible."
    else:
        lo, hi = 0.0, max(counts + [1.0]) * 12
        x_scale = {"type": "symlog", "constant": 1, "domain": [lo, hi], "nice": False}
        ticks = [0.0] + [10.0 ** k for k in range(0, int(math.log10(hi)) + 1)]
        scale_note = "Symmetric log scale (some counts are zero): each gridline is 10× the one before."
    series = ["You", "At benchmark rates"]
    series_scale = {"domain": series, "range": [theme.colors["user_bar"], theme.colors["benchmark_bar"]]}
    y = _field("stage", sort=stage_labels, scale={"domain": stage_labels, "paddingInner": 0.25},
               axis={"title": None, "ticks": False, "domain": False, "labelPadding": 8,
                     "labelFontSize": theme.font_sizes["axis_label"] + 1, "labelLimit": 180,
                     "minExtent": 190, "maxExtent": 190})
    y_offset = _field("series", sort=series, scale={"domain": series, "paddingInner": 0.08})
    tooltip = _tooltips(("stage", "Stage"), ("series", "Series"), ("label", "Count · rate"),
                        ("detail", "Rate used"))
    x_axis = {"title": f"People per {report.snapshot.context.period} (log scale)",
              "values": ticks, "format": "~s", "grid": True}
    bars = _view("bar", {
        "x": _quant("count", scale=x_scale, axis=x_axis), "x2": {"datum": lo}, "y": y,
        "yOffset": y_offset, "color": _field("series", scale=series_scale, title=None),
        "tooltip": tooltip,
    }, cornerRadiusEnd=2)
    text = _view("text", {
        "x": _quant("count", scale=x_scale), "y": y, "yOffset": y_offset,
        "text": _field("label"), "tooltip": tooltip,
    }, align="left", baseline="middle", dx=4, fontSize=theme.font_sizes["mark_label"] - 1)
    body = {"layer": [bars, text], "width": theme.width - 32 - 190,
            "height": int(theme.row_height * 1.7 * len(steps))}
    visitors = steps[0].user_count
    subtitle = [f"Grey bars: what your {_count_text(visitors)} visitors would become at each "
                "step's benchmark rate. Labels: count · conversion from the stage above [source].",
                scale_note]
    return _finish(body, data, "Your funnel against benchmark conversion rates", subtitle,
                   sources.lines(as_of, step_lines), theme)


# --------------------------------------------------------------------------------------------
# MRR bridge
# --------------------------------------------------------------------------------------------

def mrr_bridge_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """Waterfall from MRR at start through new, expansion, contraction and churned MRR to the end.

    Returns ``None`` when the MRR inputs are not given (MRR at end is not computable).
    """
    snapshot = report.snapshot
    try:
        end_item = report.get("mrr_end")
    except KeyError:
        return None
    if end_item.kpi.value is None or snapshot.get("mrr_start") is None:
        return None
    theme = load_theme()
    currency = snapshot.context.currency
    start = float(snapshot.get("mrr_start") or 0.0)
    moves = [("New", "mrr_new", 1), ("Expansion", "mrr_expansion", 1),
             ("Contraction", "mrr_contraction", -1), ("Churned", "mrr_churned", -1)]
    missing = [name for name, field, _ in moves if snapshot.get(field) is None]
    rows: list[dict[str, Any]] = [{"step": "Start", "y0": 0.0, "y1": start, "kind": "Start / end",
                                   "label": _fmt(start, "currency", currency)}]
    level = start
    for name, field, sign in moves:
        amount = float(snapshot.get(field) or 0.0)
        new_level = level + sign * amount
        text = ("+" if sign > 0 else "−") + _fmt(amount, "currency", currency)
        rows.append({"step": name, "y0": level, "y1": new_level,
                     "kind": "Increase" if sign > 0 else "Decrease", "label": text})
        level = new_level
    end = float(end_item.kpi.value)
    rows.append({"step": "End", "y0": 0.0, "y1": end, "kind": "Start / end",
                 "label": _fmt(end, "currency", currency)})
    levels = [start, end] + [r["y1"] for r in rows]
    lo, hi = min(levels), max(levels)
    truncated = hi > 0 and (hi - lo) < 0.3 * hi and lo > 0
    if truncated:
        floor = max(0.0, lo - (hi - lo) * 1.2)
        for r in rows:
            if r["kind"] == "Start / end":
                r["y0"] = floor
        domain = [floor, hi + (hi - lo) * 0.25]
    else:
        domain = [min(0.0, lo), hi * 1.12 if hi > 0 else 1.0]
    for r in rows:
        r["top"] = max(r["y0"], r["y1"])
    data = _rows(rows, ["y0", "y1", "top"])
    order = [r["step"] for r in rows]
    color = {"domain": ["Start / end", "Increase", "Decrease"],
             "range": [theme.colors["total"], theme.colors["increase"], theme.colors["decrease"]]}
    y_scale = {"domain": domain, "nice": False, "zero": False}
    y_axis = {"title": f"MRR ({currency})", **_axis_format("currency", currency, domain),
              "tickCount": 6}
    x = _field("step", sort=order, axis={"title": None, "labelAngle": 0,
                                         "labelFontSize": theme.font_sizes["axis_label"] + 1})
    tooltip = _tooltips(("step", "Step"), ("label", "Amount"))
    bars = _view("bar", {
        "x": x, "y": _quant("y0", scale=y_scale, axis=y_axis), "y2": {"field": "y1"},
        "color": _field("kind", scale=color, title=None), "tooltip": tooltip,
    }, size=56)
    labels = _view("text", {"x": x, "y": _quant("top", scale=y_scale), "text": _field("label")},
                   baseline="bottom", dy=-4, fontWeight="bold")
    body = {"layer": [bars, labels], "width": theme.width - 110, "height": 300}
    change = (end - start) / start if start else None
    over = f"over the {snapshot.context.period}" + (f" {snapshot.label}" if snapshot.label else "")
    change_text = f" ({'+' if change >= 0 else '−'}{format_value(abs(change), 'fraction')})" \
        if change is not None else ""
    subtitle = [f"{_fmt(start, 'currency', currency)} at start → {_fmt(end, 'currency', currency)} "
                f"at end{change_text} {over}."]
    if truncated:
        subtitle.append(f"The axis starts at {_fmt(domain[0], 'currency', currency)}, not zero, "
                        "so the movements are visible.")
    extra = [f"Not given, taken as 0: {', '.join(missing)}."] if missing else []
    return _finish(body, data, "MRR bridge", subtitle,
                   ["Source: your inputs."] + extra + [_as_of_text(as_of)], theme)


# --------------------------------------------------------------------------------------------
# focus
# --------------------------------------------------------------------------------------------

def focus_chart(report: ComparisonReport, *, as_of: date | None = None) -> alt.VConcatChart | None:
    """Bars of what reaching the benchmark would be worth per month, largest first.

    Extra MRR per month when ARPA is computable, else extra customers per month; the
    arithmetic of each bar is in its tooltip. Returns ``None`` when no KPI is worse than its
    benchmark with the inputs needed to size the gap.
    """
    areas = focus_areas(report)
    if not areas:
        return None
    theme = load_theme()
    currency = report.snapshot.context.currency
    sources = _Sources(currency)
    use_mrr = all(a.extra_mrr_per_month is not None for a in areas)
    rows = []
    for a in areas:
        number = sources.ref(_benchmark_of(report, a))
        value = a.extra_mrr_per_month if use_mrr else a.extra_customers_per_month
        customers = a.extra_customers_per_month
        what = "kept" if a.kind == "churn" else "won"
        if use_mrr:
            money = _fmt(value, "currency", currency)  # type: ignore[arg-type]
            label = f"+{money} · {customers:,.1f} customers {what}"
        else:
            label = f"+{customers:,.1f} customers {what}"
        rows.append({
            "kpi": f"{a.label}: {format_value(a.user_rate, 'fraction')} → "
                   f"{format_value(a.target_rate, 'fraction')} [{number}]",
            "value": value, "label": label, "arithmetic": a.arithmetic,
            "source": _source_short(_benchmark_of(report, a)), "segment": a.segment,
        })
    data = _rows(rows, ["value"])
    order = [r["kpi"] for r in rows]
    top = max(float(r["value"]) for r in data) if data else 1.0
    x_scale = {"domain": [0, (top or 1.0) * 2.1], "nice": False}
    x_axis = {"title": ("Extra MRR per month" if use_mrr else "Extra customers per month"),
              "grid": True, "tickCount": 5,
              **(_axis_format("currency", currency, [0, top]) if use_mrr else {"format": ",.3~g"})}
    y = _field("kpi", sort=order, scale={"domain": order, "paddingInner": 0.3},
               axis={"title": None, "ticks": False, "domain": False, "labelPadding": 8,
                     "labelLimit": 262, "labelFontSize": theme.font_sizes["axis_label"] + 1,
                     "minExtent": 270, "maxExtent": 270})
    tooltip = _tooltips(("kpi", "KPI"), ("label", "Worth"), ("arithmetic", "Calculation"),
                        ("source", "Source"), ("segment", "Segment"))
    bars = _view("bar", {"x": _quant("value", scale=x_scale, axis=x_axis), "y": y, "tooltip": tooltip},
                 color=theme.colors["worse"], cornerRadiusEnd=2)
    text = _view("text", {"x": _quant("value", scale=x_scale), "y": y, "text": _field("label"),
                          "tooltip": tooltip}, align="left", baseline="middle", dx=5)
    body = {"layer": [bars, text], "width": theme.width - 32 - 270,
            "height": theme.row_height * 1.2 * len(rows)}
    period = report.snapshot.context.period
    subtitle = ["What reaching the benchmark would be worth if that one KPI improved and your "
                "other numbers stayed the same (conversions: new customers won; churn: customers kept)."]
    if period != "month":
        subtitle.append(f"Per-{period} figures are shown per month (divided by "
                        f"{ {'quarter': 3, 'year': 12}[period] }).")
    if use_mrr:
        arpa = _fmt(areas[0].arpa, "currency", currency)  # type: ignore[arg-type]
        how = (f"Calculation: extra customers × ARPA {arpa} "
               "(MRR at end / paying accounts at end); hover a bar for the full arithmetic.")
    else:
        how = f"MRR not estimated: {areas[0].mrr_reason}. Hover a bar for the full arithmetic."
    return _finish(body, data, "Where to focus", subtitle, sources.lines(as_of, [how]), theme)


def _benchmark_of(report: ComparisonReport, area: FocusArea) -> Benchmark:
    item = report.get(area.kpi_id)
    return next(c.benchmark for c in item.comparisons if c.benchmark.id == area.benchmark_id)


# --------------------------------------------------------------------------------------------
# catalogue of charts
# --------------------------------------------------------------------------------------------

def chart_catalog(report: ComparisonReport, *, as_of: date | None = None) -> list[NamedChart]:
    """Every chart the results page shows, named for export.

    Order: ``overview``, ``funnel``, ``focus``, ``mrr-bridge``, then one
    ``bullet-<kpi_id>`` per computed KPI with at least one benchmark it can be placed against.
    Charts with nothing to show are left out.
    """
    as_of = as_of or date.today()
    currency = report.snapshot.context.currency
    out: list[NamedChart] = []
    overview = overview_chart(report, as_of=as_of)
    if overview is not None:
        out.append(NamedChart("overview", "Your KPIs against published benchmarks", overview))
    funnel = funnel_chart(report, as_of=as_of)
    if funnel is not None:
        out.append(NamedChart("funnel", "Your funnel against benchmark conversion rates", funnel))
    focus = focus_chart(report, as_of=as_of)
    if focus is not None:
        out.append(NamedChart("focus", "Where to focus", focus))
    bridge = mrr_bridge_chart(report, as_of=as_of)
    if bridge is not None:
        out.append(NamedChart("mrr-bridge", "MRR bridge", bridge))
    for item in report.computed():
        if any(c.user_value is not None for c in item.comparisons):
            out.append(NamedChart(f"bullet-{item.id}", f"{item.kpi.spec.label} against benchmarks",
                                  bullet_charts(item, as_of=as_of, currency=currency)))
    return out



"""Plain Vega-Lite building blocks shared by the benchmark charts, and the finished chart.

Every chart function of this wing (overview, bullets, funnel, focus, MRR bridge) returns a
top-level ``alt.VConcatChart`` made by :func:`finish_chart` (title, the chart, the source
footer) or ``None`` when there is nothing to show. The look (fonts, colour-blind-safe
Okabe-Ito palette, verdict shapes, width) comes from ``assets/theme.json``, validated by
:func:`funnel_core.charts.theme.load_theme`.

Speed: every chart is written as plain Vega-Lite (dicts) and wrapped in ONE Altair top-level
chart at the end. Composing Altair objects (``alt.layer``, ``alt.hconcat``, ``.properties``,
``.configure_*``) deep-copies every sub-chart at every step and ``encode`` parses shorthands,
which made a chart cost 0.1-0.6 s to build; the dicts below cost about a millisecond, so the
results page can rebuild its charts on every context change. ``chart.to_dict()`` validates the
spec against the Vega-Lite schema as usual (the tests do); the builders never call it.

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
- No NaN, inf or null ever reaches a chart's data: rows with a missing number are left out
  (:func:`chart_rows`), and a field missing in one row is left out of that row.
- One data set per chart, given once at the top level; layers select their rows with a filter
  on ``part``/``panel`` (:func:`unit_view` with :func:`field_is`).
- ``padding`` is a per-side dict (Streamlit's chart element cannot take a single number).
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
from typing import Any, Iterable, Mapping, Sequence

import altair as alt

from funnel_core.charts.labels import VERDICT_ORDER, VERDICT_WORDS, wrap_lines
from funnel_core.charts.theme import Theme
from funnel_core.domain.formatting import currency_symbol
from funnel_core.domain.i18n import (BABEL_LOCALES, DEFAULT_LANGUAGE, current_language, normalise_language,
                                     tr)

__all__ = [
    "axis_format",
    "currency_affixes",
    "js_text",
    "chart_rows",
    "chart_words",
    "describe",
    "field_def",
    "field_is",
    "fields_valid",
    "finish_chart",
    "label_room",
    "padded_domain",
    "quant_def",
    "tooltip_defs",
    "unit_view",
    "vega_locale",
    "verdict_scales",
    "with_locale",
]


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def chart_rows(rows: Iterable[Mapping[str, Any]], numeric: Sequence[str] = ()) -> list[dict[str, Any]]:
    """``rows`` ready for a chart's data: no NaN, inf or null anywhere.

    Rows with a missing or non-finite ``numeric`` field are left out; in the rows kept, a
    field that is ``None`` (or NaN/inf) is left out of that row (the layers that use it filter
    on ``isValid``).
    """
    return [{k: v for k, v in r.items() if not _missing(v)}
            for r in rows if all(_finite(r.get(k)) for k in numeric)]


def field_def(name: str, kind: str = "nominal", **props: Any) -> dict[str, Any]:
    """An encoding of a data field (``kind``: ``nominal`` or ``quantitative``)."""
    return {"field": name, "type": kind, **props}


def quant_def(name: str, **props: Any) -> dict[str, Any]:
    """An encoding of a quantitative data field."""
    return field_def(name, "quantitative", **props)


def tooltip_defs(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    """Tooltip encodings: (field, title) pairs, all shown as text."""
    return [{"field": name, "type": "nominal", "title": title} for name, title in pairs]


def _where(*conditions: str) -> list[dict[str, Any]]:
    """A ``transform`` keeping the rows where every Vega expression in ``conditions`` holds."""
    return [{"filter": " && ".join(conditions)}]


def field_is(field: str, value: Any) -> str:
    """Vega expression: the row's ``field`` equals ``value``."""
    return f"datum.{field} === {json.dumps(value)}"


def fields_valid(*fields: str) -> str:
    """Vega expression: every one of ``fields`` is present in the row (not null)."""
    return " && ".join(f"isValid(datum.{f})" for f in fields)


def unit_view(mark: str, encoding: Mapping[str, Any], where: Sequence[str] = (),
              **mark_props: Any) -> dict[str, Any]:
    """A unit view: ``mark`` (with its properties), ``encoding``; rows filtered by ``where``."""
    spec: dict[str, Any] = {"mark": {"type": mark, **mark_props}, "encoding": dict(encoding)}
    if where:
        spec["transform"] = _where(*where)
    return spec


def _title(text: str, subtitle: Sequence[str], theme: Theme) -> dict[str, Any]:
    return {
        "text": text, "subtitle": wrap_lines(subtitle, theme, theme.font_sizes["subtitle"], indent=""),
        "anchor": "start", "frame": "bounds", "fontSize": theme.font_sizes["title"],
        "fontWeight": "bold", "color": theme.colors["text"],
        "subtitleFontSize": theme.font_sizes["subtitle"], "subtitleColor": theme.colors["muted"],
        "subtitlePadding": 6, "offset": 14,
    }


def _footer(lines: Sequence[str], theme: Theme) -> dict[str, Any]:
    return {
        "text": wrap_lines(lines, theme, theme.font_sizes["footer"]), "orient": "bottom",
        "anchor": "start", "frame": "bounds", "fontSize": theme.font_sizes["footer"],
        "fontWeight": "normal", "color": theme.colors["muted"],
        "lineHeight": theme.font_sizes["footer"] + 4, "offset": 18,
    }


#: Babel writes a narrow no-break space (U+202F) in French groups; the app's numbers use the
#: wider no-break space (:mod:`funnel_core.domain.formatting`), and so do the charts.
_NARROW_NBSP = "\u202f"
#: Babel date-pattern fields and their d3-time-format directives (longest first).
_D3_DATE_FIELDS = (("yyyy", "%Y"), ("yy", "%y"), ("y", "%Y"), ("MMMM", "%B"), ("LLLL", "%B"),
                   ("MMM", "%b"), ("LLL", "%b"), ("MM", "%m"), ("M", "%-m"), ("L", "%-m"),
                   ("dd", "%d"), ("d", "%-d"), ("EEEE", "%A"), ("EEE", "%a"), ("HH", "%H"),
                   ("H", "%-H"), ("hh", "%I"), ("h", "%-I"), ("mm", "%M"), ("ss", "%S"), ("a", "%p"))
_DATE_FIELD = re.compile("|".join(re.escape(k) for k, _ in _D3_DATE_FIELDS) + r"|'[^']*'")


def _d3_pattern(pattern: str) -> str:
    """A Babel (CLDR) date pattern as a d3-time-format specifier (``dd.MM.yy`` -> ``%d.%m.%y``)."""
    fields = dict(_D3_DATE_FIELDS)

    def swap(match: re.Match[str]) -> str:
        text = match.group(0)
        if text.startswith("'"):
            return text[1:-1].replace("%", "%%") or "'"
        return fields[text]

    return _DATE_FIELD.sub(swap, pattern)


def _affixes(pattern_text: str, symbol: str = "") -> tuple[str, str]:
    from babel.numbers import parse_pattern

    pattern = parse_pattern(pattern_text)
    prefix, suffix = pattern.prefix[0], pattern.suffix[0]
    return (prefix.replace("¤", symbol).replace(_NARROW_NBSP, "\u00a0"),
            suffix.replace("¤", symbol).replace(_NARROW_NBSP, "\u00a0"))


@functools.lru_cache(maxsize=32)
def _vega_locale(language: str, currency: str) -> dict[str, Any]:
    from babel import Locale
    from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol

    name = BABEL_LOCALES[language]
    locale = Locale.parse(name)
    symbol = get_currency_symbol(currency, name)
    _, percent = _affixes(locale.percent_formats[None].pattern)
    days = locale.days["stand-alone"]
    months = locale.months["stand-alone"]
    periods = locale.day_periods.get("format", {}).get("abbreviated", {})
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel counts days from Monday, d3 from Sunday
    date_time = str(locale.datetime_formats["medium"]).replace(
        "{1}", _d3_pattern(locale.date_formats["long"].pattern)).replace(
        "{0}", _d3_pattern(locale.time_formats["medium"].pattern))
    return {
        "number": {
            "decimal": get_decimal_symbol(name),
            "thousands": get_group_symbol(name).replace(_NARROW_NBSP, "\u00a0"),
            "grouping": [3],
            "currency": list(_affixes(locale.currency_formats["standard"].pattern, symbol)),
            "percent": percent or "%",
        },
        "time": {
            "dateTime": date_time,
            "date": _d3_pattern(locale.date_formats["short"].pattern),
            "time": _d3_pattern(locale.time_formats["medium"].pattern),
            "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
            "days": [days["wide"][i] for i in sunday_first],
            "shortDays": [days["abbreviated"][i] for i in sunday_first],
            "months": [months["wide"][i] for i in range(1, 13)],
            "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
        },
    }


def vega_locale(currency: str = "USD", language: str | None = None) -> dict[str, Any] | None:
    """The Vega format locale of ``language`` (default: the current one), for ``config.locale``.

    Numbers (decimal and group symbols, the place of ``%`` and of the currency sign of
    ``currency``, used by a d3 ``$`` format) and dates (month and day names, date and time
    patterns) from Babel, so that the numbers Vega formats itself (axis labels, tooltips with
    a ``format``) follow the language like the ones written in Python. ``None`` in English:
    English charts keep Vega's own (en-US) formats and their specs do not change. Both
    renderers honour it: vl-convert (the exports) and the browser (Streamlit's Vega).
    """
    language = normalise_language(language or current_language())
    if language == DEFAULT_LANGUAGE:
        return None
    return copy.deepcopy(_vega_locale(language, (currency or "USD").upper()))


def with_locale(config: dict[str, Any], currency: str = "USD") -> dict[str, Any]:
    """``config`` with the current language's :func:`vega_locale` (unchanged in English)."""
    locale = vega_locale(currency)
    if locale is not None:
        config["locale"] = locale
    return config


def currency_affixes(currency: str, language: str | None = None) -> tuple[str, str]:
    """What comes before and after an amount of ``currency`` in ``language`` (default: the
    current one): ``("$", "")`` in English for $, £ and €, ``("", " zł")`` otherwise; Babel's
    pattern and symbol in the other languages (``("", " €")`` in German)."""
    language = normalise_language(language or current_language())
    if language == DEFAULT_LANGUAGE:
        symbol = currency_symbol(currency)
        return (symbol, "") if symbol in ("$", "£", "€") else ("", f" {symbol}")
    from babel import Locale
    from babel.numbers import get_currency_symbol

    name = BABEL_LOCALES[language]
    return _affixes(Locale.parse(name).currency_formats["standard"].pattern,
                    get_currency_symbol(currency.upper(), name))


def js_text(text: str) -> str:
    """``text`` as a single-quoted string of a Vega expression (``'benchmark'``)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _config(theme: Theme) -> dict[str, Any]:
    sizes, colors = theme.font_sizes, theme.colors
    return with_locale({
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
        # reference rules carry no data of their own (their figures are in the text and the
        # tooltips): hidden from screen readers, which would find an unnamed image otherwise
        "rule": {"aria": False},
    })


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


def chart_words(title: str, subtitle: Sequence[str] = (), footer: Sequence[str] = (),
                description: str | None = None) -> dict[str, Any]:
    """The words of a chart, unwrapped, for ``usermeta`` (Vega ignores it): the app writes them
    as text around a chart sized to its column (:mod:`funnel_core.charts.screen`)."""
    return {"title": title, "subtitle": [str(s) for s in subtitle],
            "footer": [str(f) for f in footer],
            "description": description or describe(title, subtitle)}


def describe(title: str, subtitle: Sequence[str] = ()) -> str:
    """The chart's accessible description: its title and what its subtitle says it shows.

    Vega-Lite's top-level ``description`` becomes the ``aria-label`` of the drawn chart, the
    name a screen reader announces; an empty title gives ``"Chart"``.
    """
    words = " ".join(s.strip() for s in subtitle if s and s.strip())
    head = title.strip() or tr("Chart")
    text = f"{head}. {words}" if words else head
    return text if len(text) <= 600 else text[:597].rstrip() + "..."


def finish_chart(body: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], title: str,
                 subtitle: Sequence[str], footer: Sequence[str], theme: Theme,
                 description: str | None = None) -> alt.VConcatChart:
    """The top-level chart: ``body`` (a layer, hconcat or vconcat spec) with the source footer
    below, the title on top, the theme, and ``rows`` as the one data set its views share.

    ``description`` (default: the title and the subtitle, :func:`describe`) is the chart's
    accessible name; the unwrapped title, subtitle and footer are kept in ``usermeta``
    (:func:`chart_words`)."""
    cls = next(c for key, c in _VIEW_CLASSES if key in body)
    inner = cls(**body, title=_footer(footer, theme))
    words = chart_words(title, subtitle, footer, description)
    return alt.VConcatChart(
        vconcat=[inner], data={"values": list(rows)}, title=_title(title, subtitle, theme),
        padding=dict(_PADDING), config=_config(theme), description=words["description"],
        usermeta={"words": words})


def verdict_scales(theme: Theme, verdicts: Sequence[str] = VERDICT_ORDER[:3]
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Colour and shape scales of the verdict words (better, in line, worse by default)."""
    domain = [VERDICT_WORDS[v] for v in verdicts]
    color = {"domain": domain, "range": [theme.colors[v] for v in verdicts]}
    shape = {"domain": domain, "range": [theme.shapes[v] for v in verdicts]}
    return color, shape


def axis_format(unit: str, currency: str, values: Sequence[float]) -> dict[str, Any]:
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


def label_room(pixels: float, share: float = 0.32) -> dict[str, str]:
    """A label column's width: ``pixels`` in a picture of its own (an export), at most ``share``
    of the chart's column on screen, where the chart follows its column's width (a phone's
    360 px would otherwise leave no room for the plot). A Vega expression for an axis's
    ``labelLimit``, ``minExtent`` or ``maxExtent``."""
    return {"expr": f"containerSize()[0] > 0 ? min({pixels:g}, containerSize()[0] * {share:g}) "
                    f": {pixels:g}"}


def padded_domain(values: Sequence[float], unit: str) -> list[float]:
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


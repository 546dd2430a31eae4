"""The words on the benchmark charts: figures, ranges, units, verdicts and numbered sources.

Money figures of a benchmark stay in USD (benchmarks are not converted). :class:`Sources`
numbers the benchmarks a chart uses in order of first use and writes its footer: one line per
source (segment, period, verification status), the status key and "as of <date>".
"""

from __future__ import annotations

import re
import textwrap
from datetime import date
from typing import Iterable, Mapping, Sequence

from funnel_core.domain.constants import PER_PERIOD
from funnel_core.benchmarks.age import source_with_year
from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.charts.theme import Theme
from funnel_core.domain.constants import Labels
from funnel_core.domain.formatting import date_text, format_value, localised_number
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr

__all__ = [
    "GLYPHS",
    "STATUS_WORDS",
    "Numbering",
    "Sources",
    "VERDICT_ORDER",
    "VERDICT_WORDS",
    "as_of_text",
    "benchmark_figure_text",
    "format_range",
    "number_text",
    "percent_text",
    "period_words",
    "short_figure",
    "source_short",
    "statistic_word",
    "unit_words",
    "verdict_lower",
    "wrap_lines",
]

#: Verdict words of the charts (``better`` -> "Better", ...; ``none`` -> "No verdict"), read in
#: the current language.
VERDICT_WORDS = Labels({"better": mark("Better"), "in_line": mark("In line"), "worse": mark("Worse"),
                        "not_comparable": mark("Not comparable"), "none": mark("No verdict")})
#: The same words inside a sentence ("▲ better · 4.8 % median").
_VERDICT_LOWER = Labels({"better": mark("better"), "in_line": mark("in line"), "worse": mark("worse"),
                         "not_comparable": mark("not comparable"), "none": mark("no verdict")})
#: Verification status of a published figure, as a tooltip says it ("V: Verified in ...").
STATUS_WORDS = Labels({
    "V": mark("Verified in the source's own publication"),
    "S": mark("Seen only where a secondary page quotes the source"),
    "U": mark("Source not verified"),
})
#: The same inside the footer's status key ("V = verified in ...").
_STATUS_LOWER = Labels({
    "V": mark("verified in the source's own publication"),
    "S": mark("seen only where a secondary page quotes the source"),
    "U": mark("source not verified"),
})
#: The statistic of a published figure as a word after it ("4.8 % median").
_STATISTIC_WORDS = Labels({"median": mark("median"), "average": mark("average"), "target": mark("target"),
                           "range": mark("range"), "threshold": mark("threshold"),
                           "concern": mark("concern"), "quartiles": mark("quartiles"),
                           "good_great": mark("good_great")})
#: Verdicts in legend order.
VERDICT_ORDER = ("better", "in_line", "worse", "none")
#: Verdict glyphs for text labels, as in the app's tables (▲ better, ● in line, ▼ worse,
#: – no verdict). All are in the WGL4 set: Liberation Sans and DejaVu Sans (the theme's fonts)
#: both draw them, in the app and in vl-convert's PNG/SVG exports.
GLYPHS = {"better": "▲", "in_line": "●", "worse": "▼", "none": "–"}


def period_words(period: str) -> str:
    """``"per month"``, ``"per quarter"``, ``"per year"``; ``""`` for no period."""
    return PER_PERIOD[period] if period in PER_PERIOD else ""


def verdict_lower(verdict: str) -> str:
    """The verdict word inside a sentence: ``"better"``, ``"in line"``, ``"no verdict"``."""
    return _VERDICT_LOWER[verdict] if verdict in _VERDICT_LOWER else verdict


def statistic_word(statistic: str) -> str:
    """A figure's statistic as a word after it (``"median"``, ``"target"``); an unknown one as
    it is."""
    return _STATISTIC_WORDS[statistic] if statistic in _STATISTIC_WORDS else statistic


def _english() -> bool:
    return current_language() == DEFAULT_LANGUAGE


def number_text(value: float, digits: int = 0) -> str:
    """A count in the current language: ``"1,234.5"`` in English, ``"1.234,5"`` in German."""
    return f"{value:,.{digits}f}" if _english() else localised_number(value, digits)


def percent_text(value: float, digits: int = 0) -> str:
    """A fraction as a percentage with no space in English (``"45%"``, as Python writes it),
    the language's own format otherwise (``"45 %"`` in German)."""
    return f"{value:.{digits}%}" if _english() else localised_number(value, digits, "percent")


def format_range(low: float, high: float, unit: str, currency: str) -> str:
    """``"1.0-10.0 %"``, ``"6.0-18.0 months"``, ``"$1,000-$5,000"``."""
    a, b = format_value(low, unit, currency), format_value(high, unit, currency)
    for suffix in (" %", "\u00a0%", "%", " " + tr("{value} months", value="").strip(), " months", "x",
                   " points"):
        if suffix.strip() and a.endswith(suffix) and b.endswith(suffix):
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
    word = statistic_word(b.statistic)
    if b.statistic == "quartiles" and low is not None and high is not None:
        inner = tr("P25–P75 {range}", range=format_range(low, high, unit, cur))
        return tr("median {value} ({spread})", value=format_value(mid, unit, cur), spread=inner) \
            if mid is not None else inner
    if b.statistic == "good_great" and low is not None and high is not None:
        return tr("good {good} / great {great}", good=format_value(low, unit, cur),
                  great=format_value(high, unit, cur))
    if low is not None and high is not None:
        text = f"{format_range(low, high, unit, cur)} {word}"
        return tr("{figure} (central {value})", figure=text, value=format_value(mid, unit, cur)) \
            if mid is not None else text
    if mid is not None and low is None and high is None:
        return f"{format_value(mid, unit, cur)} {word}"
    strict = b.bound == "strict"
    if low is not None:
        bound_text = f"{'>' if strict else '≥'} {format_value(low, unit, cur)}"
    else:
        bound_text = f"{'<' if strict else '≤'} {format_value(high, unit, cur)}"  # type: ignore[arg-type]
    if b.statistic == "concern" and mid is None:
        return tr("concern past {value}", value=format_value(low if low is not None else high, unit, cur))
    if mid is not None:
        central = f"{format_value(mid, unit, cur)} {word}"
        return tr("{figure}, up to {value}", figure=central, value=format_value(high, unit, cur)) \
            if high is not None \
            else tr("{figure}, from {value}", figure=central,
                    value=format_value(low, unit, cur))  # type: ignore[arg-type]
    return f"{bound_text} {word}"


def source_short(b: Benchmark) -> str:
    """The source with its year when the name does not already say it: ``"Recurly (2024)"``,
    ``"Bessemer (2012) (dated)"``, ``"... (year not stated)"``
    (:func:`funnel_core.benchmarks.age.source_with_year`)."""
    return source_with_year(b.source, b)


def _footnote(number: int, b: Benchmark, currency: str) -> str:
    period = period_words(b.period)
    parts = [f"[{number}] {source_short(b)}", f"{benchmark_figure_text(b, currency)}",
             b.segment]
    if period:
        parts.append(period)
    parts.append(tr("status {status}", status=b.status))
    return " · ".join(parts)


def _chars_per_line(theme: Theme, size: float) -> int:
    return max(40, int((theme.width - 40) / (size * 0.49)))


def wrap_lines(lines: Iterable[str], theme: Theme, size: float, indent: str = "    ") -> list[str]:
    """``lines`` wrapped to the chart's width at font ``size`` (continuation lines indented)."""
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
    return tr("Status: {key}", key=" · ".join(f"{s} = {_STATUS_LOWER[s]}" for s in used))


def as_of_text(as_of: date | None) -> str:
    """``"as of 2026-11-23"`` (today when ``as_of`` is ``None``)."""
    return tr("as of {date}", date=date_text(as_of or date.today()))


#: A document's numbering of its sources: ``(origin, benchmark id) -> number``.
Numbering = Mapping[tuple[str, str], int]


class Sources:
    """Numbers benchmarks and writes the footer lines.

    On its own a chart numbers its sources [1], [2]... in order of first use. Inside a document
    that numbers its sources once for all (the report), ``numbering`` gives each benchmark the
    document's number; a benchmark the document does not number gets the next free number.
    The footer lists the sources this chart uses, in number order, either way.
    """

    def __init__(self, currency: str, numbering: Numbering | None = None) -> None:
        self.currency = currency
        self._given = dict(numbering or {})
        self._numbers: dict[tuple[str, str], int] = {}
        self._rows: list[Benchmark] = []

    def ref(self, b: Benchmark) -> int:
        key = (b.origin, b.id)
        if key not in self._numbers:
            self._rows.append(b)
            number = self._given.get(key)
            if number is None:
                taken = set(self._given.values()) | set(self._numbers.values())
                number = max(taken, default=0) + 1
            self._numbers[key] = number
        return self._numbers[key]

    def lines(self, as_of: date | None, extra: Sequence[str] = ()) -> list[str]:
        lines = [tr("Sources: your inputs")]
        if self._rows:
            used = sorted(self._rows, key=lambda b: self._numbers[(b.origin, b.id)])
            lines = [tr("Sources:")] + [_footnote(self._numbers[(b.origin, b.id)], b, self.currency)
                                    for b in used]
        lines.extend(extra)
        status = _status_key_line(b.status for b in self._rows)
        tail = f"{status} · {as_of_text(as_of)}" if status else as_of_text(as_of)
        lines.append(tail)
        return lines


_UNIT_WORDS = {"fraction": "%", "ratio": mark("multiple (x)"), "months": mark("months"),
               "points": mark("points, -100 to +100")}


def unit_words(unit: str, currency: str, period: str) -> str:
    """The unit of an axis in words: ``"% per month"``, ``"EUR"``, ``"months"``."""
    word = currency if unit == "currency" else tr(_UNIT_WORDS.get(unit, unit))
    per = period_words(period)
    return f"{word} {per}" if per else word


_TRAILING_ZERO = re.compile(r"(\d)\.0(?=[^\d]|$)")
_TRAILING_ZERO_COMMA = re.compile(r"(\d),0(?=[^\d]|$)")


def _compact(text: str) -> str:
    """Drop ``.0`` decimals in a short label (``"90.0–110.0 %"`` -> ``"90–110 %"``; ``,0`` in
    the languages that write a decimal comma)."""
    if _english():
        return _TRAILING_ZERO.sub(r"\1", text)
    from babel.numbers import get_decimal_symbol

    from funnel_core.domain.i18n import babel_locale

    pattern = _TRAILING_ZERO_COMMA if get_decimal_symbol(babel_locale()) == "," else _TRAILING_ZERO
    return pattern.sub(r"\1", text)


def short_figure(b: Benchmark, currency: str) -> str:
    """The benchmark's headline figure for a label: ``"4.8 % average"``, ``"5–10 % range"``."""
    return _compact(_short_figure_full(b, currency))


def _short_figure_full(b: Benchmark, currency: str) -> str:
    unit = b.unit
    cur = "USD" if unit == "currency" else currency
    if b.median is not None:
        word = statistic_word("median" if b.statistic in ("median", "quartiles") else b.statistic)
        return f"{format_value(b.median, unit, cur)} {word}"
    if b.low is not None and b.high is not None:
        word = tr("good–great") if b.statistic == "good_great" else statistic_word(b.statistic)
        return f"{format_range(b.low, b.high, unit, cur)} {word}"
    strict = b.bound == "strict"
    if b.statistic == "concern":
        bound = b.low if b.low is not None else b.high
        return tr("concern past {value}", value=format_value(bound, unit, cur))
    word = statistic_word(b.statistic)
    if b.low is not None:
        return f"{'>' if strict else '≥'} {format_value(b.low, unit, cur)} {word}"
    return f"{'<' if strict else '≤'} {format_value(b.high, unit, cur)} {word}"  # type: ignore[arg-type]


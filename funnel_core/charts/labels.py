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

from funnel_core.benchmarks.age import source_with_year
from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.charts.theme import Theme
from funnel_core.domain.constants import STATUS_LABELS, VERDICT_LABELS
from funnel_core.domain.formatting import format_value

__all__ = [
    "GLYPHS",
    "Numbering",
    "Sources",
    "VERDICT_ORDER",
    "VERDICT_WORDS",
    "as_of_text",
    "benchmark_figure_text",
    "format_range",
    "period_words",
    "short_figure",
    "source_short",
    "unit_words",
    "wrap_lines",
]

_PERIOD_WORDS = {"month": "per month", "quarter": "per quarter", "year": "per year"}
#: Verdict words of the charts (``better`` -> "Better", ...; ``none`` -> "No verdict").
VERDICT_WORDS = dict(VERDICT_LABELS, none="No verdict")
#: Verdicts in legend order.
VERDICT_ORDER = ("better", "in_line", "worse", "none")
#: Verdict glyphs for text labels, as in the app's tables (▲ better, ● in line, ▼ worse,
#: – no verdict). All are in the WGL4 set: Liberation Sans and DejaVu Sans (the theme's fonts)
#: both draw them, in the app and in vl-convert's PNG/SVG exports.
GLYPHS = {"better": "▲", "in_line": "●", "worse": "▼", "none": "–"}


def period_words(period: str) -> str:
    """``"per month"``, ``"per quarter"``, ``"per year"``; ``""`` for no period."""
    return _PERIOD_WORDS.get(period, "")


def format_range(low: float, high: float, unit: str, currency: str) -> str:
    """``"1.0-10.0 %"``, ``"6.0-18.0 months"``, ``"$1,000-$5,000"``."""
    a, b = format_value(low, unit, currency), format_value(high, unit, currency)
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
        inner = f"P25–P75 {format_range(low, high, unit, cur)}"
        return f"median {format_value(mid, unit, cur)} ({inner})" if mid is not None else inner
    if b.statistic == "good_great" and low is not None and high is not None:
        return f"good {format_value(low, unit, cur)} / great {format_value(high, unit, cur)}"
    if low is not None and high is not None:
        text = f"{format_range(low, high, unit, cur)} {word}"
        return f"{text} (central {format_value(mid, unit, cur)})" if mid is not None else text
    if mid is not None and low is None and high is None:
        return f"{format_value(mid, unit, cur)} {word}"
    strict = b.bound == "strict"
    if low is not None:
        bound_text = f"{'>' if strict else '≥'} {format_value(low, unit, cur)}"
    else:
        bound_text = f"{'<' if strict else '≤'} {format_value(high, unit, cur)}"  # type: ignore[arg-type]
    if b.statistic == "concern" and mid is None:
        return f"concern past {format_value(low if low is not None else high, unit, cur)}"
    if mid is not None:
        central = f"{format_value(mid, unit, cur)} {word}"
        return f"{central}, up to {format_value(high, unit, cur)}" if high is not None \
            else f"{central}, from {format_value(low, unit, cur)}"  # type: ignore[arg-type]
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
    parts.append(f"status {b.status}")
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
    return "Status: " + " · ".join(f"{s} = {STATUS_LABELS[s].lower()}" for s in used)


def as_of_text(as_of: date | None) -> str:
    """``"as of 2026-11-23"`` (today when ``as_of`` is ``None``)."""
    return f"as of {(as_of or date.today()).isoformat()}"


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
        lines = ["Sources: " + ("" if self._rows else "your inputs")]
        if self._rows:
            used = sorted(self._rows, key=lambda b: self._numbers[(b.origin, b.id)])
            lines = ["Sources:"] + [_footnote(self._numbers[(b.origin, b.id)], b, self.currency)
                                    for b in used]
        lines.extend(extra)
        status = _status_key_line(b.status for b in self._rows)
        tail = f"{status} · {as_of_text(as_of)}" if status else as_of_text(as_of)
        lines.append(tail)
        return lines


_UNIT_WORDS = {"fraction": "%", "ratio": "multiple (x)", "months": "months",
               "points": "points, -100 to +100"}


def unit_words(unit: str, currency: str, period: str) -> str:
    """The unit of an axis in words: ``"% per month"``, ``"EUR"``, ``"months"``."""
    word = currency if unit == "currency" else _UNIT_WORDS.get(unit, unit)
    per = period_words(period)
    return f"{word} {per}" if per else word


_TRAILING_ZERO = re.compile(r"(\d)\.0(?=[^\d]|$)")


def _compact(text: str) -> str:
    """Drop ``.0`` decimals in a short label (``"90.0–110.0 %"`` -> ``"90–110 %"``)."""
    return _TRAILING_ZERO.sub(r"\1", text)


def short_figure(b: Benchmark, currency: str) -> str:
    """The benchmark's headline figure for a label: ``"4.8 % average"``, ``"5–10 % range"``."""
    return _compact(_short_figure_full(b, currency))


def _short_figure_full(b: Benchmark, currency: str) -> str:
    unit = b.unit
    cur = "USD" if unit == "currency" else currency
    if b.median is not None:
        word = "median" if b.statistic in ("median", "quartiles") else b.statistic
        return f"{format_value(b.median, unit, cur)} {word}"
    if b.low is not None and b.high is not None:
        word = {"good_great": "good–great"}.get(b.statistic, b.statistic)
        return f"{format_range(b.low, b.high, unit, cur)} {word}"
    strict = b.bound == "strict"
    if b.statistic == "concern":
        bound = b.low if b.low is not None else b.high
        return f"concern past {format_value(bound, unit, cur)}"
    if b.low is not None:
        return f"{'>' if strict else '≥'} {format_value(b.low, unit, cur)} {b.statistic}"
    return f"{'<' if strict else '≤'} {format_value(b.high, unit, cur)} {b.statistic}"  # type: ignore[arg-type]


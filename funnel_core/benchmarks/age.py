"""How old a published figure is: its year beside every figure, and "dated" past five years.

Every catalogue row has the year its data describes (``year``) and, where the source says so,
the year it was published (``published``). A figure whose data is more than
:data:`DATED_AFTER_YEARS` years old (data year < current year - 5; in 2026 a figure from 2020 or
earlier) is **dated**: it is still shown, says "dated" wherever its year is shown, and is not a
KPI's main benchmark while a newer comparable figure exists
(:func:`funnel_core.benchmarks.matching.choose_main`). A row without a data year is never called
dated (its age is unknown) and never counts as newer.

The current year comes from the clock (:func:`current_year`); every function takes it as an
argument so tests and reports can fix it.
"""

from __future__ import annotations

import datetime as _dt

from funnel_core.benchmarks.catalogue_schema import Benchmark
from funnel_core.domain.i18n import mark, tr

__all__ = ["DATED_AFTER_YEARS", "DATED_WORD", "current_year", "dated_note", "is_dated", "is_fresh",
           "source_with_year", "year_suffix", "year_text"]

#: A figure whose data is more than this many years old is dated.
DATED_AFTER_YEARS = 5
#: The word shown beside a dated figure's year.
DATED_WORD = mark("dated")


def current_year(today: _dt.date | None = None) -> int:
    """The calendar year of ``today`` (the system date when ``None``)."""
    return (today or _dt.date.today()).year


def _now(year: int | None) -> int:
    return current_year() if year is None else year


def is_dated(benchmark: Benchmark, year: int | None = None) -> bool:
    """True when the figure's data year is known and older than ``year - 5``.

    Parameters
    ----------
    benchmark : the catalogue row.
    year : the current year (``None``: from the clock).
    """
    return benchmark.year is not None and benchmark.year < _now(year) - DATED_AFTER_YEARS


def is_fresh(benchmark: Benchmark, year: int | None = None) -> bool:
    """True when the data year is known and not dated: a figure that can replace a dated one."""
    return benchmark.year is not None and not is_dated(benchmark, year)


def year_text(benchmark: Benchmark, year: int | None = None) -> str:
    """The figure's year for display: ``"2024"``, ``"2022, published 2023"``, ``"2017, dated"``,
    ``"published 2021"`` (data year unknown) or ``""`` when neither year is known."""
    b = benchmark
    if b.year is None:
        return tr("published {year}", year=b.published) if b.published is not None else ""
    text = str(b.year)
    if b.published is not None and b.published != b.year:
        text += ", " + tr("published {year}", year=b.published)
    if is_dated(b, year):
        text += ", " + tr(DATED_WORD)
    return text


def year_suffix(source: str, benchmark: Benchmark, year: int | None = None) -> str:
    """What :func:`year_text` adds to a source's name that does not already say it.

    ``"SaaStr (2017)"`` with a dated 2017 figure gives ``"dated"``; ``"HubSpot (2023)"`` with
    2023 gives ``""``; ``"Benchmarkit, 2025 benchmarks"`` with data from 2024 published in
    2025 gives ``"2024, published 2025"``. Callers write it as ``f"{source} ({suffix})"``.
    """
    when = year_text(benchmark, year)
    shown = benchmark.year if benchmark.year is not None else benchmark.published
    if shown is not None and str(shown) in source:
        return when.removeprefix(tr("published {year}", year=shown) if benchmark.year is None
                                 else str(shown)).lstrip(", ")
    return when


def source_with_year(source: str, benchmark: Benchmark, year: int | None = None) -> str:
    """``source`` with :func:`year_suffix` in brackets when it adds something, or ``(year not
    stated)`` when neither year is known, so every figure shows its age."""
    if benchmark.year is None and benchmark.published is None:
        return tr("{source} (year not stated)", source=source)
    suffix = year_suffix(source, benchmark, year)
    return f"{source} ({suffix})" if suffix else source


def dated_note(benchmark: Benchmark, year: int | None = None) -> str | None:
    """The caveat of a dated figure that is a KPI's main benchmark (``None`` when not dated)."""
    if not is_dated(benchmark, year):
        return None
    return tr("dated: its data is from {year}, more than {years} years old, and no newer "
              "comparable figure matches your segment", year=benchmark.year, years=DATED_AFTER_YEARS)

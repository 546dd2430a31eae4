"""Which published figures apply to a user, which one is a KPI's main benchmark, same source once.

The main benchmark rule
-----------------------
Every KPI gets one main benchmark; its verdict is the KPI's verdict. Among the comparisons of a
KPI (:func:`choose_main`):

0. figures that can be compared come first (a verdict beats "not comparable", which beats "no
   value of yours"); older editions of a publication (:func:`mark_editions`) step aside; rows
   of your own catalogue (board targets, an investor's figures), when you loaded one for this
   KPI, come before published ones: you chose them; a figure marked ``doubtful`` is never
   chosen while another exists, and **targets, thresholds, concern levels and good/great bars
   are never chosen while a central figure exists**; a **dated** figure (data more than five
   years old, :mod:`funnel_core.benchmarks.age`) is never chosen while a newer one of the
   figures left exists (a row without a year is neither dated nor newer);
1. the closest segment match: a row made for exactly the segment you chose (a row for two
   values counts half) before a row for all segments, which comes before a row for a segment
   you did not say you are in (segment columns: trial type, motion, contract size, product
   category, ARR band and funding, all alike);
2. the best verification status: V before S before U;
3. a central statistic: quartiles (a median with its spread) before a median, an average, then
   a range (without any central figure: good/great, then a target, a threshold, a concern level);
4. the most recent year (unknown years last); then a direct definition before an approximate
   one; then catalogue order.

Same source once
----------------
Rows sharing a ``publication`` key (editions of one survey or page, or several figures of one
report) count once per KPI: the newest edition (by ``year``; ties by the rule above) is counted
and the others carry ``superseded_by``. They stay in the full table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from funnel_core.benchmarks.age import is_dated, is_fresh
from funnel_core.benchmarks.catalogue_schema import FILTER_COLUMNS, Benchmark
from funnel_core.domain.constants import ANY, NON_CENTRAL_STATISTICS

__all__ = [
    "STATISTIC_RANK",
    "STATUS_RANK",
    "benchmarks_for",
    "choose_main",
    "is_central",
    "main_key",
    "mark_editions",
    "segment_key",
]

#: Verification status, best first (step 2 of the rule).
STATUS_RANK: dict[str, int] = {"V": 0, "S": 1, "U": 2}
#: Statistics, best first (step 3 of the rule): the central ones, then, for a KPI that has no
#: central figure, good/great before a target, a threshold and a concern level.
STATISTIC_RANK: dict[str, int] = {"quartiles": 0, "median": 1, "average": 2, "range": 3,
                                  "good_great": 4, "target": 5, "threshold": 6, "concern": 7}
_COMPARABILITY_RANK: dict[str, int] = {"direct": 0, "approximate": 1, "doubtful": 2}
_SEGMENT_COLUMNS: tuple[str, ...] = tuple(FILTER_COLUMNS)


class _Compared(Protocol):
    """What the rule reads from a comparison (:class:`~funnel_core.benchmarks.compare.BenchmarkComparison`)."""

    @property
    def benchmark(self) -> Benchmark: ...
    @property
    def verdict(self) -> str | None: ...
    @property
    def user_value(self) -> float | None: ...
    @property
    def superseded_by(self) -> str | None: ...


C = TypeVar("C", bound=_Compared)


def benchmarks_for(kpi: str, context: Mapping[str, str | None],
                   catalogue: Sequence[Benchmark]) -> list[Benchmark]:
    """Select the benchmarks of one KPI that apply to a user's context.

    Parameters
    ----------
    kpi : a KPI id.
    context : the user's context (see :meth:`Benchmark.matches`).
    catalogue : benchmarks to search, e.g. published ones followed by a user's own.

    Returns
    -------
    list of Benchmark
        Matching benchmarks in catalogue order.
    """
    return [b for b in catalogue if b.kpi == kpi and b.matches(context)]


def is_central(benchmark: Benchmark) -> bool:
    """True for a figure describing typical companies (median, average, range, quartiles);
    False for a bar (good/great, target, threshold) or a concern level."""
    return benchmark.statistic not in NON_CENTRAL_STATISTICS


def segment_key(benchmark: Benchmark, selectors: Mapping[str, str | None]) -> tuple[float, int]:
    """Step 1 of the rule, smaller is closer: ``(-chosen, unchosen)``.

    ``chosen`` adds ``1 / n`` for each segment column the user chose and the row names with
    ``n`` values (exactly the chosen value: 1); ``unchosen`` counts the columns the row
    restricts although the user did not choose them (a row for SMB when no contract size is
    chosen). A row for all segments scores ``(0, 0)``.
    """
    chosen = 0.0
    unchosen = 0
    for name in _SEGMENT_COLUMNS:
        values = getattr(benchmark, name)
        if values == (ANY,):
            continue
        if selectors.get(name) not in (None, "", ANY):
            chosen += 1 / len(values)
        else:
            unchosen += 1
    return -chosen, unchosen


def main_key(benchmark: Benchmark, selectors: Mapping[str, str | None]) -> tuple:
    """Steps 1-4 of the rule as a sort key (smaller is preferred)."""
    return (*segment_key(benchmark, selectors), STATUS_RANK.get(benchmark.status, 3),
            STATISTIC_RANK.get(benchmark.statistic, len(STATISTIC_RANK)),
            -(benchmark.year or 0), _COMPARABILITY_RANK.get(benchmark.comparability, 1))


def _tier(comparison: _Compared, unit: str | None) -> int:
    """Step 0: 0 with a verdict, 1 with your value but no verdict, 2 same unit, 3 otherwise."""
    if comparison.verdict is not None:
        return 0
    if comparison.user_value is not None:
        return 1
    return 2 if unit is None or comparison.benchmark.unit == unit else 3


def choose_main(comparisons: Iterable[C], selectors: Mapping[str, str | None],
                unit: str | None = None, *, year: int | None = None) -> C | None:
    """The main benchmark of one KPI by the rule in this module's docstring.

    Parameters
    ----------
    comparisons : the KPI's comparisons, in catalogue order.
    selectors : the user's segment choices (``None`` = not chosen).
    unit : the KPI's unit; when your value is missing, rows in this unit are preferred.
    year : the current year, which decides what is dated (``None``: from the clock).

    Returns
    -------
    The chosen comparison, or ``None`` when there is none.
    """
    items = list(comparisons)
    if not items:
        return None
    pool = [c for c in items if c.superseded_by is None] or items
    best_tier = min(_tier(c, unit) for c in pool)
    pool = [c for c in pool if _tier(c, unit) == best_tier]
    pool = [c for c in pool if c.benchmark.origin != "published"] or pool
    pool = [c for c in pool if c.benchmark.comparability != "doubtful"] or pool
    pool = [c for c in pool if is_central(c.benchmark)] or pool
    if any(is_fresh(c.benchmark, year) for c in pool):
        pool = [c for c in pool if not is_dated(c.benchmark, year)]
    order = {id(c): i for i, c in enumerate(items)}
    return min(pool, key=lambda c: (*main_key(c.benchmark, selectors), order[id(c)]))


def mark_editions(comparisons: Sequence[C], selectors: Mapping[str, str | None],
                  unit: str | None = None, *, year: int | None = None) -> list[str | None]:
    """For each comparison, the id of the row counted in its place (``None`` = counted itself).

    Rows with the same non-empty ``publication`` (and origin) are one source: the newest edition
    (highest ``year``; unknown years count as oldest) is counted, ties broken by
    :func:`choose_main`'s order. The others get that row's id.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for index, comparison in enumerate(comparisons):
        b = comparison.benchmark
        if b.publication:
            groups.setdefault((b.origin, b.publication), []).append(index)
    out: list[str | None] = [None] * len(comparisons)
    for indexes in groups.values():
        if len(indexes) < 2:
            continue
        members = [comparisons[i] for i in indexes]
        best_tier = min(_tier(c, unit) for c in members)
        newest = max((c.benchmark.year or 0) for c in members if _tier(c, unit) == best_tier)
        candidates = [c for c in members
                      if _tier(c, unit) == best_tier and (c.benchmark.year or 0) == newest]
        kept = choose_main(candidates, selectors, unit, year=year)
        assert kept is not None
        for i in indexes:
            if comparisons[i] is not kept:
                out[i] = kept.benchmark.id
    return out

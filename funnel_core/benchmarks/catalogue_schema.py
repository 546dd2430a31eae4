"""What one row of a benchmark catalogue is: its columns, the :class:`Benchmark` it becomes, errors.

The shipped catalogue is ``assets/benchmarks.csv`` (one row per published figure, see
``shared/BENCHMARKS.md``); a user's own catalogue has the same columns. Reading and validating
files is :mod:`funnel_core.benchmarks.catalogue`; which rows apply to a user and which one is the
main benchmark of a KPI is :mod:`funnel_core.benchmarks.matching`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from funnel_core.domain.constants import (
    ACV_BANDS,
    ANY,
    ARR_BANDS,
    ASSETS_DIR,
    FUNDING,
    MOTIONS,
    PRODUCT_CATEGORIES,
    TRIAL_TYPES,
)
from funnel_core.domain.i18n import tr

__all__ = [
    "Benchmark",
    "CATALOGUE_COLUMNS",
    "CatalogueError",
    "DEFAULT_CATALOGUE_PATH",
    "FILTER_COLUMNS",
    "OPTIONAL_COLUMNS",
    "TEMPLATE_PATH",
    "UNMAPPED_FIGURES",
]

#: Header of a catalogue file, in this order.
CATALOGUE_COLUMNS: tuple[str, ...] = (
    "id", "kpi", "label", "statistic", "low", "median", "high", "unit", "period", "basis",
    "segment", "acv_band", "trial_type", "motion", "product_category", "source", "year",
    "sample", "url", "status", "note",
)

#: Columns a catalogue file may have after the required ones, with the value used when a file
#: leaves them out: ``comparability`` (direct / approximate / doubtful), ``publication`` (a
#: stable key shared by every edition and figure of one publication, e.g. ``recurly_churn``;
#: empty = the row stands alone), ``bound`` (inclusive / strict: whether the bound of a
#: threshold, target or concern level itself meets it), ``arr_band`` and ``funding`` (the
#: peers' size by ARR and how they are funded, ``any`` = all) and ``published`` (the year the
#: figure was published, beside ``year``, the year its data describes; empty = not stated).
OPTIONAL_COLUMNS: dict[str, str] = {"comparability": "direct", "publication": "", "bound": "inclusive",
                                    "arr_band": ANY, "funding": ANY, "published": ""}

#: Columns that select benchmarks by the user's context, with their allowed keys.
FILTER_COLUMNS: dict[str, Mapping[str, str]] = {
    "acv_band": ACV_BANDS,
    "trial_type": TRIAL_TYPES,
    "motion": MOTIONS,
    "product_category": PRODUCT_CATEGORIES,
    "arr_band": ARR_BANDS,
    "funding": FUNDING,
}

#: The shipped catalogue.
DEFAULT_CATALOGUE_PATH: Path = ASSETS_DIR / "benchmarks.csv"
#: An empty catalogue (header and one commented example row) for users to fill in.
TEMPLATE_PATH: Path = ASSETS_DIR / "catalogue_template.csv"

#: Published figures named in shared/BENCHMARKS.md that the product cannot compare, because no
#: KPI it computes measures the same thing. Shown to users as context only.
UNMAPPED_FIGURES: tuple[str, ...] = (
    "Free-trial PQLs convert 2.8x better than freemium PQLs: 'Gain(sight) Product Index 2022' as "
    "named by an untitled article on B2B SaaS funnel conversion benchmarks (German and French "
    "versions, author not named); not found (status U). A ratio between two conversion rates, "
    "not a KPI of one company.",
    "Forrester: fewer than 1 % of B2B inquiries become customers (quoted while checking the "
    "same article's 2 % MQL -> SQL figure; no status given). A description of typical funnels, "
    "not a goal or a median, so it is not compared with lead -> customer conversion.",
    "Growth and Rule of 40 by NRR x CAC payback (High Alpha, 2024 data, published 2025; status "
    "S): NRR >= 100 % and payback < 18 months: growth 65 %, Rule of 40 45; NRR >= 100 % and "
    "payback >= 18 months: 35 % / 5; NRR < 100 % and payback < 18 months: 25 % / 35; NRR < "
    "100 % and payback >= 18 months: 20 % / 0. Medians of companies grouped by two KPIs, not a "
    "benchmark of one: shown as the NRR x CAC payback quadrant chart.",
    "Sales & marketing spend of PE-backed companies: 33 % of revenue (Benchmarkit, 2024 data; "
    "status S). The funding choices here are venture-backed and bootstrapped; the figure is in "
    "the note of the VC-backed row.",
    "Average B2B sales cycle: 6.5 months (Ebsta x Pavilion 2025, status U). The product does "
    "not measure the length of the sales cycle.",
    "Monthly customer churn of B2C subscription businesses: 6.77 % (an earlier edition of "
    "Recurly's churn benchmarks, status S). Consumer subscriptions, not B2B SaaS.",
    "Time to value: 1 day 12 h on average (Userpilot benchmark reports 2024-2025). The product "
    "does not measure time to value.",
    "Month-1 user retention: 46.9 % on average (Userpilot benchmark reports 2024-2025). The "
    "product measures customer churn, not user retention.",
    "6-month user retention, good / great: SMB & mid-market 60 / 80 %, enterprise 70 / 90 % "
    "(Rachitsky & Winters 2020). The product measures customer churn, not user retention.",
)


class CatalogueError(ValueError):
    """A catalogue file that cannot be read or has an invalid value.

    Attributes
    ----------
    file : name of the file (not the full path).
    row : 1-based line (CSV) or sheet row (XLSX); the header is row 1. ``None`` when the
        problem concerns the whole file.
    column : name of the offending column, or ``None``.
    message : what is wrong, without the location.
    """

    def __init__(self, message: str, *, file: str, row: int | None = None,
                 column: str | None = None) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += ", " + tr("row {row}", row=self.row)
        if self.column is not None:
            where += ", " + tr("column '{column}'", column=self.column)
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:  # keep picklable despite keyword-only init
        return (_rebuild_error, (self.message, self.file, self.row, self.column))


def _rebuild_error(message: str, file: str, row: int | None, column: str | None) -> CatalogueError:
    return CatalogueError(message, file=file, row=row, column=column)


@dataclass(frozen=True)
class Benchmark:
    """One published figure.

    Attributes
    ----------
    id : unique slug within its catalogue.
    kpi : key of :data:`funnel_core.domain.constants.KPI_IDS`.
    label : short human label.
    statistic : key of :data:`funnel_core.domain.constants.STATISTICS`; says how to read
        ``low``/``median``/``high`` (e.g. quartiles: P25/P50/P75; good_great: good/great).
    low, median, high : the figure(s) in ``unit``; ``None`` when not given.
    unit : one of :data:`funnel_core.domain.constants.UNITS` (fractions: 0.07 is 7 %).
    period : ``month``, ``quarter``, ``year`` or ``none``.
    basis : definition of the figure in words (a margin-adjusted figure says "gross margin").
    segment : the companies the figure describes, in words.
    acv_band, trial_type, motion, product_category : context filters, each ``("any",)`` or
        a tuple of keys of the matching constants dict.
    source, year, sample, url : provenance; ``year`` is the year the data describes (``None``
        when unknown), ``sample`` the companies or records behind the figure as the source states
        them (empty when it does not), ``url`` empty when unconfirmed.
    status : ``V``, ``S`` or ``U`` (see :data:`funnel_core.domain.constants.STATUS_LABELS`).
    note : caveats.
    comparability : ``direct``, ``approximate`` or ``doubtful``
        (:data:`funnel_core.domain.constants.COMPARABILITY`); optional column, ``direct`` when absent.
    publication : stable key of the publication the figure comes from (every edition of a
        survey or page shares it); ``""`` when the row stands alone. Rows of one publication
        count once per KPI (:func:`funnel_core.benchmarks.matching.mark_editions`).
    bound : ``inclusive`` or ``strict`` (:data:`funnel_core.domain.constants.BOUNDS`): whether
        the one bound of a threshold, target or concern level itself meets it.
    arr_band, funding : context filters like ``acv_band`` (optional columns, ``("any",)`` when
        absent): the peers' ARR band and funding.
    published : the year the figure was published (``None`` when not stated); ``year`` is the
        year its data describes, which decides its age
        (:func:`funnel_core.benchmarks.age.is_dated`).
    origin : ``"published"`` for the shipped catalogue, else the user file's name.
    """

    id: str
    kpi: str
    label: str
    statistic: str
    low: float | None
    median: float | None
    high: float | None
    unit: str
    period: str
    basis: str
    segment: str
    acv_band: tuple[str, ...]
    trial_type: tuple[str, ...]
    motion: tuple[str, ...]
    product_category: tuple[str, ...]
    source: str
    year: int | None
    sample: str
    url: str
    status: str
    note: str
    comparability: str = "direct"
    publication: str = ""
    bound: str = "inclusive"
    arr_band: tuple[str, ...] = (ANY,)
    funding: tuple[str, ...] = (ANY,)
    published: int | None = None
    origin: str = "published"

    def matches(self, context: Mapping[str, str | None]) -> bool:
        """Tell whether this benchmark applies to a user's context.

        Parameters
        ----------
        context : mapping with any of :data:`FILTER_COLUMNS` (``acv_band``, ``trial_type``,
            ``motion``, ``product_category``, ``arr_band``, ``funding``); other keys are ignored.

        Returns
        -------
        bool
            True when, for every filter column, the benchmark applies to any value, the
            context leaves it open (missing, ``None``, ``""`` or ``"any"``), or the context
            value is one of the benchmark's values.
        """
        for column in FILTER_COLUMNS:
            allowed: tuple[str, ...] = getattr(self, column)
            if allowed == (ANY,):
                continue
            value = context.get(column)
            if value is None or value == "" or value == ANY:
                continue
            if value not in allowed:
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict of all fields (tuples become lists).

        Returns
        -------
        dict
            Field name to value; numbers stay numbers, missing numbers are ``None``.
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

"""The benchmark catalogue as the pages hold and show it, and the sources & definitions tables.

The user's own benchmark rows are kept in the session as plain JSON-safe dicts
(:func:`rows_from_benchmarks`) and joined to the shipped catalogue (:func:`full_catalogue`).
The sources page shows that catalogue, every KPI's definition, every input field, and the
errors in widely read articles that the product does not repeat.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from funnel_core.benchmarks.catalogue import FILTER_COLUMNS, UNMAPPED_FIGURES, Benchmark, load_catalogue
from funnel_core.benchmarks.age import year_text
from funnel_core.domain.constants import (
    ACV_BANDS,
    ANY,
    ARR_BANDS,
    FUNDING,
    FIELDS,
    FIELDS_BY_NAME,
    MOTIONS,
    NO_PERIOD,
    PRODUCT_CATEGORIES,
    STAGES,
    STATISTICS,
    TRIAL_TYPES,
)
from funnel_core.domain.i18n import mark, tr, tr_n
from funnel_core.exports.sanitize import is_web_link
from funnel_core.metrics.kpis import KPIS
from funnel_core.page_state.comparison_tables import benchmark_figure, direction_text, period_text, status_text

__all__ = [
    "PAGE_SIZE", "SEED_ERRORS", "benchmarks_from_rows", "catalogue_frame", "catalogue_key",
    "definitions_frame", "fields_frame", "full_catalogue", "page_text", "pages",
    "rows_from_benchmarks", "shown_columns", "unmapped_figures",
]

#: The column names of the tables below, marked so a page can show them translated
#: (:func:`shown_columns`); the frames keep the English names as their keys.
COLUMN_NAMES: tuple[str, ...] = (
    mark("KPI"), mark("Figure"), mark("Statistic"), mark("Period"), mark("Segment"), mark("ACV band"),
    mark("Trial type"), mark("Motion"), mark("Product category"), mark("ARR band"), mark("Funding"),
    mark("Source"), mark("Year"), mark("Sample"), mark("Status"), mark("Link"), mark("Definition"),
    mark("Note"), mark("Origin"), mark("Formula"), mark("What it tells"), mark("Unit"),
    mark("Direction"), mark("Stage"), mark("Inputs"), mark("Field"), mark("Name"),
)


def shown_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its column names in the session's language (for display only)."""
    return frame.rename(columns=lambda name: tr(name) if name in COLUMN_NAMES else name)


#: Errors in widely read articles that the product does not repeat (shown on the sources page).
SEED_ERRORS: tuple[tuple[str, str], ...] = (
    (mark("Churn is customers lost / customers at the start of the period."),
     mark("The Wordable blog article 'The most important SaaS marketing metrics, voted by SaaS "
     "marketers' (2021) computes churn as customers remaining / new customers. That is not churn: "
     "churn counts the paying accounts that were there at the start and left during the period.")),
    (mark("Annual churn compounds: 5 % a month is about 46 % a year, not 60 %."),
     mark("Customers lost in month two can only come from those who stayed in month one, so "
     "annual churn = 1 - (1 - monthly churn)^12 = 1 - 0.95^12 = 46.0 %. Multiplying by 12 "
     "overstates it.")),
    (mark("CAC = 100,000 / 200 = 500, not 5,000."),
     mark("The same article's worked example divides $100,000 of sales & marketing spend by 200 new customers "
     "and prints $5,000; the quotient is $500.")),
    (mark("Every figure carries its period."),
     mark("Monthly and annual churn figures are mixed freely in widely read articles; here each benchmark says "
     "whether it is per month, per quarter or per year, and your value is converted by "
     "compounding before it is compared.")),
    (mark("Targets are not averages."),
     mark("5-7 % annual churn and CLV : CAC >= 3 are what good companies reach, not medians; the "
     "statistic column says which kind of figure each benchmark is.")),
)


# --------------------------------------------------------------------------------------
# the user's own catalogue
# --------------------------------------------------------------------------------------

_TUPLE_FIELDS = tuple(FILTER_COLUMNS)


def rows_from_benchmarks(benchmarks: Sequence[Benchmark]) -> list[dict[str, Any]]:
    """Plain dict rows (JSON-safe) to keep in the session."""
    return [b.to_dict() for b in benchmarks]


def benchmarks_from_rows(rows: Sequence[Mapping[str, Any]] | None) -> list[Benchmark]:
    """:class:`Benchmark` objects back from :func:`rows_from_benchmarks` rows."""
    out = []
    for row in rows or ():
        data = dict(row)
        for key in _TUPLE_FIELDS:
            value = data.get(key, (ANY,))
            data[key] = tuple(value) if isinstance(value, (list, tuple)) else (str(value),)
        out.append(Benchmark(**data))
    return out


def catalogue_key(rows: Sequence[Mapping[str, Any]] | None) -> str:
    """A hashable JSON text of the user's rows (``""`` when none)."""
    if not rows:
        return ""
    return json.dumps(list(rows), sort_keys=True, separators=(",", ":"), default=str)


def full_catalogue(rows: Sequence[Mapping[str, Any]] | None) -> list[Benchmark]:
    """The shipped catalogue followed by the user's own rows."""
    return list(load_catalogue()) + benchmarks_from_rows(rows)


# --------------------------------------------------------------------------------------
# sources & definitions
# --------------------------------------------------------------------------------------

def _filter_text(values: tuple[str, ...], options: Mapping[str, str]) -> str:
    if values == (ANY,):
        return tr("any")
    return "; ".join(tr(options[v]) if v in options else v for v in values)


def catalogue_frame(benchmarks: Sequence[Benchmark]) -> pd.DataFrame:
    """The whole catalogue for display: one row per published figure."""
    labels = {k.id: tr(k.label) for k in KPIS}
    rows = []
    for b in benchmarks:
        rows.append({
            "KPI": labels.get(b.kpi, b.kpi),
            "Figure": benchmark_figure(b) + ("" if b.period == NO_PERIOD else f" {period_text(b.period)}"),
            "Statistic": tr(STATISTICS.get(b.statistic, b.statistic)).split(" (")[0],
            "Period": period_text(b.period),
            "Segment": b.segment, "ACV band": _filter_text(b.acv_band, ACV_BANDS),
            "Trial type": _filter_text(b.trial_type, TRIAL_TYPES),
            "Motion": _filter_text(b.motion, MOTIONS),
            "Product category": _filter_text(b.product_category, PRODUCT_CATEGORIES),
            "ARR band": _filter_text(b.arr_band, ARR_BANDS),
            "Funding": _filter_text(b.funding, FUNDING),
            "Source": b.source, "Year": year_text(b) or tr("not stated"), "Sample": b.sample,
            "Status": status_text(b.status, b.comparability), "Link": b.url if is_web_link(b.url) else None, "Definition": b.basis,
            "Note": b.note, "Origin": tr("published") if b.origin == "published" else tr("your file {name}", name=b.origin),
            "status_code": b.status, "kpi_id": b.kpi,
        })
    return pd.DataFrame(rows)


#: Rows of a long table shown at once; the page offers the others page by page.
PAGE_SIZE = 25


def pages(total: int, size: int = PAGE_SIZE) -> list[tuple[int, int]]:
    """``(start, stop)`` row slices of a table of ``total`` rows, ``size`` rows each (at least
    one page, empty when there are no rows)."""
    size = max(1, int(size))
    return [(start, min(start + size, total)) for start in range(0, total, size)] or [(0, 0)]


def page_text(start: int, stop: int, total: int, noun: str = "figures") -> str:
    """``"Figures 26-50 of 117"`` (``"No figures"`` for an empty table)."""
    if noun == "figures":
        if total <= 0:
            return tr("No figures")
        if stop - start >= total:
            return tr_n("The only figure", "All {n} figures", total)
        return tr("Figures {first}–{last} of {total}", first=start + 1, last=stop, total=total)
    if total <= 0:
        return f"No {noun}"
    if stop - start >= total:
        return f"All {total} {noun}" if total != 1 else f"The only {noun.rstrip('s')}"
    return f"{noun.capitalize()} {start + 1}–{stop} of {total}"


def definitions_frame() -> pd.DataFrame:
    """Every KPI with its formula, unit and direction."""
    units = {"fraction": "%", "ratio": mark("ratio (x)"), "months": mark("months"), "currency": mark("money"),
             "points": mark("points (-100..100)")}
    return pd.DataFrame([{
        "KPI": tr(k.label), "Formula": tr(k.formula), "What it tells": tr(k.description),
        "Unit": tr(units.get(k.unit, k.unit)), "Direction": direction_text(k.higher_is_better),
        "Stage": tr(STAGES.get(k.stage, k.stage)),
        "Inputs": ", ".join(tr(FIELDS_BY_NAME[i].label) for i in k.inputs),
    } for k in KPIS])


def fields_frame() -> pd.DataFrame:
    """Every input field with its definition."""
    return pd.DataFrame([{"Field": tr(f.label), "Name": f.name, "Stage": tr(STAGES[f.stage]),
                          "Definition": tr(f.help)} for f in FIELDS])


def unmapped_figures() -> tuple[str, ...]:
    """Published figures the catalogue does not map to a KPI (listed on the sources page)."""
    return UNMAPPED_FIGURES
